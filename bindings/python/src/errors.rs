//! The Python exception tree: one class per core error code, under
//! `HooksigError` and, for everything a bad request can cause,
//! `VerificationError`, built from the core's table (`hooksig::ErrorCode`).
//! Each class carries its code as the `code` attribute.

use pyo3::create_exception;
use pyo3::exceptions::PyException;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyTuple, PyType};
use std::ffi::CString;

use hooksig::ErrorCode;

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
/// One class per code of the core's table (`hooksig::ErrorCode::ALL`, in
/// its order), made when the module is first imported.
static CLASSES: PyOnceLock<Vec<Py<PyType>>> = PyOnceLock::new();

/// Creates the class of every code: named after the code's variant, under
/// `VerificationError` or `HooksigError` by the code's kind, with its doc line,
/// `code` and `http_status`.
fn classes(py: Python<'_>) -> PyResult<&Vec<Py<PyType>>> {
    CLASSES.get_or_try_init(py, || {
        ErrorCode::ALL
            .iter()
            .map(|code| {
                let base = if code.is_verification_error() {
                    py.get_type::<VerificationError>()
                } else {
                    py.get_type::<HooksigError>()
                };
                let name = CString::new(format!("hooksig.{}", code.name()))?;
                let doc = CString::new(code.doc())?;
                let class = PyErr::new_type(py, &name, Some(&doc), Some(&base), None)?;
                let class = class.into_bound(py);
                class.setattr("code", code.as_str())?;
                class.setattr("http_status", code.http_status())?;
                if *code == ErrorCode::Replayed {
                    // Which of the two copies it is: one being handled now (409,
                    // retry later) or one handled before (adapters answer 200).
                    class.setattr("completed", false)?;
                }
                Ok(class.unbind())
            })
            .collect()
    })
}

/// The class of a core error code.
fn class_of<'py>(py: Python<'py>, code: ErrorCode) -> Option<Bound<'py, PyType>> {
    let index = ErrorCode::ALL.iter().position(|known| *known == code)?;
    let class = classes(py).ok()?.get(index)?;
    Some(class.bind(py).clone())
}

/// A core error on its way to Python.
pub struct Error(pub hooksig::Error);

impl From<Error> for PyErr {
    fn from(Error(err): Error) -> PyErr {
        Python::attach(|py| {
            // A code added to core before this binding learns it still lands
            // in the right branch of the tree.
            let class = class_of(py, err.error_code()).unwrap_or_else(|| {
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
                        .and_then(|()| instance.setattr("http_status", err.http_status()))
                        .and_then(|()| match err {
                            hooksig::Error::Replayed { completed } => {
                                instance.setattr("completed", completed)
                            }
                            _ => Ok(()),
                        });
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

/// Registers the exception classes on the module, and `ERROR_CODES`: the
/// core's table as `(class name, code, http_status, is_verification_error)`
/// tuples, from which the tests check the classes.
pub fn register(module: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = module.py();
    module.add("HooksigError", py.get_type::<HooksigError>())?;
    module.add("VerificationError", py.get_type::<VerificationError>())?;
    for (code, class) in ErrorCode::ALL.iter().zip(classes(py)?) {
        module.add(code.name(), class.bind(py))?;
    }
    let table = ErrorCode::ALL
        .iter()
        .map(|code| {
            (
                code.name(),
                code.as_str(),
                code.http_status(),
                code.is_verification_error(),
            )
        })
        .collect::<Vec<_>>();
    module.add("ERROR_CODES", PyTuple::new(py, table)?)?;
    Ok(())
}
