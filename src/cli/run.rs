//! Runs one subcommand: resolves language and state dir, connects to AWS or the sandbox, prints.

use super::args::{Cli, Command, Global, SandboxAction};
use super::exit;
use crate::cloud::Cloud;
use crate::i18n::{Lang, Text};
use crate::session::Settings;
use crate::tr;
use std::path::PathBuf;

/// What every subcommand needs: the language, the state dir and the connection settings.
pub struct Ctx {
    pub lang: Lang,
    pub state_dir: PathBuf,
    pub settings: Settings,
}

impl Ctx {
    pub fn new(global: &Global) -> Ctx {
        let lang = global.lang.unwrap_or_else(Lang::from_env);
        let state_dir = global
            .state_dir
            .clone()
            .unwrap_or_else(crate::paths::default_state_dir);
        Ctx {
            lang,
            settings: Settings {
                profile: global.profile.clone(),
                region: global.region.clone(),
                endpoint_url: global.endpoint_url.clone(),
                sandbox: global.sandbox,
                state_dir: state_dir.clone(),
                lang,
            },
            state_dir,
        }
    }

    /// Prints one line for the user on stderr, in their language.
    pub fn say(&self, t: &Text) {
        eprintln!("{}", t.get(self.lang));
    }

    /// Starts or reuses the sandbox when `--sandbox` was given (progress on stderr), then loads the
    /// AWS configuration.
    pub async fn connect(&self) -> Result<Cloud, Text> {
        self.settings.connect(|line| eprintln!("  {line}")).await
    }
}

/// Runs the parsed command line; returns the process exit code.
pub async fn run(cli: Cli) -> u8 {
    let ctx = Ctx::new(&cli.global);
    crate::logging::init(&ctx.state_dir);
    match cli.command {
        None => crate::tui::run(&ctx.settings, cli.plan).await,
        Some(Command::Whoami(j)) => whoami(&ctx, j.json).await,
        Some(Command::Sandbox { action }) => sandbox(&ctx, action),
        Some(Command::Apply(a)) => super::apply::apply(&ctx, a).await,
        Some(Command::Rollback(a)) => super::apply::rollback(&ctx, a).await,
        Some(Command::Status(j)) => super::apply::status(&ctx, j.json).await,
        Some(Command::CheckTrigger(a)) => super::apply::check_trigger(&ctx, a),
        Some(Command::PackageResizer(a)) => super::apply::package_resizer(&ctx, a).await,
        Some(Command::Diagram(a)) => super::teach::diagram(&ctx, a),
        Some(Command::Can(a)) => super::teach::can(&ctx, a).await,
        Some(Command::Export(a)) => super::teach::export(&ctx, a),
    }
}

async fn whoami(ctx: &Ctx, json: bool) -> u8 {
    let cloud = match ctx.connect().await {
        Ok(c) => c,
        Err(t) => {
            ctx.say(&t);
            return exit::FAILED;
        }
    };
    match cloud.whoami().await {
        Ok(id) => {
            if json {
                println!("{}", serde_json::to_string(&id).unwrap_or_default());
            } else {
                let (account, arn, region, endpoint) =
                    (&id.account, &id.arn, &id.region, &id.endpoint);
                let where_ = if id.sandbox {
                    tr!(es: " (entorno local, sin cuenta real)", en: " (local sandbox, no real account)")
                } else {
                    Text::fixed("", "")
                };
                let t = tr!(
                    es: "Cuenta:   {account}\nARN:      {arn}\nRegión:   {region}\nEndpoint: {endpoint}",
                    en: "Account:  {account}\nARN:      {arn}\nRegion:   {region}\nEndpoint: {endpoint}"
                );
                println!("{}{}", t.get(ctx.lang), where_.get(ctx.lang));
            }
            exit::OK
        }
        Err(e) => {
            ctx.say(&e.text());
            exit::FAILED
        }
    }
}

fn sandbox(ctx: &Ctx, action: SandboxAction) -> u8 {
    let data = crate::paths::data_dir();
    match action {
        SandboxAction::Start => {
            match crate::sandbox::start(&ctx.state_dir, &data, &mut |l| eprintln!("  {l}")) {
                Ok(sb) => {
                    let ep = &sb.record.endpoint;
                    let pid = sb.record.pid;
                    let t = if sb.reused {
                        tr!(es: "El entorno local ya estaba en marcha en {ep} (pid {pid})", en: "The sandbox was already running at {ep} (pid {pid})")
                    } else {
                        tr!(es: "Entorno local en marcha en {ep} (pid {pid})", en: "Sandbox running at {ep} (pid {pid})")
                    };
                    ctx.say(&t);
                    ctx.say(&tr!(
                        es: "Para usarlo con la AWS CLI o boto3, ejecuta:",
                        en: "To use it from the AWS CLI or boto3, run:"
                    ));
                    print!("{}", crate::sandbox::exports(ep));
                    exit::OK
                }
                Err(t) => {
                    ctx.say(&t);
                    exit::FAILED
                }
            }
        }
        SandboxAction::Stop => {
            match crate::sandbox::stop(&ctx.state_dir) {
                Ok(true) => {
                    ctx.say(&tr!(es: "Entorno local detenido", en: "Sandbox stopped"));
                    exit::OK
                }
                Ok(false) => {
                    ctx.say(&tr!(es: "No había un entorno local en marcha", en: "No sandbox was running"));
                    exit::OK
                }
                Err(t) => {
                    ctx.say(&t);
                    exit::FAILED
                }
            }
        }
        SandboxAction::Status => match crate::sandbox::status(&ctx.state_dir) {
            Some(r) => {
                let (ep, pid) = (&r.endpoint, r.pid);
                println!(
                    "{}",
                    tr!(es: "en marcha: {ep} (pid {pid})", en: "running: {ep} (pid {pid})")
                        .get(ctx.lang)
                );
                exit::OK
            }
            None => {
                println!("{}", tr!(es: "detenido", en: "stopped").get(ctx.lang));
                // Like `systemctl status`: not running is reported with a non-zero code.
                exit::FAILED
            }
        },
    }
}

/// The answer of subcommands that later issues fill in.
pub fn not_implemented(ctx: &Ctx, what: &str) -> u8 {
    ctx.say(
        &tr!(es: "`{what}` todavía no está implementado", en: "`{what}` is not implemented yet"),
    );
    exit::NOT_IMPLEMENTED
}
