//! Precision and recall on real mail, measured like any other test.
//!
//! `tests/corpus/real/` holds templates and newsletters the project did not write (see its
//! `SOURCES.md`), and `verdicts.toml` beside them says, for every file, which problems it
//! really has: judged by reading the file, not by running the tool. This test runs the
//! binary once over the corpus and scores every error- and warning-level finding against
//! that table (closed world: a finding of a rule the file's verdict does not name is wrong;
//! info-level findings are not scored). It fails when
//!
//! - a corpus file has no verdict, or a verdict names no file;
//! - a rule with a wrong finding is right less than 90% of the time, or all rules together
//!   less than 95% (every wrong finding is listed);
//! - a problem the table says the tool finds is no longer found (recall regression);
//! - a problem the table lists as `missed` is now found (update the table).
//!
//! The per-rule table is printed in every case: `cargo test --test realmail -- --nocapture`,
//! or `bash benches/precision.sh`.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::Deserialize;

const CORPUS: &str = "tests/corpus/real";
const RULE_PRECISION: f64 = 0.90;
const OVERALL_PRECISION: f64 = 0.95;
const EXTENSIONS: [&str; 5] = ["eml", "html", "htm", "txt", "mjml"];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Table {
    file: Vec<Verdict>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Verdict {
    /// Relative to the corpus directory, with `/`.
    path: String,
    /// `transactional` or `marketing`.
    kind: String,
    /// ISO 639-1, or `mixed`.
    lang: String,
    /// Rules whose finding is right here: `name` at any severity, `name:warning` only as a
    /// warning.
    problems: Vec<String>,
    /// Problems of `problems` the tool does not find yet.
    missed: Vec<String>,
    #[allow(dead_code)]
    notes: Option<String>,
}

/// One problem of a verdict: the rule, and whether only a warning is right.
struct Problem<'a> {
    rule: &'a str,
    warning_only: bool,
}

impl<'a> Problem<'a> {
    fn parse(entry: &'a str) -> Self {
        match entry.strip_suffix(":warning") {
            Some(rule) => Problem {
                rule,
                warning_only: true,
            },
            None => Problem {
                rule: entry,
                warning_only: false,
            },
        }
    }

    fn accepts(&self, severity: &str) -> bool {
        !self.warning_only || severity == "warning"
    }
}

#[derive(Deserialize)]
struct Report {
    findings: Vec<Finding>,
}

#[derive(Deserialize)]
struct Finding {
    rule: String,
    severity: String,
    message: String,
    file: String,
}

#[derive(Default)]
struct Score {
    findings: usize,
    right: usize,
    problems: usize,
    found: usize,
}

fn ratio(part: usize, whole: usize) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

fn percent(value: Option<f64>) -> String {
    value.map_or_else(|| "-".to_owned(), |v| format!("{:.1}%", v * 100.0))
}

fn corpus_files(dir: &Path, root: &Path, out: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.filter_map(Result::ok) {
        let path = entry.path();
        if path.is_dir() {
            corpus_files(&path, root, out);
        } else if path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| EXTENSIONS.contains(&e))
        {
            let rel = path.strip_prefix(root).unwrap_or(&path);
            out.push(rel.to_string_lossy().replace('\\', "/"));
        }
    }
}

fn table_text(scores: &BTreeMap<String, Score>) -> String {
    let mut text = String::new();
    let _ = writeln!(
        text,
        "{:<32} {:>8} {:>6} {:>6} {:>9} {:>8} {:>6} {:>7}",
        "rule", "findings", "right", "wrong", "precision", "problems", "found", "recall"
    );
    let mut total = Score::default();
    for (rule, s) in scores {
        let _ = writeln!(
            text,
            "{:<32} {:>8} {:>6} {:>6} {:>9} {:>8} {:>6} {:>7}",
            rule,
            s.findings,
            s.right,
            s.findings - s.right,
            percent(ratio(s.right, s.findings)),
            s.problems,
            s.found,
            percent(ratio(s.found, s.problems)),
        );
        total.findings += s.findings;
        total.right += s.right;
        total.problems += s.problems;
        total.found += s.found;
    }
    let _ = writeln!(
        text,
        "{:<32} {:>8} {:>6} {:>6} {:>9} {:>8} {:>6} {:>7}",
        "all rules",
        total.findings,
        total.right,
        total.findings - total.right,
        percent(ratio(total.right, total.findings)),
        total.problems,
        total.found,
        percent(ratio(total.found, total.problems)),
    );
    text
}

