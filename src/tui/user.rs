//! Screen 2: the user, console access, the group and the group's policies.

use super::view::{self, Common};
use super::widgets::{Call, Field, Form, dim};
use crate::engine::Secret;
use crate::i18n::Text;
use crate::names::{self, IamKind};
use crate::plan::{Group, Plan, User};
use crate::tr;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::text::Line;

pub const NAME: usize = 0;
pub const CONSOLE: usize = 1;
pub const GROUP: usize = 2;
pub const POLICIES: usize = 3;
pub const KEYS: usize = 4;

pub fn explain() -> Text {
    Text::fixed(
        "Un usuario IAM es alguien (o un programa) que entra en tu cuenta con credenciales propias; lo que haga \
         se cobra a tu cuenta. Con acceso a la consola recibe una contraseña que debe cambiar al entrar.\n\n\
         Un grupo reúne usuarios: las políticas del grupo valen para todos sus miembros. Dar permisos al grupo \
         y no a cada persona es la buena práctica: escala y se revisa mejor.\n\n\
         Una política es un documento que permite (o niega) acciones sobre recursos; AWS la evalúa en cada petición.",
        "An IAM user is someone (or a program) who signs in to your account with their own credentials; what \
         they do is billed to your account. With console access they get a password they must change at first sign-in.\n\n\
         A group gathers users: the group's policies apply to every member. Granting permissions to the group \
         rather than to each person is the good practice: it scales and is easier to review.\n\n\
         A policy is a document that allows (or denies) actions on resources; AWS evaluates it on every request.",
    )
}

#[derive(Clone, Debug, PartialEq)]
pub struct UserScreen {
    pub form: Form,
    /// The console password from the run: shown once, masked until revealed.
    pub password: Option<(Secret, String)>,
    pub revealed: bool,
}

impl UserScreen {
    pub fn from_plan(plan: &Plan) -> UserScreen {
        let u = plan.users.first();
        let g = plan.groups.first();
        let policies = g
            .map(|g| g.policies.clone())
            .unwrap_or_else(|| vec!["AmazonEC2FullAccess".into()]);
        UserScreen {
            form: Form::new(vec![
                Field::text(
                    Text::fixed("Usuario", "User name"),
                    u.map_or("alumno", |u| u.name.as_str()),
                ),
                Field::toggle(
                    Text::fixed("Acceso a la consola", "Console access"),
                    u.is_none_or(|u| u.console_access),
                ),
                Field::text(
                    Text::fixed("Grupo", "Group"),
                    g.map_or("ec2-admins", |g| g.name.as_str()),
                ),
                Field::picker(
                    Text::fixed("Políticas del grupo", "Group policies"),
                    &policies,
                ),
                Field::choice(
                    Text::fixed("Claves de acceso", "Access keys"),
                    &u.map_or(1, |u| u.access_keys).to_string(),
                    vec!["0".into(), "1".into(), "2".into()],
                ),
            ]),
            password: None,
            revealed: false,
        }
    }

    pub fn name(&self) -> String {
        self.form.get(NAME).trim().to_string()
    }
    fn group(&self) -> String {
        self.form.get(GROUP).trim().to_string()
    }

    pub fn errors(&self) -> Vec<(usize, Text)> {
        let mut e = Vec::new();
        if let Err(t) = names::iam_name(IamKind::User, &self.name()) {
            e.push((NAME, t));
        }
        if let Err(t) = names::iam_name(IamKind::Group, &self.group()) {
            e.push((GROUP, t));
        }
        if self.form.list(POLICIES).is_empty() {
            e.push((
                POLICIES,
                tr!(es: "elige al menos una política", en: "choose at least one policy"),
            ));
        }
        e
    }

    fn parts(&self) -> (Group, User) {
        (
            Group {
                name: self.group(),
                policies: self.form.list(POLICIES),
            },
            User {
                name: self.name(),
                groups: vec![self.group()],
                console_access: self.form.on(CONSOLE),
                access_keys: self.form.get(KEYS).parse().unwrap_or(1),
            },
        )
    }

    pub fn write(&self, plan: &mut Plan) {
        let (g, u) = self.parts();
        match plan.groups.first_mut() {
            Some(x) => *x = g,
            None => plan.groups.push(g),
        }
        match plan.users.first_mut() {
            Some(x) => *x = u,
            None => plan.users.push(u),
        }
    }

    pub fn partial(&self, plan: &Plan) -> Plan {
        let (g, u) = self.parts();
        Plan {
            version: plan.version,
            roles: vec![],
            groups: vec![g],
            users: vec![u],
            security_groups: vec![],
            instances: vec![],
            buckets: vec![],
            lambdas: vec![],
        }
    }

    /// What Enter runs, from the export generator (the same commands `pasos export` writes).
    pub fn calls(&self, o: &crate::export::Options) -> Vec<Call> {
        super::teach::calls(&self.partial(&super::teach::empty_plan()), o)
    }
}

/// `••••••••` unless revealed.
pub fn masked(secret: &Secret, revealed: bool) -> String {
    if revealed {
        secret.expose().to_string()
    } else {
        "•".repeat(12)
    }
}

pub fn render(f: &mut Frame, area: Rect, c: &Common, s: &UserScreen) {
    let mut extra = Vec::new();
    if let Some((pw, url)) = &s.password {
        let label = Text::fixed(
            "Contraseña de consola (se muestra una vez; v: ver)",
            "Console password (shown once; v: reveal)",
        );
        extra.push(Line::styled(
            format!("  * {}: {}", label.get(c.lang), masked(pw, s.revealed)),
            Style::default().fg(Color::Yellow),
        ));
        extra.push(Line::styled(format!("     {url}"), dim()));
    }
    view::step(
        f,
        area,
        c,
        &explain(),
        &s.form,
        &s.errors(),
        &|_, _| None,
        extra,
        &s.calls(&c.export),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Event;
    use crate::tui::app::{Cmd, Msg, Screen};
    use crate::tui::testing::{app, key, render, snapshots};
    use crossterm::event::KeyCode;

    #[test]
    fn runs_group_and_user_and_masks_the_password() {
        let mut a = app();
        a.screen = Screen::User;
        match a.update(key(KeyCode::Enter)) {
            Some(Cmd::Apply(lp)) => {
                assert_eq!(lp.plan.users[0].name, "alumno");
                assert_eq!(lp.plan.groups[0].policies, vec!["AmazonEC2FullAccess"]);
            }
            other => panic!("{other:?}"),
        }
        a.update(Msg::Engine(Event::ConsolePassword {
            user: "alumno".into(),
            password: Secret::new("FAKE-pw-123".into()),
            sign_in_url: "https://000000000000.signin.aws.amazon.com/console".into(),
        }));
        let screen = render(&a, 120, 40);
        assert!(!screen.contains("FAKE-pw-123"));
        assert!(screen.contains("••••"));
        a.update(key(KeyCode::Char('v')));
        assert!(render(&a, 120, 40).contains("FAKE-pw-123"));
    }

    #[test]
    fn console_toggle() {
        let mut a = app();
        a.screen = Screen::User;
        a.update(key(KeyCode::Tab));
        a.update(key(KeyCode::Tab));
        a.update(key(KeyCode::Char(' ')));
        assert!(!a.user.form.on(CONSOLE));
        assert!(
            !a.user
                .calls(&a.teach.options(&a.base_dir, None))
                .iter()
                .any(|c| c.api.contains("LoginProfile"))
        );
    }

    #[test]
    fn snapshot() {
        snapshots(Screen::User, "user", |_| {});
    }
}
