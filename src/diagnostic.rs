//! The finding: what a rule reports, independent of how it is shown.
//!
//! Spans are byte ranges into one of a file's [`Source`]s. Rules never compute line or
//! column; the reporters do, through [`line_col`] and [`Source::line_col`].

use std::sync::{Arc, OnceLock};

/// One text a finding can point into: the file as written, or a decoded view of a part.
#[derive(Debug, Clone)]
pub struct Source {
    /// Display name, e.g. `promo.eml` or `promo.eml › text/html (decoded)`.
    pub name: String,
    /// The text. For a raw file, invalid UTF-8 bytes are replaced one-for-one so that
    /// byte offsets still match the file on disk.
    pub text: Arc<str>,
    /// For a decoded view of a part: the byte offset in the file (source 0) where the
    /// part's encoded body starts, for formats that can only name file lines.
    pub decoded_from: Option<usize>,
    /// Where its lines start, built the first time a position is asked for.
    lines: OnceLock<Arc<LineIndex>>,
}

impl Source {
    /// A source whose text is taken as is.
    pub fn new(name: impl Into<String>, text: impl Into<Arc<str>>) -> Self {
        Self {
            name: name.into(),
            text: text.into(),
            decoded_from: None,
            lines: OnceLock::new(),
        }
    }

    /// The line index of the text, built once: every position of every finding in the
    /// source is then found in time independent of the text's length.
    pub fn lines(&self) -> &Arc<LineIndex> {
        self.lines
            .get_or_init(|| Arc::new(LineIndex::new(&self.text)))
    }

    /// 1-based line and column (in characters) of byte `offset`.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        self.lines().line_col(&self.text, offset)
    }

    /// A source for raw file bytes, keeping byte offsets exact: each byte that is not part
    /// of valid UTF-8 becomes `?`.
    pub fn from_bytes(name: impl Into<String>, bytes: &[u8]) -> Self {
        Self::new(name, offset_preserving_utf8(bytes))
    }
}

/// Converts bytes to a string with the same byte offsets, replacing each invalid byte by `?`.
pub fn offset_preserving_utf8(bytes: &[u8]) -> String {
    if let Ok(text) = std::str::from_utf8(bytes) {
        text.to_owned()
    } else {
        let mut out = String::with_capacity(bytes.len());
        for chunk in bytes.utf8_chunks() {
            out.push_str(chunk.valid());
            out.extend(std::iter::repeat_n('?', chunk.invalid().len()));
        }
        out
    }
}

/// A byte range in one of a file's sources.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    /// Index into the owning file's sources (0 is the file itself).
    pub source: usize,
    pub offset: usize,
    pub len: usize,
}

impl Span {
    pub fn new(source: usize, range: std::ops::Range<usize>) -> Self {
        Self {
            source,
            offset: range.start,
            len: range.end.saturating_sub(range.start),
        }
    }

    pub fn end(&self) -> usize {
        self.offset + self.len
    }
}

/// How serious a finding is. `Off` only appears in rule configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Off,
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Off => "off",
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A labelled span: the first label of a finding is its primary location.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Label {
    pub span: Span,
    pub text: Option<String>,
}

impl Label {
    pub fn new(span: Span, text: impl Into<String>) -> Self {
        Self {
            span,
            text: Some(text.into()),
        }
    }
}

/// One rule firing.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub rule: String,
    pub severity: Severity,
    pub message: String,
    pub help: Option<String>,
    pub labels: Vec<Label>,
    /// How many recipients the finding applies to; None for findings about the campaign alone.
    pub recipients: Option<u64>,
    /// A few recipients it applies to (masked unless asked otherwise), in audience mode.
    pub examples: Vec<String>,
    /// The values that filled the rule's message and help (`{recipient}` = `German`):
    /// reporters use them to show findings that differ only in one value as one.
    pub args: Vec<(&'static str, String)>,
}

impl Finding {
    pub fn primary_span(&self) -> Option<Span> {
        self.labels.first().map(|l| l.span)
    }
}

