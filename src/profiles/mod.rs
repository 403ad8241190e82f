//! Recipients: the normalised [`Profile`], its JSON reader, the field mapping, language
//! tags and the address check. Exports name fields in their own way (`Email Address`,
//! `hs_language`); a [`FieldMap`] from the config maps them. The export readers are in
//! `audience`.

pub mod language;
pub mod privacy;

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::Path;
use std::str::FromStr;

use serde::Deserialize;
use serde_json::Value;
use serde_json::value::RawValue;

use crate::diagnostic::Source;
use crate::error::{Error, Result};
pub use language::Language;

/// The export's name for each field the rules use.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "snake_case", default)]
pub struct FieldMap {
    pub email: String,
    pub language: String,
    pub country: String,
    pub owned_products: String,
    pub status: String,
    /// A column that, when set (`true`, `yes`, a date), means the recipient opted out:
    /// HubSpot's `Unsubscribed from all email`, Mailchimp's `UNSUB_TIME`.
    pub opted_out: Option<String>,
    /// A column that, when set, means the address bounced: Mailchimp's `CLEAN_TIME`.
    pub bounced: Option<String>,
}

impl Default for FieldMap {
    fn default() -> Self {
        Self {
            email: "email".into(),
            language: "language".into(),
            country: "country".into(),
            owned_products: "owned_products".into(),
            status: "status".into(),
            opted_out: None,
            bounced: None,
        }
    }
}

/// One language value of a profile, as written and as understood.
#[derive(Debug, Clone, PartialEq)]
pub struct LanguageValue {
    pub raw: String,
    /// None when the value names no known language.
    pub language: Option<Language>,
}

/// A subscription status, normalised across ESPs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    Subscribed,
    Unsubscribed,
    /// Hard-bounced or removed as undeliverable (Mailchimp "cleaned").
    Cleaned,
    /// Reported the mail as spam.
    Complained,
    Pending,
    Other(String),
}

/// The status values (trimmed, lowercased, `_` and `-` read as spaces) of each status; the
/// SQL translation (`crate::sql`) matches the same lists.
pub const STATUS_VALUES: [(&[&str], Status); 5] = [
    (
        &["subscribed", "active", "opted in", "opt in", "yes", "true"],
        Status::Subscribed,
    ),
    (
        &[
            "unsubscribed",
            "opted out",
            "opt out",
            "optout",
            "unsubscribe",
            "no",
            "false",
        ],
        Status::Unsubscribed,
    ),
    (
        &[
            "cleaned",
            "bounced",
            "hard bounce",
            "hard bounced",
            "held",
            "invalid",
        ],
        Status::Cleaned,
    ),
    (
        &["complained", "spam", "spam complaint", "marked as spam"],
        Status::Complained,
    ),
    (
        &[
            "pending",
            "unconfirmed",
            "not confirmed",
            "double opt in pending",
            "awaiting confirmation",
            "non confirmed",
        ],
        Status::Pending,
    ),
];

/// Flag column values (`opted_out`, `bounced`) that mean "not set", lowercased.
pub const FLAG_UNSET: [&str; 4] = ["false", "no", "0", "n"];

impl Status {
    pub fn parse(value: &str) -> Status {
        let v = value.trim().to_lowercase().replace(['_', '-'], " ");
        STATUS_VALUES
            .iter()
            .find(|(values, _)| values.contains(&v.as_str()))
            .map_or_else(
                || Status::Other(value.trim().to_owned()),
                |(_, s)| s.clone(),
            )
    }

    /// Whether mail must not be sent: the person left, bounced or complained.
    pub fn is_suppressed(&self) -> bool {
        matches!(
            self,
            Status::Unsubscribed | Status::Cleaned | Status::Complained
        )
    }
}

/// Where each known field's value is written, when the profile came from a file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FieldSpans {
    pub email: Option<Range<usize>>,
    pub language: Option<Range<usize>>,
    pub owned_products: Option<Range<usize>>,
    pub status: Option<Range<usize>>,
    /// The whole profile (for findings about a missing field).
    pub whole: Option<Range<usize>>,
    /// Every field's value, by its export name.
    pub fields: BTreeMap<String, Range<usize>>,
}

