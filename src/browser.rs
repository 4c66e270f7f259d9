//! Small, thin wrappers over the browser APIs the views need.

use crate::paths;
use js_sys::{Array, Function, Reflect};
use std::sync::OnceLock;
use wasm_bindgen::{JsCast, JsValue};

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

/// The page's origin and `path` (from the site's root): an address for outside the page, as
/// `ServiceWorker.scriptURL` gives its own.
pub fn absolute_url(path: &str) -> String {
    let origin = web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default();
    format!("{origin}{path}")
}

/// Removes the static copy of the page the build put in an article's HTML (see
/// `build/emit.rs`), which shows the text until the app has drawn the same page; CSS hides
/// the app while the copy is there. Called once the reader page is drawn, or has failed.
pub fn end_prerender() {
    if let Some(copy) = prerender() {
        copy.remove();
        mark("liseuse:takeover");
        for f in AFTER_TAKEOVER.take() {
            // A hidden tab paints no frame: it would wait until shown.
            if is_visible() {
                after_paint(f);
            } else {
                f();
            }
        }
    }
}

thread_local! {
    static AFTER_TAKEOVER: std::cell::RefCell<Vec<Box<dyn FnOnce()>>> = Default::default();
}

/// Runs `f` once the app has drawn the page, after the frame that shows it: at once on a page
/// without a static copy, else once the copy is gone (see `end_prerender`). For work a first
/// visit's text does not need.
pub fn after_takeover(f: impl FnOnce() + 'static) {
    if has_prerender() {
        AFTER_TAKEOVER.with_borrow_mut(|waiting| waiting.push(Box::new(f)));
    } else {
        f();
    }
}

/// Lets the « Écouter » player speak: iOS speaks only from within a tap or a key press, and the
/// player comes with its chunk a moment later. An empty sentence said now unlocks the voice.
pub fn unlock_speech() {
    if let Some(empty) = js_new("SpeechSynthesisUtterance", &Array::of1(&"".into())) {
        let synthesis = js_get(&js_sys::global(), "speechSynthesis");
        js_call(&synthesis, "speak", &Array::of1(&empty));
    }
}

/// A performance mark (`performance.mark`), for the benchmark's steps of a first visit.
pub fn mark(name: &str) {
    let performance = js_get(&js_sys::global(), "performance");
    js_call(&performance, "mark", &Array::of1(&name.into()));
}

// Browser APIs that web-sys has only as unstable bindings, or whose bindings would each add a
// function to the JS glue of every first visit (speech, Media Session, highlights), reached
// through `Reflect` instead.

/// `object[key]`; `undefined` when it has none or cannot be read.
pub fn js_get(object: &JsValue, key: &str) -> JsValue {
    Reflect::get(object, &key.into()).unwrap_or(JsValue::UNDEFINED)
}

/// `object[method](...args)`; `undefined` when there is no such method or it throws.
pub fn js_call(object: &JsValue, method: &str, args: &Array) -> JsValue {
    js_get(object, method)
        .dyn_ref::<Function>()
        .and_then(|f| Reflect::apply(f, object, args).ok())
        .unwrap_or(JsValue::UNDEFINED)
}

/// `new <class>(...args)`, the class a global of the page; `None` where there is none.
pub fn js_new(class: &str, args: &Array) -> Option<JsValue> {
    let class = js_get(&js_sys::global(), class);
    Reflect::construct(class.dyn_ref::<Function>()?, args).ok()
}

/// The page's registry of CSS Custom Highlights (`CSS.highlights`); `None` where the browser
/// has none.
pub fn css_highlights() -> Option<JsValue> {
    let registry = js_get(&js_get(&js_sys::global(), "CSS"), "highlights");
    (!registry.is_undefined()).then_some(registry)
}

/// Whether the page holds the static copy of an article (see `end_prerender`).
pub fn has_prerender() -> bool {
    prerender().is_some()
}

fn prerender() -> Option<web_sys::Element> {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("prerender"))
}

/// Whether the browser marks text ranges without changing the DOM (CSS Custom Highlight API).
pub fn has_css_highlights() -> bool {
    css_highlights().is_some()
}

/// Whether the page is on screen (a background tab paints no frame).
pub fn is_visible() -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .is_some_and(|d| d.visibility_state() == web_sys::VisibilityState::Visible)
}

/// Runs `f` once the next frame has been painted (a task queued from the frame's callback).
pub fn after_paint(f: impl FnOnce() + 'static) {
    leptos::prelude::request_animation_frame(move || {
        leptos::prelude::set_timeout(f, std::time::Duration::ZERO)
    });
}

