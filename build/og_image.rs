//! The link-preview image of each article (`og/<slug>.png`, named by the `og:image` tag the
//! post-build hook writes): 1200 × 627, the article's title in the app's serif on the light
//! theme, the author if any, and « Liseuse ». An SVG rendered by resvg (pure Rust) with the
//! bundled Charis SIL (`build/fonts/`, OFL), the same image on any machine; the title is
//! wrapped with that font's advance widths (`build/og_layout.rs`) and shrunk until it fits.

use crate::og_layout::{self, Fitted};
use resvg::{tiny_skia, usvg};

use skrifa::{charmap::Charmap, instance::Size, metrics::GlyphMetrics, FontRef, MetadataProvider};
use std::fmt::Write;

pub const WIDTH: u32 = 1200;
pub const HEIGHT: u32 = 627;

const REGULAR: &[u8] = include_bytes!("fonts/CharisSIL-Regular.ttf");
const BOLD: &[u8] = include_bytes!("fonts/CharisSIL-Bold.ttf");
const FAMILY: &str = "Charis SIL";

// The light theme (style/main.css).
const BACKGROUND: [u8; 3] = [0xfd, 0xfc, 0xf9];
const TEXT: [u8; 3] = [0x1f, 0x1d, 0x1a];
const MUTED: [u8; 3] = [0x59, 0x54, 0x49];
const ACCENT: [u8; 3] = [0x7a, 0x3e, 0x12];

const MARGIN: f32 = 88.0;
/// The title's box: between the site's name and the author's line.
const TITLE_TOP: f32 = 176.0;
const TITLE_BOTTOM: f32 = 540.0;
const TITLE_BOTTOM_WITH_AUTHOR: f32 = 468.0;
const TITLE_SIZES: [f32; 17] = [
    76.0, 74.0, 72.0, 70.0, 68.0, 66.0, 64.0, 62.0, 60.0, 58.0, 56.0, 54.0, 52.0, 50.0, 48.0, 46.0,
    44.0,
];
const LINE_HEIGHT: f32 = 1.2;
const AUTHOR_SIZE: f32 = 34.0;
const BRAND_SIZE: f32 = 40.0;

/// Characters French titles use that must have a glyph (checked at each build).
pub const FRENCH: &str = "«»’‘“”…–—\u{a0}\u{202f}àâäçéèêëîïôöùûüÿœæÀÂÇÉÈÊËÎÏÔÙÛÜŒÆ?!;:";

/// One of the bundled faces, for measuring text.
struct Face {
    charmap: Charmap<'static>,
    /// At size 1: advance widths in ems.
    metrics: GlyphMetrics<'static>,
    /// Ascent and descent in ems.
    ascent: f32,
    descent: f32,
}

impl Face {
    fn new(data: &'static [u8]) -> Face {
        let font = FontRef::new(data).expect("the bundled font is valid");
        let metrics = font.metrics(Size::new(1.0), skrifa::instance::LocationRef::default());
        Face {
            charmap: font.charmap(),
            metrics: font.glyph_metrics(Size::new(1.0), skrifa::instance::LocationRef::default()),
            ascent: metrics.ascent,
            descent: -metrics.descent,
        }
    }

    /// Width in ems, without kerning (which only ever narrows these lines a little).
    fn width(&self, text: &str) -> f32 {
        text.chars()
            .map(|c| {
                let glyph = self.charmap.map(c).unwrap_or_default();
                self.metrics.advance_width(glyph).unwrap_or(0.0)
            })
            .sum()
    }

    fn missing(&self, text: &str) -> Vec<char> {
        text.chars()
            .filter(|&c| !c.is_control() && self.charmap.map(c).is_none())
            .collect()
    }
}

pub struct Renderer {
    options: usvg::Options<'static>,
    regular: Face,
    bold: Face,
}

impl Renderer {
    pub fn new() -> Renderer {
        let mut options = usvg::Options::default();
        let fonts = options.fontdb_mut();
        fonts.load_font_data(REGULAR.to_vec());
        fonts.load_font_data(BOLD.to_vec());
        fonts.set_serif_family(FAMILY);
        options.font_family = FAMILY.to_string();
        let renderer = Renderer {
            options,
            regular: Face::new(REGULAR),
            bold: Face::new(BOLD),
        };
        for face in [&renderer.regular, &renderer.bold] {
            let missing = face.missing(FRENCH);
            assert!(missing.is_empty(), "the bundled font lacks {missing:?}");
        }
        renderer
    }

