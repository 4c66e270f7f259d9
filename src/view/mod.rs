//! Views shared by pages, and the parts of the reader page.

pub mod announcer;
pub mod article_body;
pub mod article_notes;
pub mod card_canvas;
pub mod display;
pub mod highlight_panel;
pub mod listen;
pub mod loading;
pub mod notices;
pub mod on_demand;
pub mod reader_context;
pub mod screen;
pub mod search_box;
pub mod share_panel;
pub mod shared_passage;
pub mod shortcuts;
pub mod toolbar;
