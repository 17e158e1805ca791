//! Which instance type an instance launches, and whether it may. `free-tier` resolves to this
//! account's first free-tier-eligible type (t2.micro before 2025-07-15, t3.micro on the 2025 free
//! plan); any type that DescribeInstanceTypes reports as not free-tier eligible is refused unless the
//! plan accepts the cost (`allow_paid`). Cost safety by default, decided before anything is created.

use crate::cloud::Cloud;
use crate::cloud::freetier::AccountPlan;
use crate::i18n::Text;
use crate::plan::Instance;
use crate::plan::model::FREE_TIER;
use crate::tr;

/// The type to launch and the AL2023 architecture for it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chosen {
    pub instance_type: String,
    pub arch: &'static str,
    pub free_tier: bool,
    /// Said to the learner when the endpoint could not tell what is free (see `choose`).
    pub note: Option<Text>,
}

/// Types to try when an emulator does not answer the `free-tier-eligible` filter at all.
const EMULATOR_DEFAULTS: [&str; 2] = ["t3.micro", "t2.micro"];

/// Resolves and checks the plan's instance type with read calls only (DescribeInstanceTypes).
pub async fn choose(cloud: &Cloud, inst: &Instance) -> Result<Chosen, Text> {
    let requested = inst.instance_type.as_str();
    // Every AWS region lists free-tier types; an endpoint that lists none is an emulator that does
    // not implement the filter (nothing there costs money): the cost check cannot apply, and is
    // skipped with a note instead of blocking the walkthrough.
    let listed = cloud.free_tier_types().await.map_err(|e| e.text())?;
    let unknowable = listed.is_empty() && cloud.endpoint.is_some();
    let it = if requested == FREE_TIER {
        let eligible: Vec<String> = if unknowable {
            EMULATOR_DEFAULTS.iter().map(|t| t.to_string()).collect()
        } else {
            listed
        };
        // The first eligible type AL2023 runs on (a region could list only types it cannot use).
        let mut first = None;
        for t in eligible {
            if let Some(info) = cloud.instance_type_info(&t).await.map_err(|e| e.text())?
                && info.ami_arch().is_some()
            {
                first = Some(t);
                break;
            }
        }
        first.ok_or_else(|| {
            tr!(
                es: "esta región no ofrece ningún tipo de instancia de la capa gratuita para esta cuenta: elige un tipo y acepta su coste con allow_paid = true, o usa otra región",
                en: "this region offers this account no free-tier instance type: name a type and accept its cost with allow_paid = true, or use another region"
            )
        })?
    } else {
        requested.to_string()
    };
    // Eligibility comes from the `free-tier-eligible` filter, AWS's documented way to list what this
    // account runs for free (emulators disagree with themselves between the filter and the per-type
    // flag; real AWS does not).
    let (info, eligible) = tokio::join!(cloud.instance_type_info(&it), cloud.free_tier_types());
    let eligible = eligible.map_err(|e| e.text())?;
    let info = info
        .map_err(|e| e.text())?
        .ok_or_else(|| tr!(es: "el tipo {it} no existe en esta región", en: "instance type {it} is not offered in this region"))?;
    let free_tier = eligible.contains(&it) || unknowable;
    let note = unknowable.then(|| {
        tr!(
            es: "este endpoint no dice qué tipos son de la capa gratuita (un emulador): se usa {it} sin comprobar su coste",
            en: "this endpoint does not say which types are free tier (an emulator): {it} is used without checking its cost"
        )
    });
    let arch = info.ami_arch().ok_or_else(|| {
        let archs = info.architectures.join(", ");
        tr!(
            es: "{it} solo admite {archs}; Amazon Linux 2023 necesita x86_64 o arm64",
            en: "{it} only supports {archs}; Amazon Linux 2023 needs x86_64 or arm64"
        )
    })?;
    if !free_tier && !inst.allow_paid {
        return Err(not_free(&it, &eligible));
    }
    Ok(Chosen {
        instance_type: it,
        arch,
        free_tier,
        note,
    })
}

/// The refusal of a paid type, naming what this account may run for free.
pub fn not_free(it: &str, eligible: &[String]) -> Text {
    let names = if eligible.is_empty() {
        "—".to_string()
    } else {
        eligible.join(", ")
    };
    tr!(
        es: "{it} no entra en la capa gratuita de esta cuenta y costaría dinero (las cuentas creadas desde el 15-07-2025 usan t3.micro, no t2.micro). Tipos gratuitos aquí: {names}. Elige uno, pon \"free-tier\", o acepta el coste con allow_paid = true",
        en: "{it} is not free-tier eligible in this account and would cost money (accounts created since 2025-07-15 use t3.micro, not t2.micro). Free-tier types here: {names}. Pick one, write \"free-tier\", or accept the cost with allow_paid = true"
    )
}

/// One line on the account's plan, for the learner.
pub fn plan_note(p: &AccountPlan) -> Text {
    let credits = p
        .credits
        .as_ref()
        .map(|(a, u)| format!("{a:.2} {u}"))
        .unwrap_or_else(|| "?".into());
    let until = p.expires.clone().unwrap_or_else(|| "?".into());
    if p.is_free() {
        tr!(
            es: "La cuenta está en el plan gratuito de AWS (créditos: {credits}, hasta {until}): solo puede lanzar tipos de la capa gratuita",
            en: "The account is on the AWS free plan (credits: {credits}, until {until}): it can only launch free-tier types"
        )
    } else {
        let plan = &p.plan;
        tr!(
            es: "La cuenta está en el plan {plan} de AWS: lo que no sea de la capa gratuita se cobra",
            en: "The account is on the AWS {plan} plan: whatever is not free tier is billed"
        )
    }
}
