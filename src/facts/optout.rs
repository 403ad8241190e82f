//! Which links are unsubscribe links. Real campaigns rarely say "Unsubscribe" on the link
//! itself: the words sit in the sentence around a "here" link, in the link's `title`,
//! `aria-label` or `class`, in the URL, or the href is an ESP merge tag. All of these
//! count, in many languages (the word lists are in [`lexicon`]).
//!
//! A link is judged by what a reader has to go on: its text; when that says nothing by
//! itself ("here", "hier klicken", "cliquez ici"), the sentence it stands in, and the
//! question before it ("Don't want these emails? Click here."). Plain-text parts have no
//! link text: a URL is judged by its sentence ("Unsubscribe: https://…", the URL on the
//! line after "Abmelden:"), and a footnote URL (`[3] https://…`) by the text its marker
//! stands after where it is cited ("Newsletter abbestellen [3]").

mod lexicon;

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::sync::LazyLock;

use super::{PartFacts, TextUnit, merge_tags, words};
use crate::campaign::PartKind;
use crate::campaign::html::Link;

/// Why a link was taken for an unsubscribe link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Evidence {
    /// The href is an ESP unsubscribe merge tag.
    MergeTag(String),
    /// The link text says so (in plain text: the text a footnote marker stands after).
    LinkText(&'static str),
    /// `title`, `aria-label`, `class` or `id` says so.
    Attribute(&'static str),
    /// The URL's path or query says so.
    Url,
    /// A generic link ("here"), or a plain-text URL, in a sentence about unsubscribing.
    Sentence(&'static str),
}

/// An unsubscribe link: `Facts::parts[part].links[link]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnsubscribeLink {
    pub part: usize,
    pub link: usize,
    pub evidence: Evidence,
}

/// Finds the unsubscribe links of every part.
pub fn find(parts: &[PartFacts], units: &[TextUnit]) -> Vec<UnsubscribeLink> {
    let mut out = Vec::new();
    for (part_index, part) in parts.iter().enumerate() {
        let plain = part.kind == PartKind::Plain;
        let places: Vec<Option<Place>> = part
            .links
            .iter()
            .map(|l| Place::of(l, units, plain))
            .collect();
        let notes = if plain {
            Footnotes::read(part, units, &places)
        } else {
            Footnotes::default()
        };
        // The cuts of each of the part's units: its footnote markers and link URLs.
        let mut in_unit: Vec<Vec<Range<usize>>> = vec![Vec::new(); part.units.len()];
        let mut add = |unit: usize, range: &Range<usize>| {
            if let Some(cuts) = unit
                .checked_sub(part.units.start)
                .and_then(|i| in_unit.get_mut(i))
            {
                cuts.push(range.clone());
            }
        };
        if plain {
            for (unit, range, _) in &notes.markers {
                add(*unit, range);
            }
            for place in places.iter().flatten() {
                add(place.unit, &place.range);
            }
        }
        let cuts: Vec<Cuts> = in_unit.into_iter().map(Cuts::new).collect();
        for (link_index, link) in part.links.iter().enumerate() {
            let place = places[link_index].as_ref();
            let reading = if plain {
                Reading::plain(link, place, units, part, &cuts, &notes)
            } else {
                Reading::html(link, place, units)
            };
            if let Some(evidence) = reading.classify() {
                out.push(UnsubscribeLink {
                    part: part_index,
                    link: link_index,
                    evidence,
                });
            }
        }
    }
    out
}

/// The first sentence of `text` that speaks of opting out, for a part that has wording
/// but no link ("To unsubscribe, reply STOP" in a text part), and where in it the words
/// that name the opt-out start.
pub fn wording(text: &str) -> Option<(Range<usize>, usize)> {
    let mut start = 0;
    while start < text.len() {
        let end = sentence_end(text, start, &Cuts::default(), &(0..0)).max(start + 1);
        let end = text.ceil_char_boundary(end);
        let sentence = &text[start..end];
        let lower = lowercase(sentence);
        let words = words(&lower);
        if let Some((_, found)) =
            first(&OPTOUT, &lower, &words).or_else(|| first(&CUES, &lower, &words))
        {
            // `lower` has the same chars as `sentence`, not always the same bytes.
            let chars = lower[..found.start].chars().count();
            let phrase = sentence
                .char_indices()
                .nth(chars)
                .map_or(end, |(i, _)| start + i);
            let lead = sentence.len() - sentence.trim_start().len();
            return Some((start + lead..start + sentence.trim_end().len(), phrase));
        }
        start = end;
    }
    None
}

/// Where a link's text (in plain text: the URL) sits in its text unit.
#[derive(Debug, Clone)]
struct Place {
    unit: usize,
    range: Range<usize>,
}

impl Place {
    fn of(link: &Link, units: &[TextUnit], plain: bool) -> Option<Place> {
        let unit_index = link.block?;
        let unit = units.get(unit_index)?;
        let raw = if plain {
            link.tag.clone()
        } else {
            link.text_range.clone()?
        };
        let start = unit.decoded_offset(raw.start);
        let end = unit.decoded_offset(raw.end).max(start);
        Some(Place {
            unit: unit_index,
            range: start..end,
        })
    }
}

/// Footnote links of a plain-text part, as mail tools write them: a marker after the
/// words (`Newsletter abbestellen [1]`, or before them in `lynx` style: `[1]Abmelden`)
/// and the URL in a list (`[1] https://…`, `[1]: https://…`, `1. https://…`).
#[derive(Debug, Default)]
struct Footnotes {
    /// Every marker `[n]`: its unit, its range there and its number.
    markers: Vec<(usize, Range<usize>, u32)>,
    /// The words follow the marker (`[1]Abmelden`), as `lynx -dump` writes them.
    label_after: bool,
    /// The number of the first marker ending at (unit, offset).
    ending_at: HashMap<(usize, usize), u32>,
    /// The first citing marker of each number: its unit and range.
    first_cited: HashMap<u32, (usize, Range<usize>)>,
}

impl Footnotes {
    fn read(part: &PartFacts, units: &[TextUnit], places: &[Option<Place>]) -> Footnotes {
        let mut notes = Footnotes::default();
        let entries: HashSet<(usize, usize)> = places
            .iter()
            .flatten()
            .map(|p| (p.unit, p.range.start))
            .collect();
        for unit_index in part.units.clone() {
            let Some(unit) = units.get(unit_index) else {
                continue;
            };
            for (range, number) in markers(&unit.text) {
                let rest = unit.text[range.end..].trim_start_matches([':', ' ']);
                let at = unit.text.len() - rest.len();
                if !entries.contains(&(unit_index, at)) {
                    notes
                        .first_cited
                        .entry(number)
                        .or_insert((unit_index, range.clone()));
                    notes.label_after |= rest.len() == unit.text.len() - range.end
                        && rest.starts_with(char::is_alphanumeric);
                }
                notes
                    .ending_at
                    .entry((unit_index, range.end))
                    .or_insert(number);
                notes.markers.push((unit_index, range, number));
            }
        }
        notes
    }

    /// The number of the list entry that `place` is the URL of.
    fn entry(&self, place: &Place, text: &str) -> Option<u32> {
        let before = text[..place.range.start].trim_end_matches([':', ' ']);
        if let Some(&n) = self.ending_at.get(&(place.unit, before.len())) {
            return Some(n);
        }
        // `1. https://…` under a "References" heading: only when `[1]` is cited.
        let number = before.strip_suffix('.')?;
        let digits = number.len() - number.trim_end_matches(|c: char| c.is_ascii_digit()).len();
        let head = &number[..number.len() - digits];
        if !(1..=3).contains(&digits) || !head.is_empty() && !head.ends_with(char::is_whitespace) {
            return None;
        }
        number[head.len()..].parse().ok()
    }

    /// The first place `[n]` is cited: its unit and marker range.
    fn citation(&self, n: u32) -> Option<(usize, Range<usize>)> {
        self.first_cited.get(&n).cloned()
    }
}

/// Footnote markers `[1]` to `[999]` in `text`.
fn markers(text: &str) -> Vec<(Range<usize>, u32)> {
    let mut out = Vec::new();
    for (at, _) in text.match_indices('[') {
        let rest = &text[at + 1..];
        let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        if !(1..=3).contains(&digits) || !rest[digits..].starts_with(']') {
            continue;
        }
        if let Ok(n) = rest[..digits].parse() {
            out.push((at..at + digits + 2, n));
        }
    }
    out
}

/// What a reader has to go on to tell what a link does.
struct Reading<'a> {
    href: Option<&'a str>,
    /// The link text and the alt text of its images (plain text: the URL, or the words of
    /// its footnote).
    text: Cow<'a, str>,
    attributes: [(&'static str, Option<&'a str>); 4],
    /// The sentence the link stands in.
    sentence: &'a str,
    /// The text says nothing by itself, so the sentence is read: a plain-text URL, or a
    /// footnote cited after a generic word ("kannst du dich hier [4] abmelden").
    generic: bool,
}