/// Scrolls to the element with this `id` and focuses it, so keyboard and screen reader land
/// there too (a text block becomes focusable for this). An element drawn but not yet in the
/// document (a page coming out of its chunk's `Suspend`) is looked for again in the next frame.
pub fn scroll_to_element(id: &str) {
    if !scroll_to_element_now(id) {
        let id = id.to_string();
        leptos::prelude::request_animation_frame(move || {
            scroll_to_element_now(&id);
        });
    }
}

fn scroll_to_element_now(id: &str) -> bool {
    let Some(el) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
    else {
        return false;
    };
    el.scroll_into_view_with_bool(true);
    if let Some(el) = wasm_bindgen::JsCast::dyn_ref::<web_sys::HtmlElement>(&el) {
        if el.tag_name() != "TEXTAREA" && el.tab_index() < 0 {
            el.set_tab_index(-1);
        }
        let _ = el.focus();
    }
    true
}

/// Loads `href` as a new page (when the History API refuses it).
pub fn go_to(href: &str) {
    if let Some(window) = web_sys::window() {
        let _ = window.location().set_href(href);
    }
}

pub fn reload() {
    if let Some(window) = web_sys::window() {
        let _ = window.location().reload();
    }
}

/// Reloads the page to get the build now on the server, unless the reader is typing (then the
/// page offers « Recharger »), and once per build of this page: if the server keeps failing,
/// the page stays with its message instead of reloading forever. Notes are written as they are
/// typed, and `pagehide` writes what is pending.
pub fn reload_once_for(version: &str) {
    let Some(window) = web_sys::window() else {
        return;
    };
    if is_field_focused() {
        return;
    }
    let key = format!("liseuse:reloaded-for:{version}");
    let session = window.session_storage().ok().flatten();
    if let Some(session) = &session {
        if session.get_item(&key).ok().flatten().is_some() {
            return;
        }
        let _ = session.set_item(&key, "1");
    }
    let _ = window.location().reload();
}

/// The tab's session storage (gone with the tab), if the browser gives it.
pub fn session_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok()?
}

/// Whether this page is reading aloud (« Écouter », paused included): often with the screen
/// off, a reader who would not see the page reload and the voice stop.
pub fn is_speaking() -> bool {
    web_sys::window()
        .is_some_and(|w| js_get(&js_get(&w, "speechSynthesis"), "speaking").as_bool() == Some(true))
}

/// Whether a text field has the focus: the reader may be typing there.
pub fn is_field_focused() -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.active_element())
        .is_some_and(|el| {
            matches!(el.tag_name().as_str(), "TEXTAREA" | "INPUT" | "SELECT")
                || el.get_attribute("contenteditable").is_some()
        })
}

/// The element that has the focus, if any (not the page's body).
pub fn focused_element() -> Option<web_sys::HtmlElement> {
    use wasm_bindgen::JsCast;
    let document = web_sys::window()?.document()?;
    let element = document.active_element()?;
    if document.body().is_some_and(|b| *b == element) {
        return None;
    }
    element.dyn_into().ok()
}

/// Percent-encodes a search query for a URL.
pub fn encode_query(q: &str) -> String {
    js_sys::encode_uri_component(q).into()
}

/// The tab's title: "<page> · Liseuse", "Liseuse" alone for `page` empty (the library).
pub fn set_title(page: &str) {
    if let Some(document) = web_sys::window().and_then(|w| w.document()) {
        if page.is_empty() {
            document.set_title("Liseuse");
        } else {
            document.set_title(&format!("{page} · Liseuse"));
        }
    }
}

/// Moves the focus to the heading of the page shown (`main h1`), without scrolling; to the skip
/// link if the page has none. A heading takes the focus without entering the Tab order.
pub fn focus_heading() {
    use wasm_bindgen::JsCast;
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let target = document
        .query_selector("main h1")
        .ok()
        .flatten()
        .or_else(|| document.query_selector(".skip-link").ok().flatten());
    let Some(target) = target.and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok()) else {
        return;
    };
    if target.tag_name() == "H1" && !target.has_attribute("tabindex") {
        target.set_tab_index(-1);
    }
    focus_in_place(&target);
}

/// Focuses `element` without scrolling the page to it. Whether it took the focus.
pub fn focus_in_place(element: &web_sys::HtmlElement) -> bool {
    let options = web_sys::FocusOptions::new();
    options.set_prevent_scroll(true);
    element.focus_with_options(&options).is_ok()
}

/// The skip link's target: the page's main content, focused and in view, the page kept.
pub fn focus_main() {
    scroll_to_element("contenu");
}

