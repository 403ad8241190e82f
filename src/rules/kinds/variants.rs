//! `variants`: recipients for whom no language variant exists. The check runs in the
//! driver (`crate::variants`), which knows which campaigns are variants of which; this
//! kind declares the rule so it is documented and configured like any other.
//!
//! Shipped rules of this kind: `no-variant-for-language`.

use super::{NoParams, RuleKind};

pub struct VariantCoverage;

impl RuleKind for VariantCoverage {
    type Params = NoParams;

    fn new(_params: NoParams) -> Self {
        Self
    }
}
