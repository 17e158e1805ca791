//! Step 2's user: made beside its groups, then its console access, memberships and access keys side
//! by side. A user this run just made has nothing yet, so nothing about it is read before or after:
//! what the create calls answered is what the learner is shown (each read costs a round trip, 20-150
//! ms on a real region, and a dozen of them in a row were the slowest chain of the whole apply).

use super::{Ctx, R, Res, Step, ce, expect};
use crate::plan::User;
use crate::tr;
use tokio::sync::watch::Receiver;

pub async fn user(ctx: &Ctx, u: &User, groups: &Receiver<Option<bool>>) -> R<()> {
    let name = &u.name;
    ctx.api("iam", "GetUser", name);
    let rules = async {
        if u.console_access {
            ctx.api("iam", "GetAccountPasswordPolicy", "");
            ctx.cloud.password_policy().await.map(Some)
        } else {
            Ok(None)
        }
    };
    let (exists, rules) = tokio::join!(ctx.cloud.user_exists(name), rules);
    let exists = exists.map_err(ce)?;
    ctx.api("iam", "CreateUser", name);
    ctx.ensure(
        Step::UserGroup,
        Res::User { name: name.clone() },
        exists,
        async {
            ctx.cloud.create_user(name, &ctx.session).await?;
            Ok(Res::User { name: name.clone() })
        },
    )
    .await?;
    let fresh = !exists;
    let rules = rules.map_err(ce)?;
    let console = async {
        match rules {
            Some(r) => console(ctx, name, r, fresh).await.map(Some),
            None => Ok(None),
        }
    };
    let want = usize::from(u.access_keys);
    let (reset, member_of, keys) = tokio::join!(
        console,
        memberships(ctx, u, fresh, groups),
        super::steps_keys::access_keys(ctx, name, want, fresh)
    );
    let (reset, member_of, n) = (reset?, member_of?, keys?);
    let mut checks = Vec::new();
    if let Some(reset) = reset {
        checks.push(expect(
            reset.is_some(),
            tr!(es: "acceso a la consola", en: "console access"),
        )?);
        if reset == Some(true) {
            checks.push(tr!(es: "cambio de contraseña obligatorio al entrar", en: "password reset required at sign-in"));
        }
    }
    for g in &u.groups {
        checks.push(expect(
            member_of.iter().any(|x| x.eq_ignore_ascii_case(g)),
            tr!(es: "en el grupo {g}", en: "in group {g}"),
        )?);
    }
    checks.push(expect(
        n >= want,
        if n == 1 {
            tr!(es: "1 clave de acceso", en: "1 access key")
        } else {
            tr!(es: "{n} claves de acceso", en: "{n} access keys")
        },
    )?);
    ctx.verified(Step::UserGroup, Res::User { name: name.clone() }, checks);
    Ok(())
}

/// Console access, and the policy that lets the user change the password the first sign-in asks
/// for. Returns what the login profile says: `Some(reset required)`, `None` when there is none.
async fn console(
    ctx: &Ctx,
    name: &str,
    rules: crate::cloud::iam::PasswordRules,
    fresh: bool,
) -> R<Option<bool>> {
    let password = super::steps_keys::console_password(ctx, name, rules.min_len, fresh);
    let policy = async {
        if rules.users_can_change {
            return Ok(());
        }
        // Without a policy letting users change their own password, the forced reset at first
        // sign-in would fail: the console attaches IAMUserChangePassword, so do we.
        let arn = crate::cloud::iam::CHANGE_PASSWORD_POLICY.to_string();
        let res = Res::UserPolicy {
            user: name.to_string(),
            arn: arn.clone(),
        };
        let attached = !fresh
            && ctx
                .cloud
                .user_policies(name)
                .await
                .map_err(ce)?
                .contains(&arn);
        ctx.api("iam", "AttachUserPolicy", &arn);
        ctx.ensure(
            Step::UserGroup,
            res.clone(),
            attached && ctx.holds(&res),
            async {
                ctx.cloud.attach_user_policy(name, &arn).await?;
                Ok(res.clone())
            },
        )
        .await
        .map(|_| ())
    };
    let (made, policy) = tokio::join!(password, policy);
    let (made, ()) = (made?, policy?);
    match made {
        // The create call's own answer.
        Some(reset) => Ok(Some(reset)),
        None => ctx.cloud.login_profile(name).await.map_err(ce),
    }
}

/// The user's groups, once they exist. Returns the groups the user is in afterwards.
async fn memberships(
    ctx: &Ctx,
    u: &User,
    fresh: bool,
    groups: &Receiver<Option<bool>>,
) -> R<Vec<String>> {
    let name = &u.name;
    if u.groups.is_empty() {
        return Ok(Vec::new());
    }
    if !super::ready(groups.clone()).await {
        let list = u.groups.join(", ");
        return Err(tr!(
            es: "{name} no se añadió a {list}: los grupos no llegaron a crearse",
            en: "{name} was not added to {list}: the groups could not be made"
        ));
    }
    let current = if fresh {
        Vec::new()
    } else {
        ctx.cloud.user_groups(name).await.map_err(ce)?
    };
    for g in &u.groups {
        let res = Res::Membership {
            user: name.clone(),
            group: g.clone(),
        };
        ctx.api("iam", "AddUserToGroup", g);
        let inside = current.iter().any(|c| c.eq_ignore_ascii_case(g));
        ctx.ensure(
            Step::UserGroup,
            res.clone(),
            inside && ctx.holds(&res),
            async {
                ctx.cloud.add_user_to_group(name, g).await?;
                Ok(res.clone())
            },
        )
        .await?;
    }
    if fresh {
        // Every AddUserToGroup above answered yes, and a new user was in no other group.
        Ok(u.groups.clone())
    } else {
        ctx.cloud.user_groups(name).await.map_err(ce)
    }
}
