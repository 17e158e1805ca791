//! Live validation before anything is created: references that point into the account resolve,
//! policies exist, and no name the plan creates is taken by something pasos did not make.
//! Only read calls happen here.

use super::Res;
use crate::cloud::Cloud;
use crate::plan::validate::{ExternalRef, RefKind};
use crate::plan::{LoadedPlan, PlanProblem};
use crate::tr;

pub async fn check(
    cloud: &Cloud,
    journal: &(dyn Fn(&Res) -> bool + Sync),
    lp: &LoadedPlan,
    ext: &[ExternalRef],
) -> Vec<PlanProblem> {
    let mut problems = Vec::new();
    for r in ext {
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
            Ok(true) => {}
            Ok(false) => problems.push(PlanProblem::new(
                r.field.clone(),
                n.clone(),
                match r.kind {
                    RefKind::Policy => tr!(es: "esa política administrada por AWS no existe", en: "no AWS-managed policy has that name"),
                    _ => tr!(es: "no está en el plan ni existe en la cuenta", en: "is neither in the plan nor in the account"),
                },
            )),
            Err(e) => problems.push(PlanProblem::new(r.field.clone(), n.clone(), e.text())),
        }
    }
    let plan = &lp.plan;
    let taken = tr!(
        es: "ese nombre ya existe en la cuenta y no lo creó pasos: elige otro",
        en: "that name already exists in the account and pasos did not create it: choose another"
    );
    for (i, r) in plan.roles.iter().enumerate() {
        if !journal(&Res::Role {
            name: r.name.clone(),
        }) && matches!(cloud.role_exists(&r.name).await, Ok(Some(_)))
        {
            problems.push(PlanProblem::new(
                format!("role[{i}].name"),
                &r.name,
                taken.clone(),
            ));
        }
    }
    for (i, g) in plan.groups.iter().enumerate() {
        if !journal(&Res::Group {
            name: g.name.clone(),
        }) && matches!(cloud.group_exists(&g.name).await, Ok(true))
        {
            problems.push(PlanProblem::new(
                format!("group[{i}].name"),
                &g.name,
                taken.clone(),
            ));
        }
    }
    for (i, u) in plan.users.iter().enumerate() {
        if !journal(&Res::User {
            name: u.name.clone(),
        }) && matches!(cloud.user_exists(&u.name).await, Ok(true))
        {
            problems.push(PlanProblem::new(
                format!("user[{i}].name"),
                &u.name,
                taken.clone(),
            ));
        }
    }
    for (i, b) in plan.buckets.iter().enumerate() {
        let ours = journal(&Res::Bucket {
            name: b.name.clone(),
        });
        match cloud.bucket_owner(&b.name).await {
            Ok(Some(false)) => problems.push(PlanProblem::new(
                format!("bucket[{i}].name"),
                &b.name,
                tr!(
                    es: "otra cuenta ya usa ese nombre de bucket (los nombres de S3 son globales)",
                    en: "another account already uses that bucket name (S3 names are global)"
                ),
            )),
            Ok(Some(true)) if !ours => problems.push(PlanProblem::new(
                format!("bucket[{i}].name"),
                &b.name,
                taken.clone(),
            )),
            _ => {}
        }
    }
    for (i, l) in plan.lambdas.iter().enumerate() {
        if !journal(&Res::Function {
            name: l.name.clone(),
        }) && matches!(cloud.function(&l.name).await, Ok(Some(_)))
        {
            problems.push(PlanProblem::new(
                format!("lambda[{i}].name"),
                &l.name,
                taken.clone(),
            ));
        }
    }
    if !plan.security_groups.is_empty()
        && let Ok(Some(vpc)) = cloud.default_vpc().await
    {
        for (i, sg) in plan.security_groups.iter().enumerate() {
            if !journal(&Res::SecurityGroup {
                name: sg.name.clone(),
                id: None,
            }) && matches!(cloud.find_security_group(&sg.name, &vpc).await, Ok(Some(_)))
            {
                problems.push(PlanProblem::new(
                    format!("security_group[{i}].name"),
                    &sg.name,
                    taken.clone(),
                ));
            }
        }
    }
    for (i, inst) in plan.instances.iter().enumerate() {
        if !journal(&Res::Instance {
            name: inst.name.clone(),
            id: None,
        }) && let Ok(found) = cloud.find_instances(&inst.name).await
            && !found.is_empty()
        {
            problems.push(PlanProblem::new(
                format!("instance[{i}].name"),
                &inst.name,
                taken.clone(),
            ));
        }
    }
    problems
}
