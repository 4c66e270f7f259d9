//! The notebook as app state: a signal the views read, edits that persist one article at a time,
//! changes from other tabs merged in, and the notices that tell the reader when storage fails.

use crate::{
    notebook::{Edit, Notebook, Problem},
    notes::{
        codec::{self, DecodeError},
        model::ArticleRecord,
    },
    storage::{self, WriteError},
};
use leptos::prelude::*;
use std::{collections::BTreeSet, time::Duration};
use wasm_bindgen::{closure::Closure, JsCast};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeKind {
    StorageUnavailable,
    StorageFull,
    Corrupt,
    Newer,
    FutureDates,
    /// A note written on two devices apart kept both versions (`sync::concurrent`).
    BothKept,
    /// A link to a highlight (`#h-<id>`) this device does not have.
    LinkedHighlightMissing,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    pub kind: NoticeKind,
    /// The article the notice is about: its title is shown before `text` (see `app`).
    pub slug: Option<String>,
    pub text: String,
}

impl Notice {
    /// Quota and disabled storage: exporting is how the reader keeps what is only in memory.
    pub fn offers_export(&self) -> bool {
        matches!(
            self.kind,
            NoticeKind::StorageFull | NoticeKind::StorageUnavailable
        )
    }
}

#[derive(Clone, Copy)]
pub struct NotesState {
    pub notebook: RwSignal<Notebook>,
    pub notices: RwSignal<Vec<Notice>>,
    /// Articles with changes that are only in memory.
    pub unsaved: RwSignal<BTreeSet<String>>,
    /// Articles edited since the last write, written once the page is painted.
    pending: RwSignal<BTreeSet<String>>,
}

const UNAVAILABLE: &str =
    "Le stockage local de ce navigateur est désactivé ou inaccessible\u{a0}: \
vos surlignages et vos notes fonctionnent pendant cette visite, mais ne seront pas conservés. \
Exportez-les pour les garder.";
const FULL: &str = "Le stockage local est plein\u{a0}: la dernière modification n’a pas pu être \
enregistrée. Rien de ce qui était déjà enregistré n’est perdu, et la modification reste \
disponible dans cet onglet. Exportez vos notes pour la conserver.";

impl NotesState {
    /// Loads the notebook, reports what could not be used, and follows other tabs' changes.
    pub fn provide() -> Self {
        let mut notices = Vec::new();
        let notebook = match storage::local_storage() {
            None => {
                notices.push(Notice {
                    kind: NoticeKind::StorageUnavailable,
                    slug: None,
                    text: UNAVAILABLE.into(),
                });
                Notebook::default()
            }
            Some(store) => {
                let entries = storage::read_all(&store);
                let (notebook, problems) =
                    Notebook::load(entries.iter().map(|(k, v)| (k.as_str(), v.as_str())));
                for problem in problems {
                    notices.push(problem_notice(&store, problem));
                }
                notebook
            }
        };
        let state = NotesState {
            notebook: RwSignal::new(notebook),
            notices: RwSignal::new(notices),
            unsaved: RwSignal::new(BTreeSet::new()),
            pending: RwSignal::new(BTreeSet::new()),
        };
        state.follow_other_tabs();
        // Nothing typed is lost when the tab goes away before the deferred write.
        let leaving = window_event_listener(leptos::ev::pagehide, move |_| state.flush());
        std::mem::forget(leaving);
        let hidden = window_event_listener(leptos::ev::visibilitychange, move |_| state.flush());
        std::mem::forget(hidden);
        provide_context(state);
        state
    }

    pub fn get() -> Self {
        expect_context::<NotesState>()
    }

    /// Applies a reader's edit and stores that article.
    pub fn edit(self, slug: &str, edit: Edit) {
        let now = storage::stamp_now();
        let mut changed = false;
        self.notebook.update(|n| changed = n.apply(slug, edit, now));
        if changed {
            self.persist_soon(slug);
        }
    }

    /// Stores an article right after the page has been painted, so the reader sees the change
    /// first; several edits in the meantime make one write. Leaving the page writes at once.
    fn persist_soon(self, slug: &str) {
        let first = self.pending.with_untracked(|p| p.is_empty());
        self.pending.update_untracked(|p| {
            p.insert(slug.to_string());
        });
        if first {
            set_timeout(move || self.flush(), Duration::ZERO);
        }
    }

    /// Writes every article edited since the last write.
    pub fn flush(self) {
        let slugs = self.pending.with_untracked(|p| p.clone());
        self.pending.update_untracked(BTreeSet::clear);
        for slug in slugs {
            self.persist(&slug);
        }
    }

