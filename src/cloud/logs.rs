//! CloudWatch Logs calls: the function's log lines (for the wizard's "try it" step).

use super::{Cloud, CloudError, sdk};
use std::time::{Duration, Instant};

impl Cloud {
    /// The messages of `/aws/lambda/<function>` since `start_ms`, oldest first (every page).
    pub async fn function_logs(
        &self,
        function: &str,
        start_ms: i64,
    ) -> Result<Vec<String>, CloudError> {
        let group = format!("/aws/lambda/{function}");
        let mut out = Vec::new();
        let mut token: Option<String> = None;
        // Bounded: a few invocations' worth of lines; a server that pages forever cannot hang us.
        for _ in 0..20 {
            let o = match self
                .logs
                .filter_log_events()
                .log_group_name(&group)
                .start_time(start_ms)
                .set_next_token(token.take())
                .send()
                .await
            {
                Ok(o) => o,
                Err(e) => {
                    // No log group yet: the function has not logged anything.
                    return super::iam::not_found_none(CloudError::from_sdk("FilterLogEvents", e))
                        .map(|o: Option<Vec<String>>| o.unwrap_or(out));
                }
            };
            out.extend(
                o.events()
                    .iter()
                    .filter_map(|e| e.message().map(|m| m.trim_end().to_string())),
            );
            match o.next_token() {
                Some(t) if !t.is_empty() => token = Some(t.to_string()),
                _ => break,
            }
        }
        Ok(out)
    }

    /// The function's lines since `start_ms`, waiting (bounded by `timeout`) until an invocation's
    /// `REPORT` line is there: CloudWatch Logs ingests events seconds after the function wrote them,
    /// so one read right after the output appears often finds nothing yet.
    pub async fn wait_function_logs(
        &self,
        function: &str,
        start_ms: i64,
        timeout: Duration,
    ) -> Result<Vec<String>, CloudError> {
        let t0 = Instant::now();
        let mut delay = Duration::from_millis(300);
        loop {
            let lines = self.function_logs(function, start_ms).await?;
            if lines.iter().any(|l| l.starts_with("REPORT")) || t0.elapsed() + delay > timeout {
                return Ok(lines);
            }
            tokio::time::sleep(delay).await;
            delay = (delay * 2).min(Duration::from_secs(3));
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
