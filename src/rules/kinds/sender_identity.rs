//! `sender-identity`: how the sender presents itself in `.eml` headers. A From without a
//! display name, a From, Reply-To or Sender that does not parse as RFC 5322 mailboxes
//! (judged by lettre, the crate that would build the message). Replies that go to a
//! no-reply address are `no-reply-path`'s.
//!
//! lettre's parse errors say only "Invalid input", so [`diagnose`] finds the reason and
//! its place itself. Display names are judged after RFC 2047 decoding (mail-parser
//! decodes them in `HeaderField::mailboxes`), so `=?UTF-8?Q?Nordlicht?= <…>` has a name.
//!
//! Shipped rules of this kind: `sender-identity`.

use std::ops::Range;
use std::str::FromStr;

use lettre::message::{Mailbox, Mailboxes};

use super::{NoParams, RuleKind};
use crate::campaign::{Format, HeaderField};
use crate::diagnostic::Span;
use crate::facts::Facts;
use crate::rules::{CampaignCheck, Context, Diag};

const NO_FROM: &str = "no From header";
const PARSE_HELP: &str = "write it as Name <local@example.com>; put the name in double quotes when it contains , ; : @ . or quotes (\"Nordlicht, Inc.\" <news@example.com>)";

fn unparsable(header: &str, reason: &str) -> String {
    format!("{header} cannot be parsed: {reason}")
}

pub struct SenderIdentity;

impl RuleKind for SenderIdentity {
    type Params = NoParams;

    fn new(_params: NoParams) -> Self {
        Self
    }
}

/// Why a header value does not parse, where (a range in the value), and a short label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub reason: String,
    pub range: Range<usize>,
    pub label: &'static str,
}

/// The label shown at the place of each reason.
fn label_for(reason: &str) -> &'static str {
    match reason {
        r if r.starts_with("display name needs quotes") => "put the display name in double quotes",
        "no '@' in the address" => "no '@' here",
        "space in the address" => "remove this space",
        "more than one '@' in the address" => "a second '@'",
        "text after the closing '>'" => "remove this, or put it in the display name",
        "a name without <…> around the address" => "put the address in <…> after this name",
        "a quote that is never closed" => "this quote is never closed",
        "'<' without a closing '>'" => "this '<' is never closed",
        "'>' without an opening '<'" => "there is no '<' before this",
        "the value is empty" => "no mailbox here",
        "nothing before the '@'" | "no domain after the '@'" | "empty address in <>" => {
            "incomplete address"
        }
        _ => "lettre cannot parse this",
    }
}

/// Why a header value is not a list of mailboxes, and where.
pub fn diagnose(value: &str) -> Problem {
    let (reason, range) = find_problem(value);
    Problem {
        label: label_for(&reason),
        reason,
        range,
    }
}

fn find_problem(value: &str) -> (String, Range<usize>) {
    let whole = 0..value.len();
    if value.trim().is_empty() {
        return ("the value is empty".to_owned(), whole);
    }
    let segments = split_top_level(value);
    if let Some(reason) = segments.iter().find_map(|s| s.problem.clone()) {
        return reason;
    }
    for (i, seg) in segments.iter().enumerate() {
        let text = &value[seg.range.clone()];
        let at = |r: Range<usize>| seg.range.start + r.start..seg.range.start + r.end;
        if let Some(open) = text.find('<') {
            let name = &text[..open];
            if let Some(p) = name.find(['@', ':', ';', '[', ']', '\\']) {
                let c = &name[p..=p];
                return (
                    format!("display name needs quotes: it contains '{c}'"),
                    at(p..p + 1),
                );
            }
            let close = text.rfind('>').unwrap_or(text.len());
            let addr = open + 1..close;
            if let Some(problem) = addr_problem(&text[addr.clone()]) {
                return (
                    problem.0,
                    at(addr.start + problem.1.start..addr.start + problem.1.end),
                );
            }
            if !text[close + 1..].trim().is_empty() {
                return (
                    "text after the closing '>'".to_owned(),
                    at(close + 1..text.len()),
                );
            }
        } else if !text.contains('@') {
            let next_has_angle = segments
                .get(i + 1)
                .is_some_and(|n| value[n.range.clone()].contains('<'));
            if next_has_angle {
                let comma = seg.range.end;
                return (
                    "display name needs quotes: it contains a comma".to_owned(),
                    comma..comma + 1,
                );
            }
            return ("no '@' in the address".to_owned(), seg.range.clone());
        } else {
            let trimmed = text.trim();
            let lead = text.len() - text.trim_start().len();
            if let Some(space) = trimmed.find(char::is_whitespace) {
                return (
                    "a name without <…> around the address".to_owned(),
                    at(lead..lead + space),
                );
            }
            if let Some(problem) = addr_problem(text) {
                return (problem.0, at(problem.1));
            }
        }
    }
    ("not a valid mailbox".to_owned(), whole)
}

