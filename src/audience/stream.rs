//! An export read in pieces of whole rows, so that several threads can check them: CSV
//! split at record boundaries (quote-aware, so a quoted line break never splits a row),
//! JSON Lines split at line breaks. Reading, decompressing and splitting is done by one
//! thread at a time (the engine's workers take turns); parsing the rows is left to
//! whoever took the piece.
//!
//! JSON arrays are not split (one document); [`start`] leaves them to
//! [`super::reader::for_each_row`].

use std::io::{BufRead, ErrorKind, Read};
use std::path::Path;
use std::sync::{Arc, Mutex};

use memchr::{memchr, memrchr};

use super::presets::Preset;
use super::reader::{
    AudienceFormat, Mapping, ReadFailure, ReadOptions, header_names, open, read_failure,
    sniff_delimiter,
};
use super::scan::{RecordEnd, count_breaks, record_end, unquote};
use crate::error::Result;
use crate::limits::RecordLimits;
use crate::profiles::FieldMap;

/// Bytes per piece: small enough to keep both cores busy and memory flat, large enough
/// that what a piece costs beyond its rows (examples, grouping, merging: about 100,000
/// instructions) is small next to them. 256 KiB pieces cost 5% more instructions per
/// JSON Lines row than 1 MiB ones, 64 KiB pieces 40% more time.
const PIECE: usize = 1 << 20;

/// The bytes per piece: [`PIECE`], or `CAMPAIGN_LINT_PIECE_KB` (4 to 65536), so that
/// tests can cut a small export into many pieces.
fn piece_size() -> usize {
    static SIZE: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *SIZE.get_or_init(|| {
        std::env::var("CAMPAIGN_LINT_PIECE_KB")
            .ok()
            .and_then(|kb| kb.parse::<usize>().ok())
            .map_or(PIECE, |kb| kb.clamp(4, 1 << 16) << 10)
    })
}

/// How the export is laid out, settled before the first row.
#[derive(Debug, Clone)]
pub struct Layout {
    pub format: AudienceFormat,
    pub delimiter: u8,
    /// CSV: the header row's names, trimmed.
    pub headers: Vec<String>,
    pub map: FieldMap,
    /// The export layout recognised from the columns, when asked to.
    pub preset: Option<&'static Preset>,
    pub record_limits: RecordLimits,
}

/// Whole rows of the export, in file order.
#[derive(Debug)]
pub enum Piece {
    /// CSV records or JSON lines; `plain` says the bytes contain no quote (CSV). Pieces
    /// do not know their lines (counting them would be the reading thread's work): each
    /// piece starts where the line breaks of the pieces before it end.
    Rows { bytes: Buffer, plain: bool },
    /// The first line of a CSV record past the [`RecordLimits`] (a quoted field that
    /// never closes, or a line that is too long), or a JSON line past them; reading goes
    /// on with the line after it.
    Broken,
}

/// The export after its layout, handing out pieces.
pub struct Stream {
    reader: Box<dyn BufRead + Send>,
    path: String,
    format: AudienceFormat,
    delimiter: u8,
    /// Bytes read and not handed out yet; they start at a row boundary.
    buf: Buffer,
    /// The file line of the first row (after the header row).
    first_line: u64,
    eof: bool,
    limits: RecordLimits,
    /// Inside a line past the byte limit: its bytes are dropped up to its line break.
    dropping: bool,
    /// Buffers of pieces already checked, to read the next pieces into.
    spare: Spare,
    /// A read that failed, told once the complete rows read before it are handed out.
    failure: Option<ReadFailure>,
}

/// Buffers handed back once their piece is checked. Reusing them spares the allocator
/// and the kernel a fresh mapping (and its page faults) for every piece.
#[derive(Clone, Default)]
pub struct Spare(Arc<Mutex<Vec<Buffer>>>);

/// Most buffers kept: a few per thread.
const SPARE_KEPT: usize = 16;

impl Spare {
    /// Hands back a piece's buffer.
    pub fn give(&self, mut buf: Buffer) {
        if let Ok(mut kept) = self.0.lock()
            && kept.len() < SPARE_KEPT
        {
            buf.clear();
            kept.push(buf);
        }
    }

