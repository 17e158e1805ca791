//! The journal under faults: one process per journal, a torn last line, a disk that fills up while
//! apply or rollback writes it. (A module of `tests/e2e/faults.rs`.)

use super::*;

/// A second pasos on the same state dir while the first holds the journal is told so, and does
/// nothing; once the first is gone the lock is free again (also after kill -9).
#[test]
fn a_second_process_on_the_same_journal_is_refused_clearly() {
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

/// Half a JSON record at the end of the journal (power loss mid-write) is skipped and reported;
/// status and rollback still work from everything before it.
#[test]
fn a_torn_last_journal_line_is_tolerated_and_rollback_still_works() {
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

/// `bash -c 'trap "" XFSZ; ulimit -f KB; exec pasos …'`: no file may grow past KB kilobytes, and a
/// write beyond that fails (EFBIG) as on a full disk instead of killing the process.
fn with_file_size_limit(c: &Command, kb: u64) -> Command {
    let mut sh = Command::new("bash");
    sh.arg("-c")
        .arg(format!("trap '' XFSZ; ulimit -f {kb}; exec \"$@\""))
        .arg("bash")
        .arg(c.get_program())
        .args(c.get_args());
    for (k, v) in c.get_envs() {
        match v {
            Some(v) => sh.env(k, v),
            None => sh.env_remove(k),
        };
    }
    sh
}

/// Every line of the journal is a whole JSON record (none torn, none half-written).
fn assert_journal_whole(sb: &TestSandbox) {
    let text = std::fs::read_to_string(journal_file(sb)).unwrap();
    assert!(text.ends_with('\n'), "last record torn: {text}");
    for (i, l) in text.lines().enumerate() {
        assert!(
            serde_json::from_str::<serde_json::Value>(l).is_ok(),
            "line {} is not a whole record: {l}",
            i + 1
        );
    }
}

/// The disk fills up while apply journals (files limited to 2 KB): apply fails cleanly, the
/// journal keeps only whole records, and rollback from it leaves nothing.
#[test]
fn apply_on_a_full_disk_fails_cleanly_and_rollback_leaves_nothing() {
    let sb = TestSandbox::start();
    let w = Work::new(REDUCED_PLAN);
    let mut c = sb.pasos();
    c.arg("apply")
        .arg(w.plan())
        .args(["--yes", "--json"])
        .env("AWS_SHARED_CREDENTIALS_FILE", w.creds());
    let o = run(&mut with_file_size_limit(&c, 2));
    assert_clean_failure(&o);
    assert_eq!(o.status.code(), Some(1), "{}\n{}", stdout(&o), stderr(&o));
    assert!(
        stdout(&o).contains("could not write the journal"),
        "{}",
        stdout(&o)
    );
    assert_journal_whole(&sb);
    let s = run(sb.pasos().args(["status", "--json"]));
    assert_eq!(s.status.code(), Some(0), "{}", stderr(&s));
    let r = rollback(&sb, &w);
    assert_eq!(r.status.code(), Some(0), "{}\n{}", stdout(&r), stderr(&r));
    assert_eq!(leftovers(&sb), Vec::<String>::new());
}

/// The disk fills up while rollback journals its deletions: it stops at the first record it cannot
/// write (saying so), the journal stays whole, and running it again finishes the job.
#[test]
fn rollback_stops_when_its_record_cannot_be_written_and_a_second_run_finishes() {
    let sb = TestSandbox::start();
    let w = Work::new(REDUCED_PLAN);
    let o = run(sb
        .pasos()
        .arg("apply")
        .arg(w.plan())
        .arg("--yes")
        .env("AWS_SHARED_CREDENTIALS_FILE", w.creds()));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // Room for a few more KB of `deleted` records, not for all of them.
    let kb = std::fs::metadata(journal_file(&sb)).unwrap().len() / 1024 + 2;
    let mut c = sb.pasos();
    c.args(["rollback", "--yes", "--json"])
        .env("AWS_SHARED_CREDENTIALS_FILE", w.creds());
    let r = run(&mut with_file_size_limit(&c, kb));
    assert_clean_failure(&r);
    assert!(
        stdout(&r).contains("rollback stops here; run it again"),
        "{}",
        stdout(&r)
    );
    let deleted = events(&r)
        .iter()
        .filter(|e| e["event"] == "deleted")
        .count();
    assert!(
        deleted >= 3,
        "stopped before the disk was full: {}",
        stdout(&r)
    );
    assert_journal_whole(&sb);
    assert!(!leftovers(&sb).is_empty(), "it did not stop");
    let r = rollback(&sb, &w);
    assert_eq!(r.status.code(), Some(0), "{}\n{}", stdout(&r), stderr(&r));
    assert_eq!(leftovers(&sb), Vec::<String>::new());
}
