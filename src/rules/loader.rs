//! Reading rule declarations: the shipped `rules/*.toml` (embedded in the binary) with the
//! overrides of the config. Every problem is a located error, never a panic.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::kinds::{self, ParamsError};
use super::{Rule, RuleSet};
use crate::catalog::toml_error;
use crate::diagnostic::Severity;
use crate::error::{Error, Result};

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded_rules.rs"));
}

/// A rule's documentation; `campaign-lint explain` prints it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Docs {
    /// What the rule checks.
    pub what: String,
    /// Why it matters.
    pub why: String,
    /// An example that fails.
    pub example: String,
    /// What to do instead.
    pub fix: String,
    /// RFCs, laws, provider guidelines.
    #[serde(default)]
    pub references: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    kind: toml::Spanned<String>,
    severity: Severity,
    summary: String,
    message: String,
    help: Option<String>,
    #[serde(default)]
    #[allow(dead_code, reason = "read again, typed, by the rule kind")]
    params: toml::Table,
    docs: Docs,
}

/// A rule's settings in the config: `[rules.NAME]`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleOverride {
    pub severity: Option<Severity>,
    /// Parameters replacing the rule file's, key by key.
    #[serde(default)]
    pub params: toml::Table,
}

/// Whether `name` is kebab-case (`owned-product-offer`).
pub fn is_kebab_case(name: &str) -> bool {
    !name.is_empty()
        && name.split('-').all(|w| {
            !w.is_empty()
                && w.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        })
        && name.starts_with(|c: char| c.is_ascii_lowercase())
}

impl RuleSet {
    /// The shipped rules, with the config's overrides applied. `config` names the config
    /// file in errors about the overrides.
    pub fn load(overrides: &BTreeMap<String, RuleOverride>, config: &str) -> Result<RuleSet> {
        let mut rules = Vec::new();
        for (name, text) in embedded::EMBEDDED {
            let path = format!("rules/{name}.toml");
            rules.push(parse_rule(
                name,
                &path,
                "built-in",
                text,
                overrides.get(*name),
                config,
            )?);
        }
        for name in overrides.keys() {
            if !rules.iter().any(|r: &Rule| &r.name == name) {
                let mut known: Vec<&str> = rules.iter().map(|r| r.name.as_str()).collect();
                known.sort_unstable();
                return Err(Error::new(
                    config,
                    format!(
                        "[rules.{name}]: no rule named {name:?} (rules: {})",
                        known.join(", ")
                    ),
                ));
            }
        }
        Ok(RuleSet { rules })
    }

    /// The shipped rules as declared.
    pub fn builtin() -> Result<RuleSet> {
        RuleSet::load(&BTreeMap::new(), "")
    }
}

/// Parses one rule declaration. `path` names the file in errors; `origin` is what
/// `campaign-lint rules` shows.
pub fn parse_rule(
    name: &str,
    path: &str,
    origin: &str,
    text: &str,
    over: Option<&RuleOverride>,
    config: &str,
) -> Result<Rule> {
    if !is_kebab_case(name) {
        return Err(Error::new(
            path,
            format!("rule name {name:?} is not kebab-case (e.g. owned-product-offer)"),
        ));
    }
    let file: RuleFile = toml::from_str(text).map_err(|e| toml_error(path, text, &e))?;
    let kind_name = file.kind.get_ref();
    let Some(kind) = kinds::KINDS.iter().find(|k| k.name == kind_name) else {
        let known: Vec<&str> = kinds::KINDS.iter().map(|k| k.name).collect();
        return Err(Error::new(
            path,
            format!(
                "unknown rule kind {kind_name:?} (kinds: {})",
                known.join(", ")
            ),
        )
        .at_offset(text, file.kind.span().start));
    };
    let empty = toml::Table::new();
    let param_overrides = over.map_or(&empty, |o| &o.params);
    let check = (kind.build)(text, param_overrides).map_err(|e| match e {
        ParamsError::File(e) => toml_error(path, text, &e),
        ParamsError::Override(message) => {
            Error::new(config, format!("[rules.{name}.params]: {message}"))
        }
    })?;
    if file.severity == Severity::Off {
        return Err(Error::new(
            path,
            "a rule file declares its default severity: error, warning or info",
        ));
    }
    Ok(Rule {
        name: name.to_owned(),
        kind: kind.name,
        severity: over.and_then(|o| o.severity).unwrap_or(file.severity),
        summary: file.summary,
        message: file.message,
        help: file.help,
        docs: file.docs,
        origin: origin.to_owned(),
        check,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kebab_case() {
        assert!(is_kebab_case("owned-product-offer"));
        assert!(is_kebab_case("rule2"));
        for bad in ["", "Owned", "owned_product", "-x", "x-", "a--b", "2x"] {
            assert!(!is_kebab_case(bad), "{bad}");
        }
    }

    const GOOD: &str = r#"
kind = "subscription-status"
severity = "error"
summary = "s"
message = "m"
[docs]
what = "w"
why = "y"
example = "e"
fix = "f"
"#;

    #[test]
    fn bad_rule_files_are_located() {
        let err = parse_rule(
            "x",
            "x.toml",
            "t",
            &GOOD.replace("summary", "sumary"),
            None,
            "",
        )
        .unwrap_err();
        assert_eq!(err.position.map(|p| p.0), Some(4), "{err}");
        let err = parse_rule(
            "x",
            "x.toml",
            "t",
            &GOOD.replace("subscription-status", "nope"),
            None,
            "",
        )
        .unwrap_err();
        assert_eq!(err.position, Some((2, 8)), "{err}");
        assert!(err.message.contains("unknown rule kind"));
        let err = parse_rule(
            "x",
            "x.toml",
            "t",
            &format!("{GOOD}[params]\nbogus = 1\n"),
            None,
            "",
        )
        .unwrap_err();
        assert_eq!(err.position.map(|p| p.0), Some(12), "{err}");
        let err = parse_rule("x", "x.toml", "t", "kind = [", None, "").unwrap_err();
        assert!(err.position.is_some());
    }

    #[test]
    fn overrides_apply() {
        let over = RuleOverride {
            severity: Some(Severity::Warning),
            params: toml::Table::new(),
        };
        let rule = parse_rule("x", "x.toml", "t", GOOD, Some(&over), "c.toml").unwrap();
        assert_eq!(rule.severity, Severity::Warning);
        let mut params = toml::Table::new();
        params.insert("nope".into(), toml::Value::Integer(1));
        let over = RuleOverride {
            severity: None,
            params,
        };
        let err = parse_rule("x", "x.toml", "t", GOOD, Some(&over), "c.toml").unwrap_err();
        assert_eq!(err.file, "c.toml");
    }

    #[test]
    fn shipped_rules_load() {
        let set = RuleSet::builtin().unwrap();
        assert!(set.rules.len() >= 8);
    }
}
