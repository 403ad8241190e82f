//! Postal addresses in read text, for the CAN-SPAM footer check: ESP address merge tags,
//! post-office boxes, street + house number in the common European and American orders,
//! and postal codes with a city.
//!
//! Hand-written over word tokens rather than regular expressions: each pattern needs a
//! little context a regex expresses badly (capitalised name words, particles such as
//! "de la", house numbers that are not prices or percentages), and a footer is short.
//! Each pattern is specific enough to stand alone; a plain number next to a capitalised
//! word ("10000 Points") is not an address.

use std::ops::Range;

use super::merge_tags;

/// Which pattern recognised the address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddressKind {
    /// An ESP merge tag the ESP fills with the sender's address (`*|LIST:ADDRESS|*`).
    MergeTag,
    PostBox,
    /// A street name with a house number, or a suite/floor.
    Street,
    PostalCode,
}

/// An address (or the recognised piece of one) in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Address {
    pub kind: AddressKind,
    /// Byte range in the text of the recognised piece.
    pub range: Range<usize>,
}

/// The first postal address (or recognisable piece of one) in `text`.
pub fn find(text: &str) -> Option<Address> {
    if let Some(tag) = merge_tags::find(text)
        .into_iter()
        .find(|t| is_address_tag(&t.expr))
    {
        return Some(Address {
            kind: AddressKind::MergeTag,
            range: tag.range,
        });
    }
    let tokens = tokens(text);
    let scan = Scan {
        text,
        tokens: &tokens,
    };
    (0..tokens.len()).find_map(|i| scan.at(i))
}

/// Whether a merge tag expression stands for the sender's address: `LIST:ADDRESS`,
/// `HTML:LIST_ADDRESS_HTML`, `Member_Addr`, `Member_City`, `organization.address`,
/// `Sender_Address`, `site.address`, `company_address`. The recipient's email address
/// (`email_address`, `emailaddr`) is not one.
fn is_address_tag(expr: &str) -> bool {
    let e = expr.to_ascii_lowercase();
    let name = e
        .split(|c: char| c.is_whitespace() || c == '|')
        .next()
        .unwrap_or("");
    if name.contains("mail") {
        return false;
    }
    name.contains("addr")
        || [
            "member_city",
            "member_state",
            "member_postalcode",
            "member_country",
        ]
        .contains(&name)
}

#[derive(Debug, Clone, Copy)]
struct Token<'a> {
    text: &'a str,
    start: usize,
    end: usize,
}

impl Token<'_> {
    fn lower(&self) -> String {
        self.text.to_lowercase()
    }

    fn is_digits(&self) -> bool {
        self.text.bytes().all(|b| b.is_ascii_digit())
    }

    fn is_capitalised(&self) -> bool {
        self.text.chars().next().is_some_and(char::is_uppercase)
    }

    fn is_upper(&self) -> bool {
        self.text.chars().all(|c| c.is_ascii_uppercase())
    }

    /// A capitalised word or an ordinal/number in a street name ("Main", "5th", "Élysées").
    fn is_name_word(&self) -> bool {
        self.is_capitalised() || self.text.starts_with(|c: char| c.is_ascii_digit())
    }
}

/// Runs of letters and digits, with their byte ranges.
fn tokens(text: &str) -> Vec<Token<'_>> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        match (c.is_alphanumeric(), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push(Token {
                    text: &text[s..i],
                    start: s,
                    end: i,
                });
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push(Token {
            text: &text[s..],
            start: s,
            end: text.len(),
        });
    }
    out
}

/// Street names that end in a street word, written before the number (German, Dutch,
/// Scandinavian): `Musterstraße 12`, `Keizersgracht 123`, `Drottninggatan 5`.
const NAME_FIRST_SUFFIXES: &[&str] = &[
    "straße", "strasse", "weg", "gasse", "platz", "allee", "damm", "ufer", "chaussee", "steig",
    "pfad", "straat", "laan", "gracht", "plein", "kade", "singel", "dreef", "gatan", "vägen",
    "gade", "vej", "veien", "gata", "gränd", "torget",
];

/// English street types, after the name: `12 Main Street`, `1600 Amphitheatre Pkwy`.
const EN_TYPES: &[&str] = &[
    "street",
    "st",
    "avenue",
    "ave",
    "road",
    "rd",
    "lane",
    "ln",
    "drive",
    "dr",
    "boulevard",
    "blvd",
    "way",
    "court",
    "ct",
    "place",
    "pl",
    "square",
    "sq",
    "terrace",
    "parkway",
    "pkwy",
    "highway",
    "hwy",
    "circle",
    "row",
    "close",
    "crescent",
    "plaza",
    "alley",
    "broadway",
];

