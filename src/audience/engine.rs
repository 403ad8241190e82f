//! The audience engine: pieces of the export are checked on every core, and each distinct
//! recipient *shape* is checked once.
//!
//! A shape is what the rules read of a profile ([`Reads`]): the language, the status, the
//! owned products that matter to these campaigns, the fields their merge tags print, and
//! so on. Real exports have millions of rows and a few thousand shapes, so a row costs
//! splitting its cells, checking its address, and one hash lookup. The first row of each
//! shape goes the whole way (a full [`Profile`], every rule), and its outcome is kept.
//! The address is never part of a shape unless a rule reads it; it is checked on every
//! row, and rows with a bad one are skipped without touching the memo.
//!
//! A JSON Lines row laid out as the row before it (the same keys, punctuation and white
//! space) is read by that row's [`Skeleton`], which hands over the values as it finds
//! them; the shape key is built as they come.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::sync::{Arc, Mutex, mpsc};

use rustc_hash::FxHashMap;
use serde_json::Value;

use super::owned::OwnedIndex;
use super::rows::{SKIPPED_LISTED, csv_cell, validate};
use crate::audience::reader::{
    AudienceFormat, ReadFailure, Row, json_line, read_failure, to_profile,
};
use crate::audience::scan::{
    self, JsonKind, Marks, Member, MemberValue, Skeleton, count_breaks, is_blank, object_members,
    same, split_plain, string_items,
};
use crate::audience::stream::{Layout, Piece, Stream};
use crate::diagnostic::{Finding, Severity, Span};
use crate::error::{Error, Result};
use crate::facts::Facts;
use crate::profiles::privacy::{mask, shows};
use crate::profiles::{
    FieldMap, Profile, check_email, common_address, lookup, plain_domain, plain_local,
};
use crate::rules::{Env, OwnedReads, Reads, RuleSet};
use crate::variants::{Target, Variants};

/// Shapes kept per worker; past this, new shapes are checked without being kept (an
/// export whose rows are all different costs its full price, and no memory).
const MEMO_LIMIT: usize = 200_000;

/// Owned-products values (as written) whose part of a shape is kept per worker: exports
/// with a few products repeat their values, and these few thousand cover them; an export
/// whose values are all different (0 to 8 items of 20,000) splits its values instead, at
/// the price of a lookup per item, without filling memory with values seen once.
const VALUES_LIMIT: usize = 8_192;

/// Rows per piece and finding looked at for example addresses.
const EXAMPLE_ROWS: u64 = 16;

/// What a run checks against, shared by the workers.
pub(super) struct Plan<'a> {
    pub rules: &'a RuleSet,
    pub env: Env<'a>,
    pub facts: &'a [&'a Facts],
    pub variants: &'a Variants,
    pub campaign_paths: &'a [String],
    pub owned: Option<&'a OwnedIndex>,
    pub show_emails: bool,
    pub suppress_out: bool,
    pub findings_out: bool,
    /// What the rules read of a profile, over all campaigns.
    pub reads: Reads,
    /// Example recipients kept per finding.
    pub examples: usize,
}

impl Plan<'_> {
    /// Every finding for one recipient: (campaign index, or None for the profile).
    fn findings(&self, profile: &Profile) -> Vec<(Option<usize>, Finding)> {
        let mut found = Vec::new();
        for target in self.variants.targets(profile) {
            match target {
                Target::Campaign(i) => {
                    let more = self.rules.check_recipient(self.env, self.facts[i], profile);
                    found.extend(more.into_iter().map(|x| (Some(i), x)));
                }
                Target::Missing(g) => {
                    let home = self.variants.home(g);
                    found.extend(
                        self.variants
                            .missing(g, profile, self.rules)
                            .into_iter()
                            .map(|x| (Some(home), x)),
                    );
                }
            }
        }
        found.extend(
            self.rules
                .check_profile(self.env, profile, self.facts)
                .into_iter()
                .map(|x| (None, x)),
        );
        found
    }

    fn by_name(&self, name: &str) -> bool {
        let name = name.trim();
        self.reads
            .named
            .iter()
            .any(|n| n.trim().eq_ignore_ascii_case(name))
            || self.reads.matching.iter().any(|m| m(name))
    }

    /// Whether the rules read an export field only for whether it is filled in.
    fn filled_only(&self, name: &str) -> bool {
        !self.reads.everything
            && !self.by_name(name)
            && self.reads.filled.iter().any(|m| m(name.trim()))
    }
}

/// What the rules read, given the campaigns: always the language (it picks the variant
/// and decides whether a row can be checked at all).
pub(super) fn reads(rules: &RuleSet, facts: &[&Facts]) -> Reads {
    let mut reads = Reads::default();
    for f in facts {
        rules.reads(f, &mut reads);
    }
    reads.language = true;
    reads
}

/// The grouped result of one piece of the export.
#[derive(Debug, Default)]
pub(super) struct PieceResult {
    /// Rows numbered in this piece (checked or skipped).
    pub rows: u64,
    /// Line breaks in the piece.
    pub lines: u64,
    pub checked: u64,
    pub skipped: u64,
    /// The first skipped rows: (row within the piece, line within the piece, reason).
    pub skipped_list: Vec<(u64, Option<u64>, String)>,
    /// Findings in order of first appearance: campaign (None: the profile), finding,
    /// recipients, example addresses.
    pub groups: Vec<(Option<usize>, Finding, u64, Vec<String>)>,
    /// Recipients per rule.
    pub rules: Vec<(String, u64)>,
    /// Recipients by their most severe finding: info, warning, error.
    pub worst: Worst,
    /// `--suppress-out` lines.
    pub suppress: Vec<u8>,
    /// `--findings-out` lines without their opening `{"row":N,`: (row within the piece, rest).
    pub findings: Vec<(u64, String)>,
    /// Checked rows answered by the memo of shapes.
    pub from_memo: u64,
}

/// What one shape of recipient produces.
#[derive(Debug, Default)]
struct ShapeOutcome {
    /// Why such a row is skipped.
    skip: Option<String>,
    /// Findings, by worker id (repeats count twice, as they would one by one).
    findings: Vec<usize>,
    /// Rules hit, by worker id, each once.
    rules: Vec<usize>,
    /// The most severe finding (None: a clean recipient).
    worst: Option<Severity>,
    /// `,"rules":[...],"findings":[...]}` for `--findings-out`.
    details: String,
    /// Its index among the memo's outcomes (None: not kept in the memo).
    memo_id: Option<usize>,
    /// The error-level rules, as a CSV cell, for `--suppress-out`; empty for none.
    errors: String,
}

