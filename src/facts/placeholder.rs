//! Placeholder text left from a template: lorem ipsum filler, bracketed slots such as
//! `[Company Name]` or `[Insert logo]`, instructions such as "Your text here", and
//! `TODO`/`TBD` markers. Found once per campaign, in the text a reader reads; the
//! `placeholder-text` rule reports them, and language detection leaves them out (lorem
//! ipsum is not Latin, and "[Insert text here]" in an Italian template is not English).
//!
//! Merge tags of the dialects `merge_tags` knows (`[firstname]`, `[[FirstName]]`) are
//! not placeholders; neither are footnote marks (`[1]`) nor single bracketed words
//! (`[Video]`, `[PDF]`), which plain-text parts use for real.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use super::TextUnit;

/// What kind of placeholder a piece of text is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Lorem ipsum and the generators' pseudo-Latin.
    Lorem,
    /// A bracketed slot: `[Company Name]`, `[Insert date]`.
    Bracket,
    /// An instruction to the template's user: "Your text here", "Ihr Text hier".
    Instruction,
    /// `TODO`, `FIXME`, `TBD`, `XXX`, and prices left as `XX%` or `$XX`.
    Marker,
}

impl Kind {
    /// How a label names it.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Lorem => "lorem ipsum filler",
            Kind::Bracket => "bracketed placeholder",
            Kind::Instruction => "placeholder instruction",
            Kind::Marker => "placeholder marker",
        }
    }
}

/// One piece of placeholder text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placeholder {
    /// Index into `Facts::units`.
    pub unit: usize,
    /// The decoded range in the unit's text.
    pub range: Range<usize>,
    pub kind: Kind,
}

/// Every placeholder in the text a reader reads, in unit order.
pub fn find(units: &[TextUnit]) -> Vec<Placeholder> {
    let mut found = Vec::new();
    for (i, unit) in units.iter().enumerate().filter(|(_, u)| u.is_read()) {
        for (range, kind) in find_in(&unit.text) {
            found.push(Placeholder {
                unit: i,
                range,
                kind,
            });
        }
    }
    found
}

/// The placeholders in one text, sorted and without overlaps.
pub fn find_in(text: &str) -> Vec<(Range<usize>, Kind)> {
    let mut found = lorem(text);
    for m in BRACKET.find_iter(text) {
        if bracket_is_placeholder(text, m.range()) {
            found.push((m.range(), Kind::Bracket));
        }
    }
    for m in INSTRUCTION.find_iter(text) {
        found.push((m.range(), Kind::Instruction));
    }
    for m in MARKER.find_iter(text) {
        found.push((m.range(), Kind::Marker));
    }
    found.sort_by_key(|(r, _)| (r.start, std::cmp::Reverse(r.end)));
    let mut out: Vec<(Range<usize>, Kind)> = Vec::with_capacity(found.len());
    for (range, kind) in found {
        match out.last_mut() {
            Some((last, _)) if range.start < last.end => last.end = last.end.max(range.end),
            _ => out.push((range, kind)),
        }
    }
    out
}

