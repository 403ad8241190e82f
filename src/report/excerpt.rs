//! What the human report shows of a source: only the lines around the labels, and of a
//! long line (email HTML has lines of hundreds of characters) only windows around the
//! labels' ends, joined by `…`. Line numbers and the header's column stay those of the
//! original: other lines are kept as empty lines, and the header position is mapped back.

use std::ops::Range;
use std::sync::Arc;

use miette::{MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};

use crate::diagnostic::line_col;

/// Characters kept before and after a label's start, and around its end.
const BEFORE: usize = 24;
const AFTER_START: usize = 48;
const AROUND_END: usize = 12;
/// A label spanning more lines than this is shown on its first line only.
const MAX_LABEL_LINES: usize = 4;

/// A kept piece of the original: `len` bytes from `original` at `excerpt` in the excerpt.
#[derive(Debug, Clone, Copy)]
struct Piece {
    excerpt: usize,
    original: usize,
    len: usize,
}

#[derive(Debug, Clone)]
pub struct Excerpt {
    name: String,
    text: String,
    original: Arc<str>,
    pieces: Vec<Piece>,
}

impl Excerpt {
    /// Builds the excerpt for `labels` (byte ranges of `original`) and returns their
    /// ranges in the excerpt. `width` is the number of characters a line may show.
    pub fn new(
        name: &str,
        original: &Arc<str>,
        labels: &[Range<usize>],
        width: usize,
    ) -> (Excerpt, Vec<Range<usize>>) {
        let text: &str = original;
        let line_starts: Vec<usize> = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        let line_of = |offset: usize| {
            line_starts
                .partition_point(|&s| s <= offset)
                .saturating_sub(1)
        };
        let line_range = |line: usize| {
            let start = line_starts[line];
            let end = line_starts.get(line + 1).map_or(text.len(), |&e| e - 1);
            let end = if text[start..end].ends_with('\r') {
                end - 1
            } else {
                end
            };
            start..end
        };

        // Clip very long multi-line labels to their first line.
        let labels: Vec<Range<usize>> = labels
            .iter()
            .map(|r| {
                let start = floor_boundary(text, r.start);
                let end = floor_boundary(text, r.end).max(start);
                let (first, last) = (line_of(start), line_of(end.saturating_sub(1).max(start)));
                if last - first >= MAX_LABEL_LINES {
                    start..line_range(first).end.max(start)
                } else {
                    start..end
                }
            })
            .collect();

        let last_line = line_starts.len() - 1;
        let mut needed = vec![false; line_starts.len()];
        for r in &labels {
            let (first, last) = (
                line_of(r.start),
                line_of(r.end.saturating_sub(1).max(r.start)),
            );
            for flag in &mut needed[first.saturating_sub(1)..=(last + 1).min(last_line)] {
                *flag = true;
            }
        }

        let mut out = String::new();
        let mut pieces = Vec::new();
        for (line, &need) in needed.iter().enumerate() {
            if need {
                let range = line_range(line);
                let windows = windows(text, range.clone(), &labels, width);
                for (i, w) in windows.iter().enumerate() {
                    if (i == 0 && w.start > range.start) || i > 0 {
                        out.push('…');
                    }
                    pieces.push(Piece {
                        excerpt: out.len(),
                        original: w.start,
                        len: w.len(),
                    });
                    push_safe(&mut out, &text[w.clone()]);
                }
                if windows.last().is_some_and(|w| w.end < range.end) {
                    out.push('…');
                }
            }
            if line < last_line {
                out.push('\n');
            }
        }
        let excerpt = Excerpt {
            name: super::neutralize(name).into_owned(),
            text: out,
            original: Arc::clone(original),
            pieces,
        };
        let mapped = labels
            .iter()
            .map(|r| {
                let start = excerpt.to_excerpt(r.start);
                start..excerpt.to_excerpt(r.end).max(start)
            })
            .collect();
        (excerpt, mapped)
    }

    fn to_excerpt(&self, offset: usize) -> usize {
        for p in &self.pieces {
            if (p.original..=p.original + p.len).contains(&offset) {
                return p.excerpt + offset - p.original;
            }
            if p.original > offset {
                return p.excerpt.saturating_sub('…'.len_utf8());
            }
        }
        self.text.len()
    }

