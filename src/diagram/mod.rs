//! The architecture a plan builds, as a graph whose nodes carry their state: planned, creating,
//! created, verified, failed, deleting, deleted. Built from the plan, updated from the journal and the
//! engine's events (the same stream both fronts watch), drawn as text, Mermaid or Graphviz dot.
//!
//! Nodes are keyed like the journal (`role:ec2-s3-dynamodb`), so an event about a resource finds its
//! node without a lookup table. A trigger whose output fires it again is an edge back to it, marked
//! as a cycle (red where colour exists).

mod build;
pub mod graph;
pub mod text;

pub use build::from_plan;

use crate::engine::journal::Entry;
use crate::engine::{Event, Step};
use crate::i18n::{Lang, Text};

/// What a node is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Role,
    Profile,
    Instance,
    SecurityGroup,
    User,
    Group,
    Policy,
    Bucket,
    Trigger,
    Function,
    /// Where the function writes (a bucket and prefix: a place, not a resource).
    Output,
}

impl Kind {
    pub fn word(self) -> Text {
        match self {
            Kind::Role => Text::fixed("rol", "role"),
            Kind::Profile => Text::fixed("perfil", "profile"),
            Kind::Instance => Text::fixed("instancia", "instance"),
            Kind::SecurityGroup => Text::fixed("grupo de seg.", "sec. group"),
            Kind::User => Text::fixed("usuario", "user"),
            Kind::Group => Text::fixed("grupo", "group"),
            Kind::Policy => Text::fixed("política", "policy"),
            Kind::Bucket => Text::fixed("bucket", "bucket"),
            Kind::Trigger => Text::fixed("disparador", "trigger"),
            Kind::Function => Text::fixed("λ", "λ"),
            Kind::Output => Text::fixed("salida", "output"),
        }
    }
}

/// Where a node is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    Planned,
    Creating,
    Created,
    Verified,
    Failed,
    Deleting,
    Deleted,
    /// Not a resource (the output place): no state of its own.
    None,
}

impl State {
    pub fn mark(self) -> &'static str {
        match self {
            State::Planned => "·",
            State::Creating | State::Deleting => "⟳",
            State::Created => "+",
            State::Verified => "✓",
            State::Failed => "✗",
            State::Deleted => "−",
            State::None => "",
        }
    }

    pub fn word(self) -> Text {
        match self {
            State::Planned => Text::fixed("previsto", "planned"),
            State::Creating => Text::fixed("creando", "creating"),
            State::Created => Text::fixed("creado", "created"),
            State::Verified => Text::fixed("comprobado", "verified"),
            State::Failed => Text::fixed("falló", "failed"),
            State::Deleting => Text::fixed("borrando", "deleting"),
            State::Deleted => Text::fixed("borrado", "deleted"),
            State::None => Text::fixed("", ""),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// The journal key (`role:x`), or `output:bucket/prefix` for the output place.
    pub id: String,
    pub kind: Kind,
    pub name: String,
    /// Facts for the full view: policies, type, ports, events and filter.
    pub detail: Vec<String>,
    pub state: State,
    /// The engine step that creates it.
    pub step: Step,
    /// A node whose `Verified` event covers this one (the role for its profile).
    pub verified_by: Option<String>,
}

/// Whether the output of a trigger comes back to it (the loop check's verdict).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cycle {
    No,
    Risk,
    Loop,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Edge {
    pub from: String,
    pub to: String,
    pub label: Option<String>,
    pub cycle: Cycle,
}

/// One line of the picture: node ids joined by arrows (`←` when the edge points back).
#[derive(Clone, Debug, PartialEq)]
pub struct Chain {
    pub parts: Vec<(Arrow, String)>,
    /// A note under the chain (the Lambda's role and policies).
    pub note: Option<Text>,
    /// For a trigger chain: does its output fire it again?
    pub cycle: Cycle,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Arrow {
    Start,
    Right,
    Left,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Diagram {
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
    /// (lane title, chains): EC2, IAM, S3.
    pub lanes: Vec<(Text, Vec<Chain>)>,
}

impl Diagram {
    pub fn node(&self, id: &str) -> Option<&Node> {
        self.nodes.iter().find(|n| n.id == id)
    }

    fn set(&mut self, id: &str, state: State) {
        if let Some(n) = self.nodes.iter_mut().find(|n| n.id == id) {
            n.state = state;
        }
    }

    /// What the journal says exists (confirmed) or may exist (an intent whose answer was lost).
    pub fn apply_journal(&mut self, live: &[Entry]) {
        for n in &mut self.nodes {
            if n.kind == Kind::Output {
                continue;
            }
            match live.iter().find(|e| e.res.key() == n.id) {
                Some(e) if e.confirmed && n.state != State::Verified => n.state = State::Created,
                Some(e) if e.confirmed => {}
                Some(_) => n.state = State::Creating,
                None if matches!(n.state, State::Created | State::Verified) => {
                    n.state = State::Deleted;
                }
                None => {}
            }
        }
    }

    /// Follows one engine event: apply and rollback both move nodes along.
    pub fn event(&mut self, ev: &Event) {
        match ev {
            Event::StepStarted { step, .. } => {
                for n in self.nodes.iter_mut().filter(|n| n.step == *step) {
                    if matches!(n.state, State::Planned | State::Deleted | State::Failed) {
                        n.state = State::Creating;
                    }
                }
            }
            Event::Created { resource, .. } | Event::AlreadyThere { resource, .. } => {
                let id = resource.key();
                if self.node(&id).is_some_and(|n| n.state != State::Verified) {
                    self.set(&id, State::Created);
                }
            }
            Event::Verified { resource, .. } => {
                let id = resource.key();
                for n in &mut self.nodes {
                    if n.id == id
                        || (n.verified_by.as_deref() == Some(id.as_str())
                            && n.state == State::Created)
                    {
                        n.state = State::Verified;
                    }
                }
            }
            Event::Failed { step, .. } => {
                let (from, to) = if *step == Step::Rollback {
                    (State::Deleting, State::Failed)
                } else {
                    (State::Creating, State::Failed)
                };
                for n in self.nodes.iter_mut().filter(|n| n.state == from) {
                    if *step == Step::Rollback || n.step == *step {
                        n.state = to;
                    }
                }
            }
            Event::ApiCall {
                service, target, ..
            } if service == "rollback" => self.set(target, State::Deleting),
            Event::Deleted { resource } => self.set(&resource.key(), State::Deleted),
            Event::Done { .. } => {
                // What a run never reached is still only planned.
                for n in &mut self.nodes {
                    if n.state == State::Creating {
                        n.state = State::Planned;
                    }
                }
            }
            _ => {}
        }
    }

    /// `✓ rol ec2-s3-dynamodb` — a node as one token.
    pub fn token(&self, id: &str, lang: Lang) -> String {
        match self.node(id) {
            Some(n) if n.kind == Kind::Output => n.name.clone(),
            Some(n) => format!("{} {} {}", n.state.mark(), n.kind.word().get(lang), n.name),
            None => id.to_string(),
        }
    }
}

#[cfg(test)]
mod tests;
