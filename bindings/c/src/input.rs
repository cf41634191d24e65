//! Turning caller memory (pointer + length, NUL-terminated text) into Rust
//! slices, with every check a C caller can get wrong reported as a status.

use crate::error::CallError;
use hooksig::Scheme;
use std::ffi::{CStr, c_char, c_void};
use std::mem::{self, MaybeUninit};
use std::slice;

/// One HTTP header: a name and a value, each a pointer and a length in bytes
/// (not NUL-terminated on input; hooksig reads exactly `*_len` bytes).
///
/// Names are matched case-insensitively. Pass every header of the request,
/// or at least the ones the scheme uses; a header repeated with different
/// values is reported as `HOOKSIG_MALFORMED_HEADER`. A pointer may be NULL
/// only when its length is 0.
///
/// Headers returned by `hooksig_sign` are also NUL-terminated.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct hooksig_header {
    /// The header name, e.g. `"Quiltt-Signature"`.
    pub name: *const c_char,
    /// Length of `name` in bytes.
    pub name_len: usize,
    /// The header value.
    pub value: *const c_char,
    /// Length of `value` in bytes.
    pub value_len: usize,
}

/// What is wrong with a pointer + length pair; named by the caller only on
/// failure, so the happy path formats nothing.
pub(crate) enum BadSlice {
    Null(usize),
    TooLong(usize),
    Misaligned,
}

impl BadSlice {
    pub(crate) fn about(self, what: &str) -> CallError {
        CallError::invalid_argument(match self {
            BadSlice::Null(len) => format!("{what} is NULL but its length is {len}"),
            BadSlice::TooLong(len) => format!("{what} length {len} is larger than any object"),
            BadSlice::Misaligned => format!("{what} is not aligned for its type"),
        })
    }
}

/// Checks that `len` items at `ptr` could be an array: NULL only with
/// `len == 0`, aligned, and a total size that fits in an object. Reads nothing.
pub(crate) fn check_array<T>(ptr: *const T, len: usize) -> Result<(), BadSlice> {
    if len == 0 {
        return Ok(());
    }
    if ptr.is_null() {
        return Err(BadSlice::Null(len));
    }
    if len
        .checked_mul(mem::size_of::<T>())
        .is_none_or(|size| size > isize::MAX as usize)
    {
        return Err(BadSlice::TooLong(len));
    }
    if !ptr.is_aligned() {
        return Err(BadSlice::Misaligned);
    }
    Ok(())
}

/// A slice of `len` items at `ptr`, checked by [`check_array`].
///
/// # Safety
/// When the checks pass, `ptr` must point to `len` initialized items that
/// stay valid and unchanged for `'a`.
pub(crate) unsafe fn items<'a, T>(ptr: *const T, len: usize) -> Result<&'a [T], BadSlice> {
    check_array(ptr, len)?;
    if len == 0 {
        return Ok(&[]);
    }
    // SAFETY: non-NULL, aligned, size within isize::MAX (checked); validity
    // of the memory is the caller's contract.
    Ok(unsafe { slice::from_raw_parts(ptr, len) })
}

/// A byte buffer given as pointer + length.
///
/// # Safety
/// As [`items`].
pub(crate) unsafe fn bytes<'a>(
    ptr: *const c_void,
    len: usize,
    what: &str,
) -> Result<&'a [u8], CallError> {
    // SAFETY: forwarded contract.
    unsafe { items(ptr.cast::<u8>(), len) }.map_err(|bad| bad.about(what))
}

/// The bytes of a NUL-terminated string (without the NUL); NULL is an error.
///
/// # Safety
/// A non-NULL `ptr` must point to a NUL-terminated string valid for `'a`.
pub(crate) unsafe fn c_bytes<'a>(ptr: *const c_char, what: &str) -> Result<&'a [u8], CallError> {
    if ptr.is_null() {
        return Err(CallError::invalid_argument(format!("{what} is NULL")));
    }
    // SAFETY: non-NULL; NUL termination and lifetime are the caller's contract.
    Ok(unsafe { CStr::from_ptr(ptr) }.to_bytes())
}

/// A NUL-terminated UTF-8 string; NULL or invalid UTF-8 is an `invalid_argument`.
///
/// # Safety
/// As [`c_bytes`].
pub(crate) unsafe fn c_text<'a>(ptr: *const c_char, what: &str) -> Result<&'a str, CallError> {
    // SAFETY: forwarded contract.
    let bytes = unsafe { c_bytes(ptr, what) }?;
    std::str::from_utf8(bytes)
        .map_err(|_| CallError::invalid_argument(format!("{what} is not valid UTF-8")))
}

/// An optional NUL-terminated UTF-8 string: NULL means "not given".
///
/// # Safety
/// As [`c_bytes`].
pub(crate) unsafe fn c_text_opt<'a>(
    ptr: *const c_char,
    what: &str,
) -> Result<Option<&'a str>, CallError> {
    if ptr.is_null() {
        return Ok(None);
    }
    // SAFETY: forwarded contract.
    unsafe { c_text(ptr, what) }.map(Some)
}

