//! Audience mode on the sample export: the grouped counts are checked against an
//! independent computation over the same CSV.

mod common;

use std::collections::BTreeMap;
use std::fmt::Write as _;

use common::run;

const EXPORT: &str = "samples/audiences/newsletter-export.csv";

struct Row {
    email: String,
    language: String,
    owned: Vec<String>,
    status: String,
}

/// The export, read with the csv crate alone.
fn rows() -> Vec<Row> {
    let mut reader = csv::Reader::from_path(common::root().join(EXPORT)).unwrap();
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            Row {
                email: r[0].to_owned(),
                language: r[3].to_owned(),
                owned: r[5]
                    .split(';')
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect(),
                status: r[6].to_owned(),
            }
        })
        .collect()
}

/// The sample's language values, by hand.
fn language(value: &str) -> Option<&'static str> {
    Some(match value.to_lowercase().as_str() {
        "en" | "en-gb" | "english" => "English",
        "de" | "de-de" | "deutsch" => "German",
        "fr" | "fr-fr" => "French",
        "es-es" => "Spanish",
        "it" => "Italian",
        "nl-nl" => "Dutch",
        "sv" => "Swedish",
        _ => return None,
    })
}

/// The rows checked: every row with an address (a language campaign-lint does not know
/// is reported, not skipped, as for one profile).
fn checked() -> Vec<Row> {
    rows()
        .into_iter()
        .filter(|r| r.email.contains('@'))
        .collect()
}

