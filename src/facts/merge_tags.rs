//! ESP merge tags: `*|FNAME|*` (Mailchimp), `{{ first_name }}` (Handlebars, Liquid),
//! `{% unsubscribe %}` (Klaviyo), `%%FirstName%%` (Salesforce Marketing Cloud),
//! `<%asm_group_unsubscribe_raw_url%>` and `[unsubscribe]` (`SendGrid`, Brevo),
//! `%unsubscribe_url%` (Mailgun), `${...}` (Braze).

use std::ops::Range;

/// One merge tag in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MergeTag {
    /// The whole tag, delimiters included.
    pub range: Range<usize>,
    /// The tag's expression, trimmed (`FNAME`, `first_name | default: "there"`).
    pub expr: String,
}

impl MergeTag {
    /// The field or function name: the expression up to the first space, `|` or `(`,
    /// lowercased, with a leading `$`/`#`/`.` and a Liquid object prefix removed.
    pub fn name(&self) -> String {
        let expr = self.expr.trim_start_matches(['$', '#', '.', '&', '{']);
        let end = expr
            .find(|c: char| c.is_whitespace() || c == '|' || c == '(' || c == '}')
            .unwrap_or(expr.len());
        expr[..end].to_ascii_lowercase()
    }
}

const DELIMITERS: &[(&str, &str)] = &[
    ("*|", "|*"),
    ("{{{", "}}}"),
    ("{{", "}}"),
    ("{%", "%}"),
    ("<%", "%>"),
    ("%%", "%%"),
    ("${", "}"),
    ("[", "]"),
    ("%", "%"),
];

/// Finds the merge tags in `text`, left to right, without overlaps.
pub fn find(text: &str) -> Vec<MergeTag> {
    let mut tags = Vec::new();
    let mut i = 0;
    while i < text.len() {
        let rest = &text[i..];
        let Some(next) = rest.find(['*', '{', '<', '%', '$', '[']) else {
            break;
        };
        let start = i + next;
        let here = &text[start..];
        let mut matched = None;
        for (open, close) in DELIMITERS {
            if !here.starts_with(open) {
                continue;
            }
            let inner_start = start + open.len();
            // Tags are short and single-line; a far-away closer is not ours.
            let window = &text[inner_start..text.len().min(inner_start + 200)];
            let Some(end) = window.find(close) else {
                continue;
            };
            let inner = &window[..end];
            if !plausible(open, inner) {
                continue;
            }
            matched = Some(MergeTag {
                range: start..inner_start + end + close.len(),
                expr: inner.trim().to_owned(),
            });
            break;
        }
        match matched {
            Some(tag) => {
                i = tag.range.end;
                tags.push(tag);
            }
            None => i = start + here.chars().next().map_or(1, char::len_utf8),
        }
    }
    tags
}

/// Whether `inner` can be a tag expression for this opening delimiter. The bare `[...]`
/// and `%...%` forms are common in prose, so they must be a single identifier.
fn plausible(open: &str, inner: &str) -> bool {
    let trimmed = inner.trim();
    if trimmed.is_empty() || inner.contains('\n') {
        return false;
    }
    let identifier = |s: &str| {
        s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | ':' | '-' | '.'))
            && s.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
    };
    match open {
        "[" | "%" => identifier(trimmed) && trimmed.len() >= 3,
        "*|" | "%%" => identifier(trimmed),
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(text: &str) -> Vec<String> {
        find(text).iter().map(MergeTag::name).collect()
    }

    #[test]
    fn finds_each_esp_syntax() {
        assert_eq!(names("Hi *|FNAME|*,"), ["fname"]);
        assert_eq!(
            names("Hi {{ first_name | default: \"there\" }}!"),
            ["first_name"]
        );
        assert_eq!(names("<a href=\"{{{unsubscribe}}}\">"), ["unsubscribe"]);
        assert_eq!(names("{% unsubscribe %}"), ["unsubscribe"]);
        assert_eq!(names("%%unsub_center_url%%"), ["unsub_center_url"]);
        assert_eq!(
            names("<%asm_group_unsubscribe_raw_url%>"),
            ["asm_group_unsubscribe_raw_url"]
        );
        assert_eq!(
            names("[unsubscribe] or %tag_unsubscribe_url%"),
            ["unsubscribe", "tag_unsubscribe_url"]
        );
        assert_eq!(
            names("${set_user_to_unsubscribed_url}"),
            ["set_user_to_unsubscribed_url"]
        );
    }

    #[test]
    fn ignores_prose() {
        assert!(names("50% off, then 20% more [see terms below] * | x").is_empty());
        assert!(names("{{ unterminated").is_empty());
    }

    #[test]
    fn ranges_cover_the_whole_tag() {
        let text = "Hello *|FNAME|*!";
        let tags = find(text);
        assert_eq!(&text[tags[0].range.clone()], "*|FNAME|*");
    }
}
