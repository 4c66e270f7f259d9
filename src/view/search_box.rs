//! The header's search box: typing shows results as you go (`/recherche/?q=`); `/` focuses it.

use crate::{browser, paths, router::Location};
use leptos::{ev, html, prelude::*};

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

    let keys = window_event_listener(ev::keydown, move |event| {
        if event.key() == "/" && !browser::is_typing(&event) {
            if let Some(input) = input.get_untracked() {
                event.prevent_default();
                let _ = input.focus();
            }
        }
    });
    on_cleanup(move || keys.remove());

    view! {
        <form
            class="search-box"
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
            />
        </form>
    }
}
