//! One-line formats (`concise`, `github`): they can only name a line of the file, so a
//! span in a decoded view of a part is reported at the start of that part in the file,
//! with the line and column in the decoded text as a note.

use crate::diagnostic::{FileReport, Finding};

/// Where a one-line format puts a finding: 1-based line and column in the file, and a
/// note for spans inside a decoded part.
pub struct Place {
    pub line: usize,
    pub column: usize,
    pub note: Option<String>,
}

/// The place of a finding's primary label, None for a finding without one.
pub fn place(file: &FileReport, finding: &Finding) -> Option<Place> {
    let span = finding.primary_span()?;
    let source = file.sources.get(span.source)?;
    let (line, column) = source.line_col(span.offset);
    match source.decoded_from {
        None => Some(Place {
            line,
            column,
            note: None,
        }),
        Some(start) => {
            let raw = file.sources.first()?;
            let (part_line, _) = raw.line_col(start);
            let kind = source
                .name
                .rsplit(" › ")
                .next()
                .map_or("", |n| n.trim_end_matches(" (decoded)"));
            Some(Place {
                line: part_line,
                column: 1,
                note: Some(format!(
                    "in the decoded {kind} part at line {line}, column {column}"
                )),
            })
        }
    }
}
