"""Loads an audience export into DuckDB as table `audience` and runs campaign-lint's queries.

    python duckdb_run.py EXPORT QUERY...

CSV is read with every column as text (as campaign-lint reads it); JSON Lines with DuckDB's
own types (arrays stay arrays). Prints one JSON object: for each query, its rows.
"""

import json
import sys

import duckdb

export, queries = sys.argv[1], sys.argv[2:]
con = duckdb.connect()
if export.endswith(".csv"):
    con.execute(
        "CREATE TABLE audience AS SELECT * FROM read_csv(?, all_varchar = true, header = true, "
        "delim = ',', quote = '\"', escape = '\"', null_padding = true)",
        [export],
    )
else:
    con.execute(
        "CREATE TABLE audience AS SELECT * FROM read_json(?, format = 'newline_delimited')",
        [export],
    )
out = []
for path in queries:
    with open(path, encoding="utf-8") as f:
        out.append([list(row) for row in con.execute(f.read()).fetchall()])
json.dump(out, sys.stdout, ensure_ascii=False)
