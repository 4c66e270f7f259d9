//! The quote card: a passage of an article as a picture to share, made on the device. Pure
//! data: the sizes, the themes' colours, and the layout (the lines of the passage, of the
//! title, of the author and the site's name, in pixels) that `view::card_canvas` draws on a
//! canvas. Text widths come from a `measure` function (the canvas's `measureText` in the
//! browser, a fake one in the tests).
//!
//! The passage is set between « and » with narrow no-break spaces inside, as the app writes
//! quotes elsewhere; its paragraph breaks (`\n\n`) are kept. A long passage is set smaller,
//! down to a size still readable in a phone's feed, then cut after a whole word with « … ».

/// The app's serif stack (`--font-serif` in `style/main.css`), the card's only font.
pub const FONT_STACK: &str = "Charter, \"Bitstream Charter\", \"Sitka Text\", Cambria, \
    \"Iowan Old Style\", \"Palatino Linotype\", Georgia, \"DejaVu Serif\", serif";

/// The title is drawn bold but measured with the regular font: bold serif faces are up to 10 %
/// wider, so its widths are counted this much wider.
pub const BOLD_ALLOWANCE: f64 = 1.1;

/// Opens and closes the passage (narrow no-break spaces inside the guillemets).
const OPEN: &str = "«\u{202f}";
const CLOSE: &str = "\u{202f}»";
const ELLIPSIS: &str = "…";

/// The two pictures offered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CardShape {
    /// 1200 × 627, the size of a link's preview.
    Link,
    /// 1080 × 1080.
    Square,
}

/// Sizes and spaces of one shape, in pixels.
struct Metrics {
    margin_x: f64,
    margin_top: f64,
    margin_bottom: f64,
    /// The passage's largest and smallest sizes, tried in steps of [`QUOTE_STEP`].
    quote_max: f64,
    quote_min: f64,
    title_px: f64,
    title_line: f64,
    meta_px: f64,
    meta_line: f64,
    rule_width: f64,
    rule_height: f64,
    /// Between the passage and the rule, the rule and the title, the title and the author line.
    gap_quote_rule: f64,
    gap_rule_title: f64,
    gap_title_meta: f64,
    /// Between the author and the site's name on their line.
    gap_meta: f64,
}

/// The steps between the passage's sizes.
pub const QUOTE_STEP: f64 = 2.0;
/// The passage's line height, times its size.
const QUOTE_LEADING: f64 = 1.36;
/// The space added between two paragraphs of the passage, times its size.
const PARAGRAPH_GAP: f64 = 0.5;

// Smallest sizes: a feed shows a picture about 375 px wide on a phone, so 32 px of the link's
// 1200 are 10 px on screen, 36 px of the square's 1080 are 12.5 px.
const LINK: Metrics = Metrics {
    margin_x: 72.0,
    margin_top: 60.0,
    margin_bottom: 48.0,
    quote_max: 56.0,
    quote_min: 32.0,
    title_px: 30.0,
    title_line: 38.0,
    meta_px: 24.0,
    meta_line: 30.0,
    rule_width: 72.0,
    rule_height: 4.0,
    gap_quote_rule: 32.0,
    gap_rule_title: 20.0,
    gap_title_meta: 8.0,
    gap_meta: 24.0,
};

const SQUARE: Metrics = Metrics {
    margin_x: 88.0,
    margin_top: 96.0,
    margin_bottom: 80.0,
    quote_max: 64.0,
    quote_min: 36.0,
    title_px: 36.0,
    title_line: 45.0,
    meta_px: 28.0,
    meta_line: 36.0,
    rule_width: 80.0,
    rule_height: 4.0,
    gap_quote_rule: 40.0,
    gap_rule_title: 24.0,
    gap_title_meta: 10.0,
    gap_meta: 28.0,
};

impl CardShape {
    pub const ALL: [CardShape; 2] = [CardShape::Link, CardShape::Square];

    /// Width and height in pixels.
    pub fn size(self) -> (u32, u32) {
        match self {
            CardShape::Link => (1200, 627),
            CardShape::Square => (1080, 1080),
        }
    }

    /// The choice's name in the share panel.
    pub fn label_fr(self) -> &'static str {
        match self {
            CardShape::Link => "Image 1200\u{a0}×\u{a0}627",
            CardShape::Square => "Image carrée 1080\u{a0}×\u{a0}1080",
        }
    }

    /// The picture's file name: `citation-<slug>-1200x627.png`. Characters other than letters,
    /// digits, `-` and `_` in the slug become `-`.
    pub fn file_name(self, slug: &str) -> String {
        let (w, h) = self.size();
        let slug: String = slug
            .chars()
            .map(|c| {
                if c.is_alphanumeric() || c == '-' || c == '_' {
                    c
                } else {
                    '-'
                }
            })
            .collect();
        let slug = slug.trim_matches('-');
        if slug.is_empty() {
            format!("citation-{w}x{h}.png")
        } else {
            format!("citation-{slug}-{w}x{h}.png")
        }
    }

    fn metrics(self) -> &'static Metrics {
        match self {
            CardShape::Link => &LINK,
            CardShape::Square => &SQUARE,
        }
    }

    /// The passage's sizes, largest first.
    pub fn quote_sizes(self) -> impl Iterator<Item = f64> {
        let m = self.metrics();
        let steps = ((m.quote_max - m.quote_min) / QUOTE_STEP).round() as usize;
        (0..=steps).map(move |i| m.quote_max - i as f64 * QUOTE_STEP)
    }
}

/// The card's colours, one of the app's themes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CardTheme {
    Clair,
    Sepia,
    Sombre,
}

/// CSS colours, as `style/main.css` gives them to the theme.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Palette {
    /// `--bg`
    pub background: &'static str,
    /// `--fg`: the passage and the title.
    pub text: &'static str,
    /// `--muted`: the author.
    pub muted: &'static str,
    /// `--accent`: the rule and the site's name.
    pub accent: &'static str,
    /// `--line`: the card's thin border.
    pub rule: &'static str,
}

impl CardTheme {
    pub const ALL: [CardTheme; 3] = [CardTheme::Clair, CardTheme::Sepia, CardTheme::Sombre];

