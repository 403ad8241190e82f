//! Fast, allocation-free reading of export rows: where a CSV record ends (quote-aware),
//! its cells, and the top-level members of a JSON Lines object, in general or by the
//! [`Skeleton`] of an earlier row laid out the same way. Each function either
//! gives an exact answer or says it cannot, so that the caller falls back to the full
//! parsers (csv-core, serde_json) for anything unusual: the fast path never accepts a row
//! the full parsers would reject, and never reads one differently.

use memchr::{memchr, memchr2};

use crate::limits::RecordLimits;

/// How [`read_line_within`] found the next line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Line {
    /// The line, with its line break (none at the end of the input), is in the buffer.
    Read,
    /// The line is longer than the limit: it was read to its end and not kept.
    TooLong,
    /// No more input.
    End,
}

/// Reads the next line into `buf` (cleared first) when it is at most `max` bytes long,
/// its line break included; a longer line is read to its end without being kept, so that
/// memory stays within the limit whatever the input.
pub fn read_line_within(
    reader: &mut impl std::io::BufRead,
    buf: &mut Vec<u8>,
    max: usize,
) -> std::io::Result<Line> {
    buf.clear();
    let (mut any, mut over) = (false, false);
    loop {
        let chunk = match reader.fill_buf() {
            Ok(chunk) => chunk,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if chunk.is_empty() {
            break;
        }
        any = true;
        let (take, done) = match memchr(b'\n', chunk) {
            Some(i) => (i + 1, true),
            None => (chunk.len(), false),
        };
        if !over && buf.len() + take > max {
            over = true;
            *buf = Vec::new();
        }
        if !over {
            buf.extend_from_slice(&chunk[..take]);
        }
        reader.consume(take);
        if done {
            break;
        }
    }
    Ok(match (any, over) {
        (false, _) => Line::End,
        (true, true) => Line::TooLong,
        (true, false) => Line::Read,
    })
}

/// Where the CSV record starting at some offset ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordEnd {
    /// Just before this offset: after its line break, or at the end of the input.
    At(usize),
    /// The record is longer than the [`RecordLimits`], or a quoted field is still open
    /// at the end of the input.
    Broken,
    /// More input is needed to tell.
    More,
}

/// Finds the end of the record that starts at `start`, reading quotes as RFC 4180 and
/// csv-core do: a quote opens a quoted field only at the start of a field, `""` inside
/// one is a literal quote, and line breaks inside one belong to the record.
pub fn record_end(
    buf: &[u8],
    start: usize,
    delimiter: u8,
    eof: bool,
    limits: RecordLimits,
) -> RecordEnd {
    let mut pos = start;
    let mut quoted_breaks = 0usize;
    let too_long = |bytes: usize, breaks: usize| breaks > limits.lines || bytes > limits.bytes;
    loop {
        let Some(i) = memchr2(b'"', b'\n', &buf[pos..]) else {
            return if too_long(buf.len() - start, 0) {
                RecordEnd::Broken
            } else if eof {
                RecordEnd::At(buf.len())
            } else {
                RecordEnd::More
            };
        };
        let at = pos + i;
        if buf[at] == b'\n' {
            return if too_long(at + 1 - start, 0) {
                RecordEnd::Broken
            } else {
                RecordEnd::At(at + 1)
            };
        }
        let field_start = at == start || buf[at - 1] == delimiter || buf[at - 1] == b'\n';
        if !field_start {
            pos = at + 1;
            continue;
        }
        // Inside quotes, up to the closing one.
        let mut q = at + 1;
        loop {
            let Some(j) = memchr(b'"', &buf[q..]) else {
                quoted_breaks += count_breaks(&buf[q..]);
                return if eof || too_long(buf.len() - start, quoted_breaks) {
                    RecordEnd::Broken
                } else {
                    RecordEnd::More
                };
            };
            let close = q + j;
            quoted_breaks += count_breaks(&buf[q..close]);
            if too_long(close - start, quoted_breaks) {
                return RecordEnd::Broken;
            }
            match buf.get(close + 1) {
                None if !eof => return RecordEnd::More,
                Some(b'"') => q = close + 2,
                _ => {
                    pos = close + 1;
                    break;
                }
            }
        }
    }
}

/// Line breaks in `bytes`.
pub fn count_breaks(bytes: &[u8]) -> usize {
    // Written as a plain count so that it vectorises.
    bytes.iter().filter(|&&b| b == b'\n').count()
}

/// The record without its line break (`\n` or `\r\n`).
pub fn trim_break(record: &[u8]) -> &[u8] {
    let r = record.strip_suffix(b"\n").unwrap_or(record);
    r.strip_suffix(b"\r").unwrap_or(r)
}

/// Whether a record is only white space (a blank line, which is not a row).
pub fn is_blank(record: &[u8]) -> bool {
    record.iter().all(u8::is_ascii_whitespace)
}

/// Offsets of every byte of `bytes` that is `a` or `b`, in order. Bytes are classified
/// 64 at a time into a bit mask (SSE2 on x86-64), so a hit costs a few instructions
/// rather than a search's set-up: the cells of an export are a few bytes long.
pub struct Hits2<'a> {
    bytes: &'a [u8],
    /// Offset of the block `mask` describes.
    base: usize,
    mask: u64,
    a: u8,
    b: u8,
}

impl<'a> Hits2<'a> {
    pub fn new(bytes: &'a [u8], a: u8, b: u8) -> Self {
        let mut hits = Hits2 {
            bytes,
            base: 0,
            mask: 0,
            a,
            b,
        };
        hits.mask = hits.block_at(0);
        hits
    }

    /// The mask of the 64 bytes from `at` (fewer at the end: bits past it stay clear).
    fn block_at(&self, at: usize) -> u64 {
        match self.bytes.get(at..at + 64) {
            Some(block) => block_mask(block.try_into().unwrap_or(&[0; 64]), self.a, self.b),
            None => {
                let tail = self.bytes.get(at..).unwrap_or_default();
                tail.iter().enumerate().fold(0, |m, (i, &c)| {
                    m | (u64::from(c == self.a || c == self.b) << i)
                })
            }
        }
    }
}

