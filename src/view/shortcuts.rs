//! The list of keyboard shortcuts, shown by `?`. Shortcuts never fire while typing in a field.

use crate::{
    browser, split_point,
    view::on_demand::{self, OnDemand},
};
use leptos::{ev, html, prelude::*};

const SHORTCUTS: &[(&str, &str)] = &[
    ("/", "Aller à la recherche"),
    ("h", "Surligner la sélection"),
    ("p", "Partager la sélection"),
    (
        "Tab",
        "Aller à la barre de la sélection (Surligner, les couleurs…)",
    ),
    (
        "n",
        "Écrire une note sur le surlignage courant (celui qui vient d’être fait, aussi)",
    ),
    ("[ et ]", "Surlignage précédent ou suivant"),
    ("l", "Écouter l’article, mettre en pause, reprendre"),
    ("← et →", "Article précédent ou suivant"),
    ("Entrée", "Ouvrir le surlignage sélectionné"),
    ("Échap", "Fermer un panneau, ou la barre de la sélection"),
    ("?", "Afficher ou masquer cette aide"),
];

#[component]
pub fn Shortcuts() -> impl IntoView {
    let open = RwSignal::new(false);
    provide_context(HelpOpen(open));
    let keys = window_event_listener(ev::keydown, move |event| {
        if event.key() == "?" && !browser::is_typing(&event) {
            event.prevent_default();
            open.update(|o| *o = !*o);
        } else if event.key() == "Escape" && open.get_untracked() {
            // Handled: a panel under the list stays open (see `highlight_panel`).
            event.prevent_default();
            open.set(false);
        }
    });
    on_cleanup(move || keys.remove());
    view! { <OnDemand needed=open.into() load=|| on_demand::part(help()) what="l’aide des raccourcis" /> }
}

/// Whether the list is shown, for the part in its chunk.
#[derive(Clone, Copy)]
struct HelpOpen(RwSignal<bool>);

// Only a reader who presses `?` needs the list: its code is a chunk of its own.
split_point! { shortcuts_help; fn help() -> AnyView { help_dialog().into_any() } }

fn help_dialog() -> impl IntoView {
    let HelpOpen(open) = expect_context();
    let close_button = NodeRef::<html::Button>::new();
    // Where the focus was when the list opened: it goes back there when the list closes, so a
    // keyboard reader keeps their place (a highlight, a field) instead of starting from the top.
    let came_from = StoredValue::new_local(None::<web_sys::HtmlElement>);
    Effect::new(move |was_open: Option<bool>| {
        let is_open = open.get();
        if is_open && was_open != Some(true) {
            came_from.set_value(browser::focused_element());
            request_animation_frame(move || {
                if let Some(b) = close_button.get_untracked() {
                    let _ = b.focus();
                }
            });
        } else if !is_open && was_open == Some(true) {
            if let Some(element) = came_from.get_value().filter(|e| e.is_connected()) {
                let _ = element.focus();
            }
        }
        is_open
    });
    // A modal dialog keeps the focus: « Fermer » is its only control.
    let keep_focus = move |event: web_sys::KeyboardEvent| {
        if event.key() == "Tab" {
            event.prevent_default();
            if let Some(b) = close_button.get_untracked() {
                let _ = b.focus();
            }
        }
    };
    view! {
        <Show when=move || open.get()>
            <div class="shortcuts" role="dialog" aria-modal="true" aria-labelledby="shortcuts-title" on:keydown=keep_focus>
                <h2 id="shortcuts-title">"Raccourcis clavier"</h2>
                <dl>
                    {SHORTCUTS
                        .iter()
                        .map(|(key, what)| view! { <dt><kbd>{*key}</kbd></dt><dd>{*what}</dd> })
                        .collect_view()}
                </dl>
                <button type="button" class="btn" node_ref=close_button on:click=move |_| open.set(false)>
                    "Fermer"
                </button>
            </div>
        </Show>
    }
}
