//! The articles, as the build writes them (`build/emit.rs`): static JSON files under
//! `content/<CONTENT_VERSION>/` that the app fetches when a page needs them, so the wasm holds
//! no article text. Pure: parsing and checks, tested natively on the real files.
//!
//! Text is already structured into blocks and runs, and every run knows its offset in the
//! article's plain text (in `char`s, see `build/pipeline.rs`), which highlights anchor in.

use serde_json::{Map, Value};

include!(concat!(env!("OUT_DIR"), "/articles.rs"));

/// What the library, the notebook and search know of an article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArticleMeta {
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub author: Option<String>,
    pub date: Option<String>,
    pub words: u32,
    pub reading_minutes: u32,
    /// Length of the plain text in chars.
    pub text_len: u32,
}

/// Every article, in library order (`library.json`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Library {
    pub articles: Vec<ArticleMeta>,
}

impl Library {
    pub fn parse(json: &str) -> Result<Library, String> {
        let read = || -> Result<Library, Fault> {
            let root: Value = serde_json::from_str(json)?;
            let root = object(&root)?;
            let articles = list(root, "articles")?.iter().map(meta);
            Ok(Library {
                articles: articles.collect::<Result<_, Fault>>()?,
            })
        };
        read().map_err(|e| format!("liste des articles illisible ({e})"))
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
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Neighbour {
    pub slug: String,
    pub title: String,
}

/// One article (`a/<slug>.json`).
#[derive(Debug, PartialEq, Eq)]
pub struct Article {
    pub meta: ArticleMeta,
    pub previous: Option<Neighbour>,
    pub next: Option<Neighbour>,
    pub body: Vec<Block>,
    /// "À propos de l'auteur", where the source has a bio.
    pub about: Vec<Block>,
    /// Readers' comments published with the article, shown apart from it.
    pub comments: Vec<Comment>,
    /// Text blocks joined by `"\n\n"`: the text highlights are anchored in. Not in the file
    /// (it would double its size): rebuilt from the runs by [`Article::parse`].
    pub plain_text: String,
}

#[derive(Debug, PartialEq, Eq)]
pub enum Block {
    Paragraph(Vec<Run>),
    Heading(u8, Vec<Run>),
    Code(Vec<Run>),
    Quote(Vec<Block>),
    List {
        start: Option<u64>,
        items: Vec<Vec<Block>>,
    },
    Rule,
}

#[derive(Debug, PartialEq, Eq)]
pub struct Run {
    pub text: String,
    /// Offset of the first char in the article's plain text.
    pub start: u32,
    pub emphasis: bool,
    pub strong: bool,
    pub code: bool,
    pub link: Option<String>,
}

impl Run {
    pub fn end(&self) -> u32 {
        self.start + self.text.chars().count() as u32
    }
}

#[derive(Debug, PartialEq, Eq)]
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
        let mut article = read_article(json).map_err(|e| format!("article illisible ({e})"))?;
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

/// Why a content file could not be read: it is damaged, or from another build (the build
/// writes them, `build/emit.rs`).
///
/// The files are read through `serde_json::Value`, which the app already carries for the
/// stored notes, and mapped by hand: derived deserializers cost about 16 kB of the first
/// visit's wasm for files this regular (issue 22).
struct Fault(String);

impl From<serde_json::Error> for Fault {
    fn from(e: serde_json::Error) -> Fault {
        Fault(e.to_string())
    }
}

impl std::fmt::Display for Fault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

type Object = Map<String, Value>;

fn invalid(key: &str) -> Fault {
    Fault(format!("champ «\u{202f}{key}\u{202f}» invalide"))
}

fn object(value: &Value) -> Result<&Object, Fault> {
    value
        .as_object()
        .ok_or_else(|| Fault("objet attendu".into()))
}

fn required<'a>(o: &'a Object, key: &str) -> Result<&'a Value, Fault> {
    o.get(key)
        .ok_or_else(|| Fault(format!("champ «\u{202f}{key}\u{202f}» manquant")))
}

