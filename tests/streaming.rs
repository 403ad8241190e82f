//! A run over many campaigns without recipients writes its report a file at a time: the
//! first files' findings are out before the last file is read, and the streamed report is
//! byte for byte the one rendered whole.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::LazyLock;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use campaign_lint::check::{CheckRequest, check};
use campaign_lint::config::Config;
use campaign_lint::report::{self, HumanOptions, OutputFormat};
use campaign_lint::rules::RuleSet;
use common::{run_in, temp_dir};

static RULES: LazyLock<RuleSet> =
    LazyLock::new(|| RuleSet::builtin().expect("the shipped rules load"));

/// A template with findings (no unsubscribe link, an http link), numbered.
fn template(i: usize) -> String {
    format!(
        "<html lang=\"en\"><body><p>Hello number {i}, our big sale is on today! Buy now at \
         <a href=\"http://shop.example.com/{i}\">the shop</a>.</p></body></html>\n"
    )
}

/// `n` templates under `dir/t`, every seventh one clean of findings but the footer's.
fn templates(dir: &Path, n: usize) {
    let t = dir.join("t");
    std::fs::create_dir_all(&t).unwrap();
    for i in 0..n {
        let text = if i % 7 == 3 {
            "<html lang=\"en\"><body><p>Our newsletter about the things you like, with news \
             from the team.</p><p>Acme Inc, 1 Main St, Springfield</p><p><a \
             href=\"https://example.com/unsubscribe\">Unsubscribe</a></p></body></html>\n"
                .to_owned()
        } else {
            template(i)
        };
        std::fs::write(t.join(format!("t{i:04}.html")), text).unwrap();
    }
}

/// The findings of the first files are written while a later file cannot be read yet
/// (a FIFO no one writes to): the report is not held until the run ends.
#[test]
fn the_first_files_are_reported_before_the_last_is_read() {
    let dir = temp_dir("streaming-fifo");
    templates(&dir, 600);
    let fifo = dir.join("last.html");
    let made = Command::new("mkfifo").arg(&fifo).status().expect("mkfifo");
    assert!(made.success());
    let mut child = Command::new(env!("CARGO_BIN_EXE_campaign-lint"))
        .args(["check", "t", "last.html", "--format", "concise"])
        .current_dir(&dir)
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run campaign-lint");
    // Only a report held whole would make this wait: then, after a long while, the
    // FIFO is fed anyway so that the test fails instead of hanging.
    let fed = std::sync::Arc::new(AtomicBool::new(false));
    let watchdog = {
        let (fifo, fed) = (fifo.clone(), fed.clone());
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_mins(5));
            if !fed.swap(true, Ordering::SeqCst) {
                feed(&fifo);
            }
        })
    };
    // stdout is read on its own thread: the run must never wait for its reader.
    let (first_line, got_first) = std::sync::mpsc::channel();
    let stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut lines = Vec::new();
        for line in BufReader::new(stdout).lines() {
            let line = line.unwrap();
            if lines.is_empty() {
                let _ = first_line.send(line.clone());
            }
            lines.push(line);
        }
        lines
    });
    let first = got_first.recv().expect("a line");
    let fed_before = fed.swap(true, Ordering::SeqCst);
    assert!(
        !fed_before,
        "nothing was written until the last file could be read"
    );
    assert!(first.starts_with("t/t0000.html:"), "{first}");
    feed(&fifo);
    let rest = reader.join().unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(1));
    assert!(
        rest.iter().any(|l| l.starts_with("last.html:")),
        "the FIFO's findings are reported too"
    );
    drop(watchdog);
}

fn feed(fifo: &Path) {
    let mut w = std::fs::OpenOptions::new().write(true).open(fifo).unwrap();
    w.write_all(template(9999).as_bytes()).unwrap();
}

/// Every format, streamed by the binary over a directory (with a file too large to read
/// among the templates, and a baseline hiding some findings), reads exactly as the
/// report rendered whole from the same check.
#[test]
fn a_streamed_report_is_the_report_rendered_whole() {
    let dir = temp_dir("streaming-same");
    templates(&dir, 700);
    // A template over the campaign size limit: an input that cannot be checked.
    let config = dir.join("campaign-lint.toml");
    std::fs::write(&config, "[limits]\nmax-campaign-mb = 0.001\n").unwrap();
    std::fs::write(dir.join("t/t0100.html"), template(100).repeat(20)).unwrap();
    // A baseline of the findings of the first 50 templates.
    let t = dir.join("t");
    let t = t.to_str().unwrap();
    let recorded = run_in(
        &dir,
        &["check", t, "--baseline", "bl.json", "--update-baseline"],
    );
    assert_eq!(recorded.code, 2, "{}", recorded.stderr);
    std::fs::rename(dir.join("t/t0100.html"), dir.join("big.html")).unwrap();
    let recorded = run_in(
        &dir,
        &["check", t, "--baseline", "bl.json", "--update-baseline"],
    );
    assert_eq!(recorded.code, 0, "{}", recorded.stderr);
    std::fs::rename(dir.join("big.html"), dir.join("t/t0100.html")).unwrap();
    for i in 0..700 {
        if i % 2 == 0 {
            let name = dir.join(format!("t/t{i:04}.html"));
            if i % 7 != 3 && i != 100 {
                std::fs::write(name, template(i + 10_000)).unwrap();
            }
        }
    }

    let request = CheckRequest {
        campaigns: vec![t.into()],
        ..CheckRequest::default()
    };
    let human = HumanOptions {
        color: false,
        width: 100,
    };
    let config = Config::load(&config).expect("config");
    let mut outcome = check(&request, &config, &RULES).expect("checked");
    let hidden = campaign_lint::baseline::apply(&dir.join("bl.json"), &mut outcome.report, &dir)
        .expect("baseline");
    assert!(hidden > 100, "{hidden}");
    assert!(outcome.report.findings().count() > 100);
    assert_eq!(outcome.errors.len(), 1, "{:?}", outcome.errors);
    for (name, format) in [
        ("human", OutputFormat::Human),
        ("json", OutputFormat::Json),
        ("concise", OutputFormat::Concise),
        ("github", OutputFormat::Github),
        ("sarif", OutputFormat::Sarif),
        ("junit", OutputFormat::Junit),
        ("gitlab", OutputFormat::Gitlab),
    ] {
        let whole = report::render(format, &outcome.report, &outcome.errors, &human, &RULES);
        let streamed = run_in(
            &dir,
            &["check", t, "--baseline", "bl.json", "--format", name],
        );
        assert_eq!(streamed.code, 2, "{name}: {}", streamed.stderr);
        assert!(
            streamed
                .stderr
                .contains(" recorded in the baseline bl.json are not shown"),
            "{name}: {}",
            streamed.stderr
        );
        assert!(
            streamed.stdout == whole,
            "{name}: the streamed report differs from the whole one"
        );
    }
}
