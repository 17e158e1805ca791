//! Packages the `lambda-resizer` crate for `provided.al2023`: a release build (the `resizer` profile,
//! fat LTO) zipped with an executable `bootstrap` at its root, reused while the sources are unchanged.
//! Also checks user-supplied zips before they are uploaded.

use crate::i18n::Text;
use crate::tr;
use sha2::{Digest, Sha256};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The zip limit for direct upload (AWS: 50 MB zipped).
pub const ZIP_MAX: u64 = 50 * 1024 * 1024;

/// The source tree (this crate's manifest dir at build time; `PASOS_SOURCE_DIR` overrides it).
pub fn source_dir() -> PathBuf {
    std::env::var("PASOS_SOURCE_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from(env!("CARGO_MANIFEST_DIR")))
}

/// A hash of everything the resizer binary depends on, so the zip is rebuilt only when it changes.
pub fn source_hash(src: &Path) -> Result<String, Text> {
    let mut files = vec![
        src.join("Cargo.lock"),
        src.join("Cargo.toml"),
        src.join("lambda-resizer/Cargo.toml"),
    ];
    let mut stack = vec![src.join("lambda-resizer/src")];
    while let Some(dir) = stack.pop() {
        let rd = std::fs::read_dir(&dir).map_err(|e| io(&dir, &e))?;
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p)
            } else {
                files.push(p)
            }
        }
    }
    files.sort();
    let mut h = Sha256::new();
    for f in files {
        h.update(
            f.strip_prefix(src)
                .unwrap_or(&f)
                .to_string_lossy()
                .as_bytes(),
        );
        h.update(std::fs::read(&f).map_err(|e| io(&f, &e))?);
    }
    Ok(hex::encode(&h.finalize()[..8]))
}

fn io(p: &Path, e: &std::io::Error) -> Text {
    let (p, e) = (p.display().to_string(), e.to_string());
    tr!(es: "{p}: {e}", en: "{p}: {e}")
}

