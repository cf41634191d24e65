//! Which event type(s) a (verified) request carries, per scheme, for routing
//! through an [`EventMatcher`](crate::EventMatcher).
//!
//! The JSON body is read only as far as needed (`serde_json` into borrowed
//! structs): the fields that carry the type are borrowed out of it and
//! everything else is skipped as `IgnoredAny`, never built into a document.
//! Nesting deeper than `serde_json`'s limit (128) is `invalid_body`, never a
//! stack overflow.

use std::borrow::Cow;
use std::marker::PhantomData;

use serde::Deserialize;

use crate::error::{Error, Result};
use crate::scheme::Scheme;
use crate::verify::find_header;

/// The event types of a request, one entry per event, in payload order.
///
/// | scheme | where the type comes from |
/// |---|---|
/// | `quiltt` | every `events[].type` of the body (a payload may carry several events) |
/// | `bond` | the body's `event` |
/// | `tratta` | the `X-Tratta-Event-Name` header |
/// | `standard`, `stripe` | the body's `type` |
/// | `github` | the `X-GitHub-Event` header, plus `.` and the body's `action` when it has one (`pull_request.opened`) |
/// | `shopify` | the `X-Shopify-Topic` (or `shopify-topic`) header with `/` turned into `.` (`orders/create` → `orders.create`), so topics can be matched like every other type |
/// | `slack` | the inner `event.type` of an `event_callback` body, else the body's `type` (`url_verification`) |
/// | custom | its `event_header` when it names one, else the body's `type` |
///
/// Call it after [`Verifier::verify`](crate::Verifier::verify) succeeded: nothing here checks a signature.
///
/// ```
/// use hooksig::{EventMatcher, Scheme, events};
///
/// let body = br#"{"eventTypes":["profile.created","account.verified"],
///   "events":[{"id":"evt_1","type":"profile.created","record":{}},
///             {"id":"evt_2","type":"account.verified","record":{}}]}"#;
/// let no_headers: [(&str, &str); 0] = [];
/// let types = events::event_types(&Scheme::Quiltt, &no_headers, body)?;
/// assert_eq!(types, ["profile.created", "account.verified"]);
///
/// let github = [("X-GitHub-Event", "pull_request")];
/// let types = events::event_types(&Scheme::Github, &github, br#"{"action":"opened"}"#)?;
/// assert_eq!(types, ["pull_request.opened"]);
///
/// let routes = EventMatcher::new(&["profile", "account.verified"], true)?;
/// assert_eq!(routes.matching("profile.created"), [0]);
/// # Ok::<(), hooksig::Error>(())
/// ```
///
/// # Errors
/// [`Error::MissingHeader`] / [`Error::MalformedHeader`] when the header that
/// carries the type is absent, empty or not UTF-8; [`Error::InvalidBody`] when
/// the body is not JSON or lacks the field.
pub fn event_types<N: AsRef<[u8]>, V: AsRef<[u8]>>(
    scheme: &Scheme,
    headers: &[(N, V)],
    body: &[u8],
) -> Result<Vec<String>> {
    match scheme {
        Scheme::Quiltt => {
            let expected = "an \"events\" array whose items have a string \"type\"";
            let payload: QuilttPayload = read(body, "Quiltt", expected)?;
            if payload.events.is_empty() {
                return Err(invalid_body(
                    "the Quiltt payload's \"events\" array is empty",
                ));
            }
            Ok(payload
                .events
                .into_iter()
                .map(|e| e.0.kind.into_owned())
                .collect())
        }
        Scheme::Bond => {
            let payload: BondPayload = read(body, "Atelio/Bond", "a string \"event\" field")?;
            Ok(vec![payload.event.into_owned()])
        }
        Scheme::Standard | Scheme::Stripe => Ok(vec![body_type(body, scheme.name())?]),
        Scheme::Github => {
            let event = header_text(headers, "X-GitHub-Event")?;
            // Some events have no action (push), and a form-encoded delivery
            // has no JSON at all: the header alone is the type then.
            Ok(vec![match github_action(body) {
                Some(action) if !action.is_empty() => [event, ".", &action].concat(),
                _ => event.to_owned(),
            }])
        }
        Scheme::Shopify => {
            // Shopify's 2026 spelling first when present, as verify does for the signature.
            let topic = match find_header(headers, "shopify-topic")? {
                Some(_) => header_text(headers, "shopify-topic")?,
                None => header_text(headers, "X-Shopify-Topic")?,
            };
            Ok(vec![topic.replace('/', ".")])
        }
        Scheme::Slack => {
            let expected = "a string \"type\" field (Events API JSON)";
            let payload: SlackPayload = read(body, "Slack", expected)?;
            Ok(vec![match payload.event {
                Some(inner) if payload.kind == "event_callback" => inner.0.kind.into_owned(),
                _ => payload.kind.into_owned(),
            }])
        }
        Scheme::Tratta | Scheme::Custom(_) => match scheme.event_header() {
            Some(header) => Ok(vec![header_text(headers, header)?.to_owned()]),
            None => Ok(vec![body_type(body, scheme.name())?]),
        },
    }
}

