//! WebAssembly shell of `hooksig` for browsers and edge runtimes.
//!
//! This crate is the low-level half of the npm package `hooksig-wasm`: it
//! exports `WasmVerifier`, `wasmSign` and friends with flat, cheap-to-cross
//! argument types. The package's JavaScript layer (`js/`) turns Fetch
//! `Headers`, plain objects, pairs, strings and buffers into those types and
//! gives the result the JS API every hooksig package shares.
//!
//! Headers cross the boundary as one string: names and values alternate,
//! separated by NUL, which neither a header name nor a header value may
//! contain (Fetch and every HTTP parser reject it). One string costs one
//! UTF-8 encode instead of one per header, which matters at small bodies.
//! The caller also passes how many fields it joined, so a NUL smuggled into
//! a plain object's value is refused instead of splitting into a forged header.
//!
//! Nothing here reads a clock: `std::time::SystemTime::now()` panics on
//! `wasm32-unknown-unknown`, so every call takes "now" from JavaScript
//! (`Date.now()`) unless the caller fixed it.

use hooksig::{Error, Scheme, SignOptions};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(inline_js = r#"
export function hooksigError(code, message) {
  const error = new Error(message);
  error.code = code;
  return error;
}
export function rangeError(message) {
  return new RangeError(message);
}
export function nowSeconds() {
  return Math.floor(Date.now() / 1000);
}
"#)]
extern "C" {
    /// An `Error` carrying `.code`; the JS layer re-throws it as the typed class.
    #[wasm_bindgen(js_name = hooksigError)]
    fn hooksig_error(code: &str, message: String) -> JsValue;
    #[wasm_bindgen(js_name = rangeError)]
    fn range_error(message: &str) -> JsValue;
    #[wasm_bindgen(js_name = nowSeconds)]
    fn now_seconds() -> f64;
}

/// Why a call failed before or inside the core.
#[derive(Debug, PartialEq)]
enum Failure {
    Core(Error),
    /// A number argument that is not a usable count of seconds.
    Range(&'static str),
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        Failure::Core(error)
    }
}

impl From<Failure> for JsValue {
    fn from(failure: Failure) -> JsValue {
        match failure {
            Failure::Core(error) => hooksig_error(error.code(), error.to_string()),
            Failure::Range(message) => range_error(message),
        }
    }
}

/// Reads a scheme argument: a built-in name, or a custom scheme as JSON text
/// (the JS layer stringifies a custom-scheme object).
fn parse_scheme(scheme: &str) -> Result<Scheme, Error> {
    if scheme.trim_start().starts_with('{') {
        Scheme::custom_from_json(scheme)
    } else {
        Scheme::from_name(scheme)
    }
}

/// Splits the NUL-joined header fields into `(name, value)` pairs.
fn split_headers(joined: &str, fields: u32) -> Result<Vec<(&str, &str)>, Error> {
    if fields == 0 {
        return Ok(Vec::new());
    }
    let parts: Vec<&str> = joined.split('\0').collect();
    if parts.len() != fields as usize || parts.len() % 2 != 0 {
        return Err(Error::MalformedHeader {
            header: "(headers)".to_owned(),
            reason: "a header name or value contains a NUL character".to_owned(),
        });
    }
    Ok(parts.chunks_exact(2).map(|pair| (pair[0], pair[1])).collect())
}

/// Largest integer a JS number holds exactly; beyond it seconds are not whole.
const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

fn whole_seconds(value: f64, what: &'static str) -> Result<i64, Failure> {
    if value.is_finite() && value.fract() == 0.0 && value.abs() <= MAX_SAFE_INTEGER {
        // Exact: checked above to be a whole number within ±2^53.
        Ok(value as i64)
    } else {
        Err(Failure::Range(what))
    }
}

fn now_or_clock(now: Option<f64>) -> Result<i64, Failure> {
    whole_seconds(
        now.unwrap_or_else(now_seconds),
        "now must be a whole number of Unix seconds",
    )
}

/// A verifier for one scheme and one or more secrets (newest first).
#[wasm_bindgen(js_name = WasmVerifier)]
pub struct WasmVerifier {
    inner: hooksig::Verifier,
}

#[wasm_bindgen(js_class = WasmVerifier)]
impl WasmVerifier {
    /// `scheme` is a built-in name or custom-scheme JSON; `tolerance` is in seconds.
    #[wasm_bindgen(constructor)]
    pub fn new(
        scheme: &str,
        secrets: Vec<String>,
        tolerance: Option<f64>,
    ) -> Result<WasmVerifier, JsValue> {
        Ok(Self::build(scheme, &secrets, tolerance)?)
    }

    fn build(
        scheme: &str,
        secrets: &[String],
        tolerance: Option<f64>,
    ) -> Result<WasmVerifier, Failure> {
        let mut inner = hooksig::Verifier::new(parse_scheme(scheme)?, secrets)?;
        if let Some(seconds) = tolerance {
            let seconds = whole_seconds(seconds, "tolerance must be a whole number of seconds")
                .ok()
                .and_then(|s| u64::try_from(s).ok())
                .ok_or(Failure::Range(
                    "tolerance must be a whole, non-negative number of seconds",
                ))?;
            inner = inner.with_tolerance(seconds);
        }
        Ok(WasmVerifier { inner })
    }

    /// The scheme's name (`"custom"` for a custom scheme).
    #[wasm_bindgen(getter)]
    pub fn scheme(&self) -> String {
        self.inner.scheme().name().to_owned()
    }

    /// The timestamp tolerance in seconds.
    #[wasm_bindgen(getter)]
    pub fn tolerance(&self) -> f64 {
        self.inner.tolerance() as f64
    }

    /// Verifies a request whose body is bytes.
    pub fn verify(
        &self,
        headers: &str,
        fields: u32,
        body: &[u8],
        now: Option<f64>,
    ) -> Result<WasmVerified, JsValue> {
        Ok(self.verify_bytes(headers, fields, body, now)?)
    }

    /// Verifies a request whose body is a string (encoded as UTF-8 on the way in).
    #[wasm_bindgen(js_name = verifyText)]
    pub fn verify_text(
        &self,
        headers: &str,
        fields: u32,
        body: &str,
        now: Option<f64>,
    ) -> Result<WasmVerified, JsValue> {
        Ok(self.verify_bytes(headers, fields, body.as_bytes(), now)?)
    }

    /// Explains why a request with a bytes body fails; `undefined` when it verifies.
    pub fn diagnose(
        &self,
        headers: &str,
        fields: u32,
        body: &[u8],
        now: Option<f64>,
    ) -> Result<Option<String>, JsValue> {
        Ok(self.diagnose_bytes(headers, fields, body, now)?)
    }

    /// Explains why a request with a string body fails; `undefined` when it verifies.
    #[wasm_bindgen(js_name = diagnoseText)]
    pub fn diagnose_text(
        &self,
        headers: &str,
        fields: u32,
        body: &str,
        now: Option<f64>,
    ) -> Result<Option<String>, JsValue> {
        Ok(self.diagnose_bytes(headers, fields, body.as_bytes(), now)?)
    }

    fn verify_bytes(
        &self,
        headers: &str,
        fields: u32,
        body: &[u8],
        now: Option<f64>,
    ) -> Result<WasmVerified, Failure> {
        let now = now_or_clock(now)?;
        let verified = self
            .inner
            .verify_at(&split_headers(headers, fields)?, body, now)?;
        Ok(WasmVerified {
            key_index: verified.key_index as u32,
            timestamp: verified.timestamp.map(|t| t as f64),
            webhook_id: verified.webhook_id,
        })
    }

    fn diagnose_bytes(
        &self,
        headers: &str,
        fields: u32,
        body: &[u8],
        now: Option<f64>,
    ) -> Result<Option<String>, Failure> {
        let now = now_or_clock(now)?;
        Ok(self
            .inner
            .diagnose_at(&split_headers(headers, fields)?, body, now))
    }
}

/// What a successful verification found; the JS layer copies it into a plain object.
#[wasm_bindgen(js_name = WasmVerified)]
pub struct WasmVerified {
    key_index: u32,
    timestamp: Option<f64>,
    webhook_id: Option<String>,
}

#[wasm_bindgen(js_class = WasmVerified)]
impl WasmVerified {
    /// Index of the secret that matched.
    #[wasm_bindgen(getter, js_name = keyIndex)]
    pub fn key_index(&self) -> u32 {
        self.key_index
    }

    /// The signed timestamp in Unix seconds, for timestamped schemes.
    #[wasm_bindgen(getter)]
    pub fn timestamp(&self) -> Option<f64> {
        self.timestamp
    }

    /// The message id, where the scheme sends one.
    #[wasm_bindgen(getter, js_name = webhookId)]
    pub fn webhook_id(&self) -> Option<String> {
        self.webhook_id.clone()
    }
}

/// Signs `body` as a sender would; returns header names and values, alternating.
#[wasm_bindgen(js_name = wasmSign)]
pub fn wasm_sign(
    scheme: &str,
    secret: &str,
    body: &[u8],
    timestamp: Option<f64>,
    webhook_id: Option<String>,
    event_type: Option<String>,
) -> Result<Vec<String>, JsValue> {
    Ok(sign_flat(
        scheme, secret, body, timestamp, webhook_id, event_type,
    )?)
}

fn sign_flat(
    scheme: &str,
    secret: &str,
    body: &[u8],
    timestamp: Option<f64>,
    webhook_id: Option<String>,
    event_type: Option<String>,
) -> Result<Vec<String>, Failure> {
    let options = SignOptions {
        timestamp: Some(whole_seconds(
            timestamp.unwrap_or_else(now_seconds),
            "timestamp must be a whole number of Unix seconds",
        )?),
        webhook_id,
        event_type,
    };
    let headers = hooksig::sign(&parse_scheme(scheme)?, secret, body, &options)?;
    Ok(headers
        .into_iter()
        .flat_map(|(name, value)| [name, value])
        .collect())
}

/// Every error code, in the core's order, for the JS layer's error classes.
#[wasm_bindgen(js_name = errorCodes)]
pub fn error_codes() -> Vec<String> {
    Error::CODES.iter().map(|code| (*code).to_owned()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_split_into_pairs() {
        let pairs = split_headers("A\0one\0b\0\0C\0three", 6).unwrap();
        assert_eq!(pairs, [("A", "one"), ("b", ""), ("C", "three")]);
        assert!(split_headers("", 0).unwrap().is_empty());
    }

    #[test]
    fn a_smuggled_nul_is_refused_rather_than_forging_a_header() {
        let forged = "X-Other\0x\0Quiltt-Signature\0abc";
        let err = split_headers(forged, 2).unwrap_err();
        assert_eq!(err.code(), "malformed_header");
        assert!(split_headers("odd\0count\0x", 3).is_err());
    }

    #[test]
    fn scheme_is_a_name_or_custom_json() {
        assert_eq!(parse_scheme("svix").unwrap().name(), "standard");
        let custom = r#" {"signature_header":"X-Sig","message":"{body}"}"#;
        assert_eq!(parse_scheme(custom).unwrap().name(), "custom");
        assert_eq!(parse_scheme("acme").unwrap_err().code(), "invalid_scheme");
        assert_eq!(parse_scheme("{").unwrap_err().code(), "invalid_scheme");
    }

    #[test]
    fn seconds_must_be_whole_and_exact() {
        assert_eq!(whole_seconds(1_700_000_000.0, "t"), Ok(1_700_000_000));
        assert_eq!(whole_seconds(-5.0, "t"), Ok(-5));
        for bad in [0.5, f64::NAN, f64::INFINITY, 1e300] {
            assert_eq!(whole_seconds(bad, "t"), Err(Failure::Range("t")));
        }
    }

    #[test]
    fn verifies_what_it_signs_with_fixed_clocks() {
        let flat = sign_flat(
            "standard",
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            b"{}",
            Some(1_700_000_000.0),
            Some("msg_1".into()),
            None,
        )
        .unwrap();
        let joined = flat.join("\0");
        let verifier = WasmVerifier::build(
            "standard",
            &["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw".to_owned()],
            Some(10.0),
        )
        .unwrap();
        let fields = flat.len() as u32;
        let ok = verifier
            .verify_bytes(&joined, fields, b"{}", Some(1_700_000_005.0))
            .unwrap();
        assert_eq!(
            (ok.key_index, ok.timestamp, ok.webhook_id.as_deref()),
            (0, Some(1_700_000_000.0), Some("msg_1"))
        );
        let late = verifier.verify_bytes(&joined, fields, b"{}", Some(1_700_000_011.0));
        assert!(matches!(late, Err(Failure::Core(e)) if e.code() == "timestamp_too_old"));
        let why = verifier
            .diagnose_bytes(&joined, fields, b"{ }", Some(1_700_000_000.0))
            .unwrap();
        assert!(why.is_some());
    }

    #[test]
    fn tolerance_must_be_whole_and_non_negative() {
        let secrets = ["secret".to_owned()];
        for bad in [-1.0, 0.5, f64::NAN] {
            let err = WasmVerifier::build("github", &secrets, Some(bad)).err();
            assert!(matches!(err, Some(Failure::Range(_))), "{bad}");
        }
    }
}
