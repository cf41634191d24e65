//! `hooksig listen`: a verifying receiver in front of an app. Each POST is
//! verified with the scheme; a verified one is forwarded to the app byte for
//! byte and the app's answer goes back to the sender; a rejected one is
//! answered with the error's status and never reaches the app. Every delivery
//! is printed and (unless `--no-store`) recorded for `deliveries` and `replay`.
//!
//! One thread per connection, at most [`MAX_IN_FLIGHT`] at once. SIGINT or
//! SIGTERM stops the accepting; deliveries in flight finish, then it exits 0.

use std::io::{BufReader, Write};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use clap::Args;
use hooksig::{RedisStore, ReplayGuard, Verifier, unix_now};

use crate::http::{self, Framing, Head, HttpError, Target};
use crate::store::{DEFAULT_STORE, Record, Store, Summary, now_ms};
use crate::{Exit, SecretArgs, parse_scheme};

/// Connections handled at once; more are answered 503 at once.
const MAX_IN_FLIGHT: usize = 64;
/// How long a sender may take to deliver one whole request.
const REQUEST_DEADLINE: Duration = Duration::from_secs(30);

#[derive(Args)]
#[command(after_help = "\
Answers: a verified delivery gets the upstream's status and body; a rejected one
the error's status (401 or 400) and {\"code\": ..., \"message\": ...}, with the
core's error code, and its diagnosis printed. The listener's own refusals use the
same shape: 413 invalid_body (over --max-body), 431 headers_too_large (over 64 KiB
or 128 headers), 400 bad_request (malformed, or framed two ways: Content-Length
with Transfer-Encoding), 501 bad_request (a transfer coding other than chunked),
408 request_timeout (not sent within 30 s), 405 method_not_allowed (not a POST),
409 replayed (a copy being handled; a copy already handled is answered 200 and not
forwarded), 502 upstream_unreachable, 503 busy (64 deliveries in flight) or
replay_store_unavailable.

Forwarding: the exact body, every header but the hop-by-hop ones (Connection and
those it names, Keep-Alive, Transfer-Encoding, TE, Trailer, Upgrade, Proxy-*,
Expect); Host names the upstream and Content-Length is set to the body's length.
The upstream has 30 s to answer.

Ctrl-C or SIGTERM stops accepting; deliveries in flight finish, then the exit
status is 0. A second Ctrl-C exits at once (130).")]
pub(crate) struct ListenArgs {
    /// The port to listen on (0: any free one; the address is printed on stderr).
    #[arg(long)]
    port: u16,
    /// The address to listen on; 0.0.0.0 takes deliveries from other machines.
    #[arg(long, default_value = "127.0.0.1", value_name = "ADDRESS")]
    bind: IpAddr,
    /// Scheme name (quiltt, standard, bond, tratta, stripe, github, shopify, slack) or custom-scheme JSON.
    #[arg(long)]
    scheme: String,
    #[command(flatten)]
    secrets: SecretArgs,
    /// The app to forward verified deliveries to: http:// only (a sidecar sits on
    /// loopback). A URL ending in / gets the received path appended
    /// (http://127.0.0.1:3000/ sends /webhooks/stripe on to /webhooks/stripe).
    #[arg(long, value_name = "URL")]
    forward: String,
    /// Record every delivery in this SQLite file: headers and body as received,
    /// verdict, diagnosis, upstream status, times. The file holds webhook payloads
    /// (personal or payment data, as your providers send it): it is created
    /// readable by you only; keep it out of version control.
    #[arg(long, value_name = "FILE", default_value = DEFAULT_STORE)]
    store: String,
    /// Record nothing.
    #[arg(long = "no-store", conflicts_with = "store")]
    no_store: bool,
    /// Refuse copies of a delivery through this Redis server (redis://host:port[/db]):
    /// a delivery is claimed before forwarding, marked handled when the upstream
    /// answers 2xx, released otherwise so the provider's retry goes through.
    #[arg(long = "replay-store", value_name = "URL")]
    replay_store: Option<String>,
    /// Seconds a timestamp may be off, either direction (default 300).
    #[arg(long, value_name = "SECONDS")]
    tolerance: Option<u64>,
    /// The largest body taken, in bytes; a larger one is answered 413.
    #[arg(long = "max-body", value_name = "BYTES", default_value_t = http::DEFAULT_MAX_BODY)]
    max_body: usize,
    /// Print each delivery as a JSON line instead of text.
    #[arg(long)]
    json: bool,
}

