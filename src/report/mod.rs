//! Showing findings. This layer alone knows about miette, terminals and JSON; rules and
//! analysis hand it plain [`Finding`](crate::diagnostic::Finding)s with byte spans, and
//! line/column are computed here (`diagnostic::line_col`).

mod breakdown;
mod concise;
mod config;
mod excerpt;
mod github;
mod gitlab;
mod human;
mod json;
mod junit;
mod lines;
mod recipients;
mod sarif;

use crate::diagnostic::Report;
use crate::error::Error;

pub use config::effective_config;
pub use human::{HumanOptions, render_error};
pub use recipients::plural;

/// Text from input made safe for a terminal: control characters (escape sequences,
/// bells, carriage returns) are shown escaped (`\u{1b}`) instead of being sent raw.
pub fn neutralize(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(|c| c.is_control() && c != '\n') {
        return std::borrow::Cow::Borrowed(text);
    }
    std::borrow::Cow::Owned(
        text.chars()
            .map(|c| {
                if c.is_control() && c != '\n' {
                    c.escape_default().to_string()
                } else {
                    c.to_string()
                }
            })
            .collect(),
    )
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
}

/// Renders a report (and the inputs that could not be checked) in `format`.
pub fn render(
    format: OutputFormat,
    report: &Report,
    errors: &[Error],
    human: &HumanOptions,
    rules: &crate::rules::RuleSet,
) -> String {
    match format {
        OutputFormat::Human => human::render(report, errors, human),
        OutputFormat::Json => json::render(report, errors),
        OutputFormat::Concise => concise::render(report, errors),
        OutputFormat::Github => github::render(report, errors),
        OutputFormat::Sarif => sarif::render(report, errors, rules),
        OutputFormat::Junit => junit::render(report, errors),
        OutputFormat::Gitlab => gitlab::render(report, errors),
    }
}
