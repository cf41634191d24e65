//! Hostile input costs time linear in its size.
//!
//! Each case times one input and the same kind of input ten times larger, in
//! one run, and fails when the ratio says super-linear: linear work gives
//! ~10×, quadratic ~100×; 25× leaves room for a noisy machine. Timings are
//! the fastest of a few runs, and the cases run one after another (one test
//! function) so they do not compete with each other for the CPU. Time is
//! the thread's CPU time, so a busy machine preempting the longer run does
//! not count against it.
//!
//! Timed in release builds only (`scripts/test` runs `cargo test --release
//! --test scaling`): a debug build's ratios say more about its allocator
//! checks than about the code.

use hooksig::{EventMatcher, Scheme, SignOptions, Verifier, events, sign};
use std::hint::black_box;
use std::time::Duration;

const NOW: i64 = 1_700_000_000;
const STANDARD_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const MAX_RATIO: f64 = 25.0;

/// The CPU time this thread has used so far.
fn thread_cpu_time() -> Duration {
    let mut now = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `now` is a valid, writable timespec; the clock id is a constant Linux has.
    let status = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut now) };
    assert_eq!(status, 0, "clock_gettime(CLOCK_THREAD_CPUTIME_ID)");
    Duration::new(now.tv_sec as u64, now.tv_nsec as u32)
}

/// The fastest of `runs` timings of `work`, in thread CPU time.
fn fastest(runs: usize, work: &mut dyn FnMut()) -> Duration {
    (0..runs)
        .map(|_| {
            let start = thread_cpu_time();
            work();
            thread_cpu_time().saturating_sub(start)
        })
        .min()
        .unwrap_or_default()
}

struct Case {
    name: &'static str,
    /// Builds the input of size `n` and returns the work to time on it.
    work: Box<dyn Fn(usize) -> Box<dyn FnMut()>>,
    /// An `n` whose run takes long enough (a few ms) to be timed.
    n: usize,
}

fn case(name: &'static str, n: usize, work: impl Fn(usize) -> Box<dyn FnMut()> + 'static) -> Case {
    Case {
        name,
        work: Box::new(work),
        n,
    }
}

/// Standard Webhooks headers signed over another body, so `diagnose` of the
/// body under test tries every re-serialization of it that it knows.
fn mismatched_standard_headers() -> Vec<(String, String)> {
    let options = SignOptions {
        timestamp: Some(NOW),
        webhook_id: Some("msg_1".into()),
        event_type: None,
    };
    sign(
        &Scheme::Standard,
        STANDARD_SECRET,
        b"another body",
        &options,
    )
    .unwrap()
}

fn diagnose_case(name: &'static str, n: usize, body_of: fn(usize) -> String) -> Case {
    case(name, n, move |n| {
        let body = body_of(n).into_bytes();
        let headers = mismatched_standard_headers();
        let verifier = Verifier::new(Scheme::Standard, &[STANDARD_SECRET]).unwrap();
        Box::new(move || {
            black_box(verifier.diagnose_at(&headers, &body, NOW));
        })
    })
}

fn verify_case(
    name: &'static str,
    n: usize,
    scheme: Scheme,
    secret: &'static str,
    header: &'static str,
    value_of: fn(usize) -> String,
) -> Case {
    case(name, n, move |n| {
        let mut headers = sign(
            &scheme,
            secret,
            b"{}",
            &SignOptions {
                timestamp: Some(NOW),
                webhook_id: Some("msg_1".into()),
                event_type: None,
            },
        )
        .unwrap();
        for (name, value) in &mut headers {
            if name.eq_ignore_ascii_case(header) {
                *value = value_of(n);
            }
        }
        let verifier = Verifier::new(scheme.clone(), &[secret]).unwrap();
        Box::new(move || {
            black_box(verifier.verify_at(&headers, b"{}", NOW).ok());
            black_box(verifier.diagnose_at(&headers, b"{}", NOW));
        })
    })
}

fn join(n: usize, item: impl Fn(usize) -> String, separator: &str) -> String {
    (0..n).map(item).collect::<Vec<_>>().join(separator)
}

