#!/usr/bin/env bash
# The audience in a warehouse: `check --audience duckdb:DB?table=audience` (the recipient
# checks as one SQL query, run by DuckDB's program) against `check --audience FILE` (the
# streaming engine) on the same Mailchimp export, medians of $RUNS runs taken in turns.
#
#   bash benches/warehouse.sh [ROWS ...]        (default 1000000)
#
# Needs the exports of `bash benches/audience.sh --shape mailchimp --catalog full ROWS`
# (generated when missing) and the DuckDB program (.ci/install-sql.sh installs it; or set
# CAMPAIGN_LINT_DUCKDB). Each export is loaded once into $CARGO_TARGET_DIR/warehouse/.
set -euo pipefail
cd "$(dirname "$0")/.."
target=${CARGO_TARGET_DIR:-target}
runs=${RUNS:-3}
cargo build --release --quiet
eval "$(bash .ci/install-sql.sh | sed 's/^/export /')"
bin=$target/release/campaign-lint
mkdir -p "$target/warehouse"
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
for rows in "${@:-1000000}"; do
  csv=$target/bench-data/mailchimp-$rows.csv
  [ -f "$csv" ] || python3 benches/audience.py "$rows" --shape mailchimp --format csv --catalog full --generate-only
  db=$target/warehouse/mailchimp-$rows.duckdb
  if [ ! -f "$db" ]; then
    start=$(date +%s.%N)
    "$CAMPAIGN_LINT_DUCKDB" "$db" -c "CREATE TABLE audience AS SELECT * FROM read_csv('$csv', all_varchar = true, header = true)"
    echo "loaded $rows rows into $db in $(echo "$(date +%s.%N) - $start" | bc) s (once)"
  fi
  # The two take turns, so that a slow spell of this shared machine falls on both.
  engine=(); warehouse=()
  for _ in $(seq "$runs"); do
    for source in "$csv" "duckdb:$db?table=audience"; do
      start=$(date +%s.%N)
      "$bin" check samples/campaigns/free-phone.eml --audience "$source" \
        --catalog "$target/bench-data/catalog-20000.toml" --format json >"$target/warehouse/out.json" 2>/dev/null || [ $? -eq 1 ]
      took=$(echo "$(date +%s.%N) - $start" | bc)
      counts=$(python3 -c "import json; print(json.load(open('$target/warehouse/out.json'))['summary']['audience']['rule_recipients'])")
      if [[ $source == duckdb:* ]]; then warehouse+=("$took"); want=$counts; else engine+=("$took"); got=$counts; fi
    done
    [ "$got" = "$want" ] || { echo "COUNTS DIFFER: engine $got, DuckDB $want"; exit 1; }
  done
  printf '%-10s engine  median %6.2f s of %s\n' "$rows" "$(printf '%s\n' "${engine[@]}" | median)" "${engine[*]}"
  printf '%-10s duckdb  median %6.2f s of %s\n' "$rows" "$(printf '%s\n' "${warehouse[@]}" | median)" "${warehouse[*]}"
  echo "           same counts in every run: $got"
done