/// Street types written before the name (Romance languages, Polish): `rue de la Paix`,
/// `Calle Mayor`, `Via Roma`, `Rua Augusta`.
const TYPE_FIRST: &[&str] = &[
    "rue",
    "avenue",
    "av",
    "boulevard",
    "bd",
    "place",
    "chemin",
    "quai",
    "allée",
    "impasse",
    "cours",
    "route",
    "calle",
    "avenida",
    "avda",
    "paseo",
    "plaza",
    "carrer",
    "camino",
    "ronda",
    "via",
    "viale",
    "piazza",
    "piazzale",
    "corso",
    "largo",
    "vicolo",
    "rua",
    "praça",
    "travessa",
    "ulica",
    "ul",
    "aleja",
    "plac",
];

/// Of `TYPE_FIRST`, the words that are also common lowercase words in English prose, so
/// they only count capitalised or before a particle ("avenue des Champs").
const AMBIGUOUS_TYPES: &[&str] = &[
    "avenue",
    "boulevard",
    "place",
    "cours",
    "route",
    "via",
    "plaza",
    "largo",
    "av",
    "bd",
];

/// Small words inside street names: `rue de la Paix`, `Piazza del Duomo`.
const PARTICLES: &[&str] = &[
    "de", "la", "le", "les", "des", "du", "d", "l", "del", "della", "delle", "dei", "di", "da",
    "do", "dos", "das", "y", "i", "e", "van", "der", "den", "am", "an",
];

/// Words after a five-digit number that show it is a quantity, not a postal code.
const NOT_CITIES: &[&str] = &[
    "points",
    "punkte",
    "pts",
    "miles",
    "meilen",
    "customers",
    "kunden",
    "members",
    "users",
    "reviews",
    "downloads",
    "followers",
    "eur",
    "euro",
    "usd",
    "gbp",
    "chf",
    "mah",
    "rpm",
    "mb",
    "gb",
    "tb",
];

/// US state and territory codes, for `NY 10001`.
const US_STATES: &[&str] = &[
    "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "FL", "GA", "HI", "ID", "IL", "IN", "IA", "KS",
    "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY",
    "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA", "WV",
    "WI", "WY", "DC", "PR",
];

struct Scan<'a> {
    text: &'a str,
    tokens: &'a [Token<'a>],
}

