use crate::{browser, paths};
use leptos::prelude::*;

/// An honest 404 inside the app, for an unknown article or path.
#[component]
pub fn NotFound() -> impl IntoView {
    crate::router::name_page("Page introuvable");
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
