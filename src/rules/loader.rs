//! Reading rule declarations: the shipped `rules/*.toml` (embedded in the binary), rule
//! packs (directories of rule files), the config's overrides, and the command line's
//! selection, in that order. Every problem is a located error, never a panic.
//!
//! A pack file whose stem names no rule yet must declare a whole rule (`kind`, ...). A
//! pack file named like an existing rule and without `kind` overrides it: `severity`
//! (`"off"` disables it), `summary`, `message`, `help`, `when`, and `params` key by key.
//! With `kind`, it replaces the rule.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use super::condition::Condition;
use super::kinds::{self, ParamsError};
use super::{Checker, Rule, RuleSet};
use crate::config::{RuleOverride, When};
use crate::diagnostic::Severity;
use crate::error::toml_error;
use crate::error::{Error, Result};
use crate::facts::CampaignKind;

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

/// A whole rule declaration.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    kind: Spanned<String>,
    severity: Severity,
    summary: String,
    message: String,
    help: Option<String>,
    /// None when the file has no `[params]` (the kind's defaults).
    params: Option<toml::Table>,
    docs: Option<Docs>,
    when: Option<Spanned<When>>,
    /// The kinds of campaign the rule checks (all when absent).
    #[serde(rename = "applies-to")]
    applies_to: Option<Vec<CampaignKind>>,
}

/// Where the rules come from, besides the shipped ones.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions<'a> {
    /// Rule pack directories, in order (later packs win).
    pub packs: Vec<PathBuf>,
    /// `[rules.NAME]` of the config.
    pub overrides: Option<&'a BTreeMap<String, RuleOverride>>,
    /// The config file's name and text, for located errors in its overrides.
    pub config: (String, String),
    /// Only these rules (empty: all).
    pub select: Vec<String>,
    /// Not these rules.
    pub ignore: Vec<String>,
}

/// A rule being assembled: its declaration and what overrides it.
struct Decl {
    name: String,
    /// The file that declares it (for errors), its text, and the origin shown to users.
    path: String,
    text: String,
    origin: String,
    file: RuleFile,
    /// Parameter overrides, and where the last of them came from.
    params: toml::Table,
    /// The file (and its text) that last overrode the parameters.
    params_from: Option<(String, String)>,
    /// The `when` conditions and where they were written (file, text, offset).
    when: Option<(When, String, String, usize)>,
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
    /// The shipped rules as declared.
    pub fn builtin() -> Result<RuleSet> {
        RuleSet::load(&LoadOptions::default())
    }

    /// The shipped rules with one rule file of a pack, given as text, as if it were
    /// `PACK/NAME.toml`: the same checks as [`RuleSet::load`] makes of a pack file, with
    /// no file system (the fuzz target of the rule loader goes through here).
    pub fn with_rule_file(name: &str, text: &str) -> Result<RuleSet> {
        let mut decls = builtin_decls()?;
        add_pack_file("PACK", &format!("PACK/{name}.toml"), name, text, &mut decls)?;
        let rules = decls
            .into_iter()
            .map(Decl::build)
            .collect::<Result<Vec<Rule>>>()?;
        Ok(RuleSet { rules })
    }

    /// The shipped rules, then the packs, the config's overrides and the selection.
    pub fn load(options: &LoadOptions) -> Result<RuleSet> {
        let mut decls = builtin_decls()?;
        for pack in &options.packs {
            load_pack(pack, &mut decls)?;
        }
        let (config, config_text) = &options.config;
        for (name, over) in options.overrides.into_iter().flatten() {
            let Some(decl) = decls.iter_mut().find(|d| &d.name == name) else {
                let at = config_text.find(&format!("[rules.{name}")).unwrap_or(0);
                return Err(Error::new(
                    config,
                    unknown_rule(&decls, name, &format!("[rules.{name}]")),
                )
                .at_offset(config_text, at));
            };
            decl.apply(over, config, config_text);
        }
        let mut rules = decls
            .into_iter()
            .map(Decl::build)
            .collect::<Result<Vec<Rule>>>()?;
        for name in options.select.iter().chain(&options.ignore) {
            if !rules.iter().any(|r| &r.name == name) {
                return Err(Error::new("", suggest(&rules, name, "--select/--ignore")));
            }
        }
        for rule in &mut rules {
            let unselected = !options.select.is_empty() && !options.select.contains(&rule.name);
            if unselected || options.ignore.contains(&rule.name) {
                rule.severity = Severity::Off;
            }
        }
        Ok(RuleSet { rules })
    }
}

