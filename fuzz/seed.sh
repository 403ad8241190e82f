#!/bin/sh
# Fills fuzz/corpus/<target>/ from samples/ (and the few hand-written seeds in
# fuzz/seeds/). Run from anywhere; the corpora are generated, not committed.
set -eu
fuzz=$(cd "$(dirname "$0")" && pwd)
samples="$fuzz/../samples"
corpus="$fuzz/corpus"
mkdir -p "$corpus/campaign" "$corpus/html" "$corpus/profile_json" "$corpus/audience" "$corpus/rule_file" \
    "$corpus/json_skeleton" "$corpus/address" "$corpus/engines"

for f in "$samples"/campaigns/*.eml "$samples"/templates/* "$samples"/variants/*; do
    cp "$f" "$corpus/campaign/"
done
for f in "$samples"/templates/*.html "$samples"/templates/*.mjml "$samples"/variants/*.html; do
    cp "$f" "$corpus/html/"
done
for f in "$samples"/profiles/*.json; do
    cp "$f" "$corpus/profile_json/"
done
# The audience target reads its first byte as the format: 0 = .csv, 2 = .jsonl, 3 = .json.
for f in "$samples"/audiences/*.csv; do
    { printf '\000'; cat "$f"; } > "$corpus/audience/$(basename "$f")"
done
# The engines target reads its first byte as the format: 0 = .csv, 1 = .jsonl, 2 = .csv.gz.
for f in "$samples"/audiences/*.csv; do
    { printf '\000'; cat "$f"; } > "$corpus/engines/$(basename "$f")"
done
for f in "$samples"/audiences/*.jsonl; do
    [ -e "$f" ] || continue
    { printf '\001'; cat "$f"; } > "$corpus/engines/$(basename "$f")"
done
for f in "$samples"/../rules/*.toml "$samples"/packs/*/*.toml; do
    cp "$f" "$corpus/rule_file/$(basename "$(dirname "$f")")-$(basename "$f")"
done
cp -r "$fuzz"/seeds/. "$corpus"/
echo "seeded $(find "$corpus" -type f | wc -l) files into $corpus"
