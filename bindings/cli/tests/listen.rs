//! `hooksig listen`, `deliveries` and `replay` against a real upstream: the
//! built binary listens on a loopback port, an upstream written here (that
//! verifies with hooksig and keeps what it got) stands behind it.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, ChildStderr, Command, ExitStatus, Output, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use hooksig::{Scheme, SignOptions, Verifier, sign, unix_now};

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

fn hooksig() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_hooksig"));
    command.env("HOOKSIG_TEST_SECRET", SECRET);
    command
}

/// What the upstream received.
#[derive(Clone)]
struct Received {
    path: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    verified: bool,
}

impl Received {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// An app behind the listener: verifies each request with hooksig (Standard
/// Webhooks, a 300 s window) and answers 202 "thanks" or 401, after `delay_ms`.
struct Upstream {
    url: String,
    received: Arc<Mutex<Vec<Received>>>,
    delay_ms: Arc<AtomicU64>,
}

impl Upstream {
    fn start() -> Upstream {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/", listener.local_addr().unwrap());
        let received = Arc::new(Mutex::new(Vec::new()));
        let delay_ms = Arc::new(AtomicU64::new(0));
        let (log, delay) = (Arc::clone(&received), Arc::clone(&delay_ms));
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let (log, delay) = (Arc::clone(&log), Arc::clone(&delay));
                std::thread::spawn(move || serve(stream.unwrap(), &log, &delay));
            }
        });
        Upstream {
            url,
            received,
            delay_ms,
        }
    }

    fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }
}

fn serve(mut stream: TcpStream, log: &Mutex<Vec<Received>>, delay: &AtomicU64) {
    let (head, body) = read_message(&mut stream);
    let mut lines = head.lines();
    let path = lines.next().unwrap().split(' ').nth(1).unwrap().to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(": "))
        .map(|(n, v)| (n.to_owned(), v.to_owned()))
        .collect();
    let verifier = Verifier::new(Scheme::Standard, &[SECRET]).unwrap();
    let verified = verifier.verify(&headers, &body).is_ok();
    log.lock().unwrap().push(Received {
        path,
        headers,
        body,
        verified,
    });
    std::thread::sleep(Duration::from_millis(delay.load(Ordering::SeqCst)));
    let answer = match verified {
        true => {
            "HTTP/1.1 202 Accepted\r\nContent-Type: text/plain\r\nContent-Length: 6\r\n\r\nthanks"
        }
        false => "HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n",
    };
    stream.write_all(answer.as_bytes()).unwrap();
}

/// Reads a head and a Content-Length body.
fn read_message(stream: &mut TcpStream) -> (String, Vec<u8>) {
    let mut data = Vec::new();
    let mut buf = [0u8; 65536];
    loop {
        if let Some(end) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&data[..end]).into_owned();
            let length: usize = head
                .lines()
                .find_map(|l| {
                    l.to_ascii_lowercase()
                        .strip_prefix("content-length: ")
                        .map(str::to_owned)
                })
                .map_or(0, |v| v.parse().unwrap());
            if data.len() >= end + 4 + length {
                return (head, data[end + 4..end + 4 + length].to_vec());
            }
        }
        let n = stream.read(&mut buf).unwrap();
        assert!(n > 0, "the connection closed mid-message");
        data.extend_from_slice(&buf[..n]);
    }
}

/// A running `hooksig listen`.
struct Listen {
    /// `None` once stopped.
    child: Option<Child>,
    stderr: BufReader<ChildStderr>,
    /// Reads stdout as it comes, so a full pipe never stalls the listener.
    stdout: Option<std::thread::JoinHandle<String>>,
    url: String,
}

impl Listen {
    fn start(extra: &[&str]) -> Listen {
        let mut child = hooksig()
            .args(["listen", "--port", "0", "--scheme", "standard"])
            .args(["--secret-env", "HOOKSIG_TEST_SECRET"])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdout = child.stdout.take().unwrap();
        let stdout = std::thread::spawn(move || {
            let mut text = String::new();
            stdout.read_to_string(&mut text).unwrap();
            text
        });
        let mut stderr = BufReader::new(child.stderr.take().unwrap());
        let mut line = String::new();
        stderr.read_line(&mut line).unwrap();
        let address = line
            .split("listening on http://")
            .nth(1)
            .and_then(|rest| rest.split(',').next())
            .unwrap_or_else(|| panic!("no address in {line:?}"));
        let url = format!("http://{address}");
        Listen {
            child: Some(child),
            stderr,
            stdout: Some(stdout),
            url,
        }
    }

