//! IAM calls for people: groups, users, console login profiles, access keys, the sign-in URL.

use super::iam::{KeyInfo, PasswordRules, gone_ok, not_found_none, tags};
use super::{Cloud, CloudError, sdk};

impl Cloud {
    pub async fn group_exists(&self, name: &str) -> Result<bool, CloudError> {
        match self.iam.get_group().group_name(name).send().await {
            Ok(_) => Ok(true),
            Err(e) => {
                not_found_none(CloudError::from_sdk("GetGroup", e)).map(|o: Option<()>| o.is_some())
            }
        }
    }

    pub async fn group_members_and_policies(
        &self,
        name: &str,
    ) -> Result<(Vec<String>, Vec<String>), CloudError> {
        let g = self
            .iam
            .get_group()
            .group_name(name)
            .send()
            .await
            .map_err(sdk("GetGroup"))?;
        let p = self
            .iam
            .list_attached_group_policies()
            .group_name(name)
            .send()
            .await
            .map_err(sdk("ListAttachedGroupPolicies"))?;
        Ok((
            g.users()
                .iter()
                .map(|u| u.user_name().to_string())
                .collect(),
            p.attached_policies()
                .iter()
                .filter_map(|p| p.policy_arn().map(str::to_string))
                .collect(),
        ))
    }

    pub async fn create_group(&self, name: &str, session: &str) -> Result<(), CloudError> {
        // CreateGroup takes no tags: the path `/pasos/<session>/` marks it as pasos's instead, so
        // rollback can tell it from someone else's group of the same name.
        self.iam
            .create_group()
            .group_name(name)
            .path(super::owner::group_path(session))
            .send()
            .await
            .map_err(sdk("CreateGroup"))?;
        Ok(())
    }

    pub async fn attach_group_policy(&self, group: &str, arn: &str) -> Result<(), CloudError> {
        self.iam
            .attach_group_policy()
            .group_name(group)
            .policy_arn(arn)
            .send()
            .await
            .map_err(sdk("AttachGroupPolicy"))?;
        Ok(())
    }

    pub async fn user_exists(&self, name: &str) -> Result<bool, CloudError> {
        match self.iam.get_user().user_name(name).send().await {
            Ok(_) => Ok(true),
            Err(e) => {
                not_found_none(CloudError::from_sdk("GetUser", e)).map(|o: Option<()>| o.is_some())
            }
        }
    }

    pub async fn create_user(&self, name: &str, session: &str) -> Result<(), CloudError> {
        self.iam
            .create_user()
            .user_name(name)
            .set_tags(Some(tags(session)))
            .send()
            .await
            .map_err(sdk("CreateUser"))?;
        Ok(())
    }

    pub async fn add_user_to_group(&self, user: &str, group: &str) -> Result<(), CloudError> {
        self.iam
            .add_user_to_group()
            .user_name(user)
            .group_name(group)
            .send()
            .await
            .map_err(sdk("AddUserToGroup"))?;
        Ok(())
    }

    pub async fn user_groups(&self, user: &str) -> Result<Vec<String>, CloudError> {
        let o = self
            .iam
            .list_groups_for_user()
            .user_name(user)
            .send()
            .await
            .map_err(sdk("ListGroupsForUser"))?;
        Ok(o.groups()
            .iter()
            .map(|g| g.group_name().to_string())
            .collect())
    }

    /// (min length, requires symbols/numbers/upper/lower, users may change their own password).
    /// No policy set (NoSuchEntity) means AWS's default: 8 characters, and users cannot change it
    /// unless IAMUserChangePassword is attached — which is why the console attaches it.
    pub async fn password_policy(&self) -> Result<PasswordRules, CloudError> {
        match self.iam.get_account_password_policy().send().await {
            Ok(o) => {
                let p = o.password_policy();
                Ok(PasswordRules {
                    min_len: p
                        .and_then(|p| p.minimum_password_length())
                        .unwrap_or(8)
                        .max(8) as usize,
                    users_can_change: p
                        .map(|p| p.allow_users_to_change_password())
                        .unwrap_or(false),
                })
            }
            Err(e) => match CloudError::from_sdk("GetAccountPasswordPolicy", e) {
                e if e.is_not_found() => Ok(PasswordRules {
                    min_len: 8,
                    users_can_change: false,
                }),
                e => Err(e),
            },
        }
    }

