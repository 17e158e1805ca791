//! How the wizard follows the engine's events: checklists, the resources made (with their ids),
//! warnings and failures per step, secrets shown once, the rollback's progress. A child module of
//! app.rs, sharing `App`'s state.

use super::{App, Cmd, Note, NoteKind, Screen};
use crate::engine::{Event, Step};
use crate::i18n::Text;
use crate::tr;
use crate::tui::results::Mark;

impl App {
    /// What the result panels need to know about where things live.
    pub fn facts(&self) -> crate::tui::results::Facts {
        let mut f = self
            .ident
            .as_ref()
            .map(crate::tui::results::Facts::of)
            .unwrap_or_default();
        f.public_ip = self.ec2.running.as_ref().and_then(|r| r.1.clone());
        f.public_dns = self.ec2.running.as_ref().and_then(|r| r.2.clone());
        f.pem = self.ec2.pem.clone();
        f.input_prefix = Some(self.lambda.form.get(crate::tui::lambda::PREFIX).to_string());
        f
    }

    /// The resources a step made in this session, with their checks.
    pub fn outcomes(&self, step: Step) -> Vec<crate::tui::results::Outcome> {
        self.made
            .iter()
            .filter(|(s, _, _)| *s == step)
            .map(|(_, r, mark)| crate::tui::results::Outcome {
                mark: *mark,
                res: r.clone(),
                checks: self
                    .verified
                    .iter()
                    .find(|(s, v, _)| *s == step && v.key() == r.key())
                    .map(|(_, _, c)| c.clone())
                    .unwrap_or_default(),
            })
            .collect()
    }

    /// The step a warning or failure belongs to: the one the engine is in, else the running screen's.
    fn note_step(&self, step: Option<Step>) -> Step {
        step.filter(|s| *s != Step::Preflight)
            .or(self.current_step)
            .or(self.busy.and_then(Screen::step))
            .unwrap_or(Step::Preflight)
    }

    fn note(&mut self, step: Option<Step>, text: Text, kind: NoteKind) {
        let step = self.note_step(step);
        let n = Note { text, kind };
        if !self.notes.iter().any(|(s, x)| *s == step && *x == n) {
            self.notes.push((step, n));
        }
    }

    fn made(&mut self, step: Step, res: &crate::engine::Res, mark: Mark) {
        let key = res.key();
        match self.made.iter_mut().find(|(_, r, _)| r.key() == key) {
            Some(m) => {
                // Verified is the last word on a resource; its copy carries the id.
                if mark == Mark::Verified || m.2 != Mark::Verified {
                    *m = (step, res.clone(), mark);
                }
            }
            None => self.made.push((step, res.clone(), mark)),
        }
    }

    pub(super) fn event(&mut self, ev: Event) -> Option<Cmd> {
        // The live diagram follows the same events (issue #14).
        let plan = self.built_plan();
        self.teach.event(&plan, &ev);
        match &ev {
            Event::StepStarted { step, .. } => self.current_step = Some(*step),
            Event::Created { step, resource } => self.made(*step, resource, Mark::Created),
            Event::AlreadyThere { step, resource } => {
                self.made(*step, resource, Mark::AlreadyThere)
            }
            Event::Verified {
                step,
                resource,
                checks,
            } => {
                self.verified
                    .retain(|(s, r, _)| !(s == step && r.key() == resource.key()));
                self.verified
                    .push((*step, resource.clone(), checks.clone()));
                self.made(*step, resource, Mark::Verified);
            }
            Event::Warning { text } => self.note(None, text.clone(), NoteKind::Warning),
            Event::Note { text } => self.note(None, text.clone(), NoteKind::Info),
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
            Event::Failed { step, error } => {
                self.say(error.clone(), true);
                if *step != Step::Rollback {
                    self.note(Some(*step), error.clone(), NoteKind::Error);
                }
            }
            Event::KeyPairCreated { name, pem_path } => {
                let t = tr!(
                    es: "Par de claves {name}: clave privada guardada en {pem_path} (0600); no se puede volver a descargar",
                    en: "Key pair {name}: private key saved in {pem_path} (0600); it cannot be downloaded again"
                );
                self.ec2.pem = Some(pem_path.clone());
                self.note(Some(Step::Ec2), t.clone(), NoteKind::Info);
                self.say(t, false);
            }
            _ => {}
        }
        let rb = self.rollback.event(&ev);
        if let (true, Event::Done { ok, deleted, .. }) = (rb, &ev) {
            let n = *deleted;
            let t = match (*ok, n) {
                (true, 1) => {
                    tr!(es: "Deshecho: 1 recurso borrado.", en: "Rolled back: 1 resource deleted.")
                }
                (true, _) => {
                    tr!(es: "Deshecho: {n} recursos borrados.", en: "Rolled back: {n} resources deleted.")
                }
                (false, 1) => {
                    tr!(es: "Deshecho con fallos (1 borrado): r reintenta.", en: "Rolled back with failures (1 deleted): r retries.")
                }
                (false, _) => {
                    tr!(es: "Deshecho con fallos ({n} borrados): r reintenta.", en: "Rolled back with failures ({n} deleted): r retries.")
                }
            };
            self.say(t, !ok);
        }
        if matches!(ev, Event::Done { .. }) {
            self.current_step = None;
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
