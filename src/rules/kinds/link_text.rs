//! `link-text`: link text that shows a domain or URL (`www.example.com`,
//! `https://bank.example.com/login`) while the link goes to another registrable domain,
//! the pattern phishing filters look for.
//!
//! An error needs evidence. The text must really read as a domain (not `README.md`), the
//! link's final destination must be visible and be another site, and that destination
//! must be neither one of the sender's own domains (`own-domains`, the From domain of an
//! `.eml`) nor a click tracker. Click tracking is the common false positive: every ESP
//! rewrites hrefs to its own redirect. A href on a known tracker (`tracking-domains`: host
//! patterns such as `*.list-manage.com` and host/path patterns such as `*/lt.php*`), or on
//! the domain the message itself is sent through (its `List-Unsubscribe`, `Return-Path` or
//! `Sender`), is followed through the destination it carries (`?u=https%3A%2F%2F…`); when
//! it carries none, where the link leads cannot be known here, and the finding drops to an
//! info that says so (or nothing, with `report-tracked = false`).
//!
//! Shipped rules of this kind: `mismatched-link-text`.

use serde::Deserialize;
use url::Url;

use super::RuleKind;
use crate::campaign::html::Link;
use crate::diagnostic::{Severity, Span};
use crate::facts::urls::{self, ShownDomain};
use crate::facts::{Facts, PartFacts};
use crate::rules::{CampaignCheck, Context, Diag};

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
    /// Click-tracking redirects, as patterns with `*`: of the host (`*.list-manage.com`,
    /// `click.*`), or, with a `/`, of the host and path (`*/lt.php*`). Their destination is
    /// read from the URL when it is there; otherwise the finding is an info, not an error.
    pub tracking_domains: Vec<String>,
    /// Report links through a tracker whose destination cannot be read (as an info);
    /// false skips them.
    pub report_tracked: bool,
    /// Registrable domains that belong to the sender and count as one site
    /// (`["nordlicht.com", "nordlicht-mail.com"]`).
    pub own_domains: Vec<String>,
}

/// The click trackers of the common ESPs, by host or by host and path.
const TRACKERS: &[&str] = &[
    // Mailchimp and Mailchimp Transactional (Mandrill)
    "*.list-manage.com",
    "*.mailchimpapp.com",
    "mandrillapp.com",
    "*.mandrillapp.com",
    "*/track/click*",
    // SendGrid (also on branded link domains: url1234.brand.com/ls/click)
    "*.sendgrid.net",
    "*/ls/click*",
    "*/wf/click*",
    "*/ss/c/*",
    // Mailgun (branded: email.mg.brand.com/c/…)
    "email.*",
    // HubSpot
    "*.hubspotlinks.com",
    "*.hubspotemail.net",
    "*.hubspotfree.net",
    "track.hubspot.com",
    "cta-redirect.hubspot.com",
    "*.sidekickopen*.com",
    "*/Ctc/*",
    // Brevo (Sendinblue)
    "*.sendibt*.com",
    "*.sendibm*.com",
    "*.brevolinks.com",
    "*-brevo.net",
    "*/tr/cl/*",
    "*/mk/cl/*",
    // CleverReach
    "*.cleverreach.com",
    "*.cleverreach.de",
    // Newsletter2Go
    "*.newsletter2go.com",
    "*.newsletter2go.de",
    "*.nl2go.com",
    // Klaviyo
    "*.klclick*.com",
    "*.klaviyomail.com",
    // phpList and ActiveCampaign
    "*/lt.php*",
    "*.acemln*.com",
    "*.activehosted.com",
    "*/Prod/link-tracker*",
    // Salesforce Marketing Cloud, Constant Contact, Mailjet, SparkPost, Amazon SES,
    // Campaign Monitor, Postmark
    "*.exacttarget.com",
    "*.exct.net",
    "*.rs6.net",
    "*.mjt.lu",
    "*.sparkpostmail.com",
    "*.awstrack.me",
    "*.createsend*.com",
    "*.cmail*.com",
    "*.pstmrk.it",
    // Branded tracking domains (CNAMEs to an ESP): click.brand.com, links.brand.com, ...
    "click.*",
    "clicks.*",
    "links.*",
    "link.*",
    "trk.*",
    "track.*",
];

