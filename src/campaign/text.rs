//! Visible text with a map back to the source bytes.
//!
//! HTML text is written with entities (`&uuml;`, `&nbsp;`) and arbitrary whitespace;
//! rules search the decoded, whitespace-collapsed text, but findings must point at the
//! bytes a person edits. [`TextBuilder`] decodes as it appends and records, piece by
//! piece, where each decoded byte came from.

use std::ops::Range;

/// A run of decoded text and the raw bytes it came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Piece {
    decoded_start: u32,
    raw_start: u32,
    raw_len: u32,
    /// Decoded bytes equal raw bytes one for one (plain text); otherwise the piece is an
    /// entity or a collapsed whitespace run that maps as a whole.
    identity: bool,
}

/// Maps byte ranges of decoded text back to byte ranges of the source.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OffsetMap {
    pieces: Vec<Piece>,
}

impl OffsetMap {
    /// The source range that produced the decoded range `decoded`.
    pub fn raw_range(&self, decoded: Range<usize>) -> Range<usize> {
        let start = self.raw_at(decoded.start, false);
        let end = self.raw_at(decoded.end.saturating_sub(1).max(decoded.start), true);
        start..end.max(start)
    }

    /// The raw offset of decoded byte `at`: its start, or (with `end`) the end of its piece
    /// or byte.
    fn raw_at(&self, at: usize, end: bool) -> usize {
        let idx = self
            .pieces
            .partition_point(|p| p.decoded_start as usize <= at)
            .saturating_sub(1);
        let Some(piece) = self.pieces.get(idx) else {
            return 0;
        };
        if piece.identity {
            let delta = (at - (piece.decoded_start as usize).min(at)).min(piece.raw_len as usize);
            let pos = piece.raw_start as usize + delta;
            if end {
                (pos + 1).min((piece.raw_start + piece.raw_len) as usize)
            } else {
                pos
            }
        } else if end {
            (piece.raw_start + piece.raw_len) as usize
        } else {
            piece.raw_start as usize
        }
    }
}

/// Builds decoded text and its [`OffsetMap`].
#[derive(Debug, Default)]
pub struct TextBuilder {
    text: String,
    map: OffsetMap,
    /// Raw range of a pending whitespace run, emitted as one space before the next word.
    pending_space: Option<Range<usize>>,
}

impl TextBuilder {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// Appends raw HTML text found at `raw_offset`, decoding entities.
    pub fn push_html(&mut self, raw: &str, raw_offset: usize) {
        self.push::<true>(raw, raw_offset, true);
    }

    /// Appends raw plain text found at `raw_offset`.
    pub fn push_plain(&mut self, raw: &str, raw_offset: usize) {
        self.push::<true>(raw, raw_offset, false);
    }

    /// Appends decoded text that maps as a whole onto `raw` (an RFC 2047-encoded header).
    pub fn push_opaque(&mut self, text: &str, raw: Range<usize>) {
        for c in text.chars() {
            self.push_char(c, raw.clone(), false);
        }
    }

    /// Marks a word break (e.g. a `<br>` or a table cell boundary) without a source position.
    pub fn break_word(&mut self, raw_offset: usize) {
        if !self.text.is_empty() && self.pending_space.is_none() {
            self.pending_space = Some(raw_offset..raw_offset);
        }
    }

