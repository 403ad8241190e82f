//! An `.eml` campaign rendered for one recipient, as a message again. Only what changes
//! is rewritten: each text part whose merge tags are filled gets a new body, encoded in
//! its own transfer encoding and charset where the filled text fits them (else UTF-8,
//! quoted-printable), and the top-level headers the render sets (`To`, `Subject`, and for
//! a proof `Message-ID` and `Date`). Every other byte (boundaries, images, the other
//! headers, `List-Unsubscribe`) stays as written.

use std::fmt::Write as _;
use std::ops::Range;

use base64::Engine as _;
use mail_parser::{Encoding, MessageParser, MimeHeaders, PartType};

use super::fill::{Unfilled, fill};
use crate::error::{Error, Result};
use crate::profiles::Profile;
use crate::rules::kinds::TagFields;

/// The top-level headers a render sets or replaces, besides the filled `Subject`.
#[derive(Debug, Clone, Default)]
pub struct HeaderChanges {
    /// Set in this order, replacing any field of the same name (values already encoded).
    pub set: Vec<(String, String)>,
    /// Put before the filled subject (`[Proof] `).
    pub subject_prefix: String,
}

/// Renders the message in `bytes` for `profile`; `display` names it in errors.
pub fn render(
    display: &str,
    bytes: &[u8],
    profile: &Profile,
    fields: &TagFields,
    changes: &HeaderChanges,
) -> Result<Vec<u8>> {
    let message = MessageParser::default()
        .parse(bytes)
        .filter(|m| !m.parts.is_empty())
        .ok_or_else(|| Error::new(display, "not an email message: no header block"))?;
    let newline = if bytes.windows(2).any(|w| w == b"\r\n") {
        "\r\n"
    } else {
        "\n"
    };
    let mut edits: Vec<(Range<usize>, Vec<u8>)> = Vec::new();
    let mut top: Vec<(String, String)> = Vec::new();
    if let Some(subject) = message.subject() {
        let filled = fill(subject, profile, fields, false).map_err(|u| {
            let at = u.offset;
            located(format!("{display} › Subject, decoded"), subject, u, at)
        })?;
        let subject = format!("{}{filled}", changes.subject_prefix);
        top.push(("Subject".into(), encode_header(&subject, newline)));
    } else if !changes.subject_prefix.is_empty() {
        top.push((
            "Subject".into(),
            changes.subject_prefix.trim_end().to_owned(),
        ));
    }
    top.extend(changes.set.iter().cloned());

    for (i, part) in message.parts.iter().enumerate() {
        let (text, html) = match &part.body {
            PartType::Text(t) => (t.as_ref(), false),
            PartType::Html(t) => (t.as_ref(), true),
            _ => continue,
        };
        if part
            .content_disposition()
            .is_some_and(|d| d.c_type.eq_ignore_ascii_case("attachment"))
        {
            continue;
        }
        let kind = if html { "text/html" } else { "text/plain" };
        let filled = fill(text, profile, fields, html).map_err(|u| {
            let at = u.offset;
            located(format!("{display} › {kind}, decoded"), text, u, at)
        })?;
        if filled == text {
            continue;
        }
        let charset = part
            .content_type()
            .and_then(|ct| ct.attribute("charset"))
            .unwrap_or("us-ascii");
        let (body, charset_now) = encode_charset(&filled, charset);
        let declared = part
            .content_transfer_encoding()
            .unwrap_or("7bit")
            .to_ascii_lowercase();
        let (body, cte) = encode_transfer(&body, part.encoding, &declared, newline);
        let mut set = vec![("Content-Transfer-Encoding".to_owned(), cte.to_owned())];
        if let Some(new_charset) = charset_now {
            let ct = part.content_type();
            let mut value = ct.map_or_else(
                || kind.to_owned(),
                |ct| match &ct.c_subtype {
                    Some(sub) => format!("{}/{sub}", ct.c_type),
                    None => ct.c_type.to_string(),
                },
            );
            for attr in ct.and_then(|ct| ct.attributes()).unwrap_or_default() {
                if !attr.name.eq_ignore_ascii_case("charset") {
                    let _ = write!(value, "; {}=\"{}\"", attr.name, attr.value);
                }
            }
            let _ = write!(value, "; charset={new_charset}");
            set.push(("Content-Type".to_owned(), value));
        }
        let (header, start, end) = (
            part.offset_header as usize,
            part.offset_body as usize,
            part.offset_end as usize,
        );
        // The body's range may end with the line break before the next boundary.
        let mut body = body;
        let old = &bytes[start..end.max(start)];
        if old.ends_with(b"\n") && !body.ends_with(b"\n") {
            body.extend_from_slice(newline.as_bytes());
        }
        if i == 0 {
            top.extend(set);
        } else {
            edits.push((
                header..start,
                edit_headers(&bytes[header..start], &set, newline),
            ));
        }
        edits.push((start..end.max(start), body));
    }
    let root_body = message.parts[0].offset_body as usize;
    edits.push((
        0..root_body,
        edit_headers(&bytes[..root_body], &top, newline),
    ));
    edits.sort_by_key(|(range, _)| std::cmp::Reverse(range.start));
    let mut out = bytes.to_vec();
    for (range, replacement) in edits {
        out.splice(range, replacement);
    }
    Ok(out)
}

