//! `--format json`: one object with `findings` and `summary`, as the design's contract
//! says; `labels`, `source` and `errors` are additions.

use std::io::{self, Write};

use serde_json::{Value, json};

use super::stream::{SPLICE, Spool, SpoolKind, Stream, Tally, splice};
use crate::diagnostic::{FileReport, Finding, Report, Span};
use crate::error::Error;

fn span_json(file: &FileReport, span: Span) -> Value {
    let (line, column) = file
        .sources
        .get(span.source)
        .map_or((1, 1), |s| s.line_col(span.offset));
    json!({ "offset": span.offset, "length": span.len, "line": line, "column": column })
}

fn source_name(file: &FileReport, span: Option<Span>) -> Value {
    span.and_then(|s| file.sources.get(s.source))
        .map_or(Value::Null, |s| Value::String(s.name.clone()))
}

fn finding_json(file: &FileReport, f: &Finding) -> Value {
    let primary = f.primary_span();
    let labels: Vec<Value> = f
        .labels
        .iter()
        .map(|l| {
            let mut v = span_json(file, l.span);
            v["message"] = json!(l.text);
            v["source"] = source_name(file, Some(l.span));
            v
        })
        .collect();
    json!({
        "rule": f.rule,
        "severity": f.severity.as_str(),
        "message": f.message,
        "file": file.path,
        "source": source_name(file, primary),
        "span": primary.map_or(Value::Null, |s| span_json(file, s)),
        "labels": labels,
        "help": f.help,
        "recipients": f.recipients,
        "examples": f.examples,
    })
}

/// A share from 0 to 1, rounded to four decimals (`0.5522`), as JSON shows it.
fn share_of(share: f64) -> f64 {
    (share * 10_000.0).round() / 10_000.0
}

fn share(a: &crate::diagnostic::AudienceSummary, n: u64) -> f64 {
    share_of(a.share(n))
}

/// One object with `errors`, `findings` and `summary` (in key order); the findings are
/// spooled as they come, each made a value only while it is written.
pub struct Json<'a> {
    context: &'a Report,
    out: &'a mut dyn Write,
    findings: Spool,
    tally: Tally,
}

impl<'a> Json<'a> {
    pub fn new(context: &'a Report, out: &'a mut dyn Write, spool: SpoolKind) -> io::Result<Self> {
        Ok(Json {
            context,
            out,
            findings: Spool::new(spool)?,
            tally: Tally::default(),
        })
    }
}

impl Stream for Json<'_> {
    fn file(&mut self, file: &FileReport) -> io::Result<()> {
        self.tally.add(&file.findings);
        for f in &file.findings {
            self.findings.element(&finding_json(file, f))?;
        }
        Ok(())
    }

    fn finish(self: Box<Self>, campaigns: usize, errors: &[Error]) -> io::Result<()> {
        let report = self.context;
        let tally = self.tally;
        let errors: Vec<Value> = errors
            .iter()
            .map(|e| {
                json!({
                    "file": e.file,
                    "line": e.position.map(|p| p.0),
                    "column": e.position.map(|p| p.1),
                    "message": e.message,
                })
            })
            .collect();
        let mut value = json!({
            "errors": errors,
            "findings": SPLICE,
            "summary": {
                "files": campaigns,
                "recipients": report.recipients,
                "errors": tally.errors,
                "warnings": tally.warnings,
                "infos": tally.infos,
            },
        });
        if let Some(a) = &report.audience {
            // Each recipient counted once, by their most severe finding.
            let summary = &mut value["summary"];
            summary["recipients_with_errors"] = json!(a.recipients_with_errors);
            summary["recipients_with_warnings"] = json!(a.recipients_with_warnings);
            summary["recipients_with_infos"] = json!(a.recipients_with_infos);
            summary["recipients_clean"] = json!(a.recipients_clean());
            summary["rules"] = a
                .rule_recipients
                .iter()
                .map(|(rule, &n)| (rule.clone(), json!({"recipients": n, "share": share(a, n)})))
                .collect::<serde_json::Map<String, Value>>()
                .into();
            summary["fail_on"] = a
            .thresholds()
            .map(|(rule, rate, hit, over)| {
                json!({"rule": rule, "rate": rate, "share": share_of(hit), "over": over})
            })
            .collect::<Vec<_>>()
            .into();
            value["summary"]["audience"] = json!({
                "file": a.path,
                "rows_read": a.rows_read,
                "rows_checked": a.rows_checked,
                "rows_skipped": a.rows_skipped,
                "preset": a.preset,
                "rule_recipients": a.rule_recipients,
                "owned": a.owned.as_ref().map(|o| json!({
                    "file": o.path,
                    "addresses": o.addresses,
                    "rows": o.rows,
                    "rows_skipped": o.rows_skipped,
                    "skipped": o.skipped.iter().map(|(row, line, reason)| json!({"row": row, "line": line, "reason": reason})).collect::<Vec<_>>(),
                })),
                "seconds": a.seconds,
                "skipped": a.skipped.iter().map(|(row, line, reason)| json!({"row": row, "line": line, "reason": reason})).collect::<Vec<_>>(),
            });
        }
        let skeleton = serde_json::to_string_pretty(&value)?;
        splice(&skeleton, self.findings, self.out)?;
        self.out.write_all(b"\n")
    }
}
