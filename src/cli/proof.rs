//! The `proof` command: seeds, cap, `check` first, the proofs built, then written
//! (`--dry-run DIR`) or sent with the server's reply per seed.

use std::io::{self, Write};
use std::path::PathBuf;
use std::time::Duration;

use crate::check::{CheckRequest, check};
use crate::cli::{ExitStatus, RuleArgs};
use crate::config::Config;
use crate::error::Error;
use crate::output::{Named, PendingFile, check_distinct};
use crate::profiles::privacy::mask;
use crate::report::{self, HumanOptions, OutputFormat};

use crate::proof::smtp::{self, Reply, Server};
use crate::proof::{Proof, build, dry_run_name, seeds};

/// `campaign-lint proof`, its arguments as given.
#[derive(Debug, Clone, Default)]
pub struct Request {
    pub campaigns: Vec<PathBuf>,
    pub to: Vec<String>,
    pub profile: Option<PathBuf>,
    pub seeds: Option<PathBuf>,
    pub smtp: Option<String>,
    pub smtp_ca: Option<PathBuf>,
    pub dry_run: Option<PathBuf>,
    pub from: Option<String>,
    pub allow_errors: bool,
    pub audience: Option<PathBuf>,
    pub rules: RuleArgs,
}

pub fn run(
    request: &Request,
    config: &Config,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<ExitStatus> {
    let fail = |err: &mut dyn Write, e: &Error| crate::cli::fail(err, e);
    if let Some(audience) = &request.audience {
        return fail(
            err,
            &Error::new(
                audience.display().to_string(),
                "proof: a proof goes to a seed list only, never to an --audience export; give --seeds FILE or --profile FILE --to ADDR",
            ),
        );
    }
    let settings = &config.proof;
    let seed_file = request.seeds.clone().or_else(|| {
        request
            .profile
            .is_none()
            .then(|| settings.seeds.clone())
            .flatten()
    });
    let seeds = match seeds(
        &request.to,
        request.profile.as_deref(),
        seed_file.as_deref(),
        config,
    ) {
        Ok(seeds) => seeds,
        Err(e) => return fail(err, &e),
    };
    if seeds.len() > settings.max_recipients {
        return fail(
            err,
            &Error::new(
                "",
                format!(
                    "proof: {} seeds, more than the {} a proof may go to ([proof] max-recipients in campaign-lint.toml); nothing was sent",
                    seeds.len(),
                    settings.max_recipients
                ),
            ),
        );
    }
    // Where it goes, settled before the check: a bad URL is found before any work.
    let server = match (
        &request.dry_run,
        request.smtp.as_ref().or(settings.smtp.as_ref()),
    ) {
        (Some(_), _) => None,
        (None, Some(url)) => {
            let origin = if request.smtp.is_some() {
                "--smtp"
            } else {
                "[proof] smtp"
            };
            match Server::parse(url, origin) {
                Ok(server) => Some(server),
                Err(e) => return fail(err, &e),
            }
        }
        (None, None) => {
            return fail(
                err,
                &Error::new(
                    "",
                    "proof: give --smtp URL (or [proof] smtp) to send, or --dry-run DIR to write the proofs",
                ),
            );
        }
    };

    // `check` first, with the same options, for the seeds' profiles.
    let rules = match crate::cli::rules_for(&request.rules, config) {
        Ok(rules) => rules,
        Err(e) => return fail(err, &e),
    };
    let check_request = CheckRequest {
        campaigns: request.campaigns.clone(),
        profile: request.profile.clone(),
        audience: seed_file.clone().filter(|_| request.profile.is_none()),
        ..CheckRequest::default()
    };
    let outcome = match check(&check_request, config, &rules) {
        Ok(outcome) => outcome,
        Err(e) => return fail(err, &e),
    };
    if let Some(e) = outcome.errors.first() {
        return fail(err, e);
    }
    let errors = outcome
        .report
        .findings()
        .any(|(_, f)| f.severity == crate::diagnostic::Severity::Error);
    if outcome.report.findings().next().is_some() {
        let human = HumanOptions::detect();
        out.write_all(
            report::render(OutputFormat::Human, &outcome.report, &[], &human, &rules).as_bytes(),
        )?;
    }
    if errors && !request.allow_errors {
        writeln!(
            err,
            "proof: nothing was sent, as check found the errors above (--allow-errors sends anyway)"
        )?;
        return Ok(ExitStatus::Findings);
    }

    let from = request.from.as_deref().or(settings.from.as_deref());
    if let Some(from) = from
        && let Err(e) = crate::proof::address(
            from.rsplit_once('<')
                .map_or(from, |(_, a)| a.trim_end_matches('>')),
            if request.from.is_some() {
                "--from"
            } else {
                "[proof] from"
            },
        )
    {
        return fail(err, &e);
    }
    let proofs = match build(&request.campaigns, &seeds, config, from) {
        Ok(proofs) => proofs,
        Err(e) => return fail(err, &e),
    };
    match (&request.dry_run, server) {
        (Some(dir), _) => dry_run(dir, &proofs, request, out, err),
        (None, Some(server)) => send(&server, &proofs, request, config, out, err),
        (None, None) => Ok(ExitStatus::Failure),
    }
}

/// Writes each proof to `dir` as an `.eml`; sends nothing.
fn dry_run(
    dir: &std::path::Path,
    proofs: &[Proof],
    request: &Request,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<ExitStatus> {
    let written = (|| -> Result<Vec<PathBuf>, Error> {
        std::fs::create_dir_all(dir).map_err(|e| {
            Error::new(
                dir.display().to_string(),
                format!("cannot create the directory: {e}"),
            )
        })?;
        let paths: Vec<PathBuf> = proofs
            .iter()
            .enumerate()
            .map(|(n, p)| dir.join(dry_run_name(n, p)))
            .collect();
        let inputs: Vec<Named> = request
            .campaigns
            .iter()
            .map(|c| Named::new("CAMPAIGN", c))
            .chain(request.profile.iter().map(|p| Named::new("--profile", p)))
            .chain(request.seeds.iter().map(|p| Named::new("--seeds", p)))
            .collect();
        let outputs: Vec<Named> = paths.iter().map(|p| Named::new("--dry-run", p)).collect();
        check_distinct(&inputs, &outputs)?;
        let mut pending = Vec::new();
        for (proof, path) in proofs.iter().zip(&paths) {
            let mut file = PendingFile::create(path)?;
            file.write_all(&proof.bytes)?;
            pending.push(file);
        }
        for file in pending {
            file.commit()?;
        }
        Ok(paths)
    })();
    match written {
        Ok(paths) => {
            for (proof, path) in proofs.iter().zip(paths) {
                writeln!(
                    out,
                    "{} for {}: written to {} (dry run, not sent)",
                    report::neutralize(&proof.campaign.display().to_string()),
                    mask(&proof.seed),
                    report::neutralize(&path.display().to_string())
                )?;
            }
            Ok(ExitStatus::Clean)
        }
        Err(e) => crate::cli::fail(err, &e),
    }
}

/// Sends each proof and reports the server's reply per seed; exit 2 when any seed's
/// proof was not accepted.
fn send(
    server: &Server,
    proofs: &[Proof],
    request: &Request,
    config: &Config,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<ExitStatus> {
    let settings = &config.proof;
    let ca = request.smtp_ca.as_deref().or(settings.ca_file.as_deref());
    let password = std::env::var(smtp::PASSWORD_VAR)
        .ok()
        .filter(|p| !p.is_empty());
    let timeout = Duration::from_secs(settings.timeout_seconds.max(1));
    let transport = match smtp::transport(server, ca, password, timeout) {
        Ok(t) => t,
        Err(e) => return crate::cli::fail(err, &e),
    };
    if let Err(e) = smtp::probe(&transport, server) {
        return crate::cli::fail(err, &e);
    }
    let mut refused = 0;
    for proof in proofs {
        let reply = smtp::send(&transport, proof);
        let what = format!(
            "{} for {}",
            report::neutralize(&proof.campaign.display().to_string()),
            mask(&proof.seed)
        );
        match reply {
            Reply::Accepted(text) => {
                writeln!(out, "{what}: accepted ({})", report::neutralize(&text))?;
            }
            Reply::Rejected(code, text) => {
                refused += 1;
                let code = code.map(|c| format!("{c} ")).unwrap_or_default();
                writeln!(
                    out,
                    "{what}: rejected ({code}{})",
                    report::neutralize(&text)
                )?;
            }
        }
    }
    let sent = proofs.len() - refused;
    writeln!(
        err,
        "proof: {sent} of {} accepted by {}",
        proofs.len(),
        server.display()
    )?;
    Ok(if refused > 0 {
        ExitStatus::Failure
    } else {
        ExitStatus::Clean
    })
}
