//! The header's search box: typing shows results as you go (`/recherche/?q=`); `/` focuses it.

use crate::{browser, paths, router::Location};
use leptos::{ev, html, prelude::*};
use wasm_bindgen::JsCast;

/// The query being searched, shared by the header's box and the results page.
#[derive(Clone, Copy)]
pub struct SearchQuery(pub RwSignal<String>);

#[component]
pub fn SearchBox() -> impl IntoView {
    let base = browser::base();
    let input = NodeRef::<html::Input>::new();
    let location = Location::get();
    let on_search_page = Memo::new(move |_| location.path() == paths::search(base, ""));
    // On the results page, the box shows the query of the URL.
    let value = move || {
        if on_search_page.get() {
            location.query("q").unwrap_or_default()
        } else {
            String::new()
        }
    };
    let SearchQuery(typed) = expect_context::<SearchQuery>();
    let go = move |q: String| {
        typed.set(q.clone());
        let replace = on_search_page.get_untracked();
        location.navigate(
            &format!(
                "{}?q={}",
                paths::search(base, ""),
                browser::encode_query(&q)
            ),
            replace,
        );
    };
    let go_input = go;

    // `/` far down a page would scroll it to the header, and the page's remembered place with
    // it (« back » from the results, `Échap`): the box comes to the reader instead, held over
    // the page, and `Échap` gives the focus back where it was.
    let floating = RwSignal::new(false);
    let came_from = StoredValue::new_local(None::<web_sys::HtmlElement>);
    let keys = window_event_listener(ev::keydown, move |event| {
        if event.key() == "/" && !browser::is_typing(&event) {
            if let Some(input) = input.get_untracked() {
                event.prevent_default();
                came_from.set_value(
                    document()
                        .active_element()
                        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()),
                );
                floating.set(input.get_bounding_client_rect().top() < 0.0);
                browser::focus_in_place(&input);
            }
        }
    });
    on_cleanup(move || keys.remove());
    Effect::new(move |_| {
        if on_search_page.get() {
            floating.set(false);
        }
    });
    let on_keydown = move |event: web_sys::KeyboardEvent| {
        if event.key() == "Escape" && !on_search_page.get_untracked() {
            floating.set(false);
            if let Some(before) = came_from.try_update_value(Option::take).flatten() {
                browser::focus_in_place(&before);
            }
            // It came from nowhere focusable (the page itself): the focus leaves the box.
            if let Some(i) = input.get_untracked() {
                if document().active_element().is_some_and(|a| a == **i) {
                    let _ = i.blur();
                }
            }
        }
    };

    view! {
        <form
            class="search-box"
            class:floating=move || floating.get()
            role="search"
            on:submit=move |ev: web_sys::SubmitEvent| {
                ev.prevent_default();
                if let Some(i) = input.get_untracked() {
                    go(i.value());
                }
            }
        >
            <input
                type="search"
                node_ref=input
                aria-label="Rechercher"
                placeholder="Rechercher"
                aria-keyshortcuts="/"
                prop:value=value
                on:input=move |ev| go_input(event_target_value(&ev))
                on:keydown=on_keydown
                on:blur=move |_| floating.set(false)
            />
        </form>
    }
}
