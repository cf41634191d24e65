//! The replay guard against a real Redis server, which the test starts on a
//! free loopback port and stops at the end (Debian's `redis-server`;
//! `scripts/test` installs it).
#![cfg(feature = "redis")]

use hooksig::{Claim, RedisStore, ReplayGuard, ReplayStore, Scheme, SignOptions, Verifier, sign};
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Server {
    child: Child,
    url: String,
}

impl Server {
    fn start() -> Server {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free loopback port")
            .port();
        let child = Command::new("redis-server")
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no"])
            .stdout(Stdio::null())
            .spawn()
            .expect("redis-server runs (apt-get install redis-server)");
        let url = format!("redis://127.0.0.1:{port}/0");
        let deadline = Instant::now() + Duration::from_secs(10);
        let store = RedisStore::new(&url).unwrap();
        while store.release("hooksig:ping").is_err() {
            assert!(Instant::now() < deadline, "redis-server did not start");
            std::thread::sleep(Duration::from_millis(20));
        }
        Server { child, url }
    }

    fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}

fn github(body: &[u8]) -> Vec<(String, String)> {
    sign(&Scheme::Github, "secret", body, &SignOptions::default()).unwrap()
}

#[test]
fn redis_store() {
    let mut server = Server::start();
    let verifier = Verifier::new(Scheme::Github, &["secret"]).unwrap();

    // Claim, complete, release.
    let guard = ReplayGuard::new(RedisStore::new(&server.url).unwrap());
    let headers = github(b"{\"n\":1}");
    let first = verifier
        .verify_once_at(&guard, &headers, b"{\"n\":1}", 0)
        .unwrap();
    let busy = verifier
        .verify_once_at(&guard, &headers, b"{\"n\":1}", 0)
        .unwrap_err();
    assert_eq!(busy.code(), "replayed");
    guard.release(&first).unwrap();
    let retry = verifier
        .verify_once_at(&guard, &headers, b"{\"n\":1}", 0)
        .unwrap();
    guard.complete(&retry).unwrap();
    let copy = verifier
        .verify_once_at(&guard, &headers, b"{\"n\":1}", 0)
        .unwrap_err();
    assert!(copy.to_string().contains("handled before"), "{copy}");

    // Two receivers (each with its own store and connection), 16 copies at once: one is handled.
    let headers = github(b"{\"n\":2}");
    let guards = [
        ReplayGuard::new(RedisStore::new(&server.url).unwrap()),
        ReplayGuard::new(RedisStore::new(&server.url).unwrap()),
    ];
    let claimed: usize = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..16)
            .map(|i| {
                let (verifier, guard, headers) = (&verifier, &guards[i % 2], &headers);
                scope.spawn(move || {
                    verifier
                        .verify_once_at(guard, headers, b"{\"n\":2}", 0)
                        .is_ok()
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| usize::from(h.join().unwrap()))
            .sum()
    });
    assert_eq!(claimed, 1);

    // Expiry: the claim lives as long as its TTL.
    let store = RedisStore::new(&server.url).unwrap();
    assert_eq!(
        store
            .claim("hooksig:short", Duration::from_millis(50))
            .unwrap(),
        Claim::Claimed
    );
    assert_eq!(
        store
            .claim("hooksig:short", Duration::from_millis(50))
            .unwrap(),
        Claim::InProgress
    );
    std::thread::sleep(Duration::from_millis(120));
    assert_eq!(
        store
            .claim("hooksig:short", Duration::from_millis(50))
            .unwrap(),
        Claim::Claimed
    );

    // Redis stopped mid-run: a typed error, never a silent accept.
    server.stop();
    let headers = github(b"{\"n\":3}");
    let err = verifier
        .verify_once_at(&guard, &headers, b"{\"n\":3}", 0)
        .unwrap_err();
    assert_eq!(
        (err.code(), err.http_status()),
        ("replay_store_unavailable", 503)
    );
    let open = ReplayGuard::new(RedisStore::new(&server.url).unwrap()).with_fail_open(true);
    assert!(
        verifier
            .verify_once_at(&open, &headers, b"{\"n\":3}", 0)
            .is_ok()
    );
}
