//! The C ABI of hooksig: `libhooksig.so` / `libhooksig.a` and `hooksig.h`.
//!
//! Thin: every function converts C arguments, calls the `hooksig` core and
//! maps its errors onto `hooksig_status`. Every entry point checks its
//! pointers and lengths, runs inside `catch_unwind`, and reports a status;
//! nothing unwinds into or aborts the host process. The header is generated
//! from this crate by cbindgen (`make -C bindings/c header`) and committed;
//! the doc comments here are the header's documentation, so they speak C.
#![allow(non_camel_case_types)] // the C names are the API

// cbindgen writes the header in module order: the verifier first, then
// the replay guard, signing, routing and decryption.
mod error;
mod input;

mod verify;

mod replay;

mod sign;

mod events;
mod matcher;
mod tratta;

use error::CallError;
use std::ffi::c_char;

/// Pass as `now` to use the system clock (and as a sign timestamp to sign
/// with the current time).
pub const HOOKSIG_NOW: i64 = i64::MIN;

/// The timestamp tolerance, in seconds either way, that providers' own
/// receivers use.
pub const HOOKSIG_DEFAULT_TOLERANCE: u64 = 300;
// A literal above so cbindgen can write it into the header; kept equal to the core's here.
const _: () = assert!(HOOKSIG_DEFAULT_TOLERANCE == hooksig::DEFAULT_TOLERANCE);

/// The library version, e.g. `"0.1.0"`. Static storage: never free it.
#[unsafe(no_mangle)]
pub extern "C" fn hooksig_version() -> *const c_char {
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
}

/// Releases a string returned by hooksig (such as a `hooksig_diagnose`
/// explanation). NULL is ignored.
///
/// # Safety
/// `string` is NULL or a string hooksig returned for the caller to free,
/// not yet freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hooksig_string_free(string: *mut c_char) {
    if !string.is_null() {
        // SAFETY: it came from `CString::into_raw` in `string_out`, freed once (contract).
        drop(unsafe { std::ffi::CString::from_raw(string) });
    }
}

/// Hands a string to the caller, who releases it with `hooksig_string_free`.
pub(crate) fn string_out(text: String) -> *mut c_char {
    error::c_string_lossy(text).into_raw()
}

/// Checks a required out-parameter and sets it to NULL, so it reads NULL on
/// every failure that follows.
///
/// # Safety
/// `slot` is NULL or points to writable storage for one pointer.
pub(crate) unsafe fn out<T>(slot: *mut *mut T, what: &str) -> Result<*mut *mut T, CallError> {
    if slot.is_null() {
        return Err(CallError::invalid_argument(format!(
            "{what} (the out-parameter) is NULL"
        )));
    }
    // SAFETY: non-NULL, and writable by the contract above.
    unsafe { *slot = std::ptr::null_mut() };
    Ok(slot)
}
