"""Parses campaign-lint's queries with sqlglot: python sqlglot_parse.py DIALECT FILE...

Exits non-zero with sqlglot's message when a file does not parse under the dialect.
"""

import sys

import sqlglot
from sqlglot.errors import ErrorLevel

dialect, files = sys.argv[1], sys.argv[2:]
for path in files:
    with open(path, encoding="utf-8") as f:
        text = f.read()
    statements = [s for s in sqlglot.parse(text, read=dialect, error_level=ErrorLevel.RAISE) if s]
    if len(statements) != 1:
        sys.exit(f"{path}: {len(statements)} statements, expected one")
    print(f"{path}: parsed as {dialect}")