    /// The name `data-theme` gives it on `<html>`.
    pub fn name(self) -> &'static str {
        match self {
            CardTheme::Clair => "clair",
            CardTheme::Sepia => "sepia",
            CardTheme::Sombre => "sombre",
        }
    }

    /// Its name in the interface (as in « Affichage »).
    pub fn label_fr(self) -> &'static str {
        match self {
            CardTheme::Clair => "Clair",
            CardTheme::Sepia => "Sépia",
            CardTheme::Sombre => "Sombre",
        }
    }

    /// The card of the display setting `theme`; « Système » follows the system's scheme
    /// (`prefers_dark`).
    pub fn of(theme: crate::settings::Theme, prefers_dark: bool) -> CardTheme {
        use crate::settings::Theme;
        match theme {
            Theme::Clair => CardTheme::Clair,
            Theme::Sepia => CardTheme::Sepia,
            Theme::Sombre => CardTheme::Sombre,
            Theme::Systeme if prefers_dark => CardTheme::Sombre,
            Theme::Systeme => CardTheme::Clair,
        }
    }

    pub fn palette(self) -> Palette {
        match self {
            CardTheme::Clair => Palette {
                background: "#fdfcf9",
                text: "#1f1d1a",
                muted: "#595449",
                accent: "#7a3e12",
                rule: "#d6d1c7",
            },
            CardTheme::Sepia => Palette {
                background: "#f4ecd8",
                text: "#3b2f22",
                muted: "#5e4d39",
                accent: "#7a3e12",
                rule: "#d9c9a8",
            },
            CardTheme::Sombre => Palette {
                background: "#161513",
                text: "#e9e5dd",
                muted: "#b2ab9e",
                accent: "#f0b27a",
                rule: "#3a3631",
            },
        }
    }
}

/// What the card says. `quote` is the passage as selected (`\n\n` between paragraphs); the
/// others are shown as given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CardText<'a> {
    pub quote: &'a str,
    pub title: &'a str,
    pub author: Option<&'a str>,
    /// The site's name, « Liseuse ».
    pub site: &'a str,
}

/// How a line ends, which tells how the lines make the text again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineEnd {
    /// Between two words (a space).
    Space,
    /// Inside a word too long for a line (nothing between this line and the next).
    MidWord,
    /// At the end of a paragraph, another follows.
    Paragraph,
    /// The block's last line.
    Last,
}

/// One line to draw. Draw it with `textAlign = "left"` and `textBaseline = "middle"` at
/// (`x`, `y`): `y` is the middle of the line's box.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub text: String,
    pub x: f64,
    pub y: f64,
    /// Its measured width (for the title, with [`BOLD_ALLOWANCE`]).
    pub width: f64,
    pub end: LineEnd,
}

/// Lines in one font size.
#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    pub font_px: f64,
    pub line_height: f64,
    pub lines: Vec<Line>,
}

impl Block {
    /// The top of its first line's box and the bottom of its last one's.
    pub fn span(&self) -> Option<(f64, f64)> {
        let half = self.line_height / 2.0;
        Some((self.lines.first()?.y - half, self.lines.last()?.y + half))
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
}

/// Everything the drawing needs, in pixels.
#[derive(Debug, Clone, PartialEq)]
pub struct CardLayout {
    pub width: u32,
    pub height: u32,
    pub margin_x: f64,
    pub margin_top: f64,
    pub margin_bottom: f64,
    /// The thin border around the card, in the palette's `rule` colour (a light card on a white
    /// page keeps its edge).
    pub border: f64,
    /// The passage, between « »; no lines for an empty one.
    pub quote: Block,
    /// Whether the passage was cut (it then ends with « … »).
    pub cut: bool,
    /// The short accent rule between the passage and the title.
    pub rule: Rect,
    /// The title, bold, at most two lines (cut with « … »); no lines for an empty one.
    pub title: Block,
    /// The author (left) and the site's name (right), in `meta_px` on one line.
    pub meta_px: f64,
    pub author: Option<Line>,
    pub site: Option<Line>,
}

impl CardLayout {
    /// The width of the text's box.
    pub fn box_width(&self) -> f64 {
        self.width as f64 - 2.0 * self.margin_x
    }

