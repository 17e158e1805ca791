//! Screen 5: the photo bucket and the resizer Lambda with its S3 trigger; the loop check's verdict is
//! shown live under the trigger fields, and Loop/Risk block creation until explicitly acknowledged.

use super::view::{self, Common};
use super::widgets::{Call, Field, Form};
use crate::i18n::{Lang, Text};
use crate::loopcheck::{self, FunctionOutput, Report, Verdict};
use crate::names;
use crate::plan::validate::{RUNTIMES, runtime_deprecated};
use crate::plan::{Bucket, Lambda, Output, Plan, Trigger};
use crate::tr;
use ratatui::Frame;
use ratatui::layout::Rect;
use std::collections::BTreeMap;

pub const BUCKET: usize = 0;
pub const NAME: usize = 1;
pub const RUNTIME: usize = 2;
pub const ROLE: usize = 3;
pub const CODE: usize = 4;
pub const OUT_PREFIX: usize = 5;
pub const EVENTS: usize = 6;
pub const PREFIX: usize = 7;
pub const SUFFIX: usize = 8;

pub fn explain() -> Text {
    Text::fixed(
        "Lambda ejecuta tu código sin servidores que administrar: se paga por invocación y por el tiempo que \
         corre. Un disparador la despierta ante un evento; aquí, cada foto que llega a la carpeta de entrada \
         del bucket S3. La función la reduce y escribe el resultado en la carpeta de salida.\n\n\
         S3 no tiene carpetas de verdad: una «carpeta» es solo el principio de la clave del objeto (su \
         prefijo), como input/ en input/foto.jpg. Y el nombre de un bucket es único en todo el mundo, no \
         solo en tu cuenta: si otra persona ya lo usa, elige otro.\n\n\
         Cuidado: si la salida cae donde escucha el disparador, cada resultado vuelve a disparar la función, \
         sin fin, y se paga cada vuelta. Por eso el prefijo y el sufijo importan: la comprobación de bucles, \
         a la derecha, dice por qué una configuración es segura o no.\n\n\
         El rol de la función necesita S3 y también permiso para escribir sus registros (logs) en \
         CloudWatch.",
        "Lambda runs your code with no servers to manage: you pay per invocation and for the time it runs. \
         A trigger wakes it on an event; here, every photo that lands in the bucket's input folder. The \
         function shrinks it and writes the result to the output folder.\n\n\
         S3 has no real folders: a “folder” is just the start of the object's key (its prefix), like input/ \
         in input/photo.jpg. And a bucket name is unique across the whole world, not just your account: if \
         someone else has it, pick another.\n\n\
         Careful: if the output lands where the trigger listens, every result fires the function again, \
         endlessly, and every round is billed. That is why prefix and suffix matter: the loop check, on the \
         right, says why a setup is safe or not.\n\n\
         The function's role needs S3 and also permission to write its logs to CloudWatch.",
    )
}

#[derive(Clone, Debug, PartialEq)]
pub struct LambdaScreen {
    pub form: Form,
    /// The plan's function, for what the form does not show (code, sizes, memory).
    pub base: Lambda,
    /// The learner acknowledged the loop risk (sets `allow_recursion`).
    pub ack: bool,
}

