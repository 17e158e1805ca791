//! `bootstrap`: the Lambda entry point (provided.al2023) and, outside Lambda, a local resize command.

use std::process::ExitCode;

fn main() -> ExitCode {
    // The Lambda service always sets AWS_LAMBDA_RUNTIME_API; anywhere else this is a CLI.
    if std::env::var_os("AWS_LAMBDA_RUNTIME_API").is_some() {
        lambda_resizer::lambda::run()
    } else {
        lambda_resizer::cli::main(std::env::args_os().skip(1).collect())
    }
}
