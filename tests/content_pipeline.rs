//! The content pipeline of `build/main.rs`, tested natively: front matter, structure, offsets,
//! French spacing, build errors, and the real articles of `content/`.

#[path = "../build/pipeline.rs"]
#[allow(dead_code)]
mod pipeline;

use pipeline::{parse_article, Block, Run};
use proptest::prelude::*;

const NBSP: char = '\u{00A0}';
const NNBSP: char = '\u{202F}';

fn article(body: &str) -> String {
    format!("---\ntitle: Un titre\nslug: essai\nsummary: Un résumé.\n---\n\n{body}")
}

fn parse(body: &str) -> pipeline::Article {
    parse_article("essai.md", &article(body)).expect("valid article")
}

fn error(file: &str, source: &str) -> String {
    parse_article(file, source)
        .expect_err("must fail")
        .to_string()
}

fn texts(runs: &[Run]) -> Vec<&str> {
    runs.iter().map(|r| r.text.as_str()).collect()
}

#[test]
fn front_matter_is_read() {
    let source = "---\ntitle: Pourquoi : une question\nslug: pourquoi\nsummary: Court.\nauthor: Anne\ndate: 2020-03-01\norder: 3\nsource: 003.txt\n---\nTexte.\n";
    let a = parse_article("pourquoi.md", source).unwrap();
    assert_eq!(a.slug, "pourquoi");
    // The value is everything after the first colon, with French spacing applied.
    assert_eq!(a.title, format!("Pourquoi{NBSP}: une question"));
    assert_eq!(a.summary, "Court.");
    assert_eq!(a.author.as_deref(), Some("Anne"));
    assert_eq!(a.date.as_deref(), Some("2020-03-01"));
    assert_eq!(a.order, Some(3));
}

#[test]
fn malformed_articles_fail_with_the_file_named() {
    let cases = [
        ("a.md", "title: x\n", "must start with a `---`"),
        ("a.md", "---\ntitle: x\n", "not closed"),
        ("a.md", "---\nslug: a\nsummary: s\n---\nTexte", "no `title`"),
        ("a.md", "---\ntitle: t\nsummary: s\n---\nTexte", "no `slug`"),
        ("a.md", "---\ntitle: t\nslug: a\n---\nTexte", "no `summary`"),
        (
            "a.md",
            "---\ntitle: t\nslug: a\nsummary: s\n---\n\n  \n",
            "empty body",
        ),
        (
            "a.md",
            "---\ntitle: t\nslug: a\nsummary: s\n---\n::: about\nBio\n:::\n",
            "empty body",
        ),
        (
            "a.md",
            "---\ntitle t\nslug: a\nsummary: s\n---\nTexte",
            "line 2: expected `key: value`",
        ),
        (
            "a.md",
            "---\ntitel: t\nslug: a\nsummary: s\n---\nTexte",
            "unknown front matter key `titel`",
        ),
        (
            "a.md",
            "---\ntitle: t\ntitle: u\nslug: a\nsummary: s\n---\nTexte",
            "given twice",
        ),
        (
            "a.md",
            "---\ntitle:\nslug: a\nsummary: s\n---\nTexte",
            "`title` has no value",
        ),
        (
            "a.md",
            "---\ntitle: t\nslug: b\nsummary: s\n---\nTexte",
            "differs from the file name",
        ),
        (
            "A b.md",
            "---\ntitle: t\nslug: A b\nsummary: s\n---\nTexte",
            "lowercase ASCII",
        ),
        (
            "a.md",
            "---\ntitle: t\nslug: a\norder: un\nsummary: s\n---\nTexte",
            "integer",
        ),
        (
            "a.md",
            "---\ntitle: t\nslug: a\nsummary: s\n---\nTexte\n::: about\nBio\n",
            "not closed",
        ),
        (
            "a.md",
            "---\ntitle: t\nslug: a\nsummary: s\n---\nTexte\n::: notes\nx\n:::\n",
            "unknown block",
        ),
        (
            "a.md",
            "---\ntitle: t\nslug: a\nsummary: s\n---\nTexte\n::: comments\nSans auteur\n:::\n",
            "must start with a `### byline`",
        ),
        (
            "a.md",
            "---\ntitle: t\nslug: a\nsummary: s\n---\nTexte\n::: comments\n### Anne\n:::\n",
            "has no text",
        ),
        (
            "a.md",
            "---\ntitle: t\nslug: a\nsummary: s\n---\nTexte\n::: about\nBio\n:::\nEncore\n",
            "text after",
        ),
    ];
    for (file, source, expected) in cases {
        let message = error(file, source);
        assert!(
            message.starts_with(&format!("content/{file}: ")),
            "{message}"
        );
        assert!(
            message.contains(expected),
            "{file}: `{message}` lacks `{expected}`"
        );
    }
}