/// What is wrong with an addr-spec (`local@domain`), and where in `addr`.
fn addr_problem(addr: &str) -> Option<(String, Range<usize>)> {
    let lead = addr.len() - addr.trim_start().len();
    let trimmed = addr.trim();
    let range = lead..lead + trimmed.len();
    if trimmed.is_empty() {
        return Some(("empty address in <>".to_owned(), range));
    }
    if let Some(space) = trimmed.find(char::is_whitespace) {
        return Some((
            "space in the address".to_owned(),
            lead + space..lead + space + 1,
        ));
    }
    let Some(at) = trimmed.find('@') else {
        return Some(("no '@' in the address".to_owned(), range));
    };
    if let Some(second) = trimmed[at + 1..].find('@') {
        let p = lead + at + 1 + second;
        return Some(("more than one '@' in the address".to_owned(), p..p + 1));
    }
    if at == 0 {
        return Some(("nothing before the '@'".to_owned(), range));
    }
    if at + 1 == trimmed.len() {
        return Some(("no domain after the '@'".to_owned(), range));
    }
    None
}

/// A mailbox's text between top-level commas, or a structural problem found on the way.
struct Segment {
    range: Range<usize>,
    problem: Option<(String, Range<usize>)>,
}

/// Splits at commas outside quotes, comments and angle brackets, noting unbalanced ones.
fn split_top_level(value: &str) -> Vec<Segment> {
    let mut out = Vec::new();
    let (mut start, mut quote, mut angle, mut comment) = (0, None, None, 0usize);
    let mut escaped = false;
    let mut problem = None;
    for (i, c) in value.char_indices() {
        if escaped {
            escaped = false;
            continue;
        }
        match c {
            '\\' if quote.is_some() || comment > 0 => escaped = true,
            '"' if comment == 0 => quote = if quote.is_some() { None } else { Some(i) },
            _ if quote.is_some() => {}
            '(' => comment += 1,
            ')' if comment > 0 => comment -= 1,
            _ if comment > 0 => {}
            '<' => angle = Some(i),
            '>' if angle.is_none() => {
                problem.get_or_insert(("'>' without an opening '<'".to_owned(), i..i + 1));
            }
            '>' => angle = None,
            ',' if angle.is_none() => {
                out.push(Segment {
                    range: start..i,
                    problem: problem.take(),
                });
                start = i + 1;
            }
            _ => {}
        }
    }
    if let Some(q) = quote {
        problem.get_or_insert(("a quote that is never closed".to_owned(), q..q + 1));
    }
    if let Some(a) = angle {
        problem.get_or_insert(("'<' without a closing '>'".to_owned(), a..a + 1));
    }
    out.push(Segment {
        range: start..value.len(),
        problem,
    });
    out
}

/// A span in the raw header value; `range` is in the unfolded value, which is the raw
/// text unless the header was folded (then the whole value is labelled).
pub(super) fn value_span(h: &HeaderField, range: Range<usize>) -> Span {
    if h.value_range.len() == h.value.len() {
        Span::new(
            0,
            h.value_range.start + range.start..h.value_range.start + range.end,
        )
    } else {
        Span::new(0, h.value_range.clone())
    }
}

impl SenderIdentity {
    /// Reports a header lettre cannot parse; true if it parsed.
    fn parses(cx: &mut Context, h: &HeaderField, single: bool) -> bool {
        let ok = if single {
            Mailbox::from_str(&h.value).is_ok()
        } else {
            Mailboxes::from_str(&h.value).is_ok_and(|m| m.iter().next().is_some())
        };
        if ok {
            return true;
        }
        let problem = diagnose(&h.value);
        cx.report(
            Diag::with_message(unparsable(&h.name, &problem.reason))
                .label(value_span(h, problem.range), problem.label)
                .help(Some(PARSE_HELP.to_owned())),
        );
        false
    }
}

