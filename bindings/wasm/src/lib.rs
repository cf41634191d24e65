//! WebAssembly backend of `hooksig` for browsers and edge runtimes.
//!
//! This crate is the low-level half of the npm package `hooksig-wasm`. With
//! `js/adapter.js` it implements the backend contract of
//! `bindings/node/SHARED-API.md` (the `Verifier`, `sign`, ... that the shared
//! `api.js` wraps), so the wasm and native packages expose one JS API.
//!
//! The interface is built for a small `.wasm` and glue: only strings, bytes
//! and numbers cross it, never a JS object (which would need wasm-bindgen's
//! JS-side object heap in both directions):
//! - headers arrive as one `name\0value\0...` string plus the pair count (one
//!   UTF-8 encode instead of one per header);
//! - lists leave as one string joined by [`SEPARATOR`], and lists of
//!   arbitrary strings (secrets, patterns) arrive one `stage` call at a time;
//! - a failing call returns an empty value and leaves its error for
//!   `takeError`, which the adapter turns into an `Error` carrying `.code`.
//!
//! Nothing here reads a system clock: `std::time::SystemTime::now()` panics
//! on `wasm32-unknown-unknown`, so every call takes "now" from JavaScript
//! (`Date.now()`) unless the caller fixed it.

#[cfg(feature = "full")]
use hooksig::{Catalog, EventMatcher};
use hooksig::{Error, Scheme, SignOptions};
use std::cell::{Cell, RefCell};
use wasm_bindgen::prelude::*;
use zeroize::Zeroizing;

#[wasm_bindgen]
extern "C" {
    /// JavaScript's `Date.now()`, in milliseconds (a global: no snippet file to load).
    #[wasm_bindgen(js_namespace = Date)]
    fn now() -> f64;
}

/// Joins the items of a list that leaves as one string: a noncharacter that
/// no item can hold (header and scheme names are ASCII; header values from
/// `hooksig::wire::header_text` are one character per byte, at most U+00FF; error
/// codes are ASCII), so the adapter splits on it.
pub const SEPARATOR: char = '\u{FFFF}';