/// A field that may be missing or null.
fn optional<'a>(o: &'a Object, key: &str) -> Option<&'a Value> {
    o.get(key).filter(|v| !v.is_null())
}

fn string(o: &Object, key: &str) -> Result<String, Fault> {
    required(o, key)?
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| invalid(key))
}

fn optional_string(o: &Object, key: &str) -> Result<Option<String>, Fault> {
    optional(o, key)
        .map(|v| v.as_str().map(str::to_owned).ok_or_else(|| invalid(key)))
        .transpose()
}

fn number(o: &Object, key: &str) -> Result<u32, Fault> {
    required(o, key)?
        .as_u64()
        .and_then(|n| u32::try_from(n).ok())
        .ok_or_else(|| invalid(key))
}

fn flag(o: &Object, key: &str) -> Result<bool, Fault> {
    optional(o, key).map_or(Ok(false), |v| v.as_bool().ok_or_else(|| invalid(key)))
}

fn array<'a>(value: &'a Value, key: &str) -> Result<&'a [Value], Fault> {
    value
        .as_array()
        .map(Vec::as_slice)
        .ok_or_else(|| invalid(key))
}

fn list<'a>(o: &'a Object, key: &str) -> Result<&'a [Value], Fault> {
    array(required(o, key)?, key)
}

fn optional_list<'a>(o: &'a Object, key: &str) -> Result<&'a [Value], Fault> {
    optional(o, key).map_or(Ok(&[]), |v| array(v, key))
}

fn meta(value: &Value) -> Result<ArticleMeta, Fault> {
    let o = object(value)?;
    Ok(ArticleMeta {
        slug: string(o, "slug")?,
        title: string(o, "title")?,
        summary: string(o, "summary")?,
        author: optional_string(o, "author")?,
        date: optional_string(o, "date")?,
        words: number(o, "words")?,
        reading_minutes: number(o, "minutes")?,
        text_len: number(o, "len")?,
    })
}

fn neighbour(o: &Object, key: &str) -> Result<Option<Neighbour>, Fault> {
    let Some(value) = optional(o, key) else {
        return Ok(None);
    };
    let n = object(value)?;
    Ok(Some(Neighbour {
        slug: string(n, "slug")?,
        title: string(n, "title")?,
    }))
}

/// An article file, its plain text left empty (see [`Article::parse`]).
fn read_article(json: &str) -> Result<Article, Fault> {
    let root: Value = serde_json::from_str(json)?;
    let root = object(&root)?;
    let comments = optional_list(root, "comments")?.iter().map(|c| {
        let c = object(c)?;
        Ok(Comment {
            byline: string(c, "byline")?,
            blocks: blocks(list(c, "blocks")?)?,
        })
    });
    Ok(Article {
        meta: meta(required(root, "meta")?)?,
        previous: neighbour(root, "previous")?,
        next: neighbour(root, "next")?,
        body: blocks(list(root, "body")?)?,
        about: blocks(optional_list(root, "about")?)?,
        comments: comments.collect::<Result<_, Fault>>()?,
        plain_text: String::new(),
    })
}

/// Blocks as the build writes them: one-letter tags, `{"p":[runs]}`, `{"h":[level,[runs]]}`,
/// `{"l":{"start":n,"items":[[blocks]]}}`, `"r"` (serde's externally tagged enum).
fn blocks(values: &[Value]) -> Result<Vec<Block>, Fault> {
    values.iter().map(block).collect()
}

