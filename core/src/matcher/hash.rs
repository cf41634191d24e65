//! The hashing of event-type segments: per-matcher seeds, one multiply per
//! segment of up to 16 bytes, words read once, and the bit filters that
//! answer most empty probes.

use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;

/// The per-matcher keys of the hash, drawn from std's `RandomState`. The
/// function itself is a folded 64×64→128-bit multiply (as in wyhash and
/// foldhash): a few cycles per 8 bytes, where SipHash would cost more than
/// the whole lookup. Collision resistance matters little here, since the keys
/// come from the application's own configuration and lookups only read; the
/// random seed still keeps anyone from precomputing patterns that collide.
#[derive(Clone, Copy)]
pub(super) struct Seeds {
    pub(super) forward: u64,
    pub(super) backward: u64,
    pub(super) literal: u64,
    pub(super) pair: u64,
}

impl Seeds {
    pub(super) fn new() -> Seeds {
        let state = RandomState::new();
        Seeds {
            forward: state.hash_one(1u8),
            backward: state.hash_one(2u8),
            literal: state.hash_one(3u8),
            pair: state.hash_one(4u8),
        }
    }

    pub(super) fn literal(self, forward: u64) -> u64 {
        mix(forward, self.literal)
    }

    pub(super) fn pair(self, forward: u64, backward: u64) -> u64 {
        mix(forward ^ self.pair, backward)
    }

    /// The forward hash of the segments of a dotted key, in order.
    pub(super) fn forward<'a>(self, segments: impl Iterator<Item = &'a [u8]>) -> u64 {
        segments.fold(self.forward, |h, s| mix(h, segment_hash(s)))
    }

    /// The backward hash of segments given from the last to the first.
    pub(super) fn backward<'a>(self, segments: impl Iterator<Item = &'a [u8]>) -> u64 {
        segments.fold(self.backward, |h, s| mix(h, segment_hash(s)))
    }
}

pub(super) fn mix(a: u64, b: u64) -> u64 {
    let product = u128::from(a ^ 0x243f_6a88_85a3_08d3) * u128::from(b ^ 0x1319_8a2e_0370_7344);
    (product as u64) ^ ((product >> 64) as u64)
}

/// The hash of `text[start..end]`, a function of those bytes only (so a
/// pattern's segment, hashed on its own, gets the same value). Reads whole
/// little-endian words, zero-padded past the segment, without a branch on
/// the length for the segments of up to 16 bytes that make up event types.
fn segment_hash_in(text: &[u8], start: usize, end: usize) -> u64 {
    let len = end.saturating_sub(start);
    let h = len as u64;
    if len <= 16 {
        // One multiply: the length lands in the top byte of `high`, which
        // holds at most 7 bytes of text below 16 bytes (and a collision only
        // costs a key comparison).
        let low = word_in(text, start, end);
        let high = word_in(text, start + 8, end);
        return hash_words(len, low, high);
    }
    let mut h = h;
    let mut at = start;
    while at + 8 < end {
        h = mix(h, word64(text, at));
        at += 8;
    }
    // The last 8 bytes, overlapping the previous word.
    mix(h, word64(text, end - 8))
}

/// The hash of a segment of `len` (at most 16) bytes, given as two
/// zero-padded words. One multiply: the length lands in the top byte of
/// `high`, which holds at most 7 bytes of text below 16 bytes (and a
/// collision only costs a key comparison).
fn hash_words(len: usize, low: u64, high: u64) -> u64 {
    mix(low, high ^ (len as u64) << 56)
}