impl Decl {
    fn new(name: &str, path: String, text: &str, origin: &str, file: RuleFile) -> Decl {
        let when = file.when.as_ref().map(|w| {
            (
                w.get_ref().clone(),
                path.clone(),
                text.to_owned(),
                w.span().start,
            )
        });
        Decl {
            name: name.to_owned(),
            path,
            text: text.to_owned(),
            origin: origin.to_owned(),
            params: file.params.clone().unwrap_or_default(),
            params_from: None,
            when,
            file,
        }
    }

    fn apply(&mut self, over: &RuleOverride, from: &str, text: &str) {
        let f = &mut self.file;
        if let Some(s) = over.severity {
            f.severity = s;
        }
        if let Some(s) = &over.summary {
            f.summary.clone_from(s);
        }
        if let Some(m) = &over.message {
            f.message.clone_from(m);
        }
        if let Some(h) = &over.help {
            f.help = Some(h.clone());
        }
        for (k, v) in &over.params {
            self.params.insert(k.clone(), v.clone());
        }
        if !over.params.is_empty() {
            self.params_from = Some((from.to_owned(), text.to_owned()));
        }
        if let Some(kinds) = &over.applies_to {
            f.applies_to = Some(kinds.clone());
        }
        if let Some(w) = &over.when {
            // Overrides come from a table, without positions: find the key in the text.
            let section = text.find(&format!("[rules.{}]", self.name)).unwrap_or(0);
            let at = text[section..]
                .find("when")
                .map_or(section, |i| section + i);
            self.when = Some((w.clone(), from.to_owned(), text.to_owned(), at));
        }
    }

    fn build(self) -> Result<Rule> {
        let kind_name = self.file.kind.get_ref();
        let Some(kind) = kinds::KINDS.iter().find(|k| k.name == kind_name) else {
            let known: Vec<&str> = kinds::KINDS.iter().map(|k| k.name).collect();
            return Err(Error::new(
                &self.path,
                format!(
                    "unknown rule kind {kind_name:?} (kinds: {})",
                    known.join(", ")
                ),
            )
            .at_offset(&self.text, self.file.kind.span().start));
        };
        let overrides = if self.params_from.is_some() {
            self.params.clone()
        } else {
            toml::Table::new()
        };
        let check = (kind.build)(&self.text, self.file.params.as_ref(), &overrides).map_err(
            |e| match e {
                ParamsError::File(e) => toml_error(&self.path, &self.text, &e),
                ParamsError::Override(message) => {
                    let (from, text) = self.params_from.clone().unwrap_or_default();
                    let section = format!("[rules.{}.params]", self.name);
                    let at = text
                        .find(&section)
                        .or_else(|| text.find("[params]"))
                        .unwrap_or(0);
                    let what = if text.contains(&section) {
                        section
                    } else {
                        "[params]".to_owned()
                    };
                    Error::new(from, format!("{what}: {message}")).at_offset(&text, at)
                }
                ParamsError::Invalid(message) => Error::new(
                    &self.path,
                    format!("parameters of rule {}: {message}", self.name),
                ),
            },
        )?;
        // A shipped rule's work on first use is tested; a rule a user wrote or changed does
        // it now, so that it cannot fail later and silently find nothing.
        if let (Checker::Campaign(campaign), true) = (
            &check,
            self.origin != "built-in" || self.params_from.is_some(),
        ) {
            campaign.prepare().map_err(|(key, message)| {
                let (path, text) = match &self.params_from {
                    Some((from, text)) if key_offset(text, &self.name, key).is_some() => {
                        (from.as_str(), text.as_str())
                    }
                    _ => (self.path.as_str(), self.text.as_str()),
                };
                let at = key_offset(text, &self.name, key).unwrap_or(0);
                Error::new(path, format!("`{key}` of rule {}: {message}", self.name))
                    .at_offset(text, at)
            })?;
        }
        let when = match &self.when {
            None => None,
            Some((when, path, text, at)) => {
                Some(Condition::parse(&when.conditions()).map_err(|m| {
                    Error::new(path, format!("`when` of rule {}: {m}", self.name))
                        .at_offset(text, *at)
                })?)
            }
        };
        Ok(Rule {
            name: self.name,
            kind: kind.name,
            severity: self.file.severity,
            summary: self.file.summary,
            message: self.file.message,
            help: self.file.help,
            docs: self.file.docs,
            origin: self.origin,
            when,
            applies_to: self
                .file
                .applies_to
                .unwrap_or_else(|| vec![CampaignKind::Marketing, CampaignKind::Transactional]),
            params: self.params,
            check,
        })
    }
}

