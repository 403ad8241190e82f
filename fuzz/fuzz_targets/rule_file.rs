//! The rule-file loader: a rule TOML text as a pack file, both as a new rule and as an
//! override of a shipped one.
#![no_main]

use campaign_lint::rules::RuleSet;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for name in ["fuzz-rule", "owned-product-offer"] {
        if let Ok(rules) = RuleSet::with_rule_file(name, text) {
            let _ = rules.analysis_options();
        }
    }
});
