//! `declared-language`: the campaign declares a language (`Content-Language`,
//! `<html lang>`) that is not the language it is written in. Screen readers, translation
//! prompts and some ESPs' language routing trust the declaration.
//!
//! Shipped rules of this kind: `declared-language-mismatch`.

use serde::Deserialize;

use super::RuleKind;
use crate::diagnostic::Severity;
use crate::facts::{Facts, Judging, Verdict};
use crate::profiles::Language;
use crate::rules::{CampaignCheck, Context, Diag};

fn not_a_language(origin: &str, value: &str) -> String {
    format!("{origin} value {value:?} is not a language tag")
}

/// Parameters of the `declared-language` kind.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct Params {
    /// Fewer words of read text than this: the detected language is not trusted.
    pub min_words: usize,
    /// Detection confidence (0..1) below which the detected language is not trusted.
    pub min_confidence: f64,
}

impl Default for Params {
    fn default() -> Self {
        Self {
            min_words: 20,
            min_confidence: 0.8,
        }
    }
}

pub struct DeclaredLanguage {
    params: Params,
}

impl RuleKind for DeclaredLanguage {
    type Params = Params;

    fn new(params: Params) -> Self {
        Self { params }
    }
}

impl CampaignCheck for DeclaredLanguage {
    fn campaign(&self, cx: &mut Context, facts: &Facts) {
        let lang = &facts.language;
        let enough = lang.words >= self.params.min_words;
        for declared in &lang.declared {
            let Some(value) = Language::parse(&declared.value) else {
                cx.report(
                    Diag::with_message(not_a_language(declared.origin, &declared.value))
                        .severity(Severity::Warning)
                        .label(declared.span, "not a BCP 47 language tag")
                        .help(Some(
                            "declare the language as a BCP 47 tag, e.g. \"en\" or \"de-DE\""
                                .to_owned(),
                        )),
                );
                continue;
            };
            // The declared language competes with the best one, as a reader's does: a
            // close call (or lorem ipsum, which is left out) never contradicts it.
            if !enough {
                continue;
            }
            let Verdict::WrittenIn(detected, _) = lang.verdict(
                value,
                &Judging {
                    allowlist: &[],
                    min_confidence: self.params.min_confidence,
                    min_words: self.params.min_words,
                },
            ) else {
                continue;
            };
            let mut diag = Diag::new()
                .arg("origin", declared.origin)
                .arg("declared", value.english_name())
                .arg("detected", detected.english_name())
                .label(declared.span, format!("declares {value}"));
            if let Some(body) = lang.body {
                diag = diag.label(body, format!("written in {detected}"));
            }
            cx.report(diag);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::campaign::Format;
    use crate::rules::kinds::testing::run;

    fn check(html: &str) -> Vec<crate::diagnostic::Finding> {
        run("declared-language-mismatch", html, Format::Html, None, None)
    }

    const FRENCH: &str = "<p>Chère cliente, cher client, nos soldes d'hiver commencent aujourd'hui. Découvrez nos téléviseurs, casques et enceintes à des prix incroyables. L'offre est valable jusqu'à dimanche seulement et dans la limite des stocks disponibles.</p>";

    #[test]
    fn wrong_html_lang() {
        let html = format!("<html lang=\"en\"><body>{FRENCH}</body></html>");
        let found = check(&html);
        assert_eq!(found.len(), 1, "{found:#?}");
        assert_eq!(
            found[0].message,
            "<html lang> declares English but the text is written in French"
        );
        assert_eq!(found[0].labels.len(), 2);
    }

    #[test]
    fn right_or_regional_declaration_passes() {
        for lang in ["fr", "fr-CA", "FR"] {
            let html = format!("<html lang=\"{lang}\"><body>{FRENCH}</body></html>");
            assert!(check(&html).is_empty(), "{lang}");
        }
    }

    #[test]
    fn lorem_ipsum_does_not_contradict_the_declaration() {
        // sendwithus' "meow" templates: lang="en", lorem ipsum columns, an English footer.
        let lorem = "<p>Lorem ipsum dolor sit amet, consectetur adipisicing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua. Ut enim ad minim veniam, quis nostrud exercitation ullamco laboris nisi ut aliquip ex ea commodo consequat.</p>";
        let footer = "<p>You are receiving this email because you signed up for updates from our store. You can change your preferences or unsubscribe at any time from your account settings.</p>";
        for body in [lorem.repeat(3), format!("{}{footer}", lorem.repeat(3))] {
            let html = format!("<html lang=\"en\"><body>{body}</body></html>");
            let found = check(&html);
            assert!(found.is_empty(), "{found:#?}");
        }
    }

    #[test]
    fn content_language_header_and_bad_tags() {
        let eml = crate::rules::kinds::testing::eml("Content-Language: de\r\n", FRENCH);
        let found = run("declared-language-mismatch", &eml, Format::Eml, None, None);
        assert_eq!(found.len(), 1);
        assert!(
            found[0]
                .message
                .starts_with("Content-Language declares German"),
            "{}",
            found[0].message
        );
        let html = format!("<html lang=\"{{{{lang}}}}x\"><body>{FRENCH}</body></html>");
        let found = check(&html);
        assert!(
            found[0].message.contains("is not a language tag"),
            "{}",
            found[0].message
        );
    }
}
