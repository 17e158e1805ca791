//! Screen 0: who we are connected as (account, ARN, region, endpoint; SANDBOX or a red real-AWS
//! banner), the language, and each step's status from the journal.

use super::app::{App, Screen};
use super::chrome::{Target, target};
use super::widgets::{self, dim, err_style, ok_style};
use crate::cloud::Identity;
use crate::engine::Res;
use crate::i18n::{Lang, Text};
use crate::tr;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

/// What the welcome screen shows.
pub struct View {
    pub ident: Option<Identity>,
    pub error: Option<Text>,
    pub plan: Option<String>,
    /// (screen, resources in the journal for it, done in this session)
    pub steps: Vec<(Screen, usize, bool)>,
    pub resizer: super::resizer_status::ResizerState,
}

/// The screen a journaled resource belongs to.
pub fn screen_of(r: &Res) -> Screen {
    match r {
        Res::Role { .. }
        | Res::RolePolicy { .. }
        | Res::InstanceProfile { .. }
        | Res::ProfileRole { .. } => Screen::Role,
        Res::AccessKey { .. } => Screen::Keys,
        Res::Group { .. }
        | Res::GroupPolicy { .. }
        | Res::User { .. }
        | Res::UserPolicy { .. }
        | Res::LoginProfile { .. }
        | Res::Membership { .. } => Screen::User,
        Res::SecurityGroup { .. } | Res::KeyPair { .. } | Res::Instance { .. } => Screen::Ec2,
        Res::Bucket { .. }
        | Res::Function { .. }
        | Res::Permission { .. }
        | Res::Notification { .. } => Screen::Lambda,
    }
}

/// Credentials of the account's root user, on real AWS (an emulator's `:root` is harmless).
pub fn root_on_aws(id: &Identity) -> bool {
    id.arn.ends_with(":root") && target(id) == Target::Aws
}

impl View {
    pub fn of(app: &App) -> View {
        let steps = [
            Screen::Role,
            Screen::User,
            Screen::Keys,
            Screen::Ec2,
            Screen::Lambda,
        ]
        .into_iter()
        .map(|s| {
            (
                s,
                app.journal
                    .iter()
                    .filter(|e| screen_of(&e.res) == s)
                    .count(),
                app.done.contains(&s),
            )
        })
        .collect();
        View {
            ident: app.ident.clone(),
            error: app.conn_error.clone(),
            plan: app.plan_path.as_ref().map(|p| p.display().to_string()),
            steps,
            resizer: app.resizer.clone(),
        }
    }
}

pub fn explain() -> Text {
    Text::fixed(
        "pasos te guía para montar una arquitectura pequeña en AWS, paso a paso y llamando a AWS de verdad: \
         un rol para EC2, un usuario con su grupo y sus claves, un servidor EC2, y una Lambda que reduce las \
         fotos que subes a S3. Cada paso explica qué es cada cosa, enseña las llamadas que hará y comprueba el \
         resultado. Todo lo creado queda anotado en un diario para poder deshacerlo al final.",
        "pasos walks you through building a small AWS architecture, step by step and calling AWS for real: \
         a role for EC2, a user with a group and keys, an EC2 server, and a Lambda that shrinks the photos you \
         upload to S3. Each step explains what things are, shows the calls it will make and checks the result. \
         Everything created is written to a journal so you can roll it back at the end.",
    )
}

