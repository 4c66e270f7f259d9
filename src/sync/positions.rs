//! Reading positions as one synced file, `liseuse/positions.json`:
//!
//! ```json
//! { "format": "liseuse-positions", "version": 1,
//!   "positions": { "<slug>": { "block": 1200, "furthest": 3400, "updated": 1795553226329 } } }
//! ```
//!
//! `block` (where to resume) comes from the newest `updated`; `furthest` is the furthest point
//! read on any device. Like highlights, the merge is commutative, associative and idempotent.
//! Unknown fields are kept. Local positions (`liseuse:progress:<slug>`) carry no time: the sync
//! layer stamps a position when it sees it changed (see `stamp`).

use crate::progress::Position;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

pub const FORMAT: &str = "liseuse-positions";
pub const VERSION: u64 = 1;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub block: usize,
    pub furthest: usize,
    /// Milliseconds since the epoch, when a device last saw this position change.
    pub updated: i64,
}

impl Entry {
    pub fn position(&self) -> Position {
        Position {
            block: self.block,
            furthest: self.furthest,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Positions {
    pub positions: BTreeMap<String, Entry>,
    pub extra: Map<String, Value>,
}

#[derive(Serialize, Deserialize)]
struct File {
    format: String,
    version: u64,
    #[serde(default)]
    positions: BTreeMap<String, Entry>,
    #[serde(flatten)]
    extra: Map<String, Value>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecodeError {
    Damaged,
    Newer { found: u64 },
}

pub fn merge(a: &Positions, b: &Positions) -> Positions {
    let mut positions = a.positions.clone();
    for (slug, theirs) in &b.positions {
        positions
            .entry(slug.clone())
            .and_modify(|ours| *ours = merge_entry(ours, theirs))
            .or_insert(*theirs);
    }
    let mut extra = a.extra.clone();
    for (key, value) in &b.extra {
        let keep = extra
            .get(key)
            .is_some_and(|kept| canonical(kept) >= canonical(value));
        if !keep {
            extra.insert(key.clone(), value.clone());
        }
    }
    Positions { positions, extra }
}

fn canonical(value: &Value) -> String {
    value.to_string()
}

fn merge_entry(a: &Entry, b: &Entry) -> Entry {
    let newest = if (a.updated, a.block) >= (b.updated, b.block) {
        a
    } else {
        b
    };
    Entry {
        block: newest.block,
        updated: newest.updated,
        furthest: a.furthest.max(b.furthest),
    }
}

pub fn encode(positions: &Positions) -> String {
    serde_json::to_string(&File {
        format: FORMAT.into(),
        version: VERSION,
        positions: positions.positions.clone(),
        extra: positions.extra.clone(),
    })
    .expect("positions serialize")
}

pub fn decode(raw: &str) -> Result<Positions, DecodeError> {
    let value: Value = serde_json::from_str(raw).map_err(|_| DecodeError::Damaged)?;
    let object = value.as_object().ok_or(DecodeError::Damaged)?;
    if object.get("format").and_then(Value::as_str) != Some(FORMAT) {
        return Err(DecodeError::Damaged);
    }
    match object.get("version").and_then(Value::as_u64) {
        Some(VERSION) => {}
        Some(found) if found > VERSION => return Err(DecodeError::Newer { found }),
        _ => return Err(DecodeError::Damaged),
    }
    let file: File = serde_json::from_value(value).map_err(|_| DecodeError::Damaged)?;
    Ok(Positions {
        positions: file.positions,
        extra: file.extra,
    })
}

/// The local positions as a synced document: a position unchanged since the last sync keeps its
/// time, a changed one (or a new one) is stamped `now`.
pub fn stamp(local: &BTreeMap<String, Position>, last_synced: &Positions, now: i64) -> Positions {
    let positions = local
        .iter()
        .map(|(slug, p)| {
            let entry = match last_synced.positions.get(slug) {
                Some(e) if e.position() == *p => *e,
                Some(e) => Entry {
                    block: p.block,
                    furthest: p.furthest,
                    // Strictly newer than what it replaces, even with a clock behind.
                    updated: now.max(e.updated + 1),
                },
                None => Entry {
                    block: p.block,
                    furthest: p.furthest,
                    updated: now,
                },
            };
            (slug.clone(), entry)
        })
        .collect();
    Positions {
        positions,
        extra: last_synced.extra.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn entry(block: usize, furthest: usize, updated: i64) -> Entry {
        Entry {
            block,
            furthest,
            updated,
        }
    }

    fn one(slug: &str, e: Entry) -> Positions {
        Positions {
            positions: [(slug.to_string(), e)].into(),
            extra: Map::new(),
        }
    }

    #[test]
    fn newest_block_and_furthest_point() {
        let phone = one("a", entry(900, 1000, 20));
        let laptop = one("a", entry(100, 2000, 10));
        let m = merge(&phone, &laptop);
        assert_eq!(m.positions["a"], entry(900, 2000, 20));
        assert_eq!(merge(&laptop, &phone), m);
    }

    #[test]
    fn round_trip_keeps_unknown_fields_and_refuses_newer_or_damaged() {
        let raw = r#"{"format":"liseuse-positions","version":1,"futur":[1],
            "positions":{"a":{"block":1,"furthest":2,"updated":3}}}"#;
        let p = decode(raw).unwrap();
        assert_eq!(p.positions["a"], entry(1, 2, 3));
        assert_eq!(decode(&encode(&p)).unwrap(), p);
        assert!(encode(&p).contains("\"futur\":[1]"));
        assert_eq!(
            decode(r#"{"format":"liseuse-positions","version":2}"#),
            Err(DecodeError::Newer { found: 2 })
        );
        assert_eq!(decode("{"), Err(DecodeError::Damaged));
        assert_eq!(decode(r#"{"schema":2}"#), Err(DecodeError::Damaged));
        assert_eq!(
            decode(r#"{"format":"liseuse-positions","version":1,"positions":{"a":1}}"#),
            Err(DecodeError::Damaged)
        );
    }

    #[test]
    fn stamping_keeps_the_time_of_unchanged_positions() {
        let synced = one("a", entry(1, 2, 50));
        let same: BTreeMap<String, Position> = [(
            "a".to_string(),
            Position {
                block: 1,
                furthest: 2,
            },
        )]
        .into();
        assert_eq!(stamp(&same, &synced, 99), synced);
        let moved: BTreeMap<String, Position> = [(
            "a".to_string(),
            Position {
                block: 5,
                furthest: 6,
            },
        )]
        .into();
        assert_eq!(stamp(&moved, &synced, 10).positions["a"], entry(5, 6, 51));
    }

    fn positions() -> impl Strategy<Value = Positions> {
        prop::collection::btree_map(
            prop::sample::select(vec!["a".to_string(), "b".into(), "c".into()]),
            (0usize..4, 0usize..4, 0i64..4).prop_map(|(b, f, u)| entry(b, f, u)),
            0..3,
        )
        .prop_map(|positions| Positions {
            positions,
            extra: Map::new(),
        })
    }

    proptest! {
        #[test]
        fn merge_is_a_semilattice(a in positions(), b in positions(), c in positions()) {
            prop_assert_eq!(merge(&a, &b), merge(&b, &a));
            prop_assert_eq!(merge(&merge(&a, &b), &c), merge(&a, &merge(&b, &c)));
            prop_assert_eq!(merge(&a, &a), a);
        }
    }
}
