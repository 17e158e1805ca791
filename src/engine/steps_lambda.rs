//! Step 4: the photo bucket (with its folders), the resizer function (waited until Active), and its
//! trigger — permission first, then the notification, read-merged-written so other rules survive.

use super::{Ctx, Event, R, Res, Step, ce, expect};
use crate::cloud::s3::LambdaRule;
use crate::cloud::settle::{Rule, settle};
use crate::loopcheck;
use crate::plan::{Lambda, Plan};
use crate::tr;
use std::collections::HashMap;

pub async fn buckets(ctx: &Ctx, plan: &Plan) -> R<()> {
    let on_wait = |r: Rule| ctx.emit(Event::Waiting { what: r.waiting() });
    for b in &plan.buckets {
        ctx.api("s3", "HeadBucket", &b.name);
        let owner = ctx.cloud.bucket_owner(&b.name).await.map_err(ce)?;
        if owner == Some(false) {
            let n = &b.name;
            return Err(tr!(
                es: "el nombre de bucket {n} está ocupado: lo usa otra cuenta, o es tuyo en otra región (los nombres de S3 son globales): elige otro",
                en: "bucket name {n} is taken: another account uses it, or it is yours in another region (S3 names are global): choose another"
            ));
        }
        ctx.api("s3", "CreateBucket", &b.name);
        ctx.ensure(
            Step::BucketLambda,
            Res::Bucket {
                name: b.name.clone(),
            },
            owner == Some(true),
            async {
                ctx.cloud
                    .create_bucket(&b.name, &ctx.session, &on_wait)
                    .await?;
                Ok(Res::Bucket {
                    name: b.name.clone(),
                })
            },
        )
        .await?;
        for f in &b.folders {
            // A "folder" in the console is an empty object whose key ends in '/'. One already there
            // is left alone: putting it again (a re-apply) would fire the bucket's trigger on it.
            let there = settle(Rule::NewBucket, &on_wait, || {
                ctx.cloud.list_objects(&b.name, f)
            })
            .await
            .map_err(ce)?
            .iter()
            .any(|(k, _)| k == f);
            if !there {
                ctx.api("s3", "PutObject", &format!("{}/{f}", b.name));
                settle(Rule::NewBucket, &on_wait, || {
                    ctx.cloud.put_bytes(&b.name, f, Vec::new(), None)
                })
                .await
                .map_err(ce)?;
            }
        }
        let mut checks = vec![tr!(es: "el bucket responde", en: "bucket answers")];
        for f in &b.folders {
            let there = ctx
                .cloud
                .list_objects(&b.name, f)
                .await
                .map_err(ce)?
                .iter()
                .any(|(k, _)| k == f);
            checks.push(expect(there, tr!(es: "carpeta {f}", en: "folder {f}"))?);
        }
        ctx.verified(
            Step::BucketLambda,
            Res::Bucket {
                name: b.name.clone(),
            },
            checks,
        );
    }
    Ok(())
}

/// `buckets` hears whether the plan's buckets were made: each function is created without them,
/// and only its triggers wait.
pub async fn functions(
    ctx: &Ctx,
    plan: &Plan,
    base: &std::path::Path,
    buckets: &tokio::sync::watch::Receiver<Option<bool>>,
) -> R<()> {
    for l in &plan.lambdas {
        function(ctx, l, base, buckets).await?;
    }
    Ok(())
}

/// The resizer's configuration, from the plan's fields (extra variables may override nothing).
pub fn lambda_environment(l: &Lambda) -> HashMap<String, String> {
    let mut env: HashMap<String, String> = l
        .environment
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    env.insert("OUTPUT_BUCKET".into(), l.output.bucket.clone());
    env.insert("OUTPUT_PREFIX".into(), l.output.prefix.clone());
    env.insert(
        "INPUT_PREFIX".into(),
        l.triggers
            .first()
            .map(|t| t.prefix.clone())
            .unwrap_or_else(|| "input/".into()),
    );
    env.insert("MAX_WIDTH".into(), l.max_width.to_string());
    env.insert("MAX_HEIGHT".into(), l.max_height.to_string());
    env
}

pub fn statement_id(bucket: &str) -> String {
    format!("pasos-s3-{}", bucket.replace('.', "-"))
}

