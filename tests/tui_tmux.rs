//! The real wizard under tmux against a sandbox: Enter through role, user and EC2 with `--plan`,
//! read the verified checklists from `capture-pane`, then roll everything back from screen 7.

mod support;

use std::process::Command;
use std::time::{Duration, Instant};
use support::TestSandbox;

fn tmux(args: &[&str]) -> String {
    let out = Command::new("tmux").args(args).output().expect("tmux");
    String::from_utf8_lossy(&out.stdout).to_string()
}

struct Session(String);

impl Drop for Session {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["kill-session", "-t", &self.0])
            .output();
    }
}

impl Session {
    fn screen(&self) -> String {
        tmux(&["capture-pane", "-p", "-t", &self.0])
    }
    fn keys(&self, k: &str) {
        tmux(&["send-keys", "-t", &self.0, k]);
        std::thread::sleep(Duration::from_millis(300));
    }
    fn wait_for(&self, what: &str, secs: u64) {
        let t0 = Instant::now();
        loop {
            let s = self.screen();
            if s.contains(what) {
                return;
            }
            assert!(
                t0.elapsed() < Duration::from_secs(secs),
                "waited {secs}s for {what:?}; screen:\n{s}"
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }
}

#[test]
fn enter_through_all_four_steps_try_the_photo_then_roll_back() {
    // A missing tmux fails the test: a skipped test would report a pass it never earned.
    assert!(
        Command::new("tmux")
            .arg("-V")
            .output()
            .is_ok_and(|o| o.status.success()),
        "this test drives the wizard through tmux: install it (sudo apt install tmux)"
    );
    let sb = TestSandbox::start();
    let creds = sb.state().join("credentials");
    let plan = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/plans/walkthrough.toml");
    let cmd = format!(
        "env -u AWS_PROFILE -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_SESSION_TOKEN -u AWS_ENDPOINT_URL \
         AWS_EC2_METADATA_DISABLED=true AWS_SHARED_CREDENTIALS_FILE={} {} --state-dir {} --sandbox --lang en --plan {plan}",
        creds.display(),
        env!("CARGO_BIN_EXE_pasos"),
        sb.state().display()
    );
    let name = format!("pasos-test-{}", std::process::id());
    tmux(&[
        "new-session",
        "-d",
        "-s",
        &name,
        "-x",
        "120",
        "-y",
        "40",
        &cmd,
    ]);
    let s = Session(name);
    s.wait_for("Account   000000000000", 30);
    s.keys("Enter");
    s.keys("Enter");
    s.wait_for("instance profile ec2-s3-dynamodb holds the role", 60);
    s.keys("Enter");
    s.keys("Enter");
    s.wait_for("members: alumno", 60);
    s.wait_for("Console password (shown once; v: reveal): ••••", 5);
    s.keys("Enter"); // keys screen
    s.wait_for("1/2", 20);
    s.keys("Enter");
    s.keys("Enter");
    // The terminal shrinks while the instance launches: the wizard keeps going and redraws.
    tmux(&["resize-window", "-t", &s.0, "-x", "90", "-y", "32"]);
    s.wait_for("✓ running", 90);
    tmux(&["resize-window", "-t", &s.0, "-x", "120", "-y", "40"]);
    s.keys("Enter"); // bucket and Lambda
    s.keys("Enter");
    // Packaging the resizer compiles it the first time (CI packages it before the tests).
    s.wait_for("trigger on fotos-alumno-2026 with prefix", 900);
    s.keys("Enter"); // try it
    s.keys("Enter");
    s.wait_for("output/sample-landscape.jpg", 120);
    s.wait_for("resized key=", 60);
    s.keys("7");
    s.wait_for("role ec2-s3-dynamodb", 10);
    s.keys("A");
    s.wait_for("Confirm", 5);
    s.keys("y");
    s.wait_for("The journal is empty", 120);
    s.keys("q");
}
