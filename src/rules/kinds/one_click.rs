//! `one-click-unsubscribe`: no RFC 8058 one-click unsubscribe, which Gmail and Yahoo
//! require of bulk senders: an https URI in `List-Unsubscribe` and exactly
//! `List-Unsubscribe-Post: List-Unsubscribe=One-Click`.

use serde::Deserialize;

use super::RuleKind;
use crate::facts::Facts;
use crate::facts::headers::ONE_CLICK_VALUE;
use crate::rules::{Check, Context, Diag};

const NO_POST: &str = "no List-Unsubscribe-Post header";
const NO_HTTPS: &str = "List-Unsubscribe-Post is set but List-Unsubscribe has no https URI";

fn wrong_post_value(value: &str) -> String {
    format!("List-Unsubscribe-Post value {value:?} is not {ONE_CLICK_VALUE:?}")
}

/// Parameters of the `one-click-unsubscribe` kind (none yet).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct Params {}

pub struct OneClick;

impl RuleKind for OneClick {
    type Params = Params;

    fn new(_params: Params) -> Self {
        Self
    }
}

impl Check for OneClick {
    /// About the campaign alone: reads nothing of a profile.
    fn reads(&self, _facts: &crate::facts::Facts, _reads: &mut crate::rules::Reads) {}

    fn campaign(&self, cx: &mut Context, facts: &Facts) {
        let list = &facts.list_unsubscribe;
        if !list.has_headers {
            return;
        }
        let https = list.https_uri();
        match (&list.header, &list.post) {
            (None, None) => {
                return cx.report(
                    Diag::new().label(list.header_end, "add both headers after the last header"),
                );
            }
            (_, None) => {
                let diag = Diag::with_message(NO_POST);
                let diag = match (https, &list.header) {
                    (Some(uri), _) => diag.label(
                        uri.span,
                        "add List-Unsubscribe-Post: List-Unsubscribe=One-Click for this URI",
                    ),
                    (None, Some(h)) => {
                        diag.label(h.value_span, "one-click also needs an https URI here")
                    }
                    (None, None) => diag,
                };
                return cx.report(diag);
            }
            _ => {}
        }
        if let Some(post) = &list.post
            && post.value != ONE_CLICK_VALUE
        {
            cx.report(Diag::with_message(wrong_post_value(&post.value)).label(
                post.value_span,
                format!("must be exactly {ONE_CLICK_VALUE}"),
            ));
        }
        if https.is_none() {
            let mut diag = Diag::with_message(NO_HTTPS);
            if let Some(h) = &list.header {
                diag = diag.label(h.value_span, "only mailto or http URIs here");
            } else if let Some(post) = &list.post {
                diag = diag.label(
                    post.field_span,
                    "there is no List-Unsubscribe header to go with this",
                );
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
        run(
            "missing-one-click-unsubscribe",
            &raw,
            Format::Eml,
            None,
            None,
        )
        .into_iter()
        .map(|f| f.message)
        .collect()
    }

    const HTTPS: &str = "List-Unsubscribe: <mailto:u@x.example>, <https://x.example/u>\r\n";

    #[test]
    fn failing_forms() {
        assert_eq!(
            check(""),
            [
                "no one-click unsubscribe (List-Unsubscribe with an https URI and List-Unsubscribe-Post)"
            ]
        );
        assert_eq!(check(HTTPS), ["no List-Unsubscribe-Post header"]);
        assert_eq!(
            check(&format!(
                "{HTTPS}List-Unsubscribe-Post: List-Unsubscribe=one-click\r\n"
            )),
            [
                "List-Unsubscribe-Post value \"List-Unsubscribe=one-click\" is not \"List-Unsubscribe=One-Click\""
            ]
        );
        assert_eq!(
            check(
                "List-Unsubscribe: <mailto:u@x.example>\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"
            ),
            ["List-Unsubscribe-Post is set but List-Unsubscribe has no https URI"]
        );
        assert_eq!(
            check(
                "List-Unsubscribe: https://x.example/u\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"
            ),
            ["List-Unsubscribe-Post is set but List-Unsubscribe has no https URI"]
        );
    }

    #[test]
    fn one_click_pair_passes() {
        assert!(
            check(&format!(
                "{HTTPS}List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"
            ))
            .is_empty()
        );
    }
}
