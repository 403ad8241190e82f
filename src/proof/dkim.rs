//! DKIM signing of a proof's exact bytes (RFC 6376): rsa-sha256, relaxed/relaxed. The
//! signature covers the headers a receiver judges a proof by, `List-Unsubscribe` and
//! `List-Unsubscribe-Post` among them, as RFC 8058 requires for one-click unsubscribe.
//! A DKIM-Signature the campaign already carries no longer matches the proof (its subject
//! and recipient changed) and is replaced.

use std::path::Path;

use base64::Engine as _;
use rsa::RsaPrivateKey;
use rsa::pkcs1::DecodeRsaPrivateKey;
use rsa::pkcs1v15::SigningKey;
use rsa::pkcs8::DecodePrivateKey;
use rsa::signature::{SignatureEncoding, Signer as _};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

/// The headers signed when present (every instance, bottom-up, as RFC 6376 5.4.2 says).
const SIGNED: &[&str] = &[
    "from",
    "reply-to",
    "sender",
    "to",
    "cc",
    "subject",
    "date",
    "message-id",
    "mime-version",
    "content-type",
    "content-transfer-encoding",
    "list-id",
    "list-unsubscribe",
    "list-unsubscribe-post",
];

/// A key, a selector and a domain: `[proof] dkim-key`, `dkim-selector`, `dkim-domain`.
pub struct Signer {
    key: SigningKey<Sha256>,
    selector: String,
    domain: String,
}

impl Signer {
    /// Reads an RSA private key in PEM (PKCS#8 `BEGIN PRIVATE KEY` or PKCS#1 `BEGIN RSA
    /// PRIVATE KEY`).
    pub fn load(path: &Path, selector: &str, domain: &str) -> Result<Signer> {
        let shown = path.display().to_string();
        let pem = std::fs::read_to_string(path)
            .map_err(|e| Error::new(&shown, format!("cannot read the DKIM key: {e}")))?;
        let key = RsaPrivateKey::from_pkcs8_pem(&pem)
            .or_else(|_| RsaPrivateKey::from_pkcs1_pem(&pem))
            .map_err(|_| Error::new(&shown, "not an RSA private key in PEM (PKCS#8 or PKCS#1)"))?;
        let plain = |s: &str| {
            !s.is_empty()
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
        };
        if !plain(selector) || !plain(domain) {
            return Err(Error::new(
                "[proof]",
                format!("dkim-selector {selector:?} and dkim-domain {domain:?} must be DNS names"),
            ));
        }
        Ok(Signer {
            key: SigningKey::<Sha256>::new(key),
            selector: selector.to_owned(),
            domain: domain.to_owned(),
        })
    }

    /// `message` (CRLF line breaks) with a DKIM-Signature first, made at `time`.
    pub fn sign(&self, message: &[u8], time: u64) -> Vec<u8> {
        let split = find(message, b"\r\n\r\n").map_or(message.len(), |i| i + 2);
        let (head, body) = message.split_at(split);
        let fields: Vec<&[u8]> = fields(head)
            .into_iter()
            .filter(|f| name_of(f) != "dkim-signature")
            .collect();
        let body = body.strip_prefix(b"\r\n").unwrap_or(body);
        let body_hash = base64(&Sha256::digest(relaxed_body(body)));

        let mut names = Vec::new();
        let mut signed = Vec::new();
        for wanted in SIGNED {
            for field in fields.iter().rev().filter(|f| name_of(f) == *wanted) {
                names.push(*wanted);
                signed.extend(relaxed_header(field));
            }
        }
        let unsigned = format!(
            "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d={}; s={};\r\n\tt={time}; h={};\r\n\tbh={body_hash};\r\n\tb=",
            self.domain,
            self.selector,
            names.join(":")
        );
        let mut data = signed;
        let mut own = relaxed_header(unsigned.as_bytes());
        own.truncate(own.len() - 2);
        data.extend(own);
        let signature = base64(&self.key.sign(&data).to_vec());
        let folded: Vec<&str> = signature
            .as_bytes()
            .chunks(72)
            .map(|c| std::str::from_utf8(c).unwrap_or_default())
            .collect();
        let mut out = format!("{unsigned}{}\r\n", folded.join("\r\n\t")).into_bytes();
        for field in fields {
            out.extend_from_slice(field);
        }
        out.extend_from_slice(b"\r\n");
        out.extend_from_slice(body);
        out
    }
}

