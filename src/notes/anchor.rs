//! Re-anchoring a highlight in the article's current text: position first, then the exact
//! quote (its context picks among repeats), then an approximate match of the quote within a
//! bounded edit distance. A quote found anywhere but its old place must bring evidence that it
//! is the same passage: some of its context around it, unless it is long enough to be its own
//! evidence. Otherwise a highlight whose passage was deleted would land on another occurrence of
//! a common word, note and all. What cannot be placed is an orphan, never deleted.

use super::model::{TextPosition, TextQuote};
use std::ops::Range;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Anchoring {
    /// The text at the stored position still equals the quote.
    Exact(Range<usize>),
    /// The exact quote, found elsewhere (the text moved).
    Moved(Range<usize>),
    /// A passage within the edit-distance bound of the quote (the text was corrected).
    Approximate(Range<usize>),
    Orphan,
}

impl Anchoring {
    pub fn range(&self) -> Option<Range<usize>> {
        match self {
            Anchoring::Exact(r) | Anchoring::Moved(r) | Anchoring::Approximate(r) => {
                Some(r.clone())
            }
            Anchoring::Orphan => None,
        }
    }
}

/// Quotes longer than this are only matched exactly: the approximate search costs
/// text length × quote length.
pub const MAX_FUZZY_QUOTE: usize = 4000;

/// How many characters of context, on one side, show that a quote found elsewhere is the same
/// passage (fewer if the stored context is shorter).
pub const CONTEXT_EVIDENCE: usize = 8;

/// A quote this long is evidence of itself: the same 48 characters elsewhere are the passage,
/// moved (a paragraph moved whole keeps no context).
pub const SELF_EVIDENT_QUOTE: usize = 48;

/// Below this, no approximate match at all: a few letters off makes another word
/// (« la vente », « la rente »).
pub const MIN_FUZZY_QUOTE: usize = 8;

/// An article's text, prepared once for anchoring many highlights.
pub struct Anchorer {
    chars: Vec<char>,
}

impl Anchorer {
    pub fn new(text: &str) -> Self {
        Anchorer {
            chars: text.chars().collect(),
        }
    }

    /// The text, as the chars offsets count.
    pub fn chars(&self) -> &[char] {
        &self.chars
    }

    pub fn anchor(&self, quote: &TextQuote, position: &TextPosition) -> Anchoring {
        let exact: Vec<char> = quote.exact.chars().collect();
        if exact.iter().all(|c| c.is_whitespace()) {
            return Anchoring::Orphan;
        }
        let text = &self.chars;
        let (start, end) = (position.start, position.end);
        let context = Context::new(quote);
        if end <= text.len() && start < end && text[start..end] == exact[..] {
            let (before, after) = context.around(text, start..end);
            let here = before.matched + after.matched;
            if here == context.prefix.len() + context.suffix.len() {
                return Anchoring::Exact(start..end);
            }
            // The quote is still at its place, but not all of its context: when the text before
            // it changed length, a repeat of the quote may have come to the old place. An
            // occurrence that keeps more of the context is the passage, moved.
            return match self.best_exact(&exact, &context, start) {
                Some((found, score)) if score > here => {
                    Anchoring::Moved(found..found + exact.len())
                }
                _ => Anchoring::Exact(start..end),
            };
        }
        if let Some((found, _)) = self.best_exact(&exact, &context, start) {
            return Anchoring::Moved(found..found + exact.len());
        }
        let max_distance = exact.len() / 4;
        if exact.len() >= MIN_FUZZY_QUOTE && exact.len() <= MAX_FUZZY_QUOTE {
            // Only passages with evidence that they are this one count: a closer look-alike
            // elsewhere (repeated words) must not hide the edited passage itself.
            // A quote stored without any context was the whole text, or comes from schema 1:
            // it may only be the whole text again.
            let self_evident = exact.len() >= SELF_EVIDENT_QUOTE;
            let no_context = context.prefix.is_empty() && context.suffix.is_empty();
            let has_evidence = |range: Range<usize>| {
                let (before, after) = context.around(&self.chars, range);
                self_evident
                    || if no_context {
                        before.at_edge && after.at_edge
                    } else {
                        context.is_evidence(before, after)
                    }
            };
            if let Some(range) = self.best_approximate(&exact, max_distance, start, has_evidence) {
                return Anchoring::Approximate(range);
            }
        }
        Anchoring::Orphan
    }

