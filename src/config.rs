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
}

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
    /// Example recipients shown per audience finding.
    pub examples: usize,
}

impl Default for Limits {
    fn default() -> Self {
        let records = crate::profiles::scan::RecordLimits::default();
        Self {
            max_campaign_mb: 25.0,
            max_mime_depth: 50,
            max_header_count: 1000,
            max_html_depth: 1000,
            max_csv_record_lines: records.lines,
            max_csv_record_kb: records.bytes / 1024,
            examples: 3,
        }
    }
}

impl Limits {
    /// The audience reader's limits on one CSV record.
    pub fn records(&self) -> crate::profiles::scan::RecordLimits {
        crate::profiles::scan::RecordLimits {
            lines: self.max_csv_record_lines,
            bytes: self.max_csv_record_kb.saturating_mul(1024),
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
        let text = std::fs::read_to_string(path)
            .map_err(|e| Error::new(&display, crate::campaign::io_message(&e)))?;
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
        Ok(Config {
            path: Some(path.to_owned()),
            catalog: file.catalog.map(resolve),
            fields: file.fields,
            packs: packs.into_iter().map(resolve).collect(),
            rules,
            limits: file.limits,
            exclude: file.exclude,
            profile: file.profile,
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