impl LambdaScreen {
    pub fn from_plan(plan: &Plan) -> LambdaScreen {
        let bucket = plan
            .buckets
            .first()
            .map_or("fotos-alumno-2026".to_string(), |b| b.name.clone());
        let base = plan.lambdas.first().cloned().unwrap_or_else(|| Lambda {
            name: "redimensionar-foto".into(),
            runtime: "provided.al2023".into(),
            code: "bundled:resizer".into(),
            handler: "bootstrap".into(),
            architecture: "x86_64".into(),
            role: "lambda-s3".into(),
            output: Output {
                bucket: bucket.clone(),
                prefix: "output/".into(),
                suffix: None,
            },
            max_width: 1024,
            max_height: 1024,
            memory_mb: 256,
            timeout_s: 30,
            environment: BTreeMap::new(),
            triggers: vec![],
        });
        let t = base.triggers.first();
        let ev = t
            .and_then(|t| t.events.first().cloned())
            .unwrap_or_else(|| "s3:ObjectCreated:Put".into());
        LambdaScreen {
            form: Form::new(vec![
                Field::text(Text::fixed("Bucket", "Bucket"), &bucket),
                Field::text(Text::fixed("Función", "Function"), &base.name),
                Field::choice(
                    Text::fixed("Runtime", "Runtime"),
                    &base.runtime,
                    RUNTIMES.iter().map(|r| r.0.to_string()).collect(),
                ),
                Field::text(
                    Text::fixed("Rol de la función", "Function role"),
                    &base.role,
                ),
                // bundled:resizer or a .zip path; the label stays short so that, on 80×24, the loop
                // verdict under the trigger fields still shows.
                Field::text(Text::fixed("Código", "Code"), &base.code),
                Field::text(
                    Text::fixed("Prefijo de salida", "Output prefix"),
                    &base.output.prefix,
                ),
                Field::choice(
                    Text::fixed("Eventos", "Events"),
                    &ev,
                    vec!["s3:ObjectCreated:Put".into(), "s3:ObjectCreated:*".into()],
                ),
                Field::text(
                    Text::fixed("Prefijo del disparador", "Trigger prefix"),
                    t.map_or("input/", |t| t.prefix.as_str()),
                ),
                Field::text(
                    Text::fixed("Sufijo del disparador", "Trigger suffix"),
                    t.map_or("", |t| t.suffix.as_str()),
                ),
            ]),
            ack: t.is_some_and(|t| t.allow_recursion),
            base,
        }
    }

    fn bucket(&self) -> String {
        self.form.get(BUCKET).trim().to_string()
    }

    pub fn verdict(&self) -> Result<Report, Text> {
        let t = loopcheck::Trigger {
            bucket: self.bucket(),
            events: vec![self.form.get(EVENTS).to_string()],
            prefix: self.form.get(PREFIX).to_string(),
            suffix: self.form.get(SUFFIX).to_string(),
        };
        let out = FunctionOutput {
            bucket: self.bucket(),
            prefix: self.form.get(OUT_PREFIX).to_string(),
            suffix: self.base.output.suffix.clone(),
        };
        loopcheck::check(&t, &out).map_err(|e| e.text())
    }

    /// Why creating is refused now, if it is.
    pub fn blocked(&self, _lang: Lang) -> Option<Text> {
        match self.verdict() {
            Err(t) => Some(t),
            Ok(r) if r.verdict != Verdict::Safe && !self.ack => Some(tr!(
                es: "La salida puede volver a disparar la función: corrige prefijo/sufijo o pulsa ! para aceptar el riesgo.",
                en: "The output can fire the function again: fix the prefix/suffix or press ! to accept the risk."
            )),
            Ok(_) => None,
        }
    }

    pub fn errors(&self) -> Vec<(usize, Text)> {
        let mut e = Vec::new();
        if let Err(t) = names::bucket_name(&self.bucket()) {
            e.push((BUCKET, t));
        }
        if let Err(t) = names::lambda_function_name(self.form.get(NAME).trim()) {
            e.push((NAME, t));
        }
        let code = self.form.get(CODE).trim();
        if code != "bundled:resizer" && !code.ends_with(".zip") {
            e.push((
                CODE,
                tr!(es: "bundled:resizer o la ruta de un .zip", en: "bundled:resizer or the path of a .zip"),
            ));
        }
        e
    }

    fn parts(&self) -> (Bucket, Lambda) {
        let b = self.bucket();
        let mut l = self.base.clone();
        l.code = self.form.get(CODE).trim().into();
        l.name = self.form.get(NAME).trim().into();
        l.runtime = self.form.get(RUNTIME).into();
        l.role = self.form.get(ROLE).trim().into();
        l.output.bucket = b.clone();
        l.output.prefix = self.form.get(OUT_PREFIX).into();
        l.triggers = vec![Trigger {
            bucket: b.clone(),
            events: vec![self.form.get(EVENTS).into()],
            prefix: self.form.get(PREFIX).into(),
            suffix: self.form.get(SUFFIX).into(),
            allow_recursion: self.ack,
        }];
        let folders = vec![self.form.get(PREFIX).to_string()];
        (Bucket { name: b, folders }, l)
    }

