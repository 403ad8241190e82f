#!/usr/bin/env bash
# Times one `campaign-lint check` of each sample campaign (with a profile and the catalog),
# whole process, median of N runs, next to a reference measured in the same run: the same
# binary printing its version (process start-up alone).
#
#   bash benches/check-sample.sh [RUNS]      (default 31)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-31}
cargo build --release --quiet
bin=target/release/campaign-lint
python3 - "$bin" "$runs" <<'PY'
import statistics, subprocess, sys, time, glob
bin, runs = sys.argv[1], int(sys.argv[2])
def median_ms(args):
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run([bin] + args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times), min(times)
ref, ref_min = median_ms(["--version"])
print(f"{'case':44} {'median ms':>10} {'min ms':>8} {'× start-up':>11}")
print(f"{'reference: campaign-lint --version':44} {ref:10.2f} {ref_min:8.2f} {1.0:11.2f}")
cases = [(f, ["check", f, "--profile", "samples/profiles/customer.json", "--catalog", "samples/catalog.toml", "--format", "json"])
         for f in sorted(glob.glob("samples/campaigns/*.eml"))]
cases.append((f"all {len(cases)} campaigns, one run", ["check", "samples/campaigns", "--profile", "samples/profiles/customer.json", "--catalog", "samples/catalog.toml", "--format", "json"]))
for name, args in cases:
    med, mn = median_ms(args)
    print(f"{name:44} {med:10.2f} {mn:8.2f} {med / ref:11.2f}")
PY
