//! Inline suppressions, written where the campaign is written:
//!
//! - `<!-- campaign-lint-disable RULE, RULE -->` … `<!-- campaign-lint-enable RULE -->` in HTML
//!   (without rule names: every rule; without an enable: to the end of the part);
//! - `<!-- campaign-lint-disable-next-line RULE -->`: the line after the comment;
//! - `X-Campaign-Lint-Disable: RULE, RULE` in an `.eml`'s headers: the whole file.
//!
//! A finding is suppressed when its primary label lies in the region. A suppression that
//! suppresses nothing is itself reported (rule `unused-suppression`), so they do not rot.

use std::collections::{HashMap, HashSet};
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
    /// Whether the suppression covers `finding`, and through which of its rules: the
    /// definition [`apply`] keeps (its tests compare the two).
    #[cfg(test)]
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

/// Removes suppressed findings, marking what each suppression was used for. Findings
/// and regions are indexed, not compared pair by pair: 50,000 suppression comments over
/// as many findings take time proportional to their number.
pub fn apply(suppressions: &mut [Suppression], findings: &mut Vec<Finding>) {
    // Where findings are: (source, offset) of each primary label, per rule and for all.
    let mut at_all: Vec<(usize, usize)> = Vec::new();
    let mut at_rule: HashMap<&str, Vec<(usize, usize)>> = HashMap::new();
    let mut rules_found: HashSet<&str> = HashSet::new();
    for f in findings.iter() {
        rules_found.insert(&f.rule);
        if let Some(span) = f.primary_span() {
            at_all.push((span.source, span.offset));
            at_rule
                .entry(&f.rule)
                .or_default()
                .push((span.source, span.offset));
        }
    }
    at_all.sort_unstable();
    for places in at_rule.values_mut() {
        places.sort_unstable();
    }
    let any_in = |places: &[(usize, usize)], source: usize, range: &Range<usize>| {
        let i = places.partition_point(|&p| p < (source, range.start));
        places
            .get(i)
            .is_some_and(|&(s, offset)| s == source && offset < range.end)
    };

    // What is suppressed: rules for the whole file, and regions per rule (None: every
    // rule) and source, merged into sorted disjoint ranges.
    let mut file_all = false;
    let mut file_rules: HashSet<String> = HashSet::new();
    let mut regions = Regions::default();
    for s in suppressions.iter_mut() {
        let used = match &s.scope {
            Scope::File => {
                if s.rules.is_empty() {
                    file_all = true;
                    vec![!findings.is_empty()]
                } else {
                    file_rules.extend(s.rules.iter().cloned());
                    s.rules
                        .iter()
                        .map(|r| rules_found.contains(r.as_str()))
                        .collect()
                }
            }
            Scope::Region { source, range } => {
                if s.rules.is_empty() {
                    regions.add(None, *source, range);
                    vec![any_in(&at_all, *source, range)]
                } else {
                    for r in &s.rules {
                        regions.add(Some(r), *source, range);
                    }
                    s.rules
                        .iter()
                        .map(|r| {
                            at_rule
                                .get(r.as_str())
                                .is_some_and(|places| any_in(places, *source, range))
                        })
                        .collect()
                }
            }
        };
        // A rule named twice is used through its first mention only.
        for (i, used) in used.into_iter().enumerate() {
            let first = s.rules.get(i).is_none_or(|r| !s.rules[..i].contains(r));
            s.used[i] |= used && first;
        }
    }
    regions.merge();
    findings.retain(|f| {
        let suppressed = file_all
            || file_rules.contains(&f.rule)
            || f.primary_span().is_some_and(|span| {
                regions.contains(None, span) || regions.contains(Some(&f.rule), span)
            });
        !suppressed
    });
}

/// Suppressed regions per source, for every rule and per rule: sorted, disjoint ranges
/// once merged.
#[derive(Default)]
struct Regions {
    all: HashMap<usize, Vec<Range<usize>>>,
    by_rule: HashMap<String, HashMap<usize, Vec<Range<usize>>>>,
}

impl Regions {
    fn add(&mut self, rule: Option<&str>, source: usize, range: &Range<usize>) {
        let of_rule = match rule {
            None => &mut self.all,
            Some(rule) => self.by_rule.entry(rule.to_owned()).or_default(),
        };
        of_rule.entry(source).or_default().push(range.clone());
    }

