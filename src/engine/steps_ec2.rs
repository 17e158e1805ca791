//! Step 3, first half: what an instance needs that does not depend on step 1 — the default VPC,
//! the security groups (created, opened, read back), the instance type (free-tier rules), the AL2023
//! AMI for its architecture, user data, a new key pair. It runs beside the role step; then
//! `steps_instance` launches once the role's instance profile exists.

use super::instance_type::Chosen;
use super::{Ctx, Event, R, Res, Step, ce, expect};
use crate::plan::validate::{ingress_port, read_user_data};
use crate::plan::{Instance, LoadedPlan, SecurityGroup};
use crate::tr;
use base64::Engine;
use std::collections::HashMap;

/// One instance, ready to launch.
pub struct Ready {
    pub chosen: Chosen,
    pub ami: String,
    pub sg_ids: Vec<String>,
    /// Base64, as RunInstances takes it.
    pub user_data: Option<String>,
}

/// Everything step 3 prepared, in plan order.
pub struct Prepared {
    pub instances: Vec<Ready>,
}

pub async fn default_vpc(ctx: &Ctx) -> R<String> {
    ctx.api("ec2", "DescribeVpcs", "isDefault=true");
    ctx.cloud.default_vpc().await.map_err(ce)?.ok_or_else(|| {
        tr!(
            es: "Esta región no tiene VPC predeterminada: créala con `aws ec2 create-default-vpc` o elige otra región",
            en: "This region has no default VPC: create it with `aws ec2 create-default-vpc` or pick another region"
        )
    })
}

pub async fn prepare(ctx: &Ctx, lp: &LoadedPlan) -> R<Prepared> {
    let plan = &lp.plan;
    // The account's Free Tier plan is information for the learner, asked beside the first read.
    let (vpc, account_plan) = tokio::join!(default_vpc(ctx), async {
        if plan.instances.is_empty() {
            None
        } else {
            ctx.cloud.account_plan().await
        }
    });
    if let Some(p) = account_plan {
        ctx.emit(Event::Note {
            text: super::instance_type::plan_note(&p),
        });
    }
    let vpc = vpc?;
    // The groups, and each instance's type and AMI, do not depend on each other.
    let groups = async {
        let mut ids: HashMap<String, String> = HashMap::new();
        for sg in &plan.security_groups {
            ids.insert(sg.name.clone(), security_group(ctx, sg, &vpc).await?);
        }
        R::Ok(ids)
    };
    let types = futures::future::join_all(plan.instances.iter().map(|i| type_and_ami(ctx, i)));
    let (groups, types) = tokio::join!(groups, types);
    let groups = groups?;
    let mut instances = Vec::new();
    for (inst, t) in plan.instances.iter().zip(types) {
        let (chosen, ami) = t?;
        let mut sg_ids = Vec::new();
        for s in &inst.security_groups {
            match groups.get(s) {
                Some(id) => sg_ids.push(id.clone()),
                None => match ctx.cloud.find_security_group(s, &vpc).await.map_err(ce)? {
                    Some((id, _)) => sg_ids.push(id),
                    None => {
                        return Err(
                            tr!(es: "el grupo de seguridad {s} no existe", en: "security group {s} does not exist"),
                        );
                    }
                },
            }
        }
        let user_data = read_user_data(lp, &inst.user_data)?
            .map(|s| base64::engine::general_purpose::STANDARD.encode(s));
        if !inst.key_pair.is_empty() {
            key_pair(ctx, &inst.key_pair).await?;
        }
        instances.push(Ready {
            chosen,
            ami,
            sg_ids,
            user_data,
        });
    }
    Ok(Prepared { instances })
}

/// The type to launch (free-tier rules) and the AL2023 AMI for its architecture.
async fn type_and_ami(ctx: &Ctx, inst: &Instance) -> R<(Chosen, String)> {
    ctx.api("ec2", "DescribeInstanceTypes", &inst.instance_type);
    let chosen = super::instance_type::choose(&ctx.cloud, inst).await?;
    let it = &chosen.instance_type;
    if let Some(n) = &chosen.note {
        ctx.warn(n.clone());
    }
    if !chosen.free_tier {
        ctx.warn(tr!(
            es: "{it} no es de la capa gratuita: el plan acepta su coste (allow_paid); se cobra por segundo mientras esté en marcha, termínala al acabar",
            en: "{it} is not free tier: the plan accepts its cost (allow_paid); it is billed per second while running, terminate it when done"
        ));
    }
    let ami = if inst.ami == "al2023" {
        ctx.api("ssm", "GetParameter", "al2023-ami-kernel-default");
        let arch = chosen.arch;
        ctx.cloud.al2023_ami(arch).await.map_err(|e| {
            if e.is_not_found() {
                tr!(
                    es: "este endpoint no publica el parámetro SSM de Amazon Linux 2023 para {arch}: pon el id de una AMI en el plan (ami = \"ami-…\")",
                    en: "this endpoint does not publish the SSM parameter of Amazon Linux 2023 for {arch}: put an AMI id in the plan (ami = \"ami-…\")"
                )
            } else {
                e.text()
            }
        })?
    } else {
        inst.ami.clone()
    };
    Ok((chosen, ami))
}