/// One recipient.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Profile {
    pub email: Option<String>,
    pub languages: Vec<LanguageValue>,
    pub country: Option<String>,
    pub owned_products: Vec<String>,
    pub status: Option<(String, Status)>,
    /// Every field as exported, by its export name.
    pub fields: BTreeMap<String, Value>,
    pub spans: FieldSpans,
}

/// A profile read from a file, with the file's text for diagnostics.
#[derive(Debug, Clone)]
pub struct ProfileFile {
    pub path: String,
    pub source: Source,
    pub profile: Profile,
}

impl ProfileFile {
    /// Reads one JSON profile, of at most `[limits] max-json-record-kb` (kept while
    /// reading: a FIFO or a device has no size to check first).
    pub fn load(
        path: &Path,
        map: &FieldMap,
        limits: &crate::limits::Limits,
    ) -> Result<ProfileFile> {
        let display = path.display().to_string();
        let max = limits.records().json_bytes;
        let bytes = crate::campaign::read_within(path, max as u64, || {
            format!(
                "the profile is longer than {} KB (raise [limits] max-json-record-kb in campaign-lint.toml)",
                max / 1024
            )
        })?;
        let text = std::str::from_utf8(&bytes).map_err(|e| {
            let text = String::from_utf8_lossy(&bytes);
            Error::new(&display, "the profile is not valid UTF-8").at_offset(&text, e.valid_up_to())
        })?;
        let profile = parse_json(&display, text, map)?;
        Ok(ProfileFile {
            path: display.clone(),
            source: Source::new(display, text),
            profile,
        })
    }
}

/// Parses one JSON profile object; `path` names it in errors.
pub fn parse_json(path: &str, text: &str, map: &FieldMap) -> Result<Profile> {
    let trimmed = text.trim_start().trim_start_matches('\u{feff}');
    let audience = "an audience: check it with --audience FILE (--profile reads one JSON object)";
    if !trimmed.starts_with('{') {
        let at = text.len() - trimmed.len();
        let first_line = trimmed.lines().next().unwrap_or("");
        let message = if trimmed.starts_with('[') {
            format!("this is a JSON array of profiles, {audience}")
        } else if first_line.contains([',', ';', '\t', '|']) && !first_line.contains('{') {
            format!("this looks like a CSV export, {audience}")
        } else {
            "expected a JSON object with the profile's fields".to_owned()
        };
        return Err(Error::new(path, message).at_offset(text, at));
    }
    let raw: BTreeMap<String, &RawValue> = serde_json::from_str(text).map_err(|e| {
        // `{...}` then `{...}` on the next line: JSON Lines, one profile per line.
        let more = serde_json::Deserializer::from_str(trimmed)
            .into_iter::<serde::de::IgnoredAny>()
            .take(2)
            .flatten()
            .count()
            > 1;
        let message = if more {
            format!("more than one JSON object: this is JSON Lines, {audience}")
        } else {
            format!("malformed JSON: {}", json_message(&e))
        };
        Error::new(path, message).at(e.line(), e.column())
    })?;
    let offset_of = |v: &RawValue| {
        let start = (v.get().as_ptr() as usize).saturating_sub(text.as_ptr() as usize);
        start..start + v.get().len()
    };
    let mut fields = BTreeMap::new();
    let mut ranges = BTreeMap::new();
    for (key, value) in &raw {
        let parsed: Value = serde_json::from_str(value.get()).map_err(|e| {
            Error::new(path, format!("malformed JSON: {}", json_message(&e)))
                .at_offset(text, offset_of(value).start)
        })?;
        ranges.insert(key.clone(), offset_of(value));
        fields.insert(key.clone(), parsed);
    }
    let whole_start = text.len() - trimmed.len();
    let mut profile = from_fields(fields, map).map_err(|(field, message)| {
        let at = find_key(&ranges, &field).map_or(whole_start, |r| r.start);
        Error::new(path, message).at_offset(text, at)
    })?;
    profile.spans = FieldSpans {
        email: find_key(&ranges, &map.email),
        language: find_key(&ranges, &map.language),
        owned_products: find_key(&ranges, &map.owned_products),
        status: find_key(&ranges, &map.status),
        whole: Some(whole_start..text.trim_end().len()),
        fields: ranges,
    };
    Ok(profile)
}