    fn merge(&mut self) {
        let all = self.all.values_mut();
        for ranges in all.chain(self.by_rule.values_mut().flat_map(|m| m.values_mut())) {
            ranges.sort_unstable_by_key(|r| r.start);
            let mut merged: Vec<Range<usize>> = Vec::with_capacity(ranges.len());
            for r in ranges.drain(..) {
                match merged.last_mut() {
                    Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
                    _ => merged.push(r),
                }
            }
            *ranges = merged;
        }
    }

    fn contains(&self, rule: Option<&str>, span: Span) -> bool {
        let of_rule = match rule {
            None => Some(&self.all),
            Some(rule) => self.by_rule.get(rule),
        };
        of_rule
            .and_then(|m| m.get(&span.source))
            .is_some_and(|ranges| {
                let i = ranges.partition_point(|r| r.end <= span.offset);
                ranges.get(i).is_some_and(|r| r.contains(&span.offset))
            })
    }
}

/// Findings of the `unused-suppression` rules for directives that suppressed nothing, or name
/// a rule that does not exist.
pub fn unused(suppressions: &[Suppression], rules: &RuleSet) -> Vec<Finding> {
    let mut out = Vec::new();
    for s in suppressions {
        if s.rules.is_empty() {
            if !s.used.iter().any(|u| *u) {
                out.extend(rules.report_kind("unused-suppression", || {
                    Diag::new()
                        .arg("rules", "all rules")
                        .label(s.directive, "suppresses nothing")
                }));
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
            out.extend(rules.report_kind("unused-suppression", || {
                let diag = Diag::new()
                    .arg("rules", name.clone())
                    .label(s.directive, label.clone());
                if help.is_some() {
                    diag.help(help.clone())
                } else {
                    diag
                }
            }));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::campaign::Format;
    use crate::rules::Env;
    use crate::rules::kinds::testing;

    fn run(text: &str, format: Format) -> Vec<(String, String)> {
        let rules = testing::only_these(&[
            "missing-unsubscribe-link",
            "hidden-unsubscribe-link",
            "unused-suppression",
        ]);
        let facts = testing::facts(text, format, None, &rules);
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

    /// `apply` against its definition (`Suppression::covers`, finding by finding and
    /// suppression by suppression), on overlapping regions, several sources, rules named
    /// twice, file-wide headers and findings without a place.
    #[test]
    fn the_index_agrees_with_the_definition() {
        use super::{Scope, Suppression};
        use crate::diagnostic::{Finding, Label, Severity, Span};

        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n) as usize
        };
        let names = ["a", "b", "c"];
        for _ in 0..300 {
            let mut suppressions: Vec<Suppression> = (0..next(6))
                .map(|_| {
                    let rules: Vec<String> =
                        (0..next(3)).map(|_| names[next(3)].to_owned()).collect();
                    let scope = if next(8) == 0 {
                        Scope::File
                    } else {
                        let start = next(40);
                        Scope::Region {
                            source: next(2),
                            range: start..start + next(12),
                        }
                    };
                    Suppression {
                        used: vec![false; rules.len().max(1)],
                        rules,
                        scope,
                        directive: Span::default(),
                    }
                })
                .collect();
            let findings: Vec<Finding> = (0..next(10))
                .map(|_| Finding {
                    rule: names[next(3)].to_owned(),
                    severity: Severity::Error,
                    message: String::new(),
                    help: None,
                    labels: if next(6) == 0 {
                        Vec::new()
                    } else {
                        vec![Label {
                            span: Span::new(next(2), next(50)..next(50) + 60),
                            text: None,
                        }]
                    },
                    recipients: None,
                    examples: Vec::new(),
                    args: Vec::new(),
                })
                .collect();

            let mut expected_used = suppressions.clone();
            let mut expected = findings.clone();
            expected.retain(|f| {
                let mut keep = true;
                for s in &mut expected_used {
                    if let Some(i) = s.covers(f) {
                        s.used[i] = true;
                        keep = false;
                    }
                }
                keep
            });
            let mut kept = findings.clone();
            super::apply(&mut suppressions, &mut kept);
            assert_eq!(kept, expected, "{suppressions:?} {findings:?}");
            let used = |s: &[Suppression]| s.iter().map(|s| s.used.clone()).collect::<Vec<_>>();
            assert_eq!(
                used(&suppressions),
                used(&expected_used),
                "{suppressions:?} {findings:?}"
            );
        }
    }
}
