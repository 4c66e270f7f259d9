//! Browser layer: the part of the page the reader sees (the visual viewport, which shrinks when
//! the on-screen keyboard opens or the page is zoomed) and the kind of pointer, for the parts
//! of the page placed on screen (`crate::placement` decides where).

use crate::placement::{Pointer, Rect};
use leptos::prelude::*;
use wasm_bindgen::{closure::Closure, JsCast};

/// The visual viewport, in document coordinates.
pub fn visible() -> Rect {
    let Some(window) = web_sys::window() else {
        return Rect {
            left: 0.0,
            top: 0.0,
            width: 0.0,
            height: 0.0,
        };
    };
    if let Some(v) = window.visual_viewport() {
        return Rect {
            left: v.page_left(),
            top: v.page_top(),
            width: v.width(),
            height: v.height(),
        };
    }
    let px = |v: Result<wasm_bindgen::JsValue, _>| v.ok().and_then(|v| v.as_f64()).unwrap_or(0.0);
    Rect {
        left: window.scroll_x().unwrap_or(0.0),
        top: window.scroll_y().unwrap_or(0.0),
        width: px(window.inner_width()),
        height: px(window.inner_height()),
    }
}

/// The visual viewport, in the layout viewport's coordinates (those of
/// `getBoundingClientRect` and `position: fixed`).
pub fn visible_in_viewport() -> Rect {
    let page = visible();
    let (left, top) = web_sys::window()
        .and_then(|w| w.visual_viewport())
        .map_or((0.0, 0.0), |v| (v.offset_left(), v.offset_top()));
    Rect { left, top, ..page }
}

/// The height of the layout viewport (what `position: fixed; bottom: 0` is measured from).
pub fn layout_height() -> f64 {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
        .map_or(0.0, |e| f64::from(e.client_height()))
}

/// A finger (`pointer: coarse`) or a mouse, as the primary pointer is now.
pub fn pointer() -> Pointer {
    let coarse = web_sys::window()
        .and_then(|w| w.match_media("(pointer: coarse)").ok().flatten())
        .is_some_and(|m| m.matches());
    if coarse {
        Pointer::Coarse
    } else {
        Pointer::Fine
    }
}

/// `visible()` as a signal, kept up to date while the current owner lives: on scrolling,
/// resizing, and the visual viewport's own changes (keyboard, zoom).
pub fn tracked() -> ReadSignal<Rect> {
    let (rect, set_rect) = signal(visible());
    let update = move |_: web_sys::Event| {
        set_rect.try_set(visible());
    };
    let Some(window) = web_sys::window() else {
        return rect;
    };
    let callback = Closure::<dyn Fn(web_sys::Event)>::new(update).into_js_value();
    let mut targets: Vec<(web_sys::EventTarget, &str)> = vec![
        (window.clone().into(), "scroll"),
        (window.clone().into(), "resize"),
    ];
    if let Some(v) = window.visual_viewport() {
        targets.push((v.clone().into(), "scroll"));
        targets.push((v.into(), "resize"));
    }
    for (target, event) in &targets {
        let _ = target.add_event_listener_with_callback(event, callback.unchecked_ref());
    }
    let held = send_wrapper::SendWrapper::new((targets, callback));
    on_cleanup(move || {
        let (targets, callback) = &*held;
        for (target, event) in targets {
            let _ = target.remove_event_listener_with_callback(event, callback.unchecked_ref());
        }
    });
    rect
}
