//! `hooksig_sign` and the header list it returns.

use crate::error::{c_string_lossy, guard, hooksig_error, hooksig_status};
use crate::input::{self, hooksig_header};
use crate::{HOOKSIG_NOW, out};
use hooksig::SignOptions;
use std::ffi::{CString, c_char, c_void};
use std::ptr;

/// Optional inputs of `hooksig_sign`. Pass NULL for all defaults, or
/// start from `{ HOOKSIG_NOW, NULL, NULL }`.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct hooksig_sign_options {
    /// Unix seconds to sign with; `HOOKSIG_NOW` for the system clock.
    /// Ignored by schemes that sign no timestamp.
    pub timestamp: i64,
    /// The message id (NUL-terminated UTF-8) for schemes that send one; NULL
    /// to let hooksig derive one where the scheme requires it.
    pub webhook_id: *const c_char,
    /// The event type (NUL-terminated UTF-8) for schemes that carry it in a
    /// header (Tratta, GitHub, Shopify); NULL for none.
    pub event_type: *const c_char,
}

/// The headers `hooksig_sign` produced, in the order a sender attaches them.
/// Read them with `hooksig_headers_len` / `hooksig_headers_items`; release
/// them with `hooksig_headers_free`.
#[derive(Debug)]
pub struct hooksig_headers {
    items: Vec<hooksig_header>,
    // Owns the text that `items` points into (never read, only kept alive);
    // CString data does not move when the Vec does.
    _text: Vec<CString>,
}

/// Signs `body` as a sender of `scheme` would and returns the headers to
/// attach to the request, e.g. `Quiltt-Timestamp` and `Quiltt-Signature`.
/// For tests of a receiver, and for services that send webhooks.
///
/// - `scheme`: a built-in name or custom-scheme JSON, as `hooksig_verifier_new`.
/// - `secret`: NUL-terminated UTF-8 secret. For `"standard"`, a `whsk_`
///   Ed25519 signing key (base64 of the 32-byte seed, or of 64 bytes: seed
///   and public key) signs a `v1a` entry instead of `v1`; a `whpk_` public
///   key cannot sign.
/// - `body`, `body_len`: the exact bytes that will be sent.
/// - `options`: NULL, or the timestamp / id / event type to sign with.
/// - `headers`: receives the header list (NULL on failure).
/// - `error`: NULL, or receives an error object on failure.
///
/// Returns `HOOKSIG_OK`, `HOOKSIG_INVALID_SCHEME`, `HOOKSIG_INVALID_SECRET`
/// or `HOOKSIG_INVALID_ARGUMENT`.
///
/// # Safety
/// `scheme`, `secret` (and the strings in `options`) are NUL-terminated;
/// `body` points to `body_len` bytes (NULL allowed when 0); `options` is NULL
/// or valid; `headers` is writable; `error` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hooksig_sign(
    scheme: *const c_char,
    secret: *const c_char,
    body: *const c_void,
    body_len: usize,
    options: *const hooksig_sign_options,
    headers: *mut *mut hooksig_headers,
    error: *mut *mut hooksig_error,
) -> hooksig_status {
    guard(error, || {
        let headers =
            // SAFETY: out-parameters are writable (contract).
            unsafe { out(headers, "headers") }?;
        // SAFETY: NUL-terminated (contract).
        let scheme = unsafe { input::scheme(scheme) }?;
        // SAFETY: NUL-terminated (contract).
        let secret = unsafe { input::secret(secret, "secret") }?;
        // SAFETY: `body_len` readable bytes (contract).
        let body = unsafe { input::bytes(body, body_len, "body") }?;
        // SAFETY: NULL or a valid options struct (contract).
        let options = match unsafe { options.as_ref() } {
            None => SignOptions::default(),
            Some(given) => SignOptions {
                timestamp: (given.timestamp != HOOKSIG_NOW).then_some(given.timestamp),
                // SAFETY: NULL or NUL-terminated (contract).
                webhook_id: unsafe { input::c_text_opt(given.webhook_id, "options.webhook_id") }?
                    .map(str::to_owned),
                // SAFETY: NULL or NUL-terminated (contract).
                event_type: unsafe { input::c_text_opt(given.event_type, "options.event_type") }?
                    .map(str::to_owned),
            },
        };
        let signed = hooksig::sign(&scheme, secret, body, &options)?;
        let list = header_list(signed);
        // SAFETY: `out` checked the pointer; the caller owns the new list.
        unsafe { *headers = Box::into_raw(Box::new(list)) };
        Ok(())
    })
}

fn header_list(pairs: Vec<(String, String)>) -> hooksig_headers {
    let mut text = Vec::with_capacity(pairs.len() * 2);
    let mut items = Vec::with_capacity(pairs.len());
    for (name, value) in pairs {
        let (name, value) = (c_string_lossy(name), c_string_lossy(value));
        items.push(hooksig_header {
            name: name.as_ptr(),
            name_len: name.as_bytes().len(),
            value: value.as_ptr(),
            value_len: value.as_bytes().len(),
        });
        text.push(name);
        text.push(value);
    }
    hooksig_headers { items, _text: text }
}

/// The number of headers in `headers`; 0 when it is NULL.
///
/// # Safety
/// `headers` is NULL or a live header list.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hooksig_headers_len(headers: *const hooksig_headers) -> usize {
    // SAFETY: a non-NULL pointer is a live list (contract).
    unsafe { headers.as_ref() }.map_or(0, |h| h.items.len())
}

/// The headers as an array of `hooksig_headers_len(headers)` entries whose
/// names and values are also NUL-terminated; valid until
/// `hooksig_headers_free`. It can be passed straight to `hooksig_verify`.
/// NULL when `headers` is NULL.
///
/// # Safety
/// `headers` is NULL or a live header list.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hooksig_headers_items(
    headers: *const hooksig_headers,
) -> *const hooksig_header {
    // SAFETY: a non-NULL pointer is a live list (contract).
    unsafe { headers.as_ref() }.map_or(ptr::null(), |h| h.items.as_ptr())
}

/// Releases a header list. NULL is ignored.
///
/// # Safety
/// `headers` is NULL or a header list not yet freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hooksig_headers_free(headers: *mut hooksig_headers) {
    if !headers.is_null() {
        // SAFETY: it came from `Box::into_raw` in `hooksig_sign`, freed once (contract).
        drop(unsafe { Box::from_raw(headers) });
    }
}
