//! The fast audience engine (pieces on every core, one check per recipient shape) against
//! the reference engine (every row through the generic readers, one by one), on hostile
//! generated exports: every count, example, skipped row and output line must agree.

mod common;

use std::fmt::Write as _;
use std::path::Path;

use common::{run, temp_dir};
use serde_json::Value;

/// A small deterministic generator (no dependency, same rows every run).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }
}

const EMAILS: &[&str] = &[
    "user{i}@example.com",
    "User{i}@Example.COM",
    "  spaced{i}@example.com ",
    "no-at-sign{i}",
    "two@@example{i}.com",
    "in side{i}@example.com",
    "",
    "\"quoted {i}\"@example.com",
    "j\u{f6}el{i}@example.com",
    "ip{i}@[127.0.0.1]",
    "giulia.rossi208@example.com",
    "dots..{i}@example.com",
    "a.local.part.longer.than.32.bytes{i}@mail.example.com",
];
const LANGUAGES: &[&str] = &[
    "en", "en-GB", "de", "Deutsch", "  fr ", "en;de", "klingon", "", "ENGLISH", "pt-BR", "zh",
    "de|en", "\u{a0}en",
];
const OWNED: &[&str] = &[
    "",
    "KD-55X85J",
    "KD-55X85J;XQ-DQ54",
    " xq-dq54 | SPK-HCF ",
    "BRAVIA X85J 55-inch TV",
    "X85J",
    "unknown-sku",
    ";;",
    "SPK-HCF-DS",
    "Xperia 5 V",
];
const STATUSES: &[&str] = &[
    "subscribed",
    "unsubscribed",
    "cleaned",
    "Opted Out",
    "",
    "complained",
    "pending",
];
const NAMES: &[&str] = &[
    "Ann",
    "",
    "  ",
    "Zo\u{eb}",
    "Anna-Maria Theresia of the Example Family",
    "Ann \"The Boss\"",
];

