//! The `pasos` binary: parse the command line, run it, exit with its code.

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = pasos::cli::Cli::parse();
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("pasos: cannot start the async runtime: {e}");
            return ExitCode::from(1);
        }
    };
    let code = rt.block_on(pasos::cli::run::run(cli));
    // Background tasks (a sandbox health poll, a spinner) must not keep the process alive.
    rt.shutdown_timeout(std::time::Duration::from_millis(200));
    ExitCode::from(code)
}
