//! The articles, as the build writes them (`build/emit.rs`): static JSON files under
//! `content/<CONTENT_VERSION>/` that the app fetches when a page needs them, so the wasm holds
//! no article text. Pure: parsing and checks, tested natively on the real files.
//!
//! Text is already structured into blocks and runs, and every run knows its offset in the
//! article's plain text (in `char`s, see `build/pipeline.rs`), which highlights anchor in.

use serde::Deserialize;

include!(concat!(env!("OUT_DIR"), "/articles.rs"));

/// What the library, the notebook and search know of an article.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ArticleMeta {
    pub slug: String,
    pub title: String,
    pub summary: String,
    #[serde(default)]
    pub author: Option<String>,
    #[serde(default)]
    pub date: Option<String>,
    pub words: u32,
    #[serde(rename = "minutes")]
    pub reading_minutes: u32,
    /// Length of the plain text in chars.
    #[serde(rename = "len")]
    pub text_len: u32,
}

/// Every article, in library order (`library.json`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Library {
    pub articles: Vec<ArticleMeta>,
}

impl Library {
    pub fn parse(json: &str) -> Result<Library, String> {
        serde_json::from_str(json).map_err(|e| format!("liste des articles illisible ({e})"))
    }

    /// The article with this slug, and its place in library order.
    pub fn find(&self, slug: &str) -> Option<(usize, &ArticleMeta)> {
        self.articles
            .iter()
            .enumerate()
            .find(|(_, a)| a.slug == slug)
    }
}

/// The article before or after one, in library order.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Neighbour {
    pub slug: String,
    pub title: String,
}

/// One article (`a/<slug>.json`).
#[derive(Debug, PartialEq, Eq, Deserialize)]
pub struct Article {
    pub meta: ArticleMeta,
    #[serde(default)]
    pub previous: Option<Neighbour>,
    #[serde(default)]
    pub next: Option<Neighbour>,
    pub body: Vec<Block>,
    /// "À propos de l'auteur", where the source has a bio.
    #[serde(default)]
    pub about: Vec<Block>,
    /// Readers' comments published with the article, shown apart from it.
    #[serde(default)]
    pub comments: Vec<Comment>,
    /// Text blocks joined by `"\n\n"`: the text highlights are anchored in. Not in the file
    /// (it would double its size): rebuilt from the runs by [`Article::parse`].
    #[serde(skip)]
    pub plain_text: String,
}

#[derive(Debug, PartialEq, Eq, Deserialize)]
pub enum Block {
    #[serde(rename = "p")]
    Paragraph(Vec<Run>),
    #[serde(rename = "h")]
    Heading(u8, Vec<Run>),
    #[serde(rename = "c")]
    Code(Vec<Run>),
    #[serde(rename = "q")]
    Quote(Vec<Block>),
    #[serde(rename = "l")]
    List {
        #[serde(default)]
        start: Option<u64>,
        items: Vec<Vec<Block>>,
    },
    #[serde(rename = "r")]
    Rule,
}

#[derive(Debug, PartialEq, Eq, Deserialize)]
pub struct Run {
    #[serde(rename = "t")]
    pub text: String,
    /// Offset of the first char in the article's plain text.
    #[serde(rename = "s")]
    pub start: u32,
    #[serde(rename = "e", default)]
    pub emphasis: bool,
    #[serde(rename = "b", default)]
    pub strong: bool,
    #[serde(rename = "c", default)]
    pub code: bool,
    #[serde(rename = "a", default)]
    pub link: Option<String>,
}

impl Run {
    pub fn end(&self) -> u32 {
        self.start + self.text.chars().count() as u32
    }
}

#[derive(Debug, PartialEq, Eq, Deserialize)]
pub struct Comment {
    /// Empty when the source names nobody.
    pub byline: String,
    pub blocks: Vec<Block>,
}

/// Separator between two text blocks in the plain text (as in `build/pipeline.rs`).
const BLOCK_SEPARATOR: &str = "\n\n";

