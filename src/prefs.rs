//! Small preferences kept in localStorage through gloo-storage (only once storage is known to
//! work: gloo's accessor throws where it is disabled).

use crate::{notes::model::Color, storage};
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
