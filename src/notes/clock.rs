//! Time stamps decide merges: the newer edit wins. They work as a hybrid logical clock: an edit
//! is stamped `max(now, previous + 1)`, so an edit made after a device received another's
//! version is newer than that version, whatever the two clocks say (a phone two days ahead, a
//! laptop behind).
//!
//! Every device must order versions alike, or they never agree: each keeps its own winner, and
//! the server's file ping-pongs between them. So what counts as a valid stamp cannot depend on
//! this device's clock. There is one bound for all, [`LATEST`] (1 January 2100): a stamp at or
//! beyond it is absurd (a corrupt import, a clock centuries off) and is read as 0, unknown, on
//! every device alike, so that any real edit beats it. A device whose own clock is past
//! [`CLOCK_CAP`], ten years earlier, stamps that: the years between leave room for every later
//! edit, on any device, to be stamped one millisecond newer than the one before it (were the
//! cap the bound itself, the edit after such a stamp could not be newer, and which of the two
//! won would be chance). Whether this device's clock is off is told apart elsewhere, against
//! the sync server's clock (`sync::engine`). All arithmetic on stamps saturates.
//!
//! The hybrid clock orders an edit after the versions its device had seen; two edits made apart
//! (a phone and a laptop between two passes) are still ordered by their clocks. So a device
//! that syncs stamps its edits by the sync server's clock, not its own: the difference measured
//! by its last pass ([`OFFSET_KEY`]) is added to its clock ([`corrected`]). With every device
//! on the server's time, a phone forty minutes ahead no longer wins over a later edit made on
//! a laptop on time.

use super::model::ArticleRecord;

/// The first invalid time stamp (ms since the epoch): 2100-01-01T00:00:00Z.
pub const LATEST: i64 = 4_102_444_800_000;

/// The latest time a clock can give a stamp (ms since the epoch): 2090-01-01T00:00:00Z.
pub const CLOCK_CAP: i64 = 3_786_912_000_000;

/// `now` as a stamp: this device's clock, within the range a clock may give.
pub fn stamp_of(now: i64) -> i64 {
    now.min(CLOCK_CAP)
}

/// Where a device that syncs keeps the sync server's clock minus its own (ms, as text): written
/// after each pass that measured it, removed when sync is set aside.
pub const OFFSET_KEY: &str = "liseuse:clock-offset";

/// The largest correction taken from storage: a century. Anything larger is not a clock off
/// but a damaged value, and is ignored.
const MAX_OFFSET: i64 = 100 * 365 * 24 * 60 * 60 * 1000;

/// The stored correction (`OFFSET_KEY`'s text): 0 when absent, unreadable or absurd.
pub fn parse_offset(raw: Option<&str>) -> i64 {
    raw.and_then(|r| r.trim().parse::<i64>().ok())
        .filter(|o| o.saturating_abs() <= MAX_OFFSET)
        .unwrap_or(0)
}

/// This device's clock `now` corrected by the sync server's (`offset`, server minus device).
pub fn corrected(now: i64, offset: i64) -> i64 {
    now.saturating_add(offset)
}

/// Whether a stamp read from elsewhere is beyond the valid range.
fn is_future(stamp: i64) -> bool {
    stamp >= LATEST
}

/// A stamp read from elsewhere: as it is when valid, else 0 (unknown).
pub fn valid(stamp: i64) -> i64 {
    if is_future(stamp) {
        0
    } else {
        stamp
    }
}

/// The `updated` of an edit made at `now` to something last updated at `previous`: strictly
/// newer than it, even within one millisecond or with a clock behind, within the valid range.
pub fn next_update(previous: i64, now: i64) -> i64 {
    stamp_of(now)
        .max(previous.saturating_add(1))
        .min(LATEST - 1)
}

