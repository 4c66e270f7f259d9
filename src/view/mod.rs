//! Views shared by several pages.

pub mod article_body;
