//! `--format json`: one object with `findings` and `summary`, as the design's contract
//! says; `labels`, `source` and `errors` are additions.

use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use serde_json::{Value, json};

use crate::diagnostic::{FileReport, Finding, Report, Severity, Span};
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

/// The findings, each made a value only while it is written: a directory of many files
/// never holds all of them as values at once.
struct Findings<'a>(&'a Report);

impl Serialize for Findings<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.0.findings().count()))?;
        for (file, f) in self.0.findings() {
            seq.serialize_element(&finding_json(file, f))?;
        }
        seq.end()
    }
}

/// The report object: `findings` written in its place among the other members, which
/// are in key order as a `serde_json` object keeps them.
struct Whole<'a> {
    report: &'a Report,
    rest: &'a serde_json::Map<String, Value>,
}

impl Serialize for Whole<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.rest.len() + 1))?;
        let mut written = false;
        for (key, value) in self.rest {
            if !written && key.as_str() > "findings" {
                map.serialize_entry("findings", &Findings(self.report))?;
                written = true;
            }
            map.serialize_entry(key, value)?;
        }
        if !written {
            map.serialize_entry("findings", &Findings(self.report))?;
        }
        map.end()
    }
}

pub fn render(report: &Report, errors: &[Error]) -> String {
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
        "summary": {
            "files": report.campaigns,
            "recipients": report.recipients,
            "errors": report.count(Severity::Error),
            "warnings": report.count(Severity::Warning),
            "infos": report.count(Severity::Info),
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
    let rest = match value {
        Value::Object(members) => members,
        _ => serde_json::Map::new(),
    };
    let whole = Whole {
        report,
        rest: &rest,
    };
    let mut out = serde_json::to_string_pretty(&whole).unwrap_or_else(|_| "{}".to_owned());
    out.push('\n');
    out
}
