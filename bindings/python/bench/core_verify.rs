//! Times `hooksig::Verifier::verify_at` in Rust for the schemes and body sizes
//! of `bench.py`, so the table can show what the Python call adds.
//!
//! `cargo run --release -p hooksig-python --example core_verify -- SCHEME SIZE...`
//! prints one `SCHEME SIZE NANOSECONDS` line per size (best of several rounds).

use hooksig::{Scheme, SignOptions, Verifier, sign};
use std::hint::black_box;
use std::time::{Duration, Instant};

const NOW: i64 = 1_700_000_000;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let name = args.next().ok_or("usage: core_verify SCHEME SIZE...")?;
    let scheme = Scheme::from_name(&name)?;
    let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    let verifier = Verifier::new(scheme.clone(), &[secret])?;
    for size in args {
        let size: usize = size.parse()?;
        let body = vec![b'x'; size];
        let options = SignOptions {
            timestamp: Some(NOW),
            ..Default::default()
        };
        let headers = sign(&scheme, secret, &body, &options)?;
        let per_call = best_of(5, || {
            verifier
                .verify_at(black_box(&headers), black_box(&body), NOW)
                .map(|v| v.key_index)
        })?;
        println!("{name} {size} {}", per_call.as_nanos());
    }
    Ok(())
}

/// The fastest per-call time over `rounds` rounds of about 200 ms each.
fn best_of<T, E>(rounds: usize, mut call: impl FnMut() -> Result<T, E>) -> Result<Duration, E> {
    let start = Instant::now();
    let mut calibration = 0u32;
    while start.elapsed() < Duration::from_millis(20) {
        black_box(call()?);
        calibration += 1;
    }
    let iterations = calibration.saturating_mul(10).max(1);
    let mut best = Duration::MAX;
    for _ in 0..rounds {
        let start = Instant::now();
        for _ in 0..iterations {
            black_box(call()?);
        }
        best = best.min(start.elapsed() / iterations);
    }
    Ok(best)
}
