//! The `<style>` blocks of an HTML part, and the cascade that puts them together with inline
//! styles and presentational attributes.
//!
//! Link colours in real campaigns come from the head (`.footer a { color:#bdbdbd }`), which
//! Gmail, Apple Mail and most clients apply; reading only inline styles sees the browser's
//! blue and calls a readable link hidden. This module owns the author style sheet:
//!
//! - [`StyleSheet::parse`] finds the `<style>` elements (a `lol_html` pass that looks at
//!   nothing else) and parses them with servo's `cssparser` and `selectors`. Both are
//!   already in the build through `lol_html`, read every selector CSS has (type, class, id,
//!   attribute, descendant, child and sibling combinators, `:not()`, `:nth-child()`) with
//!   its specificity, and give byte positions, so a label can point at the declaration in
//!   the file. Only rules a desktop client applies are kept (no `@media` query for small
//!   screens, dark mode or print), and of those only the declarations that decide whether
//!   text is seen.
//! - [`Tree`] is the element tree the HTML reducer builds as it walks the part (tag,
//!   attributes, parent, previous sibling): everything a selector can look at when an
//!   element starts. Selectors that need what comes later (`:last-child`, `:empty`,
//!   `:has()`) are left out rather than guessed.
//! - [`Cascade`] picks, per property, the declaration that wins: presentational attributes
//!   lose to the style sheet, which loses to the inline style; `!important` reverses the
//!   last two; then specificity, then source order.
//!
//! Matching is indexed by the rightmost id, class or tag of each selector and bounded by a
//! budget per part, so a hostile sheet (20,000 rules) costs a bounded amount of work; the
//! elements past the budget are marked, and callers say nothing about them.

use std::cell::RefCell;
use std::fmt;
use std::ops::Range;
use std::ptr::NonNull;
use std::rc::Rc;
use std::sync::Arc;

use cssparser::{
    AtRuleParser, BasicParseErrorKind, CowRcStr, DeclarationParser, ParseError, Parser,
    ParserInput, ParserState, QualifiedRuleParser, RuleBodyItemParser, RuleBodyParser,
    StyleSheetParser, ToCss,
};
use lol_html::{HtmlRewriter, Settings, element, end_tag};
use rustc_hash::FxHashMap;
use selectors::OpaqueElement;
use selectors::attr::{AttrSelectorOperation, CaseSensitivity, NamespaceConstraint};
use selectors::bloom::BloomFilter;
use selectors::context::{
    MatchingContext, MatchingForInvalidation, MatchingMode, NeedsSelectorFlags, QuirksMode,
    SelectorCaches,
};
use selectors::matching::{ElementSelectorFlags, matches_selector};
use selectors::parser::{
    AncestorHashes, Component, NonTSPseudoClass, ParseRelative, Selector, SelectorImpl,
    SelectorList, SelectorParseErrorKind,
};

use super::css;

/// The properties that decide whether text is seen, as written in a declaration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Property {
    Display,
    Visibility,
    Opacity,
    /// `overflow`, `overflow-x` or `overflow-y`.
    Overflow,
    Height,
    MaxHeight,
    Width,
    MaxWidth,
    Color,
    BackgroundColor,
    /// The `background` shorthand: sets the background colour and image.
    Background,
    BackgroundImage,
    FontSize,
    /// The `font` shorthand: sets the font size.
    Font,
    /// Presentational: `<font size="1">`.
    FontTagSize,
    /// Presentational: the `background` attribute (an image).
    BackgroundAttribute,
    /// Presentational: the `hidden` attribute.
    HiddenAttribute,
}

impl Property {
    /// The property a CSS declaration name stands for (lowercase or not); None for the
    /// ones visibility does not depend on.
    pub fn from_name(name: &str) -> Option<Property> {
        const NAMES: &[(&str, Property)] = &[
            ("display", Property::Display),
            ("visibility", Property::Visibility),
            ("opacity", Property::Opacity),
            ("overflow", Property::Overflow),
            ("overflow-x", Property::Overflow),
            ("overflow-y", Property::Overflow),
            ("height", Property::Height),
            ("max-height", Property::MaxHeight),
            ("width", Property::Width),
            ("max-width", Property::MaxWidth),
            ("color", Property::Color),
            ("background-color", Property::BackgroundColor),
            ("background", Property::Background),
            ("background-image", Property::BackgroundImage),
            ("font-size", Property::FontSize),
            ("font", Property::Font),
        ];
        NAMES
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|&(_, p)| p)
    }

    /// The computed values this property sets (the shorthand `background` sets two).
    fn slots(self) -> &'static [Slot] {
        match self {
            Property::Display | Property::HiddenAttribute => &[Slot::Display],
            Property::Visibility => &[Slot::Visibility],
            Property::Opacity => &[Slot::Opacity],
            Property::Overflow => &[Slot::Overflow],
            Property::Height => &[Slot::Height],
            Property::MaxHeight => &[Slot::MaxHeight],
            Property::Width => &[Slot::Width],
            Property::MaxWidth => &[Slot::MaxWidth],
            Property::Color => &[Slot::Color],
            Property::BackgroundColor => &[Slot::BackgroundColor],
            Property::Background => &[Slot::BackgroundColor, Slot::BackgroundImage],
            Property::BackgroundImage | Property::BackgroundAttribute => &[Slot::BackgroundImage],
            Property::FontSize | Property::Font | Property::FontTagSize => &[Slot::FontSize],
        }
    }
}

/// A computed value the cascade decides: one per longhand property that matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    Display,
    Visibility,
    Opacity,
    Overflow,
    Height,
    MaxHeight,
    Width,
    MaxWidth,
    Color,
    BackgroundColor,
    BackgroundImage,
    FontSize,
}

const SLOTS: usize = 12;

/// Where a declaration comes from, in the order of precedence (the later wins).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// The mail client's own style sheet (`<small>` is smaller).
    Client,
    /// A presentational attribute (`bgcolor`, `<font color>`) or an MJML attribute.
    Attribute,
    Sheet,
    Inline,
    SheetImportant,
    InlineImportant,
}

/// A declaration that competes in the cascade.
#[derive(Debug, Clone)]
pub struct Candidate<'a> {
    pub property: Property,
    pub value: &'a str,
    pub from: Place<'a>,
    level: Level,
    specificity: u32,
    order: u32,
}

