//! The articles, compiled in by `build/main.rs` from `content/*.md`.
//!
//! Text is already structured into blocks and runs, and every run knows its offset in the
//! article's plain text (in `char`s, see `build/pipeline.rs`), which highlights anchor in.

#[derive(Debug, PartialEq, Eq)]
pub struct Article {
    pub slug: &'static str,
    pub title: &'static str,
    pub summary: &'static str,
    pub author: Option<&'static str>,
    pub date: Option<&'static str>,
    pub words: u32,
    pub reading_minutes: u32,
    /// Length of `plain_text` in chars.
    pub text_len: u32,
    /// Text blocks joined by `"\n\n"`: the text highlights are anchored in.
    pub plain_text: &'static str,
    pub body: &'static [Block],
    /// "À propos de l'auteur", where the source has a bio.
    pub about: &'static [Block],
    /// Readers' comments published with the article, shown apart from it.
    pub comments: &'static [Comment],
}

#[derive(Debug, PartialEq, Eq)]
pub enum Block {
    Paragraph(&'static [Run]),
    Heading(u8, &'static [Run]),
    Code(&'static [Run]),
    Quote(&'static [Block]),
    List {
        start: Option<u64>,
        items: &'static [&'static [Block]],
    },
    Rule,
}

#[derive(Debug, PartialEq, Eq)]
pub struct Run {
    pub text: &'static str,
    /// Offset of the first char in the article's plain text.
    pub start: u32,
    pub emphasis: bool,
    pub strong: bool,
    pub code: bool,
    pub link: Option<&'static str>,
}

impl Run {
    pub fn end(&self) -> u32 {
        self.start + self.text.chars().count() as u32
    }
}

#[derive(Debug, PartialEq, Eq)]
pub struct Comment {
    /// Empty when the source names nobody.
    pub byline: &'static str,
    pub blocks: &'static [Block],
}

include!(concat!(env!("OUT_DIR"), "/articles.rs"));

/// The article with this slug, and its neighbours in library order.
pub fn find(slug: &str) -> Option<(usize, &'static Article)> {
    ARTICLES.iter().enumerate().find(|(_, a)| a.slug == slug)
}

/// "4 min de lecture".
pub fn reading_time_label(minutes: u32) -> String {
    format!("{minutes}\u{a0}min de lecture")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn runs_of(blocks: &'static [Block], out: &mut Vec<&'static Run>) {
        for b in blocks {
            match b {
                Block::Paragraph(r) | Block::Heading(_, r) | Block::Code(r) => out.extend(r.iter()),
                Block::Quote(inner) => runs_of(inner, out),
                Block::List { items, .. } => items.iter().for_each(|i| runs_of(i, out)),
                Block::Rule => {}
            }
        }
    }

    #[test]
    fn every_run_sits_at_its_offset_in_the_plain_text() {
        assert!(!ARTICLES.is_empty());
        for article in ARTICLES {
            let chars: Vec<char> = article.plain_text.chars().collect();
            assert_eq!(chars.len() as u32, article.text_len);
            let mut runs = Vec::new();
            runs_of(article.body, &mut runs);
            assert!(!runs.is_empty(), "{} has no text", article.slug);
            for run in runs {
                let at: String = chars[run.start as usize..run.end() as usize]
                    .iter()
                    .collect();
                assert_eq!(at, run.text, "{}: run at {}", article.slug, run.start);
            }
        }
    }

    #[test]
    fn slugs_are_unique_and_findable() {
        for (i, article) in ARTICLES.iter().enumerate() {
            assert_eq!(find(article.slug).map(|(j, _)| j), Some(i));
        }
        assert!(find("nope").is_none());
    }
}
