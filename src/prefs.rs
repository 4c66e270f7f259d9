//! Small preferences and reading positions kept in localStorage through gloo-storage (only once storage is known to
//! work: gloo's accessor throws where it is disabled).

use crate::{notes::model::Color, progress::Position, storage};
use gloo_storage::{LocalStorage, Storage};

const LAST_COLOR: &str = "liseuse:pref:last-color";

/// The colour used last, the default for the next highlight.
pub fn last_color() -> Color {
    if !storage::available() {
        return Color::Jaune;
    }
    LocalStorage::get(LAST_COLOR).unwrap_or(Color::Jaune)
}

pub fn set_last_color(color: Color) {
    if storage::available() {
        // A preference lost to a full storage is harmless: the default colour comes back.
        let _ = LocalStorage::set(LAST_COLOR, color);
    }
}

/// A reading position; `None` when absent, unreadable or when storage is unavailable.
pub fn position(key: &str) -> Option<Position> {
    storage::local_storage()?
        .get_item(key)
        .ok()
        .flatten()
        .and_then(|raw| Position::parse(&raw))
}

pub fn set<T: serde::Serialize>(key: &str, value: &T) {
    if storage::available() {
        // Losing a reading position to a full storage is harmless.
        let _ = LocalStorage::set(key, value);
    }
}
