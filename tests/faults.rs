//! Fault injection end to end: the real binary applies a plan through a proxy that fails, throttles,
//! resets and loses answers (`support/proxy.rs`), gets killed at every call, and rollback — run
//! directly against the sandbox — must always leave nothing, as listed through the SDK.
//! Numbers measured by these tests are in docs/reliability.md.

mod support;
#[path = "support/proxy.rs"]
mod proxy;

use proxy::{Fate, Fault, Proxy, ProxyConfig};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};
use support::*;

/// The sandboxes are heavy (a Python emulator each) and the machine has two cores: the tests that
/// drive a whole apply take turns, so their timings mean something.
static HEAVY: Mutex<()> = Mutex::new(());

fn heavy() -> std::sync::MutexGuard<'static, ()> {
    HEAVY.lock().unwrap_or_else(|e| e.into_inner())
}

/// The walkthrough without the Lambda (no resizer build needed): two roles, a group, a user with
/// console access and one key, a security group, an instance with user data, a bucket.
const REDUCED_PLAN: &str = r#"
version = 1

[[role]]
name = "ec2-s3-dynamodb"
trusted_service = "ec2.amazonaws.com"
policies = ["AmazonS3FullAccess", "AmazonDynamoDBFullAccess"]

[[role]]
name = "lambda-s3"
trusted_service = "lambda.amazonaws.com"
policies = ["AmazonS3FullAccess", "AWSLambdaBasicExecutionRole"]

[[group]]
name = "ec2-admins"
policies = ["AmazonEC2FullAccess"]

[[user]]
name = "alumno"
groups = ["ec2-admins"]
console_access = true
access_keys = 1

[[security_group]]
name = "web-http-https"
description = "HTTP and HTTPS from anywhere"
ingress = ["http", "https"]

[[instance]]
name = "servidor-web"
ami = "al2023"
instance_type = "t2.micro"
key_pair = ""
security_groups = ["web-http-https"]
role = "ec2-s3-dynamodb"
user_data = "user-data.sh"

[[bucket]]
name = "fotos-alumno-2026"
folders = ["input/"]
"#;

/// Steps of the reduced plan that end in a `verified` event: 2 roles, group, user, security group,
/// instance, bucket.
const REDUCED_VERIFIED: usize = 7;

/// A directory with the plan, its user data and a credentials file for the created key.
struct Work {
    dir: tempfile::TempDir,
}

impl Work {
    fn new(plan: &str) -> Work {
        let dir = tempfile::Builder::new()
            .prefix("pasos-faults-")
            .tempdir()
            .unwrap();
        std::fs::write(dir.path().join("plan.toml"), plan).unwrap();
        std::fs::copy(
            repo_root().join("assets/plans/user-data.sh"),
            dir.path().join("user-data.sh"),
        )
        .unwrap();
        Work { dir }
    }
    fn plan(&self) -> PathBuf {
        self.dir.path().join("plan.toml")
    }
    fn creds(&self) -> PathBuf {
        self.dir.path().join("credentials")
    }
    fn path(&self) -> &Path {
        self.dir.path()
    }
}

/// `pasos --state-dir <sandbox state> --region us-east-1 --endpoint-url <url> <args>` with the
/// sandbox's dummy keys in the environment and the credentials file in the work dir.
fn pasos_via(sb: &TestSandbox, w: &Work, url: &str) -> Command {
    let mut c = pasos_bin();
    c.arg("--state-dir")
        .arg(sb.state())
        .args(["--region", "us-east-1", "--endpoint-url", url])
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("AWS_SHARED_CREDENTIALS_FILE", w.creds())
        .env("AWS_CONFIG_FILE", w.path().join("config"));
    c
}

fn apply_cmd(sb: &TestSandbox, w: &Work, p: &Proxy) -> Command {
    let mut c = pasos_via(sb, w, &p.url());
    c.arg("apply").arg(w.plan()).args(["--yes", "--json"]);
    c
}

