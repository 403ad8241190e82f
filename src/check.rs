//! A `check` run: campaigns (files and directories) against an optional profile. Bad
//! files are reported and the others still checked.

use std::path::{Path, PathBuf};

use crate::campaign::{Campaign, Format};
use crate::catalog::CatalogIndex;
use crate::config::Config;
use crate::diagnostic::{FileReport, Finding, Report};
use crate::error::{Error, Result};
use crate::facts::{CampaignKind, Facts, TransactionalHint};
use crate::output::{Named, PendingFile, check_distinct};
use crate::profiles::ProfileFile;
use crate::rules::{Env, RuleSet};
use crate::variants::{Target, Variants};
use crate::{audience, suppress};

/// What to check.
#[derive(Debug, Clone, Default)]
pub struct CheckRequest {
    /// Campaign files and directories.
    pub campaigns: Vec<PathBuf>,
    /// Campaigns given as bytes (the staged versions of files, read from git), checked
    /// after the files as if they were named on the command line.
    pub campaign_bytes: Vec<CampaignBytes>,
    /// One recipient profile (JSON).
    pub profile: Option<PathBuf>,
    /// A whole export of recipients (CSV, JSON Lines, JSON array; optionally .gz).
    pub audience: Option<PathBuf>,
    /// Overrides the config's catalog.
    pub catalog: Option<PathBuf>,
    /// How to read the audience export.
    pub audience_options: audience::AudienceOptions,
    /// Rows skipped beyond `[limits] max-skipped-percent` are expected (`--allow-skipped`).
    pub allow_skipped: bool,
    /// Other files the run reads (the config, rule packs, a baseline), named by the
    /// option that gave them: no output may be one of them.
    pub other_inputs: Vec<Named>,
    /// `--update-baseline`: the baseline is an output of this run.
    pub baseline_out: Option<PathBuf>,
    /// `--output`: where the report goes instead of stdout (written by the caller).
    pub report_out: Option<PathBuf>,
    /// The directory the paths of `campaign_bytes` are relative to (the repository's top
    /// for staged files); None: the working directory.
    pub bytes_root: Option<PathBuf>,
}

/// A campaign that is not read from a file: its bytes, the path that names it in the
/// report, and its format (the caller knows it from the path's extension).
#[derive(Debug, Clone)]
pub struct CampaignBytes {
    pub path: String,
    pub format: Format,
    pub bytes: Vec<u8>,
}

/// One campaign to check: a file, or bytes in memory.
enum Input<'a> {
    File(PathBuf),
    Bytes(&'a CampaignBytes),
}

/// The findings, and the inputs that could not be checked.
#[derive(Debug, Default)]
pub struct Outcome {
    pub report: Report,
    pub errors: Vec<Error>,
    /// Outputs not written because the run did not complete (their old files are kept).
    pub unwritten: Vec<String>,
}

/// A campaign read and analysed, with its findings so far.
struct Checked {
    path: String,
    /// Where it is on disk, for the config's globs.
    disk: PathBuf,
    sources: Vec<crate::diagnostic::Source>,
    facts: Facts,
    findings: Vec<Finding>,
}

/// Runs a check. Returns Err only when nothing can be checked (an unreadable profile,
/// audience or catalog); a bad campaign file is recorded in `Outcome::errors` and the
/// rest go on.
pub fn check(request: &CheckRequest, config: &Config, rules: &RuleSet) -> Result<Outcome> {
    let mut streamed = Vec::new();
    let mut outcome = check_each(request, config, rules, &mut |file| {
        streamed.push(file);
        true
    })?;
    if !streamed.is_empty() {
        outcome.report.files = streamed;
    }
    Ok(outcome)
}

/// Campaigns checked at a time when their reports are handed on as they are done.
const CHUNK: usize = 256;

/// Whether [`check_each`] hands on every file as it is checked: when no recipient is
/// checked (no profile, no audience), nothing later needs the campaigns.
pub fn streams(request: &CheckRequest, config: &Config) -> bool {
    request.profile.is_none() && request.audience.is_none() && config.profile.is_none()
}

