//! The wizard's state machine: `App`, the messages it reacts to (`Msg`), the work it asks for
//! (`Cmd`) and `update`. No terminal and no SDK here: the runtime performs `Cmd`s and sends `Msg`s.

use super::{confirm, ec2, keys, lambda, role, rollback, try_it, user};
use crate::cloud::Identity;
use crate::cloud::iam::KeyInfo;
use crate::engine::journal::Entry;
use crate::engine::{Event, Res, Secret, Step};
use crate::i18n::{Lang, Text};
use crate::plan::{LoadedPlan, Plan};
use crate::tr;
use crossterm::event::KeyEvent;
use std::path::PathBuf;

#[path = "app_events.rs"]
mod app_events;
#[path = "app_keys.rs"]
mod app_keys;

pub use super::screen::Screen;

/// What the runtime tells the app.
#[derive(Debug)]
pub enum Msg {
    Key(KeyEvent),
    /// Text pasted into the terminal (bracketed paste): it edits a field, it never runs a step.
    Paste(String),
    Tick,
    Connected(Result<Identity, Text>),
    Journal(Vec<Entry>),
    Engine(Event),
    ApplyDone(bool),
    Policies {
        query: String,
        found: Result<Vec<(String, String)>, Text>,
    },
    Keys(Result<Vec<KeyInfo>, Text>),
    KeyCreated(Result<(String, Secret), Text>),
    FreeTier(Vec<String>),
    Tried(Result<try_it::Outcome, Text>),
    /// The two photos of Try it, decoded small for the terminal (original, resized).
    Previews(Option<super::photo::Pixels>, Option<super::photo::Pixels>),
    /// An operation finished: its text for the status line, and whether it failed.
    Status(Text, bool),
    /// The background build of the bundled resizer moved on.
    Resizer(super::resizer_status::ResizerState),
    /// Diagram, simulations and cost (issue #14).
    Teach(super::teach::TeachMsg),
}

/// Work for the runtime.
#[derive(Debug)]
pub enum Cmd {
    Apply(LoadedPlan),
    SearchPolicies(String),
    ListKeys(String),
    CreateKey(String),
    SetKeyActive {
        user: String,
        id: String,
        active: bool,
    },
    DeleteKey {
        user: String,
        id: String,
    },
    SaveKey {
        profile: String,
        id: String,
        secret: Secret,
    },
    SavePlan(Plan),
    FreeTier,
    TryIt(try_it::Job),
    /// Decodes the original and the resized photo small enough for the terminal.
    Preview(super::photo::Job),
    /// Puts text on the clipboard (OSC 52).
    Copy(String),
    Rollback(Option<Vec<String>>),
    RefreshJournal,
    /// Connect again after a failed start (no network, sandbox not up yet).
    Reconnect,
    Many(Vec<Cmd>),
    Quit,
    /// Simulations and cost reads (issue #14).
    Teach(super::teach::TeachCmd),
}

