//! `hooksig match` and `hooksig decrypt`: routing event types through
//! patterns, and opening Tratta's encrypted payloads.

use std::io::Write;

use clap::Args;
use hooksig::{Catalog, EventMatcher, tratta};

use crate::{Exit, SecretArgs, read_body};

#[derive(Args)]
pub(crate) struct MatchArgs {
    /// An event-type pattern: `*`, a glob such as `card*` or `kyc.*.success`, or a type (repeat).
    #[arg(long = "pattern", value_name = "PATTERN")]
    patterns: Vec<String>,
    /// Patterns without `*` also match every type below them (Quiltt's parent types).
    #[arg(long)]
    scope: bool,
    /// Warn (on stderr) about patterns that match no known type of this provider
    /// (quiltt, bond, tratta), with a suggestion for typos.
    #[arg(long, value_name = "PROVIDER")]
    catalog: Option<String>,
    /// Print the result as JSON: [{"type": ..., "matching": [indexes]}, ...].
    #[arg(long)]
    json: bool,
    /// The event types to route.
    #[arg(value_name = "TYPE", required = true)]
    types: Vec<String>,
}

/// Prints, per type, the indexes of the patterns that match it; fails with
/// status 1 when some type matches none.
pub(crate) fn run_match(args: MatchArgs) -> Result<(), Exit> {
    let matcher = EventMatcher::new(&args.patterns, args.scope)?;
    if let Some(provider) = &args.catalog {
        let catalog = Catalog::for_provider(provider)?;
        for unknown in matcher.unknown_patterns(catalog) {
            eprintln!("hooksig: warning: {unknown} ({} catalogue)", catalog.name());
        }
    }
    let routed: Vec<(&String, Vec<usize>)> = args
        .types
        .iter()
        .map(|t| (t, matcher.matching(t)))
        .collect();
    if args.json {
        let out: Vec<serde_json::Value> = routed
            .iter()
            .map(|(t, m)| serde_json::json!({ "type": t, "matching": m }))
            .collect();
        println!("{}", serde_json::Value::Array(out));
    } else {
        for (t, m) in &routed {
            if m.is_empty() {
                println!("{t}: no match");
            } else {
                let indexes: Vec<String> = m.iter().map(usize::to_string).collect();
                println!("{t}: {}", indexes.join(" "));
            }
        }
    }
    if routed.iter().all(|(_, m)| !m.is_empty()) {
        Ok(())
    } else {
        Err(Exit::rejected())
    }
}

#[derive(Args)]
pub(crate) struct DecryptArgs {
    #[command(flatten)]
    secrets: SecretArgs,
    /// Read the payload (base64 text) from this file instead of stdin.
    #[arg(long = "body-file", value_name = "FILE")]
    body_file: Option<String>,
}

/// Writes the plaintext of a Tratta payload to stdout, byte for byte.
pub(crate) fn run_decrypt(args: DecryptArgs) -> Result<(), Exit> {
    let secrets = args.secrets.collect()?;
    let [secret] = secrets.as_slice() else {
        return Err(Exit::usage("decrypt takes exactly one secret"));
    };
    let data = read_body(args.body_file.as_deref())?;
    match tratta::decrypt(secret, &data) {
        Ok(plaintext) => {
            let mut stdout = std::io::stdout().lock();
            stdout
                .write_all(&plaintext)
                .and_then(|()| stdout.flush())
                .map_err(|e| Exit::usage(format!("cannot write the plaintext: {e}")))
        }
        Err(err) => {
            eprintln!("hooksig: {err} ({})", err.code());
            Err(Exit::rejected())
        }
    }
}
