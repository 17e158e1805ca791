//! Step 3, second half: the instance — RunInstances with IMDSv2, the role's instance profile,
//! user data and tags at creation, under a client token per journal intent — waited until running
//! (the waiter's last answer is the read-back) and checked.

use super::steps_ec2::{Prepared, Ready};
use super::{Ctx, Event, R, Res, Step, ce, expect};
use crate::cloud::settle::{Rule, settle};
use crate::plan::{Instance, LoadedPlan};
use crate::tr;

pub async fn launch(ctx: &Ctx, lp: &LoadedPlan, prepared: &Prepared) -> R<()> {
    for (inst, ready) in lp.plan.instances.iter().zip(&prepared.instances) {
        instance(ctx, inst, ready).await?;
    }
    Ok(())
}

async fn instance(ctx: &Ctx, inst: &Instance, ready: &Ready) -> R<()> {
    let (it, ami, ids) = (&ready.chosen.instance_type, &ready.ami, &ready.sg_ids);
    let key = (!inst.key_pair.is_empty()).then_some(inst.key_pair.as_str());
    let profile = (!inst.role.is_empty()).then_some(inst.role.as_str());
    ctx.api("ec2", "DescribeInstances", &inst.name);
    let existing = ctx.cloud.find_instances(&inst.name).await.map_err(ce)?;
    let ours = existing
        .iter()
        .find(|i| i.session_tag.as_deref() == Some(ctx.session.as_str()));
    if !existing.is_empty() && ours.is_none() {
        let n = &inst.name;
        return Err(
            tr!(es: "ya hay una instancia llamada {n} que no creó pasos", en: "an instance named {n} exists that pasos did not create"),
        );
    }
    let intent = Res::Instance {
        name: inst.name.clone(),
        id: None,
    };
    ctx.api("ec2", "RunInstances", &inst.name);
    let launch = Launch {
        name: &inst.name,
        ami,
        instance_type: it,
        sg_ids: ids,
        profile,
        key,
        subnet: (!inst.subnet.is_empty()).then_some(inst.subnet.as_str()),
        user_data: ready.user_data.clone(),
    };
    let res = ctx
        .ensure_idempotent(Step::Ec2, intent, ours.is_some(), |nonce| async move {
            let id = launch.run(ctx, &format!("pasos-{nonce}")).await?;
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
    ctx.emit(Event::Waiting { what: tr!(es: "esperando a que {id} esté en marcha (hasta 10 min)", en: "waiting for {id} to be running (up to 10 min)") });
    // Twins are looked for while the instance starts: neither waits for the other.
    let (twins, running) = tokio::join!(
        terminate_twins(ctx, &inst.name, &id),
        ctx.cloud.wait_running(&id)
    );
    twins?;
    let info = match running.map_err(ce)? {
        Some(info) => info,
        None => ctx
            .cloud
            .describe_instance(&id)
            .await
            .map_err(ce)?
            .ok_or_else(|| tr!(es: "{id} desapareció", en: "{id} vanished"))?,
    };
    let mut checks = vec![
        expect(info.state == "running", tr!(es: "en marcha", en: "running"))?,
        expect(info.image_id == *ami, tr!(es: "AMI {ami}", en: "AMI {ami}"))?,
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
    for sg in ids {
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

/// A retried RunInstances whose first answer was lost may have launched a twin (the client token
/// prevents it on AWS; emulators ignore tokens). Same name, same session tag, not the journaled id:
/// ours, and unwanted.
async fn terminate_twins(ctx: &Ctx, name: &str, id: &str) -> R<()> {
    let twins: Vec<String> = ctx
        .cloud
        .find_instances(name)
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
    Ok(())
}

/// What RunInstances is given. The profile is not waited for beforehand: RunInstances itself is
/// retried while EC2 does not see it yet (on that error only), which costs nothing when it does.
struct Launch<'a> {
    name: &'a str,
    ami: &'a str,
    instance_type: &'a str,
    sg_ids: &'a [String],
    profile: Option<&'a str>,
    key: Option<&'a str>,
    subnet: Option<&'a str>,
    user_data: Option<String>,
}

impl Launch<'_> {
    /// RunInstances with the intent's client token, retried (bounded, on that error only) while EC2
    /// does not see a just-created instance profile yet. The retries reuse the token: if one of
    /// them did launch, EC2 answers with that instance.
    async fn run(&self, ctx: &Ctx, token: &str) -> Result<String, crate::cloud::CloudError> {
        let on_wait = |r: Rule| ctx.emit(Event::Waiting { what: r.waiting() });
        settle(Rule::ProfileForEc2, &on_wait, || {
            ctx.cloud.run_instance(
                token,
                self.name,
                self.ami,
                self.instance_type,
                self.sg_ids,
                self.profile,
                self.key,
                self.subnet,
                self.user_data.clone(),
                &ctx.session,
            )
        })
        .await
    }
}
