//! URLs and domains as the link rules see them: the host of a link (IDNA: `bücher.de` and
//! `xn--bcher-kva.de` are one host), its registrable domain (the part a person registers:
//! `example.co.uk`, not `co.uk`; `name.github.io`, not `github.io`), host and path patterns
//! of click trackers (`*.list-manage.com`, `*/lt.php*`), the destination a click tracker
//! carries in its URL, and the domains a piece of link text shows to the reader.
//!
//! URLs are parsed by the `url` crate (the WHATWG URL standard, as browsers read hrefs) and
//! registrable domains come from the Public Suffix List (`psl`, compiled in, private
//! suffixes included): guessing at either is how `README.md` became a domain and two
//! customers' `github.io` sites became one site.

use std::borrow::Cow;
use std::ops::Range;

use url::Url;

/// The scheme of a link, lowercased, if it has one (`https`, `mailto`).
pub fn scheme(url: &str) -> Option<String> {
    let colon = url.find(':')?;
    let scheme = &url[..colon];
    let valid = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    valid.then(|| scheme.to_ascii_lowercase())
}

/// An `http`, `https` or protocol-relative (`//host/…`) URL, parsed; None for other
/// schemes, relative links, and hosts that are (or contain) merge tags.
pub fn web_url(url: &str) -> Option<Url> {
    let url = url.trim();
    let parsed = match scheme(url).as_deref() {
        Some("http" | "https") => Url::parse(url).ok()?,
        None if url.starts_with("//") => Url::parse(&format!("https:{url}")).ok()?,
        _ => return None,
    };
    let plausible = match parsed.host()? {
        url::Host::Domain(d) => {
            !d.is_empty()
                && d.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'))
        }
        url::Host::Ipv4(_) | url::Host::Ipv6(_) => true,
    };
    plausible.then_some(parsed)
}

/// The host of a parsed URL, lowercase ASCII (punycode for international names), without
/// a trailing dot.
pub fn url_host(url: &Url) -> Option<String> {
    let host = url.host_str()?.trim_end_matches('.');
    (!host.is_empty()).then(|| host.to_ascii_lowercase())
}

/// The lowercased ASCII host of an `http`, `https` or protocol-relative URL; None for
/// other schemes, relative links, and hosts that are (or contain) merge tags.
pub fn host(url: &str) -> Option<String> {
    web_url(url).as_ref().and_then(url_host)
}

/// Reserved example names (RFC 2606) that count as public suffixes here, so that
/// `bank.example.com` and `shop.example.com` are two sites, as docs and samples mean them.
const EXAMPLE_SUFFIXES: [&str; 3] = ["example.com", "example.net", "example.org"];

/// The registrable domain of a host by the Public Suffix List: `www.bank.example.co.uk` →
/// `example.co.uk`, `shop.name.github.io` → `name.github.io`. IP addresses, single labels
/// (`localhost`) and bare suffixes (`co.uk`) are returned whole.
pub fn registrable(host: &str) -> &str {
    let host = host.trim_end_matches('.');
    if host.starts_with('[') || host.parse::<std::net::IpAddr>().is_ok() {
        return host;
    }
    for suffix in EXAMPLE_SUFFIXES {
        if let Some(rest) = host.strip_suffix(suffix)
            && let Some(rest) = rest.strip_suffix('.')
        {
            let label = rest.rfind('.').map_or(0, |i| i + 1);
            return &host[label..];
        }
    }
    psl::domain_str(host).unwrap_or(host)
}

/// Whether `host` matches `pattern`, where `*` stands for any run of characters
/// (`*.list-manage.com`, `click.*`, `*.klclick*.com`); case-insensitive.
pub fn host_matches(host: &str, pattern: &str) -> bool {
    glob(host.as_bytes(), pattern.as_bytes())
}

/// Whether a URL matches a tracker pattern: a host pattern (`*.list-manage.com`), or, when
/// the pattern has a `/`, a pattern for the host and path together (`*/lt.php*`,
/// `*/ls/click*`).
pub fn url_matches(url: &Url, pattern: &str) -> bool {
    let Some(host) = url_host(url) else {
        return false;
    };
    if pattern.contains('/') {
        glob(
            format!("{host}{}", url.path()).as_bytes(),
            pattern.as_bytes(),
        )
    } else {
        host_matches(&host, pattern)
    }
}

