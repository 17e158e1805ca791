//! Instance types as DescribeInstanceTypes describes them: architectures (t2.* list i386 first),
//! the free-tier list (paged), cached per process since the answers do not change while pasos runs.

use super::ec2::filter;
use super::{Cloud, CloudError, sdk};

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

impl Cloud {
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
