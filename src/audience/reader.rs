//! Audiences: CRM/ESP exports of many profiles (CSV, JSON Lines, a JSON array, any of
//! them gzip-compressed), read as a stream of rows so memory does not grow with the
//! export. A row that cannot be read is handed on as an error with its row number; the
//! rows after it are still read. Only a file that cannot be read on (a JSON syntax error,
//! a truncated gzip stream) ends the stream, with the number of rows read so far.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use serde_json::Value;

use super::presets::{self, Preset};
use super::scan::{Line, read_line_within, unquote};
use crate::error::{Error, Result};
use crate::limits::RecordLimits;
use crate::profiles::{FieldMap, Profile, from_fields, json_message};

/// How the export is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AudienceFormat {
    Csv,
    JsonLines,
    JsonArray,
}

/// One row: its number (1-based, data rows only) and its profile, or why it was skipped.
#[derive(Debug)]
pub struct Row {
    pub number: u64,
    /// The line in the file where the row starts, when known.
    pub line: Option<u64>,
    pub profile: std::result::Result<Profile, String>,
}

/// Options for reading an export.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// CSV delimiter; None detects it from the header row.
    pub delimiter: Option<u8>,
    /// Recognise the export (Mailchimp, HubSpot, ...) from its columns and use that
    /// preset's field names instead of the given ones.
    pub detect_preset: bool,
    /// Read an owned-products export (orders, registrations): find its email and SKU
    /// columns by their usual names.
    pub owned_join: bool,
    /// Counts the bytes read from the file (before decompression), for a progress display.
    pub bytes_read: Option<Arc<AtomicU64>>,
    /// Longest CSV record before it is taken for broken, longest JSON row.
    pub record_limits: RecordLimits,
}

/// Decodes UTF-16 input into UTF-8 as it is read (invalid sequences become U+FFFD).
struct Utf16ToUtf8<R> {
    inner: R,
    decoder: encoding_rs::Decoder,
    /// Decoded bytes not handed out yet.
    pending: Vec<u8>,
    done: bool,
}

impl<R: BufRead> Read for Utf16ToUtf8<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.pending.is_empty() && !self.done {
            let input = self.inner.fill_buf()?;
            let last = input.is_empty();
            let mut out = vec![0u8; input.len() * 3 / 2 + 16];
            let (_, read, written, _) = self.decoder.decode_to_utf8(input, &mut out, last);
            out.truncate(written);
            self.inner.consume(read);
            self.pending = out;
            self.done = last;
        }
        let n = self.pending.len().min(buf.len());
        buf[..n].copy_from_slice(&self.pending[..n]);
        self.pending.drain(..n);
        Ok(n)
    }
}

/// A reader that adds what it reads to a shared counter.
struct Counting<R> {
    inner: R,
    count: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// What reading the export found out besides its rows.
#[derive(Debug, Clone, Copy, Default)]
pub struct ReadOutcome {
    pub rows: u64,
    /// The export layout recognised from the columns, when asked to.
    pub preset: Option<&'static Preset>,
}

/// The field map to use, settled by the header row (CSV) or the first object (JSON).
pub(crate) struct Mapping<'a> {
    given: &'a FieldMap,
    detect: bool,
    join: bool,
    pub(crate) chosen: Option<(FieldMap, Option<&'static Preset>)>,
}

/// Usual names of the email and product columns of order and registration exports.
const JOIN_EMAIL: &[&str] = &[
    "email",
    "email address",
    "emailaddress",
    "customer email",
    "customer_email",
    "e-mail",
];
const JOIN_PRODUCT: &[&str] = &[
    "sku",
    "lineitem sku",
    "product sku",
    "product_sku",
    "variant sku",
    "owned_products",
    "products",
    "product",
    "model",
];

impl<'a> Mapping<'a> {
    pub(crate) fn new(given: &'a FieldMap, options: &ReadOptions) -> Self {
        Mapping {
            given,
            detect: options.detect_preset,
            join: options.owned_join,
            chosen: None,
        }
    }

