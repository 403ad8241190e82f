//! Baselines, for adopting campaign-lint on a repository that already has findings:
//! `--update-baseline` records the current findings, `--baseline FILE` reports only the
//! ones that are not recorded. A finding is recognised by a fingerprint of its rule, its
//! file and the text it points at (whitespace-normalised), plus its rank among identical
//! ones, so moving a template's lines does not make old findings new.

use std::collections::HashMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::diagnostic::{FileReport, Finding, Report};
use crate::error::{Error, Result};

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct BaselineFile {
    version: u32,
    findings: Vec<Entry>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
struct Entry {
    rule: String,
    file: String,
    fingerprint: String,
    /// For people reading the file.
    message: String,
}

/// The text a finding points at, whitespace-normalised; its message when it has no span.
fn snippet(file: &FileReport, finding: &Finding) -> String {
    let text = finding
        .primary_span()
        .and_then(|s| {
            file.sources
                .get(s.source)?
                .text
                .get(s.offset..s.end())
                .map(str::to_owned)
        })
        .unwrap_or_else(|| finding.message.clone());
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A stable 64-bit FNV-1a hash of the parts, as hex.
fn hash(parts: &[&str]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for b in part.bytes().chain(std::iter::once(0)) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{h:016x}")
}

/// Each finding's fingerprint, in report order: stable across runs and line shifts, and
/// unique within the report. Baselines and GitLab's Code Quality report use it.
pub fn fingerprint_list(report: &Report) -> Vec<String> {
    fingerprints(report)
        .into_iter()
        .map(|(_, _, print, _)| print)
        .collect()
}

/// Rule, file, fingerprint and message of every finding, in report order.
fn fingerprints(report: &Report) -> Vec<(String, String, String, String)> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    report
        .findings()
        .map(|(file, f)| {
            let path = file
                .path
                .strip_prefix("./")
                .unwrap_or(&file.path)
                .to_owned();
            let base = hash(&[&f.rule, &path, &snippet(file, f)]);
            let rank = seen.entry(base.clone()).or_default();
            *rank += 1;
            (
                f.rule.clone(),
                path,
                hash(&[&base, &rank.to_string()]),
                f.message.clone(),
            )
        })
        .collect()
}

/// Writes the report's findings as the new baseline.
pub fn write(path: &Path, report: &Report) -> Result<usize> {
    let findings: Vec<Entry> = fingerprints(report)
        .into_iter()
        .map(|(rule, file, fingerprint, message)| Entry {
            rule,
            file,
            fingerprint,
            message,
        })
        .collect();
    let count = findings.len();
    let text = serde_json::to_string_pretty(&BaselineFile {
        version: 1,
        findings,
    })
    .map_err(|e| Error::new(path.display().to_string(), e.to_string()))?;
    // Written beside and renamed into place: a failed write keeps the old baseline.
    let mut file = crate::output::PendingFile::create(path)?;
    file.write_all((text + "\n").as_bytes())?;
    file.commit()?;
    Ok(count)
}

/// Largest baseline read, in MB.
const MAX_BASELINE_MB: u64 = 100;

/// Removes the findings recorded in the baseline at `path`; returns how many.
pub fn apply(path: &Path, report: &mut Report) -> Result<usize> {
    let display = path.display().to_string();
    let text = crate::campaign::read_text_within(path, MAX_BASELINE_MB)?;
    let baseline: BaselineFile = serde_json::from_str(&text).map_err(|e| {
        Error::new(&display, format!("not a campaign-lint baseline: {e}")).at(e.line(), e.column())
    })?;
    let known: std::collections::HashSet<&str> = baseline
        .findings
        .iter()
        .map(|e| e.fingerprint.as_str())
        .collect();
    let prints = fingerprints(report);
    let mut index = 0;
    let mut removed = 0;
    for file in &mut report.files {
        file.findings.retain(|_| {
            let keep = !known.contains(prints[index].2.as_str());
            index += 1;
            removed += usize::from(!keep);
            keep
        });
    }
    Ok(removed)
}
