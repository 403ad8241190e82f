//! Inline CSS values as email HTML writes them: colours, font sizes, lengths, opacity, the
//! declarations of a `style` attribute. (WCAG contrast, a judgement on these colours, is
//! `facts/contrast.rs`.)
//!
//! This module owns the value-level reading that visibility decisions need (is the
//! unsubscribe link hidden, tiny, or coloured like its background?) and nothing more: no
//! selectors, no cascade, no layout. Campaign HTML is hand-written or tool-generated and
//! full of legacy forms (`bgcolor="ffffff"`, `<font size="1">`) and sloppy inline styles,
//! so every reader here is as lenient as browsers are, answers `None` when a value cannot
//! be resolved without layout or context (so callers keep what they inherited), and never
//! panics on input. It stays dependency-free: the values are small and the grammar is
//! narrow, so a byte scanner is simpler and faster than a general CSS parser.

use std::borrow::Cow;

/// An sRGB colour with alpha, as CSS describes colours on screen.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rgba {
    /// Red, 0..=255.
    pub r: u8,
    /// Green, 0..=255.
    pub g: u8,
    /// Blue, 0..=255.
    pub b: u8,
    /// Alpha, 0.0 (transparent) ..= 1.0 (opaque).
    pub a: f32,
}

impl Rgba {
    /// Opaque black.
    pub const BLACK: Rgba = Rgba {
        r: 0,
        g: 0,
        b: 0,
        a: 1.0,
    };
    /// Opaque white.
    pub const WHITE: Rgba = Rgba {
        r: 255,
        g: 255,
        b: 255,
        a: 1.0,
    };

    /// Composite self over an opaque backdrop (result alpha 1).
    ///
    /// The backdrop's own alpha is ignored. `self.a` is clamped to 0..=1; a NaN alpha
    /// counts as opaque.
    #[must_use]
    pub fn over(self, backdrop: Rgba) -> Rgba {
        let a = unit_alpha(self.a);
        let mix = |f: u8, b: u8| to_channel(f64::from(f) * a + f64::from(b) * (1.0 - a));
        Rgba {
            r: mix(self.r, backdrop.r),
            g: mix(self.g, backdrop.g),
            b: mix(self.b, backdrop.b),
            a: 1.0,
        }
    }

    /// Formats as #rrggbb (alpha ignored), for messages.
    pub fn hex(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.r, self.g, self.b)
    }
}

/// Fully transparent black, what the `transparent` keyword means.
const TRANSPARENT: Rgba = Rgba {
    r: 0,
    g: 0,
    b: 0,
    a: 0.0,
};

/// Parses a CSS or HTML-attribute colour value; None when unparseable (including
/// `inherit`, `currentColor`, `initial`, var(...)).
///
/// Accepts `#rgb`, `#rgba`, `#rrggbb`, `#rrggbbaa`; `rgb()`/`rgba()` and `hsl()`/`hsla()`
/// in both the comma form and the space form with `/ alpha` (numbers or percentages,
/// clamped to range); `hwb()`; the 148 named colours and `transparent`, all
/// case-insensitively; and a trailing `!important`. Hex without `#` (three or six digits,
/// as in `bgcolor="ffffff"`) is read as if the `#` were there, the way quirks-mode CSS reads
/// it. Unclosed functions at the end of the value (`rgb(0,0,0`) are closed, as CSS does.
/// System colours and `lab()`/`lch()`/`oklab()`/`oklch()`/`color()` give None.
pub fn parse_color(value: &str) -> Option<Rgba> {
    parse_color_with(value, true)
}

/// [`parse_color`], with hash-less hex allowed or not (not inside a `background`
/// shorthand, where a bare word is far more likely an image keyword than a colour).
fn parse_color_with(value: &str, hashless_hex: bool) -> Option<Rgba> {
    let v = split_important(value).0;
    if let Some(hex) = v.strip_prefix('#') {
        return parse_hex(hex);
    }
    if v.eq_ignore_ascii_case("transparent") {
        return Some(TRANSPARENT);
    }
    if let Some(&(_, rgb)) = NAMED.iter().find(|(name, _)| name.eq_ignore_ascii_case(v)) {
        return Some(from_u24(rgb));
    }
    if let Some((name, args)) = function(v) {
        return if name.eq_ignore_ascii_case("rgb") || name.eq_ignore_ascii_case("rgba") {
            parse_rgb(args)
        } else if name.eq_ignore_ascii_case("hsl") || name.eq_ignore_ascii_case("hsla") {
            parse_hsl(args)
        } else if name.eq_ignore_ascii_case("hwb") {
            parse_hwb(args)
        } else {
            None
        };
    }
    if hashless_hex && matches!(v.len(), 3 | 6) {
        return parse_hex(v);
    }
    None
}

/// The colour inside a `background` shorthand value (e.g. `#000 url(x.png) no-repeat`,
/// `url(a.png) rgb(1,2,3)`), if any.
///
/// Looks at every top-level token (url(...) and gradients are single tokens and never
/// colours) and returns the last one that is a colour, since CSS allows the colour only in
/// the final layer. `transparent` is a colour (alpha 0); `none`, `inherit` and colours only
/// inside a gradient give None.
pub fn background_shorthand_color(value: &str) -> Option<Rgba> {
    tokens(split_important(value).0)
        .into_iter()
        .rev()
        .find_map(|token| parse_color_with(token, false))
}

/// One declaration of an inline style attribute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Declaration<'a> {
    /// Lowercased and trimmed.
    pub property: Cow<'a, str>,
    /// Trimmed, without `!important`.
    pub value: Cow<'a, str>,
    pub important: bool,
}

/// The declarations of an inline style attribute, in source order. Skips malformed pieces
/// and comments; never panics.
///
/// Semicolons inside parentheses or quotes do not split (`url(data:image/png;base64,...)`),
/// a comment counts as a space, and a piece without `:`, with an empty value, or whose
/// property is not a CSS identifier (`font size`, `*zoom`) is skipped. Which declaration
/// wins (the last one, unless an earlier one is `!important`) is the cascade's business.
/// HTML entities must be decoded by the caller first.
pub fn declarations(style: &str) -> Vec<Declaration<'_>> {
    // Most inline styles have no comment: their pieces are slices of `style` itself, found
    // by one byte scan, and nothing is copied. Only a comment needs the cleaned copy.
    if !style.contains("/*") {
        return select(split_plain(style));
    }
    let (clean, ends) = clean_pieces(style);
    let mut start = 0;
    let pieces = ends.into_iter().map(|end| {
        let piece = clean.get(start..end).unwrap_or("");
        start = end;
        piece
    });
    select(pieces)
        .into_iter()
        .map(|d| Declaration {
            property: Cow::Owned(d.property.into_owned()),
            value: Cow::Owned(d.value.into_owned()),
            important: d.important,
        })
        .collect()
}

