//! Time stamps decide merges (the newer edit wins), so one from far in the future would win
//! every merge and freeze the highlight: the reader's later edits would silently revert. Those
//! that come from elsewhere (an import, stored data, another tab or device) are trusted up to a
//! day ahead of this device's clock, which covers any honest clock skew; a later one is taken as
//! unknown, time 0, so that any real edit beats it. Not "now": the same copy read again a minute
//! later must get the same stamp, or it would beat the edit made in between. All arithmetic on
//! them saturates.

use super::model::ArticleRecord;

/// How far ahead of this device's clock a time stamp from elsewhere may be.
pub const MAX_AHEAD_MS: i64 = 24 * 60 * 60 * 1000;

/// The `updated` of an edit made at `now` to something last updated at `previous`: strictly
/// newer than it, even within one millisecond, and never overflowing.
pub fn next_update(previous: i64, now: i64) -> i64 {
    now.max(previous.saturating_add(1))
}

/// Sets every time stamp of `record` that lies more than [`MAX_AHEAD_MS`] after `now` to 0
/// (unknown). Returns how many were changed.
pub fn clamp_future(record: &mut ArticleRecord, now: i64) -> usize {
    let limit = now.saturating_add(MAX_AHEAD_MS);
    let mut clamped = 0;
    let mut clamp = |t: &mut i64| {
        if *t > limit {
            *t = 0;
            clamped += 1;
        }
    };
    for h in &mut record.highlights {
        clamp(&mut h.created);
        clamp(&mut h.updated);
    }
    if let Some(note) = &mut record.note {
        clamp(&mut note.updated);
    }
    clamped
}

/// Whether [`clamp_future`] would change anything (so callers can skip a copy).
pub fn has_future(record: &ArticleRecord, now: i64) -> bool {
    let limit = now.saturating_add(MAX_AHEAD_MS);
    record
        .highlights
        .iter()
        .any(|h| h.created > limit || h.updated > limit)
        || record.note.as_ref().is_some_and(|n| n.updated > limit)
}

/// `record` with its future time stamps clamped, borrowed as is when it has none.
pub fn clamped(record: &ArticleRecord, now: i64) -> std::borrow::Cow<'_, ArticleRecord> {
    if has_future(record, now) {
        let mut copy = record.clone();
        clamp_future(&mut copy, now);
        std::borrow::Cow::Owned(copy)
    } else {
        std::borrow::Cow::Borrowed(record)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notes::{merge::merge, merge::tests::highlight, model::ArticleNote};

    const NOW: i64 = 1_795_553_225_666;

    #[test]
    fn next_update_saturates() {
        assert_eq!(next_update(i64::MAX, NOW), i64::MAX);
        assert_eq!(next_update(5, NOW), NOW);
        assert_eq!(next_update(NOW, NOW), NOW + 1);
    }

    #[test]
    fn far_future_stamps_become_unknown_and_honest_skew_stays() {
        let mut record = ArticleRecord {
            highlights: vec![
                highlight("a", i64::MAX, "importée", false),
                highlight("b", NOW + MAX_AHEAD_MS, "horloge en avance", false),
            ],
            note: Some(ArticleNote {
                text: "n".into(),
                updated: NOW + MAX_AHEAD_MS + 1,
                extra: Default::default(),
            }),
            ..Default::default()
        };
        record.highlights[0].created = i64::MAX;
        assert!(has_future(&record, NOW));
        assert_eq!(clamp_future(&mut record, NOW), 3);
        assert_eq!(record.highlights[0].updated, 0);
        assert_eq!(record.highlights[0].created, 0);
        assert_eq!(record.highlights[1].updated, NOW + MAX_AHEAD_MS);
        assert_eq!(record.note.as_ref().unwrap().updated, 0);
        assert!(!has_future(&record, NOW));
    }

    #[test]
    fn an_edit_after_a_clamped_import_wins_the_merge_at_write_time() {
        // The imported copy as it will be met again at write time (stored by another tab).
        let imported = ArticleRecord {
            highlights: vec![highlight("a", i64::MAX, "importée", false)],
            ..Default::default()
        };
        let mut mine = clamped(&imported, NOW).into_owned();
        let h = &mut mine.highlights[0];
        h.note = "ma note".into();
        h.updated = next_update(h.updated, NOW + 10);
        let stored_again = clamped(&imported, NOW + 20);
        let merged = merge(&mine, &stored_again);
        assert_eq!(merged.highlights[0].note, "ma note");
    }
}
