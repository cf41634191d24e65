//! `hooksig match` and `hooksig decrypt`: outputs and exit codes as the README gives them,
//! and every case of tests/vectors/match.json and decrypt.json.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use serde_json::{Value, json};

const SECRET: &str = "123412341234123412341234";

fn hooksig(args: &[&str], stdin: &[u8], secret: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_hooksig"))
        .args(args)
        .env("TRATTA_SECRET", secret)
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

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn vector_cases(name: &str) -> Vec<Value> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/vectors")
        .join(name);
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    doc["cases"].as_array().unwrap().clone()
}

#[test]
fn match_prints_indexes_per_type_and_exits_by_outcome() {
    let args = [
        "match",
        "--scope",
        "--pattern",
        "connection",
        "--pattern",
        "card*",
        "--pattern",
        "*.created",
    ];
    let all = [&args[..], &["connection.created", "cardholder.x"]].concat();
    let out = hooksig(&all, b"", SECRET);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        "connection.created: 0 2\ncardholder.x: 1\n"
    );

    let some = [&args[..], &["connection.created", "profile.ready"]].concat();
    let out = hooksig(&some, b"", SECRET);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stdout),
        "connection.created: 0 2\nprofile.ready: no match\n"
    );

    let json = hooksig(
        &["match", "--json", "--pattern", "a.*", "--", "a.b", "b"],
        b"",
        SECRET,
    );
    let parsed: Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(
        parsed,
        json!([{ "type": "a.b", "matching": [0] }, { "type": "b", "matching": [] }])
    );
    assert_eq!(json.status.code(), Some(1));
}

#[test]
fn match_usage_errors_exit_2() {
    let bad = hooksig(&["match", "--pattern", "card..x", "card.x"], b"", SECRET);
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        text(&bad.stderr).contains("invalid_pattern"),
        "{}",
        text(&bad.stderr)
    );

    let no_types = hooksig(&["match", "--pattern", "card*"], b"", SECRET);
    assert_eq!(no_types.status.code(), Some(2));

    let unknown = hooksig(
        &["match", "--catalog", "acme", "--pattern", "a", "a"],
        b"",
        SECRET,
    );
    assert_eq!(unknown.status.code(), Some(2));
    assert!(
        text(&unknown.stderr).contains("quiltt, bond, tratta"),
        "{}",
        text(&unknown.stderr)
    );
}

#[test]
fn match_warns_about_typos_against_a_catalogue() {
    let out = hooksig(
        &[
            "match",
            "--scope",
            "--catalog",
            "quiltt",
            "--pattern",
            "connection.synced.sucessful",
            "--pattern",
            "profile",
            "profile.ready",
        ],
        b"",
        SECRET,
    );
    assert_eq!(out.status.code(), Some(0));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("did you mean \"connection.synced.successful\"?"),
        "{stderr}"
    );
    assert!(!stderr.contains("\"profile\""), "{stderr}");
}