/// The pieces of a style without comments: the text between semicolons outside
/// parentheses and quotes, by the rules of [`clean_pieces`]. Every delimiter is ASCII, so
/// bytes stand for chars (a byte after a backslash may start a multi-byte char; the rest
/// of that char is never a delimiter).
fn split_plain(style: &str) -> Vec<&str> {
    let bytes = style.as_bytes();
    let mut pieces = Vec::new();
    let (mut start, mut i, mut depth) = (0, 0, 0usize);
    let mut quote: Option<u8> = None;
    while i < bytes.len() {
        let c = bytes[i];
        i += 1;
        if let Some(q) = quote {
            if c == b'\\' {
                i += 1;
            } else if c == q {
                quote = None;
            }
            continue;
        }
        match c {
            b'\\' => i += 1,
            b'"' | b'\'' => quote = Some(c),
            b'(' => depth += 1,
            b')' => depth = depth.saturating_sub(1),
            b';' if depth == 0 => {
                pieces.push(&style[start..i - 1]);
                start = i;
            }
            _ => {}
        }
    }
    pieces.push(&style[start..]);
    pieces
}

/// A copy of `style` with each comment turned into a space and the splitting semicolons
/// left out, and the end of every piece in it.
fn clean_pieces(style: &str) -> (String, Vec<usize>) {
    let mut clean = String::with_capacity(style.len());
    let mut ends = Vec::new();
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    let mut chars = style.chars().peekable();
    while let Some(c) = chars.next() {
        if let Some(q) = quote {
            clean.push(c);
            if c == '\\' {
                if let Some(escaped) = chars.next() {
                    clean.push(escaped);
                }
            } else if c == q {
                quote = None;
            }
            continue;
        }
        match c {
            '/' if chars.peek() == Some(&'*') => {
                chars.next();
                let mut star = false;
                for n in chars.by_ref() {
                    if star && n == '/' {
                        break;
                    }
                    star = n == '*';
                }
                clean.push(' ');
            }
            '\\' => {
                clean.push(c);
                if let Some(escaped) = chars.next() {
                    clean.push(escaped);
                }
            }
            '"' | '\'' => {
                quote = Some(c);
                clean.push(c);
            }
            '(' => {
                depth += 1;
                clean.push(c);
            }
            ')' => {
                depth = depth.saturating_sub(1);
                clean.push(c);
            }
            ';' if depth == 0 => ends.push(clean.len()),
            _ => clean.push(c),
        }
    }
    ends.push(clean.len());
    (clean, ends)
}

/// The declarations among a style's pieces, as [`declarations`] describes them.
fn select<'a>(pieces: impl IntoIterator<Item = &'a str>) -> Vec<Declaration<'a>> {
    let mut out = Vec::new();
    for piece in pieces {
        let Some((property, value)) = piece.split_once(':') else {
            continue;
        };
        let property = property.trim();
        if !is_property_name(property) {
            continue;
        }
        let (value, important) = split_important(value);
        if value.is_empty() {
            continue;
        }
        let property = if property.bytes().any(|b| b.is_ascii_uppercase()) {
            Cow::Owned(property.to_ascii_lowercase())
        } else {
            Cow::Borrowed(property)
        };
        out.push(Declaration {
            property,
            value: Cow::Borrowed(value),
            important,
        });
    }
    out
}

/// A CSS font-size value in px, given the parent's computed size in px (root 16px); None
/// when unparseable.
///
/// Knows the absolute keywords (`xx-small` 9px ... `xxx-large` 48px, `medium` 16px),
/// `smaller`/`larger` (÷/× 1.2), `initial` (16px), absolute units (`px`, `pt`, `pc`, `in`,
/// `cm`, `mm`, `q`), `em`/`%`/`ex`/`ch` relative to the parent and `rem` relative to 16px.
/// A unitless number is px, as quirks-mode CSS (most campaign HTML) reads it. Negative
/// sizes (invalid in CSS, so ignored by browsers), non-finite results, viewport units,
/// `calc()`, and `inherit`/`unset`/`revert` give None: for font-size those mean "keep the
/// parent's size", which is what a caller does with None. A `parent_px` that is negative or
/// not finite is taken as 16.
pub fn font_size_px(value: &str, parent_px: f32) -> Option<f32> {
    const KEYWORDS: &[(&str, f64)] = &[
        ("xx-small", 9.0),
        ("x-small", 10.0),
        ("small", 13.0),
        ("medium", 16.0),
        ("large", 18.0),
        ("x-large", 24.0),
        ("xx-large", 32.0),
        ("xxx-large", 48.0),
        ("initial", 16.0),
    ];
    let parent = sane_px(parent_px);
    let v = split_important(value).0;
    let px = if let Some(&(_, px)) = KEYWORDS.iter().find(|(k, _)| k.eq_ignore_ascii_case(v)) {
        px
    } else if v.eq_ignore_ascii_case("smaller") {
        parent / 1.2
    } else if v.eq_ignore_ascii_case("larger") {
        parent * 1.2
    } else {
        let (n, unit) = number(v)?;
        if n < 0.0 {
            return None;
        }
        match unit {
            "" => n,
            "%" => n * parent / 100.0,
            _ => n * unit_px(unit, parent)?,
        }
    };
    finite_px(px)
}

/// The font size set by a `font` shorthand value (`bold 10px/1.4 Arial, sans-serif`), in
/// px given the parent's size; None when it has none that can be read (`inherit`, system
/// fonts such as `caption`, `var()`).
///
/// The size is the first token (before any `/line-height`) that is a font size with a unit,
/// a percentage or a keyword: a unitless number there is a weight (`700`), not a size.
/// Reading stops at the family (a quoted name or a comma).
pub fn font_shorthand_size_px(value: &str, parent_px: f32) -> Option<f32> {
    for token in split_important(value).0.split_ascii_whitespace() {
        if token.starts_with(['"', '\'']) || token.contains(',') {
            return None;
        }
        let size = token.split('/').next().unwrap_or("");
        let unitless = number(size).is_some_and(|(n, unit)| unit.is_empty() && n != 0.0);
        if size.is_empty() || unitless {
            continue;
        }
        if let Some(px) = font_size_px(size, parent_px) {
            return Some(px);
        }
    }
    None
}