/// The shipped rule files: (name, TOML text), sorted by name.
pub(crate) fn shipped_texts() -> &'static [(&'static str, &'static str)] {
    embedded::EMBEDDED
}

/// The shipped rule declarations.
fn builtin_decls() -> Result<Vec<Decl>> {
    embedded::EMBEDDED
        .iter()
        .map(|(name, text)| {
            let path = format!("rules/{name}.toml");
            let file = parse_declaration(name, &path, text)?;
            Ok(Decl::new(name, path, text, "built-in", file))
        })
        .collect()
}

/// Where `key` is set among the parameters of rule `name` in a rule file (`[params]`) or
/// a config (`[rules.NAME.params]`): the start of its line. Tables hold no positions, so
/// the key is found in the text.
fn key_offset(text: &str, name: &str, key: &str) -> Option<usize> {
    let section = text
        .find(&format!("[rules.{name}.params]"))
        .or_else(|| text.find("[params]"))?;
    let mut at = section;
    for (i, line) in text[section..].split_inclusive('\n').enumerate() {
        let start = at;
        at += line.len();
        let trimmed = line.trim_start();
        if i == 0 {
            continue;
        }
        if trimmed.starts_with('[') {
            return None;
        }
        if trimmed
            .strip_prefix(key)
            .is_some_and(|rest| rest.trim_start().starts_with('='))
        {
            return Some(start + line.len() - trimmed.len());
        }
    }
    None
}

/// Reads one pack directory into `decls`.
fn load_pack(dir: &Path, decls: &mut Vec<Decl>) -> Result<()> {
    let display = dir.display().to_string();
    let entries = std::fs::read_dir(dir).map_err(|e| {
        Error::new(
            &display,
            format!(
                "cannot read the rule pack: {}",
                crate::error::io_message(&e)
            ),
        )
    })?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(Error::new(
            &display,
            "the rule pack has no .toml rule files",
        ));
    }
    for path in files {
        let path_display = path.display().to_string();
        let name = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_owned();
        let text = crate::campaign::read_text_within(&path, crate::config::MAX_SETTINGS_MB)?;
        add_pack_file(&display, &path_display, &name, &text, decls)?;
    }
    Ok(())
}

/// Adds one rule file of a pack (`pack` names the pack, `path` the file): a new rule when
/// it declares a `kind`, else an override of the rule named `name`.
fn add_pack_file(
    pack: &str,
    path: &str,
    name: &str,
    text: &str,
    decls: &mut Vec<Decl>,
) -> Result<()> {
    let table: toml::Table = toml::from_str(text).map_err(|e| toml_error(path, text, &e))?;
    if table.contains_key("kind") {
        let file = parse_declaration(name, path, text)?;
        let decl = Decl::new(name, path.to_owned(), text, pack, file);
        match decls.iter_mut().find(|d| d.name == name) {
            Some(existing) => *existing = decl,
            None => decls.push(decl),
        }
        return Ok(());
    }
    let over: RuleOverride = toml::from_str(text).map_err(|e| toml_error(path, text, &e))?;
    let Some(decl) = decls.iter_mut().find(|d| d.name == name) else {
        return Err(Error::new(
            path,
            format!(
                "{}; a new rule needs `kind`, `severity`, `summary` and `message`",
                unknown_rule(decls, name, "this file")
            ),
        ));
    };
    decl.apply(&over, path, text);
    decl.origin = format!("{} (overridden by {pack})", decl.origin);
    Ok(())
}

/// Parses a whole rule declaration, checking the name first.
fn parse_declaration(name: &str, path: &str, text: &str) -> Result<RuleFile> {
    if !is_kebab_case(name) {
        return Err(Error::new(
            path,
            format!(
                "rule name {name:?} (the file name) is not kebab-case, e.g. owned-product-offer"
            ),
        ));
    }
    let file: RuleFile = toml::from_str(text).map_err(|e| toml_error(path, text, &e))?;
    if file.severity == Severity::Off {
        return Err(Error::new(
            path,
            "a rule declares its default severity: error, warning or info (turn a rule off in an override)",
        ));
    }
    Ok(file)
}

