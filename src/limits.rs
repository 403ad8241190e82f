//! Bounds on what one run reads (`[limits]` in campaign-lint.toml), so hostile input
//! finishes quickly with a clear message. Read by every layer that reads input.

use serde::Deserialize;

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
        let records = RecordLimits::default();
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
    pub fn records(&self) -> RecordLimits {
        RecordLimits {
            lines: self.max_csv_record_lines,
            bytes: self.max_csv_record_kb.saturating_mul(1024),
            json_bytes: self.max_json_record_kb.saturating_mul(1024),
        }
    }
}

/// Longest CSV record, in line breaks inside quotes and in bytes: past either, the row
/// is taken for broken (a quote that never closes, or not CSV at all) and skipped, and
/// reading goes on with the next line. `[limits] max-csv-record-lines` and
/// `max-csv-record-kb`. Longest JSON row (a line of JSON Lines, an element of a JSON
/// array) in bytes: past it, the row is skipped: `max-json-record-kb`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecordLimits {
    pub lines: usize,
    pub bytes: usize,
    pub json_bytes: usize,
}

impl Default for RecordLimits {
    fn default() -> Self {
        Self {
            lines: 100,
            bytes: 1 << 20,
            json_bytes: 1 << 20,
        }
    }
}

impl RecordLimits {
    /// Why a CSV row past these limits is skipped.
    pub fn message(&self) -> String {
        format!(
            "the row is longer than {} lines or {} KB (a quoted field that is never closed?); it is skipped and reading goes on with the next line",
            self.lines,
            self.bytes / 1024
        )
    }

    /// Why a CSV header row past these limits ends the reading.
    pub fn header_message(&self) -> String {
        format!(
            "the header row has a quote that is not closed, or is longer than {} lines or {} KB",
            self.lines,
            self.bytes / 1024
        )
    }

    /// Why a JSON row past these limits is skipped.
    pub fn json_message(&self) -> String {
        format!(
            "the row is longer than {} KB (raise [limits] max-json-record-kb); it is skipped and reading goes on with the next row",
            self.json_bytes / 1024
        )
    }
}
