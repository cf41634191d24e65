//! `diagnose`: for the developer staring at a failing integration, try the
//! usual mistakes and name the one that explains the failure.
//!
//! Every sentence names headers, schemes and numbers only: never a secret,
//! never a signature (received or computed).

use crate::error::Error;
use crate::scheme::Scheme;
use crate::secret::{VerifyKey, keyed_mac, mistaken_keys};
use crate::text::position_of;
use crate::verify::{ParsedRequest, Verifier, find_header, parse_request, unix_now};

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

    /// A request signed only with a kind of key this verifier does not hold
    /// (Standard Webhooks' `v1` HMAC vs `v1a` Ed25519).
    fn explain_key_kinds(&self, request: &ParsedRequest) -> Option<String> {
        let version = self.profile.asymmetric_version()?;
        let header = request.signature_header;
        let public_keys = self
            .keys()
            .iter()
            .filter(|key| !matches!(key, VerifyKey::Hmac(_)))
            .count();
        let hmac_keys = self.keys().len() - public_keys;
        if request.signatures.is_empty() && !request.asymmetric.is_empty() && public_keys == 0 {
            return Some(format!(
                "The {header} header carries only {version} (Ed25519) signatures and this verifier holds only whsec_ secrets, which never verify them: give it the sender's whpk_ public key."
            ));
        }
        if request.asymmetric.is_empty() && !request.signatures.is_empty() && hmac_keys == 0 {
            return Some(format!(
                "The {header} header carries only HMAC signatures and this verifier holds only whpk_ public keys, which verify {version} entries only: give it the whsec_ secret, or have the sender sign with its whsk_ key."
            ));
        }
        None
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
        let signed_ok = request
            .matching_key(&self.profile, self.keys(), body)
            .is_some();
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
        if let Some(kinds) = self.explain_key_kinds(&request) {
            return kinds;
        }
        let matches_body = |candidate: &[u8]| {
            request
                .matching_key(&self.profile, self.keys(), candidate)
                .is_some()
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
    #[cfg(feature = "json")]
    if let Ok(value) = serde_json::from_slice::<serde_json::Value>(body) {
        let reserialized = "The body was re-serialized: a framework parsed the JSON and your code encoded it again, with different spacing, key order or escapes";
        let mut push = |variant: Vec<u8>| {
            if !variants.iter().any(|(v, _)| *v == variant) {
                variants.push((variant, reserialized));
            }
        };
        push(rewrite_json_whitespace(body, Spacing::Compact));
        push(rewrite_json_whitespace(body, Spacing::Python));
        for (sort_keys, python) in [(false, false), (true, false), (false, true), (true, true)] {
            let mut text = String::with_capacity(body.len());
            write_json(&value, Style { sort_keys, python }, &mut text);
            push(text.into_bytes());
        }
    }
    variants.retain(|(variant, _)| variant != body);
    variants
}

/// How a re-serializing program writes JSON.
#[cfg(feature = "json")]
#[derive(Clone, Copy)]
pub(crate) struct Style {
    /// Members sorted by name (Python's `sort_keys=True`, Go maps); by code
    /// point, which is UTF-8 byte order.
    pub sort_keys: bool,
    /// Python's `json.dumps` defaults: `", "` and `": "`, and every
    /// non-ASCII character escaped (`ensure_ascii=True`). Otherwise
    /// `JSON.stringify`'s: no spaces, only what must be escaped.
    pub python: bool,
}

/// Writes `value` the way `style` does: members in document order (a
/// repeated name keeps its first place and last value, as `serde_json`'s
/// `preserve_order` map and JS and Python objects do), numbers as written
/// (`arbitrary_precision`). Recursion is bounded by `serde_json`'s limit of
/// 128 levels on what it parses.
#[cfg(feature = "json")]
pub(crate) fn write_json(value: &serde_json::Value, style: Style, out: &mut String) {
    use serde_json::Value;
    let (comma, colon) = if style.python {
        (", ", ": ")
    } else {
        (",", ":")
    };
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&n.to_string()),
        Value::String(s) => write_string(s, style.python, out),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(comma);
                }
                write_json(item, style, out);
            }
            out.push(']');
        }
        Value::Object(members) => {
            let mut members: Vec<(&String, &Value)> = members.iter().collect();
            if style.sort_keys {
                members.sort_by(|a, b| a.0.cmp(b.0));
            }
            out.push('{');
            for (i, (key, value)) in members.into_iter().enumerate() {
                if i > 0 {
                    out.push_str(comma);
                }
                write_string(key, style.python, out);
                out.push_str(colon);
                write_json(value, style, out);
            }
            out.push('}');
        }
    }
}

/// Appends `s` as a JSON string. Escapes what JSON requires, the short forms
/// where they exist (as `JSON.stringify`, `serde_json` and Python do), and
/// with `ascii` every non-ASCII character too, as UTF-16 `\uXXXX` (Python).
#[cfg(feature = "json")]
fn write_string(s: &str, ascii: bool, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            ' '..='~' => out.push(c),
            _ if c >= '\u{7f}' && !ascii => out.push(c),
            _ => {
                for unit in c.encode_utf16(&mut [0; 2]) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
        }
    }
    out.push('"');
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

#[cfg(feature = "json")]
#[derive(Clone, Copy)]
enum Spacing {
    /// `JSON.stringify` / `json.dumps(separators=(",", ":"))`.
    Compact,
    /// Python's `json.dumps` default: `", "` and `": "`.
    Python,
}

/// Rewrites the whitespace between JSON tokens, keeping key order, numbers and
/// escapes byte for byte (so the only difference tested is spacing).
#[cfg(feature = "json")]
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

    fn rewritten(json: &str, sort_keys: bool, python: bool) -> String {
        let value: serde_json::Value = serde_json::from_str(json).unwrap();
        let mut out = String::new();
        write_json(&value, Style { sort_keys, python }, &mut out);
        out
    }

    #[test]
    fn writes_like_javascript_and_python() {
        // Expected outputs: node's JSON.stringify(JSON.parse(json)) and
        // Python's json.dumps(json.loads(json)), with sort_keys=True below.
        let json = r#"{ "b": [1, 2.50, "x\u002fy"], "a": {"é": "\u00e9\ud83d\ude00\u0001\u007f"}, "b": null }"#;
        assert_eq!(
            rewritten(json, false, false),
            "{\"b\":null,\"a\":{\"é\":\"é\u{1f600}\\u0001\u{7f}\"}}"
        );
        assert_eq!(
            rewritten(json, true, false),
            "{\"a\":{\"é\":\"é\u{1f600}\\u0001\u{7f}\"},\"b\":null}"
        );
        assert_eq!(
            rewritten(json, false, true),
            r#"{"b": null, "a": {"\u00e9": "\u00e9\ud83d\ude00\u0001\u007f"}}"#
        );
        assert_eq!(
            rewritten(json, true, true),
            r#"{"a": {"\u00e9": "\u00e9\ud83d\ude00\u0001\u007f"}, "b": null}"#
        );
        assert_eq!(
            rewritten(r#"[1.50,{"z":1,"y":[true,false]},-0]"#, true, true),
            r#"[1.50, {"y": [true, false], "z": 1}, -0]"#
        );
    }

    #[test]
    fn trees_nest_127_deep() {
        let nested = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
        assert!(serde_json::from_str::<serde_json::Value>(&nested(127)).is_ok());
        assert!(serde_json::from_str::<serde_json::Value>(&nested(128)).is_err());
        assert!(serde_json::from_str::<serde_json::Value>(&nested(200_000)).is_err());
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
