//! `hooksig::tratta::decrypt` on hostile payloads, and the round trip
//! `encrypt_with_salt_and_iv` → `decrypt` of arbitrary plaintexts, with any
//! one byte of the payload altered failing to decrypt.
//!
//! Byte 0: bit 0 clear: decrypt the rest with one of the secrets of
//! `tests/vectors/decrypt.json` (bits 1-2); set: a round trip, the rest read
//! with `arbitrary` as (secret, salt, iv, plaintext, byte to alter).
#![no_main]

use arbitrary::{Arbitrary, Unstructured};
use base64::Engine;
use hooksig::tratta;
use libfuzzer_sys::fuzz_target;

const SECRETS: [&str; 4] = [
    "123412341234123412341234",
    "another-secret-of-24byte",
    "sécrèt-🔑-sixteen+",
    "123412341234123412341234\n",
];

#[derive(Arbitrary, Debug)]
struct RoundTrip {
    secret: Vec<u8>,
    salt: [u8; tratta::SALT_LEN],
    iv: [u8; tratta::IV_LEN],
    alter_at: u16,
    alter_by: u8,
    plaintext: Vec<u8>,
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    if mode & 1 == 0 {
        let secret = SECRETS[usize::from(mode >> 1 & 3)];
        if let Err(error) = tratta::decrypt(secret, rest) {
            assert_eq!(error.code(), "decryption_failed");
        }
        return;
    }
    let Ok(case) = RoundTrip::arbitrary_take_rest(Unstructured::new(rest)) else {
        return;
    };
    let Ok(data) =
        tratta::encrypt_with_salt_and_iv(&case.secret, &case.plaintext, &case.salt, &case.iv)
    else {
        return;
    };
    let opened = tratta::decrypt(&case.secret, &data).expect("a payload we encrypted decrypts");
    assert_eq!(opened, case.plaintext);

    let engine = base64::engine::general_purpose::STANDARD;
    let mut raw = engine
        .decode(&data)
        .expect("the payload is canonical base64");
    let at = usize::from(case.alter_at) % raw.len();
    raw[at] ^= case.alter_by.max(1);
    assert!(
        tratta::decrypt(&case.secret, engine.encode(&raw)).is_err(),
        "a payload altered at byte {at} still decrypts"
    );
});