/// `side` draws the architecture panel under the steps (issue #14).
pub fn render(
    f: &mut Frame,
    area: Rect,
    lang: Lang,
    v: &View,
    view: &super::app::ViewState,
    side: &dyn Fn(&mut Frame, Rect),
) {
    let [banner, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(3)]).areas(area);
    let bold = Style::default().add_modifier(Modifier::BOLD);
    let (text, style) = match v.ident.as_ref().map(target) {
        Some(Target::Sandbox) => (
            Text::fixed(
                " SANDBOX · entorno local: nada cuesta dinero ",
                " SANDBOX · local emulator: nothing costs money ",
            ),
            bold.bg(Color::Blue).fg(Color::White),
        ),
        Some(Target::Aws) => (
            Text::fixed(
                " ⚠ AWS REAL · lo que crees puede costar dinero: deshazlo al terminar ",
                " ⚠ REAL AWS · what you create may cost money: roll it back when done ",
            ),
            bold.bg(Color::Red).fg(Color::White),
        ),
        Some(Target::Other(host)) => (
            tr!(
                es: " {host} · un endpoint que no es AWS ni el sandbox de pasos ",
                en: " {host} · an endpoint that is neither AWS nor pasos's sandbox "
            ),
            bold.bg(Color::Yellow).fg(Color::Black),
        ),
        None => (Text::fixed(" conectando… ", " connecting… "), dim()),
    };
    f.render_widget(
        Paragraph::new(Line::styled(text.get(lang).to_string(), style)),
        banner,
    );
    let [left, right] =
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(body);
    let mut lines: Vec<(String, Style)> = Vec::new();
    let l = |es: &'static str, en: &'static str| Text::fixed(es, en).get(lang).to_string();
    match &v.ident {
        Some(id) => {
            for (k, val) in [
                (l("Cuenta", "Account"), id.account.clone()),
                (l("ARN", "ARN"), id.arn.clone()),
                (l("Región", "Region"), id.region.clone()),
                (l("Endpoint", "Endpoint"), id.endpoint.clone()),
            ] {
                lines.push((format!("{k:<9} {val}"), Style::default()));
            }
            if root_on_aws(id) {
                lines.push((
                    l(
                        "⚠ Estás usando el usuario raíz (root) de la cuenta. Sus claves lo pueden todo y ninguna política lo limita: crea un usuario IAM (paso 2), usa sus credenciales y borra las claves de root.",
                        "⚠ You are using the account's root user. Its keys can do anything and no policy limits them: create an IAM user (step 2), use its credentials, and delete the root keys.",
                    ),
                    err_style().add_modifier(Modifier::BOLD),
                ));
            }
        }
        None => match &v.error {
            Some(e) => {
                lines.push((format!("✗ {}", e.get(lang)), err_style()));
                lines.push((
                    l("r: reintentar la conexión", "r: retry the connection"),
                    dim(),
                ));
            }
            None => lines.push((l("Conectando con AWS…", "Connecting to AWS…"), dim())),
        },
    }
    let code = lang.code();
    lines.push((format!("{:<9} {code} (F2)", l("Idioma", "Language")), dim()));
    if let Some(p) = &v.plan {
        lines.push((
            tr!(es: "Plan: {p}", en: "Plan: {p}").get(lang).to_string(),
            dim(),
        ));
    }
    if let Some(r) = super::resizer_status::line(lang, &v.resizer) {
        lines.push((r.to_string(), r.style));
    }
    // Who we are connected as never scrolls away: the explanation below it does.
    let inner = super::text::inner_width(left).max(1);
    let need: usize = lines
        .iter()
        .map(|(t, _)| super::text::wrap(t, inner).len())
        .sum();
    let [who, about] = Layout::vertical([
        Constraint::Length((need as u16 + 2).min(left.height.saturating_sub(5))),
        Constraint::Min(3),
    ])
    .areas(left);
    let title = Text::fixed("Conexión", "Connection");
    super::text::render_scrolled(f, who, title.get(lang), lines, 0, &Default::default(), "");
    let title = Text::fixed("pasos (e: ampliar)", "pasos (e: expand)");
    super::view::explanation_panel(f, about, lang, &title, &explain(), view);
    let mut steps = Vec::new();
    for (s, n, done) in &v.steps {
        let (mark, st) = match (done, n) {
            (true, _) => ("✓", tr!(es: "hecho y comprobado", en: "done and verified")),
            (false, 0) => ("·", tr!(es: "pendiente", en: "to do")),
            // "N in the journal": short enough for 80 columns, and no plural to get wrong.
            (false, n) => ("•", tr!(es: "{n} en el diario", en: "{n} in the journal")),
        };
        let style = if *done || *n > 0 {
            ok_style()
        } else {
            Style::default()
        };
        steps.push(Line::styled(
            format!(
                "{mark} {}. {:<8} {}",
                s.index(),
                s.title().get(lang),
                st.get(lang)
            ),
            style,
        ));
    }
    steps.push(Line::raw(""));
    steps.push(Line::styled(
        l(
            "Enter para empezar · ? ayuda · 7 deshacer",
            "Enter to start · ? help · 7 roll back",
        ),
        dim(),
    ));
    let [right, arch] = Layout::vertical([
        Constraint::Length(steps.len() as u16 + 2),
        Constraint::Min(3),
    ])
    .areas(right);
    widgets::render_text(f, right, Text::fixed("Pasos", "Steps").get(lang), steps);
    side(f, arch);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::app::{Cmd, Msg};
    use crate::tui::testing::{app, key, render, snapshots};
    use crossterm::event::KeyCode;

    #[test]
    fn enter_goes_to_the_role_and_real_aws_shows_the_banner() {
        let mut a = app();
        a.update(key(KeyCode::Char('0')));
        if let Some(id) = a.ident.as_mut() {
            id.sandbox = false;
        }
        // The sandbox flag off is not enough: an emulator's endpoint is named, never called AWS.
        assert!(!render(&a, 120, 40).contains("REAL AWS"));
        assert!(render(&a, 80, 24).starts_with(" 127.0.0.1:4566 "));
        if let Some(id) = a.ident.as_mut() {
            id.endpoint = "https://sts.us-east-1.amazonaws.com".into();
        }
        assert!(render(&a, 120, 40).contains("REAL AWS"));
        assert!(render(&a, 80, 24).starts_with(" AWS 000000000000 "));
        assert!(
            render(&a, 80, 24).contains("⚠ You are using the"),
            "root on AWS is flagged"
        );
        a.update(key(KeyCode::F(2)));
        assert!(render(&a, 120, 40).contains("AWS REAL"));
        a.update(key(KeyCode::Enter));
        assert_eq!(a.screen, Screen::Role);
    }

    #[test]
    fn connection_error_is_shown() {
        let mut a = app();
        a.ident = None;
        a.update(Msg::Connected(Err(Text::fixed(
            "sin credenciales",
            "no credentials",
        ))));
        assert!(render(&a, 80, 24).contains("no credentials"));
        assert!(render(&a, 80, 24).contains("r: retry the connection"));
        // r asks for a new connection; without an error it does nothing.
        assert!(matches!(
            a.update(key(KeyCode::Char('r'))),
            Some(Cmd::Reconnect)
        ));
        assert!(a.conn_error.is_none());
        assert!(a.update(key(KeyCode::Char('r'))).is_none());
    }

    #[test]
    fn snapshot() {
        snapshots(Screen::Welcome, "welcome", |_| {});
    }
}
