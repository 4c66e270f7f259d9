//! Browser layer of sync: the settings and the password in storage, the requests (`fetch`,
//! Basic auth, to the configured folder only), the passes of `sync::engine` performed one at a
//! time, their results merged into the notebook (`NotesState::merge_in`: memory, storage and
//! other tabs) and into the reading positions, and when passes happen.
//!
//! Keys: `liseuse:sync:config` (address, identifier, « Se souvenir »), `liseuse:sync:password`
//! (localStorage only with « Se souvenir », else sessionStorage), `liseuse:sync:state` (the
//! engine's bookkeeping). The password is never logged nor exported.

use crate::{
    chunk::ChunkMissing,
    progress::{self, Position},
    split_point,
    state::NotesState,
    storage,
    sync::{
        self,
        engine::{self, Condition, Doc, FileProblem, Pass, Reply, Request, SyncState},
        positions, propfind, SyncError,
    },
};
use leptos::{ev, prelude::*, task::spawn_local};
use serde::{Deserialize, Serialize};
use std::{collections::BTreeMap, future::Future, pin::Pin, time::Duration};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

const CONFIG: &str = "liseuse:sync:config";
const PASSWORD: &str = "liseuse:sync:password";
const STATE: &str = "liseuse:sync:state";
const HEALTH: &str = "liseuse:sync:health";
/// The Web Lock held while a pass runs: one pass at a time per browser.
const LOCK: &str = "liseuse:sync";
const PROGRESS_PREFIX: &str = "liseuse:progress:";
const FOLDER: &str = "liseuse/";

/// Delay after an edit before a pass (edits in a row make one pass).
const AFTER_EDIT: Duration = Duration::from_secs(3);
const EVERY: Duration = Duration::from_secs(5 * 60);

const PROPFIND_BODY: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<D:propfind xmlns:D="DAV:"><D:prop><D:resourcetype/><D:getetag/><D:getlastmodified/></D:prop></D:propfind>"#;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Config {
    pub url: String,
    pub user: String,
    #[serde(default)]
    pub remember: bool,
}

/// The first line of a password stored with its settings (lines: this mark, the folder, the
/// identifier, the password), told apart from one stored alone by an earlier version. A tab
/// whose settings another tab changed must not send it to another server or for another user.
/// Lines, not JSON: what the first visit runs stays small (no serde code for it).
const PASSWORD_MARK: &str = "liseuse-mot-de-passe";

/// What the status line says.
#[derive(Debug, Clone, PartialEq)]
pub enum Status {
    /// Nothing done yet in this tab.
    Idle,
    Running,
    Synced {
        at: String,
        problems: Vec<(String, FileProblem)>,
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

/// The outcome of the last pass, shared by the tabs (`liseuse:sync:health`, stored as lines:
/// folder, identifier, error code, `p` and `c` for the flags).
#[derive(Debug, Clone, Default, PartialEq)]
struct Health {
    url: String,
    user: String,
    /// The error that ended the last pass, as `SyncError::code` (none: it succeeded, or was
    /// offline).
    failed: Option<String>,
    /// The server refused the credentials or the folder: no automatic pass until the reader
    /// changes the settings or asks for a pass.
    paused: bool,
    clock_off: bool,
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
    pub flag: RwSignal<Flag>,
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
            flag: RwSignal::new(flag()),
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
                driver.flag.set(flag());
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
        self.flag.set(flag());
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
            let mut trigger = trigger;
            loop {
                let replace = self.replace.get_value();
                let outcome = match run_pass(self.notes, trigger, replace).await {
                    Ok(pass) => pass.await,
                    Err(ChunkMissing) => Outcome::Failed(chunk_missing()),
                };
                let at = now_fr();
                match outcome {
                    Outcome::Synced {
                        problems,
                        clock_off,
                    } => {
                        self.replace.set_value(Vec::new());
                        self.status.set(Status::Synced {
                            at,
                            problems,
                            clock_off,
                        })
                    }
                    Outcome::Failed(error) => self.status.set(Status::Failed { error, at }),
                    // Another tab did the work, or the settings changed under the pass.
                    Outcome::Skipped => {
                        if self.status.get_untracked() == Status::Running {
                            self.status.set(Status::Idle);
                        }
                    }
                }
                self.flag.set(flag());
                let Some(next) = self.again.get_value() else {
                    break;
                };
                self.again.set_value(None);
                trigger = next;
            }
            self.running.set_value(false);
        });
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
        for store in [storage::local_storage(), session_storage()]
            .into_iter()
            .flatten()
        {
            let _ = store.remove_item(PASSWORD);
        }
        if let Some(store) = storage::local_storage() {
            for key in [CONFIG, STATE, HEALTH] {
                let _ = store.remove_item(key);
            }
        }
        self.replace.set_value(Vec::new());
        self.flag.set(flag());
        self.status.set(Status::Message(sync::french_spaces(
            "Déconnecté\u{a0}: vos notes restent sur cet appareil.",
        )));
    }
}

