//! `subscription-status`: the recipient must not be mailed at all: they unsubscribed,
//! their address bounced (cleaned), or they reported spam.
//!
//! Shipped rules of this kind: `suppressed-recipient`.

use serde::Deserialize;

use super::RuleKind;
use crate::diagnostic::Span;
use crate::profiles::{Profile, Status};
use crate::rules::{Context, Diag, RecipientCheck};

fn status_label(raw: &str) -> String {
    format!("status is {raw:?}")
}

/// Parameters of the `subscription-status` kind.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
#[derive(Default)]
pub struct Params {
    /// Further status values (as exported) that mean "do not mail", besides unsubscribed,
    /// cleaned/bounced and complained.
    pub also: Vec<String>,
}

pub struct SubscriptionStatus {
    params: Params,
}

impl RuleKind for SubscriptionStatus {
    type Params = Params;

    fn new(params: Params) -> Self {
        Self { params }
    }
}

impl RecipientCheck for SubscriptionStatus {
    fn reads(&self, _facts: &crate::facts::Facts, reads: &mut crate::rules::Reads) {
        reads.status = true;
    }

    fn profile(&self, cx: &mut Context, profile: &Profile) {
        let Some((raw, status)) = &profile.status else {
            return;
        };
        let extra = self
            .params
            .also
            .iter()
            .any(|s| s.trim().eq_ignore_ascii_case(raw.trim()));
        let pending = *status == Status::Pending;
        if !status.is_suppressed() && !extra && !pending {
            return;
        }
        let label = |diag: Diag| match &profile.spans.status {
            Some(range) => diag.label(Span::new(0, range.clone()), status_label(raw)),
            None => diag,
        };
        if pending && !extra {
            // Double opt-in not confirmed: the address may not even be theirs.
            cx.report(label(
                Diag::with_message(
                    "recipient has not confirmed the subscription (double opt-in pending) and \
                     must not receive marketing",
                )
                .help(Some(
                    "leave pending recipients out until they confirm; only the confirmation \
                     request may be sent to them"
                        .to_owned(),
                )),
            ));
            return;
        }
        let what = match status {
            Status::Unsubscribed => "unsubscribed",
            Status::Cleaned => "bounced (cleaned)",
            Status::Complained => "reported spam",
            _ => raw.as_str(),
        };
        cx.report(label(Diag::new().arg("status", what)));
    }
}

#[cfg(test)]
mod tests {
    use crate::campaign::Format;
    use crate::rules::kinds::testing::run;

    fn check(profile: &str) -> Vec<String> {
        run(
            "suppressed-recipient",
            "<p>hi</p>",
            Format::Html,
            Some(profile),
            None,
        )
        .into_iter()
        .map(|f| f.message)
        .collect()
    }

    #[test]
    fn suppressed_statuses() {
        assert_eq!(
            check(r#"{"status": "unsubscribed"}"#),
            ["recipient unsubscribed and must not receive campaigns"]
        );
        assert_eq!(
            check(r#"{"status": "cleaned"}"#),
            ["recipient bounced (cleaned) and must not receive campaigns"]
        );
        assert_eq!(
            check(r#"{"status": "complained"}"#),
            ["recipient reported spam and must not receive campaigns"]
        );
    }

    #[test]
    fn pending_double_opt_in_has_its_own_wording() {
        for status in ["pending", "Unconfirmed", "not confirmed"] {
            assert_eq!(
                check(&format!(r#"{{"status": "{status}"}}"#)),
                [
                    "recipient has not confirmed the subscription (double opt-in pending) and must not receive marketing"
                ]
            );
        }
    }

    #[test]
    fn mailable_statuses() {
        assert!(check(r#"{"status": "subscribed"}"#).is_empty());
        assert!(check(r#"{"email": "a@example.com"}"#).is_empty());
    }
}
