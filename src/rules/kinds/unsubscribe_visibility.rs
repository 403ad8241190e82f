//! `unsubscribe-visibility`: the unsubscribe link exists but is hard or impossible to see,
//! judged on its computed style (the `<style>` rules, inline styles and attributes that
//! reach it): removed from display, too small, or too close in colour to its background.
//!
//! Two shipped rules use this kind at two thresholds: `hidden-unsubscribe-link` (error: a
//! reader does not see the link at all) and `small-print-unsubscribe-link` (warning: seen
//! but hard to read, below WCAG AA). A rule fires only when no unsubscribe link of the part
//! clears its bar, once per part with every failing link labelled, and one that defers to a
//! stricter rule (`defer-to`) leaves the links that rule reports to it, so a link is
//! reported once.
//!
//! Shipped rules of this kind: `hidden-unsubscribe-link`, `small-print-unsubscribe-link`.

use std::ops::Range;

use serde::Deserialize;

use super::RuleKind;
use crate::campaign::html::{SetBy, Setting, TextStyle};
use crate::diagnostic::Span;
use crate::facts::Facts;
use crate::facts::contrast::contrast_ratio;
use crate::rules::{CampaignCheck, Context, Diag};

/// A label on the place that sets a style, when that place is known.
type StyleLabel = (String, Option<Setting>);

fn fmt_px(px: f32) -> String {
    if px.fract() == 0.0 {
        format!("{px:.0}")
    } else {
        format!("{px:.1}")
    }
}

/// `text colour #bbbbbb (rule `.footer a`)`: what a value is and, for a `<style>` rule,
/// which one set it.
fn labelled(what: String, setting: Option<&Setting>) -> String {
    match setting.map(|s| &s.by) {
        Some(SetBy::Rule(selector)) => format!("{what} (rule `{selector}`)"),
        Some(SetBy::ClientDefault) => format!("{what} (the client's default for this tag)"),
        _ => what,
    }
}

/// The link's text colour as a message names it: the default link colour is the client's,
/// not the author's.
fn describe_color(style: &TextStyle) -> String {
    let hex = style.color.hex();
    if is_client_default(style) {
        format!("the client's default link colour {hex}")
    } else {
        hex
    }
}

fn is_client_default(style: &TextStyle) -> bool {
    style
        .color_from
        .as_ref()
        .is_some_and(|s| s.by == SetBy::ClientDefault)
}

/// Parameters of the `unsubscribe-visibility` kind.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct Params {
    /// Text smaller than this (in CSS px) is reported.
    pub min_font_px: f32,
    /// WCAG contrast ratio of text to its background below which the text is reported.
    pub min_contrast: f64,
    /// Text at least this large (in CSS px) is held to `min-large-contrast` instead
    /// (WCAG's large text: 18pt, 24px).
    pub large_font_px: f32,
    /// The contrast large text needs; when absent, `min-contrast`.
    pub min_large_contrast: Option<f64>,
    /// A stricter rule of this kind: the links it reports (removed from display, or under
    /// its thresholds) are left to it, so that a link is reported once.
    pub defer_to: Option<Stricter>,
}

/// The thresholds of the rule a rule defers to.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Stricter {
    /// Its `min-font-px`.
    pub min_font_px: f32,
    /// Its `min-contrast`.
    pub min_contrast: f64,
}

