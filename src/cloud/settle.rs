//! AWS's eventual consistency, waited out. Each `Rule` names exactly the error one call may get for
//! a few seconds after a related call succeeded, and the AWS documentation that describes it;
//! `settle` retries that call on that error only, with bounded backoff. Never a fixed sleep, never a
//! blind retry: any other error is returned at once.

use super::CloudError;
use crate::i18n::Text;
use crate::tr;
use std::time::Duration;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Rule {
    /// RunInstances just after AddRoleToInstanceProfile: `InvalidParameterValue` "Invalid IAM
    /// Instance Profile name". (IAM User Guide, "Using instance profiles": a new instance profile
    /// may take a few seconds to be usable, IAM being eventually consistent.)
    ProfileForEc2,
    /// CreateFunction just after CreateRole: `InvalidParameterValueException` "The role defined for
    /// the function cannot be assumed by Lambda". (Lambda Developer Guide, "Troubleshoot deployment
    /// issues": retry after IAM propagates the role.)
    RoleForLambda,
    /// PutBucketNotificationConfiguration just after AddPermission: `InvalidArgument` "Unable to
    /// validate the following destination configurations". (S3 User Guide, "Granting permissions to
    /// invoke an AWS Lambda function": S3 validates the destination when the configuration is put.)
    PermissionForS3,
    /// A call on a bucket just after CreateBucket: `NoSuchBucket`. (S3 User Guide, "Amazon S3 data
    /// consistency model": bucket configurations are eventually consistent.)
    NewBucket,
    /// CreateBucket with a name just deleted: `OperationAborted` "A conflicting conditional
    /// operation is currently in progress". (S3 API Reference, CreateBucket errors.)
    ReusedBucketName,
    /// DeleteLoginProfile soon after CreateLoginProfile: `EntityTemporarilyUnmodifiable`. (IAM API
    /// Reference, DeleteLoginProfile errors: the entity is temporarily unmodifiable.)
    NewLoginProfile,
}

impl Rule {
    pub const ALL: [Rule; 6] = [
        Rule::ProfileForEc2,
        Rule::RoleForLambda,
        Rule::PermissionForS3,
        Rule::NewBucket,
        Rule::ReusedBucketName,
        Rule::NewLoginProfile,
    ];

    /// Whether `e` is this rule's error, and only that.
    pub fn matches(self, e: &CloudError) -> bool {
        let service = |want: &str, needle: &str| {
            matches!(e, CloudError::Service { code, msg, .. }
                if code == want && (needle.is_empty() || msg.contains(needle)))
        };
        match self {
            Rule::ProfileForEc2 => service("InvalidParameterValue", "nstance Profile"),
            Rule::RoleForLambda => service("InvalidParameterValueException", "cannot be assumed"),
            Rule::PermissionForS3 => service(
                "InvalidArgument",
                "Unable to validate the following destination configurations",
            ),
            // The bucket is the only thing a bucket call can miss right after CreateBucket.
            Rule::NewBucket => e.is_not_found(),
            Rule::ReusedBucketName => service("OperationAborted", ""),
            Rule::NewLoginProfile => service("EntityTemporarilyUnmodifiable", ""),
        }
    }

    /// How long the rule's error is worth waiting out, in all.
    fn budget(self) -> Duration {
        match self {
            // IAM to EC2 and Lambda is the slowest path: AWS says "a few seconds", seen up to ~30.
            Rule::ProfileForEc2 | Rule::RoleForLambda => Duration::from_secs(90),
            _ => Duration::from_secs(45),
        }
    }

    /// What the learner is told while pasos waits.
    pub fn waiting(self) -> Text {
        match self {
            Rule::ProfileForEc2 => {
                tr!(es: "EC2 aún no ve el perfil de instancia recién creado (IAM tarda unos segundos en propagarse); reintento", en: "EC2 does not see the new instance profile yet (IAM takes a few seconds to propagate); retrying")
            }
            Rule::RoleForLambda => {
                tr!(es: "Lambda aún no puede asumir el rol recién creado (IAM se está propagando); reintento", en: "Lambda cannot assume the new role yet (IAM is propagating); retrying")
            }
            Rule::PermissionForS3 => {
                tr!(es: "S3 aún no ve el permiso recién dado a la Lambda; reintento", en: "S3 does not see the Lambda's new permission yet; retrying")
            }
            Rule::NewBucket => {
                tr!(es: "el bucket recién creado aún no es visible en S3; reintento", en: "the new bucket is not visible in S3 yet; retrying")
            }
            Rule::ReusedBucketName => {
                tr!(es: "S3 aún está liberando ese nombre de bucket (se borró hace poco); reintento", en: "S3 is still releasing that bucket name (it was deleted recently); retrying")
            }
            Rule::NewLoginProfile => {
                tr!(es: "IAM aún no deja cambiar el acceso a la consola recién creado; reintento", en: "IAM does not let the new console access change yet; retrying")
            }
        }
    }
}

/// The waits between tries: `first`, doubling up to `cap`, while the total stays within `budget`.
#[derive(Clone, Copy, Debug)]
pub struct Backoff {
    pub first: Duration,
    pub cap: Duration,
    pub budget: Duration,
}

impl Backoff {
    pub fn for_rule(rule: Rule) -> Backoff {
        Backoff {
            first: Duration::from_millis(500),
            cap: Duration::from_secs(8),
            budget: rule.budget(),
        }
    }
}

