//! Browser layer: the quote card drawn on a canvas where `card::layout` says, and made a PNG,
//! all on the device. The canvas's 2D API is reached through `Reflect` rather than web-sys's
//! bindings: each binding is a function of the JS glue, which every first visit downloads,
//! while only the share panel's chunk draws cards. Text is drawn with `fillText` only.

use crate::{
    browser::{js_call, js_get},
    card::{self, CardLayout, CardShape, CardText, CardTheme, Line, FONT_STACK},
    settings::{Choice, Theme},
};
use js_sys::{Array, Function, Reflect};
use std::cell::Cell;
use wasm_bindgen::{JsCast, JsValue};

/// A canvas's 2D context.
struct Context(JsValue);

impl Context {
    fn set(&self, key: &str, value: &JsValue) {
        let _ = Reflect::set(&self.0, &key.into(), value);
    }

    fn font(&self, px: f64, bold: bool) {
        let weight = if bold { "bold " } else { "" };
        self.set("font", &format!("{weight}{px}px {FONT_STACK}").into());
    }

    fn fill_style(&self, colour: &str) {
        self.set("fillStyle", &colour.into());
    }

    fn fill_rect(&self, x: f64, y: f64, width: f64, height: f64) {
        let args = Array::of4(&x.into(), &y.into(), &width.into(), &height.into());
        js_call(&self.0, "fillRect", &args);
    }

    /// `measureText(text).width`, in the context's font.
    fn measure(&self, text: &str) -> f64 {
        let metrics = js_call(&self.0, "measureText", &Array::of1(&text.into()));
        js_get(&metrics, "width").as_f64().unwrap_or(0.0)
    }

    /// Draws `line` no wider than `max_width` (the browser narrows it should the font drawn be
    /// wider than the one measured).
    fn line(&self, line: &Line, max_width: f64) {
        let args = Array::of4(
            &line.text.as_str().into(),
            &line.x.into(),
            &line.y.into(),
            &max_width.max(1.0).into(),
        );
        js_call(&self.0, "fillText", &args);
    }
}

/// The card of `text` in `shape` and `theme`, on a new canvas (not in the document).
pub fn draw(
    shape: CardShape,
    theme: CardTheme,
    text: &CardText,
) -> Result<web_sys::HtmlElement, String> {
    const NO_CANVAS: &str = "Ce navigateur ne sait pas dessiner l’image.";
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or(NO_CANVAS)?;
    let canvas = document
        .create_element("canvas")
        .map_err(|_| NO_CANVAS)?
        .unchecked_into::<web_sys::HtmlElement>();
    let (width, height) = shape.size();
    let _ = Reflect::set(&canvas, &"width".into(), &width.into());
    let _ = Reflect::set(&canvas, &"height".into(), &height.into());
    let context = js_call(&canvas, "getContext", &Array::of1(&"2d".into()));
    if !context.is_object() {
        return Err(NO_CANVAS.into());
    }
    let context = Context(context);

    // Widths as the canvas measures them in the passage's font; the font is set again only
    // when the size changes.
    let size = Cell::new(f64::NAN);
    let measure = |text: &str, px: f64| {
        if size.get() != px {
            context.font(px, false);
            size.set(px);
        }
        context.measure(text)
    };
    let layout = card::layout(shape, text, &measure);
    paint(&context, &layout, theme);
    Ok(canvas)
}

fn paint(context: &Context, layout: &CardLayout, theme: CardTheme) {
    let palette = theme.palette();
    let (width, height) = (layout.width as f64, layout.height as f64);
    context.fill_style(palette.background);
    context.fill_rect(0.0, 0.0, width, height);
    // The border, as four bands (no stroke state to set).
    let b = layout.border;
    context.fill_style(palette.rule);
    context.fill_rect(0.0, 0.0, width, b);
    context.fill_rect(0.0, height - b, width, b);
    context.fill_rect(0.0, 0.0, b, height);
    context.fill_rect(width - b, 0.0, b, height);

    context.set("textAlign", &"left".into());
    context.set("textBaseline", &"middle".into());
    let box_width = layout.box_width();

    context.fill_style(palette.text);
    context.font(layout.quote.font_px, false);
    for line in &layout.quote.lines {
        context.line(line, box_width);
    }

    context.fill_style(palette.accent);
    let rule = layout.rule;
    context.fill_rect(rule.x, rule.y, rule.width, rule.height);

    context.fill_style(palette.text);
    context.font(layout.title.font_px, true);
    for line in &layout.title.lines {
        context.line(line, box_width);
    }

    context.font(layout.meta_px, false);
    let right = width - layout.margin_x;
    if let Some(author) = &layout.author {
        let end = layout
            .site
            .as_ref()
            .map_or(right, |site| site.x - layout.meta_px);
        context.fill_style(palette.muted);
        context.line(author, end - author.x);
    }
    if let Some(site) = &layout.site {
        context.fill_style(palette.accent);
        context.line(site, right - site.x);
    }
}

/// The canvas as a PNG (`canvas.toBlob`).
pub async fn png(canvas: &web_sys::HtmlElement) -> Result<web_sys::Blob, String> {
    const FAILED: &str = "L’image n’a pas pu être créée.";
    let made = js_sys::Promise::new(&mut |resolve, reject| {
        let to_blob = js_get(canvas, "toBlob");
        let called = to_blob
            .dyn_ref::<Function>()
            .map(|f| f.call2(canvas, &resolve, &"image/png".into()));
        if !matches!(called, Some(Ok(_))) {
            let _ = reject.call0(&JsValue::UNDEFINED);
        }
    });
    // `toBlob` gives `null` when it cannot make the picture.
    let blob = wasm_bindgen_futures::JsFuture::from(made)
        .await
        .map_err(|_| FAILED)?;
    if blob.is_object() {
        Ok(blob.unchecked_into())
    } else {
        Err(FAILED.into())
    }
}

/// The theme the reader sees now: `data-theme` on `<html>`, or with none (« Système ») the
/// system's scheme.
pub fn current_theme() -> CardTheme {
    let window = web_sys::window();
    let chosen = window
        .as_ref()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
        .and_then(|root| root.get_attribute("data-theme"));
    let dark = window
        .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten())
        .is_some_and(|query| query.matches());
    CardTheme::of(Theme::named(chosen.as_deref()), dark)
}