impl Iterator for Hits2<'_> {
    type Item = usize;

    #[inline]
    fn next(&mut self) -> Option<usize> {
        while self.mask == 0 {
            self.base += 64;
            if self.base >= self.bytes.len() {
                return None;
            }
            self.mask = self.block_at(self.base);
        }
        let at = self.base + self.mask.trailing_zeros() as usize;
        self.mask &= self.mask - 1;
        Some(at)
    }
}

/// Bit i set where `block[i]` is `a` or `b`.
#[cfg(target_arch = "x86_64")]
fn block_mask(block: &[u8; 64], a: u8, b: u8) -> u64 {
    use safe_arch::{
        bitor_m128i, cmp_eq_mask_i8_m128i, load_unaligned_m128i, move_mask_i8_m128i,
        set_splat_i8_m128i,
    };
    let (va, vb) = (
        set_splat_i8_m128i(a.cast_signed()),
        set_splat_i8_m128i(b.cast_signed()),
    );
    let mut mask = 0;
    for (i, chunk) in block.chunks_exact(16).enumerate() {
        let v = load_unaligned_m128i(chunk.try_into().unwrap_or(&[0; 16]));
        let hit = bitor_m128i(cmp_eq_mask_i8_m128i(v, va), cmp_eq_mask_i8_m128i(v, vb));
        mask |= u64::from(move_mask_i8_m128i(hit) as u16) << (16 * i);
    }
    mask
}

#[cfg(not(target_arch = "x86_64"))]
fn block_mask(block: &[u8; 64], a: u8, b: u8) -> u64 {
    block
        .iter()
        .enumerate()
        .fold(0, |m, (i, &c)| m | (u64::from(c == a || c == b) << i))
}

/// Splits a record without quotes into its cells. Returns false, with `cells` unusable,
/// when the record needs the full CSV parser (a quote, or a carriage return inside it).
pub fn split_plain<'a>(record: &'a [u8], delimiter: u8, cells: &mut Vec<&'a [u8]>) -> bool {
    cells.clear();
    let line = trim_break(record);
    let mut start = 0;
    let mut pos = 0;
    while let Some(i) = first_of(&line[pos..], [delimiter, b'"', b'\r']) {
        let at = pos + i;
        if line[at] != delimiter {
            return false;
        }
        cells.push(&line[start..at]);
        start = at + 1;
        pos = start;
    }
    cells.push(&line[start..]);
    true
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH: u64 = 0x8080_8080_8080_8080;

/// High bit of each byte of `x` that is zero: exact for the lowest such byte, which is all
/// the callers use.
fn zero_bytes(x: u64) -> u64 {
    x.wrapping_sub(ONES) & !x & HIGH
}

/// Eight bytes as a little-endian word.
fn word(chunk: &[u8]) -> u64 {
    <[u8; 8]>::try_from(chunk).map_or(0, u64::from_le_bytes)
}

/// The offset of the first of three bytes in `s`, eight bytes at a time (cells and
/// strings in exports are short: memchr's set-up would cost more than it saves).
pub fn first_of(bytes: &[u8], wanted: [u8; 3]) -> Option<usize> {
    first_where(
        bytes,
        |word| {
            wanted.iter().fold(0, |hits, &x| {
                hits | zero_bytes(word ^ (ONES * u64::from(x)))
            })
        },
        |b| wanted.contains(&b),
    )
}

/// The offset of the first byte of `bytes` that `byte_hit` picks, eight bytes at a time:
/// `word_hits` gives the high bit of each picked byte of a little-endian word (exact for
/// the lowest one), and the tail is read a byte at a time.
fn first_where(
    bytes: &[u8],
    word_hits: impl Fn(u64) -> u64,
    byte_hit: impl Fn(u8) -> bool,
) -> Option<usize> {
    let mut chunks = bytes.chunks_exact(8);
    let mut at = 0;
    for chunk in &mut chunks {
        let hits = word_hits(word(chunk));
        if hits != 0 {
            return Some(at + (hits.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    chunks
        .remainder()
        .iter()
        .position(|&b| byte_hit(b))
        .map(|i| at + i)
}

/// The cells of one record, unquoted by csv-core: their text in `out`, their ends in
/// `ends`; returns how many cells there are.
pub fn unquote(
    parser: &mut csv_core::Reader,
    record: &[u8],
    out: &mut Vec<u8>,
    ends: &mut Vec<usize>,
) -> usize {
    parser.reset();
    // One call parses a whole record when it ends in a line break and the buffers are as
    // large as the record (unquoting only shrinks it).
    let terminated;
    let input = if record.ends_with(b"\n") {
        record
    } else {
        terminated = [record, b"\n"].concat();
        &terminated
    };
    out.resize(input.len() + 1, 0);
    ends.resize(input.len() + 2, 0);
    let (_, _, _, n) = parser.read_record(input, out, ends);
    n
}

/// What a top-level member's value is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonKind {
    /// A string without escapes; the member's `text` is its content.
    Str,
    /// A string with escapes; `text` is its content, still escaped.
    Escaped,
    Array,
    Object,
    /// A number, `true`, `false` or `null`.
    Scalar,
}

/// One top-level member of a JSON object: its key (without escapes) and its value.
#[derive(Debug, Clone, Copy)]
pub struct Member<'a> {
    pub key: &'a [u8],
    pub value: MemberValue<'a>,
}

/// A member's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MemberValue<'a> {
    /// The value as written (with quotes for strings).
    pub raw: &'a [u8],
    pub kind: JsonKind,
}

impl<'a> MemberValue<'a> {
    /// For strings, the content between the quotes; else the same as `raw`.
    pub fn text(&self) -> &'a [u8] {
        match self.kind {
            JsonKind::Str | JsonKind::Escaped => &self.raw[1..self.raw.len() - 1],
            _ => self.raw,
        }
    }
}

