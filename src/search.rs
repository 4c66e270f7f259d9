//! Search across titles, article text and the reader's own notes: case- and accent-insensitive
//! (see `fold`), every query word matching a word's start (prefix search while typing), all
//! query words required. The articles' index is built at compile time (`SEARCH_INDEX`); notes
//! are searched as they are, in the browser. Pure: tested natively.

use crate::{
    content::{Article, ARTICLES, SEARCH_INDEX},
    fold::{self, Word},
    notes::model::ArticleRecord,
};
use std::{collections::BTreeMap, ops::Range};

/// A piece of text to show, with the matched words to mark (char ranges within `text`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snippet {
    pub text: String,
    pub marks: Vec<Range<usize>>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Found {
    /// A passage of an article: the text block starting at `block` (plain-text offset).
    Passage { block: usize },
    /// The article's title (and not its text).
    Title,
    /// One of the reader's highlights (`id`) or the article note (`None`).
    Note { id: Option<String> },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub article: &'static Article,
    pub found: Found,
    pub score: f64,
    pub snippet: Snippet,
}

/// Query words, folded. Empty words are dropped.
pub fn terms(query: &str) -> Vec<String> {
    fold::words(query).into_iter().map(|w| w.folded).collect()
}

/// How well a folded word answers a term: a whole word counts more than a prefix.
fn word_score(word: &str, term: &str) -> Option<f64> {
    if word == term {
        Some(2.0)
    } else if word.starts_with(term) {
        Some(1.0)
    } else {
        None
    }
}

/// The best hits, best first, at most `limit`.
pub fn search(query: &str, records: &BTreeMap<String, ArticleRecord>, limit: usize) -> Vec<Hit> {
    let terms = terms(query);
    if terms.is_empty() {
        return Vec::new();
    }
    let mut hits = passages(&terms, limit);
    hits.extend(titles(&terms));
    hits.extend(notes(&terms, records));
    hits.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| a.article.slug.cmp(b.article.slug))
    });
    hits.truncate(limit);
    hits
}

/// The best `limit` text blocks holding every term, from the compile-time index. Snippets are
/// made only for those: they cost more than scoring.
fn passages(terms: &[String], limit: usize) -> Vec<Hit> {
    // (article, block) → score, for blocks matching every term so far.
    let mut matching: Option<BTreeMap<(u16, u32), f64>> = None;
    for term in terms {
        let from = SEARCH_INDEX.partition_point(|(word, _)| *word < term.as_str());
        let mut scores: BTreeMap<(u16, u32), f64> = BTreeMap::new();
        for (word, postings) in SEARCH_INDEX[from..]
            .iter()
            .take_while(|(word, _)| word.starts_with(term.as_str()))
        {
            let score = word_score(word, term).unwrap_or(0.0);
            for &(article, block) in *postings {
                *scores.entry((article, block)).or_default() += score;
            }
        }
        matching = Some(match matching {
            None => scores,
            Some(before) => before
                .into_iter()
                .filter_map(|(k, s)| scores.get(&k).map(|t| (k, s + t)))
                .collect(),
        });
    }
    let mut best: Vec<((u16, u32), f64)> = matching.unwrap_or_default().into_iter().collect();
    best.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    best.truncate(limit);
    best.into_iter()
        .filter_map(|((article, block), score)| {
            let article = ARTICLES.get(article as usize)?;
            let text = block_text(article, block as usize);
            Some(Hit {
                article,
                found: Found::Passage {
                    block: block as usize,
                },
                score,
                snippet: snippet(&text, terms),
            })
        })
        .collect()
}

fn titles(terms: &[String]) -> Vec<Hit> {
    ARTICLES
        .iter()
        .filter_map(|article| {
            let score = all_terms_score(article.title, terms)?;
            Some(Hit {
                article,
                found: Found::Title,
                // A title hit ranks above passages with the same words.
                score: score * 3.0,
                snippet: snippet(article.summary, terms),
            })
        })
        .collect()
}

fn notes(terms: &[String], records: &BTreeMap<String, ArticleRecord>) -> Vec<Hit> {
    let mut hits = Vec::new();
    for (slug, record) in records {
        let Some(article) = ARTICLES.iter().find(|a| a.slug == slug) else {
            continue;
        };
        if let Some(note) = &record.note {
            if let Some(score) = all_terms_score(&note.text, terms) {
                hits.push(Hit {
                    article,
                    found: Found::Note { id: None },
                    score: score * 1.5,
                    snippet: snippet(&note.text, terms),
                });
            }
        }
        for h in record.live() {
            let text = format!("{}\n{}", h.note, h.quote.exact);
            if let Some(score) = all_terms_score(&text, terms) {
                // The reader's own words rank above the article's.
                let shown = if all_terms_score(&h.note, terms).is_some() {
                    &h.note
                } else {
                    &h.quote.exact
                };
                hits.push(Hit {
                    article,
                    found: Found::Note {
                        id: Some(h.id.clone()),
                    },
                    score: score * 1.5,
                    snippet: snippet(shown, terms),
                });
            }
        }
    }
    hits
}

/// The summed score of every term in `text`, or `None` if a term is missing.
fn all_terms_score(text: &str, terms: &[String]) -> Option<f64> {
    let words = fold::words(text);
    terms.iter().try_fold(0.0, |total, term| {
        let score: f64 = words
            .iter()
            .filter_map(|w| word_score(&w.folded, term))
            .sum();
        (score > 0.0).then_some(total + score)
    })
}

