//! `link-text`: link text that shows a domain or URL (`www.example.com`,
//! `https://bank.example.com/login`) while the href goes to another registrable domain,
//! the pattern phishing filters look for.
//!
//! Click tracking is the common false positive: every ESP rewrites hrefs to its own
//! redirect domain. A href on a known tracking domain is followed through its query when
//! it carries the destination there (`?u=https%3A%2F%2F…`); otherwise the destination is
//! unknowable here, and the finding drops to an info (or nothing, with
//! `report-tracked = false`).

use serde::Deserialize;

use super::RuleKind;
use crate::campaign::html::Link;
use crate::diagnostic::{Severity, Span};
use crate::facts::urls::{self, ShownDomain};
use crate::facts::{Facts, PartFacts};
use crate::rules::{Check, Context, Diag};

fn through_tracker(shown: &str, tracker: &str) -> String {
    format!("link text shows {shown} but the link goes through the click tracker {tracker}")
}

fn tracked_help(shown_site: &str) -> String {
    format!(
        "make sure the tracker redirects to {shown_site}; a tracking domain of your own under {shown_site} (click.{shown_site}) keeps the text and the link on one site"
    )
}

/// Parameters of the `link-text` kind.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct Params {
    /// Hosts of click-tracking redirects, as patterns with `*` (`*.list-manage.com`,
    /// `click.*`). Their destination is read from the query when it is there; otherwise
    /// the finding is an info, not an error.
    pub tracking_domains: Vec<String>,
    /// Report links through a tracker whose destination cannot be read (as an info);
    /// false skips them.
    pub report_tracked: bool,
    /// Registrable domains that belong to the sender and count as one site
    /// (`["nordlicht.com", "nordlicht-mail.com"]`).
    pub own_domains: Vec<String>,
}

impl Default for Params {
    fn default() -> Self {
        let tracking = [
            "*.list-manage.com",
            "*.mailchimpapp.com",
            "*.mandrillapp.com",
            "*.sendgrid.net",
            "*.exacttarget.com",
            "*.exct.net",
            "*.hubspotlinks.com",
            "*.klclick*.com",
            "*.rs6.net",
            "*.mjt.lu",
            "*.sparkpostmail.com",
            "*.awstrack.me",
            "click.*",
            "clicks.*",
            "links.*",
            "link.*",
            "email.*",
            "trk.*",
            "track.*",
        ];
        Self {
            tracking_domains: tracking.iter().map(|&s| s.to_owned()).collect(),
            report_tracked: true,
            own_domains: Vec::new(),
        }
    }
}

pub struct LinkText {
    params: Params,
}

impl RuleKind for LinkText {
    type Params = Params;

    fn new(mut params: Params) -> Self {
        for d in &mut params.own_domains {
            *d = d.trim().trim_end_matches('.').to_ascii_lowercase();
        }
        Self { params }
    }
}

impl LinkText {
    /// Whether two hosts belong to one site: the same registrable domain, or both among
    /// the sender's own domains.
    fn same_site(&self, a: &str, b: &str) -> bool {
        let (a, b) = (urls::registrable(a), urls::registrable(b));
        a == b || (self.is_own(a) && self.is_own(b))
    }

    fn is_own(&self, registrable: &str) -> bool {
        self.params.own_domains.iter().any(|d| d == registrable)
    }

    fn is_tracker(&self, host: &str) -> bool {
        self.params
            .tracking_domains
            .iter()
            .any(|p| urls::host_matches(host, p))
    }

    fn check_link(&self, cx: &mut Context, facts: &Facts, part: &PartFacts, link: &Link) {
        let Some(href) = link.href.as_deref() else {
            return;
        };
        let Some(host) = urls::host(href) else {
            return;
        };
        let tracker = self.is_tracker(&host);
        // A tracker that carries its destination is judged by the destination, even on
        // the sender's own domain (an open redirect is as good as a foreign link).
        let destination = tracker
            .then(|| urls::embedded_destination(href).and_then(|d| urls::host(&d)))
            .flatten();
        let target = destination.as_deref().unwrap_or(&host);
        let Some(shown) = urls::shown_domains(&link.text)
            .into_iter()
            .find(|d| !self.same_site(&d.host, target))
        else {
            return;
        };
        let href_span = Span::new(
            part.source,
            link.href_range.clone().unwrap_or_else(|| link.tag.clone()),
        );
        let shown_span = shown_span(facts, part, link, &shown);
        let shown_label = format!("shows {}", shown.host);
        if destination.is_some() || !tracker {
            let goes = if destination.is_some() {
                format!("goes to {target} through the tracker {host}")
            } else {
                format!("goes to {target}")
            };
            return cx.report(
                Diag::new()
                    .arg("shown", &shown.host)
                    .arg("target", target)
                    .label(shown_span, shown_label)
                    .label(href_span, goes),
            );
        }
        if self.params.report_tracked {
            let site = urls::registrable(&shown.host).to_owned();
            cx.report(
                Diag::with_message(through_tracker(&shown.host, &host))
                    .severity(Severity::Info)
                    .label(shown_span, shown_label)
                    .label(
                        href_span,
                        format!("click tracker {host}: where it redirects is not in the URL"),
                    )
                    .help(Some(tracked_help(&site))),
            );
        }
    }
}