fn find_key(ranges: &BTreeMap<String, Range<usize>>, name: &str) -> Option<Range<usize>> {
    lookup(ranges, name).map(|(_, r)| r.clone())
}

/// A field by its export name: exactly, else ignoring case and surrounding spaces (exports
/// write `Email`, `email` and ` EMAIL `).
pub fn lookup<'a, V>(fields: &'a BTreeMap<String, V>, name: &str) -> Option<(&'a String, &'a V)> {
    fields.get_key_value(name).or_else(|| {
        fields
            .iter()
            .find(|(k, _)| k.trim().eq_ignore_ascii_case(name))
    })
}

/// Builds a profile from exported fields. On error: the export's field name and a message.
pub fn from_fields(
    fields: BTreeMap<String, Value>,
    map: &FieldMap,
) -> Result<Profile, (String, String)> {
    let get = |name: &str| lookup(&fields, name).map(|(_, v)| v);
    let email = match get(&map.email).and_then(as_text) {
        Some(email) => {
            check_email(&email, &map.email).map_err(|m| (map.email.clone(), m))?;
            Some(email)
        }
        None => None,
    };
    let languages = get(&map.language)
        .map(|v| as_list(v, &[',', ';', '|']))
        .unwrap_or_default()
        .into_iter()
        .map(|raw| LanguageValue {
            language: Language::parse(&raw),
            raw,
        })
        .collect();
    let owned_products = get(&map.owned_products)
        .map(|v| as_list(v, &[';', '|']))
        .unwrap_or_default();
    let flag = |column: &Option<String>| {
        column
            .as_deref()
            .and_then(&get)
            .and_then(as_text)
            .filter(|v| !FLAG_UNSET.contains(&v.to_ascii_lowercase().as_str()))
    };
    let status = if let Some(v) = flag(&map.opted_out) {
        Some((v, Status::Unsubscribed))
    } else if let Some(v) = flag(&map.bounced) {
        Some((v, Status::Cleaned))
    } else {
        get(&map.status)
            .and_then(as_text)
            .map(|s| (s.clone(), Status::parse(&s)))
    };
    let country = get(&map.country).and_then(as_text);
    Ok(Profile {
        email,
        languages,
        country,
        owned_products,
        status,
        fields,
        spans: FieldSpans::default(),
    })
}

/// Whether `email` (trimmed, from the export field `field`) is an address mail can be
/// sent to; the error says what is wrong with it.
pub fn check_email(email: &str, field: &str) -> Result<(), String> {
    if plain_address(email.as_bytes()) || lettre::Address::from_str(email).is_ok() {
        return Ok(());
    }
    // A long value keeps its `@` in view, so that masking finds the address in it
    // rather than showing the start of the local part alone.
    let shown = match email.find('@') {
        Some(at) if !shorten(email).contains('@') => {
            let local: String = email[..at].chars().take(8).collect();
            format!("{local}…{}", shorten(&email[at..]))
        }
        _ => shorten(email),
    };
    Err(format!(
        "invalid email address {shown:?} in field {field:?}: {}",
        describe_address_error(email)
    ))
}

/// Whether `email` is an ASCII dot-atom address that lettre (through the
/// email_address crate) certainly accepts: `user.name+tag@mail.example.com`. Only a
/// shortcut past lettre for the common case: false says nothing, ask [`check_email`].
pub fn plain_address(email: &[u8]) -> bool {
    common_address(email) || plain_local(email).is_some_and(|at| plain_domain(&email[at + 1..]))
}

