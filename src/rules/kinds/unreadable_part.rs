//! `unreadable-part`: a body part whose text campaign-lint could not read as written: its
//! bytes are not valid in the declared charset (or none is declared and they are not
//! UTF-8), the charset is unknown, or its HTML stopped being read part way (nested past
//! `[limits] max-html-depth`, or untokenizable). Such text is mojibake for recipients too,
//! and every other check of that part is blind to it. Also a message with no body part
//! read at all, which every check of the body would otherwise pass.
//!
//! Shipped rules of this kind: `unreadable-part`.

use super::{NoParams, RuleKind, part_name};
use crate::diagnostic::Span;
use crate::facts::Facts;
use crate::rules::{CampaignCheck, Context, Diag};

fn decode_label(garbled: bool) -> &'static str {
    if garbled {
        "the first character that could not be decoded"
    } else {
        "this charset"
    }
}

pub struct UnreadablePart;

impl RuleKind for UnreadablePart {
    type Params = NoParams;

    fn new(_params: NoParams) -> Self {
        Self
    }
}

impl CampaignCheck for UnreadablePart {
    fn campaign(&self, cx: &mut Context, facts: &Facts) {
        // A message with no part to read: every check of the body would pass unseen.
        if let Some((why, span)) = &facts.unread_body {
            cx.report(
                Diag::new()
                    .arg("part", "the message body".to_owned())
                    .arg("problem", why.clone())
                    .label(*span, "no text/plain or text/html part read under this")
                    .help(Some(
                        "give the message a text/html or text/plain part that is not an attachment, inside boundaries that match its Content-Type".to_owned(),
                    )),
            );
        }
        for part in &facts.parts {
            let name = part_name(facts.format, part.kind);
            if let Some(problem) = &part.decode_problem {
                cx.report(
                    Diag::new()
                        .arg("part", name)
                        .arg("problem", problem.message.clone())
                        .label(problem.span, decode_label(problem.garbled)),
                );
            }
            if let Some((why, at)) = &part.incomplete {
                cx.report(
                    Diag::new()
                        .arg("part", name)
                        .arg("problem", why.clone())
                        .label(Span::new(part.source, *at..*at), "reading stopped here")
                        .help(Some(
                            "simplify the markup (fewer nested elements), or raise the limit in campaign-lint.toml".to_owned(),
                        )),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::campaign::Format;
    use crate::diagnostic::Finding;
    use crate::rules::kinds::testing::run;

    fn check(raw: &[u8]) -> Vec<Finding> {
        run(
            "unreadable-part",
            &String::from_utf8_lossy(raw),
            Format::Eml,
            None,
            None,
        )
    }

    fn eml(charset: &str) -> String {
        format!(
            "From: Shop <news@example.com>\r\nSubject: News\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset={charset}\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nGr=FC=DFe aus Hamburg\r\n"
        )
    }

    #[test]
    fn latin1_bytes_declared_as_utf8() {
        let found = check(eml("utf-8").as_bytes());
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(
            found[0].message,
            "text/plain part could not be read as written: declared as utf-8, but 2 byte sequences are not valid utf-8"
        );
    }

    #[test]
    fn unknown_charset() {
        let found = check(eml("x-nordlicht").as_bytes());
        assert_eq!(found.len(), 1);
        assert!(
            found[0]
                .message
                .contains("unknown charset \"x-nordlicht\", read as UTF-8: 2 byte sequences"),
            "{}",
            found[0].message
        );
    }

    #[test]
    fn correctly_declared_charsets_pass() {
        assert!(check(eml("iso-8859-1").as_bytes()).is_empty());
        assert!(check(eml("windows-1252").as_bytes()).is_empty());
        let utf8 = "From: a@example.com\r\nSubject: s\r\nContent-Type: text/plain; charset=x-unknown\r\n\r\nHello\r\n";
        assert!(
            check(utf8.as_bytes()).is_empty(),
            "ASCII text reads the same in any charset"
        );
    }

    /// A multipart message with `content_type` and `body`.
    fn multipart(content_type: &str, body: &str) -> String {
        format!(
            "From: Shop <news@example.com>\r\nSubject: News\r\nMIME-Version: 1.0\r\nContent-Type: {content_type}\r\n\r\n{body}"
        )
    }

    #[test]
    fn a_message_with_no_body_part_read() {
        let part = "Content-Type: text/html\r\n\r\n<p>Hello</p>\r\n";
        for (content_type, body, reason) in [
            (
                "multipart/alternative; boundary=\"XYZ\"",
                format!("--ABC\r\n{part}--ABC--\r\n"),
                "the multipart boundary \"XYZ\" never appears in the body",
            ),
            (
                "multipart/alternative; boundary=\"\"",
                format!("--\r\n{part}----\r\n"),
                "the multipart message has no boundary (boundary=\"\")",
            ),
            (
                "multipart/mixed; boundary=\"B\"",
                format!(
                    "--B\r\nContent-Disposition: attachment; filename=\"offer.html\"\r\n{part}--B--\r\n"
                ),
                "the only text part is an attachment (offer.html)",
            ),
        ] {
            let found = check(multipart(content_type, &body).as_bytes());
            assert_eq!(found.len(), 1, "{content_type}: {found:?}");
            assert_eq!(
                found[0].message,
                format!("the message body could not be read as written: {reason}")
            );
        }
        // With the boundary that the body uses, the part is read.
        let body = format!("--ABC\r\n{part}--ABC--\r\n");
        let fine = multipart("multipart/alternative; boundary=\"ABC\"", &body);
        assert!(check(fine.as_bytes()).is_empty());
    }

    #[test]
    fn html_nested_too_deep() {
        let html = format!("{}deep{}", "<div>".repeat(1500), "</div>".repeat(1500));
        let found = run("unreadable-part", &html, Format::Html, None, None);
        assert_eq!(found.len(), 1);
        assert!(
            found[0].message.starts_with(
                "HTML template could not be read as written: elements nested more than 1000 deep"
            ),
            "{}",
            found[0].message
        );
        let at = found[0].labels[0].span.offset;
        assert_eq!(at, 1000 * "<div>".len());
    }
}
