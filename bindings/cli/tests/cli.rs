//! The CLI's contract: the outputs and exit codes the README's "Command line" section gives.

mod common;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::process::{Command, Output, Stdio};

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

fn hooksig(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_hooksig"))
        .args(args)
        .env("HOOKSIG_TEST_SECRET", SECRET)
        .env(
            "HOOKSIG_OLD_SECRET",
            "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD",
        )
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    // A command that fails on its arguments exits before reading stdin; the
    // broken pipe that writing then meets is not the test's failure.
    if let Err(err) = child.stdin.take().unwrap().write_all(stdin) {
        assert_eq!(err.kind(), std::io::ErrorKind::BrokenPipe, "{err}");
    }
    child.wait_with_output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn signed_headers(body: &[u8]) -> Vec<String> {
    let out = hooksig(
        &[
            "sign",
            "--scheme",
            "standard",
            "--secret-env",
            "HOOKSIG_TEST_SECRET",
            "--timestamp",
            "1700000000",
            "--id",
            "msg_1",
        ],
        body,
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout(&out).lines().map(str::to_owned).collect()
}

fn verify_args<'a>(headers: &'a [String], extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec!["verify", "--scheme", "standard", "--now", "1700000100"];
    args.extend_from_slice(extra);
    for h in headers {
        args.extend(["-H", h.as_str()]);
    }
    args
}

#[test]
fn sign_then_verify_with_rotation() {
    let headers = signed_headers(b"{\"a\":1}");
    assert_eq!(headers[0], "webhook-id: msg_1");
    let args = verify_args(
        &headers,
        &[
            "--secret-env",
            "HOOKSIG_OLD_SECRET",
            "--secret-env",
            "HOOKSIG_TEST_SECRET",
            "--json",
        ],
    );
    let out = hooksig(&args, b"{\"a\":1}");
    assert_eq!(out.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(json["ok"], true);
    assert_eq!(json["key_index"], 1);
}

#[test]
fn rejected_requests_exit_1_with_code_and_explanation() {
    let headers = signed_headers(b"{\"a\":1}");
    let args = verify_args(
        &headers,
        &["--secret-env", "HOOKSIG_TEST_SECRET", "--json", "--explain"],
    );
    let out = hooksig(&args, b"{\"a\": 1}");
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(json["code"], "signature_mismatch");
    assert!(
        json["explanation"]
            .as_str()
            .unwrap()
            .contains("re-serialized")
    );
    assert!(!stdout(&out).contains("MfKQ9r8"), "secret leaked");

    let out = hooksig(
        &verify_args(
            &headers,
            &["--secret-env", "HOOKSIG_TEST_SECRET", "--explain"],
        ),
        b"{}",
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).starts_with("rejected: "), "{}", stdout(&out));
}

#[test]
fn invalid_secret_is_a_usage_error_and_reported_in_json() {
    let out = hooksig(
        &[
            "verify", "--scheme", "tratta", "--secret", "short", "--json", "-H", "X: y",
        ],
        b"",
    );
    assert_eq!(out.status.code(), Some(2));
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(json["code"], "invalid_secret");
    assert!(String::from_utf8_lossy(&out.stderr).contains("shell history"));
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(
        hooksig(&["verify", "--scheme", "quiltt"], b"")
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        hooksig(
            &[
                "sign",
                "--scheme",
                "nope",
                "--secret-env",
                "HOOKSIG_TEST_SECRET"
            ],
            b""
        )
        .status
        .code(),
        Some(2)
    );
    assert_eq!(
        hooksig(
            &[
                "verify",
                "--scheme",
                "github",
                "--secret-env",
                "HOOKSIG_TEST_SECRET",
                "-H",
                "no colon"
            ],
            b""
        )
        .status
        .code(),
        Some(2)
    );
    assert_eq!(
        hooksig(
            &[
                "sign",
                "--scheme",
                "github",
                "--secret-env",
                "UNSET_VAR_XYZ"
            ],
            b""
        )
        .status
        .code(),
        Some(2)
    );
    assert_eq!(hooksig(&["frobnicate"], b"").status.code(), Some(2));
}

#[test]
fn sign_json_is_an_object() {
    let out = hooksig(
        &[
            "sign", "--scheme", "github", "--secret", "s3cret", "--json", "--event", "push",
        ],
        b"{}",
    );
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert!(
        json["X-Hub-Signature-256"]
            .as_str()
            .unwrap()
            .starts_with("sha256=")
    );
    assert_eq!(json["X-GitHub-Event"], "push");
}

/// A one-shot receiver that verifies with the core and answers 204 or 401.
fn receiver() -> (String, std::thread::JoinHandle<(u16, Vec<u8>)>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/webhooks", listener.local_addr().unwrap());
    let handle = std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        let mut data = Vec::new();
        let mut buf = [0u8; 4096];
        loop {
            let n = stream.read(&mut buf).unwrap();
            data.extend_from_slice(&buf[..n]);
            if let Some(end) = data.windows(4).position(|w| w == b"\r\n\r\n") {
                let head = String::from_utf8_lossy(&data[..end]).to_string();
                let length: usize = head
                    .lines()
                    .find_map(|l| l.strip_prefix("Content-Length: "))
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(0);
                if data.len() >= end + 4 + length || n == 0 {
                    let headers: Vec<(String, String)> = head
                        .lines()
                        .skip(1)
                        .filter_map(|l| {
                            l.split_once(": ")
                                .map(|(a, b)| (a.to_owned(), b.to_owned()))
                        })
                        .collect();
                    let body = data[end + 4..].to_vec();
                    let verifier =
                        hooksig::Verifier::new(hooksig::Scheme::Standard, &[SECRET]).unwrap();
                    let status = if verifier.verify(&headers, &body).is_ok() {
                        204
                    } else {
                        401
                    };
                    let reply = format!(
                        "HTTP/1.1 {status} X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                    );
                    stream.write_all(reply.as_bytes()).unwrap();
                    return (status, body);
                }
            }
        }
    });
    (url, handle)
}