    fn to_original(&self, offset: usize) -> usize {
        self.pieces
            .iter()
            .rev()
            .find(|p| p.excerpt <= offset)
            .map_or(0, |p| p.original + (offset - p.excerpt).min(p.len))
    }
}

/// Appends source text with each control character replaced by `?`s of the same byte
/// length: a campaign's escape sequences must not reach the terminal, and offsets must
/// keep mapping one to one.
fn push_safe(out: &mut String, text: &str) {
    for c in text.chars() {
        if c.is_control() && c != '\t' {
            out.extend(std::iter::repeat_n('?', c.len_utf8()));
        } else {
            out.push(c);
        }
    }
}

/// `offset` moved back to a character boundary of `text` (spans from the analysis always
/// are; this keeps a bad one from becoming a panic).
fn floor_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// The parts of a line to show: all of it when it fits, else windows around the labels.
fn windows(
    text: &str,
    line: Range<usize>,
    labels: &[Range<usize>],
    width: usize,
) -> Vec<Range<usize>> {
    let chars = text[line.clone()].chars().count();
    if chars <= width {
        return vec![line];
    }
    let back = |from: usize, n: usize| {
        text[line.start..from]
            .char_indices()
            .rev()
            .nth(n.saturating_sub(1))
            .map_or(line.start, |(i, _)| line.start + i)
    };
    let forward = |from: usize, n: usize| {
        text[from..line.end]
            .char_indices()
            .nth(n)
            .map_or(line.end, |(i, _)| from + i)
    };
    let mut wanted: Vec<Range<usize>> = Vec::new();
    for r in labels {
        if line.contains(&r.start) || (r.start == line.end && r.is_empty()) {
            wanted.push(back(r.start, BEFORE)..forward(r.start, AFTER_START));
        }
        if r.end > r.start && line.contains(&(r.end - 1)) {
            wanted.push(back(r.end, AROUND_END)..forward(r.end, AROUND_END));
        }
        if r.start < line.start && r.end > line.end {
            wanted.push(line.start..forward(line.start, width));
        }
    }
    if wanted.is_empty() {
        return std::iter::once(line.start..forward(line.start, width.min(60))).collect();
    }
    wanted.sort_by_key(|w| w.start);
    let mut merged: Vec<Range<usize>> = Vec::new();
    for w in wanted {
        match merged.last_mut() {
            Some(last) if w.start <= last.end + 8 => last.end = last.end.max(w.end),
            _ => merged.push(w),
        }
    }
    merged
}

impl SourceCode for Excerpt {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let inner =
            self.text
                .as_str()
                .read_span(span, context_lines_before, context_lines_after)?;
        let column = if context_lines_before == 0 {
            // The header's position: the column in the original line.
            line_col(&self.original, self.to_original(span.offset())).1 - 1
        } else {
            inner.column()
        };
        // miette merges two snippets when the first one's line + line_count reaches the
        // second's line; its own impl counts lines from the start of the file, which merges
        // distant labels into one snippet full of unrelated lines. Count this context's lines.
        let lines = inner.data().split(|&b| b == b'\n').count();
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            *inner.span(),
            inner.line(),
            column,
            lines,
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_line_numbers_and_trims_long_lines() {
        let long = format!(
            "<p style=\"{}\">Hello BRAVIA X85J world</p>",
            "x".repeat(300)
        );
        let text: Arc<str> = format!("line one\r\nline two\r\n{long}\r\nlast\r\n").into();
        let at = text.find("BRAVIA").unwrap();
        let labels: Vec<Range<usize>> = std::iter::once(at..at + 11).collect();
        let (ex, mapped) = Excerpt::new("f", &text, &labels, 80);
        assert_eq!(&ex.text[mapped[0].clone()], "BRAVIA X85J");
        let lines: Vec<&str> = ex.text.split('\n').collect();
        assert_eq!(lines[0], "");
        assert_eq!(lines[1], "line two");
        assert!(
            lines[2].starts_with('…') && lines[2].chars().count() < 120,
            "{}",
            lines[2]
        );
        assert_eq!(lines[3], "last");
        assert_eq!(ex.to_original(mapped[0].start), at);
    }
}
