//! `hooksig_verifier`: construction, verify, diagnose, and the verified result.

use crate::error::{CallError, guard, hooksig_error, hooksig_status};
use crate::input::{self, HeaderPair, hooksig_header};
use crate::{HOOKSIG_NOW, out, string_out};
use hooksig::{Delivery, Verified, Verifier};
use std::ffi::{CString, c_char, c_void};
use std::ptr;

/// Verifies webhooks of one scheme against one or more secrets.
///
/// Created by `hooksig_verifier_new`, released by `hooksig_verifier_free`.
/// Immutable once created: one verifier may be used by any number of threads
/// at the same time, and is meant to serve a whole server.
#[derive(Debug)]
pub struct hooksig_verifier(Verifier);

/// What a successful `hooksig_verify` or `hooksig_verify_once` found. Read
/// it with the `hooksig_verified_*` accessors; release it with
/// `hooksig_verified_free`.
#[derive(Debug)]
pub struct hooksig_verified {
    key_index: usize,
    timestamp: Option<i64>,
    webhook_id: Option<CString>,
    id_signed: bool,
    /// The claim `hooksig_verify_once` made, handed back to the store by
    /// `hooksig_replay_complete` / `_release`; `None` after a plain verify.
    pub(crate) claim: Option<Claimed>,
}

/// A delivery claimed in a replay store, and its store key for C.
#[derive(Debug)]
pub(crate) struct Claimed {
    pub(crate) delivery: Delivery,
    /// `delivery.key` as C text; `None` when a fail-open store was down.
    key: Option<CString>,
}

impl hooksig_verified {
    /// The C result of a verification, with the claim made, if any.
    pub(crate) fn new(verified: Verified, claim: Option<Delivery>) -> hooksig_verified {
        let Verified {
            key_index,
            timestamp,
            webhook_id,
            id_signed,
        } = verified;
        hooksig_verified {
            key_index,
            timestamp,
            webhook_id: webhook_id.map(crate::error::c_string_lossy),
            id_signed,
            claim: claim.map(|delivery| Claimed {
                key: delivery.key.clone().map(crate::error::c_string_lossy),
                delivery,
            }),
        }
    }
}

/// Creates a verifier for `scheme` that accepts a signature made with any of
/// `secrets` (newest first, for key rotation).
///
/// - `scheme`: a built-in scheme name (`"quiltt"`, `"standard"` (alias
///   `"svix"`), `"bond"`, `"tratta"`, `"stripe"`, `"github"`, `"shopify"`,
///   `"slack"`), or a custom-scheme definition as a JSON object, e.g.
///   `{"signature_header":"X-Sig","signature_prefix":"sha256=","timestamp_header":"X-Ts","message":"{timestamp}.{body}"}`.
/// - `secrets`: `n_secrets` (at least 1) NUL-terminated UTF-8 secrets. They
///   are copied; the caller may wipe its copies after the call. For
///   `"standard"`, a secret may also be a `whpk_` Ed25519 public key
///   (`whpk_` + base64 of 32 bytes), which verifies `v1a` signatures; HMAC
///   secrets and public keys may be mixed (key rotation across kinds). A
///   `whsk_` signing key is refused here: it belongs to `hooksig_sign`.
/// - `tolerance`: how many seconds a signed timestamp may be from now, in
///   either direction (`HOOKSIG_DEFAULT_TOLERANCE` is 300). Ignored by
///   schemes that sign no timestamp.
/// - `verifier`: receives the new verifier (NULL on failure).
/// - `error`: NULL, or receives an error object on failure (NULL on success).
///
/// Returns `HOOKSIG_OK`, `HOOKSIG_INVALID_SCHEME`, `HOOKSIG_INVALID_SECRET`
/// (no secret, empty, too short, bad `whsec_` base64, not UTF-8) or
/// `HOOKSIG_INVALID_ARGUMENT` (a NULL pointer).
///
/// # Safety
/// `scheme` and each of `secrets[0..n_secrets]` are NUL-terminated strings;
/// `verifier` points to writable storage for a pointer; `error` is NULL or does.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hooksig_verifier_new(
    scheme: *const c_char,
    secrets: *const *const c_char,
    n_secrets: usize,
    tolerance: u64,
    verifier: *mut *mut hooksig_verifier,
    error: *mut *mut hooksig_error,
) -> hooksig_status {
    guard(error, || {
        let verifier =
            // SAFETY: out-parameters are writable (contract).
            unsafe { out(verifier, "verifier") }?;
        // SAFETY: `scheme` is NUL-terminated (contract).
        let scheme = unsafe { input::scheme(scheme) }?;
        // SAFETY: `secrets` holds `n_secrets` strings (contract).
        let secrets = unsafe {
            input::c_texts(secrets, n_secrets, "secrets", |index, _| {
                input::secret_not_utf8(&format!("secret #{index}"))
            })
        }?;
        let created = Verifier::new(scheme, &secrets)?.with_tolerance(tolerance);
        // SAFETY: `out` checked the pointer; the caller owns the new verifier.
        unsafe { *verifier = Box::into_raw(Box::new(hooksig_verifier(created))) };
        Ok(())
    })
}

