//! The one place SDK errors become `CloudError`: a small enum the engine and both fronts understand.
//!
//! Why one place: each service's error type is different, but what a learner needs to know is the same
//! few things (not found, already there, throttled, no network, no permission). Codes are matched as
//! strings so the mapping also covers operations whose modeled errors do not list them.

use crate::i18n::Text;
use crate::tr;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

#[derive(Debug, Clone, thiserror::Error)]
pub enum CloudError {
    #[error("no AWS region configured")]
    NoRegion,
    #[error("`{0}` is not an AWS region")]
    BadRegion(String),
    #[error("`{0}` is not an endpoint URL")]
    BadEndpoint(String),
    #[error("no AWS credentials: {0}")]
    NoCredentials(String),
    #[error("the credentials were refused: {0}")]
    BadCredentials(String),
    #[error("nobody answers at {0}")]
    Unreachable(String),
    #[error("{op}: not found: {msg}")]
    NotFound { op: &'static str, msg: String },
    #[error("{op}: already exists: {msg}")]
    AlreadyExists { op: &'static str, msg: String },
    #[error("{op}: the name is taken by another account: {msg}")]
    TakenElsewhere { op: &'static str, msg: String },
    #[error("{op}: throttled: {msg}")]
    Throttled { op: &'static str, msg: String },
    #[error("{op}: still in use: {msg}")]
    Conflict { op: &'static str, msg: String },
    #[error("{op}: access denied: {msg}")]
    AccessDenied { op: &'static str, msg: String },
    #[error("{op}: {code}: {msg}")]
    Service {
        op: &'static str,
        code: String,
        msg: String,
        status: u16,
    },
    #[error("{op}: timed out")]
    Timeout { op: &'static str },
    #[error("{op}: {msg}")]
    Other { op: &'static str, msg: String },
}

impl CloudError {
    /// Maps any SDK error once, by its error code, status and transport failure kind.
    pub fn from_sdk<E>(op: &'static str, err: SdkError<E, HttpResponse>) -> CloudError
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        match &err {
            SdkError::DispatchFailure(d) => {
                if d.is_timeout() {
                    CloudError::Timeout { op }
                } else {
                    CloudError::Unreachable(
                        d.as_connector_error()
                            .map_or_else(|| "connection failed".to_string(), |c| c.to_string()),
                    )
                }
            }
            SdkError::TimeoutError(_) => CloudError::Timeout { op },
            // Not an AWS error at all (a request that could not be built, an answer the SDK could
            // not parse): the whole cause chain is the only useful thing to show.
            SdkError::ConstructionFailure(_) | SdkError::ResponseError(_) => CloudError::Other {
                op,
                msg: full_context(&err),
            },
            _ => {
                let status = err.raw_response().map(|r| r.status().as_u16()).unwrap_or(0);
                let code = err.code().unwrap_or("").to_string();
                let msg = err.message().unwrap_or("").to_string();
                if code.is_empty() && msg.is_empty() && status != 404 {
                    // A service error without code or message (a bare 301, an HTML error page):
                    // say what the SDK knows instead of "op: : ".
                    return CloudError::Other {
                        op,
                        msg: format!("HTTP {status}: {}", full_context(&err)),
                    };
                }
                Self::from_code(op, &code, msg, status)
            }
        }
    }

    /// Classifies an AWS error code (shared by every service).
    pub fn from_code(op: &'static str, code: &str, msg: String, status: u16) -> CloudError {
        match code {
            "NoSuchEntity"
            | "NoSuchBucket"
            | "NoSuchKey"
            | "ResourceNotFoundException"
            | "NotFound"
            | "NoSuchConfiguration"
            | "ParameterNotFound" => CloudError::NotFound { op, msg },
            c if c.ends_with(".NotFound") || c.ends_with(".Malformed") && status == 404 => {
                CloudError::NotFound { op, msg }
            }
            "EntityAlreadyExists"
            | "BucketAlreadyOwnedByYou"
            | "ResourceConflictException"
            | "InvalidGroup.Duplicate"
            | "InvalidPermission.Duplicate"
            | "InvalidKeyPair.Duplicate" => CloudError::AlreadyExists { op, msg },
            "BucketAlreadyExists" => CloudError::TakenElsewhere { op, msg },
            "Throttling"
            | "ThrottlingException"
            | "TooManyRequestsException"
            | "RequestLimitExceeded"
            | "SlowDown"
            | "RequestThrottled"
            | "ThrottledException" => CloudError::Throttled { op, msg },
            "DeleteConflict" | "DependencyViolation" | "BucketNotEmpty" | "InvalidGroup.InUse" => {
                CloudError::Conflict { op, msg }
            }
            "InvalidClientTokenId"
            | "SignatureDoesNotMatch"
            | "ExpiredToken"
            | "UnrecognizedClientException"
            | "InvalidAccessKeyId"
            | "AuthFailure" => CloudError::BadCredentials(msg),
            c if c.starts_with("AccessDenied") || c == "UnauthorizedOperation" => {
                CloudError::AccessDenied { op, msg }
            }
            "" if status == 404 => CloudError::NotFound { op, msg },
            _ => CloudError::Service {
                op,
                code: code.to_string(),
                msg,
                status,
            },
        }
    }

    pub fn is_not_found(&self) -> bool {
        matches!(self, CloudError::NotFound { .. })
    }

    pub fn is_already_exists(&self) -> bool {
        matches!(self, CloudError::AlreadyExists { .. })
    }

    /// Worth another try: throttling, 5xx, timeouts and lost connections. The SDK already retries
    /// these a few times; the engine adds its own bounded retries on top for long waits.
    pub fn is_transient(&self) -> bool {
        match self {
            CloudError::Throttled { .. } | CloudError::Timeout { .. } => true,
            CloudError::Unreachable(_) => true,
            CloudError::Service { status, code, .. } => {
                *status >= 500 || code == "InternalError" || code == "ServiceUnavailable"
            }
            _ => false,
        }
    }

    /// What went wrong and what to do, in both languages: one line for the user.
    pub fn text(&self) -> Text {
        match self {
            CloudError::NoRegion => tr!(
                es: "No hay región de AWS configurada: usa --region us-east-1, `aws configure`, o --sandbox para el entorno local",
                en: "No AWS region is configured: pass --region us-east-1, run `aws configure`, or use --sandbox for the local sandbox"
            ),
            CloudError::BadRegion(r) => tr!(
                es: "`{r}` no es una región de AWS (ejemplos: us-east-1, eu-west-1); corrige --region o AWS_REGION",
                en: "`{r}` is not an AWS region (e.g. us-east-1, eu-west-1); fix --region or AWS_REGION"
            ),
            CloudError::BadEndpoint(e) => tr!(
                es: "`{e}` no es una URL de endpoint (ejemplo: http://127.0.0.1:4566); corrige --endpoint-url",
                en: "`{e}` is not an endpoint URL (e.g. http://127.0.0.1:4566); fix --endpoint-url"
            ),
            CloudError::NoCredentials(why) => tr!(
                es: "No se encontraron credenciales de AWS ({why}): ejecuta `aws configure` o `aws configure sso`, elige un perfil con --profile, o usa --sandbox",
                en: "No AWS credentials found ({why}): run `aws configure` or `aws configure sso`, pick one with --profile, or use --sandbox"
            ),
            CloudError::BadCredentials(why) => tr!(
                es: "AWS rechazó las credenciales ({why}): revisa el perfil (--profile) o renueva la sesión (`aws sso login`)",
                en: "AWS refused the credentials ({why}): check the profile (--profile) or renew the session (`aws sso login`)"
            ),
            CloudError::Unreachable(why) => tr!(
                es: "No responde nadie en el endpoint ({why}): revisa la red o --endpoint-url; para el entorno local, `pasos sandbox start`",
                en: "Nothing answers at the endpoint ({why}): check the network or --endpoint-url; for the local sandbox, `pasos sandbox start`"
            ),
            CloudError::AccessDenied { op, msg } => tr!(
                es: "{op}: acceso denegado ({msg}); tu usuario necesita permisos de IAM, EC2, S3 y Lambda",
                en: "{op}: access denied ({msg}); your identity needs IAM, EC2, S3 and Lambda permissions"
            ),
            CloudError::Throttled { op, .. } => tr!(
                es: "{op}: AWS limitó las llamadas; vuelve a intentarlo en un momento",
                en: "{op}: AWS throttled the calls; try again in a moment"
            ),
            CloudError::Timeout { op } => tr!(
                es: "{op}: se agotó el tiempo de espera; revisa la red y vuelve a intentarlo",
                en: "{op}: timed out; check the network and try again"
            ),
            other => {
                let s = other.to_string();
                tr!(es: "Error de AWS: {s}", en: "AWS error: {s}")
            }
        }
    }
}

/// Every cause of an SDK error, as the SDK itself renders them (`DisplayErrorContext`), on one line.
fn full_context(err: &dyn std::error::Error) -> String {
    aws_smithy_types::error::display::DisplayErrorContext(err)
        .to_string()
        .replace('\n', " ")
}

/// The error and its sources on one line (the SDK's Display alone says only "service error").
pub fn error_chain(err: &dyn std::error::Error) -> String {
    let mut out = err.to_string();
    let mut src = err.source();
    while let Some(s) = src {
        out.push_str(": ");
        out.push_str(&s.to_string());
        src = s.source();
    }
    out
}

/// Shorthand used in every service file: `.map_err(sdk("CreateRole"))`.
pub fn sdk<E>(op: &'static str) -> impl FnOnce(SdkError<E, HttpResponse>) -> CloudError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    move |e| CloudError::from_sdk(op, e)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_map_to_kinds() {
        assert!(
            CloudError::from_code("GetRole", "NoSuchEntity", String::new(), 404).is_not_found()
        );
        assert!(
            CloudError::from_code("X", "InvalidGroup.NotFound", String::new(), 400).is_not_found()
        );
        assert!(
            CloudError::from_code("CreateRole", "EntityAlreadyExists", String::new(), 409)
                .is_already_exists()
        );
        assert!(
            CloudError::from_code("X", "ThrottlingException", String::new(), 400).is_transient()
        );
        assert!(CloudError::from_code("X", "InternalError", String::new(), 500).is_transient());
        assert!(!CloudError::from_code("X", "ValidationError", String::new(), 400).is_transient());
        assert!(matches!(
            CloudError::from_code("X", "BucketAlreadyExists", String::new(), 409),
            CloudError::TakenElsewhere { .. }
        ));
    }

    #[test]
    fn an_unparseable_answer_shows_its_whole_cause_chain() {
        // What moto does to GetBucketNotificationConfiguration (an XML root the SDK does not
        // expect) comes back as a ResponseError; it must not print as "op: : ".
        use aws_smithy_runtime_api::http::StatusCode;
        let raw = HttpResponse::new(
            StatusCode::try_from(200).unwrap(),
            aws_smithy_types::body::SdkBody::from("<Wrong/>"),
        );
        let source: Box<dyn std::error::Error + Send + Sync> = "unexpected XML root".into();
        let err: SdkError<aws_sdk_s3::Error, HttpResponse> = SdkError::response_error(source, raw);
        let e = CloudError::from_sdk("GetBucketNotificationConfiguration", err);
        let text = e.text().en.to_string();
        assert!(text.contains("unexpected XML root"), "{text}");
        assert!(!text.contains(": : "), "{text}");
    }
}