/// What every connection's thread shares.
struct Listener {
    verifier: Verifier,
    scheme: String,
    forward: Target,
    guard: Option<ReplayGuard>,
    store: Option<Store>,
    max_body: usize,
    json: bool,
}

/// The answer to a sender.
struct Answer {
    status: u16,
    content_type: Vec<u8>,
    body: Vec<u8>,
}

impl Answer {
    fn error(status: u16, code: &str, message: &str) -> Answer {
        Answer {
            status,
            content_type: b"application/json".to_vec(),
            body: serde_json::json!({ "code": code, "message": message })
                .to_string()
                .into_bytes(),
        }
    }
}

pub(crate) fn run(args: ListenArgs) -> Result<(), Exit> {
    let mut verifier = Verifier::new(parse_scheme(&args.scheme)?, &args.secrets.collect()?)?;
    if let Some(tolerance) = args.tolerance {
        verifier = verifier.with_tolerance(tolerance);
    }
    let forward = Target::parse("--forward", &args.forward).map_err(Exit::usage)?;
    let guard = match &args.replay_store {
        Some(url) => Some(ReplayGuard::new(RedisStore::new(url)?)),
        None => None,
    };
    let store = match args.no_store {
        true => None,
        false => Some(Store::create(&args.store)?),
    };
    let socket = TcpListener::bind((args.bind, args.port)).map_err(|e| {
        let address = SocketAddr::from((args.bind, args.port));
        match e.kind() {
            std::io::ErrorKind::AddrInUse => Exit::usage(format!(
                "port {} is taken: another process listens on {address} (stop it, or pick another --port)",
                args.port
            )),
            _ => Exit::usage(format!("cannot listen on {address}: {e}")),
        }
    })?;
    let address = socket
        .local_addr()
        .map_err(|e| Exit::usage(format!("cannot listen: {e}")))?;
    let records = match &store {
        Some(_) => format!("recording in {}", args.store),
        None => "recording nothing".to_owned(),
    };
    eprintln!(
        "hooksig: listening on http://{address}, forwarding verified deliveries to {}; {records}; Ctrl-C stops",
        args.forward
    );

    let stopping = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&stopping);
    ctrlc::set_handler(move || {
        if flag.swap(true, Ordering::SeqCst) {
            std::process::exit(130);
        }
        // accept() does not return on a signal: a connection wakes it up.
        let _ = TcpStream::connect_timeout(&wake_address(address), Duration::from_secs(1));
    })
    .map_err(|e| Exit::usage(format!("cannot handle signals: {e}")))?;

    let listener = Arc::new(Listener {
        verifier,
        scheme: args.scheme,
        forward,
        guard,
        store,
        max_body: args.max_body,
        json: args.json,
    });
    let in_flight = Arc::new(InFlight::default());
    for connection in socket.incoming() {
        if stopping.load(Ordering::SeqCst) {
            break;
        }
        let stream = match connection {
            Ok(stream) => stream,
            Err(err) => {
                // Out of descriptors or the like: let in-flight work free some.
                eprintln!("hooksig: accept failed: {err}");
                std::thread::sleep(Duration::from_millis(50));
                continue;
            }
        };
        let Some(ticket) = InFlight::enter(&in_flight) else {
            http::respond_error(&stream, 503, "busy", "too many deliveries in flight; retry");
            continue;
        };
        let listener = Arc::clone(&listener);
        let spawned = std::thread::Builder::new().spawn(move || {
            let _ticket = ticket;
            listener.handle(stream);
        });
        if let Err(err) = spawned {
            eprintln!("hooksig: cannot start a thread: {err}");
        }
    }
    drop(socket); // new connections are refused from here on
    in_flight.wait_idle();
    eprintln!("hooksig: stopped");
    Ok(())
}

