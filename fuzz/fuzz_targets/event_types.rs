//! `hooksig::events::event_types` on hostile headers and bodies, for every
//! built-in scheme and a custom one with an event header.
//!
//! Byte 0 is ignored (kept so `verify_diagnose` seeds fit); the rest is a
//! request in the text format of `hooksig_fuzz`. Asserted: no panic, and a
//! body the core reads as JSON is JSON for `serde_json` too.
#![no_main]

use std::sync::OnceLock;

use hooksig::{Scheme, events};
use hooksig_fuzz::{Request, built_in};
use libfuzzer_sys::fuzz_target;
use serde::de::IgnoredAny;

fn schemes() -> &'static [Scheme] {
    static SCHEMES: OnceLock<Vec<Scheme>> = OnceLock::new();
    SCHEMES.get_or_init(|| {
        let mut schemes: Vec<Scheme> = (0..8).map(built_in).collect();
        schemes.push(
            Scheme::custom_from_json(r#"{"signature_header": "X-Sig", "event_header": "X-Event"}"#)
                .unwrap(),
        );
        schemes.push(Scheme::custom_from_json(r#"{"signature_header": "X-Sig"}"#).unwrap());
        schemes
    })
}

fuzz_target!(|data: &[u8]| {
    let request = Request::parse(data.get(1..).unwrap_or_default());
    for scheme in schemes() {
        match events::event_types(scheme, &request.headers, request.body) {
            Ok(types) => {
                // Schemes that read the type from the body parsed it as JSON
                // (GitHub only when the payload's action was added).
                let from_body = match scheme {
                    Scheme::Tratta | Scheme::Shopify => false,
                    Scheme::Github => {
                        types.first().map(String::len)
                            > header_len(&request.headers, "X-GitHub-Event")
                    }
                    _ => scheme.event_header().is_none(),
                };
                if from_body {
                    assert!(
                        serde_json::from_slice::<IgnoredAny>(request.body).is_ok()
                            || !starts_as_json(request.body),
                        "{}: the core read a body serde_json refuses: {:?}",
                        scheme.name(),
                        String::from_utf8_lossy(request.body)
                    );
                }
            }
            Err(error) => {
                let _ = (error.code(), error.to_string());
            }
        }
    }
});

fn header_len(headers: &[(&[u8], &[u8])], name: &str) -> Option<usize> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name.as_bytes()))
        .map(|(_, v)| v.trim_ascii().len())
}

/// Slack bodies may be form-encoded; only JSON-looking bodies are compared.
fn starts_as_json(body: &[u8]) -> bool {
    body.trim_ascii_start().first() == Some(&b'{')
}
