//! Postal addresses in read text, for the CAN-SPAM footer check: ESP address merge tags,
//! post-office boxes, street + house number in the common European and American orders
//! (also written with commas: `Castroper Straße, 145`, `C/ Gran Vía, 1`), postal codes
//! with a city (`20095 Hamburg`, `00-624 Warszawa`, `1100-148 Lisboa`), and Japanese
//! addresses (`〒100-0001`, `東京都千代田区千代田1-1`). Bracketed placeholder text such as
//! `[Company Address]` is not an address (the `placeholder-text` rule reports it).
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
    let visible = Visible::new(text);
    let tokens = tokens(&visible.text);
    let scan = Scan {
        text: &visible.text,
        tokens: &tokens,
    };
    let found = (0..tokens.len())
        .find_map(|i| scan.at(i))
        .or_else(|| japanese(&visible.text));
    found.map(|a| Address {
        kind: a.kind,
        range: visible.original(a.range),
    })
}

/// Text without the invisible characters templates put into addresses so that Apple
/// Mail and iOS do not turn them into map links (`12&zwnj;3 Main St`), with where each
/// byte came from.
struct Visible<'a> {
    text: std::borrow::Cow<'a, str>,
    /// For each byte of `text` (and its end), the offset in the original; empty when
    /// nothing was removed.
    origin: Vec<usize>,
}

