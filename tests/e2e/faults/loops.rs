//! The fault loops: a clean run, transient faults, a lost answer to every request, a kill -9 after
//! every request of apply and of rollback — Lambda step included. (A module of `tests/e2e/faults.rs`.)

use super::*;

#[test]
fn clean_apply_through_the_proxy_verifies_everything_and_rollback_leaves_nothing() {
    let sb = TestSandbox::start();
    let w = Work::new(&loop_plan());
    assert!(leftovers(&sb).is_empty(), "{:?}", leftovers(&sb));
    let p = Proxy::start(ProxyConfig::new(&sb.endpoint, vec![]));
    let t = Instant::now();
    let o = run(&mut apply_cmd(&sb, &w, &p));
    let took = t.elapsed();
    assert_eq!(o.status.code(), Some(0), "{}\n{}", stdout(&o), stderr(&o));
    let evs = events(&o);
    assert_eq!(
        count_event(&evs, "verified"),
        LOOP_VERIFIED,
        "{}",
        stdout(&o)
    );
    assert_eq!(count_event(&evs, "failed"), 0);
    eprintln!(
        "[measure] clean apply: {} requests in {took:?}",
        p.requests()
    );
    let made = leftovers(&sb);
    for want in [
        "role ec2-s3-dynamodb",
        "role lambda-s3",
        "instance profile ec2-s3-dynamodb",
        "user alumno",
        "access key alumno ",
        "login profile alumno",
        "group ec2-admins",
        "bucket fotos-alumno-2026",
        "notification fotos-alumno-2026 ",
        "security group web-http-https",
        "function redimensionar-foto",
        "permission redimensionar-foto ",
    ] {
        assert!(made.iter().any(|m| m.starts_with(want)), "{want}: {made:?}");
    }
    assert_eq!(
        made.iter().filter(|m| m.starts_with("instance i-")).count(),
        1,
        "{made:?}"
    );
    assert_eq!(keys_and_saved(&sb, &w), (1, 1));
    let r = rollback(&sb, &w);
    assert_eq!(r.status.code(), Some(0), "{}\n{}", stdout(&r), stderr(&r));
    assert_eq!(leftovers(&sb), Vec::<String>::new());
}

/// Every 7th call a 500, every 11th throttled, every 13th connection closed unanswered: the SDK's
/// retries absorb them all, every step verifies, and rollback leaves nothing.
#[test]
fn transient_faults_are_retried_and_every_step_verifies() {
    let sb = TestSandbox::start();
    let w = Work::new(&loop_plan());
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
        LOOP_VERIFIED,
        "{}",
        stdout(&o)
    );
    assert_eq!(count_event(&evs, "failed"), 0, "{}", stdout(&o));
    let n = p.requests();
    let (failed, throttled, reset) = (
        p.count_fate(&Fate::Failed(500)),
        p.count_fate(&Fate::Throttled),
        p.count_fate(&Fate::Reset),
    );
    // Exactly the requests the rules pick: the first rule that applies wins, in the order given.
    let picked = |k: u64, before: &[u64]| {
        (1..=n)
            .filter(|i| i % k == 0 && before.iter().all(|b| i % b != 0))
            .count()
    };
    assert_eq!(failed, picked(7, &[]), "{:?}", p.log());
    assert_eq!(throttled, picked(11, &[7]));
    assert_eq!(reset, picked(13, &[7, 11]));
    eprintln!(
        "[measure] transient faults: {n} requests, {failed} answered 500, {throttled} throttled, {reset} reset, apply took {took:?}"
    );
    // The one access key the plan asks for, not one per retry, and its secret saved.
    assert_eq!(keys_and_saved(&sb, &w), (1, 1));
    drop(p);
    let r = rollback(&sb, &w);
    assert_eq!(r.status.code(), Some(0), "{}\n{}", stdout(&r), stderr(&r));
    assert_eq!(leftovers(&sb), Vec::<String>::new());
}

