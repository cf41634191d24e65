//! `hooksig replay`: send a recorded delivery again, exactly as received, or
//! re-signed with a fresh timestamp so a receiver with a time window takes it.

use clap::Args;
use hooksig::SignOptions;

use crate::http::{self, Target};
use crate::store::{DEFAULT_STORE, Store};
use crate::{Exit, SecretArgs, parse_scheme};

#[derive(Args)]
#[command(after_help = "\
The request goes out with the recorded body and every recorded header but the
hop-by-hop ones; Host names the receiver. With --resign, the signature headers
are made anew for the recorded scheme with the secret given (the first one) and
the current time; a delivery that verified keeps its id (Standard Webhooks signs
it), and the event type header is kept. Exit status: 0 for a 2xx answer, 1
otherwise, 2 when it cannot be sent.")]
pub(crate) struct ReplayArgs {
    /// The record's id, as `hooksig deliveries` lists it.
    id: i64,
    /// The records file `hooksig listen` wrote.
    #[arg(long, value_name = "FILE", default_value = DEFAULT_STORE)]
    store: String,
    /// The receiver: http:// only. A URL ending in / gets the recorded path appended.
    #[arg(long, value_name = "URL")]
    to: String,
    /// Sign the delivery again, with the current time (needs --secret-env).
    #[arg(long)]
    resign: bool,
    #[command(flatten)]
    secrets: SecretArgs,
}

pub(crate) fn run(args: ReplayArgs) -> Result<(), Exit> {
    let target = Target::parse("--to", &args.to).map_err(Exit::usage)?;
    let record = Store::open(&args.store)?.load(args.id)?;
    let body = record.body.ok_or_else(|| {
        Exit::usage(format!(
            "delivery {} was refused before its body was read: there is nothing to replay",
            args.id
        ))
    })?;
    let recorded = http::parse_header_lines(&record.headers)
        .map_err(|e| Exit::usage(format!("the recorded headers: {}", e.message)))?;
    let mut headers = http::end_to_end(&recorded);
    if args.resign {
        let scheme = parse_scheme(&record.summary.scheme)?;
        let secrets = args.secrets.collect()?;
        let event_type = scheme
            .event_header()
            .and_then(|name| http::header(&recorded, name))
            .map(|value| String::from_utf8_lossy(value).into_owned());
        let options = SignOptions {
            timestamp: None,
            webhook_id: record.summary.webhook_id.clone(),
            event_type,
        };
        let fresh = hooksig::sign(&scheme, &secrets[0], &body, &options)?;
        // The fresh signature headers replace the recorded ones of the same name.
        headers.retain(|(name, _)| !fresh.iter().any(|(n, _)| n.eq_ignore_ascii_case(name)));
        headers.extend(fresh.into_iter().map(|(n, v)| (n, v.into_bytes())));
    } else if !args.secrets.is_empty() {
        return Err(Exit::usage("a secret is only used with --resign"));
    }
    let path = target.path_for(&record.summary.path);
    let response = http::post(&target, &path, &headers, &body, http::DEFAULT_MAX_BODY)
        .map_err(|e| Exit::usage(format!("cannot reach {}: {e}", args.to)))?;
    println!("{}", response.status);
    match (200..300).contains(&response.status) {
        true => Ok(()),
        false => Err(Exit::rejected()),
    }
}
