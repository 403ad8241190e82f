//! The pre-commit hook, end to end with real git in a temporary repository.

mod common;

use std::path::Path;
use std::process::Command;

use common::{run_in, temp_dir};

fn git(dir: &Path, args: &[&str]) -> (bool, String) {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run git");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

const GOOD: &str = "<html lang=\"en\"><body><p>Our spring newsletter has arrived, with news about our stores, our service and the products you asked about.</p>\
<p>Nordlicht Electronics GmbH, Musterstraße 12, 20095 Hamburg. <a href=\"*|UNSUB|*\">Unsubscribe</a></p></body></html>\n";

#[test]
fn pre_commit_hook_blocks_failing_templates() {
    let dir = temp_dir("hook");
    for args in [
        &["init", "-q", "-b", "main"][..],
        &["config", "user.email", "dev@example.com"],
        &["config", "user.name", "Dev"],
        &["config", "commit.gpgsign", "false"],
    ] {
        assert!(git(&dir, args).0, "git {args:?}");
    }
    let out = run_in(&dir, &["hook", "install"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(dir.join(".git/hooks/pre-commit").exists());

    // A template without an opt-out is refused, with the diagnostic shown.
    std::fs::write(
        dir.join("promo.html"),
        GOOD.replace("<a href=\"*|UNSUB|*\">Unsubscribe</a>", ""),
    )
    .unwrap();
    git(&dir, &["add", "promo.html"]);
    let (ok, text) = git(&dir, &["commit", "-q", "-m", "promo"]);
    assert!(!ok, "the commit goes through:\n{text}");
    assert!(text.contains("missing-unsubscribe-link"), "{text}");
    assert!(text.contains("commit blocked"), "{text}");

    // Fixing only the working tree does not help: the commit would contain the staged text.
    std::fs::write(dir.join("promo.html"), GOOD).unwrap();
    let (ok, text) = git(&dir, &["commit", "-q", "-m", "promo"]);
    assert!(
        !ok,
        "the staged version is broken, yet the commit goes through:\n{text}"
    );
    assert!(
        text.contains("promo.html"),
        "paths are the repository's: {text}"
    );

    // Fixed and staged, it goes through, and the hook says nothing.
    std::fs::write(dir.join("promo.html"), GOOD).unwrap();
    git(&dir, &["add", "promo.html"]);
    let (ok, text) = git(&dir, &["commit", "-q", "-m", "promo"]);
    assert!(ok, "the commit is refused:\n{text}");
    assert!(
        !text.contains("campaign-lint") && !text.contains("No problems"),
        "not quiet: {text}"
    );

    // A broken working copy does not block a clean staged version.
    std::fs::write(
        dir.join("promo.html"),
        GOOD.replace("<a href=\"*|UNSUB|*\">Unsubscribe</a>", ""),
    )
    .unwrap();
    std::fs::write(dir.join("other.html"), GOOD).unwrap();
    git(&dir, &["add", "other.html"]);
    let (ok, text) = git(&dir, &["commit", "-q", "-m", "other"]);
    assert!(ok, "only other.html is staged, and it is clean:\n{text}");
    std::fs::write(dir.join("promo.html"), GOOD).unwrap();

    // The repository's config applies to the staged files.
    std::fs::write(
        dir.join("campaign-lint.toml"),
        "[rules.missing-unsubscribe-link]\nseverity = \"off\"\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("bare.html"),
        GOOD.replace("<a href=\"*|UNSUB|*\">Unsubscribe</a>", ""),
    )
    .unwrap();
    git(&dir, &["add", "bare.html", "campaign-lint.toml"]);
    let (ok, text) = git(&dir, &["commit", "-q", "-m", "bare"]);
    assert!(ok, "the config turns the rule off:\n{text}");

    // A commit without campaign files does not run the check at all.
    std::fs::write(dir.join("notes.md"), "# notes\n").unwrap();
    git(&dir, &["add", "notes.md"]);
    assert!(git(&dir, &["commit", "-q", "-m", "notes"]).0);
}

#[test]
fn install_refuses_a_foreign_hook_without_force() {
    let dir = temp_dir("hook-foreign");
    assert!(git(&dir, &["init", "-q"]).0);
    let hook = dir.join(".git/hooks/pre-commit");
    std::fs::create_dir_all(hook.parent().unwrap()).unwrap();
    std::fs::write(&hook, "#!/bin/sh\necho mine\n").unwrap();
    let out = run_in(&dir, &["hook", "install"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("did not write is already there"),
        "{}",
        out.stderr
    );
    assert_eq!(
        std::fs::read_to_string(&hook).unwrap(),
        "#!/bin/sh\necho mine\n"
    );
    let out = run_in(&dir, &["hook", "install", "--force"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        std::fs::read_to_string(&hook)
            .unwrap()
            .contains("campaign-lint pre-commit hook")
    );
    // Reinstalling our own hook needs no --force.
    assert_eq!(run_in(&dir, &["hook", "install"]).code, 0);
    let outside = temp_dir("no-repo");
    let out = run_in(&outside, &["hook", "install"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("not inside a git repository"),
        "{}",
        out.stderr
    );
}
