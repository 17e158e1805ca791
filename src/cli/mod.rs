//! The headless front: parses the command line and runs each subcommand against the engine.

pub mod apply;
pub mod args;
pub mod check;
pub mod help;
pub mod run;
pub mod teach;
mod teach_help;

pub use crate::session::exit;
pub use args::Cli;
