//! Cost awareness: for each live resource, its free-tier status, how long it has existed (journal
//! timestamps) and, for paid instance types, an estimated price per hour from the bundled table
//! `assets/prices.toml` (us-east-1 on-demand, with its source and date). Shown by `pasos status`,
//! the welcome and rollback screens, and one line on quitting the wizard on real AWS.

use crate::cloud::Cloud;
use crate::engine::Res;
use crate::i18n::{Lang, Text};
use crate::tr;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

const TABLE: &str = include_str!("../assets/prices.toml");

/// The bundled price table.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Prices {
    pub source: String,
    pub date: String,
    pub region: String,
    pub currency: String,
    /// Instance type → USD per hour (Linux, on demand).
    pub instance: BTreeMap<String, f64>,
}

/// The table shipped with pasos (a test proves it parses; an empty one only means "no estimate").
pub fn prices() -> Prices {
    toml::from_str(TABLE).unwrap_or_default()
}

/// What the free tier says about a resource.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FreeTier {
    /// An instance type DescribeInstanceTypes marks free-tier eligible.
    Eligible,
    /// An instance type that is not: it is billed.
    NotEligible,
    /// Lambda: 1 million requests and 400,000 GB-seconds a month, always.
    AlwaysFree,
    /// S3: 5 GB Standard, 20,000 GET and 2,000 PUT a month in the first 12 months.
    #[serde(rename = "free_12_months")]
    Free12Months,
    /// IAM, security groups, key pairs, permissions, triggers: no charge of their own.
    NoCharge,
    /// Not known (the type could not be read).
    Unknown,
}

impl FreeTier {
    pub fn text(self) -> Text {
        match self {
            FreeTier::Eligible => Text::fixed("capa gratuita", "free tier"),
            FreeTier::NotEligible => Text::fixed("de pago", "paid"),
            FreeTier::AlwaysFree => Text::fixed(
                "gratis siempre hasta 1 M invocaciones y 400.000 GB-s al mes",
                "always free up to 1M requests and 400,000 GB-s a month",
            ),
            FreeTier::Free12Months => Text::fixed(
                "gratis 12 meses: 5 GB, 20.000 GET y 2.000 PUT al mes",
                "free for 12 months: 5 GB, 20,000 GET and 2,000 PUT a month",
            ),
            FreeTier::NoCharge => Text::fixed("sin coste propio", "no charge of its own"),
            FreeTier::Unknown => Text::fixed("desconocido", "unknown"),
        }
    }
}

/// The cost facts of one live resource.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ResourceCost {
    pub free_tier: FreeTier,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance_type: Option<String>,
    /// When pasos asked for it (epoch seconds, from the journal).
    pub created_at: Option<u64>,
    pub age_secs: Option<u64>,
    /// Estimated USD per hour while it exists; `None` when it costs nothing by the hour (or the
    /// type is not in the table).
    pub usd_per_hour: Option<f64>,
}

/// An instance's type and whether that type is free-tier eligible here.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InstanceFacts {
    pub instance_type: String,
    pub eligible: Option<bool>,
}

/// Resources that can cost money by themselves: instances, functions, buckets.
pub fn billable(res: &Res) -> bool {
    matches!(
        res,
        Res::Instance { .. } | Res::Function { .. } | Res::Bucket { .. }
    )
}

pub fn resource_cost(
    res: &Res,
    since: Option<u64>,
    now: u64,
    facts: Option<&InstanceFacts>,
    p: &Prices,
) -> ResourceCost {
    let (free_tier, instance_type, usd) = match res {
        Res::Instance { .. } => match facts {
            Some(f) => {
                let price = p.instance.get(&f.instance_type).copied();
                match f.eligible {
                    Some(true) => (FreeTier::Eligible, Some(f.instance_type.clone()), None),
                    Some(false) => (FreeTier::NotEligible, Some(f.instance_type.clone()), price),
                    None => (FreeTier::Unknown, Some(f.instance_type.clone()), price),
                }
            }
            None => (FreeTier::Unknown, None, None),
        },
        Res::Function { .. } => (FreeTier::AlwaysFree, None, None),
        Res::Bucket { .. } => (FreeTier::Free12Months, None, None),
        _ => (FreeTier::NoCharge, None, None),
    };
    ResourceCost {
        free_tier,
        instance_type,
        created_at: since,
        age_secs: since.map(|s| now.saturating_sub(s)),
        usd_per_hour: usd,
    }
}

