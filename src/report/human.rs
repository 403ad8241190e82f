//! Human output: each finding as a miette graphical diagnostic with the rule as its code,
//! labelled spans in the file (or in a decoded view of a part), and help.

use std::fmt::{self, Write as _};

use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, SourceCode};

use super::excerpt::Excerpt;
use super::neutralize;

use crate::diagnostic::{FileReport, Finding, Report, Severity};
use crate::error::Error;

/// How to draw human output.
#[derive(Debug, Clone, Copy)]
pub struct HumanOptions {
    pub color: bool,
    pub width: usize,
}

impl Default for HumanOptions {
    fn default() -> Self {
        Self {
            color: false,
            width: 100,
        }
    }
}

/// One finding as miette sees it: the labels of one source, with the labels that point
/// into other sources (e.g. a decoded part) as related diagnostics.
struct Rendered {
    code: String,
    message: String,
    severity: Severity,
    help: Option<String>,
    source: Option<Excerpt>,
    labels: Vec<LabeledSpan>,
    related: Vec<Rendered>,
}

impl fmt::Debug for Rendered {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for Rendered {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Rendered {}

impl Diagnostic for Rendered {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        (!self.code.is_empty()).then(|| Box::new(&self.code) as Box<dyn fmt::Display>)
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.severity {
            Severity::Error | Severity::Off => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
    }

