//! Bad input end to end: each gets one clear message, exit 2 (plan) or 1, never a panic, and
//! nothing is created. (A module of `tests/e2e/faults.rs`.)

use super::*;

/// Binary garbage in the credentials file: the message must name the file and why it cannot be used
/// (aws-config alone skips the file and only says "no credentials found").
#[test]
fn garbage_credentials_file_message_names_the_problem() {
    let d = tempfile::tempdir().unwrap();
    let garbage = d.path().join("credentials");
    std::fs::write(&garbage, b"\xff\xfe\x00[[[profile x\x00\x9f=\n").unwrap();
    let o = run(pasos_bin()
        .arg("--state-dir")
        .arg(d.path())
        .args([
            "--region",
            "us-east-1",
            "--endpoint-url",
            "http://127.0.0.1:9",
        ])
        .args(["--profile", "x", "whoami"])
        .env("AWS_SHARED_CREDENTIALS_FILE", &garbage)
        .env("AWS_CONFIG_FILE", d.path().join("no-config")));
    assert_clean_failure(&o);
    let e = stderr(&o);
    assert!(!e.contains("provid)"), "truncated mid-word: {e}");
    assert!(
        e.contains("parse") || e.contains("UTF-8") || e.contains("credentials file"),
        "{e}"
    );
}

fn assert_bad_input(o: &Output, codes: &[i32], says: &str) {
    assert_clean_failure(o);
    let code = o.status.code().unwrap();
    assert!(codes.contains(&code), "exit {code}: {}", stderr(o));
    let all = format!("{}{}", stdout(o), stderr(o));
    assert!(all.contains(says), "expected {says:?} in: {all}");
    assert!(all.lines().count() <= 6, "not one clear message: {all}");
}

/// Garbage where the user's files should be: each one clear message, exit 2 (plan) or 1, never a
/// panic, and nothing created.
#[test]
fn bad_inputs_get_one_clear_message_and_create_nothing() {
    let sb = TestSandbox::start();
    let w = Work::new(REDUCED_PLAN);

    // A credentials file that is not INI (nor even UTF-8).
    let garbage = w.path().join("garbage-credentials");
    std::fs::write(
        &garbage,
        b"\xff\xfe\x00[[[profile x\x00\x9f=\n=\xc3\x28\n[x\naws_access_key_id",
    )
    .unwrap();
    let o = run(pasos_bin()
        .arg("--state-dir")
        .arg(sb.state())
        .args(["--region", "us-east-1", "--endpoint-url", &sb.endpoint])
        .args(["--profile", "x", "whoami"])
        .env("AWS_SHARED_CREDENTIALS_FILE", &garbage)
        .env("AWS_CONFIG_FILE", w.path().join("no-config")));
    assert_bad_input(&o, &[1, 2], "No AWS credentials found");
    eprintln!("[message] garbage credentials: {}", stderr(&o).trim());
    // UTF-8 text that is not INI: the parser's reason comes through.
    std::fs::write(&garbage, "[x\naws_access_key_id = AKIA\n= = =\n").unwrap();
    let o = run(pasos_bin()
        .arg("--state-dir")
        .arg(sb.state())
        .args(["--region", "us-east-1", "--endpoint-url", &sb.endpoint])
        .args(["--profile", "x", "whoami"])
        .env("AWS_SHARED_CREDENTIALS_FILE", &garbage)
        .env("AWS_CONFIG_FILE", w.path().join("no-config")));
    assert_bad_input(&o, &[1, 2], "could not parse profile file");

    let apply = |plan: &Path| {
        run(sb
            .pasos()
            .arg("apply")
            .arg(plan)
            .arg("--yes")
            .env("AWS_SHARED_CREDENTIALS_FILE", w.creds()))
    };

    // User data that is not UTF-8.
    std::fs::write(w.path().join("user-data.sh"), b"#!/bin/sh\necho \xff\xfe\n").unwrap();
    let o = apply(&w.plan());
    assert_bad_input(&o, &[2], "is not UTF-8 text");
    assert!(
        stderr(&o).contains("instance[0].user_data"),
        "{}",
        stderr(&o)
    );

    // User data over 16 KB.
    let mut big = b"#!/bin/sh\n".to_vec();
    big.resize(16 * 1024 + 1, b'#');
    std::fs::write(w.path().join("user-data.sh"), &big).unwrap();
    let o = apply(&w.plan());
    assert_bad_input(&o, &[2], "16384");

    // A zip without `bootstrap` as a provided.al2023 Lambda's code.
    let zip_path = w.path().join("no-bootstrap.zip");
    {
        let f = std::fs::File::create(&zip_path).unwrap();
        let mut z = zip::ZipWriter::new(f);
        z.start_file("main", zip::write::SimpleFileOptions::default())
            .unwrap();
        z.write_all(b"\x7fELF not really").unwrap();
        z.finish().unwrap();
    }
    let lambda_plan = r#"
version = 1

[[role]]
name = "lambda-s3"
trusted_service = "lambda.amazonaws.com"
policies = ["AmazonS3FullAccess", "AWSLambdaBasicExecutionRole"]

[[bucket]]
name = "fotos-alumno-2026"
folders = ["input/"]

[[lambda]]
name = "redimensionar-foto"
runtime = "provided.al2023"
code = "no-bootstrap.zip"
handler = "bootstrap"
role = "lambda-s3"
output = { bucket = "fotos-alumno-2026", prefix = "output/" }
max_width = 1024
max_height = 1024
"#;
    let lp = w.path().join("lambda.toml");
    std::fs::write(&lp, lambda_plan).unwrap();
    let o = apply(&lp);
    assert_bad_input(&o, &[2], "no bootstrap at its root");
    assert!(stderr(&o).contains("lambda[0].code"), "{}", stderr(&o));

    assert_eq!(leftovers(&sb), Vec::<String>::new());
    assert!(
        !journal_file(&sb).exists()
            || std::fs::read_to_string(journal_file(&sb))
                .unwrap()
                .lines()
                .all(|l| l.contains("\"session\"")),
        "bad input reached the journal"
    );
}

