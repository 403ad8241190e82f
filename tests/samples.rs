//! Every sample, run through the real binary; the full human output (no colour, fixed
//! width) and the JSON output are compared with checked-in snapshots.

mod common;

use common::{CASES, run};

fn args(extra: &[&str], format: &str) -> Vec<String> {
    let mut args = vec!["check".to_owned()];
    args.extend(extra.iter().map(|s| (*s).to_owned()));
    args.push("--format".to_owned());
    args.push(format.to_owned());
    args
}

#[test]
fn human_output_matches_snapshots() {
    for (name, extra, code) in CASES {
        let argv = args(extra, "human");
        let argv: Vec<&str> = argv.iter().map(String::as_str).collect();
        let out = run(&argv);
        assert_eq!(
            out.code, *code,
            "{name}: exit code\n{}{}",
            out.stdout, out.stderr
        );
        insta::assert_snapshot!(
            format!("human-{name}"),
            out.stdout,
            &format!("campaign-lint {}", argv.join(" "))
        );
    }
}

#[test]
fn json_output_matches_snapshots() {
    for (name, extra, code) in CASES {
        let argv = args(extra, "json");
        let argv: Vec<&str> = argv.iter().map(String::as_str).collect();
        let out = run(&argv);
        assert_eq!(
            out.code, *code,
            "{name}: exit code\n{}{}",
            out.stdout, out.stderr
        );
        let value: serde_json::Value = serde_json::from_str(&out.stdout).expect("valid JSON");
        insta::assert_snapshot!(
            format!("json-{name}"),
            serde_json::to_string_pretty(&value).unwrap(),
            &format!("campaign-lint {}", argv.join(" "))
        );
    }
}
