//! `unsubscribe-link`: a body part has no unsubscribe link. What counts as one is decided
//! once per campaign (`facts::optout`): link text, attributes, URL, ESP merge tags, or a
//! "here" link in a sentence about unsubscribing, in many languages.
//!
//! A text/plain part that words an opt-out without a URL ("To unsubscribe, reply STOP")
//! may well offer a working one (a reply reaches the sender): that is reported as info,
//! not as the missing link.
//!
//! Shipped rules of this kind: `missing-unsubscribe-link`.

use super::{FooterParams, RuleKind, footer_parts, missing_in_part, part_name};
use crate::campaign::PartKind;
use crate::diagnostic::{Severity, Span};
use crate::facts::{Facts, PartFacts, optout};
use crate::rules::{CampaignCheck, Context, Diag};

const WORDING_HELP: &str = "if a reply is how readers opt out, this is fine; otherwise put the unsubscribe URL next to the wording, e.g. Unsubscribe: *|UNSUB|*";

pub struct UnsubscribeLink {
    params: FooterParams,
}

impl RuleKind for UnsubscribeLink {
    type Params = FooterParams;

    fn new(params: FooterParams) -> Self {
        Self { params }
    }
}

impl CampaignCheck for UnsubscribeLink {
    fn campaign(&self, cx: &mut Context, facts: &Facts) {
        for (index, part) in footer_parts(facts, &self.params) {
            if facts.unsubscribe_links.iter().any(|l| l.part == index)
                || has_footer_tag(facts, part)
            {
                continue;
            }
            if part.kind == PartKind::Plain
                && let Some(wording) = opt_out_wording(facts, part)
            {
                let name = part_name(facts.format, part.kind);
                cx.report(
                    Diag::with_message(format!(
                        "no unsubscribe link in the {name}, only opt-out wording"
                    ))
                    .severity(Severity::Info)
                    .label(wording, "an opt-out in words, without a URL")
                    .help(Some(WORDING_HELP.to_owned())),
                );
                continue;
            }
            cx.report(missing_in_part(
                facts,
                part,
                "expected an unsubscribe link by here",
            ));
        }
    }
}

/// Whether the part's read text holds an ESP tag that becomes the opt-out when sent.
fn has_footer_tag(facts: &Facts, part: &PartFacts) -> bool {
    facts.units.get(part.units.clone()).is_some_and(|units| {
        units
            .iter()
            .any(|u| u.is_read() && optout::footer_tag(&u.text).is_some())
    })
}

