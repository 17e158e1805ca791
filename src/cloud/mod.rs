//! The cloud adapter: one `SdkConfig`, every client built from it once, and one file per service.
//!
//! The engine talks to AWS only through `Cloud`; nothing here knows about terminals.

pub mod ec2;
pub mod ec2_types;
pub mod error;
pub mod freetier;
pub mod iam;
pub mod iam_delete;
pub mod iam_sim;
pub mod iam_users;
pub mod instances;
pub mod lambda;
pub mod logs;
pub mod owner;
pub mod s3;
mod s3_empty;
pub mod settle;

pub use error::{CloudError, sdk};

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_sts::config::Credentials;
use std::time::Duration;

/// Where to find AWS: the AWS CLI's flags, or the local sandbox.
#[derive(Clone, Debug, Default)]
pub struct CloudSettings {
    pub profile: Option<String>,
    pub region: Option<String>,
    pub endpoint_url: Option<String>,
    /// Set for the sandbox: the endpoint and static sandbox credentials replace the default chain.
    pub sandbox_endpoint: Option<String>,
}

/// The sandbox's credentials: any value works with the emulator; these select its default account.
pub const SANDBOX_ACCESS_KEY: &str = "test";
pub const SANDBOX_SECRET_KEY: &str = "test";
pub const SANDBOX_REGION: &str = "us-east-1";

/// Every client pasos uses, built once from one `SdkConfig`.
#[derive(Clone, Debug)]
pub struct Cloud {
    pub config: SdkConfig,
    pub region: String,
    pub endpoint: Option<String>,
    pub sandbox: bool,
    pub sts: aws_sdk_sts::Client,
    pub iam: aws_sdk_iam::Client,
    pub s3: aws_sdk_s3::Client,
    pub ec2: aws_sdk_ec2::Client,
    pub lambda: aws_sdk_lambda::Client,
    pub ssm: aws_sdk_ssm::Client,
    pub logs: aws_sdk_cloudwatchlogs::Client,
    pub freetier: aws_sdk_freetier::Client,
    /// Instance types as DescribeInstanceTypes describes them, asked once per process: preflight and
    /// the EC2 step ask the same questions, and the answers do not change while pasos runs.
    pub type_cache: std::sync::Arc<std::sync::Mutex<ec2::TypeCache>>,
    /// Policy name → ARN, resolved once per process: preflight and every step ask for the same few.
    pub policy_cache:
        std::sync::Arc<std::sync::Mutex<std::collections::HashMap<String, Option<String>>>>,
}

/// Who the credentials belong to.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Identity {
    pub account: String,
    pub arn: String,
    pub region: String,
    pub endpoint: String,
    pub sandbox: bool,
}

/// `us-east-1`, `eu-central-2`, `us-gov-west-1`, `cn-north-1`: letters, dashes, a trailing number.
pub fn valid_region(r: &str) -> bool {
    let parts: Vec<&str> = r.split('-').collect();
    parts.len() >= 3
        && parts[0].len() == 2
        && parts[0].chars().all(|c| c.is_ascii_lowercase())
        && parts[1..parts.len() - 1]
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_lowercase()))
        && parts[parts.len() - 1].chars().all(|c| c.is_ascii_digit())
        && !parts[parts.len() - 1].is_empty()
}

/// An http(s) URL with a host and nothing that cannot be in one.
pub fn valid_endpoint(e: &str) -> bool {
    let rest = e
        .strip_prefix("http://")
        .or_else(|| e.strip_prefix("https://"));
    match rest {
        Some(r) => {
            let host = r.split(['/', '?']).next().unwrap_or("");
            !host.is_empty()
                && !host.starts_with(':')
                && host
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-.:[]_".contains(c))
                && !r.contains(char::is_whitespace)
        }
        None => false,
    }
}

impl Cloud {
    /// Loads the configuration once. Fails early with one clear error when the region or endpoint
    /// is malformed or when no credentials can be found — before any client is used.
    pub async fn load(settings: &CloudSettings) -> Result<Cloud, CloudError> {
        if let Some(r) = &settings.region
            && !valid_region(r)
        {
            return Err(CloudError::BadRegion(r.clone()));
        }
        let endpoint = settings
            .sandbox_endpoint
            .clone()
            .or_else(|| settings.endpoint_url.clone());
        if let Some(e) = &endpoint
            && !valid_endpoint(e)
        {
            return Err(CloudError::BadEndpoint(e.clone()));
        }
        // Retries: the SDK's standard mode with more attempts than its default 3, because learners'
        // networks are flaky and IAM throttles bursts. Timeouts keep a dead endpoint from hanging us.
        let mut loader = aws_config::defaults(BehaviorVersion::latest())
            .retry_config(
                RetryConfig::standard()
                    .with_max_attempts(6)
                    .with_initial_backoff(Duration::from_millis(200)),
            )
            .timeout_config(
                TimeoutConfig::builder()
                    .connect_timeout(Duration::from_secs(5))
                    .operation_attempt_timeout(Duration::from_secs(60))
                    .build(),
            );
        if settings.sandbox_endpoint.is_some() {
            loader = loader
                .credentials_provider(Credentials::new(
                    SANDBOX_ACCESS_KEY,
                    SANDBOX_SECRET_KEY,
                    None,
                    None,
                    "pasos-sandbox",
                ))
                .region(Region::new(
                    settings
                        .region
                        .clone()
                        .unwrap_or_else(|| SANDBOX_REGION.to_string()),
                ));
        } else {
            if let Some(p) = &settings.profile {
                check_profile_files(p)?;
                loader = loader.profile_name(p);
            }
            if let Some(r) = &settings.region {
                loader = loader.region(Region::new(r.clone()));
            }
        }
        if let Some(e) = &endpoint {
            loader = loader.endpoint_url(e);
        }
        let config = loader.load().await;
        let region = config
            .region()
            .map(|r| r.to_string())
            .ok_or(CloudError::NoRegion)?;
        if !valid_region(&region) {
            return Err(CloudError::BadRegion(region));
        }
        check_credentials(&config).await?;
        Ok(Cloud::from_config(
            config,
            region,
            endpoint,
            settings.sandbox_endpoint.is_some(),
        ))
    }

