//! Horizontal bar charts as inline SVG, drawn here: no chart library, nothing fetched.
//! Each bar carries its label and number as data attributes, so that what is drawn can
//! be checked against the JSON summary.

use std::fmt::Write as _;

use super::esc;

const WIDTH: f64 = 640.0;
const LABEL: f64 = 230.0;
const ROW: f64 = 26.0;
/// Room right of the longest bar for its number and share.
const NUMBER: f64 = 120.0;

/// One bar per row (label, count); bar lengths are shares of `total`.
pub fn bars(title: &str, name: &str, rows: &[(String, u64)], total: u64) -> String {
    let height = ROW * rows.len() as f64 + 8.0;
    let max = rows.iter().map(|r| r.1).max().unwrap_or(0).max(1);
    let span = WIDTH - LABEL - NUMBER;
    let mut out = format!(
        "<figure class=\"chart\"><svg class=\"bars\" data-chart=\"{}\" role=\"img\" aria-label=\"{}\" \
         viewBox=\"0 0 {WIDTH} {height}\" width=\"100%\" preserveAspectRatio=\"xMinYMin meet\">\
         <title>{}</title>",
        esc(name),
        esc(title),
        esc(title)
    );
    for (i, (label, n)) in rows.iter().enumerate() {
        let y = ROW * i as f64 + 4.0;
        let w = (*n as f64 / max as f64 * span).max(if *n > 0 { 2.0 } else { 0.0 });
        let share = if total == 0 {
            String::new()
        } else {
            format!(
                " ({})",
                crate::report::numbers::percent(*n as f64 * 100.0 / total as f64)
            )
        };
        let short: String = if label.chars().count() > 32 {
            label.chars().take(31).chain(['…']).collect()
        } else {
            label.clone()
        };
        let _ = write!(
            out,
            "<g class=\"bar\" data-label=\"{label}\" data-value=\"{n}\">\
             <title>{label}: {n}{share}</title>\
             <text x=\"{lx}\" y=\"{ty}\" text-anchor=\"end\">{short}</text>\
             <rect x=\"{LABEL}\" y=\"{y}\" width=\"{w:.1}\" height=\"{h}\" rx=\"3\"></rect>\
             <text class=\"value\" x=\"{vx:.1}\" y=\"{ty}\">{n}{share}</text></g>",
            label = esc(label),
            short = esc(&short),
            lx = LABEL - 8.0,
            ty = y + ROW * 0.62,
            h = ROW - 8.0,
            vx = LABEL + w + 6.0,
        );
    }
    out.push_str("</svg></figure>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_carry_their_numbers_and_escape_labels() {
        let svg = bars(
            "Recipients per rule",
            "rules",
            &[("<x>".to_owned(), 3), ("b".to_owned(), 1)],
            4,
        );
        assert!(
            svg.contains("data-label=\"&lt;x&gt;\" data-value=\"3\""),
            "{svg}"
        );
        assert!(svg.contains(">3 (75.0%)</text>"), "{svg}");
        assert!(svg.contains("width=\"290.0\""), "{svg}");
        assert!(svg.contains("width=\"96.7\""), "{svg}");
        assert!(!svg.contains("<x>"));
    }
}
