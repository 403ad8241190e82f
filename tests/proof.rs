//! `campaign-lint proof` against a real SMTP server (aiosmtpd, started per test on
//! 127.0.0.1; `.ci/install-render.sh` installs it): what the server received per seed
//! (envelope, headers, bodies), a 550 for one seed, a server that is down, a server
//! without STARTTLS, implicit TLS with a test CA, the recipient cap, and `--dry-run`.

mod common;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use base64::Engine as _;
use common::{root, temp_dir};
use mail_parser::MessageParser;

const FROM: &str = "Nordlicht <news@nordlicht.example.com>";
const SEEDS: &str = "samples/seeds/proof-seeds.csv";

/// The Python with aiosmtpd and trustme: `CAMPAIGN_LINT_SMTP_PYTHON`, else the venv
/// `.ci/install-render.sh` makes. None (the test is skipped, loudly) only outside CI.
fn python() -> Option<PathBuf> {
    let python = std::env::var_os("CAMPAIGN_LINT_SMTP_PYTHON")
        .map(PathBuf::from)
        .or_else(|| Some(root().join("target/ci-render-venv/bin/python")))
        .filter(|p| p.is_file());
    if python.is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "CAMPAIGN_LINT_SMTP_PYTHON is not set: run .ci/install-render.sh"
        );
        eprintln!(
            "SKIPPED: no aiosmtpd (run .ci/install-render.sh, or set CAMPAIGN_LINT_SMTP_PYTHON)"
        );
    }
    python
}

/// A running test server; stopped when dropped.
struct Server {
    child: Child,
    port: u16,
    log: PathBuf,
    ca: PathBuf,
}

impl Server {
    fn start(mode: &str, dir: &Path) -> Option<Server> {
        let python = python()?;
        let log = dir.join("smtp-log.jsonl");
        let ca = dir.join("test-ca.pem");
        let mut child = Command::new(python)
            .arg(root().join("tests/support/smtp_server.py"))
            .args([mode, log.to_str().unwrap(), ca.to_str().unwrap()])
            .stdout(Stdio::piped())
            .spawn()
            .expect("start the SMTP server");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port = line
            .trim()
            .strip_prefix("READY ")
            .unwrap_or_else(|| panic!("the SMTP server did not start: {line:?}"))
            .parse()
            .unwrap();
        Some(Server {
            child,
            port,
            log,
            ca,
        })
    }

    fn url(&self, scheme: &str, user: &str) -> String {
        format!("{scheme}://{user}127.0.0.1:{}", self.port)
    }

