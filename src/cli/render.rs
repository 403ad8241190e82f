//! The `render` command: the gate check, then each campaign the recipient gets written
//! to `--out` (a file, or a directory for several) or to standard output.

use std::io::{self, Write};
use std::path::PathBuf;

use crate::check::{CheckRequest, check};
use crate::cli::{ExitStatus, RuleArgs};
use crate::config::Config;
use crate::error::Error;
use crate::output::{Named, PendingFile, check_distinct};
use crate::profiles::ProfileFile;
use crate::profiles::privacy::mask;
use crate::report::{self, HumanOptions, OutputFormat};

use crate::render::{GATE_RULES, HeaderChanges, destinations, render_file, targets};

/// Runs `check` on the campaigns for the profile with the rules of `gate` only. The
/// exit status to stop with, when a finding is an error or the check cannot be done;
/// the findings (and any message) are written to `err`.
pub fn gate(
    campaigns: &[PathBuf],
    profile: &std::path::Path,
    rule_args: &RuleArgs,
    gate: &[&str],
    config: &Config,
    err: &mut dyn Write,
) -> io::Result<Option<ExitStatus>> {
    let args = RuleArgs {
        config: rule_args.config.clone(),
        packs: rule_args.packs.clone(),
        select: gate.iter().map(|s| (*s).to_owned()).collect(),
        ignore: Vec::new(),
    };
    let rules = match crate::cli::rules_for(&args, config) {
        Ok(rules) => rules,
        Err(e) => return crate::cli::fail(err, &e).map(Some),
    };
    let request = CheckRequest {
        campaigns: campaigns.to_vec(),
        profile: Some(profile.to_owned()),
        ..CheckRequest::default()
    };
    let outcome = match check(&request, config, &rules) {
        Ok(outcome) => outcome,
        Err(e) => return crate::cli::fail(err, &e).map(Some),
    };
    if let Some(e) = outcome.errors.first() {
        return crate::cli::fail(err, e).map(Some);
    }
    let failing = outcome
        .report
        .findings()
        .any(|(_, f)| f.severity == crate::diagnostic::Severity::Error);
    if !failing {
        return Ok(None);
    }
    let human = HumanOptions::detect();
    err.write_all(
        report::render(OutputFormat::Human, &outcome.report, &[], &human, &rules).as_bytes(),
    )?;
    Ok(Some(ExitStatus::Findings))
}

/// `campaign-lint render`.
pub fn run(
    campaigns: &[PathBuf],
    profile_path: &std::path::Path,
    out_path: Option<&std::path::Path>,
    rule_args: &RuleArgs,
    config: &Config,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<ExitStatus> {
    if let Some(status) = gate(campaigns, profile_path, rule_args, GATE_RULES, config, err)? {
        if status == ExitStatus::Findings {
            writeln!(
                err,
                "render: nothing written, as the recipient's campaign has the errors above"
            )?;
        }
        return Ok(status);
    }
    let mut done = || -> Result<Vec<(String, Option<PathBuf>)>, Error> {
        let profile = ProfileFile::load(profile_path, &config.fields, &config.limits)?;
        let sources = targets(campaigns, config, &profile)?;
        let dests = destinations(&sources, out_path)?;
        let inputs: Vec<Named> = sources
            .iter()
            .map(|s| Named::new("CAMPAIGN", s))
            .chain([Named::new("--profile", profile_path)])
            .collect();
        let outputs: Vec<Named> = dests
            .iter()
            .flatten()
            .map(|d| Named::new("--out", d))
            .collect();
        check_distinct(&inputs, &outputs)?;
        // Everything is rendered before anything is written: one broken tag writes nothing.
        let rendered = sources
            .iter()
            .map(|s| render_file(s, config, &profile, &HeaderChanges::default()))
            .collect::<Result<Vec<_>, _>>()?;
        let mut written = Vec::new();
        let mut pending = Vec::new();
        for (r, dest) in rendered.iter().zip(&dests) {
            match dest {
                Some(path) => {
                    let mut file = PendingFile::create(path)?;
                    file.write_all(&r.bytes)?;
                    pending.push(file);
                }
                None => out
                    .write_all(&r.bytes)
                    .map_err(|e| Error::new("<stdout>", e.to_string()))?,
            }
            written.push((r.source.display().to_string(), dest.clone()));
        }
        for file in pending {
            file.commit()?;
        }
        let who = profile
            .profile
            .email
            .as_deref()
            .map_or_else(|| "the profile".to_owned(), mask);
        Ok(written
            .into_iter()
            .map(|(s, d)| (format!("{s} for {who}"), d))
            .collect())
    };
    match done() {
        Ok(written) => {
            for (what, dest) in written {
                if let Some(dest) = dest {
                    writeln!(
                        err,
                        "rendered {} -> {}",
                        report::neutralize(&what),
                        report::neutralize(&dest.display().to_string())
                    )?;
                }
            }
            Ok(ExitStatus::Clean)
        }
        Err(e) => crate::cli::fail(err, &e),
    }
}
