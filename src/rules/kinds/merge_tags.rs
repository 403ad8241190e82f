//! `merge-tags`: a merge tag that will not be filled in for a recipient. With
//! `check = "unresolved"` the tag names a field the recipient's profile does not have
//! (the mail shows `*|LOYALTY_TIER|*` or nothing); with `check = "empty"` the field is
//! there but empty and the tag has no fallback (the mail says "Hi ,").
//!
//! The tags and their spans are found once per campaign (`facts::merge_tags`); per
//! recipient this is one profile lookup per tag. ESP system tags (unsubscribe, web
//! version, dates, conditionals) are not profile fields and are never checked.
//!
//! Shipped rules of this kind: `empty-merge-field`, `unresolved-merge-tag`.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::Deserialize;
use serde_json::Value;

use super::RuleKind;
use crate::diagnostic::{Severity, Span};
use crate::facts::merge_tags::{MergeTag, Syntax};
use crate::facts::{Facts, FoundTag};
use crate::profiles::Profile;
use crate::rules::{Context, Diag, RecipientCheck};

/// Tags ESPs fill in themselves, by ESP. Compared like field names: case, `_`, `-` and
/// spaces do not matter, and a name counts in every syntax (`*|UNSUB|*`, `{{ unsub }}`).
const SYSTEM_TAGS: &[&[&str]] = &[
    // Any ESP: the recipient's address (every ESP has it), opt-out and preference links,
    // the web version, dates, the subject and the preview text.
    &[
        "email",
        "email_address",
        "unsubscribe",
        "unsubscribe_url",
        "unsubscribe_link",
        "update_profile",
        "update_preferences",
        "preferences_url",
        "manage_preferences",
        "view_in_browser",
        "view_in_browser_url",
        "web_version",
        "archive",
        "current_year",
        "current_date",
        "year",
        "date",
        "today",
        "now",
        "subject",
        "preview_text",
        "preheader",
        "list_address",
    ],
    // Mailchimp. Merge fields are plain names, so every tag with a colon is a Mailchimp
    // function and is skipped without being listed: *|MC:SUBJECT|*, *|LIST:COMPANY|*,
    // *|HTML:LIST_ADDRESS_HTML|*, *|DATE:Y|*, *|IF:FNAME|*, *|ELSE:|*, *|END:IF|*.
    &[
        "unsub",
        "archive_link_short",
        "forward",
        "about_list",
        "rewards",
        "rewards_text",
        "mc_preview_text",
        "mc_language",
        "mc_language_label",
        "list_address_html",
        "uniqid",
    ],
    // Brevo ({{ mirror }}, {{ unsubscribe }}, {{ update_profile }}; contact fields are
    // {{ contact.NAME }}).
    &["mirror"],
    // HubSpot (HubL) and Iterable.
    &[
        "unsubscribe_link_all",
        "unsubscribe_section",
        "view_as_page_url",
        "unsubscribe_message_type_url",
        "hosted_unsubscribe_url",
    ],
    // Salesforce Marketing Cloud personalization strings. AMPscript (%%=v(@x)=%%,
    // %%[ ... ]%%) is code, not a field, and is never taken for a tag.
    &[
        "view_email_url",
        "unsub_center_url",
        "subscription_center_url",
        "profile_center_url",
        "ftaf_url",
        "emailaddr",
        "member_addr",
        "member_city",
        "member_state",
        "member_postalcode",
        "member_country",
        "member_busname",
        "xtmonth",
        "xtmonthnumeric",
        "xtday",
        "xtdayofweek",
        "xtyear",
        "xtshortdate",
        "xtlongdate",
        "jobid",
        "subscriberid",
        "_subscriberkey",
        "listid",
        "list_",
        "emailname_",
        "_emailid",
        "_messagecontext",
        "_preheader",
        "linkname",
    ],
    // SendGrid: unsubscribe groups (<%asm_group_unsubscribe_raw_url%>), the legacy
    // template body and subject, and the sender fields of its footers.
    &[
        "asm_group_unsubscribe_raw_url",
        "asm_global_unsubscribe_raw_url",
        "asm_preferences_raw_url",
        "asm_group_unsubscribe_url",
        "asm_global_unsubscribe_url",
        "asm_preferences_url",
        "body",
        "unsubscribe_preferences",
        "weblink",
        "sender_name",
        "sender_address",
        "sender_city",
        "sender_state",
        "sender_zip",
    ],
    // Braze ({{${first_name}}} is a profile field; these are not).
    &[
        "set_user_to_unsubscribed_url",
        "set_user_to_subscribed_url",
        "braze_id",
        "user_id",
    ],
    // Liquid and Jinja tags ({% unsubscribe %}, {% if %}, {% for %}) are control flow or
    // ESP functions (Klaviyo, Customer.io) and are never checked. So are Handlebars block
    // helpers and partials ({{#if}}, {{else}}, {{/if}}, {{> footer}}).
];