/// [`plain_address`] for the addresses exports are full of: at most 32 bytes of letters,
/// digits, `.`, `-`, `_`, `+` and one `@`. They are classified sixteen bytes at a time into
/// bit masks, and the dot-atom rules are checked on the masks. False says nothing (the
/// byte-wise reading decides).
pub fn common_address(email: &[u8]) -> bool {
    let n = email.len();
    // Two looks of sixteen bytes (the second overlapping the first) cover up to 32.
    let [alnum, valid, dots, at] = match n {
        16..=32 => {
            let first = classify_address_16(email[..16].try_into().unwrap_or(&[0; 16]));
            let last = classify_address_16(email[n - 16..].try_into().unwrap_or(&[0; 16]));
            let shift = n - 16;
            std::array::from_fn(|i| u64::from(first[i]) | (u64::from(last[i]) << shift))
        }
        3..16 => {
            // Padded with letters, whose bits are cut off below.
            let mut block = [b'a'; 16];
            block[..n].copy_from_slice(email);
            classify_address_16(&block).map(u64::from)
        }
        _ => return false,
    };
    let all = u64::MAX >> (64 - n);
    let alnum = alnum & all;
    if valid & all != all || at.count_ones() != 1 || at == 1 {
        return false;
    }
    let local = at - 1;
    let domain_dots = dots & !local;
    // No dot first, doubled, or beside the `@`; every domain label starts and ends with
    // a letter or digit (the one after the `@`, the last byte, and those beside a dot;
    // a bit past the end, from a final dot, is no letter either). Lengths are within
    // limits at 32 bytes.
    dots & 1 == 0
        && dots & (dots >> 1) == 0
        && dots & (at >> 1) == 0
        && ((at << 1) | (1 << (n - 1)) | (domain_dots << 1) | (domain_dots >> 1)) & !alnum == 0
}

/// Bit i of each mask: `block[i]` is a letter or digit; any of the bytes a common
/// address is made of (those, `.`, `@`, `-`, `_`, `+`); `.`; `@`.
#[cfg(target_arch = "x86_64")]
fn classify_address_16(block: &[u8; 16]) -> [u16; 4] {
    use safe_arch::{
        bitor_m128i, cmp_eq_mask_i8_m128i, load_unaligned_m128i, max_u8_m128i, min_u8_m128i,
        move_mask_i8_m128i, set_splat_i8_m128i,
    };
    let splat = |b: u8| set_splat_i8_m128i(b.cast_signed());
    let v = load_unaligned_m128i(block);
    let within = |x, lo: u8, hi: u8| {
        cmp_eq_mask_i8_m128i(max_u8_m128i(min_u8_m128i(x, splat(hi)), splat(lo)), x)
    };
    let is = |b: u8| cmp_eq_mask_i8_m128i(v, splat(b));
    // Setting bit 5 maps exactly the letters of either case onto a-z.
    let lower = bitor_m128i(v, splat(0x20));
    let alnum = bitor_m128i(within(lower, b'a', b'z'), within(v, b'0', b'9'));
    let (dot, at) = (is(b'.'), is(b'@'));
    let other = bitor_m128i(bitor_m128i(is(b'-'), is(b'_')), is(b'+'));
    let valid = bitor_m128i(bitor_m128i(alnum, other), bitor_m128i(dot, at));
    let mask = |m| move_mask_i8_m128i(m) as u16;
    [mask(alnum), mask(valid), mask(dot), mask(at)]
}

#[cfg(not(target_arch = "x86_64"))]
fn classify_address_16(block: &[u8; 16]) -> [u16; 4] {
    let mut masks = [0u16; 4];
    for (i, &c) in block.iter().enumerate() {
        let bit = 1 << i;
        match c {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' => masks[0] |= bit,
            b'-' | b'_' | b'+' => {}
            b'.' => masks[2] |= bit,
            b'@' => masks[3] |= bit,
            _ => continue,
        }
        masks[1] |= bit;
    }
    masks
}

/// The part of [`plain_address`] before the `@`: atoms of atext between single dots,
/// read in the same pass that finds the `@`. Returns the offset of the `@`.
pub fn plain_local(email: &[u8]) -> Option<usize> {
    let mut after_dot = true;
    for (i, &c) in email.iter().enumerate().take(65) {
        if c == b'@' {
            return (!after_dot).then_some(i);
        }
        if c == b'.' {
            if after_dot {
                return None;
            }
            after_dot = true;
        } else if atext(c) {
            after_dot = false;
        } else {
            return None;
        }
    }
    None
}

/// The part of [`plain_address`] after the `@`: labels of atext that start and end with
/// a letter or digit.
pub fn plain_domain(domain: &[u8]) -> bool {
    !domain.is_empty()
        && domain.len() <= 254
        && domain.split(|&c| c == b'.').all(|label| {
            label.len() <= 63
                && label.first().is_some_and(u8::is_ascii_alphanumeric)
                && label.last().is_some_and(u8::is_ascii_alphanumeric)
                && label.iter().all(|&c| atext(c))
        })
}

