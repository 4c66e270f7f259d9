//! Search results (`/recherche/?q=`): titles, passages and the reader's own notes, best first,
//! each with a snippet where the words found are marked.

use crate::{
    browser,
    catalog::{Catalog, Load},
    paths,
    router::Location,
    search::{self, Found, Hit, Snippet},
    state::NotesState,
    view::search_box::SearchQuery,
};
use leptos::prelude::*;

/// How many results are shown.
const LIMIT: usize = 30;

#[component]
pub fn SearchPage() -> impl IntoView {
    crate::router::name_page("Recherche");
    let notes = NotesState::get();
    let location = Location::get();
    // The box sets the query as the reader types; the URL (back, forward, reload) too.
    let SearchQuery(typed) = expect_context::<SearchQuery>();
    Effect::new(move |_| {
        let from_url = location.query("q").unwrap_or_default();
        if typed.get_untracked() != from_url {
            typed.set(from_url);
        }
    });
    let q = typed;
    let catalog = Catalog::get();
    // With what is loaded; the parts of the index and the articles a query needs are fetched,
    // and the search runs again when they arrive.
    let outcome = Memo::new(move |_| {
        let q = q.get();
        let corpus = catalog.corpus()?;
        Some(
            notes
                .notebook
                .with(|n| search::search(&q, &corpus, &n.records, LIMIT)),
        )
    });
    Effect::new(move |_| {
        outcome.with(|o| {
            if let Some(o) = o {
                catalog.request(&o.missing);
            }
        })
    });
    // Results are shown once complete, so they do not reorder as parts arrive.
    let ready =
        Memo::new(move |_| outcome.with(|o| o.as_ref().is_some_and(|o| o.missing.is_empty())));
    let hits = Memo::new(move |previous: Option<&Vec<Hit>>| {
        match outcome.with(|o| {
            o.as_ref()
                .filter(|o| o.missing.is_empty())
                .map(|o| o.hits.clone())
        }) {
            Some(hits) => hits,
            None => previous.cloned().unwrap_or_default(),
        }
    });
    let base = browser::base();
    view! {
        <section class="search-page" aria-labelledby="search-title">
            <h1 id="search-title">"Recherche"</h1>
            <p role="status" class="muted">
                {move || {
                    let n = hits.with(Vec::len);
                    match (q.with(|q| q.trim().is_empty()), n) {
                        (true, _) => "Tapez un mot dans «\u{202f}Rechercher\u{202f}» (touche /).".to_string(),
                        (false, _) if !ready.get() => {
                            let failure = match catalog.library() {
                                Load::Failed(e) => Some(e),
                                _ => outcome.with(|o| {
                                    o.as_ref().and_then(|o| catalog.failure(&o.missing))
                                }),
                            };
                            failure.map_or_else(|| "Recherche…".to_string(), |e| e.message())
                        }
                        (false, 0) => format!("Aucun résultat pour «\u{202f}{}\u{202f}».", q.get()),
                        (false, 1) => format!("1 résultat pour «\u{202f}{}\u{202f}».", q.get()),
                        // As many as are shown: there may be more, less good.
                        (false, n) if n >= LIMIT => format!("Les {n} meilleurs résultats pour «\u{202f}{}\u{202f}».", q.get()),
                        (false, n) => format!("{n} résultats pour «\u{202f}{}\u{202f}».", q.get()),
                    }
                }}
            </p>
            <ol class="results">
                {move || {
                    hits.get()
                        .into_iter()
                        .map(|hit| result(base, &q.get(), hit))
                        .collect_view()
                }}
            </ol>
        </section>
    }
}

fn result(base: &'static str, q: &str, hit: Hit) -> impl IntoView {
    let article = paths::article(base, &hit.slug);
    let (href, kind) = match &hit.found {
        Found::Passage { block } => (
            format!("{article}?q={}#t-{block}", browser::encode_query(q)),
            "Dans le texte",
        ),
        Found::Title => (article.clone(), "Titre"),
        Found::Note { id: Some(id) } => (format!("{article}#h-{id}"), "Dans vos notes"),
        // Not in the article's text any more: « Mes notes » keeps it, with its quote.
        Found::Orphan { id } => (
            format!("{}#n-{id}", paths::my_notes(base)),
            "Dans vos notes (passage introuvable dans le texte actuel)",
        ),
        Found::Note { id: None } => (
            format!("{article}#notes-article"),
            "Dans vos notes sur l’article",
        ),
        Found::RemovedArticleNote => (
            paths::my_notes(base),
            "Dans vos notes sur un article retiré de Liseuse",
        ),
    };
    // The query's words are marked in the title too: a result found by its title alone has
    // nothing to mark in its summary.
    let terms = search::terms(q);
    let title = Snippet {
        marks: search::matches(&hit.title, &terms)
            .iter()
            .map(|w| w.start..w.end)
            .collect(),
        text: hit.title,
    };
    view! {
        <li class="result">
            <p class="result-kind muted">{kind}</p>
            <h2 class="result-title">
                <a href=href>{snippet(title)}</a>
            </h2>
            <p class="snippet">{snippet(hit.snippet)}</p>
        </li>
    }
}

/// The snippet as text with `<mark>`s from its ranges: always text, never HTML.
pub fn snippet(s: Snippet) -> impl IntoView {
    let chars: Vec<char> = s.text.chars().collect();
    let mut pieces = Vec::new();
    let mut at = 0;
    for r in s.marks {
        if r.start < at || r.end > chars.len() {
            continue;
        }
        pieces.push((chars[at..r.start].iter().collect::<String>(), false));
        pieces.push((chars[r.clone()].iter().collect::<String>(), true));
        at = r.end;
    }
    pieces.push((chars[at..].iter().collect::<String>(), false));
    pieces
        .into_iter()
        .map(|(text, marked)| {
            if marked {
                view! { <mark class="search-hit">{text}</mark> }.into_any()
            } else {
                text.into_any()
            }
        })
        .collect_view()
}
