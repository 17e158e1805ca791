//! Performs the wizard's `Cmd`s: each runs as a tokio task (never inside a key handler) and answers
//! with `Msg`s carrying its data — apply, rollback, keys, policy search, the teaching views.

use super::app::{Cmd, Msg};
use super::try_it;
use crate::engine::{self, Event, Secret};
use crate::i18n::Text;
use crate::tr;
use std::sync::{Arc, OnceLock};
use tokio::sync::mpsc::{UnboundedSender, unbounded_channel};

pub(super) type Tx = UnboundedSender<Msg>;
pub(super) type Engine = Arc<OnceLock<Arc<engine::Ctx>>>;

fn not_connected() -> Msg {
    Msg::Status(
        tr!(es: "Aún no hay conexión con AWS.", en: "Not connected to AWS yet."),
        true,
    )
}

/// Runs a command in the background; its answer comes back as a `Msg`.
pub fn perform(cmd: Cmd, engine: &Engine, tx: &Tx, state_dir: &std::path::Path) {
    let tx = tx.clone();
    let e = engine.get().cloned();
    match cmd {
        Cmd::Many(list) => {
            for c in list {
                perform(c, engine, &tx, state_dir);
            }
        }
        Cmd::Quit => {}
        Cmd::Copy(text) => {
            use std::io::Write;
            let mut out = std::io::stdout();
            let r = out
                .write_all(super::term::osc52(&text).as_bytes())
                .and_then(|()| out.flush());
            if let Err(e) = r {
                let e = e.to_string();
                let _ = tx.send(Msg::Status(
                    tr!(es: "No se pudo copiar: {e}", en: "Could not copy: {e}"),
                    true,
                ));
            }
        }
        Cmd::SavePlan(plan) => {
            let path = state_dir.join("wizard-plan.toml");
            let msg = match crate::plan::to_toml(&plan).and_then(|t| {
                std::fs::create_dir_all(state_dir)
                    .and_then(|()| std::fs::write(&path, t))
                    .map_err(|e| Text::same(e.to_string()))
            }) {
                Ok(()) => {
                    let p = path.display().to_string();
                    Msg::Status(
                        tr!(es: "Plan guardado en {p}", en: "Plan saved to {p}"),
                        false,
                    )
                }
                Err(t) => Msg::Status(t, true),
            };
            let _ = tx.send(msg);
        }
        Cmd::SaveKey {
            profile,
            id,
            secret,
        } => {
            tokio::task::spawn_blocking(move || {
                let path = engine::secrets::credentials_path();
                // The keys screen's profile is the user's name: the same base name as the CLI's.
                let msg = match engine::secrets::save_access_key(
                    &path,
                    &profile,
                    &profile,
                    &id,
                    secret.expose(),
                ) {
                    Ok(profile) => {
                        let p = path.display().to_string();
                        Msg::Status(
                            tr!(es: "Clave guardada en {p}, perfil [{profile}] (modo 0600)", en: "Key saved in {p}, profile [{profile}] (mode 0600)"),
                            false,
                        )
                    }
                    Err(t) => Msg::Status(t, true),
                };
                let _ = tx.send(msg);
            });
        }
        cmd => {
            let Some(e) = e else {
                let _ = tx.send(not_connected());
                return;
            };
            if matches!(cmd, Cmd::Apply(_) | Cmd::Rollback(_)) {
                deep(cloud_cmd(cmd, e, tx));
            } else {
                tokio::spawn(cloud_cmd(cmd, e, tx));
            }
        }
    }
}

/// Runs the engine's deep futures (a whole plan's apply) on a thread with a big stack: polled on a
/// 2 MiB tokio worker they overflow it in debug builds. The CLI runs them on the main thread (8 MiB).
fn deep(fut: impl std::future::Future<Output = ()> + Send + 'static) {
    let handle = tokio::runtime::Handle::current();
    let spawned = std::thread::Builder::new()
        .name("pasos-engine".into())
        .stack_size(64 << 20)
        .spawn(move || handle.block_on(fut));
    if let Err(e) = spawned {
        tracing::error!("could not start the engine thread: {e}");
    }
}