fn body_type(body: &[u8], scheme: &str) -> Result<String> {
    let event: Object<Typed> = read(body, scheme, "a string \"type\" field")?;
    Ok(event.0.kind.into_owned())
}

/// A struct read from a JSON object only: serde's derive would also take
/// the positional form (an array of the fields in order, `["invoice.paid"]`
/// as a Stripe event), which no provider sends.
struct Object<T>(T);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Object<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct Visitor<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> serde::de::Visitor<'de> for Visitor<T> {
            type Value = T;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                map: A,
            ) -> std::result::Result<T, A::Error> {
                T::deserialize(serde::de::value::MapAccessDeserializer::new(map))
            }
        }
        d.deserialize_map(Visitor(PhantomData)).map(Object)
    }
}

// The payloads' fields that carry the type; every other member is skipped
// (serde's derive reads unknown fields as `IgnoredAny`), a repeated one refused.

/// An object with a string `type`.
#[derive(Deserialize)]
struct Typed<'a> {
    #[serde(rename = "type", borrow)]
    kind: Cow<'a, str>,
}

#[derive(Deserialize)]
struct QuilttPayload<'a> {
    #[serde(borrow)]
    events: Vec<Object<Typed<'a>>>,
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
    event: Option<Object<Typed<'a>>>,
}

/// `action`, when the body is a JSON object whose `action` is a string.
fn github_action(body: &[u8]) -> Option<Cow<'_, str>> {
    serde_json::from_slice::<Object<GithubPayload>>(body)
        .ok()?
        .0
        .action
}

/// Reads the whole body as one JSON object `T`.
fn read<'a, T: Deserialize<'a>>(body: &'a [u8], provider: &str, expected: &str) -> Result<T> {
    serde_json::from_slice::<Object<T>>(body)
        .map(|object| object.0)
        .map_err(|refusal| {
            invalid_body(format!(
                "expected a {provider} JSON body with {expected}: {refusal}"
            ))
        })
}

fn header_text<'a, N: AsRef<[u8]>, V: AsRef<[u8]>>(
    headers: &'a [(N, V)],
    name: &str,
) -> Result<&'a str> {
    let value = find_header(headers, name)?.ok_or_else(|| Error::MissingHeader {
        header: name.to_owned(),
    })?;
    if value.is_empty() {
        return Err(Error::malformed(name, "is empty"));
    }
    std::str::from_utf8(value).map_err(|_| Error::malformed(name, "is not UTF-8"))
}