#[test]
fn duplicate_slugs_fail_the_collection() {
    let one = parse_article("un.md", "---\ntitle: t\nslug: un\nsummary: s\n---\nTexte").unwrap();
    let mut two = one.clone();
    two.file = "UN.md".into();
    two.slug = "UN".into();
    let message = pipeline::check_collection(vec![one, two])
        .unwrap_err()
        .to_string();
    assert!(
        message.contains("content/UN.md: duplicate slug"),
        "{message}"
    );
    assert!(pipeline::check_collection(vec![]).is_err());
}

#[test]
fn collection_is_ordered_by_order_then_slug() {
    let make = |slug: &str, order: Option<i64>| {
        let order = order.map(|o| format!("order: {o}\n")).unwrap_or_default();
        parse_article(
            &format!("{slug}.md"),
            &format!("---\ntitle: t\nslug: {slug}\nsummary: s\n{order}---\nTexte"),
        )
        .unwrap()
    };
    let sorted = pipeline::check_collection(vec![
        make("zz", None),
        make("b", Some(2)),
        make("aa", None),
        make("c", Some(1)),
    ])
    .unwrap();
    let slugs: Vec<_> = sorted.iter().map(|a| a.slug.as_str()).collect();
    assert_eq!(slugs, ["c", "b", "aa", "zz"]);
}

#[test]
fn structure_keeps_blocks_and_inline_runs() {
    let a = parse("## Titre\n\nUn *mot* et **fort** et `code` [lien](https://ex.fr).\n\n> Cité\n\n1. un\n2. deux\n\n---\n\nFin  \nligne");
    let Block::Heading(2, runs) = &a.body[0] else {
        panic!("{:?}", a.body[0])
    };
    assert_eq!(texts(runs), ["Titre"]);
    let Block::Paragraph(runs) = &a.body[1] else {
        panic!()
    };
    assert_eq!(
        texts(runs),
        ["Un ", "mot", " et ", "fort", " et ", "code", " ", "lien", "."]
    );
    assert!(runs[1].style.emphasis && !runs[1].style.strong);
    assert!(runs[3].style.strong);
    assert!(runs[5].style.code);
    assert_eq!(runs[7].link.as_deref(), Some("https://ex.fr"));
    assert!(matches!(&a.body[2], Block::Quote(inner) if matches!(&inner[0], Block::Paragraph(_))));
    let Block::List {
        start: Some(1),
        items,
    } = &a.body[3]
    else {
        panic!("{:?}", a.body[3])
    };
    assert_eq!(items.len(), 2);
    assert_eq!(a.body[4], Block::Rule);
    let Block::Paragraph(runs) = &a.body[5] else {
        panic!()
    };
    assert_eq!(texts(runs), ["Fin\nligne"]);
    assert_eq!(
        a.plain_text,
        "Titre\n\nUn mot et fort et code lien.\n\nCité\n\nun\n\ndeux\n\nFin\nligne"
    );
}

#[test]
fn html_in_content_stays_text() {
    let a = parse("Voici <img src=x onerror=alert(1)> un test.\n\n<script>alert(1)</script>\n");
    assert!(a.plain_text.contains("<img src=x onerror=alert(1)>"));
    assert!(a.plain_text.contains("<script>alert(1)</script>"));
}

