//! The stored form of one article's record: a value under `liseuse:article:<slug>` holding
//! `{"schema": 2, "article": "<slug>", "record": {...}}`. Older schemas are migrated on read by
//! a chain of steps (`v1_to_v2`, then any later one); a newer schema is refused, so that the
//! caller never overwrites data it does not understand. Unknown fields are kept.

use super::model::{ArticleNote, ArticleRecord, Color, Highlight, TextPosition, TextQuote};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

pub const SCHEMA: u64 = 2;
const KEY_PREFIX: &str = "liseuse:article:";

pub fn article_key(slug: &str) -> String {
    format!("{KEY_PREFIX}{slug}")
}

pub fn slug_from_key(key: &str) -> Option<&str> {
    key.strip_prefix(KEY_PREFIX).filter(|s| !s.is_empty())
}

#[derive(Debug, Serialize, Deserialize)]
struct Envelope {
    schema: u64,
    article: String,
    record: ArticleRecord,
    #[serde(flatten)]
    extra: Map<String, Value>,
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
            DecodeError::Corrupt { .. } => "les données enregistrées sont illisibles\u{202f}; elles ont été \
                mises de côté sans être modifiées."
                .into(),
            DecodeError::NewerVersion { found } => format!(
                "elles ont été enregistrées par une version plus récente de Liseuse (format {found}) \
                 et sont conservées telles quelles."
            ),
            DecodeError::Foreign => "les données enregistrées ne viennent pas de Liseuse\u{202f}; elles ont \
                été mises de côté sans être modifiées."
                .into(),
        }
    }
}

pub fn encode(slug: &str, record: &ArticleRecord) -> String {
    let envelope = Envelope {
        schema: SCHEMA,
        article: slug.to_string(),
        record: record.clone(),
        extra: Map::new(),
    };
    serde_json::to_string(&envelope).expect("records serialize")
}

pub fn decode(raw: &str) -> Result<Decoded, DecodeError> {
    let corrupt = |reason: String| DecodeError::Corrupt { reason };
    let value: Value = serde_json::from_str(raw).map_err(|e| corrupt(e.to_string()))?;
    let Some(object) = value.as_object() else {
        return Err(DecodeError::Foreign);
    };
    let schema = match object.get("schema") {
        None => return Err(DecodeError::Foreign),
        Some(s) => s
            .as_u64()
            .ok_or_else(|| corrupt("schema is not a number".into()))?,
    };
    let (value, migrated_from) = match schema {
        SCHEMA => (value, None),
        s if s > SCHEMA => return Err(DecodeError::NewerVersion { found: s }),
        1 => (v1_to_v2(&value).map_err(corrupt)?, Some(1)),
        other => return Err(corrupt(format!("unknown schema {other}"))),
    };
    let envelope: Envelope = serde_json::from_value(value).map_err(|e| corrupt(e.to_string()))?;
    Ok(Decoded {
        article: envelope.article,
        record: envelope.record,
        migrated_from,
    })
}

/// Schema 1 (flat, no context, one time per highlight):
/// `{"schema":1,"highlights":[{"id","slug","colour","text","start","end","note","time"}],"note":"…"}`.
fn v1_to_v2(v1: &Value) -> Result<Value, String> {
    #[derive(Deserialize)]
    struct V1 {
        #[serde(default)]
        highlights: Vec<V1Highlight>,
        #[serde(default)]
        note: String,
    }
    #[derive(Deserialize)]
    struct V1Highlight {
        id: String,
        slug: String,
        colour: String,
        text: String,
        start: usize,
        end: usize,
        #[serde(default)]
        note: String,
        time: i64,
    }
    let old: V1 = serde_json::from_value(v1.clone()).map_err(|e| e.to_string())?;
    let article = old
        .highlights
        .first()
        .map(|h| h.slug.clone())
        .unwrap_or_default();
    let latest = old.highlights.iter().map(|h| h.time).max().unwrap_or(0);
    let highlights = old
        .highlights
        .into_iter()
        .map(|h| {
            Ok(Highlight {
                color: Color::from_name(&h.colour).ok_or(format!("unknown colour {}", h.colour))?,
                id: h.id,
                article: h.slug,
                note: h.note,
                created: h.time,
                updated: h.time,
                deleted: false,
                quote: TextQuote {
                    exact: h.text,
                    prefix: String::new(),
                    suffix: String::new(),
                },
                position: TextPosition {
                    start: h.start,
                    end: h.end,
                },
                extra: Map::new(),
            })
        })
        .collect::<Result<Vec<_>, String>>()?;
    let note = (!old.note.is_empty()).then(|| ArticleNote {
        text: old.note,
        updated: latest,
        extra: Map::new(),
    });
    let record = ArticleRecord {
        highlights,
        note,
        extra: Map::new(),
    };
    Ok(serde_json::json!({ "schema": 2, "article": article, "record": record }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notes::merge::tests::record_strategy;
    use proptest::prelude::*;

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
        // Once migrated, it is stored in the current schema and reads back the same.
        let again = decode(&encode("essai", &d.record)).unwrap();
        assert_eq!((again.record, again.migrated_from), (d.record, None));
    }

    #[test]
    fn unknown_fields_survive_a_round_trip() {
        let raw = r#"{"schema":2,"article":"a","record":{"highlights":[{"id":"x","article":"a","color":"blue","note":"","created":1,"updated":2,"quote":{"exact":"mot","prefix":"","suffix":""},"position":{"start":0,"end":3},"futur":{"k":[1,2]}}],"tags":["x"]}}"#;
        let d = decode(raw).unwrap();
        let back: Value = serde_json::from_str(&encode("a", &d.record)).unwrap();
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
