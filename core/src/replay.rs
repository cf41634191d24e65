//! The replay guard: each verified delivery is accepted once.
//!
//! A captured request verifies again for as long as its timestamp is inside
//! the window, and forever where the scheme signs no timestamp (GitHub,
//! Shopify, Tratta). The guard remembers what was signed and refuses a copy:
//!
//! - **What is remembered**: the scheme and the signed id where the scheme
//!   signs one (Standard Webhooks' `webhook-id`), else the scheme and the
//!   signature that matched, decoded (so a copy with its hex case or base64
//!   padding changed is the same delivery). Never an unsigned header. The key
//!   a store sees is a SHA-256 of that, not the id or signature itself.
//! - **For how long**: while the timestamp is still accepted (until
//!   `timestamp + tolerance`); after that `verify` refuses the copy anyway.
//!   Without a signed timestamp, for a configured retention (default 7 days).
//! - **Claim, then complete or release**: [`Verifier::verify_once_at`] claims
//!   the key atomically; a second copy while the first is handled is
//!   `replayed` (409: the sender retries later). [`ReplayGuard::complete`]
//!   marks it handled (a later copy is `replayed` too, and adapters answer it
//!   200 so the sender stops); [`ReplayGuard::release`] frees the key when the
//!   handler failed, so the provider's retry goes through.
//!
//! Stores implement [`ReplayStore`] (three calls); [`MemoryStore`] serves one
//! process. A store that cannot be reached is `replay_store_unavailable`
//! (503), never a silent accept, unless the guard is built to fail open.

use crate::error::{Error, Result};
use crate::verify::{Material, Verified, Verifier};
use sha2::{Digest, Sha256};
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a delivery of a scheme without a signed timestamp is remembered
/// unless configured otherwise: a GitHub request verifies forever, so its
/// copies are refused for as long as its first delivery is remembered.
pub const DEFAULT_RETENTION: Duration = Duration::from_secs(7 * 24 * 60 * 60);

/// The store key of a delivery: `hooksig:replay:` and the hex SHA-256 of
/// the scheme, what is remembered, and which of the two it is.
pub(crate) fn replay_key(scheme: &str, material: Material<'_>) -> String {
    let (kind, bytes) = match material {
        Material::SignedId(id) => ("id", id),
        Material::Signature(signature) => ("signature", signature),
    };
    let digest = Sha256::new()
        .chain_update(b"hooksig replay v1\0")
        .chain_update(scheme)
        .chain_update(b"\0")
        .chain_update(kind)
        .chain_update(b"\0")
        .chain_update(bytes)
        .finalize();
    format!("hooksig:replay:{}", hex::encode(digest))
}

/// What a store says when asked to claim a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Claim {
    /// The key was free and is now claimed by this caller.
    Claimed,
    /// Another copy holds the claim and is being handled.
    InProgress,
    /// A copy was handled to completion.
    Completed,
}

/// Where a guard remembers deliveries. Each call is one atomic operation on
/// one key, so a store can be a map behind a lock, a Redis server (`SET NX
/// PX`), a SQL table with a unique key, or a Worker's KV.
///
/// An `Err` means the store could not answer (its text is put in a
/// `replay_store_unavailable` error); it must not mean "not seen".
pub trait ReplayStore: Send + Sync {
    /// Claims `key` for `ttl` if nobody holds it; says who does otherwise.
    fn claim(&self, key: &str, ttl: Duration) -> std::result::Result<Claim, String>;
    /// Marks a claimed key as handled, remembered for `ttl`.
    fn complete(&self, key: &str, ttl: Duration) -> std::result::Result<(), String>;
    /// Forgets a claimed key, so the next copy is handled.
    fn release(&self, key: &str) -> std::result::Result<(), String>;
}

/// A store for one process: a map behind a lock, with expiry by time and at
/// most `max_entries` keys (the oldest is dropped to make room; expired keys
/// go first). Not shared between processes: use a Redis store for a fleet.
pub struct MemoryStore {
    max_entries: usize,
    state: Mutex<MemoryState>,
}

