//! Audience mode: every recipient of an export against every campaign, with the findings
//! grouped. One diagnostic per problem, on the campaign's text, says how many recipients
//! it hits and shows at most a few (masked) addresses: never one line per recipient, and
//! never a whole list of personal data on the terminal.
//!
//! The export is streamed (`profiles::audience`); what is kept grows with the number of
//! distinct findings, not with the number of rows.

use std::cell::Cell;
use std::collections::HashMap;
use std::fs::File;
use std::io::IsTerminal;
use std::io::{BufWriter, Write as _};
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::time::Instant;

use crate::config::Config;
use crate::diagnostic::{AudienceSummary, Finding, Severity, Span};
use crate::error::Error;
use crate::error::Result;
use crate::facts::Facts;
use crate::profiles::audience::{ReadOptions, for_each_row};
use crate::profiles::{FieldMap, Profile, presets};
use crate::rules::{Env, RuleSet};
use crate::variants::{Target, Variants};

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
/// How to read the export's rows.
#[derive(Debug, Clone, Default)]
pub struct AudienceOptions {
    /// `--preset NAME`; without it, the export is recognised from its columns unless the
    /// config maps the fields itself.
    pub preset: Option<String>,
    /// CSV delimiter (detected when None).
    pub delimiter: Option<u8>,
    /// Show example addresses in full.
    pub show_emails: bool,
    /// Owned products joined by email (`--owned`).
    pub owned: Option<std::path::PathBuf>,
    /// Write the addresses to exclude (recipients with error-level findings) as CSV.
    pub suppress_out: Option<PathBuf>,
    /// Write one JSON line per recipient with findings.
    pub findings_out: Option<PathBuf>,
}

/// The per-recipient files the user asked for, written as rows stream by.
struct Outputs {
    suppress: Option<(String, BufWriter<File>)>,
    findings: Option<(String, BufWriter<File>)>,
}

fn create(path: &Path) -> Result<(String, BufWriter<File>)> {
    let display = path.display().to_string();
    let file =
        File::create(path).map_err(|e| Error::new(&display, format!("cannot write: {e}")))?;
    Ok((display, BufWriter::new(file)))
}

impl Outputs {
    fn create(options: &AudienceOptions) -> Result<Outputs> {
        let mut suppress = options.suppress_out.as_deref().map(create).transpose()?;
        if let Some((path, w)) = &mut suppress {
            writeln!(w, "email,rules")
                .map_err(|e| Error::new(path.as_str(), format!("cannot write: {e}")))?;
        }
        let findings = options.findings_out.as_deref().map(create).transpose()?;
        Ok(Outputs { suppress, findings })
    }

    fn write(
        &mut self,
        row: u64,
        profile: &Profile,
        found: &[(Option<usize>, Finding)],
        rules: &[&str],
        campaigns: &[String],
    ) -> Result<()> {
        let email = profile.email.as_deref().unwrap_or_default();
        if let Some((path, w)) = &mut self.suppress {
            let mut errors: Vec<&str> = found
                .iter()
                .filter(|(_, f)| f.severity == Severity::Error)
                .map(|(_, f)| f.rule.as_str())
                .collect();
            errors.dedup();
            if !errors.is_empty() {
                writeln!(w, "{},{}", csv_cell(email), csv_cell(&errors.join(";")))
                    .map_err(|e| Error::new(path.as_str(), format!("cannot write: {e}")))?;
            }
        }
        if let Some((path, w)) = &mut self.findings {
            let details: Vec<serde_json::Value> = found
                .iter()
                .map(|(i, f)| {
                    serde_json::json!({
                        "rule": f.rule,
                        "severity": f.severity.as_str(),
                        "message": f.message,
                        "campaign": i.and_then(|i| campaigns.get(i)),
                    })
                })
                .collect();
            let line = serde_json::json!({ "row": row, "email": email, "rules": rules, "findings": details });
            writeln!(w, "{line}")
                .map_err(|e| Error::new(path.as_str(), format!("cannot write: {e}")))?;
        }
        Ok(())
    }

    fn finish(self) -> Result<()> {
        for (path, mut w) in self.suppress.into_iter().chain(self.findings) {
            w.flush()
                .map_err(|e| Error::new(path.as_str(), format!("cannot write: {e}")))?;
        }
        Ok(())
    }
}

