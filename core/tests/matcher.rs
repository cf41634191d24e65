//! The compiled matcher against a naive reference on random patterns and
//! types, and the wording of its errors and warnings. The cases the README
//! names are in tests/vectors/match.json (run by matcher_vectors.rs).

use hooksig::{Catalog, EventMatcher};
use proptest::prelude::*;

/// The matching semantics (README, "Event types and routing"), spelled out as directly as possible.
fn naive_matches(pattern: &str, scope: bool, event_type: &str) -> bool {
    if pattern.contains('*') {
        glob(pattern.as_bytes(), event_type.as_bytes())
    } else if scope {
        event_type == pattern
            || (event_type.starts_with(pattern)
                && event_type.as_bytes().get(pattern.len()) == Some(&b'.'))
    } else {
        event_type == pattern
    }
}

/// Classic dynamic programme: `*` matches any run of bytes.
fn glob(pattern: &[u8], text: &[u8]) -> bool {
    let mut row = vec![false; text.len() + 1];
    row[0] = true;
    for &p in pattern {
        let mut next = vec![false; text.len() + 1];
        if p == b'*' {
            let mut any = false;
            for j in 0..=text.len() {
                any |= row[j];
                next[j] = any;
            }
        } else {
            for j in 0..text.len() {
                next[j + 1] = row[j] && text[j] == p;
            }
        }
        row = next;
    }
    row[text.len()]
}

fn naive_matching(patterns: &[String], scope: bool, event_type: &str) -> Vec<usize> {
    (0..patterns.len())
        .filter(|&i| naive_matches(&patterns[i], scope, event_type))
        .collect()
}

fn m(patterns: &[&str], scope: bool) -> EventMatcher {
    EventMatcher::new(patterns, scope).unwrap()
}

#[test]
fn invalid_patterns_say_why() {
    for (pattern, why) in [
        ("", "empty"),
        (".card", "empty segment"),
        ("card.", "empty segment"),
        ("card..created", "empty segment"),
        ("Card.created", "lower case"),
        ("card created", "' '"),
        ("card/created", "'/'"),
        ("card.é", "'é'"),
        ("card.**", "'**'"),
    ] {
        let err = EventMatcher::new(&["ok", pattern], false).unwrap_err();
        assert_eq!(err.code(), "invalid_pattern", "{pattern:?}");
        let message = err.to_string();
        assert!(message.contains(why), "{pattern:?}: {message}");
        assert!(message.contains(&format!("{pattern:?}")), "{message}");
    }
}

#[test]
fn unknown_pattern_warnings_read_well() {
    let subscription = m(
        &[
            "profile",
            "connection.synced.sucessful",
            "nothing.like.this",
        ],
        true,
    );
    let warnings: Vec<String> = subscription
        .unknown_patterns(&Catalog::QUILTT)
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        warnings,
        [
            "pattern \"connection.synced.sucessful\" matches no known event type; did you mean \"connection.synced.successful\"?",
            "pattern \"nothing.like.this\" matches no known event type",
        ]
    );
}

#[test]
fn matcher_is_send_sync_clone() {
    fn assert_traits<T: Send + Sync + Clone + std::fmt::Debug>() {}
    assert_traits::<EventMatcher>();
    let debug = format!("{:?}", m(&["a.b"], true));
    assert!(
        debug.contains("a.b") && debug.contains("scope: true"),
        "{debug}"
    );
}

#[test]
fn long_and_odd_types_agree_with_naive_reference() {
    let patterns: Vec<String> = [
        "*",
        "a",
        "a.a",
        "a*",
        "*a",
        "a.*",
        "*.a",
        "a.*.a",
        "a*a*a",
        "*.a.*",
        "a.a.a.a",
        "b",
        "-",
        "a.-",
        "*-*",
        "abcdefghi",
        "abcdefghijklmnopq.*",
        "*.abcdefgh.abcdefghijklmnopqrstuvwxyz",
        "abcdefghijklmnop",
    ]
    .iter()
    .map(|p| p.to_string())
    .collect();
    // Past the segments a lookup keeps on the stack, and types that are not
    // valid event types (lookups take any string).
    let long = vec!["a"; 40].join(".");
    let mut types = vec![
        long.clone(),
        format!("{long}.b"),
        format!("b.{long}"),
        format!("{long}."),
    ];
    types.extend(
        [
            "", ".", "..", ".a", "a.", "a..a", "*", "a.*", "A", "é.a", "a.-", "-",
        ]
        .map(String::from),
    );
    // Segments around the 8- and 16-byte words a lookup reads at once.
    for len in 7..=18 {
        let segment = &"abcdefghijklmnopqrstuvwxyz"[..len];
        types.extend([
            segment.to_owned(),
            format!("{segment}.a"),
            format!("a.{segment}"),
            format!("a.{segment}.a"),
            format!("x.abcdefgh.{segment}"),
        ]);
    }
    for scope in [false, true] {
        let matcher = EventMatcher::new(&patterns, scope).unwrap();
        for t in &types {
            let expected = naive_matching(&patterns, scope, t);
            assert_eq!(matcher.matching(t), expected, "{t:?} scope {scope}");
            assert_eq!(matcher.matches(t), !expected.is_empty(), "{t:?}");
        }
    }
}

