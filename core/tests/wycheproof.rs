//! Project Wycheproof known answers (tests/wycheproof/, see its README) for
//! the primitives under the core: HMAC-SHA256 (signatures, the Tratta MAC),
//! AES-CBC with PKCS#7 padding (Tratta payloads; every key size Wycheproof
//! has) and PBKDF2-HMAC-SHA512 (Tratta keys). Valid cases must give the
//! expected output, invalid ones must fail; each file must yield cases.

use aes::{Aes128, Aes192, Aes256};
use cbc::cipher::block_padding::Pkcs7;
use cbc::cipher::{BlockModeDecrypt, BlockModeEncrypt, KeyIvInit};
use hmac::{Hmac, KeyInit, Mac};
use serde_json::Value;
use sha2::{Sha256, Sha512};

/// Every test of a Wycheproof file, each with its group.
fn cases(file: &str, algorithm: &str) -> Vec<(Value, Value)> {
    let path = format!("{}/tests/wycheproof/{file}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let doc: Value = serde_json::from_str(&text).expect("Wycheproof files are JSON");
    assert_eq!(doc["algorithm"], algorithm, "{file}");
    let mut out = Vec::new();
    for group in doc["testGroups"].as_array().expect("testGroups") {
        for test in group["tests"].as_array().expect("tests") {
            out.push((group.clone(), test.clone()));
        }
    }
    assert_eq!(
        Some(out.len() as u64),
        doc["numberOfTests"].as_u64(),
        "{file}: numberOfTests"
    );
    assert!(!out.is_empty(), "{file} has no cases");
    out
}

fn bytes(test: &Value, field: &str) -> Vec<u8> {
    hex::decode(test[field].as_str().unwrap_or_else(|| panic!("{field}"))).expect("hex")
}

/// `valid` (or `acceptable`) must succeed, `invalid` must fail.
fn expects_valid(test: &Value) -> bool {
    match test["result"].as_str() {
        Some("valid" | "acceptable") => true,
        Some("invalid") => false,
        other => panic!("tcId {}: result {other:?}", test["tcId"]),
    }
}

#[test]
fn hmac_sha256() {
    let cases = cases("hmac_sha256_test.json", "HMACSHA256");
    let (mut valid, mut invalid) = (0, 0);
    for (group, test) in &cases {
        let id = &test["tcId"];
        let tag_len = group["tagSize"].as_u64().expect("tagSize") as usize / 8;
        let (key, msg, tag) = (bytes(test, "key"), bytes(test, "msg"), bytes(test, "tag"));
        let mac = || {
            let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&key).expect("any key length");
            mac.update(&msg);
            mac
        };
        let full = mac().finalize().into_bytes();
        // Wycheproof truncates the tag to tagSize bits: compare that much.
        let matches = tag.len() == tag_len && full[..tag_len] == tag[..];
        let verifies = mac().verify_truncated_left(&tag).is_ok() && tag.len() == tag_len;
        assert_eq!(matches, verifies, "tcId {id}: compare and verify disagree");
        if expects_valid(test) {
            assert!(
                matches,
                "tcId {id} ({}): valid tag refused",
                test["comment"]
            );
            valid += 1;
        } else {
            assert!(
                !matches,
                "tcId {id} ({}): invalid tag accepted",
                test["comment"]
            );
            invalid += 1;
        }
    }
    println!(
        "hmac_sha256_test.json: {} cases, {valid} valid, {invalid} invalid",
        cases.len()
    );
    assert!(valid > 0 && invalid > 0);
}

fn cbc_decrypt(key: &[u8], iv: &[u8], ct: &[u8]) -> Option<Vec<u8>> {
    match key.len() {
        16 => cbc::Decryptor::<Aes128>::new_from_slices(key, iv)
            .ok()?
            .decrypt_padded_vec::<Pkcs7>(ct)
            .ok(),
        24 => cbc::Decryptor::<Aes192>::new_from_slices(key, iv)
            .ok()?
            .decrypt_padded_vec::<Pkcs7>(ct)
            .ok(),
        32 => cbc::Decryptor::<Aes256>::new_from_slices(key, iv)
            .ok()?
            .decrypt_padded_vec::<Pkcs7>(ct)
            .ok(),
        n => panic!("AES key of {n} bytes"),
    }
}

