//! `language`: the campaign is written in a language the recipient does not read.
//!
//! Detection runs once per campaign (see `facts::language`); per recipient this is a
//! comparison of precomputed scores: the recipient's language against the best one.
//! Too little text, a close call, or text too mixed to tell never gives an error: at most
//! an info that the language could not be determined.
//!
//! Shipped rules of this kind: `language-mismatch`.

use serde::Deserialize;

use super::RuleKind;
use crate::diagnostic::{Label, Severity, Span};
use crate::facts::{Facts, Judging, Verdict};
use crate::profiles::{Language, Profile};
use crate::rules::{Context, Diag, RecipientCheck};

fn undetermined(reason: &str) -> String {
    format!("could not determine the campaign's language: {reason}")
}

fn unknown_language(raw: &str) -> String {
    format!("unknown language {raw:?} in the recipient's profile")
}

const NO_LANGUAGE: &str = "the recipient's profile has no language";

/// Parameters of the `language` kind.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct Params {
    /// Fewer words of subject, preheader and visible text than this: the language is not
    /// judged.
    pub min_words: usize,
    /// How clearly (0 to 1) another language must beat the recipient's own before the
    /// campaign counts as not in their language; a closer call is only an info.
    pub min_confidence: f64,
    /// Languages the brand writes in (any form a profile may use: `de`, `German`); empty
    /// means all. Text that is clearly in an unlisted language is never forced into a
    /// listed one.
    pub allowlist: Vec<String>,
}

impl Default for Params {
    fn default() -> Self {
        Self {
            min_words: 20,
            min_confidence: 0.5,
            allowlist: Vec::new(),
        }
    }
}

pub struct LanguageMismatch {
    params: Params,
    allowlist: Vec<whatlang::Lang>,
}

impl RuleKind for LanguageMismatch {
    type Params = Params;

    fn new(params: Params) -> Self {
        let allowlist = params
            .allowlist
            .iter()
            .filter_map(|v| Language::parse(v).and_then(Language::whatlang))
            .collect();
        Self { params, allowlist }
    }
}

/// Whether the recipient reads the campaign: one verdict per language they read.
/// Detection ran once per campaign; this compares precomputed scores.
fn reads(
    params: &Params,
    allowlist: &[whatlang::Lang],
    facts: &Facts,
    languages: &[Language],
) -> Verdict {
    let lang = &facts.language;
    if lang.words < params.min_words {
        return Verdict::Unsure(format!(
            "only {} words of text (at least {} needed)",
            lang.words, params.min_words
        ));
    }
    let mut first = None;
    for reader in languages {
        let how = Judging {
            allowlist,
            min_confidence: params.min_confidence,
            min_words: params.min_words,
        };
        match lang.verdict(*reader, &how) {
            Verdict::Reads => return Verdict::Reads,
            // An unsure verdict for one language outweighs a sure one for another: the
            // campaign may be in the language the recipient's first choice could not
            // be told from.
            v @ Verdict::Unsure(_) => first = Some(v),
            v => {
                first.get_or_insert(v);
            }
        }
    }
    first.unwrap_or_else(|| Verdict::Unsure("no language to compare with".to_owned()))
}

/// Labels on the text that shows the language: the largest body block and the subject.
fn evidence(facts: &Facts, language: Language) -> Vec<Label> {
    let text = format!("written in {language}");
    let spans: [Option<Span>; 2] = [facts.language.body, facts.language.subject];
    spans
        .into_iter()
        .flatten()
        .map(|span| Label::new(span, text.clone()))
        .collect()
}

impl RecipientCheck for LanguageMismatch {
    fn reads(&self, _facts: &Facts, reads: &mut crate::rules::Reads) {
        reads.language = true;
    }

    fn recipient(&self, cx: &mut Context, facts: &Facts, profile: &Profile) {
        let reads_languages: Vec<Language> = profile
            .languages
            .iter()
            .filter_map(|l| l.language)
            .collect();
        if reads_languages.is_empty() {
            return; // Reported once per profile, below.
        }
        let campaign = match reads(&self.params, &self.allowlist, facts, &reads_languages) {
            Verdict::Reads => return,
            Verdict::WrittenIn(language, _) => language,
            Verdict::Unsure(reason) => {
                let mut diag = Diag::with_message(undetermined(&reason))
                    .severity(Severity::Info)
                    .help(Some("give the campaign more text, or set the language-mismatch parameters min-words and min-confidence".to_owned()));
                if let Some(span) = facts.language.body.or(facts.language.subject) {
                    diag = diag.label(span, "this text was examined");
                }
                return cx.report(diag);
            }
        };
        let recipient = reads_languages
            .iter()
            .map(|l| l.english_name())
            .collect::<Vec<_>>()
            .join(" or ");
        let mut diag = Diag::new()
            .arg("campaign", campaign.english_name())
            .arg("recipient", recipient);
        for label in evidence(facts, campaign) {
            diag = diag.label(label.span, label.text.unwrap_or_default());
        }
        cx.report(diag);
    }

