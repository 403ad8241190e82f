//! Foreign corpora: every message of mail-parser's own test corpus (it ships inside the
//! crate source cargo already downloaded; found through `cargo metadata`, not copied) and
//! CPython's email test messages when a Python installation has them. Each must end with
//! exit 0, 1 or 2 and a message, never a panic, a hang or an abort.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

/// The host's target triple, from `rustc -vV`.
fn host() -> Option<String> {
    let out = Command::new("rustc").arg("-vV").output().ok()?;
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("host: "))
        .map(str::to_owned)
}

/// The directory of a dependency's source: from `cargo metadata` (for this platform, so
/// it needs no download), else from cargo's registry, where it must be to be compiled.
fn crate_dir(name: &str) -> Option<PathBuf> {
    let mut cmd = Command::new(env!("CARGO"));
    cmd.args(["metadata", "--format-version", "1", "--offline"]);
    if let Some(host) = host() {
        cmd.args(["--filter-platform", &host]);
    }
    let from_metadata = cmd
        .current_dir(common::root())
        .stderr(Stdio::null())
        .output()
        .ok()
        .and_then(|out| serde_json::from_slice::<serde_json::Value>(&out.stdout).ok())
        .and_then(|meta| {
            let manifest = meta["packages"]
                .as_array()?
                .iter()
                .find(|p| p["name"] == name)?["manifest_path"]
                .as_str()?
                .to_owned();
            Path::new(&manifest).parent().map(Path::to_path_buf)
        });
    from_metadata.or_else(|| {
        let home = std::env::var_os("CARGO_HOME")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))?;
        let registries = std::fs::read_dir(home.join("registry").join("src")).ok()?;
        registries.filter_map(Result::ok).find_map(|index| {
            std::fs::read_dir(index.path())
                .ok()?
                .filter_map(Result::ok)
                .map(|e| e.path())
                .find(|p| {
                    p.file_name()
                        .and_then(|n| n.to_str())
                        .is_some_and(|n| n.starts_with(&format!("{name}-0.11")))
                })
        })
    })
}

fn messages(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() {
            messages(&p, ext, out);
        } else if p.extension().is_some_and(|e| e == ext) {
            out.push(p);
        }
    }
}

/// Runs `check` on each file with a time limit; returns the exit-code histogram.
fn run_corpus(files: &[PathBuf]) -> BTreeMap<i32, usize> {
    let mut histogram = BTreeMap::new();
    for file in files {
        let child = Command::new(env!("CARGO_BIN_EXE_campaign-lint"))
            .arg("check")
            .arg(file)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start campaign-lint");
        // Read the output while waiting (a full pipe would block the child), with a limit.
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let _ = tx.send(child.wait_with_output());
        });
        let output = rx
            .recv_timeout(Duration::from_secs(20))
            .unwrap_or_else(|_| panic!("{} took more than 20 s", file.display()))
            .expect("wait for campaign-lint");
        let status = output.status;
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        assert!(
            !stderr.contains("panicked"),
            "{} panicked:\n{stderr}",
            file.display()
        );
        let code = status
            .code()
            .unwrap_or_else(|| panic!("{} was killed by a signal", file.display()));
        assert!(
            (0..=2).contains(&code),
            "{}: exit code {code}",
            file.display()
        );
        if code == 2 {
            // The job could not be done: the message says so and names the file.
            let named = format!("error: {}", file.display());
            assert!(
                stdout.contains(&named) || stderr.contains(&named),
                "{}: exit 2 without a message naming the file:\n{stdout}{stderr}",
                file.display()
            );
        }
        *histogram.entry(code).or_default() += 1;
    }
    histogram
}

#[test]
fn mail_parser_corpus() {
    let Some(dir) = crate_dir("mail-parser") else {
        eprintln!("skipped: cargo metadata does not know mail-parser's source directory");
        return;
    };
    let mut files = Vec::new();
    messages(&dir.join("resources").join("eml"), "eml", &mut files);
    assert!(
        files.len() > 50,
        "mail-parser's corpus is in {}",
        dir.display()
    );
    let histogram = run_corpus(&files);
    eprintln!(
        "mail-parser corpus: {} messages, exit codes {histogram:?}",
        files.len()
    );
}

#[test]
fn cpython_email_corpus() {
    let Ok(out) = Command::new("python3")
        .args([
            "-c",
            "import test.test_email, os; print(os.path.dirname(test.test_email.__file__))",
        ])
        .output()
    else {
        eprintln!("skipped: no python3");
        return;
    };
    let dir = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()).join("data");
    let mut files = Vec::new();
    messages(&dir, "txt", &mut files);
    if files.is_empty() {
        eprintln!(
            "skipped: this Python installation has no email test messages (test.test_email/data)"
        );
        return;
    }
    let histogram = run_corpus(&files);
    eprintln!(
        "CPython email corpus: {} messages, exit codes {histogram:?}",
        files.len()
    );
}