/// Deepest nesting the fast reader follows; deeper rows go to serde_json.
const MAX_DEPTH: usize = 32;

/// The members of the JSON object that `line` holds (with optional white space around
/// it). Returns false when the line is not such an object in a form this reader is sure
/// of (it must then go to serde_json, which also explains what is wrong): escapes in a
/// key, `\u` escapes, control characters, deep nesting, or any syntax error.
pub fn object_members<'a>(line: &'a [u8], out: &mut Vec<Member<'a>>) -> bool {
    out.clear();
    let mut p = Parser { s: line, i: 0 };
    p.ws();
    if !p.eat(b'{') {
        return false;
    }
    p.ws();
    if !p.eat(b'}') {
        loop {
            p.ws();
            let Some((key, JsonKind::Str)) = p.string() else {
                return false;
            };
            let Some(member) = p.member_value(key) else {
                return false;
            };
            out.push(member);
            p.ws();
            if p.eat(b',') {
                continue;
            }
            if p.eat(b'}') {
                break;
            }
            return false;
        }
    }
    p.ws();
    p.i == line.len()
}

/// A JSON Lines row as an earlier row of the export wrote it: the bytes around its values
/// (braces, keys, colons, commas and white space), and which values were strings. Exports
/// write every row alike, so a row is read by comparing those bytes, sixteen at a time,
/// and finding where each value ends; nothing that is the same on every line is parsed
/// again.
///
/// A row read so is valid JSON: it is a valid row with each value replaced by another
/// valid value. Its members have the learnt row's keys, in its order, and the values
/// [`object_members`] would give.
#[derive(Debug, Default, Clone)]
pub struct Skeleton {
    /// Each member's glue (the bytes from the end of the value before it to the start of
    /// its own, the opening quote included for a string), then the closing glue, end to end.
    glue: Vec<u8>,
    bones: Vec<Bone>,
    /// Where the closing glue starts in `glue`.
    close: usize,
}

#[derive(Debug, Clone, Copy)]
struct Bone {
    /// Where this member's glue is in [`Skeleton::glue`].
    glue_start: usize,
    glue_len: usize,
    /// Whether the value was a string (its glue ends with the opening quote).
    string: bool,
    /// The glue's first 32 bytes, padded with zeros.
    head: [u8; 32],
}

impl Skeleton {
    /// Learns the layout of `line` from its members, as [`object_members`] read them.
    /// False (and an empty skeleton, which reads nothing) when they are not members of it.
    pub fn learn(&mut self, line: &[u8], members: &[Member]) -> bool {
        self.glue.clear();
        self.bones.clear();
        let mut prev = 0;
        for m in members {
            let (Some((value, value_end)), Some((key, key_end))) =
                (range_within(line, m.value.raw), range_within(line, m.key))
            else {
                return self.forget();
            };
            let string = matches!(m.value.kind, JsonKind::Str | JsonKind::Escaped);
            let glue_end = value + usize::from(string);
            if key < prev || key_end > glue_end {
                return self.forget();
            }
            let glue = &line[prev..glue_end];
            let mut head = [0; 32];
            let n = glue.len().min(32);
            head[..n].copy_from_slice(&glue[..n]);
            self.bones.push(Bone {
                glue_start: self.glue.len(),
                glue_len: glue.len(),
                string,
                head,
            });
            self.glue.extend_from_slice(glue);
            prev = value_end;
        }
        let Some(close) = line[prev..].iter().position(|&b| b == b'}') else {
            return self.forget();
        };
        self.close = self.glue.len();
        self.glue.extend_from_slice(&line[prev..=prev + close]);
        !self.bones.is_empty() || self.forget()
    }

    fn forget(&mut self) -> bool {
        self.glue.clear();
        self.bones.clear();
        false
    }

    /// Reads the row at `start` of the piece `marks` reads, when it is laid out as the
    /// learnt row: `each` gets every member's number and value, in order, and the
    /// result is the row's length up to and with its line break (found by the reading).
    /// None when the row differs in any way (`each` may have been called for the members
    /// before the difference); the caller then reads the line with [`object_members`].
    pub fn read<'a>(
        &self,
        marks: &mut Marks<'a>,
        start: usize,
        mut each: impl FnMut(usize, MemberValue<'a>),
    ) -> Option<usize> {
        if self.bones.is_empty() {
            return None;
        }
        let line = marks.bytes;
        let mut pos = start;
        for (n, bone) in self.bones.iter().enumerate() {
            if !glue_at(line, pos, bone, &self.glue) {
                return None;
            }
            pos += bone.glue_len;
            let value_start = pos - usize::from(bone.string);
            let kind = if bone.string {
                // `pos` is past the opening quote (the glue's last byte).
                if let Some(end) = marks.string_end(pos) {
                    pos = end + 1;
                    JsonKind::Str
                } else {
                    let mut p = Parser { s: line, i: pos };
                    let (_, kind) = p.string_rest(pos)?;
                    pos = p.i;
                    kind
                }
            } else if let Some(end) = marks.string_array_end(pos) {
                pos = end;
                JsonKind::Array
            } else {
                let mut p = Parser { s: line, i: pos };
                let kind = p.value(0)?;
                // White space inside a value may not run on into the next line.
                if memchr(b'\n', &line[pos..p.i]).is_some() {
                    return None;
                }
                pos = p.i;
                kind
            };
            each(
                n,
                MemberValue {
                    raw: line.get(value_start..pos)?,
                    kind,
                },
            );
        }
        let close = &self.glue[self.close..];
        if !line
            .get(pos..pos + close.len())
            .is_some_and(|w| same(w, close))
        {
            return None;
        }
        // White space, then the line break or the end.
        let mut end = pos + close.len();
        loop {
            match line.get(end) {
                None => return Some(end - start),
                Some(b'\n') => return Some(end + 1 - start),
                Some(b' ' | b'\t' | b'\r') => end += 1,
                Some(_) => return None,
            }
        }
    }
}

