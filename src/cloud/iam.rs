//! IAM calls for roles, instance profiles and managed policies, and the helpers the IAM files share
//! (tags, not-found handling); users, groups and keys are in `iam_users.rs`.

use super::{Cloud, CloudError, sdk};
use aws_sdk_iam::types::{PolicyScopeType, Tag};

/// The trust policy that lets one AWS service assume a role.
pub fn trust_policy(service: &str) -> String {
    serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}]
    })
    .to_string()
}

pub const CHANGE_PASSWORD_POLICY: &str = "arn:aws:iam::aws:policy/IAMUserChangePassword";

pub(super) fn tags(session: &str) -> Vec<Tag> {
    Tag::builder()
        .key("pasos:session")
        .value(session)
        .build()
        .into_iter()
        .collect()
}

/// One access key as listed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyInfo {
    pub id: String,
    pub active: bool,
    pub created_epoch: Option<i64>,
}

impl Cloud {
    /// AWS-managed policies whose name contains `query` (case-insensitive), name → ARN.
    /// Paged with Marker: real AWS has ~1,400 of them.
    pub async fn managed_policies(&self, query: &str) -> Result<Vec<(String, String)>, CloudError> {
        let q = query.to_ascii_lowercase();
        let mut out = Vec::new();
        let mut marker: Option<String> = None;
        for _ in 0..50 {
            let page = self
                .iam
                .list_policies()
                .scope(PolicyScopeType::Aws)
                .set_marker(marker.clone())
                .max_items(1000)
                .send()
                .await
                .map_err(sdk("ListPolicies"))?;
            for p in page.policies() {
                if let (Some(n), Some(a)) = (p.policy_name(), p.arn())
                    && n.to_ascii_lowercase().contains(&q)
                {
                    out.push((n.to_string(), a.to_string()));
                }
            }
            match (page.is_truncated(), page.marker()) {
                (true, Some(m)) if Some(m) != marker.as_deref() => marker = Some(m.to_string()),
                _ => break,
            }
        }
        out.sort();
        out.dedup();
        Ok(out)
    }

    /// Resolves a policy name (or ARN) to its ARN, paths included
    /// (`AWSLambdaBasicExecutionRole` lives under `service-role/`). `None` when it does not exist.
    pub async fn resolve_policy(&self, name_or_arn: &str) -> Result<Option<String>, CloudError> {
        if let Some(hit) = self
            .policy_cache
            .lock()
            .ok()
            .and_then(|c| c.get(name_or_arn).cloned())
        {
            return Ok(hit);
        }
        let found = self.resolve_policy_uncached(name_or_arn).await?;
        if let Ok(mut c) = self.policy_cache.lock() {
            c.insert(name_or_arn.to_string(), found.clone());
        }
        Ok(found)
    }

    async fn resolve_policy_uncached(
        &self,
        name_or_arn: &str,
    ) -> Result<Option<String>, CloudError> {
        if name_or_arn.starts_with("arn:") {
            return match self.iam.get_policy().policy_arn(name_or_arn).send().await {
                Ok(_) => Ok(Some(name_or_arn.to_string())),
                Err(e) => match CloudError::from_sdk("GetPolicy", e) {
                    e if e.is_not_found() => Ok(None),
                    e => Err(e),
                },
            };
        }
        // Well-known paths first (one GetPolicy), then the full listing.
        for path in ["", "service-role/", "job-function/"] {
            let arn = format!("arn:aws:iam::aws:policy/{path}{name_or_arn}");
            match self.iam.get_policy().policy_arn(&arn).send().await {
                Ok(_) => return Ok(Some(arn)),
                Err(e) => {
                    let e = CloudError::from_sdk("GetPolicy", e);
                    if !e.is_not_found() {
                        return Err(e);
                    }
                }
            }
        }
        let all = self.managed_policies(name_or_arn).await?;
        Ok(all
            .into_iter()
            .find(|(n, _)| n == name_or_arn)
            .map(|(_, a)| a))
    }

    pub async fn role_exists(
        &self,
        name: &str,
    ) -> Result<Option<Vec<(String, String)>>, CloudError> {
        match self.iam.get_role().role_name(name).send().await {
            Ok(o) => Ok(Some(
                o.role()
                    .map(|r| {
                        r.tags()
                            .iter()
                            .map(|t| (t.key().to_string(), t.value().to_string()))
                            .collect()
                    })
                    .unwrap_or_default(),
            )),
            Err(e) => not_found_none(CloudError::from_sdk("GetRole", e)),
        }
    }