/// Something the engine reported about a step: a fact worth knowing, a warning or a failure.
#[derive(Clone, Debug, PartialEq)]
pub struct Note {
    pub text: Text,
    pub kind: NoteKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoteKind {
    Info,
    Warning,
    Error,
}

/// Where the current screen is scrolled. The `max` cells are written while drawing (only the
/// drawing knows how the text wraps) so keys stop scrolling at the end.
#[derive(Debug, Default)]
pub struct ViewState {
    /// First line of the explanation (j/k).
    pub text: usize,
    /// First line of the other long panel (PgUp/PgDn).
    pub page: usize,
    /// The cursor in the result panel (↑/↓, y copies).
    pub cursor: usize,
    pub text_max: std::cell::Cell<usize>,
    pub page_max: std::cell::Cell<usize>,
}

pub struct App {
    pub lang: Lang,
    pub screen: Screen,
    pub today: String,
    pub now_epoch: i64,
    pub plan: Plan,
    pub base_dir: PathBuf,
    pub plan_path: Option<PathBuf>,
    pub ident: Option<Identity>,
    pub conn_error: Option<Text>,
    pub journal: Vec<Entry>,
    pub role: role::RoleScreen,
    pub user: user::UserScreen,
    pub keys: keys::KeysScreen,
    pub ec2: ec2::Ec2Screen,
    pub lambda: lambda::LambdaScreen,
    pub try_it: try_it::TryScreen,
    pub rollback: rollback::RollbackScreen,
    pub show_cli: bool,
    pub help: bool,
    /// The current screen's explanation in a full-screen popup (it does not fit a small terminal).
    pub explain: bool,
    pub confirm: Option<confirm::Confirm>,
    /// The screen whose work is running.
    pub busy: Option<Screen>,
    pub spinner: usize,
    pub status: Option<(Text, bool)>,
    /// Progress lines of the engine (events, rendered in the current language).
    pub log: Vec<Event>,
    pub verified: Vec<(Step, Res, Vec<Text>)>,
    /// Resources each step created or found (with their ids), in order.
    pub made: Vec<(Step, Res, super::results::Mark)>,
    /// Warnings and failures of each step: they stay on its screen until it runs again.
    pub notes: Vec<(Step, Note)>,
    /// The step the engine is in (warnings carry no step of their own).
    pub current_step: Option<Step>,
    pub done: Vec<Screen>,
    /// Scroll positions and cursor of the current screen.
    pub view: ViewState,
    /// `NO_COLOR`: the frame is drawn without colours.
    pub no_color: bool,
    /// The bundled resizer's background build (welcome and Lambda screens show it).
    pub resizer: super::resizer_status::ResizerState,
    /// The live diagram, simulations, cost, JSON view (issue #14).
    pub teach: super::teach::Teach,
    pub quit: bool,
}

impl App {
    pub fn new(
        lang: Lang,
        lp: LoadedPlan,
        plan_path: Option<PathBuf>,
        today: String,
        now_epoch: i64,
    ) -> App {
        let p = &lp.plan;
        App {
            lang,
            screen: Screen::Welcome,
            role: role::RoleScreen::from_plan(p),
            user: user::UserScreen::from_plan(p),
            keys: keys::KeysScreen::from_plan(p),
            ec2: ec2::Ec2Screen::from_plan(&lp),
            lambda: lambda::LambdaScreen::from_plan(p),
            try_it: try_it::TryScreen::default(),
            rollback: rollback::RollbackScreen::default(),
            today,
            now_epoch,
            plan: lp.plan,
            base_dir: lp.base_dir,
            plan_path,
            ident: None,
            conn_error: None,
            journal: Vec::new(),
            show_cli: false,
            help: false,
            explain: false,
            confirm: None,
            busy: None,
            spinner: 0,
            status: None,
            log: Vec::new(),
            verified: Vec::new(),
            made: Vec::new(),
            notes: Vec::new(),
            current_step: None,
            done: Vec::new(),
            view: ViewState::default(),
            no_color: false,
            resizer: Default::default(),
            teach: Default::default(),
            quit: false,
        }
    }

    pub fn connected(&self) -> bool {
        self.ident.is_some()
    }

    pub fn say(&mut self, t: Text, error: bool) {
        self.status = Some((t, error));
    }

    /// The plan as the forms say now.
    pub fn built_plan(&self) -> Plan {
        let mut p = self.plan.clone();
        self.role.write(&mut p);
        self.user.write(&mut p);
        self.ec2.write(&mut p);
        self.lambda.write(&mut p);
        p
    }

    /// Checklist of a step: (resource label, checks).
    pub fn checks(&self, step: Step) -> Vec<(String, Vec<Text>)> {
        self.verified
            .iter()
            .filter(|(s, _, _)| *s == step)
            .map(|(_, r, c)| (r.label(self.lang), c.clone()))
            .collect()
    }

    /// Whether a form field is being edited (keys type into it).
    pub fn editing(&self) -> bool {
        let form = match self.screen {
            Screen::Role => &self.role.form,
            Screen::User => &self.user.form,
            Screen::Ec2 => &self.ec2.form,
            Screen::Lambda => &self.lambda.form,
            Screen::TryIt => &self.try_it.photo,
            _ => return false,
        };
        form.editing
    }

