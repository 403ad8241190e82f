//! `--format sarif`: SARIF 2.1.0, for code-scanning dashboards (GitHub, GitLab, Azure
//! DevOps). The rules in force become `tool.driver.rules` with their summary, docs and
//! default level; findings become results with their primary location and the other
//! labels as related locations. Inputs that could not be read are tool notifications.

use std::fmt::Write as _;
use std::io::{self, Write};

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde_json::{Value, json};

use super::lines::place;
use super::stream::{SPLICE, Spool, SpoolKind, Stream, splice};
use crate::diagnostic::{FileReport, Finding, Severity};
use crate::error::Error;
use crate::rules::RuleSet;

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error | Severity::Off => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// What a path segment keeps as it is: RFC 3986's unreserved characters. Everything else
/// in a file name (spaces, `%`, `#`, `?`, `:`, non-ASCII) is percent-encoded as UTF-8, so
/// the URI reference means the file and nothing else.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// A path as a relative URI reference: forward slashes, each segment percent-encoded.
/// A backslash separates directories only where the system says so (Windows); elsewhere
/// it is part of a file name, and encoded as one (`%5C`).
fn uri(path: &str) -> String {
    let path = path.strip_prefix("./").unwrap_or(path);
    let path = if std::path::MAIN_SEPARATOR == '\\' {
        path.replace('\\', "/")
    } else {
        path.to_owned()
    };
    let segments: Vec<String> = path
        .split('/')
        .map(|segment| utf8_percent_encode(segment, SEGMENT).to_string())
        .collect();
    segments.join("/")
}

fn location(file: &FileReport, finding: &Finding, label: usize) -> Option<Value> {
    let l = finding.labels.get(label)?;
    let source = file.sources.get(l.span.source)?;
    let region = if source.decoded_from.is_none() {
        let (start_line, start_column) = source.line_col(l.span.offset);
        let (end_line, end_column) = source.line_col(l.span.end());
        json!({ "startLine": start_line, "startColumn": start_column, "endLine": end_line, "endColumn": end_column })
    } else {
        // A decoded view of a transfer-encoded part: name the line where the part starts.
        let raw = file.sources.first()?;
        let (line, _) = raw.line_col(source.decoded_from?);
        json!({ "startLine": line, "startColumn": 1 })
    };
    let mut location = json!({
        "physicalLocation": { "artifactLocation": { "uri": uri(&file.path) }, "region": region }
    });
    if let Some(text) = &l.text {
        location["message"] = json!({ "text": text });
    }
    Some(location)
}

/// One finding as a SARIF result.
fn result_json(file: &FileReport, f: &Finding, rules: &RuleSet) -> Value {
    let mut message = f.message.clone();
    if let Some(note) = place(file, f).and_then(|p| p.note) {
        let _ = write!(message, " ({note})");
    }
    let mut result = json!({
        "ruleId": f.rule,
        "level": level(f.severity),
        "message": { "text": message },
        "locations": location(file, f, 0).map_or_else(Vec::new, |l| vec![l]),
    });
    if let Some(index) = rules.rules.iter().position(|r| r.name == f.rule) {
        result["ruleIndex"] = json!(index);
    }
    let related: Vec<Value> = (1..f.labels.len())
        .filter_map(|i| {
            location(file, f, i).map(|mut l| {
                l["id"] = json!(i);
                l
            })
        })
        .collect();
    if !related.is_empty() {
        result["relatedLocations"] = json!(related);
    }
    if let Some(n) = f.recipients {
        result["properties"] = json!({ "recipients": n });
    }
    result
}

/// The SARIF log: the results are spooled as they come (each made a value only while it
/// is written), and put in their place in the run when it is over.
pub struct Sarif<'a> {
    rules: &'a RuleSet,
    out: &'a mut dyn Write,
    results: Spool,
}

impl<'a> Sarif<'a> {
    pub fn new(rules: &'a RuleSet, out: &'a mut dyn Write, spool: SpoolKind) -> io::Result<Self> {
        Ok(Sarif {
            rules,
            out,
            results: Spool::new(spool)?,
        })
    }
}

impl Stream for Sarif<'_> {
    fn file(&mut self, file: &FileReport) -> io::Result<()> {
        for f in &file.findings {
            self.results.element(&result_json(file, f, self.rules))?;
        }
        Ok(())
    }

    fn finish(self: Box<Self>, _campaigns: usize, errors: &[Error]) -> io::Result<()> {
        let rules = self.rules;
        let descriptors: Vec<Value> = rules
        .rules
        .iter()
        .map(|r| {
            let mut d = json!({
                "id": r.name,
                "name": r.name,
                "shortDescription": { "text": r.summary },
                "defaultConfiguration": { "level": if r.severity == Severity::Off { "none" } else { level(r.severity) }, "enabled": r.severity != Severity::Off },
                "properties": { "tags": [r.kind] },
            });
            if let Some(docs) = &r.docs {
                d["fullDescription"] = json!({ "text": docs.what.trim() });
                d["help"] = json!({ "text": format!("{}\n\nRun `campaign-lint explain {}` for the rule's documentation.", docs.fix.trim(), r.name) });
            }
            d
        })
        .collect();
        let notifications: Vec<Value> = errors
            .iter()
            .map(|e| {
                let mut n = json!({ "level": "error", "message": { "text": e.message } });
                let mut physical = json!({ "artifactLocation": { "uri": uri(&e.file) } });
                if let Some((line, column)) = e.position {
                    physical["region"] = json!({ "startLine": line, "startColumn": column });
                }
                n["locations"] = json!([{ "physicalLocation": physical }]);
                n
            })
            .collect();
        let rest = json!({
            "tool": { "driver": {
                "name": "campaign-lint",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": descriptors,
            } },
            "invocations": [{
                "executionSuccessful": errors.is_empty(),
                "toolExecutionNotifications": notifications,
            }],
        });
        let mut run = rest;
        run["results"] = json!(SPLICE);
        let log = json!({
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "runs": [run],
            "version": "2.1.0",
        });
        let skeleton = serde_json::to_string_pretty(&log)?;
        splice(&skeleton, self.results, self.out)?;
        self.out.write_all(b"\n")
    }
}

#[cfg(test)]
mod tests {
    use super::uri;

    #[test]
    fn paths_become_uri_references() {
        assert_eq!(uri("./samples/a b.eml"), "samples/a%20b.eml");
        let separated = if cfg!(windows) { "/" } else { "%5C" };
        assert_eq!(
            uri("templates\\süß #1?.html"),
            format!("templates{separated}s%C3%BC%C3%9F%20%231%3F.html")
        );
        assert_eq!(uri("100%.html"), "100%25.html");
        assert_eq!(uri("c:old/x.html"), "c%3Aold/x.html");
        assert_eq!(uri("/abs/path.eml"), "/abs/path.eml");
    }
}