#[test]
fn send_posts_signed_and_tampered_events() {
    let (url, server) = receiver();
    let out = hooksig(
        &[
            "send",
            "--scheme",
            "standard",
            "--secret-env",
            "HOOKSIG_TEST_SECRET",
            "--url",
            &url,
        ],
        b"",
    );
    assert_eq!(stdout(&out).trim(), "204");
    assert_eq!(out.status.code(), Some(0));
    let (_, body) = server.join().unwrap();
    assert!(String::from_utf8_lossy(&body).contains("invoice.paid"));

    let (url, server) = receiver();
    let out = hooksig(
        &[
            "send",
            "--scheme",
            "standard",
            "--secret-env",
            "HOOKSIG_TEST_SECRET",
            "--url",
            &url,
            "--tamper",
        ],
        b"",
    );
    assert_eq!(stdout(&out).trim(), "401");
    assert_eq!(out.status.code(), Some(1));
    server.join().unwrap();
}

#[test]
fn send_to_nothing_is_exit_2() {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}/");
    let out = hooksig(
        &["send", "--scheme", "github", "--secret", "x", "--url", &url],
        b"",
    );
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn demo_runs() {
    let out = hooksig(&["demo"], b"");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = stdout(&out);
    for name in hooksig::Scheme::BUILT_IN {
        assert!(text.contains(name), "demo skips {name}");
    }
    assert!(!text.contains("UNEXPECTED"));
}

/// `keygen` pairs sign and verify v1a through `sign` and `verify`, as a
/// sender and a receiver would use them; the JSON form names each key.
#[test]
fn keygen_pairs_sign_and_verify_v1a() {
    let out = hooksig(&["keygen", "--scheme", "standard"], b"");
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    let keys: Vec<&str> = text.lines().collect();
    assert!(
        keys[0].starts_with("whsk_") && keys[1].starts_with("whpk_"),
        "{text}"
    );
    let run = |args: &[&str], env: (&str, &str), stdin: &[u8]| {
        Command::new(env!("CARGO_BIN_EXE_hooksig"))
            .args(args)
            .env(env.0, env.1)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .and_then(|mut child| {
                child.stdin.take().unwrap().write_all(stdin)?;
                child.wait_with_output()
            })
            .unwrap()
    };
    let signed = run(
        &[
            "sign",
            "--scheme",
            "standard",
            "--secret-env",
            "KEY",
            "--timestamp",
            "1700000000",
            "--id",
            "msg_1",
        ],
        ("KEY", keys[0]),
        b"{}",
    );
    let headers = stdout(&signed);
    assert!(headers.contains("webhook-signature: v1a,"), "{headers}");
    let mut args = vec![
        "verify",
        "--scheme",
        "standard",
        "--now",
        "1700000000",
        "--secret-env",
        "KEY",
        "--json",
    ];
    for line in headers.lines() {
        args.extend(["-H", line]);
    }
    let verified = run(&args, ("KEY", keys[1]), b"{}");
    assert_eq!(verified.status.code(), Some(0), "{}", stdout(&verified));
    assert!(stdout(&verified).contains("\"id_signed\":true"));

    let json = stdout(&hooksig(&["keygen", "--scheme", "github", "--json"], b""));
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert!(value["secret"].as_str().unwrap().starts_with("whsec_"));
}

/// `verify --replay-store`: a delivery verifies once; its copy exits 1 with
/// code `replayed`; a store that cannot be reached exits 2 (never a silent accept).
/// Starts its own `redis-server` on a free loopback port.
#[test]
fn verify_with_a_replay_store_accepts_a_delivery_once() {
    let server = common::Redis::start();
    let url = server.url();
    let headers = signed_headers(b"{}");
    let args = |url: &str| {
        let mut a: Vec<String> = [
            "verify",
            "--scheme",
            "standard",
            "--now",
            "1700000100",
            "--json",
        ]
        .map(String::from)
        .to_vec();
        a.extend(["--secret-env".into(), "HOOKSIG_TEST_SECRET".into()]);
        a.extend(["--replay-store".into(), url.to_owned()]);
        for h in &headers {
            a.extend(["-H".into(), h.clone()]);
        }
        a
    };
    let run = |url: &str| {
        let args = args(url);
        hooksig(&args.iter().map(String::as_str).collect::<Vec<_>>(), b"{}")
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let first = loop {
        let out = run(&url);
        if out.status.code() != Some(2) || std::time::Instant::now() > deadline {
            break out;
        }
        std::thread::sleep(std::time::Duration::from_millis(50)); // the server is starting
    };
    assert_eq!(first.status.code(), Some(0), "{}", stdout(&first));
    let copy = run(&url);
    assert_eq!(copy.status.code(), Some(1));
    assert!(
        stdout(&copy).contains("\"code\":\"replayed\""),
        "{}",
        stdout(&copy)
    );
    drop(server);
    let down = run(&url);
    assert_eq!(down.status.code(), Some(2));
    assert!(
        stdout(&down).contains("replay_store_unavailable"),
        "{}",
        stdout(&down)
    );
}
