//! A dudect-style constant-time check of `Verifier::verify_at` (`make ct`),
//! after Reparaz, Balasch and Verbauwhede, "Dude, is my code constant time?"
//! (DATE 2017): two classes of inputs, measured interleaved in a random order,
//! and Welch's t-test on the two timing distributions, uncropped and cropped
//! at a range of percentiles (long tails are the machine, not the code).
//! |t| above 4.5 is evidence that the time depends on the class; below it,
//! no leak was detected at this number of samples.
//!
//! Tests, on verifiers of 4 secrets:
//! - `rotation` (Standard Webhooks): a request valid for the first secret vs one valid for the last;
//! - `compare`: a signature with its last byte wrong vs its first byte wrong;
//! - `control`: the same request in both classes (the noise floor).
//!
//! `CT_SAMPLES` (default 1 000 000) measurements per test; not a CI gate.

use std::hint::black_box;
use std::time::Instant;

use hooksig::{Scheme, SignOptions, Verifier, sign};

const SECRETS: [&str; 4] = [
    "first-secret-of-four",
    "second-secret-of-four",
    "third-secret-of-four",
    "fourth-secret-of-four",
];
const BODY: &[u8] = br#"{"action":"opened","number":1347,"pull_request":{"id":1,"title":"Amazing new feature"},"repository":{"full_name":"octo-org/hello-world"}}"#;
const STANDARD_SECRETS: [&str; 4] = [
    "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
    "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD",
    "whsec_dGhpcyBpcyB0aGUgdGhpcmQgc2VjcmV0",
    "whsec_dGhpcyBpcyB0aGUgZm91cnRoIHNlY3JldA==",
];
const HEADER: &str = "X-Hub-Signature-256";
const THRESHOLD: f64 = 4.5;

type Headers = Vec<(String, String)>;

