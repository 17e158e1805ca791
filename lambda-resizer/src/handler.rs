//! Event handling independent of AWS: per-record processing against an [`ObjectStore`], one log line
//! per record, and the summary error when some records failed.

use std::future::Future;
use std::time::Instant;

use aws_lambda_events::event::s3::{S3Event, S3EventRecord};

use crate::config::{Config, Route};
use crate::error::ResizeError;
use crate::keys;
use crate::resize;

/// An object to write: body plus the headers S3 stores with it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PutObject {
    pub bucket: String,
    pub key: String,
    pub body: Vec<u8>,
    pub content_type: &'static str,
    pub metadata: Vec<(&'static str, String)>,
}

/// The two S3 calls the function makes; real S3 in production, a map in unit tests.
pub trait ObjectStore {
    /// The object's bytes; an object over `max_bytes` is an error, found without reading it whole.
    fn get(
        &self,
        bucket: &str,
        key: &str,
        max_bytes: Option<u64>,
    ) -> impl Future<Output = Result<Vec<u8>, String>> + Send;
    fn put(&self, object: PutObject) -> impl Future<Output = Result<(), String>> + Send;
}

/// How one record ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    Resized { key: String, output_key: String },
    Skipped { key: String, reason: String },
    Failed { key: String, reason: String },
}

/// Processes one record. Never panics; everything that goes wrong becomes `Outcome::Failed`.
pub async fn process_record<S: ObjectStore>(
    store: &S,
    config: &Config,
    record: &S3EventRecord,
) -> Outcome {
    let raw_key = record.s3.object.key.clone().unwrap_or_default();
    let event_name = record.event_name.as_deref().unwrap_or("");
    if !event_name.starts_with("ObjectCreated:") && !event_name.starts_with("s3:ObjectCreated:") {
        return skipped(
            raw_key,
            format!("event {event_name:?} is not ObjectCreated"),
        );
    }
    let key = match keys::decode_event_key(&raw_key) {
        Ok(k) => k,
        Err(reason) => return failed(raw_key, reason),
    };
    let Some(bucket) = record.s3.bucket.name.as_deref().filter(|b| !b.is_empty()) else {
        return failed(key, "record has no bucket name".into());
    };
    if let Err(reason) = config.check_loop(bucket) {
        return failed(key, reason);
    }
    let (out_bucket, out_key) = match config.route(bucket, &key) {
        Route::Process { bucket, key } => (bucket, key),
        Route::Skip(reason) => return skipped(key, reason),
    };

    // The event says how big the object is: one too large to decode in this function's memory is
    // refused before it is downloaded (GetObject checks again, the event may be stale).
    let max_bytes = config.budget.max_object_bytes();
    let size = record.s3.object.size.and_then(|s| u64::try_from(s).ok());
    if let (Some(size), Some(max)) = (size, max_bytes)
        && size > max
    {
        return failed(key, too_big(size, max, config));
    }

    let started = Instant::now();
    let input = match store.get(bucket, &key, max_bytes).await {
        Ok(b) => b,
        Err(e) => {
            let reason = format!("GetObject s3://{bucket}/{key}: {e}");
            return failed(key, reason);
        }
    };
    let resize_started = Instant::now();
    let in_bytes = input.len();
    // Handed over, not lent: the JPEG path may edit the bytes in place instead of copying them.
    let resized = match resize::resize_within(input, &config.params, config.budget) {
        Ok(r) => r,
        // Someone dropped a PDF or a video in the folder: nothing to do, and not an error, or
        // Lambda would retry the invocation twice for nothing.
        Err(e @ ResizeError::NotAnImage) => return skipped(key, e.to_string()),
        Err(e) => return failed(key, e.to_string()),
    };
    let resize_ms = resize_started.elapsed().as_millis();
    let out_bytes = resized.bytes.len();
    let put = PutObject {
        bucket: out_bucket.clone(),
        key: out_key.clone(),
        body: resized.bytes,
        content_type: resized.format.content_type(),
        metadata: vec![
            ("source-key", keys::metadata_value(&key)),
            ("original-width", resized.original.width.to_string()),
            ("original-height", resized.original.height.to_string()),
        ],
    };
    if let Err(e) = store.put(put).await {
        let reason = format!("PutObject s3://{out_bucket}/{out_key}: {e}");
        return failed(key, reason);
    }
    println!(
        "resized key={key:?} output=\"s3://{out_bucket}/{out_key}\" format={} in_bytes={in_bytes} \
         out_bytes={out_bytes} original={} new={} resize_ms={resize_ms} ms={}",
        resized.format.name(),
        resized.original,
        resized.resized,
        started.elapsed().as_millis()
    );
    Outcome::Resized {
        key,
        output_key: out_key,
    }
}

/// Why an object is not downloaded.
fn too_big(size: u64, max: u64, config: &Config) -> String {
    let mb = |b: u64| b.div_ceil(1024 * 1024);
    let memory = config.budget.memory_mb.unwrap_or_default();
    format!(
        "object is {} MB, more than the {} MB a function with {memory} MB of memory can resize \
         (a quarter of its memory after the runtime's share; raise the Lambda's memory)",
        mb(size),
        mb(max)
    )
}

fn skipped(key: String, reason: String) -> Outcome {
    println!("skipped key={key:?} reason={reason:?}");
    Outcome::Skipped { key, reason }
}

fn failed(key: String, reason: String) -> Outcome {
    println!("failed key={key:?} reason={reason:?}");
    Outcome::Failed { key, reason }
}

/// Processes every record (a failure does not stop the others) and summarises the failures.
pub async fn process_event<S: ObjectStore>(
    store: &S,
    config: &Config,
    event: &S3Event,
) -> (Vec<Outcome>, Result<(), String>) {
    let mut outcomes = Vec::with_capacity(event.records.len());
    for record in &event.records {
        outcomes.push(process_record(store, config, record).await);
    }
    let failures: Vec<String> = outcomes
        .iter()
        .filter_map(|o| match o {
            Outcome::Failed { key, reason } => Some(format!("{key}: {reason}")),
            _ => None,
        })
        .collect();
    let summary = if failures.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{} of {} records failed: {}",
            failures.len(),
            outcomes.len(),
            failures.join("; ")
        ))
    };
    (outcomes, summary)
}
