//! Screen 6: try it — uploads a photo (the learner's own, or the sample) under the trigger prefix,
//! waits (bounded) for the resized copy under the output prefix, and shows sizes, time taken, both
//! photos side by side and the function's log lines (REPORT's fields one per line).

use super::form::{Field, Form};
use super::photo::{self, Pixels};
use crate::cloud::Cloud;
use crate::i18n::Text;
use crate::plan::Plan;
use crate::tr;
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

#[derive(Clone, Debug, PartialEq)]
pub struct TryScreen {
    /// The photo to upload: a path typed by the learner, empty for the sample photo.
    pub photo: Form,
    pub running: bool,
    pub outcome: Option<Outcome>,
    pub error: Option<Text>,
    /// The last job run (what the preview downloads).
    pub job: Option<Job>,
    /// The original and the resized photo, decoded small.
    pub previews: (Option<Pixels>, Option<Pixels>),
}

/// The sample photo, embedded in the binary so an installed pasos has it too.
const SAMPLE: &[u8] = include_bytes!("../../assets/photos/sample-landscape.jpg");

/// The sample photo's path: the checkout's `assets/photos/sample-landscape.jpg` when it is there,
/// else the embedded copy written once under the data dir.
pub fn sample_photo() -> Option<PathBuf> {
    let checkout = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/assets/photos/sample-landscape.jpg"
    ));
    if checkout.is_file() {
        return Some(checkout);
    }
    let copy = crate::paths::data_dir().join("sample-landscape.jpg");
    if std::fs::metadata(&copy).is_ok_and(|m| m.len() == SAMPLE.len() as u64) {
        return Some(copy);
    }
    std::fs::create_dir_all(crate::paths::data_dir()).ok()?;
    std::fs::write(&copy, SAMPLE).ok()?;
    Some(copy)
}

impl Default for TryScreen {
    fn default() -> TryScreen {
        TryScreen {
            photo: Form::new(vec![Field::text(Text::fixed("Foto", "Photo"), "")]),
            running: false,
            outcome: None,
            error: None,
            job: None,
            previews: (None, None),
        }
    }
}

/// The largest photo Try it uploads in one PutObject (S3 takes 5 GB; a learner's photo is MBs, and
/// anything far bigger is a wrong path).
pub const PHOTO_MAX: u64 = 100 * 1024 * 1024;

/// The photo the learner typed: a readable regular file (`~/` is the home folder), or why not.
pub fn chosen_photo(typed: &str) -> Result<Option<PathBuf>, Text> {
    let typed = typed.trim();
    if typed.is_empty() {
        return Ok(None);
    }
    let path = match typed.strip_prefix("~/") {
        Some(rest) => directories::BaseDirs::new()
            .map(|b| b.home_dir().join(rest))
            .unwrap_or_else(|| PathBuf::from(typed)),
        None => PathBuf::from(typed),
    };
    let p = path.display().to_string();
    match std::fs::metadata(&path) {
        Ok(m) if !m.is_file() => {
            Err(tr!(es: "Foto: {p} no es un archivo", en: "Photo: {p} is not a file"))
        }
        Ok(m) if m.len() > PHOTO_MAX => {
            Err(tr!(es: "Foto: {p} pesa más de 100 MB", en: "Photo: {p} is over 100 MB"))
        }
        Ok(_) => Ok(Some(path)),
        Err(e) => {
            let e = e.to_string();
            Err(tr!(es: "Foto: no se puede leer {p} ({e})", en: "Photo: cannot read {p} ({e})"))
        }
    }
}

/// The content type S3 stores with the upload, from the file's extension.
pub fn content_type(path: &std::path::Path) -> &'static str {
    match path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .as_deref()
    {
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("png") => "image/png",
        Some("webp") => "image/webp",
        Some("gif") => "image/gif",
        _ => "application/octet-stream",
    }
}

