//! `--format concise`: `file:line:col: rule: message`, one line per finding, for logs and
//! editors.

use std::fmt::Write as _;

use super::lines::place;
use super::neutralize;
use super::recipients::plural;
use crate::diagnostic::Report;
use crate::error::Error;

pub fn render(report: &Report, errors: &[Error]) -> String {
    let mut out = String::new();
    for (file, f) in report.findings() {
        let path = neutralize(&file.path);
        let message = neutralize(&f.message);
        let recipients = match f.recipients {
            Some(n) if report.audience.is_some() => {
                format!(" [{}]", plural(n, "recipient", "recipients"))
            }
            _ => String::new(),
        };
        let _ = match place(file, f) {
            Some(p) => {
                let note = p.note.map(|n| format!(" ({n})")).unwrap_or_default();
                writeln!(
                    out,
                    "{path}:{}:{}: {}: {message}{note}{recipients}",
                    p.line, p.column, f.rule
                )
            }
            None => writeln!(out, "{path}: {}: {message}{recipients}", f.rule),
        };
    }
    for e in errors {
        let _ = writeln!(out, "{}", super::error_text(e));
    }
    out
}
