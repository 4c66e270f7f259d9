//! « Partager »: a passage as a link that opens it for anyone (`crate::share`), as a quotation to
//! paste, or as a picture (a quote card drawn on the device, `crate::card`). The system's share
//! sheet where there is one (phones); the clipboard everywhere. A chunk of its own, fetched at
//! the first « Partager ». The reader's note goes along only when asked.

use crate::{
    browser::{self, js_call, js_get, js_new},
    card::{CardShape, CardText, CardTheme},
    content::{self, Article},
    paths, share, split_point,
    view::{card_canvas, reader_context::ReaderContext, shared_passage::SharedPassage},
};
use js_sys::{Array, Object, Reflect};
use leptos::{html, prelude::*, task::spawn_local};
use std::ops::Range;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

split_point! { share_panel; preload prefetch;
    /// Fetches the code of sharing (the first time) and builds its parts there, for
    /// `OnDemand`: the panel of « Partager », and the notice about a passage a link opened.
    pub fn load() -> AnyView {
        view! { <SharedPassage /> <SharePanel /> }.into_any()
    }
}

/// Everything shared about one passage, made once when the panel opens.
#[derive(Clone)]
struct Shared {
    /// The passage, widened to whole words.
    range: Range<usize>,
    exact: String,
    link: String,
    /// The highlight's note, when shared from a highlight that has one.
    note: Option<String>,
}

impl Shared {
    fn new(article: &'static Article, range: Range<usize>, note: Option<String>) -> Option<Self> {
        let chars: Vec<char> = article.plain_text.chars().collect();
        let range = share::snap_to_words(&chars, range.start, range.end)?;
        let exact: String = chars[range.clone()].iter().collect();
        let pointer = share::Pointer::new(&chars, range.start, range.end);
        let before = page_before_text(article);
        let before: Vec<&str> = before.iter().map(String::as_str).collect();
        let directive = share::text_directive(&article.plain_text, range.clone(), &before);
        let origin = web_sys::window()
            .and_then(|w| w.location().origin().ok())
            .unwrap_or_default();
        let page = format!(
            "{origin}{}",
            paths::article(browser::base(), &article.meta.slug)
        );
        Some(Shared {
            link: share::link(&page, &pointer, &directive.encoded()),
            range,
            exact,
            note: note.filter(|n| !n.trim().is_empty()),
        })
    }
}

/// The text of an article's static page above its body (build/emit.rs, scripts/post-build.mjs):
/// a browser following a text fragment searches it first.
fn page_before_text(article: &Article) -> Vec<String> {
    let meta = &article.meta;
    let mut before: Vec<String> = [
        "Aller au contenu",
        "Liseuse",
        "Bibliothèque",
        "Mes notes",
        "Synchronisation",
        "Affichage",
    ]
    .map(String::from)
    .into();
    before.push(meta.title.clone());
    before.extend(meta.author.clone());
    before.extend(meta.date.clone());
    before.push(content::reading_time_label(meta.reading_minutes));
    before.push("Écouter".into());
    before
}

#[component]
fn SharePanel() -> impl IntoView {
    let reader = expect_context::<ReaderContext>();
    move || {
        let range = reader.share.get()?;
        // The note of the highlight shared, if any (read as it is now: it may have been typed
        // just before « Partager »).
        let note = reader.share_highlight.get_untracked().and_then(|id| {
            reader.anchored.with_untracked(|all| {
                all.iter()
                    .find(|a| a.highlight.id == id)
                    .map(|a| a.highlight.note.clone())
            })
        });
        let shared = Shared::new(reader.article, range, note);
        if shared.is_none() {
            // Nothing but white space was selected: nothing to share.
            reader.share.set(None);
        }
        shared.map(|shared| view! { <Panel shared /> })
    }
}

