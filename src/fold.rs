//! Folding text for search, the way a French reader expects: case and accents do not matter
//! (`ethique` finds « éthique », `oeuvre` finds « œuvre »). Shared by the build script, which
//! indexes the articles, and the app, which folds queries and notes.

/// Folds one char into what it matches in a search (`É` → `e`, `œ` → `oe`, `’` → `'`).
pub fn fold_char(c: char, out: &mut String) {
    let folded: &str = match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' => "a",
        'ç' | 'Ç' => "c",
        'è' | 'é' | 'ê' | 'ë' | 'È' | 'É' | 'Ê' | 'Ë' => "e",
        'ì' | 'í' | 'î' | 'ï' | 'Ì' | 'Í' | 'Î' | 'Ï' => "i",
        'ñ' | 'Ñ' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' => "o",
        'ù' | 'ú' | 'û' | 'ü' | 'Ù' | 'Ú' | 'Û' | 'Ü' => "u",
        'ý' | 'ÿ' | 'Ý' | 'Ÿ' => "y",
        'œ' | 'Œ' => "oe",
        'æ' | 'Æ' => "ae",
        '’' | '‘' | 'ʼ' => "'",
        _ => {
            out.extend(c.to_lowercase());
            return;
        }
    };
    out.push_str(folded);
}

/// Every part of the search index, by key: the build writes each one, an empty one included (a
/// query for a word with no part would otherwise find a missing file, not "no result").
pub const SHARD_KEYS: &str = "_0123456789abcdefghijklmnopqrstuvwxyz";

/// The part of the search index a folded word is in: its first letter or digit, `_` for
/// anything else (one of [`SHARD_KEYS`]). The build splits the index this way; a query fetches
/// only its words' parts.
pub fn shard_key(folded_word: &str) -> char {
    match folded_word.chars().next() {
        Some(c) if c.is_ascii_lowercase() || c.is_ascii_digit() => c,
        _ => '_',
    }
}

pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    text.chars().for_each(|c| fold_char(c, &mut out));
    out
}

/// A word of the text: where it is (in chars) and its folded form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    pub start: usize,
    pub end: usize,
    pub folded: String,
}

/// The words of `text`: runs of letters and digits; an apostrophe splits (`l’éthique` is `l`
/// and `ethique`), a hyphen too (`peut-être`).
pub fn words(text: &str) -> Vec<Word> {
    let mut words = Vec::new();
    let mut current: Option<Word> = None;
    for (i, c) in text.chars().enumerate() {
        if c.is_alphanumeric() {
            let word = current.get_or_insert_with(|| Word {
                start: i,
                end: i,
                folded: String::new(),
            });
            fold_char(c, &mut word.folded);
            word.end = i + 1;
        } else if let Some(word) = current.take() {
            words.push(word);
        }
    }
    words.extend(current);
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_word_has_one_of_the_shard_keys() {
        for word in [
            "kant",
            "week-end",
            "xenophobie",
            "0",
            "6e",
            "ß",
            "øre",
            "łódź",
            "ﬁn",
            "λόγος",
            "мир",
            "中文",
            "",
            "_x",
            "Zèbre",
        ] {
            let key = shard_key(&fold(word));
            assert!(SHARD_KEYS.contains(key), "{word:?} → {key:?}");
        }
    }

    #[test]
    fn accents_case_and_ligatures_fold() {
        assert_eq!(fold("Éthique"), "ethique");
        assert_eq!(fold("ŒUVRE œuvre"), "oeuvre oeuvre");
        assert_eq!(fold("Ça"), "ca");
        assert_eq!(fold("l’Être"), "l'etre");
    }

    #[test]
    fn words_carry_their_place() {
        let w = words("L’éthique, peut-être ? 75%");
        let got: Vec<_> = w
            .iter()
            .map(|w| (w.start, w.end, w.folded.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                (0, 1, "l"),
                (2, 9, "ethique"),
                (11, 15, "peut"),
                (16, 20, "etre"),
                (23, 25, "75")
            ]
        );
    }
}
