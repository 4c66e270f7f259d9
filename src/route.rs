//! Pure: which page an address shows, what its query says, and what a navigation does once its
//! page is drawn. The browser half is `crate::router`.

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

/// The usual spelling of a path that hosts serve as the same file: runs of `/` as one (`a//b`),
/// and a folder's `index.html` as the folder (`/lire/x/index.html` is `/lire/x/`, the file a
/// static host serves for it). `None` when `path` is already so.
pub fn canonical_path(path: &str) -> Option<String> {
    let mut out = String::with_capacity(path.len());
    for c in path.chars() {
        if !(c == '/' && out.ends_with('/')) {
            out.push(c);
        }
    }
    if let Some(folder) = out.strip_suffix("/index.html") {
        out.truncate(folder.len() + 1);
    }
    (out != path).then_some(out)
}

/// Whether two paths show the same page: the same kind and, for the reader, the same article
/// (slugs are compared, so `/lire/x` and `/lire/x/` are one page).
pub fn same_page(base: &str, a: &str, b: &str) -> bool {
    page(base, a) == page(base, b)
}

/// How the address came to change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Intent {
    /// The page as the browser loaded it (a first visit, a reload).
    Load,
    /// A link or a key of the app: a new entry in the tab's history.
    Push,
    /// In place of the current entry.
    Replace,
    /// Back or forward.
    Traverse,
}

/// Where the view goes once the page a navigation leads to is drawn.
#[derive(Debug, Clone, PartialEq)]
pub enum Scroll {
    /// Where it is: the same page (only the query changed), or a load (the browser's own).
    Keep,
    /// A new page opens at its top.
    Top,
    /// The place the address names (`#t-120` without its `#`): the page finds it.
    Place(String),
    /// Back where the reader was on that entry of the history (pixels from the top).
    To(f64),
    /// Back where the reader was before a load of the entry (a reload, « back » from another
    /// site): once the page is drawn, unless the reader has scrolled since (the static copy
    /// of an article can be read before the app starts, and the browser restores it itself).
    Restore(f64),
}

/// What a navigation does once its page is drawn.
#[derive(Debug, Clone, PartialEq)]
pub struct Arrival {
    pub scroll: Scroll,
    /// Another page than the one shown: its name is announced and, unless a place takes the
    /// focus, the focus moves to its heading (a reader of the screen starts there, as after a
    /// page load).
    pub new_page: bool,
}

impl Arrival {
    /// Whether the focus goes to the new page's heading.
    pub fn focus_heading(&self) -> bool {
        self.new_page && !matches!(self.scroll, Scroll::Place(_))
    }
}

/// What a navigation from the page at `from` to `to` (with `hash`, `#…` or empty) does, the
/// reader's scroll position on the entry being `saved` (back and forward, a reload).
pub fn arrival(
    base: &str,
    from: &str,
    to: &str,
    hash: &str,
    intent: Intent,
    saved: Option<f64>,
) -> Arrival {
    let new_page = intent != Intent::Load && !same_page(base, from, to);
    let place = Some(hash.trim_start_matches('#'))
        .filter(|p| !p.is_empty())
        .map(|p| Scroll::Place(p.to_string()));
    let fresh = if new_page { Scroll::Top } else { Scroll::Keep };
    let scroll = match intent {
        // A reload, or a page loaded again by « back » from another site: where the reader was
        // on this entry (a page the app draws after the load, as the library, has nothing for
        // the browser to restore), unless the address names a highlight, a shared passage or
        // the notes, which the page opens again; a text block (`t-`, a search result) is only
        // where the reading started.
        Intent::Load => match (place, saved) {
            (Some(Scroll::Place(p)), _) if !p.starts_with("t-") => Scroll::Place(p),
            (_, Some(y)) => Scroll::Restore(y),
            (place, None) => place.unwrap_or(Scroll::Keep),
        },
        // Where the reader was beats the place the entry was opened at: it came after.
        Intent::Traverse => saved.map(Scroll::To).or(place).unwrap_or(fresh),
        Intent::Push | Intent::Replace => place.unwrap_or(fresh),
    };
    Arrival { scroll, new_page }
}

/// The scroll position of each entry of the tab's history that the app made, by the entry's
/// id, the most recent last; at most [`Positions::KEPT`] of them. Kept in the tab's session
/// storage across reloads (`encode`, `decode`).
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Positions(Vec<(u64, f64)>);

impl Positions {
    pub const KEPT: usize = 100;

    pub fn remember(&mut self, entry: u64, y: f64) {
        self.0.retain(|(e, _)| *e != entry);
        self.0.push((entry, y));
        if self.0.len() > Self::KEPT {
            self.0.remove(0);
        }
    }

    pub fn recall(&self, entry: u64) -> Option<f64> {
        self.0.iter().find(|(e, _)| *e == entry).map(|(_, y)| *y)
    }

    /// `id:y` pairs, comma-separated.
    pub fn encode(&self) -> String {
        self.0
            .iter()
            .map(|(e, y)| format!("{e}:{}", y.round() as i64))
            .collect::<Vec<_>>()
            .join(",")
    }

