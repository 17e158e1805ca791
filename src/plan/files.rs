//! The files a plan names (an instance's `user_data`, a Lambda's `code` zip): regular files inside
//! the plan's folder, read with a bound. A shared plan must not be able to upload
//! `~/.aws/credentials` as user data, nor hang pasos on `/dev/zero` or a FIFO.

use super::LoadedPlan;
use crate::i18n::Text;
use crate::tr;
use std::io::Read;
use std::path::{Component, Path, PathBuf};

/// The path a plan's relative `rel` names. Unless the user passed `--allow-outside-paths`
/// (`lp.allow_outside`), it must stay inside the plan's folder: no absolute path, no `..`, and no
/// symlink leading out of it.
pub fn plan_path(lp: &LoadedPlan, rel: &str) -> Result<PathBuf, Text> {
    let p = Path::new(rel);
    let path = lp.base_dir.join(p);
    if lp.allow_outside {
        return Ok(path);
    }
    let outside = || {
        tr!(
            es: "debe ser un archivo dentro de la carpeta del plan (sin rutas absolutas ni ..); para usar otro, pasa --allow-outside-paths",
            en: "must be a file inside the plan's folder (no absolute path, no ..); to use another one, pass --allow-outside-paths"
        )
    };
    if p.is_absolute()
        || p.components()
            .any(|c| !matches!(c, Component::Normal(_) | Component::CurDir))
    {
        return Err(outside());
    }
    // A symlink inside the folder may still point out of it: compare where both really are.
    let real = std::fs::canonicalize(&path).map_err(|e| cannot(&path, &e))?;
    let base = std::fs::canonicalize(&lp.base_dir).map_err(|e| cannot(&lp.base_dir, &e))?;
    if !real.starts_with(&base) {
        return Err(outside());
    }
    Ok(path)
}

/// Refuses anything but a regular file (FIFOs, devices, folders) without opening it: opening a
/// FIFO for reading blocks until a writer shows up.
pub fn check_regular(path: &Path) -> Result<(), Text> {
    if std::fs::metadata(path)
        .map_err(|e| cannot(path, &e))?
        .is_file()
    {
        Ok(())
    } else {
        Err(not_regular())
    }
}

fn cannot(path: &Path, e: &std::io::Error) -> Text {
    let (p, e) = (path.display().to_string(), e.to_string());
    tr!(es: "no se puede leer {p}: {e}", en: "cannot read {p}: {e}")
}

fn not_regular() -> Text {
    tr!(
        es: "no es un archivo normal (¿un dispositivo, una FIFO o una carpeta?)",
        en: "is not a regular file (a device, a FIFO or a folder?)"
    )
}

/// Reads a regular file of at most `max` bytes, reading no more than `max + 1` whatever it claims
/// to be.
pub fn read_regular(path: &Path, max: u64) -> Result<Vec<u8>, Text> {
    check_regular(path)?;
    let f = std::fs::File::open(path).map_err(|e| cannot(path, &e))?;
    // Again on what was opened, in case the name changed in between.
    if !f.metadata().map_err(|e| cannot(path, &e))?.is_file() {
        return Err(not_regular());
    }
    let mut bytes = Vec::new();
    f.take(max + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| cannot(path, &e))?;
    if bytes.len() as u64 > max {
        return Err(tr!(
            es: "ocupa más de {max} bytes, el máximo",
            en: "is larger than {max} bytes, the limit"
        ));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lp(dir: &Path, allow_outside: bool) -> LoadedPlan {
        LoadedPlan {
            plan: crate::plan::parse("version = 1\n").unwrap(),
            base_dir: dir.to_path_buf(),
            allow_outside,
        }
    }

    #[test]
    fn only_files_inside_the_plans_folder_unless_allowed() {
        let d = tempfile::tempdir().unwrap();
        let plan_dir = d.path().join("plan");
        std::fs::create_dir(&plan_dir).unwrap();
        std::fs::write(plan_dir.join("ok.sh"), "#!/bin/sh\n").unwrap();
        std::fs::write(d.path().join("credentials"), "secret").unwrap();
        std::os::unix::fs::symlink(d.path().join("credentials"), plan_dir.join("link.sh")).unwrap();
        let inside = lp(&plan_dir, false);
        assert!(plan_path(&inside, "ok.sh").is_ok());
        assert!(plan_path(&inside, "./ok.sh").is_ok());
        for bad in [
            "../credentials",
            "/etc/passwd",
            "link.sh",
            "sub/../../credentials",
        ] {
            let e = plan_path(&inside, bad).unwrap_err();
            assert!(
                e.en.contains("inside the plan's folder") || e.en.contains("cannot read"),
                "{bad}: {}",
                e.en
            );
        }
        let anywhere = lp(&plan_dir, true);
        assert!(plan_path(&anywhere, "../credentials").is_ok());
        assert!(plan_path(&anywhere, "link.sh").is_ok());
    }

    #[test]
    fn devices_fifos_and_folders_are_refused_and_reads_are_bounded() {
        let d = tempfile::tempdir().unwrap();
        let e = read_regular(Path::new("/dev/zero"), 16).unwrap_err();
        assert!(e.en.contains("not a regular file"), "{}", e.en);
        let fifo = d.path().join("fifo");
        assert!(
            std::process::Command::new("mkfifo")
                .arg(&fifo)
                .status()
                .unwrap()
                .success()
        );
        // Would block forever if it were opened.
        assert!(read_regular(&fifo, 16).is_err());
        assert!(read_regular(d.path(), 16).is_err());
        let big = d.path().join("big");
        std::fs::write(&big, vec![b'#'; 17]).unwrap();
        assert!(read_regular(&big, 16).unwrap_err().en.contains("16 bytes"));
        assert_eq!(read_regular(&big, 17).unwrap().len(), 17);
    }
}
