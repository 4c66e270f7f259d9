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
        let page = page_address(article);
        Some(Shared {
            link: share::link(&page, &pointer, &directive.encoded()),
            range,
            exact,
            note: note.filter(|n| !n.trim().is_empty()),
        })
    }
}

/// The article's address for others: the page's `og:url` where the site was built with its
/// address (`SITE_URL`; the reader may be on a local name others cannot reach), else this one.
fn page_address(article: &Article) -> String {
    let document = web_sys::window().and_then(|w| w.document());
    let own = document
        .as_ref()
        .and_then(|d| {
            d.query_selector(r#"meta[property="og:url"]"#)
                .ok()
                .flatten()
        })
        .and_then(|m| m.get_attribute("content"))
        .filter(|url| url.ends_with(&format!("/lire/{}/", article.meta.slug)));
    own.unwrap_or_else(|| {
        browser::absolute_url(&paths::article(browser::base(), &article.meta.slug))
    })
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
    let by_hand_field = NodeRef::<html::Textarea>::new();
    let first_button = NodeRef::<html::Button>::new();
    let can_share = !js_get(&navigator(), "share").is_undefined();
    // Whether the share sheet takes an image file (not every one that shares links does):
    // else the card is downloaded, and its button says so.
    let can_share_image = web_sys::Blob::new()
        .ok()
        .is_some_and(|empty| file_share_data(&empty, "carte.png", &meta.title).is_some());

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
    let copied = move |text: String, done: &'static str, ok: bool| {
        if ok {
            by_hand.set(None);
            reader.announcer.say(done);
        } else {
            by_hand.set(Some(text));
            reader
                .announcer
                .say("Copie refusée par le navigateur\u{a0}: le texte est à copier à la main");
            request_animation_frame(move || {
                if let Some(field) = by_hand_field.get_untracked() {
                    let _ = field.focus();
                    field.select();
                }
            });
        }
    };
    // Called within the click (Safari refuses a clipboard write or a share sheet after it);
    // a page served without HTTPS has no `navigator.clipboard`: the older copy command then.
    let copy = move |text: String, done: &'static str| {
        let clipboard = js_get(&navigator(), "clipboard");
        match call_promise(&clipboard, "writeText", &text.as_str().into()) {
            Some(written) => spawn_local(async move {
                let ok = JsFuture::from(written).await.is_ok();
                copied(text, done, ok);
            }),
            None => {
                let ok = copy_command(&text);
                copied(text, done, ok);
            }
        }
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
        let sheet = system_share(&data);
        spawn_local(async move {
            if let Err(message) = sheet.await {
                reader.announcer.say(&message);
            }
        });
    };

    // The card: its shape and theme, its preview, and a copy of it as a file.
    let shape = RwSignal::new(CardShape::Link);
    let theme = RwSignal::new(card_canvas::current_theme());
    let preview = RwSignal::new(None::<String>);
    let card_error = RwSignal::new(None::<String>);
    let png = StoredValue::new_local(None::<web_sys::Blob>);
    let shape_now = move || shape.try_get_untracked().unwrap_or(CardShape::Link);
    let theme_now = move || theme.try_get_untracked().unwrap_or(CardTheme::Clair);
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
                card_error.set(None);
                // Made now, not at the click: the share sheet must be called within it.
                png.set_value(None);
                spawn_local(async move {
                    match card_canvas::png(&drawn).await {
                        Ok(blob) => {
                            // Unless another shape or theme was drawn meanwhile.
                            if (shape, theme) == (shape_now(), theme_now()) {
                                png.try_set_value(Some(blob));
                            }
                        }
                        Err(error) => {
                            card_error.try_set(Some(error));
                        }
                    }
                });
            }
            Err(error) => card_error.set(Some(error)),
        }
    });
    let file_name = move || shape.get_untracked().file_name(&meta.slug);
    let share_card = move || {
        let Some(blob) = png.get_value() else {
            reader
                .announcer
                .say("L’image est en cours de création, un instant");
            return;
        };
        let name = file_name();
        match file_share_data(&blob, &name, &meta.title) {
            Some(data) => {
                let sheet = system_share(&data);
                spawn_local(async move {
                    if let Err(message) = sheet.await {
                        reader.announcer.say(&message);
                    }
                });
            }
            None => {
                browser::download_blob(&name, &blob);
                reader.announcer.say("Image téléchargée");
            }
        }
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
            // Focusable: a long passage scrolls within it.
            <blockquote class="share-quote" tabindex="0" aria-label="Le passage">{quote}</blockquote>
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
                <textarea
                    id="share-by-hand"
                    readonly
                    node_ref=by_hand_field
                    prop:value=text
                    on:focus=|ev| select_all(&ev)
                ></textarea>
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
                    {if can_share_image { "Partager l’image" } else { "Télécharger l’image" }}
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

/// `target.method(argument)`, when it returns a promise.
fn call_promise(target: &JsValue, method: &str, argument: &JsValue) -> Option<js_sys::Promise> {
    js_call(target, method, &Array::of1(argument))
        .dyn_into::<js_sys::Promise>()
        .ok()
}

/// The older way to copy, for pages served without HTTPS: a selected field and the copy
/// command. Whether the text was copied.
fn copy_command(text: &str) -> bool {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return false;
    };
    let Some(field) = document
        .create_element("textarea")
        .ok()
        .and_then(|f| f.dyn_into::<web_sys::HtmlTextAreaElement>().ok())
    else {
        return false;
    };
    field.set_value(text);
    let _ = field.set_attribute("readonly", "");
    let _ = field.set_attribute("style", "position:fixed;top:0;left:0;opacity:0");
    let Some(body) = document.body() else {
        return false;
    };
    let _ = body.append_child(&field);
    field.select();
    let done =
        js_call(&document, "execCommand", &Array::of1(&"copy".into())).as_bool() == Some(true);
    field.remove();
    done
}

/// Opens the system's share sheet (at once: within the reader's click) and says how it ended;
/// a reader who dismisses it is not told anything.
fn system_share(data: &Object) -> impl std::future::Future<Output = Result<(), String>> {
    let sheet = call_promise(&navigator(), "share", data);
    async move {
        let Some(sheet) = sheet else {
            return Err("Le partage n’est pas disponible sur cet appareil".into());
        };
        match JsFuture::from(sheet).await {
            Ok(_) => Ok(()),
            Err(e) if js_get(&e, "name").as_string().as_deref() == Some("AbortError") => Ok(()),
            Err(_) => Err("Le partage a échoué".into()),
        }
    }
}

/// What to give the share sheet for the card as a file, where it takes files.
fn file_share_data(blob: &web_sys::Blob, name: &str, title: &str) -> Option<Object> {
    let options = Object::new();
    set(&options, "type", &"image/png".into());
    let file = js_new(
        "File",
        &Array::of3(&Array::of1(blob), &name.into(), &options),
    )?;
    let data = Object::new();
    set(&data, "files", &Array::of1(&file));
    set(&data, "title", &title.into());
    let can = js_call(&navigator(), "canShare", &Array::of1(&data));
    (can.as_bool() == Some(true)).then_some(data)
}

fn select_all(event: &web_sys::FocusEvent) {
    if let Some(field) = event
        .target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlTextAreaElement>().ok())
    {
        field.select();
    }
}
