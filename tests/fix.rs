//! `check --fix`, `--unsafe-fixes` and `--diff` on real files: each fix is re-checked
//! (its finding gone, no new one), changes only the header block's bytes it must, and
//! keeps the file's line endings.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use common::{run_in, temp_dir};

/// A marketing mail with a bare https List-Unsubscribe URI, no List-Unsubscribe-Post, and
/// runs of exclamation marks in the subject; its body is quoted-printable.
fn campaign(eol: &str, extra_header: &str) -> String {
    [
        "From: Example Shop <news@example.com>",
        "To: anna@example.com",
        "Subject: Spring sale!!! Only today!!",
        "List-Unsubscribe: https://example.com/unsub/1, <mailto:unsub@example.com>",
        extra_header,
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=utf-8",
        "Content-Transfer-Encoding: quoted-printable",
        "",
        "Our spring sale starts today: every garden chair is 20% off until Sunday. Gr=",
        "=C3=BC=C3=9Fe! Unsubscribe: https://example.com/unsub/1",
        "Example GmbH, Hauptstra=C3=9Fe 1, 10115 Berlin, Germany",
        "",
    ]
    .into_iter()
    .filter(|l| !l.starts_with("X-Empty"))
    .collect::<Vec<_>>()
    .join(eol)
}

/// The rules with a finding in `file`, by a fresh check.
fn rules_of(dir: &Path, file: &str) -> BTreeSet<String> {
    let out = run_in(dir, &["check", file, "--format", "json"]);
    assert!(out.code < 2, "{}", out.stderr);
    let json: serde_json::Value = serde_json::from_str(&out.stdout).expect("JSON output");
    json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["rule"].as_str().expect("rule").to_owned())
        .collect()
}

/// The body: everything after the first empty line.
fn body(text: &str) -> &str {
    let at = text
        .find("\r\n\r\n")
        .map_or_else(|| text.find("\n\n").unwrap() + 2, |i| i + 4);
    &text[at..]
}

