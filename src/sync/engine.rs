//! One sync pass as a state machine: the browser layer (or a test's simulated server) asks it
//! for the next request, performs it, and hands back the reply. No I/O here.
//!
//! A pass lists the folder (PROPFIND Depth 1), then, file by file:
//! - listed with the ETag last seen and the local copy as it was then (same digest): nothing;
//! - listed with the ETag last seen, the local copy changed and still holding what was synced
//!   then (`Held`): PUT it with `If-Match` at once (the server's copy is what was synced);
//! - listed with another ETag, or the local copy changed and may have lost data: GET, merge
//!   into the local data, and PUT the merged file with `If-Match` unless the server's copy
//!   already holds everything;
//! - not listed and held locally: PUT with `If-None-Match: *`;
//! - a 412 (someone wrote in between): GET, merge and PUT again, at most `MAX_ATTEMPTS` times.
//!
//! A file found damaged is left alone, unless the reader asked to replace it by this device's
//! version (`Pass::replacing`): then it is written conditioned on the damaged version's ETag.
//!
//! The listing also tells whether this device's clock is off (`SyncState::clock_off`): the
//! server's `getlastmodified` of a file is its own clock when the file was written, so a file
//! modified later than this device's "now", or written by this device at a "now" much later
//! than the server's time of that write, shows a clock off by more than [`CLOCK_TOLERANCE`].
//! A file this device wrote and nobody wrote since (the same ETag) gives the difference itself,
//! the server's time of that write minus this device's time of its reply
//! (`SyncState::clock_offset`): the device stamps its edits by the server's clock with it
//! (`notes::clock::corrected`). A pass that has had no such measure for a day (a device just
//! connected, one that only reads) ends by writing [`CLOCK_FILE`] and reading its time back:
//! two small requests, so that a device stamps by the server's time from its first pass on.
//!
//! A file is never written without having been read at the ETag the write is conditioned on:
//! even a local copy that lost data (storage cleared, unreadable data set aside) cannot shrink
//! the server's copy. The bookkeeping (`SyncState`) only records facts ("the server's copy at
//! ETag E equals the local copy with digest D"), so a stale or partial record costs requests,
//! never data.

use super::{
    positions::{self, Positions},
    propfind::Listed,
    SyncError,
};
use crate::notes::{
    codec::{self, DecodeError},
    merge::merge,
    model::ArticleRecord,
};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, VecDeque};

/// The positions file's name; article files are `<slug>.json`.
pub const POSITIONS: &str = "positions.json";
/// Writes tried per file and pass when others keep writing it (412).
pub const MAX_ATTEMPTS: u32 = 3;
/// How far this device's clock may be from the server's before the reader is told (ms).
pub const CLOCK_TOLERANCE: i64 = 60 * 60 * 1000;
/// The file a pass writes to read the server's clock (`Request::ClockWrite`): not a synced
/// file, never read back, shared by the devices.
pub const CLOCK_FILE: &str = "horloge.txt";
/// What it holds, for a reader who opens the folder.
pub const CLOCK_BODY: &str =
    "Liseuse écrit ce fichier pour lire l’heure du serveur\u{202f}; il ne contient rien d’autre.\n";
/// How long a measure of the clocks holds before a pass measures again (ms).
pub const CLOCK_EVERY: i64 = 24 * 60 * 60 * 1000;
/// A measured difference of clocks within this (ms) is the measure's own error, not a clock off:
/// the server gives seconds, and the write happened up to a round trip before its reply.
pub const CLOCK_NOISE: i64 = 5_000;

/// The content of one synced file.
#[derive(Debug, Clone, PartialEq)]
pub enum Doc {
    Article(ArticleRecord),
    Positions(Positions),
}

/// What a synced file is, from its name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileKind {
    Article(String),
    Positions,
}

pub fn file_kind(name: &str) -> Option<FileKind> {
    if name == POSITIONS {
        return Some(FileKind::Positions);
    }
    let slug = name.strip_suffix(".json")?;
    let valid = !slug.is_empty()
        && slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    valid.then(|| FileKind::Article(slug.to_string()))
}

pub fn article_file(slug: &str) -> String {
    format!("{slug}.json")
}

impl Doc {
    pub fn merge(&self, other: &Doc) -> Doc {
        match (self, other) {
            (Doc::Article(a), Doc::Article(b)) => Doc::Article(merge(a, b)),
            (Doc::Positions(a), Doc::Positions(b)) => Doc::Positions(positions::merge(a, b)),
            // Names decide kinds, so this does not happen; keep ours.
            (a, _) => a.clone(),
        }
    }

    /// The same content in its one canonical form (merge sorts and dedups).
    pub fn normalized(&self) -> Doc {
        match self {
            Doc::Article(a) => Doc::Article(merge(a, &ArticleRecord::default())),
            Doc::Positions(p) => Doc::Positions(positions::merge(p, &Positions::default())),
        }
    }

    pub fn is_empty(&self) -> bool {
        match self {
            Doc::Article(a) => a.highlights.is_empty() && a.note.is_none() && a.extra.is_empty(),
            Doc::Positions(p) => p.positions.is_empty() && p.extra.is_empty(),
        }
    }

    /// The file's text: an article in the stored format of localStorage (schema 2).
    pub fn encode(&self, name: &str) -> String {
        match (self, file_kind(name)) {
            (Doc::Article(a), Some(FileKind::Article(slug))) => codec::encode(&slug, a),
            (Doc::Positions(p), _) => positions::encode(p),
            (Doc::Article(a), _) => codec::encode(name.trim_end_matches(".json"), a),
        }
    }

