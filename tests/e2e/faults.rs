//! Fault injection end to end: the real binary applies a plan — Lambda step included — through a
//! proxy that fails, throttles, resets and loses answers (`support/proxy.rs`), gets killed at every
//! request, and rollback — run directly against the sandbox — must always leave nothing, as listed
//! through the SDK. Journal faults and bad input are in `faults/`. Numbers measured by these tests
//! are in docs/reliability.md.

#[path = "faults/bad_input.rs"]
mod bad_input;
#[path = "faults/journal.rs"]
mod journal;

use crate::proxy::{Fate, Fault, Proxy, ProxyConfig, Seen};
use crate::support::*;
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

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

/// The Lambda step as the walkthrough has it — function, permission, trigger — with a small zip
/// (a shell `bootstrap`) instead of the resizer, so the loops need no Rust build.
const LAMBDA_STEP: &str = r#"
[[lambda]]
name = "redimensionar-foto"
runtime = "provided.al2023"
code = "bootstrap.zip"
handler = "bootstrap"
role = "lambda-s3"
output = { bucket = "fotos-alumno-2026", prefix = "output/" }

[[lambda.trigger]]
bucket = "fotos-alumno-2026"
events = ["s3:ObjectCreated:Put"]
prefix = "input/"
"#;

/// The plan the fault loops run: every step of the walkthrough.
fn loop_plan() -> String {
    format!("{REDUCED_PLAN}{LAMBDA_STEP}")
}

/// Steps of the loop plan that end in a `verified` event: 2 roles, group, user, security group,
/// instance, bucket, and the function (its permission and trigger checked in its verification).
const LOOP_VERIFIED: usize = 8;

/// A directory with the plan, its user data, the Lambda's zip and a credentials file for the key.
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
        let f = std::fs::File::create(dir.path().join("bootstrap.zip")).unwrap();
        let mut z = zip::ZipWriter::new(f);
        z.start_file(
            "bootstrap",
            zip::write::SimpleFileOptions::default().unix_permissions(0o755),
        )
        .unwrap();
        z.write_all(b"#!/bin/sh\nexit 0\n").unwrap();
        z.finish().unwrap();
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

