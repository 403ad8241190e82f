//! `owned-products`: the campaign offers a product, or a product line, the recipient
//! already owns. Offers of accessories and consumables *for* what they own are welcome,
//! and mentions of the owned product in such a campaign are context, not an offer.
//!
//! With a catalog, mentions are found once per campaign and only compared here. Without
//! one, the profile's owned products are searched for literally (SKU or name).
//!
//! Shipped rules of this kind: `owned-product-offer`.

use aho_corasick::{AhoCorasickBuilder, MatchKind};
use serde::Deserialize;

use super::RuleKind;
use crate::catalog::{CatalogIndex, Kind, Target, is_word_bounded};
use crate::diagnostic::{Severity, Span};
use crate::facts::Facts;
use crate::profiles::Profile;
use crate::rules::{Context, Diag, RecipientCheck};

fn owns_label(what: &str) -> String {
    format!("the recipient owns {what}")
}

/// A line mentioned in a general newsletter ("the updated Handycam range") is not an offer
/// of what the recipient has: they own one model of it, and a newer one may be welcome.
/// Said as a warning, with its own message.
fn line_message(line: &str) -> String {
    format!("mentions {line}, of which the recipient owns a model")
}

fn line_help(line: &str, model: &str) -> String {
    format!(
        "check that the campaign does not offer {model} itself to its owners; mentions of {line} \
         are fine when they present other models, accessories or consumables"
    )
}

/// Parameters of the `owned-products` kind.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct Params {
    /// Flag mentions of a product line (e.g. "BRAVIA") when the recipient owns a product
    /// of that line.
    pub lines: bool,
    /// Without a catalog: owned values shorter than this are not searched for (avoids
    /// matching "TV" or "X1" everywhere).
    pub min_literal_length: usize,
}

impl Default for Params {
    fn default() -> Self {
        Self {
            lines: true,
            min_literal_length: 4,
        }
    }
}

pub struct OwnedProducts {
    params: Params,
}

impl RuleKind for OwnedProducts {
    type Params = Params;

    fn new(params: Params) -> Self {
        Self { params }
    }
}

/// One owned thing the campaign offers, with every place it is mentioned.
struct Offer {
    what: String,
    spans: Vec<Span>,
    /// For a product line: the owned model of it (the finding is then a warning).
    model: Option<String>,
}

impl OwnedProducts {
    fn with_catalog(&self, catalog: &CatalogIndex, facts: &Facts, profile: &Profile) -> Vec<Offer> {
        let owned: Vec<usize> = profile
            .owned_products
            .iter()
            .filter_map(|o| catalog.resolve(o))
            .filter(|&i| catalog.products[i].kind == Kind::Product)
            .collect();
        if owned.is_empty() {
            return Vec::new();
        }
        let owned_lines: Vec<usize> = owned.iter().filter_map(|&i| catalog.line_of(i)).collect();
        let mut offers: Vec<(Target, Offer)> = Vec::new();
        for m in facts.mentions.iter().filter(|m| !m.context) {
            let hit = match m.target {
                Target::Product(i) => owned.contains(&i),
                Target::Line(l) => self.params.lines && owned_lines.contains(&l),
            };
            if !hit {
                continue;
            }
            match offers.iter_mut().find(|(t, _)| *t == m.target) {
                Some((_, offer)) => offer.spans.push(m.span),
                None => offers.push((
                    m.target,
                    Offer {
                        what: catalog.describe(m.target),
                        spans: vec![m.span],
                        model: match m.target {
                            Target::Product(_) => None,
                            Target::Line(l) => owned
                                .iter()
                                .find(|&&i| catalog.line_of(i) == Some(l))
                                .map(|&i| catalog.products[i].name.clone()),
                        },
                    },
                )),
            }
        }
        offers.into_iter().map(|(_, o)| o).collect()
    }

    fn literal(&self, facts: &Facts, profile: &Profile) -> Vec<Offer> {
        let owned: Vec<&str> = profile
            .owned_products
            .iter()
            .map(|s| s.trim())
            .filter(|s| s.chars().count() >= self.params.min_literal_length)
            .collect();
        if owned.is_empty() {
            return Vec::new();
        }
        let Ok(matcher) = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostLongest)
            .build(&owned)
        else {
            return Vec::new();
        };
        let mut offers: Vec<Offer> = owned
            .iter()
            .map(|o| Offer {
                what: (*o).to_owned(),
                spans: Vec::new(),
                model: None,
            })
            .collect();
        for unit in facts.read_units() {
            for m in matcher.find_iter(&unit.text) {
                if is_word_bounded(&unit.text, m.start(), m.end())
                    && !crate::facts::in_url_or_address(&unit.text, m.range())
                {
                    offers[m.pattern().as_usize()]
                        .spans
                        .push(unit.span(m.range()));
                }
            }
        }
        offers.retain(|o| !o.spans.is_empty());
        offers
    }
}

impl RecipientCheck for OwnedProducts {
    fn reads(&self, _facts: &Facts, reads: &mut crate::rules::Reads) {
        reads.owned = reads.owned.max(crate::rules::OwnedReads::Relevant);
    }