fn base64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The header fields of a header block, each with its continuation lines and final CRLF.
fn fields(head: &[u8]) -> Vec<&[u8]> {
    let mut out: Vec<&[u8]> = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < head.len() {
        let end = find(&head[i..], b"\r\n").map_or(head.len(), |n| i + n + 2);
        let continues = matches!(head.get(end), Some(b' ' | b'\t'));
        if !continues {
            if end > start {
                out.push(&head[start..end]);
            }
            start = end;
        }
        i = end;
    }
    out
}

fn name_of(field: &[u8]) -> String {
    let colon = field.iter().position(|&b| b == b':').unwrap_or(0);
    String::from_utf8_lossy(&field[..colon])
        .trim()
        .to_ascii_lowercase()
}

/// Runs of spaces and tabs as one space.
fn squeeze(line: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(line.len());
    for &b in line {
        let space = matches!(b, b' ' | b'\t');
        if space {
            if out.last() != Some(&b' ') {
                out.push(b' ');
            }
        } else {
            out.push(b);
        }
    }
    out
}

/// RFC 6376 3.4.2: `name:value` lowercased name, unfolded, whitespace squeezed and trimmed.
fn relaxed_header(field: &[u8]) -> Vec<u8> {
    let colon = field.iter().position(|&b| b == b':').unwrap_or(0);
    let name = String::from_utf8_lossy(&field[..colon])
        .trim()
        .to_ascii_lowercase();
    let value: Vec<u8> = field[colon + 1..]
        .iter()
        .copied()
        .filter(|&b| b != b'\r' && b != b'\n')
        .collect();
    let value = squeeze(&value);
    let value = value.trim_ascii();
    let mut out = name.into_bytes();
    out.push(b':');
    out.extend_from_slice(value);
    out.extend_from_slice(b"\r\n");
    out
}

/// RFC 6376 3.4.4: trailing whitespace off each line, runs squeezed, trailing empty lines
/// removed, CRLF at the end of a body that is not empty.
fn relaxed_body(body: &[u8]) -> Vec<u8> {
    let mut lines: Vec<Vec<u8>> = body
        .split(|&b| b == b'\n')
        .map(|l| {
            let l = l.strip_suffix(b"\r").unwrap_or(l);
            let mut l = squeeze(l);
            while l.last() == Some(&b' ') {
                l.pop();
            }
            l
        })
        .collect();
    while lines.last().is_some_and(Vec::is_empty) {
        lines.pop();
    }
    let mut out = Vec::with_capacity(body.len());
    for line in lines {
        out.extend(line);
        out.extend_from_slice(b"\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relaxed_canonicalization() {
        assert_eq!(
            relaxed_header(b"Subject :  Hello \r\n\t world  \r\n"),
            b"subject:Hello world\r\n"
        );
        assert_eq!(
            relaxed_body(b" a  b \r\n\r\nc\t\r\n\r\n\r\n"),
            b" a b\r\n\r\nc\r\n"
        );
        assert_eq!(relaxed_body(b"\r\n\r\n"), b"");
    }

    #[test]
    fn fields_keep_their_continuations() {
        let head = b"A: 1\r\nB: 2\r\n 3\r\nC: 4\r\n";
        assert_eq!(
            fields(head),
            [&b"A: 1\r\n"[..], &b"B: 2\r\n 3\r\n"[..], &b"C: 4\r\n"[..]]
        );
    }
}
