//! Browser layer: the service worker (offline reading, installability) and its updates, and
//! whether the network is there. The worker itself is `assets/sw.js`, completed at build time
//! by `scripts/post-build.mjs`.

use crate::{browser, paths};
use leptos::{ev, prelude::*};
use std::sync::atomic::{AtomicBool, Ordering};
use wasm_bindgen::{closure::Closure, JsCast};
use web_sys::{ServiceWorker, ServiceWorkerRegistration, ServiceWorkerState};

static UPDATE_ACCEPTED: AtomicBool = AtomicBool::new(false);
/// Another tab accepted an update: the worker of a newer build controls this page.
static OLD_BUILD: AtomicBool = AtomicBool::new(false);

fn reload() {
    if let Some(w) = web_sys::window() {
        let _ = w.location().reload();
    }
}

/// The page's present worker, if any.
fn browser_controller() -> Option<ServiceWorker> {
    web_sys::window().and_then(|w| w.navigator().service_worker().controller())
}

/// What the header shows about the network and new versions.
#[derive(Clone, Copy)]
pub struct OfflineState {
    pub online: RwSignal<bool>,
    /// A new build is installed and waits for the reader to accept it.
    pub update_ready: RwSignal<bool>,
    registration: StoredValue<Option<send_wrapper::SendWrapper<ServiceWorkerRegistration>>>,
}

impl OfflineState {
    pub fn provide() -> Self {
        let online = web_sys::window()
            .map(|w| w.navigator().on_line())
            .unwrap_or(true);
        let state = OfflineState {
            online: RwSignal::new(online),
            update_ready: RwSignal::new(false),
            registration: StoredValue::new(None),
        };
        // Listeners for the page's whole life: the state is app-wide.
        std::mem::forget(window_event_listener(ev::online, move |_| {
            state.online.set(true)
        }));
        std::mem::forget(window_event_listener(ev::offline, move |_| {
            state.online.set(false)
        }));
        state.register();
        provide_context(state);
        state
    }

    pub fn get() -> Self {
        expect_context::<OfflineState>()
    }

    fn register(self) {
        let Some(window) = web_sys::window() else {
            return;
        };
        let navigator = window.navigator();
        // Absent on insecure origins (plain http other than localhost): the app works online.
        if !js_sys::Reflect::has(&navigator, &"serviceWorker".into()).unwrap_or(false) {
            return;
        }
        let container = navigator.service_worker();
        let base = browser::base();
        // Not before the app has taken over an article's page: the worker's precache (the
        // whole build) would share a phone's link with the article's own files and delay it.
        let worker_container = container.clone();
        browser::after_takeover(move || {
            let options = web_sys::RegistrationOptions::new();
            options.set_scope(&format!("{base}/"));
            let promise =
                worker_container.register_with_options(&format!("{base}/sw.js"), &options);
            leptos::task::spawn_local(async move {
                let Ok(registration) = wasm_bindgen_futures::JsFuture::from(promise).await else {
                    return;
                };
                // A browser that blocks workers may resolve with nothing: the app works without.
                if !registration.is_object() {
                    return;
                }
                let registration: ServiceWorkerRegistration = registration.unchecked_into();
                self.watch(&registration);
                self.registration
                    .set_value(Some(send_wrapper::SendWrapper::new(registration)));
            });
        });
        // A new worker took over. Accepted here: load the new build. Accepted in another tab:
        // this page's build is gone from the cache (and from the server), so its next file
        // would fail; load the new build too, unless the reader is typing or listening, and
        // then offer it.
        // Only a worker of our own scope replacing another of our own scope is an update: our
        // first worker's claim changes the controller too, and so does it when it takes over
        // from the worker of another deployment whose scope covers ours (one at `/` over this
        // one at `/liseuse/`), whose build is not this page's.
        let own_worker = browser::absolute_url(&format!("{base}/sw.js"));
        let is_own = move |worker: Option<ServiceWorker>| {
            worker.is_some_and(|w| w.script_url() == own_worker)
        };
        let had_own_controller = AtomicBool::new(is_own(container.controller()));
        let on_change = Closure::<dyn Fn()>::new(move || {
            let now_own = is_own(browser_controller());
            let replaced = had_own_controller.swap(now_own, Ordering::Relaxed) && now_own;
            if UPDATE_ACCEPTED.load(Ordering::Relaxed) {
                reload();
            } else if replaced {
                OLD_BUILD.store(true, Ordering::Relaxed);
                if browser::is_field_focused() || browser::is_speaking() {
                    self.update_ready.set(true);
                } else {
                    reload();
                }
            }
        });
        container.set_oncontrollerchange(Some(on_change.as_ref().unchecked_ref()));
        on_change.forget();
    }

