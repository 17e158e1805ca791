//! The ratatui wizard: one screen per step of the walkthrough over the same engine as the CLI.
//!
//! Elm-style: keys become `Msg`s, `App::update` changes state and may return a `Cmd`, and the runtime
//! runs each `Cmd` as a task that answers with more `Msg`s. Rendering is a pure function of `App`.

pub mod app;
pub mod confirm;
pub mod ec2;
pub mod keymap;
pub mod keys;
pub mod lambda;
pub mod resizer_status;
pub mod role;
pub mod rollback;
pub mod runtime;
pub mod try_it;
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
pub mod testing {
    //! Shared test helpers: a wizard on the walkthrough plan with a fake sandbox identity.
    use super::app::{App, Msg, Screen};
    use crate::cloud::Identity;
    use crate::engine::Res;
    use crate::engine::journal::Entry;
    use crate::i18n::Lang;
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    pub fn app() -> App {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/plans/walkthrough.toml");
        let lp = crate::plan::load(std::path::Path::new(path)).expect("walkthrough plan");
        let mut a = App::new(
            Lang::En,
            lp,
            Some("assets/plans/walkthrough.toml".into()),
            "2026-11-20".into(),
            1_790_000_000,
        );
        a.ident = Some(Identity {
            account: "000000000000".into(),
            arn: "arn:aws:iam::000000000000:root".into(),
            region: "us-east-1".into(),
            endpoint: "http://127.0.0.1:4566".into(),
            sandbox: true,
        });
        a
    }

    pub fn key(c: KeyCode) -> Msg {
        Msg::Key(KeyEvent::new(c, KeyModifiers::NONE))
    }

    pub fn typed(a: &mut App, s: &str) {
        for c in s.chars() {
            a.update(key(KeyCode::Char(c)));
        }
    }

    pub fn journal() -> Vec<Entry> {
        let e = |res: Res| Entry {
            res,
            confirmed: true,
            nonce: None,
        };
        vec![
            e(Res::Role {
                name: "ec2-s3-dynamodb".into(),
            }),
            e(Res::RolePolicy {
                role: "ec2-s3-dynamodb".into(),
                arn: "arn:aws:iam::aws:policy/AmazonS3FullAccess".into(),
            }),
            e(Res::InstanceProfile {
                name: "ec2-s3-dynamodb".into(),
            }),
            e(Res::Group {
                name: "ec2-admins".into(),
            }),
            e(Res::User {
                name: "alumno".into(),
            }),
            e(Res::Membership {
                user: "alumno".into(),
                group: "ec2-admins".into(),
            }),
            Entry {
                res: Res::AccessKey {
                    user: "alumno".into(),
                    id: None,
                },
                confirmed: false,
                nonce: None,
            },
        ]
    }

    pub fn render(a: &App, w: u16, h: u16) -> String {
        let mut t = Terminal::new(TestBackend::new(w, h)).expect("test terminal");
        t.draw(|f| super::view::draw(f, a)).expect("draw");
        let buf = t.backend().buffer();
        let mut out = String::new();
        for y in 0..h {
            for x in 0..w {
                out.push_str(buf[(x, y)].symbol());
            }
            out.push('\n');
        }
        out
    }

    /// Snapshots a screen in both languages at 80×24 and 120×40.
    pub fn snapshots(screen: Screen, name: &str, setup: impl Fn(&mut App)) {
        for lang in [Lang::Es, Lang::En] {
            for (w, h) in [(80, 24), (120, 40)] {
                let mut a = app();
                a.screen = screen;
                a.lang = lang;
                setup(&mut a);
                let code = lang.code();
                insta::assert_snapshot!(format!("{name}_{code}_{w}x{h}"), render(&a, w, h));
            }
        }
    }
}