    pub(crate) fn settle(&mut self, columns: &[String]) -> &FieldMap {
        let (given, detect, join) = (self.given, self.detect, self.join);
        let (map, _) = self.chosen.get_or_insert_with(|| {
            if join {
                let pick = |names: &[&str], fallback: &str| {
                    names
                        .iter()
                        .find_map(|n| columns.iter().find(|c| c.trim().eq_ignore_ascii_case(n)))
                        .cloned()
                        .unwrap_or_else(|| fallback.to_owned())
                };
                let map = FieldMap {
                    email: pick(JOIN_EMAIL, "email"),
                    owned_products: pick(JOIN_PRODUCT, "sku"),
                    ..FieldMap::default()
                };
                return (map, None);
            }
            match detect.then(|| presets::detect(columns)).flatten() {
                Some(p) => (p.fields(), Some(p)),
                None => (given.clone(), None),
            }
        });
        map
    }
}

/// Reads every row of the export at `path`, calling `on_row` for each. Returns the number
/// of rows read; fails when the file cannot be read on.
pub fn for_each_row(
    path: &Path,
    map: &FieldMap,
    options: &ReadOptions,
    mut on_row: impl FnMut(Row),
) -> Result<ReadOutcome> {
    let display = path.display().to_string();
    let (reader, format) = open(path, options)?;
    let mut rows = 0u64;
    let mut count = |row: Row| {
        rows += 1;
        on_row(row);
    };
    let mut mapping = Mapping::new(map, options);
    let result = match format {
        AudienceFormat::Csv => read_csv(reader, &mut mapping, options, &mut count),
        AudienceFormat::JsonLines => read_json_lines(reader, &mut mapping, options, &mut count),
        AudienceFormat::JsonArray => read_json_array(reader, &mut mapping, options, &mut count),
    };
    let preset = mapping.chosen.as_ref().and_then(|(_, p)| *p);
    result.map_err(|failure| read_failure(&display, failure, rows))?;
    Ok(ReadOutcome { rows, preset })
}

/// The error for a file that cannot be read on after `rows` rows.
pub(crate) fn read_failure(path: &str, (message, line): ReadFailure, rows: u64) -> Error {
    let e = Error::new(path, format!("{message} (after {rows} rows)"));
    match line {
        Some(line) => e.at(line as usize, 1),
        None => e,
    }
}

/// A byte stream of the export's text (decompressed, UTF-8) and its format.
pub(crate) type Opened = (Box<dyn BufRead + Send>, AudienceFormat);

/// Opens the export at `path`: decompresses `.gz`, transcodes UTF-16, and tells the
/// format from the name or the first bytes.
pub(crate) fn open(path: &Path, options: &ReadOptions) -> Result<Opened> {
    let display = path.display().to_string();
    let file = File::open(path).map_err(|e| Error::new(&display, crate::error::io_message(&e)))?;
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    let (inner_name, gz) = match name.strip_suffix(".gz") {
        Some(inner) => (inner.to_owned(), true),
        None => (name, false),
    };
    let file: Box<dyn Read + Send> = match &options.bytes_read {
        Some(count) => Box::new(Counting {
            inner: file,
            count: Arc::clone(count),
        }),
        None => Box::new(file),
    };
    let raw: Box<dyn Read + Send> = if gz {
        Box::new(flate2::read::MultiGzDecoder::new(BufReader::with_capacity(
            1 << 16,
            file,
        )))
    } else {
        file
    };
    let mut raw = BufReader::with_capacity(1 << 16, raw);
    // Excel's "Unicode Text" and some CRM exports are UTF-16 with a byte-order mark:
    // transcode to UTF-8 as the bytes stream by.
    let utf16 = match raw.fill_buf().map_err(|e| read_error(&display, &e, 0))? {
        [0xFF, 0xFE, ..] => Some(encoding_rs::UTF_16LE),
        [0xFE, 0xFF, ..] => Some(encoding_rs::UTF_16BE),
        _ => None,
    };
    let raw: Box<dyn Read + Send> = match utf16 {
        Some(encoding) => Box::new(Utf16ToUtf8 {
            inner: raw,
            decoder: encoding.new_decoder_with_bom_removal(),
            pending: Vec::new(),
            done: false,
        }),
        None => Box::new(raw),
    };
    let mut reader = BufReader::with_capacity(1 << 16, raw);
    // A NUL byte is in no text export: such a file (a binary file, `/dev/zero`) would
    // be read to its end as one endless line.
    let head = reader.fill_buf().map_err(|e| read_error(&display, &e, 0))?;
    if let Some(at) = memchr::memchr(0, head) {
        return Err(Error::new(
            &display,
            format!(
                "not a text export: byte {} is a NUL byte (a binary file, or UTF-16 without a byte-order mark?)",
                at + 1
            ),
        ));
    }
    let format = detect(&inner_name, &mut reader).map_err(|e| read_error(&display, &e, 0))?;
    Ok((Box::new(reader), format))
}

pub(crate) fn read_error(path: &str, e: &std::io::Error, rows: u64) -> Error {
    let what = if e.kind() == std::io::ErrorKind::UnexpectedEof || e.to_string().contains("corrupt")
    {
        "the compressed file is truncated or corrupt"
    } else {
        "cannot read the file"
    };
    Error::new(path, format!("{what}: {e} (after {rows} rows)"))
}

/// The format from the file name, or from the first bytes.
fn detect(name: &str, reader: &mut impl BufRead) -> std::io::Result<AudienceFormat> {
    let ext = Path::new(name)
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("jsonl" | "ndjson") => return Ok(AudienceFormat::JsonLines),
        Some("csv" | "tsv") => return Ok(AudienceFormat::Csv),
        _ => {}
    }
    let head = reader.fill_buf()?;
    let first = head
        .strip_prefix(b"\xef\xbb\xbf")
        .unwrap_or(head)
        .iter()
        .find(|b| !b.is_ascii_whitespace());
    Ok(match first {
        Some(b'[') => AudienceFormat::JsonArray,
        Some(b'{') => AudienceFormat::JsonLines,
        _ => AudienceFormat::Csv,
    })
}

