//! HTML to visible text blocks, links and images, each with byte ranges into the source.
//!
//! `lol_html` tokenises (it streams, keeps byte offsets and survives any input); this module
//! keeps its own element stack to know, for every piece of text, the computed style that
//! decides whether a person sees it: hidden by `display:none` and friends, its font size,
//! its colour and the colour of the nearest background. Styles come through the cascade
//! most email clients apply: the `<style>` blocks ([`super::stylesheet`]), the inline
//! `style` attribute and presentational attributes (`bgcolor`, `<font color>`), with
//! inheritance down the element stack.

use std::cell::{OnceCell, RefCell};
use std::ops::Range;
use std::rc::Rc;
use std::sync::Arc;

use lol_html::html_content::Element;
use lol_html::{HtmlRewriter, Settings, doc_comments, doc_text, element, end_tag};

use super::css::{self, Rgba};
use super::stylesheet::{Candidate, Cascade, Place, Property, Slot, StyleSheet, Tree};
use super::text::{OffsetMap, TextBuilder};

/// Why an element's content is not displayed at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hiding {
    DisplayNone,
    VisibilityHidden,
    Opacity,
    /// Zero height or width with `overflow:hidden` (the preheader trick).
    Collapsed,
    HiddenAttribute,
}

impl Hiding {
    pub fn describe(self) -> &'static str {
        match self {
            Hiding::DisplayNone => "display:none",
            Hiding::VisibilityHidden => "visibility:hidden",
            Hiding::Opacity => "opacity:0",
            Hiding::Collapsed => "zero size with overflow:hidden",
            Hiding::HiddenAttribute => "the hidden attribute",
        }
    }
}

/// Where a computed value was set: what a label points at.
#[derive(Debug, Clone, PartialEq)]
pub struct Setting {
    /// The declaration, attribute or start tag, in source coordinates.
    pub at: Range<usize>,
    pub by: SetBy,
}

/// Who set a computed value.
#[derive(Debug, Clone, PartialEq)]
pub enum SetBy {
    /// The element's own markup: its `style` attribute or a presentational attribute.
    Markup,
    /// A rule of a `<style>` block, named by its selector.
    Rule(Arc<str>),
    /// Nothing the campaign wrote: the mail client's default (the blue of a link).
    ClientDefault,
}

/// The computed style of a piece of text, with where each value was set.
#[derive(Debug, Clone, PartialEq)]
pub struct TextStyle {
    /// Set when an element (this one or an ancestor) removes the text from display.
    pub hidden: Option<(Hiding, Setting)>,
    pub font_px: f32,
    pub font_from: Option<Setting>,
    pub color: Rgba,
    pub color_from: Option<Setting>,
    /// None when the background is an image whose colour cannot be known.
    pub background: Option<Rgba>,
    pub background_from: Option<Setting>,
    /// Set when the style sheet could not be fully applied (a hostile sheet ran out of the
    /// matching budget): the values above may be wrong, so nothing should be judged on them.
    pub unsure: bool,
}

impl Default for TextStyle {
    fn default() -> Self {
        Self {
            hidden: None,
            font_px: 16.0,
            font_from: None,
            color: Rgba::BLACK,
            color_from: None,
            background: Some(Rgba::WHITE),
            background_from: None,
            unsure: false,
        }
    }
}

/// A run of text a reader sees as one unit (a paragraph, a table cell, a heading).
#[derive(Debug, Clone)]
pub struct TextBlock {
    pub text: String,
    pub map: OffsetMap,
    /// Source range from the first to the last character of the block.
    pub range: Range<usize>,
    pub style: TextStyle,
}

/// An `<a>` element (or an ESP `<unsubscribe>` tag).
#[derive(Debug, Clone, Default)]
pub struct Link {
    pub href: Option<String>,
    pub title: Option<String>,
    pub aria_label: Option<String>,
    pub class: Option<String>,
    pub id: Option<String>,
    /// Decoded link text; `alt` text of images inside the link is in `image_alt`.
    pub text: String,
    pub image_alt: String,
    /// Range of the start tag.
    pub tag: Range<usize>,
    /// Range of the `href` value inside the start tag (without quotes).
    pub href_range: Option<Range<usize>>,
    /// Range of the link's text, when it has any.
    pub text_range: Option<Range<usize>>,
    /// The block that holds the link's text.
    pub block: Option<usize>,
    /// Style of the link's text: the first visible piece, else the first piece.
    pub style: Option<TextStyle>,
}

impl Link {
    /// The range to point at: the text if there is some, else the start tag.
    pub fn range(&self) -> Range<usize> {
        self.text_range.clone().unwrap_or_else(|| self.tag.clone())
    }
}

/// An `<img>` element.
#[derive(Debug, Clone)]
pub struct Image {
    pub src: Option<String>,
    /// Range of the `src` value inside the start tag (without quotes).
    pub src_range: Option<Range<usize>>,
    /// None when the attribute is missing; `Some("")` marks a decorative image.
    pub alt: Option<String>,
    /// The `width`/`height` attributes as written (`600`, `100%`).
    pub width: Option<String>,
    pub height: Option<String>,
    pub tag: Range<usize>,
    /// The whole `src="…"` attribute inside the start tag, when it is there.
    pub src_attr: Option<Range<usize>>,
    /// Whether the image sits inside a link.
    pub in_link: bool,
}

impl Image {
    /// The `width` attribute in pixels (`600`, `600px`); None when missing or a percentage.
    pub fn width_px(&self) -> Option<f32> {
        self.width.as_deref().and_then(pixels)
    }

    /// The `height` attribute in pixels; None when missing or a percentage.
    pub fn height_px(&self) -> Option<f32> {
        self.height.as_deref().and_then(pixels)
    }

    /// A 0×0 or 1×1 image (either side at most one pixel): an open-tracking pixel or a
    /// spacer, which a reader never sees as a picture.
    pub fn is_tracking_pixel(&self) -> bool {
        self.width_px().is_some_and(|w| w <= 1.0) || self.height_px().is_some_and(|h| h <= 1.0)
    }

