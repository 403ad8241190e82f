//! `no-reply-path`: a reader's reply goes nowhere a person reads, and the campaign offers
//! no other way to reach one. Shipped rule: `no-reply-path`.
//!
//! From the product's stories: a customer's complaint went unanswered because the
//! campaign came from `crm@` with no reply path. Replies go nowhere when the reply address
//! (the Reply-To, else the From) is a role or machine mailbox (`noreply@`, `crm@`,
//! `bounce@`, `keine-antwort@`, ...), or when the text says replies are not read ("Please
//! do not reply to this email"). Either is fine when the campaign offers another path: a
//! Reply-To a person reads, a contact or support link, a `mailto:` or `tel:` link, a
//! support address or phone number in the text. Judging this needs care, so the rule is a
//! warning.
//!
//! Shipped rules of this kind: `no-reply-path`.

use std::ops::Range;
use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, MatchKind};

use super::sender_identity::value_span;
use super::{NoParams, RuleKind};
use crate::campaign::{Format, HeaderField};
use crate::diagnostic::Span;
use crate::facts::Facts;
use crate::rules::{CampaignCheck, Context, Diag};

const HELP: &str = "give readers a way to reach a person: a Reply-To that someone reads \
    (support@…), or a contact link or support address in the footer; a complaint that \
    cannot be sent goes to the spam button instead";

/// Local parts (lower case, without `-`, `_`, `.` and a `+tag`) of mailboxes that nobody
/// reads, in the languages the opt-out rules read.
const MACHINE_MAILBOXES: &[&str] = &[
    "noreply",
    "noreplies",
    "donotreply",
    "dontreply",
    "donotrespond",
    "noresponse",
    "crm",
    "mailer",
    "mailerdaemon",
    "bounce",
    "bounces",
    "newsletter",
    "newsletters",
    "keineantwort",
    "nichtantworten",
    "nepasrepondre",
    "nepasrépondre",
    "noresponder",
    "nonrispondere",
    "nietbeantwoorden",
    "nieodpowiadac",
    "naoresponda",
    "unsubscribe",
];

/// Whether the address's mailbox is one nobody reads.
fn is_machine(address: &str) -> bool {
    let local = address.split('@').next().unwrap_or_default();
    let local = local.split('+').next().unwrap_or_default();
    let squashed: String = local
        .chars()
        .filter(|c| !matches!(c, '-' | '_' | '.'))
        .flat_map(char::to_lowercase)
        .collect();
    MACHINE_MAILBOXES.contains(&squashed.as_str())
        || squashed.starts_with("noreply")
        || squashed.starts_with("donotreply")
}

/// Sentences that say replies are not read. Matched ignoring ASCII case.
const DO_NOT_REPLY: &[&str] = &[
    "do not reply",
    "don't reply",
    "don’t reply",
    "not monitored",
    "unmonitored",
    "cannot receive replies",
    "can't receive replies",
    "not able to respond to replies",
    "antworten Sie nicht",
    "antworte nicht",
    "nicht auf diese E-Mail",
    "nicht auf diese Mail",
    "nicht auf diese Nachricht",
    "nicht beantwortet werden",
    "ne pas répondre",
    "ne répondez pas",
    "ne pas y répondre",
    "no responda",
    "no respondas",
    "no conteste",
    "non rispondere",
    "non risponda",
    "niet beantwoorden",
    "reageer niet",
    "niet antwoorden",
    "nie odpowiadaj",
    "nie odpowiadać",
    "não responda",
    "返信しないでください",
    "送信専用",
    "返信できません",
];

/// Words of a link (text, href, title) that lead to a person.
const CONTACT: &[&str] = &[
    "contact",
    "kontakt",
    "support",
    "help",
    "hilfe",
    "service",
    "aide",
    "assistance",
    "ayuda",
    "contacto",
    "contatti",
    "contattaci",
    "assistenza",
    "aiuto",
    "klantenservice",
    "pomoc",
    "suporte",
    "お問い合わせ",
    "問い合わせ",
];

static DO_NOT_REPLY_MATCHER: LazyLock<Option<AhoCorasick>> = LazyLock::new(|| {
    AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::LeftmostLongest)
        .build(DO_NOT_REPLY)
        .ok()
});

static CONTACT_MATCHER: LazyLock<Option<AhoCorasick>> = LazyLock::new(|| {
    AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .build(CONTACT)
        .ok()
});

pub struct NoReplyPath;

impl RuleKind for NoReplyPath {
    type Params = NoParams;

