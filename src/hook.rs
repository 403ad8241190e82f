//! The git pre-commit hook. `campaign-lint hook install` writes a script that hands over
//! to `campaign-lint hook run`, which checks the staged versions of the staged campaign
//! files (what the commit contains, not the working tree) in memory, stays silent when
//! they are clean, and blocks the commit on error-level findings.
//!
//! The hook runs before every commit, so it asks git as little as it can: one
//! `git diff --cached --raw` for the staged files and their blob ids, and only when some
//! are campaigns one `git cat-file --batch` for their contents. Spawning processes was
//! most of the time of the earlier shell script (sh, git three times, mktemp, tr, xargs).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::campaign::format_of;
use crate::check::{CampaignBytes, is_campaign_name};
use crate::error::{Error, Result};

/// Marks a hook file as ours (in the scripts of every version).
const MARKER: &str = "# campaign-lint pre-commit hook";

/// The hook script; `BIN` is replaced by the path of the installed binary, quoted for
/// the shell by [`quote`].
const SCRIPT: &str = r#"#!/bin/sh
# campaign-lint pre-commit hook (written by `campaign-lint hook install`; edit freely, or
# reinstall with --force).
# `hook run` checks the staged versions of the staged campaign files (what the commit
# will contain); silent when they are clean, blocks on errors.
bin='BIN'
[ -x "$bin" ] || bin=campaign-lint
exec "$bin" hook run
"#;

/// The scripts earlier versions installed (their `BIN` without the `'`s of the path),
/// recognised so that an unedited one is replaced without `--force`.
const EARLIER_SCRIPTS: [&str; 3] = [
    r#"#!/bin/sh
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
"#,
    r#"#!/bin/sh
# campaign-lint pre-commit hook (written by `campaign-lint hook install`; edit freely, or
# reinstall with --force).
# Checks the staged campaign files; silent when they are clean, blocks on errors.
bin='BIN'
[ -x "$bin" ] || bin=campaign-lint
files=$(git diff --cached --name-only --diff-filter=ACMR -- '*.eml' '*.html' '*.htm' '*.txt' '*.mjml')
[ -z "$files" ] && exit 0
out=$(printf '%s\n' "$files" | tr '\n' '\0' | xargs -0 "$bin" check 2>&1)
status=$?
case "$out" in
  *"No problems found"*) [ "$status" -eq 0 ] && exit 0 ;;
esac
printf '%s\n' "$out"
[ "$status" -ne 0 ] && echo "campaign-lint: commit blocked (git commit --no-verify skips the check)"
exit "$status"
"#,
    r#"#!/bin/sh
# campaign-lint pre-commit hook (written by `campaign-lint hook install`; edit freely, or
# reinstall with --force).
# Checks the staged campaign files; silent when they are clean, blocks on errors.
bin='BIN'
[ -x "$bin" ] || bin=campaign-lint
files=$(git diff --cached --name-only --diff-filter=ACMR -- '*.eml' '*.html' '*.htm' '*.txt')
[ -z "$files" ] && exit 0
out=$(printf '%s\n' "$files" | tr '\n' '\0' | xargs -0 "$bin" check 2>&1)
status=$?
case "$out" in
  *"No problems found"*) [ "$status" -eq 0 ] && exit 0 ;;
esac
printf '%s\n' "$out"
[ "$status" -ne 0 ] && echo "campaign-lint: commit blocked (git commit --no-verify skips the check)"
exit "$status"
"#,
];

