//! The Python exception tree: one class per core error code, under
//! `HooksigError` and, for everything a bad request can cause,
//! `VerificationError`. Each class carries its code as the `code` attribute.

use pyo3::create_exception;
use pyo3::exceptions::PyException;
use pyo3::prelude::*;
use pyo3::types::PyType;

create_exception!(
    hooksig,
    HooksigError,
    PyException,
    "Base class of every error hooksig raises; ``code`` is its stable machine-readable code."
);
create_exception!(
    hooksig,
    VerificationError,
    HooksigError,
    "A request that cannot be trusted: answer it with 400/401, never process it."
);
create_exception!(
    hooksig,
    InvalidSecret,
    HooksigError,
    "The secret is empty, too short for the scheme, or not valid for its key format."
);
create_exception!(
    hooksig,
    InvalidPattern,
    HooksigError,
    "An event-type pattern that cannot be compiled."
);
create_exception!(
    hooksig,
    InvalidScheme,
    HooksigError,
    "An unknown scheme name, or a custom-scheme definition that is not valid."
);
create_exception!(
    hooksig,
    MissingHeader,
    VerificationError,
    "A header the scheme requires is absent."
);
create_exception!(
    hooksig,
    MalformedHeader,
    VerificationError,
    "A header is present but unusable (bad format, or repeated with different values)."
);
create_exception!(
    hooksig,
    TimestampTooOld,
    VerificationError,
    "The signed timestamp is older than the tolerance allows (a replay, or a clock ahead)."
);
create_exception!(
    hooksig,
    TimestampInFuture,
    VerificationError,
    "The signed timestamp is further ahead than the tolerance allows."
);
create_exception!(
    hooksig,
    NoSupportedSignature,
    VerificationError,
    "The signature header carries only signature versions hooksig cannot check."
);
create_exception!(
    hooksig,
    SignatureMismatch,
    VerificationError,
    "No signature in the request matches any of the secrets."
);
create_exception!(
    hooksig,
    InvalidBody,
    VerificationError,
    "The body is not raw bytes or text (for example JSON that was already parsed)."
);
create_exception!(
    hooksig,
    DecryptionFailed,
    VerificationError,
    "An encrypted payload could not be decrypted; the reason says nothing about the key."
);

/// The class of each code of `hooksig::Error::CODES`.
fn class_of<'py>(py: Python<'py>, code: &str) -> Option<Bound<'py, PyType>> {
    Some(match code {
        "invalid_secret" => py.get_type::<InvalidSecret>(),
        "invalid_pattern" => py.get_type::<InvalidPattern>(),
        "invalid_scheme" => py.get_type::<InvalidScheme>(),
        "missing_header" => py.get_type::<MissingHeader>(),
        "malformed_header" => py.get_type::<MalformedHeader>(),
        "timestamp_too_old" => py.get_type::<TimestampTooOld>(),
        "timestamp_in_future" => py.get_type::<TimestampInFuture>(),
        "no_supported_signature" => py.get_type::<NoSupportedSignature>(),
        "signature_mismatch" => py.get_type::<SignatureMismatch>(),
        "invalid_body" => py.get_type::<InvalidBody>(),
        "decryption_failed" => py.get_type::<DecryptionFailed>(),
        _ => return None,
    })
}

/// A core error on its way to Python.
pub struct Error(pub hooksig::Error);

impl From<Error> for PyErr {
    fn from(Error(err): Error) -> PyErr {
        Python::attach(|py| {
            // A code added to core before this binding learns it still lands
            // in the right branch of the tree.
            let class = class_of(py, err.code()).unwrap_or_else(|| {
                if err.is_verification_error() {
                    py.get_type::<VerificationError>()
                } else {
                    py.get_type::<HooksigError>()
                }
            });
            match class.call1((err.to_string(),)) {
                Ok(instance) => {
                    // The class attributes already answer `.code` and
                    // `.http_status`; instance copies keep them right for a fallback class.
                    let set = instance
                        .setattr("code", err.code())
                        .and_then(|()| instance.setattr("http_status", err.http_status()));
                    if let Err(e) = set {
                        return e;
                    }
                    PyErr::from_value(instance)
                }
                Err(e) => e,
            }
        })
    }
}

/// Registers the exception classes on the module and gives each its `code`
/// and `http_status` (the core's table of what a receiver answers).
pub fn register(module: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = module.py();
    module.add("HooksigError", py.get_type::<HooksigError>())?;
    module.add("VerificationError", py.get_type::<VerificationError>())?;
    for code in hooksig::Error::CODES {
        if let Some(class) = class_of(py, code) {
            class.setattr("code", *code)?;
            if let Some(status) = hooksig::Error::http_status_of(code) {
                class.setattr("http_status", status)?;
            }
            module.add(class.name()?, class)?;
        }
    }
    Ok(())
}
