//! `check --audience duckdb:PATH?table=NAME`: the audience is a table of a local DuckDB
//! database, and the recipient checks run there, as the query `campaign-lint sql` prints.
//!
//! DuckDB is the `duckdb` command-line program (PyPI's `duckdb-cli`, or any build of it),
//! named by `CAMPAIGN_LINT_DUCKDB` or found on the PATH; the crate is not linked in (its
//! C++ build would dominate every build of campaign-lint). The report is the audience
//! run's, as far as a count per rule allows: one finding per rule, with its recipients
//! and examples, and the `--suppress-out` list.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value as Json;

use super::{Dialect, SqlOptions, query};
use crate::audience::{AudienceOptions, AudienceRun, Campaigns, presets};
use crate::config::Config;
use crate::diagnostic::{AudienceSummary, Finding, Severity};
use crate::error::{Error, Result};
use crate::output::PendingFile;
use crate::report::numbers::share_note;
use crate::rules::{Env, RuleSet};

/// The environment variable that names the DuckDB program.
pub const PROGRAM_VAR: &str = "CAMPAIGN_LINT_DUCKDB";

/// Runs the recipient checks for `spec` (`PATH?table=NAME`) in DuckDB.
pub fn run(
    spec: &str,
    campaigns: &Campaigns,
    rules: &RuleSet,
    env: Env,
    config: &Config,
    options: &AudienceOptions,
) -> Result<AudienceRun> {
    let shown = format!("duckdb:{spec}");
    let (path, table) = match spec.split_once("?table=") {
        Some((path, table)) if !path.is_empty() && !table.is_empty() => (path, table),
        _ => {
            return Err(Error::new(
                &shown,
                "--audience duckdb: needs a database file and a table: duckdb:PATH?table=NAME",
            ));
        }
    };
    if !Path::new(path).is_file() {
        return Err(Error::new(path, "no such DuckDB database file"));
    }
    let [facts] = campaigns.facts else {
        return Err(Error::new(
            &shown,
            "a DuckDB audience is checked against one campaign at a time",
        ));
    };
    if options.owned.is_some() || options.findings_out.is_some() {
        return Err(Error::new(
            &shown,
            "--owned and --findings-out are not available with a DuckDB audience",
        ));
    }
    let duckdb = Duckdb::find(path)?;
    let started = std::time::Instant::now();
    let described = duckdb.run(&format!("DESCRIBE {table};"))?;
    let mut columns = Vec::new();
    let mut arrays = Vec::new();
    for row in &described {
        let name = text(&row["column_name"]);
        if text(&row["column_type"]).ends_with("[]") {
            arrays.push(name.clone());
        }
        columns.push(name);
    }
    let (fields, preset) = match &options.preset {
        Some(name) => match presets::find(name) {
            Some(p) => (p.fields(), Some(p.title.to_owned())),
            None => {
                return Err(Error::new(
                    "",
                    format!("--preset: no preset named {name:?}"),
                ));
            }
        },
        None if config.fields == crate::profiles::FieldMap::default() => {
            match presets::detect(&columns) {
                Some(p) => (
                    p.fields(),
                    Some(format!("{}, recognised from the columns", p.title)),
                ),
                None => (config.fields.clone(), None),
            }
        }
        None => (config.fields.clone(), None),
    };
    let owned_array = arrays
        .iter()
        .any(|c| c.trim().eq_ignore_ascii_case(fields.owned_products.trim()));
    let mut sql = SqlOptions {
        dialect: Dialect::Duckdb,
        table: table.to_owned(),
        rows: false,
        columns: Some(columns),
        owned_array,
        examples: config.limits.examples,
        show_emails: options.show_emails,
    };
    let counts = duckdb.run(&query(rules, env, facts, &fields, &sql)?)?;
    let mut outputs = Vec::new();
    if let Some(out) = &options.suppress_out {
        sql.rows = true;
        let rows = duckdb.run(&query(rules, env, facts, &fields, &sql)?)?;
        let mut file = PendingFile::create(out)?;
        let mut text_out = String::from("email,rules\n");
        for row in &rows {
            text_out.push_str(&crate::audience::csv_cell(&text(&row["email"])));
            text_out.push(',');
            text_out.push_str(&crate::audience::csv_cell(&text(&row["rules"])));
            text_out.push('\n');
        }
        file.write_all(text_out.as_bytes())
            .map_err(|e| Error::new(out.display().to_string(), format!("cannot write: {e}")))?;
        outputs.push(file);
    }
    let mut summary = AudienceSummary {
        path: shown,
        preset,
        fail_on: options.fail_on.clone(),
        ..AudienceSummary::default()
    };
    let mut findings = Vec::new();
    // DuckDB writes its 128-bit sums as strings.
    let number = |v: &Json| {
        v.as_u64()
            .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
            .unwrap_or_default()
    };
    let checked = counts
        .iter()
        .find(|r| text(&r["rule"]) == "(checked)")
        .map_or(0, |r| number(&r["recipients"]));
    for row in &counts {
        let rule_name = text(&row["rule"]);
        let (recipients, errors) = (number(&row["recipients"]), number(&row["errors"]));
        match rule_name.as_str() {
            "(checked)" => summary.rows_checked = recipients,
            "(recipients with findings)" => {
                summary.recipients_with_errors = errors;
                summary.recipients_with_warnings = recipients - errors;
            }
            name if name.starts_with("(skipped") => summary.rows_skipped = recipients,
            _ if recipients == 0 => {}
            name => {
                let Some(rule) = rules.get(name) else {
                    continue;
                };
                summary.rule_recipients.insert(name.to_owned(), recipients);
                // The error-level recipients, when there are any, say what the rule is
                // for; a count per rule cannot tell apart the warnings it also gives.
                let severity = if errors > 0 {
                    Severity::Error
                } else {
                    rule.severity.min(Severity::Warning)
                };
                findings.push(Finding {
                    rule: name.to_owned(),
                    severity,
                    message: format!(
                        "{} ({})",
                        rule.summary.to_lowercase().trim_end_matches('.'),
                        share_note(recipients, checked)
                    ),
                    // A help that quotes a finding's values has none to quote here.
                    help: rule.help.clone().filter(|h| !h.contains('{')),
                    labels: Vec::new(),
                    recipients: Some(recipients),
                    examples: text(&row["examples"])
                        .split(", ")
                        .filter(|s| !s.is_empty())
                        .map(str::to_owned)
                        .collect(),
                    args: Vec::new(),
                });
            }
        }
    }
    summary.rows_read = summary.rows_checked + summary.rows_skipped;
    summary.seconds = started.elapsed().as_secs_f64();
    Ok(AudienceRun {
        per_campaign: vec![findings],
        profile_findings: Vec::new(),
        summary,
        outputs,
    })
}