    pub fn decode(name: &str, raw: &str) -> Result<Doc, FileProblem> {
        match file_kind(name) {
            Some(FileKind::Positions) => match positions::decode(raw) {
                Ok(p) => Ok(Doc::Positions(p)),
                Err(positions::DecodeError::Newer { .. }) => Err(FileProblem::Newer),
                Err(positions::DecodeError::Damaged) => Err(FileProblem::Damaged),
            },
            Some(FileKind::Article(slug)) => match codec::decode(raw) {
                Ok(d) if d.article == slug => Ok(Doc::Article(d.record)),
                Ok(_) => Err(FileProblem::Damaged),
                Err(DecodeError::NewerVersion { .. }) => Err(FileProblem::Newer),
                Err(_) => Err(FileProblem::Damaged),
            },
            None => Err(FileProblem::Damaged),
        }
    }

    /// What this copy holds (see [`Held`]).
    pub fn held(&self) -> Held {
        let keys: Vec<&String> = match self {
            Doc::Article(a) => a.highlights.iter().map(|h| &h.id).collect(),
            Doc::Positions(p) => p.positions.keys().collect(),
        };
        let mut first: Vec<String> = keys.iter().map(|k| k.to_string()).collect();
        first.sort();
        first.truncate(HELD_KEYS);
        Held {
            count: keys.len(),
            keys: first,
            note: matches!(self, Doc::Article(a) if a.note.is_some()),
        }
    }

    /// The versions an article's copy holds (none for the positions).
    pub fn seen(&self) -> Option<super::concurrent::Seen> {
        match self {
            Doc::Article(record) => Some(super::concurrent::Seen::of(record)),
            Doc::Positions(_) => None,
        }
    }

    /// Whether this copy holds at least what `held` says a synced copy held.
    pub fn covers(&self, held: &Held) -> bool {
        let mine = self.held();
        let has = |key: &String| match self {
            Doc::Article(a) => a.highlights.iter().any(|h| &h.id == key),
            Doc::Positions(p) => p.positions.contains_key(key),
        };
        mine.count >= held.count && held.keys.iter().all(has) && (mine.note || !held.note)
    }

    /// A short fingerprint of the canonical content (FNV-1a, 64 bits, in hex).
    pub fn digest(&self, name: &str) -> String {
        let text = self.normalized().encode(name);
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        for byte in text.bytes() {
            hash ^= byte as u64;
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
        format!("{hash:016x}")
    }
}

/// A file on the server this version must not overwrite.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum FileProblem {
    /// Not a Liseuse file, or not readable.
    Damaged,
    /// Written by a newer Liseuse.
    Newer,
    /// Others kept writing it during this pass (412 `MAX_ATTEMPTS` times): next pass.
    Busy,
}

/// What is known of one file on the server.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileState {
    /// The server's ETag when its copy equalled the local copy with `digest`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
    #[serde(default)]
    pub digest: String,
    /// The ETag of a version found damaged or newer: not fetched again until it changes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refused: Option<(String, FileProblem)>,
    /// This device's clock when it last wrote the file, until the next listing compares it
    /// with the server's time of that write.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub written_at: Option<i64>,
    /// What the synced copy held, to tell a local copy that grew from one that lost data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub held: Option<Held>,
    /// The versions the synced copy of an article held, to tell an edit made elsewhere since
    /// from one this device had (`super::concurrent`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seen: Option<super::concurrent::Seen>,
}

/// A summary of a synced copy: how many items it held (highlights, deletion markers included,
/// or positions), a few of their keys, and whether it had an article note. Items are never
/// removed from a record (deletions are markers), and a record is lost whole or not at all (a
/// key set aside, storage cleared), so a local copy that holds as many items, these keys and
/// the note holds all that was synced.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Held {
    pub count: usize,
    pub keys: Vec<String>,
    #[serde(default)]
    pub note: bool,
}

/// Keys kept in a [`Held`]: the first ones in order.
const HELD_KEYS: usize = 4;

/// The bookkeeping kept between passes (`liseuse:sync:state`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SyncState {
    pub version: u32,
    /// The folder these facts are about: another folder starts afresh.
    pub url: String,
    #[serde(default)]
    pub files: BTreeMap<String, FileState>,
    /// When the last pass ended without an error (ms).
    #[serde(default)]
    pub last_success: Option<i64>,
    /// When the last pass of any tab ended, whatever its outcome (ms): automatic passes of
    /// other tabs skip when it is recent and they have nothing to send.
    #[serde(default)]
    pub last_pass: Option<i64>,
    /// The server's clock says this device's is off (see the module's text).
    #[serde(default)]
    pub clock_off: bool,
    /// The server's clock minus this device's (ms), as last measured on a write of this
    /// device's; 0 within [`CLOCK_NOISE`] or before any measure.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub clock_offset: i64,
    /// This device's time of that measure (ms).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clock_measured: Option<i64>,
}

/// A measured difference, 0 when within the measure's own error.
fn noiseless(offset: i64) -> i64 {
    if offset.saturating_abs() <= CLOCK_NOISE {
        0
    } else {
        offset
    }
}

fn is_zero(n: &i64) -> bool {
    *n == 0
}

impl SyncState {
    pub const VERSION: u32 = 1;

    pub fn for_url(url: &str) -> SyncState {
        SyncState {
            version: Self::VERSION,
            url: url.to_string(),
            ..Default::default()
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Condition {
    IfMatch(String),
    IfNoneMatch,
}

/// A request relative to the `liseuse/` folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    /// PROPFIND Depth 1 on the folder.
    List,
    /// MKCOL of the folder.
    MakeFolder,
    Get {
        name: String,
    },
    Put {
        name: String,
        body: String,
        condition: Condition,
    },
    /// PUT of [`CLOCK_FILE`], without condition: its content does not matter.
    ClockWrite,
    /// PROPFIND Depth 0 of [`CLOCK_FILE`]: its time, the server's when it was written.
    ClockRead,
}

impl Request {
    /// A request of the clock's measure: one that fails leaves the pass whole.
    pub fn is_clock(&self) -> bool {
        matches!(self, Request::ClockWrite | Request::ClockRead)
    }
}

/// The server's answer, as far as the pass cares; anything else ends the pass (the browser
/// layer tells the reader why).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    /// A listing: the files of the folder with their ETags and times.
    Listing(Vec<Listed>),
    /// 404: the folder (for `List`) or the file (for `Get`) does not exist.
    Missing,
    /// A GET's body.
    Body { etag: Option<String>, text: String },
    /// A PUT or MKCOL done (2xx), with the new ETag when the server sent it.
    Done { etag: Option<String> },
    /// 412.
    PreconditionFailed,
}

#[derive(Debug, Clone)]
enum Step {
    Get,
    Put {
        body: String,
        doc: Doc,
        condition: Condition,
    },
}

#[derive(Debug, Clone)]
struct Job {
    name: String,
    step: Step,
    attempts: u32,
    /// The ETag of the listing: stands for the GET's when the server does not expose its
    /// `ETag` header to the page (a write conditioned on it fails if the file changed since).
    listed: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    List,
    MakeFolder,
    Files,
    ClockWrite,
    /// The clock file written at this device's time.
    ClockRead {
        written: i64,
    },
    Finished,
}

/// Counts of what a pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub requests: u32,
    pub fetched: u32,
    pub written: u32,
}

