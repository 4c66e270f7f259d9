//! The interface speaks French, with the spacing French typography wants (as the articles get
//! at build time): a no-break space before `:`, a narrow no-break space before `;`, `!`, `?`
//! and inside « ». An ordinary space there lets a line break leave the sign alone at the start
//! of a line. This reads every string literal of `src/` outside test modules.

use std::{fs, path::Path};

/// Each string literal of `source` (its text as written, escapes included) with its line,
/// up to the first `#[cfg(test)]`.
fn string_literals(source: &str) -> Vec<(usize, String)> {
    let source = source.split("#[cfg(test)]").next().unwrap_or("");
    let chars: Vec<char> = source.chars().collect();
    let mut out = Vec::new();
    let (mut i, mut line) = (0, 1);
    while i < chars.len() {
        match chars[i] {
            '\n' => line += 1,
            '/' if chars.get(i + 1) == Some(&'/') => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
                continue;
            }
            // A char literal such as '"' (not a lifetime: those have no closing quote).
            '\'' if chars.get(i + 2) == Some(&'\'') || chars.get(i + 1) == Some(&'\\') => {
                let close = (i + 2..chars.len().min(i + 12)).find(|&j| chars[j] == '\'');
                i = close.map_or(i + 1, |j| j + 1);
                continue;
            }
            '"' => {
                let start_line = line;
                let mut text = String::new();
                i += 1;
                while i < chars.len() && chars[i] != '"' {
                    if chars[i] == '\\' {
                        text.push(chars[i]);
                        i += 1;
                    }
                    if chars[i] == '\n' {
                        line += 1;
                    }
                    text.push(chars[i]);
                    i += 1;
                }
                out.push((start_line, text));
            }
            _ => {}
        }
        i += 1;
    }
    out
}

/// The spacing faults of one literal: an ordinary space (or a line continuation's) where
/// French wants a no-break one.
fn faults(literal: &str) -> Vec<String> {
    // A `\` line continuation swallows the newline and the next line's indent: one space.
    let text: String = {
        let mut out = String::new();
        let mut chars = literal.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '\\' && chars.peek() == Some(&'\n') {
                while chars.peek().is_some_and(|c| c.is_whitespace()) {
                    chars.next();
                }
                continue;
            }
            out.push(c);
        }
        out
    };
    let chars: Vec<char> = text.chars().collect();
    let mut found = Vec::new();
    for (i, w) in chars.windows(2).enumerate() {
        if matches!(
            (w[0], w[1]),
            (' ', ':' | ';' | '!' | '?' | '»') | ('«', ' ')
        ) {
            let from = i.saturating_sub(12);
            let to = (i + 14).min(chars.len());
            found.push(chars[from..to].iter().collect());
        }
    }
    found
}

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn interface_strings_use_french_spacing() {
    let mut files = Vec::new();
    rust_files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut files,
    );
    files.sort();
    let mut report = Vec::new();
    for file in files {
        let source = fs::read_to_string(&file).unwrap();
        for (line, literal) in string_literals(&source) {
            for fault in faults(&literal) {
                report.push(format!("{}:{line}: …{fault}…", file.display()));
            }
        }
    }
    assert!(
        report.is_empty(),
        "ordinary spaces where French wants no-break ones (use \\u{{a0}} before `:`, \
         \\u{{202f}} before `; ! ?` and inside « »):\n{}",
        report.join("\n")
    );
}

#[test]
fn the_check_sees_faults_and_passes_good_text() {
    assert_eq!(faults("Notes de « x » : y").len(), 3);
    assert_eq!(faults("Ce fichier \\\n    : est").len(), 1);
    assert!(faults("Notes de «\\u{202f}x\\u{202f}»\\u{a0}: y ?").len() == 1);
    assert!(faults("a:hover, {x}, \"quoted\"").is_empty());
    let literals = string_literals("let a = \"un « b »\"; // \" pas ici\nlet c = '\"';");
    assert_eq!(literals, vec![(1, "un « b »".to_string())]);
}
