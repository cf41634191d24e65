//! `diagnose`: for the developer staring at a failing integration, try the
//! usual mistakes and name the one that explains the failure.
//!
//! Every sentence names headers, schemes and numbers only: never a secret,
//! never a signature (received or computed).

use crate::error::Error;
use crate::json;
use crate::matcher::position_of;
use crate::scheme::Scheme;
use crate::secret::{keyed_mac, mistaken_keys};
use crate::verify::{Verifier, find_header, parse_request, unix_now};

impl Verifier {
    /// Explains why a request fails to verify against the system clock; `None` when it verifies.
    pub fn diagnose<N: AsRef<[u8]>, V: AsRef<[u8]>>(
        &self,
        headers: &[(N, V)],
        body: &[u8],
    ) -> Option<String> {
        self.diagnose_at(headers, body, unix_now())
    }

    /// Explains why a request fails to verify at time `now`; `None` when it verifies.
    ///
    /// ```
    /// use hooksig::{Scheme, SignOptions, Verifier, sign};
    /// let body = br#"{"event":"card.created","id":1}"#;
    /// let options = SignOptions { timestamp: Some(1_700_000_000), ..Default::default() };
    /// let headers = sign(&Scheme::Bond, "whsec_bond-secret", body, &options).unwrap();
    /// let verifier = Verifier::new(Scheme::Bond, &["whsec_bond-secret"]).unwrap();
    ///
    /// // A framework parsed the JSON and the handler re-encoded it, Python-style.
    /// let reserialized = br#"{"event": "card.created", "id": 1}"#;
    /// let why = verifier.diagnose_at(&headers, reserialized, 1_700_000_000).unwrap();
    /// assert!(why.contains("re-serialized"), "{why}");
    /// assert_eq!(verifier.diagnose_at(&headers, body, 1_700_000_000), None);
    /// ```
    pub fn diagnose_at<N: AsRef<[u8]>, V: AsRef<[u8]>>(
        &self,
        headers: &[(N, V)],
        body: &[u8],
        now: i64,
    ) -> Option<String> {
        let error = self.verify_at(headers, body, now).err()?;
        Some(match &error {
            Error::MissingHeader { .. }
            | Error::MalformedHeader { .. }
            | Error::NoSupportedSignature { .. } => match self.other_scheme_in(headers) {
                Some(other) => format!(
                    "{error}. The request carries {}'s signature header ({}): it looks like a {} webhook, so verify it with scheme \"{}\" instead of \"{}\".",
                    display_name(&other),
                    other.profile().signature_header,
                    display_name(&other),
                    other.name(),
                    self.scheme().name()
                ),
                None => header_hint(&error),
            },
            Error::TimestampTooOld { .. } | Error::TimestampInFuture { .. } => {
                self.explain_clock(headers, body, &error)
            }
            Error::SignatureMismatch { .. } => self.explain_mismatch(headers, body, now),
            other => format!("{other}."),
        })
    }

    /// A built-in scheme other than ours whose signature header is present.
    fn other_scheme_in<N: AsRef<[u8]>, V: AsRef<[u8]>>(
        &self,
        headers: &[(N, V)],
    ) -> Option<Scheme> {
        Scheme::BUILT_IN
            .iter()
            .filter_map(|name| Scheme::from_name(name).ok())
            .find(|scheme| {
                let profile = scheme.profile();
                *scheme != *self.scheme()
                    && profile.signature_header != self.profile.signature_header
                    && std::iter::once(profile.signature_header.as_str())
                        .chain(profile.aliases.map(|a| a.signature))
                        .any(|name| matches!(find_header(headers, name), Ok(Some(_)) | Err(_)))
            })
    }

    fn explain_clock<N: AsRef<[u8]>, V: AsRef<[u8]>>(
        &self,
        headers: &[(N, V)],
        body: &[u8],
        error: &Error,
    ) -> String {
        let Ok(request) = parse_request(&self.profile, headers) else {
            return format!("{error}.");
        };
        let digits = request.timestamp.map_or(0, |t| t.raw.len());
        if digits >= 13 {
            return format!(
                "{error}. The timestamp has {digits} digits: it is in milliseconds (or finer), and the scheme signs Unix seconds."
            );
        }
        let signed_ok = self
            .keys()
            .iter()
            .any(|key| request.matches(&self.profile, key.clone(), body));
        let verdict = if signed_ok {
            "The signature itself is valid, so only the clock is the problem"
        } else {
            "The signature does not match either, so the request may also be forged or re-serialized"
        };
        let fix = match error {
            Error::TimestampTooOld { .. } => {
                "a replayed or long-queued request, or a clock ahead of the sender's: check NTP on this server, and pass a fixed `now` in tests"
            }
            _ => {
                "this server's clock is behind the sender's: check NTP, and pass a fixed `now` in tests"
            }
        };
        format!("{error}. {verdict}; likely cause: {fix}.")
    }