/// A request header as the core takes it: name and value bytes.
pub(crate) type HeaderPair<'a> = (&'a [u8], &'a [u8]);

/// Requests with up to this many headers are converted without allocating.
const INLINE_HEADERS: usize = 32;

/// Calls `f` with the request headers as name/value byte pairs, on the stack
/// for typical requests: a heap allocation per call would be a measurable
/// part of verifying a small body.
///
/// # Safety
/// `headers` points to `n_headers` entries, each naming valid memory (see
/// [`hooksig_header`]).
pub(crate) unsafe fn with_header_pairs<'a, R>(
    headers: *const hooksig_header,
    n_headers: usize,
    f: impl FnOnce(&[HeaderPair<'a>]) -> R,
) -> Result<R, CallError> {
    // SAFETY: forwarded contract.
    let headers = unsafe { items(headers, n_headers) }.map_err(|bad| bad.about("headers"))?;
    let pairs = headers.iter().enumerate().map(|(index, header)| {
        // SAFETY: each entry names `*_len` readable bytes (the caller's contract).
        let name = unsafe { items(header.name.cast::<u8>(), header.name_len) }
            .map_err(|bad| bad.about(&format!("headers[{index}].name")))?;
        // SAFETY: as above.
        let value = unsafe { items(header.value.cast::<u8>(), header.value_len) }
            .map_err(|bad| bad.about(&format!("headers[{index}].value")))?;
        Ok((name, value))
    });
    if headers.len() <= INLINE_HEADERS {
        // Uninitialized: zeroing the whole array costs as much as the rest of the conversion.
        let mut inline = [const { MaybeUninit::<HeaderPair<'a>>::uninit() }; INLINE_HEADERS];
        for (slot, pair) in inline.iter_mut().zip(pairs) {
            slot.write(pair?);
        }
        // SAFETY: the loop wrote the first `headers.len()` slots (it ran once
        // per header, as `headers.len() <= INLINE_HEADERS`, or returned early).
        let written = unsafe {
            slice::from_raw_parts(inline.as_ptr().cast::<HeaderPair<'a>>(), headers.len())
        };
        Ok(f(written))
    } else {
        let pairs = pairs.collect::<Result<Vec<_>, CallError>>()?;
        Ok(f(&pairs))
    }
}

/// A scheme given as a built-in name (`"quiltt"`, `"svix"`, ...) or as a
/// custom-scheme JSON object (text starting with `{`).
///
/// # Safety
/// As [`c_bytes`].
pub(crate) unsafe fn scheme(ptr: *const c_char) -> Result<Scheme, CallError> {
    // SAFETY: forwarded contract.
    let bytes = unsafe { c_bytes(ptr, "scheme") }?;
    let text = std::str::from_utf8(bytes).map_err(|_| {
        CallError::from(hooksig::Error::InvalidScheme {
            reason: "the scheme name or definition is not valid UTF-8".into(),
        })
    })?;
    let scheme = if text.trim_start().starts_with('{') {
        Scheme::custom_from_json(text)
    } else {
        Scheme::from_name(text)
    };
    Ok(scheme?)
}

/// A secret as the core takes it: UTF-8 text.
///
/// # Safety
/// As [`c_bytes`].
pub(crate) unsafe fn secret<'a>(ptr: *const c_char, what: &str) -> Result<&'a str, CallError> {
    // SAFETY: forwarded contract.
    let bytes = unsafe { c_bytes(ptr, what) }?;
    std::str::from_utf8(bytes).map_err(|_| secret_not_utf8(what).into())
}

pub(crate) fn secret_not_utf8(what: &str) -> hooksig::Error {
    hooksig::Error::InvalidSecret {
        reason: format!("{what} is not valid UTF-8"),
    }
}

/// `len` NUL-terminated UTF-8 strings at `array` (secrets, patterns). An
/// entry that is not UTF-8 fails with `not_utf8(index, bytes)`, whose code
/// depends on what the strings are.
///
/// # Safety
/// `array` points to `len` pointers, each to a NUL-terminated string valid for `'a`.
pub(crate) unsafe fn c_texts<'a>(
    array: *const *const c_char,
    len: usize,
    what: &str,
    not_utf8: impl Fn(usize, &[u8]) -> hooksig::Error,
) -> Result<Vec<&'a str>, CallError> {
    // SAFETY: forwarded contract.
    let pointers = unsafe { items(array, len) }.map_err(|bad| bad.about(what))?;
    pointers
        .iter()
        .enumerate()
        .map(|(index, &pointer)| {
            // SAFETY: each entry is a NUL-terminated string (contract).
            let bytes = unsafe { c_bytes(pointer, &format!("{what}[{index}]")) }?;
            std::str::from_utf8(bytes).map_err(|_| not_utf8(index, bytes).into())
        })
        .collect()
}
