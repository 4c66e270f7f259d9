use crate::{
    browser,
    catalog::{Catalog, Load, LoadError},
    content::{self, Article},
    layout::Placed,
    offline::OfflineState,
    pages::not_found::NotFound,
    paths,
    progress::{self, Position},
    router::Location,
    search, split_point,
    state::{NotesState, Notice, NoticeKind},
    storage,
    view::{
        announcer::Announcer,
        article_body::{marks_by_block, Blocks, MarkKey, MarkKind},
        article_notes::ArticleNotes,
        highlight_panel, listen,
        loading::{LoadFailed, Loading},
        on_demand::{self, OnDemand},
        reader_context::{anchor_article, Anchored, ReaderContext, Spoken},
        share_panel,
        toolbar::SelectionToolbar,
    },
};
use leptos::{ev, prelude::*};
use std::time::Duration;

/// The reader page for `/lire/<slug>/`.
#[component]
pub fn Reader() -> impl IntoView {
    let location = Location::get();
    let slug = Memo::new(move |_| location.slug.get().unwrap_or_default());
    let catalog = Catalog::get();
    // What to show. Going from one article to the next, the page stays on the previous one
    // until the next is loaded (a few milliseconds, from the worker's cache) rather than
    // flashing "Chargement…".
    let shown = Memo::new(move |previous: Option<&Shown>| {
        let slug = slug.get();
        match catalog.article(&slug) {
            Load::Ready(article) => Shown::Article(article),
            Load::Loading => match previous {
                Some(Shown::Article(a)) => Shown::Article(a),
                _ => Shown::Loading,
            },
            Load::Failed(LoadError::NotFound) => Shown::NotFound,
            // Offline, an article the library does not have is not a connection problem.
            Load::Failed(error) => match catalog.library() {
                Load::Ready(library) if library.find(&slug).is_none() => Shown::NotFound,
                Load::Loading => Shown::Loading,
                _ => Shown::Failed(error),
            },
        }
    });
    // Once the outcome is known, the page's static copy gives way.
    Effect::new(move |_| {
        if shown.get() != Shown::Loading {
            browser::end_prerender();
        }
    });
    move || match shown.get() {
        Shown::Article(article) => view! { <ArticlePage article /> }.into_any(),
        Shown::Loading => view! { <Loading /> }.into_any(),
        Shown::NotFound => view! { <NotFound /> }.into_any(),
        Shown::Failed(error) => view! { <ArticleFailed error /> }.into_any(),
    }
}

/// The article could not be fetched: said in the tab's title and the page's heading too.
#[component]
fn ArticleFailed(error: LoadError) -> impl IntoView {
    crate::router::name_page("Article non chargé");
    view! {
        <section class="article-failed" aria-labelledby="article-failed-title">
            <h1 id="article-failed-title">"Article non chargé"</h1>
            <LoadFailed error />
        </section>
    }
}

#[derive(Debug, Clone)]
enum Shown {
    Article(&'static Article),
    Loading,
    NotFound,
    Failed(LoadError),
}

/// The same article is the same loaded file: compared by address, not by its whole text.
impl PartialEq for Shown {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Shown::Article(a), Shown::Article(b)) => std::ptr::eq(*a, *b),
            (Shown::Loading, Shown::Loading) | (Shown::NotFound, Shown::NotFound) => true,
            (Shown::Failed(a), Shown::Failed(b)) => a == b,
            _ => false,
        }
    }
}