    fn new(_params: NoParams) -> Self {
        Self
    }
}

/// The header replies go to (Reply-To, else From) and the machine mailbox in it.
fn machine_reply_address(facts: &Facts) -> Option<(&HeaderField, &str)> {
    if facts.format != Format::Eml {
        return None;
    }
    let replies = facts.header("Reply-To").or_else(|| facts.header("From"))?;
    let address = replies
        .mailboxes
        .iter()
        .filter_map(|m| m.address.as_deref())
        .find(|a| is_machine(a))?;
    Some((replies, address))
}

/// The first sentence of read text that says replies are not read.
fn do_not_reply_sentence(facts: &Facts) -> Option<Span> {
    let matcher = DO_NOT_REPLY_MATCHER.as_ref()?;
    facts.read_units().find_map(|unit| {
        let m = matcher.find(&unit.text)?;
        Some(unit.span(sentence(&unit.text, m.range())))
    })
}

/// The sentence around `at`: from after the last `.`, `!`, `?` or line break before it to
/// the next one (inclusive).
fn sentence(text: &str, at: Range<usize>) -> Range<usize> {
    let stop = |c: char| matches!(c, '.' | '!' | '?' | '\n' | '。');
    let start = text[..at.start]
        .char_indices()
        .rev()
        .find(|&(_, c)| stop(c))
        .map_or(0, |(i, c)| i + c.len_utf8());
    let end = text[at.end..]
        .char_indices()
        .find(|&(_, c)| stop(c))
        .map_or(text.len(), |(i, c)| at.end + i + c.len_utf8());
    let lead = text[start..end].len() - text[start..end].trim_start().len();
    start + lead..end
}

/// Whether the campaign offers a way to reach a person besides replying.
fn has_contact_path(facts: &Facts) -> bool {
    let reply_to_person = facts.header("Reply-To").is_some_and(|h| {
        h.mailboxes
            .iter()
            .filter_map(|m| m.address.as_deref())
            .any(|a| !is_machine(a))
    });
    if reply_to_person {
        return true;
    }
    let contact_words = |text: &str| CONTACT_MATCHER.as_ref().is_some_and(|m| m.is_match(text));
    let opt_out = |part: usize, link: usize| {
        facts
            .unsubscribe_links
            .iter()
            .any(|u| u.part == part && u.link == link)
    };
    for (p, part) in facts.parts.iter().enumerate() {
        for (l, link) in part.links.iter().enumerate() {
            if opt_out(p, l) {
                continue;
            }
            let href = link.href.as_deref().unwrap_or("").trim();
            let lower = href.to_ascii_lowercase();
            if lower.starts_with("tel:") {
                return true;
            }
            if let Some(address) = lower.strip_prefix("mailto:") {
                let address = address.split('?').next().unwrap_or("");
                if !address.is_empty() && !is_machine(address) {
                    return true;
                }
                continue;
            }
            if contact_words(&link.text)
                || contact_words(&lower)
                || link.title.as_deref().is_some_and(contact_words)
            {
                return true;
            }
        }
    }
    facts.read_units().any(|u| text_offers_contact(&u.text))
}

/// An address someone reads, or a phone number, written in the text.
fn text_offers_contact(text: &str) -> bool {
    let address = text
        .split(|c: char| c.is_whitespace() || "<>()[],;:\"'".contains(c))
        .any(|w| {
            let w = w.trim_end_matches('.');
            w.split_once('@').is_some_and(|(local, domain)| {
                !local.is_empty() && domain.contains('.') && !is_machine(w)
            })
        });
    address || has_phone_number(text)
}

/// "Tel. +49 40 123456", "Phone: (555) 010-0199", "Telefon 040 …".
fn has_phone_number(text: &str) -> bool {
    let lower = text.to_lowercase();
    [
        "tel",
        "phone",
        "telefon",
        "téléphone",
        "teléfono",
        "telefono",
        "telefoon",
        "call us",
    ]
    .iter()
    .any(|word| {
        lower.match_indices(word).any(|(at, w)| {
            let before = lower[..at].chars().next_back();
            let rest = &lower[at + w.len()..];
            let rest = rest.trim_start_matches(|c: char| c.is_alphabetic() || " .:-".contains(c));
            !before.is_some_and(char::is_alphanumeric)
                && rest.chars().take(20).filter(char::is_ascii_digit).count() >= 6
        })
    })
}

