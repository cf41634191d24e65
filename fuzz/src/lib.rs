//! Shared pieces of the fuzz targets: the input format of the request-shaped
//! targets, the fixed secrets, and a naive reference of event-type matching.
//!
//! The request-shaped targets (`verify_diagnose`, `event_types`) read their
//! input as readable text, so seeds are real requests and the dictionaries'
//! tokens land where they matter:
//!
//! ```text
//! byte 0          scheme and flags (see each target)
//! line 1          `now` in decimal (Unix seconds; anything else reads as 0)
//! header lines    `Name: value` (or `Name:value`), one a line, up to an empty line
//! rest            the body, byte for byte
//! ```

use hooksig::Scheme;

/// The built-in schemes, indexed by the low bits of byte 0.
pub fn built_in(index: u8) -> Scheme {
    match index % 8 {
        0 => Scheme::Quiltt,
        1 => Scheme::Standard,
        2 => Scheme::Bond,
        3 => Scheme::Tratta,
        4 => Scheme::Stripe,
        5 => Scheme::Github,
        6 => Scheme::Shopify,
        _ => Scheme::Slack,
    }
}

/// Two secrets per scheme (newest first), valid for it: the rotation cases
/// of `tests/vectors/verify.json`, so requests taken from there verify (most
/// with the older secret, index 1).
pub fn secrets(scheme: &Scheme) -> [&'static str; 2] {
    match scheme {
        Scheme::Quiltt => ["quiltt-rotated-secret", "quiltt-subscription-secret"],
        Scheme::Standard => [
            "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD",
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        ],
        Scheme::Bond => [
            "whsec_Zm9vYmFyYmF6cXV4cXV1eHF1dXhxdXV4",
            "whsec_ira5jceuzhxxBxoWckAU0hLFQe79bSMZ",
        ],
        Scheme::Tratta => ["new-secret-0123456789", "123412341234123412341234"],
        Scheme::Stripe => ["whsec_rolled_secret", "whsec_test_secret"],
        Scheme::Github => ["it's a new secret", "It's a Secret to Everybody"],
        Scheme::Shopify => ["shpss_rotated_secret", "shpss_app_secret"],
        _ => [
            "0a1b2c3d4e5f60718293a4b5c6d7e8f9",
            "8f742231b10e8888abcd99yyyzzz85a5",
        ],
    }
}

/// A request decoded from the text format above.
pub struct Request<'a> {
    pub now: i64,
    pub headers: Vec<(&'a [u8], &'a [u8])>,
    pub body: &'a [u8],
}

impl<'a> Request<'a> {
    /// Parses `data` (byte 0 already removed).
    pub fn parse(data: &'a [u8]) -> Request<'a> {
        let (first, mut rest) = split_line(data);
        let now = std::str::from_utf8(first.unwrap_or_default())
            .ok()
            .and_then(|t| t.trim().parse().ok())
            .unwrap_or(0);
        let mut headers = Vec::new();
        loop {
            let (line, after) = split_line(rest);
            let Some(line) = line else { break };
            rest = after;
            if line.is_empty() {
                break;
            }
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            match line.iter().position(|&b| b == b':') {
                Some(at) => {
                    let value = &line[at + 1..];
                    headers.push((&line[..at], value.strip_prefix(b" ").unwrap_or(value)));
                }
                None => headers.push((line, &b""[..])),
            }
        }
        Request {
            now,
            headers,
            body: rest,
        }
    }
}

/// The line up to `\n` (without it) and what follows; `None` at the end.
fn split_line(data: &[u8]) -> (Option<&[u8]>, &[u8]) {
    if data.is_empty() {
        return (None, data);
    }
    match data.iter().position(|&b| b == b'\n') {
        Some(at) => (Some(&data[..at]), &data[at + 1..]),
        None => (Some(data), &[]),
    }
}

/// The documented semantics of one pattern (README "Event types and routing",
/// `matcher.rs`), written the obvious way: `*` alone matches everything; a
/// pattern with `*` is a glob whose `*` matches any run of characters, dots
/// included (the empty run too); any other pattern matches the type equal to
/// it and, with `scope`, every type that starts with it and a dot.
pub fn reference_matches(pattern: &str, scope: bool, event_type: &str) -> bool {
    if pattern == "*" {
        return true;
    }
    if pattern.contains('*') {
        return glob(pattern.as_bytes(), event_type.as_bytes());
    }
    event_type == pattern
        || (scope
            && event_type.len() > pattern.len()
            && event_type.starts_with(pattern)
            && event_type.as_bytes()[pattern.len()] == b'.')
}

/// Classic glob over bytes: the first part is a prefix, the last a suffix,
/// the middle ones found left to right without overlap.
fn glob(pattern: &[u8], text: &[u8]) -> bool {
    let parts: Vec<&[u8]> = pattern.split(|&b| b == b'*').collect();
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if text.len() < first.len() + last.len() || !text.starts_with(first) || !text.ends_with(last) {
        return false;
    }
    let mut middle = &text[first.len()..text.len() - last.len()];
    for part in &parts[1..parts.len() - 1] {
        if part.is_empty() {
            continue;
        }
        match middle.windows(part.len()).position(|w| w == *part) {
            Some(at) => middle = &middle[at + part.len()..],
            None => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The reference agrees with every lookup of `tests/vectors/match.json`,
    /// so a disagreement found by the `matcher` target is the core's.
    #[test]
    fn reference_agrees_with_the_vectors() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/vectors/match.json");
        let doc: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let mut checked = 0;
        for case in doc["cases"].as_array().unwrap() {
            if case["expect"]["ok"] != true {
                continue;
            }
            let patterns: Vec<&str> = case["patterns"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p.as_str().unwrap())
                .collect();
            let scope = case["scope"].as_bool().unwrap();
            for lookup in case["expect"]["lookups"].as_array().unwrap() {
                let event_type = lookup["type"].as_str().unwrap();
                let expected: Vec<usize> = lookup["matching"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|i| i.as_u64().unwrap() as usize)
                    .collect();
                let ours: Vec<usize> = (0..patterns.len())
                    .filter(|&i| reference_matches(patterns[i], scope, event_type))
                    .collect();
                assert_eq!(ours, expected, "{} / {event_type}", case["name"]);
                checked += 1;
            }
        }
        assert!(checked > 50, "only {checked} lookups");
    }

    #[test]
    fn parses_the_request_format() {
        let request = Request::parse(b"1700000000\nA: one\nb:two\n\n{\"x\":1}\n");
        assert_eq!(request.now, 1_700_000_000);
        assert_eq!(request.headers, [(&b"A"[..], &b"one"[..]), (b"b", b"two")]);
        assert_eq!(request.body, b"{\"x\":1}\n");
    }
}
