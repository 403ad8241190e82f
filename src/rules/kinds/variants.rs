//! `variants`: recipients for whom no language variant exists. The check runs in the
//! driver (`crate::variants`), which knows which campaigns are variants of which; this
//! kind declares the rule so it is documented and configured like any other.
//!
//! Shipped rules of this kind: `no-variant-for-language`.

use serde::Deserialize;

use super::RuleKind;
use crate::rules::Check;

/// Parameters of the `variants` kind (none).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct Params {}

pub struct VariantCoverage;

impl RuleKind for VariantCoverage {
    type Params = Params;

    fn new(_params: Params) -> Self {
        Self
    }
}

impl Check for VariantCoverage {
    /// About the campaign alone: reads nothing of a profile.
    fn reads(&self, _facts: &crate::facts::Facts, _reads: &mut crate::rules::Reads) {}
}