impl<'a> Reading<'a> {
    fn html(link: &'a Link, place: Option<&Place>, units: &'a [TextUnit]) -> Reading<'a> {
        let sentence = place
            .and_then(|p| {
                let text = &units.get(p.unit)?.text;
                Some(&text[sentence(text, p.range.clone(), &Cuts::default())])
            })
            .unwrap_or("");
        let text = if link.image_alt.is_empty() {
            Cow::Borrowed(link.text.as_str())
        } else {
            Cow::Owned(format!("{} {}", link.text, link.image_alt))
        };
        Reading {
            href: link.href.as_deref(),
            text,
            attributes: [
                ("title", link.title.as_deref()),
                ("aria-label", link.aria_label.as_deref()),
                ("class", link.class.as_deref()),
                ("id", link.id.as_deref()),
            ],
            sentence,
            generic: false,
        }
    }

    fn plain(
        link: &'a Link,
        place: Option<&Place>,
        units: &'a [TextUnit],
        part: &PartFacts,
        cuts: &[Cuts],
        notes: &Footnotes,
    ) -> Reading<'a> {
        let no_cuts = Cuts::default();
        let cuts_of = |unit: usize| {
            unit.checked_sub(part.units.start)
                .and_then(|i| cuts.get(i))
                .unwrap_or(&no_cuts)
        };
        let mut reading = Reading {
            href: link.href.as_deref(),
            text: Cow::Borrowed(link.text.as_str()),
            attributes: [
                ("title", None),
                ("aria-label", None),
                ("class", None),
                ("id", None),
            ],
            sentence: "",
            generic: true,
        };
        let Some(place) = place else {
            return reading;
        };
        let Some(text) = units.get(place.unit).map(|u| u.text.as_str()) else {
            return reading;
        };
        // A footnote URL: the words are where its marker is cited.
        if let Some((unit, marker)) = notes.entry(place, text).and_then(|n| notes.citation(n))
            && let Some(cited) = units.get(unit).map(|u| u.text.as_str())
        {
            let around = sentence(cited, marker.clone(), cuts_of(unit));
            let before = cited[around.start..marker.start].trim();
            let after = cited[marker.end..around.end].trim();
            let (label, next_to_marker) =
                if notes.label_after || !before.contains(char::is_alphanumeric) {
                    (after, words(after).first().map(|w| &after[w.clone()]))
                } else {
                    (before, words(before).last().map(|w| &before[w.clone()]))
                };
            reading.text = Cow::Borrowed(label);
            reading.sentence = &cited[around];
            reading.generic =
                next_to_marker.is_some_and(|w| lexicon::GENERIC.contains(&lowercase(w).as_str()));
            return reading;
        }
        let around = sentence(text, place.range.clone(), cuts_of(place.unit));
        let words_besides = text[around.start..place.range.start]
            .chars()
            .chain(text[place.range.end..around.end].chars())
            .any(char::is_alphanumeric);
        reading.sentence = &text[around];
        // A URL alone in its paragraph belongs to the line before it ("Abmelden:").
        if !words_besides
            && place.unit > part.units.start
            && let Some(previous) = units.get(place.unit - 1)
        {
            let end = previous.text.len();
            reading.sentence = &previous.text[sentence(&previous.text, end..end, &Cuts::default())];
        }
        reading
    }

    fn classify(&self) -> Option<Evidence> {
        if let Some(href) = self.href {
            if let Some(tag) = merge_tags::find(href)
                .into_iter()
                .find(|t| is_unsubscribe_name(&t.name()))
            {
                return Some(Evidence::MergeTag(href[tag.range].to_owned()));
            }
            let lower = href.to_lowercase();
            if lexicon::URL_CUES.iter().any(|c| lower.contains(c)) {
                return Some(Evidence::Url);
            }
        }
        let text = lowercase(&self.text);
        let text_words = words(&text);
        let url = self.href.is_some_and(|h| h == self.text);
        if !url {
            if let Some((p, _)) = first(&OPTOUT, &text, &text_words) {
                return Some(Evidence::LinkText(p));
            }
            let mut said = text_words
                .iter()
                .map(|w| &text[w.clone()])
                .filter(|w| !lexicon::GENERIC.contains(w));
            if let (Some(word), None) = (said.next(), said.next())
                && let Some(only) = lexicon::LINK_ONLY.iter().find(|o| **o == word)
            {
                return Some(Evidence::LinkText(only));
            }
        }
        for (name, value) in self.attributes {
            let Some(value) = value else { continue };
            let value = lowercase(value);
            if first(&OPTOUT, &value, &words(&value)).is_some()
                || value.contains("unsub")
                || value.contains("optout")
            {
                return Some(Evidence::Attribute(name));
            }
        }
        if !(self.generic || is_generic(&text, &text_words)) || !self.may_be_judged_by_sentence() {
            return None;
        }
        let sentence = lowercase(self.sentence);
        let sentence_words = words(&sentence);
        if first(&AGAINST, &sentence, &sentence_words).is_some() {
            return None;
        }
        first(&OPTOUT, &sentence, &sentence_words)
            .or_else(|| first(&CUES, &sentence, &sentence_words))
            .map(|(p, _)| Evidence::Sentence(p))
    }

    /// A `mailto:` to a person is not an opt-out because a sentence near it speaks of one;
    /// one to a role mailbox, or with the request written in, is.
    fn may_be_judged_by_sentence(&self) -> bool {
        let Some(href) = self.href else {
            return true;
        };
        let lower = href.trim().to_lowercase();
        let Some(address) = lower.strip_prefix("mailto:") else {
            return true;
        };
        let (mailbox, query) = address.split_once('?').unwrap_or((address, ""));
        let local = mailbox.split('@').next().unwrap_or("");
        lexicon::ROLE_MAILBOXES.contains(&local)
            || query.contains("subject=")
            || query.contains("body=")
    }
}

