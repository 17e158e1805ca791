//! The one key table: it drives key handling, the footer hints and the `?` help popup.

use super::app::Screen;
use crate::i18n::{Lang, Text};
use crossterm::event::KeyCode;

/// What a key does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    NextField,
    PrevField,
    Run,
    Back,
    Help,
    Lang,
    Quit,
    NextScreen,
    PrevScreen,
    Jump(usize),
    ToggleCli,
    SavePlan,
    Up,
    Down,
    Reveal,
    NewKey,
    SaveKey,
    Deactivate,
    Reactivate,
    DeleteKey,
    Ack,
    Explain,
    Select,
    DeleteSel,
    DeleteAll,
    Retry,
    /// The architecture full screen (issue #14).
    Diagram,
    /// The trust policies and notification configuration as JSON (issue #14).
    Json,
}

/// Where a key works.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    Global,
    /// Screens with a form (role, user, EC2, Lambda).
    Forms,
    /// Screens with a calls panel: the forms, keys, try it and rollback.
    Calls,
    Only(Screen),
}

pub struct KeyDef {
    pub code: KeyCode,
    /// How the key is written in hints.
    pub key: &'static str,
    pub label: Text,
    pub action: Action,
    pub scope: Scope,
    /// Shown in the footer (the help popup shows every key).
    pub footer: bool,
}

const fn k(
    code: KeyCode,
    key: &'static str,
    label: Text,
    action: Action,
    scope: Scope,
    footer: bool,
) -> KeyDef {
    KeyDef {
        code,
        key,
        label,
        action,
        scope,
        footer,
    }
}

use Action as A;
use KeyCode as C;
use Scope as S;

pub const KEYS: &[KeyDef] = &[
    k(
        C::Char('?'),
        "?",
        Text::fixed("ayuda", "help"),
        A::Help,
        S::Global,
        true,
    ),
    k(
        C::Char('e'),
        "e",
        Text::fixed("explicación a pantalla completa", "explanation full screen"),
        A::Explain,
        S::Global,
        false,
    ),
    k(
        C::Char('q'),
        "q",
        Text::fixed("salir", "quit"),
        A::Quit,
        S::Global,
        true,
    ),
    k(
        C::F(2),
        "F2",
        Text::fixed("English", "español"),
        A::Lang,
        S::Global,
        true,
    ),
    k(
        C::Enter,
        "Enter",
        Text::fixed("ejecutar / seguir", "run / go on"),
        A::Run,
        S::Global,
        true,
    ),
    k(
        C::Tab,
        "Tab",
        Text::fixed("editar campo siguiente", "edit next field"),
        A::NextField,
        S::Forms,
        true,
    ),
    k(
        C::BackTab,
        "S-Tab",
        Text::fixed("campo anterior", "previous field"),
        A::PrevField,
        S::Forms,
        false,
    ),
    k(
        C::Esc,
        "Esc",
        Text::fixed("salir del campo / atrás", "leave field / back"),
        A::Back,
        S::Global,
        false,
    ),
    k(
        C::Char('c'),
        "c",
        Text::fixed("ver comandos AWS CLI", "show AWS CLI commands"),
        A::ToggleCli,
        S::Calls,
        true,
    ),
    k(
        C::Char('g'),
        "g",
        Text::fixed("diagrama a pantalla completa", "diagram full screen"),
        A::Diagram,
        S::Global,
        false,
    ),
    k(
        C::Char('J'),
        "J",
        Text::fixed(
            "documentos JSON (confianza, notificaciones)",
            "JSON documents (trust, notifications)",
        ),
        A::Json,
        S::Global,
        false,
    ),
    k(
        C::Char('w'),
        "w",
        Text::fixed("guardar el plan", "save the plan"),
        A::SavePlan,
        S::Global,
        false,
    ),
    k(
        C::Char('!'),
        "!",
        Text::fixed("acepto el riesgo de bucle", "I accept the loop risk"),
        A::Ack,
        S::Only(Screen::Lambda),
        true,
    ),
    k(
        C::Up,
        "↑",
        Text::fixed("arriba", "up"),
        A::Up,
        S::Global,
        false,
    ),
    k(
        C::Down,
        "↓",
        Text::fixed("abajo", "down"),
        A::Down,
        S::Global,
        false,
    ),
    k(
        C::Char('n'),
        "n",
        Text::fixed("nueva clave", "new key"),
        A::NewKey,
        S::Only(Screen::Keys),
        true,
    ),
    k(
        C::Char('v'),
        "v",
        Text::fixed("mostrar/ocultar secreto", "reveal/hide secret"),
        A::Reveal,
        S::Only(Screen::Keys),
        true,
    ),
    k(
        C::Char('v'),
        "v",
        Text::fixed("mostrar/ocultar contraseña", "reveal/hide password"),
        A::Reveal,
        S::Only(Screen::User),
        true,
    ),
    k(
        C::Char('s'),
        "s",
        Text::fixed(
            "guardar en ~/.aws/credentials",
            "save to ~/.aws/credentials",
        ),
        A::SaveKey,
        S::Only(Screen::Keys),
        true,
    ),
    k(
        C::Char('d'),
        "d",
        Text::fixed("desactivar", "deactivate"),
        A::Deactivate,
        S::Only(Screen::Keys),
        true,
    ),
    k(
        C::Char('a'),
        "a",
        Text::fixed("reactivar", "reactivate"),
        A::Reactivate,
        S::Only(Screen::Keys),
        true,
    ),
    k(
        C::Char('x'),
        "x",
        Text::fixed("borrar clave", "delete key"),
        A::DeleteKey,
        S::Only(Screen::Keys),
        true,
    ),
    k(
        C::Char(' '),
        "Space",
        Text::fixed("marcar", "select"),
        A::Select,
        S::Only(Screen::Rollback),
        true,
    ),
    k(
        C::Char('D'),
        "D",
        Text::fixed("borrar lo marcado", "delete selection"),
        A::DeleteSel,
        S::Only(Screen::Rollback),
        true,
    ),
    k(
        C::Char('A'),
        "A",
        Text::fixed("borrar todo", "delete all"),
        A::DeleteAll,
        S::Only(Screen::Rollback),
        true,
    ),
    k(
        C::Char('r'),
        "r",
        Text::fixed("reintentar fallos", "retry failures"),
        A::Retry,
        S::Only(Screen::Rollback),
        true,
    ),
    k(
        C::Char('r'),
        "r",
        Text::fixed("reintentar la conexión", "retry the connection"),
        A::Retry,
        S::Only(Screen::Welcome),
        false,
    ),
    k(
        C::PageDown,
        "PgDn",
        Text::fixed("pantalla siguiente", "next screen"),
        A::NextScreen,
        S::Global,
        false,
    ),
    k(
        C::PageUp,
        "PgUp",
        Text::fixed("pantalla anterior", "previous screen"),
        A::PrevScreen,
        S::Global,
        false,
    ),
    k(
        C::Char('0'),
        "0-7",
        Text::fixed("ir a la pantalla", "jump to screen"),
        A::Jump(0),
        S::Global,
        false,
    ),
    k(
        C::Char('1'),
        "1",
        Text::fixed("", ""),
        A::Jump(1),
        S::Global,
        false,
    ),
    k(
        C::Char('2'),
        "2",
        Text::fixed("", ""),
        A::Jump(2),
        S::Global,
        false,
    ),
    k(
        C::Char('3'),
        "3",
        Text::fixed("", ""),
        A::Jump(3),
        S::Global,
        false,
    ),
    k(
        C::Char('4'),
        "4",
        Text::fixed("", ""),
        A::Jump(4),
        S::Global,
        false,
    ),
    k(
        C::Char('5'),
        "5",
        Text::fixed("", ""),
        A::Jump(5),
        S::Global,
        false,
    ),
    k(
        C::Char('6'),
        "6",
        Text::fixed("", ""),
        A::Jump(6),
        S::Global,
        false,
    ),
    k(
        C::Char('7'),
        "7",
        Text::fixed("", ""),
        A::Jump(7),
        S::Global,
        false,
    ),
];