/// The objects a profile field may be written under (`{{ contact.firstname }}`, Brevo and
/// `HubSpot`; `subscriber.`, `person.` Klaviyo; `customer.` Customer.io and Shopify).
/// Tags under any other object (`event.`, `params.`, `organization.`) do not name a profile
/// field and are not checked.
const PROFILE_OBJECTS: &[&str] = &["contact.", "subscriber.", "person.", "customer."];

/// Field names that mean the same field in different ESPs: Mailchimp's default merge
/// fields are exported under these column names (`*|FNAME|*` is "First Name").
const SAME_FIELDS: &[&[&str]] = &[
    &["FNAME", "first_name"],
    &["LNAME", "last_name"],
    &["PHONE", "phone_number"],
];

fn missing_label(field: &str, fallback: bool) -> String {
    if fallback {
        format!("no field `{field}` in the profile: the fallback is always shown")
    } else {
        format!("no field `{field}` in the profile")
    }
}

fn empty_label(field: &str, value: &Value) -> String {
    match value {
        Value::Null => format!("`{field}` is null in the profile"),
        _ => format!("`{field}` is empty in the profile"),
    }
}

/// A fallback written in the tag's own syntax, for the help.
fn fallback_example(syntax: Syntax, field: &str) -> String {
    match syntax {
        Syntax::Mailchimp => format!("*|IF:{field}|**|{field}|**|ELSE:|*there*|END:IF|*"),
        Syntax::DoublePercent => format!("%%=IIF(Empty({field}), \"there\", {field})=%%"),
        Syntax::AnglePercent | Syntax::Dash => format!("{{{{insert {field} \"default=there\"}}}}"),
        _ => format!("{{{{ {field} | default: \"there\" }}}}"),
    }
}

/// Parameters of the `merge-tags` kind.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct Params {
    /// Which problem the rule reports: `unresolved` (the profile has no such field) or
    /// `empty` (the field is empty and the tag has no fallback).
    pub check: Problem,
    /// More tag names that the ESP fills in itself and that are not profile fields (a
    /// brand's own system tags, e.g. `["STORE_FINDER_URL"]`).
    pub known_tags: Vec<String>,
    /// A tag's field name mapped to the export's name for that field, where the two differ
    /// by more than case, `_`, `-` and spaces (e.g. `{ PRENOM = "first_name" }`).
    pub field_aliases: BTreeMap<String, String>,
}

/// The problem a `merge-tags` rule reports.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Problem {
    /// The tag names a field the profile does not have.
    #[default]
    Unresolved,
    /// The field is empty (null, "" or whitespace) and the tag has no fallback.
    Empty,
}

pub struct MergeTags {
    check: Problem,
    /// Keys ([`push_key`]) of the system tags and `known-tags`.
    system: HashSet<String>,
    /// A tag field's key mapped to the keys of export fields that fill it.
    aliases: HashMap<String, Vec<String>>,
}

impl RuleKind for MergeTags {
    type Params = Params;

