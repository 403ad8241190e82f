//! `unsubscribe-link`: a body part has no unsubscribe link. What counts as one is decided
//! once per campaign (`facts::optout`): link text, attributes, URL, ESP merge tags, or a
//! "here" link in a sentence about unsubscribing, in many languages.

use super::{FooterParams, RuleKind, footer_parts, missing_in_part};
use crate::facts::Facts;
use crate::rules::{Check, Context};

pub struct UnsubscribeLink {
    params: FooterParams,
}

impl RuleKind for UnsubscribeLink {
    type Params = FooterParams;

    fn new(params: FooterParams) -> Self {
        Self { params }
    }
}

impl Check for UnsubscribeLink {
    /// About the campaign alone: reads nothing of a profile.
    fn reads(&self, _facts: &crate::facts::Facts, _reads: &mut crate::rules::Reads) {}

    fn campaign(&self, cx: &mut Context, facts: &Facts) {
        for (index, part) in footer_parts(facts, &self.params) {
            if !facts.unsubscribe_links.iter().any(|l| l.part == index) {
                cx.report(missing_in_part(
                    facts,
                    part,
                    "expected an unsubscribe link by here",
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::campaign::Format;
    use crate::rules::kinds::testing::{eml, run};

    fn check(html: &str) -> Vec<crate::diagnostic::Finding> {
        run("missing-unsubscribe-link", html, Format::Html, None, None)
    }

    #[test]
    fn missing_link() {
        let found = check(
            "<p>Big sale!</p><p>Nordlicht GmbH, Musterstr. 12, Hamburg</p><a href=\"https://x.example/view\">View in browser</a>",
        );
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].message, "no unsubscribe link in the HTML template");
    }

    #[test]
    fn links_that_count() {
        for html in [
            "<p>Sale</p><a href=\"https://x.example/u\">Unsubscribe</a>",
            "<p>Sale</p><p>Wenn Sie keine E-Mails mehr erhalten möchten, klicken Sie <a href=\"https://x.example/u/1\">hier</a>.</p>",
            "<p>Sale</p><a href=\"*|UNSUB|*\">Click</a>",
            "<p>Sale</p><a href=\"https://x.example/l/1\" class=\"unsubscribe-link\">Nope</a>",
            "<p>Sale</p><a href=\"https://x.example/l/1\" title=\"Abmelden\">×</a>",
        ] {
            assert!(check(html).is_empty(), "{html}");
        }
    }

    #[test]
    fn text_part_of_a_multipart_message() {
        let raw = "From: a@example.com\r\nSubject: s\r\nMIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nSale now.\r\n--b\r\nContent-Type: text/html\r\n\r\n<p>Sale</p><a href=\"https://x.example/unsubscribe\">Unsubscribe</a>\r\n--b--\r\n";
        let found = run("missing-unsubscribe-link", raw, Format::Eml, None, None);
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].message,
            "no unsubscribe link in the text/plain part"
        );
        let ok = eml(
            "",
            "<p>Sale</p><p>To unsubscribe, <a href=\"{{ unsubscribe }}\">click here</a></p>",
        );
        assert!(run("missing-unsubscribe-link", &ok, Format::Eml, None, None).is_empty());
    }
}