fn glob(text: &[u8], pattern: &[u8]) -> bool {
    // Iterative wildcard match with backtracking to the last `*`.
    let (mut t, mut p) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        if p < pattern.len() && pattern[p] == b'*' {
            star = Some((p, t));
            p += 1;
        } else if p < pattern.len() && pattern[p].eq_ignore_ascii_case(&text[t]) {
            p += 1;
            t += 1;
        } else if let Some((sp, st)) = star {
            p = sp + 1;
            t = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    pattern[p..].iter().all(|&c| c == b'*')
}

/// The destination a click-tracking URL carries, if it does: in a query parameter
/// (`?u=https%3A%2F%2F…`, `&url=https://…`, encoded once or twice) or in a path segment
/// (Amazon SES: `/L0/https:%2F%2Fexample.com%2F…/1/…`). Most trackers encode it opaquely
/// (`/track/click?u=0b1c&id=5a6b`); then there is none.
pub fn embedded_destination(url: &str) -> Option<String> {
    destination_of(&web_url(url)?).map(String::from)
}

/// [`embedded_destination`] of a parsed URL.
pub fn destination_of(url: &Url) -> Option<Url> {
    let from_query = url
        .query_pairs()
        .find_map(|(_, value)| destination_in(&value));
    from_query.or_else(|| {
        url.path_segments()?.find_map(|segment| {
            let decoded = percent_encoding::percent_decode_str(segment).decode_utf8_lossy();
            destination_in(&decoded)
        })
    })
}

/// An http(s) URL in a (decoded) parameter value, decoding once more when it is still
/// percent-encoded (`https%3A%2F%2F…` inside an encoded query).
fn destination_in(value: &str) -> Option<Url> {
    let value = value.trim();
    let lower = value.get(..10).unwrap_or(value).to_ascii_lowercase();
    let value: Cow<str> = if lower.starts_with("http%3a") || lower.starts_with("https%3a") {
        percent_encoding::percent_decode_str(value).decode_utf8_lossy()
    } else {
        Cow::Borrowed(value)
    };
    let lower = value.get(..8).unwrap_or(&value).to_ascii_lowercase();
    let is_web = lower.starts_with("https://") || lower.starts_with("http://");
    if is_web { web_url(&value) } else { None }
}

/// A domain shown in link text, with its range in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShownDomain {
    /// The token as written (`www.example.com/login`).
    pub shown: String,
    /// Its lowercase ASCII host (`www.example.com`; punycode for international names).
    pub host: String,
    pub range: Range<usize>,
}

/// File extensions that are also top-level domains (`README.md`, `setup.py`, `photo.zip`,
/// `Mail.app`): a bare `name.ext` ending in one of these is a file name, not a domain. With
/// a scheme, `www.` or a path it still reads as a domain.
const FILE_EXTENSION_TLDS: &[&str] = &[
    "md", "py", "pl", "pm", "sh", "rs", "zip", "mov", "app", "ai", "ps", "so", "ml", "mk", "cc",
    "tf", "pub", "run", "cab", "mobi", "in",
];

/// The domains and URLs a link's text shows to the reader: `https://bank.example.com/login`,
/// `www.example.com`, `example.com/shop`, or a bare `example.co.uk` whose top-level domain
/// is known. Addresses (`help@example.com`), version numbers, abbreviations (`e.g.`) and
/// file names (`README.md`, `index.html`, `report.pdf`) are not domains a reader would
/// follow.
pub fn shown_domains(text: &str) -> Vec<ShownDomain> {
    let mut out = Vec::new();
    let mut offset = 0;
    for token in text.split_inclusive(char::is_whitespace) {
        let start = offset;
        offset += token.len();
        let lead = token.len()
            - token
                .trim_start_matches(['(', '[', '<', '"', '\'', '«', '“'])
                .len();
        let core = token[lead..].trim_end().trim_end_matches([
            ')', ']', '>', '"', '\'', '»', '”', '.', ',', ';', ':', '!', '?',
        ]);
        if core.is_empty() || core.contains('@') {
            continue;
        }
        let lower = core.to_lowercase();
        let explicit = lower.starts_with("http://") || lower.starts_with("https://");
        let host = if explicit {
            host(core)
        } else {
            let (name, rest) = lower
                .find(['/', '?', '#'])
                .map_or((lower.as_str(), ""), |i| lower.split_at(i));
            let name = name.split(':').next().unwrap_or_default();
            reads_as_domain(name, lower.starts_with("www.") || !rest.is_empty())
        };
        if let Some(host) = host {
            out.push(ShownDomain {
                shown: core.to_owned(),
                host,
                range: start + lead..start + lead + core.len(),
            });
        }
    }
    out
}

