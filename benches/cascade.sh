#!/usr/bin/env bash
# What the `<style>` cascade costs: one large template (about 400 KB, 2,000 elements, 300
# rules of every selector kind, with `@media` blocks), checked whole-process, median of N
# runs, against the same template with its `<style>` blocks emptied (inline styles only),
# and hostile ones (10,000 and 20,000 rules that all could match every link: the cost
# grows with the sheet, matching stops at a fixed budget).
#
#   bash benches/cascade.sh [RUNS]      (default 21)
#
# CAMPAIGN_LINT_BIN=PATH times that binary instead of building this tree's.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-21}
if [ -n "${CAMPAIGN_LINT_BIN:-}" ]; then
  bin=$CAMPAIGN_LINT_BIN
else
  cargo build --release --quiet
  bin=${CARGO_TARGET_DIR:-$(pwd)/target}/release/campaign-lint
fi
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
python3 - "$dir" <<'PY'
import random, sys
out = sys.argv[1]
rnd = random.Random(400)
words = ("spring summer offer headphones speakers television warranty delivery free return "
         "store service customer news product colour sound picture light weekend").split()
classes = [f"c{i}" for i in range(120)]
rules = []
for i in range(300):
    kind = i % 6
    c, d = rnd.choice(classes), rnd.choice(classes)
    sel = [f".{c}", f".{c} a", f"td.{c} > p", f"#s{i} .{d}", f"table .{c} td a:link",
           f"div[data-x=\"{i}\"] span"][kind]
    decl = rnd.choice(["color:#333333", "background-color:#f4f4f4", "font-size:14px",
                       "padding:0 10px", "line-height:1.4", "display:block"])
    rules.append(f"{sel} {{ {decl}; }}")
css = "\n".join(rules[:240])
media = "\n".join(rules[240:])
sheet = (f"<style type=\"text/css\">\n{css}\n</style>\n"
         f"<style>@media only screen and (max-width:600px) {{ {media} }}\n"
         f"@media screen {{ .c1 a {{ color:#111111 !important; }} }}</style>")
def para():
    return " ".join(rnd.choice(words) for _ in range(rnd.randint(45, 75))).capitalize() + "."
cells, elements = [], 0
while elements < 1990:
    c = rnd.choice(classes)
    cells.append(f"<tr><td class=\"{c}\" style=\"padding:8px\"><p class=\"{rnd.choice(classes)}\">"
                 f"{para()} <a href=\"https://shop.example.com/p{elements}\">{para()[:30]}</a></p>"
                 f"<div data-x=\"{elements % 300}\"><span>{para()}</span></div></td></tr>")
    elements += 6
footer = ("<tr><td class=\"footer\" bgcolor=\"#414141\">Nordlicht GmbH, Musterstrasse 12, 20095 Hamburg. "
          "<a href=\"https://shop.example.com/unsubscribe\">Unsubscribe</a></td></tr>")
def page(style):
    return (f"<!DOCTYPE html><html><head><title>News</title>{style}</head><body>"
            f"<table>{''.join(cells)}{footer}</table></body></html>")
body = page(sheet)
open(f"{out}/styled.html", "w").write(body)
open(f"{out}/inline.html", "w").write(page(""))
for n in (10000, 20000):
    hostile = "<style>" + "".join(f".h{i} a, td a {{ color:#fefefe }}\n" for i in range(n)) + "</style>"
    open(f"{out}/hostile-{n}.html", "w").write(page(hostile))
print(f"styled.html: {len(body) // 1000} KB, {elements + 8} elements, {len(rules) + 1} rules")
PY
python3 - "$bin" "$runs" "$dir" <<'PY'
import statistics, subprocess, sys, time
bin, runs, d = sys.argv[1], int(sys.argv[2]), sys.argv[3]
def median_ms(args):
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run([bin] + args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times), min(times)
print(f"{'case':44} {'median ms':>10} {'min ms':>8}")
for name, args in [("start-up: campaign-lint --version", ["--version"]),
                   ("inline styles only (style blocks removed)", ["check", f"{d}/inline.html"]),
                   ("with 301 style rules", ["check", f"{d}/styled.html"]),
                   ("hostile: 10,000 rules", ["check", f"{d}/hostile-10000.html"]),
                   ("hostile: 20,000 rules", ["check", f"{d}/hostile-20000.html"])]:
    med, mn = median_ms(args)
    print(f"{name:44} {med:10.2f} {mn:8.2f}")
PY
