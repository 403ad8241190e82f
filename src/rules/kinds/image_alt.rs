//! `image-alt`: `<img>` elements without an `alt` attribute. Most clients block images
//! by default and screen readers announce the file name instead; `alt=""` is correct for
//! decorative images and is not reported, nor are 1×1 tracking pixels. Images inside
//! Outlook conditional comments are not seen by the reducer, so they are not reported
//! twice.
//!
//! Shipped rules of this kind: `missing-alt-text`.

use super::{NoParams, RuleKind, part_name};
use crate::campaign::PartKind;
use crate::diagnostic::Span;
use crate::facts::Facts;
use crate::rules::{CampaignCheck, Context, Diag};

fn images(count: usize) -> String {
    if count == 1 {
        "an image".to_owned()
    } else {
        format!("{count} images")
    }
}

pub struct ImageAlt;

impl RuleKind for ImageAlt {
    type Params = NoParams;

    fn new(_params: NoParams) -> Self {
        Self
    }
}

impl CampaignCheck for ImageAlt {
    fn campaign(&self, cx: &mut Context, facts: &Facts) {
        for part in facts.parts.iter().filter(|p| p.kind == PartKind::Html) {
            let missing: Vec<_> = part
                .images
                .iter()
                .filter(|img| img.alt.is_none() && !img.is_tracking_pixel())
                .collect();
            if missing.is_empty() {
                continue;
            }
            let mut diag = Diag::new()
                .arg("images", images(missing.len()))
                .arg("part", part_name(facts.format, part.kind));
            for img in missing {
                diag = diag.label(Span::new(part.source, img.head()), "no alt attribute");
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

    fn check(html: &str) -> Vec<Finding> {
        run("missing-alt-text", html, Format::Html, None, None)
    }

    #[test]
    fn images_without_alt() {
        let html = "<p>Sale</p><img src=\"https://x.example/hero.jpg\" width=\"600\" style=\"display:block\"><a href=\"https://x.example\"><img src=\"https://x.example/buy.png\"></a>";
        let found = check(html);
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].message,
            "2 images without alt text in the HTML template"
        );
        let first = found[0].labels[0].span;
        assert_eq!(
            &html[first.offset..first.end()],
            "<img src=\"https://x.example/hero.jpg\""
        );
        assert_eq!(found[0].labels.len(), 2);
    }

    #[test]
    fn decorative_pixels_and_conditionals_pass() {
        for html in [
            "<img src=\"https://x.example/hero.jpg\" alt=\"A TV\">",
            "<img src=\"https://x.example/divider.png\" alt=\"\">",
            "<img src=\"https://x.example/open.gif\" width=\"1\" height=\"1\" border=\"0\">",
            "<img src=\"https://x.example/o.gif\" width=\"0\" height=\"0\">",
            "<!--[if mso]><img src=\"https://x.example/vml.png\"><![endif]--><p>Hi</p>",
        ] {
            assert!(check(html).is_empty(), "{html}");
        }
    }
}
