//! « Écouter »: the article read aloud by the device's voice (Web Speech API), with no server
//! and offline where the voice is local. One sentence per utterance: Chromium cuts long
//! utterances after about 15 s, and pausing a voice is unreliable on Android, so a pause is a
//! cancel and resuming says the current sentence again. The sentence being read is marked (CSS
//! Custom Highlight API, else a `<mark>` drawn from `ReaderContext::spoken`), kept on screen
//! unless the reader scrolled away a moment ago, and is the reading position. The phone's lock
//! screen and headphone buttons drive it through the Media Session API.
//! The player's code is a chunk: a reader who never listens never downloads it.

use crate::{
    browser::{self, js_call, js_get, js_new},
    content::{for_each_text_block, Article},
    read_aloud::{choose_voice, Script, Voice, RATES},
    selection, speech, split_point,
    view::{
        display::CurrentSettings,
        reader_context::{ReaderContext, Spoken},
    },
};
use js_sys::{Array, Object, Reflect};
use leptos::{ev, prelude::*};
use wasm_bindgen::{prelude::Closure, JsCast, JsValue};

split_point! { read_aloud; preload prefetch;
    /// Fetches the player's code (the first time) and builds it there: for `OnDemand`.
    pub fn load() -> AnyView {
        view! { <Player /> }.into_any()
    }
}

/// The name of the sentence's mark for `::highlight()` in the stylesheet.
const HIGHLIGHT: &str = "liseuse-voix";
/// After the reader scrolls, the text stops following the voice for this long.
const FOLLOW_AGAIN_MS: f64 = 4000.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Waiting for the device to list its voices.
    Starting,
    Playing,
    Paused,
    /// Stopped by the system (another tab or app took the voice, a network voice failed).
    Interrupted,
    Ended,
    /// No French voice (and none picked): the message says how to add one.
    NoVoice,
    /// The browser has no speech synthesis at all.
    NoSpeech,
}

/// The utterance being spoken and its handlers, kept alive until it ends (an utterance that is
/// collected early never fires `end` in Chromium).
struct Speaking {
    utterance: speech::Utterance,
    _handlers: [Closure<dyn FnMut(JsValue)>; 3],
}

/// A cancelled utterance still fires `error` afterwards: its handlers are taken off before
/// they are dropped.
impl Drop for Speaking {
    fn drop(&mut self) {
        for event in ["end", "error", "start"] {
            self.utterance.on(event, None);
        }
    }
}

