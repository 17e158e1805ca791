//! Headless subcommands over the engine: apply, rollback, status, check-trigger, package-resizer.

use crate::cli::args::{ApplyArgs, CheckTriggerArgs, PackageArgs, RollbackArgs};
use crate::cli::run::{Ctx, not_implemented};

pub async fn apply(ctx: &Ctx, _a: ApplyArgs) -> u8 {
    not_implemented(ctx, "apply")
}
pub async fn rollback(ctx: &Ctx, _a: RollbackArgs) -> u8 {
    not_implemented(ctx, "rollback")
}
pub async fn status(ctx: &Ctx, _json: bool) -> u8 {
    not_implemented(ctx, "status")
}
pub fn check_trigger(ctx: &Ctx, a: CheckTriggerArgs) -> u8 {
    crate::cli_check::run(ctx, a)
}
pub async fn package_resizer(ctx: &Ctx, _a: PackageArgs) -> u8 {
    not_implemented(ctx, "package-resizer")
}
