//! No input makes verify, diagnose or sign panic: random header sets built
//! from every scheme's header names, random values and bodies, every scheme.

use hooksig::{Scheme, SignOptions, Verifier, sign};
use proptest::prelude::*;

const NAMES: &[&str] = &[
    "Quiltt-Timestamp",
    "Quiltt-Signature",
    "webhook-id",
    "webhook-timestamp",
    "webhook-signature",
    "svix-id",
    "svix-timestamp",
    "svix-signature",
    "Bond-Signature",
    "X-Tratta-Signature-256",
    "X-Tratta-Webhook-ID",
    "Stripe-Signature",
    "X-Hub-Signature-256",
    "X-Shopify-Hmac-Sha256",
    "X-Slack-Request-Timestamp",
    "X-Slack-Signature",
    "X-GitHub-Delivery",
    "Content-Type",
];

/// Values that look almost right: signature-ish tokens, numbers at the edges, junk bytes.
fn value() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..80),
        "(t=|v1=|v2=|v0=|sha256=|v1,|,| |[0-9a-fA-F]{0,70}|[A-Za-z0-9+/=]{0,50}|-?[0-9]{0,22})*"
            .prop_map(String::into_bytes),
        Just(b"9223372036854775807".to_vec()),
        Just(b"9223372036854775808".to_vec()),
        Just(vec![b'a'; 100_000]),
    ]
}

fn headers() -> impl Strategy<Value = Vec<(Vec<u8>, Vec<u8>)>> {
    proptest::collection::vec(
        (
            prop_oneof![
                proptest::sample::select(NAMES).prop_map(|n| n.as_bytes().to_vec()),
                any::<Vec<u8>>()
            ],
            value(),
        ),
        0..8,
    )
}

fn schemes() -> Vec<Scheme> {
    let mut all: Vec<Scheme> = Scheme::BUILT_IN
        .iter()
        .map(|n| Scheme::from_name(n).unwrap())
        .collect();
    all.push(
        Scheme::custom_from_json(
            r#"{"signature_header":"webhook-signature","timestamp_header":"webhook-timestamp","id_header":"webhook-id","message":"{id}{timestamp}{body}","encoding":"base64"}"#,
        )
        .unwrap(),
    );
    all
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn verify_and_diagnose_never_panic(headers in headers(), body in any::<Vec<u8>>(), now in any::<i64>()) {
        for scheme in schemes() {
            let secret = match scheme { Scheme::Standard => "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", _ => "a-secret-of-sixteen+" };
            let verifier = Verifier::new(scheme, &[secret]).unwrap().with_tolerance(u64::MAX);
            let result = verifier.verify_at(&headers, &body, now);
            prop_assert_eq!(verifier.diagnose_at(&headers, &body, now).is_none(), result.is_ok());
        }
    }

    #[test]
    fn sign_never_panics(secret in any::<String>(), body in any::<Vec<u8>>(), ts in any::<i64>(), id in any::<Option<String>>()) {
        for scheme in schemes() {
            let options = SignOptions { timestamp: Some(ts), webhook_id: id.clone(), event_type: id.clone() };
            if let Ok(headers) = sign(&scheme, &secret, &body, &options) {
                // Whatever was signed verifies (ids with line breaks aside, which no header can carry).
                let verifier = Verifier::new(scheme, &[&secret]).unwrap();
                let ok = verifier.verify_at(&headers, &body, ts).is_ok();
                let id_is_header_safe = id.as_deref().is_none_or(|i| !i.bytes().any(|b| b.is_ascii_whitespace() || b.is_ascii_control()));
                prop_assert!(ok || !id_is_header_safe);
            }
        }
    }
}

/// Hostile nesting reaches neither the call stack nor a panic: JSON is read
/// by diagnose (a wrong-secret request makes it try every re-serialization),
/// by event-type extraction and by custom-scheme parsing.
#[test]
fn deeply_nested_json_is_refused_or_skipped_without_overflow() {
    let deep = |open: &str, close: &str, depth: usize| {
        [open.repeat(depth), "1".into(), close.repeat(depth)].concat()
    };
    let bodies = [
        deep("[", "]", 200_000),
        deep(r#"{"a":"#, "}", 100_000),
        deep(r#"{"type":"x","data":["#, "]}", 50_000),
        "[".repeat(300_000),
    ];
    let schemes = schemes();
    for body in &bodies {
        for scheme in &schemes {
            let (secret, wrong) = match scheme {
                Scheme::Standard => (
                    "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
                    "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD",
                ),
                _ => ("a-secret-of-sixteen+", "another-secret-of-16"),
            };
            let options = SignOptions {
                timestamp: Some(1_700_000_000),
                webhook_id: Some("msg_1".into()),
                event_type: Some("x".into()),
            };
            let headers = sign(scheme, wrong, body.as_bytes(), &options).unwrap();
            let verifier = Verifier::new(scheme.clone(), &[secret]).unwrap();
            assert!(
                verifier
                    .diagnose_at(&headers, body.as_bytes(), 1_700_000_000)
                    .is_some()
            );
            let _ = hooksig::events::event_types(scheme, &headers, body.as_bytes());
        }
        assert_eq!(
            Scheme::custom_from_json(body).unwrap_err().code(),
            "invalid_scheme"
        );
    }
}