/// Where a winning declaration is written.
#[derive(Debug, Clone)]
pub enum Place<'a> {
    /// The mail client's own style sheet.
    Client,
    /// A presentational attribute of the element, by name.
    Attribute(&'static str),
    /// The element's `style` attribute, by property name.
    Inline(&'a str),
    /// A `<style>` rule: the declaration's range (in source coordinates) and the selector.
    Rule(Range<usize>, Arc<str>),
}

/// The declarations competing for each computed value of one element.
#[derive(Debug, Default)]
pub struct Cascade<'a> {
    slots: [Option<Candidate<'a>>; SLOTS],
    next_order: u32,
}

impl<'a> Cascade<'a> {
    /// A declaration of the client's own style sheet for the element: loses to anything
    /// the campaign writes.
    pub fn client(&mut self, property: Property, value: &'a str) {
        let order = self.bump();
        self.offer(&Candidate {
            property,
            value,
            from: Place::Client,
            level: Level::Client,
            specificity: 0,
            order,
        });
    }

    /// A presentational attribute: loses to any CSS; among attributes the later one wins.
    pub fn attribute(&mut self, property: Property, value: &'a str, name: &'static str) {
        let order = self.bump();
        self.offer(&Candidate {
            property,
            value,
            from: Place::Attribute(name),
            level: Level::Attribute,
            specificity: 0,
            order,
        });
    }

    /// A declaration of the element's `style` attribute, in source order.
    pub fn inline(&mut self, property: Property, name: &'a str, value: &'a str, important: bool) {
        let order = self.bump();
        let level = if important {
            Level::InlineImportant
        } else {
            Level::Inline
        };
        self.offer(&Candidate {
            property,
            value,
            from: Place::Inline(name),
            level,
            specificity: 0,
            order,
        });
    }

    fn bump(&mut self) -> u32 {
        self.next_order = self.next_order.wrapping_add(1);
        self.next_order
    }

    fn offer(&mut self, candidate: &Candidate<'a>) {
        for &slot in candidate.property.slots() {
            let held = &mut self.slots[slot as usize];
            let beats = held.as_ref().is_none_or(|h| {
                (candidate.level, candidate.specificity, candidate.order)
                    >= (h.level, h.specificity, h.order)
            });
            if beats {
                *held = Some(candidate.clone());
            }
        }
    }

    /// The declaration that decides `slot`, if any.
    pub fn winner(&self, slot: Slot) -> Option<&Candidate<'a>> {
        self.slots[slot as usize].as_ref()
    }
}

/// The parsed `<style>` blocks of one HTML document.
#[derive(Default)]
pub struct StyleSheet {
    /// One entry per selector of each rule, in source order.
    selectors: Vec<Entry>,
    rules: Vec<Vec<SheetDeclaration>>,
    by_id: FxHashMap<Box<str>, Vec<u32>>,
    by_class: FxHashMap<Box<str>, Vec<u32>>,
    by_tag: FxHashMap<Box<str>, Vec<u32>>,
    /// Selectors whose rightmost compound names no id, class or tag (`*`, `[hidden]`).
    universal: Vec<u32>,
    matcher: RefCell<Matcher>,
}

/// The state of matching one document, element after element.
struct Matcher {
    /// Selector matches and declarations left to spend on this document.
    budget: u64,
    /// The tags, ids and classes of `chain`, so that most descendant selectors are
    /// rejected without walking up the tree (what browsers do).
    filter: Box<BloomFilter>,
    /// The elements whose hashes are in the filter: the ancestors of the last element
    /// matched, root first.
    chain: Vec<u32>,
}

impl Default for Matcher {
    fn default() -> Self {
        Self {
            budget: BUDGET,
            filter: Box::default(),
            chain: Vec::new(),
        }
    }
}

impl Matcher {
    /// Puts the ancestors of a node whose parent is `parent` in the filter: the chain is
    /// cut back to the nearest ancestor it holds and the rest added, so each element is
    /// added and removed once over a document.
    fn ancestors(&mut self, tree: &Tree, parent: Option<u32>) {
        let mut added = Vec::new();
        let mut at = parent;
        while let Some(n) = at {
            let Some(node) = tree.nodes.get(n as usize) else {
                break;
            };
            if self.chain.get(node.depth as usize) == Some(&n) {
                break;
            }
            added.push(n);
            at = node.parent;
        }
        let keep = at
            .and_then(|n| tree.nodes.get(n as usize))
            .map_or(0, |node| node.depth as usize + 1);
        while self.chain.len() > keep {
            if let Some(n) = self.chain.pop()
                && let Some(node) = tree.nodes.get(n as usize)
            {
                node.hashes(|h| self.filter.remove_hash(h));
            }
        }
        for &n in added.iter().rev() {
            if let Some(node) = tree.nodes.get(n as usize) {
                node.hashes(|h| self.filter.insert_hash(h));
            }
            self.chain.push(n);
        }
    }
}

impl fmt::Debug for StyleSheet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StyleSheet")
            .field("selectors", &self.selectors.len())
            .field("rules", &self.rules.len())
            .finish_non_exhaustive()
    }
}

struct Entry {
    selector: Selector<Simple>,
    hashes: AncestorHashes,
    specificity: u32,
    rule: u32,
    /// The selector as CSS writes it, for labels.
    text: Arc<str>,
}

/// A declaration of a rule, the winning one for its property in that rule.
#[derive(Debug, Clone)]
struct SheetDeclaration {
    property: Property,
    value: Box<str>,
    important: bool,
    /// `color: #bbb` in source coordinates, without the `;`.
    at: Range<usize>,
    /// Position in the whole sheet: later declarations win ties.
    order: u32,
}

/// How much matching a document may cost: about 500 candidate rules for each of 2,000
/// elements, far above real campaigns (a few dozen), and a few tens of milliseconds when a
/// hostile one spends it all.
const BUDGET: u64 = 1_000_000;

/// `@media` blocks nested deeper than this are skipped (each level is a recursion).
const MAX_MEDIA_NESTING: u8 = 8;

/// Selector preludes nested deeper than this (`:not(:not(…))`) are skipped: the selector
/// parser recurses.
const MAX_SELECTOR_NESTING: usize = 16;

/// A desktop client's viewport, for `min-width`/`max-width` media queries: wider than any
/// small-screen breakpoint (480–800px), narrower than `min-width` queries for large screens.
const DESKTOP_WIDTH_PX: f64 = 1024.0;
const DESKTOP_HEIGHT_PX: f64 = 768.0;

impl StyleSheet {
    /// The style sheet of `html` (found at byte `base` of its source): every `<style>`
    /// element whose `type` is CSS and whose `media` applies on a desktop screen, in
    /// document order. Cheap when there is none.
    pub fn parse(html: &str, base: usize) -> StyleSheet {
        let mut sheet = StyleSheet::default();
        if !contains_ignore_case(html.as_bytes(), b"<style") {
            return sheet;
        }
        let mut order = 0;
        for block in style_blocks(html) {
            if block.media.as_deref().is_some_and(|m| !media_applies(m)) {
                continue;
            }
            let Some(css) = html.get(block.content.clone()) else {
                continue;
            };
            let mut input = ParserInput::new(css);
            let mut parser = Parser::new(&mut input);
            let mut rules = RuleParser {
                sheet: &mut sheet,
                base: base + block.content.start,
                depth: 0,
                order: &mut order,
            };
            for _ in StyleSheetParser::new(&mut parser, &mut rules) {}
        }
        sheet
    }

    /// Whether there is no rule at all (then the tree need not be built).
    pub fn is_empty(&self) -> bool {
        self.selectors.is_empty()
    }

