//! The campaign as a recipient sees it, made safe to show and marked where the findings
//! point: numbered marks spliced into the decoded HTML at the findings' byte spans, then
//! one lol_html pass that strips what could run or fetch (scripts, event handlers,
//! `javascript:` URLs, remote stylesheets, `<base>`, refreshes) and, unless remote
//! images are wanted, replaces remote images by placeholders of their size and alt text.
//!
//! The marks go in before the rewrite because the spans are offsets into the HTML as
//! written; the rewrite then treats them like the campaign's own elements.

use std::cell::RefCell;

use lol_html::html_content::ContentType;
use lol_html::{HtmlRewriter, Settings, element, text};

use super::esc;

/// One place to mark: the finding's number, and a byte range in the HTML.
#[derive(Debug, Clone)]
pub struct Mark {
    pub number: usize,
    pub severity: &'static str,
    pub range: std::ops::Range<usize>,
    /// What the analysis says of the marked text: `body` (displayed), `preheader` (the
    /// inbox's preview line, often hidden in the body) or `hidden` (not displayed).
    pub seen: &'static str,
}

/// Where a mark landed in the HTML.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placed {
    /// On an element (a link, an image): the element carries `data-cl-target`.
    Element,
    /// Around or before text in the body.
    Text,
    /// In the head, a comment or a style block: nothing a reader sees.
    Unseen,
}

/// Where in the HTML a mark can go, found once for all marks (a template may have
/// thousands of findings: each mark costs a binary search, not a scan).
struct Layout {
    /// Offsets of every `<` and `>`.
    opens: Vec<usize>,
    closes: Vec<usize>,
    /// Sorted, disjoint ranges where a mark cannot be shown: before the body, comments
    /// (MSO conditionals), `<style>`, `<script>`, `<title>`, `<textarea>`.
    unseen: Vec<std::ops::Range<usize>>,
}

impl Layout {
    fn new(html: &str) -> Layout {
        let lower = html.to_ascii_lowercase();
        let mut unseen = Vec::new();
        if let Some(body) = lower.find("<body") {
            unseen.push(0..body);
        }
        for (open, close) in [
            ("<!--", "-->"),
            ("<style", "</style"),
            ("<script", "</script"),
            ("<title", "</title"),
            ("<textarea", "</textarea"),
        ] {
            let mut from = 0;
            while let Some(o) = lower[from..].find(open).map(|o| o + from) {
                let end = lower[o + open.len()..]
                    .find(close)
                    .map_or(lower.len(), |c| o + open.len() + c);
                // A mark at the opener itself goes before it, where it shows.
                unseen.push(o + 1..end);
                from = end.max(o + 1);
            }
        }
        unseen.sort_by_key(|r| r.start);
        let mut merged: Vec<std::ops::Range<usize>> = Vec::with_capacity(unseen.len());
        for r in unseen {
            match merged.last_mut() {
                Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
                _ => merged.push(r),
            }
        }
        Layout {
            opens: memchr::memchr_iter(b'<', html.as_bytes()).collect(),
            closes: memchr::memchr_iter(b'>', html.as_bytes()).collect(),
            unseen: merged,
        }
    }

    /// The last offset in `list` before `at`.
    fn last_before(list: &[usize], at: usize) -> Option<usize> {
        let i = list.partition_point(|&x| x < at);
        i.checked_sub(1).map(|i| list[i])
    }

    /// The start of the tag `at` lies in, if it lies in one.
    fn tag_around(&self, at: usize) -> Option<usize> {
        let open = Self::last_before(&self.opens, at)?;
        match Self::last_before(&self.closes, at) {
            Some(close) if close > open => None,
            _ => Some(open),
        }
    }

    fn is_unseen(&self, at: usize) -> bool {
        let i = self.unseen.partition_point(|r| r.end <= at);
        self.unseen.get(i).is_some_and(|r| r.start <= at)
    }
}

/// The badge a mark shows: the finding's number on its severity's colour.
fn badge(number: usize, severity: &str, seen: &str) -> String {
    format!(
        "<span data-cl-mark=\"{number}\" data-cl-sev=\"{severity}\" data-cl-seen=\"{seen}\">{number}</span>"
    )
}

