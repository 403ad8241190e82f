//! ESP merge tags: `*|FNAME|*` (Mailchimp), `{{ first_name }}` (Handlebars, Liquid),
//! `{% unsubscribe %}` (Klaviyo), `%%FirstName%%` (Salesforce Marketing Cloud),
//! `<%asm_group_unsubscribe_raw_url%>` and `[unsubscribe]` (`SendGrid`, Brevo),
//! `%unsubscribe_url%` (Mailgun), `${...}` (Braze), `-first_name-` (`SendGrid`
//! substitution tags).

use std::ops::Range;
use std::sync::LazyLock;

use aho_corasick::packed;

use super::{PartFacts, TextUnit};
use crate::diagnostic::{Source, Span};

/// How a tag is delimited, which says which ESP's language its expression is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    /// `*|FNAME|*` (Mailchimp).
    Mailchimp,
    /// `{{ first_name }}`, `{{{ unsubscribe }}}` (Handlebars, Liquid, Jinja, `HubL`, Brevo).
    Braces,
    /// `{% unsubscribe %}`, `{% if first_name %}` (Liquid and Jinja tags).
    BracePercent,
    /// `<%asm_group_unsubscribe_raw_url%>` (`SendGrid`; also ERB-style templates).
    AnglePercent,
    /// `%%FirstName%%` (Salesforce Marketing Cloud).
    DoublePercent,
    /// `${first_name}` (Braze).
    Dollar,
    /// `[unsubscribe]` (`SendGrid` legacy, Brevo legacy).
    Bracket,
    /// `%unsubscribe_url%` (Mailgun).
    Percent,
    /// `-first_name-` (`SendGrid` substitution tags).
    Dash,
}

impl Syntax {
    /// The opening and closing delimiters.
    pub fn delimiters(self) -> (&'static str, &'static str) {
        match self {
            Syntax::Mailchimp => ("*|", "|*"),
            Syntax::Braces => ("{{", "}}"),
            Syntax::BracePercent => ("{%", "%}"),
            Syntax::AnglePercent => ("<%", "%>"),
            Syntax::DoublePercent => ("%%", "%%"),
            Syntax::Dollar => ("${", "}"),
            Syntax::Bracket => ("[", "]"),
            Syntax::Percent => ("%", "%"),
            Syntax::Dash => ("-", "-"),
        }
    }
}

/// One merge tag in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MergeTag {
    /// The whole tag, delimiters included.
    pub range: Range<usize>,
    /// The tag's expression, trimmed (`FNAME`, `first_name | default: "there"`).
    pub expr: String,
    pub syntax: Syntax,
}

impl MergeTag {
    /// The field or function name: the expression up to the first space, `|` or `(`,
    /// lowercased, with a leading `$`/`#`/`.` and a Liquid object prefix removed.
    pub fn name(&self) -> String {
        let expr = self.expr.trim_start_matches(['$', '#', '.', '&', '{']);
        let end = expr
            .find(|c: char| c.is_whitespace() || c == '|' || c == '(' || c == '}')
            .unwrap_or(expr.len());
        expr[..end].to_ascii_lowercase()
    }
}

/// A merge tag found in the campaign, with where it is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundTag {
    pub tag: MergeTag,
    pub span: Span,
    /// Index into `Facts::units` when the tag is in text; None for a link URL.
    pub unit: Option<usize>,
}

impl FoundTag {
    /// Whether the expression gives a fallback for an empty value
    /// (`{{ first_name | default: "there" }}`, `{{ contact.firstname|default('there') }}`).
    pub fn has_fallback(&self) -> bool {
        let expr = self.tag.expr.to_ascii_lowercase();
        expr.contains("default") || expr.contains("fallback")
    }
}

/// Every merge tag of the subject, the text units and the link URLs.
pub fn collect(units: &[TextUnit], parts: &[PartFacts], sources: &[Source]) -> Vec<FoundTag> {
    let mut found = Vec::new();
    for (i, unit) in units.iter().enumerate() {
        for tag in find(&unit.text) {
            found.push(FoundTag {
                span: unit.span(tag.range.clone()),
                tag,
                unit: Some(i),
            });
        }
    }
    for part in parts {
        for link in &part.links {
            let (Some(href), Some(at)) = (&link.href, &link.href_range) else {
                continue;
            };
            // A link found in plain text is also in a text unit; count it once.
            if part.kind == crate::campaign::PartKind::Plain {
                continue;
            }
            let raw = sources
                .get(part.source)
                .and_then(|s| s.text.get(at.clone()));
            for tag in find(href) {
                // Entities in the attribute make decoded offsets differ: point at the value.
                let span = if raw == Some(href.as_str()) {
                    Span::new(
                        part.source,
                        at.start + tag.range.start..at.start + tag.range.end,
                    )
                } else {
                    Span::new(part.source, at.clone())
                };
                found.push(FoundTag {
                    tag,
                    span,
                    unit: None,
                });
            }
        }
    }
    found
}

