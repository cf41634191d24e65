//! Event-type patterns compiled once for routing.
//!
//! Event types are dot-separated segments of `[a-z0-9_-]`
//! (`connection.synced.errored.repairable`, `debt-account.create`). A
//! pattern is one of:
//!
//! - `*` alone, which matches every event;
//! - a glob, whose `*` matches any run of characters, dots included
//!   (Atelio/Bond's `card*` matches `card.created` and `cardholder.x`;
//!   `card.*` is the boundary-safe form; `kyc.*.success` works);
//! - an exact type, which with scope semantics (Quiltt's parent types) also
//!   matches every type below it on a segment boundary: `connection` matches
//!   `connection.synced.successful` but never `connections.x`.
//!
//! Lookup cost depends on the number of dots in the event type, not on the
//! number of patterns. Every pattern is filed under whole-segment keys in one
//! open-addressed hash table: an exact or parent type under itself, a glob
//! `P*...*S` under the pair (the part of `P` up to its last dot, the part of
//! `S` from its first dot). A lookup hashes each segment of the type once and
//! probes the table with each segment-boundary prefix (exact and parent
//! types) and each non-overlapping pair of a boundary prefix and a boundary
//! suffix (globs): for `a.b.c`, at most 3 prefixes and 6 pairs, however many
//! patterns there are. Bit filters in front of the table (a few kilobytes,
//! which stay in cache) answer most empty probes and skip the pairs whose
//! ends no glob has, so most lookups touch the table once per match. (Globs
//! filed under the same pair, like `card*` and `cart*`, or `*.a.*` and
//! `*.b.*`, are then checked one by one.)

use std::collections::hash_map::RandomState;
use std::fmt;
use std::hash::BuildHasher;

use crate::catalog::Catalog;
use crate::error::{Error, Result};
use crate::text::position_of;

/// A compiled list of event-type patterns.
///
/// Immutable after construction, `Send + Sync`, cheap to share.
///
/// ```
/// use hooksig::EventMatcher;
///
/// let m = EventMatcher::new(&["connection", "card*", "kyc.*.success"], true)?;
/// assert!(m.matches("connection.synced.successful"));
/// assert!(!m.matches("connections.synced"));
/// assert_eq!(m.matching("card.status.active"), vec![1]);
/// assert_eq!(m.matching("kyc.verification.success"), vec![2]);
/// # Ok::<(), hooksig::Error>(())
/// ```
#[derive(Clone)]
pub struct EventMatcher {
    patterns: Vec<String>,
    scope: bool,
    index: Index,
}

impl EventMatcher {
    /// Compiles `patterns`; `scope` gives patterns without `*` Quiltt's
    /// parent-type semantics (they also match every type below them).
    ///
    /// # Errors
    /// [`Error::InvalidPattern`] for the first pattern that is empty, has an
    /// empty segment, a character outside `[a-z0-9_*.-]`, or `**`.
    pub fn new<S: AsRef<str>>(patterns: &[S], scope: bool) -> Result<EventMatcher> {
        let mut index = IndexBuilder::default();
        let mut total_len = 0usize;
        for (id, pattern) in patterns.iter().enumerate() {
            let pattern = pattern.as_ref();
            validate_pattern(pattern)?;
            total_len = total_len.saturating_add(pattern.len());
            // The compiled table addresses its bytes with 32-bit offsets.
            let id = u32::try_from(id)
                .ok()
                .filter(|_| total_len <= MAX_TOTAL_LEN)
                .ok_or_else(|| Error::InvalidPattern {
                    pattern: pattern.chars().take(40).collect(),
                    reason: "the patterns add up to more than 128 MiB".into(),
                })?;
            index.insert(pattern.as_bytes(), id);
        }
        Ok(EventMatcher {
            patterns: patterns.iter().map(|p| p.as_ref().to_owned()).collect(),
            scope,
            index: index.build(),
        })
    }