/// Sets every time stamp of `record` at or beyond [`LATEST`] to 0 (unknown). Returns how many were
/// changed.
pub fn clamp_future(record: &mut ArticleRecord) -> usize {
    let mut clamped = 0;
    let mut clamp = |t: &mut i64| {
        if is_future(*t) {
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
        .any(|h| is_future(h.created) || is_future(h.updated))
        || record.note.as_ref().is_some_and(|n| is_future(n.updated))
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
        assert_eq!(next_update(i64::MAX, NOW), LATEST - 1);
        assert_eq!(next_update(LATEST - 1, NOW), LATEST - 1);
        assert_eq!(next_update(5, NOW), NOW);
        assert_eq!(next_update(NOW, NOW), NOW + 1);
        // A clock behind what it edits: still newer.
        assert_eq!(next_update(NOW + 2 * DAY, NOW), NOW + 2 * DAY + 1);
        // A clock past the cap stamps the cap.
        assert_eq!(next_update(5, i64::MAX), CLOCK_CAP);
        assert_eq!(stamp_of(LATEST + 1), CLOCK_CAP);
        assert_eq!(stamp_of(NOW), NOW);
    }

    #[test]
    fn a_stored_offset_is_read_within_a_century_and_corrects_the_clock() {
        assert_eq!(parse_offset(None), 0);
        assert_eq!(parse_offset(Some("")), 0);
        assert_eq!(parse_offset(Some("n'importe quoi")), 0);
        assert_eq!(parse_offset(Some("-2400000")), -2_400_000);
        assert_eq!(parse_offset(Some(" 2400000\n")), 2_400_000);
        assert_eq!(parse_offset(Some(&i64::MIN.to_string())), 0);
        assert_eq!(parse_offset(Some(&(200 * 365 * DAY).to_string())), 0);
        assert_eq!(corrected(NOW, -40 * 60_000), NOW - 40 * 60_000);
        assert_eq!(corrected(i64::MAX, 5), i64::MAX);
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
        assert_eq!(valid(LATEST - 1), LATEST - 1);
        assert_eq!(valid(LATEST), 0);
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

    /// The tab of a clock in 2200 and the tab of a clock on time edit one note in turn, each
    /// after reading the other's version (two tabs, or two devices through sync): every edit
    /// wins over the one before, whatever its text (a tie would be settled by the text's order).
    #[test]
    fn edits_after_a_clock_past_the_cap_keep_winning() {
        let in_2200 = 7_258_118_400_000;
        let mut stored = ArticleRecord {
            highlights: vec![highlight("x", 0, "", false)],
            ..Default::default()
        };
        for (turn, (now, text)) in [
            (in_2200, "zzz"),
            (NOW, "aaa"),
            (in_2200, "mmm"),
            (NOW, "aab"),
        ]
        .into_iter()
        .enumerate()
        {
            let mut mine = clamped(&stored).into_owned();
            let h = &mut mine.highlights[0];
            h.note = text.into();
            h.updated = next_update(h.updated, now);
            assert!(h.updated < LATEST, "turn {turn}: {}", h.updated);
            stored = merge(&stored, &mine);
            assert_eq!(stored.highlights[0].note, text, "turn {turn}");
        }
    }

    /// An export made by a build that stamped the bound itself, on a device past it: read as
    /// unknown, so the reader's edit after importing it wins.
    #[test]
    fn a_stamp_at_the_bound_is_unknown_and_the_next_edit_wins() {
        let imported = ArticleRecord {
            highlights: vec![highlight("a", LATEST, "zzz importée", false)],
            ..Default::default()
        };
        let mut mine = clamped(&imported).into_owned();
        assert_eq!(mine.highlights[0].updated, 0);
        let h = &mut mine.highlights[0];
        h.note = "Annotée de nouveau".into();
        h.updated = next_update(h.updated, NOW);
        assert_eq!(
            merge(&mine, &clamped(&imported)).highlights[0].note,
            "Annotée de nouveau"
        );
        assert_eq!(
            merge(&clamped(&imported), &mine).highlights[0].note,
            "Annotée de nouveau"
        );
    }
}
