#!/usr/bin/env bash
# Installs what tests/report_html.rs needs to open the HTML report in a real browser:
# Debian's chromium (headless) and playwright-core from npm, which drives it (no browser
# download: it is pointed at /usr/bin/chromium). Idempotent: each step is skipped when
# its result is already there. playwright-core is cached under target/ like the SARIF
# validator. Progress goes to stderr; stdout is only KEY=VALUE lines for the tests:
#   while IFS= read -r kv; do export "$kv"; done < <(.ci/install-html.sh)
set -euo pipefail
cd "$(dirname "$0")/.."

playwright_version=1.65.2
dir=target/ci-html

if ! command -v chromium >/dev/null 2>&1; then
  echo "== installing chromium (apt-get)" >&2
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >&2
fi
if ! command -v node >/dev/null 2>&1; then
  echo "== installing nodejs and npm (apt-get)" >&2
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >&2
fi
installed=$(node -p "require('./$dir/node_modules/playwright-core/package.json').version" 2>/dev/null || true)
if [ "$installed" != "$playwright_version" ]; then
  echo "== installing playwright-core $playwright_version under $dir" >&2
  mkdir -p "$dir"
  # PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: the tests use the system chromium.
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --silent --no-audit --no-fund \
    --prefix "$dir" "playwright-core@$playwright_version" >&2
fi
echo "CAMPAIGN_LINT_CHROMIUM=$(command -v chromium)"
echo "CAMPAIGN_LINT_PLAYWRIGHT=$PWD/$dir/node_modules/playwright-core"