/// What a pass came to.
pub enum Outcome {
    Synced {
        problems: Vec<(String, FileProblem)>,
        clock_off: bool,
    },
    Failed(SyncError),
    /// Not run, or stopped without a word: another tab did the work, sync is paused, or the
    /// settings changed under the pass.
    Skipped,
}

/// Runs `task` while no other tab of this browser runs a pass (Web Locks API, where the
/// browser has it; elsewhere, at once).
async fn one_at_a_time(task: impl Future<Output = Outcome> + 'static) -> Outcome {
    use wasm_bindgen::closure::Closure;
    let locks = web_sys::window()
        .map(|w| js_sys::Reflect::get(&w.navigator(), &JsValue::from_str("locks")))
        .and_then(|l| l.ok())
        .filter(|l| !l.is_undefined() && !l.is_null());
    let request = locks.as_ref().and_then(|l| {
        js_sys::Reflect::get(l, &JsValue::from_str("request"))
            .ok()?
            .dyn_into::<js_sys::Function>()
            .ok()
    });
    let (Some(locks), Some(request)) = (locks, request) else {
        return task.await;
    };
    let outcome = std::rc::Rc::new(std::cell::RefCell::new(None::<Outcome>));
    let task = std::cell::RefCell::new(Some(task));
    let slot = outcome.clone();
    let held = Closure::once(move |_lock: JsValue| -> js_sys::Promise {
        let task = task.borrow_mut().take();
        wasm_bindgen_futures::future_to_promise(async move {
            if let Some(task) = task {
                *slot.borrow_mut() = Some(task.await);
            }
            Ok(JsValue::UNDEFINED)
        })
    });
    let granted = request.call2(
        &locks,
        &JsValue::from_str(LOCK),
        held.as_ref().unchecked_ref(),
    );
    match granted {
        Ok(promise) => {
            let _ = JsFuture::from(js_sys::Promise::from(promise)).await;
        }
        Err(_) => return Outcome::Failed(SyncError::Unreachable),
    }
    drop(held);
    let result = outcome.borrow_mut().take();
    result.unwrap_or(Outcome::Skipped)
}

pub fn load_config() -> Option<Config> {
    let raw = storage::local_storage()?.get_item(CONFIG).ok()??;
    serde_json::from_str(&raw).ok()
}

fn save_config(config: &Config) {
    if let Some(store) = storage::local_storage() {
        let _ = store.set_item(CONFIG, &serde_json::to_string(config).unwrap_or_default());
    }
}

fn session_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok()?
}

/// The password for the folder and identifier set up now: this session's, else the one
/// remembered on this device. One given for other settings (another tab changed them) is
/// not used.
pub fn password() -> Option<String> {
    let config = load_config()?;
    [session_storage(), storage::local_storage()]
        .into_iter()
        .flatten()
        .filter_map(|s| s.get_item(PASSWORD).ok().flatten())
        .find_map(|raw| match sync::lines(&raw, 4).as_deref() {
            Some([PASSWORD_MARK, url, user, password]) => {
                (*url == config.url && *user == config.user).then(|| password.to_string())
            }
            // Stored by an earlier version, which kept the password alone: for these settings.
            _ => (!raw.starts_with(PASSWORD_MARK)).then_some(raw),
        })
}

fn save_password(config: &Config, password: &str) {
    let (keep, drop) = if config.remember {
        (storage::local_storage(), session_storage())
    } else {
        (session_storage(), storage::local_storage())
    };
    if let Some(s) = drop {
        let _ = s.remove_item(PASSWORD);
    }
    if let Some(s) = keep {
        let raw = [PASSWORD_MARK, &config.url, &config.user, password].join("\n");
        let _ = s.set_item(PASSWORD, &raw);
    }
}

fn load_health() -> Option<Health> {
    let raw = storage::local_storage()?.get_item(HEALTH).ok()??;
    let config = load_config()?;
    let [url, user, failed, flags] = sync::lines(&raw, 4)?[..] else {
        return None;
    };
    (url == config.url && user == config.user).then(|| Health {
        url: url.into(),
        user: user.into(),
        failed: (!failed.is_empty()).then(|| failed.into()),
        paused: flags.contains('p'),
        clock_off: flags.contains('c'),
    })
}

