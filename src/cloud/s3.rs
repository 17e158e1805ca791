//! S3 calls: buckets, folders, objects, and the bucket notification configuration (read, merge, write).

use super::settle::{Rule, settle};
use super::{Cloud, CloudError, sdk};
use aws_sdk_s3::types::{
    BucketLocationConstraint, CreateBucketConfiguration, Event as S3Event, FilterRule,
    FilterRuleName, LambdaFunctionConfiguration, NotificationConfiguration,
    NotificationConfigurationFilter, S3KeyFilter, Tag, Tagging,
};

/// One Lambda rule of a bucket's notification configuration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LambdaRule {
    pub id: Option<String>,
    pub function_arn: String,
    pub events: Vec<String>,
    pub prefix: String,
    pub suffix: String,
}

impl Cloud {
    /// `Some(true)` ours (in this account and region), `Some(false)` taken — someone else's (403),
    /// or a bucket in another region (301: HeadBucket answers with a redirect the SDK does not
    /// follow, and the name cannot be created here either) — `None` free.
    pub async fn bucket_owner(&self, name: &str) -> Result<Option<bool>, CloudError> {
        match self.s3.head_bucket().bucket(name).send().await {
            Ok(_) => Ok(Some(true)),
            Err(e) => {
                let status = e.raw_response().map(|r| r.status().as_u16());
                match status {
                    Some(404) => Ok(None),
                    Some(403) | Some(301) => Ok(Some(false)),
                    _ => Err(CloudError::from_sdk("HeadBucket", e)),
                }
            }
        }
    }

    /// CreateBucket with a LocationConstraint everywhere but us-east-1 (where sending one fails),
    /// and the `pasos:session` tag in the same call (`CreateBucketConfiguration.Tags`): a bucket never
    /// exists untagged, so rollback can always tell it is pasos's, even after a kill -9 right after
    /// CreateBucket. It waits out S3 releasing a name deleted moments ago.
    pub async fn create_bucket(
        &self,
        name: &str,
        session: &str,
        on_wait: &(dyn Fn(Rule) + Sync),
    ) -> Result<(), CloudError> {
        let tag = Tag::builder()
            .key("pasos:session")
            .value(session)
            .build()
            .map_err(|e| CloudError::Other {
                op: "Tag",
                msg: e.to_string(),
            })?;
        settle(Rule::ReusedBucketName, on_wait, || {
            let mut conf = CreateBucketConfiguration::builder().tags(tag.clone());
            if self.region != "us-east-1" {
                conf =
                    conf.location_constraint(BucketLocationConstraint::from(self.region.as_str()));
            }
            let req = self
                .s3
                .create_bucket()
                .bucket(name)
                .create_bucket_configuration(conf.build());
            async move { req.send().await.map_err(sdk("CreateBucket")).map(|_| ()) }
        })
        .await?;
        // An endpoint that ignores tags at creation (moto, older S3-compatible stores) gets them the
        // old way, on the bucket just made.
        let tagged = settle(Rule::NewBucket, on_wait, || self.bucket_session_tag(name)).await?;
        if tagged.as_deref() != Some(session) {
            let tagging =
                Tagging::builder()
                    .tag_set(tag)
                    .build()
                    .map_err(|e| CloudError::Other {
                        op: "Tagging",
                        msg: e.to_string(),
                    })?;
            settle(Rule::NewBucket, on_wait, || async {
                self.s3
                    .put_bucket_tagging()
                    .bucket(name)
                    .tagging(tagging.clone())
                    .send()
                    .await
                    .map_err(sdk("PutBucketTagging"))
            })
            .await?;
        }
        Ok(())
    }

    pub async fn bucket_session_tag(&self, name: &str) -> Result<Option<String>, CloudError> {
        match self.s3.get_bucket_tagging().bucket(name).send().await {
            Ok(o) => Ok(o
                .tag_set()
                .iter()
                .find(|t| t.key() == "pasos:session")
                .map(|t| t.value().to_string())),
            Err(e) => {
                let e = CloudError::from_sdk("GetBucketTagging", e);
                match &e {
                    CloudError::Service { code, .. } if code == "NoSuchTagSet" => Ok(None),
                    e if e.is_not_found() => Ok(None),
                    _ => Err(e),
                }
            }
        }
    }

    pub async fn put_bytes(
        &self,
        bucket: &str,
        key: &str,
        body: Vec<u8>,
        content_type: Option<&str>,
    ) -> Result<(), CloudError> {
        self.s3
            .put_object()
            .bucket(bucket)
            .key(key)
            .body(body.into())
            .set_content_type(content_type.map(str::to_string))
            .send()
            .await
            .map_err(sdk("PutObject"))?;
        Ok(())
    }

    /// (key, size) of every object under a prefix, paged.
    pub async fn list_objects(
        &self,
        bucket: &str,
        prefix: &str,
    ) -> Result<Vec<(String, i64)>, CloudError> {
        let mut out = Vec::new();
        let mut token = None;
        loop {
            let o = self
                .s3
                .list_objects_v2()
                .bucket(bucket)
                .prefix(prefix)
                .set_continuation_token(token)
                .send()
                .await
                .map_err(sdk("ListObjectsV2"))?;
            out.extend(o.contents().iter().map(|c| {
                (
                    c.key().unwrap_or_default().to_string(),
                    c.size().unwrap_or(0),
                )
            }));
            match o.next_continuation_token() {
                Some(t) if o.is_truncated().unwrap_or(false) => token = Some(t.to_string()),
                _ => break,
            }
        }
        Ok(out)
    }

