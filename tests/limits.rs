//! Bounded memory on hostile input: every reader keeps its limit while reading (a FIFO
//! or a device has no size to check first), and a record past its limit is skipped and
//! counted without being held in memory.

mod common;

use std::io::Write;

use common::{run_in, temp_dir};

/// A config with a small campaign limit, for inputs whose metadata says nothing.
fn small_campaign_limit(name: &str) -> std::path::PathBuf {
    let dir = temp_dir(name);
    std::fs::write(
        dir.join("campaign-lint.toml"),
        "[limits]\nmax-campaign-mb = 0.05\n",
    )
    .unwrap();
    dir
}

#[test]
fn a_device_campaign_stops_at_the_size_limit() {
    let dir = small_campaign_limit("dev-zero");
    let out = run_in(
        &dir,
        &["check", "/dev/zero", "--config", "campaign-lint.toml"],
    );
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    let all = format!("{}{}", out.stdout, out.stderr);
    assert!(
        all.contains("/dev/zero") && all.contains("past the 50 KB limit for a campaign"),
        "{all}"
    );
}

#[cfg(target_os = "linux")]
#[test]
fn a_fifo_campaign_stops_at_the_size_limit() {
    let dir = small_campaign_limit("fifo");
    let fifo = dir.join("endless.html");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    // The writer feeds far more than the limit; it stops when the reader closes the pipe.
    let writer = {
        let fifo = fifo.clone();
        std::thread::spawn(move || {
            let mut pipe = std::fs::OpenOptions::new().write(true).open(fifo).unwrap();
            let chunk = "<p>never ending</p>\n".repeat(1000);
            for _ in 0..10_000 {
                if pipe.write_all(chunk.as_bytes()).is_err() {
                    return true;
                }
            }
            false
        })
    };
    let out = run_in(&dir, &["check", "endless.html"]);
    // Should the run never have opened the pipe, a reader that opens and closes it at
    // once lets the writer's open return and its first write fail (no hang).
    {
        use std::os::unix::fs::OpenOptionsExt;
        const O_NONBLOCK: i32 = 0o4000;
        let _ = std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(O_NONBLOCK)
            .open(&fifo);
    }
    assert!(writer.join().unwrap(), "the writer wrote everything");
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    let all = format!("{}{}", out.stdout, out.stderr);
    assert!(
        all.contains("endless.html") && all.contains("past the 50 KB limit for a campaign"),
        "{all}"
    );
}

/// Writes `export` (gzip-compressed when its name ends in `.gz`): `rows` small rows
/// made by `row`, and at row `big` one made by `long` with `pad` bytes of padding,
/// written in pieces so the test never holds it.
fn write_export(
    path: &std::path::Path,
    head: &str,
    rows: usize,
    big: usize,
    row: impl Fn(usize) -> String,
    long: impl Fn(&str) -> (String, String),
    pad: usize,
) {
    let file = std::fs::File::create(path).unwrap();
    let mut out: Box<dyn Write> = if path.extension().is_some_and(|e| e == "gz") {
        Box::new(flate2::write::GzEncoder::new(
            file,
            flate2::Compression::fast(),
        ))
    } else {
        Box::new(std::io::BufWriter::new(file))
    };
    out.write_all(head.as_bytes()).unwrap();
    for i in 1..=rows {
        if i == big {
            let (before, after) = long(&row(i));
            out.write_all(before.as_bytes()).unwrap();
            let chunk = vec![b'x'; 1 << 16];
            let mut left = pad;
            while left > 0 {
                let n = left.min(chunk.len());
                out.write_all(&chunk[..n]).unwrap();
                left -= n;
            }
            out.write_all(after.as_bytes()).unwrap();
        } else {
            out.write_all(row(i).as_bytes()).unwrap();
        }
    }
    out.flush().unwrap();
}

/// A config with record limits of 4 KB.
fn small_record_limits(dir: &std::path::Path) -> String {
    let config = dir.join("limits.toml");
    std::fs::write(
        &config,
        "[limits]\nmax-csv-record-kb = 4\nmax-json-record-kb = 4\n",
    )
    .unwrap();
    config.display().to_string()
}

