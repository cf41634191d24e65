//! `hooksig_replay_store`: the replay guard (memory, Redis, or a store the
//! caller implements with callbacks), `hooksig_verify_once`, and handing a
//! claimed delivery back with `hooksig_replay_complete` / `_release`.

use crate::error::{CallError, guard, hooksig_error, hooksig_status};
use crate::input::{self, hooksig_header};
use crate::out;
use crate::verify::{hooksig_verified, hooksig_verifier, seconds, with_request};
use hooksig::{Claim, MemoryStore, ReplayGuard, ReplayStore};
use std::ffi::{CString, c_char, c_int, c_void};
use std::time::Duration;

/// Where a replay guard remembers deliveries, with the guard's settings.
///
/// Created by `hooksig_replay_store_memory`, `hooksig_replay_store_redis` or
/// `hooksig_replay_store_custom`; released by `hooksig_replay_store_free`.
/// One store may be used by any number of threads at the same time (and by
/// several verifiers: keys include the scheme).
#[derive(Debug)]
pub struct hooksig_replay_store(ReplayGuard);

/// What a custom store's `claim` callback reports through its `outcome`.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum hooksig_replay_claim {
    /// The key was free and is now claimed by this caller.
    HOOKSIG_REPLAY_CLAIMED = 0,
    /// Another copy holds the claim and is being handled.
    HOOKSIG_REPLAY_IN_PROGRESS = 1,
    /// A copy was handled to completion.
    HOOKSIG_REPLAY_COMPLETED = 2,
}

/// A replay store implemented by the caller (a SQL table with a unique key,
/// memcached, a store of a host language...). Each callback is one atomic
/// operation on one key and returns 0 on success; any other value means the
/// store could not answer, and the call fails with
/// `HOOKSIG_REPLAY_STORE_UNAVAILABLE` (never "not seen").
///
/// `key` is a NUL-terminated ASCII string (`"hooksig:replay:"` and 64 hex
/// digits), valid during the call only. `ttl_ms` is how long, in
/// milliseconds, the store must remember the key (at least 1).
///
/// The callbacks are called from whichever thread calls hooksig, possibly
/// from several at once: they must be thread-safe. `ctx` is passed to each
/// of them as is; it must stay valid until `hooksig_replay_store_free`.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct hooksig_replay_store_callbacks {
    /// Passed as the first argument of every callback.
    pub ctx: *mut c_void,
    /// Claims `key` for `ttl_ms` if nobody holds it (like Redis
    /// `SET key 1 NX PX ttl_ms`) and stores `HOOKSIG_REPLAY_CLAIMED` in
    /// `*outcome`; when the key is held, leaves it alone and stores
    /// `HOOKSIG_REPLAY_IN_PROGRESS` or `HOOKSIG_REPLAY_COMPLETED`.
    pub claim: Option<
        unsafe extern "C" fn(
            ctx: *mut c_void,
            key: *const c_char,
            ttl_ms: u64,
            outcome: *mut c_int,
        ) -> c_int,
    >,
    /// Marks `key` handled, remembered for `ttl_ms` from now.
    pub complete:
        Option<unsafe extern "C" fn(ctx: *mut c_void, key: *const c_char, ttl_ms: u64) -> c_int>,
    /// Forgets `key`, so the next copy is handled.
    pub release: Option<unsafe extern "C" fn(ctx: *mut c_void, key: *const c_char) -> c_int>,
}

/// The three callbacks, checked non-NULL at construction.
struct CallbackStore {
    ctx: *mut c_void,
    claim: unsafe extern "C" fn(*mut c_void, *const c_char, u64, *mut c_int) -> c_int,
    complete: unsafe extern "C" fn(*mut c_void, *const c_char, u64) -> c_int,
    release: unsafe extern "C" fn(*mut c_void, *const c_char) -> c_int,
}

// SAFETY: `hooksig_replay_store_custom` requires callbacks callable from any
// thread at once, with a `ctx` valid until the store is freed; the store only
// passes `ctx` along, it never reads it.
unsafe impl Send for CallbackStore {}
// SAFETY: as above.
unsafe impl Sync for CallbackStore {}