    fn address(&self) -> &str {
        self.url.strip_prefix("http://").unwrap()
    }

    /// SIGTERM, then how it exited and what it printed on stdout and stderr.
    fn stop(mut self) -> (ExitStatus, String, String) {
        let mut child = self.child.take().unwrap();
        terminate(&child);
        let status = child.wait().unwrap();
        let stdout = self.stdout.take().unwrap().join().unwrap();
        let mut stderr = String::new();
        self.stderr.read_to_string(&mut stderr).unwrap();
        (status, stdout, stderr)
    }
}

impl Drop for Listen {
    fn drop(&mut self) {
        if let Some(child) = &mut self.child {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn terminate(child: &Child) {
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

/// POSTs `body` with `headers` to `address` and returns the status and body.
fn post(address: &str, path: &str, headers: &[(String, String)], body: &[u8]) -> (u16, String) {
    let mut stream = TcpStream::connect(address).unwrap();
    let mut request = format!(
        "POST {path} HTTP/1.1\r\nHost: {address}\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes()).unwrap();
    // A refused body may be answered before it is all sent.
    let _ = stream.write_all(body);
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).unwrap();
    let answer = String::from_utf8_lossy(&answer).into_owned();
    let status = answer.split(' ').nth(1).unwrap().parse().unwrap();
    let body = answer.split_once("\r\n\r\n").unwrap().1.to_owned();
    (status, body)
}

fn signed(body: &[u8], id: &str, timestamp: i64) -> Vec<(String, String)> {
    let options = SignOptions {
        timestamp: Some(timestamp),
        webhook_id: Some(id.to_owned()),
        ..Default::default()
    };
    sign(&Scheme::Standard, SECRET, body, &options).unwrap()
}

fn run(args: &[&str]) -> Output {
    hooksig().args(args).output().unwrap()
}

fn deliveries(store: &str, extra: &[&str]) -> Vec<serde_json::Value> {
    let mut args = vec!["deliveries", "--store", store, "--json"];
    args.extend_from_slice(extra);
    let out = run(&args);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    serde_json::from_slice::<serde_json::Value>(&out.stdout)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

fn temp_store(name: &str) -> String {
    let dir = std::env::temp_dir().join(format!("hooksig-listen-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("deliveries.sqlite");
    let _ = std::fs::remove_file(&path);
    path.to_str().unwrap().to_owned()
}

/// The loop of the README: a delivery forwarded byte for byte, a tampered
/// one refused and not forwarded, the records, and replays as received and
/// re-signed.
#[test]
fn forwards_verified_deliveries_byte_for_byte_and_replays_them() {
    let upstream = Upstream::start();
    let store = temp_store("forward");
    let listen = Listen::start(&[
        "--forward",
        &upstream.url,
        "--store",
        &store,
        "--tolerance",
        "100000",
    ]);

    // Odd spacing and a trailing newline: a re-serializing relay would break it.
    let body = b"{\"type\":  \"invoice.paid\" ,\n \"data\":{\"amount\" : 4200}}\n";
    let mut headers = signed(body, "msg_fwd", unix_now());
    headers.push(("X-Extra".into(), "a  b".into()));
    headers.push(("Connection".into(), "X-Private".into()));
    headers.push(("X-Private".into(), "hop".into()));
    let (status, answer) = post(listen.address(), "/hooks/stripe?x=1", &headers, body);
    assert_eq!((status, answer.as_str()), (202, "thanks"));
    let got = upstream.received();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].body, body, "the body is forwarded byte for byte");
    assert!(got[0].verified, "hooksig verifies it at the upstream");
    assert_eq!(got[0].path, "/hooks/stripe?x=1");
    assert_eq!(got[0].header("webhook-id"), Some("msg_fwd"));
    assert_eq!(got[0].header("X-Extra"), Some("a  b"));
    assert_eq!(got[0].header("X-Private"), None, "named by Connection");
    assert_eq!(
        got[0].header("Host"),
        Some(upstream.url[7..].trim_end_matches('/'))
    );

    // Tampered after signing: 401 with the core's code, never forwarded.
    let tampered = b"{\"type\":  \"invoice.paid\" ,\n \"data\":{\"amount\" : 9999}}\n";
    let (status, answer) = post(listen.address(), "/hooks/stripe", &headers, tampered);
    assert_eq!(status, 401);
    let answer: serde_json::Value = serde_json::from_str(&answer).unwrap();
    assert_eq!(answer["code"], "signature_mismatch");
    assert!(answer["message"].as_str().unwrap().contains("signature"));
    assert_eq!(upstream.received().len(), 1);

    // Verified by the listener's wide window, refused by the upstream's 300 s.
    let old_body = b"{\"type\":\"invoice.paid\"}";
    let old = signed(old_body, "msg_old", unix_now() - 3600);
    let (status, _) = post(listen.address(), "/hooks/stripe", &old, old_body);
    assert_eq!(status, 401);
    assert_eq!(upstream.received().len(), 2);

    let records = deliveries(&store, &[]);
    assert_eq!(records.len(), 3);
    let (old_record, rejected, first) = (&records[0], &records[1], &records[2]);
    assert_eq!(first["webhook_id"], "msg_fwd");
    assert_eq!(first["verdict"], "verified");
    assert_eq!(first["code"], serde_json::Value::Null);
    assert_eq!(first["upstream_status"], 202);
    assert_eq!(first["event_types"], serde_json::json!(["invoice.paid"]));
    assert_eq!(rejected["verdict"], "rejected");
    assert_eq!(rejected["code"], "signature_mismatch");
    assert!(
        rejected["diagnosis"]
            .as_str()
            .is_some_and(|d| !d.is_empty())
    );
    assert_eq!(rejected["upstream_status"], serde_json::Value::Null);
    assert_eq!(
        (
            old_record["verdict"].as_str(),
            old_record["upstream_status"].as_u64()
        ),
        (Some("verified"), Some(401))
    );
    let failed = deliveries(&store, &["--failed"]);
    let failed_ids: Vec<&serde_json::Value> = failed.iter().map(|r| &r["id"]).collect();
    assert_eq!(failed_ids, [&old_record["id"], &rejected["id"]]);
    assert_eq!(deliveries(&store, &["--limit", "1"]).len(), 1);

    // Replay as received: the same bytes reach the upstream again.
    let id = first["id"].to_string();
    let out = run(&["replay", &id, "--store", &store, "--to", &upstream.url]);
    assert_eq!(
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).trim()
        ),
        (Some(0), "202")
    );
    let again = upstream.received().pop().unwrap();
    assert_eq!(
        (again.body.as_slice(), again.path.as_str()),
        (&body[..], "/hooks/stripe?x=1")
    );
    assert_eq!(
        again.header("webhook-signature"),
        got[0].header("webhook-signature")
    );

    // The old one as received is still too old; re-signed it goes through,
    // with the same id and a fresh timestamp.
    let id = old_record["id"].to_string();
    let out = run(&["replay", &id, "--store", &store, "--to", &upstream.url]);
    assert_eq!(
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).trim()
        ),
        (Some(1), "401")
    );
    let out = run(&[
        "replay",
        &id,
        "--store",
        &store,
        "--to",
        &upstream.url,
        "--resign",
        "--secret-env",
        "HOOKSIG_TEST_SECRET",
    ]);
    assert_eq!(
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).trim()
        ),
        (Some(0), "202")
    );
    let resigned = upstream.received().pop().unwrap();
    assert!(resigned.verified);
    assert_eq!(resigned.body, old_body);
    assert_eq!(resigned.header("webhook-id"), Some("msg_old"));
    let timestamp: i64 = resigned
        .header("webhook-timestamp")
        .unwrap()
        .parse()
        .unwrap();
    assert!((timestamp - unix_now()).abs() < 60);
    assert!(!String::from_utf8_lossy(&out.stderr).contains(SECRET));

    let (status, stdout, stderr) = listen.stop();
    assert_eq!(status.code(), Some(0), "{stderr}");
    let lines: Vec<&str> = stdout
        .lines()
        .filter(|l| !l.starts_with("    why:"))
        .collect();
    assert_eq!(lines.len(), 3, "{stdout}");
    assert!(
        lines[0].contains("#1")
            && lines[0].contains("msg_fwd")
            && lines[0].contains("invoice.paid"),
        "{stdout}"
    );
    assert!(
        lines[0].contains("verified") && lines[0].contains("upstream 202 in"),
        "{stdout}"
    );
    assert!(lines[1].contains("rejected signature_mismatch"), "{stdout}");
    assert!(stdout.contains("    why: "), "{stdout}");
    for text in [stdout.as_str(), stderr.as_str()] {
        assert!(!text.contains(SECRET));
        assert!(!text.contains(got[0].header("webhook-signature").unwrap()));
    }
}

