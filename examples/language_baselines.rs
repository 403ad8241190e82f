//! The peers campaign-lint's language check is measured against (`benches/language.sh`):
//! plain whatlang, and whatlang restricted to the measured languages.
//!
//! Reads `FILE<TAB>LANG` lines on stdin (the set's `index.tsv`, with the set's folder as
//! the first argument) and the restriction as the second argument (`en,de,fr`). Prints
//! `FILE<TAB>plain<TAB>confidence<TAB>restricted<TAB>confidence` with campaign-lint's
//! ISO 639-3 codes (`cmn` for Chinese; `-` when whatlang returns nothing).

use std::io::{BufRead, Write};

use campaign_lint::profiles::Language;
use whatlang::{Detector, Lang};

fn code(lang: Lang) -> String {
    Language::from_whatlang(lang).code().to_owned()
}

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let dir = args.next().unwrap_or_else(|| ".".to_owned());
    let allow: Vec<Lang> = args
        .next()
        .unwrap_or_default()
        .split(',')
        .filter_map(|c| Language::parse(c).and_then(Language::whatlang))
        .collect();
    let restricted = Detector::with_allowlist(allow);
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for line in std::io::stdin().lock().lines() {
        let line = line?;
        let Some((file, _)) = line.split_once('\t') else {
            continue;
        };
        let text = std::fs::read_to_string(format!("{dir}/{file}"))?;
        let show = |info: Option<whatlang::Info>| {
            info.map_or_else(
                || "-\t0".to_owned(),
                |i| format!("{}\t{:.3}", code(i.lang()), i.confidence()),
            )
        };
        writeln!(
            out,
            "{file}\t{}\t{}",
            show(whatlang::detect(&text)),
            show(restricted.detect(&text))
        )?;
    }
    Ok(())
}
