//! EC2 and SSM calls: default VPC, security groups, AMI resolution, free tier, instances.

use super::{Cloud, CloudError, sdk};
use aws_sdk_ec2::types::{
    Filter, HttpTokensState, IamInstanceProfileSpecification, InstanceMetadataOptionsRequest,
    InstanceStateName, IpPermission, IpRange, ResourceType, Tag, TagSpecification,
};
use std::time::Duration;

fn filter(name: &str, value: &str) -> Filter {
    Filter::builder().name(name).values(value).build()
}

fn tag_spec(kind: ResourceType, name: &str, session: &str) -> TagSpecification {
    TagSpecification::builder()
        .resource_type(kind)
        .tags(Tag::builder().key("Name").value(name).build())
        .tags(Tag::builder().key("pasos:session").value(session).build())
        .build()
}

/// Answers of DescribeInstanceTypes already received (see `Cloud::type_cache`).
#[derive(Debug, Default)]
pub struct TypeCache {
    free_tier: Option<Vec<String>>,
    types: std::collections::HashMap<String, Option<TypeInfo>>,
}

/// What pasos needs to know of an instance type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TypeInfo {
    /// As DescribeInstanceTypes lists them: `["i386", "x86_64"]` for t2.*, `["arm64"]` for t4g.*.
    pub architectures: Vec<String>,
    pub free_tier: bool,
}

impl TypeInfo {
    /// The AL2023 architecture to launch: x86_64, else arm64, never i386 (AL2023 has no 32-bit AMI;
    /// the `_mac` variants are for Mac hosts).
    pub fn ami_arch(&self) -> Option<&'static str> {
        if self.architectures.iter().any(|a| a == "x86_64") {
            Some("x86_64")
        } else if self.architectures.iter().any(|a| a == "arm64") {
            Some("arm64")
        } else {
            None
        }
    }
}

