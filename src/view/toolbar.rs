//! The toolbar that appears near a text selection in the article: "Surligner" and a colour each.
//! Keyboard: `h` highlights the current selection.

use crate::{
    browser,
    notebook::Edit,
    notes::model::{make_id, new_highlight, Color},
    prefs,
    selection::{self, ArticleSelection},
    state::NotesState,
    view::reader_context::ReaderContext,
};
use leptos::{ev, prelude::*};

#[component]
pub fn SelectionToolbar() -> impl IntoView {
    let reader = expect_context::<ReaderContext>();
    let notes = NotesState::get();
    let current = RwSignal::new(None::<ArticleSelection>);
    let last_color = RwSignal::new(prefs::last_color());

    let read_selection = move || {
        let selected = reader
            .body
            .get_untracked()
            .and_then(|body| selection::current(&body, &reader.article.plain_text));
        current.set(selected);
    };
    browser::on_document_event("selectionchange", move |_| read_selection());

    let highlight = move |color: Color| {
        // Read afresh: the selection may have changed since the toolbar was drawn.
        read_selection();
        let Some(sel) = current.get_untracked() else {
            return;
        };
        let now = browser::now_ms();
        let id = make_id(now, browser::random_u64());
        let h = new_highlight(
            id.clone(),
            reader.article.meta.slug.clone(),
            color,
            &reader.article.plain_text,
            sel.start,
            sel.end,
            now,
        );
        notes.edit(reader.article.meta.slug.as_str(), Edit::Add(h));
        last_color.set(color);
        prefs::set_last_color(color);
        selection::clear();
        current.set(None);
        reader.announcer.say("Surlignage créé");
    };

    let keys = window_event_listener(ev::keydown, move |event| {
        if event.key() == "h" && !browser::is_typing(&event) {
            read_selection();
            if current.get_untracked().is_some() {
                event.prevent_default();
                highlight(last_color.get_untracked());
            }
        }
    });
    on_cleanup(move || keys.remove());

    // Pressing a button must not take the selection away first.
    let keep_selection = |ev: web_sys::MouseEvent| ev.prevent_default();

    move || {
        current.get().map(|sel| {
            // Above the selection, or below it when too close to the top of the page.
            let scroll = web_sys::window()
                .and_then(|w| w.scroll_y().ok())
                .unwrap_or(0.0);
            let below = sel.top - scroll < 64.0;
            let top = if below { sel.bottom } else { sel.top };
            let left = sel.center_x.max(150.0);
            view! {
                <div
                    class="hl-toolbar"
                    class:below=below
                    role="toolbar"
                    aria-label="Surligner la sélection"
                    style:top=format!("{top}px")
                    style:left=format!("{left}px")
                    on:mousedown=keep_selection
                >
                    <button
                        type="button"
                        class="btn-primary"
                        on:click=move |_| highlight(last_color.get_untracked())
                    >
                        "Surligner"
                    </button>
                    {Color::ALL
                        .iter()
                        .map(|&color| {
                            view! {
                                <button
                                    type="button"
                                    class=format!("swatch swatch-{}", color.as_str())
                                    aria-pressed=move || (last_color.get() == color).to_string()
                                    on:click=move |_| highlight(color)
                                >
                                    {color.label_fr()}
                                </button>
                            }
                        })
                        .collect_view()}
                </div>
            }
        })
    }
}
