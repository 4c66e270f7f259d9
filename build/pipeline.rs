//! The content pipeline: `content/<slug>.md` → checked, structured articles → Rust source.
//!
//! It runs in `build.rs`, so the Markdown parser never reaches the wasm. It is a plain module
//! (no Cargo build-script API inside) so that `tests/content_pipeline.rs` can test it natively.
//!
//! Offsets: every text run knows where it starts in the article's *plain text*, counted in
//! Unicode scalar values (`char`s). The plain text is the text of every text block (paragraph,
//! heading, list-item paragraph, code block) in reading order, joined by `"\n\n"`.

use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, TagEnd};
use std::fmt;

/// Search folding, shared with the app so that queries fold like the index.
#[path = "../src/fold.rs"]
#[allow(dead_code)]
pub mod fold;

/// Words per minute used for the reading time shown in the library.
pub const WORDS_PER_MINUTE: usize = 230;

/// Separator between two text blocks in an article's plain text.
pub const BLOCK_SEPARATOR: &str = "\n\n";

const NBSP: char = '\u{00A0}';
const NNBSP: char = '\u{202F}';

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContentError {
    pub file: String,
    pub message: String,
}

impl fmt::Display for ContentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "content/{}: {}", self.file, self.message)
    }
}

impl std::error::Error for ContentError {}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Style {
    pub emphasis: bool,
    pub strong: bool,
    pub code: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    pub text: String,
    /// Offset of the run's first char in the plain text of its section.
    pub start: usize,
    pub style: Style,
    pub link: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    Paragraph(Vec<Run>),
    Heading(u8, Vec<Run>),
    Code(Vec<Run>),
    Quote(Vec<Block>),
    List {
        /// `Some(first number)` for an ordered list.
        start: Option<u64>,
        items: Vec<Vec<Block>>,
    },
    Rule,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    /// Who wrote it, as the source shows them; empty when the source shows nobody.
    pub byline: String,
    pub blocks: Vec<Block>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Article {
    pub file: String,
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub author: Option<String>,
    pub date: Option<String>,
    pub order: Option<i64>,
    pub body: Vec<Block>,
    pub about: Vec<Block>,
    pub comments: Vec<Comment>,
    /// The body's plain text, the space highlights are anchored in.
    pub plain_text: String,
    pub words: usize,
}

impl Article {
    pub fn reading_minutes(&self) -> usize {
        self.words.div_ceil(WORDS_PER_MINUTE).max(1)
    }
}

/// Parses one article file. `file` is its name inside `content/`, e.g. `mon-article.md`.
pub fn parse_article(file: &str, source: &str) -> Result<Article, ContentError> {
    let fail = |message: String| ContentError {
        file: file.to_string(),
        message,
    };
    let stem = file
        .strip_suffix(".md")
        .ok_or_else(|| fail("an article file must end in .md".into()))?;
    let source = source.strip_prefix('\u{FEFF}').unwrap_or(source);
    let (front, rest) = split_front_matter(source).map_err(fail)?;
    let meta = FrontMatter::parse(front).map_err(fail)?;

    let slug = meta
        .slug
        .clone()
        .ok_or_else(|| fail("front matter has no `slug`".into()))?;
    if !is_valid_slug(&slug) {
        return Err(fail(format!(
            "slug `{slug}` must be lowercase ASCII letters, digits and single dashes"
        )));
    }
    if slug != stem {
        return Err(fail(format!(
            "slug `{slug}` differs from the file name: name the file `{slug}.md`"
        )));
    }
    let title = meta
        .title
        .clone()
        .ok_or_else(|| fail("front matter has no `title`".into()))?;
    let summary = meta
        .summary
        .clone()
        .ok_or_else(|| fail("front matter has no `summary`".into()))?;

    let sections = split_sections(rest).map_err(fail)?;
    let body = parse_blocks(sections.body);
    let plain_text = plain_text(&body);
    if plain_text.trim().is_empty() {
        return Err(fail("the article has an empty body".into()));
    }
    let about = sections.about.map(parse_blocks).unwrap_or_default();
    let comments = match sections.comments {
        Some(text) => parse_comments(text).map_err(fail)?,
        None => Vec::new(),
    };
    let words = count_words(&plain_text);

    Ok(Article {
        file: file.to_string(),
        slug,
        title: french_spacing_str(&title),
        summary: french_spacing_str(&summary),
        author: meta.author,
        date: meta.date,
        order: meta.order,
        body,
        about,
        comments,
        plain_text,
        words,
    })
}

/// Checks what no single file can: unique slugs (also under case folding, for case-insensitive
/// file systems and URLs) and unique titles. Returns the articles in library order.
pub fn check_collection(mut articles: Vec<Article>) -> Result<Vec<Article>, ContentError> {
    if articles.is_empty() {
        return Err(ContentError {
            file: "*.md".into(),
            message: "no article found: add at least one `content/<slug>.md`".into(),
        });
    }
    for (i, a) in articles.iter().enumerate() {
        for b in &articles[..i] {
            if a.slug.eq_ignore_ascii_case(&b.slug) {
                return Err(ContentError {
                    file: a.file.clone(),
                    message: format!("duplicate slug `{}`, already used by {}", a.slug, b.file),
                });
            }
        }
    }
    // Explicit `order` first, then the rest by slug: a stable library order.
    articles.sort_by(|a, b| {
        (a.order.is_none(), a.order, &a.slug).cmp(&(b.order.is_none(), b.order, &b.slug))
    });
    Ok(articles)
}

fn is_valid_slug(slug: &str) -> bool {
    !slug.is_empty()
        && !slug.starts_with('-')
        && !slug.ends_with('-')
        && !slug.contains("--")
        && slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

fn split_front_matter(source: &str) -> Result<(&str, &str), String> {
    let after_open = source
        .strip_prefix("---\n")
        .or_else(|| source.strip_prefix("---\r\n"))
        .ok_or("the file must start with a `---` front matter line")?;
    let mut offset = 0;
    for line in after_open.split_inclusive('\n') {
        if line.trim_end() == "---" {
            return Ok((&after_open[..offset], &after_open[offset + line.len()..]));
        }
        offset += line.len();
    }
    Err("the front matter is not closed by a `---` line".into())
}

#[derive(Default)]
struct FrontMatter {
    title: Option<String>,
    slug: Option<String>,
    summary: Option<String>,
    author: Option<String>,
    date: Option<String>,
    order: Option<i64>,
}

impl FrontMatter {
    fn parse(front: &str) -> Result<Self, String> {
        let mut meta = FrontMatter::default();
        for (n, line) in front.lines().enumerate() {
            let n = n + 2; // 1-based, after the opening `---`
            if line.trim().is_empty() {
                continue;
            }
            let (key, value) = line
                .split_once(':')
                .ok_or_else(|| format!("line {n}: expected `key: value`, found `{line}`"))?;
            let (key, value) = (key.trim(), value.trim());
            if value.is_empty() {
                return Err(format!("line {n}: `{key}` has no value"));
            }
            let slot = match key {
                "title" => &mut meta.title,
                "slug" => &mut meta.slug,
                "summary" => &mut meta.summary,
                "author" => &mut meta.author,
                "date" => &mut meta.date,
                // Where the text came from; kept in the file for people, not shown.
                "source" => continue,
                "order" => {
                    let order = value
                        .parse()
                        .map_err(|_| format!("line {n}: `order` must be an integer"))?;
                    meta.order = Some(order);
                    continue;
                }
                other => return Err(format!("line {n}: unknown front matter key `{other}`")),
            };
            if slot.replace(value.to_string()).is_some() {
                return Err(format!("line {n}: `{key}` is given twice"));
            }
        }
        Ok(meta)
    }
}

struct Sections<'a> {
    body: &'a str,
    about: Option<&'a str>,
    comments: Option<&'a str>,
}

/// Splits the text after the front matter into the body and the optional `::: about` and
/// `::: comments` blocks that close the file.
fn split_sections(rest: &str) -> Result<Sections<'_>, String> {
    let mut sections = Sections {
        body: rest,
        about: None,
        comments: None,
    };
    let mut body_end = None;
    let mut open: Option<(&str, usize)> = None;
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        let trimmed = line.trim_end();
        let next = offset + line.len();
        if let Some(name) = trimmed.strip_prefix(":::").map(str::trim) {
            match (open, name) {
                (None, "about" | "comments") => {
                    body_end.get_or_insert(offset);
                    let slot = if name == "about" {
                        &mut sections.about
                    } else {
                        &mut sections.comments
                    };
                    if slot.is_some() {
                        return Err(format!("`::: {name}` appears twice"));
                    }
                    open = Some((name, next));
                }
                (Some((name, start)), "") => {
                    let text = &rest[start..offset];
                    if name == "about" {
                        sections.about = Some(text);
                    } else {
                        sections.comments = Some(text);
                    }
                    open = None;
                }
                (None, "") => return Err("a `:::` line closes no block".into()),
                (Some((outer, _)), _) => {
                    return Err(format!("`::: {name}` opened inside `::: {outer}`"))
                }
                (None, other) => {
                    return Err(format!(
                        "unknown block `::: {other}` (known: `about`, `comments`)"
                    ))
                }
            }
        } else if open.is_none() && body_end.is_some() && !trimmed.is_empty() {
            return Err(
                "text after the `::: about`/`::: comments` blocks: put it in the body".into(),
            );
        }
        offset = next;
    }
    if let Some((name, _)) = open {
        return Err(format!("`::: {name}` is not closed by a `:::` line"));
    }
    if let Some(end) = body_end {
        sections.body = &rest[..end];
    }
    Ok(sections)
}