#[test]
fn a_body_over_the_cap_is_refused_unread_and_recorded() {
    let upstream = Upstream::start();
    let store = temp_store("cap");
    let listen = Listen::start(&[
        "--forward",
        &upstream.url,
        "--store",
        &store,
        "--max-body",
        "1024",
        "--json",
    ]);
    let body = vec![b'x'; 4096];
    let headers = signed(&body, "msg_big", unix_now());
    let (status, answer) = post(listen.address(), "/", &headers, &body);
    assert_eq!(status, 413);
    let answer: serde_json::Value = serde_json::from_str(&answer).unwrap();
    assert_eq!(answer["code"], "invalid_body");
    assert!(upstream.received().is_empty());
    let records = deliveries(&store, &[]);
    assert_eq!(
        (records[0]["verdict"].as_str(), records[0]["code"].as_str()),
        (Some("rejected"), Some("invalid_body"))
    );
    let id = records[0]["id"].to_string();
    let out = run(&["replay", &id, "--store", &store, "--to", &upstream.url]);
    assert_eq!(out.status.code(), Some(2), "nothing to replay");

    let (_, stdout, _) = listen.stop();
    let line: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(
        (line["status"].as_u64(), line["code"].as_str()),
        (Some(413), Some("invalid_body"))
    );
}

