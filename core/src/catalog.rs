//! The event types each provider documents, so a subscription's typo can be
//! flagged with a suggestion (see [`EventMatcher::unknown_patterns`]).
//!
//! The lists live in `core/src/catalog/*.txt`, one type a line, with the
//! documentation they come from in their header comments.
//!
//! [`EventMatcher::unknown_patterns`]: crate::EventMatcher::unknown_patterns

use crate::error::{Error, Result};

/// The known event types of one provider.
///
/// ```
/// use hooksig::Catalog;
///
/// let tratta = Catalog::for_provider("tratta").unwrap();
/// assert_eq!(tratta.types().count(), 21);
/// assert!(tratta.contains("external-charge.create"));
/// assert_eq!(Catalog::QUILTT.suggest("conection", true), Some("connection"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Catalog {
    name: &'static str,
    text: &'static str,
}

impl Catalog {
    /// Quiltt: `connection.synced.successful.initial`, `profile.ready`, ...
    pub const QUILTT: Catalog = Catalog {
        name: "quiltt",
        text: include_str!("catalog/quiltt.txt"),
    };
    /// Atelio (formerly Bond): `card.created`, `kyc.verification.success`, ...
    pub const BOND: Catalog = Catalog {
        name: "bond",
        text: include_str!("catalog/bond.txt"),
    };
    /// Tratta: the 21 supported events, `customer.create` to `import.complete`.
    pub const TRATTA: Catalog = Catalog {
        name: "tratta",
        text: include_str!("catalog/tratta.txt"),
    };

    /// Every catalogue that ships with the core.
    pub const ALL: &'static [Catalog] = &[Catalog::QUILTT, Catalog::BOND, Catalog::TRATTA];

    /// The catalogue of a provider by scheme name (`atelio` is an alias of
    /// `bond`); `invalid_scheme` for providers without one.
    ///
    /// ```
    /// assert_eq!(hooksig::Catalog::for_provider("Atelio").unwrap().name(), "bond");
    /// assert_eq!(hooksig::Catalog::for_provider("stripe").unwrap_err().code(), "invalid_scheme");
    /// ```
    pub fn for_provider(name: &str) -> Result<&'static Catalog> {
        let wanted = if name.eq_ignore_ascii_case("atelio") {
            "bond"
        } else {
            name
        };
        Catalog::ALL
            .iter()
            .find(|c| c.name.eq_ignore_ascii_case(wanted))
            .ok_or_else(|| Error::InvalidScheme {
                reason: format!(
                    "no event catalogue for \"{}\"; hooksig has catalogues for {}",
                    crate::text::truncate(name, 40),
                    Catalog::ALL
                        .iter()
                        .map(|c| c.name)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            })
    }

    /// The provider's scheme name: `quiltt`, `bond` or `tratta`.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The known event types, in the catalogue's order.
    pub fn types(&self) -> impl Iterator<Item = &'static str> + Clone + use<> {
        self.text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
    }

    /// Whether `event_type` is a known type.
    pub fn contains(&self, event_type: &str) -> bool {
        self.types().any(|t| t == event_type)
    }

    /// The known type closest to `typo` by edit distance, if it is close
    /// enough to be a likely typo; with `scope`, parent types (`connection`,
    /// `connection.synced`) are candidates too. Ties go to the earlier type.
    pub fn suggest(&self, typo: &str, scope: bool) -> Option<&'static str> {
        let budget = (typo.len() / 4).clamp(1, 3);
        let mut best: Option<(usize, &'static str)> = None;
        let mut consider = |candidate: &'static str| {
            if candidate == typo {
                return;
            }
            let d = edit_distance(typo.as_bytes(), candidate.as_bytes());
            if d <= budget && best.is_none_or(|(bd, _)| d < bd) {
                best = Some((d, candidate));
            }
        };
        for t in self.types() {
            consider(t);
            if scope {
                for (dot, _) in t.match_indices('.') {
                    if let Some(parent) = t.get(..dot) {
                        consider(parent);
                    }
                }
            }
        }
        best.map(|(_, t)| t)
    }
}

/// Optimal-string-alignment distance: insertions, deletions, substitutions
/// and transpositions of adjacent bytes each cost one.
fn edit_distance(a: &[u8], b: &[u8]) -> usize {
    let width = b.len() + 1;
    let mut prev2 = vec![0usize; width];
    let mut prev: Vec<usize> = (0..width).collect();
    let mut cur = vec![0usize; width];
    for (i, &ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            let mut d = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
            if i > 0 && j > 0 && a.get(i - 1) == Some(&cb) && b.get(j - 1) == Some(&ca) {
                d = d.min(prev2[j - 1] + 1);
            }
            cur[j + 1] = d;
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_catalogued_type_is_a_valid_pattern_and_unique() {
        for catalog in Catalog::ALL {
            let types: Vec<_> = catalog.types().collect();
            for t in &types {
                assert!(
                    crate::validate_pattern(t).is_ok(),
                    "{}: {t}",
                    catalog.name()
                );
                assert!(!t.contains('*'), "{}: {t}", catalog.name());
            }
            let mut sorted = types.clone();
            sorted.sort_unstable();
            sorted.dedup();
            assert_eq!(
                sorted.len(),
                types.len(),
                "{} has duplicates",
                catalog.name()
            );
        }
    }

    #[test]
    fn catalogue_sizes() {
        assert_eq!(Catalog::TRATTA.types().count(), 21);
        assert_eq!(Catalog::QUILTT.types().count(), 21);
        assert!(Catalog::QUILTT.contains("profile.ready"));
        assert!(Catalog::QUILTT.contains("connection.synced.successful.initial"));
        assert!(Catalog::QUILTT.contains("connection.synced.successful.historical"));
        assert!(Catalog::BOND.contains("transactions"));
        assert_eq!(Catalog::for_provider("Atelio"), Ok(&Catalog::BOND));
        assert_eq!(
            Catalog::for_provider("stripe").unwrap_err().code(),
            "invalid_scheme"
        );
    }

    #[test]
    fn edit_distance_counts_transpositions_once() {
        assert_eq!(edit_distance(b"", b""), 0);
        assert_eq!(edit_distance(b"abc", b""), 3);
        assert_eq!(edit_distance(b"", b"ab"), 2);
        assert_eq!(edit_distance(b"kitten", b"sitting"), 3);
        assert_eq!(edit_distance(b"card.craeted", b"card.created"), 1);
        assert_eq!(edit_distance(b"sucessful", b"successful"), 1);
    }

    #[test]
    fn suggestions() {
        let q = Catalog::QUILTT;
        assert_eq!(
            q.suggest("connection.synced.sucessful", true),
            Some("connection.synced.successful")
        );
        assert_eq!(q.suggest("conection", true), Some("connection"));
        assert_eq!(q.suggest("conection", false), None);
        assert_eq!(q.suggest("xyz", true), None);
        assert_eq!(
            Catalog::BOND.suggest("account.statement.ready", false),
            Some("account.statements.ready")
        );
        assert_eq!(
            Catalog::TRATTA.suggest("debt_account.create", false),
            Some("debt-account.create")
        );
    }
}
