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

mod build;
mod hash;
mod index;
mod validate;

use std::fmt;

use crate::catalog::Catalog;
use crate::error::{Error, Result};
use build::IndexBuilder;
use index::Index;
pub use validate::validate_pattern;

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

/// The arena spends at most about 30 bytes per pattern byte (a one-byte
/// glob piece costs its byte and a 4-byte length; a pattern at most 28 bytes
/// of ids and counts), so this keeps every offset inside 32 bits.
const MAX_TOTAL_LEN: usize = 128 << 20;
