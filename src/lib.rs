//! pasos: the engine (plan, runner, journal, rollback, loop check), the cloud adapter, the sandbox,
//! and two fronts over the same events: the headless CLI and the ratatui wizard.

pub mod cli;
pub mod cli_apply;
pub mod cli_check;
pub mod cloud;
pub mod engine;
pub mod i18n;
pub mod logging;
pub mod loopcheck;
pub mod names;
pub mod paths;
pub mod plan;
pub mod resizer_pkg;
pub mod sandbox;
pub mod tui;
