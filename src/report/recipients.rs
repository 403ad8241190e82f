//! The audience summary at the end of the human report, for the person who presses Send:
//! first how many recipients would get an error-level problem (the ones `--suppress-out`
//! lists), then how many only warnings and how many are clean, each recipient counted
//! once; then each rule's recipients, the `--fail-on` rates, and what happened to the
//! export's rows.

use std::fmt::Write as _;

use super::neutralize;
use super::numbers::{percent, thousands};
use super::stream::Tally;
use crate::diagnostic::{AudienceSummary, Report};

/// `184 of 297 (62.0%)`, the count right-aligned to `count_w`.
fn of(a: &AudienceSummary, n: u64, count_w: usize) -> String {
    format!(
        "{:>count_w$} of {} ({})",
        thousands(n),
        thousands(a.rows_checked),
        percent(a.share(n) * 100.0)
    )
}

/// `2 errors, 1 warning` (None for no findings).
pub fn counts(errors: usize, warnings: usize, infos: usize) -> Option<String> {
    let found: Vec<String> = [
        (errors, "error", "errors"),
        (warnings, "warning", "warnings"),
        (infos, "info", "infos"),
    ]
    .iter()
    .filter(|(n, _, _)| *n > 0)
    .map(|(n, one, many)| plural(*n as u64, one, many))
    .collect();
    (!found.is_empty()).then(|| found.join(", "))
}

/// `1 recipient`, `2 recipients` (with thousands separators).
pub fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{} {}", thousands(n), if n == 1 { one } else { many })
}

/// The audience summary, lines wrapped to `width` columns.
/// `own`: the campaigns' own findings (the same for every recipient), by severity.
pub fn render(report: &Report, a: &AudienceSummary, width: usize, own: Tally) -> String {
    let mut lines: Vec<(String, &str)> = Vec::new();
    let mut line = |text: String, indent: &'static str| lines.push((text, indent));
    let checked = a.rows_checked;
    let path = neutralize(&a.path);
    let errors = a.recipients_with_errors;
    line(
        match (checked, errors) {
            (0, _) => format!("Audience {path}: no recipient checked"),
            (_, 0) => format!(
                "Audience {path}: no recipient would get an error ({} checked)",
                thousands(checked)
            ),
            _ => format!(
                "Audience {path}: {} of {} ({}) would get an error",
                thousands(errors),
                plural(checked, "recipient", "recipients"),
                percent(a.share(errors) * 100.0)
            ),
        },
        "  ",
    );
    if checked > 0 {
        let count_w = thousands(checked).len();
        let leave_out = match &a.suppress_out {
            Some(file) => format!("written to {} by --suppress-out", neutralize(file)),
            None => "--suppress-out FILE writes them, to leave them out".to_owned(),
        };
        let mut rows = vec![
            ("with errors", errors, leave_out),
            ("only warnings", a.recipients_with_warnings, String::new()),
        ];
        if a.recipients_with_infos > 0 {
            rows.push(("only infos", a.recipients_with_infos, String::new()));
        }
        rows.push(("clean", a.recipients_clean(), String::new()));
        for (what, n, note) in rows {
            let note = if note.is_empty() || n == 0 {
                String::new()
            } else {
                format!("  {note}")
            };
            line(
                format!("  {what:<14} {}{note}", of(a, n, count_w)),
                "                  ",
            );
        }
        let mut rules: Vec<(&String, &u64)> = a.rule_recipients.iter().collect();
        rules.sort_by(|x, y| y.1.cmp(x.1).then(x.0.cmp(y.0)));
        if !rules.is_empty() {
            let name_w = rules.iter().map(|(r, _)| r.len()).max().unwrap_or(0);
            line("  by rule:".to_owned(), "    ");
            for (rule, &n) in rules {
                line(
                    format!("    {rule:<name_w$}  {}", of(a, n, count_w)),
                    "      ",
                );
            }
        }
        for (rule, rate, share, over) in a.thresholds() {
            let verdict = if over {
                "over the rate: the run fails"
            } else {
                "within the rate"
            };
            line(
                format!(
                    "  --fail-on {rule}={}: {} of recipients, {verdict}",
                    rate_text(rate),
                    percent(share * 100.0)
                ),
                "    ",
            );
        }
        if let Some(own) = counts(own.errors, own.warnings, own.infos) {
            let whose = if report.campaigns == 1 {
                "the campaign's"
            } else {
                "the campaigns'"
            };
            line(
                format!("  and every recipient gets {whose} own findings: {own}"),
                "    ",
            );
        }
    }
    let layout = a
        .preset
        .as_ref()
        .map(|p| format!(" ({})", neutralize(p)))
        .unwrap_or_default();
    line(
        format!(
            "  {} read, {} checked, {} skipped{layout}",
            plural(a.rows_read, "row", "rows"),
            thousands(a.rows_checked),
            thousands(a.rows_skipped),
        ),
        "    ",
    );
    if let Some(owned) = &a.owned {
        line(
            format!(
                "  owned products from {}: {} for {} ({} skipped), held in memory",
                neutralize(&owned.path),
                plural(owned.rows, "row", "rows"),
                plural(owned.addresses, "address", "addresses"),
                thousands(owned.rows_skipped),
            ),
            "    ",
        );
        for (row, at, reason) in &owned.skipped {
            let at = at.map(|l| format!(" (line {l})")).unwrap_or_default();
            line(
                format!(
                    "  skipped row {row}{at} of {}: {}",
                    neutralize(&owned.path),
                    neutralize(reason)
                ),
                "    ",
            );
        }
    }
    for (row, at, reason) in &a.skipped {
        let at = at.map(|l| format!(" (line {l})")).unwrap_or_default();
        line(
            format!("  skipped row {row}{at}: {}", neutralize(reason)),
            "    ",
        );
    }
    let unlisted = a.rows_skipped.saturating_sub(a.skipped.len() as u64);
    if unlisted > 0 {
        line(
            format!(
                "  … and {} more",
                plural(unlisted, "skipped row", "skipped rows")
            ),
            "    ",
        );
    }
    let mut out = String::new();
    for (text, indent) in lines {
        let options = textwrap::Options::new(width.max(40))
            .subsequent_indent(indent)
            .word_separator(textwrap::WordSeparator::AsciiSpace)
            .word_splitter(textwrap::WordSplitter::NoHyphenation);
        for piece in textwrap::wrap(&text, options) {
            let _ = writeln!(out, "{}", piece.trim_end());
        }
    }
    out
}

/// `1%`, `0.5%`: a `--fail-on` rate as it is written.
fn rate_text(rate: f64) -> String {
    let percent = rate * 100.0;
    let text = format!("{percent:.4}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    format!("{text}%")
}

/// The findings about the campaigns alone (every recipient gets them), counted.
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_as_written() {
        assert_eq!(rate_text(0.01), "1%");
        assert_eq!(rate_text(0.005), "0.5%");
        assert_eq!(rate_text(0.0), "0%");
        assert_eq!(rate_text(1.0), "100%");
    }

    #[test]
    fn counts_are_plural_only_when_they_should_be() {
        assert_eq!(counts(1, 0, 2).as_deref(), Some("1 error, 2 infos"));
        assert_eq!(counts(0, 1, 0).as_deref(), Some("1 warning"));
        assert_eq!(counts(0, 0, 0), None);
        assert_eq!(plural(1_000, "row", "rows"), "1,000 rows");
    }
}
