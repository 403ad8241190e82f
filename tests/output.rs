//! What the reports say, through the real binary: the audience summary for the person who
//! presses Send (human and JSON), one finding per rule and place with a breakdown, the
//! singular and plural of every count, the width of the terminal, and what the one-line
//! and CI formats keep of a finding in a decoded part.

mod common;

use std::path::Path;
use std::process::Command;

use common::{root, run, run_in_env, temp_dir};
use serde_json::Value;

const CAMPAIGN: &str = "samples/campaigns/free-phone.eml";
const NEWSLETTER: &str = "samples/audiences/newsletter-export.csv";
const ORDERS: &str = "samples/audiences/shopify-orders.csv";
const CATALOG: &str = "samples/catalog.toml";

/// Six recipients of an English campaign, counted by hand: two read German (one of them
/// also unsubscribed), one English reader unsubscribed: three with errors, each once; one
/// without a language: a warning only; two clean.
const SIX: &str = "email,language,status
anna@example.com,de,subscribed
bert@example.com,de,unsubscribed
carl@example.com,en,unsubscribed
dora@example.com,,subscribed
emil@example.com,en,subscribed
fay@example.com,en,subscribed
";

fn six(name: &str) -> std::path::PathBuf {
    let path = temp_dir(name).join("six.csv");
    std::fs::write(&path, SIX).unwrap();
    path
}

/// The campaign checked against [`SIX`] in `format`, with more arguments.
fn six_in(name: &str, format: &str, more: &[&str]) -> common::Run {
    let export = six(name);
    let mut args = vec![
        "check",
        CAMPAIGN,
        "--audience",
        export.to_str().unwrap(),
        "--format",
        format,
    ];
    args.extend_from_slice(more);
    run(&args)
}