    /// The server's log: AUTH attempts and the messages it accepted.
    fn events(&self) -> Vec<serde_json::Value> {
        std::fs::read_to_string(&self.log)
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    fn messages(&self) -> Vec<(String, Vec<String>, Vec<u8>)> {
        self.events()
            .into_iter()
            .filter(|e| e["event"] == "message")
            .map(|e| {
                let rcpt = e["rcpt_tos"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|r| r.as_str().unwrap().to_owned())
                    .collect();
                let data = base64::engine::general_purpose::STANDARD
                    .decode(e["data_b64"].as_str().unwrap())
                    .unwrap();
                (e["mail_from"].as_str().unwrap().to_owned(), rcpt, data)
            })
            .collect()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn proof(args: &[&str], password: Option<&str>) -> common::Run {
    let mut full = vec!["proof"];
    full.extend_from_slice(args);
    let env: Vec<(&str, &str)> = password
        .map(|p| vec![("CAMPAIGN_LINT_SMTP_PASSWORD", p)])
        .unwrap_or_default();
    common::run_in_env(&root(), &full, &env)
}

/// The message without the headers a proof makes fresh each time.
fn without_fresh_headers(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes)
        .split("\r\n")
        .filter(|l| !l.starts_with("Message-ID: ") && !l.starts_with("Date: "))
        .collect::<Vec<_>>()
        .join("\r\n")
}

/// The bundled variants for two seeds in two languages, over STARTTLS with AUTH: each
/// seed gets its own language's variant, [Proof] subject, its own envelope; the bytes
/// received are the bytes a dry run writes (up to the fresh Message-ID and Date).
#[test]
fn seeds_get_their_language_over_starttls() {
    let dir = temp_dir("proof-starttls");
    let Some(server) = Server::start("starttls", &dir) else {
        return;
    };
    let url = server.url("smtp", "proofs@");
    let ca = server.ca.to_str().unwrap();
    let args = [
        "samples/variants",
        "--seeds",
        SEEDS,
        "--from",
        FROM,
        "--smtp",
        &url,
        "--smtp-ca",
        ca,
    ];
    let out = proof(&args, Some("s3cret"));
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("spring-offer.en.html for p•••@nordlicht.example.com: accepted (250 2.0.0 Queued as proof-1)"), "{}", out.stdout);
    assert!(
        !out.stdout.contains("proof-en@"),
        "seed addresses are masked"
    );
    let auth: Vec<_> = server
        .events()
        .into_iter()
        .filter(|e| e["event"] == "auth")
        .collect();
    assert!(
        !auth.is_empty() && auth.iter().all(|e| e["tls"] == true && e["ok"] == true),
        "{auth:?}"
    );

    let received = server.messages();
    assert_eq!(received.len(), 2);
    let expected = [
        (
            "proof-en@nordlicht.example.com",
            "[Proof] Spring offers from Nordlicht",
            "Hello Oliver, the days",
        ),
        (
            "proof-de@nordlicht.example.com",
            "[Proof] Frühlingsangebote von Nordlicht",
            "Hallo Jonas, die Tage",
        ),
    ];
    let mut ids = Vec::new();
    for ((from, rcpt, data), (seed, subject, greeting)) in received.iter().zip(expected) {
        assert_eq!(from, "news@nordlicht.example.com");
        assert_eq!(rcpt, &[seed.to_owned()]);
        let m = MessageParser::default().parse(data).unwrap();
        assert_eq!(m.subject(), Some(subject));
        assert_eq!(m.to().unwrap().first().unwrap().address(), Some(seed));
        assert!(m.body_html(0).unwrap().contains(greeting));
        assert!(
            m.body_html(0)
                .unwrap()
                .contains("https://esp-placeholder.invalid/UNSUB")
        );
        assert!(m.date().is_some());
        ids.push(m.message_id().unwrap().to_owned());
    }
    assert_ne!(ids[0], ids[1]);

    // A dry run writes the same bytes.
    let dry = dir.join("dry");
    let mut dry_args = args.to_vec();
    dry_args.extend(["--dry-run", dry.to_str().unwrap()]);
    let out = proof(&dry_args, Some("s3cret"));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(server.messages().len(), 2, "a dry run sends nothing");
    let mut files: Vec<_> = std::fs::read_dir(&dry)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert_eq!(files.len(), 2);
    for (file, (_, _, data)) in files.iter().zip(&received) {
        // lettre ends DATA with CRLF . CRLF after the message's own last CRLF, which
        // the server keeps as an empty last line.
        let data = data.strip_suffix(b"\r\n").unwrap();
        assert_eq!(
            without_fresh_headers(&std::fs::read(file).unwrap()),
            without_fresh_headers(data)
        );
    }
}

/// An `.eml` proof keeps List-Unsubscribe as written and gets a fresh Message-ID; a 550
/// for one seed is reported with its code and the others are still delivered (exit 2).
#[test]
fn a_rejected_seed_does_not_hide_the_others() {
    let dir = temp_dir("proof-reject");
    let Some(server) = Server::start("plain", &dir) else {
        return;
    };
    let url = server.url("smtp+insecure", "");
    let out = proof(
        &[
            "samples/campaigns/clean-newsletter.eml",
            "--profile",
            "samples/profiles/english-reader.json",
            "--to",
            "seed-a@example.org,reject-me@example.org,seed-c@example.org",
            "--smtp",
            &url,
        ],
        None,
    );
    assert_eq!(out.code, 2, "{}\n{}", out.stdout, out.stderr);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{}", out.stdout);
    assert!(
        lines[0].ends_with("s•••@example.org: accepted (250 2.0.0 Queued as proof-1)"),
        "{}",
        lines[0]
    );
    assert!(
        lines[1].contains("r•••@example.org: rejected (550 "),
        "{}",
        lines[1]
    );
    assert!(lines[1].contains("mailbox unavailable"), "{}", lines[1]);
    assert!(
        lines[2].ends_with("accepted (250 2.0.0 Queued as proof-2)"),
        "{}",
        lines[2]
    );
    assert!(out.stderr.contains("2 of 3 accepted"), "{}", out.stderr);

    let received = server.messages();
    let rcpts: Vec<&str> = received.iter().map(|(_, r, _)| r[0].as_str()).collect();
    assert_eq!(rcpts, ["seed-a@example.org", "seed-c@example.org"]);
    let original = std::fs::read(root().join("samples/campaigns/clean-newsletter.eml")).unwrap();
    let original = MessageParser::default().parse(&original).unwrap();
    let m = MessageParser::default().parse(&received[0].2).unwrap();
    assert_eq!(
        m.subject(),
        Some("[Proof] Your April update from Nordlicht")
    );
    for name in ["List-Unsubscribe", "List-Unsubscribe-Post"] {
        assert_eq!(
            m.header_raw(name).map(|v| v.replace("\r\n", "\n")),
            original.header_raw(name).map(|v| v.replace("\r\n", "\n")),
            "{name}"
        );
    }
    assert_ne!(m.message_id(), original.message_id());
    assert_eq!(m.body_text(0), original.body_text(0));
}

#[test]
fn a_server_that_is_down_is_one_clear_error() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    // The listener is closed: nothing listens on the port.
    let url = format!("smtp+insecure://127.0.0.1:{port}");
    let out = proof(
        &[
            "samples/variants",
            "--seeds",
            SEEDS,
            "--from",
            FROM,
            "--smtp",
            &url,
        ],
        None,
    );
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stdout.is_empty(),
        "nothing half-reported: {}",
        out.stdout
    );
    assert!(
        out.stderr
            .contains(&format!("smtp+insecure://127.0.0.1:{port}")),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.to_lowercase().contains("connection refused"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("nothing was sent"), "{}", out.stderr);
}

