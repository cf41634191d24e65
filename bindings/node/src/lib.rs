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
use napi::{Env, JsError, JsValue, Task};
use napi_derive::napi;
use packed::HeaderText;
use std::sync::Arc;
use std::time::Duration;
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

/// [`js_error`] as a ready-made JS error object; a `replayed` one also says
/// whether the first copy was handled to completion (`completed`): adapters
/// answer such a copy 200 so the sender stops, one still in progress 409.
fn js_error_object(env: &Env, err: hooksig::Error) -> napi::Error {
    let completed = match err {
        hooksig::Error::Replayed { completed, .. } => Some(completed),
        _ => None,
    };
    let error = JsError::from(js_error(err)).into_unknown(*env);
    if let Some(completed) = completed
        && let Err(failed) = error
            .coerce_to_object()
            .and_then(|mut object| object.set("completed", completed))
    {
        return failed;
    }
    error.into()
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
    /// Always `null` here: only a guarded verification has a replay key
    /// ([`Delivery`]); present so every result has the public shape.
    pub replay_key: Option<String>,
}

impl From<hooksig::Verified> for Verified {
    fn from(v: hooksig::Verified) -> Self {
        Verified {
            key_index: u32::try_from(v.key_index).unwrap_or(u32::MAX),
            timestamp: v.timestamp,
            webhook_id: v.webhook_id,
            id_signed: v.id_signed,
            replay_key: None,
        }
    }
}

/// A verification with its replay key (`{ keyIndex, timestamp, webhookId,
/// idSigned, replayKey, ttl }`): claimed in a [`NativeReplayGuard`], or only
/// named, for a store that lives in JS to claim.
#[napi(object, use_nullable = true)]
pub struct Delivery {
    pub key_index: u32,
    pub timestamp: Option<i64>,
    pub webhook_id: Option<String>,
    pub id_signed: bool,
    /// The store key (a hash); `null` when a fail-open guard could not reach
    /// its store and the delivery went through unguarded.
    pub replay_key: Option<String>,
    /// How long the store remembers the delivery, in seconds.
    pub ttl: f64,
}

impl From<hooksig::Delivery> for Delivery {
    fn from(d: hooksig::Delivery) -> Self {
        let v = Verified::from(d.verified);
        Delivery {
            key_index: v.key_index,
            timestamp: v.timestamp,
            webhook_id: v.webhook_id,
            id_signed: v.id_signed,
            replay_key: d.key,
            ttl: d.ttl.as_secs_f64(),
        }
    }
}

/// A replay guard: the core's `ReplayGuard` over a memory or Redis store.
/// Its calls block on the store: a memory store answers in microseconds, so
/// the JS layer uses it on the event loop; a Redis store only from the
/// `*Async` methods, which run on the libuv pool.
#[napi(js_name = "ReplayGuard")]
pub struct NativeReplayGuard {
    inner: hooksig::ReplayGuard,
}

/// Seconds given by the JS layer (which checks them) as a TTL or retention.
fn seconds(value: f64) -> Duration {
    Duration::try_from_secs_f64(value).unwrap_or(Duration::from_secs(1))
}

/// What `complete` and `release` need of a claim: its key and TTL, which the
/// JS layer kept from the verification (the guard reads nothing else).
fn claim(key: String, ttl: f64) -> hooksig::Delivery {
    hooksig::Delivery {
        verified: hooksig::Verified {
            key_index: 0,
            timestamp: None,
            webhook_id: None,
            id_signed: false,
        },
        key: Some(key),
        ttl: seconds(ttl),
    }
}

#[napi]
impl NativeReplayGuard {
    /// A guard over a `MemoryStore` of `max_entries` keys; `retention`:
    /// seconds a delivery without a signed timestamp is remembered.
    #[napi(factory, catch_unwind)]
    pub fn memory(max_entries: u32, retention: f64, fail_open: bool) -> Self {
        let store = hooksig::MemoryStore::new(max_entries as usize);
        NativeReplayGuard {
            inner: hooksig::ReplayGuard::new(store)
                .with_retention(seconds(retention))
                .with_fail_open(fail_open),
        }
    }

    /// A guard over a `RedisStore` at `url` (not connected until first used);
    /// `timeout_ms` bounds connecting and each command.
    #[napi(factory, catch_unwind)]
    pub fn redis(url: String, retention: f64, timeout_ms: u32, fail_open: bool) -> Result<Self> {
        let store = hooksig::RedisStore::new(&url)
            .map_err(js_error)?
            .with_timeout(Duration::from_millis(u64::from(timeout_ms)));
        Ok(NativeReplayGuard {
            inner: hooksig::ReplayGuard::new(store)
                .with_retention(seconds(retention))
                .with_fail_open(fail_open),
        })
    }

    /// Marks a claimed key handled, on the calling thread (memory stores).
    #[napi(catch_unwind)]
    pub fn complete(&self, key: String, ttl: f64) -> Result<()> {
        self.inner.complete(&claim(key, ttl)).map_err(js_error)
    }

    /// Frees a claimed key, on the calling thread (memory stores).
    #[napi(catch_unwind)]
    pub fn release(&self, key: String) -> Result<()> {
        self.inner.release(&claim(key, 0.0)).map_err(js_error)
    }

    /// [`NativeReplayGuard::complete`] on the libuv pool (Redis stores).
    #[napi(ts_return_type = "Promise<void>", catch_unwind)]
    pub fn complete_async(&self, key: String, ttl: f64) -> AsyncTask<SettleTask> {
        AsyncTask::new(SettleTask {
            guard: self.inner.clone(),
            claim: claim(key, ttl),
            complete: true,
        })
    }

