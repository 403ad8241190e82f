//! The HTML reducer: any text in, blocks, links and images out, every range inside the
//! input.
#![no_main]

use campaign_lint::campaign::html;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let base = 7;
    let doc = html::reduce(&text, base);
    let end = base + text.len();
    for block in &doc.blocks {
        assert!(block.range.start <= block.range.end && block.range.end <= end);
    }
    for link in &doc.links {
        assert!(link.tag.end <= end);
    }
});
