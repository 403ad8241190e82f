//! Keeps the rule catalogue honest: every shipped rule loads, is named and documented
//! properly, writes its messages in the house style, and fails on at least one sample.

mod common;

use std::collections::BTreeSet;

use campaign_lint::rules::RuleSet;
use common::{CASES, run};

#[test]
fn every_rule_file_loads() {
    let dir = common::root().join("rules");
    let files: BTreeSet<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    let set = RuleSet::builtin().expect("shipped rules load");
    let names: BTreeSet<String> = set.rules.iter().map(|r| r.name.clone()).collect();
    assert_eq!(
        files, names,
        "every file in rules/ is embedded, and nothing else"
    );
    assert_eq!(names.len(), set.rules.len(), "rule names are unique");
}

#[test]
fn every_rule_is_documented_in_house_style() {
    for rule in RuleSet::builtin().unwrap().rules {
        let name = &rule.name;
        assert!(
            rule.name.split('-').all(|w| !w.is_empty()
                && w.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())),
            "{name}: kebab-case"
        );
        let d = rule
            .docs
            .as_ref()
            .unwrap_or_else(|| panic!("{name}: a shipped rule has [docs]"));
        for (section, text) in [
            ("what", &d.what),
            ("why", &d.why),
            ("example", &d.example),
            ("fix", &d.fix),
        ] {
            assert!(
                text.trim().len() >= 20,
                "{name}: docs.{section} is missing or too short"
            );
        }
        assert!(!d.references.is_empty(), "{name}: docs.references");
        assert!(!rule.summary.is_empty(), "{name}: summary");
        let m = &rule.message;
        assert!(
            m.chars().next().is_some_and(|c| !c.is_uppercase())
                || m.starts_with("List-")
                || m.starts_with('<'),
            "{name}: message starts lowercase: {m:?}"
        );
        assert!(
            !m.ends_with('.'),
            "{name}: message ends without a period: {m:?}"
        );
        assert!(
            rule.help.as_deref().is_some_and(|h| !h.is_empty()),
            "{name}: help"
        );
        let out = run(&["explain", name]);
        assert_eq!(out.code, 0, "{name}: explain");
        for heading in [
            "## What it does",
            "## Why it matters",
            "## Example",
            "## What to do instead",
            "## References",
        ] {
            assert!(
                out.stdout.contains(heading),
                "{name}: explain prints {heading}"
            );
        }
    }
}

#[test]
fn every_rule_fails_on_a_sample() {
    let mut fired = BTreeSet::new();
    for (_, extra, _) in CASES {
        let mut argv = vec!["check"];
        argv.extend_from_slice(extra);
        argv.extend_from_slice(&["--format", "json"]);
        let out = run(&argv);
        let value: serde_json::Value = serde_json::from_str(&out.stdout).expect("valid JSON");
        for f in value["findings"].as_array().unwrap() {
            let info_rule = RuleSet::builtin()
                .unwrap()
                .get(f["rule"].as_str().unwrap())
                .is_some_and(|r| r.severity == campaign_lint::diagnostic::Severity::Info);
            // An info-level rule fires as an info; the others must fire above it.
            if f["severity"] != "info" || info_rule {
                fired.insert(f["rule"].as_str().unwrap().to_owned());
            }
        }
    }
    for rule in RuleSet::builtin().unwrap().rules {
        assert!(
            fired.contains(&rule.name),
            "no sample makes {} fire",
            rule.name
        );
    }
}

/// Audience mode checks each distinct combination of what the rules read once; a rule
/// whose kind does not say what it reads (`Check::reads`) is taken to read everything,
/// which turns that off and makes an audience of millions twenty times slower.
#[test]
fn every_shipped_rule_says_what_it_reads() {
    use campaign_lint::campaign::Campaign;
    use campaign_lint::facts::Facts;
    use campaign_lint::limits::Limits;
    use campaign_lint::rules::Reads;

    let set = RuleSet::builtin().unwrap();
    let options = set.analysis_options();
    let campaign = Campaign::load(
        &common::root().join("samples/templates/greeting-fields.html"),
        &Limits::default(),
    )
    .unwrap();
    let facts = Facts::analyze(&campaign, None, &options);
    for rule in &set.rules {
        let mut reads = Reads::default();
        set.reads_of(&rule.name, &facts, &mut reads);
        assert!(
            !reads.everything,
            "{}: its kind ({}) does not implement Check::reads",
            rule.name, rule.kind
        );
    }
}

