//! The EC2 screen and the free tier: the type field starts on the account's first free-tier type
//! (and says why), and a type that costs money needs the cost accepted before anything launches.
//! A child module of ec2.rs.

use super::{ALLOW_PAID, Ec2Screen, TYPE, TYPES};
use crate::i18n::Text;
use crate::plan::model::FREE_TIER;
use crate::tr;
use crate::tui::widgets::Kind;

impl Ec2Screen {
    /// The account's free-tier types arrived: an untouched type field moves to the first of them
    /// (in the field's order), and says why.
    pub fn free_tier_known(&mut self, list: Vec<String>) {
        self.free_tier = list;
        let current = self.form.get(TYPE).to_string();
        if self.free_tier.is_empty() {
            return;
        }
        let first = TYPES
            .iter()
            .map(|t| t.to_string())
            .chain(self.free_tier.iter().cloned())
            .find(|t| self.free_tier.contains(t));
        // `free-tier` is resolved by the engine to this very list's first type: it stays, and its
        // mark names the type. A type the learner changed stays too.
        if self.free_tier.contains(&current) || current != self.planned_type || current == FREE_TIER
        {
            return;
        }
        if let Some(t) = first
            && let Some(f) = self.form.fields.get_mut(TYPE)
        {
            if let Kind::Choice(opts) = &mut f.kind
                && !opts.contains(&t)
            {
                opts.push(t.clone());
            }
            f.value = t.clone();
            self.switched = Some((current, t));
        }
    }

    /// Why the type field holds what it holds, once the free-tier list is known: (text, ok).
    pub fn type_reason(&self) -> Option<(Text, bool)> {
        let t = self.form.get(TYPE);
        if self.free_tier.is_empty() {
            return None;
        }
        Some(match &self.switched {
            _ if self.paid() && self.form.on(ALLOW_PAID) => (
                tr!(es: "{t} cuesta dinero: coste aceptado", en: "{t} costs money: cost accepted"),
                false,
            ),
            _ if self.paid() => (
                tr!(
                    es: "{t} no entra en la capa gratuita de esta cuenta: cuesta dinero. Elige un tipo ✓ o marca «Acepto el coste».",
                    en: "{t} is not free-tier eligible in this account: it costs money. Pick a ✓ type or set “I accept the cost”."
                ),
                false,
            ),
            Some((from, to)) if to == t => (
                tr!(es: "{t}: el tipo de la capa gratuita para esta cuenta ({from} no lo es)", en: "{t}: the free-tier type for this account ({from} is not)"),
                true,
            ),
            // The ✓ mark beside the type says it already.
            _ => return None,
        })
    }

    /// Whether the type costs money here (known only once the free-tier list arrived).
    pub fn paid(&self) -> bool {
        let t = self.form.get(TYPE);
        !self.free_tier.is_empty() && t != FREE_TIER && !self.free_tier.iter().any(|x| x == t)
    }

    /// Why launching is refused now: a paid type whose cost was not accepted.
    pub fn blocked(&self) -> Option<Text> {
        (self.paid() && !self.form.on(ALLOW_PAID))
            .then(|| self.type_reason().map(|r| r.0))
            .flatten()
    }
}
