//! The fast audience engine against the reference engine: an export (the first byte picks
//! CSV, JSON Lines or gzip-compressed CSV) is checked against the sample campaign by
//! both, in small pieces, and everything they report must agree: whether the run fails,
//! the rows read, checked and skipped (and which), the recipients per rule and per
//! severity, and the grouped findings with their counts and examples.
#![no_main]

use std::path::PathBuf;
use std::sync::LazyLock;

use campaign_lint::audience::AudienceOptions;
use campaign_lint::campaign::Format;
use campaign_lint::check::{CampaignBytes, CheckRequest, Outcome, check};
use campaign_lint::config::Config;
use campaign_lint::rules::RuleSet;
use libfuzzer_sys::fuzz_target;

static RULES: LazyLock<RuleSet> =
    LazyLock::new(|| RuleSet::builtin().expect("the shipped rules load"));

// Run with CAMPAIGN_LINT_PIECE_KB=4 in the environment, so that a short input is cut into
// several pieces (set_var is unsafe, and the crate forbids unsafe code).
static DIR: LazyLock<PathBuf> = LazyLock::new(|| {
    let dir = std::env::temp_dir().join(format!("campaign-lint-engines-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    dir
});

const EXTENSIONS: &[&str] = &["csv", "jsonl", "csv.gz"];

/// What a run reported, without timings.
fn summary(outcome: &Result<Outcome, campaign_lint::Error>) -> String {
    match outcome {
        Err(e) => format!("error: {e}"),
        Ok(o) => {
            let mut text = format!("errors: {:?}\n", o.errors);
            if let Some(a) = &o.report.audience {
                text += &format!(
                    "read {} checked {} skipped {} {:?}\nrules {:?}\nworst {} {} {}\n",
                    a.rows_read,
                    a.rows_checked,
                    a.rows_skipped,
                    a.skipped,
                    a.rule_recipients,
                    a.recipients_with_errors,
                    a.recipients_with_warnings,
                    a.recipients_with_infos
                );
            }
            for file in &o.report.files {
                for f in &file.findings {
                    text += &format!(
                        "{} {} {:?} {:?} {:?}\n",
                        file.path, f.rule, f.message, f.recipients, f.examples
                    );
                }
            }
            text
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, body)) = data.split_first() else {
        return;
    };
    let ext = EXTENSIONS[usize::from(selector) % EXTENSIONS.len()];
    let path = DIR.join(format!("audience.{ext}"));
    let written = if ext.ends_with(".gz") {
        use std::io::Write;
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(body).and_then(|()| gz.finish()).and_then(|bytes| std::fs::write(&path, bytes))
    } else {
        std::fs::write(&path, body)
    };
    if written.is_err() {
        return;
    }
    let config = Config::default();
    let run = |reference: bool| {
        let request = CheckRequest {
            campaign_bytes: vec![CampaignBytes {
                path: "free-phone.eml".into(),
                format: Format::Eml,
                bytes: include_bytes!("../../samples/campaigns/free-phone.eml").to_vec(),
            }],
            audience: Some(path.clone()),
            audience_options: AudienceOptions {
                reference,
                ..AudienceOptions::default()
            },
            allow_skipped: true,
            ..CheckRequest::default()
        };
        summary(&check(&request, &config, &RULES))
    };
    let fast = run(false);
    let reference = run(true);
    assert_eq!(fast, reference, "the engines disagree");
});