/// `smtp://` requires STARTTLS: against a server without it, the proof stops before any
/// credentials are sent (the server offers AUTH in the clear and logs every attempt).
#[test]
fn no_starttls_no_credentials() {
    let dir = temp_dir("proof-no-starttls");
    let Some(server) = Server::start("plain", &dir) else {
        return;
    };
    let url = server.url("smtp", "proofs@");
    let out = proof(
        &[
            "samples/variants",
            "--seeds",
            SEEDS,
            "--from",
            FROM,
            "--smtp",
            &url,
        ],
        Some("s3cret"),
    );
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("nothing was sent"), "{}", out.stderr);
    assert!(server.events().is_empty(), "{:?}", server.events());

    // The same server through smtp+insecure:// on loopback takes the proofs.
    let out = proof(
        &[
            "samples/variants",
            "--seeds",
            SEEDS,
            "--from",
            FROM,
            "--smtp",
            &server.url("smtp+insecure", ""),
        ],
        None,
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(server.messages().len(), 2);
}

/// `smtps://` is TLS from the start, verified against the test CA; without the CA the
/// certificate is not trusted and nothing is sent.
#[test]
fn implicit_tls_verifies_the_certificate() {
    let dir = temp_dir("proof-tls");
    let Some(server) = Server::start("tls", &dir) else {
        return;
    };
    let url = server.url("smtps", "proofs@");
    let base = [
        "samples/variants",
        "--seeds",
        SEEDS,
        "--from",
        FROM,
        "--smtp",
        &url,
    ];
    let out = proof(&base, Some("s3cret"));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("nothing was sent"), "{}", out.stderr);
    assert!(server.messages().is_empty());

    let mut trusted = base.to_vec();
    trusted.extend(["--smtp-ca", server.ca.to_str().unwrap()]);
    let out = proof(&trusted, Some("s3cret"));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(server.messages().len(), 2);
}