    /// What `encode` wrote; anything else is skipped.
    pub fn decode(text: &str) -> Self {
        let mut positions = Positions::default();
        for (e, y) in text.split(',').filter_map(|pair| pair.split_once(':')) {
            if let (Ok(e), Ok(y)) = (e.parse(), y.parse::<i64>()) {
                positions.remember(e, y as f64);
            }
        }
        positions
    }
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
    fn paths_a_host_serves_alike_are_spelt_one_way() {
        assert_eq!(canonical_path("/lire/x/"), None);
        assert_eq!(canonical_path("/"), None);
        assert_eq!(canonical_path("/liseuse/lire/x"), None);
        assert_eq!(
            canonical_path("/lire/x/index.html").as_deref(),
            Some("/lire/x/")
        );
        assert_eq!(canonical_path("/index.html").as_deref(), Some("/"));
        assert_eq!(
            canonical_path("/liseuse/notes/index.html").as_deref(),
            Some("/liseuse/notes/")
        );
        assert_eq!(canonical_path("/lire/x//").as_deref(), Some("/lire/x/"));
        assert_eq!(
            canonical_path("//lire///x/index.html").as_deref(),
            Some("/lire/x/")
        );
        // Only a folder's index: a file of that name elsewhere in a slug is the slug's.
        assert_eq!(canonical_path("/lire/index.html-x/"), None);
        for path in ["/lire/x/index.html", "/lire/x//", "/liseuse//lire/x/"] {
            let canonical = canonical_path(path).unwrap();
            assert_eq!(canonical_path(&canonical), None, "{path}");
            assert_eq!(
                page("/liseuse", &canonical).0 == Page::NotFound,
                !canonical.starts_with("/liseuse")
            );
        }
        assert_eq!(
            page("", &canonical_path("/lire/x/index.html").unwrap()),
            (Page::Reader, Some("x".into()))
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
    fn articles_are_compared_by_slug() {
        assert!(same_page("", "/lire/x", "/lire/x/"));
        assert!(same_page("/liseuse", "/liseuse/notes", "/liseuse/notes/"));
        assert!(!same_page("", "/lire/x/", "/lire/y/"));
        assert!(!same_page("", "/lire/x/", "/notes/"));
    }

    #[test]
    fn arrivals() {
        let go = |from, to, hash, intent, saved| arrival("", from, to, hash, intent, saved);
        // A first load keeps the browser's scroll, or finds its place; nothing is announced.
        assert_eq!(
            go("/lire/x", "/lire/x", "", Intent::Load, None),
            Arrival {
                scroll: Scroll::Keep,
                new_page: false
            }
        );
        assert_eq!(
            go("/lire/x/", "/lire/x/", "#t-5", Intent::Load, None).scroll,
            Scroll::Place("t-5".into())
        );
        // A reload (or « back » from another site): where the reader was on the entry, even
        // one opened at a text block…
        for hash in ["", "#t-5"] {
            assert_eq!(
                go("/", "/", hash, Intent::Load, Some(300.0)),
                Arrival {
                    scroll: Scroll::Restore(300.0),
                    new_page: false
                }
            );
        }
        // …but a highlight, a shared passage or the notes named are opened again.
        for place in ["h-abc", "p=1-5,a,b,c,d", "notes-article"] {
            let hash = format!("#{place}");
            let arrival = arrival("", "/lire/x/", "/lire/x/", &hash, Intent::Load, Some(300.0));
            assert_eq!(arrival.scroll, Scroll::Place(place.into()));
        }
        // A link to another page: its top, its heading focused.
        let link = go("/lire/x/", "/notes/", "", Intent::Push, None);
        assert_eq!(
            link,
            Arrival {
                scroll: Scroll::Top,
                new_page: true
            }
        );
        assert!(link.focus_heading());
        // …or to a place in it, which takes the focus.
        let deep = go("/recherche/", "/lire/x/", "#t-9", Intent::Push, None);
        assert_eq!(deep.scroll, Scroll::Place("t-9".into()));
        assert!(deep.new_page && !deep.focus_heading());
        // Typing a search: the query changes, the page and the focus stay.
        let typing = go("/recherche/", "/recherche/", "", Intent::Replace, None);
        assert_eq!(
            typing,
            Arrival {
                scroll: Scroll::Keep,
                new_page: false
            }
        );
        assert!(!typing.focus_heading());
        // The same article with or without its slash is not a new page.
        assert!(!go("/lire/x", "/lire/x/", "", Intent::Push, None).new_page);
        // Back and forward: where the reader was, even on an entry opened at a place.
        assert_eq!(
            go(
                "/recherche/",
                "/lire/x/",
                "#t-9",
                Intent::Traverse,
                Some(1200.0)
            ),
            Arrival {
                scroll: Scroll::To(1200.0),
                new_page: true
            }
        );
        assert_eq!(
            go("/recherche/", "/lire/x/", "#t-9", Intent::Traverse, None).scroll,
            Scroll::Place("t-9".into())
        );
        assert_eq!(
            go("/notes/", "/lire/x/", "", Intent::Traverse, None).scroll,
            Scroll::Top
        );
        assert_eq!(
            go("/lire/x/", "/lire/x/", "", Intent::Traverse, None).scroll,
            Scroll::Keep
        );
    }

    #[test]
    fn positions_are_kept_per_entry_and_survive_a_reload() {
        let mut p = Positions::default();
        p.remember(7, 1200.4);
        p.remember(9, 0.0);
        p.remember(7, 300.0);
        assert_eq!(p.recall(7), Some(300.0));
        assert_eq!(p.recall(8), None);
        let again = Positions::decode(&p.encode());
        assert_eq!(again, p);
        assert_eq!(Positions::decode("x,1:2:3,4:5"), {
            let mut q = Positions::default();
            q.remember(4, 5.0);
            q
        });
        for e in 0..(Positions::KEPT as u64 + 10) {
            p.remember(e, 1.0);
        }
        assert_eq!(p.0.len(), Positions::KEPT);
        assert_eq!(p.recall(0), None);
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
