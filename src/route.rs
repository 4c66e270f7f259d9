//! Pure: which page an address shows, and what its query says. The browser half is
//! `crate::router`.

use crate::paths::percent_decode;

/// The app's pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page {
    Library,
    Reader,
    MyNotes,
    Search,
    Sync,
    NotFound,
}

/// The page of `path` (a URL's path, under `base` as `paths::normalize_base` gives it), and the
/// article's slug for the reader. A trailing slash is optional, as static hosts serve both.
pub fn page(base: &str, path: &str) -> (Page, Option<String>) {
    let Some(rest) = path.strip_prefix(base) else {
        return (Page::NotFound, None);
    };
    let rest = rest.strip_suffix('/').unwrap_or(rest);
    let found = match rest {
        "" => Page::Library,
        "/notes" => Page::MyNotes,
        "/recherche" => Page::Search,
        "/synchro" => Page::Sync,
        _ => {
            return match rest.strip_prefix("/lire/").map(percent_decode) {
                Some(Some(slug)) if !slug.is_empty() && !slug.contains('/') => {
                    (Page::Reader, Some(slug))
                }
                _ => (Page::NotFound, None),
            }
        }
    };
    (found, None)
}

/// The value of `key` in a query string (`?q=a+b` or `q=a+b`), decoded as a form would encode
/// it (`+` is a space); the first if there are several.
pub fn query_value(search: &str, key: &str) -> Option<String> {
    search
        .trim_start_matches('?')
        .split('&')
        .filter_map(|pair| pair.split_once('=').or(Some((pair, ""))))
        .find(|(k, _)| form_decode(k).as_deref() == Some(key))
        .map(|(_, v)| form_decode(v).unwrap_or_else(|| v.to_string()))
}

fn form_decode(s: &str) -> Option<String> {
    percent_decode(&s.replace('+', " "))
}

/// Whether a link to `href` (a path) is the page at `path`: the same page, or, unless `exact`,
/// a page under it.
pub fn is_current(href: &str, path: &str, exact: bool) -> bool {
    let trim = |p: &str| p.trim_end_matches('/').to_string();
    let (href, path) = (trim(href), trim(path));
    path == href || (!exact && path.starts_with(&format!("{href}/")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::paths;
    use proptest::prelude::*;

    #[test]
    fn pages_are_found_under_the_base() {
        for base in ["", "/liseuse"] {
            let at = |p: &str| page(base, &format!("{base}{p}"));
            assert_eq!(at("/"), (Page::Library, None));
            assert_eq!(at(""), (Page::Library, None));
            assert_eq!(at("/notes/"), (Page::MyNotes, None));
            assert_eq!(at("/notes"), (Page::MyNotes, None));
            assert_eq!(at("/recherche/"), (Page::Search, None));
            assert_eq!(at("/synchro/"), (Page::Sync, None));
            assert_eq!(
                at("/lire/un-titre/"),
                (Page::Reader, Some("un-titre".into()))
            );
            assert_eq!(
                at("/lire/un-titre"),
                (Page::Reader, Some("un-titre".into()))
            );
            assert_eq!(at("/lire/"), (Page::NotFound, None));
            assert_eq!(at("/lire/a/b/"), (Page::NotFound, None));
            assert_eq!(at("/autre/"), (Page::NotFound, None));
            assert_eq!(at("/notesx/"), (Page::NotFound, None));
        }
        assert_eq!(page("/liseuse", "/notes/"), (Page::NotFound, None));
        assert_eq!(
            page("", "/lire/caf%C3%A9/"),
            (Page::Reader, Some("café".into()))
        );
    }

    #[test]
    fn the_app_links_lead_to_their_pages() {
        for base in ["", "/liseuse"] {
            assert_eq!(page(base, &paths::library(base)).0, Page::Library);
            assert_eq!(page(base, &paths::my_notes(base)).0, Page::MyNotes);
            assert_eq!(page(base, &paths::sync(base)).0, Page::Sync);
            assert_eq!(page(base, &paths::search(base, "")).0, Page::Search);
            assert_eq!(
                page(base, &paths::article(base, "x-y")),
                (Page::Reader, Some("x-y".into()))
            );
        }
    }

    #[test]
    fn query_values_are_decoded_like_a_form() {
        assert_eq!(
            query_value("?q=la+confiance", "q").as_deref(),
            Some("la confiance")
        );
        assert_eq!(
            query_value("q=%C3%A9thique%20et%2B", "q").as_deref(),
            Some("éthique et+")
        );
        assert_eq!(
            query_value("?a=1&q=deux&q=trois", "q").as_deref(),
            Some("deux")
        );
        assert_eq!(query_value("?q", "q").as_deref(), Some(""));
        assert_eq!(query_value("?q=", "q").as_deref(), Some(""));
        assert_eq!(query_value("", "q"), None);
        assert_eq!(query_value("?qq=1", "q"), None);
        // A broken escape is kept as typed rather than lost.
        assert_eq!(query_value("?q=100%", "q").as_deref(), Some("100%"));
    }

    #[test]
    fn current_links() {
        assert!(is_current("/notes/", "/notes/", false));
        assert!(is_current("/notes/", "/notes", true));
        assert!(is_current("/", "/", true));
        assert!(!is_current("/", "/notes/", true));
        assert!(is_current("/liseuse/", "/liseuse/lire/a/", false));
        assert!(!is_current("/notes/", "/notesx/", false));
    }

    proptest! {
        #[test]
        fn encoded_queries_decode_to_what_was_typed(typed in "\\PC{0,30}") {
            let encoded: String = typed
                .bytes()
                .map(|b| match b {
                    b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
                    b' ' => "+".into(),
                    _ => format!("%{b:02X}"),
                })
                .collect();
            prop_assert_eq!(query_value(&format!("?q={encoded}"), "q"), Some(typed));
        }
    }
}
