//! URLs and domains as the link rules see them: the host of a link, its registrable
//! domain (the part a person registers: `example.co.uk`, not `co.uk`), host patterns
//! (`*.list-manage.com`), the destination a click tracker carries in its query, and the
//! domains a piece of link text shows to the reader.
//!
//! No public-suffix list: the full list is large and changes monthly, while a linter only
//! needs to tell "the same site" from "another site". One label under the top-level
//! domain, or two under the common second-level suffixes in [`TWO_LEVEL_SUFFIXES`],
//! gets that right for the domains campaigns link to.

use std::ops::Range;

/// Second-level suffixes under which people register domains (`shop.co.uk`). The reserved
/// example domains (RFC 2606) count as suffixes too, so that `bank.example.com` and
/// `shop.example.com` are two sites, as they are meant to be in docs and samples.
const TWO_LEVEL_SUFFIXES: &[&str] = &[
    "co.uk",
    "org.uk",
    "me.uk",
    "ac.uk",
    "gov.uk",
    "ltd.uk",
    "plc.uk",
    "net.uk",
    "sch.uk",
    "com.au",
    "net.au",
    "org.au",
    "edu.au",
    "gov.au",
    "asn.au",
    "id.au",
    "co.nz",
    "net.nz",
    "org.nz",
    "govt.nz",
    "co.jp",
    "ne.jp",
    "or.jp",
    "ac.jp",
    "go.jp",
    "co.kr",
    "or.kr",
    "com.cn",
    "net.cn",
    "org.cn",
    "com.hk",
    "com.tw",
    "com.sg",
    "com.my",
    "co.in",
    "net.in",
    "org.in",
    "co.id",
    "co.th",
    "com.vn",
    "com.ph",
    "co.za",
    "co.il",
    "com.tr",
    "com.br",
    "net.br",
    "org.br",
    "com.mx",
    "com.ar",
    "com.co",
    "com.pe",
    "com.uy",
    "com.pl",
    "com.ua",
    "com.sa",
    "com.eg",
    "com.ng",
    "co.ke",
    "com.pk",
    "co.at",
    "or.at",
    "com.es",
    "com.pt",
    "com.gr",
    "com.cy",
    "com.mt",
    "co.hu",
    // RFC 2606 / RFC 6761 reserved names.
    "example.com",
    "example.net",
    "example.org",
];

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

/// The lowercased host of an `http`, `https` or protocol-relative (`//host/…`) URL; None
/// for other schemes, relative links, and hosts that are (or contain) merge tags.
pub fn host(url: &str) -> Option<String> {
    let url = url.trim();
    let rest = match scheme(url).as_deref() {
        Some("http" | "https") => &url[url.find(':')? + 1..],
        None if url.starts_with("//") => url,
        _ => return None,
    };
    let rest = rest.trim_start_matches(['/', '\\']);
    let authority = rest.split(['/', '?', '#', '\\']).next().unwrap_or_default();
    let host_port = authority.rsplit('@').next().unwrap_or_default();
    let host = if host_port.starts_with('[') {
        host_port.split(']').next().map(|h| format!("{h}]"))?
    } else {
        host_port.split(':').next().unwrap_or_default().to_owned()
    };
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    let plausible = !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | '_' | '[' | ']' | ':'));
    plausible.then_some(host)
}

/// The registrable domain of a host: `www.bank.example.co.uk` → `example.co.uk`. IP
/// addresses and single labels (`localhost`) are returned whole.
pub fn registrable(host: &str) -> &str {
    let host = host.trim_end_matches('.');
    if host.starts_with('[') || host.parse::<std::net::Ipv4Addr>().is_ok() {
        return host;
    }
    let dots: Vec<usize> = host.match_indices('.').map(|(i, _)| i).collect();
    let labels_kept =
        if dots.len() >= 2 && TWO_LEVEL_SUFFIXES.contains(&&host[dots[dots.len() - 2] + 1..]) {
            3
        } else {
            2
        };
    if dots.len() < labels_kept {
        return host;
    }
    &host[dots[dots.len() - labels_kept] + 1..]
}

