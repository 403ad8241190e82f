//! The campaign's language: read once over what a reader reads (subject, preheader,
//! displayed body text of the main part), and the languages it declares.
//!
//! The script decides first where it can: kana is Japanese, hangul Korean, Han characters
//! without kana Chinese (whatlang takes Chinese for Japanese under an allowlist, and a
//! Japanese template's English footer for English). Text in a script several languages
//! share (Latin, Cyrillic, Arabic, ...) is scored by whatlang for every language of the
//! script, in chunks of the campaign's blocks combined by length, so that one block
//! (a footer, a legal note) does not decide for the rest.
//!
//! The scores are kept, not just the winner: whether a reader reads the campaign is then
//! a comparison per reader ([`LanguageFacts::verdict`]): the reader's own language
//! competes with the best one, and the campaign is "not in their language" only when
//! another language wins by a clear margin. Text in a language outside an allowlist is
//! never forced into a listed one, and a close call is "could not determine", never an
//! error. Words are counted the same way: CJK text by characters (about two a word).
//!
//! Placeholder text (lorem ipsum, `[Company Name]`) is left out: it says nothing about
//! the language the campaign is written in.

use std::fmt::Write as _;

use whatlang::Lang;
use whatlang::dev::{RawLangInfo, raw_detect};

use super::placeholder::Placeholder;
use super::{Origin, PartFacts, TextUnit};
use crate::campaign::Campaign;
use crate::diagnostic::Span;
use crate::profiles::Language;

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
    /// Words of read text (CJK text counted by characters, about two a word), without
    /// placeholder text.
    pub words: usize,
    /// The text's scripts and what each says about the language.
    pub groups: Vec<Group>,
    /// The largest block of body text, to point at.
    pub body: Option<Span>,
    pub subject: Option<Span>,
    pub declared: Vec<Declared>,
}

/// Whether a reader reads the campaign, as far as the text tells.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    Reads,
    /// Written in another language, with the confidence (0..1) that it is not the reader's.
    WrittenIn(Language, f64),
    /// Too close, too mixed, or not recognised: why.
    Unsure(String),
}

/// How a verdict is reached: the rule's parameters.
#[derive(Debug, Clone, Copy)]
pub struct Judging<'a> {
    /// Languages the text is compared with (empty: all); the reader's own language always
    /// competes.
    pub allowlist: &'a [Lang],
    /// How clearly (0..1) another language must win before the campaign counts as not in
    /// the reader's language.
    pub min_confidence: f64,
    /// Fewer words of a script's text than this: its language is a guess.
    pub min_words: usize,
}

/// Text of one kind of script.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Script {
    Latin,
    Cyrillic,
    /// Han characters and kana.
    Cjk,
    Hangul,
    /// Every other script (Greek, Arabic, Hebrew, Devanagari, Thai, ...): whatlang tells
    /// them apart.
    Other,
}

/// The read text in one kind of script.
#[derive(Debug, Clone)]
pub struct Group {
    pub script: Script,
    /// Words (CJK: characters / 2).
    pub words: f64,
    pub found: Found,
}

/// What a group's text says about its language.
#[derive(Debug, Clone)]
pub enum Found {
    /// The script decides: kana, hangul, Han alone, or a script of one language.
    Decided(Lang),
    /// The script cannot decide, and scores would not help: why.
    Unsure(String),
    Scored(Scores),
}

/// whatlang's scores over every language of the script, combined over chunks.
#[derive(Debug, Clone, Default)]
pub struct Scores {
    /// Best first.
    pub scores: Vec<(Lang, f64)>,
    /// Distinct trigrams seen: the more, the smaller a margin that is still clear.
    pub trigrams: usize,
    /// Each chunk's own best language, where it wins clearly, with the share of the text
    /// such chunks hold, largest first: a bilingual campaign has two.
    pub chunk_best: Vec<(Lang, f64)>,
}

