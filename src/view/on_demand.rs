//! Parts of a page whose code is a chunk of its own (`split_point!`): the highlight panel, the
//! display settings. Nothing is fetched until the reader first needs the part, or shows the
//! intent to (`prefetch`); a reader who only reads never downloads them.

use crate::{
    browser,
    chunk::ChunkMissing,
    offline::{self, OfflineState},
};
use leptos::{prelude::*, reactive::computed::ScopedFuture, task::spawn_local};
use send_wrapper::SendWrapper;
use std::{future::Future, pin::Pin};

/// A part's view, built in its chunk once fetched (a `split_point!` function's future, boxed:
/// one `OnDemand` for all parts, rather than one compiled for each).
pub type PartFuture = Pin<Box<dyn Future<Output = Result<AnyView, ChunkMissing>>>>;

/// Boxes a `split_point!` function's future for `OnDemand` and `from_chunk`:
/// `load=|| part(panel::load())`.
pub fn part(load: impl Future<Output = Result<AnyView, ChunkMissing>> + 'static) -> PartFuture {
    Box::pin(load)
}

/// Mounts the part that `load` (a `split_point!` function: it fetches the part's chunk and
/// builds the view there) builds from the first time `needed` is true, and keeps it mounted:
/// the part shows and hides itself from then on.
#[component]
pub fn OnDemand(
    needed: Signal<bool>,
    load: fn() -> PartFuture,
    /// The part, for the message if its code cannot be fetched (« le panneau du surlignage »).
    what: &'static str,
) -> impl IntoView {
    let wanted = Memo::new(move |was: Option<&bool>| was == Some(&true) || needed.get());
    let attempt = RwSignal::new(0u32);
    move || {
        if !wanted.get() {
            return None;
        }
        attempt.track();
        Some(from_chunk(load, move || {
            view! { <PartFailed what attempt /> }.into_any()
        }))
    }
}

/// The view `load` builds in its chunk, drawn once the chunk is here; `failed` if it cannot
/// be fetched.
pub fn from_chunk(
    load: fn() -> PartFuture,
    failed: impl FnOnce() -> AnyView + 'static,
) -> Suspend<AnyView> {
    // Untracked: what the view reads as it is built must not draw it again, only the
    // caller's own signals may.
    let view =
        ScopedFuture::new_untracked(async move { load().await.unwrap_or_else(|_| failed()) });
    Suspend::new(SendWrapper::new(view))
}

/// Fetches a part's chunk ahead of need; a failure is told when the part is needed.
pub fn prefetch<F>(preload: fn() -> F)
where
    F: Future + 'static,
{
    spawn_local(async move {
        let _ = preload().await;
    });
}

#[component]
fn PartFailed(what: &'static str, attempt: RwSignal<u32>) -> impl IntoView {
    let offline = OfflineState::get();
    // A new build replaced this one on the server (its chunks with it): trying again cannot
    // work, reloading brings the new build.
    let replaced = RwSignal::new(false);
    if offline.online.get_untracked() {
        spawn_local(async move {
            if offline::build_replaced().await {
                replaced.try_set(true);
            }
        });
    }
    move || {
        if replaced.get() {
            view! {
                <div class="part-failed" role="alert">
                    <p>
                        {format!(
                            "Une nouvelle version de Liseuse est en ligne\u{a0}: rechargez la page pour obtenir {what}.",
                        )}
                    </p>
                    <button type="button" class="btn" on:click=|_| browser::reload()>
                        "Recharger"
                    </button>
                </div>
            }
                .into_any()
        } else {
            view! { <PartRetry what attempt /> }.into_any()
        }
    }
}

#[component]
fn PartRetry(what: &'static str, attempt: RwSignal<u32>) -> impl IntoView {
    let offline = OfflineState::get();
    view! {
        <div class="part-failed" role="alert">
            <p>
                {move || {
                    if offline.online.get() {
                        format!("Impossible de charger {what} depuis le serveur de Liseuse.")
                    } else {
                        format!("Hors ligne\u{a0}: impossible de charger {what} avant le retour du réseau.")
                    }
                }}
            </p>
            <button type="button" class="btn" on:click=move |_| attempt.update(|n| *n += 1)>
                "Réessayer"
            </button>
        </div>
    }
}
