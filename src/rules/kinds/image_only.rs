//! `image-only`: an HTML part that is mostly pictures: little text a reader sees, beside
//! a large image or several images. With images blocked (the default in many clients) the
//! reader sees an empty message, and spam filters score image-only bulk mail higher.
//!
//! Shipped rules of this kind: `image-only-email`.

use serde::Deserialize;

use super::{RuleKind, part_name};
use crate::campaign::PartKind;
use crate::campaign::html::Image;
use crate::diagnostic::Span;
use crate::facts::language::count_words;
use crate::facts::{Facts, Origin, TextUnit};
use crate::rules::{CampaignCheck, Context, Diag};

/// Images narrower than this are icons (social, bullets) and do not count.
const ICON_PX: f32 = 100.0;

fn images(count: usize) -> String {
    if count == 1 {
        "an image".to_owned()
    } else {
        format!("{count} images")
    }
}

fn image_label(img: &Image) -> String {
    match (img.width_px(), img.width.as_deref()) {
        (Some(w), _) => format!("image, {w}px wide"),
        (None, Some(w)) => format!("image, {w} wide"),
        (None, None) => "image".to_owned(),
    }
}

/// Parameters of the `image-only` kind.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct Params {
    /// Fewer words of visible body text than this is "little text" (the subject and a
    /// hidden preheader do not count).
    pub min_words: usize,
    /// An image at least this wide (the `width` attribute, in pixels; 50% or more of a
    /// percentage) is a large image.
    pub large_width: u32,
    /// This many images (not counting tracking pixels and icons under 100px) count as
    /// image-heavy even when none is large.
    pub several_images: usize,
}

impl Default for Params {
    fn default() -> Self {
        Self {
            min_words: 50,
            large_width: 300,
            several_images: 3,
        }
    }
}

pub struct ImageOnly {
    params: Params,
}

impl RuleKind for ImageOnly {
    type Params = Params;

    fn new(params: Params) -> Self {
        Self { params }
    }
}

impl ImageOnly {
    fn is_large(&self, img: &Image) -> bool {
        match (img.width_px(), img.width.as_deref()) {
            (Some(w), _) => w >= self.params.large_width as f32,
            (None, Some(w)) => w
                .trim()
                .strip_suffix('%')
                .and_then(|p| p.trim().parse::<f32>().ok())
                .is_some_and(|p| p >= 50.0),
            (None, None) => false,
        }
    }
}

/// Words in an image's `alt` or file name that make it part of the layout, not of the
/// message: the logo and the social-network icons every template carries.
const FURNITURE: &[&str] = &[
    "logo",
    "icon",
    "facebook",
    "twitter",
    "instagram",
    "linkedin",
    "youtube",
    "pinterest",
    "tiktok",
    "whatsapp",
    "google+",
    "googleplus",
    "social",
    "spacer",
    "divider",
];

/// Whether an image is the layout's (logo, icons), judged by its `alt` and file name.
fn is_furniture(img: &Image) -> bool {
    let file = img
        .src
        .as_deref()
        .map(|s| s.rsplit('/').next().unwrap_or(s).to_ascii_lowercase())
        .unwrap_or_default();
    let alt = img.alt.as_deref().unwrap_or("").to_ascii_lowercase();
    FURNITURE
        .iter()
        .any(|w| file.contains(w) || alt.contains(w))
        || matches!(alt.trim(), "x" | "fb" | "ig")
}

