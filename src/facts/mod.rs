//! Analysis once per campaign: everything rules need, computed before any recipient is
//! looked at. Per-recipient checks compare these facts with one profile and must stay
//! cheap; anything expensive (HTML reduction, language detection, product search)
//! belongs here.

pub mod address;
pub mod contrast;
pub mod headers;
pub mod kind;
pub mod language;
pub mod merge_tags;
pub mod optout;
pub mod placeholder;
pub mod plain;
pub mod products;
pub mod urls;

use std::ops::Range;

use crate::campaign::html::{self, HtmlDoc, Image, Link, TextStyle};
use crate::campaign::text::{OffsetMap, TextBuilder};
use crate::campaign::{Campaign, DecodeProblem, Format, HeaderField, PartKind};
use crate::catalog::CatalogIndex;
use crate::diagnostic::{Source, Span};

pub use headers::ListUnsubscribe;
pub use kind::{CampaignKind, TransactionalHint};
pub use language::{Judging, LanguageFacts, Verdict};
pub use merge_tags::FoundTag;
pub use optout::{Evidence, UnsubscribeLink};
pub use products::{Mention, Target};

/// Where a piece of text sits in the campaign.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    Subject,
    /// The first text block of a part: shown in the inbox next to the subject.
    Preheader,
    /// Text a reader sees in the body.
    Body,
    /// Text in the body that is not displayed.
    Hidden,
}

/// A run of decoded text with its place in the campaign.
#[derive(Debug, Clone)]
pub struct TextUnit {
    pub text: String,
    pub map: OffsetMap,
    pub source: usize,
    /// The whole unit's range in its source.
    pub range: Range<usize>,
    pub origin: Origin,
    /// Index into `Facts::parts`, None for the subject.
    pub part: Option<usize>,
    /// Computed style (HTML only).
    pub style: Option<TextStyle>,
}

impl TextUnit {
    /// The span of a decoded range of this unit's text.
    pub fn span(&self, decoded: Range<usize>) -> Span {
        Span::new(self.source, self.map.raw_range(decoded))
    }