/// The text of the block starting at `start` (chars): up to the next block separator.
pub fn block_text(article: &Article, start: usize) -> String {
    let text = article.plain_text;
    let from = text
        .char_indices()
        .nth(start)
        .map_or(text.len(), |(i, _)| i);
    let rest = &text[from..];
    rest[..rest.find("\n\n").unwrap_or(rest.len())].to_string()
}

/// Where the terms are in `text`: every word that one of them starts.
pub fn matches(text: &str, terms: &[String]) -> Vec<Word> {
    fold::words(text)
        .into_iter()
        .filter(|w| terms.iter().any(|t| w.folded.starts_with(t.as_str())))
        .collect()
}

/// About `SNIPPET_CHARS` around the first match, cut at spaces, with the matches marked.
pub fn snippet(text: &str, terms: &[String]) -> Snippet {
    const SNIPPET_CHARS: usize = 160;
    let chars: Vec<char> = text.chars().collect();
    let found = matches(text, terms);
    let first = found.first().map_or(0, |w| w.start);
    let mut start = first.saturating_sub(SNIPPET_CHARS / 3);
    let mut end = (start + SNIPPET_CHARS).min(chars.len());
    // Cut at spaces, so no word is shown in half.
    while start > 0 && !chars[start - 1].is_whitespace() {
        start -= 1;
    }
    while end < chars.len() && !chars[end].is_whitespace() {
        end += 1;
    }
    let mut shown: String = chars[start..end].iter().collect();
    let mut offset = 0;
    if start > 0 {
        shown.insert_str(0, "… ");
        offset = 2;
    }
    if end < chars.len() {
        shown.push_str(" …");
    }
    let marks = found
        .iter()
        .filter(|w| w.start >= start && w.end <= end)
        .map(|w| w.start - start + offset..w.end - start + offset)
        .collect();
    Snippet { text: shown, marks }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notes::model::{new_highlight, Color};

    fn no_notes() -> BTreeMap<String, ArticleRecord> {
        BTreeMap::new()
    }

    #[test]
    fn accents_and_case_do_not_matter() {
        for query in ["ethique", "ÉTHIQUE", "éthique", "Ethiq"] {
            let hits = search(query, &no_notes(), 50);
            assert!(!hits.is_empty(), "{query}");
            assert!(hits
                .iter()
                .any(|h| h.article.slug == "un-clash-avec-victor"));
            for h in &hits {
                let marked: Vec<String> = h
                    .snippet
                    .marks
                    .iter()
                    .map(|r| h.snippet.text.chars().skip(r.start).take(r.len()).collect())
                    .collect();
                assert!(
                    marked.iter().all(|m| fold::fold(m).starts_with("ethiq")),
                    "{marked:?}"
                );
            }
        }
    }

    #[test]
    fn oeuvre_finds_the_ligature() {
        assert_eq!(terms("oeuvre"), terms("Œuvre"));
        // "cœur" is in the articles.
        let hits = search("coeur", &no_notes(), 50);
        assert!(!hits.is_empty());
        assert!(hits
            .iter()
            .all(|h| h.snippet.text.contains("cœur") || h.snippet.text.contains("Cœur")));
    }

    #[test]
    fn every_term_is_required_and_whole_words_rank_first() {
        let hits = search("confiance priori", &no_notes(), 50);
        assert!(!hits.is_empty());
        for h in &hits {
            let text = match h.found {
                Found::Passage { block } => block_text(h.article, block),
                _ => h.snippet.text.clone(),
            };
            let folded = fold::fold(&text);
            assert!(
                folded.contains("confiance") && folded.contains("priori"),
                "{text}"
            );
        }
        assert!(search("confiance zzzz", &no_notes(), 50).is_empty());
        assert!(search("", &no_notes(), 50).is_empty());
        assert!(search(" ; ! ", &no_notes(), 50).is_empty());
        // Sorted best first.
        assert!(hits.windows(2).all(|w| w[0].score >= w[1].score));
    }

    #[test]
    fn titles_rank_above_passages() {
        let hits = search("imposture", &no_notes(), 10);
        assert_eq!(hits[0].found, Found::Title);
        assert_eq!(hits[0].article.slug, "social-selling-l-imposture-2-0");
    }

    #[test]
    fn the_readers_notes_are_found() {
        let article = &ARTICLES[0];
        let mut h = new_highlight(
            "h1".into(),
            article.slug.into(),
            Color::Rose,
            article.plain_text,
            0,
            10,
            1,
        );
        h.note = "Penser à l’Œuvre de Covey".into();
        let records = BTreeMap::from([(
            article.slug.to_string(),
            ArticleRecord {
                highlights: vec![h],
                ..Default::default()
            },
        )]);
        let hits = search("oeuvre covey", &records, 10);
        assert_eq!(hits.len(), 1);
        assert_eq!(
            hits[0].found,
            Found::Note {
                id: Some("h1".into())
            }
        );
        assert_eq!(hits[0].snippet.text, "Penser à l’Œuvre de Covey");
        assert_eq!(hits[0].snippet.marks, vec![11..16, 20..25]);
    }

    #[test]
    fn snippets_cut_at_spaces_and_mark_inside() {
        let text = "un ".repeat(100) + "l’éthique " + &"deux ".repeat(100);
        let s = snippet(&text, &terms("ethique"));
        assert!(s.text.starts_with("… ") && s.text.ends_with(" …"));
        let marked: String = s
            .text
            .chars()
            .skip(s.marks[0].start)
            .take(s.marks[0].len())
            .collect();
        assert_eq!(marked, "éthique");
    }
}