fn invalid_body(reason: impl Into<String>) -> Error {
    Error::InvalidBody {
        reason: reason.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NONE: [(&str, &str); 0] = [];

    fn code(r: Result<Vec<String>>) -> &'static str {
        r.map(|_| ()).unwrap_err().code()
    }

    #[test]
    fn quiltt_several_events_with_escapes_and_extra_fields() {
        let body = br#"{"environment":{"id":"env_1","mode":"PRODUCTION"},
            "eventTypes":["connection.synced.successful"],
            "events":[{"id":"e1","type":"connection.synced.successful","record":{"x":[1,2,{"type":"no"}]}},
                      {"type":"profile\u002eready","id":"e2"}]}"#;
        assert_eq!(
            event_types(&Scheme::Quiltt, &NONE, body).unwrap(),
            ["connection.synced.successful", "profile.ready"]
        );
        assert_eq!(
            code(event_types(&Scheme::Quiltt, &NONE, br#"{"events":[]}"#)),
            "invalid_body"
        );
        assert_eq!(
            code(event_types(&Scheme::Quiltt, &NONE, br#"{"events":[{}]}"#)),
            "invalid_body"
        );
        assert_eq!(
            code(event_types(&Scheme::Quiltt, &NONE, b"\xff")),
            "invalid_body"
        );
    }

    #[test]
    fn body_fields() {
        let bond = br#"{"event":"kyc.verification.success","customer_id":"c"}"#;
        assert_eq!(
            event_types(&Scheme::Bond, &NONE, bond).unwrap(),
            ["kyc.verification.success"]
        );
        let stripe = br#"{"id":"evt_1","object":"event","type":"invoice.paid","data":{"object":{"type":"x"}}}"#;
        assert_eq!(
            event_types(&Scheme::Stripe, &NONE, stripe).unwrap(),
            ["invoice.paid"]
        );
        assert_eq!(
            event_types(&Scheme::Standard, &NONE, stripe).unwrap(),
            ["invoice.paid"]
        );
        assert_eq!(
            code(event_types(&Scheme::Standard, &NONE, br#"{"type":5}"#)),
            "invalid_body"
        );
        assert_eq!(code(event_types(&Scheme::Bond, &NONE, b"")), "invalid_body");
    }

    #[test]
    fn headers() {
        let tratta = [("x-tratta-event-name", "customer.create")];
        assert_eq!(
            event_types(&Scheme::Tratta, &tratta, b"{}").unwrap(),
            ["customer.create"]
        );
        assert_eq!(
            code(event_types(&Scheme::Tratta, &NONE, b"{}")),
            "missing_header"
        );
        let twice = [
            ("X-Tratta-Event-Name", "a.b"),
            ("X-Tratta-Event-Name", "c.d"),
        ];
        assert_eq!(
            code(event_types(&Scheme::Tratta, &twice, b"{}")),
            "malformed_header"
        );
        let empty = [("X-Tratta-Event-Name", " ")];
        assert_eq!(
            code(event_types(&Scheme::Tratta, &empty, b"{}")),
            "malformed_header"
        );
        let latin1: [(&[u8], &[u8]); 1] = [(b"X-Tratta-Event-Name", b"caf\xe9")];
        assert_eq!(
            code(event_types(&Scheme::Tratta, &latin1, b"{}")),
            "malformed_header"
        );

        let shopify = [("X-Shopify-Topic", "orders/create")];
        assert_eq!(
            event_types(&Scheme::Shopify, &shopify, b"{}").unwrap(),
            ["orders.create"]
        );

        let push = [("X-GitHub-Event", "push")];
        assert_eq!(
            event_types(&Scheme::Github, &push, br#"{"ref":"main"}"#).unwrap(),
            ["push"]
        );
        assert_eq!(
            event_types(&Scheme::Github, &push, b"payload=%7B%7D").unwrap(),
            ["push"]
        );
        let pr = [("X-GitHub-Event", "pull_request")];
        assert_eq!(
            event_types(&Scheme::Github, &pr, br#"{"action":"closed","number":1}"#).unwrap(),
            ["pull_request.closed"]
        );
    }

    #[test]
    fn slack_inner_event() {
        let callback = br#"{"type":"event_callback","event":{"type":"app_mention","text":"hi"}}"#;
        assert_eq!(
            event_types(&Scheme::Slack, &NONE, callback).unwrap(),
            ["app_mention"]
        );
        let challenge = br#"{"type":"url_verification","challenge":"x"}"#;
        assert_eq!(
            event_types(&Scheme::Slack, &NONE, challenge).unwrap(),
            ["url_verification"]
        );
        assert_eq!(
            code(event_types(&Scheme::Slack, &NONE, b"command=%2Fweather")),
            "invalid_body"
        );
    }

    #[test]
    fn custom_schemes() {
        let with_header =
            Scheme::custom_from_json(r#"{"signature_header":"X-Sig","event_header":"X-Event"}"#)
                .unwrap();
        let headers = [("x-event", "build.finished")];
        assert_eq!(
            event_types(&with_header, &headers, b"").unwrap(),
            ["build.finished"]
        );
        let without = Scheme::custom_from_json(r#"{"signature_header":"X-Sig"}"#).unwrap();
        assert_eq!(
            event_types(&without, &NONE, br#"{"type":"a.b"}"#).unwrap(),
            ["a.b"]
        );
    }
}
