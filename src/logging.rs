//! Logs go to `<state-dir>/pasos.log` through `tracing`, never to the screen (the wizard owns it).

use std::path::Path;
use std::sync::Mutex;

/// Installs the file logger once; `PASOS_LOG` sets the filter (default `pasos=info`).
/// A failure to open the log file only disables logging: it must never stop the program.
pub fn init(state_dir: &Path) {
    if std::fs::create_dir_all(state_dir).is_err() {
        return;
    }
    let Ok(file) = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(state_dir.join("pasos.log"))
    else {
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
