//! Filling one text's merge tags from one profile, in the four dialects `check` reads:
//! Mailchimp (`*|FNAME|*`, `*|IF:FNAME|*…*|ELSE:|*…*|END:IF|*`), Liquid and Handlebars
//! (`{{ first_name | default: "there" }}`, `{% if %}`, `{{#if}}`), Marketing Cloud
//! (`%%FirstName%%`) and SendGrid (`-first_name-`, `<%= name %>`).
//!
//! Tags are found by the same scanner as the rules (`facts::merge_tags`) and fields are
//! matched as the rules match them ([`TagFields`]), so that what `check` calls resolved
//! is what gets filled. Tags the ESP fills in itself become clearly marked placeholders.
//! A field tag with no value and no fallback is an error at its offset, never an empty
//! string.

use serde_json::Value;

use crate::facts::merge_tags::{self, MergeTag, Syntax};
use crate::profiles::Profile;
use crate::rules::kinds::TagFields;

/// Why a text could not be filled, at a byte offset of the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unfilled {
    pub offset: usize,
    pub message: String,
}

/// The placeholder written for a tag the ESP fills in: a reserved `.invalid` URL where
/// the tag is (part of) a link, else a bracketed marker.
fn placeholder(name: &str, in_url: bool) -> String {
    let name = name.trim();
    if in_url {
        let slug: String = name
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect();
        format!("https://esp-placeholder.invalid/{slug}")
    } else {
        format!("[[ESP: {name}]]")
    }
}

/// Whether the tag at `start` sits in a URL: after `://` in the same word, or at the
/// start of an `href`/`src` attribute value or an angle-bracketed header URI.
fn in_url(text: &str, start: usize) -> bool {
    let before = &text[..start];
    let word_start = before
        .rfind(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '(' | '<' | '>'))
        .map_or(0, |i| i + 1);
    if before[word_start..].contains("://") {
        return true;
    }
    let attr = before[..word_start].trim_end_matches(['"', '\'']);
    word_start > 0
        && before[..word_start].ends_with(['"', '\''])
        && ["href=", "src=", "action="]
            .iter()
            .any(|a| attr.to_ascii_lowercase().ends_with(a))
}

/// A profile value as text.
fn as_text(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(as_text).collect::<Vec<_>>().join(", "),
        other => other.to_string(),
    }
}

/// Whether a value counts as set in a conditional: present, not null, not blank, not
/// false, not an empty list (the rules' guards read conditionals the same way).
fn truthy(value: Option<&Value>) -> bool {
    match value {
        None | Some(Value::Null | Value::Bool(false)) => false,
        Some(Value::String(s)) => !s.trim().is_empty(),
        Some(Value::Array(a)) => !a.is_empty(),
        Some(_) => true,
    }
}

/// Which template language opened a block, so that its closer must match.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Family {
    Mailchimp,
    Handlebars,
    Liquid,
}

impl Family {
    fn closer(self) -> &'static str {
        match self {
            Family::Mailchimp => "*|END:IF|*",
            Family::Handlebars => "{{/if}}",
            Family::Liquid => "{% endif %}",
        }
    }
}

/// What a tag does.
enum Action {
    If(Family, bool),
    ElseIf(Family, bool),
    Else(Family),
    End(Family),
    /// Text to print (escaped in HTML unless `raw`).
    Print {
        text: String,
        raw: bool,
    },
    /// A tag the ESP fills in.
    System(String),
    /// Not a tag of the four dialects: left as written.
    Keep,
    /// A comment: nothing printed.
    Drop,
}

/// An open conditional block.
struct Block {
    family: Family,
    at: usize,
    /// The enclosing blocks all run.
    parent: bool,
    /// The current branch runs.
    active: bool,
    /// A branch has run already (later `else` branches do not).
    taken: bool,
}