fn parse_comments(text: &str) -> Result<Vec<Comment>, String> {
    let mut comments: Vec<Comment> = Vec::new();
    let mut current: Option<(String, String)> = None;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_end();
        if trimmed == "###" || trimmed.starts_with("### ") {
            if let Some((byline, body)) = current.take() {
                comments.push(make_comment(byline, &body)?);
            }
            let byline = trimmed.trim_start_matches('#').trim().to_string();
            current = Some((byline, String::new()));
        } else if let Some((_, body)) = current.as_mut() {
            body.push_str(line);
        } else if !trimmed.is_empty() {
            return Err(
                "in `::: comments`, each comment must start with a `### byline` line".into(),
            );
        }
    }
    if let Some((byline, body)) = current {
        comments.push(make_comment(byline, &body)?);
    }
    Ok(comments)
}

fn make_comment(byline: String, body: &str) -> Result<Comment, String> {
    let blocks = parse_blocks(body);
    if plain_text(&blocks).trim().is_empty() {
        return Err(format!("the comment `### {byline}` has no text"));
    }
    Ok(Comment {
        byline: french_spacing_str(&byline),
        blocks,
    })
}

/// A container being filled while walking the Markdown events.
enum Open {
    Quote(Vec<Block>),
    List {
        start: Option<u64>,
        items: Vec<Vec<Block>>,
    },
    Item(Vec<Block>),
}