/// Words of lorem ipsum ("Lorem ipsum dolor sit amet…"), of Cicero's passage the
/// generators draw on ("Sed ut perspiciatis unde omnis…", Emmet's `lorem`), and of the
/// lipsum.com generator. Only words of four letters or more are listed: shorter ones
/// ("in", "et", "do") are words of real languages too.
const LOREM_WORDS: &[&str] = &[
    "accumsan",
    "accusamus",
    "accusantium",
    "adipisci",
    "adipiscing",
    "adipisicing",
    "aenean",
    "aliqua",
    "aliquam",
    "aliquet",
    "aliquid",
    "aliquip",
    "amet",
    "anim",
    "animi",
    "aperiam",
    "architecto",
    "asperiores",
    "aspernatur",
    "assumenda",
    "atque",
    "auctor",
    "augue",
    "aute",
    "autem",
    "beatae",
    "bibendum",
    "blandit",
    "blanditiis",
    "cillum",
    "commodi",
    "commodo",
    "condimentum",
    "congue",
    "consectetur",
    "consequat",
    "consequatur",
    "consequuntur",
    "convallis",
    "corporis",
    "corrupti",
    "cumque",
    "cupidatat",
    "cupiditate",
    "curabitur",
    "dapibus",
    "debitis",
    "delectus",
    "deleniti",
    "deserunt",
    "dicta",
    "dictum",
    "dignissimos",
    "distinctio",
    "dolor",
    "dolore",
    "dolorem",
    "doloremque",
    "dolores",
    "doloribus",
    "dolorum",
    "donec",
    "ducimus",
    "duis",
    "efficitur",
    "egestas",
    "eius",
    "eiusmod",
    "eleifend",
    "elementum",
    "eligendi",
    "elit",
    "enim",
    "esse",
    "eveniet",
    "excepteur",
    "excepturi",
    "exercitation",
    "exercitationem",
    "expedita",
    "explicabo",
    "facere",
    "facilis",
    "facilisis",
    "faucibus",
    "felis",
    "fermentum",
    "feugiat",
    "fringilla",
    "fuga",
    "fugiat",
    "fugit",
    "gravida",
    "harum",
    "hendrerit",
    "iaculis",
    "illo",
    "illum",
    "impedit",
    "imperdiet",
    "incididunt",
    "incidunt",
    "interdum",
    "inventore",
    "ipsa",
    "ipsam",
    "ipsum",
    "irure",
    "iste",
    "itaque",
    "iure",
    "iusto",
    "justo",
    "labore",
    "laboriosam",
    "laboris",
    "laborum",
    "lacinia",
    "laoreet",
    "laudantium",
    "lectus",
    "ligula",
    "lobortis",
    "lorem",
    "luctus",
    "maecenas",
    "magnam",
    "malesuada",
    "massa",
    "mattis",
    "mauris",
    "maxime",
    "metus",
    "minim",
    "minima",
    "molestiae",
    "molestias",
    "mollit",
    "mollitia",
    "morbi",
    "natus",
    "necessitatibus",
    "neque",
    "nesciunt",
    "nihil",
    "nisi",
    "nisl",
    "nobis",
    "nostrud",
    "nostrum",
    "nulla",
    "nullam",
    "numquam",
    "occaecat",
    "occaecati",
    "odio",
    "odit",
    "officia",
    "officiis",
    "optio",
    "ornare",
    "pariatur",
    "pellentesque",
    "perferendis",
    "perspiciatis",
    "pharetra",
    "phasellus",
    "placeat",
    "porro",
    "porttitor",
    "possimus",
    "posuere",
    "praesent",
    "praesentium",
    "pretium",
    "proident",
    "proin",
    "provident",
    "pulvinar",
    "quae",
    "quaerat",
    "quam",
    "quas",
    "quasi",
    "quibusdam",
    "quidem",
    "quisquam",
    "quod",
    "quos",
    "ratione",
    "recusandae",
    "reiciendis",
    "repellat",
    "repellendus",
    "reprehenderit",
    "repudiandae",
    "rerum",
    "rhoncus",
    "risus",
    "rutrum",
    "saepe",
    "sagittis",
    "sapiente",
    "scelerisque",
    "sequi",
    "similique",
    "sint",
    "sodales",
    "sollicitudin",
    "soluta",
    "sunt",
    "suscipit",
    "suspendisse",
    "tellus",
    "tempor",
    "tempora",
    "temporibus",
    "tenetur",
    "tincidunt",
    "totam",
    "tristique",
    "turpis",
    "ullam",
    "ullamco",
    "ultrices",
    "ultricies",
    "unde",
    "urna",
    "varius",
    "vehicula",
    "velit",
    "venenatis",
    "veniam",
    "veritatis",
    "vero",
    "vestibulum",
    "vitae",
    "viverra",
    "voluptas",
    "voluptate",
    "voluptatem",
    "voluptates",
    "voluptatibus",
    "voluptatum",
    "volutpat",
    "vulputate",
];

static LOREM_ANCHOR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\blorem\s+ipsum\b|\bdolor\s+sit\s+amet\b").unwrap_or_else(|_| never())
});

/// A regex that matches nothing, should a built-in pattern fail to compile (a test
/// compiles each of them).
fn never() -> Regex {
    Regex::new(r"[^\s\S]").unwrap_or_else(|_| unreachable!("an empty class compiles"))
}

fn is_lorem_word(word: &str) -> bool {
    LOREM_WORDS
        .binary_search(&word.to_lowercase().as_str())
        .is_ok()
}

/// Runs of lorem sentences: a sentence with "lorem ipsum" or "dolor sit amet", or whose
/// words of four letters or more are mostly (60%, at least three) lorem words.
fn lorem(text: &str) -> Vec<(Range<usize>, Kind)> {
    let mut out: Vec<(Range<usize>, Kind)> = Vec::new();
    for sentence in sentences(text) {
        let s = &text[sentence.clone()];
        let long: Vec<&str> = s
            .split(|c: char| !c.is_alphabetic())
            .filter(|w| w.chars().count() >= 4)
            .collect();
        let filler = long.iter().filter(|w| is_lorem_word(w)).count();
        let is_lorem = LOREM_ANCHOR.is_match(s) || (filler >= 3 && filler * 5 >= long.len() * 3);
        if !is_lorem {
            continue;
        }
        match out.last_mut() {
            // Sentences are separated by spaces only: join them into one run.
            Some((last, _)) if text[last.end..sentence.start].trim().is_empty() => {
                last.end = sentence.end;
            }
            _ => out.push((sentence, Kind::Lorem)),
        }
    }
    out
}

