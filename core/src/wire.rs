//! The one way in for bindings whose languages hand HTTP headers over as text.
//!
//! HTTP header values are bytes. Node's `http`, Fetch `Headers`, WSGI/ASGI
//! (PEP 3333) and Java servlets all turn them into text one byte per
//! character (ISO-8859-1), so that text maps back to the exact bytes that were
//! signed. Every text binding converts with [`header_bytes`] and
//! [`header_text`], so a header means the same bytes in every language:
//!
//! - in: Latin-1 when every character fits in one byte, otherwise (text a
//!   program built itself, such as `"é"` from a UTF-8 source file that no
//!   server could have produced) UTF-8;
//! - out (header values `sign` produces): each byte as one character, which
//!   an HTTP client writes back as that same byte.
//!
//! Signatures, timestamps and ids are ASCII in practice, where all of this is
//! the identity and costs one ASCII check.
//!
//! The JS and uniffi bindings pass a request's headers as one
//! `name\0value\0...` string and a pair count (one conversion across the
//! language boundary instead of one per name and value); the `*_packed`
//! entry points below take that form, so no binding splits or converts
//! headers itself.

use crate::error::{Error, Result};
use crate::replay::{Delivery, ReplayGuard};
use crate::scheme::Scheme;
use crate::sign::{SignOptions, sign};
use crate::verify::{Verified, Verifier};
use std::borrow::Cow;
use std::ffi::CStr;
use std::time::Duration;

impl Verifier {
    /// [`Verifier::verify_at`] of `count` packed header pairs, as of `now`
    /// (the system clock when `None`).
    ///
    /// ```
    /// use hooksig::{Scheme, SignOptions, Verifier, wire::sign_text};
    /// let headers = sign_text(&Scheme::Github, "secret", b"{}", &SignOptions::default())?;
    /// let packed: String = headers.iter().map(|(n, v)| format!("{n}\0{v}\0")).collect();
    /// let verifier = Verifier::new(Scheme::Github, &["secret"])?;
    /// assert_eq!(verifier.verify_packed(&packed, headers.len(), b"{}", None)?.key_index, 0);
    /// # Ok::<(), hooksig::Error>(())
    /// ```
    pub fn verify_packed(
        &self,
        packed: &str,
        count: usize,
        body: &[u8],
        now: Option<i64>,
    ) -> Result<Verified> {
        let bytes = packed_header_bytes(packed);
        let pairs = split_packed_headers(&bytes, count)?;
        self.verify_at(&pairs, body, now.unwrap_or_else(crate::unix_now))
    }

    /// [`Verifier::verify_once_at`] of `count` packed header pairs: verifies,
    /// then claims the delivery in `guard`.
    pub fn verify_packed_once(
        &self,
        guard: &ReplayGuard,
        packed: &str,
        count: usize,
        body: &[u8],
        now: Option<i64>,
    ) -> Result<Delivery> {
        let bytes = packed_header_bytes(packed);
        let pairs = split_packed_headers(&bytes, count)?;
        self.verify_once_at(guard, &pairs, body, now.unwrap_or_else(crate::unix_now))
    }

    /// [`Verifier::verify_keyed_at`] of `count` packed header pairs: verifies
    /// and names the store key and TTL, for a store outside Rust to claim.
    pub fn verify_packed_keyed(
        &self,
        packed: &str,
        count: usize,
        body: &[u8],
        now: Option<i64>,
        retention: Duration,
    ) -> Result<Delivery> {
        let bytes = packed_header_bytes(packed);
        let pairs = split_packed_headers(&bytes, count)?;
        self.verify_keyed_at(&pairs, body, now.unwrap_or_else(crate::unix_now), retention)
    }

    /// [`Verifier::diagnose_at`] of `count` packed header pairs; an error only
    /// when the packing itself is malformed.
    pub fn diagnose_packed(
        &self,
        packed: &str,
        count: usize,
        body: &[u8],
        now: Option<i64>,
    ) -> Result<Option<String>> {
        let bytes = packed_header_bytes(packed);
        let pairs = split_packed_headers(&bytes, count)?;
        Ok(self.diagnose_at(&pairs, body, now.unwrap_or_else(crate::unix_now)))
    }
}

/// [`events::event_types`](crate::events::event_types) of `count` packed header pairs.
#[cfg(feature = "json")]
pub fn event_types_packed(
    scheme: &Scheme,
    packed: &str,
    count: usize,
    body: &[u8],
) -> Result<Vec<String>> {
    let bytes = packed_header_bytes(packed);
    let pairs = split_packed_headers(&bytes, count)?;
    crate::events::event_types(scheme, &pairs, body)
}

/// [`sign`] with each header value as the text an HTTP stack shows for its
/// bytes ([`header_text`]), ready to be set on a request in a text language.
pub fn sign_text(
    scheme: &Scheme,
    secret: &str,
    body: &[u8],
    options: &SignOptions,
) -> Result<Vec<(String, String)>> {
    let mut headers = sign(scheme, secret, body, options)?;
    for (_, value) in &mut headers {
        if let Cow::Owned(text) = header_text(value.as_bytes()) {
            *value = text;
        }
    }
    Ok(headers)
}