fn csv_cell(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

/// A CSV export with quoted cells, line breaks in cells, CRLF and blank lines, ragged
/// rows, invalid UTF-8 and one quote that never closes.
fn csv_export(rows: usize) -> Vec<u8> {
    let mut rng = Rng(7);
    let mut out = Vec::new();
    out.extend_from_slice(
        "\u{feff}email,first_name,language,country,owned_products,status,note\n".as_bytes(),
    );
    for i in 0..rows {
        let email = rng.pick(EMAILS).replace("{i}", &i.to_string());
        let row = match rng.next() % 40 {
            0 => "\n".to_owned(),
            1 => format!("{email},Ann\n"),
            2 => format!(
                "\"{email}\",\"Ann\",\"en\",\"DE\",\"KD-55X85J\",\"subscribed\",\"two\nlines, \"\"quoted\"\"\"\r\n"
            ),
            3 => format!("{email},Ann,de,DE,,subscribed,a\rb\n"),
            _ => {
                let cells = [
                    email.clone(),
                    rng.pick(NAMES).to_owned(),
                    rng.pick(LANGUAGES).to_owned(),
                    "DE".to_owned(),
                    rng.pick(OWNED).to_owned(),
                    rng.pick(STATUSES).to_owned(),
                    if rng.next().is_multiple_of(5) {
                        "has, comma".to_owned()
                    } else {
                        String::new()
                    },
                ];
                let line: Vec<String> = cells.iter().map(|c| csv_cell(c)).collect();
                let end = if rng.next().is_multiple_of(3) {
                    "\r\n"
                } else {
                    "\n"
                };
                format!("{}{end}", line.join(","))
            }
        };
        out.extend_from_slice(row.as_bytes());
        if i == rows / 2 {
            out.extend_from_slice(b"bad\xffutf8@example.com,Ann,en,DE,,subscribed,\n");
        }
    }
    out.extend_from_slice(b"late@example.com,Ann,en,DE,,subscribed,\"never closed\n");
    for i in 0..150 {
        let _ = writeln!(
            Lossy(&mut out),
            "after{i}@example.com,Ann,de,DE,KD-55X85J,subscribed,"
        );
    }
    out
}

/// A JSON Lines export with arrays and strings for owned products, nulls, numbers,
/// escapes, duplicate and differently cased keys, broken lines and a byte-order mark.
fn jsonl_export(rows: usize) -> Vec<u8> {
    let mut rng = Rng(11);
    let mut out = String::from("\u{feff}");
    for i in 0..rows {
        let email = rng.pick(EMAILS).replace("{i}", &i.to_string());
        let language = rng.pick(LANGUAGES);
        let owned = rng.pick(OWNED);
        let status = rng.pick(STATUSES);
        let name = rng.pick(NAMES);
        let e = serde_json::to_string(&email).unwrap();
        let line = match rng.next() % 30 {
            0 => String::new(),
            1 => "{broken".to_owned(),
            2 => "[1, 2]".to_owned(),
            3 => format!(
                "{{\"email\": {e}, \"language\": \"de\", \"email\": \"dup{i}@example.com\"}}"
            ),
            4 => format!("{{\"Email\": {e}, \"language\": \"en\"}}"),
            5 => "{\"email\": 12345, \"language\": \"en\"}".to_owned(),
            6 => format!("{{\"email\": {e}, \"language\": \"en\", \"first_name\": \"A\\u00e9\"}}"),
            7 => format!("{{\"email\": {e}, \"language\": null, \"owned_products\": null}}"),
            8 => format!(
                "{{\"email\": {e}, \"language\": [\"en\", \"de\"], \"owned_products\": [\" KD-55X85J \", \"\", 5]}}"
            ),
            9 => format!(
                "{{\"email\": {e}, \"language\": \"en\", \"first_name\": \"tab\\there\", \"nested\": {{\"a\": [1, {{\"b\": null}}]}}}}"
            ),
            variant => {
                let owned_value = if rng.next().is_multiple_of(2) {
                    let items: Vec<&str> = owned.split(';').collect();
                    serde_json::to_string(&items).unwrap()
                } else {
                    serde_json::to_string(owned).unwrap()
                };
                let row = format!(
                    "{{\"email\": {e}, \"first_name\": {}, \"language\": {}, \"country\": \"DE\", \"owned_products\": {owned_value}, \"status\": {}}}  ",
                    serde_json::to_string(name).unwrap(),
                    serde_json::to_string(language).unwrap(),
                    serde_json::to_string(status).unwrap(),
                );
                // Rows laid out as the others but for one flaw, which the reader of
                // rows of a known layout must not let through.
                match variant {
                    10 => row + "\r",
                    11 => row[..row.len() - 5].to_owned(),
                    12 => row.replacen("\"DE\"", "\"D\u{1}E\"", 1),
                    13 => row.replacen("\"country\": ", "\"country\":  ", 1),
                    _ => row,
                }
            }
        };
        out.push_str(&line);
        out.push('\n');
    }
    // Rows of one shape, each flawed copy after a clean one: the flawed rows' shape is in
    // the memo, so only reading them can tell them apart.
    let clean = "{\"email\": \"same{i}@example.com\", \"first_name\": \"Ann\", \"language\": \"de\", \"country\": \"DE\", \"owned_products\": [\"KD-55X85J\"], \"status\": \"subscribed\"}";
    for i in 0..40 {
        let row = clean.replace("{i}", &i.to_string());
        let flawed = [
            row.replacen("\"DE\"", "\"D\u{1}E\"", 1),
            row.replacen("\"Ann\"", "\"A\tnn\"", 1),
            row.replacen("\"de\"", "\"d\\e\"", 1),
            row.replacen("\"de\"", "\"\\u00e9\"", 1),
            row.replacen("[\"KD-55X85J\"]", "[\"KD-55X85J\",]", 1),
            row.replacen("[\"KD-55X85J\"]", "[\"KD-55X85J\"\n]", 1),
            row[..row.len() - 1].to_owned(),
            row.clone() + " x",
        ];
        // A number serde_json takes for out of range (infinite as a float).
        let scored = row.replacen("\"status\"", "\"score\": 12, \"status\"", 1);
        let flawed = flawed
            .into_iter()
            .map(|flaw| (row.clone(), flaw))
            .chain([(scored.clone(), scored.replacen("12", "1e400", 1))]);
        for (clean, flaw) in flawed {
            out.push_str(&clean);
            out.push('\n');
            out.push_str(&flaw);
            out.push('\n');
        }
    }
    let mut bytes = out.into_bytes();
    bytes.extend_from_slice(b"{\"email\": \"bad\xff@example.com\", \"language\": \"en\"}\n");
    bytes.extend_from_slice(b"\xc2\xa0\n");
    bytes
}

struct Lossy<'a>(&'a mut Vec<u8>);