    /// True when at least one pattern matches `event_type`.
    pub fn matches(&self, event_type: &str) -> bool {
        let mut found = false;
        self.visit(event_type, &mut |_| {
            found = true;
            false
        });
        found
    }

    /// The indexes (ascending) of every pattern that matches `event_type`,
    /// for routing one event to several handlers.
    pub fn matching(&self, event_type: &str) -> Vec<usize> {
        let mut out = Vec::new();
        self.matching_into(event_type, &mut out);
        out
    }

    /// [`matching`](Self::matching) into a buffer the caller reuses, so a
    /// router's hot loop allocates nothing; `out` is cleared first.
    ///
    /// ```
    /// let m = hooksig::EventMatcher::new(&["kyc.*", "*.success"], false)?;
    /// let mut routes = Vec::new();
    /// m.matching_into("kyc.verification.success", &mut routes);
    /// assert_eq!(routes, [0, 1]);
    /// # Ok::<(), hooksig::Error>(())
    /// ```
    pub fn matching_into(&self, event_type: &str, out: &mut Vec<usize>) {
        out.clear();
        self.visit(event_type, &mut |index| {
            out.push(index as usize);
            true
        });
        // Equal indexes are indistinguishable: the unstable sort serves.
        out.sort_unstable();
    }

    /// The patterns, in the order given.
    pub fn patterns(&self) -> &[String] {
        &self.patterns
    }

    /// Whether patterns without `*` also match the types below them.
    pub fn scope(&self) -> bool {
        self.scope
    }

    /// The patterns that match no type of `catalog`, each with the nearest
    /// known type (or parent type, with scope semantics) when one is close.
    ///
    /// ```
    /// use hooksig::{Catalog, EventMatcher};
    ///
    /// let m = EventMatcher::new(&["profile", "connection.synced.sucessful"], true)?;
    /// let unknown = m.unknown_patterns(&Catalog::QUILTT);
    /// assert_eq!(unknown.len(), 1);
    /// assert_eq!(unknown[0].index, 1);
    /// assert_eq!(unknown[0].suggestion.as_deref(), Some("connection.synced.successful"));
    /// # Ok::<(), hooksig::Error>(())
    /// ```
    pub fn unknown_patterns(&self, catalog: &Catalog) -> Vec<UnknownPattern> {
        let mut used = vec![false; self.patterns.len()];
        for event_type in catalog.types() {
            self.visit(event_type, &mut |index| {
                if let Some(slot) = used.get_mut(index as usize) {
                    *slot = true;
                }
                true
            });
        }
        self.patterns
            .iter()
            .zip(used)
            .enumerate()
            .filter(|(_, (_, used))| !used)
            .map(|(index, (pattern, _))| UnknownPattern {
                index,
                pattern: pattern.clone(),
                suggestion: if pattern.contains('*') {
                    None
                } else {
                    catalog.suggest(pattern, self.scope).map(str::to_owned)
                },
            })
            .collect()
    }

    /// Calls `found` with the index of each matching pattern (in no
    /// particular order) until it returns false.
    fn visit(&self, event_type: &str, found: &mut dyn FnMut(u32) -> bool) {
        self.index.visit(event_type.as_bytes(), self.scope, found);
    }
}

impl fmt::Debug for EventMatcher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventMatcher")
            .field("patterns", &self.patterns)
            .field("scope", &self.scope)
            .finish_non_exhaustive()
    }
}

/// A pattern that matches no known event type of a catalogue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownPattern {
    /// Index of the pattern in the list given to [`EventMatcher::new`].
    pub index: usize,
    /// The pattern itself.
    pub pattern: String,
    /// The nearest known type when the pattern looks like a typo of one.
    pub suggestion: Option<String>,
}

impl fmt::Display for UnknownPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "pattern \"{}\" matches no known event type",
            self.pattern
        )?;
        match &self.suggestion {
            Some(s) => write!(f, "; did you mean \"{s}\"?"),
            None => Ok(()),
        }
    }
}

