//! Shared by the matcher and Tratta tests and benches: the conformance
//! vectors, and the Python `cryptography` reference implementation of the
//! Tratta payload format (tratta_reference.py). Each test crate uses part of it.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Stdio};

/// The cases of `tests/vectors/<name>`.
pub fn vector_cases(name: &str) -> Vec<serde_json::Value> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/vectors")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let doc: serde_json::Value = serde_json::from_str(&text).expect("vector file is JSON");
    doc["cases"].as_array().cloned().unwrap_or_default()
}

/// A venv under the target directory with `cryptography`; `Err` says why
/// it could not be made (the only reason the cross-check is skipped).
pub fn reference_python() -> Result<PathBuf, String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let target =
        std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from);
    let venv = target.join("tratta-reference-venv");
    let python = venv.join("bin").join("python");
    let ready = venv.join(".ready");
    if ready.exists() {
        return Ok(python);
    }
    let run = |cmd: &mut Command| -> Result<(), String> {
        let out = cmd.output().map_err(|e| format!("{cmd:?}: {e}"))?;
        if out.status.success() {
            Ok(())
        } else {
            Err(format!(
                "{cmd:?} failed: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            ))
        }
    };
    run(Command::new("python3").args(["-m", "venv"]).arg(&venv))?;
    run(Command::new(&python).args(["-m", "pip", "install", "--quiet", "cryptography>=42"]))?;
    std::fs::write(&ready, b"").map_err(|e| e.to_string())?;
    Ok(python)
}

pub struct Reference {
    child: Child,
    out: BufReader<ChildStdout>,
}

impl Reference {
    pub fn start(python: &Path) -> Reference {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/tratta_reference.py");
        let mut child = Command::new(python)
            .arg(script)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("start the reference implementation");
        let out = BufReader::new(child.stdout.take().unwrap());
        Reference { child, out }
    }

    pub fn ask(&mut self, job: serde_json::Value) -> serde_json::Value {
        let stdin = self.child.stdin.as_mut().unwrap();
        writeln!(stdin, "{job}").unwrap();
        let mut line = String::new();
        self.out.read_line(&mut line).unwrap();
        serde_json::from_str(&line).unwrap_or_else(|e| panic!("reference said {line:?}: {e}"))
    }
}

impl Drop for Reference {
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        let _ = self.child.wait();
    }
}
