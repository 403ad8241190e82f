//! A run that checked nothing never passes: exports with unknown columns, a single profile
//! or a catalog given as an audience, too many skipped rows, an empty directory, `hook
//! run` outside git; and the messages that point the user to the right command.

mod common;

use common::{run, run_in, temp_dir};

const CAMPAIGN: &str = "samples/campaigns/free-phone.eml";

#[test]
fn an_export_with_unknown_columns_is_exit_2_with_the_mapping_that_reads_it() {
    let dir = temp_dir("german-excel");
    let export = dir.join("kunden.csv");
    std::fs::write(
        &export,
        "E-Mail-Adresse;Vorname;Sprache;Land;Status\n\
         anna@example.de;Anna;Deutsch;DE;aktiv\n\
         bob@example.de;Bob;Englisch;DE;aktiv\n",
    )
    .unwrap();
    let r = run(&["check", CAMPAIGN, "--audience", export.to_str().unwrap()]);
    assert_eq!(r.code, 2, "{}\n{}", r.stdout, r.stderr);
    let all = format!("{}{}", r.stdout, r.stderr);
    for expected in [
        "no row could be checked: 2 rows read, all skipped (no email address)",
        r#"columns found (CSV, delimiter ';'): "E-Mail-Adresse", "Vorname", "Sprache", "Land", "Status""#,
        "no known export layout matched them (tried campaign-lint, mailchimp",
        "[fields]",
        r#"email = "E-Mail-Adresse""#,
        r#"language = "Sprache""#,
    ] {
        assert!(all.contains(expected), "missing {expected:?} in\n{all}");
    }
    assert!(!all.contains("No problems found"), "{all}");

    // With the mapping it suggests, the export is read.
    std::fs::write(
        dir.join("campaign-lint.toml"),
        "[fields]\nemail = \"E-Mail-Adresse\"\nlanguage = \"Sprache\"\n",
    )
    .unwrap();
    let campaign = common::root().join(CAMPAIGN);
    let r = run_in(
        &dir,
        &[
            "check",
            campaign.to_str().unwrap(),
            "--audience",
            "kunden.csv",
            "--format",
            "json",
        ],
    );
    assert_ne!(r.code, 2, "{}", r.stderr);
    let json: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(json["summary"]["recipients"], 2);
}

