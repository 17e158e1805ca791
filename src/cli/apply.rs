//! Headless subcommands over the engine: apply, rollback, status and package-resizer. They print
//! one readable line per event (or one JSON object per line with --json); secrets go to 0600 files.

use crate::cli::args::{ApplyArgs, CheckTriggerArgs, PackageArgs, RollbackArgs};
use crate::cli::exit;
use crate::cli::run::Ctx;
use crate::cloud::Cloud;
use crate::engine::{self, Event, Journal, Res, secrets};
use crate::i18n::{Lang, Text};
use crate::plan::{self, PlanProblem};
use crate::tr;
use std::io::{BufRead, IsTerminal, Write};
use std::sync::Arc;

/// Standard output that never panics: once the reader is gone (`pasos apply --json | head -1`,
/// EPIPE), printing stops and the work goes on — secrets are saved by the engine, not here.
#[derive(Default)]
struct Out {
    closed: bool,
}

impl Out {
    fn line(&mut self, s: &str) {
        if self.closed {
            return;
        }
        let mut o = std::io::stdout().lock();
        if writeln!(o, "{s}").and_then(|()| o.flush()).is_err() {
            self.closed = true;
        }
    }
}

/// A line on stderr that never panics (a closed stderr only loses the line).
fn note(lang: Lang, t: &Text) {
    let _ = writeln!(std::io::stderr().lock(), "{}", t.get(lang));
}

fn say_problems(ctx: &Ctx, problems: &[PlanProblem], json: bool) {
    let mut out = Out::default();
    for p in problems {
        if json {
            let v = serde_json::json!({"event": "invalid", "field": p.field, "value": p.value, "rule": p.rule.get(ctx.lang)});
            out.line(&v.to_string());
        } else {
            note(
                ctx.lang,
                &Text::same(format!("✗ {}", p.text().get(ctx.lang))),
            );
        }
    }
}

/// Connects, learns the account and opens (locks) its journal, reporting a torn last line.
async fn open(ctx: &Ctx) -> Result<(Cloud, String, Journal), Text> {
    let (cloud, id, journal, torn) = ctx.settings.open(|l| eprintln!("  {l}")).await?;
    if let Some(t) = torn {
        ctx.say(&t);
    }
    Ok((cloud, id.account, journal))
}

fn confirm(ctx: &Ctx, question: Text) -> bool {
    if !std::io::stdin().is_terminal() {
        ctx.say(&tr!(es: "Sin terminal para confirmar: añade --yes", en: "No terminal to confirm on: add --yes"));
        return false;
    }
    eprint!("{} [y/N] ", question.get(ctx.lang));
    let _ = std::io::stderr().flush();
    let mut line = String::new();
    let _ = std::io::stdin().lock().read_line(&mut line);
    matches!(
        line.trim().to_ascii_lowercase().as_str(),
        "y" | "yes" | "s" | "si" | "sí"
    )
}

/// Where the CLI keeps secrets, called by the engine before it announces them: access keys into
/// the shared credentials file (a new profile pasos marks as its own: `--keys-profile` or the user's
/// name, or the next free `NAME-N`), console passwords into 0600 files in the state dir.
fn secret_sink(state_dir: std::path::PathBuf, keys_profile: Option<String>) -> engine::SecretSink {
    Arc::new(move |item: &engine::SecretItem| match item {
        engine::SecretItem::AccessKey {
            user,
            access_key_id,
            secret,
        } => {
            let path = secrets::credentials_path();
            let base = keys_profile.clone().unwrap_or_else(|| user.clone());
            let profile =
                secrets::save_access_key(&path, &base, user, access_key_id, secret.expose())?;
            let p = path.display().to_string();
            Ok(
                tr!(es: "clave guardada en {p}, perfil [{profile}] (modo 0600)", en: "key saved in {p}, profile [{profile}] (mode 0600)"),
            )
        }
        engine::SecretItem::ConsolePassword {
            user,
            password,
            sign_in_url,
        } => {
            let p = secrets::save_password(&state_dir, user, password.expose(), sign_in_url)?
                .display()
                .to_string();
            Ok(
                tr!(es: "contraseña de consola guardada en {p} (modo 0600)", en: "console password saved in {p} (mode 0600)"),
            )
        }
    })
}

