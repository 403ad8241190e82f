//! `--format html`: one self-contained page for people who do not read terminals. Each
//! campaign is shown as a recipient sees it, in a sandboxed frame, with numbered marks
//! where its findings point; an audience run gets its summary and charts; a directory
//! run an index. Everything is inline (CSS, script, SVG), and a Content-Security-Policy
//! blocks every network load, so opening a report never fires a tracking pixel.
//!
//! Every string from input (file names, subjects, messages that quote a campaign, profile
//! values) goes through [`esc`]; the campaign's own HTML goes through
//! [`campaign::sanitize`] and then into a `srcdoc` attribute, escaped again.

mod campaign;
mod chart;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use base64_lite::encode as base64;
use sha2::{Digest, Sha256};

use crate::campaign::{Campaign, PartKind};
use crate::diagnostic::{FileReport, Finding, Report, Severity};
use crate::error::Error;
use crate::facts::{AnalysisOptions, Facts, Origin};
use crate::profiles::privacy::mask_addresses;
use crate::rules::RuleSet;

use campaign::{Mark, Placed};

const STYLE: &str = include_str!("report.css");
const SCRIPT: &str = include_str!("report.js");

/// What the page may load and show.
#[derive(Debug, Clone, Copy, Default)]
pub struct HtmlOptions {
    /// `--load-images`: the campaign's remote images are loaded (nothing else is).
    pub load_images: bool,
    /// `--show-emails`: example addresses in full.
    pub show_emails: bool,
}

/// `text` safe anywhere in HTML: text or a quoted attribute value. Control characters
/// other than line breaks and tabs are shown as their escape (`\u{1b}`).
pub fn esc(text: &str) -> String {
    escape(text, true)
}

/// Markup as the value of a quoted attribute (`srcdoc`): only the characters that could
/// end the value or start markup are escaped, the rest is the campaign's own.
fn esc_markup(html: &str) -> String {
    escape(html, false)
}

fn escape(text: &str, controls: bool) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if controls && c.is_control() && !matches!(c, '\n' | '\r' | '\t') => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

/// Severities are told apart by colour (report.css and the frame's style: the hues of the
/// Okabe–Ito palette, which people with every kind of colour blindness tell apart —
/// vermillion, yellow, blue — darkened to read on white) and, so that colour is never the
/// only sign, by this icon and their word.
fn icon(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "✖",
        Severity::Warning => "▲",
        _ => "ℹ",
    }
}

/// The policy of the page: nothing from the network (images only with `--load-images`),
/// inline styles, and the report's one script by its hash. The campaign's frame inherits it.
pub fn content_security_policy(load_images: bool) -> String {
    let hash = base64(&Sha256::digest(SCRIPT.as_bytes()));
    let images = if load_images {
        "data: https: http:"
    } else {
        "data:"
    };
    format!(
        "default-src 'none'; style-src 'unsafe-inline'; img-src {images}; \
         script-src 'sha256-{hash}'; base-uri 'none'; form-action 'none'"
    )
}

/// The page for a whole run.
pub fn render(report: &Report, errors: &[Error], rules: &RuleSet, options: HtmlOptions) -> String {
    let mut body = String::new();
    let _ = write!(
        body,
        "<header class=\"top\"><h1>campaign-lint report</h1><p class=\"totals\">{}</p></header>",
        totals(report)
    );
    if !errors.is_empty() {
        body.push_str("<section class=\"errors\"><h2>Could not be checked</h2><ul>");
        for e in errors {
            let _ = write!(body, "<li>{}</li>", esc(&e.to_string()));
        }
        body.push_str("</ul></section>");
    }
    if report.files.len() > 1 {
        body.push_str(&index(report));
    }
    if report.audience.is_some() {
        body.push_str(&audience(report, options));
    }
    for (i, file) in report.files.iter().enumerate() {
        body.push_str(&file_section(i, file, rules, options));
    }
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta http-equiv=\"Content-Security-Policy\" content=\"{}\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <meta name=\"color-scheme\" content=\"light dark\">\
         <title>campaign-lint report</title><style>{STYLE}</style></head>\n<body>{body}\
         <button id=\"back\" type=\"button\" hidden>↩ back to the finding</button>\
         <script>{SCRIPT}</script></body></html>\n",
        esc(&content_security_policy(options.load_images))
    )
}

