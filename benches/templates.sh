#!/usr/bin/env bash
# A repository of campaign templates: 1,000 realistic HTML templates of 30-120 KB in a
# temporary git repository. Times, as medians of several whole-process runs:
#   - `campaign-lint check .` over the repository (target: under 1 s on 2 cores);
#   - the pre-commit path: the installed hook on one staged template (target: under 20 ms).
#
#   bash benches/templates.sh [COUNT] [RUNS]      (defaults: 1000 7)
#
# CAMPAIGN_LINT_BIN=PATH times that binary instead of building this tree's (to compare
# two versions on the same machine).
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-1000}
runs=${2:-7}
if [ -n "${CAMPAIGN_LINT_BIN:-}" ]; then
  bin=$CAMPAIGN_LINT_BIN
else
  cargo build --release --quiet
  bin=${CARGO_TARGET_DIR:-$(pwd)/target}/release/campaign-lint
fi
repo=$(mktemp -d)
trap 'rm -rf "$repo"' EXIT
python3 - "$repo" "$count" <<'PY'
import random, sys
repo, count = sys.argv[1], int(sys.argv[2])
rnd = random.Random(count)
words = ("spring summer offer headphones speakers television warranty delivery free return store "
         "service customer news product colour sound picture light weekend member points").split()
def para():
    return " ".join(rnd.choice(words) for _ in range(rnd.randint(30, 80))).capitalize() + "."
for i in range(count):
    target = rnd.randint(30_000, 120_000)
    rows = []
    while sum(map(len, rows)) < target:
        rows.append(f'<tr><td class="text" style="padding:0 24px 16px 24px;font-family:Arial,Helvetica,sans-serif;'
                    f'font-size:15px;line-height:22px;color:#333333;">{para()}</td></tr>\n')
    html = (f'<!DOCTYPE html>\n<html lang="en">\n<head><meta charset="utf-8"><title>Campaign {i}</title>'
            f'<style>td {{ font-family: Arial; }} @media (max-width: 600px) {{ .text {{ padding: 0 12px; }} }}</style></head>\n'
            f'<body style="margin:0;background:#f4f4f4;">\n<div style="display:none;max-height:0;overflow:hidden;">{para()}</div>\n'
            f'<table role="presentation" width="600" cellpadding="0" cellspacing="0" bgcolor="#ffffff">\n'
            + "".join(rows) +
            f'<tr><td style="font-size:12px;color:#555555;">Nordlicht Electronics GmbH, Musterstraße 12, 20095 Hamburg. '
            f'<a href="*|UNSUB|*" style="color:#555555;">Unsubscribe</a></td></tr>\n</table>\n</body>\n</html>\n')
    sub = f"{repo}/campaigns/{2020 + i % 6}"
    import os; os.makedirs(sub, exist_ok=True)
    open(f"{sub}/campaign-{i:04}.html", "w").write(html)
PY
( cd "$repo" && git init -q && git add -A && git -c user.email=b@example.com -c user.name=bench commit -qm templates )
size=$(du -sh "$repo/campaigns" | cut -f1)
( cd "$repo" && "$bin" hook install > /dev/null )
one=campaigns/2020/campaign-0000.html
python3 - "$repo" "$bin" "$runs" "$one" "$count" "$size" <<'PY'
import statistics, subprocess, sys, time
repo, binary, runs, one, count, size = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5], sys.argv[6]
def median(cmd, prepare=None):
    times = []
    for _ in range(runs):
        if prepare:
            prepare()
        t = time.perf_counter()
        subprocess.run(cmd, cwd=repo, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - t)
    return statistics.median(times), min(times)
ref, _ = median([binary, "--version"])
full, full_min = median([binary, "check", ".", "--format", "concise"])
def stage():
    with open(f"{repo}/{one}", "a") as f:
        f.write("<!-- edit -->\n")
    subprocess.run(["git", "add", one], cwd=repo, check=True)
hook, hook_min = median(["sh", ".git/hooks/pre-commit"], stage)
print(f"{count} templates ({size}) in a git repository, medians of {runs} runs")
print(f"  reference: campaign-lint --version       {ref * 1000:8.1f} ms")
print(f"  campaign-lint check .                    {full * 1000:8.1f} ms  (min {full_min * 1000:.1f})  target < 1000 ms")
print(f"  pre-commit hook, one staged template     {hook * 1000:8.1f} ms  (min {hook_min * 1000:.1f})  target < 20 ms")
PY