pub struct Pass {
    local: BTreeMap<String, Doc>,
    digests: BTreeMap<String, String>,
    /// The bookkeeping, updated as files are done: save it even when the pass stops midway.
    pub state: SyncState,
    stage: Stage,
    queue: VecDeque<Job>,
    pending: Option<Request>,
    /// Remote copies to merge into the local data (drain after each reply).
    pub incoming: Vec<(String, Doc)>,
    /// Files left alone this pass, and why.
    pub problems: Vec<(String, FileProblem)>,
    /// Files where a note written on two devices since their last passes kept both versions
    /// (`super::concurrent`).
    pub both_kept: Vec<String>,
    pub counts: Counts,
    /// This device's clock (ms), compared with the server's (none: not compared).
    now: Option<i64>,
    /// Damaged files to replace by the local copy (the reader confirmed it).
    replace: Vec<String>,
    /// The folder's listing, planned once the clocks are measured (a pass that measures them
    /// does so before it writes: its first writes are stamped by the server's clock).
    listing: Option<Vec<Listed>>,
    /// How far (ms) this pass moved the local reading positions' times, when it found the
    /// difference of clocks of a device that had never synced with this folder: their times
    /// were its own clock's. The browser layer moves the stored ones alike.
    pub restamped: Option<i64>,
    /// What the last pass's copies held, and when it ended, as the pass began: what local data
    /// and the server's copies are compared with to tell notes written apart.
    seen_before: BTreeMap<String, super::concurrent::Seen>,
    last_success_before: i64,
}

impl Pass {
    /// A pass over the local documents (file name → content; empty ones are not uploaded).
    pub fn new(local: BTreeMap<String, Doc>, state: SyncState) -> Pass {
        let local: BTreeMap<String, Doc> = local
            .into_iter()
            .filter(|(name, doc)| file_kind(name).is_some() && !doc.is_empty())
            .collect();
        let digests = local
            .iter()
            .map(|(name, doc)| (name.clone(), doc.digest(name)))
            .collect();
        let seen_before = state
            .files
            .iter()
            .filter_map(|(name, file)| Some((name.clone(), file.seen.clone()?)))
            .collect();
        let last_success_before = state.last_success.unwrap_or(0);
        Pass {
            seen_before,
            last_success_before,
            local,
            digests,
            state,
            stage: Stage::List,
            queue: VecDeque::new(),
            pending: None,
            incoming: Vec::new(),
            problems: Vec::new(),
            both_kept: Vec::new(),
            counts: Counts::default(),
            now: None,
            replace: Vec::new(),
            listing: None,
            restamped: None,
        }
    }

    /// The same pass, with this device's clock (ms), to compare with the server's.
    pub fn at(mut self, now: i64) -> Pass {
        self.now = Some(now);
        self
    }

    /// This device's clock as a reply arrives: a write is dated when its reply came, which
    /// the server's time of that write cannot be later than.
    pub fn set_now(&mut self, now: i64) {
        self.now = Some(now);
    }

    /// The same pass, replacing these files if they are still the damaged versions found
    /// before (never a newer Liseuse's file, never one that changed since).
    pub fn replacing(mut self, names: Vec<String>) -> Pass {
        self.replace = names;
        self
    }

    /// The merge of the local data's record (`current`) with a server's copy of the file
    /// `name` that this pass brought (`incoming`), notes written apart on both sides since the
    /// last pass kept both (`super::concurrent`); and how many were. For the local data, as
    /// this pass merges its own copy with the server's: the same, when nothing was written
    /// during the pass.
    pub fn combine(
        &self,
        name: &str,
        current: &ArticleRecord,
        incoming: &ArticleRecord,
    ) -> (ArticleRecord, usize) {
        let mut merged = crate::notes::merge::merge(current, incoming);
        let kept = self.keep_both(name, current, incoming, &mut merged);
        (merged, kept)
    }

    fn keep_both(
        &self,
        name: &str,
        local: &ArticleRecord,
        remote: &ArticleRecord,
        merged: &mut ArticleRecord,
    ) -> usize {
        super::concurrent::keep_both(
            local,
            remote,
            merged,
            self.seen_before.get(name),
            self.last_success_before,
            self.now.unwrap_or(0),
        )
    }

    /// The local copy of a file as this pass knows it (with what it fetched merged in).
    pub fn local_doc(&self, name: &str) -> Option<&Doc> {
        self.local.get(name)
    }

    /// Whether some local copy differs from what was last synced (a pass would write): decides
    /// whether an edit is worth a pass.
    pub fn has_local_changes(&self) -> bool {
        self.digests
            .iter()
            .any(|(name, d)| self.state.files.get(name).is_none_or(|f| &f.digest != d))
    }

    pub fn is_finished(&self) -> bool {
        self.stage == Stage::Finished
    }