    fn explain_mismatch<N: AsRef<[u8]>, V: AsRef<[u8]>>(
        &self,
        headers: &[(N, V)],
        body: &[u8],
        now: i64,
    ) -> String {
        let Ok(request) = parse_request(&self.profile, headers) else {
            return "The signature does not match.".into();
        };
        let matches_body = |candidate: &[u8]| {
            self.keys()
                .iter()
                .any(|key| request.matches(&self.profile, key.clone(), candidate))
        };

        for (variant, explanation) in body_variants(body) {
            if matches_body(&variant) {
                return format!(
                    "{explanation}. Verify the raw request body, byte for byte as received."
                );
            }
        }
        if let Some(looks) = looks_reserialized(body) {
            return format!(
                "No secret matches and {looks}. Pass the raw request body (e.g. Flask `request.get_data()`, FastAPI `await request.body()`, Express `express.raw()`), not a parsed and re-encoded object."
            );
        }
        for secret in &self.secrets {
            for (key, explanation) in mistaken_keys(&self.profile, secret.expose()) {
                if request.matches(&self.profile, keyed_mac(&key), body) {
                    return format!(
                        "The signature matches a different encoding of the secret: {explanation}."
                    );
                }
            }
        }
        if let Some(explanation) = self.signed_as_other_scheme(headers, body, now) {
            return explanation;
        }
        format!(
            "No common mistake explains it (checked: re-serialized body, trailing newline or whitespace, secret encoding and whsec_ prefix, other schemes): the body was changed after signing (tampered with, or altered by a proxy or middleware), or the secret is not the one this {} endpoint signs with (test vs live, or rotated).",
            display_name(self.scheme())
        )
    }

    /// Some providers share header names with different messages; try them with our secrets.
    fn signed_as_other_scheme<N: AsRef<[u8]>, V: AsRef<[u8]>>(
        &self,
        headers: &[(N, V)],
        body: &[u8],
        now: i64,
    ) -> Option<String> {
        Scheme::BUILT_IN.iter().filter_map(|name| Scheme::from_name(name).ok()).find_map(|other| {
            if other == *self.scheme() {
                return None;
            }
            let secrets: Vec<&str> = self.secrets.iter().map(|s| s.expose()).collect();
            let verifier = Verifier::new(other.clone(), &secrets).ok()?.with_tolerance(u64::MAX);
            verifier.verify_at(headers, body, now).ok().map(|_| {
                format!(
                    "The request is signed the {} way (scheme \"{}\"), not the {} way: use scheme \"{}\".",
                    display_name(&other),
                    other.name(),
                    display_name(self.scheme()),
                    other.name()
                )
            })
        })
    }
}

fn header_hint(error: &Error) -> String {
    match error {
        Error::MissingHeader { header } => format!(
            "{error}. The request was not signed by this provider, or something between it and your code (a proxy, or a framework that drops unknown headers) removed {header}."
        ),
        Error::NoSupportedSignature { .. } => {
            format!(
                "{error}. The sender uses a newer or different signature version than this scheme defines."
            )
        }
        _ => format!("{error}."),
    }
}

fn display_name(scheme: &Scheme) -> &'static str {
    match scheme {
        Scheme::Quiltt => "Quiltt",
        Scheme::Standard => "Standard Webhooks",
        Scheme::Bond => "Atelio/Bond",
        Scheme::Tratta => "Tratta",
        Scheme::Stripe => "Stripe",
        Scheme::Github => "GitHub",
        Scheme::Shopify => "Shopify",
        Scheme::Slack => "Slack",
        Scheme::Custom(_) => "custom-scheme",
    }
}

