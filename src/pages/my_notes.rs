//! "Mes notes": every highlight and note of every article, grouped by article, filtered by
//! colour and text, sorted newest first or in reading order; export and import.

use crate::{
    browser,
    catalog::{Catalog, Load},
    content::{Article, Library},
    fold::{self, fold},
    notes::{
        model::{ArticleRecord, Color},
        transfer::{self, ArticleMeta},
    },
    offline::OfflineState,
    paths,
    state::NotesState,
    storage,
    view::loading::Loading,
    view::reader_context::{anchor_article, Anchored},
};
use leptos::{prelude::*, task::spawn_local};
use std::collections::BTreeMap;
use wasm_bindgen::JsCast;

/// Said after an import that the storage could not keep (full, disabled), wholly or for
/// `unsaved` of its `all` articles.
fn not_stored_fr(unsaved: usize, all: usize) -> String {
    let what = if unsaved == all {
        "ce qui a été importé n’est gardé".to_string()
    } else if unsaved == 1 {
        format!("un des {all} articles importés n’est gardé")
    } else {
        format!("{unsaved} des {all} articles importés ne sont gardés")
    };
    format!(
        " Mais le stockage local n’a pas pu tout enregistrer\u{a0}: {what} que dans cet onglet \
         (l’avis en haut de la page nomme les articles concernés). Exportez vos notes pour le \
         conserver."
    )
}

/// Highlights shown at first, and added by "Afficher … de plus".
const PAGE: usize = 300;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Order {
    Newest,
    Reading,
}

/// What the reader chose to see in « Mes notes », kept for « back » (in the tab's session).
#[derive(Debug, Clone, PartialEq)]
struct NotesView {
    query: String,
    colors: Vec<Color>,
    newest: bool,
    limit: usize,
}

impl Default for NotesView {
    fn default() -> Self {
        NotesView {
            query: String::new(),
            colors: Color::ALL.to_vec(),
            newest: false,
            limit: PAGE,
        }
    }
}

impl NotesView {
    /// `limit`, `r` or `n` (order), the colours' names and the query, one per line.
    fn encode(&self) -> String {
        let limit = if self.limit == usize::MAX {
            0
        } else {
            self.limit
        };
        let colors: Vec<&str> = self.colors.iter().map(|c| c.as_str()).collect();
        let order = if self.newest { "n" } else { "r" };
        format!("{limit}\n{order}\n{}\n{}", colors.join(","), self.query)
    }

    /// What `encode` wrote; anything else is the default view.
    fn decode(text: &str) -> NotesView {
        let mut lines = text.splitn(4, '\n');
        let (Some(limit), Some(order), Some(colors), Some(query)) =
            (lines.next(), lines.next(), lines.next(), lines.next())
        else {
            return NotesView::default();
        };
        let Ok(limit) = limit.parse::<usize>() else {
            return NotesView::default();
        };
        NotesView {
            query: query.to_string(),
            colors: colors.split(',').filter_map(Color::from_name).collect(),
            newest: order == "n",
            limit: if limit == 0 { usize::MAX } else { limit },
        }
    }
}

/// One article's group, as shown.
#[derive(Debug, Clone, PartialEq)]
struct Group {
    slug: String,
    title: String,
    /// False when the article is no longer in the app.
    known: bool,
    /// Place in the library (reading order between articles).
    place: usize,
    note: String,
    highlights: Vec<Anchored>,
    latest: i64,
    /// Folded once per change of the data (not per keystroke): title, note, and each
    /// highlight's quote and note, for the text filter (case and accents ignored).
    folded_title: String,
    folded_note: String,
    folded: Vec<String>,
}