fn text(v: &Json) -> String {
    match v {
        Json::Null => String::new(),
        Json::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The DuckDB program and the database it reads.
struct Duckdb {
    program: PathBuf,
    database: String,
}

impl Duckdb {
    fn find(database: &str) -> Result<Duckdb> {
        let program =
            std::env::var_os(PROGRAM_VAR).map_or_else(|| PathBuf::from("duckdb"), PathBuf::from);
        let works = Command::new(&program)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success());
        if !works {
            return Err(Error::new(
                format!("duckdb:{database}"),
                format!(
                    "DuckDB is not available: install its command-line program (`pip install duckdb-cli`) \
                     and put `duckdb` on the PATH, or name it with {PROGRAM_VAR}=/path/to/duckdb (tried {})",
                    program.display()
                ),
            ));
        }
        Ok(Duckdb {
            program,
            database: database.to_owned(),
        })
    }

    /// Runs `sql` on the database, read-only; the rows as JSON objects.
    fn run(&self, sql: &str) -> Result<Vec<serde_json::Map<String, Json>>> {
        let failed = |why: String| Error::new(format!("duckdb:{}", self.database), why);
        let mut child = Command::new(&self.program)
            .args(["-readonly", "-json", "-bail", &self.database])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| failed(format!("cannot run {}: {e}", self.program.display())))?;
        let mut stdin = child
            .stdin
            .take()
            .ok_or_else(|| failed("no stdin".to_owned()))?;
        let sql = sql.to_owned();
        // Written from a thread: a large query and a large answer must not wait on each other.
        let writer = std::thread::spawn(move || stdin.write_all(sql.as_bytes()));
        let output = child
            .wait_with_output()
            .map_err(|e| failed(format!("DuckDB did not finish: {e}")))?;
        let _ = writer.join();
        if !output.status.success() {
            return Err(failed(format!(
                "DuckDB failed: {}",
                String::from_utf8_lossy(&output.stderr).trim()
            )));
        }
        if output.stdout.iter().all(u8::is_ascii_whitespace) {
            return Ok(Vec::new());
        }
        let rows: Vec<serde_json::Map<String, Json>> = serde_json::from_slice(&output.stdout)
            .map_err(|e| failed(format!("unexpected answer from DuckDB: {e}")))?;
        Ok(rows)
    }
}
