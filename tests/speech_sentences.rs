//! Sentence splitting for reading aloud (`liseuse::sentences`), on the five real articles of
//! `content/`, as the build pipeline gives their plain text.

#[path = "../build/pipeline.rs"]
#[allow(dead_code)]
mod pipeline;

use liseuse::sentences::sentences;
use pipeline::parse_article;

/// Each article's slug, plain text and sentences (as strings).
fn articles() -> Vec<(String, String, Vec<String>)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "md") {
            continue;
        }
        let name = path.file_name().unwrap().to_str().unwrap().to_string();
        let article = parse_article(&name, &std::fs::read_to_string(&path).unwrap()).unwrap();
        let split = split(&article.plain_text);
        out.push((article.slug, article.plain_text, split));
    }
    out.sort();
    assert_eq!(out.len(), 5, "the five articles");
    out
}

fn split(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    sentences(text)
        .into_iter()
        .map(|r| chars[r].iter().collect())
        .collect()
}

fn is_closer(c: char) -> bool {
    matches!(c, '»' | '”' | ')' | ']')
}

#[test]
fn sentences_partition_each_article() {
    for (slug, text, _) in articles() {
        let mut start = 0;
        for r in sentences(&text) {
            assert_eq!(r.start, start, "{slug}: a gap or an overlap at {start}");
            assert!(r.end > r.start, "{slug}: an empty range at {start}");
            start = r.end;
        }
        assert_eq!(
            start,
            text.chars().count(),
            "{slug}: the end is not covered"
        );
    }
}

/// Panics if a sentence of `split` ends right after « M. », « MM. », « p. », « ex. », « cf. »,
/// or inside a decimal number such as « 2.0 ».
fn check_no_cut_abbreviation_or_number(what: &str, split: &[String]) {
    let digit_first = |s: &str| s.starts_with(|c: char| c.is_ascii_digit());
    let digit_last = |s: &str| s.ends_with(|c: char| c.is_ascii_digit());
    for pair in split.windows(2) {
        let (piece, next) = (&pair[0], &pair[1]);
        let sentence = piece.trim_end();
        let last = sentence.split_whitespace().next_back().unwrap_or("");
        assert!(
            !["M.", "MM.", "p.", "ex.", "cf."].contains(&last),
            "{what}: {sentence:?} ends after an abbreviation"
        );
        let cut_number = (digit_last(piece) && next.starts_with('.') && digit_first(&next[1..]))
            || (piece.ends_with('.') && digit_last(&piece[..piece.len() - 1]) && digit_first(next));
        assert!(!cut_number, "{what}: {piece:?} | {next:?} cuts a number");
    }
}

#[test]
fn no_sentence_ends_after_an_abbreviation_or_inside_a_number() {
    for (slug, _, split) in articles() {
        check_no_cut_abbreviation_or_number(&slug, &split);
    }
    // The titles hold the numbers (« L'Imposture 2.0 »); they may be read aloud too.
    for title in articles_titles() {
        check_no_cut_abbreviation_or_number(&title, &split(&title));
    }
}

fn articles_titles() -> Vec<String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
    let mut titles: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .map(|p| {
            let name = p.file_name().unwrap().to_str().unwrap().to_string();
            parse_article(&name, &std::fs::read_to_string(&p).unwrap())
                .unwrap()
                .title
        })
        .collect();
    titles.sort();
    titles
}

#[test]
fn titles_are_one_sentence_each() {
    for title in articles_titles() {
        assert_eq!(split(&title), std::slice::from_ref(&title), "{title:?}");
    }
}

/// A sentence with words ends with terminal punctuation (possibly closed by « » » or « ) »),
/// unless it ends its block: headings and list items have none.
#[test]
fn sentences_end_with_punctuation_or_their_block() {
    for (slug, text, split) in articles() {
        let mut end = 0;
        for s in &split {
            end += s.len();
            let sentence = s.trim_end();
            if !sentence.chars().any(char::is_alphabetic) {
                continue;
            }
            let ends_block = end == text.len() || s[sentence.len()..].contains('\n');
            let punctuated = sentence
                .trim_end_matches(|c: char| is_closer(c) || c.is_whitespace())
                .ends_with(['.', '!', '?', '…']);
            assert!(
                punctuated || ends_block,
                "{slug}: {sentence:?} stops mid-sentence"
            );
        }
    }
}