/// A group's share of the read text from which the reader's language being there is
/// enough (a bilingual campaign), and below which a group cannot make a campaign mixed.
const SIGNIFICANT: f64 = 0.3;
/// The main group's share from which it decides alone.
const DOMINANT: f64 = 0.7;
/// How clearly a chunk's best language must win for the chunk to count as written in it
/// when telling mixed text from one language (a short chunk of Russian often scores
/// Bulgarian or Ukrainian close behind).
const CLEAR: f64 = 0.9;

impl LanguageFacts {
    pub fn detect(
        campaign: &Campaign,
        units: &[TextUnit],
        parts: &[PartFacts],
        placeholders: &[Placeholder],
    ) -> LanguageFacts {
        // Mojibake reads as a random language: a part whose text could not be decoded
        // is left out (the `unreadable-part` rule says so), and another part read instead.
        let readable = |p: &&PartFacts| !p.decode_problem.as_ref().is_some_and(|d| d.garbled);
        let main = parts
            .iter()
            .position(|p| p.kind == crate::campaign::PartKind::Html && readable(&p))
            .or_else(|| parts.iter().position(|p| readable(&p)));
        let mut tally = Tally::default();
        let mut masked = String::new();
        for (i, unit) in units.iter().enumerate() {
            if !unit.is_read() || !(unit.part.is_none() || unit.part == main) {
                continue;
            }
            let holes = placeholders
                .iter()
                .filter(|p| p.unit == i)
                .map(|p| &p.range);
            tally.add(mask(&unit.text, holes, &mut masked));
        }
        let groups = tally.finish();
        let words = groups.iter().map(|g| g.words).sum::<f64>().round() as usize;

        let read = || {
            units
                .iter()
                .filter(move |u| u.is_read() && (u.part.is_none() || u.part == main))
        };
        let body = read()
            .filter(|u| u.part.is_some())
            .max_by_key(|u| (u.origin == Origin::Body, u.text.len()))
            .map(TextUnit::whole);
        let subject = read()
            .find(|u| u.origin == Origin::Subject)
            .map(TextUnit::whole);

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
            groups,
            body,
            subject,
            declared,
        }
    }

    /// The language most of the read text scores best for, however narrowly (None without
    /// letters): for tests and diagnostics; rules judge a reader with [`Self::verdict`].
    pub fn likely(&self) -> Option<Lang> {
        match &self.groups.first()?.found {
            Found::Decided(lang) => Some(*lang),
            Found::Scored(scores) => scores.scores.first().map(|(l, _)| *l),
            Found::Unsure(_) => None,
        }
    }

    /// Whether a reader of `reader` reads the campaign.
    pub fn verdict(&self, reader: Language, how: &Judging) -> Verdict {
        let total: f64 = self.groups.iter().map(|g| g.words).sum();
        let Some(main) = self.groups.first().filter(|_| total > 0.0) else {
            return Verdict::Unsure("no language recognised in the text".to_owned());
        };
        let significant = self
            .groups
            .iter()
            .filter(|g| g.words / total >= SIGNIFICANT);
        let mut verdicts = Vec::new();
        for group in significant {
            let v = group.verdict(reader, how);
            if v == Verdict::Reads {
                return v;
            }
            verdicts.push(v);
        }
        // Mixed scripts that the reader reads none of: an error only when every large
        // part is clearly in another language.
        let main_verdict = main.verdict(reader, how);
        if main.words / total >= DOMINANT
            || verdicts.iter().all(|v| matches!(v, Verdict::WrittenIn(..)))
        {
            return main_verdict;
        }
        Verdict::Unsure(format!(
            "the text mixes {}",
            self.groups
                .iter()
                .filter(|g| g.words / total >= SIGNIFICANT)
                .map(Group::describe)
                .collect::<Vec<_>>()
                .join(" and ")
        ))
    }
}