fn save_health(health: &Health) {
    let flags = match (health.paused, health.clock_off) {
        (true, true) => "pc",
        (true, false) => "p",
        (false, true) => "c",
        (false, false) => "",
    };
    let failed = health.failed.as_deref().unwrap_or("");
    let raw = [health.url.as_str(), &health.user, failed, flags].join("\n");
    if let Some(store) = storage::local_storage() {
        let _ = store.set_item(HEALTH, &raw);
    }
}

/// Lifts (or sets) the pause after a refusal, for the settings of now.
fn set_paused(paused: bool) {
    if let Some(mut health) = load_health() {
        if health.paused != paused {
            health.paused = paused;
            if !paused {
                health.failed = None;
            }
            save_health(&health);
        }
    }
}

/// The header's word on sync, from what is stored (shared by the tabs).
pub fn flag() -> Flag {
    if load_config().is_none() {
        return Flag::Quiet;
    }
    if password().is_none() {
        return Flag::Paused;
    }
    match load_health() {
        Some(h) if h.failed.is_some() || h.paused => Flag::Failed,
        Some(h) if h.clock_off => Flag::Clock,
        _ => Flag::Quiet,
    }
}

/// The last failure another tab's pass met, for this tab's status line.
pub fn shared_failure() -> Option<SyncError> {
    SyncError::from_code(&load_health()?.failed?)
}

fn load_state(url: &str) -> SyncState {
    storage::local_storage()
        .and_then(|s| s.get_item(STATE).ok().flatten())
        .and_then(|raw| serde_json::from_str::<SyncState>(&raw).ok())
        .filter(|s| s.url == url && s.version == SyncState::VERSION)
        .unwrap_or_else(|| SyncState::for_url(url))
}

fn save_state(state: &SyncState) {
    if let (Some(store), Ok(raw)) = (storage::local_storage(), serde_json::to_string(state)) {
        // Lost to a full storage, it costs requests next time, never data.
        let _ = store.set_item(STATE, &raw);
    }
}

/// Reading positions stored on this device, by slug.
fn local_positions() -> BTreeMap<String, Position> {
    let Some(store) = storage::local_storage() else {
        return BTreeMap::new();
    };
    let len = store.length().unwrap_or(0);
    (0..len)
        .filter_map(|i| store.key(i).ok().flatten())
        .filter_map(|key| {
            let slug = key.strip_prefix(PROGRESS_PREFIX)?.to_string();
            let raw = store.get_item(&key).ok()??;
            Some((slug, serde_json::from_str(&raw).ok()?))
        })
        .collect()
}

/// This device's documents to sync: every article's record (except those a newer version
/// stored here, which this one must not handle) and the positions, with the times they were
/// read.
fn local_docs(notes: NotesState) -> BTreeMap<String, Doc> {
    let mut docs: BTreeMap<String, Doc> = notes.notebook.with_untracked(|n| {
        n.records
            .iter()
            .filter(|(slug, _)| !n.read_only.contains_key(*slug))
            .map(|(slug, r)| (engine::article_file(slug), Doc::Article(r.clone())))
            .filter(|(name, _)| name != engine::POSITIONS)
            .collect()
    });
    let positions = positions::Positions {
        positions: local_positions(),
        ..Default::default()
    };
    docs.insert(engine::POSITIONS.into(), Doc::Positions(positions));
    docs
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
    fn run_pass(notes: NotesState, trigger: Trigger, replace: Vec<String>) -> Task<Outcome> {
        Box::pin(one_at_a_time(pass(notes, trigger, replace)))
    }
}

async fn propfind_folder(url: String, auth: String) -> Result<(), SyncError> {
    let r = send(
        "PROPFIND",
        &url,
        &auth,
        &[("Depth", "0")],
        Some(PROPFIND_BODY),
    )
    .await?;
    match r.status {
        207 => propfind::parse(&r.text)
            .map(|_| ())
            .map_err(|_| SyncError::NotWebDav),
        404 => Err(SyncError::FolderMissing),
        200..=299 => Err(SyncError::NotWebDav),
        s => Err(SyncError::from_status(s).unwrap_or(SyncError::NotWebDav)),
    }
}

fn differs_from_synced(notes: NotesState) -> bool {
    let Some(config) = load_config() else {
        return false;
    };
    let state = load_state(&config.url);
    Pass::new(local_docs(notes), state).has_local_changes()
}

/// How recent another tab's pass must be for an automatic one with nothing to send to skip.
const RECENT: i64 = 30_000;

