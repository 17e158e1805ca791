//! `pasos check-trigger` through the built binary: verdicts, exit codes, JSON, bad input, Spanish.

use std::process::{Command, Output};

/// Runs `pasos check-trigger <args>` with a private state dir and an English locale.
fn check(args: &[&str]) -> Output {
    let state = tempfile::tempdir().expect("tempdir");
    Command::new(env!("CARGO_BIN_EXE_pasos"))
        .arg("--state-dir")
        .arg(state.path())
        .arg("check-trigger")
        .args(args)
        .env("LANG", "C")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env_remove("AWS_ENDPOINT_URL")
        .output()
        .expect("run pasos")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The whole of stdout must be exactly one JSON object.
fn json(o: &Output) -> serde_json::Value {
    let v: serde_json::Value = serde_json::from_str(stdout(o).trim()).expect("one JSON object");
    assert!(v.is_object(), "{v}");
    v
}

#[test]
fn walkthrough_config_is_safe() {
    let o = check(&[
        "--bucket",
        "photos",
        "--prefix",
        "input/",
        "--output-prefix",
        "output/",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    let out = stdout(&o);
    assert!(out.starts_with("SAFE"), "{out}");
    assert!(out.contains("do not overlap"), "{out}");
    // PUT only: the multipart warning is there even when the verdict is safe.
    assert!(out.contains("CompleteMultipartUpload"), "{out}");
    assert!(!out.contains("Example:"), "{out}");
}

#[test]
fn another_output_bucket_is_safe_in_json() {
    let o = check(&[
        "--bucket",
        "photos",
        "--output-bucket",
        "photos-resized",
        "--output-prefix",
        "",
        "--json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v = json(&o);
    assert_eq!(v["verdict"], "safe");
    assert_eq!(v["example_key"], serde_json::Value::Null);
    assert_eq!(v["fix"], serde_json::Value::Null);
    assert!(
        v["warnings"].as_array().is_some_and(|w| w.len() == 2),
        "{v}"
    );
}

#[test]
fn output_inside_the_trigger_prefix_is_a_loop() {
    let o = check(&[
        "--bucket",
        "photos",
        "--prefix",
        "input/",
        "--output-prefix",
        "input/resized/",
        "--json",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let v = json(&o);
    assert_eq!(v["verdict"], "loop");
    assert_eq!(v["example_key"], "input/photo.jpg");
    assert!(v["reasons"].as_array().is_some_and(|r| !r.is_empty()));
    assert!(
        v["fix"].as_str().is_some_and(|f| f.contains("`output/`")),
        "{v}"
    );
    assert!(v["warnings"].is_array());
}

#[test]
fn trigger_prefix_under_the_output_prefix_is_a_risk() {
    let o = check(&[
        "--bucket",
        "photos",
        "--events",
        "s3:ObjectCreated:*",
        "--prefix",
        "out/in/",
        "--output-prefix",
        "out/",
        "--json",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let v = json(&o);
    assert_eq!(v["verdict"], "risk");
    assert_eq!(v["example_key"], "out/in/in/photo.jpg");
    assert_eq!(v["warnings"], serde_json::json!([]));
}

#[test]
fn text_output_shows_the_example_chain() {
    let o = check(&[
        "--bucket",
        "photos",
        "--prefix",
        "input/",
        "--output-prefix",
        "input/",
        "--events",
        "s3:ObjectCreated:Put, s3:ObjectCreated:CompleteMultipartUpload",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.starts_with("LOOP"), "{out}");
    assert!(
        out.contains(
            "Example: uploading `input/photo.jpg` makes the function write `input/photo.jpg`"
        ),
        "{out}"
    );
    assert!(out.contains("Fix: Write to `output/`"), "{out}");
    assert!(!out.contains("Warnings:"), "{out}");
}

#[test]
fn bad_bucket_name_is_bad_input() {
    let o = check(&["--bucket", "My_Photos", "--output-prefix", "output/"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("--bucket"), "{err}");
    assert!(err.contains("My_Photos"), "{err}");
    assert!(
        err.contains("lowercase letters, digits, dots and hyphens"),
        "{err}"
    );
    assert!(stdout(&o).is_empty());

    let o = check(&[
        "--bucket",
        "photos",
        "--output-bucket",
        "xn--photos",
        "--output-prefix",
        "output/",
        "--json",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let v = json(&o);
    let e = v["error"].as_str().unwrap_or_default();
    assert!(e.contains("--output-bucket") && e.contains("`xn--`"), "{e}");
}

#[test]
fn unknown_event_type_is_bad_input() {
    let o = check(&[
        "--bucket",
        "photos",
        "--events",
        "s3:ObjectCreated:Upload",
        "--output-prefix",
        "output/",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("--events") && err.contains("s3:ObjectCreated:Upload"),
        "{err}"
    );
    assert!(err.contains("not an S3 event type"), "{err}");

    let o = check(&[
        "--bucket",
        "photos",
        "--events",
        "",
        "--output-prefix",
        "o/",
        "--json",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        json(&o)["error"]
            .as_str()
            .is_some_and(|e| e.contains("at least one"))
    );
}

#[test]
fn spanish_output() {
    let state = tempfile::tempdir().expect("tempdir");
    let o = Command::new(env!("CARGO_BIN_EXE_pasos"))
        .args(["--lang", "es", "--state-dir"])
        .arg(state.path())
        .args([
            "check-trigger",
            "--bucket",
            "fotos",
            "--prefix",
            "input/",
            "--output-prefix",
            "input/resized/",
        ])
        .env("LANG", "C")
        .env_remove("LC_ALL")
        .output()
        .expect("run pasos");
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.starts_with("BUCLE"), "{out}");
    assert!(out.contains("Por qué:"), "{out}");
    assert!(out.contains("Ejemplo: subir `input/photo.jpg`"), "{out}");
    assert!(out.contains("Solución: Escribe en `output/`"), "{out}");
    assert!(out.contains("Avisos:"), "{out}");

    let o = check(&["--lang", "es", "--bucket", "Fotos", "--output-prefix", "o/"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("solo puede tener minúsculas"),
        "{}",
        stderr(&o)
    );
}