    fn take(&self) -> Buffer {
        self.0
            .lock()
            .ok()
            .and_then(|mut kept| kept.pop())
            .unwrap_or_else(|| Buffer::with_capacity(2 * piece_size() + PAGE))
    }
}

/// Bytes read from the export: `store[start..end]`. The storage around them stays as
/// earlier reads left it, so that reading into a reused buffer costs no zeroing first
/// (safe Rust reads only into initialised bytes).
#[derive(Debug, Default)]
pub struct Buffer {
    store: Vec<u8>,
    start: usize,
    end: usize,
}

impl std::ops::Deref for Buffer {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        &self.store[self.start..self.end]
    }
}

/// Reads land at a multiple of this in memory (see [`Buffer::start_with`]).
const PAGE: usize = 4096;

impl Buffer {
    fn with_capacity(capacity: usize) -> Buffer {
        Buffer {
            store: vec![0; capacity],
            start: 0,
            end: 0,
        }
    }

    fn clear(&mut self) {
        self.start = 0;
        self.end = 0;
    }

    fn truncate(&mut self, len: usize) {
        self.end = self.end.min(self.start + len);
    }

    /// Drops the first `n` bytes.
    fn consume(&mut self, n: usize) {
        self.start = self.end.min(self.start + n);
    }

    /// Empties the buffer and puts `tail` (the start of a row) in it, placed so that the
    /// bytes read after it land at a page boundary. The kernel copies a read about four
    /// times slower to an address 16 bytes past a page boundary (where a fresh heap
    /// block starts) than to the boundary itself: measured 0.9 s against 0.23 s of
    /// system time for a 1.5 GB export.
    fn start_with(&mut self, tail: &[u8]) {
        let room = PAGE + tail.len() + piece_size();
        if self.store.len() < room {
            self.store.resize(room, 0);
        }
        let address = self.store.as_ptr() as usize;
        self.start = (PAGE - (address + tail.len()) % PAGE) % PAGE;
        self.end = self.start + tail.len();
        self.store[self.start..self.end].copy_from_slice(tail);
    }

    /// At least `n` writable bytes after the data (zeroed only the first time the
    /// storage grows that far). Bytes dropped from the front are given back first: a
    /// run of dropped rows must not make the storage grow with the file.
    fn room(&mut self, n: usize) -> &mut [u8] {
        if self.store.len() < self.end + n && self.start > 0 {
            self.store.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.start = 0;
        }
        if self.store.len() < self.end + n {
            self.store.resize(self.end + n, 0);
        }
        &mut self.store[self.end..]
    }
}

impl Piece {
    /// The piece's buffer, to be handed back through [`Stream::spare`].
    pub fn into_buffer(self) -> Option<Buffer> {
        match self {
            Piece::Rows { bytes, .. } => Some(bytes),
            Piece::Broken => None,
        }
    }
}

/// Opens the export and reads as far as it must to settle the layout: the header row of
/// a CSV file, the first object of JSON Lines. None for a JSON array.
pub fn start(
    path: &Path,
    map: &FieldMap,
    options: &ReadOptions,
) -> Result<Option<(Layout, Stream)>> {
    let (reader, format) = open(path, options)?;
    if format == AudienceFormat::JsonArray {
        return Ok(None);
    }
    let display = path.display().to_string();
    let mut stream = Stream {
        reader,
        path: display.clone(),
        format,
        delimiter: b',',
        buf: Buffer::default(),
        first_line: 1,
        eof: false,
        limits: options.record_limits,
        dropping: false,
        spare: Spare::default(),
        failure: None,
    };
    let mut mapping = Mapping::new(map, options);
    let fail = |f: ReadFailure| read_failure(&display, f, 0);
    let mut headers = Vec::new();
    match format {
        AudienceFormat::Csv => {
            stream.fill().map_err(fail)?;
            let first = memchr(b'\n', &stream.buf).unwrap_or(stream.buf.len());
            stream.delimiter = options
                .delimiter
                .unwrap_or_else(|| sniff_delimiter(&stream.buf[..first]));
            let end = loop {
                match record_end(&stream.buf, 0, stream.delimiter, stream.eof, stream.limits) {
                    RecordEnd::At(end) => break end,
                    RecordEnd::Broken => {
                        return Err(fail((stream.limits.header_message(), Some(1))));
                    }
                    RecordEnd::More => stream.fill().map_err(fail)?,
                }
            };
            if end > 0 {
                let mut parser = csv_core::ReaderBuilder::new()
                    .delimiter(stream.delimiter)
                    .build();
                let (mut out, mut ends) = (Vec::new(), Vec::new());
                let n = unquote(&mut parser, &stream.buf[..end], &mut out, &mut ends);
                headers = header_names(&out, &ends, n);
                mapping.settle(&headers);
                stream.first_line += count_breaks(&stream.buf[..end]) as u64;
                stream.buf.consume(end);
            }
        }
        AudienceFormat::JsonLines => {
            settle_from_first_object(&mut stream, &mut mapping).map_err(fail)?;
        }
        AudienceFormat::JsonArray => unreachable!("returned above"),
    }
    let (map, preset) = match mapping.chosen.take() {
        Some(chosen) => chosen,
        None => (map.clone(), None),
    };
    let layout = Layout {
        format,
        delimiter: stream.delimiter,
        headers,
        map,
        preset,
        record_limits: options.record_limits,
    };
    Ok(Some((layout, stream)))
}

