//! Hostile text in every output format: a file name with a newline that would forge a
//! GitHub workflow command, and content and pack text with escape sequences (ESC [2J,
//! OSC 8), BEL, BS, the one-byte CSI U+009B and the right-to-left override U+202E.
//! Formats for people show them escaped; JSON and SARIF keep them, as valid JSON.

#![cfg(unix)]

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{Run, run_in, temp_dir};
use serde_json::Value;

/// What a forged line would say.
const FORGED: &str = "::error file=forged.eml::forged";
/// Escape sequences and characters that must not reach a terminal or a log raw.
const HOSTILE: &str = "\u{1b}[2J\u{7}\u{8}\u{9b}31m\u{202e}\u{1b}]8;;x\u{1b}\\";
/// The raw characters no format for people may contain.
const RAW: [char; 6] = ['\u{1b}', '\u{7}', '\u{8}', '\u{9b}', '\u{202e}', '\r'];

/// The name of the hostile campaign: a newline, a forged command, the hostile text.
fn hostile_name() -> String {
    format!("promo\n{FORGED}{HOSTILE}.html")
}

/// A campaign whose name is a command by itself, no newline needed.
const COMMAND_NAME: &str = "::error file=forged.eml::forged.html";
/// A clean campaign named like a command (listed among the files without findings).
const CLEAN_COMMAND_NAME: &str = "::notice file=clean.eml::forged.html";

const CLEAN: &str = "<html lang=\"en\"><body><p>Our spring newsletter has arrived, with news about our stores, our service and the products you asked about.</p>\
<p>Nordlicht Electronics GmbH, Musterstraße 12, 20095 Hamburg. <a href=\"*|UNSUB|*\">Unsubscribe</a></p></body></html>\n";

/// A directory with the hostile campaign (its text quoting the hostile strings, and no
/// opt-out link) and a pack whose rule quotes that text and whose docs hold it too.
fn setup(name: &str) -> PathBuf {
    let dir = temp_dir(name);
    let hostile = format!(
        "<html lang=\"en\"><body><p>Our spring newsletter: HOSTILE{HOSTILE}\n{FORGED} end.</p>\
         <p>Nordlicht Electronics GmbH, Musterstraße 12, 20095 Hamburg.</p></body></html>\n"
    );
    std::fs::write(dir.join(hostile_name()), &hostile).unwrap();
    std::fs::write(dir.join(COMMAND_NAME), &hostile).unwrap();
    std::fs::write(dir.join(CLEAN_COMMAND_NAME), CLEAN).unwrap();
    let toml_text = |s: &str| {
        s.chars()
            .map(|c| {
                if c.is_control() || c == '\u{202e}' || c == '"' || c == '\\' {
                    format!("\\u{:04x}", u32::from(c))
                } else {
                    c.to_string()
                }
            })
            .collect::<String>()
    };
    let pack = dir.join("pack");
    std::fs::create_dir_all(&pack).unwrap();
    let text = toml_text(&format!("HOSTILE{HOSTILE}\n{FORGED}"));
    std::fs::write(
        pack.join("hostile-text.toml"),
        format!(
            "kind = \"pattern\"\nseverity = \"error\"\nsummary = \"summary {text}\"\n\
             message = \"found {{match}}\"\nhelp = \"help {text}\"\n\n\
             [params]\nscope = \"html\"\npattern = 'HOSTILE[^<]*'\n\n\
             [docs]\nwhat = \"what {text}\"\nwhy = \"why {text}\"\nexample = \"example {text}\"\n\
             fix = \"fix {text}\"\nreferences = [\"reference {text}\"]\n"
        ),
    )
    .unwrap();
    dir
}

/// `campaign-lint check` over the hostile campaign and a missing file of the same kind
/// of name (an input error), in `format`.
fn check(dir: &Path, format: &str) -> Run {
    let missing = format!("gone\n{FORGED}{HOSTILE}.html");
    run_in(
        dir,
        &[
            "check",
            &hostile_name(),
            COMMAND_NAME,
            CLEAN_COMMAND_NAME,
            &missing,
            "--rules",
            "pack",
            "--format",
            format,
        ],
    )
}

