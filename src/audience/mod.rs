//! Audience mode: every recipient of an export against every campaign, with the findings
//! grouped. One diagnostic per problem, on the campaign's text, says how many recipients
//! it hits and shows at most a few (masked) addresses: never one line per recipient, and
//! never a whole list of personal data on the terminal.
//!
//! The export is streamed (`reader`, `stream`, `scan`); what is kept grows with the number of
//! distinct findings, not with the number of rows.

pub mod diagnose;
mod engine;
mod owned;
pub mod presets;
pub mod reader;
mod rows;
pub mod scan;
pub mod stream;

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::IsTerminal;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use crate::audience::reader::{ReadOptions, for_each_row};
use crate::config::Config;
use crate::diagnostic::{AudienceSummary, Finding, OwnedSummary, Span};
use crate::error::Error;
use crate::error::Result;
use crate::facts::Facts;
use crate::output::PendingFile;
use crate::profiles::FieldMap;
use crate::report::numbers::{share_note, thousands};
use crate::rules::{Env, RuleSet};
use crate::variants::Variants;

pub use crate::profiles::privacy::{mask, mask_addresses};
pub use owned::OwnedIndex;
pub use rows::SKIPPED_LISTED;
pub(crate) use rows::csv_cell;

/// What an audience run found.
#[derive(Debug, Default)]
pub struct AudienceRun {
    /// Grouped recipient findings, one list per campaign (in the order given).
    pub per_campaign: Vec<Vec<Finding>>,
    /// Grouped findings about the profiles themselves (status, missing fields).
    pub profile_findings: Vec<Finding>,
    pub summary: AudienceSummary,
    /// `--suppress-out` and `--findings-out`, written but not yet in place: the caller
    /// commits them when the whole run completes.
    pub outputs: Vec<PendingFile>,
}

type Key = (String, String, Option<Span>);

/// Findings that are the same problem in the same place, counted.
#[derive(Debug, Default, Clone)]
struct Groups {
    index: HashMap<Key, usize>,
    entries: Vec<(Finding, u64, Vec<String>)>,
    /// Example recipients kept per finding (`[limits] examples`).
    examples: usize,
}

impl Groups {
    /// Adds `count` recipients of `finding`, with examples, to its group.
    fn add(&mut self, finding: Finding, count: u64, examples: Vec<String>) {
        let key = (
            finding.rule.clone(),
            finding.message.clone(),
            finding.primary_span(),
        );
        let i = *self.index.entry(key).or_insert_with(|| {
            self.entries.push((finding, 0, Vec::new()));
            self.entries.len() - 1
        });
        let (_, total, shown) = &mut self.entries[i];
        *total += count;
        for email in examples {
            if shown.len() < self.examples && !shown.contains(&email) {
                shown.push(email);
            }
        }
    }