impl std::fmt::Write for Lossy<'_> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.0.extend_from_slice(s.as_bytes());
        Ok(())
    }
}

/// The JSON report without what differs from run to run (timings).
fn report(stdout: &str) -> Value {
    let mut v: Value = serde_json::from_str(stdout).expect("JSON report");
    if let Some(audience) = v["summary"]["audience"].as_object_mut() {
        audience.remove("seconds");
    }
    v
}

fn lines(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(str::to_owned)
        .collect()
}

/// Runs both engines with `args` on `export` and compares everything they say; returns
/// the recipients with errors, only warnings, only infos, and clean.
fn agree(name: &str, export: &Path, args: &[&str]) -> [u64; 4] {
    let dir = temp_dir(&format!("engine-{name}"));
    let mut outputs = Vec::new();
    for engine in ["fast", "reference"] {
        let suppress = dir.join(format!("{engine}-suppress.csv"));
        let findings = dir.join(format!("{engine}-findings.jsonl"));
        let mut all: Vec<&str> = vec!["check"];
        all.extend_from_slice(args);
        let (s, f) = (
            suppress.display().to_string(),
            findings.display().to_string(),
        );
        all.extend_from_slice(&[
            "--audience",
            export.to_str().unwrap(),
            "--format",
            "json",
            "--suppress-out",
            &s,
            "--findings-out",
            &f,
            // Hostile exports skip many rows on purpose.
            "--allow-skipped",
        ]);
        if engine == "reference" {
            all.push("--reference-engine");
        }
        // Small pieces: the export is cut into many, as a large one is.
        let r = common::run_in_env(&common::root(), &all, &[("CAMPAIGN_LINT_PIECE_KB", "64")]);
        assert!(
            r.code == 0 || r.code == 1,
            "{name} {engine}: exit {}: {}",
            r.code,
            r.stderr
        );
        outputs.push((report(&r.stdout), lines(&suppress), lines(&findings)));
    }
    let (fast, reference) = (&outputs[0], &outputs[1]);
    let summary = &reference.0["summary"]["audience"];
    assert!(
        summary["rows_checked"].as_u64().unwrap_or(0) > 100,
        "{name}: the export should have checked rows: {summary}"
    );
    assert!(
        summary["rows_skipped"].as_u64().unwrap_or(0) > 10,
        "{name}: the export should have skipped rows: {summary}"
    );
    assert_eq!(fast.0, reference.0, "{name}: reports differ");
    assert_eq!(fast.1, reference.1, "{name}: --suppress-out differs");
    let counts = recipient_counts_agree(name, &fast.0, &reference.0, &reference.1);
    assert!(!reference.2.is_empty(), "{name}: no findings lines");
    let parse = |l: &Vec<String>| -> Vec<Value> {
        l.iter()
            .map(|x| serde_json::from_str(x).expect("findings line"))
            .collect()
    };
    assert_eq!(
        parse(&fast.2),
        parse(&reference.2),
        "{name}: --findings-out differs"
    );
    counts
}