    /// Characters of `text` the bundled font has no glyph for (they would show as boxes).
    pub fn missing_glyphs(&self, text: &str) -> Vec<char> {
        let mut missing = self.bold.missing(text);
        missing.extend(self.regular.missing(text));
        missing.sort_unstable();
        missing.dedup();
        missing
    }

    /// The title laid out in the title's box.
    pub fn fit_title(&self, title: &str, with_author: bool) -> Fitted {
        let bottom = if with_author {
            TITLE_BOTTOM_WITH_AUTHOR
        } else {
            TITLE_BOTTOM
        };
        og_layout::fit(
            title,
            WIDTH as f32 - 2.0 * MARGIN,
            bottom - TITLE_TOP,
            LINE_HEIGHT,
            &TITLE_SIZES,
            &|s| self.bold.width(s),
        )
    }

    /// The card as SVG.
    pub fn svg(&self, title: &str, author: Option<&str>) -> String {
        let hex = |c: [u8; 3]| format!("#{:02x}{:02x}{:02x}", c[0], c[1], c[2]);
        let mut svg = format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH}\" height=\"{HEIGHT}\" \
             viewBox=\"0 0 {WIDTH} {HEIGHT}\" font-family=\"{FAMILY}\">\
             <rect width=\"{WIDTH}\" height=\"{HEIGHT}\" fill=\"{bg}\"/>\
             <text x=\"{MARGIN}\" y=\"112\" font-size=\"{BRAND_SIZE}\" font-weight=\"700\" \
             fill=\"{accent}\">Liseuse</text>\
             <rect x=\"{MARGIN}\" y=\"134\" width=\"72\" height=\"4\" fill=\"{accent}\"/>\
             <rect y=\"{band}\" width=\"{WIDTH}\" height=\"16\" fill=\"{accent}\"/>",
            bg = hex(BACKGROUND),
            accent = hex(ACCENT),
            band = HEIGHT - 16,
        );
        let fitted = self.fit_title(title, author.is_some());
        let bottom = if author.is_some() {
            TITLE_BOTTOM_WITH_AUTHOR
        } else {
            TITLE_BOTTOM
        };
        // The lines centred in the box, each baseline where CSS would put it in its line box.
        let line = fitted.size * LINE_HEIGHT;
        let block = line * fitted.lines.len() as f32;
        let half_leading = (line - (self.bold.ascent + self.bold.descent) * fitted.size) / 2.0;
        let first = TITLE_TOP
            + (bottom - TITLE_TOP - block) / 2.0
            + half_leading
            + self.bold.ascent * fitted.size;
        let _ = write!(
            svg,
            "<text font-size=\"{}\" font-weight=\"700\" fill=\"{}\">",
            fitted.size,
            hex(TEXT)
        );
        for (i, text) in fitted.lines.iter().enumerate() {
            let _ = write!(
                svg,
                "<tspan x=\"{MARGIN}\" y=\"{:.1}\">",
                first + line * i as f32
            );
            og_layout::xml_escape(&mut svg, text);
            svg.push_str("</tspan>");
        }
        svg.push_str("</text>");
        if let Some(author) = author {
            let fitted = og_layout::fit(
                author,
                WIDTH as f32 - 2.0 * MARGIN,
                AUTHOR_SIZE * LINE_HEIGHT,
                LINE_HEIGHT,
                &[AUTHOR_SIZE, 30.0, 26.0],
                &|s| self.regular.width(s),
            );
            let _ = write!(
                svg,
                "<text x=\"{MARGIN}\" y=\"548\" font-size=\"{}\" fill=\"{}\">",
                fitted.size,
                hex(MUTED)
            );
            og_layout::xml_escape(&mut svg, &fitted.lines.concat());
            svg.push_str("</text>");
        }
        svg.push_str("</svg>");
        svg
    }

    /// The card as PNG.
    pub fn png(&self, title: &str, author: Option<&str>) -> Result<Vec<u8>, String> {
        let svg = self.svg(title, author);
        let tree = usvg::Tree::from_str(&svg, &self.options).map_err(|e| e.to_string())?;
        // What was measured without kerning nor shaping must still lie inside the margins.
        for node in tree.root().children() {
            if let usvg::Node::Text(_) = node {
                let b = node.abs_bounding_box();
                let inside = b.left() >= MARGIN / 2.0
                    && b.right() <= WIDTH as f32 - MARGIN / 2.0
                    && b.top() >= 0.0
                    && b.bottom() <= HEIGHT as f32 - 16.0;
                if !inside {
                    return Err(format!("text outside the image: {b:?}"));
                }
            }
        }
        let mut pixmap = tiny_skia::Pixmap::new(WIDTH, HEIGHT).expect("a valid size");
        resvg::render(&tree, tiny_skia::Transform::default(), &mut pixmap.as_mut());
        let (palette, indices) = quantize(pixmap.data());
        let mut png = Vec::new();
        let mut encoder = png::Encoder::new(&mut png, WIDTH, HEIGHT);
        encoder.set_color(png::ColorType::Indexed);
        encoder.set_depth(png::BitDepth::Eight);
        encoder.set_palette(palette);
        encoder.set_filter(png::Filter::NoFilter);
        encoder.set_compression(png::Compression::Balanced);
        let mut writer = encoder.write_header().map_err(|e| e.to_string())?;
        writer
            .write_image_data(&indices)
            .map_err(|e| e.to_string())?;
        writer.finish().map_err(|e| e.to_string())?;
        Ok(png)
    }
}

