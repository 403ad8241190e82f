//! Inline CSS values as email HTML writes them: colours, font sizes, lengths, opacity,
//! and WCAG contrast. Only what visibility decisions need.

/// An sRGB colour with alpha.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rgba {
    pub r: u8,
    pub g: u8,
    pub b: u8,
    pub a: f32,
}

impl Rgba {
    pub const BLACK: Rgba = Rgba {
        r: 0,
        g: 0,
        b: 0,
        a: 1.0,
    };
    pub const WHITE: Rgba = Rgba {
        r: 255,
        g: 255,
        b: 255,
        a: 1.0,
    };

    /// Composite self over an opaque backdrop.
    #[must_use]
    pub fn over(self, backdrop: Rgba) -> Rgba {
        let a = self.a.clamp(0.0, 1.0);
        let mix = |f: u8, b: u8| (f32::from(f) * a + f32::from(b) * (1.0 - a)).round() as u8;
        Rgba {
            r: mix(self.r, backdrop.r),
            g: mix(self.g, backdrop.g),
            b: mix(self.b, backdrop.b),
            a: 1.0,
        }
    }

    /// `#rrggbb`, for messages.
    pub fn hex(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.r, self.g, self.b)
    }
}

const NAMED: &[(&str, u32)] = &[
    ("black", 0x000000),
    ("white", 0xffffff),
    ("red", 0xff0000),
    ("green", 0x008000),
    ("blue", 0x0000ff),
    ("yellow", 0xffff00),
    ("gray", 0x808080),
    ("grey", 0x808080),
    ("silver", 0xc0c0c0),
    ("lightgray", 0xd3d3d3),
    ("lightgrey", 0xd3d3d3),
    ("gainsboro", 0xdcdcdc),
    ("whitesmoke", 0xf5f5f5),
    ("darkgray", 0xa9a9a9),
    ("darkgrey", 0xa9a9a9),
    ("dimgray", 0x696969),
    ("dimgrey", 0x696969),
    ("navy", 0x000080),
    ("maroon", 0x800000),
    ("orange", 0xffa500),
    ("purple", 0x800080),
    ("teal", 0x008080),
    ("snow", 0xfffafa),
    ("ivory", 0xfffff0),
    ("beige", 0xf5f5dc),
    ("linen", 0xfaf0e6),
    ("ghostwhite", 0xf8f8ff),
    ("aliceblue", 0xf0f8ff),
    ("azure", 0xf0ffff),
    ("floralwhite", 0xfffaf0),
    ("mintcream", 0xf5fffa),
    ("seashell", 0xfff5ee),
];

/// Parses a CSS or HTML-attribute colour; None when unknown.
pub fn parse_color(value: &str) -> Option<Rgba> {
    let v = value.trim().to_ascii_lowercase();
    if v == "transparent" {
        return Some(Rgba {
            a: 0.0,
            ..Rgba::BLACK
        });
    }
    if let Some(&(_, rgb)) = NAMED.iter().find(|(n, _)| *n == v) {
        return Some(from_u32(rgb));
    }
    let hex = v.strip_prefix('#').unwrap_or(&v);
    if matches!(hex.len(), 3 | 4 | 6 | 8) && hex.chars().all(|c| c.is_ascii_hexdigit()) {
        let digits: Vec<u8> = if hex.len() <= 4 {
            hex.chars()
                .flat_map(|c| [c, c])
                .map(|c| c.to_digit(16).unwrap_or(0) as u8)
                .collect()
        } else {
            hex.chars()
                .map(|c| c.to_digit(16).unwrap_or(0) as u8)
                .collect()
        };
        let byte = |i: usize| digits[2 * i] * 16 + digits[2 * i + 1];
        let a = if digits.len() == 8 {
            f32::from(byte(3)) / 255.0
        } else {
            1.0
        };
        return Some(Rgba {
            r: byte(0),
            g: byte(1),
            b: byte(2),
            a,
        });
    }
    let inner = v
        .strip_prefix("rgba(")
        .or_else(|| v.strip_prefix("rgb("))?
        .strip_suffix(')')?;
    let parts: Vec<&str> = inner
        .split([',', ' ', '/'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    if parts.len() < 3 {
        return None;
    }
    let channel = |s: &str| -> Option<u8> {
        let n = match s.strip_suffix('%') {
            Some(p) => p.parse::<f32>().ok()? * 2.55,
            None => s.parse::<f32>().ok()?,
        };
        n.is_finite().then(|| n.clamp(0.0, 255.0).round() as u8)
    };
    let a = match parts.get(3) {
        Some(a) => opacity(a)?,
        None => 1.0,
    };
    Some(Rgba {
        r: channel(parts[0])?,
        g: channel(parts[1])?,
        b: channel(parts[2])?,
        a,
    })
}

fn from_u32(rgb: u32) -> Rgba {
    Rgba {
        r: (rgb >> 16) as u8,
        g: (rgb >> 8) as u8,
        b: rgb as u8,
        a: 1.0,
    }
}

/// The colour inside a `background` shorthand value, if any.
pub fn background_shorthand_color(value: &str) -> Option<Rgba> {
    let mut depth = 0;
    let mut token = String::new();
    let mut tokens = Vec::new();
    for c in value.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            _ => {}
        }
        if c.is_whitespace() && depth == 0 {
            tokens.push(std::mem::take(&mut token));
        } else {
            token.push(c);
        }
    }
    tokens.push(token);
    tokens
        .iter()
        .filter(|t| !t.starts_with("url("))
        .find_map(|t| parse_color(t))
}

