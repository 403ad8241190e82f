//! Human output: each finding as a miette graphical diagnostic with the rule as its code,
//! labelled spans in the file (or in a decoded view of a part), and help; in a run over
//! several campaigns, the findings under a header per file and the clean files listed
//! at the end; in audience mode, the audience summary (`recipients`). Everything is
//! drawn to fit the width: snippets are cut around their labels (`excerpt`), label
//! texts and help are wrapped.

use std::fmt::{self, Write as _};
use std::io::{self, IsTerminal, Write};

use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, SourceCode};

use super::breakdown::{self, Item};
use super::excerpt::{Excerpt, text_columns};
use super::neutralize;
use super::recipients::{self, plural};
use super::stream::{Stream, Tally};

use super::numbers::thousands;
use crate::diagnostic::{FileReport, Finding, Label, Report, Severity, Source};
use crate::error::Error;

/// How to draw human output.
#[derive(Debug, Clone, Copy)]
pub struct HumanOptions {
    pub color: bool,
    pub width: usize,
}

/// The narrowest width drawn at; `COLUMNS` or a terminal below it is not believed.
const MIN_WIDTH: usize = 40;
/// The labels drawn for one finding; the rest are counted in its help.
const MAX_LABELS: usize = 10;
/// The width when neither `COLUMNS` nor a terminal says.
const DEFAULT_WIDTH: usize = 100;