/// Everything found in one file (a campaign, or a profile), with the sources its spans use.
#[derive(Debug, Clone)]
pub struct FileReport {
    /// The path as the user gave it.
    pub path: String,
    pub sources: Vec<Source>,
    pub findings: Vec<Finding>,
}

/// The result of a whole `check` run.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub files: Vec<FileReport>,
    /// Number of campaign files checked.
    pub campaigns: usize,
    /// Number of recipient profiles checked against the campaigns.
    pub recipients: u64,
    /// What happened to the rows of an audience export, in audience mode.
    pub audience: Option<AudienceSummary>,
}

/// The owned-products export joined by email: what was read and what was skipped.
#[derive(Debug, Clone, Default)]
pub struct OwnedSummary {
    pub path: String,
    /// Distinct addresses with owned products.
    pub addresses: u64,
    pub rows: u64,
    pub rows_skipped: u64,
    /// The first skipped rows: row number, line (when known), reason.
    pub skipped: Vec<(u64, Option<u64>, String)>,
}

/// The rows of an audience export: read, checked, skipped (with the first few reasons).
#[derive(Debug, Clone, Default)]
pub struct AudienceSummary {
    pub path: String,
    pub rows_read: u64,
    pub rows_checked: u64,
    pub rows_skipped: u64,
    /// Checked rows answered by the memo of recipient shapes (the others were read into
    /// a profile and checked by every rule). Depends on how the export was cut and on
    /// the threads, so it is shown with the timing, not in the report.
    pub rows_from_memo: u64,
    /// The first skipped rows: row number, line (when known), reason.
    pub skipped: Vec<(u64, Option<u64>, String)>,
    pub seconds: f64,
    /// The export layout used (a preset), when not the config's own field names.
    pub preset: Option<String>,
    /// The owned-products export joined by email.
    pub owned: Option<OwnedSummary>,
    /// How many distinct recipients each rule hit.
    pub rule_recipients: std::collections::BTreeMap<String, u64>,
    /// Checked recipients with at least one error-level finding (the ones
    /// `--suppress-out` lists).
    pub recipients_with_errors: u64,
    /// Checked recipients whose worst finding is a warning.
    pub recipients_with_warnings: u64,
    /// Checked recipients whose only findings are infos.
    pub recipients_with_infos: u64,
    /// The `--fail-on` rates (rule, fraction of the checked recipients).
    pub fail_on: Vec<(String, f64)>,
    /// Where `--suppress-out` wrote the recipients with errors.
    pub suppress_out: Option<String>,
}

impl AudienceSummary {
    /// Checked recipients without any finding of their own (findings about the campaign
    /// alone reach everyone and are not counted here).
    pub fn recipients_clean(&self) -> u64 {
        self.rows_checked.saturating_sub(
            self.recipients_with_errors
                + self.recipients_with_warnings
                + self.recipients_with_infos,
        )
    }

    /// The share of the checked recipients that `n` is, from 0 to 1.
    pub fn share(&self, n: u64) -> f64 {
        if self.rows_checked == 0 {
            0.0
        } else {
            n as f64 / self.rows_checked as f64
        }
    }

    /// The `--fail-on` rates with the share of recipients their rule hit, and whether
    /// that share is over the rate (which fails the run).
    pub fn thresholds(&self) -> impl Iterator<Item = (&str, f64, f64, bool)> {
        self.fail_on.iter().map(|(rule, rate)| {
            let hit = self.rule_recipients.get(rule).copied().unwrap_or(0);
            let share = self.share(hit);
            (
                rule.as_str(),
                *rate,
                share,
                self.rows_checked > 0 && share > *rate,
            )
        })
    }
}

impl Report {
    pub fn findings(&self) -> impl Iterator<Item = (&FileReport, &Finding)> {
        self.files
            .iter()
            .flat_map(|file| file.findings.iter().map(move |f| (file, f)))
    }

