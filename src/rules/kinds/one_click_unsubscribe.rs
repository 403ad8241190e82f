//! `one-click-unsubscribe`: no RFC 8058 one-click unsubscribe, which Gmail and Yahoo
//! require of bulk senders: an https URI in `List-Unsubscribe` and exactly
//! `List-Unsubscribe-Post: List-Unsubscribe=One-Click`.
//!
//! Shipped rules of this kind: `missing-one-click-unsubscribe`.

use super::{NoParams, RuleKind};
use crate::facts::Facts;
use crate::facts::headers::{ListUnsubscribe, ONE_CLICK_VALUE, Scheme};
use crate::rules::{CampaignCheck, Context, Diag};

const NO_POST: &str = "no List-Unsubscribe-Post header";
const NO_HTTPS: &str = "List-Unsubscribe-Post is set but List-Unsubscribe has no https URI";
const POST_ENCODED: &str = "List-Unsubscribe-Post is written as an RFC 2047 encoded-word";
const ENCODED: &str =
    "List-Unsubscribe-Post is set but List-Unsubscribe is written as an RFC 2047 encoded-word";
const BARE_HTTPS: &str =
    "List-Unsubscribe-Post is set but the https URI in List-Unsubscribe is not in angle brackets";

/// What is wrong when List-Unsubscribe-Post is set without a usable https URI.
fn no_https_message(list: &ListUnsubscribe) -> &'static str {
    if !list.encoded.is_empty() {
        ENCODED
    } else if list
        .uris
        .iter()
        .any(|u| u.bare && u.scheme == Scheme::Https)
    {
        BARE_HTTPS
    } else {
        NO_HTTPS
    }
}

const PLAIN_HELP: &str = "write the https URI as plain ASCII in angle brackets (List-Unsubscribe: <https://example.com/unsubscribe/ID>), with List-Unsubscribe-Post: List-Unsubscribe=One-Click";

/// Labels the List-Unsubscribe header for what stands where one-click needs a plain,
/// bracketed https URI: an encoded-word, a bare https URI, or only mailto/http URIs.
fn label_missing_https(diag: Diag, list: &ListUnsubscribe, fallback: &str) -> Diag {
    if !list.encoded.is_empty() {
        return list
            .encoded
            .iter()
            .fold(diag, |d, w| {
                d.label(
                    w.span,
                    format!(
                        "{}: mailbox providers do not decode it",
                        super::list_unsubscribe::encoded_label(w)
                    ),
                )
            })
            .help(Some(PLAIN_HELP.to_owned()));
    }
    let bare: Vec<_> = list
        .uris
        .iter()
        .filter(|u| u.bare && u.scheme == Scheme::Https)
        .collect();
    if !bare.is_empty() {
        return bare
            .iter()
            .fold(diag, |d, u| {
                d.label(u.span, "https URI without angle brackets: write it as <…>")
            })
            .help(Some(PLAIN_HELP.to_owned()));
    }
    match &list.header {
        Some(h) => diag.label(h.value_span, fallback),
        None => diag,
    }
}

fn wrong_post_value(value: &str) -> String {
    format!("List-Unsubscribe-Post value {value:?} is not {ONE_CLICK_VALUE:?}")
}

pub struct OneClick;

impl RuleKind for OneClick {
    type Params = NoParams;

    fn new(_params: NoParams) -> Self {
        Self
    }
}

impl CampaignCheck for OneClick {
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
                let diag = match https {
                    Some(uri) => diag.label(
                        uri.span,
                        "add List-Unsubscribe-Post: List-Unsubscribe=One-Click for this URI",
                    ),
                    None => {
                        label_missing_https(diag, list, "one-click also needs an https URI here")
                    }
                };
                return cx.report(diag);
            }
            _ => {}
        }
        if let Some(post) = &list.post
            && post.value != ONE_CLICK_VALUE
        {
            let message = if list.post_encoded.is_empty() {
                wrong_post_value(&post.value)
            } else {
                POST_ENCODED.to_owned()
            };
            cx.report(Diag::with_message(message).label(
                post.value_span,
                format!("must be exactly {ONE_CLICK_VALUE}, in plain ASCII"),
            ));
        }
        // A merge tag in List-Unsubscribe may well become the https URI.
        if https.is_none() && !list.has_tagged_uri() {
            let mut diag = Diag::with_message(no_https_message(list));
            if list.header.is_some() {
                let only = if list.uris.is_empty() {
                    "no https URI here"
                } else {
                    "only mailto or http URIs here"
                };
                diag = label_missing_https(diag, list, only);
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

    fn findings(headers: &str) -> Vec<crate::diagnostic::Finding> {
        let raw = eml(headers, "<p>Hi</p>");
        run(
            "missing-one-click-unsubscribe",
            &raw,
            Format::Eml,
            None,
            None,
        )
    }

    fn check(headers: &str) -> Vec<String> {
        findings(headers).into_iter().map(|f| f.message).collect()
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
            [
                "List-Unsubscribe-Post is set but the https URI in List-Unsubscribe is not in angle brackets"
            ]
        );
        assert_eq!(
            check(
                "List-Unsubscribe: =?utf-8?q?=3Chttps=3A=2F=2Fexample.com=2Fu=3E?=\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"
            ),
            [
                "List-Unsubscribe-Post is set but List-Unsubscribe is written as an RFC 2047 encoded-word"
            ]
        );
    }

    /// The labels, which say what stands where the https URI should be.
    fn labels(headers: &str) -> Vec<String> {
        findings(headers)
            .into_iter()
            .flat_map(|f| f.labels)
            .filter_map(|l| l.text)
            .collect()
    }

    #[test]
    fn encoded_words_and_bare_uris_are_named() {
        const ENCODED: &str =
            "List-Unsubscribe: =?utf-8?q?=3Chttps=3A=2F=2Fexample.com=2Fu=3E?=\r\n";
        assert_eq!(
            labels(&format!(
                "{ENCODED}List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"
            )),
            ["encoded-word for <https://example.com/u>: mailbox providers do not decode it"]
        );
        assert_eq!(
            labels(ENCODED),
            ["encoded-word for <https://example.com/u>: mailbox providers do not decode it"]
        );
        assert_eq!(
            labels(
                "List-Unsubscribe: https://x.example/u\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"
            ),
            ["https URI without angle brackets: write it as <…>"]
        );
        assert_eq!(
            labels(
                "List-Unsubscribe: <mailto:u@x.example>\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"
            ),
            ["only mailto or http URIs here"]
        );
        assert_eq!(
            check(&format!(
                "{HTTPS}List-Unsubscribe-Post: =?utf-8?q?List-Unsubscribe=3DOne-Click?=\r\n"
            )),
            ["List-Unsubscribe-Post is written as an RFC 2047 encoded-word"]
        );
    }

    #[test]
    fn merge_tags_may_be_https() {
        assert!(
            check(
                "List-Unsubscribe: <%unsubscribe_url%>\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"
            )
            .is_empty()
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
