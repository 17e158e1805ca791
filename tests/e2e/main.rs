//! Every end-to-end test of pasos in one test binary: the SDK and the support code are linked
//! once instead of once per file, and the harness runs tests of different files side by side
//! (each test starts a sandbox of its own on a free port, so they do not share state). Run one
//! file's tests with `cargo test --test e2e <module>::`, e.g. `cargo test --test e2e faults::`.

#[path = "support/moto.rs"]
mod moto;
#[path = "support/proxy.rs"]
mod proxy;
mod support;

mod check_trigger_cli;
mod engine_e2e;
mod faults;
mod foundation;
mod loopcheck_props;
mod moto_e2e;
mod ownership;
mod plan_fuzz;
mod realism_e2e;
mod resizer_e2e;
mod sandbox_install;
mod secrets_e2e;
mod teach_e2e;
mod tui_tmux;
