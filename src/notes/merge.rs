//! Merging two versions of an article's record (two tabs, an import): union by highlight id,
//! and for the same id the newer edit wins. Deletions are markers (tombstones) that take part in
//! this like any edit, so a deletion is not undone by an older copy, and an edit made after a
//! deletion brings the highlight back. The result does not depend on the order of merges:
//! `merge` is commutative, associative and idempotent.

use super::model::{ArticleNote, ArticleRecord, Highlight};
use serde_json::{Map, Value};
use std::{cmp::Ordering, collections::BTreeMap};

pub fn merge(a: &ArticleRecord, b: &ArticleRecord) -> ArticleRecord {
    let mut by_id: BTreeMap<&str, &Highlight> = BTreeMap::new();
    for h in a.highlights.iter().chain(&b.highlights) {
        by_id
            .entry(&h.id)
            .and_modify(|kept| {
                if newer_highlight(h, kept) == Ordering::Greater {
                    *kept = h;
                }
            })
            .or_insert(h);
    }
    let mut highlights: Vec<Highlight> = by_id.into_values().cloned().collect();
    highlights.sort_by(|x, y| {
        x.position
            .start
            .cmp(&y.position.start)
            .then_with(|| x.id.cmp(&y.id))
    });
    let note = match (&a.note, &b.note) {
        (Some(x), Some(y)) => Some(
            if newer_note(x, y) == Ordering::Less {
                y
            } else {
                x
            }
            .clone(),
        ),
        (x, y) => x.clone().or_else(|| y.clone()),
    };
    ArticleRecord {
        highlights,
        note,
        extra: merge_extra(&a.extra, &b.extra),
    }
}

/// The record's highlights by id: a file may hold thousands.
pub fn by_id(record: &ArticleRecord) -> BTreeMap<&str, &Highlight> {
    record
        .highlights
        .iter()
        .map(|h| (h.id.as_str(), h))
        .collect()
}

/// A note's `kept` text followed by `other` after `separator`, when `other` holds text that
/// `kept` lacks: a version a merge let go of, kept rather than lost (a sync pass, an import).
/// `None` when it would add nothing, so that keeping both twice keeps them once.
pub fn with_other_version(kept: &str, other: &str, separator: &str) -> Option<String> {
    let trimmed = other.trim();
    if trimmed.is_empty() || kept.contains(trimmed) {
        return None;
    }
    Some(if kept.trim().is_empty() {
        other.to_string()
    } else {
        format!("{kept}{separator}{trimmed}")
    })
}

/// A total order on versions of one highlight: later `updated` first; at the same time a
/// deletion; then the larger serialized form, so equal-time edits settle the same way
/// everywhere.
fn newer_highlight(x: &Highlight, y: &Highlight) -> Ordering {
    x.updated
        .cmp(&y.updated)
        .then(x.deleted.cmp(&y.deleted))
        .then_with(|| canonical(x).cmp(&canonical(y)))
}

fn newer_note(x: &ArticleNote, y: &ArticleNote) -> Ordering {
    x.updated
        .cmp(&y.updated)
        .then_with(|| canonical(x).cmp(&canonical(y)))
}

fn canonical(value: &impl serde::Serialize) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

/// Unknown record-level fields: the union; on a clash, the larger value, for commutativity.
fn merge_extra(a: &Map<String, Value>, b: &Map<String, Value>) -> Map<String, Value> {
    let mut out = a.clone();
    for (key, value) in b {
        match out.get(key) {
            Some(kept) if canonical(kept) >= canonical(value) => {}
            _ => {
                out.insert(key.clone(), value.clone());
            }
        }
    }
    out
}

