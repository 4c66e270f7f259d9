//! The reader page's shared state: the article, its placed highlights, the open panel. The page
//! (`pages::reader`) provides it; its parts (toolbar, highlight panel, article notes) use it.

use crate::{
    content::Article,
    notes::{
        anchor::{Anchorer, Anchoring},
        model::{make_id, new_highlight, Color, Highlight},
    },
    screen::{uncover_scroll, Rect},
    view::announcer::Announcer,
};
use leptos::{html, prelude::*};
use std::ops::Range;

/// A live highlight and where it sits in the current text (`None`: orphaned).
#[derive(Debug, Clone, PartialEq)]
pub struct Anchored {
    pub highlight: Highlight,
    pub range: Option<Range<usize>>,
}

/// Everything the reader page's parts share.
#[derive(Clone, Copy)]
pub struct ReaderContext {
    pub article: &'static Article,
    pub anchored: Memo<Vec<Anchored>>,
    /// The highlight whose panel is open.
    pub open: RwSignal<Option<String>>,
    pub announcer: Announcer,
    pub body: NodeRef<html::Div>,
    /// The route has already moved on to another article, which is loading: this page stays
    /// on screen meanwhile, but inert (its links, keys and text would act on the wrong article).
    pub stale: Memo<bool>,
    /// Reading aloud was asked for (« Écouter », « Écouter d’ici », `l`) from this plain-text
    /// offset: the player starts there (set again, even to the same offset, it starts again).
    /// `None`: no player, or it was stopped.
    pub listen: RwSignal<Option<usize>>,
    /// The sentence being read aloud: marked, kept on screen, and the reading position.
    pub spoken: RwSignal<Option<Spoken>>,
    /// The passage the reader asked to share (« Partager »): the share panel is open for it.
    pub share: RwSignal<Option<Range<usize>>>,
    /// The highlight shared, when shared from its panel: its note is offered to be joined
    /// (never joined unless asked), and the focus goes back to it. Set before `share`.
    pub share_highlight: RwSignal<Option<String>>,
    /// The app's part of the link this article was opened with (`p=…`, `crate::share`), until
    /// the passage it names is found or told lost.
    pub shared_link: RwSignal<Option<String>>,
    /// The passage a shared link opened the article at: marked until the reader highlights it
    /// or puts it away.
    pub shared: RwSignal<Option<Range<usize>>>,
}

/// A sentence being read aloud.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spoken {
    pub range: Range<usize>,
    /// The start of its text block: the place to resume.
    pub block: usize,
}

impl ReaderContext {
    /// Highlights `range` of the article's text in `color`, stored at once (the toolbar's
    /// « Surligner », and a shared passage kept); said in the page's live region. Its id.
    /// (`notes` is taken by the caller's component: an event handler has no context to ask.)
    pub fn add_highlight(
        &self,
        notes: crate::state::NotesState,
        range: Range<usize>,
        color: Color,
    ) -> String {
        let now = crate::storage::stamp_now();
        let id = make_id(now, crate::browser::random_u64());
        let slug = self.article.meta.slug.as_str();
        let h = new_highlight(
            id.clone(),
            slug.to_string(),
            color,
            &self.article.plain_text,
            range.start,
            range.end,
            now,
        );
        let existing = notes
            .notebook
            .with_untracked(|n| n.same_highlight(slug, &h).map(|same| same.id.clone()));
        if let Some(existing) = existing {
            self.announcer
                .say("Ce passage est déjà surligné dans cette couleur");
            return existing;
        }
        notes.edit(slug, crate::notebook::Edit::Add(h));
        self.announcer.say("Surlignage créé");
        id
    }