#[component]
fn Player() -> impl IntoView {
    let reader = expect_context::<ReaderContext>();
    let settings = CurrentSettings::get();
    let article = reader.article;
    let script = StoredValue::new(Script::new(&article.plain_text, &block_starts(article)));
    let chars = StoredValue::new(article.plain_text.chars().collect::<Vec<char>>());
    let lines = script.with_value(|s| s.lines.len());

    let state = RwSignal::new(State::Starting);
    let current = RwSignal::new(0usize);
    let voices = StoredValue::new_local(Vec::<(JsValue, Voice)>::new());
    let speaking = StoredValue::new_local(None::<Speaking>);
    // Tells the events of the utterance being spoken from those of one cancelled before.
    let generation = StoredValue::new(0u32);
    let rate = Memo::new(move |_| settings.with(|s| s.rate));
    let picked = Memo::new(move |_| settings.with(|s| s.voice.clone()));

    // The device's voices, listed once.
    let ready = RwSignal::new(false);
    leptos::task::spawn_local(async move {
        if speech::synthesis().is_none() {
            state.try_set(State::NoSpeech);
            return;
        }
        let listed = speech::listed_voices().await;
        voices.try_set_value(listed);
        ready.try_set(true);
    });

    // Plays once the voices are listed, if one can read French (or the reader picked one), and
    // if the reader still wants it (they may stop before the voices are listed).
    let start = move || {
        if reader.listen.with_untracked(Option::is_none) {
            return;
        }
        let next = if !ready.get_untracked() {
            State::Starting
        } else if chosen_voice(&voices, picked.get_untracked().as_deref()).is_some() {
            State::Playing
        } else {
            State::NoVoice
        };
        state.set(next);
    };
    // A request (« Écouter », « Écouter d'ici », `l`) starts at its place; none stops.
    Effect::new(move |_| match reader.listen.get() {
        Some(from) => {
            let line = script.with_value(|s| s.line_at(from)).unwrap_or(0);
            current.set(line);
            if state.get_untracked() != State::NoSpeech {
                start();
            }
        }
        None => {
            if matches!(state.get_untracked(), State::Playing | State::Starting) {
                state.set(State::Paused);
            }
            reader.spoken.set(None);
        }
    });
    Effect::new(move |_| {
        if ready.get() && state.get_untracked() == State::Starting {
            start();
        }
    });

    // The voice says the current sentence while playing; anything else silences it.
    let say = move |line: usize| {
        let Some(synthesis) = speech::synthesis() else {
            return;
        };
        let serial = generation.with_value(|g| g.wrapping_add(1));
        generation.set_value(serial);
        speaking.set_value(None);
        synthesis.cancel();
        let text = script.with_value(|s| chars.with_value(|c| s.text(c, line)));
        let voice = chosen_voice(&voices, picked.get_untracked().as_deref());
        let rate = f32::from(rate.get_untracked()) / 100.0;
        let Some(utterance) = speech::Utterance::new(&text, voice.as_ref(), rate) else {
            return;
        };
        let current_one = move || generation.try_with_value(|g| *g == serial).unwrap_or(false);
        let on_end = Closure::<dyn FnMut(JsValue)>::new(move |_| {
            if current_one() {
                if line + 1 < lines {
                    current.try_set(line + 1);
                } else {
                    state.try_set(State::Ended);
                }
            }
        });
        let on_error = Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
            let error = js_get(&event, "error").as_string().unwrap_or_default();
            // Our own cancels take the handlers off first: an error here, « interrupted »
            // included, comes from elsewhere (another tab's cancel, a network voice cut off).
            if current_one() && !error.is_empty() {
                state.try_set(State::Interrupted);
            }
        });
        // The sentence is marked when the voice starts it, and followed.
        let on_start = Closure::<dyn FnMut(JsValue)>::new(move |_| {
            if current_one() {
                show_line(reader, script, line);
            }
        });
        utterance.on("end", Some(on_end.as_ref().unchecked_ref()));
        utterance.on("error", Some(on_error.as_ref().unchecked_ref()));
        utterance.on("start", Some(on_start.as_ref().unchecked_ref()));
        synthesis.speak(&utterance);
        speaking.set_value(Some(Speaking {
            utterance,
            _handlers: [on_end, on_error, on_start],
        }));
    };
    let silence = move || {
        generation.update_value(|g| *g = g.wrapping_add(1));
        speaking.set_value(None);
        if let Some(synthesis) = speech::synthesis() {
            synthesis.cancel();
        }
    };
    Effect::new(move |_| {
        let line = current.get();
        rate.track();
        picked.track();
        let state = state.get();
        if state == State::Playing {
            say(line);
        } else {
            silence();
        }
        // Paused, the place still moves with « précédent » and « suivant ».
        if state != State::Ended {
            show_line(reader, script, line);
        }
    });
    Effect::new(move |_| {
        if matches!(state.get(), State::Ended | State::NoVoice | State::NoSpeech) {
            reader.spoken.set(None);
        }
    });

    // The mark goes with the text: highlights drawn again replace the text nodes it was on.
    Effect::new(move |_| {
        reader.anchored.track();
        if reader.spoken.with(Option::is_some) {
            // Read again in the frame: the reader may have stopped, or left, meanwhile.
            request_animation_frame(move || {
                if let Some(spoken) = reader.spoken.try_get_untracked() {
                    mark_range(reader, spoken);
                }
            });
        } else {
            mark_range(reader, None);
        }
    });

    let stop = move || reader.listen.set(None);
    // Stopped from its own controls, the player's focused button goes: the focus goes back to
    // « Écouter ».
    let stop_here = move || {
        stop();
        if let Some(button) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| {
                d.query_selector(".article-header .listen-button")
                    .ok()
                    .flatten()
            })
            .and_then(|b| b.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = button.focus();
        }
    };
    let toggle = move || match state.get_untracked() {
        State::Playing => state.set(State::Paused),
        State::Paused | State::Interrupted => state.set(State::Playing),
        State::Ended => {
            current.set(0);
            state.set(State::Playing);
        }
        _ => {}
    };
    // At the end, moving through the article makes it paused there, to be listened again.
    let leave_end = move || {
        if state.get_untracked() == State::Ended {
            state.set(State::Paused);
        }
    };
    let next = move || {
        if let Some(line) = script.with_value(|s| s.next_block(current.get_untracked())) {
            leave_end();
            current.set(line);
        }
    };
    let previous = move || {
        leave_end();
        let line = script.with_value(|s| s.previous_block(current.get_untracked()));
        current.set(line);
    };

    let keys = window_event_listener(ev::keydown, move |event| {
        // (`default_prevented`: the page's own `l` has just asked for the player.)
        if event.key() == "l"
            && !event.default_prevented()
            && !browser::is_typing(&event)
            && reader.listen.with_untracked(Option::is_some)
            && !reader.stale.get_untracked()
        {
            event.prevent_default();
            toggle();
        }
    });
    let away = follow_the_voice(reader);
    media_session(reader, article, state, toggle, previous, next, stop);
    on_cleanup(move || {
        keys.remove();
        silence();
        mark_range(reader, None);
    });

    let status = move || match state.get() {
        State::Starting => "Préparation de la voix…",
        State::Playing => "Lecture à voix haute",
        State::Paused => "En pause",
        State::Interrupted => {
            "Lecture interrompue par le système\u{a0}: «\u{202f}Lecture\u{202f}» reprend la phrase."
        }
        State::Ended => "Fin de l’article",
        State::NoVoice => speech::NO_FRENCH_VOICE,
        State::NoSpeech => "Ce navigateur ne sait pas lire à voix haute.",
    };
    // Screen readers hear each change of state (the player's own text is drawn with it, too
    // late to be announced when it appears).
    Effect::new(move |before: Option<State>| {
        let now = state.get();
        if before.is_some_and(|b| b != now) || (before.is_none() && now != State::Starting) {
            reader.announcer.say(status());
        }
        now
    });
    let can_play = move || {
        matches!(
            state.get(),
            State::Playing | State::Paused | State::Interrupted | State::Ended
        )
    };
    let where_ = move || {
        let line = current.get();
        script.with_value(|s| {
            let block = s.lines.get(line).map(|l| l.block);
            let blocks: Vec<usize> = {
                let mut b: Vec<usize> = s.lines.iter().map(|l| l.block).collect();
                b.dedup();
                b
            };
            let at = block
                .and_then(|b| blocks.iter().position(|&x| x == b))
                .unwrap_or(0);
            format!("Paragraphe {} sur {}", at + 1, blocks.len())
        })
    };

    view! {
        <Show when=move || reader.listen.with(Option::is_some)>
            <section
                class="player"
                aria-label="Lecture à voix haute"
                on:keydown=move |ev: web_sys::KeyboardEvent| {
                    if ev.key() == "Escape" {
                        // Handled: an open highlight panel stays (see `highlight_panel`).
                        ev.prevent_default();
                        stop_here();
                    }
                }
            >
                <p class="player-status">{status}</p>
                <Show when=can_play>
                    <p class="player-place">{where_}</p>
                    <div class="player-controls">
                        <button type="button" class="btn" on:click=move |_| previous()>
                            "Précédent"
                        </button>
                        <button type="button" class="btn btn-primary" on:click=move |_| toggle()>
                            {move || match state.get() {
                                State::Playing => "Pause",
                                State::Ended => "Réécouter",
                                _ => "Lecture",
                            }}
                        </button>
                        <button type="button" class="btn" on:click=move |_| next()>
                            "Suivant"
                        </button>
                        <label class="player-rate">
                            "Vitesse "
                            <select on:change=move |ev| {
                                if let Ok(r) = event_target_value(&ev).parse::<u16>() {
                                    settings.update(|s| s.rate = r);
                                }
                            }>
                                {RATES
                                    .iter()
                                    .map(|&(r, label)| {
                                        view! {
                                            <option value=r.to_string() selected=move || rate.get() == r>
                                                {label}
                                            </option>
                                        }
                                    })
                                    .collect_view()}
                            </select>
                        </label>
                    </div>
                </Show>
                <div class="player-controls">
                    <Show when=move || away.get() && can_play()>
                        <button type="button" class="btn" on:click=move |_| back_to_the_voice(reader, away)>
                            "Revenir à la lecture"
                        </button>
                    </Show>
                    <button type="button" class="btn" on:click=move |_| stop_here()>
                        "Arrêter"
                    </button>
                </div>
            </section>
        </Show>
    }
}