    /// The next request, or `None` once the pass is over.
    pub fn next_request(&mut self) -> Option<Request> {
        let request = match self.stage {
            Stage::List => Request::List,
            Stage::MakeFolder => Request::MakeFolder,
            Stage::Finished => return None,
            Stage::ClockWrite => Request::ClockWrite,
            Stage::ClockRead { .. } => Request::ClockRead,
            Stage::Files => {
                let Some(job) = self.queue.front() else {
                    self.stage = Stage::Finished;
                    return None;
                };
                match &job.step {
                    Step::Get => Request::Get {
                        name: job.name.clone(),
                    },
                    Step::Put {
                        body, condition, ..
                    } => Request::Put {
                        name: job.name.clone(),
                        body: body.clone(),
                        condition: condition.clone(),
                    },
                }
            }
        };
        self.counts.requests += 1;
        self.pending = Some(request.clone());
        Some(request)
    }

    /// Takes the reply to the last request. An error ends the pass: a reply that does not fit
    /// the request (nothing is written on a guess), or a server that cannot be used safely.
    pub fn on_reply(&mut self, reply: Reply) -> Result<(), SyncError> {
        let request = self.pending.take().ok_or(SyncError::NotWebDav)?;
        match (request, reply) {
            (Request::List, Reply::Listing(listing)) => self.listed(listing),
            (Request::List, Reply::Missing) => self.stage = Stage::MakeFolder,
            (Request::MakeFolder, Reply::Done { .. }) => self.listed(Vec::new()),
            (Request::Get { name }, reply) => self.on_get(name, reply)?,
            (Request::Put { name, .. }, reply) => self.on_put(name, reply)?,
            // The clock's measure is a bonus: whatever the server says, the pass goes on.
            (Request::ClockWrite, reply) => match (reply, self.now) {
                (Reply::Done { .. }, Some(written)) => self.stage = Stage::ClockRead { written },
                _ => self.files(),
            },
            (Request::ClockRead, reply) => {
                if let (Reply::Listing(listing), Stage::ClockRead { written }) = (reply, self.stage)
                {
                    let modified = listing
                        .iter()
                        .find(|item| item.name == CLOCK_FILE)
                        .and_then(|item| item.modified);
                    if let Some(modified) = modified {
                        self.measured(modified.saturating_sub(written));
                    }
                }
                self.files();
            }
            _ => return Err(SyncError::NotWebDav),
        }
        Ok(())
    }

    /// The folder listed (empty: just made): the clocks measured first when due, then the files.
    fn listed(&mut self, listing: Vec<Listed>) {
        self.listing = Some(listing);
        if self.clock_due() {
            self.stage = Stage::ClockWrite;
        } else {
            self.files();
        }
    }

    /// Plans the files of the listing, and goes to them.
    fn files(&mut self) {
        let listing = self.listing.take().unwrap_or_default();
        self.plan(listing);
        self.stage = Stage::Files;
    }

    /// Whether this pass should measure the clocks: none for a day by this device's clock
    /// (or its clock went back since).
    fn clock_due(&self) -> bool {
        let Some(now) = self.now else { return false };
        self.state
            .clock_measured
            .is_none_or(|at| now.saturating_sub(at).saturating_abs() >= CLOCK_EVERY)
    }

    /// The clock file's time on the server minus this device's time of writing it.
    fn measured(&mut self, offset: i64) {
        let never_synced = self.state.clock_measured.is_none() && self.state.files.is_empty();
        self.state.clock_offset = noiseless(offset);
        self.state.clock_measured = self.now;
        self.state.clock_off = offset.saturating_abs() > CLOCK_TOLERANCE;
        // The reading positions of a device new to this folder were stamped by its own clock:
        // by the server's, they are what every other device compares with. (Once synced, a
        // position may be another device's: it stays as it is.)
        let shift = self.state.clock_offset;
        if never_synced && shift != 0 {
            if let Some(Doc::Positions(positions)) = self.local.get_mut(POSITIONS) {
                for entry in positions.positions.values_mut() {
                    *entry = entry.shifted(shift);
                }
            }
            self.restamped = Some(shift);
        }
    }

    /// Compares this device's clock with the server's times in the listing.
    fn check_clock(&mut self, listing: &[Listed]) {
        let Some(now) = self.now else { return };
        for item in listing {
            let Some(modified) = item.modified else {
                continue;
            };
            // Written on the server later than this device's now: this clock is behind.
            if modified.saturating_sub(now) > CLOCK_TOLERANCE {
                self.state.clock_off = true;
            }
            let Some(file) = self.state.files.get_mut(&item.name) else {
                continue;
            };
            let Some(written) = file.written_at.take() else {
                continue;
            };
            // Still this device's write (nobody wrote since): the difference itself.
            if file.etag.is_some() && file.etag == item.etag {
                self.measured(modified.saturating_sub(written));
                continue;
            }
            // Others' later writes only make `modified` later: a write that the server
            // dates much earlier than this device did shows a clock ahead.
            let ahead = written.saturating_sub(modified);
            if ahead > CLOCK_TOLERANCE {
                self.state.clock_off = true;
            } else if ahead.saturating_abs() <= CLOCK_TOLERANCE
                && modified.saturating_sub(now) <= CLOCK_TOLERANCE
            {
                self.state.clock_off = false;
            }
        }
    }

