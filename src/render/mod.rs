//! `campaign-lint render`: the campaign as one recipient gets it. The variant in their
//! language (chosen as `check` chooses it, [`Variants::targets`]), every merge tag filled
//! from their profile ([`fill`]), the ESP's own tags as marked placeholders, and `To` set
//! to their address. An `.eml` comes out as an `.eml` ([`eml`]), a template as the same
//! kind of file.
//!
//! `check` runs first with the rules that say a render would be wrong
//! ([`GATE_RULES`]), so that a tag the recipient has no field for is the same located
//! finding as in `check`, and the render stops (exit 1) instead of printing nothing.

pub mod eml;
pub mod fill;

use std::path::{Path, PathBuf};

use crate::campaign::{Format, format_of};
use crate::config::Config;
use crate::error::{Error, Result};
use crate::profiles::ProfileFile;
use crate::rules::kinds::TagFields;
use crate::variants::{Target, Variants};

pub use eml::HeaderChanges;

/// The rules whose error-level findings stop a render: a tag with no field to fill it, a
/// tag the template engine cannot read, and a recipient for whom no variant exists.
pub const GATE_RULES: &[&str] = &[
    "unresolved-merge-tag",
    "merge-tag-syntax",
    "no-variant-for-language",
];

/// One campaign rendered for one recipient.
#[derive(Debug, Clone)]
pub struct Rendered {
    /// The campaign file it was rendered from.
    pub source: PathBuf,
    pub bytes: Vec<u8>,
}

/// The campaign files a recipient gets: of `campaigns` (files or directories), every
/// standalone campaign and per group of language variants the one in their language.
pub fn targets(
    campaigns: &[PathBuf],
    config: &Config,
    profile: &ProfileFile,
) -> Result<Vec<PathBuf>> {
    let exclude = crate::check::Exclude::new(config)?;
    let (files, errors) = crate::check::expand(campaigns, &exclude);
    if let Some(e) = errors.into_iter().next() {
        return Err(e);
    }
    let paths: Vec<String> = files.iter().map(|p| p.display().to_string()).collect();
    let variants = Variants::plan(&paths);
    let mut chosen = Vec::new();
    for target in variants.targets(&profile.profile) {
        match target {
            Target::Campaign(i) => chosen.push(files[i].clone()),
            // The gate's `no-variant-for-language` finding says this first.
            Target::Missing(g) => {
                return Err(Error::new(
                    &variants.groups[g].stem,
                    "no variant in the recipient's language",
                ));
            }
        }
    }
    if chosen.is_empty() {
        return Err(Error::new(
            campaigns
                .first()
                .map(|p| p.display().to_string())
                .unwrap_or_default(),
            "no campaign file to render (.eml, .html, .htm, .mjml, .txt)",
        ));
    }
    Ok(chosen)
}

/// Renders one campaign file for the profile. `changes` are the headers an `.eml`
/// gets besides `To` (a proof's fresh `Message-ID`, `Date` and subject prefix).
pub fn render_file(
    path: &Path,
    config: &Config,
    profile: &ProfileFile,
    changes: &HeaderChanges,
) -> Result<Rendered> {
    let display = path.display().to_string();
    let max = (config.limits.max_campaign_mb.max(0.0) * 1_000_000.0) as u64;
    let bytes = crate::campaign::read_within(path, max, || {
        "the campaign is larger than [limits] max-campaign-mb allows".to_owned()
    })?;
    // Fields are matched as the gate's `unresolved-merge-tag` matched them.
    let fields = config
        .rules
        .get("unresolved-merge-tag")
        .map_or_else(TagFields::default, |o| TagFields::with_params(&o.params));
    let recipient = &profile.profile;
    let format = format_of(path).unwrap_or(Format::Html);
    let bytes = match format {
        Format::Eml => {
            let Some(email) = &recipient.email else {
                return Err(Error::new(
                    &profile.path,
                    "the profile has no email address to put in To",
                ));
            };
            let mut changes = changes.clone();
            // A proof sets To to its seed; a render, to the recipient.
            if !changes
                .set
                .iter()
                .any(|(n, _)| n.eq_ignore_ascii_case("To"))
            {
                changes
                    .set
                    .insert(0, ("To".to_owned(), format!("<{email}>")));
            }
            eml::render(&display, &bytes, recipient, &fields, &changes)?
        }
        Format::Html | Format::Text => {
            let text = std::str::from_utf8(&bytes).map_err(|e| {
                Error::new(&display, "the template is not valid UTF-8")
                    .at_offset(&String::from_utf8_lossy(&bytes), e.valid_up_to())
            })?;
            fill::fill(text, recipient, &fields, format == Format::Html)
                .map_err(|u| Error::new(&display, u.message).at_offset(text, u.offset))?
                .into_bytes()
        }
    };
    Ok(Rendered {
        source: path.to_owned(),
        bytes,
    })
}

/// Where each rendered file goes: `out` itself for one file that is not a directory,
/// else `out/NAME` with the campaign's file name. None: standard output (one file only).
pub fn destinations(sources: &[PathBuf], out: Option<&Path>) -> Result<Vec<Option<PathBuf>>> {
    let Some(out) = out else {
        if sources.len() > 1 {
            return Err(Error::new(
                "",
                format!(
                    "the recipient gets {} campaigns: give --out DIR to write each to a file",
                    sources.len()
                ),
            ));
        }
        return Ok(vec![None]);
    };
    let is_dir = out.is_dir() || out.to_string_lossy().ends_with('/');
    if !is_dir && sources.len() > 1 {
        return Err(Error::new(
            out.display().to_string(),
            format!(
                "the recipient gets {} campaigns: --out must be a directory",
                sources.len()
            ),
        ));
    }
    Ok(sources
        .iter()
        .map(|s| {
            Some(if is_dir {
                out.join(s.file_name().unwrap_or_default())
            } else {
                out.to_owned()
            })
        })
        .collect())
}
