//! `placeholder-text`: text left from the template the campaign was built from: lorem
//! ipsum, `[Company Name]`, "Your text here", `TODO`. Found once per campaign (see
//! `facts::placeholder`); one finding per part (and one for the subject), every
//! occurrence labelled up to a cap.
//!
//! Shipped rules of this kind: `placeholder-text`.

use serde::Deserialize;

use super::{RuleKind, part_name};
use crate::facts::Facts;
use crate::facts::placeholder::{Kind, Placeholder};
use crate::rules::{CampaignCheck, Context, Diag};

/// "lorem ipsum filler", "3 placeholders": what the finding is about.
fn placeholders(found: &[&Placeholder]) -> String {
    match found {
        [one] => one.kind.label().to_owned(),
        many => format!("{} placeholders", many.len()),
    }
}

fn more(n: usize) -> String {
    format!("{n} more not labelled")
}

/// Parameters of the `placeholder-text` kind.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct Params {
    /// At most this many occurrences are labelled per finding (the message counts all).
    pub max_labels: usize,
    /// Also report `TODO`, `FIXME`, `TBD`, `XXX` and prices left as `XX%` or `$XX`.
    pub markers: bool,
}

impl Default for Params {
    fn default() -> Self {
        Self {
            max_labels: 10,
            markers: true,
        }
    }
}

pub struct PlaceholderText {
    params: Params,
}

impl RuleKind for PlaceholderText {
    type Params = Params;

    fn new(params: Params) -> Self {
        Self { params }
    }
}

impl CampaignCheck for PlaceholderText {
    fn campaign(&self, cx: &mut Context, facts: &Facts) {
        let wanted = |p: &&Placeholder| self.params.markers || p.kind != Kind::Marker;
        // The subject (no part), then each part in order.
        let places = std::iter::once(None).chain((0..facts.parts.len()).map(Some));
        for place in places {
            let found: Vec<&Placeholder> = facts
                .placeholders
                .iter()
                .filter(wanted)
                .filter(|p| facts.units.get(p.unit).is_some_and(|u| u.part == place))
                .collect();
            if found.is_empty() {
                continue;
            }
            let part = match place.and_then(|i| facts.parts.get(i)) {
                Some(p) => part_name(facts.format, p.kind),
                None => "subject",
            };
            let mut diag = Diag::new()
                .arg("placeholders", placeholders(&found))
                .arg("part", part);
            let shown = self.params.max_labels.max(1).min(found.len());
            for (i, p) in found.iter().take(shown).enumerate() {
                let Some(unit) = facts.units.get(p.unit) else {
                    continue;
                };
                let mut label = p.kind.label().to_owned();
                if i + 1 == shown && shown < found.len() {
                    label = format!("{label} ({})", more(found.len() - shown));
                }
                diag = diag.label(unit.span(p.range.clone()), label);
            }
            cx.report(diag);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::campaign::Format;
    use crate::diagnostic::Finding;
    use crate::rules::RuleSet;
    use crate::rules::kinds::testing::{facts, run};

    fn check(html: &str) -> Vec<Finding> {
        run("placeholder-text", html, Format::Html, None, None)
    }

    #[test]
    fn labels_every_placeholder_in_one_finding() {
        let html = r"<table><tr><td><h1>[Company Name] Newsletter</h1>
<p>Lorem ipsum dolor sit amet, consectetur adipisicing elit. Quisquam veritatis adipisci, repellendus perferendis.</p>
<p>Hi [First Name], your text here.</p><p>Offer ends TBD.</p></td></tr></table>";
        let found = check(html);
        assert_eq!(found.len(), 1, "{found:#?}");
        assert_eq!(found[0].message, "5 placeholders left in the HTML template");
        let labels: Vec<&str> = found[0]
            .labels
            .iter()
            .map(|l| l.text.as_deref().unwrap_or_default())
            .collect();
        assert_eq!(
            labels,
            [
                "bracketed placeholder",
                "lorem ipsum filler",
                "bracketed placeholder",
                "placeholder instruction",
                "placeholder marker"
            ]
        );
        let at = found[0].labels[0].span;
        assert_eq!(&html[at.offset..at.offset + at.len], "[Company Name]");
    }

    #[test]
    fn one_finding_per_part_and_the_subject_with_capped_labels() {
        let text = "Lorem ipsum dolor sit amet.\n\nRegards, [Your Name]\n";
        let message = format!(
            "From: Shop <news@example.com>\r\nSubject: [Insert subject line]\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{text}"
        );
        let found = run("placeholder-text", &message, Format::Eml, None, None);
        assert_eq!(found.len(), 2, "{found:#?}");
        assert!(
            found
                .iter()
                .any(|f| f.message == "bracketed placeholder left in the subject")
        );
        let many = "<p>[First Name]</p>".repeat(14);
        let found = check(&many);
        assert_eq!(
            found[0].message,
            "14 placeholders left in the HTML template"
        );
        assert_eq!(found[0].labels.len(), 10);
        assert_eq!(
            found[0].labels[9].text.as_deref(),
            Some("bracketed placeholder (4 more not labelled)")
        );
    }

    #[test]
    fn real_text_merge_tags_and_hidden_text_pass() {
        for html in [
            "<p>Hi *|FNAME|*, hello {{ first_name }} and [firstname,fallback=there]</p>",
            "<p>Watch the keynote [Video] and read note [1].</p><p>Your journey starts here.</p>",
            "<p>Our winter sale ends on Sunday: up to 40% off TVs and headphones.</p>",
            // Hidden text other than the preheader (which the inbox shows) is not read.
            "<p>Welcome!</p><div style=\"display:none\">Lorem ipsum dolor sit amet</div>",
        ] {
            assert!(check(html).is_empty(), "{html}: {:#?}", check(html));
        }
    }

    #[test]
    fn markers_can_be_turned_off() {
        let pack = r#"
kind = "placeholder-text"
severity = "warning"
summary = "Placeholder text without markers"
message = "{placeholders} left in the {part}"

[params]
markers = false
"#;
        let set = RuleSet::with_rule_file("placeholders-only", pack).expect("pack rule loads");
        let html = "<p>Offer ends TBD. TODO: check prices. [Company Name]</p>";
        let facts = facts(html, Format::Html, None, &set);
        let found: Vec<Finding> = set
            .check_campaign(crate::rules::Env { catalog: None }, &facts, None)
            .into_iter()
            .filter(|f| f.rule == "placeholders-only")
            .collect();
        assert_eq!(found.len(), 1, "{found:#?}");
        assert_eq!(
            found[0].message,
            "bracketed placeholder left in the HTML template"
        );
    }
}