#[test]
fn real_mail_precision_and_recall() {
    let root = common::root();
    let corpus: PathBuf = root.join(CORPUS);
    let table_path = corpus.join("verdicts.toml");
    let table_src = std::fs::read_to_string(&table_path).expect("read verdicts.toml");
    let table: Table =
        toml::from_str(&table_src).unwrap_or_else(|e| panic!("{}: {e}", table_path.display()));

    let mut failures = Vec::new();

    // Every file has one verdict, and every verdict a file.
    let mut files = Vec::new();
    corpus_files(&corpus, &corpus, &mut files);
    let files: BTreeSet<String> = files.into_iter().collect();
    let mut verdicts: BTreeMap<&str, &Verdict> = BTreeMap::new();
    for v in &table.file {
        if verdicts.insert(v.path.as_str(), v).is_some() {
            failures.push(format!("{}: two verdicts", v.path));
        }
        if !matches!(v.kind.as_str(), "transactional" | "marketing") {
            failures.push(format!(
                "{}: kind {:?} is not transactional or marketing",
                v.path, v.kind
            ));
        }
        if v.lang.is_empty() {
            failures.push(format!("{}: no lang", v.path));
        }
        for m in &v.missed {
            if !v.problems.contains(m) {
                failures.push(format!(
                    "{}: missed {m:?} is not one of its problems",
                    v.path
                ));
            }
        }
    }
    for f in &files {
        if !verdicts.contains_key(f.as_str()) {
            failures.push(format!("{f}: no verdict in verdicts.toml"));
        }
    }
    for path in verdicts.keys() {
        if !files.contains(*path) {
            failures.push(format!(
                "{path}: verdict for a file that is not in the corpus"
            ));
        }
    }

    // One run over the whole corpus, with the config a team would keep beside it.
    let config = format!("{CORPUS}/campaign-lint.toml");
    let run = common::run(&["check", CORPUS, "--format", "json", "--config", &config]);
    assert!(
        run.code == 0 || run.code == 1,
        "check over the corpus exited {}:\n{}{}",
        run.code,
        run.stdout,
        run.stderr
    );
    let report: Report = serde_json::from_str(&run.stdout).expect("JSON report");

    let mut scores: BTreeMap<String, Score> = BTreeMap::new();
    let mut wrong = Vec::new();
    // (file, rule) pairs that were found, at any scored severity.
    let mut found: BTreeSet<(String, String)> = BTreeSet::new();
    let prefix = format!("{CORPUS}/");
    for f in &report.findings {
        if f.severity != "error" && f.severity != "warning" {
            continue;
        }
        let file = f.file.replace('\\', "/");
        let file = file.strip_prefix(&prefix).unwrap_or(&file).to_owned();
        let right = verdicts.get(file.as_str()).is_some_and(|v| {
            v.problems
                .iter()
                .map(|p| Problem::parse(p))
                .any(|p| p.rule == f.rule && p.accepts(&f.severity))
        });
        let score = scores.entry(f.rule.clone()).or_default();
        score.findings += 1;
        if right {
            score.right += 1;
        } else {
            wrong.push(format!("{file}: {} {}: {}", f.rule, f.severity, f.message));
        }
        found.insert((file, f.rule.clone()));
    }

    for v in verdicts.values() {
        for entry in &v.problems {
            let problem = Problem::parse(entry);
            let score = scores.entry(problem.rule.to_owned()).or_default();
            score.problems += 1;
            let is_found = found.contains(&(v.path.clone(), problem.rule.to_owned()));
            let listed_missed = v.missed.contains(entry);
            if is_found {
                score.found += 1;
            }
            match (is_found, listed_missed) {
                (false, false) => failures.push(format!(
                    "{}: {entry} is no longer found (recall regression)",
                    v.path
                )),
                (true, true) => failures.push(format!(
                    "{}: {entry} is found now: take it out of `missed` in verdicts.toml",
                    v.path
                )),
                _ => {}
            }
        }
    }

    let text = table_text(&scores);
    println!("real-mail corpus: {} files, {CORPUS}\n{text}", files.len());

    let mut low = Vec::new();
    for (rule, s) in &scores {
        if let Some(p) = ratio(s.right, s.findings)
            && s.right < s.findings
            && p < RULE_PRECISION
        {
            low.push(format!(
                "{rule}: {:.1}% < {:.0}%",
                p * 100.0,
                RULE_PRECISION * 100.0
            ));
        }
    }
    let (all_right, all_findings) = scores
        .values()
        .fold((0, 0), |(r, n), s| (r + s.right, n + s.findings));
    if let Some(p) = ratio(all_right, all_findings)
        && p < OVERALL_PRECISION
    {
        low.push(format!(
            "all rules: {:.1}% < {:.0}%",
            p * 100.0,
            OVERALL_PRECISION * 100.0
        ));
    }
    if !low.is_empty() {
        failures.push(format!(
            "precision too low: {}\n{} wrong findings:\n  {}",
            low.join(", "),
            wrong.len(),
            wrong.join("\n  ")
        ));
    }

    assert!(
        failures.is_empty(),
        "real-mail corpus ({} files):\n{}\n{}",
        files.len(),
        text,
        failures.join("\n")
    );
}
