//! Reports written a file at a time. Every format is a [`Stream`]: it is handed each
//! checked file once, in order, and then the inputs that could not be checked; it keeps
//! only counts and short names between files. A directory of 100,000 templates is
//! written as it is checked instead of being held whole ([`crate::check::check_each`]),
//! and a whole report ([`super::render`]) is the same stream run over its files, so the
//! two cannot differ.
//!
//! Formats whose beginning depends on the end (JSON's `errors` come before `findings`,
//! SARIF's invocation before its results, JUnit's counts before its cases) write each
//! file's part to a [`Spool`] (memory for a whole report, an unnamed temporary file when
//! streaming) and copy it into place when the run is over.

use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Seek, Write};

use crate::diagnostic::{FileReport, Finding, Report, Severity};
use crate::error::Error;

/// A report being written.
pub trait Stream {
    /// Says whether more than one campaign is checked, before the first file, when that
    /// was not known at the start (the human report heads each file's findings then).
    fn set_several(&mut self, _several: bool) {}
    /// One checked file (a campaign, or the audience or profile its findings are on).
    fn file(&mut self, file: &FileReport) -> io::Result<()>;
    /// The end: `campaigns` checked in all, and the inputs that could not be checked.
    fn finish(self: Box<Self>, campaigns: usize, errors: &[Error]) -> io::Result<()>;
}

/// Memory for a report rendered whole, a temporary file for one written as it goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpoolKind {
    Memory,
    File,
}

/// Parts of a report kept until their place comes: JSON array elements (separated by
/// NUL, which serialized JSON never holds raw) or text.
pub enum Spool {
    Memory(Vec<u8>),
    File(BufWriter<File>),
}

impl Spool {
    pub fn new(kind: SpoolKind) -> io::Result<Spool> {
        Ok(match kind {
            SpoolKind::Memory => Spool::Memory(Vec::new()),
            SpoolKind::File => Spool::File(BufWriter::new(tempfile::tempfile()?)),
        })
    }

    fn writer(&mut self) -> &mut dyn Write {
        match self {
            Spool::Memory(v) => v,
            Spool::File(f) => f,
        }
    }

    /// Appends text.
    pub fn text(&mut self, text: &str) -> io::Result<()> {
        self.writer().write_all(text.as_bytes())
    }

    /// Appends one array element, serialized pretty at the top level.
    pub fn element(&mut self, value: &serde_json::Value) -> io::Result<()> {
        let w = self.writer();
        serde_json::to_writer_pretty(&mut *w, value)?;
        w.write_all(b"\0")
    }

    /// What was appended, from the start.
    fn reader(self) -> io::Result<Box<dyn BufRead>> {
        Ok(match self {
            Spool::Memory(v) => Box::new(io::Cursor::new(v)),
            Spool::File(f) => {
                let mut file = f.into_inner().map_err(io::IntoInnerError::into_error)?;
                file.rewind()?;
                Box::new(BufReader::new(file))
            }
        })
    }

    /// Copies the text appended to `out`.
    pub fn copy_to(self, out: &mut dyn Write) -> io::Result<()> {
        io::copy(&mut self.reader()?, out)?;
        Ok(())
    }
}

/// The string a JSON skeleton holds where a spooled array goes.
pub const SPLICE: &str = "\u{0}spliced array";