/// Per-piece counters, indexed by worker ids.
///
/// A row of a kept shape (memo outcome) is counted once, for the outcome; the counts are
/// added to its findings and rules when the piece ends. Examples are looked for apart:
/// in the first [`EXAMPLE_ROWS`] rows of each finding in the piece, until that finding
/// has its examples; an outcome none of whose findings wants more is *sated* for the
/// rest of the piece, and its rows cost an addition.
#[derive(Default)]
struct Tally {
    rows: u64,
    lines: u64,
    checked: u64,
    skipped: u64,
    skipped_list: Vec<(u64, Option<u64>, String)>,
    /// Recipients and examples, by finding id.
    counts: Vec<(u64, Vec<String>)>,
    /// Rows looked at for examples in this piece, by finding id.
    looked: Vec<u64>,
    /// Finding ids seen in this piece, in order of first appearance, and whether each
    /// id is among them.
    touched: Vec<usize>,
    is_touched: Vec<bool>,
    rule_counts: Vec<u64>,
    rules_touched: Vec<usize>,
    rule_is_touched: Vec<bool>,
    worst: Worst,
    /// By memo id: the piece (`epoch`) in which the outcome stopped wanting examples.
    sated: Vec<u64>,
    epoch: u64,
    /// By memo id: the outcome's rows in this piece, and the outcomes seen, in order.
    deferred: Vec<u64>,
    deferred_touched: Vec<Arc<ShapeOutcome>>,
    suppress: Vec<u8>,
    findings: Vec<(u64, String)>,
}

impl Tally {
    fn skip(&mut self, line: Option<u64>, reason: String) {
        let t = self;
        t.skipped += 1;
        if t.skipped_list.len() < SKIPPED_LISTED {
            t.skipped_list.push((t.rows, line, reason));
        }
    }

    /// Counts a row's outcome. `email` is the row's address (None for a row skipped
    /// before it was read). Inlined: most rows only add one to a count.
    #[allow(clippy::inline_always)] // a call costs more than the count it makes
    #[inline(always)]
    fn record(
        &mut self,
        plan: &Plan,
        line: Option<u64>,
        outcome: &Arc<ShapeOutcome>,
        email: Option<&[u8]>,
    ) {
        if let Some(reason) = &outcome.skip {
            return self.skip(line, reason.clone());
        }
        self.checked += 1;
        if outcome.findings.is_empty() {
            return;
        }
        let email = email.unwrap_or_default();
        match outcome.memo_id {
            Some(id) => {
                if self.deferred.len() <= id {
                    self.deferred.resize(id + 1, 0);
                    self.sated.resize(id + 1, u64::MAX);
                }
                if self.deferred[id] == 0 {
                    self.first_in_piece(outcome);
                }
                self.deferred[id] += 1;
                if self.sated[id] != self.epoch {
                    self.examples(plan, outcome, email);
                }
            }
            None => {
                self.count_now(outcome);
                self.examples(plan, outcome, email);
            }
        }
        if plan.suppress_out || plan.findings_out {
            self.outputs(plan, outcome, email);
        }
    }

    /// An outcome's first row in this piece: its findings and rules take their places.
    fn first_in_piece(&mut self, outcome: &Arc<ShapeOutcome>) {
        self.deferred_touched.push(Arc::clone(outcome));
        self.touch(outcome);
    }

    /// Notes the findings and rules of an outcome as seen in this piece.
    fn touch(&mut self, outcome: &ShapeOutcome) {
        for &f in &outcome.findings {
            if self.is_touched.len() <= f {
                self.is_touched.resize(f + 1, false);
                self.counts.resize_with(f + 1, Default::default);
                self.looked.resize(f + 1, 0);
            }
            if !self.is_touched[f] {
                self.is_touched[f] = true;
                self.touched.push(f);
            }
        }
        for &r in &outcome.rules {
            if self.rule_is_touched.len() <= r {
                self.rule_is_touched.resize(r + 1, false);
                self.rule_counts.resize(r + 1, 0);
            }
            if !self.rule_is_touched[r] {
                self.rule_is_touched[r] = true;
                self.rules_touched.push(r);
            }
        }
    }

    /// Counts a row of an outcome that is not kept (no memo id) at once.
    fn count_now(&mut self, outcome: &ShapeOutcome) {
        self.touch(outcome);
        for &f in &outcome.findings {
            self.counts[f].0 += 1;
        }
        for &r in &outcome.rules {
            self.rule_counts[r] += 1;
        }
        self.worst.add(outcome.worst, 1);
    }

    /// Takes the row's address as an example for the findings that want one; marks a
    /// kept outcome sated when none of its findings wants more in this piece.
    fn examples(&mut self, plan: &Plan, outcome: &ShapeOutcome, email: &[u8]) {
        // Valid UTF-8 (rows that are not never get here).
        let text = std::str::from_utf8(email).unwrap_or_default();
        let mut shown: Option<String> = None;
        let mut wanting = false;
        for &f in &outcome.findings {
            let looked = &mut self.looked[f];
            let examples = &mut self.counts[f].1;
            // Examples come from a piece's first rows: masked addresses are often alike
            // (u•••@example.com), and looking further would mask every row.
            if *looked >= EXAMPLE_ROWS || examples.len() >= plan.examples {
                continue;
            }
            *looked += 1;
            if !examples.iter().any(|e| shows(e, text, plan.show_emails)) {
                let shown = shown.get_or_insert_with(|| {
                    if plan.show_emails {
                        text.to_owned()
                    } else {
                        mask(text)
                    }
                });
                examples.push(shown.clone());
            }
            wanting |= *looked < EXAMPLE_ROWS && examples.len() < plan.examples;
        }
        if !wanting && let Some(id) = outcome.memo_id {
            self.sated[id] = self.epoch;
        }
    }

    /// A row's lines for `--suppress-out` and `--findings-out`.
    fn outputs(&mut self, plan: &Plan, outcome: &ShapeOutcome, email: &[u8]) {
        let text = std::str::from_utf8(email).unwrap_or_default();
        let t = self;
        if plan.suppress_out && !outcome.errors.is_empty() {
            let _ = writeln!(
                Lossless(&mut t.suppress),
                "{},{}",
                csv_cell(text),
                csv_cell(&outcome.errors)
            );
        }
        if plan.findings_out {
            let quoted = serde_json::to_string(text).unwrap_or_default();
            t.findings
                .push((t.rows, format!("\"email\":{quoted}{}", outcome.details)));
        }
    }

    /// Adds the rows of kept outcomes to their findings and rules.
    fn settle(&mut self) {
        let t = self;
        for outcome in std::mem::take(&mut t.deferred_touched) {
            let Some(id) = outcome.memo_id else { continue };
            let n = std::mem::take(&mut t.deferred[id]);
            for &f in &outcome.findings {
                t.counts[f].0 += n;
            }
            for &r in &outcome.rules {
                t.rule_counts[r] += n;
            }
            t.worst.add(outcome.worst, n);
        }
    }
}

/// Recipients counted once each, by the most severe finding they have: the figures a
/// marketer needs (how many would get an error, and be left out by `--suppress-out`).
/// Counted per outcome with the rule counts, so a row of a kept shape costs nothing more.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Worst {
    pub errors: u64,
    pub warnings: u64,
    pub infos: u64,
}

