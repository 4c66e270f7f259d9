//! The floor of issue 22: Leptos, the article's file fetched and parsed by Liseuse's own
//! `Article::parse`, and its text drawn by Leptos in place of the static copy. No header, no
//! highlights, no router: what any Leptos reader of this article would have to download and run
//! before it is ready, to tell how far the app's own code is from it.
use leptos::prelude::*;
use liseuse::content::{Article, Block, Run};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

fn main() {
    leptos::mount::mount_to_body(App);
}

fn window() -> web_sys::Window {
    web_sys::window().expect("a window")
}

/// The article's file, as the page preloads it (the same request, served from the preload).
async fn fetch_article() -> Option<&'static Article> {
    let href = window()
        .document()?
        .query_selector(r#"link[rel=preload][as=fetch][href$=".json"]"#)
        .ok()??
        .get_attribute("href")?;
    let response: web_sys::Response = JsFuture::from(window().fetch_with_str(&href))
        .await
        .ok()?
        .unchecked_into();
    let text = JsFuture::from(response.text().ok()?)
        .await
        .ok()?
        .as_string()?;
    // Drawn for the page's life, as the app's catalog keeps its articles.
    Some(Box::leak(Box::new(Article::parse(&text).ok()?)))
}

#[component]
fn App() -> impl IntoView {
    let article = LocalResource::new(fetch_article);
    move || {
        article.get().flatten().map(|article| {
            // As the app does: the static copy goes once the page is drawn, and that is "app
            // ready" for bench/paint-ab.mjs.
            request_animation_frame(|| {
                if let Some(copy) = window()
                    .document()
                    .and_then(|d| d.get_element_by_id("prerender"))
                {
                    copy.remove();
                }
                if let Some(performance) = window().performance() {
                    let _ = performance.mark("liseuse:takeover");
                }
            });
            view! {
                <main>
                    <article class="reader">
                        <h1>{article.meta.title.as_str()}</h1>
                        {article.body.iter().map(block).collect_view()}
                    </article>
                </main>
            }
        })
    }
}

fn runs(runs: &'static [Run]) -> impl IntoView {
    runs.iter()
        .map(|r| view! { <span>{r.text.as_str()}</span> })
        .collect_view()
}

fn block(block: &'static Block) -> AnyView {
    match block {
        Block::Paragraph(r) => view! { <p>{runs(r)}</p> }.into_any(),
        Block::Heading(_, r) => view! { <h2>{runs(r)}</h2> }.into_any(),
        Block::Code(r) => view! { <pre>{runs(r)}</pre> }.into_any(),
        Block::Quote(blocks) => {
            view! { <blockquote>{blocks.iter().map(self::block).collect_view()}</blockquote> }.into_any()
        }
        Block::List { items, .. } => view! {
            <ul>{items.iter().map(|item| view! { <li>{item.iter().map(self::block).collect_view()}</li> }).collect_view()}</ul>
        }
        .into_any(),
        Block::Rule => view! { <hr /> }.into_any(),
    }
}