/// The px size of a legacy `<font size>` attribute (1=10px,2=13px,3=16px,4=18px,5=24px,
/// 6=32px,7=48px; "+1"/"-1" relative to 3).
///
/// Follows HTML's legacy font size rules: leading whitespace is skipped, digits after an
/// optional sign are read and anything after them ignored (`"2px"` is 2), and the result is
/// clamped to 1..=7 (`"0"` and `"-5"` are 1, `"9"` is 7). None when there are no digits.
pub fn font_tag_size_px(value: &str) -> Option<f32> {
    const PX: [f32; 7] = [10.0, 13.0, 16.0, 18.0, 24.0, 32.0, 48.0];
    let v = value.trim_start_matches(|c: char| c.is_ascii_whitespace());
    let (sign, digits) = match v.as_bytes().first() {
        Some(b'+') => (1, v.get(1..)?),
        Some(b'-') => (-1, v.get(1..)?),
        _ => (0, v),
    };
    let count = digits.bytes().take_while(u8::is_ascii_digit).count();
    if count == 0 {
        return None;
    }
    let n = digits
        .bytes()
        .take(count)
        .fold(0i64, |n, d| (n * 10 + i64::from(d - b'0')).min(1_000));
    let size = match sign {
        1 => 3 + n,
        -1 => 3 - n,
        _ => n,
    }
    .clamp(1, 7);
    PX.get(usize::try_from(size - 1).ok()?).copied()
}

/// A CSS length in px for properties like max-height/height/width/line-height (`0`, `0px`,
/// `1px`, `0em`, `0%`); None when not a length (e.g. `auto`).
///
/// `em`/`ex`/`ch` are relative to `font_px`, `rem` to 16px. Negative lengths are returned
/// as they are (`text-indent:-9999px` hides text). A percentage is known only when it is
/// zero, since its reference box is layout. A unitless number other than 0 gives None: it
/// is a multiplier for `line-height` and quirks-mode px elsewhere, which only the caller
/// can tell apart. A `font_px` that is negative or not finite is taken as 16.
pub fn length_px(value: &str, font_px: f32) -> Option<f32> {
    let em = sane_px(font_px);
    let (n, unit) = number(split_important(value).0)?;
    let px = match unit {
        "" | "%" if n == 0.0 => 0.0,
        "" | "%" => return None,
        _ => n * unit_px(unit, em)?,
    };
    finite_px(px)
}

/// An opacity value (`0`, `0.05`, `5%`), clamped to 0..=1.
pub fn opacity(value: &str) -> Option<f32> {
    let (n, unit) = number(split_important(value).0)?;
    let o = match unit {
        "" => n,
        "%" => n / 100.0,
        _ => return None,
    };
    Some(o.clamp(0.0, 1.0) as f32)
}

/// The value without surrounding whitespace and a trailing `!important` (also written
/// `! IMPORTANT`), and whether it had one.
pub fn split_important(value: &str) -> (&str, bool) {
    let v = value.trim();
    let Some(head) = v
        .len()
        .checked_sub("important".len())
        .and_then(|at| Some((v.get(..at)?, v.get(at..)?)))
        .filter(|(_, tail)| tail.eq_ignore_ascii_case("important"))
        .and_then(|(head, _)| head.trim_end().strip_suffix('!'))
    else {
        return (v, false);
    };
    (head.trim(), true)
}

/// Whether `s` is a CSS property name: an identifier (`color`, `-webkit-x`, `mso-hide`,
/// `--custom`), not empty, not starting with a digit, without spaces or punctuation.
fn is_property_name(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with(|c: char| c.is_ascii_digit())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || !c.is_ascii())
}

/// Splits a value into its top-level tokens: separated by whitespace, `,` or `/` outside
/// parentheses and quotes, and ending after a closing parenthesis (`url(a.png)#000` is two
/// tokens).
fn tokens(value: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut quote: Option<u8> = None;
    let mut escaped = false;
    let mut start = 0;
    // Every split is at an ASCII byte, so every slice is on a char boundary.
    for (i, b) in value.bytes().enumerate() {
        if escaped {
            escaped = false;
            continue;
        }
        if b == b'\\' {
            escaped = true;
            continue;
        }
        if let Some(q) = quote {
            if b == q {
                quote = None;
            }
            continue;
        }
        match b {
            b'"' | b'\'' => quote = Some(b),
            b'(' => depth += 1,
            b')' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    out.extend(value.get(start..=i));
                    start = i + 1;
                }
            }
            b',' | b'/' | b' ' | b'\t' | b'\n' | b'\r' | b'\x0c' if depth == 0 => {
                out.extend(value.get(start..i));
                start = i + 1;
            }
            _ => {}
        }
    }
    out.extend(value.get(start..));
    out.retain(|t| !t.is_empty());
    out
}

/// A CSS number at the start of `s` and the unit after it: `7.5pt` is (7.5, "pt").
///
/// Only CSS number syntax is accepted (no `NaN`, `inf`, `0x10`, or space before the unit);
/// the unit must be empty, `%`, or ASCII letters. Overflow gives an infinite number.
fn number(s: &str) -> Option<(f64, &str)> {
    let b = s.as_bytes();
    let digits_from = |mut i: usize| {
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        i
    };
    let mut i = usize::from(matches!(b.first(), Some(b'+' | b'-')));
    let int_end = digits_from(i);
    let mut has_digits = int_end > i;
    i = int_end;
    if b.get(i) == Some(&b'.') && b.get(i + 1).is_some_and(u8::is_ascii_digit) {
        i = digits_from(i + 1);
        has_digits = true;
    }
    if !has_digits {
        return None;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        let mut j = i + 1;
        if matches!(b.get(j), Some(b'+' | b'-')) {
            j += 1;
        }
        if b.get(j).is_some_and(u8::is_ascii_digit) {
            i = digits_from(j);
        }
    }
    let n: f64 = s.get(..i)?.parse().ok()?;
    let unit = s.get(i..)?;
    (unit == "%" || unit.bytes().all(|c| c.is_ascii_alphabetic())).then_some((n, unit))
}

/// How many px one `unit` is, with `em` the font size in px; None for units that need
/// layout (viewport, container) or are unknown.
fn unit_px(unit: &str, em: f64) -> Option<f64> {
    let table = [
        ("px", 1.0),
        ("pt", 96.0 / 72.0),
        ("pc", 16.0),
        ("in", 96.0),
        ("cm", 96.0 / 2.54),
        ("mm", 96.0 / 25.4),
        ("q", 96.0 / 101.6),
        ("em", em),
        ("rem", 16.0),
        // Without font metrics, the usual fallback of half an em.
        ("ex", em / 2.0),
        ("ch", em / 2.0),
    ];
    table
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(unit))
        .map(|&(_, px)| px)
}

/// A px reference that is usable: negative or non-finite ones become the 16px default.
fn sane_px(px: f32) -> f64 {
    if px.is_finite() && px >= 0.0 {
        f64::from(px)
    } else {
        16.0
    }
}