/// Milliseconds for a callback; a TTL never rounds down to 0.
fn millis(ttl: Duration) -> u64 {
    u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX).max(1)
}

/// The key as C text: store keys are ASCII hex, so the conversion cannot fail.
fn c_key(key: &str) -> Result<CString, String> {
    CString::new(key).map_err(|_| "the replay key contains a NUL".to_owned())
}

/// A callback's status as the store's answer.
fn answered(callback: &str, status: c_int) -> Result<(), String> {
    match status {
        0 => Ok(()),
        _ => Err(format!("the store's {callback} callback returned {status}")),
    }
}

impl ReplayStore for CallbackStore {
    fn claim(&self, key: &str, ttl: Duration) -> Result<Claim, String> {
        let key = c_key(key)?;
        // Anything but the three outcomes (the callback forgot to set it) is an error.
        let mut outcome: c_int = -1;
        // SAFETY: a live callback and `ctx` (contract); `key` and `outcome`
        // are valid for the call.
        let status = unsafe { (self.claim)(self.ctx, key.as_ptr(), millis(ttl), &mut outcome) };
        answered("claim", status)?;
        use hooksig_replay_claim::*;
        match outcome {
            o if o == HOOKSIG_REPLAY_CLAIMED as c_int => Ok(Claim::Claimed),
            o if o == HOOKSIG_REPLAY_IN_PROGRESS as c_int => Ok(Claim::InProgress),
            o if o == HOOKSIG_REPLAY_COMPLETED as c_int => Ok(Claim::Completed),
            o => Err(format!(
                "the store's claim callback reported outcome {o}, not a hooksig_replay_claim"
            )),
        }
    }

    fn complete(&self, key: &str, ttl: Duration) -> Result<(), String> {
        let key = c_key(key)?;
        // SAFETY: as in `claim`.
        answered("complete", unsafe {
            (self.complete)(self.ctx, key.as_ptr(), millis(ttl))
        })
    }

    fn release(&self, key: &str) -> Result<(), String> {
        let key = c_key(key)?;
        // SAFETY: as in `claim`.
        answered("release", unsafe { (self.release)(self.ctx, key.as_ptr()) })
    }
}

/// A guard over `store`; `retention_seconds` 0 keeps the default.
fn guard_over(store: impl ReplayStore + 'static, retention_seconds: u64) -> ReplayGuard {
    let guard = ReplayGuard::new(store);
    match retention_seconds {
        0 => guard,
        seconds => guard.with_retention(Duration::from_secs(seconds)),
    }
}

/// Hands a new store to the caller through the checked out-parameter.
///
/// # Safety
/// `slot` came from `out`.
unsafe fn store_out(slot: *mut *mut hooksig_replay_store, guard: ReplayGuard) {
    // SAFETY: `out` checked the pointer; the caller owns the new store.
    unsafe { *slot = Box::into_raw(Box::new(hooksig_replay_store(guard))) };
}

/// How long deliveries are remembered by default where the scheme signs no
/// timestamp (GitHub, Shopify, Tratta): 7 days, in seconds. Deliveries with
/// a signed timestamp are remembered until it leaves the tolerance window.
pub const HOOKSIG_REPLAY_DEFAULT_RETENTION: u64 = 604_800;
const _: () = assert!(HOOKSIG_REPLAY_DEFAULT_RETENTION == hooksig::DEFAULT_RETENTION.as_secs());

/// How many deliveries a memory store holds by default (about 15 MB).
pub const HOOKSIG_REPLAY_DEFAULT_MAX_ENTRIES: usize = 100_000;
const _: () = assert!(HOOKSIG_REPLAY_DEFAULT_MAX_ENTRIES == MemoryStore::DEFAULT_MAX_ENTRIES);

