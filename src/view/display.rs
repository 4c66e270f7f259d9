//! "Affichage": the display settings panel. Settings are applied as attributes on `<html>`
//! and kept in localStorage (through gloo-storage, once storage is known to work).

use crate::{
    settings::{Font, Settings, Spacing, Theme, Width, KEY, SIZES},
    split_point, storage,
    view::on_demand::{self, OnDemand},
};
use gloo_storage::{LocalStorage, Storage};
use leptos::prelude::*;

fn apply(settings: &Settings) {
    let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    else {
        return;
    };
    for (name, value) in settings.attributes() {
        let _ = match value {
            Some(v) => root.set_attribute(name, &v),
            None => root.remove_attribute(name),
        };
    }
}

fn load() -> Settings {
    if !storage::available() {
        return Settings::default();
    }
    LocalStorage::raw()
        .get_item(KEY)
        .ok()
        .flatten()
        .map(|raw| Settings::parse(&raw))
        .unwrap_or_default()
}

/// The settings button and its panel, for the header.
#[component]
pub fn DisplaySettings() -> impl IntoView {
    let settings = RwSignal::new(load());
    let open = RwSignal::new(false);
    Effect::new(move |_| {
        let s = settings.get();
        apply(&s);
        if storage::available() {
            // A setting lost to a full storage only means the default next time.
            let _ = LocalStorage::raw().set_item(KEY, &s.to_json());
        }
    });

    provide_context(Display { settings, open });

    view! {
        <div class="display-settings">
            <button
                type="button"
                class="header-button"
                aria-expanded=move || open.get().to_string()
                aria-controls="affichage"
                on:click=move |_| open.update(|o| *o = !*o)
                // Its code is fetched as the pointer comes near, before the click.
                on:pointerenter=|_| on_demand::prefetch(prefetch)
                on:focus=|_| on_demand::prefetch(prefetch)
            >
                "Affichage"
            </button>
            <OnDemand needed=open.into() load=load_panel what="les réglages d’affichage" />
        </div>
    }
}

/// What the header's button shares with the panel.
#[derive(Clone, Copy)]
struct Display {
    settings: RwSignal<Settings>,
    open: RwSignal<bool>,
}

split_point! { display_panel; preload prefetch;
    /// Fetches the panel's code (the first time) and builds it there: for `OnDemand`.
    pub fn load_panel() -> AnyView {
        view! { <DisplayPanel /> }.into_any()
    }
}

/// The settings, each a group of choices; shown while `open`.
#[component]
fn DisplayPanel() -> impl IntoView {
    let Display { settings, open } = expect_context();

    fn choice<T: Copy + PartialEq + Send + Sync + 'static>(
        settings: RwSignal<Settings>,
        legend: &'static str,
        name: &'static str,
        options: Vec<(T, &'static str)>,
        get: fn(&Settings) -> T,
        set: fn(&mut Settings, T),
    ) -> impl IntoView {
        view! {
            <fieldset>
                <legend>{legend}</legend>
                {options
                    .into_iter()
                    .map(|(value, label)| {
                        view! {
                            <label class="option">
                                <input
                                    type="radio"
                                    name=name
                                    prop:checked=move || get(&settings.get()) == value
                                    on:change=move |_| settings.update(|s| set(s, value))
                                />
                                {label}
                            </label>
                        }
                    })
                    .collect_view()}
            </fieldset>
        }
    }

    view! {
        <Show when=move || open.get()>
            <section
                id="affichage"
                class="display-panel"
                aria-labelledby="affichage-title"
                on:keydown=move |ev: web_sys::KeyboardEvent| {
                    if ev.key() == "Escape" {
                        open.set(false);
                    }
                }
            >
                <h2 id="affichage-title">"Affichage"</h2>
                {choice(
                    settings,
                    "Thème",
                    "theme",
                    vec![
                        (Theme::Systeme, "Système"),
                        (Theme::Clair, "Clair"),
                        (Theme::Sombre, "Sombre"),
                        (Theme::Sepia, "Sépia"),
                    ],
                    |s| s.theme,
                    |s, v| s.theme = v,
                )}
                {choice(
                    settings,
                    "Taille du texte",
                    "size",
                    (1..=SIZES as u8)
                        .map(|n| {
                            let label: &'static str = [
                                "Très petite",
                                "Petite",
                                "Normale",
                                "Grande",
                                "Très grande",
                                "Énorme",
                                "Maximale",
                            ][n as usize - 1];
                            (n, label)
                        })
                        .collect(),
                    |s| s.size,
                    |s, v| s.size = v,
                )}
                {choice(
                    settings,
                    "Police",
                    "font",
                    vec![(Font::Serif, "Avec empattements"), (Font::Sans, "Sans empattements")],
                    |s| s.font,
                    |s, v| s.font = v,
                )}
                {choice(
                    settings,
                    "Largeur de ligne",
                    "width",
                    vec![(Width::Etroite, "Étroite"), (Width::Moyenne, "Moyenne"), (Width::Large, "Large")],
                    |s| s.width,
                    |s, v| s.width = v,
                )}
                {choice(
                    settings,
                    "Interligne",
                    "spacing",
                    vec![(Spacing::Serre, "Serré"), (Spacing::Normal, "Normal"), (Spacing::Aere, "Aéré")],
                    |s| s.spacing,
                    |s, v| s.spacing = v,
                )}
                <button type="button" class="btn" on:click=move |_| open.set(false)>
                    "Fermer"
                </button>
            </section>
        </Show>
    }
}
