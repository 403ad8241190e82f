//! `merge-tag-syntax`: a merge tag the ESP's template engine cannot read. A Liquid or
//! Handlebars tag whose delimiter is never closed (`{{ last_name }`), a Mailchimp tag
//! without its `|*`, and blocks that do not nest: `{% if %}` never closed, `{% endif %}`
//! or `*|END:IF|*` with nothing open, `{{/if}}` closing `{{#each}}`, an `{% else %}`
//! outside any block. The ESP rejects such a campaign at send time, or sends the tag's
//! text to everyone.
//!
//! Each part is read whole, markup included, because a block opened in one element closes
//! in another, and tags sit in attributes too. About the campaign alone.
//!
//! Shipped rules of this kind: `merge-tag-syntax`.

use std::ops::Range;

use super::{NoParams, RuleKind};
use crate::diagnostic::Span;
use crate::facts::Facts;
use crate::facts::merge_tags::{self, Syntax};
use crate::rules::{CampaignCheck, Context, Diag};

fn never_closed(closer: &str) -> String {
    format!("no `{closer}` closes this tag")
}

fn block_never_closed(closer: &str) -> String {
    format!("no `{closer}` closes this block")
}

pub struct MergeTagSyntax;

impl RuleKind for MergeTagSyntax {
    type Params = NoParams;

    fn new(_params: NoParams) -> Self {
        Self
    }
}

/// One problem in a text: the tag as written, what is wrong, the label, where.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Problem {
    range: Range<usize>,
    tag: String,
    what: String,
    label: String,
}

impl CampaignCheck for MergeTagSyntax {
    fn campaign(&self, cx: &mut Context, facts: &Facts) {
        for unit in facts.units.iter().filter(|u| u.part.is_none()) {
            for p in scan(&unit.text) {
                cx.report(diag(unit.span(p.range.clone()), p));
            }
        }
        for part in &facts.parts {
            let Some(text) = facts
                .sources
                .get(part.source)
                .and_then(|s| s.text.get(part.body.clone()))
            else {
                continue;
            };
            for p in scan(text) {
                let at = part.body.start;
                let span = Span::new(part.source, at + p.range.start..at + p.range.end);
                cx.report(diag(span, p));
            }
        }
    }
}

fn diag(span: Span, p: Problem) -> Diag {
    Diag::new()
        .arg("tag", p.tag)
        .arg("problem", p.what)
        .label(span, p.label)
}

/// Every problem of `text`, in order.
fn scan(text: &str) -> Vec<Problem> {
    let mut found = unclosed(text);
    found.extend(blocks(text));
    found.sort_by_key(|p| p.range.start);
    found
}

/// The offset of the next `{{` or `{%` in `text`.
fn next_opener(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    (0..bytes.len().saturating_sub(1))
        .find(|&i| bytes[i] == b'{' && matches!(bytes[i + 1], b'{' | b'%'))
}

/// Where a broken tag's text ends: after its first `}` or `|`, else before the markup,
/// line break or next tag that follows it, at most 60 bytes on.
fn broken_end(text: &str, start: usize, body: usize) -> usize {
    let limit = text.floor_char_boundary((body + 60).min(text.len()));
    let rest = &text[body..limit];
    let stop = rest.find(['<', '\n', '\r', '{', '*']).unwrap_or(rest.len());
    let end = match rest[..stop].find(['}', '|']) {
        Some(i) => body + i + 1,
        None => body + rest[..stop].trim_end().len(),
    };
    end.max(start + 2)
}

/// Delimiters opened and never closed: `{{ x }`, `{% if x }`, `*|FNAME|`.
fn unclosed(text: &str) -> Vec<Problem> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while i + 1 < bytes.len() {
        let liquid = bytes[i] == b'{' && matches!(bytes[i + 1], b'{' | b'%');
        let mailchimp = bytes[i] == b'*' && bytes[i + 1] == b'|';
        if !liquid && !mailchimp {
            i += 1;
            continue;
        }
        let (open, close) = if mailchimp {
            ("*|", "|*")
        } else if bytes[i + 1] == b'%' {
            ("{%", "%}")
        } else if text[i..].starts_with("{{{") {
            ("{{{", "}}}")
        } else {
            ("{{", "}}")
        };
        let body = i + open.len();
        if mailchimp {
            let name = text[body..]
                .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '_' | ':' | '-')))
                .unwrap_or(text.len() - body);
            // `*|` before anything but a tag name is prose or decoration.
            if name > 0 && !text[body + name..].starts_with(close) {
                let end = broken_end(text, i, body);
                found.push(broken(text, i..end, close));
            }
            i = body + name;
            continue;
        }
        let rest = &text[body..];
        let closed = rest.find(close);
        let next = next_opener(rest);
        match closed {
            Some(c) if next.is_none_or(|n| c <= n) => i = body + c + close.len(),
            _ => {
                let end = broken_end(text, i, body);
                found.push(broken(text, i..end, close));
                i = body;
            }
        }
    }
    found
}

