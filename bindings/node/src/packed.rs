//! The packed header string of a sync `verify`, read without an allocation.
//!
//! napi-rs's `String` argument asks V8 for the UTF-8 length, allocates a
//! zeroed buffer, copies and validates: for a verifier's two to six short
//! headers that is a sixth of a 256-byte verify. [`HeaderText`] instead hands
//! the method the JS string itself, which [`HeaderText::read_into`] copies in
//! one N-API call into the verifier's reusable buffer.

use napi::bindgen_prelude::FromNapiValue;
use napi::sys;
use std::ptr;

/// The most buffer a verifier keeps between calls.
const KEPT_CAPACITY: usize = 64 * 1024;

/// A JS string argument, read on demand during the call that received it.
pub struct HeaderText {
    env: sys::napi_env,
    value: sys::napi_value,
}

impl FromNapiValue for HeaderText {
    unsafe fn from_napi_value(env: sys::napi_env, value: sys::napi_value) -> napi::Result<Self> {
        Ok(HeaderText { env, value })
    }
}

impl HeaderText {
    /// Replaces `buf`'s contents with the string's UTF-8 (V8 writes valid
    /// UTF-8: a lone surrogate becomes U+FFFD).
    pub fn read_into(&self, buf: &mut Vec<u8>) -> crate::Result<()> {
        buf.clear();
        // One request with huge headers must not pin its buffer for the
        // verifier's lifetime; everyday headers fit in the first 1 KiB.
        if buf.capacity() > KEPT_CAPACITY {
            *buf = Vec::new();
        }
        if buf.capacity() < 256 {
            buf.reserve(1024);
        }
        let mut written = self.write(buf)?;
        // V8 keeps a byte for its NUL and never splits a character, so a
        // string that came within a 4-byte character of the end may be cut.
        if written + 4 >= buf.capacity() {
            let mut len = 0;
            // SAFETY: a null buffer asks only for the length in bytes; `env`
            // and `value` belong to the N-API call still running.
            let status = unsafe {
                sys::napi_get_value_string_utf8(self.env, self.value, ptr::null_mut(), 0, &mut len)
            };
            check(status)?;
            buf.reserve(len + 1);
            written = self.write(buf)?;
        }
        // SAFETY: V8 initialized the first `written` bytes.
        unsafe { buf.set_len(written) };
        Ok(())
    }

    /// Writes the string into `buf`'s spare capacity; returns the bytes written.
    fn write(&self, buf: &mut Vec<u8>) -> crate::Result<usize> {
        let spare = buf.spare_capacity_mut();
        let mut written = 0;
        // SAFETY: `spare` is writable for `spare.len()` bytes and V8 writes
        // at most that many; `env` and `value` belong to the running call.
        let status = unsafe {
            sys::napi_get_value_string_utf8(
                self.env,
                self.value,
                spare.as_mut_ptr().cast(),
                spare.len(),
                &mut written,
            )
        };
        check(status)?;
        Ok(written)
    }
}

fn check(status: sys::napi_status) -> crate::Result<()> {
    if status == sys::Status::napi_ok {
        Ok(())
    } else {
        Err(napi::Error::new(
            crate::Code("malformed_header"),
            "malformed header: the packed headers must be a string".to_owned(),
        ))
    }
}

/// [`HeaderText::read_into`]'s bytes as text; V8 wrote them, so this only
/// guards the contract.
pub fn utf8(bytes: &[u8]) -> crate::Result<&str> {
    std::str::from_utf8(bytes).map_err(|_| {
        napi::Error::new(
            crate::Code("malformed_header"),
            "malformed header: the header text is not valid Unicode".to_owned(),
        )
    })
}
