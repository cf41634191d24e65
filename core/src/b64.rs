//! Standard base64 (RFC 4648 §4), in the two strictnesses the core needs:
//! what senders emit (padding optional, stray low bits tolerated) for
//! signatures and secrets, and canonical for Tratta payloads. It replaces the
//! `base64` crate, whose general engine was 5 KiB of the WebAssembly build;
//! `tests` checks it against that crate.

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Padded base64 of `bytes`.
pub(crate) fn encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = |i: usize| u32::from(chunk.get(i).copied().unwrap_or(0));
        let n = b(0) << 16 | b(1) << 8 | b(2);
        for i in 0..4 {
            out.push(if i <= chunk.len() {
                char::from(ALPHABET[(n >> (18 - 6 * i) & 63) as usize])
            } else {
                '='
            });
        }
    }
    out
}

/// Each byte's 6-bit value, or `NOT_BASE64`: one lookup per symbol, as a
/// signature is decoded on every verify.
const NOT_BASE64: u8 = 0xff;
const VALUES: [u8; 256] = {
    let mut table = [NOT_BASE64; 256];
    let mut i = 0;
    while i < 64 {
        table[ALPHABET[i] as usize] = i as u8;
        i += 1;
    }
    table
};

/// Decodes `text` into `out`, returning the length; `None` when it is not
/// base64 or does not fit. `canonical` requires the padding and zero
/// trailing bits; otherwise padding is optional and the bits are ignored.
pub(crate) fn decode_into(text: &[u8], out: &mut [u8], canonical: bool) -> Option<usize> {
    // Counted from the end, which is short; a `=` before the padding is not
    // a symbol and fails the lookup below.
    let padding = text.iter().rev().take_while(|&&b| b == b'=').count();
    let symbols = text.len() - padding;
    let partial = symbols % 4;
    if partial == 1
        || (padding > 0 && (partial == 0 || partial + padding > 4))
        || (canonical && partial != 0 && partial + padding != 4)
    {
        return None;
    }
    let len = symbols / 4 * 3 + partial.saturating_sub(1);
    let out = out.get_mut(..len)?;
    let text = text.get(..symbols)?;
    // Whole groups first, with constant shifts, then the one partial group.
    let mut groups = text.chunks_exact(4);
    let mut bytes = out.chunks_exact_mut(3);
    for (group, bytes) in (&mut groups).zip(&mut bytes) {
        let value = |i: usize| VALUES[usize::from(group[i])];
        let (a, b, c, d) = (value(0), value(1), value(2), value(3));
        // Only NOT_BASE64 has the top bit set.
        if (a | b | c | d) & 0x80 != 0 {
            return None;
        }
        let n = u32::from(a) << 18 | u32::from(b) << 12 | u32::from(c) << 6 | u32::from(d);
        bytes.copy_from_slice(&[(n >> 16) as u8, (n >> 8) as u8, n as u8]);
    }
    let (rest, tail) = (groups.remainder(), bytes.into_remainder());
    if !rest.is_empty() {
        let mut n = 0;
        for (i, &symbol) in rest.iter().enumerate() {
            let value = VALUES[usize::from(symbol)];
            if value & 0x80 != 0 {
                return None;
            }
            n |= u32::from(value) << (18 - 6 * i);
        }
        if canonical && n & (0xff_ffff >> (8 * tail.len())) != 0 {
            return None;
        }
        for (i, byte) in tail.iter_mut().enumerate() {
            *byte = (n >> (16 - 8 * i)) as u8;
        }
    }
    Some(len)
}

/// [`decode_into`] a new vector.
pub(crate) fn decode(text: &[u8], canonical: bool) -> Option<Vec<u8>> {
    let mut out = vec![0; text.len() / 4 * 3 + 2];
    let len = decode_into(text, &mut out, canonical)?;
    out.truncate(len);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine;
    use proptest::prelude::*;

    const LENIENT: base64::engine::GeneralPurpose = base64::engine::GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        base64::engine::GeneralPurposeConfig::new()
            .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent)
            .with_decode_allow_trailing_bits(true),
    );
    const CANONICAL: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(5000))]

        #[test]
        fn decodes_like_the_base64_crate(text in "[AQgwB+/=*\n]{0,14}") {
            let text = text.as_bytes();
            prop_assert_eq!(decode(text, false), LENIENT.decode(text).ok());
            prop_assert_eq!(decode(text, true), CANONICAL.decode(text).ok());
        }

        #[test]
        fn round_trips_like_the_base64_crate(bytes in proptest::collection::vec(any::<u8>(), 0..40)) {
            let text = encode(&bytes);
            prop_assert_eq!(&text, &CANONICAL.encode(&bytes));
            prop_assert_eq!(decode(text.as_bytes(), true), Some(bytes.clone()));
            prop_assert_eq!(decode(text.trim_end_matches('=').as_bytes(), false), Some(bytes));
        }
    }

    #[test]
    fn refuses_what_does_not_fit() {
        let mut out = [0; 2];
        assert_eq!(decode_into(b"QUJD", &mut out, false), None);
        assert_eq!(decode_into(b"QUI", &mut out, false), Some(2));
    }
}
