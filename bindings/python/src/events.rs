//! Event types: extraction from a verified request, pattern matching for
//! routing, provider catalogues, and Tratta's encrypted payloads.

use crate::convert::{self, ConversionError};
use crate::errors::Error;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyList, PyString};
use zeroize::Zeroizing;

/// Event-type patterns compiled once, for routing: `matches` says whether any
/// pattern matches, `matching` which ones (their indexes).
#[pyclass(frozen, module = "hooksig", name = "EventMatcher")]
pub struct EventMatcher {
    inner: hooksig::EventMatcher,
}

#[pymethods]
impl EventMatcher {
    #[new]
    #[pyo3(signature = (patterns, *, scope = false))]
    fn new(patterns: &Bound<'_, PyAny>, scope: bool) -> PyResult<Self> {
        let patterns = pattern_list(patterns)?;
        let inner = hooksig::EventMatcher::new(&patterns, scope).map_err(Error)?;
        Ok(EventMatcher { inner })
    }

    /// True when at least one pattern matches `event_type`.
    fn matches(&self, event_type: &str) -> bool {
        self.inner.matches(event_type)
    }

    /// The indexes (ascending) of every pattern that matches `event_type`.
    fn matching(&self, event_type: &str) -> Vec<usize> {
        self.inner.matching(event_type)
    }

    /// The patterns, in the order given.
    #[getter]
    fn patterns(&self) -> Vec<String> {
        self.inner.patterns().to_vec()
    }

    /// Whether patterns without `*` also match the types below them.
    #[getter]
    fn scope(&self) -> bool {
        self.inner.scope()
    }

    /// The patterns that match no event type `provider` documents (`"quiltt"`,
    /// `"bond"`, `"tratta"`), each with the nearest known type when it looks
    /// like a typo.
    fn unknown_patterns(&self, provider: &str) -> PyResult<Vec<UnknownPattern>> {
        let catalog = hooksig::Catalog::for_provider(provider).map_err(Error)?;
        Ok(self
            .inner
            .unknown_patterns(catalog)
            .into_iter()
            .map(|unknown| UnknownPattern {
                message: unknown.to_string(),
                index: unknown.index,
                pattern: unknown.pattern,
                suggestion: unknown.suggestion,
            })
            .collect())
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let patterns = PyList::new(py, self.inner.patterns())?.repr()?;
        Ok(format!(
            "EventMatcher({patterns}, scope={})",
            if self.inner.scope() { "True" } else { "False" }
        ))
    }
}

/// Patterns as a list (or any sequence) of `str`; one bare `str` is one pattern.
fn pattern_list(patterns: &Bound<'_, PyAny>) -> PyResult<Vec<String>> {
    let invalid = |reason: String| {
        Error(hooksig::Error::InvalidPattern {
            pattern: String::new(),
            reason,
        })
    };
    let text = |pattern: &Bound<'_, PyString>| {
        pattern
            .to_cow()
            .map(|p| p.into_owned())
            .map_err(|_| invalid("a pattern is not valid text".into()))
    };
    if let Ok(pattern) = patterns.cast::<PyString>() {
        return Ok(vec![text(pattern)?]);
    }
    let items = patterns
        .try_iter()
        .map_err(|_| invalid("expected a list of patterns".into()))?;
    let mut list = Vec::new();
    for item in items {
        let item = item?;
        match item.cast::<PyString>() {
            Ok(pattern) => list.push(text(pattern)?),
            Err(_) => {
                return Err(invalid(format!("pattern {} is not a str", list.len())).into());
            }
        }
    }
    Ok(list)
}

/// A subscription pattern that matches no event type the provider documents.
#[pyclass(frozen, module = "hooksig", name = "UnknownPattern")]
pub struct UnknownPattern {
    /// Index of the pattern in the list given to `EventMatcher`.
    #[pyo3(get)]
    index: usize,
    /// The pattern itself.
    #[pyo3(get)]
    pattern: String,
    /// The nearest known type, when the pattern looks like a typo of one.
    #[pyo3(get)]
    suggestion: Option<String>,
    /// The sentence `str()` gives.
    message: String,
}