// Deletion markers are never pruned. A copy that has not seen one (an old export, a device
// whose clock is behind, a tab closed for a month) would bring the highlight back on its next
// merge; a marker costs ~300 bytes, which is cheap against a resurrected deletion.

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::notes::model::{Color, TextPosition, TextQuote};
    use proptest::prelude::*;

    pub fn highlight(id: &str, updated: i64, note: &str, deleted: bool) -> Highlight {
        Highlight {
            id: id.into(),
            article: "a".into(),
            color: Color::Jaune,
            note: note.into(),
            created: 0,
            updated,
            deleted,
            quote: TextQuote {
                exact: "mot".into(),
                prefix: String::new(),
                suffix: String::new(),
                ..Default::default()
            },
            position: TextPosition {
                start: id.len(),
                end: id.len() + 3,
                ..Default::default()
            },
            extra: Map::new(),
        }
    }

    fn record(highlights: Vec<Highlight>) -> ArticleRecord {
        ArticleRecord {
            highlights,
            ..Default::default()
        }
    }

    #[test]
    fn union_by_id_and_newer_wins() {
        let a = record(vec![
            highlight("x", 1, "ancienne", false),
            highlight("y", 1, "", false),
        ]);
        let b = record(vec![
            highlight("x", 2, "nouvelle", false),
            highlight("z", 1, "", false),
        ]);
        let m = merge(&a, &b);
        assert_eq!(m.highlights.len(), 3);
        assert_eq!(
            m.highlights.iter().find(|h| h.id == "x").unwrap().note,
            "nouvelle"
        );
    }

    #[test]
    fn a_deletion_beats_older_edits_and_loses_to_newer_ones() {
        let edit = record(vec![highlight("x", 5, "note", false)]);
        let deleted = record(vec![highlight("x", 6, "", true)]);
        assert!(merge(&edit, &deleted).highlights[0].deleted);
        let later = record(vec![highlight("x", 7, "revenu", false)]);
        assert!(!merge(&deleted, &later).highlights[0].deleted);
        // Same time: the deletion wins.
        let same = record(vec![highlight("x", 6, "même instant", false)]);
        assert!(merge(&same, &deleted).highlights[0].deleted);
    }

    #[test]
    fn article_notes_merge_by_time() {
        let note = |t: &str, u| {
            Some(ArticleNote {
                text: t.into(),
                updated: u,
                extra: Map::new(),
            })
        };
        let a = ArticleRecord {
            note: note("a", 1),
            ..Default::default()
        };
        let b = ArticleRecord {
            note: note("b", 2),
            ..Default::default()
        };
        assert_eq!(merge(&a, &b).note.unwrap().text, "b");
        assert_eq!(merge(&b, &a).note.unwrap().text, "b");
        assert_eq!(merge(&a, &ArticleRecord::default()).note.unwrap().text, "a");
    }

    pub fn record_strategy() -> impl Strategy<Value = ArticleRecord> {
        let h = (
            prop::sample::select(vec!["a", "b", "c", "d"]),
            0i64..4,
            prop::sample::select(vec!["", "n1", "n2"]),
            any::<bool>(),
        )
            .prop_map(|(id, t, note, del)| highlight(id, t, note, del));
        let note = prop::option::of((0i64..4, "[a-c]{0,2}").prop_map(|(u, t)| ArticleNote {
            text: t,
            updated: u,
            extra: Map::new(),
        }));
        (prop::collection::vec(h, 0..5), note).prop_map(|(hs, note)| {
            // One stored copy holds each id once.
            let mut seen = std::collections::HashSet::new();
            let highlights = hs
                .into_iter()
                .filter(|h| seen.insert(h.id.clone()))
                .collect();
            merge(
                &record(highlights),
                &ArticleRecord {
                    note,
                    ..Default::default()
                },
            )
        })
    }

    proptest! {
        #[test]
        fn merge_is_commutative_associative_idempotent(
            a in record_strategy(), b in record_strategy(), c in record_strategy(),
        ) {
            prop_assert_eq!(merge(&a, &b), merge(&b, &a));
            prop_assert_eq!(merge(&merge(&a, &b), &c), merge(&a, &merge(&b, &c)));
            prop_assert_eq!(merge(&a, &a), merge(&a, &ArticleRecord::default()));
            let ab = merge(&a, &b);
            prop_assert_eq!(merge(&ab, &b), ab.clone());
        }

        /// Concurrent edits applied in any order give the same record.
        #[test]
        fn order_of_concurrent_edits_does_not_matter(
            edits in prop::collection::vec(record_strategy(), 1..6),
            seed in any::<u64>(),
        ) {
            let forward = edits.iter().fold(ArticleRecord::default(), |acc, e| merge(&acc, e));
            let mut shuffled = edits.clone();
            let mut s = seed;
            for i in (1..shuffled.len()).rev() {
                s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                shuffled.swap(i, (s >> 33) as usize % (i + 1));
            }
            let other = shuffled.iter().fold(ArticleRecord::default(), |acc, e| merge(&acc, e));
            prop_assert_eq!(forward, other);
        }
    }
}