/// Rollback straight against the sandbox (no proxy), same state dir, same region.
fn rollback(sb: &TestSandbox, w: &Work) -> Output {
    run(sb
        .pasos()
        .args(["rollback", "--yes"])
        .env("AWS_SHARED_CREDENTIALS_FILE", w.creds()))
}

fn events(o: &Output) -> Vec<serde_json::Value> {
    stdout(o)
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}

fn count_event(evs: &[serde_json::Value], name: &str) -> usize {
    evs.iter().filter(|e| e["event"] == name).count()
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

/// Everything a user could have left behind, listed through the SDK: one line per resource.
fn leftovers(sb: &TestSandbox) -> Vec<String> {
    rt().block_on(async {
        let c = sb.cloud().await;
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
            out.push(format!("user {}", u.user_name()));
        }
        let groups = c.iam.list_groups().send().await.expect("list groups");
        for g in groups.groups() {
            out.push(format!("group {}", g.group_name()));
        }
        let buckets = c.s3.list_buckets().send().await.expect("list buckets");
        for b in buckets.buckets() {
            out.push(format!("bucket {}", b.name().unwrap_or("?")));
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
            out.push(format!("function {}", f.function_name().unwrap_or("?")));
        }
        out
    })
}

/// Wipes the emulator's state (`POST /_ministack/reset`) so one sandbox serves many iterations.
fn reset_sandbox(sb: &TestSandbox) {
    let mut s = std::net::TcpStream::connect(("127.0.0.1", sb.port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    write!(
        s,
        "POST /_ministack/reset HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    let _ = s.read_to_string(&mut answer);
    assert!(answer.starts_with("HTTP/1.1 200"), "reset: {answer}");
}

fn kill9(child: &mut Child) {
    // SIGKILL by pid: the child we spawned, nothing else.
    let _ = child.kill();
    let _ = child.wait();
}

fn spawn_quiet(mut c: Command) -> Child {
    c.stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn pasos")
}

/// Runs a clean apply through a fault-free proxy and returns (requests it made, its output).
fn clean_apply(sb: &TestSandbox, w: &Work) -> (u64, Output) {
    let p = Proxy::start(ProxyConfig::new(&sb.endpoint, vec![]));
    let o = run(&mut apply_cmd(sb, w, &p));
    (p.requests(), o)
}

#[test]
fn clean_apply_through_the_proxy_verifies_everything_and_rollback_leaves_nothing() {
    let _g = heavy();
    let sb = TestSandbox::start();
    let w = Work::new(REDUCED_PLAN);
    assert!(leftovers(&sb).is_empty(), "{:?}", leftovers(&sb));
    let t = Instant::now();
    let (requests, o) = clean_apply(&sb, &w);
    let took = t.elapsed();
    assert_eq!(o.status.code(), Some(0), "{}\n{}", stdout(&o), stderr(&o));
    let evs = events(&o);
    assert_eq!(count_event(&evs, "verified"), REDUCED_VERIFIED, "{}", stdout(&o));
    assert_eq!(count_event(&evs, "failed"), 0);
    eprintln!("[measure] clean apply: {requests} requests in {took:?}");
    let made = leftovers(&sb);
    for want in [
        "role ec2-s3-dynamodb",
        "role lambda-s3",
        "instance profile ec2-s3-dynamodb",
        "user alumno",
        "group ec2-admins",
        "bucket fotos-alumno-2026",
        "security group web-http-https",
    ] {
        assert!(made.iter().any(|m| m.starts_with(want)), "{want}: {made:?}");
    }
    assert!(made.iter().any(|m| m.starts_with("instance ")), "{made:?}");
    let r = rollback(&sb, &w);
    assert_eq!(r.status.code(), Some(0), "{}\n{}", stdout(&r), stderr(&r));
    assert_eq!(leftovers(&sb), Vec::<String>::new());
}
