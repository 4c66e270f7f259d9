//! The layout of the link-preview image's title (`build/og_layout.rs`, used by
//! `build/og_image.rs` with the bundled font's widths), measured here by a fake font whose
//! characters are all 1 wide.

#[path = "../build/og_layout.rs"]
mod og_layout;

use og_layout::{fit, wrap, xml_escape};

fn chars(s: &str) -> f32 {
    s.chars().count() as f32
}

#[test]
fn markup_and_quotes_are_escaped() {
    let mut out = String::new();
    xml_escape(&mut out, "<b>Tom & « Jerry »</b> \"l'un\"");
    assert_eq!(
        out,
        "&lt;b&gt;Tom &amp; « Jerry »&lt;/b&gt; &quot;l&apos;un&quot;"
    );
}

#[test]
fn lines_break_at_spaces_and_never_at_no_break_spaces() {
    let title = "Pourquoi\u{a0}: une question\u{202f}?";
    assert_eq!(
        wrap(title, 12.0, &chars),
        ["Pourquoi\u{a0}:", "une", "question\u{202f}?"]
    );
    assert_eq!(
        wrap(title, 20.0, &chars),
        ["Pourquoi\u{a0}: une", "question\u{202f}?"]
    );
}

#[test]
fn a_word_longer_than_a_line_is_cut() {
    assert_eq!(
        wrap("un anticonstitutionnellement", 10.0, &chars),
        ["un", "anticonsti", "tutionnell", "ement"]
    );
}

#[test]
fn the_largest_size_that_fits_is_chosen_and_lines_are_balanced() {
    // 100 wide, 100 high, lines of 1.25 × the size.
    let title = "Un titre assez long pour deux lignes";
    let fitted = fit(title, 100.0, 100.0, 1.25, &[8.0, 6.0, 4.0], &chars);
    // At 8: 12.5 characters a line, room for 10 lines: the largest size wins.
    assert_eq!(fitted.size, 8.0);
    assert!(fitted.lines.iter().all(|l| chars(l) * 8.0 <= 100.0));
    assert_eq!(fitted.lines.join(" "), title);
    // Balanced: no line much shorter than the others.
    let lengths: Vec<f32> = fitted.lines.iter().map(|l| chars(l)).collect();
    let (shortest, longest) = (
        lengths.iter().cloned().fold(f32::MAX, f32::min),
        lengths.iter().cloned().fold(0.0, f32::max),
    );
    assert!(longest - shortest <= 6.0, "{:?}", fitted.lines);
}

#[test]
fn a_long_title_gets_smaller() {
    let title = "Un titre bien plus long qui ne tient pas sur deux lignes à la plus grande taille";
    // Box of 2 lines at size 10 (line height 1.0), 4 at size 5.
    let fitted = fit(title, 200.0, 20.0, 1.0, &[10.0, 5.0], &chars);
    assert_eq!(fitted.size, 5.0);
    assert!(fitted.lines.len() <= 4);
    assert_eq!(fitted.lines.join(" "), title);
}

#[test]
fn a_title_too_long_at_the_smallest_size_ends_with_an_ellipsis() {
    let title = "un deux trois quatre cinq six sept huit neuf dix onze douze treize quatorze";
    let fitted = fit(title, 100.0, 20.0, 1.0, &[10.0], &chars);
    assert_eq!(fitted.size, 10.0);
    assert_eq!(fitted.lines.len(), 2);
    assert!(fitted.lines.iter().all(|l| chars(l) <= 10.0));
    let last = fitted.lines.last().unwrap();
    assert!(last.ends_with('…'), "{last}");
    // Cut at a word: the ellipsis follows a whole word of the title.
    let kept = format!("{} {}", fitted.lines[0], last.trim_end_matches('…'));
    assert!(title.starts_with(&kept), "{kept}");
}

#[test]
fn nothing_overflows_whatever_the_text() {
    for title in [
        "x",
        "Supercalifragilisticexpialidocious",
        "a b c d e f g h i j k l m n o p q r s t u v w x y z a b c d e f g h i j k l m n o p",
        "« Guillemets » et apostrophes’ ; points\u{202f}!",
    ] {
        let fitted = fit(title, 60.0, 30.0, 1.2, &[12.0, 8.0, 6.0], &chars);
        for line in &fitted.lines {
            assert!(
                chars(line) * fitted.size <= 60.0,
                "{line:?} at {}",
                fitted.size
            );
        }
        assert!(fitted.lines.len() as f32 * fitted.size * 1.2 <= 30.0 + 1e-3);
    }
}
