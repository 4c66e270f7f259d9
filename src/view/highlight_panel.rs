//! The panel of one highlight: its note (saved as the reader types), its colour, and deletion,
//! which can be undone for a few seconds. It never covers the passage it annotates: beside the
//! text in the side column when there is one, else (a sheet at the bottom of a phone, a card on
//! a wider screen) the page scrolls the passage clear of it; on a phone it stays above the
//! on-screen keyboard.

use crate::{
    notebook::Edit,
    notes::model::{Color, Highlight},
    placement::{self, PanelPlace, Rect},
    split_point,
    state::NotesState,
    view::{
        on_demand,
        reader_context::{Anchored, ReaderContext},
        screen, share_panel,
    },
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

split_point! { highlight_panel; preload prefetch;
    /// Fetches the panel's code (the first time) and builds it there: for `OnDemand`.
    pub fn load() -> AnyView {
        view! { <HighlightPanel /> }.into_any()
    }
}

#[component]
fn HighlightPanel() -> impl IntoView {
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

    // The open highlight deleted elsewhere (another tab, a sync pass): the panel goes, and the
    // reader is told why and put back in the text, as after a deletion here.
    Effect::new(move |was: Option<Option<(String, Option<usize>)>>| {
        let now = open.with(|o| {
            o.as_ref()
                .map(|a| (a.highlight.id.clone(), a.range.as_ref().map(|r| r.start)))
        });
        if let (Some(Some((id, start))), None) = (&was, &now) {
            if reader.open.get_untracked().as_deref() == Some(id.as_str()) {
                reader.open.set(None);
                reader.announcer.say(
                    "Ce surlignage a été supprimé dans un autre onglet ou sur un autre appareil",
                );
                reader.focus_text_at(*start);
            }
        }
        now
    });

    let close = move || {
        if let Some(id) = reader.open.get_untracked() {
            reader.open.set(None);
            reader.focus_highlight(&id);
        }
    };

    // `Échap` closes the panel from anywhere on the page, as « Raccourcis clavier » says, not
    // only from inside it (a reader who tapped a mark and went back to the text). A dialog open
    // over it (that list) takes its `Échap` first: it marks the event as handled.
    let escape = window_event_listener(leptos::ev::keydown, move |event| {
        if event.key() == "Escape" && !event.default_prevented() {
            close();
        }
    });
    on_cleanup(move || escape.remove());

    let (place, lift) = placement_of(reader.open);

    // The note's box follows the stored note without moving the reader's caret: the panel is
    // drawn again at each change of the highlight (each letter typed), and a value set anew
    // would put the caret at the end. Another highlight's panel starts at the end of its note.
    Effect::new(move |shown: Option<Option<String>>| {
        let (id, note) = open.with(|o| {
            o.as_ref()
                .map(|a| (a.highlight.id.clone(), a.highlight.note.clone()))
                .unzip()
        });
        if let (Some(area), Some(note)) = (textarea.get(), note) {
            if shown.flatten() != id {
                area.set_value(&note);
            } else {
                crate::browser::replace_text(&area, &note);
            }
        }
        id
    });

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
                    // (`try_`: the reader may have left the article since, the panel with it.)
                    if deleted
                        .try_get_untracked()
                        .flatten()
                        .is_some_and(|d| d.serial == serial)
                    {
                        let had_focus = undo_button.get_untracked().is_some_and(|b| {
                            document().active_element().as_ref()
                                == Some(b.unchecked_ref::<web_sys::Element>())
                        });
                        deleted.set(None);
                        if had_focus {
                            reader.focus_text_at(start);
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
        // A highlight under another (the same passage in two colours, or inside a longer one)
        // cannot be tapped in the text, where the innermost mark answers: its panel lists the
        // others on the passage, so that each can be reached by touch too.
        let others = anchored.range.as_ref().map_or_else(Vec::new, |range| {
            reader.anchored.with_untracked(|all| {
                overlapping(all, &h.id, range)
                    .map(|a| {
                        (
                            a.highlight.id.clone(),
                            a.highlight.color,
                            excerpt(&a.highlight.quote.exact),
                        )
                    })
                    .collect::<Vec<_>>()
            })
        });
        let others = (!others.is_empty()).then(|| {
            view! {
                <p class="field-label" id="panel-others">"Autres surlignages sur ce passage"</p>
                <div class="row" role="group" aria-labelledby="panel-others">
                    {others
                        .into_iter()
                        .map(|(other, color, quote)| {
                            view! {
                                <button
                                    type="button"
                                    class=format!("swatch swatch-{}", color.as_str())
                                    on:click=move |_| reader.open.set(Some(other.clone()))
                                >
                                    {format!("{}\u{a0}: «\u{202f}{quote}\u{202f}»", color.label_fr())}
                                </button>
                            }
                        })
                        .collect_view()}
                </div>
            }
        });
        let share_range = anchored.range.clone();
        let shared_id = h.id.clone();
        Some(view! {
            <aside
                class="panel"
                class:beside=move || matches!(place.get(), PanelPlace::Beside { .. })
                style:left=move || beside(place.get()).map(|(left, _)| placement::css_px(left))
                style:width=move || beside(place.get()).map(|(_, width)| placement::css_px(width))
                style:bottom=move || {
                    (beside(place.get()).is_none() && lift.get() > 0.0)
                        .then(|| placement::css_px(lift.get()))
                }
                role="dialog"
                aria-labelledby="panel-title"
                on:keydown=on_keydown
            >
                <h2 id="panel-title">"Surlignage"</h2>
                // Focusable: a long passage scrolls within it.
                <blockquote class=format!("quote-{}", color.as_str()) tabindex="0" aria-label="Le passage">
                    {h.quote.exact.clone()}
                </blockquote>
                {orphan.then(|| view! {
                    <p class="muted">"Ce passage n’est plus dans le texte actuel de l’article."</p>
                })}
                {others}
                <label for="panel-note">"Note"</label>
                <textarea
                    id="panel-note"
                    node_ref=textarea
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
                            reader.announcer.say(if notes.store_now(slug) {
                                "Note enregistrée"
                            } else {
                                "Note gardée dans cet onglet seulement\u{a0}: le stockage local \
                                 n’a pas pu l’enregistrer"
                            });
                            close();
                        }
                    >
                        "Enregistrer"
                    </button>
                    <button
                        type="button"
                        on:click=move |_| {
                            if let Some(range) = share_range.clone() {
                                reader.open.set(None);
                                reader.share_highlight.set(Some(shared_id.clone()));
                                reader.share.set(Some(range));
                            }
                        }
                        disabled=orphan
                        on:pointerenter=|_| on_demand::prefetch(share_panel::prefetch)
                    >
                        "Partager"
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

/// The other placed highlights that share some text with `range`, in reading order.
fn overlapping<'a>(
    all: &'a [Anchored],
    id: &'a str,
    range: &'a std::ops::Range<usize>,
) -> impl Iterator<Item = &'a Anchored> {
    all.iter().filter(move |a| {
        a.highlight.id != id
            && a.range
                .as_ref()
                .is_some_and(|r| r.start < range.end && range.start < r.end)
    })
}

/// The start of a quote, to name a highlight on a button.
fn excerpt(quote: &str) -> String {
    const WORDS: usize = 6;
    let words: Vec<&str> = quote.split_whitespace().collect();
    if words.len() <= WORDS {
        words.join(" ")
    } else {
        format!("{}…", words[..WORDS].join(" "))
    }
}

fn beside(place: PanelPlace) -> Option<(f64, f64)> {
    match place {
        PanelPlace::Beside { left, width } => Some((left, width)),
        PanelPlace::Default => None,
    }
}

/// Where the open panel goes, and how far above the layout viewport's bottom a panel at the
/// bottom is lifted (the on-screen keyboard covers that much of it).
fn placement_of(open_id: RwSignal<Option<String>>) -> (RwSignal<PanelPlace>, Memo<f64>) {
    let place = RwSignal::new(PanelPlace::Default);
    let visible = screen::tracked();
    let lift = Memo::new(move |_| {
        if open_id.with(Option::is_none) {
            return 0.0;
        }
        visible.track();
        let v = screen::visible_in_viewport();
        (screen::layout_height() - v.bottom()).max(0.0).round()
    });
    // Placed again when the keyboard opens or closes, not as the reader pans or scrolls (the
    // page must not be pulled back to the highlight then).
    let seen_height = Memo::new(move |_| visible.with(|v| v.height.round()));
    Effect::new(move |_| {
        let Some(id) = open_id.get() else {
            return;
        };
        seen_height.track();
        request_animation_frame(move || {
            let Some(document) = web_sys::window().and_then(|w| w.document()) else {
                return;
            };
            let rect = |selector: &str| {
                document.query_selector(selector).ok().flatten().map(|e| {
                    let r = e.get_bounding_client_rect();
                    Rect {
                        left: r.left(),
                        top: r.top(),
                        width: r.width(),
                        height: r.height(),
                    }
                })
            };
            let width = document
                .document_element()
                .map_or(0.0, |e| f64::from(e.client_width()));
            if let Some(text) = rect(".article-body") {
                place.try_set(placement::panel(width, text, rect(".article-notes")));
            }
            // Once the panel is drawn where it goes, the passage is scrolled clear of it.
            request_animation_frame(move || uncover(&id));
        });
    });
    (place, lift)
}

/// Scrolls the page so that the paragraph of highlight `id` (or its first line) is not under
/// the panel nor the keyboard.
fn uncover(id: &str) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let Some(document) = window.document() else {
        return;
    };
    let (Some(panel), Some(mark)) = (
        document.query_selector(".panel").ok().flatten(),
        document.get_element_by_id(&format!("h-{id}")),
    ) else {
        return;
    };
    let paragraph = mark
        .closest("[data-b]")
        .ok()
        .flatten()
        .unwrap_or_else(|| mark.clone());
    let (p, m, block) = (
        panel.get_bounding_client_rect(),
        mark.get_bounding_client_rect(),
        paragraph.get_bounding_client_rect(),
    );
    // Beside the text, the panel covers none of it.
    if p.left() >= block.right() || p.right() <= block.left() {
        return;
    }
    let v = screen::visible_in_viewport();
    let free = (v.top, p.top().min(v.bottom()));
    let by = placement::uncover((m.top(), m.bottom()), (block.top(), block.bottom()), free);
    if by != 0.0 {
        window.scroll_by_with_x_and_y(0.0, by);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notes::model::new_highlight;

    fn placed(id: &str, range: Option<std::ops::Range<usize>>) -> Anchored {
        let text = "Laissez-moi vous raconter une histoire, celle d’un restaurant japonais.";
        let (start, end) = range.clone().map_or((0, 5), |r| (r.start, r.end));
        Anchored {
            highlight: new_highlight(id.into(), "a".into(), Color::Vert, text, start, end, 1),
            range,
        }
    }

    #[test]
    fn the_others_on_a_passage_are_those_sharing_text_with_it() {
        let all = [
            placed("same", Some(10..20)),
            placed("inside", Some(12..14)),
            placed("across-start", Some(5..11)),
            placed("ends-where-it-starts", Some(4..10)),
            placed("starts-where-it-ends", Some(20..30)),
            placed("orphan", None),
            placed("open", Some(10..20)),
        ];
        let ids: Vec<&str> = overlapping(&all, "open", &(10..20))
            .map(|a| a.highlight.id.as_str())
            .collect();
        assert_eq!(ids, ["same", "inside", "across-start"]);
    }

    #[test]
    fn a_long_quote_is_named_by_its_first_words() {
        assert_eq!(excerpt("  restaurant\n\njaponais "), "restaurant japonais");
        assert_eq!(
            excerpt("Laissez-moi vous raconter une histoire, celle d’un restaurant"),
            "Laissez-moi vous raconter une histoire, celle…"
        );
    }
}
