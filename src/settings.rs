//! Display settings ("Affichage"): theme, text size, font, line width, line spacing, and the
//! speed and voice of reading aloud. Pure data;
//! they are applied as `data-*` attributes on `<html>`, which `style/main.css` reads, and
//! `assets/boot.js` applies the stored ones before the first paint (no flash of a wrong theme).

use crate::read_aloud::{nearest_rate, DEFAULT_RATE};
use serde::Deserialize;

/// The localStorage key, also read by `assets/boot.js`.
pub const KEY: &str = "liseuse:settings";

/// A setting with a few values, each with the name that is stored and set on `<html>`.
/// (Names by hand rather than serde's derive: the first visit runs this, and four derived
/// enums cost 4 kB of wasm.)
pub trait Choice: Copy + Default + PartialEq + 'static {
    const NAMES: &'static [(Self, &'static str)];

    fn name(self) -> &'static str {
        Self::NAMES
            .iter()
            .find(|(v, _)| *v == self)
            .map_or("", |(_, n)| n)
    }

    /// The value named `name`; the default for a name this version does not know.
    fn named(name: Option<&str>) -> Self {
        Self::NAMES
            .iter()
            .find(|(_, n)| Some(*n) == name)
            .map_or_else(Self::default, |(v, _)| *v)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Theme {
    /// Follows the system's colour scheme.
    #[default]
    Systeme,
    Clair,
    Sombre,
    Sepia,
}

impl Choice for Theme {
    const NAMES: &'static [(Self, &'static str)] = &[
        (Theme::Systeme, "systeme"),
        (Theme::Clair, "clair"),
        (Theme::Sombre, "sombre"),
        (Theme::Sepia, "sepia"),
    ];
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Font {
    #[default]
    Serif,
    Sans,
}

impl Choice for Font {
    const NAMES: &'static [(Self, &'static str)] = &[(Font::Serif, "serif"), (Font::Sans, "sans")];
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Width {
    Etroite,
    #[default]
    Moyenne,
    Large,
}

impl Choice for Width {
    const NAMES: &'static [(Self, &'static str)] = &[
        (Width::Etroite, "etroite"),
        (Width::Moyenne, "moyenne"),
        (Width::Large, "large"),
    ];
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Spacing {
    Serre,
    #[default]
    Normal,
    Aere,
}

impl Choice for Spacing {
    const NAMES: &'static [(Self, &'static str)] = &[
        (Spacing::Serre, "serre"),
        (Spacing::Normal, "normal"),
        (Spacing::Aere, "aere"),
    ];
}

/// Text sizes, from smallest to largest (`data-size` 1…7, 3 is the default).
pub const SIZES: usize = 7;
pub const DEFAULT_SIZE: u8 = 3;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    pub theme: Theme,
    pub size: u8,
    pub font: Font,
    pub width: Width,
    pub spacing: Spacing,
    /// Reading aloud: percent of the voice's normal speed (`read_aloud::RATES`).
    pub rate: u16,
    /// Reading aloud: the voice the reader picked (its `voiceURI`); `None`: chosen for them.
    pub voice: Option<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            theme: Theme::default(),
            size: DEFAULT_SIZE,
            font: Font::default(),
            width: Width::default(),
            spacing: Spacing::default(),
            rate: DEFAULT_RATE,
            voice: None,
        }
    }
}

/// What is stored, as read: any field may be missing, or a name this version does not know.
#[derive(Deserialize, Default)]
#[serde(default)]
struct Stored {
    theme: Option<String>,
    size: Option<i64>,
    font: Option<String>,
    width: Option<String>,
    spacing: Option<String>,
    rate: Option<i64>,
    voice: Option<String>,
}

