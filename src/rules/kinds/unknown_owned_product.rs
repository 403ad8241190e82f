//! `unknown-owned-product`: the recipient owns products the catalog does not know (a
//! typo such as `KD-55XH9500`, or a join with the wrong column), so they can match
//! nothing and an offer for what they own goes unnoticed. Shipped rule:
//! `unknown-owned-product`.
//!
//! Without a catalog there is nothing to compare with, and the rule says nothing (the
//! owned products are then searched for literally).
//!
//! Shipped rules of this kind: `unknown-owned-product`.

use super::{NoParams, RuleKind};
use crate::diagnostic::Span;
use crate::profiles::Profile;
use crate::rules::{Context, Diag, RecipientCheck};

pub struct UnknownOwnedProduct;

impl RuleKind for UnknownOwnedProduct {
    type Params = NoParams;

    fn new(_params: NoParams) -> Self {
        Self
    }
}

impl RecipientCheck for UnknownOwnedProduct {
    fn reads(&self, _facts: &crate::facts::Facts, reads: &mut crate::rules::Reads) {
        // Only the unknown items tell profiles apart (see `owned_matters`): a row whose
        // products are all in the catalog is like any other.
        reads.owned = reads.owned.max(crate::rules::OwnedReads::Relevant);
    }

    fn owned_matters(
        &self,
        env: crate::rules::Env,
        _facts: &crate::facts::Facts,
        item: &str,
    ) -> bool {
        env.catalog
            .is_some_and(|c| !item.trim().is_empty() && c.resolve(item).is_none())
    }

    fn profile(&self, cx: &mut Context, profile: &Profile) {
        let Some(catalog) = cx.env.catalog else {
            return;
        };
        let unknown: Vec<&str> = profile
            .owned_products
            .iter()
            .map(|o| o.trim())
            .filter(|o| !o.is_empty() && catalog.resolve(o).is_none())
            .collect();
        let Some(first) = unknown.first() else {
            return;
        };
        let listed: Vec<String> = unknown.iter().take(3).map(|o| format!("{o:?}")).collect();
        let more = unknown.len().saturating_sub(listed.len());
        let mut diag = Diag::new().help(Some(format!(
            "the catalog has no product (SKU, name or alias) named {}{}: fix the value in the export \
             or add the product to the catalog; products it does not know match nothing, so \
             offers for them are not found",
            listed.join(", "),
            if more > 0 {
                format!(" (and {more} more)")
            } else {
                String::new()
            }
        )));
        if let Some(range) = &profile.spans.owned_products {
            diag = diag.label(
                Span::new(0, range.clone()),
                format!("{first:?} is not in the catalog"),
            );
        }
        cx.report(diag);
    }
}

#[cfg(test)]
mod tests {
    use crate::campaign::Format;
    use crate::catalog::CatalogIndex;
    use crate::rules::kinds::testing::run;

    fn catalog() -> CatalogIndex {
        let toml = r#"
[[product]]
sku = "KD-55X85J"
name = "BRAVIA X85J 55-inch TV"
aliases = ["X85J"]
line = "BRAVIA"
"#;
        CatalogIndex::from_toml("c.toml", toml).unwrap()
    }

    fn check(profile: &str, catalog: Option<&CatalogIndex>) -> Vec<(String, Option<String>)> {
        run(
            "unknown-owned-product",
            "<p>hi</p>",
            Format::Html,
            Some(profile),
            catalog,
        )
        .into_iter()
        .map(|f| (f.message, f.help))
        .collect()
    }

    #[test]
    fn names_the_values_the_catalog_does_not_know() {
        let found = check(
            r#"{"owned_products": ["KD-55XH9500", "x85j", " "]}"#,
            Some(&catalog()),
        );
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].0, "owns products the catalog does not know");
        assert!(
            found[0]
                .1
                .as_deref()
                .unwrap()
                .contains(r#"named "KD-55XH9500": fix"#),
            "{found:?}"
        );
    }

    #[test]
    fn known_products_and_no_catalog_say_nothing() {
        assert!(
            check(
                r#"{"owned_products": ["KD-55X85J", "X85J", "bravia x85j 55-inch tv"]}"#,
                Some(&catalog())
            )
            .is_empty()
        );
        assert!(check(r#"{"owned_products": ["KD-55XH9500"]}"#, None).is_empty());
    }
}