/// `library` is `None` while it loads; `article` gives the articles loaded so far (their
/// highlights are placed once the text is there).
fn groups(
    records: &BTreeMap<String, ArticleRecord>,
    library: Option<&Library>,
    article: impl Fn(&str) -> Option<&'static Article>,
) -> Vec<Group> {
    records
        .iter()
        .filter_map(|(slug, record)| {
            let meta = library.and_then(|l| l.find(slug));
            let known = library.is_none() || meta.is_some();
            let loaded = if known { article(slug) } else { None };
            let highlights = match loaded {
                Some(a) => anchor_article(a, &record.highlights),
                // Its text not loaded (yet): where it was stored, in the meantime. An article
                // gone from the app: its highlights can't be placed, but are kept.
                None => {
                    let mut list: Vec<Anchored> = record
                        .highlights
                        .iter()
                        .filter(|h| !h.deleted)
                        .map(|h| Anchored {
                            highlight: h.clone(),
                            range: known.then_some(h.position.start..h.position.end),
                        })
                        .collect();
                    list.sort_by_key(|a| a.range.as_ref().map(|r| r.start));
                    list
                }
            };
            let note = record
                .note
                .as_ref()
                .map(|n| n.text.clone())
                .unwrap_or_default();
            if highlights.is_empty() && note.trim().is_empty() {
                return None;
            }
            let latest = highlights
                .iter()
                .map(|a| a.highlight.updated)
                .chain(record.note.as_ref().map(|n| n.updated))
                .max()
                .unwrap_or(0);
            let title = meta.map_or_else(|| slug.clone(), |(_, a)| a.title.clone());
            Some(Group {
                slug: slug.clone(),
                folded_title: fold(&title),
                folded_note: fold(&note),
                folded: highlights
                    .iter()
                    .map(|a| {
                        fold(&format!(
                            "{}\n{}",
                            a.highlight.quote.exact, a.highlight.note
                        ))
                    })
                    .collect(),
                title,
                known,
                place: meta.map_or(usize::MAX, |(i, _)| i),
                note,
                highlights,
                latest,
            })
        })
        .collect()
}

