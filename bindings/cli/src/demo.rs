//! `hooksig demo`: per provider, a signed sample verified, a tampered copy
//! rejected with its code, and one classic integration mistake diagnosed.

use crate::Exit;
use hooksig::{Scheme, SignOptions, Verifier, samples, unix_now};

/// A realistic mistake per provider, applied to the signed request.
fn mistake(scheme: &Scheme, body: &[u8]) -> (&'static str, Vec<u8>, i64) {
    let reserialized = String::from_utf8_lossy(body)
        .replace("\":", "\": ")
        .replace(",\"", ", \"")
        .into_bytes();
    let newline = [body, b"\n"].concat();
    match scheme {
        Scheme::Quiltt | Scheme::Bond | Scheme::Stripe => ("body re-serialized", reserialized, 0),
        Scheme::Standard | Scheme::Slack => ("receiver clock 10 min fast", body.to_vec(), -600),
        _ => ("trailing newline added", newline, 0),
    }
}

fn demo_secret(scheme: &Scheme) -> &'static str {
    match scheme {
        Scheme::Standard => "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        Scheme::Bond | Scheme::Stripe => "whsec_ira5jceuzhxxBxoWckAU0hLFQe79bSMZ",
        _ => "demo-secret-0123456789",
    }
}

pub(crate) fn run() -> Result<(), Exit> {
    let now = unix_now();
    println!(
        "hooksig demo: per provider, sign a sample event, verify it, reject a tampered copy, diagnose a mistake\n"
    );
    let mut failures = 0;
    for name in Scheme::BUILT_IN {
        let scheme = Scheme::from_name(name)?;
        let secret = demo_secret(&scheme);
        let event = samples::default_event_type(&scheme);
        let body = samples::sample_body(&scheme, event);
        let options = SignOptions {
            timestamp: Some(now),
            event_type: Some(event.to_owned()),
            ..Default::default()
        };
        let headers = hooksig::sign(&scheme, secret, &body, &options)?;
        let verifier = Verifier::new(scheme.clone(), &[secret])?;

        match verifier.verify_at(&headers, &body, now) {
            Ok(v) => println!("{name:<9} {event:<30} verified (secret #{})", v.key_index),
            Err(e) => {
                failures += 1;
                println!("{name:<9} {event:<30} UNEXPECTED: {} ({})", e, e.code());
            }
        }
        let tampered = crate::send::tamper(&body);
        report(
            &verifier,
            &headers,
            &tampered,
            now,
            "tampered body",
            &mut failures,
        );
        let (label, changed, skew) = mistake(&scheme, &body);
        report(
            &verifier,
            &headers,
            &changed,
            now - skew,
            label,
            &mut failures,
        );
        println!();
    }
    if failures == 0 {
        Ok(())
    } else {
        Err(Exit::usage(format!(
            "{failures} demo step(s) behaved unexpectedly"
        )))
    }
}

fn report(
    verifier: &Verifier,
    headers: &[(String, String)],
    body: &[u8],
    now: i64,
    label: &str,
    failures: &mut usize,
) {
    match verifier.verify_at(headers, body, now) {
        Ok(_) => {
            *failures += 1;
            println!("{:<9} {label:<30} UNEXPECTEDLY VERIFIED", "");
        }
        Err(e) => {
            println!("{:<9} {label:<30} rejected: {}", "", e.code());
            if let Some(why) = verifier.diagnose_at(headers, body, now) {
                println!("{:<40} why: {why}", "");
            }
        }
    }
}