    /// Returns whether the new profile requires a reset, as the create answer says.
    pub async fn create_login_profile(
        &self,
        user: &str,
        password: &str,
    ) -> Result<bool, CloudError> {
        let o = self
            .iam
            .create_login_profile()
            .user_name(user)
            .password(password)
            .password_reset_required(true)
            .send()
            .await
            .map_err(sdk("CreateLoginProfile"))?;
        Ok(o.login_profile()
            .is_some_and(|l| l.password_reset_required()))
    }

    /// Whether the user has console access, and whether a reset is required.
    pub async fn login_profile(&self, user: &str) -> Result<Option<bool>, CloudError> {
        match self.iam.get_login_profile().user_name(user).send().await {
            Ok(o) => Ok(Some(
                o.login_profile()
                    .map(|l| l.password_reset_required())
                    .unwrap_or(false),
            )),
            Err(e) => not_found_none(CloudError::from_sdk("GetLoginProfile", e)),
        }
    }

    pub async fn attach_user_policy(&self, user: &str, arn: &str) -> Result<(), CloudError> {
        self.iam
            .attach_user_policy()
            .user_name(user)
            .policy_arn(arn)
            .send()
            .await
            .map_err(sdk("AttachUserPolicy"))?;
        Ok(())
    }

    pub async fn user_policies(&self, user: &str) -> Result<Vec<String>, CloudError> {
        let o = self
            .iam
            .list_attached_user_policies()
            .user_name(user)
            .send()
            .await
            .map_err(sdk("ListAttachedUserPolicies"))?;
        Ok(o.attached_policies()
            .iter()
            .filter_map(|p| p.policy_arn().map(str::to_string))
            .collect())
    }

    /// Returns (access key id, secret). The secret is never available again.
    pub async fn create_access_key(&self, user: &str) -> Result<(String, String), CloudError> {
        // No SDK retry here: a retry after a lost answer would make a second key whose first
        // secret nobody saw. The engine reconciles instead (see steps_iam).
        let o = self
            .iam
            .create_access_key()
            .user_name(user)
            .customize()
            .config_override(
                aws_sdk_iam::config::Builder::default()
                    .retry_config(aws_config::retry::RetryConfig::disabled()),
            )
            .send()
            .await
            .map_err(sdk("CreateAccessKey"))?;
        let k = o.access_key().ok_or(CloudError::Other {
            op: "CreateAccessKey",
            msg: "no key in the answer".into(),
        })?;
        Ok((
            k.access_key_id().to_string(),
            k.secret_access_key().to_string(),
        ))
    }

    pub async fn access_keys(&self, user: &str) -> Result<Vec<KeyInfo>, CloudError> {
        let o = self
            .iam
            .list_access_keys()
            .user_name(user)
            .send()
            .await
            .map_err(sdk("ListAccessKeys"))?;
        Ok(o.access_key_metadata()
            .iter()
            .map(|k| KeyInfo {
                id: k.access_key_id().unwrap_or_default().to_string(),
                active: k.status().map(|s| s.as_str() == "Active").unwrap_or(false),
                created_epoch: k.create_date().map(|d| d.secs()),
            })
            .collect())
    }

    pub async fn set_access_key_active(
        &self,
        user: &str,
        id: &str,
        active: bool,
    ) -> Result<(), CloudError> {
        let status = if active {
            aws_sdk_iam::types::StatusType::Active
        } else {
            aws_sdk_iam::types::StatusType::Inactive
        };
        self.iam
            .update_access_key()
            .user_name(user)
            .access_key_id(id)
            .status(status)
            .send()
            .await
            .map_err(sdk("UpdateAccessKey"))?;
        Ok(())
    }

    pub async fn delete_access_key(&self, user: &str, id: &str) -> Result<(), CloudError> {
        gone_ok(
            self.iam
                .delete_access_key()
                .user_name(user)
                .access_key_id(id)
                .send()
                .await
                .map_err(sdk("DeleteAccessKey")),
        )
    }

    /// The sign-in URL for console users: the account alias when there is one, else the account id.
    pub async fn sign_in_url(&self, account: &str) -> String {
        let alias = self
            .iam
            .list_account_aliases()
            .send()
            .await
            .ok()
            .and_then(|o| o.account_aliases().first().cloned());
        format!(
            "https://{}.signin.aws.amazon.com/console",
            alias.as_deref().unwrap_or(account)
        )
    }
}