impl Group {
    fn verdict(&self, reader: Language, how: &Judging) -> Verdict {
        let Judging {
            allowlist,
            min_confidence,
            min_words,
        } = *how;
        let scores = match &self.found {
            Found::Decided(lang) => {
                let lang = Language::from_whatlang(*lang);
                return if reader.reads(lang) {
                    Verdict::Reads
                } else {
                    Verdict::WrittenIn(lang, 1.0)
                };
            }
            Found::Unsure(why) => return Verdict::Unsure(why.clone()),
            Found::Scored(scores) => scores,
        };
        // The whole campaign may be long enough while one script's share of it is not
        // (a Russian chat log with English lines): too few words are a guess.
        if self.words < min_words as f64 {
            return Verdict::Unsure(format!(
                "only {:.0} words of {} text",
                self.words,
                self.describe()
            ));
        }
        let Some(own) = reader.whatlang() else {
            return Verdict::Unsure(format!("campaign-lint cannot recognise {reader}"));
        };
        let allowed = |l: Lang| allowlist.is_empty() || allowlist.contains(&l) || l == own;
        let Some(&(best, best_score)) = scores.scores.iter().find(|(l, _)| allowed(*l)) else {
            return Verdict::Unsure("no language recognised in the text".to_owned());
        };
        let name = Language::from_whatlang;
        // A bilingual campaign: the reader's language has a large share of its own.
        // The allowlist trap: text in an unlisted language would be forced into the
        // closest listed one. Say so instead of naming a language it is not in.
        if let Some(&(first, first_score)) = scores.scores.first()
            && !allowed(first)
            && scores.margin(first_score, best_score) >= min_confidence
        {
            return Verdict::Unsure(format!(
                "the text looks like {}, which is not in the allowlist",
                name(first)
            ));
        }
        // A bilingual campaign: the reader's language has a large share of its own.
        let share = |wanted: &dyn Fn(Lang) -> bool| -> f64 {
            scores
                .chunk_best
                .iter()
                .filter(|(l, _)| wanted(*l))
                .map(|(_, s)| s)
                .sum()
        };
        if reader.reads(name(best)) || share(&|l| reader.reads(name(l))) >= SIGNIFICANT {
            return Verdict::Reads;
        }
        let first = scores.scores.first().map_or(best, |(l, _)| *l);
        if share(&|l| l != best && l != first) >= SIGNIFICANT {
            let others: Vec<String> = scores
                .chunk_best
                .iter()
                .filter(|(l, s)| *l != best && *l != first && *s >= 0.1)
                .map(|(l, _)| name(*l).to_string())
                .collect();
            return Verdict::Unsure(format!(
                "the text mixes {} and {}",
                name(best),
                others.join(", ")
            ));
        }
        let own_score = scores.score(own);
        let confidence = scores.margin(best_score, own_score);
        if confidence < min_confidence {
            return Verdict::Unsure(format!(
                "{} or {reader}: too close to tell ({:.0}% confidence)",
                name(best),
                confidence * 100.0
            ));
        }
        Verdict::WrittenIn(name(best), confidence)
    }

    /// "Japanese", "Latin-script text", for messages about mixed text.
    fn describe(&self) -> String {
        match &self.found {
            Found::Decided(l) => Language::from_whatlang(*l).to_string(),
            Found::Scored(s) if !s.scores.is_empty() => {
                Language::from_whatlang(s.scores[0].0).to_string()
            }
            _ => format!("{:?}-script text", self.script),
        }
    }
}

impl Scores {
    fn score(&self, lang: Lang) -> f64 {
        self.scores
            .iter()
            .find(|(l, _)| *l == lang)
            .map_or(0.0, |(_, s)| *s)
    }

    /// How clearly `high` beats `low` (0..1), by whatlang's own measure of a clear lead:
    /// the relative gap, against a bar that is lower the more trigrams were seen.
    fn margin(&self, high: f64, low: f64) -> f64 {
        if low <= 0.0 {
            return 1.0;
        }
        let rate = (high - low) / low;
        let clear = 3.0 / self.trigrams.max(1) as f64 + 0.015;
        (rate / clear).clamp(0.0, 1.0)
    }
}

