//! The `List-Unsubscribe` (RFC 2369) and `List-Unsubscribe-Post` (RFC 8058) headers, read
//! in their exact form: angle brackets, schemes, the one-click value. RFC 2047
//! encoded-words (`=?utf-8?q?=3Chttps=3A…?=`) are kept apart from URIs: mailbox providers
//! do not decode them in these headers, so a URI written that way is not there for them,
//! and saying "no URI" would send the reader looking for the wrong mistake. A URI that is
//! an ESP merge tag (`<*|UNSUB_URL|*>`, `<%unsubscribe_url%>`) is filled in when the
//! message is sent: its scheme is unknown here, not wrong.

use crate::campaign::{Campaign, Format, HeaderField};
use crate::diagnostic::Span;
use crate::facts::merge_tags;

/// The scheme of a List-Unsubscribe URI.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    Https,
    Http,
    Mailto,
    /// An ESP merge tag the sending system replaces (`*|UNSUB|*`): scheme unknown.
    Tagged,
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

/// An RFC 2047 encoded-word (`=?utf-8?q?…?=`) in a header value.
#[derive(Debug, Clone, PartialEq)]
pub struct EncodedWord {
    pub span: Span,
    /// What it decodes to, when its charset and encoding are readable.
    pub decoded: Option<String>,
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
    /// Encoded-words in the List-Unsubscribe value, which mailbox providers do not decode.
    pub encoded: Vec<EncodedWord>,
    pub post: Option<HeaderRef>,
    /// Encoded-words in the List-Unsubscribe-Post value.
    pub post_encoded: Vec<EncodedWord>,
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
        if let Some(post) = &out.post {
            let raw = campaign.sources[0]
                .text
                .get(post.value_span.offset..post.value_span.end())
                .unwrap_or_default();
            let mut i = 0;
            while let Some(at) = raw[i..].find("=?") {
                let start = i + at;
                match encoded_word(raw, start, post.value_span.offset) {
                    Some((word, end)) => {
                        out.post_encoded.push(word);
                        i = end;
                    }
                    None => i = start + 2,
                }
            }
        }
        out
    }

    /// Whether the header names a URI whose scheme only the sending system knows (a
    /// merge tag), so that the absence of an https URI is not known.
    pub fn has_tagged_uri(&self) -> bool {
        self.uris.iter().any(|u| u.scheme == Scheme::Tagged)
    }

    /// The first well-formed https URI, which one-click unsubscribe needs.
    pub fn https_uri(&self) -> Option<&UnsubscribeUri> {
        self.uris
            .iter()
            .find(|u| u.scheme == Scheme::Https && !u.bare)
    }

    /// Whether the header names at least one https, http or mailto URI, or a merge tag
    /// that becomes one (bracketed or not: bare URIs are a problem of their own).
    pub fn is_usable(&self) -> bool {
        self.uris.iter().any(|u| {
            matches!(
                u.scheme,
                Scheme::Https | Scheme::Http | Scheme::Mailto | Scheme::Tagged
            )
        })
    }
}

/// The exact value RFC 8058 requires of `List-Unsubscribe-Post`.
pub const ONE_CLICK_VALUE: &str = "List-Unsubscribe=One-Click";

fn parse_uris(raw: &str, base: usize, out: &mut ListUnsubscribe) {
    let bytes = raw.as_bytes();
    let mut i = 0;
    while i < raw.len() {
        if bytes[i] == b'='
            && let Some((word, end)) = encoded_word(raw, i, base)
        {
            out.encoded.push(word);
            i = end;
            continue;
        }
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

/// The RFC 2047 encoded-word (`=?charset?Q|B?text?=`) starting at `start` of `raw` (which
/// sits at `base` of the file), and where it ends.
fn encoded_word(raw: &str, start: usize, base: usize) -> Option<(EncodedWord, usize)> {
    let rest = raw.get(start..)?.strip_prefix("=?")?;
    let charset_end = rest.find('?')?;
    let after_charset = &rest[charset_end + 1..];
    let encoding = after_charset.as_bytes().first()?;
    if charset_end == 0
        || !matches!(encoding, b'q' | b'Q' | b'b' | b'B')
        || after_charset.as_bytes().get(1) != Some(&b'?')
    {
        return None;
    }
    let text = &after_charset[2..];
    let text_end = text.find("?=")?;
    if text[..text_end].contains(|c: char| c.is_ascii_whitespace()) {
        return None;
    }
    let len = 2 + charset_end + 1 + 2 + text_end + 2;
    let end = start + len;
    // mail-parser's decoder reads from just after the leading `=`.
    let decoded = mail_parser::parsers::MessageStream::new(&raw.as_bytes()[start + 1..end])
        .decode_rfc2047()
        .filter(|d| !d.chars().any(char::is_control));
    let word = EncodedWord {
        span: Span::new(0, base + start..base + end),
        decoded,
    };
    Some((word, end))
}

fn scheme_of(uri: &str) -> Scheme {
    let lower = uri.to_ascii_lowercase();
    if merge_tags::find(uri)
        .first()
        .is_some_and(|t| t.range.start == 0)
    {
        return Scheme::Tagged;
    }
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
    fn encoded_words_are_not_uris() {
        let l = read("List-Unsubscribe: =?utf-8?q?=3Chttps=3A=2F=2Fexample.com=2Fu=3E?=\r\n");
        assert!(l.uris.is_empty());
        assert_eq!(l.encoded.len(), 1);
        assert_eq!(
            l.encoded[0].decoded.as_deref(),
            Some("<https://example.com/u>")
        );
        let header = l.header.expect("header");
        assert_eq!(l.encoded[0].span, header.value_span);
        let l = read(
            "List-Unsubscribe: <mailto:u@example.com>, =?UTF-8?B?PGh0dHBzOi8vZXhhbXBsZS5jb20vdT4=?=\r\nList-Unsubscribe-Post: =?utf-8?Q?List-Unsubscribe=3DOne-Click?=\r\n",
        );
        assert_eq!(l.uris.len(), 1);
        assert_eq!(
            l.encoded[0].decoded.as_deref(),
            Some("<https://example.com/u>")
        );
        assert_eq!(
            l.post_encoded[0].decoded.as_deref(),
            Some("List-Unsubscribe=One-Click")
        );
        // Not encoded-words: a URI with `=?` in its query, and a lone `=?`.
        let l = read("List-Unsubscribe: <https://example.com/u?a=?b>, =?x\r\n");
        assert!(l.encoded.is_empty());
        assert_eq!(l.uris[0].uri, "https://example.com/u?a=?b");
    }

    #[test]
    fn merge_tags_are_uris_of_unknown_scheme() {
        let l = read("List-Unsubscribe: <*|UNSUB_URL|*>, <mailto:u@example.com>\r\n");
        assert_eq!(l.uris[0].scheme, Scheme::Tagged);
        assert!(l.has_tagged_uri());
        let l = read("List-Unsubscribe: <{{ unsubscribe_url }}>\r\n");
        assert!(l.is_usable());
        assert!(l.https_uri().is_none());
        let l = read("List-Unsubscribe: <mailto:unsubscribe>\r\n");
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
