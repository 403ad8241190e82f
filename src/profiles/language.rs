//! Language identity for recipients' profiles and for whatlang's detections.
//!
//! Profiles (CRM exports) name a reader's language in many shapes: BCP 47
//! tags (`pt-BR`, `en_US`), ISO 639-1/-2/-3 codes, English or native names.
//! whatlang reports ISO 639-3 codes, some of which are an individual language
//! (`cmn`, `nob`, `pes`) where profiles use the macrolanguage (`zh`, `no`,
//! `fa`). This module owns the mapping of both onto one canonical ISO 639-3
//! code per language, so that a profile's language and the campaign's detected
//! language can be compared.

use std::fmt;

use whatlang::Lang;

/// A human language, identified by a canonical ISO 639-3 code.
///
/// Where whatlang detects a member of a macrolanguage, the canonical code is
/// whatlang's (`cmn` for Chinese, `nob` for Norwegian, `pes` for Persian);
/// otherwise it is the ISO 639-3 code of the ISO 639-1 language.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Language {
    /// Position in [`LANGUAGES`].
    index: u8,
}

impl Language {
    /// Parses a profile's language value; None when it names no known language (also for "und", "zxx", "", "mul", private-use "x-...").
    ///
    /// Accepts BCP 47 tags (only the primary subtag counts), ISO 639-1,
    /// ISO 639-2/B and /T and ISO 639-3 codes, and English or native names,
    /// optionally followed by a parenthesised region (`English (United States)`).
    /// Case-insensitive; surrounding whitespace is ignored.
    pub fn parse(value: &str) -> Option<Language> {
        let value = value.trim();
        Self::from_code(primary_subtag(value)).or_else(|| Self::from_name(value))
    }

    /// The language whatlang detected.
    pub fn from_whatlang(lang: Lang) -> Language {
        // Exhaustive, and resolved at compile time: a language missing from
        // the table fails the build instead of panicking at run time.
        macro_rules! by_whatlang {
            ($($variant:ident)*) => {
                match lang {
                    $(Lang::$variant => const { Language::detected_as(Lang::$variant) },)*
                }
            };
        }
        by_whatlang!(
            Epo Eng Rus Cmn Spa Por Ita Ben Fra Deu Ukr Kat Ara Hin Jpn Heb Yid Pol
            Amh Jav Kor Nob Dan Swe Fin Tur Nld Hun Ces Ell Bul Bel Mar Kan Ron Slv
            Hrv Srp Mkd Lit Lav Est Tam Vie Urd Tha Guj Uzb Pan Aze Ind Tel Pes Mal
            Ori Mya Nep Sin Khm Tuk Aka Zul Sna Afr Lat Slk Cat Tgl Hye Cym
        )
    }

    /// The whatlang language to compare with, None when whatlang cannot detect this language (e.g. Icelandic, Irish).
    pub fn whatlang(self) -> Option<Lang> {
        self.entry().whatlang
    }

    /// Canonical ISO 639-3 code, e.g. "deu".
    pub fn code(self) -> &'static str {
        self.entry().code
    }

    /// English name, e.g. "German", "Chinese", "Norwegian".
    pub fn english_name(self) -> &'static str {
        self.entry().name
    }

    /// Whether a reader of `self` reads `other`: equality, plus written-standard pairs that are the same for a reader (Norwegian Bokmål/Nynorsk/Norwegian).
    pub fn reads(self, other: Language) -> bool {
        self == other || (self.is_norwegian() && other.is_norwegian())
    }

    /// Bokmål (which plain "Norwegian" canonicalises to) or Nynorsk: every
    /// Norwegian reader is taught both.
    fn is_norwegian(self) -> bool {
        matches!(self.code(), "nob" | "nno")
    }

    fn entry(self) -> &'static Entry {
        &LANGUAGES[usize::from(self.index)]
    }

    fn at(index: usize) -> Language {
        // LANGUAGES has fewer than 256 entries (asserted below).
        Language { index: index as u8 }
    }

    /// The entry whatlang's `lang` maps to; only for const contexts, where a
    /// missing entry is a compile error.
    const fn detected_as(lang: Lang) -> Language {
        let mut index = 0;
        while index < LANGUAGES.len() {
            if let Some(detected) = LANGUAGES[index].whatlang
                && detected as u8 == lang as u8
            {
                return Language { index: index as u8 };
            }
            index += 1;
        }
        panic!("a whatlang language is missing from LANGUAGES");
    }

    /// Looks up an ISO 639 code (any case); None for anything else.
    fn from_code(code: &str) -> Option<Language> {
        let bytes = code.as_bytes();
        if !(2..=3).contains(&bytes.len()) || !bytes.iter().all(u8::is_ascii_alphabetic) {
            return None;
        }
        let mut buf = [0u8; 3];
        for (lower, byte) in buf.iter_mut().zip(bytes) {
            *lower = byte.to_ascii_lowercase();
        }
        let code = std::str::from_utf8(&buf[..bytes.len()]).ok()?;
        let code = CODE_ALIASES
            .binary_search_by_key(&code, |&(alias, _)| alias)
            .map_or(code, |found| CODE_ALIASES[found].1);
        if code.len() == 2 {
            LANGUAGES
                .iter()
                .position(|entry| entry.alpha2 == code)
                .map(Self::at)
        } else {
            Self::from_canonical(code)
        }
    }

    fn from_canonical(code: &str) -> Option<Language> {
        LANGUAGES
            .binary_search_by_key(&code, |entry| entry.code)
            .ok()
            .map(Self::at)
    }

    /// Looks up a language name: the whole value, then the part before a
    /// parenthesis (`English (United States)`), then the part before the
    /// first `-`/`_` (`Chinese-Simplified`, `Portuguese_Brazil`).
    fn from_name(value: &str) -> Option<Language> {
        let head = before_paren(value);
        // Bounds the one allocation; no known name is this long.
        let source = if value.len() <= MAX_NAME_LEN {
            value
        } else if head.len() <= MAX_NAME_LEN {
            head
        } else {
            return None;
        };
        let lower: String = source.chars().flat_map(char::to_lowercase).collect();
        let head = before_paren(&lower);
        Self::from_lowercase_name(&lower)
            .or_else(|| Self::from_lowercase_name(head))
            .or_else(|| Self::from_lowercase_name(primary_subtag(head)))
    }

    /// Looks up an already lowercased name.
    fn from_lowercase_name(name: &str) -> Option<Language> {
        if name.is_empty() {
            return None;
        }
        if let Ok(found) = NAMES.binary_search_by_key(&name, |&(alias, _)| alias) {
            return Self::from_canonical(NAMES[found].1);
        }
        if let Some(found) = LANGUAGES
            .iter()
            .position(|entry| eq_lowercase(entry.name, name))
        {
            return Some(Self::at(found));
        }
        Lang::all()
            .iter()
            .find(|lang| eq_lowercase(lang.eng_name(), name) || eq_lowercase(lang.name(), name))
            .map(|&lang| Self::from_whatlang(lang))
    }
}

