//! Renders an article's structure (blocks and runs) as elements. Each run carries `data-o`, its
//! offset in the article's plain text, so a DOM selection maps back to text offsets.

use crate::content::{Block, Run};
use leptos::prelude::*;

#[component]
pub fn Blocks(blocks: &'static [Block]) -> impl IntoView {
    blocks.iter().map(block).collect_view()
}

fn block(block: &'static Block) -> AnyView {
    match block {
        Block::Paragraph(runs) => view! { <p>{self::runs(runs)}</p> }.into_any(),
        Block::Heading(level, runs) => match level {
            // The article title is the page's h1: body headings start one level below.
            1 | 2 => view! { <h2>{self::runs(runs)}</h2> }.into_any(),
            3 => view! { <h3>{self::runs(runs)}</h3> }.into_any(),
            _ => view! { <h4>{self::runs(runs)}</h4> }.into_any(),
        },
        Block::Code(runs) => view! { <pre><code>{self::runs(runs)}</code></pre> }.into_any(),
        Block::Quote(inner) => view! { <blockquote><Blocks blocks=inner /></blockquote> }.into_any(),
        Block::List { start, items } => {
            let items = items
                .iter()
                .map(|item| view! { <li><Blocks blocks=item /></li> })
                .collect_view();
            match start {
                Some(start) => view! { <ol start=*start>{items}</ol> }.into_any(),
                None => view! { <ul>{items}</ul> }.into_any(),
            }
        }
        Block::Rule => view! { <hr /> }.into_any(),
    }
}

fn runs(runs: &'static [Run]) -> impl IntoView {
    runs.iter().map(run).collect_view()
}

fn run(run: &'static Run) -> AnyView {
    let mut view = view! { <span data-o=run.start>{run.text}</span> }.into_any();
    if run.code {
        view = view! { <code>{view}</code> }.into_any();
    }
    if run.emphasis {
        view = view! { <em>{view}</em> }.into_any();
    }
    if run.strong {
        view = view! { <strong>{view}</strong> }.into_any();
    }
    if let Some(href) = run.link {
        view = view! { <a href=href rel="noopener noreferrer">{view}</a> }.into_any();
    }
    view
}
