//! `hooksig.ReplayStore`: the core's replay guard (`hooksig::ReplayGuard`)
//! over a memory store, a Redis server, or a store written in Python.
//!
//! The Python class is the guard, not the bare store: retention and
//! fail-open travel with the store, so every `Verifier` sharing one store
//! treats an outage the same way.

use crate::convert::{self, ConversionError};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyString;
use std::time::Duration;

/// What a Python store's `claim` may answer.
const CLAIM_ANSWERS: &str = "\"claimed\", \"in_progress\" or \"completed\"";

/// At most this much of a Python store's exception text goes into the
/// `replay_store_unavailable` message.
const REASON_CHARS: usize = 200;

/// A duration given as seconds (int or float) or a `datetime.timedelta`.
fn duration(value: &Bound<'_, PyAny>, what: &str) -> PyResult<Duration> {
    let seconds = if value.hasattr("total_seconds")? {
        value.call_method0("total_seconds")?.extract::<f64>()?
    } else {
        value.extract::<f64>().map_err(|_| {
            PyValueError::new_err(format!(
                "{what} must be seconds (int or float) or a datetime.timedelta, got {}",
                convert::type_name(value)
            ))
        })?
    };
    // try_from_secs_f64 refuses NaN, negative and overflowing values instead of panicking.
    match Duration::try_from_secs_f64(seconds) {
        Ok(duration) if !duration.is_zero() => Ok(duration),
        _ => Err(PyValueError::new_err(format!(
            "{what} must be a positive number of seconds, got {seconds}"
        ))),
    }
}

fn seconds_text(duration: Duration) -> String {
    let seconds = duration.as_secs_f64();
    if seconds.fract() == 0.0 {
        format!("{}", duration.as_secs())
    } else {
        format!("{seconds}")
    }
}

/// A store written in Python: any object with `claim(key, ttl_seconds)`,
/// `complete(key, ttl_seconds)` and `release(key)`. The core calls it with
/// the GIL released (a Redis or SQL round trip in the Python code can let
/// other threads run), so each call takes the GIL for its own duration.
struct PythonStore(Py<PyAny>);

impl PythonStore {
    fn call<T>(
        &self,
        method: &str,
        args: impl for<'py> pyo3::call::PyCallArgs<'py>,
        read: impl FnOnce(&Bound<'_, PyAny>) -> Result<T, String>,
    ) -> Result<T, String> {
        Python::attach(|py| {
            let answer = self
                .0
                .bind(py)
                .call_method1(method, args)
                .map_err(|err| raised(py, method, &err))?;
            read(&answer)
        })
    }
}

/// The reason a Python store's exception gives, bounded.
fn raised(py: Python<'_>, method: &str, err: &PyErr) -> String {
    let value = err.value(py);
    let text = value.str().map(|text| text.to_string()).unwrap_or_default();
    let text: String = text.chars().take(REASON_CHARS).collect();
    let kind = convert::type_name(value.as_any());
    match text.is_empty() {
        true => format!("the store's {method}() raised {kind}"),
        false => format!("the store's {method}() raised {kind}: {text}"),
    }
}

impl hooksig::ReplayStore for PythonStore {
    fn claim(&self, key: &str, ttl: Duration) -> Result<hooksig::Claim, String> {
        self.call("claim", (key, ttl.as_secs_f64()), |answer| {
            let text = answer
                .cast::<PyString>()
                .ok()
                .and_then(|text| text.to_cow().ok());
            match text.as_deref() {
                Some("claimed") => Ok(hooksig::Claim::Claimed),
                Some("in_progress") => Ok(hooksig::Claim::InProgress),
                Some("completed") => Ok(hooksig::Claim::Completed),
                _ => Err(format!(
                    "the store's claim() returned {}, expected {CLAIM_ANSWERS}",
                    answer
                        .repr()
                        .map(|r| r.to_string().chars().take(40).collect::<String>())
                        .unwrap_or_else(|_| convert::type_name(answer))
                )),
            }
        })
    }

    fn complete(&self, key: &str, ttl: Duration) -> Result<(), String> {
        self.call("complete", (key, ttl.as_secs_f64()), |_| Ok(()))
    }

    fn release(&self, key: &str) -> Result<(), String> {
        self.call("release", (key,), |_| Ok(()))
    }
}

/// Where a `Verifier` remembers the deliveries it accepted, so that a copy
/// is refused (`Replayed`); see `ReplayStore.memory`, `.redis` and `.custom`.
#[pyclass(frozen, module = "hooksig", name = "ReplayStore")]
pub struct ReplayStore {
    pub guard: hooksig::ReplayGuard,
    kind: &'static str,
    /// The constructor's arguments, for `repr` (never a URL: it may hold a password).
    settings: String,
    retention: Duration,
    fail_open: bool,
}

impl ReplayStore {
    fn build(
        store: impl hooksig::ReplayStore + 'static,
        kind: &'static str,
        extra: String,
        retention: Option<&Bound<'_, PyAny>>,
        fail_open: bool,
    ) -> PyResult<ReplayStore> {
        let retention = match retention {
            Some(value) => duration(value, "retention")?,
            None => hooksig::DEFAULT_RETENTION,
        };
        let guard = hooksig::ReplayGuard::new(store)
            .with_retention(retention)
            .with_fail_open(fail_open);
        let mut settings = extra;
        settings.push_str(&format!("retention={}", seconds_text(retention)));
        if kind != "memory" {
            settings.push_str(&format!(
                ", fail_open={}",
                if fail_open { "True" } else { "False" }
            ));
        }
        Ok(ReplayStore {
            guard,
            kind,
            settings,
            retention,
            fail_open,
        })
    }

