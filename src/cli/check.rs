//! `pasos check-trigger`: runs the loop check on a trigger given by flags and prints the verdict,
//! as text in the user's language or as one JSON object. Exit 0 safe, 1 loop or risk, 2 bad input.

use crate::cli::args::CheckTriggerArgs;
use crate::cli::exit;
use crate::cli::run::Ctx;
use crate::i18n::{Lang, Text};
use crate::loopcheck::{self, FunctionOutput, Report, Trigger, Verdict};
use crate::tr;

pub fn run(ctx: &Ctx, a: CheckTriggerArgs) -> u8 {
    let trigger = Trigger {
        // `--output-bucket` defaults to the trigger's bucket, the walkthrough's single-bucket setup.
        bucket: a.bucket.clone(),
        // `--events "a, b"` arrives as ["a", " b"]; S3 would refuse the space, but the user meant b.
        events: a
            .events
            .iter()
            .map(|e| e.trim().to_string())
            .filter(|e| !e.is_empty())
            .collect(),
        prefix: a.prefix,
        suffix: a.suffix,
    };
    let output = FunctionOutput {
        bucket: a.output_bucket.unwrap_or(a.bucket),
        prefix: a.output_prefix,
        suffix: a.output_suffix,
    };
    let lang = ctx.lang;
    match loopcheck::check(&trigger, &output) {
        Err(e) => {
            let msg = e.flag_text();
            if a.json {
                println!("{}", serde_json::json!({ "error": msg.get(lang) }));
            } else {
                ctx.say(&msg);
            }
            exit::BAD_INPUT
        }
        Ok(report) => {
            if a.json {
                println!("{}", json(&report, lang));
            } else {
                print!("{}", text(&trigger, &output, &report, lang));
            }
            match report.verdict {
                Verdict::Safe => exit::OK,
                Verdict::Loop | Verdict::Risk => exit::FAILED,
            }
        }
    }
}

/// The `--json` object: every text in the chosen language, absent example and fix as `null`.
fn json(r: &Report, lang: Lang) -> serde_json::Value {
    let texts = |v: &[Text]| {
        v.iter()
            .map(|t| t.get(lang).to_string())
            .collect::<Vec<_>>()
    };
    serde_json::json!({
        "verdict": r.verdict,
        "reasons": texts(&r.reasons),
        "example_key": r.example_key,
        "fix": r.fix.as_ref().map(|f| f.get(lang)),
        "warnings": texts(&r.warnings),
    })
}

/// The human-readable report: headline, reasons, the example chain, the fix and the warnings.
fn text(t: &Trigger, out: &FunctionOutput, r: &Report, lang: Lang) -> String {
    let mut s = String::new();
    let mut line = |t: &Text| {
        s.push_str(t.get(lang));
        s.push('\n');
    };
    line(&match r.verdict {
        Verdict::Safe => tr!(
            es: "SEGURO: lo que escribe la función no puede volver a dispararla.",
            en: "SAFE: what the function writes cannot trigger it again."
        ),
        Verdict::Loop => tr!(
            es: "BUCLE: la función se dispararía a sí misma con cada foto.",
            en: "LOOP: the function would trigger itself with every photo."
        ),
        Verdict::Risk => tr!(
            es: "RIESGO: algunas de las escrituras de la función la volverían a disparar.",
            en: "RISK: some of the function's writes would trigger it again."
        ),
    });
    line(&tr!(es: "Por qué:", en: "Why:"));
    for reason in &r.reasons {
        line(&Text::same("  - ").join("", reason));
    }
    if let Some(k) = &r.example_key {
        let o = loopcheck::output_key(t, out, k).unwrap_or_default();
        line(&tr!(
            es: "Ejemplo: subir `{k}` hace que la función escriba `{o}`, que la vuelve a disparar.",
            en: "Example: uploading `{k}` makes the function write `{o}`, which triggers it again."
        ));
    }
    if let Some(fix) = &r.fix {
        line(&tr!(es: "Solución: ", en: "Fix: ").join("", fix));
    }
    if !r.warnings.is_empty() {
        line(&tr!(es: "Avisos:", en: "Warnings:"));
        for w in &r.warnings {
            line(&Text::same("  - ").join("", w));
        }
    }
    s
}