/// Why a file cannot be read on: the message, and the line where it happened.
pub(crate) type ReadFailure = (String, Option<u64>);

pub(crate) fn to_profile(
    fields: BTreeMap<String, Value>,
    map: &FieldMap,
) -> std::result::Result<Profile, String> {
    from_fields(fields, map).map_err(|(_, message)| message)
}

/// The delimiter that splits the header line into the most fields.
pub(crate) fn sniff_delimiter(header: &[u8]) -> u8 {
    [b',', b';', b'\t', b'|']
        .into_iter()
        .max_by_key(|&d| header.iter().filter(|&&b| b == d).count())
        .unwrap_or(b',')
}

/// Where the quote scanner is in a record.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Quote {
    FieldStart,
    Unquoted,
    Quoted,
    /// A quote inside a quoted field: the end of the field, or the first of `""`.
    Closing,
}

/// The scanner's state after `line`, as RFC 4180 (and csv) read quotes.
fn scan(line: &[u8], mut state: Quote, delimiter: u8) -> Quote {
    for &b in line {
        state = match (state, b) {
            (Quote::Quoted, b'"') => Quote::Closing,
            (Quote::FieldStart | Quote::Closing, b'"') | (Quote::Quoted, _) => Quote::Quoted,
            (_, b'\n') => Quote::FieldStart,
            (_, b) if b == delimiter => Quote::FieldStart,
            _ => Quote::Unquoted,
        };
    }
    state
}

/// One record of the export, or a row whose quoted field never closes.
enum Record {
    Row { bytes: Vec<u8>, line: u64 },
    Broken { line: u64 },
    End,
}

/// Splits CSV into records, line by line. A record whose quote is still open after
/// its [`RecordLimits`] is reported as broken at its first line, and reading goes on
/// with the line after it: one stray quote costs one row, not the rest of the file.
struct Records<R> {
    reader: R,
    delimiter: u8,
    /// Lines read ahead and given back by a broken record.
    pending: std::collections::VecDeque<(Option<Vec<u8>>, u64)>,
    lines: u64,
    limits: RecordLimits,
}

impl<R: BufRead> Records<R> {
    /// The next line and its number; None for a line past the byte limit, which is read
    /// to its end without being kept.
    fn line(&mut self) -> std::io::Result<Option<(Option<Vec<u8>>, u64)>> {
        if let Some(line) = self.pending.pop_front() {
            return Ok(Some(line));
        }
        let mut buf = Vec::new();
        let kept = match read_line_within(&mut self.reader, &mut buf, self.limits.bytes)? {
            Line::End => return Ok(None),
            Line::TooLong => None,
            Line::Read => Some(buf),
        };
        self.lines += 1;
        Ok(Some((kept, self.lines)))
    }