/// An article: its text with the reader's highlights and the words of a search that led here,
/// then its comments and neighbours. Its parts, each below: search marks, deep link, keys,
/// progress.
#[component]
fn ArticlePage(article: &'static Article) -> impl IntoView {
    let meta = &article.meta;
    crate::router::name_page(&meta.title);
    OfflineState::get().check_for_update();
    let base = browser::base();
    let (previous, next) = (article.previous.as_ref(), article.next.as_ref());
    let notes = NotesState::get();
    let location = Location::get();

    let anchored = Memo::new(move |_| {
        notes.notebook.with(|n| {
            n.record(&meta.slug)
                .map(|r| anchor_article(article, &r.highlights))
                .unwrap_or_default()
        })
    });
    let search_hits = search_marks(article);
    let spoken = RwSignal::new(None);
    let shared = RwSignal::new(None);
    // The sentence read aloud is a mark only where the browser cannot mark it otherwise.
    let spoken_mark = !browser::has_css_highlights();
    let marks = Memo::new(move |_| {
        let mut marks = highlight_marks(&anchored.read());
        search_hits.with(|hits| marks.extend(hits.iter().cloned()));
        shared.with(|s: &Option<std::ops::Range<usize>>| {
            marks.extend(s.clone().map(|range| Placed {
                key: MarkKey {
                    id: "shared".into(),
                    kind: MarkKind::Shared,
                },
                range,
            }))
        });
        if spoken_mark {
            spoken.with(|s: &Option<Spoken>| {
                marks.extend(s.as_ref().map(|s| Placed {
                    key: MarkKey {
                        id: "spoken".into(),
                        kind: MarkKind::Spoken,
                    },
                    range: s.range.clone(),
                }))
            });
        }
        marks
    });
    let reader = ReaderContext {
        article,
        anchored,
        open: RwSignal::new(None),
        announcer: Announcer::new(),
        body: NodeRef::new(),
        stale: Memo::new(move |_| {
            location
                .slug
                .with(|s| s.as_deref() != Some(meta.slug.as_str()))
        }),
        listen: RwSignal::new(None),
        spoken,
        share: RwSignal::new(None),
        share_highlight: RwSignal::new(None),
        shared_link: RwSignal::new(None),
        shared,
    };
    provide_context(reader);
    let (on_click, on_keydown) = open_on_activation(reader);

    deep_link(reader, marks);
    shared_links(reader);
    track_progress(article, &reader);
    reader_keys(reader);

    view! {
        <div class="reader-layout" inert=move || reader.stale.get()>
            <div class="reader-main">
                <article class="reader" lang="fr" aria-labelledby="article-title">
                    <header class="article-header">
                        <h1 id="article-title">{meta.title.as_str()}</h1>
                        <p class="article-meta">
                            {meta.author.as_deref().map(|a| view! { <span class="author">{a}</span> })}
                            {meta.date.as_deref().map(|d| view! { <span class="date">{d}</span> })}
                            <span>{content::reading_time_label(meta.reading_minutes)}</span>
                            // Same place and markup as in the static copy (build/emit.rs).
                            <button
                                type="button"
                                class="listen-button"
                                aria-pressed=move || reader.listen.with(Option::is_some).to_string()
                                on:click=move |_| {
                                    if reader.listen.with_untracked(Option::is_some) {
                                        reader.listen.set(None);
                                    } else {
                                        browser::unlock_speech();
                                        reader.listen.set(Some(first_block_on_screen(&reader)));
                                    }
                                }
                                on:pointerenter=|_| on_demand::prefetch(listen::prefetch)
                                on:focus=|_| on_demand::prefetch(listen::prefetch)
                            >
                                "Écouter"
                            </button>
                        </p>
                    </header>
                    <div
                        class="article-body"
                        node_ref=reader.body
                        on:click=on_click
                        on:keydown=on_keydown
                        // A press on a highlight, or the focus on one (Tab, `[`, `]`): its
                        // panel's code is fetched before the click or `Entrée` that opens it.
                        on:pointerdown=|ev| prefetch_panel_from(&ev)
                        on:focusin=|ev| prefetch_panel_from(&ev)
                    >
                        <Blocks blocks=&article.body marks=Some(marks_by_block(&article.body, marks)) />
                    </div>
                    {(!article.about.is_empty())
                        .then(|| {
                            view! {
                                <aside class="about" aria-labelledby="about-title">
                                    <h2 id="about-title">"À propos de l’auteur"</h2>
                                    <Blocks blocks=&article.about />
                                </aside>
                            }
                        })}
                </article>
                <Comments article />
                <nav class="article-nav" aria-label="Articles voisins">
                    {previous
                        .map(|p| {
                            view! {
                                <a href=paths::article(base, &p.slug) class="prev" rel="prev">
                                    <span class="nav-label">"Article précédent"</span>
                                    <span class="nav-title">{p.title.as_str()}</span>
                                </a>
                            }
                        })}
                    <a href=paths::library(base) class="back">
                        "Retour à la bibliothèque"
                    </a>
                    {next
                        .map(|n| {
                            view! {
                                <a href=paths::article(base, &n.slug) class="next" rel="next">
                                    <span class="nav-label">"Article suivant"</span>
                                    <span class="nav-title">{n.title.as_str()}</span>
                                </a>
                            }
                        })}
                </nav>
            </div>
            <ArticleNotes />
        </div>
        <SelectionToolbar />
        <OnDemand
            needed=Signal::derive(move || reader.open.with(Option::is_some))
            load=|| on_demand::part(highlight_panel::load())
            what="le panneau du surlignage"
        />
        <OnDemand
            needed=Signal::derive(move || reader.listen.with(Option::is_some))
            load=|| on_demand::part(listen::load())
            what="la lecture à voix haute"
        />
        <OnDemand
            needed=Signal::derive(move || {
                reader.share.with(Option::is_some) || reader.shared_link.with(Option::is_some)
            })
            load=|| on_demand::part(share_panel::load())
            what="le partage"
        />
        {reader.announcer.view()}
    }
}

