//! Fault injection end to end: the real binary applies a plan through a proxy that fails, throttles,
//! resets and loses answers (`support/proxy.rs`), gets killed at every call, and rollback — run
//! directly against the sandbox — must always leave nothing, as listed through the SDK.
//! Numbers measured by these tests are in docs/reliability.md.

#[path = "support/proxy.rs"]
mod proxy;
mod support;

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
    rt().block_on(async { support::leftovers(&sb.cloud().await).await })
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
    assert_eq!(
        count_event(&evs, "verified"),
        REDUCED_VERIFIED,
        "{}",
        stdout(&o)
    );
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
    assert_eq!(
        made.iter().filter(|m| m.starts_with("instance i-")).count(),
        1,
        "{made:?}"
    );
    let r = rollback(&sb, &w);
    assert_eq!(r.status.code(), Some(0), "{}\n{}", stdout(&r), stderr(&r));
    assert_eq!(leftovers(&sb), Vec::<String>::new());
}

/// Every 7th call a 500, every 11th throttled, every 13th connection closed unanswered: the SDK's
/// retries absorb them all, every step verifies, and rollback leaves nothing.
#[test]
fn transient_faults_are_retried_and_every_step_verifies() {
    let _g = heavy();
    let sb = TestSandbox::start();
    let w = Work::new(REDUCED_PLAN);
    let p = Proxy::start(ProxyConfig::new(
        &sb.endpoint,
        vec![
            Fault::FailEvery { n: 7, status: 500 },
            Fault::ThrottleEvery { n: 11 },
            Fault::ResetEvery { n: 13 },
        ],
    ));
    let t = Instant::now();
    let o = run(&mut apply_cmd(&sb, &w, &p));
    let took = t.elapsed();
    assert_eq!(o.status.code(), Some(0), "{}\n{}", stdout(&o), stderr(&o));
    let evs = events(&o);
    assert_eq!(
        count_event(&evs, "verified"),
        REDUCED_VERIFIED,
        "{}",
        stdout(&o)
    );
    assert_eq!(count_event(&evs, "failed"), 0, "{}", stdout(&o));
    let (failed, throttled, reset) = (
        p.count_fate(&Fate::Failed(500)),
        p.count_fate(&Fate::Throttled),
        p.count_fate(&Fate::Reset),
    );
    // The faults really happened (the test can fail if the proxy stops injecting).
    assert!(failed >= 5 && throttled >= 3 && reset >= 3, "{:?}", p.log());
    eprintln!(
        "[measure] transient faults: {} requests, {failed} answered 500, {throttled} throttled, {reset} reset, apply took {took:?}",
        p.requests()
    );
    // The one access key the plan asks for, not one per retry.
    let keys = rt().block_on(async {
        let c = sb.cloud().await;
        c.iam
            .list_access_keys()
            .user_name("alumno")
            .send()
            .await
            .unwrap()
            .access_key_metadata()
            .len()
    });
    assert_eq!(keys, 1);
    drop(p);
    let r = rollback(&sb, &w);
    assert_eq!(r.status.code(), Some(0), "{}\n{}", stdout(&r), stderr(&r));
    assert_eq!(leftovers(&sb), Vec::<String>::new());
}

/// Create calls whose lost answer the engine does not absorb yet (docs/reliability.md, "Engine bugs
/// found"). The test fails on any other call, and also when one of these starts passing — then take
/// it off this list. `PASOS_FAULTS_STRICT=1` treats these as failures too.
const KNOWN_LOST_ANSWER_BUGS: &[&str] = &[];