/// How the marks and image placeholders look, put in the campaign's head (once, not on
/// each of thousands of marks); `!important` so that the campaign's own rules do not hide
/// them.
const FRAME_STYLE: &str = "<style>\
[data-cl-mark]{all:initial!important;display:inline-block!important;\
font:bold 11px/16px system-ui,sans-serif!important;min-width:16px!important;\
padding:0 3px!important;margin:0 2px!important;border-radius:8px!important;\
text-align:center!important;color:#fff!important;background:#0072b2!important;\
outline:2px solid #fff!important;vertical-align:middle!important;cursor:default!important}\
[data-cl-sev=error]{background:#b3400a!important}\
[data-cl-sev=warning]{background:#8c6a00!important}\
mark[data-cl-target]{background:rgba(255,200,0,.38)!important;color:inherit!important;\
outline:2px dashed #0072b2!important}\
mark[data-cl-target][data-cl-sev=error]{outline-color:#b3400a!important}\
mark[data-cl-target][data-cl-sev=warning]{outline-color:#8c6a00!important}\
[data-cl-image]{display:inline-flex!important;align-items:center;justify-content:center;\
box-sizing:border-box;max-width:100%;overflow:hidden;border:1px dashed #8a8a8a;\
background:#e9e9e9;color:#444;font:12px/1.3 system-ui,sans-serif;text-align:center;\
padding:2px}\
</style>";

/// Splices the marks into `html`; says where each landed (in the order given).
pub fn splice_marks(html: &str, marks: &[Mark]) -> (String, Vec<Placed>) {
    let layout = Layout::new(html);
    // (offset, rank, text): at one offset, lower ranks come first in the result (closing
    // `</mark>`s rank 0).
    let mut inserts: Vec<(usize, usize, String)> = Vec::new();
    let mut placed = Vec::with_capacity(marks.len());
    // Wrapped ranges (start → end), disjoint.
    let mut wrapped: std::collections::BTreeMap<usize, usize> = std::collections::BTreeMap::new();
    // One attribute per element, naming every mark on it (`data-cl-target="2 3"`).
    let mut targets: std::collections::BTreeMap<usize, Vec<String>> =
        std::collections::BTreeMap::default();
    for (i, mark) in marks.iter().enumerate() {
        let mut start = html.floor_char_boundary(mark.range.start.min(html.len()));
        let end = html
            .floor_char_boundary(mark.range.end.min(html.len()))
            .max(start);
        // Inside a tag (an attribute): the mark goes on the tag.
        if let Some(o) = layout.tag_around(start) {
            start = o;
        }
        if layout.is_unseen(start) {
            placed.push(Placed::Unseen);
            continue;
        }
        let badge = badge(mark.number, mark.severity, mark.seen);
        let rest = &html[start..];
        if rest.starts_with('<') && rest[1..].starts_with(|c: char| c.is_ascii_alphabetic()) {
            let name_len = rest[1..]
                .find(|c: char| !c.is_ascii_alphanumeric() && c != '-' && c != ':')
                .map_or(rest.len() - 1, |n| n);
            inserts.push((start, 1 + i, badge));
            targets
                .entry(start + 1 + name_len)
                .or_default()
                .push(mark.number.to_string());
            placed.push(Placed::Element);
            continue;
        }
        let plain = !html[start..end].contains(['<', '>']);
        // Of disjoint ranges, only the last to start before `end` can overlap.
        let overlaps = wrapped
            .range(..end)
            .next_back()
            .is_some_and(|(_, &e)| e > start);
        if plain && end > start && !overlaps {
            wrapped.insert(start, end);
            inserts.push((
                start,
                1 + i,
                format!(
                    "<mark data-cl-target=\"{}\" data-cl-sev=\"{}\">{badge}",
                    mark.number, mark.severity
                ),
            ));
            inserts.push((end, 0, "</mark>".to_owned()));
        } else {
            inserts.push((start, 1 + i, badge));
        }
        placed.push(Placed::Text);
    }
    for (at, numbers) in targets {
        inserts.push((
            at,
            usize::MAX,
            format!(" data-cl-target=\"{}\"", numbers.join(" ")),
        ));
    }
    inserts.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)));
    let added: usize = inserts.iter().map(|i| i.2.len()).sum();
    let mut out = String::with_capacity(html.len() + added);
    let mut at = 0;
    for (offset, _, text) in inserts {
        out.push_str(&html[at..offset]);
        out.push_str(&text);
        at = offset;
    }
    out.push_str(&html[at..]);
    (out, placed)
}

