//! Baselines, for adopting campaign-lint on a repository that already has findings:
//! `--update-baseline` records the current findings, `--baseline FILE` reports only the
//! ones that are not recorded. A finding is recognised by a fingerprint of its rule, its
//! file and the text it points at (whitespace-normalised), plus its rank among identical
//! ones, so moving a template's lines does not make old findings new.
//!
//! The file is named by its path relative to the baseline's directory, made absolute
//! against the working directory and normalised (`.` and `..` resolved as written, without
//! asking the file system): `w/bl/a.html`, `./w/./bl/a.html`, `/repo/w/bl/a.html` and
//! `bl/a.html` from `w` are one file. Version 1 baselines named it as the command line
//! spelled it; they are still read that way.

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

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

/// The version written: files named relative to the baseline's directory.
const VERSION: u32 = 2;

/// A file as the command line named it, less a leading `./` (baselines of version 1).
fn as_given(path: &str) -> String {
    path.strip_prefix("./").unwrap_or(path).to_owned()
}

/// `path` made absolute against `cwd`, with `.` and `..` resolved lexically: the file
/// need not exist, and a link is not followed (as a shell reads `cd ..`).
fn absolute(cwd: &Path, path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in cwd.join(path).components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// How a baseline at `baseline` names files: relative to its directory, with `/`
/// (`bl/a.html`, `../other/b.html`).
fn relative_to(baseline: &Path, cwd: &Path) -> impl Fn(&str) -> String + use<> {
    let dir = absolute(cwd, baseline)
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let cwd = cwd.to_path_buf();
    move |file| {
        let file = absolute(&cwd, Path::new(file));
        let base: Vec<Component> = dir.components().collect();
        let file: Vec<Component> = file.components().collect();
        let common = base.iter().zip(&file).take_while(|(a, b)| a == b).count();
        let up = std::iter::repeat_n("..".into(), base.len() - common);
        let down = file[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy());
        up.chain(down).collect::<Vec<_>>().join("/")
    }
}

/// Fingerprints given one finding at a time, in report order: each is ranked among the
/// identical ones before it.
#[derive(Debug, Default)]
pub struct Fingerprints {
    seen: HashMap<String, usize>,
}

impl Fingerprints {
    /// The fingerprint of `f`, a finding of `file`, whose file is named `path`.
    pub fn next(&mut self, file: &FileReport, f: &Finding, path: &str) -> String {
        let base = hash(&[&f.rule, path, &snippet(file, f)]);
        let rank = self.seen.entry(base.clone()).or_default();
        *rank += 1;
        hash(&[&base, &rank.to_string()])
    }
}

/// Rule, file (as `name` gives it), fingerprint and message of every finding, in report
/// order.
fn fingerprints(
    report: &Report,
    name: impl Fn(&str) -> String,
) -> Vec<(String, String, String, String)> {
    let mut prints = Fingerprints::default();
    let mut names: HashMap<&str, String> = HashMap::new();
    report
        .findings()
        .map(|(file, f)| {
            let path = names
                .entry(file.path.as_str())
                .or_insert_with(|| name(&file.path))
                .clone();
            let print = prints.next(file, f, &path);
            (f.rule.clone(), path, print, f.message.clone())
        })
        .collect()
}

/// Writes the report's findings as the new baseline at `path` (relative to `cwd`).
pub fn write(path: &Path, report: &Report, cwd: &Path) -> Result<usize> {
    let findings: Vec<Entry> = fingerprints(report, relative_to(path, cwd))
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
        version: VERSION,
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

/// A baseline read for a run: the fingerprints it records, and how it names files.
pub struct Baseline {
    known: std::collections::HashSet<String>,
    name: Box<dyn Fn(&str) -> String>,
    prints: Fingerprints,
}

impl Baseline {
    /// Reads the baseline at `path` (relative to `cwd`).
    pub fn load(path: &Path, cwd: &Path) -> Result<Baseline> {
        let display = path.display().to_string();
        let text = crate::campaign::read_text_within(path, MAX_BASELINE_MB)?;
        let baseline: BaselineFile = serde_json::from_str(&text).map_err(|e| {
            Error::new(&display, format!("not a campaign-lint baseline: {e}"))
                .at(e.line(), e.column())
        })?;
        let name: Box<dyn Fn(&str) -> String> = match baseline.version {
            1 => Box::new(as_given),
            VERSION => Box::new(relative_to(path, cwd)),
            other => {
                return Err(Error::new(
                    &display,
                    format!(
                        "baseline version {other} is not one this campaign-lint reads (1 or {VERSION}); record it again with --update-baseline"
                    ),
                ));
            }
        };
        Ok(Baseline {
            known: baseline
                .findings
                .into_iter()
                .map(|e| e.fingerprint)
                .collect(),
            name,
            prints: Fingerprints::default(),
        })
    }

    /// Removes the findings of `file` that the baseline records (the files of a run are
    /// handed in report order); returns how many.
    pub fn filter(&mut self, file: &mut FileReport) -> usize {
        let path = (self.name)(&file.path);
        let mut keep = Vec::with_capacity(file.findings.len());
        for f in &file.findings {
            let print = self.prints.next(file, f, &path);
            keep.push(!self.known.contains(&print));
        }
        let mut keep = keep.into_iter();
        let before = file.findings.len();
        file.findings.retain(|_| keep.next().unwrap_or(true));
        before - file.findings.len()
    }
}

/// Removes the findings recorded in the baseline at `path` (relative to `cwd`); returns
/// how many.
pub fn apply(path: &Path, report: &mut Report, cwd: &Path) -> Result<usize> {
    let mut baseline = Baseline::load(path, cwd)?;
    Ok(report.files.iter_mut().map(|f| baseline.filter(f)).sum())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_named_relative_to_the_baseline() {
        let cwd = Path::new("/repo");
        for (baseline, file, named) in [
            ("baseline.json", "w/bl/a.html", "w/bl/a.html"),
            ("baseline.json", "./w/./bl/a.html", "w/bl/a.html"),
            ("baseline.json", "/repo/w/bl/a.html", "w/bl/a.html"),
            ("baseline.json", "w/x/../bl/a.html", "w/bl/a.html"),
            ("w/baseline.json", "w/bl/a.html", "bl/a.html"),
            ("/repo/w/../w/baseline.json", "./w/bl/a.html", "bl/a.html"),
            ("w/bl/baseline.json", "w/other/b.html", "../other/b.html"),
            ("/elsewhere/b.json", "a.html", "../repo/a.html"),
            ("../up.json", "a.html", "repo/a.html"),
        ] {
            assert_eq!(
                relative_to(Path::new(baseline), cwd)(file),
                named,
                "{baseline} {file}"
            );
        }
        // From another directory, the same file and baseline.
        assert_eq!(
            relative_to(Path::new("../baseline.json"), Path::new("/repo/w"))("bl/a.html"),
            "w/bl/a.html"
        );
        assert_eq!(
            absolute(Path::new("/"), Path::new("../../a")),
            Path::new("/a")
        );
    }
}
