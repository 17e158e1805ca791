//! The words of the loop check: reasons for a verdict, the fix to propose, and warnings about the
//! trigger itself, in Spanish and English.
//!
//! Reasons are picked from what the analysis established (always / sometimes / never), and only then
//! phrased by the shape of the prefixes, so a sentence never claims more than was proven.

use super::analysis::Amount;
use super::events::{self, MULTIPART_EVENT, PUT_EVENT};
use super::{FunctionOutput, Trigger, Verdict};
use crate::i18n::Text;
use crate::{names, tr};

fn list(items: &[String]) -> String {
    items
        .iter()
        .map(|e| format!("`{e}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn other_bucket(t: &Trigger, out: &FunctionOutput) -> Text {
    let (b, ob) = (&t.bucket, &out.bucket);
    tr!(
        es: "La función escribe en `{ob}`, no en `{b}` (el bucket cuyos eventos la disparan), así que sus escrituras nunca la vuelven a disparar.",
        en: "The function writes to `{ob}`, not to `{b}` (the bucket whose events trigger it), so its writes never start it again."
    )
}

pub fn same_bucket(t: &Trigger) -> Text {
    let b = &t.bucket;
    tr!(
        es: "La función escribe en `{b}`, el mismo bucket cuyos eventos la disparan.",
        en: "The function writes to `{b}`, the same bucket whose events trigger it."
    )
}

pub fn events_miss_put(t: &Trigger) -> Text {
    let (e, put) = (list(&t.events), PUT_EVENT);
    tr!(
        es: "La función escribe con PutObject, que emite `{put}`; el disparador solo escucha {e}, así que sus escrituras no lo disparan.",
        en: "The function writes with PutObject, which emits `{put}`; the trigger listens only to {e}, so its writes do not fire it."
    )
}

pub fn events_hit_put(t: &Trigger) -> Text {
    let put = PUT_EVENT;
    match t
        .events
        .iter()
        .find(|l| l.as_str() != PUT_EVENT && events::covers(l, PUT_EVENT))
    {
        Some(w) if !t.events.iter().any(|l| l == PUT_EVENT) => tr!(
            es: "El disparador escucha `{w}`, que incluye `{put}`, el evento que emite cada PutObject de la función.",
            en: "The trigger listens to `{w}`, which includes `{put}`, the event every PutObject of the function emits."
        ),
        _ => tr!(
            es: "El disparador escucha `{put}`, el evento que emite cada PutObject de la función.",
            en: "The trigger listens to `{put}`, the event every PutObject of the function emits."
        ),
    }
}

/// Whether output keys start with the trigger prefix, phrased by how the two prefixes relate.
pub fn prefix_reason(t: &Trigger, out: &FunctionOutput, amount: Amount) -> Text {
    let (p, op) = (&t.prefix, &out.prefix);
    let disjoint = !op.starts_with(p.as_str()) && !p.starts_with(op.as_str());
    match amount {
        Amount::All if p.is_empty() => tr!(
            es: "El disparador no tiene prefijo: coincide con claves de todo el bucket, también con las que escribe la función.",
            en: "The trigger has no prefix: it matches keys anywhere in the bucket, the function's outputs included."
        ),
        Amount::All if op == p => tr!(
            es: "La función escribe bajo `{p}`, el mismo prefijo que escucha el disparador.",
            en: "The function writes under `{p}`, the very prefix the trigger listens to."
        ),
        Amount::All if op.starts_with(p.as_str()) => tr!(
            es: "El prefijo de salida `{op}` está dentro del prefijo del disparador `{p}`: toda clave de salida empieza por `{p}`.",
            en: "The output prefix `{op}` lies inside the trigger prefix `{p}`: every output key starts with `{p}`."
        ),
        Amount::All => tr!(
            es: "Toda clave de salida empieza por el prefijo del disparador `{p}`.",
            en: "Every output key starts with the trigger prefix `{p}`."
        ),
        Amount::Some if op.is_empty() => tr!(
            es: "La función escribe en la raíz del bucket (sin prefijo de salida): si lo que sigue a `{p}` en la clave de entrada vuelve a empezar por `{p}`, la salida cae bajo `{p}`.",
            en: "The function writes at the top of the bucket (no output prefix): when the part of the input key after `{p}` starts with `{p}` again, the output lands under `{p}`."
        ),
        Amount::Some if p.starts_with(op.as_str()) && p != op => {
            let d = &p[op.len()..];
            tr!(
                es: "El prefijo del disparador `{p}` está dentro del prefijo de salida `{op}`: si lo que sigue a `{p}` en la clave de entrada empieza por `{d}`, la salida vuelve a caer bajo `{p}`.",
                en: "The trigger prefix `{p}` lies inside the output prefix `{op}`: when the part of the input key after `{p}` starts with `{d}`, the output lands under `{p}` again."
            )
        }
        Amount::Some => tr!(
            es: "Algunas claves de salida empiezan por el prefijo del disparador `{p}`.",
            en: "Some output keys start with the trigger prefix `{p}`."
        ),
        Amount::None if disjoint => tr!(
            es: "El prefijo de salida `{op}` y el del disparador `{p}` no se solapan (ninguno empieza por el otro): ninguna clave de salida empieza por `{p}`.",
            en: "The output prefix `{op}` and the trigger prefix `{p}` do not overlap (neither starts with the other): no output key starts with `{p}`."
        ),
        Amount::None => tr!(
            es: "Ninguna clave de salida empieza por el prefijo del disparador `{p}`.",
            en: "No output key starts with the trigger prefix `{p}`."
        ),
    }
}

/// Whether output keys end with the trigger suffix, phrased by what the function does to the ending.
pub fn suffix_reason(t: &Trigger, out: &FunctionOutput, amount: Amount) -> Text {
    let s = &t.suffix;
    match (amount, out.suffix.as_deref()) {
        (Amount::All, _) if s.is_empty() => tr!(
            es: "El disparador no tiene sufijo: cualquier terminación coincide.",
            en: "The trigger has no suffix: any ending matches."
        ),
        (Amount::All, None) => tr!(
            es: "Las claves de salida conservan la terminación de la entrada, así que también terminan en `{s}`.",
            en: "Output keys keep the input's ending, so they end with `{s}` too."
        ),
        (Amount::All, Some(x)) => tr!(
            es: "Las claves de salida terminan en `{x}`, que coincide con el sufijo `{s}` del disparador.",
            en: "Output keys end with `{x}`, which matches the trigger suffix `{s}`."
        ),
        (Amount::Some, None) => tr!(
            es: "Solo algunas claves de salida terminan en `{s}`.",
            en: "Only some output keys end with `{s}`."
        ),
        (Amount::Some, Some(x)) => tr!(
            es: "La función cambia la terminación a `{x}`; solo algunas claves de salida terminan en `{s}`.",
            en: "The function changes the ending to `{x}`; only some output keys end with `{s}`."
        ),
        (Amount::None, Some(x)) => tr!(
            es: "Las claves de salida terminan en `{x}`, nunca en el sufijo `{s}` del disparador.",
            en: "Output keys end with `{x}`, never with the trigger suffix `{s}`."
        ),
        (Amount::None, None) => tr!(
            es: "Ninguna clave de salida termina en el sufijo `{s}` del disparador.",
            en: "No output key ends with the trigger suffix `{s}`."
        ),
    }
}

/// The closing sentence of a verdict reached after looking at the keys.
pub fn summary(verdict: Verdict, counter: Option<(&str, Option<&str>)>) -> Vec<Text> {
    let mut v = vec![match verdict {
        Verdict::Loop => tr!(
            es: "Cada subida que coincide con el disparador hace que la función escriba un objeto que también coincide: cada ejecución dispara la siguiente, sin fin (la detección de bucles de AWS no cubre funciones en Rust).",
            en: "Every upload that matches the trigger makes the function write an object that matches it too: each run starts the next, without end (AWS's own loop detection does not cover functions written in Rust)."
        ),
        Verdict::Risk => tr!(
            es: "Algunas subidas (no todas) hacen que la función escriba un objeto que vuelve a coincidir con el disparador, y cada una de ellas dispara otra ejecución.",
            en: "Some uploads (not all) make the function write an object that matches the trigger again, and each of those starts another run."
        ),
        Verdict::Safe => tr!(
            es: "Ninguna clave de salida puede coincidir a la vez con el prefijo y el sufijo del disparador, sea cual sea la clave de entrada.",
            en: "No output key can match both the prefix and the suffix of the trigger, whatever the input key."
        ),
    }];
    if let Some((k, o)) = counter {
        v.push(match o {
            Some(o) => tr!(
                es: "Otras no: `{k}` da `{o}`, que no coincide con el disparador.",
                en: "Others do not: `{k}` gives `{o}`, which does not match the trigger."
            ),
            None => tr!(
                es: "Otras no: `{k}` daría una clave vacía, que no se puede escribir.",
                en: "Others do not: `{k}` would give an empty key, which cannot be written."
            ),
        });
    }
    v
}

/// An output prefix outside the trigger prefix. Two of the three start with different letters, so
/// one of them always diverges from a non-empty trigger prefix.
fn outside_prefix(p: &str) -> &'static str {
    ["output/", "resized/", "thumbnails/"]
        .into_iter()
        .find(|c| !c.starts_with(p) && !p.starts_with(c))
        .unwrap_or("resized/")
}

/// `<bucket>-resized`, shortened to fit 63 characters, when that is a valid bucket name.
pub fn second_bucket(bucket: &str) -> Option<String> {
    let tail = "-resized";
    let mut base: String = bucket.chars().take(63 - tail.len()).collect();
    while base.ends_with(['-', '.']) {
        base.pop();
    }
    let name = format!("{base}{tail}");
    names::bucket_name(&name).is_ok().then_some(name)
}

/// What to change so the trigger can never fire on the function's own writes. Each proposal is safe
/// whatever the suffixes: a prefix outside the trigger prefix, or another bucket.
pub fn fix(t: &Trigger, out: &FunctionOutput) -> Text {
    let (p, op) = (&t.prefix, &out.prefix);
    let bucket = match second_bucket(&t.bucket) {
        Some(b) => tr!(
            es: "o usa un segundo bucket, `{b}`, como hace el tutorial de AWS",
            en: "or use a second bucket, `{b}`, as AWS's own tutorial does"
        ),
        None => tr!(
            es: "o usa un segundo bucket, como hace el tutorial de AWS",
            en: "or use a second bucket, as AWS's own tutorial does"
        ),
    };
    let (be, bn) = (&bucket.es, &bucket.en);
    if p.is_empty() {
        tr!(
            es: "Dale al disparador un prefijo, como `input/`, y escribe en `output/`, {be}.",
            en: "Give the trigger a prefix such as `input/` and write to `output/`, {bn}."
        )
    } else {
        let o = outside_prefix(p);
        tr!(
            es: "Escribe en `{o}` en lugar de `{op}` (fuera del prefijo del disparador `{p}`), {be}.",
            en: "Write to `{o}` instead of `{op}` (outside the trigger prefix `{p}`), {bn}."
        )
    }
}

/// Things worth knowing about the trigger whatever the verdict.
pub fn warnings(t: &Trigger) -> Vec<Text> {
    let mut w = Vec::new();
    if t.prefix.is_empty() && t.suffix.is_empty() {
        let b = &t.bucket;
        w.push(tr!(
            es: "El disparador no tiene prefijo ni sufijo: escucha todo el bucket `{b}`, cualquier clave coincide.",
            en: "The trigger has no prefix and no suffix: it listens to the whole bucket `{b}`, any key matches."
        ));
    }
    let creation: Vec<String> = t
        .events
        .iter()
        .filter(|e| events::is_creation(e))
        .cloned()
        .collect();
    if !creation.is_empty() && !events::listens(&creation, MULTIPART_EVENT) {
        let (e, mp) = (list(&creation), MULTIPART_EVENT);
        w.push(tr!(
            es: "Solo escucha {e}: las subidas grandes (más de 8 MB con la AWS CLI o los SDK) son multiparte y emiten `{mp}`, así que se ignorarían. Añade `{mp}` (o usa `s3:ObjectCreated:*`).",
            en: "It listens only to {e}: big uploads (over 8 MB through the AWS CLI or SDKs) are multipart and emit `{mp}` instead, so they would be ignored. Add `{mp}` (or use `s3:ObjectCreated:*`)."
        ));
    }
    for e in t.events.iter().filter(|e| !events::is_creation(e)) {
        w.push(tr!(
            es: "`{e}` no es un evento de creación: no se produce al subir una foto, así que no ejecutará el redimensionador con las subidas.",
            en: "`{e}` is not a creation event: uploading a photo does not emit it, so it will not run the resizer on uploads."
        ));
    }
    w
}
