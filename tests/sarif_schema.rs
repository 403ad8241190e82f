//! `--format sarif` validated against the official SARIF 2.1.0 JSON schema, with a real
//! JSON Schema validator (Python `jsonschema`, with URI format checks).
//!
//! Neither the schema nor the validator is in this repository: `.ci/run` installs them
//! under `target/` from package registries (see there). Point elsewhere with
//! `CAMPAIGN_LINT_SARIF_SCHEMA` (the schema file) and `CAMPAIGN_LINT_SARIF_PYTHON` (a
//! Python with `jsonschema` and `rfc3987`). Without them the tests are skipped with a
//! reason, except under CI (`CI` set), where a missing validator fails the run, so CI can
//! never pass without validating.

mod common;

use std::io::Write as _;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use common::{CASES, root, run, run_in, temp_dir};

/// Reads the schema (argv[1]) and one SARIF log (stdin); prints every violation as
/// `path: message`, one per line, and exits 1 when there is any.
const VALIDATE: &str = r#"
import json, sys
import jsonschema
with open(sys.argv[1], encoding="utf-8") as f:
    schema = json.load(f)
cls = jsonschema.validators.validator_for(schema)
cls.check_schema(schema)
log = json.load(sys.stdin)
# Every format jsonschema knows, not only draft 4's: the schema names uri-reference.
validator = cls(schema, format_checker=jsonschema.FormatChecker())
errors = sorted(validator.iter_errors(log), key=lambda e: [str(p) for p in e.absolute_path])
for e in errors:
    print("/" + "/".join(str(p) for p in e.absolute_path) + ": " + e.message[:300])
sys.exit(1 if errors else 0)
"#;

struct Validator {
    python: PathBuf,
    schema: PathBuf,
}

impl Validator {
    /// The validator named by the environment, else the one `.ci/run` installs.
    fn find() -> Result<Self, String> {
        let from_env = |name: &str, default: &str| {
            std::env::var_os(name).map_or_else(|| root().join(default), PathBuf::from)
        };
        let schema = from_env(
            "CAMPAIGN_LINT_SARIF_SCHEMA",
            "target/ci-sarif/sarif-schema-2.1.0.json",
        );
        let python = from_env("CAMPAIGN_LINT_SARIF_PYTHON", "target/ci-venv/bin/python");
        if !schema.is_file() {
            return Err(format!(
                "no SARIF schema at {} (set CAMPAIGN_LINT_SARIF_SCHEMA, or run .ci/run once)",
                schema.display()
            ));
        }
        let probe = Command::new(&python)
            .args(["-c", "import jsonschema, rfc3987"])
            .output();
        match probe {
            Ok(out) if out.status.success() => Ok(Self { python, schema }),
            Ok(out) => Err(format!(
                "{} has no jsonschema/rfc3987 (set CAMPAIGN_LINT_SARIF_PYTHON, or run .ci/run once): {}",
                python.display(),
                String::from_utf8_lossy(&out.stderr).trim()
            )),
            Err(e) => Err(format!(
                "cannot run {} (set CAMPAIGN_LINT_SARIF_PYTHON, or run .ci/run once): {e}",
                python.display()
            )),
        }
    }

    /// The validator, or None after saying why the test is skipped; under CI, a panic.
    fn or_skip() -> Option<Self> {
        match Self::find() {
            Ok(v) => Some(v),
            Err(reason) if std::env::var_os("CI").is_some() => {
                panic!("CI is set, so the SARIF schema test may not be skipped: {reason}")
            }
            Err(reason) => {
                eprintln!("skipped: {reason}");
                None
            }
        }
    }

    /// The schema's violations in `log`, one per line (empty when it is valid).
    fn violations(&self, log: &str) -> String {
        let mut child = Command::new(&self.python)
            .arg("-c")
            .arg(VALIDATE)
            .arg(&self.schema)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start the validator");
        child
            .stdin
            .take()
            .expect("validator stdin")
            .write_all(log.as_bytes())
            .expect("write to the validator");
        let out = child.wait_with_output().expect("run the validator");
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        match out.status.code() {
            Some(0) => String::new(),
            Some(1) if !stdout.is_empty() => stdout,
            _ => panic!(
                "the validator failed: {}{stdout}",
                String::from_utf8_lossy(&out.stderr)
            ),
        }
    }
}

#[test]
fn sarif_output_conforms_to_the_official_schema() {
    let Some(validator) = Validator::or_skip() else {
        return;
    };
    let mut failures = Vec::new();
    let mut check = |name: &str, dir: &std::path::Path, args: &[&str], code: i32| {
        let args = [&["check"], args, &["--format", "sarif"]].concat();
        let out = run_in(dir, &args);
        assert_eq!(out.code, code, "{name}: {args:?}\n{}", out.stderr);
        let problems = validator.violations(&out.stdout);
        if !problems.is_empty() {
            failures.push(format!("{name} ({args:?}):\n{problems}"));
        }
    };
    for (name, args, code) in CASES {
        check(name, &root(), args, *code);
    }
    // Unreadable and invalid inputs become tool notifications, with and without a
    // position; odd file names must still be URI references.
    let dir = temp_dir("sarif-schema");
    std::fs::write(dir.join("broken.eml"), "this is not an email\n").expect("write");
    for name in ["with space.html", "süß #1?.html", "100%.html"] {
        std::fs::copy(
            root().join("samples/templates/newsletter-fr.html"),
            dir.join(name),
        )
        .expect("copy");
    }
    check("invalid inputs", &dir, &[".", "missing.eml"], 2);
    assert!(
        failures.is_empty(),
        "SARIF output the official schema rejects:\n\n{}",
        failures.join("\n")
    );
}

/// The validator rejects what the schema forbids, so the test above can fail.
#[test]
fn the_schema_check_rejects_invalid_sarif() {
    let Some(validator) = Validator::or_skip() else {
        return;
    };
    let out = run(&[
        "check",
        "samples/campaigns/small-print.eml",
        "--format",
        "sarif",
    ]);
    assert_eq!(validator.violations(&out.stdout), "");
    let mut log: serde_json::Value = serde_json::from_str(&out.stdout).expect("JSON");
    log["runs"][0]["results"][0]["level"] = "fatal".into();
    log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] =
        "a b".into();
    log["runs"][0]["tool"]["driver"]["colour"] = "red".into();
    let problems = validator.violations(&log.to_string());
    for expected in [
        "/runs/0/results/0/level: 'fatal' is not one of",
        "/runs/0/results/0/locations/0/physicalLocation/artifactLocation/uri: 'a b' is not a 'uri-reference'",
        "/runs/0/tool/driver: Additional properties are not allowed ('colour' was unexpected)",
    ] {
        assert!(problems.contains(expected), "{expected:?} in\n{problems}");
    }
}
