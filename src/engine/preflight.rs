//! Live validation before anything is created: references that point into the account resolve,
//! policies exist, and no name the plan creates is taken by something pasos did not make.
//! Only read calls happen here, all of them at once (they are independent), reported in plan order.

use super::Res;
use crate::cloud::{Cloud, CloudError};
use crate::i18n::Text;
use crate::plan::validate::{ExternalRef, RefKind};
use crate::plan::{LoadedPlan, PlanProblem};
use crate::tr;
use futures::future::{BoxFuture, FutureExt, join_all};

type Check<'a> = BoxFuture<'a, Option<PlanProblem>>;

fn taken() -> Text {
    tr!(
        es: "ese nombre ya existe en la cuenta y no lo creó pasos: elige otro",
        en: "that name already exists in the account and pasos did not create it: choose another"
    )
}

/// A reference into the account must resolve.
async fn reference(cloud: &Cloud, r: &ExternalRef) -> Option<PlanProblem> {
    let n = &r.name;
    let found = match r.kind {
        RefKind::Policy => cloud.resolve_policy(n).await.map(|o| o.is_some()),
        RefKind::Group => cloud.group_exists(n).await,
        RefKind::Role => cloud.role_exists(n).await.map(|o| o.is_some()),
        RefKind::Bucket => cloud.bucket_owner(n).await.map(|o| o == Some(true)),
        RefKind::SecurityGroup => match cloud.default_vpc().await {
            Ok(Some(vpc)) => cloud
                .find_security_group(n, &vpc)
                .await
                .map(|o| o.is_some()),
            Ok(None) => Ok(false),
            Err(e) => Err(e),
        },
    };
    match found {
        Ok(true) => None,
        Ok(false) => Some(PlanProblem::new(
            r.field.clone(),
            n.clone(),
            match r.kind {
                RefKind::Policy => {
                    tr!(es: "esa política administrada por AWS no existe", en: "no AWS-managed policy has that name")
                }
                _ => {
                    tr!(es: "no está en el plan ni existe en la cuenta", en: "is neither in the plan nor in the account")
                }
            },
        )),
        Err(e) => Some(PlanProblem::new(r.field.clone(), n.clone(), e.text())),
    }
}

/// A name the plan creates must be free, or already pasos's (in the journal).
fn free<'a, F>(
    journal: &'a (dyn Fn(&Res) -> bool + Sync),
    res: Res,
    field: String,
    name: &'a str,
    exists: F,
) -> Check<'a>
where
    F: std::future::Future<Output = Result<bool, CloudError>> + Send + 'a,
{
    async move {
        if journal(&res) {
            return None;
        }
        match exists.await {
            Ok(true) => Some(PlanProblem::new(field, name, taken())),
            _ => None,
        }
    }
    .boxed()
}

