//! `campaign-lint proof`: the campaign rendered for each seed address and sent to it,
//! the way an ESP's "send a test email" does, after `check` passes. Proofs go to seed
//! lists only (never an `--audience` export), at most `[proof] max-recipients` per call,
//! with a `[Proof] ` subject prefix and a fresh `Message-ID` and `Date`.
//!
//! The messages are built first, all of them; then they are either written as `.eml`
//! files (`--dry-run DIR`: the exact bytes that would be sent) or sent ([`smtp`]).

pub mod dkim;
pub mod smtp;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

use crate::config::Config;
use crate::error::{Error, Result};
use crate::profiles::ProfileFile;
use crate::render::{self, HeaderChanges};

pub use crate::config::ProofSettings as Settings;

/// One seed: where the proof goes, and the profile it is rendered for.
#[derive(Debug, Clone)]
pub struct Seed {
    pub address: String,
    pub profile: ProfileFile,
}

/// A proof ready to go: the exact bytes, and the envelope.
#[derive(Debug, Clone)]
pub struct Proof {
    pub seed: String,
    pub campaign: PathBuf,
    pub envelope_from: String,
    pub bytes: Vec<u8>,
}

/// Checks an address the way lettre will read it, with the value and where it came from
/// in the message (lettre's own error says only "Invalid input").
pub fn address(value: &str, origin: &str) -> Result<String> {
    let trimmed = value.trim();
    trimmed
        .parse::<lettre::Address>()
        .map(|_| trimmed.to_owned())
        .map_err(|_| {
            Error::new(
                origin,
                format!(
                    "{:?} is not an email address",
                    crate::profiles::privacy::mask_addresses(trimmed)
                ),
            )
        })
}

/// The seeds: every `--to` address with the one profile, or every row of a seed list
/// (CSV, JSON array or JSON Lines of profiles; each row's email is its seed address).
pub fn seeds(
    to: &[String],
    profile: Option<&Path>,
    seed_file: Option<&Path>,
    config: &Config,
) -> Result<Vec<Seed>> {
    if let Some(path) = profile {
        if to.is_empty() {
            return Err(Error::new(
                "",
                "proof: --profile needs --to ADDR[,ADDR…], the seed addresses to send to",
            ));
        }
        let profile = ProfileFile::load(path, &config.fields, &config.limits)?;
        return to
            .iter()
            .map(|a| {
                Ok(Seed {
                    address: address(a, "--to")?,
                    profile: profile.clone(),
                })
            })
            .collect();
    }
    let Some(path) = seed_file else {
        return Err(Error::new(
            "",
            "proof: give --profile FILE with --to ADDR, or --seeds FILE (or [proof] seeds in campaign-lint.toml)",
        ));
    };
    if !to.is_empty() {
        return Err(Error::new(
            "",
            "proof: --to goes with --profile; a seed list's addresses are its email column",
        ));
    }
    let display = path.display().to_string();
    let mut seeds = Vec::new();
    let mut bad: Option<Error> = None;
    let options = crate::audience::reader::ReadOptions {
        detect_preset: true,
        record_limits: config.limits.records(),
        ..Default::default()
    };
    crate::audience::reader::for_each_row(path, &config.fields, &options, |row| {
        if bad.is_some() {
            return;
        }
        let line = row.line.unwrap_or(row.number);
        let place = |m: String| Error::new(&display, m).at(line as usize, 1);
        match row.profile {
            Ok(profile) => match profile.email.clone() {
                Some(email) => seeds.push(Seed {
                    address: email,
                    profile: ProfileFile {
                        path: format!("{display} row {}", row.number),
                        source: crate::diagnostic::Source::new(&display, ""),
                        profile,
                    },
                }),
                None => bad = Some(place("this seed has no email address".to_owned())),
            },
            Err(reason) => {
                bad = Some(place(
                    crate::profiles::privacy::mask_addresses(&reason).into_owned(),
                ));
            }
        }
    })
    .map_err(|e| Error {
        message: crate::profiles::privacy::mask_addresses(&e.message).into_owned(),
        ..e
    })?;
    if let Some(e) = bad {
        return Err(e);
    }
    if seeds.is_empty() {
        return Err(Error::new(&display, "the seed list has no seeds"));
    }
    Ok(seeds)
}

/// Builds every proof: for each seed, each campaign it gets (its language's variant),
/// rendered for its profile and addressed to it.
pub fn build(
    campaigns: &[PathBuf],
    seeds: &[Seed],
    config: &Config,
    from: Option<&str>,
) -> Result<Vec<Proof>> {
    let settings = &config.proof;
    let signer = match (
        &settings.dkim_key,
        &settings.dkim_selector,
        &settings.dkim_domain,
    ) {
        (None, None, None) => None,
        (Some(key), Some(selector), Some(domain)) => {
            Some(dkim::Signer::load(key, selector, domain)?)
        }
        _ => {
            return Err(Error::new(
                config.display(),
                "[proof] dkim-key, dkim-selector and dkim-domain go together: give all three",
            ));
        }
    };
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let mut proofs = Vec::new();
    for seed in seeds {
        for campaign in render::targets(campaigns, config, &seed.profile)? {
            let display = campaign.display().to_string();
            let format = crate::campaign::format_of(&campaign);
            let mut changes = HeaderChanges {
                set: vec![("To".to_owned(), format!("<{}>", seed.address))],
                subject_prefix: settings.subject_prefix.clone(),
            };
            if let Some(from) = from {
                changes.set.push(("From".to_owned(), from.to_owned()));
            }
            changes.set.push((
                "Message-ID".to_owned(),
                message_id(from.unwrap_or("proof@campaign-lint.invalid")),
            ));
            changes.set.push(("Date".to_owned(), rfc2822_now()));
            let bytes = if format == Some(crate::campaign::Format::Eml) {
                render::render_file(&campaign, config, &seed.profile, &changes)?.bytes
            } else {
                let Some(from) = from else {
                    return Err(Error::new(
                        &display,
                        "a template has no From: give --from ADDR or [proof] from",
                    ));
                };
                let body = render::render_file(&campaign, config, &seed.profile, &changes)?.bytes;
                let html = format == Some(crate::campaign::Format::Html) || format.is_none();
                template_message(&campaign, &body, html, from, &changes)
            };
            let bytes = crlf(&bytes);
            let bytes = match &signer {
                Some(signer) => signer.sign(&bytes, now),
                None => bytes,
            };
            let envelope_from = envelope_from(&bytes).ok_or_else(|| {
                Error::new(
                    &display,
                    "the message has no From address to send from (give --from ADDR)",
                )
            })?;
            proofs.push(Proof {
                seed: seed.address.clone(),
                campaign,
                envelope_from,
                bytes,
            });
        }
    }
    Ok(proofs)
}

