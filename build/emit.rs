//! Writes the parsed articles as the static files the app fetches (JSON), so that no article
//! text is compiled into the wasm: its size and start-up time stay the same at 5 or 500
//! articles. Everything lives under `content/<version>/`, `version` being a hash of the files,
//! so a new build never meets an old cached copy.
//!
//! - `library.json`: the list of articles (what the library, notebook and search show);
//! - `a/<slug>.json`: one article, with its neighbours in library order;
//! - `s/<key>.json`: the search index, split by the first letter of the folded word, so a
//!   query fetches only the parts its words start with.
//!
//! And, apart from `content/`, `prerender/<slug>.html`: the reader page of each article as
//! static HTML, which the post-build hook puts in the article's page so its text is painted
//! before the app starts (the app then takes over with the same markup: `src/view/
//! article_body.rs`, `src/pages/reader.rs`; a browser test checks that nothing moves).
//!
//! And `og.json`: each article's title, summary and author, for the link-preview tags the
//! post-build hook writes into its page (the images, `og/<slug>.png`: `build/og_image.rs`).
//!
//! The formats are read by `src/content.rs` and `src/search.rs` (serde).

use crate::pipeline::{for_each_text_block, Article, Block, Run};
use std::{collections::BTreeMap, fmt::Write};

/// One file to write, relative to `content/<version>/`.
pub struct SiteFile {
    pub path: String,
    pub text: String,
}

pub struct Site {
    pub version: String,
    pub files: Vec<SiteFile>,
    /// (slug, HTML of the reader page's `<main>`), not versioned: they go into the pages.
    pub prerendered: Vec<(String, String)>,
    /// `og.json`, what the post-build hook needs for each article's link-preview tags.
    pub og_meta: String,
}

pub fn site(articles: &[Article]) -> Site {
    let mut prerendered = Vec::new();
    let mut files = vec![SiteFile {
        path: "library.json".into(),
        text: library_json(articles),
    }];
    for (i, article) in articles.iter().enumerate() {
        let neighbour = |j: Option<usize>| j.and_then(|j| articles.get(j));
        let (previous, next) = (neighbour(i.checked_sub(1)), neighbour(Some(i + 1)));
        files.push(SiteFile {
            path: format!("a/{}.json", article.slug),
            text: article_json(article, previous, next),
        });
        prerendered.push((article.slug.clone(), reader_html(article, previous, next)));
    }
    for (key, words) in search_shards(articles) {
        files.push(SiteFile {
            path: format!("s/{key}.json"),
            text: shard_json(&words),
        });
    }
    let mut hash = Fnv::default();
    for f in &files {
        hash.write(f.path.as_bytes());
        hash.write(&[0]);
        hash.write(f.text.as_bytes());
        hash.write(&[0]);
    }
    Site {
        version: format!("{:016x}", hash.0),
        files,
        prerendered,
        og_meta: og_meta_json(articles),
    }
}

/// `{"<slug>":{"title":…,"summary":…,"author":…},…}`: the text of each article's Open Graph and
/// Twitter Card tags (`scripts/post-build.mjs`), beside its image `og/<slug>.png`.
fn og_meta_json(articles: &[Article]) -> String {
    let mut out = String::from("{");
    for (i, a) in articles.iter().enumerate() {
        if i > 0 {
            out.push_str(",\n");
        }
        json_str(&mut out, &a.slug);
        out.push_str(":{\"title\":");
        json_str(&mut out, &a.title);
        out.push_str(",\"summary\":");
        json_str(&mut out, &a.summary);
        if let Some(author) = &a.author {
            out.push_str(",\"author\":");
            json_str(&mut out, author);
        }
        out.push('}');
    }
    out.push('}');
    out
}

/// Every folded word of the article bodies, sorted, with where it occurs: (article index, start
/// offset of the text block), once per occurrence.
pub fn search_index(articles: &[Article]) -> BTreeMap<String, Vec<(usize, usize)>> {
    let mut index: BTreeMap<String, Vec<(usize, usize)>> = BTreeMap::new();
    for (article, a) in articles.iter().enumerate() {
        for_each_text_block(&a.body, &mut |runs| {
            let Some(first) = runs.first() else { return };
            let text: String = runs.iter().map(|r| r.text.as_str()).collect();
            for word in crate::pipeline::fold::words(&text) {
                index
                    .entry(word.folded)
                    .or_default()
                    .push((article, first.start));
            }
        });
    }
    index
}

