//! The ratatui wizard: one screen per step of the walkthrough over the same engine as the CLI.
//!
//! Elm-style: keys become `Msg`s, `App::update` changes state and may return a `Cmd`, and the runtime
//! runs each `Cmd` as a task that answers with more `Msg`s. Rendering is a pure function of `App`.

pub mod app;
pub mod chrome;
pub mod commands;
pub mod confirm;
pub mod detail;
pub mod diagram;
pub mod ec2;
pub mod form;
pub mod keymap;
pub mod keys;
pub mod lambda;
pub mod lambda_check;
pub mod photo;
pub mod resizer_status;
pub mod results;
pub mod role;
pub mod rollback;
pub mod runtime;
pub mod screen;
pub mod teach;
pub mod term;
pub mod text;
pub mod try_it;
pub mod try_it_view;
pub mod user;
pub mod view;
pub mod welcome;
pub mod widgets;

use crate::plan::LoadedPlan;
use crate::session::{Settings, exit};
use std::path::{Path, PathBuf};

const WALKTHROUGH: &str = include_str!("../../assets/plans/walkthrough.toml");
const USER_DATA: &str = include_str!("../../assets/plans/user-data.sh");

/// The walkthrough plan, with its user data written next to it under the state dir.
pub fn default_plan(state_dir: &Path) -> Result<LoadedPlan, crate::i18n::Text> {
    let plan = crate::plan::parse(WALKTHROUGH).map_err(|p| p.text())?;
    let base_dir = state_dir.join("wizard");
    std::fs::create_dir_all(&base_dir)
        .and_then(|()| std::fs::write(base_dir.join("user-data.sh"), USER_DATA))
        .map_err(|e| crate::i18n::Text::same(e.to_string()))?;
    // The wizard shows every path on screen, where the learner sees and edits it.
    Ok(LoadedPlan {
        plan,
        base_dir,
        allow_outside: true,
    })
}

/// `pasos` with no subcommand: the wizard, prefilled from `--plan FILE` when given.
pub async fn run(settings: &Settings, plan: Option<PathBuf>) -> u8 {
    let say = |t: &crate::i18n::Text| eprintln!("{}", t.get(settings.lang));
    let lp = match &plan {
        Some(p) => match crate::plan::load(p) {
            Ok(lp) => lp,
            Err(problems) => {
                for p in problems {
                    say(&p.text());
                }
                return exit::BAD_INPUT;
            }
        },
        None => match default_plan(&settings.state_dir) {
            Ok(lp) => lp,
            Err(t) => {
                say(&t);
                return exit::FAILED;
            }
        },
    };
    runtime::run(settings.clone(), lp, plan).await
}

#[cfg(test)]
pub mod testing;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_snapshots;
