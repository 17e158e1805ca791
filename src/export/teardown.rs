//! Taking a plan down: the resources a plan makes (as the journal names them), the AWS CLI commands
//! that delete each one, and the teardown script's blocks in the engine's rollback order.

use super::{Block, Command, Section, policy_arn, sh};
use crate::engine::Res;
use crate::i18n::Text;
use crate::plan::Plan;

/// Everything applying the plan creates, named as the engine journals it (ids unknown yet).
pub fn planned(plan: &Plan) -> Vec<Res> {
    let mut out = Vec::new();
    for r in &plan.roles {
        out.push(Res::Role {
            name: r.name.clone(),
        });
        for p in &r.policies {
            out.push(Res::RolePolicy {
                role: r.name.clone(),
                arn: policy_arn(p),
            });
        }
        if r.trusted_service == "ec2.amazonaws.com" {
            out.push(Res::InstanceProfile {
                name: r.name.clone(),
            });
            out.push(Res::ProfileRole {
                profile: r.name.clone(),
                role: r.name.clone(),
            });
        }
    }
    for g in &plan.groups {
        out.push(Res::Group {
            name: g.name.clone(),
        });
        for p in &g.policies {
            out.push(Res::GroupPolicy {
                group: g.name.clone(),
                arn: policy_arn(p),
            });
        }
    }
    for u in &plan.users {
        let user = u.name.clone();
        out.push(Res::User { name: user.clone() });
        if u.console_access {
            out.push(Res::LoginProfile { user: user.clone() });
            out.push(Res::UserPolicy {
                user: user.clone(),
                arn: crate::cloud::iam::CHANGE_PASSWORD_POLICY.into(),
            });
        }
        for g in &u.groups {
            out.push(Res::Membership {
                user: user.clone(),
                group: g.clone(),
            });
        }
        if u.access_keys > 0 {
            out.push(Res::AccessKey { user, id: None });
        }
    }
    for sg in &plan.security_groups {
        out.push(Res::SecurityGroup {
            name: sg.name.clone(),
            id: None,
        });
    }
    for i in &plan.instances {
        if !i.key_pair.is_empty() {
            out.push(Res::KeyPair {
                name: i.key_pair.clone(),
            });
        }
        out.push(Res::Instance {
            name: i.name.clone(),
            id: None,
        });
    }
    for b in &plan.buckets {
        out.push(Res::Bucket {
            name: b.name.clone(),
        });
    }
    for l in &plan.lambdas {
        out.push(Res::Function {
            name: l.name.clone(),
        });
        let mut sids = Vec::new();
        for (j, t) in l.triggers.iter().enumerate() {
            let sid = crate::engine::statement_id(&t.bucket);
            if !sids.contains(&sid) {
                out.push(Res::Permission {
                    function: l.name.clone(),
                    statement_id: sid.clone(),
                });
                sids.push(sid);
            }
            out.push(Res::Notification {
                bucket: t.bucket.clone(),
                id: crate::engine::rule_id(&l.name, j),
            });
        }
    }
    out
}