/// The function is created while the buckets are made (it needs its role, not the bucket); only
/// its trigger waits for them. A bucket that can never be made: the bucket step fails, the function
/// step says its trigger is missing because of the bucket, everything else is made and verified,
/// and rollback leaves nothing (the function made without its trigger included).
#[test]
fn a_bucket_that_cannot_be_made_stops_only_the_trigger_and_rollback_leaves_nothing() {
    let sb = TestSandbox::start();
    let w = Work::new(&loop_plan());
    let p = Proxy::start(ProxyConfig::new(
        &sb.endpoint,
        vec![Fault::FailAlwaysOn {
            what: "s3 PUT /fotos-alumno-2026/".into(),
            status: 500,
        }],
    ));
    let o = run(&mut apply_cmd(&sb, &w, &p));
    assert_eq!(o.status.code(), Some(1), "{}\n{}", stdout(&o), stderr(&o));
    assert!(p.count_fate(&Fate::Failed(500)) >= 1);
    drop(p);
    let evs = events(&o);
    let failed: Vec<String> = evs
        .iter()
        .filter(|e| e["event"] == "failed")
        .map(|e| e.to_string())
        .collect();
    assert_eq!(failed.len(), 2, "{failed:?}");
    assert!(
        failed.iter().any(|f| f.contains("CreateBucket")),
        "{failed:?}"
    );
    assert!(
        failed
            .iter()
            .any(|f| f.contains("redimensionar-foto") && f.contains("bucket")),
        "{failed:?}"
    );
    let made = leftovers(&sb);
    assert!(
        made.iter()
            .any(|m| m.starts_with("function redimensionar-foto")),
        "{made:?}"
    );
    assert!(!made.iter().any(|m| m.starts_with("bucket ")), "{made:?}");
    assert!(
        !made.iter().any(|m| m.starts_with("notification ")),
        "{made:?}"
    );
    // Steps 1-3 did not wait on the bucket: their resources are all there.
    for want in [
        "role lambda-s3",
        "user alumno",
        "security group web-http-https",
    ] {
        assert!(made.iter().any(|m| m.starts_with(want)), "{want}: {made:?}");
    }
    let r = rollback(&sb, &w);
    assert_eq!(r.status.code(), Some(0), "{}\n{}", stdout(&r), stderr(&r));
    assert_eq!(leftovers(&sb), Vec::<String>::new());
}

/// Each request of apply in turn — every kind, every occurrence, the Lambda step's included —
/// takes effect upstream but its answer is lost (the connection closes); the SDK or the engine
/// retries. The apply must still end with exactly the plan's resources — one instance, one key with
/// its secret saved — every step verified, and rollback must leave nothing.
#[test]
fn a_lost_answer_to_any_apply_request_is_absorbed() {
    let points = apply_points();
    every_point(
        "lost answers in apply",
        &points,
        |_, _| {},
        |sb, w, what, nth| {
            let mut failures = Vec::new();
            let o = answer_lost(sb, what, nth, |p| apply_cmd(sb, w, p));
            let verified = count_event(&events(&o), "verified");
            let made = leftovers(sb);
            let instances = made.iter().filter(|m| m.starts_with("instance i-")).count();
            let keys = keys_and_saved(sb, w);
            if o.status.code() != Some(0)
                || verified != LOOP_VERIFIED
                || instances != 1
                || keys != (1, 1)
            {
                let last = stdout(&o)
                    .lines()
                    .filter(|l| l.contains("\"failed\""))
                    .collect::<Vec<_>>()
                    .join(" | ");
                failures.push(format!(
                "answer of `{what}` #{nth} lost: exit {:?}, {verified} verified, {instances} instances, keys (in IAM, saved) {keys:?}; {last}",
                o.status.code()
            ));
            }
            let r = rollback(sb, w);
            let left = leftovers(sb);
            if r.status.code() != Some(0) || !left.is_empty() {
                failures.push(format!(
                    "answer of `{what}` #{nth} lost: rollback exit {:?}, left {left:?}: {}{}",
                    r.status.code(),
                    stdout(&r),
                    stderr(&r)
                ));
            }
            fresh(sb, w);
            failures
        },
    );
}

/// The same for every request of rollback: a deletion took effect and its answer was lost; the
/// retry finds it gone, and rollback still ends with nothing left.
#[test]
fn a_lost_answer_to_any_rollback_request_is_absorbed() {
    let points = rollback_points();
    every_point(
        "lost answers in rollback",
        &points,
        apply_direct,
        |sb, w, what, nth| {
            let mut failures = Vec::new();
            let r = answer_lost(sb, what, nth, |p| rollback_via(sb, w, p));
            let left = leftovers(sb);
            if r.status.code() != Some(0) || !left.is_empty() {
                failures.push(format!(
                    "answer of `{what}` #{nth} lost: rollback exit {:?}, left {left:?}\n{}",
                    r.status.code(),
                    stdout(&r)
                ));
            }
            fresh(sb, w);
            apply_direct(sb, w);
            failures
        },
    );
}

/// A proxy in front of the sandbox that loses the answer to request (what, nth).
fn lost_on(sb: &TestSandbox, what: &str, nth: u64) -> ProxyConfig {
    ProxyConfig::new(
        &sb.endpoint,
        vec![Fault::AnswerLostOn {
            what: what.to_string(),
            nth,
        }],
    )
}