/// Runs `git ARGS` in `dir` with `input` on its standard input; its standard output.
fn git(dir: &Path, args: &[&str], input: &[u8]) -> Result<Vec<u8>> {
    let mut child = Command::new("git")
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| Error::new("git", format!("cannot run git: {e}")))?;
    let stdin = child.stdin.take();
    // Written from another thread: git answers while it reads, and a large answer
    // would otherwise fill the pipe while this side is still writing.
    let out = std::thread::scope(|scope| {
        scope.spawn(move || {
            if let Some(mut stdin) = stdin {
                // A git that stops reading has failed, which its exit status says.
                let _ = stdin.write_all(input);
            }
        });
        child.wait_with_output()
    })
    .map_err(|e| Error::new("git", format!("cannot run git: {e}")))?;
    if !out.status.success() {
        let said = String::from_utf8_lossy(&out.stderr);
        return Err(Error::new(
            dir.display().to_string(),
            format!(
                "git {} failed: {}",
                args.iter().find(|a| !a.starts_with('-')).unwrap_or(&""),
                said.trim()
            ),
        ));
    }
    Ok(out.stdout)
}

/// A staged file: its blob id and its path in the repository.
#[derive(Debug, PartialEq)]
struct StagedFile {
    blob: String,
    path: String,
}

/// The staged campaign files of the repository around `dir` (added, copied, modified or
/// renamed; regular files only, not symbolic links or submodules), with their staged
/// contents, named by their paths in the repository.
pub fn staged_campaigns(dir: &Path) -> Result<Vec<CampaignBytes>> {
    // `diff.relative` would make the paths relative to `dir` and leave out the rest.
    let raw = git(
        dir,
        &[
            "-c",
            "diff.relative=false",
            "diff",
            "--cached",
            "--raw",
            "-z",
            "--no-abbrev",
            "--no-renames",
            "--diff-filter=ACMR",
        ],
        b"",
    )?;
    let files: Vec<StagedFile> = parse_raw(&raw)
        .into_iter()
        .filter(|f| is_campaign_name(Path::new(&f.path)))
        .collect();
    if files.is_empty() {
        return Ok(Vec::new());
    }
    let ids: String = files.iter().flat_map(|f| [f.blob.as_str(), "\n"]).collect();
    let blobs = git(dir, &["cat-file", "--batch"], ids.as_bytes())?;
    let contents = parse_batch(&blobs, files.len())
        .ok_or_else(|| Error::new("git", "unexpected output of git cat-file --batch"))?;
    Ok(files
        .into_iter()
        .zip(contents)
        .map(|(f, bytes)| CampaignBytes {
            format: format_of(Path::new(&f.path)).unwrap_or(crate::campaign::Format::Text),
            path: f.path,
            bytes: bytes.to_vec(),
        })
        .collect())
}

/// The regular files in `git diff --raw -z` output: `:MODE MODE BLOB BLOB STATUS`, a NUL,
/// the path, a NUL (and a second path for copies and renames).
fn parse_raw(raw: &[u8]) -> Vec<StagedFile> {
    let mut fields = raw.split(|&b| b == 0);
    let mut files = Vec::new();
    while let Some(meta) = fields.next() {
        let Some(meta) = meta.strip_prefix(b":") else {
            break;
        };
        let meta = String::from_utf8_lossy(meta);
        let meta: Vec<&str> = meta.split(' ').collect();
        let Some(mut path) = fields.next() else {
            break;
        };
        let &[_, mode, _, blob, status] = meta.as_slice() else {
            break;
        };
        if status.starts_with(['C', 'R']) {
            let Some(to) = fields.next() else { break };
            path = to;
        }
        if matches!(mode, "100644" | "100755") {
            files.push(StagedFile {
                blob: blob.to_owned(),
                path: String::from_utf8_lossy(path).into_owned(),
            });
        }
    }
    files
}

/// The contents of `count` blobs in `git cat-file --batch` output: for each a line
/// `BLOB blob SIZE`, SIZE bytes and a newline. None when it says anything else (a
/// missing object).
fn parse_batch(out: &[u8], count: usize) -> Option<Vec<&[u8]>> {
    let mut rest = out;
    let mut contents = Vec::with_capacity(count);
    for _ in 0..count {
        let end = memchr::memchr(b'\n', rest)?;
        let header = std::str::from_utf8(&rest[..end]).ok()?;
        let mut words = header.split(' ');
        let (_, kind, size) = (words.next()?, words.next()?, words.next()?);
        let size: usize = size.parse().ok()?;
        if kind != "blob" {
            return None;
        }
        let body = rest.get(end + 1..end + 1 + size)?;
        contents.push(body);
        rest = rest.get(end + 1 + size + 1..).unwrap_or_default();
    }
    Some(contents)
}

