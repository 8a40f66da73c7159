//! A fast, deterministic 64-bit hash for identifiers and chunk texts.
//!
//! `std`'s SipHash is built to resist hash flooding, which nothing here needs, and costs several
//! times more per identifier; the similar source hashes every identifier of every candidate file.

const MULTIPLIER: u64 = 0x517c_c1b7_2722_0a95;

/// Hashes `bytes`; equal inputs give equal hashes in every process and on every run.
pub fn hash_bytes(bytes: &[u8]) -> u64 {
    let mut state = bytes.len() as u64;
    let mut words = bytes.chunks_exact(8);
    for word in &mut words {
        let mut buf = [0u8; 8];
        buf.copy_from_slice(word);
        state = mix(state, u64::from_le_bytes(buf));
    }
    let rest = words.remainder();
    if !rest.is_empty() {
        let mut buf = [0u8; 8];
        buf[..rest.len()].copy_from_slice(rest);
        state = mix(state, u64::from_le_bytes(buf));
    }
    finish(state)
}

fn mix(state: u64, word: u64) -> u64 {
    (state.rotate_left(5) ^ word).wrapping_mul(MULTIPLIER)
}

/// MurmurHash3's finaliser: spreads the multiply's high-bit bias over all bits.
fn finish(mut h: u64) -> u64 {
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_inputs_hash_equal_and_near_inputs_differ() {
        let cases: &[(&str, &str)] = &[
            ("", "a"),
            ("user", "users"),
            ("abcdefgh", "abcdefgi"),
            ("abcdefgh1", "abcdefgh2"),
            ("ab", "ba"),
            ("a\0", "a"),
        ];
        for (a, b) in cases {
            assert_eq!(hash_bytes(a.as_bytes()), hash_bytes(a.as_bytes()));
            assert_ne!(
                hash_bytes(a.as_bytes()),
                hash_bytes(b.as_bytes()),
                "{a:?} vs {b:?}"
            );
        }
    }
}