/// The audience summary's recipient counts (each recipient once, by their most severe
/// finding) are the same in both engines, add up to the checked rows, and count exactly
/// the rows `--suppress-out` lists as recipients with errors.
fn recipient_counts_agree(
    name: &str,
    fast: &Value,
    reference: &Value,
    suppress: &[String],
) -> [u64; 4] {
    let keys = [
        "recipients_with_errors",
        "recipients_with_warnings",
        "recipients_with_infos",
        "recipients_clean",
    ];
    for key in keys.iter().chain(&["rules"]) {
        assert_eq!(
            fast["summary"][key], reference["summary"][key],
            "{name}: {key} differs between the engines"
        );
    }
    let summary = &reference["summary"];
    let count = |key: &str| {
        summary[key]
            .as_u64()
            .unwrap_or_else(|| panic!("{name}: no {key} in {summary}"))
    };
    let [errors, warnings, infos, clean] = keys.map(count);
    assert_eq!(
        errors + warnings + infos + clean,
        summary["audience"]["rows_checked"].as_u64().unwrap_or(0),
        "{name}: the recipient counts do not add up to the checked rows: {summary}"
    );
    assert!(
        errors > 0,
        "{name}: the export should have recipients with errors: {summary}"
    );
    // The first line of --suppress-out is its header.
    assert_eq!(
        errors as usize,
        suppress.len().saturating_sub(1),
        "{name}: recipients with errors and --suppress-out disagree"
    );
    for (rule, n) in summary["audience"]["rule_recipients"]
        .as_object()
        .into_iter()
        .flatten()
    {
        assert_eq!(
            &summary["rules"][rule]["recipients"], n,
            "{name}: {rule}'s recipients"
        );
    }
    [errors, warnings, infos, clean]
}

#[test]
fn fast_engine_agrees_with_the_reference_on_hostile_exports() {
    let dir = temp_dir("engine-exports");
    // Many pieces of 64 KiB (see `agree`).
    let csv = dir.join("export.csv");
    std::fs::write(&csv, csv_export(12_000)).unwrap();
    let jsonl = dir.join("export.jsonl");
    std::fs::write(&jsonl, jsonl_export(12_000)).unwrap();
    let mut seen = [0u64; 4];
    let mut add = |counts: [u64; 4]| {
        for (total, n) in seen.iter_mut().zip(counts) {
            *total += n;
        }
    };
    for (export, tag) in [(&csv, "csv"), (&jsonl, "jsonl")] {
        add(agree(
            &format!("{tag}-catalog"),
            export,
            &[
                "samples/campaigns/free-phone.eml",
                "--catalog",
                "samples/catalog.toml",
            ],
        ));
        add(agree(
            &format!("{tag}-literal"),
            export,
            &["samples/campaigns/free-phone.eml"],
        ));
        add(agree(
            &format!("{tag}-variants-and-tags"),
            export,
            &[
                "samples/variants",
                "samples/templates/greeting-fields.html",
                "--owned",
                "samples/audiences/shopify-orders.csv",
                "--catalog",
                "samples/catalog.toml",
            ],
        ));
    }
    // A rule lowered to info: recipients whose only finding is an info.
    let config = dir.join("info.toml");
    std::fs::write(
        &config,
        "[rules.suppressed-recipient]\nseverity = \"info\"\n",
    )
    .unwrap();
    add(agree(
        "csv-info",
        &csv,
        &[
            "samples/campaigns/free-phone.eml",
            "--catalog",
            "samples/catalog.toml",
            "--config",
            config.to_str().unwrap(),
        ],
    ));
    // Every kind of recipient the summary counts occurs in these exports.
    assert!(seen.iter().all(|&n| n > 0), "recipient counts: {seen:?}");
}

