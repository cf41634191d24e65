//! Standard Webhooks `v1a` (Ed25519) cases: published key pairs, and the
//! ways a receiver or sender gets keys wrong. Signatures come from
//! `hooksig::sign` and must equal ed25519-dalek's own over the same bytes.

use crate::{Case, Headers, fail, ok};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use ed25519_dalek::{Signer, SigningKey};
use hooksig::{Scheme, SignOptions};
use serde_json::{Value, json};

/// Svix's server test key (seed ‖ public key) and the message of the spec's
/// `webhook-signature` example, whose `v1a` entry it signs.
const SVIX_SOURCE: &str = "svix-webhooks server/svix-server/src/worker.rs test_asymmetric_key_signing (commit 4fc0cfb8); the signature is the v1a entry of the Standard Webhooks spec's example header";
const SVIX_SIGNING: &str =
    "whsk_6Xb/dCcHpPea21PS1N9VY/NZW723CEc77N4rJCubMbfVKIDij2HKpMKkioLlX0dRqSKJp4AJ6p9lMicMFs6Kvg==";
const SVIX_PUBLIC: &str = "whpk_1SiA4o9hyqTCpIqC5V9HUakiiaeACeqfZTInDBbOir4=";
const SVIX_SIGNATURE: &str =
    "v1a,hnO3f9T8Ytu9HwrXslvumlUpqtNVqkhqw/enGzPCXe5BdqzCInXqYXFymVJaA7AZdpXwVLPo3mNl8EM+m7TBAg==";
/// The v1 (HMAC) signature of the same message under `SPEC_SECRET`: the svix libraries' test vector.
const SPEC_V1: &str = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
const SPEC_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const SPEC_ID: &str = "msg_p5jXN8AQM9LWM0D4loKWxJek";
const SPEC_TS: i64 = 1_614_265_330;
const SPEC_BODY: &str = r#"{"test": 2432232314}"#;

/// The seed of the Go test in the standard-webhooks pull request for v1a (32 bytes, base64).
const GO_PR_SEED: &str = "VEVTVFNJR05JTkdLRVlET05PVFVTRVRISVNGT1JBTlk=";
const GO_PR_SOURCE: &str = "standard-webhooks pull request (Go v1a): its test seed; signature by hooksig::sign, checked against ed25519-dalek";
const JS_PR_SOURCE: &str = "standard-webhooks pull request (JS v1a): its test seed of 32 0x01 bytes; signature by hooksig::sign, checked against ed25519-dalek";

fn public_of(seed: &[u8; 32]) -> String {
    format!(
        "whpk_{}",
        B64.encode(SigningKey::from_bytes(seed).verifying_key().as_bytes())
    )
}

fn seed_of(encoded: &str) -> [u8; 32] {
    let bytes = B64.decode(encoded).expect("seed is base64");
    bytes[..32].try_into().expect("32 bytes")
}

/// Standard headers for `body` signed by hooksig with `signing` (a whsk_
/// key), after checking the signature against ed25519-dalek's.
fn signed_v1a(signing: &str, id: &str, ts: i64, body: &[u8]) -> Headers {
    let options = SignOptions {
        timestamp: Some(ts),
        webhook_id: Some(id.into()),
        event_type: None,
    };
    let headers = hooksig::sign(&Scheme::Standard, signing, body, &options).expect("valid whsk_");
    let seed = seed_of(signing.trim_start_matches("whsk_"));
    let message = [id.as_bytes(), b".", ts.to_string().as_bytes(), b".", body].concat();
    let reference = format!(
        "v1a,{}",
        B64.encode(SigningKey::from_bytes(&seed).sign(&message).to_bytes())
    );
    assert_eq!(headers[2], ("webhook-signature".into(), reference));
    headers
}

fn headers(id: &str, ts: i64, signature: &str) -> Headers {
    vec![
        ("webhook-id".into(), id.into()),
        ("webhook-timestamp".into(), ts.to_string()),
        ("webhook-signature".into(), signature.into()),
    ]
}

/// A valid signature made non-canonical: S + ℓ (the group order) still
/// satisfies the verification equation, which only strict verification refuses.
fn non_canonical(signature: &str) -> String {
    const ORDER: [u8; 32] = [
        0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde,
        0x14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
    ];
    let mut bytes = B64
        .decode(signature.trim_start_matches("v1a,"))
        .expect("base64");
    let mut carry = 0u16;
    for (s, l) in bytes[32..].iter_mut().zip(ORDER) {
        let sum = u16::from(*s) + u16::from(l) + carry;
        *s = sum as u8;
        carry = sum >> 8;
    }
    format!("v1a,{}", B64.encode(bytes))
}

