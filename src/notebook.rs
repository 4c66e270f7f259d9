//! The reader's notebook in memory: every article's highlights and notes, the edits a reader
//! makes, and what loading stored data found. Pure: the browser layer (`storage`) reads and
//! writes localStorage and hands raw strings here.

use crate::notes::{
    codec::{self, DecodeError},
    merge::merge,
    model::{ArticleNote, ArticleRecord, Color, Highlight},
};
use std::collections::BTreeMap;

/// A change a reader makes to one article's record.
#[derive(Debug, Clone, PartialEq)]
pub enum Edit {
    Add(Highlight),
    Note { id: String, text: String },
    Recolor { id: String, color: Color },
    Delete { id: String },
    ArticleNote(String),
}

/// Stored data that could not be used as it is. It is never overwritten.
#[derive(Debug, Clone, PartialEq)]
pub enum Problem {
    /// Not readable: its raw value is to be copied aside before the key is reused.
    Corrupt {
        key: String,
        slug: Option<String>,
        raw: String,
        message: String,
    },
    /// Written by a newer Liseuse: left in place, and this article's changes stay in memory.
    Newer {
        key: String,
        slug: String,
        message: String,
    },
}

#[derive(Debug, Default, Clone, PartialEq)]
pub struct Notebook {
    pub records: BTreeMap<String, ArticleRecord>,
    /// Articles whose stored key belongs to a newer version: never written by this one.
    pub read_only: BTreeMap<String, String>,
}

impl Notebook {
    /// Builds the notebook from localStorage's `(key, value)` pairs; keys that are not ours are
    /// skipped.
    pub fn load<'a>(
        entries: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> (Notebook, Vec<Problem>) {
        let mut notebook = Notebook::default();
        let mut problems = Vec::new();
        for (key, raw) in entries {
            let Some(slug) = codec::slug_from_key(key) else {
                continue;
            };
            match codec::decode(raw) {
                Ok(decoded) => {
                    notebook.merge_stored(slug, &decoded.record);
                }
                Err(error @ DecodeError::NewerVersion { .. }) => {
                    notebook.read_only.insert(slug.to_string(), key.to_string());
                    problems.push(Problem::Newer {
                        key: key.to_string(),
                        slug: slug.to_string(),
                        message: error.message_fr(),
                    });
                }
                Err(error) => problems.push(Problem::Corrupt {
                    key: key.to_string(),
                    slug: Some(slug.to_string()),
                    raw: raw.to_string(),
                    message: error.message_fr(),
                }),
            }
        }
        (notebook, problems)
    }

    pub fn record(&self, slug: &str) -> Option<&ArticleRecord> {
        self.records.get(slug)
    }

    /// Merges a record read from storage (another tab's write, an import) into memory.
    /// Returns whether anything changed.
    pub fn merge_stored(&mut self, slug: &str, stored: &ArticleRecord) -> bool {
        let current = self.records.get(slug).cloned().unwrap_or_default();
        let merged = merge(&current, stored);
        let changed = merged != current;
        if changed {
            self.records.insert(slug.to_string(), merged);
        }
        changed
    }

    /// Applies a reader's edit at time `now` (ms). Returns whether anything changed.
    pub fn apply(&mut self, slug: &str, edit: Edit, now: i64) -> bool {
        let record = self.records.entry(slug.to_string()).or_default();
        match edit {
            Edit::Add(highlight) => {
                if record.highlights.iter().any(|h| h.id == highlight.id) {
                    return false;
                }
                record.highlights.push(highlight);
                true
            }
            Edit::Note { id, text } => update(record, &id, now, |h| {
                (h.note != text).then(|| h.note = text).is_some()
            }),
            Edit::Recolor { id, color } => update(record, &id, now, |h| {
                (h.color != color).then(|| h.color = color).is_some()
            }),
            Edit::Delete { id } => update(record, &id, now, |h| {
                // A tombstone, so that other tabs and imports learn of the deletion.
                let was_live = !h.deleted;
                h.deleted = true;
                h.note.clear();
                was_live
            }),
            Edit::ArticleNote(text) => {
                if record.note.as_ref().map(|n| n.text.as_str()).unwrap_or("") == text {
                    return false;
                }
                let note = record.note.get_or_insert_with(|| ArticleNote {
                    text: String::new(),
                    updated: now,
                    extra: Default::default(),
                });
                note.text = text;
                note.updated = now.max(note.updated + 1);
                true
            }
        }
    }
}

fn update(
    record: &mut ArticleRecord,
    id: &str,
    now: i64,
    change: impl FnOnce(&mut Highlight) -> bool,
) -> bool {
    let Some(highlight) = record
        .highlights
        .iter_mut()
        .find(|h| h.id == id && !h.deleted)
    else {
        return false;
    };
    let changed = change(highlight);
    if changed {
        // Strictly newer than the last edit, even within one millisecond: newer edit wins.
        highlight.updated = now.max(highlight.updated + 1);
    }
    changed
}
