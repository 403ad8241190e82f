//! Baselines: recorded findings stay hidden across line shifts and however the paths
//! are spelled; version 1 baselines still work.

mod common;

use std::path::Path;

use common::{run_in, temp_dir};

#[test]
fn baseline_hides_recorded_findings_across_line_shifts() {
    let dir = temp_dir("baseline");
    let footer = "<p style=\"font-size:6px;color:#eeeeee\">Nordlicht GmbH, Musterstraße 12, 20095 Hamburg <a href=\"*|UNSUB|*\" style=\"color:#eeeeee\">unsubscribe</a></p>";
    let page = |top: &str| {
        format!(
            "<html lang=\"en\"><body>\n{top}<p>Our spring news from the stores, with everything you asked us about this year.</p>\n{footer}\n</body></html>\n"
        )
    };
    std::fs::write(dir.join("legacy.html"), page("")).unwrap();
    let out = run_in(&dir, &["check", "legacy.html"]);
    assert_eq!(out.code, 1, "{}", out.stdout);
    let out = run_in(
        &dir,
        &[
            "check",
            ".",
            "--baseline",
            "baseline.json",
            "--update-baseline",
        ],
    );
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("wrote 1 finding to"), "{}", out.stdout);
    let out = run_in(&dir, &["check", ".", "--baseline", "baseline.json"]);
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert!(
        out.stderr.contains("1 finding recorded in the baseline"),
        "{}",
        out.stderr
    );
    // Lines inserted above: the old finding is still known.
    std::fs::write(
        dir.join("legacy.html"),
        page("<p>New intro line.</p>\n<p>And another.</p>\n"),
    )
    .unwrap();
    let out = run_in(&dir, &["check", ".", "--baseline", "baseline.json"]);
    assert_eq!(out.code, 0, "{}", out.stdout);
    // A new problem elsewhere is reported.
    std::fs::write(dir.join("new.html"), "<p>Sale today, but where do I unsubscribe? Nordlicht GmbH, Musterstraße 12, 20095 Hamburg</p>").unwrap();
    let out = run_in(
        &dir,
        &[
            "check",
            ".",
            "--baseline",
            "baseline.json",
            "--format",
            "json",
        ],
    );
    assert_eq!(out.code, 1);
    let v: serde_json::Value = common::json(&out);
    let rules: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["missing-unsubscribe-link"]);
    std::fs::write(dir.join("broken.json"), "{\"version\": 1, \"findings\": [}").unwrap();
    let out = run_in(&dir, &["check", ".", "--baseline", "broken.json"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("broken.json:1:"), "{}", out.stderr);
}

/// A baseline names files relative to its own directory, normalised: however the run
/// spells the campaign and the baseline (relative, `./` and `.`, `..`, absolute) and
/// from whichever directory, the recorded findings stay hidden.
#[test]
fn baseline_findings_stay_hidden_however_the_paths_are_spelled() {
    let dir = temp_dir("baseline-spelling");
    let bl = dir.join("w/bl");
    std::fs::create_dir_all(&bl).unwrap();
    std::fs::create_dir_all(dir.join("w/x")).unwrap();
    let v1 = common::root().join("tests/baseline-v1/templates");
    for name in ["legacy.html", "sale.html"] {
        std::fs::copy(v1.join(name), bl.join(name)).unwrap();
    }
    let out = run_in(
        &dir,
        &[
            "check",
            "w/bl",
            "--baseline",
            "w/baseline.json",
            "--update-baseline",
        ],
    );
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let recorded: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("w/baseline.json")).unwrap())
            .unwrap();
    assert_eq!(recorded["version"], 2);
    assert_eq!(
        recorded["findings"][0]["file"], "bl/legacy.html",
        "{recorded}"
    );

    let abs = dir.to_str().unwrap();
    let outside = temp_dir("baseline-elsewhere");
    let runs: [(&Path, Vec<String>); 8] = [
        (&dir, vec!["w/bl".into(), "w/baseline.json".into()]),
        (&dir, vec!["./w/./bl".into(), "./w/baseline.json".into()]),
        (
            &dir,
            vec!["w/x/../bl".into(), "w/x/../baseline.json".into()],
        ),
        (
            &dir,
            vec![format!("{abs}/w/bl"), format!("{abs}/w/baseline.json")],
        ),
        (
            &dir,
            vec!["w/bl/legacy.html".into(), "w/baseline.json".into()],
        ),
        (&dir.join("w"), vec!["bl".into(), "baseline.json".into()]),
        (&bl, vec![".".into(), "../baseline.json".into()]),
        (
            &outside,
            vec![format!("{abs}/w/./bl/"), format!("{abs}/w/baseline.json")],
        ),
    ];
    for (cwd, args) in &runs {
        let out = run_in(cwd, &["check", &args[0], "--baseline", &args[1]]);
        assert_eq!(
            out.code,
            0,
            "{args:?} from {}: {}{}",
            cwd.display(),
            out.stdout,
            out.stderr
        );
        assert!(
            out.stderr.contains("recorded in the baseline"),
            "{args:?}: {}",
            out.stderr
        );
    }
    // A new problem is still reported, under any spelling.
    std::fs::write(
        bl.join("new.html"),
        "<p>Nordlicht GmbH, Musterstraße 12, 20095 Hamburg: no way out</p>",
    )
    .unwrap();
    let out = run_in(
        &outside,
        &[
            "check",
            &format!("{abs}/w/bl"),
            "--baseline",
            &format!("{abs}/w/baseline.json"),
        ],
    );
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert!(out.stdout.contains("new.html"), "{}", out.stdout);
}

/// A version 1 baseline (written by earlier releases, with the files as the command
/// line spelled them) still hides its findings for runs that spell them that way.
#[test]
fn version_one_baselines_still_work() {
    let dir = common::root().join("tests/baseline-v1");
    for spelling in ["templates", "./templates"] {
        let out = run_in(&dir, &["check", spelling, "--baseline", "baseline.json"]);
        assert_eq!(out.code, 0, "{spelling}: {}{}", out.stdout, out.stderr);
        assert!(
            out.stderr.contains("2 findings recorded in the baseline"),
            "{}",
            out.stderr
        );
    }
    let out = run_in(
        &dir,
        &[
            "check",
            "templates",
            "--baseline",
            "templates/../baseline.json",
        ],
    );
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let dir = temp_dir("baseline-version");
    std::fs::write(dir.join("b.json"), "{\"version\": 7, \"findings\": []}").unwrap();
    std::fs::write(dir.join("a.html"), "<p>hello</p>").unwrap();
    let out = run_in(&dir, &["check", "a.html", "--baseline", "b.json"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("b.json: baseline version 7"),
        "{}",
        out.stderr
    );
}