pub(crate) fn verify_cases() -> Vec<Case> {
    let mut out = Vec::new();
    let mut add = |name: &str,
                   source: &str,
                   secrets: &[&str],
                   headers: Headers,
                   body: &[u8],
                   now: i64,
                   expect: Value| {
        out.push(Case {
            name: format!("standard/v1a: {name}"),
            source: source.into(),
            scheme: json!("standard"),
            secrets: secrets.iter().map(|s| s.to_string()).collect(),
            tolerance: None,
            headers,
            body: body.to_vec(),
            now,
            expect,
        })
    };
    let body = SPEC_BODY.as_bytes();
    let valid = ok(0, Some(SPEC_TS), Some(SPEC_ID));
    let spec = headers(SPEC_ID, SPEC_TS, SVIX_SIGNATURE);
    assert_eq!(signed_v1a(SVIX_SIGNING, SPEC_ID, SPEC_TS, body), spec);
    let hmac = crate::signed(&Scheme::Standard, SPEC_SECRET, body, SPEC_TS, SPEC_ID);
    assert_eq!(hmac, headers(SPEC_ID, SPEC_TS, SPEC_V1));

    add(
        "Svix's test key pair (the spec's example signature)",
        SVIX_SOURCE,
        &[SVIX_PUBLIC],
        spec.clone(),
        body,
        SPEC_TS,
        valid.clone(),
    );
    add(
        "v1 and v1a entries (Svix's test message), public key only",
        SVIX_SOURCE,
        &[SVIX_PUBLIC],
        headers(SPEC_ID, SPEC_TS, &format!("{SPEC_V1} {SVIX_SIGNATURE}")),
        body,
        SPEC_TS,
        valid.clone(),
    );
    add(
        "v1 and v1a entries (Svix's test message), HMAC secret only",
        SVIX_SOURCE,
        &[SPEC_SECRET],
        headers(SPEC_ID, SPEC_TS, &format!("{SPEC_V1} {SVIX_SIGNATURE}")),
        body,
        SPEC_TS,
        valid.clone(),
    );
    add(
        "rotation across kinds: the second key, a public key, matches",
        "hand-written",
        &["whsec_dGhpcyBpcyBhbm90aGVyIHNlY3JldA==", SVIX_PUBLIC],
        headers(SPEC_ID, SPEC_TS, &format!("{SPEC_V1} {SVIX_SIGNATURE}")),
        body,
        SPEC_TS,
        ok(1, Some(SPEC_TS), Some(SPEC_ID)),
    );
    add(
        "rotation across kinds: the second key, an HMAC secret, matches",
        "hand-written",
        &[&public_of(&[1; 32]), SPEC_SECRET],
        headers(SPEC_ID, SPEC_TS, &format!("{SPEC_V1} {SVIX_SIGNATURE}")),
        body,
        SPEC_TS,
        ok(1, Some(SPEC_TS), Some(SPEC_ID)),
    );
    add(
        "a v1a entry never verifies against an HMAC secret",
        "hand-written",
        &[SPEC_SECRET],
        spec.clone(),
        body,
        SPEC_TS,
        fail("signature_mismatch"),
    );
    add(
        "a v1 entry never verifies against a public key",
        "hand-written",
        &[SVIX_PUBLIC],
        headers(SPEC_ID, SPEC_TS, SPEC_V1),
        body,
        SPEC_TS,
        fail("signature_mismatch"),
    );
    add(
        "tampered body",
        "hand-written",
        &[SVIX_PUBLIC],
        spec.clone(),
        br#"{"test": 2432232315}"#,
        SPEC_TS,
        fail("signature_mismatch"),
    );
    add(
        "altered webhook-id",
        "hand-written",
        &[SVIX_PUBLIC],
        headers("msg_p5jXN8AQM9LWM0D4loKWxJel", SPEC_TS, SVIX_SIGNATURE),
        body,
        SPEC_TS,
        fail("signature_mismatch"),
    );
    add(
        "stale",
        "hand-written",
        &[SVIX_PUBLIC],
        spec.clone(),
        body,
        SPEC_TS + 301,
        fail("timestamp_too_old"),
    );
    add(
        "from the future",
        "hand-written",
        &[SVIX_PUBLIC],
        spec.clone(),
        body,
        SPEC_TS - 301,
        fail("timestamp_in_future"),
    );
    add(
        "a non-canonical signature (S + l) is refused",
        "hand-written (strict verification)",
        &[SVIX_PUBLIC],
        headers(SPEC_ID, SPEC_TS, &non_canonical(SVIX_SIGNATURE)),
        body,
        SPEC_TS,
        fail("signature_mismatch"),
    );
    add(
        "a v1a entry that is not 64 bytes of base64",
        "hand-written",
        &[SVIX_PUBLIC],
        headers(SPEC_ID, SPEC_TS, "v1a,AAAA"),
        body,
        SPEC_TS,
        fail("malformed_header"),
    );
    add(
        "a whsk_ signing key given to a verifier",
        "hand-written",
        &[SVIX_SIGNING],
        spec.clone(),
        body,
        SPEC_TS,
        fail("invalid_secret"),
    );
    add(
        "a public key of 31 bytes",
        "hand-written",
        &["whpk_1SiA4o9hyqTCpIqC5V9HUakiiaeACeqfZTInDBbOiw=="],
        spec.clone(),
        body,
        SPEC_TS,
        fail("invalid_secret"),
    );
    add(
        "a public key that is not base64",
        "hand-written",
        &["whpk_not base64!"],
        spec.clone(),
        body,
        SPEC_TS,
        fail("invalid_secret"),
    );
    add(
        "a small-order public key (the identity) is refused",
        "hand-written (strict verification)",
        &[&format!(
            "whpk_{}",
            B64.encode([&[1u8][..], &[0; 31]].concat())
        )],
        spec.clone(),
        body,
        SPEC_TS,
        fail("invalid_secret"),
    );

    for (name, source, seed) in [
        (
            "the Go pull request's test seed",
            GO_PR_SOURCE,
            seed_of(GO_PR_SEED),
        ),
        (
            "the JS pull request's test seed (32 x 0x01)",
            JS_PR_SOURCE,
            [1u8; 32],
        ),
    ] {
        let signing = format!("whsk_{}", B64.encode(seed));
        let signed = signed_v1a(
            &signing,
            "msg_2Wq7fJ8kL0pZ",
            crate::NOW,
            b"{\"type\":\"invoice.paid\"}",
        );
        add(
            name,
            source,
            &[&public_of(&seed)],
            signed,
            b"{\"type\":\"invoice.paid\"}",
            crate::NOW,
            ok(0, Some(crate::NOW), Some("msg_2Wq7fJ8kL0pZ")),
        );
    }
    out
}

