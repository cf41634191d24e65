//! `hooksig._native`: the compiled half of the `hooksig` Python package.
//!
//! Only type conversion and error mapping live here; every rule about
//! webhooks is in the `hooksig` crate. The public API is re-exported by
//! `python/hooksig/__init__.py` and typed by `python/hooksig/_native.pyi`.

mod convert;
mod errors;
mod events;
mod replay;

use convert::ConversionError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList, PyString, PyTuple};
use replay::ReplayStore;
use std::time::Duration;
use zeroize::Zeroizing;

/// Bodies at least this large are hashed with the GIL released. Below it,
/// handing the GIL back and forth costs more than the hashing it frees.
const DETACH_THRESHOLD: usize = 16 * 1024;

fn invalid_scheme(reason: String) -> ConversionError {
    ConversionError::Input(hooksig::Error::InvalidScheme { reason })
}

fn invalid_secret(reason: String) -> ConversionError {
    ConversionError::Input(hooksig::Error::InvalidSecret { reason })
}

/// A scheme given as a built-in name, a custom-scheme `dict`, or that
/// definition as a JSON string.
fn scheme(value: &Bound<'_, PyAny>) -> Result<hooksig::Scheme, ConversionError> {
    if let Ok(text) = value.cast::<PyString>() {
        let text = text
            .to_cow()
            .map_err(|_| invalid_scheme("the scheme name is not valid text".into()))?;
        return Ok(if text.trim_start().starts_with('{') {
            hooksig::Scheme::custom_from_json(&text)?
        } else {
            hooksig::Scheme::from_name(&text)?
        });
    }
    if value.is_instance_of::<PyDict>() {
        let json = value
            .py()
            .import("json")
            .and_then(|json| json.call_method1("dumps", (value,)))
            .and_then(|text| text.extract::<String>())
            .map_err(|e| {
                invalid_scheme(format!(
                    "the custom scheme dict is not JSON-serializable ({e})"
                ))
            })?;
        return Ok(hooksig::Scheme::custom_from_json(&json)?);
    }
    Err(invalid_scheme(format!(
        "expected a scheme name such as \"quiltt\" or a custom-scheme dict, got {}",
        convert::type_name(value)
    )))
}

/// A secret as Rust holds it while the verifier is built: the copy is wiped
/// on drop (the Python object it came from is Python's to manage).
type SecretText = Zeroizing<String>;

fn secret(value: &Bound<'_, PyAny>) -> Result<SecretText, ConversionError> {
    if let Ok(text) = value.cast::<PyString>() {
        return text
            .to_cow()
            .map(|text| Zeroizing::new(text.into_owned()))
            .map_err(|_| invalid_secret("the secret is not valid text".into()));
    }
    if let Ok(bytes) = value.cast::<PyBytes>() {
        // Checked before copying, so that no unwiped copy is left in an error.
        return std::str::from_utf8(bytes.as_bytes())
            .map(|text| Zeroizing::new(text.to_owned()))
            .map_err(|_| invalid_secret("a bytes secret must be UTF-8".into()));
    }
    Err(invalid_secret(format!(
        "expected str, got {}",
        convert::type_name(value)
    )))
}

/// One secret, or a list of them (newest first) during key rotation.
fn secrets(value: &Bound<'_, PyAny>) -> Result<Vec<SecretText>, ConversionError> {
    if value.is_instance_of::<PyList>() || value.is_instance_of::<PyTuple>() {
        let mut secrets = Vec::new();
        for item in value.try_iter().map_err(ConversionError::Python)? {
            secrets.push(secret(&item.map_err(ConversionError::Python)?)?);
        }
        return Ok(secrets);
    }
    Ok(vec![secret(value)?])
}

/// Verifies webhooks of one scheme against one or more secrets.
///
/// Built once (key state is derived at construction) and shared by every
/// request and thread of a server.
#[pyclass(frozen, module = "hooksig", name = "Verifier")]
struct Verifier {
    inner: hooksig::Verifier,
    secrets: usize,
    replay: Option<Py<ReplayStore>>,
}

