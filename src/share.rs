//! Pure: a link to a passage of an article, and the text that goes with it.
//!
//! A link carries the passage twice in its fragment, `#p=…:~:text=…`:
//! - `:~:text=…` is a text fragment, which browsers follow on their own (Chromium, Safari 16.1+,
//!   Firefox 131+): the static copy of the page is scrolled to the passage and marked before,
//!   and without, the app. Browsers hide it from the page, so the app cannot read it.
//! - `p=…`, before it, is the app's own: the passage's place and quote, found again after the
//!   article is edited the way a highlight is (`notes::anchor`), or shown as words when it
//!   cannot be.
//!
//! A text fragment names its passage by words, and the browser takes the first place in the
//! page where they occur: [`text_directive`] adds words (of the passage, then around it) until
//! the first match in the page is the passage itself, checked by [`first_match`], which follows
//! the algorithm of the specification with looser comparisons than any browser's (case,
//! accents, word boundaries), so that a first match here is a first match there.

use crate::{
    fold::fold_char,
    notes::{
        anchor::Anchorer,
        model::{TextPosition, TextQuote},
    },
    paths::percent_decode,
};
use std::ops::Range;

/// Chars of context kept on each side of the passage in a link (fewer than a highlight keeps:
/// links are read by people, and 8 already make evidence, `anchor::CONTEXT_EVIDENCE`).
pub const CONTEXT_CHARS: usize = 16;

/// A passage up to this many chars goes whole into the app's part of a link; a longer one as
/// its first and last [`END_CHARS`], each long enough to be found again on its own.
pub const WHOLE_MAX: usize = 240;
pub const END_CHARS: usize = 100;

/// The app's part of a link's fragment starts with this (`#p=…`).
pub const FRAGMENT_KEY: &str = "p=";

/// A shared passage as the app's part of a link holds it: where it was and what it said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pointer {
    /// Where the passage was, in chars of the article's plain text (`end` exclusive).
    pub start: usize,
    pub end: usize,
    pub prefix: String,
    /// The whole passage, or its first [`END_CHARS`] when `tail` is not empty.
    pub head: String,
    /// The passage's last [`END_CHARS`], for a long one; empty otherwise.
    pub tail: String,
    pub suffix: String,
}

impl Pointer {
    /// The pointer to `chars[start..end]`, a passage already snapped to words.
    pub fn new(chars: &[char], start: usize, end: usize) -> Pointer {
        let end = end.min(chars.len());
        let start = start.min(end);
        let text = |r: Range<usize>| chars[r].iter().collect::<String>();
        let (head, tail) = if end - start <= WHOLE_MAX {
            (text(start..end), String::new())
        } else {
            (text(start..start + END_CHARS), text(end - END_CHARS..end))
        };
        Pointer {
            start,
            end,
            prefix: text(start.saturating_sub(CONTEXT_CHARS)..start),
            head,
            tail,
            suffix: text(end..(end + CONTEXT_CHARS).min(chars.len())),
        }
    }

    /// `p=<start>-<end>,<prefix>,<head>,<tail>,<suffix>`, each text percent-encoded.
    pub fn fragment(&self) -> String {
        format!(
            "{FRAGMENT_KEY}{}-{},{},{},{},{}",
            self.start,
            self.end,
            encode(&self.prefix),
            encode(&self.head),
            encode(&self.tail),
            encode(&self.suffix)
        )
    }

    /// The pointer in a fragment (`p=…`, without its `#`; whatever follows a `:~:`, which
    /// browsers without text fragments leave in, is not the app's). `None`: not a pointer, or
    /// a damaged one.
    pub fn parse(fragment: &str) -> Option<Pointer> {
        let own = fragment.split(":~:").next()?;
        let rest = own.strip_prefix(FRAGMENT_KEY)?;
        let mut fields = rest.split(',');
        let (start, end) = fields.next()?.split_once('-')?;
        let (start, end) = (start.parse::<usize>().ok()?, end.parse::<usize>().ok()?);
        let mut text = || -> Option<String> {
            let field = fields.next()?;
            // A link is typed or pasted by people; a field this long is not ours.
            (field.len() <= 4 * 3 * WHOLE_MAX).then_some(())?;
            percent_decode(field)
        };
        let (prefix, head, tail, suffix) = (text()?, text()?, text()?, text()?);
        if fields.next().is_some() || start >= end || head.trim().is_empty() {
            return None;
        }
        Some(Pointer {
            start,
            end,
            prefix,
            head,
            tail,
            suffix,
        })
    }

