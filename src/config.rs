//! `campaign-lint.toml`: found by walking up from the working directory (`--config`
//! overrides), strict about unknown keys. Holds the field mapping, the catalog path and
//! per-rule severity and parameters.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::diagnostic::Severity;
use crate::error::{Error, Result, toml_error};
use crate::facts::CampaignKind;
use crate::limits::Limits;
use crate::profiles::FieldMap;

/// The config file's name.
pub const FILE_NAME: &str = "campaign-lint.toml";

/// The config file as written.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    catalog: Option<PathBuf>,
    #[serde(default)]
    fields: FieldMap,
    /// `rules = ["pack", ...]`, or a table with `packs = [...]` and `[rules.NAME]` overrides.
    rules: Option<toml::Value>,
    #[serde(default)]
    limits: Limits,
    /// Files and directories to leave out of directory walks (gitignore syntax).
    #[serde(default)]
    exclude: Vec<String>,
    /// The typical recipient of the templates, used without --profile or --audience.
    profile: Option<toml::Table>,
    /// `[campaigns]`: which files are which kind of mail.
    #[serde(default)]
    campaigns: CampaignsSection,
    /// `[per-file-ignores]`: glob = [rules], rules not reported for matching files.
    #[serde(default, rename = "per-file-ignores")]
    per_file_ignores: BTreeMap<String, Vec<String>>,
    /// `[proof]`: where and how `campaign-lint proof` sends.
    #[serde(default)]
    proof: ProofSettings,
    /// `[fix]`: what `--fix` may assume.
    #[serde(default)]
    fix: FixSection,
}

/// `[fix]` as written.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct FixSection {
    /// Hosts that serve the same pages over https: their http:// links may be rewritten.
    #[serde(default)]
    https_hosts: Vec<String>,
}

/// `[campaigns]` as written.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct CampaignsSection {
    /// Globs of transactional mail (receipts, password resets), relative to the config.
    #[serde(default)]
    transactional: Vec<String>,
}

/// Largest config or rule file read, in MB (before any config says otherwise).
pub const MAX_SETTINGS_MB: u64 = 10;

/// Changes to an existing rule: a pack file without `kind`, or `[rules.NAME]` in the config.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleOverride {
    pub severity: Option<Severity>,
    pub summary: Option<String>,
    pub message: Option<String>,
    pub help: Option<String>,
    /// Parameters replacing the rule's, key by key.
    #[serde(default)]
    pub params: toml::Table,
    pub when: Option<When>,
    /// Replaces the kinds of campaign the rule checks.
    #[serde(rename = "applies-to")]
    pub applies_to: Option<Vec<CampaignKind>>,
}

/// `when = "..."` or `when = ["...", "..."]`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum When {
    One(String),
    All(Vec<String>),
}

impl When {
    pub(crate) fn conditions(&self) -> Vec<String> {
        match self {
            When::One(c) => vec![c.clone()],
            When::All(cs) => cs.clone(),
        }
    }
}

/// The effective configuration.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// The file it came from; None when no config file was found.
    pub path: Option<PathBuf>,
    /// The file's text, for located errors found later (rule overrides).
    pub text: String,
    /// The catalog, relative paths resolved against the config file's directory.
    pub catalog: Option<PathBuf>,
    pub fields: FieldMap,
    /// Rule pack directories, resolved against the config file's directory.
    pub packs: Vec<PathBuf>,
    /// `[rules.NAME]` overrides.
    pub rules: BTreeMap<String, RuleOverride>,
    pub limits: Limits,
    /// `exclude` patterns (gitignore syntax, relative to the config's directory).
    pub exclude: Vec<String>,
    /// `[profile]`: the typical recipient, in campaign-lint's field names.
    pub profile: Option<toml::Table>,
    /// `[campaigns] transactional`: the files that are transactional mail.
    pub transactional: PathGlobs,
    /// `[per-file-ignores]`: the globs, and the rules each one turns off.
    pub per_file_ignores: (PathGlobs, Vec<Vec<String>>),
    /// `[proof]`, its files resolved against the config file's directory.
    pub proof: ProofSettings,
    /// `[fix] https-hosts`: hosts whose http:// links `--fix` rewrites to https://.
    pub https_hosts: Vec<String>,
}

