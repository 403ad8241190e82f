//! `campaign-lint server` driven by a real LSP client: pytest-lsp (PyPI) runs the
//! scenarios of `tests/lsp/test_server.py` against the binary over stdio.
//!
//! The client lives in the venv `.ci/install-lsp.sh` makes (`target/ci-lsp-venv`, or the
//! Python named by `CAMPAIGN_LINT_LSP_PYTHON`). Without it the test is skipped with a
//! message, except under CI (`CI` set), where a missing client fails the run.

mod common;

use std::path::PathBuf;
use std::process::Command;

use common::root;

/// The venv's Python with pytest-lsp, or None after saying why the test is skipped.
fn python() -> Option<PathBuf> {
    let python = std::env::var_os("CAMPAIGN_LINT_LSP_PYTHON").map_or_else(
        || root().join("target/ci-lsp-venv/bin/python"),
        PathBuf::from,
    );
    let ready = Command::new(&python)
        .args(["-c", "import pytest_lsp"])
        .output()
        .is_ok_and(|o| o.status.success());
    if ready {
        return Some(python);
    }
    let reason = format!(
        "{} cannot import pytest_lsp: run .ci/install-lsp.sh",
        python.display()
    );
    assert!(
        std::env::var_os("CI").is_none(),
        "CI is set, so the language server test may not be skipped: {reason}"
    );
    eprintln!("skipped: {reason}");
    None
}

#[test]
fn language_server_with_a_real_client() {
    let Some(python) = python() else { return };
    let out = Command::new(python)
        .args([
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-o",
            "asyncio_default_fixture_loop_scope=function",
            "tests/lsp/test_server.py",
        ])
        .current_dir(root())
        .env("CAMPAIGN_LINT_BIN", env!("CARGO_BIN_EXE_campaign-lint"))
        .output()
        .expect("run pytest");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "pytest-lsp failed:\n{stdout}\n{stderr}"
    );
    // Every scenario ran: a skipped one must not pass unnoticed.
    assert!(stdout.contains("5 passed"), "{stdout}");
}