/// Runs `call`, and again while it fails with `rule`'s error, waiting 0.5 s, 1 s, 2 s … (at most
/// 8 s between tries) within the rule's budget; `on_wait` hears each wait.
pub async fn settle<T, F, Fut>(
    rule: Rule,
    on_wait: &(dyn Fn(Rule) + Sync),
    call: F,
) -> Result<T, CloudError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, CloudError>>,
{
    settle_with(rule, Backoff::for_rule(rule), on_wait, call).await
}

pub async fn settle_with<T, F, Fut>(
    rule: Rule,
    backoff: Backoff,
    on_wait: &(dyn Fn(Rule) + Sync),
    mut call: F,
) -> Result<T, CloudError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, CloudError>>,
{
    let mut delay = backoff.first;
    let mut waited = Duration::ZERO;
    loop {
        match call().await {
            Err(e) if rule.matches(&e) && waited + delay <= backoff.budget => {
                tracing::info!(?rule, error = %e, "waiting for AWS to propagate");
                on_wait(rule);
                tokio::time::sleep(delay).await;
                waited += delay;
                delay = (delay * 2).min(backoff.cap);
            }
            other => return other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    fn svc(code: &str, msg: &str) -> CloudError {
        CloudError::Service {
            op: "X",
            code: code.into(),
            msg: msg.into(),
            status: 400,
        }
    }

    #[test]
    fn each_rule_matches_its_error_only() {
        let cases = [
            (
                Rule::ProfileForEc2,
                svc(
                    "InvalidParameterValue",
                    "Value (p) for parameter iamInstanceProfile.name is invalid. Invalid IAM Instance Profile name",
                ),
            ),
            (
                Rule::RoleForLambda,
                svc(
                    "InvalidParameterValueException",
                    "The role defined for the function cannot be assumed by Lambda.",
                ),
            ),
            (
                Rule::PermissionForS3,
                svc(
                    "InvalidArgument",
                    "Unable to validate the following destination configurations",
                ),
            ),
            (
                Rule::NewBucket,
                CloudError::NotFound {
                    op: "PutBucketTagging",
                    msg: "The specified bucket does not exist".into(),
                },
            ),
            (
                Rule::ReusedBucketName,
                svc(
                    "OperationAborted",
                    "A conflicting conditional operation is currently in progress",
                ),
            ),
            (
                Rule::NewLoginProfile,
                svc(
                    "EntityTemporarilyUnmodifiable",
                    "Login Profile for User u cannot be modified",
                ),
            ),
        ];
        for (rule, err) in &cases {
            for (other, _) in &cases {
                assert_eq!(
                    other.matches(err),
                    other == rule || (*other == Rule::NewBucket && err.is_not_found()),
                    "{other:?} on {err:?}"
                );
            }
        }
        assert!(!Rule::PermissionForS3.matches(&svc("InvalidArgument", "something else")));
        assert!(!Rule::ProfileForEc2.matches(&svc(
            "InvalidParameterValue",
            "Invalid value for instance type"
        )));
    }

    /// The real schedule divided by 500: same number of tries, milliseconds instead of seconds.
    fn fast(rule: Rule) -> Backoff {
        let b = Backoff::for_rule(rule);
        Backoff {
            first: b.first / 500,
            cap: b.cap / 500,
            budget: b.budget / 500,
        }
    }

    #[tokio::test]
    async fn retries_only_its_error_and_gives_up_within_budget() {
        let calls = AtomicUsize::new(0);
        let waits = AtomicUsize::new(0);
        let r: Result<u8, _> = settle_with(
            Rule::NewLoginProfile,
            fast(Rule::NewLoginProfile),
            &|_| {
                waits.fetch_add(1, Ordering::SeqCst);
            },
            || async {
                if calls.fetch_add(1, Ordering::SeqCst) < 3 {
                    Err(svc("EntityTemporarilyUnmodifiable", ""))
                } else {
                    Ok(7)
                }
            },
        )
        .await;
        assert_eq!(r.unwrap(), 7);
        assert_eq!(
            (calls.load(Ordering::SeqCst), waits.load(Ordering::SeqCst)),
            (4, 3)
        );

        let calls = AtomicUsize::new(0);
        let r: Result<u8, _> = settle_with(
            Rule::NewLoginProfile,
            fast(Rule::NewLoginProfile),
            &|_| {},
            || async {
                calls.fetch_add(1, Ordering::SeqCst);
                Err(svc("AccessDenied", ""))
            },
        )
        .await;
        assert!(r.is_err());
        assert_eq!(
            calls.load(Ordering::SeqCst),
            1,
            "another error is not retried"
        );

        let calls = AtomicUsize::new(0);
        let r: Result<u8, _> =
            settle_with(Rule::NewBucket, fast(Rule::NewBucket), &|_| {}, || async {
                calls.fetch_add(1, Ordering::SeqCst);
                Err(CloudError::NotFound {
                    op: "X",
                    msg: String::new(),
                })
            })
            .await;
        assert!(r.is_err());
        // 0.5 + 1 + 2 + 4 + 8 + 8 + 8 + 8 = 39.5 s ≤ 45 s: 9 calls, then it gives up.
        assert_eq!(calls.load(Ordering::SeqCst), 9);
    }
}