impl Config {
    /// The config to use: `explicit` if given, else the nearest `campaign-lint.toml` from
    /// `cwd` upwards, else the defaults.
    pub fn resolve(explicit: Option<&Path>, cwd: &Path) -> Result<Config> {
        match explicit {
            Some(path) => Config::load(path),
            None => match discover(cwd) {
                Some(path) => Config::load(&path),
                None => Ok(Config::default()),
            },
        }
    }

    pub fn load(path: &Path) -> Result<Config> {
        let display = path.display().to_string();
        let text = crate::campaign::read_text_within(path, MAX_SETTINGS_MB)?;
        let file: ConfigFile =
            toml::from_str(&text).map_err(|e| toml_error(&display, &text, &e))?;
        let dir = path.parent().unwrap_or(Path::new(""));
        let resolve = |p: PathBuf| {
            if p.is_absolute() {
                p
            } else {
                normalize(&dir.join(p))
            }
        };
        let (packs, rules) = match file.rules {
            None => (Vec::new(), BTreeMap::new()),
            Some(rules) => {
                let at = text.find("rules").unwrap_or(0);
                rules_section(rules).map_err(|(m, key)| {
                    let at = key
                        .and_then(|k| {
                            text.find(&format!("[rules.{k}"))
                                .or_else(|| text.find(&format!("{k} =")))
                        })
                        .unwrap_or(at);
                    Error::new(&display, m).at_offset(&text, at)
                })?
            }
        };
        let root = std::path::absolute(dir).unwrap_or_else(|_| dir.to_owned());
        let globs = |patterns: &[String], section: &str| {
            PathGlobs::new(&root, patterns).map_err(|(pattern, message)| {
                let at = text
                    .find(&format!("{pattern:?}"))
                    .or_else(|| text.find(section))
                    .unwrap_or(0);
                Error::new(&display, format!("{section}: {message}")).at_offset(&text, at)
            })
        };
        let transactional = globs(&file.campaigns.transactional, "[campaigns] transactional")?;
        let (patterns, ignored): (Vec<String>, Vec<Vec<String>>) =
            file.per_file_ignores.into_iter().unzip();
        let per_file_ignores = (globs(&patterns, "[per-file-ignores]")?, ignored);
        Ok(Config {
            path: Some(path.to_owned()),
            transactional,
            per_file_ignores,
            catalog: file.catalog.map(resolve),
            fields: file.fields,
            packs: packs.into_iter().map(resolve).collect(),
            rules,
            limits: file.limits,
            exclude: file.exclude,
            profile: file.profile,
            proof: ProofSettings {
                seeds: file.proof.seeds.clone().map(resolve),
                ca_file: file.proof.ca_file.clone().map(resolve),
                dkim_key: file.proof.dkim_key.clone().map(resolve),
                ..file.proof
            },
            https_hosts: file.fix.https_hosts,
            text,
        })
    }

    /// The config file's name for messages (empty without one).
    pub fn display(&self) -> String {
        self.path
            .as_ref()
            .map(|p| p.display().to_string())
            .unwrap_or_default()
    }
}

/// Globs written in the config, relative to its directory, as Ruff reads
/// `per-file-ignores`: a pattern with a `/` matches the path from the config's directory
/// (`receipts/**`, `mail/*/reset.html`; a trailing `/` means everything below), one
/// without matches the file name anywhere below (`*.txt`). `*` does not cross a `/`.
#[derive(Debug, Clone, Default)]
pub struct PathGlobs {
    /// The config's directory, absolute.
    root: PathBuf,
    /// Patterns matched against the path below `root`, and against the file name.
    paths: Option<globset::GlobSet>,
    names: Option<globset::GlobSet>,
    /// The index of each pattern of `paths` and `names` among the patterns as written.
    path_index: Vec<usize>,
    name_index: Vec<usize>,
    /// The patterns as written.
    patterns: Vec<String>,
}