/// The declarations of an inline style: (property lowercased, value without `!important`).
pub fn declarations(style: &str) -> Vec<(String, String)> {
    let mut clean = String::with_capacity(style.len());
    let mut rest = style;
    while let Some(start) = rest.find("/*") {
        clean.push_str(&rest[..start]);
        rest = rest[start + 2..]
            .find("*/")
            .map_or("", |e| &rest[start + 2 + e + 2..]);
    }
    clean.push_str(rest);
    clean
        .split(';')
        .filter_map(|decl| {
            let (p, v) = decl.split_once(':')?;
            let p = p.trim().to_ascii_lowercase();
            let mut v = v.trim();
            if let Some(i) = v.to_ascii_lowercase().find("!important") {
                v = v[..i].trim();
            }
            (!p.is_empty() && !v.is_empty()).then(|| (p, v.to_owned()))
        })
        .collect()
}

/// WCAG relative luminance of an opaque colour.
pub fn relative_luminance(c: Rgba) -> f64 {
    let lin = |v: u8| {
        let s = f64::from(v) / 255.0;
        if s <= 0.04045 {
            s / 12.92
        } else {
            ((s + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * lin(c.r) + 0.7152 * lin(c.g) + 0.0722 * lin(c.b)
}

/// WCAG contrast ratio of text over an opaque background.
pub fn contrast_ratio(fg: Rgba, bg: Rgba) -> f64 {
    let bg = bg.over(Rgba::WHITE);
    let fg = fg.over(bg);
    let (a, b) = (relative_luminance(fg), relative_luminance(bg));
    (a.max(b) + 0.05) / (a.min(b) + 0.05)
}

fn number_unit(value: &str) -> Option<(f32, String)> {
    let v = value.trim().to_ascii_lowercase();
    let split = v
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-' || c == '+'))
        .unwrap_or(v.len());
    let n: f32 = v[..split].parse().ok()?;
    n.is_finite().then(|| (n, v[split..].trim().to_owned()))
}

/// A font-size value in px, given the parent's size in px.
pub fn font_size_px(value: &str, parent_px: f32) -> Option<f32> {
    let keyword = match value.trim().to_ascii_lowercase().as_str() {
        "xx-small" => Some(9.0),
        "x-small" => Some(10.0),
        "small" => Some(13.0),
        "medium" => Some(16.0),
        "large" => Some(18.0),
        "x-large" => Some(24.0),
        "xx-large" => Some(32.0),
        "xxx-large" => Some(48.0),
        "smaller" => Some(parent_px / 1.2),
        "larger" => Some(parent_px * 1.2),
        _ => None,
    };
    if keyword.is_some() {
        return keyword;
    }
    let (n, unit) = number_unit(value)?;
    let px = match unit.as_str() {
        "px" | "" => n,
        "pt" => n * 4.0 / 3.0,
        "em" => n * parent_px,
        "rem" => n * 16.0,
        "%" => n * parent_px / 100.0,
        _ => return None,
    };
    (px >= 0.0).then_some(px)
}

/// The px size of a legacy `<font size>` attribute.
pub fn font_tag_size_px(value: &str) -> Option<f32> {
    let v = value.trim();
    let n: i32 = if let Some(rel) = v.strip_prefix('+') {
        3 + rel.parse::<i32>().ok()?
    } else if v.starts_with('-') {
        3 + v.parse::<i32>().ok()?
    } else {
        v.parse().ok()?
    };
    Some([10.0, 13.0, 16.0, 18.0, 24.0, 32.0, 48.0][(n.clamp(1, 7) - 1) as usize])
}

/// A CSS length in px; None when not a length.
pub fn length_px(value: &str, font_px: f32) -> Option<f32> {
    let (n, unit) = number_unit(value)?;
    match unit.as_str() {
        "px" | "" => Some(n),
        "pt" => Some(n * 4.0 / 3.0),
        "em" => Some(n * font_px),
        "rem" => Some(n * 16.0),
        "%" if n == 0.0 => Some(0.0),
        _ => None,
    }
}

/// An opacity value, clamped to 0..=1.
pub fn opacity(value: &str) -> Option<f32> {
    let (n, unit) = number_unit(value)?;
    match unit.as_str() {
        "" => Some(n.clamp(0.0, 1.0)),
        "%" => Some((n / 100.0).clamp(0.0, 1.0)),
        _ => None,
    }
}