    /// The bucket's Lambda rules, and the whole configuration to write back merged.
    pub async fn notification(
        &self,
        bucket: &str,
    ) -> Result<(Vec<LambdaRule>, NotificationConfiguration), CloudError> {
        let o = self
            .s3
            .get_bucket_notification_configuration()
            .bucket(bucket)
            .send()
            .await
            .map_err(sdk("GetBucketNotificationConfiguration"))?;
        let rules = o
            .lambda_function_configurations()
            .iter()
            .map(|c| {
                let (mut prefix, mut suffix) = (String::new(), String::new());
                for r in c
                    .filter()
                    .and_then(|f| f.key())
                    .map(|k| k.filter_rules())
                    .unwrap_or_default()
                {
                    match r.name().map(|n| n.as_str().to_ascii_lowercase()) {
                        Some(n) if n == "prefix" => {
                            prefix = r.value().unwrap_or_default().to_string()
                        }
                        Some(n) if n == "suffix" => {
                            suffix = r.value().unwrap_or_default().to_string()
                        }
                        _ => {}
                    }
                }
                LambdaRule {
                    id: c.id().map(str::to_string),
                    function_arn: c.lambda_function_arn().to_string(),
                    events: c.events().iter().map(|e| e.as_str().to_string()).collect(),
                    prefix,
                    suffix,
                }
            })
            .collect();
        let conf = NotificationConfiguration::builder()
            .set_topic_configurations(Some(o.topic_configurations().to_vec()))
            .set_queue_configurations(Some(o.queue_configurations().to_vec()))
            .set_lambda_function_configurations(Some(o.lambda_function_configurations().to_vec()))
            .set_event_bridge_configuration(o.event_bridge_configuration().cloned())
            .build();
        Ok((rules, conf))
    }

    /// Writes the configuration with our rule `id` replaced (or removed when `rule` is None), keeping
    /// every other rule — PutBucketNotificationConfiguration replaces the whole configuration.
    pub async fn merge_notification(
        &self,
        bucket: &str,
        id: &str,
        rule: Option<&LambdaRule>,
    ) -> Result<(), CloudError> {
        self.merge_notification_settled(bucket, id, rule, None, &|_| {})
            .await
    }

    /// `merge_notification`, waiting out S3's "Unable to validate the following destination
    /// configurations" while a just-added Lambda permission propagates (read, merge and write again).
    /// `read` is the configuration the caller has just read, used for the first write (every
    /// retry reads it again).
    pub async fn merge_notification_settled(
        &self,
        bucket: &str,
        id: &str,
        rule: Option<&LambdaRule>,
        read: Option<NotificationConfiguration>,
        on_wait: &(dyn Fn(Rule) + Sync),
    ) -> Result<(), CloudError> {
        let first = std::sync::Mutex::new(read);
        settle(Rule::PermissionForS3, on_wait, || {
            let known = first.lock().ok().and_then(|mut f| f.take());
            self.merge_notification_once(bucket, id, rule, known)
        })
        .await
    }

    async fn merge_notification_once(
        &self,
        bucket: &str,
        id: &str,
        rule: Option<&LambdaRule>,
        known: Option<NotificationConfiguration>,
    ) -> Result<(), CloudError> {
        let current = match known {
            Some(c) => c,
            None => self.notification(bucket).await?.1,
        };
        let mut lambdas: Vec<LambdaFunctionConfiguration> = current
            .lambda_function_configurations()
            .iter()
            .filter(|c| c.id() != Some(id))
            .cloned()
            .collect();
        if let Some(r) = rule {
            let mut rules = Vec::new();
            for (name, value) in [
                (FilterRuleName::Prefix, &r.prefix),
                (FilterRuleName::Suffix, &r.suffix),
            ] {
                if !value.is_empty() {
                    rules.push(
                        FilterRule::builder()
                            .name(name)
                            .value(value.clone())
                            .build(),
                    );
                }
            }
            let filter = (!rules.is_empty()).then(|| {
                NotificationConfigurationFilter::builder()
                    .key(S3KeyFilter::builder().set_filter_rules(Some(rules)).build())
                    .build()
            });
            let conf = LambdaFunctionConfiguration::builder()
                .id(id)
                .lambda_function_arn(&r.function_arn)
                .set_events(Some(
                    r.events.iter().map(|e| S3Event::from(e.as_str())).collect(),
                ))
                .set_filter(filter)
                .build()
                .map_err(|e| CloudError::Other {
                    op: "LambdaFunctionConfiguration",
                    msg: e.to_string(),
                })?;
            lambdas.push(conf);
        }
        let conf = NotificationConfiguration::builder()
            .set_topic_configurations(Some(current.topic_configurations().to_vec()))
            .set_queue_configurations(Some(current.queue_configurations().to_vec()))
            .set_lambda_function_configurations(Some(lambdas))
            .set_event_bridge_configuration(current.event_bridge_configuration().cloned())
            .build();
        match self
            .s3
            .put_bucket_notification_configuration()
            .bucket(bucket)
            .notification_configuration(conf)
            .send()
            .await
        {
            Ok(_) => Ok(()),
            Err(e) => {
                let e = CloudError::from_sdk("PutBucketNotificationConfiguration", e);
                if rule.is_none() && e.is_not_found() {
                    Ok(())
                } else {
                    Err(e)
                }
            }
        }
    }
}
