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
//! Lookup cost depends on the length of the event type, not on the number of
//! patterns. Exact and parent-type patterns and the literal prefixes of globs
//! share one compressed trie, walked once along the type; the literal
//! suffixes of globs sit in a second trie walked backwards from the type's
//! end, and only the globs filed under a (prefix, suffix) pair that both fit
//! are looked at. (Globs that share both ends and differ only in their middle,
//! like `*.a.*` and `*.b.*`, are then checked one by one.)

use std::fmt;

use crate::catalog::Catalog;
use crate::error::{Error, Result};

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
            // The compiled tries address their bytes with 32-bit offsets.
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
        write!(f, "pattern {:?} matches no known event type", self.pattern)?;
        match &self.suggestion {
            Some(s) => write!(f, "; did you mean {s:?}?"),
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
            "character {c:?} at byte {at} is not allowed: event types use a-z, 0-9, '_', '-' \
             and '.', and patterns add '*'{hint}"
        )));
    }
    if pattern.contains("**") {
        return Err(invalid(
            "'**' is not needed: a single '*' already matches any run of characters, dots included"
                .into(),
        ));
    }
    if pattern.starts_with('.') || pattern.ends_with('.') || pattern.contains("..") {
        return Err(invalid(
            "empty segment: the pattern starts or ends with '.' or contains '..'".into(),
        ));
    }
    Ok(())
}

/// The compiled patterns. `forward` holds every literal pattern and every
/// glob's literal prefix (the text before its first `*`); `backward` every
/// glob's literal suffix (after its last `*`). A glob `P*M1*...*S` can only
/// match a type that starts with `P` and ends with `S`, so it is filed under
/// the pair of trie keys (P, S).
#[derive(Clone)]
struct Index {
    forward: Trie,
    backward: Trie,
    /// Per `forward` key `k`: `literal_ids[literal_start[k]..literal_start[k + 1]]`,
    /// the literal patterns equal to it.
    literal_start: Vec<u32>,
    literal_ids: Vec<u32>,
    /// Per `forward` key `k`: `ends[ends_start[k]..ends_start[k + 1]]`, the
    /// (suffix key, range of `globs`) pairs of globs with that prefix,
    /// sorted by suffix key.
    ends_start: Vec<u32>,
    ends: Vec<(u32, u32, u32)>,
    globs: Vec<Glob>,
}

#[derive(Clone)]
struct Glob {
    id: u32,
    /// The literal pieces between the first and the last `*`, in order.
    middles: Box<[Box<[u8]>]>,
}

impl Glob {
    /// Whether the middle pieces fit, in order and without overlap, into the
    /// part of the type between the prefix and the suffix. Placing each piece
    /// at its leftmost possible position is optimal because `*` takes any run.
    fn middles_fit(&self, mut rest: &[u8]) -> bool {
        for piece in &self.middles {
            match find(rest, piece) {
                Some(at) => rest = rest.get(at + piece.len()..).unwrap_or_default(),
                None => return false,
            }
        }
        true
    }
}

impl Index {
    /// Calls `found` with the id of each matching pattern until it returns false.
    fn visit(&self, event_type: &[u8], scope: bool, found: &mut dyn FnMut(u32) -> bool) {
        let n = event_type.len();
        let mut suffixes = SuffixKeys::default();
        self.forward
            .walk(event_type, Direction::Forward, |key, depth| {
                let exact = depth == n;
                if exact || (scope && event_type.get(depth) == Some(&b'.')) {
                    for &id in group(&self.literal_ids, &self.literal_start, key) {
                        if !found(id) {
                            return false;
                        }
                    }
                }
                let by_suffix = group(&self.ends, &self.ends_start, key);
                if by_suffix.is_empty() {
                    return true;
                }
                if !suffixes.walked {
                    suffixes.walked = true;
                    self.backward
                        .walk(event_type, Direction::Backward, |key, len| {
                            suffixes.push(key, len);
                            true
                        });
                }
                for (suffix_key, suffix_len) in suffixes.iter() {
                    if depth + suffix_len > n {
                        break;
                    }
                    let Ok(at) = by_suffix.binary_search_by_key(&suffix_key, |e| e.0) else {
                        continue;
                    };
                    let Some(&(_, start, end)) = by_suffix.get(at) else {
                        continue;
                    };
                    let middle = event_type.get(depth..n - suffix_len).unwrap_or_default();
                    for glob in self
                        .globs
                        .get(start as usize..end as usize)
                        .unwrap_or_default()
                    {
                        if glob.middles_fit(middle) && !found(glob.id) {
                            return false;
                        }
                    }
                }
                true
            });
    }
}

