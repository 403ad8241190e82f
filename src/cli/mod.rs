//! The command line: clap definitions mapped onto library calls. Writes to the given
//! streams and returns the exit status; the binary does the rest.

mod proof;
mod render;

use std::io::{self, Write};
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::check::{CheckRequest, Outcome, check};
use crate::config::Config;
use crate::diagnostic::{AudienceSummary, Severity};
use crate::error::Error;
use crate::output::Named;
use crate::report::{self, HumanOptions, OutputFormat};
use crate::rules::{LoadOptions, RuleSet};

/// Checks drafted email campaigns against their recipients before anything is sent.
#[derive(Debug, Parser)]
#[command(name = "campaign-lint", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check campaigns (.eml, .html, .htm, .txt files or directories), optionally against a recipient profile
    Check(Box<CheckArgs>),
    /// List the rules with their kind, severity, origin and summary
    Rules(RuleArgs),
    /// Print a rule's documentation
    Explain {
        /// The rule's name, e.g. owned-product-offer
        rule: String,
        #[command(flatten)]
        rules: RuleArgs,
    },
    /// Print the effective configuration: config file, catalog, field mapping, packs and every rule's settings
    Config(RuleArgs),
    /// Print the per-recipient checks of a campaign as one SQL query over an audience table
    Sql(Box<SqlArgs>),
    /// Git integration
    #[command(subcommand)]
    Hook(HookCommand),
    /// Write the campaign as one recipient gets it: their language's variant, merge tags filled from their profile
    Render(Box<RenderArgs>),
    /// Check the campaign, then send it to seed addresses as each seed's profile gets it (or write the proofs with --dry-run)
    Proof(Box<ProofArgs>),
    /// A language server over stdin/stdout (LSP): findings in your editor as you type
    Server,
}

#[derive(Debug, Args)]
#[allow(clippy::struct_excessive_bools)] // one per command-line flag
pub struct ProofArgs {
    /// Campaign files or directories (language variants: each seed gets its own)
    #[arg(required = true, value_name = "CAMPAIGN")]
    pub campaigns: Vec<PathBuf>,
    /// The seed addresses, rendered for --profile (comma-separated or repeated)
    #[arg(long, value_name = "ADDR", value_delimiter = ',')]
    pub to: Vec<String>,
    /// The profile every --to seed gets the campaign for (JSON object)
    #[arg(long, value_name = "FILE", conflicts_with = "seeds")]
    pub profile: Option<PathBuf>,
    /// A seed list (CSV, JSON or JSON Lines of profiles): each row's email gets the
    /// campaign as that row's profile would
    #[arg(long, value_name = "FILE")]
    pub seeds: Option<PathBuf>,
    /// The SMTP server: smtp://[user@]host[:port] (STARTTLS), smtps://… (TLS) or
    /// smtp+insecure://127.0.0.1:PORT (loopback only); the password comes from
    /// CAMPAIGN_LINT_SMTP_PASSWORD
    #[arg(long, value_name = "URL")]
    pub smtp: Option<String>,
    /// Trust the certificates in this PEM file for the SMTP server's TLS
    #[arg(long, value_name = "FILE")]
    pub smtp_ca: Option<PathBuf>,
    /// Write each proof to this directory as an .eml (the exact bytes) and send nothing
    #[arg(long, value_name = "DIR")]
    pub dry_run: Option<PathBuf>,
    /// The From of every proof, instead of the campaign's (required for templates)
    #[arg(long, value_name = "ADDR")]
    pub from: Option<String>,
    /// Send even when check finds errors
    #[arg(long)]
    pub allow_errors: bool,
    /// Refused: a proof goes to seeds only
    #[arg(long, value_name = "FILE", hide = true)]
    pub audience: Option<PathBuf>,
    #[command(flatten)]
    pub rules: RuleArgs,
}

#[derive(Debug, Args)]
pub struct RenderArgs {
    /// Campaign files or directories (language variants: the recipient's is rendered)
    #[arg(required = true, value_name = "CAMPAIGN")]
    pub campaigns: Vec<PathBuf>,
    /// The recipient's profile (JSON object)
    #[arg(long, value_name = "FILE")]
    pub profile: PathBuf,
    /// Write to this file, or into this directory under the campaign's file name
    /// (standard output by default)
    #[arg(long, value_name = "FILE|DIR")]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub rules: RuleArgs,
}

