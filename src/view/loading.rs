//! What a page shows while the content it needs is fetched, and when it could not be.

use crate::catalog::{Catalog, LoadError};
use leptos::prelude::*;

#[component]
pub fn Loading() -> impl IntoView {
    view! { <p class="loading muted" role="status">"Chargement…"</p> }
}

/// The reason, in French, and a way to try again (e.g. back online).
#[component]
pub fn LoadFailed(error: LoadError) -> impl IntoView {
    let catalog = Catalog::get();
    view! {
        <div class="notice" role="alert">
            <p>{error.message()}</p>
            {if error == LoadError::Outdated {
                view! {
                    <button type="button" class="btn" on:click=move |_| reload()>"Recharger"</button>
                }
                    .into_any()
            } else {
                view! {
                    <button type="button" class="btn" on:click=move |_| catalog.retry()>
                        "Réessayer"
                    </button>
                }
                    .into_any()
            }}
        </div>
    }
}

fn reload() {
    if let Some(w) = web_sys::window() {
        let _ = w.location().reload();
    }
}