    /// Offers every declaration of the rules that match `node` to `cascade`. False when the
    /// budget ran out before all candidate rules were tried (the styles are then unknown).
    pub fn cascade<'s>(&'s self, tree: &Tree, node: u32, cascade: &mut Cascade<'s>) -> bool {
        let Some(el) = tree.nodes.get(node as usize) else {
            return true;
        };
        if self.matcher.borrow().budget == 0 {
            return false;
        }
        let mut candidates: Vec<u32> = Vec::new();
        if let Some(id) = &el.id {
            candidates.extend(self.by_id.get(id).into_iter().flatten());
        }
        for class in &el.classes {
            candidates.extend(self.by_class.get(class).into_iter().flatten());
        }
        candidates.extend(self.by_tag.get(&el.name).into_iter().flatten());
        candidates.extend(&self.universal);
        let mut matcher = self.matcher.borrow_mut();
        let matcher = &mut *matcher;
        matcher.ancestors(tree, el.parent);
        let mut caches = SelectorCaches::default();
        let mut context = MatchingContext::new(
            MatchingMode::Normal,
            Some(&matcher.filter),
            &mut caches,
            QuirksMode::NoQuirks,
            NeedsSelectorFlags::No,
            MatchingForInvalidation::No,
        );
        let element = NodeRef { tree, index: node };
        for index in candidates {
            let Some(entry) = self.selectors.get(index as usize) else {
                continue;
            };
            let declarations = self.rules.get(entry.rule as usize).map_or(&[][..], |d| d);
            let cost = 1 + declarations.len() as u64;
            if matcher.budget < cost {
                matcher.budget = 0;
                return false;
            }
            matcher.budget -= cost;
            if !matches_selector(
                &entry.selector,
                0,
                Some(&entry.hashes),
                &element,
                &mut context,
            ) {
                continue;
            }
            for d in declarations {
                cascade.offer(&Candidate {
                    property: d.property,
                    value: &d.value,
                    from: Place::Rule(d.at.clone(), Arc::clone(&entry.text)),
                    level: if d.important {
                        Level::SheetImportant
                    } else {
                        Level::Sheet
                    },
                    specificity: entry.specificity,
                    order: d.order,
                });
            }
        }
        true
    }

    fn add_rule(&mut self, selectors: &SelectorList<Simple>, declarations: Vec<SheetDeclaration>) {
        if declarations.is_empty() {
            return;
        }
        let rule = self.rules.len() as u32;
        self.rules.push(declarations);
        for selector in selectors.slice() {
            if looks_ahead(selector) {
                continue;
            }
            let index = self.selectors.len() as u32;
            match bucket(selector) {
                Bucket::Id(id) => self.by_id.entry(id).or_default().push(index),
                Bucket::Class(class) => self.by_class.entry(class).or_default().push(index),
                Bucket::Tag(tag) => self.by_tag.entry(tag).or_default().push(index),
                Bucket::Universal => self.universal.push(index),
            }
            self.selectors.push(Entry {
                selector: selector.clone(),
                hashes: AncestorHashes::new(selector, QuirksMode::NoQuirks),
                specificity: selector.specificity(),
                rule,
                text: selector.to_css_string().into(),
            });
        }
    }
}

/// A `<style>` element: the range of its text in the HTML and its `media` attribute.
struct StyleBlock {
    content: Range<usize>,
    media: Option<String>,
}

/// The `<style>` elements of `html` as the HTML parser sees them (not those inside
/// comments, such as Outlook's `<!--[if mso]>` blocks, which other clients never apply).
fn style_blocks(html: &str) -> Vec<StyleBlock> {
    let found: Rc<RefCell<Vec<StyleBlock>>> = Rc::default();
    let sink = Rc::clone(&found);
    let settings = Settings::new().append_element_content_handler(element!("style", move |el| {
        let is_css = el.get_attribute("type").is_none_or(|t| {
            let t = t.trim();
            t.is_empty() || t.eq_ignore_ascii_case("text/css")
        });
        if !is_css || !el.can_have_content() {
            return Ok(());
        }
        let media = el
            .get_attribute("media")
            .map(|m| html_escape::decode_html_entities(&m).into_owned());
        let start = el.source_location().bytes().end;
        let sink = Rc::clone(&sink);
        el.on_end_tag(end_tag!(move |end| {
            let content = start..end.source_location().bytes().start;
            sink.borrow_mut().push(StyleBlock {
                content,
                media: media.clone(),
            });
            Ok(())
        }))?;
        Ok(())
    }));
    let mut rewriter = HtmlRewriter::new(settings, |_: &[u8]| {});
    // A tokenizer error only cuts the list short: what was found before it still applies.
    if rewriter.write(html.as_bytes()).is_ok() {
        let _ = rewriter.end();
    }
    found.take()
}

fn contains_ignore_case(hay: &[u8], needle: &[u8]) -> bool {
    let Some(&first) = needle.first() else {
        return true;
    };
    let mut from = 0;
    while let Some(i) = memchr::memchr2(first, first.to_ascii_uppercase(), &hay[from..]) {
        let at = from + i;
        if hay
            .get(at..at + needle.len())
            .is_some_and(|c| c.eq_ignore_ascii_case(needle))
        {
            return true;
        }
        from = at + 1;
    }
    false
}

/// Parses the rules of one style block (or of an `@media` block inside it) into the sheet.
struct RuleParser<'s> {
    sheet: &'s mut StyleSheet,
    /// Where the block's text starts, in source coordinates.
    base: usize,
    depth: u8,
    /// Declarations numbered in source order across all blocks.
    order: &'s mut u32,
}

impl<'i> QualifiedRuleParser<'i> for RuleParser<'_> {
    type Prelude = SelectorList<Simple>;
    type QualifiedRule = ();
    type Error = SelectorParseErrorKind<'i>;

    fn parse_prelude<'t>(
        &mut self,
        input: &mut Parser<'i, 't>,
    ) -> Result<Self::Prelude, ParseError<'i, Self::Error>> {
        let start = input.state();
        while input.next().is_ok() {}
        if nesting(input.slice_from(start.position())) > MAX_SELECTOR_NESTING {
            return Err(input.new_error(BasicParseErrorKind::QualifiedRuleInvalid));
        }
        input.reset(&start);
        SelectorList::parse(&SelectorParser, input, ParseRelative::No)
    }

    fn parse_block<'t>(
        &mut self,
        prelude: Self::Prelude,
        _start: &ParserState,
        input: &mut Parser<'i, 't>,
    ) -> Result<(), ParseError<'i, Self::Error>> {
        let mut declarations = DeclarationList {
            base: self.base,
            order: self.order,
            found: Vec::new(),
        };
        for _ in RuleBodyParser::new(input, &mut declarations) {}
        let found = declarations.found;
        self.sheet.add_rule(&prelude, found);
        Ok(())
    }
}