/// Where the bytes that stop a plain string (a quote, a backslash or a control
/// character) are in a piece of JSON Lines: 64 bytes to a bit mask, classified as a
/// reader moves through the piece (the first stage of simdjson, a block at a time), for
/// the strings longer than two sixteen-byte looks.
pub struct Marks<'a> {
    bytes: &'a [u8],
    /// The block `stops` describes (its offset / 64); `usize::MAX` before the first.
    block: usize,
    stops: u64,
}

impl<'a> Marks<'a> {
    pub fn new(bytes: &'a [u8]) -> Self {
        Marks {
            bytes,
            block: usize::MAX,
            stops: 0,
        }
    }

    #[inline(never)]
    fn classify(&mut self, block: usize) {
        let at = block * 64;
        let padded;
        let bytes = match self.bytes.get(at..at + 64) {
            Some(bytes) => bytes,
            None => {
                // Past the end counts as a control character: no string ends there.
                let tail = self.bytes.get(at..).unwrap_or_default();
                let mut last = [0x01; 64];
                last[..tail.len()].copy_from_slice(tail);
                padded = last;
                &padded
            }
        };
        let mut stops = 0;
        for (i, chunk) in bytes.chunks_exact(16).enumerate() {
            let chunk = chunk.try_into().unwrap_or(&[0; 16]);
            stops |= u64::from(special_16(chunk)) << (16 * i);
        }
        self.block = block;
        self.stops = stops;
    }

    /// The closing quote of a string whose content starts at `from`, when no backslash or
    /// control character comes first; None for those (and for a string left open).
    /// Inlined into the readers: as a call it costs them a third more.
    #[allow(clippy::inline_always)] // measured, see above
    #[inline(always)]
    fn string_end(&mut self, from: usize) -> Option<usize> {
        // Most strings of an export end within 32 bytes: two direct looks at sixteen
        // bytes find them (1,668 -> 1,525 instructions per JSON Lines row of the
        // benchmark, against classifying every block); longer ones go by the blocks.
        for at in [from, from + 16] {
            let Some(chunk) = self.bytes.get(at..at + 16) else {
                break;
            };
            let stops = special_16(chunk.try_into().unwrap_or(&[0; 16]));
            if stops != 0 {
                let end = at + stops.trailing_zeros() as usize;
                return (self.bytes.get(end) == Some(&b'"')).then_some(end);
            }
        }
        let mut block = from / 64;
        let mut wanted = u64::MAX << (from % 64);
        while block * 64 < self.bytes.len() {
            if block != self.block {
                self.classify(block);
            }
            let stops = self.stops & wanted;
            if stops != 0 {
                let at = block * 64 + stops.trailing_zeros() as usize;
                return (self.bytes.get(at) == Some(&b'"')).then_some(at);
            }
            block += 1;
            wanted = u64::MAX;
        }
        None
    }

    /// The end of the JSON array of strings without escapes at `at` (`["a", "b"]`, items
    /// and brackets set apart by spaces at most); None for any other value, which the
    /// full value reader then reads.
    #[inline]
    fn string_array_end(&mut self, at: usize) -> Option<usize> {
        let s = self.bytes;
        let spaces = |mut i: usize| {
            while s.get(i) == Some(&b' ') {
                i += 1;
            }
            i
        };
        if s.get(at) != Some(&b'[') {
            return None;
        }
        let mut i = spaces(at + 1);
        if s.get(i) == Some(&b']') {
            return Some(i + 1);
        }
        loop {
            if s.get(i) != Some(&b'"') {
                return None;
            }
            i = spaces(self.string_end(i + 1)? + 1);
            match s.get(i) {
                Some(b',') => i = spaces(i + 1),
                Some(b']') => return Some(i + 1),
                _ => return None,
            }
        }
    }
}

/// Whether `line` has a bone's glue at `at`: glue of up to 32 bytes is compared with its
/// padded copy in one or two sixteen-byte looks where the line has the bytes there.
#[inline]
fn glue_at(line: &[u8], at: usize, bone: &Bone, glue: &[u8]) -> bool {
    let n = bone.glue_len;
    let (head, tail) = bone.head.split_at(16);
    let head: &[u8; 16] = head.try_into().unwrap_or(&[0; 16]);
    if n <= 16
        && let Some(window) = line.get(at..at + 16)
    {
        let equal = equal_16(window.try_into().unwrap_or(&[0; 16]), head);
        let wanted = (1u32 << n) - 1;
        return equal & wanted == wanted;
    }
    if n <= 32
        && let Some(window) = line.get(at..at + 32)
    {
        let (first, second) = window.split_at(16);
        let equal = equal_16(first.try_into().unwrap_or(&[0; 16]), head)
            | (equal_16(
                second.try_into().unwrap_or(&[0; 16]),
                tail.try_into().unwrap_or(&[0; 16]),
            ) << 16);
        let wanted = u32::MAX >> (32 - n);
        return equal & wanted == wanted;
    }
    let glue = &glue[bone.glue_start..bone.glue_start + n];
    line.get(at..at + n).is_some_and(|w| same(w, glue))
}

/// Bit i set where `a[i] == b[i]`.
#[cfg(target_arch = "x86_64")]
#[inline]
fn equal_16(a: &[u8; 16], b: &[u8; 16]) -> u32 {
    use safe_arch::{cmp_eq_mask_i8_m128i, load_unaligned_m128i, move_mask_i8_m128i};
    let equal = cmp_eq_mask_i8_m128i(load_unaligned_m128i(a), load_unaligned_m128i(b));
    move_mask_i8_m128i(equal).cast_unsigned()
}