    /// Focuses the text block that holds offset `start` (or the article), where the reader was
    /// before a panel took the focus.
    pub fn focus_text_at(&self, start: Option<usize>) {
        use wasm_bindgen::JsCast;
        let Some(body) = self.body.get_untracked() else {
            return;
        };
        let Ok(blocks) = body.query_selector_all("[data-b]") else {
            return;
        };
        let block = (0..blocks.length())
            .filter_map(|i| blocks.item(i)?.dyn_into::<web_sys::HtmlElement>().ok())
            .take_while(|b| {
                let offset = b
                    .get_attribute("data-b")
                    .and_then(|v| v.parse::<usize>().ok());
                offset.zip(start).is_some_and(|(o, s)| o <= s)
            })
            .last();
        let target: web_sys::HtmlElement = block.unwrap_or_else(|| body.clone().into());
        if target.tab_index() < 0 {
            target.set_tab_index(-1);
        }
        let _ = target.focus();
    }

    /// Focuses a highlight's first mark where it is, once drawn: the highlight just made
    /// becomes the current one (`n` writes its note, `[` and `]` go on from it). After the
    /// frame that paints it: focusing computes the page's style, which would hold that frame.
    pub fn focus_highlight_in_place(&self, id: String) {
        crate::browser::after_paint(move || {
            if let Some(mark) = mark_element(&id)
                .and_then(|m| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(m).ok())
            {
                crate::browser::focus_in_place(&mark);
            }
        });
    }

    /// Scrolls a highlight's first mark to the middle of the window and focuses it.
    pub fn focus_highlight(&self, id: &str) {
        if let Some(mark) = mark_element(id) {
            let options = web_sys::ScrollIntoViewOptions::new();
            options.set_block(web_sys::ScrollLogicalPosition::Center);
            mark.scroll_into_view_with_scroll_into_view_options(&options);
            if let Some(mark) = wasm_bindgen::JsCast::dyn_ref::<web_sys::HtmlElement>(&mark) {
                let _ = mark.focus();
            }
        }
    }

    /// When the open panel covers its highlight (a bottom sheet on a small window), scrolls the
    /// mark to the middle of the part of the window the panel leaves free.
    pub fn uncover_highlight(&self, id: &str) {
        let (Some(window), Some(mark)) = (web_sys::window(), mark_element(id)) else {
            return;
        };
        let Some(panel) = window
            .document()
            .and_then(|d| d.query_selector(".panel").ok().flatten())
        else {
            return;
        };
        let rect = |e: &web_sys::Element| {
            let r = e.get_bounding_client_rect();
            Rect {
                top: r.top(),
                bottom: r.bottom(),
                left: r.left(),
                right: r.right(),
            }
        };
        if let Some(dy) = uncover_scroll(rect(&mark), rect(&panel)) {
            window.scroll_by_with_x_and_y(0.0, dy);
        }
    }
}

fn mark_element(id: &str) -> Option<web_sys::Element> {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(&format!("h-{id}")))
}

/// Places every live highlight of the article in its current text.
pub fn anchor_article(article: &Article, highlights: &[Highlight]) -> Vec<Anchored> {
    let text = article.plain_text.as_str();
    // The text is prepared once for all highlights, not once per highlight.
    let anchorer = Anchorer::new(text);
    let mut anchored: Vec<Anchored> = highlights
        .iter()
        .filter(|h| !h.deleted)
        .map(|h| {
            let range = match anchorer.anchor(&h.quote, &h.position) {
                Anchoring::Exact(r) | Anchoring::Moved(r) | Anchoring::Approximate(r) => {
                    Some(snap_to_text(anchorer.chars(), r))
                }
                Anchoring::Orphan => None,
            };
            Anchored {
                highlight: h.clone(),
                range,
            }
        })
        .collect();
    // Reading order; orphans last.
    anchored.sort_by_key(|a| {
        (
            a.range.as_ref().map_or(usize::MAX, |r| r.start),
            a.highlight.created,
        )
    });
    anchored
}

/// Keeps a range off the separators between blocks, so its first char is in a rendered run.
fn snap_to_text(text: &[char], range: Range<usize>) -> Range<usize> {
    let chars = &text[range.start.min(text.len())..range.end.min(text.len())];
    let lead = chars.iter().take_while(|c| c.is_whitespace()).count();
    let trail = chars.iter().rev().take_while(|c| c.is_whitespace()).count();
    if lead == chars.len() {
        return range;
    }
    range.start + lead..range.end - trail
}