#[component]
pub fn MyNotes() -> impl IntoView {
    crate::router::name_page("Mes notes");
    OfflineState::get().check_for_update();
    let notes = NotesState::get();
    let base = browser::base();
    // The view as the reader left it on this history entry (« back » from an article it
    // opened), else the whole notebook in reading order.
    let view_key = format!(
        "liseuse:notes-view:{}",
        crate::router::Location::get().entry()
    );
    let kept = browser::session_storage()
        .and_then(|s| s.get_item(&view_key).ok().flatten())
        .map(|text| NotesView::decode(&text))
        .unwrap_or_default();
    let order = RwSignal::new(if kept.newest {
        Order::Newest
    } else {
        Order::Reading
    });
    let colors = RwSignal::new(kept.colors);
    let query = RwSignal::new(kept.query);
    let import_message = RwSignal::new(None::<(bool, String)>);

    let catalog = Catalog::get();
    // The titles come from the library: nothing is shown before it is loaded (or has failed,
    // and the slugs stand in).
    let library = Memo::new(move |_| match catalog.library() {
        Load::Ready(library) => Some(Some(library)),
        Load::Loading => None,
        Load::Failed(_) => Some(None),
    });
    let all = Memo::new(move |_| {
        let Some(library) = library.get() else {
            return Vec::new();
        };
        let article = |slug: &str| match catalog.article(slug) {
            Load::Ready(article) => Some(article),
            _ => None,
        };
        notes
            .notebook
            .with(|n| groups(&n.records, library, article))
    });
    // Everything that matches the filters, in order; `shown` is its first `limit` highlights.
    let matching = Memo::new(move |_| {
        // Every word of the filter, anywhere (as search takes them): « coeur ethique » finds
        // « L’éthique du cœur », « "bonjour" » finds « bonjour ».
        let words: Vec<String> =
            query.with(|q| fold::words(q).into_iter().map(|w| w.folded).collect());
        let found_in = |text: &str| words.iter().all(|w| text.contains(w.as_str()));
        let q = !words.is_empty();
        let colors = colors.get();
        let mut list: Vec<Group> = all.with(|groups| {
            groups
                .iter()
                .filter_map(|g| {
                    let title_hit = q && found_in(&g.folded_title);
                    let note_hit = !q || found_in(&g.folded_note) || title_hit;
                    // Only what is shown is cloned.
                    let highlights: Vec<Anchored> = g
                        .highlights
                        .iter()
                        .zip(&g.folded)
                        .filter(|(a, text)| {
                            colors.contains(&a.highlight.color)
                                && (!q || title_hit || found_in(text))
                        })
                        .map(|(a, _)| a.clone())
                        .collect();
                    let colour_filtered = colors.len() < Color::ALL.len() && highlights.is_empty();
                    let note = if note_hit && !colour_filtered {
                        g.note.clone()
                    } else {
                        String::new()
                    };
                    (!highlights.is_empty() || !note.is_empty()).then(|| Group {
                        slug: g.slug.clone(),
                        title: g.title.clone(),
                        known: g.known,
                        place: g.place,
                        note,
                        highlights,
                        latest: g.latest,
                        folded_title: String::new(),
                        folded_note: String::new(),
                        folded: Vec::new(),
                    })
                })
                .collect()
        });
        match order.get() {
            Order::Newest => {
                list.sort_by_key(|g| std::cmp::Reverse(g.latest));
                for g in &mut list {
                    g.highlights
                        .sort_by_key(|a| std::cmp::Reverse(a.highlight.updated));
                }
            }
            Order::Reading => list.sort_by_key(|g| g.place),
        }
        list
    });
    // A page at a time: a reader scans a few hundred quotes, and the page stays quick with
    // ten thousand.
    let limit = RwSignal::new(kept.limit.max(PAGE));
    Effect::new(move |_| {
        let view = NotesView {
            query: query.get(),
            colors: colors.get(),
            newest: order.get() == Order::Newest,
            limit: limit.get(),
        };
        if let Some(storage) = browser::session_storage() {
            let _ = storage.set_item(&view_key, &view.encode());
        }
    });
    let shown = Memo::new(move |_| {
        let mut left = limit.get();
        matching.with(|groups| {
            groups
                .iter()
                .filter_map(|g| {
                    if left == 0 {
                        return None;
                    }
                    let mut g = g.clone();
                    g.highlights.truncate(left);
                    left -= g.highlights.len();
                    Some(g)
                })
                .collect::<Vec<_>>()
        })
    });
    let hidden = Memo::new(move |_| {
        let count = |groups: &Vec<Group>| groups.iter().map(|g| g.highlights.len()).sum::<usize>();
        matching.with(count) - shown.with(count)
    });
    let total =
        Memo::new(move |_| all.with(|g| g.iter().map(|g| g.highlights.len()).sum::<usize>()));

    // `#n-<id>` (a search result on an orphaned highlight) opens on that highlight once drawn.
    let location = crate::router::Location::get();
    Effect::new(move |done: Option<bool>| {
        if done == Some(true) {
            return true;
        }
        // The router's place, not the window's: the effect runs again when it changes.
        let place = location.place().unwrap_or_default();
        let Some(id) = place.strip_prefix("n-").map(str::to_string) else {
            return true;
        };
        let holds = |groups: &Vec<Group>| {
            groups
                .iter()
                .any(|g| g.highlights.iter().any(|a| a.highlight.id == id))
        };
        if !shown.with(holds) {
            if matching.with(holds) {
                limit.set(usize::MAX);
            }
            return false;
        }
        browser::scroll_to_element(&format!("n-{id}"));
        true
    });

    let export_markdown = move |_| {
        // Articles the library does not know (yet) are exported under their slug.
        let metas: Vec<ArticleMeta> = match catalog.library() {
            Load::Ready(library) => library
                .articles
                .iter()
                .map(|a| ArticleMeta {
                    slug: a.slug.clone(),
                    title: a.title.clone(),
                    url: browser::absolute_url(&paths::article(base, &a.slug)),
                })
                .collect(),
            _ => Vec::new(),
        };
        let text = notes
            .notebook
            .with_untracked(|n| transfer::export_markdown(&metas, &n.records, &today_label()));
        browser::download("liseuse-notes.md", "text/markdown;charset=utf-8", &text);
    };
    let export_json = move |_| {
        let text = notes
            .notebook
            .with_untracked(|n| transfer::export_json(&n.records, browser::now_ms()));
        browser::download("liseuse-notes.json", "application/json", &text);
    };
    let on_import = move |ev: web_sys::Event| {
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let Some(file) = input.files().and_then(|f| f.get(0)) else {
            return;
        };
        input.set_value("");
        spawn_local(async move {
            let bytes = match wasm_bindgen_futures::JsFuture::from(file.array_buffer()).await {
                Ok(buffer) => js_sys::Uint8Array::new(&buffer).to_vec(),
                Err(_) => {
                    import_message.set(Some((false, "Ce fichier n’a pas pu être lu.".into())));
                    return;
                }
            };
            match transfer::import_json(&bytes) {
                Err(error) => import_message.set(Some((false, error.message_fr()))),
                Ok(imported) => {
                    // The file's articles as merged, both texts of a note included.
                    let (merged, summary) = notes.notebook.with_untracked(|n| {
                        transfer::merge_all(&n.records, &imported, storage::stamp_now())
                    });
                    let slugs: Vec<String> = merged.keys().cloned().collect();
                    notes.merge_in(merged);
                    let unsaved = slugs.iter().filter(|slug| notes.is_unsaved(slug)).count();
                    let stored = unsaved == 0;
                    let mut message = summary.message_fr();
                    if !stored {
                        message.push_str(&not_stored_fr(unsaved, slugs.len()));
                    }
                    import_message.set(Some((stored, message)));
                }
            }
        });
    };

    view! {
        <section class="my-notes" aria-labelledby="my-notes-title">
            <h1 id="my-notes-title">"Mes notes"</h1>
            <div class="toolbar-row">
                <button type="button" class="btn" on:click=export_markdown>"Exporter en Markdown"</button>
                <button type="button" class="btn" on:click=export_json>"Exporter en JSON"</button>
                <label class="btn file-button">
                    "Importer"
                    <input
                        type="file"
                        class="sr-only"
                        aria-label="Importer"
                        accept=".json,application/json"
                        on:change=on_import
                    />
                </label>
                <a class="btn" href=paths::sync(base)>"Synchronisation"</a>
            </div>
            <div role="status" aria-live="polite">
                {move || import_message.get().map(|(ok, text)| view! {
                    <p class=if ok { "import-ok" } else { "import-error" }>{text}</p>
                })}
            </div>
            <div class="filters" role="search">
                <label class="field-label" for="notes-filter">"Filtrer"</label>
                <input
                    id="notes-filter"
                    type="search"
                    placeholder="Un mot d’un passage ou d’une note"
                    prop:value=move || query.get()
                    on:input=move |ev| {
                        limit.set(PAGE);
                        query.set(event_target_value(&ev));
                    }
                />
                <div class="row" role="group" aria-label="Couleurs">
                    {Color::ALL.iter().map(|&c| view! {
                        <button
                            type="button"
                            class=format!("swatch swatch-{}", c.as_str())
                            aria-pressed=move || colors.with(|cs| cs.contains(&c)).to_string()
                            on:click=move |_| colors.update(|cs| {
                                if let Some(i) = cs.iter().position(|x| *x == c) {
                                    cs.remove(i);
                                } else {
                                    cs.push(c);
                                }
                            })
                        >
                            {c.label_fr()}
                        </button>
                    }).collect_view()}
                </div>
                <label class="field-label" for="notes-order">"Ordre"</label>
                <select
                    id="notes-order"
                    on:change=move |ev| order.set(if event_target_value(&ev) == "newest" { Order::Newest } else { Order::Reading })
                >
                    <option value="reading" selected=move || order.get() == Order::Reading>"Ordre de lecture"</option>
                    <option value="newest" selected=move || order.get() == Order::Newest>"Plus récents d’abord"</option>
                </select>
            </div>
            {move || {
                if library.with(Option::is_none) {
                    Some(view! { <Loading /> }.into_any())
                } else {
                    if total.get() == 0 && all.with(Vec::is_empty) {
                        Some(view! {
                            <p class="muted">"Aucun surlignage ni note pour l’instant. Ouvrez un article, sélectionnez un passage, puis «\u{202f}Surligner\u{202f}»."</p>
                        }.into_any())
                    } else {
                        // Filters that match nothing: said, so that it does not look like notes gone.
                        matching.with(Vec::is_empty).then(|| view! {
                            <p class="muted" role="status">"Aucun surlignage ni note ne correspond à ces filtres."</p>
                        }.into_any())
                    }
                }
            }}
            // Keyed: a filter keystroke removes and adds items, it does not redraw them all.
            <For
                each=move || shown.get()
                key=|g| (g.slug.clone(), g.title.clone(), g.note.clone())
                children=move |g| group_view(base, g, shown)
            />
            {move || {
                let hidden = hidden.get();
                (hidden > 0).then(|| view! {
                    <button type="button" class="btn" on:click=move |_| {
                        // The first item the button brings gets the focus: the button itself
                        // goes with the last page, and the focus would fall to the page's top.
                        let first_new = shown.with_untracked(|groups| {
                            groups.iter().map(|g| g.highlights.len()).sum::<usize>()
                        });
                        limit.update(|l| *l += PAGE);
                        request_animation_frame(move || {
                            let item = document()
                                .query_selector_all(".note-item")
                                .ok()
                                .and_then(|items| items.item(first_new as u32))
                                .and_then(|item| item.dyn_into::<web_sys::HtmlElement>().ok());
                            if let Some(item) = item {
                                let _ = item.focus();
                            }
                        });
                    }>
                        {format!(
                            "Afficher {} de plus ({hidden} {})",
                            hidden.min(PAGE),
                            if hidden > 1 { "restants" } else { "restant" }
                        )}
                    </button>
                })
            }}
        </section>
    }
}