impl PathGlobs {
    /// On error: the pattern and what is wrong with it.
    fn new(root: &Path, patterns: &[String]) -> Result<PathGlobs, (String, String)> {
        let mut paths = globset::GlobSetBuilder::new();
        let mut names = globset::GlobSetBuilder::new();
        let mut out = PathGlobs {
            root: root.to_owned(),
            patterns: patterns.to_vec(),
            ..PathGlobs::default()
        };
        for (i, pattern) in patterns.iter().enumerate() {
            let written = pattern.trim_start_matches("./");
            let (body, below) = match written.strip_suffix('/') {
                Some(dir) => (format!("{dir}/**"), true),
                None => (written.to_owned(), false),
            };
            let glob = globset::GlobBuilder::new(&body)
                .literal_separator(true)
                .build()
                .map_err(|e| {
                    (
                        pattern.clone(),
                        format!("bad glob {pattern:?}: {}", e.kind()),
                    )
                })?;
            if below || written.contains('/') {
                paths.add(glob);
                out.path_index.push(i);
            } else {
                names.add(glob);
                out.name_index.push(i);
            }
        }
        let build = |b: globset::GlobSetBuilder| {
            b.build()
                .map_err(|e| (String::new(), format!("bad glob: {}", e.kind())))
        };
        if !out.path_index.is_empty() {
            out.paths = Some(build(paths)?);
        }
        if !out.name_index.is_empty() {
            out.names = Some(build(names)?);
        }
        Ok(out)
    }

    /// Whether no pattern was written.
    pub fn is_empty(&self) -> bool {
        self.patterns.is_empty()
    }

    /// The patterns as written.
    pub fn patterns(&self) -> &[String] {
        &self.patterns
    }

    /// The indices (as written) of the patterns that match `path`, an absolute path or
    /// one relative to the working directory.
    pub fn matches(&self, path: &Path) -> Vec<usize> {
        if self.is_empty() {
            return Vec::new();
        }
        let absolute = normalize(&std::path::absolute(path).unwrap_or_else(|_| path.to_owned()));
        let mut found = Vec::new();
        if let (Some(set), Ok(below)) = (&self.paths, absolute.strip_prefix(&self.root)) {
            found.extend(set.matches(below).into_iter().map(|i| self.path_index[i]));
        }
        if let (Some(set), Some(name)) = (&self.names, absolute.file_name())
            && absolute.starts_with(&self.root)
        {
            found.extend(
                set.matches(Path::new(name))
                    .into_iter()
                    .map(|i| self.name_index[i]),
            );
        }
        found.sort_unstable();
        found
    }
}

type RulesSection = (Vec<PathBuf>, BTreeMap<String, RuleOverride>);

/// Splits the `rules` value into pack directories and per-rule overrides. On error: the
/// message and the key it concerns.
fn rules_section(value: toml::Value) -> Result<RulesSection, (String, Option<String>)> {
    let packs_of = |v: toml::Value| -> Result<Vec<PathBuf>, (String, Option<String>)> {
        v.try_into::<Vec<PathBuf>>().map_err(|_| {
            (
                "rule packs must be a list of directories, e.g. rules = [\"lint/rules\"]"
                    .to_owned(),
                Some("packs".to_owned()),
            )
        })
    };
    match value {
        toml::Value::Array(_) => Ok((packs_of(value)?, BTreeMap::new())),
        toml::Value::Table(table) => {
            let mut packs = Vec::new();
            let mut overrides = BTreeMap::new();
            for (key, v) in table {
                if key == "packs" {
                    packs = packs_of(v)?;
                    continue;
                }
                let over: RuleOverride = v.try_into().map_err(|e: toml::de::Error| {
                    (
                        format!("[rules.{key}]: {}", e.message().trim()),
                        Some(key.clone()),
                    )
                })?;
                overrides.insert(key, over);
            }
            Ok((packs, overrides))
        }
        _ => Err((
            "`rules` must be a list of rule pack directories or a table of rule settings"
                .to_owned(),
            None,
        )),
    }
}

