//! Runs cargo for the resizer and turns its JSON messages into progress a learner can read
//! ("N/M crates"), and its failures into plain words (missing cmake, nasm, a C compiler, Rust).

use super::{Flavor, Progress};
use crate::i18n::Text;
use crate::tr;
use std::collections::HashSet;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn cargo() -> String {
    // `cargo run` sets CARGO to the cargo that runs us: the same toolchain builds the resizer.
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())
}

/// `cargo build` arguments for a flavor: the sandbox copy is a dev build that selects pasos too, so
/// cargo resolves the same features as `cargo run` and reuses its compiled SDK; the AWS copy is the
/// fat-LTO `resizer` profile.
pub fn args(flavor: Flavor, checkout: bool) -> Vec<&'static str> {
    let mut a = vec!["build", "--message-format", "json-render-diagnostics"];
    match (flavor, checkout) {
        (Flavor::Sandbox, true) => {
            a.extend(["-p", "pasos", "-p", "lambda-resizer", "--bin", "bootstrap"])
        }
        (Flavor::Sandbox, false) => a.extend(["-p", "lambda-resizer", "--bin", "bootstrap"]),
        (Flavor::Aws, _) => a.extend([
            "-p",
            "lambda-resizer",
            "--bin",
            "bootstrap",
            "--profile",
            "resizer",
        ]),
    }
    a
}

/// Where cargo leaves the binary for a flavor.
pub fn output(target: &Path, flavor: Flavor) -> PathBuf {
    match flavor {
        Flavor::Sandbox => target.join("debug").join("bootstrap"),
        Flavor::Aws => target.join("resizer").join("bootstrap"),
    }
}

/// How many packages the bootstrap needs (cargo tree), for the "M" of "N/M crates". An estimate:
/// 0 when cargo tree fails, and the progress then shows N alone.
fn count_crates(root: &Path) -> usize {
    let out = Command::new(cargo())
        .args([
            "tree",
            "-p",
            "lambda-resizer",
            "-e",
            "normal,build",
            "--prefix",
            "none",
            "-f",
            "{p}",
        ])
        .current_dir(root)
        .stderr(Stdio::null())
        .output();
    match out {
        Ok(o) if o.status.success() => String::from_utf8_lossy(&o.stdout)
            .lines()
            .map(|l| l.trim_end_matches(" (*)").trim().to_string())
            .filter(|l| !l.is_empty())
            .collect::<HashSet<_>>()
            .len(),
        _ => 0,
    }
}

/// One line of cargo's JSON output: the package name of a finished compilation, if it is one
/// (build scripts are not crates of their own for the count).
pub fn finished_crate(line: &str) -> Option<String> {
    let v: serde_json::Value = serde_json::from_str(line).ok()?;
    if v.get("reason")?.as_str()? != "compiler-artifact" {
        return None;
    }
    let kinds = v.pointer("/target/kind")?.as_array()?;
    if kinds.iter().any(|k| k.as_str() == Some("custom-build")) {
        return None;
    }
    // "registry+https://…#name@1.2.3" or "path+file:///…#0.1.0" (name from the target then).
    let id = v.get("package_id")?.as_str()?;
    let name = id.rsplit('#').next()?.split('@').next()?;
    if name.chars().next()?.is_ascii_digit() {
        return v.pointer("/target/name")?.as_str().map(str::to_string);
    }
    Some(name.to_string())
}

/// Turns cargo's stderr into a sentence for a learner: what is missing and how to install it.
pub fn explain_failure(stderr: &str) -> Text {
    let tail: String = {
        let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
        lines[lines.len().saturating_sub(12)..].join("\n")
    };
    let low = stderr.to_ascii_lowercase();
    let hint = if low.contains("nasm") {
        tr!(es: "Falta nasm (ensamblador que usa libjpeg-turbo): `sudo apt install nasm`", en: "nasm is missing (libjpeg-turbo's assembler): `sudo apt install nasm`")
    } else if low.contains("cmake") {
        tr!(es: "Falta cmake (compila libjpeg-turbo): `sudo apt install cmake`", en: "cmake is missing (it builds libjpeg-turbo): `sudo apt install cmake`")
    } else if low.contains("linker `cc` not found") || low.contains("failed to find tool") {
        tr!(es: "Falta un compilador de C: `sudo apt install build-essential`", en: "A C compiler is missing: `sudo apt install build-essential`")
    } else if low.contains("could not resolve host")
        || low.contains("failed to download")
        || low.contains("network")
    {
        tr!(es: "cargo no pudo descargar dependencias: revisa la conexión a internet", en: "cargo could not download dependencies: check the internet connection")
    } else if low.contains("no space left") {
        tr!(es: "No queda espacio en disco", en: "The disk is full")
    } else {
        tr!(es: "La compilación del redimensionador falló", en: "Building the resizer failed")
    };
    let t = Text::same(tail);
    hint.join(":\n", &t)
}

