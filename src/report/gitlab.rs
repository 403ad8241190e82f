//! `--format gitlab`: GitLab Code Quality JSON (an array of issues with a description,
//! check name, stable fingerprint, severity and location), shown in merge requests.

use std::io::{self, Write};

use serde_json::json;

use super::lines::place;
use super::stream::{SPLICE, Spool, SpoolKind, Stream, splice};
use crate::diagnostic::{FileReport, Severity};
use crate::error::Error;

pub struct Gitlab<'a> {
    out: &'a mut dyn Write,
    issues: Spool,
    prints: crate::baseline::Fingerprints,
}

impl<'a> Gitlab<'a> {
    pub fn new(out: &'a mut dyn Write, spool: SpoolKind) -> io::Result<Self> {
        Ok(Gitlab {
            out,
            issues: Spool::new(spool)?,
            prints: crate::baseline::Fingerprints::default(),
        })
    }
}

impl Stream for Gitlab<'_> {
    fn file(&mut self, file: &FileReport) -> io::Result<()> {
        // The baseline's fingerprints: rule, file and the text pointed at, ranked, so an
        // issue keeps its identity when lines shift.
        // GitLab's file names are the baseline's of version 1: as given, less `./`.
        let path = file.path.strip_prefix("./").unwrap_or(&file.path);
        for f in &file.findings {
            let print = self.prints.next(file, f, path);
            let place = place(file, f);
            let line = place.as_ref().map_or(1, |p| p.line);
            let description = match place.and_then(|p| p.note) {
                Some(note) => format!("{} ({note})", f.message),
                None => f.message.clone(),
            };
            self.issues.element(&json!({
                "description": description,
                "check_name": f.rule,
                "fingerprint": print,
                "severity": match f.severity {
                    Severity::Error | Severity::Off => "major",
                    Severity::Warning => "minor",
                    Severity::Info => "info",
                },
                "location": { "path": path, "lines": { "begin": line } },
            }))?;
        }
        Ok(())
    }

    fn finish(mut self: Box<Self>, _campaigns: usize, errors: &[Error]) -> io::Result<()> {
        for e in errors {
            self.issues.element(&json!({
                "description": e.to_string(),
                "check_name": "campaign-lint",
                "fingerprint": format!("input:{}", e.file),
                "severity": "blocker",
                "location": { "path": e.file.strip_prefix("./").unwrap_or(&e.file), "lines": { "begin": e.position.map_or(1, |p| p.0) } },
            }))?;
        }
        let skeleton = serde_json::to_string_pretty(&json!(SPLICE))?;
        splice(&skeleton, self.issues, self.out)?;
        self.out.write_all(b"\n")
    }
}
