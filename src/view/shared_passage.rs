//! A link to a passage (`#p=…`, `crate::share`) opened the article: the passage is found in
//! the text as it is now and marked (the view goes to it), with « Surligner » to keep it. When
//! the article no longer has it, the reader is told and sees the words the link carried. In the
//! chunk of « Partager » (`share_panel`): only such a link needs it.

use crate::{
    browser, notes::anchor::Anchorer, prefs, share::Pointer, state::NotesState,
    view::reader_context::ReaderContext,
};
use leptos::{html, prelude::*};
use std::ops::Range;

/// What the link found.
#[derive(Debug, Clone, PartialEq)]
enum Found {
    Here(Range<usize>),
    /// The words the link carried, no longer in the article.
    Lost(String),
    /// Not a link Liseuse made (cut short when pasted, most likely).
    Damaged,
}

#[component]
pub fn SharedPassage() -> impl IntoView {
    let reader = expect_context::<ReaderContext>();
    let notes = NotesState::get();
    let article = reader.article;
    // Again for every link: another one may be opened on the article shown (pasted in the
    // address bar, or the panel's own link).
    let found = Memo::new(move |_| {
        let fragment = reader.shared_link.get()?;
        Some(match Pointer::parse(&fragment) {
            None => Found::Damaged,
            Some(pointer) => match pointer.locate(&Anchorer::new(&article.plain_text)) {
                Some(range) => Found::Here(range),
                None => Found::Lost(pointer.words()),
            },
        })
    });
    let notice = NodeRef::<html::Section>::new();
    Effect::new(move |_| {
        let Some(found) = found.get() else {
            return;
        };
        let here = match found {
            Found::Here(range) => Some(range),
            Found::Lost(_) | Found::Damaged => None,
        };
        reader.shared.set(here.clone());
        // Once drawn: the passage on screen, unless the browser already put it there (its own
        // text fragment, in the page's static copy), and the focus on the notice, which says
        // what the link found (a screen reader reads it; « Surligner » is the next Tab).
        browser::after_paint(move || {
            if here.is_some() {
                bring_into_view();
            }
            if let Some(notice) = notice.get_untracked() {
                crate::browser::focus_in_place(&notice);
            }
        });
    });
    // (The page then takes the link's fragment out of the address.)
    let put_away = move || {
        let start = reader.shared.get_untracked().map(|r| r.start);
        reader.shared.set(None);
        reader.shared_link.set(None);
        reader.focus_text_at(start);
    };
    let highlight = move |range: Range<usize>| {
        let id = reader.add_highlight(notes, range, prefs::last_color());
        put_away();
        request_animation_frame(move || reader.focus_highlight(&id));
    };
    let on_keydown = move |ev: web_sys::KeyboardEvent| {
        if ev.key() == "Escape" {
            ev.prevent_default();
            put_away();
        }
    };
    move || {
        let body = match found.get()? {
            Found::Here(range) => view! {
                <p>"Le passage partagé est marqué dans le texte."</p>
                <div class="row">
                    <button type="button" class="btn-primary" on:click=move |_| highlight(range.clone())>
                        "Surligner"
                    </button>
                    <button type="button" class="btn" on:click=move |_| put_away()>"Fermer"</button>
                </div>
            }
            .into_any(),
            Found::Lost(words) => view! {
                <p>"Ce passage n’est plus dans l’article tel qu’il est aujourd’hui. Les mots partagés\u{a0}:"</p>
                <blockquote class="shared-words">{words}</blockquote>
                <div class="row">
                    <button type="button" class="btn" on:click=move |_| put_away()>"Fermer"</button>
                </div>
            }
            .into_any(),
            Found::Damaged => view! {
                <p>"Ce lien de partage est incomplet\u{a0}: le passage ne peut pas être retrouvé. L’article est affiché depuis son début."</p>
                <div class="row">
                    <button type="button" class="btn" on:click=move |_| put_away()>"Fermer"</button>
                </div>
            }
            .into_any(),
        };
        Some(view! {
            <section
                class="shared-notice"
                // The player of « Écouter » holds the bottom of the window: the notice goes to
                // its top instead of covering the player's buttons.
                class:above-player=move || reader.listen.with(Option::is_some)
                role="region"
                aria-label="Passage partagé"
                tabindex="-1"
                node_ref=notice
                on:keydown=on_keydown
            >
                {body}
            </section>
        })
    }
}

/// Puts the shared passage in the middle of the window when it is not wholly seen (above the
/// notice at the bottom).
fn bring_into_view() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let Some(mark) = window
        .document()
        .and_then(|d| d.query_selector("mark.shared").ok().flatten())
    else {
        return;
    };
    let height = window
        .inner_height()
        .ok()
        .and_then(|h| h.as_f64())
        .unwrap_or(0.0);
    let rect = mark.get_bounding_client_rect();
    if rect.top() < 0.0 || rect.bottom() > height * 0.75 {
        let options = web_sys::ScrollIntoViewOptions::new();
        options.set_block(web_sys::ScrollLogicalPosition::Center);
        mark.scroll_into_view_with_scroll_into_view_options(&options);
    }
}
