//! Browser layer: the reader's text selection, as char offsets in the article's plain text.
//!
//! The view gives each text segment a `<span data-o="N">` holding exactly one text node, where
//! N is the segment's offset; a DOM boundary point maps to N plus the chars before it in that
//! node. DOM offsets inside a text node count UTF-16 code units, so they are converted to chars.

use wasm_bindgen::JsCast;
use web_sys::{Element, Node, NodeFilter, Range};

/// A selection inside an article, ready to become a highlight.
#[derive(Debug, Clone, PartialEq)]
pub struct ArticleSelection {
    pub start: usize,
    pub end: usize,
    /// Where the selection is on the page (document coordinates), to place the toolbar near it.
    pub top: f64,
    pub bottom: f64,
    pub center_x: f64,
}

/// The current selection clipped to `root` (the article body), whitespace trimmed at both ends.
/// `None` when nothing is selected, when the selection lies outside the article, or when only
/// whitespace is selected.
pub fn current(root: &Element, plain_text: &str) -> Option<ArticleSelection> {
    let window = web_sys::window()?;
    let selection = window.get_selection().ok()??;
    if selection.range_count() == 0 || selection.is_collapsed() {
        return None;
    }
    let range = selection.get_range_at(0).ok()?;
    if !range.intersects_node(root).unwrap_or(false) {
        return None;
    }
    let text_len = plain_text.chars().count();
    let start = boundary_offset(
        root,
        &range.start_container().ok()?,
        range.start_offset().ok()?,
        text_len,
    )?;
    let end = boundary_offset(
        root,
        &range.end_container().ok()?,
        range.end_offset().ok()?,
        text_len,
    )?;
    let (start, end) = trim_whitespace(plain_text, start.min(end), end.max(start))?;
    let rect = range.get_bounding_client_rect();
    let scroll_y = window.scroll_y().unwrap_or(0.0);
    let scroll_x = window.scroll_x().unwrap_or(0.0);
    Some(ArticleSelection {
        start,
        end,
        top: rect.top() + scroll_y,
        bottom: rect.bottom() + scroll_y,
        center_x: rect.left() + rect.width() / 2.0 + scroll_x,
    })
}

/// Clears the selection (after it became a highlight).
pub fn clear() {
    if let Some(selection) = web_sys::window().and_then(|w| w.get_selection().ok().flatten()) {
        let _ = selection.remove_all_ranges();
    }
}

/// Leaves the caret at the selection's end, nothing selected (Escape: a keyboard reader goes on
/// from where they were).
pub fn collapse_to_end() {
    if let Some(selection) = web_sys::window().and_then(|w| w.get_selection().ok().flatten()) {
        let _ = selection.collapse_to_end();
    }
}

/// Selects the article's chars `start..end` again (the text drawn anew under a selection).
pub fn restore(root: &Element, start: usize, end: usize) {
    let selection = web_sys::window().and_then(|w| w.get_selection().ok().flatten());
    if let (Some(selection), Some(range)) = (selection, dom_range(root, start, end)) {
        let _ = selection.remove_all_ranges();
        let _ = selection.add_range(&range);
    }
}

/// The DOM range of the article's chars `start..end` (the sentence read aloud, to mark it
/// without changing the DOM); `None` when the text is not drawn.
pub fn dom_range(root: &Element, start: usize, end: usize) -> Option<Range> {
    let spans = root.query_selector_all("[data-o]").ok()?;
    let document = web_sys::window()?.document()?;
    let range = document.create_range().ok()?;
    let (mut started, mut ended) = (false, false);
    for i in 0..spans.length() {
        let span = spans.item(i)?;
        let span: &Element = span.unchecked_ref();
        let Some(base) = span
            .get_attribute("data-o")
            .and_then(|o| o.parse::<usize>().ok())
        else {
            continue;
        };
        let Some(text) = span.first_child() else {
            continue;
        };
        let data = text.text_content().unwrap_or_default();
        let len = data.chars().count();
        if !started && start < base + len && start >= base {
            range
                .set_start(&text, utf16_units(&data, start - base))
                .ok()?;
            started = true;
        }
        if started && end <= base + len && end > base {
            range.set_end(&text, utf16_units(&data, end - base)).ok()?;
            ended = true;
            break;
        }
    }
    (started && ended).then_some(range)
}