/// `px` as a finite f32 (-0 as 0), or None.
fn finite_px(px: f64) -> Option<f32> {
    let px = px as f32;
    if !px.is_finite() {
        return None;
    }
    Some(if px == 0.0 { 0.0 } else { px })
}

/// Alpha as a 0..=1 factor; NaN counts as opaque.
fn unit_alpha(a: f32) -> f64 {
    if a.is_nan() {
        1.0
    } else {
        f64::from(a).clamp(0.0, 1.0)
    }
}

/// A 0..=255 channel, rounded and clamped.
fn to_channel(v: f64) -> u8 {
    if v.is_nan() {
        0
    } else {
        v.round().clamp(0.0, 255.0) as u8
    }
}

fn from_u24(rgb: u32) -> Rgba {
    let [_, r, g, b] = rgb.to_be_bytes();
    Rgba { r, g, b, a: 1.0 }
}

/// A colour from the 3, 4, 6 or 8 hex digits after `#`.
fn parse_hex(hex: &str) -> Option<Rgba> {
    let digits = hex.as_bytes();
    if !digits.iter().all(u8::is_ascii_hexdigit) {
        return None;
    }
    let digit = |i: usize| digits.get(i).and_then(|&c| char::from(c).to_digit(16));
    let short = |i: usize| Some(digit(i)? as u8 * 17);
    let long = |i: usize| Some((digit(2 * i)? * 16 + digit(2 * i + 1)?) as u8);
    let [r, g, b, alpha] = match digits.len() {
        3 => [short(0)?, short(1)?, short(2)?, 255],
        4 => [short(0)?, short(1)?, short(2)?, short(3)?],
        6 => [long(0)?, long(1)?, long(2)?, 255],
        8 => [long(0)?, long(1)?, long(2)?, long(3)?],
        _ => return None,
    };
    Some(Rgba {
        r,
        g,
        b,
        a: f32::from(alpha) / 255.0,
    })
}

/// A function value `name(args)` as (name, args); the closing parenthesis may be missing at
/// the end of the value, as CSS allows.
fn function(v: &str) -> Option<(&str, &str)> {
    let (name, rest) = v.split_once('(')?;
    if name.is_empty() || !name.bytes().all(|c| c.is_ascii_alphabetic()) {
        return None;
    }
    Some((name, rest.strip_suffix(')').unwrap_or(rest)))
}

/// The three components and the optional alpha of a colour function's arguments, in the
/// comma form (`1, 2, 3, .5`) or the space form (`1 2 3 / 50%`).
fn components(args: &str) -> Option<([&str; 3], Option<&str>)> {
    let args = args.trim();
    if args.contains(',') {
        let mut parts = args.split(',').map(str::trim);
        let c = [parts.next()?, parts.next()?, parts.next()?];
        let alpha = parts.next();
        return parts.next().is_none().then_some((c, alpha));
    }
    let (main, alpha) = match args.split_once('/') {
        Some((main, alpha)) => (main, Some(alpha.trim())),
        None => (args, None),
    };
    let mut parts = main.split_ascii_whitespace();
    let c = [parts.next()?, parts.next()?, parts.next()?];
    parts.next().is_none().then_some((c, alpha))
}

/// `none` (a missing component, which counts as zero) or a number with an allowed unit.
fn component(s: &str) -> Option<(f64, &str)> {
    if s.eq_ignore_ascii_case("none") {
        return Some((0.0, ""));
    }
    number(s)
}

/// The alpha of a colour function: a number or a percentage, clamped to 0..=1; opaque when
/// absent.
fn alpha_arg(alpha: Option<&str>) -> Option<f32> {
    let Some(s) = alpha else {
        return Some(1.0);
    };
    let a = match component(s)? {
        (n, "") => n,
        (n, "%") => n / 100.0,
        _ => return None,
    };
    Some(a.clamp(0.0, 1.0) as f32)
}

/// A percentage-like component (saturation, lightness, whiteness, blackness) in 0..=1; the
/// space form allows a bare number meaning percent.
fn percent_arg(s: &str) -> Option<f64> {
    match component(s)? {
        (n, "" | "%") => Some(n.clamp(0.0, 100.0) / 100.0),
        _ => None,
    }
}

/// A hue in degrees, 0..360.
fn hue_arg(s: &str) -> Option<f64> {
    let (n, unit) = component(s)?;
    let degrees = if unit.is_empty() || unit.eq_ignore_ascii_case("deg") {
        n
    } else if unit.eq_ignore_ascii_case("rad") {
        n.to_degrees()
    } else if unit.eq_ignore_ascii_case("grad") {
        n * 0.9
    } else if unit.eq_ignore_ascii_case("turn") {
        n * 360.0
    } else {
        return None;
    };
    Some(if degrees.is_finite() {
        degrees.rem_euclid(360.0)
    } else {
        0.0
    })
}

fn parse_rgb(args: &str) -> Option<Rgba> {
    let ([r, g, b], alpha) = components(args)?;
    let channel = |s: &str| match component(s)? {
        (n, "") => Some(to_channel(n)),
        (n, "%") => Some(to_channel(n / 100.0 * 255.0)),
        _ => None,
    };
    Some(Rgba {
        r: channel(r)?,
        g: channel(g)?,
        b: channel(b)?,
        a: alpha_arg(alpha)?,
    })
}

fn parse_hsl(args: &str) -> Option<Rgba> {
    let ([hue, sat, light], alpha) = components(args)?;
    let rgb = hsl_to_rgb(hue_arg(hue)?, percent_arg(sat)?, percent_arg(light)?);
    Some(from_unit_rgb(rgb, alpha_arg(alpha)?))
}

fn parse_hwb(args: &str) -> Option<Rgba> {
    let ([hue, white, black], alpha) = components(args)?;
    let (hue, white, black) = (hue_arg(hue)?, percent_arg(white)?, percent_arg(black)?);
    let rgb = if white + black >= 1.0 {
        [white / (white + black); 3]
    } else {
        hsl_to_rgb(hue, 1.0, 0.5).map(|c| c * (1.0 - white - black) + white)
    };
    Some(from_unit_rgb(rgb, alpha_arg(alpha)?))
}

/// A colour from channels in 0..=1.
fn from_unit_rgb([r, g, b]: [f64; 3], a: f32) -> Rgba {
    Rgba {
        r: to_channel(r * 255.0),
        g: to_channel(g * 255.0),
        b: to_channel(b * 255.0),
        a,
    }
}

/// CSS Color 4's HSL to sRGB: hue in degrees, saturation and lightness in 0..=1; channels
/// in 0..=1.
fn hsl_to_rgb(hue: f64, sat: f64, light: f64) -> [f64; 3] {
    let f = |n: f64| {
        let k = (n + hue / 30.0) % 12.0;
        let a = sat * light.min(1.0 - light);
        light - a * (k - 3.0).min(9.0 - k).clamp(-1.0, 1.0)
    };
    [f(0.0), f(8.0), f(4.0)]
}