/// The end of the segment of `text` that starts at `start` (the next dot or
/// the end of `text`) and its hash, reading each word once: the words that
/// find the dot are the words that get hashed.
pub(super) fn next_segment(text: &[u8], start: usize) -> (usize, u64) {
    let n = text.len();
    let low = word_in(text, start, n);
    if let Some(at) = first_dot(low) {
        let len = at;
        return (start + len, hash_words(len, low & low_bytes(len), 0));
    }
    if start + 8 >= n {
        return (n, hash_words(n - start.min(n), low, 0));
    }
    let high = word_in(text, start + 8, n);
    if let Some(at) = first_dot(high) {
        let len = 8 + at;
        return (start + len, hash_words(len, low, high & low_bytes(at)));
    }
    if start + 16 >= n {
        return (n, hash_words(n - start, low, high));
    }
    let end = next_dot(text, start + 16);
    (end, segment_hash_in(text, start, end))
}

/// A mask of the `len` (at most 8) low bytes of a word.
fn low_bytes(len: usize) -> u64 {
    if len >= 8 {
        u64::MAX
    } else {
        (1u64 << (8 * len)) - 1
    }
}

/// The index of the first `.` byte of a little-endian word.
fn first_dot(word: u64) -> Option<usize> {
    const DOTS: u64 = 0x2e2e_2e2e_2e2e_2e2e;
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let x = word ^ DOTS;
    // The lowest flagged byte is the first zero byte of x, exactly.
    let zero = x.wrapping_sub(ONES) & !x & HIGHS;
    (zero != 0).then_some((zero.trailing_zeros() / 8) as usize)
}

fn segment_hash(segment: &[u8]) -> u64 {
    segment_hash_in(segment, 0, segment.len())
}

/// The bytes `text[at..end]` (at most 8 of them; none when `at >= end`) as
/// a little-endian word padded with zeros.
fn word_in(text: &[u8], at: usize, end: usize) -> u64 {
    let len = end.saturating_sub(at).min(8);
    if len == 0 {
        return 0;
    }
    let mask = low_bytes(len);
    if let Some(w) = text.get(at..at + 8) {
        return word64(w, 0) & mask;
    }
    // Near the end of the text: the word that ends with it, shifted down.
    match text.len().checked_sub(8) {
        // at < end <= text.len(), so the shift is below 64.
        Some(last) if at >= last => (word64(text, last) >> (8 * (at - last))) & mask,
        _ => text
            .get(at..end.min(at + 8))
            .unwrap_or_default()
            .iter()
            .rev()
            .fold(0, |w, &b| w << 8 | u64::from(b)),
    }
}

/// The position of the first `.` of `text` at or after `at`, or the length
/// of `text`: a word at a time.
fn next_dot(text: &[u8], mut at: usize) -> usize {
    let n = text.len();
    while at < n {
        // Bytes past the end read as 0, never a dot.
        if let Some(dot) = first_dot(word_in(text, at, n)) {
            return (at + dot).min(n);
        }
        at += 8;
    }
    n
}

fn word64(bytes: &[u8], at: usize) -> u64 {
    bytes
        .get(at..at + 8)
        .and_then(|w| w.try_into().ok())
        .map_or(0, u64::from_le_bytes)
}

/// Slice equality without a call to `memcmp`, which costs more than the
/// comparison itself for keys of a few words.
pub(super) fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let len = a.len();
    if len < 8 {
        return a.iter().zip(b).all(|(x, y)| x == y);
    }
    let mut at = 0;
    while at + 8 < len {
        if word64(a, at) != word64(b, at) {
            return false;
        }
        at += 8;
    }
    word64(a, len - 8) == word64(b, len - 8)
}

/// Bit `hash >> 32` (modulo the length in bits, a power of two) of `bits`.
pub(super) fn bit_set(bits: &[u64], hash: u64) -> bool {
    let bit = (hash >> 32) as usize & (bits.len() * 64).wrapping_sub(1);
    bits.get(bit / 64)
        .is_some_and(|w| w & (1 << (bit % 64)) != 0)
}

pub(super) fn set_bit(bits: &mut [u64], hash: u64) {
    let bit = (hash >> 32) as usize & (bits.len() * 64).wrapping_sub(1);
    if let Some(w) = bits.get_mut(bit / 64) {
        *w |= 1 << (bit % 64);
    }
}
