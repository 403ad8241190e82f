//! `pattern`: a regular expression or a word list that must not (or must) appear in a part
//! of the campaign. Enough for brand rules without Rust: banned words, required legal
//! text, subject-line conventions, header values.
//!
//! Scopes: `subject`, `preheader`, `text` (the read body text), `html` (the raw HTML of the
//! HTML parts), `link-url`, `link-text`, `header:NAME`. The message and help may quote
//! the match as `{match}`.
//!
//! Shipped rules of this kind: `all-caps-subject`, `fake-reply-subject`, `repeated-exclamation`.

use std::ops::Range;

use regex::{Regex, RegexBuilder};
use serde::{Deserialize, Deserializer};

use super::RuleKind;
use crate::campaign::PartKind;
use crate::diagnostic::Span;
use crate::facts::{Facts, Origin};
use crate::rules::{CampaignCheck, Context, Diag};

fn quoted(text: &str) -> String {
    const MAX: usize = 60;
    let text = text.trim();
    match text.char_indices().nth(MAX) {
        Some((cut, _)) => format!("\"{}…\"", &text[..cut]),
        None => format!("\"{text}\""),
    }
}

/// Where to look.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    Subject,
    Preheader,
    Text,
    Html,
    LinkUrl,
    LinkText,
    Header(String),
}

impl<'de> Deserialize<'de> for Scope {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Ok(match s.as_str() {
            "subject" => Scope::Subject,
            "preheader" => Scope::Preheader,
            "text" => Scope::Text,
            "html" => Scope::Html,
            "link-url" => Scope::LinkUrl,
            "link-text" => Scope::LinkText,
            other => match other.strip_prefix("header:") {
                Some(name) if !name.trim().is_empty() => Scope::Header(name.trim().to_owned()),
                _ => {
                    return Err(serde::de::Error::custom(format!(
                        "unknown scope {other:?} (subject, preheader, text, html, link-url, link-text, header:NAME)"
                    )));
                }
            },
        })
    }
}

/// A regular expression, checked when the rule file is read (so a bad one is located).
#[derive(Debug, Clone, Default)]
pub struct Pattern(String);

impl<'de> Deserialize<'de> for Pattern {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        // Checking the syntax is a parse; compiling (milliseconds for Unicode classes)
        // waits until the rule first runs.
        regex_syntax::Parser::new()
            .parse(&s)
            .map_err(|e| serde::de::Error::custom(format!("invalid regular expression: {e}")))?;
        Ok(Pattern(s))
    }
}

/// Whether the pattern must not, or must, appear.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Every match is a finding.
    #[default]
    Forbid,
    /// No match anywhere in the scope is a finding.
    Require,
}

/// Parameters of the `pattern` kind.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct Params {
    /// Where to look: subject, preheader, text, html, link-url, link-text, header:NAME.
    pub scope: Scope,
    /// A regular expression (Rust `regex` syntax).
    pub pattern: Option<Pattern>,
    /// Words or phrases, any of which matches (an alternative to `pattern`).
    pub words: Vec<String>,
    /// `forbid` (default): every match is a finding; `require`: no match is one.
    pub mode: Mode,
    /// Match case as written (default: ignore case).
    pub case_sensitive: bool,
    /// `words` match whole words only (default true).
    pub whole_words: bool,
}

impl Default for Params {
    fn default() -> Self {
        Self {
            scope: Scope::Text,
            pattern: None,
            words: Vec::new(),
            mode: Mode::Forbid,
            case_sensitive: false,
            whole_words: true,
        }
    }
}

/// Most `words` of one rule, and most bytes of them together: a list past these is a
/// load error, not a regular expression that takes gigabytes to build and then fails.
/// A list at both bounds compiles within the regex crate's size limit (a test says so).
pub const MAX_WORDS: usize = 5_000;
pub const MAX_WORDS_BYTES: usize = 64 * 1024;

pub struct PatternRule {
    scope: Scope,
    mode: Mode,
    params: Params,
    /// Compiled on first use, or when the rule is loaded from a user's file
    /// ([`Check::prepare`]), where an error is a load error.
    regex: std::sync::OnceLock<Result<Regex, String>>,
}

impl RuleKind for PatternRule {
    type Params = Params;

    fn validate(params: &Params) -> Result<(), String> {
        match (&params.pattern, params.words.is_empty()) {
            (None, true) => Err("a pattern rule needs `pattern` or `words`".to_owned()),
            (Some(_), false) => Err("give either `pattern` or `words`, not both".to_owned()),
            _ => Ok(()),
        }
    }

    fn new(params: Params) -> Self {
        Self {
            scope: params.scope.clone(),
            mode: params.mode,
            params,
            regex: std::sync::OnceLock::new(),
        }
    }
}

