//! End-to-end tests of the foundation: the sandbox, the CLI's AWS configuration and its errors.

use crate::support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sdk_talks_sts_iam_and_s3_to_the_sandbox() {
    let sb = TestSandbox::start();
    let cloud = sb.cloud().await;
    let id = cloud.whoami().await.expect("sts");
    assert_eq!(id.account, "000000000000");

    let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
    cloud
        .iam
        .create_role()
        .role_name("harness-role")
        .assume_role_policy_document(trust)
        .send()
        .await
        .expect("create role");
    let got = cloud
        .iam
        .get_role()
        .role_name("harness-role")
        .send()
        .await
        .expect("get role");
    assert_eq!(got.role().map(|r| r.role_name()), Some("harness-role"));

    cloud
        .s3
        .create_bucket()
        .bucket("harness-bucket")
        .send()
        .await
        .expect("bucket");
    cloud
        .s3
        .put_object()
        .bucket("harness-bucket")
        .key("input/hola mundo.txt")
        .body(b"hola".to_vec().into())
        .send()
        .await
        .expect("put");
    let obj = cloud
        .s3
        .get_object()
        .bucket("harness-bucket")
        .key("input/hola mundo.txt")
        .send()
        .await
        .expect("get");
    let body = obj.body.collect().await.expect("body").into_bytes();
    assert_eq!(&body[..], b"hola");
}

#[test]
fn whoami_through_the_binary_prints_the_sandbox_account() {
    let sb = TestSandbox::start();
    let o = run(sb.pasos().arg("whoami").arg("--json"));
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    assert_eq!(v["account"], "000000000000");
    assert_eq!(v["endpoint"], sb.endpoint.as_str());
    assert_eq!(v["sandbox"], true);
}

/// A sandbox that lives but answers slowly (stopped with SIGSTOP for 4 s here, as a loaded class
/// laptop or an emulator busy with a big call would be: its health check times out) is waited for.
/// It used to be replaced by a second, empty sandbox, in which everything the journal held looked
/// gone: a rollback then "deleted" it all and exited 0 while the resources sat in the first one.
#[test]
fn a_slow_sandbox_is_waited_for_not_replaced() {
    fn signal(sig: &str, pid: u32) {
        let ok = std::process::Command::new("kill")
            .args([sig, &pid.to_string()])
            .status()
            .unwrap()
            .success();
        assert!(ok, "kill {sig} {pid}");
    }
    let sb = TestSandbox::start();
    let pid = sb.pid;
    signal("-STOP", pid);
    let resume = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_secs(4));
        signal("-CONT", pid);
    });
    let o = run(sb.pasos().args(["sandbox", "start"]));
    resume.join().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains(&format!("AWS_ENDPOINT_URL={}", sb.endpoint)),
        "the same sandbox, not a new one: {}",
        stdout(&o)
    );
    let rec = pasos::sandbox::status(sb.state()).expect("running");
    assert_eq!(rec.pid, sb.pid);
}

#[test]
fn sandbox_listens_on_loopback_only_and_gets_a_clean_environment() {
    let state = tempfile::tempdir().unwrap();
    let o = run(pasos_bin()
        .arg("--state-dir")
        .arg(state.path())
        .args(["sandbox", "start"])
        .env("AWS_PROFILE", "my-real-profile")
        .env("AWS_SECRET_ACCESS_KEY", "user-secret-must-not-leak"));
    assert!(o.status.success(), "{}", stderr(&o));
    let exports = stdout(&o);
    assert!(
        exports.contains("export AWS_ENDPOINT_URL=http://127.0.0.1:"),
        "{exports}"
    );
    let rec = pasos::sandbox::status(state.path()).expect("running");

    // Every listening socket of the emulator is bound to 127.0.0.1.
    let listening = listening_addresses(rec.pid);
    assert!(
        !listening.is_empty(),
        "no listening socket found for pid {}",
        rec.pid
    );
    for (addr, port) in &listening {
        assert_eq!(
            addr, "0100007F",
            "port {port} listens beyond loopback ({addr})"
        );
    }
    // The user's credentials never reach the emulator (nor the Lambda bootstraps it spawns).
    let environ = std::fs::read(format!("/proc/{}/environ", rec.pid)).unwrap();
    let environ = String::from_utf8_lossy(&environ);
    assert!(!environ.contains("my-real-profile"));
    assert!(!environ.contains("user-secret-must-not-leak"));
    assert!(environ.contains(&format!("AWS_ENDPOINT_URL={}", rec.endpoint)));

    // A second start reuses it.
    let o2 = run(pasos_bin()
        .arg("--state-dir")
        .arg(state.path())
        .args(["sandbox", "start"]));
    assert!(o2.status.success());
    assert!(
        stderr(&o2).contains(&format!("pid {}", rec.pid)),
        "{}",
        stderr(&o2)
    );

    // Stop closes the port.
    let o3 = run(pasos_bin()
        .arg("--state-dir")
        .arg(state.path())
        .args(["sandbox", "stop"]));
    assert!(o3.status.success());
    assert!(std::net::TcpStream::connect(("127.0.0.1", rec.port)).is_err());
    let o4 = run(pasos_bin()
        .arg("--state-dir")
        .arg(state.path())
        .args(["sandbox", "status"]));
    assert!(stdout(&o4).contains("stopped"));
}

