//! Reading a campaign: an `.eml` MIME message or a bare `.html`/`.txt` template, into
//! its sources (the file, plus decoded views of transfer-encoded parts), headers and
//! text parts. Nothing here judges the campaign; `facts` does that.

pub mod css;
pub mod html;
mod mime;
pub mod stylesheet;
pub mod text;

use std::io::Read;
use std::ops::Range;
use std::path::Path;

use crate::diagnostic::{Source, Span};
use crate::error::{Error, Result, io_message};
use crate::limits::Limits;

/// How the campaign file is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// An RFC 5322 message (optionally with an mbox `From ` line).
    Eml,
    Html,
    Text,
}

/// Whether a part is HTML or plain text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartKind {
    Html,
    Plain,
}

/// One header field of an `.eml`, with its position in the raw file (source 0).
#[derive(Debug, Clone)]
pub struct HeaderField {
    pub name: String,
    /// The raw value, unfolded and trimmed (not RFC 2047-decoded).
    pub value: String,
    /// The whole field, `Name: value`, without the final line break.
    pub field: Range<usize>,
    /// The trimmed raw value.
    pub value_range: Range<usize>,
    /// For address fields (From, Reply-To, Sender, To, ...): the mailboxes as mail-parser
    /// reads them, display names RFC 2047-decoded. Empty for other fields.
    pub mailboxes: Vec<DecodedMailbox>,
}

/// One mailbox of an address field, decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodedMailbox {
    /// The display name, decoded (`=?UTF-8?Q?M=C3=BCller?=` → `Müller`), if there is one.
    pub name: Option<String>,
    pub address: Option<String>,
}

/// The decoded subject and where it is written.
#[derive(Debug, Clone)]
pub struct Subject {
    pub text: String,
    /// The raw header value in source 0.
    pub range: Range<usize>,
    /// Whether `text` is byte-for-byte the raw value (no RFC 2047 encoding, no folding),
    /// so that ranges inside it map directly.
    pub exact: bool,
}

/// A text/plain or text/html body part.
#[derive(Debug, Clone)]
pub struct Part {
    pub kind: PartKind,
    /// Index of the source holding the decoded body.
    pub source: usize,
    /// The body's range in that source.
    pub body: Range<usize>,
    /// The transfer encoding as declared (`quoted-printable`, `base64`, ...), if any.
    pub transfer_encoding: Option<String>,
    /// Size of the part as sent (transfer-encoded), in bytes.
    pub sent_len: usize,
    /// Set when the text could not be decoded faithfully.
    pub decode_problem: Option<DecodeProblem>,
}

/// Why a part's text is not what its author wrote: bytes that are not valid in the
/// charset the part was read as, or a charset campaign-lint does not know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeProblem {
    /// What went wrong, e.g. `declared as utf-8, but 3 byte sequences are not valid utf-8`.
    pub message: String,
    /// Where: the first character that could not be decoded (in the part's source), or
    /// the charset parameter (in the raw file).
    pub span: Span,
    /// Whether the text holds replacement characters; such text is kept from language
    /// detection (mojibake reads as a random language).
    pub garbled: bool,
}

/// A parsed campaign.
#[derive(Debug, Clone)]
pub struct Campaign {
    /// The path as the user gave it.
    pub path: String,
    pub format: Format,
    /// Source 0 is the file itself; further sources are decoded views of parts.
    pub sources: Vec<Source>,
    pub headers: Vec<HeaderField>,
    pub subject: Option<Subject>,
    pub parts: Vec<Part>,
    /// Offset in source 0 just after the header block (where a missing header would go).
    pub header_end: usize,
    /// A message none of whose body parts could be read as text: why, and where (the
    /// Content-Type header, or the end of the header block).
    pub unread_body: Option<(String, Span)>,
}

impl Campaign {
    /// Reads and parses a campaign file; the format follows the extension, or is sniffed.
    /// A file over the size limit is an error, not read.
    pub fn load(path: &Path, limits: &Limits) -> Result<Campaign> {
        let display = path.display().to_string();
        let size = std::fs::metadata(path)
            .map_err(|e| Error::new(&display, io_message(&e)))?
            .len();
        within_size_limit(&display, size, limits)?;
        let bytes = read_within(path, max_bytes(limits), || {
            format!(
                "the file goes on past the {} limit for a campaign (raise [limits] max-campaign-mb in campaign-lint.toml)",
                human_size(max_bytes(limits))
            )
        })?;
        let format = format_of(path).unwrap_or_else(|| sniff(&bytes));
        Campaign::parse_with(&display, &bytes, format, limits)
    }

