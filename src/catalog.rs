//! The content as the app loads it: the library, articles and parts of the search index are
//! fetched from `content/<version>/` when a page first needs them (the service worker keeps
//! them for offline reading), parsed once, and kept for the life of the page. Views read them
//! through signals, so a page renders again when what it waits for arrives.

use crate::{
    browser,
    content::{Article, Library, CONTENT_VERSION},
    search::{Corpus, Needed, Shard},
};
use leptos::{prelude::*, task::spawn_local};
use std::collections::{HashMap, HashSet};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// Why a file could not be had.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoadError {
    /// The server has no such file (an article that does not exist).
    NotFound,
    /// No network, and no copy kept for offline reading.
    Offline,
    /// A file this page's build must have is gone from the server: a newer build was deployed
    /// (and, with the service worker, taken by another tab). Not "this article does not exist".
    Outdated,
    /// Anything else, said in French.
    Broken(String),
}

impl LoadError {
    pub fn message(&self) -> String {
        match self {
            LoadError::NotFound => "Ce contenu n’existe pas.".into(),
            LoadError::Offline => "Pas de connexion, et ce contenu n’a pas encore été \
                                   enregistré pour la lecture hors ligne."
                .into(),
            LoadError::Outdated => {
                "Liseuse a été mise à jour depuis l’ouverture de cette page\u{a0}: \
                                    rechargez-la pour lire la nouvelle version."
                    .into()
            }
            LoadError::Broken(why) => format!("Ce contenu n’a pas pu être chargé\u{a0}: {why}."),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Load<T> {
    Loading,
    Ready(T),
    Failed(LoadError),
}

type Loaded<T> = Result<&'static T, LoadError>;

/// The library's path under `content/<version>/`.
const LIBRARY_FILE: &str = "library.json";

/// Where this build's content file at `path` is served.
fn content_url(path: &str) -> String {
    format!("{}/content/{CONTENT_VERSION}/{path}", browser::base())
}

/// Everything fetched so far. Parsed files are leaked on purpose: each is loaded at most once
/// per page life and lives as long as the page, and `&'static` lets views hold them freely.
#[derive(Clone, Copy)]
pub struct Catalog {
    library: RwSignal<Option<Loaded<Library>>>,
    articles: RwSignal<HashMap<String, Loaded<Article>>>,
    shards: RwSignal<HashMap<char, Loaded<Shard>>>,
    /// Files asked for (by path), so each is fetched once at a time.
    requested: StoredValue<HashSet<String>>,
}

impl Catalog {
    pub fn provide() -> Self {
        let catalog = Catalog {
            library: RwSignal::new(None),
            articles: RwSignal::new(HashMap::new()),
            shards: RwSignal::new(HashMap::new()),
            requested: StoredValue::new(HashSet::new()),
        };
        provide_context(catalog);
        catalog
    }

    pub fn get() -> Self {
        expect_context()
    }

    /// The library (tracked); asks for it on first use.
    pub fn library(&self) -> Load<&'static Library> {
        match self.library.get() {
            Some(loaded) => loaded.into(),
            None => {
                self.fetch(LIBRARY_FILE, Library::parse, |this, parsed| {
                    this.library.set(Some(parsed))
                });
                Load::Loading
            }
        }
    }

    /// An article (tracked); asks for it on first use.
    pub fn article(&self, slug: &str) -> Load<&'static Article> {
        let path = format!("a/{slug}.json");
        self.load(self.articles, slug.to_string(), &path, |json| {
            let article = Article::parse(json);
            browser::mark("liseuse:article-parsed");
            article
        })
    }

    /// A part of the search index (tracked); asks for it on first use.
    pub fn shard(&self, key: char) -> Load<&'static Shard> {
        self.load(self.shards, key, &format!("s/{key}.json"), Shard::parse)
    }

    /// Asks for what a search reported missing (untracked: asking is not reading).
    pub fn request(&self, needed: &[Needed]) {
        untrack(|| self.request_all(needed));
    }

    fn request_all(&self, needed: &[Needed]) {
        for n in needed {
            match n {
                Needed::Article(slug) => {
                    self.article(slug);
                }
                Needed::Shard(key) => {
                    self.shard(*key);
                }
            }
        }
    }

    /// Why one of these could not be loaded, if one could not (tracked).
    pub fn failure(&self, needed: &[Needed]) -> Option<LoadError> {
        needed.iter().find_map(|n| match n {
            Needed::Article(slug) => self
                .articles
                .with(|a| a.get(slug).and_then(|r| r.as_ref().err().cloned())),
            Needed::Shard(key) => self
                .shards
                .with(|s| s.get(key).and_then(|r| r.as_ref().err().cloned())),
        })
    }

    /// What a search can use now (tracked): `None` until the library is loaded.
    pub fn corpus(&self) -> Option<Snapshot> {
        let Load::Ready(library) = self.library() else {
            return None;
        };
        Some(Snapshot {
            library,
            shards: self.shards.with(|s| {
                s.iter()
                    .filter_map(|(k, v)| Some((*k, *v.as_ref().ok()?)))
                    .collect()
            }),
            articles: self.articles.with(|a| {
                a.iter()
                    .filter_map(|(k, v)| Some((k.clone(), *v.as_ref().ok()?)))
                    .collect()
            }),
        })
    }

