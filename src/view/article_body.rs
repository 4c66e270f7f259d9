//! Renders an article's structure (blocks and runs) as elements, with the reader's highlights
//! as `<mark>`s drawn from state. Each text segment is a `<span data-o="N">` holding one text
//! node, N being its offset in the article's plain text, so a DOM selection maps back to text
//! offsets (see `selection`).

use crate::{
    content::{for_each_text_block, Block, Run},
    layout::{segments, Placed},
    notes::model::Color,
};
use leptos::prelude::*;
use std::collections::HashMap;

/// A mark as the body draws it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarkKey {
    pub id: String,
    pub kind: MarkKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MarkKind {
    /// One of the reader's highlights.
    Highlight(Color),
    /// A word of the search that led here.
    SearchHit,
    /// The sentence being read aloud, where the browser cannot mark it without changing the
    /// text (no CSS Custom Highlight API).
    Spoken,
    /// The passage a shared link points at.
    Shared,
}

pub type Marks = Memo<Vec<Placed<MarkKey>>>;

/// The marks of each text block, by the block's start offset: each block looks up its own
/// rather than scanning all of them (with a thousand highlights, on every change).
pub type MarksByBlock = Memo<HashMap<usize, Vec<Placed<MarkKey>>>>;

/// Sorts `marks` into the text blocks of `blocks` they touch.
pub fn marks_by_block(blocks: &'static [Block], marks: Marks) -> MarksByBlock {
    let mut ranges = Vec::new();
    for_each_text_block(blocks, &mut |runs| {
        if let (Some(first), Some(last)) = (runs.first(), runs.last()) {
            ranges.push((first.start as usize, last.end() as usize));
        }
    });
    Memo::new(move |_| {
        marks.with(|all| {
            let mut by_block: HashMap<usize, Vec<Placed<MarkKey>>> = HashMap::new();
            for placed in all {
                let from = ranges.partition_point(|&(_, end)| end <= placed.range.start);
                for &(start, _) in ranges[from..]
                    .iter()
                    .take_while(|&&(start, _)| start < placed.range.end)
                {
                    by_block.entry(start).or_default().push(placed.clone());
                }
            }
            by_block
        })
    })
}

#[component]
pub fn Blocks(
    blocks: &'static [Block],
    /// The article's placed highlights; `None` for text that is not highlightable.
    #[prop(default = None)]
    marks: Option<MarksByBlock>,
) -> impl IntoView {
    blocks.iter().map(|b| block(b, marks)).collect_view()
}

fn block(block: &'static Block, marks: Option<MarksByBlock>) -> AnyView {
    // In the article body, each text block is addressable by its offset: `#t-<offset>` (search
    // results, resuming) and `data-b` (reading progress).
    let anchor = |runs: &'static [Run]| {
        marks
            .is_some()
            .then(|| runs.first().map(|r| r.start))
            .flatten()
    };
    let id = |runs| anchor(runs).map(|b| format!("t-{b}"));
    match block {
        Block::Paragraph(runs) => {
            view! { <p id=id(runs) data-b=anchor(runs)>{text(runs, marks)}</p> }.into_any()
        }
        Block::Heading(level, runs) => match level {
            // The article title is the page's h1: body headings start one level below.
            1 | 2 => {
                view! { <h2 id=id(runs) data-b=anchor(runs)>{text(runs, marks)}</h2> }.into_any()
            }
            3 => view! { <h3 id=id(runs) data-b=anchor(runs)>{text(runs, marks)}</h3> }.into_any(),
            _ => view! { <h4 id=id(runs) data-b=anchor(runs)>{text(runs, marks)}</h4> }.into_any(),
        },
        Block::Code(runs) => {
            view! { <pre id=id(runs) data-b=anchor(runs)><code>{text(runs, marks)}</code></pre> }
                .into_any()
        }
        Block::Quote(inner) => {
            view! { <blockquote><Blocks blocks=inner marks=marks /></blockquote> }.into_any()
        }
        Block::List { start, items } => {
            let items = items
                .iter()
                .map(|item| view! { <li><Blocks blocks=item marks=marks /></li> })
                .collect_view();
            match start {
                Some(start) => view! { <ol start=*start>{items}</ol> }.into_any(),
                None => view! { <ul>{items}</ul> }.into_any(),
            }
        }
        Block::Rule => view! { <hr /> }.into_any(),
    }
}

/// A text block's runs. With highlights, the block re-renders only when the highlights that
/// touch it change: a memo per block keeps the others untouched.
fn text(runs: &'static [Run], marks: Option<MarksByBlock>) -> AnyView {
    let Some(marks) = marks else {
        return runs.iter().map(|r| run(r, &[])).collect_view().into_any();
    };
    let Some(first) = runs.first() else {
        return ().into_any();
    };
    let start = first.start as usize;
    let here = Memo::new(move |_| {
        marks.with(|by_block| by_block.get(&start).cloned().unwrap_or_default())
    });
    (move || here.with(|placed| runs.iter().map(|r| run(r, placed)).collect_view())).into_any()
}

fn run(run: &'static Run, placed: &[Placed<MarkKey>]) -> AnyView {
    let pieces = segments(&run.text, run.start as usize, placed)
        .into_iter()
        .map(|segment| {
            let mut view =
                view! { <span data-o=segment.start>{segment.text.to_string()}</span> }.into_any();
            // Innermost mark last: wrap from the inside out.
            for key in segment.covering.iter().rev() {
                let color = match key.kind {
                    MarkKind::Highlight(color) => color,
                    MarkKind::SearchHit => {
                        view = view! { <mark class="search-hit">{view}</mark> }.into_any();
                        continue;
                    }
                    MarkKind::Spoken => {
                        view = view! { <mark class="spoken">{view}</mark> }.into_any();
                        continue;
                    }
                    MarkKind::Shared => {
                        view = view! { <mark class="shared">{view}</mark> }.into_any();
                        continue;
                    }
                };
                let first = placed
                    .iter()
                    .any(|p| p.key.id == key.id && p.range.start == segment.start);
                let id = first.then(|| format!("h-{}", key.id));
                view = view! {
                    <mark
                        class=color.mark_class()
                        data-id=key.id.clone()
                        id=id
                        tabindex=if first { "0" } else { "-1" }
                    >
                        {view}
                    </mark>
                }
                .into_any();
            }
            view
        })
        .collect_view();
    let mut view = pieces.into_any();
    if run.code {
        view = view! { <code>{view}</code> }.into_any();
    }
    if run.emphasis {
        view = view! { <em>{view}</em> }.into_any();
    }
    if run.strong {
        view = view! { <strong>{view}</strong> }.into_any();
    }
    if let Some(href) = run.link.as_deref() {
        view = view! { <a href=href rel="noopener noreferrer">{view}</a> }.into_any();
    }
    view
}