#[test]
fn safe_fixes_bracket_the_uri_and_add_one_click_keeping_crlf_and_the_body() {
    let dir = temp_dir("fix-safe");
    let before = campaign("\r\n", "X-Empty");
    std::fs::write(dir.join("sale.eml"), &before).unwrap();
    let found = rules_of(&dir, "sale.eml");
    for rule in [
        "missing-list-unsubscribe",
        "missing-one-click-unsubscribe",
        "repeated-exclamation",
    ] {
        assert!(found.contains(rule), "{found:?}");
    }

    let out = run_in(&dir, &["check", "sale.eml", "--fix"]);
    assert!(out.code < 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("fixed sale.eml: put the List-Unsubscribe URIs in angle brackets; add List-Unsubscribe-Post"),
        "{}",
        out.stderr
    );
    let after = std::fs::read_to_string(dir.join("sale.eml")).unwrap();
    assert!(after.contains(
        "List-Unsubscribe: <https://example.com/unsub/1>, <mailto:unsub@example.com>\r\n\
         List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\nMIME-Version: 1.0\r\n"
    ));
    // Only safe fixes: the subject is as it was.
    assert!(after.contains("Subject: Spring sale!!! Only today!!\r\n"));
    assert_eq!(
        body(&after),
        body(&before),
        "the body's bytes are untouched"
    );
    assert_eq!(after.matches('\n').count(), after.matches("\r\n").count());

    // Re-checked: the two findings are gone and nothing new appears.
    let mut expected = found.clone();
    expected.remove("missing-list-unsubscribe");
    expected.remove("missing-one-click-unsubscribe");
    assert_eq!(rules_of(&dir, "sale.eml"), expected);

    // Fixed once, nothing left to fix: --diff is clean.
    let out = run_in(&dir, &["check", "sale.eml", "--diff"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert_eq!(out.stdout, "");
}

#[test]
fn unsafe_fix_collapses_exclamation_marks_only_when_asked() {
    let dir = temp_dir("fix-unsafe");
    let before = campaign("\n", "X-Empty");
    std::fs::write(dir.join("sale.eml"), &before).unwrap();
    let found = rules_of(&dir, "sale.eml");

    let out = run_in(&dir, &["check", "sale.eml", "--fix", "--unsafe-fixes"]);
    assert!(out.code < 2, "{}", out.stderr);
    let after = std::fs::read_to_string(dir.join("sale.eml")).unwrap();
    assert!(
        after.contains("Subject: Spring sale! Only today!\n"),
        "{after}"
    );
    // LF file: the new header line ends in LF.
    assert!(after.contains("\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\nMIME-Version"));
    assert!(!after.contains('\r'));
    assert_eq!(body(&after), body(&before));

    let mut expected = found;
    for fixed in [
        "missing-list-unsubscribe",
        "missing-one-click-unsubscribe",
        "repeated-exclamation",
    ] {
        assert!(expected.remove(fixed), "{fixed} was reported before");
    }
    assert_eq!(rules_of(&dir, "sale.eml"), expected);
}

#[test]
fn diff_prints_the_changes_exits_1_and_writes_nothing() {
    let dir = temp_dir("fix-diff");
    let before = campaign("\n", "X-Empty");
    std::fs::write(dir.join("sale.eml"), &before).unwrap();
    let out = run_in(&dir, &["check", "sale.eml", "--diff", "--unsafe-fixes"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stdout
            .starts_with("--- a/sale.eml\n+++ b/sale.eml\n@@ "),
        "{}",
        out.stdout
    );
    for line in [
        "-Subject: Spring sale!!! Only today!!\n",
        "+Subject: Spring sale! Only today!\n",
        "+List-Unsubscribe: <https://example.com/unsub/1>, <mailto:unsub@example.com>\n",
        "+List-Unsubscribe-Post: List-Unsubscribe=One-Click\n",
    ] {
        assert!(out.stdout.contains(line), "{line:?} in\n{}", out.stdout);
    }
    assert_eq!(
        std::fs::read_to_string(dir.join("sale.eml")).unwrap(),
        before
    );

    // Without --unsafe-fixes the subject is not in the diff.
    let out = run_in(&dir, &["check", "sale.eml", "--diff"]);
    assert_eq!(out.code, 1);
    assert!(!out.stdout.contains("-Subject"), "{}", out.stdout);
    assert!(
        out.stdout
            .contains(" Subject: Spring sale!!! Only today!!\n")
    );
}

#[test]
fn a_suppressed_finding_is_not_fixed() {
    let dir = temp_dir("fix-suppressed");
    let before = campaign(
        "\n",
        "X-Campaign-Lint-Disable: missing-one-click-unsubscribe, missing-list-unsubscribe",
    );
    std::fs::write(dir.join("sale.eml"), &before).unwrap();
    let out = run_in(&dir, &["check", "sale.eml", "--fix"]);
    assert!(out.code < 2, "{}", out.stderr);
    assert_eq!(
        std::fs::read_to_string(dir.join("sale.eml")).unwrap(),
        before
    );
    assert!(!out.stderr.contains("fixed"), "{}", out.stderr);
}

#[test]
fn fix_conflicts_with_diff() {
    let out = common::run(&[
        "check",
        "samples/campaigns/black-friday.eml",
        "--fix",
        "--diff",
    ]);
    assert_eq!(out.code, 2);
}

/// A template whose footer is complete, with the given links in its text.
fn template(links: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head><title>Spring sale</title></head>\n<body>\n\
         <p>Our spring sale starts today: every garden chair is 20% off until Sunday. Gr\u{fc}\u{df}e!</p>\n\
         <p>{links}</p>\n\
         <p><a href=\"https://example.com/unsubscribe\">Unsubscribe</a></p>\n\
         <p>Example GmbH, Hauptstra\u{df}e 1, 10115 Berlin, Germany</p>\n</body>\n</html>\n"
    )
}

#[test]
fn http_links_become_https_only_for_hosts_the_config_lists() {
    let dir = temp_dir("fix-https");
    let listed = template("<a href=\"http://shop.example.com/sale?id=1\">See the sale</a>");
    let unlisted = template("<a href=\"http://other.example.org/sale\">See the sale</a>");
    std::fs::write(dir.join("listed.html"), &listed).unwrap();
    std::fs::write(dir.join("unlisted.html"), &unlisted).unwrap();

    // Without the config saying so, http links are left alone.
    let out = run_in(&dir, &["check", ".", "--fix"]);
    assert!(out.code < 2, "{}", out.stderr);
    assert_eq!(
        std::fs::read_to_string(dir.join("listed.html")).unwrap(),
        listed
    );
    assert!(rules_of(&dir, "listed.html").contains("insecure-link"));

    std::fs::write(
        dir.join("campaign-lint.toml"),
        "[fix]\nhttps-hosts = [\"shop.example.com\"]\n",
    )
    .unwrap();
    let before = rules_of(&dir, "listed.html");
    let out = run_in(&dir, &["check", ".", "--fix"]);
    assert!(out.code < 2, "{}", out.stderr);
    let after = std::fs::read_to_string(dir.join("listed.html")).unwrap();
    assert_eq!(
        after,
        listed.replace("http://shop.example.com", "https://shop.example.com")
    );
    let mut expected = before;
    assert!(expected.remove("insecure-link"));
    assert_eq!(rules_of(&dir, "listed.html"), expected);
    // Another host: unchanged, still reported.
    assert_eq!(
        std::fs::read_to_string(dir.join("unlisted.html")).unwrap(),
        unlisted
    );
    assert!(rules_of(&dir, "unlisted.html").contains("insecure-link"));
}

#[test]
fn the_effective_config_shows_the_https_hosts() {
    let dir = temp_dir("fix-config");
    std::fs::write(
        dir.join("campaign-lint.toml"),
        "[fix]\nhttps-hosts = [\"shop.example.com\"]\n",
    )
    .unwrap();
    let out = run_in(&dir, &["config"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout
            .contains("[fix]\nhttps-hosts = [\"shop.example.com\"]"),
        "{}",
        out.stdout
    );
}
