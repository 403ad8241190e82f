//! `.eml` messages: headers with their positions, and the text parts, each either mapped
//! straight onto the raw file or shown as a decoded view of its own.

use mail_parser::decoders::charsets::map::charset_decoder;
use mail_parser::{Message, MessageParser, MessagePart, MimeHeaders, PartType};

use super::{
    Campaign, DecodeProblem, DecodedMailbox, Format, HeaderField, Part, PartKind, Subject,
};
use crate::diagnostic::{Source, Span};
use crate::error::{Error, Result};
use crate::limits::Limits;

/// Header names of which a real message has at least one.
const MESSAGE_HEADERS: &[&str] = &[
    "from",
    "subject",
    "to",
    "date",
    "content-type",
    "mime-version",
    "message-id",
    "reply-to",
    "sender",
];

pub(super) fn parse(path: &str, bytes: &[u8], limits: &Limits) -> Result<Campaign> {
    let skip = mbox_prefix_len(bytes);
    let message_bytes = &bytes[skip..];
    let raw = Source::from_bytes(path, bytes);
    if let Some((offset, problem)) = not_an_email(message_bytes) {
        return Err(Error::new(path, format!("not an email message: {problem}"))
            .at_offset(&raw.text, skip + offset));
    }
    let message = MessageParser::default()
        .parse(message_bytes)
        .ok_or_else(|| Error::new(path, "not an email message: no header fields could be read"))?;
    within_limits(&message, limits)
        .map_err(|(message, at)| Error::new(path, message).at_offset(&raw.text, skip + at))?;

    let headers: Vec<HeaderField> = message
        .headers()
        .iter()
        .filter_map(|h| {
            let field_start = skip + h.offset_field as usize;
            let value_start = skip + h.offset_start as usize;
            let end = skip + h.offset_end as usize;
            let raw_value = raw.text.get(value_start..end)?;
            let lead = raw_value.len() - raw_value.trim_start().len();
            let trimmed = raw_value.trim();
            let value_range = value_start + lead..value_start + lead + trimmed.len();
            let field_end = value_range.end.max(field_start);
            let mailboxes = h.value().as_address().map_or_else(Vec::new, |a| {
                a.iter()
                    .map(|m| DecodedMailbox {
                        name: m.name().map(str::to_owned),
                        address: m.address().map(str::to_owned),
                    })
                    .collect()
            });
            Some(HeaderField {
                name: h.name.as_str().to_owned(),
                value: unfold(trimmed),
                field: field_start..field_end,
                value_range,
                mailboxes,
            })
        })
        .collect();
    let header_end = headers.last().map_or(skip, |h| h.field.end);

    let subject = message.subject().and_then(|text| {
        let field = headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case("subject"))?;
        let raw_value = raw.text.get(field.value_range.clone())?;
        Some(Subject {
            text: text.to_owned(),
            range: field.value_range.clone(),
            exact: raw_value == text,
        })
    });

    let mut sources = vec![raw];
    let mut parts = Vec::new();
    // A text part left out as an attachment, for the message that has no other.
    let mut attached: Option<String> = None;
    for part in &message.parts {
        let (kind, decoded) = match &part.body {
            PartType::Html(text) => (PartKind::Html, text),
            PartType::Text(text) => (PartKind::Plain, text),
            _ => continue,
        };
        let is_attachment = part
            .content_disposition()
            .is_some_and(|d| d.ctype().eq_ignore_ascii_case("attachment"));
        let subtype_ok = part.content_type().is_none_or(|ct| {
            ct.ctype().eq_ignore_ascii_case("text")
                && ct.subtype().is_none_or(|s| {
                    s.eq_ignore_ascii_case("plain") || s.eq_ignore_ascii_case("html")
                })
        });
        if is_attachment && subtype_ok && attached.is_none() {
            attached = Some(part.attachment_name().unwrap_or("unnamed").to_owned());
        }
        if is_attachment || !subtype_ok {
            continue;
        }
        let body_start = skip + part.offset_body as usize;
        let body_end = (skip + part.offset_end as usize).min(bytes.len());
        let raw_body = bytes.get(body_start..body_end).unwrap_or_default();
        let transfer_encoding = part
            .content_transfer_encoding()
            .map(str::to_ascii_lowercase);
        let label = match kind {
            PartKind::Html => "text/html",
            PartKind::Plain => "text/plain",
        };
        let header_block = bytes
            .get(skip + part.offset_header as usize..body_start)
            .unwrap_or_default();
        let mut problem = decode_problem(part, decoded, header_block);
        let reread = problem
            .is_none()
            .then(|| utf8_read_as_latin1(part, decoded))
            .flatten();
        let decoded: &str = match &reread {
            Some((text, message)) => {
                let at = find_ignore_case(header_block, b"charset").map_or(
                    ProblemAt::Text(text.find(|c: char| !c.is_ascii()).unwrap_or(0)),
                    ProblemAt::Header,
                );
                problem = Some((message.clone(), at, false));
                text
            }
            None => decoded,
        };
        // A part whose decoded text is its raw bytes maps onto the file itself; any other
        // (transfer-encoded, or in another charset) is shown as a decoded view.
        let (source, body) = if maps_directly(raw_body, decoded) {
            (0, body_start..body_start + decoded.len())
        } else {
            let same_kind = parts.iter().filter(|p: &&Part| p.kind == kind).count();
            let name = if same_kind == 0 {
                format!("{path} › {label} (decoded)")
            } else {
                format!("{path} › {label} #{} (decoded)", same_kind + 1)
            };
            let mut view = Source::new(name, decoded);
            view.decoded_from = Some(body_start);
            sources.push(view);
            (sources.len() - 1, 0..decoded.len())
        };
        let decode_problem = problem.map(|(message, at, garbled)| DecodeProblem {
            message,
            span: match at {
                ProblemAt::Text(i) => Span::new(source, body.start + i..body.start + i + 3),
                ProblemAt::Header(i) => {
                    let at = skip + part.offset_header as usize + i;
                    Span::new(0, at..at + "charset".len())
                }
            },
            garbled,
        });
        parts.push(Part {
            kind,
            source,
            body,
            transfer_encoding,
            sent_len: raw_body.len(),
            decode_problem,
        });
    }

    let unread_body = parts.is_empty().then(|| {
        let at = headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case("content-type"))
            .map_or(header_end..header_end, |h| h.value_range.clone());
        let body = message_bytes
            .get(message.root_part().offset_body as usize..)
            .unwrap_or_default();
        (
            unread_reason(&message, body, attached.as_deref()),
            Span::new(0, at),
        )
    });
    Ok(Campaign {
        path: path.to_owned(),
        format: Format::Eml,
        sources,
        headers,
        subject,
        parts,
        header_end,
        unread_body,
    })
}

