//! What the engine does with a secret the moment AWS hands it over: the front's sink keeps it
//! (the CLI: the credentials file, 0600 files) before anything else happens, so no front that stops
//! reading events can lose it.

use super::{Ctx, Event, R, Secret};
use crate::i18n::Text;
use std::sync::Arc;

/// A secret the engine just received and AWS will never show again.
#[derive(Clone, Debug)]
pub enum SecretItem {
    AccessKey {
        user: String,
        access_key_id: String,
        secret: Secret,
    },
    ConsolePassword {
        user: String,
        password: Secret,
        sign_in_url: String,
    },
}

impl SecretItem {
    /// The event that shows it to the fronts (the wizard shows it once; the CLI prints no secret).
    pub fn event(&self) -> Event {
        match self.clone() {
            SecretItem::AccessKey {
                user,
                access_key_id,
                secret,
            } => Event::AccessKeyCreated {
                user,
                access_key_id,
                secret_access_key: secret,
            },
            SecretItem::ConsolePassword {
                user,
                password,
                sign_in_url,
            } => Event::ConsolePassword {
                user,
                password,
                sign_in_url,
            },
        }
    }
}

/// Where a front keeps secrets (the CLI: the credentials file and 0600 files). The engine calls it
/// before it records the resource as created and before any event about it, so a front that stopped
/// reading events (a closed pipe) cannot lose a secret. `Ok` says where it went; `Err` means it
/// could not be kept, and the engine deletes what the secret unlocks.
pub type SecretSink = Arc<dyn Fn(&SecretItem) -> Result<Text, Text> + Send + Sync>;

impl Ctx {
    /// Hands a new secret to the front's sink, synchronously with the run. `Ok(Some(where))` when it
    /// was saved, `Ok(None)` when the front keeps secrets from the events alone.
    pub(super) async fn keep_secret(&self, item: &SecretItem) -> R<Option<Text>> {
        let Some(sink) = self.secret_sink.clone() else {
            return Ok(None);
        };
        let item = item.clone();
        tokio::task::spawn_blocking(move || sink(&item))
            .await
            .map_err(|e| Text::same(e.to_string()))?
            .map(Some)
    }
}
