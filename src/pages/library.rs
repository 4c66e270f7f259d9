use crate::{
    browser,
    catalog::{Catalog, Load},
    content::{self, ArticleMeta},
    offline::OfflineState,
    paths, prefs,
    progress::{self, Position, Status},
    view::loading::{LoadFailed, Loading},
};
use leptos::prelude::*;

/// Home: every article with its summary, reading time and the reader's progress.
#[component]
pub fn Library() -> impl IntoView {
    crate::router::name_page("");
    OfflineState::get().check_for_update();
    let catalog = Catalog::get();
    let cards = move || match catalog.library() {
        Load::Ready(library) => {
            view! { <ul class="cards">{library.articles.iter().map(card).collect_view()}</ul> }
                .into_any()
        }
        Load::Loading => view! { <Loading /> }.into_any(),
        Load::Failed(error) => view! { <LoadFailed error /> }.into_any(),
    };
    view! {
        <section class="library" aria-labelledby="library-title">
            <h1 id="library-title">"Bibliothèque"</h1>
            {cards}
        </section>
    }
}

fn card(article: &'static ArticleMeta) -> impl IntoView {
    let base = browser::base();
    let slug = article.slug.as_str();
    let position = prefs::get::<Position>(&progress::key(slug));
    let status = progress::status(position.as_ref(), article.text_len as usize);
    let resume = match (status, position) {
        (Status::Started(_), Some(p)) => Some(view! {
            <a
                href=format!("{}#t-{}", paths::article(base, slug), p.block)
                class="resume"
                aria-label=format!("Reprendre «\u{202f}{}\u{202f}»", article.title)
            >
                "Reprendre"
            </a>
        }),
        _ => None,
    };
    view! {
        <li class="card">
            <h2 class="card-title">
                <a href=paths::article(base, slug)>{article.title.as_str()}</a>
            </h2>
            <p class="card-summary">{article.summary.as_str()}</p>
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
}