/// Where `text` (read text, not a link) holds an ESP tag that the ESP replaces with a
/// whole opt-out when it sends: Mailjet's `[[DELIVERY_INFO]]` ("This email was sent to …,
/// click here to unsubscribe") and `[[UNSUB_LINK_EN]]`, or an unsubscribe merge tag written
/// as text (`*|UNSUB|*`, which a text part shows as its URL).
pub fn footer_tag(text: &str) -> Option<Range<usize>> {
    for marker in ["[[DELIVERY_INFO]]", "[[UNSUB_LINK"] {
        if let Some(at) = text.find(marker) {
            let end = text[at..].find("]]").map_or(text.len(), |e| at + e + 2);
            return Some(at..end);
        }
    }
    merge_tags::find(text)
        .into_iter()
        .find(|t| is_unsubscribe_name(&t.name()))
        .map(|t| t.range)
}

/// Whether a merge tag's name is an unsubscribe link.
fn is_unsubscribe_name(name: &str) -> bool {
    ["unsub", "optout", "opt_out", "opt-out"]
        .iter()
        .any(|w| name.contains(w))
}

/// Whether a link text says nothing by itself ("click here", "hier", "こちら").
fn is_generic(text: &str, text_words: &[Range<usize>]) -> bool {
    if text_words.is_empty() {
        return false;
    }
    if text_words
        .iter()
        .all(|w| lexicon::GENERIC.contains(&&text[w.clone()]))
    {
        return true;
    }
    let bare = text.trim_matches(|c: char| !c.is_alphanumeric());
    lexicon::GENERIC_UNSPACED.contains(&bare)
}

