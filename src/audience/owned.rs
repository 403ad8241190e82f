//! `--owned`: owned products from a separate export (an orders or registrations export),
//! joined to the audience by email.

use std::collections::HashMap;
use std::path::Path;

use super::reader::{ReadOptions, for_each_row};
use super::rows::SKIPPED_LISTED;
use crate::error::Result;
use crate::limits::RecordLimits;
use crate::profiles::{FieldMap, Profile};

/// Owned products from a separate export, by lowercased email: the only thing an
/// audience run holds in memory that grows with the data.
#[derive(Debug, Default)]
pub struct OwnedIndex {
    pub by_email: HashMap<String, Vec<String>>,
    pub rows: u64,
    pub skipped: u64,
    /// The first skipped rows: row number, line (when known), reason.
    pub skipped_list: Vec<(u64, Option<u64>, String)>,
    pub path: String,
}

impl OwnedIndex {
    /// Reads an orders or registrations export (CSV, JSON Lines, JSON array; .gz too)
    /// with an email and a SKU column (`Email` + `Lineitem sku` for Shopify orders),
    /// within the record limits of an audience export.
    pub fn load(path: &Path, record_limits: RecordLimits) -> Result<OwnedIndex> {
        let mut index = OwnedIndex {
            path: path.display().to_string(),
            ..OwnedIndex::default()
        };
        let read = ReadOptions {
            owned_join: true,
            record_limits,
            ..ReadOptions::default()
        };
        // Shopify writes the email only on an order's first line item; later lines of the
        // same order (same `Name`) inherit it.
        let mut last: Option<(String, String)> = None;
        for_each_row(path, &FieldMap::default(), &read, |row| {
            index.rows += 1;
            let profile = match row.profile {
                Ok(profile) => profile,
                Err(reason) => {
                    index.skipped += 1;
                    if index.skipped_list.len() < SKIPPED_LISTED {
                        index.skipped_list.push((row.number, row.line, reason));
                    }
                    return;
                }
            };
            let order = profile
                .fields
                .get("Name")
                .and_then(|v| v.as_str())
                .map(str::to_owned);
            let email = match (&profile.email, &last, &order) {
                (Some(e), _, _) => e.to_lowercase(),
                (None, Some((last_order, e)), Some(o)) if last_order == o => e.clone(),
                _ => {
                    index.skipped += 1;
                    if index.skipped_list.len() < SKIPPED_LISTED {
                        let reason = "no email address".to_owned();
                        index.skipped_list.push((row.number, row.line, reason));
                    }
                    return;
                }
            };
            if let Some(o) = order {
                last = Some((o, email.clone()));
            }
            let owned = index.by_email.entry(email).or_default();
            for p in profile.owned_products {
                if !owned.contains(&p) {
                    owned.push(p);
                }
            }
        })?;
        Ok(index)
    }

    /// Adds the products this recipient owns according to the index.
    pub(crate) fn extend(&self, profile: &mut Profile) {
        let Some(email) = &profile.email else { return };
        if let Some(more) = self.by_email.get(&email.to_lowercase()) {
            for p in more {
                if !profile.owned_products.contains(p) {
                    profile.owned_products.push(p.clone());
                }
            }
        }
    }
}
