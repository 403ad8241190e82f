//! The JSON Lines readers against each other: the first line is a row the skeleton is
//! learnt from, the lines after it are read by that skeleton. Whatever the skeleton reads
//! must be one line that `object_members` reads the same, and every line `object_members`
//! accepts, serde_json must accept.
#![no_main]

use campaign_lint::audience::scan::{Marks, MemberValue, Skeleton, object_members};
use libfuzzer_sys::fuzz_target;

fn serde_accepts(line: &[u8]) -> bool {
    std::str::from_utf8(line).is_err() || serde_json::from_slice::<serde_json::Value>(line).is_ok()
}

fuzz_target!(|data: &[u8]| {
    let Some(first) = data.iter().position(|&b| b == b'\n') else {
        return;
    };
    let (template, rest) = (&data[..first], &data[first + 1..]);
    let mut members = Vec::new();
    if !object_members(template, &mut members) {
        return;
    }
    assert!(
        serde_accepts(template),
        "object_members accepts what serde_json refuses"
    );
    let mut skeleton = Skeleton::default();
    if !skeleton.learn(template, &members) {
        return;
    }
    let mut marks = Marks::new(rest);
    let mut pos = 0;
    while pos < rest.len() {
        let mut values: Vec<MemberValue> = Vec::new();
        let line_end = rest[pos..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(rest.len(), |i| pos + i + 1);
        if let Some(len) = skeleton.read(&mut marks, pos, |_, v| values.push(v)) {
            assert_eq!(
                pos + len,
                line_end,
                "the skeleton read past the line or stopped short"
            );
            let line = &rest[pos..line_end];
            let mut full = Vec::new();
            assert!(
                object_members(line, &mut full),
                "the skeleton accepts what object_members refuses"
            );
            let full_values: Vec<MemberValue> = full.iter().map(|m| m.value).collect();
            assert_eq!(values, full_values, "the skeleton reads other values");
        }
        let line = &rest[pos..line_end];
        let mut full = Vec::new();
        if object_members(line, &mut full) {
            assert!(
                serde_accepts(line),
                "object_members accepts what serde_json refuses"
            );
        }
        pos = line_end;
    }
});
