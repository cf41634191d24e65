//! The core's hand-written base64 (`core/src/b64.rs`) against the `base64`
//! crate it replaced: lenient decoding (padding optional, stray low bits
//! ignored) for signatures and secrets, canonical decoding for Tratta
//! payloads, and encoding.
//!
//! Reads the core through `hooksig::__fuzz` (internals re-exported for fuzzing only).
#![no_main]

use base64::Engine;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig, general_purpose};
use hooksig::__fuzz;
use libfuzzer_sys::fuzz_target;

const LENIENT: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true),
);
const CANONICAL: GeneralPurpose = general_purpose::STANDARD;

fuzz_target!(|data: &[u8]| {
    let show = || String::from_utf8_lossy(data);
    assert_eq!(
        __fuzz::b64_decode(data, false),
        LENIENT.decode(data).ok(),
        "lenient, {:?}",
        show()
    );
    assert_eq!(
        __fuzz::b64_decode(data, true),
        CANONICAL.decode(data).ok(),
        "canonical, {:?}",
        show()
    );

    let text = __fuzz::b64_encode(data);
    assert_eq!(text, CANONICAL.encode(data));
    assert_eq!(
        __fuzz::b64_decode(text.as_bytes(), true).as_deref(),
        Some(data)
    );
    let unpadded = text.trim_end_matches('=');
    assert_eq!(
        __fuzz::b64_decode(unpadded.as_bytes(), false).as_deref(),
        Some(data)
    );
});
