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
    let words = words(text);
    let mut found = lorem(text);
    for range in brackets(text) {
        if bracket_is_placeholder(text, range.clone()) {
            found.push((range, Kind::Bracket));
        }
    }
    found.extend(instructions(text, &words).map(|r| (r, Kind::Instruction)));
    found.extend(markers(text, &words).map(|r| (r, Kind::Marker)));
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

/// A word of text: a run of letters, lowercased, and where it is.
struct Word {
    lower: String,
    range: Range<usize>,
}

/// The runs of letters in `text`. Placeholders are found word by word (and not with
/// regular expressions: the case-insensitive Unicode patterns of every language took
/// 3 to 10 ms to compile, more than checking a whole campaign).
fn words(text: &str) -> Vec<Word> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text
        .char_indices()
        .chain(std::iter::once((text.len(), ' ')))
    {
        match (c.is_alphabetic(), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push(Word {
                    lower: text[s..i].to_lowercase(),
                    range: s..i,
                });
                start = None;
            }
            _ => {}
        }
    }
    out
}

/// Whether the phrase `pattern` starts at `words[i]`; the index after its last word.
/// Each element lists alternatives (`"insert|add"`, an alternative of several words
/// separated by spaces), optional with a trailing `?`.
fn phrase_at(words: &[Word], i: usize, pattern: &[&str]) -> Option<usize> {
    let Some((first, rest)) = pattern.split_first() else {
        return Some(i);
    };
    let (alternatives, optional) = match first.strip_suffix('?') {
        Some(a) => (a, true),
        None => (*first, false),
    };
    for alternative in alternatives.split('|') {
        let n = alternative.split(' ').count();
        let here = alternative
            .split(' ')
            .enumerate()
            .all(|(k, w)| words.get(i + k).is_some_and(|x| x.lower == w));
        if here && let Some(end) = phrase_at(words, i + n, rest) {
            return Some(end);
        }
    }
    if optional {
        return phrase_at(words, i, rest);
    }
    None
}