    /// Whether a claim may wait on I/O (Redis, Python code): then it runs
    /// with the GIL released. A memory claim costs about a microsecond, less
    /// than releasing and taking back the GIL.
    pub fn blocks(&self) -> bool {
        self.kind != "memory"
    }
}

#[pymethods]
impl ReplayStore {
    /// A store in this process's memory: at most `max_entries` deliveries
    /// (the oldest is dropped to make room), each forgotten once its
    /// timestamp is out of the window, or after `retention` for schemes
    /// without a signed timestamp. Never unavailable.
    #[staticmethod]
    #[pyo3(
        signature = (*, max_entries = hooksig::MemoryStore::DEFAULT_MAX_ENTRIES, retention = None),
        text_signature = "(*, max_entries=100000, retention=None)"
    )]
    fn memory(max_entries: usize, retention: Option<&Bound<'_, PyAny>>) -> PyResult<ReplayStore> {
        if max_entries == 0 {
            return Err(PyValueError::new_err("max_entries must be at least 1"));
        }
        ReplayStore::build(
            hooksig::MemoryStore::new(max_entries),
            "memory",
            format!("max_entries={max_entries}, "),
            retention,
            false,
        )
    }

    /// A Redis server shared by every receiver process (`redis://host:port[/db]`):
    /// a claim is one `SET key NX PX ttl`. Connecting and each command time out
    /// after `timeout` seconds; then `verify` raises `ReplayStoreUnavailable`,
    /// or, with `fail_open=True`, accepts the delivery unguarded.
    #[staticmethod]
    #[pyo3(signature = (url, *, retention = None, timeout = None, fail_open = false))]
    fn redis(
        url: &str,
        retention: Option<&Bound<'_, PyAny>>,
        timeout: Option<&Bound<'_, PyAny>>,
        fail_open: bool,
    ) -> PyResult<ReplayStore> {
        let mut store = hooksig::RedisStore::new(url).map_err(crate::errors::Error)?;
        let mut extra = String::new();
        if let Some(timeout) = timeout {
            let timeout = duration(timeout, "timeout")?;
            store = store.with_timeout(timeout);
            extra = format!("timeout={}, ", seconds_text(timeout));
        }
        ReplayStore::build(store, "redis", extra, retention, fail_open)
    }

    /// A store written in Python: an object with `claim(key, ttl_seconds)`
    /// answering "claimed", "in_progress" or "completed" atomically,
    /// `complete(key, ttl_seconds)` and `release(key)`, safe to call from
    /// several threads. An exception from it is `ReplayStoreUnavailable`.
    #[staticmethod]
    #[pyo3(signature = (store, *, retention = None, fail_open = false))]
    fn custom(
        store: &Bound<'_, PyAny>,
        retention: Option<&Bound<'_, PyAny>>,
        fail_open: bool,
    ) -> PyResult<ReplayStore> {
        for method in ["claim", "complete", "release"] {
            if !store.getattr(method).is_ok_and(|m| m.is_callable()) {
                return Err(PyValueError::new_err(format!(
                    "a replay store needs claim(key, ttl_seconds), complete(key, ttl_seconds) \
                     and release(key) methods; {} has no {method}()",
                    convert::type_name(store)
                )));
            }
        }
        let extra = format!("{}, ", convert::type_name(store));
        ReplayStore::build(
            PythonStore(store.clone().unbind()),
            "custom",
            extra,
            retention,
            fail_open,
        )
    }

    /// `"memory"`, `"redis"` or `"custom"`.
    #[getter]
    fn kind(&self) -> &'static str {
        self.kind
    }

    /// How long, in seconds, a delivery without a signed timestamp is remembered.
    #[getter]
    fn retention(&self) -> f64 {
        self.retention.as_secs_f64()
    }

    /// Whether deliveries are accepted unguarded while the store cannot be reached.
    #[getter]
    fn fail_open(&self) -> bool {
        self.fail_open
    }

    fn __repr__(&self) -> String {
        format!("ReplayStore.{}({})", self.kind, self.settings)
    }
}

/// The `replay=` argument of `Verifier`: a `ReplayStore`, or a Python object
/// with the three methods (wrapped as `ReplayStore.custom(store)`).
pub fn store(value: &Bound<'_, PyAny>) -> Result<Py<ReplayStore>, ConversionError> {
    if let Ok(store) = value.cast::<ReplayStore>() {
        return Ok(store.clone().unbind());
    }
    let store = ReplayStore::custom(value, None, false).map_err(ConversionError::Python)?;
    Py::new(value.py(), store).map_err(ConversionError::Python)
}
