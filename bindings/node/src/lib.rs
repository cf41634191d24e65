//! The native backend of the `hooksig` npm package.
//!
//! Users never call this module directly: the shared JS layer (`api.js`, also
//! used over the WASM build) checks argument types, turns header mappings into
//! one string and maps errors to classes. This crate only converts those
//! uniform inputs and calls the core. The backend contract is in `SHARED-API.md`.
//!
//! Every error leaves as a JS `Error` whose `code` is the core's stable code;
//! every export is `catch_unwind`, so even a panic (the core has none on any
//! input) surfaces as a JS error instead of aborting the process.
#![deny(clippy::all)]

mod packed;

use hooksig::{Scheme, SignOptions};
use napi::bindgen_prelude::{AsyncTask, Buffer, Either, Float64Array, Uint8Array};
use napi::{Env, JsError, Task};
use napi_derive::napi;
use packed::HeaderText;
use std::sync::Arc;
use zeroize::Zeroizing;

/// The core's error code, used as the JS error's `code` property.
pub struct Code(&'static str);

impl AsRef<str> for Code {
    fn as_ref(&self) -> &str {
        self.0
    }
}

type Result<T> = napi::Result<T, Code>;

fn js_error(err: hooksig::Error) -> napi::Error<Code> {
    napi::Error::new(Code(err.code()), err.to_string())
}

/// A name such as `"quiltt"`, or a custom scheme's JSON definition.
fn parse_scheme(scheme: &str) -> Result<Scheme> {
    scheme.parse().map_err(js_error)
}

fn body_bytes<'a>(body: &'a Either<&[u8], String>) -> &'a [u8] {
    match body {
        Either::A(bytes) => bytes,
        Either::B(text) => text.as_bytes(),
    }
}

/// What a successful verification found (`{ keyIndex, timestamp, webhookId, idSigned }`).
#[napi(object, use_nullable = true)]
pub struct Verified {
    /// Index of the secret that matched, in the order given.
    pub key_index: u32,
    /// The signed timestamp (Unix seconds), for timestamped schemes.
    pub timestamp: Option<i64>,
    /// The message / delivery id, where the request carries one (an empty id header: none).
    pub webhook_id: Option<String>,
    /// True when the scheme signs the id (Standard Webhooks, a custom scheme
    /// whose message has `{id}`): only then is it safe to deduplicate on.
    pub id_signed: bool,
}

impl From<hooksig::Verified> for Verified {
    fn from(v: hooksig::Verified) -> Self {
        Verified {
            key_index: u32::try_from(v.key_index).unwrap_or(u32::MAX),
            timestamp: v.timestamp,
            webhook_id: v.webhook_id,
            id_signed: v.id_signed,
        }
    }
}

/// A prepared verifier; one instance serves a whole server.
#[napi(js_name = "Verifier")]
pub struct NativeVerifier {
    inner: Arc<hooksig::Verifier>,
    /// The JS layer's `Float64Array(2)` that the sync `verify` writes its
    /// result to. Handed over once, here: converting a typed array argument
    /// on every call costs more than the rest of the call's arguments.
    out: Float64Array,
    /// `verify`'s copy of the header text, kept to be reused by the next call.
    header_text: Vec<u8>,
}

#[napi]
impl NativeVerifier {
    /// `scheme`: a name or a custom scheme's JSON; `tolerance`: seconds, default 300;
    /// `out`: where `verify` writes its result (see there).
    #[napi(constructor, catch_unwind)]
    pub fn new(
        scheme: String,
        secrets: Vec<String>,
        tolerance: Option<u32>,
        out: Float64Array,
    ) -> Result<Self> {
        if out.len() < 3 {
            return Err(napi::Error::new(
                Code("invalid_body"),
                "out must be a Float64Array of at least 3 elements".to_owned(),
            ));
        }
        // napi copied each secret out of its JS string: wiped when this returns.
        let secrets = Zeroizing::new(secrets);
        let mut verifier =
            hooksig::Verifier::new(parse_scheme(&scheme)?, secrets.as_slice()).map_err(js_error)?;
        if let Some(seconds) = tolerance {
            verifier = verifier.with_tolerance(u64::from(seconds));
        }
        Ok(NativeVerifier {
            inner: Arc::new(verifier),
            out,
            header_text: Vec::new(),
        })
    }