    /// The passage's words as the link gave them: shown when the article no longer has them.
    pub fn words(&self) -> String {
        if self.tail.is_empty() {
            self.head.clone()
        } else {
            format!("{} […] {}", self.head.trim_end(), self.tail.trim_start())
        }
    }

    /// Where the passage is in the article's text now: at its place, or found again after an
    /// edit as a highlight would be; `None` when it cannot be told apart any more.
    pub fn locate(&self, anchorer: &Anchorer) -> Option<Range<usize>> {
        let len = anchorer.chars().len();
        let place = |start: usize, end: usize| TextPosition {
            start: start.min(len),
            end: end.min(len),
            ..Default::default()
        };
        if self.tail.is_empty() {
            let quote = TextQuote {
                exact: self.head.clone(),
                prefix: self.prefix.clone(),
                suffix: self.suffix.clone(),
                ..Default::default()
            };
            return anchorer
                .anchor(&quote, &place(self.start, self.end))
                .range();
        }
        let (head_len, tail_len) = (self.head.chars().count(), self.tail.chars().count());
        let head = TextQuote {
            exact: self.head.clone(),
            prefix: self.prefix.clone(),
            suffix: String::new(),
            ..Default::default()
        };
        let tail = TextQuote {
            exact: self.tail.clone(),
            prefix: String::new(),
            suffix: self.suffix.clone(),
            ..Default::default()
        };
        let head = anchorer
            .anchor(&head, &place(self.start, self.start + head_len))
            .range()?;
        let tail = anchorer
            .anchor(&tail, &place(self.end.saturating_sub(tail_len), self.end))
            .range()?;
        // Both ends found, in order, and about as far apart as they were: the passage.
        let (was, is) = (self.end - self.start, tail.end.saturating_sub(head.start));
        (head.start <= tail.start && is * 2 >= was && is <= was * 2).then_some(head.start..tail.end)
    }
}

/// The passage `start..end` (chars) widened to whole words and without the white space at its
/// ends: a text fragment only matches whole words, and a quote does not start within one.
/// `None` if it holds no word.
pub fn snap_to_words(chars: &[char], start: usize, end: usize) -> Option<Range<usize>> {
    let end = end.min(chars.len());
    let mut start = start.min(end);
    let mut end = end;
    while start < end && chars[start].is_whitespace() {
        start += 1;
    }
    while end > start && chars[end - 1].is_whitespace() {
        end -= 1;
    }
    if start == end {
        return None;
    }
    while start > 0 && !chars[start - 1].is_whitespace() {
        start -= 1;
    }
    while end < chars.len() && !chars[end].is_whitespace() {
        end += 1;
    }
    Some(start..end)
}

/// The passage as a French quotation: between « and », each paragraph after the first opened
/// again with «, as French typography quotes several paragraphs.
pub fn quotation(exact: &str) -> String {
    let paragraphs: Vec<&str> = crate::card::unquoted(exact)
        .split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    format!("«\u{202F}{}\u{202F}»", paragraphs.join("\n\n«\u{202F}"))
}

/// Who and what is quoted, after the quotation: `— Title, par Author`.
pub fn attribution(title: &str, author: Option<&str>) -> String {
    match author.filter(|a| !a.trim().is_empty()) {
        Some(author) => format!("— {title}, par {author}"),
        None => format!("— {title}"),
    }
}