/// Fills the merge tags of `text` for `profile`. `html` escapes printed values.
pub fn fill(
    text: &str,
    profile: &Profile,
    fields: &TagFields,
    html: bool,
) -> Result<String, Unfilled> {
    let reader = Reader {
        profile,
        fields,
        running: std::cell::Cell::new(true),
    };
    let mut out = String::with_capacity(text.len());
    let mut blocks: Vec<Block> = Vec::new();
    let mut last = 0;
    let running = |blocks: &[Block]| blocks.last().is_none_or(|b| b.parent && b.active);
    for tag in merge_tags::find(text) {
        let at = tag.range.start;
        let written = &text[tag.range.clone()];
        if running(&blocks) {
            out.push_str(&text[last..at]);
        }
        last = tag.range.end;
        let fail = |message: String| Unfilled {
            offset: at,
            message,
        };
        reader.running.set(running(&blocks));
        let action = reader.action(&tag, written).map_err(fail)?;
        let top_family = blocks.last().map(|b| b.family);
        let stray = || {
            fail(match top_family {
                None => format!("{written} has no open conditional to close or continue"),
                Some(open) => format!(
                    "{written} does not match the open conditional, which {} closes",
                    open.closer()
                ),
            })
            .message
        };
        match action {
            Action::If(family, cond) => {
                let parent = running(&blocks);
                blocks.push(Block {
                    family,
                    at,
                    parent,
                    active: cond,
                    taken: cond,
                });
            }
            Action::ElseIf(family, cond) => match blocks.last_mut() {
                Some(b) if b.family == family => {
                    b.active = !b.taken && cond;
                    b.taken |= cond;
                }
                _ => return Err(fail(stray())),
            },
            Action::Else(family) => match blocks.last_mut() {
                Some(b) if b.family == family => {
                    b.active = !b.taken;
                    b.taken = true;
                }
                _ => return Err(fail(stray())),
            },
            Action::End(family) => match blocks.last() {
                Some(b) if b.family == family => {
                    blocks.pop();
                }
                _ => return Err(fail(stray())),
            },
            Action::Print { text: value, raw } if running(&blocks) => {
                if html && !raw {
                    out.push_str(&html_escape::encode_text(&value));
                } else {
                    out.push_str(&value);
                }
            }
            Action::System(name) if running(&blocks) => {
                out.push_str(&placeholder(&name, in_url(text, at)));
            }
            Action::Keep if running(&blocks) => out.push_str(written),
            _ => {}
        }
    }
    if let Some(open) = blocks.last() {
        return Err(Unfilled {
            offset: open.at,
            message: format!(
                "this conditional is never closed (expected {})",
                open.family.closer()
            ),
        });
    }
    out.push_str(&text[last..]);
    Ok(out)
}

struct Reader<'a> {
    profile: &'a Profile,
    fields: &'a TagFields,
    /// Whether the tag being read is in a branch that runs: a field in one that does not
    /// needs no value.
    running: std::cell::Cell<bool>,
}