/// Detection looks at this much text of each script (in characters). whatlang's accuracy
/// stops improving long before (99% at 200 words), and a 100 KB template would otherwise
/// spend most of its time here.
const SAMPLE_CHARS: usize = 4_000;
/// Blocks are detected in chunks of whole blocks, at least this long (bytes; about 25
/// words), whose scores are combined by length. A chunk's own winner counts (for mixed
/// and bilingual text) only where it wins clearly.
const CHUNK_BYTES: usize = 150;
/// At most this many chunks per script: a detection costs about 0.25 ms whatever its
/// length (whatlang compares every language's profile), so longer text makes longer
/// chunks, not more of them.
const MAX_CHUNKS: usize = 4;

/// The character classes that decide a token's script.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Latin,
    Cyrillic,
    Han,
    Kana,
    Hangul,
    Other,
}

fn class(c: char) -> Option<Class> {
    if !c.is_alphabetic() {
        return None;
    }
    Some(match c as u32 {
        0x3040..=0x30ff | 0x31f0..=0x31ff | 0xff66..=0xff9f => Class::Kana,
        0x3005 | 0x3400..=0x4dbf | 0x4e00..=0x9fff | 0xf900..=0xfaff | 0x20000..=0x2ffff => {
            Class::Han
        }
        0x1100..=0x11ff | 0x3130..=0x318f | 0xac00..=0xd7af => Class::Hangul,
        0x0400..=0x052f => Class::Cyrillic,
        0..=0x024f | 0x1e00..=0x1eff | 0xff21..=0xff5a => Class::Latin,
        _ => Class::Other,
    })
}

/// `text` with the placeholder ranges blanked out, in `buf`.
fn mask<'a>(
    text: &'a str,
    holes: impl Iterator<Item = &'a std::ops::Range<usize>>,
    buf: &'a mut String,
) -> &'a str {
    let mut holes = holes.peekable();
    if holes.peek().is_none() {
        return text;
    }
    buf.clear();
    let mut at = 0;
    for hole in holes {
        if hole.start < at || hole.end > text.len() {
            continue;
        }
        buf.push_str(&text[at..hole.start]);
        buf.push(' ');
        at = hole.end;
    }
    buf.push_str(&text[at..]);
    buf
}

/// Words and detection samples per script, over the read units.
#[derive(Default)]
struct Tally {
    latin: Sample,
    cyrillic: Sample,
    other: Sample,
    hangul_words: usize,
    han: usize,
    kana: usize,
}

/// Words of one script and its sampled text, with the ends of its blocks.
#[derive(Default)]
struct Sample {
    words: usize,
    text: String,
    block_ends: Vec<usize>,
    chars: usize,
}

impl Sample {
    fn push_word(&mut self, word: &str) {
        self.words += 1;
        if self.chars >= SAMPLE_CHARS {
            return;
        }
        if !self.text.is_empty() {
            self.text.push(' ');
        }
        self.text.push_str(word);
        self.chars += word.chars().count() + 1;
    }

    /// Ends a block: chunks are cut only between blocks.
    fn end_block(&mut self) {
        if self.block_ends.last() != Some(&self.text.len()) {
            self.block_ends.push(self.text.len());
        }
    }

    /// The sample cut into at most about [`MAX_CHUNKS`] chunks of whole blocks.
    fn chunks(&self) -> Vec<&str> {
        let target = CHUNK_BYTES.max(self.text.len().div_ceil(MAX_CHUNKS));
        let mut chunks = Vec::new();
        let mut start = 0;
        for &end in self
            .block_ends
            .iter()
            .chain(std::iter::once(&self.text.len()))
        {
            if end - start >= target {
                chunks.push(&self.text[start..end]);
                start = end;
            }
        }
        if start < self.text.len() {
            // A short tail joins the chunk before it.
            let from = chunks.pop().map_or(start, |last| start - last.len());
            chunks.push(&self.text[from..]);
        }
        chunks
    }