/// `text` with miette's wrapped message lines (`\n  │ `) and all runs of white space
/// joined by one space: what a reader reads, whatever the width.
fn flat(text: &str) -> String {
    text.replace("\n  │ ", " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn json(stdout: &str) -> Value {
    serde_json::from_str(stdout).expect("JSON report")
}

/// The lines of the human report's audience summary: from `Audience …` to the last line.
fn audience_summary(stdout: &str) -> Vec<&str> {
    let lines: Vec<&str> = stdout.lines().collect();
    let start = lines
        .iter()
        .rposition(|l| l.starts_with("Audience "))
        .unwrap_or_else(|| panic!("no audience summary in\n{stdout}"));
    lines[start..].to_vec()
}

#[test]
fn the_audience_summary_starts_with_the_recipients_who_would_get_an_error() {
    let export = six("summary-six");
    let campaign = root().join(CAMPAIGN);
    let out = run_in_env(
        export.parent().unwrap(),
        &["check", campaign.to_str().unwrap(), "--audience", "six.csv"],
        &[],
    );
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    let summary = audience_summary(&out.stdout);
    assert_eq!(
        summary[..4],
        [
            "Audience six.csv: 3 of 6 recipients (50.0%) would get an error",
            "  with errors    3 of 6 (50.0%)  --suppress-out FILE writes them, to leave them out",
            "  only warnings  1 of 6 (16.7%)",
            "  clean          2 of 6 (33.3%)",
        ],
        "{}",
        out.stdout
    );
    // One line per rule, most recipients first; a recipient with two error rules counts
    // once above and once for each rule here.
    assert_eq!(
        summary[4..7],
        [
            "  by rule:",
            "    language-mismatch     3 of 6 (50.0%)",
            "    suppressed-recipient  2 of 6 (33.3%)",
        ],
        "{}",
        out.stdout
    );
    assert!(
        summary.contains(&"  and every recipient gets the campaign's own findings: 1 warning"),
        "{}",
        out.stdout
    );
    assert_eq!(
        summary.last().copied(),
        Some(
            "Found 2 errors, 2 warnings in 1 campaign for 6 recipients; 3 of them would get an error."
        ),
        "{}",
        out.stdout
    );
}

#[test]
fn the_json_summary_counts_recipients_once_and_per_rule() {
    let out = six_in(
        "summary-json",
        "json",
        &["--fail-on", "suppressed-recipient=50%"],
    );
    let summary = &json(&out.stdout)["summary"];
    assert_eq!(summary["recipients_with_errors"], 3, "{summary}");
    assert_eq!(summary["recipients_with_warnings"], 1, "{summary}");
    assert_eq!(summary["recipients_with_infos"], 0, "{summary}");
    assert_eq!(summary["recipients_clean"], 2, "{summary}");
    assert_eq!(
        summary["rules"],
        serde_json::json!({
            "language-mismatch": {"recipients": 3, "share": 0.5},
            "suppressed-recipient": {"recipients": 2, "share": 0.3333},
        })
    );
    assert_eq!(
        summary["fail_on"],
        serde_json::json!([{"rule": "suppressed-recipient", "rate": 0.5, "share": 0.3333, "over": false}])
    );
    // The fields that were there before keep their names.
    for key in [
        "files",
        "recipients",
        "errors",
        "warnings",
        "infos",
        "audience",
    ] {
        assert!(summary.get(key).is_some(), "{key}: {summary}");
    }
}

#[test]
fn recipients_with_errors_are_the_ones_suppress_out_writes() {
    let dir = temp_dir("summary-suppress");
    let suppress = dir.join("suppress.csv");
    let args = [
        "check",
        CAMPAIGN,
        "--audience",
        NEWSLETTER,
        "--owned",
        ORDERS,
        "--catalog",
        CATALOG,
        "--suppress-out",
        suppress.to_str().unwrap(),
    ];
    let out = run(&args);
    let written = std::fs::read_to_string(&suppress).unwrap().lines().count() - 1;
    let summary = flat(&audience_summary(&out.stdout).join("\n"));
    let checked = 298;
    let share = written as f64 * 100.0 / f64::from(checked);
    let expected = format!(
        "Audience {NEWSLETTER}: {written} of {checked} recipients ({share:.1}%) would get an error \
         with errors {written} of {checked} ({share:.1}%) written to {} by --suppress-out",
        suppress.display()
    );
    assert!(summary.starts_with(&expected), "{expected}\n{summary}");
    // The JSON says the same.
    let mut with_json = args.to_vec();
    with_json.extend(["--format", "json"]);
    let summary = json(&run(&with_json).stdout)["summary"].clone();
    assert_eq!(summary["recipients_with_errors"], written, "{summary}");
}

#[test]
fn fail_on_rates_are_reported_with_whether_they_tripped() {
    for (rate, code, verdict) in [
        ("1%", 1, "over the rate: the run fails"),
        ("50%", 0, "within the rate"),
    ] {
        let fail_on = format!("owned-product-offer={rate}");
        let out = run(&[
            "check",
            "samples/campaigns/free-phone.eml",
            "--audience",
            NEWSLETTER,
            "--owned",
            ORDERS,
            "--catalog",
            CATALOG,
            "--select",
            "owned-product-offer",
            "--fail-on",
            &fail_on,
        ]);
        assert_eq!(out.code, code, "{}", out.stdout);
        let line =
            format!("  --fail-on owned-product-offer={rate}: 35.2% of recipients, {verdict}");
        assert!(
            audience_summary(&out.stdout).contains(&line.as_str()),
            "{line}\n{}",
            out.stdout
        );
    }
}

#[test]
fn language_mismatch_over_an_audience_shows_its_snippet_once_with_a_breakdown() {
    let args = ["check", CAMPAIGN, "--audience", NEWSLETTER];
    let out = run(&args);
    let report = json(&run(&[&args[..], &["--format", "json"]].concat()).stdout);
    // JSON keeps one finding per language.
    let groups: Vec<&Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "language-mismatch" && f["severity"] == "error")
        .collect();
    assert_eq!(groups.len(), 6, "{report}");
    let text = &out.stdout;
    // Once for the readers of other languages, once for the reader of an unknown one.
    assert_eq!(
        text.matches("language-mismatch (campaign-lint explain language-mismatch)")
            .count(),
        2,
        "{text}"
    );
    assert!(
        text.contains("⚠ samples/audiences/newsletter-export.csv: unknown language \"Klingon\""),
        "{text}"
    );
    // The snippet in the body and the one on the subject, once each.
    assert_eq!(text.matches("╰── written in English").count(), 2, "{text}");
    let total: u64 = groups.iter().filter_map(|f| f["recipients"].as_u64()).sum();
    assert!(
        flat(text).contains(&format!(
            "× campaign is written in English but the recipient reads German, French, Spanish or 3 more ({total} of 298 recipients,"
        )),
        "{text}"
    );
    // One line per language: its recipients, share and masked examples.
    for group in &groups {
        let message = group["message"].as_str().unwrap();
        let language = message
            .split("reads ")
            .nth(1)
            .and_then(|rest| rest.split(" (").next())
            .unwrap();
        let count = group["recipients"].as_u64().unwrap();
        let example = group["examples"][0].as_str().unwrap();
        let row = text
            .lines()
            .find(|l| l.trim_start().starts_with(&format!("{language} ")))
            .unwrap_or_else(|| panic!("no row for {language}:\n{text}"));
        let cells: Vec<&str> = row.split_whitespace().collect();
        assert_eq!(cells[1], count.to_string(), "{row}");
        assert!(row.contains(example), "{row}");
        // Addresses are masked: nothing but the mask before an `@`.
        assert!(
            row.match_indices('@')
                .all(|(at, _)| row[..at].ends_with("•••")),
            "{row}"
        );
    }
}

