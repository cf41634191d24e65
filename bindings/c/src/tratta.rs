//! Tratta's encrypted payloads: `hooksig_tratta_decrypt` / `_encrypt`.

use crate::error::{guard, hooksig_error, hooksig_status};
use crate::{input, out, string_out};
use std::ffi::{c_char, c_void};

/// Bytes hooksig returns: read them with `hooksig_bytes_data` and
/// `hooksig_bytes_len`, release them with `hooksig_bytes_free`.
#[derive(Debug)]
pub struct hooksig_bytes {
    // The data, then one NUL byte not counted in `len`.
    data: Vec<u8>,
    len: usize,
}

/// Decrypts an encrypted Tratta payload (its base64 text; surrounding
/// whitespace is ignored) with the webhook's secret. Verify the request
/// first (`hooksig_verify` with scheme `"tratta"`); the payload's own MAC is
/// checked too, in constant time, before anything is decrypted.
///
/// - `secret`: the webhook's secret, NUL-terminated.
/// - `data`, `data_len`: the encrypted payload.
/// - `plaintext`: receives the decrypted bytes (NULL on failure).
///
/// Returns `HOOKSIG_OK`, `HOOKSIG_DECRYPTION_FAILED` (not base64, too short,
/// MAC mismatch: tampered or another secret, bad padding; the message says
/// nothing about the key) or `HOOKSIG_INVALID_ARGUMENT`.
///
/// # Safety
/// `secret` is NUL-terminated; `data` points to `data_len` bytes (NULL
/// allowed when 0); `plaintext` is writable; `error` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hooksig_tratta_decrypt(
    secret: *const c_char,
    data: *const c_void,
    data_len: usize,
    plaintext: *mut *mut hooksig_bytes,
    error: *mut *mut hooksig_error,
) -> hooksig_status {
    guard(error, || {
        let plaintext =
            // SAFETY: out-parameters are writable (contract).
            unsafe { out(plaintext, "plaintext") }?;
        // SAFETY: NUL-terminated (contract).
        let secret = unsafe { input::c_bytes(secret, "secret") }?;
        // SAFETY: `data_len` readable bytes (contract).
        let data = unsafe { input::bytes(data, data_len, "data") }?;
        let mut decrypted = hooksig::tratta::decrypt(secret, data)?;
        let len = decrypted.len();
        decrypted.push(0);
        let bytes = hooksig_bytes {
            data: decrypted,
            len,
        };
        // SAFETY: `out` checked the pointer; the caller owns the bytes.
        unsafe { *plaintext = Box::into_raw(Box::new(bytes)) };
        Ok(())
    })
}

/// Encrypts `plaintext` as Tratta does (fresh random salt and IV), for
/// tests and for senders. `*data` receives the base64 payload,
/// NUL-terminated; release it with `hooksig_string_free`.
///
/// Returns `HOOKSIG_OK`, `HOOKSIG_INVALID_SECRET` or `HOOKSIG_INVALID_ARGUMENT`.
///
/// # Safety
/// `secret` is NUL-terminated; `plaintext` points to `plaintext_len` bytes
/// (NULL allowed when 0); `data` is writable; `error` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hooksig_tratta_encrypt(
    secret: *const c_char,
    plaintext: *const c_void,
    plaintext_len: usize,
    data: *mut *mut c_char,
    error: *mut *mut hooksig_error,
) -> hooksig_status {
    guard(error, || {
        let data =
            // SAFETY: out-parameters are writable (contract).
            unsafe { out(data, "data") }?;
        // SAFETY: NUL-terminated (contract).
        let secret = unsafe { input::c_bytes(secret, "secret") }?;
        // SAFETY: `plaintext_len` readable bytes (contract).
        let plaintext = unsafe { input::bytes(plaintext, plaintext_len, "plaintext") }?;
        let encrypted = hooksig::tratta::encrypt(secret, plaintext)?;
        // SAFETY: `out` checked the pointer; the caller owns the string.
        unsafe { *data = string_out(encrypted) };
        Ok(())
    })
}

/// The bytes, followed by a NUL byte that `hooksig_bytes_len` does not
/// count (so JSON text can be used as a C string); valid until
/// `hooksig_bytes_free`. NULL when `bytes` is NULL.
///
/// # Safety
/// `bytes` is NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hooksig_bytes_data(bytes: *const hooksig_bytes) -> *const u8 {
    // SAFETY: a non-NULL pointer is live (contract).
    unsafe { bytes.as_ref() }.map_or(std::ptr::null(), |b| b.data.as_ptr())
}

/// The number of bytes; 0 when `bytes` is NULL.
///
/// # Safety
/// `bytes` is NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hooksig_bytes_len(bytes: *const hooksig_bytes) -> usize {
    // SAFETY: a non-NULL pointer is live (contract).
    unsafe { bytes.as_ref() }.map_or(0, |b| b.len)
}

/// Releases bytes. NULL is ignored.
///
/// # Safety
/// `bytes` is NULL or bytes not yet freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hooksig_bytes_free(bytes: *mut hooksig_bytes) {
    if !bytes.is_null() {
        // SAFETY: it came from `Box::into_raw` in `hooksig_tratta_decrypt`, freed once (contract).
        drop(unsafe { Box::from_raw(bytes) });
    }
}