    /// Every occurrence of the quote with evidence that it is the passage, scored by how much
    /// of its context still surrounds it; ties go to the one nearest the old position. The
    /// best, and its score.
    fn best_exact(
        &self,
        exact: &[char],
        context: &Context,
        old_start: usize,
    ) -> Option<(usize, usize)> {
        let text = &self.chars;
        if exact.len() > text.len() {
            return None;
        }
        let self_evident = exact.len() >= SELF_EVIDENT_QUOTE;
        let occurrences = (0..=text.len() - exact.len())
            .filter(|&i| text[i] == exact[0] && text[i..i + exact.len()] == *exact);
        if context.prefix.is_empty() && context.suffix.is_empty() {
            // Stored without any context (schema 1, or a quote that was the whole text): the
            // only evidence left is that the quote occurs once.
            let mut found = occurrences;
            return match (found.next(), found.next()) {
                (Some(i), None) => Some((i, 0)),
                _ => None,
            };
        }
        occurrences
            .filter_map(|i| {
                let (before, after) = context.around(text, i..i + exact.len());
                (self_evident || context.is_evidence(before, after))
                    .then_some((i, before.matched + after.matched))
            })
            .max_by(|(i, a), (j, b)| {
                a.cmp(b)
                    .then(j.abs_diff(old_start).cmp(&i.abs_diff(old_start)))
            })
    }

    /// Sellers' semi-global edit distance (the quote may start anywhere in the text) with
    /// Ukkonen's cut-off: only rows that can still stay within `k` are computed.
    fn best_approximate(
        &self,
        pattern: &[char],
        k: usize,
        old_start: usize,
        acceptable: impl Fn(Range<usize>) -> bool,
    ) -> Option<Range<usize>> {
        let text = &self.chars;
        let m = pattern.len();
        let inf = k + 1;
        // Column j holds, for each pattern prefix i, the distance and where that match starts.
        let mut prev: Vec<(usize, usize)> = (0..=m).map(|i| (i.min(inf), 0)).collect();
        let mut cur: Vec<(usize, usize)> = vec![(inf, 0); m + 1];
        let mut last = k.min(m);
        // (distance, distance from the old position, start, end)
        let mut best: Option<(usize, usize, usize, usize)> = None;
        for j in 1..=text.len() {
            cur[0] = (0, j);
            let top = (last + 1).min(m);
            for i in 1..=top {
                let (diag, diag_start) = prev[i - 1];
                let substitute = diag + usize::from(pattern[i - 1] != text[j - 1]);
                let mut cell = (substitute, diag_start);
                if i <= last && prev[i].0 + 1 < cell.0 {
                    cell = (prev[i].0 + 1, prev[i].1);
                }
                if cur[i - 1].0 + 1 < cell.0 {
                    cell = (cur[i - 1].0 + 1, cur[i - 1].1);
                }
                cell.0 = cell.0.min(inf);
                cur[i] = cell;
            }
            last = top;
            while last > 0 && cur[last].0 > k {
                last -= 1;
            }
            if top == m && cur[m].0 <= k {
                let (distance, start) = cur[m];
                let candidate = (distance, start.abs_diff(old_start), start, j);
                if best.is_none_or(|b| (candidate.0, candidate.1) < (b.0, b.1))
                    && acceptable(start..j)
                {
                    best = Some(candidate);
                }
            }
            std::mem::swap(&mut prev, &mut cur);
        }
        best.map(|(_, _, start, end)| start..end)
    }
}

/// A quote's stored context, compared with what surrounds a candidate passage.
struct Context {
    prefix: Vec<char>,
    suffix: Vec<char>,
}