#[test]
fn counts_say_one_recipient_and_two_recipients() {
    let out = six_in("summary-plural", "concise", &[]);
    assert!(
        out.stdout.contains(
            "the recipient's profile has no language (1 of 6 recipients, 16.7%) [1 recipient]"
        ),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("[2 recipients]"), "{}", out.stdout);
    assert!(!out.stdout.contains("[1 recipients]"), "{}", out.stdout);
    assert!(out.stderr.contains("checked 6 rows in"), "{}", out.stderr);
    // A one-row audience.
    let dir = temp_dir("summary-one");
    let one = dir.join("one.csv");
    std::fs::write(&one, "email,language\nanna@example.com,de\n").unwrap();
    let out = run(&["check", CAMPAIGN, "--audience", one.to_str().unwrap()]);
    let text = flat(&out.stdout);
    assert!(
        text.contains("(1 of 1 recipient, 100.0%)")
            && text.contains("1 row read, 1 checked, 0 skipped")
            && text.contains("in 1 campaign for 1 recipient; 1 of them would get an error."),
        "{}",
        out.stdout
    );
    assert!(out.stderr.contains("checked 1 row in"), "{}", out.stderr);
}

/// A template drawn wide: a 200-character line with a label in the middle, a line of 24
/// tabs (96 columns, but 24 characters) before the last line of text, and that line's
/// end, where two labels with long texts point, 65 columns to the right.
fn wide_template(dir: &Path) -> std::path::PathBuf {
    let path = dir.join("wide.html");
    let long = "<p style=\"font-family:Arial,sans-serif;font-size:14px;color:#333333;line-height:20px;margin:0;padding:0 0 12px 0;\">Our spring collection has arrived: <a href=\"http://example.com/spring\">see it here</a> with many new products for you.</p>";
    let tabbed = format!(
        "{}<p>Hello there, this is our newsletter.</p>",
        "\t".repeat(24)
    );
    let last = format!("{}<p>Thank you for reading.</p>", " ".repeat(40));
    std::fs::write(
        &path,
        format!("<html><body>\n{long}\n{tabbed}\n{last}\n</body></html>\n"),
    )
    .unwrap();
    path
}

/// Every line of `text` fits in `width` columns (the report has no wide characters and
/// no tabs: miette draws tabs as spaces).
fn assert_fits(text: &str, width: usize) {
    assert!(!text.contains('\t'), "{text}");
    for line in text.lines() {
        assert!(
            line.chars().count() <= width,
            "{} columns in a report {width} wide: {line:?}\n{text}",
            line.chars().count()
        );
    }
}

#[test]
fn the_report_fits_the_width_it_is_drawn_at() {
    let dir = temp_dir("output-width");
    let file = wide_template(&dir);
    for width in ["100", "160", "60"] {
        let out = run_in_env(&dir, &["check", "wide.html"], &[("COLUMNS", width)]);
        assert_eq!(out.code, 1, "{}", out.stdout);
        assert_fits(&out.stdout, width.parse().unwrap());
        assert!(out.stdout.contains("example.com/spring"), "{}", out.stdout);
        // Label texts and help are wrapped, never cut: every word is there.
        let words = |t: &str| {
            t.split_whitespace()
                .filter(|w| w.chars().all(char::is_alphabetic))
                .map(str::to_owned)
                .collect::<Vec<_>>()
        };
        for label in [
            "expected an unsubscribe link by here",
            "expected the sender's",
        ] {
            let joined = out.stdout.split_whitespace().collect::<Vec<_>>().join(" ");
            assert!(
                words(label).iter().all(|w| joined.contains(w.as_str())),
                "{label}: {}",
                out.stdout
            );
        }
    }
    // Not a terminal, no COLUMNS: 100 columns (a help line is wrapped close to them).
    let out = Command::new(env!("CARGO_BIN_EXE_campaign-lint"))
        .args(["check", file.to_str().unwrap()])
        .env_remove("COLUMNS")
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_fits(&text, 100);
    assert!(text.lines().any(|l| l.chars().count() > 90), "{text}");
}