/// Creates a store in this process's memory: a map behind a lock, with
/// expiry by time and at most `max_entries` keys (when full, expired keys go
/// first, then the oldest). Serves the threads of one process; use Redis for
/// several processes or machines.
///
/// - `max_entries`: the bound (`HOOKSIG_REPLAY_DEFAULT_MAX_ENTRIES` when 0).
/// - `retention_seconds`: how long deliveries of schemes without a signed
///   timestamp are remembered (`HOOKSIG_REPLAY_DEFAULT_RETENTION` when 0).
/// - `store`: receives the new store (NULL on failure).
///
/// Returns `HOOKSIG_OK`, or `HOOKSIG_INVALID_ARGUMENT` for a NULL `store`.
///
/// # Safety
/// `store` points to writable storage for a pointer; `error` is NULL or does.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hooksig_replay_store_memory(
    max_entries: usize,
    retention_seconds: u64,
    store: *mut *mut hooksig_replay_store,
    error: *mut *mut hooksig_error,
) -> hooksig_status {
    guard(error, || {
        // SAFETY: out-parameters are writable (contract).
        let store = unsafe { out(store, "store") }?;
        let max_entries = match max_entries {
            0 => MemoryStore::DEFAULT_MAX_ENTRIES,
            n => n,
        };
        let guard = guard_over(MemoryStore::new(max_entries), retention_seconds);
        // SAFETY: `store` came from `out`.
        unsafe { store_out(store, guard) };
        Ok(())
    })
}

/// Creates a store on a Redis server, shared by every process that uses the
/// same server: a claim is one `SET key 1 NX PX ttl`. Nothing is connected
/// yet: the first call connects (one connection per store, reopened after
/// an error), so a server that is down shows as
/// `HOOKSIG_REPLAY_STORE_UNAVAILABLE` from `hooksig_verify_once`.
///
/// - `url`: `redis://host:port[/db]` (`redis://:password@host:port/db` with
///   a password) or `redis+unix:///path/to/socket`.
/// - `timeout_ms`: how long connecting, and each command, may take (2000
///   when 0), so a server that stops answering fails the call promptly.
/// - `retention_seconds`, `store`: as `hooksig_replay_store_memory`.
///
/// Returns `HOOKSIG_OK`, `HOOKSIG_REPLAY_STORE_UNAVAILABLE` when `url` is
/// not a Redis URL, or `HOOKSIG_INVALID_ARGUMENT` (NULL, not UTF-8).
///
/// # Safety
/// `url` is a NUL-terminated string; `store` points to writable storage for
/// a pointer; `error` is NULL or does.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hooksig_replay_store_redis(
    url: *const c_char,
    timeout_ms: u64,
    retention_seconds: u64,
    store: *mut *mut hooksig_replay_store,
    error: *mut *mut hooksig_error,
) -> hooksig_status {
    guard(error, || {
        // SAFETY: out-parameters are writable (contract).
        let store = unsafe { out(store, "store") }?;
        // SAFETY: `url` is NUL-terminated (contract).
        let url = unsafe { input::c_text(url, "url") }?;
        let mut redis = hooksig::RedisStore::new(url)?;
        if timeout_ms != 0 {
            redis = redis.with_timeout(Duration::from_millis(timeout_ms));
        }
        // SAFETY: `store` came from `out`.
        unsafe { store_out(store, guard_over(redis, retention_seconds)) };
        Ok(())
    })
}