/// `campaign-lint sql`.
#[derive(Debug, Args)]
pub struct SqlArgs {
    /// The campaign file
    #[arg(value_name = "CAMPAIGN")]
    pub campaign: PathBuf,
    /// The warehouse's SQL dialect
    #[arg(long, value_enum)]
    pub dialect: crate::sql::Dialect,
    /// The audience table, as the warehouse names it (e.g. crm.customers)
    #[arg(long, value_name = "NAME")]
    pub table: String,
    /// One row per recipient with an error-level finding (address and rules): the
    /// --suppress-out list, instead of counts per rule
    #[arg(long)]
    pub rows: bool,
    /// The table's layout: mailchimp, hubspot, ... (as for check --preset); the config's
    /// [fields] by default
    #[arg(long, value_name = "NAME")]
    pub preset: Option<String>,
    /// The table's columns (comma-separated): mapped fields it lacks read as empty
    #[arg(long, value_name = "COLUMN", value_delimiter = ',')]
    pub columns: Option<Vec<String>>,
    /// The owned-products column is an array, not a delimited string
    #[arg(long)]
    pub owned_array: bool,
    /// The product catalog (TOML or CSV); overrides the config's `catalog`
    #[arg(long, value_name = "FILE")]
    pub catalog: Option<PathBuf>,
    #[command(flatten)]
    pub rules: RuleArgs,
}