/// The start offsets of the article's text blocks, in order.
fn block_starts(article: &Article) -> Vec<usize> {
    let mut starts = Vec::new();
    for_each_text_block(&article.body, &mut |runs| {
        if let Some(first) = runs.first() {
            starts.push(first.start as usize);
        }
    });
    starts
}

fn chosen_voice(
    voices: &StoredValue<Vec<(JsValue, Voice)>, LocalStorage>,
    picked: Option<&str>,
) -> Option<JsValue> {
    voices.with_value(|all| {
        let described: Vec<Voice> = all.iter().map(|(_, v)| v.clone()).collect();
        choose_voice(&described, picked).map(|i| all[i].0.clone())
    })
}

/// Makes `line` the sentence being read: the reading position and its mark.
fn show_line(reader: ReaderContext, script: StoredValue<Script>, line: usize) {
    let spoken = script.with_value(|s| {
        s.lines.get(line).map(|l| Spoken {
            range: l.range.clone(),
            block: l.block,
        })
    });
    if spoken.is_some() && reader.listen.with_untracked(Option::is_some) {
        reader.spoken.try_set(spoken);
    }
}

/// Marks the sentence with the CSS Custom Highlight API, where there is one (elsewhere the
/// body draws a `<mark>` from `spoken`).
fn mark_range(reader: ReaderContext, spoken: Option<Spoken>) {
    let Some(registry) = browser::css_highlights() else {
        return;
    };
    let range = spoken.and_then(|s| {
        let body = reader.body.try_get_untracked()??;
        selection::dom_range(&body, s.range.start, s.range.end)
    });
    let Some(range) = range else {
        js_call(&registry, "delete", &Array::of1(&HIGHLIGHT.into()));
        return;
    };
    if let Some(highlight) = js_new("Highlight", &Array::of1(&range)) {
        js_call(&registry, "set", &Array::of2(&HIGHLIGHT.into(), &highlight));
    }
}