/// How much of a side's stored context is found next to a candidate.
#[derive(Debug, Clone, Copy)]
struct Side {
    matched: usize,
    /// The candidate is at the text's edge on that side (so is the empty stored context).
    at_edge: bool,
}

impl Context {
    fn new(quote: &TextQuote) -> Self {
        Context {
            prefix: quote.prefix.chars().collect(),
            suffix: quote.suffix.chars().collect(),
        }
    }

    /// The context matched before and after `range` of `text`.
    fn around(&self, text: &[char], range: Range<usize>) -> (Side, Side) {
        let before = self
            .prefix
            .iter()
            .rev()
            .zip(text[..range.start].iter().rev())
            .take_while(|(a, b)| a == b)
            .count();
        let after = self
            .suffix
            .iter()
            .zip(text[range.end..].iter())
            .take_while(|(a, b)| a == b)
            .count();
        (
            Side {
                matched: before,
                at_edge: range.start == 0,
            },
            Side {
                matched: after,
                at_edge: range.end == text.len(),
            },
        )
    }

    /// One side's context holds: its first [`CONTEXT_EVIDENCE`] characters (all of it if
    /// shorter), or, stored empty, the candidate is at that edge of the text too.
    fn is_evidence(&self, before: Side, after: Side) -> bool {
        let holds = |stored: &[char], side: Side| {
            if stored.is_empty() {
                side.at_edge
            } else {
                side.matched >= stored.len().min(CONTEXT_EVIDENCE)
            }
        };
        holds(&self.prefix, before) || holds(&self.suffix, after)
    }
}

