//! CLI behaviour, tested by running the real binary: exit codes, formats, config
//! discovery, and bad input (each a located message, never a panic).

mod common;

use std::path::Path;
use std::process::{Command, Stdio};

use common::{run, run_in, temp_dir};

const CLEAN: &str = "samples/campaigns/clean-newsletter.eml";

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
    let issues: Vec<serde_json::Value> = serde_json::from_str(&out.stdout).unwrap();
    let mut paths: Vec<&str> = issues
        .iter()
        .map(|i| i["location"]["path"].as_str().unwrap())
        .collect();
    paths.sort_unstable();
    paths.dedup();
    assert_eq!(paths, ["a-broken.eml", "b-good.eml"]);
}

#[test]
fn json_follows_the_contract() {
    let out = run(&[
        "check",
        "samples/campaigns/winter-sale.de.eml",
        "--profile",
        "samples/profiles/english-reader.json",
        "--format",
        "json",
    ]);
    assert_eq!(out.code, 1);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let f = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "language-mismatch")
        .expect("language-mismatch");
    assert_eq!(f["severity"], "error");
    assert_eq!(
        f["message"],
        "campaign is written in German but the recipient reads English"
    );
    assert_eq!(f["file"], "samples/campaigns/winter-sale.de.eml");
    assert_eq!(f["recipients"], 1);
    for key in ["offset", "length", "line", "column"] {
        assert!(f["span"][key].as_u64().is_some(), "span.{key}");
    }
    assert!(f["help"].as_str().unwrap().contains("English variant"));
    assert_eq!(v["summary"]["files"], 1);
    assert_eq!(v["summary"]["recipients"], 1);
    assert_eq!(v["summary"]["errors"], 1);
    // Campaign-level findings have no recipient count.
    let out = run(&[
        "check",
        "samples/campaigns/no-optout.eml",
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert!(v["findings"][0]["recipients"].is_null());
}

#[test]
fn json_span_points_at_the_text() {
    let out = run(&[
        "check",
        "samples/campaigns/free-phone.eml",
        "--profile",
        "samples/profiles/tv-and-phones.json",
        "--catalog",
        "samples/catalog.toml",
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let raw =
        std::fs::read_to_string(common::root().join("samples/campaigns/free-phone.eml")).unwrap();
    let f = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "owned-product-offer")
        .unwrap();
    // The first label is in the raw file (the subject); every label's text names a product.
    for label in f["labels"].as_array().unwrap() {
        if label["source"] == "samples/campaigns/free-phone.eml" {
            let (o, l) = (
                label["offset"].as_u64().unwrap() as usize,
                label["length"].as_u64().unwrap() as usize,
            );
            let text = &raw[o..o + l];
            assert!(text.contains("X85J") || text.contains("BRAVIA"), "{text:?}");
        }
    }
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
fn config_is_discovered_upwards_and_overrides_rules() {
    let dir = temp_dir("config");
    std::fs::create_dir_all(dir.join("campaigns/2026")).unwrap();
    std::fs::copy(
        common::root().join("samples/campaigns/no-optout.eml"),
        dir.join("campaigns/2026/flash.eml"),
    )
    .unwrap();
    let nested = dir.join("campaigns/2026");
    assert_eq!(run_in(&nested, &["check", "flash.eml"]).code, 1);
    std::fs::write(
        dir.join("campaign-lint.toml"),
        "[rules.missing-unsubscribe-link]\nseverity = \"warning\"\n",
    )
    .unwrap();
    let out = run_in(&nested, &["check", "flash.eml"]);
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert!(out.stdout.contains("⚠"), "{}", out.stdout);
    std::fs::write(
        dir.join("campaign-lint.toml"),
        "[rules.hidden-unsubscribe-link.params]\nmin-font-px = \"big\"\n",
    )
    .unwrap();
    let out = run_in(&nested, &["check", "flash.eml"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("[rules.hidden-unsubscribe-link.params]"),
        "{}",
        out.stderr
    );
}

#[test]
fn rules_and_explain() {
    let out = run(&["rules"]);
    assert_eq!(out.code, 0);
    for name in [
        "declared-language-mismatch",
        "hidden-unsubscribe-link",
        "language-mismatch",
        "missing-list-unsubscribe",
        "missing-one-click-unsubscribe",
        "missing-unsubscribe-link",
        "owned-product-offer",
        "suppressed-recipient",
    ] {
        assert!(out.stdout.contains(name), "rules lists {name}");
    }
    let out = run(&["explain", "owned-product-offer"]);
    assert_eq!(out.code, 0);
    assert!(
        out.stdout
            .starts_with("owned-product-offer (error, kind owned-products, built-in)"),
        "{}",
        out.stdout
    );
    let out = run(&["explain", "owned-product-offers"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("did you mean \"owned-product-offer\""),
        "{}",
        out.stderr
    );
}

#[test]
fn a_user_pack_adds_overrides_and_disables_rules() {
    let dir = temp_dir("pack");
    let pack = dir.join("brand-rules");
    std::fs::create_dir_all(&pack).unwrap();
    // A new pattern rule.
    std::fs::write(
        pack.join("no-free-claims.toml"),
        "kind = \"pattern\"\nseverity = \"error\"\nsummary = \"No 'free' claims\"\nmessage = \"the word {match} is banned\"\nhelp = \"say what the offer is\"\n[params]\nscope = \"subject\"\nwords = [\"free\"]\n",
    )
    .unwrap();
    // An override of a shipped rule, and a shipped rule turned off.
    std::fs::write(
        pack.join("owned-product-offer.toml"),
        "severity = \"warning\"\nmessage = \"already owns {product}\"\n",
    )
    .unwrap();
    std::fs::write(
        pack.join("missing-one-click-unsubscribe.toml"),
        "severity = \"off\"\n",
    )
    .unwrap();
    let root = common::root();
    let campaign = root.join("samples/campaigns/free-phone.eml");
    let check_args = |pack: bool| {
        let mut a = vec![
            "check".to_owned(),
            campaign.display().to_string(),
            "--profile".to_owned(),
            root.join("samples/profiles/tv-and-phones.json")
                .display()
                .to_string(),
            "--catalog".to_owned(),
            root.join("samples/catalog.toml").display().to_string(),
            "--format".to_owned(),
            "json".to_owned(),
        ];
        if pack {
            a.extend(["--rules".to_owned(), "brand-rules".to_owned()]);
        }
        a
    };
    let rules_of = |out: &common::Run| -> Vec<(String, String, String)> {
        let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["rule"].as_str().unwrap().to_owned(),
                    f["severity"].as_str().unwrap().to_owned(),
                    f["message"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    };
    let argv = check_args(false);
    let before = run_in(&dir, &argv.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(before.code, 1);
    let before = rules_of(&before);
    assert!(
        before
            .iter()
            .any(|(r, s, _)| r == "owned-product-offer" && s == "error")
    );
    assert!(
        before
            .iter()
            .any(|(r, _, _)| r == "missing-one-click-unsubscribe")
    );

    let argv = check_args(true);
    let after = run_in(&dir, &argv.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(after.code, 1, "{}{}", after.stdout, after.stderr);
    let after = rules_of(&after);
    assert!(
        after.contains(&(
            "no-free-claims".to_owned(),
            "error".to_owned(),
            "the word \"free\" is banned".to_owned()
        )),
        "{after:?}"
    );
    assert!(
        after.iter().any(|(r, s, m)| r == "owned-product-offer"
            && s == "warning"
            && m == "already owns Xperia 5 V"),
        "{after:?}"
    );
    assert!(
        !after
            .iter()
            .any(|(r, _, _)| r == "missing-one-click-unsubscribe"),
        "{after:?}"
    );

    // The pack's rules are listed and explained.
    let out = run_in(&dir, &["rules", "--rules", "brand-rules"]);
    assert!(
        out.stdout.lines().any(|l| l.starts_with("no-free-claims")
            && l.contains("pattern")
            && l.contains("brand-rules")),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .lines()
            .any(|l| l.starts_with("missing-one-click-unsubscribe") && l.contains(" off ")),
        "{}",
        out.stdout
    );
    let out = run_in(
        &dir,
        &["explain", "no-free-claims", "--rules", "brand-rules"],
    );
    assert_eq!(out.code, 0);
    assert!(
        out.stdout
            .starts_with("no-free-claims (error, kind pattern, brand-rules)"),
        "{}",
        out.stdout
    );
}

#[test]
fn broken_pack_files_are_located_errors() {
    let dir = temp_dir("broken-pack");
    let campaign = common::root().join(CLEAN);
    let campaign = campaign.to_str().unwrap();
    let cases = [
        (
            "bad-regex.toml",
            "kind = \"pattern\"\nseverity = \"error\"\nsummary = \"s\"\nmessage = \"m\"\n[params]\nscope = \"text\"\npattern = \"(unclosed\"\n",
            "bad-regex.toml:7:11: invalid regular expression",
        ),
        (
            "bad-scope.toml",
            "kind = \"pattern\"\nseverity = \"error\"\nsummary = \"s\"\nmessage = \"m\"\n[params]\nscope = \"body\"\nwords = [\"x\"]\n",
            "bad-scope.toml:6:9: unknown scope \"body\"",
        ),
        (
            "bad-kind.toml",
            "kind = \"regexp\"\nseverity = \"error\"\nsummary = \"s\"\nmessage = \"m\"\n",
            "bad-kind.toml:1:8: unknown rule kind \"regexp\"",
        ),
        (
            "typo-key.toml",
            "kind = \"pattern\"\nseverity = \"error\"\nsumary = \"s\"\nmessage = \"m\"\n",
            "typo-key.toml:3:1: unknown field `sumary`",
        ),
        (
            "no-such-rule.toml",
            "severity = \"off\"\n",
            "no-such-rule.toml: this file: no rule named \"no-such-rule\"",
        ),
        (
            "bad-when.toml",
            "kind = \"required-field\"\nseverity = \"error\"\nsummary = \"s\"\nmessage = \"m\"\nwhen = 'country is \"CA\"'\n[params]\nfield = \"x\"\n",
            "bad-when.toml:5:8: `when` of rule bad-when",
        ),
        (
            "Bad_Name.toml",
            "kind = \"pattern\"\n",
            "Bad_Name.toml: rule name \"Bad_Name\"",
        ),
    ];
    for (file, text, expected) in cases {
        let pack = dir.join(file.trim_end_matches(".toml"));
        std::fs::create_dir_all(&pack).unwrap();
        std::fs::write(pack.join(file), text).unwrap();
        let pack_arg = pack.display().to_string();
        let out = run_in(&dir, &["check", campaign, "--rules", &pack_arg]);
        assert_eq!(out.code, 2, "{file}: {}{}", out.stdout, out.stderr);
        assert!(
            out.stderr.contains(expected),
            "{file}: expected {expected:?} in {}",
            out.stderr
        );
    }
    let out = run_in(&dir, &["check", campaign, "--rules", "missing-dir"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("missing-dir: cannot read the rule pack"),
        "{}",
        out.stderr
    );
    let out = run_in(
        &dir,
        &[
            "check",
            campaign,
            "--select",
            "language-mismatch,owned-product-ofer",
        ],
    );
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("did you mean \"owned-product-offer\""),
        "{}",
        out.stderr
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
fn concise_and_github_formats() {
    let out = run(&[
        "check",
        "samples/campaigns/small-print.eml",
        "samples/templates/newsletter-fr.html",
        "--format",
        "concise",
    ]);
    assert_eq!(out.code, 1);
    assert_eq!(
        out.stdout,
        "samples/campaigns/small-print.eml:67:1: hidden-unsubscribe-link: unsubscribe link is hidden: 6px text in #eeeeee on #f4f4f4 (contrast 1.05:1) (in the decoded text/html part at line 196, column 251)\n\
         samples/templates/newsletter-fr.html:2:140: declared-language-mismatch: <html lang> declares English but the text is written in French\n"
    );
    let out = run(&[
        "check",
        "samples/campaigns/small-print.eml",
        "samples/templates/newsletter-fr.html",
        "samples/campaigns/nope.eml",
        "--format",
        "github",
    ]);
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stdout,
        "::error file=samples/campaigns/small-print.eml,line=67,col=1,title=hidden-unsubscribe-link::unsubscribe link is hidden: 6px text in #eeeeee on #f4f4f4 (contrast 1.05:1) (in the decoded text/html part at line 196, column 251)%0Ahelp: show the link at 11px or more in a colour with a contrast of at least 4.5:1 against its background; below 6px or 1.5:1 a reader does not see it at all\n\
         ::warning file=samples/templates/newsletter-fr.html,line=2,col=140,title=declared-language-mismatch::<html lang> declares English but the text is written in French%0Ahelp: declare the language the campaign is written in, or translate the text\n\
         ::error file=samples/campaigns/nope.eml,title=campaign-lint::no such file\n"
    );
    // Line 67 of the file is where the quoted-printable HTML part begins.
    let raw =
        std::fs::read_to_string(common::root().join("samples/campaigns/small-print.eml")).unwrap();
    let line_66 = raw.lines().nth(65).unwrap();
    assert!(
        line_66.is_empty(),
        "the blank line before the part's body: {line_66:?}"
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
        let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
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

/// `campaign-lint check ARGS` on a pseudo-terminal (util-linux `script`), with `NO_COLOR`
/// set to `no_color` or unset; what the terminal showed.
fn on_terminal(args: &str, no_color: Option<&str>) -> String {
    on_terminal_with(args, no_color, &[])
}

fn on_terminal_with(args: &str, no_color: Option<&str>, env: &[(&str, &str)]) -> String {
    let command = format!("'{}' check {args}", env!("CARGO_BIN_EXE_campaign-lint"));
    let mut script = Command::new("script");
    script
        .args(["-q", "-e", "-c", &command, "/dev/null"])
        .current_dir(common::root())
        .env_remove("NO_COLOR")
        .env("COLUMNS", "100")
        .envs(env.iter().copied())
        .stdin(Stdio::null());
    if let Some(value) = no_color {
        script.env("NO_COLOR", value);
    }
    let out = script
        .output()
        .expect("run `script` (util-linux) for a terminal");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn colour_only_on_a_terminal_and_never_with_no_color() {
    let args = "samples/campaigns/no-optout.eml";
    let coloured = |text: &str| text.contains("\u{1b}[");
    let shown = on_terminal(args, None);
    assert!(shown.contains("missing-unsubscribe-link"), "{shown}");
    assert!(coloured(&shown), "colour on a terminal:\n{shown}");
    // https://no-color.org: any non-empty value turns colour off; an empty one does not.
    let shown = on_terminal(args, Some("1"));
    assert!(shown.contains("missing-unsubscribe-link"), "{shown}");
    assert!(!coloured(&shown), "NO_COLOR=1 on a terminal:\n{shown}");
    assert!(coloured(&on_terminal(args, Some(""))));
    // Usage errors (clap, on stderr) honour it too.
    let shown = on_terminal("--no-such-option", Some("1"));
    assert!(shown.contains("--no-such-option"), "{shown}");
    assert!(!coloured(&shown), "a usage error with NO_COLOR=1:\n{shown}");
    // Machine formats are never coloured, even on a terminal.
    for format in ["concise", "json", "github"] {
        let shown = on_terminal(&format!("{args} --format {format}"), None);
        assert!(shown.contains("missing-unsubscribe-link"), "{shown}");
        assert!(!coloured(&shown), "--format {format}:\n{shown}");
    }
    // Not a terminal (a pipe), without NO_COLOR: no colour.
    let out = Command::new(env!("CARGO_BIN_EXE_campaign-lint"))
        .args(["check", args])
        .current_dir(common::root())
        .env_remove("NO_COLOR")
        .output()
        .expect("run campaign-lint");
    let piped = String::from_utf8_lossy(&out.stdout);
    assert!(piped.contains("missing-unsubscribe-link"), "{piped}");
    assert!(!coloured(&piped), "colour in a pipe:\n{piped}");
}

#[test]
fn sarif_output_is_well_formed() {
    let out = run(&[
        "check",
        "samples/campaigns",
        "samples/templates",
        "samples/campaigns/nope.eml",
        "--format",
        "sarif",
    ]);
    assert_eq!(out.code, 2);
    let log: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    for r in rules {
        assert!(
            r["shortDescription"]["text"]
                .as_str()
                .is_some_and(|t| !t.is_empty())
        );
        assert!(
            ["error", "warning", "note", "none"]
                .contains(&r["defaultConfiguration"]["level"].as_str().unwrap())
        );
    }
    let results = run["results"].as_array().unwrap();
    assert!(results.len() > 10);
    for r in results {
        let index = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(ids[index], r["ruleId"].as_str().unwrap());
        assert!(["error", "warning", "note"].contains(&r["level"].as_str().unwrap()));
        assert!(!r["message"]["text"].as_str().unwrap().is_empty());
        for l in r["locations"]
            .as_array()
            .unwrap()
            .iter()
            .chain(r["relatedLocations"].as_array().into_iter().flatten())
        {
            let p = &l["physicalLocation"];
            let uri = p["artifactLocation"]["uri"].as_str().unwrap();
            assert!(uri.starts_with("samples/") && !uri.contains(' '), "{uri}");
            assert!(p["region"]["startLine"].as_u64().unwrap() >= 1);
            assert!(p["region"]["startColumn"].as_u64().unwrap() >= 1);
        }
    }
    let notes = run["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .unwrap();
    assert_eq!(notes.len(), 1);
    assert_eq!(
        notes[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "samples/campaigns/nope.eml"
    );
    assert_eq!(run["invocations"][0]["executionSuccessful"], false);
}

#[test]
fn junit_and_gitlab_formats() {
    let args = [
        "check",
        "samples/templates",
        "samples/campaigns/small-print.eml",
        "samples/campaigns/nope.eml",
    ];
    let out = run(&[&args[..], &["--format", "junit"]].concat());
    assert_eq!(out.code, 2);
    let doc = roxmltree::Document::parse(&out.stdout).expect("well-formed XML");
    let suite = doc
        .descendants()
        .find(|n| n.has_tag_name("testsuite"))
        .unwrap();
    let cases: Vec<_> = suite
        .children()
        .filter(|n| n.has_tag_name("testcase"))
        .collect();
    assert_eq!(
        cases.len(),
        11,
        "one test case per file, and one for the unreadable input"
    );
    assert_eq!(suite.attribute("tests"), Some("11"));
    assert_eq!(suite.attribute("failures"), Some("6"));
    assert_eq!(suite.attribute("errors"), Some("1"));
    let small = cases
        .iter()
        .find(|c| c.attribute("name") == Some("samples/campaigns/small-print.eml"))
        .unwrap();
    let failure = small
        .children()
        .find(|n| n.has_tag_name("failure"))
        .unwrap();
    assert_eq!(
        failure.attribute("message"),
        Some("1 finding, 1 error-level")
    );
    assert!(
        failure
            .text()
            .unwrap()
            .contains("[hidden-unsubscribe-link]")
    );
    let clean = cases
        .iter()
        .find(|c| c.attribute("name") == Some("samples/templates/welcome.html"))
        .unwrap();
    assert_eq!(
        clean.children().filter(roxmltree::Node::is_element).count(),
        0
    );

    let out = run(&[&args[..], &["--format", "gitlab"]].concat());
    let issues: Vec<serde_json::Value> = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(issues.len(), 7);
    let mut prints: Vec<&str> = issues
        .iter()
        .map(|i| i["fingerprint"].as_str().unwrap())
        .collect();
    prints.sort_unstable();
    prints.dedup();
    assert_eq!(prints.len(), issues.len(), "fingerprints are unique");
    for i in &issues {
        assert!(
            ["info", "minor", "major", "critical", "blocker"]
                .contains(&i["severity"].as_str().unwrap())
        );
        assert!(i["location"]["lines"]["begin"].as_u64().unwrap() >= 1);
        assert!(!i["description"].as_str().unwrap().is_empty());
    }
    // The same finding keeps its fingerprint from run to run.
    let again: Vec<serde_json::Value> =
        serde_json::from_str(&run(&[&args[..], &["--format", "gitlab"]].concat()).stdout).unwrap();
    assert_eq!(issues, again);
}

#[test]
fn config_profile_for_template_repositories() {
    let dir = temp_dir("config-profile");
    std::fs::write(
        dir.join("campaign-lint.toml"),
        "[profile]\nlanguage = \"de\"\ncountry = \"DE\"\nfirst_name = \"Anna\"\n",
    )
    .unwrap();
    for file in [
        "samples/variants/spring-offer.de.html",
        "samples/variants/spring-offer.en.html",
    ] {
        let name = file.rsplit('/').next().unwrap();
        std::fs::copy(
            common::root().join(file),
            dir.join(name.replace(".de.", "-de.").replace(".en.", "-en.")),
        )
        .unwrap();
    }
    let out = run_in(&dir, &["check", "spring-offer-de.html", "--format", "json"]);
    assert_eq!(out.code, 0, "{}", out.stdout);
    let out = run_in(&dir, &["check", "spring-offer-en.html", "--format", "json"]);
    assert_eq!(out.code, 1);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(
        v["findings"][0]["message"],
        "campaign is written in English but the recipient reads German"
    );
    assert_eq!(v["summary"]["recipients"], 1);
    // --profile wins over the config's profile.
    let english = common::root().join("samples/profiles/english-reader.json");
    let out = run_in(
        &dir,
        &[
            "check",
            "spring-offer-en.html",
            "--profile",
            english.to_str().unwrap(),
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stdout);
}

#[test]
fn baseline_hides_recorded_findings_across_line_shifts() {
    let dir = temp_dir("baseline");
    let footer = "<p style=\"font-size:6px;color:#eeeeee\">Nordlicht GmbH, Musterstraße 12, 20095 Hamburg <a href=\"*|UNSUB|*\" style=\"color:#eeeeee\">unsubscribe</a></p>";
    let page = |top: &str| {
        format!(
            "<html lang=\"en\"><body>\n{top}<p>Our spring news from the stores, with everything you asked us about this year.</p>\n{footer}\n</body></html>\n"
        )
    };
    std::fs::write(dir.join("legacy.html"), page("")).unwrap();
    let out = run_in(&dir, &["check", "legacy.html"]);
    assert_eq!(out.code, 1, "{}", out.stdout);
    let out = run_in(
        &dir,
        &[
            "check",
            ".",
            "--baseline",
            "baseline.json",
            "--update-baseline",
        ],
    );
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("wrote 1 finding to"), "{}", out.stdout);
    let out = run_in(&dir, &["check", ".", "--baseline", "baseline.json"]);
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert!(
        out.stderr.contains("1 finding recorded in the baseline"),
        "{}",
        out.stderr
    );
    // Lines inserted above: the old finding is still known.
    std::fs::write(
        dir.join("legacy.html"),
        page("<p>New intro line.</p>\n<p>And another.</p>\n"),
    )
    .unwrap();
    let out = run_in(&dir, &["check", ".", "--baseline", "baseline.json"]);
    assert_eq!(out.code, 0, "{}", out.stdout);
    // A new problem elsewhere is reported.
    std::fs::write(dir.join("new.html"), "<p>Sale today, but where do I unsubscribe? Nordlicht GmbH, Musterstraße 12, 20095 Hamburg</p>").unwrap();
    let out = run_in(
        &dir,
        &[
            "check",
            ".",
            "--baseline",
            "baseline.json",
            "--format",
            "json",
        ],
    );
    assert_eq!(out.code, 1);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let rules: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["missing-unsubscribe-link"]);
    std::fs::write(dir.join("broken.json"), "{\"version\": 1, \"findings\": [}").unwrap();
    let out = run_in(&dir, &["check", ".", "--baseline", "broken.json"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("broken.json:1:"), "{}", out.stderr);
}

/// A baseline names files relative to its own directory, normalised: however the run
/// spells the campaign and the baseline (relative, `./` and `.`, `..`, absolute) and
/// from whichever directory, the recorded findings stay hidden.
#[test]
fn baseline_findings_stay_hidden_however_the_paths_are_spelled() {
    let dir = temp_dir("baseline-spelling");
    let bl = dir.join("w/bl");
    std::fs::create_dir_all(&bl).unwrap();
    std::fs::create_dir_all(dir.join("w/x")).unwrap();
    let v1 = common::root().join("tests/baseline-v1/templates");
    for name in ["legacy.html", "sale.html"] {
        std::fs::copy(v1.join(name), bl.join(name)).unwrap();
    }
    let out = run_in(
        &dir,
        &[
            "check",
            "w/bl",
            "--baseline",
            "w/baseline.json",
            "--update-baseline",
        ],
    );
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let recorded: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("w/baseline.json")).unwrap())
            .unwrap();
    assert_eq!(recorded["version"], 2);
    assert_eq!(
        recorded["findings"][0]["file"], "bl/legacy.html",
        "{recorded}"
    );

    let abs = dir.to_str().unwrap();
    let outside = temp_dir("baseline-elsewhere");
    let runs: [(&Path, Vec<String>); 8] = [
        (&dir, vec!["w/bl".into(), "w/baseline.json".into()]),
        (&dir, vec!["./w/./bl".into(), "./w/baseline.json".into()]),
        (
            &dir,
            vec!["w/x/../bl".into(), "w/x/../baseline.json".into()],
        ),
        (
            &dir,
            vec![format!("{abs}/w/bl"), format!("{abs}/w/baseline.json")],
        ),
        (
            &dir,
            vec!["w/bl/legacy.html".into(), "w/baseline.json".into()],
        ),
        (&dir.join("w"), vec!["bl".into(), "baseline.json".into()]),
        (&bl, vec![".".into(), "../baseline.json".into()]),
        (
            &outside,
            vec![format!("{abs}/w/./bl/"), format!("{abs}/w/baseline.json")],
        ),
    ];
    for (cwd, args) in &runs {
        let out = run_in(cwd, &["check", &args[0], "--baseline", &args[1]]);
        assert_eq!(
            out.code,
            0,
            "{args:?} from {}: {}{}",
            cwd.display(),
            out.stdout,
            out.stderr
        );
        assert!(
            out.stderr.contains("recorded in the baseline"),
            "{args:?}: {}",
            out.stderr
        );
    }
    // A new problem is still reported, under any spelling.
    std::fs::write(
        bl.join("new.html"),
        "<p>Nordlicht GmbH, Musterstraße 12, 20095 Hamburg: no way out</p>",
    )
    .unwrap();
    let out = run_in(
        &outside,
        &[
            "check",
            &format!("{abs}/w/bl"),
            "--baseline",
            &format!("{abs}/w/baseline.json"),
        ],
    );
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert!(out.stdout.contains("new.html"), "{}", out.stdout);
}

/// A version 1 baseline (written by earlier releases, with the files as the command
/// line spelled them) still hides its findings for runs that spell them that way.
#[test]
fn version_one_baselines_still_work() {
    let dir = common::root().join("tests/baseline-v1");
    for spelling in ["templates", "./templates"] {
        let out = run_in(&dir, &["check", spelling, "--baseline", "baseline.json"]);
        assert_eq!(out.code, 0, "{spelling}: {}{}", out.stdout, out.stderr);
        assert!(
            out.stderr.contains("2 findings recorded in the baseline"),
            "{}",
            out.stderr
        );
    }
    let out = run_in(
        &dir,
        &[
            "check",
            "templates",
            "--baseline",
            "templates/../baseline.json",
        ],
    );
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let dir = temp_dir("baseline-version");
    std::fs::write(dir.join("b.json"), "{\"version\": 7, \"findings\": []}").unwrap();
    std::fs::write(dir.join("a.html"), "<p>hello</p>").unwrap();
    let out = run_in(&dir, &["check", "a.html", "--baseline", "b.json"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("b.json: baseline version 7"),
        "{}",
        out.stderr
    );
}

/// Audience progress: a line on stderr when it is a terminal (percent of the file, rows,
/// rows/s), cleared at the end; nothing when it is not.
#[test]
fn audience_progress_only_on_a_terminal() {
    let dir = common::temp_dir("progress");
    let mut csv = String::from("email,language\n");
    for i in 0..400_000 {
        csv.push_str("user");
        csv.push_str(&i.to_string());
        csv.push_str("@example.com,de\n");
    }
    let export = dir.join("export.csv");
    std::fs::write(&export, csv).unwrap();
    let args = format!(
        "samples/campaigns/winter-sale.de.eml --audience '{}' --format json",
        export.display()
    );
    // Drawn at every piece, however fast this machine checks.
    let shown = on_terminal_with(&args, Some("1"), &[("CAMPAIGN_LINT_PROGRESS_MS", "0")]);
    // `\r 42%  123,456 rows  987,654 rows/s`: the summary line says "rows in" instead.
    assert!(
        shown.contains('\r') && shown.contains(" rows  ") && shown.contains("%  "),
        "progress on a terminal:\n{}",
        shown.chars().take(2000).collect::<String>()
    );
    assert!(shown.contains("\u{1b}[2K"), "the progress line is cleared");
    let piped = common::run(&[
        "check",
        "samples/campaigns/winter-sale.de.eml",
        "--audience",
        export.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert!(!piped.stderr.contains(" rows  "), "{}", piped.stderr);
    assert!(
        piped.stderr.contains("checked 400,000 rows"),
        "{}",
        piped.stderr
    );
}
