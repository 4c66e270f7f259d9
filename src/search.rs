//! Search across titles, article text and the reader's own notes: case- and accent-insensitive
//! (see `fold`), every query word matching a word's start (prefix search while typing), all
//! query words required. The articles' index is built at compile time and split by first
//! letter (`s/<key>.json`, see `build/emit.rs`); notes are searched as they are. Pure: the
//! caller hands over what is loaded, and is told what is missing.

use crate::{
    content::{Article, Library},
    fold::{self, Word},
    notes::{anchor::Anchorer, model::ArticleRecord},
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
    /// One of the reader's highlights that the article's current text no longer holds (or an
    /// article no longer in Liseuse): it is in « Mes notes », not in the article.
    Orphan { id: String },
    /// The note on an article no longer in Liseuse: in « Mes notes ».
    RemovedArticleNote,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub slug: String,
    pub title: String,
    pub found: Found,
    pub score: f64,
    pub snippet: Snippet,
}

/// One part of the articles' index: folded words, sorted, each with where it occurs
/// (article index in the library, start offset of the text block), once per occurrence.
#[derive(Debug, Default, PartialEq)]
pub struct Shard {
    words: Vec<(String, Vec<(u16, u32)>)>,
}

impl Shard {
    /// Reads `[["word",[article,block,article,block,…]],…]`.
    pub fn parse(json: &str) -> Result<Shard, String> {
        let raw: Vec<(String, Vec<u32>)> = serde_json::from_str(json)
            .map_err(|e| format!("index de recherche illisible ({e})"))?;
        let mut words = Vec::with_capacity(raw.len());
        for (word, flat) in raw {
            if flat.len() % 2 != 0 {
                return Err("index de recherche incohérent".into());
            }
            let postings = flat.chunks_exact(2).map(|p| (p[0] as u16, p[1])).collect();
            words.push((word, postings));
        }
        if !words.windows(2).all(|w| w[0].0 < w[1].0) {
            return Err("index de recherche incohérent (ordre)".into());
        }
        Ok(Shard { words })
    }
}

/// What a search can use: the parts loaded so far.
pub trait Corpus {
    fn library(&self) -> &Library;
    fn shard(&self, key: char) -> Option<&Shard>;
    fn article(&self, slug: &str) -> Option<&Article>;
}

/// A file the search needs and the caller has not loaded yet.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Needed {
    Shard(char),
    Article(String),
}

/// The hits found with what was loaded, and what to load for the rest; once everything
/// needed is loaded, `missing` is empty and `hits` complete.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Outcome {
    pub hits: Vec<Hit>,
    pub missing: Vec<Needed>,
}

/// Query words, folded. Empty words are dropped, and so are French elisions before a word
/// (« l’éthique », « d’abord », « qu’il »): as terms they would find, and mark, every word that
/// starts with their letter.
pub fn terms(query: &str) -> Vec<String> {
    let chars: Vec<char> = query.chars().collect();
    let words = fold::words(query);
    let elided = |i: usize| {
        let word = &words[i];
        // Not « jusqu’ », « lorsqu’ », « puisqu’ »: words of their own, which a reader may
        // look for (« jusqu’à »).
        const ELISIONS: [&str; 9] = ["l", "d", "j", "m", "n", "s", "t", "c", "qu"];
        ELISIONS.contains(&word.folded.as_str())
            && matches!(chars.get(word.end), Some('\'' | '’' | 'ʼ'))
            && i + 1 < words.len()
    };
    (0..words.len())
        .filter(|&i| !elided(i))
        .map(|i| words[i].folded.clone())
        .collect()
}

/// How well a folded word answers a term: a whole word counts more than a prefix. A term of
/// one letter (« à », « y ») is a whole word only: as a prefix it would find, and mark, every
/// word that starts with that letter.
fn word_score(word: &str, term: &str) -> Option<f64> {
    if word == term {
        Some(2.0)
    } else if word.starts_with(term) && term.chars().nth(1).is_some() {
        Some(1.0)
    } else {
        None
    }
}

/// The best hits, best first, at most `limit`.
pub fn search(
    query: &str,
    corpus: &impl Corpus,
    records: &BTreeMap<String, ArticleRecord>,
    limit: usize,
) -> Outcome {
    let terms = terms(query);
    if terms.is_empty() {
        return Outcome::default();
    }
    let mut outcome = passages(&terms, corpus, limit);
    outcome.hits.extend(titles(&terms, corpus.library()));
    let (hits, missing) = notes(&terms, corpus, records);
    outcome.hits.extend(hits);
    for needed in missing {
        if !outcome.missing.contains(&needed) {
            outcome.missing.push(needed);
        }
    }
    outcome.hits.sort_by(|a, b| {
        rank(&a.found)
            .cmp(&rank(&b.found))
            .then_with(|| b.score.total_cmp(&a.score))
            .then_with(|| a.slug.cmp(&b.slug))
    });
    outcome.hits.truncate(limit);
    outcome
}