/// Anchors one highlight; prefer [`Anchorer`] for many in the same text.
pub fn anchor(text: &str, quote: &TextQuote, position: &TextPosition) -> Anchoring {
    Anchorer::new(text).anchor(quote, position)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notes::model::{new_highlight, Color};
    use proptest::prelude::*;

    fn quote_of(text: &str, start: usize, end: usize) -> (TextQuote, TextPosition) {
        let h = new_highlight("i".into(), "a".into(), Color::Jaune, text, start, end, 0);
        (h.quote, h.position)
    }

    fn splice(text: &str, at: usize, remove: usize, insert: &str) -> String {
        let chars: Vec<char> = text.chars().collect();
        let mut out: String = chars[..at].iter().collect();
        out.push_str(insert);
        out.extend(&chars[(at + remove).min(chars.len())..]);
        out
    }

    #[test]
    fn unchanged_text_anchors_exactly() {
        let text = "La confiance se donne. Elle est généreuse.";
        let (q, p) = quote_of(text, 3, 12);
        assert_eq!(anchor(text, &q, &p), Anchoring::Exact(3..12));
    }

    #[test]
    fn text_inserted_before_moves_the_highlight() {
        let text = "La confiance se donne. Elle est généreuse.";
        let (q, p) = quote_of(text, 23, 41);
        let edited = splice(text, 0, 0, "Préambule ajouté. ");
        assert_eq!(anchor(&edited, &q, &p), Anchoring::Moved(41..59));
    }

    #[test]
    fn context_picks_the_right_repeat() {
        let text = "la confiance d’abord ; puis la confiance encore ; enfin la confiance toujours";
        let second = text
            .chars()
            .collect::<String>()
            .find("la confiance encore")
            .unwrap();
        let start = text[..second].chars().count();
        let (q, p) = quote_of(text, start, start + 12);
        // Shift everything so the stored position no longer holds the quote.
        let edited = splice(text, 0, 0, "xx");
        assert_eq!(
            anchor(&edited, &q, &p),
            Anchoring::Moved(start + 2..start + 14)
        );
    }

    /// Found by the property below: text inserted before a highlight brought another
    /// occurrence of its words to the highlight's old place, and the highlight stayed there.
    #[test]
    fn a_repeat_brought_to_the_old_place_does_not_keep_the_highlight() {
        let text = "Au début, la vente fut bonne ; puis la vente fut meilleure.";
        let first = text.find("vente").unwrap();
        let second = text[..text.rfind("vente").unwrap()].chars().count();
        let (q, p) = quote_of(text, second, second + 5);
        // As many characters inserted at the start as there are from one « vente » to the
        // next: the first one is now where the second was.
        let shift = second - text[..first].chars().count();
        let inserted: String = "Un préambule ajouté. "
            .chars()
            .cycle()
            .take(shift)
            .collect();
        let edited = splice(text, 0, 0, &inserted);
        let at_old_place: String = edited.chars().skip(second).take(5).collect();
        assert_eq!(at_old_place, "vente");
        assert_eq!(
            anchor(&edited, &q, &p),
            Anchoring::Moved(second + shift..second + shift + 5)
        );
    }

    #[test]
    fn a_corrected_typo_inside_still_anchors_approximately() {
        let text =
            "Les convaincus, les zéoltes, les fans de leur Boite font déjà du Social Selling.";
        let start = text[..text.find("les zéoltes").unwrap()].chars().count();
        let (q, p) = quote_of(text, start, start + 27);
        let edited = text.replace("zéoltes", "zélotes");
        match anchor(&edited, &q, &p) {
            Anchoring::Approximate(r) => assert!(r.start.abs_diff(start) <= 1, "{r:?}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_removed_passage_is_an_orphan() {
        let text = "Première phrase assez longue. Deuxième phrase, qui va disparaître bientôt.";
        let start = text[..text.find("Deuxième").unwrap()].chars().count();
        let (q, p) = quote_of(text, start, text.chars().count());
        let edited: String = text.chars().take(start).collect();
        assert_eq!(anchor(&edited, &q, &p), Anchoring::Orphan);
        let blank = TextQuote {
            exact: " \n".into(),
            prefix: String::new(),
            suffix: String::new(),
            ..Default::default()
        };
        assert_eq!(
            anchor(
                text,
                &blank,
                &TextPosition {
                    start: 0,
                    end: 2,
                    ..Default::default()
                }
            ),
            Anchoring::Orphan
        );
    }

    /// Seen in Chromium: a one-word highlight whose paragraph a new release deleted reappeared,
    /// note and all, on another « pense » of the article.
    #[test]
    fn a_deleted_short_passage_does_not_move_onto_another_occurrence() {
        let text = "Je pense donc je vends. Ce que j’en pense ? Rien de bon. Fin de l’histoire.";
        let start = text[..text.find("pense ?").unwrap()].chars().count();
        let (q, p) = quote_of(text, start, start + 5);
        let edited = text.replace("Ce que j’en pense ? ", "");
        assert_eq!(anchor(&edited, &q, &p), Anchoring::Orphan);
        // Its paragraph moved whole, with its context: it follows.
        let moved = format!("Préambule. {text}");
        assert_eq!(
            anchor(&moved, &q, &p),
            Anchoring::Moved(start + 11..start + 16)
        );
    }

    #[test]
    fn a_quote_stored_without_context_moves_only_to_its_one_occurrence() {
        let q = |exact: &str| TextQuote {
            exact: exact.into(),
            prefix: String::new(),
            suffix: String::new(),
            ..Default::default()
        };
        let p = TextPosition {
            start: 0,
            end: 0,
            ..Default::default()
        };
        let text = "Laissez-moi vous raconter une histoire, et une autre histoire.";
        assert_eq!(
            anchor(text, &q("vous raconter"), &p),
            Anchoring::Moved(12..25)
        );
        assert_eq!(anchor(text, &q("histoire"), &p), Anchoring::Orphan);
    }

    #[test]
    fn a_short_quote_gets_no_approximate_match_without_context() {
        let text = "Ici commence la vente, et voilà tout ce qu’il faut en dire.";
        let start = text[..text.find("la vente").unwrap()].chars().count();
        let (q, p) = quote_of(text, start, start + 8);
        let edited = "Tout autre texte, où il est question de la rente des uns.";
        assert_eq!(anchor(edited, &q, &p), Anchoring::Orphan);
        // The same correction in place keeps its context: still found.
        let corrected = text.replace("la vente", "la ventes");
        assert!(anchor(&corrected, &q, &p).range().is_some());
    }

    #[test]
    fn a_long_quote_moved_without_its_context_follows() {
        let paragraph = "Le vendeur qui écoute vraiment son client finit toujours par lui vendre ce dont il a besoin.";
        let text = format!("Premier. {paragraph} Dernier.");
        let start = text[..text.find("Le vendeur").unwrap()].chars().count();
        let len = paragraph.chars().count();
        let (q, p) = quote_of(&text, start, start + len);
        let edited = format!("Tout a changé autour, et puis : {paragraph}");
        let found = anchor(&edited, &q, &p).range().expect("not an orphan");
        assert_eq!(found.len(), len);
    }

    fn text_strategy() -> impl Strategy<Value = String> {
        let word = prop_oneof![
            Just("confiance"),
            Just("éthique"),
            Just("vente"),
            Just("client"),
            Just("œuvre"),
            Just("la"),
            Just("le"),
            Just("et"),
            Just("!"),
            Just("\n\n"),
            Just("à"),
            Just("ça"),
        ];
        prop::collection::vec(word, 20..120).prop_map(|w| w.join(" "))
    }

    proptest! {
        /// Edits before or after a quote never lose it: it is found at its shifted place.
        #[test]
        fn edits_outside_the_quote_keep_it(
            text in text_strategy(),
            a in 0.0f64..1.0, len in 3usize..40,
            edit_at in 0.0f64..1.0, insert in "[a-zé ]{0,20}", remove in 0usize..10,
        ) {
            let n = text.chars().count();
            let start = ((n - 1) as f64 * a) as usize;
            let end = (start + len).min(n);
            let (q, p) = quote_of(&text, start, end);
            prop_assume!(!q.exact.trim().is_empty());
            let before = edit_at < 0.5;
            let (edited, shift): (String, isize) = if before {
                let at = (start as f64 * edit_at * 2.0) as usize;
                let remove = remove.min(start - at);
                (splice(&text, at, remove, &insert), insert.chars().count() as isize - remove as isize)
            } else {
                let at = end + ((n - end) as f64 * (edit_at - 0.5) * 2.0) as usize;
                (splice(&text, at, remove.min(n - at), &insert), 0)
            };
            let found = anchor(&edited, &q, &p).range().expect("not an orphan");
            let chars: Vec<char> = edited.chars().collect();
            let got: String = chars[found.clone()].iter().collect();
            prop_assert_eq!(&got, &q.exact);
            // The right occurrence: the shifted one, or another that carries at least as much
            // of the stored context around it (then nothing in the text tells them apart).
            let expected = (start as isize + shift) as usize;
            if found.start != expected {
                let (at_found, at_expected) =
                    (context_kept(&chars, &q, found.start), context_kept(&chars, &q, expected));
                prop_assert!(
                    at_found >= at_expected,
                    "found at {} ({} chars of context) instead of {} ({} chars) in {:?}",
                    found.start, at_found, expected, at_expected, edited
                );
            }
        }

        /// A small edit inside a long enough quote still anchors near the old place.
        #[test]
        fn small_edits_inside_anchor_approximately(
            text in text_strategy(), a in 0.0f64..1.0, len in 24usize..80,
            inner in 0.0f64..1.0, insert in "[a-z]{1,3}",
        ) {
            let n = text.chars().count();
            prop_assume!(n > len + 2);
            let start = ((n - len) as f64 * a) as usize;
            let end = start + len;
            let (q, p) = quote_of(&text, start, end);
            prop_assume!(!q.exact.trim().is_empty());
            let at = start + 1 + ((len - 2) as f64 * inner) as usize;
            let edited = splice(&text, at, 1, &insert);
            let found = anchor(&edited, &q, &p).range().expect("not an orphan");
            // The repeated vocabulary may offer an equally close passage elsewhere; it must
            // at least be as close to the quote as the bound allows.
            let chars: Vec<char> = edited.chars().collect();
            let got: String = chars[found.clone()].iter().collect();
            prop_assert!(levenshtein(&got, &q.exact) <= len / 4, "{:?} vs {:?}", got, q.exact);
        }

        /// Whatever the input, anchoring returns a range inside the text, or Orphan; what it
        /// finds is the quote (or, approximately, within the bound). The quote and its context
        /// are drawn from the text, at a stored position that may be wrong, and the text may
        /// then be edited anywhere: unedited, the passage is always found.
        #[test]
        fn anchoring_finds_what_is_there_and_stays_in_bounds(
            text in "[a-zé🚀 \n]{1,80}", a in 0.0f64..1.0, len in 1usize..20,
            prefix_len in 1usize..40, suffix_len in 1usize..40,
            position in prop::option::of((0usize..100, 0usize..30)),
            edit in prop::option::of((0.0f64..1.0, "[a-zé🚀 ]{0,6}", 0usize..6)),
        ) {
            let chars: Vec<char> = text.chars().collect();
            let n = chars.len();
            let start = ((n - 1) as f64 * a) as usize;
            let end = (start + len).min(n);
            let take = |r: Range<usize>| chars[r].iter().collect::<String>();
            let q = TextQuote {
                exact: take(start..end),
                prefix: take(start.saturating_sub(prefix_len)..start),
                suffix: take(end..(end + suffix_len).min(n)), ..Default::default()
            };
            // The stored position: the quote's own, or anywhere (a stale or damaged one).
            let p = match position {
                None => TextPosition { start, end, ..Default::default()  },
                Some((s, l)) => TextPosition { start: s, end: s + l, ..Default::default()  },
            };
            let edited = match &edit {
                None => text.clone(),
                Some((at, insert, remove)) => {
                    let at = (n as f64 * at) as usize;
                    splice(&text, at, (*remove).min(n - at), insert)
                }
            };
            let got_chars: Vec<char> = edited.chars().collect();
            let result = anchor(&edited, &q, &p);
            if let Some(r) = result.range() {
                prop_assert!(r.start <= r.end && r.end <= got_chars.len());
                let got: String = got_chars[r.clone()].iter().collect();
                match &result {
                    Anchoring::Exact(r) => {
                        prop_assert_eq!(&got, &q.exact);
                        prop_assert_eq!(r.clone(), p.start..p.end);
                    }
                    Anchoring::Moved(_) => prop_assert_eq!(&got, &q.exact),
                    _ => {
                        let quote_len = q.exact.chars().count();
                        prop_assert!(quote_len >= MIN_FUZZY_QUOTE, "{:?}", result);
                        prop_assert!(levenshtein(&got, &q.exact) <= quote_len / 4, "{:?} vs {:?}", got, q.exact);
                    }
                }
            }
            if edit.is_none() && !q.exact.trim().is_empty() {
                prop_assert!(
                    matches!(result, Anchoring::Exact(_) | Anchoring::Moved(_)),
                    "{:?} for {:?} in {:?}", result, q, text
                );
            }
        }
    }

    /// How many characters of the quote's stored context surround the occurrence at `at`.
    fn context_kept(text: &[char], q: &TextQuote, at: usize) -> usize {
        let end = at + q.exact.chars().count();
        let before = q
            .prefix
            .chars()
            .rev()
            .zip(text[..at].iter().rev())
            .take_while(|(a, b)| a == *b)
            .count();
        let after = q
            .suffix
            .chars()
            .zip(text[end..].iter())
            .take_while(|(a, b)| a == *b)
            .count();
        before + after
    }

    fn levenshtein(a: &str, b: &str) -> usize {
        let a: Vec<char> = a.chars().collect();
        let b: Vec<char> = b.chars().collect();
        let mut prev: Vec<usize> = (0..=b.len()).collect();
        for i in 1..=a.len() {
            let mut cur = vec![i; b.len() + 1];
            for j in 1..=b.len() {
                cur[j] = (prev[j - 1] + usize::from(a[i - 1] != b[j - 1]))
                    .min(prev[j] + 1)
                    .min(cur[j - 1] + 1);
            }
            prev = cur;
        }
        prev[b.len()]
    }
}
