//! `--format junit`: JUnit XML, one test case per checked file, failed when the file has
//! findings; CI systems that read test reports show them next to the tests.

use std::fmt::Write as _;
use std::io::{self, Write};

use super::lines::place;
use super::stream::{Spool, SpoolKind, Stream};
use crate::diagnostic::{FileReport, Severity};
use crate::error::Error;

/// Escapes text for XML content and attribute values; drops characters XML 1.0 forbids.
/// Line breaks and the other control and bidirectional characters XML allows are written
/// as character references: the text stays as it was for a reader of the XML, and a
/// report printed to a terminal or a CI log cannot start a line (`::error …` is a GitHub
/// workflow command) or send an escape sequence.
fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' => out.push(c),
            '\n' | '\r' => {
                let _ = write!(out, "&#{};", u32::from(c));
            }
            c if (c as u32) < 0x20 || matches!(c as u32, 0xFFFE | 0xFFFF) => out.push('?'),
            c if super::is_unsafe(c) => {
                let _ = write!(out, "&#x{:X};", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out
}

/// One test case per file, after a header that counts them: the cases are spooled.
pub struct Junit<'a> {
    out: &'a mut dyn Write,
    cases: Spool,
    tests: usize,
    failures: usize,
}

impl<'a> Junit<'a> {
    pub fn new(out: &'a mut dyn Write, spool: SpoolKind) -> io::Result<Self> {
        Ok(Junit {
            out,
            cases: Spool::new(spool)?,
            tests: 0,
            failures: 0,
        })
    }
}

impl Stream for Junit<'_> {
    fn file(&mut self, file: &FileReport) -> io::Result<()> {
        let mut cases = String::new();
        self.tests += 1;
        let name = xml(&file.path);
        if file.findings.is_empty() {
            let _ = writeln!(
                cases,
                "    <testcase classname=\"campaign-lint\" name=\"{name}\" file=\"{name}\"/>"
            );
            return self.cases.text(&cases);
        }
        self.failures += 1;
        let count = file.findings.len();
        let errors_here = file
            .findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .count();
        let mut body = String::new();
        for f in &file.findings {
            let place = place(file, f);
            let at = place.as_ref().map_or_else(
                || file.path.clone(),
                |p| format!("{}:{}:{}", file.path, p.line, p.column),
            );
            let note = place
                .and_then(|p| p.note)
                .map(|n| format!(" ({n})"))
                .unwrap_or_default();
            let line = xml(&format!(
                "{at}: {} [{}]: {}{note}",
                f.severity, f.rule, f.message
            ));
            // A line of the report that starts with `::` is a GitHub workflow command
            // when the XML is printed in a job; the reference reads as the same `:`.
            match line.strip_prefix(':') {
                Some(rest) => {
                    body.push_str("&#58;");
                    body.push_str(rest);
                }
                None => body.push_str(&line),
            }
            body.push('\n');
        }
        let _ = writeln!(
            cases,
            "    <testcase classname=\"campaign-lint\" name=\"{name}\" file=\"{name}\">\n      <failure message=\"{}, {} error-level\" type=\"campaign-lint\">{}</failure>\n    </testcase>",
            if count == 1 {
                "1 finding".to_owned()
            } else {
                format!("{count} findings")
            },
            errors_here,
            body
        );
        self.cases.text(&cases)
    }

    fn finish(mut self: Box<Self>, _campaigns: usize, errors: &[Error]) -> io::Result<()> {
        let (mut tests, failures, mut unreadable) = (self.tests, self.failures, 0);
        let mut cases = String::new();
        for e in errors {
            tests += 1;
            unreadable += 1;
            let name = xml(&e.file);
            let _ = writeln!(
                cases,
                "    <testcase classname=\"campaign-lint\" name=\"{name}\" file=\"{name}\">\n      <error message=\"could not be checked\" type=\"input\">{}</error>\n    </testcase>",
                xml(&e.to_string())
            );
        }
        self.cases.text(&cases)?;
        write!(
            self.out,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"campaign-lint\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{unreadable}\">\n  <testsuite name=\"campaign-lint\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{unreadable}\">\n"
        )?;
        self.cases.copy_to(self.out)?;
        self.out.write_all(b"  </testsuite>\n</testsuites>\n")
    }
}