impl Default for Params {
    fn default() -> Self {
        Self {
            min_font_px: 6.0,
            min_contrast: 1.5,
            large_font_px: 24.0,
            min_large_contrast: None,
            defer_to: None,
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

    fn validate(params: &Params) -> Result<(), String> {
        let finite = params.min_font_px.is_finite()
            && params.large_font_px.is_finite()
            && params.min_contrast.is_finite()
            && params.min_large_contrast.is_none_or(f64::is_finite);
        if !finite || params.min_font_px < 0.0 || params.min_contrast < 1.0 {
            return Err("min-font-px must be 0 or more and min-contrast 1 or more".to_owned());
        }
        Ok(())
    }
}

/// Why text with this style fails the bar: the reasons (empty when it passes) and labels
/// on the places that cause them.
struct Verdict {
    failed: bool,
    reason: String,
    labels: Vec<StyleLabel>,
}

/// The contrast of the text with its background, when the background is a known colour.
fn contrast(style: &TextStyle) -> Option<f64> {
    style.background.map(|bg| contrast_ratio(style.color, bg))
}

/// Whether a link with this style is below the thresholds (or removed from display).
fn below(style: &TextStyle, min_font_px: f32, min_contrast: f64) -> bool {
    style.hidden.is_some()
        || style.font_px < min_font_px
        || contrast(style).is_some_and(|r| r < min_contrast)
}

fn judge(params: &Params, style: &TextStyle) -> Verdict {
    if let Some((how, at)) = &style.hidden {
        let what = how.describe();
        return Verdict {
            failed: true,
            reason: format!("hidden by {what}"),
            labels: vec![(
                labelled(format!("{what} hides the link"), Some(at)),
                Some(at.clone()),
            )],
        };
    }
    let px = fmt_px(style.font_px);
    let ratio = contrast(style);
    let needed = match params.min_large_contrast {
        Some(large) if style.font_px >= params.large_font_px => large,
        _ => params.min_contrast,
    };
    let small = style.font_px < params.min_font_px;
    let faint = ratio.is_some_and(|r| r < needed);
    let reason = match (style.background, ratio) {
        (Some(bg), Some(r)) => format!(
            "{px}px text in {} on {} (contrast {r:.2}:1)",
            describe_color(style),
            bg.hex()
        ),
        _ => format!(
            "{px}px text in {} on a background image",
            describe_color(style)
        ),
    };
    let mut labels = Vec::new();
    if small {
        labels.push((
            labelled(format!("font size {px}px"), style.font_from.as_ref()),
            style.font_from.clone(),
        ));
    }
    if faint {
        let color = if is_client_default(style) {
            format!(
                "no rule sets this link's colour: the client's default {}",
                style.color.hex()
            )
        } else {
            labelled(
                format!("text colour {}", style.color.hex()),
                style.color_from.as_ref(),
            )
        };
        labels.push((color, style.color_from.clone()));
        if let Some(bg) = style.background {
            labels.push((
                labelled(
                    format!("background {}", bg.hex()),
                    style.background_from.as_ref(),
                ),
                style.background_from.clone(),
            ));
        }
    }
    Verdict {
        failed: small || faint,
        reason,
        labels,
    }
}

impl CampaignCheck for UnsubscribeVisibility {
    fn campaign(&self, cx: &mut Context, facts: &Facts) {
        for (index, part) in facts.parts.iter().enumerate() {
            let links: Vec<_> = facts
                .unsubscribe_links
                .iter()
                .filter(|l| l.part == index)
                .filter_map(|l| part.links.get(l.link))
                .filter_map(|l| Some((l, l.style.as_ref()?)))
                .collect();
            // A link whose style could not be computed in full may be readable: say nothing.
            if links.is_empty() || links.iter().any(|(_, s)| s.unsure) {
                continue;
            }
            let judged: Vec<_> = links
                .iter()
                .map(|&(link, style)| (link, style, judge(&self.params, style)))
                .collect();
            if judged.iter().any(|(_, _, v)| !v.failed) {
                continue;
            }
            // One finding per part: its opt-out links fail together (a footer link and its
            // "manage preferences" twin styled by the same rule are one problem).
            let reported: Vec<_> = judged
                .into_iter()
                .filter(|(_, style, _)| {
                    self.params
                        .defer_to
                        .as_ref()
                        .is_none_or(|s| !below(style, s.min_font_px, s.min_contrast))
                })
                .collect();
            if reported.is_empty() {
                continue;
            }
            let mut reasons: Vec<&str> = Vec::new();
            for (_, _, verdict) in &reported {
                if !reasons.contains(&verdict.reason.as_str()) {
                    reasons.push(&verdict.reason);
                }
            }
            let mut diag = Diag::new()
                .arg("reason", reasons.join("; "))
                .arg("min_font_px", fmt_px(self.params.min_font_px))
                .arg("min_contrast", format!("{}", self.params.min_contrast));
            for (link, _, _) in &reported {
                diag = diag.label(
                    Span::new(part.source, link.range()),
                    "this unsubscribe link",
                );
            }
            let mut seen: Vec<Range<usize>> = Vec::new();
            for (_, _, verdict) in reported {
                for (what, at) in verdict.labels {
                    let Some(at) = at.map(|s| s.at) else { continue };
                    if seen.contains(&at) {
                        continue;
                    }
                    seen.push(at.clone());
                    diag = diag.label(Span::new(part.source, at), what);
                }
            }
            cx.report(diag);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::campaign::Format;
    use crate::diagnostic::Finding;
    use crate::rules::kinds::testing::run;

    fn hidden(html: &str) -> Vec<Finding> {
        run("hidden-unsubscribe-link", html, Format::Html, None, None)
    }

    fn small_print(html: &str) -> Vec<Finding> {
        run(
            "small-print-unsubscribe-link",
            html,
            Format::Html,
            None,
            None,
        )
    }

    /// The text of each label of a finding, with the source it points at.
    fn labels<'a>(html: &'a str, finding: &'a Finding) -> Vec<(&'a str, &'a str)> {
        finding
            .labels
            .iter()
            .map(|l| {
                let r = l.span.offset..l.span.offset + l.span.len;
                (l.text.as_deref().unwrap_or(""), &html[r])
            })
            .collect()
    }

    #[test]
    fn grey_on_grey_small_print_is_hidden() {
        let html = "<p>Sale</p><table><tr><td bgcolor=\"#f4f4f4\"><p style=\"font-size:6px;color:#eeeeee\">Nordlicht. <a href=\"https://x.example/unsubscribe\" style=\"color:#eeeeee\">unsubscribe</a></p></td></tr></table>";
        let found = hidden(html);
        assert_eq!(found.len(), 1, "{found:#?}");
        assert_eq!(
            found[0].message,
            "unsubscribe link is hidden: 6px text in #eeeeee on #f4f4f4 (contrast 1.05:1)"
        );
        assert_eq!(
            labels(html, &found[0]),
            [
                ("this unsubscribe link", "unsubscribe"),
                ("text colour #eeeeee", "color:#eeeeee"),
                ("background #f4f4f4", "bgcolor=\"#f4f4f4\""),
            ]
        );
        // Reported once: the small print rule leaves it to the hidden one.
        assert!(small_print(html).is_empty());
    }

    #[test]
    fn tiny_or_same_colour_links_are_hidden() {
        for (html, reason) in [
            (
                "<p>News</p><p style=\"font-size:1px\"><a href=\"https://x.example/unsubscribe\" style=\"color:#333\">Unsubscribe</a></p>",
                "1px text in #333333 on #ffffff (contrast 12.63:1)",
            ),
            (
                "<table><tr><td style=\"background-color:#1d1d1d\"><a href=\"https://x.example/opt-out\" style=\"color:#1d1d1d\">Opt out</a></td></tr></table>",
                "16px text in #1d1d1d on #1d1d1d (contrast 1.00:1)",
            ),
            (
                "<p><a href=\"https://x.example/unsubscribe\" style=\"color:transparent\">Unsubscribe</a></p>",
                "16px text in #000000 on #ffffff (contrast 1.00:1)",
            ),
        ] {
            let found = hidden(html);
            assert_eq!(found.len(), 1, "{html}");
            assert_eq!(
                found[0].message,
                format!("unsubscribe link is hidden: {reason}")
            );
            assert!(small_print(html).is_empty(), "{html}");
        }
    }

    #[test]
    fn hidden_by_display_none_on_an_ancestor() {
        let found = hidden(
            "<p>Sale</p><div style=\"display: none !important\"><a href=\"https://x.example/unsubscribe\">Unsubscribe</a></div>",
        );
        assert_eq!(
            found[0].message,
            "unsubscribe link is hidden: hidden by display:none"
        );
    }

    #[test]
    fn light_grey_ten_pixel_link_is_small_print() {
        let html = "<p>Spring offers</p><table><tr><td style=\"background:#fafafa\">\
            <p style=\"font-size:10px;color:#aaaaaa\">You get this mail as a customer. \
            <a href=\"https://x.example/unsubscribe\" style=\"color:#aaaaaa\">Unsubscribe</a></p></td></tr></table>";
        assert!(hidden(html).is_empty());
        let found = small_print(html);
        assert_eq!(found.len(), 1, "{found:#?}");
        assert_eq!(
            found[0].message,
            "unsubscribe link is in small print: 10px text in #aaaaaa on #fafafa (contrast 2.23:1)"
        );
        assert_eq!(
            labels(html, &found[0]),
            [
                ("this unsubscribe link", "Unsubscribe"),
                ("font size 10px", "font-size:10px"),
                ("text colour #aaaaaa", "color:#aaaaaa"),
                ("background #fafafa", "background:#fafafa"),
            ]
        );
        let help = found[0].help.as_deref().unwrap_or("");
        assert!(help.contains("11px") && help.contains("4.5:1"), "{help}");
    }

    /// The sendwithus "neopolitan" footer: the link colour comes from `a { color: #bbbbbb }`
    /// in the head, on a #414141 footer. Read inline-only, it was the browser's blue at
    /// 1.09:1 and an error; through the cascade it is light grey at 7.7:1.
    #[test]
    fn style_block_link_colour_on_a_dark_footer_passes() {
        let html = "<html><head><style type=\"text/css\">\n  a {\n    text-decoration: none;\n    color: #bbbbbb;\n  }\n  td { text-align: center; }\n</style>\
            <style type=\"text/css\" media=\"only screen and (max-width: 480px)\">a { color: #414141 !important }</style></head>\
            <body><table><tr><td>Welcome!</td></tr></table>\
            <table bgcolor=\"#414141\"><tr><td style=\"color:#bbbbbb; font-size:12px;\">\
            <a href=\"#\">View in browser</a> | <a href=\"#\">Unsubscribe</a> | <a href=\"#\">Contact</a></td></tr></table></body></html>";
        assert!(hidden(html).is_empty(), "{:#?}", hidden(html));
        assert!(small_print(html).is_empty(), "{:#?}", small_print(html));
        // Without the style block the same footer shows the client's blue: named as such.
        let bare = html.replace("color: #bbbbbb;", "");
        let found = hidden(&bare);
        assert_eq!(
            found[0].message,
            "unsubscribe link is hidden: 12px text in the client's default link colour #0000ee on #414141 (contrast 1.09:1)"
        );
        assert_eq!(
            labels(&bare, &found[0])[1].0,
            "no rule sets this link's colour: the client's default #0000ee"
        );
    }

    /// The sendwithus "sunday" footer: `.footer a` in the head, inline colour on the cell.
    #[test]
    fn class_rule_for_footer_links_passes() {
        let html = "<html><head><style>\n.footer a, .footer a:visited { color: #f0f0f0; }\n@media (prefers-color-scheme: dark) { a { color: #363636 !important } }\n</style></head>\
            <body><p>Hello</p><table class=\"footer\" bgcolor=\"#363636\"><tr><td style=\"font-size:13px\">\
            <a href=\"{{unsubscribe_url}}\">Unsubscribe</a></td></tr></table></body></html>";
        assert!(hidden(html).is_empty(), "{:#?}", hidden(html));
        assert!(small_print(html).is_empty());
    }

    #[test]
    fn class_rule_that_hides_the_opt_out_is_labelled_in_the_style_block() {
        let html = "<html><head><style>\n.legal { background-color: #f4f4f4; font-size: 12px; }\n.legal .optout { color: #f2f2f2; }\n</style></head>\
            <body><p>Spring sale</p><div class=\"legal\">Nordlicht GmbH. <a class=\"optout\" href=\"https://x.example/u\">Unsubscribe</a></div></body></html>";
        let found = hidden(html);
        assert_eq!(found.len(), 1, "{found:#?}");
        assert_eq!(
            found[0].message,
            "unsubscribe link is hidden: 12px text in #f2f2f2 on #f4f4f4 (contrast 1.02:1)"
        );
        assert_eq!(
            labels(html, &found[0]),
            [
                ("this unsubscribe link", "Unsubscribe"),
                (
                    "text colour #f2f2f2 (rule `.legal .optout`)",
                    "color: #f2f2f2"
                ),
                (
                    "background #f4f4f4 (rule `.legal`)",
                    "background-color: #f4f4f4"
                ),
            ]
        );
        // A display:none rule is named too.
        let html = "<html><head><style>a.optout{display:none}</style></head><body><p>Sale</p>\
            <a class=\"optout\" href=\"https://x.example/unsubscribe\">Unsubscribe</a></body></html>";
        let found = hidden(html);
        assert_eq!(
            labels(html, &found[0])[1],
            (
                "display:none hides the link (rule `a.optout`)",
                "display:none"
            )
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
            // `color: inherit` takes the footer's colour.
            "<style>.f a{color:inherit}</style><p class=\"f\" style=\"color:#222\"><a href=\"https://x.example/unsubscribe\">Unsubscribe</a></p>",
            // Large text needs only 3:1 (#888 on white is 3.54:1).
            "<p style=\"font-size:24px;color:#888\"><a href=\"https://x.example/unsubscribe\" style=\"color:#888\">Unsubscribe</a></p>",
        ] {
            assert!(hidden(html).is_empty(), "{html}");
            assert!(small_print(html).is_empty(), "{html}");
        }
    }

    #[test]
    fn one_readable_link_is_enough_and_no_link_is_reported_twice() {
        // A hidden duplicate and a small-print link: no error (one is seen); the warning
        // names only the small-print one.
        let html = "<div style=\"display:none\"><a href=\"https://x.example/unsubscribe\">Unsubscribe</a></div>\
            <p style=\"font-size:9px\"><a href=\"https://x.example/unsubscribe\">Unsubscribe</a></p>";
        assert!(hidden(html).is_empty());
        let found = small_print(html);
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].message,
            "unsubscribe link is in small print: 9px text in the client's default link colour #0000ee on #ffffff (contrast 9.40:1)"
        );
    }

    #[test]
    fn links_that_fail_together_are_one_finding() {
        let html = "<style>.legal{background:#f4f4f4;font-size:12px}.legal a{color:#f2f2f2}</style>\
            <p>Sale</p><div class=\"legal\"><a href=\"https://x.example/preferences\">Manage your subscription</a> \
            <a href=\"https://x.example/unsubscribe\">Unsubscribe</a></div>";
        let found = hidden(html);
        assert_eq!(found.len(), 1, "{found:#?}");
        let texts: Vec<_> = labels(html, &found[0])
            .into_iter()
            .map(|(t, s)| (t.to_owned(), s.to_owned()))
            .collect();
        assert_eq!(
            texts[0],
            (
                "this unsubscribe link".to_owned(),
                "Manage your subscription".to_owned()
            )
        );
        assert_eq!(
            texts[1],
            ("this unsubscribe link".to_owned(), "Unsubscribe".to_owned())
        );
        assert_eq!(
            texts.len(),
            4,
            "the colour and background rules once: {texts:?}"
        );
    }

    #[test]
    fn implicitly_closed_cells_do_not_leak_styles() {
        let html = "<table><tr><td style=\"display:none\">hidden preheader<td><a href=\"https://x.example/unsubscribe\">Unsubscribe</a></table>";
        assert!(hidden(html).is_empty());
    }
}
