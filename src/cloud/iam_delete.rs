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

    /// What hangs off the role is listed and removed all at once (a role already gone is fine).
    pub async fn delete_role(&self, name: &str) -> Result<(), CloudError> {
        let (attached, profiles) = tokio::join!(
            self.iam
                .list_attached_role_policies()
                .role_name(name)
                .send(),
            self.iam
                .list_instance_profiles_for_role()
                .role_name(name)
                .send()
        );
        let (Some(attached), Some(profiles)) = (
            present(attached.map_err(sdk("ListAttachedRolePolicies")))?,
            present(profiles.map_err(sdk("ListInstanceProfilesForRole")))?,
        ) else {
            return Ok(());
        };
        let detach = attached
            .attached_policies()
            .iter()
            .filter_map(|p| p.policy_arn())
            .map(|arn| self.detach_role_policy(name, arn));
        let unlink = profiles
            .instance_profiles()
            .iter()
            .map(|p| self.remove_role_from_profile(p.instance_profile_name(), name));
        let (d, u) = tokio::join!(
            futures::future::join_all(detach),
            futures::future::join_all(unlink)
        );
        d.into_iter().chain(u).collect::<Result<(), _>>()?;
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

    /// Members out and policies detached all at once (a group already gone is fine).
    pub async fn delete_group(&self, name: &str) -> Result<(), CloudError> {
        let Some((members, policies)) = present(self.group_members_and_policies(name).await)?
        else {
            return Ok(());
        };
        let out = members.iter().map(|u| self.remove_user_from_group(u, name));
        let detach = policies
            .iter()
            .map(|arn| self.detach_group_policy(name, arn));
        let (o, d) = tokio::join!(
            futures::future::join_all(out),
            futures::future::join_all(detach)
        );
        o.into_iter().chain(d).collect::<Result<(), _>>()?;
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

    /// DeleteUser needs the login profile, keys, memberships and policies gone first: all are
    /// listed and removed at once (a user already gone is fine).
    pub async fn delete_user(&self, name: &str) -> Result<(), CloudError> {
        let keys = async {
            for k in present(self.access_keys(name).await)?.unwrap_or_default() {
                self.delete_access_key(name, &k.id).await?;
            }
            Ok::<(), CloudError>(())
        };
        let groups = async {
            for g in present(self.user_groups(name).await)?.unwrap_or_default() {
                self.remove_user_from_group(name, &g).await?;
            }
            Ok(())
        };
        let attached = async {
            for arn in present(self.user_policies(name).await)?.unwrap_or_default() {
                self.detach_user_policy(name, &arn).await?;
            }
            Ok(())
        };
        let inline = async {
            let listed = self.iam.list_user_policies().user_name(name).send().await;
            let Some(inline) = present(listed.map_err(sdk("ListUserPolicies")))? else {
                return Ok(());
            };
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
            Ok(())
        };
        let (l, k, g, a, i) = tokio::join!(
            self.delete_login_profile(name),
            keys,
            groups,
            attached,
            inline
        );
        l.and(k).and(g).and(a).and(i)?;
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

/// `Some(answer)`, or `None` when what was asked about no longer exists.
fn present<T>(r: Result<T, CloudError>) -> Result<Option<T>, CloudError> {
    match r {
        Ok(t) => Ok(Some(t)),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(e),
    }
}