    pub fn write(&self, plan: &mut Plan) {
        let (b, l) = self.parts();
        match plan.buckets.first_mut() {
            Some(x) => *x = b,
            None => plan.buckets.push(b),
        }
        match plan.lambdas.first_mut() {
            Some(x) => *x = l,
            None => plan.lambdas.push(l),
        }
    }

    pub fn partial(&self, plan: &Plan) -> Plan {
        let (b, l) = self.parts();
        let roles = plan
            .roles
            .iter()
            .filter(|r| r.name == l.role)
            .cloned()
            .collect();
        Plan {
            version: plan.version,
            roles,
            groups: vec![],
            users: vec![],
            security_groups: vec![],
            instances: vec![],
            buckets: vec![b],
            lambdas: vec![l],
        }
    }

    /// What Enter runs, from the export generator: the function's role and its policies too.
    pub fn calls(&self, plan: &Plan, o: &crate::export::Options) -> Vec<Call> {
        super::teach::calls(&self.partial(plan), o)
    }
}

pub fn render(f: &mut Frame, area: Rect, c: &Common, s: &LambdaScreen) {
    let today = c.today.as_str();
    let lang = c.lang;
    let mut extra = Vec::new();
    // Step 4 needs the zip: what its background build is doing comes first.
    if s.base.code == "bundled:resizer"
        && let Some(r) = super::resizer_status::line(lang, &c.resizer)
    {
        extra.push(r);
    }
    extra.push(super::lambda_check::summary(s, lang));
    let marks = |i: usize, v: &str| -> Option<Text> {
        if i != RUNTIME {
            return None;
        }
        let dep = RUNTIMES
            .iter()
            .find(|r| r.0 == v)
            .map(|r| r.1)
            .unwrap_or("");
        runtime_deprecated(v, today)
            .then(|| tr!(es: "⚠ obsoleto desde {dep}", en: "⚠ deprecated since {dep}"))
    };
    view::step(
        f,
        area,
        c,
        &explain(),
        &s.form,
        &s.errors(),
        &marks,
        extra,
        &s.calls(&c.plan, &c.export),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::app::{Cmd, Screen};
    use crate::tui::testing::{app, key, render, snapshots};
    use crossterm::event::KeyCode;

    #[test]
    fn safe_plan_runs_bucket_lambda_and_its_role() {
        let mut a = app();
        a.update(key(KeyCode::Char('5')));
        assert_eq!(s_verdict(&a.lambda), Verdict::Safe);
        match a.update(key(KeyCode::Enter)) {
            Some(Cmd::Apply(lp)) => {
                assert_eq!(lp.plan.lambdas[0].triggers[0].prefix, "input/");
                assert_eq!(lp.plan.roles[0].name, "lambda-s3");
                assert_eq!(lp.plan.buckets[0].name, "fotos-alumno-2026");
            }
            other => panic!("{other:?}"),
        }
    }

    fn s_verdict(s: &LambdaScreen) -> Verdict {
        s.verdict().map(|r| r.verdict).unwrap_or(Verdict::Loop)
    }

    #[test]
    fn loop_blocks_until_acknowledged() {
        let mut a = app();
        a.screen = Screen::Lambda;
        a.lambda.form.fields[OUT_PREFIX].value = "input/small/".into();
        assert_ne!(s_verdict(&a.lambda), Verdict::Safe);
        assert!(a.update(key(KeyCode::Enter)).is_none());
        a.update(key(KeyCode::Char('!')));
        match a.update(key(KeyCode::Enter)) {
            Some(Cmd::Apply(lp)) => assert!(lp.plan.lambdas[0].triggers[0].allow_recursion),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn python39_is_marked_deprecated() {
        let mut a = app();
        a.screen = Screen::Lambda;
        a.lambda.form.fields[RUNTIME].value = "python3.9".into();
        assert!(render(&a, 120, 40).contains("deprecated since 2025-12-15"));
    }

    #[test]
    fn snapshot() {
        // The loop, risk and safe verdicts at 80×24: tui::tests.
        snapshots(Screen::Lambda, "lambda", |_| {});
    }
}
