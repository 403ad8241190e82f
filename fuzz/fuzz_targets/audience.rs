//! The audience reader through its public entry point (a path): the bytes are written to
//! a temporary file whose extension, chosen by the first byte, picks the format (CSV,
//! TSV, JSON Lines, JSON array, gzip-compressed CSV).
#![no_main]

use std::path::PathBuf;
use std::sync::LazyLock;

use campaign_lint::profiles::FieldMap;
use campaign_lint::audience::reader::{ReadOptions, for_each_row};
use libfuzzer_sys::fuzz_target;

static DIR: LazyLock<PathBuf> = LazyLock::new(|| {
    let dir = std::env::temp_dir().join(format!("campaign-lint-fuzz-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    dir
});

const EXTENSIONS: &[&str] = &["csv", "tsv", "jsonl", "json", "csv.gz", "txt"];

fuzz_target!(|data: &[u8]| {
    let Some((&selector, body)) = data.split_first() else {
        return;
    };
    let ext = EXTENSIONS[usize::from(selector) % EXTENSIONS.len()];
    let path = DIR.join(format!("audience.{ext}"));
    if std::fs::write(&path, body).is_err() {
        return;
    }
    for options in [
        ReadOptions::default(),
        ReadOptions {
            detect_preset: true,
            ..ReadOptions::default()
        },
    ] {
        let mut rows = 0u64;
        if let Ok(outcome) = for_each_row(&path, &FieldMap::default(), &options, |_| rows += 1) {
            assert_eq!(outcome.rows, rows);
        }
    }
});