/// Sentence ranges (trimmed): text up to `.`, `!`, `?` or a line break.
fn sentences(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut push = |from: usize, to: usize| {
        let piece = &text[from..to];
        let lead = piece.len() - piece.trim_start().len();
        let trail = piece.len() - piece.trim_end().len();
        if from + lead < to - trail {
            out.push(from + lead..to - trail);
        }
    };
    for (i, c) in text.char_indices() {
        if matches!(c, '.' | '!' | '?' | '\n') {
            let end = i + c.len_utf8();
            push(start, end);
            start = end;
        }
    }
    push(start, text.len());
    out
}

/// `[` text `]`, single-line, not doubled (`[[FirstName]]` is a merge tag).
static BRACKET: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\[[^\[\]\n]{2,60}\]").unwrap_or_else(|_| never()));

/// First words of a bracketed instruction: `[Insert …]`, `[Your …]`, `[Ihr …]`.
const BRACKET_VERBS: &[&str] = &[
    // English
    "add",
    "enter",
    "insert",
    "paste",
    "place",
    "put",
    "replace",
    "type",
    "your",
    // German
    "dein",
    "deine",
    "einfügen",
    "hier",
    "ihr",
    "ihre",
    "ihren",
    // French
    "insérer",
    "insérez",
    "votre",
    "vos",
    // Spanish, Italian, Portuguese
    "inserir",
    "inserire",
    "inserisci",
    "insira",
    "insertar",
    "inserte",
    "su",
    "sua",
    "seu",
    "tu",
    "tuo",
    // Dutch
    "jouw",
    "uw",
    "voeg",
];

/// Nouns a bracketed slot names: `[Company Name]`, `[Datum]`, `[Nom de l'entreprise]`.
const BRACKET_NOUNS: &[&str] = &[
    // English
    "address",
    "amount",
    "brand",
    "business",
    "city",
    "company",
    "content",
    "country",
    "customer",
    "date",
    "day",
    "description",
    "email",
    "e-mail",
    "event",
    "headline",
    "location",
    "logo",
    "month",
    "name",
    "number",
    "offer",
    "organization",
    "phone",
    "position",
    "price",
    "product",
    "recipient",
    "signature",
    "state",
    "surname",
    "text",
    "title",
    "url",
    "website",
    "year",
    "zip",
    // German
    "adresse",
    "datum",
    "firma",
    "firmenname",
    "nachname",
    "ort",
    "stadt",
    "telefon",
    "unternehmen",
    "vorname",
    // French
    "entreprise",
    "nom",
    "prénom",
    "société",
    "téléphone",
    "texte",
    "ville",
    // Spanish, Italian, Portuguese
    "apellido",
    "azienda",
    "città",
    "cidade",
    "ciudad",
    "cognome",
    "data",
    "dirección",
    "empresa",
    "endereço",
    "fecha",
    "indirizzo",
    "nombre",
    "nome",
    "telefone",
    "teléfono",
    "telefono",
    "testo",
    "texto",
    // Dutch
    "adres",
    "bedrijf",
    "naam",
    "plaats",
    "tekst",
];

/// Bracketed words that are real text: media and link marks of plain-text parts.
const BRACKET_REAL: &[&str] = &[
    "ad",
    "advertisement",
    "anzeige",
    "attachment",
    "audio",
    "external",
    "gif",
    "image",
    "img",
    "photo",
    "pdf",
    "picture",
    "video",
];

/// Whether a `[...]` at `range` is a placeholder: two to six words (a single word is a
/// merge tag, a footnote or a media mark), starting with an instruction (`Insert`, `Your`)
/// or naming a slot (`Company Name`) in at most four words.
fn bracket_is_placeholder(text: &str, range: Range<usize>) -> bool {
    let inner = &text[range.start + 1..range.end - 1];
    let words: Vec<&str> = inner.split_whitespace().collect();
    if !(2..=6).contains(&words.len())
        || super::merge_tags::find(&text[range.clone()])
            .iter()
            .any(|t| t.range == (0..range.len()))
        || inner
            .chars()
            .any(|c| c.is_ascii_digit() || c == '/' || c == '=')
    {
        return false;
    }
    let lower: Vec<String> = words
        .iter()
        .map(|w| {
            w.trim_matches(|c: char| !c.is_alphanumeric())
                .to_lowercase()
        })
        .collect();
    if lower
        .first()
        .is_some_and(|w| BRACKET_REAL.contains(&w.as_str()))
    {
        return false;
    }
    if lower
        .first()
        .is_some_and(|w| BRACKET_VERBS.contains(&w.as_str()))
    {
        return true;
    }
    // A slot is written capitalised (`[Company Name]`, `[COMPANY NAME]`); "[the company]"
    // is an editor's insertion in a quotation.
    words.len() <= 4
        && inner.trim_start().starts_with(char::is_uppercase)
        && lower.iter().any(|w| BRACKET_NOUNS.contains(&w.as_str()))
}