/// The spellings [`Language::parse`] accepts, as tables: what the SQL translation
/// (`crate::sql`) puts in its queries, so that a warehouse resolves a profile's language
/// from the parser's own tables and the two cannot drift apart.
impl Language {
    /// Every language the parser knows.
    pub fn all() -> impl Iterator<Item = Language> {
        (0..LANGUAGES.len()).map(Self::at)
    }

    /// Every ISO 639 code `parse` accepts (lowercase), with its language: tried on the
    /// primary subtag when it is two or three ASCII letters.
    pub fn code_spellings() -> Vec<(&'static str, Language)> {
        let codes = LANGUAGES
            .iter()
            .flat_map(|e| [e.alpha2, e.code])
            .chain(CODE_ALIASES.iter().map(|&(alias, _)| alias));
        let mut out: Vec<(&'static str, Language)> = codes
            .filter_map(|c| Self::from_code(c).map(|l| (c, l)))
            .collect();
        out.sort_by_key(|&(c, _)| c);
        out.dedup_by_key(|&mut (c, _)| c);
        out
    }

    /// Every name `parse` accepts (lowercased, without a region in parentheses), with its
    /// language: tried on the whole value, the part before a parenthesis, and that part's
    /// primary subtag, in this order, when no code matched.
    pub fn name_spellings() -> Vec<(String, Language)> {
        let lower = |s: &str| s.chars().flat_map(char::to_lowercase).collect::<String>();
        let names = NAMES
            .iter()
            .map(|&(name, _)| name.to_owned())
            .chain(LANGUAGES.iter().map(|e| lower(e.name)))
            .chain(
                Lang::all()
                    .iter()
                    .flat_map(|l| [lower(l.eng_name()), lower(l.name())]),
            );
        let mut out: Vec<(String, Language)> = names
            .filter_map(|n| Self::from_lowercase_name(&n).map(|l| (n, l)))
            .collect();
        out.sort_by(|a, b| a.0.cmp(&b.0));
        out.dedup_by(|a, b| a.0 == b.0);
        out
    }
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.english_name())
    }
}

impl fmt::Debug for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Language").field(&self.code()).finish()
    }
}

/// Longest value (in bytes) tried as a name.
const MAX_NAME_LEN: usize = 64;

/// The part before the first `-` or `_`, trimmed.
fn primary_subtag(value: &str) -> &str {
    value
        .split_once(['-', '_'])
        .map_or(value, |(primary, _)| primary)
        .trim()
}

/// The part before the first ASCII or full-width opening parenthesis, trimmed.
fn before_paren(value: &str) -> &str {
    value
        .split_once(['(', '（'])
        .map_or(value, |(head, _)| head)
        .trim()
}

/// Whether `name` lowercases to `lower`, without allocating.
fn eq_lowercase(name: &str, lower: &str) -> bool {
    name.chars().flat_map(char::to_lowercase).eq(lower.chars())
}

/// One language: canonical ISO 639-3 code, ISO 639-1 code, English name and
/// the whatlang language, if whatlang detects it.
struct Entry {
    code: &'static str,
    alpha2: &'static str,
    name: &'static str,
    whatlang: Option<Lang>,
}

impl Entry {
    const fn new(
        code: &'static str,
        alpha2: &'static str,
        name: &'static str,
        whatlang: Option<Lang>,
    ) -> Entry {
        Entry {
            code,
            alpha2,
            name,
            whatlang,
        }
    }
}

const _: () = assert!(LANGUAGES.len() <= 256);