/// Runs cargo, reporting each finished crate; returns the binary's path.
pub fn run(
    root: &Path,
    target: &Path,
    flavor: Flavor,
    checkout: bool,
    progress: &mut dyn FnMut(Progress),
) -> Result<PathBuf, Text> {
    let total = count_crates(root);
    progress(Progress::Crates {
        done: 0,
        total,
        last: String::new(),
    });
    let mut child = Command::new(cargo())
        .args(args(flavor, checkout))
        .current_dir(root)
        .env("CARGO_TARGET_DIR", target)
        // The learner's terminal belongs to the wizard: nothing from cargo may reach it.
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| {
            let e = e.to_string();
            tr!(es: "no pude ejecutar cargo ({e}): instala Rust con rustup (https://rustup.rs)", en: "could not run cargo ({e}): install Rust with rustup (https://rustup.rs)")
        })?;
    // stderr is drained on a thread so a chatty build can never block on a full pipe.
    let mut err_pipe = child.stderr.take();
    let err_thread = std::thread::spawn(move || {
        let mut s = String::new();
        if let Some(e) = err_pipe.as_mut() {
            let _ = e.read_to_string(&mut s);
        }
        s
    });
    let mut seen = HashSet::new();
    if let Some(out) = child.stdout.take() {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            if let Some(name) = finished_crate(&line)
                && seen.insert(name.clone())
            {
                let done = seen.len();
                progress(Progress::Crates {
                    done,
                    total: total.max(done),
                    last: name,
                });
            }
        }
    }
    let status = child.wait().map_err(|e| Text::same(e.to_string()))?;
    let stderr = err_thread.join().unwrap_or_default();
    if !status.success() {
        return Err(explain_failure(&stderr));
    }
    Ok(output(target, flavor))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_cargo_json_messages() {
        let reg = r#"{"reason":"compiler-artifact","package_id":"registry+https://github.com/rust-lang/crates.io-index#tokio@1.54.1","target":{"kind":["lib"],"name":"tokio"},"fresh":true}"#;
        assert_eq!(finished_crate(reg).as_deref(), Some("tokio"));
        let path = r#"{"reason":"compiler-artifact","package_id":"path+file:///w/lambda-resizer#0.1.0","target":{"kind":["bin"],"name":"bootstrap"}}"#;
        assert_eq!(finished_crate(path).as_deref(), Some("bootstrap"));
        let bs = r#"{"reason":"compiler-artifact","package_id":"registry+x#ring@0.17.0","target":{"kind":["custom-build"],"name":"build-script-build"}}"#;
        assert_eq!(finished_crate(bs), None);
        assert_eq!(
            finished_crate(r#"{"reason":"build-finished","success":true}"#),
            None
        );
        assert_eq!(finished_crate("not json"), None);
    }

    #[test]
    fn failures_name_what_to_install() {
        let e = explain_failure(
            "error: failed to run custom build command for `turbojpeg-sys`\n  is `cmake` not installed?",
        );
        assert!(e.en.contains("sudo apt install cmake"), "{}", e.en);
        assert!(e.es.contains("Falta cmake"));
        let e = explain_failure("nasm: command not found");
        assert!(e.en.contains("nasm"));
        let e = explain_failure("error[E0425]: cannot find value `x`");
        assert!(e.en.starts_with("Building the resizer failed") && e.en.contains("E0425"));
    }

    #[test]
    fn sandbox_build_selects_pasos_in_a_checkout() {
        let a = args(Flavor::Sandbox, true);
        assert!(a.windows(2).any(|w| w == ["-p", "pasos"]));
        assert!(!a.contains(&"--profile"));
        let a = args(Flavor::Aws, true);
        assert!(a.windows(2).any(|w| w == ["--profile", "resizer"]));
        assert!(!a.contains(&"pasos"));
    }
}
