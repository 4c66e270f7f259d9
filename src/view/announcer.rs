//! A polite live region: screen readers hear "Surlignage créé", "Note enregistrée"…

use leptos::prelude::*;

#[derive(Clone, Copy)]
pub struct Announcer(RwSignal<String>);

impl Announcer {
    pub fn new() -> Self {
        Announcer(RwSignal::new(String::new()))
    }

    pub fn say(self, message: &str) {
        // Emptied first so that the same message twice is announced twice.
        self.0.set(String::new());
        let signal = self.0;
        let message = message.to_string();
        request_animation_frame(move || signal.set(message));
    }

    pub fn view(self) -> impl IntoView {
        view! { <div class="sr-only" role="status" aria-live="polite">{move || self.0.get()}</div> }
    }
}

impl Default for Announcer {
    fn default() -> Self {
        Self::new()
    }
}
