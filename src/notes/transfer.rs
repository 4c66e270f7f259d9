//! Export and import. JSON carries everything (versioned, tombstones included so an import
//! propagates deletions); Markdown is for people to read. Import merges by id: the newer edit
//! wins, a note whose file version says something else keeps that text too, and importing the
//! same file twice changes nothing.

use super::{
    clock,
    merge::{by_id, merge, with_other_version},
    model::{ArticleRecord, Highlight},
};
use serde_json::Value;
use std::collections::BTreeMap;

pub const FORMAT: &str = "liseuse-export";
pub const VERSION: u64 = 1;
/// Larger files are refused before parsing.
pub const MAX_IMPORT_BYTES: usize = 20 * 1024 * 1024;

pub fn export_json(records: &BTreeMap<String, ArticleRecord>, exported_at_ms: i64) -> String {
    let document = serde_json::json!({
        "format": FORMAT,
        "version": VERSION,
        "exported_at": exported_at_ms,
        "articles": records
            .iter()
            .map(|(slug, record)| (slug.clone(), record.clone().filed_under(slug)))
            .collect::<BTreeMap<_, _>>(),
    });
    serde_json::to_string_pretty(&document).expect("records serialize")
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportError {
    TooLarge { bytes: usize },
    NotUtf8,
    Empty,
    NotJson { line: usize, column: usize },
    Foreign,
    NewerVersion { found: u64 },
    Invalid { path: String, reason: String },
}

impl ImportError {
    pub fn message_fr(&self) -> String {
        let nothing = "Rien n’a été modifié.";
        match self {
            ImportError::TooLarge { bytes } => format!(
                "Ce fichier est trop volumineux ({} Mo) pour être un export de Liseuse. {nothing}",
                bytes / (1024 * 1024)
            ),
            ImportError::NotUtf8 => {
                format!("Ce fichier n’est pas un fichier texte (UTF-8). {nothing}")
            }
            ImportError::Empty => format!("Ce fichier est vide. {nothing}"),
            ImportError::NotJson { line, column } => format!(
                "Ce fichier n’est pas du JSON valide (ligne {line}, colonne {column}). {nothing}"
            ),
            ImportError::Foreign => format!(
                "Ce fichier JSON n’est pas un export de Liseuse («\u{202f}Exporter en JSON\u{202f}»). {nothing}"
            ),
            ImportError::NewerVersion { found } => format!(
                "Ce fichier vient d’une version plus récente de Liseuse (format {found})\u{202f}; mettez \
                 l’application à jour pour l’importer. {nothing}"
            ),
            ImportError::Invalid { path, reason } => {
                format!("Ce fichier d’export est abîmé ({path}\u{a0}: {reason}). {nothing}")
            }
        }
    }
}

/// Reads an export back. Never panics, whatever the bytes.
pub fn import_json(bytes: &[u8]) -> Result<BTreeMap<String, ArticleRecord>, ImportError> {
    if bytes.len() > MAX_IMPORT_BYTES {
        return Err(ImportError::TooLarge { bytes: bytes.len() });
    }
    let text = std::str::from_utf8(bytes).map_err(|_| ImportError::NotUtf8)?;
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(ImportError::Empty);
    }
    let value: Value = serde_json::from_str(text).map_err(|e| ImportError::NotJson {
        line: e.line(),
        column: e.column(),
    })?;
    let object = value.as_object().ok_or(ImportError::Foreign)?;
    if object.get("format").and_then(Value::as_str) != Some(FORMAT) {
        return Err(ImportError::Foreign);
    }
    let invalid = |path: String, reason: &str| ImportError::Invalid {
        path,
        reason: reason.into(),
    };
    let version = object
        .get("version")
        .and_then(Value::as_u64)
        .ok_or_else(|| invalid("version".into(), "absent ou non numérique"))?;
    if version > VERSION {
        return Err(ImportError::NewerVersion { found: version });
    }
    if version == 0 {
        return Err(invalid("version".into(), "0, qui n’a jamais existé"));
    }
    let articles = object
        .get("articles")
        .and_then(Value::as_object)
        .ok_or_else(|| invalid("articles".into(), "absent ou mal formé"))?;
    let mut records = BTreeMap::new();
    for (slug, value) in articles {
        let path = format!("articles.{slug}");
        if slug.is_empty() {
            return Err(invalid(path, "article sans identifiant"));
        }
        let record = serde_json::from_value::<ArticleRecord>(value.clone())
            .map_err(|e| invalid(path.clone(), &reason_fr(&e.to_string())))?
            .filed_under(slug);
        for (i, h) in record.highlights.iter().enumerate() {
            check_highlight(h)
                .map_err(|reason| invalid(format!("{path}.highlights[{i}]"), reason))?;
        }
        records.insert(slug.clone(), record);
    }
    Ok(records)
}

