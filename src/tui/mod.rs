//! The ratatui wizard.

use crate::cli::run::Ctx;
use std::path::PathBuf;

pub async fn run(ctx: &Ctx, _plan: Option<PathBuf>) -> u8 {
    crate::cli::run::not_implemented(ctx, "wizard")
}
