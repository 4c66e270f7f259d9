//! Browser layer of sync: when passes happen, one at a time, and what the reader is told.
//! The settings, the password and the bookkeeping in storage are in `stored`; a pass, its
//! requests (`fetch`, Basic auth, to the configured folder only) and merging what they bring
//! into the notebook (`NotesState::merge_in`: memory, storage and other tabs) and into the
//! reading positions, in `pass`, which the release build cuts out of the main wasm.
//!
//! Keys: `liseuse:sync:config` (address, identifier, « Se souvenir »), `liseuse:sync:password`
//! (localStorage only with « Se souvenir », else sessionStorage), `liseuse:sync:state` (the
//! engine's bookkeeping), `liseuse:sync:health` (the last pass's outcome, for every tab). The
//! password is never logged nor exported.

mod pass;
mod stored;

pub use stored::{config_unreadable, flag, load_config, password, shared_failure, Config};

use crate::{
    chunk::ChunkMissing,
    split_point,
    state::NotesState,
    storage,
    sync::{self, engine::FileProblem, SyncError},
};
use leptos::{ev, prelude::*, task::spawn_local};
use pass::{differs_from_synced, one_at_a_time, pass, propfind_folder};
use std::{future::Future, pin::Pin, time::Duration};
use stored::{save_config, save_password, set_paused, CONFIG, HEALTH, PASSWORD, STATE};

/// Delay after an edit before a pass (edits in a row make one pass).
const AFTER_EDIT: Duration = Duration::from_secs(3);
const EVERY: Duration = Duration::from_secs(5 * 60);

/// What the status line says.
#[derive(Debug, Clone, PartialEq)]
pub enum Status {
    /// Nothing done yet in this tab.
    Idle,
    Running,
    Synced {
        at: String,
        problems: Vec<(String, FileProblem)>,
        /// Files where a note written on two devices apart kept both versions.
        both_kept: Vec<String>,
        clock_off: bool,
    },
    Failed {
        error: SyncError,
        at: String,
    },
    Connected {
        at: String,
    },
    /// A message about the form (an address refused, logged out).
    Message(String),
}

/// What the header's « Synchronisation » link tells, in every tab.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flag {
    /// Not set up, or syncing as it should.
    Quiet,
    /// Set up, but no password for this session.
    Paused,
    /// The last pass failed (the server refused, a file it cannot use…), offline aside.
    Failed,
    /// The server's clock says this device's is off.
    Clock,
}

impl Flag {
    /// The words added to the link's name, as the header shows them.
    pub fn said(self) -> String {
        self.words().unwrap_or("").to_string()
    }

    /// The words added to the link's name.
    pub fn words(self) -> Option<&'static str> {
        match self {
            Flag::Quiet => None,
            Flag::Paused => Some(" en pause"),
            Flag::Failed => Some(" en échec"),
            Flag::Clock => Some("\u{a0}: horloge à régler"),
        }
    }
}

/// Why a pass is asked for: automatic ones are skipped when another tab just did the work.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trigger {
    /// « Synchroniser maintenant » (or the form): always runs, lifts a pause.
    Manual,
    /// The app opened, the network came back, the tab was hidden, an edit.
    Auto,
    /// The five-minute timer.
    Timer,
}

#[derive(Clone, Copy)]
pub struct SyncDriver {
    notes: NotesState,
    pub status: RwSignal<Status>,
    /// The header's word on sync, kept in step with the other tabs.
    /// The words the header's « Synchronisation » link adds (see [`Flag::words`]).
    pub flag: RwSignal<String>,
    running: StoredValue<bool>,
    /// A pass was asked for while one ran: one more follows (the strongest trigger asked).
    again: StoredValue<Option<Trigger>>,
    edit_timer: StoredValue<Option<TimeoutHandle>>,
    /// Damaged files the reader chose to replace by this device's version, for the next pass.
    replace: StoredValue<Vec<String>>,
}

