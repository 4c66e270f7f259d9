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
const PROGRESS_PREFIX: &str = "liseuse:progress:";
const FOLDER: &str = "liseuse/";

/// Delay after an edit before a pass (edits in a row make one pass).
const AFTER_EDIT: Duration = Duration::from_secs(3);
const EVERY: Duration = Duration::from_secs(5 * 60);

const PROPFIND_BODY: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<D:propfind xmlns:D="DAV:"><D:prop><D:resourcetype/><D:getetag/></D:prop></D:propfind>"#;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Config {
    pub url: String,
    pub user: String,
    #[serde(default)]
    pub remember: bool,
}

/// What the status line says.
#[derive(Debug, Clone, PartialEq)]
pub enum Status {
    /// Nothing done yet in this tab.
    Idle,
    Running,
    Synced {
        at: String,
        problems: Vec<(String, FileProblem)>,
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

#[derive(Clone, Copy)]
pub struct SyncDriver {
    notes: NotesState,
    pub status: RwSignal<Status>,
    running: StoredValue<bool>,
    /// A pass was asked for while one ran: one more follows.
    again: StoredValue<bool>,
    edit_timer: StoredValue<Option<TimeoutHandle>>,
}

impl SyncDriver {
    /// Sets up the automatic passes: when the app opens, after edits, when the network comes
    /// back, when the tab is hidden, and every five minutes.
    pub fn provide(notes: NotesState) -> Self {
        let driver = SyncDriver {
            notes,
            status: RwSignal::new(Status::Idle),
            running: StoredValue::new(false),
            again: StoredValue::new(false),
            edit_timer: StoredValue::new(None),
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
        // For the page's whole life.
        let _ = set_interval_with_handle(move || driver.sync_auto(), EVERY);
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

    /// A pass if sync is set up; offline, the status says it waits for the network.
    pub fn sync_auto(self) {
        if Self::is_set_up() {
            self.sync_now();
        }
    }

    /// A pass now (or right after the one under way).
    pub fn sync_now(self) {
        if self.running.get_value() {
            self.again.set_value(true);
            return;
        }
        self.running.set_value(true);
        self.status.set(Status::Running);
        spawn_local(async move {
            loop {
                let result = match run_pass(self.notes).await {
                    Ok(pass) => pass.await,
                    Err(ChunkMissing) => Err(chunk_missing()),
                };
                let at = now_fr();
                self.status.set(match result {
                    Ok(problems) => Status::Synced { at, problems },
                    Err(error) => Status::Failed { error, at },
                });
                if !self.again.get_value() {
                    break;
                }
                self.again.set_value(false);
            }
            self.running.set_value(false);
        });
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
        save_password(&password_value, config.remember);
        self.sync_now();
    }

    /// « Se déconnecter »: forgets the folder, the password and the bookkeeping; the notes stay.
    pub fn log_out(self) {
        for store in [storage::local_storage(), session_storage()]
            .into_iter()
            .flatten()
        {
            let _ = store.remove_item(PASSWORD);
        }
        if let Some(store) = storage::local_storage() {
            let _ = store.remove_item(CONFIG);
            let _ = store.remove_item(STATE);
        }
        self.status.set(Status::Message(sync::french_spaces(
            "Déconnecté\u{a0}: vos notes restent sur cet appareil.",
        )));
    }
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

/// The password: this session's, else the one remembered on this device.
pub fn password() -> Option<String> {
    [session_storage(), storage::local_storage()]
        .into_iter()
        .flatten()
        .find_map(|s| s.get_item(PASSWORD).ok().flatten())
}

fn save_password(password: &str, remember: bool) {
    let (keep, drop) = if remember {
        (storage::local_storage(), session_storage())
    } else {
        (session_storage(), storage::local_storage())
    };
    if let Some(s) = drop {
        let _ = s.remove_item(PASSWORD);
    }
    if let Some(s) = keep {
        let _ = s.set_item(PASSWORD, password);
    }
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
/// stored here, which this one must not handle) and the positions.
fn local_docs(notes: NotesState, state: &SyncState) -> BTreeMap<String, Doc> {
    let mut docs: BTreeMap<String, Doc> = notes.notebook.with_untracked(|n| {
        n.records
            .iter()
            .filter(|(slug, _)| !n.read_only.contains_key(*slug))
            .map(|(slug, r)| (engine::article_file(slug), Doc::Article(r.clone())))
            .filter(|(name, _)| name != engine::POSITIONS)
            .collect()
    });
    let stamped = positions::stamp(
        &local_positions(),
        &state.positions,
        js_sys::Date::now() as i64,
    );
    docs.insert(engine::POSITIONS.into(), Doc::Positions(stamped));
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
    fn run_pass(notes: NotesState) -> Task<Result<Vec<(String, FileProblem)>, SyncError>> {
        Box::pin(pass(notes))
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
        200..=299 | 404 => Err(SyncError::NotWebDav),
        s => Err(SyncError::from_status(s).unwrap_or(SyncError::NotWebDav)),
    }
}

fn differs_from_synced(notes: NotesState) -> bool {
    let Some(config) = load_config() else {
        return false;
    };
    let state = load_state(&config.url);
    let docs = local_docs(notes, &state);
    Pass::new(docs, state).has_local_changes()
}

/// One pass. The bookkeeping is saved whatever happens; what came in is already merged.
async fn pass(notes: NotesState) -> Result<Vec<(String, FileProblem)>, SyncError> {
    if !web_sys::window().is_some_and(|w| w.navigator().on_line()) {
        return Err(SyncError::Offline);
    }
    let (Some(config), Some(password)) = (load_config(), password()) else {
        return Err(SyncError::NotSetUp);
    };
    let base = sync::check_url(&config.url).map_err(|_| SyncError::NotSetUp)?;
    let folder = format!("{base}{FOLDER}");
    let auth = sync::basic_auth(&config.user, &password);
    let state = load_state(&config.url);
    let mut pass = Pass::new(local_docs(notes, &state), state).at(js_sys::Date::now() as i64);
    let result = loop {
        let Some(request) = pass.next_request() else {
            break Ok(());
        };
        let reply = match perform(&folder, &auth, &request).await {
            Ok(reply) => reply,
            Err(error) => break Err(error),
        };
        if pass.on_reply(reply).is_err() {
            break Err(SyncError::NotWebDav);
        }
        take_incoming(notes, &mut pass);
    };
    if let Some(Doc::Positions(p)) = pass.local_doc(engine::POSITIONS) {
        pass.state.positions = p.clone();
    }
    if result.is_ok() {
        pass.state.last_success = Some(js_sys::Date::now() as i64);
    }
    save_state(&pass.state);
    result.map(|()| pass.problems)
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
                // The merged positions (ours and theirs) go to the stored keys.
                if let Some(Doc::Positions(merged)) = pass.local_doc(engine::POSITIONS) {
                    let stored = local_positions();
                    for (slug, entry) in &merged.positions {
                        if stored.get(slug) != Some(&entry.position()) {
                            crate::prefs::set(&progress::key(slug), &entry.position());
                        }
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
                404 | 409 | 501 => Err(SyncError::NotWebDav),
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
    let text = match response.text() {
        Ok(promise) => JsFuture::from(promise)
            .await
            .map_err(|_| unreachable())?
            .as_string()
            .unwrap_or_default(),
        Err(_) => String::new(),
    };
    Ok(Fetched { status, etag, text })
}

/// The local time as « 14 h 32 ».
fn now_fr() -> String {
    let date = js_sys::Date::new_0();
    sync::time_fr(date.get_hours(), date.get_minutes())
}
