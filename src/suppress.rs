//! Inline suppressions, written where the campaign is written:
//!
//! - `<!-- campaign-lint-disable RULE, RULE -->` … `<!-- campaign-lint-enable RULE -->` in HTML
//!   (without rule names: every rule; without an enable: to the end of the part);
//! - `<!-- campaign-lint-disable-next-line RULE -->`: the line after the comment;
//! - `X-Campaign-Lint-Disable: RULE, RULE` in an `.eml`'s headers: the whole file.
//!
//! A finding is suppressed when its primary label lies in the region. A suppression that
//! suppresses nothing is itself reported (rule `unused-suppression`), so they do not rot.

use std::ops::Range;

use crate::diagnostic::{Finding, Span};
use crate::facts::Facts;
use crate::rules::{Diag, RuleSet};

const DISABLE: &str = "campaign-lint-disable";
const NEXT_LINE: &str = "campaign-lint-disable-next-line";
const ENABLE: &str = "campaign-lint-enable";
const HEADER: &str = "X-Campaign-Lint-Disable";

/// Where a suppression applies.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Scope {
    File,
    Region { source: usize, range: Range<usize> },
}

/// One directive.
#[derive(Debug, Clone)]
pub struct Suppression {
    /// Rule names; empty for every rule.
    rules: Vec<String>,
    scope: Scope,
    /// The comment or header that says it.
    directive: Span,
    used: Vec<bool>,
}

impl Suppression {
    fn covers(&self, finding: &Finding) -> Option<usize> {
        let rule_index = if self.rules.is_empty() {
            0
        } else {
            self.rules.iter().position(|r| *r == finding.rule)?
        };
        let inside = match (&self.scope, finding.primary_span()) {
            (Scope::File, _) => true,
            (Scope::Region { source, range }, Some(span)) => {
                span.source == *source && range.contains(&span.offset)
            }
            (Scope::Region { .. }, None) => false,
        };
        inside.then_some(rule_index)
    }
}

