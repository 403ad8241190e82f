//! `--format html` and `--output`: the report's structure and escaping without a browser,
//! then the report opened in headless Chromium (tests/browser/inspect_report.js, driven
//! by playwright-core): no console errors, no network request, every finding's mark in
//! place and visible, charts that carry the JSON summary's numbers, nothing injected runs.
//!
//! The browser comes from `.ci/install-html.sh` (CAMPAIGN_LINT_CHROMIUM,
//! CAMPAIGN_LINT_PLAYWRIGHT; the defaults are /usr/bin/chromium and
//! target/ci-html/node_modules/playwright-core). Without it the browser tests say so and
//! pass, except under CI, where they fail.

mod common;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

use common::{root, run, run_in, temp_dir};
use serde_json::Value;

const CATALOG: &str = "samples/catalog.toml";

/// A report written with `--output`, and the JSON of the same run.
fn report_and_json(args: &[&str], name: &str) -> (PathBuf, String, Value) {
    let dir = temp_dir(name);
    let out = dir.join("report.html");
    let mut html_args = args.to_vec();
    let out_str = out.to_str().unwrap().to_owned();
    html_args.extend(["--format", "html", "--output", &out_str]);
    let html_run = run(&html_args);
    assert!(
        html_run.code == 0 || html_run.code == 1,
        "{}",
        html_run.stderr
    );
    assert_eq!(html_run.stdout, "", "with --output nothing goes to stdout");
    let html = std::fs::read_to_string(&out).expect("the report was written");
    let mut json_args = args.to_vec();
    json_args.extend(["--format", "json"]);
    let json_run = run(&json_args);
    let json: Value = serde_json::from_str(&json_run.stdout).expect("JSON output");
    (out, html, json)
}

#[test]
fn the_report_is_one_file_that_fetches_nothing() {
    let (_, html, json) = report_and_json(
        &[
            "check",
            "samples/campaigns/free-phone.eml",
            "--profile",
            "samples/profiles/customer.json",
            "--catalog",
            CATALOG,
        ],
        "structure",
    );
    assert!(html.starts_with("<!DOCTYPE html>"));
    let csp = "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src &#39;none&#39;;";
    assert!(html.contains(csp), "no CSP meta");
    assert!(
        html.contains("img-src data:;"),
        "images from the network allowed"
    );
    assert_eq!(
        html.matches("<script").count(),
        1,
        "one script, the report's own"
    );
    for raw in [
        "<img",
        "<link",
        "src=\"http",
        "href=\"http",
        "allow-scripts",
        "@import",
    ] {
        assert!(!html.contains(raw), "{raw} in the page");
    }
    assert_eq!(
        html.matches("<iframe sandbox=\"allow-same-origin\"")
            .count(),
        1
    );
    assert_eq!(
        html.matches("<iframe").count(),
        html.matches("</iframe>").count()
    );
    // The campaign's own markup is inside the srcdoc attribute, escaped, and inert.
    let srcdoc = &html[html.find("srcdoc=\"").unwrap()..];
    let srcdoc = &srcdoc[..srcdoc.find("\"></iframe>").unwrap()];
    assert!(
        srcdoc.contains("data-cl-mark=&quot;1&quot;"),
        "no mark in the frame"
    );
    // Links keep their URL as a tooltip; nothing that would load one is left.
    for load in [
        "src=&quot;http",
        "url(http",
        "background=&quot;http",
        "srcset",
    ] {
        assert!(
            !srcdoc.contains(load),
            "{load} left in the campaign's markup"
        );
    }
    // Every finding of the JSON, in order, in the side list, with its rule and message.
    let findings = json["findings"].as_array().unwrap();
    assert!(!findings.is_empty());
    let mut at = 0;
    for (i, f) in findings.iter().enumerate() {
        let rule = f["rule"].as_str().unwrap();
        let item = format!("data-finding=\"{}\" data-rule=\"{rule}\"", i + 1);
        let found = html[at..]
            .find(&item)
            .unwrap_or_else(|| panic!("{item} missing"));
        at += found;
        let message = campaign_lint::report::html_escape(f["message"].as_str().unwrap());
        assert!(html.contains(&message), "{message}");
    }
    assert!(html.contains("<details class=\"explain\"><summary>explain owned-product-offer"));
}

