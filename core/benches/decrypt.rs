//! Tratta payload decryption (PBKDF2-HMAC-SHA512 × 20 000 dominates) beside
//! the same work done by OpenSSL through Python's `cryptography`.
//!
//! `cargo bench -p hooksig --bench decrypt` (the bench profile is release).
//! The reference runs from the venv that `cargo test -p hooksig --test
//! tratta` creates under the target directory; without it only our side runs.

use std::hint::black_box;
use std::time::Instant;

use criterion::{Criterion, criterion_group, criterion_main};
use hooksig::tratta;

#[path = "../tests/support/mod.rs"]
mod support;

const SECRET: &str = "123412341234123412341234";
const PAYLOAD: &str = r#"{"data":{"id":"ccd912ca-134b-4743-9ab8-1561d6143caa","amount":12000,"currency":"USD","customer":{"name":"Test customer","email":"test@email.com"},"card":{"last4":"4242","brand":"visa"}}}"#;
const RUNS: u32 = 50;

fn decrypt(c: &mut Criterion) {
    let data = tratta::encrypt(SECRET, PAYLOAD).expect("encrypt");
    c.bench_function("tratta_decrypt", |b| {
        b.iter(|| tratta::decrypt(black_box(SECRET), black_box(&data)).expect("decrypt"))
    });

    // Both sides timed the same plain way, so the ratio compares like with like.
    let _ = tratta::decrypt(SECRET, &data);
    let start = Instant::now();
    for _ in 0..RUNS {
        black_box(tratta::decrypt(SECRET, black_box(&data)).expect("decrypt"));
    }
    let ours = start.elapsed().as_secs_f64() / f64::from(RUNS);
    match support::reference_python() {
        Ok(python) => {
            let mut reference = support::Reference::start(&python);
            let answer = reference.ask(serde_json::json!({
                "op": "bench", "secret": hex::encode(SECRET), "data": data, "runs": RUNS,
            }));
            let theirs = answer["seconds_per_decrypt"].as_f64().unwrap_or(f64::NAN);
            println!(
                "decrypt per payload: hooksig {:.2} ms, OpenSSL via Python cryptography {:.2} ms, ratio {:.2} (target <= 1.2)",
                ours * 1e3,
                theirs * 1e3,
                ours / theirs
            );
        }
        Err(why) => println!(
            "decrypt per payload: hooksig {:.2} ms; no reference: {why}",
            ours * 1e3
        ),
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = decrypt
}
criterion_main!(benches);