/// A CSV cell, quoted when it needs to be.
fn csv_cell(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

/// The campaigns an audience is checked against.
pub struct Campaigns<'a> {
    pub facts: &'a [&'a Facts],
    pub paths: &'a [String],
    pub variants: &'a Variants,
}

pub fn run(
    path: &Path,
    campaigns: &Campaigns,
    rules: &RuleSet,
    env: Env,
    config: &Config,
    options: &AudienceOptions,
) -> Result<AudienceRun> {
    let show_emails = options.show_emails;
    let (fields, detect_preset) = match &options.preset {
        Some(name) => match presets::find(name) {
            Some(p) => (p.fields(), false),
            None => {
                let names: Vec<&str> = presets::PRESETS.iter().map(|p| p.name).collect();
                return Err(Error::new(
                    "",
                    format!(
                        "--preset: no preset named {name:?} (presets: {})",
                        names.join(", ")
                    ),
                ));
            }
        },
        // A config that maps the fields says how the export is written.
        None => (config.fields.clone(), config.fields == FieldMap::default()),
    };
    let mut progress = Progress::new(path);
    let read = ReadOptions {
        delimiter: options.delimiter,
        detect_preset,
        owned_join: false,
        bytes_read: progress.as_ref().map(|p| Rc::clone(&p.bytes)),
    };
    let owned = options.owned.as_deref().map(OwnedIndex::load).transpose()?;
    let mut outputs = Outputs::create(options)?;
    let mut write_error = None;
    let started = Instant::now();
    let Campaigns {
        facts,
        paths: campaign_paths,
        variants,
    } = *campaigns;
    let mut groups = vec![Groups::default(); facts.len()];
    let mut profile_groups = Groups::default();
    let mut summary = AudienceSummary {
        path: path.display().to_string(),
        ..AudienceSummary::default()
    };
    let outcome = for_each_row(path, &fields, &read, |row| {
        summary.rows_read += 1;
        if let Some(p) = &mut progress {
            p.tick(summary.rows_read);
        }
        let profile = match row.profile.and_then(validate) {
            Ok(mut p) => {
                if let Some(index) = &owned {
                    index.extend(&mut p);
                }
                p
            }
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
        // This recipient's findings: (campaign index, or None for the profile, finding).
        let mut found: Vec<(Option<usize>, Finding)> = Vec::new();
        for target in variants.targets(&profile) {
            match target {
                Target::Campaign(i) => {
                    let more = rules.check_recipient(env, facts[i], &profile);
                    found.extend(more.into_iter().map(|x| (Some(i), x)));
                }
                Target::Missing(g) => {
                    let home = variants.home(g);
                    found.extend(
                        variants
                            .missing(g, &profile, rules)
                            .map(|x| (Some(home), x)),
                    );
                }
            }
        }
        found.extend(
            rules
                .check_profile(env, &profile)
                .into_iter()
                .map(|x| (None, x)),
        );
        if found.is_empty() {
            return;
        }
        let mut hit: Vec<&str> = found.iter().map(|(_, f)| f.rule.as_str()).collect();
        hit.sort_unstable();
        hit.dedup();
        for rule in &hit {
            *summary
                .rule_recipients
                .entry((*rule).to_owned())
                .or_default() += 1;
        }
        if let Err(e) = outputs.write(row.number, &profile, &found, &hit, campaign_paths) {
            write_error.get_or_insert(e);
        }
        for (i, finding) in found {
            match i {
                Some(i) => groups[i].add(finding, email.as_ref()),
                None => profile_groups.add(finding, email.as_ref()),
            }
        }
    })?;
    if let Some(p) = progress.take() {
        p.clear();
    }
    if let Some(e) = write_error {
        return Err(e);
    }
    outputs.finish()?;
    summary.seconds = started.elapsed().as_secs_f64();
    summary.preset = match (&options.preset, outcome.preset) {
        (Some(_), _) => options
            .preset
            .as_deref()
            .and_then(presets::find)
            .map(|p| p.title.to_owned()),
        (None, Some(p)) => Some(format!("{}, recognised from the columns", p.title)),
        (None, None) => None,
    };
    if let Some(index) = &owned {
        summary.owned = Some((
            index.path.clone(),
            index.by_email.len() as u64,
            index.rows,
            index.skipped,
        ));
    }
    let total = summary.rows_checked;
    Ok(AudienceRun {
        per_campaign: groups.into_iter().map(|g| g.finish(total)).collect(),
        profile_findings: profile_groups.finish(total),
        summary,
    })
}

/// A one-line progress display on stderr, when stderr is a terminal: rows, rows per
/// second, and the share of the file read.
struct Progress {
    bytes: Rc<Cell<u64>>,
    total: u64,
    started: Instant,
    last: Instant,
    /// Whether a line was drawn (and must be cleared).
    drawn: bool,
}

impl Progress {
    fn new(path: &Path) -> Option<Progress> {
        if !std::io::stderr().is_terminal() {
            return None;
        }
        let now = Instant::now();
        Some(Progress {
            bytes: Rc::new(Cell::new(0)),
            total: std::fs::metadata(path).map_or(0, |m| m.len()),
            started: now,
            last: now,
            drawn: false,
        })
    }

    fn tick(&mut self, rows: u64) {
        // Look at the clock only now and then; rows go by in microseconds.
        if !rows.is_multiple_of(4096) || self.last.elapsed().as_millis() < 100 {
            return;
        }
        self.last = Instant::now();
        self.drawn = true;
        let secs = self.started.elapsed().as_secs_f64().max(1e-9);
        let share = if self.total > 0 {
            format!(
                "{:>3.0}%  ",
                (self.bytes.get() as f64 * 100.0 / self.total as f64).min(100.0)
            )
        } else {
            String::new()
        };
        let _ = write!(
            std::io::stderr(),
            "\r{share}{} rows  {} rows/s ",
            thousands(rows),
            thousands((rows as f64 / secs) as u64)
        );
    }

    fn clear(self) {
        if self.drawn {
            let _ = write!(std::io::stderr(), "\r\x1b[2K");
        }
    }
}

/// Owned products from a separate export, by lowercased email: the only thing an
/// audience run holds in memory that grows with the data.
#[derive(Debug, Default)]
pub struct OwnedIndex {
    pub by_email: HashMap<String, Vec<String>>,
    pub rows: u64,
    pub skipped: u64,
    pub path: String,
}

impl OwnedIndex {
    /// Reads an orders or registrations export (CSV, JSON Lines, JSON array; .gz too)
    /// with an email and a SKU column (`Email` + `Lineitem sku` for Shopify orders).
    pub fn load(path: &Path) -> Result<OwnedIndex> {
        let mut index = OwnedIndex {
            path: path.display().to_string(),
            ..OwnedIndex::default()
        };
        let read = ReadOptions {
            owned_join: true,
            ..ReadOptions::default()
        };
        // Shopify writes the email only on an order's first line item; later lines of the
        // same order (same `Name`) inherit it.
        let mut last: Option<(String, String)> = None;
        for_each_row(path, &FieldMap::default(), &read, |row| {
            index.rows += 1;
            let Ok(profile) = row.profile else {
                index.skipped += 1;
                return;
            };
            let order = profile
                .fields
                .get("Name")
                .and_then(|v| v.as_str())
                .map(str::to_owned);
            let email = match (&profile.email, &last, &order) {
                (Some(e), _, _) => e.to_lowercase(),
                (None, Some((last_order, e)), Some(o)) if last_order == o => e.clone(),
                _ => {
                    index.skipped += 1;
                    return;
                }
            };
            if let Some(o) = order {
                last = Some((o, email.clone()));
            }
            let owned = index.by_email.entry(email).or_default();
            for p in profile.owned_products {
                if !owned.contains(&p) {
                    owned.push(p);
                }
            }
        })?;
        Ok(index)
    }

    /// Adds the products this recipient owns according to the index.
    fn extend(&self, profile: &mut Profile) {
        let Some(email) = &profile.email else { return };
        if let Some(more) = self.by_email.get(&email.to_lowercase()) {
            for p in more {
                if !profile.owned_products.contains(p) {
                    profile.owned_products.push(p.clone());
                }
            }
        }
    }
}

/// A row is checked only with an address and languages campaign-lint understands.
fn validate(profile: Profile) -> std::result::Result<Profile, String> {
    if profile.email.is_none() {
        return Err("no email address".to_owned());
    }
    if let Some(unknown) = profile.languages.iter().find(|l| l.language.is_none()) {
        return Err(format!(
            "unknown language {:?}",
            crate::profiles::shorten(&unknown.raw)
        ));
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