impl CampaignCheck for SenderIdentity {
    fn campaign(&self, cx: &mut Context, facts: &Facts) {
        if facts.format != Format::Eml {
            return;
        }
        let Some(from) = facts.header("From") else {
            let end = facts.list_unsubscribe.header_end;
            return cx.report(
                Diag::with_message(NO_FROM)
                    .label(end, "add From: Name <address> to the header block")
                    .help(Some(PARSE_HELP.to_owned())),
            );
        };
        if Self::parses(cx, from, false) {
            let first = from.mailboxes.first();
            let named = first
                .and_then(|m| m.name.as_deref())
                .is_some_and(|n| !n.trim().is_empty());
            if !named {
                let address = first.and_then(|m| m.address.as_deref()).unwrap_or("");
                cx.report(Diag::new().arg("address", address).label(
                    value_span(from, 0..from.value.len()),
                    "only an address: add the brand's name before it",
                ));
            }
        }
        if let Some(h) = facts.header("Reply-To") {
            Self::parses(cx, h, false);
        }
        if let Some(h) = facts.header("Sender") {
            Self::parses(cx, h, true);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::diagnose;
    use crate::campaign::Format;
    use crate::diagnostic::Finding;
    use crate::rules::kinds::testing::run;

    fn check(headers: &str) -> Vec<Finding> {
        let raw = format!(
            "{headers}Subject: News\r\nMIME-Version: 1.0\r\nContent-Type: text/html\r\n\r\n<p>Hi</p>\r\n"
        );
        run("sender-identity", &raw, Format::Eml, None, None)
    }

    fn messages(headers: &str) -> Vec<String> {
        check(headers).into_iter().map(|f| f.message).collect()
    }

    #[test]
    fn failing_headers() {
        assert_eq!(
            messages("From: news@nordlicht.example.com\r\n"),
            ["no display name in From (news@nordlicht.example.com)"]
        );
        assert_eq!(
            messages("From: <news@nordlicht.example.com>\r\n"),
            ["no display name in From (news@nordlicht.example.com)"]
        );
        assert_eq!(
            messages(
                "From: Nordlicht <news@nordlicht.example.com>\r\nReply-To: Nordlicht, Inc. <help@nordlicht.example.com>\r\n"
            ),
            ["Reply-To cannot be parsed: display name needs quotes: it contains a comma"]
        );
        assert_eq!(
            messages("From: Nordlicht <news@nordlicht.example.com\r\n"),
            ["From cannot be parsed: '<' without a closing '>'"]
        );
        assert_eq!(messages("Subject: x\r\n"), ["no From header"]);
    }

    #[test]
    fn labels_point_into_the_value() {
        let headers = "From: Nordlicht <news@nordlicht.example.com>\r\nReply-To: Nordlicht, Inc. <help@nordlicht.example.com>\r\n";
        let found = check(headers);
        let label = &found[0].labels[0];
        assert_eq!(&headers[label.span.offset..label.span.end()], ",");
    }

    #[test]
    fn passing_headers() {
        for headers in [
            "From: Nordlicht Electronics <news@nordlicht.example.com>\r\n",
            "From: \"Nordlicht, Inc.\" <news@nordlicht.example.com>\r\nReply-To: help@nordlicht.example.com\r\n",
            "From: =?UTF-8?Q?Nordlicht_M=C3=BCller?= <news@nordlicht.example.com>\r\n",
            "From: J. Smith <j@nordlicht.example.com>\r\nSender: <bounce@esp.example.net>\r\n",
        ] {
            assert!(
                check(headers).is_empty(),
                "{headers}: {:?}",
                messages(headers)
            );
        }
    }

    #[test]
    fn diagnoses() {
        fn reason(v: &str) -> (String, &str) {
            let p = diagnose(v);
            assert_ne!(p.label, "lettre cannot parse this", "{v}");
            (p.reason, &v[p.range])
        }
        assert_eq!(reason("").0, "the value is empty");
        assert_eq!(
            reason("Nordlicht News"),
            ("no '@' in the address".to_owned(), "Nordlicht News")
        );
        assert_eq!(
            reason("Shop a@b.example"),
            ("a name without <…> around the address".to_owned(), "Shop")
        );
        assert_eq!(
            reason("Shop <a b@x.example>"),
            ("space in the address".to_owned(), " ")
        );
        assert_eq!(
            reason("Shop <a@@x.example>"),
            ("more than one '@' in the address".to_owned(), "@")
        );
        assert_eq!(
            reason("news@shop <a@x.example>").0,
            "display name needs quotes: it contains '@'"
        );
        assert_eq!(
            reason("\"Shop <a@x.example>").0,
            "a quote that is never closed"
        );
        assert_eq!(reason("Shop a@x.example>").0, "'>' without an opening '<'");
        assert_eq!(
            reason("Shop <a@x.example> (x"),
            ("text after the closing '>'".to_owned(), " (x")
        );
    }
}
