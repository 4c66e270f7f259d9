//! Highlights and notes, as plain data and pure functions: the model, re-anchoring in a changed
//! text, merging concurrent edits, the storage codec with its migrations, export and import.
//! No browser API here: all of it is tested natively.
//!
//! Offsets count Unicode scalar values (Rust `char`s) of the article's plain text, never bytes
//! nor UTF-16 units; the browser layer converts DOM offsets at its edge.

pub mod anchor;
pub mod clock;
pub mod codec;
pub mod fields;
pub mod merge;
pub mod model;
pub mod transfer;