/// The top directory of the repository around `dir`. Git runs hooks there, so a `.git`
/// in `dir` answers without asking git, unless the environment points git elsewhere.
pub fn repository_root(dir: &Path) -> Result<PathBuf> {
    let moved =
        std::env::var_os("GIT_DIR").is_some() || std::env::var_os("GIT_WORK_TREE").is_some();
    if !moved && dir.join(".git").exists() {
        return Ok(dir.to_path_buf());
    }
    let out = git(dir, &["rev-parse", "--show-toplevel"], b"").map_err(|_| {
        Error::new(
            dir.display().to_string(),
            "not inside a git repository (git rev-parse failed)",
        )
    })?;
    Ok(PathBuf::from(
        String::from_utf8_lossy(&out).trim_end_matches('\n'),
    ))
}

/// Where git keeps the hooks of the repository around `dir`.
fn hooks_dir(dir: &Path) -> Result<PathBuf> {
    let out = git(dir, &["rev-parse", "--git-path", "hooks"], b"").map_err(|_| {
        Error::new(
            dir.display().to_string(),
            "not inside a git repository (git rev-parse failed)",
        )
    })?;
    let path = PathBuf::from(String::from_utf8_lossy(&out).trim());
    Ok(if path.is_absolute() {
        path
    } else {
        dir.join(path)
    })
}

/// Installs the pre-commit hook; returns its path. Without `force`, replaces only a
/// hook that campaign-lint wrote and nobody edited since (byte for byte what this or an
/// earlier version writes): any other file there is someone's work.
pub fn install(dir: &Path, force: bool) -> Result<PathBuf> {
    let hooks = hooks_dir(dir)?;
    let path = hooks.join("pre-commit");
    let display = path.display().to_string();
    // Without the binary's path the script finds campaign-lint on the PATH.
    let bin = std::env::current_exe().map_or_else(|_| b"campaign-lint".to_vec(), path_bytes);
    let script = script_for(&bin);
    if !force {
        match std::fs::read(&path) {
            Ok(existing) if existing == script || is_unedited_script(&existing) => {}
            Ok(existing) => {
                let why = if existing
                    .windows(MARKER.len())
                    .any(|w| w == MARKER.as_bytes())
                {
                    "the pre-commit hook campaign-lint wrote has been edited since"
                } else {
                    "a pre-commit hook that campaign-lint did not write is already there"
                };
                return Err(Error::new(
                    &display,
                    format!(
                        "{why}; add `campaign-lint hook run` to it, or replace it with --force"
                    ),
                ));
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            // A hook that cannot be read may still be someone's work.
            Err(e) => {
                return Err(Error::new(
                    &display,
                    format!(
                        "cannot read the hook there ({}); replace it with --force",
                        crate::error::io_message(&e)
                    ),
                ));
            }
        }
    }
    std::fs::create_dir_all(&hooks)
        .map_err(|e| Error::new(hooks.display().to_string(), format!("cannot create: {e}")))?;
    std::fs::write(&path, script)
        .map_err(|e| Error::new(&display, format!("cannot write: {e}")))?;
    make_executable(&path)
        .map_err(|e| Error::new(&display, format!("cannot make it executable: {e}")))?;
    Ok(path)
}

/// The hook script that runs the binary at `bin`.
fn script_for(bin: &[u8]) -> Vec<u8> {
    let (head, tail) = SCRIPT.split_once("BIN").unwrap_or((SCRIPT, ""));
    [head.as_bytes(), &quote(bin), tail.as_bytes()].concat()
}

/// `bin` for the inside of a single-quoted POSIX shell word: there every byte stands for
/// itself (`$`, backticks, newlines too) except `'`, which ends the word, so each `'` is
/// written as `'\''` (end the word, an escaped quote, start a new word).
fn quote(bin: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bin.len() + 8);
    for &b in bin {
        if b == b'\'' {
            out.extend_from_slice(b"'\\''");
        } else {
            out.push(b);
        }
    }
    out
}