    fn plan(&mut self, listing: Vec<Listed>) {
        self.check_clock(&listing);
        let listed: BTreeMap<String, Option<String>> = listing
            .into_iter()
            .filter(|item| file_kind(&item.name).is_some())
            .map(|item| (item.name, item.etag))
            .collect();
        // What the server no longer has is no longer known.
        self.state
            .files
            .retain(|name, _| listed.contains_key(name) || self.local.contains_key(name));
        for (name, etag) in &listed {
            let known = self.state.files.get(name);
            if let (Some(etag), Some((refused, problem))) =
                (etag, known.and_then(|f| f.refused.as_ref()))
            {
                if etag == refused {
                    match self.local.get(name) {
                        Some(doc)
                            if *problem == FileProblem::Damaged && self.replace.contains(name) =>
                        {
                            self.queue.push_back(Job {
                                name: name.clone(),
                                step: put_step(name, doc.clone(), Condition::IfMatch(etag.clone())),
                                attempts: MAX_ATTEMPTS,
                                listed: None,
                            });
                        }
                        _ => self.problems.push((name.clone(), *problem)),
                    }
                    continue;
                }
            }
            let unchanged = etag.is_some()
                && known.is_some_and(|f| f.etag == *etag)
                && match self.digests.get(name) {
                    Some(d) => known.is_some_and(|f| &f.digest == d),
                    // Not held here: unchanged only if the server's copy is empty too (else
                    // the local data was lost and is fetched again).
                    None => known.is_some_and(|f| f.digest == empty_digest(name)),
                };
            if unchanged {
                continue;
            }
            // The server's copy is the one synced last, and the local copy holds it: write.
            let direct = match (etag, known, self.local.get(name)) {
                (Some(etag), Some(f), Some(doc)) if f.etag.as_ref() == Some(etag) => f
                    .held
                    .as_ref()
                    .filter(|held| doc.covers(held))
                    .map(|_| put_step(name, doc.clone(), Condition::IfMatch(etag.clone()))),
                _ => None,
            };
            self.queue.push_back(Job {
                name: name.clone(),
                step: direct.unwrap_or(Step::Get),
                attempts: 0,
                listed: etag.clone(),
            });
        }
        for (name, doc) in &self.local {
            if !listed.contains_key(name) {
                self.queue.push_back(Job {
                    name: name.clone(),
                    step: put_step(name, doc.clone(), Condition::IfNoneMatch),
                    attempts: 0,
                    listed: None,
                });
            }
        }
    }

    fn on_get(&mut self, name: String, reply: Reply) -> Result<(), SyncError> {
        let local = self.local.get(&name).cloned();
        match reply {
            Reply::Body { etag, text } => {
                let listed = self.queue.front_mut().and_then(|job| job.listed.take());
                let retry = self.queue.front().is_some_and(|job| job.attempts > 0);
                let etag = etag.or(listed);
                self.counts.fetched += 1;
                let remote = match Doc::decode(&name, &text) {
                    Ok(Doc::Article(mut record)) => {
                        crate::notes::clock::clamp_future(&mut record);
                        Doc::Article(record)
                    }
                    Ok(doc) => doc,
                    Err(problem) => {
                        if let Some(etag) = etag {
                            self.state.files.entry(name.clone()).or_default().refused =
                                Some((etag, problem));
                        }
                        self.problems.push((name, problem));
                        self.queue.pop_front();
                        return Ok(());
                    }
                };
                let mut merged = match &local {
                    Some(l) => l.merge(&remote),
                    None => remote.normalized(),
                };
                // Notes written here and there since this device's last pass: both texts.
                if let (Some(Doc::Article(l)), Doc::Article(r), Doc::Article(m)) =
                    (&local, &remote, &mut merged)
                {
                    if self.keep_both(&name, l, r, m) > 0 {
                        self.both_kept.push(name.clone());
                    }
                }
                // The local data takes the server's copy the same way (`combine`), with what
                // was written there during the pass.
                self.incoming.push((name.clone(), remote.clone()));
                self.local.insert(name.clone(), merged.clone());
                match etag {
                    Some(etag) if merged == remote.normalized() => {
                        // The server's copy holds everything: nothing to write.
                        let digest = merged.digest(&name);
                        self.state.files.insert(
                            name,
                            FileState {
                                etag: Some(etag),
                                digest,
                                refused: None,
                                written_at: None,
                                held: Some(merged.held()),
                                seen: merged.seen(),
                            },
                        );
                        self.queue.pop_front();
                    }
                    // Write only if something is missing there, as a new version of that read.
                    Some(etag) => self.set_step(put_step(&name, merged, Condition::IfMatch(etag))),
                    // After a 412 the listing's ETag is stale, and the server does not expose
                    // the header: the next pass lists again.
                    None if retry => {
                        self.problems.push((name, FileProblem::Busy));
                        self.queue.pop_front();
                    }
                    // Without an ETag a write cannot be conditioned on what was read: it could
                    // erase another device's. Such a server cannot be used safely.
                    None => return Err(SyncError::NoEtag),
                }
            }
            Reply::Missing => match local {
                // Gone since the listing: write it as new.
                Some(doc) => self.set_step(put_step(&name, doc, Condition::IfNoneMatch)),
                None => {
                    self.state.files.remove(&name);
                    self.queue.pop_front();
                }
            },
            _ => return Err(SyncError::NotWebDav),
        }
        Ok(())
    }

    fn on_put(&mut self, name: String, reply: Reply) -> Result<(), SyncError> {
        let Some(job) = self.queue.pop_front() else {
            return Err(SyncError::NotWebDav);
        };
        let Step::Put { doc, .. } = job.step else {
            return Err(SyncError::NotWebDav);
        };
        match reply {
            Reply::Done { etag } => {
                self.counts.written += 1;
                let digest = doc.digest(&name);
                // Without the new ETag, the next listing shows one not seen: one more GET then.
                self.state.files.insert(
                    name,
                    FileState {
                        etag,
                        digest,
                        refused: None,
                        written_at: self.now,
                        held: Some(doc.held()),
                        seen: doc.seen(),
                    },
                );
            }
            Reply::PreconditionFailed => {
                if job.attempts + 1 >= MAX_ATTEMPTS {
                    // A damaged file replaced meanwhile by someone: read it next pass.
                    if let Some(file) = self.state.files.get_mut(&name) {
                        file.refused = None;
                    }
                    self.problems.push((name, FileProblem::Busy));
                } else {
                    self.queue.push_front(Job {
                        name,
                        step: Step::Get,
                        attempts: job.attempts + 1,
                        listed: None,
                    });
                }
            }
            _ => return Err(SyncError::NotWebDav),
        }
        Ok(())
    }

    fn set_step(&mut self, step: Step) {
        if let Some(job) = self.queue.front_mut() {
            job.step = step;
        }
    }
}

