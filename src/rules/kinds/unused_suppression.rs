//! `unused-suppression`: an inline suppression that suppresses nothing. The suppression
//! pass (`crate::suppress`) reports it after all other rules ran; this kind exists so the
//! rule is declared, documented and configured like any other.
//!
//! Shipped rules of this kind: `unused-suppression`.

use serde::Deserialize;

use super::RuleKind;
use crate::rules::Check;

/// Parameters of the `unused-suppression` kind (none).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct Params {}

pub struct UnusedSuppression;

impl RuleKind for UnusedSuppression {
    type Params = Params;

    fn new(_params: Params) -> Self {
        Self
    }
}

impl Check for UnusedSuppression {
    /// About the campaign alone: reads nothing of a profile.
    fn reads(&self, _facts: &crate::facts::Facts, _reads: &mut crate::rules::Reads) {}
}