    /// The first byte of the text whose source lies at or after `raw` (a source offset).
    pub fn decoded_offset(&self, raw: usize) -> usize {
        let (mut low, mut high) = (0, self.text.len());
        while low < high {
            let mid = low + (high - low) / 2;
            if self.map.raw_range(mid..mid + 1).start < raw {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        self.text.ceil_char_boundary(low)
    }

    /// The span of the whole unit.
    pub fn whole(&self) -> Span {
        Span::new(self.source, self.range.clone())
    }

    /// Whether a person reads this text (subject, preheader or displayed body text).
    pub fn is_read(&self) -> bool {
        self.origin != Origin::Hidden
    }
}

/// What was learned about one body part.
#[derive(Debug, Clone)]
pub struct PartFacts {
    pub kind: PartKind,
    pub source: usize,
    /// The part's body range in its source.
    pub body: Range<usize>,
    /// Indices into `Facts::units` of this part's text.
    pub units: Range<usize>,
    /// Links; a link's `block` is an index into `Facts::units`.
    pub links: Vec<Link>,
    pub images: Vec<Image>,
    /// `<html lang>` and the range of its value, in source coordinates.
    pub lang: Option<(String, Range<usize>)>,
    /// HTML comments (text, range), for inline suppressions.
    pub comments: Vec<(String, Range<usize>)>,
    /// Set when reading the HTML stopped early: why, and where (in the part's source).
    pub incomplete: Option<(String, usize)>,
    /// Set when the part's text could not be decoded faithfully (charset).
    pub decode_problem: Option<DecodeProblem>,
    /// The declared transfer encoding (`quoted-printable`, `base64`), if any.
    pub transfer_encoding: Option<String>,
    /// Size of the part as sent (transfer-encoded), in bytes.
    pub sent_len: usize,
}

impl PartFacts {
    /// Where a missing footer element would go: the end of the last text, or of the body.
    pub fn end_span(&self, units: &[TextUnit]) -> Span {
        let at = units
            .get(self.units.clone())
            .and_then(|u| u.last())
            .map_or(self.body.end, |u| u.range.end);
        Span::new(self.source, at..at)
    }

    pub fn label(&self) -> &'static str {
        match self.kind {
            PartKind::Html => "HTML part",
            PartKind::Plain => "text/plain part",
        }
    }
}

/// Whether `range` of `text` lies in a URL or an email address: product names in
/// `https://shop.example/bravia-x85j` or `x85j-offers@example.com` are not offers a reader
/// sees as words.
pub fn in_url_or_address(text: &str, range: Range<usize>) -> bool {
    let start = text[..range.start]
        .rfind(char::is_whitespace)
        .map_or(0, |i| i + 1);
    let end = text[range.end..]
        .find(char::is_whitespace)
        .map_or(text.len(), |i| range.end + i);
    let token = &text[start..end];
    token.contains("://") || token.starts_with("www.") || token.contains('@') || token.contains('/')
}

/// Byte ranges of the words (runs of letters and digits) of `text`.
pub fn words(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        match (c.is_alphanumeric(), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push(s..i);
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push(s..text.len());
    }
    out
}

/// Settings of the analysis that come from rule parameters and the config's limits.
#[derive(Debug, Clone)]
pub struct AnalysisOptions {
    /// `[limits] max-html-depth`: HTML nested deeper stops the reading of a part.
    pub max_html_depth: usize,
}

impl Default for AnalysisOptions {
    fn default() -> Self {
        Self {
            max_html_depth: crate::limits::Limits::default().max_html_depth,
        }
    }
}

/// Everything known about a campaign before recipients are considered.
#[derive(Debug, Clone)]
pub struct Facts {
    pub format: Format,
    pub units: Vec<TextUnit>,
    pub parts: Vec<PartFacts>,
    pub language: LanguageFacts,
    /// Placeholder text left from a template (lorem ipsum, `[Company Name]`), in read text.
    pub placeholders: Vec<placeholder::Placeholder>,
    pub mentions: Vec<Mention>,
    pub list_unsubscribe: ListUnsubscribe,
    pub unsubscribe_links: Vec<UnsubscribeLink>,
    /// The message's header fields (empty for bare templates), positions in source 0.
    pub headers: Vec<HeaderField>,
    /// Every merge tag in the subject, the text and the link URLs.
    pub merge_tags: Vec<FoundTag>,
    /// The campaign's sources (cheap to clone), for checks that read raw HTML.
    pub sources: Vec<Source>,
    /// Marketing unless the config declares the file transactional (set by the caller
    /// that knows the file's path); rules apply by kind.
    pub kind: CampaignKind,
    /// Why the campaign reads like transactional mail, if it does (help for the findings
    /// of marketing-only rules on an undeclared campaign).
    pub transactional_hint: Option<TransactionalHint>,
    /// A message none of whose body parts could be read: why, and where.
    pub unread_body: Option<(String, Span)>,
}

impl Facts {
    /// Analyses a campaign once.
    pub fn analyze(
        campaign: &Campaign,
        catalog: Option<&CatalogIndex>,
        options: &AnalysisOptions,
    ) -> Facts {
        let mut units = Vec::new();
        if let Some(subject) = &campaign.subject {
            let mut b = TextBuilder::new();
            if subject.exact {
                b.push_plain(&subject.text, subject.range.start);
            } else {
                b.push_opaque(&subject.text, subject.range.clone());
            }
            let (text, map) = b.finish();
            if !text.is_empty() {
                units.push(TextUnit {
                    text,
                    map,
                    source: 0,
                    range: subject.range.clone(),
                    origin: Origin::Subject,
                    part: None,
                    style: None,
                });
            }
        }

        let mut parts = Vec::new();
        for part in &campaign.parts {
            let body = campaign.text(part);
            let first_unit = units.len();
            let part_index = parts.len();
            let doc = match part.kind {
                PartKind::Html => html::reduce_with(body, part.body.start, options.max_html_depth),
                PartKind::Plain => plain::reduce(body, part.body.start),
            };
            let HtmlDoc {
                blocks,
                mut links,
                images,
                lang,
                comments,
                incomplete,
            } = doc;
            for (i, block) in blocks.into_iter().enumerate() {
                let origin = if i == 0 {
                    Origin::Preheader
                } else if block.style.hidden.is_some() {
                    Origin::Hidden
                } else {
                    Origin::Body
                };
                units.push(TextUnit {
                    text: block.text,
                    map: block.map,
                    source: part.source,
                    range: block.range,
                    origin,
                    part: Some(part_index),
                    style: (part.kind == PartKind::Html).then_some(block.style),
                });
            }
            for link in &mut links {
                if let Some(b) = link.block.as_mut() {
                    *b += first_unit;
                }
            }
            parts.push(PartFacts {
                kind: part.kind,
                source: part.source,
                body: part.body.clone(),
                units: first_unit..units.len(),
                links,
                images,
                lang,
                comments,
                incomplete,
                transfer_encoding: part.transfer_encoding.clone(),
                sent_len: part.sent_len,
                decode_problem: part.decode_problem.clone(),
            });
        }

        let placeholders = placeholder::find(&units);
        let language = LanguageFacts::detect(campaign, &units, &parts, &placeholders);
        let mentions = catalog.map_or_else(Vec::new, |c| products::find(c, &units));
        let list_unsubscribe = ListUnsubscribe::read(campaign);
        let unsubscribe_links = optout::find(&parts, &units);
        let merge_tags = merge_tags::collect(&units, &parts, &campaign.sources);
        let transactional_hint = kind::transactional_hint(&units, &campaign.headers);
        Facts {
            format: campaign.format,
            units,
            parts,
            language,
            placeholders,
            mentions,
            list_unsubscribe,
            unsubscribe_links,
            headers: campaign.headers.clone(),
            merge_tags,
            sources: campaign.sources.clone(),
            kind: CampaignKind::Marketing,
            transactional_hint,
            unread_body: campaign.unread_body.clone(),
        }
    }

    /// The units a person reads: subject, preheaders and displayed body text.
    pub fn read_units(&self) -> impl Iterator<Item = &TextUnit> {
        self.units.iter().filter(|u| u.is_read())
    }

    /// The first header field with this name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&HeaderField> {
        self.headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case(name))
    }

    /// The part whose text is the campaign's main body: the HTML part if there is one.
    pub fn main_part(&self) -> Option<usize> {
        self.parts
            .iter()
            .position(|p| p.kind == PartKind::Html)
            .or_else(|| (!self.parts.is_empty()).then_some(0))
    }
}
