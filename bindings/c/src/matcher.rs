//! `hooksig_matcher`: event-type subscriptions compiled once, matched per event.

use crate::error::c_string_lossy;
use crate::error::{CallError, guard, hooksig_error, hooksig_status};
use crate::input;
use crate::out;
use hooksig::{Catalog, EventMatcher};
use std::borrow::Cow;
use std::ffi::{CString, c_char};

/// A compiled list of event-type patterns. Created by `hooksig_matcher_new`,
/// released by `hooksig_matcher_free`; immutable, so any number of threads
/// may use one at the same time.
#[derive(Debug)]
pub struct hooksig_matcher(EventMatcher);

/// Compiles event-type patterns into a matcher.
///
/// - `patterns`: `n_patterns` NUL-terminated patterns. `*` alone matches
///   every event; a pattern with `*` is a glob whose `*` matches any run of
///   characters, dots included (`card*`, `card.*`, `kyc.*.success`); a
///   pattern without `*` matches that exact type.
/// - `scope`: true for Quiltt's parent types, where a pattern without `*`
///   also matches every type below it on segment boundaries (`connection`
///   matches `connection.synced.successful`, never `connections.x`).
/// - `matcher`: receives the new matcher (NULL on failure).
///
/// Returns `HOOKSIG_OK`, `HOOKSIG_INVALID_PATTERN` (a pattern that cannot be
/// compiled, or is not UTF-8) or `HOOKSIG_INVALID_ARGUMENT`.
///
/// # Safety
/// `patterns` points to `n_patterns` NUL-terminated strings (NULL allowed
/// when `n_patterns` is 0); `matcher` is writable; `error` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hooksig_matcher_new(
    patterns: *const *const c_char,
    n_patterns: usize,
    scope: bool,
    matcher: *mut *mut hooksig_matcher,
    error: *mut *mut hooksig_error,
) -> hooksig_status {
    guard(error, || {
        let matcher =
            // SAFETY: out-parameters are writable (contract).
            unsafe { out(matcher, "matcher") }?;
        // SAFETY: `patterns` holds `n_patterns` strings (contract).
        let patterns = unsafe {
            input::c_texts(patterns, n_patterns, "patterns", |_, bytes| {
                hooksig::Error::InvalidPattern {
                    pattern: String::from_utf8_lossy(bytes).into_owned(),
                    reason: "not valid UTF-8".into(),
                }
            })
        }?;
        let compiled = EventMatcher::new(&patterns, scope)?;
        // SAFETY: `out` checked the pointer; the caller owns the new matcher.
        unsafe { *matcher = Box::into_raw(Box::new(hooksig_matcher(compiled))) };
        Ok(())
    })
}

/// Releases a matcher. NULL is ignored.
///
/// # Safety
/// `matcher` is NULL or a matcher not yet freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hooksig_matcher_free(matcher: *mut hooksig_matcher) {
    if !matcher.is_null() {
        // SAFETY: it came from `Box::into_raw` in `hooksig_matcher_new`, freed once (contract).
        drop(unsafe { Box::from_raw(matcher) });
    }
}

/// Sets `*matched` to whether `event_type` (NUL-terminated) matches at least
/// one pattern. Types are looked up as given, valid or not; bytes that are
/// not UTF-8 are read as U+FFFD (so `*` still matches them).
///
/// Returns `HOOKSIG_OK`, or `HOOKSIG_INVALID_ARGUMENT` for a NULL pointer.
///
/// # Safety
/// `matcher` is a live matcher; `event_type` is NUL-terminated; `matched` is
/// writable; `error` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hooksig_matcher_matches(
    matcher: *const hooksig_matcher,
    event_type: *const c_char,
    matched: *mut bool,
    error: *mut *mut hooksig_error,
) -> hooksig_status {
    guard(error, || {
        if matched.is_null() {
            return Err(CallError::invalid_argument(
                "matched (the out-parameter) is NULL",
            ));
        }
        // SAFETY: forwarded contract.
        let (matcher, event_type) = unsafe { query(matcher, event_type) }?;
        let found = matcher.matches(&event_type);
        // SAFETY: checked non-NULL; writable (contract).
        unsafe { *matched = found };
        Ok(())
    })
}

/// The indexes (into the patterns given to `hooksig_matcher_new`, ascending)
/// of every pattern `event_type` matches, for routing one event to several
/// handlers. Sets `*count` to how many match and writes the first
/// `min(*count, capacity)` of them to `indexes` (which may be NULL when
/// `capacity` is 0): an array of as many entries as there are patterns is
/// always enough. Types are looked up as `hooksig_matcher_matches` does.
///
/// Returns `HOOKSIG_OK`, or `HOOKSIG_INVALID_ARGUMENT` for a NULL pointer.
///
/// # Safety
/// `matcher` is a live matcher; `event_type` is NUL-terminated; `indexes`
/// has room for `capacity` entries; `count` is writable; `error` is NULL or
/// writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hooksig_matcher_matching(
    matcher: *const hooksig_matcher,
    event_type: *const c_char,
    indexes: *mut usize,
    capacity: usize,
    count: *mut usize,
    error: *mut *mut hooksig_error,
) -> hooksig_status {
    guard(error, || {
        if count.is_null() {
            return Err(CallError::invalid_argument(
                "count (the out-parameter) is NULL",
            ));
        }
        input::check_array(indexes.cast_const(), capacity).map_err(|bad| bad.about("indexes"))?;
        // SAFETY: forwarded contract.
        let (matcher, event_type) = unsafe { query(matcher, event_type) }?;
        let found = matcher.matching(&event_type);
        for (slot, index) in found.iter().take(capacity).enumerate() {
            // SAFETY: `slot < capacity` entries of a writable array (contract).
            unsafe { *indexes.add(slot) = *index };
        }
        // SAFETY: checked non-NULL; writable (contract).
        unsafe { *count = found.len() };
        Ok(())
    })
}

