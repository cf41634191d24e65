//! `Verifier::verify_at` beside a bare HMAC-SHA256 of the same message: the
//! difference is what header parsing, decoding and comparison cost.
//! `scripts/bench-ratios` prints the ratio table from the results.

use base64::Engine;
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use hmac::{Hmac, KeyInit, Mac};
use hooksig::{Scheme, SignOptions, Verifier, sign};
use sha2::Sha256;
use std::hint::black_box;
use std::time::Duration;

const SIZES: [(usize, &str); 4] = [
    (256, "256B"),
    (4 << 10, "4KiB"),
    (64 << 10, "64KiB"),
    (1 << 20, "1MiB"),
];
const NOW: i64 = 1_700_000_000;

fn body(size: usize) -> Vec<u8> {
    let mut body = br#"{"type":"invoice.paid","data":{"pad":""#.to_vec();
    body.resize(size - 3, b'x');
    body.extend_from_slice(b"\"}}");
    body
}

fn bench_verify(c: &mut Criterion) {
    let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    let key = &base64::engine::general_purpose::STANDARD
        .decode("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
        .unwrap()[..];
    let verifier = Verifier::new(Scheme::Standard, &[secret]).unwrap();
    let mut group = c.benchmark_group("verify");
    group
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .sample_size(30);
    for (size, label) in SIZES {
        let body = body(size);
        let options = SignOptions {
            timestamp: Some(NOW),
            webhook_id: Some("msg_1".into()),
            event_type: None,
        };
        let headers = sign(&Scheme::Standard, secret, &body, &options).unwrap();
        assert!(verifier.verify_at(&headers, &body, NOW).is_ok());
        let expected: [u8; 32] = {
            let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key).unwrap();
            mac.update(b"msg_1.1700000000.");
            mac.update(&body);
            mac.finalize().into_bytes().into()
        };
        let sent = &headers[2].1["v1,".len()..];
        assert_eq!(
            base64::engine::general_purpose::STANDARD.encode(expected),
            sent,
            "baseline hashes another message"
        );
        group.throughput(Throughput::Bytes(size as u64));
        group.bench_with_input(BenchmarkId::new("hooksig", label), &body, |b, body| {
            b.iter(|| {
                verifier
                    .verify_at(black_box(&headers), black_box(body), NOW)
                    .is_ok()
            })
        });
        // Standard Webhooks v1a: one Ed25519 verify of the same message, and
        // ed25519-dalek alone on it (the floor: hooksig adds the header
        // parsing and one copy of the message).
        let signing = "whsk_6Xb/dCcHpPea21PS1N9VY/NZW723CEc77N4rJCubMbfVKIDij2HKpMKkioLlX0dRqSKJp4AJ6p9lMicMFs6Kvg==";
        let public = "whpk_1SiA4o9hyqTCpIqC5V9HUakiiaeACeqfZTInDBbOir4=";
        let v1a_headers = sign(&Scheme::Standard, signing, &body, &options).unwrap();
        let v1a_verifier = Verifier::new(Scheme::Standard, &[public]).unwrap();
        assert!(v1a_verifier.verify_at(&v1a_headers, &body, NOW).is_ok());
        group.bench_with_input(BenchmarkId::new("hooksig_v1a", label), &body, |b, body| {
            b.iter(|| {
                v1a_verifier
                    .verify_at(black_box(&v1a_headers), black_box(body), NOW)
                    .is_ok()
            })
        });
        let public_key = ed25519_dalek::VerifyingKey::from_bytes(
            &base64::engine::general_purpose::STANDARD
                .decode(&public["whpk_".len()..])
                .unwrap()
                .try_into()
                .unwrap(),
        )
        .unwrap();
        let signature = ed25519_dalek::Signature::from_slice(
            &base64::engine::general_purpose::STANDARD
                .decode(&v1a_headers[2].1["v1a,".len()..])
                .unwrap(),
        )
        .unwrap();
        let message = [&b"msg_1.1700000000."[..], &body].concat();
        group.bench_with_input(
            BenchmarkId::new("raw_ed25519", label),
            &message,
            |b, message| {
                b.iter(|| {
                    public_key
                        .verify_strict(black_box(message), &signature)
                        .is_ok()
                })
            },
        );
        // The floor: key setup, one HMAC over the same message, one comparison.
        group.bench_with_input(BenchmarkId::new("raw_hmac", label), &body, |b, body| {
            b.iter(|| {
                let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(black_box(key)).unwrap();
                mac.update(b"msg_1.1700000000.");
                mac.update(black_box(body));
                mac.verify_slice(&expected).is_ok()
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench_verify);
criterion_main!(benches);