    /// Whether there was no passage to show.
    pub fn is_empty(&self) -> bool {
        self.quote.lines.is_empty()
    }
}

/// Lays out the card. `measure(text, px)`: the width of `text` in the regular serif at `px`.
pub fn layout(shape: CardShape, text: &CardText, measure: &dyn Fn(&str, f64) -> f64) -> CardLayout {
    let m = shape.metrics();
    let (width, height) = shape.size();
    let (w, h) = (width as f64, height as f64);
    let box_width = w - 2.0 * m.margin_x;

    // The author and the site's name, on the bottom line.
    let meta = |t: &str| measure(t, m.meta_px);
    let meta_y = h - m.margin_bottom - m.meta_line / 2.0;
    let one_line = |width: f64| Frame {
        width,
        line_height: m.meta_line,
        paragraph_gap: 0.0,
        height: m.meta_line,
    };
    let site = fit_block(&words(text.site), "", "", &one_line(box_width), &meta)
        .lines
        .into_iter()
        .next()
        .map(|(text, width, _)| Line {
            x: w - m.margin_x - width,
            y: meta_y,
            text,
            width,
            end: LineEnd::Last,
        });
    let room = match &site {
        Some(site) => box_width - site.width - m.gap_meta,
        None => box_width,
    };
    let author = text
        .author
        .map(words)
        .filter(|a| !a.is_empty() && room >= 4.0 * m.meta_px)
        .and_then(|a| fit_block(&a, "", "", &one_line(room), &meta).lines.pop())
        .map(|(text, width, _)| Line {
            x: m.margin_x,
            y: meta_y,
            text,
            width,
            end: LineEnd::Last,
        });
    let mut bottom = if site.is_some() || author.is_some() {
        h - m.margin_bottom - m.meta_line - m.gap_title_meta
    } else {
        h - m.margin_bottom
    };

    // The title, above.
    let title_measure = |t: &str| measure(t, m.title_px) * BOLD_ALLOWANCE;
    let title_frame = Frame {
        width: box_width,
        line_height: m.title_line,
        paragraph_gap: 0.0,
        height: 2.0 * m.title_line,
    };
    let title_lines = fit_block(&words(text.title), "", "", &title_frame, &title_measure).lines;
    let title_top = bottom - title_lines.len() as f64 * m.title_line;
    let title = place(title_lines, &title_frame, m.margin_x, title_top, m.title_px);
    if !title.lines.is_empty() {
        bottom = title_top - m.gap_rule_title;
    }
    let rule = Rect {
        x: m.margin_x,
        y: bottom - m.rule_height,
        width: m.rule_width,
        height: m.rule_height,
    };

    // The passage, in the room left above, in the middle of it.
    let area = rule.y - m.gap_quote_rule - m.margin_top;
    let (font_px, fitted) = fit_quote(shape, text.quote, area, box_width, measure);
    let frame = quote_frame(font_px, box_width, area);
    let block_height = frame.block_height(&fitted.lines);
    let top = m.margin_top + ((area - block_height) / 2.0).max(0.0);
    let quote = place(fitted.lines, &frame, m.margin_x, top, font_px);

    CardLayout {
        width,
        height,
        margin_x: m.margin_x,
        margin_top: m.margin_top,
        margin_bottom: m.margin_bottom,
        border: 2.0,
        quote,
        cut: fitted.cut,
        rule,
        title,
        meta_px: m.meta_px,
        author,
        site,
    }
}

/// The passage's size and lines: the largest size where it all fits, else the smallest, cut.
fn fit_quote(
    shape: CardShape,
    quote: &str,
    area: f64,
    box_width: f64,
    measure: &dyn Fn(&str, f64) -> f64,
) -> (f64, Fitted) {
    let paragraphs = paragraphs(unquoted(quote));
    let mut last = shape.metrics().quote_max;
    if paragraphs.is_empty() {
        return (last, Fitted::default());
    }
    for px in shape.quote_sizes() {
        last = px;
        let frame = quote_frame(px, box_width, area);
        let size = |t: &str| measure(t, px);
        if let Some(lines) = fill(&assemble(&paragraphs, OPEN, CLOSE), &frame, &size) {
            return (px, Fitted { lines, cut: false });
        }
    }
    let frame = quote_frame(last, box_width, area);
    let size = |t: &str| measure(t, last);
    (last, fit_block(&paragraphs, OPEN, CLOSE, &frame, &size))
}

/// A passage selected with its own guillemets (or quotation marks) around it, without them:
/// the card sets its own.
/// The passage without the one pair of guillemets or quotes it may come in (a passage that is
/// itself a quotation): whoever quotes it adds theirs.
pub fn unquoted(quote: &str) -> &str {
    let mut quote = quote.trim();
    for (open, close) in [('«', '»'), ('“', '”'), ('"', '"')] {
        if let Some(inner) = quote.strip_prefix(open).and_then(|q| q.strip_suffix(close)) {
            if !inner.contains([open, close]) {
                return inner.trim();
            }
        }
    }
    // A passage that opens a quotation it does not close (it starts with « and has no »), or
    // closes one it did not open, loses that lone mark too: the quoter's own would double it.
    for (open, close) in [('«', '»'), ('“', '”')] {
        if let Some(rest) = quote.strip_prefix(open).filter(|r| !r.contains(close)) {
            quote = rest.trim_start();
        }
        if let Some(rest) = quote.strip_suffix(close).filter(|r| !r.contains(open)) {
            quote = rest.trim_end();
        }
    }
    quote
}

fn quote_frame(px: f64, width: f64, height: f64) -> Frame {
    Frame {
        width,
        line_height: (px * QUOTE_LEADING).round(),
        paragraph_gap: (px * PARAGRAPH_GAP).round(),
        height,
    }
}

/// Where lines go: their width, line height and the space between paragraphs, and the
/// height they must fit in.
struct Frame {
    width: f64,
    line_height: f64,
    paragraph_gap: f64,
    height: f64,
}

impl Frame {
    fn block_height(&self, lines: &[(String, f64, LineEnd)]) -> f64 {
        let gaps = lines
            .iter()
            .filter(|(_, _, end)| *end == LineEnd::Paragraph)
            .count();
        lines.len() as f64 * self.line_height + gaps as f64 * self.paragraph_gap
    }

