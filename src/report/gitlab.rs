//! `--format gitlab`: GitLab Code Quality JSON (an array of issues with a description,
//! check name, stable fingerprint, severity and location), shown in merge requests.

use serde_json::{Value, json};

use super::lines::place;
use crate::diagnostic::{Report, Severity};
use crate::error::Error;

/// A stable fingerprint (FNV-1a, 64 bits, as hex) of what identifies an issue: rule,
/// file and message, not the line, so an issue keeps its identity when lines shift.
fn fingerprint(parts: &[&str]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for b in part.bytes().chain(std::iter::once(0)) {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}

pub fn render(report: &Report, errors: &[Error]) -> String {
    let mut issues: Vec<Value> = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    for (file, f) in report.findings() {
        let line = place(file, f).map_or(1, |p| p.line);
        // Fingerprints must be unique: number the repeats of the same rule and message.
        let mut print = fingerprint(&[&f.rule, &file.path, &f.message]);
        let repeats = seen.iter().filter(|s| **s == print).count();
        seen.push(print.clone());
        if repeats > 0 {
            print = fingerprint(&[&print, &repeats.to_string()]);
        }
        issues.push(json!({
            "description": f.message,
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
            "fingerprint": fingerprint(&["input", &e.file, &e.message]),
            "severity": "blocker",
            "location": { "path": e.file, "lines": { "begin": e.position.map_or(1, |p| p.0) } },
        }));
    }
    let mut out = serde_json::to_string_pretty(&issues).unwrap_or_else(|_| "[]".to_owned());
    out.push('\n');
    out
}
