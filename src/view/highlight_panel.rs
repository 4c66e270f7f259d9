//! The panel of one highlight: its note (saved as the reader types), its colour, and deletion,
//! which can be undone for a few seconds.

use crate::{
    notebook::Edit,
    notes::model::{Color, Highlight},
    pages::reader::ReaderContext,
    state::NotesState,
};
use leptos::{html, prelude::*};
use std::time::Duration;
use wasm_bindgen::JsCast;

/// How long « Annuler » is offered after a deletion.
const UNDO_FOR: Duration = Duration::from_secs(8);

/// A deletion that can still be undone.
#[derive(Clone)]
struct Deleted {
    highlight: Highlight,
    /// Tells this deletion's timer from a later one's.
    serial: u64,
}

#[component]
pub fn HighlightPanel() -> impl IntoView {
    let reader = expect_context::<ReaderContext>();
    let notes = NotesState::get();
    let slug = reader.article.meta.slug.as_str();
    let textarea = NodeRef::<html::Textarea>::new();
    let undo_button = NodeRef::<html::Button>::new();
    let deleted = RwSignal::new(None::<Deleted>);

    // The open highlight, if it still exists (another tab may delete it).
    let open = Memo::new(move |_| {
        let id = reader.open.get()?;
        reader
            .anchored
            .with(|all| all.iter().find(|a| a.highlight.id == id).cloned())
    });

    let close = move || {
        if let Some(id) = reader.open.get_untracked() {
            reader.open.set(None);
            reader.focus_highlight(&id);
        }
    };

    // Focus the note when a panel opens.
    Effect::new(move |_| {
        if open.with(|o| o.is_some()) {
            request_animation_frame(move || {
                if let Some(t) = textarea.get_untracked() {
                    let _ = t.focus();
                }
            });
        }
    });

    let panel = move || {
        let anchored = open.get()?;
        let h = anchored.highlight;
        let id = h.id.clone();
        let color = h.color;
        let note_id = id.clone();
        let on_input = move |ev| {
            notes.edit(
                slug,
                Edit::Note {
                    id: note_id.clone(),
                    text: event_target_value(&ev),
                },
            );
        };
        let before = h.clone();
        let start = anchored.range.as_ref().map(|r| r.start);
        let delete = move |_| {
            notes.edit(
                slug,
                Edit::Delete {
                    id: before.id.clone(),
                },
            );
            reader.open.set(None);
            reader.announcer.say("Surlignage supprimé");
            let serial = deleted.get_untracked().map_or(0, |d: Deleted| d.serial + 1);
            deleted.set(Some(Deleted {
                highlight: before.clone(),
                serial,
            }));
            // Focus goes to « Annuler », not to the page's top: a keyboard reader can undo
            // at once, or go on from there.
            request_animation_frame(move || {
                if let Some(button) = undo_button.get_untracked() {
                    let _ = button.focus();
                }
            });
            set_timeout(
                move || {
                    if deleted.get_untracked().is_some_and(|d| d.serial == serial) {
                        let had_focus = undo_button.get_untracked().is_some_and(|b| {
                            document().active_element().as_ref()
                                == Some(b.unchecked_ref::<web_sys::Element>())
                        });
                        deleted.set(None);
                        if had_focus {
                            focus_text_at(reader, start);
                        }
                    }
                },
                UNDO_FOR,
            );
        };
        let on_keydown = move |ev: web_sys::KeyboardEvent| {
            if ev.key() == "Escape" {
                ev.prevent_default();
                close();
            }
        };
        let orphan = anchored.range.is_none();
        Some(view! {
            <aside
                class="panel"
                role="dialog"
                aria-labelledby="panel-title"
                on:keydown=on_keydown
            >
                <h2 id="panel-title">"Surlignage"</h2>
                <blockquote class=format!("quote-{}", color.as_str())>{h.quote.exact.clone()}</blockquote>
                {orphan.then(|| view! {
                    <p class="muted">"Ce passage n’est plus dans le texte actuel de l’article."</p>
                })}
                <label for="panel-note">"Note"</label>
                <textarea
                    id="panel-note"
                    node_ref=textarea
                    prop:value=h.note.clone()
                    on:input=on_input
                ></textarea>
                <p class="field-label" id="panel-colors">"Couleur"</p>
                <div class="row" role="group" aria-labelledby="panel-colors">
                    {Color::ALL
                        .iter()
                        .map(|&c| {
                            let id = id.clone();
                            view! {
                                <button
                                    type="button"
                                    class=format!("swatch swatch-{}", c.as_str())
                                    aria-pressed=(c == color).to_string()
                                    on:click=move |_| {
                                        notes.edit(slug, Edit::Recolor { id: id.clone(), color: c });
                                    }
                                >
                                    {c.label_fr()}
                                </button>
                            }
                        })
                        .collect_view()}
                </div>
                <div class="row">
                    <button
                        type="button"
                        class="btn-primary"
                        on:click=move |_| {
                            reader.announcer.say("Note enregistrée");
                            close();
                        }
                    >
                        "Enregistrer"
                    </button>
                    <button type="button" class="danger" on:click=delete>
                        "Supprimer le surlignage"
                    </button>
                    <button type="button" on:click=move |_| close()>"Fermer"</button>
                </div>
            </aside>
        })
    };

    let restore = move |_| {
        let Some(d) = deleted.get_untracked() else {
            return;
        };
        deleted.set(None);
        let id = d.highlight.id.clone();
        notes.edit(slug, Edit::Restore(d.highlight));
        reader.announcer.say("Surlignage rétabli");
        request_animation_frame(move || reader.focus_highlight(&id));
    };
    let toast = move || {
        deleted.get().map(|_| {
            view! {
                <div class="undo-toast">
                    <span>"Surlignage supprimé."</span>
                    <button type="button" class="btn" node_ref=undo_button on:click=restore>
                        "Annuler"
                    </button>
                </div>
            }
        })
    };
    view! { {panel} {toast} }
}

/// Focuses the text block that holds offset `start` (or the article), where the reader was.
fn focus_text_at(reader: ReaderContext, start: Option<usize>) {
    let Some(body) = reader.body.get_untracked() else {
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
