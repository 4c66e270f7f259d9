//! Views shared by pages, and the parts of the reader page.

pub mod announcer;
pub mod article_body;
pub mod article_notes;
pub mod highlight_panel;
pub mod toolbar;
