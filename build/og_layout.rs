//! The pure part of the link-preview image (`build/og_image.rs`): escaping text for the SVG,
//! and fitting a title into a box, measured by a function the caller gives (the bundled font's
//! advance widths), so that it can be tested without a font (`tests/og_layout.rs`).

/// Text as XML character data or attribute value: always text, never markup.
pub fn xml_escape(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
}

/// The width of a text at size 1 (multiplied by the font size to get pixels).
pub type Measure<'a> = &'a dyn Fn(&str) -> f32;

/// Lines no wider than `max_width`, greedily. Breaks only at ordinary spaces: a no-break space
/// (U+00A0, U+202F) keeps French punctuation with its word (« Pourquoi : », « ? »). A word
/// wider than the line on its own is cut between characters, so nothing ever overflows.
pub fn wrap(text: &str, max_width: f32, width: Measure) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let candidate = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        if width(&candidate) <= max_width {
            line = candidate;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        // The word alone on its line, cut if it is still too wide.
        for c in word.chars() {
            let mut longer = line.clone();
            longer.push(c);
            if !line.is_empty() && width(&longer) > max_width {
                lines.push(std::mem::replace(&mut line, c.to_string()));
            } else {
                line = longer;
            }
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// A title laid out: its font size and its lines.
#[derive(Debug, Clone, PartialEq)]
pub struct Fitted {
    pub size: f32,
    pub lines: Vec<String>,
}

/// The largest of `sizes` (tried in the order given, largest first) at which the text, wrapped
/// to `box_width`, takes no more than `box_height` with lines of `line_height` × the size. The
/// lines are then balanced (each as full as the others, not a last word alone). If even the
/// last size is too big, as many lines as fit at it, the last one ending with « … ».
pub fn fit(
    text: &str,
    box_width: f32,
    box_height: f32,
    line_height: f32,
    sizes: &[f32],
    width: Measure,
) -> Fitted {
    let smallest = *sizes.last().expect("at least one size");
    for &size in sizes {
        let max_lines = (box_height / (size * line_height)).floor().max(1.0) as usize;
        let lines = wrap(text, box_width / size, width);
        if lines.len() <= max_lines {
            return Fitted {
                size,
                lines: balance(text, box_width / size, lines.len(), width),
            };
        }
    }
    let max_lines = (box_height / (smallest * line_height)).floor().max(1.0) as usize;
    let max_width = box_width / smallest;
    let mut lines = wrap(text, max_width, width);
    lines.truncate(max_lines);
    let last = lines.last_mut().expect("a title has a word");
    while !last.is_empty() && width(&format!("{last}…")) > max_width {
        // Drop the last word, or the last character of a single word.
        match last.rfind(' ') {
            Some(space) => last.truncate(space),
            None => {
                last.pop();
            }
        }
    }
    let trimmed = last.trim_end_matches([',', ';', ':', ' ', '\u{a0}', '\u{202f}']);
    *last = format!("{trimmed}…");
    Fitted {
        size: smallest,
        lines,
    }
}

/// The narrowest width (down to 60 % of `max_width`) at which the text still wraps into `count`
/// lines: the same lines, more even.
fn balance(text: &str, max_width: f32, count: usize, width: Measure) -> Vec<String> {
    let mut best = wrap(text, max_width, width);
    if count < 2 {
        return best;
    }
    let (mut low, mut high) = (max_width * 0.6, max_width);
    for _ in 0..12 {
        let middle = (low + high) / 2.0;
        let lines = wrap(text, middle, width);
        if lines.len() <= count {
            high = middle;
            best = lines;
        } else {
            low = middle;
        }
    }
    best
}