impl SyncDriver {
    /// Sets up the automatic passes: when the app opens, after edits, when the network comes
    /// back, when the tab is hidden, and every five minutes.
    pub fn provide(notes: NotesState) -> Self {
        let driver = SyncDriver {
            notes,
            status: RwSignal::new(Status::Idle),
            flag: RwSignal::new(flag().said()),
            running: StoredValue::new(false),
            again: StoredValue::new(None),
            edit_timer: StoredValue::new(None),
            replace: StoredValue::new(Vec::new()),
        };
        provide_context(driver);
        // After the first page is drawn: reading comes first.
        set_timeout(move || driver.sync_auto(), Duration::from_secs(2));
        Effect::new(move |previous: Option<()>| {
            notes.notebook.track();
            if previous.is_some() {
                driver.after_edit();
            }
        });
        std::mem::forget(window_event_listener(ev::online, move |_| {
            driver.sync_auto()
        }));
        std::mem::forget(window_event_listener(ev::visibilitychange, move |_| {
            if !crate::browser::is_visible() {
                driver.sync_auto();
            }
        }));
        // Another tab set up, logged out or ended a pass.
        std::mem::forget(window_event_listener(ev::storage, move |event| {
            if event
                .key()
                .is_none_or(|key| key.starts_with("liseuse:sync:"))
            {
                driver.flag.set(flag().said());
            }
        }));
        // For the page's whole life.
        let _ = set_interval_with_handle(move || driver.run(Trigger::Timer), EVERY);
        driver
    }

    pub fn get() -> Self {
        expect_context::<SyncDriver>()
    }

    /// Whether a folder and a password are there for this tab.
    pub fn is_set_up() -> bool {
        load_config().is_some() && password().is_some()
    }

    fn after_edit(self) {
        if !Self::is_set_up() {
            return;
        }
        if let Some(handle) = self.edit_timer.get_value() {
            handle.clear();
        }
        let handle = set_timeout_with_handle(
            move || {
                self.edit_timer.set_value(None);
                // Only when something local differs from what was synced (not for what a
                // pass itself merged in).
                spawn_local(async move {
                    // A chunk that cannot be fetched: the pass that follows says so.
                    if local_changes(self.notes).await.unwrap_or(true) {
                        self.sync_auto();
                    }
                });
            },
            AFTER_EDIT,
        )
        .ok();
        self.edit_timer.set_value(handle);
    }

    /// An automatic pass if sync is set up and not paused.
    pub fn sync_auto(self) {
        self.run(Trigger::Auto);
    }

    /// « Synchroniser maintenant »: a pass now (or right after the one under way), even after
    /// a refusal.
    pub fn sync_now(self) {
        set_paused(false);
        self.flag.set(flag().said());
        self.run(Trigger::Manual);
    }

    fn run(self, trigger: Trigger) {
        if trigger != Trigger::Manual && !Self::is_set_up() {
            return;
        }
        if self.running.get_value() {
            let stronger = match self.again.get_value() {
                Some(Trigger::Manual) => Trigger::Manual,
                Some(Trigger::Auto) if trigger == Trigger::Timer => Trigger::Auto,
                _ => trigger,
            };
            self.again.set_value(Some(stronger));
            return;
        }
        self.running.set_value(true);
        if trigger == Trigger::Manual {
            self.status.set(Status::Running);
        }
        spawn_local(async move {
            // The chunk gives the passes' future, which must itself be awaited.
            if let Ok(passes) = run_passes(self, trigger).await {
                passes.await;
            } else {
                self.again.set_value(None);
                self.status.set(Status::Failed {
                    error: chunk_missing(),
                    at: now_fr(),
                });
            }
            self.flag.set(flag().said());
            self.running.set_value(false);
        });
    }

    /// Passes one after another, as long as more are asked for meanwhile (in the sync chunk).
    async fn passes(self, mut trigger: Trigger) {
        loop {
            let replace = self.replace.get_value();
            let outcome = one_at_a_time(pass(self.notes, trigger, replace)).await;
            let at = now_fr();
            match outcome {
                Outcome::Synced {
                    problems,
                    both_kept,
                    clock_off,
                } => {
                    self.replace.set_value(Vec::new());
                    self.status.set(Status::Synced {
                        at,
                        problems,
                        both_kept,
                        clock_off,
                    })
                }
                Outcome::Failed(error) => self.status.set(Status::Failed { error, at }),
                // Another tab did the work, or the settings changed under the pass.
                Outcome::Skipped => {
                    if self.status.with_untracked(|s| *s == Status::Running) {
                        self.status.set(Status::Idle);
                    }
                }
            }
            self.flag.set(flag().said());
            let Some(next) = self.again.get_value() else {
                break;
            };
            self.again.set_value(None);
            trigger = next;
        }
    }

