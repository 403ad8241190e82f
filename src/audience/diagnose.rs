//! Why an export checked nothing, said so that the user can fix it: its format, the
//! columns (CSV header or the first object's keys) that were found, and the `[fields]`
//! mapping that would read it. Called only after a run that checked no row (or skipped
//! too many), so it may read the start of the file a second time.

use std::fmt::Write as _;
use std::io::Read;
use std::path::Path;

use super::reader::{AudienceFormat, ReadOptions, open, sniff_delimiter};
use crate::profiles::FieldMap;

/// What the start of an export shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportShape {
    pub format: AudienceFormat,
    /// CSV: the delimiter found.
    pub delimiter: Option<u8>,
    /// The header row's names, or the first object's keys.
    pub columns: Vec<String>,
    /// The file is one JSON object written over several lines: a profile, not an export.
    pub single_object: bool,
}

/// How much of the file is looked at.
const HEAD_BYTES: u64 = 1 << 20;

/// Reads the start of the export at `path`; None when it cannot be read.
pub fn shape(path: &Path, options: &ReadOptions) -> Option<ExportShape> {
    let (reader, format) = open(path, options).ok()?;
    let mut head = Vec::new();
    reader.take(HEAD_BYTES).read_to_end(&mut head).ok()?;
    let text =
        String::from_utf8_lossy(head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&head)).into_owned();
    let mut shape = ExportShape {
        format,
        delimiter: None,
        columns: Vec::new(),
        single_object: false,
    };
    match format {
        AudienceFormat::Csv => {
            let first = text.lines().next().unwrap_or("");
            let delimiter = options
                .delimiter
                .unwrap_or_else(|| sniff_delimiter(first.as_bytes()));
            shape.delimiter = Some(delimiter);
            let mut csv = csv::ReaderBuilder::new()
                .delimiter(delimiter)
                .flexible(true)
                .from_reader(text.as_bytes());
            if let Ok(headers) = csv.headers() {
                shape.columns = headers.iter().map(|h| h.trim().to_owned()).collect();
            }
        }
        AudienceFormat::JsonLines => {
            let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
            match serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(first) {
                Ok(object) => shape.columns = object.keys().cloned().collect(),
                Err(_) => {
                    // `{` alone on its line: one object written over several lines.
                    if let Ok(object) =
                        serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(&text)
                    {
                        shape.single_object = true;
                        shape.columns = object.keys().cloned().collect();
                    }
                }
            }
        }
        AudienceFormat::JsonArray => {
            if let Some(open) = text.find('{') {
                let mut objects = serde_json::Deserializer::from_str(&text[open..])
                    .into_iter::<serde_json::Map<String, serde_json::Value>>();
                if let Some(Ok(object)) = objects.next() {
                    shape.columns = object.keys().cloned().collect();
                }
            }
        }
    }
    Some(shape)
}

/// Column names, lower-cased, that usually hold each field, in the languages exports are
/// written in (the German Excel export: `E-Mail-Adresse;Vorname;Sprache;…`).
const GUESSES: &[(&str, &[&str])] = &[
    (
        "email",
        &[
            "mail",
            "courriel",
            "correo",
            "posta elettronica",
            "adres e-mail",
        ],
    ),
    (
        "language",
        &[
            "language", "lang", "locale", "sprache", "langue", "idioma", "lingua", "taal", "język",
            "jezyk", "言語",
        ],
    ),
    (
        "country",
        &[
            "country", "land", "pays", "país", "pais", "paese", "kraj", "国",
        ],
    ),
    (
        "status",
        &[
            "status",
            "statut",
            "estado",
            "stato",
            "subscription",
            "abonnement",
        ],
    ),
    (
        "owned_products",
        &[
            "owned",
            "products",
            "produkte",
            "produits",
            "productos",
            "prodotti",
            "producten",
            "produkty",
            "sku",
            "artikel",
        ],
    ),
];

