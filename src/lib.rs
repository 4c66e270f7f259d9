//! Liseuse: a reading app for French articles, with highlights and notes kept in the browser.
//!
//! Pure logic (content, paths, notes) lives apart from the browser layer (`app`, `pages`,
//! `view`, `browser`), so that it is tested natively with `cargo test`.

pub mod content;
pub mod paths;

pub mod app;
pub mod browser;
pub mod pages;
pub mod view;
