//! The sandbox: a local AWS emulator (ministack) on 127.0.0.1, started, reused, stopped and described.
//!
//! The emulator is started with a clean environment because the Lambda bootstraps it spawns inherit
//! it: the user's own AWS credentials or profile must never reach them. Its pid and port live in
//! `<state-dir>/sandbox/sandbox.json`, so `stop` ends exactly that process group.

pub mod venv;

use crate::i18n::Text;
use crate::tr;
use nix::sys::signal::{Signal, kill, killpg};
use nix::unistd::Pid;
use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// What `sandbox.json` records about a running sandbox.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SandboxRecord {
    pub pid: u32,
    pub port: u16,
    pub endpoint: String,
    pub log: PathBuf,
    /// The emulator's program, as its command line must show it: `stop` signals nothing else
    /// (pids are reused). Older records lack it; then the command line must name ministack.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub program: Option<PathBuf>,
}

/// A started (or reused) sandbox.
#[derive(Clone, Debug)]
pub struct Sandbox {
    pub record: SandboxRecord,
    pub reused: bool,
}

/// Children started by this process, kept so `stop` can reap them (a zombie still answers kill 0).
static CHILDREN: Mutex<Option<HashMap<u32, Child>>> = Mutex::new(None);

fn sandbox_dir(state_dir: &Path) -> PathBuf {
    state_dir.join("sandbox")
}

fn record_path(state_dir: &Path) -> PathBuf {
    sandbox_dir(state_dir).join("sandbox.json")
}

/// The `export` lines that point the AWS CLI, boto3 and the SDKs at the sandbox.
pub fn exports(endpoint: &str) -> String {
    format!(
        "export AWS_ENDPOINT_URL={endpoint}\nexport AWS_ACCESS_KEY_ID={}\nexport AWS_SECRET_ACCESS_KEY={}\nexport AWS_REGION={}\nexport AWS_DEFAULT_REGION={}\n",
        crate::cloud::SANDBOX_ACCESS_KEY,
        crate::cloud::SANDBOX_SECRET_KEY,
        crate::cloud::SANDBOX_REGION,
        crate::cloud::SANDBOX_REGION,
    )
}

/// Starts the sandbox, or reuses the one recorded in this state dir when it still answers.
pub fn start(
    state_dir: &Path,
    data_dir: &Path,
    progress: &mut dyn FnMut(&str),
) -> Result<Sandbox, Text> {
    let dir = sandbox_dir(state_dir);
    crate::paths::private_dir(&dir).map_err(|e| venv::io_text(&dir, &e))?;
    let lock_path = dir.join("sandbox.lock");
    let lock = std::fs::File::create(&lock_path).map_err(|e| venv::io_text(&lock_path, &e))?;
    lock.lock().map_err(|e| venv::io_text(&lock_path, &e))?;

    if let Some(rec) = running(state_dir) {
        // Alive but slow to answer (a loaded machine, or the emulator busy with a big call): wait
        // for it. A second sandbox would be an empty emulator, in which everything the journal
        // holds looks gone, while this one keeps it all, orphaned.
        if healthy(rec.port) || wait_ready(&rec, Duration::from_secs(60)).is_ok() {
            return Ok(Sandbox {
                record: rec,
                reused: true,
            });
        }
        if alive(rec.pid) {
            let pid = rec.pid;
            return Err(tr!(
                es: "El entorno local (pid {pid}) sigue en marcha pero lleva un minuto sin responder: detenlo con `pasos sandbox stop` y vuelve a intentarlo",
                en: "The sandbox (pid {pid}) is still running but has not answered for a minute: stop it with `pasos sandbox stop` and try again"
            ));
        }
        // It died while we waited: a new one below.
    }
    venv::ensure_installed(data_dir, progress)?;
    let port = free_port().map_err(|e| venv::io_text(&dir, &e))?;
    let endpoint = format!("http://127.0.0.1:{port}");
    let home = dir.join("home");
    let tmp = dir.join("tmp");
    for d in [&home, &tmp] {
        std::fs::create_dir_all(d).map_err(|e| venv::io_text(d, &e))?;
    }
    let log = dir.join("ministack.log");
    let out = std::fs::File::create(&log).map_err(|e| venv::io_text(&log, &e))?;
    let err = out.try_clone().map_err(|e| venv::io_text(&log, &e))?;
    progress(&format!(
        "starting the sandbox on {endpoint} / iniciando el entorno local"
    ));
    let program = venv::ministack_bin(data_dir);
    let child = Command::new(&program)
        .env_clear()
        .env("PATH", "/usr/local/bin:/usr/bin:/bin")
        .env("HOME", &home)
        .env("TMPDIR", &tmp)
        .env("LANG", "C.UTF-8")
        .env("PYTHONUNBUFFERED", "1")
        .env("GATEWAY_PORT", port.to_string())
        .env("BIND_HOST", "127.0.0.1")
        // Passed on to Lambda bootstraps so the resizer calls back into the sandbox's S3.
        .env("AWS_ENDPOINT_URL", &endpoint)
        .env("AWS_REGION", crate::cloud::SANDBOX_REGION)
        .env("AWS_DEFAULT_REGION", crate::cloud::SANDBOX_REGION)
        .env("AWS_ACCESS_KEY_ID", crate::cloud::SANDBOX_ACCESS_KEY)
        .env("AWS_SECRET_ACCESS_KEY", crate::cloud::SANDBOX_SECRET_KEY)
        .current_dir(&home)
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err)
        // Its own process group: `stop` signals the group, which takes the bootstraps with it.
        .process_group(0)
        .spawn()
        .map_err(|e| {
            let e = e.to_string();
            tr!(es: "No pude iniciar ministack: {e}", en: "Could not start ministack: {e}")
        })?;
    let pid = child.id();
    if let Ok(mut g) = CHILDREN.lock() {
        g.get_or_insert_with(HashMap::new).insert(pid, child);
    }
    let record = SandboxRecord {
        pid,
        port,
        endpoint: endpoint.clone(),
        log: log.clone(),
        program: Some(program),
    };
    if let Err(e) = wait_ready(&record, Duration::from_secs(60)) {
        let _ = stop_record(&record);
        return Err(e);
    }
    let json = serde_json::to_vec_pretty(&record).unwrap_or_default();
    let path = record_path(state_dir);
    crate::paths::write_private(&path, &json).map_err(|e| venv::io_text(&path, &e))?;
    Ok(Sandbox {
        record,
        reused: false,
    })
}