    fn next(&mut self) -> std::io::Result<Record> {
        let Some((bytes, line)) = self.line()? else {
            return Ok(Record::End);
        };
        // A line past the byte limit is no row (quoted or not).
        let Some(mut bytes) = bytes else {
            return Ok(Record::Broken { line });
        };
        let mut state = scan(&bytes, Quote::FieldStart, self.delimiter);
        let mut extra: Vec<(Option<Vec<u8>>, u64)> = Vec::new();
        while state == Quote::Quoted {
            let next = if extra.len() < self.limits.lines && bytes.len() < self.limits.bytes {
                self.line()?
            } else {
                None
            };
            let (text, number) = match next {
                Some((Some(text), number)) => (text, number),
                too_long => {
                    // The lines after the first are read again as rows of their own.
                    extra.extend(too_long);
                    for l in extra.into_iter().rev() {
                        self.pending.push_front(l);
                    }
                    return Ok(Record::Broken { line });
                }
            };
            state = scan(&text, state, self.delimiter);
            bytes.extend_from_slice(&text);
            extra.push((Some(text), number));
        }
        Ok(Record::Row { bytes, line })
    }
}

/// The header row's cells, trimmed (and without a byte-order mark).
pub(crate) fn header_names(out: &[u8], ends: &[usize], n: usize) -> Vec<String> {
    let mut start = 0;
    (0..n)
        .map(|i| {
            let h = String::from_utf8_lossy(&out[start..ends[i]]).into_owned();
            start = ends[i];
            let h = if i == 0 {
                h.trim_start_matches('\u{feff}').to_owned()
            } else {
                h
            };
            h.trim().to_owned()
        })
        .collect()
}

/// A CSV row's cells by header name, as the profile readers take them; an error names a
/// cell that is not UTF-8.
pub(crate) fn csv_fields(
    headers: &[String],
    cells: impl Iterator<Item = impl AsRef<[u8]>>,
) -> std::result::Result<BTreeMap<String, Value>, String> {
    let mut row = BTreeMap::new();
    let mut bad = None;
    for (name, cell) in headers.iter().zip(cells) {
        match std::str::from_utf8(cell.as_ref()) {
            Ok(text) => {
                // A name given to two columns is the first of them.
                row.entry(name.clone())
                    .or_insert_with(|| Value::String(text.to_owned()));
            }
            Err(_) => bad = Some(format!("field {name:?} is not valid UTF-8")),
        }
    }
    match bad {
        Some(message) => Err(message),
        None => Ok(row),
    }
}

fn read_csv(
    mut reader: impl BufRead,
    mapping: &mut Mapping,
    options: &ReadOptions,
    on_row: &mut dyn FnMut(Row),
) -> std::result::Result<(), ReadFailure> {
    let head = reader.fill_buf().map_err(|e| (e.to_string(), None))?;
    let line_end = head.iter().position(|&b| b == b'\n').unwrap_or(head.len());
    let delimiter = options
        .delimiter
        .unwrap_or_else(|| sniff_delimiter(&head[..line_end]));
    let mut records = Records {
        reader,
        delimiter,
        pending: std::collections::VecDeque::new(),
        lines: 0,
        limits: options.record_limits,
    };
    let mut parser = csv_core::ReaderBuilder::new().delimiter(delimiter).build();
    let (mut out, mut ends) = (Vec::new(), Vec::new());
    let io = |e: std::io::Error, line: u64| (format!("cannot read on: {e}"), Some(line));
    let headers: Vec<String> = match records.next().map_err(|e| io(e, 1))? {
        Record::Row { bytes, .. } => {
            let n = unquote(&mut parser, &bytes, &mut out, &mut ends);
            header_names(&out, &ends, n)
        }
        Record::Broken { .. } => return Err((options.record_limits.header_message(), Some(1))),
        Record::End => return Ok(()),
    };
    let map = mapping.settle(&headers).clone();
    let mut number = 0u64;
    loop {
        let record = records.next().map_err(|e| io(e, records.lines))?;
        let (bytes, line) = match record {
            Record::End => return Ok(()),
            Record::Broken { line } => {
                number += 1;
                on_row(Row {
                    number,
                    line: Some(line),
                    profile: Err(options.record_limits.message()),
                });
                continue;
            }
            Record::Row { bytes, line } => (bytes, line),
        };
        if bytes.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        number += 1;
        let n = unquote(&mut parser, &bytes, &mut out, &mut ends);
        let cells = (0..n).map(|i| &out[if i == 0 { 0 } else { ends[i - 1] }..ends[i]]);
        let profile = csv_fields(&headers, cells).and_then(|row| to_profile(row, &map));
        on_row(Row {
            number,
            line: Some(line),
            profile,
        });
    }
}