type Postings = Vec<(usize, usize)>;

fn search_shards(articles: &[Article]) -> BTreeMap<char, Vec<(String, Postings)>> {
    // Every key, those no word starts with included: see `fold::SHARD_KEYS`.
    let mut shards: BTreeMap<char, Vec<(String, Postings)>> = crate::pipeline::fold::SHARD_KEYS
        .chars()
        .map(|key| (key, Vec::new()))
        .collect();
    for (word, postings) in search_index(articles) {
        shards
            .entry(crate::pipeline::fold::shard_key(&word))
            .or_default()
            .push((word, postings));
    }
    shards
}

/// `[["word",[article,block,article,block,…]],…]`, sorted by word.
fn shard_json(words: &[(String, Postings)]) -> String {
    let mut out = String::from("[");
    for (i, (word, postings)) in words.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push('[');
        json_str(&mut out, word);
        out.push_str(",[");
        for (j, (article, block)) in postings.iter().enumerate() {
            if j > 0 {
                out.push(',');
            }
            let _ = write!(out, "{article},{block}");
        }
        out.push_str("]]");
    }
    out.push(']');
    out
}

fn meta_fields(out: &mut String, a: &Article) {
    out.push_str("\"slug\":");
    json_str(out, &a.slug);
    out.push_str(",\"title\":");
    json_str(out, &a.title);
    out.push_str(",\"summary\":");
    json_str(out, &a.summary);
    if let Some(author) = &a.author {
        out.push_str(",\"author\":");
        json_str(out, author);
    }
    if let Some(date) = &a.date {
        out.push_str(",\"date\":");
        json_str(out, date);
    }
    let _ = write!(
        out,
        ",\"words\":{},\"minutes\":{},\"len\":{}",
        a.words,
        a.reading_minutes(),
        a.plain_text.chars().count()
    );
}

fn library_json(articles: &[Article]) -> String {
    let mut out = String::from("{\"articles\":[");
    for (i, a) in articles.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push('{');
        meta_fields(&mut out, a);
        out.push('}');
    }
    out.push_str("]}");
    out
}

fn article_json(a: &Article, previous: Option<&Article>, next: Option<&Article>) -> String {
    let mut out = String::from("{\"meta\":{");
    meta_fields(&mut out, a);
    out.push('}');
    for (key, neighbour) in [("previous", previous), ("next", next)] {
        if let Some(n) = neighbour {
            let _ = write!(out, ",\"{key}\":{{\"slug\":");
            json_str(&mut out, &n.slug);
            out.push_str(",\"title\":");
            json_str(&mut out, &n.title);
            out.push('}');
        }
    }
    out.push_str(",\"body\":");
    blocks_json(&mut out, &a.body);
    if !a.about.is_empty() {
        out.push_str(",\"about\":");
        blocks_json(&mut out, &a.about);
    }
    if !a.comments.is_empty() {
        out.push_str(",\"comments\":[");
        for (i, c) in a.comments.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str("{\"byline\":");
            json_str(&mut out, &c.byline);
            out.push_str(",\"blocks\":");
            blocks_json(&mut out, &c.blocks);
            out.push('}');
        }
        out.push(']');
    }
    out.push('}');
    out
}

/// Blocks as serde's externally tagged enum with one-letter tags (see `content::Block`).
fn blocks_json(out: &mut String, blocks: &[Block]) {
    out.push('[');
    for (i, block) in blocks.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        match block {
            Block::Paragraph(runs) => {
                out.push_str("{\"p\":");
                runs_json(out, runs);
                out.push('}');
            }
            Block::Heading(level, runs) => {
                let _ = write!(out, "{{\"h\":[{level},");
                runs_json(out, runs);
                out.push_str("]}");
            }
            Block::Code(runs) => {
                out.push_str("{\"c\":");
                runs_json(out, runs);
                out.push('}');
            }
            Block::Quote(inner) => {
                out.push_str("{\"q\":");
                blocks_json(out, inner);
                out.push('}');
            }
            Block::List { start, items } => {
                out.push_str("{\"l\":{");
                if let Some(start) = start {
                    let _ = write!(out, "\"start\":{start},");
                }
                out.push_str("\"items\":[");
                for (j, item) in items.iter().enumerate() {
                    if j > 0 {
                        out.push(',');
                    }
                    blocks_json(out, item);
                }
                out.push_str("]}}");
            }
            Block::Rule => out.push_str("\"r\""),
        }
    }
    out.push(']');
}

