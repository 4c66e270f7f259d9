//! "Affichage": the display settings panel. Settings are applied as attributes on `<html>`
//! and kept in localStorage (through gloo-storage, once storage is known to work).

use crate::{
    read_aloud::{choose_voice, RATES},
    settings::{Font, Settings, Spacing, Theme, Width, KEY, SIZES},
    speech, split_point, storage,
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
    crate::browser::keeping_the_place(|| {
        for (name, value) in settings.attributes() {
            let _ = match value {
                Some(v) => root.set_attribute(name, &v),
                None => root.remove_attribute(name),
            };
        }
    });
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

/// The reader's display settings, for the whole app (reading aloud reads its speed and voice):
/// applied to `<html>` and stored as they change.
#[derive(Clone, Copy)]
pub struct CurrentSettings(pub RwSignal<Settings>);

/// Whether the settings as shown are stored: false when the storage refused them (full, or
/// turned off), which « Affichage » then says (they hold for this tab only).
#[derive(Clone, Copy)]
struct SettingsStored(RwSignal<bool>);

impl CurrentSettings {
    pub fn provide() {
        let settings = RwSignal::new(load());
        let stored = RwSignal::new(true);
        Effect::new(move |_| {
            let kept = settings.with(|s| {
                apply(s);
                // Nothing to write (as stored, or the defaults with nothing stored): a full or
                // turned-off storage refuses nothing the reader asked for.
                let defaults = *s == Settings::default();
                if !storage::available() {
                    return defaults;
                }
                let store = LocalStorage::raw();
                let json = s.to_json();
                let saved = store.get_item(KEY).ok().flatten();
                saved.as_ref() == Some(&json)
                    || (saved.is_none() && defaults)
                    || store.set_item(KEY, &json).is_ok()
            });
            if stored.get_untracked() != kept {
                stored.set(kept);
            }
        });
        provide_context(SettingsStored(stored));
        // Another tab changed them: show its choice here too, and build the next change on it
        // (else this tab's next change would write back its older ones over it).
        std::mem::forget(window_event_listener(leptos::ev::storage, move |event| {
            if event.key().as_deref() == Some(KEY) {
                let changed = event.new_value().map(|raw| Settings::parse(&raw));
                settings.set(changed.unwrap_or_default());
            }
        }));
        provide_context(CurrentSettings(settings));
    }

    pub fn get() -> RwSignal<Settings> {
        expect_context::<CurrentSettings>().0
    }
}

/// The settings button and its panel, for the header. Once the header has scrolled away, the
/// button stays in a corner of the screen (`docked`): a reader in the middle of an article
/// changes the text size there, without going up to the header and losing the place read.
#[component]
pub fn DisplaySettings() -> impl IntoView {
    let settings = CurrentSettings::get();
    let open = RwSignal::new(false);
    provide_context(Display { settings, open });
    let place = NodeRef::<leptos::html::Div>::new();
    // Whether the button is docked; its place in the header then holds a copy of its look
    // (`::before`), so that the header keeps its size and nothing under it moves.
    let docked = RwSignal::new(false);
    let follow = move || {
        if let Some(place) = place.get_untracked() {
            let away = place.get_bounding_client_rect().bottom() < 0.0;
            if away != docked.get_untracked() {
                docked.set(away);
            }
        }
    };
    let scroll = window_event_listener(leptos::ev::scroll, move |_| follow());
    on_cleanup(move || scroll.remove());
    // A page opened further down (« Reprendre », a link to a passage) may not scroll again.
    Effect::new(move |_| {
        if place.get().is_some() {
            request_animation_frame(follow);
        }
    });

    view! {
        <div class="display-settings" class:holds-dock=move || docked.get() node_ref=place>
            <div class="display-dock" class:docked=move || docked.get()>
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
            <OnDemand needed=open.into() load=|| on_demand::part(load_panel()) what="les réglages d’affichage" />
            </div>
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
    let SettingsStored(stored) = expect_context();
    // Closed from inside (Échap, « Fermer »), the panel takes the focus with it: it goes back
    // to the button that opened it, not to the page's top.
    let close = move || {
        open.set(false);
        let button = document()
            .query_selector("[aria-controls=\"affichage\"]")
            .ok()
            .flatten()
            .and_then(|b| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(b).ok());
        if let Some(button) = button {
            let _ = button.focus();
        }
    };

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
                        // Handled: an open highlight panel stays (see `highlight_panel`).
                        ev.prevent_default();
                        close();
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
                {choice(
                    settings,
                    "Vitesse de la lecture à voix haute",
                    "rate",
                    RATES.to_vec(),
                    |s| s.rate,
                    |s, v| s.rate = v,
                )}
                <VoiceChoice settings />
                <p class="display-unstored" role="status">
                    {move || {
                        (!stored.get())
                            .then_some(
                                "Ces réglages valent pour cet onglet seulement\u{a0}: le stockage \
                                 local du navigateur est plein ou désactivé.",
                            )
                    }}
                </p>
                <button type="button" class="btn" on:click=move |_| close()>
                    "Fermer"
                </button>
            </section>
        </Show>
    }
}

/// The voice that reads aloud, among the device's French voices; « Automatique » lets Liseuse
/// choose (a French voice on the device, which works offline).
#[component]
fn VoiceChoice(settings: RwSignal<Settings>) -> impl IntoView {
    let voices = RwSignal::new(None::<Vec<crate::read_aloud::Voice>>);
    leptos::task::spawn_local(async move {
        let mut listed: Vec<_> = speech::listed_voices()
            .await
            .into_iter()
            .map(|(_, v)| v)
            .collect();
        // French voices only (the articles are French; a system may offer thousands of
        // voices in all languages), and the one picked, if it is not.
        let picked = settings.with_untracked(|s| s.voice.clone());
        listed.retain(|v| v.is_french() || Some(&v.id) == picked.as_ref());
        voices.try_set(Some(listed));
    });
    let picked = move || settings.with(|s| s.voice.clone().unwrap_or_default());
    move || {
        let all = voices.get()?;
        if all.iter().all(|v| !v.is_french()) && picked().is_empty() {
            return Some(
                view! {
                    <fieldset>
                        <legend>"Voix"</legend>
                        <p class="voice-missing">{speech::NO_FRENCH_VOICE}</p>
                    </fieldset>
                }
                .into_any(),
            );
        }
        let automatic = choose_voice(&all, None).map(|i| all[i].name.clone());
        Some(
            view! {
                <fieldset>
                    <legend>"Voix"</legend>
                    <select
                        aria-label="Voix de la lecture à voix haute"
                        on:change=move |ev| {
                            let id = event_target_value(&ev);
                            settings.update(|s| s.voice = (!id.is_empty()).then_some(id));
                        }
                    >
                        <option value="" selected=move || picked().is_empty()>
                            {match automatic {
                                Some(name) => format!("Automatique ({name})"),
                                None => "Automatique".to_string(),
                            }}
                        </option>
                        {all
                            .into_iter()
                            .map(|v| {
                                let where_ = if v.local { "sur l’appareil" } else { "en ligne" };
                                let label = format!("{} — {}, {where_}", v.name, v.lang);
                                let id = v.id.clone();
                                view! {
                                    <option value=v.id selected=move || picked() == id>
                                        {label}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </fieldset>
            }
            .into_any(),
        )
    }
}