impl<'a> Visible<'a> {
    fn new(text: &'a str) -> Visible<'a> {
        let invisible = |c: char| {
            matches!(
                c,
                '\u{00ad}' | '\u{200b}'..='\u{200d}' | '\u{2060}' | '\u{feff}'
            )
        };
        if !text.contains(invisible) {
            return Visible {
                text: std::borrow::Cow::Borrowed(text),
                origin: Vec::new(),
            };
        }
        let mut kept = String::with_capacity(text.len());
        let mut origin = Vec::with_capacity(text.len() + 1);
        for (i, c) in text.char_indices() {
            if invisible(c) {
                continue;
            }
            kept.push(c);
            origin.extend(i..i + c.len_utf8());
        }
        origin.push(text.len());
        Visible {
            text: std::borrow::Cow::Owned(kept),
            origin,
        }
    }

    fn original(&self, range: Range<usize>) -> Range<usize> {
        if self.origin.is_empty() {
            return range;
        }
        let at = |i: usize| self.origin.get(i).copied().unwrap_or(0);
        // The end is one past the last kept byte, not where the next kept byte starts.
        let end = range
            .end
            .checked_sub(1)
            .map_or(at(range.start), |last| at(last) + 1);
        at(range.start)..end
    }
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
    super::words(text)
        .into_iter()
        .map(|r| Token {
            text: &text[r.clone()],
            start: r.start,
            end: r.end,
        })
        .collect()
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
    "loop",
    "trail",
    "turnpike",
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
    "shipped",
    "versandt",
    "confirmed",
    "steps",
    "views",
    "likes",
    "subscribers",
    "abonnenten",
    "teilnehmer",
];

/// Words that name the number after them as something other than a postal code.
const NUMBER_NAMES: &[&str] = &[
    "order",
    "invoice",
    "ticket",
    "case",
    "id",
    "nr",
    "no",
    "number",
    "code",
    "pin",
    "tel",
    "phone",
    "fax",
    "bestellung",
    "bestellnummer",
    "auftrag",
    "auftragsnummer",
    "rechnung",
    "rechnungsnummer",
    "kundennummer",
    "commande",
    "facture",
    "pedido",
    "factura",
    "ordine",
    "fattura",
    "bestelling",
    "factuur",
    "zamówienie",
    "encomenda",
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

    /// Whether a comma separates tokens `i` and `i + 1` ("Castroper Straße, 145").
    fn joined_by_comma(&self, i: usize) -> bool {
        self.gap(i).trim_start_matches('.').trim() == ","
    }

    /// Whether token `i` ends an item of an address line: what follows is the end, a
    /// separator, or the next number ("145, 44791 Bochum", "1 - 20121 Milano"), not more
    /// prose ("Marktplatz, 3 Tage lang").
    fn ends_item(&self, i: usize) -> bool {
        let Some(t) = self.tok(i) else {
            return false;
        };
        let rest = self.text[t.end..].trim_start();
        rest.is_empty()
            || rest.starts_with([',', ';', '·', '|', '•', '-', '–', '—', '/', '(', '\n'])
            || rest.starts_with(|c: char| c.is_ascii_digit())
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
            &["bp"],
            &["caixa", "postal"],
            &["skrytka", "pocztowa"],
            &["postboks"],
            &["gpo", "box"],
            &["private", "bag"],
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
            // French "BP 1234": only in capitals and right before the number.
            if *opener == ["bp"] {
                let number = self.tok(after).is_some_and(Token::is_digits);
                if self.tokens[i].text == "BP" && number && self.joined(i) {
                    return Some(after);
                }
                continue;
            }
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

    /// `Musterstraße 12`, `Hauptstr. 5`, `Keizersgracht 123`, `Castroper Straße, 145`.
    fn name_first(&self, i: usize) -> Option<usize> {
        let t = self.tok(i)?;
        if !t.is_capitalised() {
            return None;
        }
        let lower = t.lower();
        let abbreviated = lower.ends_with("str") && self.text[t.end..].starts_with('.');
        let suffix = NAME_FIRST_SUFFIXES.iter().find(|s| lower.ends_with(*s));
        // A street word on its own ("Platz 1" is a ranking) needs a name before it:
        // "Castroper Straße", "Konrad-Adenauer-Platz".
        let named = |suffix: &str| {
            lower.len() > suffix.len()
                || i.checked_sub(1).is_some_and(|p| {
                    self.tokens[p].is_capitalised()
                        && matches!(self.gap(p).trim_matches(' '), "" | "-")
                })
        };
        let street = abbreviated || suffix.is_some_and(|s| named(s));
        if !street || !self.house_number(i + 1) {
            return None;
        }
        (self.joined(i) || self.joined_by_comma(i) && self.ends_item(i + 1)).then_some(i + 1)
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

    /// `Calle Mayor 3`, `Via Roma 1`, `Rue de la Loi 16`, `Piazza del Duomo, 1`,
    /// `ul. Marszałkowska 1`, `C/ Gran Vía, 1`.
    fn type_first(&self, i: usize) -> Option<usize> {
        let t = self.tok(i)?;
        let dotted = self.text[t.end..].starts_with('.');
        // Polish street types are written lowercase and abbreviated: "ul.", "al.", "pl.".
        let polish = dotted && matches!(t.text, "ul" | "al" | "pl" | "os");
        // Spanish "C/" for calle.
        let calle = t.text == "C" && self.gap(i).trim_end() == "/";
        let typed = t.is_capitalised() && TYPE_FIRST.contains(&t.lower().as_str());
        if !(typed || polish || calle) {
            return None;
        }
        let mut named = false;
        for k in i + 1..i + 8 {
            let w = self.tok(k)?;
            if named && self.joined(k - 1) && self.house_number(k) {
                return Some(k);
            }
            if named && self.joined_by_comma(k - 1) && self.house_number(k) && self.ends_item(k) {
                return Some(k);
            }
            let after_type = k == i + 1 && (polish || calle);
            if !self.joined(k - 1) && !after_type {
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
        let word = matches!(
            t.text,
            "Suite" | "Ste" | "Floor" | "Fl" | "Unit" | "Apt" | "Bld" | "Bldg" | "Building"
        );
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
        // Japan written in Latin letters: the code follows the city ("1-2-3 Shibuya,
        // Shibuya-ku, Tokyo 150-0002, Japan"). NNN-NNNN is also a phone number's shape, so
        // only where the text is a Japanese address: a ward (`-ku`) or "Japan" in it.
        if self.gap(i) == "-"
            && t.text.len() == 3
            && n.is_digits()
            && n.text.len() == 4
            && !self.numbered(i)
            && i.checked_sub(1)
                .is_some_and(|p| self.city(p) && self.joined_or_comma(p) && self.separated(p))
        {
            let lower = self.text.to_lowercase();
            if lower.contains("japan") || lower.contains("-ku,") || lower.contains("-ku ") {
                return Some(i + 1);
            }
        }
        // Codes written with a hyphen: Poland 00-624 Warszawa, Portugal 1100-148 Lisboa,
        // Brazil 01310-100 São Paulo.
        if self.gap(i) == "-" && n.is_digits() && n.text.len() == 3 {
            let city = self.joined(i + 1) && self.city(i + 2);
            return match t.text.len() {
                2 | 4 => (city && self.separated(i)).then_some(i + 2),
                5 => {
                    let cep = i
                        .checked_sub(1)
                        .is_some_and(|p| self.tokens[p].text.eq_ignore_ascii_case("cep"));
                    (cep || city).then_some(i + 1 + usize::from(city))
                }
                _ => None,
            };
        }
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
            5 => (!self.numbered(i)).then_some(i + 1),
            // Four digits (AT, BE, CH, DK, NO, ...) are also years and quantities: only
            // after a separator ("·", ",", "CH-") and not a year of this era.
            4 => {
                let year = t.text.starts_with("19") || t.text.starts_with("20");
                (!year && self.separated(i)).then_some(i + 1)
            }
            _ => None,
        }
    }

    /// Whether token `i` starts a line item: nothing before it, or a separator or a
    /// number (the house number of the line before).
    fn separated(&self, i: usize) -> bool {
        let before = self.text[..self.tokens[i].start].trim_end();
        before.is_empty()
            || before.ends_with([',', '·', '|', '•', '–', '-', ';', '/'])
            || before.ends_with(char::is_numeric)
    }

    /// Whether the number token `i` is named as something else: an order, invoice or
    /// customer number, a phone number (`#12345 Shipped`, `Bestellnummer 12345 Versand`).
    fn numbered(&self, i: usize) -> bool {
        // A phone number's groups: "+49 30 12345", "Tel. 030 12345".
        let mut first = i;
        while first > 0
            && self.tokens[first - 1].is_digits()
            && self.gap(first - 1).chars().all(|c| " ()-/".contains(c))
        {
            first -= 1;
        }
        let before = self.text[..self.tokens[first].start].trim_end();
        if before.ends_with(['#', '№', '+']) {
            return true;
        }
        first.checked_sub(1).is_some_and(|p| {
            let word = self.tokens[p].lower();
            NUMBER_NAMES.iter().any(|n| word == *n)
        })
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

/// The 47 prefectures of Japan, as addresses begin with them.
const PREFECTURES: &[&str] = &[
    "北海道",
    "青森県",
    "岩手県",
    "宮城県",
    "秋田県",
    "山形県",
    "福島県",
    "茨城県",
    "栃木県",
    "群馬県",
    "埼玉県",
    "千葉県",
    "東京都",
    "神奈川県",
    "新潟県",
    "富山県",
    "石川県",
    "福井県",
    "山梨県",
    "長野県",
    "岐阜県",
    "静岡県",
    "愛知県",
    "三重県",
    "滋賀県",
    "京都府",
    "大阪府",
    "兵庫県",
    "奈良県",
    "和歌山県",
    "鳥取県",
    "島根県",
    "岡山県",
    "広島県",
    "山口県",
    "徳島県",
    "香川県",
    "愛媛県",
    "高知県",
    "福岡県",
    "佐賀県",
    "長崎県",
    "熊本県",
    "大分県",
    "宮崎県",
    "鹿児島県",
    "沖縄県",
];

/// A Japanese address: the postal mark with a code (`〒100-0001`), or a prefecture, a
/// city or ward, and a block number (`東京都千代田区千代田1-1`, `大阪府大阪市北区梅田3丁目`).
fn japanese(text: &str) -> Option<Address> {
    let digit = |c: char| c.is_ascii_digit() || ('０'..='９').contains(&c);
    let dash = |c: char| matches!(c, '-' | '－' | '‐' | '−' | 'ー' | '―');
    for (at, _) in text.match_indices('〒') {
        let rest = text[at + '〒'.len_utf8()..].trim_start();
        let chars: Vec<char> = rest.chars().take(8).collect();
        let shaped = chars.len() == 8
            && chars[..3].iter().all(|&c| digit(c))
            && dash(chars[3])
            && chars[4..].iter().all(|&c| digit(c));
        if shaped {
            let end = text.len() - rest.len() + chars.iter().map(|c| c.len_utf8()).sum::<usize>();
            return Some(Address {
                kind: AddressKind::PostalCode,
                range: at..end,
            });
        }
    }
    for prefecture in PREFECTURES {
        for (at, _) in text.match_indices(prefecture) {
            let rest = &text[at + prefecture.len()..];
            // The city or ward within a few characters, then a block number.
            let Some((city, _)) = rest
                .char_indices()
                .take(8)
                .find(|&(_, c)| matches!(c, '市' | '区' | '町' | '村' | '郡'))
            else {
                continue;
            };
            let after_city = &rest[city..];
            let Some((number, _)) = after_city.char_indices().take(16).find(|&(_, c)| digit(c))
            else {
                continue;
            };
            let block = &after_city[number..];
            let digits: usize = block
                .chars()
                .take_while(|&c| digit(c))
                .map(char::len_utf8)
                .sum();
            let after_digits = &block[digits..];
            let numbered = after_digits.starts_with(dash)
                || ["丁目", "番地", "番"]
                    .iter()
                    .any(|w| after_digits.starts_with(w));
            if numbered {
                let end = at + prefecture.len() + city + number + digits;
                return Some(Address {
                    kind: AddressKind::Street,
                    range: at..end,
                });
            }
        }
    }
    None
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

    /// Footers as real senders write them, in the languages the tool reads.
    #[test]
    fn footers_in_many_languages() {
        for (text, expected) in [
            // English
            (
                "Nordlicht Inc. · 123 Main St., Suite 400, San Francisco, CA 94105 · USA",
                "123 Main St",
            ),
            ("1 Infinite Loop · Cupertino, CA 95014", "1 Infinite Loop"),
            (
                "East Pixel Bld. 99, Creative City 9000, Republic of Design",
                "Bld. 99",
            ),
            (
                "Nordlicht NZ, PO Box 4410, Wellington 6140, New Zealand",
                "PO Box 4410",
            ),
            // German
            (
                "Nordlicht GmbH, Castroper Straße, 145, 44791, Bochum, Germany",
                "Straße, 145",
            ),
            (
                "Nordlicht GmbH | Am Sandtorkai 77 | 20457 Hamburg | HRB 123456",
                "20457 Hamburg",
            ),
            (
                "Nordlicht AG · Konrad-Adenauer-Platz 1 · 40210 Düsseldorf",
                "Platz 1",
            ),
            // French
            (
                "Nordlicht SAS, 5, rue de la Paix, 75002 Paris, France",
                "5, rue de",
            ),
            ("Nordlicht SARL – BP 1234 – 69001 Lyon Cedex", "BP 1234"),
            // Spanish
            (
                "Nordlicht S.L. C/ Gran Vía, 1, 28013 Madrid, España",
                "C/ Gran Vía, 1",
            ),
            (
                "Nordlicht S.A. - Avda. de la Constitución 12 - 41001 Sevilla",
                "Avda. de la Constitución 12",
            ),
            // Italian
            (
                "Nordlicht S.r.l. – Via Roma, 1 - 20121 Milano (MI) – P.IVA 01234567890",
                "Via Roma, 1",
            ),
            // Dutch
            (
                "Nordlicht B.V., Herengracht 1, 1015 BA Amsterdam",
                "Herengracht 1",
            ),
            ("Postbus 2045, 1000 CA Amsterdam", "Postbus 2045"),
            // Polish
            (
                "Nordlicht Sp. z o.o., ul. Marszałkowska 1, 00-624 Warszawa, NIP 525-000-00-00",
                "ul. Marszałkowska 1",
            ),
            (
                "Skrytka pocztowa 12, 00-950 Warszawa",
                "Skrytka pocztowa 12",
            ),
            ("Nordlicht Polska, 00-624 Warszawa", "00-624 Warszawa"),
            // Portuguese
            (
                "Nordlicht Lda., Rua Augusta, 100, 1100-053 Lisboa, Portugal",
                "Rua Augusta, 100",
            ),
            ("Nordlicht Portugal · 1100-053 Lisboa", "1100-053 Lisboa"),
            (
                "Nordlicht Brasil Ltda. - São Paulo - SP, CEP 01310-100",
                "01310-100",
            ),
            // Japanese
            (
                "Nordlicht Japan K.K., 1-2-3 Shibuya, Shibuya-ku, Tokyo 150-0002, Japan.",
                "150-0002",
            ),
            (
                "〒100-0001 東京都千代田区千代田1-1 株式会社ノルトリヒト",
                "〒100-0001",
            ),
            (
                "株式会社ノルトリヒト 大阪府大阪市北区梅田3丁目1番3号",
                "大阪府大阪市北区梅田3",
            ),
            (
                "〒１００－０００１　東京都千代田区千代田１－１",
                "〒１００－０００１",
            ),
            // Invisible characters that keep Apple Mail from making a map link.
            (
                "Nordlicht, 1\u{200c}23 Main\u{200b} Street",
                "1\u{200c}23 Main\u{200b} Street",
            ),
        ] {
            assert_eq!(piece(text).map(|p| p.1), Some(expected), "{text}");
        }
    }

    #[test]
    fn dates_numbers_and_placeholders_are_not_addresses() {
        for text in [
            "Order #12345 Shipped",
            "Bestellnummer 12345 Versand heute",
            "Your order 12345 Dispatched today",
            "Call us: +1 (655) 606-605",
            "Questions? Call 555-0199 from anywhere in Japan",
            "Hotline Tokyo: Tel. 555-0199, Japan",
            "Tel. +49 30 12345 Hotline",
            "Step 1, 2, 3: Sign up, Verify, Enjoy",
            "Termin: 12.03.2025, 14:00 Uhr",
            "Sale ends 31 May, 2025",
            "Jetzt 20% sparen auf 3 Fernseher",
            "Platz 1 in unserem Test",
            "Auf dem Marktplatz, 3 Tage lang Rabatte",
            "Prix : 1 299 € au lieu de 1 599 €",
            "Scegli tra 10-100 Prodotti",
            "Commande 75002 Expédiée",
            "Zamówienie 00-624 Wysłane",
            "配送予定日は3月12日です",
            "京都市内で3日間のセール",
            "[Company Address]",
            "your company address here",
            "Copyright © 2024 Nordlicht Electronics. All rights reserved.",
        ] {
            assert_eq!(piece(text), None, "{text}");
        }
    }
}
