//! The wizard's share of issue #14: the live diagram's states, what the new role and user may do
//! (iam:SimulatePrincipalPolicy), the cost of what is alive, the JSON documents, and the calls panels
//! built by the export generator (so the wizard, its `c` view and `pasos export` never disagree).
//! The app holds one `Teach`; the runtime performs its `TeachCmd`s and answers with `TeachMsg`s.

use super::widgets::Call;
use crate::cloud::freetier::AccountPlan;
use crate::cloud::iam_sim::{Answer, Principal};
use crate::cost::ResourceCost;
use crate::diagram::{Diagram, State};
use crate::engine::journal::Entry;
use crate::engine::{Event, Res};
use crate::export::{self, Options};
use crate::i18n::{Lang, Text};
use crate::plan::Plan;
use crate::tr;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// A full-screen view over the current screen (any key closes it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Overlay {
    Diagram,
    Json,
}

/// Work for the runtime.
#[derive(Debug)]
pub enum TeachCmd {
    /// Simulate these principals (user or role names) over the curated actions.
    Simulate(Vec<String>),
    /// Read each live resource's cost facts (instance types, free tier, the account plan).
    Costs(Vec<(Res, Option<u64>)>),
}

/// A principal's simulation, or why there is none.
pub type Simulation = Result<(Principal, Vec<Answer>), Text>;

/// The runtime's answers.
#[derive(Debug)]
pub enum TeachMsg {
    Simulated(Vec<(String, Simulation)>),
    Costs(Vec<(Res, ResourceCost)>, Option<AccountPlan>),
    /// Birth times of live resources, by journal key (for ages).
    Births(BTreeMap<String, u64>),
}

#[derive(Clone, Debug, Default)]
pub struct Teach {
    /// Node states by id, from the journal and the events (the diagram is rebuilt from the forms).
    states: BTreeMap<String, State>,
    pub overlay: Option<Overlay>,
    /// How far the overlay is scrolled (↑/↓, PgUp/PgDn).
    pub scroll: u16,
    /// principal name → its simulation (or why there is none).
    pub sims: BTreeMap<String, Simulation>,
    pub costs: Vec<(Res, ResourceCost)>,
    pub account_plan: Option<AccountPlan>,
    pub births: BTreeMap<String, u64>,
    /// The packaged resizer the calls panels name (set by the runtime).
    pub resizer_zip: PathBuf,
}

impl Teach {
    /// The diagram of `plan` with the states seen so far.
    pub fn diagram(&self, plan: &Plan) -> Diagram {
        let mut d = crate::diagram::from_plan(plan);
        for n in &mut d.nodes {
            if let Some(s) = self.states.get(&n.id) {
                n.state = *s;
            }
        }
        d
    }

    fn remember(&mut self, d: &Diagram) {
        for n in &d.nodes {
            self.states.insert(n.id.clone(), n.state);
        }
    }

    pub fn event(&mut self, plan: &Plan, ev: &Event) {
        let mut d = self.diagram(plan);
        d.event(ev);
        self.remember(&d);
    }

    pub fn journal(&mut self, plan: &Plan, live: &[Entry]) -> TeachCmd {
        let mut d = self.diagram(plan);
        d.apply_journal(live);
        self.remember(&d);
        TeachCmd::Costs(
            live.iter()
                .map(|e| (e.res.clone(), self.births.get(&e.res.key()).copied()))
                .collect(),
        )
    }

    pub fn update(&mut self, m: TeachMsg) {
        match m {
            TeachMsg::Simulated(list) => self.sims.extend(list),
            TeachMsg::Costs(c, plan) => {
                self.costs = c;
                if plan.is_some() {
                    self.account_plan = plan;
                }
            }
            TeachMsg::Births(b) => self.births = b,
        }
    }

    /// Export options for the calls panels: the connection's region, the plan's folder.
    pub fn options(&self, base_dir: &std::path::Path, region: Option<&str>) -> Options {
        let mut o = Options::new(base_dir, &self.resizer_zip);
        o.region = region.map(str::to_string);
        o
    }

