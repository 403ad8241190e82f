//! Running the real binary from the repository root, with stable output.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `campaign-lint ARGS` in `dir` with no colour and a fixed width.
pub fn run_in(dir: &Path, args: &[&str]) -> Run {
    run_in_env(dir, args, &[])
}

/// [`run_in`] with more environment variables.
pub fn run_in_env(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_campaign-lint"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("COLUMNS", "100")
        .envs(env.iter().copied())
        .output()
        .expect("run campaign-lint");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(
        !stderr.contains("panicked"),
        "campaign-lint panicked on {args:?}:\n{stderr}"
    );
    Run {
        code: output
            .status
            .code()
            .expect("campaign-lint exited normally (no signal)"),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr,
    }
}

/// Runs `campaign-lint ARGS` from the repository root.
pub fn run(args: &[&str]) -> Run {
    run_in(&root(), args)
}

/// The run's stdout as JSON (`--format json`, `sarif`, `gitlab`, ...).
pub fn json<T: serde::de::DeserializeOwned>(out: &Run) -> T {
    serde_json::from_str(&out.stdout)
        .unwrap_or_else(|e| panic!("stdout is JSON ({e}):\n{}{}", out.stdout, out.stderr))
}

/// A campaign with no findings.
pub const CLEAN: &str = "samples/campaigns/clean-newsletter.eml";

/// A fresh temporary directory for one test.
pub fn temp_dir(name: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("campaign-lint-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create temp dir");
    dir
}

/// (snapshot name, arguments after `check`, expected exit code)
pub const CASES: &[(&str, &[&str], i32)] = &[
    (
        "german-promo-english-reader",
        &[
            "samples/campaigns/winter-sale.de.eml",
            "--profile",
            "samples/profiles/english-reader.json",
            "--catalog",
            "samples/catalog.toml",
        ],
        1,
    ),
    (
        "german-promo-german-reader",
        &[
            "samples/campaigns/winter-sale.de.eml",
            "--profile",
            "samples/profiles/german-reader.json",
            "--catalog",
            "samples/catalog.toml",
        ],
        0,
    ),
    (
        "free-phone-owner",
        &[
            "samples/campaigns/free-phone.eml",
            "--profile",
            "samples/profiles/tv-and-phones.json",
            "--catalog",
            "samples/catalog.toml",
        ],
        1,
    ),
    (
        // The complaint nobody read: from crm@, "do not reply", no other contact path.
        "do-not-reply",
        &["samples/campaigns/do-not-reply.eml"],
        0,
    ),
    (
        // A typo in a registered SKU: the TV matches nothing, the phone still does.
        "free-phone-typo-owner",
        &[
            "samples/campaigns/free-phone.eml",
            "--profile",
            "samples/profiles/typo-owner.json",
            "--catalog",
            "samples/catalog.toml",
        ],
        1,
    ),
    (
        "free-phone-no-catalog",
        &[
            "samples/campaigns/free-phone.eml",
            "--profile",
            "samples/profiles/tv-and-phones.json",
        ],
        1,
    ),
    (
        "housing-care-diver",
        &[
            "samples/campaigns/housing-care.eml",
            "--profile",
            "samples/profiles/diver.json",
            "--catalog",
            "samples/catalog.toml",
        ],
        0,
    ),
    ("small-print", &["samples/campaigns/small-print.eml"], 1),
    (
        "no-list-header",
        &["samples/campaigns/no-list-header.eml"],
        0,
    ),
    ("no-optout", &["samples/campaigns/no-optout.eml"], 1),
    (
        "spring-catalogue",
        &["samples/campaigns/spring-catalogue.eml"],
        1,
    ),
    ("black-friday", &["samples/campaigns/black-friday.eml"], 0),
    ("repair-cafe", &["samples/campaigns/repair-cafe.eml"], 0),
    (
        "encoded-list-header",
        &["samples/campaigns/encoded-list-header.eml"],
        0,
    ),
    (
        "security-notice",
        &["samples/campaigns/security-notice.eml"],
        1,
    ),
    (
        "legacy-template",
        &["samples/campaigns/legacy-template.eml"],
        0,
    ),
    (
        "clean-newsletter",
        &[
            "samples/campaigns/clean-newsletter.eml",
            "--profile",
            "samples/profiles/english-reader.json",
            "--catalog",
            "samples/catalog.toml",
        ],
        0,
    ),
    (
        "unsubscribed-recipient",
        &[
            "samples/campaigns/clean-newsletter.eml",
            "--profile",
            "samples/profiles/unsubscribed.json",
        ],
        1,
    ),
    (
        "templates",
        &[
            "samples/templates",
            "--profile",
            "samples/profiles/english-reader.json",
        ],
        1,
    ),
    (
        "mailchimp-field-mapping",
        &[
            "samples/campaigns/winter-sale.de.eml",
            "--profile",
            "samples/profiles/mailchimp-style.json",
            "--config",
            "samples/config/mailchimp.toml",
        ],
        1,
    ),
    (
        "greeting-fields-sparse-profile",
        &[
            "samples/templates/greeting-fields.html",
            "--profile",
            "samples/profiles/sparse-fields.json",
        ],
        1,
    ),
    (
        "greeting-fields-club-member",
        &[
            "samples/templates/greeting-fields.html",
            "--profile",
            "samples/profiles/club-member.json",
        ],
        0,
    ),
    (
        "mislabelled-charset",
        &[
            "samples/campaigns/mislabelled-charset.eml",
            "--profile",
            "samples/profiles/german-reader.json",
        ],
        1,
    ),
    (
        "all-samples",
        &["samples", "--catalog", "samples/catalog.toml"],
        1,
    ),
    (
        "shouting-subject",
        &["samples/campaigns/shouting-subject.eml"],
        0,
    ),
    (
        "placeholder-template",
        &["samples/templates/starter-layout.html"],
        0,
    ),
    (
        // A Liquid tag never closed and an {% if %} never ended (merge-tag-syntax).
        "broken-tags",
        &["samples/syntax/broken-tags.html"],
        1,
    ),
    (
        "japanese-sale-english-reader",
        &[
            "samples/templates/ja-sale.html",
            "--profile",
            "samples/profiles/english-reader.json",
        ],
        1,
    ),
    (
        "suppressions",
        &["samples/templates/order-confirmation.html"],
        0,
    ),
    (
        "brand-pack",
        &[
            "samples/campaigns/free-phone.eml",
            "samples/campaigns/shouting-subject.eml",
            "--profile",
            "samples/profiles/canadian.json",
            "--config",
            "samples/config/nordlicht.toml",
        ],
        1,
    ),
    (
        "audience",
        &[
            "samples/campaigns/free-phone.eml",
            "--audience",
            "samples/audiences/newsletter-export.csv",
            "--owned",
            "samples/audiences/shopify-orders.csv",
            "--catalog",
            "samples/catalog.toml",
        ],
        1,
    ),
    (
        "variants",
        &[
            "samples/variants",
            "--audience",
            "samples/audiences/newsletter-export.csv",
        ],
        1,
    ),
];
