//! `--format concise`: `file:line:col: rule: message`, one line per finding, for logs and
//! editors.

use std::fmt::Write as _;
use std::io::{self, Write};

use super::lines::place;
use super::recipients::plural;
use super::stream::Stream;
use super::{defuse_commands, neutralize};
use crate::diagnostic::{FileReport, Report};
use crate::error::Error;

pub struct Concise<'a> {
    context: &'a Report,
    out: &'a mut dyn Write,
}

impl<'a> Concise<'a> {
    pub fn new(context: &'a Report, out: &'a mut dyn Write) -> Self {
        Concise { context, out }
    }
}

impl Stream for Concise<'_> {
    fn file(&mut self, file: &FileReport) -> io::Result<()> {
        let mut out = String::new();
        for f in &file.findings {
            let path = neutralize(&file.path);
            let message = neutralize(&f.message);
            let recipients = match f.recipients {
                Some(n) if self.context.audience.is_some() => {
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
        self.out.write_all(defuse_commands(&out).as_bytes())
    }

    fn finish(self: Box<Self>, _campaigns: usize, errors: &[Error]) -> io::Result<()> {
        let mut out = String::new();
        for e in errors {
            let _ = writeln!(out, "{}", super::error_text(e));
        }
        self.out.write_all(defuse_commands(&out).as_bytes())
    }
}
