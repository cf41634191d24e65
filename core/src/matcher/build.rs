//! Grouping the patterns into the entries of an [`Index`].

use super::hash::{Seeds, set_bit};
use super::index::{EMPTY, Index, Slot};

/// A glob split at its segment-aligned ends: the bytes of its prefix after
/// the last dot, of its suffix before the first dot, and the pieces between
/// its first and last `*`.
pub(super) type GlobRecord = (u32, Vec<u8>, Vec<u8>, Vec<Vec<u8>>);

/// A glob's (prefix, suffix), by which globs are grouped.
pub(super) type GlobEnds = (Vec<u8>, Vec<u8>);

/// Patterns as `build` groups them: literals by their bytes, globs by their
/// (prefix, suffix) pair, each list in the order the patterns came.
#[derive(Default)]
pub(super) struct IndexBuilder {
    pub(super) literals: Vec<(Vec<u8>, u32)>,
    pub(super) globs: Vec<(GlobEnds, GlobRecord)>,
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
    pub(super) fn insert(&mut self, pattern: &[u8], id: u32) {
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

    pub(super) fn build(self) -> Index {
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
