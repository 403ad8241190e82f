#!/usr/bin/env bash
# Audience throughput: `campaign-lint check --audience` against DuckDB answering the same
# question over the same export, whole process, medians of several runs, peak memory.
#
#   bash benches/audience.sh [ROWS ...] [--shape classic|mailchimp|shopify] [--format csv|jsonl|both]
#
# ROWS default to 100000 1000000; the shapes are described in benches/audience.py. Needs
# python3; installs DuckDB from PyPI into $CARGO_TARGET_DIR/bench-venv (target/bench-venv)
# when it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
venv=${CARGO_TARGET_DIR:-target}/bench-venv
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
"$venv/bin/python" -c "import duckdb" 2>/dev/null || "$venv/bin/python" -m pip install --quiet duckdb
"$venv/bin/python" benches/audience.py "$@"