/// The address of the message's From header.
fn envelope_from(bytes: &[u8]) -> Option<String> {
    let message = mail_parser::MessageParser::default().parse(bytes)?;
    let from = message.from()?.first()?.address()?;
    Some(from.to_owned())
}

/// A message around a rendered template: the headers of `changes`, the subject from the
/// HTML `<title>` (else the file name), the body in UTF-8 quoted-printable.
fn template_message(
    path: &Path,
    body: &[u8],
    html: bool,
    from: &str,
    changes: &HeaderChanges,
) -> Vec<u8> {
    let text = String::from_utf8_lossy(body);
    let title = html
        .then(|| {
            let lower = text.to_ascii_lowercase();
            let start = lower.find("<title")?;
            let start = start + lower[start..].find('>')? + 1;
            let end = start + lower[start..].find("</title")?;
            Some(html_escape::decode_html_entities(text[start..end].trim()).into_owned())
        })
        .flatten()
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| {
            path.file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default()
        });
    let subject = format!("{}{title}", changes.subject_prefix);
    let mut out = format!("From: {from}\r\n");
    for (name, value) in &changes.set {
        if !name.eq_ignore_ascii_case("From") {
            let _ = write!(out, "{name}: {value}\r\n");
        }
    }
    let kind = if html { "html" } else { "plain" };
    let _ = write!(
        out,
        "Subject: {}\r\nMIME-Version: 1.0\r\nContent-Type: text/{kind}; charset=utf-8\r\n\
         Content-Transfer-Encoding: quoted-printable\r\n\r\n",
        render::eml::encode_header(&subject, "\r\n")
    );
    let mut bytes = out.into_bytes();
    let normalized = crlf(text.as_bytes());
    bytes.extend_from_slice(&quoted_printable::encode(&normalized));
    bytes.extend_from_slice(b"\r\n");
    bytes
}

/// Every line break as CRLF, as SMTP sends it (so that a dry run writes the same bytes).
fn crlf(bytes: &[u8]) -> Vec<u8> {
    render::eml::with_newlines(bytes, "\r\n")
}

static SEQUENCE: AtomicU32 = AtomicU32::new(0);

/// A fresh `Message-ID` on the From address's domain.
fn message_id(from: &str) -> String {
    let domain = from
        .rsplit('@')
        .next()
        .map(|d| d.trim_end_matches('>').trim())
        .filter(|d| !d.is_empty())
        .unwrap_or("campaign-lint.invalid");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    format!(
        "<proof.{}.{}.{}.{}@{domain}>",
        now.as_secs(),
        now.subsec_nanos(),
        std::process::id(),
        SEQUENCE.fetch_add(1, Ordering::Relaxed)
    )
}

/// The current time as an RFC 5322 date, in UTC.
pub fn rfc2822_now() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    rfc2822(secs)
}

fn rfc2822(secs: u64) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let days = secs / 86_400;
    let rem = secs % 86_400;
    // Howard Hinnant's civil_from_days.
    let z = days.cast_signed() + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{}, {day:02} {} {year} {:02}:{:02}:{:02} +0000",
        DAYS[(days % 7) as usize],
        MONTHS[(month - 1) as usize],
        rem / 3_600,
        rem % 3_600 / 60,
        rem % 60
    )
}

/// The file a dry run writes a proof to: its number and the campaign's file stem (the
/// seed's address is in the message, not in a file name that listings show).
pub fn dry_run_name(n: usize, proof: &Proof) -> String {
    let stem: String = proof
        .campaign
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("{:02}-{stem}.eml", n + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_rfc_5322() {
        assert_eq!(rfc2822(0), "Thu, 01 Jan 1970 00:00:00 +0000");
        assert_eq!(rfc2822(1_796_400_000), "Fri, 04 Dec 2026 16:00:00 +0000");
        assert_eq!(rfc2822(951_782_400), "Tue, 29 Feb 2000 00:00:00 +0000");
    }

    #[test]
    fn line_breaks_become_crlf() {
        assert_eq!(crlf(b"a\nb\r\nc\n"), b"a\r\nb\r\nc\r\n");
    }

    #[test]
    fn message_ids_are_fresh() {
        let a = message_id("Nordlicht <news@nordlicht.example.com>");
        let b = message_id("news@nordlicht.example.com");
        assert_ne!(a, b);
        assert!(a.ends_with("@nordlicht.example.com>"), "{a}");
    }
}