/// The same checks as `pasos apply` before anything is created: static validation, then the live
/// preflight (references resolve, policies exist, names not taken by something pasos did not make).
/// Problems are shown as failures of the step and nothing is created.
async fn apply_checked(e: &engine::Ctx, lp: &crate::plan::LoadedPlan) -> bool {
    let (findings, ext) = crate::plan::validate::validate(lp);
    let mut problems = findings.problems;
    if problems.is_empty() {
        problems =
            engine::preflight::check(&e.cloud, &|r: &engine::Res| e.holds(r), lp, &ext).await;
    }
    if problems.is_empty() {
        return engine::apply(e, lp).await;
    }
    for p in problems {
        e.emit(engine::Event::Failed {
            step: engine::Step::Preflight,
            error: p.text(),
        });
    }
    false
}

/// A key made from the keys screen is journaled like any other: intent before the call, id after.
async fn create_key_journaled(e: &engine::Ctx, user: &str) -> Result<(String, Secret), Text> {
    let intent = engine::Res::AccessKey {
        user: user.to_string(),
        id: None,
    };
    let journal_err = |x: std::io::Error| Text::same(x.to_string());
    e.journal
        .lock()
        .map_err(|_| Text::fixed("diario bloqueado", "journal lock poisoned"))?
        .intent(&intent)
        .map_err(journal_err)?;
    let (id, secret) = e
        .cloud
        .create_access_key(user)
        .await
        .map_err(|x| x.text())?;
    let done = engine::Res::AccessKey {
        user: user.to_string(),
        id: Some(id.clone()),
    };
    e.journal
        .lock()
        .map_err(|_| Text::fixed("diario bloqueado", "journal lock poisoned"))?
        .created(&intent, &done)
        .map_err(journal_err)?;
    Ok((id, Secret::new(secret)))
}

async fn cloud_cmd(cmd: Cmd, e: Arc<engine::Ctx>, tx: Tx) {
    let c = &e.cloud;
    let msg = match cmd {
        Cmd::Apply(lp) => Msg::ApplyDone(apply_checked(&e, &lp).await),
        Cmd::SearchPolicies(query) => {
            let found = c.managed_policies(&query).await.map_err(|x| x.text());
            Msg::Policies { query, found }
        }
        Cmd::ListKeys(user) => Msg::Keys(match c.access_keys(&user).await {
            Err(x) if x.is_not_found() => Ok(vec![]),
            r => r.map_err(|x| x.text()),
        }),
        Cmd::CreateKey(user) => Msg::KeyCreated(create_key_journaled(&e, &user).await),
        Cmd::SetKeyActive { user, id, active } => {
            match c.set_access_key_active(&user, &id, active).await {
                Ok(()) if active => Msg::Status(
                    tr!(es: "Clave {id} reactivada", en: "Key {id} reactivated"),
                    false,
                ),
                Ok(()) => Msg::Status(
                    tr!(es: "Clave {id} desactivada", en: "Key {id} deactivated"),
                    false,
                ),
                Err(x) => Msg::Status(x.text(), true),
            }
        }
        Cmd::DeleteKey { user, id } => match c.delete_access_key(&user, &id).await {
            Ok(()) => {
                if let Ok(mut j) = e.journal.lock() {
                    let _ = j.deleted(&engine::Res::AccessKey {
                        user: user.clone(),
                        id: Some(id.clone()),
                    });
                }
                Msg::Status(tr!(es: "Clave {id} borrada", en: "Key {id} deleted"), false)
            }
            Err(x) => Msg::Status(x.text(), true),
        },
        Cmd::FreeTier => Msg::FreeTier(c.free_tier_types().await.unwrap_or_default()),
        Cmd::TryIt(job) => Msg::Tried(try_it::run(c, job).await),
        Cmd::Preview(job) => {
            let (a, b) = super::photo::run(c, job, c.sandbox).await;
            Msg::Previews(a, b)
        }
        Cmd::RefreshJournal => {
            let (live, births) = e
                .journal
                .lock()
                .map(|j| (j.live(), j.births()))
                .unwrap_or_default();
            // Ages first, so the cost read the journal triggers has them.
            let _ = tx.send(Msg::Teach(super::teach::TeachMsg::Births(births)));
            Msg::Journal(live)
        }
        Cmd::Teach(t) => Msg::Teach(teach_cmd(c, t).await),
        Cmd::Rollback(keys) => {
            rollback(&e, keys).await;
            return;
        }
        Cmd::Many(_)
        | Cmd::Quit
        | Cmd::Copy(_)
        | Cmd::SavePlan(_)
        | Cmd::SaveKey { .. }
        | Cmd::Reconnect => {
            return;
        }
    };
    let _ = tx.send(msg);
}

