//! The single-profile JSON reader, with the default field names and a renamed mapping.
#![no_main]

use campaign_lint::profiles::{FieldMap, parse_json};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = parse_json("fuzz.json", text, &FieldMap::default());
    let renamed = FieldMap {
        email: "Email Address".to_owned(),
        language: "hs_language".to_owned(),
        ..FieldMap::default()
    };
    let _ = parse_json("fuzz.json", text, &renamed);
});