/// The ASCII host a bare token (`example.com`, `www.shop.example.co.uk`, `bücher.de`)
/// names, when it reads as a domain name: labels of letters, digits and hyphens under a
/// top-level domain the Public Suffix List knows (or the reserved `.example`), and not a
/// file name unless `www.` or a path says otherwise (`context`).
fn reads_as_domain(token: &str, context: bool) -> Option<String> {
    let labels: Vec<&str> = token.split('.').collect();
    let well_formed = labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_alphanumeric() || c == '-')
        });
    if !well_formed {
        return None;
    }
    let tld = labels[labels.len() - 1];
    if !context && FILE_EXTENSION_TLDS.contains(&tld) {
        return None;
    }
    let url::Host::Domain(ascii) = url::Host::parse(token).ok()? else {
        return None;
    };
    let known = ascii.ends_with(".example")
        || psl::suffix(ascii.as_bytes())
            .is_some_and(|s| s.is_known() && s.as_bytes().len() < ascii.len());
    known.then_some(ascii)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts() {
        assert_eq!(
            host("https://User@Bank.Example.com:8443/login?x=1").as_deref(),
            Some("bank.example.com")
        );
        assert_eq!(
            host("HTTP://www.example.com.").as_deref(),
            Some("www.example.com")
        );
        assert_eq!(
            host("//cdn.example.net/a.png").as_deref(),
            Some("cdn.example.net")
        );
        assert_eq!(
            host("https://bücher.de/neu").as_deref(),
            Some("xn--bcher-kva.de")
        );
        assert_eq!(
            host("http://198.51.100.7/x").as_deref(),
            Some("198.51.100.7")
        );
        assert_eq!(host("mailto:a@example.com"), None);
        assert_eq!(host("/relative/path"), None);
        for tagged in [
            "https://{{ domain }}/x",
            "https://{domain}/x",
            "https://$domain/x",
            "https://%%DOMAIN%%/",
            "https://<%= host %>/",
            "*|UNSUB|*",
        ] {
            assert_eq!(host(tagged), None, "{tagged}");
        }
    }

    #[test]
    fn registrable_domains() {
        assert_eq!(registrable("www.bank.co.uk"), "bank.co.uk");
        assert_eq!(registrable("shop.example.com.au"), "example.com.au");
        assert_eq!(registrable("a.b.nordlicht.de"), "nordlicht.de");
        assert_eq!(registrable("nordlicht.de"), "nordlicht.de");
        // Suffixes the short list of two-level suffixes did not know.
        assert_eq!(registrable("shop.nordlicht.com.de"), "nordlicht.com.de");
        assert_eq!(registrable("www.city.kawasaki.jp"), "city.kawasaki.jp");
        // Private suffixes: two customers of one host are two sites.
        assert_eq!(registrable("docs.alice.github.io"), "alice.github.io");
        assert_ne!(registrable("alice.github.io"), registrable("bob.github.io"));
        assert_eq!(
            registrable("click.mail.nordlicht.example.com"),
            "nordlicht.example.com"
        );
        assert_eq!(registrable("example.com"), "example.com");
        assert_eq!(registrable("co.uk"), "co.uk");
        assert_eq!(registrable("localhost"), "localhost");
        assert_eq!(registrable("192.168.1.10"), "192.168.1.10");
        assert_eq!(registrable("xn--bcher-kva.de"), "xn--bcher-kva.de");
    }

    #[test]
    fn patterns() {
        assert!(host_matches("us21.list-manage.com", "*.list-manage.com"));
        assert!(!host_matches(
            "list-manage.com.evil.net",
            "*.list-manage.com"
        ));
        assert!(host_matches("click.mail.brand.com", "click.*"));
        assert!(host_matches("ctrk.klclick1.com", "*.klclick*.com"));
        assert!(!host_matches("klclick.com", "*.klclick*.com"));
        assert!(host_matches("LOCALHOST", "localhost"));
        let lt = web_url("https://lists.verein.example.org/lists/lt.php?tid=abc").unwrap();
        assert!(url_matches(&lt, "*/lt.php*"));
        assert!(!url_matches(&lt, "*/ls/click*"));
        let page = web_url("https://www.verein.example.org/lt.php.html/about").unwrap();
        assert!(!url_matches(&page, "*/lt.php"));
    }

    #[test]
    fn destinations_in_trackers() {
        assert_eq!(
            embedded_destination(
                "https://crm.example.com/t/c/1?u=https%3A%2F%2Fwww.shop.example.com%2Fa&x=1"
            )
            .as_deref(),
            Some("https://www.shop.example.com/a")
        );
        assert_eq!(
            embedded_destination(
                "https://go.example.net/r?id=3&redirect=https%253A%252F%252Fshop.example.org%252Fp"
            )
            .as_deref(),
            Some("https://shop.example.org/p")
        );
        assert_eq!(
            embedded_destination(
                "https://8q6v2v7r.r.us-east-1.awstrack.me/L0/https:%2F%2Fwww.nordlicht.de%2Fsale%3Futm_source=ses/1/0100018f-1b2c/AbCd=383"
            )
            .as_deref(),
            Some("https://www.nordlicht.de/sale?utm_source=ses")
        );
        for opaque in [
            "https://x.example.com/ls/click?upn=abc",
            "https://nordlicht.us21.list-manage.com/track/click?u=0b1c2d&id=5a6b&e=1f2e",
            "https://x.example.com/%",
            "https://x.example.com/a?u=not-a-url",
            "https://x.example.com/a?next=https://{{ domain }}/",
        ] {
            assert_eq!(embedded_destination(opaque), None, "{opaque}");
        }
    }

    fn found(text: &str) -> Vec<String> {
        shown_domains(text).into_iter().map(|d| d.host).collect()
    }

    #[test]
    fn domains_in_link_text() {
        assert_eq!(found("www.example.com"), ["www.example.com"]);
        assert_eq!(
            found("https://bank.example.com/login"),
            ["bank.example.com"]
        );
        assert_eq!(found("Visit example.co.uk today."), ["example.co.uk"]);
        assert_eq!(found("(shop.example.com/sale)"), ["shop.example.com"]);
        assert_eq!(found("Amazon.de"), ["amazon.de"]);
        assert_eq!(found("alice.github.io"), ["alice.github.io"]);
        let d = &shown_domains("Log in at https://bank.example.com/login.")[0];
        assert_eq!(d.shown, "https://bank.example.com/login");
        assert_eq!(d.range, 10..40);
    }

    #[test]
    fn international_names_in_link_text() {
        assert_eq!(found("bücher.de"), ["xn--bcher-kva.de"]);
        assert_eq!(found("www.BÜCHER.de"), ["www.xn--bcher-kva.de"]);
        assert_eq!(found("bücher.example"), ["xn--bcher-kva.example"]);
        assert_eq!(found("xn--bcher-kva.example"), ["xn--bcher-kva.example"]);
    }

    #[test]
    fn file_names_and_prose_are_not_domains() {
        for prose in [
            "Read more",
            "Download report.pdf",
            "README.md",
            "index.html",
            "image.png",
            "setup.py",
            "install.sh",
            "photos.zip",
            "Open Mail.app",
            "even Outlook. View Class",
            "outlook.view",
            "built with Node.js",
            "e.g. this",
            "help@example.com",
            "Version 1.2",
            "10.03.2025",
            "Click here...",
        ] {
            assert!(found(prose).is_empty(), "{prose}: {:?}", found(prose));
        }
        // With www., a scheme or a path, the same endings read as domains.
        assert_eq!(found("www.readme.md"), ["www.readme.md"]);
        assert_eq!(found("https://setup.py/x"), ["setup.py"]);
        assert_eq!(found("nordlicht.sh/shop"), ["nordlicht.sh"]);
    }
}