    /// Appends `raw`; with `RUNS` false every char goes through [`Self::push_char`], the
    /// reference the run fast path must agree with (tests compare the two).
    fn push<const RUNS: bool>(&mut self, raw: &str, raw_offset: usize, entities: bool) {
        let mut i = 0;
        let bytes = raw.as_bytes();
        // Visible ASCII (not `&` where entities count) maps one to one, and so does a single
        // space between two such bytes (it collapses to itself): a run of words is one
        // piece, as char by char it would decode to the same bytes with the same offsets.
        let plain = |b: u8| b > b' ' && b < 0x7f && !(entities && b == b'&');
        while i < raw.len() {
            if RUNS && plain(bytes[i]) {
                let mut end = i;
                loop {
                    end = bytes[end..]
                        .iter()
                        .position(|&b| !plain(b))
                        .map_or(bytes.len(), |n| end + n);
                    if bytes.get(end) == Some(&b' ')
                        && bytes.get(end + 1).is_some_and(|&b| plain(b))
                    {
                        end += 2;
                    } else {
                        break;
                    }
                }
                if let Some(space) = self.pending_space.take()
                    && !self.text.is_empty()
                {
                    self.push_piece(" ", space, false);
                }
                self.push_piece(&raw[i..end], raw_offset + i..raw_offset + end, true);
                i = end;
                continue;
            }
            let rest = &raw[i..];
            let (decoded, consumed): (DecodedChar, usize) = if entities && bytes[i] == b'&' {
                match decode_entity(rest) {
                    Some((s, n)) => (DecodedChar::Entity(s), n),
                    None => (DecodedChar::Plain('&'), 1),
                }
            } else {
                let c = rest.chars().next().unwrap_or('\u{fffd}');
                (DecodedChar::Plain(c), c.len_utf8())
            };
            let raw_range = raw_offset + i..raw_offset + i + consumed;
            i += consumed;
            match decoded {
                DecodedChar::Plain(c) => self.push_char(c, raw_range, true),
                DecodedChar::Entity(s) => {
                    let mut chars = s.chars();
                    match (chars.next(), chars.next()) {
                        (Some(c), None) => self.push_char(c, raw_range, false),
                        _ => {
                            for c in s.chars() {
                                self.push_char(c, raw_range.clone(), false);
                            }
                        }
                    }
                }
            }
        }
    }

    fn push_char(&mut self, c: char, raw: Range<usize>, identity: bool) {
        if is_invisible(c) {
            return;
        }
        if c.is_whitespace() {
            self.pending_space = Some(match self.pending_space.take() {
                Some(prev) if !prev.is_empty() => prev.start..raw.end.max(prev.end),
                _ => raw,
            });
            return;
        }
        if let Some(space) = self.pending_space.take()
            && !self.text.is_empty()
        {
            self.push_piece(" ", space, false);
        }
        let mut buf = [0u8; 4];
        let s = c.encode_utf8(&mut buf);
        self.push_piece(s, raw, identity);
    }

    fn push_piece(&mut self, s: &str, raw: Range<usize>, identity: bool) {
        let decoded_start = self.text.len() as u32;
        self.text.push_str(s);
        if identity
            && let Some(last) = self.map.pieces.last_mut()
            && last.identity
            && (last.raw_start + last.raw_len) as usize == raw.start
            && last.decoded_start + last.raw_len == decoded_start
        {
            last.raw_len += raw.len() as u32;
            return;
        }
        self.map.pieces.push(Piece {
            decoded_start,
            raw_start: raw.start as u32,
            raw_len: raw.len() as u32,
            identity,
        });
    }

    /// The decoded text and its map; trailing whitespace is dropped.
    pub fn finish(self) -> (String, OffsetMap) {
        (self.text, self.map)
    }
}

enum DecodedChar {
    Plain(char),
    Entity(String),
}

/// Characters that render as nothing: preheader padding and soft hyphens.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{2060}' | '\u{feff}' | '\u{ad}' | '\u{34f}'
    )
}