impl<'i> AtRuleParser<'i> for RuleParser<'_> {
    /// Whether the rules inside apply on a desktop screen.
    type Prelude = bool;
    type AtRule = ();
    type Error = SelectorParseErrorKind<'i>;

    fn parse_prelude<'t>(
        &mut self,
        name: CowRcStr<'i>,
        input: &mut Parser<'i, 't>,
    ) -> Result<bool, ParseError<'i, Self::Error>> {
        // Other at-rules (@font-face, @import, @supports, @-moz-document, @layer) do not
        // style a desktop client's view for certain: their blocks are skipped.
        if !name.eq_ignore_ascii_case("media") {
            return Err(input.new_error(BasicParseErrorKind::AtRuleInvalid(name)));
        }
        let start = input.position();
        while input.next().is_ok() {}
        Ok(media_applies(input.slice_from(start)))
    }

    fn parse_block<'t>(
        &mut self,
        applies: bool,
        _start: &ParserState,
        input: &mut Parser<'i, 't>,
    ) -> Result<(), ParseError<'i, Self::Error>> {
        if applies && self.depth < MAX_MEDIA_NESTING {
            let mut nested = RuleParser {
                sheet: self.sheet,
                base: self.base,
                depth: self.depth + 1,
                order: self.order,
            };
            for _ in StyleSheetParser::new(input, &mut nested) {}
        }
        Ok(())
    }
}

/// The deepest nesting of parentheses and brackets in `s`.
fn nesting(s: &str) -> usize {
    let (mut depth, mut deepest) = (0usize, 0usize);
    for b in s.bytes() {
        match b {
            b'(' | b'[' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b')' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

/// Reads the declarations of one rule, keeping for each property only the one that wins
/// inside the rule (the last, or the last `!important`).
struct DeclarationList<'o> {
    base: usize,
    order: &'o mut u32,
    found: Vec<SheetDeclaration>,
}

impl<'i> DeclarationParser<'i> for DeclarationList<'_> {
    type Declaration = ();
    type Error = ();

    fn parse_value<'t>(
        &mut self,
        name: CowRcStr<'i>,
        input: &mut Parser<'i, 't>,
        start: &ParserState,
    ) -> Result<(), ParseError<'i, ()>> {
        let Some(property) = Property::from_name(&name) else {
            return Err(input.new_custom_error(()));
        };
        let value_start = input.position();
        while input.next().is_ok() {}
        let raw = input.slice_from(value_start);
        let raw = if raw.contains("/*") {
            std::borrow::Cow::Owned(without_comments(raw))
        } else {
            std::borrow::Cow::Borrowed(raw)
        };
        let (value, important) = css::split_important(&raw);
        if value.is_empty() {
            return Err(input.new_custom_error(()));
        }
        let whole = input.slice_from(start.position());
        let begin = self.base + start.position().byte_index();
        *self.order = self.order.saturating_add(1);
        let declaration = SheetDeclaration {
            property,
            value: value.into(),
            important,
            at: begin..begin + whole.trim_end().len(),
            order: *self.order,
        };
        match self.found.iter_mut().find(|d| d.property == property) {
            Some(held) if held.important && !important => {}
            Some(held) => *held = declaration,
            None => self.found.push(declaration),
        }
        Ok(())
    }
}

impl AtRuleParser<'_> for DeclarationList<'_> {
    type Prelude = ();
    type AtRule = ();
    type Error = ();
}

impl QualifiedRuleParser<'_> for DeclarationList<'_> {
    type Prelude = ();
    type QualifiedRule = ();
    type Error = ();
}

impl RuleBodyItemParser<'_, (), ()> for DeclarationList<'_> {
    fn parse_declarations(&self) -> bool {
        true
    }

    /// Nested rules (CSS nesting) are not read: email clients do not support them.
    fn parse_qualified(&self) -> bool {
        false
    }
}

/// `s` with each comment replaced by a space.
fn without_comments(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(open) = rest.find("/*") {
        out.push_str(&rest[..open]);
        out.push(' ');
        rest = rest[open + 2..]
            .find("*/")
            .map_or("", |close| &rest[open + 2 + close + 2..]);
    }
    out.push_str(rest);
    out
}

/// Whether a media query list (`screen and (max-width: 600px)`, `print, screen`) holds on
/// a desktop client: a screen about [`DESKTOP_WIDTH_PX`] wide in light mode. An empty list
/// holds; a query with a feature this does not know does not (its rules are left out).
pub fn media_applies(list: &str) -> bool {
    let list = without_comments(list).to_ascii_lowercase();
    if list.trim().is_empty() {
        return true;
    }
    split_top_level(&list, b',')
        .into_iter()
        .any(|query| query_applies(query.trim()))
}

fn query_applies(query: &str) -> bool {
    let (negated, rest) = match query.strip_prefix("not ") {
        Some(rest) => (true, rest.trim_start()),
        None => (
            false,
            query.strip_prefix("only ").unwrap_or(query).trim_start(),
        ),
    };
    let mut holds = true;
    for (i, term) in split_and(rest).into_iter().enumerate() {
        let term = term.trim();
        let ok = if let Some(feature) = term.strip_prefix('(').and_then(|t| t.strip_suffix(')')) {
            feature_holds(feature.trim())
        } else if i == 0 {
            matches!(term, "all" | "screen")
        } else {
            false
        };
        holds &= ok;
    }
    holds != negated
}