fn in_scope(scope: Scope, screen: Screen) -> bool {
    match scope {
        Scope::Global => true,
        Scope::Forms => screen.has_form(),
        Scope::Calls => {
            screen.has_form() || matches!(screen, Screen::Keys | Screen::TryIt | Screen::Rollback)
        }
        Scope::Only(s) => s == screen,
    }
}

/// The action of a key on a screen (screen-specific keys win over global ones).
pub fn lookup(code: KeyCode, screen: Screen) -> Option<Action> {
    let hit = |pred: &dyn Fn(Scope) -> bool| {
        KEYS.iter()
            .find(|d| d.code == code && pred(d.scope) && in_scope(d.scope, screen))
            .map(|d| d.action)
    };
    hit(&|s| s != Scope::Global).or_else(|| hit(&|s| s == Scope::Global))
}

/// The footer line's hints for a screen.
pub fn footer(screen: Screen, lang: Lang) -> Vec<(&'static str, &'static str)> {
    KEYS.iter()
        .filter(|d| d.footer && in_scope(d.scope, screen))
        .map(|d| (d.key, d.label.get(lang)))
        .collect()
}

/// Every key that works on a screen, for the help popup (the digit keys appear once, as "0-7").
pub fn help(screen: Screen, lang: Lang) -> Vec<(&'static str, &'static str)> {
    KEYS.iter()
        .filter(|d| in_scope(d.scope, screen) && !d.label.get(lang).is_empty())
        .map(|d| (d.key, d.label.get(lang)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn screen_keys_win_and_digits_jump() {
        assert_eq!(lookup(C::Char('n'), Screen::Keys), Some(A::NewKey));
        assert_eq!(lookup(C::Char('n'), Screen::Role), None);
        assert_eq!(lookup(C::Char('3'), Screen::Role), Some(A::Jump(3)));
        assert_eq!(lookup(C::Char('c'), Screen::Welcome), None);
        assert_eq!(lookup(C::Char('c'), Screen::Ec2), Some(A::ToggleCli));
    }

    #[test]
    fn every_label_exists_in_both_languages() {
        for d in KEYS {
            assert_eq!(d.label.es.is_empty(), d.label.en.is_empty(), "{}", d.key);
        }
        let h = help(Screen::Rollback, Lang::Es);
        assert!(h.iter().any(|(k, _)| *k == "D"));
        assert!(!h.iter().any(|(k, _)| *k == "n"));
    }
}
