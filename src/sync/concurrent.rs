//! Notes written on two devices between two passes. The merge keeps, for each highlight (and
//! for the article's note), the version edited last: right when one device edited after seeing
//! the other's version, but then a text written elsewhere in the meantime would vanish without
//! a word. A pass tells that case apart (the local version and the server's both differ from the
//! copy both had at this device's last pass: neither device had seen the other's edit) and
//! keeps both texts, the other one after the kept one, as a new edit that every device then
//! takes. A deletion made on a device that never saw a note written elsewhere keeps the
//! highlight and its note.
//!
//! What the last pass's copy held is known by the time stamp of each of its versions ([`Seen`],
//! kept with the file's sync state), so clocks play no part; two different versions stamped
//! alike were made apart, whatever was seen. A file synced by a build that did
//! not keep them falls back to comparing stamps with the time of this device's last pass: a
//! clock far off may then keep both texts where one would do (never lose one), and not when the
//! kept text already holds the other.

use crate::notes::{
    clock,
    merge::{by_id, with_other_version},
    model::{ArticleNote, ArticleRecord, Highlight},
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Put between the text kept and the other version of it.
pub const OTHER_VERSION: &str =
    "\n\n— Autre version, écrite en même temps sur un autre appareil\u{a0}:\n";

/// The versions a synced copy of an article's file held: of each highlight (by id) and of the
/// article's note, its `updated` and a digest of its text (two versions made apart may have
/// the same time stamp).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Seen {
    #[serde(default, rename = "h")]
    pub highlights: BTreeMap<String, (i64, u32)>,
    #[serde(default, rename = "n", skip_serializing_if = "Option::is_none")]
    pub note: Option<(i64, u32)>,
}

impl Seen {
    pub fn of(record: &ArticleRecord) -> Seen {
        Seen {
            highlights: record
                .highlights
                .iter()
                .map(|h| (h.id.clone(), version_of(h)))
                .collect(),
            note: record.note.as_ref().map(note_version),
        }
    }
}

fn version_of(h: &Highlight) -> (i64, u32) {
    (
        h.updated,
        digest(&[h.note.as_bytes(), &[u8::from(h.deleted)]]),
    )
}

fn note_version(n: &ArticleNote) -> (i64, u32) {
    (n.updated, digest(&[n.text.as_bytes()]))
}

