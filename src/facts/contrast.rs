//! WCAG contrast: how readable text is on its background. A judgement on the colours
//! `campaign/css.rs` reads, so it lives with the analysis, not the reading.

use crate::campaign::css::Rgba;

/// WCAG 2.x relative luminance of an opaque colour.
///
/// Alpha is ignored. Uses the sRGB threshold 0.04045; WCAG's 0.03928 gives the same result
/// for every 8-bit channel value.
pub fn relative_luminance(c: Rgba) -> f64 {
    let linear = |v: u8| {
        let s = f64::from(v) / 255.0;
        if s <= 0.04045 {
            s / 12.92
        } else {
            ((s + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * linear(c.r) + 0.7152 * linear(c.g) + 0.0722 * linear(c.b)
}

/// WCAG contrast ratio (1.0..=21.0) of foreground text over an opaque background; a
/// translucent foreground is composited over the background first.
///
/// A translucent background is itself composited over white first, the canvas most mail
/// clients show; callers that know the real backdrop should composite it themselves with
/// [`Rgba::over`].
pub fn contrast_ratio(fg: Rgba, bg: Rgba) -> f64 {
    let bg = bg.over(Rgba::WHITE);
    let fg = fg.over(bg);
    let (a, b) = (relative_luminance(fg), relative_luminance(bg));
    ((a.max(b) + 0.05) / (a.min(b) + 0.05)).clamp(1.0, 21.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::campaign::css;

    fn rgba(r: u8, g: u8, b: u8, a: f32) -> Rgba {
        Rgba { r, g, b, a }
    }

    fn close(a: f64, b: f64, eps: f64) -> bool {
        (a - b).abs() <= eps
    }

    #[test]
    fn contrast() {
        let c = |fg: &str, bg: &str| {
            contrast_ratio(
                css::parse_color(fg).expect("fg parses"),
                css::parse_color(bg).expect("bg parses"),
            )
        };
        assert!(
            close(c("#ccc", "#ffffff"), 1.6, 0.01),
            "{}",
            c("#ccc", "#ffffff")
        );
        assert!(close(c("#eeeeee", "#ffffff"), 1.16, 0.01));
        assert!(close(c("#fff", "#000"), 21.0, 1e-9));
        assert!(close(c("#000", "#fff"), 21.0, 1e-9));
        assert!(close(c("#777", "#fff"), 4.48, 0.01));
        assert!(close(c("red", "red"), 1.0, 1e-9));
        // Translucent text is composited first: 10% black on white is nearly white.
        assert!(c("rgba(0,0,0,.1)", "#fff") < 1.3);
        // A transparent background counts as white.
        assert!(close(c("#000", "transparent"), 21.0, 1e-9));
        assert!(close(relative_luminance(Rgba::WHITE), 1.0, 1e-9));
        assert!(close(relative_luminance(Rgba::BLACK), 0.0, 1e-9));
    }

    /// The ratio stays in 1..=21 for every colour the CSS reader accepts, and for
    /// colours with broken alpha.
    #[test]
    fn garbage_gives_a_ratio_in_range() {
        for input in css::tests::garbage_inputs() {
            if let Some(c) = css::parse_color(&input) {
                let ratio = contrast_ratio(c, Rgba::WHITE);
                assert!((1.0..=21.0).contains(&ratio), "{input:?}");
            }
        }
        for rgba in [
            rgba(1, 2, 3, f32::NAN),
            rgba(1, 2, 3, -1.0),
            rgba(1, 2, 3, 9.0),
        ] {
            let ratio = contrast_ratio(rgba, rgba);
            assert!((1.0..=21.0).contains(&ratio));
        }
    }
}
