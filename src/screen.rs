//! Pure: where things sit on screen, so that the reader's scrolling can be tested natively.

/// A box on screen, in CSS pixels from the window's top left corner.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    pub top: f64,
    pub bottom: f64,
    pub left: f64,
    pub right: f64,
}

/// How far to scroll down (negative: up) so that `mark`, hidden by `panel` (fixed to the bottom
/// of the window) or above the window, sits in the middle of the free space above the panel;
/// `None` when the panel does not cover it. A mark taller than that space shows its start.
pub fn uncover_scroll(mark: Rect, panel: Rect) -> Option<f64> {
    let beside = mark.right <= panel.left || mark.left >= panel.right;
    if beside || (mark.top >= 0.0 && mark.bottom <= panel.top) {
        return None;
    }
    let free = panel.top;
    if mark.bottom - mark.top >= free {
        return Some(mark.top);
    }
    Some((mark.top + mark.bottom) / 2.0 - free / 2.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    const fn rect(top: f64, bottom: f64, left: f64, right: f64) -> Rect {
        Rect {
            top,
            bottom,
            left,
            right,
        }
    }
    // A bottom sheet over the lower 350 px of an 800×500 window.
    const SHEET: Rect = rect(150.0, 500.0, 0.0, 800.0);

    #[test]
    fn a_covered_mark_goes_to_the_middle_of_the_space_above_the_panel() {
        let dy = uncover_scroll(rect(240.0, 260.0, 100.0, 300.0), SHEET).unwrap();
        assert_eq!(250.0 - dy, 75.0);
        // Partly covered, or above the window: the same.
        assert_eq!(
            uncover_scroll(rect(140.0, 160.0, 0.0, 10.0), SHEET),
            Some(75.0)
        );
        assert_eq!(
            uncover_scroll(rect(-30.0, -10.0, 0.0, 10.0), SHEET),
            Some(-95.0)
        );
    }

    #[test]
    fn a_visible_mark_or_one_beside_the_panel_stays() {
        assert_eq!(uncover_scroll(rect(20.0, 40.0, 0.0, 800.0), SHEET), None);
        let card = rect(200.0, 480.0, 900.0, 1250.0);
        assert_eq!(uncover_scroll(rect(300.0, 320.0, 100.0, 800.0), card), None);
    }

    #[test]
    fn a_mark_taller_than_the_free_space_shows_its_start() {
        assert_eq!(
            uncover_scroll(rect(200.0, 400.0, 0.0, 800.0), SHEET),
            Some(200.0)
        );
    }
}