/// The matcher and the event type of a query.
///
/// # Safety
/// As `hooksig_matcher_matches`.
unsafe fn query<'a>(
    matcher: *const hooksig_matcher,
    event_type: *const c_char,
) -> Result<(&'a EventMatcher, Cow<'a, str>), CallError> {
    // SAFETY: a non-NULL `matcher` is live (contract).
    let matcher = unsafe { matcher.as_ref() }
        .ok_or_else(|| CallError::invalid_argument("matcher is NULL"))?;
    // SAFETY: NUL-terminated (contract).
    let bytes = unsafe { input::c_bytes(event_type, "event_type") }?;
    Ok((&matcher.0, String::from_utf8_lossy(bytes)))
}

/// A pattern that matches no type of a provider's event catalogue: a typo,
/// or a type the provider does not send.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct hooksig_unknown_pattern {
    /// Index of the pattern in the list given to `hooksig_matcher_new`.
    pub index: usize,
    /// The pattern (NUL-terminated).
    pub pattern: *const c_char,
    /// The nearest known type when the pattern looks like a typo of one
    /// (NUL-terminated), else NULL.
    pub suggestion: *const c_char,
}

/// The list `hooksig_matcher_unknown_patterns` returns: read it with
/// `hooksig_unknown_patterns_len` / `_items`, release it with
/// `hooksig_unknown_patterns_free`.
#[derive(Debug)]
pub struct hooksig_unknown_patterns {
    items: Vec<hooksig_unknown_pattern>,
    // Owns the text that `items` points into (never read, only kept alive).
    _text: Vec<CString>,
}

/// Checks a subscription against the event catalogue that ships with hooksig
/// for `provider` (`"quiltt"`, `"bond"` or `"tratta"`): `*unknown` receives
/// the patterns that match none of its types, each with a suggestion when it
/// looks like a typo (`connection.synced.sucessful` ->
/// `connection.synced.successful`). An empty list means every pattern is used.
///
/// Returns `HOOKSIG_OK`, `HOOKSIG_INVALID_ARGUMENT` for a NULL pointer, or
/// `HOOKSIG_INVALID_SCHEME` for a provider without a catalogue.
///
/// # Safety
/// `matcher` is a live matcher; `provider` is NUL-terminated; `unknown` is
/// writable; `error` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hooksig_matcher_unknown_patterns(
    matcher: *const hooksig_matcher,
    provider: *const c_char,
    unknown: *mut *mut hooksig_unknown_patterns,
    error: *mut *mut hooksig_error,
) -> hooksig_status {
    guard(error, || {
        let unknown =
            // SAFETY: out-parameters are writable (contract).
            unsafe { out(unknown, "unknown") }?;
        // SAFETY: a non-NULL `matcher` is live (contract).
        let matcher = unsafe { matcher.as_ref() }
            .ok_or_else(|| CallError::invalid_argument("matcher is NULL"))?;
        // SAFETY: NUL-terminated (contract).
        let provider = unsafe { input::c_text(provider, "provider") }?;
        let catalog = Catalog::for_provider(provider).map_err(CallError::from)?;
        let mut text = Vec::new();
        let mut items = Vec::new();
        for found in matcher.0.unknown_patterns(catalog) {
            let pattern = c_string_lossy(found.pattern);
            let suggestion = found.suggestion.map(c_string_lossy);
            items.push(hooksig_unknown_pattern {
                index: found.index,
                pattern: pattern.as_ptr(),
                suggestion: suggestion.as_ref().map_or(std::ptr::null(), |s| s.as_ptr()),
            });
            text.push(pattern);
            text.extend(suggestion);
        }
        let list = hooksig_unknown_patterns { items, _text: text };
        // SAFETY: `out` checked the pointer; the caller owns the list.
        unsafe { *unknown = Box::into_raw(Box::new(list)) };
        Ok(())
    })
}

/// The number of entries in `unknown`; 0 when it is NULL.
///
/// # Safety
/// `unknown` is NULL or a live list.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hooksig_unknown_patterns_len(
    unknown: *const hooksig_unknown_patterns,
) -> usize {
    // SAFETY: a non-NULL pointer is a live list (contract).
    unsafe { unknown.as_ref() }.map_or(0, |u| u.items.len())
}

/// The entries of `unknown`, in pattern order, as an array of
/// `hooksig_unknown_patterns_len(unknown)` items valid until
/// `hooksig_unknown_patterns_free`; NULL when `unknown` is NULL.
///
/// # Safety
/// `unknown` is NULL or a live list.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hooksig_unknown_patterns_items(
    unknown: *const hooksig_unknown_patterns,
) -> *const hooksig_unknown_pattern {
    // SAFETY: a non-NULL pointer is a live list (contract).
    unsafe { unknown.as_ref() }.map_or(std::ptr::null(), |u| u.items.as_ptr())
}

/// Releases a list of unknown patterns. NULL is ignored.
///
/// # Safety
/// `unknown` is NULL or a list not yet freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hooksig_unknown_patterns_free(unknown: *mut hooksig_unknown_patterns) {
    if !unknown.is_null() {
        // SAFETY: it came from `Box::into_raw` in `hooksig_matcher_unknown_patterns`, freed once (contract).
        drop(unsafe { Box::from_raw(unknown) });
    }
}
