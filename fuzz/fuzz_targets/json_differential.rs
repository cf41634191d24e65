//! The core's hand-written JSON reader (`core/src/json.rs`) against
//! `serde_json`, which it replaced and claims to agree with:
//! - `is_valid` (syntax only, strings unchecked, no depth limit) accepts
//!   exactly what `serde_json` accepts as `IgnoredAny`;
//! - `Value::parse` (strings UTF-8 with paired surrogates, at most 127 nested
//!   containers) accepts exactly what `serde_json::Value` accepts, and means
//!   the same value: its re-serialization reads back, through `serde_json`,
//!   equal to `serde_json`'s own reading of the input.
//!
//! One difference is allowed: `serde_json` refuses numbers beyond `f64`
//! (`1e400`), which the core keeps as text.
//!
//! Reads the core through `hooksig::__fuzz` (internals re-exported for fuzzing only).
#![no_main]

use hooksig::__fuzz;
use libfuzzer_sys::fuzz_target;
use serde::de::IgnoredAny;
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    let theirs = serde_json::from_slice::<IgnoredAny>(data);
    assert_eq!(
        __fuzz::json_is_valid(data),
        theirs.is_ok(),
        "is_valid disagrees with serde_json ({:?}) on {:?}",
        theirs.err().map(|e| e.to_string()),
        String::from_utf8_lossy(data)
    );

    match (
        __fuzz::json_reserialize(data),
        serde_json::from_slice::<Value>(data),
    ) {
        (Ok(ours), Ok(theirs)) => {
            let reread: Value = serde_json::from_str(&ours).unwrap_or_else(|e| {
                panic!("the core wrote JSON serde_json refuses ({e}): {ours:?}")
            });
            assert_eq!(
                reread,
                theirs,
                "different values for {:?}",
                String::from_utf8_lossy(data)
            );
        }
        (Err(_), Err(_)) => {}
        (Ok(_), Err(e)) if e.to_string().starts_with("number out of range") => {}
        (Ok(ours), Err(e)) => panic!(
            "the core parsed what serde_json refuses ({e}): {:?} -> {ours:?}",
            String::from_utf8_lossy(data)
        ),
        (Err(refusal), Ok(_)) => panic!(
            "the core refused what serde_json parses ({refusal}): {:?}",
            String::from_utf8_lossy(data)
        ),
    }
});