enum TextKind {
    Paragraph,
    Heading(u8),
    Code,
}

struct BlockBuilder {
    root: Vec<Block>,
    open: Vec<Open>,
    text: Option<(TextKind, Vec<Run>)>,
    style: Style,
    links: Vec<String>,
}

impl BlockBuilder {
    fn blocks(&mut self) -> &mut Vec<Block> {
        match self.open.last_mut() {
            Some(Open::Quote(blocks) | Open::Item(blocks)) => blocks,
            // Markdown never puts a block straight into a list, only into its items.
            Some(Open::List { .. }) | None => &mut self.root,
        }
    }

    fn push_text(&mut self, text: &str, style: Style) {
        if text.is_empty() {
            return;
        }
        let link = self.links.last().cloned();
        // Tight list items hold text without a paragraph around it.
        let (_, runs) = self
            .text
            .get_or_insert_with(|| (TextKind::Paragraph, Vec::new()));
        match runs.last_mut() {
            Some(last) if last.style == style && last.link == link => last.text.push_str(text),
            _ => runs.push(Run {
                text: text.to_string(),
                start: 0,
                style,
                link,
            }),
        }
    }

    fn close_text(&mut self) {
        if let Some((kind, runs)) = self.text.take() {
            let runs = match kind {
                TextKind::Code => runs,
                _ => french_spacing(runs),
            };
            let block = match kind {
                TextKind::Paragraph => Block::Paragraph(runs),
                TextKind::Heading(level) => Block::Heading(level, runs),
                TextKind::Code => Block::Code(runs),
            };
            self.blocks().push(block);
        }
    }
}

