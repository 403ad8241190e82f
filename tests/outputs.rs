//! The files a run writes never destroy data: no output may be an input or another
//! output (however the path is spelt), outputs are moved into place only when the run
//! completes, suppression lists are safe to open in a spreadsheet, and a closed stdout
//! or stderr neither panics nor reads as a clean check.

mod common;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use common::{root, run_in, temp_dir};

const CAMPAIGN: &str = "samples/campaigns/free-phone.eml";
const EXPORT: &str = "samples/audiences/newsletter-export.csv";

/// A directory holding a copy of the sample campaign and export.
fn workdir(name: &str) -> std::path::PathBuf {
    let dir = temp_dir(name);
    std::fs::copy(root().join(CAMPAIGN), dir.join("camp.eml")).unwrap();
    std::fs::copy(root().join(EXPORT), dir.join("a.csv")).unwrap();
    dir
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn an_output_that_is_an_input_is_refused_before_anything_is_written() {
    let dir = workdir("same-file");
    let export = std::fs::read(dir.join("a.csv")).unwrap();
    let campaign = std::fs::read(dir.join("camp.eml")).unwrap();
    std::os::unix::fs::symlink(dir.join("a.csv"), dir.join("link.csv")).unwrap();
    let cases: &[&[&str]] = &[
        &["--suppress-out", "a.csv"],
        &["--suppress-out", "./a.csv"],
        &["--findings-out", "a.csv"],
        &["--findings-out", "link.csv"],
        &["--suppress-out", "camp.eml"],
    ];
    let absolute = format!("{}/./camp.eml", dir.display());
    let name = dir.file_name().unwrap().to_string_lossy();
    let relative = format!("../{name}/camp.eml");
    let spelt: [&[&str]; 2] = [
        &["--suppress-out", &absolute],
        &["--suppress-out", &relative],
    ];
    for extra in cases.iter().chain(&spelt) {
        let mut args = vec!["check", "camp.eml", "--audience", "a.csv"];
        args.extend_from_slice(extra);
        let r = run_in(&dir, &args);
        assert_eq!(r.code, 2, "{extra:?}: {}{}", r.stdout, r.stderr);
        assert!(
            r.stderr.contains("is the same file as") && r.stderr.contains("refusing"),
            "{extra:?}: {}",
            r.stderr
        );
        assert_eq!(
            std::fs::read(dir.join("a.csv")).unwrap(),
            export,
            "{extra:?}"
        );
        assert_eq!(
            std::fs::read(dir.join("camp.eml")).unwrap(),
            campaign,
            "{extra:?}"
        );
    }
    // Two outputs naming one file would lose one list.
    let r = run_in(
        &dir,
        &[
            "check",
            "camp.eml",
            "--audience",
            "a.csv",
            "--suppress-out",
            "x.csv",
            "--findings-out",
            "./x.csv",
        ],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("--findings-out is the same file as --suppress-out"),
        "{}",
        r.stderr
    );
    assert!(!dir.join("x.csv").exists());
    // The baseline being updated may not be the campaign either.
    let r = run_in(
        &dir,
        &[
            "check",
            "camp.eml",
            "--baseline",
            "camp.eml",
            "--update-baseline",
        ],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(std::fs::read(dir.join("camp.eml")).unwrap(), campaign);
    assert_eq!(files_in(&dir), ["a.csv", "camp.eml", "link.csv"]);
}

#[test]
fn outputs_are_replaced_only_when_the_run_completes() {
    let dir = workdir("atomic");
    // A complete run writes both lists.
    let args = [
        "check",
        "camp.eml",
        "--audience",
        "a.csv",
        "--suppress-out",
        "leave-out.csv",
        "--findings-out",
        "findings.jsonl",
    ];
    let r = run_in(&dir, &args);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let list = std::fs::read_to_string(dir.join("leave-out.csv")).unwrap();
    assert!(list.starts_with("email,rules\n") && list.lines().count() > 1);
    let findings = std::fs::read_to_string(dir.join("findings.jsonl")).unwrap();
    assert!(!findings.is_empty());

    // A truncated .gz export fails partway: both old files are kept, and no temporary.
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    let export = std::fs::read(dir.join("a.csv")).unwrap();
    gz.write_all(&export.repeat(200)).unwrap();
    let gz = gz.finish().unwrap();
    std::fs::write(dir.join("cut.csv.gz"), &gz[..gz.len() / 2]).unwrap();
    let mut cut = args;
    cut[3] = "cut.csv.gz";
    let r = run_in(&dir, &cut);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr
            .contains("leave-out.csv: not written, as the run did not complete"),
        "{}",
        r.stderr
    );
    assert!(
        !r.stdout.contains("written to leave-out.csv"),
        "{}",
        r.stdout
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("leave-out.csv")).unwrap(),
        list
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("findings.jsonl")).unwrap(),
        findings
    );
    assert_eq!(
        files_in(&dir),
        [
            "a.csv",
            "camp.eml",
            "cut.csv.gz",
            "findings.jsonl",
            "leave-out.csv"
        ]
    );
}

