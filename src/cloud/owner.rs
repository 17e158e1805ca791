//! Reads that tell whose a resource is: its `pasos:session` tag (IAM groups, which cannot be
//! tagged, carry pasos's session in their path). `None`: the resource does not exist;
//! `Some(None)`: it exists without pasos's tag.

use super::iam::not_found_none;
use super::{Cloud, CloudError, sdk};

/// The IAM path pasos creates its groups under: `/pasos/<session>/`.
pub fn group_path(session: &str) -> String {
    format!("/pasos/{session}/")
}

fn session_of<'a>(mut tags: impl Iterator<Item = (&'a str, &'a str)>) -> Option<String> {
    tags.find(|(k, _)| *k == "pasos:session")
        .map(|(_, v)| v.to_string())
}

impl Cloud {
    pub async fn role_session(&self, name: &str) -> Result<Option<Option<String>>, CloudError> {
        Ok(self
            .role_exists(name)
            .await?
            .map(|tags| session_of(tags.iter().map(|(k, v)| (k.as_str(), v.as_str())))))
    }

    pub async fn user_session(&self, name: &str) -> Result<Option<Option<String>>, CloudError> {
        match self.iam.get_user().user_name(name).send().await {
            Ok(o) => Ok(Some(o.user().and_then(|u| {
                session_of(u.tags().iter().map(|t| (t.key(), t.value())))
            }))),
            Err(e) => not_found_none(CloudError::from_sdk("GetUser", e)),
        }
    }

    /// The profile's own tag and the roles in it (pasos also accepts a profile through its role).
    pub async fn instance_profile_session(
        &self,
        name: &str,
    ) -> Result<Option<(Option<String>, Vec<String>)>, CloudError> {
        match self
            .iam
            .get_instance_profile()
            .instance_profile_name(name)
            .send()
            .await
        {
            Ok(o) => Ok(o.instance_profile().map(|p| {
                (
                    session_of(p.tags().iter().map(|t| (t.key(), t.value()))),
                    p.roles()
                        .iter()
                        .map(|r| r.role_name().to_string())
                        .collect(),
                )
            })),
            Err(e) => not_found_none(CloudError::from_sdk("GetInstanceProfile", e)),
        }
    }

    /// IAM groups take no tags: the path stands in for it.
    pub async fn group_path_of(&self, name: &str) -> Result<Option<String>, CloudError> {
        match self.iam.get_group().group_name(name).send().await {
            Ok(o) => Ok(Some(
                o.group().map(|g| g.path().to_string()).unwrap_or_default(),
            )),
            Err(e) => not_found_none(CloudError::from_sdk("GetGroup", e)),
        }
    }

    pub async fn bucket_session(&self, name: &str) -> Result<Option<Option<String>>, CloudError> {
        // Both asked at once (a round trip saved on every bucket of a rollback); the tags only
        // count once HeadBucket said the bucket is this account's.
        let (owner, tag) = tokio::join!(self.bucket_owner(name), self.bucket_session_tag(name));
        match owner? {
            None => Ok(None),
            // Another account's bucket: certainly not ours (its tagging answer is a refusal).
            Some(false) => Ok(Some(None)),
            Some(true) => Ok(Some(tag?)),
        }
    }

    pub async fn function_session(&self, name: &str) -> Result<Option<Option<String>>, CloudError> {
        Ok(self.function(name).await?.map(|f| f.session_tag))
    }

    pub async fn security_group_session(
        &self,
        id: &str,
    ) -> Result<Option<Option<String>>, CloudError> {
        match self
            .ec2
            .describe_security_groups()
            .group_ids(id)
            .send()
            .await
        {
            Ok(o) => Ok(o
                .security_groups()
                .iter()
                .find(|g| g.group_id() == Some(id))
                .map(|g| {
                    session_of(
                        g.tags()
                            .iter()
                            .filter_map(|t| Some((t.key()?, t.value().unwrap_or("")))),
                    )
                })),
            Err(e) => match CloudError::from_sdk("DescribeSecurityGroups", e) {
                e if e.is_not_found() => Ok(None),
                // EC2 answers a malformed or unknown id with InvalidGroup.NotFound or InvalidGroupId.Malformed.
                CloudError::Service { code, .. } if code.starts_with("InvalidGroup") => Ok(None),
                e => Err(e),
            },
        }
    }

    pub async fn instance_session(&self, id: &str) -> Result<Option<Option<String>>, CloudError> {
        Ok(self
            .describe_instance(id)
            .await?
            .filter(|i| i.state != "terminated")
            .map(|i| i.session_tag))
    }

    /// DescribeKeyPairs carries the tags on AWS; the emulator keeps them only for DescribeTags.
    pub async fn key_pair_session(&self, name: &str) -> Result<Option<Option<String>>, CloudError> {
        let o = match self.ec2.describe_key_pairs().key_names(name).send().await {
            Ok(o) => o,
            Err(e) => {
                return not_found_none(CloudError::from_sdk("DescribeKeyPairs", e))
                    .map(|_: Option<()>| None);
            }
        };
        let Some(kp) = o.key_pairs().iter().find(|k| k.key_name() == Some(name)) else {
            return Ok(None);
        };
        let tagged = session_of(
            kp.tags()
                .iter()
                .filter_map(|t| Some((t.key()?, t.value().unwrap_or("")))),
        );
        if tagged.is_some() {
            return Ok(Some(tagged));
        }
        let Some(id) = kp.key_pair_id() else {
            return Ok(Some(None));
        };
        let t = self
            .ec2
            .describe_tags()
            .filters(
                aws_sdk_ec2::types::Filter::builder()
                    .name("resource-id")
                    .values(id)
                    .build(),
            )
            .send()
            .await
            .map_err(sdk("DescribeTags"))?;
        Ok(Some(session_of(t.tags().iter().filter_map(|t| {
            Some((t.key()?, t.value().unwrap_or("")))
        }))))
    }
}
