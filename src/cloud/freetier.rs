//! The account's Free Tier plan (freetier:GetAccountPlanState): accounts created on or after
//! 2025-07-15 are on the FREE plan (credits, an expiry, and RunInstances refusing types that are not
//! free-tier eligible); older ones are PAID with the legacy 12-month free tier.

use super::{Cloud, CloudError};

/// What GetAccountPlanState says.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct AccountPlan {
    /// "FREE" or "PAID".
    pub plan: String,
    /// Credits left, e.g. (87.5, "USD").
    pub credits: Option<(f64, String)>,
    /// When the free plan ends, `YYYY-MM-DD`.
    pub expires: Option<String>,
}

impl AccountPlan {
    pub fn is_free(&self) -> bool {
        self.plan == "FREE"
    }
}

impl Cloud {
    /// The account's plan, or `None` when it cannot be known: the caller may not call the Free Tier
    /// API (AccessDenied), the endpoint is an emulator without it, or the network fails. None of
    /// these is an error for a learner: the plan is information, never a gate.
    pub async fn account_plan(&self) -> Option<AccountPlan> {
        if self.sandbox {
            // The sandbox has no Free Tier API; nothing in it costs money anyway.
            return None;
        }
        // Information only: one attempt, a few seconds at most. The client's standard retries
        // (6 attempts with backoff) would make an emulator without this API cost seconds.
        let once = aws_sdk_freetier::config::Builder::default()
            .retry_config(aws_config::retry::RetryConfig::disabled())
            .timeout_config(
                aws_config::timeout::TimeoutConfig::builder()
                    .operation_timeout(std::time::Duration::from_secs(5))
                    .build(),
            );
        let out = match self
            .freetier
            .get_account_plan_state()
            .customize()
            .config_override(once)
            .send()
            .await
        {
            Ok(o) => o,
            Err(e) => {
                let e = CloudError::from_sdk("GetAccountPlanState", e);
                tracing::info!("account plan unknown: {e}");
                return None;
            }
        };
        let plan = out.account_plan_type().as_str().to_ascii_uppercase();
        if plan.is_empty() {
            return None;
        }
        Some(AccountPlan {
            plan,
            credits: out
                .account_plan_remaining_credits()
                .map(|m| (m.amount(), m.unit().as_str().to_string())),
            expires: out
                .account_plan_expiration_date()
                .and_then(|d| d.fmt(aws_smithy_types::date_time::Format::DateTime).ok())
                .map(|s| s.chars().take(10).collect()),
        })
    }
}
