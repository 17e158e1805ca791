//! Steps 1 and 2: roles (with the instance profile the console makes for EC2 roles), groups, users,
//! console access, memberships and access keys — each created the journaled way and read back.

use super::{Ctx, R, Res, Step, ce, expect};
use crate::plan::Plan;
use crate::tr;

/// Policy names in a plan → ARNs, resolving paths (`service-role/…`). Preflight proved they exist.
async fn arns(ctx: &Ctx, names: &[String]) -> R<Vec<String>> {
    let mut out = Vec::new();
    for n in names {
        ctx.api("iam", "GetPolicy", n);
        match ctx.cloud.resolve_policy(n).await.map_err(ce)? {
            Some(a) => out.push(a),
            None => {
                return Err(tr!(es: "la política {n} no existe", en: "policy {n} does not exist"));
            }
        }
    }
    Ok(out)
}

/// Every role at once: they do not depend on each other. First each role itself (what a Lambda
/// needs to be created; `created` hears when all exist, or that one failed), then, still all at
/// once, their policies, instance profiles and read-back. The first error (in plan order) is the
/// step's; the others' resources are journaled all the same.
pub async fn roles(
    ctx: &Ctx,
    plan: &Plan,
    created: &tokio::sync::watch::Sender<Option<bool>>,
) -> R<()> {
    let made = futures::future::join_all(plan.roles.iter().map(|r| create_role(ctx, r))).await;
    let _ = created.send(Some(made.iter().all(Result::is_ok)));
    let fresh: Vec<bool> = made.into_iter().collect::<R<_>>()?;
    let results = futures::future::join_all(
        plan.roles
            .iter()
            .zip(fresh)
            .map(|(r, fresh)| finish_role(ctx, r, fresh)),
    )
    .await;
    results.into_iter().collect()
}

/// The role itself; true when it was made just now (nothing can be attached to it yet).
async fn create_role(ctx: &Ctx, r: &crate::plan::Role) -> R<bool> {
    let role = Res::Role {
        name: r.name.clone(),
    };
    ctx.api("iam", "GetRole", &r.name);
    let exists = ctx.cloud.role_exists(&r.name).await.map_err(ce)?.is_some();
    ctx.api("iam", "CreateRole", &r.name);
    ctx.ensure(Step::Role, role, exists, async {
        ctx.cloud
            .create_role(&r.name, &r.trusted_service, &ctx.session)
            .await?;
        Ok(Res::Role {
            name: r.name.clone(),
        })
    })
    .await?;
    Ok(!exists)
}

/// The role's policies and (for EC2) its instance profile, side by side, then the read-back.
async fn finish_role(ctx: &Ctx, r: &crate::plan::Role, fresh: bool) -> R<()> {
    let ec2 = r.trusted_service == "ec2.amazonaws.com";
    let (policy_arns, profile) = tokio::join!(role_policies(ctx, r, fresh), async {
        if ec2 {
            instance_profile(ctx, r).await
        } else {
            Ok(())
        }
    });
    let policy_arns = policy_arns?;
    profile?;
    // Read back, as the walkthrough says: "revisar que el role se creó correctamente".
    let (read, in_profile) = tokio::join!(ctx.cloud.role_trust_and_policies(&r.name), async {
        if ec2 {
            ctx.cloud
                .instance_profile_roles(&r.name)
                .await
                .map(|v| v.is_some_and(|v| v.contains(&r.name)))
        } else {
            Ok(false)
        }
    });
    let (trust, attached) = read.map_err(ce)?;
    let ts = &r.trusted_service;
    let mut checks = vec![expect(
        trust.contains(ts.as_str()),
        tr!(es: "confía en {ts}", en: "trusts {ts}"),
    )?];
    for arn in &policy_arns {
        let short = arn.rsplit('/').next().unwrap_or(arn);
        checks.push(expect(
            attached.contains(arn),
            tr!(es: "{short} adjunta", en: "{short} attached"),
        )?);
    }
    if ec2 {
        let n = &r.name;
        checks.push(expect(
            in_profile.map_err(ce)?,
            tr!(es: "perfil de instancia {n} con el rol", en: "instance profile {n} holds the role"),
        )?);
    }
    ctx.verified(
        Step::Role,
        Res::Role {
            name: r.name.clone(),
        },
        checks,
    );
    Ok(())
}

/// Attaches the plan's policies, all at once; returns their ARNs. A role made just now has none
/// attached: nothing to read first.
async fn role_policies(ctx: &Ctx, r: &crate::plan::Role, fresh: bool) -> R<Vec<String>> {
    let policy_arns = arns(ctx, &r.policies).await?;
    let attached = if fresh {
        Vec::new()
    } else {
        ctx.cloud
            .role_trust_and_policies(&r.name)
            .await
            .map_err(ce)?
            .1
    };
    let attach = policy_arns.iter().map(|arn| {
        let res = Res::RolePolicy {
            role: r.name.clone(),
            arn: arn.clone(),
        };
        ctx.api("iam", "AttachRolePolicy", arn);
        let known = attached.contains(arn) && ctx.holds(&res);
        async move {
            ctx.ensure(Step::Role, res.clone(), known, async {
                ctx.cloud.attach_role_policy(&r.name, arn).await?;
                Ok(res.clone())
            })
            .await
        }
    });
    for done in futures::future::join_all(attach).await {
        done?;
    }
    Ok(policy_arns)
}

