//! Pure: where the selection toolbar and the highlight panel go on screen.
//!
//! All lengths are CSS px. The toolbar is placed in document coordinates (it is absolutely
//! positioned and scrolls with the text); `screen` is the part of the document the reader sees:
//! the visual viewport, which shrinks when the on-screen keyboard opens or the page is zoomed.

/// A box: `left`/`top` and its size.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    pub left: f64,
    pub top: f64,
    pub width: f64,
    pub height: f64,
}

impl Rect {
    pub fn right(&self) -> f64 {
        self.left + self.width
    }
    pub fn bottom(&self) -> f64 {
        self.top + self.height
    }
}

/// A length for a `style` value, in whole px: the position does not need more, and formatting
/// an integer keeps the float printer (several kB of wasm) out of the app.
pub fn css_px(length: f64) -> String {
    format!("{}px", length.round() as i64)
}

/// How the reader points: a mouse (or a pen, or a keyboard's caret) or a finger.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pointer {
    Fine,
    /// `pointer: coarse`: a touch screen, where the system draws its own selection menu above
    /// the selection and handles under it.
    Coarse,
}

/// Which way the toolbar went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Above,
    Below,
    /// No room next to the selection: at the top or bottom edge of the screen.
    Edge,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Placed {
    pub left: f64,
    pub top: f64,
    pub side: Side,
}

/// Space kept between the toolbar and the screen's edges.
pub const MARGIN: f64 = 8.0;
/// Space between the selection and the toolbar with a mouse.
pub const GAP: f64 = 8.0;
/// Space under the selection on a touch screen: the system's selection handles hang there.
pub const HANDLES: f64 = 32.0;
/// Space over the selection on a touch screen that the system's own selection menu (Copier,
/// Partager…) may take: the toolbar goes to the top edge only if it stays clear of it.
pub const SYSTEM_MENU: f64 = 64.0;

/// Where the toolbar (`width` × `height`) goes for a selection whose box is `selection` (its
/// horizontal centre matters only), on a `screen`: centred on the selection, always wholly on
/// screen when it fits there. With a mouse above the selection (below it near the top of the
/// screen); on a touch screen below it and its handles, clear of the system's menu above; with
/// no room there, at the top edge of the screen if the selection is far from it, else at the
/// bottom edge.
pub fn toolbar(selection: Rect, width: f64, height: f64, screen: Rect, pointer: Pointer) -> Placed {
    let centre = selection.left + selection.width / 2.0;
    let left = clamp(
        centre - width / 2.0,
        screen.left + MARGIN,
        screen.right() - MARGIN - width,
    );
    let lowest = screen.bottom() - MARGIN - height;
    let highest = screen.top + MARGIN;
    let (top, side) = match pointer {
        Pointer::Fine => {
            let above = selection.top - GAP - height;
            if above >= highest && above <= lowest {
                (above, Side::Above)
            } else {
                let below = selection.bottom() + GAP;
                if below >= highest && below <= lowest {
                    (below, Side::Below)
                } else {
                    (clamp(below, highest, lowest), Side::Edge)
                }
            }
        }
        Pointer::Coarse => {
            let below = selection.bottom() + HANDLES;
            if below >= highest && below <= lowest {
                (below, Side::Below)
            } else if selection.top - SYSTEM_MENU - height >= highest && below > lowest {
                (highest, Side::Edge)
            } else {
                (clamp(below, highest, lowest), Side::Edge)
            }
        }
    };
    Placed { left, top, side }
}

/// `value` within `[low, high]`; `low` wins when the range is empty (the box is larger than the
/// screen: its start stays in sight).
fn clamp(value: f64, low: f64, high: f64) -> f64 {
    value.min(high).max(low)
}

/// Where a highlight's panel goes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PanelPlace {
    /// In the side column, beside the text: `left` and `width` in screen px.
    Beside { left: f64, width: f64 },
    /// Where the stylesheet puts it (a sheet at the bottom of a phone, a card at the bottom
    /// right of a wider screen); the page scrolls the highlight clear of it.
    Default,
}

/// The narrowest side column the panel goes into.
pub const SIDE_MIN: f64 = 256.0;
/// The panel's widest.
pub const PANEL_MAX: f64 = 352.0;

/// Beside the text when the side column (`side`, in screen px) is to the right of the text
/// column and wide enough, so that the panel never covers the text; else the default place.
pub fn panel(screen_width: f64, text: Rect, side: Option<Rect>) -> PanelPlace {
    match side {
        Some(side)
            if side.left >= text.right() && side.width >= SIDE_MIN && side.left < screen_width =>
        {
            let width = side
                .width
                .min(PANEL_MAX)
                .min(screen_width - MARGIN - side.left);
            if width >= SIDE_MIN {
                PanelPlace::Beside {
                    left: side.left,
                    width,
                }
            } else {
                PanelPlace::Default
            }
        }
        _ => PanelPlace::Default,
    }
}