    /// Writes what is pending now, and says whether `slug`'s changes are stored (not only in
    /// memory: a full or disabled storage, an article a newer Liseuse wrote).
    pub fn store_now(self, slug: &str) -> bool {
        self.flush();
        !self.is_unsaved(slug)
    }

    pub fn is_unsaved(self, slug: &str) -> bool {
        self.unsaved.with_untracked(|u| u.contains(slug))
    }

    /// Merges records from elsewhere (an import) and stores them.
    pub fn merge_in(self, records: impl IntoIterator<Item = (String, ArticleRecord)>) {
        self.merge_synced(records, |_, held, brought| {
            crate::notebook::with_stored(held, brought)
        });
    }

    /// Records a sync pass brought, each merged with the record held by `combine` (slug, held,
    /// brought: `sync::engine::Pass::combine`, which keeps notes written apart on both sides).
    pub fn merge_synced(
        self,
        records: impl IntoIterator<Item = (String, ArticleRecord)>,
        combine: impl Fn(&str, &ArticleRecord, &ArticleRecord) -> ArticleRecord,
    ) {
        let mut changed = Vec::new();
        self.notebook.update(|n| {
            for (slug, record) in records {
                if n.replace_with(&slug, |held| combine(&slug, held, &record)) {
                    changed.push(slug);
                }
            }
        });
        for slug in changed {
            self.persist(&slug);
        }
    }

    fn persist(self, slug: &str) {
        let read_only = self
            .notebook
            .with_untracked(|n| n.read_only.contains_key(slug));
        if read_only {
            self.mark_unsaved(slug);
            return;
        }
        let Some(store) = storage::local_storage() else {
            self.mark_unsaved(slug);
            self.notify(NoticeKind::StorageUnavailable, UNAVAILABLE.into());
            return;
        };
        // Earlier failures first, so that a freed quota saves everything pending.
        let mut pending: Vec<String> = self.unsaved.get_untracked().into_iter().collect();
        if !pending.iter().any(|s| s == slug) {
            pending.push(slug.to_string());
        }
        for slug in pending {
            if self
                .notebook
                .with_untracked(|n| n.read_only.contains_key(&slug))
            {
                continue;
            }
            let record = self
                .notebook
                .with_untracked(|n| n.record(&slug).cloned().unwrap_or_default());
            match storage::write_article(&store, &slug, &record) {
                Ok(stored) => {
                    self.unsaved.update(|u| {
                        u.remove(&slug);
                    });
                    if stored != record {
                        // Another tab's changes came in through the merge.
                        self.notebook.update(|n| {
                            n.merge_stored(&slug, &stored);
                        });
                    }
                }
                Err(error) => {
                    self.mark_unsaved(&slug);
                    match error {
                        WriteError::Full => self.notify(NoticeKind::StorageFull, FULL.into()),
                        WriteError::Unavailable => {
                            self.notify(NoticeKind::StorageUnavailable, UNAVAILABLE.into())
                        }
                        WriteError::Protected { found } => {
                            self.notebook.update(|n| {
                                n.read_only.insert(slug.clone(), codec::article_key(&slug));
                            });
                            self.notify_newer(&slug, found);
                        }
                    }
                }
            }
        }
        // The quota notice stays as long as anything is only in memory, whatever else was
        // saved in between (it lists those articles: see `app`).
        if self.unsaved.with_untracked(|u| u.is_empty()) {
            self.notices.update(|list| {
                list.retain(|n| n.kind != NoticeKind::StorageFull);
            });
        }
    }

    fn mark_unsaved(self, slug: &str) {
        if !self.unsaved.with_untracked(|u| u.contains(slug)) {
            self.unsaved.update(|u| {
                u.insert(slug.to_string());
            });
        }
    }

    /// An article whose stored key a newer Liseuse wrote (at load, or since, in another tab).
    fn notify_newer(self, slug: &str, found: u64) {
        self.notices.update(|list| {
            let known = list
                .iter()
                .any(|n| n.kind == NoticeKind::Newer && n.slug.as_deref() == Some(slug));
            if !known {
                list.push(newer_notice(
                    slug,
                    DecodeError::NewerVersion { found }.message_fr(),
                ));
            }
        });
    }