/// Writes `skeleton` (pretty JSON) with the string [`SPLICE`] replaced by the array of
/// the elements in `spool`, laid out as `serde_json`'s pretty printer lays out an array
/// in that place: each element on its own lines, indented one level more than the line
/// the array starts on.
pub fn splice(skeleton: &str, spool: Spool, out: &mut dyn Write) -> io::Result<()> {
    let marker = serde_json::to_string(SPLICE)?;
    // A string of the report's own text can hold the marker's characters, but its
    // quotes are escaped: the marker is the one written as a member's value.
    let at = skeleton
        .match_indices(&marker)
        .map(|(i, _)| i)
        .find(|&i| i == 0 || skeleton[..i].ends_with(": "));
    let Some(at) = at else {
        return Err(io::Error::other("report skeleton without its array"));
    };
    let line_start = skeleton[..at].rfind('\n').map_or(0, |i| i + 1);
    let depth = skeleton[line_start..]
        .bytes()
        .take_while(|&b| b == b' ')
        .count();
    let indent = " ".repeat(depth + 2);
    out.write_all(&skeleton.as_bytes()[..at])?;
    let mut reader = spool.reader()?;
    let mut element = Vec::new();
    let mut count = 0usize;
    loop {
        element.clear();
        if reader.read_until(0, &mut element)? == 0 {
            break;
        }
        if element.last() == Some(&0) {
            element.pop();
        }
        out.write_all(if count == 0 { b"[\n" } else { b",\n" })?;
        out.write_all(indent.as_bytes())?;
        // Strings in serialized JSON hold no raw line break: every one is layout.
        for (i, line) in element.split(|&b| b == b'\n').enumerate() {
            if i > 0 {
                out.write_all(b"\n")?;
                out.write_all(indent.as_bytes())?;
            }
            out.write_all(line)?;
        }
        count += 1;
    }
    if count == 0 {
        out.write_all(b"[]")?;
    } else {
        out.write_all(b"\n")?;
        out.write_all(&indent.as_bytes()[2..])?;
        out.write_all(b"]")?;
    }
    out.write_all(&skeleton.as_bytes()[at + marker.len()..])
}

/// Findings counted by severity, as the summaries count them.
#[derive(Debug, Default, Clone, Copy)]
pub struct Tally {
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

impl Tally {
    pub fn add<'f>(&mut self, findings: impl IntoIterator<Item = &'f Finding>) {
        for f in findings {
            match f.severity {
                Severity::Error => self.errors += 1,
                Severity::Warning => self.warnings += 1,
                Severity::Info => self.infos += 1,
                Severity::Off => {}
            }
        }
    }
}

/// The report as the tail of a stream sees it: no files, the run's totals.
pub fn tail_report(context: &Report, campaigns: usize) -> Report {
    Report {
        files: Vec::new(),
        campaigns,
        recipients: context.recipients,
        audience: context.audience.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    /// `skeleton` with its marker replaced by `elements`, spooled in `kind`, must read
    /// as `serde_json` writes `whole`.
    fn assert_spliced(skeleton: &Value, elements: &[Value], kind: SpoolKind, whole: &Value) {
        let mut spool = Spool::new(kind).unwrap();
        for e in elements {
            spool.element(e).unwrap();
        }
        let mut out = Vec::new();
        let skeleton = serde_json::to_string_pretty(skeleton).unwrap();
        splice(&skeleton, spool, &mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            serde_json::to_string_pretty(whole).unwrap()
        );
    }

    #[test]
    fn splice_skips_the_marker_in_text() {
        let forged = format!("x\"{SPLICE}");
        assert_spliced(
            &json!({"a": forged, "b": SPLICE}),
            &[json!(1)],
            SpoolKind::Memory,
            &json!({"a": forged, "b": [1]}),
        );
    }

    #[test]
    fn splice_lays_out_as_serde_json_does() {
        for elements in [
            vec![],
            vec![json!({"a": 1, "b": [1, 2], "c": "x\ny"})],
            vec![json!({}), json!([]), json!("s"), json!({"d": {"e": null}})],
        ] {
            for kind in [SpoolKind::Memory, SpoolKind::File] {
                assert_spliced(
                    &json!({"a": [], "m": {"runs": [{"results": SPLICE, "z": 1}]}}),
                    &elements,
                    kind,
                    &json!({"a": [], "m": {"runs": [{"results": elements.clone(), "z": 1}]}}),
                );
            }
        }
        assert_spliced(&json!(SPLICE), &[json!(2)], SpoolKind::File, &json!([2]));
    }
}
