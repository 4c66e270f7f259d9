//! « Synchronisation » (`/synchro/`): the reader's WebDAV folder, a connection test, a pass on
//! demand, logging out, and a status line saying what happened and when.

use crate::{
    browser,
    catalog::{Catalog, Load},
    sync::{self, engine},
    sync_driver::{self, Config, Status, SyncDriver},
};
use leptos::prelude::*;

#[component]
pub fn SyncPage() -> impl IntoView {
    browser::set_title("Synchronisation");
    browser::end_prerender();
    let driver = SyncDriver::get();
    let saved = sync_driver::load_config().unwrap_or_default();
    let url = RwSignal::new(saved.url.clone());
    let user = RwSignal::new(saved.user.clone());
    let password = RwSignal::new(sync_driver::password().unwrap_or_default());
    let remember = RwSignal::new(saved.remember);
    let config = move || Config {
        url: url.get_untracked(),
        user: user.get_untracked(),
        remember: remember.get_untracked(),
    };
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        driver.set_up_and_sync(config(), password.get_untracked());
    };
    let test = move |_| {
        driver.test(
            url.get_untracked(),
            user.get_untracked(),
            password.get_untracked(),
        )
    };
    let log_out = move |_| {
        driver.log_out();
        url.set(String::new());
        user.set(String::new());
        password.set(String::new());
        remember.set(false);
    };
    view! {
        <article class="sync-page">
            <h1>"Synchronisation"</h1>
            <p>
                "Vos surlignages, vos notes et vos positions de lecture peuvent suivre vos \
                 appareils par votre propre serveur WebDAV (Nextcloud, Apache, un NAS…). \
                 Liseuse y range un dossier «\u{202f}liseuse\u{202f}»\u{a0}: un fichier par article et un pour \
                 les positions de lecture. Vos notes restent aussi sur cet appareil."
            </p>
            <form class="sync-form" on:submit=on_submit>
                <p class="field">
                    <label for="sync-url">"Adresse du dossier WebDAV"</label>
                    <input id="sync-url" type="url" autocomplete="url" spellcheck="false"
                        placeholder="https://nuage.example.org/remote.php/dav/files/moi/"
                        prop:value=move || url.get()
                        on:input=move |ev| url.set(event_target_value(&ev)) />
                </p>
                <p class="field">
                    <label for="sync-user">"Identifiant"</label>
                    <input id="sync-user" type="text" autocomplete="username" spellcheck="false"
                        prop:value=move || user.get()
                        on:input=move |ev| user.set(event_target_value(&ev)) />
                </p>
                <p class="field">
                    <label for="sync-password">"Mot de passe"</label>
                    <input id="sync-password" type="password" autocomplete="current-password"
                        prop:value=move || password.get()
                        on:input=move |ev| password.set(event_target_value(&ev)) />
                </p>
                <p class="field checkbox">
                    <input id="sync-remember" type="checkbox"
                        prop:checked=move || remember.get()
                        on:change=move |ev| remember.set(event_target_checked(&ev)) />
                    <label for="sync-remember">"Se souvenir sur cet appareil"</label>
                </p>
                <div class="row">
                    <button type="button" class="btn" on:click=test>"Tester la connexion"</button>
                    <button type="submit" class="btn">"Synchroniser maintenant"</button>
                    <button type="button" class="btn" on:click=log_out>"Se déconnecter"</button>
                </div>
            </form>
            <p class="sync-status" role="status">{move || status_text(&driver.status.get())}</p>
            <p class="sync-help">
                "Sans «\u{202f}Se souvenir sur cet appareil\u{202f}», le mot de passe n’est gardé que le temps \
                 de cette session. Votre serveur doit autoriser ce site (CORS)\u{a0}: voyez la \
                 section «\u{202f}Synchronisation\u{202f}» du README."
            </p>
        </article>
    }
}

fn status_text(status: &Status) -> String {
    match status {
        Status::Idle => String::new(),
        Status::Running => "Synchronisation en cours…".into(),
        Status::Synced { at, problems } => {
            let mut text = format!("Synchronisé à {at}.");
            for (name, problem) in problems {
                text.push(' ');
                text.push_str(&sync::problem_message(&title(name), *problem));
            }
            text
        }
        Status::Failed { error, at } => format!("{} ({at})", error.message_fr()),
        Status::Connected { at } => format!("Connexion réussie ({at})."),
        Status::Message(message) => message.clone(),
    }
}

/// The article's title for a file's name (its slug until the library is loaded).
fn title(name: &str) -> String {
    match engine::file_kind(name) {
        Some(engine::FileKind::Article(slug)) => match Catalog::get().library() {
            Load::Ready(library) => library
                .find(&slug)
                .map(|(_, a)| a.title.clone())
                .unwrap_or(slug),
            _ => slug,
        },
        _ => "positions de lecture".into(),
    }
}
