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
    async fn get(&self, bucket: &str, key: &str) -> Result<Vec<u8>, String> {
        let out = self
            .client
            .get_object()
            .bucket(bucket)
            .key(key)
            .send()
            .await
            .map_err(|e| DisplayErrorContext(e).to_string())?;
        let body = out.body.collect().await.map_err(|e| e.to_string())?;
        Ok(Vec::from(body.into_bytes()))
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