fn cases() -> Vec<Case> {
    vec![
        diagnose_case("diagnose: object with n distinct keys", 2_000, |n| {
            format!("{{{}}}", join(n, |i| format!("\"k{i}\":{i}"), ","))
        }),
        diagnose_case(
            "diagnose: object with one key repeated n times",
            2_000,
            |n| format!("{{{}}}", join(n, |i| format!("\"k\":{i}"), ",")),
        ),
        diagnose_case("diagnose: array of n numbers", 4_000, |n| {
            format!("[{}]", join(n, |i| i.to_string(), ","))
        }),
        diagnose_case("diagnose: n objects, each nested 100 deep", 20, |n| {
            let nested = format!("{}1{}", "[".repeat(100), "]".repeat(100));
            format!("[{}]", join(n, |_| nested.clone(), ","))
        }),
        diagnose_case(
            "diagnose: n levels of nesting (refused past 127)",
            2_000,
            |n| format!("{}{}", "[".repeat(n), "]".repeat(n)),
        ),
        diagnose_case("diagnose: string of n escapes", 4_000, |n| {
            format!("{{\"s\":\"{}\"}}", "\\u00e9\\n".repeat(n))
        }),
        verify_case(
            "verify: n distinct version labels (webhook-signature)",
            2_000,
            Scheme::Standard,
            STANDARD_SECRET,
            "webhook-signature",
            |n| join(n, |i| format!("a{i:x},x"), " "),
        ),
        verify_case(
            "verify: n v1 signatures (webhook-signature)",
            2_000,
            Scheme::Standard,
            STANDARD_SECRET,
            "webhook-signature",
            |n| {
                join(
                    n,
                    |_| "v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=".into(),
                    " ",
                )
            },
        ),
        verify_case(
            "verify: n distinct keys (Stripe-Signature)",
            2_000,
            Scheme::Stripe,
            "whsec_stripe",
            "Stripe-Signature",
            |n| format!("t={NOW},{}", join(n, |i| format!("k{i}=x"), ",")),
        ),
        verify_case(
            "verify: n v1 signatures (Stripe-Signature)",
            2_000,
            Scheme::Stripe,
            "whsec_stripe",
            "Stripe-Signature",
            |n| {
                format!(
                    "t={NOW},{}",
                    join(n, |_| format!("v1={}", "ab".repeat(32)), ",")
                )
            },
        ),
        verify_case(
            "verify: signature value of n bytes (GitHub)",
            20_000,
            Scheme::Github,
            "github-secret",
            "X-Hub-Signature-256",
            |n| format!("sha256={}", "a".repeat(n)),
        ),
        case("event types: Quiltt body of n events", 2_000, |n| {
            let body = format!(
                "{{\"eventTypes\":[{}],\"events\":[]}}",
                join(n, |i| format!("\"profile.created{i}\""), ",")
            )
            .into_bytes();
            let none: [(&str, &str); 0] = [];
            Box::new(move || {
                black_box(events::event_types(&Scheme::Quiltt, &none, &body).ok());
            })
        }),
        case(
            "event types: Standard body with n members before type",
            2_000,
            |n| {
                let body = format!(
                    "{{{},\"type\":\"invoice.paid\"}}",
                    join(n, |i| format!("\"k{i}\":[{{\"a\":{i}}}]"), ",")
                )
                .into_bytes();
                let none: [(&str, &str); 0] = [];
                Box::new(move || {
                    black_box(events::event_types(&Scheme::Standard, &none, &body).ok());
                })
            },
        ),
        case(
            "custom scheme: definition with a message of n parts",
            2_000,
            |n| {
                let json = format!(
                    "{{\"signature_header\":\"X-Sig\",\"message\":\"{}{{body}}\"}}",
                    "lit.".repeat(n)
                );
                Box::new(move || {
                    black_box(Scheme::custom_from_json(&json).ok());
                })
            },
        ),
        case(
            "custom scheme: definition padded with n spaces",
            20_000,
            |n| {
                let json = format!("{{\"signature_header\":{}\"X-Sig\"}}", " ".repeat(n));
                Box::new(move || {
                    black_box(Scheme::custom_from_json(&json).ok());
                })
            },
        ),
        case(
            "matcher: event type of n segments against globs",
            2_000,
            |n| {
                let matcher = EventMatcher::new(&["*.a", "a.*", "a.*.a", "b*", "*"], true).unwrap();
                let event_type = join(n, |_| "a".into(), ".");
                Box::new(move || {
                    black_box(matcher.matching(&event_type));
                })
            },
        ),
        case("matcher: event type of one n-byte segment", 20_000, |n| {
            let matcher = EventMatcher::new(&["a*b", "connection"], true).unwrap();
            let event_type = "a".repeat(n);
            Box::new(move || {
                black_box(matcher.matching(&event_type));
            })
        }),
    ]
}

#[test]
#[cfg_attr(debug_assertions, ignore = "timed in release builds only")]
fn hostile_input_costs_linear_time() {
    let mut failures = Vec::new();
    for case in cases() {
        let mut small = (case.work)(case.n);
        let mut large = (case.work)(case.n * 10);
        small(); // warm up allocations and caches
        let small_time = fastest(5, &mut *small);
        let large_time = fastest(3, &mut *large);
        let ratio = large_time.as_secs_f64() / small_time.as_secs_f64().max(1e-6);
        println!(
            "{:<60} n={:<6} {:>10.3?} 10n: {:>10.3?} ratio {ratio:>5.1}",
            case.name, case.n, small_time, large_time
        );
        if ratio > MAX_RATIO {
            failures.push(format!("{}: ratio {ratio:.1}", case.name));
        }
    }
    assert!(failures.is_empty(), "super-linear: {failures:#?}");
}
