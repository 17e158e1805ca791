//! The real wizard under tmux against a sandbox, read with `capture-pane` as a person would:
//! the badge on every screen at 80×24 in both languages, a pasted value that never runs a step,
//! then Enter through the four steps, copy an ARN (OSC 52 into tmux's buffer), try the photo and
//! roll everything back. Each test runs its own tmux server (`-L`), so it neither sees nor
//! changes the user's sessions. tmux is required: without it these tests fail.

use crate::support::TestSandbox;
use std::process::Command;
use std::time::{Duration, Instant};

struct Session {
    socket: String,
    name: String,
}

impl Session {
    /// A wizard on the walkthrough plan against `sb`, in a fresh tmux server of `w`×`h`.
    fn start(sb: &TestSandbox, tag: &str, lang: &str, w: u16, h: u16) -> Session {
        let out = Command::new("tmux").arg("-V").output();
        assert!(
            out.is_ok_and(|o| o.status.success()),
            "tmux is required for the wizard's end-to-end tests (apt-get install tmux)"
        );
        let creds = sb.state().join("credentials");
        let plan = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/plans/walkthrough.toml");
        let cmd = format!(
            "env -u AWS_PROFILE -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_SESSION_TOKEN -u AWS_ENDPOINT_URL -u NO_COLOR \
             AWS_EC2_METADATA_DISABLED=true AWS_SHARED_CREDENTIALS_FILE={} {} --state-dir {} --sandbox --lang {lang} --plan {plan}",
            creds.display(),
            env!("CARGO_BIN_EXE_pasos"),
            sb.state().display()
        );
        let s = Session {
            socket: format!("pasos-test-{}-{tag}", std::process::id()),
            name: "wizard".into(),
        };
        let (w, h) = (w.to_string(), h.to_string());
        s.tmux(&[
            "-f",
            "/dev/null",
            "new-session",
            "-d",
            "-s",
            "wizard",
            "-x",
            &w,
            "-y",
            &h,
            &cmd,
        ]);
        // Let the application's OSC 52 reach tmux's buffer (the wizard's `y`).
        s.tmux(&["set", "-s", "set-clipboard", "on"]);
        s
    }
    fn tmux(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .args(args)
            .output()
            .expect("tmux");
        String::from_utf8_lossy(&out.stdout).to_string()
    }
    fn screen(&self) -> String {
        self.tmux(&["capture-pane", "-p", "-t", &self.name])
    }
    fn keys(&self, k: &str) {
        self.tmux(&["send-keys", "-t", &self.name, k]);
        std::thread::sleep(Duration::from_millis(300));
    }
    /// Pastes `text` the way a terminal does when the application asked for bracketed paste.
    fn paste(&self, text: &str) {
        self.tmux(&["set-buffer", "--", text]);
        self.tmux(&["paste-buffer", "-p", "-t", &self.name]);
        std::thread::sleep(Duration::from_millis(300));
    }
    fn wait_for(&self, what: &str, secs: u64) -> String {
        let t0 = Instant::now();
        loop {
            let s = self.screen();
            if s.contains(what) {
                return s;
            }
            assert!(
                t0.elapsed() < Duration::from_secs(secs),
                "waited {secs}s for {what:?}; screen:\n{s}"
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .output();
    }
}

#[test]
fn badge_on_every_screen_at_80x24_in_both_languages_and_a_paste_never_runs_a_step() {
    let sb = TestSandbox::start();
    let s = Session::start(&sb, "badge", "es", 80, 24);
    s.wait_for("Cuenta    000000000000", 30);
    for (lang, toggle) in [("es", false), ("en", true)] {
        if toggle {
            s.keys("F2");
        }
        for n in 0..=7 {
            s.keys(&n.to_string());
            let screen = s.screen();
            let first = screen.lines().next().unwrap_or("");
            assert!(
                first.starts_with(" SANDBOX "),
                "screen {n} ({lang}):\n{screen}"
            );
            assert_eq!(screen.lines().count(), 24, "{screen}");
        }
    }
    // A value pasted with its trailing newline lands in the field; nothing runs.
    s.keys("1");
    s.keys("Tab");
    s.paste("-copia\n");
    let screen = s.wait_for("ec2-s3-dynamodb-copia", 5);
    assert!(
        !screen.contains("1✓Role") && !screen.contains("Creating"),
        "{screen}"
    );
    std::thread::sleep(Duration::from_secs(1));
    assert!(!s.screen().contains("Step done"), "{}", s.screen());
    // Outside a field a paste is refused, also with a newline.
    s.keys("Escape");
    s.paste("x\n");
    s.wait_for("Paste ignored", 5);
    assert!(!s.screen().contains("1✓Role"));
    s.keys("q");
}

#[test]
fn enter_through_all_four_steps_copy_an_arn_try_the_photo_then_roll_back() {
    let sb = TestSandbox::start();
    let s = Session::start(&sb, "walk", "en", 120, 40);
    s.wait_for("Account   000000000000", 30);
    s.keys("Enter");
    s.keys("Enter");
    s.wait_for("instance profile ec2-s3-dynamodb holds the role", 60);
    // The role's ARN is the first line under it: ↓ then y puts it on the clipboard (tmux's buffer).
    s.keys("Down");
    s.keys("y");
    s.wait_for("Copied: arn:aws:iam::000000000000:role/ec2-s3-dynamodb", 5);
    let t0 = Instant::now();
    while s.tmux(&["show-buffer"]).trim() != "arn:aws:iam::000000000000:role/ec2-s3-dynamodb" {
        assert!(
            t0.elapsed() < Duration::from_secs(5),
            "buffer: {}",
            s.tmux(&["show-buffer"])
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    s.keys("Enter");
    s.keys("Enter");
    s.wait_for("members: alumno", 60);
    s.wait_for("Console password (shown once; v: reveal): ••••", 5);
    s.keys("Enter"); // keys screen
    s.wait_for("1/2", 20);
    s.keys("Enter");
    s.keys("Enter");
    // The terminal shrinks while the instance launches: the wizard keeps going and redraws.
    s.tmux(&["resize-window", "-t", &s.name, "-x", "90", "-y", "32"]);
    s.wait_for("✓ running", 90);
    s.tmux(&["resize-window", "-t", &s.name, "-x", "120", "-y", "40"]);
    s.wait_for("$ curl http://", 10);
    s.keys("Enter"); // bucket and Lambda
    s.keys("Enter");
    // Packaging the resizer compiles it the first time (CI packages it before the tests).
    s.wait_for("trigger on fotos-alumno-2026 with prefix", 900);
    s.keys("Enter"); // try it
    s.keys("Enter");
    s.wait_for("output/sample-landscape.jpg", 120);
    s.wait_for("resized key=", 60);
    // Both photos are drawn side by side, in half blocks.
    s.wait_for("2400×1600", 30);
    assert!(s.screen().contains("▀▀▀▀"), "{}", s.screen());
    s.keys("7");
    s.wait_for("role ec2-s3-dynamodb", 10);
    s.keys("A");
    s.wait_for("Confirm", 5);
    s.keys("y");
    s.wait_for("The journal is empty", 120);
    s.keys("q");
}