#[test]
fn output_writes_any_format_and_refuses_an_input() {
    let dir = temp_dir("output");
    let campaign = dir.join("promo.eml");
    std::fs::copy(root().join("samples/campaigns/no-optout.eml"), &campaign).unwrap();
    let before = std::fs::read(&campaign).unwrap();
    let refused = run_in(
        &dir,
        &[
            "check",
            "promo.eml",
            "--format",
            "html",
            "--output",
            "./promo.eml",
        ],
    );
    assert_eq!(refused.code, 2, "{}", refused.stderr);
    assert!(
        refused
            .stderr
            .contains("--output is the same file as the campaign"),
        "{}",
        refused.stderr
    );
    assert_eq!(
        std::fs::read(&campaign).unwrap(),
        before,
        "the input was changed"
    );

    let stdout = run_in(&dir, &["check", "promo.eml", "--format", "json"]);
    let to_file = run_in(
        &dir,
        &[
            "check",
            "promo.eml",
            "--format",
            "json",
            "--output",
            "out.json",
        ],
    );
    assert_eq!(to_file.code, stdout.code);
    assert_eq!(to_file.stdout, "");
    assert_eq!(
        std::fs::read_to_string(dir.join("out.json")).unwrap(),
        stdout.stdout
    );
    // A run that cannot be done writes nothing and leaves an older report as it was.
    std::fs::write(dir.join("out.json"), "old").unwrap();
    let failed = run_in(
        &dir,
        &[
            "check",
            "promo.eml",
            "--profile",
            "missing.json",
            "--output",
            "out.json",
        ],
    );
    assert_eq!(failed.code, 2, "{}", failed.stderr);
    assert!(
        failed.stderr.contains("out.json: not written"),
        "{}",
        failed.stderr
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("out.json")).unwrap(),
        "old"
    );
    let names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(names.len(), 2, "a temporary file was left: {names:?}");
}

#[test]
fn load_images_allows_images_and_nothing_else() {
    let dir = temp_dir("load-images");
    let out = dir.join("report.html");
    let out = out.to_str().unwrap();
    let campaign = "samples/campaigns/free-phone.eml";
    let r = run(&[
        "check",
        campaign,
        "--format",
        "html",
        "--output",
        out,
        "--load-images",
    ]);
    assert!(r.code == 0 || r.code == 1, "{}", r.stderr);
    let html = std::fs::read_to_string(out).unwrap();
    assert!(html.contains("img-src data: https: http:;"));
    assert!(html.contains("default-src &#39;none&#39;;"));
    assert!(html.contains("&lt;img "), "images are kept in the campaign");
    assert!(
        html.contains("src=&quot;https://"),
        "remote image sources are kept"
    );
    assert!(
        !html.contains("data-cl-image title"),
        "no placeholder with --load-images"
    );
    assert!(!html.contains("Remote images are not loaded"));
}

/// Payloads that would run if the report printed any of its strings raw.
const PAYLOADS: [&str; 3] = [
    "<script>window.pwned='script'</script>",
    "\"><img src=x onerror=\"window.pwned='img'\">",
    "</iframe><script>window.pwned='iframe'</script>",
];