/// Issue #14's reads: simulations after steps 1 and 2, and the cost of what is alive.
async fn teach_cmd(c: &crate::cloud::Cloud, t: super::teach::TeachCmd) -> super::teach::TeachMsg {
    use super::teach::{TeachCmd, TeachMsg};
    match t {
        TeachCmd::Simulate(names) => {
            let actions: Vec<String> = crate::cloud::iam_sim::CURATED
                .iter()
                .map(|s| s.to_string())
                .collect();
            let mut out = Vec::new();
            for n in names {
                let r = match c.principal(&n).await {
                    Ok(p) => c.simulate(&p, &actions).await.map(|a| (p, a)),
                    Err(e) => Err(e),
                }
                .map_err(|e| crate::cloud::iam_sim::error_text(&e, &n));
                out.push((n, r));
            }
            TeachMsg::Simulated(out)
        }
        TeachCmd::Costs(live) => {
            let prices = crate::cost::prices();
            let costs = crate::cost::assess(c, &live, &prices).await;
            let plan = if c.sandbox {
                None
            } else {
                c.account_plan().await
            };
            TeachMsg::Costs(live.into_iter().map(|(r, _)| r).zip(costs).collect(), plan)
        }
    }
}

/// Rolls back everything, or each chosen key (with what hangs off it) in turn, as one run: one
/// `Done` at the end.
async fn rollback(e: &engine::Ctx, keys: Option<Vec<String>>) {
    let Some(keys) = keys else {
        if let Err(t) = engine::rollback::rollback(&e.cloud, e.journal.clone(), &e.tx, None).await {
            e.emit(Event::Failed {
                step: engine::Step::Rollback,
                error: t,
            });
            e.emit(Event::Done {
                ok: false,
                created: 0,
                existing: 0,
                deleted: 0,
                failed: 1,
            });
        }
        return;
    };
    let (mut ok, mut done) = (true, 0);
    for key in keys {
        let live = e.journal.lock().map(|j| j.live()).unwrap_or_default();
        if !live.iter().any(|x| x.res.key() == key) {
            continue;
        }
        let (sub_tx, mut sub_rx) = unbounded_channel::<Event>();
        let out = e.tx.clone();
        let fwd = tokio::spawn(async move {
            let (mut ok, mut done) = (true, 0);
            while let Some(ev) = sub_rx.recv().await {
                match ev {
                    Event::Done {
                        ok: o, existing, ..
                    } => {
                        ok &= o;
                        done += existing;
                    }
                    ev => {
                        let _ = out.send(ev);
                    }
                }
            }
            (ok, done)
        });
        let r = engine::rollback::rollback(&e.cloud, e.journal.clone(), &sub_tx, Some(&key)).await;
        drop(sub_tx);
        let (o, d) = fwd.await.unwrap_or((false, 0));
        ok &= o;
        done += d;
        if let Err(t) = r {
            ok = false;
            e.emit(Event::Failed {
                step: engine::Step::Rollback,
                error: t,
            });
        }
    }
    e.emit(Event::Done {
        ok,
        created: 0,
        existing: done,
        deleted: done,
        failed: usize::from(!ok),
    });
}
