//! CloudWatch Logs calls: the function's log lines (for the wizard's "try it" step).

use super::{Cloud, CloudError, sdk};

impl Cloud {
    /// The messages of `/aws/lambda/<function>` since `start_ms`, oldest first.
    pub async fn function_logs(
        &self,
        function: &str,
        start_ms: i64,
    ) -> Result<Vec<String>, CloudError> {
        let group = format!("/aws/lambda/{function}");
        match self
            .logs
            .filter_log_events()
            .log_group_name(&group)
            .start_time(start_ms)
            .send()
            .await
        {
            Ok(o) => Ok(o
                .events()
                .iter()
                .filter_map(|e| e.message().map(|m| m.trim_end().to_string()))
                .collect()),
            Err(e) => super::iam::not_found_none(CloudError::from_sdk("FilterLogEvents", e))
                .map(|o: Option<Vec<String>>| o.unwrap_or_default()),
        }
    }

    /// Deletes the function's log group (rollback: logs are created by Lambda, not by us, but they
    /// belong to what pasos built).
    pub async fn delete_function_logs(&self, function: &str) -> Result<(), CloudError> {
        let group = format!("/aws/lambda/{function}");
        super::iam::gone_ok(
            self.logs
                .delete_log_group()
                .log_group_name(group)
                .send()
                .await
                .map_err(sdk("DeleteLogGroup")),
        )
    }
}