impl Worst {
    fn add(&mut self, worst: Option<Severity>, n: u64) {
        match worst {
            Some(Severity::Error) => self.errors += n,
            Some(Severity::Warning) => self.warnings += n,
            Some(Severity::Info) => self.infos += n,
            Some(Severity::Off) | None => {}
        }
    }
}

/// How a CSV export's columns are read.
struct Columns {
    /// Columns part of a shape, in order: by their text, or (true) only by whether they
    /// are filled in.
    shape: Vec<(usize, bool)>,
    email: Option<usize>,
    owned: Option<usize>,
}

impl Columns {
    fn new(plan: &Plan, headers: &[String], map: &FieldMap) -> Columns {
        // A name given to two columns is the first of them, as the row reader takes it.
        let mut by_header: BTreeMap<String, usize> = BTreeMap::new();
        for (i, h) in headers.iter().enumerate() {
            by_header.entry(h.clone()).or_insert(i);
        }
        let col = |name: &str| lookup(&by_header, name).map(|(_, &i)| i);
        let reads = &plan.reads;
        let mut raw: Vec<bool> = headers
            .iter()
            .map(|h| reads.everything || plan.by_name(h))
            .collect();
        let mut mark = |name: Option<&String>, on: bool| {
            if let Some(c) = name.and_then(|n| col(n))
                && on
            {
                raw[c] = true;
            }
        };
        mark(Some(&map.language), true);
        mark(Some(&map.email), reads.email);
        mark(Some(&map.country), reads.country);
        mark(Some(&map.status), reads.status);
        mark(map.opted_out.as_ref(), reads.status);
        mark(map.bounced.as_ref(), reads.status);
        mark(Some(&map.owned_products), reads.owned == OwnedReads::Full);
        Columns {
            shape: (0..raw.len())
                .filter_map(|c| {
                    if raw[c] {
                        Some((c, false))
                    } else {
                        plan.filled_only(&headers[c]).then_some((c, true))
                    }
                })
                .collect(),
            email: col(&map.email),
            owned: col(&map.owned_products),
        }
    }
}

/// One thread's state: its memo of shapes and the findings it has seen.
pub(super) struct Worker<'p, 'a> {
    plan: &'p Plan<'a>,
    layout: Option<&'p Layout>,
    map: FieldMap,
    columns: Option<Columns>,
    /// Off when the rules read everything: every row would be its own shape.
    memoise: bool,
    memo: FxHashMap<Box<[u8]>, Arc<ShapeOutcome>>,
    /// Whether an owned item matters to the campaigns.
    owned_cache: FxHashMap<Box<[u8]>, bool>,
    /// What an owned-products value (as written) adds to a shape; None when only the
    /// full reader can read it.
    owned_values: FxHashMap<Box<[u8]>, Option<Box<[u8]>>>,
    /// Whether a JSON key is part of a shape, and only by being filled in.
    key_cache: FxHashMap<Box<[u8]>, (bool, bool)>,
    /// Whether an address domain passes [`plain_domain`].
    domains: FxHashMap<Box<[u8]>, bool>,
    /// Distinct findings; their ids index `counts`.
    table: Vec<(Option<usize>, Finding)>,
    index: HashMap<(Option<usize>, String, String, Option<Span>), usize>,
    rule_names: Vec<String>,
    rule_ids: HashMap<String, usize>,
    tally: Tally,
    /// Rows of this piece answered by the memo.
    from_memo: u64,
    key: Vec<u8>,
    json_layout: Option<JsonLayout>,
    /// JSON layouts settled so far.
    layouts: u64,
    parser: csv_core::Reader,
    out: Vec<u8>,
    ends: Vec<usize>,
}

impl<'p, 'a> Worker<'p, 'a> {
    pub(super) fn new(plan: &'p Plan<'a>, layout: Option<&'p Layout>, map: &FieldMap) -> Self {
        let columns = layout
            .filter(|l| l.format == AudienceFormat::Csv)
            .map(|l| Columns::new(plan, &l.headers, map));
        let delimiter = layout.map_or(b',', |l| l.delimiter);
        Worker {
            plan,
            layout,
            map: map.clone(),
            columns,
            memoise: !plan.reads.everything,
            memo: FxHashMap::default(),
            owned_cache: FxHashMap::default(),
            owned_values: FxHashMap::default(),
            key_cache: FxHashMap::default(),
            domains: FxHashMap::default(),
            table: Vec::new(),
            index: HashMap::new(),
            rule_names: Vec::new(),
            rule_ids: HashMap::new(),
            tally: Tally::default(),
            from_memo: 0,
            key: Vec::new(),
            json_layout: None,
            layouts: 0,
            parser: csv_core::ReaderBuilder::new().delimiter(delimiter).build(),
            out: Vec::new(),
            ends: Vec::new(),
        }
    }

    /// Checks one piece of the export.
    pub(super) fn piece(&mut self, piece: &Piece) -> PieceResult {
        match piece {
            Piece::Broken => {
                let reason = self
                    .layout
                    .map(|l| match l.format {
                        AudienceFormat::Csv => l.record_limits.message(),
                        _ => l.record_limits.json_message(),
                    })
                    .unwrap_or_default();
                self.tally.rows += 1;
                self.tally.lines = 1;
                self.skip(Some(0), reason);
            }
            Piece::Rows { bytes, plain } => {
                let bytes: &[u8] = bytes;
                let utf8 = bytes.is_ascii() || std::str::from_utf8(bytes).is_ok();
                self.tally.lines = match self.layout.map(|l| l.format) {
                    Some(AudienceFormat::JsonLines) => self.json_rows(bytes, utf8),
                    _ => self.csv_rows(bytes, *plain, utf8),
                };
            }
        }
        self.finish()
    }

    /// A row read by the generic readers (JSON arrays).
    pub(super) fn profile_row(&mut self, row: Row) {
        self.tally.rows += 1;
        let email = row.profile.as_ref().ok().and_then(|p| p.email.clone());
        let outcome = self.outcome(row.profile);
        self.record_outcome(row.line, &outcome, email.as_deref());
    }

    fn skip(&mut self, line: Option<u64>, reason: String) {
        self.tally.skip(line, reason);
    }

