//! Secrets end to end, as a learner would meet them: `pasos apply --json | head -1`, a credentials
//! file that already holds their own profiles, a disk that fills up mid-save, a kill -9 between
//! CreateAccessKey and the save. Every access key left in IAM must have its secret saved.

use crate::proxy::{Fault, Proxy, ProxyConfig};
use crate::support::*;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

const PLAN: &str = r#"
version = 1

[[group]]
name = "ec2-admins"
policies = ["AmazonEC2FullAccess"]

[[user]]
name = "alumno"
groups = ["ec2-admins"]
console_access = true
access_keys = 2
"#;

const MINE: &str = "# my own profiles\n[default]\naws_access_key_id = MINEDEFAULT\naws_secret_access_key = MINESECRET\n\n[alumno]\naws_access_key_id = MINEALUMNO\naws_secret_access_key = MINEALUMNOSECRET\nregion = eu-west-1\n";

struct Work {
    dir: tempfile::TempDir,
}

impl Work {
    fn new(plan: &str) -> Work {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("plan.toml"), plan).unwrap();
        Work { dir }
    }
    fn plan(&self) -> PathBuf {
        self.dir.path().join("plan.toml")
    }
    fn creds(&self) -> PathBuf {
        self.dir.path().join("aws/credentials")
    }
    fn env(&self, c: &mut Command) {
        c.env("AWS_SHARED_CREDENTIALS_FILE", self.creds())
            .env("AWS_CONFIG_FILE", self.dir.path().join("aws/config"));
    }
}

fn apply(sb: &TestSandbox, w: &Work) -> Command {
    let mut c = sb.pasos();
    c.arg("apply").arg(w.plan()).args(["--yes", "--json"]);
    w.env(&mut c);
    c
}

fn rollback(sb: &TestSandbox, w: &Work) -> Output {
    let mut c = sb.pasos();
    c.args(["rollback", "--yes"]);
    w.env(&mut c);
    run(&mut c)
}

fn iam_keys(sb: &TestSandbox, user: &str) -> Vec<String> {
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        let c = sb.cloud().await;
        match c.iam.list_access_keys().user_name(user).send().await {
            Ok(o) => o
                .access_key_metadata()
                .iter()
                .filter_map(|k| k.access_key_id().map(str::to_string))
                .collect(),
            Err(_) => Vec::new(),
        }
    })
}

/// Profile name → (key id, secret) of the sections pasos marked as its own.
fn pasos_profiles(creds: &Path) -> Vec<(String, String, String)> {
    let text = std::fs::read_to_string(creds).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        if l.starts_with("# pasos:") && i + 3 < lines.len() {
            let name = lines[i + 1].trim_matches(['[', ']']).to_string();
            let id = lines[i + 2].trim_start_matches("aws_access_key_id = ");
            let secret = lines[i + 3].trim_start_matches("aws_secret_access_key = ");
            out.push((name, id.to_string(), secret.to_string()));
        }
    }
    out
}

/// Every key in IAM has its secret in the credentials file, and nothing else is there.
fn assert_every_key_saved(sb: &TestSandbox, w: &Work, want: usize) {
    let mut in_iam = iam_keys(sb, "alumno");
    in_iam.sort();
    let mut saved: Vec<String> = pasos_profiles(&w.creds())
        .into_iter()
        .filter(|(_, _, s)| s.len() >= 20)
        .map(|(_, id, _)| id)
        .collect();
    saved.sort();
    assert_eq!(in_iam.len(), want, "keys in IAM: {in_iam:?}");
    assert_eq!(in_iam, saved, "a key whose secret is saved nowhere");
}