/// [`check`], handing each campaign's report to `each` in order as soon as it and the
/// ones before it are done, when the run [`streams`] (the outcome then has no files);
/// otherwise the files are in the outcome. `each` returns false to stop the run (its
/// reader went away).
pub fn check_each(
    request: &CheckRequest,
    config: &Config,
    rules: &RuleSet,
    each: &mut dyn FnMut(FileReport) -> bool,
) -> Result<Outcome> {
    let catalog = match request.catalog.as_ref().or(config.catalog.as_ref()) {
        Some(path) => Some(CatalogIndex::load(path)?),
        None => None,
    };
    let profile = match (&request.profile, &config.profile) {
        // A profile holds personal data: its error quotes the address masked, as audience
        // rows are (`--show-emails` is for audiences only).
        (Some(path), _) => {
            Some(ProfileFile::load(path, &config.fields, &config.limits).map_err(masked)?)
        }
        (None, Some(table)) if request.audience.is_none() => Some(config_profile(config, table)?),
        _ => None,
    };
    let env = Env {
        catalog: catalog.as_ref(),
    };
    check_rule_names(config, rules)?;
    let mut options = rules.analysis_options();
    options.max_html_depth = config.limits.max_html_depth;
    let mut outcome = Outcome::default();
    let (files, errors) = expand(&request.campaigns, &Exclude::new(config)?);
    outcome.errors.extend(errors);
    check_distinct(&inputs_of(request, config, &files), &outputs_of(request))?;
    let inputs: Vec<Input> = files
        .into_iter()
        .map(Input::File)
        .chain(request.campaign_bytes.iter().map(Input::Bytes))
        .collect();

    let recipient = profile.as_ref().map(|p| &p.profile);
    let analyze = |input: &Input| -> Result<Checked> {
        let (campaign, disk) = match input {
            Input::File(path) => (Campaign::load(path, &config.limits)?, path.clone()),
            Input::Bytes(b) => (
                Campaign::from_bytes(&b.path, &b.bytes, b.format, &config.limits)?,
                request
                    .bytes_root
                    .as_ref()
                    .map_or_else(|| PathBuf::from(&b.path), |root| root.join(&b.path)),
            ),
        };
        let mut facts = Facts::analyze(&campaign, catalog.as_ref(), &options);
        if !config.transactional.matches(&disk).is_empty() {
            facts.kind = CampaignKind::Transactional;
        }
        let findings = rules.check_campaign(env, &facts, recipient);
        Ok(Checked {
            disk,
            path: campaign.path,
            sources: campaign.sources,
            facts,
            findings,
        })
    };
    // Without a recipient or an audience, nothing later needs a campaign's facts: each
    // file is finished as it is checked and handed on, a few hundred at a time, so that
    // memory does not grow with the files.
    if recipient.is_none() && request.audience.is_none() {
        for chunk in inputs.chunks(CHUNK) {
            let finished = parallel_map(chunk, |input| {
                analyze(input).map(|c| {
                    let (mut file, _) = finish(c, config, rules);
                    if file.findings.is_empty() {
                        file.sources = Vec::new();
                    }
                    file
                })
            });
            for result in finished {
                match result {
                    Ok(file) => {
                        outcome.report.campaigns += 1;
                        if !each(file) {
                            return Ok(outcome);
                        }
                    }
                    Err(e) => outcome.errors.push(e),
                }
            }
        }
        return Ok(outcome);
    }
    let mut checked = Vec::new();
    for result in parallel_map(&inputs, analyze) {
        match result {
            Ok(c) => checked.push(c),
            Err(e) => outcome.errors.push(e),
        }
    }

    let paths: Vec<String> = checked.iter().map(|c| c.path.clone()).collect();
    let variants = Variants::plan(&paths);
    if let Some(p) = recipient {
        for target in variants.targets(p) {
            match target {
                Target::Campaign(i) => {
                    let more = rules.check_recipient(env, &checked[i].facts, p);
                    checked[i].findings.extend(more);
                }
                Target::Missing(g) => {
                    let mut missing = variants.missing(g, p, rules);
                    for f in &mut missing {
                        f.recipients = Some(1);
                    }
                    checked[variants.home(g)].findings.extend(missing);
                }
            }
        }
    }

    let mut audience_report = None;
    let mut pending: Vec<PendingFile> = Vec::new();
    if let Some(path) = &request.audience {
        let facts: Vec<&Facts> = checked.iter().map(|c| &c.facts).collect();
        let campaigns = audience::Campaigns {
            facts: &facts,
            paths: &paths,
            variants: &variants,
        };
        let show_emails = request.audience_options.show_emails;
        let options = &request.audience_options;
        // `duckdb:PATH?table=NAME`: the audience is a table the checks run in as SQL.
        let run = match path.to_str().and_then(|p| p.strip_prefix("duckdb:")) {
            Some(spec) => crate::sql::duckdb::run(spec, &campaigns, rules, env, config, options),
            None => audience::run(path, &campaigns, rules, env, config, options),
        };
        let mut run = run.map_err(|e| if show_emails { e } else { masked(e) })?;
        // The reasons quote the rows (`invalid email address "Anna Smith <anna@…>"`), and
        // a recipient finding's message and values may quote a field.
        if !show_emails {
            let owned_skipped = run.summary.owned.iter_mut().flat_map(|o| &mut o.skipped);
            for (_, _, reason) in run.summary.skipped.iter_mut().chain(owned_skipped) {
                *reason = audience::mask_addresses(reason).into_owned();
            }
            let findings = run.per_campaign.iter_mut().flatten();
            for f in findings.chain(&mut run.profile_findings) {
                f.message = audience::mask_addresses(&f.message).into_owned();
                if let Some(help) = &mut f.help {
                    *help = audience::mask_addresses(help).into_owned();
                }
                for (_, value) in &mut f.args {
                    *value = audience::mask_addresses(value).into_owned();
                }
            }
        }
        for (c, grouped) in checked.iter_mut().zip(run.per_campaign) {
            c.findings.extend(grouped);
        }
        outcome.report.recipients = run.summary.rows_checked;
        outcome
            .errors
            .extend(unchecked_rows(path, &run.summary, request, config));
        if !run.profile_findings.is_empty() {
            audience_report = Some(FileReport {
                path: path.display().to_string(),
                sources: Vec::new(),
                findings: run.profile_findings,
            });
        }
        outcome.report.audience = Some(run.summary);
        pending = run.outputs;
    }

    let mut outcome_facts = Vec::with_capacity(checked.len());
    for c in checked {
        let (file, facts) = finish(c, config, rules);
        outcome.report.campaigns += 1;
        outcome.report.files.push(file);
        outcome_facts.push(facts);
    }
    outcome.report.files.extend(audience_report);

    if let Some(p) = profile {
        outcome.report.recipients = 1;
        let facts: Vec<&Facts> = outcome_facts.iter().collect();
        let mut findings = rules.check_profile(env, &p.profile, &facts);
        if !findings.is_empty() {
            sort(&mut findings);
            outcome.report.files.push(FileReport {
                path: p.path,
                sources: vec![p.source],
                findings,
            });
        }
    }
    commit(pending, &mut outcome);
    Ok(outcome)
}

