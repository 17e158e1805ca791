//! The wizard's key handling: a key becomes an `Action` (from the one key table), the action changes
//! the `App` and may ask for a `Cmd`. Split from app.rs, whose private state it shares as a child
//! module.

use super::{App, Cmd, Screen};
use crate::plan::LoadedPlan;
use crate::tr;
use crate::tui::confirm;
use crate::tui::keymap::{self, Action};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

impl App {
    pub(super) fn key(&mut self, k: KeyEvent) -> Option<Cmd> {
        if k.modifiers.contains(KeyModifiers::CONTROL) && k.code == KeyCode::Char('c') {
            return self.ask_quit();
        }
        if let Some(c) = self.confirm.as_mut() {
            return match c.key(k) {
                confirm::Answer::Pending => None,
                confirm::Answer::No => {
                    self.confirm = None;
                    None
                }
                confirm::Answer::Yes(what) => {
                    self.confirm = None;
                    self.confirmed(what)
                }
            };
        }
        if self.teach.overlay.is_some() {
            // The overlay scrolls; any other key closes it.
            let t = &mut self.teach;
            match k.code {
                KeyCode::Down | KeyCode::Char('j') => t.scroll = t.scroll.saturating_add(1),
                KeyCode::Up | KeyCode::Char('k') => t.scroll = t.scroll.saturating_sub(1),
                KeyCode::PageDown => t.scroll = t.scroll.saturating_add(10),
                KeyCode::PageUp => t.scroll = t.scroll.saturating_sub(10),
                _ => {
                    t.overlay = None;
                    t.scroll = 0;
                }
            }
            return None;
        }
        // The full-screen explanation scrolls; any other key closes it (and the help) and does
        // nothing else.
        if self.explain {
            let max = self.view.text_max.get();
            match k.code {
                KeyCode::Char('j') | KeyCode::Down => {
                    self.view.text = (self.view.text + 1).min(max)
                }
                KeyCode::PageDown => self.view.text = (self.view.text + 10).min(max),
                KeyCode::Char('k') | KeyCode::Up => {
                    self.view.text = self.view.text.saturating_sub(1)
                }
                KeyCode::PageUp => self.view.text = self.view.text.saturating_sub(10),
                _ => self.explain = false,
            }
            return None;
        }
        if self.help {
            self.help = false;
            return None;
        }
        // A field being edited takes the keys first. Enter and Esc end editing and do nothing else:
        // Enter runs a step only from the browsing state.
        if let Some(form) = self.form_mut()
            && form.editing
        {
            match k.code {
                KeyCode::Esc | KeyCode::Enter => form.editing = false,
                KeyCode::Tab => form.next(),
                KeyCode::BackTab => form.prev(),
                KeyCode::F(2) => self.lang = self.lang.toggle(),
                _ => {
                    return match form.key(k) {
                        crate::tui::widgets::Outcome::Search(q) => Some(Cmd::SearchPolicies(q)),
                        _ => None,
                    };
                }
            }
            return None;
        }
        if k.modifiers
            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
        {
            return None;
        }
        let action = keymap::lookup(k.code, self.screen)?;
        self.action(action)
    }

    /// A paste edits the field being edited; anywhere else it is refused, and never runs a step.
    pub(super) fn paste(&mut self, text: &str) -> Option<Cmd> {
        let outcome = self.form_mut().map(|f| f.paste(text));
        match outcome {
            Some(crate::tui::widgets::Outcome::Search(q)) => Some(Cmd::SearchPolicies(q)),
            Some(crate::tui::widgets::Outcome::Changed) => None,
            _ => {
                self.say(
                    tr!(es: "Pegado ignorado: pulsa Tab para editar un campo y pega ahí.", en: "Paste ignored: press Tab to edit a field and paste there."),
                    true,
                );
                None
            }
        }
    }

    pub fn form_mut(&mut self) -> Option<&mut crate::tui::widgets::Form> {
        match self.screen {
            Screen::Role => Some(&mut self.role.form),
            Screen::User => Some(&mut self.user.form),
            Screen::Ec2 => Some(&mut self.ec2.form),
            Screen::Lambda => Some(&mut self.lambda.form),
            Screen::TryIt => Some(&mut self.try_it.photo),
            _ => None,
        }
    }