/// What serde says is wrong with a record, in the reader's language: the main kinds, with the
/// name or value concerned; anything else as unexpected content.
fn reason_fr(serde_message: &str) -> String {
    let quoted = |prefix: &str| {
        serde_message
            .strip_prefix(prefix)
            .and_then(|rest| rest.split('`').next())
            .map(str::to_string)
    };
    if let Some(value) = quoted("unknown variant `") {
        format!("valeur inconnue «\u{a0}{value}\u{a0}»")
    } else if let Some(field) = quoted("missing field `") {
        format!("champ «\u{a0}{field}\u{a0}» absent")
    } else if let Some(field) = quoted("duplicate field `") {
        format!("champ «\u{a0}{field}\u{a0}» en double")
    } else if serde_message.starts_with("invalid type") {
        "une valeur n’est pas du type attendu".to_string()
    } else if serde_message.starts_with("invalid value")
        || serde_message.starts_with("invalid length")
    {
        "une valeur est hors des limites".to_string()
    } else {
        "contenu inattendu".to_string()
    }
}

fn check_highlight(h: &Highlight) -> Result<(), &'static str> {
    if h.id.is_empty() {
        return Err("surlignage sans identifiant");
    }
    if h.position.start > h.position.end {
        return Err("position de fin avant le début");
    }
    if h.quote.exact.trim().is_empty() && !h.deleted {
        return Err("passage vide");
    }
    Ok(())
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportSummary {
    pub added: usize,
    pub updated: usize,
    pub deleted: usize,
    pub unchanged: usize,
    /// Time stamps far in the future, taken as unknown (see `clock`).
    pub future: usize,
    /// Notes whose text here and in the file differ: both kept (see `import_record`).
    pub both_kept: usize,
}

/// Put between a note's text kept by an import and the file's other version of it.
pub const IMPORTED_VERSION: &str = "\n\n— Autre version, venue d’un fichier importé\u{a0}:\n";

impl ImportSummary {
    pub fn message_fr(&self) -> String {
        let future = match self.future {
            0 => String::new(),
            n => format!(
                " {n} date(s) dans le futur, impossibles, ont été tenues pour inconnues\u{a0}: vos \
                 prochaines modifications primeront."
            ),
        };
        let both = match self.both_kept {
            0 => String::new(),
            n => format!(
                " {n} note(s) différaient ici et dans le fichier\u{a0}: les deux textes sont \
                 gardés, l’un après l’autre."
            ),
        };
        let future = format!("{both}{future}");
        if self.added + self.updated + self.deleted == 0 {
            return format!(
                "Import terminé\u{a0}: rien de nouveau ({} élément(s) déjà à jour).{future}",
                self.unchanged
            );
        }
        format!(
            "Import terminé\u{a0}: {} ajouté(s), {} mis à jour, {} supprimé(s), {} déjà à jour.{future}",
            self.added, self.updated, self.deleted, self.unchanged
        )
    }
}