const DELIMITERS: &[(&str, &str, Syntax)] = &[
    ("*|", "|*", Syntax::Mailchimp),
    ("{{{", "}}}", Syntax::Braces),
    ("{{", "}}", Syntax::Braces),
    ("{%", "%}", Syntax::BracePercent),
    ("<%", "%>", Syntax::AnglePercent),
    ("%%", "%%", Syntax::DoublePercent),
    ("${", "}", Syntax::Dollar),
    ("[", "]", Syntax::Bracket),
    ("%", "%", Syntax::Percent),
];

/// `SendGrid` substitution tags without an underscore that are still taken as tags
/// (`-name-`, `-city-`): the fields `SendGrid` itself defines. Any other `-word-` is prose.
const SENDGRID_PLAIN_FIELDS: &[&str] = &["name", "email", "city", "country"];

/// The first byte of every tag form.
const OPENERS: [u8; 7] = *b"*{<%$[-";

/// A SIMD search (Teddy) for [`OPENERS`]: most text has none of them, and a byte loop (or
/// `str::find` over chars) took 10 to 20 instructions a byte. None where the CPU has no
/// SIMD for it.
static OPENER_SEARCH: LazyLock<Option<packed::Searcher>> = LazyLock::new(|| {
    packed::Config::new()
        .builder()
        .extend(OPENERS.iter().map(std::slice::from_ref))
        .build()
});

/// The offset of the first tag opener in `bytes`.
fn first_opener(bytes: &[u8]) -> Option<usize> {
    match &*OPENER_SEARCH {
        Some(searcher) => searcher.find(bytes).map(|m| m.start()),
        None => bytes.iter().position(|b| OPENERS.contains(b)),
    }
}

/// Finds the merge tags in `text`, left to right, without overlaps.
pub fn find(text: &str) -> Vec<MergeTag> {
    let mut tags = Vec::new();
    let mut i = 0;
    while i < text.len() {
        let Some(next) = first_opener(&text.as_bytes()[i..]) else {
            break;
        };
        let start = i + next;
        let here = &text[start..];
        let matched = dash_tag(text, start).or_else(|| delimited(text, start));
        match matched {
            Some(tag) => {
                i = tag.range.end;
                tags.push(tag);
            }
            None => i = start + here.chars().next().map_or(1, char::len_utf8),
        }
    }
    tags
}

/// A tag with one of the [`DELIMITERS`] starting at `start`.
fn delimited(text: &str, start: usize) -> Option<MergeTag> {
    let here = &text[start..];
    for (open, close, syntax) in DELIMITERS {
        if !here.starts_with(open) {
            continue;
        }
        let inner_start = start + open.len();
        // Tags are short and single-line; a far-away closer is not ours.
        let window_end = text.floor_char_boundary(inner_start + 200);
        let window = &text[inner_start..window_end];
        let Some(end) = window.find(close) else {
            continue;
        };
        let inner = &window[..end];
        if !plausible(open, inner) {
            continue;
        }
        return Some(MergeTag {
            range: start..inner_start + end + close.len(),
            expr: inner.trim().to_owned(),
            syntax: *syntax,
        });
    }
    None
}

/// A `SendGrid` substitution tag `-first_name-` starting at `start`. Hyphens are everywhere in
/// prose (`well-known`, `-5-`, `-_-`), so only a whole token of the form
/// `-identifier-` counts, where the identifier is `[a-z_][a-z0-9_]*` with a letter and
/// either an underscore or the name of a field `SendGrid` defines.
fn dash_tag(text: &str, start: usize) -> Option<MergeTag> {
    let bytes = text.as_bytes();
    let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'-';
    if bytes.get(start) != Some(&b'-') || start > 0 && word(bytes[start - 1]) {
        return None;
    }
    let inner_start = start + 1;
    let len = bytes[inner_start..]
        .iter()
        .take_while(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || **b == b'_')
        .count();
    let inner_end = inner_start + len;
    let ident = &text[inner_start..inner_end];
    if bytes.get(inner_end) != Some(&b'-')
        || bytes.get(inner_end + 1).is_some_and(|&b| word(b))
        || ident.starts_with(|c: char| c.is_ascii_digit())
        || !ident.bytes().any(|b| b.is_ascii_lowercase())
        || !(ident.contains('_') || SENDGRID_PLAIN_FIELDS.contains(&ident))
    {
        return None;
    }
    Some(MergeTag {
        range: start..inner_end + 1,
        expr: ident.to_owned(),
        syntax: Syntax::Dash,
    })
}

