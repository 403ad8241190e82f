//! Fixes: edits of a campaign's bytes that make a finding go away, each marked safe
//! (applied by `--fix`) or unsafe (only with `--unsafe-fixes`: it changes what a reader
//! sees), as Ruff marks its fixes.
//!
//! A fix is computed from the campaign's facts, for a rule that reported a finding in
//! the file (so a suppressed or ignored finding is never "fixed"). Its edits replace byte
//! ranges of the file inside the header block; they never touch a body part, so transfer
//! encodings stay valid, and a new line takes the line ending of the file.

use std::ops::Range;
use std::path::Path;

use crate::campaign::Campaign;
use crate::config::Config;
use crate::error::Result;
use crate::facts::Facts;
use crate::facts::headers::Scheme;
use crate::rules::RuleSet;

/// Whether a fix may be applied without a person looking at it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Safety {
    /// Keeps what the reader sees and what the message means.
    Safe,
    /// Changes visible text: applied only with `--unsafe-fixes`.
    Unsafe,
}

/// One fix: the rule whose finding it removes, and its edits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    pub rule: &'static str,
    pub title: String,
    pub safety: Safety,
    /// Byte ranges of the file and their replacements, not overlapping.
    pub edits: Vec<(Range<usize>, String)>,
}

/// The fixes for a campaign, for the rules in `firing` (the rules with a finding in it).
/// `https_hosts`: the hosts the config says serve https (`[fix] https-hosts`).
pub fn fixes(
    campaign: &Campaign,
    facts: &Facts,
    firing: &[&str],
    https_hosts: &[String],
) -> Vec<Fix> {
    let text: &str = &campaign.sources[0].text;
    let mut out = Vec::new();
    let list = &facts.list_unsubscribe;
    let eol = if text.contains("\r\n") { "\r\n" } else { "\n" };

    // RFC 2369: each URI in angle brackets.
    if firing.contains(&"missing-list-unsubscribe") && list.encoded.is_empty() {
        let edits: Vec<(Range<usize>, String)> = list
            .uris
            .iter()
            .filter(|u| u.bare && u.scheme != Scheme::Other && u.span.source == 0)
            .map(|u| {
                (
                    u.span.offset..u.span.end(),
                    format!("<{}>", &text[u.span.offset..u.span.end()]),
                )
            })
            .collect();
        if !edits.is_empty() {
            out.push(Fix {
                rule: "missing-list-unsubscribe",
                title: "put the List-Unsubscribe URIs in angle brackets".to_owned(),
                safety: Safety::Safe,
                edits,
            });
        }
    }

    // RFC 8058: the Post header, when an https URI is there to be posted to.
    let has_https = list.uris.iter().any(|u| u.scheme == Scheme::Https);
    if firing.contains(&"missing-one-click-unsubscribe")
        && list.post.is_none()
        && list.encoded.is_empty()
        && has_https
        && let Some(header) = &list.header
    {
        // After the List-Unsubscribe field (its last line, folded or not).
        let at = header.field_span.end();
        out.push(Fix {
            rule: "missing-one-click-unsubscribe",
            title: "add List-Unsubscribe-Post: List-Unsubscribe=One-Click".to_owned(),
            safety: Safety::Safe,
            edits: vec![(
                at..at,
                format!("{eol}List-Unsubscribe-Post: List-Unsubscribe=One-Click"),
            )],
        });
    }

    // http:// -> https://, only for hosts known to serve https (else the link may break),
    // in HTML written as is in the file (not inside a quoted-printable or base64 body,
    // whose lines would change), keeping a line within RFC 5322's 998 bytes.
    if firing.contains(&"insecure-link") && !https_hosts.is_empty() {
        let mut edits = Vec::new();
        for link in facts
            .parts
            .iter()
            .filter(|p| p.source == 0)
            .flat_map(|p| &p.links)
        {
            let Some(range) = &link.href_range else {
                continue;
            };
            let Some(href) = text.get(range.clone()) else {
                continue;
            };
            let serves_https = url::Url::parse(href).ok().is_some_and(|u| {
                u.scheme() == "http"
                    && u.host_str()
                        .is_some_and(|h| https_hosts.iter().any(|k| k.eq_ignore_ascii_case(h)))
            });
            let line_len = text[..range.start]
                .rfind('\n')
                .map_or(range.start, |i| range.start - i)
                + text[range.start..]
                    .find('\n')
                    .unwrap_or(text.len() - range.start);
            if serves_https
                && href
                    .get(..5)
                    .is_some_and(|s| s.eq_ignore_ascii_case("http:"))
                && line_len < 998
            {
                edits.push((range.start..range.start + 4, "https".to_owned()));
            }
        }
        if !edits.is_empty() {
            out.push(Fix {
                rule: "insecure-link",
                title: "use https:// for the links to hosts in [fix] https-hosts".to_owned(),
                safety: Safety::Safe,
                edits,
            });
        }
    }

    // A run of exclamation marks in the subject becomes one (changes what the reader sees).
    if firing.contains(&"repeated-exclamation")
        && let Some(subject) = facts
            .headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case("Subject"))
        && let Some(raw) = text.get(subject.value_range.clone())
        // An encoded-word's bytes are not the text: left alone.
        && !raw.contains("=?")
    {
        let edits = exclamation_runs(raw)
            .into_iter()
            .map(|r| {
                (
                    subject.value_range.start + r.start..subject.value_range.start + r.end,
                    "!".to_owned(),
                )
            })
            .collect::<Vec<_>>();
        if !edits.is_empty() {
            out.push(Fix {
                rule: "repeated-exclamation",
                title: "collapse the runs of exclamation marks in the subject".to_owned(),
                safety: Safety::Unsafe,
                edits,
            });
        }
    }
    out
}