/// Merges imported records into the stored ones, counting what changed (`now`: the time of
/// the import). Absurd time stamps (see `clock`) are taken as unknown first, as everywhere
/// records come in. Returns the records of the file's articles, as they now are.
pub fn merge_all(
    stored: &BTreeMap<String, ArticleRecord>,
    imported: &BTreeMap<String, ArticleRecord>,
    now: i64,
) -> (BTreeMap<String, ArticleRecord>, ImportSummary) {
    let mut merged = BTreeMap::new();
    let mut summary = ImportSummary::default();
    for (slug, incoming) in imported {
        let mut incoming = incoming.clone();
        summary.future += clock::clamp_future(&mut incoming);
        let incoming = &incoming;
        let before = stored.get(slug).cloned().unwrap_or_default();
        let (after, both_kept) = import_record(&before, incoming, now);
        summary.both_kept += both_kept;
        // Each highlight once, however many times the file lists its id (the merge keeps one).
        let mut counted = std::collections::BTreeSet::new();
        for h in &incoming.highlights {
            if !counted.insert(h.id.as_str()) {
                continue;
            }
            let old = before.highlights.iter().find(|b| b.id == h.id);
            let new = after.highlights.iter().find(|a| a.id == h.id);
            match (old, new) {
                (None, Some(n)) if !n.deleted => summary.added += 1,
                (Some(o), Some(n)) if o == n => summary.unchanged += 1,
                (Some(o), Some(n)) if n.deleted && !o.deleted => summary.deleted += 1,
                (Some(_), Some(_)) => summary.updated += 1,
                _ => summary.unchanged += 1,
            }
        }
        match (&before.note, &after.note) {
            (a, b) if a == b => {
                if incoming.note.is_some() {
                    summary.unchanged += 1
                }
            }
            (None, Some(_)) => summary.added += 1,
            _ => summary.updated += 1,
        }
        merged.insert(slug.clone(), after);
    }
    (merged, summary)
}

/// `held` with `incoming` from a file merged in: the newer edit wins, as in every merge, but a
/// note whose two versions differ keeps the other text too, after the kept one, as an edit at
/// `now`. A file says nothing of which version its writer had seen: an old copy of a text and
/// one written apart on another device look alike, and only keeping both loses neither. A
/// text the kept one already holds adds nothing (an older export of a note since lengthened,
/// the same file again), and a deletion stays a deletion. Returns how many notes hold both.
pub fn import_record(
    held: &ArticleRecord,
    incoming: &ArticleRecord,
    now: i64,
) -> (ArticleRecord, usize) {
    let mut merged = merge(held, incoming);
    let mut both_kept = 0;
    let (held_by_id, incoming_by_id) = (by_id(held), by_id(incoming));
    for h in &mut merged.highlights {
        let (Some(&here), Some(&there)) = (
            held_by_id.get(h.id.as_str()),
            incoming_by_id.get(h.id.as_str()),
        ) else {
            continue;
        };
        if h.deleted || here.deleted || there.deleted {
            continue;
        }
        let other = if h.note == here.note { there } else { here };
        if let Some(both) = with_other_version(&h.note, &other.note, IMPORTED_VERSION) {
            h.note = both;
            h.updated = clock::next_update(here.updated.max(there.updated), now);
            both_kept += 1;
        }
    }
    if let (Some(here), Some(there), Some(note)) = (&held.note, &incoming.note, &mut merged.note) {
        let other = if note.text == here.text { there } else { here };
        if let Some(both) = with_other_version(&note.text, &other.text, IMPORTED_VERSION) {
            note.text = both;
            note.updated = clock::next_update(here.updated.max(there.updated), now);
            both_kept += 1;
        }
    }
    (merged, both_kept)
}

/// What the Markdown export needs of each article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArticleMeta {
    pub slug: String,
    pub title: String,
    /// The article's absolute URL; `#h-<id>` is appended for each highlight.
    pub url: String,
}