/// Keeps the sentence read on screen, unless the reader scrolled in the last few seconds:
/// returns whether the reader is away from it (« Revenir à la lecture » is offered).
fn follow_the_voice(reader: ReaderContext) -> RwSignal<bool> {
    let away = RwSignal::new(false);
    let scrolled_at = StoredValue::new(f64::NEG_INFINITY);
    let own_scroll_until = StoredValue::new(f64::NEG_INFINITY);
    let now = || js_sys::Date::now();
    // A wheel or a finger is the reader's, whenever; another scroll is, unless the page has
    // just scrolled itself.
    let on_wheel = window_event_listener(ev::wheel, move |_| scrolled_at.set_value(now()));
    let on_touch = window_event_listener(ev::touchmove, move |_| scrolled_at.set_value(now()));
    let measuring = StoredValue::new(false);
    let on_scroll = window_event_listener(ev::scroll, move |_| {
        if now() > own_scroll_until.get_value() {
            scrolled_at.set_value(now());
        }
        // Where the sentence is, once a frame at most (it reads the layout).
        if measuring.get_value() {
            return;
        }
        measuring.set_value(true);
        request_animation_frame(move || {
            let _ = measuring.try_set_value(false);
            let off = reader.spoken.try_with_untracked(Option::is_some) == Some(true)
                && !sentence_on_screen(reader);
            if away.try_get_untracked() != Some(off) {
                away.try_set(off);
            }
        });
    });
    on_cleanup(move || {
        on_scroll.remove();
        on_wheel.remove();
        on_touch.remove();
    });
    Effect::new(move |_| {
        if reader.spoken.with(Option::is_none) {
            return;
        }
        if now() - scrolled_at.get_value() < FOLLOW_AGAIN_MS {
            away.set(!sentence_on_screen(reader));
            return;
        }
        request_animation_frame(move || {
            if !sentence_on_screen(reader) {
                own_scroll_until.set_value(now() + 500.0);
                bring_into_view(reader);
            }
            away.try_set(false);
        });
    });
    away
}

/// « Revenir à la lecture ».
fn back_to_the_voice(reader: ReaderContext, away: RwSignal<bool>) {
    bring_into_view(reader);
    away.set(false);
}

fn sentence_rect(reader: ReaderContext) -> Option<web_sys::DomRect> {
    let spoken = reader.spoken.try_get_untracked()??;
    if let Some(mark) = web_sys::window()?
        .document()?
        .query_selector("mark.spoken")
        .ok()
        .flatten()
    {
        return Some(mark.get_bounding_client_rect());
    }
    let body = reader.body.try_get_untracked()??;
    Some(
        selection::dom_range(&body, spoken.range.start, spoken.range.end)?
            .get_bounding_client_rect(),
    )
}