#[pymethods]
impl Verifier {
    #[new]
    #[pyo3(
        signature = (scheme, secrets, *, tolerance = hooksig::DEFAULT_TOLERANCE, replay = None),
        text_signature = "(scheme, secrets, *, tolerance=300, replay=None)"
    )]
    fn new(
        scheme: &Bound<'_, PyAny>,
        secrets: &Bound<'_, PyAny>,
        tolerance: u64,
        replay: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let scheme = self::scheme(scheme)?;
        let secrets = self::secrets(secrets)?;
        let replay = replay.map(replay::store).transpose()?;
        let inner = hooksig::Verifier::new(scheme, &secrets)
            .map_err(errors::Error)?
            .with_tolerance(tolerance);
        Ok(Verifier {
            inner,
            secrets: secrets.len(),
            replay,
        })
    }

    /// Verifies a request; raises a `VerificationError` subclass when it fails.
    /// With a replay store, also claims the delivery (see `complete`/`release`).
    #[pyo3(signature = (headers, body, *, now = None))]
    fn verify(
        &self,
        py: Python<'_>,
        headers: &Bound<'_, PyAny>,
        body: &Bound<'_, PyAny>,
        now: Option<i64>,
    ) -> PyResult<Verified> {
        let inner = &self.inner;
        let now = now.unwrap_or_else(hooksig::unix_now);
        let store = self.replay.as_ref().map(|store| store.get());
        let delivery = convert::with_request(headers, body, |headers, body| {
            let detach = body.len() >= DETACH_THRESHOLD || store.is_some_and(ReplayStore::blocks);
            let run = || match store {
                Some(store) => inner.verify_once_at(&store.guard, headers, body, now),
                None => inner
                    .verify_at(headers, body, now)
                    .map(|verified| hooksig::Delivery {
                        verified,
                        key: None,
                        ttl: Duration::ZERO,
                    }),
            };
            if detach { py.detach(run) } else { run() }
        })?
        .map_err(errors::Error)?;
        Ok(Verified::from(delivery))
    }

    /// Marks a delivery `verify` claimed as handled: a later copy raises
    /// `Replayed` with `completed=True`. Raises `ReplayStoreUnavailable`.
    fn complete(&self, py: Python<'_>, verified: &Verified) -> PyResult<()> {
        self.finish(py, verified, hooksig::ReplayGuard::complete)
    }

    /// Frees a delivery `verify` claimed whose handling failed, so that the
    /// sender's retry is handled. Raises `ReplayStoreUnavailable`.
    fn release(&self, py: Python<'_>, verified: &Verified) -> PyResult<()> {
        self.finish(py, verified, hooksig::ReplayGuard::release)
    }

    /// The replay store given as `replay=`, or `None`.
    #[getter]
    fn replay(&self, py: Python<'_>) -> Option<Py<ReplayStore>> {
        self.replay.as_ref().map(|store| store.clone_ref(py))
    }

    /// `None` when the request verifies, else a sentence naming the likely mistake.
    #[pyo3(signature = (headers, body, *, now = None))]
    fn diagnose(
        &self,
        py: Python<'_>,
        headers: &Bound<'_, PyAny>,
        body: &Bound<'_, PyAny>,
        now: Option<i64>,
    ) -> PyResult<Option<String>> {
        let inner = &self.inner;
        let now = now.unwrap_or_else(hooksig::unix_now);
        convert::with_request(headers, body, |headers, body| {
            py.detach(|| inner.diagnose_at(headers, body, now))
        })
    }

    /// The scheme's name (`"custom"` for a user-defined scheme).
    #[getter]
    fn scheme(&self) -> &'static str {
        self.inner.scheme().name()
    }

    /// How far, in seconds and in either direction, a signed timestamp may be from now.
    #[getter]
    fn tolerance(&self) -> u64 {
        self.inner.tolerance()
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let replay = match &self.replay {
            Some(store) => format!(", replay={}", store.bind(py).repr()?),
            None => String::new(),
        };
        Ok(format!(
            "Verifier(scheme='{}', secrets={}, tolerance={}{replay})",
            self.inner.scheme().name(),
            self.secrets,
            self.inner.tolerance()
        ))
    }
}

impl Verifier {
    fn finish(
        &self,
        py: Python<'_>,
        verified: &Verified,
        step: fn(&hooksig::ReplayGuard, &hooksig::Delivery) -> hooksig::Result<()>,
    ) -> PyResult<()> {
        let Some(key) = &verified.replay_key else {
            // Not claimed: no store, or a fail-open store that was down.
            return Ok(());
        };
        let Some(store) = self.replay.as_ref().map(|store| store.get()) else {
            return Err(pyo3::exceptions::PyValueError::new_err(
                "this Verifier has no replay store; pass the Verified to the Verifier that returned it",
            ));
        };
        let delivery = hooksig::Delivery {
            verified: hooksig::Verified {
                key_index: verified.key_index,
                timestamp: verified.timestamp,
                webhook_id: verified.webhook_id.clone(),
                id_signed: verified.id_signed,
            },
            key: Some(key.clone()),
            ttl: verified.replay_ttl,
        };
        let run = || step(&store.guard, &delivery);
        let done = if store.blocks() {
            py.detach(run)
        } else {
            run()
        };
        done.map_err(|err| errors::Error(err).into())
    }
}

