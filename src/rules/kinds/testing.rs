//! Helpers for the passing and failing examples at the bottom of each kind.

use crate::campaign::{Campaign, Format};
use crate::catalog::CatalogIndex;
use crate::diagnostic::Finding;
use crate::facts::Facts;
use crate::profiles::{FieldMap, Profile};
use crate::rules::{Env, RuleSet};

/// The shipped rules with only `rule` enabled.
pub fn only(rule: &str) -> RuleSet {
    only_these(&[rule])
}

/// The shipped rules with only `rules` enabled.
pub fn only_these(rules: &[&str]) -> RuleSet {
    let mut set = RuleSet::builtin().expect("shipped rules load");
    set.rules.retain(|r| rules.contains(&r.name.as_str()));
    assert_eq!(set.rules.len(), rules.len(), "shipped rules {rules:?}");
    set
}

pub fn facts(text: &str, format: Format, catalog: Option<&CatalogIndex>, set: &RuleSet) -> Facts {
    let campaign = Campaign::parse("t", text.as_bytes(), format).expect("test campaign parses");
    Facts::analyze(&campaign, catalog, &set.analysis_options())
}

pub fn profile(json: &str) -> Profile {
    crate::profiles::parse_json("p.json", json, &FieldMap::default()).expect("test profile parses")
}

/// Runs `rule` over a campaign (and a profile, if given): campaign, recipient and profile findings.
pub fn run(
    rule: &str,
    text: &str,
    format: Format,
    profile_json: Option<&str>,
    catalog: Option<&CatalogIndex>,
) -> Vec<Finding> {
    let set = only(rule);
    let facts = facts(text, format, catalog, &set);
    let env = Env { catalog };
    let p = profile_json.map(profile);
    let mut out = set.check_campaign(env, &facts, p.as_ref());
    if let Some(p) = &p {
        out.extend(set.check_recipient(env, &facts, p));
        out.extend(set.check_profile(env, p, &[&facts]));
    }
    out
}

/// A minimal HTML email around `body`.
pub fn eml(headers: &str, html: &str) -> String {
    format!(
        "From: Shop <news@example.com>\r\nSubject: News\r\nMIME-Version: 1.0\r\n{headers}Content-Type: text/html; charset=utf-8\r\n\r\n{html}\r\n"
    )
}