    /// Checks a piece of CSV records; returns its line breaks. Lines are counted from
    /// the piece's start.
    fn csv_rows(&mut self, bytes: &[u8], plain: bool, utf8: bool) -> u64 {
        let mut line = 0;
        let Some(layout) = self.layout else { return 0 };
        let delimiter = layout.delimiter;
        let lone_cr = memchr::memchr_iter(b'\r', bytes).any(|i| bytes.get(i + 1) != Some(&b'\n'));
        if plain && !lone_cr {
            return self.csv_plain_rows(layout, bytes, utf8);
        }
        let mut cells: Vec<(usize, usize)> = Vec::new();
        let mut plain_cells: Vec<&[u8]> = Vec::new();
        let mut pos = 0;
        while pos < bytes.len() {
            let end = if plain {
                memchr::memchr(b'\n', &bytes[pos..]).map_or(bytes.len(), |i| pos + i + 1)
            } else {
                match scan::record_end(bytes, pos, delimiter, true, layout.record_limits) {
                    scan::RecordEnd::At(end) if end > pos => end,
                    _ => bytes.len(),
                }
            };
            let record = &bytes[pos..end];
            let record_line = line;
            line += if plain {
                u64::from(record.last() == Some(&b'\n'))
            } else {
                count_breaks(record) as u64
            };
            pos = end;
            if is_blank(record) {
                continue;
            }
            self.tally.rows += 1;
            // Cells as ranges into `base`: the record itself, or csv-core's unquoted copy.
            cells.clear();
            let unquoted = !(plain && split_plain(record, delimiter, &mut plain_cells));
            if unquoted {
                let n = scan::unquote(&mut self.parser, record, &mut self.out, &mut self.ends);
                let mut start = 0;
                for i in 0..n {
                    cells.push((start, self.ends[i]));
                    start = self.ends[i];
                }
            } else {
                let base = record.as_ptr() as usize;
                cells.extend(plain_cells.iter().map(|c| {
                    let s = c.as_ptr() as usize - base;
                    (s, s + c.len())
                }));
                skip_bom(record, &mut cells);
            }
            let out = std::mem::take(&mut self.out);
            let base: &[u8] = if unquoted { &out } else { record };
            self.csv_row(layout, base, &cells, record_line, utf8);
            self.out = out;
        }
        line
    }

    /// A piece without quotes or lone carriage returns: its cells are found in one pass
    /// over the whole piece.
    fn csv_plain_rows(&mut self, layout: &Layout, bytes: &[u8], utf8: bool) -> u64 {
        let delimiter = layout.delimiter;
        let mut cells: Vec<(usize, usize)> = Vec::with_capacity(16);
        let mut line = 0u64;
        let mut record_start = 0;
        let mut cell_start = 0;
        for at in scan::Hits2::new(bytes, delimiter, b'\n') {
            if bytes[at] == delimiter {
                cells.push((cell_start - record_start, at - record_start));
                cell_start = at + 1;
                continue;
            }
            let end = if at > cell_start && bytes[at - 1] == b'\r' {
                at - 1
            } else {
                at
            };
            cells.push((cell_start - record_start, end - record_start));
            skip_bom(&bytes[record_start..], &mut cells);
            self.plain_record(layout, &bytes[record_start..=at], &cells, line, utf8);
            line += 1;
            record_start = at + 1;
            cell_start = record_start;
            cells.clear();
        }
        if record_start < bytes.len() {
            cells.push((cell_start - record_start, bytes.len() - record_start));
            skip_bom(&bytes[record_start..], &mut cells);
            self.plain_record(layout, &bytes[record_start..], &cells, line, utf8);
        }
        line
    }

    fn plain_record(
        &mut self,
        layout: &Layout,
        record: &[u8],
        cells: &[(usize, usize)],
        line: u64,
        utf8: bool,
    ) {
        if record.len() > layout.record_limits.bytes {
            self.tally.rows += 1;
            return self.skip(Some(line), layout.record_limits.message());
        }
        if is_blank(record) {
            return;
        }
        self.tally.rows += 1;
        self.csv_row(layout, record, cells, line, utf8);
    }

    fn csv_row(
        &mut self,
        layout: &Layout,
        base: &[u8],
        cells: &[(usize, usize)],
        line: u64,
        utf8: bool,
    ) {
        let cell = |c: usize| cells.get(c).map(|&(s, e)| &base[s..e]);
        if !utf8
            && cells
                .iter()
                .any(|&(s, e)| std::str::from_utf8(&base[s..e]).is_err())
        {
            return self.slow_csv(layout, base, cells, line);
        }
        let Some(email_column) = self.columns.as_ref().map(|c| c.email) else {
            return;
        };
        let email = email_column
            .and_then(cell)
            .map(trim_text)
            .filter(|e| !e.is_empty());
        let Some(email) = email else {
            return self.skip(Some(line), "no email address".to_owned());
        };
        if !self.plain_address(email)
            && let Err(reason) = check_email(
                std::str::from_utf8(email).unwrap_or_default(),
                &self.map.email,
            )
        {
            return self.skip(Some(line), reason);
        }
        if !self.memoise {
            return self.slow_csv(layout, base, cells, line);
        }
        let Some(columns) = &self.columns else { return };
        self.key.clear();
        for &(c, filled) in &columns.shape {
            if filled && cell(c).is_some_and(surely_filled) {
                self.key.push(FILLED);
            } else {
                push_cell(&mut self.key, cell(c));
            }
        }
        if self.plan.reads.owned == OwnedReads::Relevant {
            let text = columns.owned.and_then(cell).unwrap_or_default();
            if self.plan.owned.is_none() {
                self.push_owned_cached(text, |w, k| {
                    w.push_owned(k, split_items(text), b"");
                    true
                });
            } else {
                self.push_owned_to_key(split_items(text), email);
            }
        }
        self.shaped(line, email, |w| w.csv_profile(layout, base, cells));
    }

    /// A CSV row as a profile, read as the generic reader reads it.
    fn csv_profile(
        &self,
        layout: &Layout,
        base: &[u8],
        cells: &[(usize, usize)],
    ) -> std::result::Result<Profile, String> {
        let fields = crate::audience::reader::csv_fields(
            &layout.headers,
            cells.iter().map(|&(s, e)| &base[s..e]),
        );
        fields.and_then(|f| to_profile(f, &self.map))
    }

    /// Checks the first row of a shape the whole way, and keeps the outcome for the rows
    /// of the same shape (up to [`MEMO_LIMIT`] shapes).
    fn remember(
        &mut self,
        key: &[u8],
        profile: std::result::Result<Profile, String>,
    ) -> Arc<ShapeOutcome> {
        let mut outcome = self.outcome(profile);
        if self.memo.len() < MEMO_LIMIT {
            if let Some(o) = Arc::get_mut(&mut outcome) {
                o.memo_id = Some(self.memo.len());
            }
            self.memo.insert(key.into(), Arc::clone(&outcome));
        }
        outcome
    }

    /// A CSV row checked the whole way, without the memo.
    fn slow_csv(&mut self, layout: &Layout, base: &[u8], cells: &[(usize, usize)], line: u64) {
        let profile = self.csv_profile(layout, base, cells);
        let email = profile.as_ref().ok().and_then(|p| p.email.clone());
        let outcome = self.outcome(profile);
        self.record_outcome(Some(line), &outcome, email.as_deref());
    }