/// The words of a search that led here (`?q=`), marked in the text. Folding and matching are
/// the search's code, a chunk of the release build (already there after the results page).
fn search_marks(article: &'static Article) -> RwSignal<Vec<Placed<MarkKey>>> {
    let location = Location::get();
    let search_hits = RwSignal::new(Vec::<Placed<MarkKey>>::new());
    Effect::new(move |_| {
        let q = location.query("q").unwrap_or_default();
        if q.trim().is_empty() {
            // Only if there were: setting the signal would lay the marks out again.
            if search_hits.with_untracked(|hits| !hits.is_empty()) {
                search_hits.set(Vec::new());
            }
            return;
        }
        leptos::task::spawn_local(async move {
            // Not fetched (offline before the worker kept it): the article, unmarked.
            let words = search_words(article, q).await.unwrap_or_default();
            search_hits.try_set(
                words
                    .into_iter()
                    .map(|(start, end)| Placed {
                        key: MarkKey {
                            id: format!("q{start}"),
                            kind: MarkKind::SearchHit,
                        },
                        range: start..end,
                    })
                    .collect(),
            );
        });
    });
    search_hits
}

/// The placed highlights as marks of the text.
fn highlight_marks(anchored: &[Anchored]) -> Vec<Placed<MarkKey>> {
    anchored
        .iter()
        .filter_map(|a| {
            a.range.clone().map(|range| Placed {
                key: MarkKey {
                    id: a.highlight.id.clone(),
                    kind: MarkKind::Highlight(a.highlight.color),
                },
                range,
            })
        })
        .collect()
}

/// Activating a mark (click, tap, Enter) opens its panel; the innermost mark wins. The body's
/// click and keydown handlers.
fn open_on_activation(
    reader: ReaderContext,
) -> (
    impl Fn(web_sys::MouseEvent) + Copy,
    impl Fn(web_sys::KeyboardEvent) + Copy,
) {
    let open_from_event = move |target: Option<web_sys::EventTarget>| {
        let mark = target
            .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
            .and_then(|el| el.closest("mark[data-id]").ok().flatten());
        if let Some(id) = mark.and_then(|m| m.get_attribute("data-id")) {
            reader.open.set(Some(id));
            true
        } else {
            false
        }
    };
    let on_click = move |ev: web_sys::MouseEvent| {
        // A click that ends a selection is for the toolbar, not the panel.
        let selecting = web_sys::window()
            .and_then(|w| w.get_selection().ok().flatten())
            .is_some_and(|s| !s.is_collapsed());
        if !selecting {
            open_from_event(ev.target());
        }
    };
    let on_keydown = move |ev: web_sys::KeyboardEvent| {
        if ev.key() == "Enter" && open_from_event(ev.target()) {
            ev.prevent_default();
        }
    };
    (on_click, on_keydown)
}

