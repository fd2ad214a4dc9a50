//! Deterministic draws: a fixed formula that spreads indexes over numbers that look
//! random, so the synthetic electorate and the votes are varied yet identical on every
//! run and machine.
//!
//! This module must never read entropy, a clock or the environment: every output is a
//! function of its arguments only.

/// A well-mixed 64-bit number for index `index` in the series named by `series`.
///
/// This is the SplitMix64 finaliser applied to `series` and `index`; it is a formula,
/// not a random generator, and has no state.
pub(crate) fn mix(series: u64, index: u64) -> u64 {
    let mut z = series
        .wrapping_mul(0x9E37_79B9_7F4A_7C15)
        .wrapping_add(index.wrapping_add(1).wrapping_mul(0xBF58_476D_1CE4_E5B9));
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A number in `0..bound` for `index` in `series`; `bound` 0 gives 0.
pub(crate) fn below(series: u64, index: u64, bound: u64) -> u64 {
    if bound == 0 {
        0
    } else {
        mix(series, index) % bound
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_are_stable_and_spread() {
        assert_eq!(mix(1, 2), mix(1, 2));
        assert_ne!(mix(1, 2), mix(1, 3));
        assert_ne!(mix(1, 2), mix(2, 2));
        // Every residue of a small bound shows up among a few hundred draws.
        let mut seen = [false; 10];
        for i in 0..300 {
            seen[below(7, i, 10) as usize] = true;
        }
        assert!(seen.iter().all(|s| *s));
        assert_eq!(below(7, 1, 0), 0);
    }
}