/// A campaign's report once all its findings are in: suppression comments applied (and
/// the unused ones reported), per-file ignores, help for undeclared transactional mail,
/// sorted. Its facts are handed back for the checks of a profile.
fn finish(mut c: Checked, config: &Config, rules: &RuleSet) -> (FileReport, Facts) {
    let mut suppressions = suppress::collect(&c.facts);
    suppress::apply(&mut suppressions, &mut c.findings);
    c.findings.extend(suppress::unused(&suppressions, rules));
    ignore_per_file(config, &c.disk, &mut c.findings);
    if let Some(hint) = &c.facts.transactional_hint {
        declare_help(config, rules, hint, &c.disk, &mut c.findings);
    }
    sort(&mut c.findings);
    let file = FileReport {
        path: c.path,
        sources: c.sources,
        findings: c.findings,
    };
    (file, c.facts)
}

/// Moves the outputs into place when everything was checked; otherwise leaves the old
/// files as they were, and says so.
fn commit(pending: Vec<PendingFile>, outcome: &mut Outcome) {
    if outcome.errors.is_empty() {
        for file in pending {
            if let Err(e) = file.commit() {
                outcome.errors.push(e);
            }
        }
        return;
    }
    outcome.unwritten = pending.iter().map(|f| f.display().to_owned()).collect();
    if let Some(a) = &mut outcome.report.audience {
        a.suppress_out = None;
    }
}

