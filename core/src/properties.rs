//! Property tests of the JSON readers on random documents (mostly valid,
//! some mutated): event types and custom schemes come out as a reference
//! reading with plain serde derives says (these were the tests of the
//! hand-written reader that preceded `serde_json` here), and diagnose's
//! re-serialization writes what `serde_json` writes.
//!
//! The reference reads structs through `MapOnly`, because hooksig refuses
//! serde's positional form of a struct (an array of its fields) by design.

use crate::diagnose::{Style, write_json};
use crate::{CustomScheme, Encoding, KeyFormat, Scheme, events};
use proptest::collection::vec;
use proptest::prelude::*;
use serde::Deserialize;
use std::borrow::Cow;
use std::marker::PhantomData;

/// A struct that `serde_json` may read from an object only.
struct MapOnly<T>(T);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for MapOnly<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> serde::de::Visitor<'de> for Visitor<T> {
            type Value = T;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
                T::deserialize(serde::de::value::MapAccessDeserializer::new(map))
            }
        }
        d.deserialize_map(Visitor(PhantomData)).map(MapOnly)
    }
}

// The structs events.rs used to read with serde.
#[derive(Deserialize)]
struct TypedEvent<'a> {
    #[serde(rename = "type", borrow)]
    kind: Cow<'a, str>,
}

#[derive(Deserialize)]
struct QuilttPayload<'a> {
    #[serde(borrow)]
    events: Vec<MapOnly<TypedEvent<'a>>>,
}

#[derive(Deserialize)]
struct BondPayload<'a> {
    #[serde(borrow)]
    event: Cow<'a, str>,
}

#[derive(Deserialize)]
struct GithubPayload<'a> {
    #[serde(borrow, default)]
    action: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
struct SlackPayload<'a> {
    #[serde(rename = "type", borrow)]
    kind: Cow<'a, str>,
    #[serde(borrow, default)]
    event: Option<MapOnly<TypedEvent<'a>>>,
}

fn serde_event_types(scheme: &Scheme, body: &[u8]) -> Option<Vec<String>> {
    fn read<'a, T: Deserialize<'a>>(body: &'a [u8]) -> Option<T> {
        serde_json::from_slice::<MapOnly<T>>(body).ok().map(|m| m.0)
    }
    let one = |s: &Cow<str>| Some(vec![s.to_string()]);
    match scheme {
        Scheme::Quiltt => read::<QuilttPayload>(body)
            .map(|p| {
                p.events
                    .into_iter()
                    .map(|e| e.0.kind.into_owned())
                    .collect()
            })
            .filter(|types: &Vec<String>| !types.is_empty()),
        Scheme::Bond => one(&read::<BondPayload>(body)?.event),
        Scheme::Github => Some(vec![
            match read::<GithubPayload>(body).and_then(|p| p.action) {
                Some(action) if !action.is_empty() => format!("pull_request.{action}"),
                _ => "pull_request".into(),
            },
        ]),
        Scheme::Slack => {
            let p = read::<SlackPayload>(body)?;
            match p.event {
                Some(inner) if p.kind == "event_callback" => one(&inner.0.kind),
                _ => one(&p.kind),
            }
        }
        _ => one(&read::<TypedEvent>(body)?.kind),
    }
}

// `CustomScheme` as it was read with serde.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SerdeCustom {
    signature_header: String,
    #[serde(default)]
    signature_prefix: Option<String>,
    #[serde(default)]
    timestamp_header: Option<String>,
    #[serde(default)]
    id_header: Option<String>,
    #[serde(default)]
    event_header: Option<String>,
    #[serde(default = "body_template")]
    message: String,
    #[serde(default, deserialize_with = "encoding")]
    encoding: Encoding,
    #[serde(default, deserialize_with = "key_format")]
    key_format: KeyFormat,
    #[serde(default = "one")]
    min_secret_len: usize,
}

fn body_template() -> String {
    "{body}".into()
}

fn one() -> usize {
    1
}

fn encoding<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Encoding, D::Error> {
    match String::deserialize(d)?.as_str() {
        "hex" => Ok(Encoding::Hex),
        "base64" => Ok(Encoding::Base64),
        _ => Err(serde::de::Error::custom("unknown variant")),
    }
}

fn key_format<'de, D: serde::Deserializer<'de>>(d: D) -> Result<KeyFormat, D::Error> {
    match String::deserialize(d)?.as_str() {
        "utf8" => Ok(KeyFormat::Utf8),
        "base64" => Ok(KeyFormat::Base64),
        _ => Err(serde::de::Error::custom("unknown variant")),
    }
}

const KEYS: &[&str] = &[
    "type",
    "events",
    "event",
    "action",
    "id",
    "data",
    r"typ\u0065",
    r"\u0065vents",
    r"signature\u005fheader",
    "surprise",
];

const TEXTS: &[&str] = &[
    "invoice.paid",
    "event_callback",
    "app_mention",
    "",
    "hex",
    "base64",
    "utf8",
    "HEX",
    "X-Sig",
    "X Sig",
    "X-Ts",
    "sha256=",
    "{timestamp}.{body}",
    "{id}.{timestamp}.{body}",
    "{body}",
    r"\u007bbody}",
    r"a\/b\u00e9\ud83d\ude00",
];

