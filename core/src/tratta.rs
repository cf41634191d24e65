//! Tratta's encrypted webhook payloads (`external-charge.create`).
//!
//! Tratta encrypts sensitive payloads with the format of the
//! AES-Encryption-Classes library it names, keyed by the webhook's shared
//! secret: the base64 text of `salt[16] | iv[16] | ciphertext | mac[32]`,
//! where PBKDF2-HMAC-SHA512 (20 000 iterations) turns secret and salt into
//! 48 bytes, the first 16 an AES-128-CBC key and the last 32 an
//! HMAC-SHA256 key, and the MAC covers `iv | ciphertext`.
//!
//! ```
//! let secret = "a-tratta-webhook-secret";
//! let data = hooksig::tratta::encrypt(secret, br#"{"amount":1200}"#)?;
//! assert_eq!(hooksig::tratta::decrypt(secret, &data)?, br#"{"amount":1200}"#);
//!
//! let err = hooksig::tratta::decrypt("another-secret-entirely", &data).unwrap_err();
//! assert_eq!(err.code(), "decryption_failed");
//! # Ok::<(), hooksig::Error>(())
//! ```

use aes::Aes128;
use cbc::cipher::block_padding::Pkcs7;
use cbc::cipher::{BlockModeDecrypt, BlockModeEncrypt, KeyIvInit};
use hmac::{Hmac, KeyInit, Mac};
use sha2::{Sha256, Sha512};
use zeroize::Zeroizing;

use crate::error::{Error, Result};

/// Length of the PBKDF2 salt that starts every payload.
pub const SALT_LEN: usize = 16;
/// Length of the CBC initialisation vector that follows the salt.
pub const IV_LEN: usize = 16;
/// Length of the HMAC-SHA256 tag that ends every payload.
pub const MAC_LEN: usize = 32;
/// PBKDF2-HMAC-SHA512 iterations, fixed by the format.
pub const PBKDF2_ITERATIONS: u32 = 20_000;

const AES_KEY_LEN: usize = 16;
const MAC_KEY_LEN: usize = 32;
const BLOCK_LEN: usize = 16;
/// Salt, IV, one AES block (PKCS#7 always adds at least one byte) and the MAC.
const MIN_LEN: usize = SALT_LEN + IV_LEN + BLOCK_LEN + MAC_LEN;

/// Canonical padded base64 (`base64ct`: constant time).
fn decode_canonical(text: &[u8]) -> Option<Vec<u8>> {
    use base64ct::{Base64, Encoding as _};
    let mut out = vec![0; text.len() / 4 * 3];
    let len = Base64::decode(text, &mut out).ok()?.len();
    out.truncate(len);
    Some(out)
}

/// Decrypts a Tratta payload (base64 text; whitespace around it is ignored)
/// with the webhook's secret and returns the plaintext bytes.
///
/// The MAC is checked in constant time before anything is decrypted, so a
/// tampered payload never reaches the padding check (no padding oracle).
///
/// # Errors
/// [`Error::DecryptionFailed`] when the data is not base64, is too short or
/// misaligned, its MAC does not match (tampered, or another secret), or its
/// padding is malformed. The reason never says anything about the key.
pub fn decrypt(secret: impl AsRef<[u8]>, data: impl AsRef<[u8]>) -> Result<Vec<u8>> {
    let raw = decode_canonical(data.as_ref().trim_ascii())
        .ok_or_else(|| failed("the payload is not valid base64"))?;
    if raw.len() < MIN_LEN {
        return Err(failed(format!(
            "the payload is too short: {} bytes after base64 decoding, at least {MIN_LEN} needed \
             (salt {SALT_LEN}, IV {IV_LEN}, one AES block, MAC {MAC_LEN})",
            raw.len()
        )));
    }
    let (salt, rest) = raw.split_at(SALT_LEN);
    let (iv_and_ciphertext, mac) = rest.split_at(rest.len() - MAC_LEN);
    let (iv, ciphertext) = iv_and_ciphertext.split_at(IV_LEN);
    if ciphertext.len() % BLOCK_LEN != 0 {
        return Err(failed(format!(
            "the ciphertext is {} bytes, not a multiple of the {BLOCK_LEN}-byte AES block",
            ciphertext.len()
        )));
    }

    let keys = derive_keys(secret.as_ref(), salt)?;
    let (aes_key, mac_key) = keys.split_at(AES_KEY_LEN);
    let mut tag = hmac_sha256(mac_key)?;
    tag.update(iv_and_ciphertext);
    tag.verify_slice(mac).map_err(|_| {
        failed("MAC mismatch: the payload was altered, or encrypted with another secret")
    })?;

    cbc::Decryptor::<Aes128>::new_from_slices(aes_key, iv)
        .map_err(|_| failed("internal key length error"))?
        .decrypt_padded_vec::<Pkcs7>(ciphertext)
        .map_err(|_| {
            failed("malformed PKCS#7 padding behind a valid MAC (the sender encrypted bad data)")
        })
}

