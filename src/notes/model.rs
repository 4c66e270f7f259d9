//! The data a reader creates: highlights (with W3C-style selectors) and article notes.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Chars of context kept before and after a quote (W3C TextQuoteSelector prefix/suffix).
pub const CONTEXT_CHARS: usize = 32;

/// Stored by its name (`as_str`). Read and written by hand: the derived enum code costs the
/// first visit's wasm more than a string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Color {
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

// Read by hand, not derived: a derived `flatten` buffers every field of every highlight's
// selectors before reading them (an article with 1,000 highlights rendered 13 % slower).
// Unknown fields are kept in `extra` all the same.
impl<'de> Deserialize<'de> for TextQuote {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<TextQuote, D::Error> {
        struct Fields;
        impl<'de> serde::de::Visitor<'de> for Fields {
            type Value = TextQuote;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a text quote")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<TextQuote, A::Error> {
                let mut quote = TextQuote::default();
                let mut exact = None;
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        "exact" => exact = Some(map.next_value()?),
                        "prefix" => quote.prefix = map.next_value()?,
                        "suffix" => quote.suffix = map.next_value()?,
                        _ => {
                            quote.extra.insert(key, map.next_value()?);
                        }
                    }
                }
                quote.exact = exact.ok_or_else(|| serde::de::Error::missing_field("exact"))?;
                Ok(quote)
            }
        }
        deserializer.deserialize_map(Fields)
    }
}

impl<'de> Deserialize<'de> for TextPosition {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<TextPosition, D::Error> {
        struct Fields;
        impl<'de> serde::de::Visitor<'de> for Fields {
            type Value = TextPosition;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a text position")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<TextPosition, A::Error> {
                let (mut start, mut end, mut extra) = (None, None, Map::new());
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        "start" => start = Some(map.next_value()?),
                        "end" => end = Some(map.next_value()?),
                        _ => {
                            extra.insert(key, map.next_value()?);
                        }
                    }
                }
                Ok(TextPosition {
                    start: start.ok_or_else(|| serde::de::Error::missing_field("start"))?,
                    end: end.ok_or_else(|| serde::de::Error::missing_field("end"))?,
                    extra,
                })
            }
        }
        deserializer.deserialize_map(Fields)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Highlight {
    pub id: String,
    /// The article's slug.
    pub article: String,
    pub color: Color,
    #[serde(default)]
    pub note: String,
    /// Milliseconds since the epoch.
    pub created: i64,
    /// Milliseconds since the epoch; the newer edit of a highlight wins a merge.
    pub updated: i64,
    /// A deletion marker: kept so that other tabs and imports learn of the deletion.
    #[serde(default, skip_serializing_if = "is_false")]
    pub deleted: bool,
    pub quote: TextQuote,
    pub position: TextPosition,
    /// Fields written by another version, kept as they are.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArticleNote {
    pub text: String,
    pub updated: i64,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Everything stored for one article.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ArticleRecord {
    #[serde(default)]
    pub highlights: Vec<Highlight>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<ArticleNote>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl ArticleRecord {
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