/// What « Copier la citation » puts on the clipboard: the quotation, who and what it quotes,
/// the link; and the reader's note, only when asked to join it.
pub fn citation(
    exact: &str,
    title: &str,
    author: Option<&str>,
    url: &str,
    note: Option<&str>,
) -> String {
    let mut out = format!(
        "{}\n{}\n{url}",
        quotation(exact),
        attribution(title, author)
    );
    if let Some(note) = note.map(str::trim).filter(|n| !n.is_empty()) {
        out.push_str("\n\nMa note\u{a0}: ");
        out.push_str(note);
    }
    out
}

/// A link to the passage: `page` (the article's address, without a fragment), the app's
/// pointer, and the text fragment browsers follow (`directive`, from [`text_directive`]).
pub fn link(page: &str, pointer: &Pointer, directive: &str) -> String {
    format!("{page}#{}:~:{directive}", pointer.fragment())
}

/// Percent-encodes everything but ASCII letters, digits and `.` `_` `~` `!` `*` `'` `(` `)`:
/// what is left means nothing to a URL's fragment, to a text directive (`-` `,` `&`), nor to the
/// app's pointer (`,`, and `:~:`, which ends it).
pub fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"._~!*'()".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// A text directive's terms: `[prefix-,]start[,end][,-suffix]`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Directive {
    pub prefix: Option<String>,
    pub start: String,
    pub end: Option<String>,
    pub suffix: Option<String>,
}

impl Directive {
    /// `text=…`, what follows `:~:` in a link.
    pub fn encoded(&self) -> String {
        let mut out = String::from("text=");
        if let Some(prefix) = &self.prefix {
            out.push_str(&encode(prefix));
            out.push_str("-,");
        }
        out.push_str(&encode(&self.start));
        if let Some(end) = &self.end {
            out.push(',');
            out.push_str(&encode(end));
        }
        if let Some(suffix) = &self.suffix {
            out.push_str(",-");
            out.push_str(&encode(suffix));
        }
        out
    }
}

/// The most words a term of a text directive takes; the most words of context on one side.
const MAX_TERM_WORDS: usize = 8;
const MAX_CONTEXT_WORDS: usize = 8;
/// A passage of one block with at most this many words (and chars) is named whole.
const WHOLE_TERM_WORDS: usize = 8;
const WHOLE_TERM_CHARS: usize = 80;

