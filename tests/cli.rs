//! CLI behaviour, tested by running the real binary: exit codes, bad input (each a
//! located message, never a panic), limits, directory walks and hostile text. Formats,
//! config, packs, baselines and terminal behaviour have their own files.

mod common;

use common::{CLEAN, run, run_in, temp_dir};

#[test]
fn exit_codes() {
    assert_eq!(run(&["check", CLEAN]).code, 0);
    assert_eq!(run(&["check", "samples/campaigns/no-optout.eml"]).code, 1);
    // Warnings alone do not fail the run.
    assert_eq!(
        run(&["check", "samples/campaigns/no-list-header.eml"]).code,
        0
    );
    let out = run(&["check", "samples/campaigns/nope.eml"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stdout
            .contains("samples/campaigns/nope.eml: no such file"),
        "{}",
        out.stdout
    );
    // Usage errors are exit 2 as well.
    assert_eq!(run(&["check"]).code, 2);
    assert_eq!(run(&["check", CLEAN, "--format", "yaml"]).code, 2);
}

#[test]
fn one_bad_file_does_not_stop_the_others() {
    let dir = temp_dir("bad-file");
    std::fs::write(dir.join("a-broken.eml"), "this is not an email\n").unwrap();
    std::fs::copy(
        common::root().join("samples/campaigns/no-optout.eml"),
        dir.join("b-good.eml"),
    )
    .unwrap();
    let out = run_in(&dir, &["check", "."]);
    assert_eq!(out.code, 2, "{}", out.stdout);
    assert!(
        out.stdout.contains("missing-unsubscribe-link"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("error: ./a-broken.eml:1:1: not an email message"),
        "{}",
        out.stdout
    );
    // GitLab wants paths from the repository root, for findings and unreadable inputs alike.
    let out = run_in(&dir, &["check", ".", "--format", "gitlab"]);
    let issues: Vec<serde_json::Value> = common::json(&out);
    let mut paths: Vec<&str> = issues
        .iter()
        .map(|i| i["location"]["path"].as_str().unwrap())
        .collect();
    paths.sort_unstable();
    paths.dedup();
    assert_eq!(paths, ["a-broken.eml", "b-good.eml"]);
}

#[test]
fn bad_inputs_are_located_errors() {
    let dir = temp_dir("bad-inputs");
    let write = |name: &'static str, text: &str| {
        std::fs::write(dir.join(name), text).unwrap();
        name
    };
    let cases = [
        (
            vec![
                "check",
                CLEAN,
                "--profile",
                write(
                    "broken.json",
                    "{\n  \"email\": \"a@example.com\",\n  \"language\": \"en\"\n  \"status\": \"subscribed\"\n}",
                ),
            ],
            "broken.json:4:3: malformed JSON",
        ),
        (
            vec![
                "check",
                CLEAN,
                "--profile",
                write(
                    "bad-email.json",
                    "{\n  \"email\": \"anna(at)example.com\",\n  \"language\": \"en\"\n}",
                ),
            ],
            "bad-email.json:2:12: invalid email address",
        ),
        (
            vec![
                "check",
                CLEAN,
                "--profile",
                write("array.json", "[{\"email\": \"a@example.com\"}]"),
            ],
            "array.json:1:1: this is a JSON array of profiles",
        ),
        (
            vec![
                "check",
                CLEAN,
                "--catalog",
                write(
                    "cat.toml",
                    "[[product]]\nsku = \"A\"\nname = \"B\"\ncolour = \"red\"\n",
                ),
            ],
            "cat.toml:4:1: unknown field `colour`",
        ),
        (
            vec!["check", write("image.eml", "\u{89}PNG\r\n\u{1a}\n\0\0\0")],
            "image.eml:1:1: not an email message: expected a header field",
        ),
        (
            vec![
                "check",
                CLEAN,
                "--config",
                write("bad-config.toml", "[fields]\nlangauge = \"hs_language\"\n"),
            ],
            "bad-config.toml:2:1: unknown field `langauge`",
        ),
        (
            vec![
                "check",
                CLEAN,
                "--config",
                write(
                    "bad-rule.toml",
                    "[rules.no-such-rule]\nseverity = \"warning\"\n",
                ),
            ],
            "no rule named \"no-such-rule\"",
        ),
        (
            vec!["check", CLEAN, "--profile", "missing.json"],
            "missing.json: no such file",
        ),
    ];
    for (args, expected) in cases {
        let out = run_in(&dir, &args);
        assert_eq!(out.code, 2, "{args:?}\n{}{}", out.stdout, out.stderr);
        let all = format!("{}{}", out.stdout, out.stderr);
        assert!(
            all.contains(expected),
            "{args:?}: expected {expected:?} in\n{all}"
        );
    }
}

#[test]
fn a_profile_without_language_is_a_warning_not_a_failure() {
    let dir = temp_dir("no-language");
    std::fs::write(
        dir.join("p.json"),
        "{\"email\": \"a@example.com\", \"status\": \"subscribed\"}",
    )
    .unwrap();
    let campaign = common::root().join(CLEAN);
    let out = run_in(
        &dir,
        &["check", campaign.to_str().unwrap(), "--profile", "p.json"],
    );
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert!(
        out.stdout
            .contains("the recipient's profile has no language"),
        "{}",
        out.stdout
    );
}

#[test]
fn hostile_text_never_reaches_the_terminal_raw() {
    let dir = temp_dir("escapes");
    let eml = "From: a@example.com\r\nSubject: \u{1b}]0;PWNED\u{7}HUGE SALE TODAY NOW!!!\r\nContent-Type: text/html\r\n\r\n<p>Buy \u{1b}[2J now \u{9b}31m</p>\r\n";
    std::fs::write(dir.join("esc.eml"), eml).unwrap();
    std::fs::write(dir.join("bad\u{1b}[31m.eml"), "not an email").unwrap();
    std::fs::write(
        dir.join("a.csv"),
        "email,language\n\u{1b}[2Jx@example.com,\u{1b}]0;x\n",
    )
    .unwrap();
    for args in [
        vec!["check", "."],
        vec!["check", "esc.eml", "--audience", "a.csv"],
    ] {
        let out = run_in(&dir, &args);
        for (name, text) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
            assert!(
                !text.contains('\u{1b}') && !text.contains('\u{7}') && !text.contains('\u{9b}'),
                "{args:?} {name}:\n{text}"
            );
        }
    }
    let out = run_in(&dir, &["check", ".", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).expect("JSON stays valid");
    // The subject is quoted as it is (escaped by JSON, not dropped).
    let quoted = v["findings"].as_array().unwrap().iter().any(|f| {
        f["rule"] == "all-caps-subject" && f["message"].as_str().unwrap().contains('\u{1b}')
    });
    assert!(quoted, "{}", out.stdout);
}

#[test]
fn campaign_size_limit() {
    let dir = temp_dir("limits");
    std::fs::write(
        dir.join("campaign-lint.toml"),
        "[limits]\nmax-campaign-mb = 0.01\n",
    )
    .unwrap();
    std::fs::copy(
        common::root().join("samples/campaigns/free-phone.eml"),
        dir.join("big.eml"),
    )
    .unwrap();
    std::fs::write(dir.join("small.html"), "<p>Hi</p><a href=\"*|UNSUB|*\">Unsubscribe</a> Nordlicht GmbH, Musterstraße 12, 20095 Hamburg").unwrap();
    let out = run_in(&dir, &["check", "."]);
    assert_eq!(out.code, 2, "{}", out.stdout);
    assert!(
        out.stdout
            .contains("error: ./big.eml: the file is 21 KB, over the 10 KB limit for a campaign"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("1 campaign"),
        "the small file is still checked: {}",
        out.stdout
    );
    std::fs::write(
        dir.join("campaign-lint.toml"),
        "[limits]\nmax-campaign-size = 1\n",
    )
    .unwrap();
    let out = run_in(&dir, &["check", "."]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("campaign-lint.toml:2:1: unknown field `max-campaign-size`"),
        "{}",
        out.stderr
    );
}

#[test]
fn directory_walks_honour_gitignore_and_exclude() {
    let dir = temp_dir("walk");
    let page = "<p>Spring news from our stores.</p><p>Nordlicht GmbH, Musterstraße 12, 20095 Hamburg <a href=\"*|UNSUB|*\">Unsubscribe</a></p>";
    for path in [
        "templates/a.html",
        "templates/build/out.html",
        "templates/drafts/wip.html",
        "templates/.cache/x.html",
        "templates/b.htm",
    ] {
        let file = dir.join(path);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(file, page).unwrap();
    }
    std::fs::write(dir.join("templates/.gitignore"), "build/\n").unwrap();
    std::fs::write(
        dir.join("campaign-lint.toml"),
        "exclude = [\"templates/drafts/\"]\n",
    )
    .unwrap();
    let checked = |cwd: &std::path::Path, args: &[&str]| -> u64 {
        let out = run_in(cwd, args);
        let v: serde_json::Value = common::json(&out);
        v["summary"]["files"].as_u64().unwrap()
    };
    // a.html and b.htm: not build/ (.gitignore), drafts/ (exclude) or .cache/ (hidden).
    assert_eq!(
        checked(&dir, &["check", "templates", "--format", "json"]),
        2
    );
    // From inside the directory, the config's patterns still apply (relative to the config).
    assert_eq!(
        checked(&dir.join("templates"), &["check", ".", "--format", "json"]),
        2
    );
    // A file named on the command line is always checked.
    assert_eq!(
        checked(
            &dir,
            &["check", "templates/drafts/wip.html", "--format", "json"]
        ),
        1
    );
}