pub(crate) fn sign_cases() -> Vec<Value> {
    let mut out = Vec::new();
    let case = |name: &str, source: &str, secret: &str, expect: Value| {
        json!({
            "name": format!("standard/v1a: {name}"), "source": source, "scheme": "standard", "secret": secret,
            "body": SPEC_BODY, "timestamp": SPEC_TS, "webhook_id": SPEC_ID, "event_type": null, "expect": expect,
        })
    };
    let expect = |headers: &Headers| json!({ "headers": headers.iter().map(|(n, v)| [n, v]).collect::<Vec<_>>() });
    out.push(case(
        "sign with Svix's 64-byte key gives the spec's signature",
        SVIX_SOURCE,
        SVIX_SIGNING,
        expect(&headers(SPEC_ID, SPEC_TS, SVIX_SIGNATURE)),
    ));
    let svix_seed = format!(
        "whsk_{}",
        B64.encode(seed_of(SVIX_SIGNING.trim_start_matches("whsk_")))
    );
    out.push(case(
        "sign with the 32-byte seed of the same key gives the same signature",
        SVIX_SOURCE,
        &svix_seed,
        expect(&headers(SPEC_ID, SPEC_TS, SVIX_SIGNATURE)),
    ));
    let go = format!("whsk_{GO_PR_SEED}");
    out.push(case(
        "sign with the Go pull request's seed",
        GO_PR_SOURCE,
        &go,
        expect(&signed_v1a(&go, SPEC_ID, SPEC_TS, SPEC_BODY.as_bytes())),
    ));
    // Seed of one key, public half of another.
    let mixed = [
        &seed_of(GO_PR_SEED)[..],
        &B64.decode(SVIX_PUBLIC.trim_start_matches("whpk_"))
            .expect("base64")[..],
    ]
    .concat();
    out.push(case(
        "a 64-byte key whose public half is not its seed's",
        "hand-written",
        &format!("whsk_{}", B64.encode(mixed)),
        fail("invalid_secret"),
    ));
    out.push(case(
        "a whpk_ public key cannot sign",
        "hand-written",
        SVIX_PUBLIC,
        fail("invalid_secret"),
    ));
    out.push(case(
        "a whsk_ key of 48 bytes",
        "hand-written",
        &format!("whsk_{}", B64.encode([7u8; 48])),
        fail("invalid_secret"),
    ));
    out
}
