#!/usr/bin/env bash
# Precision and recall of every rule on the judged real-mail corpus (tests/corpus/real):
# runs tests/realmail.rs and prints its table (rule, findings, right, wrong, precision,
# problems, found, recall). Exits with the test's status: non-zero while a rule is below
# 90% precision, all rules below 95%, or the table in verdicts.toml is out of date.
#
#   bash benches/precision.sh
set -uo pipefail
cd "$(dirname "$0")/.."
out=$(cargo test --quiet --test realmail -- --nocapture 2>&1)
status=$?
# The table, as the test prints it first.
printf '%s\n' "$out" | sed -n '/^real-mail corpus: /,/^all rules /p'
if [ "$status" -ne 0 ]; then
    printf '\n%s\n' "$out" | grep -E '^(precision too low|.*(no longer found|found now|no verdict|not in the corpus|two verdicts))' | head -40
    echo
    echo "failed: cargo test --test realmail shows every wrong finding"
fi
exit "$status"