    fn scores(&self) -> Option<Found> {
        let mut combined: Vec<(Lang, f64)> = Vec::new();
        let mut chunk_best: Vec<(Lang, f64)> = Vec::new();
        let mut trigrams = 0;
        let mut weight = 0.0;
        for chunk in self.chunks().into_iter().filter(|c| !c.trim().is_empty()) {
            let w = chunk.chars().count() as f64;
            let mut chunk_trigrams = 0;
            let scores: Vec<(Lang, f64)> = match raw_detect(chunk).lang_info {
                Some(RawLangInfo::OneScript(lang) | RawLangInfo::Mandarin(lang)) => {
                    vec![(lang, 1.0)]
                }
                Some(RawLangInfo::MultiScript(raw)) => {
                    chunk_trigrams = raw.trigram_raw_outcome.trigrams_count;
                    trigrams += chunk_trigrams;
                    raw.scores
                }
                None => continue,
            };
            weight += w;
            if let [(best, high), (_, low), ..] = scores[..] {
                let chunk = Scores {
                    trigrams: chunk_trigrams,
                    ..Scores::default()
                };
                if chunk.margin(high, low) >= CLEAR {
                    add(&mut chunk_best, best, w);
                }
            }
            for (lang, score) in scores {
                add(&mut combined, lang, score * w);
            }
        }
        if weight == 0.0 {
            return None;
        }
        let by_score = |a: &(Lang, f64), b: &(Lang, f64)| b.1.total_cmp(&a.1);
        for entry in combined.iter_mut().chain(chunk_best.iter_mut()) {
            entry.1 /= weight;
        }
        combined.sort_by(by_score);
        chunk_best.sort_by(by_score);
        if combined.len() == 1 || trigrams == 0 {
            // A script of one language (Greek, Thai): whatlang decides by script.
            return combined.first().map(|(l, _)| Found::Decided(*l));
        }
        Some(Found::Scored(Scores {
            scores: combined,
            trigrams,
            chunk_best,
        }))
    }
}

fn add(list: &mut Vec<(Lang, f64)>, lang: Lang, value: f64) {
    match list.iter_mut().find(|(l, _)| *l == lang) {
        Some(entry) => entry.1 += value,
        None => list.push((lang, value)),
    }
}

impl Tally {
    /// Adds one unit's text: each space-separated token is a word of the script most of
    /// its letters are in, except CJK characters, which count by themselves.
    fn add(&mut self, text: &str) {
        let mut scratch = String::new();
        for token in text.split_whitespace() {
            let mut counts = [0usize; 6];
            for c in token.chars() {
                if let Some(k) = class(c) {
                    counts[k as usize] += 1;
                }
            }
            self.han += counts[Class::Han as usize];
            self.kana += counts[Class::Kana as usize];
            let spaced = [Class::Latin, Class::Cyrillic, Class::Hangul, Class::Other];
            let Some(&main) = spaced
                .iter()
                .filter(|k| counts[**k as usize] > 0)
                .max_by_key(|k| counts[**k as usize])
            else {
                continue;
            };
            // The word without CJK characters glued to it ("Zebedeeクライアント").
            let word = if counts[Class::Han as usize] + counts[Class::Kana as usize] > 0 {
                scratch.clear();
                scratch.extend(
                    token
                        .chars()
                        .filter(|c| !matches!(class(*c), Some(Class::Han | Class::Kana))),
                );
                scratch.as_str()
            } else {
                token
            };
            match main {
                Class::Latin => self.latin.push_word(word),
                Class::Cyrillic => self.cyrillic.push_word(word),
                Class::Hangul => self.hangul_words += 1,
                _ => self.other.push_word(word),
            }
        }
        for sample in [&mut self.latin, &mut self.cyrillic, &mut self.other] {
            sample.end_block();
        }
    }