    pub fn log_lines(&self) -> Vec<String> {
        self.log.iter().map(|e| e.line(self.lang)).collect()
    }

    pub fn update(&mut self, msg: Msg) -> Option<Cmd> {
        match msg {
            Msg::Key(k) => self.key(k),
            Msg::Paste(text) => self.paste(&text),
            Msg::Previews(original, resized) => {
                self.try_it.previews = (original, resized);
                None
            }
            Msg::Tick => {
                self.spinner = self.spinner.wrapping_add(1);
                None
            }
            Msg::Resizer(s) => {
                self.resizer = s;
                None
            }
            Msg::Connected(Ok(id)) => {
                self.keys.root = super::welcome::root_on_aws(&id);
                self.ident = Some(id);
                self.conn_error = None;
                let u = self.user.name();
                Some(Cmd::Many(vec![
                    Cmd::RefreshJournal,
                    Cmd::FreeTier,
                    Cmd::ListKeys(u),
                ]))
            }
            Msg::Connected(Err(t)) => {
                self.conn_error = Some(t.clone());
                self.say(t, true);
                None
            }
            Msg::Journal(j) => {
                // A step whose resources were all rolled back is no longer done.
                self.done
                    .retain(|s| j.iter().any(|e| super::welcome::screen_of(&e.res) == *s));
                self.rollback.load(&j);
                let costs = self.teach.journal(&self.built_plan(), &j);
                self.journal = j;
                Some(Cmd::Teach(costs))
            }
            Msg::Teach(m) => {
                self.teach.update(m);
                None
            }
            Msg::Engine(ev) => self.event(ev),
            Msg::ApplyDone(ok) => {
                let screen = self.busy.take();
                if let Some(s) = screen.filter(|_| ok) {
                    if !self.done.contains(&s) {
                        self.done.push(s);
                    }
                    self.say(tr!(es: "Paso terminado y comprobado. Enter para seguir.", en: "Step done and verified. Enter to go on."), false);
                }
                let u = self.user.name();
                let mut cmds = vec![Cmd::RefreshJournal, Cmd::ListKeys(u.clone())];
                // What the new identity may do now: the lesson of steps 1 and 2.
                match screen.filter(|_| ok) {
                    Some(Screen::Role) => {
                        let names = self.role.partial(&self.plan).roles;
                        let names = names.into_iter().map(|r| r.name).collect();
                        cmds.push(Cmd::Teach(super::teach::TeachCmd::Simulate(names)));
                    }
                    Some(Screen::User) => {
                        cmds.push(Cmd::Teach(super::teach::TeachCmd::Simulate(vec![u])));
                    }
                    _ => {}
                }
                Some(Cmd::Many(cmds))
            }
            Msg::Policies { query, found } => {
                let form = if self.screen == Screen::User {
                    &mut self.user.form
                } else {
                    &mut self.role.form
                };
                match found {
                    Ok(list) if form.picker.query == query => form.picker.results = list,
                    Ok(_) => {}
                    Err(t) => self.say(t, true),
                }
                None
            }
            Msg::Keys(r) => {
                match r {
                    Ok(k) => self.keys.list = k,
                    Err(t) => self.keys.error = Some(t),
                }
                None
            }
            Msg::KeyCreated(r) => {
                self.busy = None;
                match r {
                    Ok((id, secret)) => self.keys.fresh(id, secret),
                    Err(t) => self.say(t, true),
                }
                Some(Cmd::ListKeys(self.user.name()))
            }
            Msg::FreeTier(list) => {
                self.ec2.free_tier_known(list);
                None
            }
            Msg::Tried(r) => {
                self.busy = None;
                self.try_it.finish(r);
                self.try_it.preview_job().map(Cmd::Preview)
            }
            Msg::Status(t, err) => {
                if self.busy == Some(Screen::Keys) {
                    self.busy = None;
                }
                self.say(t, err);
                if self.screen == Screen::Keys {
                    Some(Cmd::ListKeys(self.user.name()))
                } else {
                    None
                }
            }
        }
    }
}
