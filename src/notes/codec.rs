//! The stored form of one article's record: a value under `liseuse:article:<slug>` holding
//! `{"schema": 2, "article": "<slug>", "record": {...}}`. Older schemas are migrated on read by
//! a chain of steps (`v1_to_v2`, then any later one); a newer schema is refused, so that the
//! caller never overwrites data it does not understand. Unknown fields are kept.

use super::model::{ArticleNote, ArticleRecord, Color, Highlight, TextPosition, TextQuote};
use serde::{
    de::{IgnoredAny, MapAccess, SeqAccess, Visitor},
    Deserialize, Deserializer, Serialize,
};
use serde_json::{Map, Value};
use std::fmt;

pub const SCHEMA: u64 = 2;
const KEY_PREFIX: &str = "liseuse:article:";

pub fn article_key(slug: &str) -> String {
    format!("{KEY_PREFIX}{slug}")
}

pub fn slug_from_key(key: &str) -> Option<&str> {
    key.strip_prefix(KEY_PREFIX).filter(|s| !s.is_empty())
}

/// The stored value as written.
#[derive(Serialize)]
struct EnvelopeOut<'a> {
    schema: u64,
    article: &'a str,
    record: &'a ArticleRecord,
}

/// The stored value as read, once its schema is known to be the current one. Fields beside
/// these three are not Liseuse's to keep (those of a record are: `ArticleRecord::extra`).
#[derive(Deserialize)]
struct Envelope {
    article: String,
    record: ArticleRecord,
}

/// What a stored value says of itself, read before the rest: whether it is Liseuse's, and in
/// which schema. Read straight from the text (no `serde_json::Value` in between: that tree and
/// its deserializer cost the first visit ~20 kB of wasm).
enum Head {
    NotAnObject,
    NoSchema,
    Schema(u64),
}

impl<'de> Deserialize<'de> for Head {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(HeadVisitor)
    }
}

struct HeadVisitor;

