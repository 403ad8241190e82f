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

/// A template without an opt-out: `missing-unsubscribe-link`, an error.
fn bad() -> String {
    GOOD.replace("<a href=\"*|UNSUB|*\">Unsubscribe</a>", "")
}

/// A fresh repository in `dir` with the hook installed.
fn repo_in(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    for args in [
        &["init", "-q", "-b", "main"][..],
        &["config", "user.email", "dev@example.com"],
        &["config", "user.name", "Dev"],
        &["config", "commit.gpgsign", "false"],
    ] {
        assert!(git(dir, args).0, "git {args:?}");
    }
    let out = run_in(dir, &["hook", "install"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(dir.join(".git/hooks/pre-commit").exists());
}

fn repo(name: &str) -> std::path::PathBuf {
    let dir = temp_dir(name);
    repo_in(&dir);
    dir
}

/// Writes `text` to `path` below `dir` and stages it.
fn stage(dir: &Path, path: &str, text: &str) {
    let file = dir.join(path);
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    std::fs::write(&file, text).unwrap();
    assert!(git(dir, &["add", "--", path]).0, "git add {path}");
}

#[test]
fn pre_commit_hook_blocks_failing_templates() {
    let dir = repo("hook");

    // A template without an opt-out is refused, with the diagnostic shown.
    std::fs::write(dir.join("promo.html"), bad()).unwrap();
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
fn the_installed_script_only_hands_over_to_hook_run() {
    let dir = repo("hook-script");
    let script = std::fs::read_to_string(dir.join(".git/hooks/pre-commit")).unwrap();
    assert!(script.starts_with("#!/bin/sh\n"), "{script}");
    assert!(script.contains("campaign-lint pre-commit hook"), "{script}");
    assert!(script.contains(" hook run"), "{script}");
    for spawned in ["git ", "xargs", "mktemp"] {
        assert!(
            !script.contains(spawned),
            "the script runs {spawned}: {script}"
        );
    }
}

#[test]
fn paths_with_spaces_and_non_ascii_are_checked_under_their_names() {
    let dir = repo("hook-names");
    stage(&dir, "campaigns/Frühling 2025/prämie für alle.html", &bad());
    let (ok, text) = git(&dir, &["commit", "-q", "-m", "promo"]);
    assert!(!ok, "the commit goes through:\n{text}");
    assert!(
        text.contains("campaigns/Frühling 2025/prämie für alle.html"),
        "{text}"
    );
    assert!(text.contains("missing-unsubscribe-link"), "{text}");
    stage(&dir, "campaigns/Frühling 2025/prämie für alle.html", GOOD);
    let (ok, text) = git(&dir, &["commit", "-q", "-m", "promo"]);
    assert!(ok && text.is_empty(), "{text}");
}

#[test]
fn deleted_files_are_ignored_and_renamed_ones_checked() {
    let dir = repo("hook-deleted");
    stage(&dir, "old.html", &bad());
    assert!(git(&dir, &["commit", "-q", "--no-verify", "-m", "old"]).0);
    // Moved, the broken template is part of the commit again.
    assert!(git(&dir, &["mv", "old.html", "moved.html"]).0);
    let (ok, text) = git(&dir, &["commit", "-q", "-m", "move"]);
    assert!(!ok, "the commit goes through:\n{text}");
    assert!(text.contains("moved.html"), "{text}");
    // Deleted (the move undone, old.html stays deleted), there is nothing to check.
    assert!(git(&dir, &["rm", "-q", "--cached", "moved.html"]).0);
    std::fs::remove_file(dir.join("moved.html")).unwrap();
    let (_, staged) = git(&dir, &["diff", "--cached", "--name-status"]);
    assert_eq!(staged, "D\told.html\n");
    let (ok, text) = git(&dir, &["commit", "-q", "-m", "delete"]);
    assert!(ok, "the commit is refused:\n{text}");
    assert!(text.is_empty(), "not quiet: {text}");
}

#[test]
fn warnings_are_shown_without_blocking() {
    let dir = repo("hook-warnings");
    let insecure = GOOD.replace(
        "<a href=\"*|UNSUB|*\">",
        "<a href=\"http://nordlicht.example.com/shop\">our shop</a> <a href=\"*|UNSUB|*\">",
    );
    stage(&dir, "shop.html", &insecure);
    let (ok, text) = git(&dir, &["commit", "-q", "-m", "shop"]);
    assert!(ok, "a warning blocks the commit:\n{text}");
    assert!(text.contains("insecure-link"), "{text}");
    assert!(!text.contains("commit blocked"), "{text}");
}

#[test]
fn the_repository_config_applies_and_no_other() {
    let outer = temp_dir("hook-config");
    // A config above the repository is not the repository's.
    std::fs::write(
        outer.join("campaign-lint.toml"),
        "[rules.missing-unsubscribe-link]\nseverity = \"off\"\n",
    )
    .unwrap();
    let dir = outer.join("repo");
    repo_in(&dir);
    stage(&dir, "bare.html", &bad());
    let (ok, text) = git(&dir, &["commit", "-q", "-m", "bare"]);
    assert!(!ok, "a config outside the repository applies:\n{text}");

    // The repository's [profile] is the recipient the templates are checked against.
    std::fs::write(
        dir.join("campaign-lint.toml"),
        "[profile]\nlanguage = \"de\"\n",
    )
    .unwrap();
    stage(&dir, "bare.html", GOOD);
    let (ok, text) = git(&dir, &["commit", "-q", "-m", "english"]);
    assert!(!ok, "the config's profile is not used:\n{text}");
    assert!(text.contains("language-mismatch"), "{text}");

    // A broken config blocks the commit with a message that names it.
    std::fs::write(dir.join("campaign-lint.toml"), "[profile\n").unwrap();
    let (ok, text) = git(&dir, &["commit", "-q", "-m", "english"]);
    assert!(!ok, "{text}");
    assert!(
        text.contains("campaign-lint.toml") && text.contains("commit blocked"),
        "{text}"
    );
}

#[test]
fn hook_run_works_from_a_subdirectory() {
    let dir = repo("hook-subdir");
    std::fs::write(
        dir.join("campaign-lint.toml"),
        "[rules.missing-postal-address]\nseverity = \"off\"\n",
    )
    .unwrap();
    let without_address = GOOD.replace(
        "Nordlicht Electronics GmbH, Musterstraße 12, 20095 Hamburg. ",
        "",
    );
    stage(&dir, "campaigns/2025/no-address.html", &without_address);
    stage(&dir, "top.html", &bad());
    let sub = dir.join("campaigns/2025");
    // Run by hand from below the top: every staged file, named from the top, under
    // the top's config.
    let out = run_in(&sub, &["hook", "run"]);
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("top.html"), "{}", out.stdout);
    assert!(
        !out.stdout.contains("missing-postal-address"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("commit blocked"), "{}", out.stdout);
    // git commit from there runs the hook as well.
    let (ok, text) = git(&sub, &["commit", "-q", "-m", "x"]);
    assert!(!ok && text.contains("top.html"), "{text}");
    stage(&dir, "top.html", GOOD);
    let out = run_in(&sub, &["hook", "run"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert_eq!(out.stdout, "", "not quiet");
    assert!(git(&sub, &["commit", "-q", "-m", "x"]).0);
    // Outside a repository there is nothing it can do.
    let out = run_in(&temp_dir("hook-run-outside"), &["hook", "run"]);
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
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

#[test]
fn install_replaces_only_its_own_unedited_hook() {
    let dir = temp_dir("hook-edited");
    assert!(git(&dir, &["init", "-q"]).0);
    let hook = dir.join(".git/hooks/pre-commit");
    std::fs::create_dir_all(hook.parent().unwrap()).unwrap();
    // Not UTF-8, or binary: someone's hook all the same.
    for foreign in [
        &b"#!/bin/sh\n# caf\xe9\necho mine\n"[..],
        b"\x7fELF\x02\x01\x01\0\0\0",
    ] {
        std::fs::write(&hook, foreign).unwrap();
        let out = run_in(&dir, &["hook", "install"]);
        assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
        assert!(out.stderr.contains("--force"), "{}", out.stderr);
        assert_eq!(std::fs::read(&hook).unwrap(), foreign);
    }
    // Ours, unedited: reinstalled without --force.
    assert_eq!(run_in(&dir, &["hook", "install", "--force"]).code, 0);
    let ours = std::fs::read_to_string(&hook).unwrap();
    assert_eq!(run_in(&dir, &["hook", "install"]).code, 0);
    assert_eq!(std::fs::read_to_string(&hook).unwrap(), ours);
    // Ours with the user's line added: the marker alone does not make it replaceable.
    let edited = format!("{ours}echo also mine\n");
    std::fs::write(&hook, &edited).unwrap();
    let out = run_in(&dir, &["hook", "install"]);
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    assert!(out.stderr.contains("edited"), "{}", out.stderr);
    assert_eq!(std::fs::read_to_string(&hook).unwrap(), edited);
    // What an earlier version wrote, unedited, is replaced.
    let earlier = "#!/bin/sh
# campaign-lint pre-commit hook (written by `campaign-lint hook install`; edit freely, or
# reinstall with --force).
# Checks the staged campaign files; silent when they are clean, blocks on errors.
bin='/usr/local/bin/campaign-lint'
[ -x \"$bin\" ] || bin=campaign-lint
files=$(git diff --cached --name-only --diff-filter=ACMR -- '*.eml' '*.html' '*.htm' '*.txt')
[ -z \"$files\" ] && exit 0
out=$(printf '%s\\n' \"$files\" | tr '\\n' '\\0' | xargs -0 \"$bin\" check 2>&1)
status=$?
case \"$out\" in
  *\"No problems found\"*) [ \"$status\" -eq 0 ] && exit 0 ;;
esac
printf '%s\\n' \"$out\"
[ \"$status\" -ne 0 ] && echo \"campaign-lint: commit blocked (git commit --no-verify skips the check)\"
exit \"$status\"
";
    std::fs::write(&hook, earlier).unwrap();
    let out = run_in(&dir, &["hook", "install"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(std::fs::read_to_string(&hook).unwrap(), ours);
}

/// The hook names the installed binary inside single quotes; a path with a quote, `$`,
/// backticks, spaces or a newline must reach the shell as written, so that exactly that
/// binary runs on commit (not one planted at a path the quoting got wrong, nor the PATH's).
#[test]
#[cfg(unix)]
fn the_hook_runs_the_installed_binary_whatever_its_path() {
    use std::os::unix::fs::PermissionsExt;
    let base = temp_dir("hook-quoted");
    let dir = base.join("repo");
    std::fs::create_dir_all(&dir).unwrap();
    for args in [
        &["init", "-q", "-b", "main"][..],
        &["config", "user.email", "dev@example.com"],
        &["config", "user.name", "Dev"],
        &["config", "commit.gpgsign", "false"],
    ] {
        assert!(git(&dir, args).0, "git {args:?}");
    }
    let weird = "it's a \"bin\" $HOME `touch pwned` ;\nnext line";
    let bin_dir = base.join(weird);
    std::fs::create_dir_all(&bin_dir).unwrap();
    let bin = bin_dir.join("campaign-lint");
    std::fs::copy(env!("CARGO_BIN_EXE_campaign-lint"), &bin).unwrap();
    // Impostors: one where a quote-dropping install would point, one on the PATH.
    let impostor = "#!/bin/sh\necho IMPOSTOR ran\nexit 0\n";
    let dropped = base.join(weird.replace('\'', ""));
    let path_dir = base.join("path");
    for d in [&dropped, &path_dir] {
        std::fs::create_dir_all(d).unwrap();
        std::fs::write(d.join("campaign-lint"), impostor).unwrap();
        std::fs::set_permissions(
            d.join("campaign-lint"),
            std::fs::Permissions::from_mode(0o755),
        )
        .unwrap();
    }
    let out = std::process::Command::new(&bin)
        .args(["hook", "install"])
        .current_dir(&dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    stage(&dir, "promo.html", &bad());
    let path = format!(
        "{}:{}",
        path_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = Command::new("git")
        .args(["commit", "-q", "-m", "promo"])
        .current_dir(&dir)
        .env("PATH", path)
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!out.status.success(), "the commit goes through:\n{text}");
    assert!(!text.contains("IMPOSTOR"), "{text}");
    assert!(text.contains("missing-unsubscribe-link"), "{text}");
    assert!(text.contains("commit blocked"), "{text}");
    assert!(!dir.join("pwned").exists() && !base.join("pwned").exists());
}