    /// Replaces the damaged server files `names` by this device's versions (the reader
    /// confirmed), with a pass now.
    pub fn replace_damaged(self, names: Vec<String>) {
        self.replace.set_value(names);
        self.sync_now();
    }

    /// « Tester la connexion »: PROPFIND Depth 0 on the folder, with the form's values.
    pub fn test(self, url: String, user: String, password: String) {
        let url = match sync::check_url(&url) {
            Ok(url) => url,
            Err(message) => return self.status.set(Status::Message(message)),
        };
        self.status.set(Status::Running);
        spawn_local(async move {
            let result = match check_connection(url, sync::basic_auth(&user, &password)).await {
                Ok(check) => check.await,
                Err(ChunkMissing) => Err(chunk_missing()),
            };
            let at = now_fr();
            self.status.set(match result {
                Ok(()) => Status::Connected { at },
                Err(error) => Status::Failed { error, at },
            });
        });
    }

    /// Saves the form (the password where « Se souvenir » says) and syncs.
    pub fn set_up_and_sync(self, config: Config, password_value: String) {
        let url = match sync::check_url(&config.url) {
            Ok(url) => url,
            Err(message) => return self.status.set(Status::Message(message)),
        };
        if config.user.trim().is_empty() || password_value.is_empty() {
            return self.status.set(Status::Failed {
                error: SyncError::NotSetUp,
                at: now_fr(),
            });
        }
        let config = Config {
            url,
            user: config.user.trim().to_string(),
            remember: config.remember,
        };
        save_config(&config);
        save_password(&config, &password_value);
        self.sync_now();
    }

    /// « Se déconnecter »: forgets the folder, the password and the bookkeeping; the notes stay.
    /// A pass under way stops before its next request (it checks the settings it began with).
    pub fn log_out(self) {
        for store in [storage::local_storage(), crate::browser::session_storage()]
            .into_iter()
            .flatten()
        {
            let _ = store.remove_item(PASSWORD);
        }
        if let Some(store) = storage::local_storage() {
            for key in [CONFIG, STATE, HEALTH, crate::notes::clock::OFFSET_KEY] {
                let _ = store.remove_item(key);
            }
        }
        self.replace.set_value(Vec::new());
        // A pass asked for under the settings just forgotten has nothing left to do.
        self.again.set_value(None);
        self.flag.set(flag().said());
        self.status.set(Status::Message(sync::french_spaces(
            "Déconnecté\u{a0}: vos notes restent sur cet appareil.",
        )));
    }
}

/// What a pass came to.
pub enum Outcome {
    Synced {
        problems: Vec<(String, FileProblem)>,
        both_kept: Vec<String>,
        clock_off: bool,
    },
    Failed(SyncError),
    /// Not run, or stopped without a word: another tab did the work, sync is paused, or the
    /// settings changed under the pass.
    Skipped,
}

// The three `split_point!`s below are where the release build cuts the sync engine out of the
// main wasm (see src/chunk.rs): a reader who never sets up sync never downloads it.

type Task<T> = Pin<Box<dyn Future<Output = T>>>;

/// Why a pass could not even start: its code is not here.
fn chunk_missing() -> SyncError {
    if web_sys::window().is_some_and(|w| w.navigator().on_line()) {
        SyncError::CodeMissing
    } else {
        SyncError::Offline
    }
}

split_point! { sync_check;
    /// « Tester la connexion »: PROPFIND Depth 0 on the folder.
    fn check_connection(url: String, auth: String) -> Task<Result<(), SyncError>> {
        Box::pin(propfind_folder(url, auth))
    }
}

split_point! { sync_changes;
    fn local_changes(notes: NotesState) -> bool {
        differs_from_synced(notes)
    }
}

split_point! { sync_pass;
    fn run_passes(driver: SyncDriver, trigger: Trigger) -> Task<()> {
        Box::pin(driver.passes(trigger))
    }
}

/// The local time as « 14 h 32 ».
fn now_fr() -> String {
    let date = js_sys::Date::new_0();
    sync::time_fr(date.get_hours(), date.get_minutes())
}