/// The sentence of `text` around `at`: from the end of the sentence before it (or of a
/// cut: another URL, a footnote marker) to the end of its own, with the sentence before
/// when that one is a question ("Don't want these emails? Click here.").
///
/// A sentence reaches at most [`MAX_SENTENCE`] bytes either side of `at`: text without
/// sentence ends (a list of 20,000 links) is not read again for every link in it.
fn sentence(text: &str, at: Range<usize>, cuts: &Cuts) -> Range<usize> {
    let mut start = sentence_start(text, at.start, cuts, &at);
    let before = text[..start].trim_end();
    if let Some(question) = before.strip_suffix(['?', '？'])
        && !cuts.any_end_within(question.len() + 1..start + 1, &at)
    {
        start = sentence_start(text, question.len(), cuts, &at);
    }
    let lead = text[start..at.start].len() - text[start..at.start].trim_start().len();
    start + lead..sentence_end(text, at.end, cuts, &at)
}

/// The bytes a sentence may reach before and after what it is read around.
const MAX_SENTENCE: usize = 1000;

fn sentence_start(text: &str, from: usize, cuts: &Cuts, except: &Range<usize>) -> usize {
    let floor = cuts
        .floor(from, except)
        .max(text.floor_char_boundary(from.saturating_sub(MAX_SENTENCE)));
    text[floor..from]
        .char_indices()
        .rev()
        .find(|&(i, c)| stops(text, floor + i, c))
        .map_or(floor, |(i, c)| floor + i + c.len_utf8())
}

fn sentence_end(text: &str, from: usize, cuts: &Cuts, except: &Range<usize>) -> usize {
    let ceiling = cuts
        .ceiling(from, except)
        .unwrap_or(text.len())
        .min(text.ceil_char_boundary(from + MAX_SENTENCE));
    text[from..ceiling]
        .char_indices()
        .find(|&(i, c)| stops(text, from + i, c))
        .map_or(ceiling, |(i, c)| from + i + c.len_utf8())
}

/// Where sentences are cut besides their ends (footnote markers, other URLs), sorted so
/// that the cut before or after a place is found by binary search. A query leaves out
/// the cuts equal to the range it is made for (a link's own URL).
#[derive(Debug, Default)]
struct Cuts {
    by_end: Vec<Range<usize>>,
    by_start: Vec<Range<usize>>,
}

impl Cuts {
    fn new(ranges: impl IntoIterator<Item = Range<usize>>) -> Self {
        let mut by_end: Vec<Range<usize>> = ranges.into_iter().collect();
        let mut by_start = by_end.clone();
        by_end.sort_unstable_by_key(|r| (r.end, r.start));
        by_start.sort_unstable_by_key(|r| (r.start, r.end));
        Self { by_end, by_start }
    }

    /// The end of the last cut that ends at or before `at` (0 when none does).
    fn floor(&self, at: usize, except: &Range<usize>) -> usize {
        let below = self.by_end.partition_point(|r| r.end <= at);
        self.by_end[..below]
            .iter()
            .rev()
            .find(|r| *r != except)
            .map_or(0, |r| r.end)
    }

