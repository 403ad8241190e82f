//! `--format github`: GitHub Actions workflow commands
//! (`::error file=…,line=…,col=…,title=…::message`), which GitHub shows as annotations on
//! the pull request.

use std::fmt::Write as _;
use std::io::{self, Write};

use super::lines::place;
use super::stream::Stream;
use crate::diagnostic::{FileReport, Severity};
use crate::error::Error;

/// Escapes a workflow command's message (GitHub's rules: `%`, CR, LF). The log that
/// shows the command is a terminal too: other control and bidirectional characters are
/// written as Rust escapes, as in the other formats for people.
fn data(text: &str) -> String {
    super::escape_unsafe(text, &['\r', '\n'])
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a workflow command's property value (also `:` and `,`).
fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}

pub struct Github<'a> {
    out: &'a mut dyn Write,
}

impl<'a> Github<'a> {
    pub fn new(out: &'a mut dyn Write) -> Self {
        Github { out }
    }
}

impl Stream for Github<'_> {
    fn file(&mut self, file: &FileReport) -> io::Result<()> {
        let mut out = String::new();
        for f in &file.findings {
            let level = match f.severity {
                Severity::Error | Severity::Off => "error",
                Severity::Warning => "warning",
                Severity::Info => "notice",
            };
            let mut props = format!("file={}", property(&file.path));
            let mut message = f.message.clone();
            if let Some(p) = place(file, f) {
                let _ = write!(props, ",line={},col={}", p.line, p.column);
                if let Some(note) = p.note {
                    let _ = write!(message, " ({note})");
                }
            }
            if let Some(help) = &f.help {
                let _ = write!(message, "\nhelp: {help}");
            }
            let _ = writeln!(
                out,
                "::{level} {props},title={}::{}",
                property(&f.rule),
                data(&message)
            );
        }
        self.out.write_all(out.as_bytes())
    }

    fn finish(self: Box<Self>, _campaigns: usize, errors: &[Error]) -> io::Result<()> {
        let mut out = String::new();
        for e in errors {
            let mut props = format!("file={}", property(&e.file));
            if let Some((line, col)) = e.position {
                let _ = write!(props, ",line={line},col={col}");
            }
            let _ = writeln!(
                out,
                "::error {props},title=campaign-lint::{}",
                data(&e.message)
            );
        }
        self.out.write_all(out.as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping() {
        assert_eq!(data("50% off\nnow"), "50%25 off%0Anow");
        assert_eq!(property("a:b,c"), "a%3Ab%2Cc");
        assert_eq!(
            property("x\n::error file=f.eml::forged\r"),
            "x%0A%3A%3Aerror file=f.eml%3A%3Aforged%0D"
        );
        assert_eq!(
            data("\u{1b}[2J\u{7}\u{8}\u{9b}\u{202e}"),
            "\\u{1b}[2J\\u{7}\\u{8}\\u{9b}\\u{202e}"
        );
    }
}
