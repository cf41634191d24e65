//! Runs every case of tests/vectors/match.json against the core, as every binding does.

use hooksig::{Catalog, EventMatcher};
use serde_json::{Value, json};

mod support;

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .expect("a list")
        .iter()
        .map(|v| v.as_str().expect("a string").to_owned())
        .collect()
}

fn outcome(case: &Value) -> Value {
    let patterns = strings(&case["patterns"]);
    let scope = case["scope"].as_bool().expect("scope");
    let matcher = match EventMatcher::new(&patterns, scope) {
        Ok(m) => m,
        Err(e) => return json!({ "ok": false, "code": e.code() }),
    };
    let lookups: Vec<Value> = case["expect"]["lookups"]
        .as_array()
        .map(|l| {
            l.iter()
                .filter_map(|l| l["type"].as_str())
                .collect::<Vec<_>>()
        })
        .unwrap_or_default()
        .into_iter()
        .map(|t| {
            let matching = matcher.matching(t);
            assert_eq!(
                matcher.matches(t),
                !matching.is_empty(),
                "{}: {t}",
                case["name"]
            );
            json!({ "type": t, "matching": matching })
        })
        .collect();
    let mut out = json!({ "ok": true, "lookups": lookups });
    if let Some(provider) = case["catalog"].as_str() {
        let catalog = Catalog::for_provider(provider).expect("known catalogue");
        let unknown: Vec<Value> = matcher
            .unknown_patterns(catalog)
            .into_iter()
            .map(|u| json!({ "index": u.index, "pattern": u.pattern, "suggestion": u.suggestion }))
            .collect();
        out["unknown"] = unknown.into();
    }
    out
}

#[test]
fn every_match_vector() {
    let cases = support::vector_cases("match.json");
    assert!(cases.len() >= 20, "match.json has {} cases", cases.len());
    for case in &cases {
        assert_eq!(outcome(case), case["expect"], "{}", case["name"]);
    }
}
