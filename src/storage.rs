//! Browser layer: localStorage for the notebook, one key per article, so a save costs the same
//! whatever is stored for other articles. Every write re-reads the key and merges by id first,
//! so edits made at once in two tabs all survive (never last-writer-wins over a whole key).

use crate::notes::{
    clock,
    codec::{self, DecodeError},
    merge::merge,
    model::ArticleRecord,
};
use std::{cell::RefCell, collections::HashMap};
use wasm_bindgen::JsCast;

thread_local! {
    /// What this tab last wrote under each key, to tell whether another tab wrote since.
    static LAST_WRITTEN: RefCell<HashMap<String, String>> = RefCell::new(HashMap::new());
}

/// Why a write did not happen. The change stays in memory either way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WriteError {
    /// localStorage is disabled, missing or throws.
    Unavailable,
    /// The quota is exceeded: nothing stored was changed.
    Full,
    /// The key holds data a newer version wrote (its format): this version must not overwrite
    /// it.
    Protected { found: u64 },
}

/// Now as a time stamp for an edit or a reading position: this device's clock, corrected by
/// the sync server's when a pass measured the difference (`notes::clock::OFFSET_KEY`).
pub fn stamp_now() -> i64 {
    let stored = local_storage().and_then(|s| s.get_item(clock::OFFSET_KEY).ok().flatten());
    clock::corrected(
        crate::browser::now_ms(),
        clock::parse_offset(stored.as_deref()),
    )
}

/// Keeps the difference a sync pass measured for [`stamp_now`] (none: the key goes).
pub fn save_clock_offset(offset: i64) {
    if let Some(store) = local_storage() {
        let _ = if offset == 0 {
            store.remove_item(clock::OFFSET_KEY)
        } else {
            store.set_item(clock::OFFSET_KEY, &offset.to_string())
        };
    }
}

/// localStorage, or `None` when the browser refuses it (disabled, sandboxed, blocked cookies).
///
/// Reached through web-sys, whose accessor returns the browser's exception as an `Err`:
/// gloo-storage's `raw()` throws instead, which Rust cannot catch.
pub fn local_storage() -> Option<web_sys::Storage> {
    let storage = web_sys::window()?.local_storage().ok()??;
    // Some browsers hand out a storage object that throws on first use.
    storage.length().ok()?;
    Some(storage)
}

/// Whether localStorage can be used; gloo-storage's calls are safe only then.
pub fn available() -> bool {
    local_storage().is_some()
}

/// Every `(key, value)` pair of ours in localStorage.
pub fn read_all(storage: &web_sys::Storage) -> Vec<(String, String)> {
    let len = storage.length().unwrap_or(0);
    (0..len)
        .filter_map(|i| storage.key(i).ok().flatten())
        .filter(|key| codec::slug_from_key(key).is_some())
        .filter_map(|key| storage.get_item(&key).ok().flatten().map(|v| (key, v)))
        .collect()
}

/// Writes one article's record, merged with whatever another tab stored meanwhile. Returns the
/// merged record as stored.
///
/// The stored copy's absurd time stamps are taken as unknown (see `notes::clock`), exactly as
/// when it was loaded, so that they cannot beat the edit.
pub fn write_article(
    storage: &web_sys::Storage,
    slug: &str,
    record: &ArticleRecord,
) -> Result<ArticleRecord, WriteError> {
    let key = codec::article_key(slug);
    let merged = match storage
        .get_item(&key)
        .map_err(|_| WriteError::Unavailable)?
    {
        None => record.clone(),
        // Still what this tab wrote last: nothing from elsewhere to merge, no need to parse it.
        Some(raw) if LAST_WRITTEN.with(|m| m.borrow().get(&key) == Some(&raw)) => record.clone(),
        Some(raw) => match codec::decode(&raw) {
            Ok(stored) => merge(record, &clock::clamped(&stored.record)),
            Err(DecodeError::NewerVersion { found }) => {
                return Err(WriteError::Protected { found })
            }
            Err(_) => {
                // Unreadable: copy it aside untouched before the key is reused.
                set_aside(storage, &key, &raw)?;
                record.clone()
            }
        },
    };
    let encoded = codec::encode(slug, &merged);
    set(storage, &key, &encoded)?;
    LAST_WRITTEN.with(|m| m.borrow_mut().insert(key, encoded));
    Ok(merged)
}

/// Copies an unreadable value to `liseuse:aside:<key>:<n>`, where nothing reads or writes it
/// again, so the reader (or a support person) can still recover it.
pub fn set_aside(storage: &web_sys::Storage, key: &str, raw: &str) -> Result<String, WriteError> {
    for n in 1.. {
        let aside = format!("liseuse:aside:{key}:{n}");
        match storage
            .get_item(&aside)
            .map_err(|_| WriteError::Unavailable)?
        {
            Some(existing) if existing == raw => return Ok(aside),
            Some(_) => continue,
            None => {
                set(storage, &aside, raw)?;
                return Ok(aside);
            }
        }
    }
    unreachable!("the loop returns")
}

fn set(storage: &web_sys::Storage, key: &str, value: &str) -> Result<(), WriteError> {
    storage.set_item(key, value).map_err(|e| {
        let name = e
            .dyn_ref::<web_sys::DomException>()
            .map(|d| d.name())
            .unwrap_or_default();
        if name == "QuotaExceededError" || name == "NS_ERROR_DOM_QUOTA_REACHED" {
            WriteError::Full
        } else {
            WriteError::Unavailable
        }
    })
}
