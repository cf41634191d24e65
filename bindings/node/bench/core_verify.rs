//! The "Rust core" column of `bench/bench.mjs`: `Verifier::verify_at` called
//! directly, same scheme, secret, headers and bodies as the JS side.
//! Prints `{"<size>": <CPU ns per verify>, ...}`: CPU time of this thread,
//! like the JS side's process.cpuUsage(), so a busy machine does not skew the ratio.

use hooksig::{Scheme, SignOptions, Verifier, sign};
use std::hint::black_box;

const SIZES: [usize; 4] = [256, 4 << 10, 64 << 10, 1 << 20];
const NOW: i64 = 1_700_000_000;
const BUDGET_NS: u64 = 400_000_000;

/// Nanoseconds this thread has run on a CPU (Linux's schedstat; no libc needed).
fn thread_cpu_ns() -> u64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse().ok())
        .expect("/proc/thread-self/schedstat (Linux) is needed for CPU time")
}

fn json_body(size: usize) -> Vec<u8> {
    // Same shape as bench.mjs: {"data":"xxxx…"} padded to exactly `size` bytes.
    let mut body = br#"{"data":""#.to_vec();
    body.resize(size - 2, b'x');
    body.extend_from_slice(br#""}"#);
    body
}

fn main() {
    let secret = "bench-secret-for-quiltt";
    let verifier = Verifier::new(Scheme::Quiltt, &[secret]).expect("verifier");
    let options = SignOptions {
        timestamp: Some(NOW),
        ..Default::default()
    };
    let mut results = Vec::new();
    for size in SIZES {
        let body = json_body(size);
        let headers = sign(&Scheme::Quiltt, secret, &body, &options).expect("sign");
        for _ in 0..50 {
            black_box(verifier.verify_at(&headers, &body, NOW)).expect("verify");
        }
        let start = thread_cpu_ns();
        let mut runs = 0u64;
        while thread_cpu_ns() - start < BUDGET_NS {
            // Batches of about 1 MiB keep the clock reads out of the figure.
            let batch = ((1 << 20) / size).max(1) as u64;
            for _ in 0..batch {
                black_box(verifier.verify_at(black_box(&headers), black_box(&body), NOW))
                    .expect("verify");
            }
            runs += batch;
        }
        let ns = (thread_cpu_ns() - start) as f64 / runs as f64;
        results.push(format!("\"{size}\": {ns:.1}"));
    }
    println!("{{{}}}", results.join(", "));
}
