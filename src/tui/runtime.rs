//! The terminal loop: connects in the background, reads keys on a thread, performs `Cmd`s as tokio
//! tasks that answer with `Msg`s, forwards the engine's events, and redraws. Idle means no wake-ups
//! besides the key thread's 250 ms poll.

use super::app::{App, Cmd, Msg};
use super::{try_it, view};
use crate::cloud::Identity;
use crate::engine::{self, Event, Secret};
use crate::i18n::Text;
use crate::session::{Settings, exit};
use crate::tr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;
use tokio::sync::mpsc::{UnboundedSender, unbounded_channel};

type Tx = UnboundedSender<Msg>;
type Engine = Arc<OnceLock<Arc<engine::Ctx>>>;

/// Connects without printing anything (the screen is ours): sandbox progress goes to the log file.
async fn connect(
    settings: Settings,
    events: engine::Events,
) -> Result<(engine::Ctx, Identity), Text> {
    let (cloud, id, journal, torn) = settings.open(|l| tracing::info!("sandbox: {l}")).await?;
    if let Some(t) = torn {
        tracing::warn!("{}", t.en);
    }
    let provider = crate::session::resizer_provider(settings.state_dir.clone(), settings.sandbox);
    Ok((
        engine::Ctx::new(cloud, journal, events, id.account.clone(), provider),
        id,
    ))
}

pub async fn run(
    settings: Settings,
    lp: crate::plan::LoadedPlan,
    plan_path: Option<PathBuf>,
) -> u8 {
    let (lang, state_dir, sandbox) = (settings.lang, settings.state_dir.clone(), settings.sandbox);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    let lp_needs_resizer = lp.plan.lambdas.iter().any(|l| l.code == "bundled:resizer");
    let mut app = App::new(lang, lp, plan_path, crate::plan::validate::today(), now);
    let (tx, mut rx) = unbounded_channel::<Msg>();
    let (ev_tx, mut ev_rx) = unbounded_channel::<Event>();
    let fwd = tx.clone();
    tokio::spawn(async move {
        while let Some(ev) = ev_rx.recv().await {
            if fwd.send(Msg::Engine(ev)).is_err() {
                break;
            }
        }
    });
    let engine: Engine = Arc::new(OnceLock::new());
    // Connecting runs in the background (the first frame does not wait for credentials), and again
    // when the learner asks to retry after a failure.
    let start_connect = {
        let (tx, engine) = (tx.clone(), engine.clone());
        move || {
            let (tx, engine, settings, ev_tx) =
                (tx.clone(), engine.clone(), settings.clone(), ev_tx.clone());
            tokio::spawn(async move {
                let r = connect(settings, ev_tx).await.map(|(ctx, id)| {
                    let _ = engine.set(Arc::new(ctx));
                    id
                });
                let _ = tx.send(Msg::Connected(r));
            });
        }
    };
    start_connect();
    // The resizer Lambda is compiled (release, minutes the first time) while the learner is still on
    // the first steps, so step 4 finds the zip ready. The engine asks for the same zip later and
    // waits on the packaging lock if this is not finished yet. Only a failure is shown.
    if lp_needs_resizer {
        package_in_background(tx.clone(), state_dir.clone(), sandbox);
    }
    let stop = Arc::new(AtomicBool::new(false));
    let keys = {
        let (tx, stop) = (tx.clone(), stop.clone());
        std::thread::spawn(move || {
            use crossterm::event::{self, Event as CEvent, KeyEventKind};
            while !stop.load(Ordering::Relaxed) {
                match event::poll(Duration::from_millis(250)) {
                    Ok(true) => match event::read() {
                        Ok(CEvent::Key(k)) if k.kind != KeyEventKind::Release => {
                            if tx.send(Msg::Key(k)).is_err() {
                                break;
                            }
                        }
                        Ok(CEvent::Resize(..)) => {
                            let _ = tx.send(Msg::Tick);
                        }
                        Ok(_) => {}
                        Err(_) => break,
                    },
                    Ok(false) => {}
                    Err(_) => break,
                }
            }
        })
    };
    let mut terminal = ratatui::init();
    let mut tick = tokio::time::interval(Duration::from_millis(120));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut code = exit::OK;
    loop {
        if let Err(e) = terminal.draw(|f| view::draw(f, &app)) {
            tracing::error!("draw failed: {e}");
            code = exit::FAILED;
            break;
        }
        let animating = app.busy.is_some() || (app.ident.is_none() && app.conn_error.is_none());
        let msg = tokio::select! {
            m = rx.recv() => m,
            _ = tick.tick(), if animating => Some(Msg::Tick),
        };
        let Some(mut msg) = msg else { break };
        loop {
            match app.update(msg) {
                Some(Cmd::Reconnect) => start_connect(),
                Some(cmd) => perform(cmd, &engine, &tx, &state_dir),
                None => {}
            }
            match rx.try_recv() {
                Ok(m) => msg = m,
                Err(_) => break,
            }
        }
        if app.quit {
            break;
        }
    }
    stop.store(true, Ordering::Relaxed);
    ratatui::restore();
    let _ = keys.join();
    code
}

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
        Cmd::RefreshJournal => Msg::Journal(e.journal.lock().map(|j| j.live()).unwrap_or_default()),
        Cmd::Rollback(keys) => {
            rollback(&e, keys).await;
            return;
        }
        Cmd::Many(_) | Cmd::Quit | Cmd::SavePlan(_) | Cmd::SaveKey { .. } | Cmd::Reconnect => {
            return;
        }
    };
    let _ = tx.send(msg);
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

/// Builds the bundled resizer while the learner is on the first steps, so step 4 finds the zip
/// ready; the engine asks for the same zip later and waits on the packaging lock if needed. The
/// welcome and Lambda screens hear every finished crate, and a once-a-second clock while one long
/// crate compiles.
fn package_in_background(tx: Tx, state_dir: PathBuf, sandbox: bool) {
    use super::resizer_status::ResizerState;
    use crate::resizer_pkg::Progress;
    let started = std::time::Instant::now();
    let last: Arc<std::sync::Mutex<Option<Progress>>> = Arc::default();
    let done = Arc::new(AtomicBool::new(false));
    {
        let (tx, last, done) = (tx.clone(), last.clone(), done.clone());
        tokio::spawn(async move {
            let mut every = tokio::time::interval(Duration::from_secs(1));
            while !done.load(Ordering::Relaxed) {
                every.tick().await;
                let progress = last.lock().ok().and_then(|g| g.clone());
                let secs = started.elapsed().as_secs();
                if done.load(Ordering::Relaxed)
                    || tx
                        .send(Msg::Resizer(ResizerState::Building { progress, secs }))
                        .is_err()
                {
                    break;
                }
            }
        });
    }
    tokio::task::spawn_blocking(move || {
        let flavor = crate::session::resizer_flavor(sandbox);
        let r = crate::resizer_pkg::package(&state_dir, flavor, "x86_64", None, &mut |p| {
            tracing::info!("{}", p.line(crate::i18n::Lang::En));
            if let Ok(mut g) = last.lock() {
                *g = Some(p);
            }
        });
        done.store(true, Ordering::Relaxed);
        let secs = started.elapsed().as_secs();
        let state = match r {
            Ok(_) => ResizerState::Ready { secs },
            Err(t) => {
                tracing::warn!("packaging the resizer failed: {t}");
                ResizerState::Failed(t)
            }
        };
        let _ = tx.send(Msg::Resizer(state));
    });
}
