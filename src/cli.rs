//! The command line: clap definitions mapped onto library calls. Writes to the given
//! streams and returns the exit status; the binary does the rest.

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::check::{CheckRequest, check};
use crate::config::Config;
use crate::diagnostic::Severity;
use crate::error::Error;
use crate::report::{self, HumanOptions, OutputFormat};
use crate::rules::RuleSet;

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
    Check(CheckArgs),
    /// List the rules with their severity and summary
    Rules(ConfigArgs),
    /// Print a rule's documentation
    Explain {
        /// The rule's name, e.g. owned-product-offer
        rule: String,
        #[command(flatten)]
        config: ConfigArgs,
    },
}

#[derive(Debug, Args)]
pub struct ConfigArgs {
    /// Use this config file instead of the nearest campaign-lint.toml
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Campaign files or directories
    #[arg(required = true, value_name = "CAMPAIGN")]
    pub campaigns: Vec<PathBuf>,
    /// A recipient profile (JSON object)
    #[arg(long, value_name = "FILE")]
    pub profile: Option<PathBuf>,
    /// The product catalog (TOML or CSV); overrides the config's `catalog`
    #[arg(long, value_name = "FILE")]
    pub catalog: Option<PathBuf>,
    #[command(flatten)]
    pub config: ConfigArgs,
    /// Output format
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    pub format: OutputFormat,
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
    let config_path = match &cli.command {
        Command::Check(a) => a.config.config.as_deref(),
        Command::Rules(c) | Command::Explain { config: c, .. } => c.config.as_deref(),
    };
    let loaded = Config::resolve(config_path, &cwd).and_then(|config| {
        RuleSet::load(&config.rules, &config.display()).map(|rules| (config, rules))
    });
    let (config, rules) = match loaded {
        Ok(loaded) => loaded,
        Err(e) => return fail(err, &e),
    };
    match cli.command {
        Command::Check(args) => run_check(args, &config, &rules, out, err),
        Command::Rules(_) => {
            list_rules(&rules, out)?;
            Ok(ExitStatus::Clean)
        }
        Command::Explain { rule, .. } => match rules.get(&rule) {
            Some(r) => {
                explain(r, out)?;
                Ok(ExitStatus::Clean)
            }
            None => fail(err, &Error::new("", unknown_rule(&rules, &rule))),
        },
    }
}

fn fail(err: &mut dyn Write, e: &Error) -> io::Result<ExitStatus> {
    writeln!(err, "{}", report::render_error(e))?;
    Ok(ExitStatus::Failure)
}

fn run_check(
    args: CheckArgs,
    config: &Config,
    rules: &RuleSet,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<ExitStatus> {
    let request = CheckRequest {
        campaigns: args.campaigns,
        profile: args.profile,
        catalog: args.catalog,
    };
    let outcome = match check(&request, config, rules) {
        Ok(outcome) => outcome,
        Err(e) => return fail(err, &e),
    };
    let human = HumanOptions {
        color: io::stdout().is_terminal()
            && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
        width: std::env::var("COLUMNS")
            .ok()
            .and_then(|c| c.parse().ok())
            .filter(|&w: &usize| w >= 40)
            .unwrap_or(100),
    };
    out.write_all(
        report::render(args.format, &outcome.report, &outcome.errors, &human).as_bytes(),
    )?;
    out.flush()?;
    if args.format != OutputFormat::Human {
        // Machine output goes to stdout; say on stderr what could not be checked.
        for e in &outcome.errors {
            writeln!(err, "{}", report::render_error(e))?;
        }
    }
    Ok(if !outcome.errors.is_empty() {
        ExitStatus::Failure
    } else if outcome.report.count(Severity::Error) > 0 {
        ExitStatus::Findings
    } else {
        ExitStatus::Clean
    })
}

fn list_rules(rules: &RuleSet, out: &mut dyn Write) -> io::Result<()> {
    let width = rules.rules.iter().map(|r| r.name.len()).max().unwrap_or(0);
    let mut sorted: Vec<_> = rules.rules.iter().collect();
    sorted.sort_by(|a, b| a.name.cmp(&b.name));
    for r in sorted {
        writeln!(
            out,
            "{:width$}  {:7}  {}",
            r.name,
            r.severity.as_str(),
            r.summary
        )?;
    }
    Ok(())
}

fn explain(rule: &crate::rules::Rule, out: &mut dyn Write) -> io::Result<()> {
    let d = &rule.docs;
    writeln!(
        out,
        "{} ({}, kind {}, {})\n",
        rule.name, rule.severity, rule.kind, rule.origin
    )?;
    writeln!(out, "{}\n", rule.summary)?;
    for (title, body) in [
        ("What it does", &d.what),
        ("Why it matters", &d.why),
        ("Example", &d.example),
        ("What to do instead", &d.fix),
    ] {
        writeln!(out, "## {title}\n")?;
        for line in body.trim_matches('\n').lines() {
            writeln!(out, "    {line}")?;
        }
        writeln!(out)?;
    }
    if !d.references.is_empty() {
        writeln!(out, "## References\n")?;
        for r in &d.references {
            writeln!(out, "    - {r}")?;
        }
    }
    Ok(())
}

fn unknown_rule(rules: &RuleSet, name: &str) -> String {
    let closest = rules
        .rules
        .iter()
        .map(|r| (edit_distance(&r.name, name), r.name.as_str()))
        .min();
    match closest {
        Some((d, near)) if d <= 4 => {
            format!("no rule named {name:?}; did you mean {near:?}? (see `campaign-lint rules`)")
        }
        _ => format!("no rule named {name:?} (see `campaign-lint rules`)"),
    }
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur.push((prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}
