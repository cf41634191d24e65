//! Header text in the languages whose HTTP stacks hand headers over as text.
//!
//! HTTP header values are bytes. Node's `http`, Fetch `Headers`, WSGI/ASGI
//! (PEP 3333) and Java servlets all turn them into text one byte per
//! character (ISO-8859-1), so that text maps back to the exact bytes that were
//! signed. Every text binding converts with these two functions, so a header
//! means the same bytes in every language:
//!
//! - in: Latin-1 when every character fits in one byte, otherwise (text a
//!   program built itself, such as `"é"` from a UTF-8 source file that no
//!   server could have produced) UTF-8;
//! - out (header values `sign` produces): each byte as one character, which
//!   an HTTP client writes back as that same byte.
//!
//! Signatures, timestamps and ids are ASCII in practice, where all of this is
//! the identity and costs one ASCII check.

use std::borrow::Cow;

/// The bytes a header's text stands for.
///
/// ```
/// use hooksig::wire_bytes;
/// assert_eq!(&*wire_bytes("msg_1"), b"msg_1");
/// assert_eq!(&*wire_bytes("caf\u{e9}"), b"caf\xe9"); // as Node or WSGI decoded the byte 0xE9
/// assert_eq!(&*wire_bytes("\u{10d}"), "\u{10d}".as_bytes()); // beyond Latin-1: UTF-8
/// ```
pub fn wire_bytes(text: &str) -> Cow<'_, [u8]> {
    if text.is_ascii() {
        return Cow::Borrowed(text.as_bytes());
    }
    let latin1: Option<Vec<u8>> = text.chars().map(|c| u8::try_from(c).ok()).collect();
    match latin1 {
        Some(bytes) => Cow::Owned(bytes),
        None => Cow::Borrowed(text.as_bytes()),
    }
}

/// [`wire_bytes`] of every field of `name\0value\0...` text (see
/// [`split_packed_headers`](crate::split_packed_headers)), each on its own, as
/// if the headers had been given one by one.
///
/// ```
/// use hooksig::packed_wire_bytes;
/// assert_eq!(&*packed_wire_bytes("id\0caf\u{e9}\0x\0\u{10d}\0"), b"id\0caf\xe9\0x\0\xc4\x8d\0");
/// ```
pub fn packed_wire_bytes(packed: &str) -> Cow<'_, [u8]> {
    if packed.is_ascii() {
        return Cow::Borrowed(packed.as_bytes());
    }
    let mut bytes = Vec::with_capacity(packed.len());
    for (i, field) in packed.split('\0').enumerate() {
        if i > 0 {
            bytes.push(0);
        }
        bytes.extend_from_slice(&wire_bytes(field));
    }
    Cow::Owned(bytes)
}

/// The text an HTTP stack would show for header bytes: each byte one character.
///
/// ```
/// use hooksig::{wire_bytes, wire_text};
/// let signed = "caf\u{e9}".as_bytes(); // an id signed as UTF-8
/// let text = wire_text(signed);
/// assert_eq!(text, "caf\u{c3}\u{a9}"); // what Node would show after an HTTP hop
/// assert_eq!(&*wire_bytes(&text), signed); // and verifies back to the signed bytes
/// ```
pub fn wire_text(bytes: &[u8]) -> Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(text) if text.is_ascii() => Cow::Borrowed(text),
        _ => Cow::Owned(bytes.iter().map(|&b| char::from(b)).collect()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_byte_string_round_trips_through_text() {
        let all: Vec<u8> = (0..=255).collect();
        assert_eq!(&*wire_bytes(&wire_text(&all)), &all[..]);
    }

    #[test]
    fn fields_convert_on_their_own() {
        // One field beyond Latin-1 does not turn the others into UTF-8.
        let packed = "a\0\u{e9}\0b\0\u{10d}";
        assert_eq!(&*packed_wire_bytes(packed), b"a\0\xe9\0b\0\xc4\x8d");
        assert!(matches!(packed_wire_bytes("a\0b\0"), Cow::Borrowed(_)));
    }
}