    /// [`NativeReplayGuard::release`] on the libuv pool (Redis stores).
    #[napi(ts_return_type = "Promise<void>", catch_unwind)]
    pub fn release_async(&self, key: String) -> AsyncTask<SettleTask> {
        AsyncTask::new(SettleTask {
            guard: self.inner.clone(),
            claim: claim(key, 0.0),
            complete: false,
        })
    }
}

/// A guard's `complete` or `release` run on the thread pool.
pub struct SettleTask {
    guard: hooksig::ReplayGuard,
    claim: hooksig::Delivery,
    complete: bool,
}

impl Task for SettleTask {
    type Output = std::result::Result<(), hooksig::Error>;
    type JsValue = ();

    fn compute(&mut self) -> napi::Result<Self::Output> {
        Ok(match self.complete {
            true => self.guard.complete(&self.claim),
            false => self.guard.release(&self.claim),
        })
    }

    fn resolve(&mut self, env: Env, output: Self::Output) -> napi::Result<()> {
        output.map_err(|err| js_error_object(&env, err))
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
        self.task(Guard::None, headers, count, body, now)
    }

    /// Verifies and claims the delivery in `guard`, on the calling thread:
    /// for a memory guard only (a Redis round trip must not block the event loop).
    #[napi(
        catch_unwind,
        ts_args_type = "guard: ReplayGuard, headers: string, count: number, body: Uint8Array | string, now: number | undefined | null"
    )]
    pub fn verify_once(
        &self,
        env: Env,
        guard: &NativeReplayGuard,
        headers: String,
        count: u32,
        body: Either<&[u8], String>,
        now: Option<i64>,
    ) -> napi::Result<Delivery> {
        self.inner
            .verify_packed_once(
                &guard.inner,
                &headers,
                count as usize,
                body_bytes(&body),
                now,
            )
            .map(Delivery::from)
            .map_err(|err| js_error_object(&env, err))
    }

    /// [`NativeVerifier::verify_once`] on the libuv pool, where a Redis
    /// guard's round trip may block.
    #[napi(ts_return_type = "Promise<Delivery>", catch_unwind)]
    pub fn verify_once_async(
        &self,
        guard: &NativeReplayGuard,
        headers: String,
        count: u32,
        body: Either<Uint8Array, String>,
        now: Option<i64>,
    ) -> Result<AsyncTask<VerifyTask>> {
        self.task(Guard::Claim(guard.inner.clone()), headers, count, body, now)
    }

    /// Verifies and names the replay key and TTL without claiming, for a
    /// store that lives in JS; `retention`: the TTL (seconds) where no
    /// timestamp is signed.
    #[napi(catch_unwind)]
    pub fn verify_keyed(
        &self,
        headers: String,
        count: u32,
        body: Either<&[u8], String>,
        now: Option<i64>,
        retention: f64,
    ) -> Result<Delivery> {
        self.inner
            .verify_packed_keyed(
                &headers,
                count as usize,
                body_bytes(&body),
                now,
                seconds(retention),
            )
            .map(Delivery::from)
            .map_err(js_error)
    }

    /// [`NativeVerifier::verify_keyed`] on the libuv pool (a large body).
    #[napi(ts_return_type = "Promise<Delivery>", catch_unwind)]
    pub fn verify_keyed_async(
        &self,
        headers: String,
        count: u32,
        body: Either<Uint8Array, String>,
        now: Option<i64>,
        retention: f64,
    ) -> Result<AsyncTask<VerifyTask>> {
        self.task(Guard::Key(seconds(retention)), headers, count, body, now)
    }

    fn task(
        &self,
        guard: Guard,
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
            guard,
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

/// What a [`VerifyTask`] does about replays besides verifying.
enum Guard {
    /// Nothing: a plain verification.
    None,
    /// Names the key, with this retention (a store in JS claims it).
    Key(Duration),
    /// Claims the key in this guard.
    Claim(hooksig::ReplayGuard),
}

/// A verification run on the thread pool; the body stays referenced, not copied.
pub struct VerifyTask {
    verifier: Arc<hooksig::Verifier>,
    guard: Guard,
    headers: String,
    count: u32,
    body: Either<Uint8Array, String>,
    now: Option<i64>,
}

impl Task for VerifyTask {
    // The core's error travels back to the JS thread whole: a `Task` can only
    // fail with a `Status`, which would lose the code.
    type Output = std::result::Result<Either<hooksig::Verified, hooksig::Delivery>, hooksig::Error>;
    type JsValue = Either<Verified, Delivery>;

    fn compute(&mut self) -> napi::Result<Self::Output> {
        let body: &[u8] = match &self.body {
            Either::A(bytes) => bytes,
            Either::B(text) => text.as_bytes(),
        };
        let (headers, count, now) = (&self.headers, self.count as usize, self.now);
        Ok(match &self.guard {
            Guard::None => self
                .verifier
                .verify_packed(headers, count, body, now)
                .map(Either::A),
            Guard::Key(retention) => self
                .verifier
                .verify_packed_keyed(headers, count, body, now, *retention)
                .map(Either::B),
            Guard::Claim(guard) => self
                .verifier
                .verify_packed_once(guard, headers, count, body, now)
                .map(Either::B),
        })
    }

    fn resolve(&mut self, env: Env, output: Self::Output) -> napi::Result<Self::JsValue> {
        match output {
            Ok(Either::A(verified)) => Ok(Either::A(verified.into())),
            Ok(Either::B(delivery)) => Ok(Either::B(delivery.into())),
            // Rejecting with a ready-made JS error keeps its `code`.
            Err(err) => Err(js_error_object(&env, err)),
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
