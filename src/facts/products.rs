//! Product mentions: where the campaign's read text names a catalog product or line.

pub use crate::catalog::Target;
use crate::catalog::{CatalogIndex, Kind};
use crate::diagnostic::Span;

use super::TextUnit;

/// One mention of a product or product line.
#[derive(Debug, Clone, PartialEq)]
pub struct Mention {
    pub target: Target,
    pub span: Span,
    /// The words as written (decoded).
    pub text: String,
    /// Index into `Facts::units`.
    pub unit: usize,
    /// The campaign offers an accessory or consumable for this product or line, so the
    /// mention names what the offer is *for*, not something to buy.
    pub context: bool,
}

/// Finds every mention in the units a person reads.
pub fn find(catalog: &CatalogIndex, units: &[TextUnit]) -> Vec<Mention> {
    let mut mentions = Vec::new();
    for (unit_index, unit) in units.iter().enumerate().filter(|(_, u)| u.is_read()) {
        for (range, target) in catalog.find_in(&unit.text) {
            if super::in_url_or_address(&unit.text, range.clone()) {
                continue;
            }
            mentions.push(Mention {
                target,
                span: unit.span(range.clone()),
                text: unit.text[range].to_owned(),
                unit: unit_index,
                context: false,
            });
        }
    }
    let offered_for: Vec<usize> = mentions
        .iter()
        .filter_map(|m| match m.target {
            Target::Product(i) if catalog.products[i].kind != Kind::Product => Some(i),
            _ => None,
        })
        .collect();
    for m in &mut mentions {
        m.context = offered_for.iter().any(|&a| catalog.is_for(a, m.target));
    }
    mentions
}