#[test]
fn many_patterns_agree_with_naive_reference() {
    // Enough patterns that the table and its filter are far from their minimum sizes.
    let mut patterns = Vec::new();
    for i in 0..400 {
        patterns.push(format!("s{}.r{}.created", i % 37, i % 11));
        patterns.push(format!("s{}", i % 53));
        patterns.push(format!("s{}.*.u{}", i % 29, i % 7));
        patterns.push(format!("*.r{}.created", i % 13));
        patterns.push(format!("s{}.r{}*", i % 31, i % 5));
    }
    let matcher = EventMatcher::new(&patterns, true).unwrap();
    for i in 0..300 {
        for t in [
            format!("s{}.r{}.created", i % 41, i % 13),
            format!("s{}.r{}.u{}", i % 43, i % 7, i % 9),
            format!("s{}.r{}x.u{}.v", i % 33, i % 6, i % 8),
        ] {
            assert_eq!(
                matcher.matching(&t),
                naive_matching(&patterns, true, &t),
                "{t:?}"
            );
        }
    }
}

/// Patterns and types over a small alphabet so that random ones collide often.
fn segment() -> impl Strategy<Value = String> {
    proptest::string::string_regex("[abc_-]{1,3}").unwrap()
}

fn event_type() -> impl Strategy<Value = String> {
    prop_oneof![
        9 => prop::collection::vec(segment(), 1..5).prop_map(|s| s.join(".")),
        1 => proptest::string::string_regex("[abc.*/X]{0,6}").unwrap(),
    ]
}

fn pattern() -> impl Strategy<Value = String> {
    // Segments with stars sprinkled in, then `**` collapsed: always valid.
    let piece = proptest::string::string_regex("[abc_*-]{1,3}").unwrap();
    prop_oneof![
        1 => Just("*".to_owned()),
        8 => prop::collection::vec(piece, 1..5).prop_map(|s| {
            let mut p = s.join(".");
            while p.contains("**") {
                p = p.replace("**", "*");
            }
            p
        }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn compiled_matcher_agrees_with_naive_reference(
        patterns in prop::collection::vec(pattern(), 0..24),
        types in prop::collection::vec(event_type(), 1..16),
        scope in any::<bool>(),
    ) {
        let matcher = EventMatcher::new(&patterns, scope).unwrap();
        for t in &types {
            let expected = naive_matching(&patterns, scope, t);
            prop_assert_eq!(matcher.matching(t), expected.clone(), "type {:?}", t);
            prop_assert_eq!(matcher.matches(t), !expected.is_empty());
        }
        // Types built from the patterns themselves hit the interesting paths.
        for p in &patterns {
            for t in [p.replace('*', ""), p.replace('*', "a.b"), format!("{p}.c"), p.replace('*', ".")] {
                prop_assert_eq!(matcher.matching(&t), naive_matching(&patterns, scope, &t), "type {:?}", t);
            }
        }
    }

    #[test]
    fn arbitrary_strings_never_panic_and_invalid_ones_are_rejected(
        patterns in prop::collection::vec(".{0,8}", 0..6),
        t in ".{0,12}",
    ) {
        match EventMatcher::new(&patterns, true) {
            Ok(matcher) => {
                prop_assert_eq!(matcher.matching(&t), naive_matching(&patterns, true, &t));
            }
            Err(err) => {
                prop_assert_eq!(err.code(), "invalid_pattern");
                prop_assert!(patterns.iter().any(|p| hooksig::validate_pattern(p).is_err()));
            }
        }
    }
}
