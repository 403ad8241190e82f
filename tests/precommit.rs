//! `.pre-commit-hooks.yaml` under the real pre-commit framework (PyPI): a scratch hook
//! source holding this repository's manifest, a scratch project that uses it, a commit
//! of a failing template refused and a clean one accepted.
//!
//! The manifest says `language: rust` (pre-commit would build the crate from crates.io);
//! the test keeps everything else as written and runs the hook as `language: system`
//! with the binary under test first on the PATH, so pre-commit downloads nothing.
//! pre-commit comes from the venv `.ci/install-lsp.sh` makes; without it the test is
//! skipped with a message, except under CI (`CI` set), where it fails.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::{root, temp_dir};

fn pre_commit() -> Option<PathBuf> {
    let python = std::env::var_os("CAMPAIGN_LINT_LSP_PYTHON").map_or_else(
        || root().join("target/ci-lsp-venv/bin/python"),
        PathBuf::from,
    );
    let pre_commit = python.with_file_name("pre-commit");
    if pre_commit.is_file() {
        return Some(pre_commit);
    }
    let reason = format!(
        "{} is missing: run .ci/install-lsp.sh",
        pre_commit.display()
    );
    assert!(
        std::env::var_os("CI").is_none(),
        "CI is set, so the pre-commit test may not be skipped: {reason}"
    );
    eprintln!("skipped: {reason}");
    None
}

/// Runs a command in `dir` with a PATH that finds the binary under test first, and
/// pre-commit's cache in `home`.
fn run(dir: &Path, home: &Path, program: &Path, args: &[&str]) -> Output {
    let bin = Path::new(env!("CARGO_BIN_EXE_campaign-lint"))
        .parent()
        .expect("binary directory");
    let path = std::env::join_paths(std::iter::once(bin.to_path_buf()).chain(
        std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()),
    ))
    .expect("PATH");
    Command::new(program)
        .args(args)
        .current_dir(dir)
        .env("PATH", path)
        .env("PRE_COMMIT_HOME", home)
        .env("NO_COLOR", "1")
        .env("GIT_AUTHOR_NAME", "Test")
        .env("GIT_AUTHOR_EMAIL", "test@example.com")
        .env("GIT_COMMITTER_NAME", "Test")
        .env("GIT_COMMITTER_EMAIL", "test@example.com")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .expect("run")
}

fn git(dir: &Path, home: &Path, args: &[&str]) -> Output {
    run(dir, home, Path::new("git"), args)
}

fn ok(out: &Output, what: &str) {
    assert!(
        out.status.success(),
        "{what} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

const CLEAN: &str = "<!DOCTYPE html>\n<html lang=\"en\">\n<head><title>Spring sale</title></head>\n<body>\n\
<p>Our spring sale starts today: every garden chair is 20% off until Sunday. Visit the shop to see the whole range.</p>\n\
<p>Best wishes from the team. <a href=\"https://example.com/unsubscribe\">Unsubscribe</a></p>\n\
<p>Example GmbH, Hauptstrasse 1, 10115 Berlin, Germany</p>\n</body>\n</html>\n";

#[test]
fn pre_commit_framework_refuses_a_failing_template_and_accepts_a_clean_one() {
    let Some(pre_commit) = pre_commit() else {
        return;
    };
    let scratch = temp_dir("pre-commit");
    let home = scratch.join("cache");
    let source = scratch.join("hook-source");
    let project = scratch.join("project");
    for dir in [&source, &project] {
        std::fs::create_dir_all(dir).unwrap();
        ok(&git(dir, &home, &["init", "-q", "-b", "main"]), "git init");
    }

    // The hook source: this repository's manifest, run as a system command.
    let manifest = std::fs::read_to_string(root().join(".pre-commit-hooks.yaml")).unwrap();
    assert!(manifest.contains("  language: rust\n"), "{manifest}");
    let manifest = manifest.replace("  language: rust\n", "  language: system\n");
    std::fs::write(source.join(".pre-commit-hooks.yaml"), manifest).unwrap();
    ok(&git(&source, &home, &["add", "."]), "git add");
    ok(
        &git(&source, &home, &["commit", "-q", "-m", "hooks"]),
        "git commit",
    );
    let rev = git(&source, &home, &["rev-parse", "HEAD"]);
    let rev = String::from_utf8_lossy(&rev.stdout).trim().to_owned();

    std::fs::write(
        project.join(".pre-commit-config.yaml"),
        format!(
            "repos:\n  - repo: {}\n    rev: {rev}\n    hooks:\n      - id: campaign-lint\n",
            source.display()
        ),
    )
    .unwrap();
    ok(
        &run(&project, &home, &pre_commit, &["install"]),
        "pre-commit install",
    );
    ok(
        &git(&project, &home, &["add", ".pre-commit-config.yaml"]),
        "git add",
    );
    ok(
        &git(&project, &home, &["commit", "-q", "-m", "config"]),
        "commit of the config",
    );

    // A template whose unsubscribe link is hidden: an error, the commit is refused.
    let hidden = CLEAN.replace(
        "<a href=\"https://example.com/unsubscribe\">",
        "<a href=\"https://example.com/unsubscribe\" style=\"display:none\">",
    );
    std::fs::write(project.join("spring.html"), &hidden).unwrap();
    ok(&git(&project, &home, &["add", "spring.html"]), "git add");
    let refused = git(&project, &home, &["commit", "-q", "-m", "hidden link"]);
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&refused.stdout),
        String::from_utf8_lossy(&refused.stderr)
    );
    assert!(
        !refused.status.success(),
        "the commit went through:\n{said}"
    );
    assert!(said.contains("hidden-unsubscribe-link"), "{said}");
    assert!(
        said.contains("campaign-lint") && said.contains("Failed"),
        "{said}"
    );
    let log = git(&project, &home, &["log", "--format=%s"]);
    assert_eq!(String::from_utf8_lossy(&log.stdout), "config\n");

    // Fixed: the commit is accepted.
    std::fs::write(project.join("spring.html"), CLEAN).unwrap();
    ok(&git(&project, &home, &["add", "spring.html"]), "git add");
    ok(
        &git(&project, &home, &["commit", "-q", "-m", "visible link"]),
        "commit of the clean template",
    );
    let log = git(&project, &home, &["log", "--format=%s"]);
    assert_eq!(
        String::from_utf8_lossy(&log.stdout),
        "visible link\nconfig\n"
    );
}