fn ws() -> impl Strategy<Value = &'static str> {
    prop_oneof![4 => Just(""), 1 => Just(" "), 1 => Just("\n  "), 1 => Just("\t\r\n")]
}

fn string() -> BoxedStrategy<String> {
    prop_oneof![
        2 => proptest::sample::select(KEYS).prop_map(|k| format!("\"{k}\"")),
        2 => proptest::sample::select(CustomScheme::FIELDS).prop_map(|k| format!("\"{k}\"")),
        4 => proptest::sample::select(TEXTS).prop_map(|t| format!("\"{t}\"")),
        2 => "[a-z._/]{0,8}".prop_map(|s| format!("\"{s}\"")),
        2 => r#"(\\["\\/bfnrt]|\\u00[0-9a-fA-F]{2}|\\uD83D\\uDE00|\\ud800|\\udc00|\\ud800\\u0041|é|😀|[a-z ])*"#
            .prop_map(|s| format!("\"{s}\"")),
        1 => proptest::sample::select(&["\"tab\there\"", r#""\x""#, r#""\u12""#, r#""\"#][..])
            .prop_map(str::to_owned),
    ]
    .boxed()
}

fn number() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "-?(0|[1-9][0-9]{0,3})",
        2 => "-?(0|[1-9][0-9]{0,20})(\\.[0-9]{1,4})?([eE][+-]?[0-9]{1,3})?",
        1 => Just("1e400".to_owned()),
        1 => Just("18446744073709551616".to_owned()),
    ]
}

fn array(items: Vec<String>, ws: &str) -> String {
    format!("[{ws}{}{ws}]", items.join(&format!("{ws},")))
}

fn object(members: Vec<(String, String)>, ws: &str) -> String {
    let members: Vec<String> = members
        .into_iter()
        .map(|(k, v)| format!("{k}{ws}:{ws}{v}"))
        .collect();
    format!("{{{ws}{}{ws}}}", members.join(&format!(",{ws}")))
}

fn value() -> BoxedStrategy<String> {
    let leaf = prop_oneof![
        Just("null".to_owned()),
        Just("true".to_owned()),
        Just("false".to_owned()),
        number(),
        string(),
    ];
    leaf.prop_recursive(4, 40, 5, |inner| {
        prop_oneof![
            (vec(inner.clone(), 0..5), ws()).prop_map(|(items, ws)| array(items, ws)),
            (vec((string(), inner), 0..5), ws()).prop_map(|(m, ws)| object(m, ws)),
        ]
    })
    .boxed()
}

/// An object with a `type` (mostly a string) among other members.
fn typed() -> BoxedStrategy<String> {
    let member = prop_oneof![
        3 => (Just("\"type\"".to_owned()), prop_oneof![3 => string(), 1 => value()]),
        1 => (string(), value()),
    ];
    (vec(member, 0..4), ws())
        .prop_map(|(m, ws)| object(m, ws))
        .boxed()
}

/// Bodies shaped like the providers' payloads, more or less.
fn payload() -> BoxedStrategy<Vec<u8>> {
    let member = prop_oneof![
        2 => (Just("\"events\"".to_owned()), prop_oneof![
            3 => (vec(typed(), 0..3), ws()).prop_map(|(items, ws)| array(items, ws)),
            1 => value(),
        ]),
        2 => (Just("\"type\"".to_owned()), prop_oneof![3 => string(), 1 => value()]),
        2 => (Just("\"event\"".to_owned()), prop_oneof![
            2 => typed(), 1 => Just("null".to_owned()), 1 => string(), 1 => value(),
        ]),
        1 => (Just("\"action\"".to_owned()), prop_oneof![3 => string(), 1 => value()]),
        2 => (string(), value()),
    ];
    let doc = prop_oneof![
        4 => (vec(member, 0..5), ws()).prop_map(|(m, ws)| object(m, ws)),
        1 => value(),
    ];
    (doc, ws())
        .prop_map(|(d, ws)| format!("{ws}{d}{ws}"))
        .prop_flat_map(mutated)
        .boxed()
}

