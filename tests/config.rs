//! campaign-lint.toml: discovered upwards from the checked file, its rule overrides, and
//! the typical recipient of a template repository.

mod common;

use common::{run_in, temp_dir};

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
    let v: serde_json::Value = common::json(&out);
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