/// RFC 5322 atext, ASCII only.
fn atext(c: u8) -> bool {
    ATEXT[c as usize]
}

static ATEXT: [bool; 256] = {
    let mut table = [false; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        table[c] = b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'!' | b'#'
                    | b'$'
                    | b'%'
                    | b'&'
                    | b'\''
                    | b'*'
                    | b'+'
                    | b'-'
                    | b'/'
                    | b'='
                    | b'?'
                    | b'^'
                    | b'_'
                    | b'`'
                    | b'{'
                    | b'|'
                    | b'}'
                    | b'~'
            );
        c += 1;
    }
    table
};

/// A value quoted in a message, cut to a readable length (it may be a whole broken row).
pub fn shorten(value: &str) -> String {
    const MAX: usize = 60;
    match value.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}…", &value[..cut]),
        None => value.to_owned(),
    }
}

/// lettre says only "Invalid input"; say what is wrong.
fn describe_address_error(email: &str) -> String {
    match email.split_once('@') {
        None => "there is no '@'".to_owned(),
        Some(("", _)) => "nothing before the '@'".to_owned(),
        Some((_, "")) => "no domain after the '@'".to_owned(),
        Some((_, domain)) if domain.contains('@') => "more than one '@'".to_owned(),
        Some(_) if email.contains(char::is_whitespace) => "it contains a space".to_owned(),
        Some(_) => "not a valid address".to_owned(),
    }
}