/// A readable document: per article its note, then each live highlight in reading order as a
/// block quote with its note and a link back. Articles unknown to `articles` (removed from the
/// app) come last under their slug.
pub fn export_markdown(
    articles: &[ArticleMeta],
    records: &BTreeMap<String, ArticleRecord>,
    exported_on: &str,
) -> String {
    let mut out = format!("# Mes notes — Liseuse\n\nExporté le {exported_on}.\n");
    let known = articles.iter().map(|a| (a.slug.as_str(), Some(a)));
    let unknown = records
        .keys()
        .filter(|slug| !articles.iter().any(|a| &a.slug == *slug))
        .map(|slug| (slug.as_str(), None));
    for (slug, meta) in known.chain(unknown) {
        let Some(record) = records.get(slug) else {
            continue;
        };
        let mut live: Vec<&Highlight> = record.live().collect();
        let note = record.note.as_ref().map(|n| n.text.trim()).unwrap_or("");
        if live.is_empty() && note.is_empty() {
            continue;
        }
        live.sort_by_key(|h| (h.position.start, h.created));
        let title = meta.map_or_else(|| format!("{slug} (article retiré)"), |m| m.title.clone());
        out.push_str(&format!("\n## {}\n", escape_inline(&title)));
        if let Some(m) = meta {
            out.push_str(&format!("\n<{}>\n", m.url));
        }
        if !note.is_empty() {
            out.push_str("\n**Notes sur l’article**\n\n");
            out.push_str(&escape_block(note));
            out.push('\n');
        }
        for h in live {
            out.push('\n');
            for line in h.quote.exact.lines() {
                if line.trim().is_empty() {
                    out.push_str(">\n");
                } else {
                    out.push_str(&format!("> {}\n", escape_inline(line.trim())));
                }
            }
            if !h.note.trim().is_empty() {
                out.push('\n');
                out.push_str(&escape_block(h.note.trim()));
                out.push('\n');
            }
            out.push_str(&format!("\n*{}*", h.color.label_fr()));
            if let Some(m) = meta {
                out.push_str(&format!(" · [Ouvrir dans Liseuse]({}#h-{})", m.url, h.id));
            }
            out.push('\n');
        }
    }
    out
}