    /// Normalises every name once, so that a recipient costs one lookup per tag.
    fn new(params: Params) -> Self {
        let key = |name: &str| {
            let mut k = String::new();
            push_key(&mut k, name);
            k
        };
        let system = SYSTEM_TAGS
            .iter()
            .flat_map(|list| list.iter().copied())
            .chain(params.known_tags.iter().map(String::as_str))
            .map(key)
            .collect();
        let mut aliases: HashMap<String, Vec<String>> = HashMap::new();
        for names in SAME_FIELDS {
            for name in *names {
                let others = names.iter().filter(|n| *n != name).map(|n| key(n));
                aliases.entry(key(name)).or_default().extend(others);
            }
        }
        for (tag, export) in &params.field_aliases {
            aliases.entry(key(tag)).or_default().push(key(export));
        }
        Self {
            check: params.check,
            system,
            aliases,
        }
    }
}

/// The tags that name one field, in document order.
struct Group<'a> {
    /// The field's key.
    key: String,
    /// The field as written in the first tag.
    field: &'a str,
    /// The profile's field and value, when it has one.
    value: Option<(&'a str, &'a Value)>,
    first: &'a FoundTag,
    /// Each tag: where, the field as written there, and whether it has a fallback.
    tags: Vec<(Span, &'a str, bool)>,
}

impl RecipientCheck for MergeTags {
    /// The export fields that fill the campaign's tags: by exact name, by key, or by an
    /// alias's key.
    fn reads(&self, facts: &Facts, reads: &mut crate::rules::Reads) {
        let mut wanted: Vec<(String, Vec<String>)> = Vec::new();
        for found in &facts.merge_tags {
            let Some((token, _)) = field_of(&found.tag) else {
                continue;
            };
            let mut key = String::new();
            push_key(&mut key, token);
            if self.system.contains(&key) {
                continue;
            }
            let mut keys = vec![key.clone()];
            keys.extend(self.aliases.get(&key).into_iter().flatten().cloned());
            wanted.push((token.to_owned(), keys));
        }
        if wanted.is_empty() {
            return;
        }
        // Only whether the field is there and filled in decides a finding (a blank
        // value is quoted in its label, so a blank value is still told apart).
        reads.filled.push(std::sync::Arc::new(move |name: &str| {
            wanted.iter().any(|(token, keys)| {
                name.trim().eq_ignore_ascii_case(token) || keys.iter().any(|k| key_eq(name, k))
            })
        }));
    }

    fn recipient(&self, cx: &mut Context, facts: &Facts, profile: &Profile) {
        let empty = self.check == Problem::Empty;
        let mut groups: Vec<Group> = Vec::new();
        let mut guards = Guards::default();
        let mut key = String::new();
        for found in &facts.merge_tags {
            let part = found.unit.and_then(|u| facts.units.get(u)?.part);
            guards.update(&found.tag, part);
            let Some((token, rest)) = field_of(&found.tag) else {
                continue;
            };
            key.clear();
            push_key(&mut key, token);
            if self.system.contains(&key) {
                continue;
            }
            let value = self.lookup(profile, token, &key);
            let fallback = found.has_fallback() || rest.starts_with("or ");
            let hit = if empty {
                // A tag in a URL does not show up as "Hi ,"; only text is checked.
                found.unit.is_some()
                    && value.is_some_and(|(_, v)| is_empty(v))
                    && !fallback
                    && !guards.covers(&key)
            } else {
                value.is_none()
            };
            if !hit {
                continue;
            }
            let field = strip_object(token);
            let tag = (found.span, field, fallback);
            match groups.iter_mut().find(|g| g.key == key) {
                Some(group) => group.tags.push(tag),
                None => groups.push(Group {
                    key: key.clone(),
                    field,
                    value,
                    first: found,
                    tags: vec![tag],
                }),
            }
        }
        for group in groups {
            cx.report(self.diag(facts, group));
        }
    }
}

