//! Status codes, the error object, and the guard every entry point runs in.

use std::ffi::{CStr, CString, c_char, c_int};
use std::panic::{self, AssertUnwindSafe};
use std::ptr;

use hooksig::ErrorCode;

/// The outcome of a call: `HOOKSIG_OK`, one value per hooksig error code
/// (the same codes as every other hooksig binding), and two that only the C
/// API has: `HOOKSIG_INVALID_ARGUMENT` (a NULL pointer where one is required,
/// a length larger than any object, text that is not UTF-8) and
/// `HOOKSIG_INTERNAL_ERROR` (a bug in hooksig; the call was abandoned safely).
///
/// The numeric values are stable.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum hooksig_status {
    /// Success.
    HOOKSIG_OK = 0,
    /// `invalid_secret`: empty, too short for the scheme, bad `whsec_` base64, not UTF-8.
    HOOKSIG_INVALID_SECRET = 1,
    /// `missing_header`: a header the scheme requires is absent.
    HOOKSIG_MISSING_HEADER = 2,
    /// `malformed_header`: a header is present but unusable (or repeated with different values).
    HOOKSIG_MALFORMED_HEADER = 3,
    /// `timestamp_too_old`: signed longer ago than the tolerance allows.
    HOOKSIG_TIMESTAMP_TOO_OLD = 4,
    /// `timestamp_in_future`: signed further ahead than the tolerance allows.
    HOOKSIG_TIMESTAMP_IN_FUTURE = 5,
    /// `no_supported_signature`: only signature versions this build cannot check.
    HOOKSIG_NO_SUPPORTED_SIGNATURE = 6,
    /// `signature_mismatch`: no signature matched any secret.
    HOOKSIG_SIGNATURE_MISMATCH = 7,
    /// `invalid_body`: the body is not usable as raw bytes.
    HOOKSIG_INVALID_BODY = 8,
    /// `invalid_pattern`: an event-type pattern that cannot be compiled.
    HOOKSIG_INVALID_PATTERN = 9,
    /// `decryption_failed`: bad base64, too short, MAC mismatch or bad padding.
    HOOKSIG_DECRYPTION_FAILED = 10,
    /// `invalid_scheme`: unknown scheme name or bad custom-scheme JSON.
    HOOKSIG_INVALID_SCHEME = 11,
    /// `replayed`: the delivery was claimed before (a replay guard): 409.
    HOOKSIG_REPLAYED = 12,
    /// `replay_store_unavailable`: the replay store cannot be reached: 503.
    HOOKSIG_REPLAY_STORE_UNAVAILABLE = 13,
    /// `invalid_argument`: the call broke the API contract (see each function).
    HOOKSIG_INVALID_ARGUMENT = 100,
    /// `internal_error`: hooksig hit a bug and abandoned the call; please report it.
    HOOKSIG_INTERNAL_ERROR = 101,
}

use hooksig_status::*;

impl hooksig_status {
    /// Every status; the ones between `HOOKSIG_OK` and
    /// `HOOKSIG_INVALID_ARGUMENT` are the core's `hooksig::ErrorCode`s, with
    /// the same numbers (checked at compile time below).
    const ALL: [hooksig_status; 16] = [
        HOOKSIG_OK,
        HOOKSIG_INVALID_SECRET,
        HOOKSIG_MISSING_HEADER,
        HOOKSIG_MALFORMED_HEADER,
        HOOKSIG_TIMESTAMP_TOO_OLD,
        HOOKSIG_TIMESTAMP_IN_FUTURE,
        HOOKSIG_NO_SUPPORTED_SIGNATURE,
        HOOKSIG_SIGNATURE_MISMATCH,
        HOOKSIG_INVALID_BODY,
        HOOKSIG_INVALID_PATTERN,
        HOOKSIG_DECRYPTION_FAILED,
        HOOKSIG_INVALID_SCHEME,
        HOOKSIG_REPLAYED,
        HOOKSIG_REPLAY_STORE_UNAVAILABLE,
        HOOKSIG_INVALID_ARGUMENT,
        HOOKSIG_INTERNAL_ERROR,
    ];

    /// The status numbered `number`, if there is one.
    const fn from_number(number: c_int) -> Option<hooksig_status> {
        let mut i = 0;
        while i < Self::ALL.len() {
            if Self::ALL[i] as c_int == number {
                return Some(Self::ALL[i]);
            }
            i += 1;
        }
        None
    }

    /// The core error code of this status (`None` for OK and the C-only ones).
    fn error_code(self) -> Option<ErrorCode> {
        ErrorCode::ALL
            .iter()
            .copied()
            .find(|code| *code as c_int == self as c_int)
    }