#[derive(Default)]
struct MemoryState {
    entries: HashMap<String, (Claim, Instant)>,
    /// Keys in the order they were claimed, with the expiry they had then,
    /// for eviction; an entry that is gone or renewed is skipped.
    order: VecDeque<(String, Instant)>,
}

impl MemoryStore {
    /// The default bound: 100 000 deliveries (about 15 MB).
    pub const DEFAULT_MAX_ENTRIES: usize = 100_000;

    /// A store of at most `max_entries` keys (at least 1).
    pub fn new(max_entries: usize) -> MemoryStore {
        MemoryStore {
            max_entries: max_entries.max(1),
            state: Mutex::new(MemoryState::default()),
        }
    }

    /// How many keys the store holds now (expired ones included until they
    /// are swept).
    pub fn len(&self) -> usize {
        self.lock().entries.len()
    }

    /// True when the store holds no key.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, MemoryState> {
        // A panic elsewhere while holding the lock leaves the map consistent
        // (every update is one insert or remove), so a poisoned lock is used as is.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Default for MemoryStore {
    fn default() -> MemoryStore {
        MemoryStore::new(MemoryStore::DEFAULT_MAX_ENTRIES)
    }
}

impl MemoryState {
    /// Drops expired keys from the front, then the oldest until `room` more fit.
    fn sweep(&mut self, now: Instant, max_entries: usize) {
        while let Some((key, expires)) = self.order.front() {
            let current = self.entries.get(key).map(|entry| entry.1);
            let stale = current != Some(*expires);
            if stale || *expires <= now || self.entries.len() >= max_entries {
                if !stale {
                    self.entries.remove(key);
                }
                self.order.pop_front();
            } else {
                break;
            }
        }
    }
}

impl ReplayStore for MemoryStore {
    fn claim(&self, key: &str, ttl: Duration) -> std::result::Result<Claim, String> {
        let now = Instant::now();
        let mut state = self.lock();
        if let Some(&(claim, expires)) = state.entries.get(key) {
            if expires > now {
                return Ok(claim);
            }
        }
        state.sweep(now, self.max_entries);
        if state.order.len() > 2 * self.max_entries {
            // Renewed and released keys leave stale places behind a long-lived
            // front entry; drop them so the queue stays within twice the bound.
            let MemoryState { entries, order } = &mut *state;
            order.retain(|(key, expires)| entries.get(key).map(|entry| entry.1) == Some(*expires));
        }
        let expires = now + ttl;
        state
            .entries
            .insert(key.to_owned(), (Claim::InProgress, expires));
        state.order.push_back((key.to_owned(), expires));
        Ok(Claim::Claimed)
    }

    fn complete(&self, key: &str, ttl: Duration) -> std::result::Result<(), String> {
        let expires = Instant::now() + ttl;
        let mut state = self.lock();
        state
            .entries
            .insert(key.to_owned(), (Claim::Completed, expires));
        state.order.push_back((key.to_owned(), expires));
        Ok(())
    }

    fn release(&self, key: &str) -> std::result::Result<(), String> {
        self.lock().entries.remove(key);
        Ok(())
    }
}

/// A store for a fleet of receivers: one Redis server (or a cluster's
/// single-key commands). A claim is one `SET key 1 NX PX ttl`; a key already
/// there costs one `GET` more to tell in-progress (`1`) from completed (`2`).
///
/// One connection per store, opened on first use and again after an error;
/// connecting, reading and writing time out after `timeout` (default 2 s),
/// so a store that is down answers `replay_store_unavailable` promptly.
#[cfg(feature = "redis")]
pub struct RedisStore {
    client: redis::Client,
    connection: Mutex<Option<redis::Connection>>,
    timeout: Duration,
}