#[test]
fn engines_agree_on_the_sample_exports() {
    let root = common::root();
    for (name, export, extra) in [
        (
            "newsletter",
            "samples/audiences/newsletter-export.csv",
            &["--owned", "samples/audiences/shopify-orders.csv"][..],
        ),
        (
            "mailchimp",
            "samples/audiences/mailchimp-subscribed.csv",
            &[][..],
        ),
    ] {
        let mut args = vec![
            "samples/campaigns/free-phone.eml",
            "--catalog",
            "samples/catalog.toml",
        ];
        args.extend_from_slice(extra);
        let dir = temp_dir(&format!("engine-sample-{name}"));
        let copy = dir.join(Path::new(export).file_name().unwrap());
        std::fs::copy(root.join(export), &copy).unwrap();
        agree_loose(name, &copy, &args);
    }
}

/// Like [`agree`], for small exports that may have no skipped rows.
fn agree_loose(name: &str, export: &Path, args: &[&str]) {
    let mut reports = Vec::new();
    for reference in [false, true] {
        let mut all: Vec<&str> = vec!["check"];
        all.extend_from_slice(args);
        all.extend_from_slice(&[
            "--audience",
            export.to_str().unwrap(),
            "--format",
            "json",
            "--allow-skipped",
        ]);
        if reference {
            all.push("--reference-engine");
        }
        let r = run(&all);
        assert!(r.code == 0 || r.code == 1, "{name}: {}", r.stderr);
        reports.push(report(&r.stdout));
    }
    assert_eq!(reports[0], reports[1], "{name}: reports differ");
}

/// Exports joined with `cat` carry a byte-order mark in mid-file: the row after it is
/// read alike by both engines (csv-core, under the reference, drops it at a record's
/// start), whether its piece has quotes or not.
#[test]
fn engines_agree_on_a_byte_order_mark_in_mid_file() {
    let dir = temp_dir("engine-bom");
    let header = "email,language,note\n";
    let plain =
        format!("{header}a1@example.com,en,x\n\u{feff}a2@example.com,de,y\na3@example.com,en,z\n");
    let quoted = format!("{plain}\"a4@example.com\",en,\"q\"\n\u{feff}a5@example.com,de,\n");
    let jsonl = "{\"email\": \"a1@example.com\", \"language\": \"en\"}\n\u{feff}{\"email\": \"a2@example.com\", \"language\": \"de\"}\n";
    for (name, text) in [
        ("plain.csv", plain.as_str()),
        ("quoted.csv", quoted.as_str()),
        ("joined.jsonl", jsonl),
    ] {
        let export = dir.join(name);
        std::fs::write(&export, text).unwrap();
        let args = ["samples/campaigns/free-phone.eml"];
        agree_loose(name, &export, &args);
        let r = run(&[
            "check",
            args[0],
            "--audience",
            export.to_str().unwrap(),
            "--format",
            "json",
        ]);
        let audience = &report(&r.stdout)["summary"]["audience"];
        assert_eq!(audience["rows_skipped"], 0, "{name}: {audience}");
    }
}

/// Found by the `engines` fuzz target: when no line of a JSON Lines export can be read
/// (the first is not UTF-8), both engines explain it the same way: the fast one used to
/// take the layout from the unreadable first line.
#[test]
fn engines_explain_an_unreadable_json_lines_export_alike() {
    let dir = temp_dir("engine-unreadable-jsonl");
    let mut export = b"{\"email\": \"a0@examp,e.com\", \"language\": \"e".to_vec();
    export.extend([0xff; 64]);
    export.extend(
        b"n\"}\n\xef\xbb\xbf{\"email\": \"a2@exampl\xbe.com\", \"language\": \"de\"}\n>>>>\n",
    );
    std::fs::write(dir.join("audience.jsonl"), export).unwrap();
    let campaign = common::root().join("samples/campaigns/free-phone.eml");
    let args = [
        "check",
        campaign.to_str().unwrap(),
        "--audience",
        "audience.jsonl",
        "--format",
        "json",
    ];
    let errors = |extra: &[&str]| {
        let out = common::run_in(&dir, &[&args[..], extra].concat());
        assert_eq!(out.code, 2, "{}", out.stderr);
        let v: Value = serde_json::from_str(&out.stdout).unwrap();
        v["errors"].clone()
    };
    assert_eq!(errors(&[]), errors(&["--reference-engine"]));
}