/// Most bytes read ahead to find the first object of JSON Lines before giving up and
/// using the given field names.
const SETTLE_LIMIT: usize = 16 << 20;

/// Settles the mapping from the keys of the first line that is a JSON object; the lines
/// stay in the buffer as rows.
fn settle_from_first_object(
    stream: &mut Stream,
    mapping: &mut Mapping,
) -> std::result::Result<(), ReadFailure> {
    let mut pos = 0;
    loop {
        while let Some(i) = memchr(b'\n', &stream.buf[pos..]) {
            let line = &stream.buf[pos..pos + i];
            pos += i + 1;
            if let Some(keys) = object_keys(line) {
                mapping.settle(&keys);
                return Ok(());
            }
        }
        if stream.eof {
            if let Some(keys) = object_keys(&stream.buf[pos..]) {
                mapping.settle(&keys);
            }
            return Ok(());
        }
        if stream.buf.len() > SETTLE_LIMIT {
            return Ok(());
        }
        stream.fill()?;
    }
}

/// The keys of a line that is a JSON object, read as the reference reader reads it: a
/// line that is not UTF-8 settles nothing (it is a skipped row there).
fn object_keys(line: &[u8]) -> Option<Vec<String>> {
    let text = std::str::from_utf8(line).ok()?;
    let text = text.trim().trim_start_matches('\u{feff}');
    match serde_json::from_str::<serde_json::Value>(text).ok()? {
        serde_json::Value::Object(o) => Some(o.keys().cloned().collect()),
        _ => None,
    }
}