    fn finish(self, total: u64) -> Vec<Finding> {
        self.entries
            .into_iter()
            .map(|(mut f, count, examples)| {
                f.message = format!("{} ({})", f.message, share_note(count, total));
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
    /// Read every row with the generic readers, on one thread, without the shape memo:
    /// the reference that tests hold the fast engine to.
    pub reference: bool,
    /// `--fail-on RULE=RATE`: carried to the summary, which reports the rates that trip.
    pub fail_on: Vec<(String, f64)>,
}

/// The per-recipient files the user asked for, written as rows stream by (to temporary
/// files, moved into place when the whole run completes).
struct Outputs {
    suppress: Option<PendingFile>,
    findings: Option<PendingFile>,
}

impl Outputs {
    fn create(options: &AudienceOptions) -> Result<Outputs> {
        let create = |p: &Option<PathBuf>| p.as_deref().map(PendingFile::create).transpose();
        let mut suppress = create(&options.suppress_out)?;
        if let Some(w) = &mut suppress {
            w.write_all(b"email,rules\n")?;
        }
        let findings = create(&options.findings_out)?;
        Ok(Outputs { suppress, findings })
    }

    /// Writes a piece's lines; `base` is the number of rows before the piece.
    fn write(&mut self, base: u64, suppress: &[u8], findings: &[(u64, String)]) -> Result<()> {
        if let Some(w) = &mut self.suppress {
            w.write_all(suppress)?;
        }
        if let Some(w) = &mut self.findings {
            let mut line = String::new();
            for (row, rest) in findings {
                line.clear();
                let _ = writeln!(line, "{{\"row\":{},{rest}", base + row);
                w.write_all(line.as_bytes())?;
            }
        }
        Ok(())
    }

    fn into_pending(self) -> Vec<PendingFile> {
        self.suppress.into_iter().chain(self.findings).collect()
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
        bytes_read: progress.as_ref().map(|p| Arc::clone(&p.bytes)),
        record_limits: config.limits.records(),
    };
    let owned = options
        .owned
        .as_deref()
        .map(|path| OwnedIndex::load(path, config.limits.records()))
        .transpose()?;
    let mut outputs = Outputs::create(options)?;
    let started = Instant::now();
    let plan = engine::Plan {
        rules,
        env,
        facts: campaigns.facts,
        variants: campaigns.variants,
        campaign_paths: campaigns.paths,
        owned: owned.as_ref(),
        show_emails: options.show_emails,
        suppress_out: outputs.suppress.is_some(),
        findings_out: outputs.findings.is_some(),
        reads: engine::reads(rules, campaigns.facts),
        examples: config.limits.examples,
    };
    let groups = Groups {
        examples: config.limits.examples,
        ..Groups::default()
    };
    let mut merged = Merged {
        groups: vec![groups.clone(); campaigns.facts.len()],
        profile_groups: groups,
        ..Merged::default()
    };
    let mut write_error = None;
    let started_stream = if options.reference {
        None
    } else {
        stream::start(path, &fields, &read)?
    };
    if let Some((_, stream)) = &started_stream {
        merged.line = stream.first_line();
    }
    let mut on_piece = |piece: engine::PieceResult| {
        if let Err(e) = merged.add(piece, &mut outputs) {
            write_error.get_or_insert(e);
        }
        if let Some(p) = &mut progress {
            p.tick(merged.summary.rows_read);
        }
    };
    let detected = match started_stream {
        Some((layout, stream)) => {
            engine::parallel(&plan, &layout, stream, &mut on_piece)?;
            layout.preset
        }
        None => {
            // A JSON array is one document: read in order, on this thread (and so is
            // every export for the reference engine).
            let mut worker = engine::Worker::new(&plan, None, &fields);
            let outcome = for_each_row(path, &fields, &read, |row| worker.profile_row(row))?;
            on_piece(worker.finish());
            outcome.preset
        }
    };
    if let Some(p) = progress.take() {
        p.clear();
    }
    if let Some(e) = write_error {
        return Err(e);
    }
    let Merged {
        groups,
        profile_groups,
        mut summary,
        ..
    } = merged;
    summary.path = path.display().to_string();
    summary.fail_on.clone_from(&options.fail_on);
    summary.suppress_out = options
        .suppress_out
        .as_ref()
        .map(|p| p.display().to_string());
    summary.seconds = started.elapsed().as_secs_f64();
    summary.preset = match (&options.preset, detected) {
        (Some(_), _) => options
            .preset
            .as_deref()
            .and_then(presets::find)
            .map(|p| p.title.to_owned()),
        (None, Some(p)) => Some(format!("{}, recognised from the columns", p.title)),
        (None, None) => None,
    };
    if let Some(index) = &owned {
        summary.owned = Some(OwnedSummary {
            path: index.path.clone(),
            addresses: index.by_email.len() as u64,
            rows: index.rows,
            rows_skipped: index.skipped,
            skipped: index.skipped_list.clone(),
        });
    }
    let total = summary.rows_checked;
    Ok(AudienceRun {
        per_campaign: groups.into_iter().map(|g| g.finish(total)).collect(),
        profile_findings: profile_groups.finish(total),
        summary,
        outputs: outputs.into_pending(),
    })
}

/// The pieces' results added up, in file order.
#[derive(Default)]
struct Merged {
    /// The file line where the piece being added starts.
    line: u64,
    groups: Vec<Groups>,
    profile_groups: Groups,
    summary: AudienceSummary,
}

impl Merged {
    fn add(&mut self, piece: engine::PieceResult, outputs: &mut Outputs) -> Result<()> {
        let base = self.summary.rows_read;
        let s = &mut self.summary;
        s.rows_read += piece.rows;
        s.rows_checked += piece.checked;
        s.rows_skipped += piece.skipped;
        s.rows_from_memo += piece.from_memo;
        for (row, line, reason) in piece.skipped_list {
            if s.skipped.len() < SKIPPED_LISTED {
                s.skipped
                    .push((base + row, line.map(|l| l + self.line), reason));
            }
        }
        self.line += piece.lines;
        for (rule, n) in piece.rules {
            *s.rule_recipients.entry(rule).or_default() += n;
        }
        s.recipients_with_errors += piece.worst.errors;
        s.recipients_with_warnings += piece.worst.warnings;
        s.recipients_with_infos += piece.worst.infos;
        for (campaign, finding, count, examples) in piece.groups {
            let groups = match campaign {
                Some(i) => &mut self.groups[i],
                None => &mut self.profile_groups,
            };
            groups.add(finding, count, examples);
        }
        outputs.write(base, &piece.suppress, &piece.findings)
    }
}

/// A one-line progress display on stderr, when stderr is a terminal: rows, rows per
/// second, and the share of the file read.
struct Progress {
    bytes: Arc<AtomicU64>,
    total: u64,
    started: Instant,
    last: Instant,
    /// Whether a line was drawn (and must be cleared).
    drawn: bool,
    /// Least time between two draws: 100 ms (`CAMPAIGN_LINT_PROGRESS_MS` sets it, so that
    /// tests need not depend on how fast a machine checks).
    every: u128,
}

impl Progress {
    fn new(path: &Path) -> Option<Progress> {
        if !std::io::stderr().is_terminal() {
            return None;
        }
        let now = Instant::now();
        Some(Progress {
            bytes: Arc::new(AtomicU64::new(0)),
            total: std::fs::metadata(path).map_or(0, |m| m.len()),
            started: now,
            last: now,
            drawn: false,
            every: std::env::var("CAMPAIGN_LINT_PROGRESS_MS")
                .ok()
                .and_then(|v| v.parse().ok())
                .unwrap_or(100),
        })
    }

    /// Called once per piece of the export (thousands of rows).
    fn tick(&mut self, rows: u64) {
        if self.last.elapsed().as_millis() < self.every {
            return;
        }
        self.last = Instant::now();
        self.drawn = true;
        let secs = self.started.elapsed().as_secs_f64().max(1e-9);
        let share = if self.total > 0 {
            format!(
                "{:>3.0}%  ",
                (self.bytes.load(Ordering::Relaxed) as f64 * 100.0 / self.total as f64).min(100.0)
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