/// A security group in the VPC with its ports open to the world, read back; returns its id.
async fn security_group(ctx: &Ctx, sg: &SecurityGroup, vpc: &str) -> R<String> {
    ctx.api("ec2", "DescribeSecurityGroups", &sg.name);
    let found = ctx
        .cloud
        .find_security_group(&sg.name, vpc)
        .await
        .map_err(ce)?;
    ctx.api("ec2", "CreateSecurityGroup", &sg.name);
    let intent = Res::SecurityGroup {
        name: sg.name.clone(),
        id: None,
    };
    let res = ctx
        .ensure(Step::Ec2, intent, found.is_some(), async {
            let id = ctx
                .cloud
                .create_security_group(&sg.name, &sg.description, vpc, &ctx.session)
                .await?;
            Ok(Res::SecurityGroup {
                name: sg.name.clone(),
                id: Some(id),
            })
        })
        .await?;
    let id = match (res, &found) {
        (Res::SecurityGroup { id: Some(id), .. }, _) => id,
        (_, Some((id, _))) => id.clone(),
        _ => match ctx
            .cloud
            .find_security_group(&sg.name, vpc)
            .await
            .map_err(ce)?
        {
            Some((id, _)) => id,
            None => {
                let n = &sg.name;
                return Err(
                    tr!(es: "el grupo de seguridad {n} no aparece en la VPC {vpc}", en: "security group {n} is not in VPC {vpc}"),
                );
            }
        },
    };
    let ports: Vec<u16> = sg.ingress.iter().filter_map(|e| ingress_port(e)).collect();
    ctx.api("ec2", "AuthorizeSecurityGroupIngress", &id);
    // A group made just now has no rules yet: nothing to read before opening its ports.
    let open = if found.is_some() {
        ctx.cloud.open_ports_of(&id).await.map_err(ce)?
    } else {
        Vec::new()
    };
    let missing: Vec<u16> = ports
        .iter()
        .copied()
        .filter(|p| !open.contains(p))
        .collect();
    if !missing.is_empty() {
        ctx.cloud.open_ports(&id, &missing).await.map_err(ce)?;
    }
    let open = ctx.cloud.open_ports_of(&id).await.map_err(ce)?;
    let mut checks = Vec::new();
    for p in &ports {
        checks.push(expect(
            open.contains(p),
            tr!(es: "puerto {p} abierto a 0.0.0.0/0", en: "port {p} open to 0.0.0.0/0"),
        )?);
    }
    ctx.verified(
        Step::Ec2,
        Res::SecurityGroup {
            name: sg.name.clone(),
            id: Some(id.clone()),
        },
        checks,
    );
    Ok(id)
}

/// Uses an existing key pair, or creates it as the console's "Create new key pair" does: the private
/// key exists only in this answer, so it is written at once to a 0600 `.pem` file.
async fn key_pair(ctx: &Ctx, name: &str) -> R<()> {
    ctx.api("ec2", "DescribeKeyPairs", name);
    let exists = ctx.cloud.key_pair_exists(name).await.map_err(ce)?;
    if exists
        && !ctx.holds(&Res::KeyPair {
            name: name.to_string(),
        })
    {
        // Someone's existing key: used as is, never adopted (rollback leaves it alone).
        return Ok(());
    }
    ctx.api("ec2", "CreateKeyPair", name);
    let pem = std::sync::Mutex::new(None);
    ctx.ensure(
        Step::Ec2,
        Res::KeyPair {
            name: name.to_string(),
        },
        exists,
        async {
            let material = ctx.cloud.create_key_pair(name, &ctx.session).await?;
            if let Ok(mut g) = pem.lock() {
                *g = Some(material);
            }
            Ok(Res::KeyPair {
                name: name.to_string(),
            })
        },
    )
    .await?;
    if let Some(material) = pem.lock().ok().and_then(|mut g| g.take()) {
        let path = ctx.secrets_dir.join(format!("{name}.pem"));
        let saved = crate::paths::private_dir(&ctx.secrets_dir)
            .and_then(|()| crate::paths::write_private(&path, material.as_bytes()));
        if let Err(e) = saved {
            // The private key exists only in that answer: a key pair without it is useless.
            let kp = Res::KeyPair {
                name: name.to_string(),
            };
            let undone = ctx.cloud.delete_key_pair(name).await.map_err(ce);
            let undone = undone.and_then(|()| ctx.with_journal(|j| j.deleted(&kp)));
            let (p, e) = (path.display().to_string(), e.to_string());
            return Err(match undone {
                Ok(()) => tr!(
                    es: "no se pudo guardar {p} ({e}); se borró el par de claves, porque AWS no vuelve a dar su clave privada",
                    en: "could not save {p} ({e}); the key pair was deleted, since AWS never gives its private key again"
                ),
                Err(_) => tr!(
                    es: "no se pudo guardar {p} ({e}) ni borrar el par de claves: ejecuta pasos rollback",
                    en: "could not save {p} ({e}) nor delete the key pair: run pasos rollback"
                ),
            });
        }
        ctx.emit(Event::KeyPairCreated {
            name: name.to_string(),
            pem_path: path.display().to_string(),
        });
    }
    Ok(())
}
