//! `campaign-lint sql`: the emitted query, run on real engines, gives the same per-rule
//! counts and the same suppression list as `check --audience` on the same export.
//!
//! DuckDB comes from PyPI (`.ci/install-sql.sh` puts it in a venv and exports
//! `CAMPAIGN_LINT_SQL_PYTHON`). Without it a test says so loudly and passes, except under
//! CI, where it fails.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use campaign_lint::profiles::Language;
use common::{root, run, temp_dir};

/// The Python that has `duckdb` and `sqlglot`, or None (after saying so) when there is none here.
fn python() -> Option<PathBuf> {
    let candidates = [
        std::env::var_os("CAMPAIGN_LINT_SQL_PYTHON").map(PathBuf::from),
        Some(root().join("target/ci-venv/bin/python")),
    ];
    for python in candidates.into_iter().flatten() {
        let ok = Command::new(&python)
            .args(["-c", "import duckdb, sqlglot"])
            .output()
            .is_ok_and(|o| o.status.success());
        if ok {
            return Some(python);
        }
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "CI: no Python with duckdb (set CAMPAIGN_LINT_SQL_PYTHON; .ci/install-sql.sh installs it)"
    );
    eprintln!(
        "\n\n!!! SKIPPED: no Python with duckdb: run .ci/install-sql.sh and set CAMPAIGN_LINT_SQL_PYTHON !!!\n"
    );
    None
}

/// One export checked both ways.
struct Case<'a> {
    export: PathBuf,
    campaign: &'a str,
    /// Further arguments both commands take (`--catalog`, `--config`, `--preset`).
    common: Vec<String>,
    owned_array: bool,
}

type Suppressed = BTreeSet<(String, String)>;

/// The columns of an export, as DuckDB loads them.
fn columns(export: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(export).unwrap();
    if export.extension().is_some_and(|e| e == "csv") {
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        return reader
            .headers()
            .unwrap()
            .iter()
            .map(str::to_owned)
            .collect();
    }
    let mut names: Vec<String> = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let value: serde_json::Value = serde_json::from_str(line).unwrap();
        for key in value.as_object().unwrap().keys() {
            if !names.contains(key) {
                names.push(key.clone());
            }
        }
    }
    names
}

/// A suppression list's rules, in a stable order.
fn sorted_rules(cell: &str) -> String {
    let mut rules: Vec<&str> = cell.split(';').collect();
    rules.sort_unstable();
    rules.join(";")
}

/// `check --audience`: recipients per rule, and the `--suppress-out` list.
fn engine(case: &Case, dir: &Path) -> (BTreeMap<String, u64>, Suppressed) {
    let suppress = dir.join("suppress.csv");
    let mut args = vec![
        "check".to_owned(),
        case.campaign.to_owned(),
        "--audience".to_owned(),
        case.export.display().to_string(),
        "--format".to_owned(),
        "json".to_owned(),
        "--allow-skipped".to_owned(),
        "--suppress-out".to_owned(),
        suppress.display().to_string(),
    ];
    args.extend(case.common.iter().cloned());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = run(&args);
    assert!(out.code < 2, "{args:?}: {}", out.stderr);
    let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let counts = json["summary"]["audience"]["rule_recipients"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_u64().unwrap()))
        .collect();
    let mut reader = csv::Reader::from_path(&suppress).unwrap();
    let rows = reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            (r[0].trim().to_owned(), sorted_rules(&r[1]))
        })
        .collect();
    (counts, rows)
}

/// The emitted queries for `dialect`: counts, then rows.
fn queries(case: &Case, dialect: &str, dir: &Path) -> Vec<PathBuf> {
    let columns = columns(&case.export).join(",");
    let mut files = Vec::new();
    for (name, rows) in [("counts", false), ("rows", true)] {
        let mut args = vec![
            "sql".to_owned(),
            case.campaign.to_owned(),
            "--dialect".to_owned(),
            dialect.to_owned(),
            "--table".to_owned(),
            "audience".to_owned(),
            "--columns".to_owned(),
            columns.clone(),
        ];
        if rows {
            args.push("--rows".to_owned());
        }
        if case.owned_array {
            args.push("--owned-array".to_owned());
        }
        args.extend(case.common.iter().cloned());
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = run(&args);
        assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
        let path = dir.join(format!("{name}-{dialect}.sql"));
        std::fs::write(&path, out.stdout).unwrap();
        files.push(path);
    }
    files
}