/// Parses Markdown into blocks of runs. Raw HTML is kept as visible text: content is never
/// injected as markup.
pub fn parse_blocks(markdown: &str) -> Vec<Block> {
    let mut b = BlockBuilder {
        root: Vec::new(),
        open: Vec::new(),
        text: None,
        style: Style::default(),
        links: Vec::new(),
    };
    for event in Parser::new(markdown) {
        match event {
            Event::Start(tag) => match tag {
                Tag::Paragraph => {
                    b.close_text();
                    b.text = Some((TextKind::Paragraph, Vec::new()));
                }
                Tag::Heading { level, .. } => {
                    b.close_text();
                    b.text = Some((TextKind::Heading(heading_level(level)), Vec::new()));
                }
                Tag::CodeBlock(_) => {
                    b.close_text();
                    b.text = Some((TextKind::Code, Vec::new()));
                }
                Tag::BlockQuote(_) => {
                    b.close_text();
                    b.open.push(Open::Quote(Vec::new()));
                }
                Tag::List(start) => {
                    b.close_text();
                    b.open.push(Open::List {
                        start,
                        items: Vec::new(),
                    });
                }
                Tag::Item => {
                    b.close_text();
                    b.open.push(Open::Item(Vec::new()));
                }
                Tag::Emphasis => b.style.emphasis = true,
                Tag::Strong => b.style.strong = true,
                Tag::Link { dest_url, .. } => b.links.push(dest_url.to_string()),
                _ => {}
            },
            Event::End(tag) => match tag {
                TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::CodeBlock => b.close_text(),
                TagEnd::HtmlBlock => {
                    // Raw HTML is shown as the text it is, without its closing newline.
                    if let Some((_, runs)) = b.text.as_mut() {
                        if let Some(last) = runs.last_mut() {
                            let kept = last.text.trim_end_matches('\n').len();
                            last.text.truncate(kept);
                        }
                    }
                    b.close_text();
                }
                TagEnd::BlockQuote(_) => {
                    b.close_text();
                    if let Some(Open::Quote(blocks)) = b.open.pop() {
                        b.blocks().push(Block::Quote(blocks));
                    }
                }
                TagEnd::Item => {
                    b.close_text();
                    if let Some(Open::Item(blocks)) = b.open.pop() {
                        if let Some(Open::List { items, .. }) = b.open.last_mut() {
                            items.push(blocks);
                        }
                    }
                }
                TagEnd::List(_) => {
                    b.close_text();
                    if let Some(Open::List { start, items }) = b.open.pop() {
                        b.blocks().push(Block::List { start, items });
                    }
                }
                TagEnd::Emphasis => b.style.emphasis = false,
                TagEnd::Strong => b.style.strong = false,
                TagEnd::Link => {
                    b.links.pop();
                }
                _ => {}
            },
            Event::Text(text) | Event::Html(text) | Event::InlineHtml(text) => {
                let style = b.style;
                b.push_text(&text, style);
            }
            Event::Code(text) => {
                let style = Style {
                    code: true,
                    ..b.style
                };
                b.push_text(&text, style);
            }
            Event::SoftBreak => {
                let style = b.style;
                b.push_text(" ", style);
            }
            Event::HardBreak => {
                let style = b.style;
                b.push_text("\n", style);
            }
            Event::Rule => {
                b.close_text();
                b.blocks().push(Block::Rule);
            }
            _ => {}
        }
    }
    b.close_text();
    let mut blocks = b.root;
    trim_code_blocks(&mut blocks);
    assign_offsets(&mut blocks);
    blocks
}

