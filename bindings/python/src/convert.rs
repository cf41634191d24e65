//! Headers and bodies as Python code has them, turned into what core takes.
//!
//! Every failure here is a `hooksig` error (`malformed_header`,
//! `invalid_body`), never a bare `TypeError`: a receiver should be able to
//! catch `VerificationError` and be sure that a hostile request cannot make it
//! raise anything else.

use pyo3::exceptions::PyException;
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyDict, PyList, PyMemoryView, PyString, PyTuple};
use std::borrow::Cow;

/// Header name/value pairs, in the order Python gave them.
pub type Headers = Vec<(Vec<u8>, Vec<u8>)>;

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

fn type_name(value: &Bound<'_, PyAny>) -> String {
    value
        .get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "object".to_owned())
}

/// Python errors raised by user code while we walk a mapping (a broken
/// `items()`, an iterator that throws) become `malformed_header`; anything
/// that is not an `Exception` (KeyboardInterrupt, SystemExit) passes through.
fn from_python_error(err: PyErr, py: Python<'_>) -> Result<hooksig::Error, PyErr> {
    if err.is_instance_of::<PyException>(py) {
        Ok(malformed(
            HEADERS_ARGUMENT,
            format!("reading the headers raised {}", type_name(err.value(py).as_any())),
        ))
    } else {
        Err(err)
    }
}

/// Outcome of a conversion: a core error for bad input, or a Python error that
/// must propagate untouched.
pub enum Failure {
    Input(hooksig::Error),
    Python(PyErr),
}

impl From<hooksig::Error> for Failure {
    fn from(err: hooksig::Error) -> Self {
        Failure::Input(err)
    }
}

impl From<Failure> for PyErr {
    fn from(failure: Failure) -> PyErr {
        match failure {
            Failure::Input(err) => crate::errors::Error(err).into(),
            Failure::Python(err) => err,
        }
    }
}

fn python(err: PyErr, py: Python<'_>) -> Failure {
    match from_python_error(err, py) {
        Ok(input) => Failure::Input(input),
        Err(err) => Failure::Python(err),
    }
}

/// The bytes of a header name or value given as `str`, `bytes` or `bytearray`.
///
/// WSGI and ASGI servers decode header bytes as ISO-8859-1 (PEP 3333), so a
/// `str` whose characters all fit in one byte is encoded back the same way to
/// recover the bytes that were on the wire; other text is taken as UTF-8.
fn header_bytes(value: &Bound<'_, PyAny>) -> Option<Result<Vec<u8>, ()>> {
    if let Ok(text) = value.cast::<PyString>() {
        return Some(match text.to_cow() {
            Ok(text) => Ok(latin1_or_utf8(&text)),
            Err(_) => Err(()),
        });
    }
    if let Ok(bytes) = value.cast::<PyBytes>() {
        return Some(Ok(bytes.as_bytes().to_vec()));
    }
    if let Ok(bytes) = value.cast::<PyByteArray>() {
        return Some(Ok(bytes.to_vec()));
    }
    None
}

fn latin1_or_utf8(text: &str) -> Vec<u8> {
    if text.is_ascii() || text.chars().any(|c| u32::from(c) > 0xFF) {
        text.as_bytes().to_vec()
    } else {
        text.chars().map(|c| c as u8).collect()
    }
}

fn push_pair(
    headers: &mut Headers,
    name: &Bound<'_, PyAny>,
    value: &Bound<'_, PyAny>,
) -> Result<(), Failure> {
    let name = match header_bytes(name) {
        Some(Ok(name)) => name,
        Some(Err(())) => {
            return Err(malformed(HEADERS_ARGUMENT, "a header name is not valid text").into());
        }
        None => {
            return Err(malformed(
                HEADERS_ARGUMENT,
                format!("a header name is {}, expected str or bytes", type_name(name)),
            )
            .into());
        }
    };
    let shown = || String::from_utf8_lossy(&name).chars().take(64).collect::<String>();
    match header_bytes(value) {
        Some(Ok(value)) => {
            headers.push((name, value));
            Ok(())
        }
        Some(Err(())) => Err(malformed(&shown(), "the value is not valid text").into()),
        // Several values for one name (as multi-dicts and Node-style objects
        // give them) become repeated pairs; core decides what repetition means.
        None if value.is_instance_of::<PyList>() || value.is_instance_of::<PyTuple>() => {
            let py = value.py();
            for item in value.try_iter().map_err(|e| python(e, py))? {
                let item = item.map_err(|e| python(e, py))?;
                match header_bytes(&item) {
                    Some(Ok(item)) => headers.push((name.clone(), item)),
                    _ => {
                        return Err(malformed(
                            &shown(),
                            format!("a value in its list is {}, expected str or bytes", type_name(&item)),
                        )
                        .into());
                    }
                }
            }
            Ok(())
        }
        None => Err(malformed(
            &shown(),
            format!("the value is {}, expected str or bytes", type_name(value)),
        )
        .into()),
    }
}

fn push_item(headers: &mut Headers, item: &Bound<'_, PyAny>, index: usize) -> Result<(), Failure> {
    let pair = item
        .cast::<PyTuple>()
        .ok()
        .filter(|t| t.len() == 2)
        .map(|t| (t.get_item(0), t.get_item(1)));
    let pair = match pair {
        Some((Ok(name), Ok(value))) => (name, value),
        _ => match item.cast::<PyList>().ok().filter(|l| l.len() == 2) {
            Some(list) => match (list.get_item(0), list.get_item(1)) {
                (Ok(name), Ok(value)) => (name, value),
                _ => return Err(not_a_pair(item, index).into()),
            },
            None => return Err(not_a_pair(item, index).into()),
        },
    };
    push_pair(headers, &pair.0, &pair.1)
}

fn not_a_pair(item: &Bound<'_, PyAny>, index: usize) -> hooksig::Error {
    malformed(
        HEADERS_ARGUMENT,
        format!("item {index} is {}, expected a (name, value) pair", type_name(item)),
    )
}

/// Reads headers given as a `dict`, any mapping with `items()` (Werkzeug
/// `EnvironHeaders`, Starlette `Headers`, Django `request.headers`,
/// `email.message.Message`), or an iterable of `(name, value)` pairs.
pub fn headers(headers: &Bound<'_, PyAny>) -> Result<Headers, Failure> {
    let py = headers.py();
    if let Ok(dict) = headers.cast::<PyDict>() {
        let mut pairs = Vec::with_capacity(dict.len());
        for (name, value) in dict.iter() {
            push_pair(&mut pairs, &name, &value)?;
        }
        return Ok(pairs);
    }
    if headers.is_instance_of::<PyString>()
        || headers.is_instance_of::<PyBytes>()
        || headers.is_instance_of::<PyByteArray>()
        || headers.is_none()
    {
        return Err(wrong_headers_type(headers).into());
    }
    let items = match headers.hasattr("items") {
        Ok(true) => headers
            .call_method0("items")
            .map_err(|e| python(e, py))?,
        _ => headers.clone(),
    };
    let iterator = match items.try_iter() {
        Ok(iterator) => iterator,
        Err(_) => return Err(wrong_headers_type(headers).into()),
    };
    let mut pairs = Vec::new();
    for (index, item) in iterator.enumerate() {
        push_item(&mut pairs, &item.map_err(|e| python(e, py))?, index)?;
    }
    Ok(pairs)
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
