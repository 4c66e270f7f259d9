//! Storage problems, told in French above the page; the app stays usable beneath them. A
//! notice is rare (a full or disabled storage, a record this version cannot read), so its
//! view, with the export it offers, is a chunk of its own: a first visit does not fetch it.
//! If that chunk cannot be fetched, the notices are still told, as plain text.

use crate::{
    browser,
    catalog::{Catalog, Load},
    notes::transfer,
    split_point,
    state::{NotesState, Notice},
    view::on_demand,
};
use leptos::prelude::*;

#[component]
pub fn Notices() -> impl IntoView {
    let notes = NotesState::get();
    let any = Memo::new(move |_| notes.notices.with(|list| !list.is_empty()));
    move || {
        any.get()
            .then(|| on_demand::from_chunk(|| on_demand::part(notices_part()), plain_notices))
    }
}

split_point! { notices; fn notices_part() -> AnyView { notice_list().into_any() } }

fn notice_list() -> impl IntoView {
    let notes = NotesState::get();
    let export = move |_| {
        let text = notes
            .notebook
            .with_untracked(|n| transfer::export_json(&n.records, browser::now_ms()));
        browser::download("liseuse-notes.json", "application/json", &text);
    };
    notices_box(notes, move |i, notice| {
        view! {
            <div class="notice">
                <p>{notice_text(&notice)}</p>
                {notice.offers_export().then(unsaved_list)}
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
}

/// The notices without their chunk: their words at least.
fn plain_notices() -> AnyView {
    notices_box(NotesState::get(), |_, notice| {
        view! { <p class="notice">{notice.text}</p> }
    })
    .into_any()
}

/// The alert that holds the notices, each drawn by `each` (with its place in the list).
fn notices_box<V: IntoView + 'static>(
    notes: NotesState,
    each: impl Fn(usize, Notice) -> V + Clone + Send + Sync + 'static,
) -> impl IntoView {
    view! {
        <div class="notices" role="alert">
            {move || {
                let each = each.clone();
                notes
                    .notices
                    .get()
                    .into_iter()
                    .enumerate()
                    .map(move |(i, notice)| each(i, notice))
                    .collect_view()
            }}
        </div>
    }
}

/// Which articles hold changes that are only in this tab's memory, for as long as they do.
fn unsaved_list() -> impl IntoView {
    let notes = NotesState::get();
    let catalog = Catalog::get();
    move || {
        let unsaved = notes.unsaved.get();
        (!unsaved.is_empty()).then(|| {
            let titles: Vec<String> = unsaved
                .iter()
                .map(|slug| {
                    let title = match catalog.library() {
                        Load::Ready(library) => library.find(slug).map(|(_, a)| a.title.clone()),
                        _ => None,
                    };
                    format!(
                        "«\u{202f}{}\u{202f}»",
                        title.unwrap_or_else(|| slug.clone())
                    )
                })
                .collect();
            view! {
                <p class="unsaved">
                    "Pas encore enregistré dans ce navigateur\u{a0}: "
                    {titles.join(", ")}
                    "."
                </p>
            }
        })
    }
}

/// A notice's text, after the title of the article it is about ("un article" until the
/// library is loaded, or if it no longer has that article).
fn notice_text(notice: &Notice) -> impl IntoView + use<> {
    let slug = notice.slug.clone();
    let text = notice.text.clone();
    let catalog = Catalog::get();
    move || match &slug {
        None => text.clone(),
        Some(slug) => {
            let title = match catalog.library() {
                Load::Ready(library) => library.find(slug).map(|(_, a)| a.title.as_str()),
                _ => None,
            };
            format!(
                "Notes de «\u{202f}{}\u{202f}»\u{a0}: {text}",
                title.unwrap_or("un article")
            )
        }
    }
}