/// The 148 CSS named colours (CSS Color 4), as 0xRRGGBB.
const NAMED: &[(&str, u32)] = &[
    ("aliceblue", 0xf0f8ff),
    ("antiquewhite", 0xfaebd7),
    ("aqua", 0x00ffff),
    ("aquamarine", 0x7fffd4),
    ("azure", 0xf0ffff),
    ("beige", 0xf5f5dc),
    ("bisque", 0xffe4c4),
    ("black", 0x000000),
    ("blanchedalmond", 0xffebcd),
    ("blue", 0x0000ff),
    ("blueviolet", 0x8a2be2),
    ("brown", 0xa52a2a),
    ("burlywood", 0xdeb887),
    ("cadetblue", 0x5f9ea0),
    ("chartreuse", 0x7fff00),
    ("chocolate", 0xd2691e),
    ("coral", 0xff7f50),
    ("cornflowerblue", 0x6495ed),
    ("cornsilk", 0xfff8dc),
    ("crimson", 0xdc143c),
    ("cyan", 0x00ffff),
    ("darkblue", 0x00008b),
    ("darkcyan", 0x008b8b),
    ("darkgoldenrod", 0xb8860b),
    ("darkgray", 0xa9a9a9),
    ("darkgreen", 0x006400),
    ("darkgrey", 0xa9a9a9),
    ("darkkhaki", 0xbdb76b),
    ("darkmagenta", 0x8b008b),
    ("darkolivegreen", 0x556b2f),
    ("darkorange", 0xff8c00),
    ("darkorchid", 0x9932cc),
    ("darkred", 0x8b0000),
    ("darksalmon", 0xe9967a),
    ("darkseagreen", 0x8fbc8f),
    ("darkslateblue", 0x483d8b),
    ("darkslategray", 0x2f4f4f),
    ("darkslategrey", 0x2f4f4f),
    ("darkturquoise", 0x00ced1),
    ("darkviolet", 0x9400d3),
    ("deeppink", 0xff1493),
    ("deepskyblue", 0x00bfff),
    ("dimgray", 0x696969),
    ("dimgrey", 0x696969),
    ("dodgerblue", 0x1e90ff),
    ("firebrick", 0xb22222),
    ("floralwhite", 0xfffaf0),
    ("forestgreen", 0x228b22),
    ("fuchsia", 0xff00ff),
    ("gainsboro", 0xdcdcdc),
    ("ghostwhite", 0xf8f8ff),
    ("gold", 0xffd700),
    ("goldenrod", 0xdaa520),
    ("gray", 0x808080),
    ("green", 0x008000),
    ("greenyellow", 0xadff2f),
    ("grey", 0x808080),
    ("honeydew", 0xf0fff0),
    ("hotpink", 0xff69b4),
    ("indianred", 0xcd5c5c),
    ("indigo", 0x4b0082),
    ("ivory", 0xfffff0),
    ("khaki", 0xf0e68c),
    ("lavender", 0xe6e6fa),
    ("lavenderblush", 0xfff0f5),
    ("lawngreen", 0x7cfc00),
    ("lemonchiffon", 0xfffacd),
    ("lightblue", 0xadd8e6),
    ("lightcoral", 0xf08080),
    ("lightcyan", 0xe0ffff),
    ("lightgoldenrodyellow", 0xfafad2),
    ("lightgray", 0xd3d3d3),
    ("lightgreen", 0x90ee90),
    ("lightgrey", 0xd3d3d3),
    ("lightpink", 0xffb6c1),
    ("lightsalmon", 0xffa07a),
    ("lightseagreen", 0x20b2aa),
    ("lightskyblue", 0x87cefa),
    ("lightslategray", 0x778899),
    ("lightslategrey", 0x778899),
    ("lightsteelblue", 0xb0c4de),
    ("lightyellow", 0xffffe0),
    ("lime", 0x00ff00),
    ("limegreen", 0x32cd32),
    ("linen", 0xfaf0e6),
    ("magenta", 0xff00ff),
    ("maroon", 0x800000),
    ("mediumaquamarine", 0x66cdaa),
    ("mediumblue", 0x0000cd),
    ("mediumorchid", 0xba55d3),
    ("mediumpurple", 0x9370db),
    ("mediumseagreen", 0x3cb371),
    ("mediumslateblue", 0x7b68ee),
    ("mediumspringgreen", 0x00fa9a),
    ("mediumturquoise", 0x48d1cc),
    ("mediumvioletred", 0xc71585),
    ("midnightblue", 0x191970),
    ("mintcream", 0xf5fffa),
    ("mistyrose", 0xffe4e1),
    ("moccasin", 0xffe4b5),
    ("navajowhite", 0xffdead),
    ("navy", 0x000080),
    ("oldlace", 0xfdf5e6),
    ("olive", 0x808000),
    ("olivedrab", 0x6b8e23),
    ("orange", 0xffa500),
    ("orangered", 0xff4500),
    ("orchid", 0xda70d6),
    ("palegoldenrod", 0xeee8aa),
    ("palegreen", 0x98fb98),
    ("paleturquoise", 0xafeeee),
    ("palevioletred", 0xdb7093),
    ("papayawhip", 0xffefd5),
    ("peachpuff", 0xffdab9),
    ("peru", 0xcd853f),
    ("pink", 0xffc0cb),
    ("plum", 0xdda0dd),
    ("powderblue", 0xb0e0e6),
    ("purple", 0x800080),
    ("rebeccapurple", 0x663399),
    ("red", 0xff0000),
    ("rosybrown", 0xbc8f8f),
    ("royalblue", 0x4169e1),
    ("saddlebrown", 0x8b4513),
    ("salmon", 0xfa8072),
    ("sandybrown", 0xf4a460),
    ("seagreen", 0x2e8b57),
    ("seashell", 0xfff5ee),
    ("sienna", 0xa0522d),
    ("silver", 0xc0c0c0),
    ("skyblue", 0x87ceeb),
    ("slateblue", 0x6a5acd),
    ("slategray", 0x708090),
    ("slategrey", 0x708090),
    ("snow", 0xfffafa),
    ("springgreen", 0x00ff7f),
    ("steelblue", 0x4682b4),
    ("tan", 0xd2b48c),
    ("teal", 0x008080),
    ("thistle", 0xd8bfd8),
    ("tomato", 0xff6347),
    ("turquoise", 0x40e0d0),
    ("violet", 0xee82ee),
    ("wheat", 0xf5deb3),
    ("white", 0xffffff),
    ("whitesmoke", 0xf5f5f5),
    ("yellow", 0xffff00),
    ("yellowgreen", 0x9acd32),
];

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    fn rgba(r: u8, g: u8, b: u8, a: f32) -> Rgba {
        Rgba { r, g, b, a }
    }

    fn rgb(r: u8, g: u8, b: u8) -> Rgba {
        rgba(r, g, b, 1.0)
    }

    fn close(a: f64, b: f64, tolerance: f64) -> bool {
        (a - b).abs() <= tolerance
    }

    fn px(value: Option<f32>, expected: f32) -> bool {
        value.is_some_and(|v| (v - expected).abs() < 0.01)
    }

    #[test]
    fn hex_colours() {
        assert_eq!(parse_color("#fff"), Some(Rgba::WHITE));
        assert_eq!(parse_color("#FFFFFF"), Some(Rgba::WHITE));
        assert_eq!(parse_color("#ffffff"), Some(Rgba::WHITE));
        assert_eq!(parse_color("  #CCC  "), Some(rgb(0xcc, 0xcc, 0xcc)));
        assert_eq!(
            parse_color("#12345678").map(Rgba::hex).as_deref(),
            Some("#123456")
        );
        let half = parse_color("#ffffff80").expect("8-digit hex");
        assert_eq!((half.r, half.g, half.b), (255, 255, 255));
        assert!(close(f64::from(half.a), 128.0 / 255.0, 1e-6));
        let short = parse_color("#0008").expect("4-digit hex");
        assert!(close(f64::from(short.a), 136.0 / 255.0, 1e-6));
        assert_eq!(parse_color("#999 !important"), Some(rgb(0x99, 0x99, 0x99)));
        for bad in [
            "#",
            "#ff",
            "#fffff",
            "#ggg",
            "#fff fff",
            "# fff",
            "#ｆｆｆ",
            "##fff",
        ] {
            assert_eq!(parse_color(bad), None, "{bad}");
        }
    }

    #[test]
    fn legacy_attribute_colours() {
        // bgcolor="ffffff" and color="#ccc"
        assert_eq!(parse_color("ffffff"), Some(Rgba::WHITE));
        assert_eq!(parse_color("FFF"), Some(Rgba::WHITE));
        assert_eq!(parse_color("#ccc"), Some(rgb(204, 204, 204)));
        assert_eq!(parse_color("ffff"), None);
        assert_eq!(parse_color("fffffg"), None);
    }

    #[test]
    fn functional_colours() {
        assert_eq!(parse_color("rgb(34, 34, 34)"), Some(rgb(34, 34, 34)));
        assert_eq!(parse_color("RGB(34,34,34)"), Some(rgb(34, 34, 34)));
        assert_eq!(
            parse_color("rgb(34 34 34 / 50%)"),
            Some(rgba(34, 34, 34, 0.5))
        );
        assert_eq!(parse_color("rgb(34 34 34/.5)"), Some(rgba(34, 34, 34, 0.5)));
        assert_eq!(parse_color("rgba(0,0,0,.5)"), Some(rgba(0, 0, 0, 0.5)));
        assert_eq!(parse_color("rgba(0, 0, 0, 0)"), Some(rgba(0, 0, 0, 0.0)));
        assert_eq!(parse_color("rgba(0,0,0)"), Some(Rgba::BLACK));
        assert_eq!(parse_color("rgb(0,0,0,50%)"), Some(rgba(0, 0, 0, 0.5)));
        assert_eq!(parse_color("rgb(100%, 50%, 0%)"), Some(rgb(255, 128, 0)));
        assert_eq!(parse_color("rgb(300, -20, 12.6)"), Some(rgb(255, 0, 13)));
        assert_eq!(parse_color("rgb(none 0 0)"), Some(Rgba::BLACK));
        assert_eq!(parse_color("rgb(0,0,0"), Some(Rgba::BLACK));
        assert_eq!(parse_color("rgba(0,0,0,2)"), Some(Rgba::BLACK));
        assert_eq!(parse_color("hsl(0, 0%, 90%)"), Some(rgb(230, 230, 230)));
        assert_eq!(parse_color("hsl(120deg 100% 25%)"), Some(rgb(0, 128, 0)));
        assert_eq!(
            parse_color("hsla(240, 100%, 50%, 0.25)"),
            Some(rgba(0, 0, 255, 0.25))
        );
        assert_eq!(parse_color("hsl(0.5turn 100% 50%)"), Some(rgb(0, 255, 255)));
        assert_eq!(parse_color("hsl(-120, 100%, 50%)"), Some(rgb(0, 0, 255)));
        assert_eq!(parse_color("hwb(0 0% 0%)"), Some(rgb(255, 0, 0)));
        assert_eq!(parse_color("hwb(0 60% 60%)"), Some(rgb(128, 128, 128)));
        for bad in [
            "rgb()",
            "rgb(1,2)",
            "rgb(1,2,3,4,5)",
            "rgb(1 2 3 4)",
            "rgb(1px, 2, 3)",
            "rgb(1,2,3) x",
            "rgb(var(--c))",
            "rgb(NaN, 0, 0)",
            "lab(50% 40 59)",
            "oklch(0.6 0.1 200)",
            "hsl(0, 0%, 90%, 1, 1)",
        ] {
            assert_eq!(parse_color(bad), None, "{bad}");
        }
    }

    #[test]
    fn named_and_keyword_colours() {
        assert_eq!(NAMED.len(), 148);
        assert_eq!(parse_color("LightGrey"), Some(rgb(211, 211, 211)));
        assert_eq!(parse_color("lightgray"), Some(rgb(211, 211, 211)));
        assert_eq!(parse_color("WhiteSmoke"), Some(rgb(245, 245, 245)));
        assert_eq!(parse_color("RebeccaPurple"), Some(rgb(0x66, 0x33, 0x99)));
        assert_eq!(parse_color("WHITE"), Some(Rgba::WHITE));
        assert_eq!(parse_color("transparent"), Some(rgba(0, 0, 0, 0.0)));
        assert_eq!(parse_color("Transparent"), Some(rgba(0, 0, 0, 0.0)));
        for none in [
            "inherit",
            "currentColor",
            "currentcolor",
            "initial",
            "unset",
            "var(--brand)",
            "",
            "none",
            "whiteish",
        ] {
            assert_eq!(parse_color(none), None, "{none}");
        }
        // Every name parses, in any case, to its own value.
        for &(name, value) in NAMED {
            assert_eq!(
                parse_color(&name.to_ascii_uppercase()),
                Some(from_u24(value))
            );
        }
    }

    #[test]
    fn over_and_hex() {
        let half_black = rgba(0, 0, 0, 0.5);
        assert_eq!(half_black.over(Rgba::WHITE), rgb(128, 128, 128));
        assert_eq!(Rgba::BLACK.over(Rgba::WHITE), Rgba::BLACK);
        assert_eq!(rgba(9, 9, 9, 0.0).over(Rgba::WHITE), Rgba::WHITE);
        assert_eq!(rgba(0, 0, 0, f32::NAN).over(Rgba::WHITE), Rgba::BLACK);
        assert_eq!(rgba(0, 0, 0, 7.0).over(Rgba::WHITE), Rgba::BLACK);
        assert_eq!(rgb(1, 0xab, 255).hex(), "#01abff");
        assert_eq!(rgba(1, 0xab, 255, 0.0).hex(), "#01abff");
    }

    /// Declarations as (property, value) string slices, for comparing with literals.
    fn decls(style: &str) -> Vec<(String, String)> {
        declarations(style)
            .into_iter()
            .map(|d| (d.property.into_owned(), d.value.into_owned()))
            .collect()
    }

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(p, v)| ((*p).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn style_declarations() {
        assert_eq!(
            decls(
                "COLOR:#999 !important;font-size:6px;; /* hidden: yes; */ Mso-Hide : ALL ;\
                 background:url('a;b.png') #fff;line-height:0",
            ),
            pairs(&[
                ("color", "#999"),
                ("font-size", "6px"),
                ("mso-hide", "ALL"),
                ("background", "url('a;b.png') #fff"),
                ("line-height", "0"),
            ])
        );
        // The same without the comment (which takes the path that copies nothing).
        assert_eq!(
            decls(
                "COLOR:#999 !important;font-size:6px;; Mso-Hide : ALL ;background:url('a;b.png') #fff"
            ),
            pairs(&[
                ("color", "#999"),
                ("font-size", "6px"),
                ("mso-hide", "ALL"),
                ("background", "url('a;b.png') #fff"),
            ])
        );
        // Malformed pieces are skipped; data URIs keep their semicolons.
        assert_eq!(
            decls(
                "color; :red; font size:1px; *zoom:1; width:; height: ! important;\
                 background-image:url(data:image/png;base64,AAA=);display:none",
            ),
            pairs(&[
                ("background-image", "url(data:image/png;base64,AAA=)"),
                ("display", "none"),
            ])
        );
        // Every declaration is kept, with its importance, for the cascade to judge.
        let important: Vec<bool> =
            declarations("color:#fff!IMPORTANT;color:#000;color:#eee ! important")
                .iter()
                .map(|d| d.important)
                .collect();
        assert_eq!(important, [true, false, true]);
        assert_eq!(
            decls("color:#fff!IMPORTANT;color:#000"),
            pairs(&[("color", "#fff"), ("color", "#000")])
        );
        // Comments count as spaces; an unterminated comment eats the rest.
        assert_eq!(
            decls("border:1px/**/solid;col/**/or:red;color:blue/* x"),
            pairs(&[("border", "1px solid"), ("color", "blue")])
        );
        assert!(declarations("").is_empty());
        assert!(declarations(";;;").is_empty());
    }

    /// Without comments, the byte scan splits a style into the same pieces as the cleaned
    /// copy does, over random mixes of quotes, escapes, parentheses and non-ASCII text.
    #[test]
    fn plain_split_matches_cleaned_copy() {
        const BITS: &[&str] = &[
            ";",
            ":",
            "(",
            ")",
            "'",
            "\"",
            "\\",
            "\\;",
            "\\'",
            "url(a;b)",
            "color",
            "#fff",
            " ",
            "é",
            "日本",
            "/",
            "*",
            "!important",
            "x",
        ];
        let mut next = crate::testing::numbers(0x853c_49e6_748f_ea9b_u64);
        for _ in 0..20_000 {
            let style = crate::testing::mix(&mut next, BITS, 16);
            if style.contains("/*") {
                continue;
            }
            let (clean, ends) = clean_pieces(&style);
            let mut start = 0;
            let cleaned: Vec<&str> = ends
                .iter()
                .map(|&end| {
                    let piece = clean.get(start..end).unwrap_or("");
                    start = end;
                    piece
                })
                .collect();
            assert_eq!(split_plain(&style), cleaned, "{style:?}");
        }
    }

    #[test]
    fn background_shorthand() {
        let bg = background_shorthand_color;
        assert_eq!(bg("url(a.png) #000000 no-repeat"), Some(Rgba::BLACK));
        assert_eq!(bg("#000 url(x.png) no-repeat"), Some(Rgba::BLACK));
        assert_eq!(bg("url(a.png) rgb(1,2,3)"), Some(rgb(1, 2, 3)));
        assert_eq!(bg("url(a.png)#fff"), Some(Rgba::WHITE));
        assert_eq!(
            bg("url(\"x (1).png\") center/cover WHITE"),
            Some(Rgba::WHITE)
        );
        assert_eq!(bg("rgba(0, 0, 0, .5) !important"), Some(rgba(0, 0, 0, 0.5)));
        assert_eq!(bg("transparent"), Some(rgba(0, 0, 0, 0.0)));
        assert_eq!(bg("url(a.png), url(b.png) red"), Some(rgb(255, 0, 0)));
        for none in [
            "none",
            "inherit",
            "url(#fff)",
            "url(a.png) no-repeat",
            "linear-gradient(#fff, #000)",
            "url(bad.png) add",
            "",
        ] {
            assert_eq!(bg(none), None, "{none}");
        }
    }

    #[test]
    fn font_sizes() {
        assert!(px(font_size_px("6px", 16.0), 6.0));
        assert!(px(font_size_px("7.5pt", 16.0), 10.0));
        assert!(px(font_size_px("0.5em", 12.0), 6.0));
        assert!(px(font_size_px("50%", 16.0), 8.0));
        assert!(px(font_size_px("60%", 10.0), 6.0));
        assert!(px(font_size_px(".4rem", 30.0), 6.4));
        assert!(px(font_size_px("xx-small", 16.0), 9.0));
        assert!(px(font_size_px("XXX-Large", 16.0), 48.0));
        assert!(px(font_size_px("smaller", 12.0), 10.0));
        assert!(px(font_size_px("larger", 10.0), 12.0));
        assert!(px(font_size_px("0", 16.0), 0.0));
        assert!(px(font_size_px("1", 16.0), 1.0));
        assert!(px(font_size_px("6PX !important", 16.0), 6.0));
        assert!(px(font_size_px("1e1px", 16.0), 10.0));
        assert!(px(font_size_px("2em", f32::NAN), 32.0));
        assert!(px(font_size_px("initial", 40.0), 16.0));
        for none in [
            "-5px",
            "1e309px",
            "NaN",
            "inf",
            "auto",
            "6 px",
            "calc(1px)",
            "2vw",
            "inherit",
            "unset",
            "",
            "px",
            ".px",
            "5.px",
        ] {
            assert_eq!(font_size_px(none, 16.0), None, "{none}");
        }
    }

    #[test]
    fn font_shorthand_sizes() {
        let size = |v: &str| font_shorthand_size_px(v, 20.0);
        assert!(px(size("10px Arial"), 10.0));
        assert!(px(size("bold 700 12px/18px 'Helvetica Neue', Arial"), 12.0));
        assert!(px(size("italic small-caps 0.5em/1.2 serif"), 10.0));
        assert!(px(size("normal normal 400 x-small/normal Verdana"), 10.0));
        assert!(px(size("0/0 a"), 0.0));
        assert!(px(size("75% Georgia !important"), 15.0));
        for none in [
            "inherit",
            "caption",
            "700 Arial",
            "Arial, 10px",
            "'10px' x",
            "var(--f)",
            "",
        ] {
            assert_eq!(size(none), None, "{none}");
        }
    }

    #[test]
    fn font_tag_sizes() {
        let sizes = ["1", "2", "3", "4", "5", "6", "7"].map(font_tag_size_px);
        assert_eq!(sizes, [10.0, 13.0, 16.0, 18.0, 24.0, 32.0, 48.0].map(Some));
        assert_eq!(font_tag_size_px("+1"), Some(18.0));
        assert_eq!(font_tag_size_px("-2"), Some(10.0));
        assert_eq!(font_tag_size_px("-1"), Some(13.0));
        assert_eq!(font_tag_size_px(" 2px"), Some(13.0));
        assert_eq!(font_tag_size_px("0"), Some(10.0));
        assert_eq!(font_tag_size_px("99999999999999999999999"), Some(48.0));
        assert_eq!(font_tag_size_px("-99999999999999999999999"), Some(10.0));
        for none in ["", " ", "+", "-", "big", "+-1", "٣"] {
            assert_eq!(font_tag_size_px(none), None, "{none}");
        }
    }

    #[test]
    fn lengths() {
        for zero in [
            "0",
            "0px",
            "0em",
            "0%",
            "0PX",
            "-0",
            "0 !important",
            "+0.0e5pt",
        ] {
            assert_eq!(length_px(zero, 16.0), Some(0.0), "{zero}");
        }
        assert_eq!(length_px("1px", 16.0), Some(1.0));
        assert!(px(length_px("2em", 6.0), 12.0));
        assert!(px(length_px("1rem", 6.0), 16.0));
        assert!(px(length_px("-9999px", 16.0), -9999.0));
        assert!(px(length_px("1in", 16.0), 96.0));
        for none in [
            "auto", "none", "50%", "1.5", "1e309px", "100vh", "", "normal",
        ] {
            assert_eq!(length_px(none, 16.0), None, "{none}");
        }
    }

    #[test]
    fn opacities() {
        assert_eq!(opacity("0"), Some(0.0));
        assert_eq!(opacity("0.05"), Some(0.05));
        assert_eq!(opacity(".5"), Some(0.5));
        assert_eq!(opacity("5%"), Some(0.05));
        assert_eq!(opacity("2"), Some(1.0));
        assert_eq!(opacity("-1"), Some(0.0));
        assert_eq!(opacity("1e309"), Some(1.0));
        assert_eq!(opacity("0 !important"), Some(0.0));
        for none in ["NaN", "inherit", "", "0.5px", "half"] {
            assert_eq!(opacity(none), None, "{none}");
        }
    }

    /// Generated declarations and values, many of them broken.
    pub(crate) fn garbage_inputs() -> Vec<String> {
        const PIECES: &[&str] = &[
            "#",
            "fff",
            "rgb(",
            "rgba(",
            "hsl(",
            "hwb(",
            ")",
            "(",
            ",",
            "/",
            "%",
            "!",
            "important",
            ";",
            ":",
            "/*",
            "*/",
            "'",
            "\"",
            "\\",
            " ",
            "\t",
            "\n",
            "0",
            "-",
            "+",
            ".",
            "e",
            "1e309",
            "-5",
            "NaN",
            "inf",
            "px",
            "em",
            "pt",
            "turn",
            "none",
            "é",
            "日本",
            "🙂",
            "\u{0}",
            "ｆ",
            "٣",
            "url(",
            "color",
            "font-size",
            "!important",
            "1e-400",
            "99999999999999999999",
            "\u{feff}",
            "ß",
            "İ",
            "K",
        ];
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = || {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            usize::try_from(seed >> 33).unwrap_or(0)
        };
        let mut inputs: Vec<String> = [
            "1e309px",
            "NaN",
            "-5px",
            "-0",
            "1e309",
            "-1e309",
            "rgb(1e309,-1e309,1e-309)",
            "hsl(1e309turn, 1e309%, -1e309%)",
            "hwb(1e309 1e309 1e309 / 1e309)",
            "rgb(0 0 0 / 1e309%)",
            "#ｆｆｆｆｆｆ",
            "é",
            "ééé",
            "日本語",
            "\u{0}\u{0}\u{0}",
            "/*",
            "/**/",
            "/*/",
            "a:/*",
            "a:'",
            "a:\"\\",
            "((((",
            "))))",
            ";;;;",
            ":::",
            "!",
            "!important",
            "a:!important",
            "background:url(",
            "color:rgb(1,2,3;font-size:1px",
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
        for _ in 0..600 {
            let len = next() % 8;
            inputs.push((0..len).map(|_| PIECES[next() % PIECES.len()]).collect());
        }
        inputs
    }

    #[test]
    fn garbage_never_panics() {
        let inputs = garbage_inputs();
        for input in &inputs {
            if let Some(c) = parse_color(input) {
                assert!((0.0..=1.0).contains(&c.a), "{input:?}");
            }
            let _ = background_shorthand_color(input);
            for d in declarations(input) {
                assert!(!d.property.is_empty() && !d.value.is_empty(), "{input:?}");
                assert_eq!(d.property, d.property.trim().to_ascii_lowercase());
            }
            for parent in [16.0, 0.0, -1.0, f32::NAN, f32::INFINITY, f32::MAX] {
                if let Some(size) = font_size_px(input, parent) {
                    assert!(size.is_finite() && size >= 0.0, "{input:?}");
                }
                if let Some(len) = length_px(input, parent) {
                    assert!(len.is_finite(), "{input:?}");
                }
            }
            if let Some(size) = font_tag_size_px(input) {
                assert!((10.0..=48.0).contains(&size), "{input:?}");
            }
            if let Some(o) = opacity(input) {
                assert!((0.0..=1.0).contains(&o), "{input:?}");
            }
        }
    }
}
