//! The reader's notebook in memory: every article's highlights and notes, the edits a reader
//! makes, and what loading stored data found. Pure: the browser layer (`storage`) reads and
//! writes localStorage and hands raw strings here.

use crate::notes::{
    clock,
    codec::{self, DecodeError},
    merge::merge,
    model::{ArticleNote, ArticleRecord, Color, Highlight},
};
use std::collections::BTreeMap;

/// A change a reader makes to one article's record.
#[derive(Debug, Clone, PartialEq)]
pub enum Edit {
    Add(Highlight),
    Note {
        id: String,
        text: String,
    },
    Recolor {
        id: String,
        color: Color,
    },
    Delete {
        id: String,
    },
    /// Undoes a deletion: the highlight as it was before (note included) comes back, as a new
    /// edit, so that the restoration wins over the deletion marker everywhere.
    Restore(Highlight),
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
    /// Time stamps far in the future (a clock gone wrong, a doctored file): taken as unknown,
    /// so that the reader's edits are not reverted by them (see `notes::clock`).
    FutureDates { slug: String, count: usize },
}

/// What merging another tab's write into memory found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Absorbed {
    /// Memory changed: the view must follow.
    pub changed: bool,
    /// Memory holds what the stored value lacks (the other tab wrote without seeing it): write
    /// the merge back, or it is lost when this tab closes.
    pub write_back: bool,
}

#[derive(Debug, Default, Clone, PartialEq)]
pub struct Notebook {
    pub records: BTreeMap<String, ArticleRecord>,
    /// Articles whose stored key belongs to a newer version: never written by this one.
    pub read_only: BTreeMap<String, String>,
}