impl Scan<'_> {
    /// An address starting at token `i`.
    fn at(&self, i: usize) -> Option<Address> {
        let found = |kind, end: usize| {
            Some(Address {
                kind,
                range: self.tokens[i].start..self.tokens[end].end,
            })
        };
        if let Some(end) = self.post_box(i) {
            return found(AddressKind::PostBox, end);
        }
        if let Some(end) = self
            .name_first(i)
            .or_else(|| self.number_first(i))
            .or_else(|| self.type_first(i))
            .or_else(|| self.suite(i))
        {
            return found(AddressKind::Street, end);
        }
        if let Some(end) = self.postal_code(i) {
            return found(AddressKind::PostalCode, end);
        }
        None
    }

    fn tok(&self, i: usize) -> Option<&Token<'_>> {
        self.tokens.get(i)
    }

    /// The text between tokens `i` and `i + 1`.
    fn gap(&self, i: usize) -> &str {
        match (self.tokens.get(i), self.tokens.get(i + 1)) {
            (Some(a), Some(b)) => &self.text[a.end..b.start],
            _ => "",
        }
    }

    /// Whether only spaces separate tokens `i` and `i + 1` (an abbreviation's dot allowed).
    fn joined(&self, i: usize) -> bool {
        let gap = self.gap(i);
        !gap.is_empty() && gap.trim_start_matches('.').trim().is_empty()
    }

    /// Like [`Self::joined`], but a comma is allowed too ("Calle Mayor, 3").
    fn joined_or_comma(&self, i: usize) -> bool {
        let gap = self.gap(i).trim();
        gap.is_empty() || gap == ","
    }

    /// Whether token `i` is a house number: `12`, `12a`, `221B`, not a price, a
    /// percentage, a decimal or a time.
    fn house_number(&self, i: usize) -> bool {
        let Some(t) = self.tok(i) else {
            return false;
        };
        let digits = t.text.bytes().take_while(u8::is_ascii_digit).count();
        let rest = &t.text[digits..];
        if !(1..=5).contains(&digits) || rest.chars().count() > 1 {
            return false;
        }
        if !rest.is_empty() && !rest.chars().all(char::is_alphabetic) {
            return false;
        }
        let after = &self.text[t.end..];
        let before = &self.text[..t.start];
        let quantity = after.starts_with(['%', '€', '$', '£', ':'])
            || after.trim_start().starts_with(['%', '€', '$', '£'])
            || (after.starts_with(['.', ','])
                && after[1..].starts_with(|c: char| c.is_ascii_digit()))
            || before.ends_with(['€', '$', '£', '.', ':']);
        !quantity
    }

    /// `P.O. Box 123`, `Postfach 10 20 30`, `Postbus 42`, `Apartado de Correos 7`,
    /// `Casella postale 12`, `Boîte postale 5`.
    fn post_box(&self, i: usize) -> Option<usize> {
        const OPENERS: &[&[&str]] = &[
            &["p", "o", "box"],
            &["po", "box"],
            &["post", "office", "box"],
            &["postfach"],
            &["postbus"],
            &["apartado"],
            &["casella", "postale"],
            &["boîte", "postale"],
            &["boite", "postale"],
            &["caixa", "postal"],
        ];
        for opener in OPENERS {
            let matches = opener
                .iter()
                .enumerate()
                .all(|(k, w)| self.tok(i + k).is_some_and(|t| t.lower() == *w));
            if !matches {
                continue;
            }
            let after = i + opener.len();
            // "Apartado de Correos 7": up to two words before the number.
            for n in after..after + 3 {
                let Some(t) = self.tok(n) else { break };
                if t.is_digits() {
                    return Some(n);
                }
            }
        }
        None
    }

    /// `Musterstraße 12`, `Hauptstr. 5`, `Keizersgracht 123`.
    fn name_first(&self, i: usize) -> Option<usize> {
        let t = self.tok(i)?;
        if !t.is_capitalised() {
            return None;
        }
        let lower = t.lower();
        let abbreviated = lower.ends_with("str") && self.text[t.end..].starts_with('.');
        let street = abbreviated || NAME_FIRST_SUFFIXES.iter().any(|s| lower.ends_with(s));
        (street && self.joined(i) && self.house_number(i + 1)).then_some(i + 1)
    }

    /// `12 Main Street`, `350 5th Avenue`, `5 rue de la Paix`, `12, avenue des Champs`.
    fn number_first(&self, i: usize) -> Option<usize> {
        if !self.house_number(i) {
            return None;
        }
        // Romance: the type right after the number, then the name.
        let next = self.tok(i + 1)?;
        let lower = next.lower();
        if self.joined_or_comma(i) && TYPE_FIRST.contains(&lower.as_str()) {
            let name = self.tok(i + 2)?;
            let ambiguous = AMBIGUOUS_TYPES.contains(&lower.as_str());
            let particle = PARTICLES.contains(&name.lower().as_str());
            let ok = if ambiguous {
                particle || (next.is_capitalised() && name.is_capitalised())
            } else {
                particle || name.is_capitalised()
            };
            if ok && self.joined(i + 1) {
                return Some(i + 2);
            }
        }
        // English: one to four capitalised name words, then the type.
        for k in i + 1..i + 6 {
            let t = self.tok(k)?;
            if !self.joined(k - 1) {
                return None;
            }
            if k > i + 1 && t.is_capitalised() && EN_TYPES.contains(&t.lower().as_str()) {
                return Some(k);
            }
            if !t.is_name_word() {
                return None;
            }
        }
        None
    }

    /// `Calle Mayor 3`, `Via Roma 1`, `Rue de la Loi 16`, `Piazza del Duomo, 1`.
    fn type_first(&self, i: usize) -> Option<usize> {
        let t = self.tok(i)?;
        if !t.is_capitalised() || !TYPE_FIRST.contains(&t.lower().as_str()) {
            return None;
        }
        let mut named = false;
        for k in i + 1..i + 8 {
            let w = self.tok(k)?;
            if named && self.joined_or_comma(k - 1) && self.house_number(k) {
                return Some(k);
            }
            if !self.joined(k - 1) {
                return None;
            }
            if PARTICLES.contains(&w.lower().as_str()) {
                continue;
            }
            if !w.is_capitalised() {
                return None;
            }
            named = true;
        }
        None
    }

    /// `Suite 200`, `Floor 3`, `3rd Floor`, `Unit 5`.
    fn suite(&self, i: usize) -> Option<usize> {
        let t = self.tok(i)?;
        let next = self.tok(i + 1)?;
        if !self.joined(i) {
            return None;
        }
        let word = matches!(t.text, "Suite" | "Ste" | "Floor" | "Fl" | "Unit" | "Apt");
        if word && next.text.starts_with(|c: char| c.is_ascii_digit()) && self.house_number(i + 1) {
            return Some(i + 1);
        }
        let ordinal = t.text.len() >= 3
            && t.text.starts_with(|c: char| c.is_ascii_digit())
            && ["st", "nd", "rd", "th"].iter().any(|s| t.text.ends_with(s));
        (ordinal && next.text == "Floor").then_some(i + 1)
    }

    /// `20095 Hamburg`, `75001 Paris`, `SW1A 1AA`, `NY 10001`, `1012 AB Amsterdam`,
    /// `M5V 2T6`, `CH-8001 Zürich`.
    fn postal_code(&self, i: usize) -> Option<usize> {
        let t = self.tok(i)?;
        let next = self.tok(i + 1);
        let joined = self.joined(i) && !self.gap(i).contains('.');
        // UK: outward code and inward code (the inward letters never use C I K M O V).
        if joined
            && let Some(n) = next
            && uk_outward(t.text)
            && uk_inward(n.text)
        {
            return Some(i + 1);
        }
        // Canada: A1A 1A1.
        if joined
            && let Some(n) = next
            && canadian(t.text, n.text)
        {
            return Some(i + 1);
        }
        // US: state code and ZIP (ZIP+4 is two tokens; the first is enough).
        if joined
            && let Some(n) = next
            && US_STATES.contains(&t.text)
            && n.text.len() == 5
            && n.is_digits()
        {
            return Some(i + 1);
        }
        if !t.is_digits() || !self.stands_alone(i) {
            return None;
        }
        let n = next?;
        // Netherlands: 1012 AB Amsterdam.
        if t.text.len() == 4 && joined && n.text.len() == 2 && n.is_upper() {
            let city = self.tok(i + 2)?;
            return (self.joined(i + 1) && self.city(i + 2) && city.is_capitalised())
                .then_some(i + 2);
        }
        if !joined || !self.city(i + 1) {
            return None;
        }
        match t.text.len() {
            5 => Some(i + 1),
            // Four digits (AT, BE, CH, DK, NO, ...) are also years and quantities: only
            // after a separator ("·", ",", "CH-") and not a year of this era.
            4 => {
                let year = t.text.starts_with("19") || t.text.starts_with("20");
                let before = self.text[..t.start].trim_end();
                let separated = before.is_empty()
                    || before.ends_with([',', '·', '|', '•', '–', '-', ';', '/'])
                    || before.ends_with(char::is_numeric);
                (!year && separated).then_some(i + 1)
            }
            _ => None,
        }
    }

    /// Whether the number token `i` is a whole number, not part of `1.000.000` or `3,5`.
    fn stands_alone(&self, i: usize) -> bool {
        let t = &self.tokens[i];
        let before = &self.text[..t.start];
        let after = &self.text[t.end..];
        let glued = |s: &str| s.starts_with(|c: char| c.is_ascii_digit());
        let grouped_before = (before.ends_with('.') || before.ends_with(','))
            && before[..before.len() - 1].ends_with(|c: char| c.is_ascii_digit());
        let grouped_after =
            (after.starts_with('.') || after.starts_with(',')) && glued(&after[1..]);
        !grouped_before && !grouped_after && !after.starts_with(['%', '€', '$'])
    }

    /// Whether token `i` can be a city name: a capitalised word of letters.
    fn city(&self, i: usize) -> bool {
        self.tok(i).is_some_and(|t| {
            t.is_capitalised()
                && t.text.chars().count() >= 2
                && t.text.chars().all(char::is_alphabetic)
                && !NOT_CITIES.contains(&t.lower().as_str())
        })
    }
}