/// Instructions left for the template's user, in the languages campaign-lint reads
/// opt-outs in. Each names the slot ("text", "logo", "headline") so that copy such as
/// "Your journey starts here" is not taken for one.
static INSTRUCTION: LazyLock<Regex> = LazyLock::new(|| {
    let slot = r"(?:text|content|copy|headline|heading|title|subtitle|logo|image|tagline|message|description|name|company name|button text)";
    Regex::new(&format!(
        r"(?ix)
        \b(?:insert|add|enter|put|type|place|write|paste)\s+(?:your\s+|the\s+|a\s+)?(?:own\s+)?{slot}(?:\s+here)?\b
        |\byour\s+(?:own\s+)?{slot}\s+(?:goes\s+)?here\b
        |\b{slot}\s+goes\s+here\b
        |\b(?:sample|placeholder|dummy|filler)\s+text\b
        |\bclick\s+(?:here\s+)?to\s+edit(?:\s+this)?(?:\s+text)?\b
        # German
        |\b(?:ihr|dein)\s+(?:text|inhalt|logo|titel)\s+hier\b
        |\bhier\s+(?:steht|kommt)\s+(?:ihr|dein|der)\s+(?:text|inhalt)\b
        |\b(?:text|inhalt)\s+hier\s+(?:einfügen|eingeben)\b
        |\bhier\s+(?:text|inhalt)\s+(?:einfügen|eingeben)\b
        |\b(?:platzhaltertext|blindtext|beispieltext|fülltext)\b
        # French
        |\b(?:votre|ton)\s+(?:texte|contenu|titre|logo)\s+ici\b
        |\binsére[zr]\s+(?:votre|ton|le)\s+(?:texte|contenu|titre|logo)(?:\s+ici)?\b
        |\btexte\s+(?:ici|factice|d'exemple)\b
        # Spanish
        |\b(?:tu|su)\s+(?:texto|contenido|título|logo)\s+aquí\b
        |\binserta(?:r)?\s+(?:tu|su|el)\s+(?:texto|contenido|título|logo)(?:\s+aquí)?\b
        |\btexto\s+(?:aquí|de\s+ejemplo)\b
        # Italian
        |\bil\s+tuo\s+(?:testo|titolo|logo)\s+qui\b
        |\binserisci\s+(?:qui\s+)?(?:il\s+)?(?:tuo\s+)?(?:testo|titolo|logo)\b
        |\btesto\s+(?:qui|di\s+esempio)\b
        # Portuguese
        |\b(?:seu|o\s+seu)\s+(?:texto|conteúdo|título|logo)\s+aqui\b
        |\binsira\s+(?:o\s+)?(?:seu\s+)?(?:texto|conteúdo|título|logo)(?:\s+aqui)?\b
        |\btexto\s+(?:aqui|de\s+exemplo)\b
        # Dutch
        |\b(?:uw|jouw|je)\s+(?:tekst|inhoud|titel|logo)\s+hier\b
        |\b(?:voorbeeldtekst|plaatshoudertekst)\b"
    ))
    .unwrap_or_else(|_| never())
});

/// `TODO`, `FIXME`, `TBD`, `XXX` as written (upper case), and prices left as `XX%`,
/// `$XX`, `XX.XX €`.
static MARKER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(?:TODO|FIXME|TBD|XXX)\b|[$€£]\s?XX(?:[.,]XX)?\b|\bXX(?:[.,]XX)?\s?(?:%|€|\$|£)")
        .unwrap_or_else(|_| never())
});

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(&str, Kind)> {
        find_in(text)
            .into_iter()
            .map(|(r, k)| (&text[r], k))
            .collect()
    }

    #[test]
    fn patterns_compile_and_words_are_sorted() {
        for re in [&*LOREM_ANCHOR, &*BRACKET, &*INSTRUCTION, &*MARKER] {
            assert!(
                !re.is_match("") || re.as_str().is_empty(),
                "{}",
                re.as_str()
            );
            assert_ne!(re.as_str(), never().as_str());
        }
        assert!(LOREM_WORDS.windows(2).all(|w| w[0] < w[1]));
        assert!(LOREM_WORDS.iter().all(|w| w.chars().count() >= 4));
    }

    #[test]
    fn finds_lorem_ipsum_and_its_variants() {
        let classic = "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua.";
        assert_eq!(kinds(classic), vec![(classic, Kind::Lorem)]);
        // Emmet's generator: pseudo-Latin after the anchor, in several sentences.
        let emmet = "Lorem ipsum dolor sit amet, consectetur adipisicing elit. Quisquam veritatis adipisci, repellendus perferendis temporibus quibusdam.";
        assert_eq!(kinds(emmet), vec![(emmet, Kind::Lorem)]);
        // Without the anchor, in a block of its own.
        let cicero = "Sed ut perspiciatis unde omnis iste natus error sit voluptatem accusantium doloremque laudantium, totam rem aperiam.";
        assert_eq!(kinds(cicero), vec![(cicero, Kind::Lorem)]);
        // A real sentence after the filler is not filler.
        let mixed = "Lorem ipsum dolor sit amet. Thanks for your order, it ships tomorrow.";
        assert_eq!(
            kinds(mixed),
            vec![("Lorem ipsum dolor sit amet.", Kind::Lorem)]
        );
    }

    #[test]
    fn real_latin_and_prose_are_not_lorem() {
        for text in [
            "Gallia est omnis divisa in partes tres, quarum unam incolunt Belgae.",
            "Tempus fugit: our summer sale ends on Sunday, so do not miss out.",
            "Nulla è impossibile: scopri la nuova collezione autunno inverno.",
            "Error 404? Visit our help centre and quote your order number.",
        ] {
            assert!(kinds(text).is_empty(), "{text}: {:?}", kinds(text));
        }
    }

    #[test]
    fn finds_bracket_placeholders_but_not_merge_tags_or_real_brackets() {
        let text = "Hi [First Name], welcome to [Company Name]. [Insert logo] Call [Phone Number].";
        assert_eq!(
            kinds(text),
            vec![
                ("[First Name]", Kind::Bracket),
                ("[Company Name]", Kind::Bracket),
                ("[Insert logo]", Kind::Bracket),
                ("[Phone Number]", Kind::Bracket),
            ]
        );
        assert_eq!(kinds("Hallo [Ihr Vorname]")[0].0, "[Ihr Vorname]");
        assert_eq!(
            kinds("Bonjour [Nom de l'entreprise]")[0].0,
            "[Nom de l'entreprise]"
        );
        for text in [
            "Newsletter abbestellen [1] https://example.com",
            "Watch the keynote [Video] and read the slides [PDF]",
            "Hi [firstname,fallback=there], hello [[FirstName]]",
            "Hi [FNAME] and [unsubscribe]",
            "He said [the company] would call back.",
            "[Image: Product photo]",
            "Prices valid until [2024-12-31]",
        ] {
            assert!(kinds(text).is_empty(), "{text}: {:?}", kinds(text));
        }
    }

    #[test]
    fn finds_instructions_and_markers_in_several_languages() {
        for (text, found) in [
            ("Your text here", "Your text here"),
            (
                "Insert your headline here to get started",
                "Insert your headline here",
            ),
            ("Logo goes here", "Logo goes here"),
            ("This is sample text for the footer.", "sample text"),
            ("Hier steht Ihr Text.", "Hier steht Ihr Text"),
            ("Votre texte ici", "Votre texte ici"),
            ("Inserta tu texto aquí", "Inserta tu texto aquí"),
            ("Il tuo testo qui", "Il tuo testo qui"),
            ("Seu texto aqui", "Seu texto aqui"),
            ("Uw tekst hier", "Uw tekst hier"),
        ] {
            assert_eq!(kinds(text), vec![(found, Kind::Instruction)], "{text}");
        }
        assert_eq!(
            kinds("Venue: TBD. Save XX% on $XX.XX orders. TODO: final copy"),
            vec![
                ("TBD", Kind::Marker),
                ("XX%", Kind::Marker),
                ("$XX.XX", Kind::Marker),
                ("TODO", Kind::Marker),
            ]
        );
        for text in [
            "Your journey starts here",
            "Add to cart",
            "Enter your email to subscribe",
            "Sizes S to XXL, also XXXL",
            "todo list apps are on sale",
            "Texas (TX) and Ontario",
        ] {
            assert!(kinds(text).is_empty(), "{text}: {:?}", kinds(text));
        }
    }
}
