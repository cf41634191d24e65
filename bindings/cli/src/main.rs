//! `hooksig`: sign, verify, send and explain webhooks from a shell.
//!
//! Exit status: 0 verified / matched / decrypted / 2xx, 1 rejected / no match /
//! bad ciphertext / non-2xx, 2 usage or configuration error.

mod demo;
mod http;
mod listen;
mod replay_cmd;
mod route;
mod send;
mod store;

use clap::{Args, Parser, Subcommand};
use hooksig::{RedisStore, ReplayGuard, Scheme, SignOptions, Verifier, unix_now};
use std::io::Read;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "hooksig",
    version,
    about = "Sign, verify and route webhooks",
    propagate_version = true
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Print the headers a sender attaches to BODY (stdin by default).
    Sign(SignArgs),
    /// Verify a request given as headers and a body (stdin by default).
    Verify(VerifyArgs),
    /// Print, per event TYPE, the indexes of the patterns that match it.
    Match(route::MatchArgs),
    /// Decrypt a Tratta payload (base64, stdin by default) and print the plaintext.
    Decrypt(route::DecryptArgs),
    /// POST a signed sample event (or --body-file) to a local receiver and print the status.
    Send(SendArgs),
    /// Verify deliveries on a port, forward the verified ones to an app byte for
    /// byte, and record them all (a local receiver's loop, or a sidecar).
    Listen(listen::ListenArgs),
    /// List the deliveries `hooksig listen` recorded, newest first.
    Deliveries(store::DeliveriesArgs),
    /// Send a recorded delivery again, as received or re-signed (--resign).
    Replay(replay_cmd::ReplayArgs),
    /// Sign sample events for every provider, verify them, and show tampered ones rejected.
    Demo,
    /// Print a fresh key from the system's random source: a whsk_ signing key and its
    /// whpk_ public key for Standard Webhooks (v1a, Ed25519), a whsec_ secret otherwise.
    Keygen(KeygenArgs),
}

#[derive(Args)]
struct KeygenArgs {
    /// The scheme the key is for.
    #[arg(long)]
    scheme: String,
    /// For Standard Webhooks, a whsec_ HMAC secret (v1) instead of an Ed25519 pair.
    #[arg(long)]
    hmac: bool,
    /// Print a JSON object instead of lines.
    #[arg(long)]
    json: bool,
}

/// `keygen`: the sender keeps whsk_ and whsec_; receivers get whpk_ (or the whsec_).
fn keygen(args: KeygenArgs) -> Result<(), Exit> {
    let scheme: Scheme = args.scheme.parse()?;
    let ed25519 = matches!(scheme, Scheme::Standard) && !args.hmac;
    let keys: Vec<(&str, String)> = if ed25519 {
        let (signing, public) = hooksig::generate_ed25519_keys()?;
        vec![("signing_key", signing), ("public_key", public)]
    } else {
        vec![("secret", hooksig::generate_secret()?)]
    };
    if args.json {
        let object: serde_json::Map<String, serde_json::Value> = keys
            .into_iter()
            .map(|(name, key)| (name.to_owned(), key.into()))
            .collect();
        println!("{}", serde_json::Value::Object(object));
    } else {
        // Keys alone on stdout, one a line, so `read` and `$(...)` take them as they are.
        for (name, key) in keys {
            let note = match name {
                "signing_key" => "signing key (the sender keeps it)",
                "public_key" => "public key (give it to receivers)",
                _ => "secret (shared by the sender and its receivers)",
            };
            eprintln!(
                "hooksig: line {}: {note}",
                if name == "public_key" { 2 } else { 1 }
            );
            println!("{key}");
        }
    }
    Ok(())
}

#[derive(Args)]
struct SecretArgs {
    /// Read a secret from this environment variable (repeat for key rotation, newest first).
    #[arg(long = "secret-env", value_name = "VAR")]
    secret_env: Vec<String>,
    /// A secret on the command line (lands in shell history: prefer --secret-env).
    #[arg(long = "secret", value_name = "SECRET")]
    secret: Vec<String>,
}

impl SecretArgs {
    fn is_empty(&self) -> bool {
        self.secret_env.is_empty() && self.secret.is_empty()
    }

    fn collect(&self) -> Result<Vec<String>, Exit> {
        let mut secrets = Vec::new();
        for var in &self.secret_env {
            match std::env::var(var) {
                Ok(value) => secrets.push(value),
                Err(_) => {
                    return Err(Exit::usage(format!(
                        "environment variable {var} is not set (or not UTF-8)"
                    )));
                }
            }
        }
        if !self.secret.is_empty() {
            eprintln!(
                "hooksig: warning: --secret puts the secret in shell history and the process list; prefer --secret-env VAR"
            );
            secrets.extend(self.secret.iter().cloned());
        }
        if secrets.is_empty() {
            return Err(Exit::usage(
                "give a secret with --secret-env VAR (or --secret)",
            ));
        }
        Ok(secrets)
    }
}

