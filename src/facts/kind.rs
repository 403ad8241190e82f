//! What kind of mail a campaign is: marketing (the default) or transactional (receipts,
//! invoices, password resets, shipping notices), and the hints that an undeclared
//! campaign reads like transactional mail.
//!
//! The kind is declared, never guessed: `[campaigns] transactional` globs in the config
//! say which files are transactional (see `check`), and rules say which kinds they apply
//! to (`applies-to` in a rule file). A guess that turned an opt-out error off would hide a
//! real problem whenever a newsletter says "your order"; a hint only adds help to the
//! findings of marketing-only rules, telling the author how to declare the file.

use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, MatchKind};
use serde::Deserialize;

use super::{Origin, TextUnit};
use crate::campaign::HeaderField;

/// The kinds of campaign a rule can apply to.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CampaignKind {
    /// Promotional mail and newsletters: opt-out, postal address and list headers apply.
    #[default]
    Marketing,
    /// Mail a person's own action triggers (receipt, invoice, password reset, shipping
    /// notice): no opt-out or marketing footer is required.
    Transactional,
}

impl CampaignKind {
    pub fn name(self) -> &'static str {
        match self {
            CampaignKind::Marketing => "marketing",
            CampaignKind::Transactional => "transactional",
        }
    }
}

/// Why an undeclared campaign looks transactional: what was found and where.
#[derive(Debug, Clone, PartialEq)]
pub struct TransactionalHint {
    /// What it reads like, for a message: `"Your receipt" in the subject`.
    pub what: String,
}

/// Words and phrases of transactional mail in the subject or the first lines, in the
/// languages the opt-out rules read. Matched as whole words, ASCII case ignored.
const PHRASES: &[&str] = &[
    // English
    "receipt",
    "your receipt",
    "invoice",
    "password reset",
    "reset your password",
    "reset password",
    "forgot your password",
    "order confirmation",
    "order confirmed",
    "your order has shipped",
    "has shipped",
    "shipping confirmation",
    "delivery notification",
    "verify your email",
    "verify your email address",
    "confirm your email",
    "confirm your email address",
    "confirm your account",
    "activate your account",
    "account activation",
    "payment received",
    "payment failed",
    "payment confirmation",
    "verification code",
    "security alert",
    "sign-in link",
    "login link",
    "magic link",
    // German
    "Rechnung",
    "Quittung",
    "Zahlungsbestätigung",
    "Bestellbestätigung",
    "Versandbestätigung",
    "Passwort zurücksetzen",
    "Passwort vergessen",
    "Konto aktivieren",
    // French
    "facture",
    "reçu",
    "confirmation de commande",
    "réinitialiser votre mot de passe",
    "réinitialisation du mot de passe",
    "mot de passe oublié",
    // Spanish
    "factura",
    "recibo",
    "confirmación de pedido",
    "restablecer tu contraseña",
    "restablecer la contraseña",
    // Italian
    "fattura",
    "ricevuta",
    "conferma d'ordine",
    "conferma dell'ordine",
    "reimposta la password",
    // Dutch
    "factuur",
    "orderbevestiging",
    "wachtwoord opnieuw instellen",
    "wachtwoord resetten",
    // Polish
    "faktura",
    "potwierdzenie zamówienia",
    "zresetuj hasło",
    "resetowanie hasła",
    // Portuguese
    "fatura",
    "confirmação de pedido",
    "redefinir sua senha",
    "redefinição de senha",
    // Japanese (no word boundaries)
    "領収書",
    "請求書",
    "注文確認",
    "ご注文の確認",
    "パスワードの再設定",
    "パスワードリセット",
    "発送のお知らせ",
];

static MATCHER: LazyLock<Option<AhoCorasick>> = LazyLock::new(|| {
    AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::LeftmostLongest)
        .build(PHRASES)
        .ok()
});

