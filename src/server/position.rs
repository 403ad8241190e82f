//! Byte offsets into a document and LSP positions: a line and a column counted in UTF-16
//! code units (the encoding every client supports). Findings carry byte spans; this is
//! the one place the server turns them into editor positions.

use lsp_types::{Position, Range};

/// Where the lines of a document start. Lines end at `\n`, `\r\n` or a lone `\r`, as the
/// protocol counts them.
#[derive(Debug)]
pub struct LineIndex {
    /// Byte offset of each line's start (the first is 0).
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        for (i, &b) in bytes.iter().enumerate() {
            let ends_line = b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n'));
            if ends_line {
                starts.push(i + 1);
            }
        }
        Self { starts }
    }

    /// The position of byte `offset` (clamped to the text, and back to the start of the
    /// character it falls inside).
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let start = self.starts[line];
        let character = text[start..offset].encode_utf16().count();
        Position::new(line as u32, character as u32)
    }

    pub fn range(&self, text: &str, span: std::ops::Range<usize>) -> Range {
        Range::new(
            self.position(text, span.start),
            self.position(text, span.end),
        )
    }

    /// The byte offset where line `line` starts (the end of the text past the last line).
    pub fn line_start(&self, text: &str, line: u32) -> usize {
        self.starts
            .get(line as usize)
            .copied()
            .unwrap_or(text.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_utf16_code_units() {
        // "ü" is 2 bytes and 1 unit; "😀" is 4 bytes and 2 units (a surrogate pair).
        let text = "Grüße 😀 <a>x</a>\r\nzweite\rdritte\n";
        let index = LineIndex::new(text);
        let a = text.find("<a>").unwrap();
        assert_eq!(index.position(text, a), Position::new(0, 9));
        let zweite = text.find("zweite").unwrap();
        assert_eq!(index.position(text, zweite), Position::new(1, 0));
        let dritte = text.find("dritte").unwrap();
        assert_eq!(index.position(text, dritte + 2), Position::new(2, 2));
        assert_eq!(index.position(text, text.len()), Position::new(3, 0));
    }

    #[test]
    fn offsets_inside_a_character_or_past_the_end_are_clamped() {
        let text = "ü\nab";
        let index = LineIndex::new(text);
        assert_eq!(index.position(text, 1), Position::new(0, 0));
        assert_eq!(index.position(text, 99), Position::new(1, 2));
    }
}