/// A rule's three names lead to each other: `rules/NAME.toml` says `kind = "KIND"`, the
/// kind is implemented in `src/rules/kinds/KIND.rs` (dashes as underscores), and that
/// file's doc comment lists exactly the shipped rules of its kind.
#[test]
fn every_kind_file_lists_its_shipped_rules() {
    let set = RuleSet::builtin().unwrap();
    let dir = common::root().join("src/rules/kinds");
    let mut files = BTreeSet::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        if path.extension().is_none_or(|e| e != "rs") || stem == "mod" || stem == "testing" {
            continue;
        }
        let kind = stem.replace('_', "-");
        let text = std::fs::read_to_string(&path).unwrap();
        let prefix = "//! Shipped rules of this kind: ";
        let line = text
            .lines()
            .find_map(|l| l.strip_prefix(prefix))
            .unwrap_or_else(|| panic!("{}: a line `{prefix}...`", path.display()));
        let listed: BTreeSet<&str> = line.split('`').skip(1).step_by(2).collect();
        let shipped: BTreeSet<&str> = set
            .rules
            .iter()
            .filter(|r| r.kind == kind)
            .map(|r| r.name.as_str())
            .collect();
        assert_eq!(
            listed,
            shipped,
            "{}: lists the shipped rules of kind {kind}",
            path.display()
        );
        if shipped.is_empty() {
            assert!(line.starts_with("none"), "{}: says none", path.display());
        }
        files.insert(kind);
    }
    let kinds: BTreeSet<String> = campaign_lint::rules::kinds::KINDS
        .iter()
        .map(|k| k.name.to_owned())
        .collect();
    assert_eq!(
        files, kinds,
        "one file in src/rules/kinds/ per kind, named after it"
    );
}

/// Kind parameters whose Rust default no shipped rule states, because every shipped rule
/// of the kind sets its own value: the default serves rule packs, and README's "Writing a
/// rule pack" shows it.
const PACK_ONLY_DEFAULTS: &[(&str, &str)] = &[("pattern", "scope")];

/// The shipped rule files are the one source of parameters: every shipped rule states
/// each parameter of its kind that has a value by default (an `Option` left out means
/// "not set"), with a comment saying what it means, and each default of the kind's
/// `Default` impl is what a shipped rule file of that kind states.
#[test]
fn rule_files_state_every_parameter_and_the_kinds_defaults() {
    let set = RuleSet::builtin().unwrap();
    let dir = common::root().join("rules");
    let file_params = |name: &str| -> toml::Table {
        let text = std::fs::read_to_string(dir.join(format!("{name}.toml"))).unwrap();
        let mut file: toml::Table = toml::from_str(&text).unwrap();
        match file.remove("params") {
            Some(toml::Value::Table(t)) => t,
            _ => toml::Table::new(),
        }
    };
    for kind in campaign_lint::rules::kinds::KINDS {
        let rules: Vec<(&str, toml::Table)> = set
            .rules
            .iter()
            .filter(|r| r.kind == kind.name)
            .map(|r| (r.name.as_str(), file_params(&r.name)))
            .collect();
        let defaults = (kind.defaults)();
        for (name, params) in &rules {
            let whole = (kind.describe)(params);
            assert!(
                whole.is_ok(),
                "rules/{name}.toml: [params] reads: {whole:?}"
            );
        }
        for field in (kind.fields)() {
            let unset = defaults.contains(&format!(" {}: None", field.replace('-', "_")));
            let mut stated = Vec::new();
            let mut agrees = unset || PACK_ONLY_DEFAULTS.contains(&(kind.name, field));
            for (name, params) in &rules {
                let Some(value) = params.get(*field) else {
                    assert!(
                        unset,
                        "rules/{name}.toml: [params] states `{field}` (kind {} has a default \
                         for it: {defaults})",
                        kind.name
                    );
                    continue;
                };
                let one = toml::Table::from_iter([(field.to_string(), value.clone())]);
                agrees |= (kind.describe)(&one).unwrap() == defaults;
                stated.push(format!("{name}: {value}"));
            }
            assert!(
                agrees || rules.is_empty(),
                "kind {}: the default of `{field}` in Rust ({defaults}) is what no shipped rule \
                 file states ({})",
                kind.name,
                stated.join(", ")
            );
        }
    }
    for rule in &set.rules {
        for p in campaign_lint::rules::params::parameters(rule) {
            assert!(
                p.meaning.is_some(),
                "rules/{}.toml: a comment above `{}` in [params] says what it means",
                rule.name,
                p.name
            );
        }
    }
}

/// `explain` prints each parameter the rule runs with and what it means, from the rule
/// file: plain values, a table (`defer-to`), one with a config override.
#[test]
fn explain_prints_parameters() {
    for rule in ["language-mismatch", "small-print-unsubscribe-link"] {
        let out = run(&["explain", rule]);
        assert_eq!(out.code, 0, "{}", out.stderr);
        insta::assert_snapshot!(format!("explain-{rule}"), out.stdout);
    }
    let dir = common::temp_dir("explain-override");
    std::fs::write(
        dir.join("campaign-lint.toml"),
        "[rules.language-mismatch.params]\nmin-words = 40\n",
    )
    .unwrap();
    let out = common::run_in(&dir, &["explain", "language-mismatch"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout
            .contains("    min-words = 40\n        Fewer words of subject"),
        "{}",
        out.stdout
    );
}