impl HumanOptions {
    /// For stdout: colour on a terminal unless `NO_COLOR` is set; the width from
    /// `COLUMNS`, else the terminal's, else 100 columns.
    pub fn detect() -> Self {
        let terminal = std::io::stdout().is_terminal();
        let columns = std::env::var("COLUMNS")
            .ok()
            .and_then(|c| c.trim().parse::<usize>().ok())
            .filter(|&w| w >= MIN_WIDTH);
        let measured = || {
            terminal
                .then(terminal_size::terminal_size)
                .flatten()
                .map(|(w, _)| usize::from(w.0))
                .filter(|&w| w >= MIN_WIDTH)
        };
        Self {
            color: terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
            width: columns.or_else(measured).unwrap_or(DEFAULT_WIDTH),
        }
    }
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
    /// Whether the header names the docs (`rule (campaign-lint explain rule)`): not when
    /// that line would be wider than the report.
    docs: bool,
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
        (self.docs && !self.code.is_empty()).then(|| {
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

/// What a label says as drawn: its text, and for a label on an RFC 2047-encoded header
/// (`=?utf-8?q?Winter-Sale=3A_bis_zu…?=`) the decoded text, so that the reader sees the
/// subject as recipients will; the span stays on the raw header.
fn label_text(source: &Source, index: usize, label: &Label) -> Option<String> {
    let text = label.text.as_deref().map(|t| neutralize(t).into_owned());
    if index != 0 || source.decoded_from.is_some() {
        return text;
    }
    let Some(decoded) = decoded_header(&source.text, label.span.offset..label.span.end()) else {
        return text;
    };
    Some(match text {
        Some(t) => format!("{t} (decoded: \"{decoded}\")"),
        None => format!("decoded: \"{decoded}\""),
    })
}

/// The RFC 2047 decoding of the header text at `range` (a value, or a whole field),
/// when it has encoded words.
fn decoded_header(text: &str, range: std::ops::Range<usize>) -> Option<String> {
    let raw = text.get(range.clone())?;
    if !(raw.contains("=?") && raw.contains("?=")) {
        return None;
    }
    // A label on a whole field (`Subject: =?…`) starts a line and names the field.
    let at_line_start = range.start == 0 || text[..range.start].ends_with('\n');
    let value = match raw.split_once(':') {
        Some((name, value))
            if at_line_start
                && !name.is_empty()
                && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') =>
        {
            value
        }
        _ => raw,
    };
    let message = format!("Subject: {}\r\n\r\n", value.trim());
    let parsed = mail_parser::MessageParser::default().parse(message.as_bytes())?;
    let decoded = parsed.subject()?.trim();
    (!decoded.is_empty() && decoded != value.trim()).then(|| neutralize(decoded).into_owned())
}

/// `text` wrapped to `columns` (never narrower than 24), lines joined by `\n`, which
/// miette draws as the lines of one label.
fn wrap_label(text: &str, columns: usize) -> String {
    if text_columns(text) <= columns {
        return text.to_owned();
    }
    // A word longer than the room (a domain, a URL) is kept whole.
    let options = textwrap::Options::new(columns.max(24))
        .break_words(false)
        .word_splitter(textwrap::WordSplitter::NoHyphenation)
        .word_separator(textwrap::WordSeparator::AsciiSpace);
    textwrap::wrap(text, options).join("\n")
}

/// A finding as miette draws it; `table` is a merged finding's breakdown, shown under
/// its help.
fn to_rendered(
    file: &FileReport,
    finding: &Finding,
    width: usize,
    table: Option<String>,
) -> Rendered {
    // Labels grouped by source, in order of first appearance; the first is primary. At
    // most MAX_LABELS per source are drawn: a finding with one label per image of a template with
    // thousands stays readable (and quick); the machine formats keep every label.
    let mut groups: Vec<(usize, Vec<&Label>)> = Vec::new();
    let mut not_drawn = 0;
    for label in &finding.labels {
        match groups.iter_mut().find(|(s, _)| *s == label.span.source) {
            Some((_, labels)) if labels.len() == MAX_LABELS => not_drawn += 1,
            Some((_, labels)) => labels.push(label),
            None => groups.push((label.span.source, vec![label])),
        }
    }
    let build = |source: usize, labels: &[&Label], primary: bool| {
        let src = file.sources.get(source)?;
        let texts: Vec<Option<String>> =
            labels.iter().map(|l| label_text(src, source, l)).collect();
        let ranges: Vec<_> = labels
            .iter()
            .zip(&texts)
            .map(|(l, t)| {
                let columns = t.as_deref().map_or(0, text_columns);
                (l.span.offset..l.span.end(), columns)
            })
            .collect();
        // miette's gutter: the line numbers and ` │ `, and a column of arrows when a label
        // covers several lines.
        let multi_line = labels.iter().any(|l| {
            src.text
                .get(l.span.offset..l.span.end())
                .is_some_and(|t| t.contains('\n'))
        });
        let gutter =
            src.lines().line_count().to_string().len() + 4 + if multi_line { 4 } else { 0 };
        let (excerpt, mapped) = Excerpt::new(
            src,
            &ranges,
            width.saturating_sub(gutter + 1).max(MIN_WIDTH),
        );
        let spans = texts
            .into_iter()
            .zip(mapped)
            .enumerate()
            .map(|(i, (text, r))| {
                let span = (r.start, r.end - r.start);
                // A label's text starts after `╰── ` under the middle of its underline (or
                // at the gutter for a label over several lines).
                let start = excerpt.column(r.start);
                let one_line = !excerpt.text().get(r.clone()).unwrap_or("").contains('\n');
                let middle = if one_line {
                    usize::midpoint(start, excerpt.column(r.end).max(start + 1))
                } else {
                    0
                };
                let room = width.saturating_sub(gutter + middle + 5);
                let text = text.map(|t| wrap_label(&t, room));
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
                docs: false,
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
    let mut help: Vec<String> = finding
        .help
        .iter()
        .map(|h| neutralize(h).into_owned())
        .collect();
    if not_drawn > 0 {
        help.push(format!(
            "{} more {} not drawn here (--format json lists every one)",
            thousands(not_drawn),
            if not_drawn == 1 { "place" } else { "places" }
        ));
    }
    if !finding.examples.is_empty() {
        help.push(format!(
            "recipients such as {}",
            neutralize(&finding.examples.join(", "))
        ));
    }
    if let Some(table) = table {
        help.push(format!("recipients:\n{table}"));
    }
    let help = (!help.is_empty()).then(|| help.join("\n"));
    Rendered {
        code: finding.rule.clone(),
        docs: 2 * finding.rule.len() + " (campaign-lint explain )".len() <= width,
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
        // Lines break at spaces only: `List-Unsubscribe` is a header name and a path or
        // glob in help is copied whole, not two words.
        .with_word_splitter(textwrap::WordSplitter::NoHyphenation)
        .with_word_separator(textwrap::WordSeparator::AsciiSpace)
}

/// Every finding (under a header per file when several campaigns were checked), then
/// the inputs that could not be checked, the clean files, the audience summary, and a
/// last line with the counts.
pub struct Human<'a> {
    context: &'a Report,
    options: HumanOptions,
    several: bool,
    out: &'a mut dyn Write,
    /// Findings shown (a merged finding counts once): errors, warnings, infos.
    shown: [usize; 3],
    /// The files without findings, as shown.
    clean: Vec<String>,
    files: usize,
    /// The campaigns' own findings, which every recipient gets.
    own: Tally,
}

impl<'a> Human<'a> {
    pub fn new(
        context: &'a Report,
        options: HumanOptions,
        several: bool,
        out: &'a mut dyn Write,
    ) -> Self {
        Human {
            context,
            options,
            several,
            out,
            shown: [0; 3],
            clean: Vec::new(),
            files: 0,
            own: Tally::default(),
        }
    }
}

impl Stream for Human<'_> {
    fn set_several(&mut self, several: bool) {
        self.several = several;
    }

    fn file(&mut self, file: &FileReport) -> io::Result<()> {
        self.files += 1;
        let audience = self.context.audience.as_ref().map(|a| a.path.as_str());
        if Some(file.path.as_str()) != audience {
            self.own
                .add(file.findings.iter().filter(|f| f.recipients.is_none()));
        }
        if file.findings.is_empty() {
            if self.several {
                self.clean.push(neutralize(&file.path).into_owned());
            }
            return Ok(());
        }
        let handler = handler(&self.options);
        let width = self.options.width;
        let mut out = String::new();
        let items = breakdown::items(file, self.context);
        let findings: Vec<&Finding> = items
            .iter()
            .map(|item| match item {
                Item::One(f) => *f,
                Item::Merged(m) => &m.finding,
            })
            .collect();
        if self.several {
            out.push_str(&file_header(&file.path, &findings, width));
        }
        for (item, finding) in items.iter().zip(&findings) {
            let table = match item {
                Item::One(_) => None,
                Item::Merged(m) => Some(breakdown::table(
                    m,
                    self.context.recipients,
                    width.saturating_sub(10),
                )),
            };
            match finding.severity {
                Severity::Error | Severity::Off => self.shown[0] += 1,
                Severity::Warning => self.shown[1] += 1,
                Severity::Info => self.shown[2] += 1,
            }
            let rendered = to_rendered(file, finding, width, table);
            if handler.render_report(&mut out, &rendered).is_err() {
                let _ = writeln!(out, "{}: {}: {}", file.path, finding.rule, finding.message);
            }
            out.push('\n');
        }
        // Each file's part ends a line: no command can start across two parts.
        self.out.write_all(super::defuse_commands(&out).as_bytes())
    }

    fn finish(self: Box<Self>, campaigns: usize, errors: &[Error]) -> io::Result<()> {
        let report = super::stream::tail_report(self.context, campaigns);
        let width = self.options.width;
        let mut out = String::new();
        for error in errors {
            out.push_str(&render_error(error));
            out.push('\n');
        }
        if self.several {
            out.push_str(&clean_files(&self.clean, self.files, campaigns, width));
        }
        if let Some(a) = &report.audience {
            out.push_str(&recipients::render(&report, a, width, self.own));
        }
        out.push_str(&summary(&report, errors, self.shown));
        out.push('\n');
        self.out.write_all(super::defuse_commands(&out).as_bytes())
    }
}

/// `── promo.eml: 2 errors, 1 info ─────…`, as wide as the report.
fn file_header(path: &str, findings: &[&Finding], width: usize) -> String {
    let count = |s: Severity| findings.iter().filter(|f| f.severity == s).count();
    let counts = recipients::counts(
        count(Severity::Error),
        count(Severity::Warning),
        count(Severity::Info),
    )
    .unwrap_or_default();
    let title = format!("── {}: {counts} ", neutralize(path));
    let rule = width.saturating_sub(text_columns(&title));
    format!("{title}{}\n\n", "─".repeat(rule))
}

/// The campaigns without findings, in a run over several that has some with findings.
fn clean_files(clean: &[String], files: usize, campaigns: usize, width: usize) -> String {
    if clean.is_empty() || clean.len() == files {
        return String::new();
    }
    let mut out = format!(
        "No findings in {} of {}:\n",
        clean.len(),
        plural(campaigns as u64, "campaign", "campaigns")
    );
    let options = textwrap::Options::new(width.max(MIN_WIDTH))
        .initial_indent("  ")
        .subsequent_indent("  ")
        .break_words(false)
        .word_splitter(textwrap::WordSplitter::NoHyphenation)
        .word_separator(textwrap::WordSeparator::AsciiSpace);
    for line in textwrap::wrap(&clean.join(", "), options) {
        let _ = writeln!(out, "{line}");
    }
    out.push('\n');
    out
}

/// An input error as one line (file names and messages may quote input).
pub fn render_error(error: &Error) -> String {
    super::defuse_commands(&format!("error: {}", super::error_text(error))).into_owned()
}

/// The last line: the findings shown (a merged finding counts once), the campaigns and
/// recipients checked, and in audience mode how many recipients would get an error.
fn summary(
    report: &Report,
    errors: &[Error],
    [errors_shown, warnings, infos]: [usize; 3],
) -> String {
    let found = recipients::counts(errors_shown, warnings, infos);
    let files = plural(report.campaigns as u64, "campaign", "campaigns");
    let recipients = if report.recipients > 0 {
        format!(
            " for {}",
            plural(report.recipients, "recipient", "recipients")
        )
    } else {
        String::new()
    };
    let unreadable = if errors.is_empty() {
        String::new()
    } else {
        format!(
            "; {} could not be checked",
            plural(errors.len() as u64, "input", "inputs")
        )
    };
    let with_errors = match &report.audience {
        Some(a) if a.recipients_with_errors > 0 => format!(
            "; {} of them would get an error",
            thousands(a.recipients_with_errors)
        ),
        _ => String::new(),
    };
    match found {
        // A run with inputs it could not check did not pass: lead with that.
        None if !errors.is_empty() && report.campaigns == 0 => format!(
            "Nothing was checked: {} could not be checked.",
            plural(errors.len() as u64, "input", "inputs")
        ),
        None if !errors.is_empty() => format!(
            "{} could not be checked; no problems found in {files}{recipients}.",
            plural(errors.len() as u64, "input", "inputs")
        ),
        None => format!("No problems found in {files}{recipients}{unreadable}."),
        Some(found) => format!("Found {found} in {files}{recipients}{with_errors}{unreadable}."),
    }
}
