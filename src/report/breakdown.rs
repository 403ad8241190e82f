//! Findings of one rule in one place that differ only in one value, over an audience:
//! `language-mismatch` once per recipient language, `suppressed-recipient` once per
//! status. Shown one by one, each repeats the same snippet (361 lines for 20 people); here
//! they become one finding that lists the values, with a table of each value's recipients
//! and examples. Only the human report does this: JSON keeps one finding per group.
//!
//! Findings are merged only when that is exact: the same rule, severity and labels, the
//! same values but one (`Finding::args`), and messages and help that differ only by that
//! value. Anything else is shown as it is.

use super::numbers::{percent, share_note, thousands};
use std::collections::HashMap;

use crate::diagnostic::{FileReport, Finding, Label, Report, Severity};

/// Values listed in a merged message (the table lists them all).
const IN_MESSAGE: usize = 3;
/// Values listed in a merged help.
const IN_HELP: usize = 6;

/// What the human report shows of a file's findings, in order.
pub enum Item<'a> {
    One(&'a Finding),
    Merged(Merged),
}

/// Findings merged into one.
pub struct Merged {
    /// The finding as shown: the first one's labels, its message and help naming the
    /// values, and the recipients of all.
    pub finding: Finding,
    /// One row per value: the value, its recipients and example addresses; most
    /// recipients first.
    pub rows: Vec<(String, u64, Vec<String>)>,
}

/// The file's findings, with those that differ only in one value merged (in audience mode).
pub fn items<'a>(file: &'a FileReport, report: &Report) -> Vec<Item<'a>> {
    let findings = &file.findings;
    if report.audience.is_none() {
        return findings.iter().map(Item::One).collect();
    }
    // The findings of each place (rule, severity, labels, names of the values), so that
    // a file with 20,000 findings is not compared pair by pair.
    let mut places: HashMap<Place<'_>, Vec<usize>> = HashMap::new();
    for (i, f) in findings.iter().enumerate() {
        if f.recipients.is_some() {
            places.entry(Place::of(f)).or_default().push(i);
        }
    }
    let mut used = vec![false; findings.len()];
    let mut items = Vec::with_capacity(findings.len());
    for (i, first) in findings.iter().enumerate() {
        if used[i] {
            continue;
        }
        used[i] = true;
        let members: Vec<usize> = if first.recipients.is_some() {
            places[&Place::of(first)]
                .iter()
                .copied()
                .filter(|&j| j > i && !used[j] && same_place(first, &findings[j]))
                .collect()
        } else {
            Vec::new()
        };
        if !members.is_empty() {
            let all: Vec<&Finding> = std::iter::once(first)
                .chain(members.iter().map(|&j| &findings[j]))
                .collect();
            if let Some(merged) = merge(&all, report) {
                for j in members {
                    used[j] = true;
                }
                items.push(Item::Merged(merged));
                continue;
            }
        }
        items.push(Item::One(first));
    }
    items
}

/// What findings in the same place share.
#[derive(PartialEq, Eq, Hash)]
struct Place<'a> {
    rule: &'a str,
    severity: Severity,
    labels: &'a [Label],
    names: Vec<&'static str>,
}

impl<'a> Place<'a> {
    fn of(f: &'a Finding) -> Self {
        Place {
            rule: &f.rule,
            severity: f.severity,
            labels: &f.labels,
            names: f.args.iter().map(|a| a.0).collect(),
        }
    }
}

/// Whether two recipient findings are the same problem in the same place.
fn same_place(a: &Finding, b: &Finding) -> bool {
    a.rule == b.rule
        && a.severity == b.severity
        && a.labels == b.labels
        && a.recipients.is_some()
        && b.recipients.is_some()
        && a.args.len() == b.args.len()
        && a.args.iter().zip(&b.args).all(|(x, y)| x.0 == y.0)
}

/// `findings` as one, when they differ in exactly one value and only by it.
fn merge(findings: &[&Finding], report: &Report) -> Option<Merged> {
    let first = findings.first()?;
    let mut varying =
        (0..first.args.len()).filter(|&k| findings.iter().any(|f| f.args[k].1 != first.args[k].1));
    let k = varying.next()?;
    if varying.next().is_some() {
        return None;
    }
    let total = report.recipients;
    let base = |f: &Finding| -> Option<String> {
        let note = format!(" ({})", share_note(f.recipients?, total));
        f.message.strip_suffix(&note).map(str::to_owned)
    };
    let value = &first.args[k].1;
    let first_base = base(first)?;
    if value.is_empty() || !first_base.contains(value.as_str()) {
        return None;
    }
    for f in findings {
        let other = &f.args[k].1;
        let same_help = f.help == first.help.as_ref().map(|h| h.replace(value, other));
        if base(f)? != first_base.replace(value, other) || !same_help {
            return None;
        }
    }
    let mut rows: Vec<(String, u64, Vec<String>)> = findings
        .iter()
        .map(|f| {
            (
                f.args[k].1.clone(),
                f.recipients.unwrap_or(0),
                f.examples.clone(),
            )
        })
        .collect();
    rows.sort_by_key(|r| std::cmp::Reverse(r.1));
    let sum: u64 = rows.iter().map(|r| r.1).sum();
    // Each recipient is in one row: more than the rule's recipients would mean overlap.
    let hit = report
        .audience
        .as_ref()
        .and_then(|a| a.rule_recipients.get(&first.rule).copied());
    if hit.is_none_or(|hit| sum > hit) {
        return None;
    }
    let values: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
    let mut finding = (*first).clone();
    finding.message = format!(
        "{} ({})",
        first_base.replace(value, &list(&values, IN_MESSAGE)),
        share_note(sum, total)
    );
    finding.help = first
        .help
        .as_ref()
        .map(|h| h.replace(value, &list(&values, IN_HELP)));
    finding.recipients = Some(sum);
    finding.examples = Vec::new();
    Some(Merged { finding, rows })
}

