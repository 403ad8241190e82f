//! Behaviour on a terminal (a pseudo-terminal through util-linux `script`): colour only
//! there and never with NO_COLOR, and the audience progress line.

mod common;

use std::process::{Command, Stdio};

/// `campaign-lint check ARGS` on a pseudo-terminal (util-linux `script`), with `NO_COLOR`
/// set to `no_color` or unset; what the terminal showed.
fn on_terminal(args: &str, no_color: Option<&str>) -> String {
    on_terminal_with(args, no_color, &[])
}

fn on_terminal_with(args: &str, no_color: Option<&str>, env: &[(&str, &str)]) -> String {
    let command = format!("'{}' check {args}", env!("CARGO_BIN_EXE_campaign-lint"));
    let mut script = Command::new("script");
    script
        .args(["-q", "-e", "-c", &command, "/dev/null"])
        .current_dir(common::root())
        .env_remove("NO_COLOR")
        .env("COLUMNS", "100")
        .envs(env.iter().copied())
        .stdin(Stdio::null());
    if let Some(value) = no_color {
        script.env("NO_COLOR", value);
    }
    let out = script
        .output()
        .expect("run `script` (util-linux) for a terminal");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn colour_only_on_a_terminal_and_never_with_no_color() {
    let args = "samples/campaigns/no-optout.eml";
    let coloured = |text: &str| text.contains("\u{1b}[");
    let shown = on_terminal(args, None);
    assert!(shown.contains("missing-unsubscribe-link"), "{shown}");
    assert!(coloured(&shown), "colour on a terminal:\n{shown}");
    // https://no-color.org: any non-empty value turns colour off; an empty one does not.
    let shown = on_terminal(args, Some("1"));
    assert!(shown.contains("missing-unsubscribe-link"), "{shown}");
    assert!(!coloured(&shown), "NO_COLOR=1 on a terminal:\n{shown}");
    assert!(coloured(&on_terminal(args, Some(""))));
    // Usage errors (clap, on stderr) honour it too.
    let shown = on_terminal("--no-such-option", Some("1"));
    assert!(shown.contains("--no-such-option"), "{shown}");
    assert!(!coloured(&shown), "a usage error with NO_COLOR=1:\n{shown}");
    // Machine formats are never coloured, even on a terminal.
    for format in ["concise", "json", "github"] {
        let shown = on_terminal(&format!("{args} --format {format}"), None);
        assert!(shown.contains("missing-unsubscribe-link"), "{shown}");
        assert!(!coloured(&shown), "--format {format}:\n{shown}");
    }
    // Not a terminal (a pipe), without NO_COLOR: no colour.
    let out = Command::new(env!("CARGO_BIN_EXE_campaign-lint"))
        .args(["check", args])
        .current_dir(common::root())
        .env_remove("NO_COLOR")
        .output()
        .expect("run campaign-lint");
    let piped = String::from_utf8_lossy(&out.stdout);
    assert!(piped.contains("missing-unsubscribe-link"), "{piped}");
    assert!(!coloured(&piped), "colour in a pipe:\n{piped}");
}

/// Audience progress: a line on stderr when it is a terminal (percent of the file, rows,
/// rows/s), cleared at the end; nothing when it is not.
#[test]
fn audience_progress_only_on_a_terminal() {
    let dir = common::temp_dir("progress");
    let mut csv = String::from("email,language\n");
    for i in 0..400_000 {
        csv.push_str("user");
        csv.push_str(&i.to_string());
        csv.push_str("@example.com,de\n");
    }
    let export = dir.join("export.csv");
    std::fs::write(&export, csv).unwrap();
    let args = format!(
        "samples/campaigns/winter-sale.de.eml --audience '{}' --format json",
        export.display()
    );
    // Drawn at every piece, however fast this machine checks.
    let shown = on_terminal_with(&args, Some("1"), &[("CAMPAIGN_LINT_PROGRESS_MS", "0")]);
    // `\r 42%  123,456 rows  987,654 rows/s`: the summary line says "rows in" instead.
    assert!(
        shown.contains('\r') && shown.contains(" rows  ") && shown.contains("%  "),
        "progress on a terminal:\n{}",
        shown.chars().take(2000).collect::<String>()
    );
    assert!(shown.contains("\u{1b}[2K"), "the progress line is cleared");
    let piped = common::run(&[
        "check",
        "samples/campaigns/winter-sale.de.eml",
        "--audience",
        export.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert!(!piped.stderr.contains(" rows  "), "{}", piped.stderr);
    assert!(
        piped.stderr.contains("checked 400,000 rows"),
        "{}",
        piped.stderr
    );
}