/// Syllables for names that differ on every row (a memo keyed on raw values sees no
/// repeats).
const SYLLABLES: &[&str] = &[
    "an", "ber", "ca", "da", "el", "fin", "ga", "ha", "is", "jo", "ka", "lin", "ma", "no", "ol",
    "pe", "ra", "sa", "ti", "ul", "va", "wen", "xa", "yo", "zel", "mi", "lu", "re", "to", "sven",
];

/// A name no other row has: `i` written in syllables, capitalised.
fn distinct_name(mut i: usize) -> String {
    let mut name = String::new();
    loop {
        name.push_str(SYLLABLES[i % SYLLABLES.len()]);
        i /= SYLLABLES.len();
        if i == 0 {
            break;
        }
    }
    let mut chars = name.chars();
    chars.next().map_or(String::new(), |c| {
        c.to_uppercase().chain(chars).collect::<String>()
    })
}

/// Twelve languages as exports spell them, and a few other spellings and empty values.
const MIXED_LANGUAGES: &[&str] = &[
    "en", "en-US", "EN_gb", "de-DE", "de", "fr", "fr-FR", "es", "it", "nl", "pt-BR", "ja", "",
    "English", "Deutsch", " fr ", "EN", "en;de",
];

/// Every SKU of `samples/catalog.toml`, and names and aliases of some, as exports write them.
const CATALOGUE_ITEMS: &[&str] = &[
    "KD-55X85J",
    "KD-65X90L",
    "SU-WL855",
    "XQ-DQ54",
    "XQ-CT54",
    "SPK-HCF",
    "SPK-HCF-OR",
    "SPK-HCF-GR",
    "SPK-HCF-DS",
    "xq-dq54",
    "Xperia 5 V",
    "X85J",
];

/// 0-8 owned products: mostly from 5,000 SKUs the catalogue does not know, one in ten
/// from the catalogue.
fn owned_items(rng: &mut Rng) -> Vec<String> {
    (0..rng.next() % 9)
        .map(|_| {
            if rng.next().is_multiple_of(10) {
                rng.pick(CATALOGUE_ITEMS).to_owned()
            } else {
                format!("SKU-{:04}", rng.next() % 5_000)
            }
        })
        .collect()
}

/// One recipient of a Mailchimp audience export: its real columns, a language and an
/// owned-products merge field, names no other row has.
struct Member {
    email: String,
    first: String,
    last: String,
    address: String,
    notes: String,
    tags: String,
    language: &'static str,
    owned: Vec<String>,
    unsub: &'static str,
    clean: &'static str,
}

fn members(rows: usize, seed: u64) -> impl Iterator<Item = (usize, Member)> {
    let mut rng = Rng(seed);
    (0..rows).map(move |i| {
        let first = match rng.next() % 20 {
            0 => String::new(),
            1 => format!("Zo\u{eb} {}", distinct_name(i)),
            _ => distinct_name(i),
        };
        let last = match rng.next() % 20 {
            0 => String::new(),
            1 => format!("{}, Jr.", distinct_name(i + 7)),
            _ => distinct_name(i * 3 + 1),
        };
        // One row in fifty has an address no mail can go to (skipped by both engines).
        let email = match rng.next() % 50 {
            0 => format!("{first} {last} <{}{i}@example.com>", first.to_lowercase()),
            1 => String::new(),
            _ => format!("m{i}.{}@example.com", distinct_name(i).to_lowercase()),
        };
        let address = if rng.next().is_multiple_of(3) {
            String::new()
        } else {
            format!(
                "Flat {}, {} High Street  London    SW1A 1AA  GB",
                i % 40,
                i % 200
            )
        };
        let notes = match rng.next() % 10 {
            0 => "VIP, call first".to_owned(),
            1 => "asked for the \"spring\" catalogue".to_owned(),
            _ => String::new(),
        };
        let tags = match rng.next() % 4 {
            0 => "\"Customer\",\"VIP\"".to_owned(),
            1 => "\"Newsletter\"".to_owned(),
            _ => String::new(),
        };
        let status = rng.next() % 25;
        let member = Member {
            email,
            first,
            last,
            address,
            notes,
            tags,
            language: rng.pick(MIXED_LANGUAGES),
            owned: owned_items(&mut rng),
            unsub: if status == 0 {
                "2024-03-01 10:00:00"
            } else {
                ""
            },
            clean: if status == 1 {
                "2023-11-12 08:30:00"
            } else {
                ""
            },
        };
        (i, member)
    })
}