    fn finish(self) -> Vec<Group> {
        let mut groups = Vec::new();
        for (script, sample) in [
            (Script::Latin, &self.latin),
            (Script::Cyrillic, &self.cyrillic),
            (Script::Other, &self.other),
        ] {
            if sample.words == 0 {
                continue;
            }
            let found = sample
                .scores()
                .unwrap_or_else(|| Found::Unsure("no language recognised in the text".to_owned()));
            groups.push(Group {
                script,
                words: sample.words as f64,
                found,
            });
        }
        if self.hangul_words > 0 {
            groups.push(Group {
                script: Script::Hangul,
                words: self.hangul_words as f64,
                found: Found::Decided(Lang::Kor),
            });
        }
        let cjk = self.han + self.kana;
        if cjk > 0 {
            // Japanese writes kana in every sentence; Chinese none. whatlang's own cut
            // is 20% kana; Japanese prose rarely has less than a third.
            let kana = self.kana as f64 / cjk as f64;
            let found = if kana >= 0.1 {
                Found::Decided(Lang::Jpn)
            } else if kana <= 0.02 {
                Found::Decided(Lang::Cmn)
            } else {
                let mut why = String::new();
                let _ = write!(
                    why,
                    "Chinese or Japanese: {:.0}% of the characters are kana",
                    kana * 100.0
                );
                Found::Unsure(why)
            };
            groups.push(Group {
                script: Script::Cjk,
                words: cjk as f64 / 2.0,
                found,
            });
        }
        groups.sort_by(|a, b| b.words.total_cmp(&a.words));
        groups
    }
}

