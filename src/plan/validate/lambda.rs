//! Static validation of the plan's functions and their S3 triggers (runtime, handler, code, memory,
//! prefixes, and the loop check), before anything is created.

use super::*;

pub(super) fn check_lambda(lp: &LoadedPlan, f: &mut Findings, ext: &mut Vec<ExternalRef>) {
    let plan = &lp.plan;
    let mut seen = HashSet::new();
    for (i, b) in plan.buckets.iter().enumerate() {
        name_rule(
            f,
            format!("bucket[{i}].name"),
            &b.name,
            names::bucket_name(&b.name),
        );
        dup(f, &mut seen, format!("bucket[{i}].name"), &b.name);
        for (j, folder) in b.folders.iter().enumerate() {
            if folder.is_empty()
                || !folder.ends_with('/')
                || folder.starts_with('/')
                || folder.len() > 1024
            {
                f.problems.push(PlanProblem::new(
                    format!("bucket[{i}].folders[{j}]"),
                    folder,
                    tr!(
                        es: "una carpeta de S3 es un prefijo que termina en /, como input/",
                        en: "an S3 folder is a prefix ending in /, like input/"
                    ),
                ));
            }
        }
    }
    let in_plan = |b: &str| plan.buckets.iter().any(|pb| pb.name == b);
    let today = today();
    let mut seen = HashSet::new();
    for (i, l) in plan.lambdas.iter().enumerate() {
        let fl = format!("lambda[{i}]");
        name_rule(
            f,
            format!("{fl}.name"),
            &l.name,
            names::lambda_function_name(&l.name),
        );
        dup(f, &mut seen, format!("{fl}.name"), &l.name);
        match RUNTIMES.iter().find(|(n, ..)| *n == l.runtime) {
            None => f.problems.push(PlanProblem::new(format!("{fl}.runtime"), &l.runtime, tr!(
                es: "runtime desconocido; usa provided.al2023 para el redimensionador en Rust",
                en: "unknown runtime; use provided.al2023 for the Rust resizer"
            ))),
            Some((n, dep, block)) if *block <= today.as_str() => f.problems.push(PlanProblem::new(format!("{fl}.runtime"), *n, tr!(
                es: "obsoleto desde {dep}; AWS ya no permite crear funciones con él (desde {block})",
                en: "deprecated since {dep}; AWS no longer lets you create functions with it (since {block})"
            ))),
            Some((n, dep, block)) if *dep <= today.as_str() => f.warnings.push(tr!(
                es: "{fl}.runtime = {n}: obsoleto desde {dep}; no se podrá crear a partir de {block}",
                en: "{fl}.runtime = {n}: deprecated since {dep}; creating will be blocked from {block}"
            )),
            Some(_) => {}
        }
        if l.code == "bundled:resizer" && !l.runtime.starts_with("provided.") {
            let r = &l.runtime;
            f.problems.push(PlanProblem::new(format!("{fl}.runtime"), r, tr!(
                es: "el redimensionador incluido es un binario de Rust: necesita runtime = \"provided.al2023\" (no {r})",
                en: "the bundled resizer is a Rust binary: it needs runtime = \"provided.al2023\" (not {r})"
            )));
        }
        if l.code != "bundled:resizer" {
            if !l.code.ends_with(".zip") {
                f.problems.push(PlanProblem::new(
                    format!("{fl}.code"),
                    &l.code,
                    tr!(
                        es: "usa \"bundled:resizer\" o la ruta de un archivo .zip",
                        en: "use \"bundled:resizer\" or the path of a .zip file"
                    ),
                ));
            } else if let Err(rule) = crate::plan::files::plan_path(lp, &l.code).and_then(|p| {
                // A regular file first: opening a FIFO or a device could hang.
                crate::plan::files::check_regular(&p)?;
                crate::resizer_pkg::check_zip(&p, &l.runtime, &l.handler)
            }) {
                f.problems
                    .push(PlanProblem::new(format!("{fl}.code"), &l.code, rule));
            }
        }
        if l.architecture != "x86_64" && l.architecture != "arm64" {
            f.problems.push(PlanProblem::new(
                format!("{fl}.architecture"),
                &l.architecture,
                tr!(es: "usa x86_64 o arm64", en: "use x86_64 or arm64"),
            ));
        }
        if !plan
            .roles
            .iter()
            .any(|r| r.name.eq_ignore_ascii_case(&l.role))
        {
            ext.push(ExternalRef {
                field: format!("{fl}.role"),
                kind: RefKind::Role,
                name: l.role.clone(),
            });
        } else if let Some(r) = plan
            .roles
            .iter()
            .find(|r| r.name.eq_ignore_ascii_case(&l.role))
            && r.trusted_service != "lambda.amazonaws.com"
        {
            let ts = &r.trusted_service;
            f.problems.push(PlanProblem::new(format!("{fl}.role"), &l.role, tr!(
                es: "ese rol confía en {ts}, no en lambda.amazonaws.com: Lambda no podría asumirlo",
                en: "that role trusts {ts}, not lambda.amazonaws.com: Lambda could not assume it"
            )));
        }
        for (k, v, lo, hi) in [
            ("max_width", l.max_width, 1, 20_000),
            ("max_height", l.max_height, 1, 20_000),
            ("memory_mb", l.memory_mb, 128, 10_240),
            ("timeout_s", l.timeout_s, 1, 900),
        ] {
            if !(lo..=hi).contains(&v) {
                let v = v.to_string();
                f.problems.push(PlanProblem::new(
                    format!("{fl}.{k}"),
                    v,
                    tr!(es: "debe estar entre {lo} y {hi}", en: "must be between {lo} and {hi}"),
                ));
            }
        }
        name_rule(
            f,
            format!("{fl}.output.bucket"),
            &l.output.bucket,
            names::bucket_name(&l.output.bucket),
        );
        if !in_plan(&l.output.bucket) {
            ext.push(ExternalRef {
                field: format!("{fl}.output.bucket"),
                kind: RefKind::Bucket,
                name: l.output.bucket.clone(),
            });
        }
        for (j, t) in l.triggers.iter().enumerate() {
            check_trigger(
                f,
                ext,
                &format!("{fl}.trigger[{j}]"),
                l,
                t,
                in_plan(&t.bucket),
            );
        }
    }
}