/// Titles first, then the reader's own notes, then passages: a passage that repeats the words
/// does not pass a title or a note (within each, the score decides).
fn rank(found: &Found) -> u8 {
    match found {
        Found::Title => 0,
        Found::Note { .. } | Found::Orphan { .. } | Found::RemovedArticleNote => 1,
        Found::Passage { .. } => 2,
    }
}

/// The best `limit` text blocks holding every term. Snippets are made only for those: they
/// cost more than scoring.
fn passages(terms: &[String], corpus: &impl Corpus, limit: usize) -> Outcome {
    let mut missing: Vec<Needed> = terms
        .iter()
        .map(|t| fold::shard_key(t))
        .filter(|&key| corpus.shard(key).is_none())
        .map(Needed::Shard)
        .collect();
    missing.sort();
    missing.dedup();
    if !missing.is_empty() {
        return Outcome {
            hits: Vec::new(),
            missing,
        };
    }
    // (article, block) → score, for blocks matching every term so far.
    let mut matching: Option<BTreeMap<(u16, u32), f64>> = None;
    for term in terms {
        let Some(shard) = corpus.shard(fold::shard_key(term)) else {
            continue;
        };
        let words = &shard.words;
        let from = words.partition_point(|(word, _)| word.as_str() < term.as_str());
        let mut scores: BTreeMap<(u16, u32), f64> = BTreeMap::new();
        for (word, postings) in words[from..]
            .iter()
            .take_while(|(word, _)| word.starts_with(term.as_str()))
        {
            let Some(score) = word_score(word, term) else {
                continue;
            };
            for &(article, block) in postings {
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
    let mut outcome = Outcome::default();
    for ((article, block), score) in best {
        let Some(meta) = corpus.library().articles.get(article as usize) else {
            continue;
        };
        let Some(loaded) = corpus.article(&meta.slug) else {
            let needed = Needed::Article(meta.slug.clone());
            if !outcome.missing.contains(&needed) {
                outcome.missing.push(needed);
            }
            continue;
        };
        outcome.hits.push(Hit {
            slug: meta.slug.clone(),
            title: meta.title.clone(),
            found: Found::Passage {
                block: block as usize,
            },
            score,
            snippet: snippet(&block_text(loaded, block as usize), terms),
        });
    }
    outcome
}

fn titles(terms: &[String], library: &Library) -> Vec<Hit> {
    library
        .articles
        .iter()
        .filter_map(|article| {
            let score = all_terms_score(&article.title, terms)?;
            Some(Hit {
                slug: article.slug.clone(),
                title: article.title.clone(),
                found: Found::Title,
                // Titles rank above notes and passages whatever the scores (see `rank`).
                score: score * 3.0,
                snippet: snippet(&article.summary, terms),
            })
        })
        .collect()
}

/// Hits in the reader's notes, and the articles still needed to tell whether a matching
/// highlight is placed in its article or an orphan.
fn notes(
    terms: &[String],
    corpus: &impl Corpus,
    records: &BTreeMap<String, ArticleRecord>,
) -> (Vec<Hit>, Vec<Needed>) {
    let mut hits = Vec::new();
    let mut missing = Vec::new();
    for (slug, record) in records {
        // An article no longer in Liseuse: its notes are kept, in « Mes notes », and found.
        let known = corpus.library().find(slug).map(|(_, article)| article);
        let title = known.map_or_else(
            || format!("Article retiré de Liseuse ({slug})"),
            |article| article.title.clone(),
        );
        // Prepared once per article, and only if one of its highlights matches.
        let mut anchorer: Option<Option<Anchorer>> = None;
        let hit = |found, score, snippet| Hit {
            slug: slug.clone(),
            title: title.clone(),
            found,
            score,
            snippet,
        };
        if let Some(note) = &record.note {
            if let Some(score) = all_terms_score(&note.text, terms) {
                let found = match known {
                    Some(_) => Found::Note { id: None },
                    None => Found::RemovedArticleNote,
                };
                hits.push(hit(found, score * 1.5, snippet(&note.text, terms)));
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
                let found = if known.is_none() {
                    // No article holds its passage any more: it is in « Mes notes ».
                    Found::Orphan { id: h.id.clone() }
                } else {
                    let anchorer = anchorer.get_or_insert_with(|| {
                        corpus
                            .article(slug)
                            .map(|loaded| Anchorer::new(&loaded.plain_text))
                    });
                    match anchorer {
                        Some(anchorer)
                            if anchorer.anchor(&h.quote, &h.position).range().is_none() =>
                        {
                            Found::Orphan { id: h.id.clone() }
                        }
                        Some(_) => Found::Note {
                            id: Some(h.id.clone()),
                        },
                        None => {
                            let needed = Needed::Article(slug.clone());
                            if !missing.contains(&needed) {
                                missing.push(needed);
                            }
                            Found::Note {
                                id: Some(h.id.clone()),
                            }
                        }
                    }
                };
                hits.push(hit(found, score * 1.5, snippet(shown, terms)));
            }
        }
    }
    (hits, missing)
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
    let text = &article.plain_text;
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
        .filter(|w| terms.iter().any(|t| word_score(&w.folded, t).is_some()))
        .collect()
}

/// About `SNIPPET_CHARS` around the first match, cut at spaces, with the matches marked.
pub fn snippet(text: &str, terms: &[String]) -> Snippet {
    const SNIPPET_CHARS: usize = 160;
    let chars: Vec<char> = text.chars().collect();
    let found = matches(text, terms);
    // Around the longest term's first word, the likeliest to be what is looked for (« jusqu »
    // rather than « à »), else the first match.
    let longest = terms.iter().max_by_key(|t| t.chars().count());
    let first = longest
        .and_then(|t| found.iter().find(|w| word_score(&w.folded, t).is_some()))
        .or(found.first())
        .map_or(0, |w| w.start);
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

    #[test]
    fn elisions_are_not_terms() {
        assert_eq!(terms("l’éthique"), ["ethique"]);
        assert_eq!(terms("L'Éthique d’abord"), ["ethique", "abord"]);
        assert_eq!(terms("qu’il lorsqu’on"), ["il", "lorsqu", "on"]);
        assert_eq!(terms("jusqu’à"), ["jusqu", "a"]);
        // Alone, or without an apostrophe, a letter is a term like any word.
        assert_eq!(terms("l’"), ["l"]);
        assert_eq!(terms("l"), ["l"]);
        assert_eq!(terms("vitamine d"), ["vitamine", "d"]);
        assert_eq!(terms("aujourd’hui"), ["aujourd", "hui"]);
    }
    use crate::{
        content::bundled,
        notes::model::{new_highlight, Color},
    };

    fn no_notes() -> BTreeMap<String, ArticleRecord> {
        BTreeMap::new()
    }

    /// Everything built, loaded.
    struct Bundled;

    impl Corpus for Bundled {
        fn library(&self) -> &Library {
            bundled::library()
        }
        fn shard(&self, key: char) -> Option<&Shard> {
            use std::sync::OnceLock;
            static SHARDS: OnceLock<BTreeMap<char, Shard>> = OnceLock::new();
            SHARDS
                .get_or_init(|| {
                    crate::content::BUNDLED
                        .iter()
                        .filter_map(|(path, text)| {
                            let key = path.strip_prefix("s/")?.strip_suffix(".json")?;
                            Some((key.chars().next()?, Shard::parse(text).unwrap()))
                        })
                        .collect()
                })
                .get(&key)
        }
        fn article(&self, slug: &str) -> Option<&Article> {
            bundled::articles().iter().find(|a| a.meta.slug == slug)
        }
    }

    fn search(query: &str, records: &BTreeMap<String, ArticleRecord>, limit: usize) -> Vec<Hit> {
        let outcome = super::search(query, &Bundled, records, limit);
        assert_eq!(outcome.missing, vec![], "everything is loaded");
        outcome.hits
    }

    fn article_of(hit: &Hit) -> &'static Article {
        bundled::articles()
            .iter()
            .find(|a| a.meta.slug == hit.slug)
            .unwrap()
    }

    #[test]
    fn accents_and_case_do_not_matter() {
        for query in ["ethique", "ÉTHIQUE", "éthique", "Ethiq"] {
            let hits = search(query, &no_notes(), 50);
            assert!(!hits.is_empty(), "{query}");
            assert!(hits.iter().any(|h| h.slug == "un-clash-avec-victor"));
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
    fn jusqu_a_finds_itself_and_marks_nothing_else() {
        let marked = |h: &Hit| -> Vec<String> {
            h.snippet
                .marks
                .iter()
                .map(|r| {
                    fold::fold(
                        &h.snippet
                            .text
                            .chars()
                            .skip(r.start)
                            .take(r.len())
                            .collect::<String>(),
                    )
                })
                .collect()
        };
        for query in ["jusqu’à", "jusqu'à", "Jusqu’a"] {
            let hits = search(query, &no_notes(), 50);
            assert!(!hits.is_empty(), "{query}");
            for h in &hits {
                assert!(
                    fold::fold(&h.snippet.text).contains("jusqu"),
                    "{query}: {}",
                    h.snippet.text
                );
                assert!(
                    marked(h).iter().all(|m| m == "jusqu" || m == "a"),
                    "{query}: {:?}",
                    marked(h)
                );
            }
        }
        // A letter alone is a word: « à » does not find every word starting with an a.
        for h in search("à", &no_notes(), 50) {
            assert!(marked(&h).iter().all(|m| m == "a"), "{:?}", marked(&h));
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
                Found::Passage { block } => block_text(article_of(h), block),
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
        assert_eq!(hits[0].slug, "social-selling-l-imposture-2-0");
    }

    #[test]
    fn the_readers_notes_are_found() {
        let article = &bundled::articles()[0];
        let mut h = new_highlight(
            "h1".into(),
            article.meta.slug.clone(),
            Color::Rose,
            &article.plain_text,
            0,
            10,
            1,
        );
        h.note = "Penser à l’Œuvre de Covey".into();
        let records = BTreeMap::from([(
            article.meta.slug.clone(),
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
    fn a_note_on_an_orphaned_highlight_is_found_as_an_orphan() {
        let article = &bundled::articles()[0];
        let mut h = new_highlight(
            "h1".into(),
            article.meta.slug.clone(),
            Color::Vert,
            "Un passage qu’une version précédente avait et que celle-ci n’a plus.",
            3,
            40,
            1,
        );
        h.note = "Penser au zygomatique".into();
        let records = BTreeMap::from([(
            article.meta.slug.clone(),
            ArticleRecord {
                highlights: vec![h],
                ..Default::default()
            },
        )]);
        let hits = search("zygomatique", &records, 10);
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].found, Found::Orphan { id: "h1".into() });
    }

    /// An article no longer in Liseuse: its notes are kept (« Mes notes ») and found.
    #[test]
    fn notes_on_an_article_no_longer_in_liseuse_are_found() {
        let mut h = new_highlight(
            "h1".into(),
            "retire".into(),
            Color::Vert,
            "Un passage d’un article retiré.",
            3,
            20,
            1,
        );
        h.note = "zanzibar retiré".into();
        let records = BTreeMap::from([(
            "retire".to_string(),
            ArticleRecord {
                highlights: vec![h],
                note: Some(crate::notes::model::ArticleNote {
                    text: "Tombouctou, à relire".into(),
                    updated: 1,
                    extra: Default::default(),
                }),
                ..Default::default()
            },
        )]);
        let hits = search("zanzibar", &records, 10);
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].found, Found::Orphan { id: "h1".into() });
        assert_eq!(hits[0].title, "Article retiré de Liseuse (retire)");
        let hits = search("tombouctou", &records, 10);
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].found, Found::RemovedArticleNote);
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

    #[test]
    fn a_search_says_what_it_still_needs() {
        /// The library, and the index only if `shards`; no article loaded.
        struct Partial {
            shards: bool,
        }
        impl Corpus for Partial {
            fn library(&self) -> &Library {
                bundled::library()
            }
            fn shard(&self, key: char) -> Option<&Shard> {
                self.shards.then(|| Bundled.shard(key)).flatten()
            }
            fn article(&self, _: &str) -> Option<&Article> {
                None
            }
        }
        let outcome = super::search("vente ÉTHIQUE", &Partial { shards: false }, &no_notes(), 10);
        assert_eq!(
            outcome.missing,
            vec![Needed::Shard('e'), Needed::Shard('v')]
        );
        let outcome = super::search("confiance", &Partial { shards: true }, &no_notes(), 10);
        assert!(!outcome.missing.is_empty());
        assert!(outcome
            .missing
            .iter()
            .all(|n| matches!(n, Needed::Article(_))));
        // Meanwhile titles are found, passages wait for their article's text.
        assert!(outcome.hits.iter().all(|h| h.found == Found::Title));
        assert!(!outcome.hits.is_empty());
    }

    /// A corpus made for the test, so that what each passage holds is known: articles
    /// (slug, title, paragraphs), parsed as the app parses them, and indexed as the build
    /// indexes them (every folded word, once per occurrence, with its article and block).
    struct Small {
        library: Library,
        articles: Vec<Article>,
        shards: BTreeMap<char, Shard>,
    }

    impl Small {
        fn new(articles: &[(&str, &str, &[&str])]) -> Small {
            let mut parsed = Vec::new();
            let mut index: BTreeMap<String, Vec<(u16, u32)>> = BTreeMap::new();
            for (i, (slug, title, paragraphs)) in articles.iter().enumerate() {
                let mut body = Vec::new();
                let mut at = 0;
                for p in *paragraphs {
                    if at > 0 {
                        at += 2; // the blank line between blocks
                    }
                    body.push(serde_json::json!({ "p": [{ "t": p, "s": at }] }));
                    for w in fold::words(p) {
                        index
                            .entry(w.folded)
                            .or_default()
                            .push((i as u16, at as u32));
                    }
                    at += p.chars().count();
                }
                let json = serde_json::json!({
                    "meta": { "slug": slug, "title": title, "summary": "Résumé.",
                              "words": 10, "minutes": 1, "len": at },
                    "body": body,
                });
                parsed.push(Article::parse(&json.to_string()).unwrap());
            }
            let mut shards: BTreeMap<char, Shard> = BTreeMap::new();
            for (word, postings) in index {
                let key = fold::shard_key(&word);
                shards.entry(key).or_default().words.push((word, postings));
            }
            Small {
                library: Library {
                    articles: parsed.iter().map(|a| a.meta.clone()).collect(),
                },
                articles: parsed,
                shards,
            }
        }

        /// (slug, what was found) of each hit, best first.
        fn ranked(
            &self,
            query: &str,
            records: &BTreeMap<String, ArticleRecord>,
        ) -> Vec<(String, Found)> {
            let outcome = super::search(query, self, records, 20);
            assert_eq!(outcome.missing, vec![], "everything is loaded");
            outcome
                .hits
                .into_iter()
                .map(|h| (h.slug, h.found))
                .collect()
        }
    }

    impl Corpus for Small {
        fn library(&self) -> &Library {
            &self.library
        }
        fn shard(&self, key: char) -> Option<&Shard> {
            self.shards.get(&key)
        }
        fn article(&self, slug: &str) -> Option<&Article> {
            self.articles.iter().find(|a| a.meta.slug == slug)
        }
    }

    fn passage(slug: &str, block: usize) -> (String, Found) {
        (slug.into(), Found::Passage { block })
    }

    #[test]
    fn a_whole_word_outranks_a_prefix_and_more_matches_outrank_fewer() {
        // The better passages come later in library order and in their article, and their
        // slugs sort last: only the score can put them first.
        let corpus = Small::new(&[
            (
                "a",
                "Premier",
                &["Les ventes baissent.", "Une vente, une seule."],
            ),
            ("b", "Second", &["La vente, puis la vente encore."]),
        ]);
        assert_eq!(
            corpus.ranked("vente", &no_notes()),
            vec![passage("b", 0), passage("a", 22), passage("a", 0)]
        );
        // Every word counts: both whole beats both prefixes.
        let corpus = Small::new(&[
            ("a", "Premier", &["Les ventes éthiques."]),
            ("b", "Second", &["Une vente éthique."]),
        ]);
        assert_eq!(
            corpus.ranked("vente ethique", &no_notes()),
            vec![passage("b", 0), passage("a", 0)]
        );
    }

    #[test]
    fn titles_rank_first_then_the_readers_notes_then_passages() {
        let corpus = Small::new(&[
            (
                "a",
                "Premier",
                &["La vente, la vente, toujours la vente : vente partout."],
            ),
            (
                "b",
                "Second",
                &["Un texte sans le mot, ici.", "Rien non plus."],
            ),
            ("c", "Une vente", &["Un autre texte."]),
        ]);
        let text = &corpus.article("b").unwrap().plain_text;
        let mut h = new_highlight("h1".into(), "b".into(), Color::Bleu, text, 3, 8, 1);
        h.note = "penser à la vente".into();
        let records = BTreeMap::from([(
            "b".to_string(),
            ArticleRecord {
                highlights: vec![h],
                ..Default::default()
            },
        )]);
        assert_eq!(
            corpus.ranked("vente", &records),
            vec![
                ("c".into(), Found::Title),
                (
                    "b".into(),
                    Found::Note {
                        id: Some("h1".into())
                    }
                ),
                passage("a", 0),
            ]
        );
    }

    #[test]
    fn a_damaged_shard_is_refused() {
        assert!(Shard::parse("[[\"a\",[1]]]").is_err());
        assert!(Shard::parse("[[\"b\",[]],[\"a\",[]]]").is_err());
        assert!(Shard::parse("{").is_err());
        assert_eq!(
            Shard::parse("[[\"a\",[1,2]]]").unwrap().words,
            vec![("a".to_string(), vec![(1, 2)])]
        );
    }
}
