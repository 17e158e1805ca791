//! What the engine tells its fronts: one event stream for the wizard and the headless CLI, and the
//! resources it creates, as they are journaled.

use crate::i18n::{Lang, Text};
use serde::{Deserialize, Serialize};

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

/// A resource pasos creates, identified by what its creation call was given (so one whose answer
/// never came back can still be found by name and tag).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Res {
    Role {
        name: String,
    },
    RolePolicy {
        role: String,
        arn: String,
    },
    InstanceProfile {
        name: String,
    },
    ProfileRole {
        profile: String,
        role: String,
    },
    Group {
        name: String,
    },
    GroupPolicy {
        group: String,
        arn: String,
    },
    User {
        name: String,
    },
    UserPolicy {
        user: String,
        arn: String,
    },
    LoginProfile {
        user: String,
    },
    Membership {
        user: String,
        group: String,
    },
    /// The id is only known once AWS answers; rollback lists the user's keys when it is missing.
    AccessKey {
        user: String,
        id: Option<String>,
    },
    SecurityGroup {
        name: String,
        id: Option<String>,
    },
    KeyPair {
        name: String,
    },
    Instance {
        name: String,
        id: Option<String>,
    },
    Bucket {
        name: String,
    },
    Function {
        name: String,
    },
    Permission {
        function: String,
        statement_id: String,
    },
    Notification {
        bucket: String,
        id: String,
    },
}

impl Res {
    /// `role:ec2-s3-dynamodb` — the identity used by the journal, `--only` and the rollback tree.
    /// Ids are left out so an intent and its result share a key.
    pub fn key(&self) -> String {
        match self {
            Res::Role { name } => format!("role:{name}"),
            Res::RolePolicy { role, arn } => format!("role_policy:{role}:{arn}"),
            Res::InstanceProfile { name } => format!("instance_profile:{name}"),
            Res::ProfileRole { profile, role } => format!("profile_role:{profile}:{role}"),
            Res::Group { name } => format!("group:{name}"),
            Res::GroupPolicy { group, arn } => format!("group_policy:{group}:{arn}"),
            Res::User { name } => format!("user:{name}"),
            Res::UserPolicy { user, arn } => format!("user_policy:{user}:{arn}"),
            Res::LoginProfile { user } => format!("login_profile:{user}"),
            Res::Membership { user, group } => format!("membership:{user}:{group}"),
            Res::AccessKey { user, id } => {
                format!("access_key:{user}:{}", id.as_deref().unwrap_or("?"))
            }
            Res::SecurityGroup { name, .. } => format!("security_group:{name}"),
            Res::KeyPair { name } => format!("key_pair:{name}"),
            Res::Instance { name, .. } => format!("instance:{name}"),
            Res::Bucket { name } => format!("bucket:{name}"),
            Res::Function { name } => format!("function:{name}"),
            Res::Permission {
                function,
                statement_id,
            } => format!("permission:{function}:{statement_id}"),
            Res::Notification { bucket, id } => format!("notification:{bucket}:{id}"),
        }
    }

    /// The key of what this resource lives in or hangs off: rollback's tree and `--only`.
    pub fn parent_keys(&self) -> Vec<String> {
        match self {
            Res::RolePolicy { role, .. } => vec![format!("role:{role}")],
            Res::ProfileRole { profile, role } => vec![
                format!("instance_profile:{profile}"),
                format!("role:{role}"),
            ],
            Res::InstanceProfile { name } => vec![format!("role:{name}")],
            Res::GroupPolicy { group, .. } => vec![format!("group:{group}")],
            Res::UserPolicy { user, .. }
            | Res::LoginProfile { user }
            | Res::AccessKey { user, .. } => vec![format!("user:{user}")],
            Res::Membership { user, group } => {
                vec![format!("user:{user}"), format!("group:{group}")]
            }
            Res::Permission { function, .. } => vec![format!("function:{function}")],
            Res::Notification { bucket, .. } => vec![format!("bucket:{bucket}")],
            _ => vec![],
        }
    }

    /// Rollback order: higher ranks are deleted first (things that depend on others before them).
    pub fn delete_rank(&self) -> u8 {
        match self {
            Res::Notification { .. } => 90,
            Res::Permission { .. } => 85,
            Res::Function { .. } => 80,
            Res::Instance { .. } => 75,
            Res::KeyPair { .. } => 70,
            Res::SecurityGroup { .. } => 65,
            Res::Bucket { .. } => 60,
            Res::AccessKey { .. }
            | Res::LoginProfile { .. }
            | Res::Membership { .. }
            | Res::UserPolicy { .. } => 50,
            Res::User { .. } => 45,
            Res::GroupPolicy { .. } => 40,
            Res::Group { .. } => 35,
            Res::ProfileRole { .. } => 30,
            Res::InstanceProfile { .. } => 25,
            Res::RolePolicy { .. } => 20,
            Res::Role { .. } => 10,
        }
    }

    /// A short label for lists and trees.
    pub fn label(&self, lang: Lang) -> String {
        let es = lang == Lang::Es;
        match self {
            Res::Role { name } => format!("{} {name}", if es { "rol" } else { "role" }),
            Res::RolePolicy { arn, .. }
            | Res::GroupPolicy { arn, .. }
            | Res::UserPolicy { arn, .. } => {
                format!(
                    "{} {}",
                    if es { "política" } else { "policy" },
                    arn.rsplit('/').next().unwrap_or(arn)
                )
            }
            Res::InstanceProfile { name } => format!(
                "{} {name}",
                if es {
                    "perfil de instancia"
                } else {
                    "instance profile"
                }
            ),
            Res::ProfileRole { profile, role } => format!("{role} ∈ {profile}"),
            Res::Group { name } => format!("{} {name}", if es { "grupo" } else { "group" }),
            Res::User { name } => format!("{} {name}", if es { "usuario" } else { "user" }),
            Res::LoginProfile { user } => format!(
                "{} ({user})",
                if es {
                    "acceso a la consola"
                } else {
                    "console access"
                }
            ),
            Res::Membership { user, group } => format!("{user} ∈ {group}"),
            Res::AccessKey { id, .. } => format!(
                "{} {}",
                if es { "clave de acceso" } else { "access key" },
                id.as_deref().unwrap_or("?")
            ),
            Res::SecurityGroup { name, id } => format!(
                "{} {name} {}",
                if es {
                    "grupo de seguridad"
                } else {
                    "security group"
                },
                id.as_deref().unwrap_or("")
            )
            .trim_end()
            .to_string(),
            Res::KeyPair { name } => {
                format!("{} {name}", if es { "par de claves" } else { "key pair" })
            }
            Res::Instance { name, id } => format!(
                "{} {name} {}",
                if es { "instancia" } else { "instance" },
                id.as_deref().unwrap_or("")
            )
            .trim_end()
            .to_string(),
            Res::Bucket { name } => format!("bucket {name}"),
            Res::Function { name } => format!(
                "{} {name}",
                if es {
                    "función Lambda"
                } else {
                    "Lambda function"
                }
            ),
            Res::Permission { function, .. } => format!(
                "{} ({function})",
                if es {
                    "permiso para S3"
                } else {
                    "S3 permission"
                }
            ),
            Res::Notification { bucket, id } => {
                format!(
                    "{} {id} ({bucket})",
                    if es { "disparador" } else { "trigger" }
                )
            }
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