/// Creates a store backed by the caller's `callbacks` (see
/// `hooksig_replay_store_callbacks`), which are copied; all three are
/// required.
///
/// - `retention_seconds`, `store`: as `hooksig_replay_store_memory`.
///
/// Returns `HOOKSIG_OK`, or `HOOKSIG_INVALID_ARGUMENT` for a NULL
/// `callbacks`, callback or `store`.
///
/// # Safety
/// `callbacks` points to a `hooksig_replay_store_callbacks` whose callbacks
/// may be called from any thread, at the same time, with its `ctx` until
/// `hooksig_replay_store_free`; `store` points to writable storage for a
/// pointer; `error` is NULL or does.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hooksig_replay_store_custom(
    callbacks: *const hooksig_replay_store_callbacks,
    retention_seconds: u64,
    store: *mut *mut hooksig_replay_store,
    error: *mut *mut hooksig_error,
) -> hooksig_status {
    guard(error, || {
        // SAFETY: out-parameters are writable (contract).
        let store = unsafe { out(store, "store") }?;
        // SAFETY: a non-NULL `callbacks` points to a readable struct (contract).
        let callbacks = unsafe { callbacks.as_ref() }
            .ok_or_else(|| CallError::invalid_argument("callbacks is NULL"))?;
        let missing =
            |name: &str| CallError::invalid_argument(format!("callbacks->{name} is NULL"));
        let custom = CallbackStore {
            ctx: callbacks.ctx,
            claim: callbacks.claim.ok_or_else(|| missing("claim"))?,
            complete: callbacks.complete.ok_or_else(|| missing("complete"))?,
            release: callbacks.release.ok_or_else(|| missing("release"))?,
        };
        // SAFETY: `store` came from `out`.
        unsafe { store_out(store, guard_over(custom, retention_seconds)) };
        Ok(())
    })
}

/// Chooses what happens while the store cannot be reached: by default
/// (`fail_open` false) `hooksig_verify_once` refuses every delivery with
/// `HOOKSIG_REPLAY_STORE_UNAVAILABLE` (answer 503, the provider retries);
/// with `fail_open` true it accepts verified deliveries unguarded (their
/// `hooksig_verified_replay_key` is NULL) and complete/release report
/// success. Availability over replay protection: choose it explicitly.
///
/// Call it before the store is shared: it must not run while another thread
/// uses the store. Returns `HOOKSIG_OK`, or `HOOKSIG_INVALID_ARGUMENT` for a
/// NULL `store`.
///
/// # Safety
/// `store` is NULL or a live store no other thread is using.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hooksig_replay_store_set_fail_open(
    store: *mut hooksig_replay_store,
    fail_open: bool,
    error: *mut *mut hooksig_error,
) -> hooksig_status {
    guard(error, || {
        // SAFETY: a non-NULL `store` is live and not in use elsewhere (contract).
        let store = unsafe { store.as_mut() }
            .ok_or_else(|| CallError::invalid_argument("store is NULL"))?;
        store.0 = store.0.clone().with_fail_open(fail_open);
        Ok(())
    })
}

/// Releases a store (a Redis store closes its connection). NULL is ignored.
/// No call on it may be running.
///
/// # Safety
/// `store` is NULL or a store not yet freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hooksig_replay_store_free(store: *mut hooksig_replay_store) {
    if !store.is_null() {
        // SAFETY: it came from `Box::into_raw` in a constructor, freed once (contract).
        drop(unsafe { Box::from_raw(store) });
    }
}

/// Verifies one request as `hooksig_verify` does, then claims it in `store`,
/// atomically: of several copies of one delivery, verified at the same time
/// or later, exactly one gets `HOOKSIG_OK`. Hand that one back once handled:
/// `hooksig_replay_complete` when the handler succeeded (later copies stay
/// refused), `hooksig_replay_release` when it failed (so the provider's
/// retry is handled).
///
/// The key claimed is the scheme and the signed id where the scheme signs
/// one (Standard Webhooks), else the signature that matched, decoded; never
/// an unsigned header. It is kept until the signed timestamp leaves the
/// tolerance window, or for the store's retention.
///
/// - `store`: a live replay store.
/// - `result`: required here (unlike `hooksig_verify`): receives the
///   verified delivery on success, to pass to complete or release and then
///   to `hooksig_verified_free`.
/// - The other arguments as `hooksig_verify`.
///
/// Returns `HOOKSIG_OK`, or what `hooksig_verify` returns for a request
/// that fails verification (checked first: a bad request claims nothing),
/// `HOOKSIG_REPLAYED` for a copy of a delivery claimed before (answer 409
/// while the first copy is in progress, so the provider retries later; a
/// message saying "handled before" when it completed, which receivers
/// usually answer 200 so the provider stops), or
/// `HOOKSIG_REPLAY_STORE_UNAVAILABLE` when the store cannot answer (answer
/// 503; never a silent accept unless the store was set to fail open).
///
/// # Safety
/// As `hooksig_verify`; `store` is a live store; `result` points to
/// writable storage for a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hooksig_verify_once(
    verifier: *const hooksig_verifier,
    store: *const hooksig_replay_store,
    headers: *const hooksig_header,
    n_headers: usize,
    body: *const c_void,
    body_len: usize,
    now: i64,
    result: *mut *mut hooksig_verified,
    error: *mut *mut hooksig_error,
) -> hooksig_status {
    guard(error, || {
        // Checked before the claim: a claim nobody can complete or release
        // would refuse the provider's retries until its TTL ends.
        // SAFETY: out-parameters are writable (contract).
        let result = unsafe { out(result, "result") }?;
        // SAFETY: a non-NULL `store` is live (contract).
        let store = unsafe { store.as_ref() }
            .ok_or_else(|| CallError::invalid_argument("store is NULL"))?;
        // SAFETY: the arguments satisfy the request contract above.
        let delivery = unsafe {
            with_request(
                verifier,
                headers,
                n_headers,
                body,
                body_len,
                |verifier, headers, body| {
                    verifier.verify_once_at(&store.0, headers, body, seconds(now))
                },
            )
        }??;
        let found = hooksig_verified::new(delivery.verified.clone(), Some(delivery));
        // SAFETY: `out` checked the pointer; the caller owns the object.
        unsafe { *result = Box::into_raw(Box::new(found)) };
        Ok(())
    })
}