/// Whether `host` matches `pattern`, where `*` stands for any run of characters
/// (`*.list-manage.com`, `click.*`, `*.klclick*.com`); case-insensitive.
pub fn host_matches(host: &str, pattern: &str) -> bool {
    glob(host.as_bytes(), pattern.to_ascii_lowercase().as_bytes())
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

/// The destination a click-tracking URL carries in its query (`?u=https%3A%2F%2F…`,
/// `&url=https://…`), if it does. Most trackers encode it opaquely; some do not.
pub fn embedded_destination(url: &str) -> Option<String> {
    let query = url.split_once('?')?.1;
    let query = query.split('#').next().unwrap_or_default();
    query.split('&').find_map(|pair| {
        let value = pair.split_once('=')?.1;
        let decoded = percent_decode(value);
        let lower = decoded.to_ascii_lowercase();
        (lower.starts_with("https://") || lower.starts_with("http://")).then_some(decoded)
    })
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                    out.push((h * 16 + l) as u8);
                    i += 3;
                    continue;
                }
                out.push(b'%');
            }
            b'+' => out.push(b' '),
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A domain shown in link text, with its range in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShownDomain {
    /// The token as written (`www.example.com/login`).
    pub shown: String,
    /// Its lowercased host (`www.example.com`).
    pub host: String,
    pub range: Range<usize>,
}

/// File extensions and abbreviations that look like a top-level domain in prose
/// (`report.pdf`, `Node.js`, `e.g`): a bare `name.ext` with one of these is not a domain.
const NOT_TLDS: &[&str] = &[
    "pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "jpg", "jpeg", "png", "gif", "svg", "webp",
    "zip", "txt", "csv", "html", "htm", "php", "asp", "aspx", "js", "css", "json", "xml", "mp3",
    "mp4", "mov", "exe", "dmg", "ics", "eml", "g", "e", "i",
];

/// The domains and URLs a link's text shows to the reader: `https://bank.example.com/login`,
/// `www.example.com`, or a bare `example.com`. Addresses (`help@example.com`) are not
/// domains a reader would follow.
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
        let lower = core.to_ascii_lowercase();
        let explicit = lower.starts_with("http://") || lower.starts_with("https://");
        let host = if explicit {
            host(core)
        } else {
            let bare = lower.split(['/', '?', '#']).next().unwrap_or_default();
            let bare = bare.split(':').next().unwrap_or_default();
            looks_like_domain(bare, lower.starts_with("www.")).then(|| bare.to_owned())
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

/// Whether a bare token (`example.com`, `www.shop.example.co.uk`) reads as a domain name.
fn looks_like_domain(token: &str, www: bool) -> bool {
    let labels: Vec<&str> = token.split('.').collect();
    if labels.len() < 2
        || labels.iter().any(|l| {
            l.is_empty()
                || l.starts_with('-')
                || l.ends_with('-')
                || !l.chars().all(|c| c.is_alphanumeric() || c == '-')
        })
    {
        return false;
    }
    let tld = labels[labels.len() - 1];
    let tld_ok = tld.len() >= 2 && tld.len() <= 24 && tld.chars().all(char::is_alphabetic);
    tld_ok && (www || !NOT_TLDS.contains(&tld))
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
        assert_eq!(host("mailto:a@example.com"), None);
        assert_eq!(host("/relative/path"), None);
        assert_eq!(host("https://{{ domain }}/x"), None);
        assert_eq!(host("*|UNSUB|*"), None);
    }

    #[test]
    fn registrable_domains() {
        assert_eq!(registrable("www.bank.co.uk"), "bank.co.uk");
        assert_eq!(registrable("shop.example.com.au"), "example.com.au");
        assert_eq!(registrable("a.b.nordlicht.de"), "nordlicht.de");
        assert_eq!(registrable("nordlicht.de"), "nordlicht.de");
        assert_eq!(
            registrable("click.mail.nordlicht.example.com"),
            "nordlicht.example.com"
        );
        assert_eq!(registrable("example.com"), "example.com");
        assert_eq!(registrable("localhost"), "localhost");
        assert_eq!(registrable("192.168.1.10"), "192.168.1.10");
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
            embedded_destination("https://x.example.com/ls/click?upn=abc"),
            None
        );
        assert_eq!(embedded_destination("https://x.example.com/%"), None);
        assert_eq!(percent_decode("a%2"), "a%2");
    }

    #[test]
    fn domains_in_link_text() {
        let found =
            |t: &str| -> Vec<String> { shown_domains(t).into_iter().map(|d| d.host).collect() };
        assert_eq!(found("www.example.com"), ["www.example.com"]);
        assert_eq!(
            found("https://bank.example.com/login"),
            ["bank.example.com"]
        );
        assert_eq!(found("Visit example.co.uk today."), ["example.co.uk"]);
        assert_eq!(found("(shop.example.com/sale)"), ["shop.example.com"]);
        for prose in [
            "Read more",
            "Download report.pdf",
            "built with Node.js",
            "e.g. this",
            "help@example.com",
            "Version 1.2",
            "Click here...",
        ] {
            assert!(found(prose).is_empty(), "{prose}");
        }
        let d = &shown_domains("Log in at https://bank.example.com/login.")[0];
        assert_eq!(d.shown, "https://bank.example.com/login");
        assert_eq!(d.range, 10..40);
    }
}
