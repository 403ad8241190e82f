//! The `List-Unsubscribe` (RFC 2369) and `List-Unsubscribe-Post` (RFC 8058) headers, read
//! in their exact form: angle brackets, schemes, the one-click value.

use crate::campaign::{Campaign, Format, HeaderField};
use crate::diagnostic::Span;

/// The scheme of a List-Unsubscribe URI.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    Https,
    Http,
    Mailto,
    Other,
}

/// One URI of a List-Unsubscribe header.
#[derive(Debug, Clone, PartialEq)]
pub struct UnsubscribeUri {
    pub uri: String,
    pub scheme: Scheme,
    pub span: Span,
    /// Written without the angle brackets RFC 2369 requires.
    pub bare: bool,
}

/// A header field's value and where it is.
#[derive(Debug, Clone, PartialEq)]
pub struct HeaderRef {
    pub value: String,
    pub value_span: Span,
    pub field_span: Span,
}

impl From<&HeaderField> for HeaderRef {
    fn from(h: &HeaderField) -> Self {
        HeaderRef {
            value: h.value.clone(),
            value_span: Span::new(0, h.value_range.clone()),
            field_span: Span::new(0, h.field.clone()),
        }
    }
}

/// What the campaign's list headers say.
#[derive(Debug, Clone, Default)]
pub struct ListUnsubscribe {
    /// Whether the campaign has headers at all (an `.eml`, not a bare template).
    pub has_headers: bool,
    pub header: Option<HeaderRef>,
    /// Further List-Unsubscribe fields (there must be only one).
    pub duplicates: Vec<HeaderRef>,
    pub uris: Vec<UnsubscribeUri>,
    /// Pieces of the value that are not URIs in angle brackets.
    pub junk: Vec<Span>,
    pub post: Option<HeaderRef>,
    /// Where a missing header would be added: the end of the header block.
    pub header_end: Span,
}

impl ListUnsubscribe {
    pub fn read(campaign: &Campaign) -> ListUnsubscribe {
        let mut out = ListUnsubscribe {
            has_headers: campaign.format == Format::Eml,
            header_end: Span::new(0, campaign.header_end..campaign.header_end),
            ..ListUnsubscribe::default()
        };
        let mut fields = campaign
            .headers
            .iter()
            .filter(|h| h.name.eq_ignore_ascii_case("List-Unsubscribe"));
        if let Some(h) = fields.next() {
            let raw = campaign.sources[0]
                .text
                .get(h.value_range.clone())
                .unwrap_or_default();
            parse_uris(raw, h.value_range.start, &mut out);
            out.header = Some(h.into());
        }
        out.duplicates = fields.map(HeaderRef::from).collect();
        out.post = campaign
            .header("List-Unsubscribe-Post")
            .map(HeaderRef::from);
        out
    }

    /// The first well-formed https URI, which one-click unsubscribe needs.
    pub fn https_uri(&self) -> Option<&UnsubscribeUri> {
        self.uris
            .iter()
            .find(|u| u.scheme == Scheme::Https && !u.bare)
    }

    /// Whether the header names at least one https, http or mailto URI (bracketed or not:
    /// bare URIs are a problem of their own).
    pub fn is_usable(&self) -> bool {
        self.uris
            .iter()
            .any(|u| matches!(u.scheme, Scheme::Https | Scheme::Http | Scheme::Mailto))
    }
}

/// The exact value RFC 8058 requires of `List-Unsubscribe-Post`.
pub const ONE_CLICK_VALUE: &str = "List-Unsubscribe=One-Click";

fn parse_uris(raw: &str, base: usize, out: &mut ListUnsubscribe) {
    let bytes = raw.as_bytes();
    let mut i = 0;
    while i < raw.len() {
        match bytes[i] {
            b' ' | b'\t' | b'\r' | b'\n' | b',' => i += 1,
            b'(' => {
                // An RFC 5322 comment.
                i = raw[i..].find(')').map_or(raw.len(), |e| i + e + 1);
            }
            b'<' => {
                let Some(close) = raw[i..].find('>') else {
                    out.junk.push(Span::new(0, base + i..base + raw.len()));
                    break;
                };
                let inner = &raw[i + 1..i + close];
                let uri: String = inner.chars().filter(|c| !c.is_whitespace()).collect();
                out.uris.push(UnsubscribeUri {
                    scheme: scheme_of(&uri),
                    uri,
                    span: Span::new(0, base + i..base + i + close + 1),
                    bare: false,
                });
                i += close + 1;
            }
            _ => {
                let end = raw[i..].find(',').map_or(raw.len(), |e| i + e);
                let token = raw[i..end].trim_end();
                out.uris.push(UnsubscribeUri {
                    scheme: scheme_of(token),
                    uri: token.to_owned(),
                    span: Span::new(0, base + i..base + i + token.len()),
                    bare: true,
                });
                i = end;
            }
        }
    }
}

fn scheme_of(uri: &str) -> Scheme {
    let lower = uri.to_ascii_lowercase();
    if lower.starts_with("https://") {
        Scheme::Https
    } else if lower.starts_with("http://") {
        Scheme::Http
    } else if lower.starts_with("mailto:") && lower.contains('@') {
        Scheme::Mailto
    } else {
        Scheme::Other
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::campaign::Campaign;

    fn read(headers: &str) -> ListUnsubscribe {
        let raw = format!("From: a@example.com\r\nSubject: x\r\n{headers}\r\nhello\r\n");
        let c = Campaign::parse("m.eml", raw.as_bytes(), Format::Eml).unwrap();
        ListUnsubscribe::read(&c)
    }

    #[test]
    fn reads_uris_in_brackets() {
        let l = read(
            "List-Unsubscribe: <mailto:u@example.com?subject=unsub>,\r\n <https://example.com/u/1>\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n",
        );
        assert_eq!(l.uris.len(), 2);
        assert_eq!(l.uris[0].scheme, Scheme::Mailto);
        assert_eq!(l.https_uri().unwrap().uri, "https://example.com/u/1");
        assert!(l.is_usable());
        assert_eq!(l.post.unwrap().value, ONE_CLICK_VALUE);
    }

    #[test]
    fn flags_bare_and_http_uris() {
        let l = read("List-Unsubscribe: https://example.com/u/1, <http://example.com/u>\r\n");
        assert!(l.uris[0].bare);
        assert_eq!(l.uris[1].scheme, Scheme::Http);
        assert!(l.https_uri().is_none());
        assert!(l.is_usable());
        let l = read("List-Unsubscribe: https://example.com/u/1\r\n");
        assert!(l.is_usable());
        let l = read("List-Unsubscribe: unsubscribe here\r\n");
        assert!(!l.is_usable());
    }

    #[test]
    fn missing_header() {
        let l = read("");
        assert!(l.has_headers);
        assert!(l.header.is_none());
        assert!(!l.is_usable());
    }
}