/// `check free-phone.eml --audience EXPORT ARGS --format json` with the 4 KB record
/// limits: the report.
fn audience_report(
    dir: &std::path::Path,
    export: &str,
    args: &[&str],
    piece_kb: &str,
) -> serde_json::Value {
    let campaign = common::root().join("samples/campaigns/free-phone.eml");
    let config = small_record_limits(dir);
    let mut all = vec![
        "check",
        campaign.to_str().unwrap(),
        "--audience",
        export,
        "--config",
        &config,
        "--format",
        "json",
        "--allow-skipped",
    ];
    all.extend_from_slice(args);
    let out = common::run_in_env(dir, &all, &[("CAMPAIGN_LINT_PIECE_KB", piece_kb)]);
    assert!(
        out.code < 2,
        "{all:?}: exit {}: {}{}",
        out.code,
        out.stdout,
        out.stderr
    );
    serde_json::from_str(&out.stdout).unwrap()
}

fn json_line_row(i: usize) -> String {
    format!("{{\"email\": \"user{i}@example.com\", \"language\": \"en\"}}\n")
}

fn long_json_line(row: &str) -> (String, String) {
    let (before, _) = row.split_at(row.len() - 2);
    (format!("{before}, \"note\": \""), "\"}\n".to_owned())
}

/// The one skipped row of an audience summary: its line and reason.
fn one_skipped(summary: &serde_json::Value) -> (u64, String) {
    assert_eq!(summary["rows_skipped"], 1, "{summary}");
    let skipped = &summary["skipped"][0];
    (
        skipped["line"].as_u64().unwrap_or(0),
        skipped["reason"].as_str().unwrap_or("").to_owned(),
    )
}

#[test]
fn a_json_lines_row_past_the_limit_is_skipped_by_both_engines() {
    let dir = temp_dir("long-json-line");
    // A line of 300 KB within a piece, and one of 3 MB in a .gz: pieces of 4 KB and 64 KB
    // cut them anywhere.
    for (name, pad) in [("export.jsonl", 300_000), ("export.jsonl.gz", 3_000_000)] {
        write_export(
            &dir.join(name),
            "",
            40,
            7,
            json_line_row,
            long_json_line,
            pad,
        );
        for piece in ["4", "64"] {
            for engine in [&[][..], &["--reference-engine"][..]] {
                let report = audience_report(&dir, name, engine, piece);
                let audience = &report["summary"]["audience"];
                let (line, reason) = one_skipped(audience);
                assert_eq!(line, 7, "{name} {engine:?} {piece}: {audience}");
                assert!(reason.contains("longer than 4 KB"), "{reason}");
                assert_eq!(audience["rows_checked"], 39, "{name}: {audience}");
            }
        }
    }
}

#[test]
fn a_json_array_element_past_the_limit_is_skipped() {
    let dir = temp_dir("long-json-element");
    let element = |i: usize| {
        let comma = if i == 1 { "" } else { "," };
        format!("{comma}{{\"email\": \"user{i}@example.com\", \"language\": \"en\"}}\n")
    };
    let long = |row: &str| {
        let (before, _) = row.split_at(row.len() - 2);
        (format!("{before}, \"note\": \""), "\"}\n".to_owned())
    };
    for name in ["export.json", "export.json.gz"] {
        let path = dir.join(name);
        write_export(&path, "[\n", 30, 5, element, long, 200_000);
        let mut file = std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap();
        if path.extension().is_some_and(|e| e == "gz") {
            // A second gzip member: the reader reads members one after the other.
            let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            e.write_all(b"]\n").unwrap();
            file.write_all(&e.finish().unwrap()).unwrap();
        } else {
            file.write_all(b"]\n").unwrap();
        }
        drop(file);
        let report = audience_report(&dir, name, &[], "64");
        let audience = &report["summary"]["audience"];
        let (line, reason) = one_skipped(audience);
        // Element 5 starts on line 6, after the opening bracket's line.
        assert_eq!(line, 6, "{name}: {audience}");
        assert!(reason.contains("longer than 4 KB"), "{reason}");
        assert_eq!(audience["rows_checked"], 29, "{name}: {audience}");
    }
}