#[test]
fn the_recipient_cap_and_seed_lists_only() {
    let dir = temp_dir("proof-cap");
    let Some(server) = Server::start("plain", &dir) else {
        return;
    };
    std::fs::write(
        dir.join("campaign-lint.toml"),
        "[proof]\nmax-recipients = 2\n",
    )
    .unwrap();
    let url = server.url("smtp+insecure", "");
    let config = dir.join("campaign-lint.toml");
    let out = proof(
        &[
            "samples/variants",
            "--config",
            config.to_str().unwrap(),
            "--profile",
            "samples/profiles/german-reader.json",
            "--to",
            "a@example.org,b@example.org,c@example.org",
            "--smtp",
            &url,
        ],
        None,
    );
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("3 seeds, more than the 2"),
        "{}",
        out.stderr
    );
    let shown = common::run(&["config", "--config", config.to_str().unwrap()]);
    assert!(
        shown.stdout.contains("[proof]\nmax-recipients = 2\n"),
        "{}",
        shown.stdout
    );
    // The default cap is 20.
    let many: Vec<String> = (0..21).map(|i| format!("seed{i}@example.org")).collect();
    let to = many.join(",");
    let out = proof(
        &[
            "samples/variants",
            "--profile",
            "samples/profiles/german-reader.json",
            "--to",
            &to,
            "--smtp",
            &url,
        ],
        None,
    );
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("21 seeds, more than the 20"),
        "{}",
        out.stderr
    );
    let out = proof(
        &[
            "samples/variants",
            "--audience",
            "samples/audiences/newsletter-export.csv",
            "--smtp",
            &url,
        ],
        None,
    );
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("seed list only"), "{}", out.stderr);
    assert!(server.events().is_empty());
}

/// Error-level findings stop the proof (exit 1, findings shown) unless --allow-errors.
#[test]
fn check_errors_stop_the_proof() {
    let dir = temp_dir("proof-check");
    let dry = dir.join("out");
    let args = [
        "samples/campaigns/no-optout.eml",
        "--profile",
        "samples/profiles/english-reader.json",
        "--to",
        "seed@example.org",
        "--dry-run",
        dry.to_str().unwrap(),
    ];
    let out = proof(&args, None);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stdout.contains("missing-unsubscribe-link"),
        "{}",
        out.stdout
    );
    assert!(out.stderr.contains("nothing was sent"), "{}", out.stderr);
    assert!(!dry.exists());
    let mut allowed = args.to_vec();
    allowed.push("--allow-errors");
    let out = proof(&allowed, None);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(std::fs::read_dir(&dry).unwrap().count(), 1);
}

