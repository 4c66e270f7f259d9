//! The app shell: header, routes, and the page frame around them.

use crate::{
    browser,
    pages::{library::Library, not_found::NotFound, reader::Reader},
    paths,
};
use leptos::prelude::*;
use leptos_router::{
    components::{Route, Router, Routes, A},
    path,
};

#[component]
pub fn App() -> impl IntoView {
    let base = browser::base();
    view! {
        <Router base=base>
            <a class="skip-link" href="#contenu">"Aller au contenu"</a>
            <header class="site-header">
                <a class="brand" href=paths::library(base)>"Liseuse"</a>
                <nav aria-label="Navigation principale">
                    <A href=paths::library(base) exact=true>"Bibliothèque"</A>
                </nav>
            </header>
            <main id="contenu" tabindex="-1">
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=Library />
                    <Route path=path!("/lire/:slug") view=Reader />
                </Routes>
            </main>
        </Router>
    }
}
