//! Runs every case of tests/vectors against the core, as every binding does.

use base64::Engine;
use hooksig::{ReplayGuard, Scheme, SignOptions, Verifier, sign};
use serde_json::{Value, json};

fn load(name: &str) -> Vec<Value> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/vectors")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let doc: Value = serde_json::from_str(&text).expect("vector file is JSON");
    doc["cases"].as_array().expect("cases").clone()
}

fn scheme_of(case: &Value) -> hooksig::Result<Scheme> {
    match &case["scheme"] {
        Value::String(name) => Scheme::from_name(name),
        custom => Scheme::custom_from_json(&custom.to_string()),
    }
}

fn body_of(case: &Value) -> Vec<u8> {
    match (&case["body"], &case["body_base64"]) {
        (Value::String(text), _) => text.as_bytes().to_vec(),
        (_, Value::String(b64)) => base64::engine::general_purpose::STANDARD
            .decode(b64)
            .expect("body_base64"),
        _ => panic!("case {} has no body", case["name"]),
    }
}

fn outcome(result: hooksig::Result<Value>) -> Value {
    result.unwrap_or_else(|e| json!({ "ok": false, "code": e.code() }))
}

/// Runs a verify case; the headers are text, taken as the bytes they stand
/// for (`hooksig::wire::header_bytes`: the identity on the ASCII of verify.json).
fn run_verify_case(case: &Value) -> hooksig::Result<Value> {
    let text = |value: &Value| hooksig::wire::header_bytes(value.as_str().unwrap()).into_owned();
    let headers: Vec<(Vec<u8>, Vec<u8>)> = case["headers"]
        .as_array()
        .expect("headers")
        .iter()
        .map(|pair| (text(&pair[0]), text(&pair[1])))
        .collect();
    let secrets: Vec<&str> = case["secrets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    let body = body_of(case);
    let now = case["now"].as_i64().unwrap();
    let mut verifier = Verifier::new(scheme_of(case)?, &secrets)?;
    if let Some(t) = case["tolerance"].as_u64() {
        verifier = verifier.with_tolerance(t);
    }
    let result = verifier.verify_at(&headers, &body, now);
    // diagnose must agree with verify about success, and never echo a secret.
    let diagnosis = verifier.diagnose_at(&headers, &body, now);
    assert_eq!(
        diagnosis.is_none(),
        result.is_ok(),
        "{}: {diagnosis:?}",
        case["name"]
    );
    for secret in secrets.iter().filter(|s| s.len() >= 6) {
        let text = diagnosis.as_deref().unwrap_or("");
        assert!(
            !text.contains(*secret),
            "{}: diagnose leaks the secret",
            case["name"]
        );
    }
    let v = result?;
    // A guarded verify finds the same and names the key a store would hold.
    let delivery = verifier.verify_once_at(&ReplayGuard::memory(), &headers, &body, now)?;
    assert_eq!(delivery.verified, v, "{}", case["name"]);
    // And a store outside Rust is handed that same key to claim.
    let keyed = verifier.verify_keyed_at(&headers, &body, now, hooksig::DEFAULT_RETENTION)?;
    assert_eq!(keyed, delivery, "{}", case["name"]);
    Ok(
        json!({ "ok": true, "key_index": v.key_index, "timestamp": v.timestamp, "webhook_id": v.webhook_id, "id_signed": v.id_signed, "replay_key": delivery.key }),
    )
}

/// A copy that differs only where nothing is signed, or in how the signature
/// is encoded, is the same delivery to a replay guard.
#[test]
fn copies_of_a_delivery_share_their_replay_key() {
    let cases = load("verify.json");
    let key = |name: &str| {
        let case = cases.iter().find(|c| c["name"] == name).expect(name);
        case["expect"]["replay_key"]
            .as_str()
            .expect(name)
            .to_owned()
    };
    for (original, copy) in [
        (
            "github/X-GitHub-Delivery becomes the webhook id",
            "github/a rewritten X-GitHub-Delivery still verifies: the id is not signed",
        ),
        ("stripe/spaces after commas", "stripe/upper-case hex"),
    ] {
        assert_eq!(key(original), key(copy), "{copy}");
    }
}

fn assert_verify_cases(cases: &[Value]) {
    for case in cases {
        assert_eq!(
            outcome(run_verify_case(case)),
            case["expect"],
            "case {}",
            case["name"]
        );
    }
}

#[test]
fn verify_vectors() {
    let cases = load("verify.json");
    assert!(cases.len() > 100, "suspiciously few cases: {}", cases.len());
    assert_verify_cases(&cases);
}

#[test]
fn header_text_vectors() {
    assert_verify_cases(&load("header_text.json"));
}

#[test]
fn sign_vectors() {
    for case in load("sign.json") {
        let options = SignOptions {
            timestamp: case["timestamp"].as_i64(),
            webhook_id: case["webhook_id"].as_str().map(str::to_owned),
            event_type: case["event_type"].as_str().map(str::to_owned),
        };
        let got = outcome((|| {
            let headers = sign(
                &scheme_of(&case)?,
                case["secret"].as_str().unwrap(),
                &body_of(&case),
                &options,
            )?;
            Ok(json!({ "headers": headers.iter().map(|(n, v)| [n, v]).collect::<Vec<_>>() }))
        })());
        assert_eq!(got, case["expect"], "case {}", case["name"]);
    }
}
