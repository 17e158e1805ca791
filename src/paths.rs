//! Where pasos keeps things and how: the state dir (journal, sandbox records, secrets files) and the
//! data dir (the sandbox emulator's Python venv), following the platform conventions (XDG on Linux);
//! private directories (0700) and private files (0600) written atomically without predictable names.

use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// `~/.local/state/pasos` on Linux (XDG_STATE_HOME honoured), the platform equivalent elsewhere.
pub fn default_state_dir() -> PathBuf {
    if let Ok(p) = std::env::var("PASOS_STATE_DIR")
        && !p.is_empty()
    {
        return PathBuf::from(p);
    }
    match directories::ProjectDirs::from("", "", "pasos") {
        Some(d) => d
            .state_dir()
            .map(|p| p.to_path_buf())
            .unwrap_or_else(|| d.data_local_dir().join("state")),
        None => PathBuf::from(".pasos-state"),
    }
}

/// `~/.local/share/pasos` on Linux. `PASOS_DATA_DIR` overrides it (CI caches the venv there).
pub fn data_dir() -> PathBuf {
    if let Ok(p) = std::env::var("PASOS_DATA_DIR")
        && !p.is_empty()
    {
        return PathBuf::from(p);
    }
    match directories::ProjectDirs::from("", "", "pasos") {
        Some(d) => d.data_local_dir().to_path_buf(),
        None => PathBuf::from(".pasos-data"),
    }
}

/// Creates a directory and its missing parents readable by their owner only (0700): the state dir
/// holds the journal, secret files and the sandbox's records. An existing directory keeps its mode
/// (it may be the user's own, e.g. `--state-dir .`); see `private_dir` for pasos's own subdirs.
pub fn create_private_dir(path: &Path) -> std::io::Result<()> {
    if path.as_os_str().is_empty() {
        return Ok(());
    }
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(path)
}

/// A directory pasos owns outright (`journal/`, `secrets/`, `sandbox/`): created 0700, and put back
/// to 0700 when it exists with a looser mode.
pub fn private_dir(path: &Path) -> std::io::Result<()> {
    create_private_dir(path)?;
    let meta = std::fs::metadata(path)?;
    if meta.permissions().mode() & 0o077 != 0 {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o700))?;
    }
    Ok(())
}

/// Writes a file readable by its owner only (secrets: passwords, keys, PEM files), atomically: the
/// contents go to a fresh temporary file in the same directory (O_EXCL, mode 0600, a random name,
/// never a symlink followed), are fsynced, and the temporary file is renamed over `path`.
pub fn write_private(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    create_private_dir(dir)?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".pasos-")
        .suffix(".tmp")
        .tempfile_in(dir)?;
    tmp.write_all(contents)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    // The rename is durable once the directory itself is synced.
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mode(p: &Path) -> u32 {
        std::fs::metadata(p).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn private_files_and_dirs_have_owner_only_modes() {
        let d = tempfile::tempdir().unwrap();
        let nested = d.path().join("a/b/c");
        create_private_dir(&nested).unwrap();
        assert_eq!(mode(&d.path().join("a")), 0o700);
        assert_eq!(mode(&nested), 0o700);
        let loose = d.path().join("loose");
        std::fs::create_dir(&loose).unwrap();
        std::fs::set_permissions(&loose, std::fs::Permissions::from_mode(0o755)).unwrap();
        private_dir(&loose).unwrap();
        assert_eq!(mode(&loose), 0o700);
        let f = nested.join("secret.txt");
        write_private(&f, b"one").unwrap();
        write_private(&f, b"two").unwrap();
        assert_eq!(std::fs::read(&f).unwrap(), b"two");
        assert_eq!(mode(&f), 0o600);
        // No temporary file is left behind, and none has a predictable name.
        let names: Vec<_> = std::fs::read_dir(&nested).unwrap().collect();
        assert_eq!(names.len(), 1, "{names:?}");
    }

    #[test]
    fn a_planted_symlink_at_the_old_temporary_name_is_not_followed() {
        let d = tempfile::tempdir().unwrap();
        let victim = d.path().join("victim");
        std::fs::write(&victim, "untouched").unwrap();
        let target = d.path().join("credentials");
        // The name the old code wrote through: a symlink planted there must not be written through.
        std::os::unix::fs::symlink(&victim, target.with_extension("tmp-pasos")).unwrap();
        write_private(&target, b"secret").unwrap();
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "untouched");
        assert_eq!(std::fs::read(&target).unwrap(), b"secret");
    }
}