/// Whether text is filled in when the mail is sent, so that it cannot be counted here: a
/// template loop or a feed (`{% for %}`, `{{#each}}`, `*|FEEDITEMS|*`, `*|RSSITEMS:|*`)
/// that prints values into the text, or a variable that holds a block of the message
/// (`{{text}}`, `{{{ body }}}`). A loop that only repeats images
/// (`<img src="{{this.image}}">`) adds no text, and the part is judged as it is.
fn has_repeated_content(facts: &Facts, source: usize) -> bool {
    let control = |expr: &str| {
        let lower = expr
            .trim_start_matches(['-', '#', '~', '/'])
            .trim_start()
            .to_ascii_lowercase();
        let word = lower.split_whitespace().next().unwrap_or("").to_owned();
        (word, lower)
    };
    let mut depth = 0usize;
    for t in facts.merge_tags.iter().filter(|t| t.span.source == source) {
        let (word, lower) = control(&t.tag.expr);
        let closing = t.tag.expr.trim_start().starts_with('/');
        if matches!(word.as_str(), "endfor" | "endeach")
            || closing && matches!(word.as_str(), "each" | "for")
        {
            depth = depth.saturating_sub(1);
            continue;
        }
        if matches!(word.as_str(), "for" | "each" | "foreach")
            || lower.starts_with("feeditems")
            || lower.starts_with("rssitems")
            || lower.starts_with("feedblock")
        {
            depth += 1;
            continue;
        }
        let flow = matches!(
            word.as_str(),
            "if" | "else" | "elif" | "elsif" | "endif" | "unless" | "with" | "end" | "endwith"
        ) || t.tag.expr.trim_start().starts_with(['#', '/']);
        if t.unit.is_none() || flow {
            continue;
        }
        // A variable that holds a block of the message ({{text}}, {{ body }},
        // {{{content}}}, {{this.description}}) fills the text in, loop or not.
        let name = word.rsplit(['.', ':']).next().unwrap_or(&word);
        let block = [
            "text",
            "body",
            "content",
            "message",
            "description",
            "html",
            "copy",
            "intro",
            "paragraph",
            "header",
            "headline",
        ]
        .contains(&name);
        if depth > 0 || block {
            return true;
        }
    }
    false
}

/// Words of text a reader sees in the body: displayed blocks, and the preheader when it
/// is displayed too. Chinese and Japanese count by characters (about two a word), as
/// language detection counts them, since they do not put spaces between words.
fn visible_words(units: &[TextUnit]) -> usize {
    units
        .iter()
        .filter(|u| match u.origin {
            Origin::Body => true,
            Origin::Preheader => u.style.as_ref().is_none_or(|s| s.hidden.is_none()),
            Origin::Subject | Origin::Hidden => false,
        })
        .map(|u| count_words(&u.text) + numbers(&u.text))
        .sum()
}

/// Tokens that are numbers ("50%", "$20", "2024"): words of an offer, which language
/// detection does not count.
fn numbers(text: &str) -> usize {
    text.split_whitespace()
        .filter(|w| w.chars().any(char::is_numeric) && !w.chars().any(char::is_alphabetic))
        .count()
}

impl CampaignCheck for ImageOnly {
    fn campaign(&self, cx: &mut Context, facts: &Facts) {
        for part in facts.parts.iter().filter(|p| p.kind == PartKind::Html) {
            // Text that a loop or feed fills in at send time cannot be counted here: say
            // nothing rather than guess.
            if has_repeated_content(facts, part.source) {
                continue;
            }
            let pictures: Vec<&Image> = part
                .images
                .iter()
                .filter(|img| !img.is_tracking_pixel() && !is_furniture(img))
                .filter(|img| img.width_px().is_none_or(|w| w >= ICON_PX))
                .collect();
            let large = pictures.iter().any(|img| self.is_large(img));
            if !large && pictures.len() < self.params.several_images.max(1) {
                continue;
            }
            let words = visible_words(facts.units.get(part.units.clone()).unwrap_or_default());
            if words >= self.params.min_words {
                continue;
            }
            let mut diag = Diag::new()
                .arg("words", words.to_string())
                .arg("images", images(pictures.len()))
                .arg("part", part_name(facts.format, part.kind));
            for img in pictures {
                diag = diag.label(Span::new(part.source, img.head()), image_label(img));
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
        run("image-only-email", html, Format::Html, None, None)
    }

    const HERO: &str = "<img src=\"https://x.example/hero.jpg\" width=\"600\" alt=\"Sale\">";

    #[test]
    fn little_text_beside_images() {
        let found = check(&format!("{HERO}<p>Shop now</p>"));
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].message,
            "only 2 words of text beside an image in the HTML template"
        );
        assert_eq!(
            found[0].labels[0].text.as_deref(),
            Some("image, 600px wide")
        );
        let small = "<img src=\"https://x.example/a.jpg\" width=\"200\" alt=\"A\">";
        let found = check(&format!("{small}{small}{small}<p>Shop now</p>"));
        assert_eq!(found[0].labels.len(), 3);
    }