/// The part of the window the text shows in: above the player (and a panel at the bottom).
fn free_height() -> f64 {
    let window = web_sys::window();
    let height = window
        .as_ref()
        .and_then(|w| w.inner_height().ok())
        .and_then(|h| h.as_f64())
        .unwrap_or(0.0);
    let document = window.and_then(|w| w.document());
    // The player, and a highlight's panel when it is a sheet at the bottom.
    [".player", ".panel"]
        .iter()
        .filter_map(|s| document.as_ref()?.query_selector(s).ok().flatten())
        .map(|e| e.get_bounding_client_rect().top())
        .filter(|&top| top > 0.0 && top < height)
        .fold(height, f64::min)
}

fn sentence_on_screen(reader: ReaderContext) -> bool {
    sentence_rect(reader).is_none_or(|r| r.top() >= 0.0 && r.bottom() <= free_height())
}

fn bring_into_view(reader: ReaderContext) {
    if let (Some(rect), Some(window)) = (sentence_rect(reader), web_sys::window()) {
        // A third of the way down: the sentences to come are in view.
        window.scroll_by_with_x_and_y(0.0, rect.top() - free_height() / 3.0);
    }
}

type Handler = Closure<dyn FnMut()>;

/// The lock screen's and headphones' controls (Media Session API), while the reader listens:
/// set when reading aloud starts, taken back when it stops (or the page goes).
fn media_session(
    reader: ReaderContext,
    article: &'static Article,
    state: RwSignal<State>,
    toggle: impl Fn() + Copy + 'static,
    previous: impl Fn() + Copy + 'static,
    next: impl Fn() + Copy + 'static,
    stop: impl Fn() + Copy + 'static,
) {
    let session = js_get(&js_get(&js_sys::global(), "navigator"), "mediaSession");
    if session.is_undefined() || session.is_null() {
        return;
    }
    let set = {
        let session = session.clone();
        move |key: &str, value: &JsValue| {
            let _ = Reflect::set(&session, &key.into(), value);
        }
    };
    let set_handler = {
        let session = session.clone();
        // An action this browser does not know throws: the others still work.
        move |action: &str, handler: &JsValue| {
            js_call(
                &session,
                "setActionHandler",
                &Array::of2(&action.into(), handler),
            );
        }
    };
    let metadata = {
        let init = Object::new();
        let _ = Reflect::set(&init, &"title".into(), &article.meta.title.as_str().into());
        if let Some(author) = &article.meta.author {
            let _ = Reflect::set(&init, &"artist".into(), &author.as_str().into());
        }
        let _ = Reflect::set(&init, &"album".into(), &"Liseuse".into());
        js_new("MediaMetadata", &Array::of1(&init)).unwrap_or(JsValue::NULL)
    };
    let handlers: Vec<(&str, Handler)> = vec![
        (
            "play",
            Closure::new(move || {
                if state.get_untracked() != State::Playing {
                    toggle()
                }
            }),
        ),
        (
            "pause",
            Closure::new(move || {
                if state.get_untracked() == State::Playing {
                    toggle()
                }
            }),
        ),
        ("previoustrack", Closure::new(previous)),
        ("nexttrack", Closure::new(next)),
        ("stop", Closure::new(stop)),
    ];
    let handlers = StoredValue::new_local(handlers);
    let clear = {
        let (set, set_handler) = (set.clone(), set_handler.clone());
        move || {
            handlers.with_value(|all| {
                for (action, _) in all {
                    set_handler(action, &JsValue::NULL);
                }
            });
            set("metadata", &JsValue::NULL);
            set("playbackState", &"none".into());
        }
    };
    let listening = Memo::new(move |_| reader.listen.with(Option::is_some));
    Effect::new({
        let clear = clear.clone();
        let set = set.clone();
        move |_| {
            if listening.get() {
                set("metadata", &metadata);
                handlers.with_value(|all| {
                    for (action, handler) in all {
                        set_handler(action, handler.as_ref());
                    }
                });
            } else {
                clear();
            }
        }
    });
    Effect::new(move |_| {
        let playing = state.get() == State::Playing;
        if listening.get() {
            set(
                "playbackState",
                &if playing { "playing" } else { "paused" }.into(),
            );
        }
    });
    on_cleanup(clear);
}