/// The text directive (`text=…`) whose first match in the page is `passage`, a range of the
/// article's plain text (blocks separated by `"\n\n"`) snapped to words. `before` is the text
/// of the page that comes before the article's body (header, title, byline), block by block:
/// a match there would come first. When no directive within the limits is the passage's alone,
/// the most precise one tried (the app's pointer still finds the passage).
pub fn text_directive(text: &str, passage: Range<usize>, before: &[&str]) -> Directive {
    let chars: Vec<char> = text.chars().collect();
    let page = Page::new(&chars, before);
    let words = words_of(&chars);
    let inside: Vec<&Word> = words
        .iter()
        .filter(|w| w.span.start >= passage.start && w.span.end <= passage.end)
        .collect();
    let (Some(first), Some(last)) = (inside.first(), inside.last()) else {
        return Directive {
            start: chars[passage].iter().collect(),
            ..Directive::default()
        };
    };
    let first_block = first.block;
    let last_block = last.block;
    let in_first = inside.iter().take_while(|w| w.block == first_block).count();
    let in_last = inside
        .iter()
        .rev()
        .take_while(|w| w.block == last_block)
        .count();
    // Context is taken from the nearest block before and after that has words (the passage's own
    // when it does not start or end one): a browser skips the white space, block ends included,
    // between a prefix and the passage; each term stays within one block.
    let before_block = words
        .iter()
        .rev()
        .find(|w| w.span.end <= passage.start)
        .map(|w| w.block);
    let after_block = words
        .iter()
        .find(|w| w.span.start >= passage.end)
        .map(|w| w.block);
    let prefix_words: Vec<&Word> = words
        .iter()
        .filter(|w| Some(w.block) == before_block && w.span.end <= passage.start)
        .collect();
    let suffix_words: Vec<&Word> = words
        .iter()
        .filter(|w| Some(w.block) == after_block && w.span.start >= passage.end)
        .collect();
    let slice = |from: &Word, to: &Word| chars[from.span.start..to.span.end].iter().collect();
    let context = |n: usize| -> (Option<String>, Option<String>) {
        let prefix = (n > 0 && !prefix_words.is_empty()).then(|| {
            let from = prefix_words.len().saturating_sub(n);
            slice(prefix_words[from], prefix_words[prefix_words.len() - 1])
        });
        let suffix = (n > 0 && !suffix_words.is_empty())
            .then(|| slice(suffix_words[0], suffix_words[n.min(suffix_words.len()) - 1]));
        (prefix, suffix)
    };
    // Candidates: (words of start, words of end (0: the passage whole), words of context),
    // without context first, then the shortest. Terms of fewer than 3 words only where the
    // passage has no more: « la,art » would land, but nobody could read it.
    let mut candidates = Vec::new();
    for n in 0..=MAX_CONTEXT_WORDS {
        if first_block == last_block {
            let words = inside.len();
            let short = words <= WHOLE_TERM_WORDS && passage.len() <= WHOLE_TERM_CHARS;
            candidates.push(((n, if short { words } else { 100 + words }), (words, 0, n)));
        }
        for s in in_first.min(3)..=in_first.min(MAX_TERM_WORDS) {
            for e in in_last.min(3)..=in_last.min(MAX_TERM_WORDS) {
                if s + e <= inside.len() {
                    candidates.push(((n, s + e), (s, e, n)));
                }
            }
        }
    }
    candidates.sort_by_key(|&(key, _)| key);
    let target = page.folded_range(passage.clone());
    let mut best = None;
    for (_, (s, e, n)) in candidates {
        let (prefix, suffix) = context(n);
        if n > 0 && prefix.is_none() && suffix.is_none() {
            continue;
        }
        let directive = Directive {
            prefix,
            start: slice(inside[0], inside[s - 1]),
            end: (e > 0).then(|| slice(inside[inside.len() - e], inside[inside.len() - 1])),
            suffix,
        };
        if first_match(&page, &directive) == Some(target.clone()) {
            return directive;
        }
        best = Some(directive);
    }
    best.unwrap_or_default()
}

/// Where a browser's search for `directive` lands first in `page` (folded offsets): the steps of
/// the specification's « find a range from a text directive », with a comparison that matches
/// at least wherever a browser's does.
fn first_match(page: &Page, directive: &Directive) -> Option<Range<usize>> {
    let fold = |s: &str| Page::fold(s);
    let start = fold(&directive.start);
    let prefix = directive.prefix.as_deref().map(fold);
    let end = directive.end.as_deref().map(fold);
    let suffix = directive.suffix.as_deref().map(fold);
    let text = &page.folded;
    let mut from = 0;
    loop {
        let found = match &prefix {
            Some(prefix) => {
                let at = find(text, prefix, from)?;
                from = at + 1;
                let after = skip_space(text, at + prefix.len());
                if !text[after..].starts_with(&start) {
                    continue;
                }
                after
            }
            None => {
                let at = find(text, &start, from)?;
                from = at + 1;
                at
            }
        };
        let mut range = found..found + start.len();
        let mut end_from = range.end;
        loop {
            if let Some(end) = &end {
                let at = find(text, end, end_from)?;
                range.end = at + end.len();
            }
            let Some(suffix) = &suffix else {
                return Some(range);
            };
            let after = skip_space(text, range.end);
            let at = find(text, suffix, after)?;
            if at == after {
                return Some(range);
            }
            if end.is_none() {
                break;
            }
            end_from = range.end;
        }
    }
}

fn find(text: &[char], term: &[char], from: usize) -> Option<usize> {
    let first = *term.first()?;
    (from..=text.len().checked_sub(term.len())?)
        .find(|&i| text[i] == first && text[i..i + term.len()] == *term)
}