/// Words in `text` as language detection counts them: space-separated tokens with a
/// letter, and one word per two CJK characters (those scripts do not separate words with
/// spaces; Korean does, and counts by tokens).
pub fn count_words(text: &str) -> usize {
    let mut cjk = 0;
    let mut words = 0;
    for token in text.split_whitespace() {
        let mut spaced = false;
        for c in token.chars() {
            match class(c) {
                Some(Class::Han | Class::Kana) => cjk += 1,
                Some(_) => spaced = true,
                None => {}
            }
        }
        words += usize::from(spaced);
    }
    words + cjk / 2
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(text: &str) -> LanguageFacts {
        let mut tally = Tally::default();
        for block in text.split("\n\n") {
            tally.add(block);
        }
        let groups = tally.finish();
        LanguageFacts {
            words: groups.iter().map(|g| g.words).sum::<f64>() as usize,
            groups,
            ..LanguageFacts::default()
        }
    }

    fn lang(code: &str) -> Language {
        Language::parse(code).unwrap_or_else(|| panic!("{code}"))
    }

    fn judging(allowlist: &[Lang]) -> Judging<'_> {
        Judging {
            allowlist,
            min_confidence: 0.5,
            min_words: 20,
        }
    }

    fn verdict(text: &str, reader: &str) -> Verdict {
        facts(text).verdict(lang(reader), &judging(&[]))
    }

    const JAPANESE: &str = "いつも当店をご利用いただき、誠にありがとうございます。冬のセールが始まりました。人気のテレビやヘッドホン、スピーカーが特別価格でお求めいただけます。数量限定のため、お早めにお買い求めください。";
    const FOOTER: &str = "Copyright 2024 Example Store Inc. All rights reserved. Unsubscribe | Privacy Policy | Contact us";
    const CHINESE: &str = "感谢您一直以来对本店的支持。冬季促销现已开始，热门电视、耳机和音箱均以特价供应。数量有限，售完即止，请尽早选购。";
    const KOREAN: &str = "항상 저희 매장을 이용해 주셔서 감사합니다. 겨울 세일이 시작되었습니다. 인기 텔레비전과 헤드폰, 스피커를 특별 가격으로 만나보세요.";
    const GERMAN: &str = "Liebe Kundin, lieber Kunde, unser großer Winterschlussverkauf hat begonnen. Entdecken Sie jetzt reduzierte Fernseher, Kopfhörer und Lautsprecher zu unglaublichen Preisen. Das Angebot gilt nur bis Sonntag.";
    const ITALIAN: &str = "Cara cliente, caro cliente, i nostri grandi saldi invernali sono cominciati. Scopri subito televisori, cuffie e altoparlanti scontati a prezzi incredibili. L'offerta è valida solo fino a domenica.";

    #[test]
    fn the_script_decides_japanese_despite_an_english_footer() {
        let text = format!("{JAPANESE}\n\n{FOOTER}");
        assert_eq!(verdict(&text, "ja"), Verdict::Reads);
        assert!(
            matches!(verdict(&text, "en"), Verdict::WrittenIn(l, _) if l == lang("ja")),
            "{:?}",
            verdict(&text, "en")
        );
        assert!(matches!(verdict(&text, "zh"), Verdict::WrittenIn(l, _) if l == lang("ja")));
    }

    #[test]
    fn the_script_decides_chinese_and_korean() {
        assert_eq!(verdict(CHINESE, "zh-Hans"), Verdict::Reads);
        assert!(matches!(verdict(CHINESE, "ja"), Verdict::WrittenIn(l, _) if l == lang("zh")));
        assert_eq!(verdict(KOREAN, "ko"), Verdict::Reads);
        assert!(matches!(verdict(KOREAN, "ja"), Verdict::WrittenIn(l, _) if l == lang("ko")));
        // An allowlist without Chinese does not turn Chinese into Japanese.
        let allow = [Lang::Jpn, Lang::Eng];
        assert!(matches!(
            facts(CHINESE).verdict(lang("ja"), &judging(&allow)),
            Verdict::WrittenIn(l, _) if l == lang("zh")
        ));
    }

    #[test]
    fn counts_cjk_text_by_characters() {
        let f = facts(JAPANESE);
        let chars = JAPANESE.chars().filter(|c| c.is_alphabetic()).count();
        assert_eq!(f.words, chars / 2);
        assert!(f.words > 40, "{}", f.words);
        assert_eq!(count_words(JAPANESE), chars / 2);
        assert_eq!(count_words("Hello there, 50 % off!"), 3);
        assert_eq!(count_words("配信停止はこちら"), 4);
        assert_eq!(count_words(KOREAN), KOREAN.split_whitespace().count());
    }

    #[test]
    fn the_readers_language_competes_with_the_best() {
        assert_eq!(verdict(GERMAN, "de"), Verdict::Reads);
        for reader in ["en", "fr", "it", "ru", "ja"] {
            assert!(
                matches!(verdict(GERMAN, reader), Verdict::WrittenIn(l, c) if l == lang("de") && c >= 0.5),
                "{reader}: {:?}",
                verdict(GERMAN, reader)
            );
        }
    }

    #[test]
    fn a_bilingual_campaign_reads_for_both_and_not_for_others() {
        let text = format!("{GERMAN}\n\n{ITALIAN}");
        assert_eq!(verdict(&text, "de"), Verdict::Reads);
        assert_eq!(verdict(&text, "it"), Verdict::Reads);
        assert!(matches!(
            verdict(&text, "pl"),
            Verdict::WrittenIn(..) | Verdict::Unsure(_)
        ));
    }

    #[test]
    fn an_allowlist_never_forces_text_into_a_listed_language() {
        let danish = "Kære kunde, vores store vinterudsalg er begyndt. Opdag nedsatte fjernsyn, hovedtelefoner og højttalere til utrolige priser. Tilbuddet gælder kun til søndag, og kun så længe lager haves.";
        let allow = [Lang::Swe, Lang::Deu, Lang::Eng];
        let f = facts(danish);
        // A Swedish reader is not told the text is Swedish, nor a Danish one that it is
        // not Danish; a German reader still gets the error.
        assert!(matches!(
            f.verdict(lang("sv"), &judging(&allow)),
            Verdict::Unsure(_)
        ));
        assert!(matches!(
            f.verdict(lang("de"), &judging(&allow)),
            Verdict::WrittenIn(..) | Verdict::Unsure(_)
        ));
        assert_eq!(f.verdict(lang("da"), &judging(&allow)), Verdict::Reads);
    }

    #[test]
    fn too_little_or_unrecognised_text_is_unsure() {
        assert!(matches!(verdict("", "en"), Verdict::Unsure(_)));
        assert!(matches!(verdict("12 34 %", "en"), Verdict::Unsure(_)));
        assert!(matches!(verdict(GERMAN, "is"), Verdict::Unsure(_)));
    }
}