/// One pass, inside the browser's lock. The bookkeeping is saved whatever happens (unless the
/// settings changed under the pass); what came in is already merged.
async fn pass(notes: NotesState, trigger: Trigger, replace: Vec<String>) -> Outcome {
    let (Some(config), Some(password)) = (load_config(), password()) else {
        return match trigger {
            Trigger::Manual => Outcome::Failed(SyncError::NotSetUp),
            _ => Outcome::Skipped,
        };
    };
    if trigger != Trigger::Manual && load_health().is_some_and(|h| h.paused) {
        return Outcome::Skipped;
    }
    if !web_sys::window().is_some_and(|w| w.navigator().on_line()) {
        return Outcome::Failed(SyncError::Offline);
    }
    let Ok(base) = sync::check_url(&config.url) else {
        return Outcome::Failed(SyncError::NotSetUp);
    };
    let folder = format!("{base}{FOLDER}");
    let auth = sync::basic_auth(&config.user, &password);
    let now = js_sys::Date::now() as i64;
    let state = load_state(&config.url);
    let last_pass = state.last_pass;
    let mut pass = Pass::new(local_docs(notes), state)
        .at(now)
        .replacing(replace);
    // Another tab (or this one) has just done the work, and nothing here waits to be sent.
    if trigger != Trigger::Manual && !pass.has_local_changes() {
        let recent = match trigger {
            Trigger::Timer => EVERY.as_millis() as i64 * 9 / 10,
            _ => RECENT,
        };
        if last_pass.is_some_and(|t| (now - t).abs() < recent) {
            return Outcome::Skipped;
        }
    }
    // The settings this pass began with: when they change (« Se déconnecter », another folder
    // set up in another tab), it stops before its next request and leaves no trace.
    let same_settings = move || {
        load_config().as_ref() == Some(&config) && self::password().as_ref() == Some(&password)
    };
    let result = loop {
        let Some(request) = pass.next_request() else {
            break Ok(());
        };
        if !same_settings() {
            return Outcome::Skipped;
        }
        let reply = match perform(&folder, &auth, &request).await {
            Ok(reply) => reply,
            Err(error) => break Err(error),
        };
        if !same_settings() {
            return Outcome::Skipped;
        }
        if let Err(error) = pass.on_reply(reply) {
            break Err(error);
        }
        take_incoming(notes, &mut pass);
    };
    if !same_settings() {
        return Outcome::Skipped;
    }
    let ended = js_sys::Date::now() as i64;
    if result.is_ok() {
        pass.state.last_success = Some(ended);
    }
    pass.state.last_pass = Some(ended);
    save_state(&pass.state);
    let config = load_config().unwrap_or_default();
    save_health(&Health {
        url: config.url,
        user: config.user,
        failed: result
            .as_ref()
            .err()
            .filter(|e| **e != SyncError::Offline)
            .map(SyncError::code),
        paused: result.as_ref().is_err_and(SyncError::pauses),
        clock_off: pass.state.clock_off,
    });
    match result {
        Ok(()) => Outcome::Synced {
            problems: pass.problems,
            clock_off: pass.state.clock_off,
        },
        Err(error) => Outcome::Failed(error),
    }
}

/// Merges what a reply brought into the notebook and the stored positions.
fn take_incoming(notes: NotesState, pass: &mut Pass) {
    let incoming: Vec<(String, Doc)> = pass.incoming.drain(..).collect();
    let mut records = Vec::new();
    for (name, doc) in incoming {
        match (engine::file_kind(&name), doc) {
            (Some(engine::FileKind::Article(slug)), Doc::Article(record)) => {
                records.push((slug, record))
            }
            (Some(engine::FileKind::Positions), Doc::Positions(_)) => {
                // The merged positions (ours and theirs) go to the stored keys, each merged
                // with what is stored now: the reader may have moved during the pass.
                if let Some(Doc::Positions(merged)) = pass.local_doc(engine::POSITIONS) {
                    for (slug, position) in positions::to_store(merged, &local_positions()) {
                        crate::prefs::set(&progress::key(&slug), &position);
                    }
                }
            }
            _ => {}
        }
    }
    if !records.is_empty() {
        notes.merge_in(records);
    }
}

struct Fetched {
    status: u16,
    etag: Option<String>,
    text: String,
}