/// Why a message has no body part that could be read as text.
fn unread_reason(message: &Message, body: &[u8], attached: Option<&str>) -> String {
    let content_type = message.content_type();
    let multipart = content_type.is_some_and(|ct| ct.ctype().eq_ignore_ascii_case("multipart"));
    let boundary = content_type.and_then(|ct| ct.attribute("boundary"));
    match (multipart, boundary) {
        (true, None | Some("")) => {
            "the multipart message has no boundary (boundary=\"\")".to_owned()
        }
        (true, Some(b)) if memchr::memmem::find(body, format!("--{b}").as_bytes()).is_none() => {
            format!("the multipart boundary {b:?} never appears in the body")
        }
        _ => match attached {
            Some(name) => format!("the only text part is an attachment ({name})"),
            None => "the message has no text/plain or text/html part".to_owned(),
        },
    }
}

/// Where a decoding problem shows: a byte offset in the decoded text, or in the part's
/// header block.
enum ProblemAt {
    Text(usize),
    Header(usize),
}

/// Whether a text part was decoded faithfully, and if not: what went wrong, where, and
/// whether its text holds replacement characters. mail-parser reads an unknown charset
/// as UTF-8 and replaces undecodable bytes by U+FFFD, silently; this says so.
fn decode_problem(
    part: &MessagePart,
    decoded: &str,
    header_block: &[u8],
) -> Option<(String, ProblemAt, bool)> {
    let charset = part
        .content_type()
        .and_then(|ct| ct.attribute("charset"))
        .map(str::trim)
        .filter(|c| !c.is_empty());
    let replaced = decoded.matches('\u{fffd}').count();
    let first = decoded.find('\u{fffd}');
    let invalid = |what: &str| {
        format!(
            "{replaced} byte sequence{} not valid {what}",
            if replaced == 1 { " is" } else { "s are" }
        )
    };
    match charset {
        Some(name) if charset_decoder(name.as_bytes()).is_none() && !is_utf8_label(name) => {
            if decoded.is_ascii() {
                return None;
            }
            let mut message = format!("unknown charset {name:?}, read as UTF-8");
            if replaced > 0 {
                message.push_str(": ");
                message.push_str(&invalid("UTF-8"));
            }
            let at = find_ignore_case(header_block, b"charset")
                .map_or(ProblemAt::Text(first.unwrap_or(0)), ProblemAt::Header);
            Some((message, at, replaced > 0))
        }
        _ => {
            let at = first?;
            let message = match charset {
                Some(name) => format!("declared as {name}, but {}", invalid(name)),
                None => format!(
                    "no charset declared, read as UTF-8, but {}",
                    invalid("UTF-8")
                ),
            };
            Some((message, ProblemAt::Text(at), true))
        }
    }
}