    /// Checks a piece of JSON lines; returns how many lines it has.
    fn json_rows(&mut self, bytes: &[u8], utf8: bool) -> u64 {
        let mut line = 0;
        let mut members: Vec<Member> = Vec::new();
        let mut pos = 0;
        let mut marks = Marks::new(bytes);
        while pos < bytes.len() {
            // A row laid out as the layout's skeleton is read up to its line break, its
            // shape taken as it is read; any other line is found first, then read in full.
            let mut row = JsonRow::default();
            let keyed = self.skeleton_row(&mut marks, pos, &mut row);
            let rest = &bytes[pos..];
            let end =
                keyed.unwrap_or_else(|| memchr::memchr(b'\n', rest).map_or(rest.len(), |i| i + 1));
            let text = &rest[..end];
            let this_line = line;
            line += 1;
            pos += end;
            // Past the limit, a line is no row, blank or not (as the reference reader,
            // which never holds it, sees it).
            if let Some(layout) = self.layout
                && text.len() > layout.record_limits.json_bytes
            {
                self.tally.rows += 1;
                self.skip(Some(this_line), layout.record_limits.json_message());
                continue;
            }
            if keyed.is_none() && is_blank(text) {
                continue;
            }
            self.tally.rows += 1;
            let utf8 = utf8 || std::str::from_utf8(text).is_ok();
            let fast = if keyed.is_some() {
                utf8 && self.json_shaped(text, row, this_line)
            } else {
                utf8 && object_members(text, &mut members) && {
                    self.settle_json_layout(text, &members) && {
                        let row = self.shape_of(&members);
                        self.json_shaped(text, row, this_line)
                    }
                }
            };
            if !fast {
                self.slow_json(text, this_line);
            }
        }
        line
    }