impl TryScreen {
    pub fn job(&mut self, plan: &Plan) -> Option<Job> {
        let Some(l) = plan.lambdas.first() else {
            self.error = Some(
                tr!(es: "Falta la función del paso 5.", en: "The step 5 function is missing."),
            );
            return None;
        };
        let photo = match chosen_photo(self.photo.get(0)) {
            Ok(Some(p)) => p,
            Ok(None) => match sample_photo() {
                Some(p) => p,
                None => {
                    self.error = Some(
                        tr!(es: "No se pudo preparar la foto de ejemplo: escribe la ruta de una foto (Tab)", en: "The sample photo could not be prepared: type a photo's path (Tab)"),
                    );
                    return None;
                }
            },
            Err(t) => {
                self.error = Some(t);
                return None;
            }
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
    pub fn started(&mut self, job: &Job) {
        self.running = true;
        self.error = None;
        self.outcome = None;
        self.previews = (None, None);
        self.job = Some(job.clone());
    }
    /// After a run that produced a resized copy: what to decode for the side-by-side view.
    pub fn preview_job(&self) -> Option<photo::Job> {
        let (job, key) = (
            self.job.as_ref()?,
            self.outcome.as_ref()?.output_key.clone()?,
        );
        Some(photo::Job {
            photo: job.photo.clone(),
            bucket: job.bucket.clone(),
            key,
        })
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
        .put_bytes(
            &job.bucket,
            &input_key,
            body,
            Some(content_type(&job.photo)),
        )
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
        "Ahora se prueba todo junto: se sube una foto (la de ejemplo, o una tuya: Tab y su ruta) a la carpeta \
         de entrada del bucket, S3 avisa a la Lambda, y esta deja una copia reducida en la carpeta de salida. Se \
         mide cuánto tarda y cuánto pesa antes y después, y se leen los registros de la función en CloudWatch Logs.",
        "Now everything is tried together: a photo (the sample, or one of yours: Tab and its path) is uploaded to \
         the bucket's input folder, S3 notifies the Lambda, and it leaves a smaller copy in the output folder. The \
         time taken and the sizes before and after are measured, and the function's logs are read from CloudWatch Logs.",
    )
}

pub use super::try_it_view::{items, render};

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
    fn the_learner_can_upload_a_photo_of_their_own() {
        let d = tempfile::tempdir().unwrap();
        let mine = d.path().join("mi foto ñ.PNG");
        std::fs::write(&mine, b"\x89PNG\r\n\x1a\n").unwrap();
        let mut a = app();
        a.update(key(KeyCode::Char('6')));
        a.update(key(KeyCode::Tab));
        assert!(a.editing(), "Tab edits the photo's path");
        for c in mine.display().to_string().chars() {
            a.update(key(KeyCode::Char(c)));
        }
        a.update(key(KeyCode::Enter));
        assert!(!a.editing(), "Enter ends editing and runs nothing");
        assert!(a.busy.is_none());
        let plan = a.built_plan();
        let job = a.try_it.job(&plan).expect("a job");
        assert_eq!(job.photo, mine);
        assert_eq!(content_type(&job.photo), "image/png");
    }

    #[test]
    fn a_bad_photo_path_names_the_field_and_why() {
        let e = chosen_photo("/no/such/photo.jpg").unwrap_err();
        assert!(
            e.en.starts_with("Photo: cannot read /no/such/photo.jpg"),
            "{}",
            e.en
        );
        assert!(e.es.starts_with("Foto: no se puede leer"));
        let d = tempfile::tempdir().unwrap();
        let e = chosen_photo(&d.path().display().to_string()).unwrap_err();
        assert!(e.en.contains("is not a file"));
        assert_eq!(chosen_photo("  ").unwrap(), None, "empty: the sample photo");
        assert!(sample_photo().is_some_and(|p| p.is_file()));
    }

    #[test]
    fn snapshot() {
        snapshots(Screen::TryIt, "try_it", |a| {
            a.try_it.outcome = Some(outcome())
        });
    }
}