/// Paths a shared plan could use against its reader: each refused before anything is read or
/// created — `/dev/zero` used to hang pasos, `../credentials` used to be uploaded as user data.
#[test]
fn hostile_plan_paths_are_refused_before_anything_is_read() {
    let sb = TestSandbox::start();
    let w = Work::new(REDUCED_PLAN);
    std::fs::write(
        w.path().join("secret-credentials"),
        "[default]\naws_secret_access_key = S\n",
    )
    .unwrap();
    let inner = w.path().join("plan-dir");
    std::fs::create_dir(&inner).unwrap();
    std::os::unix::fs::symlink(w.path().join("secret-credentials"), inner.join("link.sh")).unwrap();
    assert!(
        Command::new("mkfifo")
            .arg(inner.join("fifo.sh"))
            .status()
            .unwrap()
            .success()
    );
    let apply = |user_data: &str, extra: &[&str]| {
        let plan = inner.join("plan.toml");
        std::fs::write(
            &plan,
            REDUCED_PLAN.replace(
                "user_data = \"user-data.sh\"",
                &format!("user_data = \"{user_data}\""),
            ),
        )
        .unwrap();
        let mut c = sb.pasos();
        c.arg("apply")
            .arg(&plan)
            .arg("--yes")
            .args(extra)
            .env("AWS_SHARED_CREDENTIALS_FILE", w.creds())
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        // Bounded: a read of /dev/zero or a FIFO must not hang the test.
        let child = c.spawn().unwrap();
        let pid = child.id();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let _ = tx.send(child.wait_with_output());
        });
        match rx.recv_timeout(Duration::from_secs(60)) {
            Ok(o) => o.unwrap(),
            Err(_) => {
                let _ = Command::new("kill").args(["-9", &pid.to_string()]).status();
                panic!("pasos hung on user_data = {user_data}");
            }
        }
    };
    for (path, says) in [
        ("/dev/zero", "inside the plan's folder"),
        ("../secret-credentials", "inside the plan's folder"),
        ("link.sh", "inside the plan's folder"),
        ("fifo.sh", "not a regular file"),
    ] {
        let o = apply(path, &[]);
        assert_bad_input(&o, &[2], says);
        assert!(
            stderr(&o).contains("instance[0].user_data"),
            "{}",
            stderr(&o)
        );
    }
    // Allowed explicitly, a device is still not a file.
    let o = apply("/dev/zero", &["--allow-outside-paths"]);
    assert_bad_input(&o, &[2], "not a regular file");
    assert_eq!(leftovers(&sb), Vec::<String>::new());
}