/// One line of JSON Lines: None when it is blank; an error for bytes that are not UTF-8
/// (never read as replacement characters: they would reach the rules as mojibake) or
/// malformed JSON.
pub(crate) fn json_line(line: &[u8]) -> Option<std::result::Result<Value, String>> {
    let text = match std::str::from_utf8(line) {
        Ok(text) => text,
        Err(e) => {
            return Some(Err(format!(
                "the line is not valid UTF-8 (at byte {})",
                e.valid_up_to() + 1
            )));
        }
    };
    let text = text.trim().trim_start_matches('\u{feff}');
    if text.is_empty() {
        return None;
    }
    Some(serde_json::from_str::<Value>(text).map_err(|e| {
        format!(
            "malformed JSON at column {}: {}",
            e.column(),
            json_message(&e)
        )
    }))
}

pub(crate) fn object_row(
    value: Value,
    mapping: &mut Mapping,
) -> std::result::Result<Profile, String> {
    match value {
        Value::Object(object) => {
            // The first object settles the field mapping; later rows only use it.
            if mapping.chosen.is_none() {
                let keys: Vec<String> = object.keys().cloned().collect();
                mapping.settle(&keys);
            }
            to_profile(object.into_iter().collect(), mapping.settle(&[]))
        }
        other => Err(format!("expected a JSON object, found {}", kind_of(&other))),
    }
}

pub(crate) fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn read_json_lines(
    mut reader: impl BufRead,
    mapping: &mut Mapping,
    options: &ReadOptions,
    on_row: &mut dyn FnMut(Row),
) -> std::result::Result<(), ReadFailure> {
    let limits = options.record_limits;
    let (mut number, mut line_no) = (0u64, 0u64);
    let mut line = Vec::new();
    loop {
        line_no += 1;
        let read = read_line_within(&mut reader, &mut line, limits.json_bytes)
            .map_err(|e| (format!("cannot read on: {e}"), Some(line_no)))?;
        let profile = match read {
            Line::End => return Ok(()),
            Line::TooLong => Err(limits.json_message()),
            Line::Read => match json_line(&line) {
                None => continue,
                Some(value) => value.and_then(|v| object_row(v, mapping)),
            },
        };
        number += 1;
        on_row(Row {
            number,
            line: Some(line_no),
            profile,
        });
    }
}

/// Where the splitter of a JSON array is.
#[derive(Clone, Copy, PartialEq, Eq)]
enum ArrayPhase {
    /// Before the opening bracket.
    Before,
    /// Between the brackets.
    Inside,
    /// After the closing bracket.
    After,
}

/// The element of a JSON array being read: how its strings and brackets nest, where it
/// starts, and its bytes while they are within the limit.
#[derive(Default)]
struct Element {
    depth: usize,
    in_string: bool,
    escaped: bool,
    /// The line and column of its first byte; None before it.
    start: Option<(u64, u64)>,
    bytes: Vec<u8>,
    /// Past the limit: its bytes are no longer kept.
    over: bool,
}

impl Element {
    /// Whether `b` ends the element: a `,` or `]` outside its strings and brackets.
    fn ends_at(&self, b: u8) -> bool {
        !self.in_string && self.depth == 0 && (b == b',' || b == b']')
    }

    /// Takes the next byte of the element, at line and column `at`.
    fn push(&mut self, b: u8, at: (u64, u64), max: usize) {
        if self.in_string {
            match b {
                _ if self.escaped => self.escaped = false,
                b'\\' => self.escaped = true,
                b'"' => self.in_string = false,
                _ => {}
            }
        } else {
            match b {
                b'"' => self.in_string = true,
                b'[' | b'{' => self.depth += 1,
                b']' | b'}' => self.depth = self.depth.saturating_sub(1),
                _ => {}
            }
        }
        if self.start.is_none() {
            if b.is_ascii_whitespace() {
                return;
            }
            self.start = Some(at);
        }
        if !self.over && self.bytes.len() >= max {
            self.over = true;
            self.bytes = Vec::new();
        }
        if !self.over {
            self.bytes.push(b);
        }
    }

