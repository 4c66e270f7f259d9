use crate::{
    browser,
    content::{self, ARTICLES},
    offline::OfflineState,
    paths, prefs,
    progress::{self, Position, Status},
};
use leptos::prelude::*;
use leptos_router::components::A;

/// Home: every article with its summary, reading time and the reader's progress.
#[component]
pub fn Library() -> impl IntoView {
    browser::set_title("");
    OfflineState::get().check_for_update();
    let base = browser::base();
    let cards = ARTICLES
        .iter()
        .map(|article| {
            let position = prefs::get::<Position>(&progress::key(article.slug));
            let status = progress::status(position.as_ref(), article.text_len as usize);
            let resume = match (status, position) {
                (Status::Started(_), Some(p)) => Some(view! {
                    <A
                        href=format!("{}#t-{}", paths::article(base, article.slug), p.block)
                        attr:class="resume"
                        attr:aria-label=format!("Reprendre « {} »", article.title)
                    >
                        "Reprendre"
                    </A>
                }),
                _ => None,
            };
            view! {
                <li class="card">
                    <h2 class="card-title">
                        <A href=paths::article(base, article.slug)>{article.title}</A>
                    </h2>
                    <p class="card-summary">{article.summary}</p>
                    <p class="card-meta">
                        <span>{content::reading_time_label(article.reading_minutes)}</span>
                        <span class=format!("progress progress-{}", match status {
                            Status::Unread => "unread",
                            Status::Started(_) => "started",
                            Status::Read => "read",
                        })>{status.label_fr()}</span>
                        {resume}
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