#[component]
fn Panel(shared: Shared) -> impl IntoView {
    let reader = expect_context::<ReaderContext>();
    let article = reader.article;
    let meta = &article.meta;
    let shared = StoredValue::new(shared);
    let with_note = RwSignal::new(false);
    let has_note = shared.with_value(|s| s.note.is_some());
    // Text to copy by hand, where the clipboard refused it (a page not served over HTTPS).
    let by_hand = RwSignal::new(None::<String>);
    let first_button = NodeRef::<html::Button>::new();
    let can_share = !js_get(&navigator(), "share").is_undefined();

    let citation = move || {
        shared.with_value(|s| {
            share::citation(
                &s.exact,
                &meta.title,
                meta.author.as_deref(),
                &s.link,
                s.note.as_deref().filter(|_| with_note.get_untracked()),
            )
        })
    };
    let close = move || {
        reader.share.set(None);
        // Back where the reader was: the highlight shared, else the passage's paragraph.
        match reader.share_highlight.get_untracked() {
            Some(id) => reader.focus_highlight(&id),
            None => reader.focus_text_at(Some(shared.with_value(|s| s.range.start))),
        }
    };
    let copy = move |text: String, done: &'static str| {
        spawn_local(async move {
            if write_clipboard(&text).await {
                by_hand.set(None);
                reader.announcer.say(done);
            } else {
                by_hand.set(Some(text));
                reader
                    .announcer
                    .say("Copie refusée par le navigateur\u{a0}: le texte est à copier à la main");
            }
        });
    };
    let share_sheet = move || {
        let (title, text, url) = shared.with_value(|s| {
            let mut text = format!(
                "{}\n{}",
                share::quotation(&s.exact),
                share::attribution(&meta.title, meta.author.as_deref())
            );
            if let Some(note) = s.note.as_deref().filter(|_| with_note.get_untracked()) {
                text.push_str("\n\nMa note\u{a0}: ");
                text.push_str(note.trim());
            }
            (meta.title.clone(), text, s.link.clone())
        });
        let data = Object::new();
        set(&data, "title", &title.into());
        set(&data, "text", &text.into());
        set(&data, "url", &url.into());
        spawn_local(async move {
            if let Err(message) = system_share(&data).await {
                reader.announcer.say(&message);
            }
        });
    };

    // The card: its shape and theme, its preview, and a copy of it as a file.
    let shape = RwSignal::new(CardShape::Link);
    let theme = RwSignal::new(card_canvas::current_theme());
    let preview = RwSignal::new(None::<String>);
    let card_error = RwSignal::new(None::<String>);
    let canvas = StoredValue::new_local(None::<web_sys::HtmlElement>);
    Effect::new(move |_| {
        let (shape, theme) = (shape.get(), theme.get());
        let drawn = shared.with_value(|s| {
            card_canvas::draw(
                shape,
                theme,
                &CardText {
                    quote: &s.exact,
                    title: &meta.title,
                    author: meta.author.as_deref(),
                    site: "Liseuse",
                },
            )
        });
        match drawn {
            Ok(drawn) => {
                preview.set(js_call(&drawn, "toDataURL", &Array::new()).as_string());
                canvas.set_value(Some(drawn));
                card_error.set(None);
            }
            Err(error) => card_error.set(Some(error)),
        }
    });
    let file_name = move || shape.get_untracked().file_name(&meta.slug);
    let share_card = move || {
        let Some(drawn) = canvas.get_value() else {
            return;
        };
        let name = file_name();
        let title = meta.title.clone();
        spawn_local(async move {
            let blob = match card_canvas::png(&drawn).await {
                Ok(blob) => blob,
                Err(error) => {
                    card_error.set(Some(error));
                    return;
                }
            };
            if !share_file(&blob, &name, &title).await {
                browser::download_blob(&name, &blob);
                reader.announcer.say("Image téléchargée");
            }
        });
    };

    // The first action gets the focus; Escape closes, from anywhere in the panel.
    request_animation_frame(move || {
        if let Some(button) = first_button.get_untracked() {
            let _ = button.focus();
        }
    });
    let on_keydown = move |ev: web_sys::KeyboardEvent| {
        if ev.key() == "Escape" {
            ev.prevent_default();
            close();
        }
    };
    let quote = shared.with_value(|s| share::quotation(&s.exact));
    let link = shared.with_value(|s| s.link.clone());

    view! {
        <aside
            class="panel share-panel"
            role="dialog"
            aria-labelledby="share-title"
            on:keydown=on_keydown
        >
            <h2 id="share-title">"Partager le passage"</h2>
            <blockquote class="share-quote">{quote}</blockquote>
            {has_note.then(|| view! {
                <label class="option">
                    <input
                        type="checkbox"
                        prop:checked=move || with_note.get()
                        on:change=move |ev| with_note.set(event_target_checked(&ev))
                    />
                    "Joindre ma note"
                </label>
            })}
            <div class="row">
                {can_share.then(|| view! {
                    <button type="button" class="btn-primary" node_ref=first_button on:click=move |_| share_sheet()>
                        "Partager…"
                    </button>
                })}
                <button
                    type="button"
                    class=if can_share { "btn" } else { "btn btn-primary" }
                    node_ref=if can_share { NodeRef::new() } else { first_button }
                    on:click=move |_| copy(shared.with_value(|s| s.link.clone()), "Lien copié")
                >
                    "Copier le lien"
                </button>
                <button type="button" class="btn" on:click=move |_| copy(citation(), "Citation copiée")>
                    "Copier la citation"
                </button>
            </div>
            <p class="share-link">
                "Lien\u{a0}: "
                <a href=link.clone() rel="external">{link.clone()}</a>
            </p>
            {move || by_hand.get().map(|text| view! {
                <label for="share-by-hand">"Copiez ce texte (Ctrl+C, ou un appui long)\u{a0}:"</label>
                <textarea id="share-by-hand" readonly prop:value=text on:focus=|ev| select_all(&ev)></textarea>
            })}
            <h3 id="share-card-title">"Image"</h3>
            <fieldset>
                <legend>"Format"</legend>
                {CardShape::ALL.iter().map(|&s| view! {
                    <label class="option">
                        <input
                            type="radio"
                            name="share-shape"
                            prop:checked=move || shape.get() == s
                            on:change=move |_| shape.set(s)
                        />
                        {s.label_fr()}
                    </label>
                }).collect_view()}
            </fieldset>
            <fieldset>
                <legend>"Couleurs"</legend>
                {CardTheme::ALL.iter().map(|&t| view! {
                    <label class="option">
                        <input
                            type="radio"
                            name="share-theme"
                            prop:checked=move || theme.get() == t
                            on:change=move |_| theme.set(t)
                        />
                        {t.label_fr()}
                    </label>
                }).collect_view()}
            </fieldset>
            {move || preview.get().map(|src| view! {
                <img
                    class="card-preview"
                    src=src
                    alt=move || format!("Aperçu de l’image\u{a0}: {}", shape.get().label_fr())
                />
            })}
            {move || card_error.get().map(|e| view! { <p class="error">{e}</p> })}
            <div class="row">
                <button type="button" class="btn" on:click=move |_| share_card()>
                    {if can_share { "Partager l’image" } else { "Télécharger l’image" }}
                </button>
                <button type="button" class="btn" on:click=move |_| close()>"Fermer"</button>
            </div>
        </aside>
    }
}