/// A Mailchimp-style CSV export with high-cardinality columns.
fn mailchimp_csv_export(rows: usize) -> Vec<u8> {
    let mut out = String::from(
        "Email Address,First Name,Last Name,Address,Phone Number,Birthday,MEMBER_RATING,\
         OPTIN_TIME,OPTIN_IP,CONFIRM_TIME,CONFIRM_IP,LATITUDE,LONGITUDE,GMTOFF,DSTOFF,TIMEZONE,\
         CC,REGION,LAST_CHANGED,LEID,EUID,NOTES,TAGS,Language,Products,UNSUB_TIME,CLEAN_TIME\n",
    );
    for (i, m) in members(rows, 23) {
        let separator = if i % 2 == 0 { ";" } else { " | " };
        let _ = writeln!(
            out,
            "{},{},{},{},+44 20 {:07},,{},2021-07-15 15:09:48,10.0.{}.{},2021-07-15 15:10:02,,\
             51.5,-0.12,0,1,Europe/London,GB,ENG,2024-01-{:02} 09:00:00,{},{:010x},{},{},{},{},{},{}",
            csv_cell(&m.email),
            csv_cell(&m.first),
            csv_cell(&m.last),
            csv_cell(&m.address),
            i * 7_919 % 10_000_000,
            i % 5 + 1,
            i % 256,
            i / 256 % 256,
            i % 28 + 1,
            100_000_000 + i,
            i * 2_654_435_761 % (1 << 40),
            csv_cell(&m.notes),
            csv_cell(&m.tags),
            csv_cell(m.language),
            csv_cell(&m.owned.join(separator)),
            m.unsub,
            m.clean,
        );
    }
    out.into_bytes()
}

/// The same members as JSON Lines: products as an array, empty cells as null.
fn mailchimp_jsonl_export(rows: usize) -> Vec<u8> {
    let text = |s: &str| (!s.is_empty()).then(|| s.to_owned());
    let mut out = String::new();
    for (i, m) in members(rows, 29) {
        let row = serde_json::json!({
            "Email Address": m.email,
            "First Name": text(&m.first),
            "Last Name": text(&m.last),
            "Address": text(&m.address),
            "MEMBER_RATING": i % 5 + 1,
            "OPTIN_TIME": "2021-07-15 15:09:48",
            "LATITUDE": 51.5,
            "LONGITUDE": -0.12,
            "CC": "GB",
            "LEID": 100_000_000 + i,
            "EUID": format!("{:010x}", i * 2_654_435_761 % (1 << 40)),
            "NOTES": text(&m.notes),
            "TAGS": text(&m.tags),
            "Language": text(m.language),
            "Products": m.owned,
            "UNSUB_TIME": text(m.unsub),
            "CLEAN_TIME": text(m.clean),
        });
        let _ = writeln!(out, "{row}");
    }
    out.into_bytes()
}