impl Article {
    /// Reads an article file and rebuilds its plain text, checking that every run sits where
    /// it says: highlights are anchored by those offsets.
    pub fn parse(json: &str) -> Result<Article, String> {
        let mut article: Article =
            serde_json::from_str(json).map_err(|e| format!("article illisible ({e})"))?;
        let mut text = String::new();
        let mut len = 0u32;
        let mut first = true;
        let mut fault = None;
        for_each_text_block(&article.body, &mut |runs| {
            if !std::mem::take(&mut first) {
                text.push_str(BLOCK_SEPARATOR);
                len += BLOCK_SEPARATOR.len() as u32;
            }
            for run in runs {
                if run.start != len && fault.is_none() {
                    fault = Some(run.start);
                }
                text.push_str(&run.text);
                len += run.text.chars().count() as u32;
            }
        });
        if let Some(at) = fault {
            return Err(format!("article incohérent (texte attendu à {at})"));
        }
        if len != article.meta.text_len {
            return Err("article incohérent (longueur du texte)".into());
        }
        article.plain_text = text;
        Ok(article)
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

/// "4 min de lecture".
pub fn reading_time_label(minutes: u32) -> String {
    format!("{minutes}\u{a0}min de lecture")
}

/// The content files compiled into native builds, parsed once: what the tests read.
#[cfg(not(target_arch = "wasm32"))]
pub mod bundled {
    use super::{Article, Library, BUNDLED};
    use std::sync::OnceLock;

    pub fn file(path: &str) -> Option<&'static str> {
        BUNDLED
            .iter()
            .find(|(p, _)| *p == path)
            .map(|(_, text)| *text)
    }

    pub fn library() -> &'static Library {
        static LIBRARY: OnceLock<Library> = OnceLock::new();
        LIBRARY.get_or_init(|| Library::parse(file("library.json").expect("built")).unwrap())
    }

    /// Every article, in library order.
    pub fn articles() -> &'static [Article] {
        static ARTICLES: OnceLock<Vec<Article>> = OnceLock::new();
        ARTICLES.get_or_init(|| {
            library()
                .articles
                .iter()
                .map(|m| {
                    let json = file(&format!("a/{}.json", m.slug)).expect("built");
                    Article::parse(json).unwrap_or_else(|e| panic!("{}: {e}", m.slug))
                })
                .collect()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_article_parses_with_its_plain_text_and_neighbours() {
        let library = bundled::library();
        let articles = bundled::articles();
        assert!(!articles.is_empty());
        for (i, article) in articles.iter().enumerate() {
            assert_eq!(article.meta, library.articles[i]);
            assert_eq!(
                article.plain_text.chars().count() as u32,
                article.meta.text_len
            );
            let slug = |n: &Option<Neighbour>| n.as_ref().map(|n| n.slug.clone());
            let at = |j: Option<usize>| {
                j.and_then(|j| library.articles.get(j))
                    .map(|a| a.slug.clone())
            };
            assert_eq!(slug(&article.previous), at(i.checked_sub(1)));
            assert_eq!(slug(&article.next), at(Some(i + 1)));
            let chars: Vec<char> = article.plain_text.chars().collect();
            for_each_text_block(&article.body, &mut |runs| {
                for run in runs {
                    let at: String = chars[run.start as usize..run.end() as usize]
                        .iter()
                        .collect();
                    assert_eq!(at, run.text, "{}: run at {}", article.meta.slug, run.start);
                }
            });
        }
    }

    #[test]
    fn slugs_are_unique_and_findable() {
        let library = bundled::library();
        for (i, article) in library.articles.iter().enumerate() {
            assert_eq!(library.find(&article.slug).map(|(j, _)| j), Some(i));
        }
        assert!(library.find("nope").is_none());
    }

    #[test]
    fn a_damaged_file_is_refused_with_a_reason() {
        let good =
            bundled::file(&format!("a/{}.json", bundled::library().articles[0].slug)).unwrap();
        assert!(Article::parse("{")
            .unwrap_err()
            .starts_with("article illisible"));
        // A run moved by one char no longer matches the text highlights were anchored in.
        let shifted = good.replacen("\"s\":0", "\"s\":1", 1);
        assert!(Article::parse(&shifted)
            .unwrap_err()
            .starts_with("article incohérent"));
        let longer = good.replacen("\"len\":", "\"len\":1", 1);
        assert!(Article::parse(&longer).is_err());
        assert!(Library::parse("[]").is_err());
    }
}
