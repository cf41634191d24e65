//! `hooksig_event_types`: which event type(s) a verified request carries.

use crate::error::{c_string_lossy, guard, hooksig_error, hooksig_status};
use crate::input::{self, hooksig_header};
use crate::out;
use std::ffi::{CString, c_char, c_void};

/// A list of strings hooksig returns: read it with `hooksig_strings_len` and
/// `hooksig_strings_get`, release it with `hooksig_strings_free`.
#[derive(Debug)]
pub struct hooksig_strings(Vec<CString>);

/// The event types of a request, one per event, in payload order, for
/// routing through a `hooksig_matcher`: Quiltt's `events[].type`, Bond's
/// `event`, Tratta's `X-Tratta-Event-Name`, Standard Webhooks' and Stripe's
/// `type`, GitHub's `X-GitHub-Event` plus `.` and the body's `action`
/// (`pull_request.opened`), Shopify's `X-Shopify-Topic` with `/` as `.`,
/// Slack's inner `event.type`; a custom scheme's `event_header`, else `type`.
/// Call it after `hooksig_verify` succeeded: it checks no signature.
///
/// - `scheme`: a built-in name or custom-scheme JSON, as `hooksig_verifier_new`.
/// - `headers`, `body`: as `hooksig_verify`.
/// - `types`: receives the list (NULL on failure).
///
/// Returns `HOOKSIG_OK`, `HOOKSIG_MISSING_HEADER` / `HOOKSIG_MALFORMED_HEADER`
/// (the header that carries the type), `HOOKSIG_INVALID_BODY` (not JSON, or
/// without the field), `HOOKSIG_INVALID_SCHEME` or `HOOKSIG_INVALID_ARGUMENT`.
///
/// # Safety
/// `scheme` is NUL-terminated; `headers` and `body` as `hooksig_verify`;
/// `types` is writable; `error` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hooksig_event_types(
    scheme: *const c_char,
    headers: *const hooksig_header,
    n_headers: usize,
    body: *const c_void,
    body_len: usize,
    types: *mut *mut hooksig_strings,
    error: *mut *mut hooksig_error,
) -> hooksig_status {
    guard(error, || {
        let types =
            // SAFETY: out-parameters are writable (contract).
            unsafe { out(types, "types") }?;
        // SAFETY: NUL-terminated (contract).
        let scheme = unsafe { input::scheme(scheme) }?;
        // SAFETY: `body_len` readable bytes (contract).
        let body = unsafe { input::bytes(body, body_len, "body") }?;
        // SAFETY: `n_headers` valid entries (contract).
        let found = unsafe {
            input::with_header_pairs(headers, n_headers, |headers| {
                hooksig::events::event_types(&scheme, headers, body)
            })
        }??;
        let list = hooksig_strings(found.into_iter().map(c_string_lossy).collect());
        // SAFETY: `out` checked the pointer; the caller owns the list.
        unsafe { *types = Box::into_raw(Box::new(list)) };
        Ok(())
    })
}

/// The number of strings in `strings`; 0 when it is NULL.
///
/// # Safety
/// `strings` is NULL or a live list.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hooksig_strings_len(strings: *const hooksig_strings) -> usize {
    // SAFETY: a non-NULL pointer is a live list (contract).
    unsafe { strings.as_ref() }.map_or(0, |s| s.0.len())
}

/// String `index` of `strings` (NUL-terminated UTF-8), valid until
/// `hooksig_strings_free`; NULL when `index` is out of range or `strings` is NULL.
///
/// # Safety
/// `strings` is NULL or a live list.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hooksig_strings_get(
    strings: *const hooksig_strings,
    index: usize,
) -> *const c_char {
    // SAFETY: a non-NULL pointer is a live list (contract).
    unsafe { strings.as_ref() }
        .and_then(|s| s.0.get(index))
        .map_or(std::ptr::null(), |s| s.as_ptr())
}

/// Releases a list of strings. NULL is ignored.
///
/// # Safety
/// `strings` is NULL or a list not yet freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hooksig_strings_free(strings: *mut hooksig_strings) {
    if !strings.is_null() {
        // SAFETY: it came from `Box::into_raw` in `hooksig_event_types`, freed once (contract).
        drop(unsafe { Box::from_raw(strings) });
    }
}
