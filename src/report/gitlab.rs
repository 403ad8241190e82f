//! `--format gitlab`: GitLab Code Quality JSON (an array of issues with a description,
//! check name, stable fingerprint, severity and location), shown in merge requests.

use serde_json::{Value, json};

use super::lines::place;
use crate::diagnostic::{Report, Severity};
use crate::error::Error;

pub fn render(report: &Report, errors: &[Error]) -> String {
    let mut issues: Vec<Value> = Vec::new();
    // The baseline's fingerprints: rule, file and the text pointed at, ranked, so an
    // issue keeps its identity when lines shift.
    let prints = crate::baseline::fingerprint_list(report);
    for ((file, f), print) in report.findings().zip(prints) {
        let place = place(file, f);
        let line = place.as_ref().map_or(1, |p| p.line);
        let description = match place.and_then(|p| p.note) {
            Some(note) => format!("{} ({note})", f.message),
            None => f.message.clone(),
        };
        issues.push(json!({
            "description": description,
            "check_name": f.rule,
            "fingerprint": print,
            "severity": match f.severity {
                Severity::Error | Severity::Off => "major",
                Severity::Warning => "minor",
                Severity::Info => "info",
            },
            "location": { "path": file.path.strip_prefix("./").unwrap_or(&file.path), "lines": { "begin": line } },
        }));
    }
    for e in errors {
        issues.push(json!({
            "description": e.to_string(),
            "check_name": "campaign-lint",
            "fingerprint": format!("input:{}", e.file),
            "severity": "blocker",
            "location": { "path": e.file.strip_prefix("./").unwrap_or(&e.file), "lines": { "begin": e.position.map_or(1, |p| p.0) } },
        }));
    }
    let mut out = serde_json::to_string_pretty(&issues).unwrap_or_else(|_| "[]".to_owned());
    out.push('\n');
    out
}