/// The place a link or a load asks for (`Location::place`): a highlight (`#h-<id>`, focused
/// and its panel open once the marks are drawn), a text block (`#t-<offset>`: search results,
/// resuming) or the article's notes (a shared passage, `#p=…`, is `shared_links'`). Also a
/// place asked for on the article shown (a link to it pasted in the address bar). Back and
/// forward to this article restore where the reader was instead (the router does).
fn deep_link(reader: ReaderContext, marks: Memo<Vec<Placed<MarkKey>>>) {
    let location = Location::get();
    // Returns the place handled last: a highlight's is handled once its mark is drawn.
    Effect::new(move |handled: Option<Option<String>>| {
        let handled = handled.flatten();
        // No place (a move within the article, back, forward): the next one is new, even the
        // same link again.
        let place = location.place()?;
        if Some(&place) == handled.as_ref() {
            return handled;
        }
        if place.starts_with("t-") || place == "notes-article" {
            browser::scroll_to_element(&place);
            return Some(place);
        }
        let Some(id) = place.strip_prefix("h-") else {
            return Some(place);
        };
        if marks.with(|m| m.iter().any(|p| p.key.id == id)) {
            reader.focus_highlight(id);
            reader.open.set(Some(id.to_string()));
            missing_highlight(reader.article.meta.slug.as_str(), false);
            return Some(place);
        }
        // Not drawn: an orphan (its passage is no longer in the text) opens its panel, which
        // says so; one this device does not have is said, not silently ignored, and still
        // looked for (a sync pass may bring it: then its panel opens, and the notice goes).
        let orphan = reader.anchored.with(|all| {
            all.iter()
                .find(|a| a.highlight.id == id)
                .is_some_and(|a| a.range.is_none())
        });
        if orphan {
            reader.open.set(Some(id.to_string()));
            return Some(place);
        }
        missing_highlight(reader.article.meta.slug.as_str(), true);
        handled
    });
}

/// Says, or stops saying, that a link named a highlight of this article that this device
/// does not have.
fn missing_highlight(slug: &str, missing: bool) {
    let notice = Notice {
        kind: NoticeKind::LinkedHighlightMissing,
        slug: Some(slug.to_string()),
        text: "le surlignage que désigne ce lien n’est pas dans vos notes sur cet appareil \
               (supprimé depuis, ou fait sur un autre appareil)."
            .into(),
    };
    NotesState::get().notices.update(|list| {
        let at = list.iter().position(|n| *n == notice);
        match (at, missing) {
            (None, true) => list.push(notice),
            (Some(at), false) => {
                list.remove(at);
            }
            _ => {}
        }
    });
}

/// A link to a passage (`#p=…`, `crate::share`): at load, or later on the article shown (a
/// link pasted in the address bar). Its part finds and marks the passage; once the reader put
/// it away, the address loses the link's fragment, so that a reload does not bring it back (nor
/// « Surligner » a second time).
fn shared_links(reader: ReaderContext) {
    let location = Location::get();
    Effect::new(move |_| {
        if let Some(place) = location
            .place()
            .filter(|p| p.starts_with(crate::share::FRAGMENT_KEY))
        {
            reader.shared_link.set(Some(place));
        }
    });
    Effect::new(move |had: Option<bool>| {
        let has = reader.shared_link.with(Option::is_some);
        if had == Some(true) && !has {
            let here = untrack(|| location.with_hash(""));
            location.navigate(&here, true);
        }
        has
    });
}

#[component]
fn Comments(article: &'static Article) -> impl IntoView {
    (!article.comments.is_empty()).then(|| {
        view! {
            <section class="comments" aria-labelledby="comments-title">
                <h2 id="comments-title">"Commentaires"</h2>
                <ol class="comment-list">
                    {article
                        .comments
                        .iter()
                        .map(|c| {
                            view! {
                                <li class="comment">
                                    {(!c.byline.is_empty())
                                        .then(|| view! { <p class="byline">{c.byline.as_str()}</p> })}
                                    <Blocks blocks=&c.blocks />
                                </li>
                            }
                        })
                        .collect_view()}
                </ol>
            </section>
        }
    })
}