/// Every ISO 639-1 language (plus the withdrawn `sh`), sorted by canonical
/// code. Macrolanguages whatlang detects through one member use that member's
/// code (`zh` is `cmn`, `fa` is `pes`); `nb` is `nob` and `no` aliases it.
static LANGUAGES: [Entry; 182] = [
    Entry::new("aar", "aa", "Afar", None),
    Entry::new("abk", "ab", "Abkhazian", None),
    Entry::new("afr", "af", "Afrikaans", Some(Lang::Afr)),
    Entry::new("aka", "ak", "Akan", Some(Lang::Aka)),
    Entry::new("amh", "am", "Amharic", Some(Lang::Amh)),
    Entry::new("ara", "ar", "Arabic", Some(Lang::Ara)),
    Entry::new("arg", "an", "Aragonese", None),
    Entry::new("asm", "as", "Assamese", None),
    Entry::new("ava", "av", "Avaric", None),
    Entry::new("ave", "ae", "Avestan", None),
    Entry::new("aym", "ay", "Aymara", None),
    Entry::new("aze", "az", "Azerbaijani", Some(Lang::Aze)),
    Entry::new("bak", "ba", "Bashkir", None),
    Entry::new("bam", "bm", "Bambara", None),
    Entry::new("bel", "be", "Belarusian", Some(Lang::Bel)),
    Entry::new("ben", "bn", "Bengali", Some(Lang::Ben)),
    Entry::new("bis", "bi", "Bislama", None),
    Entry::new("bod", "bo", "Tibetan", None),
    Entry::new("bos", "bs", "Bosnian", None),
    Entry::new("bre", "br", "Breton", None),
    Entry::new("bul", "bg", "Bulgarian", Some(Lang::Bul)),
    Entry::new("cat", "ca", "Catalan", Some(Lang::Cat)),
    Entry::new("ces", "cs", "Czech", Some(Lang::Ces)),
    Entry::new("cha", "ch", "Chamorro", None),
    Entry::new("che", "ce", "Chechen", None),
    Entry::new("chu", "cu", "Church Slavonic", None),
    Entry::new("chv", "cv", "Chuvash", None),
    Entry::new("cmn", "zh", "Chinese", Some(Lang::Cmn)),
    Entry::new("cor", "kw", "Cornish", None),
    Entry::new("cos", "co", "Corsican", None),
    Entry::new("cre", "cr", "Cree", None),
    Entry::new("cym", "cy", "Welsh", Some(Lang::Cym)),
    Entry::new("dan", "da", "Danish", Some(Lang::Dan)),
    Entry::new("deu", "de", "German", Some(Lang::Deu)),
    Entry::new("div", "dv", "Dhivehi", None),
    Entry::new("dzo", "dz", "Dzongkha", None),
    Entry::new("ell", "el", "Greek", Some(Lang::Ell)),
    Entry::new("eng", "en", "English", Some(Lang::Eng)),
    Entry::new("epo", "eo", "Esperanto", Some(Lang::Epo)),
    Entry::new("est", "et", "Estonian", Some(Lang::Est)),
    Entry::new("eus", "eu", "Basque", None),
    Entry::new("ewe", "ee", "Ewe", None),
    Entry::new("fao", "fo", "Faroese", None),
    Entry::new("fij", "fj", "Fijian", None),
    Entry::new("fin", "fi", "Finnish", Some(Lang::Fin)),
    Entry::new("fra", "fr", "French", Some(Lang::Fra)),
    Entry::new("fry", "fy", "Western Frisian", None),
    Entry::new("ful", "ff", "Fula", None),
    Entry::new("gla", "gd", "Scottish Gaelic", None),
    Entry::new("gle", "ga", "Irish", None),
    Entry::new("glg", "gl", "Galician", None),
    Entry::new("glv", "gv", "Manx", None),
    Entry::new("grn", "gn", "Guarani", None),
    Entry::new("guj", "gu", "Gujarati", Some(Lang::Guj)),
    Entry::new("hat", "ht", "Haitian Creole", None),
    Entry::new("hau", "ha", "Hausa", None),
    Entry::new("hbs", "sh", "Serbo-Croatian", None),
    Entry::new("heb", "he", "Hebrew", Some(Lang::Heb)),
    Entry::new("her", "hz", "Herero", None),
    Entry::new("hin", "hi", "Hindi", Some(Lang::Hin)),
    Entry::new("hmo", "ho", "Hiri Motu", None),
    Entry::new("hrv", "hr", "Croatian", Some(Lang::Hrv)),
    Entry::new("hun", "hu", "Hungarian", Some(Lang::Hun)),
    Entry::new("hye", "hy", "Armenian", Some(Lang::Hye)),
    Entry::new("ibo", "ig", "Igbo", None),
    Entry::new("ido", "io", "Ido", None),
    Entry::new("iii", "ii", "Sichuan Yi", None),
    Entry::new("iku", "iu", "Inuktitut", None),
    Entry::new("ile", "ie", "Interlingue", None),
    Entry::new("ina", "ia", "Interlingua", None),
    Entry::new("ind", "id", "Indonesian", Some(Lang::Ind)),
    Entry::new("ipk", "ik", "Inupiaq", None),
    Entry::new("isl", "is", "Icelandic", None),
    Entry::new("ita", "it", "Italian", Some(Lang::Ita)),
    Entry::new("jav", "jv", "Javanese", Some(Lang::Jav)),
    Entry::new("jpn", "ja", "Japanese", Some(Lang::Jpn)),
    Entry::new("kal", "kl", "Kalaallisut", None),
    Entry::new("kan", "kn", "Kannada", Some(Lang::Kan)),
    Entry::new("kas", "ks", "Kashmiri", None),
    Entry::new("kat", "ka", "Georgian", Some(Lang::Kat)),
    Entry::new("kau", "kr", "Kanuri", None),
    Entry::new("kaz", "kk", "Kazakh", None),
    Entry::new("khm", "km", "Khmer", Some(Lang::Khm)),
    Entry::new("kik", "ki", "Kikuyu", None),
    Entry::new("kin", "rw", "Kinyarwanda", None),
    Entry::new("kir", "ky", "Kyrgyz", None),
    Entry::new("kom", "kv", "Komi", None),
    Entry::new("kon", "kg", "Kongo", None),
    Entry::new("kor", "ko", "Korean", Some(Lang::Kor)),
    Entry::new("kua", "kj", "Kuanyama", None),
    Entry::new("kur", "ku", "Kurdish", None),
    Entry::new("lao", "lo", "Lao", None),
    Entry::new("lat", "la", "Latin", Some(Lang::Lat)),
    Entry::new("lav", "lv", "Latvian", Some(Lang::Lav)),
    Entry::new("lim", "li", "Limburgish", None),
    Entry::new("lin", "ln", "Lingala", None),
    Entry::new("lit", "lt", "Lithuanian", Some(Lang::Lit)),
    Entry::new("ltz", "lb", "Luxembourgish", None),
    Entry::new("lub", "lu", "Luba-Katanga", None),
    Entry::new("lug", "lg", "Ganda", None),
    Entry::new("mah", "mh", "Marshallese", None),
    Entry::new("mal", "ml", "Malayalam", Some(Lang::Mal)),
    Entry::new("mar", "mr", "Marathi", Some(Lang::Mar)),
    Entry::new("mkd", "mk", "Macedonian", Some(Lang::Mkd)),
    Entry::new("mlg", "mg", "Malagasy", None),
    Entry::new("mlt", "mt", "Maltese", None),
    Entry::new("mon", "mn", "Mongolian", None),
    Entry::new("mri", "mi", "Maori", None),
    Entry::new("msa", "ms", "Malay", None),
    Entry::new("mya", "my", "Burmese", Some(Lang::Mya)),
    Entry::new("nau", "na", "Nauru", None),
    Entry::new("nav", "nv", "Navajo", None),
    Entry::new("nbl", "nr", "South Ndebele", None),
    Entry::new("nde", "nd", "North Ndebele", None),
    Entry::new("ndo", "ng", "Ndonga", None),
    Entry::new("nep", "ne", "Nepali", Some(Lang::Nep)),
    Entry::new("nld", "nl", "Dutch", Some(Lang::Nld)),
    Entry::new("nno", "nn", "Norwegian Nynorsk", None),
    Entry::new("nob", "nb", "Norwegian", Some(Lang::Nob)),
    Entry::new("nya", "ny", "Chichewa", None),
    Entry::new("oci", "oc", "Occitan", None),
    Entry::new("oji", "oj", "Ojibwe", None),
    Entry::new("ori", "or", "Odia", Some(Lang::Ori)),
    Entry::new("orm", "om", "Oromo", None),
    Entry::new("oss", "os", "Ossetian", None),
    Entry::new("pan", "pa", "Punjabi", Some(Lang::Pan)),
    Entry::new("pes", "fa", "Persian", Some(Lang::Pes)),
    Entry::new("pli", "pi", "Pali", None),
    Entry::new("pol", "pl", "Polish", Some(Lang::Pol)),
    Entry::new("por", "pt", "Portuguese", Some(Lang::Por)),
    Entry::new("pus", "ps", "Pashto", None),
    Entry::new("que", "qu", "Quechua", None),
    Entry::new("roh", "rm", "Romansh", None),
    Entry::new("ron", "ro", "Romanian", Some(Lang::Ron)),
    Entry::new("run", "rn", "Kirundi", None),
    Entry::new("rus", "ru", "Russian", Some(Lang::Rus)),
    Entry::new("sag", "sg", "Sango", None),
    Entry::new("san", "sa", "Sanskrit", None),
    Entry::new("sin", "si", "Sinhala", Some(Lang::Sin)),
    Entry::new("slk", "sk", "Slovak", Some(Lang::Slk)),
    Entry::new("slv", "sl", "Slovenian", Some(Lang::Slv)),
    Entry::new("sme", "se", "Northern Sami", None),
    Entry::new("smo", "sm", "Samoan", None),
    Entry::new("sna", "sn", "Shona", Some(Lang::Sna)),
    Entry::new("snd", "sd", "Sindhi", None),
    Entry::new("som", "so", "Somali", None),
    Entry::new("sot", "st", "Southern Sotho", None),
    Entry::new("spa", "es", "Spanish", Some(Lang::Spa)),
    Entry::new("sqi", "sq", "Albanian", None),
    Entry::new("srd", "sc", "Sardinian", None),
    Entry::new("srp", "sr", "Serbian", Some(Lang::Srp)),
    Entry::new("ssw", "ss", "Swati", None),
    Entry::new("sun", "su", "Sundanese", None),
    Entry::new("swa", "sw", "Swahili", None),
    Entry::new("swe", "sv", "Swedish", Some(Lang::Swe)),
    Entry::new("tah", "ty", "Tahitian", None),
    Entry::new("tam", "ta", "Tamil", Some(Lang::Tam)),
    Entry::new("tat", "tt", "Tatar", None),
    Entry::new("tel", "te", "Telugu", Some(Lang::Tel)),
    Entry::new("tgk", "tg", "Tajik", None),
    Entry::new("tgl", "tl", "Tagalog", Some(Lang::Tgl)),
    Entry::new("tha", "th", "Thai", Some(Lang::Tha)),
    Entry::new("tir", "ti", "Tigrinya", None),
    Entry::new("ton", "to", "Tongan", None),
    Entry::new("tsn", "tn", "Tswana", None),
    Entry::new("tso", "ts", "Tsonga", None),
    Entry::new("tuk", "tk", "Turkmen", Some(Lang::Tuk)),
    Entry::new("tur", "tr", "Turkish", Some(Lang::Tur)),
    Entry::new("uig", "ug", "Uyghur", None),
    Entry::new("ukr", "uk", "Ukrainian", Some(Lang::Ukr)),
    Entry::new("urd", "ur", "Urdu", Some(Lang::Urd)),
    Entry::new("uzb", "uz", "Uzbek", Some(Lang::Uzb)),
    Entry::new("ven", "ve", "Venda", None),
    Entry::new("vie", "vi", "Vietnamese", Some(Lang::Vie)),
    Entry::new("vol", "vo", "Volapük", None),
    Entry::new("wln", "wa", "Walloon", None),
    Entry::new("wol", "wo", "Wolof", None),
    Entry::new("xho", "xh", "Xhosa", None),
    Entry::new("yid", "yi", "Yiddish", Some(Lang::Yid)),
    Entry::new("yor", "yo", "Yoruba", None),
    Entry::new("zha", "za", "Zhuang", None),
    Entry::new("zul", "zu", "Zulu", Some(Lang::Zul)),
];