/// Checks one pattern without compiling a matcher.
///
/// ```
/// assert!(hooksig::validate_pattern("kyc.*.success").is_ok());
/// let err = hooksig::validate_pattern("card..created").unwrap_err();
/// assert_eq!(err.code(), "invalid_pattern");
/// ```
///
/// # Errors
/// [`Error::InvalidPattern`] saying what is wrong.
pub fn validate_pattern(pattern: &str) -> Result<()> {
    let invalid = |reason: String| Error::InvalidPattern {
        pattern: pattern.to_owned(),
        reason,
    };
    if pattern.is_empty() {
        return Err(invalid("the pattern is empty".into()));
    }
    if let Some((at, c)) = pattern
        .char_indices()
        .find(|&(_, c)| !matches!(c, 'a'..='z' | '0'..='9' | '_' | '-' | '.' | '*'))
    {
        let hint = if c.is_ascii_uppercase() {
            " (event types are lower case)"
        } else {
            ""
        };
        return Err(invalid(format!(
            "character '{c}' at byte {at} is not allowed: event types use a-z, 0-9, '_', '-' \
             and '.', and patterns add '*'{hint}"
        )));
    }
    if position_of(pattern.as_bytes(), b"**").is_some() {
        return Err(invalid(
            "'**' is not needed: a single '*' already matches any run of characters, dots included"
                .into(),
        ));
    }
    if pattern.starts_with('.')
        || pattern.ends_with('.')
        || position_of(pattern.as_bytes(), b"..").is_some()
    {
        return Err(invalid(
            "empty segment: the pattern starts or ends with '.' or contains '..'".into(),
        ));
    }
    Ok(())
}

/// The compiled patterns: one hash table of whole-segment keys.
///
/// A literal pattern `L` is the key `L`: it matches a type equal to it or,
/// with scope semantics, one that starts with `L.`. A glob `P*M1*...*S` is
/// filed under the pair (`P` up to and including its last dot, `S` from its
/// first dot on), both possibly empty: a type it matches starts and ends with
/// them, on segment boundaries of the type, without overlap.
///
/// Each slot points into `arena`, where an entry is, for a literal,
/// `key | count: u32 | count × id: u32`, and for a glob pair,
/// `prefix | suffix length: u32 | suffix | count: u32 | count × glob`, a glob
/// being `id | prefix rest length | suffix rest length | middle count` (u32
/// each) `| prefix rest | suffix rest | middle count × (length: u32 | bytes)`,
/// all little-endian: a hit reads its slot and one run of bytes.
#[derive(Clone)]
struct Index {
    seeds: Seeds,
    /// Power-of-two length, at most half full, linear probing.
    slots: Vec<Slot>,
    /// One bit per `hash >> 32` modulo its length in bits, set for every key:
    /// a clear bit means the key is absent without touching `slots`.
    filter: Vec<u64>,
    /// The same for the forward hashes of glob prefixes and the backward
    /// hashes of glob suffixes, so that only pairs whose both ends exist are
    /// hashed and probed.
    glob_ends: Vec<u64>,
    arena: Vec<u8>,
}

#[derive(Clone, Copy)]
struct Slot {
    hash: u64,
    /// Offset of the entry in `arena`; `EMPTY` for a free slot.
    at: u32,
    /// Length of the key (of the prefix, for a glob pair).
    len: u32,
}

const EMPTY: u32 = u32::MAX;

/// The per-matcher keys of the hash, drawn from std's `RandomState`. The
/// function itself is a folded 64×64→128-bit multiply (as in wyhash and
/// foldhash): a few cycles per 8 bytes, where SipHash would cost more than
/// the whole lookup. Collision resistance matters little here, since the keys
/// come from the application's own configuration and lookups only read; the
/// random seed still keeps anyone from precomputing patterns that collide.
#[derive(Clone, Copy)]
struct Seeds {
    forward: u64,
    backward: u64,
    literal: u64,
    pair: u64,
}

