//! What the human report shows of a source: only the lines around the labels, and of a
//! long line (email HTML has lines of hundreds of characters) only windows around the
//! labels' ends, joined by `…`. Line numbers and the header's column stay those of the
//! original: other lines are kept as empty lines, and the header position is mapped back.
//!
//! Widths are terminal columns (a tab is [`TAB`] columns, as miette draws it; East Asian
//! wide characters are two), so that what is kept of a line, and the label text drawn
//! under it, fit the width the report is drawn at.

use std::ops::Range;

use miette::{MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};

use crate::diagnostic::Source;

/// Characters kept before and after a label's start, and around its end.
const BEFORE: usize = 24;
const AFTER_START: usize = 48;
const AROUND_END: usize = 12;
/// A label spanning more lines than this is shown on its first line only.
const MAX_LABEL_LINES: usize = 4;
/// Lines between two labels' context lines shown in full rather than left out: miette
/// draws two snippets this close as one, and would show the lines between as empty.
const GAP_SHOWN: usize = 2;
/// The columns a label's text may be wrapped to before its line is cut instead.
const LABEL_ROOM: usize = 32;
/// The columns a tab takes (miette's default tab width).
pub const TAB: usize = 4;
/// What miette draws between a label's underline and its text (`╰── `), and the column
/// of the underline's middle.
const LABEL_LEAD: usize = 5;

/// The terminal columns a character takes.
fn columns(c: char) -> usize {
    if c == '\t' {
        TAB
    } else {
        unicode_width::UnicodeWidthChar::width(c).unwrap_or(1)
    }
}

/// The terminal columns a text takes.
pub fn text_columns(text: &str) -> usize {
    text.chars().map(columns).sum()
}

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
    /// The lines shown, block after block, joined by `\n`.
    text: String,
    source: Source,
    pieces: Vec<Piece>,
    /// The runs of consecutive original lines shown: miette is told each one's own line
    /// numbers, so lines left out cost nothing (a finding in a file of 20,000 lines is
    /// drawn in time independent of the file).
    blocks: Vec<Block>,
}

/// A run of consecutive original lines in the excerpt.
#[derive(Debug, Clone, Copy)]
struct Block {
    /// Byte offsets of the run in the excerpt's text (`end` before its closing `\n`).
    start: usize,
    end: usize,
    /// The 0-based original line of its first line.
    line: usize,
}