/// A scalar as text; None for null and empty strings.
fn as_text(v: &Value) -> Option<String> {
    let s = match v {
        Value::String(s) => s.trim().to_owned(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        _ => return None,
    };
    (!s.is_empty()).then_some(s)
}

/// An array, or a string separated by any of `separators`, as a list of non-empty items.
fn as_list(v: &Value, separators: &[char]) -> Vec<String> {
    match v {
        Value::Array(items) => items.iter().filter_map(as_text).collect(),
        other => as_text(other)
            .map(|s| {
                s.split(separators)
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default(),
    }
}

/// serde_json's message without its " at line L column C" (positions are reported apart).
pub(crate) fn json_message(e: &serde_json::Error) -> String {
    let text = e.to_string();
    text.rfind(" at line ")
        .map_or(text.clone(), |i| text[..i].to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_invalid_address_is_quoted_with_its_at_sign() {
        let long = format!("{} {}@example.com", "x".repeat(70), "secret");
        let message = check_email(&long, "email").unwrap_err();
        assert!(message.contains("xxxxxxxx…@example.com"), "{message}");
        let masked = privacy::mask_addresses(&message);
        assert!(
            !masked.contains("secret") && !masked.contains("xx"),
            "{masked}"
        );
    }

    #[test]
    fn reads_fields_and_spans() {
        let text = r#"{ "email": "anna@example.com", "language": "en-GB", "owned_products": ["KD-55X85J", "XQ-DQ54"], "status": "subscribed" }"#;
        let p = parse_json("p.json", text, &FieldMap::default()).unwrap();
        assert_eq!(p.email.as_deref(), Some("anna@example.com"));
        assert_eq!(p.languages[0].language, Language::parse("en"));
        assert_eq!(p.owned_products, ["KD-55X85J", "XQ-DQ54"]);
        assert_eq!(p.status.as_ref().unwrap().1, Status::Subscribed);
        assert_eq!(&text[p.spans.language.unwrap()], "\"en-GB\"");
    }

    #[test]
    fn maps_export_field_names() {
        let map = FieldMap {
            email: "Email Address".into(),
            language: "hs_language".into(),
            owned_products: "Products".into(),
            ..FieldMap::default()
        };
        let text = r#"{"Email Address": "a@example.com", "HS_LANGUAGE": "Deutsch", "Products": "KD-55X85J | XQ-DQ54"}"#;
        let p = parse_json("p.json", text, &map).unwrap();
        assert_eq!(p.languages[0].language, Language::parse("de"));
        assert_eq!(p.owned_products.len(), 2);
    }

    #[test]
    fn the_address_shortcut_agrees_with_lettre() {
        for email in [
            "anna@example.com",
            "a.b+c@mail.example.co.uk",
            "x@y",
            "a..b@example.com",
            ".a@example.com",
            "a@-example.com",
            "a@example-.com",
            "a@ex_ample.com",
            "\"quoted\"@example.com",
            "a@[127.0.0.1]",
            "a@b@example.com",
            "a b@example.com",
            "jo\u{eb}l@example.com",
            "a@example..com",
            "@example.com",
            "a@",
        ] {
            let lettre = lettre::Address::from_str(email).is_ok();
            if plain_address(email.as_bytes()) {
                assert!(lettre, "{email}: shortcut accepts what lettre rejects");
            }
            assert_eq!(check_email(email, "email").is_ok(), lettre, "{email}");
        }
    }

    #[test]
    fn the_mask_reading_of_addresses_agrees_with_the_byte_wise_one() {
        // Addresses from pieces that make the rules matter (dots, `@`, edges, lengths
        // either side of 16 and 32 bytes), each checked both ways.
        let pieces: [&[u8]; 14] = [
            b"a",
            b"Z9",
            b".",
            b"@",
            b"-",
            b"_",
            b"+",
            b"example",
            b"com",
            b"!",
            b" ",
            b"\xc3\xa9",
            b"0123456789abcdef",
            b"x",
        ];
        let mut next = crate::testing::numbers(0x9e37_79b9_7f4a_7c15_u64);
        let byte_wise = |e: &[u8]| plain_local(e).is_some_and(|at| plain_domain(&e[at + 1..]));
        let (mut checked, mut accepted) = (0, 0);
        for _ in 0..200_000 {
            let mut email = Vec::new();
            for _ in 0..next(12) {
                email.extend_from_slice(pieces[next(pieces.len())]);
            }
            if next(2) == 0 {
                let at = next(email.len() + 1);
                email.insert(at, b'@');
            }
            let fast = common_address(&email);
            assert!(
                !fast || byte_wise(&email),
                "{}: the masks accept what the bytes refuse",
                String::from_utf8_lossy(&email)
            );
            // Within its characters and length, the mask reading decides alone.
            let common_bytes = email.len() <= 32
                && email
                    .iter()
                    .all(|&c| c.is_ascii_alphanumeric() || b".@-_+".contains(&c));
            if common_bytes {
                assert_eq!(
                    fast,
                    byte_wise(&email),
                    "{}",
                    String::from_utf8_lossy(&email)
                );
                checked += 1;
                accepted += usize::from(fast);
            }
        }
        assert!(
            checked > 50_000 && accepted > 5_000,
            "{accepted} of {checked}"
        );
        let cases: [(&[u8], bool); 17] = [
            (b"anna@example.com", true),
            (b"first.last+tag@mail.example.org", true),
            (b"a@b", true),
            (b"user_1-x@sub-domain.example.org", true),
            (b"0123456789abcdefghij@example.com", true),
            (b"0123456789abcdefghijk@example.com", false),
            (b"@example.com", false),
            (b"a.@example.com", false),
            (b".a@example.com", false),
            (b"a..b@example.com", false),
            (b"a@.example.com", false),
            (b"a@example.com.", false),
            (b"a@example..com", false),
            (b"a@-example.com", false),
            (b"a@example-", false),
            (b"a@b@c", false),
            (b"a@", false),
        ];
        for (email, plain) in cases {
            let shown = String::from_utf8_lossy(email);
            assert_eq!(common_address(email), plain, "{shown}");
        }
    }

    #[test]
    fn errors_are_located() {
        let err = parse_json(
            "p.json",
            "{\n  \"email\": \"a@example.com\",\n  \"language\": \"en\",,\n}",
            &FieldMap::default(),
        )
        .unwrap_err();
        assert_eq!(err.position.map(|p| p.0), Some(3));
        let err = parse_json(
            "p.json",
            "{\n  \"email\": \"anna.example.com\"\n}",
            &FieldMap::default(),
        )
        .unwrap_err();
        assert_eq!(err.position, Some((2, 12)));
        assert!(err.message.contains("no '@'"), "{err}");
        let err = parse_json("p.json", "[1, 2]", &FieldMap::default()).unwrap_err();
        assert!(err.message.contains("JSON object"));
    }
}
