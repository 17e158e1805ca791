//! Test harness shared by the integration tests: a fresh sandbox per test, started through the
//! product's own code path (`pasos::sandbox::start`) on a free loopback port, stopped on drop —
//! also when the test fails, because a failing test unwinds through `Drop`.
#![allow(dead_code)]

use pasos::cloud::{Cloud, CloudSettings};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub struct TestSandbox {
    pub state_dir: tempfile::TempDir,
    pub endpoint: String,
    pub pid: u32,
    pub port: u16,
}

impl TestSandbox {
    /// Starts a sandbox of its own, in a state dir of its own. The emulator's venv is shared
    /// (installed once under the data dir, serialized by a file lock).
    pub fn start() -> TestSandbox {
        let state_dir = tempfile::Builder::new()
            .prefix("pasos-test-")
            .tempdir()
            .expect("tempdir");
        let sb = pasos::sandbox::start(state_dir.path(), &pasos::paths::data_dir(), &mut |l| {
            eprintln!("[sandbox] {l}")
        })
        .unwrap_or_else(|t| panic!("sandbox did not start: {}", t.en));
        TestSandbox {
            endpoint: sb.record.endpoint.clone(),
            pid: sb.record.pid,
            port: sb.record.port,
            state_dir,
        }
    }

    pub fn state(&self) -> &Path {
        self.state_dir.path()
    }

    /// The same `Cloud` the product builds for `--sandbox`.
    pub async fn cloud(&self) -> Cloud {
        Cloud::load(&CloudSettings {
            sandbox_endpoint: Some(self.endpoint.clone()),
            ..Default::default()
        })
        .await
        .expect("cloud config")
    }

    /// The real `pasos` binary pointed at this sandbox (`--sandbox` reuses it via the state dir).
    pub fn pasos(&self) -> Command {
        let mut c = pasos_bin();
        c.arg("--state-dir").arg(self.state()).arg("--sandbox");
        c
    }
}

impl Drop for TestSandbox {
    fn drop(&mut self) {
        let _ = pasos::sandbox::stop(self.state_dir.path());
    }
}

/// The binary under test, with an environment that cannot reach a real AWS account by accident.
pub fn pasos_bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_pasos"));
    for v in [
        "AWS_PROFILE",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_ENDPOINT_URL",
        "AWS_REGION",
        "AWS_DEFAULT_REGION",
        "PASOS_STATE_DIR",
    ] {
        c.env_remove(v);
    }
    c.env("AWS_EC2_METADATA_DISABLED", "true");
    c.env("LANG", "en_US.UTF-8");
    // Every test's emulator runs functions as host processes, also when pasos reaches it through a
    // proxy (whose endpoint is not the sandbox's, so pasos would pick the resizer's AWS build: fat
    // LTO, minutes on a fresh clone). The AWS build is CI's own step, checked by tests/glibc.rs.
    c.env("PASOS_RESIZER_BUILD", "sandbox");
    c
}

pub fn run(c: &mut Command) -> Output {
    c.output().expect("run pasos")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Asserts the process failed cleanly: an exit code (not a signal), not a panic (101).
pub fn assert_clean_failure(o: &Output) {
    let code = o.status.code().expect("exited by itself, not by a signal");
    assert_ne!(code, 0, "should fail: {}", stderr(o));
    assert_ne!(code, 101, "panicked: {}", stderr(o));
    assert!(!stderr(o).contains("panicked"), "{}", stderr(o));
}

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Everything a learner could have left behind, listed through the SDK: roles, instance profiles,
/// users (with their access keys and console access), groups, buckets (with their notification
/// rules), security groups (but `default`), key pairs, instances not terminated, functions (with
/// their resource policy's statements) and log groups.
pub async fn leftovers(c: &Cloud) -> Vec<String> {
    let mut out = Vec::new();
    let roles = c.iam.list_roles().send().await.expect("list roles");
    for r in roles.roles() {
        out.push(format!("role {}", r.role_name()));
    }
    let ips = c
        .iam
        .list_instance_profiles()
        .send()
        .await
        .expect("list instance profiles");
    for p in ips.instance_profiles() {
        out.push(format!("instance profile {}", p.instance_profile_name()));
    }
    let users = c.iam.list_users().send().await.expect("list users");
    for u in users.users() {
        let name = u.user_name();
        out.push(format!("user {name}"));
        for k in c.access_keys(name).await.expect("list access keys") {
            out.push(format!("access key {name} {}", k.id));
        }
        if c.login_profile(name)
            .await
            .expect("get login profile")
            .is_some()
        {
            out.push(format!("login profile {name}"));
        }
    }
    let groups = c.iam.list_groups().send().await.expect("list groups");
    for g in groups.groups() {
        out.push(format!("group {}", g.group_name()));
    }
    let buckets = c.s3.list_buckets().send().await.expect("list buckets");
    for b in buckets.buckets() {
        let name = b.name().unwrap_or("?");
        out.push(format!("bucket {name}"));
        let (rules, _) = c.notification(name).await.expect("get notification");
        for r in rules {
            out.push(format!(
                "notification {name} {}",
                r.id.as_deref().unwrap_or("?")
            ));
        }
    }
    let sgs = c
        .ec2
        .describe_security_groups()
        .send()
        .await
        .expect("describe security groups");
    for g in sgs.security_groups() {
        if g.group_name() != Some("default") {
            out.push(format!(
                "security group {} {}",
                g.group_name().unwrap_or("?"),
                g.group_id().unwrap_or("?")
            ));
        }
    }
    let kps = c
        .ec2
        .describe_key_pairs()
        .send()
        .await
        .expect("describe key pairs");
    for k in kps.key_pairs() {
        out.push(format!("key pair {}", k.key_name().unwrap_or("?")));
    }
    let inst = c
        .ec2
        .describe_instances()
        .send()
        .await
        .expect("describe instances");
    for r in inst.reservations() {
        for i in r.instances() {
            let state = i
                .state()
                .and_then(|s| s.name())
                .map(|n| n.as_str().to_string())
                .unwrap_or_default();
            if state != "terminated" {
                out.push(format!(
                    "instance {} {state}",
                    i.instance_id().unwrap_or("?")
                ));
            }
        }
    }
    let fns = c
        .lambda
        .list_functions()
        .send()
        .await
        .expect("list functions");
    for f in fns.functions() {
        let name = f.function_name().unwrap_or("?");
        out.push(format!("function {name}"));
        for sid in c.permission_ids(name).await.expect("get policy") {
            out.push(format!("permission {name} {sid}"));
        }
    }
    let logs = c
        .logs
        .describe_log_groups()
        .send()
        .await
        .expect("describe log groups");
    for g in logs.log_groups() {
        out.push(format!("log group {}", g.log_group_name().unwrap_or("?")));
    }
    out
}
