//! Event-type extraction never panics, whatever the headers and body, and
//! fails only with the codes its documentation names.

use hooksig::{Scheme, events};
use proptest::prelude::*;

const NAMES: &[&str] = &[
    "X-Tratta-Event-Name",
    "X-GitHub-Event",
    "X-Shopify-Topic",
    "X-Event",
    "Content-Type",
];

/// Bodies that are nearly what each provider sends, and junk.
fn body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..120),
        r#"\{("(events|event|type|action)":(\[(\{"type":"[a-z.]{0,8}"\},?){0,3}\]|"[a-z.\\]{0,10}"|[0-9]+|null|\{"type":"x"\}),?){0,4}\}"#
            .prop_map(String::into_bytes),
        Just(br#"{"type":"event_callback","event":{"type":"app_mention"}}"#.to_vec()),
        Just(b"[".repeat(10_000)),
    ]
}

fn headers() -> impl Strategy<Value = Vec<(String, Vec<u8>)>> {
    proptest::collection::vec(
        (
            proptest::sample::select(NAMES).prop_map(str::to_owned),
            prop_oneof![
                proptest::collection::vec(any::<u8>(), 0..20),
                "[a-z_/.]{0,20}".prop_map(String::into_bytes)
            ],
        ),
        0..4,
    )
}

fn schemes() -> Vec<Scheme> {
    let mut all: Vec<Scheme> = Scheme::BUILT_IN
        .iter()
        .map(|n| Scheme::from_name(n).unwrap())
        .collect();
    all.push(
        Scheme::custom_from_json(r#"{"signature_header":"X-Sig","event_header":"X-Event"}"#)
            .unwrap(),
    );
    all.push(Scheme::custom_from_json(r#"{"signature_header":"X-Sig"}"#).unwrap());
    all
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn event_types_never_panic(headers in headers(), body in body()) {
        for scheme in schemes() {
            match events::event_types(&scheme, &headers, &body) {
                Ok(types) => prop_assert!(!types.is_empty()),
                Err(e) => prop_assert!(
                    ["missing_header", "malformed_header", "invalid_body"].contains(&e.code()),
                    "{}: {e}", scheme.name()
                ),
            }
        }
    }
}