impl Seeds {
    fn new() -> Seeds {
        let state = RandomState::new();
        Seeds {
            forward: state.hash_one(1u8),
            backward: state.hash_one(2u8),
            literal: state.hash_one(3u8),
            pair: state.hash_one(4u8),
        }
    }

    fn literal(self, forward: u64) -> u64 {
        mix(forward, self.literal)
    }

    fn pair(self, forward: u64, backward: u64) -> u64 {
        mix(forward ^ self.pair, backward)
    }

    /// The forward hash of the segments of a dotted key, in order.
    fn forward<'a>(self, segments: impl Iterator<Item = &'a [u8]>) -> u64 {
        segments.fold(self.forward, |h, s| mix(h, segment_hash(s)))
    }

    /// The backward hash of segments given from the last to the first.
    fn backward<'a>(self, segments: impl Iterator<Item = &'a [u8]>) -> u64 {
        segments.fold(self.backward, |h, s| mix(h, segment_hash(s)))
    }
}

fn mix(a: u64, b: u64) -> u64 {
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
fn next_segment(text: &[u8], start: usize) -> (usize, u64) {
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
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
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
fn bit_set(bits: &[u64], hash: u64) -> bool {
    let bit = (hash >> 32) as usize & (bits.len() * 64).wrapping_sub(1);
    bits.get(bit / 64)
        .is_some_and(|w| w & (1 << (bit % 64)) != 0)
}

fn set_bit(bits: &mut [u64], hash: u64) {
    let bit = (hash >> 32) as usize & (bits.len() * 64).wrapping_sub(1);
    if let Some(w) = bits.get_mut(bit / 64) {
        *w |= 1 << (bit % 64);
    }
}

/// Types with up to this many segments are looked up without allocating.
const INLINE_SEGMENTS: usize = 8;

/// A type's segment ends and segment-boundary hashes, from `hash_segments`.
struct Hashed<'b> {
    segments: usize,
    ends: &'b [u64],
    forward: &'b [u64],
    backward: &'b [u64],
}

impl Index {
    /// Calls `found` with the id of each matching pattern until it returns false.
    fn visit(&self, event_type: &[u8], scope: bool, found: &mut dyn FnMut(u32) -> bool) {
        let mut inline = [0u64; 3 * (INLINE_SEGMENTS + 1)];
        if let Some(hashed) = self.hash_segments(event_type, &mut inline) {
            self.probe(event_type, hashed, scope, found);
            return;
        }
        let segments = event_type.iter().filter(|&&b| b == b'.').count() + 1;
        let mut spilled = vec![0; 3 * (segments + 1)];
        if let Some(hashed) = self.hash_segments(event_type, &mut spilled) {
            self.probe(event_type, hashed, scope, found);
        }
    }

    /// Splits `buffer` (3 × (segments + 1) words, or more) into where each
    /// segment of `text` ends and the hashes of its first and its last k
    /// segments (k = 0..=segments); None when `buffer` is too short.
    fn hash_segments<'b>(&self, text: &[u8], buffer: &'b mut [u64]) -> Option<Hashed<'b>> {
        let slots = buffer.len() / 3;
        let (ends, hashes) = buffer.split_at_mut(slots);
        let (forward, backward) = hashes.split_at_mut(slots);
        // Each segment is hashed once; backward[i + 1] keeps segment i's hash
        // for the backward chain below.
        let mut h = self.seeds.forward;
        let mut start = 0;
        let mut segments = 0;
        loop {
            let (end, hash) = next_segment(text, start);
            *ends.get_mut(segments)? = end as u64;
            *backward.get_mut(segments + 1)? = hash;
            *forward.get_mut(segments)? = h;
            segments += 1;
            h = mix(h, hash);
            if end >= text.len() {
                break;
            }
            start = end + 1;
        }
        *forward.get_mut(segments)? = h;
        let backward = backward.get_mut(..=segments)?;
        // Now backward[k] is the hash of the k-th segment from the end, to
        // be chained into the hash of the last k segments.
        backward.get_mut(1..)?.reverse();
        let mut h = self.seeds.backward;
        *backward.first_mut()? = h;
        for slot in backward.iter_mut().skip(1) {
            h = mix(h, *slot);
            *slot = h;
        }
        Some(Hashed {
            segments,
            ends,
            forward,
            backward,
        })
    }

    fn probe(
        &self,
        event_type: &[u8],
        hashed: Hashed<'_>,
        scope: bool,
        found: &mut dyn FnMut(u32) -> bool,
    ) {
        let n = event_type.len();
        let Hashed {
            segments,
            ends,
            forward,
            backward,
        } = hashed;
        let end = |i: usize| ends.get(i).map_or(n, |&e| e as usize);

        // Exact type, then (scope) its parents.
        let first_prefix = if scope { 0 } else { segments - 1 };
        for i in first_prefix..segments {
            let Some(&f) = forward.get(i + 1) else {
                continue;
            };
            // Literals are never empty; an empty key could only meet a glob entry.
            let key = event_type.get(..end(i)).unwrap_or_default();
            if key.is_empty() {
                continue;
            }
            if let Some(at) = self.find(self.seeds.literal(f), key, |_| true) {
                if !self.literal_ids(at, found) {
                    return;
                }
            }
        }

        // Globs: p leading and q trailing segments, not sharing a dot, each
        // the end of some glob (so most types probe one or two pairs). The
        // candidate q are listed once, so a type of many segments costs
        // O(segments + candidate pairs), not O(segments²).
        let mut suffixes = 0u64;
        let mut long_suffixes = Vec::new();
        for (q, &b) in backward.iter().take(segments).enumerate() {
            if bit_set(&self.glob_ends, b) {
                match q < 64 {
                    true => suffixes |= 1 << q,
                    false => long_suffixes.push(q),
                }
            }
        }
        if suffixes == 0 && long_suffixes.is_empty() {
            return;
        }
        let set_bits =
            std::iter::successors(Some(suffixes), |bits| Some(bits & bits.wrapping_sub(1)))
                .take_while(|&bits| bits != 0)
                .map(|bits| bits.trailing_zeros() as usize);
        let candidates = set_bits.chain(long_suffixes.iter().copied());
        for p in 0..segments {
            let prefix_end = if p == 0 { 0 } else { end(p - 1) + 1 };
            let Some(&f) = forward.get(p) else {
                continue;
            };
            if !bit_set(&self.glob_ends, f) {
                continue;
            }
            for q in candidates.clone().take_while(|&q| q < segments - p) {
                let suffix_start = if q == 0 { n } else { end(segments - 1 - q) };
                let Some(&b) = backward.get(q) else {
                    continue;
                };
                let (Some(prefix), Some(suffix)) =
                    (event_type.get(..prefix_end), event_type.get(suffix_start..))
                else {
                    continue;
                };
                let entry = self.find(self.seeds.pair(f, b), prefix, |rest| {
                    self.u32_at(rest).map(|len| len as usize) == Some(suffix.len())
                        && self
                            .bytes(rest + 4, suffix.len())
                            .is_some_and(|s| same_bytes(s, suffix))
                });
                if let Some(at) = entry {
                    let globs = at + 4 + suffix.len();
                    let middle = event_type.get(prefix_end..suffix_start);
                    if !self.glob_ids(globs, middle.unwrap_or_default(), found) {
                        return;
                    }
                }
            }
        }
    }

    /// The arena offset just past the key of the entry filed under `hash`
    /// whose key is `key` and whose remaining bytes satisfy `rest_fits`.
    fn find(&self, hash: u64, key: &[u8], rest_fits: impl Fn(usize) -> bool) -> Option<usize> {
        if !bit_set(&self.filter, hash) {
            return None;
        }
        let mask = self.slots.len().wrapping_sub(1);
        let mut i = hash as usize & mask;
        loop {
            let slot = self.slots.get(i)?;
            if slot.at == EMPTY {
                return None;
            }
            if slot.hash == hash && slot.len as usize == key.len() {
                let at = slot.at as usize;
                if self
                    .bytes(at, key.len())
                    .is_some_and(|k| same_bytes(k, key))
                    && rest_fits(at + key.len())
                {
                    return Some(at + key.len());
                }
            }
            i = (i + 1) & mask;
        }
    }

    fn literal_ids(&self, at: usize, found: &mut dyn FnMut(u32) -> bool) -> bool {
        let count = self.u32_at(at).unwrap_or(0) as usize;
        for k in 0..count {
            match self.u32_at(at + 4 + 4 * k) {
                Some(id) if !found(id) => return false,
                _ => {}
            }
        }
        true
    }

    /// Checks each glob of a pair's list against the part of the type
    /// between the pair's prefix and suffix.
    fn glob_ids(&self, mut at: usize, middle: &[u8], found: &mut dyn FnMut(u32) -> bool) -> bool {
        let count = self.u32_at(at).unwrap_or(0);
        at += 4;
        for _ in 0..count {
            let (Some(id), Some(head), Some(tail), Some(pieces)) = (
                self.u32_at(at),
                self.u32_at(at + 4),
                self.u32_at(at + 8),
                self.u32_at(at + 12),
            ) else {
                return true;
            };
            let (head, tail) = (head as usize, tail as usize);
            at += 16;
            let fits = self.bytes(at, head).is_some_and(|h| middle.starts_with(h))
                && self
                    .bytes(at + head, tail)
                    .is_some_and(|t| middle.len() >= head + tail && middle.ends_with(t));
            at += head + tail;
            let mut rest = middle.get(head..middle.len().saturating_sub(tail));
            for _ in 0..pieces {
                let len = self.u32_at(at).unwrap_or(0) as usize;
                let piece = self.bytes(at + 4, len).unwrap_or_default();
                at += 4 + len;
                rest = rest.and_then(|r| {
                    let found_at = position_of(r, piece)?;
                    r.get(found_at + piece.len()..)
                });
            }
            if fits && rest.is_some() && !found(id) {
                return false;
            }
        }
        true
    }

    fn u32_at(&self, at: usize) -> Option<u32> {
        let bytes: [u8; 4] = self.arena.get(at..at.checked_add(4)?)?.try_into().ok()?;
        Some(u32::from_le_bytes(bytes))
    }

    fn bytes(&self, at: usize, len: usize) -> Option<&[u8]> {
        self.arena.get(at..at.checked_add(len)?)
    }
}