/// Every file the run reads, named by the option that gave it.
fn inputs_of(request: &CheckRequest, config: &Config, campaigns: &[PathBuf]) -> Vec<Named> {
    let mut inputs: Vec<Named> = campaigns
        .iter()
        .map(|p| Named::new("the campaign", p))
        .collect();
    let options = &request.audience_options;
    let named = [
        ("--profile", request.profile.as_ref()),
        ("--audience", request.audience.as_ref()),
        ("--owned", options.owned.as_ref()),
        ("--catalog", request.catalog.as_ref()),
        ("the catalog", config.catalog.as_ref()),
        ("the config", config.path.as_ref()),
    ];
    for (role, path) in named {
        inputs.extend(path.map(|p| Named::new(role, p)));
    }
    inputs.extend(config.packs.iter().map(|p| Named::new("the rule pack", p)));
    inputs.extend(request.other_inputs.iter().cloned());
    inputs
}

/// Every file the run writes, named by its option.
fn outputs_of(request: &CheckRequest) -> Vec<Named> {
    let options = &request.audience_options;
    [
        ("--suppress-out", options.suppress_out.as_ref()),
        ("--findings-out", options.findings_out.as_ref()),
        ("--baseline (updated)", request.baseline_out.as_ref()),
        ("--output", request.report_out.as_ref()),
    ]
    .into_iter()
    .filter_map(|(role, path)| path.map(|p| Named::new(role, p)))
    .collect()
}

/// An audience run that checked no row, or skipped more than `[limits]
/// max-skipped-percent` of its rows, did not do its job: an error that says what the
/// export looks like and how to read it (the campaign findings are still shown).
fn unchecked_rows(
    path: &Path,
    summary: &crate::diagnostic::AudienceSummary,
    request: &CheckRequest,
    config: &Config,
) -> Option<Error> {
    let display = path.display().to_string();
    let read = crate::audience::reader::ReadOptions {
        delimiter: request.audience_options.delimiter,
        record_limits: config.limits.records(),
        ..Default::default()
    };
    let reasons = || {
        let mut reasons: Vec<&str> = Vec::new();
        for (_, _, reason) in &summary.skipped {
            // The kind of reason, without its place: "malformed JSON", "no email address".
            let reason = reason.split([':', '"']).next().unwrap_or(reason);
            let reason = reason.split(" at column").next().unwrap_or(reason).trim();
            if !reasons.contains(&reason) {
                reasons.push(reason);
            }
        }
        reasons.join("; ")
    };
    if summary.rows_checked == 0 {
        let tried = match (&request.audience_options.preset, &summary.preset) {
            (Some(name), _) => format!("read with --preset {name}"),
            (None, Some(preset)) => format!("read as {preset}"),
            (None, None) if config.fields != crate::profiles::FieldMap::default() => format!(
                "read with the [fields] mapping of {} (email = {:?})",
                config.display(),
                config.fields.email
            ),
            (None, None) => {
                let names: Vec<&str> = crate::audience::presets::PRESETS
                    .iter()
                    .map(|p| p.name)
                    .collect();
                format!(
                    "no known export layout matched them (tried {})",
                    names.join(", ")
                )
            }
        };
        let what = if summary.rows_read == 0 {
            "no row could be checked: the export has no rows".to_owned()
        } else {
            format!(
                "no row could be checked: {} rows read, all skipped ({})",
                summary.rows_read,
                reasons()
            )
        };
        let why = crate::audience::diagnose::explain_unread(path, &read, &tried);
        return Some(Error::new(display, format!("{what}{why}")));
    }
    let limit = config.limits.max_skipped_percent;
    let share = summary.rows_skipped as f64 * 100.0 / summary.rows_read.max(1) as f64;
    if share > limit && !request.allow_skipped {
        return Some(Error::new(
            display,
            format!(
                "{} of {} rows ({share:.1}%) were skipped ({}), more than [limits] \
                 max-skipped-percent ({limit}%): the findings count only the {} rows checked; \
                 fix the export, or pass --allow-skipped if that is expected",
                summary.rows_skipped,
                summary.rows_read,
                reasons(),
                summary.rows_checked
            ),
        ));
    }
    None
}