/// Listens to `event` on the document until the current reactive owner is cleaned up (the
/// component unmounts). For events that do not reach the window, such as `selectionchange`.
pub fn on_document_event(event: &str, callback: impl Fn(web_sys::Event) + 'static) {
    use leptos::prelude::on_cleanup;
    use wasm_bindgen::{closure::Closure, JsCast};
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let callback = Closure::<dyn Fn(web_sys::Event)>::new(callback).into_js_value();
    let _ = document.add_event_listener_with_callback(event, callback.unchecked_ref());
    let event = event.to_string();
    let held = send_wrapper::SendWrapper::new((document, callback));
    on_cleanup(move || {
        let (document, callback) = &*held;
        let _ = document.remove_event_listener_with_callback(&event, callback.unchecked_ref());
    });
}

/// Whether a key goes to a panel open over the page (a highlight's, « Partager », « Affichage »,
/// the shortcuts' modal dialog): the page's own keys (next article, listen) wait until it closes.
pub fn in_panel(event: &web_sys::KeyboardEvent) -> bool {
    let from_panel = event
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .and_then(|el| el.closest("[role=dialog], .display-panel").ok().flatten())
        .is_some();
    from_panel
        || web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.query_selector("[aria-modal=true]").ok().flatten())
            .is_some()
}

/// Whether a key press is typing in a field, where the app's shortcuts must not fire.
pub fn is_typing(event: &web_sys::KeyboardEvent) -> bool {
    use wasm_bindgen::JsCast;
    if event.ctrl_key() || event.meta_key() || event.alt_key() {
        return true;
    }
    event
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .is_some_and(|el| {
            matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
                || el
                    .dyn_ref::<web_sys::HtmlElement>()
                    .is_some_and(|h| h.is_content_editable())
        })
}

/// Puts `text` into a text box the reader may be typing in, when it differs from what the box
/// holds (a sync pass or another tab changed the note): the caret and the selection keep their
/// place in the text around them (`caret::after_replace`). The reader's own typing, which the
/// stored text already equals, is never written back (a value set moves the caret to the end).
pub fn replace_text(area: &web_sys::HtmlTextAreaElement, text: &str) {
    let old = area.value();
    if old == text {
        return;
    }
    let focused = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.active_element())
        .is_some_and(|el| el == ***area);
    let start = area.selection_start().ok().flatten();
    let end = area.selection_end().ok().flatten();
    area.set_value(text);
    if let (true, Some(start), Some(end)) = (focused, start, end) {
        let at = |caret: u32| crate::caret::after_replace(&old, text, caret as usize) as u32;
        let _ = area.set_selection_range(at(start), at(end));
    }
}

/// Runs `change` (a text size, width or spacing that reflows an article) keeping the paragraph
/// at the top of the window where it was: the browser's own scroll anchoring does not, as the
/// change resizes every block above it too.
pub fn keeping_the_place(change: impl FnOnce()) {
    let window = web_sys::window();
    let anchor = window
        .as_ref()
        .filter(|w| w.scroll_y().is_ok_and(|y| y > 0.0))
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector_all(".article-body [data-b]").ok())
        .and_then(|blocks| {
            (0..blocks.length())
                .filter_map(|i| blocks.item(i)?.dyn_into::<web_sys::Element>().ok())
                .map(|el| (el.get_bounding_client_rect(), el))
                .find(|(rect, _)| rect.bottom() > 0.0)
                .map(|(rect, el)| (el, rect.top(), rect.height().max(1.0)))
        });
    change();
    if let (Some(window), Some((el, top, height))) = (window, anchor) {
        let rect = el.get_bounding_client_rect();
        // A paragraph begun above the window keeps the same share of it above; one that
        // begins in the window begins at the same height.
        let wanted = if top < 0.0 {
            top / height * rect.height()
        } else {
            top
        };
        window.scroll_by_with_x_and_y(0.0, rect.top() - wanted);
    }
}

/// Milliseconds since the epoch.
pub fn now_ms() -> i64 {
    js_sys::Date::now() as i64
}

/// 53 random bits, for ids.
pub fn random_u64() -> u64 {
    (js_sys::Math::random() * (1u64 << 53) as f64) as u64
}

/// Offers `text` as a file download.
pub fn download(name: &str, mime: &str, text: &str) {
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    if let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) {
        download_blob(name, &blob);
    }
}

/// Offers `blob` as a file download named `name`.
pub fn download_blob(name: &str, blob: &web_sys::Blob) {
    use wasm_bindgen::JsCast;
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(blob) else {
        return;
    };
    if let Ok(a) = document.create_element("a") {
        let a: web_sys::HtmlAnchorElement = a.unchecked_into();
        a.set_href(&url);
        a.set_download(name);
        a.click();
    }
    // Revoked later: revoking at once can cancel the download before it starts.
    leptos::prelude::set_timeout(
        move || {
            let _ = web_sys::Url::revoke_object_url(&url);
        },
        std::time::Duration::from_secs(60),
    );
}
