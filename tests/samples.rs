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

/// Runs every case in `format` and compares `render(stdout)` with its snapshot.
fn check_all(format: &str, render: impl Fn(&str) -> String) {
    for (name, extra, code) in CASES {
        let argv = args(extra, format);
        let argv: Vec<&str> = argv.iter().map(String::as_str).collect();
        let out = run(&argv);
        assert_eq!(
            out.code, *code,
            "{name}: exit code\n{}{}",
            out.stdout, out.stderr
        );
        insta::assert_snapshot!(
            format!("{format}-{name}"),
            render(&out.stdout),
            &format!("campaign-lint {}", argv.join(" "))
        );
    }
}

#[test]
fn human_output_matches_snapshots() {
    check_all("human", str::to_owned);
}

#[test]
fn json_output_matches_snapshots() {
    check_all("json", |stdout| {
        let mut value: serde_json::Value = serde_json::from_str(stdout).expect("valid JSON");
        // The only figure that differs from run to run.
        if let Some(audience) = value
            .pointer_mut("/summary/audience")
            .and_then(|a| a.as_object_mut())
        {
            audience.remove("seconds");
        }
        serde_json::to_string_pretty(&value).expect("serialise JSON")
    });
}