/// Bodies the sender may really have signed, given the one we received, and
/// what the difference means.
///
/// A re-serialized JSON body is undone by writing it the ways receivers
/// usually re-encode a parsed body: `JSON.stringify` (no spaces, key order
/// kept, only required escapes), Python's `json.dumps` (`", "` and `": "`,
/// non-ASCII escaped) with and without `sort_keys=True`, compact with sorted
/// keys (`serde_json::Value`, Go maps), and the same spacings with every token
/// kept as received. Numbers are always kept as written: a sender's JSON
/// library writes them in the shortest form that re-encodes unchanged, and
/// reformatting floats would cost the WebAssembly build a float printer.
fn body_variants(body: &[u8]) -> Vec<(Vec<u8>, &'static str)> {
    let mut variants = Vec::new();
    if let Some(stripped) = body
        .strip_suffix(b"\r\n")
        .or_else(|| body.strip_suffix(b"\n"))
    {
        variants.push((
            stripped.to_vec(),
            "The body you passed has a trailing newline the sender did not sign",
        ));
    } else if body.last().is_some_and(u8::is_ascii_whitespace) {
        variants.push((
            body.trim_ascii_end().to_vec(),
            "The body you passed has trailing whitespace the sender did not sign",
        ));
    } else {
        variants.push((
            [body, b"\n"].concat(),
            "The sender signed a trailing newline that your body lacks (something stripped it)",
        ));
    }
    if body.contains(&b'\r') {
        let unix: Vec<u8> = body.iter().copied().filter(|&b| b != b'\r').collect();
        variants.push((unix, "Line endings were changed to CRLF after signing"));
    }
    if json::is_valid(body) {
        let reserialized = "The body was re-serialized: a framework parsed the JSON and your code encoded it again, with different spacing, key order or escapes";
        let mut push = |variant: Vec<u8>| {
            if !variants.iter().any(|(v, _)| *v == variant) {
                variants.push((variant, reserialized));
            }
        };
        push(rewrite_json_whitespace(body, Spacing::Compact));
        push(rewrite_json_whitespace(body, Spacing::Python));
        if let Ok(value) = json::Value::parse(body) {
            for (sort_keys, python) in [(false, false), (true, false), (false, true), (true, true)]
            {
                let mut text = String::with_capacity(body.len());
                value.write(json::Style { sort_keys, python }, &mut text);
                push(text.into_bytes());
            }
        }
    }
    variants.retain(|(variant, _)| variant != body);
    variants
}

/// Telltales of a body that is not what the sender sent, even when no variant matches.
fn looks_reserialized(body: &[u8]) -> Option<&'static str> {
    let text = std::str::from_utf8(body).ok()?.trim();
    if (text.starts_with("{'") || text.starts_with("[{'"))
        && position_of(text.as_bytes(), b"':").is_some()
    {
        return Some("the body is a Python dict repr (single quotes), not the JSON that was sent");
    }
    if text == "[object Object]" {
        return Some(
            "the body is the string \"[object Object]\": a JS object was passed where the raw body belongs",
        );
    }
    None
}

#[derive(Clone, Copy)]
enum Spacing {
    /// `JSON.stringify` / `json.dumps(separators=(",", ":"))`.
    Compact,
    /// Python's `json.dumps` default: `", "` and `": "`.
    Python,
}