/// An English offer of two catalogue products that greets the recipient by first name.
const FIRST_NAME_OFFER: &str = r#"<!DOCTYPE html>
<html lang="en"><head><title>Your free Xperia 5 V</title></head><body>
<h1>Hello *|FNAME|*, buy a BRAVIA X85J and get an Xperia 5 V free</h1>
<p>For a limited time, every BRAVIA X85J comes with a free Xperia 5 V smartphone. Bring vivid
4K HDR pictures into your living room and put a compact flagship phone in your pocket, all
for the price of the television alone. The offer runs until the end of the month while
stocks last, and you can claim your phone online in a few minutes.</p>
<p>See you soon, *|FNAME|* *|LNAME|*.</p>
<p><a href="https://www.nordlicht.example.com/offers">See the offer</a></p>
<p>Nordlicht Electronics GmbH, Musterstrasse 12, 20095 Hamburg, Germany.
<a href="*|UNSUB|*">Unsubscribe</a> from these emails.</p>
</body></html>
"#;

#[test]
fn engines_agree_on_high_cardinality_exports() {
    let dir = temp_dir("engine-high-cardinality");
    let campaign = dir.join("first-name-offer.html");
    std::fs::write(&campaign, FIRST_NAME_OFFER).unwrap();
    let csv = dir.join("mailchimp.csv");
    std::fs::write(&csv, mailchimp_csv_export(4_000)).unwrap();
    let jsonl = dir.join("mailchimp.jsonl");
    std::fs::write(&jsonl, mailchimp_jsonl_export(4_000)).unwrap();
    let campaign = campaign.to_str().unwrap();
    for (export, tag) in [(&csv, "csv"), (&jsonl, "jsonl")] {
        for (name, args) in [
            (
                "first-name",
                &[campaign, "--catalog", "samples/catalog.toml"][..],
            ),
            (
                "first-name-owned",
                &[
                    campaign,
                    "--catalog",
                    "samples/catalog.toml",
                    "--owned",
                    "samples/audiences/shopify-orders.csv",
                ][..],
            ),
            (
                "free-phone-literal",
                &["samples/campaigns/free-phone.eml"][..],
            ),
        ] {
            agree(&format!("mailchimp-{tag}-{name}"), export, args);
        }
        // The recipients differ in what the rules decide, not only in raw values: each of
        // these rules hits some of them and spares the others.
        let r = run(&[
            "check",
            campaign,
            "--catalog",
            "samples/catalog.toml",
            "--audience",
            export.to_str().unwrap(),
            "--format",
            "json",
            "--allow-skipped",
        ]);
        let summary = &report(&r.stdout)["summary"]["audience"];
        let checked = summary["rows_checked"].as_u64().unwrap_or(0);
        for rule in [
            "language-mismatch",
            "owned-product-offer",
            "suppressed-recipient",
            "empty-merge-field",
        ] {
            let n = summary["rule_recipients"][rule].as_u64().unwrap_or(0);
            assert!(
                n > 0 && n < checked,
                "{tag}: {rule} should hit some of the {checked} recipients, not {n}: {summary}"
            );
        }
    }
}

/// Found by the `engines` fuzz target: a header that names a column twice (`language`)
/// is read by both engines as its first column of that name, short rows included.
#[test]
fn engines_agree_on_a_column_named_twice() {
    let dir = temp_dir("engine-duplicate-column");
    let export = dir.join("twice.csv");
    std::fs::write(
        &export,
        "email,language,note,language,status\n\
         a1@example.com,en,x\n\
         a2@example.com,de,y,en,subscribed\n\
         a3@example.com,en,z,de\n\
         a4@example.com\n\
         a5@example.com,fr,,,unsubscribed\n",
    )
    .unwrap();
    agree_loose("twice.csv", &export, &["samples/campaigns/free-phone.eml"]);
    let r = run(&[
        "check",
        "samples/campaigns/free-phone.eml",
        "--audience",
        export.to_str().unwrap(),
        "--format",
        "json",
    ]);
    let rules = &report(&r.stdout)["summary"]["audience"]["rule_recipients"];
    // German (a2), French (a5), no language (a4); a1 and a3 read English.
    assert_eq!(rules["language-mismatch"], 3, "{rules}");
}