impl Stream {
    /// Reads up to a piece's worth more.
    fn fill(&mut self) -> std::result::Result<(), ReadFailure> {
        let piece = piece_size();
        let room = &mut self.buf.room(piece)[..piece];
        let mut filled = 0;
        let mut failure = None;
        while filled < piece {
            match self.reader.read(&mut room[filled..]) {
                Ok(0) => {
                    self.eof = true;
                    break;
                }
                Ok(n) => filled += n,
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) => {
                    let what = if e.kind() == ErrorKind::UnexpectedEof
                        || e.to_string().contains("corrupt")
                    {
                        "the compressed file is truncated or corrupt"
                    } else {
                        "cannot read on"
                    };
                    failure = Some((format!("{what}: {e}"), None));
                    break;
                }
            }
        }
        self.buf.end += filled;
        failure.map_or(Ok(()), Err)
    }

    /// Most bytes in one row of this export.
    fn row_limit(&self) -> usize {
        match self.format {
            AudienceFormat::Csv => self.limits.bytes,
            _ => self.limits.json_bytes,
        }
    }

    /// The file line of the first row.
    pub fn first_line(&self) -> u64 {
        self.first_line
    }

    /// Where checked pieces' buffers go back to.
    pub fn spare(&self) -> Spare {
        self.spare.clone()
    }

    /// The export's path, for messages.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The next piece of whole rows; None at the end. An error ends the stream: the file
    /// cannot be read on (the message, and the line).
    pub fn next_piece(&mut self) -> std::result::Result<Option<Piece>, ReadFailure> {
        if let Some(failure) = self.failure.take() {
            return Err(failure);
        }
        loop {
            if self.dropping {
                match memchr(b'\n', &self.buf) {
                    Some(i) => {
                        self.buf.consume(i + 1);
                        self.dropping = false;
                    }
                    None => {
                        self.buf.clear();
                        if self.eof {
                            return Ok(None);
                        }
                        self.fill()?;
                        continue;
                    }
                }
            }
            if self.buf.len() >= piece_size() || self.eof {
                if let Some(piece) = self.split() {
                    return Ok(Some(piece));
                }
                if self.eof {
                    return Ok(None);
                }
            }
            if let Err(failure) = self.fill() {
                // The complete rows read before the failure are still checked: they go
                // out as a last piece, and the failure with the next call.
                return match self.split() {
                    Some(piece) => {
                        self.failure = Some(failure);
                        Ok(Some(piece))
                    }
                    None => Err(failure),
                };
            }
        }
    }

    /// Cuts the complete rows off the front of the buffer.
    fn split(&mut self) -> Option<Piece> {
        if self.buf.is_empty() {
            return None;
        }
        let plain = self.format == AudienceFormat::JsonLines || memchr(b'"', &self.buf).is_none();
        let cut = if plain {
            if self.eof {
                self.buf.len()
            } else if let Some(i) = memrchr(b'\n', &self.buf) {
                i + 1
            } else if self.buf.len() > self.row_limit() {
                // One line longer than a record may be: it is no row; drop it.
                self.buf.clear();
                self.dropping = true;
                return Some(Piece::Broken);
            } else {
                return None;
            }
        } else {
            let mut pos = 0;
            loop {
                match record_end(&self.buf, pos, self.delimiter, self.eof, self.limits) {
                    RecordEnd::At(end) if end > pos => pos = end,
                    RecordEnd::At(_) | RecordEnd::More => break,
                    RecordEnd::Broken if pos > 0 => break,
                    RecordEnd::Broken => {
                        // The record's first line is the broken row; the lines after it
                        // are read again as rows of their own.
                        match memchr(b'\n', &self.buf) {
                            Some(i) => self.buf.consume(i + 1),
                            None => {
                                self.buf.clear();
                                self.dropping = !self.eof;
                            }
                        }
                        return Some(Piece::Broken);
                    }
                }
            }
            if pos == 0 {
                return None;
            }
            pos
        };
        let mut rest = self.spare.take();
        rest.start_with(&self.buf[cut..]);
        self.buf.truncate(cut);
        let bytes = std::mem::replace(&mut self.buf, rest);
        Some(Piece::Rows { bytes, plain })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_land_on_a_page_boundary_after_the_carried_tail() {
        let mut buffer = Buffer::with_capacity(2 * piece_size() + PAGE);
        for tail in [&b""[..], b"x", b"{\"email\": \"a@exam", &[b'y'; 5000]] {
            buffer.start_with(tail);
            assert_eq!(&*buffer, tail);
            let read_at = buffer.store.as_ptr() as usize + buffer.end;
            assert_eq!(read_at % PAGE, 0, "tail of {}", tail.len());
            assert!(buffer.room(piece_size()).len() >= piece_size());
        }
        buffer.consume(2);
        assert_eq!(buffer.len(), 4998);
        // Dropped bytes are given back before the storage grows.
        let size = buffer.store.len();
        for _ in 0..10 {
            let n = buffer.len();
            buffer.consume(n.saturating_sub(10));
            let room = buffer.room(size / 2).len();
            assert!(room >= size / 2);
            buffer.end += size / 2;
        }
        assert!(
            buffer.store.len() <= 2 * size,
            "{} from {size}",
            buffer.store.len()
        );
        buffer.start_with(&[b'y'; 4998]);
        buffer.truncate(10);
        assert_eq!(&*buffer, &[b'y'; 10]);
        buffer.clear();
        assert!(buffer.is_empty());
    }
}
