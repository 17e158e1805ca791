//! After a step: what exists (the ARN or id of each resource), where to see it (a console deep
//! link, on real AWS) and how to check it yourself (an AWS CLI command), as items of the screen's
//! result panel that `y` copies.

use super::chrome::{Target, target};
use super::text::Item;
use super::widgets::{dim, ok_style};
use crate::cloud::Identity;
use crate::engine::Res;
use crate::i18n::{Lang, Text};
use crate::tr;
use ratatui::style::{Color, Modifier, Style};

/// Where the resources live, and what the screen knows besides the resources themselves.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Facts {
    pub account: String,
    pub region: String,
    pub partition: String,
    /// Real AWS: console links make sense.
    pub real: bool,
    /// The sandbox: the AWS CLI needs its endpoint and dummy credentials first.
    pub sandbox_env: Option<String>,
    /// The running instance's public IP (for `curl`) and DNS name, and the key pair's PEM (for
    /// `ssh`).
    pub public_ip: Option<String>,
    pub public_dns: Option<String>,
    pub pem: Option<String>,
    /// Where photos go in (for `aws s3 cp`).
    pub input_prefix: Option<String>,
}

impl Facts {
    pub fn of(id: &Identity) -> Facts {
        let partition = id.arn.split(':').nth(1).unwrap_or("aws").to_string();
        let sandbox_env = id.sandbox.then(|| {
            format!(
                "export AWS_ENDPOINT_URL={} AWS_ACCESS_KEY_ID={} AWS_SECRET_ACCESS_KEY={} AWS_REGION={}",
                id.endpoint,
                crate::cloud::SANDBOX_ACCESS_KEY,
                crate::cloud::SANDBOX_SECRET_KEY,
                id.region
            )
        });
        Facts {
            account: id.account.clone(),
            region: id.region.clone(),
            partition,
            real: target(id) == Target::Aws,
            sandbox_env,
            ..Facts::default()
        }
    }

    fn iam_arn(&self, kind: &str, name: &str) -> String {
        format!("arn:{}:iam::{}:{kind}/{name}", self.partition, self.account)
    }
}

/// The ARN, or the id AWS gave it, when it has one.
pub fn id_of(r: &Res, f: &Facts) -> Option<String> {
    match r {
        Res::Role { name } => Some(f.iam_arn("role", name)),
        Res::InstanceProfile { name } => Some(f.iam_arn("instance-profile", name)),
        Res::Group { name } => Some(f.iam_arn("group", name)),
        Res::User { name } => Some(f.iam_arn("user", name)),
        Res::RolePolicy { arn, .. }
        | Res::GroupPolicy { arn, .. }
        | Res::UserPolicy { arn, .. } => Some(arn.clone()),
        Res::AccessKey { id, .. } | Res::SecurityGroup { id, .. } | Res::Instance { id, .. } => {
            id.clone()
        }
        Res::KeyPair { name } => Some(name.clone()),
        Res::Bucket { name } => Some(format!("arn:{}:s3:::{name}", f.partition)),
        Res::Function { name } => Some(format!(
            "arn:{}:lambda:{}:{}:function:{name}",
            f.partition, f.region, f.account
        )),
        Res::Notification { id, .. } => Some(id.clone()),
        Res::ProfileRole { .. }
        | Res::LoginProfile { .. }
        | Res::Membership { .. }
        | Res::Permission { .. } => None,
    }
}