impl Notebook {
    /// Builds the notebook from localStorage's `(key, value)` pairs; keys that
    /// are not ours are skipped.
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
                Ok(mut decoded) => {
                    let count = clock::clamp_future(&mut decoded.record);
                    if count > 0 {
                        problems.push(Problem::FutureDates {
                            slug: slug.to_string(),
                            count,
                        });
                    }
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

    /// The live highlight of `slug` on exactly `wanted`'s passage, in its colour: « Surligner »
    /// again on a highlighted passage makes no copy of it.
    pub fn same_highlight(&self, slug: &str, wanted: &Highlight) -> Option<&Highlight> {
        self.record(slug)?.highlights.iter().find(|h| {
            !h.deleted
                && h.color == wanted.color
                && (h.position.start, h.position.end)
                    == (wanted.position.start, wanted.position.end)
                && h.quote.exact == wanted.quote.exact
        })
    }

    /// Merges a record from elsewhere (storage, another tab, an import) into memory, its future
    /// time stamps taken as unknown (see `notes::clock`). Returns whether anything changed.
    pub fn merge_stored(&mut self, slug: &str, stored: &ArticleRecord) -> bool {
        self.replace_with(slug, |current| with_stored(current, stored))
    }

    /// Sets the record of `slug` to `f` of it (an empty one if none). Returns whether it changed.
    pub fn replace_with(
        &mut self,
        slug: &str,
        f: impl FnOnce(&ArticleRecord) -> ArticleRecord,
    ) -> bool {
        let current = self.records.get(slug).cloned().unwrap_or_default();
        let next = f(&current);
        let changed = next != current;
        if changed {
            self.records.insert(slug.to_string(), next);
        }
        changed
    }

    /// Another tab stored `stored` for `slug`: merge it in, and say whether this tab must write
    /// back (read-merge-write in two tabs is not atomic: the other tab may have written without
    /// what this one had just stored).
    pub fn absorb_other_tab(&mut self, slug: &str, stored: &ArticleRecord) -> Absorbed {
        let changed = self.merge_stored(slug, stored);
        let stored = clock::clamped(stored);
        let write_back = self.records.get(slug).is_some_and(|mine| *mine != *stored);
        Absorbed {
            changed,
            write_back,
        }
    }

    /// Applies a reader's edit at time `now` (ms). Returns whether anything changed.
    pub fn apply(&mut self, slug: &str, edit: Edit, now: i64) -> bool {
        let record = self.records.entry(slug.to_string()).or_default();
        match edit {
            Edit::Add(mut highlight) => {
                if record.highlights.iter().any(|h| h.id == highlight.id) {
                    return false;
                }
                // A clock past the valid range stamps its end (see `notes::clock`).
                highlight.created = clock::stamp_of(highlight.created);
                highlight.updated = clock::stamp_of(highlight.updated);
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
            Edit::Restore(before) => {
                let Some(current) = record.highlights.iter_mut().find(|h| h.id == before.id) else {
                    return false;
                };
                if !current.deleted {
                    return false;
                }
                let updated = clock::next_update(current.updated, now);
                *current = Highlight {
                    deleted: false,
                    updated,
                    ..before
                };
                true
            }
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
                note.updated = clock::next_update(note.updated, now);
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
        highlight.updated = clock::next_update(highlight.updated, now);
    }
    changed
}

/// `current` with a copy stored elsewhere (another tab, an import) merged in, its absurd time
/// stamps taken as unknown first.
pub fn with_stored(current: &ArticleRecord, stored: &ArticleRecord) -> ArticleRecord {
    merge(current, &clock::clamped(stored))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notes::model::new_highlight;
    use proptest::prelude::*;

    const TEXT: &str = "La confiance se donne, elle ne se prend pas. Elle se mérite chaque jour.";
    const SLUG: &str = "a";

    fn add(id: &str, now: i64) -> Edit {
        Edit::Add(new_highlight(
            id.into(),
            SLUG.into(),
            Color::Jaune,
            TEXT,
            3,
            12,
            now,
        ))
    }

    #[test]
    fn a_passage_highlighted_again_in_the_same_colour_is_found_not_copied() {
        let mut notebook = Notebook::default();
        notebook.apply(SLUG, add("x", 10), 10);
        let Edit::Add(again) = add("y", 20) else {
            unreachable!()
        };
        assert_eq!(notebook.same_highlight(SLUG, &again).unwrap().id, "x");
        let other_colour = Highlight {
            color: Color::Vert,
            ..again.clone()
        };
        assert!(notebook.same_highlight(SLUG, &other_colour).is_none());
        let longer = new_highlight("z".into(), SLUG.into(), Color::Jaune, TEXT, 3, 13, 20);
        assert!(notebook.same_highlight(SLUG, &longer).is_none());
        assert!(notebook.same_highlight("b", &again).is_none());
        notebook.apply(SLUG, Edit::Delete { id: "x".into() }, 30);
        assert!(notebook.same_highlight(SLUG, &again).is_none());
    }

    #[test]
    fn a_restored_deletion_comes_back_with_its_note_and_wins_the_merge() {
        let mut notebook = Notebook::default();
        notebook.apply(SLUG, add("x", 10), 10);
        let note = Edit::Note {
            id: "x".into(),
            text: "à garder".into(),
        };
        notebook.apply(SLUG, note, 11);
        let before = notebook.record(SLUG).unwrap().highlights[0].clone();
        notebook.apply(SLUG, Edit::Delete { id: "x".into() }, 12);
        let deleted = notebook.record(SLUG).unwrap().clone();
        assert!(deleted.highlights[0].deleted);
        assert!(notebook.apply(SLUG, Edit::Restore(before.clone()), 12));
        let restored = notebook.record(SLUG).unwrap().clone();
        assert_eq!(restored.highlights[0].note, "à garder");
        assert!(!restored.highlights[0].deleted);
        assert!(restored.highlights[0].updated > deleted.highlights[0].updated);
        // Another tab that saw only the deletion learns of the restoration.
        assert_eq!(merge(&deleted, &restored), restored);
        // Restoring what is not deleted does nothing.
        assert!(!notebook.apply(SLUG, Edit::Restore(before), 13));
    }

    #[test]
    fn an_edit_after_an_absurd_import_is_kept() {
        let mut notebook = Notebook::default();
        let mut imported = ArticleRecord::default();
        let mut h = new_highlight("x".into(), SLUG.into(), Color::Vert, TEXT, 0, 5, 0);
        h.updated = i64::MAX;
        imported.highlights.push(h);
        let now = 1_795_553_225_666;
        notebook.merge_stored(SLUG, &imported);
        assert!(notebook.apply(
            SLUG,
            Edit::Note {
                id: "x".into(),
                text: "ma note".into()
            },
            now + 5
        ));
        // At write time the stored copy (still the imported one) is merged in again.
        let record = notebook.record(SLUG).unwrap().clone();
        let written = merge(&record, &clock::clamped(&imported));
        assert_eq!(written.highlights[0].note, "ma note");
        assert_eq!(written.highlights[0].updated, now + 5);
    }

    #[test]
    fn loading_reports_future_dates() {
        let mut record = ArticleRecord::default();
        let mut h = new_highlight("x".into(), SLUG.into(), Color::Vert, TEXT, 0, 5, 0);
        h.updated = i64::MAX;
        record.highlights.push(h);
        let raw = codec::encode(SLUG, &record);
        let key = codec::article_key(SLUG);
        let (notebook, problems) = Notebook::load([(key.as_str(), raw.as_str())]);
        assert_eq!(
            problems,
            vec![Problem::FutureDates {
                slug: SLUG.into(),
                count: 1
            }]
        );
        assert_eq!(notebook.record(SLUG).unwrap().highlights[0].updated, 0);
    }

    /// One step of two tabs sharing one localStorage key. A write is a read then a write, and
    /// another tab may act in between: localStorage gives no transaction across tabs.
    #[derive(Debug, Clone)]
    enum Step {
        Add { tab: usize, id: u8 },
        Note { tab: usize, id: u8 },
        Delete { tab: usize, id: u8 },
        BeginWrite { tab: usize },
        EndWrite { tab: usize },
        Deliver { tab: usize },
    }

    fn step() -> impl Strategy<Value = Step> {
        let tab = 0..2usize;
        let id = 0..4u8;
        prop_oneof![
            (tab.clone(), id.clone()).prop_map(|(tab, id)| Step::Add { tab, id }),
            (tab.clone(), id.clone()).prop_map(|(tab, id)| Step::Note { tab, id }),
            (tab.clone(), id).prop_map(|(tab, id)| Step::Delete { tab, id }),
            tab.clone().prop_map(|tab| Step::BeginWrite { tab }),
            tab.clone().prop_map(|tab| Step::EndWrite { tab }),
            tab.prop_map(|tab| Step::Deliver { tab }),
        ]
    }

    #[derive(Default)]
    struct Tab {
        notebook: Notebook,
        /// What this tab read for the write it has begun.
        read: Option<Option<ArticleRecord>>,
        /// Edited or told to write back since its last write.
        dirty: bool,
        /// Other tabs' writes not yet delivered (`storage` events).
        events: Vec<ArticleRecord>,
    }

    struct World {
        stored: Option<ArticleRecord>,
        tabs: [Tab; 2],
        now: i64,
        /// Every version of every highlight any tab made.
        made: Vec<Highlight>,
    }

    impl World {
        fn edit(&mut self, tab: usize, edit: Edit) {
            self.now += 1;
            let t = &mut self.tabs[tab];
            if t.notebook.apply(SLUG, edit, self.now) {
                t.dirty = true;
                let record = t.notebook.record(SLUG).unwrap();
                self.made.extend(record.highlights.iter().cloned());
            }
        }

        fn begin(&mut self, tab: usize) {
            let t = &mut self.tabs[tab];
            if t.dirty && t.read.is_none() {
                t.read = Some(self.stored.clone());
                t.dirty = false;
            }
        }

        /// As `storage::write_article`: merge what was read, write, tell the other tab.
        fn end(&mut self, tab: usize) {
            let Some(read) = self.tabs[tab].read.take() else {
                return;
            };
            let mine = self.tabs[tab]
                .notebook
                .record(SLUG)
                .cloned()
                .unwrap_or_default();
            let written = match read {
                Some(stored) => merge(&mine, &stored),
                None => mine,
            };
            self.tabs[tab].notebook.merge_stored(SLUG, &written);
            self.stored = Some(written.clone());
            self.tabs[1 - tab].events.push(written);
        }

        fn deliver(&mut self, tab: usize) {
            let t = &mut self.tabs[tab];
            if t.events.is_empty() {
                return;
            }
            let value = t.events.remove(0);
            let absorbed = t.notebook.absorb_other_tab(SLUG, &value);
            if absorbed.write_back {
                t.dirty = true;
            }
        }

        fn run(&mut self, step: &Step) {
            match *step {
                Step::Add { tab, id } => self.edit(tab, add(&format!("h{id}"), self.now + 1)),
                Step::Note { tab, id } => {
                    let text = format!("note {} de l’onglet {tab}", self.now);
                    self.edit(
                        tab,
                        Edit::Note {
                            id: format!("h{id}"),
                            text,
                        },
                    )
                }
                Step::Delete { tab, id } => self.edit(
                    tab,
                    Edit::Delete {
                        id: format!("h{id}"),
                    },
                ),
                Step::BeginWrite { tab } => self.begin(tab),
                Step::EndWrite { tab } => self.end(tab),
                Step::Deliver { tab } => self.deliver(tab),
            }
        }

        /// Every write in flight ends, every event arrives, every dirty tab writes.
        fn settle(&mut self) {
            for _ in 0..100 {
                for tab in 0..2 {
                    self.end(tab);
                }
                for tab in 0..2 {
                    while !self.tabs[tab].events.is_empty() {
                        self.deliver(tab);
                    }
                }
                let dirty: Vec<usize> = (0..2).filter(|&t| self.tabs[t].dirty).collect();
                if dirty.is_empty() {
                    return;
                }
                for tab in dirty {
                    self.begin(tab);
                    self.end(tab);
                }
            }
            panic!("two tabs never settled");
        }
    }

    proptest! {
        /// Whatever the interleaving of two tabs' read-merge-write cycles, once both have
        /// written what they hold, storage has every version any tab made, or a newer one.
        #[test]
        fn two_tabs_interleaving_lose_nothing(steps in prop::collection::vec(step(), 0..60)) {
            let mut world = World { stored: None, tabs: Default::default(), now: 1, made: vec![] };
            for step in &steps {
                world.run(step);
            }
            world.settle();
            let stored = world.stored.clone().unwrap_or_default();
            for made in &world.made {
                let kept = stored.highlights.iter().find(|h| h.id == made.id);
                prop_assert!(kept.is_some_and(|k| k.updated >= made.updated), "lost {made:?}");
            }
            for tab in &world.tabs {
                prop_assert_eq!(tab.notebook.record(SLUG).cloned().unwrap_or_default(), stored.clone());
            }
        }
    }
}