/// The span of the shown domain itself, found in the link's text block; the whole link
/// text when it cannot be pinned down.
fn shown_span(facts: &Facts, part: &PartFacts, link: &Link, shown: &ShownDomain) -> Span {
    let whole = Span::new(part.source, link.range());
    let Some(unit) = link.block.and_then(|b| facts.units.get(b)) else {
        return whole;
    };
    unit.text
        .match_indices(shown.shown.as_str())
        .map(|(at, s)| unit.span(at..at + s.len()))
        .find(|s| s.source == whole.source && s.offset >= whole.offset && s.end() <= whole.end())
        .unwrap_or(whole)
}

impl Check for LinkText {
    /// About the campaign alone: reads nothing of a profile.
    fn reads(&self, _facts: &crate::facts::Facts, _reads: &mut crate::rules::Reads) {}

    fn campaign(&self, cx: &mut Context, facts: &Facts) {
        for part in &facts.parts {
            for link in &part.links {
                self.check_link(cx, facts, part, link);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::campaign::Format;
    use crate::diagnostic::{Finding, Severity};
    use crate::rules::kinds::testing::run;

    fn check(html: &str) -> Vec<Finding> {
        run("mismatched-link-text", html, Format::Html, None, None)
    }

    fn labelled<'a>(html: &'a str, f: &Finding) -> Vec<(&'a str, String)> {
        f.labels
            .iter()
            .map(|l| {
                (
                    &html[l.span.offset..l.span.end()],
                    l.text.clone().unwrap_or_default(),
                )
            })
            .collect()
    }

    #[test]
    fn text_shows_another_site() {
        let html = "<p>Sign in at <a href=\"https://login.bank-secure.example.net/a?b=1\">https://bank.example.com/login</a> today.</p>";
        let found = check(html);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].severity, Severity::Error);
        assert_eq!(
            found[0].message,
            "link text shows bank.example.com but the link goes to login.bank-secure.example.net"
        );
        assert_eq!(
            labelled(html, &found[0]),
            [
                (
                    "https://bank.example.com/login",
                    "shows bank.example.com".to_owned()
                ),
                (
                    "https://login.bank-secure.example.net/a?b=1",
                    "goes to login.bank-secure.example.net".to_owned()
                ),
            ]
        );
        let bare = "<a href=\"http://198.51.100.7/x\">Visit <b>www.nordlicht.co.uk</b></a>";
        let found = check(bare);
        assert_eq!(found.len(), 1);
        assert_eq!(labelled(bare, &found[0])[0].0, "www.nordlicht.co.uk");
    }

    #[test]
    fn trackers() {
        let opaque = "<a href=\"https://nordlicht.us21.list-manage.com/track/click?u=1&amp;id=2\">www.nordlicht.com</a>";
        let found = check(opaque);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].severity, Severity::Info);
        assert!(
            found[0]
                .message
                .contains("click tracker nordlicht.us21.list-manage.com")
        );

        let to_elsewhere = "<a href=\"https://click.mail.nordlicht.com/t?u=https%3A%2F%2Fevil.example.net%2F\">www.nordlicht.com</a>";
        let found = check(to_elsewhere);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].severity, Severity::Error);
        assert_eq!(
            found[0].message,
            "link text shows www.nordlicht.com but the link goes to evil.example.net"
        );

        let to_same = "<a href=\"https://links.esp.example.net/c?url=https://shop.nordlicht.com/\">nordlicht.com</a>";
        assert!(check(to_same).is_empty());
    }

    #[test]
    fn own_domains_are_one_site() {
        use super::{LinkText, Params};
        use crate::rules::kinds::RuleKind;
        let kind = LinkText::new(Params {
            own_domains: vec!["Nordlicht.com".to_owned(), "nordlicht-mail.de".to_owned()],
            ..Params::default()
        });
        assert!(kind.same_site("www.nordlicht.com", "go.nordlicht-mail.de"));
        assert!(!kind.same_site("www.nordlicht.com", "evil.example.net"));
        assert!(!LinkText::new(Params::default()).same_site("nordlicht.com", "nordlicht-mail.de"));
    }

    #[test]
    fn passing_links() {
        for html in [
            "<a href=\"https://www.nordlicht.co.uk/sale\">nordlicht.co.uk</a>",
            "<a href=\"https://shop.nordlicht.com/\">www.nordlicht.com/shop</a>",
            "<a href=\"https://click.mail.nordlicht.com/?qs=1\">www.nordlicht.com</a>",
            "<a href=\"https://shop.example.com/\">Shop the sale</a>",
            "<a href=\"mailto:help@nordlicht.com\">help@nordlicht.com</a>",
            "<a href=\"https://docs.example.org/\">report.pdf</a>",
            "<a href=\"*|ARCHIVE|*\">www.nordlicht.com</a>",
        ] {
            assert!(check(html).is_empty(), "{html}");
        }
    }
}
