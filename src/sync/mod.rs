//! Sync through the reader's own WebDAV server, as plain data and pure functions: planning a
//! pass and applying the server's replies (`engine`), reading positions as a synced file
//! (`positions`), the PROPFIND answer (`propfind`), the folder's address and the messages the
//! reader sees. No browser API here; `sync_driver` performs the requests.
//!
//! On the server, under the configured folder: `liseuse/<slug>.json` per article, in the stored
//! format of localStorage (schema 2), and `liseuse/positions.json`.

pub mod concurrent;
pub mod engine;
pub mod positions;
pub mod propfind;
#[cfg(test)]
pub(crate) mod sim;

/// The folder's address, checked: `https://`, or `http://` on loopback only. Returned with a
/// trailing slash, so that `liseuse/` resolves inside it.
pub fn check_url(input: &str) -> Result<String, String> {
    let url = input.trim();
    if url.is_empty() {
        return Err("Indiquez l’adresse du dossier WebDAV.".into());
    }
    let lower = url.to_ascii_lowercase();
    let rest = if let Some(rest) = lower.strip_prefix("https://") {
        rest
    } else if let Some(rest) = lower.strip_prefix("http://") {
        let host = rest.split(['/', '?', '#']).next().unwrap_or("");
        let host = host.rsplit('@').next().unwrap_or(host);
        let name = match host.rsplit_once(':') {
            Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name,
            _ => host,
        };
        if name != "127.0.0.1" && name != "localhost" {
            return Err(
                "L’adresse doit commencer par https:// (http:// n’est permis que pour \
                 127.0.0.1 et localhost) : le mot de passe ne doit pas circuler en clair."
                    .replace(" :", "\u{a0}:"),
            );
        }
        rest
    } else {
        return Err(
            "Cette adresse n’est pas valable : elle doit commencer par https://."
                .replace(" :", "\u{a0}:"),
        );
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    if host.is_empty() || host.contains(['@', ' ']) || url.contains(['?', '#']) {
        return Err(
            "Cette adresse n’est pas valable : indiquez celle du dossier, sans identifiant ni \
             paramètres."
                .replace(" :", "\u{a0}:"),
        );
    }
    // A folder's name may hold spaces (« Mes lectures »), as typed or copied from a file
    // manager: sent as `%20`, as a browser's address bar does.
    let url = url.replace(' ', "%20");
    Ok(if url.ends_with('/') {
        url
    } else {
        format!("{url}/")
    })
}

/// `Authorization: Basic …` for `user` and `password` (UTF-8, as browsers and servers expect).
pub fn basic_auth(user: &str, password: &str) -> String {
    const TABLE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let input = format!("{user}:{password}");
    let mut out = String::from("Basic ");
    for chunk in input.as_bytes().chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | (*b as u32) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(TABLE[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Why a pass or a connection test stopped, told to the reader.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyncError {
    Offline,
    /// `fetch` threw: the server is down, or does not allow this site (CORS).
    Unreachable,
    /// 401: the identifier or the password.
    Refused,
    /// 403: the account may not use this folder.
    Forbidden,
    /// The folder set up does not exist (404 on it, 409 or 404 when making `liseuse/` in it).
    FolderMissing,
    /// PROPFIND answered 405 or not a multistatus, or a reply did not fit its request.
    NotWebDav,
    /// The address set up is a file's, not a folder's.
    NotAFolder,
    /// The server gives no ETag: writes cannot be conditioned on what was read.
    NoEtag,
    /// An answer larger than `propfind::MAX_ANSWER`.
    TooLarge,
    /// 5xx.
    Server(u16),
    /// Any other status.
    Unexpected(u16),
    /// No folder set up, or no password for this session.
    NotSetUp,
    /// The code of sync could not be fetched from Liseuse's own server (a new build replaced it).
    CodeMissing,
}

impl SyncError {
    pub fn message_fr(&self) -> String {
        let text = match self {
            SyncError::Offline => {
                "Hors ligne : la synchronisation reprendra au retour du réseau.".to_string()
            }
            SyncError::Unreachable => "Serveur injoignable, ou il n’autorise pas ce site (CORS) : \
                 voyez l’aide « Préparer votre serveur » de la page Synchronisation."
                .to_string(),
            SyncError::Refused => "Identifiant ou mot de passe refusé par le serveur. La \
                 synchronisation automatique est en pause : corrigez-les, puis « Synchroniser \
                 maintenant »."
                .to_string(),
            SyncError::Forbidden => "Le serveur refuse l’accès à ce dossier (403) : ce compte n’a \
                 pas le droit d’y lire ou d’y écrire. Vérifiez les droits du dossier sur le \
                 serveur, ou choisissez-en un autre. La synchronisation automatique est en pause."
                .to_string(),
            SyncError::FolderMissing => "Ce dossier n’existe pas sur le serveur : créez-le (par \
                 l’interface web de votre serveur, ou le gestionnaire de fichiers de votre NAS), \
                 ou corrigez l’adresse."
                .to_string(),
            SyncError::NotWebDav => {
                "Cette adresse ne répond pas comme un dossier WebDAV.".to_string()
            }
            SyncError::NotAFolder => "Cette adresse est celle d’un fichier, pas d’un dossier : \
                 indiquez le dossier qui le contient (l’adresse sans le nom du fichier)."
                .to_string(),
            SyncError::NoEtag => "Ce serveur ne donne pas d’ETag (la version de chaque fichier) : \
                 Liseuse ne peut pas y écrire sans risquer d’effacer les notes d’un autre \
                 appareil, et n’y écrit donc pas. Utilisez un autre serveur WebDAV (Nextcloud, \
                 Apache…), ou autorisez l’en-tête ETag (CORS)."
                .to_string(),
            SyncError::TooLarge => "La réponse du serveur est trop grande (plus de 8 Mo) : ce \
                 n’est pas un dossier de Liseuse, ou le serveur a un problème. Rien n’a été \
                 modifié."
                .to_string(),
            SyncError::Server(code) | SyncError::Unexpected(code) => {
                let cause = match code {
                    507 => "Le serveur n’a plus de place pour ce dossier (507) : libérez de \
                            l’espace, ou augmentez le quota de ce compte."
                        .to_string(),
                    423 => "Un fichier du dossier est verrouillé sur le serveur (423), sans \
                            doute par une autre application : cela passe d’ordinaire seul."
                        .to_string(),
                    429 => "Le serveur reçoit trop de demandes et demande d’attendre (429)."
                        .to_string(),
                    413 => "Le serveur refuse un fichier trop gros (413) : augmentez sa limite \
                            de taille des envois."
                        .to_string(),
                    500..=599 => {
                        format!("Le serveur a une erreur passagère ou une panne ({code}).")
                    }
                    _ => format!("Le serveur a fait une réponse inattendue ({code})."),
                };
                // The cause, then what it means for the reader's notes.
                format!(
                    "{cause} Vos notes restent sur cet appareil ; la synchronisation réessaiera \
                     d’elle-même, ou avec « Synchroniser maintenant »."
                )
            }
            SyncError::NotSetUp => {
                "Indiquez l’adresse du dossier, l’identifiant et le mot de passe.".to_string()
            }
            SyncError::CodeMissing => "La synchronisation n’a pas pu être chargée depuis le \
                 serveur de Liseuse : rechargez la page."
                .to_string(),
        };
        french_spaces(&text)
    }

    /// A short code for the error, to tell it to other tabs (`from_code` reads it back): the
    /// messages themselves stay in the code of the sync page.
    pub fn code(&self) -> String {
        match self {
            SyncError::Offline => "offline".into(),
            SyncError::Unreachable => "unreachable".into(),
            SyncError::Refused => "refused".into(),
            SyncError::Forbidden => "forbidden".into(),
            SyncError::FolderMissing => "folder-missing".into(),
            SyncError::NotWebDav => "not-webdav".into(),
            SyncError::NotAFolder => "not-a-folder".into(),
            SyncError::NoEtag => "no-etag".into(),
            SyncError::TooLarge => "too-large".into(),
            SyncError::Server(code) => format!("server-{code}"),
            SyncError::Unexpected(code) => format!("unexpected-{code}"),
            SyncError::NotSetUp => "not-set-up".into(),
            SyncError::CodeMissing => "code-missing".into(),
        }
    }

    pub fn from_code(code: &str) -> Option<SyncError> {
        let status = |prefix: &str| code.strip_prefix(prefix)?.parse::<u16>().ok();
        Some(match code {
            "offline" => SyncError::Offline,
            "unreachable" => SyncError::Unreachable,
            "refused" => SyncError::Refused,
            "forbidden" => SyncError::Forbidden,
            "folder-missing" => SyncError::FolderMissing,
            "not-webdav" => SyncError::NotWebDav,
            "not-a-folder" => SyncError::NotAFolder,
            "no-etag" => SyncError::NoEtag,
            "too-large" => SyncError::TooLarge,
            "not-set-up" => SyncError::NotSetUp,
            "code-missing" => SyncError::CodeMissing,
            _ => match (status("server-"), status("unexpected-")) {
                (Some(s), _) => SyncError::Server(s),
                (_, Some(s)) => SyncError::Unexpected(s),
                _ => return None,
            },
        })
    }

    /// Whether the server refused these credentials or this folder: no automatic pass until
    /// the reader changes the settings or asks for one (servers lock accounts after repeated
    /// failed logins).
    pub fn pauses(&self) -> bool {
        matches!(self, SyncError::Refused | SyncError::Forbidden)
    }

    /// From an HTTP status that ends a pass (`None` for those the pass handles).
    pub fn from_status(status: u16) -> Option<SyncError> {
        match status {
            200..=299 | 304 | 404 | 412 => None,
            401 => Some(SyncError::Refused),
            403 => Some(SyncError::Forbidden),
            405 => Some(SyncError::NotWebDav),
            500..=599 => Some(SyncError::Server(status)),
            _ => Some(SyncError::Unexpected(status)),
        }
    }
}

/// The message for a server file left alone, with the article's title (or slug).
pub fn problem_message(title: &str, problem: engine::FileProblem) -> String {
    let text = match problem {
        engine::FileProblem::Damaged => format!(
            "Le fichier de « {title} » sur le serveur est endommagé : il n’a pas été remplacé. \
             Vos notes sur cet appareil sont intactes. Pour reprendre sa synchronisation, \
             réparez le fichier sur le serveur, ou remplacez-le par la version de cet appareil."
        ),
        engine::FileProblem::Newer => format!(
            "Le fichier de « {title} » sur le serveur vient d’une version plus récente de \
             Liseuse : il n’a pas été remplacé. Mettez Liseuse à jour pour le synchroniser."
        ),
        engine::FileProblem::Busy => format!(
            "Le fichier de « {title} » a changé sur le serveur pendant la synchronisation : il \
             sera synchronisé la prochaine fois."
        ),
    };
    french_spaces(&text)
}

/// Told when a note written on two devices apart kept both versions (`concurrent`).
pub fn both_kept_message(title: &str) -> String {
    french_spaces(&format!(
        "Dans « {title} », une note a été modifiée sur deux appareils avant qu’ils se \
         synchronisent : ses deux versions sont gardées l’une après l’autre ; relisez-la."
    ))
}

/// Told when the server's clock says this device's is off (see `engine::CLOCK_TOLERANCE`).
pub fn clock_message() -> String {
    french_spaces(
        "L’horloge de cet appareil semble fausse : réglez sa date et son heure (de préférence \
         automatiques). En attendant, Liseuse date vos lectures et vos notes à l’heure du \
         serveur, pour que la plus récente l’emporte entre vos appareils.",
    )
}

/// The `n` lines of a small stored value whose fields are one a line (only the last may hold
/// line breaks), or `None` when it has fewer.
pub fn lines(raw: &str, n: usize) -> Option<Vec<&str>> {
    let fields: Vec<&str> = raw.splitn(n, '\n').collect();
    (fields.len() == n).then_some(fields)
}

/// A time of day as « 14 h 32 » (no-break spaces).
pub fn time_fr(hours: u32, minutes: u32) -> String {
    format!("{hours}\u{a0}h\u{a0}{minutes:02}")
}

/// French spacing: a no-break space before `:`, a narrow one before `; ! ?` and inside « ».
pub fn french_spaces(text: &str) -> String {
    text.replace(" :", "\u{a0}:")
        .replace(" ;", "\u{202f};")
        .replace(" !", "\u{202f}!")
        .replace(" ?", "\u{202f}?")
        .replace("« ", "«\u{202f}")
        .replace(" »", "\u{202f}»")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn https_or_loopback_only() {
        assert_eq!(
            check_url(" https://nuage.example/remote.php/dav/files/moi "),
            Ok("https://nuage.example/remote.php/dav/files/moi/".into())
        );
        assert_eq!(
            check_url("http://127.0.0.1:8081/dav/"),
            Ok("http://127.0.0.1:8081/dav/".into())
        );
        assert_eq!(
            check_url("http://localhost/dav"),
            Ok("http://localhost/dav/".into())
        );
        let refused = check_url("http://nuage.example/dav").unwrap_err();
        assert!(refused.starts_with("L’adresse doit commencer par https://"));
        assert!(refused.contains("\u{a0}:"));
        assert!(check_url("http://localhost.evil.example/").is_err());
        assert!(check_url("http://127.0.0.1.evil.example/").is_err());
        assert!(check_url("http://evil.example/@127.0.0.1/").is_err());
        assert!(check_url("ftp://x/").is_err());
        assert!(check_url("").is_err());
        assert!(check_url("https://moi:secret@nuage.example/").is_err());
        assert_eq!(
            check_url("https://nuage.example/dav/Mes lectures/Été 2026"),
            Ok("https://nuage.example/dav/Mes%20lectures/Été%202026/".into())
        );
        assert!(check_url("https://nuage example/dav/").is_err());
    }

    #[test]
    fn basic_auth_is_base64_of_utf8() {
        assert_eq!(
            basic_auth("lecteur", "secret-app-pw"),
            "Basic bGVjdGV1cjpzZWNyZXQtYXBwLXB3"
        );
        assert_eq!(basic_auth("a", ""), "Basic YTo=");
        assert_eq!(basic_auth("ab", ""), "Basic YWI6");
        assert_eq!(basic_auth("é", "ü"), "Basic w6k6w7w=");
    }

    #[test]
    fn stored_lines() {
        assert_eq!(lines("a\nb\nc\nd\ne", 4), Some(vec!["a", "b", "c", "d\ne"]));
        assert_eq!(lines("a\nb\n\n", 4), Some(vec!["a", "b", "", ""]));
        assert_eq!(lines("un mot de passe seul", 4), None);
    }

    #[test]
    fn error_codes_read_back() {
        for error in [
            SyncError::Offline,
            SyncError::Unreachable,
            SyncError::Refused,
            SyncError::Forbidden,
            SyncError::FolderMissing,
            SyncError::NotWebDav,
            SyncError::NotAFolder,
            SyncError::NoEtag,
            SyncError::TooLarge,
            SyncError::Server(503),
            SyncError::Unexpected(418),
            SyncError::NotSetUp,
            SyncError::CodeMissing,
        ] {
            assert_eq!(SyncError::from_code(&error.code()), Some(error));
        }
        assert_eq!(SyncError::from_code("server-x"), None);
        assert_eq!(SyncError::from_code(""), None);
    }

    #[test]
    fn messages_in_french_typography() {
        assert_eq!(
            SyncError::Offline.message_fr(),
            "Hors ligne\u{a0}: la synchronisation reprendra au retour du réseau."
        );
        assert!(SyncError::Unreachable
            .message_fr()
            .contains("«\u{202f}Préparer votre serveur\u{202f}»"));
        assert!(SyncError::Unreachable
            .message_fr()
            .starts_with("Serveur injoignable, ou il n’autorise pas ce site (CORS)"));
        assert_eq!(
            SyncError::CodeMissing.message_fr(),
            "La synchronisation n’a pas pu être chargée depuis le serveur de Liseuse\u{a0}: \
             rechargez la page."
        );
        assert_eq!(SyncError::from_status(401), Some(SyncError::Refused));
        assert_eq!(SyncError::from_status(403), Some(SyncError::Forbidden));
        assert!(SyncError::Forbidden.message_fr().contains("(403)"));
        assert!(SyncError::Forbidden.pauses() && SyncError::Refused.pauses());
        assert!(!SyncError::Unreachable.pauses());
        assert!(SyncError::FolderMissing
            .message_fr()
            .starts_with("Ce dossier n’existe pas sur le serveur\u{a0}: créez-le"));
        assert!(!SyncError::Unreachable.message_fr().contains("README"));
        assert_eq!(SyncError::from_status(503), Some(SyncError::Server(503)));
        assert_eq!(SyncError::from_status(412), None);
        // A server's error says its cause where it is known, and that nothing is lost.
        for (code, cause) in [
            (503, "erreur passagère ou une panne (503)."),
            (507, "n’a plus de place"),
            (423, "verrouillé"),
            (429, "trop de demandes"),
            (409, "réponse inattendue (409)."),
        ] {
            let error = SyncError::from_status(code).unwrap_or(SyncError::Unexpected(code));
            let message = error.message_fr();
            assert!(message.contains(cause), "{message}");
            assert!(
                message.contains("Vos notes restent sur cet appareil"),
                "{message}"
            );
        }
        assert_eq!(
            problem_message("Vendre", engine::FileProblem::Damaged),
            "Le fichier de «\u{202f}Vendre\u{202f}» sur le serveur est endommagé\u{a0}: il n’a \
             pas été remplacé. Vos notes sur cet appareil sont intactes. Pour reprendre sa \
             synchronisation, réparez le fichier sur le serveur, ou remplacez-le par la version \
             de cet appareil."
        );
        assert!(problem_message("x", engine::FileProblem::Newer)
            .contains("vient d’une version plus récente de Liseuse"));
        assert_eq!(time_fr(9, 5), "9\u{a0}h\u{a0}05");
    }
}