/// Sort key for free-tier types: the smallest burstable x86 first (what the walkthrough means by
/// "free tier"), then Graviton, then the rest by name. t2.micro before t3.micro where both are
/// eligible (accounts from before 2025-07-15), t3.micro first on the 2025 free plan.
pub fn free_tier_order(t: &str) -> (u8, String) {
    let rank = match t {
        "t2.micro" => 0,
        "t3.micro" => 1,
        "t3.small" => 2,
        "t4g.micro" => 3,
        "t4g.small" => 4,
        _ => 5,
    };
    (rank, t.to_string())
}

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
    pub async fn default_vpc(&self) -> Result<Option<String>, CloudError> {
        let o = self
            .ec2
            .describe_vpcs()
            .filters(filter("isDefault", "true"))
            .send()
            .await
            .map_err(sdk("DescribeVpcs"))?;
        Ok(o.vpcs()
            .first()
            .and_then(|v| v.vpc_id())
            .map(str::to_string))
    }

    /// (subnet id, availability zone) of the subnets in a VPC, sorted by zone.
    pub async fn subnets(&self, vpc: &str) -> Result<Vec<(String, String)>, CloudError> {
        let o = self
            .ec2
            .describe_subnets()
            .filters(filter("vpc-id", vpc))
            .send()
            .await
            .map_err(sdk("DescribeSubnets"))?;
        let mut v: Vec<(String, String)> = o
            .subnets()
            .iter()
            .map(|s| {
                (
                    s.subnet_id().unwrap_or_default().to_string(),
                    s.availability_zone().unwrap_or_default().to_string(),
                )
            })
            .collect();
        v.sort_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(&b.0)));
        Ok(v)
    }

    /// The AL2023 AMI for an architecture, through the SSM public parameter the console uses.
    pub async fn al2023_ami(&self, arch: &str) -> Result<String, CloudError> {
        let name = format!("/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-{arch}");
        let o = self
            .ssm
            .get_parameter()
            .name(name)
            .send()
            .await
            .map_err(sdk("GetParameter"))?;
        o.parameter()
            .and_then(|p| p.value())
            .map(str::to_string)
            .ok_or(CloudError::Other {
                op: "GetParameter",
                msg: "empty AMI parameter".into(),
            })
    }

    /// What DescribeInstanceTypes says of a type; `None` when the region lacks it. Asked once.
    pub async fn instance_type_info(&self, it: &str) -> Result<Option<TypeInfo>, CloudError> {
        if let Some(known) = self
            .type_cache
            .lock()
            .ok()
            .and_then(|c| c.types.get(it).cloned())
        {
            return Ok(known);
        }
        let info = self.describe_instance_type(it).await?;
        if let Ok(mut c) = self.type_cache.lock() {
            c.types.insert(it.to_string(), info.clone());
        }
        Ok(info)
    }

    async fn describe_instance_type(&self, it: &str) -> Result<Option<TypeInfo>, CloudError> {
        let t = aws_sdk_ec2::types::InstanceType::from(it);
        let o = match self
            .ec2
            .describe_instance_types()
            .instance_types(t)
            .send()
            .await
        {
            Ok(o) => o,
            Err(e) => {
                let e = CloudError::from_sdk("DescribeInstanceTypes", e);
                // An unknown type is reported as InvalidInstanceType, not as NotFound.
                return if matches!(&e, CloudError::Service { code, .. } if code.starts_with("InvalidInstanceType"))
                    || e.is_not_found()
                {
                    Ok(None)
                } else {
                    Err(e)
                };
            }
        };
        Ok(o.instance_types().first().map(|t| TypeInfo {
            architectures: t
                .processor_info()
                .map(|p| p.supported_architectures())
                .unwrap_or_default()
                .iter()
                .map(|a| a.as_str().to_string())
                .collect(),
            free_tier: t.free_tier_eligible().unwrap_or(false),
        }))
    }

    /// The instance types this account may run in the free tier, in the order a learner should
    /// prefer them (see `free_tier_order`). Follows NextToken: AWS pages this answer.
    pub async fn free_tier_types(&self) -> Result<Vec<String>, CloudError> {
        if let Some(known) = self
            .type_cache
            .lock()
            .ok()
            .and_then(|c| c.free_tier.clone())
        {
            return Ok(known);
        }
        let v = self.list_free_tier_types().await?;
        if let Ok(mut c) = self.type_cache.lock() {
            c.free_tier = Some(v.clone());
        }
        Ok(v)
    }

    async fn list_free_tier_types(&self) -> Result<Vec<String>, CloudError> {
        let mut v: Vec<String> = Vec::new();
        let mut token: Option<String> = None;
        // Bounded: AWS has a few hundred types; a server that never stops paging cannot hang us.
        for _ in 0..50 {
            let o = self
                .ec2
                .describe_instance_types()
                .filters(filter("free-tier-eligible", "true"))
                .set_next_token(token.take())
                .send()
                .await
                .map_err(sdk("DescribeInstanceTypes"))?;
            v.extend(
                o.instance_types()
                    .iter()
                    .filter_map(|t| t.instance_type().map(|t| t.as_str().to_string())),
            );
            match o.next_token() {
                Some(t) if !t.is_empty() => token = Some(t.to_string()),
                _ => break,
            }
        }
        v.sort_by_key(|t| free_tier_order(t));
        v.dedup();
        Ok(v)
    }

    /// (id, tags) of a security group by name in a VPC.
    pub async fn find_security_group(
        &self,
        name: &str,
        vpc: &str,
    ) -> Result<Option<(String, Option<String>)>, CloudError> {
        let o = self
            .ec2
            .describe_security_groups()
            .filters(filter("group-name", name))
            .filters(filter("vpc-id", vpc))
            .send()
            .await
            .map_err(sdk("DescribeSecurityGroups"))?;
        Ok(o.security_groups()
            .iter()
            .find(|g| g.group_name() == Some(name))
            .map(|g| {
                let session = g
                    .tags()
                    .iter()
                    .find(|t| t.key() == Some("pasos:session"))
                    .and_then(|t| t.value())
                    .map(str::to_string);
                (g.group_id().unwrap_or_default().to_string(), session)
            }))
    }

    pub async fn create_security_group(
        &self,
        name: &str,
        description: &str,
        vpc: &str,
        session: &str,
    ) -> Result<String, CloudError> {
        let o = self
            .ec2
            .create_security_group()
            .group_name(name)
            .description(description)
            .vpc_id(vpc)
            .tag_specifications(tag_spec(ResourceType::SecurityGroup, name, session))
            .send()
            .await
            .map_err(sdk("CreateSecurityGroup"))?;
        o.group_id().map(str::to_string).ok_or(CloudError::Other {
            op: "CreateSecurityGroup",
            msg: "no id".into(),
        })
    }

    /// Opens TCP ports to 0.0.0.0/0. A rule that is already there is fine (real AWS refuses duplicates).
    pub async fn open_ports(&self, sg: &str, ports: &[u16]) -> Result<(), CloudError> {
        let perms: Vec<IpPermission> = ports
            .iter()
            .map(|p| {
                IpPermission::builder()
                    .ip_protocol("tcp")
                    .from_port(i32::from(*p))
                    .to_port(i32::from(*p))
                    .ip_ranges(
                        IpRange::builder()
                            .cidr_ip("0.0.0.0/0")
                            .description("pasos")
                            .build(),
                    )
                    .build()
            })
            .collect();
        match self
            .ec2
            .authorize_security_group_ingress()
            .group_id(sg)
            .set_ip_permissions(Some(perms))
            .send()
            .await
        {
            Ok(_) => Ok(()),
            Err(e) => match CloudError::from_sdk("AuthorizeSecurityGroupIngress", e) {
                e if e.is_already_exists() => Ok(()),
                e => Err(e),
            },
        }
    }

    /// The TCP ports open to 0.0.0.0/0 on a group.
    pub async fn open_ports_of(&self, sg: &str) -> Result<Vec<u16>, CloudError> {
        let o = self
            .ec2
            .describe_security_groups()
            .group_ids(sg)
            .send()
            .await
            .map_err(sdk("DescribeSecurityGroups"))?;
        let mut ports = Vec::new();
        for g in o.security_groups() {
            for p in g.ip_permissions() {
                if p.ip_ranges()
                    .iter()
                    .any(|r| r.cidr_ip() == Some("0.0.0.0/0"))
                    && let Some(f) = p.from_port()
                {
                    ports.push(f as u16);
                }
            }
        }
        ports.sort_unstable();
        ports.dedup();
        Ok(ports)
    }

    pub async fn delete_security_group(&self, id: &str) -> Result<(), CloudError> {
        super::iam::gone_ok(
            self.ec2
                .delete_security_group()
                .group_id(id)
                .send()
                .await
                .map_err(sdk("DeleteSecurityGroup")),
        )
    }

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

    pub async fn create_key_pair(&self, name: &str, session: &str) -> Result<String, CloudError> {
        let o = self
            .ec2
            .create_key_pair()
            .key_name(name)
            .tag_specifications(tag_spec(ResourceType::KeyPair, name, session))
            .send()
            .await
            .map_err(sdk("CreateKeyPair"))?;
        Ok(o.key_material().unwrap_or_default().to_string())
    }

    pub async fn key_pair_exists(&self, name: &str) -> Result<bool, CloudError> {
        match self.ec2.describe_key_pairs().key_names(name).send().await {
            Ok(o) => Ok(!o.key_pairs().is_empty()),
            Err(e) => super::iam::not_found_none(CloudError::from_sdk("DescribeKeyPairs", e))
                .map(|o: Option<()>| o.is_some()),
        }
    }

    pub async fn delete_key_pair(&self, name: &str) -> Result<(), CloudError> {
        super::iam::gone_ok(
            self.ec2
                .delete_key_pair()
                .key_name(name)
                .send()
                .await
                .map_err(sdk("DeleteKeyPair")),
        )
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

#[cfg(test)]
mod tests {
    use super::*;

    fn info(a: &[&str]) -> TypeInfo {
        TypeInfo {
            architectures: a.iter().map(|s| s.to_string()).collect(),
            free_tier: true,
        }
    }

    #[test]
    fn t2_launches_x86_64_never_i386() {
        // DescribeInstanceTypes lists t2.* as ["i386", "x86_64"]: AL2023 has no i386 AMI.
        assert_eq!(info(&["i386", "x86_64"]).ami_arch(), Some("x86_64"));
        assert_eq!(info(&["arm64"]).ami_arch(), Some("arm64"));
        assert_eq!(info(&["x86_64", "arm64"]).ami_arch(), Some("x86_64"));
        assert_eq!(info(&["i386"]).ami_arch(), None);
        assert_eq!(info(&["x86_64_mac"]).ami_arch(), None);
    }

    #[test]
    fn free_tier_types_prefer_the_small_burstables() {
        let mut v = vec![
            "m7i-flex.large",
            "t4g.micro",
            "t3.small",
            "c7i-flex.large",
            "t3.micro",
        ];
        v.sort_by_key(|t| free_tier_order(t));
        assert_eq!(
            v,
            [
                "t3.micro",
                "t3.small",
                "t4g.micro",
                "c7i-flex.large",
                "m7i-flex.large"
            ]
        );
    }
}