    /// Forgets a failure, so the next read asks again (e.g. back online).
    pub fn retry(&self) {
        self.requested.update_value(|r| r.clear());
        if self.library.with_untracked(|l| matches!(l, Some(Err(_)))) {
            self.library.set(None);
        }
        self.articles.update(|a| a.retain(|_, v| v.is_ok()));
        self.shards.update(|s| s.retain(|_, v| v.is_ok()));
    }

    /// The file at `path`, kept in `map` under `key` once loaded.
    fn load<K, T>(
        &self,
        map: RwSignal<HashMap<K, Loaded<T>>>,
        key: K,
        path: &str,
        parse: fn(&str) -> Result<T, String>,
    ) -> Load<&'static T>
    where
        K: Eq + std::hash::Hash + Send + Sync + 'static,
        T: Send + Sync + 'static,
    {
        if let Some(loaded) = map.with(|m| m.get(&key).cloned()) {
            return loaded.into();
        }
        self.fetch(path, parse, move |_, parsed| {
            map.update(|m| {
                m.insert(key, parsed);
            })
        });
        Load::Loading
    }

    fn fetch<T: 'static>(
        &self,
        path: &str,
        parse: fn(&str) -> Result<T, String>,
        store: impl FnOnce(Catalog, Loaded<T>) + 'static,
    ) {
        let fresh = self
            .requested
            .try_update_value(|r| r.insert(path.to_string()))
            .unwrap_or(false);
        if !fresh {
            return;
        }
        let url = content_url(path);
        let this = *self;
        let path = path.to_string();
        spawn_local(async move {
            let loaded = fetch_text(&url).await.and_then(|text| {
                parse(&text)
                    .map(|value| &*Box::leak(Box::new(value)))
                    .map_err(LoadError::Broken)
            });
            let loaded = match loaded {
                Err(LoadError::NotFound) if this.must_exist(&path).await => {
                    browser::reload_once_for(CONTENT_VERSION);
                    Err(LoadError::Outdated)
                }
                other => other,
            };
            store(this, loaded);
        });
    }

    /// Whether this build has the file at `path` for sure: the library, and every article it
    /// lists. A 404 for one of them means the build was replaced on the server. (The library
    /// is fetched to tell, if the page has not loaded it: an article's page need not.)
    async fn must_exist(self, path: &str) -> bool {
        if path == LIBRARY_FILE {
            return true;
        }
        let Some(slug) = path
            .strip_prefix("a/")
            .and_then(|p| p.strip_suffix(".json"))
        else {
            return false;
        };
        if let Some(Ok(library)) = self.library.get_untracked() {
            return library.find(slug).is_some();
        }
        let url = content_url(LIBRARY_FILE);
        match fetch_text(&url).await {
            Err(LoadError::NotFound) => true,
            Ok(text) => match Library::parse(&text) {
                Ok(library) => {
                    let library: &'static Library = Box::leak(Box::new(library));
                    // Kept: the page that follows (« Page introuvable », then the library)
                    // does not fetch it again.
                    if self.library.with_untracked(Option::is_none) {
                        self.requested.update_value(|r| {
                            r.insert(LIBRARY_FILE.to_string());
                        });
                        self.library.set(Some(Ok(library)));
                    }
                    library.find(slug).is_some()
                }
                Err(_) => false,
            },
            Err(_) => false,
        }
    }
}

impl<T> From<Loaded<T>> for Load<&'static T> {
    fn from(loaded: Loaded<T>) -> Self {
        match loaded {
            Ok(value) => Load::Ready(value),
            Err(e) => Load::Failed(e),
        }
    }
}

/// The loaded part of the content, for a search.
pub struct Snapshot {
    library: &'static Library,
    shards: HashMap<char, &'static Shard>,
    articles: HashMap<String, &'static Article>,
}

impl Corpus for Snapshot {
    fn library(&self) -> &Library {
        self.library
    }
    fn shard(&self, key: char) -> Option<&Shard> {
        self.shards.get(&key).copied()
    }
    fn article(&self, slug: &str) -> Option<&Article> {
        self.articles.get(slug).copied()
    }
}

async fn fetch_text(url: &str) -> Result<String, LoadError> {
    let window = web_sys::window().ok_or_else(|| LoadError::Broken("pas de fenêtre".into()))?;
    let response = JsFuture::from(window.fetch_with_str(url))
        .await
        .map_err(|_| LoadError::Offline)?;
    let response: web_sys::Response = response
        .dyn_into()
        .map_err(|_| LoadError::Broken("réponse inattendue".into()))?;
    match response.status() {
        200 => {}
        404 => return Err(LoadError::NotFound),
        status => return Err(LoadError::Broken(format!("le serveur a répondu {status}"))),
    }
    let text = response
        .text()
        .map_err(|_| LoadError::Broken("réponse illisible".into()))?;
    let text = JsFuture::from(text)
        .await
        .ok()
        .and_then(|t| t.as_string())
        .ok_or(LoadError::Offline)?;
    // Every content file is JSON: a page in its place is a host set up for single-page apps
    // (`/* /index.html 200`) answering a file it does not have.
    if text.trim_start().starts_with('<') {
        return Err(LoadError::NotFound);
    }
    Ok(text)
}