/// Shades of each ink over the background: 85 × 3 + the background itself, a full palette.
const SHADES: usize = 85;
const INKS: [[u8; 3]; 3] = [TEXT, MUTED, ACCENT];

/// The opaque RGBA image as an 8-bit palette image: every pixel is the background, an ink, or
/// an anti-aliased edge between the two, so the palette is the background and `SHADES` mixes
/// of it with each ink; a pixel takes the nearest. A quarter of the RGBA data to compress, a
/// third of the file, and no visible change.
fn quantize(rgba: &[u8]) -> (Vec<u8>, Vec<u8>) {
    let mut palette = BACKGROUND.to_vec();
    for ink in INKS {
        for shade in 1..=SHADES {
            palette.extend(mix(ink, shade as f32 / SHADES as f32).map(|v| v.round() as u8));
        }
    }
    // Most pixels are the background, or the same as the one before: looked up once.
    let background = u32::from_le_bytes([BACKGROUND[0], BACKGROUND[1], BACKGROUND[2], 255]);
    let mut cache: std::collections::HashMap<u32, u8> = std::collections::HashMap::new();
    let mut last = (background, 0u8);
    let mut indices = vec![0; rgba.len() / 4];
    let blank: Vec<u8> = background.to_le_bytes().repeat(WIDTH as usize);
    for (row, out) in rgba
        .chunks_exact(blank.len())
        .zip(indices.chunks_exact_mut(WIDTH as usize))
    {
        // Rows of background only are left as they are (a build script runs unoptimised: this
        // is most of the image, and would be most of the time).
        if row == blank {
            continue;
        }
        for (p, index) in row.chunks_exact(4).zip(out) {
            let key = u32::from_le_bytes([p[0], p[1], p[2], p[3]]);
            if key != last.0 {
                let found = *cache
                    .entry(key)
                    .or_insert_with(|| nearest([p[0], p[1], p[2]]));
                last = (key, found);
            }
            *index = last.1;
        }
    }
    (palette, indices)
}

/// `ink` over the background at opacity `t`.
fn mix(ink: [u8; 3], t: f32) -> [f32; 3] {
    std::array::from_fn(|c| {
        f32::from(BACKGROUND[c]) + (f32::from(ink[c]) - f32::from(BACKGROUND[c])) * t
    })
}

/// The palette index nearest to an opaque colour: where it lies on the line from the
/// background to each ink, rounded to a shade; the ink whose shade is nearest wins.
fn nearest(colour: [u8; 3]) -> u8 {
    let mut best = (f32::MAX, 0u8);
    for (i, ink) in INKS.iter().enumerate() {
        let d: [f32; 3] = std::array::from_fn(|c| f32::from(ink[c]) - f32::from(BACKGROUND[c]));
        let v: [f32; 3] = std::array::from_fn(|c| f32::from(colour[c]) - f32::from(BACKGROUND[c]));
        let t = ((v[0] * d[0] + v[1] * d[1] + v[2] * d[2])
            / (d[0] * d[0] + d[1] * d[1] + d[2] * d[2]))
            .clamp(0.0, 1.0);
        let shade = (t * SHADES as f32).round() as usize;
        let on = mix(*ink, shade as f32 / SHADES as f32);
        let error: f32 = (0..3).map(|c| (on[c] - f32::from(colour[c])).powi(2)).sum();
        if error < best.0 {
            let index = if shade == 0 {
                0
            } else {
                1 + i * SHADES + shade - 1
            };
            best = (error, index as u8);
        }
    }
    best.1
}