/// How many UTF-16 code units the first `chars` chars of `text` take.
fn utf16_units(text: &str, chars: usize) -> u32 {
    text.chars().take(chars).map(|c| c.len_utf16() as u32).sum()
}

/// Shrinks `[start, end)` to exclude surrounding whitespace; `None` if nothing else is left.
pub fn trim_whitespace(text: &str, start: usize, end: usize) -> Option<(usize, usize)> {
    let chars: Vec<char> = text
        .chars()
        .skip(start)
        .take(end.saturating_sub(start))
        .collect();
    let lead = chars.iter().take_while(|c| c.is_whitespace()).count();
    if lead == chars.len() {
        return None;
    }
    let trail = chars.iter().rev().take_while(|c| c.is_whitespace()).count();
    Some((start + lead, start + chars.len() - trail))
}

/// Maps a DOM boundary point to a plain-text offset, clipping points outside `root` to its
/// start or end.
fn boundary_offset(root: &Element, node: &Node, offset: u32, text_len: usize) -> Option<usize> {
    let root_node: &Node = root.as_ref();
    if !root_node.contains(Some(node)) {
        let position = root_node.compare_document_position(node);
        return if position & Node::DOCUMENT_POSITION_PRECEDING != 0 {
            Some(0)
        } else {
            Some(text_len)
        };
    }
    if node.node_type() == Node::TEXT_NODE {
        if let Some(base) = segment_start(node, root) {
            let data = node.text_content().unwrap_or_default();
            return Some(base + chars_in_utf16_prefix(&data, offset as usize));
        }
    }
    // An element boundary (between children): the offset of the first text segment after it,
    // or the end of the last one before it.
    let document = web_sys::window()?.document()?;
    let point = document.create_range().ok()?;
    point.set_start(node, offset).ok()?;
    point.collapse_with_to_start(true);
    let walker = document
        .create_tree_walker_with_what_to_show_and_filter(
            root,
            0x4, /* SHOW_TEXT */
            None::<&NodeFilter>,
        )
        .ok()?;
    let mut last_end = 0;
    while let Ok(Some(text)) = walker.next_node() {
        let Some(base) = segment_start(&text, root) else {
            continue;
        };
        if point_is_before(&point, &text) {
            return Some(base);
        }
        last_end = base + text.text_content().unwrap_or_default().chars().count();
    }
    Some(last_end)
}

fn point_is_before(point: &Range, text: &Node) -> bool {
    // comparePoint: 1 when (text, 0) is after the collapsed range.
    point
        .compare_point(text, 0)
        .map(|c| c >= 0)
        .unwrap_or(false)
}

/// The `data-o` offset of the segment holding this text node.
fn segment_start(text: &Node, root: &Element) -> Option<usize> {
    let parent = text.parent_element()?;
    let segment = parent.closest("[data-o]").ok()??;
    if !root.contains(Some(segment.unchecked_ref())) {
        return None;
    }
    segment.get_attribute("data-o")?.parse().ok()
}

/// How many chars the first `units` UTF-16 code units of `text` hold.
pub fn chars_in_utf16_prefix(text: &str, units: usize) -> usize {
    let mut seen = 0;
    for (count, c) in text.chars().enumerate() {
        if seen >= units {
            return count;
        }
        seen += c.len_utf16();
    }
    text.chars().count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_units_become_chars() {
        assert_eq!(chars_in_utf16_prefix("abc", 2), 2);
        assert_eq!(chars_in_utf16_prefix("é🚀x", 1), 1);
        assert_eq!(chars_in_utf16_prefix("é🚀x", 3), 2);
        assert_eq!(chars_in_utf16_prefix("é🚀x", 4), 3);
        assert_eq!(chars_in_utf16_prefix("é🚀x", 99), 3);
        for n in 0..=3 {
            assert_eq!(
                chars_in_utf16_prefix("é🚀x", utf16_units("é🚀x", n) as usize),
                n
            );
        }
    }

    #[test]
    fn whitespace_is_trimmed_and_blank_selections_refused() {
        let text = "  un mot\n\n  ";
        assert_eq!(trim_whitespace(text, 0, 12), Some((2, 8)));
        assert_eq!(trim_whitespace(text, 8, 12), None);
        assert_eq!(trim_whitespace(text, 3, 3), None);
        assert_eq!(trim_whitespace("aé b", 1, 3), Some((1, 2)));
    }
}
