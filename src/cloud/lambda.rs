//! Lambda calls: functions (create, wait Active, configuration), permissions, recursion config.

use super::settle::{Rule, settle};
use super::{Cloud, CloudError, sdk};
use aws_sdk_lambda::primitives::Blob;
use aws_sdk_lambda::types::{Architecture, Environment, FunctionCode, Runtime};
use std::collections::HashMap;
use std::time::Duration;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FunctionInfo {
    pub arn: String,
    pub state: String,
    pub runtime: String,
    pub role: String,
    pub env: HashMap<String, String>,
    pub session_tag: Option<String>,
}

pub struct NewFunction<'a> {
    pub name: &'a str,
    pub runtime: &'a str,
    pub handler: &'a str,
    pub role_arn: &'a str,
    pub zip: Vec<u8>,
    pub arch: &'a str,
    pub memory_mb: i32,
    pub timeout_s: i32,
    pub env: HashMap<String, String>,
    pub session: &'a str,
}

/// Delays before the quick polls of a Pending function (1.75 s in all), before the SDK's waiter.
const QUICK_POLLS_MS: [u64; 5] = [200, 250, 300, 400, 600];

impl Cloud {
    pub async fn function(&self, name: &str) -> Result<Option<FunctionInfo>, CloudError> {
        match self.lambda.get_function().function_name(name).send().await {
            Ok(o) => Ok(Some(info_of(&o))),
            Err(e) => super::iam::not_found_none(CloudError::from_sdk("GetFunction", e)),
        }
    }

    /// CreateFunction, retried with bounded backoff while IAM has not yet propagated the new role
    /// ("The role defined for the function cannot be assumed by Lambda"), on that error only.
    pub async fn create_function(
        &self,
        f: NewFunction<'_>,
        on_wait: &(dyn Fn(Rule) + Sync),
    ) -> Result<String, CloudError> {
        settle(Rule::RoleForLambda, on_wait, || async {
            self.lambda
                .create_function()
                .function_name(f.name)
                .runtime(Runtime::from(f.runtime))
                .handler(f.handler)
                .role(f.role_arn)
                .code(
                    FunctionCode::builder()
                        .zip_file(Blob::new(f.zip.clone()))
                        .build(),
                )
                .architectures(Architecture::from(f.arch))
                .memory_size(f.memory_mb)
                .timeout(f.timeout_s)
                .environment(
                    Environment::builder()
                        .set_variables(Some(f.env.clone()))
                        .build(),
                )
                .tags("pasos:session", f.session)
                .send()
                .await
                .map(|o| o.function_arn().unwrap_or_default().to_string())
                .map_err(sdk("CreateFunction"))
        })
        .await
    }

    /// Pending → Active. Returns the function as the last poll saw it (Active), so nothing is read
    /// again. A zip function outside a VPC is usually Active within a second, while the SDK's
    /// FunctionActiveV2 waiter never polls sooner than 1 s apart: so the first ~2 s are polled a
    /// few times with a growing delay (bounded), and the SDK's waiter takes the long tail.
    pub async fn wait_function_active(
        &self,
        name: &str,
    ) -> Result<Option<FunctionInfo>, CloudError> {
        use aws_sdk_lambda::client::Waiters;
        for ms in QUICK_POLLS_MS {
            tokio::time::sleep(Duration::from_millis(ms)).await;
            match self.function(name).await? {
                Some(f) if f.state == "Active" => return Ok(Some(f)),
                // Failed (or gone): the waiter below says so in its own words.
                Some(f) if f.state != "Pending" => break,
                None => break,
                Some(_) => {}
            }
        }
        let last = self
            .lambda
            .wait_until_function_active_v2()
            .function_name(name)
            .wait(Duration::from_secs(300))
            .await
            .map_err(|e| CloudError::Other {
                op: "FunctionActiveV2",
                msg: super::error::error_chain(&e),
            })?;
        Ok(last.as_result().ok().map(info_of))
    }

    /// Lets S3 invoke the function — SourceArn and SourceAccount both, so no other account's
    /// bucket of the same name can.
    pub async fn allow_s3(
        &self,
        function: &str,
        statement_id: &str,
        bucket: &str,
        account: &str,
    ) -> Result<(), CloudError> {
        match self
            .lambda
            .add_permission()
            .function_name(function)
            .statement_id(statement_id)
            .action("lambda:InvokeFunction")
            .principal("s3.amazonaws.com")
            .source_arn(format!("arn:aws:s3:::{bucket}"))
            .source_account(account)
            .send()
            .await
        {
            Ok(_) => Ok(()),
            Err(e) => match CloudError::from_sdk("AddPermission", e) {
                e if e.is_already_exists() => Ok(()),
                e => Err(e),
            },
        }
    }

    /// The resource policy's statement ids.
    pub async fn permission_ids(&self, function: &str) -> Result<Vec<String>, CloudError> {
        match self
            .lambda
            .get_policy()
            .function_name(function)
            .send()
            .await
        {
            Ok(o) => {
                let doc: serde_json::Value =
                    serde_json::from_str(o.policy().unwrap_or("{}")).unwrap_or_default();
                Ok(doc["Statement"]
                    .as_array()
                    .map(|a| {
                        a.iter()
                            .filter_map(|s| s["Sid"].as_str().map(str::to_string))
                            .collect()
                    })
                    .unwrap_or_default())
            }
            Err(e) => super::iam::not_found_none(CloudError::from_sdk("GetPolicy", e))
                .map(|o: Option<Vec<String>>| o.unwrap_or_default()),
        }
    }

    pub async fn remove_permission(
        &self,
        function: &str,
        statement_id: &str,
    ) -> Result<(), CloudError> {
        super::iam::gone_ok(
            self.lambda
                .remove_permission()
                .function_name(function)
                .statement_id(statement_id)
                .send()
                .await
                .map_err(sdk("RemovePermission")),
        )
    }

    pub async fn set_recursion_terminate(&self, function: &str) -> Result<(), CloudError> {
        self.lambda
            .put_function_recursion_config()
            .function_name(function)
            .recursive_loop(aws_sdk_lambda::types::RecursiveLoop::Terminate)
            .send()
            .await
            .map_err(sdk("PutFunctionRecursionConfig"))?;
        Ok(())
    }

    pub async fn delete_function(&self, name: &str) -> Result<(), CloudError> {
        super::iam::gone_ok(
            self.lambda
                .delete_function()
                .function_name(name)
                .send()
                .await
                .map_err(sdk("DeleteFunction")),
        )
    }
}

fn info_of(o: &aws_sdk_lambda::operation::get_function::GetFunctionOutput) -> FunctionInfo {
    let c = o.configuration();
    FunctionInfo {
        arn: c
            .and_then(|c| c.function_arn())
            .unwrap_or_default()
            .to_string(),
        state: c
            .and_then(|c| c.state())
            .map(|s| s.as_str().to_string())
            .unwrap_or_default(),
        runtime: c
            .and_then(|c| c.runtime())
            .map(|r| r.as_str().to_string())
            .unwrap_or_default(),
        role: c.and_then(|c| c.role()).unwrap_or_default().to_string(),
        env: c
            .and_then(|c| c.environment())
            .and_then(|e| e.variables())
            .cloned()
            .unwrap_or_default(),
        session_tag: o.tags().and_then(|t| t.get("pasos:session")).cloned(),
    }
}