fn empty_digest(name: &str) -> String {
    match file_kind(name) {
        Some(FileKind::Positions) => Doc::Positions(Positions::default()),
        _ => Doc::Article(ArticleRecord::default()),
    }
    .digest(name)
}

fn put_step(name: &str, doc: Doc, condition: Condition) -> Step {
    Step::Put {
        body: doc.encode(name),
        doc,
        condition,
    }
}

#[cfg(test)]
mod tests {
    use super::super::sim::{Server, Trace};
    use super::*;
    use crate::notes::merge::tests::highlight;

    fn article(ids: &[(&str, i64)]) -> Doc {
        Doc::Article(ArticleRecord {
            highlights: ids
                .iter()
                .map(|(id, t)| highlight(id, *t, "", false))
                .collect(),
            ..Default::default()
        })
    }

    fn local(docs: &[(&str, Doc)]) -> BTreeMap<String, Doc> {
        docs.iter()
            .map(|(n, d)| (n.to_string(), d.clone()))
            .collect()
    }

    /// Runs one pass to its end against `server`; returns the pass and the requests' kinds.
    fn run(server: &mut Server, docs: BTreeMap<String, Doc>, state: SyncState) -> (Pass, Trace) {
        drive(server, Pass::new(docs, state))
    }

    /// Runs `pass` to its end against `server`.
    fn drive(server: &mut Server, mut pass: Pass) -> (Pass, Trace) {
        let mut trace = Trace::default();
        while let Some(request) = pass.next_request() {
            trace.push(&request);
            let reply = server.handle(&request);
            pass.on_reply(reply).unwrap();
        }
        (pass, trace)
    }

    #[test]
    fn first_pass_creates_the_folder_and_writes_new_files() {
        let mut server = Server::without_folder();
        let docs = local(&[("a.json", article(&[("x", 1)]))]);
        let (pass, trace) = run(&mut server, docs, SyncState::default());
        assert_eq!(trace.to_string(), "PROPFIND MKCOL PUT(a.json, new)");
        assert_eq!(pass.state.files["a.json"].etag.as_deref(), Some("1"));
        assert!(server.files.contains_key("a.json"));
    }

    /// Runs one pass at this device's time `now` (the server's clock is `server.clock`).
    fn run_at(
        server: &mut Server,
        docs: BTreeMap<String, Doc>,
        state: SyncState,
        now: i64,
    ) -> (Pass, Trace) {
        drive(server, Pass::new(docs, state).at(now))
    }

    const NOW: i64 = 1_795_553_225_000;
    const MINUTE: i64 = 60_000;

    #[test]
    fn a_first_pass_measures_the_clocks_then_not_for_a_day() {
        let mut server = Server {
            clock: NOW,
            ..Default::default()
        };
        let docs = local(&[("a.json", article(&[("x", 1)]))]);
        // Forty minutes ahead: told, and measured.
        let (pass, trace) = run_at(
            &mut server,
            docs.clone(),
            SyncState::default(),
            NOW + 40 * MINUTE,
        );
        assert_eq!(
            trace.to_string(),
            "PROPFIND PUT(clock) PROPFIND(clock) PUT(a.json, new)"
        );
        assert_eq!(pass.state.clock_offset, -40 * MINUTE);
        assert_eq!(pass.state.clock_measured, Some(NOW + 40 * MINUTE));
        assert!(
            !pass.state.clock_off,
            "within the tolerance: measured, not told"
        );
        assert!(!server.files.is_empty() && engine_files(&pass).all(|n| n != CLOCK_FILE));
        // The next passes that day: nothing more than the listing.
        let (pass, trace) = run_at(&mut server, docs.clone(), pass.state, NOW + 41 * MINUTE);
        assert_eq!(trace.to_string(), "PROPFIND");
        // A day later: measured again, now on time (within the measure's error: 0).
        server.clock = NOW + 25 * 60 * MINUTE;
        let (pass, trace) = run_at(
            &mut server,
            docs.clone(),
            pass.state,
            NOW + 25 * 60 * MINUTE + 3000,
        );
        assert_eq!(trace.to_string(), "PROPFIND PUT(clock) PROPFIND(clock)");
        assert_eq!(pass.state.clock_offset, 0);
        // A clock set back by more than a day measures again too.
        let (pass, trace) = run_at(&mut server, docs, pass.state, NOW - 2 * CLOCK_EVERY);
        assert_eq!(trace.to_string(), "PROPFIND PUT(clock) PROPFIND(clock)");
        assert_eq!(pass.state.clock_offset, 2 * CLOCK_EVERY + 25 * 60 * MINUTE);
        assert!(pass.state.clock_off);
    }

    #[test]
    fn only_a_device_new_to_the_folder_moves_its_positions_to_the_servers_clock() {
        use crate::progress::Position;
        let place = Position {
            block: 7,
            furthest: 9,
            updated: NOW + 40 * MINUTE,
        };
        let docs = || {
            let mut positions = Positions::default();
            positions.positions.insert("a".into(), place);
            local(&[(POSITIONS, Doc::Positions(positions))])
        };
        // New here: its place is sent at the server's time.
        let mut server = Server {
            clock: NOW,
            ..Default::default()
        };
        let (pass, _) = run_at(&mut server, docs(), SyncState::default(), NOW + 40 * MINUTE);
        assert_eq!(pass.restamped, Some(-40 * MINUTE));
        let sent = match Doc::decode(POSITIONS, &server.files[POSITIONS].1) {
            Ok(Doc::Positions(p)) => p.positions["a"],
            other => panic!("{other:?}"),
        };
        assert_eq!(
            sent,
            Position {
                updated: NOW,
                ..place
            }
        );
        // Synced with this folder before (by a build that did not measure): its positions may
        // be other devices', and stay as they are.
        let mut server = Server {
            clock: NOW,
            ..Default::default()
        };
        let (synced, _) = run(&mut server, docs(), SyncState::default());
        let (pass, _) = run_at(&mut server, docs(), synced.state, NOW + 40 * MINUTE);
        assert_eq!(pass.restamped, None);
        assert_eq!(pass.state.clock_offset, -40 * MINUTE);
    }