/// Prints events (one line each, or one JSON object per line) until the engine drops its sender.
fn printer(ctx: &Ctx, json: bool) -> (engine::Events, tokio::task::JoinHandle<()>) {
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<Event>();
    let lang = ctx.lang;
    let handle = tokio::spawn(async move {
        let mut out = Out::default();
        // Drained to the end even once stdout is closed: the engine never waits on the screen.
        while let Some(ev) = rx.recv().await {
            if json {
                let line = match &ev {
                    Event::SecretSaved { text } => {
                        serde_json::json!({"event": "secret_saved", "text": text.get(lang)})
                            .to_string()
                    }
                    ev => serde_json::to_string(ev).unwrap_or_default(),
                };
                out.line(&line);
            } else {
                out.line(&ev.line(lang));
            }
        }
    });
    (tx, handle)
}

/// `--keys-profile` must be a usable profile name: checked before anything is created.
fn check_keys_profile(name: &str) -> Result<(), PlanProblem> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c));
    if ok {
        Ok(())
    } else {
        Err(PlanProblem::new(
            "--keys-profile",
            name,
            tr!(
                es: "un nombre de perfil: de 1 a 64 letras, dígitos o +=,.@_-",
                en: "a profile name: 1 to 64 letters, digits or +=,.@_-"
            ),
        ))
    }
}

pub async fn apply(ctx: &Ctx, a: ApplyArgs) -> u8 {
    let lp = match plan::load(&a.plan) {
        Ok(lp) => lp,
        Err(p) => {
            say_problems(ctx, &p, a.json);
            return exit::BAD_INPUT;
        }
    };
    let mut lp = lp;
    lp.allow_outside = a.allow_outside_paths;
    if let Some(Err(p)) = a.keys_profile.as_deref().map(check_keys_profile) {
        say_problems(ctx, &[p], a.json);
        return exit::BAD_INPUT;
    }
    let (findings, ext) = plan::validate::validate(&lp);
    for w in &findings.warnings {
        eprintln!("! {}", w.get(ctx.lang));
    }
    if !findings.problems.is_empty() {
        say_problems(ctx, &findings.problems, a.json);
        return exit::BAD_INPUT;
    }
    let (cloud, account, journal) = match open(ctx).await {
        Ok(c) => c,
        Err(t) => {
            ctx.say(&t);
            return exit::FAILED;
        }
    };
    let mut problems =
        engine::preflight::check(&cloud, &|r: &Res| journal.holds(r), &lp, &ext).await;
    if lp.plan.users.iter().any(|u| u.access_keys > 0) {
        // A key is never made only to find its secret has nowhere to go.
        let path = secrets::credentials_path();
        if let Err(rule) = secrets::check_writable(&path) {
            problems.push(PlanProblem::new(
                "credentials",
                path.display().to_string(),
                rule,
            ));
        }
    }
    if !problems.is_empty() {
        say_problems(ctx, &problems, a.json);
        return exit::BAD_INPUT;
    }
    if a.check {
        ctx.say(&tr!(es: "El plan es válido", en: "The plan is valid"));
        return exit::OK;
    }
    if !a.yes {
        let (r, where_) = (
            &cloud.region,
            if cloud.sandbox {
                "sandbox"
            } else {
                account.as_str()
            },
        );
        if !confirm(
            ctx,
            tr!(es: "¿Crear los recursos del plan en {where_} ({r})?", en: "Create the plan's resources in {where_} ({r})?"),
        ) {
            return exit::BAD_INPUT;
        }
    }
    let (tx, printer) = printer(ctx, a.json);
    let ectx = engine::Ctx::new(
        cloud,
        journal,
        tx,
        account,
        crate::session::resizer_provider(ctx.state_dir.clone(), ctx.settings.sandbox),
    )
    .with_secret_sink(secret_sink(ctx.state_dir.clone(), a.keys_profile.clone()));
    let ok = engine::apply(&ectx, &lp).await;
    drop(ectx);
    let _ = printer.await;
    if ok { exit::OK } else { exit::FAILED }
}

pub async fn rollback(ctx: &Ctx, a: RollbackArgs) -> u8 {
    let (cloud, _account, journal) = match open(ctx).await {
        Ok(c) => c,
        Err(t) => {
            ctx.say(&t);
            return exit::FAILED;
        }
    };
    let live: Vec<Res> = journal.live().into_iter().map(|e| e.res).collect();
    let chosen = match engine::rollback::selection(&live, a.only.as_deref()) {
        Ok(c) => c,
        Err(t) => {
            ctx.say(&t);
            return exit::BAD_INPUT;
        }
    };
    if chosen.is_empty() {
        ctx.say(&tr!(es: "El diario está vacío: no hay nada que deshacer", en: "The journal is empty: nothing to roll back"));
        return exit::OK;
    }
    if !a.yes {
        for r in &chosen {
            eprintln!("  - {}", r.label(ctx.lang));
        }
        let n = chosen.len();
        if !confirm(
            ctx,
            tr!(es: "¿Borrar estos {n} recursos?", en: "Delete these {n} resources?"),
        ) {
            return exit::BAD_INPUT;
        }
    }
    let (tx, printer) = printer(ctx, a.json);
    let journal = Arc::new(std::sync::Mutex::new(journal));
    let r = engine::rollback::rollback(&cloud, journal, &tx, a.only.as_deref()).await;
    drop(tx);
    let _ = printer.await;
    match r {
        Ok(true) => exit::OK,
        Ok(false) => exit::FAILED,
        Err(t) => {
            ctx.say(&t);
            exit::FAILED
        }
    }
}