/// A glob split at its segment-aligned ends: the bytes of its prefix after
/// the last dot, of its suffix before the first dot, and the pieces between
/// its first and last `*`.
type GlobRecord = (u32, Vec<u8>, Vec<u8>, Vec<Vec<u8>>);

/// A glob's (prefix, suffix), by which globs are grouped.
type GlobEnds = (Vec<u8>, Vec<u8>);

/// Patterns as `build` groups them: literals by their bytes, globs by their
/// (prefix, suffix) pair, each list in the order the patterns came.
#[derive(Default)]
struct IndexBuilder {
    literals: Vec<(Vec<u8>, u32)>,
    globs: Vec<(GlobEnds, GlobRecord)>,
}

/// `items` in runs of equal keys, sorted by key, in their given order within a run.
fn grouped<K: Ord, V>(mut items: Vec<(K, V)>) -> Vec<(K, Vec<V>)> {
    // Stable: values keep their order within a run.
    items.sort_by(|a, b| a.0.cmp(&b.0));
    let mut groups: Vec<(K, Vec<V>)> = Vec::new();
    for (key, value) in items {
        match groups.last_mut() {
            Some((last, values)) if *last == key => values.push(value),
            _ => groups.push((key, vec![value])),
        }
    }
    groups
}

impl IndexBuilder {
    fn insert(&mut self, pattern: &[u8], id: u32) {
        let mut pieces = pattern.split(|&b| b == b'*');
        let first = pieces.next().unwrap_or_default();
        let mut middles: Vec<Vec<u8>> = pieces.map(<[u8]>::to_vec).collect();
        let Some(last) = middles.pop() else {
            self.literals.push((pattern.to_vec(), id));
            return;
        };
        let cut = first.iter().rposition(|&b| b == b'.').map_or(0, |d| d + 1);
        let (prefix, head) = first.split_at(cut);
        let cut = last.iter().position(|&b| b == b'.').unwrap_or(last.len());
        let (tail, suffix) = last.split_at(cut);
        self.globs.push((
            (prefix.to_vec(), suffix.to_vec()),
            (id, head.to_vec(), tail.to_vec(), middles),
        ));
    }

