//! What both fronts (the headless CLI and the wizard) need to reach AWS and their state: the
//! connection settings, connecting (starting the sandbox when asked), opening the journal, the
//! resizer zip provider, and the exit codes. Neither front imports the other; both import this.

use crate::cloud::{Cloud, CloudSettings, Identity};
use crate::engine::{self, Journal};
use crate::i18n::{Lang, Text};
use crate::tr;
use std::path::PathBuf;
use std::sync::Arc;

/// Exit codes shared by every subcommand and the wizard.
pub mod exit {
    pub const OK: u8 = 0;
    /// A failed operation (apply failed, AWS refused, loop found by check-trigger).
    pub const FAILED: u8 = 1;
    /// Bad input: a bad plan, bad flags.
    pub const BAD_INPUT: u8 = 2;
    /// A subcommand that is not implemented yet.
    pub const NOT_IMPLEMENTED: u8 = 3;
}

/// Where to connect and where state lives: the global flags, resolved once.
#[derive(Clone, Debug, Default)]
pub struct Settings {
    pub profile: Option<String>,
    pub region: Option<String>,
    pub endpoint_url: Option<String>,
    /// Start (or reuse) the local sandbox and talk to it.
    pub sandbox: bool,
    pub state_dir: PathBuf,
    pub lang: Lang,
}

impl Settings {
    /// Starts or reuses the sandbox when asked (its progress lines go to `progress`), then loads
    /// the AWS configuration.
    pub async fn connect(
        &self,
        progress: impl FnMut(&str) + Send + 'static,
    ) -> Result<Cloud, Text> {
        let mut settings = CloudSettings {
            profile: self.profile.clone(),
            region: self.region.clone(),
            endpoint_url: self.endpoint_url.clone(),
            sandbox_endpoint: None,
        };
        if self.sandbox {
            let state_dir = self.state_dir.clone();
            let mut progress = progress;
            let sb = tokio::task::spawn_blocking(move || {
                crate::sandbox::start(&state_dir, &crate::paths::data_dir(), &mut progress)
            })
            .await
            .map_err(|e| Text::same(e.to_string()))??;
            settings.sandbox_endpoint = Some(sb.record.endpoint);
        }
        Cloud::load(&settings).await.map_err(|e| e.text())
    }

    /// Connects, learns who we are, and opens (locks) that account's journal for this region.
    /// The second value says the journal's last line was torn (and skipped), for the front to tell.
    pub async fn open(
        &self,
        progress: impl FnMut(&str) + Send + 'static,
    ) -> Result<(Cloud, Identity, Journal, Option<Text>), Text> {
        let cloud = self.connect(progress).await?;
        let id = cloud.whoami().await.map_err(|e| e.text())?;
        let journal = Journal::open(&self.state_dir, &id.account, &cloud.region)?;
        let torn = journal.was_truncated().then(|| {
            tr!(
                es: "Aviso: la última línea del diario estaba cortada (¿corte de luz?); se ignoró y lo demás se leyó",
                en: "Note: the journal's last line was torn (power loss?); it was skipped and the rest was read"
            )
        });
        Ok((cloud, id, journal, torn))
    }
}

/// The bundled resizer's zip, built (or reused) by `package-resizer`'s code.
pub fn resizer_provider(state_dir: PathBuf, sandbox: bool) -> engine::ZipProvider {
    Arc::new(move || {
        let flavor = crate::resizer_pkg::flavor_for(sandbox);
        let path = crate::resizer_pkg::package(&state_dir, flavor, "x86_64", None, &mut |p| {
            tracing::info!("{}", p.line(Lang::En))
        })?;
        std::fs::read(&path).map_err(|e| Text::same(e.to_string()))
    })
}
