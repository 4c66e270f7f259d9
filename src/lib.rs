//! Liseuse: a reading app for French articles, with highlights and notes kept in the browser.
//!
//! Pure logic (`caret`, `content`, `fold`, `search`, `paths`, `route`, `layout`, `notes`, `notebook`, `placement`, `screen`) is apart from the browser
//! layer (`app`, `pages`, `view`, `state`, `storage`, `selection`, `prefs`, `offline`,
//! `browser`), so that it is tested natively with `cargo test`.

pub mod card;
pub mod caret;
pub mod content;
pub mod fold;
pub mod layout;
pub mod notebook;
pub mod notes;
pub mod paths;
pub mod placement;
pub mod progress;
pub mod read_aloud;
pub mod route;
pub mod screen;
pub mod search;
pub mod sentences;
pub mod settings;
pub mod share;
pub mod sync;

pub mod app;
pub mod browser;
pub mod catalog;
pub mod chunk;
pub mod offline;
pub mod pages;
pub mod prefs;
pub mod router;
pub mod selection;
pub mod speech;
pub mod state;
pub mod storage;
pub mod sync_driver;
pub mod view;