impl Excerpt {
    /// Builds the excerpt of `source` for `labels` (byte ranges of its text, with the
    /// columns of the text drawn under each) and returns their ranges in the excerpt.
    /// `width` is the number of columns a line may take. Time grows with the labels and
    /// the lines they cover, not with the source.
    pub fn new(
        source: &Source,
        labels: &[(Range<usize>, usize)],
        width: usize,
    ) -> (Excerpt, Vec<Range<usize>>) {
        let texts: Vec<usize> = labels.iter().map(|(_, t)| *t).collect();
        let text: &str = &source.text;
        let index = source.lines();
        let last_line = index.line_count() - 1;
        let line_range = |line: usize| {
            let start = index.line_start(line);
            let end = if line < last_line {
                index.line_start(line + 1) - 1
            } else {
                text.len()
            };
            let end = if text[start..end].ends_with('\r') {
                end - 1
            } else {
                end
            };
            start..end
        };
        let last_of = |r: &Range<usize>| index.line_of(r.end.saturating_sub(1).max(r.start));

        // Clip very long multi-line labels to their first line.
        let labels: Vec<Range<usize>> = labels
            .iter()
            .map(|(r, _)| {
                let start = floor_boundary(text, r.start);
                let end = floor_boundary(text, r.end).max(start);
                let first = index.line_of(start);
                if last_of(&(start..end)) - first >= MAX_LABEL_LINES {
                    start..line_range(first).end.max(start)
                } else {
                    start..end
                }
            })
            .collect();

        // The lines around each label, runs closer than GAP_SHOWN lines joined.
        let mut runs: Vec<(usize, usize)> = labels
            .iter()
            .map(|r| {
                let first = index.line_of(r.start);
                (first.saturating_sub(1), (last_of(r) + 1).min(last_line))
            })
            .collect();
        runs.sort_unstable();
        let mut merged: Vec<(usize, usize)> = Vec::with_capacity(runs.len());
        for (first, last) in runs {
            match merged.last_mut() {
                Some(run) if first <= run.1 + GAP_SHOWN + 1 => run.1 = run.1.max(last),
                _ => merged.push((first, last)),
            }
        }

        let mut out = String::new();
        let mut pieces = Vec::new();
        let mut blocks = Vec::with_capacity(merged.len());
        for (first, last) in merged {
            let start = out.len();
            for line in first..=last {
                let range = line_range(line);
                let windows = windows(text, range.clone(), &labels, &texts, width);
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
                if line < last {
                    out.push('\n');
                }
            }
            blocks.push(Block {
                start,
                end: out.len(),
                line: first,
            });
            if last < last_line {
                out.push('\n');
            }
        }
        let excerpt = Excerpt {
            name: super::neutralize(&source.name).into_owned(),
            text: out,
            source: source.clone(),
            pieces,
            blocks,
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

    /// The text shown.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The column (0-based, in terminal columns) at which byte `offset` of the excerpt is
    /// drawn in its line.
    pub fn column(&self, offset: usize) -> usize {
        let offset = floor_boundary(&self.text, offset);
        let start = self.text[..offset].rfind('\n').map_or(0, |i| i + 1);
        line_columns(&self.text[start..offset])
    }

    fn to_original(&self, offset: usize) -> usize {
        self.pieces
            .iter()
            .rev()
            .find(|p| p.excerpt <= offset)
            .map_or(0, |p| p.original + (offset - p.excerpt).min(p.len))
    }
}

/// Appends source text with each control or bidirectional character (but tabs) replaced
/// by `?`s of the same byte length: a campaign's escape sequences and reordering must
/// not reach the terminal, and offsets must keep mapping one to one.
fn push_safe(out: &mut String, text: &str) {
    for c in text.chars() {
        if super::is_unsafe(c) && c != '\t' {
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

/// The columns of a line's text as miette draws it (a tab reaches the next tab stop).
fn line_columns(text: &str) -> usize {
    text.chars().fold(0, |at, c| match c {
        '\t' => at + TAB - at % TAB,
        c => at + columns(c),
    })
}

/// The parts of a line to show: all of it when it fits (with the text of its labels
/// drawn under it), else windows around the labels.
fn windows(
    text: &str,
    line: Range<usize>,
    labels: &[Range<usize>],
    texts: &[usize],
    width: usize,
) -> Vec<Range<usize>> {
    let whole = line_columns(&text[line.clone()]);
    // A label so far to the right that its text would have to be wrapped to fewer than
    // LABEL_ROOM columns: cutting the line before the label brings the text back, keeping
    // as much before it as leaves that room.
    // The columns that may be kept before such a label (at least BEFORE).
    let mut room_before: Option<usize> = None;
    for (r, &label) in labels.iter().zip(texts) {
        if label == 0 || !(line.contains(&r.start) || r.start == line.end) {
            continue;
        }
        let start = line_columns(&text[line.start..r.start]);
        let end = line_columns(&text[line.start..r.end.min(line.end)]).max(start + 1);
        let need = LABEL_LEAD + label.min(LABEL_ROOM);
        if start > BEFORE + 1 && usize::midpoint(start, end) + need > width {
            // Room for the whole text if that keeps BEFORE columns, else for LABEL_ROOM.
            let half = (end - start).min(AFTER_START) / 2;
            let whole_text = width.saturating_sub(LABEL_LEAD + label + half + 2);
            let fits = if whole_text >= BEFORE {
                whole_text
            } else {
                width.saturating_sub(need + half + 2).max(BEFORE)
            };
            room_before = Some(room_before.map_or(fits, |r| r.min(fits)));
        }
    }
    if whole <= width && room_before.is_none() {
        return vec![line];
    }
    // `n` columns before or after `from`, within the line.
    let back = |from: usize, n: usize| {
        let mut taken = 0;
        let mut at = from;
        for (i, c) in text[line.start..from].char_indices().rev() {
            taken += columns(c);
            if taken > n {
                break;
            }
            at = line.start + i;
        }
        at
    };
    let forward = |from: usize, n: usize| {
        let mut taken = 0;
        for (i, c) in text[from..line.end].char_indices() {
            taken += columns(c);
            if taken > n {
                return from + i;
            }
        }
        line.end
    };
    let pick = |[before, after, around]: [usize; 3]| {
        let mut wanted: Vec<Range<usize>> = Vec::new();
        for r in labels {
            if line.contains(&r.start) || (r.start == line.end && r.is_empty()) {
                wanted.push(back(r.start, before)..forward(r.start, after));
            }
            if r.end > r.start && line.contains(&(r.end - 1)) {
                wanted.push(back(r.end, around)..forward(r.end, around));
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
    };
    // The windows and the `…` between them in `width`: when they are wider, each window
    // is narrowed in proportion.
    // The columns the windows take, drawn with `…` between them, or more when the text
    // of a label on them would need more.
    let shown = |windows: &[Range<usize>]| -> usize {
        let drawn: Vec<&str> = windows.iter().map(|w| &text[w.clone()]).collect();
        let total = line_columns(&format!("…{}…", drawn.join("…")));
        let column = |offset: usize| {
            let mut before = String::from("…");
            for w in windows {
                if (w.start..=w.end).contains(&offset) {
                    before.push_str(&text[w.start..offset]);
                    return Some(line_columns(&before));
                }
                before.push_str(&text[w.clone()]);
                before.push('…');
            }
            None
        };
        let needs = labels.iter().zip(texts).filter_map(|(r, &label)| {
            let start = column(r.start).filter(|_| label > 0)?;
            let end = column(r.end).unwrap_or(total).max(start + 1);
            Some(usize::midpoint(start, end) + LABEL_LEAD + label.min(LABEL_ROOM))
        });
        needs.fold(total, usize::max)
    };
    // A line cut only for its label's text keeps what leaves that text its room; a line
    // too wide anyway keeps BEFORE columns before each label.
    let before = room_before.filter(|_| whole <= width).unwrap_or(BEFORE);
    let mut widths = [before, AFTER_START, AROUND_END];
    let mut windows = pick(widths);
    // A label's own text is kept whole, so narrowing the margins may take a few rounds.
    for _ in 0..4 {
        let total = shown(&windows);
        if total <= width || widths.iter().all(|&w| w <= 4) {
            break;
        }
        widths = widths.map(|w| (w * width / total).max(4));
        windows = pick(widths);
    }
    windows
}

impl SourceCode for Excerpt {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let offset = span.offset();
        // The block holding the span, read as miette reads a text (with the newline that
        // ends it): context never reaches into the next block, whose lines are not the
        // ones that follow in the original.
        let block = self
            .blocks
            .get(self.blocks.partition_point(|b| b.end < offset))
            .ok_or(MietteError::OutOfBounds)?;
        let end = (block.end + 1).min(self.text.len());
        let inner = self.text[block.start..end].read_span(
            &(offset - block.start, span.len()).into(),
            context_lines_before,
            context_lines_after,
        )?;
        let column = if context_lines_before == 0 {
            // The header's position: the column in the original line.
            self.source.line_col(self.to_original(offset)).1 - 1
        } else {
            inner.column()
        };
        // miette merges two snippets when the first one's line + line_count reaches the
        // second's line: count this context's lines.
        let lines = inner.data().split(|&b| b == b'\n').count();
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            (block.start + inner.span().offset(), inner.span().len()).into(),
            block.line + inner.line(),
            column,
            lines,
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn excerpt(text: &Arc<str>, labels: &[(Range<usize>, usize)]) -> (Excerpt, Vec<Range<usize>>) {
        Excerpt::new(&Source::new("f", Arc::clone(text)), labels, 80)
    }

    #[test]
    fn keeps_line_numbers_and_trims_long_lines() {
        let long = format!(
            "<p style=\"{}\">Hello BRAVIA X85J world</p>",
            "x".repeat(300)
        );
        let text: Arc<str> = format!("line one\r\nline two\r\n{long}\r\nlast\r\n").into();
        let at = text.find("BRAVIA").unwrap();
        let labels = [(at..at + 11, 10)];
        let (ex, mapped) = excerpt(&text, &labels);
        assert_eq!(&ex.text[mapped[0].clone()], "BRAVIA X85J");
        // Lines 2 to 4: the label's line and one line around it.
        let lines: Vec<&str> = ex.text.split('\n').collect();
        assert_eq!(lines.len(), 4, "{:?}", ex.text);
        assert_eq!(lines[0], "line two");
        assert!(
            lines[1].starts_with('…') && lines[1].chars().count() < 120,
            "{}",
            lines[1]
        );
        assert_eq!(lines[2], "last");
        assert_eq!(ex.blocks[0].line, 1);
        assert_eq!(ex.to_original(mapped[0].start), at);
    }

    /// The lines shown, as miette draws them (tabs to the next stop).
    fn shown(ex: &Excerpt) -> Vec<String> {
        ex.text
            .split('\n')
            .map(|l| {
                l.chars().fold(String::new(), |mut out, c| {
                    if c == '\t' {
                        out.extend(std::iter::repeat_n(' ', TAB - out.chars().count() % TAB));
                    } else {
                        out.push(c);
                    }
                    out
                })
            })
            .collect()
    }

    #[test]
    fn tabs_count_as_the_columns_they_take() {
        // 70 characters, but 20 tabs make it 130 columns wide.
        let line = format!(
            "{}<img src=\"http://example.com/header.png\">{}",
            "\t".repeat(20),
            "x".repeat(10)
        );
        let text: Arc<str> = format!("a\n{line}\nb\n").into();
        let at = text.find("http:").unwrap();
        let (ex, mapped) = excerpt(&text, &[(at..at + 5, 20)]);
        assert_eq!(&ex.text[mapped[0].clone()], "http:");
        let lines = shown(&ex);
        assert_eq!(lines[0], "a");
        assert!(lines[1].starts_with('…'), "{:?}", lines[1]);
        assert!(text_columns(&lines[1]) <= 80, "{:?}", lines[1]);
    }

    #[test]
    fn a_long_label_text_far_right_cuts_the_line_before_the_label() {
        // 70 columns fit in 80, but the label's text would run to column 120 (or be
        // wrapped to 15 columns).
        let line = format!("{}<td>Hamburg</td>", " ".repeat(56));
        let text: Arc<str> = format!("{line}\n").into();
        let at = text.find("Hamburg").unwrap();
        let label = "expected the sender's postal address in the footer".len();
        let (ex, mapped) = excerpt(&text, &[(at..at + 7, label)]);
        let start = ex.column(mapped[0].start);
        let end = ex.column(mapped[0].end);
        assert!(ex.text.starts_with('…'), "{:?}", ex.text);
        assert!(
            usize::midpoint(start, end) + LABEL_LEAD + LABEL_ROOM <= 80,
            "{:?}",
            ex.text
        );
        // A short label text leaves the line whole.
        let (ex, _) = excerpt(&text, &[(at..at + 7, 10)]);
        assert_eq!(ex.text, format!("{line}\n"));
    }

    #[test]
    fn lines_between_close_labels_are_shown() {
        let text: Arc<str> = "one\ntwo\nthree\nfour\nfive\nsix\nseven\neight\nnine\nten\n".into();
        let two = text.find("two").unwrap();
        let seven = text.find("seven").unwrap();
        let (ex, _) = excerpt(&text, &[(two..two + 3, 0), (seven..seven + 5, 0)]);
        // Context: 1-3 and 6-8; the two lines between (four, five) are shown too.
        assert_eq!(ex.text, "one\ntwo\nthree\nfour\nfive\nsix\nseven\neight\n");
        assert_eq!(ex.blocks.len(), 1);
        // Farther apart, they are left out (miette draws two snippets).
        let ten = text.find("ten").unwrap();
        let (ex, _) = excerpt(&text, &[(two..two + 3, 0), (ten..ten + 3, 0)]);
        assert_eq!(ex.text, "one\ntwo\nthree\nnine\nten\n");
        assert_eq!(ex.blocks.iter().map(|b| b.line).collect::<Vec<_>>(), [0, 8]);
    }
}