/// The terms of a query joined by `and` outside parentheses.
fn split_and(query: &str) -> Vec<&str> {
    let mut terms = Vec::new();
    let bytes = query.as_bytes();
    let (mut depth, mut start, mut i) = (0usize, 0usize, 0usize);
    while i < bytes.len() {
        match bytes[i] {
            b'(' => depth += 1,
            b')' => depth = depth.saturating_sub(1),
            b'a' if depth == 0
                && query[i..].starts_with("and")
                && (i == 0 || bytes[i - 1].is_ascii_whitespace() || bytes[i - 1] == b')')
                && bytes
                    .get(i + 3)
                    .is_none_or(|b| b.is_ascii_whitespace() || *b == b'(') =>
            {
                terms.push(&query[start..i]);
                start = i + 3;
                i += 3;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    terms.push(&query[start..]);
    terms.retain(|t| !t.trim().is_empty());
    terms
}

fn split_top_level(s: &str, at: u8) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0usize, 0usize);
    for (i, b) in s.bytes().enumerate() {
        match b {
            b'(' => depth += 1,
            b')' => depth = depth.saturating_sub(1),
            _ if b == at && depth == 0 => {
                parts.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&s[start..]);
    parts
}

/// One media feature (`max-width: 600px`, `prefers-color-scheme: dark`, `width >= 480px`)
/// on the desktop client; false when unknown.
fn feature_holds(feature: &str) -> bool {
    if let Some((name, value)) = feature.split_once(':') {
        let (name, value) = (name.trim(), value.trim());
        let (bound, dimension) = match name.strip_prefix("-webkit-") {
            Some(n) => split_bound(n),
            None => split_bound(name),
        };
        return match dimension {
            "width" | "device-width" => compare(bound, DESKTOP_WIDTH_PX, value),
            "height" | "device-height" => compare(bound, DESKTOP_HEIGHT_PX, value),
            "device-pixel-ratio" => match (bound, value.parse::<f64>()) {
                // `(-webkit-min-device-pixel-ratio: 0)` targets WebKit (Apple Mail), not
                // screens: it holds there.
                (Bound::Min, Ok(ratio)) => ratio <= 1.0,
                (Bound::Max, Ok(ratio)) => ratio >= 1.0,
                _ => false,
            },
            "prefers-color-scheme" => value == "light",
            "orientation" => value == "landscape",
            "color" => bound != Bound::Exact || value == "1",
            _ => false,
        };
    }
    // Range syntax of Media Queries 4: `width <= 600px`, `480px < width`.
    for op in ["<=", ">=", "<", ">"] {
        if let Some((left, right)) = feature.split_once(op) {
            let (left, right) = (left.trim(), right.trim());
            let (actual, limit, op) = match (left, right) {
                ("width", limit) => (DESKTOP_WIDTH_PX, limit, op),
                ("height", limit) => (DESKTOP_HEIGHT_PX, limit, op),
                (limit, "width") => (DESKTOP_WIDTH_PX, limit, flip(op)),
                (limit, "height") => (DESKTOP_HEIGHT_PX, limit, flip(op)),
                _ => return false,
            };
            let Some(limit) = media_length(limit) else {
                return false;
            };
            return match op {
                "<=" => actual <= limit,
                ">=" => actual >= limit,
                "<" => actual < limit,
                _ => actual > limit,
            };
        }
    }
    // A bare feature (`(color)`, `(hover)`): only `color` is known to hold.
    feature == "color"
}

fn flip(op: &str) -> &'static str {
    match op {
        "<=" => ">=",
        ">=" => "<=",
        "<" => ">",
        _ => "<",
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Bound {
    Min,
    Max,
    Exact,
}

fn split_bound(name: &str) -> (Bound, &str) {
    if let Some(n) = name.strip_prefix("min-") {
        (Bound::Min, n)
    } else if let Some(n) = name.strip_prefix("max-") {
        (Bound::Max, n)
    } else {
        (Bound::Exact, name)
    }
}

fn compare(bound: Bound, actual: f64, value: &str) -> bool {
    let Some(limit) = media_length(value) else {
        return false;
    };
    match bound {
        Bound::Min => actual >= limit,
        Bound::Max => actual <= limit,
        Bound::Exact => (actual - limit).abs() < 0.5,
    }
}

/// A length in a media query, in px (`em` and `rem` are 16px there).
fn media_length(value: &str) -> Option<f64> {
    let value = value.trim();
    if value == "0" {
        return Some(0.0);
    }
    let px = css::length_px(value, 16.0)?;
    Some(f64::from(px))
}

/// Whether a selector looks at what follows the element (later siblings, children), which
/// is not known when the element starts.
fn looks_ahead(selector: &Selector<Simple>) -> bool {
    selector.iter_raw_match_order().any(|c| match c {
        Component::Nth(nth) => nth.ty.is_from_end() || nth.ty.is_only(),
        Component::Negation(list) | Component::Is(list) | Component::Where(list) => {
            list.slice().iter().any(looks_ahead)
        }
        Component::Empty | Component::Has(_) | Component::NthOf(_) => true,
        _ => false,
    })
}

enum Bucket {
    Id(Box<str>),
    Class(Box<str>),
    Tag(Box<str>),
    Universal,
}

/// The key a selector is indexed by: an id, else a class, else a tag of its rightmost
/// compound. An element is tried only against the selectors under its own keys.
fn bucket(selector: &Selector<Simple>) -> Bucket {
    let (mut class, mut tag) = (None, None);
    for component in selector.iter() {
        match component {
            Component::ID(id) => return Bucket::Id(id.0.clone()),
            Component::Class(c) if class.is_none() => class = Some(c.0.clone()),
            Component::LocalName(name) if tag.is_none() => tag = Some(name.lower_name.0.clone()),
            _ => {}
        }
    }
    class
        .map(Bucket::Class)
        .or(tag.map(Bucket::Tag))
        .unwrap_or(Bucket::Universal)
}

/// The element tree of a document as far as it has been read: what selectors match on.
#[derive(Debug, Default)]
pub struct Tree {
    nodes: Vec<Node>,
}

#[derive(Debug)]
struct Node {
    /// Lowercase tag name.
    name: Box<str>,
    id: Option<Box<str>>,
    classes: Vec<Box<str>>,
    /// (lowercase name, decoded value).
    attributes: Vec<(Box<str>, Box<str>)>,
    parent: Option<u32>,
    previous: Option<u32>,
    /// How many ancestors it has.
    depth: u32,
}

impl Node {
    /// The bloom filter hashes of what a selector can name of an ancestor.
    fn hashes(&self, mut each: impl FnMut(u32)) {
        each(hash(&self.name));
        if let Some(id) = &self.id {
            each(hash(id));
        }
        for class in &self.classes {
            each(hash(class));
        }
    }
}

/// The hash selectors use for names in the bloom filter (FNV-1a).
fn hash(s: &str) -> u32 {
    s.bytes().fold(0x811c_9dc5_u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    })
}

impl Tree {
    /// Adds an element (its attributes as (name, decoded value)) under `parent`, after
    /// `previous`, and returns its index.
    pub fn push(
        &mut self,
        name: &str,
        attributes: Vec<(String, String)>,
        parent: Option<u32>,
        previous: Option<u32>,
    ) -> u32 {
        let attributes: Vec<(Box<str>, Box<str>)> = attributes
            .into_iter()
            .map(|(n, v)| (n.to_ascii_lowercase().into(), v.into()))
            .collect();
        let value = |key: &str| {
            attributes
                .iter()
                .find(|(n, _)| &**n == key)
                .map(|(_, v)| &**v)
        };
        let id = value("id").map(Box::from);
        let mut classes: Vec<Box<str>> = value("class")
            .map(|c| c.split_ascii_whitespace().map(Box::from).collect())
            .unwrap_or_default();
        classes.sort_unstable();
        classes.dedup();
        let depth = parent
            .and_then(|p| self.nodes.get(p as usize))
            .map_or(0, |p| p.depth + 1);
        self.nodes.push(Node {
            depth,
            name: name.to_ascii_lowercase().into(),
            id,
            classes,
            attributes,
            parent,
            previous,
        });
        (self.nodes.len() - 1) as u32
    }
}

/// An element of a [`Tree`], as `selectors` sees it.
#[derive(Clone, Copy)]
struct NodeRef<'t> {
    tree: &'t Tree,
    index: u32,
}

impl fmt::Debug for NodeRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "NodeRef({})", self.index)
    }
}

impl<'t> NodeRef<'t> {
    fn node(&self) -> Option<&'t Node> {
        self.tree.nodes.get(self.index as usize)
    }

    fn at(&self, index: Option<u32>) -> Option<Self> {
        index.map(|index| NodeRef {
            tree: self.tree,
            index,
        })
    }

    fn attribute(&self, name: &str) -> Option<&'t str> {
        self.node()?
            .attributes
            .iter()
            .find(|(n, _)| &**n == name)
            .map(|(_, v)| &**v)
    }
}