#[test]
fn sections_split_body_about_and_comments() {
    let a = parse(
        "Corps.\n\n::: about\nUne bio.\n:::\n\n::: comments\n### Anne\n*6 ans*\n\nMerci !\n\n###\nSans nom.\n:::\n",
    );
    assert_eq!(a.plain_text, "Corps.");
    assert_eq!(pipeline::plain_text(&a.about), "Une bio.");
    assert_eq!(a.comments.len(), 2);
    assert_eq!(a.comments[0].byline, "Anne");
    assert_eq!(
        pipeline::plain_text(&a.comments[0].blocks),
        format!("6 ans\n\nMerci{NNBSP}!")
    );
    assert_eq!(a.comments[1].byline, "");
}

#[test]
fn reading_time_is_words_over_230_rounded_up() {
    let words = |n: usize| vec!["mot"; n].join(" ");
    assert_eq!(parse(&words(1)).reading_minutes(), 1);
    assert_eq!(parse(&words(230)).reading_minutes(), 1);
    assert_eq!(parse(&words(231)).reading_minutes(), 2);
    assert_eq!(pipeline::count_words("Il dit : « oui ! » — 5 ans"), 5);
}

#[test]
fn french_spacing() {
    let f = pipeline::french_spacing_str;
    assert_eq!(f("Et pourtant ?"), format!("Et pourtant{NNBSP}?"));
    assert_eq!(f("Vraiment!"), format!("Vraiment{NNBSP}!"));
    assert_eq!(f("Révolte ?!"), format!("Révolte{NNBSP}?!"));
    assert_eq!(f("a ; b"), format!("a{NNBSP}; b"));
    assert_eq!(f("raconté ;)"), format!("raconté{NNBSP};)"));
    assert_eq!(f("le sujet :\"Oui"), format!("le sujet{NBSP}:\"Oui"));
    assert_eq!(f("Note: ceci"), format!("Note{NBSP}: ceci"));
    assert_eq!(f("« Oui »"), format!("«{NNBSP}Oui{NNBSP}»"));
    assert_eq!(
        f("c’est« Heu non... »suivi"),
        format!("c’est«{NNBSP}Heu non...{NNBSP}»suivi")
    );
    assert_eq!(
        f("supplémentaire ?»"),
        format!("supplémentaire{NNBSP}?{NNBSP}»")
    );
    // Signs inside a word or a URL are not punctuation to space.
    for same in [
        "TL;DR",
        "https://ex.fr",
        "14h20",
        "10:30",
        "a?b",
        "Wahouuu.",
    ] {
        assert_eq!(f(same), same);
    }
    // Idempotent: running it twice changes nothing more.
    let once = f("« Quoi ? » : non ; oui !");
    assert_eq!(f(&once), once);
}

#[test]
fn french_spacing_crosses_runs_and_spares_code() {
    let a = parse("Un *mot* ! et `a ;` b");
    let Block::Paragraph(runs) = &a.body[0] else {
        panic!()
    };
    assert_eq!(
        texts(runs),
        ["Un ", "mot", &format!("{NNBSP}! et "), "a ;", " b"]
    );
}

fn markdown_paragraph() -> impl Strategy<Value = String> {
    let word = prop_oneof![
        "[a-zéèàçœ]{1,8}",
        Just("«".to_string()),
        Just("»".to_string()),
        Just("?".to_string()),
        Just(":".to_string()),
        Just("*mot*".to_string()),
        Just("**Fort**".to_string()),
        Just("`x;y`".to_string()),
        Just("🚀".to_string()),
    ];
    prop::collection::vec(word, 1..12).prop_map(|w| w.join(" "))
}