fn count(findings: &[Finding], s: Severity) -> usize {
    findings.iter().filter(|f| f.severity == s).count()
}

fn counts_html(errors: usize, warnings: usize, infos: usize) -> String {
    format!(
        "<span class=\"sev-error\">{} {errors} error{}</span> \
         <span class=\"sev-warning\">{} {warnings} warning{}</span> \
         <span class=\"sev-info\">{} {infos} info{}</span>",
        icon(Severity::Error),
        if errors == 1 { "" } else { "s" },
        icon(Severity::Warning),
        if warnings == 1 { "" } else { "s" },
        icon(Severity::Info),
        if infos == 1 { "" } else { "s" },
    )
}

fn totals(report: &Report) -> String {
    let campaigns = report.campaigns;
    let mut text = format!(
        "{} in {campaigns} campaign{}",
        counts_html(
            report.count(Severity::Error),
            report.count(Severity::Warning),
            report.count(Severity::Info)
        ),
        if campaigns == 1 { "" } else { "s" }
    );
    if report.recipients > 0 {
        let _ = write!(
            text,
            " for {} recipient{}",
            report.recipients,
            if report.recipients == 1 { "" } else { "s" }
        );
    }
    text
}

/// The directory index: every file with its counts, linking to its section.
fn index(report: &Report) -> String {
    let mut out = String::from(
        "<section class=\"index\"><h2>Campaigns</h2><table><thead><tr><th>file</th>\
         <th>errors</th><th>warnings</th><th>infos</th></tr></thead><tbody>",
    );
    for (i, file) in report.files.iter().enumerate() {
        let f = &file.findings;
        let _ = write!(
            out,
            "<tr class=\"{}\"><td><a href=\"#file-{i}\">{}</a></td><td>{}</td><td>{}</td><td>{}</td></tr>",
            if f.is_empty() { "clean" } else { "dirty" },
            esc(&file.path),
            count(f, Severity::Error),
            count(f, Severity::Warning),
            count(f, Severity::Info)
        );
    }
    out.push_str("</tbody></table>");
    let clean: Vec<String> = report
        .files
        .iter()
        .filter(|f| f.findings.is_empty())
        .map(|f| esc(&f.path))
        .collect();
    if !clean.is_empty() {
        let _ = write!(
            out,
            "<p class=\"clean-list\">No findings in {} of {}: {}</p>",
            clean.len(),
            report.files.len(),
            clean.join(", ")
        );
    }
    out.push_str("</section>");
    out
}

/// Recipients and examples of findings of one rule, grouped by one of their values.
/// Findings without that value are grouped under `otherwise`, if given.
fn grouped(
    report: &Report,
    rule: &str,
    arg: &str,
    otherwise: Option<&str>,
) -> BTreeMap<String, (u64, Vec<String>)> {
    let mut groups: BTreeMap<String, (u64, Vec<String>)> = BTreeMap::new();
    for (_, f) in report.findings().filter(|(_, f)| f.rule == rule) {
        let value = f
            .args
            .iter()
            .find(|(k, _)| *k == arg)
            .map(|(_, v)| v.as_str());
        let Some(value) = value.or(otherwise) else {
            continue;
        };
        let entry = groups.entry(value.to_owned()).or_default();
        entry.0 += f.recipients.unwrap_or(0);
        for e in &f.examples {
            if entry.1.len() < 3 && !entry.1.contains(e) {
                entry.1.push(e.clone());
            }
        }
    }
    groups
}

