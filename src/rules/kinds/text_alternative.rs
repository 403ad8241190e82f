//! `text-alternative`: an `.eml` message with an HTML body but no text/plain alternative.
//! Spam filters score HTML-only bulk mail higher, and text-only clients, screen readers
//! and watches have nothing to show. Bare templates are skipped: the ESP builds the
//! message (and usually the text part) at send time.
//!
//! Shipped rules of this kind: `missing-text-alternative`.

use super::{NoParams, RuleKind};
use crate::campaign::{Format, PartKind};
use crate::diagnostic::Span;
use crate::facts::Facts;
use crate::rules::{CampaignCheck, Context, Diag};

fn header_label(value: &str) -> String {
    let media = value.split(';').next().unwrap_or(value).trim();
    if media.eq_ignore_ascii_case("text/html") {
        "a text/html body with no multipart/alternative around it".to_owned()
    } else {
        format!("{media} with no text/plain part")
    }
}

pub struct TextAlternative;

impl RuleKind for TextAlternative {
    type Params = NoParams;

    fn new(_params: NoParams) -> Self {
        Self
    }
}

impl CampaignCheck for TextAlternative {
    fn campaign(&self, cx: &mut Context, facts: &Facts) {
        if facts.format != Format::Eml || facts.parts.iter().any(|p| p.kind == PartKind::Plain) {
            return;
        }
        let Some(html) = facts.parts.iter().find(|p| p.kind == PartKind::Html) else {
            return;
        };
        let diag = if let Some(h) = facts.header("content-type") {
            Diag::new().label(Span::new(0, h.value_range.clone()), header_label(&h.value))
        } else {
            let at = html.body.start;
            Diag::new().label(Span::new(html.source, at..at), "the HTML part starts here")
        };
        cx.report(diag);
    }
}

#[cfg(test)]
mod tests {
    use crate::campaign::Format;
    use crate::diagnostic::Finding;
    use crate::rules::kinds::testing::{eml, run};

    fn check(raw: &str) -> Vec<Finding> {
        run("missing-text-alternative", raw, Format::Eml, None, None)
    }

    #[test]
    fn html_only_messages() {
        let found = check(&eml("", "<p>Sale</p>"));
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].message,
            "no text/plain alternative to the HTML part"
        );
        assert_eq!(
            found[0].labels[0].text.as_deref(),
            Some("a text/html body with no multipart/alternative around it")
        );
        let related = "From: a@example.com\r\nSubject: s\r\nMIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=r\r\n\r\n--r\r\nContent-Type: text/html\r\n\r\n<p>Hi</p><img src=\"cid:logo\">\r\n--r\r\nContent-Type: image/png\r\nContent-ID: <logo>\r\nContent-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=\r\n--r--\r\n";
        let found = check(related);
        assert_eq!(
            found[0].labels[0].text.as_deref(),
            Some("multipart/related with no text/plain part")
        );
    }

    #[test]
    fn alternatives_and_templates_pass() {
        let raw = "From: a@example.com\r\nSubject: s\r\nMIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nSale now.\r\n--b\r\nContent-Type: text/html\r\n\r\n<p>Sale</p>\r\n--b--\r\n";
        assert!(check(raw).is_empty());
        let plain =
            "From: a@example.com\r\nSubject: s\r\nContent-Type: text/plain\r\n\r\nHello\r\n";
        assert!(check(plain).is_empty());
        assert!(
            run(
                "missing-text-alternative",
                "<p>Sale</p>",
                Format::Html,
                None,
                None
            )
            .is_empty()
        );
    }
}