    pub fn count(&self, severity: Severity) -> usize {
        self.findings()
            .filter(|(_, f)| f.severity == severity)
            .count()
    }
}

/// 1-based line and column (in characters) of byte `offset` in `text`, for a single
/// position; a report asks [`Source::line_col`], which indexes the text once.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    LineIndex::new(text).line_col(text, offset)
}

/// Bytes between two character-count checkpoints of a [`LineIndex`].
const CHECKPOINT: usize = 256;

/// Where each line of a text starts, and how many characters precede every
/// [`CHECKPOINT`]th byte: the one place where positions become lines and columns, in
/// time independent of the text's length (a template of one 200 KB line with thousands
/// of labels stays linear).
#[derive(Debug)]
pub struct LineIndex {
    /// Byte offset of each line's start (the first is 0).
    starts: Vec<usize>,
    /// Characters in `text[..i * CHECKPOINT]`; empty when the text is ASCII.
    chars: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let bytes = text.as_bytes();
        let starts = std::iter::once(0)
            .chain(memchr::memchr_iter(b'\n', bytes).map(|i| i + 1))
            .collect();
        let chars = if text.is_ascii() {
            Vec::new()
        } else {
            // One checkpoint per block start, the end of the text included (a text of
            // exactly 512 bytes has checkpoints at 0, 256 and 512).
            let mut total = 0;
            let mut chars = Vec::with_capacity(bytes.len() / CHECKPOINT + 1);
            for block in 0..=bytes.len() / CHECKPOINT {
                chars.push(total);
                let end = (block * CHECKPOINT + CHECKPOINT).min(bytes.len());
                total += char_starts(&bytes[block * CHECKPOINT..end]);
            }
            chars
        };
        Self { starts, chars }
    }

    /// The number of lines (a text without a newline has one).
    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// The 0-based line holding byte `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        self.starts
            .partition_point(|&s| s <= offset)
            .saturating_sub(1)
    }

    /// The byte offset where 0-based `line` starts.
    pub fn line_start(&self, line: usize) -> usize {
        self.starts[line]
    }

    /// Characters in `text[..offset]` (`offset` a character boundary).
    fn chars_before(&self, text: &str, offset: usize) -> usize {
        if self.chars.is_empty() {
            return offset;
        }
        let block = offset / CHECKPOINT;
        self.chars[block] + char_starts(&text.as_bytes()[block * CHECKPOINT..offset])
    }

    /// 1-based line and column (in characters) of byte `offset` in `text`, the text the
    /// index was built from.
    pub fn line_col(&self, text: &str, offset: usize) -> (usize, usize) {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.line_of(offset);
        let start = self.starts[line];
        let column = self.chars_before(text, offset) - self.chars_before(text, start) + 1;
        (line + 1, column)
    }
}

/// The characters that start in `bytes` (the bytes that are not UTF-8 continuations).
fn char_starts(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b & 0xc0 != 0x80).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Line and column counted from the start, the definition the index must keep.
    fn counted(text: &str, offset: usize) -> (usize, usize) {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let before = &text[..offset];
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        (
            before.matches('\n').count() + 1,
            before[line_start..].chars().count() + 1,
        )
    }

    #[test]
    fn the_index_agrees_with_counting_everywhere() {
        let long: String = "é€a😀\t".repeat(300);
        for text in [
            "",
            "\n",
            "abc",
            "a\nb\r\nc\n",
            "naïve\ncafé 😀\n\nend",
            long.as_str(),
            &format!("{long}\n{long}\nx"),
            &"x".repeat(1000),
            // Lengths on a checkpoint: the end of the text is one too.
            &"é".repeat(128),
            &format!("{}\n{}", "€".repeat(85), "é".repeat(127)),
        ] {
            let index = LineIndex::new(text);
            for offset in 0..=text.len() + 2 {
                assert_eq!(
                    index.line_col(text, offset),
                    counted(text, offset),
                    "{text:?} at {offset}"
                );
            }
        }
    }
}
