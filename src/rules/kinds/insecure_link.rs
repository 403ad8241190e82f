//! `insecure-link`: links (and, by default, images) in the body that use plain `http://`.
//! One finding per part, every insecure URL labelled: a campaign built from one template
//! has the same problem in many places, and one finding with all of them reads better
//! than a screenful of copies.
//!
//! Shipped rules of this kind: `insecure-link`.

use serde::Deserialize;

use super::{RuleKind, part_name};
use crate::diagnostic::Span;
use crate::facts::Facts;
use crate::facts::urls;
use crate::rules::{CampaignCheck, Context, Diag};

const LINK_LABEL: &str = "use https";
const IMAGE_LABEL: &str = "use https for this image";

/// "links", "image", "links and images": what the finding is about.
fn what(links: usize, images: usize) -> String {
    let noun = |n: usize, one: &str, many: &str| match n {
        0 => None,
        1 => Some(one.to_owned()),
        _ => Some(many.to_owned()),
    };
    [
        noun(links, "link", "links"),
        noun(images, "image", "images"),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" and ")
}

/// Parameters of the `insecure-link` kind.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct Params {
    /// Hosts whose http links are fine (local test servers): exact names or patterns with
    /// `*` (`*.internal.example.com`).
    pub allow_hosts: Vec<String>,
    /// Also report `<img src="http://…">` (mixed content: blocked or flagged by some
    /// clients, and sent in the clear).
    pub include_images: bool,
}

impl Default for Params {
    fn default() -> Self {
        Self {
            allow_hosts: vec!["localhost".to_owned(), "127.0.0.1".to_owned()],
            include_images: true,
        }
    }
}

pub struct InsecureLink {
    params: Params,
}

impl RuleKind for InsecureLink {
    type Params = Params;

    fn new(params: Params) -> Self {
        Self { params }
    }
}

impl InsecureLink {
    /// Whether `url` is a plain-http URL to a host that is not allowed.
    fn is_insecure(&self, url: &str) -> bool {
        if urls::scheme(url.trim()).as_deref() != Some("http") {
            return false;
        }
        urls::host(url).is_none_or(|host| {
            !self
                .params
                .allow_hosts
                .iter()
                .any(|p| urls::host_matches(&host, p))
        })
    }
}

impl CampaignCheck for InsecureLink {
    fn campaign(&self, cx: &mut Context, facts: &Facts) {
        for part in &facts.parts {
            let mut labels = Vec::new();
            let mut links = 0;
            for link in &part.links {
                if link.href.as_deref().is_some_and(|h| self.is_insecure(h)) {
                    let range = link.href_range.clone().unwrap_or_else(|| link.tag.clone());
                    labels.push((range, LINK_LABEL));
                    links += 1;
                }
            }
            let mut images = 0;
            if self.params.include_images {
                for image in &part.images {
                    if image.src.as_deref().is_some_and(|s| self.is_insecure(s)) {
                        let range = image.src_range.clone().unwrap_or_else(|| image.tag.clone());
                        labels.push((range, IMAGE_LABEL));
                        images += 1;
                    }
                }
            }
            if labels.is_empty() {
                continue;
            }
            labels.sort_by_key(|(r, _)| r.start);
            let mut diag = Diag::new()
                .arg("what", what(links, images))
                .arg("part", part_name(facts.format, part.kind));
            for (range, text) in labels {
                diag = diag.label(Span::new(part.source, range), text);
            }
            cx.report(diag);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::campaign::Format;
    use crate::rules::kinds::testing::{eml, run};

    fn check(html: &str) -> Vec<crate::diagnostic::Finding> {
        run("insecure-link", html, Format::Html, None, None)
    }

    #[test]
    fn http_links_and_images_in_one_finding() {
        let html = "<p><a href=\"http://shop.example.com/sale\">Sale</a> \
            <a href=\"https://shop.example.com/\">Shop</a> \
            <a HREF='HTTP://shop.example.com/b'>B</a></p><img src=\"http://img.example.com/a.png\" alt=\"\">";
        let found = check(html);
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].message,
            "plain http links and image in the HTML template"
        );
        let labelled: Vec<&str> = found[0]
            .labels
            .iter()
            .map(|l| &html[l.span.offset..l.span.end()])
            .collect();
        assert_eq!(
            labelled,
            [
                "http://shop.example.com/sale",
                "HTTP://shop.example.com/b",
                "http://img.example.com/a.png"
            ]
        );
    }

    #[test]
    fn urls_in_the_text_part() {
        let raw = "From: a@example.com\r\nSubject: s\r\nContent-Type: text/plain\r\n\r\nSee http://shop.example.com/sale.\r\n";
        let found = run("insecure-link", raw, Format::Eml, None, None);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].message, "plain http link in the text/plain part");
        assert_eq!(
            &raw[found[0].labels[0].span.offset..found[0].labels[0].span.end()],
            "http://shop.example.com/sale"
        );
    }

    #[test]
    fn secure_allowed_and_other_schemes_pass() {
        for html in [
            "<a href=\"https://shop.example.com/\">Shop</a>",
            "<a href=\"http://localhost:8080/preview\">Preview</a>",
            "<a href=\"mailto:help@example.com\">Mail us</a><a href=\"tel:+4940123\">Call</a>",
            "<a href=\"*|ARCHIVE|*\">View</a><a href=\"/relative\">x</a>",
            "<p>Our site is http-only no more</p>",
        ] {
            assert!(check(html).is_empty(), "{html}");
        }
        assert!(
            run(
                "insecure-link",
                &eml("", "<a href=\"https://x.example.com/\">x</a>"),
                Format::Eml,
                None,
                None
            )
            .is_empty()
        );
    }
}