impl Default for Params {
    fn default() -> Self {
        Self {
            tracking_domains: TRACKERS.iter().map(|&s| s.to_owned()).collect(),
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
        params.own_domains = params
            .own_domains
            .iter()
            .filter_map(|d| site_of(d.trim()))
            .collect();
        Self { params }
    }
}

/// The registrable domain of a written domain name (`Nordlicht.com.`, `bücher.de`), in
/// lowercase ASCII.
fn site_of(domain: &str) -> Option<String> {
    let domain = domain.trim_end_matches('.');
    match url::Host::parse(domain).ok()? {
        url::Host::Domain(ascii) => Some(urls::registrable(&ascii).to_owned()),
        _ => None,
    }
}

/// The domain of an address (`bounce+x@mail.example.com` → its registrable domain).
fn address_site(address: &str) -> Option<String> {
    let address = address.trim().trim_start_matches('<').trim_end_matches('>');
    let domain = address.rsplit_once('@')?.1;
    site_of(domain.split(['?', '>']).next().unwrap_or_default())
}

/// What the message says about who sends it, read once per campaign.
#[derive(Debug, Default)]
struct Sender {
    /// Registrable domains of the sender: `own-domains` and the From domain.
    own: Vec<String>,
    /// Registrable domains the message is sent through (not the sender's own), with the
    /// header that names them: the ESP whose redirects its links go through.
    sending: Vec<(String, &'static str)>,
}

impl Sender {
    fn read(facts: &Facts, own_domains: &[String]) -> Self {
        let mut own = own_domains.to_vec();
        let from = facts.header("From").into_iter().flat_map(|h| &h.mailboxes);
        own.extend(
            from.filter_map(|m| m.address.as_deref())
                .filter_map(address_site),
        );
        let mut sending = Vec::new();
        for uri in &facts.list_unsubscribe.uris {
            let site = match urls::host(&uri.uri) {
                Some(host) => Some(urls::registrable(&host).to_owned()),
                None => address_site(uri.uri.trim_start_matches("mailto:")),
            };
            sending.extend(site.map(|s| (s, "List-Unsubscribe")));
        }
        for name in ["Return-Path", "Sender"] {
            if let Some(h) = facts.header(name) {
                sending.extend(address_site(&h.value).map(|s| (s, name)));
            }
        }
        sending.retain(|(site, _)| !own.contains(site));
        Self { own, sending }
    }
}

/// Where a link leads, as far as the message shows it.
enum Route {
    /// To `target`, directly or through trackers that carry it (`through` is the first).
    Visible {
        target: String,
        through: Option<String>,
    },
    /// Through a redirect that does not show where it leads.
    Hidden { tracker: String, why: String },
}

impl LinkText {
    /// Whether two hosts belong to one site: the same registrable domain, or both among
    /// the sender's own domains.
    fn same_site(sender: &Sender, a: &str, b: &str) -> bool {
        let (a, b) = (urls::registrable(a), urls::registrable(b));
        a == b || (Self::is_own(sender, a) && Self::is_own(sender, b))
    }

    fn is_own(sender: &Sender, registrable: &str) -> bool {
        sender.own.iter().any(|d| d == registrable)
    }

    /// Why a URL is a click-tracking redirect, if it is one: a `tracking-domains` pattern,
    /// or the domain the message is sent through.
    fn tracker(&self, sender: &Sender, url: &Url, host: &str) -> Option<String> {
        if let Some(p) = self
            .params
            .tracking_domains
            .iter()
            .find(|p| urls::url_matches(url, p))
        {
            return Some(format!("a click tracker ({p} in tracking-domains)"));
        }
        let site = urls::registrable(host);
        sender
            .sending
            .iter()
            .find(|(s, _)| s == site)
            .map(|(_, header)| format!("the sending service's domain (as in {header})"))
    }