/// The issue's report: `pasos apply PLAN --yes --json | head -1` left an access key in IAM whose
/// secret was saved nowhere. Now the pipe closing ends printing only; exit 0, both secrets saved.
#[test]
fn json_piped_into_head_still_saves_every_secret() {
    let sb = TestSandbox::start();
    let w = Work::new(PLAN);
    let o = run(&mut in_shell(
        &apply(&sb, &w),
        "\"$@\" | head -1; echo \"pasos=${PIPESTATUS[0]}\" >&2",
    ));
    let err = stderr(&o);
    assert!(err.contains("pasos=0"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(stdout(&o).lines().count(), 1, "{}", stdout(&o));
    assert_every_key_saved(&sb, &w, 2);
    let pw = sb.state().join("secrets/alumno-console-password.txt");
    assert!(std::fs::read_to_string(&pw).unwrap().contains("password: "));
    // A re-apply has nothing to do: no key is "already there" without its secret.
    let o = run(&mut apply(&sb, &w));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_every_key_saved(&sb, &w, 2);
    assert_eq!(rollback(&sb, &w).status.code(), Some(0));
}

/// The learner's own [default] and [alumno] stay byte for byte; pasos's keys go to new profiles
/// it marks; raising access_keys from 1 to 2 adds a profile instead of overwriting the first; the
/// old file is backed up with a timestamp; rollback removes exactly what pasos added.
#[test]
fn the_learners_own_profiles_are_never_clobbered() {
    let sb = TestSandbox::start();
    let w = Work::new(&PLAN.replace("access_keys = 2", "access_keys = 1"));
    std::fs::create_dir_all(w.creds().parent().unwrap()).unwrap();
    std::fs::write(w.creds(), MINE).unwrap();
    let o = run(&mut apply(&sb, &w));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = std::fs::read_to_string(w.creds()).unwrap();
    assert!(text.starts_with(MINE), "{text}");
    let mine = pasos_profiles(&w.creds());
    assert_eq!(mine.len(), 1, "{text}");
    assert_eq!(mine[0].0, "alumno-2");
    assert!(stdout(&o).contains("profile [alumno-2]"), "{}", stdout(&o));

    std::fs::write(w.plan(), PLAN).unwrap();
    let o = run(&mut apply(&sb, &w));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = std::fs::read_to_string(w.creds()).unwrap();
    assert!(text.starts_with(MINE), "{text}");
    let names: Vec<String> = pasos_profiles(&w.creds())
        .into_iter()
        .map(|p| p.0)
        .collect();
    assert_eq!(names, ["alumno-2", "alumno-3"]);
    assert_every_key_saved(&sb, &w, 2);
    let backups = std::fs::read_dir(w.creds().parent().unwrap())
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with("credentials.pasos-backup-")
        })
        .count();
    assert_eq!(backups, 2);

    let r = rollback(&sb, &w);
    assert_eq!(r.status.code(), Some(0), "{}", stderr(&r));
    assert_eq!(std::fs::read_to_string(w.creds()).unwrap(), MINE);
}

