//! The toolbar that appears near a text selection in the article: "Surligner" and a colour each,
//! « Partager », « Écouter d’ici ». Keyboard: `h` highlights the current selection, `p` shares
//! it, Tab goes into the toolbar (its buttons then keep the selection they were shown for),
//! Escape closes it and puts the selection away. With a mouse it sits above the selection; on
//! a touch screen below it (the system's own menu is above), always wholly on screen: see
//! `crate::placement::toolbar`.

use crate::{
    browser,
    notes::model::Color,
    placement::{self, Rect},
    prefs,
    selection::{self, ArticleSelection},
    state::NotesState,
    view::{highlight_panel, on_demand, reader_context::ReaderContext, screen},
};
use leptos::{ev, html, prelude::*};

#[component]
pub fn SelectionToolbar() -> impl IntoView {
    let reader = expect_context::<ReaderContext>();
    let notes = NotesState::get();
    let current = RwSignal::new(None::<ArticleSelection>);
    let last_color = RwSignal::new(prefs::last_color());

    let read = move || {
        reader
            .body
            .get_untracked()
            .and_then(|body| selection::current(&body, &reader.article.plain_text))
    };
    // The last selection that went away, and when: a paragraph drawn anew takes it away.
    let lost = StoredValue::new(None::<(ArticleSelection, f64)>);
    let bar = NodeRef::<html::Div>::new();
    // The selection whose toolbar the reader tabbed out of.
    let left_bar = StoredValue::new(None::<ArticleSelection>);
    let focus_in_bar = move || {
        let active = document().active_element();
        bar.get_untracked()
            .zip(active)
            .is_some_and(|(bar, active)| bar.contains(Some(&active)))
    };
    let read_selection = move || {
        let now = read();
        // A keyboard reader who went into the toolbar (caret browsing moves the selection
        // with the focus): its buttons act on the selection it was shown for.
        if now.is_none() && focus_in_bar() {
            return;
        }
        if now.is_none() {
            if let Some(was) = current.get_untracked() {
                lost.set_value(Some((was, js_sys::Date::now())));
            }
        }
        current.set(now);
    };
    // A reader who selects text is about to highlight, and maybe to annotate: the panel's
    // code (a lazy chunk) is fetched now rather than at the tap that opens it. (Not the code of
    // « Partager », larger and less often wanted: fetched at its tap.)
    let selecting = Memo::new(move |_| current.with(Option::is_some));
    Effect::new(move |_| {
        if selecting.get() {
            on_demand::prefetch(highlight_panel::prefetch);
        }
    });
    // The toolbar follows the selection as its handles move, and the text as it reflows.
    browser::on_document_event("selectionchange", move |_| read_selection());
    // A highlight made or changed elsewhere (another tab, a sync pass) draws its paragraph
    // anew, and the browser drops a selection whose text nodes went: the reader's selection is
    // put back on the same chars.
    Effect::new(move |_| {
        reader.anchored.track();
        let Some(sel) = current.get_untracked().or_else(|| {
            lost.get_value()
                .filter(|(_, at)| js_sys::Date::now() - at < 500.0)
                .map(|(sel, _)| sel)
        }) else {
            return;
        };
        set_timeout(
            move || {
                if read().is_none() {
                    if let Some(body) = reader.body.get_untracked() {
                        selection::restore(&body, sel.start, sel.end);
                    }
                }
            },
            std::time::Duration::ZERO,
        );
    });
    let resize = window_event_listener(ev::resize, move |_| read_selection());
    on_cleanup(move || resize.remove());

    let highlight = move |color: Color| {
        // Read afresh: the selection may have changed since the toolbar was drawn (a tap that
        // took it away leaves the one the toolbar was shown for).
        let Some(sel) = read().or_else(|| current.get_untracked()) else {
            return;
        };
        let id = reader.add_highlight(notes, sel.start..sel.end, color);
        last_color.set(color);
        prefs::set_last_color(color);
        selection::clear();
        current.set(None);
        reader.focus_highlight_in_place(id);
    };

    let listen_from_here = move || {
        let Some(sel) = read().or_else(|| current.get_untracked()) else {
            return;
        };
        browser::unlock_speech();
        let was_in_bar = focus_in_bar();
        reader.listen.set(Some(sel.start));
        selection::clear();
        current.set(None);
        // From the keyboard, the focus stays by the text read rather than falling to the page.
        if was_in_bar {
            reader.focus_text_at(Some(sel.start));
        }
    };

    let share = move || {
        let Some(sel) = read().or_else(|| current.get_untracked()) else {
            return;
        };
        reader.share_highlight.set(None);
        reader.share.set(Some(sel.start..sel.end));
        selection::clear();
        current.set(None);
    };

    let keys = window_event_listener(ev::keydown, move |event| {
        let key = event.key();
        let shown = move || current.with_untracked(Option::is_some);
        if key == "Escape" && shown() && !event.default_prevented() {
            event.prevent_default();
            let was = current.get_untracked();
            let was_in_bar = focus_in_bar();
            current.set(None);
            // The caret stays where the selection ended, for a keyboard reader to go on.
            match (was_in_bar, was, reader.body.get_untracked()) {
                (true, Some(sel), Some(body)) => {
                    reader.focus_text_at(Some(sel.start));
                    selection::restore(&body, sel.end, sel.end);
                }
                (true, ..) => selection::clear(),
                (false, ..) => selection::collapse_to_end(),
            }
            return;
        }
        // Tab goes into the toolbar from the text only (not from a dialog, a field or the rest
        // of the page), and once per selection: tabbed out of it, the reader goes on.
        let from_text = || {
            let active = document().active_element();
            let in_body = reader
                .body
                .get_untracked()
                .zip(active.clone())
                .is_some_and(|(body, active)| body.contains(Some(&active)));
            // Or from nowhere in particular: the page, or its main content (the skip link's).
            in_body
                || active.is_none_or(|a| matches!(a.tag_name().as_str(), "BODY" | "MAIN" | "HTML"))
        };
        let left = || {
            left_bar.with_value(|left| {
                left.as_ref()
                    .zip(current.get_untracked())
                    .is_some_and(|(l, c)| (l.start, l.end) == (c.start, c.end))
            })
        };
        if key == "Tab"
            && !event.shift_key()
            && !event.default_prevented()
            && !browser::in_panel(&event)
            && !browser::is_typing(&event)
            && shown()
            && !focus_in_bar()
            && !left()
            && from_text()
        {
            let first = bar
                .get_untracked()
                .and_then(|bar| bar.query_selector("button").ok().flatten())
                .and_then(|b| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(b).ok());
            if let Some(first) = first {
                event.prevent_default();
                browser::focus_in_place(&first);
            }
            return;
        }
        if (key == "h" || key == "p") && !browser::is_typing(&event) {
            read_selection();
            if current.get_untracked().is_some() {
                event.prevent_default();
                if key == "h" {
                    highlight(last_color.get_untracked());
                } else {
                    share();
                }
            }
        }
    });
    on_cleanup(move || keys.remove());

    // Pressing a button must not take the selection away first.
    let keep_selection = |ev: web_sys::MouseEvent| ev.prevent_default();

    // The toolbar's size, measured once drawn, places it; it stays hidden until then.
    let size = RwSignal::new(None::<(f64, f64)>);
    let visible = screen::tracked();
    Effect::new(move |_| {
        current.track();
        last_color.track();
        visible.track();
        if let Some(el) = bar.get() {
            let r = el.get_bounding_client_rect();
            let measured = Some((r.width(), r.height()));
            if size.get_untracked() != measured {
                size.set(measured);
            }
        }
    });
    let place = Memo::new(move |_| {
        let sel = current.get()?;
        let (width, height) = size.get()?;
        let selection = Rect {
            left: sel.center_x,
            top: sel.top,
            width: 0.0,
            height: sel.bottom - sel.top,
        };
        Some(placement::toolbar(
            selection,
            width,
            height,
            visible.get(),
            screen::pointer(),
        ))
    });
    let px = move |f: fn(&placement::Placed) -> f64| {
        move || placement::css_px(place.get().as_ref().map_or(0.0, f))
    };

    view! {
        <Show when=move || current.with(Option::is_some)>
            <div
                class="hl-toolbar"
                node_ref=bar
                role="toolbar"
                aria-label="Surligner la sélection"
                // As wide as the part of the page that is seen at most (a pinch zoom or the
                // on-screen keyboard makes it narrower than the page): it wraps instead.
                style:max-width=move || placement::css_px((visible.get().width - 16.0).max(160.0))
                style:left=px(|p| p.left)
                style:top=px(|p| p.top)
                style:visibility=move || if place.with(Option::is_some) { "visible" } else { "hidden" }
                on:mousedown=keep_selection
                // Tabbed out of it: it follows the selection again (gone, if caret browsing
                // took it along).
                on:focusout=move |_| {
                    set_timeout(
                        move || {
                            if !focus_in_bar() {
                                left_bar.set_value(current.get_untracked());
                            }
                            read_selection();
                        },
                        std::time::Duration::ZERO,
                    )
                }
            >
                <button
                    type="button"
                    class="btn-primary"
                    on:click=move |_| highlight(last_color.get_untracked())
                >
                    "Surligner"
                </button>
                {Color::ALL
                    .iter()
                    .map(|&color| {
                        view! {
                            <button
                                type="button"
                                class=format!("swatch swatch-{}", color.as_str())
                                aria-pressed=move || (last_color.get() == color).to_string()
                                on:click=move |_| highlight(color)
                            >
                                {color.label_fr()}
                            </button>
                        }
                    })
                    .collect_view()}
                <button
                    type="button"
                    class="btn"
                    on:click=move |_| share()
                >
                    "Partager"
                </button>
                <button
                    type="button"
                    class="btn"
                    on:click=move |_| listen_from_here()
                >
                    "Écouter d’ici"
                </button>
            </div>
        </Show>
    }
}