/// Text for people: nothing raw, and no line that GitHub would run as a workflow
/// command (the runner trims leading whitespace before looking for `::`).
fn assert_safe(what: &str, text: &str) {
    for c in RAW {
        assert!(
            !text.contains(c),
            "{what}: a raw {:?} is printed:\n{text}",
            c.escape_default().to_string()
        );
    }
    for line in text.lines() {
        assert!(
            !line.trim_start().starts_with("::"),
            "{what}: a line is a workflow command: {line:?}"
        );
    }
}

#[test]
fn human_and_concise_output_escape_names_and_content() {
    let dir = setup("safety-text");
    for format in ["human", "concise"] {
        let out = check(&dir, format);
        assert_eq!(out.code, 2, "{format}: {}{}", out.stdout, out.stderr);
        assert_safe(format, &out.stdout);
        assert_safe(format, &out.stderr);
        let all = format!("{}{}", out.stdout, out.stderr);
        // Shown escaped, where the reader can see what is there.
        for shown in [
            r"promo\n::error",
            r"\u{1b}[2J",
            r"\u{9b}31m",
            r"\u{202e}",
            "gone",
        ] {
            assert!(all.contains(shown), "{format}: {shown} not shown:\n{all}");
        }
        assert!(all.contains("hostile-text"), "{format}:\n{all}");
        assert!(all.contains("forged.eml::forged.html"), "{format}:\n{all}");
    }
}

#[test]
fn github_annotations_escape_per_the_workflow_command_spec() {
    let dir = setup("safety-github");
    let out = check(&dir, "github");
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    assert_safe("github stderr", &out.stderr);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert!(!lines.is_empty(), "{}", out.stdout);
    for line in &lines {
        for c in RAW {
            assert!(!line.contains(c), "raw {c:?} in {line:?}");
        }
        // One command per line, for the real file: properties escape `:` and `,`,
        // newlines are %0A, and the forged command appears only escaped.
        let (command, _) = line.split_once(' ').unwrap();
        assert!(
            ["::error", "::warning", "::notice"].contains(&command),
            "{line:?}"
        );
        assert!(
            line.contains("file=promo%0A%3A%3Aerror file=forged.eml%3A%3Aforged\\u{1b}[2J")
                || line.contains("file=gone%0A%3A%3Aerror")
                || line.contains("file=%3A%3Aerror file=forged.eml%3A%3Aforged.html,"),
            "{line:?}"
        );
        assert!(!line.contains("\n::"), "{line:?}");
    }
    assert!(
        lines
            .iter()
            .any(|l| l.contains("title=hostile-text::found") && l.contains("%0A::error")),
        "the message keeps its line break as %0A: {lines:#?}"
    );
}

#[test]
fn json_and_sarif_keep_the_text_as_valid_json() {
    let dir = setup("safety-json");
    for format in ["json", "sarif", "gitlab"] {
        let out = check(&dir, format);
        assert_eq!(out.code, 2, "{format}: {}", out.stderr);
        assert_safe(format, &out.stderr);
        let value: Value = serde_json::from_str(&out.stdout)
            .unwrap_or_else(|e| panic!("{format} is not JSON: {e}\n{}", out.stdout));
        // The original name and text, exactly, once decoded (SARIF names files by URI).
        let strings = all_strings(&value);
        let name = if format == "sarif" {
            "promo%0A%3A%3Aerror%20file%3Dforged.eml%3A%3Aforged%1B%5B2J%07%08%C2%9B31m%E2%80%AE%1B%5D8%3B%3Bx%1B%5C.html".to_owned()
        } else {
            hostile_name()
        };
        assert!(
            strings.iter().any(|s| s.contains(&name)),
            "{format}: the file name is not kept: {strings:#?}"
        );
        if format != "gitlab" {
            assert!(
                strings
                    .iter()
                    .any(|s| s.contains(&format!("HOSTILE{HOSTILE}\n{FORGED}"))),
                "{format}: the matched text is not kept: {strings:#?}"
            );
        }
        // Nothing raw in the bytes: JSON writes controls as \u escapes.
        for c in ['\u{1b}', '\u{7}', '\u{8}', '\n'] {
            assert!(
                !out.stdout.contains(&format!("{c}::")),
                "{format}: raw {c:?}"
            );
        }
    }
}

fn all_strings(value: &Value) -> Vec<String> {
    match value {
        Value::String(s) => vec![s.clone()],
        Value::Array(a) => a.iter().flat_map(all_strings).collect(),
        Value::Object(o) => o
            .iter()
            .flat_map(|(k, v)| {
                let mut all = all_strings(v);
                all.push(k.clone());
                all
            })
            .collect(),
        _ => Vec::new(),
    }
}