/// The recorded sandbox when its process lives, is the emulator, and answers; `None` otherwise.
pub fn status(state_dir: &Path) -> Option<SandboxRecord> {
    running(state_dir).filter(|rec| healthy(rec.port))
}

/// The recorded sandbox when its process lives and is the emulator, answering or not.
fn running(state_dir: &Path) -> Option<SandboxRecord> {
    let bytes = std::fs::read(record_path(state_dir)).ok()?;
    let rec: SandboxRecord = serde_json::from_slice(&bytes).ok()?;
    (alive(rec.pid) && is_emulator(&rec)).then_some(rec)
}

/// Stops the recorded sandbox. `Ok(false)` when none was running — including when the recorded
/// pid now belongs to another program (the sandbox died and the pid was reused): that process is
/// never signalled.
pub fn stop(state_dir: &Path) -> Result<bool, Text> {
    let path = record_path(state_dir);
    let Ok(bytes) = std::fs::read(&path) else {
        return Ok(false);
    };
    let _ = std::fs::remove_file(&path);
    let Ok(rec) = serde_json::from_slice::<SandboxRecord>(&bytes) else {
        return Ok(false);
    };
    if !alive(rec.pid) || !is_emulator(&rec) {
        return Ok(false);
    }
    stop_record(&rec)?;
    Ok(true)
}

/// The process's command line, arguments split (Linux `/proc`, else `ps`).
fn command_line(pid: u32) -> Option<Vec<String>> {
    if let Ok(raw) = std::fs::read(format!("/proc/{pid}/cmdline")) {
        return Some(
            raw.split(|b| *b == 0)
                .filter(|a| !a.is_empty())
                .map(|a| String::from_utf8_lossy(a).into_owned())
                .collect(),
        );
    }
    let out = Command::new("ps")
        .args(["-o", "args=", "-p", &pid.to_string()])
        .output()
        .ok()?;
    let line = String::from_utf8_lossy(&out.stdout).trim().to_string();
    (out.status.success() && !line.is_empty())
        .then(|| line.split_whitespace().map(str::to_string).collect())
}

/// Whether the recorded pid is still the emulator pasos started: its command line runs the
/// recorded program (the venv's `ministack` script, through its Python).
fn is_emulator(rec: &SandboxRecord) -> bool {
    let Some(args) = command_line(rec.pid) else {
        return false;
    };
    match &rec.program {
        Some(p) => {
            let p = p.to_string_lossy();
            args.iter().take(2).any(|a| *a == *p)
        }
        None => args
            .iter()
            .take(2)
            .any(|a| a.rsplit('/').next() == Some("ministack")),
    }
}