fn broken(text: &str, range: Range<usize>, close: &str) -> Problem {
    Problem {
        tag: text[range.clone()].to_owned(),
        range,
        what: "is never closed".to_owned(),
        label: never_closed(close),
    }
}

/// Which engine's block a tag opens or closes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Engine {
    Mailchimp,
    Liquid,
    Handlebars,
}

/// What a tag does to the blocks.
enum Role {
    Open(Engine, String),
    /// `else`, `elsif`, `when`, `*|ELSE:|*`: needs an open block of its engine.
    Middle(Engine),
    Close(Engine, String),
}

/// Liquid and Jinja tags that open a block closed by `end` + the name.
const LIQUID_BLOCKS: &[&str] = &[
    "if", "unless", "for", "case", "capture", "comment", "raw", "tablerow", "with", "block",
    "macro", "filter",
];

fn role(tag: &merge_tags::MergeTag) -> Option<Role> {
    let expr = tag.expr.as_str();
    match tag.syntax {
        Syntax::Mailchimp => {
            let (head, _) = expr.split_once(':')?;
            match head.to_ascii_uppercase().as_str() {
                "IF" | "IFNOT" => Some(Role::Open(Engine::Mailchimp, "IF".into())),
                "ELSE" | "ELSEIF" => Some(Role::Middle(Engine::Mailchimp)),
                "END" => Some(Role::Close(Engine::Mailchimp, "IF".into())),
                _ => None,
            }
        }
        Syntax::BracePercent => {
            let expr = expr.trim_matches('-').trim();
            let word = expr.split_whitespace().next().unwrap_or("");
            if LIQUID_BLOCKS.contains(&word) {
                Some(Role::Open(Engine::Liquid, word.to_owned()))
            } else if let Some(name) = word.strip_prefix("end") {
                LIQUID_BLOCKS
                    .contains(&name)
                    .then(|| Role::Close(Engine::Liquid, name.to_owned()))
            } else if matches!(word, "else" | "elsif" | "elif" | "when") {
                Some(Role::Middle(Engine::Liquid))
            } else {
                None
            }
        }
        Syntax::Braces => {
            let expr = expr.trim_matches('~').trim();
            let name = |s: &str| s.split_whitespace().next().unwrap_or("").to_owned();
            if let Some(rest) = expr.strip_prefix('#') {
                Some(Role::Open(Engine::Handlebars, name(rest)))
            } else if let Some(rest) = expr.strip_prefix('/') {
                Some(Role::Close(Engine::Handlebars, name(rest)))
            } else if expr == "else" || expr.starts_with("else ") {
                Some(Role::Middle(Engine::Handlebars))
            } else {
                None
            }
        }
        _ => None,
    }
}

/// The closer a block needs, as it would be written.
fn closer(engine: Engine, name: &str) -> String {
    match engine {
        Engine::Mailchimp => "*|END:IF|*".to_owned(),
        Engine::Liquid => format!("{{% end{name} %}}"),
        Engine::Handlebars => format!("{{{{/{name}}}}}"),
    }
}