    /// Reads the row at `start` by the current layout's skeleton: its length, with the
    /// shape key started in `self.key` and the members the rest of the shape needs in
    /// `row`; None when the row is not laid out so.
    fn skeleton_row<'b>(
        &mut self,
        marks: &mut Marks<'b>,
        start: usize,
        row: &mut JsonRow<'b>,
    ) -> Option<usize> {
        let layout = self.json_layout.as_ref()?;
        let key = &mut self.key;
        key.clear();
        key.extend_from_slice(&layout.id.to_le_bytes());
        layout.skeleton.read(marks, start, |i, value| {
            if layout.in_shape.get(i) == Some(&true) {
                push_member(key, &value, layout.filled[i]);
            }
            if layout.email == Some(i) {
                row.email = Some(value);
            }
            if layout.owned == Some(i) {
                row.owned = Some(value);
            }
        })
    }

    /// The shape of a row read in full (its members fit the current layout): the key
    /// started in `self.key`, and the members the rest of the shape needs.
    fn shape_of<'b>(&mut self, members: &[Member<'b>]) -> JsonRow<'b> {
        let Some(layout) = self.json_layout.as_ref() else {
            return JsonRow::default();
        };
        let key = &mut self.key;
        key.clear();
        key.extend_from_slice(&layout.id.to_le_bytes());
        for (i, m) in members.iter().enumerate() {
            if layout.in_shape.get(i) == Some(&true) {
                push_member(key, &m.value, layout.filled[i]);
            }
        }
        JsonRow {
            email: layout.email.and_then(|i| members.get(i)).map(|m| m.value),
            owned: layout.owned.and_then(|i| members.get(i)).map(|m| m.value),
        }
    }

    /// Makes the current layout one that `members` (a line read in full) fits: exports
    /// write their keys in the same order on every line, so where the mapped fields are,
    /// and which members a shape includes, is settled once per layout. False when it
    /// cannot be settled without the full reader.
    fn settle_json_layout(&mut self, text: &[u8], members: &[Member]) -> bool {
        if !self.memoise {
            return false;
        }
        match &mut self.json_layout {
            // The same keys, written differently (white space): read the next lines as
            // this one is written.
            Some(layout) if layout.fits(members) => {
                layout.skeleton.learn(text, members);
            }
            _ => {
                self.layouts += 1;
                let Some(layout) = JsonLayout::new(self, text, members, self.layouts) else {
                    return false;
                };
                self.json_layout = Some(layout);
            }
        }
        true
    }

    /// A JSON Lines row of the current layout through the memo, its shape key started in
    /// `self.key`; false when it must go the whole way instead.
    fn json_shaped(&mut self, text: &[u8], row: JsonRow, line: u64) -> bool {
        let email = match row.email {
            None => None,
            Some(m) if m.raw == b"null" => None,
            Some(m) if m.kind == JsonKind::Str => Some(trim_text(m.text())),
            Some(_) => return false,
        }
        .filter(|e| !e.is_empty());
        let owned = row.owned;
        let relevant = self.plan.reads.owned == OwnedReads::Relevant;
        // Without a join, what the owned products add to a shape depends on the value
        // alone, and exports repeat their values: look it up.
        let cached = relevant && self.plan.owned.is_none();
        if cached {
            let raw = owned.map_or(&b"\0absent"[..], |m| m.raw);
            let ok = self.push_owned_cached(raw, |w, k| {
                let mut items = Vec::new();
                let ok = owned_items(owned.as_ref(), &mut items);
                if ok {
                    w.push_owned(k, items.into_iter(), b"");
                }
                ok
            });
            if !ok {
                return false;
            }
        }
        let joined = relevant && !cached;
        let mut items = Vec::new();
        if joined && !owned_items(owned.as_ref(), &mut items) {
            return false;
        }
        let checked = match email {
            None => Err("no email address".to_owned()),
            Some(email) if self.plain_address(email) => Ok(email),
            Some(email) => check_email(
                std::str::from_utf8(email).unwrap_or_default(),
                &self.map.email,
            )
            .map(|()| email),
        };
        let email = match checked {
            Ok(email) => email,
            Err(reason) => {
                self.skip(Some(line), reason);
                return true;
            }
        };
        if joined {
            self.push_owned_to_key(items.into_iter(), email);
        }
        self.shaped(line, email, |w| {
            json_profile(text, &w.map).unwrap_or_else(|| Err("no JSON object".to_owned()))
        });
        true
    }

    /// A JSON Lines row read by serde_json and checked the whole way.
    fn slow_json(&mut self, text: &[u8], line: u64) {
        let Some(profile) = json_profile(text, &self.map) else {
            // Blank but for Unicode white space: no row after all.
            self.tally.rows -= 1;
            return;
        };
        let email = profile.as_ref().ok().and_then(|p| p.email.clone());
        let outcome = self.outcome(profile);
        self.record_outcome(Some(line), &outcome, email.as_deref());
    }

    /// [`plain_address`], with the verdict on each domain kept: an export has millions of
    /// addresses at a few thousand domains.
    #[allow(clippy::inline_always)] // a call costs more than the check
    #[inline(always)]
    fn plain_address(&mut self, email: &[u8]) -> bool {
        common_address(email) || self.plain_address_cached(email)
    }

    fn plain_address_cached(&mut self, email: &[u8]) -> bool {
        let Some(at) = plain_local(email) else {
            return false;
        };
        let domain = &email[at + 1..];
        if let Some(&ok) = self.domains.get(domain) {
            return ok;
        }
        let ok = plain_domain(domain);
        if self.domains.len() < MEMO_LIMIT {
            self.domains.insert(domain.into(), ok);
        }
        ok
    }

    /// Whether a JSON key is part of a shape, and whether only by being filled in
    /// (cached: exports repeat their keys).
    fn key_read(&mut self, key: &[u8]) -> (bool, bool) {
        if let Some(&read) = self.key_cache.get(key) {
            return read;
        }
        let name = std::str::from_utf8(key).ok();
        let read = if self.plan.reads.everything || name.is_some_and(|k| self.plan.by_name(k)) {
            (true, false)
        } else if name.is_some_and(|k| self.plan.filled_only(k)) {
            (true, true)
        } else {
            (false, false)
        };
        if self.key_cache.len() < MEMO_LIMIT {
            self.key_cache.insert(key.into(), read);
        }
        read
    }

    /// Adds the owned products that matter (the row's and the joined ones) to the key,
    /// after whether there are any at all.
    fn push_owned<'i>(
        &mut self,
        key: &mut Vec<u8>,
        items: impl Iterator<Item = &'i [u8]>,
        email: &[u8],
    ) {
        key.push(b'O');
        let flag = key.len();
        key.push(0);
        let mut any = false;
        for item in items {
            any = true;
            if self.owned_matters(item) {
                push_cell(key, Some(item));
            }
        }
        if let Some(index) = self.plan.owned
            && let Some(joined) = index
                .by_email
                .get(&String::from_utf8_lossy(email).to_lowercase())
        {
            for item in joined {
                any = true;
                if self.owned_matters(item.as_bytes()) {
                    push_cell(key, Some(item.as_bytes()));
                }
            }
        }
        key[flag] = u8::from(any);
    }

    /// Appends to the shape key in `self.key` what an owned-products value adds to a
    /// shape, from a cache by the value as written; `compute` writes it on a miss and
    /// says whether the fast path can read the value at all (false is cached too).
    fn push_owned_cached(
        &mut self,
        value: &[u8],
        compute: impl FnOnce(&mut Self, &mut Vec<u8>) -> bool,
    ) -> bool {
        if let Some(cached) = self.owned_values.get(value) {
            return match cached {
                Some(fragment) => {
                    self.key.extend_from_slice(fragment);
                    true
                }
                None => false,
            };
        }
        let mut fragment = Vec::new();
        let ok = compute(self, &mut fragment);
        if ok {
            self.key.extend_from_slice(&fragment);
        }
        if self.owned_values.len() < VALUES_LIMIT {
            self.owned_values
                .insert(value.into(), ok.then(|| fragment.into()));
        }
        ok
    }

    /// Appends the owned products that matter (the row's and the joined ones) to the
    /// shape key in `self.key`.
    fn push_owned_to_key<'i>(&mut self, items: impl Iterator<Item = &'i [u8]>, email: &[u8]) {
        let mut key = std::mem::take(&mut self.key);
        self.push_owned(&mut key, items, email);
        self.key = key;
    }

    /// Counts a row of the shape whose key is in `self.key`: from the memo, or checked
    /// the whole way (`profile` reads the row) and kept. Inlined into both row readers:
    /// as a call it costs a JSON Lines row 2% more instructions.
    #[allow(clippy::inline_always)] // measured, see above
    #[inline(always)]
    fn shaped(
        &mut self,
        line: u64,
        email: &[u8],
        profile: impl FnOnce(&Self) -> std::result::Result<Profile, String>,
    ) {
        if let Some(o) = self.memo.get(self.key.as_slice()) {
            // A kept outcome that skips the row answers a skipped row, not a checked one.
            self.from_memo += u64::from(o.skip.is_none());
            self.tally.record(self.plan, Some(line), o, Some(email));
            return;
        }
        let profile = profile(self);
        let key = std::mem::take(&mut self.key);
        let outcome = self.remember(&key, profile);
        self.key = key;
        self.tally
            .record(self.plan, Some(line), &outcome, Some(email));
    }

    fn owned_matters(&mut self, item: &[u8]) -> bool {
        if let Some(&m) = self.owned_cache.get(item) {
            return m;
        }
        let plan = self.plan;
        let matters = std::str::from_utf8(item).is_ok_and(|text| {
            plan.facts
                .iter()
                .any(|f| plan.rules.owned_matters(plan.env, f, text))
        });
        if self.owned_cache.len() < MEMO_LIMIT {
            self.owned_cache.insert(item.into(), matters);
        }
        matters
    }

    /// Checks one profile the whole way.
    fn outcome(&mut self, profile: std::result::Result<Profile, String>) -> Arc<ShapeOutcome> {
        let mut profile = match profile.and_then(validate) {
            Ok(p) => p,
            Err(reason) => {
                return Arc::new(ShapeOutcome {
                    skip: Some(reason),
                    ..ShapeOutcome::default()
                });
            }
        };
        if let Some(index) = self.plan.owned {
            index.extend(&mut profile);
        }
        let found = self.plan.findings(&profile);
        Arc::new(self.outcome_of(&found))
    }

    fn outcome_of(&mut self, found: &[(Option<usize>, Finding)]) -> ShapeOutcome {
        let mut outcome = ShapeOutcome::default();
        for (campaign, finding) in found {
            let key = (
                *campaign,
                finding.rule.clone(),
                finding.message.clone(),
                finding.primary_span(),
            );
            let id = *self.index.entry(key).or_insert_with(|| {
                self.table.push((*campaign, finding.clone()));
                self.table.len() - 1
            });
            outcome.findings.push(id);
        }
        outcome.worst = found.iter().map(|(_, f)| f.severity).max();
        let mut hit: Vec<&str> = found.iter().map(|(_, f)| f.rule.as_str()).collect();
        hit.sort_unstable();
        hit.dedup();
        for rule in &hit {
            let next = self.rule_names.len();
            let id = *self.rule_ids.entry((*rule).to_owned()).or_insert(next);
            if id == next {
                self.rule_names.push((*rule).to_owned());
            }
            outcome.rules.push(id);
        }
        if self.plan.suppress_out {
            let mut errors: Vec<&str> = found
                .iter()
                .filter(|(_, f)| f.severity == Severity::Error)
                .map(|(_, f)| f.rule.as_str())
                .collect();
            errors.dedup();
            outcome.errors = errors.join(";");
        }
        if self.plan.findings_out && !found.is_empty() {
            let details: Vec<Value> = found
                .iter()
                .map(|(i, f)| {
                    serde_json::json!({
                        "rule": f.rule,
                        "severity": f.severity.as_str(),
                        "message": f.message,
                        "campaign": i.and_then(|i| self.plan.campaign_paths.get(i)),
                    })
                })
                .collect();
            let rules = serde_json::to_string(&hit).unwrap_or_default();
            let details = serde_json::to_string(&details).unwrap_or_default();
            outcome.details = format!(",\"rules\":{rules},\"findings\":{details}}}");
        }
        outcome
    }

    /// Counts a row's outcome.
    fn record_outcome(
        &mut self,
        line: Option<u64>,
        outcome: &Arc<ShapeOutcome>,
        email: Option<&str>,
    ) {
        self.tally
            .record(self.plan, line, outcome, email.map(str::as_bytes));
    }

    /// Hands over this piece's counts and resets them.
    pub(super) fn finish(&mut self) -> PieceResult {
        self.tally.settle();
        let mut t = std::mem::take(&mut self.tally);
        let groups = t
            .touched
            .iter()
            .map(|&id| {
                let (count, examples) = std::mem::take(&mut t.counts[id]);
                t.looked[id] = 0;
                t.is_touched[id] = false;
                let (campaign, finding) = &self.table[id];
                (*campaign, finding.clone(), count, examples)
            })
            .collect();
        let rules = t
            .rules_touched
            .iter()
            .map(|&id| (self.rule_names[id].clone(), t.rule_counts[id]))
            .collect();
        for &id in &t.rules_touched {
            t.rule_counts[id] = 0;
            t.rule_is_touched[id] = false;
        }
        // Keep the (now zeroed) counters for the next piece.
        self.tally = Tally {
            counts: t.counts,
            looked: t.looked,
            is_touched: t.is_touched,
            rule_counts: t.rule_counts,
            rule_is_touched: t.rule_is_touched,
            sated: t.sated,
            deferred: t.deferred,
            epoch: t.epoch + 1,
            ..Tally::default()
        };
        PieceResult {
            rows: t.rows,
            lines: t.lines,
            checked: t.checked,
            skipped: t.skipped,
            skipped_list: t.skipped_list,
            groups,
            rules,
            worst: t.worst,
            suppress: t.suppress,
            findings: t.findings,
            from_memo: std::mem::take(&mut self.from_memo),
        }
    }
}