/// What a successful verification found.
#[pyclass(frozen, eq, hash, module = "hooksig", name = "Verified")]
#[derive(PartialEq, Eq, Hash)]
struct Verified {
    /// Index of the secret that matched, in the order given to `Verifier`.
    #[pyo3(get)]
    key_index: usize,
    /// The signed timestamp (Unix seconds), for timestamped schemes.
    #[pyo3(get)]
    timestamp: Option<i64>,
    /// The message / delivery id, where the request carries one (an empty id header is `None`).
    #[pyo3(get)]
    webhook_id: Option<String>,
    /// Whether the signature covers the id (Standard Webhooks, a custom scheme
    /// with `{id}`): only then is it safe to deduplicate on.
    #[pyo3(get)]
    id_signed: bool,
    /// The key the replay store holds for this delivery (a SHA-256, never the
    /// id or signature itself); `None` without a store, or when a fail-open
    /// store could not be reached.
    #[pyo3(get)]
    replay_key: Option<String>,
    /// How long the store remembers it, for `complete`.
    replay_ttl: Duration,
}

impl From<hooksig::Delivery> for Verified {
    fn from(delivery: hooksig::Delivery) -> Verified {
        let verified = delivery.verified;
        Verified {
            key_index: verified.key_index,
            timestamp: verified.timestamp,
            webhook_id: verified.webhook_id,
            id_signed: verified.id_signed,
            replay_key: delivery.key,
            replay_ttl: delivery.ttl,
        }
    }
}

#[pymethods]
impl Verified {
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let webhook_id = match &self.webhook_id {
            Some(id) => PyString::new(py, id).repr()?.to_string(),
            None => "None".into(),
        };
        let timestamp = self
            .timestamp
            .map_or_else(|| "None".into(), |t| t.to_string());
        let replay_key = match &self.replay_key {
            Some(key) => format!(", replay_key='{key}'"),
            None => String::new(),
        };
        Ok(format!(
            "Verified(key_index={}, timestamp={timestamp}, webhook_id={webhook_id}, id_signed={}{replay_key})",
            self.key_index,
            if self.id_signed { "True" } else { "False" }
        ))
    }
}

/// Signs `body` as a sender of `scheme` would; returns the headers to attach, in order.
#[pyfunction]
#[pyo3(signature = (scheme, secret, body, *, timestamp = None, webhook_id = None, event_type = None))]
fn sign<'py>(
    py: Python<'py>,
    scheme: &Bound<'py, PyAny>,
    secret: &Bound<'py, PyAny>,
    body: &Bound<'py, PyAny>,
    timestamp: Option<i64>,
    webhook_id: Option<String>,
    event_type: Option<String>,
) -> PyResult<Bound<'py, PyDict>> {
    let scheme = self::scheme(scheme)?;
    let secret = self::secret(secret)?;
    let body = convert::body(body).map_err(errors::Error)?;
    let options = hooksig::SignOptions {
        timestamp,
        webhook_id,
        event_type,
    };
    let headers =
        hooksig::sign(&scheme, secret.as_str(), &body, &options).map_err(errors::Error)?;
    let dict = PyDict::new(py);
    for (name, value) in headers {
        // Each byte one character, as WSGI/ASGI servers and `requests` treat header text.
        dict.set_item(name, hooksig::wire::header_text(value.as_bytes()))?;
    }
    Ok(dict)
}

#[pymodule]
fn _native(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add_class::<Verifier>()?;
    module.add_class::<Verified>()?;
    module.add_class::<ReplayStore>()?;
    module.add_function(wrap_pyfunction!(sign, module)?)?;
    module.add(
        "BUILT_IN_SCHEMES",
        PyTuple::new(module.py(), hooksig::Scheme::BUILT_IN)?,
    )?;
    module.add("__version__", env!("CARGO_PKG_VERSION"))?;
    events::register(module)?;
    errors::register(module)
}
