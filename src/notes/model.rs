//! The data a reader creates: highlights (with W3C-style selectors) and article notes.

use serde::{de::MapAccess, Deserialize, Serialize};
use serde_json::{Map, Value};

use super::fields::{self, Fields};

/// Chars of context kept before and after a quote (W3C TextQuoteSelector prefix/suffix).
pub const CONTEXT_CHARS: usize = 32;

/// Stored by its name (`as_str`). Read and written by hand: the derived enum code costs the
/// first visit's wasm more than a string.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Color {
    #[default]
    Jaune,
    Vert,
    Bleu,
    Rose,
}

impl Serialize for Color {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Color {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Color, D::Error> {
        let name = String::deserialize(deserializer)?;
        Color::from_name(&name).ok_or_else(|| {
            serde::de::Error::unknown_variant(&name, &["yellow", "green", "blue", "pink"])
        })
    }
}

impl Color {
    pub const ALL: [Color; 4] = [Color::Jaune, Color::Vert, Color::Bleu, Color::Rose];

    /// The stored name, also used in CSS classes.
    pub fn as_str(self) -> &'static str {
        match self {
            Color::Jaune => "yellow",
            Color::Vert => "green",
            Color::Bleu => "blue",
            Color::Rose => "pink",
        }
    }

    /// The classes of a highlight's `<mark>`.
    pub fn mark_class(self) -> &'static str {
        match self {
            Color::Jaune => "hl hl-yellow",
            Color::Vert => "hl hl-green",
            Color::Bleu => "hl hl-blue",
            Color::Rose => "hl hl-pink",
        }
    }

    pub fn label_fr(self) -> &'static str {
        match self {
            Color::Jaune => "Jaune",
            Color::Vert => "Vert",
            Color::Bleu => "Bleu",
            Color::Rose => "Rose",
        }
    }

    pub fn from_name(name: &str) -> Option<Color> {
        Color::ALL.into_iter().find(|c| c.as_str() == name)
    }
}

/// The quoted text and its surroundings: finds the passage again after the text changed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct TextQuote {
    pub exact: String,
    pub prefix: String,
    pub suffix: String,
    /// Fields unknown to this version (a newer one may add some): kept as they are.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Where the passage was, in chars of the plain text; `end` is exclusive.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct TextPosition {
    pub start: usize,
    pub end: usize,
    /// Fields unknown to this version: kept as they are.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Highlight {
    pub id: String,
    /// The article's slug.
    pub article: String,
    pub color: Color,
    pub note: String,
    /// Milliseconds since the epoch.
    pub created: i64,
    /// Milliseconds since the epoch; the newer edit of a highlight wins a merge.
    pub updated: i64,
    /// A deletion marker: kept so that other tabs and imports learn of the deletion.
    #[serde(skip_serializing_if = "is_false")]
    pub deleted: bool,
    pub quote: TextQuote,
    pub position: TextPosition,
    /// Fields written by another version, kept as they are.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ArticleNote {
    pub text: String,
    pub updated: i64,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Everything stored for one article.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ArticleRecord {
    pub highlights: Vec<Highlight>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<ArticleNote>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

// Each type reads the fields it knows and keeps the rest (`fields`: no derived `flatten`).
// Fields absent from `REQUIRED` default when absent.
impl Fields for TextQuote {
    const WHAT: &'static str = "a text quote";
    const REQUIRED: &'static [&'static str] = &["exact"];
    fn read_field<'de, A: MapAccess<'de>>(
        &mut self,
        key: &str,
        map: &mut A,
    ) -> Result<bool, A::Error> {
        match key {
            "exact" => self.exact = map.next_value()?,
            "prefix" => self.prefix = map.next_value()?,
            "suffix" => self.suffix = map.next_value()?,
            _ => return Ok(false),
        }
        Ok(true)
    }
    fn extra(&mut self) -> &mut Map<String, Value> {
        &mut self.extra
    }
}

impl Fields for TextPosition {
    const WHAT: &'static str = "a text position";
    const REQUIRED: &'static [&'static str] = &["start", "end"];
    fn read_field<'de, A: MapAccess<'de>>(
        &mut self,
        key: &str,
        map: &mut A,
    ) -> Result<bool, A::Error> {
        match key {
            "start" => self.start = map.next_value()?,
            "end" => self.end = map.next_value()?,
            _ => return Ok(false),
        }
        Ok(true)
    }
    fn extra(&mut self) -> &mut Map<String, Value> {
        &mut self.extra
    }
}

impl Fields for Highlight {
    const WHAT: &'static str = "a highlight";
    const REQUIRED: &'static [&'static str] = &[
        "id", "article", "color", "created", "updated", "quote", "position",
    ];
    fn read_field<'de, A: MapAccess<'de>>(
        &mut self,
        key: &str,
        map: &mut A,
    ) -> Result<bool, A::Error> {
        match key {
            "id" => self.id = map.next_value()?,
            "article" => self.article = map.next_value()?,
            "color" => self.color = map.next_value()?,
            "note" => self.note = map.next_value()?,
            "created" => self.created = map.next_value()?,
            "updated" => self.updated = map.next_value()?,
            "deleted" => self.deleted = map.next_value()?,
            "quote" => self.quote = map.next_value()?,
            "position" => self.position = map.next_value()?,
            _ => return Ok(false),
        }
        Ok(true)
    }
    fn extra(&mut self) -> &mut Map<String, Value> {
        &mut self.extra
    }
}

