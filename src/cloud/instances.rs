//! EC2 instances: RunInstances (IMDSv2, profile, user data, tags at creation, a client token),
//! finding them by name and session tag, waiting until running or terminated.

use super::ec2::{filter, tag_spec};
use super::{Cloud, CloudError, sdk};
use aws_sdk_ec2::types::{
    HttpTokensState, IamInstanceProfileSpecification, InstanceMetadataOptionsRequest,
    InstanceStateName, ResourceType,
};
use std::time::Duration;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InstanceInfo {
    pub id: String,
    pub state: String,
    pub instance_type: String,
    pub image_id: String,
    pub profile_arn: Option<String>,
    pub security_groups: Vec<String>,
    pub public_ip: Option<String>,
    pub public_dns: Option<String>,
    pub session_tag: Option<String>,
    pub subnet_id: Option<String>,
}

impl Cloud {
    #[allow(clippy::too_many_arguments)]
    pub async fn run_instance(
        &self,
        client_token: &str,
        name: &str,
        ami: &str,
        instance_type: &str,
        sg_ids: &[String],
        profile: Option<&str>,
        key_pair: Option<&str>,
        subnet: Option<&str>,
        user_data_b64: Option<String>,
        session: &str,
    ) -> Result<String, CloudError> {
        let it: aws_sdk_ec2::types::InstanceType = instance_type.into();
        let o = self
            .ec2
            .run_instances()
            .image_id(ami)
            // Idempotency token, one per journal intent: when an answer is lost and the call is
            // retried, EC2 returns the same instance instead of launching a second one the journal
            // would not know. A new intent gets a new token (EC2 keeps tokens ≥ 24 h after the
            // instance terminates and would return the old one).
            .client_token(client_token)
            .instance_type(it)
            .min_count(1)
            .max_count(1)
            .set_security_group_ids(Some(sg_ids.to_vec()))
            .set_iam_instance_profile(
                profile.map(|p| IamInstanceProfileSpecification::builder().name(p).build()),
            )
            .set_key_name(key_pair.map(str::to_string))
            .set_subnet_id(subnet.map(str::to_string))
            .set_user_data(user_data_b64)
            // AL2023 expects IMDSv2: tokens required, as the console sets it.
            .metadata_options(
                InstanceMetadataOptionsRequest::builder()
                    .http_tokens(HttpTokensState::Required)
                    .build(),
            )
            .tag_specifications(tag_spec(ResourceType::Instance, name, session))
            .tag_specifications(tag_spec(ResourceType::Volume, name, session))
            .send()
            .await
            .map_err(sdk("RunInstances"))?;
        o.instances()
            .first()
            .and_then(|i| i.instance_id())
            .map(str::to_string)
            .ok_or(CloudError::Other {
                op: "RunInstances",
                msg: "no instance in the answer".into(),
            })
    }

    /// Instances (not terminated) tagged Name=name, with their session tag.
    pub async fn find_instances(&self, name: &str) -> Result<Vec<InstanceInfo>, CloudError> {
        let o = self
            .ec2
            .describe_instances()
            .filters(filter("tag:Name", name))
            .send()
            .await
            .map_err(sdk("DescribeInstances"))?;
        let mut out = Vec::new();
        for r in o.reservations() {
            for i in r.instances() {
                let info = instance_info(i);
                if info.state != "terminated" && info.state != "shutting-down" {
                    out.push(info);
                }
            }
        }
        Ok(out)
    }

    pub async fn describe_instance(&self, id: &str) -> Result<Option<InstanceInfo>, CloudError> {
        match self.ec2.describe_instances().instance_ids(id).send().await {
            Ok(o) => Ok(o
                .reservations()
                .iter()
                .flat_map(|r| r.instances())
                .next()
                .map(instance_info)),
            Err(e) => super::iam::not_found_none(CloudError::from_sdk("DescribeInstances", e)),
        }
    }

    /// Waits (SDK waiter) until the instance runs; returns it as the waiter's last poll saw it,
    /// so nothing needs reading again.
    pub async fn wait_running(&self, id: &str) -> Result<Option<InstanceInfo>, CloudError> {
        use aws_sdk_ec2::client::Waiters;
        let last = self
            .ec2
            .wait_until_instance_running()
            .instance_ids(id)
            .wait(Duration::from_secs(600))
            .await
            .map_err(|e| CloudError::Other {
                op: "InstanceRunning",
                msg: super::error::error_chain(&e),
            })?;
        Ok(last.as_result().ok().and_then(|o| {
            o.reservations()
                .iter()
                .flat_map(|r| r.instances())
                .find(|i| i.instance_id() == Some(id))
                .map(instance_info)
        }))
    }

    pub async fn terminate_and_wait(&self, id: &str) -> Result<(), CloudError> {
        use aws_sdk_ec2::client::Waiters;
        match self.ec2.terminate_instances().instance_ids(id).send().await {
            Ok(_) => {}
            Err(e) => {
                let e = CloudError::from_sdk("TerminateInstances", e);
                if e.is_not_found() {
                    return Ok(());
                }
                return Err(e);
            }
        }
        // Terminated before the security group goes, or AWS answers DependencyViolation.
        self.ec2
            .wait_until_instance_terminated()
            .instance_ids(id)
            .wait(Duration::from_secs(600))
            .await
            .map_err(|e| CloudError::Other {
                op: "InstanceTerminated",
                msg: super::error::error_chain(&e),
            })?;
        Ok(())
    }
}

fn instance_info(i: &aws_sdk_ec2::types::Instance) -> InstanceInfo {
    InstanceInfo {
        id: i.instance_id().unwrap_or_default().to_string(),
        state: i
            .state()
            .and_then(|s| s.name())
            .map(InstanceStateName::as_str)
            .unwrap_or("")
            .to_string(),
        instance_type: i
            .instance_type()
            .map(|t| t.as_str().to_string())
            .unwrap_or_default(),
        image_id: i.image_id().unwrap_or_default().to_string(),
        profile_arn: i
            .iam_instance_profile()
            .and_then(|p| p.arn())
            .map(str::to_string),
        security_groups: i
            .security_groups()
            .iter()
            .filter_map(|g| g.group_id().map(str::to_string))
            .collect(),
        public_ip: i.public_ip_address().map(str::to_string),
        public_dns: i
            .public_dns_name()
            .filter(|s| !s.is_empty())
            .map(str::to_string),
        subnet_id: i.subnet_id().map(str::to_string),
        session_tag: i
            .tags()
            .iter()
            .find(|t| t.key() == Some("pasos:session"))
            .and_then(|t| t.value())
            .map(str::to_string),
    }
}
