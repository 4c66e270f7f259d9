//! Small, thin wrappers over the browser APIs the views need.

use crate::paths;
use std::sync::OnceLock;

/// The path the app is served under ("" at the root), read once from `<base href>`, which Trunk
/// fills with the public URL the build was made for.
pub fn base() -> &'static str {
    static BASE: OnceLock<String> = OnceLock::new();
    BASE.get_or_init(|| {
        let uri = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.base_uri().ok().flatten())
            .unwrap_or_default();
        let path = web_sys::Url::new(&uri)
            .map(|u| u.pathname())
            .unwrap_or_default();
        paths::normalize_base(&path)
    })
}

/// Sets the tab's title: "<page> · Liseuse".
pub fn set_title(page: &str) {
    if let Some(document) = web_sys::window().and_then(|w| w.document()) {
        if page.is_empty() {
            document.set_title("Liseuse");
        } else {
            document.set_title(&format!("{page} · Liseuse"));
        }
    }
}