/// (hex address, port) of the TCP sockets in LISTEN state owned by `pid`.
fn listening_addresses(pid: u32) -> Vec<(String, u16)> {
    let mut inodes = std::collections::HashSet::new();
    for fd in std::fs::read_dir(format!("/proc/{pid}/fd"))
        .unwrap()
        .flatten()
    {
        if let Ok(link) = std::fs::read_link(fd.path()) {
            let l = link.to_string_lossy().to_string();
            if let Some(i) = l.strip_prefix("socket:[").and_then(|s| s.strip_suffix(']')) {
                inodes.insert(i.to_string());
            }
        }
    }
    let mut out = Vec::new();
    for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
        let Ok(s) = std::fs::read_to_string(table) else {
            continue;
        };
        for line in s.lines().skip(1) {
            let f: Vec<&str> = line.split_whitespace().collect();
            if f.len() > 9 && f[3] == "0A" && inodes.contains(f[9]) {
                let (addr, port) = f[1].split_once(':').unwrap();
                let addr = if addr.len() == 32 {
                    // IPv6: only ::ffff:127.0.0.1 or ::1 would be loopback; report as-is otherwise.
                    if addr == "00000000000000000000000001000000" {
                        "0100007F".to_string()
                    } else {
                        addr.to_string()
                    }
                } else {
                    addr.to_string()
                };
                out.push((addr, u16::from_str_radix(port, 16).unwrap()));
            }
        }
    }
    out
}

#[test]
fn bad_region_endpoint_and_dead_endpoint_fail_with_one_clear_line() {
    let state = tempfile::tempdir().unwrap();
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec!["--region", "not-a-region", "whoami"],
            "not-a-region` is not an AWS region",
        ),
        (
            vec![
                "--region",
                "us-east-1",
                "--endpoint-url",
                "nonsense",
                "whoami",
            ],
            "not an endpoint URL",
        ),
        (
            vec![
                "--region",
                "us-east-1",
                "--endpoint-url",
                "http://127.0.0.1:9",
                "whoami",
            ],
            "Nothing answers",
        ),
    ];
    for (args, expect) in cases {
        let o = run(pasos_bin()
            .arg("--state-dir")
            .arg(state.path())
            .args(&args)
            .env("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
            .env("AWS_SECRET_ACCESS_KEY", "example"));
        assert_clean_failure(&o);
        let err = stderr(&o);
        assert!(err.contains(expect), "{args:?}: {err}");
        assert_eq!(
            err.trim().lines().count(),
            1,
            "{args:?}: one line expected: {err}"
        );
    }
}

#[test]
fn no_credentials_and_no_region_say_what_to_do() {
    let home = tempfile::tempdir().unwrap();
    let o = run(pasos_bin()
        .arg("--state-dir")
        .arg(home.path())
        .args(["whoami"])
        .env("HOME", home.path())
        .env("AWS_CONFIG_FILE", home.path().join("nope"))
        .env("AWS_SHARED_CREDENTIALS_FILE", home.path().join("nope")));
    assert_clean_failure(&o);
    assert!(stderr(&o).contains("--sandbox"), "{}", stderr(&o));

    let o = run(pasos_bin()
        .arg("--state-dir")
        .arg(home.path())
        .args(["--region", "eu-west-1", "whoami"])
        .env("HOME", home.path())
        .env("AWS_CONFIG_FILE", home.path().join("nope"))
        .env("AWS_SHARED_CREDENTIALS_FILE", home.path().join("nope")));
    assert_clean_failure(&o);
    assert!(stderr(&o).contains("aws configure"), "{}", stderr(&o));
}

#[test]
fn profile_from_a_credentials_file_is_honoured() {
    // A profile whose endpoint is a dead port: proves --profile selected it (region and endpoint
    // come from that profile) without needing a real account.
    let home = tempfile::tempdir().unwrap();
    let cfg = home.path().join("config");
    std::fs::write(&cfg, "[profile clase]\nregion = sa-east-1\n").unwrap();
    let creds = home.path().join("credentials");
    std::fs::write(
        &creds,
        "[clase]\naws_access_key_id = AKIDEXAMPLE\naws_secret_access_key = x\n",
    )
    .unwrap();
    let o = run(pasos_bin()
        .arg("--state-dir")
        .arg(home.path())
        .args([
            "--profile",
            "clase",
            "--endpoint-url",
            "http://127.0.0.1:9",
            "whoami",
        ])
        .env("HOME", home.path())
        .env("AWS_CONFIG_FILE", &cfg)
        .env("AWS_SHARED_CREDENTIALS_FILE", &creds));
    assert_clean_failure(&o);
    // Got as far as calling the endpoint: region and credentials came from the profile.
    assert!(stderr(&o).contains("Nothing answers"), "{}", stderr(&o));
}