impl CampaignCheck for NoReplyPath {
    fn campaign(&self, cx: &mut Context, facts: &Facts) {
        let address = machine_reply_address(facts);
        let sentence = do_not_reply_sentence(facts);
        if address.is_none() && sentence.is_none() || has_contact_path(facts) {
            return;
        }
        let mut diag = match address {
            Some((header, address)) => {
                let range = header
                    .value
                    .find(address)
                    .map_or(0..header.value.len(), |at| at..at + address.len());
                Diag::new().arg("address", address).label(
                    value_span(header, range),
                    "nobody reads replies to this mailbox",
                )
            }
            None => Diag::with_message(
                "the campaign says replies are not read and offers no other way to reach a person",
            ),
        };
        if let Some(span) = sentence {
            diag = diag.label(span, "replies are not read");
        }
        cx.report(diag.help(Some(HELP.to_owned())));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::campaign::Format;
    use crate::rules::kinds::testing::run;

    fn check(headers: &str, html: &str) -> Vec<crate::diagnostic::Finding> {
        let raw = format!(
            "{headers}Subject: Offers\r\nMIME-Version: 1.0\r\nContent-Type: text/html\r\n\r\n{html}\r\n"
        );
        run("no-reply-path", &raw, Format::Eml, None, None)
    }

    const FOOTER: &str = "<p>Nordlicht GmbH, Musterstr. 12, 20095 Hamburg</p><p><a href=\"https://n.example/u\">Unsubscribe</a></p>";

    #[test]
    fn machine_mailboxes_and_do_not_reply_text_without_another_path() {
        let found = check(
            "From: Nordlicht CRM <crm@crm.nordlicht.example>\r\n",
            FOOTER,
        );
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].message,
            "replies go to crm@crm.nordlicht.example, which nobody reads, and the campaign offers no other way to reach a person"
        );
        let html = format!("<p>Please do not reply to this email.</p>{FOOTER}");
        let found = check("From: Nordlicht <deals@nordlicht.example>\r\n", &html);
        assert_eq!(found.len(), 1, "{found:#?}");
        assert_eq!(
            found[0].labels[0].text.as_deref(),
            Some("replies are not read")
        );
        let html = format!("<p>Bitte antworten Sie nicht auf diese E-Mail.</p>{FOOTER}");
        assert_eq!(
            check("From: N <keine-antwort@n.example>\r\n", &html).len(),
            1
        );
        assert_eq!(check("From: N <no_reply+x@n.example>\r\n", FOOTER).len(), 1);
    }

    #[test]
    fn another_path_is_enough() {
        let from = "From: Nordlicht CRM <crm@crm.nordlicht.example>\r\n";
        for (headers, html) in [
            (
                format!("{from}Reply-To: Nordlicht Service <service@nordlicht.example>\r\n"),
                FOOTER.to_owned(),
            ),
            (
                from.to_owned(),
                format!(
                    "<p>Questions? <a href=\"https://n.example/kontakt\">Kontakt</a></p>{FOOTER}"
                ),
            ),
            (
                from.to_owned(),
                format!(
                    "<p>Write to <a href=\"mailto:anna@nordlicht.example\">Anna</a></p>{FOOTER}"
                ),
            ),
            (
                from.to_owned(),
                format!("<p>Questions? service@nordlicht.example</p>{FOOTER}"),
            ),
            (
                from.to_owned(),
                format!("<p>Hotline: Tel. +49 40 123 456 78</p>{FOOTER}"),
            ),
        ] {
            assert!(check(&headers, &html).is_empty(), "{headers}{html}");
        }
        // A person's From, and no do-not-reply text: nothing to say.
        assert!(check("From: Anna <anna@nordlicht.example>\r\n", FOOTER).is_empty());
        // "Reply to this email: a person reads it" is the opposite of a no-reply.
        let html = format!("<p>Reply to this email, every message is read.</p>{FOOTER}");
        assert!(check("From: Anna <news@nordlicht.example>\r\n", &html).is_empty());
    }

    #[test]
    fn the_unsubscribe_mailto_is_not_a_contact_path() {
        let html = "<p>Sale.</p><p><a href=\"mailto:unsubscribe@n.example?subject=stop\">Unsubscribe</a></p>";
        assert_eq!(check("From: N <noreply@n.example>\r\n", html).len(), 1);
        assert!(is_machine("Do-Not-Reply@n.example"));
        assert!(!is_machine("anna.schmidt@n.example"));
        assert!(has_phone_number("Telefon: 040 / 123 456"));
        assert!(!has_phone_number("Hotel deals from 99 EUR"));
    }
}