impl Reader<'_> {
    fn value(&self, field: &str) -> Option<&Value> {
        self.fields.value(self.profile, field)
    }

    /// A field tag's text: the profile's value, else the fallback, else an error. A
    /// system tag the profile has no value for is the ESP's.
    fn field(
        &self,
        written: &str,
        field: &str,
        fallback: Option<String>,
    ) -> Result<Action, String> {
        if !self.running.get() {
            return Ok(Action::Drop);
        }
        let value = self.value(field);
        if value.is_none() && fallback.is_none() && self.fields.is_system(field) {
            return Ok(Action::System(field.to_owned()));
        }
        let text = match (value, fallback) {
            (Some(v), Some(f)) if !truthy(Some(v)) => f,
            (Some(v), _) => as_text(v),
            (None, Some(f)) => f,
            (None, None) => {
                return Err(format!(
                    "merge tag {written} references `{field}`, which the recipient's profile does not have"
                ));
            }
        };
        Ok(Action::Print { text, raw: false })
    }

    /// A condition: a field, optionally compared with a literal (`FNAME=Bob`,
    /// `tier == "gold"`, `tier != "gold"`).
    fn condition(&self, expr: &str, written: &str) -> Result<bool, String> {
        let expr = expr.trim();
        for (op, equal) in [("!=", false), ("==", true), ("=", true)] {
            if let Some((field, literal)) = expr.split_once(op) {
                let literal = literal.trim().trim_matches(['"', '\'']);
                let value = self.value(field.trim()).map(as_text).unwrap_or_default();
                return Ok((value == literal) == equal);
            }
        }
        let plain = expr
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'));
        if !plain {
            return Err(format!(
                "{written}: render understands a field or a comparison with a literal here, not `{expr}`"
            ));
        }
        Ok(truthy(self.value(expr)))
    }

    fn action(&self, tag: &MergeTag, written: &str) -> Result<Action, String> {
        let expr = tag.expr.as_str();
        match tag.syntax {
            Syntax::Mailchimp => self.mailchimp(expr, written),
            Syntax::Braces => self.braces(expr, written),
            Syntax::BracePercent => self.liquid_tag(expr, written),
            Syntax::AnglePercent => match expr.strip_prefix('=') {
                Some(field) => self.field(written, field.trim(), None),
                None => Ok(Action::System(expr.to_owned())),
            },
            Syntax::DoublePercent | Syntax::Dash => self.field(written, expr, None),
            // Forms too close to prose to be judged: filled when the profile or the ESP
            // knows the name, else left as written.
            Syntax::Dollar | Syntax::Bracket | Syntax::Percent => {
                let name = tag.name();
                if let Some(v) = self.value(&name) {
                    Ok(Action::Print {
                        text: as_text(v),
                        raw: false,
                    })
                } else if self.fields.is_system(&name) {
                    Ok(Action::System(expr.to_owned()))
                } else {
                    Ok(Action::Keep)
                }
            }
        }
    }

    fn mailchimp(&self, expr: &str, written: &str) -> Result<Action, String> {
        let Some((head, arg)) = expr.split_once(':') else {
            return self.field(written, expr, None);
        };
        let family = Family::Mailchimp;
        Ok(match head.to_ascii_uppercase().as_str() {
            "IF" => Action::If(family, self.condition(arg, written)?),
            "IFNOT" => Action::If(family, !self.condition(arg, written)?),
            "ELSEIF" => Action::ElseIf(family, self.condition(arg, written)?),
            "ELSE" => Action::Else(family),
            "END" => Action::End(family),
            // MC:SUBJECT, LIST:COMPANY, HTML:LIST_ADDRESS_HTML, DATE:Y, ...
            _ => Action::System(expr.to_owned()),
        })
    }

    fn braces(&self, expr: &str, written: &str) -> Result<Action, String> {
        let raw = written.starts_with("{{{") || expr.starts_with('&');
        let expr = expr.trim_matches('~').trim_start_matches('&').trim();
        let family = Family::Handlebars;
        if expr.starts_with('!') {
            return Ok(Action::Drop);
        }
        let (word, rest) = split_word(expr);
        match word {
            "#if" => return Ok(Action::If(family, self.condition(rest, written)?)),
            "#unless" => return Ok(Action::If(family, !self.condition(rest, written)?)),
            "else" if rest.starts_with("if ") => {
                return Ok(Action::ElseIf(family, self.condition(&rest[3..], written)?));
            }
            "else" => return Ok(Action::Else(family)),
            "/if" | "/unless" => return Ok(Action::End(family)),
            _ => {}
        }
        if expr.starts_with('>') {
            return Ok(Action::System(expr.to_owned()));
        }
        if expr.starts_with(['#', '/', '^', '@']) {
            return Err(format!(
                "{written}: render fills fields and if/unless blocks, not this helper"
            ));
        }
        // SendGrid: {{insert first_name "default=there"}}.
        if word == "insert" {
            let (field, rest) = split_word(rest);
            let fallback = rest
                .trim()
                .trim_matches('"')
                .strip_prefix("default=")
                .map(str::to_owned);
            return self.field(written, field, fallback);
        }
        let field = word.trim_start_matches("${").trim_end_matches('}');
        let mut fallback = None;
        let mut filters = Vec::new();
        if let Some(alt) = rest.strip_prefix("or ") {
            fallback = Some(literal(alt).ok_or_else(|| not_literal(written, alt))?);
        } else if !rest.is_empty() {
            let Some(chain) = rest.strip_prefix('|') else {
                return Err(format!(
                    "{written}: render fills a field with filters, not `{expr}`"
                ));
            };
            for filter in chain.split('|') {
                let filter = filter.trim();
                let (name, arg) = split_filter(filter);
                match name {
                    "default" => {
                        fallback = Some(literal(arg).ok_or_else(|| not_literal(written, arg))?);
                    }
                    "upcase" | "upper" | "downcase" | "lower" | "capitalize" | "strip" | "trim"
                    | "escape" | "e" => filters.push(name),
                    _ => {
                        return Err(format!(
                            "{written}: render does not know the filter `{name}`"
                        ));
                    }
                }
            }
        }
        let mut action = self.field(written, field, fallback)?;
        if let Action::Print { text, raw: r } = &mut action {
            *r = raw;
            for f in filters {
                *text = match f {
                    "upcase" | "upper" => text.to_uppercase(),
                    "downcase" | "lower" => text.to_lowercase(),
                    "capitalize" => capitalize(text),
                    "strip" | "trim" => text.trim().to_owned(),
                    _ => std::mem::take(text),
                };
            }
        }
        Ok(action)
    }

    fn liquid_tag(&self, expr: &str, written: &str) -> Result<Action, String> {
        let expr = expr.trim_matches('-').trim();
        let (word, rest) = split_word(expr);
        let family = Family::Liquid;
        Ok(match word {
            "if" => Action::If(family, self.condition(rest, written)?),
            "unless" => Action::If(family, !self.condition(rest, written)?),
            "elsif" | "elif" => Action::ElseIf(family, self.condition(rest, written)?),
            "else" => Action::Else(family),
            "endif" | "endunless" => Action::End(family),
            "comment" | "endcomment" | "raw" | "endraw" => Action::Drop,
            "for" | "endfor" | "case" | "when" | "endcase" | "assign" | "capture"
            | "endcapture" | "set" => {
                return Err(format!(
                    "{written}: render fills fields and if/unless blocks, not `{word}`"
                ));
            }
            // ESP functions: {% unsubscribe %}, {% manage_preferences %}, {% web_view %}.
            _ => Action::System(expr.to_owned()),
        })
    }
}