fn cbc_encrypt(key: &[u8], iv: &[u8], msg: &[u8]) -> Vec<u8> {
    match key.len() {
        16 => cbc::Encryptor::<Aes128>::new_from_slices(key, iv)
            .unwrap()
            .encrypt_padded_vec::<Pkcs7>(msg),
        24 => cbc::Encryptor::<Aes192>::new_from_slices(key, iv)
            .unwrap()
            .encrypt_padded_vec::<Pkcs7>(msg),
        32 => cbc::Encryptor::<Aes256>::new_from_slices(key, iv)
            .unwrap()
            .encrypt_padded_vec::<Pkcs7>(msg),
        n => panic!("AES key of {n} bytes"),
    }
}

#[test]
fn aes_cbc_pkcs7() {
    let cases = cases("aes_cbc_pkcs5_test.json", "AES-CBC-PKCS5");
    let (mut valid, mut invalid) = (0, 0);
    let mut key_sizes = std::collections::BTreeSet::new();
    for (_, test) in &cases {
        let id = &test["tcId"];
        let (key, iv) = (bytes(test, "key"), bytes(test, "iv"));
        let (msg, ct) = (bytes(test, "msg"), bytes(test, "ct"));
        key_sizes.insert(key.len() * 8);
        let decrypted = cbc_decrypt(&key, &iv, &ct);
        if expects_valid(test) {
            assert_eq!(
                decrypted.as_deref(),
                Some(&msg[..]),
                "tcId {id} ({}): decrypt",
                test["comment"]
            );
            assert_eq!(cbc_encrypt(&key, &iv, &msg), ct, "tcId {id}: encrypt");
            valid += 1;
        } else {
            assert_eq!(
                decrypted, None,
                "tcId {id} ({}): invalid ciphertext decrypted",
                test["comment"]
            );
            invalid += 1;
        }
    }
    println!(
        "aes_cbc_pkcs5_test.json: {} cases, {valid} valid, {invalid} invalid, key sizes {key_sizes:?}",
        cases.len()
    );
    assert!(valid > 0 && invalid > 0);
    assert!(key_sizes.contains(&128), "the core's AES-128 is covered");
}

#[test]
fn pbkdf2_hmac_sha512() {
    let cases = cases("pbkdf2_hmacsha512_test.json", "PBKDF2-HMACSHA512");
    let (mut valid, mut invalid) = (0, 0);
    for (_, test) in &cases {
        let id = &test["tcId"];
        let (password, salt, dk) = (
            bytes(test, "password"),
            bytes(test, "salt"),
            bytes(test, "dk"),
        );
        let rounds = test["iterationCount"].as_u64().expect("iterationCount") as u32;
        let len = test["dkLen"].as_u64().expect("dkLen") as usize;
        let mut out = vec![0u8; len];
        pbkdf2::pbkdf2_hmac::<Sha512>(&password, &salt, rounds, &mut out);
        // The call the core makes (tratta.rs), which must agree.
        let mut core = vec![0u8; len];
        pbkdf2::pbkdf2::<Hmac<Sha512>>(&password, &salt, rounds, &mut core).expect("derives");
        assert_eq!(out, core, "tcId {id}");
        if expects_valid(test) {
            assert_eq!(out, dk, "tcId {id} ({})", test["comment"]);
            valid += 1;
        } else {
            assert_ne!(out, dk, "tcId {id} ({})", test["comment"]);
            invalid += 1;
        }
    }
    println!(
        "pbkdf2_hmacsha512_test.json: {} cases, {valid} valid, {invalid} invalid",
        cases.len()
    );
    assert!(valid > 0);
}