/// Whether the words of a phrase follow each other with only spaces (or an apostrophe,
/// "texte d'exemple") between them.
fn adjacent(text: &str, words: &[Word]) -> bool {
    words.windows(2).all(|w| {
        text[w[0].range.end..w[1].range.start]
            .chars()
            .all(|c| c.is_whitespace() || c == '\'' || c == '’')
    })
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
        let words = words(s);
        let anchored = (0..words.len()).any(|i| {
            [&["lorem", "ipsum"][..], &["dolor", "sit", "amet"]]
                .iter()
                .any(|p| phrase_at(&words, i, p).is_some())
        });
        let is_lorem = anchored || (filler >= 3 && filler * 5 >= long.len() * 3);
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

/// `[` text `]`: 2 to 60 bytes on one line, not doubled (`[[FirstName]]` is a merge tag).
fn brackets(text: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    let bytes = text.as_bytes();
    memchr::memchr_iter(b'[', bytes).filter_map(move |open| {
        let inner = open + 1;
        let len = bytes[inner..]
            .iter()
            .take(61)
            .position(|b| matches!(b, b'[' | b']' | b'\n'))?;
        let close = inner + len;
        let doubled = (open > 0 && bytes[open - 1] == b'[') || bytes.get(close + 1) == Some(&b']');
        (bytes[close] == b']' && len >= 2 && !doubled).then_some(open..close + 1)
    })
}

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

/// Slots an instruction names ("Your text here"), so that copy such as "Your journey
/// starts here" is not taken for one.
const SLOT: &str = "text|content|copy|headline|heading|title|subtitle|logo|image|tagline|message|description|name|company name|button text";

/// Instructions left for the template's user, in the languages campaign-lint reads
/// opt-outs in, as phrases for [`phrase_at`].
const INSTRUCTIONS: &[&[&str]] = &[
    // English
    &[
        "insert|add|enter|put|type|place|write|paste",
        "your|the|a?",
        "own?",
        SLOT,
        "here?",
    ],
    &["your", "own?", SLOT, "goes?", "here"],
    &[SLOT, "goes", "here"],
    &["sample|placeholder|dummy|filler", "text"],
    &["click", "here?", "to", "edit", "this?", "text?"],
    // German
    &["ihr|dein", "text|inhalt|logo|titel", "hier"],
    &["hier", "steht|kommt", "ihr|dein|der", "text|inhalt"],
    &["text|inhalt", "hier", "einfügen|eingeben"],
    &["hier", "text|inhalt", "einfügen|eingeben"],
    &["platzhaltertext|blindtext|beispieltext|fülltext"],
    // French
    &["votre|ton", "texte|contenu|titre|logo", "ici"],
    &[
        "insérez|insérer",
        "votre|ton|le",
        "texte|contenu|titre|logo",
        "ici?",
    ],
    &["texte", "ici|factice|d exemple"],
    // Spanish
    &["tu|su", "texto|contenido|título|logo", "aquí"],
    &[
        "inserta|insertar",
        "tu|su|el",
        "texto|contenido|título|logo",
        "aquí?",
    ],
    &["texto", "aquí|de ejemplo"],
    // Italian
    &["il", "tuo", "testo|titolo|logo", "qui"],
    &["inserisci", "qui?", "il?", "tuo?", "testo|titolo|logo"],
    &["testo", "qui|di esempio"],
    // Portuguese
    &["o?", "seu", "texto|conteúdo|título|logo", "aqui"],
    &[
        "insira",
        "o?",
        "seu?",
        "texto|conteúdo|título|logo",
        "aqui?",
    ],
    &["texto", "aqui|de exemplo"],
    // Dutch
    &["uw|jouw|je", "tekst|inhoud|titel|logo", "hier"],
    &["voorbeeldtekst|plaatshoudertekst"],
];

/// The instructions in `text`, longest phrase at each word.
fn instructions<'a>(text: &'a str, words: &'a [Word]) -> impl Iterator<Item = Range<usize>> + 'a {
    (0..words.len()).filter_map(move |i| {
        let end = INSTRUCTIONS
            .iter()
            .filter_map(|p| phrase_at(words, i, p))
            .filter(|&end| end > i && adjacent(text, &words[i..end]))
            .max()?;
        Some(words[i].range.start..words[end - 1].range.end)
    })
}

/// `TODO`, `FIXME`, `TBD`, `XXX` as written (upper case), and prices left as `XX%`,
/// `$XX`, `XX.XX €`.
fn markers<'a>(text: &'a str, words: &'a [Word]) -> impl Iterator<Item = Range<usize>> + 'a {
    words.iter().filter_map(move |w| {
        let word = &text[w.range.clone()];
        if matches!(word, "TODO" | "FIXME" | "TBD" | "XXX") {
            return Some(w.range.clone());
        }
        if word != "XX" {
            return None;
        }
        let mut end = w.range.end;
        if text[end..].starts_with(".XX") || text[end..].starts_with(",XX") {
            end += 3;
        }
        let before = &text[..w.range.start];
        let before = before.strip_suffix(' ').unwrap_or(before);
        if let Some(c) = before.chars().next_back().filter(|c| "$€£".contains(*c)) {
            return Some(before.len() - c.len_utf8()..end);
        }
        let after = &text[end..];
        let spaced = after.strip_prefix(' ').unwrap_or(after);
        let c = spaced.chars().next().filter(|c| "%€$£".contains(*c))?;
        Some(end..end + (after.len() - spaced.len()) + c.len_utf8()).map(|r| w.range.start..r.end)
    })
}

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
    fn word_lists_are_sorted_and_phrases_lower_case() {
        assert!(LOREM_WORDS.windows(2).all(|w| w[0] < w[1]));
        assert!(LOREM_WORDS.iter().all(|w| w.chars().count() >= 4));
        for phrase in INSTRUCTIONS {
            for element in *phrase {
                assert_eq!(element.to_lowercase(), *element);
                assert!(!element.trim_end_matches('?').split('|').any(str::is_empty));
            }
        }
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