impl MergeTags {
    /// The profile's field for a tag's field: the same name up to case, `_`, `-`, spaces
    /// and a profile object prefix, else a name it is an alias of.
    fn lookup<'p>(
        &self,
        profile: &'p Profile,
        field: &str,
        key: &str,
    ) -> Option<(&'p str, &'p Value)> {
        if let Some((name, value)) = profile.fields.get_key_value(field) {
            return Some((name, value));
        }
        let find = |key: &str| {
            profile
                .fields
                .iter()
                .find(|(name, _)| key_eq(name, key))
                .map(|(name, value)| (name.as_str(), value))
        };
        find(key).or_else(|| self.aliases.get(key)?.iter().find_map(|k| find(k)))
    }

    fn diag(&self, facts: &Facts, group: Group) -> Diag {
        let empty = self.check == Problem::Empty;
        let tag = &group.first.tag;
        let written = group
            .first
            .unit
            .and_then(|u| facts.units.get(u)?.text.get(tag.range.clone()))
            .map_or_else(|| canonical(tag), str::to_owned);
        let mut diag = Diag::new().arg("tag", written);
        diag = match group.value {
            Some((name, _)) if empty => {
                let token = field_of(tag).map_or(group.field, |(t, _)| t);
                diag.arg("field", name)
                    .arg("fallback", fallback_example(tag.syntax, token))
            }
            _ => diag.arg("field", group.field),
        };
        // Tags with a fallback still read well; the personalisation never happens.
        if group.tags.iter().all(|t| t.2) {
            diag = diag.severity(Severity::Warning);
        }
        for (span, field, fallback) in group.tags {
            let label = match group.value {
                Some((name, value)) if empty => empty_label(name, value),
                _ => missing_label(field, fallback),
            };
            diag = diag.label(span, label);
        }
        diag
    }
}

/// How `render` reads a tag the way this kind does: the field matched as the rules match
/// it (case, `_`, `-`, spaces, an object prefix, Mailchimp's FNAME/LNAME/PHONE) and the
/// system tags the ESP fills in itself.
pub struct TagFields(MergeTags);

impl Default for TagFields {
    fn default() -> Self {
        TagFields(MergeTags::new(Params::default()))
    }
}

impl TagFields {
    /// With the parameters of a `[rules.unresolved-merge-tag]` override (`known-tags`,
    /// `field-aliases`), so that a tag the rule takes for resolved is filled. The loader
    /// has checked them; a table that does not fit leaves the defaults.
    pub fn with_params(params: &toml::Table) -> Self {
        let params = toml::Value::Table(params.clone())
            .try_into::<Params>()
            .unwrap_or_default();
        TagFields(MergeTags::new(params))
    }

    /// The profile's value for a field as a tag writes it.
    pub fn value<'p>(&self, profile: &'p Profile, field: &str) -> Option<&'p Value> {
        let mut key = String::new();
        push_key(&mut key, field);
        self.0.lookup(profile, field, &key).map(|(_, v)| v)
    }

    /// Whether the ESP fills this tag name in itself (unsubscribe, web version, ...).
    pub fn is_system(&self, name: &str) -> bool {
        let mut key = String::new();
        push_key(&mut key, name);
        self.0.system.contains(&key)
    }

    /// The field a tag prints and the rest of its expression, as the rules read it.
    pub fn field_of(tag: &MergeTag) -> Option<(&str, &str)> {
        field_of(tag)
    }
}

fn is_empty(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(s) => s.trim().is_empty(),
        _ => false,
    }
}