/// An attribute value as written (lol_html does not decode entities), as its text.
fn decode(value: &str) -> String {
    html_escape::decode_html_entities(value).into_owned()
}

/// Whether a URL would fetch something over the network (not `data:`, not a fragment).
fn is_remote(url: &str) -> bool {
    let url = url.trim().to_ascii_lowercase();
    !(url.is_empty() || url.starts_with("data:") || url.starts_with('#') || url.starts_with("cid:"))
}

/// CSS with its URLs and imports defused: `url(` becomes an invalid value, so the
/// declaration is dropped instead of fetching (and the CSP reporting a blocked load).
fn defuse_css(css: &str) -> String {
    let lower = css.to_ascii_lowercase();
    let mut out = String::with_capacity(css.len() + 16);
    let mut last = 0;
    for (i, _) in lower.char_indices() {
        let rest = &lower[i..];
        if rest.starts_with("url(") || rest.starts_with("@import") {
            out.push_str(&css[last..i]);
            out.push_str(if rest.starts_with('@') { "@x-" } else { "x-" });
            last = if rest.starts_with('@') { i + 1 } else { i };
        }
    }
    out.push_str(&css[last..]);
    out
}

/// The campaign HTML, marked, made inert: no script runs, nothing is fetched unless
/// `load_images` (then only images).
pub fn sanitize(html: &str, load_images: bool) -> String {
    let style_text = RefCell::new(String::new());
    let styled = std::cell::Cell::new(false);
    let add_style = |el: &mut lol_html::html_content::Element<'_, '_>, first: bool| {
        if !styled.replace(true) {
            if first {
                el.prepend(FRAME_STYLE, ContentType::Html);
            } else {
                el.append(FRAME_STYLE, ContentType::Html);
            }
        }
    };
    let mut output = Vec::with_capacity(html.len() + 1024);
    let mut rewriter = HtmlRewriter::new(
        Settings::new()
            .append_element_content_handler(element!(
                    "script, noscript, iframe, frame, frameset, object, embed, applet, base, link, meta[http-equiv], meta[name=viewport], portal, template",
                    |el| {
                        el.remove();
                        Ok(())
                    }
                ))
            .append_element_content_handler(element!("head", |el| {
                add_style(el, false);
                Ok(())
            }))
            .append_element_content_handler(element!("body", |el| {
                add_style(el, true);
                Ok(())
            }))
            .append_element_content_handler(element!("*", |el| {
                    let names: Vec<String> = el.attributes().iter().map(lol_html::html_content::Attribute::name).collect();
                    for name in names {
                        let value = el.get_attribute(&name).unwrap_or_default();
                        let lower = value.trim().to_ascii_lowercase();
                        let scripted = lower.starts_with("javascript:")
                            || lower.starts_with("vbscript:")
                            || (lower.starts_with("data:") && !lower.starts_with("data:image/"));
                        match name.as_str() {
                            n if n.starts_with("on") => el.remove_attribute(n),
                            "href" | "xlink:href" => {
                                // A click must not navigate the frame to the campaign's links.
                                if !scripted && el.get_attribute("title").is_none() {
                                    el.set_attribute("title", &decode(&value))?;
                                }
                                el.set_attribute(&name, "#")?;
                            }
                            "action" | "formaction" | "ping" | "srcdoc" | "http-equiv" => {
                                el.remove_attribute(&name);
                            }
                            "src" | "srcset" | "background" | "poster" | "data"
                            if scripted || (!load_images && is_remote(&value)) =>
                        {
                            el.remove_attribute(&name);
                        }
                            "style" if !load_images => {
                                el.set_attribute("style", &defuse_css(&value))?;
                            }
                            _ => {}
                        }
                    }
                    Ok(())
                }))
            .append_element_content_handler(element!("img, image, input[type=image]", |el| {
                    if load_images || el.get_attribute("src").is_some_and(|s| !is_remote(&s)) {
                        return Ok(());
                    }
                    let size = |name: &str| {
                        el.get_attribute(name)
                            .and_then(|v| v.trim().trim_end_matches("px").parse::<f32>().ok())
                            .filter(|v| *v > 0.0 && *v < 5000.0)
                    };
                    let (w, h) = (size("width"), size("height"));
                    let alt = decode(&el.get_attribute("alt").unwrap_or_default());
                    let target = el
                        .get_attribute("data-cl-target")
                        .map(|n| format!(" data-cl-target=\"{}\"", esc(&n)))
                        .unwrap_or_default();
                    let style = format!(
                        "width:{}px;height:{}px",
                        w.unwrap_or(120.0),
                        h.unwrap_or(40.0)
                    );
                    let text = if alt.trim().is_empty() {
                        "image (no alt text)".to_owned()
                    } else {
                        alt
                    };
                    el.replace(
                        &format!(
                            "<span role=\"img\" data-cl-image{target} title=\"remote image not loaded\" style=\"{style}\">{}</span>",
                            esc(&text)
                        ),
                        ContentType::Html,
                    );
                    Ok(())
                }))
            .append_element_content_handler(text!("style", |chunk| {
                    if load_images {
                        return Ok(());
                    }
                    let mut buffer = style_text.borrow_mut();
                    buffer.push_str(chunk.as_str());
                    if chunk.last_in_text_node() {
                        let css = defuse_css(&buffer);
                        buffer.clear();
                        chunk.replace(&css, ContentType::Html);
                    } else {
                        chunk.remove();
                    }
                    Ok(())
                })),
        |c: &[u8]| output.extend_from_slice(c),
    );
    let written = match rewriter.write(html.as_bytes()) {
        Ok(()) => rewriter.end(),
        Err(e) => Err(e),
    };
    if written.is_err() {
        // lol_html gave up (it has memory limits): show nothing rather than the raw HTML.
        return String::from("<p>This campaign's HTML could not be made safe to show.</p>");
    }
    let out = String::from_utf8_lossy(&output).into_owned();
    if styled.get() {
        out
    } else {
        // A fragment without head or body: the style goes first.
        format!("{FRAME_STYLE}{out}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mark(n: usize, range: std::ops::Range<usize>) -> Mark {
        Mark {
            number: n,
            severity: "error",
            range,
            seen: "body",
        }
    }

    #[test]
    fn marks_land_on_tags_and_words() {
        let html = "<html><head><title>t</title></head><body><p>Buy the X85J now</p><a href=\"http://x\">here</a></body></html>";
        let word = html.find("X85J").unwrap();
        let link = html.find("<a").unwrap();
        let attr = html.find("http://").unwrap();
        let title = html.find(">t<").unwrap() + 1;
        let (out, placed) = splice_marks(
            html,
            &[
                mark(1, word..word + 4),
                mark(2, link..link + 2),
                mark(3, attr..attr + 8),
                mark(4, title..title + 1),
            ],
        );
        assert_eq!(
            placed,
            [
                Placed::Text,
                Placed::Element,
                Placed::Element,
                Placed::Unseen
            ]
        );
        assert!(out.contains("data-cl-target=\"1\""), "{out}");
        assert!(out.contains("X85J</mark>"), "{out}");
        assert!(out.contains("<a data-cl-target=\"2 3\" href"), "{out}");
        assert!(out.contains("<title>t</title>"), "{out}");
    }

    #[test]
    fn scripts_handlers_and_remote_loads_are_gone() {
        let html = "<body onload=\"x()\"><script>alert(1)</script><img src=\"https://t.example/p.gif\" width=\"600\" height=\"200\" alt=\"Sale &lt;now&gt;\">\
                    <a href=\"javascript:alert(1)\" onclick=\"y()\">x</a><div style=\"background:url(https://t.example/b.png)\">b</div>\
                    <style>@import 'https://f.example/x.css'; .a{background:URL(https://t.example/c.png)}</style>\
                    <link rel=stylesheet href=\"https://f.example/y.css\"><iframe src=\"https://e.example\"></iframe></body>";
        let out = sanitize(html, false);
        for gone in [
            "<script",
            "onload",
            "onclick",
            "javascript:",
            "https://t.example/p.gif",
            "<link",
            "<iframe",
        ] {
            assert!(!out.contains(gone), "{gone} left in {out}");
        }
        let defused = out
            .to_ascii_lowercase()
            .replace("x-url(", "")
            .replace("@x-import", "");
        assert!(
            !defused.contains("url(") && !defused.contains("@import"),
            "{out}"
        );
        assert!(out.contains("style=\"width:600px;height:200px\""), "{out}");
        assert!(out.contains(">Sale &lt;now&gt;</span>"), "{out}");
        let loaded = sanitize(html, true);
        assert!(loaded.contains("src=\"https://t.example/p.gif\""));
        assert!(!loaded.contains("<script"));
    }
}