/// Writes text into a byte buffer.
struct Lossless<'a>(&'a mut Vec<u8>);

impl std::fmt::Write for Lossless<'_> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.0.extend_from_slice(s.as_bytes());
        Ok(())
    }
}

/// Appends a length-prefixed value to a shape key (None: the field is absent). A cell
/// shorter than 254 bytes, nearly all of them, costs one byte more than its text.
#[inline]
fn push_cell(key: &mut Vec<u8>, value: Option<&[u8]>) {
    match value {
        None => key.push(0xFF),
        Some(v) if v.len() < usize::from(FILLED) => {
            key.push(v.len() as u8);
            key.extend_from_slice(v);
        }
        Some(v) => {
            key.push(0xFE);
            key.extend_from_slice(&(v.len() as u32).to_le_bytes());
            key.extend_from_slice(v);
        }
    }
}

/// In a shape key, a value read only for whether it is filled in, that surely is
/// ([`surely_filled`]); no value's length is written as this byte ([`push_cell`]).
const FILLED: u8 = 0xFD;

/// Whether a value is filled in whatever else it holds: it has an ASCII character that
/// is not white space, so it is not blank once trimmed (other values go into the key as
/// they are, and the rules tell them apart).
fn surely_filled(text: &[u8]) -> bool {
    text.iter().any(|&b| b > b' ' && b < 0x7f)
}

/// A JSON member's value in a shape key: as written, or only whether it is filled in
/// (a string with visible text, a number or a boolean).
fn push_member(key: &mut Vec<u8>, value: &MemberValue, filled_only: bool) {
    let filled = filled_only
        && match value.kind {
            JsonKind::Str => surely_filled(value.text()),
            JsonKind::Scalar => value.raw != b"null",
            _ => false,
        };
    if filled {
        key.push(FILLED);
    } else {
        push_cell(key, Some(value.raw));
    }
}

/// The items of an owned-products cell, as the profile reader splits it (`;` or `|`,
/// trimmed, empty ones dropped).
fn split_items(text: &[u8]) -> impl Iterator<Item = &[u8]> {
    trim_text(text)
        .split(|&b| b == b';' || b == b'|')
        .map(trim_text)
        .filter(|i| !i.is_empty())
}

/// A record that starts with a UTF-8 byte-order mark (exports joined with `cat`) loses it
/// from its first cell, as csv-core drops it at the start of every record the reference
/// reader unquotes.
fn skip_bom(record: &[u8], cells: &mut [(usize, usize)]) {
    if record.starts_with(b"\xef\xbb\xbf")
        && let Some(first) = cells.first_mut()
    {
        first.0 = (first.0 + 3).min(first.1);
    }
}

/// Text without the white space `str::trim` removes: ASCII white space (vertical tab
/// included) here, and Unicode white space through `str::trim` when the ends are not ASCII.
#[inline]
fn trim_text(text: &[u8]) -> &[u8] {
    // Nearly every value is written without white space around it.
    if let (Some(first), Some(last)) = (text.first(), text.last())
        && first.is_ascii_graphic()
        && last.is_ascii_graphic()
    {
        return text;
    }
    trim_text_slowly(text)
}

fn trim_text_slowly(text: &[u8]) -> &[u8] {
    let ws = |b: &u8| matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0B | 0x0C);
    let start = text.iter().position(|b| !ws(b)).unwrap_or(text.len());
    let end = text.iter().rposition(|b| !ws(b)).map_or(start, |i| i + 1);
    let t = &text[start..end];
    if t.first().is_some_and(|b| !b.is_ascii()) || t.last().is_some_and(|b| !b.is_ascii()) {
        return std::str::from_utf8(t).map_or(t, |s| s.trim().as_bytes());
    }
    t
}

/// The members of a JSON Lines row that its shape needs beyond the key's cells.
#[derive(Default, Clone, Copy)]
struct JsonRow<'a> {
    email: Option<MemberValue<'a>>,
    owned: Option<MemberValue<'a>>,
}

/// Where a JSON Lines layout (the keys of a line, in order) has the fields the rules read.
struct JsonLayout {
    keys: Vec<Box<[u8]>>,
    /// How the last line read in full wrote these keys: the next lines are read by it.
    skeleton: Skeleton,
    email: Option<usize>,
    owned: Option<usize>,
    /// Whether each member's value is part of a shape.
    in_shape: Vec<bool>,
    /// Whether a member is part of a shape only by whether it is filled in.
    filled: Vec<bool>,
    /// Tells this worker's layouts apart in shape keys.
    id: u64,
}

impl JsonLayout {
    /// None when a mapped field cannot be settled without the full reader.
    fn new(worker: &mut Worker, line: &[u8], members: &[Member], id: u64) -> Option<JsonLayout> {
        let map = &worker.map;
        let reads = &worker.plan.reads;
        let mut raw: Vec<bool> = vec![false; members.len()];
        for (name, on) in [
            (Some(&map.language), true),
            (Some(&map.email), reads.email),
            (Some(&map.country), reads.country),
            (Some(&map.status), reads.status),
            (map.opted_out.as_ref(), reads.status),
            (map.bounced.as_ref(), reads.status),
            (Some(&map.owned_products), reads.owned == OwnedReads::Full),
        ] {
            if let (Some(name), true) = (name, on)
                && let Some(i) = find_member(members, name).ok()?
            {
                raw[i] = true;
            }
        }
        let email = find_member(members, &map.email).ok()?;
        let owned = find_member(members, &map.owned_products).ok()?;
        let mut filled = vec![false; members.len()];
        for (i, m) in members.iter().enumerate() {
            if !raw[i] {
                (raw[i], filled[i]) = worker.key_read(m.key);
            }
        }
        let mut skeleton = Skeleton::default();
        skeleton.learn(line, members);
        Some(JsonLayout {
            keys: members.iter().map(|m| m.key.into()).collect(),
            skeleton,
            email,
            owned,
            in_shape: raw,
            filled,
            id,
        })
    }