/// Blocks that do not nest.
fn blocks(text: &str) -> Vec<Problem> {
    let mut found = Vec::new();
    // Open blocks: engine, name, where, as written.
    let mut open: Vec<(Engine, String, Range<usize>, String)> = Vec::new();
    for tag in merge_tags::find(text) {
        // Inside `{% comment %}` and `{% raw %}` tags are text.
        if let Some((Engine::Liquid, name, _, _)) = open.last()
            && matches!(name.as_str(), "comment" | "raw")
            && !matches!(role(&tag), Some(Role::Close(Engine::Liquid, ref n)) if n == name)
        {
            continue;
        }
        // A tag that runs into the next one is a broken delimiter, reported by `unclosed`.
        if tag.expr.contains("{{") || tag.expr.contains("{%") {
            continue;
        }
        let written = text[tag.range.clone()].to_owned();
        let problem = |what: String, label: String| Problem {
            range: tag.range.clone(),
            tag: written.clone(),
            what,
            label,
        };
        match role(&tag) {
            Some(Role::Open(engine, name)) => {
                open.push((engine, name, tag.range.clone(), written.clone()));
            }
            Some(Role::Middle(engine)) if !open.iter().any(|(e, ..)| *e == engine) => {
                found.push(problem(
                    "is outside any block".to_owned(),
                    "no open block continues here".to_owned(),
                ));
            }
            Some(Role::Close(engine, name)) => {
                let matching = open
                    .iter()
                    .rposition(|(e, n, ..)| *e == engine && n.eq_ignore_ascii_case(&name));
                match matching {
                    Some(at) if at + 1 == open.len() => {
                        open.pop();
                    }
                    Some(at) => {
                        // The blocks opened inside this one are never closed.
                        for (engine, name, range, opener) in open.drain(at + 1..) {
                            found.push(unclosed_block(engine, &name, range, opener));
                        }
                        open.pop();
                    }
                    None => found.push(problem(
                        "closes no open block".to_owned(),
                        "nothing is open here".to_owned(),
                    )),
                }
            }
            Some(Role::Middle(_)) | None => {}
        }
    }
    for (engine, name, range, opener) in open {
        found.push(unclosed_block(engine, &name, range, opener));
    }
    found
}

fn unclosed_block(engine: Engine, name: &str, range: Range<usize>, tag: String) -> Problem {
    Problem {
        range,
        tag,
        what: "opens a block that is never closed".to_owned(),
        label: block_never_closed(&closer(engine, name)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::campaign::Format;
    use crate::rules::kinds::testing::run;

    fn problems(text: &str) -> Vec<(String, String)> {
        scan(text).into_iter().map(|p| (p.tag, p.what)).collect()
    }

    fn one(tag: &str, problem: &str) -> Vec<(String, String)> {
        vec![(tag.to_owned(), problem.to_owned())]
    }

    #[test]
    fn broken_delimiters_are_found() {
        assert_eq!(
            problems("<p>Hi {{ last_name }, welcome</p>"),
            one("{{ last_name }", "is never closed")
        );
        assert_eq!(
            problems("Hi {{ first_name, and {{ city }}"),
            one("{{ first_name, and", "is never closed")
        );
        assert_eq!(
            problems("{% if first_name }Hi{% endif %}"),
            one("{% if first_name }", "is never closed")
        );
        assert_eq!(
            problems("Hi *|FNAME|, there"),
            one("*|FNAME|", "is never closed")
        );
    }

    #[test]
    fn blocks_must_nest() {
        assert_eq!(
            problems("<p>{% if first_name %}Hi {{ first_name }}</p>"),
            one("{% if first_name %}", "opens a block that is never closed")
        );
        assert_eq!(
            problems("x *|END:IF|*"),
            one("*|END:IF|*", "closes no open block")
        );
        assert_eq!(
            problems("{{#each items}}{{#if x}}{{/each}}"),
            one("{{#if x}}", "opens a block that is never closed")
        );
        assert_eq!(
            problems("a {% else %} b"),
            one("{% else %}", "is outside any block")
        );
        let found = scan("{% if a %}x");
        assert_eq!(found[0].label, "no `{% endif %}` closes this block");
    }

    #[test]
    fn well_formed_templates_pass() {
        for ok in [
            "<p>Hi {{ first_name | default: \"there\" }}, {{{ unsubscribe }}}</p>",
            "{% if a %}{% for x in y %}{{ x }}{% endfor %}{% elsif b %}B{% else %}C{% endif %}",
            "*|IF:FNAME|*Hi *|FNAME|**|ELSEIF:LNAME|*x*|ELSE:|*Hello*|END:IF|*",
            "{{#if first_name}}Hi {{first_name}}{{else}}Hello{{/if}}",
            "{% comment %}{% if %} is fine here{% endcomment %}",
            "body{margin:0}@media(max-width:600px){.a{b:c}} *|* ** | *",
            "50% off {{ 'x' }} and 20%",
        ] {
            assert!(problems(ok).is_empty(), "{ok}: {:?}", problems(ok));
        }
    }

    #[test]
    fn a_finding_points_at_the_tag() {
        let html = "<html><body><p>Hi {{ last_name }, welcome</p></body></html>";
        let found = run("merge-tag-syntax", html, Format::Html, None, None);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].message, "merge tag {{ last_name } is never closed");
        let span = found[0].labels[0].span;
        assert_eq!(&html[span.offset..span.offset + span.len], "{{ last_name }");
    }
}