    fn holds(&self, lines: &[(String, f64, LineEnd)]) -> bool {
        self.block_height(lines) <= self.height + 1e-6
    }
}

/// Lines (text, width, end) and whether the text was cut to make them.
#[derive(Default)]
struct Fitted {
    lines: Vec<(String, f64, LineEnd)>,
    cut: bool,
}

fn place(lines: Vec<(String, f64, LineEnd)>, frame: &Frame, x: f64, top: f64, px: f64) -> Block {
    let mut y = top + frame.line_height / 2.0;
    let lines = lines
        .into_iter()
        .map(|(text, width, end)| {
            let line = Line {
                text,
                x,
                y,
                width,
                end,
            };
            y += frame.line_height;
            if end == LineEnd::Paragraph {
                y += frame.paragraph_gap;
            }
            line
        })
        .collect();
    Block {
        font_px: px,
        line_height: frame.line_height,
        lines,
    }
}

/// Spaces that join rather than separate (no-break, narrow no-break, figure space).
fn is_break(c: char) -> bool {
    c.is_whitespace() && !matches!(c, '\u{a0}' | '\u{202f}' | '\u{2007}')
}

/// The paragraphs of `text` (split at blank lines), each as its words (split at breaking
/// spaces; a word of no-break spaces alone is dropped).
fn paragraphs(text: &str) -> Vec<Vec<&str>> {
    let mut paragraphs = Vec::new();
    let mut words = Vec::new();
    let mut rest = text;
    loop {
        let start = rest.find(|c| !is_break(c)).unwrap_or(rest.len());
        let (space, after) = rest.split_at(start);
        if after.is_empty() {
            break;
        }
        let end = after.find(is_break).unwrap_or(after.len());
        let (word, after) = after.split_at(end);
        rest = after;
        if word.chars().all(char::is_whitespace) {
            continue;
        }
        if space.matches('\n').count() >= 2 && !words.is_empty() {
            paragraphs.push(std::mem::take(&mut words));
        }
        words.push(word);
    }
    if !words.is_empty() {
        paragraphs.push(words);
    }
    paragraphs
}

/// The words of a one-paragraph text (a title, a name): its line breaks are spaces.
fn words(text: &str) -> Vec<Vec<&str>> {
    let words: Vec<&str> = paragraphs(text).into_iter().flatten().collect();
    if words.is_empty() {
        Vec::new()
    } else {
        vec![words]
    }
}

/// The paragraphs as owned words, `open` before the first and `close` after the last.
fn assemble(paragraphs: &[Vec<&str>], open: &str, close: &str) -> Vec<Vec<String>> {
    let mut out: Vec<Vec<String>> = paragraphs
        .iter()
        .map(|p| p.iter().map(|w| w.to_string()).collect())
        .collect();
    if let Some(first) = out.first_mut().and_then(|p| p.first_mut()) {
        first.insert_str(0, open);
    }
    if let Some(last) = out.last_mut().and_then(|p| p.last_mut()) {
        last.push_str(close);
    }
    out
}

/// Lays `paragraphs` out in `frame`, filling each line with as many words as fit; a word
/// wider than a line is broken between chars. `None` when the lines are too many for the
/// frame's height.
fn fill(
    paragraphs: &[Vec<String>],
    frame: &Frame,
    measure: &dyn Fn(&str) -> f64,
) -> Option<Vec<(String, f64, LineEnd)>> {
    let mut lines = Vec::new();
    let push = |lines: &mut Vec<_>, text: String, width: f64, end: LineEnd| {
        lines.push((text, width, end));
        frame.holds(lines)
    };
    for (i, paragraph) in paragraphs.iter().enumerate() {
        let (mut line, mut line_width) = (String::new(), 0.0);
        for word in paragraph {
            if !line.is_empty() {
                // A long word is tried by its start first, which most often does not fit.
                let start = word
                    .char_indices()
                    .map(|(i, _)| i)
                    .take_while(|&i| i <= 256);
                let start = &word[..start.last().unwrap_or(0)];
                let hopeless =
                    word.len() > 256 && measure(&format!("{line} {start}")) > frame.width;
                let candidate = format!("{line} {word}");
                let width = if hopeless {
                    f64::INFINITY
                } else {
                    measure(&candidate)
                };
                if width <= frame.width {
                    (line, line_width) = (candidate, width);
                    continue;
                }
                if !push(
                    &mut lines,
                    std::mem::take(&mut line),
                    line_width,
                    LineEnd::Space,
                ) {
                    return None;
                }
            }
            let mut rest = word.as_str();
            loop {
                let (head, width) = longest_head(rest, frame.width, measure);
                if head.len() == rest.len() {
                    // The rest fits (or is one char wider than the line: not with the
                    // card's sizes).
                    (line, line_width) = (rest.to_string(), width);
                    break;
                }
                if !push(&mut lines, head.to_string(), width, LineEnd::MidWord) {
                    return None;
                }
                rest = &rest[head.len()..];
            }
        }
        let end = if i + 1 < paragraphs.len() {
            LineEnd::Paragraph
        } else {
            LineEnd::Last
        };
        if !push(&mut lines, line, line_width, end) {
            return None;
        }
    }
    Some(lines)
}

/// Where a word may be broken: between chars, not before a combining mark, a variation
/// selector or a zero-width joiner, nor after a joiner (a few ranges rather than the grapheme
/// tables, which would weigh on the chunk).
fn breakable(word: &str, at: usize) -> bool {
    let joins = |c: char| {
        matches!(c,
            '\u{300}'..='\u{36f}'
            | '\u{1ab0}'..='\u{1aff}'
            | '\u{1dc0}'..='\u{1dff}'
            | '\u{200d}'
            | '\u{20d0}'..='\u{20ff}'
            | '\u{fe00}'..='\u{fe0f}'
            | '\u{fe20}'..='\u{fe2f}'
            | '\u{e0100}'..='\u{e01ef}')
    };
    let next = word[at..].chars().next();
    let previous = word[..at].chars().next_back();
    next.is_some_and(|c| !joins(c)) && previous.is_some_and(|c| c != '\u{200d}')
}

/// The longest start of `word` no wider than `width` (else its first char and what joins it,
/// wider), and its width. A short word is tried whole first; then starts are tried doubling in
/// length, then halving the interval, so a word far longer than a line is not measured whole.
fn longest_head<'w>(word: &'w str, width: f64, measure: &dyn Fn(&str) -> f64) -> (&'w str, f64) {
    if word.len() <= 256 {
        let whole = measure(word);
        if whole <= width {
            return (word, whole);
        }
    }
    // The ends of the starts that may be tried, listed as far as the search goes.
    let mut more = word
        .char_indices()
        .map(|(i, _)| i)
        .filter(|&i| i > 0 && breakable(word, i))
        .chain([word.len()]);
    let mut ends = Vec::new();
    // The index `i` of `ends`, or the last one when there are fewer.
    let mut reach = |ends: &mut Vec<usize>, i: usize| {
        while ends.len() <= i {
            match more.next() {
                Some(end) => ends.push(end),
                None => break,
            }
        }
        i.min(ends.len() - 1)
    };
    let head = |end: usize| {
        let w = measure(&word[..end]);
        (w <= width, w)
    };
    reach(&mut ends, 0);
    let (first_fits, first_width) = head(ends[0]);
    if !first_fits {
        return (&word[..ends[0]], first_width);
    }
    // `best` fits; `over` (if any) does not.
    let (mut best, mut best_width, mut over) = (0, first_width, None);
    loop {
        let next = reach(&mut ends, 2 * best + 1);
        if next == best {
            break;
        }
        let (fits, w) = head(ends[next]);
        if !fits {
            over = Some(next);
            break;
        }
        (best, best_width) = (next, w);
    }
    if let Some(mut over) = over {
        while over - best > 1 {
            let mid = (best + over) / 2;
            match head(ends[mid]) {
                (true, w) => (best, best_width) = (mid, w),
                (false, _) => over = mid,
            }
        }
    }
    (&word[..ends[best]], best_width)
}

/// What a word keeps before « … »: its trailing punctuation and spaces go.
fn before_ellipsis(word: &str) -> &str {
    word.trim_end_matches(|c: char| {
        c.is_whitespace()
            || matches!(
                c,
                ',' | ';'
                    | ':'
                    | '.'
                    | '!'
                    | '?'
                    | '…'
                    | '—'
                    | '–'
                    | '-'
                    | '/'
                    | '('
                    | '['
                    | '«'
                    | '“'
                    | '‘'
                    | '\''
            )
    })
}