/// The field a tag prints, as written (`contact.PRENOM`, `FNAME`), and what follows it in
/// the expression (`| default: "there"`). None for a tag that prints no profile field:
/// control flow, functions, code, and the bare `[name]`, `%name%` and `${name}` forms,
/// which look too much like prose to be judged.
fn field_of(tag: &MergeTag) -> Option<(&str, &str)> {
    let expr = tag.expr.as_str();
    let (token, rest) = match tag.syntax {
        // Mailchimp functions and conditionals all have a colon (*|MC:SUBJECT|*).
        Syntax::Mailchimp if expr.contains(':') => return None,
        Syntax::Mailchimp | Syntax::DoublePercent | Syntax::Dash => (expr, ""),
        Syntax::Braces => braces_field(expr)?,
        // `<%= first_name %>` prints a field; `<%asm_..._url%>` is a SendGrid tag;
        // anything else is code.
        Syntax::AnglePercent => {
            let printed = expr.strip_prefix('=').map_or(expr, str::trim);
            (printed, "")
        }
        Syntax::BracePercent | Syntax::Dollar | Syntax::Bracket | Syntax::Percent => {
            return None;
        }
    };
    let bare = strip_object(token);
    let is_name = bare.starts_with(|c: char| c.is_alphabetic() || c == '_')
        && bare
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-'));
    is_name.then_some((token, rest.trim()))
}

/// The field of a `{{ ... }}` expression: `first_name | default: "there"`,
/// `${first_name}` (Braze), `insert first_name "default=there"` (`SendGrid`).
fn braces_field(expr: &str) -> Option<(&str, &str)> {
    let expr = expr.trim_matches('~').trim_start_matches('&').trim();
    // Block helpers, closers, partials, comments, data variables, parent scopes.
    if expr.starts_with(['#', '/', '^', '>', '!', '@', '.']) {
        return None;
    }
    let (mut token, mut rest) = split_word(expr);
    if token == "insert" {
        (token, rest) = split_word(rest);
    }
    if let Some(inner) = token.strip_prefix("${") {
        token = inner.trim_end_matches('}');
    }
    if ["else", "this", "true", "false", "nil", "null"].contains(&token) {
        return None;
    }
    // `{{ helper arg }}`: a function of its arguments, not a field.
    let filtered = rest.is_empty() || rest.starts_with('|') || rest.starts_with("or ");
    let fallback_arg = rest.starts_with('"') && rest.contains("default");
    (filtered || fallback_arg).then_some((token, rest))
}

/// The first word of an expression and the rest.
fn split_word(s: &str) -> (&str, &str) {
    let end = s
        .find(|c: char| c.is_whitespace() || matches!(c, '|' | '(' | ')' | ','))
        .unwrap_or(s.len());
    (&s[..end], s[end..].trim_start())
}

/// `contact.firstname` -> `firstname`.
fn strip_object(name: &str) -> &str {
    PROFILE_OBJECTS
        .iter()
        .find_map(|prefix| {
            let head = name.get(..prefix.len())?;
            head.eq_ignore_ascii_case(prefix)
                .then(|| &name[prefix.len()..])
        })
        .unwrap_or(name)
}

/// The characters that identify a field name: lowercase, without `_`, `-`, spaces and a
/// profile object prefix (`First Name`, `first_name` and `contact.FIRSTNAME` are one field).
fn key_chars(name: &str) -> impl Iterator<Item = char> + '_ {
    strip_object(name)
        .chars()
        .filter(|c| !matches!(c, '_' | '-' | ' '))
        .flat_map(char::to_lowercase)
}

/// Appends the key of `name` to `out`.
fn push_key(out: &mut String, name: &str) {
    out.extend(key_chars(name));
}

/// Whether `name` has the key `key`. Allocates nothing.
fn key_eq(name: &str, key: &str) -> bool {
    key_chars(name).eq(key.chars())
}

/// A tag as it would be written, for tags whose text is not at hand (in a URL).
fn canonical(tag: &MergeTag) -> String {
    let (open, close) = tag.syntax.delimiters();
    match tag.syntax {
        Syntax::Braces => format!("{open} {} {close}", tag.expr),
        _ => format!("{open}{}{close}", tag.expr),
    }
}

/// Open conditionals (`*|IF:FNAME|*`, `{{#if first_name}}`, `{% if first_name %}`): a
/// tag in the branch that runs only when its field is set needs no fallback.
#[derive(Default)]
struct Guards<'a> {
    /// Per open block: the field it tests (None for other blocks) and whether the current
    /// branch runs only when that field is set.
    open: Vec<(Option<&'a str>, bool)>,
    part: Option<usize>,
}