#[cfg(not(target_arch = "x86_64"))]
fn equal_16(a: &[u8; 16], b: &[u8; 16]) -> u32 {
    a.iter()
        .zip(b)
        .enumerate()
        .fold(0, |m, (i, (x, y))| m | (u32::from(x == y) << i))
}

/// Bit i set where `chunk[i]` is `"`, `\\` or below 0x20: a byte that ends a plain string.
#[cfg(target_arch = "x86_64")]
#[inline]
fn special_16(chunk: &[u8; 16]) -> u32 {
    use safe_arch::{
        bitor_m128i, cmp_eq_mask_i8_m128i, load_unaligned_m128i, max_u8_m128i, move_mask_i8_m128i,
        set_splat_i8_m128i,
    };
    let v = load_unaligned_m128i(chunk);
    let quote = cmp_eq_mask_i8_m128i(v, set_splat_i8_m128i(b'"'.cast_signed()));
    let backslash = cmp_eq_mask_i8_m128i(v, set_splat_i8_m128i(b'\\'.cast_signed()));
    // Unsigned v <= 0x1f: max(v, 0x1f) is 0x1f.
    let low = set_splat_i8_m128i(0x1f);
    let control = cmp_eq_mask_i8_m128i(max_u8_m128i(v, low), low);
    move_mask_i8_m128i(bitor_m128i(bitor_m128i(quote, backslash), control)).cast_unsigned()
}

#[cfg(not(target_arch = "x86_64"))]
fn special_16(chunk: &[u8; 16]) -> u32 {
    chunk.iter().enumerate().fold(0, |m, (i, &c)| {
        m | (u32::from(c == b'"' || c == b'\\' || c < 0x20) << i)
    })
}

/// Where `part` lies in `whole`, when it is a sub-slice of it.
fn range_within(whole: &[u8], part: &[u8]) -> Option<(usize, usize)> {
    let start = (part.as_ptr() as usize).checked_sub(whole.as_ptr() as usize)?;
    let end = start + part.len();
    (end <= whole.len()).then_some((start, end))
}

/// Calls `each` with the content of every item of a JSON array of strings without
/// escapes (`["a", "b"]`); false for anything else.
pub fn string_items<'a>(raw: &'a [u8], mut each: impl FnMut(&'a [u8])) -> bool {
    let mut p = Parser { s: raw, i: 0 };
    if !p.eat(b'[') {
        return false;
    }
    p.ws();
    if p.eat(b']') {
        return p.i == raw.len();
    }
    loop {
        p.ws();
        match p.string() {
            Some((text, JsonKind::Str)) => each(text),
            _ => return false,
        }
        p.ws();
        if p.eat(b',') {
            continue;
        }
        return p.eat(b']') && p.i == raw.len();
    }
}

/// The offset of the first `"`, `\\` or control character in `s`: sixteen bytes at a
/// time where SSE2 is there and sixteen bytes are left, else eight.
fn special(s: &[u8]) -> Option<usize> {
    #[cfg(target_arch = "x86_64")]
    {
        let mut at = 0;
        while let Some(chunk) = s.get(at..at + 16) {
            let hits = special_16(chunk.try_into().unwrap_or(&[0; 16]));
            if hits != 0 {
                return Some(at + hits.trailing_zeros() as usize);
            }
            at += 16;
        }
        special_words(&s[at..]).map(|i| at + i)
    }
    #[cfg(not(target_arch = "x86_64"))]
    special_words(s)
}

/// [`special`], eight bytes at a time.
fn special_words(s: &[u8]) -> Option<usize> {
    first_where(
        s,
        |w| {
            zero_bytes(w ^ (ONES * u64::from(b'"')))
                | zero_bytes(w ^ (ONES * u64::from(b'\\')))
                | (w.wrapping_sub(ONES * 0x20) & !w & HIGH)
        },
        |b| b == b'"' || b == b'\\' || b < 0x20,
    )
}

/// Equality of short byte strings (keys are a few bytes long) without a call into libc:
/// words compared, the last one overlapping the one before it.
pub fn same(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    let w8 = |s: &[u8], at: usize| word(&s[at..at + 8]);
    let w4 =
        |s: &[u8], at: usize| <[u8; 4]>::try_from(&s[at..at + 4]).map_or(0, u32::from_le_bytes);
    match n {
        0 => true,
        1..4 => a.iter().zip(b).all(|(x, y)| x == y),
        4..8 => w4(a, 0) == w4(b, 0) && w4(a, n - 4) == w4(b, n - 4),
        _ => {
            let mut at = 0;
            while at + 8 < n {
                if w8(a, at) != w8(b, at) {
                    return false;
                }
                at += 8;
            }
            w8(a, n - 8) == w8(b, n - 8)
        }
    }
}

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
}

impl<'a> Parser<'a> {
    fn ws(&mut self) {
        while let Some(&b) = self.s.get(self.i) {
            // Most calls find a structural byte or one space.
            if b > b' ' || !matches!(b, b' ' | b'\t' | b'\n' | b'\r') {
                return;
            }
            self.i += 1;
        }
    }