fn findings(campaign: &str) -> (serde_json::Value, Vec<serde_json::Value>) {
    let out = run(&[
        "check",
        campaign,
        "--audience",
        EXPORT,
        "--catalog",
        "samples/catalog.toml",
        "--format",
        "json",
    ]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let list = v["findings"].as_array().unwrap().clone();
    (v, list)
}

#[test]
fn rows_read_checked_and_skipped() {
    let (v, _) = findings("samples/campaigns/free-phone.eml");
    let a = &v["summary"]["audience"];
    assert_eq!(a["rows_read"], rows().len());
    assert_eq!(a["rows_checked"], checked().len());
    assert_eq!(a["rows_skipped"], 2);
    let skipped: Vec<u64> = a["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["row"].as_u64().unwrap())
        .collect();
    assert_eq!(skipped, [42, 229]);
    assert_eq!(a["skipped"][0]["line"], 43);
}

#[test]
fn language_counts_match() {
    let (_, list) = findings("samples/campaigns/winter-sale.de.eml");
    let mut expected: BTreeMap<String, u64> = BTreeMap::new();
    for r in checked() {
        match language(&r.language) {
            Some("German") => {}
            Some(lang) => *expected.entry(lang.to_owned()).or_default() += 1,
            None => *expected.entry(format!("{:?}", r.language)).or_default() += 1,
        }
    }
    let mut got: BTreeMap<String, u64> = BTreeMap::new();
    for f in list.iter().filter(|f| f["rule"] == "language-mismatch") {
        let message = f["message"].as_str().unwrap();
        // "… reads French (…" or "unknown language "Klingon" in the recipient's profile (…"
        let reader = match message.strip_prefix("unknown language ") {
            Some(rest) => rest.split(" in the").next(),
            None => message.split("reads ").nth(1),
        }
        .unwrap()
        .split(" (")
        .next()
        .unwrap();
        got.insert(reader.to_owned(), f["recipients"].as_u64().unwrap());
        assert!(f["examples"].as_array().unwrap().len() <= 3);
        for e in f["examples"].as_array().unwrap() {
            assert!(
                e.as_str().unwrap().contains("•••@"),
                "addresses are masked: {e}"
            );
        }
    }
    assert_eq!(got, expected);
}

#[test]
fn owned_product_and_status_counts_match() {
    let (_, list) = findings("samples/campaigns/free-phone.eml");
    let checked = checked();
    let owners = |sku: &str| {
        checked
            .iter()
            .filter(|r| r.owned.iter().any(|o| o == sku))
            .count() as u64
    };
    let count = |rule: &str, needle: &str| {
        list.iter()
            .find(|f| f["rule"] == rule && f["message"].as_str().unwrap().contains(needle))
            .map(|f| f["recipients"].as_u64().unwrap())
    };
    assert_eq!(
        count("owned-product-offer", "BRAVIA X85J"),
        Some(owners("KD-55X85J"))
    );
    assert_eq!(
        count("owned-product-offer", "Xperia 5 V"),
        Some(owners("XQ-DQ54"))
    );
    let status = |s: &str| checked.iter().filter(|r| r.status == s).count() as u64;
    assert_eq!(
        count("suppressed-recipient", "unsubscribed"),
        Some(status("unsubscribed"))
    );
    assert_eq!(
        count("suppressed-recipient", "cleaned"),
        Some(status("cleaned"))
    );
}

#[test]
fn show_emails_shows_full_addresses() {
    let out = run(&[
        "check",
        "samples/campaigns/winter-sale.de.eml",
        "--audience",
        EXPORT,
        "--show-emails",
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let example = v["findings"][0]["examples"][0].as_str().unwrap().to_owned();
    assert!(!example.contains('•') && example.contains('@'), "{example}");
    let out = run(&[
        "check",
        "samples/campaigns/winter-sale.de.eml",
        "--audience",
        EXPORT,
        "--profile",
        "samples/profiles/customer.json",
    ]);
    assert_eq!(out.code, 2, "--audience and --profile exclude each other");
}

/// Rows whose address the parser cannot accept are quoted in "skipped row" notes; the
/// addresses in them are masked like the examples, in every format, unless --show-emails.
#[test]
fn skipped_rows_mask_the_addresses_they_quote() {
    let dir = common::temp_dir("skipped-masked");
    // The local parts, which masking hides (the domains stay).
    let local_parts = ["anna.smith", "bert", "carl", "dora@"];
    std::fs::write(
        dir.join("export.csv"),
        "email,language\n\
         \"Anna Smith <anna.smith@example.com>\",en\n\
         bert@@example.org,en\n\
         \"\"\"carl\"\"@@example.net\",en\n\
         dora@example.com,en\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("profile.json"),
        r#"{"email": "Anna Smith <anna.smith@example.com>", "language": "en"}"#,
    )
    .unwrap();
    let campaign = common::root().join("samples/campaigns/clean-newsletter.eml");
    let campaign = campaign.to_str().unwrap();
    let leaks = |out: &common::Run| {
        let all = format!("{}{}", out.stdout, out.stderr);
        local_parts
            .iter()
            .filter(|a| all.contains(*a))
            .map(|a| (*a).to_owned())
            .collect::<Vec<_>>()
    };
    let args = [
        "check",
        campaign,
        "--audience",
        "export.csv",
        "--allow-skipped",
    ];
    let human = common::run_in(&dir, &args);
    assert!(human.stdout.contains("skipped row 1"), "{}", human.stdout);
    assert!(
        human.stdout.contains("<a•••@example.com>"),
        "{}",
        human.stdout
    );
    let json = common::run_in(&dir, &[&args[..], &["--format", "json"]].concat());
    let v: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(
        v["summary"]["audience"]["skipped"]
            .as_array()
            .unwrap()
            .len(),
        3,
        "{v}"
    );
    for out in [&human, &json] {
        assert_eq!(
            leaks(out),
            Vec::<String>::new(),
            "{}{}",
            out.stdout,
            out.stderr
        );
    }
    // The one profile of --profile: its error masks the address too.
    let profile = common::run_in(&dir, &["check", campaign, "--profile", "profile.json"]);
    assert_eq!(profile.code, 2, "{}", profile.stderr);
    assert!(
        profile.stderr.contains("a•••@example.com"),
        "{}",
        profile.stderr
    );
    assert_eq!(leaks(&profile), Vec::<String>::new(), "{}", profile.stderr);
    // Asked for, the addresses are shown as written.
    let shown = common::run_in(&dir, &[&args[..], &["--show-emails"]].concat());
    assert!(
        shown.stdout.contains("Anna Smith <anna.smith@example.com>"),
        "{}",
        shown.stdout
    );
}

/// The rows of an `--owned` export skipped for a bad address are listed masked too.
#[test]
fn skipped_owned_rows_mask_the_addresses_they_quote() {
    let dir = common::temp_dir("owned-skipped-masked");
    std::fs::write(
        dir.join("export.csv"),
        "email,language\nanna@example.com,en\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("orders.csv"),
        "email,sku\n\"Erik Holm <erik.holm@example.com>\",KD-55X85J\nanna@example.com,XQ-DQ54\n",
    )
    .unwrap();
    let campaign = common::root().join("samples/campaigns/clean-newsletter.eml");
    let args = [
        "check",
        campaign.to_str().unwrap(),
        "--audience",
        "export.csv",
        "--owned",
        "orders.csv",
    ];
    for format in ["human", "json"] {
        let out = common::run_in(&dir, &[&args[..], &["--format", format]].concat());
        let all = format!("{}{}", out.stdout, out.stderr);
        assert!(all.contains("<e•••@example.com>"), "{all}");
        assert!(!all.contains("erik.holm"), "{all}");
    }
    let shown = common::run_in(&dir, &[&args[..], &["--show-emails"]].concat());
    assert!(
        shown.stdout.contains("Erik Holm <erik.holm@example.com>"),
        "{}",
        shown.stdout
    );
}

/// A recipient finding that quotes a field (an owned product the catalog does not know,
/// which is an address here) masks the address in its message, help and values.
#[test]
fn recipient_findings_mask_addresses_they_quote() {
    let dir = common::temp_dir("finding-masked");
    std::fs::write(
        dir.join("export.csv"),
        "email,language,owned_products\n\
         anna@example.com,en,zed.secret@example.com\n\
         bert@example.com,en,KD-55X85J\n",
    )
    .unwrap();
    let root = common::root();
    let campaign = root.join("samples/campaigns/free-phone.eml");
    let catalog = root.join("samples/catalog.toml");
    let args = [
        "check",
        campaign.to_str().unwrap(),
        "--audience",
        "export.csv",
        "--catalog",
        catalog.to_str().unwrap(),
    ];
    for format in ["human", "json"] {
        let out = common::run_in(&dir, &[&args[..], &["--format", format]].concat());
        assert!(
            out.stdout.contains("unknown-owned-product"),
            "{}",
            out.stdout
        );
        assert!(out.stdout.contains("z•••@example.com"), "{}", out.stdout);
        assert!(
            !out.stdout.contains("zed.secret"),
            "{format}: {}",
            out.stdout
        );
    }
    let shown = common::run_in(&dir, &[&args[..], &["--show-emails"]].concat());
    assert!(
        shown.stdout.contains("zed.secret@example.com"),
        "{}",
        shown.stdout
    );
}

/// Owners of each SKU by the orders export, carrying an order's email to its later lines.
fn owners_by_orders() -> BTreeMap<String, Vec<String>> {
    let mut reader =
        csv::Reader::from_path(common::root().join("samples/audiences/shopify-orders.csv"))
            .unwrap();
    let mut owners: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut last = (String::new(), String::new());
    for r in reader.records() {
        let r = r.unwrap();
        let email = if r[1].is_empty() && r[0] == last.0 {
            last.1.clone()
        } else {
            r[1].to_lowercase()
        };
        last = (r[0].to_owned(), email.clone());
        owners.entry(r[12].to_owned()).or_default().push(email);
    }
    owners
}

#[test]
fn owned_products_joined_from_orders() {
    let out = run(&[
        "check",
        "samples/campaigns/free-phone.eml",
        "--audience",
        EXPORT,
        "--owned",
        "samples/audiences/shopify-orders.csv",
        "--catalog",
        "samples/catalog.toml",
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let orders = owners_by_orders();
    for (sku, name) in [("KD-55X85J", "BRAVIA X85J"), ("XQ-DQ54", "Xperia 5 V")] {
        let expected = checked()
            .iter()
            .filter(|r| {
                r.owned.iter().any(|o| o == sku)
                    || orders
                        .get(sku)
                        .is_some_and(|e| e.contains(&r.email.to_lowercase()))
            })
            .count() as u64;
        let got = v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| {
                f["rule"] == "owned-product-offer" && f["message"].as_str().unwrap().contains(name)
            })
            .map(|f| f["recipients"].as_u64().unwrap());
        assert_eq!(got, Some(expected), "{sku}");
    }
    assert_eq!(v["summary"]["audience"]["owned"]["rows"], 86);
}

#[test]
fn presets_are_recognised_or_chosen() {
    let export = "samples/audiences/mailchimp-subscribed.csv";
    let out = run(&[
        "check",
        "samples/campaigns/housing-care.eml",
        "--audience",
        export,
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(
        v["summary"]["audience"]["preset"],
        "Mailchimp audience export, recognised from the columns"
    );
    assert_eq!(v["summary"]["audience"]["rows_checked"], 40);
    let out = run(&[
        "check",
        "samples/campaigns/housing-care.eml",
        "--audience",
        export,
        "--preset",
        "hubspot",
    ]);
    assert!(
        out.stdout.contains("40 rows read, 0 checked, 40 skipped"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("skipped row 1 (line 2): no email address"),
        "{}",
        out.stdout
    );
    let out = run(&[
        "check",
        "samples/campaigns/housing-care.eml",
        "--audience",
        export,
        "--preset",
        "mailchimps",
    ]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("no preset named \"mailchimps\""),
        "{}",
        out.stderr
    );
}

#[test]
fn suppress_and_findings_files() {
    let dir = common::temp_dir("audience-out");
    let suppress = dir.join("exclude.csv");
    let findings = dir.join("findings.jsonl");
    let out = run(&[
        "check",
        "samples/campaigns/free-phone.eml",
        "--audience",
        EXPORT,
        "--catalog",
        "samples/catalog.toml",
        "--suppress-out",
        suppress.to_str().unwrap(),
        "--findings-out",
        findings.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(out.code, 1);
    // Independently: checked rows that are not English readers, own the TV or the phone,
    // or must not be mailed, are to be excluded.
    let expected: Vec<String> = checked()
        .into_iter()
        .filter(|r| {
            language(&r.language) != Some("English")
                || r.owned.iter().any(|o| o == "KD-55X85J" || o == "XQ-DQ54")
                || r.status != "subscribed"
        })
        .map(|r| r.email)
        .collect();
    let mut reader = csv::Reader::from_path(&suppress).unwrap();
    let written: Vec<String> = reader.records().map(|r| r.unwrap()[0].to_owned()).collect();
    assert_eq!(written, expected);
    let lines: Vec<serde_json::Value> = std::fs::read_to_string(&findings)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), expected.len());
    assert!(
        lines
            .iter()
            .all(|l| l["row"].as_u64().is_some() && !l["rules"].as_array().unwrap().is_empty())
    );
}

#[test]
fn fail_on_rates() {
    let base = [
        "check",
        "samples/campaigns/housing-care.eml",
        "--audience",
        EXPORT,
        "--catalog",
        "samples/catalog.toml",
    ];
    // housing-care is English: about 2/3 of the sample audience reads another language,
    // and some recipients must not be mailed.
    let with = |extra: &[&str]| {
        let mut a = base.to_vec();
        a.extend_from_slice(extra);
        run(&a).code
    };
    assert_eq!(with(&[]), 1);
    assert_eq!(
        with(&[
            "--fail-on",
            "language-mismatch=90%",
            "--fail-on",
            "suppressed-recipient=50%"
        ]),
        0
    );
    assert_eq!(
        with(&[
            "--fail-on",
            "language-mismatch=10%",
            "--fail-on",
            "suppressed-recipient=50%"
        ]),
        1
    );
    assert_eq!(
        with(&[
            "--fail-on",
            "language-mismatch=0.9",
            "--fail-on",
            "suppressed-recipient=0.01"
        ]),
        1
    );
    let mut a = base.to_vec();
    a.extend_from_slice(&["--fail-on", "langauge-mismatch=1%"]);
    let out = run(&a);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("did you mean \"language-mismatch\""),
        "{}",
        out.stderr
    );
}

#[test]
fn variants_by_language() {
    let out = run(&[
        "check",
        "samples/variants",
        "--audience",
        EXPORT,
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let mut expected: BTreeMap<String, u64> = BTreeMap::new();
    for r in checked() {
        if let Some(lang) = language(&r.language)
            && lang != "German"
            && lang != "English"
        {
            *expected.entry(lang.to_owned()).or_default() += 1;
        }
    }
    let mut got: BTreeMap<String, u64> = BTreeMap::new();
    for f in v["findings"].as_array().unwrap() {
        // The one reader of an unknown language is told so; every German or English
        // reader gets their variant.
        let message = f["message"].as_str().unwrap();
        assert!(
            f["rule"] != "language-mismatch" || message.starts_with("unknown language \"Klingon\""),
            "{message}"
        );
        if f["rule"] == "no-variant-for-language" {
            let lang = f["message"]
                .as_str()
                .unwrap()
                .strip_prefix("no ")
                .unwrap()
                .split(' ')
                .next()
                .unwrap();
            got.insert(lang.to_owned(), f["recipients"].as_u64().unwrap());
        }
    }
    assert_eq!(got, expected);
}

#[test]
fn two_broken_rows_and_an_unknown_language_among_ten_thousand() {
    let dir = common::temp_dir("broken-rows");
    let mut csv = String::from("email,language,status\n");
    for i in 1..=10_000 {
        let row = match i {
            17 => "no-at-sign.example.com,en,subscribed".to_owned(),
            4_242 => format!("user{i}@example.com,Klingon,subscribed"),
            9_999 => ",de,subscribed".to_owned(),
            _ => format!(
                "user{i}@example.com,{},subscribed",
                if i % 2 == 0 { "de" } else { "en" }
            ),
        };
        csv.push_str(&row);
        csv.push('\n');
    }
    std::fs::write(dir.join("export.csv"), csv).unwrap();
    let v = winter_sale_json(&dir, &[]);
    let a = &v["summary"]["audience"];
    assert_eq!(
        (
            a["rows_read"].as_u64(),
            a["rows_checked"].as_u64(),
            a["rows_skipped"].as_u64()
        ),
        (Some(10_000), Some(9_998), Some(2))
    );
    let rows: Vec<u64> = a["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["row"].as_u64().unwrap())
        .collect();
    assert_eq!(rows, [17, 9_999]);
    // Every English reader is counted: the 5,000 odd rows, less the skipped rows 17 and 9,999.
    let count = |start: &str| {
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| {
                f["rule"] == "language-mismatch"
                    && f["message"].as_str().unwrap().starts_with(start)
            })
            .map(|f| f["recipients"].as_u64().unwrap())
    };
    assert_eq!(count("campaign is written in German"), Some(5_000 - 2));
    // The reader of Klingon is checked and told, as one --profile would be.
    assert_eq!(count("unknown language \"Klingon\""), Some(1));
}

/// `[limits] max-csv-record-kb` and `max-csv-record-lines`: a row past either is skipped
/// with its row and line, the rows after it are still checked, and both engines agree.
#[test]
fn csv_record_limits_are_configurable() {
    let dir = common::temp_dir("record-limits");
    let long_note = "x".repeat(3000);
    let mut csv = String::from("email,language,note\n");
    for i in 1..=20 {
        let row = match i {
            5 => format!("user{i}@example.com,de,{long_note}"),
            9 => format!("user{i}@example.com,de,\"one\ntwo\nthree\nfour\""),
            _ => format!("user{i}@example.com,de,fine"),
        };
        csv.push_str(&row);
        csv.push('\n');
    }
    std::fs::write(dir.join("export.csv"), &csv).unwrap();
    std::fs::write(
        dir.join("campaign-lint.toml"),
        "[limits]\nmax-csv-record-kb = 2\nmax-csv-record-lines = 2\n",
    )
    .unwrap();
    let summaries: Vec<serde_json::Value> = [&[][..], &["--reference-engine"][..]]
        .iter()
        .map(|extra| winter_sale_json(&dir, extra)["summary"]["audience"].clone())
        .collect();
    let a = &summaries[0];
    let skipped: Vec<(u64, u64)> = a["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["row"].as_u64().unwrap(), s["line"].as_u64().unwrap()))
        .collect();
    // Row 9's quoted field spans three line breaks; its first line is the broken row and
    // the next three lines are read as rows of their own (two more rows, one broken).
    assert!(skipped.contains(&(5, 6)), "{a}");
    assert!(
        skipped.iter().any(|&(row, line)| row == 9 && line == 10),
        "{a}"
    );
    assert!(
        a["skipped"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("longer than 2 lines or 2 KB"),
        "{a}"
    );
    assert_eq!(
        a["rows_checked"].as_u64().unwrap() + a["rows_skipped"].as_u64().unwrap(),
        a["rows_read"].as_u64().unwrap()
    );
    assert!(a["rows_checked"].as_u64().unwrap() >= 18, "{a}");
    let mut reference = summaries[1].clone();
    let mut fast = summaries[0].clone();
    for s in [&mut reference, &mut fast] {
        s.as_object_mut().unwrap().remove("seconds");
    }
    assert_eq!(fast, reference);
}

/// `[limits] examples`: how many example recipients a grouped finding shows.
#[test]
fn number_of_examples_is_configurable() {
    let dir = common::temp_dir("examples-limit");
    let mut csv = String::from("email,language\n");
    for i in 1..=50 {
        let name = ["anna", "bert", "carl", "dora"][i % 4];
        let _ = writeln!(csv, "{name}{i}@example{i}.com,en");
    }
    std::fs::write(dir.join("export.csv"), &csv).unwrap();
    let examples = |config: &str| -> usize {
        std::fs::write(dir.join("campaign-lint.toml"), config).unwrap();
        let v = winter_sale_json(&dir, &[]);
        let finding = v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["rule"] == "language-mismatch")
            .cloned()
            .unwrap();
        finding["examples"].as_array().unwrap().len()
    };
    assert_eq!(examples(""), 3);
    assert_eq!(examples("[limits]\nexamples = 1\n"), 1);
    assert_eq!(examples("[limits]\nexamples = 0\n"), 0);
    assert_eq!(examples("[limits]\nexamples = 10\n"), 10);
}

/// `check winter-sale.de.eml --audience export.csv --format json EXTRA` in `dir`, parsed.
fn winter_sale_json(dir: &std::path::Path, extra: &[&str]) -> serde_json::Value {
    let campaign = common::root().join("samples/campaigns/winter-sale.de.eml");
    let mut args = vec![
        "check",
        campaign.to_str().unwrap(),
        "--audience",
        "export.csv",
        "--format",
        "json",
    ];
    args.extend_from_slice(extra);
    let out = common::run_in(dir, &args);
    serde_json::from_str(&out.stdout).unwrap()
}

/// A gzip export cut short: every complete row before the cut is checked (in pieces, on
/// every core), then the run stops with exit 2 and says how many rows it read.
#[test]
fn truncated_gzip_export_says_how_far_it_got() {
    use std::fmt::Write as _;
    use std::io::{Read, Write};
    let dir = common::temp_dir("truncated-gzip");
    let mut csv = String::from("email,language,status\n");
    for i in 0..300_000 {
        let _ = writeln!(csv, "user{i}@example.com,de,subscribed");
    }
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(csv.as_bytes()).unwrap();
    let packed = gz.finish().unwrap();
    let cut = &packed[..packed.len() / 2];
    std::fs::write(dir.join("export.csv.gz"), cut).unwrap();
    // What can be read of the cut file at all, independently: its complete lines.
    let mut readable = Vec::new();
    let _ = flate2::read::GzDecoder::new(cut).read_to_end(&mut readable);
    let complete_rows = readable.iter().filter(|&&b| b == b'\n').count() as u64 - 1;
    let campaign = common::root().join("samples/campaigns/winter-sale.de.eml");
    let out = common::run_in(
        &dir,
        &[
            "check",
            campaign.to_str().unwrap(),
            "--audience",
            "export.csv.gz",
        ],
    );
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("export.csv.gz")
            && out
                .stderr
                .contains("the compressed file is truncated or corrupt"),
        "{}",
        out.stderr
    );
    let after: u64 = out
        .stderr
        .split("(after ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no row count in: {}", out.stderr));
    // Every complete row before the cut is checked.
    assert!(after > 10_000, "{after} rows");
    assert_eq!(after, complete_rows);
}

/// A merge tag decides on whether its field is filled in, so recipients with different
/// first names are one shape: 5,000 unique names take a handful of full checks (at most
/// the shapes times the threads), not 5,000; and the engines agree on blank, white-space
/// and missing names.
#[test]
fn unique_first_names_are_one_shape_for_a_merge_tag() {
    let dir = common::temp_dir("unique-names");
    let mut csv = String::from("email,FNAME,language\n");
    for i in 0..5_000 {
        let name = match i % 10 {
            0 => String::new(),
            1 => "   ".to_owned(),
            2 => "\u{a0}".to_owned(),
            _ => format!("Name{i}"),
        };
        let language = ["en", "en-GB", "de", "fr"][i % 4];
        writeln!(csv, "user{i}@example.com,{name},{language}").unwrap();
    }
    std::fs::write(dir.join("export.csv"), csv).unwrap();
    let campaign = common::root().join("samples/templates/greeting-fields.html");
    let args = [
        "check",
        campaign.to_str().unwrap(),
        "--audience",
        "export.csv",
        "--format",
        "json",
    ];
    let fast = common::run_in(&dir, &args);
    let in_full: u64 = fast
        .stderr
        .split(" checked in full")
        .next()
        .and_then(|s| s.rsplit(' ').next())
        .and_then(|n| n.replace(',', "").parse().ok())
        .unwrap_or_else(|| panic!("{}", fast.stderr));
    assert!(
        in_full < 1_000,
        "{in_full} rows checked in full: {}",
        fast.stderr
    );
    let reference = common::run_in(&dir, &[&args[..], &["--reference-engine"]].concat());
    let summary = |out: &common::Run| {
        let mut v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
        v["summary"]["audience"]["seconds"] = serde_json::Value::Null;
        v
    };
    let (fast, reference) = (summary(&fast), summary(&reference));
    assert_eq!(fast, reference);
    // 1,500 blank names (empty, spaces, a no-break space) without a fallback.
    assert_eq!(
        fast["summary"]["audience"]["rule_recipients"]["empty-merge-field"], 1_500,
        "{fast}"
    );
}
