//! `hooksig send`: what a provider's "send test event" button does, aimed at a
//! receiver on this machine. Plain HTTP/1.1 over a socket: a test tool for
//! local receivers needs no TLS stack.

use crate::{Failure, SendArgs, parse_headers, parse_scheme, read_body};
use hooksig::{SignOptions, samples};
use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;

pub(crate) fn run(args: SendArgs) -> Result<(), Failure> {
    let scheme = parse_scheme(&args.scheme)?;
    let secrets = args.secrets.collect()?;
    let target = Target::parse(&args.url)?;
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

    let mut request = format!(
        "POST {} HTTP/1.1\r\nHost: {}\r\nUser-Agent: hooksig/{}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n",
        target.path,
        target.host_header,
        env!("CARGO_PKG_VERSION"),
        body.len()
    )
    .into_bytes();
    for (name, value) in &headers {
        request.extend_from_slice(format!("{name}: {value}\r\n").as_bytes());
    }
    request.extend_from_slice(b"\r\n");
    request.extend_from_slice(&body);

    let status = exchange(&target, &request)
        .map_err(|e| Failure::usage(format!("cannot reach {}: {e}", args.url)))?;
    println!("{status}");
    if (200..300).contains(&status) {
        Ok(())
    } else {
        Err(Failure::rejected())
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

struct Target {
    address: String,
    host_header: String,
    path: String,
}

impl Target {
    fn parse(url: &str) -> Result<Target, Failure> {
        let rest = url.strip_prefix("http://").ok_or_else(|| {
            Failure::usage(format!(
                "--url {url:?}: send speaks plain http:// to a receiver on this machine"
            ))
        })?;
        let (authority, path) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, "/"),
        };
        if authority.is_empty() {
            return Err(Failure::usage(format!("--url {url:?} has no host")));
        }
        let address = if authority
            .rsplit_once(':')
            .is_some_and(|(_, p)| p.parse::<u16>().is_ok())
        {
            authority.to_owned()
        } else {
            format!("{authority}:80")
        };
        Ok(Target {
            address,
            host_header: authority.to_owned(),
            path: path.to_owned(),
        })
    }
}

fn exchange(target: &Target, request: &[u8]) -> std::io::Result<u16> {
    let timeout = Duration::from_secs(10);
    let address = target
        .address
        .to_socket_addrs()?
        .next()
        .ok_or_else(|| std::io::Error::other("the host name resolves to no address"))?;
    let mut stream = TcpStream::connect_timeout(&address, timeout)?;
    stream.set_read_timeout(Some(timeout))?;
    stream.set_write_timeout(Some(timeout))?;
    stream.write_all(request)?;
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    while !head.windows(2).any(|w| w == b"\r\n") {
        let n = stream.read(&mut buf)?;
        if n == 0 {
            break;
        }
        head.extend_from_slice(&buf[..n]);
    }
    let line = String::from_utf8_lossy(&head);
    line.split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .ok_or_else(|| {
            std::io::Error::other("the receiver did not answer with an HTTP status line")
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tamper_keeps_json_valid() {
        assert_eq!(tamper(br#"{"amount":4200}"#), br#"{"amount":5200}"#);
        assert_eq!(tamper(b"{}"), b"{} ");
    }

    #[test]
    fn urls() {
        let t = Target::parse("http://127.0.0.1:8080/hooks?x=1")
            .ok()
            .unwrap();
        assert_eq!(
            (t.address.as_str(), t.path.as_str()),
            ("127.0.0.1:8080", "/hooks?x=1")
        );
        assert_eq!(
            Target::parse("http://localhost").ok().unwrap().address,
            "localhost:80"
        );
        assert!(Target::parse("https://example.com/").is_err());
    }
}
