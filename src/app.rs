//! The app shell: header, notices, routes.

use crate::{
    browser,
    catalog::Catalog,
    offline::OfflineState,
    pages::{
        library::Library, my_notes::MyNotes, not_found::NotFound, reader::Reader,
        search::SearchPage, sync::SyncPage,
    },
    paths,
    route::Page,
    router::Location,
    split_point,
    state::NotesState,
    sync_driver::SyncDriver,
    view::{
        display::{CurrentSettings, DisplaySettings},
        notices::Notices,
        on_demand::{self, OnDemand},
        search_box::{SearchBox, SearchQuery},
        shortcuts::Shortcuts,
    },
};
use leptos::{ev, prelude::*};
use std::time::Duration;

#[component]
pub fn App() -> impl IntoView {
    let base = browser::base();
    let location = Location::provide(base);
    Catalog::provide();
    let notes = NotesState::provide();
    OfflineState::provide();
    CurrentSettings::provide();
    let sync = SyncDriver::provide(notes);
    provide_context(SearchQuery(RwSignal::new(String::new())));
    // `said`: words the link adds to its name (« Synchronisation en échec »): screen readers
    // hear them, and they sit beside the word, covering no text.
    let nav_link = move |href: String,
                         exact: bool,
                         label: &'static str,
                         said: Option<RwSignal<String>>| {
        let current = href.clone();
        view! {
            <a href=href aria-current=move || location.is_current(&current, exact).then_some("page")>
                {label}
                {said.map(|said| view! { <span class="sync-flag">{move || said.get()}</span> })}
            </a>
        }
    };
    view! {
        // A link to this very page's content: `#contenu` alone would resolve against
        // `<base href>`, to the library. The app keeps the page and focuses the content.
        <a
            class="skip-link"
            href=move || location.with_hash("#contenu")
            on:click=|ev| {
                ev.prevent_default();
                browser::focus_main();
            }
        >
            "Aller au contenu"
        </a>
        <header class="site-header">
            <a class="brand" href=paths::library(base)>"Liseuse"</a>
            <nav aria-label="Navigation principale">
                {nav_link(paths::library(base), true, "Bibliothèque", None)}
                {nav_link(paths::my_notes(base), false, "Mes notes", None)}
                {nav_link(paths::sync(base), false, "Synchronisation", Some(sync.flag))}
            </nav>
            <SearchBox />
            <DisplaySettings />
            <NetworkStatus />
        </header>
        <Shortcuts />
        <UpdateBanner />
        <main id="contenu" tabindex="-1">
            <Notices />
            {move || {
                let page = location.page.get();
                // Only the page's kind draws it again: the reader stays as its article changes.
                untrack(move || page_view(page))
            }}
        </main>
        {location.announcements()}
    }
}

fn page_view(page: Page) -> AnyView {
    match page {
        Page::Library => view! { <Library /> }.into_any(),
        Page::Reader => view! { <Reader /> }.into_any(),
        Page::MyNotes => lazy_page(|| on_demand::part(my_notes_page())),
        Page::Search => lazy_page(|| on_demand::part(search_page())),
        Page::Sync => lazy_page(|| on_demand::part(sync_page())),
        Page::NotFound => view! { <NotFound /> }.into_any(),
    }
}

/// "Hors ligne", discreetly, while the network is away.
#[component]
fn NetworkStatus() -> impl IntoView {
    let offline = OfflineState::get();
    view! {
        <p class="network-status" role="status">
            {move || (!offline.online.get()).then_some("Hors ligne")}
        </p>
    }
}

/// Offers a new build when one is installed; never reloads by itself.
#[component]
fn UpdateBanner() -> impl IntoView {
    let offline = OfflineState::get();
    // Look for a new build now and then, and whenever the reader comes back to the tab
    // (pages also look when they open: see `OfflineState::check_for_update`).
    let on_visible = window_event_listener(ev::visibilitychange, move |_| {
        offline.check_for_update();
    });
    on_cleanup(move || on_visible.remove());
    if let Ok(handle) = set_interval_with_handle(
        move || offline.check_for_update(),
        Duration::from_secs(15 * 60),
    ) {
        on_cleanup(move || handle.clear());
    }
    // Its words and button come with its chunk (the new build's worker holds this build's
    // chunks until the reload).
    view! {
        <OnDemand needed=offline.update_ready.into() load=|| on_demand::part(update_banner()) what="l’offre de mise à jour" />
    }
}

split_point! { update_offer; fn update_banner() -> AnyView { update_banner_view().into_any() } }

fn update_banner_view() -> impl IntoView {
    let offline = OfflineState::get();
    move || {
        offline.update_ready.get().then(|| {
            view! {
                <div class="update-banner" role="status">
                    <span>"Nouvelle version disponible"</span>
                    " — "
                    <button type="button" class="btn" on:click=move |_| offline.apply_update()>
                        "Recharger"
                    </button>
                </div>
            }
        })
    }
}

// The pages a visit to an article does not need: in the release build, the code only they
// use is a chunk of its own (`split_point!`), fetched the first time the page opens.
split_point! { my_notes_page; fn my_notes_page() -> AnyView { view! { <MyNotes /> }.into_any() } }
split_point! { search_page; fn search_page() -> AnyView { view! { <SearchPage /> }.into_any() } }
split_point! { sync_page; fn sync_page() -> AnyView { view! { <SyncPage /> }.into_any() } }

fn lazy_page(load: fn() -> on_demand::PartFuture) -> AnyView {
    on_demand::from_chunk(load, || view! { <ChunkFailed /> }.into_any()).into_any()
}

/// A lazy page whose code could not be fetched; nothing of the reader's is at stake.
#[component]
fn ChunkFailed() -> impl IntoView {
    crate::router::name_page("Page non chargée");
    let offline = OfflineState::get();
    view! {
        <section class="chunk-failed">
            <h1>"Page non chargée"</h1>
            <p role="alert">
                {move || {
                    if offline.online.get() {
                        "Cette page de Liseuse n’a pas pu être chargée depuis le serveur\u{a0}: rechargez pour l’obtenir."
                    } else {
                        "Cette page n’est pas encore enregistrée pour une lecture hors ligne\u{a0}: elle le sera au retour du réseau."
                    }
                }}
            </p>
            <button type="button" class="btn" on:click=move |_| browser::reload()>
                "Recharger"
            </button>
        </section>
    }
}
