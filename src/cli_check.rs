//! `pasos check-trigger` (filled by the loop-check work).

use crate::cli::args::CheckTriggerArgs;
use crate::cli::run::{Ctx, not_implemented};

pub fn run(ctx: &Ctx, _a: CheckTriggerArgs) -> u8 {
    not_implemented(ctx, "check-trigger")
}
