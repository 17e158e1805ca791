//! Screen 6: try it — uploads the sample photo under the trigger prefix, waits (bounded) for the
//! resized copy under the output prefix, and shows sizes, time taken and the function's log lines.

use super::widgets::{self, dim, err_style, ok_style};
use crate::cloud::Cloud;
use crate::i18n::{Lang, Text};
use crate::plan::Plan;
use crate::tr;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// How long to wait for the output before giving up.
pub const WAIT: Duration = Duration::from_secs(60);

#[derive(Clone, Debug, PartialEq)]
pub struct Job {
    pub bucket: String,
    pub input_prefix: String,
    pub output_prefix: String,
    pub function: String,
    pub photo: PathBuf,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    pub input_key: String,
    pub input_size: u64,
    pub output_key: Option<String>,
    pub output_size: u64,
    pub elapsed_ms: u128,
    pub logs: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct TryScreen {
    pub running: bool,
    pub outcome: Option<Outcome>,
    pub error: Option<Text>,
}

/// The first .jpg in assets/photos (next to the binary's sources, or under the working directory).
pub fn sample_photo() -> Option<PathBuf> {
    for dir in [
        PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/photos")),
        PathBuf::from("assets/photos"),
    ] {
        if let Ok(rd) = std::fs::read_dir(&dir) {
            let mut jpgs: Vec<PathBuf> = rd
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| {
                    p.extension().is_some_and(|x| {
                        x.eq_ignore_ascii_case("jpg") || x.eq_ignore_ascii_case("jpeg")
                    })
                })
                .collect();
            jpgs.sort();
            if let Some(p) = jpgs.into_iter().next() {
                return Some(p);
            }
        }
    }
    None
}

impl TryScreen {
    pub fn job(&mut self, plan: &Plan) -> Option<Job> {
        let l = plan.lambdas.first();
        let (Some(l), Some(photo)) = (l, sample_photo()) else {
            self.error = Some(
                tr!(es: "Falta la función del paso 5 o la foto de ejemplo (assets/photos).", en: "The step 5 function or the sample photo (assets/photos) is missing."),
            );
            return None;
        };
        let t = l.triggers.first();
        Some(Job {
            bucket: t.map_or(l.output.bucket.clone(), |t| t.bucket.clone()),
            input_prefix: t.map_or("input/".into(), |t| t.prefix.clone()),
            output_prefix: l.output.prefix.clone(),
            function: l.name.clone(),
            photo,
        })
    }
    pub fn started(&mut self) {
        self.running = true;
        self.error = None;
        self.outcome = None;
    }
    pub fn finish(&mut self, r: Result<Outcome, Text>) {
        self.running = false;
        match r {
            Ok(o) => self.outcome = Some(o),
            Err(e) => self.error = Some(e),
        }
    }
}

/// Runs the job against the cloud (spawned by the runtime).
pub async fn run(cloud: &Cloud, job: Job) -> Result<Outcome, Text> {
    let body = std::fs::read(&job.photo).map_err(|e| Text::same(e.to_string()))?;
    let file = job
        .photo
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "photo.jpg".into());
    let stem = file
        .rsplit_once('.')
        .map_or(file.as_str(), |(s, _)| s)
        .to_string();
    let input_key = format!("{}{file}", job.input_prefix);
    let start_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64);
    let t0 = Instant::now();
    let input_size = body.len() as u64;
    cloud
        .put_bytes(&job.bucket, &input_key, body, Some("image/jpeg"))
        .await
        .map_err(|e| e.text())?;
    let mut found = None;
    while t0.elapsed() < WAIT {
        tokio::time::sleep(Duration::from_millis(400)).await;
        let objs = cloud
            .list_objects(&job.bucket, &job.output_prefix)
            .await
            .map_err(|e| e.text())?;
        if let Some((k, n)) = objs.into_iter().find(|(k, _)| k.contains(&stem)) {
            found = Some((k, n));
            break;
        }
    }
    let elapsed_ms = t0.elapsed().as_millis();
    let logs = cloud
        .wait_function_logs(&job.function, start_ms, Duration::from_secs(30))
        .await
        .unwrap_or_default();
    let (output_key, output_size) = match found {
        Some((k, n)) => (Some(k), n.max(0) as u64),
        None => (None, 0),
    };
    Ok(Outcome {
        input_key,
        input_size,
        output_key,
        output_size,
        elapsed_ms,
        logs,
    })
}

