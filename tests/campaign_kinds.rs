//! Transactional mail: `[campaigns] transactional` globs, rules' `applies-to`, the help on
//! an undeclared receipt, and `[per-file-ignores]`, through the real binary.

mod common;

use common::{run_in, temp_dir};

/// A receipt as ESP template galleries ship it: no opt-out, no postal address.
const RECEIPT: &str = r#"<!DOCTYPE html>
<html lang="en"><head><title>Your receipt</title></head>
<body>
<table width="100%"><tr><td>
<h1>Your receipt from Acme</h1>
<p>Thanks for your purchase, {{ name }}. This is a receipt for order #4711.</p>
<table><tr><td>Acme Pro subscription</td><td>$19.00</td></tr>
<tr><td><strong>Total</strong></td><td><strong>$19.00</strong></td></tr></table>
<p>If you have any questions about this receipt, simply reply to this email or reach out
to our <a href="https://acme.example/support">support team</a> for help.</p>
<p>Cheers, the Acme team</p>
</td></tr></table>
</body></html>
"#;

/// A marketing newsletter with the same gaps.
const NEWSLETTER: &str = r#"<!DOCTYPE html>
<html lang="en"><head><title>Spring news</title></head>
<body>
<h1>Spring is here at Acme</h1>
<p>Our new garden range has arrived: planters, tools and seeds for every balcony.
Come and see the whole collection in our shop this weekend, with coffee on us.</p>
<p><a href="https://acme.example/spring">See the spring collection</a></p>
</body></html>
"#;

fn setup(name: &str, config: &str) -> std::path::PathBuf {
    let dir = temp_dir(name);
    std::fs::create_dir_all(dir.join("mail/receipts")).unwrap();
    std::fs::write(dir.join("mail/receipts/order.html"), RECEIPT).unwrap();
    std::fs::write(dir.join("mail/spring.html"), NEWSLETTER).unwrap();
    std::fs::write(dir.join("campaign-lint.toml"), config).unwrap();
    dir
}

fn rules_of(stdout: &str, file: &str) -> Vec<String> {
    let json: serde_json::Value = serde_json::from_str(stdout).expect("JSON output");
    let mut rules: Vec<String> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["file"].as_str().is_some_and(|p| p.ends_with(file)))
        .map(|f| f["rule"].as_str().unwrap().to_owned())
        .collect();
    rules.sort();
    rules.dedup();
    rules
}