fn main() {
    let samples: usize = std::env::var("CT_SAMPLES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000);
    let verifier = Verifier::new(Scheme::Github, &SECRETS).expect("valid secrets");
    let signed =
        |secret: &str| sign(&Scheme::Github, secret, BODY, &SignOptions::default()).expect("signs");
    let first = signed(SECRETS[0]);

    // Rotation is measured on Standard Webhooks, whose base64 signatures are
    // decoded in constant time (base64ct): the two classes' signatures then
    // differ in nothing the decoder's time depends on, only in which secret
    // they match. (Hex decoding branches on each digit's kind, 0-9 or a-f,
    // which is public but would differ between the classes.)
    let rotated = Verifier::new(Scheme::Standard, &STANDARD_SECRETS).expect("valid secrets");
    let standard = |secret: &str| {
        let options = SignOptions {
            timestamp: Some(0),
            webhook_id: Some("msg_ct".into()),
            event_type: None,
        };
        sign(&Scheme::Standard, secret, BODY, &options).expect("signs")
    };
    let valid_first = standard(STANDARD_SECRETS[0]);
    let valid_last = standard(STANDARD_SECRETS[3]);
    assert_eq!(
        rotated.verify_at(&valid_first, BODY, 0).unwrap().key_index,
        0
    );
    assert_eq!(
        rotated.verify_at(&valid_last, BODY, 0).unwrap().key_index,
        3
    );

    // `sha256=` and 64 hex digits: change the first or the last byte, each
    // digit to another of its kind (0-9 or a-f), so that hex decoding, whose
    // branches depend on the kind, does the same work in both classes.
    let altered = |hex_at: usize| -> Headers {
        let mut headers = first.clone();
        let value = &mut headers.iter_mut().find(|(n, _)| n == HEADER).unwrap().1;
        let at = "sha256=".len() + hex_at;
        let other = |c: u8| match c {
            b'0'..=b'9' => b'0' + (c - b'0' + 1) % 10,
            _ => b'a' + (c - b'a' + 1) % 6,
        };
        let digits = value.as_bytes();
        let byte = String::from_utf8(vec![other(digits[at]), other(digits[at + 1])]).unwrap();
        value.replace_range(at..at + 2, &byte);
        assert!(verifier.verify_at(&headers, BODY, 0).is_err());
        headers
    };
    let last_byte_wrong = altered(62);
    let first_byte_wrong = altered(0);

    println!("dudect-style timing of verify_at (4 secrets, {samples} samples a test)");
    println!("|t| > {THRESHOLD}: the time depends on the class (a leak); below: none detected\n");
    let mut rng = Rng::seeded();
    let tests: [(&str, &str, &Verifier, [&Headers; 2]); 3] = [
        (
            "rotation",
            "Standard Webhooks, valid for secret #0 vs valid for secret #3",
            &rotated,
            [&valid_first, &valid_last],
        ),
        (
            "compare",
            "31 of 32 bytes right (last wrong) vs first byte wrong",
            &verifier,
            [&last_byte_wrong, &first_byte_wrong],
        ),
        (
            "control",
            "the same request in both classes",
            &verifier,
            [&first, &first],
        ),
    ];
    for (name, what, verifier, inputs) in tests {
        let (classes, times) = measure(verifier, inputs, samples, &mut rng);
        let report = analyse(&classes, &times);
        println!(
            "{name:<9} {what}\n          uncropped t = {:8.2}   max |t| over crops = {:8.2} (at the {:.1}th percentile)   means {:.0} / {:.0} ns   -> {}\n",
            report.uncropped,
            report.max_abs,
            report.max_at * 100.0,
            report.means.0,
            report.means.1,
            if report.max_abs.max(report.uncropped.abs()) > THRESHOLD {
                "LEAK"
            } else {
                "no leak detected"
            }
        );
    }
}

/// Timings (ns) of `samples` verifications, each of a class drawn at random.
fn measure(
    verifier: &Verifier,
    inputs: [&Headers; 2],
    samples: usize,
    rng: &mut Rng,
) -> (Vec<u8>, Vec<u64>) {
    let warmup = samples / 20;
    let classes: Vec<u8> = (0..warmup + samples).map(|_| rng.bit()).collect();
    let mut times = Vec::with_capacity(classes.len());
    for &class in &classes {
        let headers = inputs[usize::from(class)];
        let start = Instant::now();
        let outcome = verifier.verify_at(black_box(headers), black_box(BODY), black_box(0));
        let elapsed = start.elapsed();
        black_box(outcome.is_ok());
        times.push(elapsed.as_nanos() as u64);
    }
    (classes[warmup..].to_vec(), times[warmup..].to_vec())
}

struct Report {
    uncropped: f64,
    max_abs: f64,
    max_at: f64,
    means: (f64, f64),
}

/// Welch's t uncropped, and the largest |t| over dudect's crops: samples
/// below the percentiles 1 - 0.5^(10 (k+1) / 100), k = 0..100.
fn analyse(classes: &[u8], times: &[u64]) -> Report {
    let mut sorted = times.to_vec();
    sorted.sort_unstable();
    let uncropped = Welch::of(classes, times, u64::MAX);
    let (mut max_abs, mut max_at) = (0.0f64, 1.0);
    for k in 0..100 {
        let p = 1.0 - 0.5f64.powf(10.0 * (k + 1) as f64 / 100.0);
        let limit = sorted[((sorted.len() as f64 * p) as usize).min(sorted.len() - 1)];
        let t = Welch::of(classes, times, limit).t().abs();
        if t > max_abs {
            (max_abs, max_at) = (t, p);
        }
    }
    Report {
        uncropped: uncropped.t(),
        max_abs,
        max_at,
        means: (uncropped.mean[0], uncropped.mean[1]),
    }
}

/// Welford's online mean and variance per class.
#[derive(Default)]
struct Welch {
    n: [f64; 2],
    mean: [f64; 2],
    m2: [f64; 2],
}

impl Welch {
    fn of(classes: &[u8], times: &[u64], below: u64) -> Welch {
        let mut w = Welch::default();
        for (&class, &time) in classes.iter().zip(times) {
            if time < below || below == u64::MAX {
                let c = usize::from(class);
                let x = time as f64;
                w.n[c] += 1.0;
                let delta = x - w.mean[c];
                w.mean[c] += delta / w.n[c];
                w.m2[c] += delta * (x - w.mean[c]);
            }
        }
        w
    }

    fn t(&self) -> f64 {
        let var = |c: usize| self.m2[c] / (self.n[c] - 1.0);
        let se = (var(0) / self.n[0] + var(1) / self.n[1]).sqrt();
        if se > 0.0 {
            (self.mean[0] - self.mean[1]) / se
        } else {
            0.0
        }
    }
}

/// xorshift64*, seeded by the OS: enough to choose classes unpredictably.
struct Rng(u64);

impl Rng {
    fn seeded() -> Rng {
        let mut seed = [0u8; 8];
        getrandom::fill(&mut seed).expect("OS randomness");
        Rng(u64::from_le_bytes(seed) | 1)
    }

    fn bit(&mut self) -> u8 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 63) as u8
    }
}
