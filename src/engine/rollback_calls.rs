//! What deleting each kind of resource means (the calls, and finding what a lost answer left
//! unnamed), and whether a journaled resource still exists.

use super::{Event, Events, Res};
use crate::cloud::Cloud;
use crate::tr;

pub(super) async fn delete(
    cloud: &Cloud,
    res: &Res,
    session: &str,
    tx: &Events,
) -> Result<(), crate::cloud::CloudError> {
    match res {
        Res::Notification { bucket, id } => {
            match cloud.merge_notification(bucket, id, None).await {
                Err(e) if e.is_not_found() => Ok(()),
                r => r,
            }
        }
        Res::Permission {
            function,
            statement_id,
        } => cloud.remove_permission(function, statement_id).await,
        Res::Function { name } => {
            cloud.delete_function(name).await?;
            cloud.delete_function_logs(name).await
        }
        Res::Instance { name, id } => {
            // The journaled id, plus any instance of that name with our session tag: one launched
            // by a retry whose first answer was lost is found this way.
            let mut ids: Vec<String> = cloud
                .find_instances(name)
                .await?
                .into_iter()
                .filter(|i| i.session_tag.as_deref() == Some(session))
                .map(|i| i.id)
                .collect();
            if let Some(id) = id
                && !ids.contains(id)
            {
                ids.push(id.clone());
            }
            for id in ids {
                let _ = tx.send(Event::Waiting { what: tr!(es: "terminando {id} y esperando a que termine", en: "terminating {id} and waiting until it is gone") });
                cloud.terminate_and_wait(&id).await?;
            }
            Ok(())
        }
        Res::KeyPair { name } => cloud.delete_key_pair(name).await,
        Res::SecurityGroup { name, id } => {
            let id = match id {
                Some(id) => Some(id.clone()),
                None => match cloud.default_vpc().await? {
                    Some(vpc) => cloud
                        .find_security_group(name, &vpc)
                        .await?
                        .filter(|(_, s)| s.as_deref() == Some(session))
                        .map(|(id, _)| id),
                    None => None,
                },
            };
            match id {
                Some(id) => cloud.delete_security_group(&id).await,
                None => Ok(()),
            }
        }
        Res::Bucket { name } => cloud.empty_and_delete_bucket(name).await,
        Res::AccessKey { user, id } => match id {
            Some(id) => cloud.delete_access_key(user, id).await,
            // The answer never came: every key of a user pasos created is pasos's.
            None => match cloud.access_keys(user).await {
                Ok(keys) => {
                    for k in keys {
                        cloud.delete_access_key(user, &k.id).await?;
                    }
                    Ok(())
                }
                Err(e) if e.is_not_found() => Ok(()),
                Err(e) => Err(e),
            },
        },
        Res::LoginProfile { user } => cloud.delete_login_profile(user).await,
        Res::Membership { user, group } => cloud.remove_user_from_group(user, group).await,
        Res::UserPolicy { user, arn } => cloud.detach_user_policy(user, arn).await,
        Res::User { name } => cloud.delete_user(name).await,
        Res::GroupPolicy { group, arn } => cloud.detach_group_policy(group, arn).await,
        Res::Group { name } => cloud.delete_group(name).await,
        Res::ProfileRole { profile, role } => cloud.remove_role_from_profile(profile, role).await,
        Res::InstanceProfile { name } => cloud.delete_instance_profile(name).await,
        Res::RolePolicy { role, arn } => cloud.detach_role_policy(role, arn).await,
        Res::Role { name } => cloud.delete_role(name).await,
    }
}

/// Whether a journaled resource still exists (`None` when that cannot be told cheaply).
pub async fn exists(cloud: &Cloud, res: &Res, session: &str) -> Option<bool> {
    let r = match res {
        Res::Role { name } => cloud.role_exists(name).await.map(|o| o.is_some()),
        Res::InstanceProfile { name } => cloud
            .instance_profile_roles(name)
            .await
            .map(|o| o.is_some()),
        Res::Group { name } => cloud.group_exists(name).await,
        Res::User { name } => cloud.user_exists(name).await,
        Res::LoginProfile { user } => cloud.login_profile(user).await.map(|o| o.is_some()),
        Res::AccessKey { user, id: Some(id) } => cloud
            .access_keys(user)
            .await
            .map(|k| k.iter().any(|k| &k.id == id)),
        Res::Bucket { name } => cloud.bucket_owner(name).await.map(|o| o == Some(true)),
        Res::Function { name } => cloud.function(name).await.map(|o| o.is_some()),
        Res::Instance { id: Some(id), .. } => cloud
            .describe_instance(id)
            .await
            .map(|o| o.is_some_and(|i| i.state != "terminated")),
        Res::Instance { name, id: None } => cloud
            .find_instances(name)
            .await
            .map(|v| v.iter().any(|i| i.session_tag.as_deref() == Some(session))),
        _ => return None,
    };
    r.ok()
}