/// Looks up a journaled instance's type and its free-tier eligibility.
pub async fn instance_facts(cloud: &Cloud, res: &Res) -> Option<InstanceFacts> {
    let Res::Instance { id: Some(id), .. } = res else {
        return None;
    };
    let info = cloud.describe_instance(id).await.ok().flatten()?;
    // The `free-tier-eligible` filter, as the engine decides (emulators disagree with themselves
    // between the filter and the per-type flag; AWS does not).
    let eligible = cloud
        .free_tier_types()
        .await
        .ok()
        .map(|v| v.contains(&info.instance_type));
    Some(InstanceFacts {
        instance_type: info.instance_type,
        eligible,
    })
}

pub fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// `0,0104` in Spanish, `0.0104` in English.
pub fn usd(x: f64, lang: Lang) -> String {
    let s = format!("{x:.4}");
    match lang {
        Lang::Es => s.replace('.', ","),
        Lang::En => s,
    }
}

/// `45 s`, `12 min`, `3 h 05 min`, `2 d 4 h`.
pub fn age(secs: u64) -> String {
    match secs {
        0..60 => format!("{secs} s"),
        60..3600 => format!("{} min", secs / 60),
        3600..86_400 => format!("{} h {:02} min", secs / 3600, secs % 3600 / 60),
        _ => format!("{} d {} h", secs / 86_400, secs % 86_400 / 3600),
    }
}

/// Where the prices come from; for another region, that they are us-east-1's.
pub fn source_note(p: &Prices, region: &str) -> Text {
    let (src, date, table) = (&p.source, &p.date, &p.region);
    if region == table {
        tr!(es: "Precios: {src}, {date}.", en: "Prices: {src}, {date}.")
    } else {
        tr!(
            es: "Precios de {table} (no de {region}): {src}, {date}.",
            en: "{table} prices (not {region}'s): {src}, {date}."
        )
    }
}

/// One line per billable resource: `instancia servidor-web · t3.micro · capa gratuita · 12 min`.
pub fn line(res: &Res, c: &ResourceCost, lang: Lang) -> String {
    let mut parts = vec![res.label(lang)];
    if let Some(t) = &c.instance_type {
        parts.push(t.clone());
    }
    parts.push(c.free_tier.text().get(lang).to_string());
    if let Some(x) = c.usd_per_hour {
        parts.push(format!("≈{} USD/h", usd(x, lang)));
    }
    if let Some(a) = c.age_secs {
        parts.push(age(a));
    }
    parts.join(" · ")
}

/// The line printed when the wizard closes on real AWS with resources alive. `None` when nothing is
/// left.
pub fn quit_line(alive: usize, per_hour: f64, lang: Lang) -> Option<Text> {
    if alive == 0 {
        return None;
    }
    let _ = lang;
    let (es_x, en_x) = (usd(per_hour, Lang::Es), usd(per_hour, Lang::En));
    Some(if alive == 1 {
        tr!(
            es: "1 recurso sigue en marcha (≈{es_x} USD/h): `pasos rollback`, o pulsa 7 en el asistente, para deshacerlo",
            en: "1 resource is still running (≈{en_x} USD/h): `pasos rollback`, or 7 in the wizard, takes it down"
        )
    } else {
        tr!(
            es: "{alive} recursos siguen en marcha (≈{es_x} USD/h): `pasos rollback`, o pulsa 7 en el asistente, para deshacerlos",
            en: "{alive} resources are still running (≈{en_x} USD/h): `pasos rollback`, or 7 in the wizard, takes them down"
        )
    })
}