/// The console silently creates an instance profile of the same name for EC2 roles.
async fn instance_profile(ctx: &Ctx, r: &crate::plan::Role) -> R<()> {
    let prof = Res::InstanceProfile {
        name: r.name.clone(),
    };
    ctx.api("iam", "GetInstanceProfile", &r.name);
    let roles_in = ctx
        .cloud
        .instance_profile_roles(&r.name)
        .await
        .map_err(ce)?;
    ctx.api("iam", "CreateInstanceProfile", &r.name);
    ctx.ensure(Step::Role, prof, roles_in.is_some(), async {
        ctx.cloud
            .create_instance_profile(&r.name, &ctx.session)
            .await?;
        Ok(Res::InstanceProfile {
            name: r.name.clone(),
        })
    })
    .await?;
    let link = Res::ProfileRole {
        profile: r.name.clone(),
        role: r.name.clone(),
    };
    let linked = roles_in.as_ref().is_some_and(|v| v.contains(&r.name));
    ctx.api("iam", "AddRoleToInstanceProfile", &r.name);
    ctx.ensure(
        Step::Role,
        link.clone(),
        linked && ctx.holds(&link),
        async {
            if let Err(e) = ctx
                .cloud
                .add_role_to_instance_profile(&r.name, &r.name)
                .await
            {
                // A retry after a lost answer gets LimitExceeded ("already associated"): the
                // role being in the profile is exactly what we wanted.
                let roles = ctx.cloud.instance_profile_roles(&r.name).await?;
                if !roles.is_some_and(|v| v.contains(&r.name)) {
                    return Err(e);
                }
            }
            Ok(link.clone())
        },
    )
    .await?;
    Ok(())
}

/// Groups and users side by side: a user needs its groups only to join them, so everything else
/// about it (console access, keys) is made while the groups are. A group this run made is not read
/// back: its policies are the ones just attached and its members the plan's users just added.
pub async fn users(ctx: &Ctx, plan: &Plan) -> R<()> {
    let (groups_tx, groups_rx) = tokio::sync::watch::channel(None);
    let groups = async {
        let made = groups(ctx, plan).await;
        let _ = groups_tx.send(Some(made.is_ok()));
        made
    };
    let users = futures::future::join_all(
        plan.users
            .iter()
            .map(|u| super::steps_user::user(ctx, u, &groups_rx)),
    );
    let (fresh, users) = tokio::join!(groups, users);
    // The groups' error first: a user that could not join a missing group only follows from it.
    let fresh = fresh?;
    users.into_iter().collect::<R<Vec<()>>>()?;
    for (g, fresh) in plan.groups.iter().zip(fresh) {
        let (members, attached) = if fresh {
            let members = plan
                .users
                .iter()
                .filter(|u| u.groups.iter().any(|x| x.eq_ignore_ascii_case(&g.name)));
            // The names just attached (the loop below shortens them as it does ARNs).
            (
                members.map(|u| u.name.clone()).collect::<Vec<_>>(),
                g.policies.clone(),
            )
        } else {
            ctx.cloud
                .group_members_and_policies(&g.name)
                .await
                .map_err(ce)?
        };
        let mut checks = Vec::new();
        for a in &attached {
            let short = a.rsplit('/').next().unwrap_or(a);
            checks.push(tr!(es: "{short} adjunta", en: "{short} attached"));
        }
        let m = members.join(", ");
        checks.push(tr!(es: "miembros: {m}", en: "members: {m}"));
        ctx.verified(
            Step::UserGroup,
            Res::Group {
                name: g.name.clone(),
            },
            checks,
        );
    }
    Ok(())
}

/// Each group and its policies; returns, per group, whether this run made it.
async fn groups(ctx: &Ctx, plan: &Plan) -> R<Vec<bool>> {
    let mut fresh = Vec::new();
    for g in &plan.groups {
        ctx.api("iam", "GetGroup", &g.name);
        let exists = ctx.cloud.group_exists(&g.name).await.map_err(ce)?;
        ctx.api("iam", "CreateGroup", &g.name);
        ctx.ensure(
            Step::UserGroup,
            Res::Group {
                name: g.name.clone(),
            },
            exists,
            async {
                ctx.cloud.create_group(&g.name, &ctx.session).await?;
                Ok(Res::Group {
                    name: g.name.clone(),
                })
            },
        )
        .await?;
        // A group just made has no policies: nothing to read.
        let attached = if exists {
            ctx.cloud
                .group_members_and_policies(&g.name)
                .await
                .map_err(ce)?
                .1
        } else {
            Vec::new()
        };
        for arn in arns(ctx, &g.policies).await? {
            let res = Res::GroupPolicy {
                group: g.name.clone(),
                arn: arn.clone(),
            };
            ctx.api("iam", "AttachGroupPolicy", &arn);
            ctx.ensure(
                Step::UserGroup,
                res.clone(),
                attached.contains(&arn) && ctx.holds(&res),
                async {
                    ctx.cloud.attach_group_policy(&g.name, &arn).await?;
                    Ok(res.clone())
                },
            )
            .await?;
        }
        fresh.push(!exists);
    }
    Ok(fresh)
}
