//! The two things of step 2 whose secret only the create answer carries: access keys and the
//! console password. The secret is handed to the front's sink (the CLI's 0600 files) *before* the
//! `created` record and before any event, so it can never be lost to a front that stopped reading;
//! when it cannot be kept, what it unlocks is deleted at once (AWS never shows it again) and the
//! step fails saying so. A kill -9 between the answer and the save leaves only the intent, and the
//! next apply replaces that secretless key or password.

use super::{Ctx, Event, R, Res, Secret, SecretItem, Step, ce};
use crate::i18n::Text;
use crate::tr;

/// A password meeting the account's policy: length, and every character class (so any policy's
/// class requirements hold).
pub fn generate_password(min_len: usize) -> String {
    use rand::Rng;
    use rand::seq::SliceRandom;
    const UP: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ";
    const LO: &[u8] = b"abcdefghijkmnopqrstuvwxyz";
    const DI: &[u8] = b"23456789";
    const SY: &[u8] = b"!@#$%^&*()_+-=[]{}|";
    let len = min_len.max(20);
    let mut rng = rand::rng();
    let mut out: Vec<u8> = [UP, LO, DI, SY]
        .iter()
        .map(|set| set[rng.random_range(0..set.len())])
        .collect();
    let all: Vec<u8> = [UP, LO, DI, SY].concat();
    while out.len() < len {
        out.push(all[rng.random_range(0..all.len())]);
    }
    out.shuffle(&mut rng);
    String::from_utf8_lossy(&out).into_owned()
}

/// The step's error when a secret could not be kept, after trying to delete what it unlocked.
fn not_kept(what_es: &str, what_en: &str, why: &Text, undone: R<()>) -> Text {
    let (es_why, en_why) = (&why.es, &why.en);
    match undone {
        Ok(()) => tr!(
            es: "no se pudo guardar el secreto de {what_es} ({es_why}); se borró, porque AWS no vuelve a mostrar ese secreto: arregla eso y vuelve a ejecutar apply",
            en: "could not save the secret of {what_en} ({en_why}); it was deleted, since AWS never shows that secret again: fix that and run apply again"
        ),
        Err(e) => {
            let (es_e, en_e) = (&e.es, &e.en);
            tr!(
                es: "no se pudo guardar el secreto de {what_es} ({es_why}) ni borrarlo ({es_e}): ejecuta pasos rollback",
                en: "could not save the secret of {what_en} ({en_why}) nor delete it ({en_e}): run pasos rollback"
            )
        }
    }
}

