//! Rule packs: rules a user writes with the shipped kinds.

mod common;

use common::{root, run_in, temp_dir};

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