/// Removes `.` and `..` components without touching the file system, so paths relative
/// to the config read well in messages (`samples/config/../catalog.toml` is
/// `samples/catalog.toml`).
pub fn normalize(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                let last = out.components().next_back();
                if matches!(last, Some(Component::Normal(_))) {
                    out.pop();
                } else {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    out
}

/// The nearest config file from `start` upwards.
pub fn discover(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .map(|dir| dir.join(FILE_NAME))
        .find(|candidate| candidate.is_file())
}

/// `[proof]` in campaign-lint.toml.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct ProofSettings {
    /// The SMTP server: `smtp://host:587` (STARTTLS required), `smtps://host:465`
    /// (implicit TLS) or `smtp+insecure://127.0.0.1:2525` (loopback only). A user name
    /// may be given (`smtp://proofs@host`); the password only in the environment
    /// variable `CAMPAIGN_LINT_SMTP_PASSWORD`.
    pub smtp: Option<String>,
    /// The From address of every proof, instead of the campaign's.
    pub from: Option<String>,
    /// The seed list used without --profile/--seeds.
    pub seeds: Option<PathBuf>,
    /// The most seeds one call sends to.
    pub max_recipients: usize,
    /// Put before each proof's subject.
    pub subject_prefix: String,
    /// A PEM file of certificates to trust for the SMTP server's TLS, besides the
    /// system's (a company CA, or a test server's self-signed certificate).
    pub ca_file: Option<PathBuf>,
    /// How long to wait for the server at each step.
    pub timeout_seconds: u64,
    /// Sign each proof with DKIM: an RSA private key in PEM, with its selector and
    /// domain (all three, or none).
    pub dkim_key: Option<PathBuf>,
    pub dkim_selector: Option<String>,
    pub dkim_domain: Option<String>,
}

impl Default for ProofSettings {
    fn default() -> Self {
        ProofSettings {
            smtp: None,
            from: None,
            seeds: None,
            max_recipients: 20,
            subject_prefix: "[Proof] ".to_owned(),
            ca_file: None,
            timeout_seconds: 30,
            dkim_key: None,
            dkim_selector: None,
            dkim_domain: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("cl-config-{}-{name}", std::process::id()));
        std::fs::create_dir_all(dir.join("a/b")).unwrap();
        dir
    }

    #[test]
    fn discovers_upwards_and_resolves_paths() {
        let dir = temp("discover");
        std::fs::write(dir.join(FILE_NAME), "catalog = \"cat.toml\"\n[fields]\nemail = \"Email Address\"\n[rules.owned-product-offer]\nseverity = \"warning\"\n").unwrap();
        let config = Config::resolve(None, &dir.join("a/b")).unwrap();
        assert_eq!(config.catalog, Some(dir.join("cat.toml")));
        assert_eq!(config.fields.email, "Email Address");
        assert_eq!(config.fields.language, "language");
        assert_eq!(
            config.rules["owned-product-offer"].severity,
            Some(crate::diagnostic::Severity::Warning)
        );
    }

    #[test]
    fn unknown_keys_are_located_errors() {
        let dir = temp("unknown");
        let path = dir.join("bad.toml");
        std::fs::write(&path, "[fields]\nemail = \"E\"\nlangauge = \"L\"\n").unwrap();
        let err = Config::load(&path).unwrap_err();
        assert_eq!(err.position, Some((3, 1)), "{err}");
        assert!(err.message.contains("langauge"));
    }
}