/// Every rule named in `[per-file-ignores]` must exist (a misspelt name would excuse
/// nothing, silently).
fn check_rule_names(config: &Config, rules: &RuleSet) -> Result<()> {
    for name in config.per_file_ignores.1.iter().flatten() {
        if rules.get(name).is_none() {
            let names: Vec<&str> = rules.rules.iter().map(|r| r.name.as_str()).collect();
            let at = config.text.find(&format!("{name:?}")).unwrap_or(0);
            return Err(Error::new(
                config.display(),
                crate::rules::suggest_from(&names, name, "[per-file-ignores]"),
            )
            .at_offset(&config.text, at));
        }
    }
    Ok(())
}

/// On the findings of rules for marketing mail only, when the campaign reads like a
/// receipt or password reset: help that says how to declare it transactional, with a
/// glob for its folder (or its name) relative to the config.
fn declare_help(
    config: &Config,
    rules: &RuleSet,
    hint: &TransactionalHint,
    disk: &Path,
    findings: &mut [Finding],
) {
    let marketing_only = |f: &Finding| {
        rules
            .get(&f.rule)
            .is_some_and(|r| !r.checks(CampaignKind::Transactional))
    };
    if !findings.iter().any(marketing_only) {
        return;
    }
    let base = config
        .path
        .as_ref()
        .and_then(|p| p.parent())
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    let absolute = |p: &Path| {
        crate::config::normalize(&std::path::absolute(p).unwrap_or_else(|_| p.to_owned()))
    };
    let relative = absolute(disk)
        .strip_prefix(absolute(&base))
        .map_or_else(|_| disk.to_owned(), Path::to_path_buf);
    let glob = match relative.parent().filter(|p| !p.as_os_str().is_empty()) {
        Some(dir) => format!("{}/**", dir.display()),
        None => relative.display().to_string(),
    }
    .replace('\\', "/");
    let advice = format!(
        "it reads like transactional mail ({}): if it is, declare it in campaign-lint.toml with \
         [campaigns] transactional = [{glob:?}]; opt-out and footer rules do not check \
         transactional mail",
        hint.what
    );
    for finding in findings.iter_mut().filter(|f| marketing_only(f)) {
        finding.help = Some(match finding.help.take() {
            Some(help) => format!("{help}\n{advice}"),
            None => advice.clone(),
        });
    }
}

/// Drops the findings of the rules that `[per-file-ignores]` turns off for this file.
fn ignore_per_file(config: &Config, disk: &Path, findings: &mut Vec<Finding>) {
    let (globs, ignored) = &config.per_file_ignores;
    let matched = globs.matches(disk);
    if matched.is_empty() {
        return;
    }
    findings.retain(|f| !matched.iter().any(|&i| ignored[i].contains(&f.rule)));
}

/// `e` with the addresses it quotes masked: profiles hold personal data, and messages
/// show it no more than the examples do.
fn masked(mut e: Error) -> Error {
    e.message = audience::mask_addresses(&e.message).into_owned();
    e
}

/// The config's `[profile]` as a recipient (campaign-lint's own field names).
fn config_profile(config: &Config, table: &toml::Table) -> Result<ProfileFile> {
    let name = format!("{} [profile]", config.display());
    let fields: std::collections::BTreeMap<String, serde_json::Value> = serde_json::to_value(table)
        .ok()
        .and_then(|v| serde_json::from_value(v).ok())
        .unwrap_or_default();
    let profile = crate::profiles::from_fields(fields, &crate::profiles::FieldMap::default())
        .map_err(|(_, message)| Error::new(&name, message))?;
    Ok(ProfileFile {
        path: name.clone(),
        source: crate::diagnostic::Source::new(name, ""),
        profile,
    })
}