/// `paragraphs` laid out in `frame`, whole if they fit; else cut after as many whole words as
/// fit, with « … » (a word of punctuation alone is not one to stop after); else, when not even
/// the first word fits, cut inside it.
fn fit_block(
    paragraphs: &[Vec<&str>],
    open: &str,
    close: &str,
    frame: &Frame,
    measure: &dyn Fn(&str) -> f64,
) -> Fitted {
    if paragraphs.is_empty() {
        return Fitted::default();
    }
    if let Some(lines) = fill(&assemble(paragraphs, open, close), frame, measure) {
        return Fitted { lines, cut: false };
    }
    let all: Vec<&str> = paragraphs.iter().flatten().copied().collect();
    // Keeping the first `k` words, the last of them shortened.
    let cut_after = |k: usize, last: &str| -> Option<Vec<(String, f64, LineEnd)>> {
        let mut kept = Vec::new();
        let mut left = k;
        for paragraph in paragraphs {
            if left == 0 {
                break;
            }
            let take = left.min(paragraph.len());
            kept.push(paragraph[..take].to_vec());
            left -= take;
        }
        let ended = format!("{last}{ELLIPSIS}");
        if let Some(word) = kept.last_mut().and_then(|p| p.last_mut()) {
            *word = &ended;
        }
        fill(&assemble(&kept, open, close), frame, measure)
    };
    let stops: Vec<usize> = (1..all.len())
        .filter(|&k| {
            before_ellipsis(all[k - 1])
                .chars()
                .any(char::is_alphanumeric)
        })
        .collect();
    let (mut lo, mut hi) = (0, stops.len());
    let mut best = None;
    while lo < hi {
        let mid = (lo + hi) / 2;
        let k = stops[mid];
        match cut_after(k, before_ellipsis(all[k - 1])) {
            Some(lines) => {
                best = Some(lines);
                lo = mid + 1;
            }
            None => hi = mid,
        }
    }
    if let Some(lines) = best {
        return Fitted { lines, cut: true };
    }
    // Not one whole word fits: as much of the first as fits.
    let first = all[0];
    let cuts: Vec<usize> = first
        .char_indices()
        .map(|(i, _)| i)
        .filter(|&i| i > 0 && breakable(first, i))
        .collect();
    let (mut lo, mut hi) = (0, cuts.len());
    let mut best = None;
    while lo < hi {
        let mid = (lo + hi) / 2;
        match cut_after(1, &first[..cuts[mid]]) {
            Some(lines) => {
                best = Some(lines);
                lo = mid + 1;
            }
            None => hi = mid,
        }
    }
    // A frame too small for one char and « … » gets them anyway (not with the card's sizes).
    let lines = best.unwrap_or_else(|| {
        let head = cuts.first().map_or(first, |&c| &first[..c]);
        let text = format!("{open}{head}{ELLIPSIS}{close}");
        let width = measure(&text);
        vec![(text, width, LineEnd::Last)]
    });
    Fitted { lines, cut: true }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A proportional font: each char its own width, in ems.
    fn char_em(c: char) -> f64 {
        match c {
            'i' | 'l' | 'j' | 't' | 'f' | '.' | ',' | ';' | ':' | '!' | '’' | '\'' => 0.28,
            '\u{202f}' => 0.17,
            ' ' | '\u{a0}' | '\u{2009}' => 0.26,
            'm' | 'w' | 'M' | 'W' | '—' | '…' | 'œ' => 0.86,
            c if c.is_uppercase() => 0.68,
            _ => 0.52,
        }
    }

    fn proportional(text: &str, px: f64) -> f64 {
        text.chars().map(char_em).sum::<f64>() * px
    }

    fn monospace(text: &str, px: f64) -> f64 {
        text.chars().count() as f64 * 0.6 * px
    }

    fn measure_of(mono: bool) -> &'static dyn Fn(&str, f64) -> f64 {
        if mono {
            &monospace
        } else {
            &proportional
        }
    }

    fn card(quote: &str) -> CardText<'_> {
        CardText {
            quote,
            title: "L’attention, une ressource rare",
            author: Some("Camille Martin"),
            site: "Liseuse",
        }
    }

    /// The text the lines make again, their ends read as spaces, nothing and blank lines.
    fn rejoined(lines: &[Line]) -> String {
        let mut out = String::new();
        for line in lines {
            out.push_str(&line.text);
            out.push_str(match line.end {
                LineEnd::Space => " ",
                LineEnd::MidWord | LineEnd::Last => "",
                LineEnd::Paragraph => "\n\n",
            });
        }
        out
    }

    /// The first `n` words of `paragraphs`, the last replaced by `last`, as the card shows them.
    fn shown(paragraphs: &[Vec<String>], n: usize, last: &str) -> String {
        let mut left = n;
        let mut kept: Vec<Vec<&str>> = Vec::new();
        for p in paragraphs {
            if left == 0 {
                break;
            }
            let take = left.min(p.len());
            kept.push(p[..take].iter().map(String::as_str).collect());
            left -= take;
        }
        *kept.last_mut().unwrap().last_mut().unwrap() = last;
        kept.iter()
            .map(|p| p.join(" "))
            .collect::<Vec<_>>()
            .join("\n\n")
    }

    fn assemble_owned(paragraphs: &[Vec<String>]) -> Vec<Vec<String>> {
        let words: Vec<Vec<&str>> = paragraphs
            .iter()
            .map(|p| p.iter().map(String::as_str).collect())
            .collect();
        assemble(&words, OPEN, CLOSE)
    }

    fn area(l: &CardLayout, shape: CardShape) -> f64 {
        l.rule.y - shape.metrics().gap_quote_rule - l.margin_top
    }

    fn word() -> impl Strategy<Value = String> {
        prop_oneof![
            12 => "[a-zA-Zéèàçœ’]{1,11}[,.;]?",
            2 => "[a-zé]{1,7}\u{a0}[:]|[a-zé]{1,7}\u{202f}[;!?]",
            1 => "[—–:;,.!?]",
            1 => "[a-z0-9/._-]{25,140}",
        ]
    }

    /// Paragraphs of words, written with assorted spaces and blank lines between them.
    fn passage() -> impl Strategy<Value = (Vec<Vec<String>>, String)> {
        (
            prop::collection::vec(prop::collection::vec(word(), 1..70), 1..4),
            any::<u64>(),
        )
            .prop_map(|(paragraphs, seed)| {
                let spaces = [" ", " ", " ", "  ", "\n", " \t", "\u{2009}"];
                let blanks = ["\n\n", "\n\n\n", " \n\n ", "\r\n\r\n"];
                let mut pick = seed;
                let mut next = |n: usize| {
                    pick = pick
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    (pick >> 33) as usize % n
                };
                let mut text = String::from(if next(3) == 0 { " \n" } else { "" });
                for (i, p) in paragraphs.iter().enumerate() {
                    if i > 0 {
                        text.push_str(blanks[next(blanks.len())]);
                    }
                    for (j, w) in p.iter().enumerate() {
                        if j > 0 {
                            text.push_str(spaces[next(spaces.len())]);
                        }
                        text.push_str(w);
                    }
                }
                if next(3) == 0 {
                    text.push_str(" \n\n");
                }
                (paragraphs, text)
            })
    }

    fn shape() -> impl Strategy<Value = CardShape> {
        prop_oneof![Just(CardShape::Link), Just(CardShape::Square)]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        #[test]
        fn every_line_fits_the_box(
            (_, quote) in passage(),
            title in "[A-Za-zé’ ]{0,200}",
            author in proptest::option::of("[A-Za-zé ]{0,90}"),
            shape in shape(),
            mono in any::<bool>(),
        ) {
            let measure = measure_of(mono);
            let text = CardText { quote: &quote, title: &title, author: author.as_deref(), site: "Liseuse" };
            let l = layout(shape, &text, measure);
            let box_width = l.box_width();
            for line in &l.quote.lines {
                prop_assert!(measure(&line.text, l.quote.font_px) <= box_width, "{line:?}");
                prop_assert_eq!(line.x, l.margin_x);
            }
            prop_assert!(l.title.lines.len() <= 2);
            for line in &l.title.lines {
                prop_assert!(measure(&line.text, l.title.font_px) * BOLD_ALLOWANCE <= box_width);
            }
            let site = l.site.as_ref().unwrap();
            prop_assert!(site.x + site.width <= l.width as f64 - l.margin_x + 1e-9);
            if let Some(author) = &l.author {
                prop_assert!(author.x + measure(&author.text, l.meta_px) < site.x);
            }
        }

        #[test]
        fn lines_make_the_passage_again_up_to_the_cut(
            (paragraphs, quote) in passage(),
            shape in shape(),
            mono in any::<bool>(),
        ) {
            let l = layout(shape, &card(&quote), measure_of(mono));
            let text = rejoined(&l.quote.lines);
            let all: Vec<&String> = paragraphs.iter().flatten().collect();
            if !l.cut {
                let whole = shown(&paragraphs, all.len(), all[all.len() - 1]);
                prop_assert_eq!(text, format!("{OPEN}{whole}{CLOSE}"));
                return Ok(());
            }
            let kept = text
                .strip_prefix(OPEN)
                .and_then(|t| t.strip_suffix(&format!("{ELLIPSIS}{CLOSE}")))
                .expect("a cut passage ends with « … »");
            let n = kept.split("\n\n").flat_map(|p| p.split(' ')).count();
            let last = kept.split("\n\n").flat_map(|p| p.split(' ')).last().unwrap();
            prop_assert!(n < all.len() || last.len() < all[n - 1].len());
            prop_assert_eq!(kept, shown(&paragraphs, n, last));
            prop_assert!(all[n - 1].starts_with(last));
            let dropped = &all[n - 1][last.len()..];
            if dropped.chars().any(char::is_alphanumeric) {
                // Cut inside a word: only the first, when not even it fits.
                prop_assert_eq!(n, 1);
                let frame = quote_frame(l.quote.font_px, l.box_width(), area(&l, shape));
                let alone = vec![vec![format!("{OPEN}{}{ELLIPSIS}{CLOSE}", before_ellipsis(all[0]))]];
                let size = |t: &str| measure_of(mono)(t, l.quote.font_px);
                prop_assert!(fill(&alone, &frame, &size).is_none());
            } else {
                // After a whole word, its trailing punctuation dropped, never after a space or
                // punctuation alone.
                prop_assert!(last.chars().any(char::is_alphanumeric), "{last:?}");
                prop_assert!(!last.ends_with(char::is_whitespace));
                // As many words as fit: stopping at the next word to stop after does not.
                let next = (n + 1..all.len())
                    .find(|&k| before_ellipsis(all[k - 1]).chars().any(char::is_alphanumeric));
                if let Some(k) = next {
                    let longer = shown(&paragraphs, k, &format!("{}{ELLIPSIS}", before_ellipsis(all[k - 1])));
                    let longer: Vec<Vec<String>> = longer
                        .split("\n\n")
                        .map(|p| p.split(' ').map(String::from).collect())
                        .collect();
                    let frame = quote_frame(l.quote.font_px, l.box_width(), area(&l, shape));
                    let size = |t: &str| measure_of(mono)(t, l.quote.font_px);
                    prop_assert!(fill(&assemble_owned(&longer), &frame, &size).is_none());
                }
            }
        }

        #[test]
        fn the_size_is_the_largest_that_fits_else_the_smallest_with_a_cut(
            (paragraphs, quote) in passage(),
            shape in shape(),
            mono in any::<bool>(),
        ) {
            let measure = measure_of(mono);
            let l = layout(shape, &card(&quote), measure);
            let sizes: Vec<f64> = shape.quote_sizes().collect();
            prop_assert!(sizes.contains(&l.quote.font_px));
            let words: Vec<Vec<&str>> =
                paragraphs.iter().map(|p| p.iter().map(String::as_str).collect()).collect();
            let fits = |px: f64| {
                let frame = quote_frame(px, l.box_width(), area(&l, shape));
                fill(&assemble(&words, OPEN, CLOSE), &frame, &|t: &str| measure(t, px)).is_some()
            };
            if l.cut {
                prop_assert_eq!(l.quote.font_px, *sizes.last().unwrap());
                prop_assert!(!fits(l.quote.font_px));
            } else {
                prop_assert!(fits(l.quote.font_px));
                if l.quote.font_px < sizes[0] {
                    prop_assert!(!fits(l.quote.font_px + QUOTE_STEP));
                }
            }
        }

        #[test]
        fn the_blocks_are_in_order_within_the_margins(
            (_, quote) in passage(),
            title in "[A-Za-zé’ ]{0,200}",
            shape in shape(),
            mono in any::<bool>(),
        ) {
            let text = CardText { quote: &quote, title: &title, author: Some("Anne"), site: "Liseuse" };
            let l = layout(shape, &text, measure_of(mono));
            let (top, bottom) = l.quote.span().unwrap();
            prop_assert!(top >= l.margin_top);
            prop_assert!(bottom <= l.rule.y - shape.metrics().gap_quote_rule + 1e-6);
            for pair in l.quote.lines.windows(2).chain(l.title.lines.windows(2)) {
                prop_assert!(pair[0].y < pair[1].y);
            }
            let mut floor = l.rule.y + l.rule.height;
            if let Some((top, bottom)) = l.title.span() {
                prop_assert!(top >= floor);
                floor = bottom;
            }
            let meta_y = l.site.as_ref().unwrap().y;
            prop_assert!(meta_y - shape.metrics().meta_line / 2.0 >= floor);
            prop_assert!(meta_y + shape.metrics().meta_line / 2.0 <= l.height as f64 - l.margin_bottom + 1e-6);
        }

        #[test]
        fn any_text_is_laid_out(quote in "\\PC{0,400}", title in "\\PC{0,80}", shape in shape()) {
            let l = layout(shape, &card(&quote), &proportional);
            let l2 = layout(shape, &CardText { quote: &quote, title: &title, author: None, site: "" }, &monospace);
            prop_assert_eq!(l.is_empty(), quote.trim().is_empty());
            prop_assert_eq!(l2.is_empty(), quote.trim().is_empty());
        }
    }

    #[test]
    fn the_passage_is_between_guillemets_with_narrow_spaces() {
        let l = layout(
            CardShape::Link,
            &card("Lire, c’est choisir."),
            &proportional,
        );
        assert_eq!(l.quote.lines.len(), 1);
        assert_eq!(
            l.quote.lines[0].text,
            "«\u{202f}Lire, c’est choisir.\u{202f}»"
        );
        assert_eq!(l.quote.font_px, 56.0);
        assert!(!l.cut);
        assert_eq!(l.title.lines[0].text, "L’attention, une ressource rare");
        assert_eq!(l.author.unwrap().text, "Camille Martin");
        assert_eq!(l.site.unwrap().text, "Liseuse");
    }

    #[test]
    fn a_passage_selected_with_its_guillemets_gets_one_pair() {
        for quote in [
            "«\u{202f}Lire.\u{202f}»",
            "« Lire. »",
            "“Lire.”",
            "\"Lire.\"",
        ] {
            let l = layout(CardShape::Link, &card(quote), &proportional);
            assert_eq!(
                rejoined(&l.quote.lines),
                "«\u{202f}Lire.\u{202f}»",
                "{quote}"
            );
        }
        let two = "« Oui » et « non »";
        let l = layout(CardShape::Link, &card(two), &proportional);
        assert_eq!(rejoined(&l.quote.lines), format!("{OPEN}{two}{CLOSE}"));
    }

    #[test]
    fn paragraphs_stay_apart_with_a_gap() {
        let l = layout(
            CardShape::Square,
            &card("Premier.\n\nSecond\ntexte."),
            &proportional,
        );
        let lines = &l.quote.lines;
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].text, "«\u{202f}Premier.");
        assert_eq!(lines[0].end, LineEnd::Paragraph);
        assert_eq!(lines[1].text, "Second texte.\u{202f}»");
        assert_eq!(lines[1].end, LineEnd::Last);
        let gap = lines[1].y - lines[0].y - l.quote.line_height;
        assert_eq!(gap, (l.quote.font_px * PARAGRAPH_GAP).round());
    }

    #[test]
    fn no_break_spaces_keep_their_sign_with_the_word() {
        let quote = "Il demande\u{a0}: pourquoi\u{202f}? ".repeat(30);
        let l = layout(CardShape::Link, &card(&quote), &monospace);
        for line in &l.quote.lines {
            let first = line.text.chars().next().unwrap();
            assert!(
                !matches!(first, ':' | '?' | '\u{a0}' | '\u{202f}'),
                "{line:?}"
            );
        }
    }

    #[test]
    fn an_empty_passage_leaves_the_card_without_lines() {
        for quote in ["", "  ", "\n\n \u{a0}\u{202f}\t"] {
            for shape in CardShape::ALL {
                let l = layout(shape, &card(quote), &proportional);
                assert!(l.is_empty());
                assert!(!l.cut);
                assert!(l.quote.span().is_none());
                assert_eq!(l.title.lines.len(), 1);
                assert!(l.site.is_some());
            }
        }
        let bare = CardText {
            quote: "",
            title: "",
            author: None,
            site: "",
        };
        let l = layout(CardShape::Link, &bare, &proportional);
        assert!(l.title.lines.is_empty() && l.author.is_none() && l.site.is_none());
        assert_eq!(l.rule.y + l.rule.height, 627.0 - l.margin_bottom);
    }

    #[test]
    fn a_long_passage_is_set_smaller_then_cut_after_a_word() {
        let sentence = "La lecture lente demande du temps, de l’attention et un peu de silence. ";
        let medium = sentence.repeat(3);
        let l = layout(CardShape::Link, &card(&medium), &proportional);
        assert!(!l.cut);
        assert!(l.quote.font_px < 56.0 && l.quote.font_px > 32.0);

        let long = sentence.repeat(40);
        let l = layout(CardShape::Link, &card(&long), &proportional);
        assert!(l.cut);
        assert_eq!(l.quote.font_px, 32.0);
        let last = &l.quote.lines.last().unwrap().text;
        assert!(last.ends_with("…\u{202f}»"), "{last}");
        let before = last.trim_end_matches("…\u{202f}»");
        assert!(before.ends_with(char::is_alphanumeric), "{last}");
    }

    #[test]
    fn the_square_holds_more_lines() {
        let passage =
            "La lecture lente demande du temps, de l’attention et un peu de silence. ".repeat(6);
        let link = layout(CardShape::Link, &card(&passage), &proportional);
        let square = layout(CardShape::Square, &card(&passage), &proportional);
        assert!(!square.cut);
        assert!(square.quote.lines.len() > link.quote.lines.len());
        let long = passage.repeat(10);
        let link = layout(CardShape::Link, &card(&long), &proportional);
        let square = layout(CardShape::Square, &card(&long), &proportional);
        assert!(link.cut && square.cut);
        assert!(rejoined(&square.quote.lines).len() > rejoined(&link.quote.lines).len());
    }

    #[test]
    fn a_word_wider_than_the_box_is_broken_and_a_huge_one_cut() {
        let url = format!("https://exemple.fr/{}", "abcdefghij".repeat(12));
        let l = layout(
            CardShape::Link,
            &card(&format!("Voir {url} pour tout.")),
            &monospace,
        );
        assert!(!l.cut);
        assert!(l
            .quote
            .lines
            .iter()
            .any(|line| line.end == LineEnd::MidWord));
        assert!(rejoined(&l.quote.lines).contains(&url));

        let huge = "x".repeat(5000);
        let l = layout(CardShape::Square, &card(&huge), &monospace);
        assert!(l.cut);
        let text = rejoined(&l.quote.lines);
        assert!(text.starts_with("«\u{202f}xxx") && text.ends_with("x…\u{202f}»"));
    }

    /// A word far longer than the card is measured by parts, never whole: `measureText` on
    /// 50 000 chars, at each try, would take seconds.
    #[test]
    fn a_huge_word_is_measured_by_parts() {
        let measured = std::cell::Cell::new(0usize);
        let counting = |t: &str, px: f64| {
            measured.set(measured.get() + t.len());
            proportional(t, px)
        };
        for quote in [
            "x".repeat(50_000),
            format!("Voir {} et la suite", "y".repeat(30_000)),
        ] {
            for shape in CardShape::ALL {
                measured.set(0);
                let l = layout(shape, &card(&quote), &counting);
                assert!(l.cut);
                assert!(measured.get() < 400_000, "{shape:?}: {}", measured.get());
            }
        }
    }

    #[test]
    fn words_are_not_broken_before_a_combining_mark() {
        let word = "e\u{301}".repeat(200);
        let l = layout(CardShape::Link, &card(&word), &monospace);
        for line in &l.quote.lines {
            assert!(!line.text.starts_with('\u{301}'));
        }
    }

    #[test]
    fn a_long_title_takes_two_lines_and_a_cut() {
        let title = "Pourquoi l’attention est devenue la ressource la plus disputée ".repeat(4);
        let text = CardText {
            quote: "Oui.",
            title: &title,
            author: None,
            site: "Liseuse",
        };
        for shape in CardShape::ALL {
            let l = layout(shape, &text, &proportional);
            assert_eq!(l.title.lines.len(), 2);
            let last = &l.title.lines[1].text;
            assert!(last.ends_with('…') && !last.ends_with(" …"), "{last}");
            assert!(l.title.lines[0].text.starts_with("Pourquoi l’attention"));
        }
    }

    #[test]
    fn a_long_author_is_cut_before_the_site() {
        let author = "Marie-Hélène de la Tour d’Auvergne et Jean-Baptiste ".repeat(4);
        let text = CardText {
            author: Some(&author),
            ..card("Oui.")
        };
        let l = layout(CardShape::Link, &text, &proportional);
        let (author, site) = (l.author.unwrap(), l.site.unwrap());
        assert!(author.text.ends_with('…'));
        assert!(author.x + author.width < site.x);
    }

    #[test]
    fn shapes_sizes_labels_and_file_names() {
        assert_eq!(CardShape::Link.size(), (1200, 627));
        assert_eq!(CardShape::Square.size(), (1080, 1080));
        assert_eq!(CardShape::Link.label_fr(), "Image 1200\u{a0}×\u{a0}627");
        assert_eq!(
            CardShape::Square.label_fr(),
            "Image carrée 1080\u{a0}×\u{a0}1080"
        );
        assert_eq!(
            CardShape::Link.file_name("lecture-lente"),
            "citation-lecture-lente-1200x627.png"
        );
        assert_eq!(
            CardShape::Square.file_name("a/b c"),
            "citation-a-b-c-1080x1080.png"
        );
        assert_eq!(CardShape::Square.file_name(""), "citation-1080x1080.png");
        let sizes: Vec<f64> = CardShape::Link.quote_sizes().collect();
        assert_eq!((sizes[0], *sizes.last().unwrap()), (56.0, 32.0));
    }

    #[test]
    fn themes_follow_the_display_setting() {
        use crate::settings::{Choice, Theme};
        for theme in CardTheme::ALL {
            let setting = Theme::named(Some(theme.name()));
            assert_eq!(CardTheme::of(setting, false), theme);
            assert_eq!(CardTheme::of(setting, true), theme);
        }
        assert_eq!(CardTheme::of(Theme::Systeme, false), CardTheme::Clair);
        assert_eq!(CardTheme::of(Theme::Systeme, true), CardTheme::Sombre);
        assert_eq!(CardTheme::Sepia.label_fr(), "Sépia");
    }

    /// The colours are those `style/main.css` gives each theme.
    #[test]
    fn palettes_are_the_stylesheets() {
        let css = include_str!("../style/main.css");
        for theme in CardTheme::ALL {
            let start = css
                .find(&format!("[data-theme=\"{}\"]", theme.name()))
                .unwrap();
            let rules = &css[start..start + css[start..].find('}').unwrap()];
            let var = |name: &str| {
                let at = rules.find(&format!("{name}:")).unwrap() + name.len() + 1;
                rules[at..rules[at..].find(';').unwrap() + at]
                    .trim()
                    .to_string()
            };
            let p = theme.palette();
            assert_eq!(p.background, var("--bg"), "{theme:?}");
            assert_eq!(p.text, var("--fg"), "{theme:?}");
            assert_eq!(p.muted, var("--muted"), "{theme:?}");
            assert_eq!(p.accent, var("--accent"), "{theme:?}");
            assert_eq!(p.rule, var("--line"), "{theme:?}");
        }
        let flat = css.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(flat.contains(&format!("--font-serif: {FONT_STACK};")));
    }
}