impl PatternRule {
    fn regex(&self) -> Option<&Regex> {
        self.regex
            .get_or_init(|| compile(&self.params))
            .as_ref()
            .ok()
    }
}

fn compile(params: &Params) -> Result<Regex, String> {
    let bytes: usize = params.words.iter().map(String::len).sum();
    if params.words.len() > MAX_WORDS || bytes > MAX_WORDS_BYTES {
        return Err(format!(
            "{} words of {} KB, over the limit of {MAX_WORDS} words and {} KB (split the list into several rules, or write a `pattern`)",
            params.words.len(),
            bytes.div_ceil(1024),
            MAX_WORDS_BYTES / 1024
        ));
    }
    let source = match &params.pattern {
        Some(Pattern(p)) => p.clone(),
        None => {
            let alternatives: Vec<String> = params
                .words
                .iter()
                .map(|w| regex::escape(w.trim()))
                .collect();
            let body = alternatives.join("|");
            if params.whole_words {
                format!(r"\b(?:{body})\b")
            } else {
                format!("(?:{body})")
            }
        }
    };
    RegexBuilder::new(&source)
        .case_insensitive(!params.case_sensitive)
        .build()
        .map_err(|e| match e {
            regex::Error::CompiledTooBig(limit) => format!(
                "the regular expression is too large once compiled (over {} MB{}); simplify it or split it into several rules",
                limit / (1 << 20),
                if params.pattern.is_none() { ", from the word list" } else { "" }
            ),
            e => format!("invalid regular expression: {e}"),
        })
}

/// A text to search and how to turn its match ranges into spans.
struct Haystack<'a> {
    text: &'a str,
    to_span: Box<dyn Fn(Range<usize>) -> Span + 'a>,
}

impl PatternRule {
    fn haystacks<'a>(&self, facts: &'a Facts) -> Vec<Haystack<'a>> {
        let units = |origin: fn(Origin, bool) -> bool| -> Vec<Haystack<'a>> {
            facts
                .units
                .iter()
                .filter(|u| origin(u.origin, u.part.is_some()))
                .map(|u| Haystack {
                    text: &u.text,
                    to_span: Box::new(move |r| u.span(r)),
                })
                .collect()
        };
        let whole = |text: &'a str, span: Span| Haystack {
            text,
            to_span: Box::new(move |_| span),
        };
        match &self.scope {
            Scope::Subject => units(|o, _| o == Origin::Subject),
            Scope::Preheader => units(|o, _| o == Origin::Preheader),
            Scope::Text => units(|o, in_part| in_part && o != Origin::Hidden),
            Scope::Html => facts
                .parts
                .iter()
                .filter(|p| p.kind == PartKind::Html)
                .filter_map(|p| {
                    let text = facts.sources.get(p.source)?.text.get(p.body.clone())?;
                    let (source, base) = (p.source, p.body.start);
                    Some(Haystack {
                        text,
                        to_span: Box::new(move |r| Span::new(source, base + r.start..base + r.end)),
                    })
                })
                .collect(),
            Scope::LinkUrl => facts
                .parts
                .iter()
                .flat_map(|p| p.links.iter().map(move |l| (p.source, l)))
                .filter_map(|(source, l)| {
                    Some(whole(
                        l.href.as_deref()?,
                        Span::new(
                            source,
                            l.href_range.clone().unwrap_or_else(|| l.tag.clone()),
                        ),
                    ))
                })
                .collect(),
            Scope::LinkText => facts
                .parts
                .iter()
                .flat_map(|p| p.links.iter().map(move |l| (p.source, l)))
                .map(|(source, l)| whole(&l.text, Span::new(source, l.range())))
                .collect(),
            Scope::Header(name) => facts
                .headers
                .iter()
                .filter(|h| h.name.eq_ignore_ascii_case(name))
                .map(|h| whole(&h.value, Span::new(0, h.value_range.clone())))
                .collect(),
        }
    }

    /// Where a required pattern should be, for the `require` finding's label.
    fn expected_at(&self, facts: &Facts) -> Option<Span> {
        match &self.scope {
            Scope::Subject | Scope::Preheader => facts
                .units
                .iter()
                .find(|u| u.origin == Origin::Subject || u.origin == Origin::Preheader)
                .map(crate::facts::TextUnit::whole),
            Scope::Header(_) if !facts.headers.is_empty() => {
                Some(facts.list_unsubscribe.header_end)
            }
            _ => facts
                .main_part()
                .map(|i| facts.parts[i].end_span(&facts.units)),
        }
    }
}