enum Cond<'a> {
    If(Option<&'a str>, bool),
    ElseIf(Option<&'a str>),
    Else,
    End,
}

impl<'a> Guards<'a> {
    fn update(&mut self, tag: &'a MergeTag, part: Option<usize>) {
        // Blocks do not span body parts, and tags in URLs come after all text.
        if part != self.part || part.is_none() {
            self.open.clear();
            self.part = part;
        }
        match conditional(tag) {
            Some(Cond::If(field, set)) => self.open.push((field, set)),
            Some(Cond::ElseIf(field)) => {
                if let Some(top) = self.open.last_mut() {
                    *top = (field, true);
                }
            }
            Some(Cond::Else) => {
                if let Some(top) = self.open.last_mut() {
                    top.1 = !top.1;
                }
            }
            Some(Cond::End) => {
                self.open.pop();
            }
            None => {}
        }
    }

    /// Whether a block open here runs only when the field with this key is set.
    fn covers(&self, key: &str) -> bool {
        self.open
            .iter()
            .any(|(f, set)| *set && f.is_some_and(|f| key_eq(f, key)))
    }
}

/// What a control tag does to the open blocks.
fn conditional(tag: &MergeTag) -> Option<Cond<'_>> {
    let expr = tag.expr.as_str();
    match tag.syntax {
        Syntax::Mailchimp => {
            let (head, arg) = expr.split_once(':')?;
            match head.to_ascii_uppercase().as_str() {
                "IF" => Some(Cond::If(leading_name(arg), true)),
                "IFNOT" => Some(Cond::If(leading_name(arg), false)),
                "ELSEIF" => Some(Cond::ElseIf(leading_name(arg))),
                "ELSE" => Some(Cond::Else),
                "END" => Some(Cond::End),
                "INTERESTED" => Some(Cond::If(None, false)),
                _ => None,
            }
        }
        Syntax::Braces => {
            let expr = expr.trim_matches('~').trim();
            if let Some(arg) = expr.strip_prefix("#if ") {
                Some(Cond::If(leading_name(arg), true))
            } else if let Some(arg) = expr.strip_prefix("#unless ") {
                Some(Cond::If(leading_name(arg), false))
            } else if let Some(arg) = expr.strip_prefix("else if ") {
                Some(Cond::ElseIf(leading_name(arg)))
            } else if expr == "else" {
                Some(Cond::Else)
            } else if expr.starts_with('#') {
                Some(Cond::If(None, false))
            } else if expr.starts_with('/') {
                Some(Cond::End)
            } else {
                None
            }
        }
        Syntax::BracePercent => {
            let expr = expr.trim_matches('-').trim();
            let (word, arg) = expr.split_once(' ').unwrap_or((expr, ""));
            match word {
                "if" => Some(Cond::If(leading_name(arg), true)),
                "unless" => Some(Cond::If(leading_name(arg), false)),
                "elsif" | "elif" => Some(Cond::ElseIf(leading_name(arg))),
                "else" => Some(Cond::Else),
                "for" | "case" | "capture" | "raw" | "comment" | "with" => {
                    Some(Cond::If(None, false))
                }
                w if w.starts_with("end") => Some(Cond::End),
                _ => None,
            }
        }
        _ => None,
    }
}

/// The name a condition tests: `FNAME` of `IF:FNAME=Bob`, `first_name` of `first_name != blank`.
fn leading_name(s: &str) -> Option<&str> {
    let s = s.trim_start();
    let end = s
        .find(|c: char| !(c.is_alphanumeric() || matches!(c, '_' | '-' | '.')))
        .unwrap_or(s.len());
    (end > 0).then(|| &s[..end])
}

#[cfg(test)]
mod tests {
    use super::{MergeTags, Params};
    use crate::campaign::Format;
    use crate::diagnostic::{Finding, Severity};
    use crate::rules::kinds::RuleKind;
    use crate::rules::kinds::testing::{profile, run};