impl SqlArgs {
    fn request(&self) -> crate::sql::Request {
        crate::sql::Request {
            campaign: self.campaign.clone(),
            dialect: self.dialect,
            table: self.table.clone(),
            rows: self.rows,
            preset: self.preset.clone(),
            columns: self.columns.clone(),
            owned_array: self.owned_array,
            catalog: self.catalog.clone(),
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum HookCommand {
    /// Write .git/hooks/pre-commit: check the staged campaign files before each commit
    Install {
        /// Replace a pre-commit hook that campaign-lint did not write
        #[arg(long)]
        force: bool,
    },
    /// Check the staged versions of the staged campaign files, under the repository's
    /// campaign-lint.toml: what the installed hook runs. Silent when they are clean; exit
    /// 1 on error-level findings, 2 when they cannot be checked
    Run,
}

/// Where the configuration and the rules come from.
#[derive(Debug, Clone, Default, Args)]
pub struct RuleArgs {
    /// Use this config file instead of the nearest campaign-lint.toml
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// A rule pack: a directory of rule files (repeatable; later packs win)
    #[arg(long = "rules", value_name = "DIR")]
    pub packs: Vec<PathBuf>,
    /// Run only these rules (comma-separated or repeated)
    #[arg(long, value_name = "RULE", value_delimiter = ',')]
    pub select: Vec<String>,
    /// Do not run these rules (comma-separated or repeated)
    #[arg(long, value_name = "RULE", value_delimiter = ',')]
    pub ignore: Vec<String>,
}

#[derive(Debug, Args)]
#[allow(clippy::struct_excessive_bools)] // one per command-line flag
#[command(group(clap::ArgGroup::new("fixing").args(["fix", "diff"])))]
pub struct CheckArgs {
    /// Campaign files or directories
    #[arg(required = true, value_name = "CAMPAIGN")]
    pub campaigns: Vec<PathBuf>,
    /// A recipient profile (JSON object)
    #[arg(long, value_name = "FILE", conflicts_with = "audience")]
    pub profile: Option<PathBuf>,
    /// A whole audience export: CSV, JSON Lines or a JSON array, optionally .gz
    #[arg(long, value_name = "FILE")]
    pub audience: Option<PathBuf>,
    /// Show example recipients' addresses in full (masked by default)
    #[arg(long, requires = "audience")]
    pub show_emails: bool,
    /// The audience export's layout: mailchimp, hubspot, hubspot-internal, shopify, salesforce, klaviyo, campaign-lint (recognised from the columns by default)
    #[arg(long, value_name = "NAME", requires = "audience")]
    pub preset: Option<String>,
    /// An export of owned products (orders, registrations) joined to the audience by email
    #[arg(long, value_name = "FILE", requires = "audience")]
    pub owned: Option<PathBuf>,
    /// Write the addresses to exclude (recipients with error-level findings) to this CSV file
    #[arg(long, value_name = "FILE", requires = "audience")]
    pub suppress_out: Option<PathBuf>,
    /// Write one JSON line per recipient with findings (email, rules, details) to this file
    #[arg(long, value_name = "FILE", requires = "audience")]
    pub findings_out: Option<PathBuf>,
    /// Skipped rows are expected: do not fail when more than [limits] max-skipped-percent
    /// of the audience's rows are skipped
    #[arg(long, requires = "audience")]
    pub allow_skipped: bool,
    /// Check the audience row by row with the generic readers, on one thread and without
    /// the shape memo: the reference the fast engine is tested against
    #[arg(long, requires = "audience", hide = true)]
    pub reference_engine: bool,
    /// Fail (exit 1) because of RULE only when it hits more than RATE of the recipients, e.g.
    /// owned-product-offer=1% or =0.01 (one profile is all of its recipients)
    #[arg(long, value_name = "RULE=RATE", value_parser = parse_fail_on)]
    pub fail_on: Vec<(String, f64)>,
    /// The CSV delimiter of the audience export (detected by default), e.g. ';' or '\t'
    #[arg(long, value_name = "CHAR", requires = "audience", value_parser = parse_delimiter)]
    pub delimiter: Option<u8>,
    /// The product catalog (TOML or CSV); overrides the config's `catalog`
    #[arg(long, value_name = "FILE")]
    pub catalog: Option<PathBuf>,
    #[command(flatten)]
    pub rules: RuleArgs,
    /// Output format
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    pub format: OutputFormat,
    /// Report only findings that are not recorded in this baseline file
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Record the current findings in the --baseline file (and exit 0)
    #[arg(long, requires = "baseline")]
    pub update_baseline: bool,
    /// Write the report to this file instead of stdout (put in place only when the run
    /// completes; never one of the run's inputs)
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// With --format html: load the campaign's remote images (by default each is shown as
    /// a placeholder of its size with its alt text, and nothing is fetched)
    #[arg(long)]
    pub load_images: bool,
    /// Apply the safe fixes to the campaign files, then report the findings left
    #[arg(long, conflicts_with_all = ["diff", "audience", "update_baseline"])]
    pub fix: bool,
    /// With --fix or --diff: the unsafe fixes too (they change what a reader sees)
    #[arg(long, requires = "fixing")]
    pub unsafe_fixes: bool,
    /// Print what the fixes would change as a unified diff (nothing is written); exit 1
    /// if anything would change
    #[arg(long, conflicts_with_all = ["audience", "update_baseline"])]
    pub diff: bool,
}

/// `RULE=RATE`, where RATE is a percentage (`1%`, `0.5%`) or a fraction (`0.01`).
fn parse_fail_on(value: &str) -> Result<(String, f64), String> {
    let (rule, rate) = value
        .split_once('=')
        .ok_or_else(|| "expected RULE=RATE, e.g. owned-product-offer=1%".to_owned())?;
    let rate = rate.trim();
    let fraction = match rate.strip_suffix('%') {
        Some(p) => p.trim().parse::<f64>().map(|p| p / 100.0),
        None => rate.parse::<f64>(),
    }
    .map_err(|_| format!("{rate:?} is not a rate: write 1% or 0.01"))?;
    if !rate.ends_with('%') && fraction > 1.0 && fraction <= 100.0 {
        return Err(format!(
            "{rate:?} is not a rate: write {rate}% or {}",
            fraction / 100.0
        ));
    }
    if !(0.0..=1.0).contains(&fraction) {
        return Err(format!("{rate:?} is not between 0% and 100%"));
    }
    Ok((rule.trim().to_owned(), fraction))
}

fn parse_delimiter(value: &str) -> Result<u8, String> {
    match value {
        "\\t" | "tab" | "\t" => Ok(b'\t'),
        v if v.len() == 1 && v.is_ascii() => Ok(v.as_bytes()[0]),
        _ => Err("give one ASCII character, e.g. ';' or '\\t'".to_owned()),
    }
}

/// Parses the command line. Help and version go to stdout (exit 0); a usage error is
/// printed with clap's message (exit 2), and a campaign named where a command belongs
/// (`campaign-lint promo.eml`) gets the `check` command it was meant for.
pub fn parse(
    args: impl IntoIterator<Item = std::ffi::OsString>,
    err: &mut dyn Write,
) -> Result<Cli, ExitStatus> {
    let args: Vec<std::ffi::OsString> = args.into_iter().collect();
    let e = match Cli::try_parse_from(&args) {
        Ok(cli) => return Ok(cli),
        Err(e) => e,
    };
    let first = args.get(1).map(|a| a.to_string_lossy().into_owned());
    if e.kind() == clap::error::ErrorKind::InvalidSubcommand
        && let Some(first) = first
        && (std::path::Path::new(&first).exists()
            || crate::check::is_campaign_name(std::path::Path::new(&first)))
    {
        let rest: Vec<String> = args[1..]
            .iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        let _ = writeln!(
            err,
            "error: {first:?} is not a command\n\n  to check it: campaign-lint check {}",
            rest.join(" ")
        );
        return Err(ExitStatus::Failure);
    }
    let _ = e.print();
    Err(if e.use_stderr() {
        ExitStatus::Failure
    } else {
        ExitStatus::Clean
    })
}

/// The process's exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// No error-level finding.
    Clean = 0,
    /// At least one error-level finding.
    Findings = 1,
    /// The tool could not do its job (bad input, config or rule file).
    Failure = 2,
}

/// Runs a parsed command line.
pub fn run(cli: Cli, out: &mut dyn Write, err: &mut dyn Write) -> io::Result<ExitStatus> {
    let cwd = std::env::current_dir().unwrap_or_default();
    let args = match &cli.command {
        Command::Check(a) => &a.rules,
        Command::Render(a) => &a.rules,
        Command::Proof(a) => &a.rules,
        Command::Sql(a) => &a.rules,
        Command::Rules(r) | Command::Explain { rules: r, .. } | Command::Config(r) => r,
        Command::Hook(HookCommand::Install { force }) => {
            return match crate::hook::install(&cwd, *force) {
                Ok(path) => {
                    writeln!(
                        out,
                        "installed {}: staged campaign files are checked before each commit",
                        report::neutralize(&path.display().to_string())
                    )?;
                    Ok(ExitStatus::Clean)
                }
                Err(e) => fail(err, &e),
            };
        }
        Command::Hook(HookCommand::Run) => return run_hook(&cwd, out, err),
        Command::Server => {
            return match crate::server::run() {
                Ok(()) => Ok(ExitStatus::Clean),
                Err(e) => fail(err, &Error::new("campaign-lint server", e)),
            };
        }
    };
    let (config, rules) = match load(args, &cwd) {
        Ok(loaded) => loaded,
        Err(e) => return fail(err, &e),
    };
    match cli.command {
        Command::Check(args) => run_check(*args, &config, &rules, out, err),
        Command::Proof(args) => {
            let args = *args;
            let request = proof::Request {
                campaigns: args.campaigns,
                to: args.to,
                profile: args.profile,
                seeds: args.seeds,
                smtp: args.smtp,
                smtp_ca: args.smtp_ca,
                dry_run: args.dry_run,
                from: args.from,
                allow_errors: args.allow_errors,
                audience: args.audience,
                rules: args.rules,
            };
            proof::run(&request, &config, out, err)
        }
        Command::Render(args) => render::run(
            &args.campaigns,
            &args.profile,
            args.out.as_deref(),
            &args.rules,
            &config,
            out,
            err,
        ),
        Command::Sql(args) => match crate::sql::for_campaign(&args.request(), &config, &rules) {
            Ok(text) => {
                out.write_all(text.as_bytes())?;
                Ok(ExitStatus::Clean)
            }
            Err(e) => fail(err, &e),
        },
        Command::Rules(_) => {
            let mut text = Vec::new();
            list_rules(&rules, &mut text)?;
            write_defused(out, &text)?;
            Ok(ExitStatus::Clean)
        }
        Command::Explain { rule, .. } => match rules.get(&rule) {
            Some(r) => {
                let mut text = Vec::new();
                report::explain(r, &mut text)?;
                write_defused(out, &text)?;
                Ok(ExitStatus::Clean)
            }
            None => {
                let mut names: Vec<&str> = rules.rules.iter().map(|r| r.name.as_str()).collect();
                names.sort_unstable();
                let word = rule.to_lowercase();
                let containing: Vec<&str> = names
                    .iter()
                    .copied()
                    .filter(|n| !word.is_empty() && n.contains(word.as_str()))
                    .collect();
                let message = if containing.is_empty() {
                    crate::rules::suggest_from(&names, &rule, "explain")
                } else {
                    format!(
                        "explain: no rule named {rule:?}; rules whose names contain it: {}",
                        containing.join(", ")
                    )
                };
                fail(err, &Error::new("", message))
            }
        },
        Command::Config(_) => {
            out.write_all(crate::report::effective_config(&config, &rules).as_bytes())?;
            Ok(ExitStatus::Clean)
        }
        Command::Hook(_) | Command::Server => Ok(ExitStatus::Clean),
    }
}

/// The config and the rules in force: shipped rules, the config's packs, then the command
/// line's packs, the config's overrides and the selection.
fn load(args: &RuleArgs, cwd: &std::path::Path) -> Result<(Config, RuleSet), Error> {
    let config = Config::resolve(args.config.as_deref(), cwd)?;
    let rules = rules_for(args, &config)?;
    Ok((config, rules))
}

/// The rules in force under `config` and the command line's rule options.
pub(crate) fn rules_for(args: &RuleArgs, config: &Config) -> Result<RuleSet, Error> {
    let mut packs = config.packs.clone();
    packs.extend(args.packs.iter().cloned());
    let options = LoadOptions {
        packs,
        overrides: Some(&config.rules),
        config: (config.display(), config.text.clone()),
        select: args.select.clone(),
        ignore: args.ignore.clone(),
    };
    RuleSet::load(&options)
}

pub(crate) fn fail(err: &mut dyn Write, e: &Error) -> io::Result<ExitStatus> {
    writeln!(err, "{}", report::render_error(e))?;
    Ok(ExitStatus::Failure)
}

/// `--fix` and `--diff`: the fixes of the files' findings. With `--diff`, prints them and
/// returns the exit status (1 when anything would change); with `--fix`, writes each fixed
/// file in place (atomically), says what was fixed on stderr, and returns None: the check
/// then runs on the fixed files and reports what is left.
fn run_fixes(
    request: &CheckRequest,
    config: &Config,
    rules: &RuleSet,
    safety: crate::fix::Safety,
    diff: bool,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<Option<ExitStatus>> {
    let outcome = match check(request, config, rules) {
        Ok(outcome) => outcome,
        Err(e) => return fail(err, &e).map(Some),
    };
    let mut errors = outcome.errors;
    let mut changed = 0;
    for file in &outcome.report.files {
        let path = std::path::Path::new(&file.path);
        if !crate::check::is_campaign_name(path) || !path.is_file() {
            continue;
        }
        let firing: Vec<&str> = file.findings.iter().map(|f| f.rule.as_str()).collect();
        if firing.is_empty() {
            continue;
        }
        let fixed = match crate::fix::fix_file(path, &firing, safety, config, rules) {
            Ok(Some(fixed)) => fixed,
            Ok(None) => continue,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        changed += 1;
        if diff {
            out.write_all(report::neutralize_lines(&crate::fix::unified_diff(&fixed)).as_bytes())?;
            continue;
        }
        let written = crate::output::PendingFile::create(path).and_then(|mut f| {
            f.write_all(&fixed.after)?;
            f.commit()
        });
        match written {
            Ok(()) => {
                let titles: Vec<&str> = fixed.applied.iter().map(|f| f.title.as_str()).collect();
                writeln!(
                    err,
                    "fixed {}: {}",
                    report::neutralize(&fixed.path),
                    titles.join("; ")
                )?;
            }
            Err(e) => errors.push(e),
        }
    }
    for e in &errors {
        writeln!(err, "{}", report::render_error(e))?;
    }
    if !diff {
        return Ok(None);
    }
    Ok(Some(if !errors.is_empty() {
        ExitStatus::Failure
    } else if changed > 0 {
        ExitStatus::Findings
    } else {
        ExitStatus::Clean
    }))
}

fn run_check(
    args: CheckArgs,
    config: &Config,
    rules: &RuleSet,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<ExitStatus> {
    for (rule, _) in &args.fail_on {
        if rules.get(rule).is_none() {
            let names: Vec<&str> = rules.rules.iter().map(|r| r.name.as_str()).collect();
            return fail(
                err,
                &Error::new("", crate::rules::suggest_from(&names, rule, "--fail-on")),
            );
        }
    }
    let fail_on = args.fail_on.clone();
    let drawing = drawing_for(&args);
    let safety = if args.unsafe_fixes {
        crate::fix::Safety::Unsafe
    } else {
        crate::fix::Safety::Safe
    };
    let (fix, diff) = (args.fix, args.diff);
    let request = CheckRequest {
        campaigns: args.campaigns,
        campaign_bytes: Vec::new(),
        profile: args.profile,
        audience: args.audience,
        catalog: args.catalog,
        audience_options: crate::audience::AudienceOptions {
            preset: args.preset,
            delimiter: args.delimiter,
            show_emails: args.show_emails,
            owned: args.owned,
            suppress_out: args.suppress_out,
            findings_out: args.findings_out,
            reference: args.reference_engine,
            fail_on: args.fail_on.clone(),
        },
        bytes_root: None,
        allow_skipped: args.allow_skipped,
        other_inputs: args
            .rules
            .packs
            .iter()
            .map(|p| Named::new("--rules", p))
            .chain(
                args.baseline
                    .iter()
                    .filter(|_| !args.update_baseline)
                    .map(|p| Named::new("--baseline", p)),
            )
            .collect(),
        baseline_out: args.baseline.clone().filter(|_| args.update_baseline),
        report_out: args.output.clone(),
    };
    if (fix || diff)
        && let Some(status) = run_fixes(&request, config, rules, safety, diff, out, err)?
    {
        return Ok(status);
    }
    if !args.update_baseline && args.format.streams() && crate::check::streams(&request, config) {
        let to = Streamed {
            format: args.format,
            human: drawing.human,
            baseline: args.baseline.as_deref(),
            output: args.output.as_deref(),
        };
        return stream_check(&request, &to, &fail_on, config, rules, out, err);
    }
    let mut outcome = match check(&request, config, rules) {
        Ok(outcome) => outcome,
        Err(e) => {
            let status = fail(err, &e)?;
            let options = &request.audience_options;
            for file in options
                .suppress_out
                .iter()
                .chain(&options.findings_out)
                .chain(&args.output)
            {
                // Only worth saying where an older file is left as it was.
                let name = file.display().to_string();
                if file.is_file() && name != e.file {
                    not_written(err, &name)?;
                }
            }
            return Ok(status);
        }
    };
    if let Some(path) = &args.baseline {
        // Files are recorded relative to the baseline, whatever directory the run is in.
        let cwd = std::env::current_dir().unwrap_or_default();
        if args.update_baseline {
            if !outcome.errors.is_empty() {
                // A baseline without the findings of the files that could not be read
                // would hide them as new once they can.
                for e in &outcome.errors {
                    writeln!(err, "{}", report::render_error(e))?;
                }
                writeln!(
                    err,
                    "the baseline {} was not written: {} could not be checked",
                    report::neutralize(&path.display().to_string()),
                    report::plural(outcome.errors.len() as u64, "input", "inputs")
                )?;
                return Ok(ExitStatus::Failure);
            }
            return match crate::baseline::write(path, &outcome.report, &cwd) {
                Ok(n) => {
                    let n = report::plural(n as u64, "finding", "findings");
                    writeln!(
                        out,
                        "wrote {n} to the baseline {}",
                        report::neutralize(&path.display().to_string())
                    )?;
                    Ok(ExitStatus::Clean)
                }
                Err(e) => fail(err, &e),
            };
        }
        match crate::baseline::apply(path, &mut outcome.report, &cwd) {
            Ok(n) if n > 0 => hidden_by_baseline(err, n, path)?,
            Ok(_) => {}
            Err(e) => return fail(err, &e),
        }
    }
    let Some(path) = &args.output else {
        return show(args.format, drawing, &outcome, rules, &fail_on, out, err);
    };
    let mut file = match crate::output::PendingFile::create(path) {
        Ok(file) => file,
        Err(e) => return fail(err, &e),
    };
    let status = show(
        args.format,
        drawing,
        &outcome,
        rules,
        &fail_on,
        &mut file,
        err,
    )?;
    match file.commit() {
        Ok(()) => Ok(status),
        Err(e) => fail(err, &e),
    }
}

/// The report's drawing for `check`: the human report without colour when it goes to a
/// file (`--output`), whatever stdout is.
fn drawing_for(args: &CheckArgs) -> Drawing {
    let mut drawing = Drawing {
        html: report::HtmlOptions {
            load_images: args.load_images,
            show_emails: args.show_emails,
        },
        human: HumanOptions::detect(),
    };
    if args.output.is_some() {
        drawing.human.color = false;
    }
    drawing
}

/// How a streamed check is shown.
struct Streamed<'a> {
    format: OutputFormat,
    human: HumanOptions,
    baseline: Option<&'a std::path::Path>,
    /// `--output`: the report goes there (moved into place when it is complete).
    output: Option<&'a std::path::Path>,
}

/// A check without recipients, its report written a file at a time as the campaigns
/// are checked: memory stays flat over a directory of any size.
fn stream_check(
    request: &CheckRequest,
    to: &Streamed,
    fail_on: &[(String, f64)],
    config: &Config,
    rules: &RuleSet,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<ExitStatus> {
    let mut file = match to.output.map(crate::output::PendingFile::create) {
        Some(Err(e)) => return fail(err, &e),
        Some(Ok(file)) => Some(file),
        None => None,
    };
    let out: &mut dyn Write = match &mut file {
        Some(file) => file,
        None => out,
    };
    let status = stream_to(request, to, fail_on, config, rules, out, err)?;
    match file.map(crate::output::PendingFile::commit) {
        Some(Err(e)) => fail(err, &e),
        _ => Ok(status),
    }
}

/// [`stream_check`] written to `out`.
fn stream_to(
    request: &CheckRequest,
    to: &Streamed,
    fail_on: &[(String, f64)],
    config: &Config,
    rules: &RuleSet,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<ExitStatus> {
    let format = to.format;
    let cwd = std::env::current_dir().unwrap_or_default();
    let baseline_path = to.baseline;
    let baseline = to.baseline;
    let mut baseline = match baseline.map(|path| crate::baseline::Baseline::load(path, &cwd)) {
        Some(Err(e)) => return fail(err, &e),
        Some(Ok(b)) => Some(b),
        None => None,
    };
    let human = to.human;
    let context = crate::diagnostic::Report::default();
    let mut verdict = Verdict::new(fail_on);
    let mut hidden = 0;
    let mut stream = report::open(
        format,
        &context,
        false,
        &human,
        rules,
        report::SpoolKind::File,
        &mut *out,
    )?;
    // The report says whether it covers several campaigns (the human one then heads each
    // file): the first campaign waits for a second, or for the end.
    let mut first = None;
    let mut several = false;
    let mut written = Ok(());
    let checked = crate::check::check_each(request, config, rules, &mut |mut file| {
        if let Some(b) = &mut baseline {
            hidden += b.filter(&mut file);
        }
        verdict.add(&file, fail_on);
        written = match first.take() {
            _ if several => stream.file(&file),
            None => {
                first = Some(file);
                Ok(())
            }
            Some(before) => {
                several = true;
                stream.set_several(true);
                stream.file(&before).and_then(|()| stream.file(&file))
            }
        };
        written.is_ok()
    });
    written?;
    let outcome = match checked {
        Ok(outcome) => outcome,
        Err(e) => return fail(err, &e),
    };
    if let Some(file) = first {
        stream.file(&file)?;
    }
    stream.finish(outcome.report.campaigns, &outcome.errors)?;
    if let Some(path) = baseline_path.filter(|_| hidden > 0) {
        hidden_by_baseline(err, hidden, path)?;
    }
    conclude(format, &outcome, &verdict, fail_on, out, err)
}

fn hidden_by_baseline(err: &mut dyn Write, n: usize, path: &std::path::Path) -> io::Result<()> {
    writeln!(
        err,
        "{} recorded in the baseline {} {} not shown",
        report::plural(n as u64, "finding", "findings"),
        report::neutralize(&path.display().to_string()),
        if n == 1 { "is" } else { "are" }
    )
}

fn not_written(err: &mut dyn Write, file: &str) -> io::Result<()> {
    writeln!(
        err,
        "{}: not written, as the run did not complete (a file already there is left as it was)",
        report::defuse_commands(&report::neutralize(file))
    )
}

/// Prints a check's outcome in `format`, drawn as asked; the exit status it calls for.
fn show(
    format: OutputFormat,
    drawing: Drawing,
    outcome: &Outcome,
    rules: &RuleSet,
    fail_on: &[(String, f64)],
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<ExitStatus> {
    let text = if format == OutputFormat::Html {
        report::render_html(&outcome.report, &outcome.errors, rules, drawing.html)
    } else {
        report::render(
            format,
            &outcome.report,
            &outcome.errors,
            &drawing.human,
            rules,
        )
    };
    out.write_all(text.as_bytes())?;
    let verdict = Verdict::of(&outcome.report, fail_on);
    conclude(format, outcome, &verdict, fail_on, out, err)
}

/// How a report is drawn: the human report's width and colour, the HTML report's options.
#[derive(Debug, Clone, Copy)]
struct Drawing {
    human: HumanOptions,
    html: report::HtmlOptions,
}

impl Drawing {
    /// For stdout, with the HTML report's defaults.
    fn detect() -> Drawing {
        Drawing {
            html: report::HtmlOptions::default(),
            human: HumanOptions::detect(),
        }
    }
}

/// What follows a check's report: the `--fail-on` rates it went over, what could not be
/// checked or written, the audience's speed; the exit status the run calls for.
fn conclude(
    format: OutputFormat,
    outcome: &Outcome,
    verdict: &Verdict,
    fail_on: &[(String, f64)],
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<ExitStatus> {
    let audience = outcome.report.audience.as_ref();
    // The audience summary says which rates tripped; for one profile, say it here.
    if format == OutputFormat::Human && audience.is_none() {
        for t in verdict.tripped(None, fail_on) {
            writeln!(
                out,
                "--fail-on {}={}: it hit {} of the recipients, more than allowed.",
                t.rule,
                percent(t.rate),
                percent(t.share)
            )?;
        }
    }
    out.flush()?;
    if format != OutputFormat::Human {
        // Machine output goes to stdout; say on stderr what could not be checked.
        for e in &outcome.errors {
            writeln!(err, "{}", report::render_error(e))?;
        }
    }
    for file in &outcome.unwritten {
        not_written(err, file)?;
    }
    if let Some(a) = audience {
        // Timing varies from run to run: stderr, so that stdout can be compared.
        let rate = if a.seconds > 0.0 {
            a.rows_read as f64 / a.seconds
        } else {
            0.0
        };
        // How well the memo of recipient shapes did: a row it answers costs a lookup.
        let in_full = a.rows_checked.saturating_sub(a.rows_from_memo);
        writeln!(
            err,
            "checked {} in {:.2} s ({} rows/s; {} checked in full, the rest answered by the memo of recipient shapes)",
            report::plural(a.rows_read, "row", "rows"),
            a.seconds,
            crate::report::numbers::thousands(rate as u64),
            crate::report::numbers::thousands(in_full)
        )?;
    }
    Ok(if !outcome.errors.is_empty() {
        ExitStatus::Failure
    } else if verdict.fails(audience, fail_on) {
        ExitStatus::Findings
    } else {
        ExitStatus::Clean
    })
}

/// `hook run`: `check` on the staged campaign files, quiet when there is nothing to say.
/// The config is the one at the top of the repository, or none: what is found above the
/// repository does not apply to it.
fn run_hook(
    cwd: &std::path::Path,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<ExitStatus> {
    let blocked = |out: &mut dyn Write, status: ExitStatus| -> io::Result<ExitStatus> {
        if status != ExitStatus::Clean {
            writeln!(
                out,
                "campaign-lint: commit blocked (git commit --no-verify skips the check)"
            )?;
        }
        Ok(status)
    };
    let loaded = crate::hook::repository_root(cwd).and_then(|root| {
        let files = crate::hook::staged_campaigns(cwd)?;
        if files.is_empty() {
            return Ok(None);
        }
        let config = root.join(crate::config::FILE_NAME);
        let config = if config.is_file() {
            Config::load(&config)?
        } else {
            Config::default()
        };
        let rules = rules_for(&RuleArgs::default(), &config)?;
        Ok(Some((
            files,
            config,
            rules,
            crate::hook::repository_root(cwd)?,
        )))
    });
    let (files, config, rules, root) = match loaded {
        Ok(Some(loaded)) => loaded,
        Ok(None) => return Ok(ExitStatus::Clean),
        Err(e) => {
            let status = fail(err, &e)?;
            return blocked(out, status);
        }
    };
    let request = CheckRequest {
        campaign_bytes: files,
        bytes_root: Some(root),
        ..CheckRequest::default()
    };
    let outcome = match check(&request, &config, &rules) {
        Ok(outcome) => outcome,
        Err(e) => {
            let status = fail(err, &e)?;
            return blocked(out, status);
        }
    };
    let mut shown = Vec::new();
    let status = show(
        OutputFormat::Human,
        Drawing::detect(),
        &outcome,
        &rules,
        &[],
        &mut shown,
        err,
    )?;
    if status == ExitStatus::Clean && outcome.report.findings().next().is_none() {
        return Ok(status);
    }
    out.write_all(&shown)?;
    blocked(out, status)
}

/// A share as a percentage without needless decimals: `1%`, `55.3%`.
fn percent(share: f64) -> String {
    let text = format!("{:.1}", share * 100.0);
    format!("{}%", text.trim_end_matches(".0"))
}

/// A `--fail-on` threshold that a rule went over: the rule, the rate allowed, the share
/// of recipients it hit.
#[derive(Debug, Clone, PartialEq)]
pub struct Tripped {
    pub rule: String,
    pub rate: f64,
    pub share: f64,
}

/// What the findings say about the exit status, gathered a file at a time: whether an
/// error-level finding of a rule without a `--fail-on` rate is among them, and which of
/// the rules with a rate fired.
#[derive(Debug, Default)]
struct Verdict {
    error: bool,
    fired: Vec<bool>,
}

impl Verdict {
    fn new(fail_on: &[(String, f64)]) -> Verdict {
        Verdict {
            error: false,
            fired: vec![false; fail_on.len()],
        }
    }

    fn add(&mut self, file: &crate::diagnostic::FileReport, fail_on: &[(String, f64)]) {
        for f in &file.findings {
            match fail_on.iter().position(|(r, _)| *r == f.rule) {
                Some(i) => self.fired[i] = true,
                None => self.error |= f.severity == Severity::Error,
            }
        }
    }

    fn of(report: &crate::diagnostic::Report, fail_on: &[(String, f64)]) -> Verdict {
        let mut verdict = Verdict::new(fail_on);
        for file in &report.files {
            verdict.add(file, fail_on);
        }
        verdict
    }

    /// The share of the recipients the `i`th `--fail-on` rule hits: over an audience,
    /// the recipients it fired for; for one profile, all of them (1 of 1) when it fired;
    /// for a finding about the campaign alone, all of them.
    fn share(&self, i: usize, rule: &str, audience: Option<&AudienceSummary>) -> Option<f64> {
        if let Some(a) = audience {
            let hit = a.rule_recipients.get(rule).copied().unwrap_or(0);
            return (hit > 0 && a.rows_checked > 0).then(|| hit as f64 / a.rows_checked as f64);
        }
        self.fired[i].then_some(1.0)
    }

    /// The `--fail-on` thresholds that the run went over.
    fn tripped(
        &self,
        audience: Option<&AudienceSummary>,
        fail_on: &[(String, f64)],
    ) -> Vec<Tripped> {
        fail_on
            .iter()
            .enumerate()
            .filter_map(|(i, (rule, rate))| {
                let share = self.share(i, rule, audience)?;
                (share > *rate).then(|| Tripped {
                    rule: rule.clone(),
                    rate: *rate,
                    share,
                })
            })
            .collect()
    }

    /// Whether the findings fail the run: any error-level finding, except that a rule
    /// with a `--fail-on` rate fails it exactly when it hits more than that share of the
    /// recipients.
    fn fails(&self, audience: Option<&AudienceSummary>, fail_on: &[(String, f64)]) -> bool {
        self.error || !self.tripped(audience, fail_on).is_empty()
    }
}

/// Writes text made of pack text and names with no line a CI runner would run.
fn write_defused(out: &mut dyn Write, text: &[u8]) -> io::Result<()> {
    let text = String::from_utf8_lossy(text);
    out.write_all(report::defuse_commands(&text).as_bytes())
}

fn list_rules(rules: &RuleSet, out: &mut dyn Write) -> io::Result<()> {
    use crate::report::neutralize;
    let mut sorted: Vec<_> = rules.rules.iter().collect();
    sorted.sort_by(|a, b| a.name.cmp(&b.name));
    // A pack's text is input: shown escaped, never sent to the terminal raw.
    let rows: Vec<[String; 5]> = sorted
        .iter()
        .map(|r| {
            let when = r
                .when
                .as_ref()
                .map(|w| format!(" (when {})", w.source))
                .unwrap_or_default();
            [
                neutralize(&r.name).into_owned(),
                neutralize(r.kind).into_owned(),
                r.severity.as_str().to_owned(),
                neutralize(&r.origin).into_owned(),
                neutralize(&format!("{}{when}", r.summary)).into_owned(),
            ]
        })
        .collect();
    let width = |i: usize, min: usize| {
        rows.iter()
            .map(|r| r[i].chars().count())
            .max()
            .unwrap_or(min)
    };
    let (name_w, kind_w, origin_w) = (width(0, 4), width(1, 4), width(3, 6));
    writeln!(
        out,
        "{:name_w$}  {:kind_w$}  SEVERITY  {:origin_w$}  SUMMARY",
        "RULE", "KIND", "ORIGIN"
    )?;
    for [name, kind, severity, origin, summary] in rows {
        writeln!(
            out,
            "{name:name_w$}  {kind:kind_w$}  {severity:8}  {origin:origin_w$}  {summary}"
        )?;
    }
    Ok(())
}