fn located(source: String, text: &str, u: Unfilled, at: usize) -> Error {
    Error::new(source, u.message).at_offset(text, at)
}

/// The filled text in the part's charset when it can be written in it, else in UTF-8
/// (with the charset the part must now declare).
fn encode_charset(text: &str, charset: &str) -> (Vec<u8>, Option<&'static str>) {
    let label = charset.trim().to_ascii_lowercase();
    if matches!(label.as_str(), "utf-8" | "utf8") {
        return (text.as_bytes().to_vec(), None);
    }
    if matches!(label.as_str(), "us-ascii" | "ascii") {
        let changed = (!text.is_ascii()).then_some("utf-8");
        return (text.as_bytes().to_vec(), changed);
    }
    if let Some(encoding) = encoding_rs::Encoding::for_label(label.as_bytes()) {
        let (bytes, used, lossy) = encoding.encode(text);
        if !lossy && used == encoding {
            return (bytes.into_owned(), None);
        }
    }
    (text.as_bytes().to_vec(), Some("utf-8"))
}

/// The body in the part's transfer encoding, and that encoding's name. A 7bit part
/// whose filled text is no longer 7bit becomes quoted-printable.
fn encode_transfer(
    body: &[u8],
    encoding: Encoding,
    declared: &str,
    newline: &str,
) -> (Vec<u8>, &'static str) {
    let crlf = with_newlines(body, "\r\n");
    match encoding {
        Encoding::QuotedPrintable => (
            with_newlines(&quoted_printable::encode(&crlf), newline),
            "quoted-printable",
        ),
        Encoding::Base64 => {
            let encoded = base64::engine::general_purpose::STANDARD.encode(&crlf);
            let lines: Vec<&str> = encoded
                .as_bytes()
                .chunks(76)
                .map(|c| std::str::from_utf8(c).unwrap_or_default())
                .collect();
            (lines.join(newline).into_bytes(), "base64")
        }
        Encoding::None => {
            let short = body.split(|&b| b == b'\n').all(|l| l.len() <= 998);
            if short && (body.is_ascii() || matches!(declared, "8bit" | "binary")) {
                let name = if body.is_ascii() && declared == "7bit" {
                    "7bit"
                } else if declared == "binary" {
                    "binary"
                } else {
                    "8bit"
                };
                (with_newlines(body, newline), name)
            } else {
                (
                    with_newlines(&quoted_printable::encode(&crlf), newline),
                    "quoted-printable",
                )
            }
        }
    }
}

/// `bytes` with every line break (`\r\n` or `\n`) written as `newline`.
pub fn with_newlines(bytes: &[u8], newline: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len() + bytes.len() / 40);
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\r' if bytes.get(i + 1) == Some(&b'\n') => {
                out.extend_from_slice(newline.as_bytes());
                i += 2;
                continue;
            }
            b'\n' => out.extend_from_slice(newline.as_bytes()),
            b => out.push(b),
        }
        i += 1;
    }
    out
}

