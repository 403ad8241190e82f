//! `required-field`: a profile field that must be present and non-empty, e.g. a consent
//! date for recipients in Canada (`when = 'country in ["CA"]'`).
//!
//! Shipped rules of this kind: none (a kind for rule packs).

use serde::Deserialize;
use serde_json::Value;

use super::RuleKind;
use crate::diagnostic::Span;
use crate::profiles::Profile;
use crate::rules::{Context, Diag, RecipientCheck};

fn missing_label(field: &str) -> String {
    format!("no {field:?} field in this profile")
}

/// Parameters of the `required-field` kind.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct Params {
    /// The field, by its name in the export (case-insensitive), or one of the mapped
    /// fields `email`, `language`, `country`, `owned_products`, `status`.
    pub field: String,
}

pub struct RequiredField {
    field: String,
}

impl RuleKind for RequiredField {
    type Params = Params;

    fn validate(params: &Params) -> Result<(), String> {
        if params.field.trim().is_empty() {
            return Err("a required-field rule needs `field`".to_owned());
        }
        Ok(())
    }

    fn new(params: Params) -> Self {
        Self {
            field: params.field.trim().to_owned(),
        }
    }
}

fn is_empty(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(s) => s.trim().is_empty(),
        Value::Array(a) => a.iter().all(is_empty),
        _ => false,
    }
}

impl RequiredField {
    /// The field's export name and value, if the profile has it.
    fn find<'p>(&self, profile: &'p Profile) -> Option<(&'p String, &'p Value)> {
        crate::profiles::lookup(&profile.fields, &self.field)
    }

    /// Whether a mapped field (`email`, ...) has a value.
    fn mapped(&self, profile: &Profile) -> Option<bool> {
        Some(match self.field.to_ascii_lowercase().as_str() {
            "email" => profile.email.is_some(),
            "language" => !profile.languages.is_empty(),
            "country" => profile.country.is_some(),
            "owned_products" => !profile.owned_products.is_empty(),
            "status" => profile.status.is_some(),
            _ => return None,
        })
    }
}

impl RecipientCheck for RequiredField {
    /// The export field of that name, else the mapped field.
    fn reads(&self, _facts: &crate::facts::Facts, reads: &mut crate::rules::Reads) {
        reads.named.push(self.field.clone());
        reads.field(&self.field);
    }

    fn profile(&self, cx: &mut Context, profile: &Profile) {
        let found = self.find(profile);
        let present = match (found, self.mapped(profile)) {
            (Some((_, v)), _) => !is_empty(v),
            (None, Some(mapped)) => mapped,
            (None, None) => false,
        };
        if present {
            return;
        }
        let mut diag = Diag::new().arg("field", self.field.clone());
        let spans = &profile.spans;
        let label = match found {
            Some((key, _)) => spans
                .fields
                .get(key)
                .map(|r| (r.clone(), "empty".to_owned())),
            None => spans.whole.clone().map(|r| (r, missing_label(&self.field))),
        };
        if let Some((range, text)) = label {
            diag = diag.label(Span::new(0, range), text);
        }
        cx.report(diag);
    }
}