/// FNV-1a, 32 bits: enough to tell two texts stamped alike apart.
fn digest(parts: &[&[u8]]) -> u32 {
    let mut hash: u32 = 0x811c_9dc5;
    for byte in parts.iter().flat_map(|p| p.iter()) {
        hash ^= u32::from(*byte);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    hash
}

/// Makes `merged` (the merge of `local` and `remote`) keep every note text that one side wrote
/// since the last pass (`seen`, else the time `last_pass`) and the other side replaced, as an
/// edit at `now`. Returns how many notes now hold two versions.
pub fn keep_both(
    local: &ArticleRecord,
    remote: &ArticleRecord,
    merged: &mut ArticleRecord,
    seen: Option<&Seen>,
    last_pass: i64,
    now: i64,
) -> usize {
    let new_highlight = |h: &Highlight| match seen {
        Some(seen) => seen.highlights.get(&h.id) != Some(&version_of(h)),
        None => h.updated > last_pass,
    };
    let new_note = |n: &ArticleNote| match seen {
        Some(seen) => seen.note != Some(note_version(n)),
        None => n.updated > last_pass,
    };
    let (local_by_id, remote_by_id) = (by_id(local), by_id(remote));
    let mut kept = 0;
    for h in &mut merged.highlights {
        let (Some(&l), Some(&r)) = (
            local_by_id.get(h.id.as_str()),
            remote_by_id.get(h.id.as_str()),
        ) else {
            continue;
        };
        // Two versions stamped alike are concurrent too: an edit made after seeing another is
        // stamped after it (two passes that each kept two texts may stamp their results alike).
        let tie = l.updated == r.updated && l != r;
        if !(tie || new_highlight(l) && new_highlight(r)) {
            continue;
        }
        // The version the merge let go of.
        let lost = if same_version(h, l) { r } else { l };
        if lost.deleted {
            continue;
        }
        let Some(both) = with_other_version(&h.note, &lost.note, OTHER_VERSION) else {
            continue;
        };
        h.note = both;
        // A deletion on a device that never saw the note keeps the highlight, with its note.
        h.deleted = false;
        h.updated = clock::next_update(l.updated.max(r.updated), now);
        kept += 1;
    }
    if let (Some(l), Some(r), Some(note)) = (&local.note, &remote.note, &mut merged.note) {
        if (l.updated == r.updated && l != r) || new_note(l) && new_note(r) {
            let lost = if same_note(note, l) { r } else { l };
            if let Some(both) = with_other_version(&note.text, &lost.text, OTHER_VERSION) {
                note.text = both;
                note.updated = clock::next_update(l.updated.max(r.updated), now);
                kept += 1;
            }
        }
    }
    kept
}

fn same_version(a: &Highlight, b: &Highlight) -> bool {
    a.updated == b.updated && a.note == b.note && a.deleted == b.deleted
}

fn same_note(a: &ArticleNote, b: &ArticleNote) -> bool {
    a.updated == b.updated && a.text == b.text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notes::merge::{merge, tests::highlight};

    const LAST_PASS: i64 = 1_000;
    const NOW: i64 = 5_000;

    fn record(highlights: Vec<Highlight>) -> ArticleRecord {
        ArticleRecord {
            highlights,
            ..Default::default()
        }
    }

    fn pass(local: &ArticleRecord, remote: &ArticleRecord) -> (ArticleRecord, usize) {
        let mut merged = merge(local, remote);
        let kept = keep_both(local, remote, &mut merged, None, LAST_PASS, NOW);
        (merged, kept)
    }

    #[test]
    fn two_texts_written_apart_are_both_kept_whichever_device_passes() {
        let phone = record(vec![highlight("x", 2_000, "Le texte du téléphone.", false)]);
        let laptop = record(vec![highlight(
            "x",
            2_500,
            "Petit ajout de l’ordinateur.",
            false,
        )]);
        for (local, remote) in [(&phone, &laptop), (&laptop, &phone)] {
            let (merged, kept) = pass(local, remote);
            assert_eq!(kept, 1);
            let h = &merged.highlights[0];
            assert_eq!(
                h.note,
                format!("Petit ajout de l’ordinateur.{OTHER_VERSION}Le texte du téléphone.")
            );
            assert!(h.updated > 2_500);
            // Every device then takes it as it is: a later pass changes nothing.
            let again = record(vec![h.clone()]);
            assert_eq!(pass(&again, local), (again.clone(), 0));
            assert_eq!(pass(local, &again), (again.clone(), 0));
        }
    }

    #[test]
    fn a_deletion_that_never_saw_a_note_keeps_the_highlight_and_its_note() {
        let phone = record(vec![highlight("x", 2_000, "Note importante.", false)]);
        let laptop = record(vec![highlight("x", 2_500, "", true)]);
        let (merged, kept) = pass(&laptop, &phone);
        assert_eq!(kept, 1);
        assert!(!merged.highlights[0].deleted);
        assert_eq!(merged.highlights[0].note, "Note importante.");
        assert_eq!(pass(&phone, &laptop).0, merged);
    }

    #[test]
    fn an_edit_made_after_seeing_the_other_replaces_it() {
        // The remote version is older than this device's last pass: this device had it.
        let seen = record(vec![highlight("x", 900, "Avant.", false)]);
        let edited = record(vec![highlight("x", 2_000, "Après.", false)]);
        assert_eq!(pass(&edited, &seen), (edited.clone(), 0));
        assert_eq!(pass(&seen, &edited), (edited.clone(), 0));
        // A deletion after seeing the note deletes it.
        let deleted = record(vec![highlight("x", 2_000, "", true)]);
        assert_eq!(pass(&deleted, &seen), (deleted.clone(), 0));
        // A text that already holds the other (an edit that added to it): kept as it is.
        let older = record(vec![highlight("x", 1_500, "Début", false)]);
        let newer = record(vec![highlight("x", 2_000, "Début, et suite.", false)]);
        assert_eq!(pass(&older, &newer), (newer.clone(), 0));
        // An empty text or a colour change on the other side loses nothing.
        let empty = record(vec![highlight("x", 1_500, "", false)]);
        assert_eq!(pass(&empty, &newer), (newer.clone(), 0));
    }

    #[test]
    fn article_notes_written_apart_are_both_kept() {
        let note = |text: &str, updated| ArticleRecord {
            note: Some(ArticleNote {
                text: text.into(),
                updated,
                extra: Default::default(),
            }),
            ..Default::default()
        };
        let (merged, kept) = pass(&note("Ici.", 2_000), &note("Là-bas.", 3_000));
        assert_eq!(kept, 1);
        assert_eq!(
            merged.note.as_ref().unwrap().text,
            format!("Là-bas.{OTHER_VERSION}Ici.")
        );
        let (seen, kept) = pass(&note("Ici.", 2_000), &note("Là-bas.", 900));
        assert_eq!((seen.note.unwrap().text.as_str(), kept), ("Ici.", 0));
    }

    /// With the versions of the last pass's copy known, clocks play no part: a version stamped
    /// far ahead by a skewed clock, that this device had at its last pass, is not new.
    #[test]
    fn the_last_copy_s_versions_tell_new_from_seen_whatever_the_clocks() {
        let ahead = 9_000_000;
        let from_b = record(vec![highlight("x", ahead, "B", false)]);
        let seen = Seen::of(&from_b);
        let a_edit = record(vec![highlight("x", ahead + 1, "A", false)]);
        let mut merged = merge(&a_edit, &from_b);
        assert_eq!(
            keep_both(&a_edit, &from_b, &mut merged, Some(&seen), LAST_PASS, NOW),
            0
        );
        assert_eq!(merged, a_edit);
        // Without them, the time of the last pass takes B's version for a new one: both texts.
        let mut merged = merge(&a_edit, &from_b);
        assert_eq!(
            keep_both(&a_edit, &from_b, &mut merged, None, LAST_PASS, NOW),
            1
        );
        // Both changed since the copy: both kept.
        let base = record(vec![highlight("x", 500, "", false)]);
        let seen = Seen::of(&base);
        let phone = record(vec![highlight("x", 2_000, "Téléphone.", false)]);
        let laptop = record(vec![highlight("x", 2_500, "Ordinateur.", false)]);
        let mut merged = merge(&laptop, &phone);
        assert_eq!(
            keep_both(&laptop, &phone, &mut merged, Some(&seen), LAST_PASS, NOW),
            1
        );
        assert_eq!(
            merged.highlights[0].note,
            format!("Ordinateur.{OTHER_VERSION}Téléphone.")
        );
        // The phone's own copy, sent at its pass: seen there; the laptop's merge then replaces it.
        let seen_by_phone = Seen::of(&phone);
        let mut on_phone = merge(&phone, &merged);
        assert_eq!(
            keep_both(
                &phone,
                &merged,
                &mut on_phone,
                Some(&seen_by_phone),
                LAST_PASS,
                NOW
            ),
            0
        );
        assert_eq!(on_phone, merged);
    }
}
