//! Browser layer: the device's voices (Web Speech API), for reading aloud and its settings.
//! Nothing here runs on a first visit: only the « Écouter » player and the display panel,
//! both chunks, call it.

use crate::{
    browser::{js_call, js_get, js_new},
    read_aloud::Voice,
};
use js_sys::{Array, Function, Reflect};
use wasm_bindgen::{JsCast, JsValue};

/// What to say when the device has no French voice: how to add one, system by system.
pub const NO_FRENCH_VOICE: &str = "Aucune voix française n’est installée sur cet appareil. \
    Android\u{a0}: Paramètres › Système › Langues › Synthèse vocale, installez les données \
    vocales en français. iPhone et iPad\u{a0}: Réglages › Accessibilité › Contenu énoncé › Voix › \
    Français. Windows\u{a0}: Paramètres › Heure et langue › Voix, ajoutez une voix française. \
    Puis rechargez la page.";

/// The browser's speech synthesis (`speechSynthesis`). Reached through `Reflect` rather than
/// web-sys's bindings: each binding is a function of the JS glue, which every first visit
/// downloads, while only the « Écouter » chunk speaks.
#[derive(Clone)]
pub struct Synthesis(JsValue);

/// The browser's speech synthesis; `None` where there is none.
pub fn synthesis() -> Option<Synthesis> {
    let synthesis = js_get(&js_sys::global(), "speechSynthesis");
    (synthesis.is_object()).then_some(Synthesis(synthesis))
}

impl Synthesis {
    pub fn speak(&self, utterance: &Utterance) {
        js_call(&self.0, "speak", &Array::of1(&utterance.0));
    }

    pub fn cancel(&self) {
        js_call(&self.0, "cancel", &Array::new());
    }

    fn on_voices_changed(&self, handler: &JsValue) {
        let _ = Reflect::set(&self.0, &"onvoiceschanged".into(), handler);
    }
}

/// One sentence to say (`SpeechSynthesisUtterance`).
pub struct Utterance(JsValue);

impl Utterance {
    /// `voice`: one of [`voices`]' objects; `rate`: 1 is the voice's normal speed.
    pub fn new(text: &str, voice: Option<&JsValue>, rate: f32) -> Option<Utterance> {
        let utterance = js_new("SpeechSynthesisUtterance", &Array::of1(&text.into()))?;
        // The voice's own language (a voice picked by the reader may not be fr-FR).
        let lang = voice.map_or_else(|| "fr-FR".into(), |v| js_get(v, "lang"));
        let _ = Reflect::set(&utterance, &"lang".into(), &lang);
        if let Some(voice) = voice {
            let _ = Reflect::set(&utterance, &"voice".into(), voice);
        }
        let _ = Reflect::set(&utterance, &"rate".into(), &rate.into());
        Some(Utterance(utterance))
    }

    /// Sets the handler of `event` (`start`, `end`, `error`); `None` takes it off.
    pub fn on(&self, event: &str, handler: Option<&Function>) {
        let handler = handler.map_or(JsValue::NULL, |h| h.clone().into());
        let _ = Reflect::set(&self.0, &format!("on{event}").into(), &handler);
    }
}

/// The device's voices, as the browser's objects and as the choice reads them.
pub fn voices() -> Vec<(JsValue, Voice)> {
    let Some(synthesis) = synthesis() else {
        return Vec::new();
    };
    let listed = js_call(&synthesis.0, "getVoices", &Array::new());
    let Some(listed) = listed.dyn_ref::<Array>() else {
        return Vec::new();
    };
    listed
        .iter()
        .map(|v| {
            let text = |key| js_get(&v, key).as_string().unwrap_or_default();
            let described = Voice {
                id: text("voiceURI"),
                name: text("name"),
                lang: text("lang"),
                local: js_get(&v, "localService").is_truthy(),
                default: js_get(&v, "default").is_truthy(),
            };
            (v, described)
        })
        .collect()
}

/// The voices, once the browser has listed them: some list none at first and tell
/// `voiceschanged` later; a device without voices never does, hence the time limit.
pub async fn listed_voices() -> Vec<(JsValue, Voice)> {
    let now = voices();
    let Some(synthesis) = synthesis() else {
        return now;
    };
    if !now.is_empty() {
        return now;
    }
    // Resolved by the first of `voiceschanged` and the time limit.
    let listed = js_sys::Promise::new(&mut |resolve, _| {
        synthesis.on_voices_changed(&resolve);
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 3000);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(listed).await;
    synthesis.on_voices_changed(&JsValue::NULL);
    voices()
}
