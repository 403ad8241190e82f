#!/usr/bin/env bash
# Test tools for tests/proof.rs: a real SMTP server (aiosmtpd), trustme (a test CA and a
# certificate for 127.0.0.1, for STARTTLS and implicit TLS) and dkimpy (a DKIM verifier),
# in a venv under target/ that is kept between runs and only rebuilt when a package is
# missing.
# Prints the environment the tests read as KEY=VALUE lines on stdout; logs go to stderr.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=target/ci-render-venv
if ! "$venv/bin/python" -c 'import aiosmtpd, trustme, dkim' 2>/dev/null; then
  rm -rf "$venv"
  python3 -m venv "$venv" >&2
  "$venv/bin/pip" install --quiet --disable-pip-version-check aiosmtpd==1.4.6 trustme==1.2.1 dkimpy==1.1.8 >&2
fi
echo "CAMPAIGN_LINT_SMTP_PYTHON=$PWD/$venv/bin/python"
