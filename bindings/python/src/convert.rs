//! Headers and bodies as Python code has them, turned into what core takes.
//!
//! Every failure here is a `hooksig` error (`malformed_header`,
//! `invalid_body`), never a bare `TypeError`: a receiver should be able to
//! catch `VerificationError` and be sure that a hostile request cannot make it
//! raise anything else.

use pyo3::exceptions::PyException;
use pyo3::prelude::*;
use pyo3::types::{
    PyBool, PyByteArray, PyBytes, PyDict, PyInt, PyList, PyMemoryView, PyString, PyTuple,
};
use std::borrow::Cow;

/// Header name/value pairs, in the order Python gave them; `bytes` values
/// are borrowed, text is encoded once.
pub type Headers<'a> = Vec<(Cow<'a, [u8]>, Cow<'a, [u8]>)>;

const HEADERS_ARGUMENT: &str = "(headers argument)";

const RAW_BODY_HELP: &str = "signatures cover the raw bytes, so pass the body exactly as \
received: request.get_data() in Flask, await request.body() in FastAPI/Starlette, \
request.body in Django";

fn malformed(header: &str, reason: impl Into<String>) -> hooksig::Error {
    hooksig::Error::MalformedHeader {
        header: header.to_owned(),
        reason: reason.into(),
    }
}

fn invalid_body(reason: impl Into<String>) -> hooksig::Error {
    hooksig::Error::InvalidBody {
        reason: reason.into(),
    }
}

/// The name of `value`'s type, for messages.
pub fn type_name(value: &Bound<'_, PyAny>) -> String {
    value
        .get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "object".to_owned())
}

/// Why a conversion failed: a core error for bad input, or a Python error that
/// must propagate untouched.
pub enum ConversionError {
    Input(hooksig::Error),
    Python(PyErr),
}

impl From<hooksig::Error> for ConversionError {
    fn from(err: hooksig::Error) -> Self {
        ConversionError::Input(err)
    }
}

impl From<ConversionError> for PyErr {
    fn from(failure: ConversionError) -> PyErr {
        match failure {
            ConversionError::Input(err) => crate::errors::Error(err).into(),
            ConversionError::Python(err) => err,
        }
    }
}

/// Python errors raised by user code while we walk a mapping (a broken
/// `items()`, an iterator that throws) become `malformed_header`; anything
/// that is not an `Exception` (KeyboardInterrupt, SystemExit) passes through.
fn python(err: PyErr, py: Python<'_>) -> ConversionError {
    if err.is_instance_of::<PyException>(py) {
        ConversionError::Input(malformed(
            HEADERS_ARGUMENT,
            format!(
                "reading the headers raised {}",
                type_name(err.value(py).as_any())
            ),
        ))
    } else {
        ConversionError::Python(err)
    }
}

/// The bytes of a header name or value given as `bytes`, `bytearray` or
/// `memoryview`, or as text (which [`utf8`] made `bytes`: `hooksig::wire::header_bytes`
/// turns it into the bytes it stands for), or a value given as an `int` (not a
/// `bool`), as its decimal text: Slack's SDK passes its timestamp header that
/// way. `Err` for text that could not be encoded, a memoryview that cannot be
/// read, or an int wider than 128 bits.
fn field_bytes<'a>(field: &'a Field<'_>, name: bool) -> Option<Result<Cow<'a, [u8]>, ()>> {
    let value = &field.object;
    if let Ok(bytes) = value.cast::<PyBytes>() {
        if !field.text {
            return Some(Ok(Cow::Borrowed(bytes.as_bytes())));
        }
        // Valid UTF-8 by construction (the interpreter encoded it); checked
        // all the same rather than assumed.
        return Some(
            std::str::from_utf8(bytes.as_bytes())
                .map(hooksig::wire::header_bytes)
                .map_err(|_| ()),
        );
    }
    if let Ok(bytes) = value.cast::<PyByteArray>() {
        return Some(Ok(Cow::Owned(bytes.to_vec())));
    }
    if value.is_instance_of::<PyString>() {
        return Some(Err(()));
    }
    if value.is_instance_of::<PyMemoryView>() {
        return Some(
            value
                .py()
                .get_type::<PyBytes>()
                .call1((value,))
                .ok()
                .and_then(|bytes| Some(bytes.cast::<PyBytes>().ok()?.as_bytes().to_vec()))
                .map(Cow::Owned)
                .ok_or(()),
        );
    }
    if !name && value.is_instance_of::<PyInt>() && !value.is_instance_of::<PyBool>() {
        // Read as a number, not through str(): an IntEnum member prints its name.
        return Some(
            value
                .extract::<i128>()
                .map(|number| Cow::Owned(number.to_string().into_bytes()))
                .map_err(|_| ()),
        );
    }
    None
}

