//! The language check on real prose in 14 languages (`tests/corpus/prose/`), scored the
//! way `benches/language.sh` scores its large set: for each text and each reader of a
//! language of the set, the reader of the text's language must get no error and every
//! other reader one. Mixed and placeholder-laden texts are among them (a Japanese notice
//! with an English footer, lorem ipsum around English).

use std::path::Path;

use campaign_lint::campaign::{Campaign, Format};
use campaign_lint::facts::{AnalysisOptions, Facts, Judging, Verdict};
use campaign_lint::profiles::Language;

const READERS: &[&str] = &[
    "en", "de", "fr", "es", "it", "pt", "pl", "nl", "ru", "cs", "sv", "ja", "zh", "ko",
];

#[test]
fn prose_in_fourteen_languages_is_judged_right_for_every_reader() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus/prose");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/corpus/prose exists")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.sort();
    assert!(files.len() >= 18, "{} texts", files.len());
    let how = Judging {
        allowlist: &[],
        min_confidence: 0.5,
        min_words: 20,
    };
    let mut right = 0;
    let mut wrong = Vec::new();
    for path in &files {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        let own = &name[..2];
        assert!(READERS.contains(&own), "{name}: not a language of the set");
        let bytes = std::fs::read(path).expect("readable");
        let campaign = Campaign::parse(name, &bytes, Format::Text).expect("parses");
        let facts = Facts::analyze(&campaign, None, &AnalysisOptions::default());
        let mut ok = true;
        for reader in READERS {
            let language = Language::parse(reader).expect("known language");
            let verdict = facts.language.verdict(language, &how);
            let error = matches!(verdict, Verdict::WrittenIn(..));
            // A false error is never acceptable; a missed one costs the text its point.
            assert!(
                !(error && *reader == own),
                "{name}: false error for a reader of {reader}: {verdict:?}"
            );
            if error != (*reader != own) {
                ok = false;
                wrong.push(format!("{name} for {reader}: {verdict:?}"));
            }
        }
        right += usize::from(ok);
    }
    // whatlang is pinned: every text is right, and a change that costs one fails here.
    assert!(
        right == files.len(),
        "{right} of {} texts right:\n{}",
        files.len(),
        wrong.join("\n")
    );
}