fn scope_name(scope: &Scope) -> String {
    match scope {
        Scope::Subject => "the subject".to_owned(),
        Scope::Preheader => "the preheader".to_owned(),
        Scope::Text => "the text".to_owned(),
        Scope::Html => "the HTML".to_owned(),
        Scope::LinkUrl => "a link URL".to_owned(),
        Scope::LinkText => "a link text".to_owned(),
        Scope::Header(name) => format!("the {name} header"),
    }
}

impl CampaignCheck for PatternRule {
    fn prepare(&self) -> Result<(), (&'static str, String)> {
        let key = if self.params.pattern.is_some() {
            "pattern"
        } else {
            "words"
        };
        match self.regex.get_or_init(|| compile(&self.params)) {
            Ok(_) => Ok(()),
            Err(message) => Err((key, message.clone())),
        }
    }

    fn campaign(&self, cx: &mut Context, facts: &Facts) {
        let haystacks = self.haystacks(facts);
        // Compiling a pattern with Unicode classes costs milliseconds: not for a template
        // that has no text in scope (no subject, no such header).
        let no_text = haystacks.iter().all(|h| h.text.is_empty());
        let regex = if no_text { None } else { self.regex() };
        if regex.is_none() && !(no_text && self.mode == Mode::Require) {
            return;
        }
        let scope = scope_name(&self.scope);
        match self.mode {
            Mode::Forbid => {
                let Some(regex) = regex else { return };
                for h in &haystacks {
                    for m in regex.find_iter(h.text).filter(|m| !m.is_empty()) {
                        cx.report(
                            Diag::new()
                                .arg("match", quoted(m.as_str()))
                                .arg("scope", scope.clone())
                                .label((h.to_span)(m.range()), format!("matched in {scope}")),
                        );
                    }
                }
            }
            Mode::Require => {
                if regex.is_some_and(|regex| haystacks.iter().any(|h| regex.is_match(h.text))) {
                    return;
                }
                let mut diag = Diag::new()
                    .arg("match", String::new())
                    .arg("scope", scope.clone());
                if let Some(span) = self.expected_at(facts) {
                    diag = diag.label(span, format!("not found in {scope}"));
                }
                cx.report(diag);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::campaign::Format;
    use crate::rules::kinds::testing::{eml, run};

    fn shipped(rule: &str, subject: &str) -> Vec<String> {
        let raw = eml("", "<p>Our spring newsletter.</p>")
            .replace("Subject: News", &format!("Subject: {subject}"));
        run(rule, &raw, Format::Eml, None, None)
            .into_iter()
            .map(|f| f.message)
            .collect()
    }

    #[test]
    fn a_word_list_at_its_bounds_compiles() {
        use super::{MAX_WORDS, MAX_WORDS_BYTES, Params, compile};
        let list = |n: usize, word: fn(usize) -> String| Params {
            words: (0..n).map(word).collect(),
            ..Params::default()
        };
        // Cyrillic letters (two bytes each, each folding to two cases): as many words as
        // allowed, and as few long words as fill the bytes allowed.
        let short = |i: usize| format!("ж{i:04}абв");
        let long = |i: usize| format!("ж{i:04}абвгдеёжзийклм");
        for (n, word) in [(MAX_WORDS, short as fn(usize) -> String), (1_900, long)] {
            let params = list(n, word);
            let bytes: usize = params.words.iter().map(String::len).sum();
            assert!(
                bytes <= MAX_WORDS_BYTES && bytes > MAX_WORDS_BYTES * 3 / 4,
                "{bytes}"
            );
            assert!(compile(&params).is_ok(), "{n} words of {bytes} bytes");
        }
        let over = list(MAX_WORDS + 1, short);
        assert!(compile(&over).unwrap_err().contains("over the limit"));
    }

    #[test]
    fn shipped_subject_rules() {
        assert_eq!(
            shipped("all-caps-subject", "HUGE SALE TODAY"),
            ["subject is written in capitals: \"HUGE SALE TODAY\""]
        );
        assert!(shipped("all-caps-subject", "Huge sale on TVs").is_empty());
        assert!(
            shipped("all-caps-subject", "TV SALE").is_empty(),
            "short acronyms are fine"
        );
        assert_eq!(
            shipped("repeated-exclamation", "Sale!!! Now!"),
            ["subject has a run of exclamation marks: \"!!!\""]
        );
        assert!(shipped("repeated-exclamation", "Sale now!").is_empty());
        assert_eq!(
            shipped("fake-reply-subject", "RE: your order"),
            ["subject pretends to be a reply or forward: \"RE:\""]
        );
        assert_eq!(
            shipped("fake-reply-subject", "Fwd: deals"),
            ["subject pretends to be a reply or forward: \"Fwd:\""]
        );
        assert!(shipped("fake-reply-subject", "Reply by Friday: deals").is_empty());
    }
}