    fn code(self) -> &'static CStr {
        match self {
            HOOKSIG_OK => c"ok",
            HOOKSIG_INVALID_ARGUMENT => c"invalid_argument",
            HOOKSIG_INTERNAL_ERROR => c"internal_error",
            _ => self.error_code().map_or(c"unknown", ErrorCode::as_c_str),
        }
    }

    /// The status of a core error code: the one with the same number.
    fn of(code: ErrorCode) -> hooksig_status {
        Self::from_number(code as c_int).unwrap_or(HOOKSIG_INTERNAL_ERROR)
    }
}

// Every core code has the status of the same number, and there is no other
// status than those and the three C-only ones: a code added to the core's
// table without its `HOOKSIG_` status here does not compile.
const _: () = {
    let codes = ErrorCode::ALL;
    assert!(hooksig_status::ALL.len() == codes.len() + 3);
    let mut i = 0;
    while i < codes.len() {
        let number = codes[i] as c_int;
        assert!(hooksig_status::from_number(number).is_some());
        assert!(number != HOOKSIG_OK as c_int);
        assert!(number != HOOKSIG_INVALID_ARGUMENT as c_int);
        assert!(number != HOOKSIG_INTERNAL_ERROR as c_int);
        i += 1;
    }
};

/// An error: its status, its stable code, and a message for humans.
///
/// Created by a failing call when the caller passed a non-NULL
/// `hooksig_error **`; release it with `hooksig_error_free`. The message
/// names headers, lengths and clock offsets, never a secret or a signature.
#[derive(Debug)]
pub struct hooksig_error {
    status: hooksig_status,
    message: CString,
    verification: bool,
}

/// Why an entry point failed, before it becomes a status and an error object.
pub(crate) struct CallError {
    status: hooksig_status,
    message: String,
    verification: bool,
}

impl CallError {
    pub(crate) fn invalid_argument(message: impl Into<String>) -> CallError {
        CallError {
            status: HOOKSIG_INVALID_ARGUMENT,
            message: format!("invalid argument: {}", message.into()),
            verification: false,
        }
    }

    fn internal() -> CallError {
        CallError {
            status: HOOKSIG_INTERNAL_ERROR,
            message: "internal error: hooksig abandoned the call after a panic; this is a bug, please report it".into(),
            verification: false,
        }
    }
}

impl From<hooksig::Error> for CallError {
    fn from(error: hooksig::Error) -> CallError {
        CallError {
            status: hooksig_status::of(error.error_code()),
            message: error.to_string(),
            verification: error.is_verification_error(),
        }
    }
}

pub(crate) type Outcome = Result<(), CallError>;

/// Runs the body of an entry point: clears `*error`, catches any panic so it
/// never unwinds into C, and turns a failure into a status plus (when
/// `error` is not NULL) a new error object.
pub(crate) fn guard(
    error: *mut *mut hooksig_error,
    body: impl FnOnce() -> Outcome,
) -> hooksig_status {
    if !error.is_null() {
        // SAFETY: the caller passes NULL or a pointer to writable storage for
        // one `hooksig_error *` (documented on every entry point).
        unsafe { *error = ptr::null_mut() };
    }
    // The body only reads caller memory and writes its out-parameters after
    // its last fallible step, so nothing half-updated is observed after a panic.
    let outcome =
        panic::catch_unwind(AssertUnwindSafe(body)).unwrap_or_else(|_| Err(CallError::internal()));
    match outcome {
        Ok(()) => HOOKSIG_OK,
        Err(failure) => {
            let status = failure.status;
            if !error.is_null() {
                let object = hooksig_error {
                    status,
                    message: c_string_lossy(failure.message),
                    verification: failure.verification,
                };
                // SAFETY: as above; the caller owns the new object.
                unsafe { *error = Box::into_raw(Box::new(object)) };
            }
            status
        }
    }
}

/// A C string of `text`, with any NUL (possible only through caller-supplied
/// header text) shown as `\0` instead of cutting the message short.
pub(crate) fn c_string_lossy(text: String) -> CString {
    CString::new(text).unwrap_or_else(|err| {
        let text = String::from_utf8_lossy(&err.into_vec()).replace('\0', "\\0");
        CString::new(text).unwrap_or_default()
    })
}

