//! `hooksig send`: what a provider's "send test event" button does, aimed at a
//! receiver on this machine. Plain HTTP/1.1 over a socket: a test tool for
//! local receivers needs no TLS stack.

use crate::{Exit, SendArgs, http, parse_headers, parse_scheme, read_body};
use hooksig::{SignOptions, samples};

pub(crate) fn run(args: SendArgs) -> Result<(), Exit> {
    let scheme = parse_scheme(&args.scheme)?;
    let secrets = args.secrets.collect()?;
    let target = http::Target::parse("--url", &args.url).map_err(Exit::usage)?;
    let event = args
        .event
        .clone()
        .unwrap_or_else(|| samples::default_event_type(&scheme).to_owned());
    let body = match args.body_file.as_deref() {
        Some(file) => read_body(Some(file))?,
        None => samples::sample_body(&scheme, &event),
    };
    let options = SignOptions {
        event_type: Some(event),
        ..Default::default()
    };
    let mut headers = hooksig::sign(&scheme, &secrets[0], &body, &options)?;
    headers.extend(parse_headers(&args.headers)?);
    let body = if args.tamper { tamper(&body) } else { body };
    let content_type = if matches!(scheme, hooksig::Scheme::Slack) {
        "application/x-www-form-urlencoded"
    } else {
        "application/json"
    };

    let mut request_headers = vec![
        (
            "User-Agent".to_owned(),
            format!("hooksig/{}", env!("CARGO_PKG_VERSION")).into_bytes(),
        ),
        ("Content-Type".to_owned(), content_type.as_bytes().to_vec()),
    ];
    request_headers.extend(headers.into_iter().map(|(n, v)| (n, v.into_bytes())));
    let status = http::post(
        &target,
        target.path(),
        &request_headers,
        &body,
        http::DEFAULT_MAX_BODY,
    )
    .map_err(|e| Exit::usage(format!("cannot reach {}: {e}", args.url)))?
    .status;
    println!("{status}");
    if (200..300).contains(&status) {
        Ok(())
    } else {
        Err(Exit::rejected())
    }
}

/// Changes the body the smallest plausible way (a digit, else a trailing
/// space) so a JSON body stays JSON and only the signature check can catch it.
pub(crate) fn tamper(body: &[u8]) -> Vec<u8> {
    let mut tampered = body.to_vec();
    match tampered.iter_mut().find(|b| b.is_ascii_digit()) {
        Some(digit) => *digit = if *digit == b'9' { b'0' } else { *digit + 1 },
        None => tampered.push(b' '),
    }
    tampered
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tamper_keeps_json_valid() {
        assert_eq!(tamper(br#"{"amount":4200}"#), br#"{"amount":5200}"#);
        assert_eq!(tamper(b"{}"), b"{} ");
    }
}
