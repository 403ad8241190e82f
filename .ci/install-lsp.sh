#!/usr/bin/env bash
# The real LSP client for tests/server.rs, pytest-lsp, and the pre-commit framework for
# tests/precommit.rs (both PyPI) in a venv under target/,
# made once and kept between runs; and the check that the crate packages (`cargo package`
# builds the packaged sources on their own). Progress goes to stderr; stdout carries the
# variable the test reads, as KEY=VALUE.
set -euo pipefail
cd "$(dirname "$0")/.."

venv=target/ci-lsp-venv
if ! "$venv/bin/python" -c 'import pytest_lsp, pre_commit' 2>/dev/null; then
  rm -rf "$venv"
  python3 -m venv "$venv" >&2
  "$venv/bin/pip" install --quiet --disable-pip-version-check \
    pytest-lsp==1.0.1 pygls==2.1.1 lsprotocol==2025.0.0 pytest==9.2.0 pytest-asyncio==1.5.0 \
    pre-commit==4.7.0 >&2
fi
echo "== cargo package" >&2
cargo package --locked >&2

echo "CAMPAIGN_LINT_LSP_PYTHON=$PWD/$venv/bin/python"