/// `items[starts[key]..starts[key + 1]]`: one key's slice of a flattened list.
fn group<'a, T>(items: &'a [T], starts: &[u32], key: u32) -> &'a [T] {
    let at = key as usize;
    match (starts.get(at), starts.get(at + 1)) {
        (Some(&lo), Some(&hi)) => items.get(lo as usize..hi as usize).unwrap_or_default(),
        _ => &[],
    }
}

/// The glob suffixes a type ends with, shortest first: walked at most once
/// per lookup, and only when a prefix with globs is met. Kept on the stack
/// unless a type ends with more than a handful of them.
#[derive(Default)]
struct SuffixKeys {
    walked: bool,
    len: usize,
    inline: [(u32, usize); 8],
    spilled: Vec<(u32, usize)>,
}

impl SuffixKeys {
    fn push(&mut self, key: u32, len: usize) {
        match self.inline.get_mut(self.len) {
            Some(slot) => {
                *slot = (key, len);
                self.len += 1;
            }
            None => self.spilled.push((key, len)),
        }
    }

    fn iter(&self) -> impl Iterator<Item = (u32, usize)> + '_ {
        self.inline
            .iter()
            .take(self.len)
            .chain(&self.spilled)
            .copied()
    }
}

#[derive(Default)]
struct IndexBuilder {
    forward: TrieBuilder,
    backward: TrieBuilder,
    literals: Vec<Vec<u32>>,
    globs: Vec<(u32, u32, Glob)>,
}

impl IndexBuilder {
    fn insert(&mut self, pattern: &[u8], id: u32) {
        let mut pieces = pattern.split(|&b| b == b'*');
        let first = pieces.next().unwrap_or_default();
        let prefix = self.forward.insert(first.iter());
        let mut middles: Vec<&[u8]> = pieces.collect();
        let Some(last) = middles.pop() else {
            // No `*`: a literal pattern.
            if self.literals.len() <= prefix as usize {
                self.literals.resize_with(prefix as usize + 1, Vec::new);
            }
            if let Some(ids) = self.literals.get_mut(prefix as usize) {
                ids.push(id);
            }
            return;
        };
        let suffix = self.backward.insert(last.iter().rev());
        let middles = middles.iter().map(|m| Box::from(*m)).collect();
        self.globs.push((prefix, suffix, Glob { id, middles }));
    }

