//! Rollback: deletes everything the journal holds, in reverse dependency order, each deletion
//! journaled. "Already gone" is success; transient errors are retried (bounded); a resource whose
//! create answer never arrived is found by name (and by the session tag where names are not unique).

use super::owner::Owner;
use super::{Event, Events, Journal, R, Res, Step, ce};
use crate::cloud::Cloud;
use crate::i18n::Text;
use crate::tr;
use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The journal entries to delete: all, or `only` (a key like `role:x`) and what hangs off it.
pub fn selection(live: &[Res], only: Option<&str>) -> Result<Vec<Res>, Text> {
    let mut chosen: Vec<Res> = match only {
        None => live.to_vec(),
        Some(key) => {
            if !live.iter().any(|r| r.key() == key) {
                let known = live.iter().map(Res::key).collect::<Vec<_>>().join(", ");
                return Err(tr!(
                    es: "--only {key}: no está en el diario. Hay: {known}",
                    en: "--only {key}: not in the journal. It holds: {known}"
                ));
            }
            let mut keys: BTreeSet<String> = BTreeSet::from([key.to_string()]);
            // Everything whose parent chain reaches the chosen key goes too.
            loop {
                let before = keys.len();
                for r in live {
                    if r.parent_keys().iter().any(|p| keys.contains(p)) {
                        keys.insert(r.key());
                    }
                }
                if keys.len() == before {
                    break;
                }
            }
            live.iter()
                .filter(|r| keys.contains(&r.key()))
                .cloned()
                .collect()
        }
    };
    chosen.sort_by(|a, b| {
        b.delete_rank()
            .cmp(&a.delete_rank())
            .then(a.key().cmp(&b.key()))
    });
    Ok(chosen)
}

/// Deletes the selection; returns whether everything went. Failures stay in the journal.
pub async fn rollback(
    cloud: &Cloud,
    journal: Arc<Mutex<Journal>>,
    tx: &Events,
    only: Option<&str>,
) -> R<bool> {
    let (live, session) = {
        let j = journal
            .lock()
            .map_err(|_| Text::fixed("diario bloqueado", "journal lock poisoned"))?;
        (
            j.live().into_iter().map(|e| e.res).collect::<Vec<_>>(),
            j.session().to_string(),
        )
    };
    let chosen = selection(&live, only)?;
    let _ = tx.send(Event::StepStarted {
        step: Step::Rollback,
        title: Step::Rollback.title(),
    });
    let mut ok = true;
    let mut done = 0;
    for res in chosen {
        let _ = tx.send(Event::ApiCall {
            service: "rollback".into(),
            operation: "Delete".into(),
            target: res.key(),
        });
        let outcome = match owned(cloud, &res, &session).await {
            Ok(Owner::Ours) => with_retries(|| delete(cloud, &res, &session, tx))
                .await
                .map_err(Undone::from),
            Ok(Owner::Gone) => Ok(()),
            Ok(Owner::Theirs(why)) => Err(Theirs(why)),
            Err(e) => Err(e),
        };
        // What is not pasos's is left alone, and forgotten: pasos's own is gone, and a journal
        // entry nothing can ever delete would fail every rollback after this one.
        let theirs = outcome.as_ref().err().and_then(|e| e.theirs()).cloned();
        if outcome.is_ok() || theirs.is_some() {
            // The deletion is only done once it is journaled: without the record, stop here
            // (the next rollback finds the resource gone and records it then).
            let written = journal
                .lock()
                .map_err(|_| Text::fixed("diario bloqueado", "journal lock poisoned"))
                .and_then(|mut j| {
                    j.deleted(&res).map_err(|e| {
                        let e = e.to_string();
                        tr!(es: "no se pudo escribir el diario: {e}", en: "could not write the journal: {e}")
                    })
                });
            if let Err(error) = written {
                let _ = tx.send(Event::Failed {
                    step: Step::Rollback,
                    error: error.join(
                        "",
                        &Text::fixed(
                            ": deshacer se detiene aquí; vuelve a ejecutarlo",
                            ": rollback stops here; run it again",
                        ),
                    ),
                });
                ok = false;
                break;
            }
        }
        match (outcome, theirs) {
            (Ok(()), _) => {
                done += 1;
                if let Res::AccessKey { id: Some(id), .. } = &res {
                    forget_profile(id, tx);
                }
                let _ = tx.send(Event::Deleted { resource: res });
            }
            (Err(_), Some(why)) => {
                ok = false;
                let _ = tx.send(Event::Failed {
                    step: Step::Rollback,
                    error: super::owner::refusal(&res, &why).join(
                        "",
                        &Text::fixed("; se quitó del diario", "; it was removed from the journal"),
                    ),
                });
            }
            (Err(error), None) => {
                ok = false;
                let label = Text::same(format!("{}: ", res.key()));
                let _ = tx.send(Event::Failed {
                    step: Step::Rollback,
                    error: label.join("", &error.text()),
                });
            }
        }
    }
    let _ = tx.send(Event::Done {
        ok,
        created: 0,
        existing: done,
        deleted: done,
        failed: usize::from(!ok),
    });
    Ok(ok)
}

