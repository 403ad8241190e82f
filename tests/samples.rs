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

/// The rows of the markdown table that follows `heading` in `text`, as trimmed cells.
fn table_after<'a>(text: &'a str, heading: &str) -> Vec<Vec<&'a str>> {
    let section = text
        .split_once(heading)
        .unwrap_or_else(|| panic!("samples/README.md has {heading}"))
        .1;
    section
        .lines()
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .skip(2)
        .map(|l| l.trim_matches('|').split(" | ").map(str::trim).collect())
        .collect()
}

/// The findings of a run's JSON snapshot, as samples/README.md writes them: each rule in
/// order of first appearance, `×N` when it has N findings; `none` for none.
fn findings_of_snapshot(name: &str) -> String {
    let path = common::root().join(format!("tests/snapshots/samples__json-{name}.snap"));
    let snap = std::fs::read_to_string(&path).unwrap();
    let json = snap.splitn(3, "---\n").nth(2).expect("an insta snapshot");
    let report: serde_json::Value = serde_json::from_str(json).unwrap();
    let mut counts: Vec<(String, usize)> = Vec::new();
    for f in report["findings"].as_array().unwrap() {
        let rule = f["rule"].as_str().unwrap();
        match counts.iter_mut().find(|(r, _)| r == rule) {
            Some((_, n)) => *n += 1,
            None => counts.push((rule.to_owned(), 1)),
        }
    }
    if counts.is_empty() {
        return "none".to_owned();
    }
    counts
        .iter()
        .map(|(r, n)| {
            if *n == 1 {
                r.clone()
            } else {
                format!("{r} ×{n}")
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// samples/README.md's table of runs says, for every snapshotted run, its command, exit
/// code and findings exactly as the snapshots have them.
#[test]
fn samples_readme_runs_match_the_snapshots() {
    let readme = std::fs::read_to_string(common::root().join("samples/README.md")).unwrap();
    let rows = table_after(&readme, "## Runs and their findings");
    let mut problems = Vec::new();
    for (name, extra, code) in CASES {
        let Some(row) = rows.iter().find(|r| r[0] == *name) else {
            problems.push(format!("no row for run {name}"));
            continue;
        };
        let command = format!("`{}`", extra.join(" "));
        let expected = [
            *name,
            command.as_str(),
            &code.to_string(),
            &findings_of_snapshot(name),
        ];
        if row.as_slice() != expected {
            problems.push(format!(
                "run {name}: README says {row:?}, the snapshots {expected:?}"
            ));
        }
    }
    for row in &rows {
        if !CASES.iter().any(|(name, _, _)| *name == row[0]) {
            problems.push(format!(
                "README lists run {}, which is not in CASES",
                row[0]
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// samples/README.md's table of files lists every file under samples/ and nothing else,
/// each with the runs whose command names it (or a folder above a campaign file).
#[test]
fn samples_readme_lists_every_file() {
    fn walk(dir: &std::path::Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else {
                let rel = path.strip_prefix(common::root()).unwrap();
                out.push(rel.to_str().unwrap().to_owned());
            }
        }
    }
    let readme = std::fs::read_to_string(common::root().join("samples/README.md")).unwrap();
    let rows = table_after(&readme, "## Files");
    let mut files = Vec::new();
    walk(&common::root().join("samples"), &mut files);
    files.sort();
    let listed: Vec<String> = rows
        .iter()
        .map(|r| format!("samples/{}", r[0].trim_matches('`')))
        .collect();
    assert_eq!(
        listed, files,
        "one row per file under samples/, in path order"
    );
    for (file, row) in files.iter().zip(&rows) {
        let collected = campaign_lint::check::is_campaign_name(std::path::Path::new(file));
        let runs: Vec<&str> = CASES
            .iter()
            .filter(|(_, extra, _)| {
                extra.iter().any(|a| {
                    *a == file
                        || (collected && file.starts_with(&format!("{}/", a.trim_end_matches('/'))))
                })
            })
            .map(|(name, _, _)| *name)
            .collect();
        let runs = if runs.is_empty() {
            "—".to_owned()
        } else {
            runs.join(", ")
        };
        assert_eq!(row[2], runs, "{file}: the runs that name it");
    }
}
