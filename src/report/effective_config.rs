//! `campaign-lint config`: the effective configuration, as TOML that could be pasted back
//! into a `campaign-lint.toml` (with the origin of each rule as a comment-like field).

use std::fmt::Write as _;

use toml::{Table, Value};

use crate::config::Config;
use crate::rules::RuleSet;

fn string(s: impl Into<String>) -> Value {
    Value::String(s.into())
}

pub fn effective_config(config: &Config, rules: &RuleSet) -> String {
    let mut out = String::new();
    let _ = match &config.path {
        Some(p) => writeln!(
            out,
            "# Effective configuration; config file: {}\n",
            super::neutralize(&p.display().to_string())
        ),
        None => writeln!(
            out,
            "# Effective configuration; no campaign-lint.toml found: defaults\n"
        ),
    };
    let mut top = Table::new();
    if let Some(c) = &config.catalog {
        top.insert("catalog".into(), string(c.display().to_string()));
    }
    let f = &config.fields;
    let mut fields = Table::new();
    for (k, v) in [
        ("email", &f.email),
        ("language", &f.language),
        ("country", &f.country),
        ("owned_products", &f.owned_products),
        ("status", &f.status),
    ] {
        fields.insert(k.into(), string(v.clone()));
    }
    top.insert("fields".into(), Value::Table(fields));
    if !config.exclude.is_empty() {
        let globs = config.exclude.iter().map(|g| string(g.clone())).collect();
        top.insert("exclude".into(), Value::Array(globs));
    }
    let strings = |list: &[String]| Value::Array(list.iter().map(|g| string(g.clone())).collect());
    if !config.transactional.is_empty() {
        let mut campaigns = Table::new();
        campaigns.insert(
            "transactional".into(),
            strings(config.transactional.patterns()),
        );
        top.insert("campaigns".into(), Value::Table(campaigns));
    }
    let (globs, ignored) = &config.per_file_ignores;
    if !globs.is_empty() {
        let table = globs
            .patterns()
            .iter()
            .zip(ignored)
            .map(|(glob, rules)| (glob.clone(), strings(rules)))
            .collect();
        top.insert("per-file-ignores".into(), Value::Table(table));
    }
    if !config.https_hosts.is_empty() {
        let mut fix = Table::new();
        fix.insert("https-hosts".into(), strings(&config.https_hosts));
        top.insert("fix".into(), Value::Table(fix));
    }
    let mut limits = Table::new();
    limits.insert(
        "max-campaign-mb".into(),
        Value::Float(config.limits.max_campaign_mb),
    );
    limits.insert(
        "max-skipped-percent".into(),
        Value::Float(config.limits.max_skipped_percent),
    );
    for (key, value) in [
        ("max-mime-depth", config.limits.max_mime_depth),
        ("max-header-count", config.limits.max_header_count),
        ("max-html-depth", config.limits.max_html_depth),
        ("max-csv-record-lines", config.limits.max_csv_record_lines),
        ("max-csv-record-kb", config.limits.max_csv_record_kb),
        ("max-json-record-kb", config.limits.max_json_record_kb),
        ("examples", config.limits.examples),
    ] {
        limits.insert(
            key.into(),
            Value::Integer(i64::try_from(value).unwrap_or(i64::MAX)),
        );
    }
    top.insert("limits".into(), Value::Table(limits));
    // `[proof]`, when the config sets it (never a password: it is not in the config).
    let proof = &config.proof;
    if *proof != crate::config::ProofSettings::default() {
        let mut t = Table::new();
        let paths = [
            ("seeds", &proof.seeds),
            ("ca-file", &proof.ca_file),
            ("dkim-key", &proof.dkim_key),
        ];
        let texts = [
            ("smtp", &proof.smtp),
            ("from", &proof.from),
            ("dkim-selector", &proof.dkim_selector),
            ("dkim-domain", &proof.dkim_domain),
        ];
        for (key, value) in texts {
            if let Some(v) = value {
                t.insert(key.into(), string(v.clone()));
            }
        }
        for (key, value) in paths {
            if let Some(v) = value {
                t.insert(key.into(), string(v.display().to_string()));
            }
        }
        t.insert(
            "subject-prefix".into(),
            string(proof.subject_prefix.clone()),
        );
        for (key, value) in [
            ("max-recipients", proof.max_recipients as u64),
            ("timeout-seconds", proof.timeout_seconds),
        ] {
            t.insert(
                key.into(),
                Value::Integer(i64::try_from(value).unwrap_or(i64::MAX)),
            );
        }
        top.insert("proof".into(), Value::Table(t));
    }
    let mut section = Table::new();
    if !config.packs.is_empty() {
        let packs = config
            .packs
            .iter()
            .map(|p| string(p.display().to_string()))
            .collect();
        section.insert("packs".into(), Value::Array(packs));
    }
    for rule in &rules.rules {
        let mut t = Table::new();
        t.insert("severity".into(), string(rule.severity.as_str()));
        t.insert("kind".into(), string(rule.kind));
        t.insert("origin".into(), string(rule.origin.clone()));
        if let Some(when) = &rule.when {
            t.insert("when".into(), string(when.source.clone()));
        }
        if let [only] = rule.applies_to.as_slice() {
            t.insert("applies-to".into(), Value::Array(vec![string(only.name())]));
        }
        if !rule.params.is_empty() {
            t.insert("params".into(), Value::Table(rule.params.clone()));
        }
        section.insert(rule.name.clone(), Value::Table(t));
    }
    top.insert("rules".into(), Value::Table(section));
    out.push_str(&toml::to_string(&top).unwrap_or_default());
    out
}
