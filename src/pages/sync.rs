//! « Synchronisation » (`/synchro/`): the reader's WebDAV folder, a connection test, a pass on
//! demand, logging out (confirmed), a status line saying what happened and when, replacing a
//! damaged server file (confirmed), and the help to prepare a server (the readers of a
//! deployed site have no README).

use crate::{
    browser,
    catalog::{Catalog, Load},
    sync::{self, engine},
    sync_driver::{self, Config, Status, SyncDriver},
};
use leptos::prelude::*;

#[component]
pub fn SyncPage() -> impl IntoView {
    crate::router::name_page("Synchronisation");
    browser::end_prerender();
    let driver = SyncDriver::get();
    let saved = sync_driver::load_config().unwrap_or_default();
    // Said until the reader gives the settings again or logs out (each writes over them).
    let unreadable = RwSignal::new(sync_driver::config_unreadable());
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
        unreadable.set(sync_driver::config_unreadable());
    };
    let test = move |_| {
        driver.test(
            url.get_untracked(),
            user.get_untracked(),
            password.get_untracked(),
        )
    };
    let log_out = move |_| {
        let confirmed = web_sys::window().is_some_and(|w| {
            w.confirm_with_message(
                "Se déconnecter\u{a0}? La synchronisation s’arrête sur cet appareil\u{a0}; vos notes y \
                 restent, et celles du serveur aussi.",
            )
            .unwrap_or(false)
        });
        if !confirmed {
            return;
        }
        driver.log_out();
        unreadable.set(sync_driver::config_unreadable());
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
            {move || {
                unreadable
                    .get()
                    .then(|| {
                    view! {
                        <p class="sync-unreadable" role="alert">
                            "Les réglages de synchronisation gardés sur cet appareil sont \
                             illisibles (abîmés, ou écrits par autre chose que Liseuse)\u{a0}: la \
                             synchronisation est arrêtée. Saisissez-les à nouveau\u{a0}; vos notes, \
                             elles, ne sont pas touchées."
                        </p>
                    }
                })
            }}
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
            {move || {
                let damaged = damaged_files(&driver.status.get());
                (!damaged.is_empty()).then(|| {
                    let replace = move |_| {
                        let confirmed = web_sys::window().is_some_and(|w| {
                            w.confirm_with_message(
                                "Remplacer le fichier endommagé du serveur par la version de cet \
                                 appareil\u{a0}? Ce qu’il contenait et que cet appareil n’a pas \
                                 sera perdu.",
                            )
                            .unwrap_or(false)
                        });
                        if confirmed {
                            driver.replace_damaged(damaged.clone());
                        }
                    };
                    view! {
                        <p class="row">
                            <button type="button" class="btn" on:click=replace>
                                "Remplacer par la version de cet appareil"
                            </button>
                        </p>
                    }
                })
            }}
            <p class="sync-help">
                "Sans «\u{202f}Se souvenir sur cet appareil\u{202f}», le mot de passe n’est gardé que le temps \
                 de cette session."
            </p>
            <ServerHelp />
        </article>
    }
}

/// The damaged files a pass left alone (the reader may replace them).
fn damaged_files(status: &Status) -> Vec<String> {
    match status {
        Status::Synced { problems, .. } => problems
            .iter()
            .filter(|(_, p)| *p == engine::FileProblem::Damaged)
            .map(|(name, _)| name.clone())
            .collect(),
        _ => Vec::new(),
    }
}

fn status_text(status: &Status) -> String {
    match status {
        // Another tab's pass failed: say so here too.
        Status::Idle => sync_driver::shared_failure()
            .map(|error| error.message_fr())
            .unwrap_or_default(),
        Status::Running => "Synchronisation en cours…".into(),
        Status::Synced {
            at,
            problems,
            both_kept,
            clock_off,
        } => {
            let mut text = format!("Synchronisé à {at}.");
            for name in both_kept {
                text.push(' ');
                text.push_str(&sync::both_kept_message(&title(name)));
            }
            for (name, problem) in problems {
                text.push(' ');
                text.push_str(&sync::problem_message(&title(name), *problem));
            }
            if *clock_off {
                text.push(' ');
                text.push_str(&sync::clock_message());
            }
            text
        }
        // When first, as in « Synchronisé à … »: the message ends with its own full stop.
        Status::Failed { error, at } => format!("Échec à {at}\u{a0}: {}", error.message_fr()),
        // The test saves nothing: the reader must not think sync goes on with these values.
        Status::Connected { at } => format!(
            "Connexion réussie à {at}. Ces réglages ne sont enregistrés, et la synchronisation \
             ne reprend, qu’avec «\u{202f}Synchroniser maintenant\u{202f}»."
        ),
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

/// How to prepare a server: what a reader of a deployed site needs, in the app itself.
#[component]
fn ServerHelp() -> impl IntoView {
    let origin = web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default();
    view! {
        <details class="sync-server-help">
            <summary>"Préparer votre serveur"</summary>
            <p>
                "Liseuse parle à votre serveur depuis le navigateur. Le navigateur ne la laisse lire \
                 les réponses que si le serveur autorise l’origine de ce site, "
                <code>{origin}</code>
                "\u{a0}: c’est le partage entre origines (CORS). Sans cela, Liseuse voit un serveur \
                 «\u{202f}injoignable\u{202f}», quel que soit le mot de passe."
            </p>
            <h2>"Nextcloud"</h2>
            <p>
                "Adresse\u{a0}: "
                <code>"https://votre-nuage/remote.php/dav/files/identifiant/Liseuse/"</code>
                " (créez d’abord le dossier «\u{202f}Liseuse\u{202f}» dans Fichiers). Créez un mot de \
                 passe d’application (Paramètres personnels → Sécurité → Appareils et sessions) \
                 plutôt que d’y mettre le vôtre. Pour CORS, l’administrateur installe l’application \
                 WebAppPassword et y ajoute l’origine de ce site."
            </p>
            <h2>"Apache httpd (mod_dav)"</h2>
            <p>
                "Activez mod_dav, mod_dav_fs et mod_headers, servez un dossier avec «\u{202f}Dav On\u{202f}» \
                 et une authentification Basic sur HTTPS, laissez passer les requêtes OPTIONS sans \
                 authentification, et ajoutez à chaque réponse «\u{202f}Access-Control-Allow-Origin\u{202f}» \
                 (cette origine), «\u{202f}Access-Control-Allow-Methods\u{202f}» (OPTIONS, GET, HEAD, PUT, \
                 PROPFIND, MKCOL), «\u{202f}Access-Control-Allow-Headers\u{202f}» (Authorization, \
                 Content-Type, Depth, If-Match, If-None-Match) et \
                 «\u{202f}Access-Control-Expose-Headers\u{202f}» (ETag)."
            </p>
            <h2>"Un NAS (Synology, QNAP…)"</h2>
            <p>
                "Activez son serveur WebDAV en HTTPS et créez un dossier partagé pour Liseuse. Si le \
                 NAS ne permet pas de régler CORS, placez devant lui un proxy inverse qui ajoute les \
                 en-têtes ci-dessus, ou utilisez un autre serveur."
            </p>
            <p>
                "Le serveur doit aussi donner une ETag (la version de chaque fichier) et respecter \
                 «\u{202f}If-Match\u{202f}»\u{a0}: c’est ce qui empêche deux appareils d’effacer les notes \
                 l’un de l’autre."
            </p>
        </details>
    }
}