    const DANA: &str = r#"{ "email": "dana@example.com", "First Name": "Dana", "loyalty_tier": "Gold", "points": 120 }"#;
    const SPARSE: &str = r#"{ "email": "dana@example.com", "first_name": " ", "last_name": null, "loyalty_tier": "" }"#;

    fn unresolved(html: &str, profile: &str) -> Vec<Finding> {
        run(
            "unresolved-merge-tag",
            html,
            Format::Html,
            Some(profile),
            None,
        )
    }

    fn empty(html: &str, profile: &str) -> Vec<Finding> {
        run("empty-merge-field", html, Format::Html, Some(profile), None)
    }

    fn labels(finding: &Finding) -> Vec<&str> {
        finding
            .labels
            .iter()
            .filter_map(|l| l.text.as_deref())
            .collect()
    }

    #[test]
    fn fields_the_profile_has_resolve() {
        for html in [
            "<p>Hi *|FNAME|*, you are *|LOYALTY_TIER|*</p>",
            "<p>Hi {{ first_name | default: \"there\" }} ({{contact.LoyaltyTier}})</p>",
            "<p>Hi %%FirstName%%, %%Points%% points</p>",
            "<p>Hi -first_name-, <%= loyalty_tier %></p>",
            "<p>Hi {{${first_name}}}, {{insert loyalty_tier \"default=member\"}}</p>",
            "<p>Hi {{ person.first_name|default:'there' }}</p>",
        ] {
            assert!(unresolved(html, DANA).is_empty(), "{html}");
        }
    }

    #[test]
    fn system_tags_are_never_fields() {
        for html in [
            "<p>*|MC:SUBJECT|* *|MC_PREVIEW_TEXT|* *|LIST:COMPANY|* *|HTML:LIST_ADDRESS_HTML|*</p><p>*|IF:REWARDS|* *|HTML:REWARDS|* *|END:IF|* *|CURRENT_YEAR|* <a href=\"*|UNSUB|*\">x</a> <a href=\"*|ARCHIVE|*\">y</a> *|UPDATE_PROFILE|* *|EMAIL|*</p>",
            "<p>{{#if nickname}}{{else}}friend{{/if}} {{> footer}} {{! note }} {{ mirror }} {{ unsubscribe }} {{{unsubscribe_preferences}}}</p>",
            "<p>{% if nickname %}{% endif %} {% unsubscribe %} {{ 'now' | date: '%Y' }} {{ event.ProductName }} {{ params.order_id }}</p>",
            "<p>%%view_email_url%% %%Member_Addr%% %%Member_City%% %%xtyear%% %%=v(@x)=%%</p>",
            "<p><%asm_group_unsubscribe_raw_url%> <%body%> [unsubscribe] %recipient_name% {{ formatDate sent_at \"YYYY\" }}</p>",
        ] {
            assert!(unresolved(html, DANA).is_empty(), "{html}");
        }
    }