    pub(super) fn ask_quit(&mut self) -> Option<Cmd> {
        if self.busy.is_some() {
            self.confirm = Some(confirm::Confirm::new(
                tr!(es: "Hay trabajo en marcha. ¿Salir igualmente? Lo ya creado queda en el diario.", en: "Work is running. Quit anyway? What was created stays in the journal."),
                confirm::What::Quit,
            ));
            None
        } else {
            self.quit = true;
            Some(Cmd::Quit)
        }
    }

    pub(super) fn go(&mut self, s: Screen) -> Option<Cmd> {
        if s != self.screen {
            self.view = Default::default();
            // A message about the screen being left is stale on the next one; errors stay.
            if self.status.as_ref().is_some_and(|st| !st.1) {
                self.status = None;
            }
        }
        self.screen = s;
        match s {
            Screen::Keys => Some(Cmd::ListKeys(self.user.name())),
            Screen::Rollback | Screen::Welcome => Some(Cmd::RefreshJournal),
            _ => None,
        }
    }

    pub(super) fn action(&mut self, a: Action) -> Option<Cmd> {
        let i = self.screen.index();
        match a {
            Action::Quit => return self.ask_quit(),
            Action::Help => self.help = true,
            Action::Explain => self.explain = true,
            Action::Lang => self.lang = self.lang.toggle(),
            Action::ToggleCli => self.show_cli = !self.show_cli,
            Action::Diagram => self.teach.overlay = Some(crate::tui::teach::Overlay::Diagram),
            Action::Json => self.teach.overlay = Some(crate::tui::teach::Overlay::Json),
            Action::NextScreen => return self.go(Screen::at(i + 1)),
            Action::PrevScreen => return self.go(Screen::at(i.saturating_sub(1))),
            Action::Jump(n) => return self.go(Screen::at(n)),
            Action::TextDown => self.view.text = (self.view.text + 1).min(self.view.text_max.get()),
            Action::TextUp => self.view.text = self.view.text.saturating_sub(1),
            Action::PageDown => self.view.page = (self.view.page + 4).min(self.view.page_max.get()),
            Action::PageUp => self.view.page = self.view.page.saturating_sub(4),
            Action::Up | Action::Down if self.screen.has_form() || self.screen == Screen::TryIt => {
                let n = self.list_items().len();
                self.view.cursor = if a == Action::Up {
                    self.view.cursor.min(n.saturating_sub(1)).saturating_sub(1)
                } else {
                    (self.view.cursor + 1).min(n.saturating_sub(1))
                };
            }
            Action::Copy => return self.copy(),
            Action::NextField => {
                if let Some(f) = self.form_mut() {
                    f.next();
                }
            }
            Action::PrevField => {
                if let Some(f) = self.form_mut() {
                    f.prev();
                }
            }
            Action::SavePlan => return Some(Cmd::SavePlan(self.built_plan())),
            Action::Run => return self.run(),
            _ => return self.screen_action(a),
        }
        None
    }

    /// The current screen's list under the ↑/↓ cursor.
    pub fn list_items(&self) -> Vec<crate::tui::text::Item> {
        match self.screen {
            s if s.has_form() => crate::tui::detail::items(self),
            Screen::TryIt => crate::tui::try_it::items(self),
            _ => Vec::new(),
        }
    }

    /// `y`: the value under the cursor of the screen's list goes to the clipboard.
    fn copy(&mut self) -> Option<Cmd> {
        let items = self.list_items();
        let cursor = self.view.cursor.min(items.len().saturating_sub(1));
        let Some(value) = items.get(cursor).and_then(|it| it.copy.clone()) else {
            self.say(
                tr!(es: "Nada que copiar aquí: ↑↓ elige un ARN o un comando.", en: "Nothing to copy here: ↑↓ picks an ARN or a command."),
                true,
            );
            return None;
        };
        self.say(tr!(es: "Copiado: {value}", en: "Copied: {value}"), false);
        Some(Cmd::Copy(value))
    }