fn skip_space(text: &[char], mut at: usize) -> usize {
    while text.get(at) == Some(&' ') {
        at += 1;
    }
    at
}

/// The page's text as a browser searches it, folded: no case, no accents, one space for any
/// run of white space (a block's end included), and where each char of the article's text went.
struct Page {
    folded: Vec<char>,
    /// For each char of the article's text, the index of its first folded char.
    of_text: Vec<usize>,
}

impl Page {
    fn new(text: &[char], before: &[&str]) -> Page {
        let mut page = Page {
            folded: Vec::new(),
            of_text: Vec::with_capacity(text.len() + 1),
        };
        for block in before {
            block.chars().for_each(|c| page.push(c));
            page.push('\n');
        }
        for &c in text {
            page.of_text.push(page.folded.len());
            page.push(c);
        }
        page.of_text.push(page.folded.len());
        page
    }

    fn push(&mut self, c: char) {
        if c.is_whitespace() {
            if self.folded.last().is_some_and(|&l| l != ' ') {
                self.folded.push(' ');
            }
            return;
        }
        let mut folded = String::new();
        fold_char(c, &mut folded);
        self.folded.extend(folded.chars());
    }

    fn fold(term: &str) -> Vec<char> {
        let mut page = Page {
            folded: Vec::new(),
            of_text: Vec::new(),
        };
        term.chars().for_each(|c| page.push(c));
        while page.folded.last() == Some(&' ') {
            page.folded.pop();
        }
        page.folded
    }

    /// The folded range of `range` of the article's text (which starts and ends with a word).
    fn folded_range(&self, range: Range<usize>) -> Range<usize> {
        self.of_text[range.start]..self.of_text[range.end]
    }
}

/// A word of the article's text: chars between white space, and its text block.
struct Word {
    span: Range<usize>,
    block: usize,
}