    fn build(self) -> Index {
        let seeds = Seeds::new();
        let literals = grouped(self.literals);
        let pairs = grouped(self.globs);
        let entries = literals.len() + pairs.len();
        let slots_len = (2 * entries).next_power_of_two().max(8);
        let filter_bits = (16 * entries).next_power_of_two().max(512);
        let mut index = Index {
            seeds,
            slots: vec![
                Slot {
                    hash: 0,
                    at: EMPTY,
                    len: 0
                };
                slots_len
            ],
            filter: vec![0; filter_bits / 64],
            glob_ends: vec![0; (32 * pairs.len()).next_power_of_two().max(512) / 64],
            arena: Vec::new(),
        };
        let put_u32 = |arena: &mut Vec<u8>, value: usize| {
            arena.extend_from_slice(&(value as u32).to_le_bytes());
        };
        for (key, ids) in literals {
            let hash = seeds.literal(seeds.forward(key.split(|&b| b == b'.')));
            let at = index.arena.len();
            index.arena.extend_from_slice(&key);
            put_u32(&mut index.arena, ids.len());
            for id in ids {
                put_u32(&mut index.arena, id as usize);
            }
            index.insert(hash, at, key.len());
        }
        for ((prefix, suffix), globs) in pairs {
            let forward = match prefix.split_last() {
                Some((_, segments)) => seeds.forward(segments.split(|&b| b == b'.')),
                None => seeds.forward,
            };
            let backward = match suffix.split_first() {
                Some((_, segments)) => seeds.backward(segments.rsplit(|&b| b == b'.')),
                None => seeds.backward,
            };
            let at = index.arena.len();
            let arena = &mut index.arena;
            arena.extend_from_slice(&prefix);
            put_u32(arena, suffix.len());
            arena.extend_from_slice(&suffix);
            put_u32(arena, globs.len());
            for (id, head, tail, middles) in globs {
                put_u32(arena, id as usize);
                put_u32(arena, head.len());
                put_u32(arena, tail.len());
                put_u32(arena, middles.len());
                arena.extend_from_slice(&head);
                arena.extend_from_slice(&tail);
                for piece in middles {
                    put_u32(arena, piece.len());
                    arena.extend_from_slice(&piece);
                }
            }
            index.insert(seeds.pair(forward, backward), at, prefix.len());
            set_bit(&mut index.glob_ends, forward);
            set_bit(&mut index.glob_ends, backward);
        }
        index
    }
}

impl Index {
    fn insert(&mut self, hash: u64, at: usize, len: usize) {
        set_bit(&mut self.filter, hash);
        let mask = self.slots.len().wrapping_sub(1);
        let mut i = hash as usize & mask;
        // At most half full, so a free slot is always found.
        while let Some(slot) = self.slots.get_mut(i) {
            if slot.at == EMPTY {
                *slot = Slot {
                    hash,
                    at: at as u32,
                    len: len as u32,
                };
                return;
            }
            i = (i + 1) & mask;
        }
    }
}

/// The arena spends at most about 30 bytes per pattern byte (a one-byte
/// glob piece costs its byte and a 4-byte length; a pattern at most 28 bytes
/// of ids and counts), so this keeps every offset inside 32 bits.
const MAX_TOTAL_LEN: usize = 128 << 20;
