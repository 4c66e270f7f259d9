//! Display settings ("Affichage"): theme, text size, font, line width, line spacing. Pure data;
//! they are applied as `data-*` attributes on `<html>`, which `style/main.css` reads, and
//! `assets/boot.js` applies the stored ones before the first paint (no flash of a wrong theme).

use serde::{Deserialize, Serialize};

/// The localStorage key, also read by `assets/boot.js`.
pub const KEY: &str = "liseuse:settings";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Theme {
    /// Follows the system's colour scheme.
    #[default]
    Systeme,
    Clair,
    Sombre,
    Sepia,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Font {
    #[default]
    Serif,
    Sans,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Width {
    Etroite,
    #[default]
    Moyenne,
    Large,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Spacing {
    Serre,
    #[default]
    Normal,
    Aere,
}

/// Text sizes, from smallest to largest (`data-size` 1…7, 3 is the default).
pub const SIZES: usize = 7;
pub const DEFAULT_SIZE: u8 = 3;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    pub theme: Theme,
    pub size: u8,
    pub font: Font,
    pub width: Width,
    pub spacing: Spacing,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            theme: Theme::default(),
            size: DEFAULT_SIZE,
            font: Font::default(),
            width: Width::default(),
            spacing: Spacing::default(),
        }
    }
}

impl Settings {
    /// Reads stored settings; anything unreadable falls back to the defaults, field by field.
    pub fn parse(raw: &str) -> Settings {
        let mut s: Settings = serde_json::from_str(raw).unwrap_or_default();
        s.size = s.size.clamp(1, SIZES as u8);
        s
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("settings serialize")
    }

    /// The attributes to set on `<html>` (`None`: remove it).
    pub fn attributes(&self) -> [(&'static str, Option<String>); 5] {
        let name = |v: &dyn erased::Name| v.name().to_string();
        [
            (
                "data-theme",
                (self.theme != Theme::Systeme).then(|| name(&self.theme)),
            ),
            ("data-size", Some(self.size.to_string())),
            ("data-font", Some(name(&self.font))),
            ("data-width", Some(name(&self.width))),
            ("data-spacing", Some(name(&self.spacing))),
        ]
    }
}

/// The serialized names, so attributes and storage agree.
mod erased {
    pub trait Name {
        fn name(&self) -> String;
    }
    impl<T: serde::Serialize> Name for T {
        fn name(&self) -> String {
            serde_json::to_value(self)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default()
        }
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
        };
        assert_eq!(Settings::parse(&s.to_json()), s);
        assert_eq!(Settings::parse("n'importe quoi"), Settings::default());
        // Partial or out-of-range values keep what is valid.
        let partial = Settings::parse(r#"{"theme":"sombre","size":99}"#);
        assert_eq!(
            (partial.theme, partial.size, partial.font),
            (Theme::Sombre, SIZES as u8, Font::Serif)
        );
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