/// How far to scroll the page down (negative: up) so that what is annotated is seen in the
/// band of the screen `free` leaves uncovered (`(top, bottom)` in screen px): the whole
/// `paragraph` if it fits there, else the highlight's first line `mark`, with the least
/// scrolling. Zero when it is already in sight.
pub fn uncover(mark: (f64, f64), paragraph: (f64, f64), free: (f64, f64)) -> f64 {
    let (top, bottom) = (free.0 + MARGIN, free.1 - MARGIN);
    let fits = |(a, b): (f64, f64)| b - a <= bottom - top;
    let target = if fits(paragraph) { paragraph } else { mark };
    if target.0 >= top && target.1 <= bottom {
        0.0
    } else if fits(target) && target.0 >= top {
        // Below the band: up just enough for its end to be in.
        target.1 - bottom
    } else {
        target.0 - top
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn rect(left: f64, top: f64, width: f64, height: f64) -> Rect {
        Rect {
            left,
            top,
            width,
            height,
        }
    }

    const PHONE: Rect = Rect {
        left: 0.0,
        top: 1000.0,
        width: 320.0,
        height: 640.0,
    };

    #[test]
    fn css_lengths_are_whole_px() {
        assert_eq!(css_px(12.4), "12px");
        assert_eq!(css_px(12.5), "13px");
        assert_eq!(css_px(-3.6), "-4px");
        assert_eq!(css_px(0.0), "0px");
    }

    #[test]
    fn on_a_phone_the_toolbar_is_below_the_selection_and_on_screen() {
        // Words at the start of a line, in the middle of the screen.
        let sel = rect(16.0, 1300.0, 60.0, 24.0);
        let p = toolbar(sel, 290.0, 54.0, PHONE, Pointer::Coarse);
        assert_eq!(p.side, Side::Below);
        assert_eq!(p.top, 1324.0 + HANDLES);
        assert_eq!(p.left, MARGIN);
        // At the end of a line.
        let p = toolbar(
            rect(250.0, 1300.0, 60.0, 24.0),
            290.0,
            54.0,
            PHONE,
            Pointer::Coarse,
        );
        assert_eq!(p.left, 320.0 - MARGIN - 290.0);
    }

    #[test]
    fn near_the_bottom_it_goes_to_the_top_edge_or_stays_at_the_bottom() {
        // Low on the screen, far from its top: the top edge, clear of the system's menu.
        let p = toolbar(
            rect(100.0, 1590.0, 60.0, 24.0),
            290.0,
            54.0,
            PHONE,
            Pointer::Coarse,
        );
        assert_eq!((p.side, p.top), (Side::Edge, 1000.0 + MARGIN));
        // A selection over the whole screen: the bottom edge.
        let p = toolbar(
            rect(0.0, 1010.0, 320.0, 620.0),
            290.0,
            54.0,
            PHONE,
            Pointer::Coarse,
        );
        assert_eq!((p.side, p.top), (Side::Edge, 1640.0 - MARGIN - 54.0));
    }

    #[test]
    fn with_a_mouse_above_else_below() {
        let screen = rect(0.0, 0.0, 1280.0, 900.0);
        let p = toolbar(
            rect(600.0, 400.0, 80.0, 24.0),
            432.0,
            44.0,
            screen,
            Pointer::Fine,
        );
        assert_eq!((p.side, p.top, p.left), (Side::Above, 348.0, 424.0));
        let p = toolbar(
            rect(600.0, 30.0, 80.0, 24.0),
            432.0,
            44.0,
            screen,
            Pointer::Fine,
        );
        assert_eq!((p.side, p.top), (Side::Below, 62.0));
    }

    #[test]
    fn the_panel_goes_beside_the_text_only_in_a_wide_enough_side_column() {
        let text = rect(322.0, 0.0, 630.0, 5000.0);
        assert_eq!(
            panel(1280.0, text, Some(rect(992.0, 16.0, 256.0, 600.0))),
            PanelPlace::Beside {
                left: 992.0,
                width: 256.0
            }
        );
        assert_eq!(
            panel(1600.0, text, Some(rect(992.0, 16.0, 500.0, 600.0))),
            PanelPlace::Beside {
                left: 992.0,
                width: PANEL_MAX
            }
        );
        // Below the text (narrower screens), or too narrow: the default place.
        assert_eq!(
            panel(1000.0, text, Some(rect(185.0, 6000.0, 630.0, 600.0))),
            PanelPlace::Default
        );
        assert_eq!(
            panel(1280.0, text, Some(rect(992.0, 16.0, 200.0, 600.0))),
            PanelPlace::Default
        );
        assert_eq!(panel(1280.0, text, None), PanelPlace::Default);
    }

    #[test]
    fn uncover_scrolls_the_paragraph_or_the_mark_above_the_panel() {
        // Already in sight.
        assert_eq!(uncover((100.0, 130.0), (80.0, 200.0), (0.0, 400.0)), 0.0);
        // Under the panel (which starts at 400): up until the paragraph ends above it.
        assert_eq!(uncover((500.0, 530.0), (450.0, 600.0), (0.0, 400.0)), 208.0);
        // A paragraph taller than the band: the mark, just above the panel.
        assert_eq!(
            uncover((900.0, 930.0), (450.0, 1000.0), (0.0, 400.0)),
            538.0
        );
        // Above the screen: down.
        assert_eq!(
            uncover((-300.0, -270.0), (-320.0, -200.0), (0.0, 400.0)),
            -328.0
        );
    }

    proptest! {
        #[test]
        fn the_toolbar_is_always_wholly_on_screen_when_it_fits(
            sel_left in -500.0..1500.0f64, sel_top in -2000.0..4000.0f64,
            sel_width in 1.0..600.0f64, sel_height in 10.0..800.0f64,
            width in 100.0..400.0f64, height in 30.0..120.0f64,
            screen_width in 320.0..1400.0f64, screen_height in 300.0..1000.0f64,
            screen_left in 0.0..200.0f64, screen_top in 0.0..3000.0f64,
            coarse in any::<bool>(),
        ) {
            let screen = rect(screen_left, screen_top, screen_width, screen_height);
            let sel = rect(sel_left, sel_top, sel_width, sel_height);
            let pointer = if coarse { Pointer::Coarse } else { Pointer::Fine };
            let p = toolbar(sel, width, height, screen, pointer);
            prop_assume!(width + 2.0 * MARGIN <= screen_width && height + 2.0 * MARGIN <= screen_height);
            prop_assert!(p.left >= screen.left + MARGIN - 1e-9);
            prop_assert!(p.left + width <= screen.right() - MARGIN + 1e-9);
            prop_assert!(p.top >= screen.top + MARGIN - 1e-9);
            prop_assert!(p.top + height <= screen.bottom() - MARGIN + 1e-9);
            let clear_below = p.top >= sel.bottom();
            let gap = if coarse { HANDLES } else { GAP };
            let clear_above = p.top + height <= sel.top;
            match p.side {
                // Beside the selection, never on it; on a touch screen clear of the handles.
                Side::Below => prop_assert!(p.top >= sel.bottom() + gap - 1e-9),
                Side::Above => prop_assert!(!coarse && clear_above),
                Side::Edge => {}
            }
            // Whenever there is room below the selection on a touch screen, it is used.
            if coarse && sel.bottom() + HANDLES >= screen.top + MARGIN
                && sel.bottom() + HANDLES + height <= screen.bottom() - MARGIN {
                prop_assert_eq!(p.side, Side::Below);
            }
            // At the top edge it stays clear of the selection and the system's menu.
            if p.side == Side::Edge && coarse && p.top == screen.top + MARGIN && !clear_below {
                prop_assert!(p.top + height + SYSTEM_MENU <= sel.top + 1e-9);
            }
        }

        #[test]
        fn uncovering_brings_the_mark_into_the_band(
            mark_top in -3000.0..3000.0f64, mark_height in 10.0..60.0f64,
            before in 0.0..600.0f64, after in 0.0..600.0f64,
            band_bottom in 200.0..900.0f64,
        ) {
            let mark = (mark_top, mark_top + mark_height);
            let paragraph = (mark_top - before, mark.1 + after);
            let free = (0.0, band_bottom);
            let d = uncover(mark, paragraph, free);
            let (top, bottom) = (mark.0 - d, mark.1 - d);
            prop_assert!(top >= MARGIN - 1e-9 && bottom <= band_bottom - MARGIN + 1e-9);
            if paragraph.1 - paragraph.0 <= band_bottom - 2.0 * MARGIN {
                prop_assert!(paragraph.0 - d >= MARGIN - 1e-9 && paragraph.1 - d <= band_bottom - MARGIN + 1e-9);
            }
        }
    }
}