impl<'de> Visitor<'de> for HeadVisitor {
    type Value = Head;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Head, A::Error> {
        let mut head = Head::NoSchema;
        while let Some(key) = map.next_key::<String>()? {
            if key == "schema" {
                // Not a whole number: an error, which `decode` tells as corrupt.
                head = Head::Schema(map.next_value()?);
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(head)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Head, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Head::NotAnObject)
    }

    fn visit_bool<E>(self, _: bool) -> Result<Head, E> {
        Ok(Head::NotAnObject)
    }

    fn visit_i64<E>(self, _: i64) -> Result<Head, E> {
        Ok(Head::NotAnObject)
    }

    fn visit_u64<E>(self, _: u64) -> Result<Head, E> {
        Ok(Head::NotAnObject)
    }

    fn visit_f64<E>(self, _: f64) -> Result<Head, E> {
        Ok(Head::NotAnObject)
    }

    fn visit_str<E>(self, _: &str) -> Result<Head, E> {
        Ok(Head::NotAnObject)
    }

    fn visit_unit<E>(self) -> Result<Head, E> {
        Ok(Head::NotAnObject)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Decoded {
    pub article: String,
    pub record: ArticleRecord,
    /// The schema it was stored in, when a migration ran.
    pub migrated_from: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecodeError {
    /// Not JSON, or not the shape of its schema.
    Corrupt { reason: String },
    /// Written by a newer Liseuse.
    NewerVersion { found: u64 },
    /// JSON, but not Liseuse's.
    Foreign,
}

impl DecodeError {
    pub fn message_fr(&self) -> String {
        match self {
            DecodeError::Corrupt { .. } => "les données enregistrées sont illisibles".into(),
            DecodeError::NewerVersion { found } => format!(
                "elles ont été enregistrées par une version plus récente de Liseuse (format {found}) \
                 et sont conservées telles quelles."
            ),
            DecodeError::Foreign => "les données enregistrées ne viennent pas de Liseuse".into(),
        }
    }
}

pub fn encode(slug: &str, record: &ArticleRecord) -> String {
    let envelope = EnvelopeOut {
        schema: SCHEMA,
        article: slug,
        record,
    };
    serde_json::to_string(&envelope).expect("records serialize")
}

pub fn decode(raw: &str) -> Result<Decoded, DecodeError> {
    let corrupt = |e: serde_json::Error| DecodeError::Corrupt {
        reason: e.to_string(),
    };
    match serde_json::from_str(raw).map_err(corrupt)? {
        Head::NotAnObject | Head::NoSchema => Err(DecodeError::Foreign),
        Head::Schema(SCHEMA) => {
            let envelope: Envelope = serde_json::from_str(raw).map_err(corrupt)?;
            Ok(Decoded {
                article: envelope.article,
                record: envelope.record,
                migrated_from: None,
            })
        }
        Head::Schema(s) if s > SCHEMA => Err(DecodeError::NewerVersion { found: s }),
        Head::Schema(1) => v1_to_v2(raw),
        Head::Schema(other) => Err(DecodeError::Corrupt {
            reason: format!("unknown schema {other}"),
        }),
    }
}

/// Schema 1 (flat, no context, one time per highlight):
/// `{"schema":1,"highlights":[{"id","slug","colour","text","start","end","note","time"}],"note":"…"}`.
/// Read through `Value` (already in the first visit's wasm for the stored notes) rather than by
/// derived types, which cost more there for a format only read once, at migration.
fn v1_to_v2(raw: &str) -> Result<Decoded, DecodeError> {
    let corrupt = |reason: String| DecodeError::Corrupt { reason };
    let old: Value = serde_json::from_str(raw).map_err(|e| corrupt(e.to_string()))?;
    let field = |key: &str| corrupt(format!("schema 1: `{key}` missing or invalid"));
    // `optional`: absent is empty, as the format's `note`s were.
    let text = |v: &Value, key: &str, optional: bool| match v.get(key) {
        None if optional => Ok(String::new()),
        Some(Value::String(s)) => Ok(s.clone()),
        _ => Err(field(key)),
    };
    let offset = |v: &Value, key: &str| {
        v.get(key)
            .and_then(Value::as_u64)
            .and_then(|n| usize::try_from(n).ok())
            .ok_or_else(|| field(key))
    };
    let old_highlights: &[Value] = match old.get("highlights") {
        None => &[],
        Some(list) => list.as_array().ok_or_else(|| field("highlights"))?,
    };
    let mut highlights = Vec::with_capacity(old_highlights.len());
    for h in old_highlights {
        let time = h
            .get("time")
            .and_then(Value::as_i64)
            .ok_or_else(|| field("time"))?;
        let colour = text(h, "colour", false)?;
        highlights.push(Highlight {
            color: Color::from_name(&colour)
                .ok_or_else(|| corrupt(format!("unknown colour {colour}")))?,
            id: text(h, "id", false)?,
            article: text(h, "slug", false)?,
            note: text(h, "note", true)?,
            created: time,
            updated: time,
            deleted: false,
            quote: TextQuote {
                exact: text(h, "text", false)?,
                ..Default::default()
            },
            position: TextPosition {
                start: offset(h, "start")?,
                end: offset(h, "end")?,
                ..Default::default()
            },
            extra: Map::new(),
        });
    }
    let article = highlights
        .first()
        .map(|h| h.article.clone())
        .unwrap_or_default();
    let latest = highlights.iter().map(|h| h.updated).max().unwrap_or(0);
    let note = text(&old, "note", true)?;
    let note = (!note.is_empty()).then(|| ArticleNote {
        text: note,
        updated: latest,
        extra: Map::new(),
    });
    Ok(Decoded {
        article,
        record: ArticleRecord {
            highlights,
            note,
            extra: Map::new(),
        },
        migrated_from: Some(1),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notes::merge::tests::record_strategy;
    use proptest::prelude::*;
    use serde_json::Value;

    #[test]
    fn keys_name_the_article() {
        assert_eq!(article_key("un-titre"), "liseuse:article:un-titre");
        assert_eq!(slug_from_key("liseuse:article:un-titre"), Some("un-titre"));
        assert_eq!(slug_from_key("liseuse:article:"), None);
        assert_eq!(slug_from_key("autre:clé"), None);
    }

    #[test]
    fn errors_are_told_apart() {
        assert!(matches!(
            decode("{pas du json"),
            Err(DecodeError::Corrupt { .. })
        ));
        assert_eq!(decode("[1,2]"), Err(DecodeError::Foreign));
        assert_eq!(decode(r#"{"theme":"dark"}"#), Err(DecodeError::Foreign));
        assert_eq!(
            decode(r#"{"schema":9,"whatever":true}"#),
            Err(DecodeError::NewerVersion { found: 9 })
        );
        assert!(matches!(
            decode(r#"{"schema":2,"article":"a","record":{"highlights":3}}"#),
            Err(DecodeError::Corrupt { .. })
        ));
        assert!(matches!(
            decode(r#"{"schema":"2"}"#),
            Err(DecodeError::Corrupt { .. })
        ));
        for e in [
            DecodeError::Foreign,
            DecodeError::NewerVersion { found: 3 },
            DecodeError::Corrupt { reason: "x".into() },
        ] {
            assert!(e.message_fr().len() > 20);
        }
    }

    #[test]
    fn the_schema_is_found_wherever_it_is() {
        for raw in [
            "null",
            "true",
            "12",
            "-3",
            "1.5",
            r#""texte""#,
            "[]",
            r#"[{"schema":2}]"#,
        ] {
            assert_eq!(decode(raw), Err(DecodeError::Foreign), "{raw}");
        }
        for raw in [
            r#"{"schema":-1}"#,
            r#"{"schema":2.5}"#,
            r#"{"schema":null}"#,
            r#"{"schema":2}"#,
            r#"{"schema":0}"#,
            r#"{"schema":2,"article":"a","record":{}} trailing"#,
            r#"{"schema":1,"highlights":[{"id":"h"}]}"#,
        ] {
            assert!(
                matches!(decode(raw), Err(DecodeError::Corrupt { .. })),
                "{raw}"
            );
        }
        let later =
            r#"{"x":[1,{"schema":9}],"record":{"highlights":[]},"sch\u0065ma":2,"article":"a"}"#;
        let d = decode(later).unwrap();
        assert_eq!((d.article.as_str(), d.migrated_from), ("a", None));
    }

    #[test]
    fn schema_1_migrates_to_2() {
        let v1 = r#"{"schema":1,"highlights":[{"id":"h1","slug":"essai","colour":"green","text":"la confiance","start":3,"end":15,"note":"à relire","time":1700}],"note":"Bel article"}"#;
        let d = decode(v1).unwrap();
        assert_eq!(d.migrated_from, Some(1));
        assert_eq!(d.article, "essai");
        let h = &d.record.highlights[0];
        assert_eq!(
            (h.color, h.note.as_str(), h.created, h.updated),
            (Color::Vert, "à relire", 1700, 1700)
        );
        assert_eq!(h.quote.exact, "la confiance");
        assert_eq!((h.position.start, h.position.end), (3, 15));
        assert_eq!(d.record.note.as_ref().unwrap().text, "Bel article");
        // What the format's readers refused is refused; what it left out is empty.
        for bad in [
            r#"{"schema":1,"highlights":null}"#,
            r#"{"schema":1,"note":null}"#,
            r#"{"schema":1,"highlights":[{"id":"h","slug":"s","colour":"green","text":"t","start":0,"end":1}]}"#,
            r#"{"schema":1,"highlights":[{"id":"h","slug":"s","colour":"green","text":"t","start":-1,"end":1,"time":1}]}"#,
            r#"{"schema":1,"highlights":[{"id":"h","slug":"s","colour":"orange","text":"t","start":0,"end":1,"time":1}]}"#,
            r#"{"schema":1,"highlights":[{"id":"h","slug":"s","colour":"green","text":"t","start":0,"end":1,"time":1,"note":null}]}"#,
        ] {
            assert!(
                matches!(decode(bad), Err(DecodeError::Corrupt { .. })),
                "{bad}"
            );
        }
        let bare = decode(r#"{"schema":1}"#).unwrap();
        assert_eq!((bare.record.highlights.len(), bare.record.note), (0, None));
        let no_note = decode(r#"{"schema":1,"highlights":[{"id":"h","slug":"s","colour":"blue","text":"t","start":0,"end":1,"time":5}]}"#).unwrap();
        assert_eq!(no_note.record.highlights[0].note, "");
        // Once migrated, it is stored in the current schema and reads back the same.
        let again = decode(&encode("essai", &d.record)).unwrap();
        assert_eq!((again.record, again.migrated_from), (d.record, None));
    }

    #[test]
    fn unknown_fields_survive_a_round_trip() {
        let raw = r#"{"schema":2,"article":"a","record":{"highlights":[{"id":"x","article":"a","color":"blue","note":"","created":1,"updated":2,"quote":{"exact":"mot","prefix":"","suffix":"","lang":"fr"},"position":{"start":0,"end":3,"block":0},"futur":{"k":[1,2]}}],"tags":["x"]}}"#;
        let d = decode(raw).unwrap();
        let back: Value = serde_json::from_str(&encode("a", &d.record)).unwrap();
        // Inside a highlight's selectors too (a newer version may add to them).
        assert_eq!(back["record"]["highlights"][0]["quote"]["lang"], "fr");
        assert_eq!(back["record"]["highlights"][0]["position"]["block"], 0);
        assert_eq!(back["record"]["highlights"][0]["quote"]["exact"], "mot");
        assert_eq!(
            back["record"]["highlights"][0]["futur"],
            serde_json::json!({"k":[1,2]})
        );
        assert_eq!(back["record"]["tags"], serde_json::json!(["x"]));
    }

    proptest! {
        #[test]
        fn encode_then_decode_is_identity(record in record_strategy(), slug in "[a-z0-9-]{1,20}") {
            let d = decode(&encode(&slug, &record)).unwrap();
            prop_assert_eq!(d.record, record);
            prop_assert_eq!(d.article, slug);
        }

        #[test]
        fn decode_never_panics(raw in ".{0,200}") {
            let _ = decode(&raw);
        }

        #[test]
        fn decode_never_panics_on_json_like_input(raw in r#"[{}\[\]":,0-9a-z ]{0,120}"#) {
            let _ = decode(&format!(r#"{{"schema":2,"article":"a","record":{raw}}}"#));
            let _ = decode(&format!(r#"{{"schema":1,{raw}}}"#));
        }
    }
}