    /// The start tag up to the end of its `src` attribute: what a label points at, without
    /// the long `style` that usually follows.
    pub fn head(&self) -> Range<usize> {
        match &self.src_attr {
            Some(src) if src.end > self.tag.start && src.end <= self.tag.end => {
                self.tag.start..src.end
            }
            _ => self.tag.clone(),
        }
    }
}

/// An HTML length attribute in pixels: `600` or `600px`, not `100%`.
fn pixels(value: &str) -> Option<f32> {
    let v = value.trim();
    let v = v.strip_suffix("px").unwrap_or(v).trim();
    v.parse::<f32>().ok().filter(|n| n.is_finite() && *n >= 0.0)
}

/// What the reducer learned from one HTML part.
#[derive(Debug, Clone, Default)]
pub struct HtmlDoc {
    pub blocks: Vec<TextBlock>,
    pub links: Vec<Link>,
    pub images: Vec<Image>,
    /// `<html lang="…">`: the value and the range of the value.
    pub lang: Option<(String, Range<usize>)>,
    /// HTML comments: their text (without `<!--`/`-->`) and range, for inline suppressions.
    pub comments: Vec<(String, Range<usize>)>,
    /// Set when reading stopped part way (the rest of the part was not read): why, and
    /// where (in source coordinates).
    pub incomplete: Option<(String, usize)>,
}

/// Reduces `html` (found at byte `base` of its source) to blocks, links and images, under
/// the default nesting limit.
pub fn reduce(html: &str, base: usize) -> HtmlDoc {
    reduce_with(html, base, crate::limits::Limits::default().max_html_depth)
}

/// Reduces `html` (found at byte `base` of its source) to blocks, links and images; an
/// element nested deeper than `max_depth` stops the reading there.
pub fn reduce_with(html: &str, base: usize, max_depth: usize) -> HtmlDoc {
    let mut reducer = Reducer::new(base, html);
    reducer.max_depth = max_depth;
    let state = Rc::new(RefCell::new(reducer));
    let el_state = Rc::clone(&state);
    let text_state = Rc::clone(&state);
    let comment_state = Rc::clone(&state);
    let settings = Settings::new()
        .append_element_content_handler(element!("*", move |el| {
            let id = el_state.borrow_mut().open(el)?;
            if el.can_have_content() {
                let st = Rc::clone(&el_state);
                el.on_end_tag(end_tag!(move |end| {
                    st.borrow_mut()
                        .close(id, end.source_location().bytes().start);
                    Ok(())
                }))?;
            }
            Ok(())
        }))
        .append_document_content_handler(doc_text!(move |t| {
            let range = t.source_location().bytes();
            text_state.borrow_mut().text(t.as_str(), range.start);
            Ok(())
        }))
        .append_document_content_handler(doc_comments!(move |c| {
            let range = c.source_location().bytes();
            let mut state = comment_state.borrow_mut();
            let base = state.base;
            state
                .doc
                .comments
                .push((c.text(), range.start + base..range.end + base));
            Ok(())
        }));
    let mut rewriter = HtmlRewriter::new(settings, |_: &[u8]| {});
    let failure = rewriter
        .write(html.as_bytes())
        .and_then(|()| rewriter.end())
        .err()
        .map(|e| e.to_string());
    let mut reducer = state.take();
    reducer.flush();
    reducer.take_link_texts();
    let too_deep = reducer.too_deep.take();
    let mut doc = reducer.doc;
    doc.incomplete = too_deep.map_or_else(
        || failure.map(|f| (format!("the HTML could not be tokenized: {f}"), base)),
        |at| {
            Some((
                format!(
                    "elements nested more than {max_depth} deep (raise [limits] max-html-depth in campaign-lint.toml); the rest of the part was not read"
                ),
                at,
            ))
        },
    );
    doc
}

const LINK_BLUE: Rgba = Rgba {
    r: 0,
    g: 0,
    b: 0xee,
    a: 1.0,
};

struct Open {
    id: u64,
    tag: String,
    style: TextStyle,
    /// Text inside is never displayed (head, style, script, ...).
    skip: bool,
    link: Option<usize>,
    /// The element in the tree selectors match on (when there is a style sheet).
    node: Option<u32>,
    /// Its last child element so far: the previous sibling of the next one.
    last_child: Option<u32>,
}

#[derive(Default)]
struct Reducer {
    base: usize,
    /// The HTML being reduced, to locate attributes inside start tags.
    source: String,
    next_id: u64,
    stack: Vec<Open>,
    doc: HtmlDoc,
    block: Option<BlockInProgress>,
    /// Per link: a builder for its text.
    link_text: Vec<TextBuilder>,
    /// Per link: how well the piece its style comes from shows the link (0: none yet;
    /// then hidden or shown, blank or with words).
    link_rank: Vec<u8>,
    /// Elements nested deeper than this stop the reading.
    max_depth: usize,
    /// Where (in source coordinates) the element over `max_depth` starts.
    too_deep: Option<usize>,
    /// The `<style>` blocks, read before the walk.
    sheet: StyleSheet,
    /// The elements read so far, when there is a style sheet to match them against.
    tree: Tree,
    /// The last element at the top level (outside any open element).
    root_last: Option<u32>,
    /// The implied `<body>` of a template that has none, in the tree.
    root: Option<u32>,
    /// The style outside any element: the implied body's, or the default.
    root_style: TextStyle,
}

struct BlockInProgress {
    builder: TextBuilder,
    range: Range<usize>,
    style: TextStyle,
}

impl Reducer {
    fn new(base: usize, source: &str) -> Self {
        let mut reducer = Self {
            base,
            source: source.to_owned(),
            sheet: StyleSheet::parse(source, base),
            ..Self::default()
        };
        if !reducer.sheet.is_empty()
            && find_ignore_case(source, "<body").is_none()
            && find_ignore_case(source, "<html").is_none()
        {
            reducer.imply_root();
        }
        reducer
    }