/// Rewrites the whitespace between JSON tokens, keeping key order, numbers and
/// escapes byte for byte (so the only difference tested is spacing).
fn rewrite_json_whitespace(json: &[u8], spacing: Spacing) -> Vec<u8> {
    let mut out = Vec::with_capacity(json.len());
    let mut in_string = false;
    let mut escaped = false;
    for &b in json {
        if in_string {
            out.push(b);
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
            }
            continue;
        }
        match b {
            b' ' | b'\n' | b'\r' | b'\t' => {}
            b'"' => {
                in_string = true;
                out.push(b);
            }
            b',' | b':' => {
                out.push(b);
                if let Spacing::Python = spacing {
                    out.push(b' ');
                }
            }
            _ => out.push(b),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{SignOptions, sign};

    const NOW: i64 = 1_700_000_000;

    fn signed(scheme: Scheme, secret: &str, body: &[u8]) -> (Verifier, Vec<(String, String)>) {
        let options = SignOptions {
            timestamp: Some(NOW),
            ..Default::default()
        };
        let headers = sign(&scheme, secret, body, &options).unwrap();
        (Verifier::new(scheme, &[secret]).unwrap(), headers)
    }

    #[test]
    fn json_whitespace_rewrites_keep_strings() {
        let body = br#"{ "a" : "x, y: \"z\"" ,"b":[1, 2] }"#;
        assert_eq!(
            rewrite_json_whitespace(body, Spacing::Compact),
            br#"{"a":"x, y: \"z\"","b":[1,2]}"#
        );
        assert_eq!(
            rewrite_json_whitespace(body, Spacing::Python),
            br#"{"a": "x, y: \"z\"", "b": [1, 2]}"#
        );
    }

    #[test]
    fn names_a_reserialized_body_in_each_style() {
        // (what the sender signed, what a receiver's framework handed over)
        let cases: [(&str, &str); 3] = [
            // Python's json.dumps(sort_keys=True), re-encoded by JSON.stringify.
            (r#"{"a": 1, "b": "\u00e9"}"#, "{\"b\":\"\u{e9}\",\"a\":1}"),
            // Compact with sorted keys (Go maps, serde_json::Value), re-encoded by Python.
            (
                r#"{"a":[1,2],"b":{"c":null,"d":true}}"#,
                r#"{"b": {"d": true, "c": null}, "a": [1, 2]}"#,
            ),
            // JSON.stringify, re-encoded by Python with sorted keys.
            (r#"{"z":"x","y":-1.50}"#, r#"{"y": -1.50, "z": "x"}"#),
        ];
        for (sent, received) in cases {
            let (v, headers) = signed(Scheme::Github, "gh-secret", sent.as_bytes());
            let why = v.diagnose_at(&headers, received.as_bytes(), NOW).unwrap();
            assert!(why.contains("re-serialized"), "{sent} / {received}: {why}");
        }
    }

    #[test]
    fn names_a_trailing_newline() {
        let (v, headers) = signed(Scheme::Github, "gh-secret", b"{}");
        let why = v.diagnose_at(&headers, b"{}\n", NOW).unwrap();
        assert!(why.contains("trailing newline"), "{why}");
    }

    #[test]
    fn names_trailing_whitespace() {
        let (v, headers) = signed(Scheme::Bond, "whsec_bond", br#"{"a":1}"#);
        let why = v.diagnose_at(&headers, br#"{"a":1} "#, NOW).unwrap();
        assert!(why.contains("trailing whitespace"), "{why}");
    }

    #[test]
    fn names_the_whsec_prefix_mistake() {
        let (_, headers) = signed(Scheme::Stripe, "abcdefghij", b"{}");
        let v = Verifier::new(Scheme::Stripe, &["whsec_abcdefghij"]).unwrap();
        let why = v.diagnose_at(&headers, b"{}", NOW).unwrap();
        assert!(why.contains("whsec_"), "{why}");
        assert!(!why.contains("abcdefghij"), "{why}");
    }

    #[test]
    fn names_the_wrong_scheme() {
        let (_, headers) = signed(Scheme::Stripe, "whsec_shared", b"{}");
        let v = Verifier::new(Scheme::Quiltt, &["whsec_shared"]).unwrap();
        let why = v.diagnose_at(&headers, b"{}", NOW).unwrap();
        assert!(why.contains("\"stripe\""), "{why}");
    }

    #[test]
    fn names_clock_skew_and_milliseconds() {
        let (v, headers) = signed(Scheme::Slack, "slack-secret", b"a=b");
        let why = v.diagnose_at(&headers, b"a=b", NOW + 1000).unwrap();
        assert!(why.contains("only the clock"), "{why}");
        let ms = vec![
            (
                "X-Slack-Request-Timestamp".to_owned(),
                "1700000000000".to_owned(),
            ),
            headers[1].clone(),
        ];
        let why = v.diagnose_at(&ms, b"a=b", NOW).unwrap();
        assert!(why.contains("milliseconds"), "{why}");
    }

    #[test]
    fn says_when_nothing_explains_it() {
        let (_, headers) = signed(Scheme::Shopify, "right", b"{}");
        let v = Verifier::new(Scheme::Shopify, &["wrong"]).unwrap();
        let why = v.diagnose_at(&headers, b"{}", NOW).unwrap();
        assert!(why.contains("No common mistake"), "{why}");
    }
}
