//! Packages the `lambda-resizer` crate as a Lambda zip (an executable `bootstrap` at its root), in
//! one of two flavors, each reused while its sources are unchanged:
//! - for the sandbox, where the function runs as a process on this machine: a quick dev build that
//!   reuses what `cargo run` compiled (same target dir, same features);
//! - for AWS (`provided.al2023`): the fat-LTO `resizer` profile, refused unless this host builds
//!   for the function's architecture and the binary needs nothing newer than glibc 2.34.
//!
//! Also checks user-supplied zips before they are uploaded.

mod build;
pub mod elf;
pub mod source;

use crate::i18n::Text;
use crate::tr;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// The zip limit for direct upload (AWS: 50 MB zipped).
pub const ZIP_MAX: u64 = 50 * 1024 * 1024;

/// Amazon Linux 2023, what `provided.al2023` runs on, ships glibc 2.34.
pub const MAX_GLIBC: (u32, u32) = (2, 34);

/// The shared libraries AL2023 has that the bootstrap may link (libjpeg-turbo is linked in).
const SYSTEM_LIBS: [&str; 5] = [
    "libc.so",
    "libm.so",
    "libgcc_s.so",
    "ld-linux",
    "libpthread.so",
];

/// Which build: see the module's documentation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flavor {
    Sandbox,
    Aws,
}

impl Flavor {
    fn name(self) -> &'static str {
        match self {
            Flavor::Sandbox => "sandbox",
            Flavor::Aws => "aws",
        }
    }
}

/// What the packaging is doing, for a front to show.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Progress {
    /// Compiling: `done` of `total` crates (total 0 = unknown), `last` the crate just finished.
    Crates {
        done: usize,
        total: usize,
        last: String,
    },
    /// A step in words (checking the binary, zipping, reusing a zip).
    Step(Text),
}

impl Progress {
    /// One line for a log or a terminal.
    pub fn line(&self, lang: crate::i18n::Lang) -> String {
        match self {
            Progress::Crates { done, total, last } => {
                let of = if *total > 0 {
                    format!("{done}/{total}")
                } else {
                    done.to_string()
                };
                tr!(es: "compilando la Lambda: {of} crates ({last})", en: "compiling the Lambda: {of} crates ({last})")
                    .get(lang)
                    .to_string()
            }
            Progress::Step(t) => t.get(lang).to_string(),
        }
    }
}

fn io(p: &Path, e: &std::io::Error) -> Text {
    let (p, e) = (p.display().to_string(), e.to_string());
    tr!(es: "{p}: {e}", en: "{p}: {e}")
}

/// Can this machine build a binary that runs on a Lambda of `arch`?
pub fn host_builds_for(arch: &str) -> Result<(), Text> {
    let native = match arch {
        "x86_64" => cfg!(all(target_os = "linux", target_arch = "x86_64")),
        "arm64" => cfg!(all(target_os = "linux", target_arch = "aarch64")),
        _ => false,
    };
    if native {
        return Ok(());
    }
    let (os, host) = (std::env::consts::OS, std::env::consts::ARCH);
    let flag = if arch == "arm64" { " --arm64" } else { "" };
    Err(tr!(
        es: "Este equipo ({os}/{host}) no compila binarios para una Lambda {arch} (Linux). Usa cargo-lambda, que compila con zig para la glibc de Lambda: `pip install cargo-lambda`, luego `cargo lambda build --release{flag}` en lambda-resizer/ y da el zip como `code` del plan (docs/resizer.md)",
        en: "This machine ({os}/{host}) does not build binaries for an {arch} Lambda (Linux). Use cargo-lambda, which builds with zig for Lambda's glibc: `pip install cargo-lambda`, then `cargo lambda build --release{flag}` in lambda-resizer/, and give the zip as the plan's `code` (docs/resizer.md)"
    ))
}

/// Refuses a binary that would not start on `provided.al2023`: a glibc symbol newer than 2.34, or
/// a shared library that image does not have.
pub fn check_runs_on_al2023(binary: &[u8]) -> Result<(u32, u32), Text> {
    let needs = elf::needs(binary).ok_or_else(|| {
        tr!(es: "el bootstrap no es un ejecutable ELF de 64 bits", en: "the bootstrap is not a 64-bit ELF executable")
    })?;
    let too_new: Vec<String> = needs
        .glibc
        .iter()
        .filter(|v| **v > MAX_GLIBC)
        .map(|(a, b)| format!("GLIBC_{a}.{b}"))
        .collect();
    if !too_new.is_empty() {
        let list = too_new.join(", ");
        return Err(tr!(
            es: "el bootstrap necesita {list}, pero provided.al2023 tiene glibc 2.34: no arrancaría en AWS. Compílalo con cargo-lambda (`cargo lambda build --release`), que apunta a esa glibc",
            en: "the bootstrap needs {list}, but provided.al2023 has glibc 2.34: it would not start on AWS. Build it with cargo-lambda (`cargo lambda build --release`), which targets that glibc"
        ));
    }
    let foreign: Vec<&str> = needs
        .libraries
        .iter()
        .map(String::as_str)
        .filter(|l| !SYSTEM_LIBS.iter().any(|s| l.starts_with(s)))
        .collect();
    if !foreign.is_empty() {
        let list = foreign.join(", ");
        return Err(tr!(
            es: "el bootstrap enlaza {list}, que provided.al2023 no tiene (libjpeg-turbo debe ir dentro del binario)",
            en: "the bootstrap links {list}, which provided.al2023 does not have (libjpeg-turbo must be linked in)"
        ));
    }
    needs.max_glibc().ok_or_else(|| {
        tr!(es: "el bootstrap no enlaza glibc: no es lo que provided.al2023 espera", en: "the bootstrap does not link glibc: not what provided.al2023 expects")
    })
}