    /// The scheme's name (`"custom"` for a user-defined one).
    #[napi(getter, catch_unwind)]
    pub fn scheme(&self) -> &'static str {
        self.inner.scheme().name()
    }

    /// The timestamp tolerance in seconds.
    #[napi(getter, catch_unwind)]
    pub fn tolerance(&self) -> u32 {
        u32::try_from(self.inner.tolerance()).unwrap_or(u32::MAX)
    }

    /// Every header name `verify` may read, as the scheme spells it; the JS
    /// layer passes only these to `verify`, so a request's other headers cost nothing.
    #[napi(getter, catch_unwind)]
    pub fn header_names(&self) -> Vec<String> {
        self.inner
            .header_names()
            .into_iter()
            .map(str::to_owned)
            .collect()
    }

    /// Verifies on the calling thread; `now` (Unix seconds) defaults to the clock.
    ///
    /// Writes the key index to `out[0]`, the timestamp (`NaN`: none) to
    /// `out[1]` and whether the id is signed (1 or 0) to `out[2]` of the
    /// constructor's `out`, and returns the webhook id:
    /// building a JS object through N-API costs more than the HMAC of a small
    /// body, a typed array write does not.
    #[napi(
        catch_unwind,
        ts_args_type = "headers: string, count: number, body: Uint8Array | string, now: number | undefined | null"
    )]
    pub fn verify(
        &mut self,
        headers: HeaderText,
        count: u32,
        body: Either<&[u8], String>,
        now: Option<i64>,
    ) -> Result<Option<String>> {
        headers.read_into(&mut self.header_text)?;
        let verified = self
            .inner
            .verify_packed(
                packed::utf8(&self.header_text)?,
                count as usize,
                body_bytes(&body),
                now,
            )
            .map_err(js_error)?;
        // SAFETY: the array is the JS layer's private scratch space, read
        // right after this synchronous call returns; JS is single-threaded,
        // so nothing else reads or writes it meanwhile.
        if let [key_index, timestamp, id_signed, ..] = unsafe { self.out.as_mut() } {
            *key_index = verified.key_index as f64;
            *timestamp = verified.timestamp.map_or(f64::NAN, |t| t as f64);
            *id_signed = f64::from(u8::from(verified.id_signed));
        }
        Ok(verified.webhook_id)
    }

    /// Verifies on the libuv thread pool, so a large body never blocks the event loop.
    #[napi(ts_return_type = "Promise<Verified>", catch_unwind)]
    pub fn verify_async(
        &self,
        headers: String,
        count: u32,
        body: Either<Uint8Array, String>,
        now: Option<i64>,
    ) -> Result<AsyncTask<VerifyTask>> {
        // Checked here so a malformed list rejects before the pool is involved.
        hooksig::wire::split_packed_headers(
            &hooksig::wire::packed_header_bytes(&headers),
            count as usize,
        )
        .map_err(js_error)?;
        Ok(AsyncTask::new(VerifyTask {
            verifier: Arc::clone(&self.inner),
            headers,
            count,
            body,
            now,
        }))
    }

    /// `null`, or a sentence naming the integration mistake.
    #[napi(catch_unwind)]
    pub fn diagnose(
        &self,
        headers: String,
        count: u32,
        body: Either<&[u8], String>,
        now: Option<i64>,
    ) -> Result<Option<String>> {
        self.inner
            .diagnose_packed(&headers, count as usize, body_bytes(&body), now)
            .map_err(js_error)
    }
}

/// A verification run on the thread pool; the body stays referenced, not copied.
pub struct VerifyTask {
    verifier: Arc<hooksig::Verifier>,
    headers: String,
    count: u32,
    body: Either<Uint8Array, String>,
    now: Option<i64>,
}

impl Task for VerifyTask {
    // The core's error travels back to the JS thread whole: a `Task` can only
    // fail with a `Status`, which would lose the code.
    type Output = std::result::Result<hooksig::Verified, hooksig::Error>;
    type JsValue = Verified;

    fn compute(&mut self) -> napi::Result<Self::Output> {
        let body: &[u8] = match &self.body {
            Either::A(bytes) => bytes,
            Either::B(text) => text.as_bytes(),
        };
        Ok(self
            .verifier
            .verify_packed(&self.headers, self.count as usize, body, self.now))
    }

    fn resolve(&mut self, env: Env, output: Self::Output) -> napi::Result<Verified> {
        match output {
            Ok(verified) => Ok(verified.into()),
            // Rejecting with a ready-made JS error keeps its `code`.
            Err(err) => Err(JsError::from(js_error(err)).into_unknown(env).into()),
        }
    }
}

