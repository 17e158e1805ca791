//! The real [`ObjectStore`]: aws-sdk-s3 with the default credential chain.

use aws_config::BehaviorVersion;
use aws_sdk_s3::Client;
use aws_sdk_s3::error::DisplayErrorContext;
use aws_sdk_s3::primitives::ByteStream;

use crate::handler::{ObjectStore, PutObject};

/// S3 through the AWS SDK.
#[derive(Clone, Debug)]
pub struct S3Store {
    client: Client,
}

impl S3Store {
    /// Default chain (Lambda's environment credentials, region). aws-config honours
    /// `AWS_ENDPOINT_URL`; a local emulator on an IP:port has no virtual-host DNS, hence path style.
    pub async fn from_env() -> Self {
        let shared = aws_config::defaults(BehaviorVersion::latest()).load().await;
        let mut builder = aws_sdk_s3::config::Builder::from(&shared);
        if std::env::var_os("AWS_ENDPOINT_URL").is_some() {
            builder = builder.force_path_style(true);
        }
        Self {
            client: Client::from_conf(builder.build()),
        }
    }
}

impl ObjectStore for S3Store {
    async fn get(
        &self,
        bucket: &str,
        key: &str,
        max_bytes: Option<u64>,
    ) -> Result<Vec<u8>, String> {
        let mut out = self
            .client
            .get_object()
            .bucket(bucket)
            .key(key)
            .send()
            .await
            .map_err(|e| DisplayErrorContext(e).to_string())?;
        let max = max_bytes.unwrap_or(u64::MAX);
        let too_big = |n: u64| format!("object is over the {} MB limit ({n} bytes)", max >> 20);
        let announced = out.content_length().and_then(|n| u64::try_from(n).ok());
        if let Some(n) = announced.filter(|&n| n > max) {
            return Err(too_big(n));
        }
        // Read chunk by chunk into one buffer of the announced size: collecting first and copying
        // after would hold the photo twice at the peak, and the cap holds even if the length lied.
        let capacity = announced.unwrap_or(0).min(max);
        let mut body = Vec::with_capacity(usize::try_from(capacity).unwrap_or(0));
        while let Some(chunk) = out.body.next().await {
            let chunk = chunk.map_err(|e| e.to_string())?;
            body.extend_from_slice(&chunk);
            if body.len() as u64 > max {
                return Err(too_big(body.len() as u64));
            }
        }
        Ok(body)
    }

    async fn put(&self, object: PutObject) -> Result<(), String> {
        let mut req = self
            .client
            .put_object()
            .bucket(object.bucket)
            .key(object.key)
            .content_type(object.content_type)
            .body(ByteStream::from(object.body));
        for (name, value) in object.metadata {
            req = req.metadata(name, value);
        }
        req.send()
            .await
            .map(|_| ())
            .map_err(|e| DisplayErrorContext(e).to_string())
    }
}
