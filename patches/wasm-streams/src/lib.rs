//! The part of wasm-streams 0.5's API that Leptos's `server_fn` names, for an app without
//! server functions. The real crate's `IntoUnderlying*` classes are `#[wasm_bindgen]` exports,
//! which no linker can drop: 7.5 kB of wasm and three JavaScript classes in every first visit,
//! for request and response streams that Liseuse never makes (it has no server). Nothing here
//! is reachable from the app; if it ever were, it says so instead of misbehaving.

use futures_util::Stream;
use wasm_bindgen::JsValue;

const NOT_HERE: &str = "wasm-streams is not in this build: Liseuse has no server functions";

/// A `ReadableStream` held as the browser's object.
pub struct ReadableStream {
    raw: web_sys::ReadableStream,
}

impl ReadableStream {
    pub fn from_raw(raw: web_sys::ReadableStream) -> Self {
        Self { raw }
    }

    pub fn into_raw(self) -> web_sys::ReadableStream {
        self.raw
    }

    /// Would wrap a Rust stream for the browser: a server function's streaming request.
    pub fn from_stream<St>(_stream: St) -> Self
    where
        St: Stream<Item = Result<JsValue, JsValue>> + 'static,
    {
        wasm_bindgen::throw_str(NOT_HERE)
    }

    /// Would read the browser's stream: a server function's streaming response.
    pub fn into_stream(self) -> futures_util::stream::Pending<Result<JsValue, JsValue>> {
        wasm_bindgen::throw_str(NOT_HERE)
    }
}
