//! Showing findings. This layer alone knows about miette, terminals and JSON; rules and
//! analysis hand it plain [`Finding`](crate::diagnostic::Finding)s with byte spans, and
//! line/column are computed here (`diagnostic::line_col`).

mod breakdown;
mod concise;
mod effective_config;
mod excerpt;
mod explain;
mod github;
mod gitlab;
mod html;
mod human;
mod json;
mod junit;
mod lines;
pub mod numbers;
mod recipients;
mod sarif;
mod stream;

use crate::diagnostic::Report;
use crate::error::Error;

pub use effective_config::effective_config;
pub use explain::explain;
pub use html::{HtmlOptions, esc as html_escape};
pub use human::{HumanOptions, render_error};
pub use recipients::plural;
pub use stream::{SpoolKind, Stream};

/// Whether `c` must not reach a terminal or a log raw: control characters (C0 with line
/// breaks and tabs, DEL, C1 such as the one-byte CSI U+009B) start escape sequences,
/// ring bells, move the cursor or forge log lines; bidirectional controls (U+202A–U+202E,
/// U+2066–U+2069, the marks U+200E, U+200F, U+061C) reorder what is shown, so that the
/// text read is not the text checked; line and paragraph separators break lines.
fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061c}'
                | '\u{200e}'
                | '\u{200f}'
                | '\u{202a}'..='\u{202e}'
                | '\u{2066}'..='\u{2069}'
                | '\u{2028}'
                | '\u{2029}'
        )
}

/// `text` with every [unsafe](is_unsafe) character except those in `keep` written as
/// its Rust escape (`\u{1b}`, `\n`, `\u{202e}`), so that it is seen, not obeyed.
fn escape_unsafe<'a>(text: &'a str, keep: &[char]) -> std::borrow::Cow<'a, str> {
    let escaped = |c: char| is_unsafe(c) && !keep.contains(&c);
    if !text.chars().any(escaped) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if escaped(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Text from input (file names, messages that quote a campaign or a pack) made safe for
/// a terminal or a CI log, as one line: every control and bidirectional character,
/// line breaks included, is shown escaped (`\u{1b}`, `\n`) instead of being sent raw.
pub fn neutralize(text: &str) -> std::borrow::Cow<'_, str> {
    escape_unsafe(text, &[])
}

/// [`neutralize`] for text of several lines (a rule's docs): line breaks stay.
pub fn neutralize_lines(text: &str) -> std::borrow::Cow<'_, str> {
    escape_unsafe(text, &['\n'])
}

/// An input error for people: its file neutralized to one line, its message keeping the
/// line breaks it was written with (the hints under an unreadable export) but nothing
/// else raw. The caller defuses lines that would be commands.
fn error_text(error: &Error) -> String {
    Error {
        file: neutralize(&error.file).into_owned(),
        position: error.position,
        message: neutralize_lines(&error.message).into_owned(),
    }
    .to_string()
}

