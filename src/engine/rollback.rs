//! Rollback: deletes everything the journal holds, in reverse dependency order, each deletion
//! journaled. "Already gone" is success; transient errors are retried (bounded); a resource whose
//! create answer never arrived is found by name (and by the session tag where names are not unique).

use super::owner::Owner;
pub use super::rollback_lanes::{Lanes, lanes, stages};
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
    let stop = std::sync::atomic::AtomicBool::new(false);
    let plan = lanes(chosen);
    let verdicts = Verdicts::default();
    let run =
        |lanes: Vec<Vec<Res>>| run_lanes(cloud, &journal, tx, &session, &stop, &verdicts, lanes);
    // Users and groups go beside everything; the roles and the bucket wait for the Lambda and the
    // instance, then go side by side.
    let ((ok_u, done_u), (ok_c, done_c)) = tokio::join!(run(plan.beside), async {
        let (ok, done) = run(plan.first).await;
        if stop.load(std::sync::atomic::Ordering::SeqCst) {
            return (false, done);
        }
        let (ok_r, done_r) = run(plan.then).await;
        (ok && ok_r, done + done_r)
    });
    let (ok, done) = (ok_u && ok_c, done_u + done_c);
    let _ = tx.send(Event::Done {
        ok,
        created: 0,
        existing: done,
        deleted: done,
        failed: usize::from(!ok),
    });
    Ok(ok)
}

/// Ownership verdicts read in this rollback, by the key of the resource whose tag decides: a
/// role's policies, its profile link and the role itself are judged by one read of the role.
/// Only "ours" is remembered; anything else is read again.
type Verdicts = Mutex<std::collections::HashMap<String, Owner>>;

/// Runs lanes side by side; returns whether all went and how many were deleted. Within a lane,
/// resources of the same rank (a user's keys, console access and memberships; a role's policies)
/// go together.
async fn run_lanes(
    cloud: &Cloud,
    journal: &Mutex<Journal>,
    tx: &Events,
    session: &str,
    stop: &std::sync::atomic::AtomicBool,
    verdicts: &Verdicts,
    lanes: Vec<Vec<Res>>,
) -> (bool, usize) {
    use std::sync::atomic::Ordering::SeqCst;
    let runs = lanes.into_iter().map(|lane| async move {
        let (mut ok, mut done) = (true, 0);
        for group in stages(lane) {
            if stop.load(SeqCst) {
                return (false, done);
            }
            let all = group
                .iter()
                .map(|res| one(cloud, journal, tx, session, verdicts, res.clone()));
            for gone in futures::future::join_all(all).await {
                match gone {
                    Gone::Deleted => done += 1,
                    Gone::NotDeleted => ok = false,
                    Gone::Stop => stop.store(true, SeqCst),
                }
            }
            if stop.load(SeqCst) {
                return (false, done);
            }
        }
        (ok, done)
    });
    futures::future::join_all(runs)
        .await
        .into_iter()
        .fold((true, 0), |(ok, done), (o, d)| (ok && o, done + d))
}

/// How one deletion ended.
enum Gone {
    Deleted,
    /// Failed, or refused as someone else's: reported; the others go on.
    NotDeleted,
    /// Its `deleted` record could not be written: the whole rollback stops (reported).
    Stop,
}

/// Deletes one resource the journaled way: ownership first, the deletion with bounded retries,
/// then the `deleted` record, then the event.
async fn one(
    cloud: &Cloud,
    journal: &Mutex<Journal>,
    tx: &Events,
    session: &str,
    verdicts: &Verdicts,
    res: Res,
) -> Gone {
    let _ = tx.send(Event::ApiCall {
        service: "rollback".into(),
        operation: "Delete".into(),
        target: res.key(),
    });
    let outcome = match owned(cloud, &res, session, verdicts).await {
        Ok(Owner::Ours) => with_retries(|| delete(cloud, &res, session, tx))
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
            return Gone::Stop;
        }
    }
    match (outcome, theirs) {
        (Ok(()), _) => {
            if let Res::AccessKey { id: Some(id), .. } = &res {
                forget_profile(id, tx);
            }
            let _ = tx.send(Event::Deleted { resource: res });
            Gone::Deleted
        }
        (Err(_), Some(why)) => {
            let _ = tx.send(Event::Failed {
                step: Step::Rollback,
                error: super::owner::refusal(&res, &why).join(
                    "",
                    &Text::fixed("; se quitó del diario", "; it was removed from the journal"),
                ),
            });
            Gone::NotDeleted
        }
        (Err(error), None) => {
            let label = Text::same(format!("{}: ", res.key()));
            let _ = tx.send(Event::Failed {
                step: Step::Rollback,
                error: label.join("", &error.text()),
            });
            Gone::NotDeleted
        }
    }
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
async fn owned(
    cloud: &Cloud,
    res: &Res,
    session: &str,
    verdicts: &Verdicts,
) -> Result<Owner, Undone> {
    if let Res::SecurityGroup { id: None, .. } | Res::Instance { id: None, .. } = res {
        return Ok(Owner::Ours);
    }
    let judge = judged_by(res);
    let key = judge.key();
    if verdicts
        .lock()
        .is_ok_and(|v| v.get(&key) == Some(&Owner::Ours))
    {
        return Ok(Owner::Ours);
    }
    let verdict = super::owner::owner(cloud, &judge, session).await?;
    if verdict == Owner::Ours
        && let Ok(mut v) = verdicts.lock()
    {
        v.insert(key, Owner::Ours);
    }
    Ok(verdict)
}

/// The resource whose tag decides whose `res` is (what it hangs off, as `owner::owner` judges it).
fn judged_by(res: &Res) -> Res {
    match res {
        Res::RolePolicy { role, .. } => Res::Role { name: role.clone() },
        Res::ProfileRole { profile, .. } => Res::InstanceProfile {
            name: profile.clone(),
        },
        Res::GroupPolicy { group, .. } => Res::Group {
            name: group.clone(),
        },
        Res::UserPolicy { user, .. }
        | Res::LoginProfile { user }
        | Res::AccessKey { user, .. }
        | Res::Membership { user, .. } => Res::User { name: user.clone() },
        Res::Permission { function, .. } => Res::Function {
            name: function.clone(),
        },
        other => other.clone(),
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

#[path = "rollback_calls.rs"]
mod calls;
use calls::delete;
pub use calls::exists;

#[cfg(test)]
#[path = "rollback_tests.rs"]
mod tests;
