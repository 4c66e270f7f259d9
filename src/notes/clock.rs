//! Time stamps decide merges: the newer edit wins. They work as a hybrid logical clock: an edit
//! is stamped `max(now, previous + 1)`, so an edit made after a device received another's
//! version is newer than that version, whatever the two clocks say (a phone two days ahead, a
//! laptop behind).
//!
//! Every device must order versions alike, or they never agree: each keeps its own winner, and
//! the server's file ping-pongs between them. So what counts as a valid stamp cannot depend on
//! this device's clock. There is one bound for all, [`LATEST`] (1 January 2100): a stamp beyond
//! it is absurd (a corrupt import, a clock centuries off) and is read as 0, unknown, on every
//! device alike, so that any real edit beats it; a device whose own clock is past the bound
//! stamps [`LATEST`]. Whether this device's clock is off is told apart elsewhere, against the
//! sync server's clock (`sync::engine`). All arithmetic on stamps saturates.

use super::model::ArticleRecord;

/// The latest valid time stamp (ms since the epoch): 2100-01-01T00:00:00Z.
pub const LATEST: i64 = 4_102_444_800_000;

/// `now` as a stamp: this device's clock, within the valid range.
pub fn stamp_of(now: i64) -> i64 {
    now.min(LATEST)
}

/// A stamp read from elsewhere: as it is when valid, else 0 (unknown).
pub fn valid(stamp: i64) -> i64 {
    if stamp > LATEST {
        0
    } else {
        stamp
    }
}

/// The `updated` of an edit made at `now` to something last updated at `previous`: strictly
/// newer than it, even within one millisecond or with a clock behind, within the valid range.
pub fn next_update(previous: i64, now: i64) -> i64 {
    stamp_of(now).max(previous.saturating_add(1)).min(LATEST)
}

/// Sets every time stamp of `record` beyond [`LATEST`] to 0 (unknown). Returns how many were
/// changed.
pub fn clamp_future(record: &mut ArticleRecord) -> usize {
    let mut clamped = 0;
    let mut clamp = |t: &mut i64| {
        if *t > LATEST {
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
pub fn has_future(record: &ArticleRecord) -> bool {
    record
        .highlights
        .iter()
        .any(|h| h.created > LATEST || h.updated > LATEST)
        || record.note.as_ref().is_some_and(|n| n.updated > LATEST)
}

/// `record` with its absurd time stamps cleared, borrowed as is when it has none.
pub fn clamped(record: &ArticleRecord) -> std::borrow::Cow<'_, ArticleRecord> {
    if has_future(record) {
        let mut copy = record.clone();
        clamp_future(&mut copy);
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
    const DAY: i64 = 24 * 60 * 60 * 1000;

    #[test]
    fn next_update_is_newer_and_stays_in_range() {
        assert_eq!(next_update(i64::MAX, NOW), LATEST);
        assert_eq!(next_update(LATEST, NOW), LATEST);
        assert_eq!(next_update(5, NOW), NOW);
        assert_eq!(next_update(NOW, NOW), NOW + 1);
        // A clock behind what it edits: still newer.
        assert_eq!(next_update(NOW + 2 * DAY, NOW), NOW + 2 * DAY + 1);
        // A clock past the bound stamps the bound.
        assert_eq!(next_update(5, i64::MAX), LATEST);
        assert_eq!(stamp_of(NOW), NOW);
    }

    #[test]
    fn absurd_stamps_become_unknown_and_any_skew_below_the_bound_stays() {
        let mut record = ArticleRecord {
            highlights: vec![
                highlight("a", i64::MAX, "importée", false),
                highlight(
                    "b",
                    NOW + 3 * 365 * DAY,
                    "horloge de trois ans en avance",
                    false,
                ),
            ],
            note: Some(ArticleNote {
                text: "n".into(),
                updated: LATEST + 1,
                extra: Default::default(),
            }),
            ..Default::default()
        };
        record.highlights[0].created = i64::MAX;
        assert!(has_future(&record));
        assert_eq!(clamp_future(&mut record), 3);
        assert_eq!(record.highlights[0].updated, 0);
        assert_eq!(record.highlights[0].created, 0);
        assert_eq!(record.highlights[1].updated, NOW + 3 * 365 * DAY);
        assert_eq!(record.note.as_ref().unwrap().updated, 0);
        assert!(!has_future(&record));
        assert_eq!(valid(LATEST), LATEST);
        assert_eq!(valid(LATEST + 1), 0);
    }

    #[test]
    fn an_edit_after_a_clamped_import_wins_the_merge_at_write_time() {
        // The imported copy as it will be met again at write time (stored by another tab).
        let imported = ArticleRecord {
            highlights: vec![highlight("a", i64::MAX, "importée", false)],
            ..Default::default()
        };
        let mut mine = clamped(&imported).into_owned();
        let h = &mut mine.highlights[0];
        h.note = "ma note".into();
        h.updated = next_update(h.updated, NOW + 10);
        let stored_again = clamped(&imported);
        let merged = merge(&mine, &stored_again);
        assert_eq!(merged.highlights[0].note, "ma note");
    }

    #[test]
    fn an_edit_made_after_receiving_a_version_from_a_clock_ahead_wins() {
        // B's clock is two days ahead; A, on time, edits after receiving B's version.
        let from_b = ArticleRecord {
            highlights: vec![highlight("x", NOW + 2 * DAY, "B", false)],
            ..Default::default()
        };
        let mut on_a = clamped(&from_b).into_owned();
        let h = &mut on_a.highlights[0];
        h.note = "A".into();
        h.updated = next_update(h.updated, NOW + 60_000);
        // The same winner on both devices, whichever merges first.
        assert_eq!(merge(&on_a, &from_b).highlights[0].note, "A");
        assert_eq!(merge(&from_b, &on_a).highlights[0].note, "A");
    }
}
