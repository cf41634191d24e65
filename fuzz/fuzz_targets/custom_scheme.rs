//! `Scheme::custom_from_json` on hostile definitions; every definition it
//! accepts must be JSON for `serde_json` too, and must work: a verifier builds
//! with a secret long enough for it, and a request `hooksig::sign` signed
//! with that secret verifies (key index 0, no diagnosis).
#![no_main]

use base64::Engine;
use hooksig::{KeyFormat, Scheme, SignOptions, Verifier, sign};
use libfuzzer_sys::fuzz_target;

const NOW: i64 = 1_700_000_000;
const BODY: &[u8] = br#"{"type":"sample.event","data":{"id":"obj_1"}}"#;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let scheme = match Scheme::custom_from_json(text) {
        Ok(scheme) => scheme,
        Err(error) => {
            assert_eq!(error.code(), "invalid_scheme");
            return;
        }
    };
    assert!(
        serde_json::from_str::<serde_json::Value>(text).is_ok(),
        "accepted a definition serde_json refuses: {text:?}"
    );
    let Scheme::Custom(custom) = &scheme else {
        panic!("custom_from_json returned {scheme:?}");
    };
    if custom.min_secret_len > 4096 {
        return; // a valid but absurd minimum: any secret is refused, as it should be
    }
    let key: Vec<u8> = (0..custom.min_secret_len.max(32))
        .map(|i| b'a' + (i % 26) as u8)
        .collect();
    let secret = match custom.key_format {
        KeyFormat::Base64 => base64::engine::general_purpose::STANDARD.encode(&key),
        _ => String::from_utf8(key).unwrap(),
    };
    let verifier = Verifier::new(scheme.clone(), &[&secret])
        .unwrap_or_else(|e| panic!("a {}-byte secret is refused: {e}", secret.len()));
    let options = SignOptions {
        timestamp: Some(NOW),
        webhook_id: Some("msg_fuzz".into()),
        event_type: Some("sample.event".into()),
    };
    let headers = sign(&scheme, &secret, BODY, &options).expect("signing works");
    match verifier.verify_at(&headers, BODY, NOW) {
        Ok(verified) => assert_eq!(verified.key_index, 0),
        Err(e) => panic!("sign/verify round trip fails: {e}\n{custom:?}\n{headers:?}"),
    }
    assert_eq!(verifier.diagnose_at(&headers, BODY, NOW), None);
});
