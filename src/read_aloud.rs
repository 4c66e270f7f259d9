//! Reading an article aloud, as pure data: what is said (its sentences, in order, each in its
//! text block), where a request to listen starts, how « précédent » and « suivant » move (by
//! paragraph), the speeds offered and the voice chosen. The browser part is `view::listen`.

use crate::sentences::sentences;
use std::ops::Range;

/// One sentence to speak: its chars in the plain text (spaces trimmed) and the start offset
/// of its text block (the reading position is kept by block).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub range: Range<usize>,
    pub block: usize,
}

/// A line longer than this is said in parts, cut after a comma, semicolon or colon: Chromium's
/// network voices stop an utterance after about 15 seconds without a word, and a sentence of
/// 300 chars at 0.75× takes longer than that.
pub const LONGEST_LINE: usize = 200;

/// The sentences of an article to speak, in reading order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Script {
    pub lines: Vec<Line>,
}

impl Script {
    /// `blocks`: the start offsets of the article's text blocks, in order (the first is 0).
    /// Pieces with nothing to say (spaces, separators, punctuation alone) are left out.
    pub fn new(text: &str, blocks: &[usize]) -> Script {
        let chars: Vec<char> = text.chars().collect();
        let lines = sentences(text)
            .into_iter()
            .filter_map(|range| {
                let piece = &chars[range.clone()];
                if !piece.iter().any(|c| c.is_alphanumeric()) {
                    return None;
                }
                let lead = piece.iter().take_while(|c| c.is_whitespace()).count();
                let trail = piece.iter().rev().take_while(|c| c.is_whitespace()).count();
                let range = range.start + lead..range.end - trail;
                let block = blocks[..blocks.partition_point(|&b| b <= range.start)]
                    .last()
                    .copied()
                    .unwrap_or(0);
                Some(Line { range, block })
            })
            .flat_map(|line| cut_long(&chars, line))
            .collect();
        Script { lines }
    }

    /// The line to start from for a request at `offset`: the one holding it, else the next one
    /// (an offset between sentences), else the last.
    pub fn line_at(&self, offset: usize) -> Option<usize> {
        if self.lines.is_empty() {
            return None;
        }
        let after = self.lines.partition_point(|l| l.range.end <= offset);
        Some(after.min(self.lines.len() - 1))
    }

    /// The first line of the next block; `None` from the last block.
    pub fn next_block(&self, line: usize) -> Option<usize> {
        let block = self.lines.get(line)?.block;
        let next = line
            + self.lines[line..]
                .iter()
                .take_while(|l| l.block == block)
                .count();
        (next < self.lines.len()).then_some(next)
    }

    /// The first line of the block before `line`'s; the first line of all from the first block.
    pub fn previous_block(&self, line: usize) -> usize {
        let Some(current) = self.lines.get(line) else {
            return 0;
        };
        let start = self.block_start(line);
        if start == 0 {
            return 0;
        }
        let previous = self.lines[start - 1].block;
        debug_assert_ne!(previous, current.block);
        self.block_start(start - 1)
    }

    fn block_start(&self, line: usize) -> usize {
        let block = self.lines[line].block;
        line - self.lines[..line]
            .iter()
            .rev()
            .take_while(|l| l.block == block)
            .count()
    }

    /// What line `line` says.
    pub fn text(&self, chars: &[char], line: usize) -> String {
        self.lines
            .get(line)
            .map(|l| chars[l.range.clone()].iter().collect())
            .unwrap_or_default()
    }
}

/// `line` in parts of at most [`LONGEST_LINE`] chars where it has a place to cut (after
/// `, ; :` and a space, the space left out); as it is where it has none.
fn cut_long(chars: &[char], line: Line) -> Vec<Line> {
    let mut parts = Vec::new();
    let mut start = line.range.start;
    while line.range.end - start > LONGEST_LINE {
        let cut = (start + LONGEST_LINE / 3..start + LONGEST_LINE)
            .rev()
            .find(|&i| matches!(chars[i], ',' | ';' | ':') && chars[i + 1].is_whitespace());
        let Some(cut) = cut else {
            break;
        };
        parts.push(Line {
            range: start..cut + 1,
            block: line.block,
        });
        start = cut + 1;
        while chars[start].is_whitespace() {
            start += 1;
        }
    }
    parts.push(Line {
        range: start..line.range.end,
        block: line.block,
    });
    parts
}

