//! Audience mode: every recipient of an export against every campaign, with the findings
//! grouped. One diagnostic per problem, on the campaign's text, says how many recipients
//! it hits and shows at most a few (masked) addresses: never one line per recipient, and
//! never a whole list of personal data on the terminal.
//!
//! The export is streamed (`profiles::audience`); what is kept grows with the number of
//! distinct findings, not with the number of rows.

use std::collections::HashMap;
use std::path::Path;
use std::time::Instant;

use crate::config::Config;
use crate::diagnostic::{AudienceSummary, Finding, Span};
use crate::error::Result;
use crate::facts::Facts;
use crate::profiles::Profile;
use crate::profiles::audience::{ReadOptions, for_each_row};
use crate::rules::{Env, RuleSet};

/// Example recipients shown per finding.
pub const EXAMPLES: usize = 3;
/// Skipped rows listed by number (the rest are counted).
pub const SKIPPED_LISTED: usize = 10;

/// What an audience run found.
#[derive(Debug, Default)]
pub struct AudienceRun {
    /// Grouped recipient findings, one list per campaign (in the order given).
    pub per_campaign: Vec<Vec<Finding>>,
    /// Grouped findings about the profiles themselves (status, missing fields).
    pub profile_findings: Vec<Finding>,
    pub summary: AudienceSummary,
}

type Key = (String, String, Option<Span>);

/// Findings that are the same problem in the same place, counted.
#[derive(Debug, Default, Clone)]
struct Groups {
    index: HashMap<Key, usize>,
    groups: Vec<(Finding, u64, Vec<String>)>,
}

impl Groups {
    fn add(&mut self, finding: Finding, email: Option<&String>) {
        let key = (
            finding.rule.clone(),
            finding.message.clone(),
            finding.primary_span(),
        );
        let i = *self.index.entry(key).or_insert_with(|| {
            self.groups.push((finding, 0, Vec::new()));
            self.groups.len() - 1
        });
        let (_, count, examples) = &mut self.groups[i];
        *count += 1;
        if let Some(email) = email
            && examples.len() < EXAMPLES
            && !examples.contains(email)
        {
            examples.push(email.clone());
        }
    }

    fn finish(self, total: u64) -> Vec<Finding> {
        self.groups
            .into_iter()
            .map(|(mut f, count, examples)| {
                let share = if total == 0 {
                    0.0
                } else {
                    count as f64 * 100.0 / total as f64
                };
                f.message = format!(
                    "{} ({} of {} {}, {})",
                    f.message,
                    thousands(count),
                    thousands(total),
                    if total == 1 {
                        "recipient"
                    } else {
                        "recipients"
                    },
                    percent(share)
                );
                f.recipients = Some(count);
                f.examples = examples;
                f
            })
            .collect()
    }
}

/// Checks every row of the export at `path` against every campaign's facts.
pub fn run(
    path: &Path,
    facts: &[&Facts],
    rules: &RuleSet,
    env: Env,
    config: &Config,
    show_emails: bool,
) -> Result<AudienceRun> {
    let started = Instant::now();
    let mut groups = vec![Groups::default(); facts.len()];
    let mut profile_groups = Groups::default();
    let mut summary = AudienceSummary {
        path: path.display().to_string(),
        ..AudienceSummary::default()
    };
    for_each_row(path, &config.fields, &ReadOptions::default(), |row| {
        summary.rows_read += 1;
        let profile = match row.profile.and_then(validate) {
            Ok(p) => p,
            Err(reason) => {
                summary.rows_skipped += 1;
                if summary.skipped.len() < SKIPPED_LISTED {
                    summary.skipped.push((row.number, row.line, reason));
                }
                return;
            }
        };
        summary.rows_checked += 1;
        let email = profile
            .email
            .as_deref()
            .map(|e| if show_emails { e.to_owned() } else { mask(e) });
        for (g, f) in groups.iter_mut().zip(facts) {
            for finding in rules.check_recipient(env, f, &profile) {
                g.add(finding, email.as_ref());
            }
        }
        for finding in rules.check_profile(env, &profile) {
            profile_groups.add(finding, email.as_ref());
        }
    })?;
    summary.seconds = started.elapsed().as_secs_f64();
    let total = summary.rows_checked;
    Ok(AudienceRun {
        per_campaign: groups.into_iter().map(|g| g.finish(total)).collect(),
        profile_findings: profile_groups.finish(total),
        summary,
    })
}

/// A row is checked only with an address and languages campaign-lint understands.
fn validate(profile: Profile) -> std::result::Result<Profile, String> {
    if profile.email.is_none() {
        return Err("no email address".to_owned());
    }
    if let Some(unknown) = profile.languages.iter().find(|l| l.language.is_none()) {
        return Err(format!("unknown language {:?}", unknown.raw));
    }
    Ok(profile)
}

/// `anna.schmidt@example.com` as `a•••@example.com`: enough to recognise a test address,
/// not enough to leak a customer's.
pub fn mask(email: &str) -> String {
    match email.split_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}•••@{domain}")
        }
        None => "•••".to_owned(),
    }
}

/// `1234567` as `1,234,567`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn percent(share: f64) -> String {
    if share > 0.0 && share < 0.1 {
        "<0.1%".to_owned()
    } else {
        format!("{share:.1}%")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masking_and_numbers() {
        assert_eq!(mask("anna.schmidt@example.com"), "a•••@example.com");
        assert_eq!(mask("x"), "•••");
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(thousands(999), "999");
        assert_eq!(percent(0.01), "<0.1%");
        assert_eq!(percent(12.34), "12.3%");
    }
}