pub fn rule_id(function: &str, i: usize) -> String {
    format!("pasos-{function}-{i}")
}

async fn function(
    ctx: &Ctx,
    l: &Lambda,
    base: &std::path::Path,
    buckets: &tokio::sync::watch::Receiver<Option<bool>>,
) -> R<()> {
    let name = &l.name;
    // The role's ARN and whether the function exists, asked together.
    ctx.api("iam", "GetRole", &l.role);
    ctx.api("lambda", "GetFunction", name);
    let role = async {
        ctx.cloud
            .iam
            .get_role()
            .role_name(&l.role)
            .send()
            .await
            .map_err(|e| ce(crate::cloud::CloudError::from_sdk("GetRole", e)))
            .map(|o| o.role().map(|r| r.arn().to_string()).unwrap_or_default())
    };
    let code = async {
        if l.code == "bundled:resizer" {
            ctx.emit(Event::Waiting { what: tr!(es: "esperando el zip de la Lambda (se compila en segundo plano; el progreso está en la pantalla de bienvenida y en la de Lambda)", en: "waiting for the Lambda's zip (it builds in the background; its progress is on the welcome and Lambda screens)") });
            let provider = ctx.resizer_zip.clone();
            tokio::task::spawn_blocking(move || provider())
                .await
                .map_err(|e| crate::i18n::Text::same(e.to_string()))?
        } else {
            // The path passed the plan's rules; still a regular file, read with a bound.
            crate::plan::files::read_regular(&base.join(&l.code), crate::resizer_pkg::ZIP_MAX)
        }
    };
    let (role_arn, existing) = tokio::join!(role, ctx.cloud.function(name));
    let (role_arn, existing) = (role_arn?, existing.map_err(ce)?);
    // The code is only needed (and only packaged) to create the function.
    let zip = if existing.is_some() {
        Vec::new()
    } else {
        code.await?
    };
    ctx.api("lambda", "CreateFunction", name);
    ctx.ensure(
        Step::BucketLambda,
        Res::Function { name: name.clone() },
        existing.is_some(),
        async {
            ctx.cloud
                .create_function(
                    crate::cloud::lambda::NewFunction {
                        name,
                        runtime: &l.runtime,
                        handler: &l.handler,
                        role_arn: &role_arn,
                        zip,
                        arch: &l.architecture,
                        memory_mb: l.memory_mb as i32,
                        timeout_s: l.timeout_s as i32,
                        env: lambda_environment(l),
                        session: &ctx.session,
                    },
                    &|r| ctx.emit(Event::Waiting { what: r.waiting() }),
                )
                .await?;
            Ok(Res::Function { name: name.clone() })
        },
    )
    .await?;
    ctx.emit(Event::Waiting { what: tr!(es: "esperando a que {name} pase de Pending a Active", en: "waiting for {name} to go from Pending to Active") });
    ctx.api("lambda", "GetFunction", name);
    let info = match ctx.cloud.wait_function_active(name).await.map_err(ce)? {
        Some(info) => info,
        None => ctx
            .cloud
            .function(name)
            .await
            .map_err(ce)?
            .ok_or_else(|| tr!(es: "{name} desapareció", en: "{name} vanished"))?,
    };
    // The trigger needs the bucket (the buckets step reported its own failure already).
    if !l.triggers.is_empty() && !super::ready(buckets.clone()).await {
        return Err(tr!(
            es: "{name} se creó, pero sin disparador: el bucket no está (mira el error anterior)",
            en: "{name} was created, but without its trigger: the bucket is not there (see the error before)"
        ));
    }
    // A function made just now has no permissions yet: nothing to read before adding one.
    let fresh = existing.is_none();
    let mut recursion = false;
    for (i, t) in l.triggers.iter().enumerate() {
        recursion |= t.allow_recursion;
        trigger(ctx, l, t, &rule_id(name, i), &info.arn, fresh).await?;
    }
    if recursion {
        ctx.api("lambda", "PutFunctionRecursionConfig", name);
        ctx.cloud.set_recursion_terminate(name).await.map_err(ce)?;
        ctx.warn(tr!(
            es: "{name}: recursión aceptada; RecursiveLoop = Terminate (AWS corta la cadena tras ~16 invocaciones)",
            en: "{name}: recursion acknowledged; RecursiveLoop = Terminate (AWS stops the chain after ~16 invocations)"
        ));
    }
    let mut checks = vec![
        expect(
            info.state == "Active",
            tr!(es: "estado Active", en: "state Active"),
        )?,
        expect(info.runtime == l.runtime, {
            let r = &l.runtime;
            tr!(es: "runtime {r}", en: "runtime {r}")
        })?,
        expect(info.role == role_arn, {
            let r = &l.role;
            tr!(es: "rol {r}", en: "role {r}")
        })?,
    ];
    let rules = match l.triggers.first() {
        Some(t) => ctx.cloud.notification(&t.bucket).await.map_err(ce)?.0,
        None => Vec::new(),
    };
    for (i, t) in l.triggers.iter().enumerate() {
        let id = rule_id(name, i);
        let ok = rules.iter().any(|r| {
            r.id.as_deref() == Some(id.as_str())
                && r.prefix == t.prefix
                && r.function_arn == info.arn
        }) || t.bucket != l.triggers[0].bucket;
        let (b, p) = (&t.bucket, &t.prefix);
        checks.push(expect(
            ok,
            tr!(es: "disparador en {b} con prefijo {p}", en: "trigger on {b} with prefix {p}"),
        )?);
    }
    ctx.verified(
        Step::BucketLambda,
        Res::Function { name: name.clone() },
        checks,
    );
    Ok(())
}