fn rule_names(text: &str) -> Vec<String> {
    text.split(|c: char| c == ',' || c.is_whitespace())
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Every suppression written in the campaign.
pub fn collect(facts: &Facts) -> Vec<Suppression> {
    let mut out = Vec::new();
    for h in facts
        .headers
        .iter()
        .filter(|h| h.name.eq_ignore_ascii_case(HEADER))
    {
        let rules = rule_names(&h.value);
        out.push(Suppression {
            used: vec![false; rules.len().max(1)],
            rules,
            scope: Scope::File,
            directive: Span::new(0, h.value_range.clone()),
        });
    }
    for part in &facts.parts {
        let text = facts.sources.get(part.source).map_or("", |s| &s.text);
        // Open `disable` regions: (index into out) awaiting their `enable`.
        let mut open: Vec<usize> = Vec::new();
        for (comment, range) in &part.comments {
            let body = comment.trim();
            let (kind, rest) = if let Some(rest) = body.strip_prefix(NEXT_LINE) {
                (NEXT_LINE, rest)
            } else if let Some(rest) = body.strip_prefix(DISABLE) {
                (DISABLE, rest)
            } else if let Some(rest) = body.strip_prefix(ENABLE) {
                (ENABLE, rest)
            } else {
                continue;
            };
            if rest.starts_with(|c: char| !c.is_whitespace()) {
                continue; // `campaign-lint-disabled`, not a directive.
            }
            let rules = rule_names(rest);
            let directive = Span::new(part.source, range.clone());
            match kind {
                ENABLE => {
                    for &i in &open {
                        let s: &mut Suppression = &mut out[i];
                        let closes = rules.is_empty() || s.rules.iter().any(|r| rules.contains(r));
                        if let (true, Scope::Region { range: r, .. }) = (closes, &mut s.scope) {
                            r.end = range.start.max(r.start);
                        }
                    }
                    open.retain(|&i| {
                        !(rules.is_empty() || out[i].rules.iter().any(|r| rules.contains(r)))
                    });
                }
                NEXT_LINE => {
                    let line_start = text[range.end.min(text.len())..]
                        .find('\n')
                        .map_or(text.len(), |i| range.end + i + 1);
                    let line_end = text[line_start..]
                        .find('\n')
                        .map_or(text.len(), |i| line_start + i);
                    out.push(Suppression {
                        used: vec![false; rules.len().max(1)],
                        rules,
                        scope: Scope::Region {
                            source: part.source,
                            range: line_start..line_end.max(line_start + 1),
                        },
                        directive,
                    });
                }
                _ => {
                    out.push(Suppression {
                        used: vec![false; rules.len().max(1)],
                        rules,
                        scope: Scope::Region {
                            source: part.source,
                            range: range.end..part.body.end.max(range.end) + 1,
                        },
                        directive,
                    });
                    open.push(out.len() - 1);
                }
            }
        }
    }
    out
}

/// Removes suppressed findings, marking what each suppression was used for.
pub fn apply(suppressions: &mut [Suppression], findings: &mut Vec<Finding>) {
    findings.retain(|f| {
        let mut keep = true;
        for s in suppressions.iter_mut() {
            if let Some(i) = s.covers(f) {
                s.used[i] = true;
                keep = false;
            }
        }
        keep
    });
}

/// Findings of rule `unused-suppression` for directives that suppressed nothing, or name
/// a rule that does not exist.
pub fn unused(suppressions: &[Suppression], rules: &RuleSet) -> Vec<Finding> {
    let mut out = Vec::new();
    for s in suppressions {
        if s.rules.is_empty() {
            if !s.used.iter().any(|u| *u) {
                out.extend(
                    rules.report(
                        "unused-suppression",
                        Diag::new()
                            .arg("rules", "all rules")
                            .label(s.directive, "suppresses nothing"),
                    ),
                );
            }
            continue;
        }
        for (name, used) in s.rules.iter().zip(&s.used) {
            if *used {
                continue;
            }
            let (label, help) = match rules.get(name) {
                None => (
                    format!("{name} is not a rule"),
                    Some("check the name with `campaign-lint rules`".to_owned()),
                ),
                Some(r) if r.severity == crate::diagnostic::Severity::Off => {
                    (format!("{name} is turned off"), None)
                }
                Some(_) => (format!("{name} finds nothing here"), None),
            };
            let mut diag = Diag::new()
                .arg("rules", name.clone())
                .label(s.directive, label);
            if help.is_some() {
                diag = diag.help(help);
            }
            out.extend(rules.report("unused-suppression", diag));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::campaign::{Campaign, Format};
    use crate::facts::{AnalysisOptions, Facts};
    use crate::rules::{Env, RuleSet};

    fn run(text: &str, format: Format) -> Vec<(String, String)> {
        let options = crate::rules::LoadOptions {
            select: [
                "missing-unsubscribe-link",
                "hidden-unsubscribe-link",
                "unused-suppression",
            ]
            .map(str::to_owned)
            .to_vec(),
            ..crate::rules::LoadOptions::default()
        };
        let rules = RuleSet::load(&options).unwrap();
        let campaign = Campaign::parse("t", text.as_bytes(), format).unwrap();
        let facts = Facts::analyze(&campaign, None, &AnalysisOptions::default());
        let mut findings = rules.check_campaign(Env::default(), &facts, None);
        let mut s = super::collect(&facts);
        super::apply(&mut s, &mut findings);
        findings.extend(super::unused(&s, &rules));
        findings.into_iter().map(|f| (f.rule, f.message)).collect()
    }

    #[test]
    fn disable_regions_and_next_line() {
        let html =
            "<p>Sale</p>\n<!-- campaign-lint-disable missing-unsubscribe-link -->\n<p>Footer</p>\n";
        assert!(run(html, Format::Html).is_empty());
        let html = "<p>Sale</p>\n<!-- campaign-lint-disable-next-line missing-unsubscribe-link -->\n<p>Footer</p>\n<p>More footer</p>\n";
        let found = run(html, Format::Html);
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(found[0].0, "missing-unsubscribe-link");
        assert_eq!(
            found[1],
            (
                "unused-suppression".to_owned(),
                "suppression of missing-unsubscribe-link is never used".to_owned()
            )
        );
        let html = "<!-- campaign-lint-disable missing-unsubscribe-link -->\n<p>Sale</p><!-- campaign-lint-enable missing-unsubscribe-link -->\n<p>Footer</p>\n";
        assert_eq!(run(html, Format::Html).len(), 2);
    }

    #[test]
    fn header_and_unknown_rules() {
        let eml = "From: a@example.com\r\nSubject: s\r\nList-Unsubscribe: <https://x.example/u>\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\nX-Campaign-Lint-Disable: missing-unsubscribe-link, no-such-rule\r\nContent-Type: text/html\r\n\r\n<p>Sale</p>\r\n";
        let found = run(eml, Format::Eml);
        assert_eq!(
            found,
            [(
                "unused-suppression".to_owned(),
                "suppression of no-such-rule is never used".to_owned()
            )]
        );
    }
}