#[cfg(feature = "redis")]
impl RedisStore {
    /// A store at `url` (`redis://host:port[/db]`, `rediss://` for TLS where
    /// the build has it, `redis+unix:///path`). Nothing is connected yet.
    pub fn new(url: &str) -> Result<RedisStore> {
        let client = redis::Client::open(url).map_err(|err| Error::ReplayStoreUnavailable {
            reason: format!("not a Redis URL ({err}); expected redis://host:port[/db]"),
        })?;
        Ok(RedisStore {
            client,
            connection: Mutex::new(None),
            timeout: Duration::from_secs(2),
        })
    }

    /// How long connecting, and each command, may take.
    pub fn with_timeout(mut self, timeout: Duration) -> RedisStore {
        self.timeout = timeout.max(Duration::from_millis(1));
        self
    }

    fn run<T>(
        &self,
        command: impl FnOnce(&mut redis::Connection) -> redis::RedisResult<T>,
    ) -> std::result::Result<T, String> {
        let mut slot = self
            .connection
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if slot.is_none() {
            let connection = self
                .client
                .get_connection_with_timeout(self.timeout)
                .and_then(|c| {
                    c.set_read_timeout(Some(self.timeout))?;
                    c.set_write_timeout(Some(self.timeout))?;
                    Ok(c)
                })
                .map_err(|err| format!("cannot connect to Redis: {err}"))?;
            *slot = Some(connection);
        }
        let connection = slot.as_mut().ok_or("no connection")?;
        command(connection).map_err(|err| {
            // The connection may be half-broken: open a fresh one next time.
            *slot = None;
            format!("Redis: {err}")
        })
    }
}

#[cfg(feature = "redis")]
fn millis(ttl: Duration) -> u64 {
    u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX).max(1)
}

#[cfg(feature = "redis")]
impl ReplayStore for RedisStore {
    fn claim(&self, key: &str, ttl: Duration) -> std::result::Result<Claim, String> {
        self.run(|c| {
            let set: Option<String> = redis::cmd("SET")
                .arg(key)
                .arg("1")
                .arg("NX")
                .arg("PX")
                .arg(millis(ttl))
                .query(c)?;
            if set.is_some() {
                return Ok(Claim::Claimed);
            }
            let state: Option<String> = redis::cmd("GET").arg(key).query(c)?;
            Ok(match state.as_deref() {
                Some("2") => Claim::Completed,
                // Gone between the two commands (expired or released): still a copy in flight.
                _ => Claim::InProgress,
            })
        })
    }

    fn complete(&self, key: &str, ttl: Duration) -> std::result::Result<(), String> {
        self.run(|c| {
            redis::cmd("SET")
                .arg(key)
                .arg("2")
                .arg("PX")
                .arg(millis(ttl))
                .query(c)
        })
    }

    fn release(&self, key: &str) -> std::result::Result<(), String> {
        self.run(|c| redis::cmd("DEL").arg(key).query(c))
    }
}

/// A replay store with the guard's settings: how long deliveries without a
/// signed timestamp are remembered, and what to do when the store is down.
#[derive(Clone)]
pub struct ReplayGuard {
    store: Arc<dyn ReplayStore>,
    retention: Duration,
    fail_open: bool,
}

impl std::fmt::Debug for ReplayGuard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReplayGuard")
            .field("retention", &self.retention)
            .field("fail_open", &self.fail_open)
            .finish_non_exhaustive()
    }
}

impl ReplayGuard {
    /// A guard over `store`, with the default retention and failing closed.
    pub fn new(store: impl ReplayStore + 'static) -> ReplayGuard {
        ReplayGuard::shared(Arc::new(store))
    }

    /// A guard over a store shared with other guards or with the caller.
    pub fn shared(store: Arc<dyn ReplayStore>) -> ReplayGuard {
        ReplayGuard {
            store,
            retention: DEFAULT_RETENTION,
            fail_open: false,
        }
    }