/// Alternative and native names, lowercased (per `char::to_lowercase`), sorted
/// by bytes, with their canonical code. English names in [`LANGUAGES`] and
/// whatlang's own names are matched without being listed here.
static NAMES: [(&str, &str); 287] = [
    ("anglais", "eng"),
    ("asante twi", "aka"),
    ("azeri", "aze"),
    ("azərbaycan", "aze"),
    ("azərbaycan dili", "aze"),
    ("azərbaycanca", "aze"),
    ("bahasa indonesia", "ind"),
    ("bahasa malaysia", "msa"),
    ("bahasa melayu", "msa"),
    ("bangla", "ben"),
    ("basa jawa", "jav"),
    ("basa sunda", "sun"),
    ("belarusan", "bel"),
    ("bokmaal", "nob"),
    ("bokmål", "nob"),
    ("bosanski", "bos"),
    ("brazilian portuguese", "por"),
    ("brezhoneg", "bre"),
    ("byelorussian", "bel"),
    ("cambodian", "khm"),
    ("castellano", "spa"),
    ("castilian", "spa"),
    ("català", "cat"),
    ("cesky", "ces"),
    ("cestina", "ces"),
    ("chewa", "nya"),
    ("chinese simplified", "cmn"),
    ("chinese traditional", "cmn"),
    ("chishona", "sna"),
    ("corsu", "cos"),
    ("cymraeg", "cym"),
    ("dansk", "dan"),
    ("dari", "pes"),
    ("davvisámegiella", "sme"),
    ("deutsch", "deu"),
    ("divehi", "div"),
    ("eesti", "est"),
    ("eesti keel", "est"),
    ("ellinika", "ell"),
    ("englisch", "eng"),
    ("espanol", "spa"),
    ("esperanto", "epo"),
    ("euskara", "eus"),
    ("euskera", "eus"),
    ("fante", "aka"),
    ("farsi", "pes"),
    ("filipino", "tgl"),
    ("flemish", "nld"),
    ("francais", "fra"),
    ("francaise", "fra"),
    ("française", "fra"),
    ("frisian", "fry"),
    ("frysk", "fry"),
    ("fulah", "ful"),
    ("fulani", "ful"),
    ("føroyskt", "fao"),
    ("gaeilge", "gle"),
    ("gaelg", "glv"),
    ("gaelic", "gla"),
    ("gagana samoa", "smo"),
    ("gaidhlig", "gla"),
    ("galego", "glg"),
    ("greenlandic", "kal"),
    ("gàidhlig", "gla"),
    ("haitian", "hat"),
    ("hangugeo", "kor"),
    ("high german", "deu"),
    ("hochdeutsch", "deu"),
    ("hrvatski", "hrv"),
    ("hrvatski jezik", "hrv"),
    ("ikinyarwanda", "kin"),
    ("ikirundi", "run"),
    ("indonesia", "ind"),
    ("ingles", "eng"),
    ("inglés", "eng"),
    ("iranian persian", "pes"),
    ("irish gaelic", "gle"),
    ("isixhosa", "xho"),
    ("isizulu", "zul"),
    ("islenska", "isl"),
    ("italiano", "ita"),
    ("ivrit", "heb"),
    ("jawa", "jav"),
    ("język polski", "pol"),
    ("kazak", "kaz"),
    ("kernewek", "cor"),
    ("kirghiz", "kir"),
    ("kiswahili", "swa"),
    ("kreyòl ayisyen", "hat"),
    ("kurdî", "kur"),
    ("kyrgyz", "kir"),
    ("laotian", "lao"),
    ("latina", "lat"),
    ("latviesu", "lav"),
    ("latviešu", "lav"),
    ("latviešu valoda", "lav"),
    ("lea faka-tonga", "ton"),
    ("lenga d'òc", "oci"),
    ("lettish", "lav"),
    ("letzebuergesch", "ltz"),
    ("letzeburgesch", "ltz"),
    ("lietuviu", "lit"),
    ("lietuvių", "lit"),
    ("lietuvių kalba", "lit"),
    ("limba română", "ron"),
    ("limburgan", "lim"),
    ("luganda", "lug"),
    ("lëtzebuergesch", "ltz"),
    ("magyar", "hun"),
    ("malagasy", "mlg"),
    ("malaysian", "msa"),
    ("maldivian", "div"),
    ("malti", "mlt"),
    ("mandarin chinese", "cmn"),
    ("melayu", "msa"),
    ("modern greek", "ell"),
    ("modern standard arabic", "ara"),
    ("moldavian", "ron"),
    ("moldovan", "ron"),
    ("myanmar", "mya"),
    ("māori", "mri"),
    ("nederlands", "nld"),
    ("nepalese", "nep"),
    ("nihongo", "jpn"),
    ("norsk", "nob"),
    ("norsk bokmal", "nob"),
    ("norsk bokmål", "nob"),
    ("norsk nynorsk", "nno"),
    ("norwegian bokmal", "nob"),
    ("norwegian bokmål", "nob"),
    ("nyanja", "nya"),
    ("nynorsk", "nno"),
    ("o'zbek", "uzb"),
    ("o'zbekcha", "uzb"),
    ("occitan", "oci"),
    ("oriya", "ori"),
    ("ossetic", "oss"),
    ("oʻzbek", "uzb"),
    ("oʻzbekcha", "uzb"),
    ("panjabi", "pan"),
    ("parsi", "pes"),
    ("pilipino", "tgl"),
    ("polski", "pol"),
    ("portugues", "por"),
    ("português brasileiro", "por"),
    ("português do brasil", "por"),
    ("pushto", "pus"),
    ("putonghua", "cmn"),
    ("pāli", "pli"),
    ("romana", "ron"),
    ("romansch", "roh"),
    ("româna", "ron"),
    ("română", "ron"),
    ("rumantsch", "roh"),
    ("rundi", "run"),
    ("russkiy", "rus"),
    ("sami", "sme"),
    ("sardu", "srd"),
    ("serbo croatian", "hbs"),
    ("sesotho", "sot"),
    ("setswana", "tsn"),
    ("shqip", "sqi"),
    ("shqipe", "sqi"),
    ("simplified chinese", "cmn"),
    ("sinhalese", "sin"),
    ("slovencina", "slk"),
    ("slovene", "slv"),
    ("slovenscina", "slv"),
    ("slovensky", "slk"),
    ("slovenčina", "slk"),
    ("slovenščina", "slv"),
    ("soomaali", "som"),
    ("srpski", "srp"),
    ("srpskohrvatski", "hbs"),
    ("standard german", "deu"),
    ("suomen kieli", "fin"),
    ("suomi", "fin"),
    ("svenska", "swe"),
    ("sámegiella", "sme"),
    ("tajiki", "tgk"),
    ("te reo", "mri"),
    ("te reo māori", "mri"),
    ("tieng viet", "vie"),
    ("tiếng việt", "vie"),
    ("traditional chinese", "cmn"),
    ("turkce", "tur"),
    ("turkmence", "tuk"),
    ("twi", "aka"),
    ("türkmen", "tuk"),
    ("türkmençe", "tuk"),
    ("türkçe", "tur"),
    ("uighur", "uig"),
    ("valencian", "cat"),
    ("valencià", "cat"),
    ("vlaams", "nld"),
    ("wikang tagalog", "tgl"),
    ("yorùbá", "yor"),
    ("zhongwen", "cmn"),
    ("íslenska", "isl"),
    ("česky", "ces"),
    ("čeština", "ces"),
    ("ελληνικά", "ell"),
    ("башҡорт", "bak"),
    ("беларуская", "bel"),
    ("беларуская мова", "bel"),
    ("босански", "bos"),
    ("български", "bul"),
    ("български език", "bul"),
    ("кыргыз тили", "kir"),
    ("кыргызча", "kir"),
    ("македонски", "mkd"),
    ("македонски јазик", "mkd"),
    ("монгол", "mon"),
    ("монгол хэл", "mon"),
    ("нохчийн", "che"),
    ("русский язык", "rus"),
    ("српски", "srp"),
    ("српски језик", "srp"),
    ("српскохрватски", "hbs"),
    ("татар", "tat"),
    ("тоҷикӣ", "tgk"),
    ("українська", "ukr"),
    ("українська мова", "ukr"),
    ("чӑвашла", "chv"),
    ("ўзбек", "uzb"),
    ("ўзбекча", "uzb"),
    ("қазақ", "kaz"),
    ("қазақ тілі", "kaz"),
    ("қазақша", "kaz"),
    ("հայերեն", "hye"),
    ("ייִדיש", "yid"),
    ("יידיש", "yid"),
    ("עברית", "heb"),
    ("ئۇيغۇرچە", "uig"),
    ("اردو", "urd"),
    ("اُردُو", "urd"),
    ("دری", "pes"),
    ("عربى", "ara"),
    ("عربي", "ara"),
    ("فارسی", "pes"),
    ("پارسی", "pes"),
    ("پښتو", "pus"),
    ("کوردی", "kur"),
    ("नेपाली", "nep"),
    ("मराठी", "mar"),
    ("संस्कृतम्", "san"),
    ("हिंदी", "hin"),
    ("हिन्दी", "hin"),
    ("বাংলা", "ben"),
    ("ਪੰਜਾਬੀ", "pan"),
    ("ગુજરાતી", "guj"),
    ("ଓଡ଼ିଆ", "ori"),
    ("தமிழ்", "tam"),
    ("తెలుగు", "tel"),
    ("ಕನ್ನಡ", "kan"),
    ("മലയാളം", "mal"),
    ("සිංහල", "sin"),
    ("ภาษาไทย", "tha"),
    ("ไทย", "tha"),
    ("ພາສາລາວ", "lao"),
    ("ລາວ", "lao"),
    ("བོད་སྐད", "bod"),
    ("རྫོང་ཁ", "dzo"),
    ("မြန်မာ", "mya"),
    ("မြန်မာစာ", "mya"),
    ("ქართული", "kat"),
    ("ትግርኛ", "tir"),
    ("አማርኛ", "amh"),
    ("ខ្មែរ", "khm"),
    ("ភាសាខ្មែរ", "khm"),
    ("にほんご", "jpn"),
    ("中文", "cmn"),
    ("中文简体", "cmn"),
    ("中文繁体", "cmn"),
    ("中文繁體", "cmn"),
    ("华语", "cmn"),
    ("国语", "cmn"),
    ("國語", "cmn"),
    ("普通話", "cmn"),
    ("汉语", "cmn"),
    ("漢語", "cmn"),
    ("简体中文", "cmn"),
    ("繁体中文", "cmn"),
    ("繁體中文", "cmn"),
    ("華語", "cmn"),
    ("조선말", "kor"),
    ("조선어", "kor"),
];