proptest! {
    /// Whatever the text, every run sits exactly at its offset in the plain text.
    #[test]
    fn offsets_match_plain_text(paragraphs in prop::collection::vec(markdown_paragraph(), 1..6)) {
        let a = parse(&paragraphs.join("\n\n"));
        let chars: Vec<char> = a.plain_text.chars().collect();
        let mut end = 0;
        pipeline::for_each_text_block(&a.body, &mut |runs| {
            for run in runs {
                let len = run.text.chars().count();
                let at: String = chars[run.start..run.start + len].iter().collect();
                assert_eq!(at, run.text);
                assert!(run.start >= end);
                end = run.start + len;
            }
        });
        prop_assert_eq!(end, chars.len());
    }

    /// French spacing only adds or swaps spaces: the non-space characters stay the same.
    #[test]
    fn french_spacing_keeps_every_visible_character(text in "[a-z «»;:!?.\u{a0}]{0,40}") {
        let spaced = pipeline::french_spacing_str(&text);
        let visible = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
        prop_assert_eq!(visible(&spaced), visible(&text));
        prop_assert_eq!(pipeline::french_spacing_str(&spaced), spaced.clone());
    }
}

// ---------------------------------------------------------------------------------------------
// The articles shipped in content/

fn content_articles() -> Vec<pipeline::Article> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
    let mut articles = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "md") {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let text = std::fs::read_to_string(&path).unwrap();
            articles.push(parse_article(&name, &text).unwrap_or_else(|e| panic!("{e}")));
        }
    }
    pipeline::check_collection(articles).unwrap()
}

#[test]
fn shipped_articles_are_five_and_complete() {
    let articles = content_articles();
    assert_eq!(articles.len(), 5);
    for a in &articles {
        assert!(a.words > 300, "{} has only {} words", a.slug, a.words);
        assert!(!a.summary.is_empty() && !a.title.is_empty());
        // Page chrome from the copied web pages must not survive.
        for chrome in [
            "Logo WordPress.com",
            "Connexion à %s",
            "commentaires\n",
            "Votre commentaire",
            "Photo Facebook",
        ] {
            assert!(
                !a.plain_text.contains(chrome),
                "{}: `{chrome}` left in the body",
                a.slug
            );
        }
    }
}

/// The authors' words are kept exactly: every paragraph of content/ is in the raw source text,
/// once whitespace (which the build's French spacing adjusts) is set aside.
#[test]
fn shipped_articles_keep_the_authors_words() {
    let sources = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/articles");
    if !sources.is_dir() {
        // The raw texts live beside the repository (shared/), as on CI and developer machines:
        // their absence is a failure, unless the run says on purpose that it has none.
        assert!(
            std::env::var_os("LISEUSE_NO_SOURCES").is_some(),
            "{} not found: the authors' texts are needed to check the articles \
             (set LISEUSE_NO_SOURCES=1 to skip this test on purpose)",
            sources.display()
        );
        eprintln!(
            "skipped (LISEUSE_NO_SOURCES): {} not found",
            sources.display()
        );
        return;
    }
    let squeeze = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
    for a in content_articles() {
        let md = std::fs::read_to_string(dir.join(&a.file)).unwrap();
        let source_name = md
            .lines()
            .find_map(|l| l.strip_prefix("source: "))
            .unwrap_or_else(|| panic!("{} names no source", a.file));
        let source = squeeze(&std::fs::read_to_string(sources.join(source_name.trim())).unwrap());
        let check = |blocks: &[Block]| {
            pipeline::for_each_text_block(blocks, &mut |runs| {
                let text: String = runs.iter().map(|r| r.text.as_str()).collect();
                assert!(
                    source.contains(&squeeze(&text)),
                    "{}: not in the source: {text}",
                    a.file
                );
            })
        };
        check(&a.body);
        check(&a.about);
        for c in &a.comments {
            check(&c.blocks);
        }
        // A title taken from a sentence may start with a capital where the sentence did not.
        assert!(
            source
                .to_lowercase()
                .contains(&squeeze(&a.title).to_lowercase()),
            "{}: title not in the source",
            a.file
        );
    }
}