fn words_of(chars: &[char]) -> Vec<Word> {
    let mut words = Vec::new();
    let mut block = 0;
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '\n' && chars.get(i + 1) == Some(&'\n') {
            block += 1;
            i += 2;
            continue;
        }
        if chars[i].is_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && !chars[i].is_whitespace() {
            i += 1;
        }
        words.push(Word {
            span: start..i,
            block,
        });
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn chars(s: &str) -> Vec<char> {
        s.chars().collect()
    }

    fn range_of(text: &str, needle: &str, nth: usize) -> Range<usize> {
        let byte = text.match_indices(needle).nth(nth).expect("in the text").0;
        let start = text[..byte].chars().count();
        start..start + needle.chars().count()
    }

    /// Where the directive lands in `text` (chars of the text), as a browser would.
    fn lands(text: &str, before: &[&str], d: &Directive) -> Option<Range<usize>> {
        let c = chars(text);
        let page = Page::new(&c, before);
        let found = first_match(&page, d)?;
        // The first char whose folded text starts there (white space folds to nothing more).
        let start =
            (0..c.len()).find(|&i| page.of_text[i] == found.start && !c[i].is_whitespace())?;
        Some(start..(start..=c.len()).find(|&e| page.folded_range(start..e) == found)?)
    }

    #[test]
    fn a_pointer_round_trips_through_its_fragment() {
        let text = chars("Avant, la vente « éthique » : 50 % des ventes, vraiment ? Après.");
        let p = Pointer::new(&text, 7, 45);
        let fragment = p.fragment();
        assert!(fragment.starts_with("p=7-45,"));
        assert!(!fragment.contains(":~:") && !fragment.contains('#') && !fragment.contains(' '));
        assert_eq!(Pointer::parse(&fragment), Some(p.clone()));
        // What follows `:~:` (left in by browsers without text fragments) is not ours.
        assert_eq!(
            Pointer::parse(&format!("{fragment}:~:text=la%20vente")),
            Some(p)
        );
    }

    #[test]
    fn damaged_pointers_are_not_pointers() {
        for bad in [
            "",
            "p=",
            "h-abc",
            "t-120",
            "p=5-3,a,b,,c",
            "p=3-5,a,%20,,c",
            "p=3-5,a,b,c",
            "p=3-5,a,b,,c,d",
            "p=x-5,a,b,,c",
            "p=3-5,a,%E2%80,,c",
            "p=3-5,a,%G1,,c",
        ] {
            assert_eq!(Pointer::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_long_passage_keeps_its_two_ends() {
        let text: String = (0..100).map(|i| format!("mot{i} ")).collect();
        let c = chars(&text);
        let p = Pointer::new(&c, 10, 400);
        assert_eq!(p.head.chars().count(), END_CHARS);
        assert_eq!(p.tail.chars().count(), END_CHARS);
        assert!(p.words().contains(" […] "));
        assert_eq!(p.locate(&Anchorer::new(&text)), Some(10..400));
    }

    #[test]
    fn a_passage_is_found_again_after_an_edit() {
        let before =
            "Introduction. La confiance se gagne en écoutant le client avant de parler. Fin.";
        let r = range_of(before, "La confiance se gagne en écoutant le client", 0);
        let p = Pointer::new(&chars(before), r.start, r.end);
        let after = "Introduction revue et augmentée. La confiance se gagne en écoutant le client avant de parler. Fin.";
        let found = p.locate(&Anchorer::new(after)).expect("found again");
        assert_eq!(
            found,
            range_of(after, "La confiance se gagne en écoutant le client", 0)
        );
        // A corrected word inside.
        let fixed =
            "Introduction. La confiance se gagne en écoutant les clients avant de parler. Fin.";
        let found = p
            .locate(&Anchorer::new(fixed))
            .expect("found approximately");
        let words: String = chars(fixed)[found].iter().collect();
        assert!(words.starts_with("La confiance"), "{words}");
        // Gone: not placed on something else.
        let gone = "Introduction. Tout autre chose est dit ici désormais. Fin.";
        assert_eq!(p.locate(&Anchorer::new(gone)), None);
    }

    #[test]
    fn a_long_passage_whose_middle_was_rewritten_is_still_found() {
        let old: String = (0..80).map(|i| format!("mot{i} ")).collect();
        let c = chars(&old);
        let p = Pointer::new(&c, 0, old.trim_end().chars().count());
        let new = old.replace("mot40 mot41", "un ajout au milieu");
        let found = p.locate(&Anchorer::new(&new)).expect("found");
        assert_eq!(found.start, 0);
        assert_eq!(found.end, new.trim_end().chars().count());
        // Ends found but far apart: not this passage.
        let stretched = old.replace("mot40", &"remplissage ".repeat(200));
        assert_eq!(p.locate(&Anchorer::new(&stretched)), None);
    }

    #[test]
    fn passages_snap_to_whole_words() {
        let c = chars("la vente, l’éthique\n\nencore");
        assert_eq!(snap_to_words(&c, 4, 6), Some(3..9));
        assert_eq!(snap_to_words(&c, 12, 15), Some(10..19));
        assert_eq!(snap_to_words(&c, 8, 13), Some(3..19));
        assert_eq!(snap_to_words(&c, 19, 21), None);
        assert_eq!(snap_to_words(&c, 18, 25), Some(10..27));
    }

    #[test]
    fn quotations_follow_french_typography() {
        assert_eq!(quotation("la vente"), "«\u{202F}la vente\u{202F}»");
        assert_eq!(
            quotation(" un.\n\ndeux. "),
            "«\u{202F}un.\n\n«\u{202F}deux.\u{202F}»"
        );
        let c = citation("x", "Titre", Some("Ana"), "https://e.org/a", None);
        assert_eq!(c, "«\u{202F}x\u{202F}»\n— Titre, par Ana\nhttps://e.org/a");
        let c = citation("x", "Titre", None, "u", Some("  à revoir "));
        assert_eq!(
            c,
            "«\u{202F}x\u{202F}»\n— Titre\nu\n\nMa note\u{a0}: à revoir"
        );
        assert!(!citation("x", "T", None, "u", Some(" ")).contains("note"));
        // A passage that is itself a quotation keeps one pair of guillemets.
        assert_eq!(
            quotation("«\u{202F}Oui\u{202F}!\u{202F}»"),
            "«\u{202F}Oui\u{202F}!\u{202F}»"
        );
        // One that opens a quotation it does not close, or closes one it did not open, is
        // not given a second guillemet.
        assert_eq!(
            quotation("Tu en penses quoi, Laurent\u{202F}?\u{202F}»"),
            "«\u{202F}Tu en penses quoi, Laurent\u{202F}?\u{202F}»"
        );
        assert_eq!(
            quotation("«\u{a0}Êtes-vous croyant"),
            "«\u{202F}Êtes-vous croyant\u{202F}»"
        );
        // Guillemets inside the passage are its own.
        assert_eq!(
            quotation("il dit «\u{202F}oui\u{202F}»"),
            "«\u{202F}il dit «\u{202F}oui\u{202F}»\u{202F}»"
        );
    }

    #[test]
    fn a_recurring_passage_gets_context() {
        let text = "La vente est un art. Ici.\n\nLa vente est un art. Là, disait-il.";
        let second = range_of(text, "La vente est un art.", 1);
        let d = text_directive(text, second.clone(), &[]);
        assert!(d.prefix.is_some() || d.suffix.is_some(), "{d:?}");
        assert_eq!(lands(text, &[], &d), Some(second));
        let first = range_of(text, "La vente est un art.", 0);
        let d = text_directive(text, first.clone(), &[]);
        assert_eq!(lands(text, &[], &d), Some(first));
        assert_eq!(d.encoded(), "text=La%20vente%20est%20un%20art.");
    }

    #[test]
    fn the_page_before_the_text_counts() {
        let text = "Il parle de social selling ici.";
        let r = range_of(text, "social selling", 0);
        let bare = text_directive(text, r.clone(), &[]);
        assert_eq!(bare.encoded(), "text=social%20selling");
        let d = text_directive(
            text,
            r.clone(),
            &["Liseuse", "Social Selling : l’imposture"],
        );
        assert_ne!(d, bare);
        assert_eq!(
            lands(text, &["Liseuse", "Social Selling : l’imposture"], &d),
            Some(r)
        );
    }

    #[test]
    fn a_whole_block_takes_its_context_from_the_blocks_around() {
        // A heading whose words occur earlier: nothing around it in its own block.
        let text = "Il faut parler de la confiance.\n\nUn paragraphe avant.\n\nLa confiance\n\nUn paragraphe après.";
        let r = range_of(text, "La confiance", 0);
        let d = text_directive(text, r.clone(), &[]);
        assert_eq!(d.prefix.as_deref(), Some("avant."), "{d:?}");
        assert_eq!(lands(text, &[], &d), Some(r));
    }

    #[test]
    fn a_passage_across_paragraphs_is_named_by_its_ends() {
        let text = "Un premier paragraphe assez long.\n\nUn second, qui finit ici.";
        let r = 3..text.chars().count();
        let d = text_directive(text, r.clone(), &[]);
        assert!(d.end.is_some(), "{d:?}");
        assert!(!d.start.contains('\n') && !d.end.as_ref().unwrap().contains('\n'));
        assert_eq!(lands(text, &[], &d), Some(r));
    }

    #[test]
    fn case_and_accents_do_not_tell_words_apart() {
        // A browser matches « ETHIQUE » for « éthique »: the first must not be taken for it.
        let text = "ETHIQUE d’abord. Puis éthique encore.";
        let r = range_of(text, "éthique", 0);
        let d = text_directive(text, r.clone(), &[]);
        assert_eq!(d.prefix.as_deref(), Some("Puis"), "{d:?}");
        assert_eq!(lands(text, &[], &d), Some(r));
    }

    #[test]
    fn directives_of_the_articles_land_on_their_passage() {
        let before = [
            "Liseuse",
            "Bibliothèque",
            "Mes notes",
            "Synchronisation",
            "Affichage",
        ];
        let (mut failures, mut tried) = (Vec::new(), 0);
        for article in crate::content::bundled::articles() {
            let text = &article.plain_text;
            let c = chars(text);
            let mut title = vec![article.meta.title.as_str()];
            title.extend(before);
            // Every 97th char to the next 3 to 400 chars: short, long, across paragraphs.
            for (k, at) in (0..c.len()).step_by(97).enumerate() {
                let Some(r) = snap_to_words(&c, at, (at + 3 + (k * 37) % 400).min(c.len())) else {
                    continue;
                };
                let d = text_directive(text, r.clone(), &title);
                if lands(text, &title, &d) != Some(r.clone()) {
                    failures.push(format!(
                        "{}: {:?} → {d:?} lands at {:?}",
                        article.meta.slug,
                        c[r.clone()].iter().collect::<String>(),
                        lands(text, &title, &d)
                    ));
                }
                tried += 1;
            }
        }
        assert!(
            failures.is_empty(),
            "{} of {tried}:\n{}",
            failures.len(),
            failures.join("\n")
        );
    }

    proptest! {
        #[test]
        fn pointers_round_trip(
            start in 0usize..1000,
            len in 1usize..1000,
            prefix in ".{0,16}",
            head in "\\PC*[a-zé,:~%-]\\PC*",
            tail in ".{0,20}",
            suffix in ".{0,16}",
        ) {
            let p = Pointer { start, end: start + len, prefix, head, tail, suffix };
            prop_assume!(!p.head.trim().is_empty());
            prop_assert_eq!(Pointer::parse(&p.fragment()), Some(p));
        }

        /// Whatever it chose, the directive names the passage itself: its first and last words,
        /// the words just around it (maybe in the paragraph before or after), no term across a
        /// paragraph (a browser never matches there).
        #[test]
        fn directives_are_made_of_the_passage_and_its_neighbours(
            words in proptest::collection::vec("(la|vente|Vente|art|l’art|éthique|ethique|\\.|,)", 1..60),
            breaks in proptest::collection::vec(any::<bool>(), 60),
            from in 0usize..60,
            len in 1usize..200,
        ) {
            let mut text = String::new();
            for (i, w) in words.iter().enumerate() {
                if i > 0 {
                    text.push_str(if breaks[i] { "\n\n" } else { " " });
                }
                text.push_str(w);
            }
            let c = chars(&text);
            let at = c.len() * from / 60;
            let Some(r) = snap_to_words(&c, at, (at + len).min(c.len())) else {
                return Ok(());
            };
            let d = text_directive(&text, r.clone(), &["La vente"]);
            let passage: String = c[r.clone()].iter().collect();
            let before: String = c[..r.start].iter().collect();
            let after: String = c[r.end..].iter().collect();
            for term in [Some(&d.start), d.end.as_ref(), d.prefix.as_ref(), d.suffix.as_ref()].into_iter().flatten() {
                prop_assert!(!term.contains('\n') && !term.trim().is_empty(), "{:?}", d);
            }
            match &d.end {
                None => prop_assert_eq!(&d.start, &passage),
                Some(end) => {
                    prop_assert!(passage.starts_with(&d.start) && passage.ends_with(end.as_str()));
                    prop_assert!(d.start.chars().count() + end.chars().count() <= passage.chars().count());
                }
            }
            if let Some(prefix) = &d.prefix {
                prop_assert!(before.trim_end().ends_with(prefix.as_str()), "{:?}", d);
            }
            if let Some(suffix) = &d.suffix {
                prop_assert!(after.trim_start().starts_with(suffix.as_str()), "{:?}", d);
            }
            // And where it lands, if a browser lands anywhere, starts no later than the passage.
            if let Some(found) = lands(&text, &["La vente"], &d) {
                prop_assert!(found.start <= r.start);
            }
        }
    }
}