/// `{"t":text,"s":start}` plus `e`/`b`/`c` (emphasis, strong, code) and `a` (link) when set.
fn runs_json(out: &mut String, runs: &[Run]) {
    out.push('[');
    for (i, r) in runs.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str("{\"t\":");
        json_str(out, &r.text);
        let _ = write!(out, ",\"s\":{}", r.start);
        for (flag, on) in [
            ("e", r.style.emphasis),
            ("b", r.style.strong),
            ("c", r.style.code),
        ] {
            if on {
                let _ = write!(out, ",\"{flag}\":true");
            }
        }
        if let Some(link) = &r.link {
            out.push_str(",\"a\":");
            json_str(out, link);
        }
        out.push('}');
    }
    out.push(']');
}

// ---------------------------------------------------------------------------------------------
// Static HTML of the reader page, the same markup the app renders with no highlight.

/// « Écouter », where the app puts it, so that the text does not move when the app takes over;
/// it works once the app is there.
const LISTEN_BUTTON: &str =
    "<button type=\"button\" class=\"listen-button\" disabled>Écouter</button>";

/// The reader page's `<main>` content. Links are relative: the page's `<base href>` (the
/// public URL) resolves them. The note field is read-only: what is typed before the app takes
/// over would be lost.
fn reader_html(a: &Article, previous: Option<&Article>, next: Option<&Article>) -> String {
    let mut out = String::from(
        "<div class=\"reader-layout\"><div class=\"reader-main\"><article class=\"reader\" \
         lang=\"fr\" aria-labelledby=\"article-title\"><header class=\"article-header\">\
         <h1 id=\"article-title\">",
    );
    html_text(&mut out, &a.title);
    out.push_str("</h1><p class=\"article-meta\">");
    if let Some(author) = &a.author {
        out.push_str("<span class=\"author\">");
        html_text(&mut out, author);
        out.push_str("</span>");
    }
    if let Some(date) = &a.date {
        out.push_str("<span class=\"date\">");
        html_text(&mut out, date);
        out.push_str("</span>");
    }
    let _ = write!(
        out,
        "<span>{}\u{a0}min de lecture</span>{LISTEN_BUTTON}</p></header><div class=\"article-body\">",
        a.reading_minutes()
    );
    blocks_html(&mut out, &a.body, true);
    out.push_str("</div>");
    if !a.about.is_empty() {
        out.push_str(
            "<aside class=\"about\" aria-labelledby=\"about-title\"><h2 id=\"about-title\">\
             À propos de l’auteur</h2>",
        );
        blocks_html(&mut out, &a.about, false);
        out.push_str("</aside>");
    }
    out.push_str("</article>");
    if !a.comments.is_empty() {
        out.push_str(
            "<section class=\"comments\" aria-labelledby=\"comments-title\">\
             <h2 id=\"comments-title\">Commentaires</h2><ol class=\"comment-list\">",
        );
        for c in &a.comments {
            out.push_str("<li class=\"comment\">");
            if !c.byline.is_empty() {
                out.push_str("<p class=\"byline\">");
                html_text(&mut out, &c.byline);
                out.push_str("</p>");
            }
            blocks_html(&mut out, &c.blocks, false);
            out.push_str("</li>");
        }
        out.push_str("</ol></section>");
    }
    out.push_str("<nav class=\"article-nav\" aria-label=\"Articles voisins\">");
    if let Some(p) = previous {
        neighbour_html(&mut out, p, "prev", "Article précédent");
    }
    out.push_str("<a href=\"./\" class=\"back\">Retour à la bibliothèque</a>");
    if let Some(n) = next {
        neighbour_html(&mut out, n, "next", "Article suivant");
    }
    out.push_str(
        "</nav></div><aside class=\"article-notes\" aria-labelledby=\"article-notes-title\">\
         <h2 id=\"article-notes-title\">Mes notes sur cet article</h2>\
         <label class=\"field-label\" for=\"notes-article\">Notes sur l’article</label>\
         <p class=\"print-note\"></p><textarea id=\"notes-article\" readonly></textarea>\
         <h3 class=\"field-label\">Aucun surlignage</h3><p class=\"muted\">Sélectionnez un \
         passage du texte, puis « Surligner » (ou la touche h).</p>\
         </aside></div>",
    );
    out
}

