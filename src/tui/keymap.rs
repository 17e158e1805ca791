//! The one key table: it drives key handling, the footer hints and the `?` help popup.
//!
//! The focus model, stated in the footer: a step screen is browsed until Tab (or Shift-Tab) starts
//! editing its fields; while a field is edited, Tab/Shift-Tab move between fields and Enter or Esc
//! ends editing. Enter runs a step only when no field is being edited, so a typed or pasted value
//! never runs one. j/k scroll the explanation, PgUp/PgDn the other long panel, ↑/↓ move the cursor
//! of a list.

use super::app::Screen;
use crate::i18n::{Lang, Text};
use crossterm::event::KeyCode;

/// What a key does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    NextField,
    PrevField,
    Run,
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
    /// Scroll the explanation (j/k).
    TextUp,
    TextDown,
    /// Scroll the screen's other long panel (PgUp/PgDn).
    PageUp,
    PageDown,
    Copy,
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
    /// Only a hint: the form handles the key itself while a field is edited.
    Hint,
    /// The architecture full screen (issue #14).
    Diagram,
    /// The trust policies and notification configuration as JSON (issue #14).
    Json,
}

/// Where a key works.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    Global,
    /// Screens with a form (role, user, EC2, Lambda), when no field is edited.
    Forms,
    /// Screens with a calls panel: the forms, keys, try it and rollback.
    Calls,
    Only(Screen),
    /// While a field is edited (hints for keys the form handles).
    Editing,
}

pub struct KeyDef {
    pub code: KeyCode,
    /// How the key is written in hints; `es|en` when the languages name it differently.
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
    es: &'static str,
    en: &'static str,
    action: Action,
    scope: Scope,
    footer: bool,
) -> KeyDef {
    KeyDef {
        code,
        key,
        label: Text::fixed(es, en),
        action,
        scope,
        footer,
    }
}

use Action as A;
use KeyCode as C;
use Scope as S;

const KEYS_SCREEN: Scope = S::Only(Screen::Keys);
const ROLLBACK: Scope = S::Only(Screen::Rollback);