/// Whether `existing` is exactly a script that this or an earlier version of
/// campaign-lint installed, for some binary path (the binary may have moved since).
/// Earlier versions dropped the `'`s of the path; this one quotes them.
fn is_unedited_script(existing: &[u8]) -> bool {
    let bin_of = |template: &str| {
        let (head, tail) = template.split_once("BIN")?;
        existing
            .strip_prefix(head.as_bytes())?
            .strip_suffix(tail.as_bytes())
    };
    if let Some(bin) = bin_of(SCRIPT) {
        return quoted_word(bin);
    }
    EARLIER_SCRIPTS
        .iter()
        .filter_map(|t| bin_of(t))
        .any(|bin| !bin.contains(&b'\''))
}

/// Whether `text` is what [`quote`] writes for some path.
fn quoted_word(text: &[u8]) -> bool {
    let escaped = b"'\\''";
    let mut rest = text;
    loop {
        match rest.iter().position(|&b| b == b'\'') {
            None => return true,
            Some(at) if rest[at..].starts_with(escaped) => rest = &rest[at + escaped.len()..],
            Some(_) => return false,
        }
    }
}

#[cfg(unix)]
fn path_bytes(path: PathBuf) -> Vec<u8> {
    use std::os::unix::ffi::OsStringExt;
    path.into_os_string().into_vec()
}

#[cfg(not(unix))]
fn path_bytes(path: PathBuf) -> Vec<u8> {
    path.to_string_lossy().into_owned().into_bytes()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_diff_output() {
        let a = "a".repeat(40);
        let b = "b".repeat(40);
        let raw = format!(
            ":100644 100644 {a} {b} M\0campaigns/x y.html\0\
             :000000 120000 {a} {b} A\0link.html\0\
             :100644 100755 {a} {b} R087\0old.html\0new.html\0\
             :000000 160000 {a} {b} A\0sub.html\0"
        );
        let files = parse_raw(raw.as_bytes());
        assert_eq!(
            files,
            [
                StagedFile {
                    blob: b.clone(),
                    path: "campaigns/x y.html".into()
                },
                StagedFile {
                    blob: b.clone(),
                    path: "new.html".into()
                },
            ]
        );
        assert!(parse_raw(b"").is_empty());
    }

    #[test]
    fn scripts_are_recognised_only_unedited() {
        let bin = b"/opt/it's here/$HOME/`id`/\nbin/campaign-lint";
        let script = script_for(bin);
        assert!(is_unedited_script(&script));
        assert!(is_unedited_script(&script_for(b"/usr/bin/campaign-lint")));
        for earlier in EARLIER_SCRIPTS {
            let old = earlier.replace("BIN", "/usr/local/bin/campaign-lint");
            assert!(is_unedited_script(old.as_bytes()));
            assert!(!is_unedited_script(old.replace("exit", "exit ").as_bytes()));
        }
        // Edited: a line added, a quote that ends the word, a byte dropped.
        let mut edited = script.clone();
        edited.extend_from_slice(b"echo more\n");
        assert!(!is_unedited_script(&edited));
        let forged = SCRIPT.replace("BIN", "x'; rm -rf ~; '");
        assert!(!is_unedited_script(forged.as_bytes()));
        assert!(!is_unedited_script(&script[1..]));
        assert!(!is_unedited_script(b"\xff\xfe binary"));
    }

    #[test]
    fn batch_output() {
        let out = b"aaa blob 3\nab\n\nbbb blob 0\n\n";
        assert_eq!(parse_batch(out, 2), Some(vec![&b"ab\n"[..], &b""[..]]));
        assert_eq!(parse_batch(b"aaa missing\n", 1), None);
        assert_eq!(parse_batch(b"aaa blob 9\nab\n", 1), None);
    }
}