/// A header value: as is when it is short printable ASCII, else RFC 2047 encoded words
/// (UTF-8, base64) folded onto continuation lines.
pub fn encode_header(value: &str, newline: &str) -> String {
    let plain = value.is_ascii()
        && !value.contains("=?")
        && value.len() < 900
        && !value.chars().any(|c| c.is_ascii_control());
    if plain {
        return value.to_owned();
    }
    let mut words = Vec::new();
    let mut chunk = String::new();
    for c in value.chars().filter(|c| !c.is_control()) {
        if chunk.len() + c.len_utf8() > 45 {
            words.push(std::mem::take(&mut chunk));
        }
        chunk.push(c);
    }
    words.push(chunk);
    words
        .iter()
        .map(|w| {
            format!(
                "=?utf-8?B?{}?=",
                base64::engine::general_purpose::STANDARD.encode(w)
            )
        })
        .collect::<Vec<_>>()
        .join(&format!("{newline} "))
}

/// A header block with fields set: the first field of each name is replaced where it
/// is, the others of that name removed, and new fields added before the blank line.
pub fn edit_headers(block: &[u8], set: &[(String, String)], newline: &str) -> Vec<u8> {
    // Fields with their continuation lines; the blank line (and anything after) last.
    let mut fields: Vec<Vec<u8>> = Vec::new();
    let mut tail: &[u8] = &[];
    let mut rest = block;
    while !rest.is_empty() {
        let end = rest
            .iter()
            .position(|&b| b == b'\n')
            .map_or(rest.len(), |i| i + 1);
        let line = &rest[..end];
        if line == b"\n" || line == b"\r\n" {
            tail = rest;
            break;
        }
        match fields.last_mut() {
            Some(field) if line.starts_with(b" ") || line.starts_with(b"\t") => {
                field.extend_from_slice(line);
            }
            _ => fields.push(line.to_vec()),
        }
        rest = &rest[end..];
    }
    let name_of = |field: &[u8]| -> String {
        let colon = field.iter().position(|&b| b == b':').unwrap_or(0);
        String::from_utf8_lossy(&field[..colon])
            .trim()
            .to_ascii_lowercase()
    };
    let mut out_fields: Vec<Vec<u8>> = Vec::new();
    let mut placed = vec![false; set.len()];
    for field in fields {
        let name = name_of(&field);
        match set.iter().position(|(n, _)| n.eq_ignore_ascii_case(&name)) {
            Some(i) if !placed[i] => {
                placed[i] = true;
                out_fields.push(format!("{}: {}{newline}", set[i].0, set[i].1).into_bytes());
            }
            Some(_) => {}
            None => out_fields.push(field),
        }
    }
    for (i, (name, value)) in set.iter().enumerate() {
        if !placed[i] {
            out_fields.push(format!("{name}: {value}{newline}").into_bytes());
        }
    }
    let mut out: Vec<u8> = out_fields.concat();
    out.extend_from_slice(tail);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_are_replaced_in_place_and_added_at_the_end() {
        let block = b"From: a@x.example\r\nTo: b@x.example,\r\n c@x.example\r\nSubject: s\r\nTo: d@x.example\r\n\r\n";
        let set = [
            ("To".to_owned(), "<e@x.example>".to_owned()),
            ("Message-ID".to_owned(), "<1@x.example>".to_owned()),
        ];
        let out = edit_headers(block, &set, "\r\n");
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "From: a@x.example\r\nTo: <e@x.example>\r\nSubject: s\r\nMessage-ID: <1@x.example>\r\n\r\n"
        );
    }

    #[test]
    fn non_ascii_headers_are_encoded_words() {
        let value = "Frühlingsangebot für Jonas, nur diese Woche: 20 % auf Kopfhörer";
        let encoded = encode_header(value, "\r\n");
        assert!(encoded.is_ascii());
        assert!(encoded.lines().all(|l| l.len() <= 78), "{encoded}");
        let raw = format!("Subject: {encoded}\r\n\r\nx");
        let parsed = MessageParser::default().parse(raw.as_bytes()).unwrap();
        assert_eq!(parsed.subject(), Some(value));
    }

    #[test]
    fn charsets_are_kept_when_the_text_fits() {
        assert_eq!(
            encode_charset("Köln", "iso-8859-1"),
            (vec![b'K', 0xf6, b'l', b'n'], None)
        );
        assert_eq!(encode_charset("Łódź", "iso-8859-1").1, Some("utf-8"));
        assert_eq!(encode_charset("Köln", "us-ascii").1, Some("utf-8"));
    }
}