    /// Adds an element to the tree, after the last child of the open element.
    fn add_node(&mut self, el: &Element, tag: &str) -> u32 {
        let attributes = el
            .attributes()
            .iter()
            .map(|a| (a.name(), decode_attr(&a.value())))
            .collect();
        let parent = self.stack.last().map_or(self.root, |o| o.node);
        let previous = self.stack.last().map_or(self.root_last, |o| o.last_child);
        let node = self.tree.push(tag, attributes, parent, previous);
        match self.stack.last_mut() {
            Some(open) => open.last_child = Some(node),
            None => self.root_last = Some(node),
        }
        node
    }

    fn top_style(&self) -> TextStyle {
        self.stack
            .last()
            .map_or_else(|| self.root_style.clone(), |o| o.style.clone())
    }

    /// A template without `<html>` and `<body>` (a fragment, or Foundation's Inky source)
    /// is shown inside the ones a browser implies, and `body { background: … }` styles
    /// them: they become the tree's root, and their style the one top-level text inherits.
    fn imply_root(&mut self) {
        let loc = Locator::new("", self.base..self.base);
        let mut style = TextStyle::default();
        let mut parent = None;
        for tag in ["html", "body"] {
            let node = self.tree.push(tag, Vec::new(), parent, None);
            let mut cascade = Cascade::default();
            let complete = self.sheet.cascade(&self.tree, node, &mut cascade);
            style = compute_style(&style, tag, &Markup::default(), &loc, cascade);
            style.unsure |= !complete;
            parent = Some(node);
        }
        self.root = parent;
        self.root_style = style;
    }