/// A header name or value as Python gave it, or, for a `str`, its UTF-8
/// `bytes` (`text` set): kept alive so that the bytes can be borrowed.
#[derive(Clone)]
struct Field<'py> {
    object: Bound<'py, PyAny>,
    text: bool,
}

/// A `str` becomes its UTF-8 bytes, which [`field_bytes`] hands to
/// `hooksig::wire::header_bytes` (the header-text rule every binding shares: Latin-1
/// when every character fits in a byte, as WSGI/ASGI servers decode header
/// bytes, else UTF-8); the ASCII text of real headers is then borrowed, not
/// copied. Text that cannot be encoded (a lone surrogate) stays `str`, for
/// [`RawHeaders::encode`] to report. Other objects are kept as they are.
fn utf8(value: Bound<'_, PyAny>) -> Field<'_> {
    if let Ok(text) = value.cast::<PyString>() {
        if let Ok(utf8) = text.encode_utf8() {
            return Field {
                object: utf8.into_any(),
                text: true,
            };
        }
    }
    Field {
        object: value,
        text: false,
    }
}

/// The header objects as Python holds them, kept alive so that their bytes
/// can be borrowed rather than copied.
pub struct RawHeaders<'py>(Vec<(Field<'py>, Field<'py>)>);

impl<'py> RawHeaders<'py> {
    /// Reads headers given as a `dict`, any mapping with `items()` (Werkzeug
    /// `EnvironHeaders`, Starlette `Headers`, Django `request.headers`,
    /// `email.message.Message`), or an iterable of `(name, value)` pairs.
    pub fn collect(headers: &Bound<'py, PyAny>) -> Result<Self, ConversionError> {
        let py = headers.py();
        let mut raw = RawHeaders(Vec::new());
        if let Ok(dict) = headers.cast::<PyDict>() {
            raw.0.reserve(dict.len());
            for (name, value) in dict.iter() {
                raw.push(name, value)?;
            }
            return Ok(raw);
        }
        if headers.is_instance_of::<PyString>()
            || headers.is_instance_of::<PyBytes>()
            || headers.is_instance_of::<PyByteArray>()
            || headers.is_none()
        {
            return Err(wrong_headers_type(headers).into());
        }
        // Lists and tuples of pairs skip the `items` lookup, whose miss costs
        // an AttributeError.
        let sequence = headers.is_instance_of::<PyList>() || headers.is_instance_of::<PyTuple>();
        let items = if !sequence && headers.hasattr("items").unwrap_or(false) {
            headers.call_method0("items").map_err(|e| python(e, py))?
        } else {
            headers.clone()
        };
        let iterator = match items.try_iter() {
            Ok(iterator) => iterator,
            Err(_) => return Err(wrong_headers_type(headers).into()),
        };
        for (index, item) in iterator.enumerate() {
            let item = item.map_err(|e| python(e, py))?;
            let (name, value) = pair(&item).ok_or_else(|| not_a_pair(&item, index))?;
            raw.push(name, value)?;
        }
        Ok(raw)
    }

    /// Several values for one name (as multi-dicts and Node-style objects give
    /// them) become repeated pairs; core decides what repetition means.
    fn push(
        &mut self,
        name: Bound<'py, PyAny>,
        value: Bound<'py, PyAny>,
    ) -> Result<(), ConversionError> {
        if value.is_instance_of::<PyList>() || value.is_instance_of::<PyTuple>() {
            let py = value.py();
            let name = utf8(name);
            for item in value.try_iter().map_err(|e| python(e, py))? {
                let item = utf8(item.map_err(|e| python(e, py))?);
                self.0.push((name.clone(), item));
            }
        } else {
            self.0.push((utf8(name), utf8(value)));
        }
        Ok(())
    }

    /// The pairs as bytes, for core.
    pub fn encode(&self) -> Result<Headers<'_>, hooksig::Error> {
        let mut headers = Vec::with_capacity(self.0.len());
        for (name, value) in &self.0 {
            let name = match field_bytes(name, true) {
                Some(Ok(name)) => name,
                Some(Err(())) => {
                    return Err(malformed(
                        HEADERS_ARGUMENT,
                        "a header name is not valid text",
                    ));
                }
                None => {
                    return Err(malformed(
                        HEADERS_ARGUMENT,
                        format!(
                            "a header name is {}, expected str or bytes-like",
                            type_name(&name.object)
                        ),
                    ));
                }
            };
            let shown = || {
                String::from_utf8_lossy(&name)
                    .chars()
                    .take(64)
                    .collect::<String>()
            };
            let value = match field_bytes(value, false) {
                Some(Ok(value)) => value,
                Some(Err(())) => {
                    let problem = if value.object.is_instance_of::<PyInt>() {
                        "the int value has more than 128 bits"
                    } else if value.object.is_instance_of::<PyMemoryView>() {
                        "the memoryview value cannot be read as contiguous bytes"
                    } else {
                        "the value is not valid text"
                    };
                    return Err(malformed(&shown(), problem));
                }
                None => {
                    return Err(malformed(
                        &shown(),
                        format!(
                            "the value is {}, expected str, bytes-like or int",
                            type_name(&value.object)
                        ),
                    ));
                }
            };
            headers.push((name, value));
        }
        Ok(headers)
    }
}

