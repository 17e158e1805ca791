//! What the engine tells its fronts: one event stream for the wizard and the headless CLI (the
//! resources it names are in `resource.rs`).

use crate::i18n::{Lang, Text};
use serde::{Deserialize, Serialize};

pub use super::resource::Res;

/// The walkthrough's steps.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    Preflight,
    Role,
    UserGroup,
    Ec2,
    BucketLambda,
    Rollback,
}

impl Step {
    pub fn title(self) -> Text {
        match self {
            Step::Preflight => Text::fixed("Comprobaciones previas", "Preflight checks"),
            Step::Role => Text::fixed("Paso 1: rol para EC2", "Step 1: role for EC2"),
            Step::UserGroup => Text::fixed(
                "Paso 2: usuario, grupo y claves",
                "Step 2: user, group and keys",
            ),
            Step::Ec2 => Text::fixed("Paso 3: instancia EC2", "Step 3: EC2 instance"),
            Step::BucketLambda => {
                Text::fixed("Paso 4: bucket y Lambda", "Step 4: bucket and Lambda")
            }
            Step::Rollback => Text::fixed("Deshacer", "Rollback"),
        }
    }
}

/// A secret value: shown once by the wizard, written to a 0600 file by the CLI, and never printed by
/// Debug, Display or serde — so it cannot reach a log line, the journal or a JSON event by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(s: String) -> Secret {
        Secret(s)
    }
    /// The only way to read it: call sites are easy to audit.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl Serialize for Secret {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str("***")
    }
}

/// What happened, in order. Each carries its data so a front needs nothing else.
#[derive(Clone, Debug, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    StepStarted {
        step: Step,
        title: Text,
    },
    ApiCall {
        service: String,
        operation: String,
        target: String,
    },
    Waiting {
        what: Text,
    },
    Created {
        step: Step,
        resource: Res,
    },
    AlreadyThere {
        step: Step,
        resource: Res,
    },
    Verified {
        step: Step,
        resource: Res,
        checks: Vec<Text>,
    },
    Warning {
        text: Text,
    },
    /// Something worth knowing that needs no action (the account's Free Tier plan, say).
    Note {
        text: Text,
    },
    /// The new key's secret: the front shows it once or stores it; it is never journaled.
    AccessKeyCreated {
        user: String,
        access_key_id: String,
        secret_access_key: Secret,
    },
    /// The generated console password (reset required at first sign-in).
    ConsolePassword {
        user: String,
        password: Secret,
        sign_in_url: String,
    },
    /// Where the front saved the secret just announced (a 0600 file; never the secret itself).
    SecretSaved {
        text: Text,
    },
    /// A new key pair: its private key (PEM) was saved once, 0600, at `pem_path`.
    KeyPairCreated {
        name: String,
        pem_path: String,
    },
    InstanceRunning {
        name: String,
        id: String,
        public_ip: Option<String>,
        public_dns: Option<String>,
    },
    Deleted {
        resource: Res,
    },
    Failed {
        step: Step,
        error: Text,
    },
    Done {
        ok: bool,
        created: usize,
        existing: usize,
        failed: usize,
        /// How many resources a rollback deleted (0 for apply).
        deleted: usize,
    },
}

impl Event {
    /// The one readable line the headless front prints (secrets never appear).
    pub fn line(&self, lang: Lang) -> String {
        let es = lang == Lang::Es;
        match self {
            Event::StepStarted { title, .. } => format!("== {}", title.get(lang)),
            Event::ApiCall {
                service,
                operation,
                target,
            } => format!("   → {service}:{operation} {target}"),
            Event::Waiting { what } => format!("   … {}", what.get(lang)),
            Event::Created { resource, .. } => format!(
                "   + {} {}",
                if es { "creado" } else { "created" },
                resource.label(lang)
            ),
            Event::AlreadyThere { resource, .. } => format!(
                "   = {} {}",
                if es { "ya existe" } else { "already there" },
                resource.label(lang)
            ),
            Event::Verified {
                resource, checks, ..
            } => {
                let c: Vec<&str> = checks.iter().map(|c| c.get(lang)).collect();
                format!("   ✓ {}: {}", resource.label(lang), c.join("; "))
            }
            Event::Warning { text } => format!("   ! {}", text.get(lang)),
            Event::Note { text } => format!("   i {}", text.get(lang)),
            Event::AccessKeyCreated {
                user,
                access_key_id,
                ..
            } => format!(
                "   + {} {access_key_id} ({user})",
                if es { "clave de acceso" } else { "access key" }
            ),
            Event::ConsolePassword {
                user, sign_in_url, ..
            } => format!(
                "   + {} {user}: {sign_in_url}",
                if es {
                    "contraseña de consola para"
                } else {
                    "console password for"
                }
            ),
            Event::SecretSaved { text } => format!("   🔒 {}", text.get(lang)),
            Event::KeyPairCreated { name, pem_path } => format!(
                "   🔒 {} {name}: {pem_path} (0600)",
                if es { "par de claves" } else { "key pair" }
            ),
            Event::InstanceRunning {
                name,
                id,
                public_ip,
                public_dns,
            } => format!(
                "   ▶ {name} {id} {} {}",
                public_ip.as_deref().unwrap_or("-"),
                public_dns.as_deref().unwrap_or("")
            )
            .trim_end()
            .to_string(),
            Event::Deleted { resource } => format!(
                "   - {} {}",
                if es { "borrado" } else { "deleted" },
                resource.label(lang)
            ),
            Event::Failed { error, .. } => format!("   ✗ {}", error.get(lang)),
            Event::Done {
                deleted,
                failed,
                ok,
                ..
            } if *deleted > 0 => {
                if es {
                    format!(
                        "{} borrados: {deleted}, fallos: {failed}",
                        if *ok {
                            "Listo."
                        } else {
                            "Terminó con errores."
                        }
                    )
                } else {
                    format!(
                        "{} deleted: {deleted}, failed: {failed}",
                        if *ok {
                            "Done."
                        } else {
                            "Finished with errors."
                        }
                    )
                }
            }
            Event::Done {
                ok,
                created,
                existing,
                failed,
                ..
            } => {
                if es {
                    format!(
                        "{} creados: {created}, ya existían: {existing}, fallos: {failed}",
                        if *ok {
                            "Listo."
                        } else {
                            "Terminó con errores."
                        }
                    )
                } else {
                    format!(
                        "{} created: {created}, already there: {existing}, failed: {failed}",
                        if *ok {
                            "Done."
                        } else {
                            "Finished with errors."
                        }
                    )
                }
            }
        }
    }
}

/// The sending half fronts give the engine. Unbounded: the engine must never wait on a slow screen.
pub type Events = tokio::sync::mpsc::UnboundedSender<Event>;