/// Rows of a result, every cell as text (None for NULL).
type Table = Vec<Vec<Option<String>>>;

/// The per-rule counts and the suppression list from the two queries' results.
fn answers(counts: &Table, rows: &Table) -> (BTreeMap<String, u64>, Suppressed) {
    let cell = |row: &Vec<Option<String>>, i: usize| row[i].clone().unwrap_or_default();
    let counts = counts
        .iter()
        .filter(|row| !cell(row, 0).starts_with('('))
        .map(|row| (cell(row, 0), cell(row, 1).parse().unwrap()))
        .collect();
    let rows = rows
        .iter()
        .map(|row| (cell(row, 0), sorted_rules(&cell(row, 1))))
        .collect();
    (counts, rows)
}

/// The queries run by DuckDB on the export.
fn duckdb(case: &Case, files: &[PathBuf], python: &Path) -> [Table; 2] {
    let output = Command::new(python)
        .arg(root().join("tests/sql/duckdb_run.py"))
        .arg(&case.export)
        .args(files)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "DuckDB failed on {}: {}",
        case.export.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    let results: Vec<Vec<Vec<serde_json::Value>>> = serde_json::from_slice(&output.stdout).unwrap();
    let text = |v: &serde_json::Value| match v {
        serde_json::Value::Null => None,
        serde_json::Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    };
    let table = |t: &Vec<Vec<serde_json::Value>>| -> Table {
        t.iter().map(|row| row.iter().map(text).collect()).collect()
    };
    [table(&results[0]), table(&results[1])]
}

/// Both ways agree: every rule the engine counts is in the query with the same count (the
/// query lists every rule it translated, also at zero), and the same recipients are
/// suppressed for the same rules.
fn same_answers(
    name: &str,
    engine_answers: &(BTreeMap<String, u64>, Suppressed),
    got: &[Table; 2],
) {
    let (want_counts, want_rows) = engine_answers;
    let (got_counts, got_rows) = answers(&got[0], &got[1]);
    for (rule, n) in want_counts {
        assert_eq!(
            got_counts.get(rule),
            Some(n),
            "{name}: {rule}: engine {n}, SQL {:?} (all: engine {want_counts:?}, SQL {got_counts:?})",
            got_counts.get(rule)
        );
    }
    for (rule, n) in &got_counts {
        assert_eq!(
            want_counts.get(rule).copied().unwrap_or(0),
            *n,
            "{name}: {rule}"
        );
    }
    let missing: Vec<_> = want_rows.difference(&got_rows).take(5).collect();
    let extra: Vec<_> = got_rows.difference(want_rows).take(5).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "{name}: suppression lists differ ({} vs {} rows): only the engine's {missing:?}, only the query's {extra:?}",
        want_rows.len(),
        got_rows.len()
    );
    assert!(
        !want_rows.is_empty(),
        "{name}: nobody suppressed: a test that cannot fail"
    );
}

/// `check --audience` and the DuckDB query on the same export.
fn same_in_duckdb(case: &Case, name: &str, python: &Path) {
    let dir = temp_dir(&format!("sql-{name}"));
    let want = engine(case, &dir);
    let files = queries(case, "duckdb", &dir);
    same_answers(name, &want, &duckdb(case, &files, python));
}

/// The benchmark's exports (small ones), written by benches/audience.py into `dir`.
fn bench_exports(dir: &Path, shape: &str, rows: &str, catalog: &str) {
    let status = Command::new("python3")
        .arg(root().join("benches/audience.py"))
        .args([
            rows,
            "--shape",
            shape,
            "--generate-only",
            "--catalog",
            catalog,
        ])
        .env("CARGO_TARGET_DIR", dir)
        .current_dir(root())
        .output()
        .unwrap();
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
}

