//! `campaign-lint hook install`: a git pre-commit hook that checks the staged versions of
//! the staged campaign files (what the commit contains, not the working tree), stays
//! silent when they are clean, and blocks the commit on error-level findings.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::error::{Error, Result};

/// Marks a hook file as ours, so it may be replaced without `--force`.
const MARKER: &str = "# campaign-lint pre-commit hook";

/// The hook script; `BIN` is replaced by the path of the installed binary.
const SCRIPT: &str = r#"#!/bin/sh
# campaign-lint pre-commit hook (written by `campaign-lint hook install`; edit freely, or
# reinstall with --force).
# Checks the staged versions of the staged campaign files (what the commit will contain);
# silent when they are clean, blocks on errors.
bin='BIN'
[ -x "$bin" ] || bin=campaign-lint
files=$(git diff --cached --name-only --diff-filter=ACMR -- '*.eml' '*.html' '*.htm' '*.txt' '*.mjml')
[ -z "$files" ] && exit 0
root=$(git rev-parse --show-toplevel) || exit 1
staged=$(mktemp -d) || exit 1
trap 'rm -rf "$staged"' EXIT
printf '%s\n' "$files" | tr '\n' '\0' | xargs -0 git checkout-index --prefix="$staged/" --
if [ -f "$root/campaign-lint.toml" ]; then
  out=$(cd "$staged" && printf '%s\n' "$files" | tr '\n' '\0' | xargs -0 "$bin" check --config "$root/campaign-lint.toml" 2>&1)
else
  out=$(cd "$staged" && printf '%s\n' "$files" | tr '\n' '\0' | xargs -0 "$bin" check 2>&1)
fi
status=$?
case "$out" in
  *"No problems found"*) [ "$status" -eq 0 ] && exit 0 ;;
esac
printf '%s\n' "$out"
[ "$status" -ne 0 ] && echo "campaign-lint: commit blocked (git commit --no-verify skips the check)"
exit "$status"
"#;

/// Where git keeps the hooks of the repository around `dir`.
fn hooks_dir(dir: &Path) -> Result<PathBuf> {
    let out = Command::new("git")
        .args(["rev-parse", "--git-path", "hooks"])
        .current_dir(dir)
        .output()
        .map_err(|e| Error::new("git", format!("cannot run git: {e}")))?;
    if !out.status.success() {
        return Err(Error::new(
            dir.display().to_string(),
            "not inside a git repository (git rev-parse failed)",
        ));
    }
    let path = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    Ok(if path.is_absolute() {
        path
    } else {
        dir.join(path)
    })
}

/// Installs the pre-commit hook; returns its path. Refuses to replace a hook that
/// campaign-lint did not write unless `force`.
pub fn install(dir: &Path, force: bool) -> Result<PathBuf> {
    let hooks = hooks_dir(dir)?;
    let path = hooks.join("pre-commit");
    let display = path.display().to_string();
    if let Ok(existing) = std::fs::read_to_string(&path)
        && !existing.contains(MARKER)
        && !force
    {
        return Err(Error::new(
            &display,
            "a pre-commit hook that campaign-lint did not write is already there; add `campaign-lint check` to it, or replace it with --force",
        ));
    }
    // The script quotes the path in '…'; a path with a quote falls back to the PATH.
    let bin = std::env::current_exe().map_or_else(
        |_| "campaign-lint".to_owned(),
        |p| p.display().to_string().replace('\'', ""),
    );
    std::fs::create_dir_all(&hooks)
        .map_err(|e| Error::new(hooks.display().to_string(), format!("cannot create: {e}")))?;
    std::fs::write(&path, SCRIPT.replace("BIN", &bin))
        .map_err(|e| Error::new(&display, format!("cannot write: {e}")))?;
    make_executable(&path)
        .map_err(|e| Error::new(&display, format!("cannot make it executable: {e}")))?;
    Ok(path)
}

#[cfg(unix)]
fn make_executable(path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))
}

#[cfg(not(unix))]
fn make_executable(_path: &Path) -> std::io::Result<()> {
    Ok(())
}
