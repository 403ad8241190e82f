#!/usr/bin/env bash
# What tests/sql.rs needs: DuckDB (the Python package and the command-line program) and
# sqlglot from PyPI in the CI venv (target/ci-venv), and
# PostgreSQL's server binaries from Debian. Idempotent: installs only what is missing.
# Prints KEY=VALUE lines for the caller to export (everything else goes to stderr).
set -euo pipefail
cd "$(dirname "$0")/.."
venv=target/ci-venv
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv" >&2
fi
if ! "$venv/bin/python" -c 'import duckdb, sqlglot' 2>/dev/null || [ ! -x "$venv/bin/duckdb" ]; then
  "$venv/bin/pip" install --quiet --disable-pip-version-check \
    duckdb==2.0.1 duckdb-cli==1.5.6 sqlglot==30.30.0 >&2
fi
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
fi
pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
echo "CAMPAIGN_LINT_SQL_PYTHON=$PWD/$venv/bin/python"
echo "CAMPAIGN_LINT_PG_BIN=$pg_bin"
echo "CAMPAIGN_LINT_DUCKDB=$PWD/$venv/bin/duckdb"