/// Builds (or reuses) the zip; returns its path. `progress` gets cargo's output lines.
pub fn package(
    state_dir: &Path,
    arch: &str,
    out: Option<&Path>,
    progress: &mut dyn FnMut(&str),
) -> Result<PathBuf, Text> {
    if arch != "x86_64" {
        return Err(tr!(
            es: "Esta máquina solo compila x86_64. Para arm64 (Graviton) mira docs/resizer.md: `cargo lambda build --release --arm64`",
            en: "This machine only builds x86_64. For arm64 (Graviton) see docs/resizer.md: `cargo lambda build --release --arm64`"
        ));
    }
    let src = source_dir();
    let hash = source_hash(&src)?;
    let dir = state_dir.join("resizer");
    std::fs::create_dir_all(&dir).map_err(|e| io(&dir, &e))?;
    let cached = dir.join(format!("lambda-resizer-{arch}-{hash}.zip"));
    let lock_path = dir.join("package.lock");
    let lock = std::fs::File::create(&lock_path).map_err(|e| io(&lock_path, &e))?;
    lock.lock().map_err(|e| io(&lock_path, &e))?;
    if !cached.exists() {
        let target = std::env::var("CARGO_TARGET_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|_| src.join("target"));
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        progress("cargo build -p lambda-resizer --profile resizer");
        let output = Command::new(&cargo)
            .args(["build", "--quiet", "-p", "lambda-resizer", "--profile", "resizer"])
            .current_dir(&src)
            .env("CARGO_TARGET_DIR", &target)
            .output()
            .map_err(|e| {
                let e = e.to_string();
                tr!(es: "no pude ejecutar cargo ({e}): instala Rust con rustup", en: "could not run cargo ({e}): install Rust with rustup")
            })?;
        if !output.status.success() {
            let err = String::from_utf8_lossy(&output.stderr);
            let tail: String = err
                .lines()
                .rev()
                .take(15)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect::<Vec<_>>()
                .join("\n");
            return Err(tr!(
                es: "la compilación del redimensionador falló (¿faltan cmake y nasm? `sudo apt install cmake nasm`):\n{tail}",
                en: "building the resizer failed (are cmake and nasm missing? `sudo apt install cmake nasm`):\n{tail}"
            ));
        }
        let bin = target.join("resizer").join("bootstrap");
        let bytes = std::fs::read(&bin).map_err(|e| io(&bin, &e))?;
        let zip = zip_bootstrap(&bytes)?;
        let tmp = cached.with_extension("zip.tmp");
        std::fs::write(&tmp, zip)
            .and_then(|_| std::fs::rename(&tmp, &cached))
            .map_err(|e| io(&cached, &e))?;
    } else {
        progress("reusing the packaged resizer (sources unchanged)");
    }
    match out {
        Some(o) => {
            std::fs::copy(&cached, o).map_err(|e| io(o, &e))?;
            Ok(o.to_path_buf())
        }
        None => Ok(cached),
    }
}

/// A zip with one executable `bootstrap` at its root.
pub fn zip_bootstrap(binary: &[u8]) -> Result<Vec<u8>, Text> {
    let mut buf = std::io::Cursor::new(Vec::new());
    let mut w = zip::ZipWriter::new(&mut buf);
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .unix_permissions(0o755);
    let err = |e: String| tr!(es: "no pude crear el zip: {e}", en: "could not create the zip: {e}");
    w.start_file("bootstrap", opts)
        .map_err(|e| err(e.to_string()))?;
    w.write_all(binary).map_err(|e| err(e.to_string()))?;
    w.finish().map_err(|e| err(e.to_string()))?;
    Ok(buf.into_inner())
}

/// Checks a user's zip before upload: readable, under 50 MB, and with what the runtime will run
/// (`bootstrap` at the root for `provided.*`, the handler's module for the others).
pub fn check_zip(path: &Path, runtime: &str, handler: &str) -> Result<(), Text> {
    let f = std::fs::File::open(path).map_err(|e| io(path, &e))?;
    let size = f.metadata().map(|m| m.len()).unwrap_or(0);
    if size > ZIP_MAX {
        return Err(
            tr!(es: "el zip ocupa {size} bytes; Lambda acepta hasta 50 MB", en: "the zip is {size} bytes; Lambda accepts up to 50 MB"),
        );
    }
    let mut z = zip::ZipArchive::new(f)
        .map_err(|_| tr!(es: "no es un archivo zip válido", en: "is not a valid zip file"))?;
    let needed = if runtime.starts_with("provided") {
        "bootstrap".to_string()
    } else {
        format!("{}.py", handler.split('.').next().unwrap_or(handler))
    };
    let found = (0..z.len()).any(|i| z.by_index(i).map(|e| e.name() == needed).unwrap_or(false));
    if found {
        let mut e = z
            .by_name(&needed)
            .map_err(|_| tr!(es: "zip ilegible", en: "unreadable zip"))?;
        let mut head = [0u8; 4];
        let _ = e.read(&mut head);
        Ok(())
    } else {
        Err(tr!(
            es: "el zip no tiene {needed} en su raíz (lo que ejecuta {runtime})",
            en: "the zip has no {needed} at its root (what {runtime} runs)"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zip_has_executable_bootstrap_and_is_checked() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("f.zip");
        std::fs::write(&p, zip_bootstrap(b"\x7fELF").unwrap()).unwrap();
        check_zip(&p, "provided.al2023", "bootstrap").unwrap();
        let mut z = zip::ZipArchive::new(std::fs::File::open(&p).unwrap()).unwrap();
        assert_eq!(
            z.by_name("bootstrap").unwrap().unix_mode().unwrap() & 0o777,
            0o755
        );
        let e = check_zip(&p, "python3.12", "lambda_function.handler").unwrap_err();
        assert!(e.en.contains("lambda_function.py"));
        std::fs::write(&p, b"not a zip").unwrap();
        assert!(
            check_zip(&p, "provided.al2023", "bootstrap")
                .unwrap_err()
                .en
                .contains("not a valid zip")
        );
    }
}