    /// Follows a href through the trackers that carry their destination.
    fn route(&self, sender: &Sender, href: &str) -> Option<Route> {
        let mut url = urls::web_url(href)?;
        let mut through = None;
        // A tracker that carries its destination is judged by the destination, even on
        // the sender's own domain (an open redirect is as good as a foreign link).
        for _ in 0..4 {
            let host = urls::url_host(&url)?;
            let Some(why) = self.tracker(sender, &url, &host) else {
                return Some(Route::Visible {
                    target: host,
                    through,
                });
            };
            let Some(next) = urls::destination_of(&url) else {
                return Some(Route::Hidden { tracker: host, why });
            };
            through.get_or_insert(host);
            url = next;
        }
        None
    }

    fn shows_tracker(&self, shown: &ShownDomain) -> bool {
        self.params
            .tracking_domains
            .iter()
            .any(|p| !p.contains('/') && urls::host_matches(&shown.host, p))
    }

    fn check_link(
        &self,
        cx: &mut Context,
        facts: &Facts,
        sender: &Sender,
        part: &PartFacts,
        link: &Link,
    ) {
        // Most link text shows no domain: read it before parsing and following the href.
        let shown = urls::shown_domains(&link.text);
        if shown.is_empty() {
            return;
        }
        let Some(route) = link.href.as_deref().and_then(|h| self.route(sender, h)) else {
            return;
        };
        let (reached, foreign) = match &route {
            Route::Visible { target, .. } => (
                target.as_str(),
                !Self::is_own(sender, urls::registrable(target)),
            ),
            Route::Hidden { tracker, .. } => (tracker.as_str(), true),
        };
        let Some(shown) = shown.into_iter().find(|d| {
            foreign && !Self::same_site(sender, &d.host, reached) && !self.shows_tracker(d)
        }) else {
            return;
        };
        let href_span = Span::new(
            part.source,
            link.href_range.clone().unwrap_or_else(|| link.tag.clone()),
        );
        let shown_span = shown_span(facts, part, link, &shown);
        let shown_label = format!("shows {}", shown.host);
        match &route {
            Route::Visible { target, through } => {
                let goes = match through {
                    Some(t) => format!("goes to {target} through the tracker {t}"),
                    None => format!("goes to {target}"),
                };
                cx.report(
                    Diag::new()
                        .arg("shown", &shown.host)
                        .arg("target", target)
                        .label(shown_span, shown_label)
                        .label(href_span, goes),
                );
            }
            Route::Hidden { tracker, why } if self.params.report_tracked => {
                let site = urls::registrable(&shown.host).to_owned();
                cx.report(
                    Diag::with_message(through_tracker(&shown.host, tracker))
                        .severity(Severity::Info)
                        .label(shown_span, shown_label)
                        .label(
                            href_span,
                            format!("{why}: where it redirects is not in the URL"),
                        )
                        .help(Some(tracked_help(&site))),
                );
            }
            Route::Hidden { .. } => {}
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
    // Only the link's own stretch of the block is searched: a block of 20,000 links is
    // not read again for each.
    let from = unit.decoded_offset(whole.offset);
    let to = unit.decoded_offset(whole.end()).max(from);
    unit.text[from..to]
        .match_indices(shown.shown.as_str())
        .map(|(at, s)| unit.span(from + at..from + at + s.len()))
        .find(|s| s.source == whole.source && s.offset >= whole.offset && s.end() <= whole.end())
        .unwrap_or(whole)
}

impl CampaignCheck for LinkText {
    fn campaign(&self, cx: &mut Context, facts: &Facts) {
        let sender = Sender::read(facts, &self.params.own_domains);
        for part in &facts.parts {
            for link in &part.links {
                self.check_link(cx, facts, &sender, part, link);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::campaign::Format;
    use crate::diagnostic::{Finding, Severity};
    use crate::rules::kinds::testing::{self, eml, run};
    use crate::rules::{Env, RuleSet};

    fn check(html: &str) -> Vec<Finding> {
        run("mismatched-link-text", html, Format::Html, None, None)
    }

    fn check_eml(headers: &str, html: &str) -> Vec<Finding> {
        run(
            "mismatched-link-text",
            &eml(headers, html),
            Format::Eml,
            None,
            None,
        )
    }

    /// A message from `from` (eml() sends from news@example.com).
    fn check_from(from: &str, html: &str) -> Vec<Finding> {
        let raw = eml("", html).replace("From: Shop <news@example.com>", &format!("From: {from}"));
        run("mismatched-link-text", &raw, Format::Eml, None, None)
    }

    /// The rule as a pack declares it, with `params` in its `[params]` table.
    fn check_with(params: &str, input: &str, format: Format) -> Vec<Finding> {
        let file = format!(
            "kind = \"link-text\"\nseverity = \"error\"\nsummary = \"s\"\nmessage = \"link text shows {{shown}} but the link goes to {{target}}\"\n[params]\n{params}\n"
        );
        let mut set = RuleSet::with_rule_file("pack-link-text", &file).expect("pack rule loads");
        set.rules.retain(|r| r.name == "pack-link-text");
        let facts = testing::facts(input, format, None, &set);
        set.check_campaign(Env::default(), &facts, None)
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

    fn severities(found: &[Finding]) -> Vec<Severity> {
        found.iter().map(|f| f.severity).collect()
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

    /// The sender's own mail showing the sender's domain and linking to a look-alike: the
    /// From domain makes the text "own", and the link still goes elsewhere, visibly.
    #[test]
    fn phishing_like_link_in_the_senders_own_mail_is_an_error() {
        let html = "<p>Please confirm your details at <a href=\"https://login.nordlicht-konto.de/verify?id=7f3e\">www.nordlicht.de/konto</a> within 48 hours.</p>";
        let found = check_eml(
            "List-Unsubscribe: <https://mail.nordlicht.de/u/7f3e>\r\n",
            html,
        );
        assert_eq!(severities(&found), [Severity::Error]);
        let found = check_from("Nordlicht <news@nordlicht.de>", html);
        assert_eq!(severities(&found), [Severity::Error]);
        assert_eq!(
            found[0].message,
            "link text shows www.nordlicht.de but the link goes to login.nordlicht-konto.de"
        );
    }

    #[test]
    fn trackers() {
        let opaque = "<a href=\"https://nordlicht.us21.list-manage.com/track/click?u=1&amp;id=2\">www.nordlicht.com</a>";
        let found = check(opaque);
        assert_eq!(severities(&found), [Severity::Info]);
        assert_eq!(
            found[0].message,
            "link text shows www.nordlicht.com but the link goes through the click tracker nordlicht.us21.list-manage.com"
        );
        assert_eq!(
            labelled(opaque, &found[0])[1].1,
            "a click tracker (*.list-manage.com in tracking-domains): where it redirects is not in the URL"
        );

        let to_elsewhere = "<a href=\"https://click.mail.nordlicht.com/t?u=https%3A%2F%2Fevil.example.net%2F\">www.nordlicht.com</a>";
        let found = check(to_elsewhere);
        assert_eq!(severities(&found), [Severity::Error]);
        assert_eq!(
            found[0].message,
            "link text shows www.nordlicht.com but the link goes to evil.example.net"
        );
        assert_eq!(
            labelled(to_elsewhere, &found[0])[1].1,
            "goes to evil.example.net through the tracker click.mail.nordlicht.com"
        );

        let to_same = "<a href=\"https://links.esp.example.net/c?url=https://shop.nordlicht.com/\">nordlicht.com</a>";
        assert!(check(to_same).is_empty());
        let ses = "<a href=\"https://8q6v2v7r.r.eu-west-1.awstrack.me/L0/https:%2F%2Fwww.nordlicht.de%2Fsale/1/0100018f-1b2c/AbCd=383\">www.nordlicht.de</a>";
        assert!(check(ses).is_empty());
        // A tracker inside a tracker is followed to the end.
        let nested = "<a href=\"https://click.nordlicht.de/r?u=https%3A%2F%2Fwww.google.com%2Furl%3Fq%3Dhttps%253A%252F%252Fevil.example.net%252F\">nordlicht.de</a>";
        let found = check(nested);
        assert_eq!(severities(&found), [Severity::Error]);
        assert!(
            found[0].message.ends_with("goes to www.google.com"),
            "{}",
            found[0].message
        );
    }

    /// Each family of ESP click tracker, as its links look in sent mail: the text shows the
    /// brand, the href the tracker, and where it goes is not in the URL. An info at most.
    #[test]
    fn esp_click_trackers_are_at_most_an_info() {
        for href in [
            // phpList
            "https://lists.nordlicht-verein.de/lists/lt.php?tid=KxsDUVRUAQJRBh4BUgdWSFUDUlQaBw8GAhtQAAMBVgAIVQMDVgRUTFJRUwRXUlQCGgYDDwcYBlFUBUpUBlBSGgJXUVRVUFUEBgNSBA",
            // Newsletter2Go
            "https://www.newsletter2go.com/r/eJwdzDEOgjAUgOG79AQ0fa_tK6tuxEEGB4OD-gkcbNf0G6TbdTlo4",
            // Mailchimp
            "https://nordlicht.us21.list-manage.com/track/click?u=5c1e8b2f9a3d7e4b6c0f1a2d3&id=0a1b2c3d4e&e=2b3c4d5e6f",
            // SendGrid, and SendGrid on a branded link domain
            "https://u1234567.ct.sendgrid.net/ls/click?upn=u001.Zk9vQmFyQmF6UXV4LTJGLTJGZXhhbXBsZQ-3D-3D_xyz",
            "https://url4425.mail.nordlicht-news.com/ls/click?upn=u001.QWJjZGVm-2BgH",
            // Mailgun
            "https://email.mg.nordlicht-news.com/c/eJwNy0EKgCAQRuG7uE5m9qE",
            // HubSpot
            "https://d2v8tf04.na1.hubspotlinks.com/Ctc/5F+113/d2v8tf04/VVw9Rm4f3trgN8WQSpQxcR8TW8mS6hr5zBGnFN5GS5S-3pyd0W8wLKSR6lZ3mKW7l5Hch7gzHXfW8vgdn21dLjmZ",
            "https://info.nordlicht-news.com/e3t/Ctc/LX+113/cJq2d04/MWPgjSZfxrqW4hTbxn3vFfJjW7xsyK95G",
            // Brevo (Sendinblue)
            "https://chdifac.r.bh.d.sendibt3.com/tr/cl/tq5sfN0RceqoYDZIkh6RMJKQ8Vohcgz0GauyMJOwvkenI18Brz1r7Eg06SI3PRYgq",
            "https://hfrhp.r.a.d.sendibm1.com/mk/cl/f/sh/1f8qmAbCdE",
            // CleverReach
            "https://121070.seu2.cleverreach.com/c/79919679/b09ec13a504-rpen8x",
            // Klaviyo
            "https://trk.klclick.com/ls/click?upn=u001.YWJjZGVmZ2g-3D",
            "https://ctrk.klclick3.com/l/01HQ8ZK4V1WJ3Q_0",
        ] {
            let html = format!("<p>Mehr auf <a href=\"{href}\">www.nordlicht-shop.com</a></p>");
            let found = check(&html);
            assert_eq!(severities(&found), [Severity::Info], "{href}");
            assert!(
                found[0].labels[1]
                    .text
                    .as_deref()
                    .is_some_and(|t| t.starts_with("a click tracker (")),
                "{href}: {:?}",
                found[0].labels[1].text
            );
        }
    }

    /// A redirect the tracker list does not know, on the domain the message is sent
    /// through (its List-Unsubscribe): an info that says why.
    #[test]
    fn redirects_of_the_sending_service_are_an_info() {
        let html = "<a href=\"https://r.mailrelay-esp.io/c/1/Zk9vQmFy\">www.nordlicht-shop.com</a>";
        let found = check_eml(
            "List-Unsubscribe: <https://u.mailrelay-esp.io/unsub/Zk9vQmFy>, <mailto:unsub-Zk9@bounce.mailrelay-esp.io>\r\n",
            html,
        );
        assert_eq!(severities(&found), [Severity::Info]);
        assert_eq!(
            found[0].labels[1].text.as_deref(),
            Some(
                "the sending service's domain (as in List-Unsubscribe): where it redirects is not in the URL"
            )
        );
        let found = check_eml(
            "Return-Path: <bounce-77@bounces.mailrelay-esp.io>\r\n",
            html,
        );
        assert_eq!(severities(&found), [Severity::Info]);
        assert!(
            found[0].labels[1]
                .text
                .as_deref()
                .is_some_and(|t| t.contains("(as in Return-Path)"))
        );
        // Without that evidence, a link that visibly goes elsewhere is an error.
        assert_eq!(severities(&check(html)), [Severity::Error]);
        // report-tracked = false drops the info.
        let quiet = check_with(
            "report-tracked = false",
            &eml(
                "List-Unsubscribe: <https://u.mailrelay-esp.io/unsub/Zk9vQmFy>\r\n",
                html,
            ),
            Format::Eml,
        );
        assert!(quiet.is_empty());
    }

    #[test]
    fn own_domains_and_the_from_domain_are_the_senders() {
        let sister = "<a href=\"https://www.nordlicht.de/\">nordlicht.at</a>";
        assert_eq!(severities(&check(sister)), [Severity::Error]);
        let params = "own-domains = [\"Nordlicht.DE.\", \"nordlicht.at\"]";
        assert!(check_with(params, sister, Format::Html).is_empty());
        // A link to the sender's own site is not a lie about where it goes.
        let own = "<a href=\"https://www.nordlicht.de/partner/velo\">www.velo-partner.ch</a>";
        assert!(check_with(params, own, Format::Html).is_empty());
        assert!(check_from("=?utf-8?q?Nordlicht?= <news@mail.nordlicht.de>", own).is_empty());
        // Setting tracking-domains replaces the defaults.
        let tracked = "<a href=\"https://go.nordlicht-esp.net/x/1\">www.nordlicht.de</a>";
        assert_eq!(severities(&check(tracked)), [Severity::Error]);
        let found = check_with(
            "tracking-domains = [\"go.nordlicht-esp.net\"]",
            tracked,
            Format::Html,
        );
        assert_eq!(severities(&found), [Severity::Info]);
    }

    #[test]
    fn international_names_are_one_host() {
        for html in [
            "<a href=\"https://xn--bcher-kva.de/neu\">bücher.de</a>",
            "<a href=\"https://bücher.de/neu\">www.xn--bcher-kva.de</a>",
            "<a href=\"https://BÜCHER.de/neu\">https://bücher.de/neu</a>",
            "<a href=\"https://xn--bcher-kva.example/\">bücher.example</a>",
        ] {
            assert!(check(html).is_empty(), "{html}");
        }
        // A look-alike in another script is another host.
        let homograph = "<a href=\"https://www.xn--pypal-4ve.com/login\">www.paypal.com</a>";
        let found = check(homograph);
        assert_eq!(severities(&found), [Severity::Error]);
        assert!(found[0].message.ends_with("goes to www.xn--pypal-4ve.com"));
    }

    #[test]
    fn file_names_are_not_domains() {
        for name in [
            "README.md",
            "index.html",
            "image.png",
            "report.pdf",
            "setup.py",
            "install.sh",
            "backup.zip",
            "intro.mov",
        ] {
            let html = format!(
                "<a href=\"https://github.com/nordlicht/mailer/blob/main/{name}\">{name}</a>"
            );
            assert!(check(&html).is_empty(), "{name}");
        }
        // Words in separate blocks of one link are not joined into one token.
        let callout = "<a href=\"https://get.foundation/university\"><p>... even Outlook.</p>\n  <span class=\"button\">View Class</span></a>";
        assert!(check(callout).is_empty());
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
            "<a href=\"https://{{ shop_domain }}/sale\">www.nordlicht.com</a>",
            // Text that shows a tracker's own domain is not a claim about the destination.
            "<a href=\"https://www.nordlicht.com/\">nordlicht.us21.list-manage.com</a>",
        ] {
            assert!(check(html).is_empty(), "{html}");
        }
    }

    /// The shipped rule file and a pack that declares the kind without parameters track
    /// the same ESPs.
    #[test]
    fn shipped_trackers_are_the_defaults() {
        let set = crate::rules::kinds::testing::only("mismatched-link-text");
        let shipped: Vec<&str> = set.rules[0].params["tracking-domains"]
            .as_array()
            .expect("a list")
            .iter()
            .filter_map(|v| v.as_str())
            .collect();
        assert_eq!(shipped, super::TRACKERS);
    }
}