fn check_trigger(
    f: &mut Findings,
    ext: &mut Vec<ExternalRef>,
    ft: &str,
    l: &crate::plan::Lambda,
    t: &crate::plan::Trigger,
    bucket_in_plan: bool,
) {
    if !bucket_in_plan {
        ext.push(ExternalRef {
            field: format!("{ft}.bucket"),
            kind: RefKind::Bucket,
            name: t.bucket.clone(),
        });
    }
    let trig = loopcheck::Trigger {
        bucket: t.bucket.clone(),
        events: t.events.clone(),
        prefix: t.prefix.clone(),
        suffix: t.suffix.clone(),
    };
    let out = loopcheck::FunctionOutput {
        bucket: l.output.bucket.clone(),
        prefix: l.output.prefix.clone(),
        suffix: l.output.suffix.clone(),
    };
    match loopcheck::check(&trig, &out) {
        Err(e) => f.problems.push(PlanProblem::new(
            ft.to_string(),
            format!("{} {:?} {} {}", t.bucket, t.events, t.prefix, t.suffix),
            e.text(),
        )),
        Ok(report) => {
            for w in &report.warnings {
                f.warnings.push(Text::same(format!("{ft}: ")).join("", w));
            }
            if report.verdict != loopcheck::Verdict::Safe {
                let mut rule = report.reasons.iter().fold(Text::same(""), |acc, r| {
                    if acc.en.is_empty() {
                        r.clone()
                    } else {
                        acc.join(" ", r)
                    }
                });
                if let Some(k) = &report.example_key {
                    rule = rule.join(" ", &tr!(es: "(ejemplo: {k})", en: "(example: {k})"));
                }
                if let Some(fix) = &report.fix {
                    rule = rule.join(" ", fix);
                }
                if t.allow_recursion {
                    f.warnings.push(Text::same(format!("{ft}: ")).join("", &rule).join(" ", &tr!(
                        es: "Aceptado con allow_recursion = true: pasos pondrá RecursiveLoop = Terminate en la función.",
                        en: "Accepted with allow_recursion = true: pasos sets the function's RecursiveLoop to Terminate."
                    )));
                } else {
                    let v = format!("prefix={:?} suffix={:?}", t.prefix, t.suffix);
                    f.problems.push(PlanProblem::new(
                        ft.to_string(),
                        v,
                        rule.join(
                            " ",
                            &tr!(
                                es: "(si de verdad lo quieres, pon allow_recursion = true)",
                                en: "(if you really mean it, set allow_recursion = true)"
                            ),
                        ),
                    ));
                }
            }
        }
    }
}
