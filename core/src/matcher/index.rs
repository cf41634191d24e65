//! The compiled patterns and their lookup: one open-addressed table of
//! whole-segment keys over an arena of entries.

use super::hash::{Seeds, bit_set, mix, next_segment, same_bytes, set_bit};
use crate::text::position_of;

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
pub(super) struct Index {
    pub(super) seeds: Seeds,
    /// Power-of-two length, at most half full, linear probing.
    pub(super) slots: Vec<Slot>,
    /// One bit per `hash >> 32` modulo its length in bits, set for every key:
    /// a clear bit means the key is absent without touching `slots`.
    pub(super) filter: Vec<u64>,
    /// The same for the forward hashes of glob prefixes and the backward
    /// hashes of glob suffixes, so that only pairs whose both ends exist are
    /// hashed and probed.
    pub(super) glob_ends: Vec<u64>,
    pub(super) arena: Vec<u8>,
}

#[derive(Clone, Copy)]
pub(super) struct Slot {
    pub(super) hash: u64,
    /// Offset of the entry in `arena`; `EMPTY` for a free slot.
    pub(super) at: u32,
    /// Length of the key (of the prefix, for a glob pair).
    pub(super) len: u32,
}

pub(super) const EMPTY: u32 = u32::MAX;

/// Types with up to this many segments are looked up without allocating.
const INLINE_SEGMENTS: usize = 8;

/// A type's segment ends and segment-boundary hashes, from `hash_segments`.
struct Hashed<'b> {
    pub(super) segments: usize,
    pub(super) ends: &'b [u64],
    pub(super) forward: &'b [u64],
    pub(super) backward: &'b [u64],
}

impl Index {
    /// Calls `found` with the id of each matching pattern until it returns false.
    pub(super) fn visit(&self, event_type: &[u8], scope: bool, found: &mut dyn FnMut(u32) -> bool) {
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

impl Index {
    pub(super) fn insert(&mut self, hash: u64, at: usize, len: usize) {
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