/// The status of `error` (`HOOKSIG_INVALID_ARGUMENT` when `error` is NULL).
///
/// # Safety
/// `error` is NULL or a live error object.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hooksig_error_status(error: *const hooksig_error) -> hooksig_status {
    // SAFETY: per the contract above, a non-NULL pointer is a live error object.
    match unsafe { error.as_ref() } {
        Some(error) => error.status,
        None => HOOKSIG_INVALID_ARGUMENT,
    }
}

/// The stable code of `error`, e.g. `"signature_mismatch"`, the same string
/// as the `code` of every other hooksig binding. Static storage: never free it.
/// `"invalid_argument"` when `error` is NULL.
///
/// # Safety
/// `error` is NULL or a live error object.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hooksig_error_code(error: *const hooksig_error) -> *const c_char {
    // SAFETY: per the contract above, a non-NULL pointer is a live error object.
    let status = unsafe { hooksig_error_status(error) };
    status.code().as_ptr()
}

/// The human-readable message of `error` (UTF-8, NUL-terminated), valid
/// until `hooksig_error_free(error)`. Never contains a secret or a signature.
/// An empty string when `error` is NULL.
///
/// # Safety
/// `error` is NULL or a live error object.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hooksig_error_message(error: *const hooksig_error) -> *const c_char {
    // SAFETY: per the contract above, a non-NULL pointer is a live error object.
    match unsafe { error.as_ref() } {
        Some(error) => error.message.as_ptr(),
        None => c"".as_ptr(),
    }
}

/// True when `error` is one a bad request can cause (reject the request,
/// typically with 401), false for a configuration or usage error
/// (`invalid_secret`, `invalid_scheme`, `invalid_pattern`, `invalid_argument`,
/// `internal_error`) or a NULL `error`.
///
/// # Safety
/// `error` is NULL or a live error object.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hooksig_error_is_verification_error(error: *const hooksig_error) -> bool {
    // SAFETY: per the contract above, a non-NULL pointer is a live error object.
    unsafe { error.as_ref() }.is_some_and(|error| error.verification)
}

/// Releases an error object. NULL is ignored.
///
/// # Safety
/// `error` is NULL or an error object not yet freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hooksig_error_free(error: *mut hooksig_error) {
    if !error.is_null() {
        // SAFETY: a non-NULL `error` came from `Box::into_raw` in `guard` and
        // is freed once (the caller's contract).
        drop(unsafe { Box::from_raw(error) });
    }
}

/// The stable code of a status value, e.g. `"signature_mismatch"` for
/// `HOOKSIG_SIGNATURE_MISMATCH` and `"ok"` for `HOOKSIG_OK`; `"unknown"` for a
/// value that is not a `hooksig_status`. Static storage: never free it.
///
/// Takes an `int` so that any value a caller holds is safe to pass.
#[unsafe(no_mangle)]
pub extern "C" fn hooksig_status_code(status: c_int) -> *const c_char {
    hooksig_status::ALL
        .into_iter()
        .find(|known| *known as c_int == status)
        .map_or(c"unknown", hooksig_status::code)
        .as_ptr()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_core_code_has_its_own_status() {
        let header = include_str!("../include/hooksig.h");
        for code in ErrorCode::ALL {
            let status = hooksig_status::of(*code);
            assert_eq!(status as c_int, *code as c_int);
            assert_eq!(status.code(), code.as_c_str());
            assert_eq!(
                hooksig_status_code(*code as c_int),
                code.as_c_str().as_ptr()
            );
            // The C name is the code in capitals, under the same number.
            let line = format!(
                "HOOKSIG_{} = {},",
                code.as_str().to_uppercase(),
                *code as c_int
            );
            assert!(header.contains(&line), "hooksig.h lacks {line}");
        }
        let core: Vec<_> = ErrorCode::ALL.iter().map(|c| c.as_c_str()).collect();
        let here: Vec<_> = hooksig_status::ALL[1..hooksig_status::ALL.len() - 2]
            .iter()
            .map(|s| s.code())
            .collect();
        assert_eq!(here, core, "same codes, same order");
    }

    #[test]
    fn a_panic_becomes_an_internal_error() {
        let mut error = ptr::null_mut();
        let status = guard(&mut error, || panic!("a bug"));
        assert_eq!(status, HOOKSIG_INTERNAL_ERROR);
        // SAFETY: `guard` stored a live error object.
        unsafe {
            assert_eq!(hooksig_error_status(error), HOOKSIG_INTERNAL_ERROR);
            assert!(!hooksig_error_is_verification_error(error));
            hooksig_error_free(error);
        }
    }

    #[test]
    fn messages_keep_text_after_a_nul() {
        assert_eq!(c_string_lossy("a\0b".into()).to_str().unwrap(), "a\\0b");
    }
}
