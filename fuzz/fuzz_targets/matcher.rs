//! `EventMatcher::new` on hostile patterns, then `matches` / `matching` on
//! hostile types, cross-checked against the naive reference of the documented
//! semantics (`hooksig_fuzz::reference_matches`).
//!
//! Byte 0: bit 0 is `scope`; bit 1 also asks for `unknown_patterns`. The rest is text lines: patterns up to an empty
//! line, then the types to look up (each also looked up with its last byte
//! dropped and with `.x` appended, for the segment-boundary cases).
#![no_main]

use hooksig::EventMatcher;
use hooksig_fuzz::reference_matches;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let scope = flags & 1 != 0;
    let text = String::from_utf8_lossy(rest);
    let (patterns, types) = text.split_once("\n\n").unwrap_or((&text, ""));
    let patterns: Vec<&str> = patterns.split('\n').collect();
    let types: Vec<&str> = types.split('\n').collect();

    let matcher = match EventMatcher::new(&patterns, scope) {
        Ok(matcher) => matcher,
        Err(error) => {
            assert_eq!(error.code(), "invalid_pattern");
            // The first refused pattern is one validate_pattern refuses.
            assert!(
                patterns
                    .iter()
                    .any(|p| hooksig::validate_pattern(p).is_err())
            );
            return;
        }
    };
    assert!(
        patterns
            .iter()
            .all(|p| hooksig::validate_pattern(p).is_ok())
    );
    let mut lookups: Vec<String> = Vec::new();
    for t in &types {
        lookups.push((*t).to_owned());
        let mut shorter = (*t).to_owned();
        shorter.pop();
        lookups.push(shorter);
        lookups.push(format!("{t}.x"));
    }
    // Each pattern is also a type, matched by itself at least.
    lookups.extend(patterns.iter().map(|p| (*p).to_owned()));
    let mut buffer = Vec::new();
    for event_type in &lookups {
        let expected: Vec<usize> = (0..patterns.len())
            .filter(|&i| reference_matches(patterns[i], scope, event_type))
            .collect();
        let matching = matcher.matching(event_type);
        assert_eq!(
            matching, expected,
            "patterns {patterns:?} (scope {scope}), type {event_type:?}"
        );
        assert_eq!(matcher.matches(event_type), !expected.is_empty());
        matcher.matching_into(event_type, &mut buffer);
        assert_eq!(buffer, expected);
    }
    if flags & 2 != 0 {
        // Suggestions compare each unknown pattern with the whole catalogue:
        // slow, so only for half the inputs.
        let _ = matcher.unknown_patterns(&hooksig::Catalog::QUILTT);
    }
});
