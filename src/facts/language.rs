//! The campaign's language: detected once over what a reader reads (subject, preheader,
//! displayed body text of the main part), and the languages it declares.

use whatlang::{Detector, Lang};

use super::{AnalysisOptions, Origin, PartFacts, TextUnit};
use crate::campaign::Campaign;
use crate::diagnostic::Span;

/// A language whatlang found, with its confidence (0..1).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Detection {
    pub lang: Lang,
    pub confidence: f64,
}

/// A language the campaign declares.
#[derive(Debug, Clone)]
pub struct Declared {
    pub value: String,
    pub span: Span,
    /// Where it is declared, for messages: `Content-Language` or `<html lang>`.
    pub origin: &'static str,
}

/// What is known about the campaign's language.
#[derive(Debug, Clone, Default)]
pub struct LanguageFacts {
    /// Words of read text the detection saw.
    pub words: usize,
    /// Detection over the configured allowlist (or all languages when there is none).
    pub detected: Option<Detection>,
    /// Detection over all languages; differs from `detected` when an allowlist forced the
    /// text into a listed language.
    pub unrestricted: Option<Detection>,
    /// The largest block of body text, to point at.
    pub body: Option<Span>,
    pub subject: Option<Span>,
    pub declared: Vec<Declared>,
}

impl LanguageFacts {
    pub fn detect(
        campaign: &Campaign,
        units: &[TextUnit],
        parts: &[PartFacts],
        options: &AnalysisOptions,
    ) -> LanguageFacts {
        // Mojibake reads as a random language: a part whose text could not be decoded
        // is left out (the `unreadable-part` rule says so), and another part read instead.
        let readable = |p: &&PartFacts| !p.decode_problem.as_ref().is_some_and(|d| d.garbled);
        let main = parts
            .iter()
            .position(|p| p.kind == crate::campaign::PartKind::Html && readable(&p))
            .or_else(|| parts.iter().position(|p| readable(&p)));
        let read: Vec<&TextUnit> = units
            .iter()
            .filter(|u| u.is_read() && (u.part.is_none() || u.part == main))
            .collect();
        let text = sample(&read);
        let words = count_words(&text);
        let unrestricted = whatlang::detect(&text).map(|i| Detection {
            lang: i.lang(),
            confidence: i.confidence(),
        });
        let detected = if options.language_allowlist.is_empty() {
            unrestricted
        } else {
            Detector::with_allowlist(options.language_allowlist.clone())
                .detect(&text)
                .map(|i| Detection {
                    lang: i.lang(),
                    confidence: i.confidence(),
                })
        };
        let body = read
            .iter()
            .filter(|u| u.part.is_some())
            .max_by_key(|u| (u.origin == Origin::Body, u.text.len()))
            .map(|u| u.whole());
        let subject = read
            .iter()
            .find(|u| u.origin == Origin::Subject)
            .map(|u| u.whole());

        let mut declared = Vec::new();
        if let Some(h) = campaign.header("Content-Language") {
            for value in h.value.split(',').map(str::trim).filter(|v| !v.is_empty()) {
                declared.push(Declared {
                    value: value.to_owned(),
                    span: Span::new(0, h.value_range.clone()),
                    origin: "Content-Language",
                });
            }
        }
        for part in parts {
            if let Some((value, tag)) = &part.lang
                && !value.is_empty()
            {
                declared.push(Declared {
                    value: value.clone(),
                    span: Span::new(part.source, tag.clone()),
                    origin: "<html lang>",
                });
            }
        }
        LanguageFacts {
            words,
            detected,
            unrestricted,
            body,
            subject,
            declared,
        }
    }
}

/// Detection looks at this much read text (in characters). whatlang's accuracy stops
/// improving long before (99% at 200 words), and a 100 KB template would otherwise spend
/// most of its time here.
const SAMPLE_CHARS: usize = 4_000;

/// The read text in reading order (subject, preheader, body), up to `SAMPLE_CHARS`.
fn sample(read: &[&TextUnit]) -> String {
    let mut text = String::new();
    let mut chars = 0;
    for unit in read {
        if !text.is_empty() {
            text.push('\n');
            chars += 1;
        }
        let room = SAMPLE_CHARS.saturating_sub(chars);
        match unit.text.char_indices().nth(room) {
            Some((cut, _)) => {
                text.push_str(&unit.text[..cut]);
                break;
            }
            None => {
                text.push_str(&unit.text);
                chars += unit.text.chars().count();
            }
        }
    }
    text
}

/// Words in `text`: space-separated tokens with a letter, plus one word per two CJK
/// characters (those scripts do not separate words with spaces).
pub fn count_words(text: &str) -> usize {
    let is_cjk = |c: char| matches!(c as u32, 0x3040..=0x30ff | 0x3400..=0x9fff | 0xac00..=0xd7af);
    let spaced = text
        .split_whitespace()
        .filter(|w| w.chars().any(|c| c.is_alphabetic() && !is_cjk(c)))
        .count();
    let cjk = text.chars().filter(|&c| is_cjk(c)).count();
    spaced + cjk / 2
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn samples_at_most_the_limit() {
        let unit = |text: &str| TextUnit {
            text: text.to_owned(),
            map: crate::campaign::text::OffsetMap::default(),
            source: 0,
            range: 0..0,
            origin: super::Origin::Body,
            part: Some(0),
            style: None,
        };
        let long = unit(&"wörd ".repeat(2_000));
        let short = unit("Hallo");
        assert_eq!(sample(&[&short, &long]).chars().count(), SAMPLE_CHARS);
        assert!(sample(&[&short, &long]).starts_with("Hallo\nwörd"));
        assert_eq!(sample(&[&short]), "Hallo");
    }

    #[test]
    fn counts_words() {
        assert_eq!(count_words("Hello there, 50 % off!"), 3);
        assert_eq!(count_words("配信停止はこちら"), 4);
    }
}