fn navigator() -> JsValue {
    js_get(&js_sys::global(), "navigator")
}

fn set(object: &Object, key: &str, value: &JsValue) {
    let _ = Reflect::set(object, &key.into(), value);
}

/// `navigator.clipboard.writeText`: whether the text is on the clipboard.
async fn write_clipboard(text: &str) -> bool {
    let clipboard = js_get(&navigator(), "clipboard");
    let promise = js_call(&clipboard, "writeText", &Array::of1(&text.into()));
    match promise.dyn_into::<js_sys::Promise>() {
        Ok(promise) => JsFuture::from(promise).await.is_ok(),
        Err(_) => false,
    }
}

/// The system's share sheet; a reader who dismisses it is not told anything.
async fn system_share(data: &Object) -> Result<(), String> {
    let promise = js_call(&navigator(), "share", &Array::of1(data));
    let Ok(promise) = promise.dyn_into::<js_sys::Promise>() else {
        return Err("Le partage n’est pas disponible sur cet appareil".into());
    };
    match JsFuture::from(promise).await {
        Ok(_) => Ok(()),
        Err(error) if js_get(&error, "name").as_string().as_deref() == Some("AbortError") => Ok(()),
        Err(_) => Err("Le partage a échoué".into()),
    }
}

/// Shares the card as a file where the share sheet takes files: whether it did (a reader who
/// dismissed the sheet counts: nothing else is done then).
async fn share_file(blob: &web_sys::Blob, name: &str, title: &str) -> bool {
    let options = Object::new();
    set(&options, "type", &"image/png".into());
    let Some(file) = js_new(
        "File",
        &Array::of3(&Array::of1(blob), &name.into(), &options),
    ) else {
        return false;
    };
    let data = Object::new();
    set(&data, "files", &Array::of1(&file));
    set(&data, "title", &title.into());
    let can = js_call(&navigator(), "canShare", &Array::of1(&data));
    if can.as_bool() != Some(true) {
        return false;
    }
    system_share(&data).await.is_ok()
}

fn select_all(event: &web_sys::FocusEvent) {
    if let Some(field) = event
        .target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlTextAreaElement>().ok())
    {
        field.select();
    }
}
