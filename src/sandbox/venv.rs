//! Installs the sandbox emulator (ministack, pinned) into its own Python venv on first use.
//!
//! Why a venv of its own: ministack pins botocore, so it must not share site-packages with anything.
//! A marker file written last makes a half-finished install (Ctrl-C, no network) visible and redone.

use crate::i18n::Text;
use crate::tr;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

pub const MINISTACK_VERSION: &str = "1.5.33";

/// The venv directory for the pinned ministack version.
pub fn venv_dir(data_dir: &Path) -> PathBuf {
    data_dir.join(format!("ministack-{MINISTACK_VERSION}"))
}

pub fn ministack_bin(data_dir: &Path) -> PathBuf {
    venv_dir(data_dir).join("bin").join("ministack")
}

fn marker(data_dir: &Path) -> PathBuf {
    venv_dir(data_dir).join(".pasos-installed")
}

pub fn is_installed(data_dir: &Path) -> bool {
    marker(data_dir).exists() && ministack_bin(data_dir).exists()
}

/// Finds python3 ≥ 3.10 (`PASOS_PYTHON` first, then python3, python3.13…python3.10).
pub fn find_python() -> Result<PathBuf, Text> {
    let mut candidates: Vec<String> = Vec::new();
    if let Ok(p) = std::env::var("PASOS_PYTHON") {
        candidates.push(p);
    }
    for c in [
        "python3",
        "python3.13",
        "python3.12",
        "python3.11",
        "python3.10",
    ] {
        candidates.push(c.to_string());
    }
    let mut seen_old = None;
    for c in candidates {
        let out = Command::new(&c)
            .args(["-c", "import sys; print('%d.%d' % sys.version_info[:2])"])
            .stderr(Stdio::null())
            .output();
        if let Ok(out) = out
            && out.status.success()
        {
            let v = String::from_utf8_lossy(&out.stdout).trim().to_string();
            let mut it = v.split('.').map(|n| n.parse::<u32>().unwrap_or(0));
            let (major, minor) = (it.next().unwrap_or(0), it.next().unwrap_or(0));
            if (major, minor) >= (3, 10) {
                return Ok(PathBuf::from(c));
            }
            seen_old = Some(v);
        }
    }
    Err(match seen_old {
        Some(v) => tr!(
            es: "El entorno local necesita python3 ≥ 3.10 y encontré {v}: instala uno nuevo (Debian/Ubuntu: `sudo apt install python3 python3-venv`; macOS: `brew install python`) o indica cuál con PASOS_PYTHON",
            en: "The sandbox needs python3 ≥ 3.10 and found {v}: install a newer one (Debian/Ubuntu: `sudo apt install python3 python3-venv`; macOS: `brew install python`) or point PASOS_PYTHON at one"
        ),
        None => tr!(
            es: "El entorno local necesita python3 ≥ 3.10 y no lo encontré: instálalo (Debian/Ubuntu: `sudo apt install python3 python3-venv`; macOS: `brew install python`) o indica cuál con PASOS_PYTHON",
            en: "The sandbox needs python3 ≥ 3.10 and none was found: install it (Debian/Ubuntu: `sudo apt install python3 python3-venv`; macOS: `brew install python`) or point PASOS_PYTHON at one"
        ),
    })
}

/// Creates the venv and pip-installs ministack, reporting each line of progress to `progress`.
/// Serialized by a file lock so parallel test binaries install once.
pub fn ensure_installed(data_dir: &Path, progress: &mut dyn FnMut(&str)) -> Result<(), Text> {
    if is_installed(data_dir) {
        return Ok(());
    }
    std::fs::create_dir_all(data_dir).map_err(|e| io_text(data_dir, &e))?;
    let lock_path = data_dir.join("ministack.lock");
    let lock = std::fs::File::create(&lock_path).map_err(|e| io_text(&lock_path, &e))?;
    lock.lock().map_err(|e| io_text(&lock_path, &e))?;
    if is_installed(data_dir) {
        return Ok(());
    }
    let python = find_python()?;
    let dir = venv_dir(data_dir);
    if dir.exists() {
        // A previous install stopped half-way: start over rather than trust it.
        std::fs::remove_dir_all(&dir).map_err(|e| io_text(&dir, &e))?;
    }
    progress(&format!(
        "creating the Python venv {} / creando el venv de Python",
        dir.display()
    ));
    run_streaming(
        Command::new(&python).arg("-m").arg("venv").arg(&dir),
        progress,
    )?;
    progress(&format!(
        "installing ministack=={MINISTACK_VERSION} (first use only) / instalando ministack (solo la primera vez)"
    ));
    run_streaming(
        Command::new(dir.join("bin").join("python"))
            .args([
                "-m",
                "pip",
                "install",
                "--disable-pip-version-check",
                "--progress-bar",
                "off",
            ])
            .arg(format!("ministack=={MINISTACK_VERSION}")),
        progress,
    )?;
    std::fs::write(marker(data_dir), MINISTACK_VERSION).map_err(|e| io_text(&dir, &e))?;
    progress("ministack installed / ministack instalado");
    Ok(())
}

fn run_streaming(cmd: &mut Command, progress: &mut dyn FnMut(&str)) -> Result<(), Text> {
    let shown = format!("{cmd:?}");
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| {
            let e = e.to_string();
            tr!(es: "No pude ejecutar {shown}: {e}", en: "Could not run {shown}: {e}")
        })?;
    // stderr is drained on a thread so a chatty pip cannot block on a full pipe.
    let stderr = child.stderr.take();
    let err_thread = std::thread::spawn(move || {
        let mut tail = Vec::new();
        if let Some(s) = stderr {
            for line in BufReader::new(s).lines().map_while(Result::ok) {
                tail.push(line);
                if tail.len() > 20 {
                    tail.remove(0);
                }
            }
        }
        tail
    });
    if let Some(out) = child.stdout.take() {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            progress(&line);
        }
    }
    let status = child.wait().map_err(|e| {
        let e = e.to_string();
        tr!(es: "{shown} falló: {e}", en: "{shown} failed: {e}")
    })?;
    let tail = err_thread.join().unwrap_or_default().join("\n");
    if status.success() {
        Ok(())
    } else {
        Err(tr!(
            es: "{shown} falló ({status}); ¿hay red hacia PyPI? Detalle:\n{tail}",
            en: "{shown} failed ({status}); is PyPI reachable? Details:\n{tail}"
        ))
    }
}

pub fn io_text(path: &Path, e: &std::io::Error) -> Text {
    let p = path.display().to_string();
    let e = e.to_string();
    tr!(es: "{p}: {e}", en: "{p}: {e}")
}