/// The last sentence of the part's read text that words an opt-out, from the line where
/// its opt-out words start: plain-text paragraphs run lines without a full stop together
/// ("… 44791 Bochum\nTo unsubscribe, reply STOP").
fn opt_out_wording(facts: &Facts, part: &PartFacts) -> Option<Span> {
    let (unit, sentence, phrase) = facts
        .units
        .get(part.units.clone())?
        .iter()
        .rev()
        .filter(|u| u.is_read())
        .find_map(|u| optout::wording(&u.text).map(|(s, p)| (u, s, p)))?;
    let whole = unit.span(sentence);
    let at = unit.span(phrase..phrase + 1).offset;
    let line_start = facts
        .sources
        .get(whole.source)
        .and_then(|s| s.text.get(whole.offset..at))
        .and_then(|before| before.rfind('\n'))
        .map_or(whole.offset, |nl| whole.offset + nl + 1);
    let end = whole.offset + whole.len;
    Some(Span::new(whole.source, line_start.min(end)..end))
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
            // ESP tags that become the whole opt-out when sent (Mailjet).
            "<p>Sale</p><p style=\"font-size:11px\">[[DELIVERY_INFO]]</p>",
            "<p>Sale</p><p>Stop these mails: [[UNSUB_LINK_EN]]</p>",
        ] {
            assert!(check(html).is_empty(), "{html}");
        }
    }

    #[test]
    fn footer_tags_count_only_where_a_reader_sees_them() {
        // In an HTML comment the tag is not sent.
        let found = check("<p>Sale</p><!-- [[DELIVERY_INFO]] -->");
        assert_eq!(found.len(), 1);
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

    /// A multipart message whose HTML part has a working opt-out and whose text part is
    /// `text`.
    fn with_text_part(text: &str) -> Vec<crate::diagnostic::Finding> {
        let raw = format!(
            "From: a@example.com\r\nSubject: s\r\nMIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{text}\r\n--b\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>Sale</p><a href=\"https://x.example/unsubscribe\">Unsubscribe</a>\r\n--b--\r\n"
        );
        run("missing-unsubscribe-link", &raw, Format::Eml, None, None)
    }

    #[test]
    fn text_parts_as_mail_tools_write_them() {
        for text in [
            "Hallo Anna,\r\n\r\ndas Frühjahr ist da [1].\r\n\r\nImpressum [2]\r\nNewsletter abbestellen [3]\r\n\r\n[1] https://t.esp.example/c/1\r\n[2] https://t.esp.example/c/2\r\n[3] https://t.esp.example/c/3",
            "Spring is here.\r\n\r\nUnsubscribe:\r\nhttps://t.esp.example/c/3",
            "Bitte melde Dich über den Abmeldelink ab: https://t.esp.example/c/3",
            "Pour gérer vos abonnements, cliquez ici : https://t.esp.example/c/3",
            "Para darte de baja, haz clic aquí: https://t.esp.example/c/3",
            "Per disiscriverti: https://t.esp.example/c/3",
            "Uitschrijven? https://t.esp.example/c/3",
            "Aby wypisać się z newslettera, kliknij: https://t.esp.example/c/3",
            "配信停止はこちら https://t.esp.example/c/3",
        ] {
            assert!(with_text_part(text).is_empty(), "{text}");
        }
    }

    #[test]
    fn wording_without_a_url_is_info() {
        let text = "Spring is here.\r\n\r\nNordlicht GmbH, 44791 Bochum\r\nTo unsubscribe, reply STOP to this email.\r\n";
        let found = with_text_part(text);
        assert_eq!(found.len(), 1);
        // The label starts on the line of the wording, not at the address above it.
        let span = found[0].labels[0].span;
        assert_eq!(span.source, 0);
        let raw = format!(
            "From: a@example.com\r\nSubject: s\r\nMIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{text}"
        );
        assert_eq!(
            &raw[span.offset..span.offset + span.len],
            "To unsubscribe, reply STOP to this email."
        );
        assert_eq!(found[0].severity, crate::diagnostic::Severity::Info);
        assert_eq!(
            found[0].message,
            "no unsubscribe link in the text/plain part, only opt-out wording"
        );
        // No wording at all is still the error.
        let found = with_text_part("Spring is here. Visit https://shop.example/spring");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].severity, crate::diagnostic::Severity::Error);
    }

    #[test]
    fn html_wording_without_a_link_is_the_error() {
        let found = check(
            "<p>Sale</p><p>If you do not wish to receive further emails from us, please unsubscribe.</p>",
        );
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].severity, crate::diagnostic::Severity::Error);
    }

    /// The opt-out and link rules read template components as the links they compile to.
    #[test]
    fn component_links_feed_the_link_rules() {
        let messages = |rule: &str, input: &str| -> Vec<String> {
            run(rule, input, Format::Html, None, None)
                .into_iter()
                .map(|f| f.message)
                .collect()
        };
        let footer = |optout: &str| {
            format!(
                "<container><row><columns><p>Neues von Nordlicht.</p>\
                <menu><item href=\"https://www.nordlicht.de/impressum\">Impressum</item>{optout}</menu>\
                <p>Nordlicht GmbH, Musterstraße 12, 20095 Hamburg</p></columns></row></container>"
            )
        };
        let inky = footer(
            "<item href=\"http://www.nordlicht.de/newsletter/abmelden?u=7f3e\">Newsletter abbestellen</item>",
        );
        assert!(messages("missing-unsubscribe-link", &inky).is_empty());
        assert_eq!(
            messages("insecure-link", &inky),
            ["plain http link in the HTML template"]
        );
        assert_eq!(
            messages("missing-unsubscribe-link", &footer("")).len(),
            1,
            "without the item there is no opt-out"
        );
        let mjml = "<mjml><mj-body><mj-section><mj-column>\
            <mj-text>Nordlicht GmbH, Musterstraße 12, 20095 Hamburg</mj-text>\
            <mj-navbar><mj-navbar-link href=\"https://www.nordlicht.de/abmelden?u=1\" color=\"#ffffff\">Abmelden</mj-navbar-link></mj-navbar>\
            </mj-column></mj-section></mj-body></mjml>";
        assert!(messages("missing-unsubscribe-link", mjml).is_empty());
        assert_eq!(
            messages("hidden-unsubscribe-link", mjml),
            ["unsubscribe link is hidden: 16px text in #ffffff on #ffffff (contrast 1.00:1)"]
        );
    }
}