/// `bash -c SCRIPT bash PROGRAM ARGS…` with `c`'s environment: SCRIPT runs the command as `"$@"`.
fn in_shell(c: &Command, script: &str) -> Command {
    let mut sh = Command::new("bash");
    sh.arg("-c")
        .arg(script)
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

/// The command with files limited to KB kilobytes (bash's unit), and SIGXFSZ ignored: a write beyond the
/// limit fails (EFBIG) as on a full disk instead of killing the process.
fn with_file_size_limit(c: &Command, kb: u32) -> Command {
    in_shell(c, &format!("trap '' XFSZ; ulimit -f {kb}; exec \"$@\""))
}

/// The disk fills up while the key is being saved: the run fails saying so, the key is deleted (its
/// secret can never be shown again), the learner's file is untouched, and rollback leaves nothing.
#[test]
fn a_secret_that_cannot_be_saved_deletes_its_key_and_fails_the_run() {
    let sb = TestSandbox::start();
    let w = Work::new(&PLAN.replace("access_keys = 2", "access_keys = 1"));
    std::fs::create_dir_all(w.creds().parent().unwrap()).unwrap();
    // 16 KB of the learner's comments: its backup cannot be written under an 8 KB limit (bash
    // counts `ulimit -f` in KB), while the journal and the password file stay far below it.
    let big = format!("{MINE}{}", "# note\n".repeat(2400));
    std::fs::write(w.creds(), &big).unwrap();
    let o = run(&mut with_file_size_limit(&apply(&sb, &w), 8));
    assert_eq!(o.status.code(), Some(1), "{}\n{}", stdout(&o), stderr(&o));
    let all = format!("{}{}", stdout(&o), stderr(&o));
    assert!(
        all.contains("could not save the secret of access key")
            && all.contains("it was deleted, since AWS never shows that secret again"),
        "{all}"
    );
    assert!(
        iam_keys(&sb, "alumno").is_empty(),
        "a key without its secret is left"
    );
    assert_eq!(std::fs::read_to_string(w.creds()).unwrap(), big);
    let r = rollback(&sb, &w);
    assert_eq!(r.status.code(), Some(0), "{}", stderr(&r));
    let left = tokio::runtime::Runtime::new()
        .unwrap()
        .block_on(async { leftovers(&sb.cloud().await).await });
    assert_eq!(left, Vec::<String>::new());
}

/// A credentials file pasos cannot rewrite is found by preflight, before anything is created.
#[test]
fn preflight_refuses_a_credentials_file_pasos_cannot_write() {
    let sb = TestSandbox::start();
    let w = Work::new(PLAN);
    std::fs::create_dir_all(w.creds().parent().unwrap()).unwrap();
    std::fs::write(w.creds(), b"\xff\xfe[default]\n").unwrap();
    let o = run(&mut apply(&sb, &w));
    assert_eq!(o.status.code(), Some(2), "{}\n{}", stdout(&o), stderr(&o));
    assert!(
        stdout(&o).contains("\"field\":\"credentials\""),
        "{}",
        stdout(&o)
    );
    assert!(stdout(&o).contains("not UTF-8"), "{}", stdout(&o));
    let left = tokio::runtime::Runtime::new()
        .unwrap()
        .block_on(async { leftovers(&sb.cloud().await).await });
    assert_eq!(left, Vec::<String>::new());
}

/// kill -9 right after CreateAccessKey took effect (the answer, with its secret, never arrived):
/// the next apply deletes that secretless key and makes one whose secret it saves.
#[test]
fn a_key_whose_secret_died_with_the_process_is_replaced_on_the_next_apply() {
    let sb = TestSandbox::start();
    let w = Work::new(&PLAN.replace("access_keys = 2", "access_keys = 1"));
    let mut cfg = ProxyConfig::new(
        &sb.endpoint,
        vec![Fault::AnswerLostOn {
            what: "iam CreateAccessKey".into(),
            nth: 1,
        }],
    );
    cfg.freeze_after_lost = true;
    let p = Proxy::start(cfg);
    let mut c = pasos_bin();
    c.arg("--state-dir")
        .arg(sb.state())
        .args(["--region", "us-east-1", "--endpoint-url", &p.url()])
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .arg("apply")
        .arg(w.plan())
        .args(["--yes", "--json"]);
    w.env(&mut c);
    let mut child = c
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let t = Instant::now();
    while p.wait_answer_lost(Duration::from_millis(50)).is_none() {
        assert!(
            t.elapsed() < Duration::from_secs(60),
            "never reached CreateAccessKey"
        );
    }
    child.kill().unwrap();
    child.wait().unwrap();
    drop(p);
    assert_eq!(iam_keys(&sb, "alumno").len(), 1, "the key took effect");
    assert!(pasos_profiles(&w.creds()).is_empty());
    let o = run(&mut apply(&sb, &w));
    assert_eq!(o.status.code(), Some(0), "{}\n{}", stdout(&o), stderr(&o));
    assert!(
        stdout(&o).contains("its secret was never saved"),
        "{}",
        stdout(&o)
    );
    assert_every_key_saved(&sb, &w, 1);
    assert_eq!(rollback(&sb, &w).status.code(), Some(0));
}

/// Everything pasos keeps is its owner's alone: state dirs 0700 (also the parents it creates), the
/// log, the journal and the secret files 0600.
#[test]
fn state_dirs_are_0700_and_the_files_in_them_0600() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let d = tempfile::tempdir().unwrap();
    let state = d.path().join("new/state");
    let o = run(pasos_bin()
        .arg("--state-dir")
        .arg(&state)
        .args(["sandbox", "status"]));
    assert_clean_failure_or_ok(&o);
    assert_eq!(mode(&d.path().join("new")), 0o700);
    assert_eq!(mode(&state), 0o700);
    assert_eq!(mode(&state.join("pasos.log")), 0o600);

    let sb = TestSandbox::start();
    let w = Work::new(PLAN);
    let o = run(&mut apply(&sb, &w));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    for dir in ["journal", "secrets", "sandbox"] {
        assert_eq!(mode(&sb.state().join(dir)), 0o700, "{dir}");
    }
    for file in [
        "pasos.log",
        "journal/000000000000-us-east-1.jsonl",
        "secrets/alumno-console-password.txt",
        "sandbox/sandbox.json",
    ] {
        assert_eq!(mode(&sb.state().join(file)), 0o600, "{file}");
    }
    assert_eq!(mode(&w.creds()), 0o600);
    assert_eq!(mode(w.creds().parent().unwrap()), 0o700);
    assert_eq!(rollback(&sb, &w).status.code(), Some(0));
}

/// `sandbox status` with no sandbox: exit 0 or a clean failure, never a panic.
fn assert_clean_failure_or_ok(o: &Output) {
    assert_ne!(o.status.code(), Some(101), "{}", stderr(o));
    assert!(o.status.code().is_some(), "killed by a signal");
}