/// The cost of every live resource, for `pasos status` and the wizard.
pub async fn assess(cloud: &Cloud, live: &[(Res, Option<u64>)], p: &Prices) -> Vec<ResourceCost> {
    let now = now();
    let mut out = Vec::new();
    for (res, since) in live {
        let facts = instance_facts(cloud, res).await;
        out.push(resource_cost(res, *since, now, facts.as_ref(), p));
    }
    out
}

/// `pasos status --json`'s top-level `cost` object.
pub fn summary_json(
    costs: &[ResourceCost],
    p: &Prices,
    region: &str,
    plan: Option<&crate::cloud::freetier::AccountPlan>,
) -> serde_json::Value {
    let total: f64 = costs.iter().filter_map(|c| c.usd_per_hour).sum();
    serde_json::json!({
        "usd_per_hour": total,
        "prices": {"source": p.source, "date": p.date, "region": p.region, "currency": p.currency,
                   "for_this_region": p.region == region},
        "account_plan": plan,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_table_names_its_source_and_prices_the_free_tier_types() {
        let p = prices();
        assert!(
            p.source.contains("us-east-1") && !p.date.is_empty(),
            "{p:?}"
        );
        for t in [
            "t2.micro",
            "t3.micro",
            "t3.small",
            "t4g.micro",
            "t4g.small",
            "c7i-flex.large",
            "m7i-flex.large",
        ] {
            assert!(p.instance.get(t).is_some_and(|x| *x > 0.0), "{t}");
        }
    }

    #[test]
    fn a_paid_instance_has_a_price_an_eligible_one_does_not() {
        let p = prices();
        let inst = Res::Instance {
            name: "w".into(),
            id: Some("i-1".into()),
        };
        let paid = InstanceFacts {
            instance_type: "t2.micro".into(),
            eligible: Some(false),
        };
        let c = resource_cost(&inst, Some(1000), 1000 + 3 * 3600 + 300, Some(&paid), &p);
        assert_eq!(c.free_tier, FreeTier::NotEligible);
        assert_eq!(c.usd_per_hour, Some(0.0116));
        assert_eq!(c.age_secs, Some(3 * 3600 + 300));
        assert_eq!(
            line(&inst, &c, Lang::Es),
            "instancia w i-1 · t2.micro · de pago · ≈0,0116 USD/h · 3 h 05 min"
        );
        let free = InstanceFacts {
            instance_type: "t3.micro".into(),
            eligible: Some(true),
        };
        let c = resource_cost(&inst, None, 0, Some(&free), &p);
        assert_eq!((c.free_tier, c.usd_per_hour), (FreeTier::Eligible, None));
        let f = resource_cost(&Res::Function { name: "f".into() }, None, 0, None, &p);
        assert_eq!(f.free_tier, FreeTier::AlwaysFree);
    }

    #[test]
    fn other_regions_are_told_the_prices_are_us_east_1() {
        let p = prices();
        assert!(
            source_note(&p, "eu-west-1")
                .en
                .contains("us-east-1 prices (not eu-west-1's)")
        );
        assert!(!source_note(&p, "us-east-1").en.contains("not"));
    }

    #[test]
    fn quit_line_counts_and_prices_in_both_languages() {
        assert_eq!(quit_line(0, 0.0, Lang::Es), None);
        let t = quit_line(3, 0.0104, Lang::Es).unwrap();
        assert!(
            t.es.starts_with("3 recursos siguen en marcha (≈0,0104 USD/h)"),
            "{t:?}"
        );
        assert!(
            t.en.starts_with("3 resources are still running (≈0.0104 USD/h)"),
            "{t:?}"
        );
    }
}