impl selectors::Element for NodeRef<'_> {
    type Impl = Simple;

    fn opaque(&self) -> OpaqueElement {
        // By index, not by address: the node vector grows while a document is read.
        let address = std::ptr::without_provenance_mut::<()>(self.index as usize + 1);
        OpaqueElement::from_non_null_ptr(NonNull::new(address).unwrap_or(NonNull::dangling()))
    }

    fn parent_element(&self) -> Option<Self> {
        self.at(self.node()?.parent)
    }

    fn parent_node_is_shadow_root(&self) -> bool {
        false
    }

    fn containing_shadow_host(&self) -> Option<Self> {
        None
    }

    fn is_pseudo_element(&self) -> bool {
        false
    }

    fn prev_sibling_element(&self) -> Option<Self> {
        self.at(self.node()?.previous)
    }

    fn next_sibling_element(&self) -> Option<Self> {
        None
    }

    fn first_element_child(&self) -> Option<Self> {
        None
    }

    fn is_html_element_in_html_document(&self) -> bool {
        true
    }

    fn has_local_name(&self, name: &CssString) -> bool {
        self.node().is_some_and(|n| *n.name == *name.0)
    }

    fn has_namespace(&self, namespace: &CssString) -> bool {
        namespace.0.is_empty()
    }

    fn is_same_type(&self, other: &Self) -> bool {
        match (self.node(), other.node()) {
            (Some(a), Some(b)) => a.name == b.name,
            _ => false,
        }
    }

    fn attr_matches(
        &self,
        namespace: &NamespaceConstraint<&CssString>,
        local_name: &CssString,
        operation: &AttrSelectorOperation<&CssString>,
    ) -> bool {
        if let NamespaceConstraint::Specific(ns) = namespace
            && !ns.0.is_empty()
        {
            return false;
        }
        self.node()
            .and_then(|n| {
                n.attributes
                    .iter()
                    .find(|(name, _)| name.eq_ignore_ascii_case(&local_name.0))
            })
            .is_some_and(|(_, value)| operation.eval_str(value))
    }

    fn match_non_ts_pseudo_class(
        &self,
        pseudo: &PseudoClass,
        _context: &mut MatchingContext<Simple>,
    ) -> bool {
        match pseudo {
            PseudoClass::Link => self.is_link(),
            PseudoClass::Never(_) => false,
        }
    }

    fn match_pseudo_element(
        &self,
        pseudo: &NoPseudoElement,
        _context: &mut MatchingContext<Simple>,
    ) -> bool {
        match *pseudo {}
    }

    fn apply_selector_flags(&self, _flags: ElementSelectorFlags) {}

    fn is_link(&self) -> bool {
        self.node()
            .is_some_and(|n| matches!(&*n.name, "a" | "area" | "link"))
            && self.attribute("href").is_some()
    }

    fn is_html_slot_element(&self) -> bool {
        false
    }

    fn has_id(&self, id: &CssString, case: CaseSensitivity) -> bool {
        self.node()
            .and_then(|n| n.id.as_deref())
            .is_some_and(|own| case.eq(own.as_bytes(), id.0.as_bytes()))
    }

    fn has_class(&self, name: &CssString, case: CaseSensitivity) -> bool {
        self.node().is_some_and(|n| {
            n.classes
                .iter()
                .any(|c| case.eq(c.as_bytes(), name.0.as_bytes()))
        })
    }

    fn has_custom_state(&self, _name: &CssString) -> bool {
        false
    }

    fn imported_part(&self, _name: &CssString) -> Option<CssString> {
        None
    }

    fn is_part(&self, _name: &CssString) -> bool {
        false
    }

    fn is_empty(&self) -> bool {
        false
    }

    fn is_root(&self) -> bool {
        self.node()
            .is_some_and(|n| n.parent.is_none() && &*n.name == "html")
    }

    fn add_element_unique_hashes(&self, _filter: &mut BloomFilter) -> bool {
        false
    }
}

/// The selector types of this module: plain strings, no namespaces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Simple;

/// An identifier, tag or attribute value in a selector.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CssString(Box<str>);

impl<'a> From<&'a str> for CssString {
    fn from(value: &'a str) -> Self {
        Self(value.into())
    }
}

impl AsRef<str> for CssString {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl ToCss for CssString {
    fn to_css<W: fmt::Write>(&self, dest: &mut W) -> fmt::Result {
        dest.write_str(&self.0)
    }
}

impl precomputed_hash::PrecomputedHash for CssString {
    fn precomputed_hash(&self) -> u32 {
        hash(&self.0)
    }
}

impl SelectorImpl for Simple {
    type ExtraMatchingData<'a> = ();
    type AttrValue = CssString;
    type Identifier = CssString;
    type LocalName = CssString;
    type NamespaceUrl = CssString;
    type NamespacePrefix = CssString;
    type BorrowedNamespaceUrl = CssString;
    type BorrowedLocalName = CssString;
    type NonTSPseudoClass = PseudoClass;
    type PseudoElement = NoPseudoElement;
}

/// The pseudo-classes a rule for a link in a mail can use. `:link` holds for a link (an
/// unsubscribe link has not been visited); the user-action and other states never hold
/// for a reader who just opened the mail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PseudoClass {
    Link,
    Never(Box<str>),
}

impl ToCss for PseudoClass {
    fn to_css<W: fmt::Write>(&self, dest: &mut W) -> fmt::Result {
        match self {
            PseudoClass::Link => dest.write_str(":link"),
            PseudoClass::Never(name) => write!(dest, ":{name}"),
        }
    }
}

impl NonTSPseudoClass for PseudoClass {
    type Impl = Simple;

    fn is_active_or_hover(&self) -> bool {
        matches!(self, PseudoClass::Never(n) if matches!(&**n, "active" | "hover"))
    }

    fn is_user_action_state(&self) -> bool {
        matches!(self, PseudoClass::Never(n) if matches!(&**n, "active" | "hover" | "focus"))
    }
}

/// Pseudo-elements (`::before`, `::selection`) style something other than the element:
/// selectors with one are not parsed, so their rules are left out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoPseudoElement {}

impl ToCss for NoPseudoElement {
    fn to_css<W: fmt::Write>(&self, _dest: &mut W) -> fmt::Result {
        match *self {}
    }
}

impl selectors::parser::PseudoElement for NoPseudoElement {
    type Impl = Simple;
}

struct SelectorParser;

impl<'i> selectors::parser::Parser<'i> for SelectorParser {
    type Impl = Simple;
    type Error = SelectorParseErrorKind<'i>;