    /// A guard with a [`MemoryStore`] of the default size.
    pub fn memory() -> ReplayGuard {
        ReplayGuard::new(MemoryStore::default())
    }

    /// How long deliveries of schemes without a signed timestamp are remembered.
    pub fn with_retention(mut self, retention: Duration) -> ReplayGuard {
        self.retention = retention.max(Duration::from_secs(1));
        self
    }

    /// Accept deliveries (unguarded) while the store cannot be reached,
    /// instead of refusing them with `replay_store_unavailable`. A choice
    /// for availability over replay protection; off by default.
    pub fn with_fail_open(mut self, fail_open: bool) -> ReplayGuard {
        self.fail_open = fail_open;
        self
    }

    /// Marks a delivery handled: later copies are `replayed`.
    pub fn complete(&self, delivery: &Delivery) -> Result<()> {
        match &delivery.key {
            Some(key) => self
                .store
                .complete(key, delivery.ttl)
                .or_else(|reason| self.unavailable(reason)),
            None => Ok(()),
        }
    }

    /// Frees a delivery's claim (its handler failed), so a retry is handled.
    pub fn release(&self, delivery: &Delivery) -> Result<()> {
        match &delivery.key {
            Some(key) => self
                .store
                .release(key)
                .or_else(|reason| self.unavailable(reason)),
            None => Ok(()),
        }
    }

    fn unavailable(&self, reason: String) -> Result<()> {
        match self.fail_open {
            true => Ok(()),
            false => Err(Error::ReplayStoreUnavailable { reason }),
        }
    }
}

/// A verified delivery claimed through a [`ReplayGuard`]: hand it back to
/// [`ReplayGuard::complete`] or [`ReplayGuard::release`] once handled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// What verification found.
    pub verified: Verified,
    /// The store key (a hash), or `None` when a fail-open guard could not
    /// reach its store and the delivery went through unguarded.
    pub key: Option<String>,
    /// How long the store remembers it.
    pub ttl: Duration,
}

impl Verifier {
    /// Verifies a request against the system clock and claims it in `guard`.
    pub fn verify_once<N: AsRef<[u8]>, V: AsRef<[u8]>>(
        &self,
        guard: &ReplayGuard,
        headers: &[(N, V)],
        body: &[u8],
    ) -> Result<Delivery> {
        self.verify_once_at(guard, headers, body, crate::unix_now())
    }

    /// Verifies a request as of `now`, then claims it in `guard`: `replayed`
    /// when a copy was claimed before (in progress or completed),
    /// `replay_store_unavailable` when the store cannot answer.
    ///
    /// ```
    /// use hooksig::{ReplayGuard, Scheme, SignOptions, Verifier, sign};
    ///
    /// let verifier = Verifier::new(Scheme::Github, &["secret"])?;
    /// let guard = ReplayGuard::memory();
    /// let headers = sign(&Scheme::Github, "secret", b"{}", &SignOptions::default())?;
    /// let first = verifier.verify_once_at(&guard, &headers, b"{}", 0)?;
    /// guard.complete(&first)?;
    /// let copy = verifier.verify_once_at(&guard, &headers, b"{}", 0).unwrap_err();
    /// assert_eq!(copy.code(), "replayed");
    /// # Ok::<(), hooksig::Error>(())
    /// ```
    pub fn verify_once_at<N: AsRef<[u8]>, V: AsRef<[u8]>>(
        &self,
        guard: &ReplayGuard,
        headers: &[(N, V)],
        body: &[u8],
        now: i64,
    ) -> Result<Delivery> {
        let delivery = self.verify_keyed_at(headers, body, now, guard.retention)?;
        let key = delivery.key.as_deref().unwrap_or_default();
        match guard.store.claim(key, delivery.ttl) {
            Ok(Claim::Claimed) => Ok(delivery),
            Ok(claim) => Err(Error::Replayed {
                completed: claim == Claim::Completed,
            }),
            Err(_) if guard.fail_open => Ok(Delivery {
                key: None,
                ..delivery
            }),
            Err(reason) => Err(Error::ReplayStoreUnavailable { reason }),
        }
    }