    /// Empties it for the next element, keeping its storage.
    fn clear(&mut self) {
        let mut bytes = std::mem::take(&mut self.bytes);
        bytes.clear();
        *self = Element {
            bytes,
            ..Element::default()
        };
    }
}

/// Reads the elements of a top-level JSON array one at a time. An element's extent is
/// found from its strings and brackets, as JSON nests them, before it is parsed: an
/// element past `max-json-record-kb` is read to its end without being kept, skipped and
/// counted, and reading goes on with the next element.
fn read_json_array(
    mut reader: impl BufRead,
    mapping: &mut Mapping,
    options: &ReadOptions,
    on_row: &mut dyn FnMut(Row),
) -> std::result::Result<(), ReadFailure> {
    let limits = options.record_limits;
    let mut phase = ArrayPhase::Before;
    let (mut line, mut column) = (1u64, 0u64);
    let mut element = Element::default();
    let (mut number, mut after_comma) = (0u64, false);
    let malformed = |what: &str, line: u64, column: u64| {
        (
            format!("malformed JSON: {what} at column {column}"),
            Some(line),
        )
    };
    loop {
        let chunk = match reader.fill_buf() {
            Ok(chunk) => chunk,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err((format!("cannot read on: {e}"), None)),
        };
        if chunk.is_empty() {
            break;
        }
        let n = chunk.len();
        for &b in chunk {
            if b == b'\n' {
                (line, column) = (line + 1, 0);
            } else {
                column += 1;
            }
            match phase {
                ArrayPhase::Before => match b {
                    b'[' => phase = ArrayPhase::Inside,
                    // A byte-order mark (EF BB BF) and white space may come first.
                    0xEF | 0xBB | 0xBF => {}
                    b if b.is_ascii_whitespace() => {}
                    _ => return Err(malformed("expected an array", line, column)),
                },
                ArrayPhase::After if !b.is_ascii_whitespace() => {
                    return Err(malformed("trailing characters", line, column));
                }
                ArrayPhase::After => {}
                ArrayPhase::Inside if !element.ends_at(b) => {
                    element.push(b, (line, column), limits.json_bytes);
                }
                ArrayPhase::Inside => {
                    let Some((start_line, start_column)) = element.start else {
                        // `[]` is an empty array; `[,` and `[1,]` lack an element.
                        if b == b']' && !after_comma {
                            phase = ArrayPhase::After;
                            continue;
                        }
                        return Err(malformed("expected a value", line, column));
                    };
                    number += 1;
                    let profile = if element.over {
                        Err(limits.json_message())
                    } else {
                        match serde_json::from_slice::<Value>(&element.bytes) {
                            Ok(value) => object_row(value, mapping),
                            Err(e) => {
                                let (e_line, e_column) = (e.line() as u64, e.column() as u64);
                                let column = if e_line == 1 {
                                    start_column + e_column - 1
                                } else {
                                    e_column
                                };
                                let at = start_line + e_line - 1;
                                return Err(malformed(&json_message(&e), at, column));
                            }
                        }
                    };
                    on_row(Row {
                        number,
                        line: Some(start_line),
                        profile,
                    });
                    element.clear();
                    after_comma = b == b',';
                    if b == b']' {
                        phase = ArrayPhase::After;
                    }
                }
            }
        }
        reader.consume(n);
    }
    match phase {
        ArrayPhase::After => Ok(()),
        _ => Err(malformed("EOF while parsing a list", line, column)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fmt::Write as _;
    use std::io::Write;

    /// Row number and email, or why the row was skipped.
    type Rows = Vec<(u64, std::result::Result<String, String>)>;

    fn read(name: &str, bytes: &[u8]) -> (Result<u64>, Rows) {
        let dir = std::env::temp_dir().join(format!("cl-audience-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        let mut rows = Vec::new();
        let result = for_each_row(
            &path,
            &FieldMap::default(),
            &ReadOptions::default(),
            |row| {
                rows.push((row.number, row.profile.map(|p| p.email.unwrap_or_default())));
            },
        );
        (result.map(|o| o.rows), rows)
    }

    fn gz(bytes: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(bytes).unwrap();
        e.finish().unwrap()
    }

    #[test]
    fn csv_with_bom_semicolons_quotes_and_bad_rows() {
        let csv = "\u{feff}email;language;owned_products\r\na@example.com;de;\"A;B\"\r\nnot-an-address;en;\r\n\"b@example.com\";\"en\nGB\";X\r\n";
        let (result, rows) = read("export.csv", csv.as_bytes());
        assert_eq!(result.unwrap(), 3);
        assert_eq!(rows[0], (1, Ok("a@example.com".to_owned())));
        assert!(
            rows[1]
                .1
                .as_ref()
                .unwrap_err()
                .contains("invalid email address")
        );
        assert_eq!(rows[2], (3, Ok("b@example.com".to_owned())));
    }

    #[test]
    fn json_lines_and_arrays() {
        let jsonl =
            "{\"email\": \"a@example.com\"}\n\n{broken\n[1]\n{\"email\": \"b@example.com\"}\n";
        let (result, rows) = read("export.jsonl", jsonl.as_bytes());
        assert_eq!(result.unwrap(), 4);
        assert!(
            rows[1]
                .1
                .as_ref()
                .unwrap_err()
                .starts_with("malformed JSON")
        );
        assert!(rows[2].1.as_ref().unwrap_err().contains("found an array"));
        assert_eq!(rows[3], (4, Ok("b@example.com".to_owned())));
        let array = "[{\"email\": \"a@example.com\"}, 7, {\"email\": \"b@example.com\"}]";
        let (result, rows) = read("export.json", array.as_bytes());
        assert_eq!(result.unwrap(), 3);
        assert!(rows[1].1.is_err());
        let (result, rows) = read(
            "broken.json",
            b"[{\"email\": \"a@example.com\"}, {\"email\" ",
        );
        assert_eq!(rows.len(), 1);
        let err = result.unwrap_err();
        assert!(err.message.contains("after 1 rows"), "{err}");
    }

    #[test]
    fn json_array_elements_are_found_by_their_brackets_and_strings() {
        let array = "\u{feff} [ {\"email\": \"a@example.com\", \"note\": \"],{\\\"\"},\n {\"email\": \"b@example.com\", \"x\": [1, {\"y\": \"}\"}]} ]\n";
        let (result, rows) = read("nested.json", array.as_bytes());
        assert_eq!(result.unwrap(), 2);
        assert_eq!(rows[0], (1, Ok("a@example.com".to_owned())));
        assert_eq!(rows[1], (2, Ok("b@example.com".to_owned())));
        let (result, rows) = read("empty.json", b"[]");
        assert_eq!((result.unwrap(), rows.len()), (0, 0));
        for broken in ["[{}, ]", "[,{}]", "[{}] x", "[{} {}]", "[{\"a\": 1"] {
            let (result, _) = read("broken.json", broken.as_bytes());
            let err = result.unwrap_err();
            assert!(err.message.contains("malformed JSON"), "{broken}: {err}");
        }
    }

    #[test]
    fn json_lines_that_are_not_utf8_are_skipped_rows() {
        let jsonl = b"{\"email\": \"a@example.com\"}\n{\"email\": \"j\xf6rg@example.com\"}\n{\"email\": \"b@example.com\"}\n";
        let (result, rows) = read("latin1.jsonl", jsonl);
        assert_eq!(result.unwrap(), 3);
        let reason = rows[1].1.as_ref().unwrap_err();
        assert!(reason.contains("not valid UTF-8 (at byte 13)"), "{reason}");
        assert_eq!(rows[2], (3, Ok("b@example.com".to_owned())));
    }

    #[test]
    fn utf16_with_a_byte_order_mark() {
        let text = "email\tlanguage\r\nanna@example.com\tDeutsch\r\njo\u{eb}l@example.com\tfr\r\n";
        for (name, bom, units) in [
            (
                "le.csv",
                [0xFF, 0xFE],
                text.encode_utf16()
                    .flat_map(u16::to_le_bytes)
                    .collect::<Vec<u8>>(),
            ),
            (
                "be.csv",
                [0xFE, 0xFF],
                text.encode_utf16()
                    .flat_map(u16::to_be_bytes)
                    .collect::<Vec<u8>>(),
            ),
        ] {
            let bytes = [&bom[..], &units].concat();
            let (result, rows) = read(name, &bytes);
            assert_eq!(result.unwrap(), 2, "{name}");
            assert_eq!(rows[0], (1, Ok("anna@example.com".to_owned())), "{name}");
            assert_eq!(
                rows[1],
                (2, Ok("jo\u{eb}l@example.com".to_owned())),
                "{name}"
            );
        }
    }

    #[test]
    fn gzip_and_truncated_gzip() {
        let csv = b"email\na@example.com\nb@example.com\n";
        let (result, rows) = read("export.csv.gz", &gz(csv));
        assert_eq!(result.unwrap(), 2);
        assert_eq!(rows.len(), 2);
        let mut big = String::from("email\n");
        for i in 0..20_000 {
            let _ = writeln!(big, "user{i}@example.com");
        }
        let packed = gz(big.as_bytes());
        let (result, rows) = read("cut.csv.gz", &packed[..packed.len() / 2]);
        let err = result.unwrap_err();
        assert!(err.message.contains("after"), "{err}");
        assert!(!rows.is_empty() && rows.len() < 20_000);
    }
}

#[cfg(test)]
mod line_tests {
    use super::*;

    fn lines(text: &str) -> Vec<Option<u64>> {
        let mut out = Vec::new();
        let map = FieldMap::default();
        let mut mapping = Mapping {
            given: &map,
            detect: false,
            join: false,
            chosen: None,
        };
        read_csv(
            text.as_bytes(),
            &mut mapping,
            &ReadOptions::default(),
            &mut |row: Row| out.push(row.line),
        )
        .unwrap();
        out
    }

    #[test]
    fn csv_rows_know_their_lines() {
        assert_eq!(
            lines("email\na@example.com\nb@example.com\n"),
            [Some(2), Some(3)]
        );
        assert_eq!(
            lines("email\r\na@example.com\r\nb@example.com\r\n"),
            [Some(2), Some(3)]
        );
        assert_eq!(
            lines("email,note\na@example.com,\"two\nlines\"\nb@example.com,x\n"),
            [Some(2), Some(4)]
        );
    }
}

#[cfg(test)]
mod quote_tests {
    use super::*;
    use std::fmt::Write as _;

    fn rows(text: &str) -> Vec<(u64, Option<u64>, bool)> {
        rows_within(text, &ReadOptions::default())
    }

    /// Row number, line and whether it was read, of the CSV `text` read with `options`.
    fn rows_within(text: &str, options: &ReadOptions) -> Vec<(u64, Option<u64>, bool)> {
        let map = FieldMap::default();
        let mut mapping = Mapping {
            given: &map,
            detect: false,
            join: false,
            chosen: None,
        };
        let mut out = Vec::new();
        read_csv(text.as_bytes(), &mut mapping, options, &mut |row: Row| {
            out.push((row.number, row.line, row.profile.is_ok()));
        })
        .unwrap();
        out
    }

    #[test]
    fn an_unterminated_quote_costs_one_row() {
        let mut text =
            String::from("email,note\na@example.com,fine\nb@example.com,\"never closed\n");
        for i in 0..300 {
            let _ = writeln!(text, "user{i}@example.com,x");
        }
        let got = rows(&text);
        assert_eq!(got.len(), 302);
        assert_eq!(got[1], (2, Some(3), false));
        assert!(got[2..].iter().all(|(_, _, ok)| *ok));
        assert_eq!(got[2], (3, Some(4), true));
    }

    #[test]
    fn a_line_past_the_byte_limit_inside_an_open_quote_is_a_broken_row_of_its_own() {
        let options = ReadOptions {
            record_limits: RecordLimits {
                lines: 100,
                bytes: 64,
                json_bytes: 64,
            },
            ..ReadOptions::default()
        };
        let text = format!(
            "email,note\na@example.com,\"open\n{}\nb@example.com,x\n",
            "y".repeat(200)
        );
        assert_eq!(
            rows_within(&text, &options),
            [(1, Some(2), false), (2, Some(3), false), (3, Some(4), true)]
        );
    }

    #[test]
    fn quoted_line_breaks_and_doubled_quotes_are_kept() {
        let got = rows("email,note\na@example.com,\"say \"\"hi\"\"\nthere\"\nb@example.com,x");
        assert_eq!(got, [(1, Some(2), true), (2, Some(4), true)]);
    }
}
