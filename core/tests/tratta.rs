//! Tratta payload encryption: failure modes, and a cross-check against an
//! independent implementation on Python's `cryptography` (OpenSSL).

mod support;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use hooksig::tratta;
use proptest::prelude::*;

const SECRET: &str = "123412341234123412341234";

fn reason(result: hooksig::Result<Vec<u8>>) -> String {
    match result {
        Ok(_) => panic!("expected decryption_failed"),
        Err(e) => {
            assert_eq!(e.code(), "decryption_failed", "{e}");
            e.to_string()
        }
    }
}

fn raw(data: &str) -> Vec<u8> {
    BASE64.decode(data).unwrap()
}

#[test]
fn round_trip_and_random_salt() {
    let plaintext = br#"{"data":{"id":"ccd912ca","amount":1200,"card":"4242"}}"#;
    let a = tratta::encrypt(SECRET, plaintext).unwrap();
    let b = tratta::encrypt(SECRET, plaintext).unwrap();
    assert_ne!(a, b, "salt and IV must be fresh");
    assert_eq!(tratta::decrypt(SECRET, &a).unwrap(), plaintext);
    assert_eq!(
        tratta::decrypt(SECRET.as_bytes(), format!("  {b}\n")).unwrap(),
        plaintext
    );
    // Block-multiple and empty plaintexts get a full padding block.
    for len in [0, 15, 16, 17, 32] {
        let p = vec![b'x'; len];
        let data = tratta::encrypt_with_salt_and_iv(SECRET, &p, &[7; 16], &[9; 16]).unwrap();
        assert_eq!(raw(&data).len(), 16 + 16 + (len / 16 + 1) * 16 + 32);
        assert_eq!(tratta::decrypt(SECRET, &data).unwrap(), p);
    }
}

#[test]
fn every_failure_is_decryption_failed_and_says_which() {
    let data =
        tratta::encrypt_with_salt_and_iv(SECRET, b"hello tratta", &[1; 16], &[2; 16]).unwrap();
    assert!(reason(tratta::decrypt(SECRET, "not base64!")).contains("not valid base64"));
    assert!(reason(tratta::decrypt(SECRET, "")).contains("too short"));
    assert!(reason(tratta::decrypt(SECRET, BASE64.encode([0u8; 79]))).contains("too short"));
    assert!(reason(tratta::decrypt(SECRET, BASE64.encode([0u8; 81]))).contains("multiple"));

    let wrong = reason(tratta::decrypt("another-secret-of-16+", &data));
    assert!(wrong.contains("MAC mismatch"), "{wrong}");
    assert!(
        !wrong.contains("another-secret") && !wrong.contains(SECRET),
        "{wrong}"
    );

    let bytes = raw(&data);
    for at in [0, 16, 32, bytes.len() - 1] {
        let mut tampered = bytes.clone();
        tampered[at] ^= 1;
        let why = reason(tratta::decrypt(SECRET, BASE64.encode(&tampered)));
        assert!(why.contains("MAC mismatch"), "byte {at}: {why}");
    }
}

#[test]
fn tratta_docs_secret_and_event_payload_shape() {
    // The secret from Tratta's own signing example, and a JSON body shaped
    // like the documented customer payload.
    let body = r#"{"data":{"id":"ccd912ca-134b-4743-9ab8-1561d6143caa","name":"Test customer"}}"#;
    let data = tratta::encrypt(SECRET, body).unwrap();
    assert_eq!(
        String::from_utf8(tratta::decrypt(SECRET, data).unwrap()).unwrap(),
        body
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn arbitrary_input_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..160), text in ".{0,120}") {
        for data in [BASE64.encode(&bytes), text] {
            if let Err(e) = tratta::decrypt(SECRET, &data) {
                prop_assert_eq!(e.code(), "decryption_failed");
            }
        }
    }
}

fn expected_plaintext(expect: &serde_json::Value) -> Vec<u8> {
    match (
        expect["plaintext"].as_str(),
        expect["plaintext_base64"].as_str(),
    ) {
        (Some(text), _) => text.as_bytes().to_vec(),
        (_, Some(b64)) => raw(b64),
        _ => panic!("no plaintext in {expect}"),
    }
}

#[test]
fn every_decrypt_vector() {
    let cases = support::vector_cases("decrypt.json");
    assert!(cases.len() >= 10, "decrypt.json has {} cases", cases.len());
    for case in &cases {
        let secret = case["secret"].as_str().expect("secret");
        let data = case["data"].as_str().expect("data");
        let expect = &case["expect"];
        match tratta::decrypt(secret, data) {
            Ok(plaintext) => {
                assert_eq!(expect["ok"], true, "{}", case["name"]);
                assert_eq!(plaintext, expected_plaintext(expect), "{}", case["name"]);
            }
            Err(e) => assert_eq!(expect["code"], e.code(), "{}: {e}", case["name"]),
        }
    }
}

#[test]
fn agrees_with_python_cryptography() {
    let python = match support::reference_python() {
        Ok(p) => p,
        Err(why) => {
            println!("SKIPPED agrees_with_python_cryptography: no venv with `cryptography`: {why}");
            return;
        }
    };
    let mut reference = support::Reference::start(&python);
    let cases: [(&[u8], &[u8]); 4] = [
        (SECRET.as_bytes(), b""),
        (SECRET.as_bytes(), br#"{"data":{"amount":1200}}"#),
        ("unicode secret \u{e9}\u{1f511}".as_bytes(), &[0xff; 64]),
        (b"k", b"exactly sixteen!"),
    ];
    for (i, (secret, plaintext)) in cases.into_iter().enumerate() {
        let salt = [i as u8 + 1; 16];
        let iv = [0xa0 + i as u8; 16];
        let ours = tratta::encrypt_with_salt_and_iv(secret, plaintext, &salt, &iv).unwrap();
        let theirs = reference.ask(serde_json::json!({
            "op": "encrypt", "secret": hex::encode(secret), "plaintext": hex::encode(plaintext),
            "salt": hex::encode(salt), "iv": hex::encode(iv),
        }));
        assert_eq!(
            theirs["data"],
            ours.as_str(),
            "case {i}: same bytes for the same salt and IV"
        );

        // Random salt both ways.
        let ours = tratta::encrypt(secret, plaintext).unwrap();
        let decrypted = reference
            .ask(serde_json::json!({"op": "decrypt", "secret": hex::encode(secret), "data": ours}));
        assert_eq!(decrypted["plaintext"], hex::encode(plaintext), "case {i}");

        let mut tampered = raw(&ours);
        let last = tampered.len() - 1;
        tampered[last] ^= 0x80;
        let tampered = BASE64.encode(tampered);
        let rejected = reference.ask(
            serde_json::json!({"op": "decrypt", "secret": hex::encode(secret), "data": tampered}),
        );
        assert_eq!(rejected["error"], "MAC mismatch");
        assert_eq!(
            tratta::decrypt(secret, &tampered).unwrap_err().code(),
            "decryption_failed"
        );
    }
}
