//! Reading progress of an article, kept by text block (not by pixels), so it survives a change
//! of text size or width: the block at the top of the view (to resume there) and the furthest
//! point read. Offsets are in chars of the plain text, like highlights. The place to resume
//! carries the time it was read (a stamp, as edits have: `notes::clock`), so that sync keeps the
//! place read last, not the one synced last.

use crate::notes::clock;
use serde::Serialize;
use serde_json::Value;

/// What every article's key starts with.
pub const KEY_PREFIX: &str = "liseuse:progress:";

pub fn key(slug: &str) -> String {
    format!("{KEY_PREFIX}{slug}")
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Position {
    /// Start offset of the text block at the top of the view.
    pub block: usize,
    /// The furthest offset that has been on screen.
    pub furthest: usize,
    /// When the reader stayed on `block` (ms, a stamp of `notes::clock`); 0 when unknown (a
    /// position stored before times were kept), which is older than any other.
    pub updated: i64,
}

/// How long the view must stay on a block before it becomes the place to resume: a reader
/// who scrolls back to the header to leave, or flicks through the article, has not read there.
pub const HOLD_MS: u32 = 1500;

impl Position {
    /// A position as stored (`{"block":…,"furthest":…,"updated":…}`, `updated` absent before
    /// times were kept; other fields are ignored). The one reader of the format, here and in
    /// sync's positions file, written by hand: a derived `Deserialize` costs the first visit's
    /// wasm more.
    pub fn parse(raw: &str) -> Option<Position> {
        Position::from_value(&serde_json::from_str(raw).ok()?)
    }

    /// [`Position::parse`] of a value already read.
    pub fn from_value(value: &Value) -> Option<Position> {
        let number = |key: &str| {
            value
                .get(key)?
                .as_u64()
                .and_then(|n| usize::try_from(n).ok())
        };
        Some(Position {
            block: number("block")?,
            furthest: number("furthest")?,
            updated: match value.get("updated") {
                None => 0,
                Some(updated) => updated.as_i64()?,
            },
        })
    }

    /// Text up to `visible_end` has been on screen (the page calls it once the view has
    /// stayed, `HOLD_MS`, or for the first screen once painted).
    pub fn seen(self, visible_end: usize) -> Position {
        Position {
            furthest: self.furthest.max(visible_end),
            ..self
        }
    }

    /// Two copies of one article's position taken together (this page's and the one stored
    /// since by a sync pass or another tab): the place read last, the furthest point of both.
    /// Commutative, associative, idempotent.
    pub fn merged(self, other: Position) -> Position {
        let newest = if (self.updated, self.block) >= (other.updated, other.block) {
            self
        } else {
            other
        };
        Position {
            furthest: self.furthest.max(other.furthest),
            ..newest
        }
    }

    /// The same position with its time moved by `by` ms (to another clock's), within the valid
    /// range; an unknown time stays unknown.
    pub fn shifted(self, by: i64) -> Position {
        if self.updated == 0 {
            return self;
        }
        Position {
            updated: clock::valid(self.updated.saturating_add(by)).max(1),
            ..self
        }
    }

    /// The reader stayed on `block` (for [`HOLD_MS`]) at `now`: resume there. A new place is
    /// stamped newer than the one it replaces, even with a clock behind; staying again on the
    /// same place changes nothing (a place resumed is not a place read anew).
    pub fn at(self, block: usize, now: i64) -> Position {
        if block == self.block {
            return self;
        }
        Position {
            block,
            updated: clock::next_update(self.updated, now),
            ..self
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Unread,
    /// Percentage read, 1 to 99.
    Started(u8),
    Read,
}

/// Read once the end is (almost) reached: the last lines may never reach the top.
pub fn status(position: Option<&Position>, text_len: usize) -> Status {
    let Some(p) = position else {
        return Status::Unread;
    };
    if text_len == 0 || p.furthest * 100 >= text_len * 97 {
        return Status::Read;
    }
    let percent = (p.furthest * 100 / text_len).clamp(1, 99) as u8;
    Status::Started(percent)
}

/// Where the library's « Reprendre » goes: the place to resume of an article opened before.
/// Read to its end, it has one only when that place is well before the end (before its last
/// fifth) and not its start: seen to its end does not mean left there (the voice paused at the
/// third paragraph, then the reader went down to the article's end and stayed a moment before
/// taking the link back to the library), while a reader who finished it has nothing to resume.
pub fn resume_place(position: Option<&Position>, text_len: usize) -> Option<usize> {
    let p = position?;
    match status(Some(p), text_len) {
        Status::Read if p.block == 0 || p.block * 5 >= text_len * 4 => None,
        _ => Some(p.block),
    }
}

impl Status {
    pub fn label_fr(self) -> String {
        match self {
            Status::Unread => "Non lu".into(),
            Status::Started(p) => format!("Lu à {p}\u{a0}%"),
            Status::Read => "Lu".into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stored_position_is_read_back_and_anything_else_refused() {
        for (raw, read) in [
            (r#"{"block":3,"furthest":9}"#, (3, 9, 0)),
            (
                r#"{"block":3,"furthest":9,"updated":1795553226329}"#,
                (3, 9, 1795553226329),
            ),
            (
                r#"{"furthest":9,"updated":-5,"block":0,"later":[1]}"#,
                (0, 9, -5),
            ),
        ] {
            let (block, furthest, updated) = read;
            let position = Position {
                block,
                furthest,
                updated,
            };
            assert_eq!(Position::parse(raw), Some(position), "{raw}");
            let written = serde_json::to_string(&position).unwrap();
            assert_eq!(Position::parse(&written), Some(position), "{written}");
        }
        for raw in [
            "",
            "null",
            "[3,9]",
            r#"{"block":3}"#,
            r#"{"block":-3,"furthest":9}"#,
            r#"{"block":3,"furthest":9,"updated":"x"}"#,
            r#"{"block":3,"furthest":9,"updated":null}"#,
            r#"{"block":3.5,"furthest":9}"#,
        ] {
            assert_eq!(Position::parse(raw), None, "{raw}");
        }
    }

    #[test]
    fn a_place_held_by_an_open_page_merges_with_the_one_stored_since() {
        let held = Position {
            block: 0,
            furthest: 2373,
            updated: 0,
        };
        let synced = Position {
            block: 5677,
            furthest: 6794,
            updated: 1_000,
        };
        let merged = synced.merged(held);
        assert_eq!(merged, synced);
        assert_eq!(held.merged(synced), synced);
        // A new place read on the merged copy is stamped after the synced one, whatever the clock.
        let next = merged.at(120, 5);
        assert_eq!(
            (next.block, next.furthest, next.updated),
            (120, 6794, 1_001)
        );
        assert_eq!(next.merged(synced), next);
    }

    #[test]
    fn status_follows_the_furthest_point() {
        assert_eq!(status(None, 1000), Status::Unread);
        let p = Position::default().seen(350).at(0, 1);
        assert_eq!(status(Some(&p), 1000), Status::Started(35));
        // Scrolling back up keeps the furthest point.
        let back = p.seen(100).at(0, 2);
        assert_eq!(back.furthest, 350);
        assert_eq!(status(Some(&p.seen(980).at(900, 3)), 1000), Status::Read);
        assert_eq!(status(Some(&Position::default()), 1000), Status::Started(1));
        assert_eq!(Status::Started(35).label_fr(), "Lu à 35\u{a0}%");
    }

    #[test]
    fn the_library_resumes_at_the_place_even_once_read_to_the_end() {
        assert_eq!(resume_place(None, 1000), None);
        let started = Position::default().seen(350).at(120, 1);
        assert_eq!(resume_place(Some(&started), 1000), Some(120));
        // Opened, first screen seen: resuming there is opening it.
        assert_eq!(
            resume_place(Some(&Position::default().seen(300)), 1000),
            Some(0)
        );
        // Listened to the third paragraph, then went down to the end and back to the library.
        let left_early = started.seen(1000);
        assert_eq!(status(Some(&left_early), 1000), Status::Read);
        assert_eq!(resume_place(Some(&left_early), 1000), Some(120));
        // Read to the end and left from the top, or finished there: nothing to resume.
        assert_eq!(resume_place(Some(&left_early.at(0, 2)), 1000), None);
        assert_eq!(resume_place(Some(&left_early.at(900, 3)), 1000), None);
        assert_eq!(resume_place(Some(&left_early.at(800, 3)), 1000), None);
        assert_eq!(resume_place(Some(&left_early.at(799, 3)), 1000), Some(799));
        // Not read to the end: the place, wherever it is.
        assert_eq!(resume_place(Some(&started.at(900, 4)), 1000), Some(900));
    }

    #[test]
    fn seeing_text_keeps_the_place_to_resume() {
        let reading = Position::default().seen(5200).at(4000, 10);
        // Scrolled back to the top on the way out: seen, but not where to resume.
        let passing = reading.seen(900);
        assert_eq!(
            passing,
            Position {
                block: 4000,
                furthest: 5200,
                updated: 10,
            }
        );
        // Stayed further down for a moment on the way out (the page only counts text that
        // stayed on screen): the furthest point moves, the place to resume does not.
        assert_eq!(reading.seen(8000).block, 4000);
        assert_eq!(reading.seen(8000).furthest, 8000);
        assert_eq!(
            reading.at(0, 20),
            Position {
                block: 0,
                furthest: 5200,
                updated: 20,
            }
        );
    }

    #[test]
    fn a_place_carries_the_time_it_was_read() {
        // Stored before times were kept: the oldest of all.
        let old = Position::parse(r#"{"block":3,"furthest":9}"#).unwrap();
        assert_eq!(old.updated, 0);
        // Resumed there: not read anew.
        assert_eq!(old.at(3, 500), old);
        // A new place, with a clock behind the stamp it replaces: still newer.
        let moved = Position {
            updated: 900,
            ..old
        }
        .at(30, 500);
        assert_eq!((moved.block, moved.updated), (30, 901));
        // Seeing more text does not make the place newer.
        assert_eq!(moved.seen(99).updated, 901);
    }
}
