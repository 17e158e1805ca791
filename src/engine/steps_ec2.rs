//! Step 3: security groups in the default VPC, then the instance — AL2023 through SSM for the type's
//! architecture, IMDSv2, the role's instance profile, user data in base64, tags at creation — waited
//! until running and read back.

use super::{Ctx, Event, R, Res, Step, ce, expect};
use crate::plan::LoadedPlan;
use crate::plan::validate::{ingress_port, read_user_data};
use crate::tr;
use base64::Engine;
use std::collections::HashMap;
use std::time::Duration;

pub async fn default_vpc(ctx: &Ctx) -> R<String> {
    ctx.api("ec2", "DescribeVpcs", "isDefault=true");
    ctx.cloud.default_vpc().await.map_err(ce)?.ok_or_else(|| {
        tr!(
            es: "Esta región no tiene VPC predeterminada: créala con `aws ec2 create-default-vpc` o elige otra región",
            en: "This region has no default VPC: create it with `aws ec2 create-default-vpc` or pick another region"
        )
    })
}

pub async fn instances(ctx: &Ctx, lp: &LoadedPlan) -> R<()> {
    let plan = &lp.plan;
    let vpc = default_vpc(ctx).await?;
    let mut sg_ids: HashMap<String, String> = HashMap::new();
    for sg in &plan.security_groups {
        ctx.api("ec2", "DescribeSecurityGroups", &sg.name);
        let found = ctx
            .cloud
            .find_security_group(&sg.name, &vpc)
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
                    .create_security_group(&sg.name, &sg.description, &vpc, &ctx.session)
                    .await?;
                Ok(Res::SecurityGroup {
                    name: sg.name.clone(),
                    id: Some(id),
                })
            })
            .await?;
        let id = match (res, found) {
            (Res::SecurityGroup { id: Some(id), .. }, _) => id,
            (_, Some((id, _))) => id,
            _ => match ctx
                .cloud
                .find_security_group(&sg.name, &vpc)
                .await
                .map_err(ce)?
            {
                Some((id, _)) => id,
                None => {
                    return Err(
                        tr!(es: "grupo de seguridad {vpc} no encontrado", en: "security group not found in {vpc}"),
                    );
                }
            },
        };
        let ports: Vec<u16> = sg.ingress.iter().filter_map(|e| ingress_port(e)).collect();
        ctx.api("ec2", "AuthorizeSecurityGroupIngress", &id);
        let open = ctx.cloud.open_ports_of(&id).await.map_err(ce)?;
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
        sg_ids.insert(sg.name.clone(), id);
    }
    for inst in &plan.instances {
        instance(ctx, lp, inst, &vpc, &sg_ids).await?;
    }
    Ok(())
}

