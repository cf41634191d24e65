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
        for (id, pattern) in patterns.iter().enumerate() {
            let pattern = pattern.as_ref();
            validate_pattern(pattern)?;
            let id = u32::try_from(id).map_err(|_| Error::InvalidPattern {
                pattern: pattern.to_owned(),
                reason: "more than 4 294 967 295 patterns".into(),
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
        self.visit(event_type, &mut |index| {
            out.push(index as usize);
            true
        });
        out.sort_unstable();
        out
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
    /// edge, so a walk compares whole runs of bytes at once and touches a
    /// handful of nodes whatever the number of patterns.
    fn build(self, direction: Direction) -> Trie {
        let mut trie = Trie::default();
        // (builder node, trie node to fill)
        let mut stack = vec![(0u32, 0u32)];
        trie.nodes.push(TrieNode {
            edges: 0,
            edges_end: 0,
            key: self.key_of(0),
        });
        while let Some((from, to)) = stack.pop() {
            let children = self.nodes.get(from as usize).map_or(&[][..], |n| &n.0[..]);
            let first_edge = trie.edges.len() as u32;
            for &(byte, mut child) in children {
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
                    // Store the bytes in text order; the walk compares them
                    // with the text just before the part already matched.
                    label.reverse();
                }
                let target = trie.nodes.len() as u32;
                trie.nodes.push(TrieNode {
                    edges: 0,
                    edges_end: 0,
                    key: self.key_of(child),
                });
                let start = trie.labels.len() as u32;
                trie.labels.extend_from_slice(&label);
                trie.edge_first.push(byte);
                trie.edges.push(Edge {
                    start,
                    end: trie.labels.len() as u32,
                    target,
                });
                stack.push((child, target));
            }
            if let Some(node) = trie.nodes.get_mut(to as usize) {
                node.edges = first_edge;
                node.edges_end = trie.edges.len() as u32;
            }
        }
        trie
    }

    fn key_of(&self, node: u32) -> u32 {
        self.nodes
            .get(node as usize)
            .and_then(|n| n.1)
            .unwrap_or(NO_KEY)
    }
}

const NO_KEY: u32 = u32::MAX;

/// A frozen, path-compressed byte trie.
#[derive(Clone, Default)]
struct Trie {
    nodes: Vec<TrieNode>,
    /// The edges of a node are contiguous; `edge_first[e]` is the byte that
    /// selects edge `e` (the first of its label in walk order), kept apart so
    /// that choosing an edge reads one cache line.
    edge_first: Vec<u8>,
    edges: Vec<Edge>,
    labels: Vec<u8>,
}

#[derive(Clone, Copy)]
struct TrieNode {
    edges: u32,
    edges_end: u32,
    key: u32,
}

#[derive(Clone, Copy)]
struct Edge {
    /// `labels[start..end]`, in text order.
    start: u32,
    end: u32,
    target: u32,
}

impl Trie {
    /// Walks `text` from its start (`Forward`) or its end (`Backward`) and
    /// calls `visit(key, length)` for every key that is a prefix (suffix) of
    /// it, shortest first, while `visit` returns true.
    fn walk(&self, text: &[u8], direction: Direction, mut visit: impl FnMut(u32, usize) -> bool) {
        let mut node = 0usize;
        let mut depth = 0usize;
        while let Some(current) = self.nodes.get(node) {
            if current.key != NO_KEY && !visit(current.key, depth) {
                return;
            }
            // What is left of the text, and the byte that picks the next edge.
            let (rest, next_byte) = match direction {
                Direction::Forward => {
                    let rest = text.get(depth..).unwrap_or_default();
                    (rest, rest.first())
                }
                Direction::Backward => {
                    let rest = text
                        .get(..text.len().saturating_sub(depth))
                        .unwrap_or_default();
                    (rest, rest.last())
                }
            };
            let Some(&next_byte) = next_byte else { return };
            let (lo, hi) = (current.edges as usize, current.edges_end as usize);
            let firsts = self.edge_first.get(lo..hi).unwrap_or_default();
            let Some(at) = firsts.iter().position(|&b| b == next_byte) else {
                return;
            };
            let Some(edge) = self.edges.get(lo + at) else {
                return;
            };
            let label = self
                .labels
                .get(edge.start as usize..edge.end as usize)
                .unwrap_or_default();
            let consumed = match direction {
                Direction::Forward => rest.get(..label.len()),
                Direction::Backward => rest.get(rest.len().saturating_sub(label.len())..),
            };
            if !consumed.is_some_and(|c| same_bytes(c, label)) {
                return;
            }
            depth += label.len();
            node = edge.target as usize;
        }
    }
}

/// Slice equality without a call into `memcmp`, which costs more than the
/// comparison itself for labels of a few bytes.
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x == y)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() {
        return Some(0);
    }
    haystack.windows(needle.len()).position(|w| w == needle)
}
