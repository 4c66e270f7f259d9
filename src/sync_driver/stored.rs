//! What sync keeps in storage: the settings, the password with the settings it was given for,
//! the engine's bookkeeping, the last pass's outcome shared by the tabs, and the reading
//! positions as the pass reads them.

use crate::{
    browser,
    progress::Position,
    storage,
    sync::{self, engine::SyncState, SyncError},
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

use super::Flag;

pub(super) const CONFIG: &str = "liseuse:sync:config";
pub(super) const PASSWORD: &str = "liseuse:sync:password";
pub(super) const STATE: &str = "liseuse:sync:state";
pub(super) const HEALTH: &str = "liseuse:sync:health";

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

/// The outcome of the last pass, shared by the tabs (`liseuse:sync:health`, stored as lines:
/// folder, identifier, error code, `p` and `c` for the flags).
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct Health {
    pub(super) url: String,
    pub(super) user: String,
    /// The error that ended the last pass, as `SyncError::code` (none: it succeeded, or was
    /// offline).
    pub(super) failed: Option<String>,
    /// The server refused the credentials or the folder: no automatic pass until the reader
    /// changes the settings or asks for a pass.
    pub(super) paused: bool,
    pub(super) clock_off: bool,
}

/// The stored settings (`None`: not set up), or `Err` when they are stored but cannot be read
/// (damaged, or written by something other than Liseuse).
fn stored_config() -> Result<Option<Config>, ()> {
    match storage::local_storage().and_then(|s| s.get_item(CONFIG).ok().flatten()) {
        None => Ok(None),
        Some(raw) => serde_json::from_str(&raw).map(Some).map_err(|_| ()),
    }
}

pub fn load_config() -> Option<Config> {
    stored_config().ok().flatten()
}

/// Settings are stored but cannot be read: sync is off until they are given again, which
/// « Synchronisation » says.
pub fn config_unreadable() -> bool {
    stored_config().is_err()
}

pub(super) fn save_config(config: &Config) {
    if let Some(store) = storage::local_storage() {
        let _ = store.set_item(CONFIG, &serde_json::to_string(config).unwrap_or_default());
    }
}

/// The password for the folder and identifier set up now: this session's, else the one
/// remembered on this device. One given for other settings (another tab changed them) is
/// not used.
pub fn password() -> Option<String> {
    let config = load_config()?;
    [browser::session_storage(), storage::local_storage()]
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

pub(super) fn save_password(config: &Config, password: &str) {
    let (keep, drop) = if config.remember {
        (storage::local_storage(), browser::session_storage())
    } else {
        (browser::session_storage(), storage::local_storage())
    };
    if let Some(s) = drop {
        let _ = s.remove_item(PASSWORD);
    }
    if let Some(s) = keep {
        let raw = [PASSWORD_MARK, &config.url, &config.user, password].join("\n");
        let _ = s.set_item(PASSWORD, &raw);
    }
}

pub(super) fn load_health() -> Option<Health> {
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

pub(super) fn save_health(health: &Health) {
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
pub(super) fn set_paused(paused: bool) {
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
    match stored_config() {
        // Set up once, but the settings are no longer readable: sync has stopped.
        Err(()) => return Flag::Failed,
        Ok(None) => return Flag::Quiet,
        Ok(Some(_)) => {}
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

pub(super) fn load_state(url: &str) -> SyncState {
    storage::local_storage()
        .and_then(|s| s.get_item(STATE).ok().flatten())
        .and_then(|raw| serde_json::from_str::<SyncState>(&raw).ok())
        .filter(|s| s.url == url && s.version == SyncState::VERSION)
        .unwrap_or_else(|| SyncState::for_url(url))
}

pub(super) fn save_state(state: &SyncState) {
    if let (Some(store), Ok(raw)) = (storage::local_storage(), serde_json::to_string(state)) {
        // Lost to a full storage, it costs requests next time, never data.
        let _ = store.set_item(STATE, &raw);
    }
}

/// Reading positions stored on this device, by slug.
pub(super) fn local_positions() -> BTreeMap<String, Position> {
    let Some(store) = storage::local_storage() else {
        return BTreeMap::new();
    };
    let len = store.length().unwrap_or(0);
    (0..len)
        .filter_map(|i| store.key(i).ok().flatten())
        .filter_map(|key| {
            let slug = key.strip_prefix(crate::progress::KEY_PREFIX)?.to_string();
            let raw = store.get_item(&key).ok()??;
            Some((slug, Position::parse(&raw)?))
        })
        .collect()
}
