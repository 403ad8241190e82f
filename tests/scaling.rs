//! Time linear in the input. Each shape here once took quadratic time (a template of
//! 20,000 links took 52 s, one finding with a label per image 43 s); each is checked at
//! `n` and `4n` (analysis, every rule, and the human, JSON, SARIF and concise reports),
//! and the CPU time must grow by less than 6× (quadratic growth is 16×).
//!
//! The time measured is this thread's own CPU time (`/proc/thread-self/schedstat`), the
//! least of three runs: other processes on a loaded machine do not count in it.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::sync::LazyLock;
use std::time::{Duration, Instant};

use campaign_lint::campaign::Format;
use campaign_lint::check::{CampaignBytes, CheckRequest, check};
use campaign_lint::config::Config;
use campaign_lint::report::{self, HumanOptions, OutputFormat};
use campaign_lint::rules::RuleSet;

static RULES: LazyLock<RuleSet> =
    LazyLock::new(|| RuleSet::builtin().expect("the shipped rules load"));

const HEAD: &str = "<html lang=\"en\"><head><title>News</title></head><body>\n\
    <p>Hello there, this is our newsletter about the things you like.</p>\n";
const FOOT: &str = "<p>Acme Inc, 1 Main St, Springfield</p>\n\
    <p><a href=\"https://example.com/unsubscribe\">Unsubscribe</a></p></body></html>\n";

fn html(body: &str) -> Vec<u8> {
    format!("{HEAD}{body}{FOOT}").into_bytes()
}

/// The shapes: a name, the campaign of size `n` and its format, with a profile or not.
type Shape = fn(usize) -> (Vec<u8>, Format);

const SHAPES: &[(&str, Shape, bool)] = &[
    ("one label per image", images, false),
    ("links whose text shows another site", links, false),
    ("declarations in one style attribute", styles, false),
    ("text parts in a message", parts, false),
    ("merge tags the profile lacks", merge_tags, true),
    ("suppression comments", suppressions, false),
    ("plain-text footnote links", footnotes, false),
];

/// `n` pieces written by `piece` (given the index), one after another.
fn repeated(n: usize, piece: impl Fn(&mut String, usize) -> std::fmt::Result) -> String {
    let mut out = String::new();
    for i in 0..n {
        piece(&mut out, i).expect("writing to a String");
    }
    out
}

fn images(n: usize) -> (Vec<u8>, Format) {
    let body = repeated(n, |out, i| {
        writeln!(out, "<img src=\"https://example.com/i{i}.png\">")
    });
    (html(&body), Format::Html)
}

fn links(n: usize) -> (Vec<u8>, Format) {
    let body = repeated(n, |out, i| {
        writeln!(
            out,
            "<a href=\"https://a{i}.example.com/\">https://b{i}.example.org/</a>"
        )
    });
    (html(&body), Format::Html)
}

fn styles(n: usize) -> (Vec<u8>, Format) {
    let style = vec!["font-size:10px;color:#fff"; n].join(";");
    let body = format!(
        "<p style=\"{style}\">Some text</p>\n<p><a style=\"{style}\" \
         href=\"https://example.com/optout\">Unsubscribe here</a></p>\n"
    );
    (html(&body), Format::Html)
}

fn parts(n: usize) -> (Vec<u8>, Format) {
    let parts = repeated(n, |out, i| {
        write!(
            out,
            "--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nPart {i}.\r\n"
        )
    });
    let eml = format!(
        "From: News <news@example.com>\r\nTo: b@example.com\r\nSubject: Hi\r\n\
         MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n{parts}--b--\r\n"
    );
    (eml.into_bytes(), Format::Eml)
}

fn merge_tags(n: usize) -> (Vec<u8>, Format) {
    let body = "<p>Hi *|LNAME|* and {{ nickname }}</p>\n".repeat(n);
    (html(&body), Format::Html)
}

fn suppressions(n: usize) -> (Vec<u8>, Format) {
    let body = repeated(n, |out, i| {
        writeln!(
            out,
            "<!-- campaign-lint-disable-next-line mismatched-link-text -->\n\
             <p><a href=\"https://a{i}.example.com/\">b{i}.example.org</a></p>"
        )
    });
    (html(&body), Format::Html)
}

fn footnotes(n: usize) -> (Vec<u8>, Format) {
    // One paragraph of markers and URLs without a sentence end, then the list.
    let cited = repeated(n, |out, i| {
        write!(
            out,
            "see the offer [{}] at https://example.com/o/{i} and more ",
            i % 999 + 1
        )
    });
    let list = repeated(n, |out, i| {
        writeln!(out, "[{}] https://example.com/p/{i}", i % 999 + 1)
    });
    (format!("{cited}\n\n{list}").into_bytes(), Format::Text)
}

/// CPU time this thread has used.
fn thread_cpu() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let nanos = stat.split_whitespace().next()?.parse().ok()?;
    Some(Duration::from_nanos(nanos))
}

/// The least time of three runs of checking `campaign` and rendering every report.
fn time(campaign: &[u8], format: Format, profile: bool) -> Duration {
    let request = CheckRequest {
        campaign_bytes: vec![CampaignBytes {
            path: "shape".into(),
            format,
            bytes: campaign.to_vec(),
        }],
        profile: profile.then(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("samples/profiles/customer.json")
        }),
        ..CheckRequest::default()
    };
    let config = Config::default();
    let human = HumanOptions {
        color: false,
        width: 100,
    };
    (0..3)
        .map(|_| {
            let (cpu, wall) = (thread_cpu(), Instant::now());
            let outcome = check(&request, &config, &RULES).expect("the shape is checked");
            let mut out = 0;
            for format in [
                OutputFormat::Human,
                OutputFormat::Json,
                OutputFormat::Sarif,
                OutputFormat::Concise,
            ] {
                out +=
                    report::render(format, &outcome.report, &outcome.errors, &human, &RULES).len();
            }
            assert!(out > 0);
            match (cpu, thread_cpu()) {
                (Some(before), Some(after)) => after.saturating_sub(before),
                _ => wall.elapsed(),
            }
        })
        .min()
        .expect("three runs")
}

/// Checks that `shape` at 4n takes less than 6× its time at n.
fn linear(name: &str, shape: Shape, profile: bool, n: usize) {
    let (small, format) = shape(n);
    let (large, _) = shape(4 * n);
    let (t1, t4) = (time(&small, format, profile), time(&large, format, profile));
    let ratio = t4.as_secs_f64() / t1.as_secs_f64().max(1e-6);
    eprintln!(
        "{name}: n={n} ({} KB) {t1:?}, 4n {t4:?}: {ratio:.1}×",
        small.len() / 1000
    );
    assert!(
        ratio < 6.0,
        "{name}: 4× the input took {ratio:.1}× the time ({t1:?} → {t4:?})"
    );
}

// One test per shape, so that the harness runs them side by side and names the one
// that fails. Sizes keep the small run near 0.1 s in a debug build.
macro_rules! shape_tests {
    ($($test:ident: $index:expr, $n:expr;)*) => {$(
        #[test]
        fn $test() {
            let (name, shape, profile) = SHAPES[$index];
            linear(name, shape, profile, $n);
        }
    )*};
}

shape_tests! {
    images_scale_linearly: 0, 500;
    links_scale_linearly: 1, 400;
    style_declarations_scale_linearly: 2, 8000;
    text_parts_scale_linearly: 3, 300;
    merge_tags_scale_linearly: 4, 1000;
    suppressions_scale_linearly: 5, 2000;
    footnotes_scale_linearly: 6, 800;
}