/// The AWS CLI commands that delete one resource (what the engine's rollback does for it).
pub fn delete_commands(res: &Res) -> Vec<Command> {
    let one = |api: String, shell: String| vec![Command::new(api, shell)];
    match res {
        Res::Notification { bucket, id } => one(
            format!("s3:PutBucketNotificationConfiguration {bucket} (− {id})"),
            format!(
                "aws s3api put-bucket-notification-configuration --bucket {} --notification-configuration '{{}}'",
                sh(bucket)
            ),
        ),
        Res::Permission {
            function,
            statement_id,
        } => one(
            format!("lambda:RemovePermission {function} {statement_id}"),
            format!(
                "aws lambda remove-permission --function-name {} --statement-id {}",
                sh(function),
                sh(statement_id)
            ),
        ),
        Res::Function { name } => vec![
            Command::new(
                format!("lambda:DeleteFunction {name}"),
                format!("aws lambda delete-function --function-name {}", sh(name)),
            ),
            Command::new(
                format!("logs:DeleteLogGroup /aws/lambda/{name}"),
                format!(
                    "aws logs delete-log-group --log-group-name {}",
                    sh(&format!("/aws/lambda/{name}"))
                ),
            ),
        ],
        Res::Instance { name, id } => {
            let ids = match id {
                Some(id) => id.clone(),
                None => "$IDS".into(),
            };
            let mut shell = String::new();
            if id.is_none() {
                shell.push_str(&format!(
                    "IDS=$(aws ec2 describe-instances --filters Name=tag:Name,Values={} Name=instance-state-name,Values=pending,running,stopping,stopped --query 'Reservations[].Instances[].InstanceId' --output text)\n",
                    sh(name)
                ));
            }
            shell.push_str(&format!(
                "aws ec2 terminate-instances --instance-ids {ids} > /dev/null\n\
                 aws ec2 wait instance-terminated --instance-ids {ids}"
            ));
            one(
                format!("ec2:TerminateInstances {name} (wait terminated)"),
                shell,
            )
        }
        Res::KeyPair { name } => one(
            format!("ec2:DeleteKeyPair {name}"),
            format!("aws ec2 delete-key-pair --key-name {}", sh(name)),
        ),
        Res::SecurityGroup { name, id } => {
            let gid = match id {
                Some(id) => id.clone(),
                None => format!(
                    "\"$(aws ec2 describe-security-groups --filters Name=group-name,Values={} --query 'SecurityGroups[0].GroupId' --output text)\"",
                    sh(name)
                ),
            };
            one(
                format!("ec2:DeleteSecurityGroup {name}"),
                format!("aws ec2 delete-security-group --group-id {gid}"),
            )
        }
        Res::Bucket { name } => one(
            format!("s3:DeleteObjects + s3:DeleteBucket {name}"),
            format!("aws s3 rb {} --force", sh(&format!("s3://{name}"))),
        ),
        Res::AccessKey { user, id } => match id {
            Some(id) => one(
                format!("iam:DeleteAccessKey {id}"),
                format!(
                    "aws iam delete-access-key --user-name {} --access-key-id {id}",
                    sh(user)
                ),
            ),
            None => one(
                format!("iam:DeleteAccessKey ({user})"),
                format!(
                    "for k in $(aws iam list-access-keys --user-name {0} --query 'AccessKeyMetadata[].AccessKeyId' --output text); do\n  aws iam delete-access-key --user-name {0} --access-key-id \"$k\"\ndone",
                    sh(user)
                ),
            ),
        },
        Res::LoginProfile { user } => one(
            format!("iam:DeleteLoginProfile {user}"),
            format!("aws iam delete-login-profile --user-name {}", sh(user)),
        ),
        Res::Membership { user, group } => one(
            format!("iam:RemoveUserFromGroup {user} ← {group}"),
            format!(
                "aws iam remove-user-from-group --user-name {} --group-name {}",
                sh(user),
                sh(group)
            ),
        ),
        Res::UserPolicy { user, arn } => one(
            format!("iam:DetachUserPolicy {}", short(arn)),
            format!(
                "aws iam detach-user-policy --user-name {} --policy-arn {arn}",
                sh(user)
            ),
        ),
        Res::User { name } => one(
            format!("iam:DeleteUser {name}"),
            format!("aws iam delete-user --user-name {}", sh(name)),
        ),
        Res::GroupPolicy { group, arn } => one(
            format!("iam:DetachGroupPolicy {}", short(arn)),
            format!(
                "aws iam detach-group-policy --group-name {} --policy-arn {arn}",
                sh(group)
            ),
        ),
        Res::Group { name } => one(
            format!("iam:DeleteGroup {name}"),
            format!("aws iam delete-group --group-name {}", sh(name)),
        ),
        Res::ProfileRole { profile, role } => one(
            format!("iam:RemoveRoleFromInstanceProfile {profile}"),
            format!(
                "aws iam remove-role-from-instance-profile --instance-profile-name {} --role-name {}",
                sh(profile),
                sh(role)
            ),
        ),
        Res::InstanceProfile { name } => one(
            format!("iam:DeleteInstanceProfile {name}"),
            format!(
                "aws iam delete-instance-profile --instance-profile-name {}",
                sh(name)
            ),
        ),
        Res::RolePolicy { role, arn } => one(
            format!("iam:DetachRolePolicy {}", short(arn)),
            format!(
                "aws iam detach-role-policy --role-name {} --policy-arn {arn}",
                sh(role)
            ),
        ),
        Res::Role { name } => one(
            format!("iam:DeleteRole {name}"),
            format!("aws iam delete-role --role-name {}", sh(name)),
        ),
    }
}

/// `service-role/AWSLambdaBasicExecutionRole` from its ARN (the path stays: it is part of the name).
fn short(arn: &str) -> &str {
    arn.trim_start_matches("arn:aws:iam::aws:policy/")
}

/// What a group of deletions is about, for the teardown script's comments.
fn family(r: &Res) -> (u8, Text) {
    match r.delete_rank() {
        80.. => (
            0,
            Text::fixed(
                "Primero el disparador y la función: sin ellos, nada más se dispara.",
                "First the trigger and the function: without them nothing else fires.",
            ),
        ),
        65..80 => (
            1,
            Text::fixed(
                "La instancia (se espera a que termine: hasta entonces su grupo de seguridad está en uso), su par de claves y el grupo de seguridad.",
                "The instance (waited until terminated: until then its security group is in use), its key pair and the security group.",
            ),
        ),
        60..65 => (
            2,
            Text::fixed(
                "El bucket: hay que vaciarlo antes de borrarlo (--force lo hace).",
                "The bucket: it must be emptied before it can be deleted (--force does it).",
            ),
        ),
        45..60 => (
            3,
            Text::fixed(
                "El usuario: IAM no lo borra mientras tenga claves, contraseña, políticas o grupos.",
                "The user: IAM will not delete it while it has keys, a password, policies or groups.",
            ),
        ),
        35..45 => (
            4,
            Text::fixed(
                "El grupo, tras quitarle sus políticas.",
                "The group, once its policies are detached.",
            ),
        ),
        _ => (
            5,
            Text::fixed(
                "El rol: fuera del perfil de instancia, el perfil, las políticas y por último el rol (DeleteRole falla mientras quede algo).",
                "The role: out of the instance profile, the profile, the policies and last the role (DeleteRole fails while anything is left).",
            ),
        ),
    }
}

/// The teardown script's blocks: the plan's resources, deleted in the engine's rollback order.
pub fn teardown_blocks(plan: &Plan) -> Vec<Block> {
    let mut res = planned(plan);
    // Highest rank first; the sort is stable, so plan order is kept within a rank.
    res.sort_by_key(|r| std::cmp::Reverse(r.delete_rank()));
    let mut out: Vec<(u8, Block)> = Vec::new();
    for r in &res {
        let (fam, comment) = family(r);
        match out.last_mut() {
            Some((f, b)) if *f == fam => b.commands.extend(delete_commands(r)),
            _ => out.push((
                fam,
                Block {
                    section: Section::Teardown,
                    comment,
                    commands: delete_commands(r),
                },
            )),
        }
    }
    out.into_iter().map(|(_, b)| b).collect()
}
