//! What differs between the warehouses' SQL: quoting, regular expressions, turning a list
//! into rows, ordered string aggregation and constant tables. Everything else in the
//! query is written once, in the SQL they share.

use clap::ValueEnum;

/// A warehouse's SQL dialect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Dialect {
    Duckdb,
    Spark,
    Bigquery,
    Snowflake,
    Postgres,
}

/// The type of a constant table's column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Type {
    Text,
    Int,
}

/// One value of a constant table.
#[derive(Debug, Clone)]
pub enum Value {
    Text(String),
    Int(i64),
}

impl Dialect {
    /// Backslashes in string literals are escapes (Spark, BigQuery, Snowflake).
    fn backslash_escapes(self) -> bool {
        matches!(
            self,
            Dialect::Spark | Dialect::Bigquery | Dialect::Snowflake
        )
    }

    /// A column name, quoted.
    pub fn ident(self, name: &str) -> String {
        match self {
            Dialect::Spark | Dialect::Bigquery => format!("`{}`", name.replace('`', "``")),
            _ => format!("\"{}\"", name.replace('"', "\"\"")),
        }
    }

    /// A string literal.
    pub fn literal(self, text: &str) -> String {
        if self.backslash_escapes() {
            format!("'{}'", text.replace('\\', "\\\\").replace('\'', "\\'"))
        } else {
            format!("'{}'", text.replace('\'', "''"))
        }
    }