/// A campaign, profile and audience carrying the payloads in every string the report
/// prints: file name, subject, sender, link text, body, profile values.
fn hostile_inputs(name: &str) -> (PathBuf, PathBuf, PathBuf, PathBuf) {
    let dir = temp_dir(name);
    let all = PAYLOADS.concat();
    let campaign = dir.join("\"><img src=x onerror=window.pwned=1><script>x.eml");
    let eml = format!(
        "From: \"{p0}\" <crm@example.com>\r\nTo: x@example.com\r\nSubject: Sale {all}\r\n\
         List-Unsubscribe: <https://t.example/u?{p2}>\r\nMIME-Version: 1.0\r\n\
         Content-Type: text/html; charset=utf-8\r\n\r\n\
         <html><head><title>{p2}</title><script>window.pwned='head'</script></head>\
         <body onload=\"window.pwned='onload'\"><p>Hello {{{{ first_name }}}}, {p0}</p>\
         <a href=\"javascript:window.pwned='href'\">Buy the BRAVIA X85J {p1}</a>\
         <img src=\"https://t.example/pixel.gif\" width=\"1\" height=\"1\" onerror=\"window.pwned='pixel'\">\
         <table width=\"2400\"><tr><td>wide {p2}</td></tr></table>\
         <svg><script>window.pwned='svg'</script></svg>\
         <iframe src=\"https://t.example/frame\"></iframe>\
         <form action=\"https://t.example/f\"><button formaction=\"javascript:1\">go</button></form>\
         <p><a href=\"https://t.example/unsubscribe\">unsubscribe</a></p></body></html>\r\n",
        p0 = PAYLOADS[0],
        p1 = PAYLOADS[1],
        p2 = PAYLOADS[2],
    );
    std::fs::write(&campaign, eml).unwrap();
    let profile = dir.join("profile.json");
    let value = serde_json::json!({
        "email": "anna@example.com",
        "language": all,
        "first_name": "",
        "owned_products": ["KD-55X85J", all],
        "status": "subscribed",
    });
    std::fs::write(&profile, value.to_string()).unwrap();
    let audience = dir.join("audience.csv");
    let mut csv = String::from("email,language,owned_products,status\n");
    for (i, p) in PAYLOADS.iter().enumerate() {
        let quoted = p.replace('"', "\"\"");
        let _ = writeln!(
            csv,
            "a{i}@example.com,\"{quoted}\",\"KD-55X85J;{quoted}\",subscribed"
        );
    }
    csv.push_str("\"<script>window.pwned='row'</script>\",en,,subscribed\n");
    std::fs::write(&audience, csv).unwrap();
    (dir, campaign, profile, audience)
}

/// `check` of the hostile campaign against `--profile` or `--audience` (`name`), as HTML.
fn hostile_args<'a>(name: &str, campaign: &'a Path, who: &'a Path, out: &'a Path) -> Vec<&'a str> {
    let mut args = vec!["check", campaign.to_str().unwrap()];
    if name == "audience" {
        // The row whose address is a payload is skipped, and that is the point.
        args.extend(["--audience", who.to_str().unwrap(), "--allow-skipped"]);
    } else {
        args.extend(["--profile", who.to_str().unwrap()]);
    }
    args.extend(["--catalog", CATALOG, "--format", "html"]);
    args.extend(["--output", out.to_str().unwrap()]);
    args
}

#[test]
fn strings_from_input_are_printed_escaped() {
    let (dir, campaign, profile, audience) = hostile_inputs("hostile-text");
    for (name, who) in [("profile", &profile), ("audience", &audience)] {
        let out = dir.join("report.html");
        let r = run(&hostile_args(name, &campaign, who, &out));
        assert!(r.code == 0 || r.code == 1, "{}", r.stderr);
        let html = std::fs::read_to_string(&out).unwrap();
        assert_eq!(html.matches("<script").count(), 1, "{name}");
        assert!(!html.contains("<img"), "{name}");
        assert!(!html.contains("window.pwned='script'</script>"), "{name}");
        assert_eq!(
            html.matches("<iframe").count(),
            html.matches("</iframe>").count()
        );
        assert!(
            html.contains("&lt;script&gt;window.pwned="),
            "the payload is shown as text"
        );
    }
}

// ---- in the browser --------------------------------------------------------------------

/// One browser at a time: the machine is shared.
static BROWSER: Mutex<()> = Mutex::new(());

struct Browser {
    chromium: PathBuf,
    playwright: PathBuf,
}