/// Why one deletion did not happen.
enum Undone {
    Failed(Text),
    Theirs(Text),
}
use Undone::Theirs;

impl From<Text> for Undone {
    fn from(t: Text) -> Undone {
        Undone::Failed(t)
    }
}

impl Undone {
    fn theirs(&self) -> Option<&Text> {
        match self {
            Undone::Theirs(t) => Some(t),
            Undone::Failed(_) => None,
        }
    }
    fn text(self) -> Text {
        match self {
            Undone::Failed(t) | Undone::Theirs(t) => t,
        }
    }
}

/// Whose the resource is, before anything is deleted. Security groups and instances without a
/// journaled id are looked up by name *and* session tag by `delete` itself: never someone else's.
async fn owned(cloud: &Cloud, res: &Res, session: &str) -> Result<Owner, Undone> {
    match res {
        Res::SecurityGroup { id: None, .. } | Res::Instance { id: None, .. } => Ok(Owner::Ours),
        _ => Ok(super::owner::owner(cloud, res, session).await?),
    }
}

/// The credentials-file profile pasos wrote for a key that is now deleted goes too.
fn forget_profile(key_id: &str, tx: &Events) {
    let path = super::secrets::credentials_path();
    match super::secrets::forget_access_key(&path, key_id) {
        Ok(Some(profile)) => {
            let p = path.display().to_string();
            let _ = tx.send(Event::Warning {
                text: tr!(
                    es: "perfil [{profile}] quitado de {p} (su clave ya no existe)",
                    en: "profile [{profile}] removed from {p} (its key no longer exists)"
                ),
            });
        }
        Ok(None) => {}
        Err(t) => {
            let _ = tx.send(Event::Warning { text: t });
        }
    }
}

/// Runs a deletion with bounded retries for throttling, 5xx and conflicts that clear by themselves.
pub(crate) async fn with_retries<F, Fut>(mut f: F) -> R<()>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<(), crate::cloud::CloudError>>,
{
    let mut delay = Duration::from_millis(500);
    let mut last = None;
    for _ in 0..6 {
        match f().await {
            Ok(()) => return Ok(()),
            // Throttling and 5xx, and DependencyViolation while a terminated instance lets go.
            Err(e)
                if e.is_transient() || matches!(e, crate::cloud::CloudError::Conflict { .. }) =>
            {
                last = Some(e);
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(Duration::from_secs(10));
            }
            Err(e) => return Err(ce(e)),
        }
    }
    Err(last
        .map(ce)
        .unwrap_or_else(|| Text::fixed("reintentos agotados", "retries exhausted")))
}

async fn delete(
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

#[cfg(test)]
#[path = "rollback_tests.rs"]
mod tests;
