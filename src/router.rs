//! The browser half of routing (`crate::route` is the pure half): the address as a signal.
//! A link to one of the app's pages changes it through the History API instead of loading a
//! page; back and forward change it too. (`leptos_router` did this for 40 kB of the first
//! visit's gzipped wasm, most of it for nested routes, transitions and forms this app has no
//! use for: README, Weight.)

use crate::{
    browser,
    route::{self, Page},
};
use leptos::{ev, prelude::*};
use wasm_bindgen::{JsCast, JsValue};

/// A URL of this origin, in parts as `window.location` gives them (`?…`, `#…` included).
#[derive(Debug, Clone, PartialEq, Default)]
struct Address {
    path: String,
    search: String,
    hash: String,
}

impl Address {
    fn current() -> Self {
        let Some(location) = web_sys::window().map(|w| w.location()) else {
            return Self::default();
        };
        Self {
            path: location.pathname().unwrap_or_default(),
            search: location.search().unwrap_or_default(),
            hash: location.hash().unwrap_or_default(),
        }
    }
}

/// The address the app shows, for pages and links.
#[derive(Clone, Copy)]
pub struct Location {
    base: &'static str,
    address: RwSignal<Address>,
    /// The page the address shows.
    pub page: Memo<Page>,
    /// The article's slug, on the reader.
    pub slug: Memo<Option<String>>,
}

impl Location {
    /// Starts following the address: links within the app, back and forward.
    pub fn provide(base: &'static str) -> Self {
        let address = RwSignal::new(Address::current());
        let place = Memo::new(move |_| address.with(|a| route::page(base, &a.path)));
        let this = Self {
            base,
            address,
            page: Memo::new(move |_| place.with(|p| p.0)),
            slug: Memo::new(move |_| place.with(|p| p.1.clone())),
        };
        provide_context(this);
        let clicks = window_event_listener(ev::click, move |event| this.follow_link(&event));
        let history = window_event_listener(ev::popstate, move |_| this.show(Address::current()));
        on_cleanup(move || {
            clicks.remove();
            history.remove();
        });
        this
    }

    pub fn get() -> Self {
        expect_context()
    }

    /// The path (`/liseuse/lire/x/`), tracked.
    pub fn path(&self) -> String {
        self.address.with(|a| a.path.clone())
    }

    /// The fragment (`#h-…`, or empty), tracked.
    pub fn hash(&self) -> String {
        self.address.with(|a| a.hash.clone())
    }

    /// A value of the query (`?q=…`), tracked.
    pub fn query(&self, key: &str) -> Option<String> {
        self.address.with(|a| route::query_value(&a.search, key))
    }

    /// Whether a link to `href` leads to the page shown (for `aria-current`), tracked.
    pub fn is_current(&self, href: &str, exact: bool) -> bool {
        self.address
            .with(|a| route::is_current(href, &a.path, exact))
    }

    /// Shows `href` (a path of this origin, with the base), as a new entry of the tab's
    /// history or in place of the current one.
    pub fn navigate(&self, href: &str, replace: bool) {
        let Some(window) = web_sys::window() else {
            return;
        };
        let Ok(history) = window.history() else {
            return;
        };
        let changed = if replace {
            history.replace_state_with_url(&JsValue::NULL, "", Some(href))
        } else {
            history.push_state_with_url(&JsValue::NULL, "", Some(href))
        };
        if changed.is_err() {
            browser::go_to(href);
            return;
        }
        let next = Address::current();
        let new_path = self.address.with_untracked(|a| a.path != next.path);
        let to_a_place = !next.hash.is_empty();
        self.show(next);
        // A new page opens at its top; a place in a page (`#…`) is the page's to find.
        if new_path && !to_a_place {
            window.scroll_to_with_x_and_y(0.0, 0.0);
        }
    }

    fn show(&self, address: Address) {
        if self.address.with_untracked(|a| *a != address) {
            self.address.set(address);
        }
    }

    /// A click on a link to one of the app's pages shows it without loading a page. Anything
    /// else is the browser's: other sites, files, new tabs (modifier keys, `target`),
    /// downloads, and places within the page shown (its own scroll and focus).
    fn follow_link(&self, event: &web_sys::MouseEvent) {
        if event.default_prevented()
            || event.button() != 0
            || event.meta_key()
            || event.alt_key()
            || event.ctrl_key()
            || event.shift_key()
        {
            return;
        }
        let Some(link) = event
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|el| el.closest("a[href]").ok().flatten())
            .and_then(|el| el.dyn_into::<web_sys::HtmlAnchorElement>().ok())
        else {
            return;
        };
        if link.has_attribute("download")
            || !matches!(link.target().as_str(), "" | "_self")
            || link.rel().split_whitespace().any(|r| r == "external")
        {
            return;
        }
        let Ok(url) = web_sys::Url::new(&link.href()) else {
            return;
        };
        let origin = web_sys::window().and_then(|w| w.location().origin().ok());
        let path = url.pathname();
        if origin.as_deref() != Some(url.origin().as_str())
            || route::page(self.base, &path).0 == Page::NotFound
        {
            return;
        }
        let (search, hash) = (url.search(), url.hash());
        let same_page = self
            .address
            .with_untracked(|a| a.path == path && a.search == search);
        if same_page && !hash.is_empty() {
            return;
        }
        event.prevent_default();
        if same_page {
            // The page shown, again: back to its top, no new history entry.
            if let Some(window) = web_sys::window() {
                window.scroll_to_with_x_and_y(0.0, 0.0);
            }
            return;
        }
        self.navigate(&format!("{path}{search}{hash}"), false);
    }
}