/// A part declared as ISO-8859-1 or Windows-1252 whose bytes are UTF-8 (an editor saved
/// UTF-8, the ESP template says Latin-1) decodes to "GrÃ¼ÃŸe": when the Latin-1 reading,
/// turned back into bytes, is valid UTF-8 with non-ASCII characters, it was UTF-8 (real
/// Latin-1 text almost never is). Returns the UTF-8 text and what was done.
fn utf8_read_as_latin1(part: &MessagePart, decoded: &str) -> Option<(String, String)> {
    let charset = part.content_type()?.attribute("charset")?.trim();
    let label = charset.to_ascii_lowercase().replace('_', "-");
    let latin = [
        "iso-8859-1",
        "iso8859-1",
        "latin1",
        "l1",
        "windows-1252",
        "cp1252",
    ];
    if decoded.is_ascii() || !latin.contains(&label.as_str()) {
        return None;
    }
    // mail-parser reads both labels as Windows-1252, with 0x81, 0x8d, 0x8f, 0x90 and 0x9d
    // (undefined there) as C1 controls; map each character back to its byte.
    let bytes: Vec<u8> = decoded
        .chars()
        .map(|c| match u8::try_from(u32::from(c)) {
            Ok(b) => Some(b),
            Err(_) => {
                let mut buf = [0u8; 4];
                let (bytes, _, unmappable) =
                    encoding_rs::WINDOWS_1252.encode(c.encode_utf8(&mut buf));
                (!unmappable && bytes.len() == 1).then(|| bytes[0])
            }
        })
        .collect::<Option<_>>()?;
    let text = String::from_utf8(bytes).ok()?;
    Some((
        text,
        format!("declared as {charset}, but the bytes are UTF-8 (read as UTF-8)"),
    ))
}

/// UTF-8 under the names mail-parser knows for it (it decodes them without a decoder).
fn is_utf8_label(name: &str) -> bool {
    let name = name.to_ascii_lowercase().replace('_', "-");
    [
        "utf-8",
        "utf8",
        "unicode-1-1-utf-8",
        "unicode11utf8",
        "unicode20utf8",
        "x-unicode20utf8",
    ]
    .contains(&name.as_str())
}

fn find_ignore_case(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
}