/// Marks a delivery claimed by `hooksig_verify_once` handled: later copies
/// are `HOOKSIG_REPLAYED` for as long as the store keeps the key. `verified`
/// stays valid (free it with `hooksig_verified_free`). A result without a
/// claim (from `hooksig_verify`, or accepted unguarded by a fail-open store)
/// is nothing to complete: `HOOKSIG_OK`.
///
/// Returns `HOOKSIG_OK`, `HOOKSIG_REPLAY_STORE_UNAVAILABLE`, or
/// `HOOKSIG_INVALID_ARGUMENT` for a NULL `store` or `verified`.
///
/// # Safety
/// `store` and `verified` are live; `verified` was claimed in `store`;
/// `error` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hooksig_replay_complete(
    store: *const hooksig_replay_store,
    verified: *const hooksig_verified,
    error: *mut *mut hooksig_error,
) -> hooksig_status {
    guard(error, || {
        // SAFETY: forwarded contract.
        let (store, claim) = unsafe { claimed(store, verified) }?;
        match claim {
            Some(delivery) => Ok(store.complete(delivery)?),
            None => Ok(()),
        }
    })
}

/// Frees the claim of a delivery whose handler failed, so that the
/// provider's retry (or any copy) is handled. Arguments and results as
/// `hooksig_replay_complete`.
///
/// # Safety
/// As `hooksig_replay_complete`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hooksig_replay_release(
    store: *const hooksig_replay_store,
    verified: *const hooksig_verified,
    error: *mut *mut hooksig_error,
) -> hooksig_status {
    guard(error, || {
        // SAFETY: forwarded contract.
        let (store, claim) = unsafe { claimed(store, verified) }?;
        match claim {
            Some(delivery) => Ok(store.release(delivery)?),
            None => Ok(()),
        }
    })
}

/// The guard and the claimed delivery of a complete or release call.
///
/// # Safety
/// Non-NULL pointers are live.
unsafe fn claimed<'a>(
    store: *const hooksig_replay_store,
    verified: *const hooksig_verified,
) -> Result<(&'a ReplayGuard, Option<&'a hooksig::Delivery>), CallError> {
    // SAFETY: a non-NULL `store` is live (contract).
    let store =
        unsafe { store.as_ref() }.ok_or_else(|| CallError::invalid_argument("store is NULL"))?;
    // SAFETY: a non-NULL `verified` is live (contract).
    let verified = unsafe { verified.as_ref() }
        .ok_or_else(|| CallError::invalid_argument("verified is NULL"))?;
    Ok((
        &store.0,
        verified.claim.as_ref().map(|claim| &claim.delivery),
    ))
}