fn block(value: &Value) -> Result<Block, Fault> {
    if value.as_str() == Some("r") {
        return Ok(Block::Rule);
    }
    let mut entries = object(value)?.iter();
    let (Some((tag, inner)), None) = (entries.next(), entries.next()) else {
        return Err(Fault("bloc inconnu".into()));
    };
    let tag = tag.as_str();
    Ok(match tag {
        "p" => Block::Paragraph(runs(array(inner, tag)?)?),
        "c" => Block::Code(runs(array(inner, tag)?)?),
        "q" => Block::Quote(blocks(array(inner, tag)?)?),
        "h" => match array(inner, tag)? {
            [level, text] => Block::Heading(
                level
                    .as_u64()
                    .and_then(|l| u8::try_from(l).ok())
                    .ok_or_else(|| invalid(tag))?,
                runs(array(text, tag)?)?,
            ),
            _ => return Err(invalid(tag)),
        },
        "l" => {
            let list_ = object(inner)?;
            let start = optional(list_, "start")
                .map(|s| s.as_u64().ok_or_else(|| invalid("start")))
                .transpose()?;
            let items = list(list_, "items")?
                .iter()
                .map(|item| blocks(array(item, "items")?))
                .collect::<Result<_, Fault>>()?;
            Block::List { start, items }
        }
        _ => return Err(Fault(format!("bloc «\u{202f}{tag}\u{202f}» inconnu"))),
    })
}