/// Custom-scheme definitions, mostly well-typed.
fn custom_scheme() -> BoxedStrategy<Vec<u8>> {
    let header = || prop_oneof![4 => string(), 1 => Just("null".to_owned()), 1 => value()];
    let member = prop_oneof![
        3 => (Just("\"signature_header\"".to_owned()), header()),
        1 => (Just(r#""signature\u005fheader""#.to_owned()), header()),
        1 => (Just("\"signature_prefix\"".to_owned()), header()),
        2 => (Just("\"timestamp_header\"".to_owned()), header()),
        1 => (Just("\"id_header\"".to_owned()), header()),
        1 => (Just("\"event_header\"".to_owned()), header()),
        2 => (Just("\"message\"".to_owned()), header()),
        2 => (Just("\"encoding\"".to_owned()), prop_oneof![
            3 => string(), 1 => Just(r#"{"hex":null}"#.to_owned()), 1 => value(),
        ]),
        2 => (Just("\"key_format\"".to_owned()), header()),
        2 => (Just("\"min_secret_len\"".to_owned()), prop_oneof![
            3 => number(), 1 => Just("-0".to_owned()), 1 => value(),
        ]),
        1 => (string(), value()),
    ];
    let doc = prop_oneof![
        6 => (vec(member, 0..6), ws()).prop_map(|(m, ws)| object(m, ws)),
        1 => value(),
    ];
    doc.prop_flat_map(mutated).boxed()
}

/// The document as written (3 times in 4), or with one byte changed, added or removed.
fn mutated(doc: String) -> BoxedStrategy<Vec<u8>> {
    let len = doc.len();
    let bytes = doc.into_bytes();
    prop_oneof![
        3 => Just(bytes.clone()),
        1 => (0..=len, 0..3u8, proptest::sample::select(&b"{}[],:\"\\ 0-e.ntx\xff"[..]))
            .prop_map(move |(at, op, b)| {
                let mut doc = bytes.clone();
                match op {
                    0 if at < doc.len() => doc[at] = b,
                    1 => doc.insert(at, b),
                    _ if at < doc.len() => {
                        doc.remove(at);
                    }
                    _ => doc.push(b),
                }
                doc
            }),
    ]
    .boxed()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn reserializations_write_what_serde_json_writes(doc in payload()) {
        if let Ok(value) = serde_json::from_slice::<serde_json::Value>(&doc) {
            let mut text = String::new();
            write_json(&value, Style { sort_keys: false, python: false }, &mut text);
            prop_assert_eq!(text, value.to_string());
        }
    }

    #[test]
    fn event_types_agree_with_serde_json(doc in payload()) {
        let headers = [("X-GitHub-Event", "pull_request")];
        let custom = Scheme::custom_from_json(r#"{"signature_header":"X-Sig"}"#).unwrap();
        for scheme in [Scheme::Quiltt, Scheme::Bond, Scheme::Standard, Scheme::Stripe,
                       Scheme::Github, Scheme::Slack, custom] {
            let ours = events::event_types(&scheme, &headers, &doc);
            if let Err(e) = &ours {
                prop_assert_eq!(e.code(), "invalid_body");
            }
            prop_assert_eq!(ours.ok(), serde_event_types(&scheme, &doc), "{}", scheme.name());
        }
    }

    #[test]
    fn custom_schemes_agree_with_serde_json(doc in custom_scheme()) {
        let Ok(json) = std::str::from_utf8(&doc) else { return Ok(()) };
        let ours = Scheme::custom_from_json(json);
        match serde_json::from_str::<MapOnly<SerdeCustom>>(json) {
            Err(_) => {
                let e = ours.unwrap_err();
                prop_assert_eq!(e.code(), "invalid_scheme");
                prop_assert!(e.to_string().contains("definition is not valid"), "{}", e);
            }
            Ok(MapOnly(c)) => match ours {
                Ok(Scheme::Custom(ours)) => prop_assert_eq!(*ours, CustomScheme {
                    signature_header: c.signature_header,
                    signature_prefix: c.signature_prefix,
                    timestamp_header: c.timestamp_header,
                    id_header: c.id_header,
                    event_header: c.event_header,
                    message: c.message,
                    encoding: c.encoding,
                    key_format: c.key_format,
                    min_secret_len: c.min_secret_len,
                }),
                // Read alike, refused by the checks after reading.
                Err(e) => prop_assert!(!e.to_string().contains("definition is not valid"), "{}", e),
                Ok(other) => prop_assert!(false, "{other:?}"),
            },
        }
    }
}

#[test]
fn custom_scheme_messages_name_the_field() {
    let why = |json: &str| Scheme::custom_from_json(json).unwrap_err().to_string();
    assert!(why(r#"{"signature_header":"X","surprise":1}"#).contains("unknown field \"surprise\""));
    assert!(why(r#"{"signature_header":5}"#).contains("\"signature_header\" must be a string"));
    assert!(why(r#"{"message":"{body}"}"#).contains("missing field \"signature_header\""));
    assert!(
        why(r#"{"signature_header":"X","encoding":"rot13"}"#).contains("\"hex\" or \"base64\"")
    );
    assert!(why(r#"{"signature_header":"X","min_secret_len":-1}"#).contains("whole number"));
    assert!(
        why(r#"{"signature_header":"X","id_header":"a","id_header":"b"}"#)
            .contains("duplicate field \"id_header\"")
    );
    assert!(why(r#"["X"]"#).contains("expected an object"));
}

#[test]
fn a_quiltt_event_item_must_be_an_object() {
    let none: [(&str, &str); 0] = [];
    assert!(events::event_types(&Scheme::Quiltt, &none, br#"{"events":[["a"]]}"#).is_err());
    assert!(events::event_types(&Scheme::Stripe, &none, br#"["invoice.paid"]"#).is_err());
}