/// In footer order: within a scope, the first keys are the most useful.
#[rustfmt::skip]
pub const KEYS: &[KeyDef] = &[
    k(C::Tab, "Tab", "campo siguiente", "next field", A::Hint, S::Editing, true),
    k(C::BackTab, "S-Tab", "anterior", "previous", A::Hint, S::Editing, true),
    k(C::Enter, "Enter/Esc", "terminar", "done", A::Hint, S::Editing, true),
    k(C::Left, "←→", "cambiar opción", "change option", A::Hint, S::Editing, true),
    k(C::Char(' '), "Espacio|Space", "marcar política", "pick policy", A::Hint, S::Editing, false),
    k(C::Char('u'), "Ctrl-U/W", "borrar línea/palabra", "delete line/word", A::Hint, S::Editing, true),
    k(C::Home, "Inicio/Fin|Home/End", "ir al principio/final", "go to start/end", A::Hint, S::Editing, false),
    k(C::Char('n'), "n", "nueva", "new", A::NewKey, KEYS_SCREEN, true),
    k(C::Char('v'), "v", "ver", "reveal", A::Reveal, KEYS_SCREEN, true),
    k(C::Char('s'), "s", "guardar", "save", A::SaveKey, KEYS_SCREEN, true),
    k(C::Char('d'), "d", "desactivar", "deactivate", A::Deactivate, KEYS_SCREEN, true),
    k(C::Char('a'), "a", "reactivar", "reactivate", A::Reactivate, KEYS_SCREEN, true),
    k(C::Char('x'), "x", "borrar", "delete", A::DeleteKey, KEYS_SCREEN, true),
    k(C::Char('v'), "v", "ver contraseña", "reveal password", A::Reveal, S::Only(Screen::User), true),
    k(C::Char('!'), "!", "acepto el riesgo", "accept the risk", A::Ack, S::Only(Screen::Lambda), true),
    k(C::Char(' '), "Espacio|Space", "marcar", "select", A::Select, ROLLBACK, true),
    k(C::Char('D'), "D", "borrar lo marcado", "delete selection", A::DeleteSel, ROLLBACK, true),
    k(C::Char('A'), "A", "borrar todo", "delete all", A::DeleteAll, ROLLBACK, true),
    k(C::Char('r'), "r", "reintentar fallos", "retry failures", A::Retry, ROLLBACK, true),
    k(C::Char('r'), "r", "reintentar la conexión", "retry the connection", A::Retry, S::Only(Screen::Welcome), false),
    k(C::Tab, "Tab", "elegir foto", "choose photo", A::NextField, S::Only(Screen::TryIt), true),
    k(C::Char('y'), "↑↓ y", "copiar", "copy", A::Copy, S::Only(Screen::TryIt), true),
    k(C::PageDown, "PgDn", "registros", "logs", A::PageDown, S::Only(Screen::TryIt), true),
    k(C::PageUp, "PgUp", "subir registros", "scroll logs up", A::PageUp, S::Only(Screen::TryIt), false),
    k(C::Tab, "Tab", "editar", "edit", A::NextField, S::Forms, true),
    k(C::BackTab, "S-Tab", "editar", "edit", A::PrevField, S::Forms, false),
    k(C::Enter, "Enter", "ejecutar", "run", A::Run, S::Forms, true),
    k(C::Char('c'), "c", "CLI", "CLI", A::ToggleCli, S::Calls, true),
    k(C::Char('y'), "↑↓ y", "copiar", "copy", A::Copy, S::Forms, true),
    k(C::Enter, "Enter", "seguir", "go on", A::Run, S::Global, true),
    k(C::Char('j'), "j/k", "texto", "text", A::TextDown, S::Global, true),
    k(C::Char('k'), "k", "subir el texto", "scroll text up", A::TextUp, S::Global, false),
    k(C::PageDown, "PgDn", "llamadas", "calls", A::PageDown, S::Forms, true),
    k(C::PageUp, "PgUp", "subir llamadas", "scroll calls up", A::PageUp, S::Forms, false),
    k(C::Right, "←→", "pantalla", "screen", A::NextScreen, S::Global, true),
    k(C::Left, "←", "pantalla anterior", "previous screen", A::PrevScreen, S::Global, false),
    k(C::F(2), "F2", "English", "español", A::Lang, S::Global, true),
    k(C::Char('q'), "q", "salir", "quit", A::Quit, S::Global, true),
    // The footer ends with `?` by itself (help_hint), so it is not a footer key here.
    k(C::Char('?'), "?", "ayuda: todas las teclas", "help: every key", A::Help, S::Global, false),
    k(C::Char('e'), "e", "explicación completa", "whole explanation", A::Explain, S::Global, true),
    k(C::Char('w'), "w", "guardar el plan", "save the plan", A::SavePlan, S::Global, false),
    k(C::Char('g'), "g", "diagrama a pantalla completa", "diagram full screen", A::Diagram, S::Global, false),
    k(C::Char('J'), "J", "documentos JSON (confianza, notificaciones)", "JSON documents (trust, notifications)", A::Json, S::Global, false),
    k(C::Up, "↑", "arriba", "up", A::Up, S::Global, false),
    k(C::Down, "↓", "abajo", "down", A::Down, S::Global, false),
    k(C::Char('0'), "0-7", "ir a la pantalla", "jump to screen", A::Jump(0), S::Global, false),
    k(C::Char('1'), "1", "", "", A::Jump(1), S::Global, false),
    k(C::Char('2'), "2", "", "", A::Jump(2), S::Global, false),
    k(C::Char('3'), "3", "", "", A::Jump(3), S::Global, false),
    k(C::Char('4'), "4", "", "", A::Jump(4), S::Global, false),
    k(C::Char('5'), "5", "", "", A::Jump(5), S::Global, false),
    k(C::Char('6'), "6", "", "", A::Jump(6), S::Global, false),
    k(C::Char('7'), "7", "", "", A::Jump(7), S::Global, false),
];

impl KeyDef {
    /// The key's name in a language.
    pub fn key(&self, lang: Lang) -> &'static str {
        match (self.key.split_once('|'), lang) {
            (Some((es, _)), Lang::Es) => es,
            (Some((_, en)), Lang::En) => en,
            (None, _) => self.key,
        }
    }
}

fn in_scope(scope: Scope, screen: Screen, editing: bool) -> bool {
    match scope {
        Scope::Global => !editing,
        Scope::Forms => screen.has_form() && !editing,
        Scope::Calls => {
            !editing
                && (screen.has_form()
                    || matches!(screen, Screen::Keys | Screen::TryIt | Screen::Rollback))
        }
        Scope::Only(s) => s == screen && !editing,
        Scope::Editing => editing,
    }
}

/// The action of a key on a screen, when no field is edited (screen keys win over global ones).
pub fn lookup(code: KeyCode, screen: Screen) -> Option<Action> {
    let hit = |pred: &dyn Fn(Scope) -> bool| {
        KEYS.iter()
            .find(|d| {
                d.code == code
                    && d.action != Action::Hint
                    && pred(d.scope)
                    && in_scope(d.scope, screen, false)
            })
            .map(|d| d.action)
    };
    hit(&|s| s != Scope::Global).or_else(|| hit(&|s| s == Scope::Global))
}

