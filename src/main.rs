//! The `pasos` binary: parse the command line, run it, exit with its code.

use clap::{CommandFactory, FromArgMatches};
use std::process::ExitCode;

fn main() -> ExitCode {
    // Help in the user's language: the language is known before clap parses (flag or LANG).
    let args: Vec<String> = std::env::args().collect();
    let lang = pasos::cli::help::lang_from_args(&args);
    let matches = pasos::cli::help::localize(pasos::cli::Cli::command(), lang).get_matches();
    let cli = match pasos::cli::Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
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