/// Why a call failed before or inside the core.
#[derive(Debug, PartialEq)]
enum CallError {
    Core(Error),
    /// A number argument that is not a usable count of seconds (a JS `RangeError`).
    Range(&'static str),
}

impl From<Error> for CallError {
    fn from(error: Error) -> Self {
        CallError::Core(error)
    }
}

thread_local! {
    /// The last failure, as `code` [`SEPARATOR`] `message` (code `range` for a RangeError).
    static ERROR: Cell<Option<String>> = const { Cell::new(None) };
    /// Strings staged for the next constructor (secrets, patterns), wiped
    /// when the constructor drops them.
    static STAGED: RefCell<Vec<Zeroizing<String>>> = const { RefCell::new(Vec::new()) };
}

/// The value of `result`, or `T::default()` with the failure left for `takeError`.
fn settle<T: Default>(result: Result<T, CallError>) -> T {
    result.unwrap_or_else(|failure| {
        let (code, message) = match failure {
            CallError::Core(error) => (error.code(), error.to_string()),
            CallError::Range(message) => ("range", message.to_owned()),
        };
        ERROR.set(Some([code, &SEPARATOR.to_string(), &message].concat()));
        T::default()
    })
}

/// The failure of the last call, `code` [`SEPARATOR`] `message`, once; `undefined` when it succeeded.
#[wasm_bindgen(js_name = takeError)]
pub fn take_error() -> Option<String> {
    ERROR.take()
}

/// Stages one string (a secret, a pattern) for the next constructor, which takes them all.
#[wasm_bindgen]
pub fn stage(text: String) {
    STAGED.with_borrow_mut(|staged| staged.push(Zeroizing::new(text)));
}

fn take_staged() -> Vec<Zeroizing<String>> {
    STAGED.take()
}

fn joined<S: AsRef<str>>(items: impl IntoIterator<Item = S>) -> String {
    let mut text = String::new();
    for (index, item) in items.into_iter().enumerate() {
        if index > 0 {
            text.push(SEPARATOR);
        }
        text.push_str(item.as_ref());
    }
    text
}

/// Reads a scheme argument: a built-in name, or a custom scheme as JSON text
/// (the JS layer stringifies a custom-scheme object). The light build has no
/// JSON reader: its adapter (js/adapter.js) hands a custom scheme over as
/// [`FIELDS_MARK`] and its members, `name` [`SEPARATOR`] `value` each, the
/// value a kind letter (`n` null, `s` string, `i` whole number, `x` other)
/// and its text.
fn parse_scheme(scheme: &str) -> Result<Scheme, Error> {
    #[cfg(not(feature = "full"))]
    if let Some(members) = scheme.strip_prefix(FIELDS_MARK) {
        return custom_from_members(members);
    }
    scheme.parse()
}

/// Starts a custom scheme given as members (light build).
#[cfg(not(feature = "full"))]
const FIELDS_MARK: char = '\u{1}';

#[cfg(not(feature = "full"))]
fn custom_from_members(members: &str) -> Result<Scheme, Error> {
    use hooksig::FieldValue;
    let mut parts = members.split(SEPARATOR).filter(|_| !members.is_empty());
    let mut fields = Vec::new();
    while let Some(name) = parts.next() {
        let value = parts.next().unwrap_or_default();
        let value = match value.split_at_checked(1) {
            Some(("n", _)) => FieldValue::Null,
            Some(("s", text)) => FieldValue::String(text),
            Some(("i", digits)) => digits
                .parse()
                .map_or(FieldValue::Other, FieldValue::WholeNumber),
            _ => FieldValue::Other,
        };
        fields.push((name, value));
    }
    Scheme::custom_from_fields(fields)
}

const TOLERANCE_RANGE: &str = "tolerance must be a whole, non-negative number of seconds";

/// Largest integer a JS number holds exactly; beyond it seconds are not whole.
const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

fn whole_seconds(value: f64, what: &'static str) -> Result<i64, CallError> {
    if value.is_finite() && value.fract() == 0.0 && value.abs() <= MAX_SAFE_INTEGER {
        // Exact: checked above to be a whole number within ±2^53.
        Ok(value as i64)
    } else {
        Err(CallError::Range(what))
    }
}

/// A duration: whole seconds, not negative.
fn unsigned_seconds(value: f64, what: &'static str) -> Result<u64, CallError> {
    whole_seconds(value, what).and_then(|s| u64::try_from(s).map_err(|_| CallError::Range(what)))
}

/// Whole Unix seconds: `seconds`, or the JS clock when absent.
fn seconds_or_clock(seconds: Option<f64>, what: &'static str) -> Result<i64, CallError> {
    whole_seconds(seconds.unwrap_or_else(|| (now() / 1000.0).floor()), what)
}

const NOW_RANGE: &str = "now must be a whole number of Unix seconds";

#[cfg(feature = "full")]
const RETENTION_RANGE: &str = "retention must be a whole, non-negative number of seconds";

/// A verifier for one scheme and one or more secrets (newest first).
///
/// A successful `verify` returns the webhook id and leaves the key index,
/// timestamp and whether the id is signed in `lastKeyIndex` / `lastTimestamp`
/// / `lastIdSigned` (and `verifyKeyed` the TTL in `lastTtl`): number getters
/// cost less than building a JS object, or a typed array wasm-bindgen copies
/// both ways.
#[wasm_bindgen(js_name = WasmVerifier)]
pub struct WasmVerifier {
    inner: hooksig::Verifier,
    last: Cell<[f64; 4]>,
}

#[wasm_bindgen(js_class = WasmVerifier)]
impl WasmVerifier {
    /// A verifier for the staged secrets; `scheme` is a built-in name or
    /// custom-scheme JSON, `tolerance` is in seconds. `undefined`: see `takeError`.
    pub fn create(scheme: &str, tolerance: Option<f64>) -> Option<WasmVerifier> {
        let staged = take_staged();
        // As `&str`s, the type diagnose's own `Verifier::new` calls use: one
        // copy of that code in the full `.wasm` instead of two.
        let secrets: Vec<&str> = staged.iter().map(|secret| secret.as_str()).collect();
        settle(Self::build(scheme, &secrets, tolerance).map(Some))
    }

