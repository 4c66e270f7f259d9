//! One pass, in the sync chunk: inside the browser's lock, the engine's requests performed with
//! `fetch`, what they bring merged into the notebook and the positions, the outcome stored for
//! every tab.

use super::{
    stored::{
        load_config, load_health, load_state, local_positions, password, save_health, save_state,
        Health,
    },
    Outcome, Trigger, EVERY,
};
use crate::{
    progress,
    state::NotesState,
    storage,
    sync::{
        self,
        engine::{self, Condition, Doc, Pass, Reply, Request},
        positions, propfind, SyncError,
    },
};
use leptos::prelude::*;
use std::{collections::BTreeMap, future::Future};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// The Web Lock held while a pass runs: one pass at a time per browser.
const LOCK: &str = "liseuse:sync";
const FOLDER: &str = "liseuse/";

const PROPFIND_BODY: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<D:propfind xmlns:D="DAV:"><D:prop><D:resourcetype/><D:getetag/><D:getlastmodified/></D:prop></D:propfind>"#;

/// Runs `task` while no other tab of this browser runs a pass (Web Locks API, where the
/// browser has it; elsewhere, at once).
pub(super) async fn one_at_a_time(task: impl Future<Output = Outcome> + 'static) -> Outcome {
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

pub(super) async fn propfind_folder(url: String, auth: String) -> Result<(), SyncError> {
    let r = send(
        "PROPFIND",
        &url,
        &auth,
        &[("Depth", "0")],
        Some(PROPFIND_BODY),
    )
    .await?;
    let is_file = |text: &str| propfind::parse(text).is_ok_and(|e| propfind::is_file(&e));
    match r.status {
        207 if is_file(&r.text) => return Err(SyncError::NotAFolder),
        // A file's address, asked as a folder's (with the final `/` added), is refused by some
        // servers (Apache: 400): asked as a file's, it tells what it is.
        400 | 404 | 405 | 409 => {
            let file = url.trim_end_matches('/');
            let probe = send(
                "PROPFIND",
                file,
                &auth,
                &[("Depth", "0")],
                Some(PROPFIND_BODY),
            );
            if probe
                .await
                .is_ok_and(|p| p.status == 207 && is_file(&p.text))
            {
                return Err(SyncError::NotAFolder);
            }
        }
        _ => {}
    }
    match r.status {
        207 => propfind::parse(&r.text)
            .map(|_| ())
            .map_err(|_| SyncError::NotWebDav),
        404 => Err(SyncError::FolderMissing),
        200..=299 => Err(SyncError::NotWebDav),
        s => Err(SyncError::from_status(s).unwrap_or(SyncError::NotWebDav)),
    }
}

pub(super) fn differs_from_synced(notes: NotesState) -> bool {
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
pub(super) async fn pass(notes: NotesState, trigger: Trigger, replace: Vec<String>) -> Outcome {
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
    let started = local_positions();
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
            // The clock's measure is not worth a failed pass: the next one measures again.
            Err(_) if request.is_clock() => Reply::Missing,
            Err(error) => break Err(error),
        };
        if !same_settings() {
            return Outcome::Skipped;
        }
        pass.set_now(js_sys::Date::now() as i64);
        let measured = pass.state.clock_measured;
        if let Err(error) = pass.on_reply(reply) {
            break Err(error);
        }
        if pass.state.clock_measured != measured {
            // Edits from now on are stamped by the server's clock.
            storage::save_clock_offset(pass.state.clock_offset);
        }
        if let Some(shift) = pass.restamped.take() {
            // The places read before this device first synced, moved as the pass moved them
            // (not one the reader has moved since the pass began).
            for (slug, position) in local_positions() {
                if started.get(&slug) == Some(&position) {
                    crate::prefs::set(&progress::key(&slug), &position.shifted(shift));
                }
            }
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
    storage::save_clock_offset(pass.state.clock_offset);
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
            both_kept: {
                let mut names = pass.both_kept;
                names.dedup();
                names
            },
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
        let pass = &*pass;
        let both_kept = std::cell::RefCell::new(Vec::new());
        notes.merge_synced(records, |slug, held, brought| {
            let (merged, kept) = pass.combine(&engine::article_file(slug), held, brought);
            if kept > 0 {
                both_kept.borrow_mut().push(slug.to_string());
            }
            merged
        });
        for slug in both_kept.into_inner() {
            notes.notify_both_kept(&slug);
        }
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
        Request::ClockWrite => {
            let url = file_url(engine::CLOCK_FILE);
            let text = [("Content-Type", "text/plain; charset=utf-8")];
            let r = send("PUT", &url, auth, &text, Some(engine::CLOCK_BODY)).await?;
            match r.status {
                200..=299 => Ok(Reply::Done { etag: None }),
                s => Err(fail(s)),
            }
        }
        Request::ClockRead => {
            let url = file_url(engine::CLOCK_FILE);
            let depth = [("Depth", "0")];
            let r = send("PROPFIND", &url, auth, &depth, Some(PROPFIND_BODY)).await?;
            match r.status {
                207 => propfind::parse(&r.text)
                    .map(|entries| Reply::Listing(propfind::listing(&entries)))
                    .map_err(|_| SyncError::NotWebDav),
                s => Err(fail(s)),
            }
        }
    }
}

/// How long one request may wait for its whole answer.
const REQUEST_TIMEOUT_MS: u32 = 30_000;

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
    // A server that takes the connection and never answers would hold the pass, and the lock
    // every tab's pass takes, for ever: it is given up as unreachable.
    init.set_signal(Some(&web_sys::AbortSignal::timeout_with_u32(
        REQUEST_TIMEOUT_MS,
    )));
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
