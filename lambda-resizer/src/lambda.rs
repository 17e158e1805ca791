//! Lambda mode: a single-threaded tokio runtime, the S3 client, and the handler wired to the
//! Lambda Runtime API.

use std::process::ExitCode;

use aws_lambda_events::event::s3::S3Event;
use lambda_runtime::{LambdaEvent, service_fn};

use crate::config::Config;
use crate::handler;
use crate::s3::S3Store;

/// Runs the Lambda event loop until the runtime shuts the process down.
pub fn run() -> ExitCode {
    // One invocation at a time and mostly CPU-bound work: a current-thread runtime starts faster
    // and uses less memory than the multi-threaded one.
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("cannot start the tokio runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async {
        // A bad configuration must not crash-loop the function: log it and fail each invocation.
        let config = Config::from_env();
        if let Err(e) = &config {
            println!("configuration error: {e}");
        }
        let store = S3Store::from_env().await;
        let result = lambda_runtime::run(service_fn(|event: LambdaEvent<S3Event>| {
            let (config, store) = (&config, &store);
            async move {
                let config = config
                    .as_ref()
                    .map_err(|e| format!("configuration error: {e}"))?;
                let (_, summary) = handler::process_event(store, config, &event.payload).await;
                summary.map_err(lambda_runtime::Error::from)
            }
        }))
        .await;
        match result {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("lambda runtime error: {e}");
                ExitCode::FAILURE
            }
        }
    })
}
