//! `list-unsubscribe`: the message has no usable RFC 2369 `List-Unsubscribe` header, the
//! header mailbox providers turn into their own unsubscribe button. Checks the exact form:
//! URIs in angle brackets, a known scheme, plain ASCII (not RFC 2047 encoded-words), one
//! header only.
//!
//! Shipped rules of this kind: `missing-list-unsubscribe`.

use super::{NoParams, RuleKind};
use crate::facts::Facts;
use crate::facts::headers::{EncodedWord, Scheme, UnsubscribeUri};
use crate::rules::{CampaignCheck, Context, Diag};

const NOT_BRACKETED: &str = "List-Unsubscribe URI is not in angle brackets";
const NO_USABLE_URI: &str = "List-Unsubscribe header has no https, http or mailto URI";
const DUPLICATE: &str = "more than one List-Unsubscribe header";
const ENCODED: &str = "List-Unsubscribe is written as an RFC 2047 encoded-word";
const NO_ADDRESS: &str = "mailto URI without an address";

/// The label of an encoded-word: what it hides.
pub(super) fn encoded_label(word: &EncodedWord) -> String {
    match &word.decoded {
        Some(d) => format!("encoded-word for {d}"),
        None => "an encoded-word".to_owned(),
    }
}

/// Help for encoded-words: the header as it must be written.
fn encoded_help(words: &[EncodedWord]) -> String {
    let decoded: Vec<&str> = words.iter().filter_map(|w| w.decoded.as_deref()).collect();
    let example = if decoded.is_empty() {
        "<https://example.com/unsubscribe/ID>".to_owned()
    } else {
        decoded.join(", ")
    };
    format!(
        "write the URIs as plain ASCII in angle brackets (List-Unsubscribe: {example}); mailbox providers do not decode encoded-words in this header"
    )
}

/// Why a URI is not an https, http or mailto URI.
fn unusable_label(uri: &UnsubscribeUri) -> &'static str {
    if uri.uri.to_ascii_lowercase().starts_with("mailto:") {
        NO_ADDRESS
    } else {
        "not an https, http or mailto URI"
    }
}

pub struct ListUnsubscribeHeader;

impl RuleKind for ListUnsubscribeHeader {
    type Params = NoParams;

    fn new(_params: NoParams) -> Self {
        Self
    }
}