fn apply_direct(sb: &TestSandbox, w: &Work) {
    let o = run(sb
        .pasos()
        .arg("apply")
        .arg(w.plan())
        .arg("--yes")
        .env("AWS_SHARED_CREDENTIALS_FILE", w.creds()));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

/// Rollback straight against the sandbox (no proxy), same state dir, same region.
fn rollback(sb: &TestSandbox, w: &Work) -> Output {
    run(sb
        .pasos()
        .args(["rollback", "--yes"])
        .env("AWS_SHARED_CREDENTIALS_FILE", w.creds()))
}

fn rollback_via(sb: &TestSandbox, w: &Work, p: &Proxy) -> Command {
    let mut c = pasos_via(sb, w, &p.url());
    c.args(["rollback", "--yes"]);
    c
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
    rt().block_on(async { crate::support::leftovers(&sb.cloud().await).await })
}

/// The access keys IAM holds for alumno, and whether each one's secret is in the credentials file.
fn keys_and_saved(sb: &TestSandbox, w: &Work) -> (usize, usize) {
    let ids: Vec<String> = rt().block_on(async {
        let c = sb.cloud().await;
        c.access_keys("alumno")
            .await
            .map(|k| k.into_iter().map(|k| k.id).collect())
            .unwrap_or_default()
    });
    let creds = std::fs::read_to_string(w.creds()).unwrap_or_default();
    let saved = ids
        .iter()
        .filter(|id| {
            creds.contains(&format!(
                "aws_access_key_id = {id}\naws_secret_access_key = "
            ))
        })
        .count();
    (ids.len(), saved)
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

fn journal_file(sb: &TestSandbox) -> PathBuf {
    sb.state().join("journal/000000000000-us-east-1.jsonl")
}

/// A clean slate for the next iteration: the emulator, the journal and the credentials file.
fn fresh(sb: &TestSandbox, w: &Work) {
    reset_sandbox(sb);
    let _ = std::fs::remove_dir_all(sb.state().join("journal"));
    let _ = std::fs::remove_file(w.creds());
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

/// A waiter's poll: how many of them a run makes depends on how long the emulator takes (a function
/// stays Pending ~0.5 s on ministack, and pasos polls it a few times in the first second), so a run
/// under load may need one fewer than both clean runs did. Such a point is reported as not needed,
/// never silently: every other request that never came is a failure.
pub fn is_poll(what: &str) -> bool {
    (what.starts_with("lambda GET /2015-03-31/functions/") && !what.contains("/policy"))
        || what == "ec2 DescribeInstances"
}

/// The requests every run makes, as (description, n-th of that description), in the order of the
/// first run: each kind counted as often as in the *fewer* of two clean runs, so a poll that one
/// run needed once more (waiting for an instance or a function) is not a point another run may
/// never reach. Returns the points and how many requests were left out that way.
fn stable_points(a: &[Seen], b: &[Seen]) -> (Vec<(String, u64)>, usize) {
    let count = |log: &[Seen]| {
        let mut m: BTreeMap<String, u64> = BTreeMap::new();
        for s in log {
            *m.entry(s.what.clone()).or_default() += 1;
        }
        m
    };
    let (ca, cb) = (count(a), count(b));
    let points: Vec<(String, u64)> = a
        .iter()
        .filter(|s| s.nth <= cb.get(&s.what).copied().unwrap_or(0).min(ca[&s.what]))
        .map(|s| (s.what.clone(), s.nth))
        .collect();
    let left_out = a.len() - points.len();
    (points, left_out)
}

/// Two clean runs of `cmd` through a fault-free proxy (with `between` run after each), and the
/// stable points of their logs.
fn clean_points(
    sb: &TestSandbox,
    cmd: impl Fn(&Proxy) -> Command,
    between: impl Fn(),
) -> (Vec<(String, u64)>, usize) {
    let mut logs = Vec::new();
    for _ in 0..2 {
        let p = Proxy::start(ProxyConfig::new(&sb.endpoint, vec![]));
        let o = run(&mut cmd(&p));
        assert_eq!(o.status.code(), Some(0), "{}\n{}", stdout(&o), stderr(&o));
        logs.push(p.log());
        drop(p);
        between();
    }
    stable_points(&logs[0], &logs[1])
}

/// The stable points of a clean apply of the loop plan (two clean runs on a sandbox of their own).
fn apply_points() -> (Vec<(String, u64)>, usize) {
    let sb = TestSandbox::start();
    let w = Work::new(&loop_plan());
    clean_points(
        &sb,
        |p| apply_cmd(&sb, &w, p),
        || {
            assert_eq!(rollback(&sb, &w).status.code(), Some(0));
            fresh(&sb, &w);
        },
    )
}

/// The stable points of a clean rollback of the loop plan.
fn rollback_points() -> (Vec<(String, u64)>, usize) {
    let sb = TestSandbox::start();
    let w = Work::new(&loop_plan());
    apply_direct(&sb, &w);
    clean_points(
        &sb,
        |p| rollback_via(&sb, &w, p),
        || {
            assert!(leftovers(&sb).is_empty());
            fresh(&sb, &w);
            apply_direct(&sb, &w);
        },
    )
}

/// Runs `each` at every point of a fault loop, then reports and asserts no failures.
///
/// The points are independent (a fresh sandbox state per point), and each iteration mostly waits
/// (SDK backoff after a lost answer, process starts). So they are dealt round-robin to lanes that
/// each own a sandbox and a work dir, and run side by side. `prepare` readies a lane's sandbox
/// before its first point; `each` returns its failures.
const LANES: usize = 3;

fn every_point(
    what: &str,
    points: &(Vec<(String, u64)>, usize),
    prepare: impl Fn(&TestSandbox, &Work) + Sync,
    each: impl Fn(&TestSandbox, &Work, &str, u64) -> Vec<String> + Sync,
) {
    let t = Instant::now();
    let (prepare, each) = (&prepare, &each);
    let failures: Vec<String> = std::thread::scope(|s| {
        let lanes: Vec<_> = (0..LANES)
            .map(|lane| {
                s.spawn(move || {
                    let sb = TestSandbox::start();
                    let w = Work::new(&loop_plan());
                    prepare(&sb, &w);
                    let mut failures = Vec::new();
                    for (what, nth) in points.0.iter().skip(lane).step_by(LANES) {
                        failures.extend(each(&sb, &w, what, *nth));
                    }
                    failures
                })
            })
            .collect();
        lanes
            .into_iter()
            .flat_map(|l| l.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    });
    eprintln!(
        "[measure] {what}: {} points (all requests of a clean run but {} extra polls), {} failures, {:?}",
        points.0.len(),
        points.1,
        failures.len(),
        t.elapsed()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[path = "faults/loops.rs"]
mod loops;
