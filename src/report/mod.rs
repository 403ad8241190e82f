//! Showing findings. This layer alone knows about miette, terminals and JSON; rules and
//! analysis hand it plain [`Finding`](crate::diagnostic::Finding)s with byte spans, and
//! line/column are computed here (`diagnostic::line_col`).

mod config;
mod excerpt;
mod human;
mod json;

use crate::diagnostic::Report;
use crate::error::Error;

pub use config::effective_config;
pub use human::{HumanOptions, render_error};

/// Output formats of `check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    /// Graphical diagnostics for people (miette).
    Human,
    /// One JSON object on stdout (see the README for the schema).
    Json,
}

/// Renders a report (and the inputs that could not be checked) in `format`.
pub fn render(
    format: OutputFormat,
    report: &Report,
    errors: &[Error],
    human: &HumanOptions,
) -> String {
    match format {
        OutputFormat::Human => human::render(report, errors, human),
        OutputFormat::Json => json::render(report, errors),
    }
}
