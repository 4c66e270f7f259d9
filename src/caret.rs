//! Where the caret of a text box goes when its text is replaced under the reader's fingers (a
//! sync pass or another tab brings a new version of the note being typed): to the same place in
//! the text that did not change. Offsets count UTF-16 code units, as the DOM's selection does.

/// The caret (or one end of a selection) at `caret` in `old`, once the text is `new`: where it
/// was when the change is after it, shifted by the change's length when the change is before
/// it, at the end of the new part when it was inside the replaced one.
pub fn after_replace(old: &str, new: &str, caret: usize) -> usize {
    let old: Vec<u16> = old.encode_utf16().collect();
    let new: Vec<u16> = new.encode_utf16().collect();
    let caret = caret.min(old.len());
    let prefix = old.iter().zip(&new).take_while(|(a, b)| a == b).count();
    let suffix = old
        .iter()
        .rev()
        .zip(new.iter().rev())
        .take(old.len().min(new.len()) - prefix)
        .take_while(|(a, b)| a == b)
        .count();
    if caret <= prefix {
        caret
    } else if caret >= old.len() - suffix {
        caret + new.len() - old.len()
    } else {
        new.len() - suffix
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_caret_keeps_its_place_in_the_unchanged_text() {
        // A line added at the end by another device: the caret in the middle stays.
        assert_eq!(after_replace("abcdef", "abcdef\nautre", 2), 2);
        // Text added before it: it moves with its text.
        assert_eq!(after_replace("abcdef", "XYabcdef", 2), 4);
        // Inside a replaced part: at the end of the new part.
        assert_eq!(after_replace("abcdef", "abZZZf", 4), 5);
        // Text removed before it.
        assert_eq!(after_replace("abcdef", "cdef", 3), 1);
        // At the very end, when the other version is put after the text: the reader goes on
        // with the sentence being typed, not after the other version.
        assert_eq!(after_replace("abc", "abc\n\n— Autre version", 3), 3);
        // Past the end (a stale caret): clamped.
        assert_eq!(after_replace("abc", "abcd", 99), 3);
        assert_eq!(after_replace("abcd", "ab", 99), 2);
        // The same text: the same place.
        assert_eq!(after_replace("abc", "abc", 1), 1);
        // UTF-16 units: « é » is one, « 😀 » two.
        assert_eq!(after_replace("é😀x", "Aé😀x", 3), 4);
    }

    proptest! {
        /// Whatever is replaced away from the caret, the text on both sides of it is the same
        /// after. (The new text is of letters the old has not: a change inside a run of like
        /// letters has more than one reading.)
        #[test]
        fn the_text_around_the_caret_is_kept(
            text in "[a-zé ]{0,30}",
            caret in 0usize..31,
            at in 0usize..31,
            insert in "[A-Z\n]{1,8}",
            remove in 0usize..5,
        ) {
            let units: Vec<u16> = text.encode_utf16().collect();
            let caret = caret.min(units.len());
            let at = at.min(units.len());
            // An edit wholly before or wholly after the caret.
            let (from, to) = if at < caret {
                (at, (at + remove).min(caret))
            } else {
                (at, (at + remove).min(units.len()))
            };
            let mut edited: Vec<u16> = units[..from].to_vec();
            edited.extend(insert.encode_utf16());
            edited.extend(&units[to..]);
            let new = String::from_utf16(&edited).unwrap();
            let moved = after_replace(&text, &new, caret);
            let new_units: Vec<u16> = new.encode_utf16().collect();
            prop_assert!(moved <= new_units.len());
            // What follows the caret is the same text as before.
            prop_assert!(new_units[moved..].ends_with(&units[caret.max(to)..]));
            prop_assert!(new_units[..moved].starts_with(&units[..caret.min(from)]));
        }
    }
}
