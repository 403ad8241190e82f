//! `unsubscribe-visibility`: the unsubscribe link exists but a person will not see it:
//! removed from display, tiny, or coloured (nearly) like its background. Fires only when
//! no unsubscribe link of the part is visible.

use std::ops::Range;

use serde::Deserialize;

use super::RuleKind;
use crate::campaign::css;
use crate::campaign::html::TextStyle;
use crate::diagnostic::Span;
use crate::facts::Facts;
use crate::rules::{Check, Context, Diag};

/// Parameters of the `unsubscribe-visibility` kind.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct Params {
    /// Text smaller than this (in CSS px) is too small to read.
    pub min_font_px: f32,
    /// WCAG contrast ratio of text to background below which text is invisible.
    pub min_contrast: f64,
}

impl Default for Params {
    fn default() -> Self {
        Self {
            min_font_px: 8.0,
            min_contrast: 1.5,
        }
    }
}

pub struct UnsubscribeVisibility {
    params: Params,
}

impl RuleKind for UnsubscribeVisibility {
    type Params = Params;

    fn new(params: Params) -> Self {
        Self { params }
    }
}

/// A label on the place that sets a style, when that place is known.
type StyleLabel = (String, Option<Range<usize>>);

/// Why text with this style is not seen: the reasons for the message, and labels on the
/// declarations that cause them.
fn problems(params: &Params, style: &TextStyle) -> (Vec<String>, Vec<StyleLabel>) {
    if let Some((how, at)) = &style.hidden {
        let what = how.describe();
        return (
            vec![format!("hidden by {what}")],
            vec![(format!("{what} hides the link"), Some(at.clone()))],
        );
    }
    let mut reasons = Vec::new();
    let mut labels = Vec::new();
    if style.font_px < params.min_font_px {
        let px = fmt_px(style.font_px);
        reasons.push(format!("{px}px text"));
        labels.push((format!("font size {px}px"), style.font_from.clone()));
    }
    if let Some(bg) = style.background {
        let ratio = css::contrast_ratio(style.color, bg);
        if ratio < params.min_contrast {
            reasons.push(format!(
                "{} on {} (contrast {ratio:.2}:1)",
                style.color.hex(),
                bg.hex()
            ));
            labels.push((
                format!("text colour {}", style.color.hex()),
                style.color_from.clone(),
            ));
            labels.push((
                format!("background {}", bg.hex()),
                style.background_from.clone(),
            ));
        }
    }
    (reasons, labels)
}

fn fmt_px(px: f32) -> String {
    if px.fract() == 0.0 {
        format!("{px:.0}")
    } else {
        format!("{px:.1}")
    }
}

impl Check for UnsubscribeVisibility {
    /// About the campaign alone: reads nothing of a profile.
    fn reads(&self, _facts: &crate::facts::Facts, _reads: &mut crate::rules::Reads) {}

    fn campaign(&self, cx: &mut Context, facts: &Facts) {
        for (index, part) in facts.parts.iter().enumerate() {
            let links: Vec<_> = facts
                .unsubscribe_links
                .iter()
                .filter(|l| l.part == index)
                .filter_map(|l| part.links.get(l.link))
                .filter(|l| l.style.is_some())
                .collect();
            let judged: Vec<_> = links
                .iter()
                .filter_map(|l| Some((l, problems(&self.params, l.style.as_ref()?))))
                .collect();
            if judged.is_empty() || judged.iter().any(|(_, (reasons, _))| reasons.is_empty()) {
                continue;
            }
            for (link, (reasons, labels)) in judged {
                let mut diag = Diag::new().arg("reason", reasons.join(", ")).label(
                    Span::new(part.source, link.range()),
                    "this unsubscribe link",
                );
                let mut seen: Vec<Range<usize>> = Vec::new();
                for (what, at) in labels {
                    let Some(at) = at else { continue };
                    if seen.contains(&at) {
                        continue;
                    }
                    seen.push(at.clone());
                    diag = diag.label(Span::new(part.source, at), what);
                }
                cx.report(diag);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::campaign::Format;
    use crate::rules::kinds::testing::run;

    fn check(html: &str) -> Vec<crate::diagnostic::Finding> {
        run("hidden-unsubscribe-link", html, Format::Html, None, None)
    }

    #[test]
    fn grey_on_grey_small_print() {
        let html = "<p>Sale</p><table><tr><td bgcolor=\"#f4f4f4\"><p style=\"font-size:6px;color:#eeeeee\">Nordlicht. <a href=\"https://x.example/unsubscribe\" style=\"color:#eeeeee\">unsubscribe</a></p></td></tr></table>";
        let found = check(html);
        assert_eq!(found.len(), 1, "{found:#?}");
        assert_eq!(
            found[0].message,
            "unsubscribe link is hidden: 6px text, #eeeeee on #f4f4f4 (contrast 1.05:1)"
        );
        assert!(found[0].labels.len() >= 3);
    }

    #[test]
    fn hidden_by_display_none_on_an_ancestor() {
        let found = check(
            "<p>Sale</p><div style=\"display: none !important\"><a href=\"https://x.example/unsubscribe\">Unsubscribe</a></div>",
        );
        assert_eq!(
            found[0].message,
            "unsubscribe link is hidden: hidden by display:none"
        );
    }

    #[test]
    fn visible_links_pass() {
        for html in [
            "<p>Sale</p><a href=\"https://x.example/unsubscribe\">Unsubscribe</a>",
            "<table><tr><td style=\"background:#000000\"><font color=\"#ffffff\" size=\"2\"><a href=\"*|UNSUB|*\" style=\"color:#fff\">Unsubscribe</a></font></td></tr></table>",
            "<p style=\"color:#999;font-size:11px\">Unsubscribe: <a href=\"https://x.example/u\" style=\"color:#666666\">unsubscribe</a></p>",
            // One hidden (a mobile-only copy) and one visible: fine.
            "<div style=\"display:none\"><a href=\"https://x.example/unsubscribe\">Unsubscribe</a></div><a href=\"https://x.example/unsubscribe\">Unsubscribe</a>",
        ] {
            assert!(check(html).is_empty(), "{html}");
        }
    }

    #[test]
    fn implicitly_closed_cells_do_not_leak_styles() {
        let html = "<table><tr><td style=\"display:none\">hidden preheader<td><a href=\"https://x.example/unsubscribe\">Unsubscribe</a></table>";
        assert!(check(html).is_empty());
    }
}
