//! EC2 and SSM calls: the default VPC and its subnets, the AL2023 AMI, security groups, key pairs.
//! Instance types live in `ec2_types.rs`, instances in `instances.rs`.

use super::{Cloud, CloudError, sdk};
use aws_sdk_ec2::types::{Filter, IpPermission, IpRange, ResourceType, Tag, TagSpecification};

pub use super::ec2_types::{TypeCache, TypeInfo, free_tier_order};
pub use super::instances::InstanceInfo;

pub(super) fn filter(name: &str, value: &str) -> Filter {
    Filter::builder().name(name).values(value).build()
}

pub(super) fn tag_spec(kind: ResourceType, name: &str, session: &str) -> TagSpecification {
    TagSpecification::builder()
        .resource_type(kind)
        .tags(Tag::builder().key("Name").value(name).build())
        .tags(Tag::builder().key("pasos:session").value(session).build())
        .build()
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
