"""The Spark dialect on a real Spark (local mode): same counts per rule and same suppression
list as `campaign-lint check --audience` on the same export, and the time each takes.

    python benches/spark_equivalence.py EXPORT.csv CAMPAIGN [campaign-lint options...]

Needs pyspark (PyPI) and Java 17; run it with the Python that has pyspark, e.g.
`target/spark-venv/bin/python` after `python3 -m venv target/spark-venv &&
target/spark-venv/bin/pip install pyspark==4.3.0`. The CSV is read with every column as
text, as campaign-lint reads it. Exits non-zero when the answers differ.
"""

import csv
import json
import os
import subprocess
import sys
import tempfile
import time

from pyspark.sql import SparkSession

TARGET = os.environ.get("CARGO_TARGET_DIR", "target")
BIN = os.environ.get("CAMPAIGN_LINT", f"{TARGET}/release/campaign-lint")
export, campaign, extra = sys.argv[1], sys.argv[2], sys.argv[3:]

with open(export, newline="", encoding="utf-8") as f:
    columns = next(csv.reader(f))

work = tempfile.mkdtemp(prefix="spark-equivalence-")
suppress = os.path.join(work, "suppress.csv")
start = time.perf_counter()
engine = subprocess.run(
    [BIN, "check", campaign, "--audience", export, "--format", "json", "--allow-skipped",
     "--suppress-out", suppress, *extra],
    capture_output=True, text=True)
engine_s = time.perf_counter() - start
if engine.returncode > 1:
    sys.exit(engine.stderr)
want_counts = json.loads(engine.stdout)["summary"]["audience"]["rule_recipients"]
with open(suppress, newline="", encoding="utf-8") as f:
    want_rows = {(r["email"].strip(), ";".join(sorted(r["rules"].split(";")))) for r in csv.DictReader(f)}


def query(rows):
    args = [BIN, "sql", campaign, "--dialect", "spark", "--table", "audience",
            "--columns", ",".join(columns), *extra]
    if rows:
        args.append("--rows")
    out = subprocess.run(args, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(out.stderr)
    return out.stdout


spark = (SparkSession.builder.master("local[2]").appName("campaign-lint")
         .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "4")
         .getOrCreate())
spark.sparkContext.setLogLevel("ERROR")
start = time.perf_counter()
(spark.read.option("header", True).option("inferSchema", False).option("multiLine", True)
 .option("escape", '"').csv(export).createOrReplaceTempView("audience"))
counts = spark.sql(query(False)).collect()
rows = spark.sql(query(True)).collect()
spark_s = time.perf_counter() - start
got_counts = {r[0]: int(r[1]) for r in counts if not r[0].startswith("(")}
got_rows = {(r[0], ";".join(sorted(r[1].split(";")))) for r in rows}

ok = all(got_counts.get(rule) == n for rule, n in want_counts.items()) and all(
    want_counts.get(rule, 0) == n for rule, n in got_counts.items()) and got_rows == want_rows
print(f"{os.path.basename(export)}: engine {engine_s:.2f} s, Spark (load + both queries) {spark_s:.2f} s")
print(f"  engine counts {dict(sorted(want_counts.items()))}")
print(f"  Spark counts  {dict(sorted(got_counts.items()))}")
print(f"  suppressed: engine {len(want_rows)}, Spark {len(got_rows)}, "
      f"only engine {sorted(want_rows - got_rows)[:3]}, only Spark {sorted(got_rows - want_rows)[:3]}")
print("  SAME ANSWERS" if ok else "  ANSWERS DIFFER")
sys.exit(0 if ok else 1)