pub async fn check(
    cloud: &Cloud,
    journal: &(dyn Fn(&Res) -> bool + Sync),
    lp: &LoadedPlan,
    ext: &[ExternalRef],
) -> Vec<PlanProblem> {
    let plan = &lp.plan;
    let mut checks: Vec<Check<'_>> = ext.iter().map(|r| reference(cloud, r).boxed()).collect();
    for (i, r) in plan.roles.iter().enumerate() {
        let res = Res::Role {
            name: r.name.clone(),
        };
        checks.push(free(
            journal,
            res,
            format!("role[{i}].name"),
            &r.name,
            async { cloud.role_exists(&r.name).await.map(|o| o.is_some()) },
        ));
    }
    for (i, g) in plan.groups.iter().enumerate() {
        let res = Res::Group {
            name: g.name.clone(),
        };
        checks.push(free(
            journal,
            res,
            format!("group[{i}].name"),
            &g.name,
            cloud.group_exists(&g.name),
        ));
    }
    for (i, u) in plan.users.iter().enumerate() {
        let res = Res::User {
            name: u.name.clone(),
        };
        checks.push(free(
            journal,
            res,
            format!("user[{i}].name"),
            &u.name,
            cloud.user_exists(&u.name),
        ));
    }
    for (i, b) in plan.buckets.iter().enumerate() {
        let ours = journal(&Res::Bucket {
            name: b.name.clone(),
        });
        checks.push(
            async move {
                match cloud.bucket_owner(&b.name).await {
                    Ok(Some(false)) => Some(PlanProblem::new(format!("bucket[{i}].name"), &b.name, tr!(
                        es: "ese nombre de bucket está ocupado: lo usa otra cuenta, o es tuyo en otra región (los nombres de S3 son globales)",
                        en: "that bucket name is taken: another account uses it, or it is yours in another region (S3 names are global)"
                    ))),
                    Ok(Some(true)) if !ours => Some(PlanProblem::new(format!("bucket[{i}].name"), &b.name, taken())),
                    _ => None,
                }
            }
            .boxed(),
        );
    }
    for (i, l) in plan.lambdas.iter().enumerate() {
        let res = Res::Function {
            name: l.name.clone(),
        };
        checks.push(free(
            journal,
            res,
            format!("lambda[{i}].name"),
            &l.name,
            async { cloud.function(&l.name).await.map(|o| o.is_some()) },
        ));
    }
    if !plan.security_groups.is_empty() {
        checks.push(
            async move {
                let Ok(Some(vpc)) = cloud.default_vpc().await else {
                    return None;
                };
                for (i, sg) in plan.security_groups.iter().enumerate() {
                    let res = Res::SecurityGroup {
                        name: sg.name.clone(),
                        id: None,
                    };
                    if !journal(&res)
                        && matches!(cloud.find_security_group(&sg.name, &vpc).await, Ok(Some(_)))
                    {
                        return Some(PlanProblem::new(
                            format!("security_group[{i}].name"),
                            &sg.name,
                            taken(),
                        ));
                    }
                }
                None
            }
            .boxed(),
        );
    }
    for (i, inst) in plan
        .instances
        .iter()
        .enumerate()
        .filter(|(_, x)| !x.subnet.is_empty())
    {
        checks.push(
            async move {
                let in_default = match cloud.default_vpc().await {
                    Ok(Some(vpc)) => cloud
                        .subnets(&vpc)
                        .await
                        .map(|v| v.iter().any(|(id, _)| *id == inst.subnet)),
                    Ok(None) => Ok(false),
                    Err(e) => Err(e),
                };
                match in_default {
                    Ok(true) => None,
                    Ok(false) => Some(PlanProblem::new(
                        format!("instance[{i}].subnet"),
                        &inst.subnet,
                        tr!(
                            es: "no es una subred de la VPC por defecto de esta región",
                            en: "is not a subnet of this region's default VPC"
                        ),
                    )),
                    Err(e) => Some(PlanProblem::new(
                        format!("instance[{i}].subnet"),
                        &inst.subnet,
                        e.text(),
                    )),
                }
            }
            .boxed(),
        );
    }
    for (i, inst) in plan.instances.iter().enumerate() {
        // The type must exist here, run AL2023, and be free-tier eligible unless the plan accepts
        // the cost: refused now, before anything is created.
        checks.push(
            async move {
                super::instance_type::choose(cloud, inst)
                    .await
                    .err()
                    .map(|t| {
                        PlanProblem::new(
                            format!("instance[{i}].instance_type"),
                            &inst.instance_type,
                            t,
                        )
                    })
            }
            .boxed(),
        );
        let res = Res::Instance {
            name: inst.name.clone(),
            id: None,
        };
        checks.push(free(
            journal,
            res,
            format!("instance[{i}].name"),
            &inst.name,
            async {
                cloud
                    .find_instances(&inst.name)
                    .await
                    .map(|v| !v.is_empty())
            },
        ));
    }
    join_all(checks).await.into_iter().flatten().collect()
}