fn unknown_rule(decls: &[Decl], name: &str, what: &str) -> String {
    let names: Vec<&str> = decls.iter().map(|d| d.name.as_str()).collect();
    suggest_from(&names, name, what)
}

fn suggest(rules: &[Rule], name: &str, what: &str) -> String {
    let names: Vec<&str> = rules.iter().map(|r| r.name.as_str()).collect();
    suggest_from(&names, name, what)
}

/// "no rule named X", with the closest name when one is close.
pub fn suggest_from(names: &[&str], name: &str, what: &str) -> String {
    let closest = names.iter().map(|n| (edit_distance(n, name), *n)).min();
    match closest {
        Some((d, near)) if d <= 4 => format!(
            "{what}: no rule named {name:?}; did you mean {near:?}? (see `campaign-lint rules`)"
        ),
        _ => format!("{what}: no rule named {name:?} (see `campaign-lint rules`)"),
    }
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur.push((prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
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

    fn build(text: &str) -> Result<Rule> {
        Decl::new(
            "x",
            "x.toml".into(),
            text,
            "t",
            parse_declaration("x", "x.toml", text)?,
        )
        .build()
    }

    #[test]
    fn bad_rule_files_are_located() {
        let err = build(&GOOD.replace("summary", "sumary")).unwrap_err();
        assert_eq!(err.position.map(|p| p.0), Some(4), "{err}");
        let err = build(&GOOD.replace("subscription-status", "nope")).unwrap_err();
        assert_eq!(err.position, Some((2, 8)), "{err}");
        assert!(err.message.contains("unknown rule kind"));
        let err = build(&format!("{GOOD}[params]\nbogus = 1\n")).unwrap_err();
        assert_eq!(err.position.map(|p| p.0), Some(12), "{err}");
        let err = build("kind = [").unwrap_err();
        assert!(err.position.is_some());
        let err = build(&GOOD.replace(
            "severity = \"error\"",
            "severity = \"error\"\nwhen = 'country is \"CA\"'",
        ))
        .unwrap_err();
        assert_eq!(err.position, Some((4, 8)), "{err}");
    }

    #[test]
    fn overrides_apply() {
        let mut decl = Decl::new(
            "x",
            "x.toml".into(),
            GOOD,
            "t",
            parse_declaration("x", "x.toml", GOOD).unwrap(),
        );
        let over: RuleOverride = toml::from_str(
            "severity = \"warning\"\nmessage = \"new\"\nwhen = 'country in [\"CA\"]'\n",
        )
        .unwrap();
        decl.apply(&over, "c.toml", "");
        let rule = decl.build().unwrap();
        assert_eq!(
            (rule.severity, rule.message.as_str()),
            (Severity::Warning, "new")
        );
        assert!(rule.when.is_some());
        let mut decl = Decl::new(
            "x",
            "x.toml".into(),
            GOOD,
            "t",
            parse_declaration("x", "x.toml", GOOD).unwrap(),
        );
        let over: RuleOverride = toml::from_str("[params]\nnope = 1\n").unwrap();
        decl.apply(&over, "c.toml", "");
        let err = decl.build().unwrap_err();
        assert_eq!(err.file, "c.toml");
    }

    #[test]
    fn shipped_rules_load() {
        let set = RuleSet::builtin().unwrap();
        assert!(set.rules.len() >= 8);
    }

    #[test]
    fn select_and_ignore() {
        let options = LoadOptions {
            select: vec!["language-mismatch".into(), "owned-product-offer".into()],
            ignore: vec!["owned-product-offer".into()],
            ..LoadOptions::default()
        };
        let set = RuleSet::load(&options).unwrap();
        let on: Vec<&str> = set
            .rules
            .iter()
            .filter(|r| r.severity != Severity::Off)
            .map(|r| r.name.as_str())
            .collect();
        assert_eq!(on, ["language-mismatch"]);
        let options = LoadOptions {
            ignore: vec!["language-missmatch".into()],
            ..LoadOptions::default()
        };
        let err = RuleSet::load(&options).unwrap_err();
        assert!(
            err.message.contains("did you mean \"language-mismatch\""),
            "{err}"
        );
    }
}
