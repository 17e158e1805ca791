//! Where pasos keeps things: the state dir (journal, sandbox records, secrets files) and the data dir
//! (the sandbox emulator's Python venv), following the platform conventions (XDG on Linux).

use std::path::PathBuf;

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

/// Writes a file readable by its owner only (secrets: passwords, keys, PEM files).
pub fn write_private(path: &std::path::Path, contents: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let tmp = path.with_extension("tmp-pasos");
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(&tmp)?;
    f.write_all(contents)?;
    f.sync_all()?;
    drop(f);
    std::fs::rename(&tmp, path)
}