/// Signs `body` as a sender would; returns `[name, value, name, value, ...]`.
#[napi(catch_unwind)]
pub fn sign(
    scheme: String,
    secret: String,
    body: Either<&[u8], String>,
    timestamp: Option<i64>,
    webhook_id: Option<String>,
    event_type: Option<String>,
) -> Result<Vec<String>> {
    let secret = Zeroizing::new(secret);
    let options = SignOptions {
        timestamp,
        webhook_id,
        event_type,
    };
    let headers = hooksig::wire::sign_text(
        &parse_scheme(&scheme)?,
        secret.as_str(),
        body_bytes(&body),
        &options,
    )
    .map_err(js_error)?;
    Ok(headers
        .into_iter()
        .flat_map(|(name, value)| [name, value])
        .collect())
}

/// A compiled list of event-type patterns.
#[napi(js_name = "EventMatcher")]
pub struct NativeEventMatcher {
    inner: hooksig::EventMatcher,
}

/// A pattern that matches no type of a provider's catalogue.
#[napi(object, use_nullable = true)]
pub struct UnknownPattern {
    /// Index of the pattern in the list given.
    pub index: u32,
    /// The pattern itself.
    pub pattern: String,
    /// The nearest known type, when the pattern looks like a typo of one.
    pub suggestion: Option<String>,
}

#[napi]
impl NativeEventMatcher {
    /// `scope`: patterns without `*` also match every type below them.
    #[napi(constructor, catch_unwind)]
    pub fn new(patterns: Vec<String>, scope: bool) -> Result<Self> {
        Ok(NativeEventMatcher {
            inner: hooksig::EventMatcher::new(&patterns, scope).map_err(js_error)?,
        })
    }

    /// Whether any pattern matches `event_type`.
    #[napi(catch_unwind)]
    pub fn matches(&self, event_type: String) -> bool {
        self.inner.matches(&event_type)
    }

    /// The indexes of the matching patterns, ascending.
    #[napi(catch_unwind)]
    pub fn matching(&self, event_type: String) -> Vec<u32> {
        self.inner
            .matching(&event_type)
            .into_iter()
            .map(|index| u32::try_from(index).unwrap_or(u32::MAX))
            .collect()
    }

    /// The patterns that match no type of `catalog`'s provider (`quiltt`, `bond`, `tratta`).
    #[napi(catch_unwind)]
    pub fn unknown_patterns(&self, catalog: String) -> Result<Vec<UnknownPattern>> {
        let catalog = hooksig::Catalog::for_provider(&catalog).map_err(js_error)?;
        Ok(self
            .inner
            .unknown_patterns(catalog)
            .into_iter()
            .map(|unknown| UnknownPattern {
                index: u32::try_from(unknown.index).unwrap_or(u32::MAX),
                pattern: unknown.pattern,
                suggestion: unknown.suggestion,
            })
            .collect())
    }
}

/// The event types a request carries, one per event, in payload order.
#[napi(catch_unwind)]
pub fn event_types(
    scheme: String,
    headers: String,
    count: u32,
    body: Either<&[u8], String>,
) -> Result<Vec<String>> {
    hooksig::wire::event_types_packed(
        &parse_scheme(&scheme)?,
        &headers,
        count as usize,
        body_bytes(&body),
    )
    .map_err(js_error)
}

/// Decrypts a Tratta payload (base64 text) with the webhook secret.
#[napi(catch_unwind)]
pub fn tratta_decrypt(secret: String, data: Either<&[u8], String>) -> Result<Buffer> {
    let secret = Zeroizing::new(secret);
    hooksig::tratta::decrypt(secret.as_bytes(), body_bytes(&data))
        .map(Buffer::from)
        .map_err(js_error)
}

/// Encrypts `plaintext` as Tratta does; returns base64 text.
#[napi(catch_unwind)]
pub fn tratta_encrypt(secret: String, plaintext: Either<&[u8], String>) -> Result<String> {
    let secret = Zeroizing::new(secret);
    hooksig::tratta::encrypt(secret.as_bytes(), body_bytes(&plaintext)).map_err(js_error)
}

/// The core's error table, `hooksig::ErrorCode::TABLE` (read by errors.js).
#[napi(catch_unwind)]
pub fn error_table() -> &'static str {
    hooksig::ErrorCode::TABLE
}

/// The names of the built-in schemes.
#[napi(catch_unwind)]
pub fn built_in_schemes() -> Vec<&'static str> {
    Scheme::BUILT_IN.to_vec()
}
