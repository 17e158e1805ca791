//! The headless front: parses the command line and runs each subcommand against the engine.

pub mod args;
pub mod help;
pub mod run;

pub use args::Cli;

/// Exit codes shared by every subcommand.
pub mod exit {
    pub const OK: u8 = 0;
    /// A failed operation (apply failed, AWS refused, loop found by check-trigger).
    pub const FAILED: u8 = 1;
    /// Bad input: a bad plan, bad flags.
    pub const BAD_INPUT: u8 = 2;
    /// A subcommand that is not implemented yet.
    pub const NOT_IMPLEMENTED: u8 = 3;
}