fn runs(values: &[Value]) -> Result<Vec<Run>, Fault> {
    values
        .iter()
        .map(|value| {
            let o = object(value)?;
            Ok(Run {
                text: string(o, "t")?,
                start: number(o, "s")?,
                emphasis: flag(o, "e")?,
                strong: flag(o, "b")?,
                code: flag(o, "c")?,
                link: optional_string(o, "a")?,
            })
        })
        .collect()
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

    /// A run's JSON as `build/emit.rs` writes it: flags and link only when set.
    fn run_json(r: &Run) -> Value {
        let mut o = serde_json::json!({ "t": r.text, "s": r.start });
        for (key, on) in [("e", r.emphasis), ("b", r.strong), ("c", r.code)] {
            if on {
                o[key] = Value::Bool(true);
            }
        }
        if let Some(link) = &r.link {
            o["a"] = Value::from(link.as_str());
        }
        o
    }

    fn block_json(b: &Block) -> Value {
        let runs = |rs: &[Run]| Value::from(rs.iter().map(run_json).collect::<Vec<_>>());
        let blocks = |bs: &[Block]| Value::from(bs.iter().map(block_json).collect::<Vec<_>>());
        match b {
            Block::Paragraph(rs) => serde_json::json!({ "p": runs(rs) }),
            Block::Heading(level, rs) => serde_json::json!({ "h": [level, runs(rs)] }),
            Block::Code(rs) => serde_json::json!({ "c": runs(rs) }),
            Block::Quote(inner) => serde_json::json!({ "q": blocks(inner) }),
            Block::List { start, items } => {
                let items: Vec<Value> = items.iter().map(|i| blocks(i)).collect();
                match start {
                    Some(n) => serde_json::json!({ "l": { "start": n, "items": items } }),
                    None => serde_json::json!({ "l": { "items": items } }),
                }
            }
            Block::Rule => Value::from("r"),
        }
    }

    fn run_strategy() -> impl proptest::strategy::Strategy<Value = Run> {
        use proptest::prelude::*;
        (
            "[a-zé’ \"\\\\<>&\n\u{a0}😀]{0,12}",
            0u32..100_000,
            any::<(bool, bool, bool)>(),
            proptest::option::of("[a-z:/.#?=&]{1,20}"),
        )
            .prop_map(|(text, start, (emphasis, strong, code), link)| Run {
                text,
                start,
                emphasis,
                strong,
                code,
                link,
            })
    }

    fn block_strategy() -> impl proptest::strategy::Strategy<Value = Block> {
        use proptest::prelude::*;
        let runs = || proptest::collection::vec(run_strategy(), 0..4);
        let leaf = prop_oneof![
            runs().prop_map(Block::Paragraph),
            (1u8..=6, runs()).prop_map(|(l, rs)| Block::Heading(l, rs)),
            runs().prop_map(Block::Code),
            Just(()).prop_map(|()| Block::Rule),
        ];
        leaf.prop_recursive(3, 24, 4, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..3).prop_map(Block::Quote),
                (
                    proptest::option::of(0u64..10_000),
                    proptest::collection::vec(proptest::collection::vec(inner, 0..3), 0..3)
                )
                    .prop_map(|(start, items)| Block::List { start, items }),
            ]
        })
    }

    proptest::proptest! {
        /// Whatever blocks the build writes, in the shape it writes them, read back the same.
        #[test]
        fn blocks_read_back_as_written(written in proptest::collection::vec(block_strategy(), 0..5)) {
            let json: Vec<Value> = written.iter().map(block_json).collect();
            let text = serde_json::to_string(&json).unwrap();
            let value: Value = serde_json::from_str(&text).unwrap();
            let read = blocks(value.as_array().unwrap()).map_err(|e| e.to_string()).unwrap();
            proptest::prop_assert_eq!(read, written);
        }
    }

    #[test]
    fn every_field_an_article_may_have_is_read() {
        let json = r#"{"meta":{"slug":"s","title":"T","summary":"R","author":"A","date":"2024",
            "words":3,"minutes":1,"len":8},"previous":{"slug":"p","title":"P"},"next":null,
            "body":[{"h":[2,[{"t":"Un","s":0,"e":true}]]},"r",{"p":[{"t":"deux","s":4,"b":true,
            "c":true,"a":"https://x.fr/?a=1&b=2"}]}],"about":[{"p":[{"t":"bio","s":0}]}],
            "comments":[{"byline":"","blocks":[{"q":[{"p":[{"t":"c","s":0}]}]}]}],
            "future":"a field of a later build is ignored"}"#;
        let a = Article::parse(json).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(a.meta.author.as_deref(), Some("A"));
        assert_eq!(
            (a.meta.words, a.meta.reading_minutes, a.meta.text_len),
            (3, 1, 8)
        );
        assert_eq!(a.previous.as_ref().map(|p| p.title.as_str()), Some("P"));
        assert_eq!(a.next, None);
        assert_eq!(a.plain_text, "Un\n\ndeux");
        assert!(matches!(&a.body[0], Block::Heading(2, rs) if rs[0].emphasis && !rs[0].strong));
        assert_eq!(a.body[1], Block::Rule);
        let Block::Paragraph(rs) = &a.body[2] else {
            panic!("{:?}", a.body[2])
        };
        assert!(rs[0].strong && rs[0].code && !rs[0].emphasis);
        assert_eq!(rs[0].link.as_deref(), Some("https://x.fr/?a=1&b=2"));
        assert_eq!(a.about.len(), 1);
        assert_eq!(a.comments[0].byline, "");
        assert!(matches!(&a.comments[0].blocks[0], Block::Quote(inner) if inner.len() == 1));
    }

    #[test]
    fn a_field_missing_or_of_the_wrong_kind_is_refused_with_its_name() {
        let good =
            bundled::file(&format!("a/{}.json", bundled::library().articles[0].slug)).unwrap();
        for (from, to, says) in [
            ("\"slug\":", "\"slug_\":", "«\u{202f}slug\u{202f}» manquant"),
            (
                "\"words\":",
                "\"words\":\"1\",\"w\":",
                "«\u{202f}words\u{202f}» invalide",
            ),
            (
                "\"body\":[",
                "\"body\":[{\"z\":[]},",
                "bloc «\u{202f}z\u{202f}» inconnu",
            ),
            (
                "\"body\":[",
                "\"body\":[{\"p\":[],\"c\":[]},",
                "bloc inconnu",
            ),
            (
                "\"body\":[",
                "\"body\":[{\"h\":[300,[]]},",
                "«\u{202f}h\u{202f}» invalide",
            ),
            ("{\"t\":", "{\"e\":1,\"t\":", "«\u{202f}e\u{202f}» invalide"),
            ("\"s\":0", "\"s\":-1", "«\u{202f}s\u{202f}» invalide"),
        ] {
            assert!(good.contains(from), "{from}");
            let err = Article::parse(&good.replacen(from, to, 1)).unwrap_err();
            assert!(
                err.starts_with("article illisible") && err.contains(says),
                "{to}: {err}"
            );
        }
        let library = bundled::file("library.json").unwrap();
        let err = Library::parse(&library.replacen("\"len\":", "\"len\":null,\"l\":", 1));
        assert!(err.unwrap_err().contains("«\u{202f}len\u{202f}» invalide"));
    }
}
