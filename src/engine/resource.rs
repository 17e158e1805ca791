//! The resources pasos creates, as the journal, `--only` and the rollback tree name them.

use crate::i18n::Lang;
use serde::{Deserialize, Serialize};

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

/// The rank of a role leaving its instance profile; its policies share that stage (`lane_stage`).
const PROFILE_ROLE_RANK: u8 = 30;

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
            Res::ProfileRole { .. } => PROFILE_ROLE_RANK,
            Res::InstanceProfile { .. } => 25,
            Res::RolePolicy { .. } => 20,
            Res::Role { .. } => 10,
        }
    }

    /// Within a rollback lane, resources of the same stage go at once. It is the delete rank, but a
    /// role's policies are detached while the role leaves its instance profile: DeleteRole needs
    /// both done, and neither waits for the other.
    pub fn lane_stage(&self) -> u8 {
        match self {
            Res::RolePolicy { .. } => PROFILE_ROLE_RANK,
            r => r.delete_rank(),
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