    fn url<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        // The docs reference: every rule's documentation is printed offline.
        (!self.code.is_empty()).then(|| {
            Box::new(format!("campaign-lint explain {}", self.code)) as Box<dyn fmt::Display>
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.labels.is_empty() {
            return None;
        }
        Some(Box::new(self.labels.iter().cloned()))
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn Diagnostic> + 'a>> {
        if self.related.is_empty() {
            return None;
        }
        Some(Box::new(self.related.iter().map(|r| r as &dyn Diagnostic)))
    }
}

fn to_rendered(file: &FileReport, finding: &Finding, width: usize) -> Rendered {
    // Labels grouped by source, in order of first appearance; the first is primary.
    let mut groups: Vec<(usize, Vec<&crate::diagnostic::Label>)> = Vec::new();
    for label in &finding.labels {
        match groups.iter_mut().find(|(s, _)| *s == label.span.source) {
            Some((_, labels)) => labels.push(label),
            None => groups.push((label.span.source, vec![label])),
        }
    }
    let build = |source: usize, labels: &[&crate::diagnostic::Label], primary: bool| {
        let src = file.sources.get(source)?;
        let ranges: Vec<_> = labels.iter().map(|l| l.span.offset..l.span.end()).collect();
        let (excerpt, mapped) = Excerpt::new(
            &src.name,
            &src.text,
            &ranges,
            width.saturating_sub(12).max(40),
        );
        let spans = labels
            .iter()
            .zip(mapped)
            .enumerate()
            .map(|(i, (l, r))| {
                let span = (r.start, r.end - r.start);
                let text = l.text.as_deref().map(|t| neutralize(t).into_owned());
                if i == 0 && primary {
                    LabeledSpan::new_primary_with_span(text, span)
                } else {
                    LabeledSpan::new_with_span(text, span)
                }
            })
            .collect();
        Some((excerpt, spans))
    };
    let mut groups = groups.into_iter();
    let (source, labels) = groups
        .next()
        .and_then(|(source, labels)| build(source, &labels, true))
        .map_or((None, Vec::new()), |(e, l)| (Some(e), l));
    let related = groups
        .filter_map(|(source, labels)| {
            let (excerpt, spans) = build(source, &labels, false)?;
            Some(Rendered {
                code: String::new(),
                message: format!(
                    "{}: also in {}",
                    finding.rule,
                    file.sources
                        .get(source)
                        .map_or("another view", |s| s.name.as_str())
                ),
                severity: Severity::Info,
                help: None,
                source: Some(excerpt),
                labels: spans,
                related: Vec::new(),
            })
        })
        .collect();
    let message = if source.is_none() {
        // Without a snippet nothing else names the file.
        format!(
            "{}: {}",
            neutralize(&file.path),
            neutralize(&finding.message)
        )
    } else {
        neutralize(&finding.message).into_owned()
    };
    let help = match (&finding.help, finding.examples.is_empty()) {
        (help, true) => help.as_deref().map(|h| neutralize(h).into_owned()),
        (help, false) => Some(format!(
            "{}recipients such as {}",
            help.as_ref()
                .map(|h| format!("{}\n", neutralize(h)))
                .unwrap_or_default(),
            neutralize(&finding.examples.join(", "))
        )),
    };
    Rendered {
        code: finding.rule.clone(),
        message,
        severity: finding.severity,
        help,
        source,
        labels,
        related,
    }
}

fn handler(options: &HumanOptions) -> GraphicalReportHandler {
    let theme = if options.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    GraphicalReportHandler::new_themed(theme)
        .with_width(options.width)
        .with_links(false)
        .with_context_lines(1)
}

/// Renders every finding, then the inputs that could not be checked, then a summary.
pub fn render(report: &Report, errors: &[Error], options: &HumanOptions) -> String {
    let handler = handler(options);
    let mut out = String::new();
    for (file, finding) in report.findings() {
        let rendered = to_rendered(file, finding, options.width);
        if handler.render_report(&mut out, &rendered).is_err() {
            let _ = writeln!(out, "{}: {}: {}", file.path, finding.rule, finding.message);
        }
        out.push('\n');
    }
    for error in errors {
        out.push_str(&render_error(error));
        out.push('\n');
    }
    if let Some(a) = &report.audience {
        let layout = a
            .preset
            .as_ref()
            .map(|p| format!(" ({p})"))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "Audience {}{layout}: {} rows read, {} checked, {} skipped.",
            neutralize(&a.path),
            crate::audience::thousands(a.rows_read),
            crate::audience::thousands(a.rows_checked),
            crate::audience::thousands(a.rows_skipped),
        );
        if let Some((path, addresses, rows, skipped)) = &a.owned {
            let _ = writeln!(
                out,
                "Owned products from {}: {} rows for {} addresses ({} skipped), held in memory.",
                neutralize(path),
                crate::audience::thousands(*rows),
                crate::audience::thousands(*addresses),
                crate::audience::thousands(*skipped),
            );
        }
        for (row, line, reason) in &a.skipped {
            let at = line.map(|l| format!(" (line {l})")).unwrap_or_default();
            let _ = writeln!(out, "  skipped row {row}{at}: {}", neutralize(reason));
        }
        let unlisted = a.rows_skipped.saturating_sub(a.skipped.len() as u64);
        if unlisted > 0 {
            let _ = writeln!(
                out,
                "  … and {} more skipped rows",
                crate::audience::thousands(unlisted)
            );
        }
    }
    out.push_str(&summary(report, errors));
    out.push('\n');
    out
}

/// An input error as one line (file names and messages may quote input).
pub fn render_error(error: &Error) -> String {
    format!("error: {}", neutralize(&error.to_string()))
}

fn summary(report: &Report, errors: &[Error]) -> String {
    let counts = [
        (report.count(Severity::Error), "error", "errors"),
        (report.count(Severity::Warning), "warning", "warnings"),
        (report.count(Severity::Info), "info", "infos"),
    ];
    let found: Vec<String> = counts
        .iter()
        .filter(|(n, _, _)| *n > 0)
        .map(|(n, one, many)| format!("{n} {}", if *n == 1 { one } else { many }))
        .collect();
    let files = plural(report.campaigns, "campaign", "campaigns");
    let recipients = if report.recipients > 0 {
        format!(
            " for {}",
            plural(report.recipients as usize, "recipient", "recipients")
        )
    } else {
        String::new()
    };
    let unreadable = if errors.is_empty() {
        String::new()
    } else {
        format!(
            "; {} could not be checked",
            plural(errors.len(), "input", "inputs")
        )
    };
    if found.is_empty() {
        format!("No problems found in {files}{recipients}{unreadable}.")
    } else {
        format!(
            "Found {} in {files}{recipients}{unreadable}.",
            found.join(", ")
        )
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}
