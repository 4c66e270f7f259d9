use crate::{browser, paths};
use leptos::prelude::*;

/// An honest 404 inside the app, for an unknown article or path.
#[component]
pub fn NotFound() -> impl IntoView {
    crate::router::name_page("Page introuvable");
    // On the static copy of an article's page (an address a host served it for, that names no
    // article), the copy gives way once this is drawn.
    Effect::new(|_| browser::end_prerender());
    view! {
        <section class="not-found">
            <h1>"Page introuvable"</h1>
            <p>"Cette page n’existe pas, ou l’article a changé d’adresse."</p>
            <p>
                <a href=paths::library(browser::base())>"Retour à la bibliothèque"</a>
            </p>
        </section>
    }
}
