//! The browser half of routing (`crate::route` is the pure half): the address as a signal.
//! A link to one of the app's pages changes it through the History API instead of loading a
//! page; back and forward change it too. Each navigation carries its intent (`route::Intent`);
//! once its page is drawn (`name_page`), the router moves the focus to the new page's heading,
//! says its name in a live region, and puts the view at the page's top or where the reader was
//! on that entry of the history; a `#place` is the page's to find (`Location::place`).
//! (`leptos_router` did the routing for 40 kB of the first visit's gzipped wasm, most of it for
//! nested routes, transitions and forms this app has no use for: README, Weight.)

use crate::{
    browser,
    route::{self, Arrival, Intent, Page, Positions, Scroll},
    view::announcer::Announcer,
};
use leptos::{ev, prelude::*};
use wasm_bindgen::{JsCast, JsValue};

/// Where the scroll positions of the tab's history entries are kept across a reload.
const POSITIONS_KEY: &str = "liseuse:scroll";

/// A URL of this origin, in parts as `window.location` gives them (`?…`, `#…` included).
#[derive(Debug, Clone, PartialEq, Default)]
struct Address {
    path: String,
    search: String,
    hash: String,
}

impl Address {
    /// The tab's address, spelt as the app's links spell it: a host serves
    /// `/lire/x/index.html` or `/lire/x//` as `/lire/x/`, and the tab's address is changed to
    /// that, in place, so that it shows the article (and copies, shares and compares as it).
    fn current() -> Self {
        let Some(window) = web_sys::window() else {
            return Self::default();
        };
        let location = window.location();
        let mut path = location.pathname().unwrap_or_default();
        if let Some(canonical) = route::canonical_path(&path) {
            let search = location.search().unwrap_or_default();
            let hash = location.hash().unwrap_or_default();
            if let Ok(history) = window.history() {
                let state = history.state().unwrap_or(JsValue::NULL);
                let url = [canonical.as_str(), &search, &hash].concat();
                if history
                    .replace_state_with_url(&state, "", Some(&url))
                    .is_ok()
                {
                    path = canonical;
                }
            }
        }
        Self {
            path,
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
    /// The place (`#…`, without its `#`) the last navigation asks the page to find.
    place: RwSignal<Option<String>>,
    /// The navigation (or the load) whose page is not drawn yet.
    pending: StoredValue<Option<Arrival>>,
    /// The id of the tab's history entry shown (kept in the entry's state).
    entry: StoredValue<u64>,
    positions: StoredValue<Positions>,
    /// The link that had the focus on each entry when the reader left it, by entry id.
    focused: StoredValue<Vec<(u64, FocusKey)>>,
    /// Where « back » or « forward » gives the focus back, once the page is drawn.
    refocus: StoredValue<Option<FocusKey>>,
    /// Says the name of each new page.
    announcer: Announcer,
}

impl Location {
    /// Starts following the address: links within the app, back and forward.
    pub fn provide(base: &'static str) -> Self {
        let first = Address::current();
        let address = RwSignal::new(first.clone());
        let place = Memo::new(move |_| address.with(|a| route::page(base, &a.path)));
        let positions = session_positions();
        let entry = entry_of_this_page();
        let arrival = route::arrival(
            base,
            &first.path,
            &first.path,
            &first.hash,
            Intent::Load,
            positions.recall(entry),
        );
        let this = Self {
            base,
            address,
            page: Memo::new(move |_| place.with(|p| p.0)),
            slug: Memo::new(move |_| place.with(|p| p.1.clone())),
            place: RwSignal::new(place_of(&arrival)),
            // Ended once the page is drawn: a position to restore (a reload), or where the
            // page is then, kept for `pagehide` (see `arrived`).
            pending: StoredValue::new(Some(arrival)),
            entry: StoredValue::new(entry),
            positions: StoredValue::new(positions),
            focused: StoredValue::new(Vec::new()),
            refocus: StoredValue::new(None),
            announcer: Announcer::new(),
        };
        provide_context(this);
        // Back and forward put the view back themselves, once the page is drawn: the browser
        // would do it at once, on the page still shown while the next one loads.
        manual_scroll_restoration(true);
        let clicks = window_event_listener(ev::click, move |event| this.follow_link(&event));
        let history = window_event_listener(ev::popstate, move |_| {
            // The place of the entry left, read now: its last scroll event may not have come
            // yet (a scroll just before « back » is dispatched with the next frame, by then
            // the entry is the other one).
            this.remember_scroll();
            this.remember_focus();
            this.show(
                Address::current(),
                Intent::Traverse,
                Some(entry_of_this_page()),
            );
        });
        let scrolls = window_event_listener(ev::scroll, move |_| this.remember_scroll());
        // Leaving or reloading: the positions go to the tab's session storage, and the browser
        // restores this entry's scroll itself on a reload where it can (the static copy of an
        // article is painted before the app starts); the app does it again once its page is
        // drawn (the library and search are drawn after the load: `route::arrival`). The place
        // is the one the scroll events kept: reading it here would make the browser restyle the
        // whole page first (the page being left has its style out of date by then), up to a
        // tenth of a second with a thousand highlights, paid by the next page's load.
        let leaving = window_event_listener(ev::pagehide, move |_| {
            if let Some(storage) = browser::session_storage() {
                let text = this.positions.with_value(Positions::encode);
                let _ = storage.set_item(POSITIONS_KEY, &text);
            }
            manual_scroll_restoration(false);
        });
        let back = window_event_listener(ev::pageshow, |_| manual_scroll_restoration(true));
        on_cleanup(move || {
            clicks.remove();
            history.remove();
            scrolls.remove();
            leaving.remove();
            back.remove();
        });
        this
    }

    /// The tab's history entry shown: what a page keeps of itself for « back » is kept under it.
    pub fn entry(&self) -> u64 {
        self.entry.get_value()
    }

    /// The live region where the name of each new page is said, for the app's shell.
    pub fn announcements(&self) -> impl IntoView {
        self.announcer.view()
    }

    pub fn get() -> Self {
        expect_context()
    }

    /// The path (`/liseuse/lire/x/`), tracked.
    pub fn path(&self) -> String {
        self.address.with(|a| a.path.clone())
    }

    /// The place (`h-…`, `t-120`…, without the `#`) the page must find, tracked: set by a
    /// load or a link with a `#…`, not by back and forward to an entry where the reader had
    /// moved on since (the view goes back there instead).
    pub fn place(&self) -> Option<String> {
        self.place.get()
    }

    /// The address shown, as a link to it with `hash` (`#contenu`) in place of its own.
    pub fn with_hash(&self, hash: &str) -> String {
        self.address
            .with(|a| format!("{}{}{hash}", a.path, a.search))
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
        let Some(history) = web_sys::window().and_then(|w| w.history().ok()) else {
            return;
        };
        self.remember_scroll();
        self.remember_focus();
        let entry = if replace {
            self.entry.get_value()
        } else {
            new_entry_id()
        };
        let state = JsValue::from_f64(entry as f64);
        let changed = if replace {
            history.replace_state_with_url(&state, "", Some(href))
        } else {
            history.push_state_with_url(&state, "", Some(href))
        };
        if changed.is_err() {
            browser::go_to(href);
            return;
        }
        let intent = if replace {
            Intent::Replace
        } else {
            Intent::Push
        };
        self.show(Address::current(), intent, Some(entry));
    }

    /// Shows `next`, reached with `intent` on the history entry `entry`.
    fn show(&self, next: Address, intent: Intent, entry: Option<u64>) {
        let from = self.address.with_untracked(|a| a.path.clone());
        if let Some(entry) = entry {
            self.entry.set_value(entry);
        }
        let saved = self
            .positions
            .with_value(|p| p.recall(self.entry.get_value()));
        let arrival = route::arrival(self.base, &from, &next.path, &next.hash, intent, saved);
        let entry = self.entry.get_value();
        let refocus = (intent == Intent::Traverse)
            .then(|| {
                self.focused
                    .with_value(|f| f.iter().find(|(e, _)| *e == entry).map(|(_, k)| k.clone()))
            })
            .flatten();
        self.refocus.set_value(refocus);
        let place = place_of(&arrival);
        if self.place.with_untracked(|p| *p != place) {
            self.place.set(place);
        }
        if arrival.new_page {
            // Done when the page is drawn (`name_page`).
            self.pending.set_value(Some(arrival));
        } else {
            self.pending.set_value(None);
            if let Scroll::To(y) = arrival.scroll {
                scroll_to(y);
            }
        }
        if self.address.with_untracked(|a| *a != next) {
            self.address.set(next);
        }
    }

    /// The page the address leads to is drawn, named `name`: the navigation that led there
    /// ends (before the next frame is painted, once the page is in the document).
    fn arrived(&self, name: &str) {
        let Some(arrival) = self.pending.try_update_value(Option::take).flatten() else {
            return;
        };
        let name = name.to_string();
        let announcer = self.announcer;
        let refocus = self.refocus.try_update_value(Option::take).flatten();
        let this = *self;
        request_animation_frame(move || {
            // Never away from a field the reader is typing in (the search box, as results
            // show up). Back and forward give the focus back to what had it on that entry (the
            // link the reader followed from a long list), so that Tab goes on from there
            // instead of from the heading, far above the place the view is put back at.
            if arrival.focus_heading()
                && !browser::is_field_focused()
                && !refocus.is_some_and(|key| key.focus())
            {
                browser::focus_heading();
            }
            match arrival.scroll {
                Scroll::Top => scroll_to(0.0),
                Scroll::To(y) => scroll_to_once_drawn(y),
                // Not if the reader has scrolled since the load (neither at the top, where a
                // page drawn after the load starts, nor where the browser restored it).
                Scroll::Restore(y) => {
                    let now = scroll_y();
                    if now.abs() <= 1.0 || (now - y).abs() <= 1.0 {
                        scroll_to_once_drawn(y);
                    } else {
                        this.remember_place(now);
                    }
                }
                // Where the page is now, for `pagehide` to keep (the scroll events kept the
                // rest): the reader may have scrolled the static copy of an article before the
                // app listened, and may leave without scrolling again.
                Scroll::Keep | Scroll::Place(_) => this.remember_scroll(),
            }
            // A load was named by the browser already (the tab's title).
            if arrival.new_page {
                announcer.say(&name);
            }
        });
    }

    /// Keeps what has the focus on the entry shown, for « back » or « forward » to it.
    fn remember_focus(&self) {
        let entry = self.entry.get_value();
        let key = FocusKey::of_focused();
        self.focused.update_value(|f| {
            f.retain(|(e, _)| *e != entry);
            if let Some(key) = key {
                f.push((entry, key));
                if f.len() > Positions::KEPT {
                    f.remove(0);
                }
            }
        });
    }

    fn remember_scroll(&self) {
        self.remember_place(scroll_y());
    }

    /// Keeps `y` as the entry's place.
    fn remember_place(&self, y: f64) {
        let entry = self.entry.get_value();
        self.positions.update_value(|p| p.remember(entry, y));
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

/// Names the page shown, once drawn: the tab's title (`page`, empty for the library), and the
/// end of the navigation that led there, if any (see `Location::arrived`: focus, scroll, its
/// name said). Every page calls it, error pages included.
pub fn name_page(page: &str) {
    browser::set_title(page);
    if let Some(location) = use_context::<Location>() {
        location.arrived(if page.is_empty() {
            "Bibliothèque"
        } else {
            page
        });
    }
}

fn place_of(arrival: &Arrival) -> Option<String> {
    match &arrival.scroll {
        Scroll::Place(place) => Some(place.clone()),
        _ => None,
    }
}

fn scroll_to(y: f64) {
    if let Some(window) = web_sys::window() {
        window.scroll_to_with_x_and_y(0.0, y);
    }
}

/// A link of the page's content, by its place among them and its address: found again once
/// the page is drawn anew (a long list of results or notes, which is where it matters); if the
/// list changed meanwhile, the first link to the same address.
#[derive(Debug, Clone, PartialEq)]
struct FocusKey(u32, String);

const CONTENT_LINKS: &str = "main a[href]";

impl FocusKey {
    /// The focused link's key; nothing when the focus is not on a link of the content.
    fn of_focused() -> Option<FocusKey> {
        let document = web_sys::window()?.document()?;
        let focused = document.active_element()?;
        let href = focused.get_attribute("href")?;
        let links = document.query_selector_all(CONTENT_LINKS).ok()?;
        (0..links.length())
            .find(|&i| links.item(i).as_ref() == Some(focused.as_ref()))
            .map(|i| FocusKey(i, href))
    }

    /// Focuses that link, without scrolling to it; whether it was there.
    fn focus(&self) -> bool {
        let Some(links) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.query_selector_all(CONTENT_LINKS).ok())
        else {
            return false;
        };
        let to_it = |i: u32| {
            links
                .item(i)
                .and_then(|n| n.dyn_into::<web_sys::HtmlElement>().ok())
                .filter(|l| l.get_attribute("href").as_deref() == Some(self.1.as_str()))
        };
        let link = to_it(self.0).or_else(|| (0..links.length()).find_map(to_it));
        let Some(link) = link else {
            return false;
        };
        crate::browser::focus_in_place(&link)
    }
}

/// Scrolls to `y` once the page is tall enough for it: a page drawn after a load grows for a
/// while (the library waits for its list, search for its index). Tries again every 100 ms for
/// about 3 s, and stops as soon as the reader scrolls elsewhere.
fn scroll_to_once_drawn(y: f64) {
    fn attempt(y: f64, left: u32, expected: f64) {
        let Some(window) = web_sys::window() else {
            return;
        };
        let now = window.scroll_y().unwrap_or(0.0);
        if (now - expected).abs() > 1.0 {
            return;
        }
        window.scroll_to_with_x_and_y(0.0, y);
        let reached = window.scroll_y().unwrap_or(0.0);
        if (reached - y).abs() > 1.0 && left > 0 {
            set_timeout(
                move || attempt(y, left - 1, reached),
                std::time::Duration::from_millis(100),
            );
        }
    }
    attempt(y, 30, scroll_y());
}

/// The window's vertical scroll (0 where it cannot be read).
fn scroll_y() -> f64 {
    web_sys::window()
        .and_then(|w| w.scroll_y().ok())
        .unwrap_or(0.0)
}

fn manual_scroll_restoration(manual: bool) {
    if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
        let _ = history.set_scroll_restoration(if manual {
            web_sys::ScrollRestoration::Manual
        } else {
            web_sys::ScrollRestoration::Auto
        });
    }
}

fn session_positions() -> Positions {
    browser::session_storage()
        .and_then(|s| s.get_item(POSITIONS_KEY).ok().flatten())
        .map(|text| Positions::decode(&text))
        .unwrap_or_default()
}

/// The id of a history entry, from its state (0 for an entry the app did not make).
fn entry_id(state: &JsValue) -> u64 {
    state.as_f64().map_or(0, |id| id as u64)
}

fn new_entry_id() -> u64 {
    browser::random_u64().max(1)
}

/// The id of the history entry shown (kept in its state across a reload), given one if it has
/// none yet (the page as first loaded, a `#place` the browser went to).
fn entry_of_this_page() -> u64 {
    let Some(history) = web_sys::window().and_then(|w| w.history().ok()) else {
        return 0;
    };
    let id = history.state().map_or(0, |s| entry_id(&s));
    if id != 0 {
        return id;
    }
    let id = new_entry_id();
    let _ = history.replace_state(&JsValue::from_f64(id as f64), "");
    id
}
