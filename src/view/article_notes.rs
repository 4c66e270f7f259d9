//! The side panel of an article: the reader's note on the whole article, and the article's
//! highlights in reading order with their notes; choosing one scrolls to it.

use crate::{
    browser,
    notebook::Edit,
    split_point,
    state::NotesState,
    view::{
        on_demand::{self, OnDemand},
        reader_context::ReaderContext,
    },
};
use leptos::prelude::*;

#[component]
pub fn ArticleNotes() -> impl IntoView {
    let reader = expect_context::<ReaderContext>();
    let notes = NotesState::get();
    let slug = reader.article.meta.slug.as_str();
    let article_note = Memo::new(move |_| {
        notes.notebook.with(|n| {
            n.record(slug)
                .and_then(|r| r.note.as_ref())
                .map(|note| note.text.clone())
                .unwrap_or_default()
        })
    });
    let count = Memo::new(move |_| reader.anchored.with(Vec::len));
    // The text box follows the stored note without moving the reader's caret.
    let area = NodeRef::<leptos::html::Textarea>::new();
    Effect::new(move |_| {
        let text = article_note.get();
        if let Some(area) = area.get() {
            browser::replace_text(&area, &text);
        }
    });
    view! {
        <aside class="article-notes" aria-labelledby="article-notes-title">
            <h2 id="article-notes-title">"Mes notes sur cet article"</h2>
            <label class="field-label" for="notes-article">"Notes sur l’article"</label>
            // A textarea prints badly: its text is printed from here instead.
            <p class="print-note">{move || article_note.get()}</p>
            <textarea
                id="notes-article"
                node_ref=area
                on:input=move |ev| notes.edit(slug, Edit::ArticleNote(event_target_value(&ev)))
            ></textarea>
            <h3 class="field-label">
                {move || match count.get() {
                    0 => "Aucun surlignage".to_string(),
                    1 => "1 surlignage".to_string(),
                    n => format!("{n} surlignages"),
                }}
            </h3>
            {move || (count.get() == 0).then(|| view! {
                <p class="muted">"Sélectionnez un passage du texte, puis «\u{202f}Surligner\u{202f}» (ou la touche h)."</p>
            })}
            // The list's code is a chunk: a reader with no highlight here (a first visit) never
            // needs it. (Nor has the static copy a list.)
            <OnDemand
                needed=Signal::derive(move || count.get() > 0)
                load=|| on_demand::part(highlight_list())
                what="la liste des surlignages"
            />
        </aside>
    }
}

split_point! { highlight_list; fn highlight_list() -> AnyView { list().into_any() } }

/// The article's highlights in reading order, with their notes.
fn list() -> impl IntoView {
    let reader = expect_context::<ReaderContext>();
    // The list follows the highlights just after the text and its marks are painted (it is
    // beside or below the text): with a thousand highlights, redrawing it would delay them.
    let listed = RwSignal::new(Vec::new());
    Effect::new(move |_| {
        reader.anchored.track();
        browser::after_paint(move || {
            if let Some(all) = reader.anchored.try_get_untracked() {
                listed.try_set(all);
            }
        });
    });
    view! {
        <ol class="hl-list">
        <For
            each=move || listed.get()
            key=|a| (a.highlight.id.clone(), a.highlight.updated, a.range.clone())
            let:item
        >
            {
                let id = item.highlight.id.clone();
                let orphan = item.range.is_none();
                view! {
                    <li class=format!("sw-{}", item.highlight.color.as_str())>
                        <button
                            type="button"
                            class="quote"
                            on:click=move |_| {
                                if orphan {
                                    reader.open.set(Some(id.clone()));
                                } else {
                                    reader.focus_highlight(&id);
                                }
                            }
                        >
                            {item.highlight.quote.exact.clone()}
                        </button>
                        {orphan.then(|| view! {
                            <p class="muted orphan-label">"Passage introuvable dans le texte actuel"</p>
                        })}
                        {(!item.highlight.note.is_empty()).then(|| view! {
                            <p class="note">{item.highlight.note.clone()}</p>
                        })}
                    </li>
                }
            }
        </For>
        </ol>
    }
}