#[test]
fn owned_export_rows_past_the_limit_are_skipped_and_listed() {
    let dir = temp_dir("long-owned");
    let csv_row = |i: usize| format!("user{i}@example.com,KD-55X85J\n");
    let long_csv = |row: &str| (row.trim_end().to_owned(), "\n".to_owned());
    write_export(
        &dir.join("owned.csv.gz"),
        "email,sku\n",
        20,
        4,
        csv_row,
        long_csv,
        200_000,
    );
    write_export(
        &dir.join("owned.jsonl"),
        "",
        20,
        4,
        |i| format!("{{\"email\": \"user{i}@example.com\", \"sku\": \"KD-55X85J\"}}\n"),
        long_json_line,
        200_000,
    );
    let element = |i: usize| {
        let comma = if i == 1 { "" } else { "," };
        format!("{comma}{{\"email\": \"user{i}@example.com\", \"sku\": \"KD-55X85J\"}}\n")
    };
    let array = dir.join("owned.json");
    write_export(&array, "[\n", 20, 4, element, long_json_line, 200_000);
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .open(&array)
        .unwrap();
    file.write_all(b"]\n").unwrap();
    drop(file);
    let audience = dir.join("audience.csv");
    std::fs::write(&audience, "email,language\nuser1@example.com,en\n").unwrap();
    // The header is line 1 of the CSV and the bracket of the array: their fourth row is
    // on line 5.
    for (owned, line) in [("owned.csv.gz", 5), ("owned.jsonl", 4), ("owned.json", 5)] {
        let report = audience_report(&dir, "audience.csv", &["--owned", owned], "64");
        let summary = &report["summary"]["audience"]["owned"];
        let (at, reason) = one_skipped(summary);
        assert_eq!(at, line, "{owned}: {summary}");
        assert!(
            reason.contains("longer than") && reason.contains("4 KB"),
            "{reason}"
        );
        assert_eq!(summary["addresses"], 19, "{owned}: {summary}");
        // The human report names the file and the line.
        let campaign = common::root().join("samples/campaigns/free-phone.eml");
        let config = small_record_limits(&dir);
        let out = run_in(
            &dir,
            &[
                "check",
                campaign.to_str().unwrap(),
                "--audience",
                "audience.csv",
                "--owned",
                owned,
                "--config",
                &config,
            ],
        );
        assert!(
            out.stdout
                .contains(&format!("skipped row 4 (line {line}) of {owned}")),
            "{}",
            out.stdout
        );
    }
}

#[test]
fn a_binary_export_is_refused_at_once() {
    let dir = temp_dir("dev-zero-export");
    let audience = dir.join("audience.csv");
    std::fs::write(&audience, "email,language\nuser1@example.com,en\n").unwrap();
    let campaign = common::root().join("samples/campaigns/free-phone.eml");
    let campaign = campaign.to_str().unwrap();
    for args in [
        &[
            "check",
            campaign,
            "--audience",
            "audience.csv",
            "--owned",
            "/dev/zero",
        ][..],
        &["check", campaign, "--audience", "/dev/zero"][..],
    ] {
        let out = run_in(&dir, args);
        assert_eq!(out.code, 2, "{args:?}: {}{}", out.stdout, out.stderr);
        let all = format!("{}{}", out.stdout, out.stderr);
        assert!(
            all.contains("/dev/zero") && all.contains("NUL byte"),
            "{all}"
        );
    }
}

/// Runs `check t.html --rules pack` with `rule` as `pack/brand-words.toml`.
fn check_with_pack(name: &str, rule: &str) -> common::Run {
    let dir = temp_dir(name);
    std::fs::create_dir_all(dir.join("pack")).unwrap();
    std::fs::write(dir.join("pack/brand-words.toml"), rule).unwrap();
    std::fs::write(
        dir.join("t.html"),
        "<p>Hello there, a guaranteed offer.</p><p><a href=\"https://example.com/unsubscribe\">Unsubscribe</a></p>",
    )
    .unwrap();
    run_in(&dir, &["check", "t.html", "--rules", "pack"])
}

const RULE_HEAD: &str = "kind = \"pattern\"\nseverity = \"error\"\nsummary = \"Brand words\"\nmessage = \"brand words: {match}\"\n\n[params]\nscope = \"text\"\n";

#[test]
fn a_pattern_too_large_to_compile_is_a_located_load_error() {
    for mode in ["forbid", "require"] {
        let rule = format!("{RULE_HEAD}mode = \"{mode}\"\npattern = '\\w{{5000}}'\n");
        let out = check_with_pack(&format!("big-pattern-{mode}"), &rule);
        assert_eq!(out.code, 2, "{mode}: {}{}", out.stdout, out.stderr);
        let all = format!("{}{}", out.stdout, out.stderr);
        // Line 9 of the rule file is `pattern = ...`.
        assert!(all.contains("brand-words.toml:9:1"), "{all}");
        assert!(all.contains("too large once compiled"), "{all}");
    }
}