/// Releases a verifier. NULL is ignored. No call on it may be running.
///
/// # Safety
/// `verifier` is NULL or a verifier not yet freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hooksig_verifier_free(verifier: *mut hooksig_verifier) {
    if !verifier.is_null() {
        // SAFETY: it came from `Box::into_raw` in `hooksig_verifier_new` and
        // is freed once (contract). Dropping wipes the secrets it holds.
        drop(unsafe { Box::from_raw(verifier) });
    }
}

/// A `now` argument as Unix seconds: `HOOKSIG_NOW` is the system clock.
pub(crate) fn seconds(now: i64) -> i64 {
    if now == HOOKSIG_NOW {
        hooksig::unix_now()
    } else {
        now
    }
}

/// Verifies one request: its headers and its raw body, byte for byte as
/// received (never a parsed and re-serialized body).
///
/// - `headers`: `n_headers` request headers (see `hooksig_header`).
/// - `body`, `body_len`: the raw body; `body` may be NULL when `body_len` is 0.
/// - `now`: Unix seconds to check the timestamp against, or `HOOKSIG_NOW`
///   for the system clock. Tests pass a fixed time instead of sleeping.
/// - `result`: NULL, or receives what was verified on success (NULL on
///   failure); release it with `hooksig_verified_free`.
/// - `error`: NULL, or receives an error object on failure.
///
/// Returns `HOOKSIG_OK` when a signature matches one of the secrets inside
/// the time window. A rejected request returns the reason
/// (`HOOKSIG_SIGNATURE_MISMATCH`, `HOOKSIG_MISSING_HEADER`,
/// `HOOKSIG_TIMESTAMP_TOO_OLD`, ...): answer it with 401 and do not act on
/// the body. `HOOKSIG_INVALID_ARGUMENT` reports a NULL pointer or an
/// impossible length.
///
/// # Safety
/// `verifier` is a live verifier; `headers` points to `n_headers` entries and
/// `body` to `body_len` bytes (each may be NULL when its length is 0), all
/// unchanged during the call; `result` and `error` are NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hooksig_verify(
    verifier: *const hooksig_verifier,
    headers: *const hooksig_header,
    n_headers: usize,
    body: *const c_void,
    body_len: usize,
    now: i64,
    result: *mut *mut hooksig_verified,
    error: *mut *mut hooksig_error,
) -> hooksig_status {
    if !result.is_null() {
        // SAFETY: non-NULL `result` is writable (contract).
        unsafe { *result = ptr::null_mut() };
    }
    guard(error, || {
        // SAFETY: the arguments satisfy the request contract above.
        let verified = unsafe {
            with_request(
                verifier,
                headers,
                n_headers,
                body,
                body_len,
                |verifier, headers, body| verifier.verify_at(headers, body, seconds(now)),
            )
        }??;
        if !result.is_null() {
            let found = hooksig_verified::new(verified, None);
            // SAFETY: non-NULL `result` is writable (contract); the caller owns the object.
            unsafe { *result = Box::into_raw(Box::new(found)) };
        }
        Ok(())
    })
}

/// Explains, in one sentence for a developer, why a request fails to verify:
/// the body was re-serialized, the secret is in the wrong encoding or lacks
/// its `whsec_` prefix, the request is from another provider, the clocks are
/// apart, a trailing newline was added... The sentence never contains a
/// secret or a signature. For logs and debugging, not for the response.
///
/// Arguments as `hooksig_verify`. On `HOOKSIG_OK`, `*explanation` is NULL
/// when the request verifies, otherwise a NUL-terminated UTF-8 string to
/// release with `hooksig_string_free`. Other statuses report bad arguments
/// (`HOOKSIG_INVALID_ARGUMENT`) only: a failing request is not an error here.
///
/// # Safety
/// As `hooksig_verify`; `explanation` points to writable storage for a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hooksig_diagnose(
    verifier: *const hooksig_verifier,
    headers: *const hooksig_header,
    n_headers: usize,
    body: *const c_void,
    body_len: usize,
    now: i64,
    explanation: *mut *mut c_char,
    error: *mut *mut hooksig_error,
) -> hooksig_status {
    guard(error, || {
        let explanation =
            // SAFETY: out-parameters are writable (contract).
            unsafe { out(explanation, "explanation") }?;
        // SAFETY: the arguments satisfy the request contract above.
        let sentence = unsafe {
            with_request(
                verifier,
                headers,
                n_headers,
                body,
                body_len,
                |verifier, headers, body| verifier.diagnose_at(headers, body, seconds(now)),
            )
        }?;
        // SAFETY: `out` checked the pointer.
        unsafe { *explanation = sentence.map_or(ptr::null_mut(), string_out) };
        Ok(())
    })
}