    /// A sync pass kept the two versions of a note of `slug` written on two devices apart: the
    /// reader is told on whatever page they are, once per article until they dismiss it.
    pub fn notify_both_kept(self, slug: &str) {
        self.notices.update(|list| {
            let known = list
                .iter()
                .any(|n| n.kind == NoticeKind::BothKept && n.slug.as_deref() == Some(slug));
            if !known {
                list.push(Notice {
                    kind: NoticeKind::BothKept,
                    slug: Some(slug.to_string()),
                    text: "Une note a été modifiée sur deux appareils avant qu’ils se \
                           synchronisent\u{a0}: ses deux versions sont gardées l’une après \
                           l’autre\u{202f}; relisez-la."
                        .to_string(),
                });
            }
        });
    }

    fn notify(self, kind: NoticeKind, text: String) {
        self.notices.update(|list| {
            if !list.iter().any(|n| n.kind == kind && n.text == text) {
                list.push(Notice {
                    kind,
                    slug: None,
                    text,
                });
            }
        });
    }

    pub fn dismiss(self, index: usize) {
        self.notices.update(|list| {
            if index < list.len() {
                list.remove(index);
            }
        });
    }

    /// Another tab wrote an article: merge it in, so both tabs' edits survive.
    fn follow_other_tabs(self) {
        let Some(window) = web_sys::window() else {
            return;
        };
        let on_storage =
            Closure::<dyn Fn(web_sys::StorageEvent)>::new(move |event: web_sys::StorageEvent| {
                let Some(key) = event.key() else { return };
                let Some(slug) = codec::slug_from_key(&key) else {
                    return;
                };
                let Some(raw) = event.new_value() else { return };
                match codec::decode(&raw) {
                    Ok(decoded) => {
                        let mut absorbed = None;
                        self.notebook.update(|n| {
                            absorbed = Some(n.absorb_other_tab(slug, &decoded.record));
                        });
                        if absorbed.is_some_and(|a| a.write_back) {
                            // That tab wrote without what this one holds: write it back.
                            self.persist_soon(slug);
                        }
                    }
                    Err(DecodeError::NewerVersion { found }) => {
                        // A tab of a newer build wrote this article: never overwrite it.
                        self.notebook.update(|n| {
                            n.read_only.insert(slug.to_string(), key.clone());
                        });
                        self.notify_newer(slug, found);
                    }
                    // Unreadable (written by something other than Liseuse): copied aside now
                    // and said, as when the page loads, not only at this tab's next write.
                    Err(error) => {
                        let Some(store) = storage::local_storage() else {
                            return;
                        };
                        let notice = problem_notice(
                            &store,
                            Problem::Corrupt {
                                key: key.clone(),
                                slug: Some(slug.to_string()),
                                raw,
                                message: error.message_fr(),
                            },
                        );
                        self.notices.update(|list| {
                            if !list.contains(&notice) {
                                list.push(notice);
                            }
                        });
                    }
                }
            });
        let _ =
            window.add_event_listener_with_callback("storage", on_storage.as_ref().unchecked_ref());
        // Lives as long as the page.
        on_storage.forget();
    }
}

fn problem_notice(store: &web_sys::Storage, problem: Problem) -> Notice {
    match problem {
        Problem::Corrupt {
            key,
            slug,
            raw,
            message,
        } => {
            // Said as it is: a full storage leaves no room for the copy (the key is then left
            // as it is, since every write copies an unreadable value aside first).
            let kept = match storage::set_aside(store, &key, &raw) {
                Ok(aside) => format!(
                    "elles ont été mises de côté sans être modifiées. \
                     Copie intacte\u{a0}: «\u{202f}{aside}\u{202f}»."
                ),
                Err(_) => "elles sont laissées telles quelles, à leur place.".into(),
            };
            Notice {
                kind: NoticeKind::Corrupt,
                slug,
                text: format!("{message}\u{202f}; {kept}"),
            }
        }
        Problem::Newer { slug, message, .. } => newer_notice(&slug, message),
        Problem::FutureDates { slug, count } => Notice {
            kind: NoticeKind::FutureDates,
            slug: Some(slug),
            text: format!(
                "{count} date(s) dans le futur (horloge déréglée ou fichier retouché) ont été \
                 tenues pour inconnues, afin que vos prochaines modifications priment. Rien \
                 n’a été supprimé."
            ),
        },
    }
}

fn newer_notice(slug: &str, message: String) -> Notice {
    Notice {
        kind: NoticeKind::Newer,
        slug: Some(slug.to_string()),
        text: format!(
            "{message} Les modifications faites ici sur cet article ne sont pas enregistrées\u{a0}: \
             elles restent dans cet onglet tant qu’il est ouvert. Exportez-les pour les garder."
        ),
    }
}
