//! Shared test helpers: a wizard on the walkthrough plan with a fake sandbox identity, key and
//! event scripts, and snapshots.
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

/// Snapshots a screen in both languages at 80×24 only.
pub fn snapshots_80(screen: Screen, name: &str, setup: impl Fn(&mut App)) {
    for lang in [Lang::Es, Lang::En] {
        let mut a = app();
        a.screen = screen;
        a.lang = lang;
        setup(&mut a);
        let code = lang.code();
        insta::assert_snapshot!(format!("{name}_{code}_80x24"), render(&a, 80, 24));
    }
}

/// Runs `screen`'s step as the engine would report it: Enter, the events, then the end.
pub fn ran(a: &mut App, screen: Screen, events: Vec<crate::engine::Event>) {
    a.screen = screen;
    a.busy = Some(screen);
    for e in events {
        a.update(Msg::Engine(e));
    }
    a.update(Msg::Engine(crate::engine::Event::Done {
        ok: true,
        created: 1,
        existing: 0,
        failed: 0,
        deleted: 0,
    }));
    a.update(Msg::ApplyDone(true));
}