impl Fields for ArticleNote {
    const WHAT: &'static str = "an article's note";
    const REQUIRED: &'static [&'static str] = &["text", "updated"];
    fn read_field<'de, A: MapAccess<'de>>(
        &mut self,
        key: &str,
        map: &mut A,
    ) -> Result<bool, A::Error> {
        match key {
            "text" => self.text = map.next_value()?,
            "updated" => self.updated = map.next_value()?,
            _ => return Ok(false),
        }
        Ok(true)
    }
    fn extra(&mut self) -> &mut Map<String, Value> {
        &mut self.extra
    }
}

impl Fields for ArticleRecord {
    const WHAT: &'static str = "an article's record";
    const REQUIRED: &'static [&'static str] = &[];
    fn read_field<'de, A: MapAccess<'de>>(
        &mut self,
        key: &str,
        map: &mut A,
    ) -> Result<bool, A::Error> {
        match key {
            "highlights" => self.highlights = map.next_value()?,
            "note" => self.note = map.next_value()?,
            _ => return Ok(false),
        }
        Ok(true)
    }
    fn extra(&mut self) -> &mut Map<String, Value> {
        &mut self.extra
    }
}

macro_rules! deserialize_by_fields {
    ($($type:ty),*) => {$(
        impl<'de> Deserialize<'de> for $type {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<$type, D::Error> {
                fields::deserialize(deserializer)
            }
        }
    )*};
}
deserialize_by_fields!(
    TextQuote,
    TextPosition,
    Highlight,
    ArticleNote,
    ArticleRecord
);

impl ArticleRecord {
    /// The record as the article it is kept under has it: each highlight's `article` is that
    /// one, since it is anchored and shown there. A highlight naming another (stored by hand,
    /// or by an older build) would otherwise go out in an export that import then refused.
    pub fn filed_under(mut self, slug: &str) -> ArticleRecord {
        for h in self.highlights.iter_mut().filter(|h| h.article != slug) {
            h.article = slug.to_string();
        }
        self
    }

    /// Highlights that are not deleted.
    pub fn live(&self) -> impl Iterator<Item = &Highlight> {
        self.highlights.iter().filter(|h| !h.deleted)
    }
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// A new highlight of `text[start..end)` (chars), with its quote and context.
pub fn new_highlight(
    id: String,
    article: String,
    color: Color,
    text: &str,
    start: usize,
    end: usize,
    now: i64,
) -> Highlight {
    let chars: Vec<char> = text.chars().collect();
    let end = end.min(chars.len());
    let start = start.min(end);
    let collect = |from: usize, to: usize| chars[from..to].iter().collect::<String>();
    Highlight {
        id,
        article,
        color,
        note: String::new(),
        created: now,
        updated: now,
        deleted: false,
        quote: TextQuote {
            exact: collect(start, end),
            prefix: collect(start.saturating_sub(CONTEXT_CHARS), start),
            suffix: collect(end, (end + CONTEXT_CHARS).min(chars.len())),
            ..Default::default()
        },
        position: TextPosition {
            start,
            end,
            ..Default::default()
        },
        extra: Map::new(),
    }
}

/// A short, URL-safe id from the time and caller-supplied randomness.
pub fn make_id(now_ms: i64, random: u64) -> String {
    format!(
        "{}{}",
        base36(now_ms.max(0) as u64),
        base36(random % 36u64.pow(8))
    )
}

fn base36(mut n: u64) -> String {
    const DIGITS: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut out = Vec::new();
    loop {
        out.push(DIGITS[(n % 36) as usize]);
        n /= 36;
        if n == 0 {
            break;
        }
    }
    out.reverse();
    String::from_utf8(out).expect("ASCII digits")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_highlight_takes_quote_and_context_in_chars() {
        let text = "Là où l’éthique commence, la vente change.";
        let h = new_highlight("a".into(), "s".into(), Color::Vert, text, 6, 15, 7);
        assert_eq!(h.quote.exact, "l’éthique");
        assert_eq!(h.quote.prefix, "Là où ");
        assert_eq!(h.quote.suffix, " commence, la vente change.");
        assert_eq!((h.created, h.updated), (7, 7));
        let long = "x".repeat(100);
        let h = new_highlight("b".into(), "s".into(), Color::Rose, &long, 50, 60, 0);
        assert_eq!(h.quote.prefix.chars().count(), CONTEXT_CHARS);
        assert_eq!(h.quote.suffix.chars().count(), CONTEXT_CHARS);
    }

    #[test]
    fn colors_round_trip_by_name() {
        for c in Color::ALL {
            assert_eq!(Color::from_name(c.as_str()), Some(c));
            assert_eq!(
                serde_json::to_string(&c).unwrap(),
                format!("\"{}\"", c.as_str())
            );
            let name = format!("\"{}\"", c.as_str());
            assert_eq!(serde_json::from_str::<Color>(&name).unwrap(), c);
        }
        for other in ["\"orange\"", "\"Green\"", "1", "null", "{\"green\":null}"] {
            assert!(serde_json::from_str::<Color>(other).is_err(), "{other}");
        }
    }

    #[test]
    fn ids_are_url_safe_and_distinct() {
        let a = make_id(1_700_000_000_000, 1);
        let b = make_id(1_700_000_000_000, 2);
        assert_ne!(a, b);
        assert!(a.chars().all(|c| c.is_ascii_alphanumeric()));
    }
}