    pub async fn create_role(
        &self,
        name: &str,
        service: &str,
        session: &str,
    ) -> Result<String, CloudError> {
        let o = self
            .iam
            .create_role()
            .role_name(name)
            .assume_role_policy_document(trust_policy(service))
            .description("Created by pasos")
            .set_tags(Some(tags(session)))
            .send()
            .await
            .map_err(sdk("CreateRole"))?;
        Ok(o.role().map(|r| r.arn().to_string()).unwrap_or_default())
    }

    pub async fn role_trust_and_policies(
        &self,
        name: &str,
    ) -> Result<(String, Vec<String>), CloudError> {
        let r = self
            .iam
            .get_role()
            .role_name(name)
            .send()
            .await
            .map_err(sdk("GetRole"))?;
        let doc = r
            .role()
            .and_then(|r| r.assume_role_policy_document())
            .unwrap_or_default();
        let doc = percent_decode(doc);
        let p = self
            .iam
            .list_attached_role_policies()
            .role_name(name)
            .send()
            .await
            .map_err(sdk("ListAttachedRolePolicies"))?;
        Ok((
            doc,
            p.attached_policies()
                .iter()
                .filter_map(|p| p.policy_arn().map(str::to_string))
                .collect(),
        ))
    }

    pub async fn attach_role_policy(&self, role: &str, arn: &str) -> Result<(), CloudError> {
        self.iam
            .attach_role_policy()
            .role_name(role)
            .policy_arn(arn)
            .send()
            .await
            .map_err(sdk("AttachRolePolicy"))?;
        Ok(())
    }

    pub async fn create_instance_profile(
        &self,
        name: &str,
        session: &str,
    ) -> Result<(), CloudError> {
        self.iam
            .create_instance_profile()
            .instance_profile_name(name)
            .set_tags(Some(tags(session)))
            .send()
            .await
            .map_err(sdk("CreateInstanceProfile"))?;
        Ok(())
    }

    /// The roles in an instance profile; `None` when the profile does not exist.
    pub async fn instance_profile_roles(
        &self,
        name: &str,
    ) -> Result<Option<Vec<String>>, CloudError> {
        match self
            .iam
            .get_instance_profile()
            .instance_profile_name(name)
            .send()
            .await
        {
            Ok(o) => Ok(Some(
                o.instance_profile()
                    .map(|p| {
                        p.roles()
                            .iter()
                            .map(|r| r.role_name().to_string())
                            .collect()
                    })
                    .unwrap_or_default(),
            )),
            Err(e) => not_found_none(CloudError::from_sdk("GetInstanceProfile", e)),
        }
    }

    pub async fn add_role_to_instance_profile(
        &self,
        profile: &str,
        role: &str,
    ) -> Result<(), CloudError> {
        self.iam
            .add_role_to_instance_profile()
            .instance_profile_name(profile)
            .role_name(role)
            .send()
            .await
            .map_err(sdk("AddRoleToInstanceProfile"))?;
        Ok(())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PasswordRules {
    pub min_len: usize,
    pub users_can_change: bool,
}

/// `NotFound` becomes `Ok(None)`; anything else stays an error.
pub fn not_found_none<T>(e: CloudError) -> Result<Option<T>, CloudError> {
    if e.is_not_found() { Ok(None) } else { Err(e) }
}

/// For deletes: "already gone" is success.
pub fn gone_ok(r: Result<impl Sized, CloudError>) -> Result<(), CloudError> {
    match r {
        Ok(_) => Ok(()),
        Err(e) if e.is_not_found() => Ok(()),
        Err(e) => Err(e),
    }
}

/// IAM returns policy documents URL-encoded.
fn percent_decode(s: &str) -> String {
    fn hex(b: u8) -> Option<u8> {
        (b as char).to_digit(16).map(|d| d as u8)
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match (
            bytes[i],
            bytes.get(i + 1).copied().and_then(hex),
            bytes.get(i + 2).copied().and_then(hex),
        ) {
            (b'%', Some(h), Some(l)) => {
                out.push(h * 16 + l);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}
