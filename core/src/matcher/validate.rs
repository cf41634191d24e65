//! The rules a pattern must follow, checked before it is compiled.

use crate::error::{Error, Result};
use crate::text::position_of;

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