    /// Verifies a request as of `now` and names its store key and TTL
    /// without claiming it (`retention`: the TTL where no timestamp is
    /// signed). For stores that live outside Rust, such as a Worker's KV or
    /// an async store of a host language, which claim the key themselves
    /// with [`ReplayStore`]'s semantics.
    pub fn verify_keyed_at<N: AsRef<[u8]>, V: AsRef<[u8]>>(
        &self,
        headers: &[(N, V)],
        body: &[u8],
        now: i64,
        retention: Duration,
    ) -> Result<Delivery> {
        let scheme = self.scheme().name();
        let (verified, key) =
            self.verify_with(headers, body, now, |material| replay_key(scheme, material))?;
        let ttl = match verified.timestamp {
            // Accepted until timestamp + tolerance, inclusive: remember one second past it.
            Some(timestamp) => {
                let until = i128::from(timestamp) + i128::from(self.tolerance()) + 1;
                Duration::from_secs(u64::try_from(until - i128::from(now)).unwrap_or(1).max(1))
            }
            None => retention.max(Duration::from_secs(1)),
        };
        Ok(Delivery {
            verified,
            key: Some(key),
            ttl,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Scheme, SignOptions, sign};

    fn github(body: &[u8]) -> Vec<(String, String)> {
        sign(&Scheme::Github, "secret", body, &SignOptions::default()).unwrap()
    }

    #[test]
    fn a_copy_is_refused_while_in_progress_and_after_completion() {
        let verifier = Verifier::new(Scheme::Github, &["secret"]).unwrap();
        let guard = ReplayGuard::memory();
        let headers = github(b"{}");
        let first = verifier.verify_once_at(&guard, &headers, b"{}", 0).unwrap();
        let busy = verifier
            .verify_once_at(&guard, &headers, b"{}", 0)
            .unwrap_err();
        assert_eq!((busy.code(), busy.http_status()), ("replayed", 409));
        assert!(busy.to_string().contains("being handled"), "{busy}");
        guard.complete(&first).unwrap();
        let done = verifier
            .verify_once_at(&guard, &headers, b"{}", 0)
            .unwrap_err();
        assert!(done.to_string().contains("handled before"), "{done}");
    }

    #[test]
    fn release_lets_the_retry_through() {
        let verifier = Verifier::new(Scheme::Github, &["secret"]).unwrap();
        let guard = ReplayGuard::memory();
        let headers = github(b"{}");
        let first = verifier.verify_once_at(&guard, &headers, b"{}", 0).unwrap();
        guard.release(&first).unwrap();
        assert!(verifier.verify_once_at(&guard, &headers, b"{}", 0).is_ok());
    }

    #[test]
    fn keys_ignore_unsigned_headers_and_signature_spelling() {
        let verifier = Verifier::new(Scheme::Github, &["secret"]).unwrap();
        let guard = ReplayGuard::memory();
        let headers = github(b"{}");
        verifier.verify_once_at(&guard, &headers, b"{}", 0).unwrap();
        // The same signature in upper case, and a rewritten unsigned delivery id.
        let mut copy: Vec<(String, String)> = headers
            .iter()
            .map(|(n, v)| (n.clone(), v.replace("sha256=", "").to_uppercase()))
            .map(|(n, v)| (n, format!("sha256={v}")))
            .collect();
        copy.push(("X-GitHub-Delivery".into(), "forged".into()));
        let err = verifier
            .verify_once_at(&guard, &copy, b"{}", 0)
            .unwrap_err();
        assert_eq!(err.code(), "replayed");
    }

    #[test]
    fn standard_keys_on_the_signed_id_and_lives_as_long_as_the_window() {
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        let verifier = Verifier::new(Scheme::Standard, &[secret]).unwrap();
        let guard = ReplayGuard::memory();
        let options = SignOptions {
            timestamp: Some(1_000),
            webhook_id: Some("msg_1".into()),
            event_type: None,
        };
        let headers = sign(&Scheme::Standard, secret, b"{}", &options).unwrap();
        let first = verifier
            .verify_once_at(&guard, &headers, b"{}", 1_100)
            .unwrap();
        assert_eq!(first.ttl, Duration::from_secs(1_000 + 300 + 1 - 1_100));
        // Re-signed with another timestamp, same id: the same delivery.
        let again = SignOptions {
            timestamp: Some(1_050),
            ..options
        };
        let resent = sign(&Scheme::Standard, secret, b"{}", &again).unwrap();
        let err = verifier
            .verify_once_at(&guard, &resent, b"{}", 1_100)
            .unwrap_err();
        assert_eq!(err.code(), "replayed");
    }

    #[test]
    fn memory_store_is_bounded_and_expires() {
        let store = MemoryStore::new(3);
        for key in ["a", "b", "c", "d", "e"] {
            assert_eq!(
                store.claim(key, Duration::from_secs(60)).unwrap(),
                Claim::Claimed
            );
            assert!(store.len() <= 3);
        }
        // The oldest went first.
        assert_eq!(
            store.claim("a", Duration::from_secs(60)).unwrap(),
            Claim::Claimed
        );
        assert_eq!(
            store.claim("e", Duration::from_secs(60)).unwrap(),
            Claim::InProgress
        );
        let short = MemoryStore::new(10);
        short.claim("k", Duration::from_millis(20)).unwrap();
        std::thread::sleep(Duration::from_millis(30));
        assert_eq!(
            short.claim("k", Duration::from_secs(1)).unwrap(),
            Claim::Claimed
        );
    }

    struct Down;
    impl ReplayStore for Down {
        fn claim(&self, _: &str, _: Duration) -> std::result::Result<Claim, String> {
            Err("connection refused".into())
        }
        fn complete(&self, _: &str, _: Duration) -> std::result::Result<(), String> {
            Err("connection refused".into())
        }
        fn release(&self, _: &str) -> std::result::Result<(), String> {
            Err("connection refused".into())
        }
    }

    #[test]
    fn an_unreachable_store_fails_closed_unless_told_otherwise() {
        let verifier = Verifier::new(Scheme::Github, &["secret"]).unwrap();
        let headers = github(b"{}");
        let closed = ReplayGuard::new(Down);
        let err = verifier
            .verify_once_at(&closed, &headers, b"{}", 0)
            .unwrap_err();
        assert_eq!(
            (err.code(), err.http_status()),
            ("replay_store_unavailable", 503)
        );
        let open = ReplayGuard::new(Down).with_fail_open(true);
        let delivery = verifier.verify_once_at(&open, &headers, b"{}", 0).unwrap();
        assert_eq!(delivery.key, None);
        assert!(open.complete(&delivery).is_ok());
        // A bad request is still refused: the guard runs after verification.
        assert_eq!(
            verifier
                .verify_once_at(&closed, &headers, b"{ }", 0)
                .unwrap_err()
                .code(),
            "signature_mismatch"
        );
    }

    #[test]
    fn sixteen_concurrent_copies_claim_once() {
        let verifier = Arc::new(Verifier::new(Scheme::Github, &["secret"]).unwrap());
        let guard = ReplayGuard::memory();
        let headers = Arc::new(github(b"{}"));
        let claimed: usize = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..16)
                .map(|_| {
                    let (verifier, guard, headers) = (&verifier, &guard, &headers);
                    scope.spawn(move || verifier.verify_once_at(guard, headers, b"{}", 0).is_ok())
                })
                .collect();
            handles
                .into_iter()
                .map(|h| usize::from(h.join().unwrap()))
                .sum()
        });
        assert_eq!(claimed, 1);
    }
}