    #[test]
    fn counts_japanese_and_chinese_by_characters() {
        // 200 characters of Japanese are about 100 words, not the 7 tokens between spaces.
        let japanese = "いつも当店をご利用いただき、誠にありがとうございます。冬のセールが始まりました。人気のテレビやヘッドホン、スピーカーが特別価格でお求めいただけます。数量限定のため、お早めにお買い求めください。";
        let long = format!("{HERO}<p>{japanese}</p><p>{japanese}</p>");
        assert!(check(&long).is_empty(), "{:#?}", check(&long));
        let short = format!("{HERO}<p>今すぐ購入</p>");
        let found = check(&short);
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].message,
            "only 2 words of text beside an image in the HTML template"
        );
    }

    #[test]
    fn logos_icons_and_looped_content_do_not_count() {
        let logo = "<img src=\"https://x.example/gologo_03.gif\" alt=\"Logo\">";
        let social = "<img src=\"https://x.example/icons_05.gif\" alt=\"facebook\"><img src=\"https://x.example/i6.gif\" alt=\"twitter\">";
        let card = "<img src=\"https://x.example/comp_12.gif\" width=\"224\" alt=\"hello\">";
        assert!(
            check(&format!(
                "{logo}{social}{card}<p>Please confirm your address.</p>"
            ))
            .is_empty()
        );
        // A loop fills the text in when it is sent.
        let looped =
            format!("{HERO}{{% for item in items %}}<p>{{{{ item.title }}}}</p>{{% endfor %}}");
        assert!(check(&looped).is_empty(), "{looped}");
        let each = format!("{HERO}{{{{#each items}}}}<p>{{{{this.name}}}}</p>{{{{/each}}}}");
        assert!(check(&each).is_empty(), "{each}");
        let block = format!("{HERO}<h1>{{{{header}}}}</h1><p>{{{{text}}}}</p>");
        assert!(check(&block).is_empty(), "{block}");
        // A loop of images only, or a first name, adds no text to count.
        let images = format!(
            "{HERO}{{{{#each deals}}}}<img src=\"{{{{this.image}}}}\" width=\"600\">{{{{/each}}}}<p>Hi {{{{first_name}}}}</p>"
        );
        assert_eq!(check(&images).len(), 1, "{images}");
        // Without them, the same hero is still reported.
        assert_eq!(check(&format!("{logo}{HERO}<p>Shop now</p>")).len(), 1);
    }

    #[test]
    fn enough_text_or_no_real_images_pass() {
        let prose = "<p>".to_owned() + &"Our winter sale has started. ".repeat(12) + "</p>";
        for html in [
            format!("{HERO}{prose}"),
            "<p>Shop now</p><img src=\"https://x.example/o.gif\" width=\"1\" height=\"1\" alt=\"\">"
                .to_owned(),
            "<p>Hi</p><img src=\"https://x.example/ig.png\" width=\"28\" alt=\"Instagram\"><img src=\"https://x.example/a.jpg\" width=\"200\" alt=\"A\">"
                .to_owned(),
        ] {
            assert!(check(&html).is_empty(), "{html}");
        }
        let hidden_preheader = format!(
            "<div style=\"display:none\">{}</div>{HERO}<p>Shop now</p>",
            "Hidden words ".repeat(40)
        );
        assert_eq!(check(&hidden_preheader).len(), 1);
    }
}
