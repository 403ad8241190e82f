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
    #[serde(default)]
    rules: BTreeMap<String, RuleOverride>,
}

/// The effective configuration.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// The file it came from; None when no config file was found.
    pub path: Option<PathBuf>,
    /// The catalog, relative paths resolved against the config file's directory.
    pub catalog: Option<PathBuf>,
    pub fields: FieldMap,
    pub rules: BTreeMap<String, RuleOverride>,
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
        Ok(Config {
            path: Some(path.to_owned()),
            catalog: file
                .catalog
                .map(|c| if c.is_absolute() { c } else { dir.join(c) }),
            fields: file.fields,
            rules: file.rules,
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