/// The AWS CLI command that shows the resource as AWS sees it.
pub fn check_cmd(r: &Res, f: &Facts) -> Option<String> {
    let reg = &f.region;
    Some(match r {
        Res::Role { name } => format!("aws iam get-role --role-name {name}"),
        Res::RolePolicy { role, .. } => {
            format!("aws iam list-attached-role-policies --role-name {role}")
        }
        Res::InstanceProfile { name } | Res::ProfileRole { profile: name, .. } => {
            format!("aws iam get-instance-profile --instance-profile-name {name}")
        }
        Res::Group { name } => format!("aws iam get-group --group-name {name}"),
        Res::GroupPolicy { group, .. } => {
            format!("aws iam list-attached-group-policies --group-name {group}")
        }
        Res::User { name } => format!("aws iam get-user --user-name {name}"),
        Res::UserPolicy { user, .. } => {
            format!("aws iam list-attached-user-policies --user-name {user}")
        }
        Res::LoginProfile { user } => format!("aws iam get-login-profile --user-name {user}"),
        Res::Membership { user, .. } => format!("aws iam list-groups-for-user --user-name {user}"),
        Res::AccessKey { user, .. } => format!("aws iam list-access-keys --user-name {user}"),
        Res::SecurityGroup { id: Some(id), .. } => {
            format!("aws ec2 describe-security-groups --group-ids {id} --region {reg}")
        }
        Res::SecurityGroup { name, id: None } => {
            format!("aws ec2 describe-security-groups --group-names {name} --region {reg}")
        }
        Res::KeyPair { name } => {
            format!("aws ec2 describe-key-pairs --key-names {name} --region {reg}")
        }
        Res::Instance { id: Some(id), .. } => {
            format!("aws ec2 describe-instances --instance-ids {id} --region {reg}")
        }
        Res::Instance { name, id: None } => format!(
            "aws ec2 describe-instances --filters Name=tag:Name,Values={name} --region {reg}"
        ),
        Res::Bucket { name } => format!("aws s3 ls s3://{name}/ --recursive"),
        Res::Function { name } => {
            format!("aws lambda get-function --function-name {name} --region {reg}")
        }
        Res::Permission { function, .. } => {
            format!("aws lambda get-policy --function-name {function} --region {reg}")
        }
        Res::Notification { bucket, .. } => {
            format!("aws s3api get-bucket-notification-configuration --bucket {bucket}")
        }
    })
}

/// Commands that use the resource rather than describe it (the walkthrough's own checks).
pub fn try_cmds(r: &Res, f: &Facts) -> Vec<String> {
    let reg = &f.region;
    match r {
        Res::Instance { .. } => {
            let mut v = Vec::new();
            if let Some(ip) = &f.public_ip {
                v.push(format!("curl http://{ip}"));
                if let Some(pem) = &f.pem {
                    v.push(format!("ssh -i {pem} ec2-user@{ip}"));
                }
            }
            v
        }
        Res::Bucket { name } => {
            let p = f.input_prefix.as_deref().unwrap_or("input/");
            vec![format!("aws s3 cp foto.jpg s3://{name}/{p}")]
        }
        Res::Function { name } => {
            vec![format!(
                "aws logs tail /aws/lambda/{name} --follow --region {reg}"
            )]
        }
        _ => vec![],
    }
}

/// The resource's page in the AWS console (real AWS, commercial partition only).
pub fn console(r: &Res, f: &Facts) -> Option<String> {
    if !f.real || f.partition != "aws" {
        return None;
    }
    let iam = "https://console.aws.amazon.com/iam/home#";
    let reg = &f.region;
    let ec2 = format!("https://{reg}.console.aws.amazon.com/ec2/home?region={reg}#");
    Some(match r {
        Res::Role { name } | Res::InstanceProfile { name } => format!("{iam}/roles/details/{name}"),
        Res::RolePolicy { role, .. } | Res::ProfileRole { role, .. } => {
            format!("{iam}/roles/details/{role}?section=permissions")
        }
        Res::Group { name } | Res::GroupPolicy { group: name, .. } => {
            format!("{iam}/groups/details/{name}")
        }
        Res::User { name }
        | Res::UserPolicy { user: name, .. }
        | Res::Membership { user: name, .. } => format!("{iam}/users/details/{name}"),
        Res::LoginProfile { user } | Res::AccessKey { user, .. } => {
            format!("{iam}/users/details/{user}?section=security_credentials")
        }
        Res::SecurityGroup { id: Some(id), .. } => format!("{ec2}SecurityGroup:groupId={id}"),
        Res::Instance { id: Some(id), .. } => format!("{ec2}InstanceDetails:instanceId={id}"),
        Res::KeyPair { .. } => format!("{ec2}KeyPairs:"),
        Res::SecurityGroup { id: None, .. } | Res::Instance { id: None, .. } => {
            format!("{ec2}Instances:")
        }
        Res::Bucket { name } | Res::Notification { bucket: name, .. } => {
            format!("https://s3.console.aws.amazon.com/s3/buckets/{name}?region={reg}")
        }
        Res::Function { name } | Res::Permission { function: name, .. } => format!(
            "https://{reg}.console.aws.amazon.com/lambda/home?region={reg}#/functions/{name}"
        ),
    })
}

/// How a resource came out of the run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mark {
    Created,
    AlreadyThere,
    Verified,
}

/// One resource of the step, with what the engine checked on it.
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    pub mark: Mark,
    pub res: Res,
    pub checks: Vec<Text>,
}

fn id_style() -> Style {
    Style::default().fg(Color::Cyan)
}