    fn eat(&mut self, b: u8) -> bool {
        if self.s.get(self.i) == Some(&b) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    /// A string at the cursor: its content and whether it has escapes. Inlined: a string
    /// without escapes is found by one search for its first special byte.
    #[inline]
    fn string(&mut self) -> Option<(&'a [u8], JsonKind)> {
        if !self.eat(b'"') {
            return None;
        }
        let start = self.i;
        let end = start + special(&self.s[start..])?;
        if self.s[end] == b'"' {
            self.i = end + 1;
            return Some((&self.s[start..end], JsonKind::Str));
        }
        self.string_rest(start)
    }

    /// The rest of a string whose content starts at `start`, read up to each quote,
    /// backslash or control character.
    #[inline(never)]
    fn string_rest(&mut self, start: usize) -> Option<(&'a [u8], JsonKind)> {
        let s = self.s;
        let mut escaped = false;
        let mut i = start;
        loop {
            i += special(&s[i..])?;
            match s[i] {
                b'"' => {
                    self.i = i + 1;
                    let kind = if escaped {
                        JsonKind::Escaped
                    } else {
                        JsonKind::Str
                    };
                    return Some((&s[start..i], kind));
                }
                b'\\' => {
                    // `\u` escapes can make lone surrogates, which serde_json rejects:
                    // leave them to it.
                    match s.get(i + 1)? {
                        b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => {}
                        _ => return None,
                    }
                    escaped = true;
                    i += 2;
                }
                _ => return None,
            }
        }
    }

    /// After a member's key: `: value`, as a [`Member`]. Inlined into both object readers:
    /// as a call it costs the JSON Lines hot path 5% more instructions.
    #[allow(clippy::inline_always)] // measured, see above
    #[inline(always)]
    fn member_value(&mut self, key: &'a [u8]) -> Option<Member<'a>> {
        // Exports write the colon right after the key.
        if !self.eat(b':') {
            self.ws();
            if !self.eat(b':') {
                return None;
            }
        }
        self.ws();
        let start = self.i;
        let kind = self.value(0)?;
        Some(Member {
            key,
            value: MemberValue {
                raw: &self.s[start..self.i],
                kind,
            },
        })
    }

    fn value(&mut self, depth: usize) -> Option<JsonKind> {
        if depth > MAX_DEPTH {
            return None;
        }
        match *self.s.get(self.i)? {
            b'"' => self.string().map(|(_, kind)| kind),
            b'{' => {
                self.i += 1;
                self.ws();
                if self.eat(b'}') {
                    return Some(JsonKind::Object);
                }
                loop {
                    self.ws();
                    self.string()?;
                    self.ws();
                    if !self.eat(b':') {
                        return None;
                    }
                    self.ws();
                    self.value(depth + 1)?;
                    self.ws();
                    if self.eat(b',') {
                        continue;
                    }
                    return self.eat(b'}').then_some(JsonKind::Object);
                }
            }
            b'[' => {
                self.i += 1;
                self.ws();
                if self.eat(b']') {
                    return Some(JsonKind::Array);
                }
                loop {
                    self.ws();
                    // Arrays of owned products are strings: read them without recursing.
                    if self.s.get(self.i) == Some(&b'"') {
                        self.string()?;
                    } else {
                        self.value(depth + 1)?;
                    }
                    self.ws();
                    if self.eat(b',') {
                        continue;
                    }
                    return self.eat(b']').then_some(JsonKind::Array);
                }
            }
            b't' => self.word(b"true"),
            b'f' => self.word(b"false"),
            b'n' => self.word(b"null"),
            _ => self.number(),
        }
    }

    fn word(&mut self, word: &[u8]) -> Option<JsonKind> {
        self.s[self.i..].starts_with(word).then(|| {
            self.i += word.len();
            JsonKind::Scalar
        })
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`
    /// Numbers that could be out of range for serde_json (infinite as a float: more than
    /// 200 characters before an exponent, or an exponent of three digits or more; the
    /// largest number read here is below 10^300) are left to it.
    fn number(&mut self) -> Option<JsonKind> {
        let start = self.i;
        self.eat(b'-');
        match self.s.get(self.i)? {
            b'0' => self.i += 1,
            b'1'..=b'9' => self.digits(),
            _ => return None,
        }
        if self.eat(b'.') {
            self.require_digits()?;
        }
        if self.i - start > 200 {
            return None;
        }
        if self.eat(b'e') || self.eat(b'E') {
            if !self.eat(b'+') {
                self.eat(b'-');
            }
            let digits = self.i;
            self.require_digits()?;
            if self.i - digits > 2 {
                return None;
            }
        }
        Some(JsonKind::Scalar)
    }

    fn digits(&mut self) {
        while self.s.get(self.i).is_some_and(u8::is_ascii_digit) {
            self.i += 1;
        }
    }

    fn require_digits(&mut self) -> Option<()> {
        let start = self.i;
        self.digits();
        (self.i > start).then_some(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ends(text: &str) -> Vec<RecordEnd> {
        let buf = text.as_bytes();
        let mut out = Vec::new();
        let mut start = 0;
        while start < buf.len() {
            let end = record_end(buf, start, b',', true, RecordLimits::default());
            out.push(end);
            match end {
                RecordEnd::At(e) => start = e,
                _ => break,
            }
        }
        out
    }

    #[test]
    fn record_ends_follow_quotes() {
        use RecordEnd::At;
        assert_eq!(ends("a,b\nc,d\n"), [At(4), At(8)]);
        assert_eq!(ends("a,\"x\ny\"\nc"), [At(8), At(9)]);
        assert_eq!(ends("a,\"say \"\"hi\"\"\nthere\"\nb"), [At(21), At(22)]);
        // A quote inside an unquoted field is a literal.
        assert_eq!(ends("a,b\"c\nd\n"), [At(6), At(8)]);
        assert_eq!(ends("a,\"open\n"), [RecordEnd::Broken]);
        assert_eq!(
            record_end(b"a,\"open\nmore", 0, b',', false, RecordLimits::default()),
            RecordEnd::More
        );
        // Whether a closing quote is doubled needs the next byte.
        let limits = RecordLimits::default();
        assert_eq!(
            record_end(b"a,\"x\"", 0, b',', false, limits),
            RecordEnd::More
        );
        let long = format!("a,\"{}", "line\n".repeat(limits.lines + 1));
        assert_eq!(
            record_end(long.as_bytes(), 0, b',', false, limits),
            RecordEnd::Broken
        );
        let small = RecordLimits {
            lines: 1,
            bytes: 8,
            json_bytes: 8,
        };
        assert_eq!(
            record_end(b"a,b,c,d,e\n", 0, b',', true, small),
            RecordEnd::Broken
        );
        assert_eq!(
            record_end(b"a,b,c,d,e", 0, b',', false, small),
            RecordEnd::Broken
        );
        assert_eq!(record_end(b"a,b\n", 0, b',', true, small), RecordEnd::At(4));
    }

    #[test]
    fn special_bytes_are_found_sixteen_or_eight_at_a_time() {
        for text in [
            &b""[..],
            b"abc",
            b"abcdefgh",
            b"abcdefgh\"",
            b"abcdefghijklmnop\\",
            b"\x01abcdefgh",
            b"abc\x7f\xc3\xa9defgh\"",
            b"\xff\xff\xff\xff\xff\xff\xff\xff\x1f",
            b"        \"        ",
            b"abcdefghijklmnopqrstuvwxyz\x80\xfe\x20\x1f",
            b"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\\",
            b"0123456789abcdef0123456789abcdef\"",
        ] {
            let want = text
                .iter()
                .position(|&b| b == b'"' || b == b'\\' || b < 0x20);
            assert_eq!(special(text), want, "{text:?}");
            for cut in 0..text.len() {
                let want = text[cut..]
                    .iter()
                    .position(|&b| b == b'"' || b == b'\\' || b < 0x20);
                assert_eq!(special(&text[cut..]), want, "{text:?} from {cut}");
            }
        }
    }

    #[test]
    fn hits_are_every_offset_of_either_byte() {
        for len in [0, 1, 15, 16, 63, 64, 65, 127, 128, 129, 300] {
            let bytes: Vec<u8> = (0..len).map(|i| b"a,b\n,,x\ny"[i % 9]).collect();
            let want: Vec<usize> = (0..len)
                .filter(|&i| bytes[i] == b',' || bytes[i] == b'\n')
                .collect();
            assert_eq!(
                Hits2::new(&bytes, b',', b'\n').collect::<Vec<_>>(),
                want,
                "{len}"
            );
        }
        // A byte that is neither is never a hit, including zero and high bytes.
        let odd = [0u8, 0x80, 0xff, 0x2c, 0x0a, 0x7f];
        assert_eq!(
            Hits2::new(&odd, b',', b'\n').collect::<Vec<_>>(),
            vec![3, 4]
        );
        assert_eq!(Hits2::new(&odd, 0xff, 0).collect::<Vec<_>>(), vec![0, 2]);
    }

    #[test]
    fn same_is_equality() {
        let text = b"owned_products and the language of first_name";
        for i in 0..text.len() {
            for j in i..text.len() {
                for k in 0..text.len() {
                    let (a, b) = (&text[i..j], &text[k..(k + j - i).min(text.len())]);
                    assert_eq!(same(a, b), a == b, "{a:?} {b:?}");
                }
            }
        }
    }

    #[test]
    fn first_of_three_bytes() {
        let text = b"abc,defgh\"ijklmnop\rq,";
        for cut in 0..text.len() {
            let want = text[cut..]
                .iter()
                .position(|&b| matches!(b, b',' | b'"' | b'\r'));
            assert_eq!(first_of(&text[cut..], [b',', b'"', b'\r']), want);
        }
    }

    #[test]
    fn plain_cells() {
        let mut cells = Vec::new();
        assert!(split_plain(b"a,,b\r\n", b',', &mut cells));
        assert_eq!(cells, [&b"a"[..], b"", b"b"]);
        assert!(!split_plain(b"a,\"b\"\n", b',', &mut cells));
        assert!(!split_plain(b"a\rb,c\n", b',', &mut cells));
    }

    #[test]
    fn skeleton_reads_what_the_member_reader_reads() {
        // Lines made from one template by small edits: a skeleton learnt from the template
        // must read a line exactly as `object_members` does, or refuse it. Rows after
        // the line (and line breaks put inside it) must not be read as part of it.
        // A value longer than 32 bytes takes the block-classified path of string ends.
        let template = br#"{"email": "user1@example.com", "first_name": "Ann", "language": "de-DE", "n": 12, "note": "a note longer than two looks of sixteen bytes", "owned_products": ["KD-55X85J", "SPK-HCF"], "status": "subscribed"}"#;
        let edits: [&[u8]; 18] = [
            b"",
            b"\n",
            b"\r\n",
            b" ",
            b"\t",
            b"\"",
            b"\\",
            b"\\n",
            b"\\u00e9",
            b"x",
            b"\x01",
            b"\xc3\xa9",
            b",",
            b"}",
            b"]",
            b"null",
            b"[]",
            b"{}",
        ];
        let mut members = Vec::new();
        assert!(object_members(template, &mut members));
        let template_keys: Vec<&[u8]> = members.iter().map(|m| m.key).collect();
        let mut skeleton = Skeleton::default();
        assert!(skeleton.learn(template, &members));
        let mut next = crate::testing::numbers(0x2545_f491_4f6c_dd1d_u64);
        let (mut read, mut refused) = (0, 0);
        for _ in 0..20_000 {
            let mut line = template.to_vec();
            for _ in 0..=next(3) {
                let at = next(line.len() + 1);
                let cut = next(3).min(line.len() - at.min(line.len()));
                let edit = edits[next(edits.len())];
                line.splice(at..at + cut, edit.iter().copied());
            }
            match next(4) {
                0 => line.extend_from_slice(b"\n"),
                1 => line.extend_from_slice(b" \r\n{\"email\": \"next@example.com\"}\n"),
                _ => {}
            }
            let mut fast = Vec::new();
            let Some(len) = skeleton.read(&mut Marks::new(&line), 0, |_, v| fast.push(v)) else {
                refused += 1;
                continue;
            };
            read += 1;
            // The row is one line: a line break ends it, if anything does.
            let first_break = line.iter().position(|&b| b == b'\n');
            assert_eq!(first_break.map_or(line.len(), |i| i + 1), len);
            let line = &line[..len];
            let mut members = Vec::new();
            assert!(
                object_members(line, &mut members),
                "{}",
                String::from_utf8_lossy(line)
            );
            // The learnt row's keys, and the same values, in the same order.
            let keys: Vec<&[u8]> = members.iter().map(|m| m.key).collect();
            assert_eq!(keys, template_keys);
            let values: Vec<MemberValue> = members.iter().map(|m| m.value).collect();
            assert_eq!(fast, values);
            if std::str::from_utf8(line).is_ok() {
                assert!(serde_json::from_slice::<serde_json::Value>(line).is_ok());
            }
        }
        // Both outcomes are exercised.
        assert!(
            read > 1_000 && refused > 1_000,
            "{read} read, {refused} refused"
        );
    }

    #[test]
    fn json_members_and_what_is_left_to_serde() {
        let mut m = Vec::new();
        assert!(object_members(
            br#" {"email": "a@x.com", "n": -1.5e3, "p": ["A", "B"], "o": {"k": [true, null]}, "e": "a\"b"} "#,
            &mut m
        ));
        assert_eq!(m.len(), 5);
        assert_eq!(m[0].key, b"email");
        assert_eq!(m[0].value.text(), b"a@x.com");
        assert_eq!(m[1].value.kind, JsonKind::Scalar);
        assert_eq!(m[2].value.kind, JsonKind::Array);
        assert_eq!(m[4].value.kind, JsonKind::Escaped);
        let mut items = Vec::new();
        assert!(string_items(m[2].value.raw, |i| items.push(i)));
        assert_eq!(items, [&b"A"[..], b"B"]);
        assert!(object_members(b"{}", &mut m));
        let line = br#"{"email": "a@x.com", "n": [1]}"#;
        assert!(object_members(line, &mut m));
        let mut skeleton = Skeleton::default();
        assert!(skeleton.learn(line, &m));
        let row = br#"{"email": "b\"c@y.org", "n": {"k": null}}  "#;
        let mut v = Vec::new();
        assert_eq!(
            skeleton.read(&mut Marks::new(row), 0, |_, value| v.push(value)),
            Some(row.len())
        );
        assert_eq!(v[0].text(), br#"b\"c@y.org"#);
        assert_eq!(v[0].kind, JsonKind::Escaped);
        assert_eq!(v[1].raw, br#"{"k": null}"#);
        for other in [
            &br#"{"email": "a@x.com"}"#[..],
            br#"{"email": "a@x.com", "n": [1], "x": 2}"#,
            br#"{"emails": "a@x.com", "n": [1]}"#,
            br#"{"email":"a@x.com", "n": [1]}"#,
            br#"{"email": "a@x.com" "n": [1]}"#,
            br#"{"email": "a@x.com", "n": [1,]}"#,
            br#"{"email": null, "n": [1]}"#,
            br#"{"email": "a@x.com", "n": [1]} x"#,
            br#"{"email": "a@x.com", "n": [1]"#,
            br#"{"email": "a@x.com", "n": "#,
            br#"{"email": "a@x.com"#,
            b"{\"email\": \"a\\u00e9\", \"n\": 1}",
        ] {
            assert!(
                skeleton
                    .read(&mut Marks::new(other), 0, |_, value| v.push(value))
                    .is_none(),
                "{}",
                String::from_utf8_lossy(other)
            );
        }
        // A skeleton learnt from nothing reads nothing.
        assert!(
            Skeleton::default()
                .read(&mut Marks::new(b"{}"), 0, |_, value| v.push(value))
                .is_none()
        );
        for bad in [
            &b"{\"a\": 01}"[..],
            b"{\"a\": 1,}",
            b"{\"a\" 1}",
            b"{\"a\": \"\\u00e9\"}",
            b"{\"a\": \"tab\there\"}",
            b"{\"a\": tru}",
            b"{\"a\": 1} x",
            b"[1]",
            b"{\"a\\\"\": 1}",
            b"{\"a\": 1.}",
        ] {
            assert!(
                !object_members(bad, &mut m),
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
        // Whatever the fast reader accepts, serde_json accepts too.
        let good = b"{\"a\": [1, {\"b\": \"c\\n\"}], \"d\": 0.5E-2}";
        assert!(object_members(good, &mut m));
        assert!(serde_json::from_slice::<serde_json::Value>(good).is_ok());
        // Numbers serde_json takes for out of range (infinite as a float) are left to it.
        let huge = "9".repeat(400);
        let big = format!("{}e99", "9".repeat(250));
        let largest = format!("{}e99", "9".repeat(200));
        for number in [
            "1e400",
            "-2e308",
            "1e308",
            "1e-400",
            "1E+0400",
            "0.5e-2",
            "12",
            &huge,
            &big,
            &largest,
            "1.7976931348623157e308",
        ] {
            let line = format!("{{\"n\": {number}}}");
            if object_members(line.as_bytes(), &mut Vec::new()) {
                assert!(
                    serde_json::from_str::<serde_json::Value>(&line).is_ok(),
                    "{number}: the fast reader accepts what serde_json refuses"
                );
            }
        }
    }

    #[test]
    fn lines_past_the_limit_are_read_through_and_not_kept() {
        // A reader with a tiny buffer: lines arrive in many pieces.
        let text = format!("short\n{}\nlast", "y".repeat(100));
        let mut reader = std::io::BufReader::with_capacity(7, text.as_bytes());
        let mut buf = Vec::new();
        let mut got = Vec::new();
        loop {
            let line = read_line_within(&mut reader, &mut buf, 10).unwrap();
            if line == Line::End {
                break;
            }
            got.push((line, String::from_utf8(buf.clone()).unwrap()));
            assert!(buf.capacity() <= 16, "{}", buf.capacity());
        }
        assert_eq!(
            got,
            [
                (Line::Read, "short\n".to_owned()),
                (Line::TooLong, String::new()),
                (Line::Read, "last".to_owned()),
            ]
        );
    }
}