fn not_literal(written: &str, arg: &str) -> String {
    format!(
        "{written}: the fallback `{}` is not a quoted string",
        arg.trim()
    )
}

/// The first word of an expression and the rest, trimmed.
fn split_word(s: &str) -> (&str, &str) {
    let s = s.trim();
    let end = s
        .find(|c: char| c.is_whitespace() || c == '|' || c == '(')
        .unwrap_or(s.len());
    (&s[..end], s[end..].trim())
}

/// A filter's name and argument: `default: "x"`, `default("x")`, `default "x"`.
fn split_filter(filter: &str) -> (&str, &str) {
    let end = filter
        .find(|c: char| c.is_whitespace() || c == ':' || c == '(')
        .unwrap_or(filter.len());
    let arg = filter[end..]
        .trim()
        .trim_start_matches(':')
        .trim()
        .trim_start_matches('(')
        .trim_end_matches(')')
        .trim();
    (&filter[..end], arg)
}

/// A quoted string literal's content.
fn literal(arg: &str) -> Option<String> {
    let arg = arg.trim();
    let quote = arg.chars().next().filter(|c| matches!(c, '"' | '\''))?;
    let inner = arg.strip_prefix(quote)?.strip_suffix(quote)?;
    Some(inner.to_owned())
}

fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| {
        first
            .to_uppercase()
            .chain(chars.flat_map(char::to_lowercase))
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profiles::{FieldMap, parse_json};

    fn profile() -> Profile {
        parse_json(
            "p",
            r#"{"email": "dana@example.com", "first_name": "Dana", "last_name": "",
                "loyalty_tier": "gold", "city": "Köln"}"#,
            &FieldMap::default(),
        )
        .unwrap()
    }

    fn run(text: &str) -> Result<String, Unfilled> {
        fill(text, &profile(), &TagFields::default(), false)
    }

    #[test]
    fn fills_each_dialect() {
        assert_eq!(run("Hi *|FNAME|*!").unwrap(), "Hi Dana!");
        assert_eq!(
            run("Hi {{ first_name }}, {{ last_name | default: \"x\" }}").unwrap(),
            "Hi Dana, x"
        );
        assert_eq!(
            run("{{ nickname | default: 'there' | upcase }}").unwrap(),
            "THERE"
        );
        assert_eq!(run("%%FirstName%% in %%City%%").unwrap(), "Dana in Köln");
        assert_eq!(
            run("Hi -first_name-, -loyalty_tier-").unwrap(),
            "Hi Dana, gold"
        );
        assert_eq!(
            run("{{insert nickname \"default=friend\"}}").unwrap(),
            "friend"
        );
    }

    #[test]
    fn conditionals_choose_a_branch() {
        let mc = "*|IF:FNAME|*Hi *|FNAME|**|ELSE:|*Hello*|END:IF|*";
        assert_eq!(run(mc).unwrap(), "Hi Dana");
        let mc = "*|IF:LNAME|*A*|ELSEIF:LOYALTY_TIER|*B*|ELSE:|*C*|END:IF|*";
        assert_eq!(run(mc).unwrap(), "B");
        let liquid =
            "{% if loyalty_tier == \"gold\" %}G{% elsif loyalty_tier != 'x' %}X{% endif %}";
        assert_eq!(run(liquid).unwrap(), "G");
        assert_eq!(run("*|IFNOT:NICKNAME|*none*|END:IF|*").unwrap(), "none");
        let liquid = "{% if nickname %}{{ nickname }}{% elsif city %}{{ city }}{% endif %}";
        assert_eq!(run(liquid).unwrap(), "Köln");
        let hb = "{{#if last_name}}x{{else}}{{#unless nickname}}y{{/unless}}{{/if}}";
        assert_eq!(run(hb).unwrap(), "y");
        // A missing field in a branch that does not run needs no value.
        assert_eq!(
            run("{% if nickname %}{{ nickname }}{% endif %}.").unwrap(),
            "."
        );
    }

    #[test]
    fn system_tags_become_placeholders() {
        assert_eq!(
            run("Leave: *|UNSUB|* <a href=\"*|UNSUB|*\">x</a> https://x.example/?a=%%view_email_url%%").unwrap(),
            "Leave: [[ESP: UNSUB]] <a href=\"https://esp-placeholder.invalid/UNSUB\">x</a> \
             https://x.example/?a=https://esp-placeholder.invalid/view-email-url"
        );
        assert_eq!(
            run("*|MC:SUBJECT|* {% unsubscribe %}").unwrap(),
            "[[ESP: MC:SUBJECT]] [[ESP: unsubscribe]]"
        );
        assert_eq!(run("*|EMAIL|*").unwrap(), "dana@example.com");
    }

    #[test]
    fn values_are_escaped_in_html() {
        let p = parse_json(
            "p",
            r#"{"first_name": "<b>Al & Co</b>"}"#,
            &FieldMap::default(),
        )
        .unwrap();
        let f = TagFields::default();
        assert_eq!(
            fill("{{ first_name }}", &p, &f, true).unwrap(),
            "&lt;b&gt;Al &amp; Co&lt;/b&gt;"
        );
        assert_eq!(
            fill("{{{ first_name }}}", &p, &f, true).unwrap(),
            "<b>Al & Co</b>"
        );
    }

    #[test]
    fn errors_are_located() {
        let e = run("Hi *|NICKNAME|*").unwrap_err();
        assert_eq!(e.offset, 3);
        assert!(e.message.contains("`NICKNAME`"), "{}", e.message);
        let e = run("x {% if first_name %}never closed").unwrap_err();
        assert_eq!((e.offset, e.message.contains("never closed")), (2, true));
        let e = run("ab *|END:IF|*").unwrap_err();
        assert_eq!(e.offset, 3);
        let e = run("{% if city %}x{{/if}}").unwrap_err();
        assert!(e.message.contains("{% endif %}"), "{}", e.message);
        assert!(
            run("{{ first_name | money }}")
                .unwrap_err()
                .message
                .contains("`money`")
        );
        assert!(run("{% for x in y %}").is_err());
    }
}