/// The bytes a header's text stands for.
///
/// ```
/// use hooksig::wire::header_bytes;
/// assert_eq!(&*header_bytes("msg_1"), b"msg_1");
/// assert_eq!(&*header_bytes("caf\u{e9}"), b"caf\xe9"); // as Node or WSGI decoded the byte 0xE9
/// assert_eq!(&*header_bytes("\u{10d}"), "\u{10d}".as_bytes()); // beyond Latin-1: UTF-8
/// ```
pub fn header_bytes(text: &str) -> Cow<'_, [u8]> {
    if text.is_ascii() {
        return Cow::Borrowed(text.as_bytes());
    }
    let latin1: Option<Vec<u8>> = text.chars().map(|c| u8::try_from(c).ok()).collect();
    match latin1 {
        Some(bytes) => Cow::Owned(bytes),
        None => Cow::Borrowed(text.as_bytes()),
    }
}

/// [`header_bytes`] of every field of `name\0value\0...` text (see
/// [`split_packed_headers`]), each on its own, as if the headers had been
/// given one by one.
///
/// ```
/// use hooksig::wire::packed_header_bytes;
/// assert_eq!(&*packed_header_bytes("id\0caf\u{e9}\0x\0\u{10d}\0"), b"id\0caf\xe9\0x\0\xc4\x8d\0");
/// ```
pub fn packed_header_bytes(packed: &str) -> Cow<'_, [u8]> {
    if packed.is_ascii() {
        return Cow::Borrowed(packed.as_bytes());
    }
    let mut bytes = Vec::with_capacity(packed.len());
    for (i, field) in packed.split('\0').enumerate() {
        if i > 0 {
            bytes.push(0);
        }
        bytes.extend_from_slice(&header_bytes(field));
    }
    Cow::Owned(bytes)
}

/// The text an HTTP stack would show for header bytes: each byte one character.
///
/// ```
/// use hooksig::wire::{header_bytes, header_text};
/// let signed = "caf\u{e9}".as_bytes(); // an id signed as UTF-8
/// let text = header_text(signed);
/// assert_eq!(text, "caf\u{c3}\u{a9}"); // what Node would show after an HTTP hop
/// assert_eq!(&*header_bytes(&text), signed); // and verifies back to the signed bytes
/// ```
pub fn header_text(bytes: &[u8]) -> Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(text) if text.is_ascii() => Cow::Borrowed(text),
        _ => Cow::Owned(bytes.iter().map(|&b| char::from(b)).collect()),
    }
}

/// Splits `name\0value\0...` bytes into `count` header pairs: the one-string
/// form in which the JS bindings pass headers across (one conversion instead of
/// one per name and value). The last value's NUL may be left off.
///
/// The count guards against a NUL inside a name or value shifting every later
/// pair (a header smuggled in as part of another one's value).
///
/// ```
/// let pairs = hooksig::wire::split_packed_headers(b"a\0one\0b\0two\0", 2).unwrap();
/// assert_eq!(pairs, [(&b"a"[..], &b"one"[..]), (b"b", b"two")]);
/// let smuggled = hooksig::wire::split_packed_headers(b"a\0one\0x\0b\0two\0", 2);
/// assert_eq!(smuggled.unwrap_err().code(), "malformed_header");
/// ```
pub fn split_packed_headers(packed: &[u8], count: usize) -> Result<Vec<(&[u8], &[u8])>> {
    let smuggled =
        || Error::malformed("headers", "a header name or value contains a NUL character");
    let mut rest = packed;
    let mut next_field = || -> Option<&[u8]> {
        if rest.is_empty() {
            return None;
        }
        // `CStr` finds the NUL with core's word-at-a-time memchr, several
        // times faster than a byte loop on a 44-character signature.
        let end = CStr::from_bytes_until_nul(rest).map_or(rest.len(), |field| field.count_bytes());
        let field = &rest[..end];
        rest = rest.get(end + 1..).unwrap_or_default();
        Some(field)
    };
    let mut pairs = Vec::with_capacity(count.min(packed.len()));
    for _ in 0..count {
        match (next_field(), next_field()) {
            (Some(name), Some(value)) => pairs.push((name, value)),
            _ => return Err(smuggled()),
        }
    }
    if next_field().is_some() {
        return Err(smuggled());
    }
    Ok(pairs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_byte_string_round_trips_through_text() {
        let all: Vec<u8> = (0..=255).collect();
        assert_eq!(&*header_bytes(&header_text(&all)), &all[..]);
    }

    #[test]
    fn packed_headers_split_by_count() {
        let pairs = split_packed_headers(b"A\0one\0b\0\0C\0three\0", 3).unwrap();
        assert_eq!(
            pairs,
            [(&b"A"[..], &b"one"[..]), (b"b", b""), (b"C", b"three")]
        );
        assert!(split_packed_headers(b"", 0).unwrap().is_empty());
        assert!(split_packed_headers(b"a\0one\0", 2).is_err());
        assert!(split_packed_headers(b"a\0one\0x\0b\0two\0", 2).is_err());
        // The final NUL is optional; a value cut off entirely is not.
        assert_eq!(
            split_packed_headers(b"a\0one", 1).unwrap(),
            [(&b"a"[..], &b"one"[..])]
        );
        assert!(split_packed_headers(b"a\0", 1).is_err());
    }

    #[test]
    fn fields_convert_on_their_own() {
        // One field beyond Latin-1 does not turn the others into UTF-8.
        let packed = "a\0\u{e9}\0b\0\u{10d}";
        assert_eq!(&*packed_header_bytes(packed), b"a\0\xe9\0b\0\xc4\x8d");
        assert!(matches!(packed_header_bytes("a\0b\0"), Cow::Borrowed(_)));
    }
}