/// SIGTERM while the upstream is still answering: the delivery completes,
/// is recorded, and the listener exits 0.
#[test]
fn sigterm_lets_the_delivery_in_flight_finish() {
    let upstream = Upstream::start();
    upstream.delay_ms.store(1500, Ordering::SeqCst);
    let store = temp_store("sigterm");
    let listen = Listen::start(&["--forward", &upstream.url, "--store", &store]);
    let body = b"{\"type\":\"invoice.paid\"}".to_vec();
    let headers = signed(&body, "msg_slow", unix_now());
    let address = listen.address().to_owned();
    let sender = std::thread::spawn(move || post(&address, "/", &headers, &body));
    let deadline = Instant::now() + Duration::from_secs(10);
    while upstream.received().is_empty() {
        assert!(
            Instant::now() < deadline,
            "the delivery never reached the upstream"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    let (status, _, stderr) = listen.stop();
    assert_eq!(sender.join().unwrap(), (202, "thanks".to_owned()));
    assert_eq!(status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("stopped"), "{stderr}");
    let records = deliveries(&store, &[]);
    assert_eq!(records[0]["upstream_status"], 202);
}

#[test]
fn a_taken_port_is_a_clear_error() {
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let out = run(&[
        "listen",
        "--port",
        &port,
        "--scheme",
        "standard",
        "--secret-env",
        "HOOKSIG_TEST_SECRET",
        "--forward",
        "http://127.0.0.1:9/",
        "--no-store",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!("port {port} is taken")),
        "{stderr}"
    );

    let out = run(&[
        "listen",
        "--port",
        "0",
        "--scheme",
        "standard",
        "--secret-env",
        "HOOKSIG_TEST_SECRET",
        "--forward",
        "https://example.com/",
        "--no-store",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("http://"));
}

#[test]
fn listen_help_documents_every_flag() {
    let out = run(&["listen", "--help"]);
    let help = String::from_utf8_lossy(&out.stdout);
    for flag in [
        "--port",
        "--bind",
        "--scheme",
        "--secret-env",
        "--secret",
        "--forward",
        "--store",
        "--no-store",
        "--replay-store",
        "--tolerance",
        "--max-body",
        "--json",
        "webhook payloads",
        "http://",
    ] {
        assert!(help.contains(flag), "{flag} is missing from:\n{help}");
    }
}

/// Deliveries are handled at once, not one after the other.
#[test]
fn concurrent_deliveries_are_handled_side_by_side() {
    let upstream = Upstream::start();
    upstream.delay_ms.store(400, Ordering::SeqCst);
    let listen = Listen::start(&["--forward", &upstream.url, "--no-store"]);
    let started = Instant::now();
    let senders: Vec<_> = (0..16)
        .map(|i| {
            let address = listen.address().to_owned();
            std::thread::spawn(move || {
                let body = format!("{{\"type\":\"invoice.paid\",\"n\":{i}}}").into_bytes();
                let headers = signed(&body, &format!("msg_{i}"), unix_now());
                post(&address, "/", &headers, &body).0
            })
        })
        .collect();
    for sender in senders {
        assert_eq!(sender.join().unwrap(), 202);
    }
    // One after the other they would take 16 × 0.4 s.
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(upstream.received().len(), 16);
    let (_, stdout, _) = listen.stop();
    assert_eq!(stdout.lines().count(), 16);
}

/// `--replay-store`: a copy of a handled delivery is answered 200 and not
/// forwarded; a delivery the upstream refused is released, so its retry is
/// forwarded. Starts its own `redis-server` on a free loopback port.
#[test]
fn a_replay_store_keeps_copies_from_the_upstream() {
    let redis = common::Redis::start();
    let upstream = Upstream::start();
    let store = temp_store("replay-store");
    let redis_url = redis.url();
    let listen = Listen::start(&[
        "--forward",
        &upstream.url,
        "--store",
        &store,
        "--replay-store",
        &redis_url,
        "--tolerance",
        "100000",
    ]);
    let body = b"{\"type\":\"invoice.paid\"}";
    let headers = signed(body, "msg_once", unix_now());
    assert_eq!(post(listen.address(), "/", &headers, body).0, 202);
    let (status, answer) = post(listen.address(), "/", &headers, body);
    assert_eq!(status, 200);
    assert!(answer.contains("\"code\":\"replayed\""), "{answer}");
    assert_eq!(upstream.received().len(), 1, "the copy is not forwarded");

    // The upstream refuses this one (outside its window): released, the
    // retry reaches the upstream again.
    let old = signed(body, "msg_retry", unix_now() - 3600);
    assert_eq!(post(listen.address(), "/", &old, body).0, 401);
    assert_eq!(post(listen.address(), "/", &old, body).0, 401);
    assert_eq!(upstream.received().len(), 3);

    let verdicts: Vec<String> = deliveries(&store, &[])
        .iter()
        .map(|r| format!("{} {}", r["verdict"], r["code"]))
        .collect();
    assert_eq!(
        verdicts,
        [
            "\"verified\" null",
            "\"verified\" null",
            "\"duplicate\" \"replayed\"",
            "\"verified\" null"
        ]
    );
    drop(listen);
}

/// The figures of the README's "Develop a receiver" section: what the
/// listener adds to a delivery on loopback (a body of 1 KiB and of 1 MiB,
/// each answered by the upstream here, which verifies it too), and how many
/// deliveries a second it passes with 8 senders. Measure with a release build:
/// `cargo test --release -p hooksig-cli --test listen -- --ignored --nocapture`.
#[test]
#[ignore = "a measurement, not a check"]
fn measure_forwarding_overhead() {
    let upstream = Upstream::start();
    let upstream_address = upstream.url[7..].trim_end_matches('/').to_owned();
    for store in [true, false] {
        let path = temp_store("measure");
        let listen = match store {
            true => Listen::start(&["--forward", &upstream.url, "--store", &path]),
            false => Listen::start(&["--forward", &upstream.url, "--no-store"]),
        };
        let records = if store { "recorded" } else { "--no-store" };
        for (size, rounds) in [(1024, 400), (1024 * 1024, 40)] {
            let body = sized_body(size);
            let headers = signed(&body, "msg_measure", unix_now());
            let median = |address: &str| {
                let mut times: Vec<Duration> = (0..rounds)
                    .map(|_| {
                        let started = Instant::now();
                        assert_eq!(post(address, "/", &headers, &body).0, 202);
                        started.elapsed()
                    })
                    .collect();
                times.sort();
                times[rounds / 2]
            };
            let alone = median(&upstream_address);
            let through = median(listen.address());
            println!(
                "{} KiB ({records}): upstream alone {:.3} ms, through the listener {:.3} ms, overhead {:.3} ms (medians of {rounds})",
                size / 1024,
                alone.as_secs_f64() * 1e3,
                through.as_secs_f64() * 1e3,
                (through.as_secs_f64() - alone.as_secs_f64()) * 1e3
            );
        }
        let window = Duration::from_secs(3);
        let started = Instant::now();
        let senders: Vec<_> = (0..8)
            .map(|_| {
                let address = listen.address().to_owned();
                std::thread::spawn(move || {
                    let body = sized_body(1024);
                    let headers = signed(&body, "msg_rate", unix_now());
                    let mut sent = 0u32;
                    while started.elapsed() < window {
                        assert_eq!(post(&address, "/", &headers, &body).0, 202);
                        sent += 1;
                    }
                    sent
                })
            })
            .collect();
        let sent: u32 = senders.into_iter().map(|s| s.join().unwrap()).sum();
        println!(
            "1 KiB ({records}), 8 senders: {:.0} deliveries/s",
            f64::from(sent) / started.elapsed().as_secs_f64()
        );
        upstream.received.lock().unwrap().clear();
        let _ = listen.stop();
    }
}

/// A JSON body of `size` bytes.
fn sized_body(size: usize) -> Vec<u8> {
    let mut body = b"{\"type\":\"invoice.paid\",\"pad\":\"".to_vec();
    body.resize(size - 2, b'x');
    body.extend_from_slice(b"\"}");
    body
}

/// Sends `request` as it is, closes the sending side, and returns the answer.
fn raw(address: &str, request: &[u8]) -> String {
    let mut stream = TcpStream::connect(address).unwrap();
    let _ = stream.write_all(request);
    let _ = stream.shutdown(std::net::Shutdown::Write);
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    String::from_utf8_lossy(&answer).into_owned()
}

/// Malformed and hostile requests get a status and a code, reach nothing,
/// and the listener goes on serving.
#[test]
fn malformed_requests_are_answered_and_the_listener_goes_on() {
    let upstream = Upstream::start();
    let listen = Listen::start(&["--forward", &upstream.url, "--no-store"]);
    let many_headers = format!("POST / HTTP/1.1\r\n{}\r\n", "X-A: b\r\n".repeat(200));
    let huge_header = format!("POST / HTTP/1.1\r\nX-A: {}\r\n\r\n", "b".repeat(70_000));
    let cases: [(&[u8], &str); 9] = [
        (b"garbage\r\n\r\n", "400 Bad Request"),
        (
            b"GET / HTTP/1.1\r\nHost: x\r\n\r\n",
            "405 Method Not Allowed",
        ),
        (b"POST / HTTP/1.1\r\nno colon\r\n\r\n", "400 Bad Request"),
        (
            many_headers.as_bytes(),
            "431 Request Header Fields Too Large",
        ),
        (
            huge_header.as_bytes(),
            "431 Request Header Fields Too Large",
        ),
        (
            b"POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\nabc",
            "400 Bad Request",
        ),
        (
            b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n",
            "400 Bad Request",
        ),
        (
            b"POST / HTTP/1.1\r\nContent-Length: 100\r\n\r\nshort",
            "400 Bad Request",
        ),
        (
            b"POST / HTTP/1.1\r\nContent-Length: 99999999999999999999\r\n\r\n",
            "400 Bad Request",
        ),
    ];
    for (request, status) in cases {
        let answer = raw(listen.address(), request);
        assert!(
            answer.starts_with(&format!("HTTP/1.1 {status}\r\n")),
            "{answer}"
        );
        assert!(answer.contains("\"code\":"), "{answer}");
    }
    assert!(upstream.received().is_empty());
    let body = b"{\"type\":\"invoice.paid\"}";
    let headers = signed(body, "msg_after", unix_now());
    assert_eq!(post(listen.address(), "/", &headers, body).0, 202);
    let (status, _, stderr) = listen.stop();
    assert_eq!(status.code(), Some(0), "{stderr}");
}