/// Encrypts `plaintext` for a Tratta receiver with a fresh random salt and IV
/// and returns the base64 payload text.
///
/// # Errors
/// [`Error::DecryptionFailed`] only if the operating system has no
/// randomness to offer.
pub fn encrypt(secret: impl AsRef<[u8]>, plaintext: impl AsRef<[u8]>) -> Result<String> {
    let mut salt = [0u8; SALT_LEN];
    let mut iv = [0u8; IV_LEN];
    getrandom::fill(&mut salt)
        .and_then(|()| getrandom::fill(&mut iv))
        .map_err(|_| failed("the operating system offered no randomness for the salt and IV"))?;
    encrypt_with_salt_and_iv(secret, plaintext, &salt, &iv)
}

/// Encrypts with a caller-chosen salt and IV: deterministic output for test
/// vectors and cross-checks. Never reuse a salt/IV pair for real payloads;
/// use [`encrypt`].
///
/// ```
/// let data = hooksig::tratta::encrypt_with_salt_and_iv("secret", b"hi", &[1; 16], &[2; 16])?;
/// assert_eq!(data, hooksig::tratta::encrypt_with_salt_and_iv("secret", b"hi", &[1; 16], &[2; 16])?);
/// # Ok::<(), hooksig::Error>(())
/// ```
///
/// # Errors
/// None in practice; the signature matches [`encrypt`].
pub fn encrypt_with_salt_and_iv(
    secret: impl AsRef<[u8]>,
    plaintext: impl AsRef<[u8]>,
    salt: &[u8; SALT_LEN],
    iv: &[u8; IV_LEN],
) -> Result<String> {
    let keys = derive_keys(secret.as_ref(), salt)?;
    let (aes_key, mac_key) = keys.split_at(AES_KEY_LEN);
    let ciphertext = cbc::Encryptor::<Aes128>::new_from_slices(aes_key, iv)
        .map_err(|_| failed("internal key length error"))?
        .encrypt_padded_vec::<Pkcs7>(plaintext.as_ref());
    let mut tag = hmac_sha256(mac_key)?;
    tag.update(iv);
    tag.update(&ciphertext);

    let mut out = Vec::with_capacity(SALT_LEN + IV_LEN + ciphertext.len() + MAC_LEN);
    out.extend_from_slice(salt);
    out.extend_from_slice(iv);
    out.extend_from_slice(&ciphertext);
    out.extend_from_slice(&tag.finalize().into_bytes());
    Ok(<base64ct::Base64 as base64ct::Encoding>::encode_string(
        &out,
    ))
}

fn derive_keys(secret: &[u8], salt: &[u8]) -> Result<Zeroizing<[u8; AES_KEY_LEN + MAC_KEY_LEN]>> {
    let mut keys = Zeroizing::new([0u8; AES_KEY_LEN + MAC_KEY_LEN]);
    pbkdf2::pbkdf2::<Hmac<Sha512>>(secret, salt, PBKDF2_ITERATIONS, keys.as_mut_slice())
        .map_err(|_| failed("internal key derivation error"))?;
    Ok(keys)
}

fn hmac_sha256(key: &[u8]) -> Result<Hmac<Sha256>> {
    <Hmac<Sha256> as KeyInit>::new_from_slice(key).map_err(|_| failed("internal MAC key error"))
}

fn failed(reason: impl Into<String>) -> Error {
    Error::DecryptionFailed {
        reason: reason.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cbc::cipher::block_padding::NoPadding;

    /// A payload whose MAC is right but whose plaintext padding is not: only
    /// a broken sender produces one, and it must still fail cleanly.
    #[test]
    fn bad_padding_behind_a_valid_mac() {
        let (salt, iv) = ([3u8; SALT_LEN], [4u8; IV_LEN]);
        let keys = derive_keys(b"secret", &salt).unwrap();
        let (aes_key, mac_key) = keys.split_at(AES_KEY_LEN);
        let ciphertext = cbc::Encryptor::<Aes128>::new_from_slices(aes_key, &iv)
            .unwrap()
            .encrypt_padded_vec::<NoPadding>(&[0u8; BLOCK_LEN]);
        let mut tag = hmac_sha256(mac_key).unwrap();
        tag.update(&iv);
        tag.update(&ciphertext);
        let data = <base64ct::Base64 as base64ct::Encoding>::encode_string(
            &[&salt[..], &iv, &ciphertext, &tag.finalize().into_bytes()].concat(),
        );

        let err = decrypt(b"secret", data).unwrap_err();
        assert_eq!(err.code(), "decryption_failed");
        assert!(err.to_string().contains("padding"), "{err}");
    }
}
