//! `Verifier::verify_at` and `diagnose_at` on hostile requests, for every
//! built-in scheme with two fixed secrets (key rotation).
//!
//! Byte 0: bits 0-2 pick the scheme; bit 3 switches to sign mode: the body is
//! signed (`hooksig::sign`) with secret #bit 4 at `now`, with the first header
//! value as webhook id when bit 5 is set, and must verify with that key index.
//! The rest is a request in the text format of `hooksig_fuzz`.
//! Asserted: no panic; a successful verify names a secret that exists, its
//! timestamp is within the tolerance, and `diagnose_at` says nothing exactly
//! when `verify_at` succeeds.
#![no_main]

use std::sync::OnceLock;

use hooksig::{SignOptions, Verifier, sign};
use hooksig_fuzz::{Request, built_in, secrets};
use libfuzzer_sys::fuzz_target;

fn verifiers() -> &'static [Verifier] {
    static VERIFIERS: OnceLock<Vec<Verifier>> = OnceLock::new();
    VERIFIERS.get_or_init(|| {
        (0..8)
            .map(|i| {
                let scheme = built_in(i);
                let secrets = secrets(&scheme);
                Verifier::new(scheme, &secrets).expect("the fuzz secrets are valid")
            })
            .collect()
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let verifier = &verifiers()[usize::from(selector % 8)];
    let request = Request::parse(rest);
    let (headers, body, now) = (&request.headers, request.body, request.now);

    if selector & 0x08 != 0 {
        let key = usize::from(selector >> 4 & 1);
        let options = SignOptions {
            timestamp: Some(now),
            webhook_id: (selector & 0x20 != 0)
                .then(|| headers.first())
                .flatten()
                .and_then(|(_, value)| std::str::from_utf8(value).ok())
                .map(str::to_owned),
            event_type: None,
        };
        let secret = secrets(verifier.scheme())[key];
        let Ok(signed) = sign(verifier.scheme(), secret, body, &options) else {
            return;
        };
        let verified = verifier
            .verify_at(&signed, body, now)
            .unwrap_or_else(|e| panic!("a signed request fails to verify: {e}\n{signed:?}"));
        assert_eq!(verified.key_index, key, "{signed:?}");
        assert_eq!(verifier.diagnose_at(&signed, body, now), None);
        return;
    }

    let diagnosis = verifier.diagnose_at(headers, body, now);
    match verifier.verify_at(headers, body, now) {
        Ok(verified) => {
            assert!(verified.key_index < 2, "key_index {}", verified.key_index);
            if let Some(timestamp) = verified.timestamp {
                assert!(timestamp.abs_diff(now) <= verifier.tolerance());
            }
            assert_eq!(diagnosis, None, "diagnose explains a request that verifies");
        }
        Err(error) => {
            assert!(!error.code().is_empty());
            let _ = error.to_string();
            assert!(diagnosis.is_some(), "diagnose is silent about: {error}");
        }
    }
});
