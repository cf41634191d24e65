//! `cargo run -p hooksig-vectors` rewrites tests/vectors/*.json;
//! `cargo run -p hooksig-vectors -- --check` exits 1 if that would change them.

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let check = std::env::args().any(|a| a == "--check");
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/vectors");
    let mut stale = Vec::new();
    for file in hooksig_vectors::generate() {
        let path = dir.join(file.name);
        let current = std::fs::read_to_string(&path).unwrap_or_default();
        if current == file.text {
            continue;
        }
        if check {
            stale.push(file.name);
        } else if let Err(e) = std::fs::write(&path, &file.text) {
            eprintln!("cannot write {}: {e}", path.display());
            return ExitCode::from(2);
        } else {
            println!("wrote {}", path.display());
        }
    }
    if stale.is_empty() {
        ExitCode::SUCCESS
    } else {
        eprintln!(
            "tests/vectors is out of date ({}): run `cargo run -p hooksig-vectors`",
            stale.join(", ")
        );
        ExitCode::FAILURE
    }
}