async fn instance(
    ctx: &Ctx,
    lp: &LoadedPlan,
    inst: &crate::plan::Instance,
    vpc: &str,
    sg_ids: &HashMap<String, String>,
) -> R<()> {
    let it = &inst.instance_type;
    ctx.api("ec2", "DescribeInstanceTypes", it);
    let Some((arch, free)) = ctx.cloud.instance_type_info(it).await.map_err(ce)? else {
        return Err(
            tr!(es: "el tipo {it} no existe en esta región", en: "instance type {it} is not offered in this region"),
        );
    };
    if !free {
        ctx.api("ec2", "DescribeInstanceTypes", "free-tier-eligible=true");
        let eligible = ctx.cloud.free_tier_types().await.unwrap_or_default();
        let names = eligible.join(", ");
        ctx.warn(tr!(
            es: "{it} no entra en la capa gratuita de esta cuenta (cuentas creadas desde el 15-07-2025 usan t3.micro). Tipos gratuitos aquí: {names}",
            en: "{it} is not free-tier eligible in this account (accounts created since 2025-07-15 use t3.micro). Free-tier types here: {names}"
        ));
    }
    let ami = if inst.ami == "al2023" {
        ctx.api("ssm", "GetParameter", "al2023-ami-kernel-default");
        ctx.cloud.al2023_ami(&arch).await.map_err(ce)?
    } else {
        inst.ami.clone()
    };
    let mut ids = Vec::new();
    for s in &inst.security_groups {
        match sg_ids.get(s) {
            Some(id) => ids.push(id.clone()),
            None => match ctx.cloud.find_security_group(s, vpc).await.map_err(ce)? {
                Some((id, _)) => ids.push(id),
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
    let key = if inst.key_pair.is_empty() {
        None
    } else {
        Some(inst.key_pair.as_str())
    };
    let profile = if inst.role.is_empty() {
        None
    } else {
        Some(inst.role.as_str())
    };
    if let Some(p) = profile {
        wait_profile(ctx, p).await?;
    }
    ctx.api("ec2", "DescribeInstances", &inst.name);
    let existing = ctx.cloud.find_instances(&inst.name).await.map_err(ce)?;
    let ours = existing
        .iter()
        .find(|i| i.session_tag.as_deref() == Some(ctx.session.as_str()));
    let exists = !existing.is_empty();
    let intent = Res::Instance {
        name: inst.name.clone(),
        id: None,
    };
    if exists && ours.is_none() {
        let n = &inst.name;
        return Err(
            tr!(es: "ya hay una instancia llamada {n} que no creó pasos", en: "an instance named {n} exists that pasos did not create"),
        );
    }
    ctx.api("ec2", "RunInstances", &inst.name);
    let res = ctx
        .ensure(Step::Ec2, intent, ours.is_some(), async {
            let id = run_with_profile_retry(ctx, inst, &ami, &ids, profile, key, user_data.clone())
                .await?;
            Ok(Res::Instance {
                name: inst.name.clone(),
                id: Some(id),
            })
        })
        .await?;
    let id = match res {
        Res::Instance { id: Some(id), .. } => id,
        _ => ours.map(|o| o.id.clone()).unwrap_or_default(),
    };
    // A retried RunInstances whose first answer was lost may have launched a twin (the client token
    // prevents it on AWS; emulators ignore it). Same name, same session tag, not the journaled id:
    // ours, and unwanted.
    let twins: Vec<String> = ctx
        .cloud
        .find_instances(&inst.name)
        .await
        .map_err(ce)?
        .into_iter()
        .filter(|i| i.session_tag.as_deref() == Some(ctx.session.as_str()) && i.id != id)
        .map(|i| i.id)
        .collect();
    for twin in twins {
        ctx.warn(tr!(
            es: "{twin} es un duplicado de {id} lanzado por un reintento: lo termino",
            en: "{twin} is a duplicate of {id} launched by a retry: terminating it"
        ));
        ctx.api("ec2", "TerminateInstances", &twin);
        ctx.cloud.terminate_and_wait(&twin).await.map_err(ce)?;
    }
    ctx.emit(Event::Waiting { what: tr!(es: "esperando a que {id} esté en marcha (hasta 10 min)", en: "waiting for {id} to be running (up to 10 min)") });
    ctx.cloud.wait_running(&id).await.map_err(ce)?;
    let info = ctx
        .cloud
        .describe_instance(&id)
        .await
        .map_err(ce)?
        .ok_or_else(|| tr!(es: "{id} desapareció", en: "{id} vanished"))?;
    let mut checks = vec![
        expect(info.state == "running", tr!(es: "en marcha", en: "running"))?,
        expect(info.image_id == ami, tr!(es: "AMI {ami}", en: "AMI {ami}"))?,
        expect(
            info.instance_type == *it,
            tr!(es: "tipo {it}", en: "type {it}"),
        )?,
    ];
    if let Some(p) = profile {
        let ok = info
            .profile_arn
            .as_deref()
            .is_some_and(|a| a.ends_with(&format!("/{p}")));
        checks.push(expect(
            ok,
            tr!(es: "perfil de instancia {p}", en: "instance profile {p}"),
        )?);
    }
    for sg in &ids {
        checks.push(expect(
            info.security_groups.contains(sg),
            tr!(es: "grupo de seguridad {sg}", en: "security group {sg}"),
        )?);
    }
    if !inst.subnet.is_empty() {
        let sn = &inst.subnet;
        checks.push(expect(
            info.subnet_id.as_deref() == Some(sn.as_str()),
            tr!(es: "en la subred {sn}", en: "in subnet {sn}"),
        )?);
    }
    ctx.verified(
        Step::Ec2,
        Res::Instance {
            name: inst.name.clone(),
            id: Some(id.clone()),
        },
        checks,
    );
    ctx.emit(Event::InstanceRunning {
        name: inst.name.clone(),
        id,
        public_ip: info.public_ip,
        public_dns: info.public_dns,
    });
    Ok(())
}

/// IAM is eventually consistent: a just-created instance profile may not be visible yet. Waits with
/// bounded backoff until GetInstanceProfile shows it with its role.
async fn wait_profile(ctx: &Ctx, p: &str) -> R<()> {
    let mut delay = Duration::from_millis(500);
    for _ in 0..10 {
        if ctx
            .cloud
            .instance_profile_roles(p)
            .await
            .map_err(ce)?
            .is_some_and(|r| !r.is_empty())
        {
            return Ok(());
        }
        ctx.emit(Event::Waiting { what: tr!(es: "esperando a que IAM propague el perfil {p}", en: "waiting for IAM to propagate profile {p}") });
        tokio::time::sleep(delay).await;
        delay = (delay * 2).min(Duration::from_secs(8));
    }
    Err(
        tr!(es: "el perfil de instancia {p} no existe o no tiene rol", en: "instance profile {p} does not exist or has no role"),
    )
}

/// RunInstances, retried (bounded) on "Invalid IAM Instance Profile" while EC2 catches up with IAM.
async fn run_with_profile_retry(
    ctx: &Ctx,
    inst: &crate::plan::Instance,
    ami: &str,
    ids: &[String],
    profile: Option<&str>,
    key: Option<&str>,
    user_data: Option<String>,
) -> Result<String, crate::cloud::CloudError> {
    let mut delay = Duration::from_secs(2);
    let mut attempt = 0;
    loop {
        attempt += 1;
        match ctx
            .cloud
            .run_instance(
                &inst.name,
                ami,
                &inst.instance_type,
                ids,
                profile,
                key,
                (!inst.subnet.is_empty()).then_some(inst.subnet.as_str()),
                user_data.clone(),
                &ctx.session,
            )
            .await
        {
            Err(crate::cloud::CloudError::Service { msg, .. })
                if msg.contains("Instance Profile") && attempt < 8 =>
            {
                ctx.emit(Event::Waiting { what: tr!(es: "EC2 aún no ve el perfil de instancia; reintento", en: "EC2 does not see the instance profile yet; retrying") });
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(Duration::from_secs(15));
                let _ = &msg;
            }
            other => return other,
        }
    }
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