/// Codes that are not canonical: deprecated ISO 639-1 codes, macrolanguages
/// and members folded into the language whatlang detects, ISO 639-2/B codes.
/// Sorted.
static CODE_ALIASES: [(&str, &str); 51] = [
    ("alb", "sqi"),
    ("als", "sqi"),
    ("arb", "ara"),
    ("arm", "hye"),
    ("azb", "aze"),
    ("azj", "aze"),
    ("baq", "eus"),
    ("bur", "mya"),
    ("chi", "cmn"),
    ("cze", "ces"),
    ("dut", "nld"),
    ("ekk", "est"),
    ("fas", "pes"),
    ("fat", "aka"),
    ("fil", "tgl"),
    ("fre", "fra"),
    ("geo", "kat"),
    ("ger", "deu"),
    ("gre", "ell"),
    ("ice", "isl"),
    ("in", "ind"),
    ("iw", "heb"),
    ("ji", "yid"),
    ("jw", "jav"),
    ("khk", "mon"),
    ("lvs", "lav"),
    ("mac", "mkd"),
    ("mao", "mri"),
    ("may", "msa"),
    ("mo", "ron"),
    ("mol", "ron"),
    ("no", "nob"),
    ("nor", "nob"),
    ("npi", "nep"),
    ("ory", "ori"),
    ("per", "pes"),
    ("prs", "pes"),
    ("rum", "ron"),
    ("scc", "srp"),
    ("scr", "hrv"),
    ("slo", "slk"),
    ("swh", "swa"),
    ("tib", "bod"),
    ("tw", "aka"),
    ("twi", "aka"),
    ("uzn", "uzb"),
    ("wel", "cym"),
    ("ydd", "yid"),
    ("yih", "yid"),
    ("zho", "cmn"),
    ("zsm", "msa"),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(value: &str) -> Language {
        match Language::parse(value) {
            Some(language) => language,
            None => panic!("{value:?} did not parse"),
        }
    }

    fn assert_all(values: &[&str], expected: Language) {
        for value in values {
            assert_eq!(parse(value), expected, "{value:?}");
        }
    }

    #[test]
    fn spelling_tables_mean_what_parse_means() {
        let codes = Language::code_spellings();
        assert!(codes.len() > 300, "{}", codes.len());
        for (code, language) in &codes {
            assert_eq!(Language::parse(code), Some(*language), "{code}");
            assert_eq!(
                Language::parse(&code.to_uppercase()),
                Some(*language),
                "{code}"
            );
        }
        let names = Language::name_spellings();
        assert!(names.len() > 400, "{}", names.len());
        for (name, language) in &names {
            // A name that is also a code is read as the code first, like the query does.
            let expected = Language::from_code(primary_subtag(name)).unwrap_or(*language);
            assert_eq!(Language::parse(name), Some(expected), "{name}");
        }
    }

    #[test]
    fn bcp47_tags_use_the_primary_subtag() {
        assert_eq!(parse("en-GB").code(), "eng");
        assert_eq!(parse("pt-BR").code(), "por");
        assert_eq!(parse("zh-Hant").code(), "cmn");
        assert_eq!(parse("sr-Latn-RS").code(), "srp");
        assert_eq!(parse("en_US").code(), "eng");
        assert_eq!(parse("  DE-at ").code(), "deu");
        assert_eq!(parse("en--").code(), "eng");
    }

    #[test]
    fn iso_codes() {
        assert_eq!(parse("de").code(), "deu");
        assert_eq!(parse("deu").code(), "deu");
        assert_eq!(parse("DEU").code(), "deu");
        for (bibliographic, terminology) in [
            ("alb", "sqi"),
            ("arm", "hye"),
            ("baq", "eus"),
            ("bur", "mya"),
            ("chi", "cmn"),
            ("cze", "ces"),
            ("dut", "nld"),
            ("fre", "fra"),
            ("geo", "kat"),
            ("ger", "deu"),
            ("gre", "ell"),
            ("ice", "isl"),
            ("mac", "mkd"),
            ("mao", "mri"),
            ("may", "msa"),
            ("per", "pes"),
            ("rum", "ron"),
            ("slo", "slk"),
            ("tib", "bod"),
            ("wel", "cym"),
        ] {
            assert_eq!(parse(bibliographic).code(), terminology, "{bibliographic}");
        }
        // Deprecated codes that Java's Locale still produces.
        assert_eq!(parse("iw").code(), "heb");
        assert_eq!(parse("in_ID").code(), "ind");
        assert_eq!(parse("ji").code(), "yid");
    }

    #[test]
    fn names() {
        assert_eq!(parse("German").code(), "deu");
        assert_eq!(parse("english").code(), "eng");
        assert_eq!(parse("Deutsch").code(), "deu");
        assert_eq!(parse("Français").code(), "fra");
        assert_eq!(parse("FRANÇAIS").code(), "fra");
        assert_eq!(parse("español").code(), "spa");
        assert_eq!(parse("Русский").code(), "rus");
        assert_eq!(parse("日本語").code(), "jpn");
        assert_eq!(parse("中文").code(), "cmn");
        assert_eq!(parse(" Slovenščina ").code(), "slv");
        assert_eq!(parse("Serbo-Croatian").code(), "hbs");
        assert_eq!(parse("Luba-Katanga").code(), "lub");
    }

    #[test]
    fn names_with_a_region() {
        assert_eq!(parse("English (United States)").code(), "eng");
        assert_eq!(parse("Português (Brasil)").code(), "por");
        assert_eq!(parse("Chinese(Traditional)").code(), "cmn");
        assert_eq!(parse("中文（简体）").code(), "cmn");
        assert_eq!(parse("Chinese-Simplified").code(), "cmn");
        assert_eq!(parse("Portuguese_Brazil").code(), "por");
        let long_region = format!("English ({})", "United States ".repeat(20));
        assert_eq!(parse(&long_region).code(), "eng");
    }

    #[test]
    fn chinese_meets_whatlang() {
        assert_all(
            &[
                "zh", "zho", "chi", "zh-Hant", "zh-CN", "Chinese", "Mandarin", "中文", "cmn",
            ],
            Language::from_whatlang(Lang::Cmn),
        );
    }

    #[test]
    fn norwegian_meets_whatlang() {
        assert_all(
            &[
                "no",
                "nb",
                "nor",
                "nob",
                "Norwegian",
                "Norsk",
                "bokmål",
                "nb-NO",
                "no_NO",
            ],
            Language::from_whatlang(Lang::Nob),
        );
    }

    #[test]
    fn persian_meets_whatlang() {
        assert_all(
            &[
                "fa",
                "fas",
                "per",
                "pes",
                "Persian",
                "Farsi",
                "فارسی",
                "fa-IR",
                "prs",
            ],
            Language::from_whatlang(Lang::Pes),
        );
    }

    #[test]
    fn macrolanguage_members_meet_whatlang() {
        let cases: [(&[&str], Lang); 11] = [
            (&["ar", "ara", "arb", "Arabic", "ar-EG"], Lang::Ara),
            (&["et", "est", "ekk", "Eesti"], Lang::Est),
            (&["lv", "lav", "lvs", "Latviešu"], Lang::Lav),
            (&["uz", "uzb", "uzn", "uz-Latn-UZ"], Lang::Uzb),
            (&["az", "aze", "azj", "Azeri"], Lang::Aze),
            (&["ne", "nep", "npi"], Lang::Nep),
            (&["or", "ori", "ory", "Odia", "Oriya"], Lang::Ori),
            (&["yi", "yid", "ydd", "ji"], Lang::Yid),
            (&["ak", "aka", "tw", "twi", "Twi"], Lang::Aka),
            (&["tl", "tgl", "fil", "Filipino", "fil-PH"], Lang::Tgl),
            (&["id", "ind", "in", "Bahasa Indonesia"], Lang::Ind),
        ];
        for (values, lang) in cases {
            assert_all(values, Language::from_whatlang(lang));
        }
    }

    #[test]
    fn every_whatlang_language_round_trips() {
        for &lang in Lang::all() {
            let language = Language::from_whatlang(lang);
            assert_eq!(language.whatlang(), Some(lang));
            for value in [lang.code(), lang.eng_name(), lang.name()] {
                assert_eq!(parse(value), language, "{value:?}");
            }
            assert_eq!(parse(&lang.name().to_uppercase()), language, "{lang:?}");
        }
    }

    #[test]
    fn languages_whatlang_cannot_detect() {
        for (value, code) in [
            ("is", "isl"),
            ("ga", "gle"),
            ("lb", "ltz"),
            ("mt", "mlt"),
            ("sw", "swa"),
            ("eu", "eus"),
            ("gl", "glg"),
            ("Icelandic", "isl"),
            ("Íslenska", "isl"),
            ("Gaeilge", "gle"),
            ("Lëtzebuergesch", "ltz"),
            ("Euskara", "eus"),
            ("Galego", "glg"),
            ("ms-MY", "msa"),
        ] {
            let language = parse(value);
            assert_eq!(language.code(), code, "{value:?}");
            assert_eq!(language.whatlang(), None, "{value:?}");
        }
    }

    #[test]
    fn unknown_values() {
        let long = "a".repeat(100_000);
        let long_accented = "é".repeat(50_000);
        let long_tag = format!("en{}", "-x".repeat(50_000));
        let long_paren = format!("{}(English)", "z".repeat(10_000));
        for value in [
            "",
            " ",
            "-",
            "_",
            "--",
            "und",
            "zxx",
            "mul",
            "mis",
            "qaa",
            "x-klingon",
            "i-default",
            "i-klingon",
            "xx",
            "x",
            "Klingon",
            "ÄÖ",
            "(",
            "（",
            "()",
            "(English)",
            "\u{0}",
            "e\u{301}",
            "🇩🇪",
            &long,
            &long_accented,
            &long_paren,
        ] {
            assert_eq!(Language::parse(value), None, "{value:?}");
        }
        assert_eq!(parse(&long_tag).code(), "eng");
    }

    #[test]
    fn reads_norwegian_standards_only() {
        let bokmal = parse("nb");
        let nynorsk = parse("nn");
        let norwegian = parse("no");
        for reader in [bokmal, nynorsk, norwegian] {
            for text in [bokmal, nynorsk, norwegian] {
                assert!(reader.reads(text), "{reader:?} reads {text:?}");
            }
            assert!(!reader.reads(parse("da")));
            assert!(!reader.reads(parse("sv")));
            assert!(!parse("da").reads(reader));
        }
        assert!(Language::from_whatlang(Lang::Nob).reads(nynorsk));
        assert!(parse("de").reads(parse("German")));
        assert!(!parse("de").reads(parse("nl")));
    }

    #[test]
    fn display_and_names() {
        assert_eq!(parse("zh").to_string(), "Chinese");
        assert_eq!(parse("no").english_name(), "Norwegian");
        assert_eq!(parse("fa").english_name(), "Persian");
        assert_eq!(format!("{:>8}", parse("de")), "  German");
        assert_eq!(format!("{:?}", parse("de")), "Language(\"deu\")");
    }

    #[test]
    fn table_is_consistent() {
        assert!(LANGUAGES.windows(2).all(|pair| pair[0].code < pair[1].code));
        let mut alpha2: Vec<_> = LANGUAGES.iter().map(|entry| entry.alpha2).collect();
        alpha2.sort_unstable();
        alpha2.dedup();
        // 183 ISO 639-1 codes, minus `no` and `tw` (aliases), plus withdrawn `sh`.
        assert_eq!(alpha2.len(), LANGUAGES.len());
        assert_eq!(LANGUAGES.len(), 182);
        for (index, entry) in LANGUAGES.iter().enumerate() {
            assert!(entry.code.len() == 3 && entry.code.bytes().all(|b| b.is_ascii_lowercase()));
            assert!(
                entry.alpha2.len() == 2 && entry.alpha2.bytes().all(|b| b.is_ascii_lowercase())
            );
            let language = Language::at(index);
            for value in [entry.code, entry.alpha2, entry.name] {
                assert_eq!(parse(value), language, "{value:?}");
            }
            if let Some(lang) = entry.whatlang {
                assert_eq!(lang.code(), entry.code);
            }
        }
        let detected = LANGUAGES
            .iter()
            .filter(|entry| entry.whatlang.is_some())
            .count();
        assert_eq!(detected, Lang::all().len());
    }

    #[test]
    fn aliases_and_names_are_consistent() {
        assert!(CODE_ALIASES.windows(2).all(|pair| pair[0].0 < pair[1].0));
        for (alias, code) in CODE_ALIASES {
            assert!(
                Language::from_canonical(code).is_some(),
                "{alias} -> {code}"
            );
            assert!(
                Language::from_canonical(alias).is_none(),
                "{alias} shadows a code"
            );
            assert!(
                LANGUAGES.iter().all(|entry| entry.alpha2 != alias),
                "{alias}"
            );
        }
        assert!(NAMES.windows(2).all(|pair| pair[0].0 < pair[1].0));
        for (name, code) in NAMES {
            let lower: String = name.chars().flat_map(char::to_lowercase).collect();
            assert_eq!(lower, name);
            assert_eq!(name.trim(), name);
            let language = Language::from_canonical(code);
            assert!(language.is_some(), "{name} -> {code}");
            assert_eq!(Language::parse(name), language, "{name}");
        }
    }
}