/// Builds (or reuses) the zip for `flavor`; returns its path (`out` when given). `progress` hears
/// every finished crate and step; packagings of the same state dir take turns on a lock.
pub fn package(
    state_dir: &Path,
    flavor: Flavor,
    arch: &str,
    out: Option<&Path>,
    progress: &mut dyn FnMut(Progress),
) -> Result<PathBuf, Text> {
    if flavor == Flavor::Aws || arch != "x86_64" {
        host_builds_for(arch)?;
    }
    let src = source::locate(&crate::paths::data_dir())?;
    let cached = zip_path_for(state_dir, flavor, arch, &src.hash);
    let dir = state_dir.join("resizer");
    std::fs::create_dir_all(&dir).map_err(|e| io(&dir, &e))?;
    let lock_path = dir.join("package.lock");
    let lock = std::fs::File::create(&lock_path).map_err(|e| io(&lock_path, &e))?;
    lock.lock().map_err(|e| io(&lock_path, &e))?;
    if cached.exists() {
        progress(Progress::Step(
            tr!(es: "Lambda lista (sin cambios desde la última vez)", en: "Lambda ready (unchanged since last time)"),
        ));
    } else {
        let bin = build::run(&src.root, &src.target, flavor, src.checkout, progress)?;
        let bytes = std::fs::read(&bin).map_err(|e| io(&bin, &e))?;
        if flavor == Flavor::Aws {
            let (a, b) = check_runs_on_al2023(&bytes)?;
            progress(Progress::Step(
                tr!(es: "bootstrap comprobado: glibc {a}.{b} ≤ 2.34", en: "bootstrap checked: glibc {a}.{b} ≤ 2.34"),
            ));
        }
        let zip = zip_bootstrap(&bytes)?;
        // A unique temporary name in the same directory, then an atomic rename: a reader never
        // sees half a zip, and two writers never share a temporary file.
        let mut tmp = tempfile::NamedTempFile::new_in(&dir).map_err(|e| io(&dir, &e))?;
        tmp.write_all(&zip).map_err(|e| io(&cached, &e))?;
        tmp.persist(&cached).map_err(|e| io(&cached, &e.error))?;
        progress(Progress::Step(tr!(es: "Lambda lista", en: "Lambda ready")));
    }
    match out {
        Some(o) => {
            std::fs::copy(&cached, o).map_err(|e| io(o, &e))?;
            Ok(o.to_path_buf())
        }
        None => Ok(cached),
    }
}

/// The build of the bundled resizer that runs where the functions run: a process on this machine
/// for the local sandbox, `provided.al2023` for AWS and any other endpoint. `PASOS_RESIZER_BUILD=
/// sandbox|aws` overrides it (an emulator started by hand that runs functions as local processes,
/// as the sandbox does, only needs the quick build).
pub fn flavor_for(sandbox: bool) -> Flavor {
    match std::env::var("PASOS_RESIZER_BUILD").as_deref() {
        Ok("sandbox") => Flavor::Sandbox,
        Ok("aws") => Flavor::Aws,
        _ if sandbox => Flavor::Sandbox,
        _ => Flavor::Aws,
    }
}

/// The resizer binary this machine last built, if any (the wizard runs its `preview` command to
/// show photos): the flavor in use first, then the other one.
pub fn local_bootstrap(sandbox: bool) -> Option<PathBuf> {
    let src = source::locate(&crate::paths::data_dir()).ok()?;
    let first = flavor_for(sandbox);
    let other = match first {
        Flavor::Sandbox => Flavor::Aws,
        Flavor::Aws => Flavor::Sandbox,
    };
    [first, other]
        .into_iter()
        .map(|f| build::output(&src.target, f))
        .find(|p| p.is_file())
}

fn zip_path_for(state_dir: &Path, flavor: Flavor, arch: &str, hash: &str) -> PathBuf {
    state_dir.join("resizer").join(format!(
        "lambda-resizer-{}-{arch}-{hash}.zip",
        flavor.name()
    ))
}

/// Where `package` puts (or finds) the zip of the current sources, built or not (`pasos export`
/// names it in scripts).
pub fn zip_path(state_dir: &Path, flavor: Flavor, arch: &str) -> Result<PathBuf, Text> {
    let src = source::locate(&crate::paths::data_dir())?;
    Ok(zip_path_for(state_dir, flavor, arch, &src.hash))
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
    let found = z
        .file_names()
        .any(|n| n.as_deref().is_ok_and(|n| n == needed));
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
