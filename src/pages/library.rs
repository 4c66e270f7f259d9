use crate::{
    browser,
    catalog::{Catalog, Load},
    content::{self, ArticleMeta},
    offline::OfflineState,
    paths, prefs,
    progress::{self, Status},
    sync_driver::SyncDriver,
    view::loading::{LoadFailed, Loading},
};
use leptos::{ev, prelude::*};

/// Home: every article with its summary, reading time and the reader's progress.
#[component]
pub fn Library() -> impl IntoView {
    crate::router::name_page("");
    OfflineState::get().check_for_update();
    let catalog = Catalog::get();
    // The places read change while the library is shown: another tab reads on, or a sync pass
    // brings another device's. Each card follows them (not the list, which would take the
    // focus from a reader moving through it).
    let read_elsewhere = Trigger::new();
    let listener = window_event_listener(ev::storage, move |event| {
        if event
            .key()
            .is_none_or(|key| key.starts_with(progress::KEY_PREFIX))
        {
            read_elsewhere.notify();
        }
    });
    on_cleanup(move || listener.remove());
    let synced = use_context::<SyncDriver>().map(|driver| driver.status);
    let changed = move || {
        read_elsewhere.track();
        if let Some(status) = synced {
            status.track();
        }
    };
    let cards = move || match catalog.library() {
        Load::Ready(library) => view! {
            <ul class="cards">
                {library.articles.iter().map(|article| card(article, changed)).collect_view()}
            </ul>
        }
        .into_any(),
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

fn card(
    article: &'static ArticleMeta,
    changed: impl Fn() + Send + Sync + 'static,
) -> impl IntoView {
    let base = browser::base();
    let slug = article.slug.as_str();
    let position = Memo::new(move |_| {
        changed();
        prefs::position(&progress::key(slug))
    });
    let status = move || position.with(|p| progress::status(p.as_ref(), article.text_len as usize));
    let resume = move || {
        let block =
            position.with(|p| progress::resume_place(p.as_ref(), article.text_len as usize))?;
        Some(view! {
            <a
                href=format!("{}#t-{}", paths::article(base, slug), block)
                class="resume"
                aria-label=format!("Reprendre «\u{202f}{}\u{202f}»", article.title)
            >
                "Reprendre"
            </a>
        })
    };
    view! {
        <li class="card">
            <h2 class="card-title">
                <a href=paths::article(base, slug)>{article.title.as_str()}</a>
            </h2>
            <p class="card-summary">{article.summary.as_str()}</p>
            <p class="card-meta">
                <span>{content::reading_time_label(article.reading_minutes)}</span>
                <span class=move || {
                    format!(
                        "progress progress-{}",
                        match status() {
                            Status::Unread => "unread",
                            Status::Started(_) => "started",
                            Status::Read => "read",
                        },
                    )
                }>{move || status().label_fr()}</span>
                {resume}
            </p>
        </li>
    }
}