#[test]
fn junit_is_valid_xml_with_the_text_kept_and_no_raw_line_breaks() {
    let dir = setup("safety-junit");
    let out = check(&dir, "junit");
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert_safe("junit", &out.stdout);
    let doc = roxmltree::Document::parse(&out.stdout).expect("valid XML");
    let names: Vec<&str> = doc
        .descendants()
        .filter_map(|n| n.attribute("name"))
        .collect();
    // XML 1.0 cannot hold ESC, BEL or BS even escaped (shown as `?`); the rest is kept.
    assert!(
        names
            .iter()
            .any(|n| n.starts_with(&format!("promo\n{FORGED}?[2J??\u{9b}31m\u{202e}"))),
        "{names:#?}"
    );
}

#[test]
fn rules_and_explain_escape_pack_text() {
    let dir = setup("safety-rules");
    let rules = run_in(&dir, &["rules", "--rules", "pack"]);
    assert_eq!(rules.code, 0, "{}", rules.stderr);
    assert_safe("rules", &rules.stdout);
    assert!(
        rules
            .stdout
            .contains(r"summary HOSTILE\u{1b}[2J\u{7}\u{8}\u{9b}31m\u{202e}"),
        "{}",
        rules.stdout
    );
    let explain = run_in(&dir, &["explain", "hostile-text", "--rules", "pack"]);
    assert_eq!(explain.code, 0, "{}", explain.stderr);
    // The docs keep their lines, but a line that would be a command is escaped.
    assert_safe("explain", &explain.stdout);
    assert!(
        explain
            .stdout
            .contains(r"    \u{3a}:error file=forged.eml::forged"),
        "{}",
        explain.stdout
    );
    for section in ["what", "why", "example", "fix", "reference"] {
        assert!(
            explain.stdout.contains(&format!(
                r"{section} HOSTILE\u{{1b}}[2J\u{{7}}\u{{8}}\u{{9b}}31m"
            )),
            "{section}:\n{}",
            explain.stdout
        );
    }
}

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run git");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn hook_output_escapes_staged_file_names() {
    let dir = setup("safety-hook");
    std::fs::remove_dir_all(dir.join("pack")).unwrap();
    for args in [
        &["init", "-q", "-b", "main"][..],
        &["config", "user.email", "dev@example.com"],
        &["config", "user.name", "Dev"],
        &["config", "commit.gpgsign", "false"],
    ] {
        git(&dir, args);
    }
    // All three campaigns (pathspecs would read the `:` names as magic).
    git(&dir, &["add", "-A"]);
    let out = run_in(&dir, &["hook", "run"]);
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stdout.contains("missing-unsubscribe-link") && out.stdout.contains("commit blocked"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains(r"promo\n::error"), "{}", out.stdout);
    assert_safe("hook run", &out.stdout);
    assert_safe("hook run", &out.stderr);
}

/// An error keeps the line breaks of its own hints (an export no row of which could be
/// read), while its file name, hostile as ever, stays on one line.
#[test]
fn errors_keep_their_hint_lines_but_not_forged_ones() {
    let dir = setup("safety-errors");
    let export = format!("export\n{FORGED}{HOSTILE}.csv");
    std::fs::write(dir.join(&export), "foo;bar\n1;2\n").unwrap();
    for format in ["human", "concise", "json"] {
        let out = run_in(
            &dir,
            &[
                "check",
                CLEAN_COMMAND_NAME,
                "--audience",
                &export,
                "--format",
                format,
            ],
        );
        assert_eq!(out.code, 2, "{format}: {}{}", out.stdout, out.stderr);
        assert_safe(format, &out.stderr);
        assert_safe(format, if format == "json" { "" } else { &out.stdout });
        // The human report lists the error with the findings; the others on stderr.
        let shown = if format == "human" {
            &out.stdout
        } else {
            &out.stderr
        };
        assert!(
            shown.contains(r"export\n::error file=forged.eml::forged\u{1b}[2J"),
            "{format}: {shown}"
        );
        assert!(
            shown.contains("\n  columns found (CSV, delimiter ';'): \"foo\", \"bar\"\n"),
            "{format}: {shown}"
        );
    }
}
