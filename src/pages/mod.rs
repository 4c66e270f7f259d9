//! One module per route, as in Leptos's `hackernews` example.

pub mod library;
pub mod my_notes;
pub mod not_found;
pub mod reader;
pub mod search;
pub mod sync;
