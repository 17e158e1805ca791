//! Logs go to `<state-dir>/pasos.log` through `tracing`, never to the screen (the wizard owns it).
//! The state dir is created 0700 and the log is 0600: it names the account's resources.

use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::Path;
use std::sync::Mutex;

/// Installs the file logger once; `PASOS_LOG` sets the filter (default `pasos=info`).
/// A failure to open the log file only disables logging: it must never stop the program.
pub fn init(state_dir: &Path) {
    if crate::paths::create_private_dir(state_dir).is_err() {
        return;
    }
    let Ok(file) = open_private_append(&state_dir.join("pasos.log")) else {
        return;
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("PASOS_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("pasos=info,warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        .with_writer(Mutex::new(file))
        .try_init();
}

/// Opens a file for appending, created 0600 (an existing one is put back to 0600), never through a
/// symlink (O_NOFOLLOW): someone who can plant a link in the state dir must not redirect the log.
pub fn open_private_append(path: &Path) -> std::io::Result<std::fs::File> {
    let f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .mode(0o600)
        .custom_flags(nix::libc::O_NOFOLLOW)
        .open(path)?;
    if f.metadata()?.permissions().mode() & 0o077 != 0 {
        f.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(f)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_log_is_0600_and_never_opened_through_a_symlink() {
        let d = tempfile::tempdir().unwrap();
        let log = d.path().join("pasos.log");
        std::fs::write(&log, "old\n").unwrap();
        std::fs::set_permissions(&log, std::fs::Permissions::from_mode(0o644)).unwrap();
        drop(open_private_append(&log).unwrap());
        let mode = std::fs::metadata(&log).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let victim = d.path().join("victim");
        std::fs::write(&victim, "").unwrap();
        let link = d.path().join("linked.log");
        std::os::unix::fs::symlink(&victim, &link).unwrap();
        assert!(open_private_append(&link).is_err());
    }
}