/// `German, French or Dutch`; past `most`, `German, French, Dutch or 3 more`. A value
/// that is itself a list (`French or Dutch`) is put in brackets.
fn list(values: &[&str], most: usize) -> String {
    let values: Vec<String> = values
        .iter()
        .map(|v| {
            if v.contains(" or ") || v.contains(", ") {
                format!("({v})")
            } else {
                (*v).to_owned()
            }
        })
        .collect();
    match values.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        _ if values.len() > most => {
            format!(
                "{} or {} more",
                values[..most].join(", "),
                values.len() - most
            )
        }
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}

/// The table of a merged finding: one line per value with its recipients, share and as
/// many example addresses as fit in `width` columns.
pub fn table(merged: &Merged, total: u64, width: usize) -> String {
    let name_w = merged
        .rows
        .iter()
        .map(|r| super::excerpt::text_columns(&r.0))
        .max()
        .unwrap_or(0)
        .min(30);
    let count_w = merged
        .rows
        .iter()
        .map(|r| thousands(r.1).len())
        .max()
        .unwrap_or(1);
    let mut out = String::new();
    for (value, count, examples) in &merged.rows {
        let share = if total == 0 {
            0.0
        } else {
            *count as f64 * 100.0 / total as f64
        };
        let pad = name_w.saturating_sub(super::excerpt::text_columns(value));
        let mut line = format!(
            "{}{}  {:>count_w$}  {:>6}",
            super::neutralize(value),
            " ".repeat(pad),
            thousands(*count),
            percent(share)
        );
        for (i, example) in examples.iter().enumerate() {
            let sep = if i == 0 { "  " } else { ", " };
            let fits =
                super::excerpt::text_columns(&line) + sep.len() + example.chars().count() <= width;
            if i > 0 && !fits {
                break;
            }
            line.push_str(sep);
            line.push_str(&super::neutralize(example));
        }
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(&line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{AudienceSummary, Label, Severity, Span};

    fn finding(language: &str, count: u64) -> Finding {
        Finding {
            rule: "language-mismatch".into(),
            severity: Severity::Error,
            message: format!(
                "campaign is written in English but the recipient reads {language} ({})",
                share_note(count, 20)
            ),
            help: Some(format!("send the {language} variant")),
            labels: vec![Label::new(Span::new(0, 10..20), "written in English")],
            recipients: Some(count),
            examples: vec![format!("{}•••@example.com", &language[..1].to_lowercase())],
            args: vec![
                ("campaign", "English".into()),
                ("recipient", language.into()),
            ],
        }
    }

    fn report(findings: Vec<Finding>, hit: u64) -> Report {
        let mut audience = AudienceSummary {
            rows_checked: 20,
            ..AudienceSummary::default()
        };
        audience
            .rule_recipients
            .insert("language-mismatch".into(), hit);
        Report {
            files: vec![FileReport {
                path: "promo.eml".into(),
                sources: Vec::new(),
                findings,
            }],
            campaigns: 1,
            recipients: 20,
            audience: Some(audience),
        }
    }

    #[test]
    fn findings_that_differ_in_one_value_are_merged() {
        let r = report(
            vec![
                finding("German", 3),
                finding("French", 9),
                finding("French or Dutch", 2),
            ],
            14,
        );
        let items = items(&r.files[0], &r);
        let [Item::Merged(m)] = items.as_slice() else {
            panic!("one merged item expected");
        };
        assert_eq!(
            m.finding.message,
            "campaign is written in English but the recipient reads French, German or (French or Dutch) (14 of 20 recipients, 70.0%)"
        );
        assert_eq!(
            m.finding.help.as_deref(),
            Some("send the French, German or (French or Dutch) variant")
        );
        let counts: Vec<u64> = m.rows.iter().map(|r| r.1).collect();
        assert_eq!(counts, [9, 3, 2]);
        let table = table(m, 20, 80);
        assert!(
            table.starts_with("French           9   45.0%  f•••@example.com\n"),
            "{table}"
        );
    }

    #[test]
    fn findings_that_differ_otherwise_stay_apart() {
        // Another place.
        let mut moved = finding("French", 9);
        moved.labels[0].span.offset = 30;
        // Another help (not by the value).
        let mut helped = finding("Dutch", 1);
        helped.help = Some("translate it".into());
        for other in [moved, helped] {
            let r = report(vec![finding("German", 3), other], 12);
            assert_eq!(items(&r.files[0], &r).len(), 2);
        }
        // More recipients than the rule hit: rows would overlap.
        let r = report(vec![finding("German", 3), finding("French", 9)], 10);
        assert_eq!(items(&r.files[0], &r).len(), 2);
        // Without an audience, never.
        let mut r = report(vec![finding("German", 3), finding("French", 9)], 12);
        r.audience = None;
        assert_eq!(items(&r.files[0], &r).len(), 2);
    }
}