    fn build(mut self) -> Index {
        let keys = self.forward.keys;
        self.literals.resize_with(keys as usize, Vec::new);
        // Stable: globs under the same ends keep pattern order.
        self.globs.sort_by_key(|g| (g.0, g.1));
        let mut ends_start = Vec::with_capacity(keys as usize + 1);
        let mut ends: Vec<(u32, u32, u32)> = Vec::new();
        let mut globs = Vec::with_capacity(self.globs.len());
        let mut pending = self.globs.into_iter().peekable();
        for prefix in 0..keys {
            let group_start = ends.len();
            ends_start.push(group_start as u32);
            while let Some((_, suffix, glob)) = pending.next_if(|g| g.0 == prefix) {
                let at = globs.len() as u32;
                globs.push(glob);
                let same_ends = ends.len() > group_start;
                match ends.last_mut() {
                    Some(last) if same_ends && last.0 == suffix => last.2 = at + 1,
                    _ => ends.push((suffix, at, at + 1)),
                }
            }
        }
        ends_start.push(ends.len() as u32);
        let mut literal_start = Vec::with_capacity(keys as usize + 1);
        let mut literal_ids = Vec::new();
        for ids in self.literals {
            literal_start.push(literal_ids.len() as u32);
            literal_ids.extend(ids);
        }
        literal_start.push(literal_ids.len() as u32);
        Index {
            forward: self.forward.build(Direction::Forward),
            backward: self.backward.build(Direction::Backward),
            literal_start,
            literal_ids,
            ends_start,
            ends,
            globs,
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Direction {
    /// Keys are prefixes of the text.
    Forward,
    /// Keys are suffixes of the text (inserted reversed).
    Backward,
}

/// A byte trie under construction; node 0 is the root (the empty string).
/// Each inserted string gets a key, numbered from 0 in insertion order.
struct TrieBuilder {
    nodes: Vec<BuilderNode>,
    keys: u32,
}

/// (children sorted by byte, key of the string ending here).
type BuilderNode = (Vec<(u8, u32)>, Option<u32>);

impl Default for TrieBuilder {
    fn default() -> Self {
        TrieBuilder {
            nodes: vec![(Vec::new(), None)],
            keys: 0,
        }
    }
}

impl TrieBuilder {
    fn insert<'a>(&mut self, bytes: impl Iterator<Item = &'a u8>) -> u32 {
        let mut node = 0u32;
        for &b in bytes {
            let next = self.nodes.len() as u32;
            let Some((children, _)) = self.nodes.get_mut(node as usize) else {
                break;
            };
            node = match children.binary_search_by_key(&b, |c| c.0) {
                Ok(at) => children.get(at).map_or(0, |c| c.1),
                Err(at) => {
                    children.insert(at, (b, next));
                    self.nodes.push((Vec::new(), None));
                    next
                }
            };
        }
        let keys = &mut self.keys;
        match self.nodes.get_mut(node as usize) {
            Some((_, Some(key))) => *key,
            Some((_, slot)) => {
                *slot = Some(*keys);
                *keys += 1;
                *keys - 1
            }
            None => 0,
        }
    }

    /// Freezes the trie with chains of single-child nodes collapsed into one
    /// edge (so a walk compares whole runs of bytes at once and visits a
    /// handful of nodes), each node encoded in one run of bytes next to its
    /// first child (so a visit reads one or two cache lines).
    fn build(self, direction: Direction) -> Trie {
        let mut compressed: Vec<CompressedNode> = Vec::new();
        let mut stack = vec![(0u32, None::<(usize, usize)>)];
        while let Some((from, parent_edge)) = stack.pop() {
            let at = compressed.len();
            if let Some((parent, edge)) = parent_edge {
                if let Some(e) = compressed.get_mut(parent).and_then(|p| p.1.get_mut(edge)) {
                    e.2 = at;
                }
            }
            let children = self.nodes.get(from as usize).map_or(&[][..], |n| &n.0[..]);
            let mut edges = Vec::with_capacity(children.len());
            let mut pending = Vec::with_capacity(children.len());
            for (index, &(byte, mut child)) in children.iter().enumerate() {
                // Follow the chain while it neither branches nor ends a key.
                let mut label = vec![byte];
                while let Some((grand, None)) = self.nodes.get(child as usize) {
                    match grand.as_slice() {
                        [(b, next)] => {
                            label.push(*b);
                            child = *next;
                        }
                        _ => break,
                    }
                }
                if direction == Direction::Backward {
                    // Text order: the walk compares the label with the text
                    // just before the part already matched.
                    label.reverse();
                }
                edges.push((byte, label, 0));
                pending.push((child, Some((at, index))));
            }
            compressed.push((self.key_of(from), edges));
            // First child popped first, so it lands right after its parent.
            stack.extend(pending.into_iter().rev());
        }

        let mut offsets = Vec::with_capacity(compressed.len());
        let mut size = 0usize;
        for (_, edges) in &compressed {
            offsets.push(size);
            size += NODE_HEADER
                + edges.len() * (1 + EDGE_RECORD)
                + edges.iter().map(|e| e.1.len()).sum::<usize>();
        }
        let mut bytes = Vec::with_capacity(size);
        for ((key, edges), &start) in compressed.iter().zip(&offsets) {
            bytes.extend_from_slice(&key.to_le_bytes());
            bytes.extend_from_slice(&(edges.len() as u16).to_le_bytes());
            bytes.extend(edges.iter().map(|e| e.0));
            let mut label_at = start + NODE_HEADER + edges.len() * (1 + EDGE_RECORD);
            for (_, label, child) in edges {
                let target = offsets.get(*child).copied().unwrap_or(usize::MAX);
                bytes.extend_from_slice(&(target as u32).to_le_bytes());
                bytes.extend_from_slice(&(label_at as u32).to_le_bytes());
                bytes.extend_from_slice(&(label.len() as u32).to_le_bytes());
                label_at += label.len();
            }
            for (_, label, _) in edges {
                bytes.extend_from_slice(label);
            }
        }
        Trie { bytes }
    }

    fn key_of(&self, node: u32) -> u32 {
        self.nodes
            .get(node as usize)
            .and_then(|n| n.1)
            .unwrap_or(NO_KEY)
    }
}

const NO_KEY: u32 = u32::MAX;

/// A trie spends at most about 20 bytes per pattern byte (a node of one edge
/// per byte), so this keeps every offset well inside 32 bits.
const MAX_TOTAL_LEN: usize = 128 << 20;

/// A node of the compressed trie during `build`, in depth-first preorder:
/// (key, edges as (selecting byte, label in text order, child's preorder index)).
type CompressedNode = (u32, Vec<(u8, Vec<u8>, usize)>);

/// A frozen, path-compressed byte trie, every node one run of bytes:
/// `key: u32 | edge count n: u16 | n selecting bytes | n × (child offset: u32,
/// label offset: u32, label length: u32) | the labels`, little-endian, the
/// root at offset 0.
#[derive(Clone, Default)]
struct Trie {
    bytes: Vec<u8>,
}

const NODE_HEADER: usize = 6;
const EDGE_RECORD: usize = 12;

impl Trie {
    /// Walks `text` from its start (`Forward`) or its end (`Backward`) and
    /// calls `visit(key, length)` for every key that is a prefix (suffix) of
    /// it, shortest first, while `visit` returns true.
    fn walk(&self, text: &[u8], direction: Direction, mut visit: impl FnMut(u32, usize) -> bool) {
        let mut node = 0usize;
        let mut depth = 0usize;
        while let Some(header) = self.array::<NODE_HEADER>(node) {
            let [k0, k1, k2, k3, c0, c1] = header;
            let key = u32::from_le_bytes([k0, k1, k2, k3]);
            if key != NO_KEY && !visit(key, depth) {
                return;
            }
            let count = usize::from(u16::from_le_bytes([c0, c1]));
            match self.step(node, count, text, depth, direction) {
                Some((child, consumed)) => {
                    node = child;
                    depth += consumed;
                }
                None => return,
            }
        }
    }

    /// Follows the edge of `node` (with `count` edges) that continues `text`
    /// past `depth` bytes: the child's offset and the label's length.
    fn step(
        &self,
        node: usize,
        count: usize,
        text: &[u8],
        depth: usize,
        direction: Direction,
    ) -> Option<(usize, usize)> {
        let (rest, next_byte) = match direction {
            Direction::Forward => {
                let rest = text.get(depth..)?;
                (rest, *rest.first()?)
            }
            Direction::Backward => {
                let rest = text.get(..text.len().checked_sub(depth)?)?;
                (rest, *rest.last()?)
            }
        };
        let firsts = self
            .bytes
            .get(node + NODE_HEADER..node + NODE_HEADER + count)?;
        let edge = firsts.iter().position(|&b| b == next_byte)?;
        let record = self.array::<EDGE_RECORD>(node + NODE_HEADER + count + edge * EDGE_RECORD)?;
        let [t0, t1, t2, t3, s0, s1, s2, s3, l0, l1, l2, l3] = record;
        let label_at = u32::from_le_bytes([s0, s1, s2, s3]) as usize;
        let label_len = u32::from_le_bytes([l0, l1, l2, l3]) as usize;
        let label = self.bytes.get(label_at..label_at + label_len)?;
        let consumed = match direction {
            Direction::Forward => rest.get(..label_len)?,
            Direction::Backward => rest.get(rest.len().checked_sub(label_len)?..)?,
        };
        same_bytes(consumed, label)
            .then_some((u32::from_le_bytes([t0, t1, t2, t3]) as usize, label_len))
    }

    fn array<const N: usize>(&self, at: usize) -> Option<[u8; N]> {
        self.bytes.get(at..at + N)?.try_into().ok()
    }
}

/// Slice equality that leaves labels of a few bytes (most of them) to an
/// inline loop and longer ones to `memcmp`, whose call costs more than the
/// comparison itself for short ones.
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    if a.len() <= 4 {
        a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x == y)
    } else {
        a == b
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() {
        return Some(0);
    }
    haystack.windows(needle.len()).position(|w| w == needle)
}