    /// Opens an element; an error (which stops the rewriter) when it is nested too deep.
    fn open(&mut self, el: &mut Element) -> Result<u64, &'static str> {
        let tag = el.tag_name();
        let loc = el.source_location().bytes();
        let range = loc.start + self.base..loc.end + self.base;
        self.close_implied(&tag);
        if self.stack.len() >= self.max_depth && el.can_have_content() {
            self.too_deep = Some(range.start);
            return Err("nested too deep");
        }
        if is_block(&tag) {
            self.flush();
        }
        self.next_id += 1;
        let id = self.next_id;
        let parent_skip = self.stack.last().is_some_and(|o| o.skip);
        let parent_link = self.stack.last().and_then(|o| o.link);
        let node = (!self.sheet.is_empty()).then(|| self.add_node(el, &tag));
        let locator = Locator::new(self.source.get(loc.clone()).unwrap_or(""), range.clone());
        let mut cascade = Cascade::default();
        let complete = match node {
            Some(node) if !parent_skip => self.sheet.cascade(&self.tree, node, &mut cascade),
            _ => true,
        };
        let mut style = compute_style(
            &self.top_style(),
            &tag,
            &Markup::of(el, &tag),
            &locator,
            cascade,
        );
        style.unsure |= !complete;
        let mut link = parent_link;
        if parent_link.is_none() && !parent_skip && opens_link(&tag, el) {
            let attr = |name: &str| el.get_attribute(name).map(|v| decode_attr(&v));
            let href = if tag == "unsubscribe" {
                Some("[unsubscribe]".to_owned())
            } else {
                attr("href")
            };
            self.doc.links.push(Link {
                href,
                title: attr("title"),
                aria_label: attr("aria-label"),
                class: attr("class"),
                id: attr("id"),
                tag: range.clone(),
                href_range: locator.value("href"),
                ..Link::default()
            });
            self.link_text.push(TextBuilder::new());
            self.link_rank.push(0);
            link = Some(self.doc.links.len() - 1);
        }
        if is_block(&tag) {
            break_link_text(&mut self.link_text, parent_link, range.start);
        }
        match tag.as_str() {
            "html" => {
                if let Some(lang) = el
                    .get_attribute("lang")
                    .or_else(|| el.get_attribute("xml:lang"))
                {
                    let at = self
                        .source
                        .get(loc.clone())
                        .and_then(|tag| attribute_value_range(tag, "lang"))
                        .map_or(range.clone(), |r| {
                            range.start + r.start..range.start + r.end
                        });
                    self.doc.lang = Some((decode_attr(&lang), at));
                }
            }
            "img" | "mj-image" | "mj-carousel-image" if !parent_skip => {
                let alt = el.get_attribute("alt").map(|v| decode_attr(&v));
                if let (Some(idx), Some(alt)) = (link, &alt)
                    && let Some(l) = self.doc.links.get_mut(idx)
                {
                    if !l.image_alt.is_empty() {
                        l.image_alt.push(' ');
                    }
                    l.image_alt.push_str(alt.trim());
                }
                self.doc.images.push(Image {
                    src: el.get_attribute("src").map(|v| decode_attr(&v)),
                    src_range: locator.value("src"),
                    alt,
                    width: el.get_attribute("width").map(|v| decode_attr(&v)),
                    height: el.get_attribute("height").map(|v| decode_attr(&v)),
                    tag: range.clone(),
                    src_attr: find_attribute(locator.tag, "src")
                        .map(|(whole, _)| locator.absolute(whole)),
                    in_link: link.is_some(),
                });
            }
            "br" => {
                if let Some(b) = self.block.as_mut() {
                    b.builder.break_word(range.start);
                }
                break_link_text(&mut self.link_text, parent_link, range.start);
            }
            _ => {}
        }
        if el.can_have_content() {
            // `<mj-image href="…" />` is closed (MJML is XML), but HTML tokenising keeps it
            // open until its parent ends: the text after it is not the link's.
            if el.is_self_closing() && link != parent_link {
                link = parent_link;
            }
            self.stack.push(Open {
                id,
                skip: parent_skip || is_skipped(&tag),
                tag,
                style,
                link,
                node,
                last_child: None,
            });
        }
        Ok(id)
    }

    /// HTML closes some elements implicitly (a `<td>` ends the previous `<td>`); `lol_html`
    /// does not report those ends, so the stack would keep a stale style.
    fn close_implied(&mut self, tag: &str) {
        let (targets, barriers): (&[&str], &[&str]) = match tag {
            "td" | "th" => (&["td", "th"], &["tr", "table"]),
            "tr" => (&["tr"], &["table", "tbody", "thead", "tfoot"]),
            "li" => (&["li"], &["ul", "ol"]),
            "p" | "div" | "table" | "ul" | "ol" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6"
            | "blockquote" | "pre" | "hr" | "section" | "center" | "dl" => {
                (&["p"], &["td", "th", "div", "table", "body", "li"])
            }
            _ => return,
        };
        for i in (0..self.stack.len()).rev() {
            let open = &self.stack[i].tag;
            if targets.contains(&open.as_str()) {
                let id = self.stack[i].id;
                self.close(id, 0);
                return;
            }
            if barriers.contains(&open.as_str()) {
                return;
            }
        }
    }

    fn close(&mut self, id: u64, at: usize) {
        let Some(pos) = self.stack.iter().rposition(|o| o.id == id) else {
            return;
        };
        let closes_block = self.stack[pos..].iter().any(|o| is_block(&o.tag));
        if closes_block {
            self.flush();
            break_link_text(&mut self.link_text, self.stack[pos].link, at + self.base);
        }
        self.stack.truncate(pos);
    }

    fn text(&mut self, raw: &str, start: usize) {
        let Some(top) = self.stack.last() else {
            // Text before any element (a fragment template): visible, with the root's style.
            return self.push_text(raw, start, self.root_style.clone(), None);
        };
        if top.skip {
            return;
        }
        let (style, link) = (top.style.clone(), top.link);
        self.push_text(raw, start, style, link);
    }

    fn push_text(&mut self, raw: &str, start: usize, style: TextStyle, link: Option<usize>) {
        let start = start + self.base;
        let trimmed = raw.trim_matches(|c: char| c.is_ascii_whitespace());
        if trimmed.is_empty() {
            if let Some(b) = self.block.as_mut() {
                b.builder.push_html(raw, start);
            }
            if let Some(b) = link.and_then(|idx| self.link_text.get_mut(idx)) {
                b.push_html(raw, start);
            }
            return;
        }
        if self
            .block
            .as_ref()
            .is_some_and(|b| b.style.hidden.is_some() != style.hidden.is_some())
        {
            self.flush();
        }
        let lead = raw.len()
            - raw
                .trim_start_matches(|c: char| c.is_ascii_whitespace())
                .len();
        let text_range = start + lead..start + lead + trimmed.len();
        let block = self.block.get_or_insert_with(|| BlockInProgress {
            builder: TextBuilder::new(),
            range: text_range.clone(),
            style: style.clone(),
        });
        block.builder.push_html(raw, start);
        block.range.end = text_range.end;
        let block_index = self.doc.blocks.len();
        if let Some(idx) = link
            && let (Some(l), Some(b)) = (self.doc.links.get_mut(idx), self.link_text.get_mut(idx))
        {
            b.push_html(raw, start);
            l.text_range = Some(match l.text_range.take() {
                Some(r) => r.start..text_range.end,
                None => text_range,
            });
            l.block.get_or_insert(block_index);
            // The link's style is that of its first visible piece with words: a leading
            // `&nbsp;` styled by the link before a `<span>` with the real colour is not it.
            let blank = html_escape::decode_html_entities(trimmed)
                .chars()
                .all(char::is_whitespace);
            let rank = 1 + 2 * u8::from(style.hidden.is_none()) + u8::from(!blank);
            if let Some(held) = self.link_rank.get_mut(idx)
                && rank > *held
            {
                *held = rank;
                l.style = Some(style);
            }
        }
    }

    fn flush(&mut self) {
        let Some(block) = self.block.take() else {
            return;
        };
        let (text, map) = block.builder.finish();
        if text.is_empty() {
            return;
        }
        self.doc.blocks.push(TextBlock {
            text,
            map,
            range: block.range,
            style: block.style,
        });
    }

    fn take_link_texts(&mut self) {
        for (link, builder) in self.doc.links.iter_mut().zip(self.link_text.drain(..)) {
            link.text = builder.finish().0;
        }
    }
}

/// Separates the words of a link's text at a block boundary or `<br>` inside it
/// (`<a><p>… Outlook.</p><span>View</span></a>` reads "Outlook. View"); `at` is in source
/// coordinates.
fn break_link_text(link_text: &mut [TextBuilder], link: Option<usize>, at: usize) {
    if let Some(b) = link.and_then(|idx| link_text.get_mut(idx)) {
        b.break_word(at);
    }
}

/// Where attribute `name` is written inside a start tag's text: the whole attribute
/// (`name="value"`) and its value without quotes. `lang` does not match `xml:lang`.
/// `name` is lowercase; the tag's case does not matter.
fn find_attribute(tag: &str, name: &str) -> Option<(Range<usize>, Range<usize>)> {
    let mut from = 0;
    while let Some(found) = find_ignore_case(&tag[from..], name) {
        let at = from + found;
        from = at + name.len();
        let before_ok = tag[..at].ends_with(|c: char| c.is_ascii_whitespace());
        let rest = tag[from..].trim_start();
        if !before_ok || !rest.starts_with('=') {
            continue;
        }
        let value_start = tag.len() - rest[1..].trim_start().len();
        let quote = tag[value_start..].chars().next()?;
        let (value, end) = if quote == '"' || quote == '\'' {
            let close = tag[value_start + 1..].find(quote)? + value_start + 1;
            (value_start + 1..close, close + 1)
        } else {
            let end = tag[value_start..]
                .find(|c: char| c.is_ascii_whitespace() || c == '>')
                .map_or(tag.len(), |e| value_start + e);
            (value_start..end, end)
        };
        return Some((at..end, value));
    }
    None
}

