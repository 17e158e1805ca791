//! Whose is it: before rollback deletes anything it finds by name, and before `ensure` adopts
//! something that "already exists", the resource's `pasos:session` tag must be this journal's
//! session (IAM groups, which cannot be tagged, carry it in their path `/pasos/<session>/`).
//! What hangs off a resource (a policy attachment, a login profile, a key) is pasos's when the
//! resource it hangs off is.

use super::{Res, ce};
use crate::cloud::Cloud;
use crate::i18n::{Lang, Text};
use crate::tr;

/// What a read said about a resource.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Owner {
    /// It carries this journal's session.
    Ours,
    /// It does not exist (deleting it is already done).
    Gone,
    /// Someone else's: why, for the message.
    Theirs(Text),
}

/// Kinds pasos tags (or marks by path) itself; the others are judged by what they hang off.
pub fn marked_kind(res: &Res) -> bool {
    matches!(
        res,
        Res::Role { .. }
            | Res::InstanceProfile { .. }
            | Res::User { .. }
            | Res::Group { .. }
            | Res::Bucket { .. }
            | Res::Function { .. }
            | Res::SecurityGroup { .. }
            | Res::KeyPair { .. }
            | Res::Instance { .. }
    )
}

fn by_tag(found: Option<Option<String>>, session: &str) -> Owner {
    match found {
        None => Owner::Gone,
        Some(Some(s)) if s == session => Owner::Ours,
        Some(Some(other)) => Owner::Theirs(tr!(
            es: "su etiqueta pasos:session es {other}, de otro diario",
            en: "its pasos:session tag is {other}, another journal's"
        )),
        Some(None) => Owner::Theirs(Text::fixed(
            "no tiene la etiqueta pasos:session",
            "it has no pasos:session tag",
        )),
    }
}

/// Whose `res` is, by one or two reads. `Box::pin` for the recursion through parents.
pub fn owner<'a>(
    cloud: &'a Cloud,
    res: &'a Res,
    session: &'a str,
) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<Owner, Text>> + Send + 'a>> {
    Box::pin(async move {
        let parent = |r: Res| async move { owner(cloud, &r, session).await };
        Ok(match res {
            Res::Role { name } => by_tag(cloud.role_session(name).await.map_err(ce)?, session),
            Res::User { name } => by_tag(cloud.user_session(name).await.map_err(ce)?, session),
            Res::Bucket { name } => by_tag(cloud.bucket_session(name).await.map_err(ce)?, session),
            Res::Function { name } => {
                by_tag(cloud.function_session(name).await.map_err(ce)?, session)
            }
            Res::SecurityGroup { id: Some(id), .. } => {
                by_tag(cloud.security_group_session(id).await.map_err(ce)?, session)
            }
            // By name in the default VPC (rollback instead deletes only what carries the tag).
            Res::SecurityGroup { name, id: None } => match cloud.default_vpc().await.map_err(ce)? {
                None => Owner::Gone,
                Some(vpc) => by_tag(
                    cloud
                        .find_security_group(name, &vpc)
                        .await
                        .map_err(ce)?
                        .map(|(_, s)| s),
                    session,
                ),
            },
            // Chosen by name *and* session tag wherever it is looked up: never someone else's.
            Res::Instance { id: None, .. } => Owner::Ours,
            Res::Instance { id: Some(id), .. } => {
                by_tag(cloud.instance_session(id).await.map_err(ce)?, session)
            }
            Res::KeyPair { name } => {
                by_tag(cloud.key_pair_session(name).await.map_err(ce)?, session)
            }
            Res::Group { name } => match cloud.group_path_of(name).await.map_err(ce)? {
                None => Owner::Gone,
                Some(p) if p == crate::cloud::owner::group_path(session) => Owner::Ours,
                Some(p) => Owner::Theirs(tr!(
                    es: "su ruta IAM es {p}: pasos crea sus grupos bajo /pasos/<sesión>/ (los grupos no admiten etiquetas)",
                    en: "its IAM path is {p}: pasos creates its groups under /pasos/<session>/ (groups take no tags)"
                )),
            },
            Res::InstanceProfile { name } => {
                match cloud.instance_profile_session(name).await.map_err(ce)? {
                    None => Owner::Gone,
                    Some((Some(s), _)) => by_tag(Some(Some(s)), session),
                    // No tag at all: pasos's when it holds a role and every role in it is pasos's.
                    Some((None, roles)) => {
                        let mut verdict = by_tag(Some(None), session);
                        for r in &roles {
                            verdict = parent(Res::Role { name: r.clone() }).await?;
                            if verdict != Owner::Ours {
                                break;
                            }
                        }
                        match verdict {
                            Owner::Gone => by_tag(Some(None), session),
                            v => v,
                        }
                    }
                }
            }
            Res::RolePolicy { role, .. } => parent(Res::Role { name: role.clone() }).await?,
            Res::ProfileRole { profile, .. } => {
                parent(Res::InstanceProfile {
                    name: profile.clone(),
                })
                .await?
            }
            Res::GroupPolicy { group, .. } => {
                parent(Res::Group {
                    name: group.clone(),
                })
                .await?
            }
            // A membership is the user's (pasos's), even in a group the plan only referenced.
            Res::UserPolicy { user, .. }
            | Res::LoginProfile { user }
            | Res::AccessKey { user, .. }
            | Res::Membership { user, .. } => parent(Res::User { name: user.clone() }).await?,
            Res::Permission { function, .. } => {
                parent(Res::Function {
                    name: function.clone(),
                })
                .await?
            }
            // Only the rule with pasos's id is removed, also from a bucket the plan only referenced.
            Res::Notification { .. } => Owner::Ours,
        })
    })
}

/// The refusal, naming the resource and why.
pub fn refusal(res: &Res, why: &Text) -> Text {
    let (es_l, en_l) = (res.label(Lang::Es), res.label(Lang::En));
    let (es_w, en_w) = (&why.es, &why.en);
    tr!(
        es: "{es_l} no es de pasos ({es_w}): pasos no lo toca",
        en: "{en_l} is not pasos's ({en_w}): pasos leaves it alone"
    )
}