/// Each create call in turn takes effect upstream but its answer is lost (the connection closes);
/// the SDK retries it. The apply must still end with exactly the plan's resources — one instance,
/// one key — every step verified, and rollback must leave nothing.
#[test]
fn a_lost_answer_to_any_create_call_is_absorbed() {
    let _g = heavy();
    let sb = TestSandbox::start();
    let w = Work::new(REDUCED_PLAN);
    // The create calls, as the proxy names them, from a clean run.
    let p = Proxy::start(ProxyConfig::new(&sb.endpoint, vec![]));
    let o = run(&mut apply_cmd(&sb, &w, &p));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let mut creates: Vec<String> = p
        .log()
        .into_iter()
        .map(|s| s.what)
        .filter(|w| {
            let op = w.split(' ').nth(1).unwrap_or("");
            ["Create", "Put", "Attach", "Add", "Run", "Authorize"]
                .iter()
                .any(|v| op.starts_with(v))
                || w.starts_with("s3 PUT")
        })
        .collect();
    let mut seen = std::collections::BTreeSet::new();
    creates.retain(|c| seen.insert(c.clone()));
    drop(p);
    assert!(creates.len() >= 15, "{creates:?}");
    assert_eq!(rollback(&sb, &w).status.code(), Some(0));
    reset_sandbox(&sb);
    std::fs::remove_dir_all(sb.state().join("journal")).unwrap();

    let mut failures = Vec::new();
    let mut known = Vec::new();
    let t = Instant::now();
    for what in &creates {
        let failed_before = failures.len();
        let p = Proxy::start(ProxyConfig::new(
            &sb.endpoint,
            vec![Fault::AnswerLostOn {
                what: what.clone(),
                nth: 1,
            }],
        ));
        let o = run(&mut apply_cmd(&sb, &w, &p));
        assert_eq!(p.count_fate(&Fate::AnswerLost), 1, "{what} never came");
        drop(p);
        let evs = events(&o);
        let verified = count_event(&evs, "verified");
        let made = leftovers(&sb);
        let instances = made.iter().filter(|m| m.starts_with("instance i-")).count();
        let keys = rt().block_on(async {
            let c = sb.cloud().await;
            match c.iam.list_access_keys().user_name("alumno").send().await {
                Ok(k) => k.access_key_metadata().len(),
                Err(_) => 0,
            }
        });
        if o.status.code() != Some(0) || verified != REDUCED_VERIFIED || instances != 1 || keys != 1
        {
            let last = stdout(&o)
                .lines()
                .filter(|l| l.contains("\"failed\""))
                .collect::<Vec<_>>()
                .join(" | ");
            failures.push(format!(
                "answer of `{what}` lost: exit {:?}, {verified} verified, {instances} instances, {keys} keys; {last}",
                o.status.code()
            ));
        }
        let r = rollback(&sb, &w);
        let left = leftovers(&sb);
        if r.status.code() != Some(0) || !left.is_empty() {
            failures.push(format!(
                "answer of `{what}` lost: rollback exit {:?}, left {left:?}: {}",
                r.status.code(),
                stderr(&r)
            ));
        }
        reset_sandbox(&sb);
        let _ = std::fs::remove_dir_all(sb.state().join("journal"));
        if KNOWN_LOST_ANSWER_BUGS.contains(&what.as_str()) {
            let got: Vec<String> = failures.drain(failed_before..).collect();
            if got.is_empty() {
                failures.push(format!(
                    "`{what}` now survives a lost answer: remove it from KNOWN_LOST_ANSWER_BUGS"
                ));
            }
            known.extend(got);
        }
    }
    eprintln!(
        "[measure] lost answers: {} create calls, {} known engine bugs, {:?}",
        creates.len(),
        known.len(),
        t.elapsed()
    );
    for k in &known {
        eprintln!("[known bug] {k}");
    }
    let strict = std::env::var("PASOS_FAULTS_STRICT").is_ok_and(|v| v == "1");
    if strict {
        failures.extend(known);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Which request numbers to crash at: every one (the whole loop takes well under a minute here).
/// PASOS_FAULTS_SAMPLE=1 keeps the first 40 and every 3rd after that, for slow machines.
fn crash_points(total: u64) -> Vec<u64> {
    let sample = std::env::var("PASOS_FAULTS_SAMPLE").is_ok_and(|v| v == "1");
    (1..=total)
        .filter(|&n| !sample || n <= 40 || n % 3 == 0 || n == total)
        .collect()
}

/// Runs `cmd` through a proxy that loses the answer to request `n`, freezes everything after it and
/// lets the test kill -9 the process right then. Returns what request n was (None: never reached).
fn crash_at(sb: &TestSandbox, cmd: impl FnOnce(&Proxy) -> Command, n: u64) -> Option<String> {
    let mut cfg = ProxyConfig::new(&sb.endpoint, vec![Fault::AnswerLostAt { n }]);
    cfg.freeze_after_lost = true;
    cfg.deadline = Duration::from_secs(180);
    let p = Proxy::start(cfg);
    let mut child = spawn_quiet(cmd(&p));
    let t = Instant::now();
    let mut hit = None;
    loop {
        if let Some(k) = p.wait_answer_lost(Duration::from_millis(20)) {
            kill9(&mut child);
            hit = Some(k);
            break;
        }
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if t.elapsed() > Duration::from_secs(120) {
            kill9(&mut child);
            panic!("request {n}: pasos neither reached it nor finished");
        }
    }
    hit.map(|k| {
        p.log()
            .into_iter()
            .find(|s| s.n == k)
            .map(|s| s.what)
            .unwrap_or_default()
    })
}

fn fresh(sb: &TestSandbox) {
    reset_sandbox(sb);
    let _ = std::fs::remove_dir_all(sb.state().join("journal"));
}

/// kill -9 of apply right after request N took effect upstream (its answer never arrives), for
/// every N of the plan: rollback against the sandbox always leaves nothing.
#[test]
fn apply_killed_at_any_call_then_rollback_leaves_nothing() {
    let _g = heavy();
    let sb = TestSandbox::start();
    let w = Work::new(REDUCED_PLAN);
    let (total, o) = clean_apply(&sb, &w);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(rollback(&sb, &w).status.code(), Some(0));
    fresh(&sb);
    let points = crash_points(total);
    let t = Instant::now();
    let mut failures = Vec::new();
    let mut survived = 0;
    let mut hit = 0;
    for &n in &points {
        let what = crash_at(&sb, |p| apply_cmd(&sb, &w, p), n);
        hit += usize::from(what.is_some());
        let r = rollback(&sb, &w);
        let left = leftovers(&sb);
        if r.status.code() != Some(0) || !left.is_empty() {
            failures.push(format!(
                "killed after request {n} ({what:?}): rollback exit {:?}, left {left:?}\n{}{}",
                r.status.code(),
                stdout(&r),
                stderr(&r)
            ));
        } else {
            survived += 1;
        }
        fresh(&sb);
    }
    eprintln!(
        "[measure] apply crash points: {survived}/{} survived, {hit} killed mid-apply (clean apply = {total} requests) in {:?}",
        points.len(),
        t.elapsed()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // The kills really happened mid-apply (interleaving may shift the count by a request or two).
    assert!(
        hit + 2 >= points.len(),
        "only {hit} of {} kills landed",
        points.len()
    );
}

/// Rollback itself killed after its k-th request (that deletion took effect, its answer and its
/// journal record never came): a second rollback completes and leaves nothing.
#[test]
fn rollback_killed_half_way_then_run_again_leaves_nothing() {
    let _g = heavy();
    let sb = TestSandbox::start();
    let w = Work::new(REDUCED_PLAN);
    let apply_direct = || {
        let o = run(sb
            .pasos()
            .arg("apply")
            .arg(w.plan())
            .arg("--yes")
            .env("AWS_SHARED_CREDENTIALS_FILE", w.creds()));
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    };
    // How many requests a rollback makes.
    apply_direct();
    let p = Proxy::start(ProxyConfig::new(&sb.endpoint, vec![]));
    let r = run(pasos_via(&sb, &w, &p.url()).args(["rollback", "--yes"]));
    assert_eq!(r.status.code(), Some(0), "{}", stderr(&r));
    let total = p.requests();
    drop(p);
    assert!(leftovers(&sb).is_empty());
    fresh(&sb);
    let t = Instant::now();
    let mut failures = Vec::new();
    let points = crash_points(total);
    let mut hit = 0;
    for &k in &points {
        apply_direct();
        let what = crash_at(
            &sb,
            |p| {
                let mut c = pasos_via(&sb, &w, &p.url());
                c.args(["rollback", "--yes"]);
                c
            },
            k,
        );
        hit += usize::from(what.is_some());
        let r = rollback(&sb, &w);
        let left = leftovers(&sb);
        if r.status.code() != Some(0) || !left.is_empty() {
            failures.push(format!(
                "rollback killed after request {k} ({what:?}): second rollback exit {:?}, left {left:?}\n{}",
                r.status.code(),
                stderr(&r)
            ));
        }
        fresh(&sb);
    }
    eprintln!(
        "[measure] rollback crash points: {}, {hit} killed mid-rollback (clean rollback = {total} requests) in {:?}",
        points.len(),
        t.elapsed()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(
        hit + 2 >= points.len(),
        "only {hit} of {} kills landed",
        points.len()
    );
}

/// A second pasos on the same state dir while the first holds the journal is told so, and does
/// nothing; once the first is gone the lock is free again (also after kill -9).
#[test]
fn a_second_process_on_the_same_journal_is_refused_clearly() {
    let _g = heavy();
    let sb = TestSandbox::start();
    let w = Work::new(REDUCED_PLAN);
    let p = Proxy::start(ProxyConfig::new(&sb.endpoint, vec![Fault::Latency(400)]));
    let mut child = spawn_quiet(apply_cmd(&sb, &w, &p));
    let t = Instant::now();
    // whoami, then the journal is opened and preflight starts calling.
    while p.requests() < 3 {
        assert!(t.elapsed() < Duration::from_secs(60), "apply never started");
        assert!(child.try_wait().unwrap().is_none(), "apply ended early");
        std::thread::sleep(Duration::from_millis(50));
    }
    for args in [&["status"][..], &["rollback", "--yes"][..]] {
        let o = run(sb
            .pasos()
            .args(args)
            .env("AWS_SHARED_CREDENTIALS_FILE", w.creds()));
        assert_clean_failure(&o);
        assert_eq!(o.status.code(), Some(1));
        assert!(
            stderr(&o).contains("Another pasos process is using the journal"),
            "{args:?}: {}",
            stderr(&o)
        );
        assert!(stderr(&o).contains("--state-dir"), "{}", stderr(&o));
    }
    assert!(
        child.try_wait().unwrap().is_none(),
        "the first apply was disturbed"
    );
    kill9(&mut child);
    drop(p);
    // The OS released the lock with the process.
    let r = rollback(&sb, &w);
    assert_eq!(r.status.code(), Some(0), "{}", stderr(&r));
    assert_eq!(leftovers(&sb), Vec::<String>::new());
}

fn journal_file(sb: &TestSandbox) -> PathBuf {
    sb.state().join("journal/000000000000-us-east-1.jsonl")
}

/// Half a JSON record at the end of the journal (power loss mid-write) is skipped and reported;
/// status and rollback still work from everything before it.
#[test]
fn a_torn_last_journal_line_is_tolerated_and_rollback_still_works() {
    let _g = heavy();
    let sb = TestSandbox::start();
    let w = Work::new(REDUCED_PLAN);
    let o = run(sb
        .pasos()
        .arg("apply")
        .arg(w.plan())
        .arg("--yes")
        .env("AWS_SHARED_CREDENTIALS_FILE", w.creds()));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let torn = br#"{"op":"intent","res":{"kind":"bucket","name":"otro-buck"#;
    std::fs::OpenOptions::new()
        .append(true)
        .open(journal_file(&sb))
        .unwrap()
        .write_all(torn)
        .unwrap();
    // Reported: apply --check reads the journal and says so.
    let c = run(sb
        .pasos()
        .arg("apply")
        .arg(w.plan())
        .args(["--yes", "--check"])
        .env("AWS_SHARED_CREDENTIALS_FILE", w.creds()));
    assert_ne!(c.status.code(), Some(101), "{}", stderr(&c));
    assert!(
        stderr(&c).contains("journal's last line was torn"),
        "{}",
        stderr(&c)
    );
    let s = run(sb.pasos().args(["status", "--json"]));
    assert_eq!(s.status.code(), Some(0), "{}", stderr(&s));
    let v: serde_json::Value = serde_json::from_str(stdout(&s).trim()).expect("status json");
    let n = v["resources"].as_array().unwrap().len();
    assert!(n >= 15, "status lost entries: {v}");
    let r = rollback(&sb, &w);
    assert_eq!(r.status.code(), Some(0), "{}", stderr(&r));
    assert_eq!(leftovers(&sb), Vec::<String>::new());
    // The journal is whole again: a new record went on a line of its own.
    let s = run(sb.pasos().args(["status", "--json"]));
    let v: serde_json::Value = serde_json::from_str(stdout(&s).trim()).expect("status json");
    assert_eq!(v["resources"].as_array().unwrap().len(), 0, "{v}");
}

/// The torn line should be reported by every command that reads the journal, not only by apply:
/// the user who runs `rollback` after a power cut is the one who needs to know.
#[test]
fn rollback_reports_a_torn_journal_line() {
    let sb = TestSandbox::start();
    let w = Work::new(REDUCED_PLAN);
    let o = run(sb
        .pasos()
        .arg("apply")
        .arg(w.plan())
        .arg("--yes")
        .env("AWS_SHARED_CREDENTIALS_FILE", w.creds()));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    std::fs::OpenOptions::new()
        .append(true)
        .open(journal_file(&sb))
        .unwrap()
        .write_all(br#"{"op":"crea"#)
        .unwrap();
    let r = rollback(&sb, &w);
    assert_eq!(r.status.code(), Some(0), "{}", stderr(&r));
    assert!(stderr(&r).contains("torn"), "{}", stderr(&r));
}

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
    let _g = heavy();
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

/// The whole walkthrough, Lambda included (its zip goes up in one large REST-JSON body), under the
/// same transient faults: it completes, every step verifies, rollback leaves nothing. Builds the
/// bundled resizer the first time (minutes; reused while its sources are unchanged).
#[test]
fn full_walkthrough_under_transient_faults() {
    let _g = heavy();
    let sb = TestSandbox::start();
    let plan = std::fs::read_to_string(repo_root().join("assets/plans/walkthrough.toml")).unwrap();
    let w = Work::new(&plan);
    let p = Proxy::start(ProxyConfig::new(
        &sb.endpoint,
        vec![
            Fault::FailEvery { n: 7, status: 500 },
            Fault::ThrottleEvery { n: 11 },
            Fault::ResetEvery { n: 13 },
        ],
    ));
    let t = Instant::now();
    let o = run(&mut apply_cmd(&sb, &w, &p));
    let took = t.elapsed();
    assert_eq!(o.status.code(), Some(0), "{}\n{}", stdout(&o), stderr(&o));
    let evs = events(&o);
    assert_eq!(count_event(&evs, "failed"), 0, "{}", stdout(&o));
    assert!(
        count_event(&evs, "verified") > REDUCED_VERIFIED,
        "{}",
        stdout(&o)
    );
    let made = leftovers(&sb);
    assert!(
        made.contains(&"function redimensionar-foto".to_string()),
        "{made:?}"
    );
    eprintln!(
        "[measure] walkthrough under transient faults: {} requests, {} answered 500, {} throttled, {} reset, apply took {took:?}",
        p.requests(),
        p.count_fate(&Fate::Failed(500)),
        p.count_fate(&Fate::Throttled),
        p.count_fate(&Fate::Reset)
    );
    drop(p);
    let r = rollback(&sb, &w);
    assert_eq!(r.status.code(), Some(0), "{}\n{}", stdout(&r), stderr(&r));
    assert_eq!(leftovers(&sb), Vec::<String>::new());
}