/// Keys of this user journaled with their id (their secret was kept).
fn kept_keys(ctx: &Ctx, user: &str) -> Vec<String> {
    ctx.journal
        .lock()
        .map(|j| {
            j.live()
                .into_iter()
                .filter_map(|e| match e.res {
                    Res::AccessKey {
                        user: u,
                        id: Some(id),
                    } if u == user && e.confirmed => Some(id),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Access keys: the user (made by pasos) gets `want` keys in all, at most 2. `fresh`: this run just
/// made the user, so it has none and nothing is listed. Returns how many keys the user has.
pub async fn access_keys(ctx: &Ctx, name: &str, want: usize, fresh: bool) -> R<usize> {
    let intent = Res::AccessKey {
        user: name.to_string(),
        id: None,
    };
    let mut keys = if fresh {
        Vec::new()
    } else {
        ctx.cloud.access_keys(name).await.map_err(ce)?
    };
    if fresh && ctx.holds(&intent) {
        // An earlier run's secretless key went with its user: the user did not exist any more.
        ctx.with_journal(|j| j.deleted(&intent))?;
    } else if ctx.holds(&intent) {
        // An earlier run made a key and stopped before its secret was saved (or never heard the
        // answer): every key not journaled with its id is one whose secret nobody has.
        let kept = kept_keys(ctx, name);
        for k in keys.iter().filter(|k| !kept.contains(&k.id)) {
            ctx.api("iam", "DeleteAccessKey", &k.id);
            ctx.cloud.delete_access_key(name, &k.id).await.map_err(ce)?;
            let id = &k.id;
            ctx.warn(tr!(
                es: "borrada la clave {id}: una ejecución anterior la creó y su secreto no llegó a guardarse",
                en: "deleted key {id}: an earlier run created it and its secret was never saved"
            ));
        }
        ctx.with_journal(|j| j.deleted(&intent))?;
        keys = ctx.cloud.access_keys(name).await.map_err(ce)?;
    }
    // want ≤ 2 was validated, and every key of a user pasos made is pasos's: at most 2 in all.
    let mut known: Vec<String> = keys.iter().map(|k| k.id.clone()).collect();
    let had = keys.len();
    for _ in had..want {
        ctx.api("iam", "CreateAccessKey", name);
        ctx.with_journal(|j| j.intent(&intent))?;
        let (id, secret) = create_key_reconciled(ctx, name, &known).await.map_err(ce)?;
        known.push(id.clone());
        let item = SecretItem::AccessKey {
            user: name.to_string(),
            access_key_id: id.clone(),
            secret: Secret::new(secret),
        };
        let note = match ctx.keep_secret(&item).await {
            Ok(note) => note,
            Err(why) => {
                ctx.api("iam", "DeleteAccessKey", &id);
                let undone =
                    super::rollback::with_retries(|| ctx.cloud.delete_access_key(name, &id))
                        .await
                        .and_then(|()| ctx.with_journal(|j| j.deleted(&intent)));
                return Err(not_kept(
                    &format!("la clave de acceso {id}"),
                    &format!("access key {id}"),
                    &why,
                    undone,
                ));
            }
        };
        let done = Res::AccessKey {
            user: name.to_string(),
            id: Some(id),
        };
        ctx.with_journal(|j| j.created(&intent, &done))?;
        ctx.count(true);
        ctx.emit(Event::Created {
            step: Step::UserGroup,
            resource: done,
        });
        ctx.emit(item.event());
        if let Some(text) = note {
            ctx.emit(Event::SecretSaved { text });
        }
    }
    if keys.len() >= want && want > 0 {
        for k in &keys {
            ctx.emit(Event::AlreadyThere {
                step: Step::UserGroup,
                resource: Res::AccessKey {
                    user: name.to_string(),
                    id: Some(k.id.clone()),
                },
            });
        }
    }
    Ok(known.len())
}

/// Console access: a login profile with a generated password the user must change at first sign-in.
/// `fresh`: this run just made the user, so it has none yet. Returns the create call's answer
/// (whether a reset is required), `None` when nothing was created (the caller reads it then).
pub async fn console_password(
    ctx: &Ctx,
    name: &str,
    min_len: usize,
    fresh: bool,
) -> R<Option<bool>> {
    let lp = Res::LoginProfile {
        user: name.to_string(),
    };
    let mut has = !fresh && ctx.cloud.login_profile(name).await.map_err(ce)?.is_some();
    let unkept = ctx.holds(&lp)
        && !ctx
            .journal
            .lock()
            .map(|j| j.owns_confirmed(&lp))
            .unwrap_or(true);
    if has && unkept {
        // Made by an earlier run that stopped before its password was saved: nobody knows it.
        ctx.api("iam", "DeleteLoginProfile", name);
        super::rollback::with_retries(|| ctx.cloud.delete_login_profile(name)).await?;
        ctx.with_journal(|j| j.deleted(&lp))?;
        ctx.warn(tr!(
            es: "borrado el acceso a la consola de {name}: una ejecución anterior lo creó y su contraseña no llegó a guardarse",
            en: "removed {name}'s console access: an earlier run created it and its password was never saved"
        ));
        has = false;
    }
    ctx.api("iam", "CreateLoginProfile", name);
    if has {
        // Already there: confirmed in the journal (kept), or someone else's (refused by ensure).
        ctx.ensure(Step::UserGroup, lp.clone(), true, async { Ok(lp.clone()) })
            .await?;
        return Ok(None);
    }
    let password = generate_password(min_len);
    ctx.with_journal(|j| j.intent(&lp))?;
    // The sign-in address is asked for beside the create: it only needs the account.
    let (made, sign_in_url) = tokio::join!(
        ctx.cloud.create_login_profile(name, &password),
        ctx.cloud.sign_in_url(&ctx.account)
    );
    let reset = match made {
        Ok(reset) => Some(reset),
        // The SDK retried a call whose answer was lost: the same request, the same password.
        Err(e) if e.is_already_exists() => None,
        Err(e) => return Err(e.text()),
    };
    let item = SecretItem::ConsolePassword {
        user: name.to_string(),
        password: Secret::new(password),
        sign_in_url,
    };
    let note = match ctx.keep_secret(&item).await {
        Ok(note) => note,
        Err(why) => {
            ctx.api("iam", "DeleteLoginProfile", name);
            let undone = super::rollback::with_retries(|| ctx.cloud.delete_login_profile(name))
                .await
                .and_then(|()| ctx.with_journal(|j| j.deleted(&lp)));
            return Err(not_kept(
                &format!("la contraseña de consola de {name}"),
                &format!("the console password of {name}"),
                &why,
                undone,
            ));
        }
    };
    ctx.with_journal(|j| j.created(&lp, &lp))?;
    ctx.count(true);
    ctx.emit(Event::Created {
        step: Step::UserGroup,
        resource: lp,
    });
    ctx.emit(item.event());
    if let Some(text) = note {
        ctx.emit(Event::SecretSaved { text });
    }
    Ok(reset)
}

/// CreateAccessKey without blind retries: when a call fails in transit, any key that appeared
/// meanwhile is one whose secret was lost with the answer — useless, so it is deleted — and the
/// call is made again (bounded).
async fn create_key_reconciled(
    ctx: &Ctx,
    user: &str,
    before: &[String],
) -> Result<(String, String), crate::cloud::CloudError> {
    let mut attempt = 0;
    loop {
        attempt += 1;
        match ctx.cloud.create_access_key(user).await {
            Ok(k) => return Ok(k),
            Err(e) if e.is_transient() && attempt < 5 => {
                tokio::time::sleep(std::time::Duration::from_millis(300 * attempt)).await;
                for k in ctx.cloud.access_keys(user).await? {
                    if !before.contains(&k.id) {
                        ctx.cloud.delete_access_key(user, &k.id).await?;
                    }
                }
            }
            Err(e) => return Err(e),
        }
    }
}