    fn type_name(self, ty: Type) -> &'static str {
        match (self, ty) {
            (Dialect::Postgres, Type::Text) => "TEXT",
            (Dialect::Spark | Dialect::Bigquery, Type::Text) => "STRING",
            (_, Type::Text) => "VARCHAR",
            (Dialect::Bigquery, Type::Int) => "INT64",
            (_, Type::Int) => "INTEGER",
        }
    }

    /// `expr` as text.
    pub fn text(self, expr: &str) -> String {
        format!("CAST({expr} AS {})", self.type_name(Type::Text))
    }

    /// Every match of `pattern` in `expr` replaced by `with`.
    pub fn replace_all(self, expr: &str, pattern: &str, with: &str) -> String {
        let (p, w) = (self.literal(pattern), self.literal(with));
        match self {
            Dialect::Duckdb | Dialect::Postgres => {
                format!("regexp_replace({expr}, {p}, {w}, 'g')")
            }
            _ => format!("regexp_replace({expr}, {p}, {w})"),
        }
    }

    /// Whether `expr` matches `pattern` (anchored with `^…$` by the caller: Snowflake's
    /// REGEXP_LIKE matches whole values only).
    pub fn matches(self, expr: &str, pattern: &str) -> String {
        let p = self.literal(pattern);
        match self {
            Dialect::Duckdb => format!("regexp_matches({expr}, {p})"),
            Dialect::Postgres => format!("({expr} ~ {p})"),
            Dialect::Spark => format!("({expr} RLIKE {p})"),
            Dialect::Bigquery => format!("REGEXP_CONTAINS({expr}, {p})"),
            Dialect::Snowflake => format!("REGEXP_LIKE({expr}, {p})"),
        }
    }

    /// `expr` without any of `chars` at either end (faster than a regular expression).
    pub fn trim(self, expr: &str, chars: &str) -> String {
        let c = self.literal(chars);
        match self {
            Dialect::Postgres => format!("btrim({expr}, {c})"),
            Dialect::Spark => format!("trim(BOTH {c} FROM {expr})"),
            _ => format!("trim({expr}, {c})"),
        }
    }

    /// A pattern for "the rest of the value", newlines included.
    pub fn rest(self) -> &'static str {
        match self {
            // `.` matches a newline in PostgreSQL's regular expressions, and Snowflake
            // has no inline flags.
            Dialect::Postgres | Dialect::Snowflake => ".*$",
            _ => "(?s).*$",
        }
    }

    /// A number that tells the table's rows apart, in their order where the warehouse has one.
    pub fn row_id(self) -> &'static str {
        match self {
            Dialect::Spark => "monotonically_increasing_id()",
            Dialect::Snowflake => "SEQ8()",
            _ => "row_number() OVER ()",
        }
    }

    /// Length of `expr` in bytes.
    pub fn bytes(self, expr: &str) -> String {
        match self {
            Dialect::Duckdb => format!("strlen({expr})"),
            Dialect::Bigquery => format!("BYTE_LENGTH({expr})"),
            _ => format!("octet_length({expr})"),
        }
    }

    /// Whether `needle` (a literal) occurs in `expr`.
    pub fn contains(self, expr: &str, needle: &str) -> String {
        let n = self.literal(needle);
        match self {
            Dialect::Spark => format!("(instr({expr}, {n}) > 0)"),
            Dialect::Snowflake => format!("(POSITION({n} IN {expr}) > 0)"),
            _ => format!("(strpos({expr}, {n}) > 0)"),
        }
    }

    /// The part of an address after its (one) `@`.
    pub fn domain(self, expr: &str) -> String {
        match self {
            Dialect::Bigquery => format!("SPLIT({expr}, '@')[SAFE_OFFSET(1)]"),
            _ => format!("split_part({expr}, '@', 2)"),
        }
    }

    /// A join that makes one row per item of `expr`: a string split at any of the
    /// characters `separators` (empty items may remain), or an array. Returns the join
    /// (written after `FROM source`) and the item's expression.
    pub fn items(self, expr: &str, separators: &str, array: bool) -> (String, String) {
        let class = format!("[{separators}]");
        match self {
            Dialect::Duckdb | Dialect::Postgres => {
                let list = if array {
                    expr.to_owned()
                } else {
                    format!("regexp_split_to_array({expr}, {})", self.literal(&class))
                };
                let lateral = if self == Dialect::Postgres {
                    "LATERAL "
                } else {
                    ""
                };
                (
                    format!("CROSS JOIN {lateral}unnest({list}) AS t(item)"),
                    "t.item".to_owned(),
                )
            }
            Dialect::Spark => {
                let list = if array {
                    expr.to_owned()
                } else {
                    format!("split({expr}, {})", self.literal(&class))
                };
                (
                    format!("LATERAL VIEW explode({list}) t AS item"),
                    "t.item".to_owned(),
                )
            }
            Dialect::Bigquery => {
                let list = if array {
                    expr.to_owned()
                } else {
                    format!(
                        "REGEXP_EXTRACT_ALL({expr}, {})",
                        self.literal(&format!("[^{separators}]+"))
                    )
                };
                (
                    format!("CROSS JOIN UNNEST({list}) AS item"),
                    "item".to_owned(),
                )
            }
            Dialect::Snowflake => {
                let list = if array {
                    expr.to_owned()
                } else {
                    format!("STRTOK_TO_ARRAY({expr}, {})", self.literal(separators))
                };
                (
                    format!("CROSS JOIN LATERAL FLATTEN(input => {list}) t"),
                    self.text("t.value"),
                )
            }
        }
    }

    /// `expr` of a group's rows joined by `separator`, in the order of `key`.
    pub fn join_ordered(self, expr: &str, separator: &str, key: &str) -> String {
        let sep = self.literal(separator);
        match self {
            Dialect::Snowflake => {
                format!("LISTAGG({expr}, {sep}) WITHIN GROUP (ORDER BY {key})")
            }
            Dialect::Spark => format!(
                "array_join(transform(array_sort(collect_list(named_struct('k', {key}, 'v', {expr}))), s -> s.v), {sep})"
            ),
            _ => format!("string_agg({expr}, {sep} ORDER BY {key})"),
        }
    }

    /// A common table expression holding constant rows.
    pub fn table(self, name: &str, columns: &[(&str, Type)], rows: &[Vec<Value>]) -> String {
        let names: Vec<&str> = columns.iter().map(|(c, _)| *c).collect();
        if rows.is_empty() {
            let nulls: Vec<String> = columns
                .iter()
                .map(|(c, ty)| format!("CAST(NULL AS {}) AS {c}", self.type_name(*ty)))
                .collect();
            return format!("{name} AS (SELECT {} WHERE 1 = 0)", nulls.join(", "));
        }
        // A long list of constant rows as one literal, split into rows by the engine:
        // DuckDB takes tens of seconds to plan a VALUES list of 50,000 catalog keys.
        let packed = matches!(self, Dialect::Duckdb | Dialect::Postgres)
            && rows.len() > 100
            && rows.iter().flatten().all(|v| match v {
                Value::Text(s) => !s.contains(['\n', '\t']),
                Value::Int(_) => true,
            });
        if packed {
            let lines: Vec<String> = rows
                .iter()
                .map(|row| {
                    let cells: Vec<String> = row
                        .iter()
                        .map(|v| match v {
                            Value::Text(s) => s.clone(),
                            Value::Int(i) => i.to_string(),
                        })
                        .collect();
                    cells.join("\t")
                })
                .collect();
            let split = if self == Dialect::Duckdb {
                "string_split"
            } else {
                "string_to_array"
            };
            let fields: Vec<String> = columns
                .iter()
                .enumerate()
                .map(|(i, (c, ty))| {
                    let cell = format!("split_part(t.line, chr(9), {})", i + 1);
                    match ty {
                        Type::Text => format!("{cell} AS {c}"),
                        Type::Int => format!("CAST({cell} AS INTEGER) AS {c}"),
                    }
                })
                .collect();
            return format!(
                "{name} AS (SELECT {}\n  FROM unnest({split}({}, chr(10))) AS t(line))",
                fields.join(", "),
                self.literal(&lines.join("\n"))
            );
        }
        let tuples: Vec<String> = rows
            .iter()
            .map(|row| {
                let values: Vec<String> = row
                    .iter()
                    .map(|v| match v {
                        Value::Text(s) => self.literal(s),
                        Value::Int(i) => i.to_string(),
                    })
                    .collect();
                format!("({})", values.join(", "))
            })
            .collect();
        let body = tuples.join(",\n    ");
        match self {
            Dialect::Duckdb | Dialect::Postgres => {
                format!("{name}({}) AS (VALUES\n    {body})", names.join(", "))
            }
            Dialect::Spark => format!(
                "{name} AS (SELECT * FROM VALUES\n    {body} AS v({}))",
                names.join(", ")
            ),
            Dialect::Snowflake => {
                let renamed: Vec<String> = names
                    .iter()
                    .enumerate()
                    .map(|(i, c)| format!("column{} AS {c}", i + 1))
                    .collect();
                format!(
                    "{name} AS (SELECT {} FROM VALUES\n    {body})",
                    renamed.join(", ")
                )
            }
            Dialect::Bigquery => {
                let fields: Vec<String> = columns
                    .iter()
                    .map(|(c, ty)| format!("{c} {}", self.type_name(*ty)))
                    .collect();
                format!(
                    "{name} AS (SELECT * FROM UNNEST(ARRAY<STRUCT<{}>>[\n    {body}]))",
                    fields.join(", ")
                )
            }
        }
    }
}