async fn trigger(
    ctx: &Ctx,
    l: &Lambda,
    t: &crate::plan::Trigger,
    id: &str,
    function_arn: &str,
    fresh: bool,
) -> R<()> {
    let bucket = &t.bucket;
    ctx.api("s3", "GetBucketNotificationConfiguration", bucket);
    let (rules, current) = ctx.cloud.notification(bucket).await.map_err(ce)?;
    // Real S3 refuses overlapping rules ("ambiguously defined"); the sandbox accepts them. Say so first.
    let ours = loopcheck::Trigger {
        bucket: bucket.clone(),
        events: t.events.clone(),
        prefix: t.prefix.clone(),
        suffix: t.suffix.clone(),
    };
    let others: Vec<loopcheck::ExistingRule> = rules
        .iter()
        .filter(|r| r.id.as_deref() != Some(id))
        .map(|r| loopcheck::ExistingRule {
            id: r.id.clone(),
            events: r.events.clone(),
            prefix: r.prefix.clone(),
            suffix: r.suffix.clone(),
            target: r.function_arn.clone(),
        })
        .collect();
    let clash = loopcheck::overlapping_rules(&ours, &others, function_arn);
    if let Some(c) = clash.first() {
        return Err(loopcheck::conflict_text(&ours, c));
    }
    // Permission before notification, or S3 cannot validate the destination.
    let sid = statement_id(bucket);
    let perm = Res::Permission {
        function: l.name.clone(),
        statement_id: sid.clone(),
    };
    ctx.api("lambda", "AddPermission", &sid);
    let has = !fresh
        && ctx
            .cloud
            .permission_ids(&l.name)
            .await
            .map_err(ce)?
            .contains(&sid);
    ctx.ensure(Step::BucketLambda, perm.clone(), has, async {
        ctx.cloud
            .allow_s3(&l.name, &sid, bucket, &ctx.account)
            .await?;
        Ok(perm.clone())
    })
    .await?;
    let note = Res::Notification {
        bucket: bucket.clone(),
        id: id.to_string(),
    };
    let present = rules.iter().any(|r| r.id.as_deref() == Some(id));
    ctx.api("s3", "PutBucketNotificationConfiguration", bucket);
    let rule = LambdaRule {
        id: Some(id.to_string()),
        function_arn: function_arn.to_string(),
        events: t.events.clone(),
        prefix: t.prefix.clone(),
        suffix: t.suffix.clone(),
    };
    ctx.ensure(Step::BucketLambda, note.clone(), present, async {
        ctx.cloud
            .merge_notification_settled(bucket, id, Some(&rule), Some(current), &|r| {
                ctx.emit(Event::Waiting { what: r.waiting() })
            })
            .await?;
        Ok(note.clone())
    })
    .await?;
    Ok(())
}