    fn fits(&self, members: &[Member]) -> bool {
        self.keys.len() == members.len()
            && self.keys.iter().zip(members).all(|(k, m)| same(k, m.key))
    }
}

/// The items of a JSON owned-products value, as the profile reader takes them: a string
/// split at `;` and `|`, or an array of strings, trimmed, empty ones dropped; `null` or
/// absent is none. False for anything the full reader must read.
fn owned_items<'m>(member: Option<&MemberValue<'m>>, items: &mut Vec<&'m [u8]>) -> bool {
    let Some(m) = member else { return true };
    match m.kind {
        JsonKind::Str => {
            items.extend(split_items(m.text()));
            true
        }
        JsonKind::Array => string_items(m.raw, |item| {
            let item = trim_text(item);
            if !item.is_empty() {
                items.push(item);
            }
        }),
        _ => m.raw == b"null",
    }
}

/// One JSON Lines row as a profile, read by serde_json (as the generic reader reads it);
/// None for a line that is blank (only Unicode white space).
fn json_profile(text: &[u8], map: &FieldMap) -> Option<std::result::Result<Profile, String>> {
    Some(json_line(text)?.and_then(|value| match value {
        Value::Object(o) => to_profile(o.into_iter().collect(), map),
        other => Err(format!(
            "expected a JSON object, found {}",
            crate::audience::reader::kind_of(&other)
        )),
    }))
}

/// The member a mapped field reads: exactly named (the last of duplicates, as a JSON
/// object keeps), else the one named so up to case and spaces. Err when several differ
/// only so (the full reader settles which).
fn find_member(members: &[Member], name: &str) -> std::result::Result<Option<usize>, ()> {
    if let Some(i) = members.iter().rposition(|m| m.key == name.as_bytes()) {
        return Ok(Some(i));
    }
    let mut found = None;
    for (i, m) in members.iter().enumerate() {
        let key = std::str::from_utf8(m.key).unwrap_or_default();
        if key.trim().eq_ignore_ascii_case(name) {
            if found.is_some() {
                return Err(());
            }
            found = Some(i);
        }
    }
    Ok(found)
}

/// Checks the export on every core; `on_piece` gets each piece's result in file order.
/// On a read error, the rows before it are handed over and the error says how many.
///
/// Each worker reads its next piece itself (in turn, under a lock) and checks it while
/// the bytes are still in its core's cache; a separate reading thread would hand every
/// piece across cores and wake a thread per piece.
pub(super) fn parallel(
    plan: &Plan,
    layout: &Layout,
    stream: Stream,
    on_piece: &mut dyn FnMut(PieceResult),
) -> Result<()> {
    /// The export, shared by the workers.
    struct Source {
        stream: Stream,
        /// The number of the next piece.
        next: u64,
        /// Read to the end, or failed.
        done: bool,
        failure: Option<ReadFailure>,
    }
    let workers = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    let path = stream.path().to_owned();
    let spare = stream.spare();
    let source = Mutex::new(Source {
        stream,
        next: 0,
        done: false,
        failure: None,
    });
    let mut rows = 0;
    std::thread::scope(|s| {
        let (done_tx, done_rx) = mpsc::channel::<(u64, PieceResult)>();
        for _ in 0..workers {
            let done_tx = done_tx.clone();
            let source = &source;
            let spare = spare.clone();
            s.spawn(move || {
                let mut worker = Worker::new(plan, Some(layout), &layout.map);
                loop {
                    let (seq, piece) = {
                        let Ok(mut source) = source.lock() else { break };
                        if source.done {
                            break;
                        }
                        match source.stream.next_piece() {
                            Ok(Some(piece)) => {
                                source.next += 1;
                                (source.next - 1, piece)
                            }
                            Ok(None) => {
                                source.done = true;
                                break;
                            }
                            Err(failure) => {
                                source.done = true;
                                source.failure = Some(failure);
                                break;
                            }
                        }
                    };
                    let result = worker.piece(&piece);
                    if let Some(buf) = piece.into_buffer() {
                        spare.give(buf);
                    }
                    if done_tx.send((seq, result)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(done_tx);
        let mut pending = BTreeMap::new();
        let mut next = 0u64;
        for (seq, result) in done_rx {
            pending.insert(seq, result);
            while let Some(result) = pending.remove(&next) {
                rows += result.rows;
                on_piece(result);
                next += 1;
            }
        }
    });
    match source.into_inner() {
        Ok(Source { failure: None, .. }) => Ok(()),
        Ok(Source {
            failure: Some(failure),
            ..
        }) => Err(read_failure(&path, failure, rows)),
        Err(_) => Err(Error::new(&path, "reading the export failed")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filled_means_not_blank_once_trimmed() {
        for (text, filled) in [
            ("Anna", true),
            ("  Jo ", true),
            ("\u{e9}a", true),
            ("", false),
            ("   ", false),
            ("\t\r\n", false),
            // Not ASCII: left to the rules (NBSP is blank once trimmed, 名 is not).
            ("\u{a0}", false),
            ("名", false),
        ] {
            assert_eq!(surely_filled(text.as_bytes()), filled, "{text:?}");
            if filled {
                assert!(!text.trim().is_empty());
            }
        }
    }

    #[test]
    fn a_filled_value_never_reads_as_another_key() {
        // The FILLED byte is never the length byte of a value: a key with a filled
        // value and one with a value of any length differ.
        for len in [0usize, 1, 200, 252, 253, 254, 255, 300] {
            let value = vec![b'x'; len];
            let mut written = Vec::new();
            push_cell(&mut written, Some(&value));
            assert_ne!(written.first(), Some(&FILLED), "{len}");
        }
        let member = |raw: &'static [u8], kind| MemberValue { raw, kind };
        for (value, filled) in [
            (member(b"\"Anna\"", JsonKind::Str), true),
            (member(b"\"  \"", JsonKind::Str), false),
            (member(b"\"\\u0020\"", JsonKind::Escaped), false),
            (member(b"42", JsonKind::Scalar), true),
            (member(b"null", JsonKind::Scalar), false),
            (member(b"[]", JsonKind::Array), false),
        ] {
            let mut key = Vec::new();
            push_member(&mut key, &value, true);
            assert_eq!(key == [FILLED], filled, "{:?}", value.raw);
            let mut raw = Vec::new();
            push_member(&mut raw, &value, false);
            assert_ne!(raw, [FILLED]);
        }
    }
}