#[test]
fn mailchimp_exports_with_the_full_catalogue() {
    let Some(python) = python() else { return };
    let dir = temp_dir("sql-mailchimp-data");
    bench_exports(&dir, "mailchimp", "3000", "full");
    let data = dir.join("bench-data");
    let catalog = data.join("catalog-20000.toml").display().to_string();
    for (format, owned_array) in [("csv", false), ("jsonl", true)] {
        for campaign in [
            "samples/campaigns/free-phone.eml",
            "samples/campaigns/winter-sale.de.eml",
        ] {
            let case = Case {
                export: data.join(format!("mailchimp-3000.{format}")),
                campaign,
                common: vec![
                    "--catalog".to_owned(),
                    catalog.clone(),
                    "--preset".to_owned(),
                    "mailchimp".to_owned(),
                ],
                owned_array,
            };
            same_in_duckdb(&case, &format!("mailchimp-{format}"), &python);
        }
    }
}

#[test]
fn classic_exports_with_the_sample_catalogue() {
    let Some(python) = python() else { return };
    let dir = temp_dir("sql-classic-data");
    bench_exports(&dir, "classic", "2000", "sample");
    let data = dir.join("bench-data");
    for (format, owned_array) in [("csv", false), ("jsonl", true)] {
        let case = Case {
            export: data.join(format!("audience-2000.{format}")),
            campaign: "samples/campaigns/free-phone.eml",
            common: vec!["--catalog".to_owned(), "samples/catalog.toml".to_owned()],
            owned_array,
        };
        same_in_duckdb(&case, &format!("classic-{format}"), &python);
    }
}

/// Deterministic choices.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn pick<'a>(&mut self, items: &'a [String]) -> &'a str {
        let n = items.len() as u64;
        &items[usize::try_from(self.next() % n).unwrap()]
    }
}

/// Every spelling of a language the parser knows, in three cases, with and without a
/// region; the awkward values the engine tests use; lists; values no parser knows.
fn language_values() -> Vec<String> {
    let mut values: Vec<String> = Vec::new();
    for (code, _) in Language::code_spellings() {
        values.push(code.to_owned());
        values.push(code.to_uppercase());
        values.push(format!("{code}-US"));
        values.push(format!(" {}_br ", code.to_uppercase()));
    }
    for (name, _) in Language::name_spellings() {
        values.push(name.clone());
        values.push(name.to_uppercase());
        values.push(format!("{name} (United States)"));
        values.push(format!("{name}-Simplified"));
    }
    values.extend(
        [
            "",
            " ",
            "en",
            "en-US",
            "EN_gb",
            "de-DE",
            " fr ",
            "en;de",
            "fr|de",
            "de, en",
            "English (United States)",
            "Chinese-Simplified",
            "Portuguese_Brazil",
            "中文",
            "Norsk",
            "nynorsk",
            "no",
            "nb",
            "NOB",
            "ger",
            "fil",
            "iw",
            "zh-Hant-TW",
            "sr-Latn",
            "（English）",
            "Deutsch (Schweiz)",
            "FRANÇAIS",
            "español",
            "日本語",
            "Klingon",
            "und",
            "zxx",
            "mul",
            "x-klingon",
            "i-klingon",
            "xx",
            "x",
            "-",
            "_",
            "()",
            "(English)",
            "e\u{301}",
            "🇩🇪",
            "english;klingon",
            ",",
            ";;",
            "EN-gb; fr",
            "tlh",
            "qaa",
            "English\t",
            "\u{a0}de\u{a0}",
            "\u{3000}ja",
            "en-",
            "-en",
            "e-n",
            "eng-",
        ]
        .map(str::to_owned),
    );
    values.push("a".repeat(100));
    values.push(format!("{}(English)", "z".repeat(70)));
    values.push(format!("English{}", "-x".repeat(40)));
    values.push(format!("en{}", "-x".repeat(40)));
    values
}

