//! Language variants: `promo.de.eml` and `promo.en.eml` are one campaign in two languages.
//! Each recipient gets the variant in a language they read and is checked against that
//! one only; a recipient for whom no variant exists is a finding of their own
//! (`no-variant-for-language`), counted by language in audience mode.
//!
//! Variants are recognised by file name: `STEM.LANG.EXT`, where LANG is a language tag
//! and at least two files share the STEM.

use std::path::Path;

use crate::diagnostic::Finding;
use crate::profiles::{Language, Profile};
use crate::rules::{Diag, RuleSet};

/// A campaign with variants in several languages.
#[derive(Debug, Clone)]
pub struct Group {
    pub stem: String,
    /// Indices of the member campaigns, with their languages, in the order given.
    pub members: Vec<(usize, Language)>,
}

/// Which campaigns are variants of which.
#[derive(Debug, Clone, Default)]
pub struct Variants {
    pub groups: Vec<Group>,
    /// For each campaign, its group, if it is a variant.
    group_of: Vec<Option<usize>>,
}

/// What one recipient is checked against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// A campaign (a standalone one, or the recipient's variant of a group).
    Campaign(usize),
    /// A group with no variant in the recipient's language.
    Missing(usize),
}

/// The stem and language of `STEM.LANG.EXT`, if the name has that shape.
fn split(path: &str) -> Option<(String, Language)> {
    let name = Path::new(path).file_name()?.to_str()?;
    let mut pieces = name.rsplitn(3, '.');
    let _ext = pieces.next()?;
    let lang = pieces.next()?;
    let stem = pieces.next()?;
    let language = Language::parse(lang)?;
    let dir = Path::new(path)
        .parent()
        .map(|d| d.display().to_string())
        .unwrap_or_default();
    Some((format!("{dir}/{stem}"), language))
}

impl Variants {
    /// Groups the campaigns (by path) into variants.
    pub fn plan(paths: &[String]) -> Variants {
        let mut groups: Vec<Group> = Vec::new();
        for (i, path) in paths.iter().enumerate() {
            let Some((stem, language)) = split(path) else {
                continue;
            };
            match groups.iter_mut().find(|g| g.stem == stem) {
                Some(g) => g.members.push((i, language)),
                None => groups.push(Group {
                    stem,
                    members: vec![(i, language)],
                }),
            }
        }
        groups.retain(|g| g.members.len() > 1);
        let mut group_of = vec![None; paths.len()];
        for (g, group) in groups.iter().enumerate() {
            for (i, _) in &group.members {
                group_of[*i] = Some(g);
            }
        }
        Variants { groups, group_of }
    }

    /// What a recipient is checked against: every standalone campaign, and per group the
    /// variant in the first language they read that has one (the group's first variant
    /// when the profile names no language).
    pub fn targets(&self, profile: &Profile) -> Vec<Target> {
        let mut out: Vec<Target> = (0..self.group_of.len())
            .filter(|&i| self.group_of[i].is_none())
            .map(Target::Campaign)
            .collect();
        let reads: Vec<Language> = profile
            .languages
            .iter()
            .filter_map(|l| l.language)
            .collect();
        for (g, group) in self.groups.iter().enumerate() {
            let chosen = if reads.is_empty() {
                group.members.first().map(|(i, _)| *i)
            } else {
                reads.iter().find_map(|r| {
                    group
                        .members
                        .iter()
                        .find(|(_, l)| r.reads(*l))
                        .map(|(i, _)| *i)
                })
            };
            out.push(chosen.map_or(Target::Missing(g), Target::Campaign));
        }
        out
    }

    /// The campaign a group's findings are reported in: its first variant.
    pub fn home(&self, group: usize) -> usize {
        self.groups[group].members[0].0
    }

    /// The findings of the `variants` rules (`no-variant-for-language`) for a recipient
    /// of group `g`.
    pub fn missing(&self, g: usize, profile: &Profile, rules: &RuleSet) -> Vec<Finding> {
        let group = &self.groups[g];
        let language = profile
            .languages
            .iter()
            .find_map(|l| l.language)
            .map_or_else(
                || "their language".to_owned(),
                |l| l.english_name().to_owned(),
            );
        let stem = Path::new(&group.stem)
            .file_name()
            .map_or(group.stem.clone(), |s| s.to_string_lossy().into_owned());
        let have: Vec<&str> = group
            .members
            .iter()
            .map(|(_, l)| l.english_name())
            .collect();
        rules.report_kind("variants", || {
            Diag::new()
                .arg("campaign", stem.clone())
                .arg("language", language.clone())
                .arg("variants", have.join(", "))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profiles::{FieldMap, parse_json};

    #[test]
    fn groups_by_stem_and_chooses_by_language() {
        let paths: Vec<String> = [
            "c/promo.de.eml",
            "c/promo.en.eml",
            "c/other.eml",
            "c/solo.fr.eml",
        ]
        .map(str::to_owned)
        .to_vec();
        let v = Variants::plan(&paths);
        assert_eq!(v.groups.len(), 1);
        let p = |lang: &str| {
            parse_json(
                "p",
                &format!("{{\"language\": {lang}}}"),
                &FieldMap::default(),
            )
            .unwrap()
        };
        assert_eq!(
            v.targets(&p("\"en-GB\"")),
            [
                Target::Campaign(2),
                Target::Campaign(3),
                Target::Campaign(1)
            ]
        );
        assert_eq!(
            v.targets(&p("[\"fr\", \"de\"]")),
            [
                Target::Campaign(2),
                Target::Campaign(3),
                Target::Campaign(0)
            ]
        );
        assert_eq!(
            v.targets(&p("\"it\"")),
            [Target::Campaign(2), Target::Campaign(3), Target::Missing(0)]
        );
        assert_eq!(
            v.targets(&p("null")),
            [
                Target::Campaign(2),
                Target::Campaign(3),
                Target::Campaign(0)
            ]
        );
    }
}
