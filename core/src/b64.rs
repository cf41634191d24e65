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

fn value(symbol: u8) -> Option<u32> {
    Some(u32::from(match symbol {
        b'A'..=b'Z' => symbol - b'A',
        b'a'..=b'z' => symbol - b'a' + 26,
        b'0'..=b'9' => symbol - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        _ => return None,
    }))
}

/// Decodes `text` into `out`, returning the length; `None` when it is not
/// base64 or does not fit. `canonical` requires the padding and zero
/// trailing bits; otherwise padding is optional and the bits are ignored.
pub(crate) fn decode_into(text: &[u8], out: &mut [u8], canonical: bool) -> Option<usize> {
    let symbols = text.iter().take_while(|&&b| b != b'=').count();
    let padding = text.len() - symbols;
    let partial = symbols % 4;
    if text.get(symbols..)?.iter().any(|&b| b != b'=')
        || partial == 1
        || (padding > 0 && (partial == 0 || partial + padding > 4))
        || (canonical && partial != 0 && partial + padding != 4)
    {
        return None;
    }
    let len = symbols / 4 * 3 + partial.saturating_sub(1);
    let out = out.get_mut(..len)?;
    let mut written = 0;
    for group in text.get(..symbols)?.chunks(4) {
        let mut n = 0;
        for (i, &symbol) in group.iter().enumerate() {
            n |= value(symbol)? << (18 - 6 * i);
        }
        let bytes = group.len() - 1;
        if canonical && n & (0xff_ffff >> (8 * bytes)) != 0 {
            return None;
        }
        for i in 0..bytes {
            *out.get_mut(written)? = (n >> (16 - 8 * i)) as u8;
            written += 1;
        }
    }
    Some(written)
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