/// Owned items as exports write them: SKUs, names and aliases in any case and spacing,
/// accessories, unknown items, both separators, empty items.
fn owned_values() -> Vec<String> {
    [
        "",
        "KD-55X85J",
        "kd-55x85j",
        " KD-55X85J ",
        "X85J",
        "x85j",
        "BRAVIA X85J 55-inch TV",
        "bravia x85j 55-inch tv",
        "XQ-DQ54",
        "Xperia 5 V",
        "XPERIA 5 V",
        "xq-dq54|SKU-0001",
        "SKU-0001;X85J",
        "KD-65X90L",
        "SU-WL855",
        "XQ-CT54",
        "SPK-HCF",
        "SPK-HCF-OR",
        "SPK-HCF-GR",
        "SPK-HCF-DS",
        "desiccant strips",
        "BRAVIA",
        "Xperia",
        ";",
        "|",
        " ; | ",
        "SKU-0002",
        "sku-0003; ;KD-65X90L",
        "Unknown Thing",
        "KD-55X85J;KD-55X85J",
    ]
    .map(str::to_owned)
    .to_vec()
}

fn status_values() -> Vec<String> {
    let mut values: Vec<String> = [
        "",
        "Subscribed",
        "UNSUBSCRIBED",
        "opted_out",
        "Opt-In",
        "opt-out",
        "weird",
        "Cleaned",
        "hard_bounce",
        "HARD-BOUNCED",
        " pending ",
        "Double-Opt-In Pending",
        "spam_complaint",
        "non-confirmed",
        "Transactional",
        "no",
        "YES",
        "false",
        "unsubscribe",
    ]
    .map(str::to_owned)
    .to_vec();
    for (list, _) in &campaign_lint::profiles::STATUS_VALUES {
        values.extend(list.iter().map(|v| v.replace(' ', "_")));
    }
    values
}

/// An export of every awkward value, in the default layout, with the columns the
/// Nordlicht pack's `when` and required field read and some that merge tags print.
fn awkward_export(path: &Path) {
    let languages = language_values();
    let owned = owned_values();
    let statuses = status_values();
    let countries: Vec<String> = ["CA", "ca", " CA ", "DE", "", "US"]
        .map(str::to_owned)
        .to_vec();
    let consent: Vec<String> = ["2024-01-01", "", " ", "yes"].map(str::to_owned).to_vec();
    let names: Vec<String> = ["Ann", "", " ", "Zoë"].map(str::to_owned).to_vec();
    let mut rng = Rng(0x5eed_1234_5678_9abc);
    let mut writer = csv::Writer::from_path(path).unwrap();
    writer
        .write_record([
            "email",
            "language",
            "country",
            "owned_products",
            "status",
            "consent_date",
            "FNAME",
            "LOYALTY_TIER",
            "first_name",
        ])
        .unwrap();
    let rows = languages.len().max(4000);
    for i in 0..rows {
        let email = match i % 97 {
            0 => String::new(),
            1 => "not-an-address".to_owned(),
            2 => format!("Name <n{i}@example.com>"),
            3 => format!("a..b{i}@example.com"),
            4 => format!(" spaced{i}@example.com "),
            _ => format!("r{i}.x@example.com"),
        };
        let language = languages
            .get(i)
            .cloned()
            .unwrap_or_else(|| rng.pick(&languages).to_owned());
        let record = [
            email,
            language,
            rng.pick(&countries).to_owned(),
            rng.pick(&owned).to_owned(),
            rng.pick(&statuses).to_owned(),
            rng.pick(&consent).to_owned(),
            rng.pick(&names).to_owned(),
            rng.pick(&names).to_owned(),
            rng.pick(&names).to_owned(),
        ];
        writer.write_record(&record).unwrap();
    }
    writer.flush().unwrap();
}

#[test]
fn every_awkward_language_owned_item_and_status() {
    let Some(python) = python() else { return };
    let dir = temp_dir("sql-awkward-data");
    let export = dir.join("awkward.csv");
    awkward_export(&export);
    let short = dir.join("short.html");
    std::fs::write(&short, "<p>Sale! 50% off the X85J.</p>").unwrap();
    let short = short.display().to_string();
    for (name, campaign, common) in [
        (
            "english-catalog",
            "samples/campaigns/free-phone.eml",
            vec!["--catalog", "samples/catalog.toml"],
        ),
        (
            "german-catalog",
            "samples/campaigns/winter-sale.de.eml",
            vec!["--catalog", "samples/catalog.toml"],
        ),
        (
            "short-text",
            short.as_str(),
            vec!["--catalog", "samples/catalog.toml"],
        ),
        (
            "merge-tags",
            "samples/templates/greeting-fields.html",
            vec!["--catalog", "samples/catalog.toml"],
        ),
        (
            "nordlicht-pack",
            "samples/campaigns/free-phone.eml",
            vec!["--config", "samples/config/nordlicht.toml"],
        ),
    ] {
        let case = Case {
            export: export.clone(),
            campaign,
            common: common.into_iter().map(str::to_owned).collect(),
            owned_array: false,
        };
        same_in_duckdb(&case, name, &python);
    }
}