/// Runs `cmd` through a proxy that loses the answer to (what, nth), and checks that it did.
fn answer_lost(
    sb: &TestSandbox,
    what: &str,
    nth: u64,
    cmd: impl FnOnce(&Proxy) -> Command,
) -> Output {
    let p = Proxy::start(lost_on(sb, what, nth));
    let o = run(&mut cmd(&p));
    came(&p, what, nth);
    o
}

/// Asserts the point's fault happened. A waiter's poll the run did not need is said so and passes
/// (see `is_poll`; the run's own checks still apply); any other request that never came fails.
fn came(p: &Proxy, what: &str, nth: u64) {
    let lost = p.count_fate(&Fate::AnswerLost);
    if lost == 0 && not_needed(what, nth) {
        return;
    }
    assert_eq!(lost, 1, "{what} #{nth} never came");
}

/// A point that never came and is a waiter's poll: reported, not failed.
fn not_needed(what: &str, nth: u64) -> bool {
    let poll = super::is_poll(what);
    if poll {
        eprintln!("[measure] {what} #{nth}: a poll this run did not need");
    }
    poll
}

/// Runs `cmd` through a proxy that lets request (what, nth) take effect, loses its answer, freezes
/// everything after it, and kill -9s the process right then. Returns whether that point was reached.
fn crash_at(sb: &TestSandbox, cmd: impl FnOnce(&Proxy) -> Command, what: &str, nth: u64) -> bool {
    let mut cfg = lost_on(sb, what, nth);
    cfg.freeze_after_lost = true;
    cfg.deadline = Duration::from_secs(180);
    let p = Proxy::start(cfg);
    let mut child = spawn_quiet(cmd(&p));
    let t = Instant::now();
    loop {
        if p.wait_answer_lost(Duration::from_millis(20)).is_some() {
            kill9(&mut child);
            return true;
        }
        if child.try_wait().unwrap().is_some() {
            return false;
        }
        if t.elapsed() > Duration::from_secs(120) {
            kill9(&mut child);
            panic!("{what} #{nth}: pasos neither reached it nor finished");
        }
    }
}

/// kill -9 of apply right after each of its requests took effect upstream (its answer never
/// arrives), every request of a clean run: rollback against the sandbox always leaves nothing.
#[test]
fn apply_killed_after_any_request_then_rollback_leaves_nothing() {
    let points = apply_points();
    every_point(
        "apply crash points",
        &points,
        |_, _| {},
        |sb, w, what, nth| {
            let mut failures = Vec::new();
            if !crash_at(sb, |p| apply_cmd(sb, w, p), what, nth) && !not_needed(what, nth) {
                failures.push(format!(
                    "the kill after `{what}` #{nth} did not land mid-apply"
                ));
            }
            let r = rollback(sb, w);
            let left = leftovers(sb);
            if r.status.code() != Some(0) || !left.is_empty() {
                failures.push(format!(
                    "killed after `{what}` #{nth}: rollback exit {:?}, left {left:?}\n{}{}",
                    r.status.code(),
                    stdout(&r),
                    stderr(&r)
                ));
            }
            fresh(sb, w);
            failures
        },
    );
}

/// Rollback itself killed after each of its requests (that deletion took effect, its answer and its
/// journal record never came): a second rollback completes and leaves nothing.
#[test]
fn rollback_killed_after_any_request_then_run_again_leaves_nothing() {
    let points = rollback_points();
    every_point(
        "rollback crash points",
        &points,
        apply_direct,
        |sb, w, what, nth| {
            let mut failures = Vec::new();
            if !crash_at(sb, |p| rollback_via(sb, w, p), what, nth) && !not_needed(what, nth) {
                failures.push(format!(
                    "the kill after `{what}` #{nth} did not land mid-rollback"
                ));
            }
            let r = rollback(sb, w);
            let left = leftovers(sb);
            if r.status.code() != Some(0) || !left.is_empty() {
                failures.push(format!(
                "rollback killed after `{what}` #{nth}: second rollback exit {:?}, left {left:?}\n{}",
                r.status.code(),
                stderr(&r)
            ));
            }
            fresh(sb, w);
            apply_direct(sb, w);
            failures
        },
    );
}

/// The whole walkthrough with the bundled resizer (its zip goes up in one large REST-JSON body),
/// under the same transient faults: it completes, every step verifies, rollback leaves nothing.
/// Builds the bundled resizer the first time (minutes; reused while its sources are unchanged).
#[test]
fn full_walkthrough_under_transient_faults() {
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
    assert_eq!(
        count_event(&evs, "verified"),
        LOOP_VERIFIED,
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