    /// Parses campaign bytes read from somewhere other than a file (the staged version of
    /// a file, from git), within the size limit like [`Campaign::load`].
    pub fn from_bytes(
        path: &str,
        bytes: &[u8],
        format: Format,
        limits: &Limits,
    ) -> Result<Campaign> {
        within_size_limit(path, bytes.len() as u64, limits)?;
        Campaign::parse_with(path, bytes, format, limits)
    }

    /// Parses campaign bytes written in `format` under the default limits; `path` names
    /// it in messages.
    pub fn parse(path: &str, bytes: &[u8], format: Format) -> Result<Campaign> {
        Campaign::parse_with(path, bytes, format, &Limits::default())
    }

    /// Parses campaign bytes written in `format`, within `limits`.
    pub fn parse_with(
        path: &str,
        bytes: &[u8],
        format: Format,
        limits: &Limits,
    ) -> Result<Campaign> {
        match format {
            Format::Eml => mime::parse(path, bytes, limits),
            Format::Html | Format::Text => {
                let source = Source::from_bytes(path, bytes);
                let decode_problem = invalid_utf8(bytes);
                let len = source.text.len();
                let kind = if format == Format::Html {
                    PartKind::Html
                } else {
                    PartKind::Plain
                };
                Ok(Campaign {
                    path: path.to_owned(),
                    format,
                    sources: vec![source],
                    headers: Vec::new(),
                    subject: None,
                    parts: vec![Part {
                        kind,
                        source: 0,
                        body: 0..len,
                        transfer_encoding: None,
                        sent_len: len,
                        decode_problem,
                    }],
                    header_end: 0,
                    unread_body: None,
                })
            }
        }
    }

    /// The decoded body of a part.
    pub fn text(&self, part: &Part) -> &str {
        self.sources
            .get(part.source)
            .and_then(|s| s.text.get(part.body.clone()))
            .unwrap_or("")
    }

    /// The first header field with this name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&HeaderField> {
        self.headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case(name))
    }
}

/// A template is read as UTF-8; its invalid bytes become `?` (offsets stay exact), which
/// must not pass silently as text.
fn invalid_utf8(bytes: &[u8]) -> Option<DecodeProblem> {
    let first = std::str::from_utf8(bytes).err()?.valid_up_to();
    let invalid: usize = bytes.utf8_chunks().map(|c| c.invalid().len()).sum();
    Some(DecodeProblem {
        message: format!(
            "read as UTF-8, but {invalid} byte{} {} not valid UTF-8",
            if invalid == 1 { "" } else { "s" },
            if invalid == 1 { "is" } else { "are" },
        ),
        span: Span::new(0, first..first + 1),
        garbled: true,
    })
}

/// The campaign format a file name implies, if any.
pub fn format_of(path: &Path) -> Option<Format> {
    extension(path).map(|e| e.1)
}

/// Whether a directory walk (and the git hook) picks up this file as a campaign.
pub fn is_collected(path: &Path) -> bool {
    extension(path).is_some_and(|e| e.2)
}

/// The extensions a directory walk collects, in the table's order.
pub fn collected_extensions() -> impl Iterator<Item = &'static str> {
    EXTENSIONS.iter().filter(|e| e.2).map(|e| e.0)
}

/// The one table of campaign file extensions: the format each is read as, and whether a
/// directory walk collects it. `.msg`, `.mbox` and `.text` are read when named on the
/// command line, not collected from directories.
const EXTENSIONS: [(&str, Format, bool); 8] = [
    ("eml", Format::Eml, true),
    ("msg", Format::Eml, false),
    ("mbox", Format::Eml, false),
    ("html", Format::Html, true),
    ("htm", Format::Html, true),
    ("txt", Format::Text, true),
    ("text", Format::Text, false),
    // MJML is HTML-shaped markup; its components are read as HTML (campaign/html.rs).
    ("mjml", Format::Html, true),
];