async fn perform(folder: &str, auth: &str, request: &Request) -> Result<Reply, SyncError> {
    let file_url = |name: &str| {
        format!(
            "{folder}{}",
            String::from(js_sys::encode_uri_component(name))
        )
    };
    let fail =
        |status: u16| SyncError::from_status(status).unwrap_or(SyncError::Unexpected(status));
    match request {
        Request::List => {
            let r = send(
                "PROPFIND",
                folder,
                auth,
                &[("Depth", "1")],
                Some(PROPFIND_BODY),
            )
            .await?;
            match r.status {
                207 => propfind::parse(&r.text)
                    .map(|entries| Reply::Listing(propfind::listing(&entries)))
                    .map_err(|_| SyncError::NotWebDav),
                404 => Ok(Reply::Missing),
                200..=299 => Err(SyncError::NotWebDav),
                s => Err(fail(s)),
            }
        }
        Request::MakeFolder => {
            let r = send("MKCOL", folder, auth, &[], None).await?;
            match r.status {
                200..=299 => Ok(Reply::Done { etag: None }),
                // 405: made meanwhile; 409: the folder above does not exist.
                405 => Ok(Reply::Done { etag: None }),
                404 | 409 => Err(SyncError::FolderMissing),
                501 => Err(SyncError::NotWebDav),
                s => Err(fail(s)),
            }
        }
        Request::Get { name } => {
            let r = send("GET", &file_url(name), auth, &[], None).await?;
            match r.status {
                200 => Ok(Reply::Body {
                    etag: r.etag,
                    text: r.text,
                }),
                404 => Ok(Reply::Missing),
                s => Err(fail(s)),
            }
        }
        Request::Put {
            name,
            body,
            condition,
        } => {
            let quoted;
            let header = match condition {
                Condition::IfMatch(etag) => {
                    quoted = format!("\"{etag}\"");
                    ("If-Match", quoted.as_str())
                }
                Condition::IfNoneMatch => ("If-None-Match", "*"),
            };
            let r = send(
                "PUT",
                &file_url(name),
                auth,
                &[header, ("Content-Type", "application/json; charset=utf-8")],
                Some(body),
            )
            .await?;
            match r.status {
                200..=299 => Ok(Reply::Done { etag: r.etag }),
                412 => Ok(Reply::PreconditionFailed),
                s => Err(fail(s)),
            }
        }
    }
}

/// One request with Basic auth, never cached, without cookies.
async fn send(
    method: &str,
    url: &str,
    auth: &str,
    headers: &[(&str, &str)],
    body: Option<&str>,
) -> Result<Fetched, SyncError> {
    let unreachable = || {
        if web_sys::window().is_some_and(|w| !w.navigator().on_line()) {
            SyncError::Offline
        } else {
            SyncError::Unreachable
        }
    };
    let window = web_sys::window().ok_or(SyncError::Unreachable)?;
    let init = web_sys::RequestInit::new();
    init.set_method(method);
    init.set_mode(web_sys::RequestMode::Cors);
    init.set_credentials(web_sys::RequestCredentials::Omit);
    init.set_cache(web_sys::RequestCache::NoStore);
    let request_headers = web_sys::Headers::new().map_err(|_| SyncError::Unreachable)?;
    let _ = request_headers.set("Authorization", auth);
    for (name, value) in headers {
        let _ = request_headers.set(name, value);
    }
    init.set_headers(&request_headers);
    if let Some(body) = body {
        init.set_body(&JsValue::from_str(body));
    }
    let request =
        web_sys::Request::new_with_str_and_init(url, &init).map_err(|_| SyncError::NotSetUp)?;
    let response: web_sys::Response = JsFuture::from(window.fetch_with_request(&request))
        .await
        .map_err(|_| unreachable())?
        .unchecked_into();
    let status = response.status();
    let etag = response
        .headers()
        .get("ETag")
        .ok()
        .flatten()
        .map(|e| propfind::normalize_etag(&e));
    // A size limit before reading, where the server says the size, and after.
    let declared = response
        .headers()
        .get("Content-Length")
        .ok()
        .flatten()
        .and_then(|n| n.trim().parse::<usize>().ok());
    if declared.is_some_and(|n| n > propfind::MAX_ANSWER) {
        return Err(SyncError::TooLarge);
    }
    let text = match response.text() {
        Ok(promise) => JsFuture::from(promise)
            .await
            .map_err(|_| unreachable())?
            .as_string()
            .unwrap_or_default(),
        Err(_) => String::new(),
    };
    if text.len() > propfind::MAX_ANSWER {
        return Err(SyncError::TooLarge);
    }
    Ok(Fetched { status, etag, text })
}

/// The local time as « 14 h 32 ».
fn now_fr() -> String {
    let date = js_sys::Date::new_0();
    sync::time_fr(date.get_hours(), date.get_minutes())
}