/// The result panel's items: per resource its label, id, checks, commands and console link.
pub fn items(outcomes: &[Outcome], f: &Facts, lang: Lang) -> Vec<Item> {
    let mut v = Vec::new();
    for o in outcomes {
        let (mark, style) = match o.mark {
            Mark::Verified => ("✓", ok_style().add_modifier(Modifier::BOLD)),
            Mark::Created => ("+", ok_style()),
            Mark::AlreadyThere => ("=", ok_style()),
        };
        v.push(Item::new(format!("{mark} {}", o.res.label(lang)), style));
        if let Some(id) = id_of(&o.res, f) {
            v.push(Item::new(format!("  {id}"), id_style()).copy(id));
        }
        if let (Res::Instance { .. }, Some(ip)) = (&o.res, &f.public_ip) {
            let dns = f.public_dns.as_deref().unwrap_or("-");
            let t = tr!(es: "  ▶ en marcha: IP pública {ip} · DNS {dns}", en: "  ▶ running: public IP {ip} · DNS {dns}");
            v.push(Item::new(t.get(lang), ok_style()).copy(ip.clone()));
            if f.sandbox_env.is_some() {
                let t = Text::fixed(
                    "  (en el sandbox nada arranca de verdad: curl no recibirá respuesta)",
                    "  (on the sandbox nothing really boots: curl will get no answer)",
                );
                v.push(Item::new(t.get(lang), dim()));
            }
        }
        for c in &o.checks {
            v.push(Item::new(format!("  ✓ {}", c.get(lang)), ok_style()));
        }
        let mut cmds: Vec<String> = check_cmd(&o.res, f).into_iter().collect();
        cmds.extend(try_cmds(&o.res, f));
        for c in cmds {
            v.push(Item::new(format!("  $ {c}"), Style::default()).copy(c));
        }
        if let Some(url) = console(&o.res, f) {
            let t = Text::fixed(
                "  ↗ abrir en la consola de AWS",
                "  ↗ open in the AWS console",
            );
            v.push(
                Item::new(t.get(lang), Style::default().fg(Color::Blue))
                    .link(url.clone())
                    .copy(url),
            );
        }
    }
    // After the resources: on the sandbox the commands above need its endpoint and credentials.
    if let Some(env) = f.sandbox_env.as_ref().filter(|_| !outcomes.is_empty()) {
        let t = Text::fixed(
            "En el sandbox, la AWS CLI necesita antes:",
            "On the sandbox, the AWS CLI first needs:",
        );
        v.push(Item::new(t.get(lang), dim()));
        v.push(Item::new(format!("$ {env}"), Style::default()).copy(env.clone()));
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(real: bool) -> Facts {
        Facts {
            account: "123456789012".into(),
            region: "eu-west-1".into(),
            partition: "aws".into(),
            real,
            public_ip: Some("203.0.113.7".into()),
            ..Facts::default()
        }
    }

    #[test]
    fn arns_keep_account_region_and_policy_paths() {
        let f = facts(true);
        let role = Res::Role { name: "r".into() };
        assert_eq!(
            id_of(&role, &f).as_deref(),
            Some("arn:aws:iam::123456789012:role/r")
        );
        let basic = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole";
        let pol = Res::RolePolicy {
            role: "r".into(),
            arn: basic.into(),
        };
        assert_eq!(id_of(&pol, &f).as_deref(), Some(basic));
        let func = Res::Function { name: "f".into() };
        assert_eq!(
            id_of(&func, &f).as_deref(),
            Some("arn:aws:lambda:eu-west-1:123456789012:function:f")
        );
    }

    #[test]
    fn console_links_only_on_real_aws_and_commands_everywhere() {
        let i = Res::Instance {
            name: "web".into(),
            id: Some("i-0abc".into()),
        };
        assert_eq!(
            console(&i, &facts(true)).as_deref(),
            Some(
                "https://eu-west-1.console.aws.amazon.com/ec2/home?region=eu-west-1#InstanceDetails:instanceId=i-0abc"
            )
        );
        assert!(console(&i, &facts(false)).is_none());
        assert_eq!(
            check_cmd(&i, &facts(false)).as_deref(),
            Some("aws ec2 describe-instances --instance-ids i-0abc --region eu-west-1")
        );
        assert_eq!(try_cmds(&i, &facts(false)), vec!["curl http://203.0.113.7"]);
        let items = items(
            &[Outcome {
                mark: Mark::Verified,
                res: i,
                checks: vec![],
            }],
            &facts(true),
            Lang::Es,
        );
        assert!(
            items
                .iter()
                .any(|it| it.link.is_some() && it.text.contains("consola"))
        );
        assert!(items.iter().any(|it| it.copy.as_deref() == Some("i-0abc")));
    }
}