#[test]
fn a_pattern_override_too_large_is_located_in_the_config() {
    let dir = temp_dir("big-pattern-override");
    std::fs::write(
        dir.join("campaign-lint.toml"),
        "[rules.all-caps-subject.params]\npattern = '\\w{5000}'\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("t.txt"),
        "Hello, unsubscribe at https://example.com/u\n",
    )
    .unwrap();
    let out = run_in(&dir, &["check", "t.txt"]);
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    let all = format!("{}{}", out.stdout, out.stderr);
    assert!(all.contains("campaign-lint.toml:2:1"), "{all}");
    assert!(all.contains("too large once compiled"), "{all}");
}

#[test]
fn a_word_list_past_its_bounds_is_a_located_load_error() {
    let words: Vec<String> = (0..5_001).map(|i| format!("\"word{i}\"")).collect();
    let rule = format!("{RULE_HEAD}words = [{}]\n", words.join(", "));
    let out = check_with_pack("many-words", &rule);
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    let all = format!("{}{}", out.stdout, out.stderr);
    assert!(all.contains("brand-words.toml:8:1"), "{all}");
    assert!(all.contains("5001 words"), "{all}");
    // Within the bounds, the list is used.
    let out = check_with_pack(
        "few-words",
        &format!("{RULE_HEAD}words = [\"guaranteed\"]\n"),
    );
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stdout.contains("brand words: \"guaranteed\""),
        "{}",
        out.stdout
    );
}

/// A message whose body is never read fails the run with the reason, instead of passing
/// every body check unseen.
#[test]
fn a_message_with_no_readable_body_part_is_an_error() {
    let dir = temp_dir("unread-body");
    let head = "From: Shop <news@example.com>\nSubject: News\nMIME-Version: 1.0\n";
    let part = "Content-Type: text/html\n\n<p>Hello</p>\n";
    for (name, content_type, body) in [
        (
            "no-boundary.eml",
            "multipart/alternative; boundary=\"XYZ\"",
            format!("--ABC\n{part}--ABC--\n"),
        ),
        (
            "empty-boundary.eml",
            "multipart/alternative; boundary=\"\"",
            format!("--\n{part}----\n"),
        ),
        (
            "attachment.eml",
            "multipart/mixed; boundary=\"B\"",
            format!("--B\nContent-Disposition: attachment; filename=\"offer.html\"\n{part}--B--\n"),
        ),
    ] {
        std::fs::write(
            dir.join(name),
            format!("{head}Content-Type: {content_type}\n\n{body}"),
        )
        .unwrap();
        let out = run_in(&dir, &["check", name, "--format", "json"]);
        assert_eq!(out.code, 1, "{name}: {}", out.stdout);
        let report: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
        let unread: Vec<&serde_json::Value> = report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["rule"] == "unreadable-part")
            .collect();
        assert_eq!(unread.len(), 1, "{name}: {}", out.stdout);
        assert_eq!(unread[0]["severity"], "error");
        // Labelled at the Content-Type header (line 4).
        assert_eq!(unread[0]["span"]["line"], 4, "{name}");
    }
}

#[test]
fn a_profile_stops_at_the_json_record_limit() {
    let dir = temp_dir("dev-zero-profile");
    let config = small_record_limits(&dir);
    let campaign = common::root().join("samples/campaigns/free-phone.eml");
    let long = format!(
        "{{\"email\": \"a@example.com\", \"note\": \"{}\"}}",
        "x".repeat(10_000)
    );
    std::fs::write(dir.join("long.json"), long).unwrap();
    for profile in ["/dev/zero", "long.json"] {
        let out = run_in(
            &dir,
            &[
                "check",
                campaign.to_str().unwrap(),
                "--profile",
                profile,
                "--config",
                &config,
            ],
        );
        assert_eq!(out.code, 2, "{profile}: {}{}", out.stdout, out.stderr);
        let all = format!("{}{}", out.stdout, out.stderr);
        assert!(
            all.contains(profile) && all.contains("longer than 4 KB"),
            "{all}"
        );
    }
}