fn browser() -> Option<Browser> {
    let chromium = std::env::var_os("CAMPAIGN_LINT_CHROMIUM")
        .map_or_else(|| PathBuf::from("/usr/bin/chromium"), PathBuf::from);
    let playwright = std::env::var_os("CAMPAIGN_LINT_PLAYWRIGHT").map_or_else(
        || root().join("target/ci-html/node_modules/playwright-core"),
        PathBuf::from,
    );
    let node = Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    let missing = if !chromium.is_file() {
        Some(format!("no chromium at {}", chromium.display()))
    } else if !playwright.join("package.json").is_file() {
        Some(format!("no playwright-core at {}", playwright.display()))
    } else if !node {
        Some("no node".to_owned())
    } else {
        None
    };
    match missing {
        None => Some(Browser {
            chromium,
            playwright,
        }),
        Some(reason) if std::env::var_os("CI").is_some() => {
            panic!(
                "CI is set, so the browser tests may not be skipped: {reason} (run .ci/install-html.sh)"
            )
        }
        Some(reason) => {
            eprintln!(
                "\n*** SKIPPED: the HTML report's browser test needs {reason}; run .ci/install-html.sh ***\n"
            );
            None
        }
    }
}

/// What the browser saw of `report` (see tests/browser/inspect_report.js).
fn inspect(b: &Browser, report: &Path, screenshot: Option<&Path>) -> Value {
    let _one = BROWSER
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let profile = temp_dir(&format!(
        "chromium-{}",
        report
            .parent()
            .unwrap()
            .file_name()
            .unwrap()
            .to_string_lossy()
    ));
    let mut command = Command::new("node");
    command
        .arg(root().join("tests/browser/inspect_report.js"))
        .arg(report)
        .env("CAMPAIGN_LINT_CHROMIUM", &b.chromium)
        .env("CAMPAIGN_LINT_PLAYWRIGHT", &b.playwright)
        .env("USER_DATA_DIR", &profile);
    if let Some(s) = screenshot {
        command.arg(s);
    }
    let output = command.output().expect("run node");
    assert!(
        output.status.success(),
        "the browser run failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let _ = std::fs::remove_dir_all(&profile);
    serde_json::from_slice(&output.stdout).expect("the browser run's JSON")
}

/// Nothing went wrong loading the page: no console errors or warnings, no page errors, no
/// dialogs, and no request but the report itself.
fn loaded_cleanly(seen: &Value) {
    let noisy: Vec<&Value> = seen["console"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["type"] == "error" || m["type"] == "warning")
        .collect();
    assert!(noisy.is_empty(), "console: {noisy:?}");
    assert_eq!(seen["pageErrors"], serde_json::json!([]));
    assert_eq!(seen["dialogs"], serde_json::json!([]));
    assert_eq!(
        seen["requests"],
        serde_json::json!([seen["url"]]),
        "requests other than the report"
    );
    assert_eq!(seen["page"]["scripts"], 1);
    assert_eq!(seen["page"]["handlers"], 0);
}

/// Every finding's marks are where the report says: each mark placed in the campaign is
/// in the frame, visible when the analysis calls its text displayed, on the inbox line
/// when it is the preheader; text-part and header marks are in their panels.
fn marks_in_place(seen: &Value) {
    for file in seen["page"]["files"].as_array().unwrap() {
        // A section without the campaign's frame (a text template, a profile) has none.
        if !file["sandbox"].is_null() {
            assert_eq!(file["sandbox"], "allow-same-origin");
        }
        assert_eq!(file["frameScripts"], 0);
        assert_eq!(file["frameHandlers"], 0);
        for f in file["findings"].as_array().unwrap() {
            let badges = f["frameBadges"].as_array().unwrap();
            assert_eq!(badges.len() as u64, f["htmlMarks"].as_u64().unwrap(), "{f}");
            for b in badges {
                match b["seen"].as_str().unwrap() {
                    "body" => assert_eq!(b["visible"], true, "{} {f}", file["title"]),
                    "preheader" => assert!(f["inboxBadges"].as_u64().unwrap() > 0, "{f}"),
                    _ => {}
                }
            }
            // The page's own note agrees: only a finding none of whose marks shows says so.
            let any_shown = badges.iter().any(|b| b["visible"] == true);
            assert_eq!(f["notShown"], !any_shown && !badges.is_empty(), "{f}");
            assert_eq!(f["textBadges"], f["textMarks"], "{f}");
            assert_eq!(f["headerBadges"], f["headerMarks"], "{f}");
        }
    }
    let click = &seen["click"];
    if !click.is_null() {
        assert_eq!(click["markInView"], true, "{click}");
        assert_eq!(click["backShown"], true, "{click}");
        assert_eq!(click["findingInView"], true, "{click}");
    }
}

fn screenshot(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("report-html");
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

#[test]
fn single_profile_report_in_a_browser() {
    let Some(b) = browser() else { return };
    let (report, _, json) = report_and_json(
        &[
            "check",
            "samples/campaigns/free-phone.eml",
            "--profile",
            "samples/profiles/customer.json",
            "--catalog",
            CATALOG,
        ],
        "browser-profile",
    );
    let seen = inspect(&b, &report, Some(&screenshot("profile.png")));
    loaded_cleanly(&seen);
    marks_in_place(&seen);
    let file = &seen["page"]["files"][0];
    let rules: Vec<&Value> = file["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| &f["rule"])
        .collect();
    let expected: Vec<&Value> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| &f["rule"])
        .collect();
    assert_eq!(rules, expected);
    // Dark mode changes the page's colours; print hides the tab buttons and shows both tabs.
    let looks = &seen["looks"];
    assert_ne!(
        looks["light"]["background"], looks["dark"]["background"],
        "{looks}"
    );
    assert_ne!(looks["light"]["color"], looks["dark"]["color"], "{looks}");
    assert_eq!(looks["light"]["tabsShown"], true, "{looks}");
    assert_eq!(looks["light"]["hiddenTabShown"], false, "{looks}");
    assert_eq!(looks["print"]["tabsShown"], false, "{looks}");
    assert_eq!(looks["print"]["hiddenTabShown"], true, "{looks}");
    // The owned products are marked in the campaign, the header finding on the headers.
    assert!(file["findings"][0]["frameBadges"].as_array().unwrap().len() > 2);
    assert!(!seen["click"].is_null());
}

/// The byte at `offset` of `html`: inside a start tag (the tag's name), or in text.
fn expected_at(html: &str, offset: usize) -> Option<String> {
    let before = &html[..offset];
    let open = before.rfind('<')?;
    if before.rfind('>').is_some_and(|c| c > open) {
        return None;
    }
    let name: String = html[open + 1..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    Some(name.to_ascii_lowercase())
}

#[test]
fn marks_sit_on_the_elements_and_words_the_spans_name() {
    let Some(b) = browser() else { return };
    let (report, _, json) = report_and_json(
        &[
            "check",
            "samples/templates",
            "samples/campaigns/clean-newsletter.eml",
            "--profile",
            "samples/profiles/customer.json",
            "--catalog",
            CATALOG,
        ],
        "browser-templates",
    );
    let seen = inspect(&b, &report, None);
    loaded_cleanly(&seen);
    marks_in_place(&seen);
    let files = seen["page"]["files"].as_array().unwrap();
    // The index links to every file's section; files without findings are listed too.
    let index = seen["page"]["index"].as_array().unwrap();
    assert_eq!(index.len(), files.len());
    for (row, file) in index.iter().zip(files) {
        assert_eq!(
            row["href"].as_str().unwrap(),
            format!("#{}", file["id"].as_str().unwrap())
        );
        assert_eq!(row["text"], file["title"]);
    }
    assert!(
        index
            .iter()
            .any(|r| r["clean"] == true && r["text"] == "samples/campaigns/clean-newsletter.eml"),
        "{index:?}"
    );
    let mut checked = 0;
    for file in files {
        let path = file["title"].as_str().unwrap();
        if Path::new(path).extension().and_then(|e| e.to_str()) != Some("html") {
            continue;
        }
        let html = std::fs::read_to_string(root().join(path)).unwrap();
        let body = html.to_ascii_lowercase().find("<body").unwrap_or(0);
        let ours: Vec<&Value> = json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["file"] == path)
            .collect();
        let all_labels: Vec<(usize, usize, usize)> = ours
            .iter()
            .enumerate()
            .flat_map(|(i, f)| {
                f["labels"].as_array().unwrap().iter().map(move |l| {
                    let o = l["offset"].as_u64().unwrap() as usize;
                    (i, o, o + l["length"].as_u64().unwrap() as usize)
                })
            })
            .collect();
        for (i, f) in ours.iter().enumerate() {
            let shown = &file["findings"][i];
            assert_eq!(shown["rule"], f["rule"]);
            let targets = shown["frameTargets"].as_array().unwrap();
            for l in f["labels"].as_array().unwrap() {
                let offset = l["offset"].as_u64().unwrap() as usize;
                let end = offset + l["length"].as_u64().unwrap() as usize;
                let lower = html[..offset].to_ascii_lowercase();
                if offset < body
                    || lower.rfind("<!--") > lower.rfind("-->")
                    || lower.rfind("<style") > lower.rfind("</style")
                {
                    continue;
                }
                checked += 1;
                if let Some(tag) = expected_at(&html, offset) {
                    assert!(
                        targets.iter().any(|t| t["tag"] == tag.as_str()),
                        "{path}: finding {} should mark a <{tag}>: {targets:?}",
                        i + 1
                    );
                    continue;
                }
                let words = html_escape::decode_html_entities(&html[offset..end]).into_owned();
                let overlapped = all_labels
                    .iter()
                    .any(|&(j, s, e)| j != i && s < end && offset < e);
                if words.contains('<') || overlapped {
                    // Marked by a badge only: it must still be there.
                    assert!(
                        !shown["frameBadges"].as_array().unwrap().is_empty(),
                        "{path}: finding {} at {offset}: {shown}",
                        i + 1
                    );
                } else {
                    assert!(
                        targets
                            .iter()
                            .any(|t| t["tag"] == "mark" && t["text"] == words.as_str()),
                        "{path}: finding {} should highlight {words:?}: {targets:?}",
                        i + 1
                    );
                }
            }
        }
    }
    assert!(checked >= 10, "only {checked} labels checked");
}

#[test]
fn audience_report_charts_carry_the_json_numbers() {
    let Some(b) = browser() else { return };
    let (report, _, json) = report_and_json(
        &[
            "check",
            "samples/campaigns/free-phone.eml",
            "--audience",
            "samples/audiences/newsletter-export.csv",
            "--catalog",
            CATALOG,
            "--fail-on",
            "owned-product-offer=10%",
        ],
        "browser-audience",
    );
    let seen = inspect(&b, &report, Some(&screenshot("audience.png")));
    loaded_cleanly(&seen);
    marks_in_place(&seen);
    let summary = &json["summary"];
    let rules = summary["rules"].as_object().unwrap();
    let bars = seen["page"]["charts"]["rules"].as_array().unwrap();
    assert_eq!(bars.len(), rules.len());
    for bar in bars {
        let rule = bar["label"].as_str().unwrap();
        let n = &rules[rule]["recipients"];
        assert_eq!(&bar["value"], n, "{rule}");
        assert!(
            bar["shown"]
                .as_str()
                .unwrap()
                .starts_with(&format!("{n} (")),
            "{bar}"
        );
    }
    let widths: Vec<f64> = bars.iter().map(|b| b["width"].as_f64().unwrap()).collect();
    assert!(
        widths.windows(2).all(|w| w[0] >= w[1]),
        "bars not by size: {widths:?}"
    );
    for key in [
        "recipients_with_errors",
        "recipients_with_warnings",
        "recipients_with_infos",
        "recipients_clean",
    ] {
        assert_eq!(seen["page"]["summary"][key], summary[key], "{key}");
    }
    // Languages: those who read another language, as the language-mismatch findings say.
    let languages = seen["page"]["charts"]["languages"].as_array().unwrap();
    let shown: u64 = languages[1..]
        .iter()
        .map(|b| b["value"].as_u64().unwrap())
        .sum();
    let found: u64 = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "language-mismatch")
        .map(|f| f["recipients"].as_u64().unwrap())
        .sum();
    assert_eq!(shown, found);
    assert_eq!(
        languages[0]["value"].as_u64().unwrap() + shown,
        summary["recipients"].as_u64().unwrap()
    );
    // Example addresses are masked.
    let html = std::fs::read_to_string(&report).unwrap();
    assert!(html.contains("•••@example."));
    assert!(!html.contains("sven.bernard1@example.org"));
    assert!(
        html.contains("tripped:"),
        "the --fail-on threshold is not shown"
    );
}

#[test]
fn nothing_injected_runs_in_the_browser() {
    let Some(b) = browser() else { return };
    let (dir, campaign, profile, audience) = hostile_inputs("hostile-browser");
    for (name, who) in [("profile", &profile), ("audience", &audience)] {
        let out = dir.join(format!("{name}.html"));
        let r = run(&hostile_args(name, &campaign, who, &out));
        assert!(r.code == 0 || r.code == 1, "{}", r.stderr);
        let seen = inspect(&b, &out, None);
        loaded_cleanly(&seen);
        marks_in_place(&seen);
        assert_eq!(seen["page"]["pwned"], Value::Null, "{name}");
        assert_eq!(seen["pwnedAfter"], Value::Null, "{name}");
        assert_eq!(seen["titleAfter"], "campaign-lint report");
        // The 2400px table scrolls inside the frame; the page keeps the window's width.
        let page = &seen["page"];
        assert!(
            page["bodyWidth"].as_f64().unwrap() <= page["viewportWidth"].as_f64().unwrap(),
            "{name}: the page got wider than the window: {page}"
        );
        let title = page["files"][0]["title"].as_str().unwrap();
        assert!(
            title.contains("<script>x.eml"),
            "the file name shown as text: {title}"
        );
    }
}

/// Real templates (tests/corpus/real: MJML-built, MSO conditionals, remote fonts and
/// background images): the report of a folder of them loads without a console message or
/// a request, and their marks are in place.
#[test]
fn real_templates_load_cleanly() {
    let Some(b) = browser() else { return };
    let dir = temp_dir("browser-real");
    let out = dir.join("report.html");
    let r = run(&[
        "check",
        "tests/corpus/real/mailjet",
        "tests/corpus/real/leemunroe",
        "--format",
        "html",
        "--output",
        out.to_str().unwrap(),
    ]);
    assert!(r.code == 0 || r.code == 1, "{}", r.stderr);
    let seen = inspect(&b, &out, None);
    loaded_cleanly(&seen);
    marks_in_place(&seen);
    assert!(seen["page"]["files"].as_array().unwrap().len() >= 18);
}

#[test]
fn the_header_panel_and_inbox_line_show_the_subject_decoded() {
    let (_, html, _) = report_and_json(
        &[
            "check",
            "samples/campaigns/winter-sale.de.eml",
            "--profile",
            "samples/profiles/customer.json",
        ],
        "decoded-subject",
    );
    let subject = "Winter-Sale: bis zu 30 % auf ausgewählte Fernseher ❄";
    assert!(html.contains(&format!("<span class=\"subject\">{subject}</span>")));
    assert!(html.contains(&format!("decoded: {subject}</span>")));
    assert!(html.contains("<code>=?utf-8?q?Winter-Sale=3A_bis_zu_30_=25_auf"));
}

#[test]
fn example_addresses_are_masked_unless_show_emails() {
    let args = [
        "check",
        "samples/campaigns/free-phone.eml",
        "--audience",
        "samples/audiences/newsletter-export.csv",
        "--catalog",
        CATALOG,
    ];
    let (_, masked, _) = report_and_json(&args, "masked");
    let mut shown_args = args.to_vec();
    shown_args.push("--show-emails");
    let (_, shown, _) = report_and_json(&shown_args, "shown");
    let full =
        |html: &str| html.matches("@example.org").count() - html.matches("•••@example.org").count();
    assert_eq!(full(&masked), 0, "a full address in the masked report");
    assert!(full(&shown) > 0, "--show-emails shows no address in full");
}
