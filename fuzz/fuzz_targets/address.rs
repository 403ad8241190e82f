//! The address shortcuts against each other: the bit-mask reading of common addresses
//! (`common_address`) never accepts what the byte-wise reading refuses, and within its
//! characters and length it gives the same answer; what the shortcuts accept, lettre
//! accepts.
#![no_main]

use std::str::FromStr;

use campaign_lint::profiles::{common_address, plain_address, plain_domain, plain_local};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let byte_wise = plain_local(data).is_some_and(|at| plain_domain(&data[at + 1..]));
    let masks = common_address(data);
    assert!(
        !masks || byte_wise,
        "the masks accept what the bytes refuse"
    );
    let common = data.len() <= 32
        && data
            .iter()
            .all(|&c| c.is_ascii_alphanumeric() || b".@-_+".contains(&c));
    if common {
        assert_eq!(masks, byte_wise);
    }
    if plain_address(data)
        && let Ok(text) = std::str::from_utf8(data)
    {
        assert!(
            lettre::Address::from_str(text).is_ok(),
            "lettre refuses {text:?}"
        );
    }
});
