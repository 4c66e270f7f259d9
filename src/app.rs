//! The app shell: header, notices, routes.

use crate::{
    browser,
    notes::transfer,
    pages::{library::Library, my_notes::MyNotes, not_found::NotFound, reader::Reader},
    paths,
    state::NotesState,
};
use leptos::prelude::*;
use leptos_router::{
    components::{Route, Router, Routes, A},
    path,
};

#[component]
pub fn App() -> impl IntoView {
    let base = browser::base();
    NotesState::provide();
    view! {
        <Router base=base>
            <a class="skip-link" href="#contenu">"Aller au contenu"</a>
            <header class="site-header">
                <a class="brand" href=paths::library(base)>"Liseuse"</a>
                <nav aria-label="Navigation principale">
                    <A href=paths::library(base) exact=true>"Bibliothèque"</A>
                    <A href=paths::my_notes(base)>"Mes notes"</A>
                </nav>
            </header>
            <main id="contenu" tabindex="-1">
                <Notices />
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=Library />
                    <Route path=path!("/lire/:slug") view=Reader />
                    <Route path=path!("/notes") view=MyNotes />
                </Routes>
            </main>
        </Router>
    }
}

/// Storage problems, told in French; the app stays usable beneath them.
#[component]
fn Notices() -> impl IntoView {
    let notes = NotesState::get();
    let export = move |_| {
        let text = notes
            .notebook
            .with_untracked(|n| transfer::export_json(&n.records, browser::now_ms()));
        browser::download("liseuse-notes.json", "application/json", &text);
    };
    move || {
        let list = notes.notices.get();
        (!list.is_empty()).then(|| {
            view! {
                <div class="notices" role="alert">
                    {list
                        .into_iter()
                        .enumerate()
                        .map(|(i, notice)| {
                            view! {
                                <div class="notice">
                                    <p>{notice.text.clone()}</p>
                                    <div class="row">
                                        {notice.offers_export().then(|| view! {
                                            <button type="button" class="btn" on:click=export>
                                                "Exporter en JSON"
                                            </button>
                                        })}
                                        <button type="button" class="btn" on:click=move |_| notes.dismiss(i)>
                                            "Compris"
                                        </button>
                                    </div>
                                </div>
                            }
                        })
                        .collect_view()}
                </div>
            }
        })
    }
}
