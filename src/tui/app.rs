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

#[path = "app_keys.rs"]
mod app_keys;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Screen {
    Welcome,
    Role,
    User,
    Keys,
    Ec2,
    Lambda,
    TryIt,
    Rollback,
}

impl Screen {
    pub const ALL: [Screen; 8] = [
        Screen::Welcome,
        Screen::Role,
        Screen::User,
        Screen::Keys,
        Screen::Ec2,
        Screen::Lambda,
        Screen::TryIt,
        Screen::Rollback,
    ];
    pub fn index(self) -> usize {
        Screen::ALL.iter().position(|s| *s == self).unwrap_or(0)
    }
    pub fn at(i: usize) -> Screen {
        Screen::ALL[i.min(Screen::ALL.len() - 1)]
    }
    pub fn has_form(self) -> bool {
        matches!(
            self,
            Screen::Role | Screen::User | Screen::Ec2 | Screen::Lambda
        )
    }
    /// The engine step whose events belong to this screen.
    pub fn step(self) -> Option<Step> {
        match self {
            Screen::Role => Some(Step::Role),
            Screen::User | Screen::Keys => Some(Step::UserGroup),
            Screen::Ec2 => Some(Step::Ec2),
            Screen::Lambda => Some(Step::BucketLambda),
            Screen::Rollback => Some(Step::Rollback),
            _ => None,
        }
    }
    pub fn title(self) -> Text {
        match self {
            Screen::Welcome => Text::fixed("Bienvenida", "Welcome"),
            Screen::Role => Text::fixed("Rol", "Role"),
            Screen::User => Text::fixed("Usuario", "User"),
            Screen::Keys => Text::fixed("Claves", "Keys"),
            Screen::Ec2 => Text::fixed("EC2", "EC2"),
            Screen::Lambda => Text::fixed("Lambda", "Lambda"),
            Screen::TryIt => Text::fixed("Probar", "Try it"),
            Screen::Rollback => Text::fixed("Deshacer", "Rollback"),
        }
    }
}

/// What the runtime tells the app.
#[derive(Debug)]
pub enum Msg {
    Key(KeyEvent),
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
    Rollback(Option<Vec<String>>),
    RefreshJournal,
    /// Connect again after a failed start (no network, sandbox not up yet).
    Reconnect,
    Many(Vec<Cmd>),
    Quit,
    /// Simulations and cost reads (issue #14).
    Teach(super::teach::TeachCmd),
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
    pub done: Vec<Screen>,
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
            done: Vec::new(),
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

    pub fn log_lines(&self) -> Vec<String> {
        self.log.iter().map(|e| e.line(self.lang)).collect()
    }

    pub fn update(&mut self, msg: Msg) -> Option<Cmd> {
        match msg {
            Msg::Key(k) => self.key(k),
            Msg::Tick => {
                self.spinner = self.spinner.wrapping_add(1);
                None
            }
            Msg::Resizer(s) => {
                self.resizer = s;
                None
            }
            Msg::Connected(Ok(id)) => {
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
                self.ec2.free_tier = list;
                None
            }
            Msg::Tried(r) => {
                self.busy = None;
                self.try_it.finish(r);
                None
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

    fn event(&mut self, ev: Event) -> Option<Cmd> {
        let plan = self.built_plan();
        self.teach.event(&plan, &ev);
        match &ev {
            Event::Verified {
                step,
                resource,
                checks,
            } => {
                self.verified
                    .retain(|(s, r, _)| !(s == step && r.key() == resource.key()));
                self.verified
                    .push((*step, resource.clone(), checks.clone()));
            }
            Event::AccessKeyCreated {
                access_key_id,
                secret_access_key,
                ..
            } => {
                self.keys
                    .fresh(access_key_id.clone(), secret_access_key.clone());
            }
            Event::ConsolePassword {
                password,
                sign_in_url,
                ..
            } => {
                self.user.password = Some((password.clone(), sign_in_url.clone()));
            }
            Event::InstanceRunning {
                id,
                public_ip,
                public_dns,
                ..
            } => {
                self.ec2.running = Some((id.clone(), public_ip.clone(), public_dns.clone()));
            }
            Event::Failed { error, .. } => self.say(error.clone(), true),
            Event::KeyPairCreated { name, pem_path } => self.say(
                tr!(
                    es: "Par de claves {name}: clave privada guardada en {pem_path} (0600); no se puede volver a descargar",
                    en: "Key pair {name}: private key saved in {pem_path} (0600); it cannot be downloaded again"
                ),
                false,
            ),
            _ => {}
        }
        let rb = self.rollback.event(&ev);
        if let (true, Event::Done { ok, existing, .. }) = (rb, &ev) {
            let n = *existing;
            let t = if *ok {
                tr!(es: "Deshecho: {n} recursos borrados.", en: "Rolled back: {n} resources deleted.")
            } else {
                tr!(es: "Deshecho con fallos ({n} borrados): r reintenta.", en: "Rolled back with failures ({n} deleted): r retries.")
            };
            self.say(t, !ok);
        }
        if self.log.len() >= 300 {
            self.log.remove(0);
        }
        self.log.push(ev);
        if rb {
            self.busy = None;
            return Some(Cmd::RefreshJournal);
        }
        None
    }
}
