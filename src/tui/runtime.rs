//! The terminal loop: connects in the background, reads keys on a thread, performs `Cmd`s as tokio
//! tasks that answer with `Msg`s, forwards the engine's events, and redraws. Idle means no wake-ups
//! besides the key thread's 250 ms poll.

use super::app::{App, Cmd, Msg};
use super::view;
use crate::cloud::Identity;
use crate::engine::{self, Event};
use crate::i18n::Text;
use crate::session::{Settings, exit};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;
use tokio::sync::mpsc::unbounded_channel;

use super::commands::{Engine, Tx, perform};

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
                        Ok(CEvent::Paste(text)) => {
                            if tx.send(Msg::Paste(text)).is_err() {
                                break;
                            }
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
    // Bracketed paste: a paste arrives as one event, so its newline can never act as Enter.
    if let Err(e) = crossterm::execute!(std::io::stdout(), crossterm::event::EnableBracketedPaste) {
        tracing::warn!("bracketed paste unavailable: {e}");
    }
    app.no_color = super::term::no_color_env();
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
    let _ = crossterm::execute!(std::io::stdout(), crossterm::event::DisableBracketedPaste);
    ratatui::restore();
    // Real AWS with resources alive: one line, after the screen is restored (never a blocker).
    if let Some(line) = app
        .teach
        .quit_line(app.ident.as_ref().is_none_or(|i| i.sandbox), app.lang)
    {
        eprintln!("{line}");
    }
    let _ = keys.join();
    code
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
        let flavor = crate::resizer_pkg::flavor_for(sandbox);
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
