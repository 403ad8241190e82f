//! Plain-text parts and templates: paragraphs as text blocks, URLs and link merge tags as
//! links, in the same shape the HTML reducer produces.

use std::ops::Range;

use super::merge_tags;
use crate::campaign::html::{HtmlDoc, Link, TextBlock, TextStyle};
use crate::campaign::text::TextBuilder;

/// Reduces plain text found at byte `base` of its source.
pub fn reduce(text: &str, base: usize) -> HtmlDoc {
    let mut doc = HtmlDoc::default();
    for para in paragraphs(text) {
        let raw = &text[para.clone()];
        let mut b = TextBuilder::new();
        b.push_plain(raw, base + para.start);
        let (decoded, map) = b.finish();
        if decoded.is_empty() {
            continue;
        }
        let block = doc.blocks.len();
        for r in link_ranges(raw) {
            let abs = base + para.start + r.start..base + para.start + r.end;
            let token = raw[r].to_owned();
            doc.links.push(Link {
                href: Some(token.clone()),
                text: token,
                tag: abs.clone(),
                href_range: Some(abs.clone()),
                text_range: Some(abs),
                block: Some(block),
                style: Some(TextStyle::default()),
                ..Link::default()
            });
        }
        let lead = raw.len() - raw.trim_start().len();
        let range = base + para.start + lead..base + para.start + raw.trim_end().len();
        doc.blocks.push(TextBlock {
            text: decoded,
            map,
            range,
            style: TextStyle::default(),
        });
    }
    doc
}

/// Byte ranges of paragraphs: runs of lines separated by blank lines.
fn paragraphs(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let blank = line.trim().is_empty();
        match (blank, start) {
            (true, Some(s)) => {
                out.push(s..offset);
                start = None;
            }
            (false, None) => start = Some(offset),
            _ => {}
        }
        offset += line.len();
    }
    if let Some(s) = start {
        out.push(s..text.len());
    }
    out
}

/// URLs (`https://`, `http://`, `mailto:`, `www.`) and URL-like merge tags in a paragraph.
fn link_ranges(text: &str) -> Vec<Range<usize>> {
    let mut out: Vec<Range<usize>> = Vec::new();
    let lower = text.to_ascii_lowercase();
    for scheme in ["https://", "http://", "mailto:", "www."] {
        for (at, _) in lower.match_indices(scheme) {
            if scheme == "www." && lower[..at].ends_with("//") {
                continue;
            }
            let end = text[at..]
                .find(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"' | '\'' | ')'))
                .map_or(text.len(), |e| at + e);
            let url = text[at..end].trim_end_matches(['.', ',', ';', ':', '!', '?']);
            out.push(at..at + url.len());
        }
    }
    for tag in merge_tags::find(text) {
        let name = tag.name();
        let linkish = ["url", "link", "unsub", "optout", "opt_out", "preferences"]
            .iter()
            .any(|w| name.contains(w));
        if linkish
            && !out
                .iter()
                .any(|r| r.start <= tag.range.start && tag.range.end <= r.end)
        {
            out.push(tag.range);
        }
    }
    out.sort_by_key(|r| r.start);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_and_links() {
        let text = "Hello Anna,\r\nour sale starts now.\r\n\r\nUnsubscribe: https://x.example/u?id=1.\r\nOr {{unsubscribe_url}}\r\n";
        let doc = reduce(text, 10);
        assert_eq!(doc.blocks.len(), 2);
        assert_eq!(doc.blocks[0].text, "Hello Anna, our sale starts now.");
        let hrefs: Vec<_> = doc.links.iter().map(|l| l.href.clone().unwrap()).collect();
        assert_eq!(hrefs, ["https://x.example/u?id=1", "{{unsubscribe_url}}"]);
        let r = doc.links[0].tag.clone();
        assert_eq!(&text[r.start - 10..r.end - 10], "https://x.example/u?id=1");
        assert_eq!(doc.links[1].block, Some(1));
    }
}