    /// Offers the update once a new worker of our scope is installed while an older one of our
    /// scope is active. (Not "while a worker controls the page": a deployment at `/` controls
    /// a first visit to one at `/liseuse/` until that one's first worker takes over.)
    fn watch(self, registration: &ServiceWorkerRegistration) {
        if registration.waiting().is_some() && registration.active().is_some() {
            self.update_ready.set(true);
        }
        let reg = registration.clone();
        let on_found = Closure::<dyn Fn()>::new(move || {
            let Some(installing) = reg.installing() else {
                return;
            };
            let worker = installing.clone();
            let reg = reg.clone();
            let on_state = Closure::<dyn Fn()>::new(move || {
                if worker.state() == ServiceWorkerState::Installed && reg.active().is_some() {
                    self.update_ready.set(true);
                }
            });
            installing.set_onstatechange(Some(on_state.as_ref().unchecked_ref()));
            on_state.forget();
        });
        registration.set_onupdatefound(Some(on_found.as_ref().unchecked_ref()));
        on_found.forget();
    }

    /// Asks the server whether a new build is out (cheap: the browser compares `sw.js`).
    pub fn check_for_update(self) {
        self.registration.with_value(|r| {
            if let Some(r) = r {
                let _ = r.update();
            }
        });
    }

    /// The reader accepted: the waiting worker takes over, then `controllerchange` reloads.
    /// With no waiting worker (another tab took the update first), reload now: the new build
    /// already controls the page. Notes are saved as they are typed, so nothing is lost.
    pub fn apply_update(self) {
        UPDATE_ACCEPTED.store(true, Ordering::Relaxed);
        let waiting = self
            .registration
            .with_value(|r| r.as_ref().and_then(|r| r.waiting()));
        match waiting {
            Some(waiting) if !OLD_BUILD.load(Ordering::Relaxed) => {
                let worker: &ServiceWorker = &waiting;
                let _ = worker.post_message(&"liseuse:skip-waiting".into());
            }
            _ => reload(),
        }
    }
}

/// Whether the build this page runs is no longer the one on the server: the server's worker
/// script (`sw.js`, never precached, so it comes from the network) does not name this page's
/// wasm. Then a missing chunk of code will stay missing, and only a reload brings the new build.
/// `false` when that cannot be told (offline, no answer, no worker script).
pub async fn build_replaced() -> bool {
    use wasm_bindgen_futures::JsFuture;
    let Some(window) = web_sys::window() else {
        return false;
    };
    let Some(ours) = window
        .document()
        .and_then(|d| d.head())
        .map(|head| head.inner_html())
        .and_then(|head| paths::wasm_name(&head).map(str::to_string))
    else {
        return false;
    };
    let init = web_sys::RequestInit::new();
    init.set_cache(web_sys::RequestCache::NoStore);
    let url = format!("{}/sw.js", browser::base());
    let Ok(response) = JsFuture::from(window.fetch_with_str_and_init(&url, &init)).await else {
        return false;
    };
    let response: web_sys::Response = response.unchecked_into();
    if !response.ok() {
        return false;
    }
    let Some(text) = response.text().ok().map(JsFuture::from) else {
        return false;
    };
    match text.await.ok().and_then(|t| t.as_string()) {
        Some(text) => paths::wasm_name(&text).is_some_and(|theirs| theirs != ours),
        None => false,
    }
}