/// Runs `tests/support/dkim_tool.py` with the test Python.
fn dkim_tool(python: &Path, args: &[&str]) -> String {
    let out = Command::new(python)
        .arg(root().join("tests/support/dkim_tool.py"))
        .args(args)
        .output()
        .expect("run dkim_tool.py");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

/// `[proof] dkim-*` signs each proof; dkimpy verifies the signature on the bytes a dry run
/// writes and on the bytes the server received, and it covers List-Unsubscribe and
/// List-Unsubscribe-Post (RFC 8058). A changed byte fails it.
#[test]
fn proofs_are_dkim_signed() {
    let dir = temp_dir("proof-dkim");
    let Some(python) = python() else {
        return;
    };
    let key = dir.join("dkim.pem");
    let record = dkim_tool(&python, &["keygen", key.to_str().unwrap()]);
    let config = dir.join("campaign-lint.toml");
    std::fs::write(
        &config,
        format!(
            "[proof]\ndkim-key = {:?}\ndkim-selector = \"proof2026\"\ndkim-domain = \"nordlicht.example.com\"\n",
            key.to_str().unwrap()
        ),
    )
    .unwrap();
    let dry = dir.join("out");
    let args = [
        "samples/campaigns/clean-newsletter.eml",
        "--config",
        config.to_str().unwrap(),
        "--profile",
        "samples/profiles/english-reader.json",
        "--to",
        "seed@example.org",
    ];
    let mut dry_args = args.to_vec();
    dry_args.extend(["--dry-run", dry.to_str().unwrap()]);
    let out = proof(&dry_args, None);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let written = dry.join("01-clean-newsletter.eml");
    let bytes = std::fs::read(&written).unwrap();
    let text = String::from_utf8_lossy(&bytes);
    assert!(text.starts_with("DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=nordlicht.example.com; s=proof2026;"));
    assert_eq!(
        text.matches("DKIM-Signature:").count(),
        1,
        "the campaign's old signature is replaced"
    );
    assert!(
        text.contains("list-unsubscribe:list-unsubscribe-post;"),
        "{}",
        &text[..400]
    );
    assert_eq!(
        dkim_tool(&python, &["verify", written.to_str().unwrap(), &record]),
        "PASS"
    );
    let tampered = dir.join("tampered.eml");
    std::fs::write(&tampered, text.replacen("Hello Alex", "Hello Eve!", 1)).unwrap();
    assert_eq!(
        dkim_tool(&python, &["verify", tampered.to_str().unwrap(), &record]),
        "FAIL"
    );

    // Sent: the server's bytes verify too.
    let Some(server) = Server::start("plain", &dir) else {
        return;
    };
    let url = server.url("smtp+insecure", "");
    let mut send_args = args.to_vec();
    send_args.extend(["--smtp", &url]);
    let out = proof(&send_args, None);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let received = dir.join("received.eml");
    std::fs::write(&received, &server.messages()[0].2).unwrap();
    assert_eq!(
        dkim_tool(&python, &["verify", received.to_str().unwrap(), &record]),
        "PASS"
    );

    // The three settings go together.
    std::fs::write(&config, "[proof]\ndkim-selector = \"proof2026\"\n").unwrap();
    let out = proof(&dry_args, None);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("go together"), "{}", out.stderr);
}

/// What a proof cannot do without is said before anything is written or sent.
#[test]
fn a_proof_needs_a_destination_and_a_from() {
    let dir = temp_dir("proof-needs");
    let out = proof(
        &["samples/variants", "--seeds", SEEDS, "--from", FROM],
        None,
    );
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("--smtp URL") && out.stderr.contains("--dry-run DIR"),
        "{}",
        out.stderr
    );
    let dry = dir.join("out");
    let out = proof(
        &[
            "samples/variants",
            "--seeds",
            SEEDS,
            "--dry-run",
            dry.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("a template has no From: give --from ADDR"),
        "{}",
        out.stderr
    );
    assert!(!dry.exists());
    let out = proof(
        &[
            "samples/variants",
            "--profile",
            "samples/profiles/german-reader.json",
            "--dry-run",
            dry.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("--profile needs --to"),
        "{}",
        out.stderr
    );
    let out = proof(
        &[
            "samples/variants",
            "--seeds",
            SEEDS,
            "--from",
            FROM,
            "--smtp",
            "smtp://proofs:pw@127.0.0.1:1",
        ],
        None,
    );
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("CAMPAIGN_LINT_SMTP_PASSWORD") && !out.stderr.contains("pw@"),
        "{}",
        out.stderr
    );
}