pub fn explain() -> Text {
    Text::fixed(
        "Ahora se prueba todo junto: se sube la foto de ejemplo a la carpeta de entrada del bucket, S3 avisa a \
         la Lambda, y esta deja una copia reducida en la carpeta de salida. Se mide cuánto tarda y cuánto pesa \
         antes y después, y se leen los registros de la función en CloudWatch Logs.",
        "Now everything is tried together: the sample photo is uploaded to the bucket's input folder, S3 \
         notifies the Lambda, and it leaves a smaller copy in the output folder. The time taken and the sizes \
         before and after are measured, and the function's logs are read from CloudWatch Logs.",
    )
}

pub fn render(f: &mut Frame, area: Rect, lang: Lang, s: &TryScreen, log: &[String]) {
    let [left, right] =
        Layout::horizontal([Constraint::Percentage(42), Constraint::Percentage(58)]).areas(area);
    let ex = widgets::para(explain().get(lang));
    widgets::render_text(
        f,
        left,
        Text::fixed("Qué pasa", "What happens").get(lang),
        ex,
    );
    let mut lines = Vec::new();
    if s.running {
        lines.push(Line::raw(
            Text::fixed(
                "Subiendo y esperando el resultado…",
                "Uploading and waiting for the result…",
            )
            .get(lang)
            .to_string(),
        ));
        lines.extend(
            log.iter()
                .rev()
                .take(3)
                .rev()
                .map(|l| Line::styled(l.clone(), dim())),
        );
    } else if let Some(o) = &s.outcome {
        let (ik, is) = (&o.input_key, o.input_size);
        lines.push(Line::raw(
            tr!(es: "subida: {ik} ({is} bytes)", en: "uploaded: {ik} ({is} bytes)")
                .get(lang)
                .to_string(),
        ));
        match &o.output_key {
            Some(k) => {
                let (os, ms) = (o.output_size, o.elapsed_ms);
                let pct = (os * 100).checked_div(is).unwrap_or(0);
                lines.push(Line::styled(tr!(es: "✓ resultado: {k} ({os} bytes, {pct}% del original)", en: "✓ result: {k} ({os} bytes, {pct}% of the original)").get(lang).to_string(), ok_style()));
                lines.push(Line::styled(
                    tr!(es: "  tardó {ms} ms", en: "  took {ms} ms")
                        .get(lang)
                        .to_string(),
                    ok_style(),
                ));
            }
            None => {
                let secs = WAIT.as_secs();
                lines.push(Line::styled(tr!(es: "✗ no apareció nada en la salida en {secs} s", en: "✗ nothing appeared in the output within {secs} s").get(lang).to_string(), err_style()));
            }
        }
        lines.push(Line::raw(""));
        lines.push(Line::styled(
            Text::fixed("Registros de la función:", "Function logs:")
                .get(lang)
                .to_string(),
            dim(),
        ));
        lines.extend(o.logs.iter().map(|l| Line::raw(format!("  {l}"))));
    } else {
        lines.push(Line::raw(
            Text::fixed(
                "Enter: subir la foto de ejemplo.",
                "Enter: upload the sample photo.",
            )
            .get(lang)
            .to_string(),
        ));
    }
    if let Some(e) = &s.error {
        lines.push(Line::styled(format!("✗ {}", e.get(lang)), err_style()));
    }
    widgets::render_text(f, right, Text::fixed("Probar", "Try it").get(lang), lines);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::app::{Cmd, Msg, Screen};
    use crate::tui::testing::{app, key, snapshots};
    use crossterm::event::KeyCode;

    fn outcome() -> Outcome {
        Outcome {
            input_key: "input/sample.jpg".into(),
            input_size: 400_000,
            output_key: Some("output/sample.jpg".into()),
            output_size: 100_000,
            elapsed_ms: 812,
            logs: vec!["resized input/sample.jpg 3000x2000 -> 1024x683".into()],
        }
    }

    #[test]
    fn enter_uploads_then_goes_on() {
        let mut a = app();
        a.update(key(KeyCode::Char('6')));
        if sample_photo().is_none() {
            return; // the photo is added by another change; nothing to upload without it
        }
        match a.update(key(KeyCode::Enter)) {
            Some(Cmd::TryIt(j)) => {
                assert_eq!(
                    (j.input_prefix.as_str(), j.output_prefix.as_str()),
                    ("input/", "output/")
                );
                assert_eq!(j.function, "redimensionar-foto");
            }
            other => panic!("{other:?}"),
        }
        a.update(Msg::Tried(Ok(outcome())));
        assert!(a.busy.is_none());
        a.update(key(KeyCode::Enter));
        assert_eq!(a.screen, Screen::Rollback);
    }

    #[test]
    fn snapshot() {
        snapshots(Screen::TryIt, "try_it", |a| {
            a.try_it.outcome = Some(outcome())
        });
    }
}