fn group_view(base: &'static str, g: Group, shown: Memo<Vec<Group>>) -> impl IntoView {
    let slug = g.slug.clone();
    let heading = if g.known {
        view! { <a href=paths::article(base, &g.slug)>{g.title.clone()}</a> }.into_any()
    } else {
        view! { <span>{format!("Article retiré de Liseuse ({})", g.title)}</span> }.into_any()
    };
    let group_slug = slug.clone();
    let items = move || {
        shown.with(|groups| {
            groups
                .iter()
                .find(|g| g.slug == group_slug)
                .map(|g| g.highlights.clone())
                .unwrap_or_default()
        })
    };
    view! {
        <section class="note-group" aria-label=g.title.clone()>
            <h2>{heading}</h2>
            {(!g.note.is_empty()).then(|| view! {
                <div class="article-note">
                    <p class="field-label">"Notes sur l’article"</p>
                    <p class="note">{g.note.clone()}</p>
                </div>
            })}
            <ul class="hl-list">
                <For
                    each=items
                    key=|a| (a.highlight.id.clone(), a.highlight.updated, a.range.is_none())
                    children=move |a| note_item(base, &slug, a)
                />
            </ul>
        </section>
    }
}

fn note_item(base: &'static str, slug: &str, a: Anchored) -> impl IntoView {
    let h = a.highlight;
    let href = format!("{}#h-{}", paths::article(base, slug), h.id);
    let orphan = a.range.is_none();
    view! {
        <li
            class=format!("note-item sw-{}", h.color.as_str())
            // Focusable from a script only: « Afficher … de plus » gives it the focus.
            tabindex="-1"
            data-id=h.id.clone()
            id=format!("n-{}", h.id)
        >
            <blockquote>{h.quote.exact.clone()}</blockquote>
            {orphan.then(|| view! {
                <p class="orphan">"Orphelin\u{a0}: ce passage n’a pas été retrouvé dans le texte actuel. Il est conservé avec sa note."</p>
            })}
            {(!h.note.is_empty()).then(|| view! { <p class="note">{h.note.clone()}</p> })}
            <p class="muted">
                {h.color.label_fr()}
                {(!orphan).then(|| view! { " · " <a href=href>"Ouvrir dans l’article"</a> })}
            </p>
        </li>
    }
}

fn today_label() -> String {
    let d = js_sys::Date::new_0();
    format!(
        "{:02}/{:02}/{}",
        d.get_date(),
        d.get_month() + 1,
        d.get_full_year()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_view_kept_for_back_reads_back() {
        let view = NotesView {
            query: "n31, à relire\net plus".into(),
            colors: vec![Color::Jaune, Color::Rose],
            newest: true,
            limit: 600,
        };
        assert_eq!(NotesView::decode(&view.encode()), view);
        let all = NotesView {
            limit: usize::MAX,
            ..NotesView::default()
        };
        assert_eq!(NotesView::decode(&all.encode()), all);
        assert_eq!(NotesView::decode("n'importe quoi"), NotesView::default());
        assert_eq!(NotesView::decode(""), NotesView::default());
    }
}