/// Keeps the reading position: the text block at the top of the view, and how far the reader
/// got, once the view has stayed there (`progress::HOLD_MS`); by block offset, so it survives a
/// change of text size. Text that only went by (a flick down to the link back to the library at
/// the end) has not been read: counted at once, it marked as « Lu » an article left after three
/// paragraphs.
fn track_progress(article: &'static Article, reader: &ReaderContext) {
    let (body, stale, spoken) = (reader.body, reader.stale, reader.spoken);
    let key = StoredValue::new(progress::key(&article.meta.slug));
    let saved = RwSignal::new(
        key.with_value(|k| crate::prefs::position(k))
            .unwrap_or_default(),
    );
    let hold = StoredValue::new(None::<TimeoutHandle>);
    // Each change is made on what this page holds merged with what was stored since it opened
    // (a sync pass, another tab), so that it neither writes an older place or a shorter
    // progress back, nor stamps a new place older than the one it replaces.
    let save = move |change: &dyn Fn(Position) -> Position| {
        let Some(held) = saved.try_get_untracked() else {
            return;
        };
        let stored = key.with_value(|k| crate::prefs::position(k));
        let next = change(stored.map_or(held, |stored| stored.merged(held)));
        if held != next {
            saved.set(next);
        }
        if stored != Some(next) {
            key.with_value(|k| crate::prefs::set(k, &next));
        }
    };
    // (top block, end of the visible text), or None when the view is not this article's.
    let measure = move || -> Option<(usize, usize)> {
        // A frame may come after the page is gone (the reader went on to another article).
        let body = body.try_get_untracked()??;
        // The address may have moved on to another article, drawn once loaded: a scroll
        // meanwhile is not on this one. (By slug: `/lire/<slug>` without its slash, which
        // some hosts and the worker's shell serve as is, is this article too.)
        if stale.try_get_untracked().unwrap_or(true) {
            return None;
        }
        let blocks = body.query_selector_all("[data-b]").ok()?;
        let height = web_sys::window()
            .and_then(|w| w.inner_height().ok())
            .and_then(|h| h.as_f64())
            .unwrap_or(0.0);
        let mut top_block = None;
        let mut last_block = None;
        let mut visible_end = article.meta.text_len as usize;
        for i in 0..blocks.length() {
            let Some(el) = blocks
                .item(i)
                .and_then(|n| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(n).ok())
            else {
                continue;
            };
            let offset: usize = el
                .get_attribute("data-b")
                .and_then(|b| b.parse().ok())
                .unwrap_or(0);
            let rect = el.get_bounding_client_rect();
            last_block = Some(offset);
            if top_block.is_none() && rect.bottom() > 0.0 {
                top_block = Some(offset);
            }
            if rect.top() > height {
                visible_end = offset;
                break;
            }
        }
        // Past the end of the text (comments on screen): the whole text has been read.
        Some((top_block.or(last_block)?, visible_end))
    };
    let seen = move || {
        if let Some((_, visible_end)) = measure() {
            save(&|p| p.seen(visible_end));
        }
    };
    let stayed = move || {
        let Some((block, visible_end)) = measure() else {
            return;
        };
        // While the article is read aloud, the place is the voice's, not the view's. Nor while
        // « Affichage » is open: the reader is choosing a size or a theme, maybe up at the
        // header, not reading there. What stayed on screen has been seen all the same.
        let voice = spoken.try_with_untracked(Option::is_some).unwrap_or(true);
        let choosing = document()
            .query_selector(".display-panel")
            .ok()
            .flatten()
            .is_some();
        let now = storage::stamp_now();
        save(&|p| {
            let p = p.seen(visible_end);
            if voice || choosing {
                p
            } else {
                p.at(block, now)
            }
        });
    };
    Effect::new(move |_| {
        let Some(Spoken { range, block }) = spoken.get() else {
            return;
        };
        save(&|p| p.at(block, storage::stamp_now()).seen(range.end));
    });
    // The place in view becomes the place to resume once the reader stays there.
    let hold_from_now = move || {
        if let Some(handle) = hold.try_get_value().flatten() {
            handle.clear();
        }
        hold.try_set_value(
            set_timeout_with_handle(stayed, Duration::from_millis(progress::HOLD_MS.into())).ok(),
        );
    };
    let on_scroll = window_event_listener(ev::scroll, move |_| hold_from_now());
    on_cleanup(move || {
        on_scroll.remove();
        if let Some(handle) = hold.try_get_value().flatten() {
            handle.clear();
        }
    });
    // The first screenful counts as seen once the article is painted (measuring reads the
    // layout: not before the first paint). A page opened by a link to a passage (`#t-…`,
    // `#h-…`: a search result, a highlight), which the browser scrolled to before the app
    // listens to scrolls, shows a place the reader asked for: staying there makes it the place
    // to resume, as a scroll there would. Not a reload or a tab restored with the session: a
    // tab left for days would otherwise stamp its old place as read now, over a later one
    // synced from another device.
    let linked = Location::get()
        .place()
        .is_some_and(|p| p.starts_with("t-") || p.starts_with("h-"));
    browser::after_paint(move || {
        seen();
        if linked {
            hold_from_now();
        }
    });
}

