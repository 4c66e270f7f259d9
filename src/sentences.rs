//! Sentences of an article's plain text, for reading aloud one sentence at a time: Unicode's
//! sentence boundaries (UAX #29, `unicode-segmentation`), then French corrections.

use std::ops::Range;
use unicode_segmentation::UnicodeSegmentation;

/// The sentences of `text` (an article's plain text: blocks joined by `"\n\n"`), as char ranges
/// that partition it: every char belongs to exactly one range, in order. A range keeps the
/// spaces after its sentence; a block separator is never inside a sentence.
pub fn sentences(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    for piece in text.split_sentence_bounds() {
        let end = start + piece.chars().count();
        out.push(start..end);
        start = end;
    }
    out
}
