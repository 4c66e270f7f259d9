use crate::{
    browser,
    content::{self, ARTICLES},
    offline::OfflineState,
    paths,
};
use leptos::prelude::*;
use leptos_router::components::A;

/// Home: every article with its summary and reading time.
#[component]
pub fn Library() -> impl IntoView {
    browser::set_title("");
    OfflineState::get().check_for_update();
    let base = browser::base();
    let cards = ARTICLES
        .iter()
        .map(|article| {
            view! {
                <li class="card">
                    <h2 class="card-title">
                        <A href=paths::article(base, article.slug)>{article.title}</A>
                    </h2>
                    <p class="card-summary">{article.summary}</p>
                    <p class="card-meta">
                        <span>{content::reading_time_label(article.reading_minutes)}</span>
                    </p>
                </li>
            }
        })
        .collect_view();
    view! {
        <section class="library" aria-labelledby="library-title">
            <h1 id="library-title">"Bibliothèque"</h1>
            <ul class="cards">{cards}</ul>
        </section>
    }
}