    fn build(
        scheme: &str,
        secrets: &[&str],
        tolerance: Option<f64>,
    ) -> Result<WasmVerifier, CallError> {
        let mut inner = hooksig::Verifier::new(parse_scheme(scheme)?, secrets)?;
        if let Some(seconds) = tolerance {
            inner = inner.with_tolerance(unsigned_seconds(seconds, TOLERANCE_RANGE)?);
        }
        Ok(WasmVerifier {
            inner,
            last: Cell::new([f64::NAN; 4]),
        })
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

    /// Every header name `verify` may read, as the scheme spells it, joined by [`SEPARATOR`].
    #[wasm_bindgen(getter, js_name = headerNames)]
    pub fn header_names(&self) -> String {
        joined(self.inner.header_names())
    }

    /// The key index of the last successful `verify`.
    #[wasm_bindgen(getter, js_name = lastKeyIndex)]
    pub fn last_key_index(&self) -> f64 {
        self.last.get()[0]
    }

    /// The timestamp of the last successful `verify` (`NaN`: the scheme has none).
    #[wasm_bindgen(getter, js_name = lastTimestamp)]
    pub fn last_timestamp(&self) -> f64 {
        self.last.get()[1]
    }

    /// Whether the id of the last successful `verify` is signed (1) or not (0).
    #[wasm_bindgen(getter, js_name = lastIdSigned)]
    pub fn last_id_signed(&self) -> f64 {
        self.last.get()[2]
    }

    /// The replay TTL in seconds of the last successful `verifyKeyed`.
    #[cfg(feature = "full")]
    #[wasm_bindgen(getter, js_name = lastTtl)]
    pub fn last_ttl(&self) -> f64 {
        self.last.get()[3]
    }

    /// Verifies a request whose body is bytes; returns the webhook id (see `takeError`).
    pub fn verify(
        &self,
        headers: &str,
        count: u32,
        body: &[u8],
        now: Option<f64>,
    ) -> Option<String> {
        settle(self.verify_bytes(headers, count, body, now))
    }

    /// [`WasmVerifier::verify`] for a string body (hashed as UTF-8): the glue
    /// encodes it straight into wasm memory, which matters at small bodies;
    /// the other calls take strings as bytes encoded by the JS layer.
    #[wasm_bindgen(js_name = verifyText)]
    pub fn verify_text(
        &self,
        headers: &str,
        count: u32,
        body: &str,
        now: Option<f64>,
    ) -> Option<String> {
        settle(self.verify_bytes(headers, count, body.as_bytes(), now))
    }

    /// Verifies like `verify` and names the delivery's replay key, for a
    /// store that lives in JS (`ReplayStore.memory()`, or the caller's own:
    /// WebAssembly has no sockets) to claim. Returns the key, then
    /// [`SEPARATOR`] and the webhook id when there is one (`""` when the call
    /// failed: see `takeError`); the TTL is left in `lastTtl`. `retention`:
    /// the TTL in seconds where the scheme signs no timestamp.
    #[cfg(feature = "full")]
    #[wasm_bindgen(js_name = verifyKeyed)]
    pub fn verify_keyed(
        &self,
        headers: &str,
        count: u32,
        body: &[u8],
        now: Option<f64>,
        retention: f64,
    ) -> String {
        settle(self.keyed_bytes(headers, count, body, now, retention))
    }

    /// Explains why a request with a bytes body fails; `undefined` when it
    /// verifies (or when the call failed: see `takeError`).
    #[cfg(feature = "diagnose")]
    pub fn diagnose(
        &self,
        headers: &str,
        count: u32,
        body: &[u8],
        now: Option<f64>,
    ) -> Option<String> {
        settle(self.diagnose_bytes(headers, count, body, now))
    }

    fn verify_bytes(
        &self,
        headers: &str,
        count: u32,
        body: &[u8],
        now: Option<f64>,
    ) -> Result<Option<String>, CallError> {
        let now = seconds_or_clock(now, NOW_RANGE)?;
        let verified = self
            .inner
            .verify_packed(headers, count as usize, body, Some(now))?;
        Ok(self.keep(verified, f64::NAN))
    }

    /// Leaves `verified`'s numbers (and `ttl`) for the `last*` getters; returns its webhook id.
    fn keep(&self, verified: hooksig::Verified, ttl: f64) -> Option<String> {
        self.last.set([
            verified.key_index as f64,
            verified.timestamp.map_or(f64::NAN, |t| t as f64),
            f64::from(u8::from(verified.id_signed)),
            ttl,
        ]);
        verified.webhook_id
    }

    #[cfg(feature = "full")]
    fn keyed_bytes(
        &self,
        headers: &str,
        count: u32,
        body: &[u8],
        now: Option<f64>,
        retention: f64,
    ) -> Result<String, CallError> {
        let now = seconds_or_clock(now, NOW_RANGE)?;
        let retention = unsigned_seconds(retention, RETENTION_RANGE)?;
        let delivery = self.inner.verify_packed_keyed(
            headers,
            count as usize,
            body,
            Some(now),
            std::time::Duration::from_secs(retention),
        )?;
        // Always named: a store-less keyed verify has no store to fail open.
        let key = delivery.key.unwrap_or_default();
        let ttl = delivery.ttl.as_secs_f64();
        Ok(match self.keep(delivery.verified, ttl) {
            Some(id) => joined([key, id]),
            None => key,
        })
    }

    #[cfg(feature = "diagnose")]
    fn diagnose_bytes(
        &self,
        headers: &str,
        count: u32,
        body: &[u8],
        now: Option<f64>,
    ) -> Result<Option<String>, CallError> {
        let now = seconds_or_clock(now, NOW_RANGE)?;
        Ok(self
            .inner
            .diagnose_packed(headers, count as usize, body, Some(now))?)
    }
}

/// Signs `body` as a sender would; returns header names and values,
/// alternating, joined by [`SEPARATOR`] (`""` when the call failed: see `takeError`).
/// `secret` is taken owned (a `&str` argument's copy in wasm memory is freed
/// unwiped) and wiped on return.
#[wasm_bindgen]
pub fn sign(
    scheme: &str,
    secret: String,
    body: &[u8],
    timestamp: Option<f64>,
    webhook_id: Option<String>,
    event_type: Option<String>,
) -> String {
    let secret = Zeroizing::new(secret);
    settle(sign_flat(scheme, &secret, body, timestamp, webhook_id, event_type).map(joined))
}

fn sign_flat(
    scheme: &str,
    secret: &str,
    body: &[u8],
    timestamp: Option<f64>,
    webhook_id: Option<String>,
    event_type: Option<String>,
) -> Result<Vec<String>, CallError> {
    let options = SignOptions {
        timestamp: Some(seconds_or_clock(
            timestamp,
            "timestamp must be a whole number of Unix seconds",
        )?),
        webhook_id,
        event_type,
    };
    let headers = hooksig::wire::sign_text(&parse_scheme(scheme)?, secret, body, &options)?;
    Ok(headers
        .into_iter()
        .flat_map(|(name, value)| [name, value])
        .collect())
}

/// The core's error table, `hooksig::ErrorCode::TABLE` (read by errors.js).
#[wasm_bindgen(js_name = errorTable)]
pub fn error_table() -> String {
    hooksig::ErrorCode::TABLE.into()
}

/// The names of the built-in schemes, joined by [`SEPARATOR`].
#[wasm_bindgen(js_name = builtInSchemes)]
pub fn built_in_schemes() -> String {
    joined(Scheme::BUILT_IN)
}

/// A compiled list of event-type patterns.
#[cfg(feature = "full")]
#[wasm_bindgen(js_name = WasmEventMatcher)]
pub struct WasmEventMatcher {
    inner: EventMatcher,
}

#[cfg(feature = "full")]
#[wasm_bindgen(js_class = WasmEventMatcher)]
impl WasmEventMatcher {
    /// Compiles the staged patterns; `scope` makes a pattern without `*`
    /// match every type below it. `undefined`: see `takeError`.
    pub fn create(scope: bool) -> Option<WasmEventMatcher> {
        let staged = take_staged();
        let patterns: Vec<&str> = staged.iter().map(|pattern| pattern.as_str()).collect();
        settle(
            EventMatcher::new(&patterns, scope)
                .map(|inner| Some(WasmEventMatcher { inner }))
                .map_err(CallError::Core),
        )
    }