/// Where lowercase ASCII `needle` first occurs in `hay`, ignoring ASCII case: what
/// `hay.to_ascii_lowercase().find(needle)` gives, without the copy.
fn find_ignore_case(hay: &str, needle: &str) -> Option<usize> {
    debug_assert!(!needle.bytes().any(|b| b.is_ascii_uppercase()));
    let (hay, needle) = (hay.as_bytes(), needle.as_bytes());
    let Some(&first) = needle.first() else {
        return Some(0);
    };
    let mut from = 0;
    while let Some(i) = memchr::memchr2(first, first.to_ascii_uppercase(), &hay[from..]) {
        let at = from + i;
        let candidate = hay.get(at..at + needle.len())?;
        if candidate.eq_ignore_ascii_case(needle) {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

/// The range of attribute `name`'s value inside a start tag's text.
fn attribute_value_range(tag: &str, name: &str) -> Option<Range<usize>> {
    find_attribute(tag, name).map(|(_, value)| value)
}

/// Finds where a style comes from inside one start tag, for labels that point at
/// `font-size:6px` rather than at the whole tag.
struct Locator<'a> {
    /// The start tag's text.
    tag: &'a str,
    /// The start tag's range in the source.
    range: Range<usize>,
    /// The `style` attribute (whole, value), looked up once for all its declarations.
    style: OnceCell<Option<(Range<usize>, Range<usize>)>>,
}

impl<'a> Locator<'a> {
    fn new(tag: &'a str, range: Range<usize>) -> Self {
        Self {
            tag,
            range,
            style: OnceCell::new(),
        }
    }

    /// The value of attribute `name` (without quotes).
    fn value(&self, name: &str) -> Option<Range<usize>> {
        find_attribute(self.tag, name).map(|(_, value)| self.absolute(value))
    }

    fn absolute(&self, r: Range<usize>) -> Range<usize> {
        self.range.start + r.start..self.range.start + r.end
    }

    /// The whole attribute, or the tag when it cannot be found.
    fn attribute(&self, name: &str) -> Range<usize> {
        find_attribute(self.tag, name)
            .map_or_else(|| self.range.clone(), |(whole, _)| self.absolute(whole))
    }

    /// The last declaration of `property` (lowercase) in the style attribute (the one that
    /// wins), or the style attribute, or the tag.
    fn declaration(&self, property: &str) -> Range<usize> {
        let Some((whole, value)) = self
            .style
            .get_or_init(|| find_attribute(self.tag, "style"))
            .clone()
        else {
            return self.range.clone();
        };
        let text = &self.tag[value.clone()];
        let mut found = None;
        let mut from = 0;
        while let Some(i) = find_ignore_case(&text[from..], property) {
            let at = from + i;
            from = at + property.len();
            let starts = text[..at].trim_end().is_empty() || text[..at].trim_end().ends_with(';');
            if !starts || !text[from..].trim_start().starts_with(':') {
                continue;
            }
            let end = text[at..].find(';').map_or(text.len(), |e| at + e);
            let end = at + text[at..end].trim_end().len();
            found = Some(value.start + at..value.start + end);
        }
        self.absolute(found.unwrap_or(whole))
    }
}

fn decode_attr(value: &str) -> String {
    html_escape::decode_html_entities(value).trim().to_owned()
}

/// Whether an element is a link: `<a>`, an ESP `<unsubscribe>` tag, MJML's `mj-button`, and
/// the template components that compile to `<a href>`: Foundation for Emails' Inky
/// (`<button href>`, `<menu><item href>`) and MJML's `mj-image`, `mj-social-element`,
/// `mj-navbar-link` and `mj-carousel-image` when they have an `href`.
fn opens_link(tag: &str, el: &Element) -> bool {
    match tag {
        "a" | "unsubscribe" | "mj-button" => true,
        "button" | "item" | "mj-image" | "mj-social-element" | "mj-navbar-link"
        | "mj-carousel-image" => el.has_attribute("href"),
        _ => false,
    }
}

/// Elements whose text is never shown in the message body.
fn is_skipped(tag: &str) -> bool {
    matches!(
        tag,
        "head"
            | "style"
            | "script"
            | "title"
            | "template"
            | "noscript"
            | "xml"
            | "svg"
            | "object"
            // MJML's head holds settings, not text (but its `mj-preview` is the preheader).
            | "mj-attributes"
            | "mj-style"
            | "mj-title"
            | "mj-font"
            | "mj-breakpoint"
            | "mj-html-attributes"
    ) || tag.contains(':')
}

/// Elements that start a new run of text (every MJML component is a block).
fn is_block(tag: &str) -> bool {
    tag.starts_with("mj-")
        || matches!(
            tag,
            "address"
                | "article"
                | "aside"
                | "blockquote"
                | "body"
                | "center"
                | "dd"
                | "div"
                | "dl"
                | "dt"
                | "figcaption"
                | "figure"
                | "footer"
                | "form"
                | "h1"
                | "h2"
                | "h3"
                | "h4"
                | "h5"
                | "h6"
                | "header"
                | "hr"
                | "li"
                | "main"
                | "nav"
                | "ol"
                | "p"
                | "pre"
                | "section"
                | "table"
                | "tbody"
                | "td"
                | "tfoot"
                | "th"
                | "thead"
                | "tr"
                | "ul"
                | "button"
        )
}

/// What of an element's own markup styles it.
#[derive(Default)]
struct Markup {
    /// (attribute name, the property it stands for, value).
    attributes: Vec<(&'static str, Property, String)>,
    /// The `style` attribute, entities decoded.
    inline: Option<String>,
    /// An `<a href>`: the client colours it.
    link: bool,
}

impl Markup {
    /// The presentational attributes that style an element's text, its inline style, and
    /// whether it is a link. MJML components style themselves with attributes, which MJML
    /// turns into the inline styles email clients see.
    fn of(el: &Element, tag: &str) -> Markup {
        let mut attributes = Vec::new();
        let mut take = |name: &'static str, property: Property| {
            if let Some(value) = el.get_attribute(name) {
                attributes.push((name, property, value));
            }
        };
        take("hidden", Property::HiddenAttribute);
        take("bgcolor", Property::BackgroundColor);
        take("background", Property::BackgroundAttribute);
        if tag == "font" {
            take("color", Property::Color);
            take("size", Property::FontTagSize);
        }
        if tag.starts_with("mj-") {
            take("color", Property::Color);
            take("font-size", Property::FontSize);
            take("container-background-color", Property::BackgroundColor);
            take("background-color", Property::BackgroundColor);
        }
        Markup {
            attributes,
            inline: el
                .get_attribute("style")
                .map(|s| html_escape::decode_html_entities(&s).into_owned()),
            link: tag == "a" && el.has_attribute("href"),
        }
    }
}

/// The font size the client's own style sheet gives an element (HTML's rendering rules).
fn client_font_size(tag: &str) -> Option<&'static str> {
    Some(match tag {
        "small" | "sub" | "sup" => "smaller",
        "big" => "larger",
        "h1" => "2em",
        "h2" => "1.5em",
        "h3" => "1.17em",
        "h5" => "0.83em",
        "h6" => "0.67em",
        _ => return None,
    })
}

/// The style of an element's content: its parent's style, then the declarations that win
/// the cascade for the element (`sheet` holds those of the `<style>` rules that match it;
/// the client's defaults, its presentational attributes and inline style are added here).
fn compute_style(
    parent: &TextStyle,
    tag: &str,
    markup: &Markup,
    loc: &Locator,
    sheet: Cascade<'_>,
) -> TextStyle {
    let mut style = parent.clone();
    // The client's own style sheet: a link is blue unless a rule for the link itself says
    // otherwise (the colour of its parent does not reach it).
    if markup.link {
        style.color = LINK_BLUE;
        style.color_from = Some(Setting {
            at: loc.range.clone(),
            by: SetBy::ClientDefault,
        });
    }
    if tag == "mj-button" {
        // MJML's defaults: white text on a dark grey button.
        style.color = Rgba::WHITE;
        style.color_from = Some(markup_at(loc.range.clone()));
        let grey = Rgba {
            r: 0x41,
            g: 0x41,
            b: 0x41,
            a: 1.0,
        };
        set_background(&mut style, grey, Some(markup_at(loc.range.clone())));
    }
    let declarations = markup
        .inline
        .as_deref()
        .map(css::declarations)
        .unwrap_or_default();
    let mut cascade = sheet;
    if let Some(size) = client_font_size(tag) {
        cascade.client(Property::FontSize, size);
    }
    for (name, property, value) in &markup.attributes {
        if is_valid(*property, value) {
            cascade.attribute(*property, value, name);
        }
    }
    for d in &declarations {
        if let Some(property) = Property::from_name(&d.property)
            && is_valid(property, &d.value)
        {
            cascade.inline(property, &d.property, &d.value, d.important);
        }
    }
    apply(&mut style, parent, &cascade, loc);
    style
}

/// Whether a declared value takes part in the cascade: one that CSS would drop as invalid
/// (an unknown colour) or that cannot be resolved here (`var()`) is left out, so the one
/// below it applies, as in a browser.
fn is_valid(property: Property, value: &str) -> bool {
    match property {
        Property::Color => css::parse_color(value).is_some() || is_inheriting(value),
        Property::BackgroundColor => css::parse_color(value).is_some(),
        Property::Opacity => css::opacity(value).is_some(),
        Property::FontSize => css::font_size_px(value, 16.0).is_some(),
        Property::Font => css::font_shorthand_size_px(value, 16.0).is_some(),
        Property::FontTagSize => css::font_tag_size_px(value).is_some(),
        Property::HiddenAttribute
        | Property::BackgroundAttribute
        | Property::Display
        | Property::Visibility
        | Property::Overflow
        | Property::Height
        | Property::MaxHeight
        | Property::Width
        | Property::MaxWidth
        | Property::Background
        | Property::BackgroundImage => true,
    }
}

/// `color: inherit` and its synonyms for an inherited property.
fn is_inheriting(value: &str) -> bool {
    ["inherit", "currentcolor", "unset"]
        .iter()
        .any(|k| value.eq_ignore_ascii_case(k))
}

fn markup_at(at: Range<usize>) -> Setting {
    Setting {
        at,
        by: SetBy::Markup,
    }
}

/// Applies the winners of the cascade to the style inherited from the parent.
fn apply(style: &mut TextStyle, parent: &TextStyle, cascade: &Cascade<'_>, loc: &Locator) {
    let setting = |c: &Candidate<'_>| match &c.from {
        Place::Client => Setting {
            at: loc.range.clone(),
            by: SetBy::ClientDefault,
        },
        Place::Attribute(name) => markup_at(loc.attribute(name)),
        Place::Inline(property) => markup_at(loc.declaration(property)),
        Place::Rule(at, selector) => Setting {
            at: at.clone(),
            by: SetBy::Rule(Arc::clone(selector)),
        },
    };
    let mut hide = |how: Hiding, c: &Candidate<'_>| {
        if style.hidden.is_none() {
            style.hidden = Some((how, setting(c)));
        }
    };
    if let Some(c) = cascade.winner(Slot::Display)
        && c.value.eq_ignore_ascii_case("none")
    {
        let how = if c.property == Property::HiddenAttribute {
            Hiding::HiddenAttribute
        } else {
            Hiding::DisplayNone
        };
        hide(how, c);
    }
    if let Some(c) = cascade.winner(Slot::Visibility)
        && (c.value.eq_ignore_ascii_case("hidden") || c.value.eq_ignore_ascii_case("collapse"))
    {
        hide(Hiding::VisibilityHidden, c);
    }
    if let Some(c) = cascade.winner(Slot::Opacity)
        && css::opacity(c.value).is_some_and(|o| o <= 0.05)
    {
        hide(Hiding::Opacity, c);
    }
    if cascade
        .winner(Slot::Overflow)
        .is_some_and(|c| c.value.eq_ignore_ascii_case("hidden"))
    {
        let zero = [Slot::MaxHeight, Slot::Height, Slot::MaxWidth, Slot::Width]
            .into_iter()
            .filter_map(|slot| cascade.winner(slot))
            .find(|c| css::length_px(c.value, parent.font_px) == Some(0.0));
        if let Some(c) = zero {
            hide(Hiding::Collapsed, c);
        }
    }
    if let Some(c) = cascade.winner(Slot::FontSize) {
        let px = match c.property {
            Property::Font => css::font_shorthand_size_px(c.value, parent.font_px),
            Property::FontTagSize => css::font_tag_size_px(c.value),
            _ => css::font_size_px(c.value, parent.font_px),
        };
        if let Some(px) = px {
            style.font_px = px;
            style.font_from = Some(setting(c));
        }
    }
    if let Some(c) = cascade.winner(Slot::Color) {
        if is_inheriting(c.value) {
            style.color = parent.color;
            style.color_from.clone_from(&parent.color_from);
        } else if let Some(color) = css::parse_color(c.value) {
            style.color = color;
            style.color_from = Some(setting(c));
        }
    }
    let background = cascade.winner(Slot::BackgroundColor).and_then(|c| {
        let color = if c.property == Property::Background {
            css::background_shorthand_color(c.value)
        } else {
            css::parse_color(c.value)
        };
        Some((color?, c))
    });
    if let Some((color, c)) = background {
        set_background(style, color, Some(setting(c)));
    } else if let Some(c) = cascade.winner(Slot::BackgroundImage)
        && (c.property == Property::BackgroundAttribute || c.value.contains("url("))
    {
        style.background = None;
        style.background_from = Some(setting(c));
    }
}

