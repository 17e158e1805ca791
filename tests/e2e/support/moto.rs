//! A moto server for the control-plane cross-check: installed once (pinned) into a venv under the
//! data dir, started on a free loopback port with the real AWS-managed policies loaded, stopped on
//! drop. moto serves real instance-type data (t2.* list i386 first) and the ~1,400 managed policies,
//! and is stricter than ministack on several control-plane rules; it cannot run Lambdas here.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const MOTO_VERSION: &str = "5.2.5";

pub struct Moto {
    child: Child,
    pub endpoint: String,
}

fn venv() -> PathBuf {
    pasos::paths::data_dir().join(format!("moto-{MOTO_VERSION}"))
}

/// Installs moto[server] into its venv unless a finished install is there (a marker written last;
/// concurrent test binaries take turns on a lock file).
fn install() -> PathBuf {
    let dir = venv();
    let bin = dir.join("bin/moto_server");
    let marker = dir.join(".pasos-installed");
    std::fs::create_dir_all(pasos::paths::data_dir()).expect("data dir");
    let lock = std::fs::File::create(pasos::paths::data_dir().join("moto.lock")).expect("lock");
    lock.lock().expect("lock moto install");
    if marker.exists() && bin.exists() {
        return bin;
    }
    let python = pasos::sandbox::venv::find_python()
        .unwrap_or_else(|t| panic!("moto needs python3 >= 3.10: {}", t.en));
    let ok = Command::new(&python)
        .args(["-m", "venv", "--clear"])
        .arg(&dir)
        .status()
        .expect("python -m venv");
    assert!(
        ok.success(),
        "could not create the moto venv at {}",
        dir.display()
    );
    let ok = Command::new(dir.join("bin/pip"))
        .args(["install", "--quiet", "--disable-pip-version-check"])
        .arg(format!("moto[server]=={MOTO_VERSION}"))
        .env("PIP_NO_INPUT", "1")
        .status()
        .expect("pip install moto");
    assert!(
        ok.success(),
        "pip could not install moto {MOTO_VERSION} (network?)"
    );
    std::fs::write(&marker, MOTO_VERSION).expect("marker");
    bin
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

impl Moto {
    pub fn start(dir: &Path) -> Moto {
        let bin = install();
        let port = free_port();
        let log = std::fs::File::create(dir.join("moto.log")).expect("moto log");
        let child = Command::new(bin)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", dir)
            .env("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("log"))
            .stderr(log)
            .spawn()
            .expect("start moto_server");
        let endpoint = format!("http://127.0.0.1:{port}");
        let t0 = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                t0.elapsed() < Duration::from_secs(60),
                "moto did not start: see {}",
                dir.join("moto.log").display()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        Moto { child, endpoint }
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