/// The speeds offered, in percent of the voice's normal rate, with their French label.
pub const RATES: [(u16, &str); 6] = [
    (75, "0,75×"),
    (100, "1×"),
    (125, "1,25×"),
    (150, "1,5×"),
    (175, "1,75×"),
    (200, "2×"),
];

pub const DEFAULT_RATE: u16 = 100;

/// The offered speed nearest to `percent` (a stored value from another version).
pub fn nearest_rate(percent: i64) -> u16 {
    RATES
        .iter()
        .map(|&(r, _)| r)
        .min_by_key(|&r| (i64::from(r) - percent).abs())
        .unwrap_or(DEFAULT_RATE)
}

/// A voice the device offers, as the choice needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Voice {
    /// Its `voiceURI`: what is stored to pick it again.
    pub id: String,
    pub name: String,
    /// BCP 47, e.g. `fr-FR` (some systems write `fr_FR`).
    pub lang: String,
    /// On the device (works offline), not a network voice.
    pub local: bool,
    /// The system's default voice.
    pub default: bool,
}

impl Voice {
    pub fn is_french(&self) -> bool {
        self.lang
            .get(..2)
            .is_some_and(|l| l.eq_ignore_ascii_case("fr"))
    }
}

/// The voice to read with: the one the reader picked if the device still has it, else a
/// French voice, local first (it works offline), then the system's default among them, then
/// France's French before other French. `None`: no French voice and none picked.
pub fn choose_voice(voices: &[Voice], picked: Option<&str>) -> Option<usize> {
    if let Some(i) = picked.and_then(|id| voices.iter().position(|v| v.id == id)) {
        return Some(i);
    }
    voices
        .iter()
        .enumerate()
        .filter(|(_, v)| v.is_french())
        .max_by_key(|(i, v)| {
            let france = v
                .lang
                .get(3..)
                .is_some_and(|r| r.eq_ignore_ascii_case("fr"));
            // Earlier in the system's list wins a tie.
            (v.local, v.default, france, usize::MAX - i)
        })
        .map(|(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const TEXT: &str =
        "Un titre\n\nPremière phrase. Deuxième phrase\u{202f}! Troisième.\n\nDernier bloc, seul.";

    fn blocks(text: &str) -> Vec<usize> {
        let chars: Vec<char> = text.chars().collect();
        let mut starts = vec![0];
        for i in 1..chars.len() {
            if chars[i - 1] == '\n' && chars[i] != '\n' {
                starts.push(i);
            }
        }
        starts
    }

    fn said(script: &Script, text: &str) -> Vec<String> {
        let chars: Vec<char> = text.chars().collect();
        (0..script.lines.len())
            .map(|i| script.text(&chars, i))
            .collect()
    }

    #[test]
    fn sentences_are_said_trimmed_in_their_blocks() {
        let script = Script::new(TEXT, &blocks(TEXT));
        assert_eq!(
            said(&script, TEXT),
            [
                "Un titre",
                "Première phrase.",
                "Deuxième phrase\u{202f}!",
                "Troisième.",
                "Dernier bloc, seul."
            ]
        );
        let blocks: Vec<usize> = script.lines.iter().map(|l| l.block).collect();
        assert_eq!(blocks, [0, 10, 10, 10, 57]);
    }

    #[test]
    fn paragraphs_move_back_and_forth() {
        let script = Script::new(TEXT, &blocks(TEXT));
        assert_eq!(script.next_block(0), Some(1));
        assert_eq!(script.next_block(2), Some(4));
        assert_eq!(script.next_block(4), None);
        assert_eq!(script.previous_block(3), 0);
        assert_eq!(script.previous_block(4), 1);
        assert_eq!(script.previous_block(1), 0);
        assert_eq!(script.previous_block(0), 0);
    }

    #[test]
    fn a_request_starts_at_the_sentence_holding_it() {
        let script = Script::new(TEXT, &blocks(TEXT));
        assert_eq!(script.line_at(0), Some(0));
        // Inside « Deuxième phrase ».
        assert_eq!(script.line_at(30), Some(2));
        // On the separator after the title: the next sentence.
        assert_eq!(script.line_at(8), Some(1));
        assert_eq!(script.line_at(10_000), Some(4));
        assert_eq!(Script::new("", &[0]).line_at(0), None);
        assert_eq!(Script::new(" … ", &[0]).lines, []);
    }

    #[test]
    fn long_sentences_are_said_in_parts() {
        let clause = "une proposition assez longue pour compter";
        let long = format!("{}.", [clause; 12].join(", "));
        let script = Script::new(&long, &[0]);
        assert!(script.lines.len() > 1);
        let said = said(&script, &long);
        assert!(said.iter().all(|l| l.chars().count() <= LONGEST_LINE));
        assert!(said[..said.len() - 1].iter().all(|l| l.ends_with(',')));
        assert_eq!(said.join(" "), long);
        // With nowhere to cut, it stays whole.
        let word = format!("{}.", "a".repeat(300));
        assert_eq!(Script::new(&word, &[0]).lines.len(), 1);
    }

    #[test]
    fn rates_snap_to_the_offered_ones() {
        assert_eq!(nearest_rate(100), 100);
        assert_eq!(nearest_rate(130), 125);
        assert_eq!(nearest_rate(10), 75);
        assert_eq!(nearest_rate(900), 200);
    }

    fn voice(id: &str, lang: &str, local: bool, default: bool) -> Voice {
        Voice {
            id: id.into(),
            name: id.into(),
            lang: lang.into(),
            local,
            default,
        }
    }

    #[test]
    fn a_local_french_voice_is_preferred() {
        let voices = [
            voice("en", "en-US", true, true),
            voice("google", "fr-FR", false, false),
            voice("amelie", "fr-CA", true, false),
            voice("thomas", "fr_FR", true, false),
        ];
        assert_eq!(choose_voice(&voices, None), Some(3));
        // The reader's pick wins, French or not; a pick the device lost falls back.
        assert_eq!(choose_voice(&voices, Some("en")), Some(0));
        assert_eq!(choose_voice(&voices, Some("gone")), Some(3));
        assert_eq!(choose_voice(&voices[..1], None), None);
        assert_eq!(choose_voice(&[], None), None);
    }

    proptest! {
        #[test]
        fn lines_are_in_order_inside_their_block(
            parts in proptest::collection::vec("[a-zé ]{0,12}[.!?]? ?", 0..20),
            breaks in proptest::collection::vec(any::<bool>(), 20),
        ) {
            let mut text = String::new();
            for (i, part) in parts.iter().enumerate() {
                text.push_str(part);
                if breaks[i] { text.push_str("\n\n"); }
            }
            let blocks = blocks(&text);
            let script = Script::new(&text, &blocks);
            let chars: Vec<char> = text.chars().collect();
            let mut end = 0;
            for (i, line) in script.lines.iter().enumerate() {
                prop_assert!(line.range.start >= end && line.range.start < line.range.end);
                end = line.range.end;
                let said = script.text(&chars, i);
                prop_assert!(!said.contains("\n\n"));
                prop_assert_eq!(said.trim(), said.as_str());
                prop_assert!(blocks.contains(&line.block) && line.block <= line.range.start);
                prop_assert_eq!(script.line_at(line.range.start), Some(i));
                if let Some(next) = script.next_block(i) {
                    prop_assert!(script.lines[next].block > line.block);
                    prop_assert_eq!(script.previous_block(next) <= i, true);
                }
            }
        }
    }
}
