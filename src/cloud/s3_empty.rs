//! Emptying and deleting a bucket (rollback): every object version, a thousand per call.

use super::{Cloud, CloudError};
use aws_sdk_s3::types::{Delete, ObjectIdentifier};

impl Cloud {
    /// Deletes every object, then the bucket. Objects the resizer wrote go too. One listing of the
    /// versions covers both kinds of bucket (an unversioned one lists each object once, as version
    /// `null`), so an emptying is a list, a DeleteObjects per thousand, and the DeleteBucket; only
    /// a truncated listing, or an object written meanwhile (`BucketNotEmpty`), lists again.
    pub async fn empty_and_delete_bucket(&self, bucket: &str) -> Result<(), CloudError> {
        let mut tries = 0;
        loop {
            tries += 1;
            loop {
                let page = match self.s3.list_object_versions().bucket(bucket).send().await {
                    Ok(p) => p,
                    Err(e) => match CloudError::from_sdk("ListObjectVersions", e) {
                        e if e.is_not_found() => return Ok(()),
                        e => return Err(e),
                    },
                };
                let ids: Vec<ObjectIdentifier> = page
                    .versions()
                    .iter()
                    .map(|v| (v.key(), v.version_id()))
                    .chain(
                        page.delete_markers()
                            .iter()
                            .map(|m| (m.key(), m.version_id())),
                    )
                    .filter_map(|(key, version)| {
                        ObjectIdentifier::builder()
                            .key(key.unwrap_or_default())
                            .set_version_id(version.map(str::to_string))
                            .build()
                            .ok()
                    })
                    .collect();
                for chunk in ids.chunks(1000) {
                    self.delete_objects(bucket, chunk.to_vec()).await?;
                }
                if ids.is_empty() || !page.is_truncated().unwrap_or(false) {
                    break;
                }
            }
            match self.s3.delete_bucket().bucket(bucket).send().await {
                Ok(_) => return Ok(()),
                Err(e) => match CloudError::from_sdk("DeleteBucket", e) {
                    e if e.is_not_found() => return Ok(()),
                    // BucketNotEmpty: something was written while it was emptied.
                    CloudError::Conflict { .. } if tries < 3 => continue,
                    e => return Err(e),
                },
            }
        }
    }

    /// One DeleteObjects (at most a thousand keys), quiet: only failures are answered.
    async fn delete_objects(
        &self,
        bucket: &str,
        ids: Vec<ObjectIdentifier>,
    ) -> Result<(), CloudError> {
        let delete = Delete::builder()
            .set_objects(Some(ids))
            .quiet(true)
            .build()
            .map_err(|e| CloudError::Other {
                op: "DeleteObjects",
                msg: e.to_string(),
            })?;
        let o = self
            .s3
            .delete_objects()
            .bucket(bucket)
            .delete(delete)
            .send()
            .await;
        let o = match o {
            Ok(o) => o,
            Err(e) => {
                return super::iam::gone_ok(Err::<(), _>(CloudError::from_sdk("DeleteObjects", e)));
            }
        };
        match o.errors().first() {
            None => Ok(()),
            Some(err) => Err(CloudError::from_code(
                "DeleteObjects",
                err.code().unwrap_or_default(),
                format!(
                    "{}: {}",
                    err.key().unwrap_or_default(),
                    err.message().unwrap_or_default()
                ),
                0,
            )),
        }
    }
}