/// Decodes one entity at the start of `s` (which begins with `&`): its text and length.
fn decode_entity(s: &str) -> Option<(String, usize)> {
    let body = &s.as_bytes()[1..];
    let len = body
        .iter()
        .take(40)
        .position(|&b| b == b';')
        .map(|p| p + 2)?;
    let candidate = &s[..len];
    let decoded = html_escape::decode_html_entities(candidate);
    if decoded == candidate {
        return None;
    }
    Some((decoded.into_owned(), len))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn build(parts: &[(&str, usize)]) -> (String, OffsetMap) {
        let mut b = TextBuilder::new();
        for (raw, off) in parts {
            b.push_html(raw, *off);
        }
        b.finish()
    }

    #[test]
    fn decodes_entities_and_collapses_space() {
        let (text, _) = build(&[("  Gr&uuml;&szlig;e,\n\n  Anna&nbsp;&amp; Co  ", 0)]);
        assert_eq!(text, "Grüße, Anna & Co");
    }

    #[test]
    fn maps_decoded_ranges_to_raw() {
        let raw = "Hallo &uuml;ber   BRAVIA X85J";
        let (text, map) = build(&[(raw, 100)]);
        assert_eq!(text, "Hallo über BRAVIA X85J");
        let at = text.find("BRAVIA X85J").unwrap();
        let r = map.raw_range(at..at + "BRAVIA X85J".len());
        assert_eq!(&raw[r.start - 100..r.end - 100], "BRAVIA X85J");
        let u = text.find('ü').unwrap();
        let r = map.raw_range(u..u + 'ü'.len_utf8());
        assert_eq!(&raw[r.start - 100..r.end - 100], "&uuml;");
    }

    #[test]
    fn maps_across_chunks() {
        let (text, map) = build(&[("Buy the ", 10), ("X85J", 30), (" now", 38)]);
        assert_eq!(text, "Buy the X85J now");
        let at = text.find("X85J").unwrap();
        assert_eq!(map.raw_range(at..at + 4), 30..34);
        assert_eq!(map.raw_range(0..text.len()), 10..42);
    }

    #[test]
    fn drops_preheader_padding() {
        let (text, _) = build(&[("Sale&zwnj;&nbsp;&zwnj;&nbsp;&#847; now", 0)]);
        assert_eq!(text, "Sale now");
    }

    /// Text and offsets from the run fast path equal those of decoding char by char, over
    /// random mixes of words, single and repeated white space, entities and non-ASCII.
    #[test]
    fn runs_map_like_chars() {
        const BITS: &[&str] = &[
            "Hallo",
            "X85J",
            "a",
            " ",
            " ",
            " ",
            "  ",
            "\n",
            "\t",
            " \n ",
            "&amp;",
            "&nbsp;",
            "&#32;",
            "&zwnj;",
            "&unknown;",
            "&",
            "&uuml;ber",
            "é",
            "日本",
            "\u{200b}",
            "\u{a0}",
            "-x-",
            ".",
        ];
        let mut next = crate::testing::numbers(0x2545_f491_4f6c_dd1d_u64);
        for _ in 0..2_000 {
            let chunks: Vec<String> = (0..=next(3))
                .map(|_| crate::testing::mix(&mut next, BITS, 12))
                .collect();
            let entities = next(2) == 0;
            let (mut fast, mut slow) = (TextBuilder::new(), TextBuilder::new());
            let mut offset = 7;
            for chunk in &chunks {
                fast.push::<true>(chunk, offset, entities);
                slow.push::<false>(chunk, offset, entities);
                if next(4) == 0 {
                    fast.break_word(offset + chunk.len());
                    slow.break_word(offset + chunk.len());
                }
                offset += chunk.len() + next(3);
            }
            let (fast, slow) = (fast.finish(), slow.finish());
            assert_eq!(fast.0, slow.0, "{chunks:?}");
            let bounds: Vec<usize> = (0..=fast.0.len() + 1)
                .filter(|&i| i > fast.0.len() || fast.0.is_char_boundary(i))
                .collect();
            for &a in &bounds {
                for &b in bounds.iter().filter(|&&b| b >= a) {
                    assert_eq!(
                        fast.1.raw_range(a..b),
                        slow.1.raw_range(a..b),
                        "{chunks:?} {a}..{b}"
                    );
                }
            }
        }
    }

    #[test]
    fn lone_ampersand_is_text() {
        let (text, map) = build(&[("Tom & Jerry &unknown; &", 5)]);
        assert_eq!(text, "Tom & Jerry &unknown; &");
        assert_eq!(map.raw_range(0..text.len()), 5..28);
    }
}