/// Where to connect to reach a socket bound to `address` (an unspecified
/// address is reached on loopback).
fn wake_address(address: SocketAddr) -> SocketAddr {
    let ip = match address.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    SocketAddr::new(ip, address.port())
}

/// The count of connections being handled, to bound them and to wait for
/// them at shutdown.
#[derive(Default)]
struct InFlight {
    count: Mutex<usize>,
    idle: Condvar,
}

/// One connection's place in [`InFlight`], given back when dropped (even if
/// its thread panicked), so a shutdown never waits for a thread that is gone.
struct Ticket(Arc<InFlight>);

impl InFlight {
    fn enter(this: &Arc<InFlight>) -> Option<Ticket> {
        let mut count = this.lock();
        if *count >= MAX_IN_FLIGHT {
            return None;
        }
        *count += 1;
        Some(Ticket(Arc::clone(this)))
    }

    fn wait_idle(&self) {
        let mut count = self.lock();
        while *count > 0 {
            count = self
                .idle
                .wait(count)
                .unwrap_or_else(|poisoned| poisoned.into_inner());
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, usize> {
        self.count
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Drop for Ticket {
    fn drop(&mut self) {
        *self.0.lock() -= 1;
        self.0.idle.notify_all();
    }
}

impl Listener {
    /// Reads one request, answers it, prints and records it.
    fn handle(&self, stream: TcpStream) {
        let received_ms = now_ms();
        if http::set_timeouts(&stream).is_err() {
            return;
        }
        let mut reader = BufReader::new(http::Deadline::new(&stream, REQUEST_DEADLINE));
        let head = match http::read_head(&mut reader) {
            Ok(head) => head,
            Err(err) => {
                // Not a request one can record: just tell the sender.
                http::respond_error(&stream, err.status, err.code, &err.message);
                http::linger(&stream);
                return;
            }
        };
        let (method, path) = match head.start.split(' ').collect::<Vec<_>>()[..] {
            [method, path, version] if version.starts_with("HTTP/1.") => (method, path),
            _ => {
                let message = "the request line is not 'METHOD /path HTTP/1.1'";
                http::respond_error(&stream, 400, "bad_request", message);
                http::linger(&stream);
                return;
            }
        };
        if method != "POST" {
            let message = format!("deliveries are POSTed; this was a {method}");
            http::respond_error(&stream, 405, "method_not_allowed", &message);
            return;
        }
        let mut summary = Summary {
            id: None,
            received_ms,
            answered_ms: 0,
            path: path.to_owned(),
            scheme: self.scheme.clone(),
            webhook_id: None,
            event_types: Vec::new(),
            verdict: "rejected",
            code: None,
            message: None,
            diagnosis: None,
            status: 0,
            upstream_status: None,
            upstream_us: None,
        };
        let body = http::framing(&head.headers, self.max_body, true).and_then(|framing| {
            expect_continue(&stream, &head, &framing);
            http::read_body(&mut reader, framing, self.max_body)
        });
        let answer = match &body {
            Ok(body) => self.deliver(&head, path, body, &mut summary),
            Err(HttpError {
                status,
                code,
                message,
            }) => {
                summary.code = Some((*code).to_owned());
                summary.message = Some(message.clone());
                Answer::error(*status, code, message)
            }
        };
        summary.status = answer.status;
        summary.answered_ms = now_ms();
        let failed = body.is_err();
        let mut record = Record {
            summary,
            headers: head.raw_headers,
            body: body.ok(),
        };
        // Recorded before the answer goes out: once a sender has its answer,
        // `hooksig deliveries` shows the delivery.
        if let Some(store) = &self.store {
            match store.insert(&record) {
                Ok(id) => record.summary.id = Some(id),
                Err(err) => eprintln!("hooksig: cannot record the delivery: {err}"),
            }
        }
        let _ = http::respond(&stream, answer.status, &answer.content_type, &answer.body);
        if failed {
            http::linger(&stream);
        }
        let line = match self.json {
            true => record.summary.to_json().to_string(),
            false => record.summary.to_text(),
        };
        // One write per delivery, so lines of concurrent deliveries never interleave.
        let _ = writeln!(std::io::stdout().lock(), "{line}");
    }

    /// Verifies a delivery and, when it verifies, forwards it.
    fn deliver(&self, head: &Head, path: &str, body: &[u8], summary: &mut Summary) -> Answer {
        let now = unix_now();
        let headers = &head.headers;
        summary.event_types =
            hooksig::events::event_types(self.verifier.scheme(), headers, body).unwrap_or_default();
        let claimed = match &self.guard {
            Some(guard) => self
                .verifier
                .verify_once_at(guard, headers, body, now)
                .map(|delivery| (delivery.verified.clone(), Some((guard, delivery)))),
            None => self
                .verifier
                .verify_at(headers, body, now)
                .map(|v| (v, None)),
        };
        let (verified, claim) = match claimed {
            Ok(ok) => ok,
            Err(err) => {
                summary.code = Some(err.code().to_owned());
                summary.message = Some(err.to_string());
                return match err {
                    // A copy of a delivery handled before: the sender is told
                    // it is done, so it stops retrying.
                    hooksig::Error::Replayed { completed } => {
                        summary.verdict = "duplicate";
                        let status = if completed { 200 } else { err.http_status() };
                        Answer::error(status, err.code(), &err.to_string())
                    }
                    hooksig::Error::ReplayStoreUnavailable { .. } => {
                        Answer::error(err.http_status(), err.code(), &err.to_string())
                    }
                    _ => {
                        summary.diagnosis = self.verifier.diagnose_at(headers, body, now);
                        Answer::error(err.http_status(), err.code(), &err.to_string())
                    }
                };
            }
        };
        summary.verdict = "verified";
        summary.webhook_id = verified.webhook_id;
        let started = Instant::now();
        let upstream = http::post(
            &self.forward,
            &self.forward.path_for(path),
            &http::end_to_end(headers),
            body,
            self.max_body,
        );
        let answered = match &upstream {
            Ok(response) => {
                summary.upstream_status = Some(response.status);
                summary.upstream_us =
                    Some(i64::try_from(started.elapsed().as_micros()).unwrap_or(i64::MAX));
                (200..300).contains(&response.status)
            }
            Err(_) => false,
        };
        if let Some((guard, delivery)) = claim {
            // Handled: copies are refused from now on. Not handled: the
            // provider's retry must get through.
            let settled = match answered {
                true => guard.complete(&delivery),
                false => guard.release(&delivery),
            };
            if let Err(err) = settled {
                eprintln!("hooksig: {err}");
            }
        }
        match upstream {
            Ok(response) => Answer {
                status: response.status,
                content_type: response
                    .content_type
                    .unwrap_or_else(|| b"application/octet-stream".to_vec()),
                body: response.body,
            },
            Err(reason) => {
                let message = format!("cannot reach the upstream: {reason}");
                summary.code = Some("upstream_unreachable".to_owned());
                summary.message = Some(message.clone());
                Answer::error(502, "upstream_unreachable", &message)
            }
        }
    }
}

/// Tells a sender that waits for it (`Expect: 100-continue`, as curl does for
/// larger bodies) to send the body, once its announced length is acceptable.
fn expect_continue(mut stream: &TcpStream, head: &Head, framing: &Framing) {
    let expects = head
        .header("expect")
        .is_some_and(|v| v.eq_ignore_ascii_case(b"100-continue"));
    if expects && !matches!(framing, Framing::Length(0)) {
        let _ = stream.write_all(b"HTTP/1.1 100 Continue\r\n\r\n");
    }
}
