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
//! patterns: exact and scope patterns sit in one hash map probed once per
//! segment boundary, and globs are indexed by their literal prefix and suffix
//! in two byte tries, so only globs whose both ends fit the type are looked
//! at. (Globs that share both ends and differ only in their middle, like
//! `*.a.*` and `*.b.*`, are then checked one by one.)

use std::collections::HashMap;
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
    literals: HashMap<Box<str>, Vec<u32>>,
    globs: GlobIndex,
}

impl EventMatcher {
    /// Compiles `patterns`; `scope` gives patterns without `*` Quiltt's
    /// parent-type semantics (they also match every type below them).
    ///
    /// # Errors
    /// [`Error::InvalidPattern`] for the first pattern that is empty, has an
    /// empty segment, a character outside `[a-z0-9_*.-]`, or `**`.
    pub fn new<S: AsRef<str>>(patterns: &[S], scope: bool) -> Result<EventMatcher> {
        let mut literals: HashMap<Box<str>, Vec<u32>> = HashMap::new();
        let mut globs = GlobIndexBuilder::default();
        for (index, pattern) in patterns.iter().enumerate() {
            let pattern = pattern.as_ref();
            validate_pattern(pattern)?;
            let index = u32::try_from(index).map_err(|_| Error::InvalidPattern {
                pattern: pattern.to_owned(),
                reason: "more than 4 294 967 295 patterns".into(),
            })?;
            if pattern.contains('*') {
                globs.insert(pattern, index);
            } else {
                literals.entry(pattern.into()).or_default().push(index);
            }
        }
        Ok(EventMatcher {
            patterns: patterns.iter().map(|p| p.as_ref().to_owned()).collect(),
            scope,
            literals,
            globs: globs.build(),
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
        if !self.literals.is_empty() {
            if let Some(ids) = self.literals.get(event_type) {
                for &id in ids {
                    if !found(id) {
                        return;
                    }
                }
            }
            if self.scope {
                for (dot, _) in event_type.match_indices('.') {
                    let Some(parent) = event_type.get(..dot) else { continue };
                    if let Some(ids) = self.literals.get(parent) {
                        for &id in ids {
                            if !found(id) {
                                return;
                            }
                        }
                    }
                }
            }
        }
        self.globs.visit(event_type.as_bytes(), found);
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
    let invalid = |reason: String| Error::InvalidPattern { pattern: pattern.to_owned(), reason };
    if pattern.is_empty() {
        return Err(invalid("the pattern is empty".into()));
    }
    if let Some((at, c)) = pattern
        .char_indices()
        .find(|&(_, c)| !matches!(c, 'a'..='z' | '0'..='9' | '_' | '-' | '.' | '*'))
    {
        let hint = if c.is_ascii_uppercase() { " (event types are lower case)" } else { "" };
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

/// Globs indexed by their literal ends: a glob `P*M1*...*S` can only match a
/// type that starts with `P` and ends with `S`, so a lookup walks the type
/// forwards through a trie of prefixes and backwards through a trie of
/// reversed suffixes, and looks at the globs filed under each pair of nodes
/// reached that leave room for both ends.
#[derive(Clone, Default)]
struct GlobIndex {
    prefixes: Trie,
    suffixes: Trie,
    /// Per prefix node: (suffix node, range into `globs`), sorted by suffix node.
    ends: Vec<Vec<(u32, u32, u32)>>,
    globs: Vec<Glob>,
}

#[derive(Clone)]
struct Glob {
    index: u32,
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

impl GlobIndex {
    fn visit(&self, event_type: &[u8], found: &mut dyn FnMut(u32) -> bool) {
        if self.globs.is_empty() {
            return;
        }
        let n = event_type.len();
        let suffix_ends = self.suffixes.terminals_along(event_type.iter().rev());
        for (prefix_node, prefix_len) in self.prefixes.terminals_along(event_type.iter()) {
            let Some(by_suffix) = self.ends.get(prefix_node as usize) else { continue };
            for &(suffix_node, suffix_len) in &suffix_ends {
                if prefix_len + suffix_len > n {
                    break; // suffix_ends grows in length
                }
                let Ok(at) = by_suffix.binary_search_by_key(&suffix_node, |e| e.0) else {
                    continue;
                };
                let Some(&(_, start, end)) = by_suffix.get(at) else { continue };
                let middle = event_type.get(prefix_len..n - suffix_len).unwrap_or_default();
                for glob in self.globs.get(start as usize..end as usize).unwrap_or_default() {
                    if glob.middles_fit(middle) && !found(glob.index) {
                        return;
                    }
                }
            }
        }
    }
}

#[derive(Default)]
struct GlobIndexBuilder {
    prefixes: Trie,
    suffixes: Trie,
    by_ends: HashMap<(u32, u32), Vec<Glob>>,
}

impl GlobIndexBuilder {
    fn insert(&mut self, pattern: &str, index: u32) {
        let mut pieces = pattern.as_bytes().split(|&b| b == b'*');
        let first = pieces.next().unwrap_or_default();
        let mut middles: Vec<&[u8]> = pieces.collect();
        let last = middles.pop().unwrap_or_default();
        let prefix_node = self.prefixes.insert(first.iter());
        let suffix_node = self.suffixes.insert(last.iter().rev());
        self.by_ends.entry((prefix_node, suffix_node)).or_default().push(Glob {
            index,
            middles: middles.iter().map(|m| Box::from(*m)).collect(),
        });
    }

    fn build(self) -> GlobIndex {
        let mut keys: Vec<(u32, u32)> = self.by_ends.keys().copied().collect();
        keys.sort_unstable();
        let mut by_ends = self.by_ends;
        let mut ends = vec![Vec::new(); self.prefixes.nodes.len()];
        let mut globs = Vec::new();
        for (prefix_node, suffix_node) in keys {
            let group = by_ends.remove(&(prefix_node, suffix_node)).unwrap_or_default();
            let start = globs.len() as u32;
            globs.extend(group);
            if let Some(slot) = ends.get_mut(prefix_node as usize) {
                slot.push((suffix_node, start, globs.len() as u32));
            }
        }
        GlobIndex { prefixes: self.prefixes, suffixes: self.suffixes, ends, globs }
    }
}

/// A byte trie whose nodes are numbered; node 0 is the root (the empty string).
#[derive(Clone)]
struct Trie {
    nodes: Vec<TrieNode>,
}

#[derive(Clone, Default)]
struct TrieNode {
    /// (byte, child node), sorted by byte.
    children: Vec<(u8, u32)>,
    terminal: bool,
}

impl Default for Trie {
    fn default() -> Self {
        Trie { nodes: vec![TrieNode::default()] }
    }
}

impl Trie {
    fn insert<'a>(&mut self, bytes: impl Iterator<Item = &'a u8>) -> u32 {
        let mut node = 0u32;
        for &b in bytes {
            let next = self.nodes.len() as u32;
            let Some(current) = self.nodes.get_mut(node as usize) else { break };
            node = match current.children.binary_search_by_key(&b, |c| c.0) {
                Ok(at) => current.children.get(at).map_or(0, |c| c.1),
                Err(at) => {
                    current.children.insert(at, (b, next));
                    self.nodes.push(TrieNode::default());
                    next
                }
            };
        }
        if let Some(n) = self.nodes.get_mut(node as usize) {
            n.terminal = true;
        }
        node
    }

    /// The terminal nodes met while walking `bytes` from the root, with their
    /// depth, shortest first.
    fn terminals_along<'a>(&self, bytes: impl Iterator<Item = &'a u8>) -> Vec<(u32, usize)> {
        let mut out = Vec::new();
        let mut node = 0u32;
        let mut depth = 0usize;
        let mut bytes = bytes;
        loop {
            let Some(current) = self.nodes.get(node as usize) else { break };
            if current.terminal {
                out.push((node, depth));
            }
            let Some(&b) = bytes.next() else { break };
            match current.children.binary_search_by_key(&b, |c| c.0) {
                Ok(at) => match current.children.get(at) {
                    Some(&(_, child)) => node = child,
                    None => break,
                },
                Err(_) => break,
            }
            depth += 1;
        }
        out
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() {
        return Some(0);
    }
    haystack.windows(needle.len()).position(|w| w == needle)
}