pub async fn status(ctx: &Ctx, json: bool) -> u8 {
    let (cloud, account, journal) = match open(ctx).await {
        Ok(c) => c,
        Err(t) => {
            ctx.say(&t);
            return exit::FAILED;
        }
    };
    let mut rows = Vec::new();
    for e in journal.live() {
        let live = crate::engine::rollback::exists(&cloud, &e.res, journal.session()).await;
        rows.push((e, live));
    }
    // Cost awareness (issue #14): free tier, age and price per hour of each live resource.
    let prices = crate::cost::prices();
    let born: Vec<(Res, Option<u64>)> = rows
        .iter()
        .map(|(e, _)| (e.res.clone(), journal.since(&e.res)))
        .collect();
    let costs = crate::cost::assess(&cloud, &born, &prices).await;
    if json {
        let v: Vec<serde_json::Value> = rows
            .iter()
            .zip(&costs)
            .map(|((e, live), cost)| serde_json::json!({"key": e.res.key(), "resource": e.res, "confirmed": e.confirmed, "exists": live, "cost": cost}))
            .collect();
        let plan = cloud.account_plan().await;
        let cost = crate::cost::summary_json(&costs, &prices, &cloud.region, plan.as_ref());
        println!(
            "{}",
            serde_json::json!({"account": account, "region": cloud.region, "session": journal.session(), "resources": v, "cost": cost})
        );
    } else if rows.is_empty() {
        println!(
            "{}",
            tr!(es: "El diario está vacío", en: "The journal is empty").get(ctx.lang)
        );
    } else {
        for ((e, live), cost) in rows.iter().zip(&costs) {
            let state = match (live, ctx.lang) {
                (Some(true), Lang::Es) => "existe",
                (Some(true), Lang::En) => "exists",
                (Some(false), Lang::Es) => "ya no existe",
                (Some(false), Lang::En) => "gone",
                (None, _) => "?",
            };
            println!("{:<60} {state}", e.res.label(ctx.lang));
            if crate::cost::billable(&e.res) {
                println!("    {}", crate::cost::line(&e.res, cost, ctx.lang));
            }
        }
        let total: f64 = costs.iter().filter_map(|c| c.usd_per_hour).sum();
        let x = crate::cost::usd(total, ctx.lang);
        println!(
            "{}",
            tr!(es: "Coste estimado: ≈{x} USD/h.", en: "Estimated cost: ≈{x} USD/h.").get(ctx.lang)
        );
        println!(
            "{}",
            crate::cost::source_note(&prices, &cloud.region).get(ctx.lang)
        );
    }
    exit::OK
}

pub fn check_trigger(ctx: &Ctx, a: CheckTriggerArgs) -> u8 {
    super::check::run(ctx, a)
}

pub async fn package_resizer(ctx: &Ctx, a: PackageArgs) -> u8 {
    let arch = match a.arch {
        crate::cli::args::Arch::X86_64 => "x86_64",
        crate::cli::args::Arch::Arm64 => "arm64",
    };
    let state = ctx.state_dir.clone();
    let out = a.out.clone();
    // `--sandbox package-resizer` builds the sandbox's quick copy; otherwise the one for AWS.
    let flavor = crate::resizer_pkg::flavor_for(ctx.settings.sandbox);
    let lang = ctx.lang;
    let r = tokio::task::spawn_blocking(move || {
        crate::resizer_pkg::package(&state, flavor, arch, out.as_deref(), &mut |p| {
            // A line every 25 crates (and every step): progress without 300 lines of it.
            let show = match &p {
                crate::resizer_pkg::Progress::Crates { done, total, .. } => {
                    done % 25 == 0 || done == total
                }
                crate::resizer_pkg::Progress::Step(_) => true,
            };
            if show {
                eprintln!("  {}", p.line(lang));
            }
        })
    })
    .await;
    match r {
        Ok(Ok(p)) => {
            println!("{}", p.display());
            exit::OK
        }
        Ok(Err(t)) => {
            ctx.say(&t);
            exit::FAILED
        }
        Err(e) => {
            ctx.say(&Text::same(e.to_string()));
            exit::FAILED
        }
    }
}