    fn parse_non_ts_pseudo_class(
        &self,
        location: cssparser::SourceLocation,
        name: CowRcStr<'i>,
    ) -> Result<PseudoClass, ParseError<'i, Self::Error>> {
        let lower = name.to_ascii_lowercase();
        match lower.as_str() {
            "link" | "any-link" | "-webkit-any-link" => Ok(PseudoClass::Link),
            "visited" | "hover" | "active" | "focus" | "focus-visible" | "focus-within"
            | "target" | "checked" | "disabled" | "enabled" | "indeterminate" | "default"
            | "placeholder-shown" | "invalid" | "valid" | "required" | "optional" => {
                Ok(PseudoClass::Never(lower.into()))
            }
            _ => Err(location.new_custom_error(
                SelectorParseErrorKind::UnsupportedPseudoClassOrElement(name),
            )),
        }
    }

    fn allow_forgiving_selectors(&self) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use std::fmt::Write as _;

    use super::*;

    /// The sheet of `html` and a tree built from a path of elements (tag, attributes),
    /// each the child of the previous; the last one is matched.
    fn matched<'s>(
        sheet: &'s StyleSheet,
        tree: &mut Tree,
        path: &[(&str, &[(&str, &str)])],
    ) -> (Cascade<'s>, bool) {
        let mut parent = None;
        for (tag, attrs) in path {
            let attrs = attrs
                .iter()
                .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
                .collect();
            parent = Some(tree.push(tag, attrs, parent, None));
        }
        let mut cascade = Cascade::default();
        let complete = sheet.cascade(tree, parent.unwrap_or(0), &mut cascade);
        (cascade, complete)
    }

    fn color_of(html: &str, path: &[(&str, &[(&str, &str)])]) -> Option<String> {
        let sheet = StyleSheet::parse(html, 0);
        let mut tree = Tree::default();
        let (cascade, _) = matched(&sheet, &mut tree, path);
        cascade.winner(Slot::Color).map(|c| c.value.to_owned())
    }

    const FOOTER_LINK: &[(&str, &[(&str, &str)])] = &[
        ("html", &[]),
        ("body", &[]),
        ("td", &[("class", "footer"), ("id", "legal")]),
        ("a", &[("href", "https://x.example/u"), ("class", "unsub")]),
    ];

    #[test]
    fn specificity_then_source_order() {
        let css = |rules: &str| format!("<style>{rules}</style><p>x</p>");
        // Class beats type whatever the order; id beats class.
        assert_eq!(
            color_of(&css(".footer a{color:#111} a{color:#222}"), FOOTER_LINK).as_deref(),
            Some("#111")
        );
        assert_eq!(
            color_of(
                &css("#legal a{color:#333} .footer .unsub{color:#444}"),
                FOOTER_LINK
            )
            .as_deref(),
            Some("#333")
        );
        // Equal specificity: the later rule wins, across style blocks too.
        assert_eq!(
            color_of(
                "<style>a.unsub{color:#555}</style><style>.footer a{color:#666}</style>",
                FOOTER_LINK
            )
            .as_deref(),
            Some("#666")
        );
        // The later declaration wins inside a rule.
        assert_eq!(
            color_of(&css("a{color:#777;color:#888}"), FOOTER_LINK).as_deref(),
            Some("#888")
        );
    }

    #[test]
    fn important_beats_specificity() {
        let html = "<style>a{color:#aaa !important} #legal a.unsub{color:#bbb}</style>";
        assert_eq!(color_of(html, FOOTER_LINK).as_deref(), Some("#aaa"));
        // Inside one rule an earlier !important beats a later normal declaration.
        let html = "<style>a{color:#ccc!important;color:#ddd}</style>";
        assert_eq!(color_of(html, FOOTER_LINK).as_deref(), Some("#ccc"));
    }

    #[test]
    fn inline_and_attribute_levels() {
        let sheet = StyleSheet::parse("<style>a{color:#111} td{background:#222}</style>", 0);
        let mut tree = Tree::default();
        let (mut cascade, _) = matched(&sheet, &mut tree, FOOTER_LINK);
        // Inline beats the sheet.
        cascade.inline(Property::Color, "color", "#333", false);
        assert_eq!(cascade.winner(Slot::Color).map(|c| c.value), Some("#333"));
        // A presentational attribute loses to both.
        cascade.attribute(Property::Color, "#444", "color");
        assert_eq!(cascade.winner(Slot::Color).map(|c| c.value), Some("#333"));

        let sheet = StyleSheet::parse("<style>a{color:#111 !important}</style>", 0);
        let mut tree = Tree::default();
        let (mut cascade, _) = matched(&sheet, &mut tree, FOOTER_LINK);
        cascade.inline(Property::Color, "color", "#333", false);
        assert_eq!(cascade.winner(Slot::Color).map(|c| c.value), Some("#111"));
        cascade.inline(Property::Color, "color", "#555", true);
        assert_eq!(cascade.winner(Slot::Color).map(|c| c.value), Some("#555"));

        // A sheet rule beats bgcolor; the `background` shorthand sets the colour too.
        let sheet = StyleSheet::parse("<style>.footer{background:#000 url(x.png)}</style>", 0);
        let mut tree = Tree::default();
        let (mut cascade, _) = matched(&sheet, &mut tree, &FOOTER_LINK[..3]);
        cascade.attribute(Property::BackgroundColor, "#fff", "bgcolor");
        let won = cascade.winner(Slot::BackgroundColor).expect("a background");
        assert_eq!(won.value, "#000 url(x.png)");
        assert_eq!(won.property, Property::Background);
        assert!(cascade.winner(Slot::BackgroundImage).is_some());
    }

    #[test]
    fn combinators_and_attributes() {
        let html =
            "<style>td > a{color:#111} body a[href^=https]{color:#222} p + a{color:#333}</style>";
        // `body a[href^=https]` (0,1,2) beats `td > a` (0,0,2).
        assert_eq!(color_of(html, FOOTER_LINK).as_deref(), Some("#222"));
        let html = "<style>td > a{color:#111}</style>";
        assert_eq!(color_of(html, FOOTER_LINK).as_deref(), Some("#111"));
        // Child: a `span` between them breaks `td > a`.
        let deeper: &[(&str, &[(&str, &str)])] =
            &[("td", &[]), ("span", &[]), ("a", &[("href", "x")])];
        assert_eq!(color_of(html, deeper), None);
        // Previous sibling.
        let sheet = StyleSheet::parse("<style>p + a{color:#333} p ~ a{font-size:9px}</style>", 0);
        let mut tree = Tree::default();
        let td = tree.push("td", Vec::new(), None, None);
        let p = tree.push("p", Vec::new(), Some(td), None);
        let a = tree.push("a", Vec::new(), Some(td), Some(p));
        let mut cascade = Cascade::default();
        assert!(sheet.cascade(&tree, a, &mut cascade));
        assert_eq!(cascade.winner(Slot::Color).map(|c| c.value), Some("#333"));
        assert_eq!(cascade.winner(Slot::FontSize).map(|c| c.value), Some("9px"));
        // The sibling before the previous one is not `+`.
        let b = tree.push("a", Vec::new(), Some(td), Some(a));
        let mut cascade = Cascade::default();
        sheet.cascade(&tree, b, &mut cascade);
        assert_eq!(cascade.winner(Slot::Color).map(|c| c.value), None);
        assert_eq!(cascade.winner(Slot::FontSize).map(|c| c.value), Some("9px"));
    }

    #[test]
    fn pseudo_classes_and_elements() {
        // :link holds for a link; :hover and :visited do not; a pseudo-element rule is
        // not about the element; an unknown pseudo-class drops the rule.
        let html = "<style>a:link{color:#111} a:hover{color:#222} a:visited{color:#333}\
            a::after{color:#444} a:frobnicate{color:#555}</style>";
        assert_eq!(color_of(html, FOOTER_LINK).as_deref(), Some("#111"));
        // Selectors that need later siblings or children are left out.
        let html = "<style>a:last-child{color:#111} a:only-child{color:#222} \
            td:empty a{color:#333} a:not(:last-child){color:#444} a:first-child{color:#555}</style>";
        assert_eq!(color_of(html, FOOTER_LINK).as_deref(), Some("#555"));
        // One bad selector drops the whole list, as in browsers.
        let html = "<style>a, a:frobnicate{color:#111}</style>";
        assert_eq!(color_of(html, FOOTER_LINK), None);
    }

    #[test]
    fn media_queries() {
        for (query, applies) in [
            ("", true),
            ("all", true),
            ("screen", true),
            ("only screen", true),
            ("print", false),
            ("not print", true),
            ("screen, print", true),
            ("only screen and (max-width: 600px)", false),
            ("only screen and (max-device-width: 480px)", false),
            ("screen and (max-width:2000px)", true),
            ("only screen and (min-width: 480px)", true),
            ("(min-width: 1400px)", false),
            ("(prefers-color-scheme: dark)", false),
            ("(prefers-color-scheme: light)", true),
            ("screen and (-webkit-min-device-pixel-ratio: 0)", true),
            ("screen and (-webkit-min-device-pixel-ratio: 2)", false),
            ("(width <= 600px)", false),
            ("(480px < width)", true),
            ("(hover: hover)", false),
            ("not screen and (max-width: 600px)", true),
            ("SCREEN AND (MAX-WIDTH: 37.5EM)", false),
            ("screen and (max-width: 80em)", true),
            ("(max-width: 600px), print", false),
            ("garbage((", false),
        ] {
            assert_eq!(media_applies(query), applies, "{query}");
        }
        let html = "<style>a{color:#111} @media only screen and (max-width:600px){a{color:#222!important}}\
            @media screen{.footer a{color:#333}} @media (prefers-color-scheme:dark){a{color:#444!important}}</style>";
        assert_eq!(color_of(html, FOOTER_LINK).as_deref(), Some("#333"));
        // The media attribute of the style element.
        let html = "<style>a{color:#111}</style><style media=\"only screen and (max-width: 480px)\">a{color:#222}</style>";
        assert_eq!(color_of(html, FOOTER_LINK).as_deref(), Some("#111"));
        // Other at-rules and non-CSS style elements are skipped.
        let html = "<style type=\"text/less\">a{color:#222}</style><style>@supports (color:red){a{color:#333}} \
            @font-face{font-family:x;color:#444} a{color:#111}</style>";
        assert_eq!(color_of(html, FOOTER_LINK).as_deref(), Some("#111"));
        // Styles inside an Outlook conditional comment are not applied.
        let html =
            "<!--[if mso]><style>a{color:#222}</style><![endif]--><style>a{color:#111}</style>";
        assert_eq!(color_of(html, FOOTER_LINK).as_deref(), Some("#111"));
    }

    #[test]
    fn declaration_positions_are_exact() {
        let html = "<p>x</p><style>\n  .footer a {\n    COLOR : #bbbbbb /* grey */ ;\n    font-size: 10px !important\n  }\n</style>";
        let base = 1_000;
        let sheet = StyleSheet::parse(html, base);
        let mut tree = Tree::default();
        let (cascade, _) = matched(&sheet, &mut tree, FOOTER_LINK);
        let color = cascade.winner(Slot::Color).expect("matched");
        assert_eq!(color.value, "#bbbbbb");
        let Place::Rule(at, selector) = &color.from else {
            panic!("from a rule: {:?}", color.from);
        };
        assert_eq!(
            &html[at.start - base..at.end - base],
            "COLOR : #bbbbbb /* grey */"
        );
        assert_eq!(&**selector, ".footer a");
        let size = cascade.winner(Slot::FontSize).expect("matched");
        let Place::Rule(at, _) = &size.from else {
            panic!("from a rule");
        };
        assert_eq!(
            &html[at.start - base..at.end - base],
            "font-size: 10px !important"
        );
    }

    #[test]
    fn invalid_css_never_panics() {
        const PIECES: &[&str] = &[
            "a",
            ".x",
            "#y",
            "{",
            "}",
            ";",
            ":",
            "color",
            "#fff",
            "!important",
            "@media",
            "screen",
            "(",
            ")",
            "[",
            "]",
            "=",
            "\"",
            "'",
            "\\",
            "/*",
            "*/",
            ",",
            ">",
            "+",
            "~",
            ":not(",
            ":nth-child(",
            "2n+1",
            "::",
            "*",
            " ",
            "\n",
            "é",
            "\u{0}",
            "@import",
            "url(",
            "<!--",
            "-->",
            "</style>",
            "<style>",
            "&amp;",
        ];
        let mut next = crate::testing::numbers(0x2545_f491_4f6c_dd1d);
        for _ in 0..3_000 {
            let css = crate::testing::mix(&mut next, PIECES, 24);
            let html = format!("<style>{css}</style><td class=x id=y><a href=z>u</a></td>");
            let sheet = StyleSheet::parse(&html, 0);
            let mut tree = Tree::default();
            let td = tree.push("td", vec![("class".into(), "x".into())], None, None);
            let a = tree.push("a", vec![("href".into(), "z".into())], Some(td), None);
            let mut cascade = Cascade::default();
            sheet.cascade(&tree, a, &mut cascade);
            if let Some(c) = cascade.winner(Slot::Color)
                && let Place::Rule(at, _) = &c.from
            {
                assert!(html.get(at.clone()).is_some(), "{css:?}");
            }
        }
        // Deep nesting is skipped, not recursed into.
        let deep = format!(
            "<style>{}a{{color:red}}</style>",
            "@media screen{".repeat(50_000)
        );
        let _ = StyleSheet::parse(&deep, 0);
        let deep = format!("<style>a{}{{color:red}}</style>", ":not(".repeat(50_000));
        assert!(StyleSheet::parse(&deep, 0).is_empty());
    }

    /// 20,000 rules that all could match: the work stops at the budget, and the element
    /// is reported as not fully styled.
    #[test]
    fn a_hostile_sheet_costs_a_bounded_amount() {
        let rules = (0..20_000).fold(String::new(), |mut rules, i| {
            let _ = write!(rules, "x{i} a{{color:#111}}");
            rules
        });
        let html = format!("<style>{rules}</style>");
        let sheet = StyleSheet::parse(&html, 0);
        assert_eq!(sheet.selectors.len(), 20_000);
        let mut tree = Tree::default();
        let mut parent = None;
        for _ in 0..40 {
            parent = Some(tree.push("div", Vec::new(), parent, None));
        }
        let mut complete = 0;
        for _ in 0..200 {
            let a = tree.push("a", Vec::new(), parent, None);
            let mut cascade = Cascade::default();
            if sheet.cascade(&tree, a, &mut cascade) {
                complete += 1;
            }
        }
        // Each try costs 2 (a selector and its one declaration): 25 elements fit.
        assert_eq!(complete, 25);
        assert_eq!(sheet.matcher.borrow().budget, 0);
    }
}