#[test]
fn untranslatable_rules_are_errors_that_name_them() {
    // Without a catalog, owned products are searched for in the campaign's text.
    let out = run(&[
        "sql",
        "samples/campaigns/free-phone.eml",
        "--dialect",
        "duckdb",
        "--table",
        "t",
        "--config",
        "/dev/null",
    ]);
    assert_eq!(out.code, 2, "{}", out.stdout);
    assert!(
        out.stderr.contains("owned-product-offer") && out.stderr.contains("--catalog"),
        "{}",
        out.stderr
    );
    let out = run(&[
        "sql",
        "samples/campaigns/free-phone.eml",
        "--dialect",
        "postgres",
        "--table",
        "t",
        "--catalog",
        "samples/catalog.toml",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("language-mismatch"), "{}", out.stdout);
}

/// A PostgreSQL server of its own, on 127.0.0.1, stopped when dropped.
struct Postgres {
    bin: PathBuf,
    data: PathBuf,
    port: u16,
    /// Runs the server's programs as this user (the server refuses to run as root).
    user: Option<&'static str>,
}

impl Postgres {
    /// Starts one, or None (after saying so) when PostgreSQL is not installed here.
    fn start(name: &str) -> Option<Postgres> {
        let bin = std::env::var_os("CAMPAIGN_LINT_PG_BIN")
            .map(PathBuf::from)
            .or_else(|| {
                let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
                    .ok()?
                    .filter_map(|e| Some(e.ok()?.path().join("bin")))
                    .filter(|p| p.join("initdb").exists())
                    .collect();
                found.sort();
                found.pop()
            });
        let Some(bin) = bin.filter(|b| b.join("initdb").exists()) else {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI: no PostgreSQL (set CAMPAIGN_LINT_PG_BIN; .ci/install-sql.sh installs it)"
            );
            eprintln!("\n\n!!! SKIPPED: PostgreSQL is not installed (.ci/install-sql.sh) !!!\n");
            return None;
        };
        let root_user = Command::new("id")
            .arg("-u")
            .output()
            .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0");
        let user = root_user.then_some("postgres");
        let dir = temp_dir(&format!("pg-{name}"));
        let data = dir.join("data");
        std::fs::create_dir_all(&data).unwrap();
        if let Some(user) = user {
            let ok = Command::new("chown")
                .args(["-R", &format!("{user}:"), &dir.display().to_string()])
                .status()
                .unwrap();
            assert!(ok.success());
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let server = Postgres {
            bin,
            data,
            port,
            user,
        };
        server.ctl(&[
            "initdb",
            "-D",
            &server.data.display().to_string(),
            "--auth=trust",
            "--username=postgres",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
        ]);
        let options = format!(
            "-p {port} -c listen_addresses=127.0.0.1 -k {} -c fsync=off",
            dir.display()
        );
        server.ctl(&[
            "pg_ctl",
            "-D",
            &server.data.display().to_string(),
            "-o",
            &options,
            "-l",
            &dir.join("log").display().to_string(),
            "-w",
            "start",
        ]);
        Some(server)
    }

    /// Runs one of the server's programs as its user.
    fn ctl(&self, args: &[&str]) {
        let program = self.bin.join(args[0]);
        let mut command = match self.user {
            Some(user) => {
                let mut c = Command::new("runuser");
                c.args(["-u", user, "--"]).arg(&program);
                c
            }
            None => Command::new(&program),
        };
        let out = command.args(&args[1..]).output().unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// psql on the server: runs the command or file `input` (`-c SQL`, `-f FILE`), returns
    /// the rows (CSV output; NULL as None).
    fn query(&self, input: [&str; 2]) -> Table {
        let out = Command::new(self.bin.join("psql"))
            .args(["-h", "127.0.0.1", "-p", &self.port.to_string()])
            .args(["-U", "postgres", "-d", "postgres", "-X", "-q", "--csv"])
            .args(["-v", "ON_ERROR_STOP=1", "-P", "null=\u{1}NULL"])
            .args(input)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "psql: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .from_reader(out.stdout.as_slice());
        reader
            .records()
            .map(|r| {
                r.unwrap()
                    .iter()
                    .map(|c| (c != "\u{1}NULL").then(|| c.to_owned()))
                    .collect()
            })
            .collect()
    }

    /// Loads a CSV export as table `audience`, every column text.
    fn load(&self, export: &Path) {
        let columns: Vec<String> = columns(export)
            .iter()
            .map(|c| format!("\"{}\" text", c.replace('"', "\"\"")))
            .collect();
        let create = format!(
            "DROP TABLE IF EXISTS audience; CREATE TABLE audience ({})",
            columns.join(", ")
        );
        self.query(["-c", &create]);
        let out = Command::new(self.bin.join("psql"))
            .args(["-h", "127.0.0.1", "-p", &self.port.to_string()])
            .args(["-U", "postgres", "-d", "postgres", "-X", "-q"])
            .args(["-v", "ON_ERROR_STOP=1", "-c"])
            .arg(format!(
                "\\copy audience FROM '{}' WITH (FORMAT csv, HEADER true)",
                export.display()
            ))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "\\copy: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        let program = self.bin.join("pg_ctl");
        let data = self.data.display().to_string();
        let args = ["-D", data.as_str(), "-m", "immediate", "stop"];
        let _ = match self.user {
            Some(user) => Command::new("runuser")
                .args(["-u", user, "--"])
                .arg(&program)
                .args(args)
                .output(),
            None => Command::new(&program).args(args).output(),
        };
    }
}

#[test]
fn postgres_gives_the_engines_answers() {
    let Some(pg) = Postgres::start("equivalence") else {
        return;
    };
    let dir = temp_dir("sql-pg-data");
    bench_exports(&dir, "mailchimp", "2000", "full");
    let data = dir.join("bench-data");
    let awkward = dir.join("awkward.csv");
    awkward_export(&awkward);
    let catalog = data.join("catalog-20000.toml").display().to_string();
    let cases = [
        (
            "pg-mailchimp",
            data.join("mailchimp-2000.csv"),
            vec!["--catalog", &catalog, "--preset", "mailchimp"],
        ),
        (
            "pg-awkward",
            awkward.clone(),
            vec!["--config", "samples/config/nordlicht.toml"],
        ),
    ];
    for (name, export, common) in cases {
        let case = Case {
            export,
            campaign: "samples/campaigns/free-phone.eml",
            common: common.into_iter().map(str::to_owned).collect(),
            owned_array: false,
        };
        pg.load(&case.export);
        let work = temp_dir(name);
        let want = engine(&case, &work);
        let files = queries(&case, "postgres", &work);
        let got = [0, 1].map(|i| pg.query(["-f", &files[i].display().to_string()]));
        same_answers(name, &want, &got);
    }
}

/// BigQuery, Snowflake and Spark cannot run here: their queries must at least parse under
/// each dialect (sqlglot), with the Nordlicht pack's `when` and required field, a catalog,
/// and both outputs. A query cut short must not, or the check proves nothing.
#[test]
fn sqlglot_parses_the_bigquery_snowflake_and_spark_queries() {
    let Some(python) = python() else { return };
    let dir = temp_dir("sql-sqlglot");
    let parse = |dialect: &str, files: &[PathBuf]| {
        Command::new(&python)
            .arg(root().join("tests/sql/sqlglot_parse.py"))
            .arg(dialect)
            .args(files)
            .output()
            .unwrap()
    };
    for dialect in ["bigquery", "snowflake", "spark"] {
        let mut files = Vec::new();
        for rows in [false, true] {
            let mut args = vec![
                "sql",
                "samples/campaigns/free-phone.eml",
                "--dialect",
                dialect,
                "--table",
                "crm.audience",
                "--config",
                "samples/config/nordlicht.toml",
            ];
            if rows {
                args.push("--rows");
            }
            let out = run(&args);
            assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
            let path = dir.join(format!("{dialect}-{rows}.sql"));
            std::fs::write(&path, &out.stdout).unwrap();
            files.push(path);
            let cut = dir.join(format!("{dialect}-{rows}-cut.sql"));
            let mut half = out.stdout.len() / 2;
            while !out.stdout.is_char_boundary(half) {
                half -= 1;
            }
            std::fs::write(&cut, &out.stdout[..half]).unwrap();
            assert!(
                !parse(dialect, &[cut]).status.success(),
                "{dialect}: half a query parsed"
            );
        }
        let out = parse(dialect, &files);
        assert!(
            out.status.success(),
            "{dialect}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// The DuckDB program `check --audience duckdb:` runs, or None (after saying so).
fn duckdb_program() -> Option<PathBuf> {
    let program = std::env::var_os("CAMPAIGN_LINT_DUCKDB")
        .map(PathBuf::from)
        .or_else(|| Some(root().join("target/ci-venv/bin/duckdb")))
        .filter(|p| p.exists());
    if program.is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI: no DuckDB program (set CAMPAIGN_LINT_DUCKDB; .ci/install-sql.sh installs it)"
        );
        eprintln!("\n\n!!! SKIPPED: no DuckDB program (.ci/install-sql.sh) !!!\n");
    }
    program
}

/// `check --audience duckdb:FILE?table=NAME` runs the query in DuckDB: the same counts per
/// rule, the same recipients with errors and the same suppression list as the export read
/// by the engine; without DuckDB it is exit 2 with a message that says how to get it.
#[test]
fn check_runs_the_query_in_a_duckdb_database() {
    let Some(duckdb) = duckdb_program() else {
        return;
    };
    let dir = temp_dir("sql-duckdb-check");
    let export = dir.join("awkward.csv");
    awkward_export(&export);
    let database = dir.join("crm.duckdb");
    let load = Command::new(&duckdb)
        .arg(&database)
        .arg("-c")
        .arg(format!(
            "CREATE TABLE audience AS SELECT * FROM read_csv('{}', all_varchar = true, header = true)",
            export.display()
        ))
        .output()
        .unwrap();
    assert!(
        load.status.success(),
        "{}",
        String::from_utf8_lossy(&load.stderr)
    );
    let source = format!("duckdb:{}?table=audience", database.display());
    let summary = |audience: &str, suppress: &Path| {
        let out = common::run_in_env(
            &root(),
            &[
                "check",
                "samples/campaigns/free-phone.eml",
                "--audience",
                audience,
                "--config",
                "samples/config/nordlicht.toml",
                "--format",
                "json",
                "--allow-skipped",
                "--suppress-out",
                &suppress.display().to_string(),
            ],
            &[("CAMPAIGN_LINT_DUCKDB", &duckdb.display().to_string())],
        );
        assert_eq!(out.code, 1, "{audience}: {}", out.stderr);
        let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
        let mut reader = csv::Reader::from_path(suppress).unwrap();
        let rows: Suppressed = reader
            .records()
            .map(|r| {
                let r = r.unwrap();
                (r[0].trim().to_owned(), sorted_rules(&r[1]))
            })
            .collect();
        let s = &json["summary"];
        (
            s["audience"]["rule_recipients"].clone(),
            s["recipients_with_errors"].clone(),
            s["audience"]["rows_checked"].clone(),
            rows,
        )
    };
    let engine = summary(&export.display().to_string(), &dir.join("engine.csv"));
    let warehouse = summary(&source, &dir.join("duckdb.csv"));
    assert_eq!(engine.0, warehouse.0, "rule counts");
    assert_eq!(engine.1, warehouse.1, "recipients with errors");
    assert_eq!(engine.2, warehouse.2, "rows checked");
    assert!(
        engine.3 == warehouse.3 && !engine.3.is_empty(),
        "suppression lists"
    );

    let out = common::run_in_env(
        &root(),
        &[
            "check",
            "samples/campaigns/free-phone.eml",
            "--audience",
            &source,
        ],
        &[("CAMPAIGN_LINT_DUCKDB", "/nonexistent/duckdb")],
    );
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("DuckDB is not available") && out.stderr.contains("duckdb-cli"),
        "{}",
        out.stderr
    );
}