#[test]
fn a_baseline_is_not_updated_when_a_campaign_cannot_be_read() {
    let dir = workdir("baseline-unreadable");
    let r = run_in(
        &dir,
        &[
            "check",
            "camp.eml",
            "--baseline",
            "bl.json",
            "--update-baseline",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let before = std::fs::read_to_string(dir.join("bl.json")).unwrap();
    let r = run_in(
        &dir,
        &[
            "check",
            "camp.eml",
            "missing.eml",
            "--baseline",
            "bl.json",
            "--update-baseline",
        ],
    );
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("missing.eml") && r.stderr.contains("was not written"),
        "{}",
        r.stderr
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("bl.json")).unwrap(),
        before
    );
}

#[test]
fn suppression_cells_are_not_spreadsheet_formulas() {
    let dir = workdir("csv-injection");
    // Valid addresses (RFC 5322 atext) that a spreadsheet would run as formulas.
    let mut export = std::fs::read_to_string(dir.join("a.csv")).unwrap();
    for local in ["=1+2", "+cmd", "-2+3", "@sum"] {
        export += local;
        export += "@example.com,Eve,Hostile,de,DE,KD-55X85J,subscribed,2024-01-01\n";
    }
    std::fs::write(dir.join("a.csv"), export).unwrap();
    let r = run_in(
        &dir,
        &[
            "check",
            "camp.eml",
            "--audience",
            "a.csv",
            "--suppress-out",
            "out.csv",
            "--allow-skipped",
        ],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    let list = std::fs::read_to_string(dir.join("out.csv")).unwrap();
    assert!(list.contains("\"'=1+2@example.com\","), "{list}");
    assert!(list.contains("\"'+cmd@example.com\","), "{list}");
    assert!(list.contains("\"'-2+3@example.com\","), "{list}");
    for line in list.lines() {
        assert!(!line.starts_with(['=', '+', '-', '@']), "{line}");
    }
}

fn binary() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_campaign-lint"));
    cmd.current_dir(root()).env("NO_COLOR", "1");
    cmd
}

#[test]
fn a_closed_stdout_pipe_is_not_a_clean_check() {
    // The reading end is closed before the program starts: its first write fails.
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let output = binary()
        .args(["check", CAMPAIGN])
        .stdout(writer)
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(stderr.is_empty(), "a broken pipe ends quietly: {stderr}");
    assert_eq!(output.status.code(), Some(141), "{stderr}");
}

#[test]
fn a_full_stderr_neither_panics_nor_changes_the_exit_status() {
    let full = || {
        std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap()
    };
    // An audience run writes its timing to stderr; a missing input writes its error there.
    let cases: [(&[&str], i32); 3] = [
        (&["check", CAMPAIGN, "--audience", EXPORT], 1),
        (&["check", CAMPAIGN, "nope.eml", "--format", "json"], 2),
        (&["check", "samples/campaigns/clean-newsletter.eml"], 0),
    ];
    for (args, code) in cases {
        let output = binary()
            .args(args)
            .stdout(Stdio::piped())
            .stderr(full())
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(code), "{args:?}");
        assert!(!output.stdout.is_empty(), "{args:?}");
    }
}
