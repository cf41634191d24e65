//! The Rust side of bench/run.sh: `Verifier::verify_at` on the same inputs
//! bench/bench_verify.c gives `hooksig_verify`. Prints "rust <size> <ns>".

use hooksig::{Scheme, SignOptions, Verifier, sign};
use std::hint::black_box;
use std::time::Instant;

fn bench(size: usize, rounds: u32, iterations: u32) {
    let body: Vec<u8> = (0..size).map(|i| b'a' + (i % 26) as u8).collect();
    let secret = "quiltt-bench-secret";
    let options = SignOptions {
        timestamp: Some(1_700_000_000),
        ..Default::default()
    };
    let headers = sign(&Scheme::Quiltt, secret, &body, &options).expect("sign");
    let verifier = Verifier::new(Scheme::Quiltt, &[secret]).expect("verifier");
    let best = (0..rounds)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..iterations {
                black_box(verifier.verify_at(black_box(&headers), black_box(&body), 1_700_000_000))
                    .expect("verify");
            }
            start.elapsed().as_nanos() as f64 / f64::from(iterations)
        })
        .fold(f64::INFINITY, f64::min);
    println!("rust {size} {best:.1}");
}

fn main() {
    bench(256, 200, 2_000);
    bench(1 << 20, 60, 4);
}