fn uk_outward(s: &str) -> bool {
    let b = s.as_bytes();
    if !(2..=4).contains(&b.len())
        || !s
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
    {
        return false;
    }
    let letters = b.iter().take_while(|c| c.is_ascii_alphabetic()).count();
    (1..=2).contains(&letters) && b.get(letters).is_some_and(u8::is_ascii_digit)
}

fn uk_inward(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 3
        && b[0].is_ascii_digit()
        && b[1..]
            .iter()
            .all(|c| c.is_ascii_uppercase() && !b"CIKMOV".contains(c))
}

fn canadian(a: &str, b: &str) -> bool {
    let shape = |s: &str, first_letter: bool| {
        s.len() == 3
            && s.bytes().enumerate().all(|(k, c)| {
                if (k % 2 == 0) == first_letter {
                    c.is_ascii_uppercase()
                } else {
                    c.is_ascii_digit()
                }
            })
    };
    shape(a, true) && shape(b, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn piece(text: &str) -> Option<(AddressKind, &str)> {
        find(text).map(|a| (a.kind, &text[a.range]))
    }

    #[test]
    fn streets_in_several_languages() {
        for (text, expected) in [
            (
                "Nordlicht GmbH, Musterstraße 12, 20095 Hamburg",
                "Musterstraße 12",
            ),
            ("Hauptstr. 5a", "Hauptstr. 5a"),
            ("Acme Inc., 12 Main Street, Springfield", "12 Main Street"),
            ("350 5th Avenue, New York", "350 5th Avenue"),
            ("Shop, 5 rue de la Paix", "5 rue de"),
            ("12, avenue des Champs-Élysées", "12, avenue des"),
            ("Rue de la Paix 5, Paris", "Rue de la Paix 5"),
            ("Calle Mayor 3", "Calle Mayor 3"),
            ("Calle Mayor, 3", "Calle Mayor, 3"),
            ("Via Roma 1", "Via Roma 1"),
            ("Piazza del Duomo 1", "Piazza del Duomo 1"),
            ("Keizersgracht 123", "Keizersgracht 123"),
            ("Drottninggatan 5", "Drottninggatan 5"),
            ("Suite 200", "Suite 200"),
            ("3rd Floor", "3rd Floor"),
        ] {
            assert_eq!(piece(text), Some((AddressKind::Street, expected)), "{text}");
        }
    }

    #[test]
    fn post_boxes_and_postal_codes() {
        for (text, kind, expected) in [
            ("P.O. Box 1234", AddressKind::PostBox, "P.O. Box 1234"),
            ("Postfach 10 20 30", AddressKind::PostBox, "Postfach 10"),
            ("Postbus 42, Den Haag", AddressKind::PostBox, "Postbus 42"),
            (
                "Apartado de Correos 7",
                AddressKind::PostBox,
                "Apartado de Correos 7",
            ),
            ("20095 Hamburg", AddressKind::PostalCode, "20095 Hamburg"),
            ("D-20095 Hamburg", AddressKind::PostalCode, "20095 Hamburg"),
            (
                "75001 Paris, France",
                AddressKind::PostalCode,
                "75001 Paris",
            ),
            ("London SW1A 1AA", AddressKind::PostalCode, "SW1A 1AA"),
            ("New York, NY 10001", AddressKind::PostalCode, "NY 10001"),
            (
                "1012 AB Amsterdam",
                AddressKind::PostalCode,
                "1012 AB Amsterdam",
            ),
            ("CH-8001 Zürich", AddressKind::PostalCode, "8001 Zürich"),
            ("Toronto ON M5V 2T6", AddressKind::PostalCode, "M5V 2T6"),
        ] {
            assert_eq!(piece(text), Some((kind, expected)), "{text}");
        }
    }

    #[test]
    fn esp_address_merge_tags() {
        for text in [
            "Our mailing address is: *|HTML:LIST_ADDRESS_HTML|*",
            "*|LIST:ADDRESS|*",
            "*|LIST_ADDRESS|*",
            "%%Member_Addr%% %%Member_City%%",
            "%%Member_City%%",
            "{{ organization.address }}",
            "[Sender_Address]",
            "{{ site.address }}",
            "{% company_address %}",
        ] {
            assert_eq!(
                piece(text).map(|p| p.0),
                Some(AddressKind::MergeTag),
                "{text}"
            );
        }
    }

    #[test]
    fn prose_is_not_an_address() {
        for text in [
            "Save 20% on 3 TVs this weekend",
            "Earn 10000 Points with every order",
            "Only 2 days left: Sale ends Sunday",
            "Spring 2025 collection, 12 styles",
            "Order via our app 24/7",
            "Get 2 for the road",
            "Since 2024 Nordlicht has shipped 1.000.000 TVs",
            "You are receiving this email at {{ email_address }}",
            "Prices from €499 Deals",
            "Our Noise-cancelling headphones: EUR 229 (was EUR 379)",
            "Available in 55 and 65 inches, 4K HDR",
        ] {
            assert_eq!(piece(text), None, "{text}");
        }
    }
}