    #[test]
    fn unknown_fields_are_reported_once_with_every_occurrence() {
        let found = unresolved(
            "<h1>Hi *|NICKNAME|*</h1><p>Dear *|NICKNAME|*, your {{ store_name }} misses you, *|nickname|*</p>",
            DANA,
        );
        let messages: Vec<_> = found.iter().map(|f| f.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "merge tag *|NICKNAME|* references `NICKNAME`, which the recipient's profile does not have",
                "merge tag {{ store_name }} references `store_name`, which the recipient's profile does not have",
            ]
        );
        assert_eq!(
            labels(&found[0]),
            [
                "no field `NICKNAME` in the profile",
                "no field `NICKNAME` in the profile",
                "no field `nickname` in the profile"
            ]
        );
        // One field, written the SendGrid and the Marketing Cloud way.
        let with_fallback = unresolved("<p>Hi {{ nickname | default: \"there\" }}</p>", DANA);
        assert_eq!(with_fallback[0].severity, Severity::Warning);
        assert_eq!(
            labels(&with_fallback[0]),
            ["no field `nickname` in the profile: the fallback is always shown"]
        );
        assert_eq!(found[0].severity, Severity::Error);
        let mixed = unresolved("<p>Hi -nick_name-, %%Nickname%%</p>", DANA);
        assert_eq!(
            labels(&mixed[0]),
            [
                "no field `nick_name` in the profile",
                "no field `Nickname` in the profile"
            ]
        );
    }

    #[test]
    fn parameters_map_and_allow_tags() {
        let html = "<p>*|PRENOM|* *|STORE_URL|*</p>";
        assert_eq!(unresolved(html, DANA).len(), 2);
        let params: Params = toml::from_str(
            "check = \"unresolved\"\nknown-tags = [\"store_url\"]\nfield-aliases = { PRENOM = \"first name\" }",
        )
        .unwrap();
        let kind = MergeTags::new(params);
        let dana = profile(DANA);
        let lookup = |field: &str| {
            let mut key = String::new();
            super::push_key(&mut key, field);
            kind.lookup(&dana, field, &key).map(|(name, _)| name)
        };
        assert!(kind.system.contains("storeurl"));
        assert_eq!(lookup("PRENOM"), Some("First Name"));
        assert_eq!(lookup("FNAME"), Some("First Name"));
        assert_eq!(lookup("contact.Loyalty-Tier"), Some("loyalty_tier"));
        assert_eq!(lookup("NICKNAME"), None);
        assert!(toml::from_str::<Params>("known_tags = []").is_err());
        assert!(toml::from_str::<Params>("check = \"missing\"").is_err());
    }

    #[test]
    fn without_a_profile_nothing_is_checked() {
        let found = run(
            "unresolved-merge-tag",
            "<p>Hi *|NICKNAME|*</p>",
            Format::Html,
            None,
            None,
        );
        assert!(found.is_empty());
    }

    #[test]
    fn empty_fields_without_a_fallback() {
        let found = empty(
            "<h1>Hi *|FNAME|*,</h1><p>Your tier: {{ loyalty_tier }}. {{ contact.last_name }}</p>",
            SPARSE,
        );
        let messages: Vec<_> = found.iter().map(|f| f.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "merge tag *|FNAME|* has no fallback and the recipient's `first_name` is empty",
                "merge tag {{ loyalty_tier }} has no fallback and the recipient's `loyalty_tier` is empty",
                "merge tag {{ contact.last_name }} has no fallback and the recipient's `last_name` is empty",
            ]
        );
        assert_eq!(labels(&found[0]), ["`first_name` is empty in the profile"]);
        assert_eq!(labels(&found[2]), ["`last_name` is null in the profile"]);
        assert!(
            found[0]
                .help
                .as_deref()
                .unwrap()
                .contains("*|IF:FNAME|**|FNAME|**|ELSE:|*there*|END:IF|*")
        );
    }

    #[test]
    fn fallbacks_and_guards_pass() {
        for html in [
            "<p>Hi {{ first_name | default: \"there\" }}</p>",
            "<p>Hi {{ first_name or \"there\" }}</p>",
            "<p>Hi *|IF:FNAME|**|FNAME|**|ELSE:|*friend*|END:IF|*</p>",
            "<p>{{#if first_name}}Hi {{first_name}}{{else}}Hello{{/if}}</p>",
            "<p>{% if first_name %}Hi {{ first_name }}{% endif %}</p>",
            "<p><a href=\"https://x.example/?n=*|FNAME|*\">shop</a></p>",
            "<p>Hi {{ nickname }}</p>",
        ] {
            assert!(empty(html, SPARSE).is_empty(), "{html}");
        }
        // The else branch runs when the field is empty.
        let found = empty(
            "<p>*|IF:FNAME|*Hi*|ELSE:|*Hi *|FNAME|**|END:IF|*</p>",
            SPARSE,
        );
        assert_eq!(found.len(), 1);
        // Filled fields pass.
        assert!(empty("<p>Hi *|FNAME|*</p>", DANA).is_empty());
    }
}
