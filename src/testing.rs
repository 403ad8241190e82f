//! Helpers for unit tests: a seeded source of random numbers, for tests that compare a
//! fast path with the slow one it must agree with over many generated inputs.

/// Numbers below `n`, from a xorshift generator seeded with `seed` (non-zero): the same
/// sequence on every run, so a failure can be reproduced.
pub fn numbers(mut seed: u64) -> impl FnMut(usize) -> usize {
    move |n| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    }
}

/// Up to `most - 1` of `bits`, picked by `next` and joined: a generated input.
pub fn mix(next: &mut impl FnMut(usize) -> usize, bits: &[&str], most: usize) -> String {
    (0..next(most)).map(|_| bits[next(bits.len())]).collect()
}