/// `[` and `]` move between highlights, `n` opens the note of the current one, `l` reads
/// aloud, `←` and `→` go to the previous or next article.
fn reader_keys(reader: ReaderContext) {
    let location = Location::get();
    let base = browser::base();
    let keys = window_event_listener(ev::keydown, move |event| {
        if browser::is_typing(&event)
            || browser::in_panel(&event)
            || event.shift_key()
            || reader.stale.get_untracked()
        {
            return;
        }
        let key = event.key();
        let current = current_highlight(&reader);
        let ids: Vec<String> = reader.anchored.with_untracked(|all| {
            all.iter()
                .filter(|a| a.range.is_some())
                .map(|a| a.highlight.id.clone())
                .collect()
        });
        let position = current
            .as_ref()
            .and_then(|c| ids.iter().position(|i| i == c));
        match key.as_str() {
            "]" | "[" if !ids.is_empty() => {
                event.prevent_default();
                let next = match (key.as_str(), position) {
                    ("]", Some(p)) => (p + 1).min(ids.len() - 1),
                    ("]", None) => 0,
                    (_, Some(p)) => p.saturating_sub(1),
                    (_, None) => ids.len() - 1,
                };
                reader.focus_highlight(&ids[next]);
            }
            // The player, once there, takes `l` itself (pause, resume).
            "l" if reader.listen.with_untracked(Option::is_none) => {
                event.prevent_default();
                browser::unlock_speech();
                reader.listen.set(Some(first_block_on_screen(&reader)));
            }
            "n" => {
                if let Some(id) = current {
                    event.prevent_default();
                    reader.open.set(Some(id));
                }
            }
            "ArrowLeft" | "ArrowRight" => {
                let article = reader.article;
                let target = if key == "ArrowLeft" {
                    &article.previous
                } else {
                    &article.next
                };
                if let Some(target) = target {
                    event.prevent_default();
                    location.navigate(&paths::article(base, &target.slug), false);
                }
            }
            _ => {}
        }
    });
    on_cleanup(move || keys.remove());
}

/// Where « Écouter » starts: the first text block on screen (the top of the article when its
/// header is in view).
fn first_block_on_screen(reader: &ReaderContext) -> usize {
    let Some(body) = reader.body.get_untracked() else {
        return 0;
    };
    let Ok(blocks) = body.query_selector_all("[data-b]") else {
        return 0;
    };
    (0..blocks.length())
        .filter_map(|i| {
            blocks
                .item(i)
                .and_then(|n| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(n).ok())
        })
        .find(|el| el.get_bounding_client_rect().bottom() > 0.0)
        .and_then(|el| el.get_attribute("data-b")?.parse().ok())
        .unwrap_or(0)
}

/// The highlight the reader is on: the focused mark, else the one whose panel is open.
fn current_highlight(reader: &ReaderContext) -> Option<String> {
    let focused = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.active_element())
        .and_then(|el| el.closest("mark[data-id]").ok().flatten())
        .and_then(|m| m.get_attribute("data-id"));
    focused.or_else(|| reader.open.get_untracked())
}

fn prefetch_panel_from(event: &web_sys::Event) {
    use wasm_bindgen::JsCast;
    let on_a_mark = event
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .and_then(|el| el.closest("mark[data-id]").ok().flatten())
        .is_some();
    if on_a_mark {
        on_demand::prefetch(highlight_panel::prefetch);
    }
}

split_point! { search_in_article;
    /// Where the words of a search query are in the article's text (char ranges).
    fn search_words(article: &'static Article, query: String) -> Vec<(usize, usize)> {
        let terms = search::terms(&query);
        if terms.is_empty() {
            Vec::new()
        } else {
            search::matches(&article.plain_text, &terms)
                .into_iter()
                .map(|w| (w.start, w.end))
                .collect()
        }
    }
}