fn examples(list: &[String], options: HtmlOptions) -> String {
    list.iter()
        .map(|e| {
            if options.show_emails {
                esc(e)
            } else {
                esc(&mask_addresses(e))
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// A table of groups: value, recipients, masked examples.
fn example_table(
    value: &str,
    count: &str,
    groups: &BTreeMap<String, (u64, Vec<String>)>,
    options: HtmlOptions,
) -> String {
    let mut out = format!(
        "<table class=\"examples\"><thead><tr><th>{value}</th><th>{count}</th>\
         <th>examples</th></tr></thead><tbody>"
    );
    for (name, (n, ex)) in groups {
        let _ = write!(
            out,
            "<tr><td>{}</td><td>{n}</td><td>{}</td></tr>",
            esc(name),
            examples(ex, options)
        );
    }
    out.push_str("</tbody></table>");
    out
}

/// The audience: summary, recipients per rule, languages, owned products, thresholds.
fn audience(report: &Report, options: HtmlOptions) -> String {
    let Some(a) = &report.audience else {
        return String::new();
    };
    let mut out = format!(
        "<section class=\"audience\" id=\"audience\"><h2>Audience <small>{}</small></h2>",
        esc(&a.path)
    );
    let _ = write!(
        out,
        "<dl class=\"summary\" data-rows-checked=\"{checked}\"><div><dt>recipients checked</dt><dd>{checked}</dd></div>\
         <div class=\"sev-error\"><dt>{} with errors</dt><dd data-key=\"recipients_with_errors\">{}</dd></div>\
         <div class=\"sev-warning\"><dt>{} with warnings</dt><dd data-key=\"recipients_with_warnings\">{}</dd></div>\
         <div class=\"sev-info\"><dt>{} with infos only</dt><dd data-key=\"recipients_with_infos\">{}</dd></div>\
         <div><dt>✔ clean</dt><dd data-key=\"recipients_clean\">{}</dd></div>\
         <div><dt>rows skipped</dt><dd>{}</dd></div></dl>",
        icon(Severity::Error),
        a.recipients_with_errors,
        icon(Severity::Warning),
        a.recipients_with_warnings,
        icon(Severity::Info),
        a.recipients_with_infos,
        a.recipients_clean(),
        a.rows_skipped,
        checked = a.rows_checked,
    );
    let mut per_rule: Vec<(String, u64)> = a
        .rule_recipients
        .iter()
        .map(|(r, &n)| (r.clone(), n))
        .collect();
    per_rule.sort_by(|x, y| y.1.cmp(&x.1).then(x.0.cmp(&y.0)));
    out.push_str("<h3>Recipients per rule</h3>");
    if per_rule.is_empty() {
        out.push_str("<p>No rule hit any recipient.</p>");
    } else {
        out.push_str(&chart::bars(
            "Recipients per rule",
            "rules",
            &per_rule,
            a.rows_checked,
        ));
    }
    // Languages: the recipients who do not read the campaign's language, by language.
    let languages = grouped(
        report,
        "language-mismatch",
        "recipient",
        Some("a language not recognised"),
    );
    let campaign_language = report
        .findings()
        .filter(|(_, f)| f.rule == "language-mismatch")
        .find_map(|(_, f)| f.args.iter().find(|(k, _)| *k == "campaign"))
        .map(|(_, v)| v.clone());
    out.push_str("<h3>Languages</h3>");
    if languages.is_empty() {
        out.push_str("<p>Every recipient reads the campaign's language (or has none on file).</p>");
    } else {
        let mismatched: u64 = languages.values().map(|(n, _)| n).sum();
        let mut rows = vec![(
            format!(
                "{} (campaign) or none",
                campaign_language
                    .as_deref()
                    .unwrap_or("the campaign's language")
            ),
            a.rows_checked.saturating_sub(mismatched),
        )];
        let mut others: Vec<(String, u64)> = languages
            .iter()
            .map(|(l, (n, _))| (l.clone(), *n))
            .collect();
        others.sort_by(|x, y| y.1.cmp(&x.1).then(x.0.cmp(&y.0)));
        rows.extend(others);
        out.push_str(&chart::bars(
            "Recipients by language",
            "languages",
            &rows,
            a.rows_checked,
        ));
        out.push_str(&example_table("reads", "recipients", &languages, options));
    }
    let owned = grouped(report, "owned-product-offer", "product", None);
    if !owned.is_empty() {
        out.push_str("<h3>Offers of products the recipients own</h3>");
        out.push_str(&example_table(
            "product",
            "owners offered it",
            &owned,
            options,
        ));
    }
    let thresholds: Vec<_> = a.thresholds().collect();
    if !thresholds.is_empty() {
        out.push_str("<h3>--fail-on thresholds</h3><ul class=\"thresholds\">");
        for (rule, rate, share, over) in thresholds {
            let _ = write!(
                out,
                "<li class=\"{}\">{} <code>{}</code>: {} of the recipients, allowed {}</li>",
                if over { "sev-error" } else { "ok" },
                if over { "✖ tripped:" } else { "✔ within:" },
                esc(rule),
                crate::report::numbers::percent(share * 100.0),
                crate::report::numbers::percent(rate * 100.0)
            );
        }
        out.push_str("</ul>");
    }
    if !a.skipped.is_empty() {
        out.push_str("<h3>Skipped rows</h3><ul>");
        for (row, line, reason) in &a.skipped {
            let at = line.map_or(format!("row {row}"), |l| format!("row {row} (line {l})"));
            let _ = write!(out, "<li>{at}: {}</li>", esc(&mask_addresses(reason)));
        }
        out.push_str("</ul>");
    }
    out.push_str("</section>");
    out
}

/// Where one label of a finding is shown.
enum Place {
    Html(usize),
    Text,
    Header,
    Elsewhere,
}

/// The campaign behind a file of the report, read again from its text: the report keeps
/// the sources and findings, not the parts.
fn reread(file: &FileReport) -> Option<(Campaign, Facts)> {
    let format = crate::campaign::format_of(Path::new(&file.path))?;
    let raw = file.sources.first()?;
    let campaign = Campaign::parse(&file.path, raw.text.as_bytes(), format).ok()?;
    // Offsets only mean the same when the sources are the same texts.
    let same = campaign.sources.len() == file.sources.len()
        && campaign
            .sources
            .iter()
            .zip(&file.sources)
            .all(|(a, b)| a.text == b.text);
    if !same {
        return None;
    }
    let facts = Facts::analyze(&campaign, None, &AnalysisOptions::default());
    Some((campaign, facts))
}

fn file_section(i: usize, file: &FileReport, rules: &RuleSet, options: HtmlOptions) -> String {
    let f = &file.findings;
    let mut out = format!(
        "<section class=\"file\" id=\"file-{i}\"><h2>{} <small>{}</small></h2>",
        esc(&file.path),
        counts_html(
            count(f, Severity::Error),
            count(f, Severity::Warning),
            count(f, Severity::Info)
        )
    );
    let view = reread(file);
    let html_part = view
        .as_ref()
        .and_then(|(c, _)| c.parts.iter().find(|p| p.kind == PartKind::Html));
    let text_part = view
        .as_ref()
        .and_then(|(c, _)| c.parts.iter().find(|p| p.kind == PartKind::Plain));
    // Every label's place, numbered by finding.
    let mut html_marks = Vec::new();
    let mut text_marks = Vec::new();
    let mut header_marks: Vec<(usize, usize, &'static str)> = Vec::new();
    let mut preheader_marks: Vec<(usize, &'static str)> = Vec::new();
    let mut places: Vec<Vec<Place>> = Vec::new();
    for (n, finding) in f.iter().enumerate() {
        let number = n + 1;
        let severity = finding.severity.as_str();
        let mut these = Vec::new();
        for label in &finding.labels {
            let s = label.span;
            let within = |p: &crate::campaign::Part| {
                s.source == p.source && p.body.start <= s.offset && s.offset <= p.body.end
            };
            let place = if let Some(p) = html_part.filter(|p| within(p)) {
                let seen = seen(view.as_ref().map(|(_, f)| f), s);
                if seen == "preheader" {
                    preheader_marks.push((number, severity));
                }
                html_marks.push(Mark {
                    number,
                    severity,
                    range: s.offset - p.body.start..s.end().min(p.body.end) - p.body.start,
                    seen,
                });
                Place::Html(html_marks.len() - 1)
            } else if let Some(p) = text_part.filter(|p| within(p)) {
                text_marks.push(Mark {
                    number,
                    severity,
                    range: s.offset - p.body.start..s.end().min(p.body.end) - p.body.start,
                    seen: "body",
                });
                Place::Text
            } else if let Some((c, _)) = &view
                && s.source == 0
                && let Some(h) = c
                    .headers
                    .iter()
                    .position(|h| h.field.start <= s.offset && s.offset <= h.field.end)
            {
                header_marks.push((h, number, severity));
                Place::Header
            } else {
                Place::Elsewhere
            };
            these.push(place);
        }
        places.push(these);
    }
    if let Some((c, facts)) = &view {
        out.push_str(&inbox_line(c, facts, &preheader_marks));
        if !c.headers.is_empty() {
            out.push_str(&header_panel(c, &header_marks));
        }
    }
    out.push_str("<div class=\"layout\"><div class=\"view\">");
    let mut html_placed = Vec::new();
    if let Some((c, _)) = &view {
        let has_both = html_part.is_some() && text_part.is_some();
        if has_both {
            out.push_str(
                "<div class=\"tabs\" role=\"tablist\"><button type=\"button\" role=\"tab\" data-tab=\"html\" aria-selected=\"true\">HTML</button>\
                 <button type=\"button\" role=\"tab\" data-tab=\"text\" aria-selected=\"false\">Text</button></div>",
            );
        }
        if let Some(p) = html_part {
            let (marked, landed) = campaign::splice_marks(c.text(p), &html_marks);
            html_placed = landed;
            let safe = campaign::sanitize(&marked, options.load_images);
            let _ = write!(
                out,
                "<div class=\"tab\" data-tab=\"html\"><iframe sandbox=\"allow-same-origin\" \
                 referrerpolicy=\"no-referrer\" title=\"the campaign as a recipient sees it\" \
                 srcdoc=\"{}\"></iframe>{}</div>",
                esc_markup(&safe),
                if options.load_images {
                    ""
                } else {
                    "<p class=\"note\">Remote images are not loaded: each is shown as a box of its size with its alt text, as an image-blocking mail client shows it (<code>--load-images</code> loads them).</p>"
                }
            );
        }
        if let Some(p) = text_part {
            let _ = write!(
                out,
                "<div class=\"tab\" data-tab=\"text\"{}><pre class=\"text-part\">{}</pre></div>",
                if has_both { " hidden" } else { "" },
                text_with_marks(c.text(p), &text_marks)
            );
        }
    } else if !f.is_empty() {
        out.push_str(
            "<p class=\"note\">This file is not shown as a campaign; its findings are listed.</p>",
        );
    }
    out.push_str("</div>");
    out.push_str(&finding_list(
        i,
        f,
        &places,
        (&html_marks, &html_placed),
        rules,
        options,
    ));
    out.push_str("</div></section>");
    out
}

/// Whether the text at `span` is displayed, per the analysis: `preheader`, `hidden` or
/// `body` (also for spans on tags, which no text unit holds).
fn seen(facts: Option<&Facts>, span: crate::diagnostic::Span) -> &'static str {
    let unit = facts.and_then(|f| {
        f.units.iter().find(|u| {
            u.source == span.source && u.range.start <= span.offset && span.offset < u.range.end
        })
    });
    match unit.map(|u| u.origin) {
        Some(Origin::Preheader) => "preheader",
        Some(Origin::Hidden) => "hidden",
        _ => "body",
    }
}

/// The subject and preheader as an inbox shows them, under the sender's name.
fn inbox_line(c: &Campaign, facts: &Facts, marks: &[(usize, &'static str)]) -> String {
    let from = c
        .header("From")
        .and_then(|h| h.mailboxes.first())
        .and_then(|m| m.name.clone().or_else(|| m.address.clone()))
        .unwrap_or_default();
    let subject = c.subject.as_ref().map_or("", |s| s.text.as_str());
    let preheader = facts
        .units
        .iter()
        .find(|u| u.origin == Origin::Preheader)
        .map(|u| u.text.split_whitespace().collect::<Vec<_>>().join(" "))
        .unwrap_or_default();
    let preheader: String = preheader.chars().take(140).collect();
    let mut badges = String::new();
    for (n, sev) in marks {
        if !badges.contains(&format!("\"{n}\"")) {
            let _ = write!(
                badges,
                "<span class=\"badge sev-{sev}\" data-cl-mark=\"{n}\">{n}</span>"
            );
        }
    }
    format!(
        "<div class=\"inbox\" aria-label=\"as shown in an inbox\"><span class=\"from\">{}</span>\
         <span class=\"subject\">{}</span><span class=\"preheader\">{badges}{}</span></div>",
        esc(&from),
        esc(subject),
        esc(&preheader)
    )
}

const SHOWN_HEADERS: [&str; 7] = [
    "From",
    "Reply-To",
    "To",
    "Subject",
    "List-Unsubscribe",
    "List-Unsubscribe-Post",
    "Content-Type",
];

fn header_panel(c: &Campaign, marks: &[(usize, usize, &'static str)]) -> String {
    let mut out = String::from("<table class=\"headers\"><caption>Headers</caption><tbody>");
    for (i, h) in c.headers.iter().enumerate() {
        let here: Vec<_> = marks.iter().filter(|(at, _, _)| *at == i).collect();
        let shown = SHOWN_HEADERS
            .iter()
            .any(|n| n.eq_ignore_ascii_case(&h.name));
        if here.is_empty() && !shown {
            continue;
        }
        let mut badges = String::new();
        for (_, n, sev) in &here {
            let _ = write!(
                badges,
                "<span class=\"badge sev-{sev}\" data-cl-mark=\"{n}\">{n}</span>"
            );
        }
        // An RFC 2047-encoded subject is shown decoded too.
        let decoded = c
            .subject
            .as_ref()
            .filter(|s| h.name.eq_ignore_ascii_case("Subject") && s.text != h.value)
            .map(|s| {
                format!(
                    "<br><span class=\"decoded\">decoded: {}</span>",
                    esc(&s.text)
                )
            })
            .unwrap_or_default();
        let _ = write!(
            out,
            "<tr{}><th>{}</th><td>{badges}<code>{}</code>{decoded}</td></tr>",
            if here.is_empty() {
                ""
            } else {
                " class=\"marked\""
            },
            esc(&h.name),
            esc(&h.value)
        );
    }
    out.push_str("</tbody></table>");
    out
}

/// The text part, escaped, with the marks around (or before) their text.
fn text_with_marks(text: &str, marks: &[Mark]) -> String {
    let mut order: Vec<&Mark> = marks.iter().collect();
    order.sort_by_key(|m| (m.range.start, m.number));
    let mut out = String::with_capacity(text.len() + 64);
    let mut at = 0;
    for m in order {
        let start = text.floor_char_boundary(m.range.start.max(at).min(text.len()));
        let end = text
            .floor_char_boundary(m.range.end.min(text.len()))
            .max(start);
        out.push_str(&esc(&text[at..start]));
        let _ = write!(
            out,
            "<mark class=\"sev-{}\" data-cl-target=\"{n}\"><span class=\"badge sev-{}\" data-cl-mark=\"{n}\">{n}</span>{}</mark>",
            m.severity,
            m.severity,
            esc(&text[start..end]),
            n = m.number
        );
        at = end;
    }
    out.push_str(&esc(&text[at..]));
    out
}

fn finding_list(
    file: usize,
    findings: &[Finding],
    places: &[Vec<Place>],
    (html_marks, html_placed): (&[Mark], &[Placed]),
    rules: &RuleSet,
    options: HtmlOptions,
) -> String {
    if findings.is_empty() {
        return "<aside class=\"findings\"><p class=\"clean\">✔ No findings.</p></aside>".into();
    }
    let mut out = String::from("<aside class=\"findings\"><ol>");
    for (n, f) in findings.iter().enumerate() {
        let number = n + 1;
        let (mut html, mut text, mut header, mut unseen) = (0, 0, 0, 0);
        let (mut preheader, mut hidden) = (0, 0);
        for p in &places[n] {
            match p {
                Place::Html(k) if html_placed.get(*k) == Some(&Placed::Unseen) => unseen += 1,
                Place::Html(k) => {
                    html += 1;
                    match html_marks.get(*k).map(|m| m.seen) {
                        Some("preheader") => preheader += 1,
                        Some("hidden") => hidden += 1,
                        _ => {}
                    }
                }
                Place::Text => text += 1,
                Place::Header => header += 1,
                Place::Elsewhere => unseen += 1,
            }
        }
        let sev = f.severity.as_str();
        let _ = write!(
            out,
            "<li class=\"finding sev-{sev}\" id=\"f{file}-{number}\" data-file=\"{file}\" data-finding=\"{number}\" \
             data-rule=\"{}\" data-html-marks=\"{html}\" data-text-marks=\"{text}\" data-header-marks=\"{header}\" data-unseen-marks=\"{unseen}\">\
             <button type=\"button\" class=\"jump badge sev-{sev}\" title=\"show where\">{} {number}</button> \
             <code class=\"rule\">{}</code> <span class=\"severity\">{sev}</span>\
             <p class=\"message\">{}</p>",
            esc(&f.rule),
            icon(f.severity),
            esc(&f.rule),
            esc(&f.message)
        );
        if let Some(help) = &f.help {
            let _ = write!(out, "<p class=\"help\">help: {}</p>", esc(help));
        }
        let labels: Vec<String> = f
            .labels
            .iter()
            .filter_map(|l| l.text.as_deref())
            .map(esc)
            .collect();
        if !labels.is_empty() {
            let mut unique = labels.clone();
            unique.dedup();
            let _ = write!(out, "<p class=\"labels\">{}</p>", unique.join(" · "));
        }
        if preheader > 0 {
            out.push_str("<p class=\"where\">also in the preheader (marked on the inbox line)</p>");
        }
        if hidden > 0 {
            out.push_str("<p class=\"where\">also in text the campaign does not display</p>");
        }
        if html + text + header == 0 {
            out.push_str(if f.labels.is_empty() {
                "<p class=\"where\">about the whole campaign (something missing)</p>"
            } else {
                "<p class=\"where\">in a place a reader does not see (the head, a comment or another part)</p>"
            });
        }
        if let Some(r) = f.recipients {
            let _ = write!(
                out,
                "<p class=\"recipients\">{r} recipient{}{}</p>",
                if r == 1 { "" } else { "s" },
                if f.examples.is_empty() {
                    String::new()
                } else {
                    format!(", e.g. {}", examples(&f.examples, options))
                }
            );
        }
        if let Some(rule) = rules.get(&f.rule)
            && let Some(d) = &rule.docs
        {
            let _ = write!(
                out,
                "<details class=\"explain\"><summary>explain {}</summary>",
                esc(&f.rule)
            );
            for (title, body) in [
                ("What it does", &d.what),
                ("Why it matters", &d.why),
                ("Example", &d.example),
                ("What to do instead", &d.fix),
            ] {
                let _ = write!(
                    out,
                    "<h4>{title}</h4><pre>{}</pre>",
                    esc(body.trim_matches('\n'))
                );
            }
            if !d.references.is_empty() {
                out.push_str("<h4>References</h4><ul>");
                for r in &d.references {
                    let _ = write!(out, "<li>{}</li>", esc(r));
                }
                out.push_str("</ul>");
            }
            out.push_str("</details>");
        }
        out.push_str("</li>");
    }
    out.push_str("</ol></aside>");
    out
}

/// Standard base64 of a hash, for the CSP (no crate for 32 bytes).
mod base64_lite {
    pub fn encode(bytes: &[u8]) -> String {
        const ALPHABET: &[u8; 64] =
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
        for chunk in bytes.chunks(3) {
            let b = [
                chunk[0],
                chunk.get(1).copied().unwrap_or(0),
                chunk.get(2).copied().unwrap_or(0),
            ];
            let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
            for i in 0..4 {
                if i <= chunk.len() {
                    out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
                } else {
                    out.push('=');
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_every_special_character() {
        assert_eq!(
            esc("<script>\"'&</iframe>\u{1b}"),
            "&lt;script&gt;&quot;&#39;&amp;&lt;/iframe&gt;\\u{1b}"
        );
        assert_eq!(base64_lite::encode(b"hello"), "aGVsbG8=");
        assert_eq!(base64_lite::encode(b"hi"), "aGk=");
        assert_eq!(base64_lite::encode(b"abc"), "YWJj");
    }

    #[test]
    fn the_policy_names_the_scripts_hash_and_nothing_remote() {
        let csp = content_security_policy(false);
        assert!(csp.starts_with("default-src 'none';"));
        assert!(csp.contains("img-src data:;"));
        assert!(!csp.contains("http"));
        assert!(content_security_policy(true).contains("img-src data: https: http:;"));
        let hash = base64_lite::encode(&Sha256::digest(SCRIPT.as_bytes()));
        assert!(csp.contains(&format!("'sha256-{hash}'")));
    }
}