fn neighbour_html(out: &mut String, a: &Article, rel: &str, label: &str) {
    let _ = write!(
        out,
        "<a href=\"lire/{}/\" class=\"{rel}\" rel=\"{rel}\"><span class=\"nav-label\">{label}\
         </span><span class=\"nav-title\">",
        a.slug
    );
    html_text(out, &a.title);
    out.push_str("</span></a>");
}

/// `addressable`: the article body, whose text blocks carry `id="t-<offset>"` and `data-b`.
fn blocks_html(out: &mut String, blocks: &[Block], addressable: bool) {
    for block in blocks {
        let open = |out: &mut String, tag: &str, runs: &[Run]| match runs
            .first()
            .filter(|_| addressable)
        {
            Some(first) => {
                let _ = write!(out, "<{tag} id=\"t-{0}\" data-b=\"{0}\">", first.start);
            }
            None => {
                let _ = write!(out, "<{tag}>");
            }
        };
        match block {
            Block::Paragraph(runs) => {
                open(out, "p", runs);
                runs_html(out, runs);
                out.push_str("</p>");
            }
            Block::Heading(level, runs) => {
                let tag = match level {
                    1 | 2 => "h2",
                    3 => "h3",
                    _ => "h4",
                };
                open(out, tag, runs);
                runs_html(out, runs);
                let _ = write!(out, "</{tag}>");
            }
            Block::Code(runs) => {
                open(out, "pre", runs);
                out.push_str("<code>");
                runs_html(out, runs);
                out.push_str("</code></pre>");
            }
            Block::Quote(inner) => {
                out.push_str("<blockquote>");
                blocks_html(out, inner, addressable);
                out.push_str("</blockquote>");
            }
            Block::List { start, items } => {
                match start {
                    Some(start) => {
                        let _ = write!(out, "<ol start=\"{start}\">");
                    }
                    None => out.push_str("<ul>"),
                }
                for item in items {
                    out.push_str("<li>");
                    blocks_html(out, item, addressable);
                    out.push_str("</li>");
                }
                out.push_str(if start.is_some() { "</ol>" } else { "</ul>" });
            }
            Block::Rule => out.push_str("<hr>"),
        }
    }
}

/// Outermost first, as `article_body::run` wraps them: link, strong, emphasis, code, then the
/// `<span data-o>` that maps the text back to its offset.
fn runs_html(out: &mut String, runs: &[Run]) {
    for r in runs {
        if let Some(link) = &r.link {
            out.push_str("<a href=\"");
            html_text(out, link);
            out.push_str("\" rel=\"noopener noreferrer\">");
        }
        let tags: Vec<&str> = [
            (r.style.strong, "strong"),
            (r.style.emphasis, "em"),
            (r.style.code, "code"),
        ]
        .into_iter()
        .filter_map(|(on, tag)| on.then_some(tag))
        .collect();
        for tag in &tags {
            let _ = write!(out, "<{tag}>");
        }
        let _ = write!(out, "<span data-o=\"{}\">", r.start);
        html_text(out, &r.text);
        out.push_str("</span>");
        for tag in tags.iter().rev() {
            let _ = write!(out, "</{tag}>");
        }
        if r.link.is_some() {
            out.push_str("</a>");
        }
    }
}

/// Text (and attribute values) as HTML: always text, never markup.
fn html_text(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
}

/// A JSON string literal.
pub fn json_str(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// FNV-1a, 64 bits: a stable content hash without a dependency.
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv {
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
}
