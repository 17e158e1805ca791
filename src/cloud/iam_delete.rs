//! IAM deletions for rollback. Each one first removes what AWS requires to be gone (DeleteRole fails
//! with DeleteConflict while policies or profiles hang off it), and treats "already gone" as success.

use super::iam::gone_ok;
use super::{Cloud, CloudError, sdk};

impl Cloud {
    pub async fn detach_role_policy(&self, role: &str, arn: &str) -> Result<(), CloudError> {
        gone_ok(
            self.iam
                .detach_role_policy()
                .role_name(role)
                .policy_arn(arn)
                .send()
                .await
                .map_err(sdk("DetachRolePolicy")),
        )
    }

    pub async fn remove_role_from_profile(
        &self,
        profile: &str,
        role: &str,
    ) -> Result<(), CloudError> {
        gone_ok(
            self.iam
                .remove_role_from_instance_profile()
                .instance_profile_name(profile)
                .role_name(role)
                .send()
                .await
                .map_err(sdk("RemoveRoleFromInstanceProfile")),
        )
    }

    pub async fn delete_instance_profile(&self, name: &str) -> Result<(), CloudError> {
        if let Some(roles) = self.instance_profile_roles(name).await? {
            for r in roles {
                self.remove_role_from_profile(name, &r).await?;
            }
        }
        gone_ok(
            self.iam
                .delete_instance_profile()
                .instance_profile_name(name)
                .send()
                .await
                .map_err(sdk("DeleteInstanceProfile")),
        )
    }

    pub async fn delete_role(&self, name: &str) -> Result<(), CloudError> {
        if self.role_exists(name).await?.is_none() {
            return Ok(());
        }
        let attached = self
            .iam
            .list_attached_role_policies()
            .role_name(name)
            .send()
            .await
            .map_err(sdk("ListAttachedRolePolicies"))?;
        for p in attached.attached_policies() {
            if let Some(arn) = p.policy_arn() {
                self.detach_role_policy(name, arn).await?;
            }
        }
        let profiles = self
            .iam
            .list_instance_profiles_for_role()
            .role_name(name)
            .send()
            .await
            .map_err(sdk("ListInstanceProfilesForRole"))?;
        for p in profiles.instance_profiles() {
            self.remove_role_from_profile(p.instance_profile_name(), name)
                .await?;
        }
        gone_ok(
            self.iam
                .delete_role()
                .role_name(name)
                .send()
                .await
                .map_err(sdk("DeleteRole")),
        )
    }

    pub async fn detach_group_policy(&self, group: &str, arn: &str) -> Result<(), CloudError> {
        gone_ok(
            self.iam
                .detach_group_policy()
                .group_name(group)
                .policy_arn(arn)
                .send()
                .await
                .map_err(sdk("DetachGroupPolicy")),
        )
    }

    pub async fn remove_user_from_group(&self, user: &str, group: &str) -> Result<(), CloudError> {
        gone_ok(
            self.iam
                .remove_user_from_group()
                .user_name(user)
                .group_name(group)
                .send()
                .await
                .map_err(sdk("RemoveUserFromGroup")),
        )
    }

    pub async fn delete_group(&self, name: &str) -> Result<(), CloudError> {
        if !self.group_exists(name).await? {
            return Ok(());
        }
        let (members, policies) = self.group_members_and_policies(name).await?;
        for u in members {
            self.remove_user_from_group(&u, name).await?;
        }
        for arn in policies {
            self.detach_group_policy(name, &arn).await?;
        }
        gone_ok(
            self.iam
                .delete_group()
                .group_name(name)
                .send()
                .await
                .map_err(sdk("DeleteGroup")),
        )
    }

    /// DeleteLoginProfile; soon after CreateLoginProfile IAM answers EntityTemporarilyUnmodifiable
    /// for a while, which is waited out (a rollback right after an apply hits exactly that).
    pub async fn delete_login_profile(&self, user: &str) -> Result<(), CloudError> {
        gone_ok(
            super::settle::settle(super::settle::Rule::NewLoginProfile, &|_| {}, || async {
                self.iam
                    .delete_login_profile()
                    .user_name(user)
                    .send()
                    .await
                    .map_err(sdk("DeleteLoginProfile"))
            })
            .await,
        )
    }

    pub async fn detach_user_policy(&self, user: &str, arn: &str) -> Result<(), CloudError> {
        gone_ok(
            self.iam
                .detach_user_policy()
                .user_name(user)
                .policy_arn(arn)
                .send()
                .await
                .map_err(sdk("DetachUserPolicy")),
        )
    }

    /// DeleteUser needs the login profile, keys, memberships and policies gone first.
    pub async fn delete_user(&self, name: &str) -> Result<(), CloudError> {
        if !self.user_exists(name).await? {
            return Ok(());
        }
        self.delete_login_profile(name).await?;
        for k in self.access_keys(name).await? {
            self.delete_access_key(name, &k.id).await?;
        }
        for g in self.user_groups(name).await? {
            self.remove_user_from_group(name, &g).await?;
        }
        for arn in self.user_policies(name).await? {
            self.detach_user_policy(name, &arn).await?;
        }
        let inline = self
            .iam
            .list_user_policies()
            .user_name(name)
            .send()
            .await
            .map_err(sdk("ListUserPolicies"))?;
        for p in inline.policy_names() {
            gone_ok(
                self.iam
                    .delete_user_policy()
                    .user_name(name)
                    .policy_name(p)
                    .send()
                    .await
                    .map_err(sdk("DeleteUserPolicy")),
            )?;
        }
        gone_ok(
            self.iam
                .delete_user()
                .user_name(name)
                .send()
                .await
                .map_err(sdk("DeleteUser")),
        )
    }
}