#[test]
fn a_profile_or_a_catalog_given_as_the_audience_says_what_it_is() {
    let r = run(&[
        "check",
        CAMPAIGN,
        "--audience",
        "samples/profiles/customer.json",
    ]);
    assert_eq!(r.code, 2);
    assert!(
        r.stdout
            .contains("a single profile: check it with --profile FILE"),
        "{}",
        r.stdout
    );
    let r = run(&["check", CAMPAIGN, "--audience", "samples/catalog.toml"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stdout.contains("a catalog goes to --catalog"),
        "{}",
        r.stdout
    );
}

#[test]
fn too_many_skipped_rows_fail_unless_expected() {
    let dir = temp_dir("skipped");
    let export = dir.join("export.csv");
    let good = (0..17).map(|i| format!("reader{i}@example.com,en\n"));
    let bad = (0..3).map(|i| format!("broken{i}(at)example.com,en\n"));
    let text: String = std::iter::once("email,language\n".to_owned())
        .chain(good)
        .chain(bad)
        .collect();
    std::fs::write(&export, text).unwrap();
    let path = export.to_str().unwrap();
    let r = run(&["check", CAMPAIGN, "--audience", path, "--format", "json"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("3 of 20 rows (15.0%) were skipped (invalid email address)")
            && r.stderr.contains("--allow-skipped"),
        "{}",
        r.stderr
    );
    // Expected: the flag, or a higher limit in the config.
    let r = run(&[
        "check",
        CAMPAIGN,
        "--audience",
        path,
        "--allow-skipped",
        "--format",
        "json",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    std::fs::write(dir.join("c.toml"), "[limits]\nmax-skipped-percent = 20\n").unwrap();
    let r = run(&[
        "check",
        CAMPAIGN,
        "--audience",
        path,
        "--config",
        dir.join("c.toml").to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn a_directory_without_campaigns_is_not_a_pass() {
    let dir = temp_dir("empty-dir");
    std::fs::write(dir.join("notes.md"), "# not a campaign\n").unwrap();
    let r = run_in(&dir, &["check", "."]);
    let all = format!("{}{}", r.stdout, r.stderr);
    assert_eq!(r.code, 2, "{all}");
    assert!(
        all.contains("no campaign files found under this directory (looked for .eml, .html"),
        "{all}"
    );
}

#[test]
fn hook_run_outside_git_says_so() {
    let dir = temp_dir("no-git");
    let r = common::run_in_env(
        &dir,
        &["hook", "run"],
        &[(
            "GIT_CEILING_DIRECTORIES",
            dir.parent().unwrap().to_str().unwrap(),
        )],
    );
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("not inside a git repository"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("usage: git diff"), "{}", r.stderr);
}

#[test]
fn fail_on_rates_hold_for_one_profile_and_read_both_spellings() {
    let base = [
        "check",
        CAMPAIGN,
        "--profile",
        "samples/profiles/tv-and-phones.json",
        "--catalog",
        "samples/catalog.toml",
    ];
    // One profile is all of its recipients: the rule hits 100%.
    for rate in ["50%", "0.5"] {
        let arg = format!("owned-product-offer={rate}");
        let mut args = base.to_vec();
        args.extend_from_slice(&["--fail-on", &arg]);
        let r = run(&args);
        assert_eq!(r.code, 1, "{rate}: {}", r.stdout);
        assert!(
            r.stdout
                .contains("--fail-on owned-product-offer=50%: it hit 100% of the recipients"),
            "{}",
            r.stdout
        );
    }
    let mut args = base.to_vec();
    args.extend_from_slice(&["--fail-on", "owned-product-offer=50"]);
    let r = run(&args);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("write 50% or 0.5"), "{}", r.stderr);
}

#[test]
fn unknown_owned_products_are_counted_over_an_audience() {
    let dir = temp_dir("unknown-owned");
    let export = dir.join("export.csv");
    std::fs::write(
        &export,
        "email,language,owned_products\n\
         a@example.com,en,KD-55XH9500\n\
         b@example.com,en,KD-55X85J\n\
         c@example.com,en,KD-55XH9500;XQ-DQ54\n",
    )
    .unwrap();
    let r = run(&[
        "check",
        CAMPAIGN,
        "--audience",
        export.to_str().unwrap(),
        "--catalog",
        "samples/catalog.toml",
        "--format",
        "json",
    ]);
    let json: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let unknown: Vec<&serde_json::Value> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "unknown-owned-product")
        .collect();
    assert_eq!(unknown.len(), 1, "{}", r.stdout);
    assert_eq!(unknown[0]["recipients"], 2);
    assert!(unknown[0]["help"].as_str().unwrap().contains("KD-55XH9500"));
}

#[test]
fn the_wrong_command_or_option_names_the_right_one() {
    let r = run(&[
        "check",
        CAMPAIGN,
        "--profile",
        "samples/audiences/newsletter-export.csv",
    ]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("this looks like a CSV export, an audience: check it with --audience FILE"),
        "{}",
        r.stderr
    );
    let dir = temp_dir("profile-kinds");
    std::fs::write(dir.join("a.json"), r#"[{"email": "a@example.com"}]"#).unwrap();
    std::fs::write(
        dir.join("l.jsonl"),
        "{\"email\": \"a@example.com\"}\n{\"email\": \"b@example.com\"}\n",
    )
    .unwrap();
    let campaign = common::root().join(CAMPAIGN);
    let r = run_in(
        &dir,
        &["check", campaign.to_str().unwrap(), "--profile", "a.json"],
    );
    assert!(
        r.stderr.contains("this is a JSON array of profiles"),
        "{}",
        r.stderr
    );
    let r = run_in(
        &dir,
        &["check", campaign.to_str().unwrap(), "--profile", "l.jsonl"],
    );
    assert!(r.stderr.contains("this is JSON Lines"), "{}", r.stderr);

    let r = run(&[CAMPAIGN]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains(&format!("to check it: campaign-lint check {CAMPAIGN}")),
        "{}",
        r.stderr
    );

    let r = run(&["explain", "unsubscribe"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains(
            "rules whose names contain it: hidden-unsubscribe-link, missing-list-unsubscribe"
        ),
        "{}",
        r.stderr
    );
}

#[test]
fn pending_recipients_are_flagged_with_their_own_wording() {
    let dir = temp_dir("pending");
    std::fs::write(
        dir.join("p.json"),
        r#"{"email": "new@example.com", "language": "en", "status": "pending"}"#,
    )
    .unwrap();
    let r = run(&[
        "check",
        CAMPAIGN,
        "--profile",
        dir.join("p.json").to_str().unwrap(),
    ]);
    assert_eq!(r.code, 1);
    assert!(
        r.stdout
            .contains("has not confirmed the subscription (double opt-in pending)"),
        "{}",
        r.stdout
    );
}

#[test]
fn a_missing_file_leads_with_the_error() {
    let r = run(&["check", "samples/campaigns/no-such-campaign.eml"]);
    assert_eq!(r.code, 2);
    let all = format!("{}{}", r.stdout, r.stderr);
    assert!(all.contains("no-such-campaign.eml: no such file"), "{all}");
    assert!(
        all.contains("Nothing was checked: 1 input could not be checked."),
        "{all}"
    );
    assert!(!all.contains("No problems found"), "{all}");
}
