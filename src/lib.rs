//! pasos: the engine (plan, runner, journal, rollback, loop check), the cloud adapter, the sandbox,
//! and two fronts over the same events: the headless CLI and the ratatui wizard.

#[cfg(feature = "full")]
pub mod cli;
#[cfg(feature = "full")]
pub mod cloud;
#[cfg(feature = "full")]
pub mod cost;
#[cfg(feature = "full")]
pub mod diagram;
#[cfg(feature = "full")]
pub mod engine;
#[cfg(feature = "full")]
pub mod export;
pub mod i18n;
#[cfg(feature = "full")]
pub mod logging;
pub mod loopcheck;
pub mod names;
pub mod paths;
pub mod plan;
pub mod resizer_pkg;
#[cfg(feature = "full")]
pub mod sandbox;
#[cfg(feature = "full")]
pub mod session;
#[cfg(feature = "full")]
pub mod tui;