/// `text` with no line that a CI runner would take for a command. GitHub Actions runs any
/// line of a job's output that starts with `::`, after leading whitespace, as a workflow
/// command (`::error file=…::…`); a file named `::error file=x::y.html`, or a name with a
/// space that wraps there, would start one. Such a line's first `:` is written as its
/// escape, `\u{3a}`.
pub fn defuse_commands(text: &str) -> std::borrow::Cow<'_, str> {
    let starts_command = |line: &str| line.trim_start().starts_with("::");
    if !text.lines().any(starts_command) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for line in text.split_inclusive('\n') {
        if starts_command(line) {
            let rest = line.trim_start();
            out.push_str(&line[..line.len() - rest.len()]);
            out.push_str("\\u{3a}");
            out.push_str(&rest[1..]);
        } else {
            out.push_str(line);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Output formats of `check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    /// Graphical diagnostics for people (miette).
    Human,
    /// One JSON object on stdout (see the README for the schema).
    Json,
    /// `file:line:col: rule: message`, one line per finding.
    Concise,
    /// GitHub Actions annotations (`::error file=…,line=…::message`).
    Github,
    /// SARIF 2.1.0, for code-scanning dashboards.
    Sarif,
    /// JUnit XML, one test case per file.
    Junit,
    /// GitLab Code Quality JSON.
    Gitlab,
    /// One self-contained HTML page: each campaign shown with its findings marked, the
    /// audience in charts (write it with --output FILE).
    Html,
}

impl OutputFormat {
    /// Whether the format can be written a file at a time ([`open`]).
    pub fn streams(self) -> bool {
        self != OutputFormat::Html
    }
}

/// A report in `format` written to `out` a file at a time: the files of `context` are
/// not read (hand them to [`Stream::file`]); its recipients and audience summary are.
/// Every format but [`OutputFormat::Html`] ([`OutputFormat::streams`]).
pub fn open<'a>(
    format: OutputFormat,
    context: &'a Report,
    several: bool,
    human: &'a HumanOptions,
    rules: &'a crate::rules::RuleSet,
    spool: SpoolKind,
    out: &'a mut dyn std::io::Write,
) -> std::io::Result<Box<dyn Stream + 'a>> {
    Ok(match format {
        OutputFormat::Human => Box::new(human::Human::new(context, *human, several, out)),
        OutputFormat::Json => Box::new(json::Json::new(context, out, spool)?),
        OutputFormat::Concise => Box::new(concise::Concise::new(context, out)),
        OutputFormat::Github => Box::new(github::Github::new(out)),
        OutputFormat::Sarif => Box::new(sarif::Sarif::new(rules, out, spool)?),
        OutputFormat::Junit => Box::new(junit::Junit::new(out, spool)?),
        OutputFormat::Gitlab => Box::new(gitlab::Gitlab::new(out, spool)?),
        // The page's index and charts come before the campaigns: it is made whole.
        OutputFormat::Html => {
            return Err(std::io::Error::other(
                "the HTML report is not written a file at a time",
            ));
        }
    })
}

/// Renders a report (and the inputs that could not be checked) in `format`.
pub fn render(
    format: OutputFormat,
    report: &Report,
    errors: &[Error],
    human: &HumanOptions,
    rules: &crate::rules::RuleSet,
) -> String {
    if format == OutputFormat::Html {
        return html::render(report, errors, rules, HtmlOptions::default());
    }
    let mut out = Vec::new();
    let several = report.campaigns > 1;
    let written = open(
        format,
        report,
        several,
        human,
        rules,
        SpoolKind::Memory,
        &mut out,
    )
    .and_then(|mut stream| {
        for file in &report.files {
            stream.file(file)?;
        }
        stream.finish(report.campaigns, errors)
    });
    // Writing to memory fails only if a value cannot be serialized, which ours can.
    debug_assert!(written.is_ok(), "{written:?}");
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// The HTML report with its options (`--load-images`, `--show-emails`).
pub fn render_html(
    report: &Report,
    errors: &[Error],
    rules: &crate::rules::RuleSet,
    options: HtmlOptions,
) -> String {
    html::render(report, errors, rules, options)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_commands() {
        assert_eq!(
            neutralize("a\n::error\u{1b}[2J\u{202e}\t"),
            "a\\n::error\\u{1b}[2J\\u{202e}\\t"
        );
        assert_eq!(neutralize_lines("a\nb\r"), "a\nb\\r");
        assert_eq!(neutralize("Grüße ✓"), "Grüße ✓");
        assert_eq!(
            defuse_commands("ok\n  ::error file=x::y\n::warning ::\nfine :: here\n"),
            "ok\n  \\u{3a}:error file=x::y\n\\u{3a}:warning ::\nfine :: here\n"
        );
        assert!(matches!(
            defuse_commands("a\nb"),
            std::borrow::Cow::Borrowed(_)
        ));
    }
}