#[test]
fn a_terminal_report_is_as_wide_as_the_terminal() {
    // `script` gives the binary a terminal, `stty` makes it 130 columns wide.
    let Ok(status) = Command::new("script").arg("--version").output() else {
        eprintln!("no `script` on this machine: the terminal width is not tested");
        return;
    };
    assert!(status.status.success());
    let dir = temp_dir("output-terminal");
    wide_template(&dir);
    let command = format!(
        "stty cols 130 rows 40; exec {} check wide.html",
        env!("CARGO_BIN_EXE_campaign-lint")
    );
    let out = Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .current_dir(&dir)
        .env_remove("COLUMNS")
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).replace('\r', "");
    assert_fits(&text, 130);
    assert!(text.lines().any(|l| l.chars().count() > 100), "{text}");
}

#[test]
fn lines_between_two_close_labels_are_shown() {
    let out = run(&[
        "check",
        CAMPAIGN,
        "--profile",
        "samples/profiles/customer.json",
        "--catalog",
        CATALOG,
    ]);
    // Xperia 5 V is labelled on lines 13 and 17 of the text part; 15 and 16 lie between.
    let snippet: Vec<&str> = out
        .stdout
        .lines()
        .skip_while(|l| !l.contains("text/plain (decoded):13:45]"))
        .take(10)
        .collect();
    assert!(snippet.contains(&" 15 │ fits in one hand."), "{snippet:#?}");
    assert!(snippet.contains(&" 16 │ "), "{snippet:#?}");
}

#[test]
fn a_label_on_an_encoded_subject_shows_it_decoded() {
    let out = run(&[
        "check",
        "samples/campaigns/winter-sale.de.eml",
        "--profile",
        "samples/profiles/english-reader.json",
    ]);
    let text = &out.stdout;
    // The span stays on the raw header; the label says what recipients read.
    assert!(
        text.contains("11 │ ╭─▶ Subject: =?utf-8?q?Winter-Sale=3A_bis_zu_30_=25_auf_ausgew=C3=A4hlte_Fernseh?="),
        "{text}"
    );
    assert!(
        text.contains(
            "written in German (decoded: \"Winter-Sale: bis zu 30 % auf ausgewählte Fernseher ❄\")"
        ),
        "{text}"
    );
}

#[test]
fn every_one_line_and_ci_format_keeps_the_place_in_the_decoded_part() {
    let note = "in the decoded text/html part at line 99, column 180";
    for format in ["concise", "github", "sarif", "junit", "gitlab"] {
        let out = run(&[
            "check",
            "samples/campaigns/winter-sale.de.eml",
            "--profile",
            "samples/profiles/english-reader.json",
            "--format",
            format,
        ]);
        assert_eq!(out.code, 1, "{format}: {}", out.stderr);
        assert!(out.stdout.contains(note), "{format}:\n{}", out.stdout);
    }
}

#[test]
fn a_directory_run_groups_findings_by_file_and_lists_the_clean_ones() {
    let out = run(&["check", "samples/campaigns"]);
    let report = json(&run(&["check", "samples/campaigns", "--format", "json"]).stdout);
    let mut with_findings: Vec<String> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["file"].as_str().unwrap().to_owned())
        .collect();
    with_findings.dedup();
    let headers: Vec<&str> = out
        .stdout
        .lines()
        .filter_map(|l| l.strip_prefix("── "))
        .map(|l| l.split(':').next().unwrap())
        .collect();
    assert_eq!(headers, with_findings, "{}", out.stdout);
    let mut all: Vec<String> = std::fs::read_dir(root().join("samples/campaigns"))
        .unwrap()
        .map(|e| {
            format!(
                "samples/campaigns/{}",
                e.unwrap().file_name().to_string_lossy()
            )
        })
        .collect();
    all.sort();
    let clean: Vec<&String> = all.iter().filter(|f| !with_findings.contains(f)).collect();
    assert!(!clean.is_empty());
    let listed: String = out
        .stdout
        .lines()
        .skip_while(|l| !l.starts_with("No findings in "))
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        listed.starts_with(&format!(
            "No findings in {} of {} campaigns:",
            clean.len(),
            all.len()
        )),
        "{}",
        out.stdout
    );
    let names: Vec<&str> = listed
        .split(':')
        .nth(1)
        .unwrap()
        .split("Found")
        .next()
        .unwrap()
        .split([',', ' '])
        .filter(|n| !n.is_empty())
        .collect();
    assert_eq!(names, clean, "{}", out.stdout);
}