#[pymethods]
impl UnknownPattern {
    fn __str__(&self) -> &str {
        &self.message
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let suggestion = match &self.suggestion {
            Some(s) => PyString::new(py, s).repr()?.to_string(),
            None => "None".into(),
        };
        Ok(format!(
            "UnknownPattern(index={}, pattern={}, suggestion={suggestion})",
            self.index,
            PyString::new(py, &self.pattern).repr()?
        ))
    }
}

/// The scheme of `scheme`: a `Verifier`'s, or one given as for `Verifier`.
fn scheme_of(scheme: &Bound<'_, PyAny>) -> Result<hooksig::Scheme, ConversionError> {
    match scheme.cast::<crate::Verifier>() {
        Ok(verifier) => Ok(verifier.get().inner.scheme().clone()),
        Err(_) => crate::scheme(scheme),
    }
}

/// The event types of a (verified) request, one per event, in payload order.
#[pyfunction]
pub fn event_types(
    scheme: &Bound<'_, PyAny>,
    headers: &Bound<'_, PyAny>,
    body: &Bound<'_, PyAny>,
) -> PyResult<Vec<String>> {
    let scheme = scheme_of(scheme)?;
    let types = convert::with_request(headers, body, |headers, body| {
        hooksig::events::event_types(&scheme, headers, body)
    })?;
    Ok(types.map_err(Error)?)
}

/// A payload's bytes: `str` (base64 text) or a bytes-like object.
fn payload<'a>(
    data: &'a Bound<'_, PyAny>,
    what: &str,
) -> Result<std::borrow::Cow<'a, [u8]>, Error> {
    convert::body(data).map_err(|_| {
        Error(hooksig::Error::DecryptionFailed {
            reason: format!(
                "the {what} is {}, expected str or bytes",
                convert::type_name(data)
            ),
        })
    })
}

/// A Tratta secret: borrowed from an immutable `bytes`/`str` when it can be,
/// else a copy (from a `bytearray`, a `memoryview`, non-UTF-8-cached text)
/// that is wiped on drop.
enum SecretBytes<'a> {
    Borrowed(&'a [u8]),
    Copied(Zeroizing<Vec<u8>>),
}

impl AsRef<[u8]> for SecretBytes<'_> {
    fn as_ref(&self) -> &[u8] {
        match self {
            SecretBytes::Borrowed(bytes) => bytes,
            SecretBytes::Copied(bytes) => bytes,
        }
    }
}

fn secret_bytes<'a>(secret: &'a Bound<'_, PyAny>) -> Result<SecretBytes<'a>, Error> {
    Ok(match payload(secret, "secret")? {
        std::borrow::Cow::Borrowed(bytes) => SecretBytes::Borrowed(bytes),
        std::borrow::Cow::Owned(bytes) => SecretBytes::Copied(Zeroizing::new(bytes)),
    })
}

/// Decrypts a Tratta payload (base64 text) with the webhook's secret.
#[pyfunction]
pub fn tratta_decrypt<'py>(
    py: Python<'py>,
    secret: &Bound<'py, PyAny>,
    data: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyBytes>> {
    let secret = secret_bytes(secret)?;
    let data = payload(data, "payload")?;
    let (secret, data) = (secret.as_ref(), data.as_ref());
    // PBKDF2 with 20 000 rounds: long enough to let other threads run.
    let plaintext = py
        .detach(|| hooksig::tratta::decrypt(secret, data))
        .map_err(Error)?;
    Ok(PyBytes::new(py, &plaintext))
}

/// Encrypts `plaintext` for a Tratta receiver; returns the base64 payload text.
#[pyfunction]
pub fn tratta_encrypt(
    py: Python<'_>,
    secret: &Bound<'_, PyAny>,
    plaintext: &Bound<'_, PyAny>,
) -> PyResult<String> {
    let secret = secret_bytes(secret)?;
    let plaintext = payload(plaintext, "plaintext")?;
    let (secret, plaintext) = (secret.as_ref(), plaintext.as_ref());
    Ok(py
        .detach(|| hooksig::tratta::encrypt(secret, plaintext))
        .map_err(Error)?)
}

/// Registers the classes and functions of this file on the module.
pub fn register(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add_class::<EventMatcher>()?;
    module.add_class::<UnknownPattern>()?;
    module.add_function(wrap_pyfunction!(event_types, module)?)?;
    module.add_function(wrap_pyfunction!(tratta_decrypt, module)?)?;
    module.add_function(wrap_pyfunction!(tratta_encrypt, module)?)?;
    Ok(())
}