/// A directory of many templates: each file is finished as it is checked and its
/// facts dropped; the findings are those each template gets on its own.
#[test]
fn a_directory_of_many_templates_reports_each_as_alone() {
    let dir = temp_dir("many-templates");
    let shapes = [
        // Clean: no findings (its sources are not kept).
        "<html lang=\"en\"><body><p>Our spring newsletter from Nordlicht, with the new range of outdoor cameras for the season.</p><p><a href=\"https://example.com/unsubscribe\">Unsubscribe</a></p><p>Nordlicht GmbH, Hafenstrasse 1, 20095 Hamburg</p></body></html>\n",
        // No unsubscribe link.
        "<p>Buy our cameras today.</p>\n",
        // A suppression comment that suppresses nothing.
        "<!-- campaign-lint-disable-next-line missing-unsubscribe-link -->\n<p>Hello</p><p><a href=\"https://example.com/unsubscribe\">Unsubscribe</a></p>\n",
    ];
    std::fs::create_dir_all(dir.join("all")).unwrap();
    for (i, shape) in shapes.iter().enumerate() {
        std::fs::write(dir.join(format!("shape{i}.html")), shape).unwrap();
    }
    let files = 900;
    for n in 0..files {
        std::fs::write(
            dir.join(format!("all/t{n:05}.html")),
            shapes[n % shapes.len()],
        )
        .unwrap();
    }
    let rules_of = |report: &serde_json::Value, path: &str| -> Vec<(String, String)> {
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["file"] == path)
            .map(|f| (f["rule"].to_string(), f["span"].to_string()))
            .collect()
    };
    let alone: Vec<Vec<(String, String)>> = (0..shapes.len())
        .map(|i| {
            let name = format!("shape{i}.html");
            let out = run_in(&dir, &["check", &name, "--format", "json"]);
            rules_of(&serde_json::from_str(&out.stdout).unwrap(), &name)
        })
        .collect();
    assert!(alone[0].is_empty() && !alone[1].is_empty() && !alone[2].is_empty());
    let out = run_in(&dir, &["check", "all", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(report["summary"]["files"], files, "{}", report["summary"]);
    for n in 0..files {
        let path = format!("all/t{n:05}.html");
        assert_eq!(rules_of(&report, &path), alone[n % shapes.len()], "{path}");
    }
    // The human report renders the same findings.
    let human = run_in(&dir, &["check", "all"]);
    assert_eq!(human.code, out.code);
    assert_eq!(
        human.stdout.matches("missing-unsubscribe-link (").count(),
        files / shapes.len(),
        "{}",
        &human.stdout[human.stdout.len().saturating_sub(500)..]
    );
}

/// Files read whole (a config, a catalog, a baseline, rule files) are read within a
/// bound kept while reading: a device or a FIFO never makes them grow without end.
#[test]
fn settings_files_stop_at_their_bound() {
    let dir = temp_dir("dev-zero-settings");
    std::fs::write(
        dir.join("t.txt"),
        "Hello, unsubscribe at https://example.com/u\n",
    )
    .unwrap();
    for (args, bound) in [
        (
            &["check", "t.txt", "--config", "/dev/zero"][..],
            "past 10 MB",
        ),
        (
            &["check", "t.txt", "--catalog", "/dev/zero"][..],
            "past 100 MB",
        ),
    ] {
        let out = run_in(&dir, args);
        assert_eq!(out.code, 2, "{args:?}: {}{}", out.stdout, out.stderr);
        let all = format!("{}{}", out.stdout, out.stderr);
        assert!(all.contains("/dev/zero") && all.contains(bound), "{all}");
    }
}

#[test]
fn a_header_row_past_the_limit_says_so() {
    let dir = temp_dir("long-header");
    let config = small_record_limits(&dir);
    std::fs::write(
        dir.join("wide.csv"),
        format!("email,{}\na@example.com,1\n", "x".repeat(10_000)),
    )
    .unwrap();
    let campaign = common::root().join("samples/campaigns/free-phone.eml");
    for engine in [&[][..], &["--reference-engine"][..]] {
        let mut args = vec![
            "check",
            campaign.to_str().unwrap(),
            "--audience",
            "wide.csv",
            "--config",
            &config,
        ];
        args.extend_from_slice(engine);
        let out = run_in(&dir, &args);
        assert_eq!(out.code, 2, "{engine:?}: {}{}", out.stdout, out.stderr);
        let all = format!("{}{}", out.stdout, out.stderr);
        assert!(all.contains("wide.csv:1:1: the header row has a quote that is not closed, or is longer than 100 lines or 4 KB"), "{all}");
    }
}