    /// The simulation lines for a step's checklist: a title and one line per action.
    pub fn sim_checks(&self, names: &[String], lang: Lang) -> Vec<(String, Vec<Text>)> {
        let mut out = Vec::new();
        for n in names {
            let Some(r) = self.sims.get(n) else { continue };
            let title = tr!(
                es: "Qué puede hacer {n} (iam:SimulatePrincipalPolicy)",
                en: "What {n} can do (iam:SimulatePrincipalPolicy)"
            );
            let lines = match r {
                Ok((_, answers)) => crate::cli::teach::lines(answers, Lang::Es)
                    .into_iter()
                    .zip(crate::cli::teach::lines(answers, Lang::En))
                    .map(|(es, en)| Text {
                        es: es.into(),
                        en: en.into(),
                    })
                    .collect(),
                Err(t) => vec![Text::fixed("✗ ", "✗ ").join("", t)],
            };
            out.push((title.get(lang).to_string(), lines));
        }
        out
    }

    /// Billable resources alive and their estimated cost per hour.
    pub fn alive(&self) -> (usize, f64) {
        let n = self
            .costs
            .iter()
            .filter(|(r, _)| crate::cost::billable(r))
            .count();
        let per_hour = self.costs.iter().filter_map(|(_, c)| c.usd_per_hour).sum();
        (n, per_hour)
    }

    /// The one line printed on quitting real AWS with resources alive (it never blocks quitting).
    pub fn quit_line(&self, sandbox: bool, lang: Lang) -> Option<String> {
        if sandbox {
            return None;
        }
        let (n, h) = self.alive();
        crate::cost::quit_line(n, h, lang).map(|t| t.get(lang).to_string())
    }

    /// Cost lines for the welcome and rollback panels: one per billable resource, then the total,
    /// the account plan when known, and where the prices come from.
    pub fn cost_lines(&self, region: &str, lang: Lang) -> Vec<(String, bool)> {
        let mut out = Vec::new();
        for (r, c) in self.costs.iter().filter(|(r, _)| crate::cost::billable(r)) {
            out.push((crate::cost::line(r, c, lang), c.usd_per_hour.is_some()));
        }
        if out.is_empty() {
            return out;
        }
        let (_, h) = self.alive();
        let x = crate::cost::usd(h, lang);
        out.push((
            tr!(es: "Total estimado: ≈{x} USD/h", en: "Estimated total: ≈{x} USD/h")
                .get(lang)
                .to_string(),
            h > 0.0,
        ));
        if let Some(p) = &self.account_plan {
            let plan = &p.plan;
            out.push((
                tr!(es: "Plan de la cuenta: {plan}", en: "Account plan: {plan}")
                    .get(lang)
                    .to_string(),
                false,
            ));
        }
        out.push((
            crate::cost::source_note(&crate::cost::prices(), region)
                .get(lang)
                .to_string(),
            false,
        ));
        out
    }
}

/// Export commands as the calls panel shows them.
pub fn to_calls(cmds: Vec<export::Command>) -> Vec<Call> {
    cmds.into_iter()
        .filter(|c| !c.api.is_empty())
        .map(|c| Call::new(c.api, c.shell))
        .collect()
}

/// A step screen's calls: the export generator over the screen's partial plan.
pub fn calls(partial: &Plan, o: &Options) -> Vec<Call> {
    to_calls(export::calls(partial, o))
}

/// An empty plan, for screens that build their partial plan from it.
pub fn empty_plan() -> Plan {
    Plan {
        version: 1,
        roles: vec![],
        groups: vec![],
        users: vec![],
        security_groups: vec![],
        instances: vec![],
        buckets: vec![],
        lambdas: vec![],
    }
}

/// The rollback screen's calls: what deleting the selected rows — and what hangs off them, as the
/// engine's `--only` selection decides — runs, in its order.
pub fn rollback_calls(live: &[Res], selected: &[&Res]) -> Vec<Call> {
    let mut res: Vec<Res> = Vec::new();
    if selected.is_empty() {
        res = live.to_vec();
    }
    for s in selected {
        for r in crate::engine::rollback::selection(live, Some(&s.key())).unwrap_or_default() {
            if !res.contains(&r) {
                res.push(r);
            }
        }
    }
    res.sort_by_key(|r| std::cmp::Reverse(r.delete_rank()));
    to_calls(res.iter().flat_map(export::delete_commands).collect())
}