#[test]
fn decrypt_prints_the_plaintext_exactly() {
    let plaintext = b"{\"data\":{\"amount\":1200}}";
    let data = hooksig::tratta::encrypt(SECRET, plaintext).unwrap();
    let out = hooksig(
        &["decrypt", "--secret-env", "TRATTA_SECRET"],
        data.as_bytes(),
        SECRET,
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(out.stdout, plaintext);

    let file = std::env::temp_dir().join(format!("hooksig-decrypt-{}.txt", std::process::id()));
    std::fs::write(&file, format!("{data}\n")).unwrap();
    let out = hooksig(
        &[
            "decrypt",
            "--secret-env",
            "TRATTA_SECRET",
            "--body-file",
            file.to_str().unwrap(),
        ],
        b"",
        SECRET,
    );
    std::fs::remove_file(&file).unwrap();
    assert_eq!(out.stdout, plaintext);
}

#[test]
fn decrypt_failures() {
    let data = hooksig::tratta::encrypt(SECRET, "x").unwrap();
    let wrong = hooksig(
        &["decrypt", "--secret-env", "TRATTA_SECRET"],
        data.as_bytes(),
        "another-secret-entirely",
    );
    assert_eq!(wrong.status.code(), Some(1));
    assert!(wrong.stdout.is_empty());
    let stderr = text(&wrong.stderr);
    assert!(
        stderr.contains("decryption_failed") && stderr.contains("MAC mismatch"),
        "{stderr}"
    );
    assert!(!stderr.contains("another-secret"), "{stderr}");

    let garbage = hooksig(
        &["decrypt", "--secret-env", "TRATTA_SECRET"],
        b"%%%",
        SECRET,
    );
    assert_eq!(garbage.status.code(), Some(1));

    let no_secret = hooksig(&["decrypt"], data.as_bytes(), SECRET);
    assert_eq!(no_secret.status.code(), Some(2));
    let two = hooksig(
        &[
            "decrypt",
            "--secret-env",
            "TRATTA_SECRET",
            "--secret-env",
            "TRATTA_SECRET",
        ],
        b"",
        SECRET,
    );
    assert_eq!(two.status.code(), Some(2));
}

#[test]
fn every_match_vector() {
    for case in vector_cases("match.json") {
        let name = case["name"].as_str().unwrap();
        let mut args: Vec<String> = vec!["match".into(), "--json".into()];
        if case["scope"] == true {
            args.push("--scope".into());
        }
        if let Some(provider) = case["catalog"].as_str() {
            args.extend(["--catalog".into(), provider.into()]);
        }
        for p in case["patterns"].as_array().unwrap() {
            args.extend(["--pattern".into(), p.as_str().unwrap().into()]);
        }
        args.push("--".into());
        let lookups = case["expect"]["lookups"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let types: Vec<String> = lookups
            .iter()
            .map(|l| l["type"].as_str().unwrap().to_owned())
            .collect();
        // The command needs a type; catalogue cases only look at the warnings.
        args.extend(if types.is_empty() {
            vec!["x".to_owned()]
        } else {
            types
        });
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = hooksig(&args, b"", SECRET);
        let stderr = text(&out.stderr);

        if case["expect"]["ok"] == false {
            assert_eq!(out.status.code(), Some(2), "{name}");
            assert!(
                stderr.contains(case["expect"]["code"].as_str().unwrap()),
                "{name}: {stderr}"
            );
            continue;
        }
        if !lookups.is_empty() {
            let got: Value =
                serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(got, Value::Array(lookups.clone()), "{name}");
            let all_matched = lookups
                .iter()
                .all(|l| !l["matching"].as_array().unwrap().is_empty());
            assert_eq!(
                out.status.code(),
                Some(if all_matched { 0 } else { 1 }),
                "{name}"
            );
        }
        for unknown in case["expect"]["unknown"]
            .as_array()
            .cloned()
            .unwrap_or_default()
        {
            let pattern = unknown["pattern"].as_str().unwrap();
            assert!(
                stderr.contains(&format!("pattern {pattern:?} matches no known")),
                "{name}: {stderr}"
            );
            if let Some(s) = unknown["suggestion"].as_str() {
                assert!(
                    stderr.contains(&format!("did you mean {s:?}")),
                    "{name}: {stderr}"
                );
            }
        }
    }
}

#[test]
fn every_decrypt_vector() {
    for case in vector_cases("decrypt.json") {
        let name = case["name"].as_str().unwrap();
        let secret = case["secret"].as_str().unwrap();
        let out = hooksig(
            &["decrypt", "--secret-env", "TRATTA_SECRET"],
            case["data"].as_str().unwrap().as_bytes(),
            secret,
        );
        let expect = &case["expect"];
        if expect["ok"] == true {
            assert_eq!(out.status.code(), Some(0), "{name}: {}", text(&out.stderr));
            let want = match expect["plaintext"].as_str() {
                Some(p) => p.as_bytes().to_vec(),
                None => B64
                    .decode(expect["plaintext_base64"].as_str().unwrap())
                    .unwrap(),
            };
            assert_eq!(out.stdout, want, "{name}");
        } else {
            assert_eq!(out.status.code(), Some(1), "{name}");
            assert!(text(&out.stderr).contains("decryption_failed"), "{name}");
        }
    }
}
