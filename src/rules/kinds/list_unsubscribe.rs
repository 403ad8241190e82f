//! `list-unsubscribe`: the message has no usable RFC 2369 `List-Unsubscribe` header, the
//! header mailbox providers turn into their own unsubscribe button. Checks the exact form:
//! URIs in angle brackets, a known scheme, one header only.

use serde::Deserialize;

use super::RuleKind;
use crate::facts::Facts;
use crate::facts::headers::Scheme;
use crate::rules::{Check, Context, Diag};

const NOT_BRACKETED: &str = "List-Unsubscribe URI is not in angle brackets";
const NO_USABLE_URI: &str = "List-Unsubscribe header has no https, http or mailto URI";
const DUPLICATE: &str = "more than one List-Unsubscribe header";

/// Parameters of the `list-unsubscribe` kind (none yet).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct Params {}

pub struct ListUnsubscribeHeader;

impl RuleKind for ListUnsubscribeHeader {
    type Params = Params;

    fn new(_params: Params) -> Self {
        Self
    }
}

impl Check for ListUnsubscribeHeader {
    /// About the campaign alone: reads nothing of a profile.
    fn reads(&self, _facts: &crate::facts::Facts, _reads: &mut crate::rules::Reads) {}

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
        if !list.is_usable() {
            let mut diag = Diag::with_message(NO_USABLE_URI);
            for uri in list.uris.iter().filter(|u| u.scheme == Scheme::Other) {
                diag = diag.label(uri.span, "not an https, http or mailto URI");
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