    /// With a catalog: a product the campaign offers, or one of an offered line. Without:
    /// a value that occurs in the read text at all (a value that never occurs cannot
    /// change which of the others match).
    fn owned_matters(&self, env: crate::rules::Env, facts: &Facts, item: &str) -> bool {
        match env.catalog {
            Some(catalog) => {
                let Some(i) = catalog.resolve(item) else {
                    return false;
                };
                if catalog.products[i].kind != Kind::Product {
                    return false;
                }
                let line = catalog.line_of(i);
                facts.mentions.iter().any(|m| match m.target {
                    Target::Product(p) => p == i,
                    Target::Line(l) => self.params.lines && Some(l) == line,
                })
            }
            None => {
                let item = item.trim();
                if item.chars().count() < self.params.min_literal_length {
                    return false;
                }
                // ASCII case folding, as the matcher in `literal` folds.
                let needle = item.to_ascii_lowercase();
                facts
                    .read_units()
                    .any(|u| u.text.to_ascii_lowercase().contains(&needle))
            }
        }
    }

    fn recipient(&self, cx: &mut Context, facts: &Facts, profile: &Profile) {
        let offers = match cx.env.catalog {
            Some(catalog) => self.with_catalog(catalog, facts, profile),
            None => self.literal(facts, profile),
        };
        for offer in offers {
            let (mut diag, label) = match &offer.model {
                None => (
                    Diag::new().arg("product", offer.what.clone()),
                    owns_label(&offer.what),
                ),
                Some(model) => (
                    Diag::with_message(line_message(&offer.what))
                        .help(Some(line_help(&offer.what, model)))
                        .severity(Severity::Warning),
                    owns_label(model),
                ),
            };
            for span in offer.spans {
                diag = diag.label(span, label.clone());
            }
            cx.report(diag);
        }
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
aliases = ["X85J", "BRAVIA X85J"]
line = "BRAVIA"
[[product]]
sku = "XQ-DQ54"
name = "Xperia 5 V"
line = "Xperia"
[[product]]
sku = "SPK-HCF"
name = "SPK-HCF underwater housing"
aliases = ["SPK-HCF housing"]
line = "SPK-HCF"
[[product]]
sku = "SPK-HCF-DS"
name = "Desiccant strips for the SPK-HCF housing"
aliases = ["desiccant strips"]
line = "SPK-HCF"
kind = "consumable"
for = ["SPK-HCF"]
"#;
        CatalogIndex::from_toml("c.toml", toml).unwrap()
    }

    const OWNER: &str = r#"{"owned_products": ["KD-55X85J", "XQ-DQ54"]}"#;

    #[test]
    fn flags_every_mention_of_owned_products() {
        let html =
            "<p>Buy a BRAVIA X85J and get an Xperia 5 V free.</p><p>The X85J is our best TV.</p>";
        let found = run(
            "owned-product-offer",
            html,
            Format::Html,
            Some(OWNER),
            Some(&catalog()),
        );
        let messages: Vec<_> = found
            .iter()
            .map(|f| (f.message.as_str(), f.labels.len()))
            .collect();
        assert_eq!(
            messages,
            [
                (
                    "offers BRAVIA X85J 55-inch TV, which the recipient already owns",
                    2
                ),
                ("offers Xperia 5 V, which the recipient already owns", 1),
            ]
        );
    }

    #[test]
    fn consumables_for_an_owned_product_pass() {
        let html = "<p>Fresh desiccant strips for your SPK-HCF housing.</p><p>Keep your SPK-HCF housing dry.</p>";
        let found = run(
            "owned-product-offer",
            html,
            Format::Html,
            Some(r#"{"owned_products": ["SPK-HCF"]}"#),
            Some(&catalog()),
        );
        assert!(found.is_empty(), "{found:#?}");
    }

    #[test]
    fn product_lines_and_other_products() {
        let html = "<p>The new BRAVIA range is here.</p>";
        let found = run(
            "owned-product-offer",
            html,
            Format::Html,
            Some(OWNER),
            Some(&catalog()),
        );
        // A line in a general newsletter: a warning, every mention labelled with the
        // model the recipient owns.
        assert_eq!(
            found[0].message,
            "mentions the BRAVIA line, of which the recipient owns a model"
        );
        assert_eq!(found[0].severity, crate::diagnostic::Severity::Warning);
        assert_eq!(
            found[0].labels[0].text.as_deref(),
            Some("the recipient owns BRAVIA X85J 55-inch TV")
        );
        // The exact product stays an error, beside the line's warning.
        let found = run(
            "owned-product-offer",
            "<p>The new BRAVIA range is here: trade in your BRAVIA X85J.</p>",
            Format::Html,
            Some(OWNER),
            Some(&catalog()),
        );
        let severities: Vec<_> = found
            .iter()
            .map(|f| (f.severity, f.message.as_str()))
            .collect();
        assert_eq!(
            severities,
            [
                (
                    crate::diagnostic::Severity::Warning,
                    "mentions the BRAVIA line, of which the recipient owns a model"
                ),
                (
                    crate::diagnostic::Severity::Error,
                    "offers BRAVIA X85J 55-inch TV, which the recipient already owns"
                ),
            ]
        );
        let found = run(
            "owned-product-offer",
            html,
            Format::Html,
            Some(r#"{"owned_products": ["SPK-HCF"]}"#),
            Some(&catalog()),
        );
        assert!(found.is_empty());
    }

    #[test]
    fn literal_matching_without_catalog() {
        let html = "<p>Upgrade your Acme Blender 3000 today.</p>";
        let found = run(
            "owned-product-offer",
            html,
            Format::Html,
            Some(r#"{"owned_products": ["acme blender 3000", "TV"]}"#),
            None,
        );
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].message,
            "offers acme blender 3000, which the recipient already owns"
        );
        let found = run(
            "owned-product-offer",
            html,
            Format::Html,
            Some(r#"{"owned_products": ["Acme Toaster"]}"#),
            None,
        );
        assert!(found.is_empty());
    }
}