#[test]
fn declared_transactional_mail_gets_no_opt_out_or_footer_findings() {
    let dir = setup(
        "declared",
        "[campaigns]\ntransactional = [\"mail/receipts/**\"]\n",
    );
    let run = run_in(&dir, &["check", "mail", "--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let receipt = rules_of(&run.stdout, "order.html");
    for rule in ["missing-unsubscribe-link", "missing-postal-address"] {
        assert!(!receipt.contains(&rule.to_owned()), "{receipt:?}");
    }
    // The newsletter beside it is still marketing.
    let newsletter = rules_of(&run.stdout, "spring.html");
    assert!(
        newsletter.contains(&"missing-unsubscribe-link".to_owned()),
        "{newsletter:?}"
    );
    assert!(
        newsletter.contains(&"missing-postal-address".to_owned()),
        "{newsletter:?}"
    );

    // A directory pattern (trailing slash) and a name pattern declare the same.
    for config in [
        "[campaigns]\ntransactional = [\"mail/receipts/\"]\n",
        "[campaigns]\ntransactional = [\"order.html\"]\n",
    ] {
        std::fs::write(dir.join("campaign-lint.toml"), config).unwrap();
        let run = run_in(
            &dir,
            &["check", "mail/receipts/order.html", "--format", "json"],
        );
        assert_eq!(run.code, 0, "{config}: {}", run.stdout);
    }
    // Globs are relative to the config file, wherever the check runs from.
    let run = run_in(
        &dir.join("mail"),
        &["check", "receipts/order.html", "--format", "json"],
    );
    assert_eq!(run.code, 0, "{}", run.stdout);
}

#[test]
fn an_undeclared_receipt_keeps_its_finding_and_says_how_to_declare_it() {
    let dir = setup("undeclared", "");
    let run = run_in(&dir, &["check", "mail/receipts/order.html"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        run.stdout.contains("missing-unsubscribe-link"),
        "{}",
        run.stdout
    );
    let flat = run.stdout.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat.contains(r#"it reads like transactional mail ("Your receipt" in the first lines)"#)
            && flat.contains(r#"[campaigns] transactional = ["mail/receipts/**"]"#),
        "{}",
        run.stdout
    );
    // The newsletter does not read like a receipt: no such help.
    let run = run_in(&dir, &["check", "mail/spring.html"]);
    assert!(!run.stdout.contains("transactional"), "{}", run.stdout);
}

#[test]
fn a_rule_can_be_made_to_check_transactional_mail_too() {
    let dir = setup(
        "applies",
        "[campaigns]\ntransactional = [\"mail/receipts/**\"]\n\
         [rules.missing-postal-address]\napplies-to = [\"marketing\", \"transactional\"]\n",
    );
    let run = run_in(
        &dir,
        &["check", "mail/receipts/order.html", "--format", "json"],
    );
    assert_eq!(
        rules_of(&run.stdout, "order.html"),
        ["missing-postal-address"],
        "{}",
        run.stdout
    );
    let run = run_in(&dir, &["explain", "missing-unsubscribe-link"]);
    assert!(
        run.stdout.contains("Checks marketing mail only"),
        "{}",
        run.stdout
    );
    let run = run_in(&dir, &["config"]);
    assert!(
        run.stdout
            .contains("[campaigns]\ntransactional = [\"mail/receipts/**\"]"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_subscription_status_says_nothing_about_a_receipt() {
    let dir = setup(
        "status",
        "[campaigns]\ntransactional = [\"mail/receipts/**\"]\n",
    );
    std::fs::write(
        dir.join("anna.json"),
        r#"{"email": "anna@example.com", "language": "en", "status": "unsubscribed", "name": "Anna"}"#,
    )
    .unwrap();
    let receipt = run_in(
        &dir,
        &[
            "check",
            "mail/receipts/order.html",
            "--profile",
            "anna.json",
            "--format",
            "json",
        ],
    );
    assert!(
        !receipt.stdout.contains("suppressed-recipient"),
        "{}",
        receipt.stdout
    );
    let newsletter = run_in(
        &dir,
        &[
            "check",
            "mail/spring.html",
            "--profile",
            "anna.json",
            "--format",
            "json",
        ],
    );
    assert!(
        newsletter.stdout.contains("suppressed-recipient"),
        "{}",
        newsletter.stdout
    );
}

#[test]
fn per_file_ignores_excuse_files_that_cannot_carry_a_comment() {
    let dir = setup(
        "ignores",
        "[per-file-ignores]\n\"mail/*.html\" = [\"missing-postal-address\"]\n\"*.txt\" = [\"missing-unsubscribe-link\"]\n",
    );
    std::fs::write(
        dir.join("mail/notice.txt"),
        "Our offices are closed on Monday.\n",
    )
    .unwrap();
    let run = run_in(&dir, &["check", "mail", "--format", "json"]);
    let newsletter = rules_of(&run.stdout, "spring.html");
    assert!(
        !newsletter.contains(&"missing-postal-address".to_owned()),
        "{newsletter:?}"
    );
    assert!(
        newsletter.contains(&"missing-unsubscribe-link".to_owned()),
        "{newsletter:?}"
    );
    // `*` does not cross a `/`: the receipt one folder down is not excused.
    let receipt = rules_of(&run.stdout, "order.html");
    assert!(
        receipt.contains(&"missing-postal-address".to_owned()),
        "{receipt:?}"
    );
    // A pattern without `/` matches the file name at any depth.
    let notice = rules_of(&run.stdout, "notice.txt");
    assert!(
        !notice.contains(&"missing-unsubscribe-link".to_owned()),
        "{notice:?}"
    );
}

#[test]
fn misspelt_rules_and_bad_globs_are_located_errors() {
    let dir = setup(
        "bad",
        "[per-file-ignores]\n\"mail/**\" = [\"missing-postal-adress\"]\n",
    );
    let run = run_in(&dir, &["check", "mail"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("campaign-lint.toml:2:")
            && run
                .stderr
                .contains("did you mean \"missing-postal-address\""),
        "{}",
        run.stderr
    );
    std::fs::write(
        dir.join("campaign-lint.toml"),
        "[campaigns]\ntransactional = [\"mail/[a\"]\n",
    )
    .unwrap();
    let run = run_in(&dir, &["check", "mail"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("campaign-lint.toml:2:") && run.stderr.contains("bad glob"),
        "{}",
        run.stderr
    );
    std::fs::write(
        dir.join("campaign-lint.toml"),
        "[campaigns]\ntransactionel = []\n",
    )
    .unwrap();
    let run = run_in(&dir, &["check", "mail"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("transactionel"), "{}", run.stderr);
}
