//! Display settings ("Affichage"): theme, text size, font, line width, line spacing, and the
//! speed and voice of reading aloud. Pure data;
//! they are applied as `data-*` attributes on `<html>`, which `style/main.css` reads, and
//! `assets/boot.js` applies the stored ones before the first paint (no flash of a wrong theme).

use crate::read_aloud::{nearest_rate, DEFAULT_RATE};
use serde_json::Value;

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

impl Settings {
    /// Reads stored settings; anything unreadable falls back to the defaults, field by field
    /// (a field of the wrong type loses only itself, as in the page's settings script, which
    /// applies them before the app starts: the two must agree, or the page would change at the
    /// takeover).
    pub fn parse(raw: &str) -> Settings {
        let stored: serde_json::Map<String, Value> = serde_json::from_str(raw).unwrap_or_default();
        let name = |key: &str| stored.get(key).and_then(Value::as_str);
        // A number, or a text starting with one, as the script's `parseInt`.
        let number = |key: &str| match stored.get(key)? {
            Value::Number(n) => n.as_i64().or_else(|| n.as_f64().map(|f| f as i64)),
            Value::String(s) => {
                let s = s.trim_start();
                let digits = s
                    .char_indices()
                    .take_while(|&(i, c)| c.is_ascii_digit() || (i == 0 && c == '-'))
                    .count();
                s[..digits].parse().ok()
            }
            _ => None,
        };
        Settings {
            theme: Choice::named(name("theme")),
            size: number("size").map_or(DEFAULT_SIZE, |s| s.clamp(1, SIZES as i64) as u8),
            font: Choice::named(name("font")),
            width: Choice::named(name("width")),
            spacing: Choice::named(name("spacing")),
            rate: number("rate").map_or(DEFAULT_RATE, nearest_rate),
            voice: name("voice").filter(|v| !v.is_empty()).map(str::to_string),
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
        // A field of the wrong type loses only itself; a size as text is read as the page's
        // script reads it.
        let typed = Settings::parse(r#"{"theme":"sombre","size":"4","font":7,"rate":"x"}"#);
        assert_eq!(
            (typed.theme, typed.size, typed.font, typed.rate),
            (Theme::Sombre, 4, Font::Serif, DEFAULT_RATE)
        );
        assert_eq!(Settings::parse(r#"{"size":5.9}"#).size, 5);
        assert_eq!(Settings::parse(r#"{"size":"6px"}"#).size, 6);
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