    /// Whether any pattern matches `event_type`.
    pub fn matches(&self, event_type: &str) -> bool {
        self.inner.matches(event_type)
    }

    /// The indexes of the matching patterns, ascending.
    pub fn matching(&self, event_type: &str) -> Vec<u32> {
        self.inner
            .matching(event_type)
            .into_iter()
            .map(|index| index as u32)
            .collect()
    }

    /// The patterns that match no type of `catalog`'s provider, flat and
    /// joined by [`SEPARATOR`]: index, pattern, suggestion (`""` for none),
    /// index, ... (the JS layer groups them). A compiled pattern is ASCII.
    #[wasm_bindgen(js_name = unknownPatterns)]
    pub fn unknown_patterns(&self, catalog: &str) -> String {
        settle(unknown_patterns_flat(&self.inner, catalog).map(joined))
    }
}

#[cfg(feature = "full")]
fn unknown_patterns_flat(matcher: &EventMatcher, catalog: &str) -> Result<Vec<String>, CallError> {
    let catalog = Catalog::for_provider(catalog)?;
    Ok(matcher
        .unknown_patterns(catalog)
        .into_iter()
        .flat_map(|u| {
            [
                u.index.to_string(),
                u.pattern,
                u.suggestion.unwrap_or_default(),
            ]
        })
        .collect())
}

/// The event types a request carries, one per event, in payload order. A
/// list of JS strings, not a joined one: they are payload text, any character.
#[cfg(feature = "full")]
#[wasm_bindgen(js_name = eventTypes)]
pub fn event_types(scheme: &str, headers: &str, count: u32, body: &[u8]) -> Vec<String> {
    settle(
        parse_scheme(scheme)
            .and_then(|scheme| {
                hooksig::wire::event_types_packed(&scheme, headers, count as usize, body)
            })
            .map_err(CallError::Core),
    )
}

/// Decrypts a Tratta payload (base64 text as bytes) with the webhook secret.
#[cfg(feature = "full")]
#[wasm_bindgen(js_name = trattaDecrypt)]
pub fn tratta_decrypt(secret: String, data: &[u8]) -> Vec<u8> {
    let secret = Zeroizing::new(secret);
    settle(hooksig::tratta::decrypt(secret.as_bytes(), data).map_err(CallError::Core))
}

/// Encrypts `plaintext` as Tratta does; returns base64 text.
#[cfg(feature = "full")]
#[wasm_bindgen(js_name = trattaEncrypt)]
pub fn tratta_encrypt(secret: String, plaintext: &[u8]) -> String {
    let secret = Zeroizing::new(secret);
    settle(hooksig::tratta::encrypt(secret.as_bytes(), plaintext).map_err(CallError::Core))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scheme_is_a_name_or_custom_json() {
        assert_eq!(parse_scheme("svix").unwrap().name(), "standard");
        let custom = r#" {"signature_header":"X-Sig","message":"{body}"}"#;
        // The light build reads a custom scheme's members, not its JSON.
        #[cfg(feature = "full")]
        assert_eq!(parse_scheme(custom).unwrap().name(), "custom");
        #[cfg(not(feature = "full"))]
        {
            assert_eq!(parse_scheme(custom).unwrap_err().code(), "invalid_scheme");
            let members = "\u{1}signature_header\u{FFFF}sX-Sig\u{FFFF}message\u{FFFF}s{body}";
            assert_eq!(parse_scheme(members).unwrap().name(), "custom");
        }
        assert_eq!(parse_scheme("acme").unwrap_err().code(), "invalid_scheme");
        assert_eq!(parse_scheme("{").unwrap_err().code(), "invalid_scheme");
    }

    #[test]
    fn seconds_must_be_whole_and_exact() {
        assert_eq!(whole_seconds(1_700_000_000.0, "t"), Ok(1_700_000_000));
        assert_eq!(whole_seconds(-5.0, "t"), Ok(-5));
        for bad in [0.5, f64::NAN, f64::INFINITY, 1e300] {
            assert_eq!(whole_seconds(bad, "t"), Err(CallError::Range("t")));
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
        let joined: String = flat.iter().map(|field| format!("{field}\0")).collect();
        let count = (flat.len() / 2) as u32;
        let verifier = WasmVerifier::build(
            "standard",
            &["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"],
            Some(10.0),
        )
        .unwrap();
        let id = verifier
            .verify_bytes(&joined, count, b"{}", Some(1_700_000_005.0))
            .unwrap();
        assert_eq!(id.as_deref(), Some("msg_1"));
        assert_eq!(verifier.last.get()[..3], [0.0, 1_700_000_000.0, 1.0]);
        #[cfg(feature = "full")]
        {
            let named = verifier
                .keyed_bytes(&joined, count, b"{}", Some(1_700_000_005.0), 60.0)
                .unwrap();
            let (key, id) = named.split_once(SEPARATOR).unwrap();
            assert!(
                key.starts_with("hooksig:replay:") && id == "msg_1",
                "{named}"
            );
            // Remembered until the window closes: timestamp + tolerance + 1 - now.
            assert_eq!(verifier.last_ttl(), 6.0);
            let bad = verifier.keyed_bytes(&joined, count, b"{}", Some(1_700_000_005.0), -1.0);
            assert_eq!(bad, Err(CallError::Range(RETENTION_RANGE)));
        }
        let late = verifier.verify_bytes(&joined, count, b"{}", Some(1_700_000_011.0));
        assert!(matches!(late, Err(CallError::Core(e)) if e.code() == "timestamp_too_old"));
        #[cfg(feature = "diagnose")]
        {
            let why = verifier.diagnose_bytes(&joined, count, b"{ }", Some(1_700_000_000.0));
            assert!(why.unwrap().is_some());
        }
    }

    #[cfg(feature = "full")]
    #[test]
    fn unknown_patterns_come_flat_and_need_a_known_catalogue() {
        let matcher =
            EventMatcher::new(&["profile", "connection.synced.sucessful", "nope"], true).unwrap();
        let flat = unknown_patterns_flat(&matcher, "quiltt").unwrap();
        assert_eq!(
            flat,
            [
                "1",
                "connection.synced.sucessful",
                "connection.synced.successful",
                "2",
                "nope",
                ""
            ]
        );
        let err = unknown_patterns_flat(&matcher, "stripe").unwrap_err();
        assert!(matches!(err, CallError::Core(e) if e.code() == "invalid_scheme"));
    }

    #[test]
    fn failures_wait_in_take_error_and_lists_leave_joined() {
        assert_eq!(settle::<Option<u8>>(Ok(Some(1))), Some(1));
        assert_eq!(take_error(), None);
        stage("only-secret".into());
        assert!(WasmVerifier::create("acme", None).is_none());
        let error = take_error().unwrap();
        let (code, message) = error.split_once(SEPARATOR).unwrap();
        assert_eq!(code, "invalid_scheme");
        assert!(
            message.starts_with("invalid scheme: unknown scheme \"acme\""),
            "{message}"
        );
        assert_eq!(take_error(), None, "taken once");
        // The failed constructor consumed what was staged.
        assert!(WasmVerifier::create("github", None).is_none());
        assert!(take_error().unwrap().starts_with("invalid_secret"));
        assert_eq!(settle::<String>(Err(CallError::Range("r"))), "");
        assert_eq!(take_error().unwrap(), format!("range{SEPARATOR}r"));
        assert_eq!(
            built_in_schemes().split(SEPARATOR).collect::<Vec<_>>(),
            Scheme::BUILT_IN
        );
    }

    #[test]
    fn signed_values_never_hold_the_separator() {
        // A webhook id of any text `sign` takes (no control characters)
        // comes back one character per byte.
        let id = format!("msg{SEPARATOR}\u{e9}");
        let flat = sign_flat(
            "standard",
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            b"{}",
            Some(0.0),
            Some(id),
            None,
        )
        .unwrap();
        assert!(flat.iter().all(|field| !field.contains(SEPARATOR)));
        assert_eq!(joined(&flat).split(SEPARATOR).count(), flat.len());
    }

    #[test]
    fn tolerance_must_be_whole_and_non_negative() {
        let secrets = ["secret"];
        for bad in [-1.0, 0.5, f64::NAN] {
            let err = WasmVerifier::build("github", &secrets, Some(bad)).err();
            assert!(matches!(err, Some(CallError::Range(_))), "{bad}");
        }
    }
}