/// Checks the message against the configured limits; on failure, the message and the
/// offset (in the message bytes) of the first part or header field over the limit.
fn within_limits(message: &Message, limits: &Limits) -> std::result::Result<(), (String, usize)> {
    for part in &message.parts {
        let headers = part.headers();
        if let Some(over) = headers.get(limits.max_header_count) {
            return Err((
                format!(
                    "a header block has {} fields, over the limit of {} (raise [limits] max-header-count in campaign-lint.toml)",
                    headers.len(),
                    limits.max_header_count
                ),
                over.offset_field as usize,
            ));
        }
    }
    // Multiparts nest through child ids; a child always comes after its parent.
    let mut stack = vec![(0u32, 0usize)];
    while let Some((id, depth)) = stack.pop() {
        let Some(part) = message.parts.get(id as usize) else {
            continue;
        };
        if depth > limits.max_mime_depth {
            return Err((
                format!(
                    "MIME parts are nested more than {} deep (raise [limits] max-mime-depth in campaign-lint.toml)",
                    limits.max_mime_depth
                ),
                part.offset_header as usize,
            ));
        }
        if let PartType::Multipart(children) = &part.body {
            stack.extend(
                children
                    .iter()
                    .filter(|&&c| c > id)
                    .map(|&c| (c, depth + 1)),
            );
        }
    }
    Ok(())
}

/// Whether the decoded body is the raw body (up to trailing line breaks before a boundary).
fn maps_directly(raw: &[u8], decoded: &str) -> bool {
    raw.starts_with(decoded.as_bytes()) && raw[decoded.len()..].iter().all(u8::is_ascii_whitespace)
}

