//! The panel of one highlight: its note (saved as the reader types), its colour, and deletion.

use crate::{
    notebook::Edit, notes::model::Color, state::NotesState, view::reader_context::ReaderContext,
};
use leptos::{html, prelude::*};

#[component]
pub fn HighlightPanel() -> impl IntoView {
    let reader = expect_context::<ReaderContext>();
    let notes = NotesState::get();
    let slug = reader.article.meta.slug.as_str();
    let textarea = NodeRef::<html::Textarea>::new();

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
                if let Some(id) = reader.open.get_untracked() {
                    reader.uncover_highlight(&id);
                }
            });
        }
    });

    move || {
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
        let delete_id = id.clone();
        let delete = move |_| {
            notes.edit(
                slug,
                Edit::Delete {
                    id: delete_id.clone(),
                },
            );
            reader.open.set(None);
            reader.announcer.say("Surlignage supprimé");
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
    }
}