    fn engine_files(pass: &Pass) -> impl Iterator<Item = &String> {
        pass.state.files.keys()
    }

    #[test]
    fn a_refused_or_timeless_clock_file_leaves_the_pass_whole() {
        let docs = local(&[("a.json", article(&[("x", 1)]))]);
        for reply in [
            Reply::PreconditionFailed,
            Reply::Missing,
            Reply::Listing(Vec::new()),
        ] {
            let mut server = Server {
                clock: NOW,
                ..Default::default()
            };
            let mut pass = Pass::new(docs.clone(), SyncState::default()).at(NOW);
            while let Some(request) = pass.next_request() {
                let answer = match request {
                    Request::ClockWrite | Request::ClockRead => reply.clone(),
                    _ => server.handle(&request),
                };
                pass.on_reply(answer).unwrap();
            }
            assert_eq!(pass.state.clock_offset, 0, "{reply:?}");
            assert_eq!(pass.state.clock_measured, None, "{reply:?}");
            assert!(server.files.contains_key("a.json"));
        }
    }

    #[test]
    fn a_write_of_this_device_listed_unchanged_measures_the_clocks() {
        let mut server = Server {
            clock: NOW,
            ..Default::default()
        };
        let measured = |mut state: SyncState| {
            state.clock_measured = Some(NOW);
            state
        };
        let docs = local(&[("a.json", article(&[("x", 1)]))]);
        let (pass, trace) = run_at(
            &mut server,
            docs,
            measured(SyncState::default()),
            NOW - 10 * MINUTE,
        );
        assert_eq!(trace.to_string(), "PROPFIND PUT(a.json, new)");
        // Listed again as written: the server's time of the write against this device's.
        let docs = local(&[("a.json", article(&[("x", 1)]))]);
        let (pass, _) = run_at(&mut server, docs, pass.state, NOW - 10 * MINUTE + 500);
        assert_eq!(pass.state.clock_offset, 10 * MINUTE);
        // Written by someone else since: that time says nothing of this device's clock.
        let docs = local(&[("a.json", article(&[("x", 1), ("y", 2)]))]);
        let (pass, _) = run_at(&mut server, docs, measured(pass.state), NOW);
        server.clock = NOW + 5 * MINUTE;
        server.put_raw("a.json", &server.files["a.json"].1.clone());
        let docs = local(&[("a.json", article(&[("x", 1), ("y", 2)]))]);
        let (pass, _) = run_at(&mut server, docs, pass.state, NOW + 100);
        assert_eq!(pass.state.clock_offset, 10 * MINUTE, "unchanged");
    }

    #[test]
    fn server_time_stamps_far_in_the_future_come_in_as_unknown() {
        let mut server = Server::default();
        let (_, _) = run(
            &mut server,
            local(&[("a.json", article(&[("x", i64::MAX)]))]),
            SyncState::default(),
        );
        let mut pass = Pass::new(BTreeMap::new(), SyncState::default()).at(1_000);
        while let Some(request) = pass.next_request() {
            let reply = server.handle(&request);
            pass.on_reply(reply).unwrap();
        }
        assert_eq!(
            pass.incoming,
            vec![("a.json".to_string(), article(&[("x", 0)]))]
        );
    }

    #[test]
    fn a_pass_with_nothing_changed_is_one_request() {
        let mut server = Server::default();
        let docs = local(&[
            ("a.json", article(&[("x", 1)])),
            ("b.json", article(&[("y", 1)])),
        ]);
        let (pass, _) = run(&mut server, docs.clone(), SyncState::default());
        let (pass, trace) = run(&mut server, docs, pass.state);
        assert_eq!(trace.to_string(), "PROPFIND");
        assert_eq!(pass.counts.requests, 1);
        assert!(pass.incoming.is_empty() && pass.problems.is_empty());
    }

    #[test]
    fn one_article_changed_locally_is_a_listing_and_a_put() {
        let mut server = Server::default();
        let docs = local(&[
            ("a.json", article(&[("x", 1)])),
            ("b.json", article(&[("y", 1)])),
        ]);
        let (pass, _) = run(&mut server, docs, SyncState::default());
        let changed = local(&[
            ("a.json", article(&[("x", 1), ("z", 2)])),
            ("b.json", article(&[("y", 1)])),
        ]);
        let (pass, trace) = run(&mut server, changed.clone(), pass.state);
        // The server's copy is the one synced last, and the local copy holds it.
        assert_eq!(trace.to_string(), "PROPFIND PUT(a.json, if-match)");
        let (_, trace) = run(&mut server, changed, pass.state);
        assert_eq!(trace.to_string(), "PROPFIND");
    }

    #[test]
    fn one_article_changed_remotely_is_a_listing_and_a_get() {
        let mut server = Server::default();
        let docs = local(&[
            ("a.json", article(&[("x", 1)])),
            ("b.json", article(&[("y", 1)])),
        ]);
        let (phone, _) = run(&mut server, docs.clone(), SyncState::default());
        // Another device, new to the folder (it fetches both), adds a highlight to b.
        let (_, trace) = run(
            &mut server,
            local(&[("b.json", article(&[("y", 1), ("w", 3)]))]),
            SyncState::default(),
        );
        assert_eq!(
            trace.to_string(),
            "PROPFIND GET(a.json) GET(b.json) PUT(b.json, if-match)"
        );
        let (pass, trace) = run(&mut server, docs, phone.state);
        assert_eq!(trace.to_string(), "PROPFIND GET(b.json)");
        assert_eq!(pass.incoming.len(), 1);
        let Doc::Article(b) = &pass.incoming[0].1 else {
            panic!()
        };
        assert_eq!(b.highlights.len(), 2);
    }