fn unfold(value: &str) -> String {
    if !value.contains('\n') {
        return value.to_owned();
    }
    value
        .split(['\r', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Length of an mbox `From ` separator line at the start, if there is one.
fn mbox_prefix_len(bytes: &[u8]) -> usize {
    if !bytes.starts_with(b"From ") {
        return 0;
    }
    bytes
        .iter()
        .position(|&b| b == b'\n')
        .map_or(bytes.len(), |i| i + 1)
}

/// Whether the bytes start with something shaped like an RFC 5322 header block.
pub(super) fn looks_like_header_block(bytes: &[u8]) -> bool {
    not_an_email(&bytes[mbox_prefix_len(bytes)..]).is_none()
}

/// Why these bytes are not an email message (and at which offset), if they are not.
/// mail-parser accepts almost anything, so the decision is ours: a header block must come
/// first, with at least one header a message has, and no binary bytes.
fn not_an_email(bytes: &[u8]) -> Option<(usize, String)> {
    let mut head = &bytes[..bytes.len().min(16 * 1024)];
    // A header block longer than the window: judge its complete lines only.
    if head.len() < bytes.len()
        && let Some(last) = head.iter().rposition(|&b| b == b'\n')
    {
        head = &head[..=last];
    }
    let mut offset = 0;
    let mut known = false;
    let mut fields = 0;
    for line in head.split(|&b| b == b'\n') {
        let line_len = line.len() + 1;
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.is_empty() {
            break;
        }
        // Only the header block must be text: a body part may be binary (UTF-16, images).
        if let Some(pos) = line.iter().position(|&b| b == 0) {
            return Some((
                offset + pos,
                "binary data (a NUL byte) in the header block".to_owned(),
            ));
        }
        if matches!(line[0], b' ' | b'\t') && fields > 0 {
            offset += line_len;
            continue;
        }
        let Some(colon) = line.iter().position(|&b| b == b':') else {
            return Some((offset, header_problem(fields)));
        };
        let name = &line[..colon];
        if name.is_empty() || !name.iter().all(u8::is_ascii_graphic) {
            return Some((offset, header_problem(fields)));
        }
        fields += 1;
        let name = String::from_utf8_lossy(name).to_ascii_lowercase();
        known |= MESSAGE_HEADERS.contains(&name.as_str());
        offset += line_len;
    }
    if fields == 0 {
        return Some((0, "the file is empty or has no header block".to_owned()));
    }
    if !known {
        return Some((
            0,
            "no From, Subject, Date or Content-Type header in the header block".to_owned(),
        ));
    }
    None
}

fn header_problem(fields: usize) -> String {
    if fields == 0 {
        "expected a header field such as 'From:' or 'Subject:' on the first line".to_owned()
    } else {
        "expected a header field ('Name: value') or a blank line before the body".to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_default(path: &str, bytes: &[u8]) -> Result<Campaign> {
        parse(path, bytes, &Limits::default())
    }

    const PLAIN: &str = "From: Shop <news@example.com>\r\nSubject: Hello there\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nBuy our TV.\r\n";

    #[test]
    fn plain_message_maps_onto_the_file() {
        let c = parse_default("m.eml", PLAIN.as_bytes()).unwrap();
        assert_eq!(c.sources.len(), 1);
        assert_eq!(c.parts.len(), 1);
        assert_eq!(c.text(&c.parts[0]), "Buy our TV.\r\n");
        let s = c.subject.as_ref().unwrap();
        assert!(s.exact);
        assert_eq!(&PLAIN[s.range.clone()], "Hello there");
        let from = c.header("FROM").unwrap();
        assert_eq!(&PLAIN[from.field.clone()], "From: Shop <news@example.com>");
    }

    #[test]
    fn quoted_printable_part_gets_a_decoded_source() {
        let raw = "From: a@example.com\r\nSubject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?=\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n<p>Gr=C3=BC=C3=9Fe aus Hamburg</p>\r\n";
        let c = parse_default("m.eml", raw.as_bytes()).unwrap();
        assert_eq!(c.sources.len(), 2);
        assert_eq!(c.sources[1].name, "m.eml › text/html (decoded)");
        assert!(c.text(&c.parts[0]).contains("Grüße aus Hamburg"));
        let s = c.subject.as_ref().unwrap();
        assert_eq!(s.text, "Grüße");
        assert!(!s.exact);
    }

    #[test]
    fn multipart_related_with_base64_text_and_an_image() {
        let raw = "From: a@example.com\r\nSubject: s\r\nMIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=r\r\n\r\n--r\r\nContent-Type: multipart/alternative; boundary=a\r\n\r\n--a\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\nSGFsbG8gV2VsdA==\r\n--a\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>Hallo Welt</p><img src=\"cid:logo\">\r\n--a--\r\n--r\r\nContent-Type: image/png\r\nContent-ID: <logo>\r\nContent-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=\r\n--r--\r\n";
        let c = parse_default("m.eml", raw.as_bytes()).unwrap();
        let kinds: Vec<_> = c.parts.iter().map(|p| (p.kind, p.source)).collect();
        assert_eq!(kinds, [(PartKind::Plain, 1), (PartKind::Html, 0)]);
        assert_eq!(c.text(&c.parts[0]), "Hallo Welt");
        assert_eq!(c.sources[1].name, "m.eml › text/plain (decoded)");
        assert!(c.text(&c.parts[1]).starts_with("<p>Hallo Welt</p>"));
    }

    #[test]
    fn mbox_separator_is_skipped_and_offsets_stay_exact() {
        let raw = format!("From news@example.com Mon Jan  1 00:00:00 2024\n{PLAIN}");
        let c = parse_default("m.mbox", raw.as_bytes()).unwrap();
        let s = c.subject.unwrap();
        assert_eq!(&raw[s.range], "Hello there");
    }

    #[test]
    fn binary_body_parts_are_fine() {
        let raw = b"Content-Type: multipart/mixed; boundary=\"1\"\r\nMIME-Version: 1.0\r\n\r\n--1\r\nContent-Transfer-Encoding: binary\r\nContent-Type: text/plain; charset=utf-16le\r\n\r\nT\0e\0s\0t\0\r\n--1--\r\n";
        let c = parse_default("m.eml", raw).unwrap();
        assert_eq!(c.parts.len(), 1);
        assert_eq!(c.text(&c.parts[0]).trim(), "Test");
    }

    #[test]
    fn rejects_what_is_not_an_email() {
        for bad in [
            "",
            "just some text\nwith lines",
            "<html><body>hi</body></html>",
            "X-Foo: bar\r\n\r\nbody",
        ] {
            let err = parse_default("x.eml", bad.as_bytes()).unwrap_err();
            assert!(
                err.message.starts_with("not an email message"),
                "{bad:?}: {err}"
            );
        }
        let err = parse_default("x.eml", b"From: a@b.c\r\nSub\0ject: x\r\n\r\n").unwrap_err();
        assert_eq!(err.position, Some((2, 4)));
    }
}