    fn from_config(
        config: SdkConfig,
        region: String,
        endpoint: Option<String>,
        sandbox: bool,
    ) -> Cloud {
        // Path-style addressing when an endpoint is set: emulators (and proxies in tests) cannot
        // serve virtual-hosted bucket names like `bucket.127.0.0.1`.
        let s3_conf = aws_sdk_s3::config::Builder::from(&config)
            .force_path_style(endpoint.is_some())
            .build();
        Cloud {
            sts: aws_sdk_sts::Client::new(&config),
            iam: aws_sdk_iam::Client::new(&config),
            s3: aws_sdk_s3::Client::from_conf(s3_conf),
            ec2: aws_sdk_ec2::Client::new(&config),
            lambda: aws_sdk_lambda::Client::new(&config),
            ssm: aws_sdk_ssm::Client::new(&config),
            logs: aws_sdk_cloudwatchlogs::Client::new(&config),
            freetier: aws_sdk_freetier::Client::new(&config),
            policy_cache: Default::default(),
            type_cache: Default::default(),
            config,
            region,
            endpoint,
            sandbox,
        }
    }

    /// sts:GetCallerIdentity, with the endpoint shown the way the user would type it.
    pub async fn whoami(&self) -> Result<Identity, CloudError> {
        let out = self
            .sts
            .get_caller_identity()
            .send()
            .await
            .map_err(sdk("GetCallerIdentity"))?;
        Ok(Identity {
            account: out.account().unwrap_or_default().to_string(),
            arn: out.arn().unwrap_or_default().to_string(),
            region: self.region.clone(),
            endpoint: self
                .endpoint
                .clone()
                .unwrap_or_else(|| format!("https://sts.{}.amazonaws.com", self.region)),
            sandbox: self.sandbox,
        })
    }
}

/// Resolves the credential chain once so "no credentials" is reported as such, not as a signing
/// error deep inside the first call.
async fn check_credentials(config: &SdkConfig) -> Result<(), CloudError> {
    use aws_credential_types::provider::ProvideCredentials;
    let Some(provider) = config.credentials_provider() else {
        return Err(CloudError::NoCredentials("no provider".into()));
    };
    match tokio::time::timeout(Duration::from_secs(20), provider.provide_credentials()).await {
        Ok(Ok(_)) => Ok(()),
        Ok(Err(e)) => Err(CloudError::NoCredentials(short_reason(&e))),
        Err(_) => Err(CloudError::NoCredentials("timed out".into())),
    }
}

/// aws-config skips a profile file that is not UTF-8 and then only says "no credentials": check the
/// files of an explicitly chosen profile ourselves so the user learns which file and why. (Text that
/// is not INI, or a missing profile, is reported well by aws-config itself.)
fn check_profile_files(_profile: &str) -> Result<(), CloudError> {
    let home = directories::BaseDirs::new().map(|b| b.home_dir().join(".aws"));
    for (var, name) in [
        ("AWS_SHARED_CREDENTIALS_FILE", "credentials"),
        ("AWS_CONFIG_FILE", "config"),
    ] {
        let path = std::env::var(var)
            .ok()
            .filter(|v| !v.is_empty())
            .map(std::path::PathBuf::from)
            .or_else(|| home.as_ref().map(|h| h.join(name)));
        let Some(path) = path else { continue };
        let Ok(bytes) = std::fs::read(&path) else {
            continue;
        };
        if String::from_utf8(bytes).is_err() {
            return Err(CloudError::NoCredentials(format!(
                "{} cannot be read as an AWS config or credentials file (it is not UTF-8 text)",
                path.display()
            )));
        }
    }
    Ok(())
}

fn short_reason(e: &dyn std::error::Error) -> String {
    // The whole chain: the useful part (which file, which line) is usually at its end.
    error::error_chain(e).replace('\n', " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions() {
        for ok in [
            "us-east-1",
            "eu-central-2",
            "us-gov-west-1",
            "ap-southeast-4",
        ] {
            assert!(valid_region(ok), "{ok}");
        }
        for bad in [
            "not-a-region",
            "useast1",
            "us-east",
            "US-EAST-1",
            "",
            "us--1",
        ] {
            assert!(!valid_region(bad), "{bad}");
        }
    }

    #[test]
    fn endpoints() {
        assert!(valid_endpoint("http://127.0.0.1:4566"));
        assert!(valid_endpoint("https://s3.eu-west-1.amazonaws.com/"));
        for bad in [
            "nonsense",
            "ftp://x",
            "http://",
            "http://a b",
            "127.0.0.1:4566",
        ] {
            assert!(!valid_endpoint(bad), "{bad}");
        }
    }
}
