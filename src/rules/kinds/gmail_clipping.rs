//! `gmail-clipping`: the HTML part is larger than Gmail shows before it clips the message
//! ("[Message clipped] View entire message"), which hides the footer with the unsubscribe
//! link and the postal address, and the open-tracking pixel.
//!
//! Gmail does not publish the limit. The figure every ESP and testing tool uses is 102 KB
//! of HTML; tests (hteumeuleu/email-bugs#41, Spam Resource 2022) saw clipping between
//! about 100 and 105 KB, measured on the message as transferred. So the size is the part
//! as sent (after quoted-printable or base64 encoding), and 1 KB is 1024 bytes: 102 KB is
//! 104,448 bytes, the lower, safer reading of "102KB".
//!
//! Shipped rules of this kind: `gmail-clipping`.

use serde::Deserialize;

use super::{RuleKind, part_name};
use crate::campaign::{Format, PartKind};
use crate::diagnostic::Span;
use crate::facts::{Facts, PartFacts};
use crate::rules::{CampaignCheck, Context, Diag};

const KB: usize = 1024;

/// "131 KB"; within a KB of the limit, one decimal ("102.3 KB") so the figures add up.
fn kilobytes(bytes: usize, precise: bool) -> String {
    let kb = bytes as f64 / KB as f64;
    if precise {
        format!("{kb:.1} KB")
    } else {
        format!("{kb:.0} KB")
    }
}

/// "29 KB" or, under one KB, "310 bytes".
fn excess(bytes: usize) -> String {
    if bytes < KB {
        format!("{bytes} bytes")
    } else {
        kilobytes(bytes, false)
    }
}

/// Parameters of the `gmail-clipping` kind.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct Params {
    /// The clipping limit in KB of 1024 bytes, compared with the HTML part as sent.
    pub limit_kb: usize,
}

impl Default for Params {
    fn default() -> Self {
        Self { limit_kb: 102 }
    }
}

pub struct GmailClipping {
    params: Params,
}

impl RuleKind for GmailClipping {
    type Params = Params;

    fn new(params: Params) -> Self {
        Self { params }
    }
}

impl GmailClipping {
    fn limit(&self) -> usize {
        self.params.limit_kb.saturating_mul(KB)
    }
}

/// Where in the part's source the limit is reached. A part shown in the file itself is
/// the bytes as sent, so the position is exact. A decoded view (quoted-printable, base64)
/// is shorter than what was sent; the position is scaled by decoded/sent length, which is
/// close because the encoding overhead is spread evenly over a long HTML part.
fn cut(part: &PartFacts, limit: usize) -> usize {
    let decoded = part.body.len();
    let offset = if part.transfer_encoding.is_none() || decoded == part.sent_len {
        limit
    } else {
        (decoded as f64 * limit as f64 / part.sent_len.max(1) as f64) as usize
    };
    part.body.start + offset.min(decoded)
}

impl CampaignCheck for GmailClipping {
    fn campaign(&self, cx: &mut Context, facts: &Facts) {
        let limit = self.limit();
        for (index, part) in facts.parts.iter().enumerate() {
            if part.kind != PartKind::Html || part.sent_len <= limit {
                continue;
            }
            let over = part.sent_len - limit;
            let measure = if facts.format == Format::Eml {
                "as sent"
            } else {
                "before the ESP's encoding"
            };
            let at = cut(part, limit);
            let mut diag = Diag::new()
                .arg("part", part_name(facts.format, part.kind))
                .arg("size", kilobytes(part.sent_len, over < KB))
                .arg("measure", measure)
                .arg("over", excess(over))
                .arg("limit", self.params.limit_kb.to_string())
                .label(
                    Span::new(part.source, at..at),
                    "Gmail clips the message about here",
                );
            // The first opt-out link below the cut is the footer's; later ones (a
            // preference centre) add nothing to the point.
            let below = facts
                .unsubscribe_links
                .iter()
                .filter(|l| l.part == index)
                .filter_map(|l| part.links.get(l.link))
                .map(crate::campaign::html::Link::range)
                .find(|r| r.start >= at);
            if let Some(range) = below {
                diag = diag.label(
                    Span::new(part.source, range),
                    "the unsubscribe link is below the cut",
                );
            }
            cx.report(diag);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::campaign::Format;
    use crate::diagnostic::Finding;
    use crate::rules::kinds::testing::{eml, run};

    fn padded(bytes: usize) -> String {
        let row = "<tr><td style=\"padding:0 24px;font-family:Arial,sans-serif\">Row</td></tr>\n";
        let mut html = String::from("<table>");
        while html.len() < bytes {
            html.push_str(row);
        }
        html.push_str("</table><a href=\"*|UNSUB|*\">Unsubscribe</a>");
        html
    }

    fn check(text: &str, format: Format) -> Vec<Finding> {
        run("gmail-clipping", text, format, None, None)
    }

    #[test]
    fn over_the_limit() {
        let found = check(&padded(131 * 1024), Format::Html);
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].message,
            "HTML template is 131 KB before the ESP's encoding, 29 KB over Gmail's 102 KB clipping limit"
        );
        assert_eq!(found[0].labels[0].span.offset, 102 * 1024);
        assert_eq!(
            found[0].labels[1].text.as_deref(),
            Some("the unsubscribe link is below the cut")
        );
        let raw = eml("", &padded(102 * 1024 + 100));
        let found = check(&raw, Format::Eml);
        assert!(
            found[0].message.contains("as sent, ") && found[0].message.contains(" bytes over"),
            "{}",
            found[0].message
        );
    }

    #[test]
    fn under_the_limit() {
        assert!(check(&padded(100 * 1024), Format::Html).is_empty());
        assert!(check(&eml("", &padded(60 * 1024)), Format::Eml).is_empty());
    }
}