    /// The start of the first cut that starts at or after `at`.
    fn ceiling(&self, at: usize, except: &Range<usize>) -> Option<usize> {
        let below = self.by_start.partition_point(|r| r.start < at);
        self.by_start[below..]
            .iter()
            .find(|r| *r != except)
            .map(|r| r.start)
    }

    /// Whether a cut ends within `ends`.
    fn any_end_within(&self, ends: Range<usize>, except: &Range<usize>) -> bool {
        let from = self.by_end.partition_point(|r| r.end < ends.start);
        self.by_end[from..]
            .iter()
            .take_while(|r| r.end < ends.end)
            .any(|r| r != except)
    }
}

/// Whether the char `c` at `i` ends a sentence or a footer item.
fn stops(text: &str, i: usize, c: char) -> bool {
    match c {
        '.' | '!' | '?' | '…' => text[i + c.len_utf8()..]
            .chars()
            .next()
            .is_none_or(char::is_whitespace),
        '。' | '！' | '？' | '|' | '｜' | '•' | '·' | '¦' => true,
        _ => false,
    }
}

/// Lowercase, one char for one char, so that char positions stay where they were.
fn lowercase(text: &str) -> String {
    text.chars()
        .map(|c| {
            let mut lower = c.to_lowercase();
            match (lower.next(), lower.next()) {
                (Some(l), None) => l,
                _ => c,
            }
        })
        .collect()
}

static OPTOUT: LazyLock<Vec<Pattern>> = LazyLock::new(|| compile(lexicon::OPTOUT));
static CUES: LazyLock<Vec<Pattern>> = LazyLock::new(|| compile(lexicon::CUES));
static AGAINST: LazyLock<Vec<Pattern>> = LazyLock::new(|| compile(lexicon::AGAINST));

/// The first pattern found in `text` (lowercased; `words` are its words), and where.
fn first(
    patterns: &[Pattern],
    text: &str,
    words: &[Range<usize>],
) -> Option<(&'static str, Range<usize>)> {
    patterns
        .iter()
        .find_map(|p| p.find(text, words).map(|r| (p.source, r)))
}

/// How many other words `…` lets stand between two words of a pattern.
const MAX_GAP: usize = 4;

/// A compiled [`lexicon`] pattern.
#[derive(Debug)]
struct Pattern {
    source: &'static str,
    form: Form,
}