/// Escapes what Markdown would take for markup (and raw HTML, and character references such as
/// `&copy;`), keeping the text readable.
fn escape_inline(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(
            c,
            '\\' | '*' | '_' | '`' | '[' | ']' | '<' | '>' | '#' | '|' | '~' | '&'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A reader's text as Markdown paragraphs that render as typed: a line is never read as a list
/// item (`-`, `+`, `2024.`, `1989)`), an underline making the line above a heading (`===`,
/// `---`) or indented code (its leading spaces kept as no-break ones).
fn escape_block(text: &str) -> String {
    text.lines()
        .map(|line| {
            let line = line.trim_end();
            let body = line.trim_start();
            let indent = "\u{a0}".repeat(line.chars().count() - body.chars().count());
            let body = escape_inline(body);
            let digits = body.chars().take_while(char::is_ascii_digit).count();
            let escaped = match body.chars().next() {
                Some('-' | '+' | '=') => format!("\\{body}"),
                Some(_)
                    if digits > 0 && matches!(body[digits..].chars().next(), Some('.' | ')')) =>
                {
                    format!("{}\\{}", &body[..digits], &body[digits..])
                }
                _ => body,
            };
            indent + &escaped
        })
        .collect::<Vec<_>>()
        .join("  \n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notes::{
        merge::tests::{highlight, record_strategy},
        model::ArticleNote,
    };
    use proptest::prelude::*;

    const NOW: i64 = 1_000_000;

    #[test]
    fn an_import_from_the_far_future_is_taken_as_unknown_and_said() {
        let mut records = sample();
        records.get_mut("essai").unwrap().highlights[0].updated = i64::MAX;
        let back = import_json(export_json(&records, 42).as_bytes()).unwrap();
        let (merged, summary) = merge_all(&BTreeMap::new(), &back, NOW);
        assert_eq!(summary.future, 1);
        assert_eq!(merged["essai"].highlights[0].updated, 0);
        assert!(summary.message_fr().contains("1 date(s) dans le futur"));
    }

    fn sample() -> BTreeMap<String, ArticleRecord> {
        let mut h = highlight("x", 3, "Ma note <img src=x onerror=alert(1)>", false);
        h.article = "essai".into();
        h.quote.exact = "la confiance\n\nse donne".into();
        let mut gone = highlight("y", 4, "", true);
        gone.article = "essai".into();
        BTreeMap::from([(
            "essai".to_string(),
            ArticleRecord {
                highlights: vec![h, gone],
                ..Default::default()
            },
        )])
    }

    #[test]
    fn export_then_import_is_identity_and_reimport_changes_nothing() {
        let records = sample();
        let file = export_json(&records, 42);
        let back = import_json(file.as_bytes()).unwrap();
        assert_eq!(back, records);
        let (merged, summary) = merge_all(&records, &back, NOW);
        assert_eq!(merged, records);
        assert_eq!((summary.added, summary.updated, summary.deleted), (0, 0, 0));
        assert!(summary.message_fr().contains("rien de nouveau"));
        let (merged, summary) = merge_all(&BTreeMap::new(), &back, NOW);
        assert_eq!(summary.added, 1);
        assert_eq!(merged["essai"].highlights.len(), 2);
    }

    /// An export made before exports were filed (a highlight naming another article than the
    /// one it was kept under) reads back, filed where it was kept, rather than refused whole.
    #[test]
    fn an_older_export_of_a_highlight_naming_another_article_reads_back() {
        let file = export_json(&sample(), 42);
        let older = file.replacen("\"article\": \"essai\"", "\"article\": \"autre\"", 1);
        assert_ne!(older, file);
        let back = import_json(older.as_bytes()).unwrap();
        assert_eq!(back, sample());
    }

    /// One highlight "x" with `note`, edited at `updated`, and the article's note `text`.
    fn device(note: &str, updated: i64, text: &str) -> BTreeMap<String, ArticleRecord> {
        let mut record = sample()["essai"].clone();
        record.highlights[0].note = note.into();
        record.highlights[0].updated = updated;
        record.note = Some(ArticleNote {
            text: text.into(),
            updated,
            ..Default::default()
        });
        BTreeMap::from([("essai".to_string(), record)])
    }

    #[test]
    fn notes_written_apart_on_two_devices_are_both_kept_whichever_way_the_file_goes() {
        let phone = device("Idée + remarque du téléphone", 10, "Résumé du téléphone");
        let laptop = device("Idée de l’ordinateur", 20, "Résumé de l’ordinateur");
        for (here, file) in [(&laptop, &phone), (&phone, &laptop)] {
            let file = import_json(export_json(file, 42).as_bytes()).unwrap();
            let (merged, summary) = merge_all(here, &file, NOW);
            let record = &merged["essai"];
            assert_eq!(
                record.highlights[0].note,
                format!("Idée de l’ordinateur{IMPORTED_VERSION}Idée + remarque du téléphone")
            );
            assert_eq!(
                record.note.as_ref().unwrap().text,
                format!("Résumé de l’ordinateur{IMPORTED_VERSION}Résumé du téléphone")
            );
            assert!(record.highlights[0].updated > 20);
            assert_eq!((summary.both_kept, summary.updated), (2, 2));
            assert!(summary.message_fr().contains("les deux textes sont gardés"));
            assert!(!summary.message_fr().contains("rien de nouveau"));
            // The same file again, or the result on the other device, changes nothing more.
            let (again, summary) = merge_all(&merged, &file, NOW + 1);
            assert_eq!((&again, summary.both_kept), (&merged, 0));
            let (other_way, summary) = merge_all(&file, &merged, NOW + 1);
            assert_eq!((&other_way, summary.both_kept), (&merged, 0));
        }
    }

    #[test]
    fn an_older_export_of_a_lengthened_note_or_of_a_deleted_highlight_adds_nothing() {
        let backup = device("Idée", 10, "Résumé");
        let now = device("Idée, puis développée", 20, "Résumé, puis complété");
        let (merged, summary) = merge_all(&now, &backup, NOW);
        assert_eq!((&merged, summary.both_kept), (&now, 0));
        // Only the file's articles come back, not the whole notebook.
        let mut more = now.clone();
        more.insert("autre".into(), ArticleRecord::default());
        assert_eq!(merge_all(&more, &backup, NOW).0, now);
        assert!(summary.message_fr().contains("rien de nouveau"));
        let mut deleted = device("", 30, "Résumé");
        deleted.get_mut("essai").unwrap().highlights[0].deleted = true;
        let (merged, summary) = merge_all(&deleted, &backup, NOW);
        assert!(merged["essai"].highlights[0].deleted);
        assert_eq!(summary.both_kept, 0);
    }

    #[test]
    fn bad_files_get_clear_errors() {
        assert_eq!(import_json(&[0xff, 0xfe, 0x00]), Err(ImportError::NotUtf8));
        assert!(matches!(
            import_json(b"{\n  \"format\": "),
            Err(ImportError::NotJson { line: 2, .. })
        ));
        assert_eq!(
            import_json(br#"{"hello":"world"}"#),
            Err(ImportError::Foreign)
        );
        assert_eq!(import_json(b"[]"), Err(ImportError::Foreign));
        for empty in [&b""[..], b"\xef\xbb\xbf", b" \n"] {
            assert_eq!(import_json(empty), Err(ImportError::Empty));
        }
        assert!(matches!(
            import_json(br#"{"format":"liseuse-export","version":0,"articles":{}}"#),
            Err(ImportError::Invalid { path, .. }) if path == "version"
        ));
        assert_eq!(
            import_json(br#"{"format":"liseuse-export","version":7,"articles":{}}"#),
            Err(ImportError::NewerVersion { found: 7 })
        );
        let bad_range = export_json(&sample(), 1).replace("\"end\": 4", "\"end\": 0");
        match import_json(bad_range.as_bytes()) {
            Err(ImportError::Invalid { path, .. }) => {
                assert_eq!(path, "articles.essai.highlights[0]")
            }
            other => panic!("{other:?}"),
        }
        let big = vec![b' '; MAX_IMPORT_BYTES + 1];
        assert!(matches!(
            import_json(&big),
            Err(ImportError::TooLarge { .. })
        ));
        for e in [
            ImportError::NotUtf8,
            ImportError::Foreign,
            ImportError::NotJson { line: 1, column: 2 },
        ] {
            assert!(e.message_fr().ends_with("Rien n’a été modifié."));
        }
    }

    /// What is wrong with a record is said in French, naming what is wrong.
    #[test]
    fn a_damaged_record_is_described_in_french() {
        let file = export_json(&sample(), 1);
        let color = serde_json::to_string(&sample()["essai"].highlights[0].color).unwrap();
        for (damaged, said) in [
            (
                file.replacen(&format!("\"color\": {color}"), "\"color\": \"purple\"", 1),
                "valeur inconnue «\u{a0}purple\u{a0}»",
            ),
            (
                file.replacen("\"note\": \"Ma note", "\"note\": null, \"x\": \"", 1),
                "une valeur n’est pas du type attendu",
            ),
        ] {
            assert_ne!(damaged, file, "{said}");
            match import_json(damaged.as_bytes()) {
                Err(e @ ImportError::Invalid { .. }) => {
                    let message = e.message_fr();
                    assert!(message.contains(said), "{message}");
                    assert!(
                        !message.contains("expected") && !message.contains("invalid"),
                        "{message}"
                    );
                }
                other => panic!("{said}: {other:?}"),
            }
        }
        assert_eq!(
            reason_fr("missing field `id`"),
            "champ «\u{a0}id\u{a0}» absent"
        );
    }

    /// A file that lists one highlight twice adds one, and says one.
    #[test]
    fn a_highlight_listed_twice_counts_once() {
        let mut twice = sample();
        let record = twice.get_mut("essai").unwrap();
        let mut again = record.highlights[0].clone();
        again.note = "deux".into();
        again.updated += 1;
        record.highlights.push(again);
        let (merged, summary) = merge_all(&BTreeMap::new(), &twice, NOW);
        assert_eq!(
            merged["essai"]
                .highlights
                .iter()
                .filter(|h| h.id == "x")
                .count(),
            1
        );
        assert_eq!(summary.added, 1, "{summary:?}");
    }

    /// Lines of a note that Markdown would read as markup render as typed (CommonMark rules).
    #[test]
    fn a_note_s_lines_are_never_read_as_markdown_blocks() {
        let cases = [
            ("Mon titre\n===", "Mon titre  \n\\==="),
            ("Mon titre\n---", "Mon titre  \n\\---"),
            ("2024. Une année", "2024\\. Une année"),
            ("1989) L’année", "1989\\) L’année"),
            ("- liste\n+ liste", "\\- liste  \n\\+ liste"),
            ("AT&T &copy;", "AT\\&T \\&copy;"),
            ("~~barré~~", "\\~\\~barré\\~\\~"),
            (
                "Avant\n\n    code ?",
                "Avant  \n  \n\u{a0}\u{a0}\u{a0}\u{a0}code ?",
            ),
            ("12 h 30. Rendez-vous", "12 h 30. Rendez-vous"),
        ];
        for (note, markdown) in cases {
            assert_eq!(escape_block(note), markdown, "{note:?}");
        }
    }

    #[test]
    fn markdown_export_reads_well_and_keeps_html_as_text() {
        let meta = [ArticleMeta {
            slug: "essai".into(),
            title: "Un essai".into(),
            url: "https://ex.fr/lire/essai/".into(),
        }];
        let md = export_markdown(&meta, &sample(), "24/11/2026");
        assert!(md.starts_with("# Mes notes — Liseuse\n"));
        assert!(md.contains("\n## Un essai\n"));
        assert!(md.contains("> la confiance\n>\n> se donne\n"));
        assert!(md.contains("Ma note \\<img src=x onerror=alert(1)\\>"));
        assert!(md.contains("[Ouvrir dans Liseuse](https://ex.fr/lire/essai/#h-x)"));
        assert!(
            !md.contains("#h-y"),
            "deleted highlights are not exported to Markdown"
        );
    }

    fn json_value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            ".{0,8}".prop_map(Value::String),
            Just(Value::String(FORMAT.into())),
        ];
        leaf.prop_recursive(4, 40, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                prop::collection::btree_map(
                    prop_oneof![
                        Just("format".to_string()),
                        Just("version".to_string()),
                        Just("articles".to_string()),
                        "[a-z]{1,6}"
                    ],
                    inner,
                    0..5
                )
                .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #[test]
        fn import_never_panics_on_bytes(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
            let _ = import_json(&bytes);
        }

        #[test]
        fn import_never_panics_on_json(value in json_value()) {
            let _ = import_json(value.to_string().as_bytes());
            let wrapped = serde_json::json!({"format": FORMAT, "version": 1, "articles": {"a": value}});
            let _ = import_json(wrapped.to_string().as_bytes());
        }

        #[test]
        fn mutated_exports_never_panic(cut in 0usize..2000, byte in any::<u8>()) {
            let mut file = export_json(&sample(), 1).into_bytes();
            let at = cut % file.len();
            file[at] = byte;
            let _ = import_json(&file);
            let _ = import_json(&file[..at]);
        }

        /// Whatever article its highlights name (a record stored by hand, or by an older
        /// build), an export reads back, filed where it was kept.
        #[test]
        fn export_import_round_trip(record in record_strategy(), named in "[a-b]") {
            let mut record = record;
            for h in &mut record.highlights {
                h.article = named.clone();
            }
            let kept = BTreeMap::from([("a".to_string(), record.clone())]);
            let back = import_json(export_json(&kept, 0).as_bytes()).unwrap();
            let records = BTreeMap::from([("a".to_string(), record.filed_under("a"))]);
            prop_assert!(back["a"].highlights.iter().all(|h| h.article == "a"));
            prop_assert_eq!(&back, &records);
            let (merged, summary) = merge_all(&records, &back, NOW);
            prop_assert_eq!(merged, records);
            prop_assert_eq!(summary.added + summary.updated + summary.deleted, 0);
        }
    }
}