/// The `[fields]` mapping that reads `columns`: for each field, the first column whose
/// name looks like it. Fields already read by their default name are left out.
pub fn suggested_fields(columns: &[String]) -> Vec<(&'static str, String)> {
    let defaults = FieldMap::default();
    let mut used: Vec<&String> = Vec::new();
    let mut out = Vec::new();
    for (field, words) in GUESSES {
        let default = match *field {
            "email" => &defaults.email,
            "language" => &defaults.language,
            "country" => &defaults.country,
            "status" => &defaults.status,
            _ => &defaults.owned_products,
        };
        if columns.iter().any(|c| c.eq_ignore_ascii_case(default)) {
            continue;
        }
        let found = columns.iter().find(|c| {
            let lower = c.to_lowercase();
            !used.contains(c) && words.iter().any(|w| lower.contains(w))
        });
        if let Some(column) = found {
            used.push(column);
            out.push((*field, column.clone()));
        }
    }
    out
}

/// Why an export checked no row, in a few lines: what the file looks like and how to
/// read it.
pub fn explain_unread(path: &Path, options: &ReadOptions, tried: &str) -> String {
    let Some(shape) = shape(path, options) else {
        return String::new();
    };
    let mut out = String::new();
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    if matches!(
        extension.as_deref(),
        Some("toml" | "yaml" | "yml" | "xml" | "html" | "eml")
    ) {
        let _ = write!(
            out,
            "\n  this is not an export: a .{} file (a catalog goes to --catalog, a config to --config)",
            extension.unwrap_or_default()
        );
        return out;
    }
    if shape.single_object {
        out.push_str(
            "\n  this is one JSON object over several lines, a single profile: check it with \
             --profile FILE; --audience reads CSV, JSON Lines (one object per line) or a JSON array",
        );
        return out;
    }
    let format = match (shape.format, shape.delimiter) {
        (AudienceFormat::Csv, Some(d)) => format!("CSV, delimiter {:?}", d as char),
        (AudienceFormat::Csv, None) => "CSV".to_owned(),
        (AudienceFormat::JsonLines, _) => "JSON Lines, keys of the first row".to_owned(),
        (AudienceFormat::JsonArray, _) => "JSON array, keys of the first object".to_owned(),
    };
    if shape.columns.is_empty() {
        let _ = write!(out, "\n  no columns found ({format})");
        return out;
    }
    let shown: Vec<String> = shape
        .columns
        .iter()
        .take(30)
        .map(|c| format!("{c:?}"))
        .collect();
    let more = shape.columns.len().saturating_sub(shown.len());
    let _ = write!(
        out,
        "\n  columns found ({format}): {}{}",
        shown.join(", "),
        if more > 0 {
            format!(", … and {more} more")
        } else {
            String::new()
        }
    );
    let _ = write!(out, "\n  {tried}");
    let fields = suggested_fields(&shape.columns);
    if fields.iter().any(|(f, _)| *f == "email") {
        out.push_str("\n  map the columns in campaign-lint.toml:\n      [fields]");
        for (field, column) in fields {
            let _ = write!(out, "\n      {field} = {column:?}");
        }
    } else {
        out.push_str(
            "\n  no column looks like an email address: name it in campaign-lint.toml, e.g.\n      [fields]\n      email = \"COLUMN\"",
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn suggests_a_mapping_for_a_german_excel_export() {
        let columns = strings(&["E-Mail-Adresse", "Vorname", "Sprache", "Land", "Status"]);
        assert_eq!(
            suggested_fields(&columns),
            [
                ("email", "E-Mail-Adresse".to_owned()),
                ("language", "Sprache".to_owned()),
                ("country", "Land".to_owned()),
            ]
        );
        // Columns read by their default names need no mapping.
        assert!(suggested_fields(&strings(&["email", "language"])).is_empty());
        assert!(suggested_fields(&strings(&["Vorname", "Nachname"])).is_empty());
    }
}