/// A sentence starts like a sentence: not with a closing mark or punctuation left over from the
/// previous one, and not in lower case (French continues a sentence after « ! » in lower case).
#[test]
fn sentences_start_like_sentences() {
    for (slug, _, split) in articles() {
        for s in &split {
            let Some(first) = s.trim_start().chars().next() else {
                continue;
            };
            assert!(
                !is_closer(first) && !first.is_lowercase() && !".,;:!?".contains(first),
                "{slug}: {s:?} starts mid-sentence"
            );
        }
    }
}

fn sentences_of(slug: &str) -> Vec<String> {
    let (_, _, split) = articles().into_iter().find(|(s, _, _)| s == slug).unwrap();
    split.iter().map(|s| s.trim_end().to_string()).collect()
}

#[test]
fn real_sentences_are_whole() {
    let clients = sentences_of("pourquoi-trouver-de-bons-clients");
    for sentence in [
        "Il m’a été demandé de faire une conférence sur la question\u{a0}: «\u{202f}Sans client l’entreprise n’a pas de raison d’exister, comment les trouver\u{202f}?\u{202f}»",
        "Comme le dit Simon Sinek, «\u{202f}les gens n’achètent pas ce que vous faites, ils achètent pourquoi vous le faites.\u{202f}»",
        "Il y a une exigence de sens grandissante qui touche l’ensemble de nos partenaires.",
        "Nous devons tout reconsidérer et changer de paradigme\u{a0}: nos clients, nos fournisseurs, nos collaborateurs, nos confrères sont des partenaires…",
        "Ce qui participe à construire un monde meilleur…",
    ] {
        assert!(clients.iter().any(|s| s == sentence), "{sentence:?} in {clients:#?}");
    }

    let imposture = sentences_of("social-selling-l-imposture-2-0");
    for sentence in [
        "Meeting room.",
        "7eme étage.",
        "Tu en penses quoi, Laurent\u{202f}?\u{202f}»",
        "Parfois c’est «\u{202f}Non, Jamais\u{202f}!\u{202f}» avec un ton franc qui me fait entendre «\u{202f}Déconne pas\u{202f}!",
        "Pas de ça chez moi\u{202f}!\u{202f}».",
        "Exceptionnellement j’ai «\u{202f}oui, bien sûr\u{202f}! j’ai commencé par eux, c’est une opportunité dont je ne pouvais pas les priver\u{202f}!\u{202f}».",
        "Je ne vois pas en quoi ça te choque\u{202f}!\u{202f}».",
    ] {
        assert!(imposture.iter().any(|s| s == sentence), "{sentence:?} in {imposture:#?}");
    }
    assert!(imposture
        .iter()
        .any(|s| s.starts_with("Bien sûr, je vois déjà émerger")
            && s.ends_with("aux réseaux sociaux\u{202f}?\u{202f}».")));

    let confiance = sentences_of("il-est-temps-de-nous-faire-confiance");
    assert!(confiance
        .iter()
        .any(|s| s.ends_with("entre nous est partagée.")));
    assert!(confiance
        .iter()
        .any(|s| s.starts_with("5 ans plus tard, le même homme")));
    assert!(confiance.iter().any(|s| s == "#TrustFirst"));

    let victor = sentences_of("un-clash-avec-victor");
    assert!(victor
        .iter()
        .any(|s| s == "Jeff Bezos avait compris cela avant tout le monde…"));
    assert!(victor
        .iter()
        .any(|s| s.starts_with("Agir aujourd’hui sans penser aux bénéfices immédiats")));
    assert!(victor.iter().any(|s| s == "Mouvement de colère\u{202f}?!"));
}
