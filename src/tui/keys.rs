//! Screen 3: the user's access keys — list with status and age, create (secret shown once), save to a
//! credentials profile, deactivate, reactivate, delete (confirmed). At most two per user.

use super::app::Cmd;
use super::confirm::{Confirm, What};
use super::keymap::Action;
use super::user::masked;
use super::widgets::{self, dim, err_style};
use crate::cloud::iam::KeyInfo;
use crate::engine::Secret;
use crate::i18n::{Lang, Text};
use crate::plan::Plan;
use crate::tr;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;

pub fn explain() -> Text {
    Text::fixed(
        "Una clave de acceso (id + secreto) deja que la AWS CLI, un SDK o tu código actúen como este usuario. \
         El secreto solo se ve al crearla: guárdalo o créala de nuevo. Hay como mucho dos por usuario, para poder \
         rotarlas: crea la nueva, cambia tus programas, desactiva la vieja y bórrala.\n\n\
         Son credenciales de larga duración: valen hasta que las borras, así que una clave filtrada (en un \
         repositorio, en un correo) sirve a quien la encuentre. Un rol, en cambio, da credenciales temporales \
         que caducan solas. AWS recomienda credenciales temporales con IAM Identity Center \
         (`aws configure sso`) siempre que se pueda.\n\n\
         Nunca crees claves para el usuario raíz (root) de la cuenta: puede hacerlo todo, también cerrar la \
         cuenta, y ninguna política lo limita. Usa un usuario IAM como este.",
        "An access key (id + secret) lets the AWS CLI, an SDK or your code act as this user. The secret is \
         shown only when the key is created: store it or create a new one. A user has at most two, so you can \
         rotate: create the new one, switch your programs, deactivate the old one, then delete it.\n\n\
         These are long-term credentials: they work until you delete them, so a leaked key (in a repository, \
         in an email) works for whoever finds it. A role, instead, hands out temporary credentials that expire \
         on their own. AWS recommends short-term credentials with IAM Identity Center (`aws configure sso`) \
         wherever possible.\n\n\
         Never create keys for the account's root user: it can do anything, even close the account, and no \
         policy limits it. Use an IAM user like this one.",
    )
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct KeysScreen {
    pub list: Vec<KeyInfo>,
    pub sel: usize,
    /// The key just created: its secret is on screen this once.
    pub fresh: Option<(String, Secret)>,
    pub revealed: bool,
    pub error: Option<Text>,
    /// Connected as the account's root user on real AWS: warn before any key is made.
    pub root: bool,
}

impl KeysScreen {
    pub fn from_plan(_plan: &Plan) -> KeysScreen {
        KeysScreen::default()
    }

    pub fn fresh(&mut self, id: String, secret: Secret) {
        self.fresh = Some((id, secret));
        self.revealed = false;
    }

    fn selected(&self) -> Option<&KeyInfo> {
        self.list.get(self.sel)
    }

    /// A key's action: the command to run and/or a confirmation to ask.
    pub fn action(&mut self, a: Action, user: &str) -> (Option<Cmd>, Option<Confirm>) {
        self.error = None;
        let user = user.to_string();
        match a {
            Action::Up => self.sel = self.sel.saturating_sub(1),
            Action::Down => self.sel = (self.sel + 1).min(self.list.len().saturating_sub(1)),
            Action::Reveal => self.revealed = !self.revealed,
            Action::NewKey if self.list.len() >= 2 => {
                self.error = Some(tr!(
                    es: "Ya hay dos claves: AWS no permite más. Desactiva y borra una antes.",
                    en: "There are two keys already: AWS allows no more. Deactivate and delete one first."
                ));
            }
            Action::NewKey => return (Some(Cmd::CreateKey(user)), None),
            Action::SaveKey => match &self.fresh {
                Some((id, secret)) => {
                    return (
                        Some(Cmd::SaveKey {
                            profile: user,
                            id: id.clone(),
                            secret: secret.clone(),
                        }),
                        None,
                    );
                }
                None => {
                    self.error = Some(tr!(
                        es: "Solo se puede guardar una clave recién creada (n): AWS no vuelve a dar el secreto.",
                        en: "Only a key just created (n) can be saved: AWS never returns the secret again."
                    ))
                }
            },
            Action::Deactivate | Action::Reactivate => {
                if let Some(k) = self.selected() {
                    let active = a == Action::Reactivate;
                    return (
                        Some(Cmd::SetKeyActive {
                            user,
                            id: k.id.clone(),
                            active,
                        }),
                        None,
                    );
                }
            }
            Action::DeleteKey => {
                if let Some(k) = self.selected() {
                    let id = k.id.clone();
                    let q = if k.active {
                        tr!(es: "La clave {id} sigue ACTIVA: lo que la use dejará de funcionar. ¿Borrarla para siempre?", en: "Key {id} is still ACTIVE: whatever uses it will stop working. Delete it for good?")
                    } else {
                        tr!(es: "¿Borrar la clave {id} para siempre?", en: "Delete key {id} for good?")
                    };
                    return (None, Some(Confirm::new(q, What::DeleteKey(id))));
                }
            }
            _ => {}
        }
        (None, None)
    }
}

fn age(now: i64, created: Option<i64>, lang: Lang) -> String {
    let Some(c) = created else { return "?".into() };
    let s = (now - c).max(0);
    let (d, h, m) = (s / 86_400, s / 3600 % 24, s / 60 % 60);
    match (d, h, lang) {
        (0, 0, _) => format!("{m} min"),
        (0, _, _) => format!("{h} h {m} min"),
        (_, _, Lang::Es) => format!("{d} días"),
        (_, _, Lang::En) => format!("{d} days"),
    }
}

pub fn render(
    f: &mut Frame,
    area: Rect,
    lang: Lang,
    s: &KeysScreen,
    now: i64,
    view: &super::app::ViewState,
) {
    let [left, right] =
        Layout::horizontal([Constraint::Percentage(40), Constraint::Percentage(60)]).areas(area);
    let title = Text::fixed("Qué es (e: ampliar)", "What it is (e: expand)");
    super::view::explanation_panel(f, left, lang, &title, &explain(), view);
    let mut lines = Vec::new();
    if s.root {
        lines.push(Line::styled(
            Text::fixed(
                "⚠ Estás conectado como root: nunca crees claves de acceso para root.",
                "⚠ You are connected as root: never create access keys for root.",
            )
            .get(lang)
            .to_string(),
            err_style().add_modifier(Modifier::BOLD),
        ));
    }
    if s.list.is_empty() {
        lines.push(Line::styled(
            Text::fixed("Este usuario no tiene claves.", "This user has no keys.")
                .get(lang)
                .to_string(),
            dim(),
        ));
    }
    for (i, k) in s.list.iter().enumerate() {
        let status = if k.active {
            Text::fixed("activa", "active")
        } else {
            Text::fixed("inactiva", "inactive")
        };
        let style = if i == s.sel {
            Style::default().add_modifier(Modifier::REVERSED)
        } else {
            Style::default()
        };
        let color = if k.active {
            Color::Green
        } else {
            Color::DarkGray
        };
        lines.push(Line::styled(
            format!(
                "{} {}  {:<9} {}",
                if i == s.sel { "▸" } else { " " },
                k.id,
                status.get(lang),
                age(now, k.created_epoch, lang)
            ),
            style.fg(color),
        ));
    }
    lines.push(Line::styled(format!("{}/2", s.list.len()), dim()));
    lines.push(Line::raw(""));
    if let Some((id, secret)) = &s.fresh {
        let t = Text::fixed(
            "Clave nueva — el secreto se muestra solo esta vez:",
            "New key — the secret is shown this once only:",
        );
        lines.push(Line::styled(
            t.get(lang).to_string(),
            Style::default()
                .fg(Color::Yellow)
                .add_modifier(Modifier::BOLD),
        ));
        lines.push(Line::raw(format!("  AWS_ACCESS_KEY_ID     = {id}")));
        lines.push(Line::raw(format!(
            "  AWS_SECRET_ACCESS_KEY = {}",
            masked(secret, s.revealed)
        )));
        let t = Text::fixed(
            "v: ver · s: guardar en ~/.aws/credentials (0600)",
            "v: reveal · s: save to ~/.aws/credentials (0600)",
        );
        lines.push(Line::styled(format!("  {}", t.get(lang)), dim()));
    }
    if let Some(e) = &s.error {
        lines.push(Line::styled(format!("✗ {}", e.get(lang)), err_style()));
    }
    widgets::render_text(
        f,
        right,
        Text::fixed("Claves de acceso", "Access keys").get(lang),
        lines,
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::app::{Msg, Screen};
    use crate::tui::testing::{app, key, render, snapshots};
    use crossterm::event::KeyCode;

    fn keyinfo(id: &str, active: bool) -> KeyInfo {
        KeyInfo {
            id: id.into(),
            active,
            created_epoch: Some(1_790_000_000 - 7200),
        }
    }

    #[test]
    fn create_reveal_save_delete() {
        let mut a = app();
        a.update(key(KeyCode::Char('3')));
        assert_eq!(a.screen, Screen::Keys);
        assert!(
            matches!(a.update(key(KeyCode::Char('n'))), Some(Cmd::CreateKey(u)) if u == "alumno")
        );
        a.update(Msg::KeyCreated(Ok((
            "AKIAFAKE0000EXAMPLE".into(),
            Secret::new("fake/SECRET/value".into()),
        ))));
        a.update(Msg::Keys(Ok(vec![keyinfo("AKIAFAKE0000EXAMPLE", true)])));
        let shown = render(&a, 120, 40);
        assert!(shown.contains("AKIAFAKE0000EXAMPLE") && !shown.contains("fake/SECRET/value"));
        a.update(key(KeyCode::Char('v')));
        assert!(render(&a, 120, 40).contains("fake/SECRET/value"));
        assert!(
            matches!(a.update(key(KeyCode::Char('s'))), Some(Cmd::SaveKey { profile, .. }) if profile == "alumno")
        );
        a.busy = None;
        assert!(a.update(key(KeyCode::Char('x'))).is_none());
        assert!(a.confirm.is_some());
        // Enter on the default answer (No) deletes nothing.
        assert!(a.update(key(KeyCode::Enter)).is_none());
        a.update(key(KeyCode::Char('x')));
        assert!(
            matches!(a.update(key(KeyCode::Char('y'))), Some(Cmd::DeleteKey { id, .. }) if id == "AKIAFAKE0000EXAMPLE")
        );
    }

    #[test]
    fn at_most_two() {
        let mut a = app();
        a.screen = Screen::Keys;
        a.update(Msg::Keys(Ok(vec![
            keyinfo("AKIA1", true),
            keyinfo("AKIA2", false),
        ])));
        assert!(a.update(key(KeyCode::Char('n'))).is_none());
        assert!(a.keys.error.is_some());
        a.update(key(KeyCode::Down));
        assert!(
            matches!(a.update(key(KeyCode::Char('a'))), Some(Cmd::SetKeyActive { id, active: true, .. }) if id == "AKIA2")
        );
    }

    #[test]
    fn snapshot() {
        snapshots(Screen::Keys, "keys", |a| {
            a.keys.list = vec![
                keyinfo("AKIAFAKE0000EXAMPLE", true),
                keyinfo("AKIAFAKE1111EXAMPLE", false),
            ];
            a.keys.fresh(
                "AKIAFAKE1111EXAMPLE".into(),
                Secret::new("fake-secret-never-shown".into()),
            );
        });
    }
}