/// Whether `inner` can be a tag expression for this opening delimiter. The bare `[...]`
/// and `%...%` forms are common in prose, so they must be a single identifier.
fn plausible(open: &str, inner: &str) -> bool {
    let trimmed = inner.trim();
    if trimmed.is_empty() || inner.contains('\n') {
        return false;
    }
    let identifier = |s: &str| {
        s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | ':' | '-' | '.'))
            && s.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
    };
    match open {
        "[" | "%" => identifier(trimmed) && trimmed.len() >= 3,
        "*|" | "%%" => identifier(trimmed),
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(text: &str) -> Vec<String> {
        find(text).iter().map(MergeTag::name).collect()
    }

    #[test]
    fn finds_each_esp_syntax() {
        assert_eq!(names("Hi *|FNAME|*,"), ["fname"]);
        assert_eq!(
            names("Hi {{ first_name | default: \"there\" }}!"),
            ["first_name"]
        );
        assert_eq!(names("<a href=\"{{{unsubscribe}}}\">"), ["unsubscribe"]);
        assert_eq!(names("{% unsubscribe %}"), ["unsubscribe"]);
        assert_eq!(names("%%unsub_center_url%%"), ["unsub_center_url"]);
        assert_eq!(
            names("<%asm_group_unsubscribe_raw_url%>"),
            ["asm_group_unsubscribe_raw_url"]
        );
        assert_eq!(
            names("[unsubscribe] or %tag_unsubscribe_url%"),
            ["unsubscribe", "tag_unsubscribe_url"]
        );
        assert_eq!(
            names("${set_user_to_unsubscribed_url}"),
            ["set_user_to_unsubscribed_url"]
        );
    }

    #[test]
    fn ignores_prose() {
        assert!(names("50% off, then 20% more [see terms below] * | x").is_empty());
        assert!(names("{{ unterminated").is_empty());
        // The search window for a closer ends inside a multi-byte character.
        assert!(names(&format!("{{{{ {}", "é".repeat(150))).is_empty());
    }

    #[test]
    fn sendgrid_substitution_tags() {
        let tags = find("Hi -first_name-, your -name- and -city-.");
        let found: Vec<_> = tags.iter().map(MergeTag::name).collect();
        assert_eq!(found, ["first_name", "name", "city"]);
        assert!(tags.iter().all(|t| t.syntax == Syntax::Dash));
        let text = "(-loyalty_tier-)";
        assert_eq!(&text[find(text)[0].range.clone()], "-loyalty_tier-");
        assert_eq!(
            names("href=\"https://x.example/?u=-user_id-&s=1\""),
            ["user_id"]
        );
    }

    #[test]
    fn hyphenated_words_are_not_sendgrid_tags() {
        for prose in [
            "a well-known brand",
            "pages 4-5-6, -5- and -_- and -__-",
            "state-of-the-art, -word- and -state-",
            "spring-sale_2024-x and x-first_name- and -first_name-x",
            "-First_Name- -first name- --first_name-- -first_name--",
            "https://x.example/new-in_store-now",
        ] {
            assert!(names(prose).is_empty(), "{prose}");
        }
    }

    /// The SIMD search finds the same first opener as a byte loop, in haystacks short and
    /// long (Teddy hands short ones to another searcher).
    #[test]
    fn opener_search_matches_byte_scan() {
        const BITS: &[&str] = &[
            "a", "word ", "é", "*", "{", "<", "%", "$", "[", "-", "|", "}",
        ];
        let mut next = crate::testing::numbers(0x9e37_79b9_7f4a_7c15_u64);
        for _ in 0..3_000 {
            let sparse = next(2) == 0;
            let text: String = (0..next(120))
                .map(|_| match next(if sparse { 40 } else { BITS.len() }) {
                    n if n < BITS.len() => BITS[n],
                    _ => "plain text ",
                })
                .collect();
            let bytes = text.as_bytes();
            for from in 0..=bytes.len() {
                assert_eq!(
                    first_opener(&bytes[from..]),
                    bytes[from..].iter().position(|b| OPENERS.contains(b)),
                    "{text:?} from {from}"
                );
            }
        }
    }

    #[test]
    fn ranges_cover_the_whole_tag() {
        let text = "Hello *|FNAME|*!";
        let tags = find(text);
        assert_eq!(&text[tags[0].range.clone()], "*|FNAME|*");
        assert_eq!(tags[0].syntax, Syntax::Mailchimp);
    }
}
