#!/usr/bin/env bash
# Language detection on real prose: campaign-lint against its peers (plain whatlang,
# whatlang with an allowlist, SpamAssassin's TextCat), scored per reader (see
# benches/language/score.py). The texts are cut from Debian's fortune files and
# translated manual pages at run time (they are GPL or of unknown licence, so they are
# not committed); the committed subset in tests/corpus/prose/ is a test.
#
# Usage: benches/language.sh [WORDS] [PER_LANGUAGE]     (defaults: 60 words, 12 texts)
# Needs root for apt-get the first time; set SKIP_APT=1 when the packages are installed.
set -euo pipefail
cd "$(dirname "$0")/.."
words=${1:-60}
per=${2:-12}
langs=en,de,es,it,pl,pt,ru,cs,bg,zh,fr,ja

if [ -z "${SKIP_APT:-}" ]; then
    apt-get install -y --no-install-recommends fortunes fortunes-de fortunes-es \
        fortunes-it fortunes-pl fortunes-br fortunes-ru fortunes-cs fortunes-bg \
        fortunes-zh manpages-fr manpages-ja man-db spamassassin >/dev/null
fi

target=${CARGO_TARGET_DIR:-target}
# PROFILE=debug for a quicker build while iterating (the figures are the same).
profile=${PROFILE:-release}
cargo build --profile "${profile/debug/dev}" --quiet --bin campaign-lint --example language_baselines
bin=$target/$profile/campaign-lint

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
set_dir=$work/set
out=$work/results
mkdir -p "$out"
python3 benches/language/make_set.py "$set_dir" "$words" "$per"

# One reader per language of the set.
echo "email,language" >"$work/audience.csv"
for l in ${langs//,/ }; do echo "$l@example.com,$l" >>"$work/audience.csv"; done

# campaign-lint as shipped, and with the set's languages as the rule's allowlist (what
# a brand that writes in these languages sets in campaign-lint.toml).
printf '[rules.language-mismatch.params]\nallowlist = ["%s"]\n' "${langs//,/\", \"}" >"$work/allowlist.toml"
run() {
    local out_file=$1
    shift
    while IFS=$'\t' read -r file _; do
        "$bin" check "$set_dir/$file" --audience "$work/audience.csv" "$@" \
            --findings-out "$work/findings.jsonl" --format json >/dev/null 2>&1 || true
        errors=$(python3 -c '
import json, sys
langs = set()
for line in open(sys.argv[1]):
    row = json.loads(line)
    if any(f["rule"] == "language-mismatch" and f["severity"] == "error" for f in row["findings"]):
        langs.add(row["email"].split("@")[0])
print(",".join(sorted(langs)))' "$work/findings.jsonl")
        printf '%s\t%s\n' "$file" "$errors" >>"$out_file"
    done <"$set_dir/index.tsv"
}
start=$(date +%s.%N)
run "$out/campaign-lint.tsv"
end=$(date +%s.%N)
run "$out/campaign-lint-allowlist.tsv" --config "$work/allowlist.toml"

"$target/$profile/examples/language_baselines" "$set_dir" "$langs" <"$set_dir/index.tsv" >"$out/whatlang.tsv"
perl benches/language/textcat.pl "$set_dir" <"$set_dir/index.tsv" >"$out/textcat.tsv"

python3 benches/language/score.py "$set_dir" "$out" "$langs" ${VERBOSE:+-v}
echo
python3 benches/language/score.py "$set_dir" "$out" en,de,es,it,pl,pt,fr ${VERBOSE:+-v}
printf '\ncampaign-lint: %d runs in %.1f s\n' "$(wc -l <"$set_dir/index.tsv")" "$(echo "$end - $start" | bc)"
if [ -n "${KEEP:-}" ]; then cp -r "$work" "$KEEP"; echo "kept in $KEEP"; fi