fn heading_level(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// Code blocks end with the newline of their last line; it is not text a reader sees.
fn trim_code_blocks(blocks: &mut [Block]) {
    for block in blocks {
        match block {
            Block::Code(runs) => {
                if let Some(last) = runs.last_mut() {
                    let kept = last.text.trim_end_matches('\n').len();
                    last.text.truncate(kept);
                }
                runs.retain(|r| !r.text.is_empty());
            }
            Block::Quote(inner) => trim_code_blocks(inner),
            Block::List { items, .. } => items.iter_mut().for_each(|i| trim_code_blocks(i)),
            _ => {}
        }
    }
}

/// Calls `f` on every text block's runs, in reading order.
pub fn for_each_text_block<'a>(blocks: &'a [Block], f: &mut impl FnMut(&'a [Run])) {
    for block in blocks {
        match block {
            Block::Paragraph(runs) | Block::Heading(_, runs) | Block::Code(runs) => f(runs),
            Block::Quote(inner) => for_each_text_block(inner, f),
            Block::List { items, .. } => items.iter().for_each(|i| for_each_text_block(i, f)),
            Block::Rule => {}
        }
    }
}

fn for_each_text_block_mut(blocks: &mut [Block], f: &mut impl FnMut(&mut [Run])) {
    for block in blocks {
        match block {
            Block::Paragraph(runs) | Block::Heading(_, runs) | Block::Code(runs) => f(runs),
            Block::Quote(inner) => for_each_text_block_mut(inner, f),
            Block::List { items, .. } => {
                items.iter_mut().for_each(|i| for_each_text_block_mut(i, f))
            }
            Block::Rule => {}
        }
    }
}

fn assign_offsets(blocks: &mut [Block]) {
    let separator = BLOCK_SEPARATOR.chars().count();
    let mut offset = 0;
    let mut first = true;
    for_each_text_block_mut(blocks, &mut |runs| {
        if !first {
            offset += separator;
        }
        first = false;
        for run in runs {
            run.start = offset;
            offset += run.text.chars().count();
        }
    });
}

/// The plain text the offsets count in.
pub fn plain_text(blocks: &[Block]) -> String {
    let mut text = String::new();
    let mut first = true;
    for_each_text_block(blocks, &mut |runs| {
        if !first {
            text.push_str(BLOCK_SEPARATOR);
        }
        first = false;
        runs.iter().for_each(|r| text.push_str(&r.text));
    });
    text
}

/// Words as a reader counts them: whitespace-separated tokens holding a letter or digit.
pub fn count_words(text: &str) -> usize {
    text.split(|c: char| c.is_whitespace())
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .count()
}

/// French typography on one string (titles, summaries, bylines).
pub fn french_spacing_str(text: &str) -> String {
    let runs = vec![Run {
        text: text.to_string(),
        start: 0,
        style: Style::default(),
        link: None,
    }];
    french_spacing(runs)
        .pop()
        .map(|r| r.text)
        .unwrap_or_default()
}

/// French punctuation spacing over a text block, across its runs: a narrow no-break space
/// before `; ! ?`, inside `« »`, and a no-break space before `:`. An existing space there
/// becomes the no-break one; a missing one is added only where the sign ends a word (so
/// `TL;DR`, `?!` and `https://` stay as they are). Code runs are left alone.
pub fn french_spacing(runs: Vec<Run>) -> Vec<Run> {
    // Work on (char, run index) so that a space can move across a run boundary.
    let chars: Vec<(char, usize)> = runs
        .iter()
        .enumerate()
        .flat_map(|(i, r)| r.text.chars().map(move |c| (c, i)))
        .collect();
    let is_code = |i: usize| runs[i].style.code;
    let mut out: Vec<(char, usize)> = Vec::with_capacity(chars.len() + 8);
    for (k, &(c, run)) in chars.iter().enumerate() {
        if is_code(run) {
            out.push((c, run));
            continue;
        }
        let next = chars.get(k + 1).map(|&(c, _)| c);
        let space = match c {
            ';' | '!' | '?' => Some(NNBSP),
            ':' => Some(NBSP),
            '»' => Some(NNBSP),
            _ => None,
        };
        if let Some(space) = space {
            let prev = out.last().map(|&(c, _)| c);
            match prev {
                Some(' ') | Some(NBSP) | Some(NNBSP) => {
                    let last = out.len() - 1;
                    out[last].0 = space;
                }
                Some(p)
                    if !p.is_whitespace()
                        && (c == '»' || !matches!(p, ';' | '!' | '?' | ':' | '«')) =>
                {
                    let ends_word = c == '»'
                        || match next {
                            None => true,
                            Some(n) => {
                                n.is_whitespace()
                                    || matches!(n, ')' | ']' | '»' | '"' | '”' | '.' | ',' | '…')
                                    || (c != ':' && is_space_sensitive(n))
                            }
                        };
                    if ends_word {
                        out.push((space, run));
                    }
                }
                _ => {}
            }
            out.push((c, run));
        } else if c == '«' {
            out.push((c, run));
            match next {
                Some(' ') | Some(NBSP) => {} // replaced when that space is reached
                Some(n) if !n.is_whitespace() => out.push((NNBSP, run)),
                _ => {}
            }
        } else if (c == ' ' || c == NBSP) && out.last().map(|&(p, _)| p) == Some('«') {
            out.push((NNBSP, run));
        } else {
            out.push((c, run));
        }
    }
    let mut result: Vec<Run> = runs
        .iter()
        .map(|r| Run {
            text: String::new(),
            ..r.clone()
        })
        .collect();
    for (c, run) in out {
        result[run].text.push(c);
    }
    result.retain(|r| !r.text.is_empty());
    result
}

fn is_space_sensitive(c: char) -> bool {
    matches!(c, ';' | '!' | '?' | ':' | '«' | '»')
}