fn stop_record(rec: &SandboxRecord) -> Result<(), Text> {
    let pgid = Pid::from_raw(rec.pid as i32);
    let _ = killpg(pgid, Signal::SIGTERM);
    let deadline = Instant::now() + Duration::from_secs(5);
    while alive(rec.pid) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    if alive(rec.pid) {
        let _ = killpg(pgid, Signal::SIGKILL);
        let deadline = Instant::now() + Duration::from_secs(5);
        while alive(rec.pid) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(50));
        }
    }
    // Whatever the group left behind (a bootstrap that ignored TERM) goes too.
    let _ = killpg(pgid, Signal::SIGKILL);
    if alive(rec.pid) {
        let pid = rec.pid;
        return Err(tr!(
            es: "El entorno local (pid {pid}) no terminó",
            en: "The sandbox (pid {pid}) did not stop"
        ));
    }
    Ok(())
}

/// Whether the pid is a live process (reaping it first when it is our own exited child).
fn alive(pid: u32) -> bool {
    if let Ok(mut g) = CHILDREN.lock()
        && let Some(map) = g.as_mut()
        && let Some(child) = map.get_mut(&pid)
    {
        if let Ok(Some(_)) = child.try_wait() {
            map.remove(&pid);
            return false;
        }
        return true;
    }
    kill(Pid::from_raw(pid as i32), None).is_ok()
}

fn free_port() -> std::io::Result<u16> {
    let l = TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)))?;
    Ok(l.local_addr()?.port())
}

/// One HTTP GET of ministack's health page; true on a 200.
pub fn healthy(port: u16) -> bool {
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let Ok(mut s) = TcpStream::connect_timeout(&addr, Duration::from_millis(500)) else {
        return false;
    };
    let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
    let req = "GET /_ministack/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    if s.write_all(req.as_bytes()).is_err() {
        return false;
    }
    let mut buf = [0u8; 32];
    let n = s.read(&mut buf).unwrap_or(0);
    let head = String::from_utf8_lossy(&buf[..n]);
    head.starts_with("HTTP/1.1 200") || head.starts_with("HTTP/1.0 200")
}

/// Polls the health page with a growing interval until it answers, the process dies, or time runs out.
fn wait_ready(rec: &SandboxRecord, limit: Duration) -> Result<(), Text> {
    let start = Instant::now();
    let mut pause = Duration::from_millis(20);
    loop {
        if healthy(rec.port) {
            return Ok(());
        }
        if !alive(rec.pid) {
            let tail = log_tail(&rec.log);
            return Err(tr!(
                es: "ministack terminó al arrancar. Últimas líneas de su registro:\n{tail}",
                en: "ministack exited while starting. Last lines of its log:\n{tail}"
            ));
        }
        if start.elapsed() > limit {
            let secs = limit.as_secs();
            return Err(tr!(
                es: "ministack no respondió en {secs} s",
                en: "ministack did not answer within {secs} s"
            ));
        }
        std::thread::sleep(pause);
        pause = (pause * 2).min(Duration::from_millis(250));
    }
}

fn log_tail(path: &Path) -> String {
    let s = std::fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = s.lines().collect();
    lines[lines.len().saturating_sub(15)..].join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The sandbox died and its pid now belongs to someone else's program: `stop` must not signal it.
    #[test]
    fn stop_never_signals_a_reused_pid() {
        let d = tempfile::tempdir().unwrap();
        for program in [Some(PathBuf::from("/nowhere/bin/ministack")), None] {
            let mut other = Command::new("sleep").arg("30").spawn().unwrap();
            let rec = SandboxRecord {
                pid: other.id(),
                port: 9,
                endpoint: "http://127.0.0.1:9".into(),
                log: d.path().join("log"),
                program,
            };
            let path = record_path(d.path());
            crate::paths::write_private(&path, &serde_json::to_vec(&rec).unwrap()).unwrap();
            assert_eq!(stop(d.path()), Ok(false));
            std::thread::sleep(Duration::from_millis(200));
            assert!(
                other.try_wait().unwrap().is_none(),
                "the reused pid was killed"
            );
            assert!(!path.exists(), "the stale record stays");
            other.kill().unwrap();
            other.wait().unwrap();
        }
    }
}