/// Runs of two or more `!` or `¡` in `text`.
fn exclamation_runs(text: &str) -> Vec<Range<usize>> {
    let mut runs = Vec::new();
    let mut start = None;
    let mut count = 0;
    for (i, c) in text
        .char_indices()
        .chain(std::iter::once((text.len(), ' ')))
    {
        if c == '!' || c == '¡' {
            start.get_or_insert(i);
            count += 1;
            continue;
        }
        if let Some(s) = start.take()
            && count >= 2
        {
            runs.push(s..i);
        }
        count = 0;
    }
    runs
}

/// `bytes` with the edits of `fixes` applied; a fix whose edits overlap an earlier one's
/// is left out. Returns the new bytes and the fixes applied.
pub fn apply(bytes: &[u8], fixes: Vec<Fix>) -> (Vec<u8>, Vec<Fix>) {
    let mut taken: Vec<Range<usize>> = Vec::new();
    let mut applied = Vec::new();
    for fix in fixes {
        let clash = fix.edits.iter().any(|(r, _)| {
            r.end > bytes.len()
                || taken
                    .iter()
                    .any(|t| r.start < t.end.max(t.start + 1) && t.start < r.end.max(r.start + 1))
        });
        if clash {
            continue;
        }
        taken.extend(fix.edits.iter().map(|(r, _)| r.clone()));
        applied.push(fix);
    }
    let mut edits: Vec<&(Range<usize>, String)> = applied.iter().flat_map(|f| &f.edits).collect();
    edits.sort_by_key(|(r, _)| (r.start, r.end));
    let mut out = Vec::with_capacity(bytes.len() + 64);
    let mut at = 0;
    for (range, text) in edits {
        out.extend_from_slice(&bytes[at..range.start]);
        out.extend_from_slice(text.as_bytes());
        at = range.end;
    }
    out.extend_from_slice(&bytes[at..]);
    (out, applied)
}

/// A campaign file and what fixing it gives.
#[derive(Debug)]
pub struct Fixed {
    pub path: String,
    pub before: Vec<u8>,
    pub after: Vec<u8>,
    pub applied: Vec<Fix>,
}

/// The fixes up to `safety` for one campaign file whose findings come from the rules in
/// `firing`. None when nothing changes.
pub fn fix_file(
    path: &Path,
    firing: &[&str],
    safety: Safety,
    config: &Config,
    rules: &RuleSet,
) -> Result<Option<Fixed>> {
    let campaign = Campaign::load(path, &config.limits)?;
    let mut options = rules.analysis_options();
    options.max_html_depth = config.limits.max_html_depth;
    let facts = Facts::analyze(&campaign, None, &options);
    let candidates: Vec<Fix> = fixes(&campaign, &facts, firing, &config.https_hosts)
        .into_iter()
        .filter(|f| f.safety <= safety)
        .collect();
    if candidates.is_empty() {
        return Ok(None);
    }
    let display = path.display().to_string();
    let before = std::fs::read(path)
        .map_err(|e| crate::Error::new(&display, crate::error::io_message(&e)))?;
    let (after, applied) = apply(&before, candidates);
    Ok((after != before).then_some(Fixed {
        path: display,
        before,
        after,
        applied,
    }))
}

/// A unified diff of a fix, as `git diff` prints it (`--diff`).
pub fn unified_diff(fixed: &Fixed) -> String {
    let before = String::from_utf8_lossy(&fixed.before);
    let after = String::from_utf8_lossy(&fixed.after);
    similar::TextDiff::from_lines(before.as_ref(), after.as_ref())
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{}", fixed.path), &format!("b/{}", fixed.path))
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_of_exclamation_marks() {
        assert_eq!(
            exclamation_runs("Sale!! now! ¡¡Ya!!!"),
            vec![4..6, 12..16, 18..21]
        );
        assert!(exclamation_runs("one! two!").is_empty());
    }

    #[test]
    fn overlapping_fixes_are_left_out() {
        let fix = |range: Range<usize>, text: &str| Fix {
            rule: "r",
            title: String::new(),
            safety: Safety::Safe,
            edits: vec![(range, text.to_owned())],
        };
        let (out, applied) = apply(
            b"abcdef",
            vec![fix(1..3, "X"), fix(2..4, "Y"), fix(6..6, "!")],
        );
        assert_eq!(out, b"aXdef!");
        assert_eq!(applied.len(), 2);
    }
}
