"""Generates realistic audience exports and times campaign-lint against DuckDB on them.

The campaign is samples/campaigns/free-phone.eml (English; offers the BRAVIA X85J TV and the
Xperia 5 V phone). The question both tools answer: how many recipients do not read
English, own one of the offered products, or must not be mailed. The counts are compared,
so a fast wrong answer cannot pass.
"""

import json
import os
import random
import statistics
import subprocess
import sys
import time

# Runs per tool and export; the two tools take turns, so that a slow spell of this shared
# machine falls on both.
RUNS = int(os.environ.get("RUNS", "7"))
DATA = "target/bench-data"
BIN = "target/release/campaign-lint"
CAMPAIGN = "samples/campaigns/free-phone.eml"
CATALOG = "samples/catalog.toml"
ENGLISH = ["en", "en-GB", "en-US", "English"]
LANGS = ENGLISH + ["de", "de-DE", "Deutsch", "fr", "fr-FR", "es", "it", "nl", "sv", "pl"]
SKUS = ["KD-55X85J", "KD-65X90L", "XQ-DQ54", "XQ-CT54", "SPK-HCF", "SPK-HCF-OR", "SU-WL855"]
OFFERED = ["KD-55X85J", "XQ-DQ54"]


def generate(rows):
    os.makedirs(DATA, exist_ok=True)
    csv_path = f"{DATA}/audience-{rows}.csv"
    jsonl_path = f"{DATA}/audience-{rows}.jsonl"
    if os.path.exists(csv_path) and os.path.exists(jsonl_path):
        return csv_path, jsonl_path
    rnd = random.Random(rows)
    with open(csv_path, "w") as c, open(jsonl_path, "w") as j:
        c.write("email,first_name,language,country,owned_products,status\n")
        for i in range(rows):
            lang = rnd.choice(LANGS)
            owned = rnd.sample(SKUS, rnd.choice([0, 0, 0, 1, 1, 2, 3, 5]))
            status = "unsubscribed" if rnd.random() < 0.03 else ("cleaned" if rnd.random() < 0.01 else "subscribed")
            email = f"user{i}@example.com"
            c.write(f"{email},Ann,{lang},DE,{';'.join(owned)},{status}\n")
            j.write(json.dumps({"email": email, "first_name": "Ann", "language": lang, "country": "DE",
                                "owned_products": owned, "status": status}) + "\n")
    return csv_path, jsonl_path


def timed(cmd):
    """Wall seconds and peak RSS (MB) of one whole process, and its stdout."""
    start = time.perf_counter()
    p = subprocess.run(["/usr/bin/time", "-f", "%M"] + cmd, capture_output=True, text=True)
    wall = time.perf_counter() - start
    rss_kb = int(p.stderr.strip().splitlines()[-1])
    return wall, rss_kb / 1024, p.stdout


def campaign_lint(path):
    cmd = [BIN, "check", CAMPAIGN, "--audience", path, "--catalog", CATALOG, "--format", "json"]
    wall, rss, out = timed(cmd)
    summary = json.loads(out)["summary"]["audience"]["rule_recipients"]
    counts = (summary.get("language-mismatch", 0), summary.get("owned-product-offer", 0),
              summary.get("suppressed-recipient", 0))
    return wall, rss, counts


def duckdb(path):
    english = ", ".join(f"'{l.lower()}'" for l in ENGLISH)
    if path.endswith(".csv"):
        source = f"read_csv('{path}', header=true, all_varchar=true)"
        owned = " OR ".join(f"list_contains(string_split(owned_products, ';'), '{s}')" for s in OFFERED)
    else:
        source = f"read_json('{path}', format='newline_delimited')"
        owned = " OR ".join(f"list_contains(owned_products, '{s}')" for s in OFFERED)
    sql = (f"SELECT count(*) FILTER (WHERE lower(language) NOT IN ({english})), "
           f"count(*) FILTER (WHERE {owned}), "
           f"count(*) FILTER (WHERE status IN ('unsubscribed', 'cleaned')) FROM {source}")
    # No progress bar: on long queries DuckDB draws one on the terminal or stdout.
    script = ("import duckdb; duckdb.execute('SET enable_progress_bar = false'); "
              f"print(list(duckdb.sql({sql!r}).fetchall()[0]))")
    wall, rss, out = timed([sys.executable, "-c", script])
    return wall, rss, tuple(json.loads(out.strip().splitlines()[-1]))


def main():
    sizes = [int(a) for a in sys.argv[1:]] or [100_000, 1_000_000]
    print(f"{'export':28} {'tool':14} {'median s':>9} {'min s':>7} {'peak MB':>8} {'rows/s':>12}  counts")
    for rows in sizes:
        for path in generate(rows):
            tools = (("campaign-lint", campaign_lint), ("duckdb", duckdb))
            runs = {name: [] for name, _ in tools}
            for _ in range(RUNS):
                for name, tool in tools:
                    runs[name].append(tool(path))
            medians = {}
            for name, _ in tools:
                walls = [r[0] for r in runs[name]]
                medians[name] = statistics.median(walls)
                print(f"{os.path.basename(path):28} {name:14} {medians[name]:9.3f} {min(walls):7.3f} "
                      f"{max(r[1] for r in runs[name]):8.1f} {rows / medians[name]:12,.0f}  "
                      f"{runs[name][0][2]}")
            counts = {name: {r[2] for r in runs[name]} for name, _ in tools}
            same = len(counts["campaign-lint"]) == 1 and counts["campaign-lint"] == counts["duckdb"]
            verdict = "same counts" if same else "COUNTS DIFFER"
            # Each run of campaign-lint against the DuckDB run next to it.
            pairs = [a[0] / b[0] for a, b in zip(runs["campaign-lint"], runs["duckdb"])]
            print(f"{'':28} {'ratio':14} {medians['campaign-lint'] / medians['duckdb']:9.2f}   "
                  f"(of medians; median of {RUNS} side-by-side runs {statistics.median(pairs):.2f}; "
                  f"target <= 0.50)  {verdict}")


if __name__ == "__main__":
    main()