/// Calls `f` with the verifier, headers and body of a verify or diagnose
/// call, once they are checked.
///
/// # Safety
/// As `hooksig_verify`.
pub(crate) unsafe fn with_request<R>(
    verifier: *const hooksig_verifier,
    headers: *const hooksig_header,
    n_headers: usize,
    body: *const c_void,
    body_len: usize,
    f: impl FnOnce(&Verifier, &[HeaderPair<'_>], &[u8]) -> R,
) -> Result<R, CallError> {
    // SAFETY: a non-NULL `verifier` is live (contract).
    let verifier = unsafe { verifier.as_ref() }
        .ok_or_else(|| CallError::invalid_argument("verifier is NULL"))?;
    // SAFETY: forwarded contract.
    let body = unsafe { input::bytes(body, body_len, "body") }?;
    // SAFETY: forwarded contract.
    unsafe { input::with_header_pairs(headers, n_headers, |headers| f(&verifier.0, headers, body)) }
}

/// The index (into the `secrets` given to `hooksig_verifier_new`) of the
/// secret that matched; 0 when `verified` is NULL.
///
/// # Safety
/// `verified` is NULL or a live result.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hooksig_verified_key_index(verified: *const hooksig_verified) -> usize {
    // SAFETY: a non-NULL pointer is a live result (contract).
    unsafe { verified.as_ref() }.map_or(0, |v| v.key_index)
}

/// Stores the signed timestamp (Unix seconds) in `*timestamp` and returns
/// true, for schemes that sign one; returns false (and leaves `*timestamp`
/// alone) for schemes that do not, or when an argument is NULL.
///
/// # Safety
/// `verified` is NULL or a live result; `timestamp` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hooksig_verified_timestamp(
    verified: *const hooksig_verified,
    timestamp: *mut i64,
) -> bool {
    // SAFETY: a non-NULL pointer is a live result (contract).
    match (
        unsafe { verified.as_ref() }.and_then(|v| v.timestamp),
        timestamp.is_null(),
    ) {
        (Some(value), false) => {
            // SAFETY: non-NULL `timestamp` is writable (contract).
            unsafe { *timestamp = value };
            true
        }
        _ => false,
    }
}

/// The message / delivery id the request carried (`webhook-id`,
/// `X-Tratta-Webhook-ID`, `X-GitHub-Delivery`, ...), NUL-terminated and
/// valid until `hooksig_verified_free`; NULL when there was none (or
/// `verified` is NULL). Only a signed id (`hooksig_verified_id_signed`) is
/// safe to drop duplicate deliveries on: GitHub's, Shopify's and Tratta's
/// come from headers outside the signature, which anyone on the way can
/// rewrite without breaking it.
///
/// # Safety
/// `verified` is NULL or a live result.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hooksig_verified_webhook_id(
    verified: *const hooksig_verified,
) -> *const c_char {
    // SAFETY: a non-NULL pointer is a live result (contract).
    unsafe { verified.as_ref() }
        .and_then(|v| v.webhook_id.as_ref())
        .map_or(ptr::null(), |id| id.as_ptr())
}

/// True when the scheme signs the id (Standard Webhooks' `webhook-id`, a
/// custom scheme whose message has `{id}`), so `hooksig_verified_webhook_id`
/// is as authentic as the body; false when the id header is not signed
/// (GitHub, Shopify, Tratta), when there was no id, or `verified` is NULL.
///
/// # Safety
/// `verified` is NULL or a live result.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hooksig_verified_id_signed(verified: *const hooksig_verified) -> bool {
    // SAFETY: a non-NULL pointer is a live result (contract).
    unsafe { verified.as_ref() }.is_some_and(|v| v.id_signed)
}

/// The replay-store key `hooksig_verify_once` claimed for this delivery
/// (`"hooksig:replay:"` and 64 hex digits: a hash of the scheme and the
/// signed id or the matched signature, the same in every hooksig binding),
/// valid until `hooksig_verified_free`. NULL after `hooksig_verify` (no
/// store), when a fail-open store could not be reached, or when `verified`
/// is NULL.
///
/// # Safety
/// `verified` is NULL or a live result.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hooksig_verified_replay_key(
    verified: *const hooksig_verified,
) -> *const c_char {
    // SAFETY: a non-NULL pointer is a live result (contract).
    unsafe { verified.as_ref() }
        .and_then(|v| v.claim.as_ref()?.key.as_ref())
        .map_or(ptr::null(), |key| key.as_ptr())
}

/// Releases a result. NULL is ignored. Freeing a claimed result neither
/// completes nor releases its claim: the key stays claimed until its TTL ends.
///
/// # Safety
/// `verified` is NULL or a result not yet freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hooksig_verified_free(verified: *mut hooksig_verified) {
    if !verified.is_null() {
        // SAFETY: it came from `Box::into_raw` in `hooksig_verify` or
        // `hooksig_verify_once`, freed once (contract).
        drop(unsafe { Box::from_raw(verified) });
    }
}