#[derive(Debug)]
enum Form {
    /// Scripts without spaces between words: a substring.
    Unspaced(&'static str),
    Words {
        steps: Vec<Step>,
        clause_end: bool,
    },
}

#[derive(Debug)]
enum Step {
    /// One word: any of the alternatives (a word, and whether it is a stem).
    Word(Vec<(&'static str, bool)>),
    Gap,
}

fn compile(sources: &[&'static str]) -> Vec<Pattern> {
    sources
        .iter()
        .map(|&source| {
            let unspaced = source
                .chars()
                .find(|c| c.is_alphabetic())
                .is_some_and(|c| (c as u32) >= 0x3000);
            if unspaced {
                return Pattern {
                    source,
                    form: Form::Unspaced(source),
                };
            }
            let clause_end = source.ends_with('$');
            let mut steps = Vec::new();
            for chunk in source.trim_end_matches('$').split_whitespace() {
                if chunk == "…" {
                    steps.push(Step::Gap);
                } else if chunk.contains('/') {
                    steps.push(Step::Word(chunk.split('/').map(stem).collect()));
                } else {
                    steps.extend(
                        chunk
                            .split(|c: char| !c.is_alphanumeric() && c != '*')
                            .filter(|w| !w.is_empty())
                            .map(|w| Step::Word(vec![stem(w)])),
                    );
                }
            }
            Pattern {
                source,
                form: Form::Words { steps, clause_end },
            }
        })
        .collect()
}

fn stem(word: &'static str) -> (&'static str, bool) {
    match word.strip_suffix('*') {
        Some(s) => (s, true),
        None => (word, false),
    }
}

impl Pattern {
    fn find(&self, text: &str, words: &[Range<usize>]) -> Option<Range<usize>> {
        match &self.form {
            Form::Unspaced(needle) => text.find(needle).map(|at| at..at + needle.len()),
            Form::Words { steps, clause_end } => (0..words.len()).find_map(|start| {
                let end = steps_from(steps, *clause_end, text, words, start)?;
                Some(words[start].start..words[end - 1].end)
            }),
        }
    }
}

/// The index after the last word when `steps` match from word `at`.
fn steps_from(
    steps: &[Step],
    clause_end: bool,
    text: &str,
    words: &[Range<usize>],
    at: usize,
) -> Option<usize> {
    let Some((step, rest)) = steps.split_first() else {
        let last = words.get(at.checked_sub(1)?)?;
        return (!clause_end || ends_clause(&text[last.end..])).then_some(at);
    };
    match step {
        Step::Word(alternatives) => {
            let word = &text[words.get(at)?.clone()];
            let hit = alternatives
                .iter()
                .any(|&(w, stem)| word == w || stem && word.starts_with(w));
            if hit {
                steps_from(rest, clause_end, text, words, at + 1)
            } else {
                None
            }
        }
        Step::Gap => {
            (0..=MAX_GAP).find_map(|skip| steps_from(rest, clause_end, text, words, at + skip))
        }
    }
}

/// Whether a clause ends before `rest`: punctuation, the end, or a URL follows.
fn ends_clause(rest: &str) -> bool {
    let rest = rest.trim_start();
    !rest.starts_with(char::is_alphanumeric) || rest.starts_with("http") || rest.starts_with("www.")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::campaign::{Campaign, Format};
    use crate::facts::{AnalysisOptions, Facts};

    /// The hrefs of the unsubscribe links found in a campaign, with why.
    fn found(text: &str, format: Format) -> Vec<(String, Evidence)> {
        let campaign = Campaign::parse("t", text.as_bytes(), format).expect("test campaign");
        let facts = Facts::analyze(&campaign, None, &AnalysisOptions::default());
        facts
            .unsubscribe_links
            .iter()
            .map(|l| {
                let link = &facts.parts[l.part].links[l.link];
                (link.href.clone().unwrap_or_default(), l.evidence.clone())
            })
            .collect()
    }

    fn hrefs(text: &str, format: Format) -> Vec<String> {
        found(text, format).into_iter().map(|(h, _)| h).collect()
    }

    /// A footer paragraph with one link to an opaque tracker URL.
    fn footer(html: &str) -> Vec<String> {
        hrefs(
            &format!("<p>Our spring sale is on.</p><p>{html}</p>"),
            Format::Html,
        )
    }

    const U: &str = "https://click.esp.example/l/9f2a";

    #[test]
    fn link_text_in_many_languages() {
        for text in [
            "Unsubscribe",
            "Opt out",
            "Manage preferences",
            "Update your email preferences",
            "Preferences",
            "Abmelden",
            "Newsletter abbestellen",
            "Vom Newsletter abmelden",
            "Abmeldung",
            "E-Mail-Einstellungen",
            "Se désabonner",
            "Se désinscrire",
            "Gérer mes abonnements",
            "Darse de baja",
            "Baja",
            "Cancelar la suscripción",
            "Disiscriviti",
            "Annulla l'iscrizione",
            "Annulla l’iscrizione",
            "Descadastre-se",
            "Cancelar inscrição",
            "Uitschrijven",
            "Afmelden",
            "Wypisz się",
            "Zrezygnuj z subskrypcji",
            "Avregistrera",
            "Peruuta tilaus",
            "Odhlásit",
            "Leiratkozás",
            "Отписаться",
            "配信停止はこちら",
            "メール配信の解除",
            "購読解除",
            "退订",
            "수신거부",
        ] {
            let html = format!("<a href=\"{U}\">{text}</a>");
            assert_eq!(footer(&html), [U], "{text}");
        }
    }

    #[test]
    fn a_here_link_in_an_opt_out_sentence() {
        for sentence in [
            "Wenn Sie diesen Newsletter nicht mehr erhalten möchten, klicken Sie <a href=\"{U}\">hier</a>.",
            "Wenn Sie keine E-Mails mehr von uns erhalten möchten, <a href=\"{U}\">hier klicken</a>.",
            "Bitte melde Dich <a href=\"{U}\">hier</a> ab.",
            "Du kannst dich jederzeit <a href=\"{U}\">hier</a> austragen.",
            "Trage dich <a href=\"{U}\">hier</a> aus, wenn du nichts mehr lesen willst.",
            "Melden Sie sich <a href=\"{U}\">hier</a> vom Newsletter ab.",
            "If you no longer wish to receive these emails, <a href=\"{U}\">click here</a>.",
            "Don't want these emails? <a href=\"{U}\">Click here</a>.",
            "To manage your subscriptions or opt out, <a href=\"{U}\">click here</a>.",
            "Pour gérer vos abonnements ou vous désinscrire, cliquez <a href=\"{U}\">ici</a>.",
            "Si vous ne souhaitez plus recevoir nos e-mails, cliquez <a href=\"{U}\">ici</a>.",
            "Si ya no deseas recibir nuestros correos, <a href=\"{U}\">haz clic aquí</a>.",
            "Para darte de baja, haz clic <a href=\"{U}\">aquí</a>.",
            "Se non desideri più ricevere la newsletter, clicca <a href=\"{U}\">qui</a>.",
            "Per cancellarti clicca <a href=\"{U}\">qui</a>.",
            "Wil je deze nieuwsbrief niet meer ontvangen? Klik <a href=\"{U}\">hier</a>.",
            "Schrijf je <a href=\"{U}\">hier</a> uit.",
            "Meld je <a href=\"{U}\">hier</a> af.",
            "Jeśli nie chcesz otrzymywać naszych wiadomości, kliknij <a href=\"{U}\">tutaj</a>.",
            "Para cancelar sua inscrição, clique <a href=\"{U}\">aqui</a>.",
            "Se não deseja mais receber nossos e-mails, clique <a href=\"{U}\">aqui</a>.",
            "配信停止をご希望の方は<a href=\"{U}\">こちら</a>",
            "今後配信を希望されない場合は<a href=\"{U}\">こちら</a>から",
        ] {
            let html = sentence.replace("{U}", U);
            assert_eq!(footer(&html), [U], "{sentence}");
        }
    }

    #[test]
    fn links_that_are_not_opt_outs() {
        for html in [
            // "here" in a sentence about something else, though the block speaks of it.
            "Unsubscribe anytime in your account. Our new catalogue is <a href=\"{U}\">here</a>.",
            "Unsere Angebote finden Sie <a href=\"{U}\">hier</a>.",
            "Melde dich <a href=\"{U}\">hier</a> ab sofort für den Kurs an.",
            "Trage dich <a href=\"{U}\">hier</a> aus Neugier ein.",
            "Retrouvez nos magasins <a href=\"{U}\">ici</a>.",
            "Precios a la baja: descúbrelos <a href=\"{U}\">aquí</a>.",
            // A confirmation of an opt-out that offers the way back.
            "You have been unsubscribed. Changed your mind? <a href=\"{U}\">Click here</a> to resubscribe.",
            // A person to write to is not an opt-out because the sentence speaks of one.
            "Questions about unsubscribing? Write to Anna <a href=\"mailto:anna.schmidt@nordlicht.example\">here</a>.",
            "<a href=\"{U}\">Shop now</a> before you unsubscribe from the fun.",
        ] {
            let html = html.replace("{U}", U);
            assert!(footer(&html).is_empty(), "{html}");
        }
        // To a role mailbox, the same sentence is an opt-out path.
        let role = "To stop receiving these emails, write to us <a href=\"mailto:newsletter@nordlicht.example\">here</a>.";
        assert_eq!(footer(role), ["mailto:newsletter@nordlicht.example"]);
    }

    #[test]
    fn merge_tags_urls_and_attributes() {
        for href in [
            "*|UNSUB|*",
            "{{unsubscribe_url}}",
            "{{ unsubscribe }}",
            "<%asm_group_unsubscribe_raw_url%>",
            "%%unsub_center_url%%",
            "[unsubscribe]",
            "{% unsubscribe %}",
        ] {
            let html = format!("<a href=\"{href}\">click</a>");
            assert!(
                matches!(
                    found(&format!("<p>Sale</p><p>{html}</p>"), Format::Html)[..],
                    [(_, Evidence::MergeTag(_))]
                ),
                "{href}"
            );
        }
        for href in [
            "https://x.example/unsubscribe?id=1",
            "https://x.example/newsletter/abmelden?id=1",
            "https://x.example/preference-center?u=1",
            "mailto:leave@x.example?subject=unsubscribe",
        ] {
            let html = format!("<p>Sale</p><p><a href=\"{href}\">write to us</a></p>");
            assert!(
                matches!(found(&html, Format::Html)[..], [(_, Evidence::Url)]),
                "{href}"
            );
        }
        for attribute in [
            "class=\"footer unsubscribe-link\"",
            "title=\"Abmelden\"",
            "aria-label=\"Se désabonner\"",
            "id=\"unsubLink\"",
        ] {
            let html = format!("<p>Sale</p><p><a href=\"{U}\" {attribute}>×</a></p>");
            assert!(
                matches!(
                    found(&html, Format::Html)[..],
                    [(_, Evidence::Attribute(_))]
                ),
                "{attribute}"
            );
        }
    }

    #[test]
    fn words_must_start_at_a_word() {
        for text in [
            "Trabaja con nosotros",
            "Remove members",
            "Baja California tours",
        ] {
            assert!(
                footer(&format!("<a href=\"{U}\">{text}</a>")).is_empty(),
                "{text}"
            );
        }
    }

    #[test]
    fn plain_text_labels_and_sentences() {
        for text in [
            "Unsubscribe: https://x.example/l/1",
            "Abmelden: https://x.example/l/1",
            "Abmelden:\nhttps://x.example/l/1",
            "Newsletter abbestellen:\n\nhttps://x.example/l/1",
            "To stop receiving these emails, visit\nhttps://x.example/l/1",
            "Bitte melde Dich über den Abmeldelink ab: https://x.example/l/1",
            "Um dich abzumelden, klicke hier: https://x.example/l/1",
            "Se désinscrire : https://x.example/l/1",
            "Darse de baja: https://x.example/l/1",
            "Disiscriviti: https://x.example/l/1",
            "Afmelden: https://x.example/l/1",
            "Wypisz się: https://x.example/l/1",
            "Descadastrar: https://x.example/l/1",
            "配信停止：https://x.example/l/1",
            "Unsubscribe <https://x.example/l/1>",
            "Unsubscribe (https://x.example/l/1)",
            "Manage your email preferences: https://x.example/l/1",
        ] {
            let text =
                format!("Our spring sale is on.\n\nShop: https://shop.example/spring\n\n{text}\n");
            assert_eq!(
                hrefs(&text, Format::Text),
                ["https://x.example/l/1"],
                "{text}"
            );
        }
    }

    #[test]
    fn plain_text_footnotes() {
        let german = "Hallo Anna,\n\nunser Frühjahrsangebot [1] ist da.\n\nImpressum [2]\nNewsletter abbestellen [3]\n\n[1] https://x.example/l/1\n[2] https://x.example/l/2\n[3] https://x.example/l/3\n";
        let english = "Spring sale [1]\n\nView online [2] | Unsubscribe [3]\n\nLinks:\n------\n[1] https://x.example/l/1\n[2] https://x.example/l/2\n[3] <https://x.example/l/3>\n";
        let sentence = "Hallo Anna,\n\nwenn du keine Post mehr von uns willst, kannst du dich hier [4] abmelden.\n\n[4]: https://x.example/l/3\n";
        let lynx = "Spring sale [1]Shop now\n\n[2]Preferences [3]Unsubscribe\n\nReferences\n\n1. https://x.example/l/1\n2. https://x.example/l/p\n3. https://x.example/l/3\n";
        for text in [german, english, sentence] {
            assert_eq!(
                hrefs(text, Format::Text),
                ["https://x.example/l/3"],
                "{text}"
            );
        }
        assert_eq!(
            hrefs(lynx, Format::Text),
            ["https://x.example/l/p", "https://x.example/l/3"]
        );
        let Some((_, Evidence::LinkText(words))) = found(german, Format::Text).pop() else {
            panic!("the footnote is read by its words");
        };
        assert_eq!(words, "abbestell*");
    }

    #[test]
    fn plain_text_that_is_not_an_opt_out() {
        for text in [
            // The opt-out sentence speaks of the account, the URL is the shop.
            "Our spring sale is on: https://shop.example/spring\n\nYou can unsubscribe in your account settings.\n",
            // A footnote whose words are something else.
            "Impressum [1]\nUnsubscribe by replying STOP.\n\n[1] https://x.example/imprint\n",
            // A person to write to.
            "Questions about unsubscribing? Write to mailto:anna.schmidt@nordlicht.example\n",
            "Thanks for reading!\nhttps://nordlicht.example\n\nUnsubscribe by replying STOP.\n",
        ] {
            assert!(hrefs(text, Format::Text).is_empty(), "{text}");
        }
    }

    #[test]
    fn wording_without_a_link() {
        let text = "Thanks for reading. To unsubscribe, reply STOP to this email. Bye.";
        let (at, phrase) = wording(text).expect("opt-out wording");
        assert_eq!(&text[at], "To unsubscribe, reply STOP to this email.");
        assert_eq!(
            &text[phrase..],
            "unsubscribe, reply STOP to this email. Bye."
        );
        let german = "Wenn Sie keine Post mehr erhalten möchten, antworten Sie mit STOP.";
        assert_eq!(wording(german), Some((0..german.len(), 9)));
        assert_eq!(wording("Thanks for reading. See you in May."), None);
    }

    #[test]
    fn patterns_compile_to_single_words() {
        for pattern in OPTOUT.iter().chain(CUES.iter()).chain(AGAINST.iter()) {
            let Form::Words { steps, .. } = &pattern.form else {
                continue;
            };
            assert!(!steps.is_empty(), "{}", pattern.source);
            assert!(
                !matches!(steps.first(), Some(Step::Gap)),
                "{}",
                pattern.source
            );
            assert!(
                !matches!(steps.last(), Some(Step::Gap)),
                "{}",
                pattern.source
            );
            for step in steps {
                if let Step::Word(alternatives) = step {
                    for (word, _) in alternatives {
                        assert!(
                            !word.is_empty() && word.chars().all(char::is_alphanumeric),
                            "{}: {word:?}",
                            pattern.source
                        );
                        assert_eq!(*word, lowercase(word), "{}", pattern.source);
                    }
                }
            }
        }
    }

    #[test]
    fn sentences_stop_at_sentence_ends_and_cuts() {
        let text = "Read more. Don't want these emails? Click here. Thanks!";
        let at = text.find("here").unwrap();
        assert_eq!(
            &text[sentence(text, at..at + 4, &Cuts::default())],
            "Don't want these emails? Click here."
        );
        let text = "Impressum [2] Newsletter abbestellen [3]";
        let marker = text.find("[3]").unwrap();
        let cut = text.find("[2]").unwrap();
        assert_eq!(
            &text[sentence(
                text,
                marker..marker + 3,
                &Cuts::new([cut..cut + 3, marker..marker + 3])
            )],
            "Newsletter abbestellen [3]"
        );
    }
}