    #[test]
    fn a_412_refetches_merges_and_retries() {
        let mut server = Server::default();
        let (state, _) = run(
            &mut server,
            local(&[("a.json", article(&[("x", 1)]))]),
            SyncState::default(),
        );
        let mut pass = Pass::new(
            local(&[("a.json", article(&[("x", 1), ("mine", 2)]))]),
            state.state,
        );
        let mut trace = Trace::default();
        while let Some(request) = pass.next_request() {
            trace.push(&request);
            if matches!(request, Request::Put { .. }) && trace.len() == 2 {
                // Between our GET and our PUT, another device writes.
                let theirs = article(&[("x", 1), ("theirs", 3)]).encode("a.json");
                server.put_raw("a.json", &theirs);
            }
            let reply = server.handle(&request);
            pass.on_reply(reply).unwrap();
        }
        assert_eq!(
            trace.to_string(),
            "PROPFIND PUT(a.json, if-match) GET(a.json) PUT(a.json, if-match)"
        );
        let Ok(Doc::Article(stored)) = Doc::decode("a.json", &server.files["a.json"].1) else {
            panic!()
        };
        let ids: Vec<&str> = stored.highlights.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids.len(), 3, "{ids:?}");
    }

    #[test]
    fn a_damaged_file_is_never_overwritten_and_not_fetched_again_until_it_changes() {
        let mut server = Server::default();
        server.put_raw("a.json", "{ pas du json");
        let docs = local(&[("a.json", article(&[("x", 1)]))]);
        let (pass, trace) = run(&mut server, docs.clone(), SyncState::default());
        assert_eq!(trace.to_string(), "PROPFIND GET(a.json)");
        assert_eq!(
            pass.problems,
            vec![("a.json".to_string(), FileProblem::Damaged)]
        );
        assert_eq!(server.files["a.json"].1, "{ pas du json");
        let (pass, trace) = run(&mut server, docs.clone(), pass.state);
        assert_eq!(trace.to_string(), "PROPFIND");
        assert_eq!(pass.problems.len(), 1);
        // Repaired on the server: synced again.
        server.put_raw("a.json", &article(&[("y", 1)]).encode("a.json"));
        let (pass, trace) = run(&mut server, docs, pass.state);
        assert_eq!(
            trace.to_string(),
            "PROPFIND GET(a.json) PUT(a.json, if-match)"
        );
        assert!(pass.problems.is_empty());
    }

    #[test]
    fn a_newer_file_is_left_alone() {
        let mut server = Server::default();
        server.put_raw("a.json", r#"{"schema":3,"article":"a","record":{}}"#);
        let (pass, _) = run(
            &mut server,
            local(&[("a.json", article(&[("x", 1)]))]),
            SyncState::default(),
        );
        assert_eq!(
            pass.problems,
            vec![("a.json".to_string(), FileProblem::Newer)]
        );
        assert!(server.files["a.json"].1.contains("\"schema\":3"));
    }

    #[test]
    fn a_local_copy_that_lost_data_cannot_shrink_the_servers() {
        let mut server = Server::default();
        let full = local(&[("a.json", article(&[("x", 1), ("y", 1)]))]);
        let (pass, _) = run(&mut server, full, SyncState::default());
        // The local key was unreadable and set aside: a new, smaller record.
        let shrunk = local(&[("a.json", article(&[("z", 5)]))]);
        let (pass, _) = run(&mut server, shrunk, pass.state);
        let Doc::Article(merged) = &pass.local["a.json"] else {
            panic!()
        };
        assert_eq!(merged.highlights.len(), 3);
        assert!(server.files["a.json"].1.contains("\"y\""));
    }

    #[test]
    fn ten_thousand_highlights_over_five_hundred_articles() {
        let mut server = Server::default();
        let many = |extra: bool| -> BTreeMap<String, Doc> {
            (0..500)
                .map(|a| {
                    let mut ids: Vec<(String, i64)> =
                        (0..20).map(|h| (format!("h{a}x{h}"), 1)).collect();
                    if extra && a == 250 {
                        ids.push(("nouveau".into(), 2));
                    }
                    let ids: Vec<(&str, i64)> = ids.iter().map(|(i, t)| (i.as_str(), *t)).collect();
                    (format!("article-{a}.json"), article(&ids))
                })
                .collect()
        };
        let (pass, trace) = run(&mut server, many(false), SyncState::default());
        assert_eq!(trace.len(), 501);
        let started = std::time::Instant::now();
        let (pass, trace) = run(&mut server, many(false), pass.state);
        let quiet = started.elapsed();
        assert_eq!(trace.to_string(), "PROPFIND");
        let (_, trace) = run(&mut server, many(true), pass.state);
        assert_eq!(
            trace.to_string(),
            "PROPFIND PUT(article-250.json, if-match)"
        );
        // Planning digests every record: natively well under a second (debug build).
        assert!(quiet.as_secs() < 5, "{quiet:?}");
    }

    #[test]
    fn unknown_fields_of_a_server_file_are_kept() {
        let mut server = Server::default();
        server.put_raw(
            "a.json",
            r#"{"schema":2,"article":"a","record":{"futur":[1],"highlights":[
                {"id":"x","article":"a","color":"pink","created":1,"updated":1,"encore":true,
                 "quote":{"exact":"mot"},"position":{"start":0,"end":3}}]}}"#,
        );
        let (_, trace) = run(
            &mut server,
            local(&[("a.json", article(&[("y", 2)]))]),
            SyncState::default(),
        );
        assert_eq!(
            trace.to_string(),
            "PROPFIND GET(a.json) PUT(a.json, if-match)"
        );
        let body = &server.files["a.json"].1;
        assert!(body.contains(r#""futur":[1]"#), "{body}");
        assert!(body.contains(r#""encore":true"#), "{body}");
        assert!(body.contains(r#""id":"y""#), "{body}");
    }

    #[test]
    fn file_names() {
        assert_eq!(
            file_kind("un-titre.json"),
            Some(FileKind::Article("un-titre".into()))
        );
        assert_eq!(file_kind("positions.json"), Some(FileKind::Positions));
        assert_eq!(file_kind("notes.txt"), None);
        assert_eq!(file_kind("../x.json"), None);
        assert_eq!(file_kind(".json"), None);
    }
}