/// `f` over `items` on all cores, results in the order of `items`. Campaigns are
/// independent, so a directory of templates is checked in parallel.
fn parallel_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    let threads = threads.min(items.len());
    if threads <= 1 {
        return items.iter().map(f).collect();
    }
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut done: Vec<(usize, R)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut out = Vec::new();
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(item) = items.get(i) else { break };
                        out.push((i, f(item)));
                    }
                    out
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| {
                w.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    });
    done.sort_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, r)| r).collect()
}

fn sort(findings: &mut [Finding]) {
    findings.sort_by(|a, b| (a.primary_span(), &a.rule).cmp(&(b.primary_span(), &b.rule)));
}

/// Campaign files named by the arguments: files as given, and in directories every
/// `.eml`, `.html`, `.htm` and `.txt` file that `.gitignore` files, hidden names and the
/// config's `exclude` patterns do not leave out, sorted.
pub fn expand(paths: &[PathBuf], exclude: &Exclude) -> (Vec<PathBuf>, Vec<Error>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        match std::fs::metadata(path) {
            Ok(m) if m.is_dir() => {
                let before = files.len();
                walk(path, exclude, &mut files, &mut errors);
                if files.len() == before {
                    // In CI a wrong path must not go green.
                    errors.push(Error::new(
                        path.display().to_string(),
                        format!(
                            "no campaign files found under this directory (looked for .{} files, \
                             leaving out hidden, git-ignored and excluded ones)",
                            crate::campaign::collected_extensions()
                                .collect::<Vec<_>>()
                                .join(", .")
                        ),
                    ));
                }
            }
            Ok(_) => files.push(path.clone()),
            Err(e) => errors.push(Error::new(
                path.display().to_string(),
                crate::error::io_message(&e),
            )),
        }
    }
    (files, errors)
}

/// The config's `exclude` patterns (gitignore syntax, relative to the config's directory).
#[derive(Debug, Default)]
pub struct Exclude {
    matcher: Option<ignore::gitignore::Gitignore>,
}

impl Exclude {
    pub fn new(config: &Config) -> Result<Exclude> {
        if config.exclude.is_empty() {
            return Ok(Exclude::default());
        }
        let root = config
            .path
            .as_ref()
            .and_then(|p| p.parent())
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
        let root = std::path::absolute(&root).unwrap_or(root);
        let mut builder = ignore::gitignore::GitignoreBuilder::new(&root);
        for pattern in &config.exclude {
            builder.add_line(None, pattern).map_err(|e| {
                Error::new(
                    config.display(),
                    format!("exclude pattern {pattern:?}: {e}"),
                )
            })?;
        }
        let matcher = builder
            .build()
            .map_err(|e| Error::new(config.display(), format!("exclude patterns: {e}")))?;
        Ok(Exclude {
            matcher: Some(matcher),
        })
    }

    fn excludes(&self, path: &Path, is_dir: bool) -> bool {
        let Some(matcher) = &self.matcher else {
            return false;
        };
        let Ok(absolute) = std::path::absolute(path) else {
            return false;
        };
        absolute.starts_with(matcher.path())
            && matcher
                .matched_path_or_any_parents(&absolute, is_dir)
                .is_ignore()
    }
}

/// Whether a file's name makes it a campaign in a directory walk (and in the pre-commit
/// hook): `.eml`, `.html`, `.htm`, `.txt` or `.mjml`, in any case.
pub fn is_campaign_name(path: &Path) -> bool {
    crate::campaign::is_collected(path)
}

fn walk(dir: &Path, exclude: &Exclude, files: &mut Vec<PathBuf>, errors: &mut Vec<Error>) {
    let walker = ignore::WalkBuilder::new(dir)
        .hidden(true)
        .git_ignore(true)
        .git_global(false)
        .git_exclude(true)
        .require_git(false)
        .sort_by_file_path(Path::cmp)
        .build();
    for entry in walker {
        match entry {
            Ok(entry) => {
                let path = entry.path();
                let is_file = entry.file_type().is_some_and(|t| t.is_file());
                if is_file && is_campaign_name(path) && !exclude.excludes(path, false) {
                    files.push(path.to_path_buf());
                }
            }
            Err(e) => errors.push(Error::new(
                dir.display().to_string(),
                format!("cannot read: {e}"),
            )),
        }
    }
}