impl CampaignCheck for ListUnsubscribeHeader {
    fn campaign(&self, cx: &mut Context, facts: &Facts) {
        let list = &facts.list_unsubscribe;
        if !list.has_headers {
            return;
        }
        let Some(header) = &list.header else {
            return cx.report(Diag::new().label(
                list.header_end,
                "add List-Unsubscribe after the last header",
            ));
        };
        if !list.encoded.is_empty() {
            let mut diag = Diag::with_message(ENCODED).help(Some(encoded_help(&list.encoded)));
            for word in &list.encoded {
                diag = diag.label(word.span, encoded_label(word));
            }
            cx.report(diag);
        }
        if !list.is_usable() && (list.encoded.is_empty() || !list.uris.is_empty()) {
            let mut diag = Diag::with_message(NO_USABLE_URI);
            for uri in list.uris.iter().filter(|u| u.scheme == Scheme::Other) {
                diag = diag.label(uri.span, unusable_label(uri));
            }
            if list.uris.is_empty() {
                diag = diag.label(header.value_span, "no URI here");
            }
            cx.report(diag.help(Some(
                "write List-Unsubscribe: <https://example.com/unsubscribe/ID>, <mailto:unsubscribe@example.com?subject=unsubscribe>".to_owned(),
            )));
        }
        let bare: Vec<_> = list
            .uris
            .iter()
            .filter(|u| u.bare && u.scheme != Scheme::Other)
            .collect();
        if !bare.is_empty() {
            let mut diag = Diag::with_message(NOT_BRACKETED).help(Some(
                "RFC 2369 requires each URI in angle brackets: <https://…>; mailbox providers ignore bare URIs".to_owned(),
            ));
            for uri in bare {
                diag = diag.label(uri.span, "write this as <…>");
            }
            cx.report(diag);
        }
        if !list.duplicates.is_empty() {
            let mut diag = Diag::with_message(DUPLICATE)
                .label(header.field_span, "first List-Unsubscribe")
                .help(Some(
                    "merge the URIs into one List-Unsubscribe header, separated by commas"
                        .to_owned(),
                ));
            for d in &list.duplicates {
                diag = diag.label(d.field_span, "another one");
            }
            cx.report(diag);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::campaign::Format;
    use crate::rules::kinds::testing::{eml, run};

    fn check(headers: &str) -> Vec<String> {
        let raw = eml(headers, "<p>Hi</p>");
        run("missing-list-unsubscribe", &raw, Format::Eml, None, None)
            .into_iter()
            .map(|f| f.message)
            .collect()
    }

    #[test]
    fn missing_and_malformed() {
        assert_eq!(check(""), ["no List-Unsubscribe header"]);
        assert_eq!(
            check("List-Unsubscribe: https://x.example/u\r\n"),
            ["List-Unsubscribe URI is not in angle brackets"]
        );
        assert_eq!(
            check("List-Unsubscribe: click the link below\r\n"),
            ["List-Unsubscribe header has no https, http or mailto URI"]
        );
        assert_eq!(
            check(
                "List-Unsubscribe: <https://x.example/u>\r\nList-Unsubscribe: <mailto:u@x.example>\r\n"
            ),
            ["more than one List-Unsubscribe header"]
        );
    }

    #[test]
    fn encoded_words_are_named_as_such() {
        let headers = "List-Unsubscribe: =?utf-8?q?=3Chttps=3A=2F=2Fexample.com=2Fu=3E?=\r\n";
        let raw = eml(headers, "<p>Hi</p>");
        let found = run("missing-list-unsubscribe", &raw, Format::Eml, None, None);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(
            found[0].message,
            "List-Unsubscribe is written as an RFC 2047 encoded-word"
        );
        let label = &found[0].labels[0];
        assert_eq!(
            &raw[label.span.offset..label.span.end()],
            "=?utf-8?q?=3Chttps=3A=2F=2Fexample.com=2Fu=3E?="
        );
        assert_eq!(
            label.text.as_deref(),
            Some("encoded-word for <https://example.com/u>")
        );
        assert!(
            found[0]
                .help
                .as_deref()
                .is_some_and(|h| h.starts_with(
                    "write the URIs as plain ASCII in angle brackets (List-Unsubscribe: <https://example.com/u>)"
                )),
            "{:?}",
            found[0].help
        );
        // Beside a usable URI, only the encoded-word is reported.
        assert_eq!(
            check(
                "List-Unsubscribe: <mailto:u@x.example>, =?UTF-8?B?PGh0dHBzOi8vZXhhbXBsZS5jb20vdT4=?=\r\n"
            ),
            ["List-Unsubscribe is written as an RFC 2047 encoded-word"]
        );
        // Beside junk, both are.
        assert_eq!(
            check(
                "List-Unsubscribe: =?utf-8?q?=3Chttps=3A=2F=2Fexample.com=2Fu=3E?= <ftp://x>\r\n"
            )
            .len(),
            2
        );
    }

    #[test]
    fn unusable_uris_say_why() {
        let raw = eml("List-Unsubscribe: <mailto:unsubscribe>\r\n", "<p>Hi</p>");
        let found = run("missing-list-unsubscribe", &raw, Format::Eml, None, None);
        assert_eq!(
            found[0].message,
            "List-Unsubscribe header has no https, http or mailto URI"
        );
        assert_eq!(
            found[0].labels[0].text.as_deref(),
            Some("mailto URI without an address")
        );
        // A merge tag becomes a URI when the ESP sends the message.
        assert!(check("List-Unsubscribe: <*|UNSUB_URL|*>\r\n").is_empty());
        assert!(check("List-Unsubscribe: <{{ unsubscribe_url }}>\r\n").is_empty());
    }

    #[test]
    fn well_formed_passes() {
        assert!(
            check("List-Unsubscribe: <mailto:u@x.example>, <https://x.example/u>\r\n").is_empty()
        );
        assert!(
            run(
                "missing-list-unsubscribe",
                "<p>template</p>",
                Format::Html,
                None,
                None
            )
            .is_empty()
        );
    }
}