fn extension(path: &Path) -> Option<&'static (&'static str, Format, bool)> {
    let ext = path.extension()?.to_str()?;
    EXTENSIONS.iter().find(|e| e.0.eq_ignore_ascii_case(ext))
}

/// Guesses the format of a file with an unknown extension.
fn sniff(bytes: &[u8]) -> Format {
    let head = &bytes[..bytes.len().min(2048)];
    let lower = String::from_utf8_lossy(head).to_ascii_lowercase();
    if mime::looks_like_header_block(bytes) {
        Format::Eml
    } else if lower.contains("<html") || lower.contains("<!doctype") || lower.contains("<table") {
        Format::Html
    } else {
        Format::Text
    }
}

/// Reads a whole file of at most `max` bytes; past it, the error says `too_long()`. The
/// bound is kept while reading, one byte past it being enough to tell: the metadata says
/// nothing about a FIFO or a device (`/dev/zero` has size 0).
pub(crate) fn read_within(
    path: &Path,
    max: u64,
    too_long: impl FnOnce() -> String,
) -> Result<Vec<u8>> {
    let display = path.display().to_string();
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|file| file.take(max.saturating_add(1)).read_to_end(&mut bytes))
        .map_err(|e| Error::new(&display, io_message(&e)))?;
    if bytes.len() as u64 > max {
        return Err(Error::new(&display, too_long()));
    }
    Ok(bytes)
}

/// [`read_within`] for a text file (a config, a rule file, a catalog, a baseline) of at
/// most `max_mb` MB, which must be UTF-8.
pub(crate) fn read_text_within(path: &Path, max_mb: u64) -> Result<String> {
    let bytes = read_within(path, max_mb * 1_000_000, || {
        format!("the file goes on past {max_mb} MB, the most campaign-lint reads of such a file")
    })?;
    String::from_utf8(bytes).map_err(|e| {
        Error::new(
            path.display().to_string(),
            format!(
                "cannot read: the file is not valid UTF-8 (at byte {})",
                e.utf8_error().valid_up_to() + 1
            ),
        )
    })
}

/// Err when a campaign of `size` bytes is over `[limits] max-campaign-mb`: such a file is
/// not read.
fn within_size_limit(path: &str, size: u64, limits: &Limits) -> Result<()> {
    let max_bytes = max_bytes(limits);
    if size <= max_bytes {
        return Ok(());
    }
    Err(Error::new(
        path,
        format!(
            "the file is {}, over the {} limit for a campaign (raise [limits] max-campaign-mb in campaign-lint.toml)",
            human_size(size),
            human_size(max_bytes)
        ),
    ))
}

/// `[limits] max-campaign-mb` in bytes.
fn max_bytes(limits: &Limits) -> u64 {
    (limits.max_campaign_mb.max(0.0) * 1_000_000.0) as u64
}

fn human_size(bytes: u64) -> String {
    if bytes >= 1_000_000 {
        format!("{:.1} MB", bytes as f64 / 1_000_000.0)
    } else {
        format!("{:.0} KB", bytes as f64 / 1_000.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What each extension is read as, and which a directory walk collects (any case).
    #[test]
    fn one_table_of_extensions() {
        let of = |name: &str| (format_of(Path::new(name)), is_collected(Path::new(name)));
        assert_eq!(of("a.eml"), (Some(Format::Eml), true));
        assert_eq!(of("a.MSG"), (Some(Format::Eml), false));
        assert_eq!(of("a.mbox"), (Some(Format::Eml), false));
        assert_eq!(of("a.Html"), (Some(Format::Html), true));
        assert_eq!(of("a.htm"), (Some(Format::Html), true));
        assert_eq!(of("a.mjml"), (Some(Format::Html), true));
        assert_eq!(of("a.TXT"), (Some(Format::Text), true));
        assert_eq!(of("a.text"), (Some(Format::Text), false));
        assert_eq!(of("a.pdf"), (None, false));
        assert_eq!(of("eml"), (None, false));
        assert_eq!(
            collected_extensions().collect::<Vec<_>>(),
            ["eml", "html", "htm", "txt", "mjml"]
        );
    }
}