fn set_background(style: &mut TextStyle, color: Rgba, at: Option<Setting>) {
    if color.a <= 0.0 {
        return;
    }
    let backdrop = style.background.unwrap_or(Rgba::WHITE);
    style.background = Some(color.over(backdrop));
    style.background_from = at;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_links_and_styles() {
        let html = "<html lang=\"de\"><head><title>T</title><style>p{}</style></head><body bgcolor=\"#000\">\
            <div style=\"display:none\">Preheader &amp; more</div>\
            <table><tr><td><p>Hallo <b>Welt</b></p></td><td style=\"color:#fff;font-size:10pt\">Zweite <a href=\"https://x.example/u\" title=\"Abmelden\">hier</a></td></tr></table></body></html>";
        let doc = reduce(html, 0);
        let texts: Vec<&str> = doc.blocks.iter().map(|b| b.text.as_str()).collect();
        assert_eq!(texts, ["Preheader & more", "Hallo Welt", "Zweite hier"]);
        assert!(doc.blocks[0].style.hidden.is_some());
        assert_eq!(doc.blocks[1].style.background, Some(Rgba::BLACK));
        let (lang, at) = doc.lang.clone().unwrap();
        assert_eq!((lang.as_str(), &html[at]), ("de", "de"));
        let link = &doc.links[0];
        assert_eq!(link.text, "hier");
        assert_eq!(&html[link.range()], "hier");
        assert_eq!(link.title.as_deref(), Some("Abmelden"));
        let style = link.style.as_ref().unwrap();
        assert_eq!(style.color, LINK_BLUE);
        assert!((style.font_px - 13.333).abs() < 0.01);
        assert_eq!(link.block, Some(2));
    }

    #[test]
    fn outlook_conditionals_and_vml_do_not_break_it() {
        let html = "<!--[if mso]><v:roundrect><w:anchorlock/><center>Buy now</center></v:roundrect><![endif]-->\
            <!--[if !mso]><!--><a href=\"https://x.example\">Buy now</a><!--<![endif]--><p>After</p>";
        let doc = reduce(html, 0);
        let texts: Vec<&str> = doc.blocks.iter().map(|b| b.text.as_str()).collect();
        assert_eq!(texts, ["Buy now", "After"]);
        assert_eq!(doc.links.len(), 1);
    }

    #[test]
    fn mjml_components() {
        let mjml = "<mjml><mj-head><mj-title>T</mj-title><mj-preview>Preview text</mj-preview>\
            <mj-attributes><mj-all font-family=\"Arial\" /></mj-attributes></mj-head><mj-body>\
            <mj-section background-color=\"#000000\"><mj-column><mj-text color=\"#ffffff\">Hello</mj-text>\
            <mj-image src=\"a.png\" width=\"300px\" /><mj-button href=\"https://x.example/buy\">Buy</mj-button>\
            </mj-column></mj-section></mj-body></mjml>";
        let doc = reduce(mjml, 0);
        let texts: Vec<&str> = doc.blocks.iter().map(|b| b.text.as_str()).collect();
        assert_eq!(texts, ["Preview text", "Hello", "Buy"]);
        assert_eq!(doc.blocks[1].style.color, Rgba::WHITE);
        assert_eq!(doc.blocks[1].style.background, Some(Rgba::BLACK));
        assert_eq!(doc.links.len(), 1);
        assert_eq!(doc.links[0].href.as_deref(), Some("https://x.example/buy"));
        assert_eq!(doc.images.len(), 1);
        assert!(doc.images[0].alt.is_none());
    }

    /// Foundation for Emails' Inky source: `<button href>` and `<menu><item href>` compile
    /// to `<a href>`, so they are links, with exact spans.
    #[test]
    fn inky_components_are_links() {
        let inky = "<container><row><columns>\
            <button class=\"large expand\" href=\"https://www.nordlicht.de/passwort?t=7f3e&amp;l=de\">Passwort zur&uuml;cksetzen</button>\
            <button class=\"expand\">Kein Link</button>\
            <menu class=\"text-center\"><item href=\"https://www.nordlicht.de/impressum\">Impressum</item>\
            <item href='http://www.nordlicht.de/newsletter/abmelden?u=7f3e' class=\"footer\">Newsletter <b>abbestellen</b></item></menu>\
            </columns></row></container>";
        let doc = reduce(inky, 0);
        let links: Vec<(&str, &str, &str)> = doc
            .links
            .iter()
            .map(|l| {
                (
                    l.text.as_str(),
                    &inky[l.href_range.clone().expect("href range")],
                    &inky[l.range()],
                )
            })
            .collect();
        assert_eq!(
            links,
            [
                (
                    "Passwort zurücksetzen",
                    "https://www.nordlicht.de/passwort?t=7f3e&amp;l=de",
                    "Passwort zur&uuml;cksetzen"
                ),
                (
                    "Impressum",
                    "https://www.nordlicht.de/impressum",
                    "Impressum"
                ),
                (
                    "Newsletter abbestellen",
                    "http://www.nordlicht.de/newsletter/abmelden?u=7f3e",
                    "Newsletter <b>abbestellen"
                ),
            ]
        );
        assert_eq!(
            doc.links[0].href.as_deref(),
            Some("https://www.nordlicht.de/passwort?t=7f3e&l=de")
        );
        assert_eq!(doc.links[2].class.as_deref(), Some("footer"));
        assert!(doc.links[0].tag.start == inky.find("<button").unwrap_or_default());
    }

    /// MJML components with an `href` are links; a self-closing `<mj-image href … />` is a
    /// link around its image and takes none of the text after it.
    #[test]
    fn mjml_component_links() {
        let mjml = "<mjml><mj-body><mj-section><mj-column>\
            <mj-navbar><mj-navbar-link href=\"https://www.nordlicht.de/neu\">Neu</mj-navbar-link></mj-navbar>\
            <mj-image href=\"https://www.nordlicht.de/sale\" src=\"https://img.nordlicht.de/hero.jpg\" alt=\"Sommer-Sale\" />\
            <mj-text>Alles f&uuml;r den Sommer.</mj-text>\
            <mj-image src=\"https://img.nordlicht.de/deko.png\" alt=\"\" />\
            <mj-button href=\"https://www.nordlicht.de/kaufen\">Jetzt kaufen</mj-button>\
            <mj-social><mj-social-element name=\"facebook\" href=\"https://www.facebook.com/nordlicht\">Facebook</mj-social-element></mj-social>\
            <mj-carousel><mj-carousel-image src=\"https://img.nordlicht.de/1.jpg\" href=\"https://www.nordlicht.de/1\" alt=\"Eins\" /></mj-carousel>\
            </mj-column></mj-section></mj-body></mjml>";
        let doc = reduce(mjml, 0);
        let links: Vec<(&str, &str, &str)> = doc
            .links
            .iter()
            .map(|l| {
                (
                    l.href.as_deref().unwrap_or_default(),
                    l.text.as_str(),
                    l.image_alt.as_str(),
                )
            })
            .collect();
        assert_eq!(
            links,
            [
                ("https://www.nordlicht.de/neu", "Neu", ""),
                ("https://www.nordlicht.de/sale", "", "Sommer-Sale"),
                ("https://www.nordlicht.de/kaufen", "Jetzt kaufen", ""),
                ("https://www.facebook.com/nordlicht", "Facebook", ""),
                ("https://www.nordlicht.de/1", "", "Eins"),
            ]
        );
        for l in &doc.links {
            let href = l.href_range.clone().expect("href range");
            assert_eq!(Some(&mjml[href]), l.href.as_deref());
        }
        let image = &doc.links[1];
        assert_eq!(&mjml[image.range()], &mjml[image.tag.clone()]);
        assert!(mjml[image.tag.clone()].starts_with("<mj-image href="));
        assert_eq!(
            doc.images.iter().map(|i| i.in_link).collect::<Vec<_>>(),
            [true, false, true]
        );
    }

    /// The words of a link's text stay apart across blocks and line breaks inside it.
    #[test]
    fn link_text_keeps_block_boundaries() {
        let html = "<a class=\"docs-course-callout\" href=\"https://get.foundation/university\">\
            <span>Foundation Master Class</span><p>… every screen, even Outlook.</p><span class=\"button\">View Class</span></a>\
            <a href=\"https://x.example\">Zum<br>Shop</a>";
        let doc = reduce(html, 0);
        assert_eq!(
            doc.links[0].text,
            "Foundation Master Class … every screen, even Outlook. View Class"
        );
        assert_eq!(doc.links[1].text, "Zum Shop");
    }

    #[test]
    fn attribute_ranges() {
        let tag = "<html xmlns=\"x\" xml:lang='en' lang=fr>";
        let r = attribute_value_range(tag, "lang").unwrap();
        assert_eq!(&tag[r], "fr");
        assert!(attribute_value_range("<html xml:lang=\"en\">", "lang").is_none());
    }

    #[test]
    fn deep_nesting_and_garbage_do_not_panic() {
        let deep = "<div>".repeat(5000) + "text" + &"</div>".repeat(5000);
        assert_eq!(reduce_with(&deep, 0, 5000).blocks[0].text, "text");
        let stopped = reduce_with(&deep, 10, 4999);
        assert!(stopped.blocks.is_empty());
        let (why, at) = stopped.incomplete.expect("reading stopped");
        assert!(
            why.starts_with("elements nested more than 4999 deep"),
            "{why}"
        );
        assert_eq!(at, 10 + 4999 * "<div>".len());
        for junk in [
            "<",
            "<a href=",
            "&#xFFFFFFFF;",
            "<p style=\"color:\">x",
            "</td></tr>x<td",
        ] {
            let _ = reduce(junk, 0);
        }
    }
}
