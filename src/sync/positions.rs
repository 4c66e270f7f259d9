//! Reading positions as one synced file, `liseuse/positions.json`:
//!
//! ```json
//! { "format": "liseuse-positions", "version": 1,
//!   "positions": { "<slug>": { "block": 1200, "furthest": 3400, "updated": 1795553226329 } } }
//! ```
//!
//! `block` (where to resume) comes from the newest `updated`, the time it was read on its
//! device (a stamp of `notes::clock`, kept with the local position `liseuse:progress:<slug>`,
//! never the time of a sync); `furthest` is the furthest point read on any device. Like
//! highlights, the merge is commutative, associative and idempotent. Unknown fields are kept.

use crate::{notes::clock, progress::Position};
use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

pub const FORMAT: &str = "liseuse-positions";
pub const VERSION: u64 = 1;

/// One article's position in the file: the local position as it is stored.
pub type Entry = Position;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Positions {
    pub positions: BTreeMap<String, Entry>,
    pub extra: Map<String, Value>,
}

/// The file as written; read field by field in `decode`.
#[derive(Serialize)]
struct File<'a> {
    format: &'static str,
    version: u64,
    positions: &'a BTreeMap<String, Entry>,
    #[serde(flatten)]
    extra: &'a Map<String, Value>,
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

pub fn merge_entry(a: &Entry, b: &Entry) -> Entry {
    a.merged(*b)
}

pub fn encode(positions: &Positions) -> String {
    serde_json::to_string(&File {
        format: FORMAT,
        version: VERSION,
        positions: &positions.positions,
        extra: &positions.extra,
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
    // A position as stored on a device (`Position::parse`), its time made valid; one that
    // cannot be read damages the file, as a torn write would.
    let mut positions = BTreeMap::new();
    match object.get("positions") {
        None => {}
        Some(Value::Object(entries)) => {
            for (slug, entry) in entries {
                let mut position = Position::from_value(entry).ok_or(DecodeError::Damaged)?;
                position.updated = clock::valid(position.updated);
                positions.insert(slug.clone(), position);
            }
        }
        Some(_) => return Err(DecodeError::Damaged),
    }
    let mut extra = object.clone();
    for known in ["format", "version", "positions"] {
        extra.remove(known);
    }
    Ok(Positions { positions, extra })
}

/// The positions to store on this device after a pass merged `merged` (from a snapshot taken
/// when the pass began): each merged with what is stored now, since the reader may have moved
/// meanwhile. Only those that change are returned.
pub fn to_store(
    merged: &Positions,
    stored: &BTreeMap<String, Position>,
) -> Vec<(String, Position)> {
    merged
        .positions
        .iter()
        .filter_map(|(slug, entry)| {
            let next = match stored.get(slug) {
                Some(now) => merge_entry(now, entry),
                None => *entry,
            };
            (stored.get(slug) != Some(&next)).then(|| (slug.clone(), next))
        })
        .collect()
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
        assert_eq!(
            decode(r#"{"format":"liseuse-positions","version":1,"positions":[]}"#),
            Err(DecodeError::Damaged)
        );
        // A place stored before times were kept is the oldest of all.
        let old = decode(
            r#"{"format":"liseuse-positions","version":1,"positions":{"a":{"block":1,"furthest":2}}}"#,
        );
        assert_eq!(old.unwrap().positions["a"], entry(1, 2, 0));
    }

    #[test]
    fn a_device_that_joins_late_does_not_pull_the_place_back() {
        // B read to block 3 three weeks ago, before times were kept (0) or with its time; A
        // read to block 30 yesterday. Whichever syncs first, block 30 wins everywhere.
        const DAY: i64 = 86_400_000;
        let today = 1_795_553_225_666;
        let a = one("x", entry(30, 30, today - DAY));
        for b_time in [0, today - 21 * DAY] {
            let b = one("x", entry(3, 3, b_time));
            assert_eq!(merge(&a, &b).positions["x"].block, 30);
            assert_eq!(merge(&b, &a).positions["x"].block, 30);
        }
    }

    #[test]
    fn a_place_stored_during_a_pass_is_kept() {
        // The pass began with block 5 (t 10) and merged the server's block 7 (t 20); meanwhile
        // the reader moved to block 9 (t 30).
        let merged = one("a", entry(7, 8, 20));
        let stored: BTreeMap<String, Position> = [("a".to_string(), entry(9, 9, 30))].into();
        assert_eq!(
            to_store(&merged, &stored),
            Vec::<(String, Position)>::new(),
            "nothing to write: what is stored is newer and holds the furthest point"
        );
        let behind: BTreeMap<String, Position> = [("a".to_string(), entry(9, 3, 30))].into();
        assert_eq!(
            to_store(&merged, &behind),
            vec![("a".to_string(), entry(9, 8, 30))]
        );
        let older: BTreeMap<String, Position> = [("a".to_string(), entry(5, 5, 10))].into();
        assert_eq!(
            to_store(&merged, &older),
            vec![("a".to_string(), entry(7, 8, 20))]
        );
        assert_eq!(
            to_store(&merged, &BTreeMap::new()),
            vec![("a".to_string(), entry(7, 8, 20))]
        );
    }

    #[test]
    fn absurd_times_in_the_file_are_unknown() {
        let raw = format!(
            r#"{{"format":"liseuse-positions","version":1,"positions":{{"a":{{"block":1,"furthest":2,"updated":{}}}}}}}"#,
            i64::MAX
        );
        assert_eq!(decode(&raw).unwrap().positions["a"].updated, 0);
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