/// The two halves of a `(name, value)` tuple or `[name, value]` list.
fn pair<'py>(item: &Bound<'py, PyAny>) -> Option<(Bound<'py, PyAny>, Bound<'py, PyAny>)> {
    if let Ok(tuple) = item.cast::<PyTuple>() {
        if tuple.len() == 2 {
            return Some((tuple.get_item(0).ok()?, tuple.get_item(1).ok()?));
        }
    } else if let Ok(list) = item.cast::<PyList>() {
        if list.len() == 2 {
            return Some((list.get_item(0).ok()?, list.get_item(1).ok()?));
        }
    }
    None
}

fn not_a_pair(item: &Bound<'_, PyAny>, index: usize) -> hooksig::Error {
    malformed(
        HEADERS_ARGUMENT,
        format!(
            "item {index} is {}, expected a (name, value) pair",
            type_name(item)
        ),
    )
}

fn wrong_headers_type(headers: &Bound<'_, PyAny>) -> hooksig::Error {
    malformed(
        HEADERS_ARGUMENT,
        format!(
            "got {}, expected a mapping (dict, request.headers) or a list of (name, value) pairs",
            type_name(headers)
        ),
    )
}

/// Converts a request's headers and body, then hands them to `use_request`.
pub fn with_request<T>(
    headers: &Bound<'_, PyAny>,
    body: &Bound<'_, PyAny>,
    use_request: impl FnOnce(&Headers<'_>, &[u8]) -> T,
) -> PyResult<T> {
    let headers = RawHeaders::collect(headers)?;
    let headers = headers.encode().map_err(crate::errors::Error)?;
    let body = self::body(body).map_err(crate::errors::Error)?;
    Ok(use_request(&headers, &body))
}

/// A request body: borrowed from an immutable `bytes`, copied otherwise (a
/// `bytearray` may change under us once the GIL is released).
pub fn body<'a>(body: &'a Bound<'_, PyAny>) -> Result<Cow<'a, [u8]>, hooksig::Error> {
    if let Ok(bytes) = body.cast::<PyBytes>() {
        return Ok(Cow::Borrowed(bytes.as_bytes()));
    }
    if let Ok(text) = body.cast::<PyString>() {
        return match text.to_cow() {
            Ok(Cow::Borrowed(text)) => Ok(Cow::Borrowed(text.as_bytes())),
            Ok(Cow::Owned(text)) => Ok(Cow::Owned(text.into_bytes())),
            Err(_) => Err(invalid_body(
                "the str body cannot be encoded as UTF-8 (it holds a lone surrogate); pass the raw bytes instead",
            )),
        };
    }
    if let Ok(bytes) = body.cast::<PyByteArray>() {
        return Ok(Cow::Owned(bytes.to_vec()));
    }
    if body.is_instance_of::<PyMemoryView>() {
        return body
            .py()
            .get_type::<PyBytes>()
            .call1((body,))
            .and_then(|bytes| Ok(Cow::Owned(bytes.cast::<PyBytes>()?.as_bytes().to_vec())))
            .map_err(|_| invalid_body("the memoryview cannot be read as contiguous bytes"));
    }
    let kind = type_name(body);
    if body.is_instance_of::<PyDict>() || body.is_instance_of::<PyList>() {
        return Err(invalid_body(format!(
            "got a {kind}, which looks like JSON that was already parsed; {RAW_BODY_HELP}"
        )));
    }
    Err(invalid_body(format!(
        "got {kind}, expected bytes, bytearray, memoryview or str; {RAW_BODY_HELP}"
    )))
}