/// How many read units of the body (after the subject) a hint is looked for in: the
/// preheader and the heading, where a receipt says what it is.
const LEADING_UNITS: usize = 4;

/// The first hint that the campaign is transactional mail: an ESP header that marks the
/// transactional stream, or a transactional phrase in the subject or the first lines.
pub fn transactional_hint(
    units: &[TextUnit],
    headers: &[HeaderField],
) -> Option<TransactionalHint> {
    if let Some(hint) = header_hint(headers) {
        return Some(hint);
    }
    let subject = units.iter().filter(|u| u.origin == Origin::Subject);
    let leading = units
        .iter()
        .filter(|u| matches!(u.origin, Origin::Preheader | Origin::Body))
        .take(LEADING_UNITS);
    for unit in subject.chain(leading) {
        if let Some(range) = find_phrase(&unit.text) {
            let place = if unit.origin == Origin::Subject {
                "in the subject"
            } else {
                "in the first lines"
            };
            return Some(TransactionalHint {
                what: format!("{:?} {place}", &unit.text[range]),
            });
        }
    }
    None
}

/// ESP headers that put a message on a transactional stream.
fn header_hint(headers: &[HeaderField]) -> Option<TransactionalHint> {
    headers.iter().find_map(|h| {
        let value = h.value.trim();
        let marked = (h.name.eq_ignore_ascii_case("X-PM-Message-Stream")
            && value.eq_ignore_ascii_case("outbound"))
            || (h.name.eq_ignore_ascii_case("X-MSYS-API")
                && value.replace(' ', "").contains("\"transactional\":true"))
            || (h.name.eq_ignore_ascii_case("Auto-Submitted")
                && value.eq_ignore_ascii_case("auto-generated"));
        marked.then(|| TransactionalHint {
            what: format!("the header {}: {}", h.name, value),
        })
    })
}

/// The first transactional phrase of `text` that stands as whole words.
fn find_phrase(text: &str) -> Option<std::ops::Range<usize>> {
    let matcher = MATCHER.as_ref()?;
    matcher.find_iter(text).map(|m| m.range()).find(|r| {
        let before = text[..r.start].chars().next_back();
        let after = text[r.end..].chars().next();
        // Japanese has no spaces between words: its phrases stand anywhere.
        text[r.clone()].chars().any(is_cjk)
            || (!before.is_some_and(char::is_alphanumeric)
                && !after.is_some_and(char::is_alphanumeric))
    })
}

fn is_cjk(c: char) -> bool {
    matches!(c, '\u{3040}'..='\u{30ff}' | '\u{3400}'..='\u{4dbf}' | '\u{4e00}'..='\u{9fff}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_phrases_as_whole_words() {
        assert!(find_phrase("Your receipt from Acme").is_some());
        assert!(find_phrase("Ihre Rechnung Nr. 4711").is_some());
        assert!(find_phrase("Réinitialiser votre mot de passe").is_some());
        assert!(find_phrase("ご注文の確認").is_some());
        assert!(find_phrase("Zresetuj hasło").is_some());
        // Inside another word, or words of a newsletter.
        assert!(find_phrase("receipts of the year").is_none());
        assert!(find_phrase("Spring sale: 20% off everything").is_none());
        assert!(find_phrase("Rechnungsadresse").is_none());
    }

    #[test]
    fn marks_transactional_streams() {
        let h = |name: &str, value: &str| HeaderField {
            name: name.to_owned(),
            value: value.to_owned(),
            field: 0..10,
            value_range: 0..10,
            mailboxes: Vec::new(),
        };
        assert!(header_hint(&[h("X-PM-Message-Stream", "outbound")]).is_some());
        assert!(header_hint(&[h("X-PM-Message-Stream", "broadcast")]).is_none());
        assert!(
            header_hint(&[h("X-MSYS-API", r#"{"options": {"transactional": true}}"#)]).is_some()
        );
        assert!(header_hint(&[h("Precedence", "bulk")]).is_none());
    }
}
