//! `unused-suppression`: an inline suppression that suppresses nothing. The suppression
//! pass (`crate::suppress`) reports it after all other rules ran; this kind exists so the
//! rule is declared, documented and configured like any other.
//!
//! Shipped rules of this kind: `unused-suppression`.

use super::{NoParams, RuleKind};

pub struct UnusedSuppression;

impl RuleKind for UnusedSuppression {
    type Params = NoParams;

    fn new(_params: NoParams) -> Self {
        Self
    }
}
