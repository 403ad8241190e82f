//! Rule packs: rules a user writes with the shipped kinds, overrides, broken pack files,
//! and how `rules` and `explain` show them.

mod common;

use common::{CLEAN, root, run, run_in, temp_dir};

/// The rule names of a JSON report's findings.
fn rules_found(stdout: &str) -> Vec<String> {
    let report: serde_json::Value = serde_json::from_str(stdout).expect("JSON output");
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap().to_owned())
        .collect()
}

/// The kinds found by a pass over the whole run (language variants, unused suppressions)
/// report for every enabled rule of the kind, as every other kind does: a pack rule of
/// such a kind fires beside the shipped one, and alone when the shipped one is ignored.
#[test]
fn a_pack_rule_of_a_pass_kind_fires() {
    let dir = temp_dir("pass-kinds");
    let pack = dir.join("brand");
    std::fs::create_dir_all(&pack).unwrap();
    std::fs::write(
        pack.join("variant-coverage.toml"),
        "kind = \"variants\"\nseverity = \"warning\"\nsummary = \"No version for the reader\"\n\
         message = \"no {language} version of {campaign}\"\n",
    )
    .unwrap();
    std::fs::write(
        pack.join("stale-suppression.toml"),
        "kind = \"unused-suppression\"\nseverity = \"info\"\nsummary = \"Stale suppression\"\n\
         message = \"stale suppression of {rules}\"\n",
    )
    .unwrap();
    let variants = dir.join("variants");
    std::fs::create_dir_all(&variants).unwrap();
    for name in ["spring-offer.de.html", "spring-offer.en.html"] {
        std::fs::copy(
            root().join("samples/variants").join(name),
            variants.join(name),
        )
        .unwrap();
    }
    std::fs::write(
        variants.join("note.html"),
        "<p>Hallo</p>\n<!-- campaign-lint-disable no-such-rule -->\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("french.json"),
        r#"{"email": "a@example.com", "language": "fr"}"#,
    )
    .unwrap();
    let check = |extra: &[&str]| {
        let mut args = vec![
            "check",
            "variants",
            "--profile",
            "french.json",
            "--rules",
            "brand",
            "--format",
            "json",
        ];
        args.extend(extra);
        let out = run_in(&dir, &args);
        assert!(out.code <= 1, "{}", out.stderr);
        (rules_found(&out.stdout), out.stdout)
    };
    let (found, stdout) = check(&[]);
    for rule in [
        "no-variant-for-language",
        "variant-coverage",
        "unused-suppression",
        "stale-suppression",
    ] {
        assert!(found.iter().any(|r| r == rule), "{rule} fires: {stdout}");
    }
    assert!(
        stdout.contains("no French version of spring-offer")
            && stdout.contains("stale suppression of no-such-rule"),
        "{stdout}"
    );
    let (found, stdout) = check(&["--ignore", "no-variant-for-language,unused-suppression"]);
    assert!(
        found.iter().any(|r| r == "variant-coverage")
            && found.iter().any(|r| r == "stale-suppression")
            && !found.iter().any(|r| r == "no-variant-for-language")
            && !found.iter().any(|r| r == "unused-suppression"),
        "{stdout}"
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
        let v: serde_json::Value = common::json(out);
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

/// `explain` on a pack rule shows the parameters it sets and those it leaves to its
/// kind's defaults, each with the meaning written in the shipped rule files of the kind.
#[test]
fn explain_shows_a_pack_rules_parameters_and_the_kinds_defaults() {
    let out = run(&[
        "explain",
        "no-guarantee-claims",
        "--rules",
        "samples/packs/nordlicht",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    for expected in [
        "    scope = \"text\"\n        Where to look:",
        "    words = [\n        \"guaranteed\",",
        "    mode = \"forbid\"  (the kind's default)\n        \"forbid\": every match is a finding",
        "    whole-words = true  (the kind's default)\n",
    ] {
        assert!(out.stdout.contains(expected), "{expected}\n{}", out.stdout);
    }
    assert!(!out.stdout.contains("    pattern ="), "{}", out.stdout);
}
