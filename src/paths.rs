//! The app's URLs. The app may be served under a sub-path (`/liseuse/`), so every link is built
//! from the base path the page was built for, never from a hard-coded `/`.

/// Normalises a base path: `""` for the root, otherwise `/a/b` with no trailing slash.
pub fn normalize_base(path: &str) -> String {
    let trimmed = path.trim_matches('/');
    if trimmed.is_empty() {
        String::new()
    } else {
        format!("/{trimmed}")
    }
}

/// The library (home).
pub fn library(base: &str) -> String {
    format!("{base}/")
}

/// An article. The trailing slash matches the `lire/<slug>/index.html` a static host serves.
pub fn article(base: &str, slug: &str) -> String {
    format!("{base}/lire/{slug}/")
}

/// "Mes notes".
pub fn my_notes(base: &str) -> String {
    format!("{base}/notes/")
}

/// « Synchronisation ».
pub fn sync(base: &str) -> String {
    format!("{base}/synchro/")
}

/// Search results; `search(base, "")` is the page's own path.
pub fn search(base: &str, query_string: &str) -> String {
    format!("{base}/recherche/{query_string}")
}

/// The name of the app's main wasm (`liseuse-<hash>_bg.wasm`) first named in `text` (a page's
/// head, the worker's script): it names the build.
pub fn wasm_name(text: &str) -> Option<&str> {
    text.match_indices("liseuse-").find_map(|(at, _)| {
        let rest = &text[at + "liseuse-".len()..];
        let hash = rest.len()
            - rest
                .trim_start_matches(|c: char| c.is_ascii_hexdigit())
                .len();
        (hash > 0 && rest[hash..].starts_with("_bg.wasm"))
            .then(|| &text[at..at + "liseuse-".len() + hash + "_bg.wasm".len()])
    })
}

/// `%xx` escapes to the UTF-8 text they spell; `None` if they do not spell any.
pub fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_is_normalized() {
        assert_eq!(normalize_base("/"), "");
        assert_eq!(normalize_base(""), "");
        assert_eq!(normalize_base("/liseuse/"), "/liseuse");
        assert_eq!(normalize_base("liseuse"), "/liseuse");
        assert_eq!(normalize_base("/a/b/"), "/a/b");
    }

    #[test]
    fn the_wasm_names_the_build() {
        let head = r#"<link rel="modulepreload" href="/liseuse-1a2b.js"><link rel="preload" href="/x/liseuse-1a2b_bg.wasm" as="fetch">"#;
        assert_eq!(wasm_name(head), Some("liseuse-1a2b_bg.wasm"));
        assert_eq!(
            wasm_name(r#"["liseuse-ff_bg.wasm","x"]"#),
            Some("liseuse-ff_bg.wasm")
        );
        assert_eq!(
            wasm_name("liseuse-.wasm liseuse-zz_bg.wasm liseuse-1a2b.js"),
            None
        );
    }

    #[test]
    fn links_carry_the_base() {
        assert_eq!(library(""), "/");
        assert_eq!(library("/liseuse"), "/liseuse/");
        assert_eq!(article("", "un-titre"), "/lire/un-titre/");
        assert_eq!(article("/liseuse", "un-titre"), "/liseuse/lire/un-titre/");
        assert_eq!(my_notes("/liseuse"), "/liseuse/notes/");
        assert_eq!(search("/liseuse", "?q=a"), "/liseuse/recherche/?q=a");
        assert_eq!(sync("/liseuse"), "/liseuse/synchro/");
    }
}