/// The footer's hints for a screen in table order, which puts the screen's own keys first, then
/// the form's, then the global ones; a key already hinted is not hinted again (`?` is added last
/// by the footer itself).
pub fn footer(
    screen: Screen,
    editing: bool,
    can_copy: bool,
    lang: Lang,
) -> Vec<(&'static str, &'static str)> {
    let mut seen: Vec<KeyCode> = Vec::new();
    let mut out = Vec::new();
    for d in KEYS
        .iter()
        .filter(|d| in_scope(d.scope, screen, editing) && (can_copy || d.action != Action::Copy))
    {
        if seen.contains(&d.code) {
            continue;
        }
        seen.push(d.code);
        if d.footer {
            out.push((d.key(lang), d.label.get(lang)));
        }
    }
    out
}

/// The last hint of every footer.
pub fn help_hint(lang: Lang) -> (&'static str, &'static str) {
    match lang {
        Lang::Es => ("?", "ayuda"),
        Lang::En => ("?", "help"),
    }
}

/// Every key of a screen, for the help popup: the editing keys first, marked as such; digits once,
/// as "0-7".
pub fn help(screen: Screen, lang: Lang) -> Vec<(&'static str, String)> {
    let mut seen: Vec<KeyCode> = Vec::new();
    let (mut editing_rows, mut rows) = (Vec::new(), Vec::new());
    for d in KEYS {
        let editing = d.scope == Scope::Editing && screen.has_form();
        if !(in_scope(d.scope, screen, false) || editing) || d.label.get(lang).is_empty() {
            continue;
        }
        if editing {
            editing_rows.push((d.key(lang), d.label.get(lang).to_string()));
        } else if !seen.contains(&d.code) {
            seen.push(d.code);
            rows.push((d.key(lang), d.label.get(lang).to_string()));
        }
    }
    if editing_rows.is_empty() {
        return rows;
    }
    // Headings (an empty key) say which keys work while a field is edited.
    let edit = Text::fixed("Al editar un campo:", "While editing a field:");
    let browse = Text::fixed("Si no:", "Otherwise:");
    let mut out = vec![("", edit.get(lang).to_string())];
    out.extend(editing_rows);
    out.push(("", browse.get(lang).to_string()));
    out.extend(rows);
    out
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
        assert_eq!(lookup(C::Char('c'), Screen::Rollback), Some(A::ToggleCli));
        assert_eq!(lookup(C::Char('g'), Screen::Keys), Some(A::Diagram));
        assert_eq!(lookup(C::Char('c'), Screen::Ec2), Some(A::ToggleCli));
        assert_eq!(
            lookup(C::Esc, Screen::Ec2),
            None,
            "Esc never changes screen"
        );
    }

    #[test]
    fn footer_puts_the_screens_keys_first_and_states_the_focus_model() {
        let keys: Vec<&str> = footer(Screen::Keys, false, false, Lang::Es)
            .iter()
            .map(|h| h.0)
            .collect();
        assert_eq!(&keys[..6], ["n", "v", "s", "d", "a", "x"]);
        let rb: Vec<&str> = footer(Screen::Rollback, false, false, Lang::En)
            .iter()
            .map(|h| h.0)
            .collect();
        assert_eq!(&rb[..4], ["Space", "D", "A", "r"]);
        let l: Vec<&str> = footer(Screen::Lambda, false, true, Lang::Es)
            .iter()
            .map(|h| h.0)
            .collect();
        assert_eq!(&l[..2], ["!", "Tab"]);
        let editing: Vec<&str> = footer(Screen::Role, true, false, Lang::Es)
            .iter()
            .map(|h| h.0)
            .collect();
        assert_eq!(&editing[..3], ["Tab", "S-Tab", "Enter/Esc"]);
    }

    #[test]
    fn every_label_exists_in_both_languages() {
        for d in KEYS {
            assert_eq!(d.label.es.is_empty(), d.label.en.is_empty(), "{}", d.key);
            assert!(!d.key(Lang::Es).is_empty() && !d.key(Lang::En).is_empty());
        }
        let h = help(Screen::Rollback, Lang::Es);
        assert!(h.iter().any(|(k, _)| *k == "D"));
        assert!(!h.iter().any(|(k, _)| *k == "n"));
        assert!(
            help(Screen::Role, Lang::En)
                .iter()
                .any(|(k, _)| *k == "Enter/Esc")
        );
    }
}
