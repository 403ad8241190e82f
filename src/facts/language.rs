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
        let main = parts
            .iter()
            .position(|p| p.kind == crate::campaign::PartKind::Html)
            .or_else(|| (!parts.is_empty()).then_some(0));
        let read: Vec<&TextUnit> = units
            .iter()
            .filter(|u| u.is_read() && (u.part.is_none() || u.part == main))
            .collect();
        let text = read
            .iter()
            .map(|u| u.text.as_str())
            .collect::<Vec<_>>()
            .join("\n");
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
    fn counts_words() {
        assert_eq!(count_words("Hello there, 50 % off!"), 3);
        assert_eq!(count_words("配信停止はこちら"), 4);
    }
}