#[derive(Args)]
struct SignArgs {
    /// Scheme name (quiltt, standard, bond, tratta, stripe, github, shopify, slack) or custom-scheme JSON.
    #[arg(long)]
    scheme: String,
    #[command(flatten)]
    secrets: SecretArgs,
    /// Unix seconds to sign with (default: now).
    #[arg(long)]
    timestamp: Option<i64>,
    /// Message id, for schemes that send one.
    #[arg(long)]
    id: Option<String>,
    /// Event type, for schemes that carry it in a header.
    #[arg(long)]
    event: Option<String>,
    /// Read the body from this file instead of stdin.
    #[arg(long = "body-file", value_name = "FILE")]
    body_file: Option<String>,
    /// Print the headers as a JSON object.
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
struct VerifyArgs {
    /// Scheme name or custom-scheme JSON.
    #[arg(long)]
    scheme: String,
    #[command(flatten)]
    secrets: SecretArgs,
    /// Seconds a timestamp may be off, either direction (default 300).
    #[arg(long)]
    tolerance: Option<u64>,
    /// Verify as if it were this Unix time.
    #[arg(long)]
    now: Option<i64>,
    /// A request header, 'Name: value' (repeat).
    #[arg(short = 'H', long = "header", value_name = "HEADER")]
    headers: Vec<String>,
    /// Read the body from this file instead of stdin.
    #[arg(long = "body-file", value_name = "FILE")]
    body_file: Option<String>,
    /// On failure, also name the likely mistake.
    #[arg(long)]
    explain: bool,
    /// Print the result as JSON.
    #[arg(long)]
    json: bool,
    /// Refuse a delivery this Redis server has seen before (redis://host:port[/db]):
    /// a verified one is recorded as handled, a copy exits 1 with code `replayed`.
    #[arg(long = "replay-store", value_name = "URL")]
    replay_store: Option<String>,
}

#[derive(Args)]
struct SendArgs {
    /// Scheme name or custom-scheme JSON.
    #[arg(long)]
    scheme: String,
    #[command(flatten)]
    secrets: SecretArgs,
    /// The receiver, e.g. http://127.0.0.1:8000/webhooks.
    #[arg(long)]
    url: String,
    /// Event type of the built-in sample (default: a typical one for the provider).
    #[arg(long)]
    event: Option<String>,
    /// Send this file as the body instead of a built-in sample.
    #[arg(long = "body-file", value_name = "FILE")]
    body_file: Option<String>,
    /// Change the body after signing: the receiver must reject it.
    #[arg(long)]
    tamper: bool,
    /// An extra request header, 'Name: value' (repeat).
    #[arg(short = 'H', long = "header", value_name = "HEADER")]
    headers: Vec<String>,
}

/// Why a command did not succeed, and with which exit status.
pub(crate) struct Exit {
    status: u8,
    message: Option<String>,
}

impl Exit {
    pub(crate) fn usage(message: impl Into<String>) -> Exit {
        Exit {
            status: 2,
            message: Some(message.into()),
        }
    }
    pub(crate) fn rejected() -> Exit {
        Exit {
            status: 1,
            message: None,
        }
    }
}

impl From<hooksig::Error> for Exit {
    fn from(err: hooksig::Error) -> Exit {
        Exit::usage(format!("{} ({})", err, err.code()))
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Sign(args) => sign(args),
        Command::Verify(args) => verify(args),
        Command::Match(args) => route::run_match(args),
        Command::Decrypt(args) => route::run_decrypt(args),
        Command::Send(args) => send::run(args),
        Command::Listen(args) => listen::run(args),
        Command::Deliveries(args) => store::run_deliveries(args),
        Command::Replay(args) => replay_cmd::run(args),
        Command::Demo => demo::run(),
        Command::Keygen(args) => keygen(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            if let Some(message) = failure.message {
                eprintln!("hooksig: {message}");
            }
            ExitCode::from(failure.status)
        }
    }
}

pub(crate) fn parse_scheme(text: &str) -> Result<Scheme, Exit> {
    text.parse::<Scheme>().map_err(Exit::from)
}

pub(crate) fn read_body(file: Option<&str>) -> Result<Vec<u8>, Exit> {
    let mut body = Vec::new();
    let result = match file {
        Some("-") | None => std::io::stdin().read_to_end(&mut body).map(|_| ()),
        Some(path) => std::fs::read(path).map(|b| body = b),
    };
    result.map_err(|e| {
        Exit::usage(format!(
            "cannot read the body from {}: {e}",
            file.unwrap_or("stdin")
        ))
    })?;
    Ok(body)
}

pub(crate) fn parse_headers(raw: &[String]) -> Result<Vec<(String, String)>, Exit> {
    raw.iter()
        .map(|h| match h.split_once(':') {
            Some((name, value)) if !name.trim().is_empty() => {
                Ok((name.trim().to_owned(), value.trim().to_owned()))
            }
            _ => Err(Exit::usage(format!(
                "header {h:?} is not of the form 'Name: value'"
            ))),
        })
        .collect()
}

fn sign(args: SignArgs) -> Result<(), Exit> {
    let scheme = parse_scheme(&args.scheme)?;
    let secrets = args.secrets.collect()?;
    let body = read_body(args.body_file.as_deref())?;
    let options = SignOptions {
        timestamp: args.timestamp,
        webhook_id: args.id,
        event_type: args.event,
    };
    let headers = hooksig::sign(&scheme, &secrets[0], &body, &options)?;
    if args.json {
        let object: serde_json::Map<String, serde_json::Value> = headers
            .into_iter()
            .map(|(n, v)| (n, serde_json::Value::String(v)))
            .collect();
        println!("{}", serde_json::Value::Object(object));
    } else {
        for (name, value) in headers {
            println!("{name}: {value}");
        }
    }
    Ok(())
}

fn verify(args: VerifyArgs) -> Result<(), Exit> {
    let report_config_error = |err: hooksig::Error| -> Exit {
        if args.json {
            println!(
                "{}",
                serde_json::json!({ "ok": false, "code": err.code(), "message": err.to_string() })
            );
            Exit {
                status: 2,
                message: None,
            }
        } else {
            Exit::from(err)
        }
    };
    let scheme = args.scheme.parse::<Scheme>().map_err(report_config_error)?;
    let secrets = args.secrets.collect()?;
    let headers = parse_headers(&args.headers)?;
    let body = read_body(args.body_file.as_deref())?;
    let mut verifier = Verifier::new(scheme, &secrets).map_err(report_config_error)?;
    if let Some(tolerance) = args.tolerance {
        verifier = verifier.with_tolerance(tolerance);
    }
    let now = args.now.unwrap_or_else(unix_now);
    let guard = match &args.replay_store {
        Some(url) => Some(ReplayGuard::new(
            RedisStore::new(url).map_err(report_config_error)?,
        )),
        None => None,
    };
    // With a guard, the delivery is claimed and, as this command is its
    // whole handling, marked handled at once.
    let outcome = match &guard {
        Some(guard) => verifier
            .verify_once_at(guard, &headers, &body, now)
            .and_then(|delivery| guard.complete(&delivery).map(|()| delivery.verified)),
        None => verifier.verify_at(&headers, &body, now),
    };
    if let Err(err) = &outcome {
        if err.code() == "replay_store_unavailable" {
            return Err(report_config_error(err.clone()));
        }
    }
    match outcome {
        Ok(v) => {
            if args.json {
                let mut out = serde_json::json!({ "ok": true, "key_index": v.key_index });
                if let Some(t) = v.timestamp {
                    out["timestamp"] = t.into();
                }
                if let Some(id) = v.webhook_id {
                    out["webhook_id"] = id.into();
                    out["id_signed"] = v.id_signed.into();
                }
                println!("{out}");
            } else {
                let mut line = format!("verified: secret #{}", v.key_index);
                if let Some(t) = v.timestamp {
                    line.push_str(&format!(", timestamp {t}"));
                }
                if let Some(id) = v.webhook_id {
                    let signed = if v.id_signed { "signed" } else { "not signed" };
                    line.push_str(&format!(", id {id} ({signed})"));
                }
                println!("{line}");
            }
            Ok(())
        }
        Err(err) => {
            let explanation = args
                .explain
                .then(|| verifier.diagnose_at(&headers, &body, now))
                .flatten();
            if args.json {
                let mut out = serde_json::json!({ "ok": false, "code": err.code(), "message": err.to_string() });
                if let Some(e) = explanation {
                    out["explanation"] = e.into();
                }
                println!("{out}");
            } else {
                println!("rejected: {} ({})", err, err.code());
                if let Some(e) = explanation {
                    println!("why: {e}");
                }
            }
            Err(Exit::rejected())
        }
    }
}