    pub(super) fn screen_action(&mut self, a: Action) -> Option<Cmd> {
        match self.screen {
            Screen::Keys => {
                let user = self.user.name();
                let (cmd, ask) = self.keys.action(a, &user);
                if let Some(c) = ask {
                    self.confirm = Some(c);
                }
                if cmd.is_some() {
                    self.busy = Some(Screen::Keys);
                }
                cmd
            }
            Screen::User if a == Action::Reveal => {
                self.user.revealed = !self.user.revealed;
                None
            }
            Screen::Welcome if a == Action::Retry && self.conn_error.is_some() => {
                self.conn_error = None;
                Some(Cmd::Reconnect)
            }
            Screen::Lambda if a == Action::Ack => {
                self.lambda.ack = true;
                self.say(tr!(es: "Riesgo de bucle aceptado: se activará allow_recursion.", en: "Loop risk acknowledged: allow_recursion will be set."), false);
                None
            }
            Screen::Rollback => {
                if let Some(c) = self.rollback.action(a) {
                    self.confirm = Some(c);
                }
                if a == Action::Retry && self.busy.is_none() {
                    let keys = self.rollback.failed_keys();
                    if !keys.is_empty() {
                        self.busy = Some(Screen::Rollback);
                        return Some(Cmd::Rollback(Some(keys)));
                    }
                }
                None
            }
            _ => None,
        }
    }

    pub(super) fn confirmed(&mut self, what: confirm::What) -> Option<Cmd> {
        match what {
            confirm::What::Quit => {
                self.quit = true;
                Some(Cmd::Quit)
            }
            confirm::What::DeleteKey(id) => {
                self.busy = Some(Screen::Keys);
                Some(Cmd::DeleteKey {
                    user: self.user.name(),
                    id,
                })
            }
            confirm::What::Rollback(keys) => {
                self.busy = Some(Screen::Rollback);
                self.rollback.start(keys.as_deref());
                Some(Cmd::Rollback(keys))
            }
        }
    }

    /// Enter: run the screen's step, or go on once it is done.
    pub(super) fn run(&mut self) -> Option<Cmd> {
        let s = self.screen;
        let next = Screen::at(s.index() + 1);
        if !s.has_form() || self.done.contains(&s) {
            return match s {
                Screen::TryIt if self.busy.is_none() && self.try_it.outcome.is_none() => {
                    self.try_now()
                }
                Screen::Rollback => None,
                _ => self.go(next),
            };
        }
        if self.busy.is_some() {
            self.say(
                tr!(es: "Espera: hay trabajo en marcha.", en: "Wait: work is running."),
                true,
            );
            return None;
        }
        if !self.connected() {
            self.say(
                tr!(es: "Aún no hay conexión con AWS.", en: "Not connected to AWS yet."),
                true,
            );
            return None;
        }
        let plan = self.built_plan();
        let partial = match s {
            Screen::Role => self.role.partial(&plan),
            Screen::User => self.user.partial(&plan),
            Screen::Ec2 => {
                if let Some(block) = self.ec2.blocked() {
                    self.say(block, true);
                    return None;
                }
                self.ec2.partial(&plan)
            }
            _ => {
                if let Some(block) = self.lambda.blocked(self.lang) {
                    self.say(block, true);
                    return None;
                }
                self.lambda.partial(&plan)
            }
        };
        // Paths are typed or seen on screen by the learner: any of theirs is allowed.
        let lp = LoadedPlan {
            plan: partial,
            base_dir: self.base_dir.clone(),
            allow_outside: true,
        };
        let (findings, _) = crate::plan::validate::validate(&lp);
        if let Some(p) = findings.problems.first() {
            self.say(p.text(), true);
            return None;
        }
        self.busy = Some(s);
        self.verified.retain(|(st, _, _)| Some(*st) != s.step());
        self.made.retain(|(st, _, _)| Some(*st) != s.step());
        self.notes
            .retain(|(st, _)| Some(*st) != s.step() && *st != crate::engine::Step::Preflight);
        self.view.cursor = 0;
        self.say(tr!(es: "Creando…", en: "Creating…"), false);
        Some(Cmd::Apply(lp))
    }

    pub(super) fn try_now(&mut self) -> Option<Cmd> {
        if !self.connected() {
            self.say(
                tr!(es: "Aún no hay conexión con AWS.", en: "Not connected to AWS yet."),
                true,
            );
            return None;
        }
        let job = self.try_it.job(&self.built_plan())?;
        self.busy = Some(Screen::TryIt);
        self.try_it.started(&job);
        Some(Cmd::TryIt(job))
    }
}
