//! Where highlights fall in an article's text runs: splits each run into segments, each covered
//! by the same set of highlights, so the view renders one `<mark>` per highlight per segment.
//! Offsets are in chars of the article's plain text, like everything else.

use std::ops::Range;

/// A highlight placed in the article, as the view needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placed<K> {
    pub key: K,
    pub range: Range<usize>,
}

/// A piece of a run, and the highlights covering all of it (outermost first: the one that starts
/// first, then the longer one, so nested `<mark>`s stay stable while others come and go).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment<'t, K> {
    pub text: &'t str,
    pub start: usize,
    pub covering: Vec<K>,
}

/// Splits `text` (starting at plain-text offset `start`) at every boundary of the highlights
/// that overlap it. `placed` may be in any order; empty ranges are ignored.
pub fn segments<'t, K: Clone>(
    text: &'t str,
    start: usize,
    placed: &[Placed<K>],
) -> Vec<Segment<'t, K>> {
    let len = text.chars().count();
    let end = start + len;
    let mut overlapping: Vec<&Placed<K>> = placed
        .iter()
        .filter(|p| p.range.start < end && p.range.end > start && p.range.start < p.range.end)
        .collect();
    if overlapping.is_empty() {
        return vec![Segment {
            text,
            start,
            covering: Vec::new(),
        }];
    }
    overlapping.sort_by(|a, b| {
        a.range
            .start
            .cmp(&b.range.start)
            .then(b.range.end.cmp(&a.range.end))
    });
    let mut cuts: Vec<usize> = vec![start, end];
    for p in &overlapping {
        cuts.extend(
            [p.range.start, p.range.end]
                .into_iter()
                .filter(|c| (start..end).contains(c)),
        );
    }
    cuts.sort_unstable();
    cuts.dedup();

    // Char offsets → byte offsets within `text`, computed in one pass.
    let mut bytes = Vec::with_capacity(cuts.len());
    let mut cut_iter = cuts.iter().peekable();
    for (char_index, (byte_index, _)) in text.char_indices().chain([(text.len(), ' ')]).enumerate()
    {
        while cut_iter.peek() == Some(&&(start + char_index)) {
            bytes.push(byte_index);
            cut_iter.next();
        }
    }

    cuts.windows(2)
        .zip(bytes.windows(2))
        .map(|(chars, bytes)| Segment {
            text: &text[bytes[0]..bytes[1]],
            start: chars[0],
            covering: overlapping
                .iter()
                .filter(|p| p.range.start <= chars[0] && p.range.end >= chars[1])
                .map(|p| p.key.clone())
                .collect(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn placed(ranges: &[(usize, usize)]) -> Vec<Placed<usize>> {
        ranges
            .iter()
            .enumerate()
            .map(|(key, &(s, e))| Placed { key, range: s..e })
            .collect()
    }

    #[test]
    fn no_highlight_is_one_segment() {
        let s = segments("éthique", 10, &placed(&[(0, 5), (17, 20)]));
        assert_eq!(s.len(), 1);
        assert_eq!(
            (s[0].text, s[0].start, s[0].covering.len()),
            ("éthique", 10, 0)
        );
    }

    #[test]
    fn adjacent_highlights_stay_distinct() {
        // "abcdef" at 0: [1,3) and [3,5) touch but do not merge.
        let s = segments("abcdef", 0, &placed(&[(1, 3), (3, 5)]));
        let got: Vec<_> = s.iter().map(|s| (s.text, s.covering.clone())).collect();
        assert_eq!(
            got,
            [
                ("a", vec![]),
                ("bc", vec![0]),
                ("de", vec![1]),
                ("f", vec![])
            ]
        );
    }

    #[test]
    fn overlaps_nest_outermost_first() {
        let s = segments("abcdef", 100, &placed(&[(102, 106), (100, 104)]));
        let got: Vec<_> = s
            .iter()
            .map(|s| (s.text, s.start, s.covering.clone()))
            .collect();
        assert_eq!(
            got,
            [
                ("ab", 100, vec![1]),
                ("cd", 102, vec![1, 0]),
                ("ef", 104, vec![0])
            ]
        );
    }

    #[test]
    fn a_highlight_ending_at_the_run_end_has_no_empty_tail() {
        let s = segments("où ça", 0, &placed(&[(3, 5)]));
        let got: Vec<_> = s.iter().map(|s| s.text).collect();
        assert_eq!(got, ["où ", "ça"]);
    }

    proptest! {
        #[test]
        fn segments_cover_the_run_exactly(
            text in "[a-zé🚀 ]{1,30}",
            start in 0usize..50,
            ranges in prop::collection::vec((0usize..90, 0usize..30), 0..6),
        ) {
            let ranges: Vec<(usize, usize)> = ranges.iter().map(|&(s, l)| (s, s + l)).collect();
            let p = placed(&ranges);
            let segs = segments(&text, start, &p);
            let joined: String = segs.iter().map(|s| s.text).collect();
            prop_assert_eq!(&joined, &text);
            let mut at = start;
            for seg in &segs {
                prop_assert_eq!(seg.start, at);
                prop_assert!(!seg.text.is_empty());
                let seg_end = at + seg.text.chars().count();
                for (key, &(s, e)) in ranges.iter().enumerate() {
                    let covers = s <= at && e >= seg_end && s < e;
                    prop_assert_eq!(seg.covering.contains(&key), covers);
                }
                at = seg_end;
            }
        }
    }
}