    fn profile(&self, cx: &mut Context, profile: &Profile) {
        let at = |range: &Option<std::ops::Range<usize>>| range.clone().map(|r| Span::new(0, r));
        if profile.languages.is_empty() {
            let mut diag = Diag::with_message(NO_LANGUAGE)
                .severity(Severity::Warning)
                .help(Some("add the recipient's preferred language (e.g. \"en-GB\"), or map the export's language field in campaign-lint.toml [fields]".to_owned()));
            if let Some(span) = at(&profile.spans.whole) {
                diag = diag.label(span, "no language field in this profile");
            }
            return cx.report(diag);
        }
        for value in profile.languages.iter().filter(|l| l.language.is_none()) {
            // The value as quoted in the message: over an audience, the findings for
            // each unknown value are shown as one, with a table of the values.
            let mut diag = Diag::with_message(unknown_language(&value.raw))
                .arg("language", format!("{:?}", value.raw))
                .severity(Severity::Warning)
                .help(Some("use a BCP 47 tag (en-GB, pt-BR), an ISO 639 code (de, deu) or a language name (German, Deutsch)".to_owned()));
            if let Some(span) = at(&profile.spans.language) {
                diag = diag.label(span, "not a language campaign-lint knows");
            }
            cx.report(diag);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::campaign::Format;
    use crate::diagnostic::Severity;
    use crate::rules::kinds::testing::run;

    const GERMAN: &str = "<p>Liebe Kundin, lieber Kunde, unser großer Winterschlussverkauf hat begonnen. Entdecken Sie jetzt reduzierte Fernseher, Kopfhörer und Lautsprecher zu unglaublichen Preisen. Das Angebot gilt nur bis Sonntag und nur solange der Vorrat reicht. Wir freuen uns auf Ihren Besuch.</p>";
    const ENGLISH: &str = "<p>Dear customer, our big winter sale has started. Discover reduced televisions, headphones and speakers at incredible prices. The offer is valid only until Sunday and only while stocks last. We look forward to your visit.</p>";

    fn check(html: &str, profile: &str) -> Vec<crate::diagnostic::Finding> {
        run("language-mismatch", html, Format::Html, Some(profile), None)
    }

    #[test]
    fn german_campaign_for_an_english_reader() {
        let found = check(GERMAN, r#"{"email": "a@example.com", "language": "en-GB"}"#);
        assert_eq!(found.len(), 1, "{found:#?}");
        assert_eq!(found[0].severity, Severity::Error);
        assert_eq!(
            found[0].message,
            "campaign is written in German but the recipient reads English"
        );
        assert!(found[0].primary_span().is_some());
    }

    #[test]
    fn passes_when_the_recipient_reads_it() {
        assert!(check(GERMAN, r#"{"language": "Deutsch"}"#).is_empty());
        assert!(check(ENGLISH, r#"{"language": "en-US"}"#).is_empty());
        assert!(check(GERMAN, r#"{"language": ["en", "de"]}"#).is_empty());
    }

    #[test]
    fn short_text_is_only_an_info() {
        let found = check("<p>Sale! 50% off.</p>", r#"{"language": "de"}"#);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].severity, Severity::Info);
        assert!(
            found[0].message.starts_with("could not determine"),
            "{}",
            found[0].message
        );
    }

    const LOREM: &str = "<p>Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua. Ut enim ad minim veniam, quis nostrud exercitation ullamco laboris nisi ut aliquip ex ea commodo consequat. Duis aute irure dolor in reprehenderit in voluptate velit esse cillum dolore eu fugiat nulla pariatur.</p>";

    #[test]
    fn lorem_ipsum_is_never_latin() {
        // Filler alone: nothing to judge, for any reader.
        for reader in ["en", "la", "it"] {
            let found = check(LOREM, &format!(r#"{{"language": "{reader}"}}"#));
            assert_eq!(found.len(), 1, "{reader}: {found:#?}");
            assert_eq!(found[0].severity, Severity::Info, "{reader}");
        }
        // Filler around a real English text: English.
        let html = format!("{LOREM}{ENGLISH}{LOREM}");
        assert!(check(&html, r#"{"language": "en"}"#).is_empty());
        let found = check(&html, r#"{"language": "la"}"#);
        assert_eq!(
            found[0].message,
            "campaign is written in English but the recipient reads Latin"
        );
    }

    #[test]
    fn japanese_with_an_english_footer_is_japanese() {
        let html = "<p>いつも当店をご利用いただき、誠にありがとうございます。冬のセールが始まりました。人気のテレビやヘッドホン、スピーカーが特別価格でお求めいただけます。数量限定のため、お早めにお買い求めください。</p><p>Copyright 2024 Example Store Inc. All rights reserved. Unsubscribe | Privacy Policy</p>";
        assert!(check(html, r#"{"language": "ja-JP"}"#).is_empty());
        let found = check(html, r#"{"language": "en"}"#);
        assert_eq!(
            found[0].message,
            "campaign is written in Japanese but the recipient reads English"
        );
    }

    #[test]
    fn unknown_and_missing_language_are_warnings() {
        let found = check(ENGLISH, r#"{"language": "klingon-ish"}"#);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].severity, Severity::Warning);
        assert!(found[0].message.contains("\"klingon-ish\""));
        let found = check(ENGLISH, r#"{"email": "a@example.com"}"#);
        assert_eq!(found[0].message, "the recipient's profile has no language");
    }
}
