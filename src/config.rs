//! `campaign-lint.toml`: found by walking up from the working directory (`--config`
//! overrides), strict about unknown keys. Holds the field mapping, the catalog path and
//! per-rule severity and parameters.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::catalog::toml_error;
use crate::error::{Error, Result};
use crate::profiles::FieldMap;
use crate::rules::RuleOverride;

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

/// Bounds on what one run reads, so hostile input finishes quickly with a clear message.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct Limits {
    /// Campaign files larger than this (in MB) are reported and not read.
    pub max_campaign_mb: f64,
    /// MIME parts nested deeper than this (multiparts inside multiparts) make the message
    /// an error. Real campaigns nest 2 or 3 deep.
    pub max_mime_depth: usize,
    /// A header block (the message's or a part's) with more fields than this makes the
    /// message an error. Real messages have tens, with long `Received` chains a few hundred.
    pub max_header_count: usize,
    /// HTML elements nested deeper than this stop the reading of that part, with a
    /// finding (`unreadable-part`). Campaign layouts nest tables 10+ levels deep, a few
    /// elements per level.
    pub max_html_depth: usize,
    /// A CSV row of an audience export whose quoted field spans more line breaks than
    /// this is taken for a quote that never closes: the row is skipped and reading goes
    /// on with the next line.
    pub max_csv_record_lines: usize,
    /// A CSV row of an audience export longer than this (in KB) is skipped the same way.
    pub max_csv_record_kb: usize,
    /// A JSON row (a line of JSON Lines, an element of a JSON array) of an audience or
    /// owned-products export longer than this (in KB) is skipped without being held.
    pub max_json_record_kb: usize,
    /// Example recipients shown per audience finding.
    pub examples: usize,
    /// An audience run that skips more than this share of its rows (bad addresses,
    /// unknown languages, broken rows) fails with exit 2, unless `--allow-skipped`.
    pub max_skipped_percent: f64,
}

impl Default for Limits {
    fn default() -> Self {
        let records = crate::audience::scan::RecordLimits::default();
        Self {
            max_campaign_mb: 25.0,
            max_mime_depth: 50,
            max_header_count: 1000,
            max_html_depth: 1000,
            max_csv_record_lines: records.lines,
            max_csv_record_kb: records.bytes / 1024,
            max_json_record_kb: records.json_bytes / 1024,
            examples: 3,
            max_skipped_percent: 10.0,
        }
    }
}

impl Limits {
    /// The audience reader's limits on one CSV record.
    pub fn records(&self) -> crate::audience::scan::RecordLimits {
        crate::audience::scan::RecordLimits {
            lines: self.max_csv_record_lines,
            bytes: self.max_csv_record_kb.saturating_mul(1024),
            json_bytes: self.max_json_record_kb.saturating_mul(1024),
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