impl Settings {
    /// Reads stored settings; anything unreadable falls back to the defaults, field by field.
    pub fn parse(raw: &str) -> Settings {
        let stored: Stored = serde_json::from_str(raw).unwrap_or_default();
        let size = stored
            .size
            .map_or(DEFAULT_SIZE, |s| s.clamp(1, SIZES as i64) as u8);
        Settings {
            theme: Choice::named(stored.theme.as_deref()),
            size,
            font: Choice::named(stored.font.as_deref()),
            width: Choice::named(stored.width.as_deref()),
            spacing: Choice::named(stored.spacing.as_deref()),
            rate: stored.rate.map_or(DEFAULT_RATE, nearest_rate),
            voice: stored.voice.filter(|v| !v.is_empty()),
        }
    }

    /// What `parse` reads (the names are plain ASCII: only the voice's id needs escaping).
    pub fn to_json(&self) -> String {
        let voice = self.voice.as_ref().map_or_else(
            || "null".to_string(),
            |v| serde_json::to_string(v).unwrap_or_else(|_| "null".into()),
        );
        format!(
            r#"{{"theme":"{}","size":{},"font":"{}","width":"{}","spacing":"{}","rate":{},"voice":{}}}"#,
            self.theme.name(),
            self.size,
            self.font.name(),
            self.width.name(),
            self.spacing.name(),
            self.rate,
            voice
        )
    }

    /// The attributes to set on `<html>` (`None`: remove it).
    pub fn attributes(&self) -> [(&'static str, Option<String>); 5] {
        [
            (
                "data-theme",
                (self.theme != Theme::Systeme).then(|| self.theme.name().to_string()),
            ),
            ("data-size", Some(self.size.to_string())),
            ("data-font", Some(self.font.name().to_string())),
            ("data-width", Some(self.width.name().to_string())),
            ("data-spacing", Some(self.spacing.name().to_string())),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_defaults() {
        let s = Settings {
            theme: Theme::Sepia,
            size: 5,
            font: Font::Sans,
            width: Width::Large,
            spacing: Spacing::Aere,
            rate: 175,
            voice: Some("Microsoft Denise \"fr-FR\" \\ 1".into()),
        };
        assert_eq!(Settings::parse(&s.to_json()), s);
        // A speed this version does not offer becomes the nearest one.
        assert_eq!(Settings::parse(r#"{"rate":160}"#).rate, 150);
        assert_eq!(Settings::parse("n'importe quoi"), Settings::default());
        // Partial or out-of-range values keep what is valid.
        let partial = Settings::parse(r#"{"theme":"sombre","size":99}"#);
        assert_eq!(
            (partial.theme, partial.size, partial.font),
            (Theme::Sombre, SIZES as u8, Font::Serif)
        );
        // A name from another version, or null, loses only that field.
        let odd = Settings::parse(r#"{"theme":"nuit","font":"sans","width":null,"voix":"x"}"#);
        assert_eq!(
            odd,
            Settings {
                font: Font::Sans,
                ..Settings::default()
            }
        );
    }

    #[test]
    fn every_name_reads_back() {
        for &(theme, name) in Theme::NAMES {
            assert_eq!(Theme::named(Some(name)), theme);
            let s = Settings {
                theme,
                size: 6,
                ..Settings::default()
            };
            assert_eq!(Settings::parse(&s.to_json()), s);
        }
        for (rate, _) in crate::read_aloud::RATES {
            let s = Settings {
                rate,
                ..Settings::default()
            };
            assert_eq!(Settings::parse(&s.to_json()), s);
        }
        for &(v, n) in Font::NAMES {
            assert_eq!(Font::named(Some(n)), v);
        }
        for &(v, n) in Width::NAMES {
            assert_eq!(Width::named(Some(n)), v);
        }
        for &(v, n) in Spacing::NAMES {
            assert_eq!(Spacing::named(Some(n)), v);
        }
    }

    #[test]
    fn attributes_follow_the_settings() {
        let attrs = Settings::default().attributes();
        assert_eq!(attrs[0], ("data-theme", None));
        assert_eq!(attrs[1], ("data-size", Some("3".into())));
        let dark = Settings {
            theme: Theme::Sombre,
            ..Default::default()
        }
        .attributes();
        assert_eq!(dark[0], ("data-theme", Some("sombre".into())));
        assert_eq!(dark[3], ("data-width", Some("moyenne".into())));
    }
}
