//! AWS realism for the test proxy: what real AWS does that the emulators (ministack 1.5.33, moto 5)
//! skip, reproduced between pasos and the emulator. Each rule names the AWS documentation it follows
//! and counts how often it fired, so a test can prove every rule was exercised (a rule that never
//! fires proves nothing). Loaded by `proxy.rs`; see `ProxyConfig::realism`.
#![allow(dead_code)]

use super::Request;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Which kind of account the proxy pretends to be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Account {
    /// Created before 2025-07-15: PAID plan, legacy free tier (t2.micro).
    Legacy,
    /// Created on or after 2025-07-15: FREE plan; RunInstances refuses types outside the free tier.
    FreePlan,
}

/// Propagation is modelled at its worst: after the call that starts it (CreateRole, AddPermission…),
/// the first dependent call fails with AWS's error, and so does every retry within `window` of that
/// first failure. Deterministic (the rule always fires once), and a client that does not retry on
/// exactly that error, or gives up too soon, fails the test.
#[derive(Clone, Debug)]
pub struct RealismConfig {
    pub account: Account,
    /// How long a propagation lasts, counted from the first dependent call.
    pub window: Duration,
    /// Buckets that exist in another region: HeadBucket answers 301 with that region.
    pub foreign_buckets: Vec<(String, String)>,
    /// How long CloudWatch Logs takes to make a log event searchable.
    pub log_delay: Duration,
    /// The network loses the answer to the first RunInstances that launched something: the client
    /// must retry with the same ClientToken and get that instance back, not launch a twin.
    pub lose_first_launch: bool,
}

impl RealismConfig {
    pub fn new(account: Account) -> RealismConfig {
        RealismConfig {
            account,
            window: Duration::from_secs(3),
            foreign_buckets: Vec::new(),
            log_delay: Duration::from_secs(2),
            lose_first_launch: false,
        }
    }
}

/// The rules, by the name a test asserts on.
pub const I386_LISTED: &str = "t2 lists i386 first";
pub const FREE_TIER_PAGED: &str = "free-tier list paged with NextToken";
pub const TOKEN_REPLAYED: &str = "ClientToken replayed the original answer";
pub const TOKEN_MISMATCH: &str = "ClientToken reused with other parameters";
pub const PROFILE_NOT_YET: &str = "instance profile not yet visible to EC2";
pub const ROLE_NOT_YET: &str = "role not yet assumable by Lambda";
pub const PERMISSION_NOT_YET: &str = "Lambda permission not yet visible to S3";
pub const NO_PERMISSION: &str = "notification without a Lambda permission";
pub const LOGIN_PROFILE_LOCKED: &str = "login profile temporarily unmodifiable";
pub const BUCKET_NOT_YET: &str = "new bucket not yet visible";
pub const BUCKET_NAME_BUSY: &str = "deleted bucket name not yet free";
pub const BUCKET_ELSEWHERE: &str = "bucket in another region (301)";
pub const NOT_FREE_TIER: &str = "free plan refused a paid type";
pub const PLAN_STATE: &str = "GetAccountPlanState answered";
pub const LOGS_LATE: &str = "log events not yet searchable";
pub const LAUNCH_ANSWER_LOST: &str = "answer to a launch lost on the way back";

#[derive(Default)]
struct State {
    /// (rule, name) → when the first dependent call was refused (None: not tried yet).
    pending: HashMap<(&'static str, String), Option<Instant>>,
    permitted: HashSet<String>,
    /// ClientToken → (request body, the first answer).
    tokens: HashMap<String, (Vec<u8>, Vec<u8>)>,
    fired: BTreeMap<&'static str, u64>,
    launch_lost: bool,
}

impl std::fmt::Debug for Realism {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Realism")
            .field("cfg", &self.cfg)
            .finish_non_exhaustive()
    }
}

pub struct Realism {
    cfg: RealismConfig,
    st: Mutex<State>,
}

/// What to do with one request.
pub enum Verdict {
    /// Answer it here; the emulator never sees it.
    Answer(Vec<u8>),
    Forward,
}

/// One type of the bundled instance-type table: (name, architectures, free on Legacy, free on FreePlan).
/// Real data from DescribeInstanceTypes (t2.* lists i386 first; t4g is Graviton).
const TYPES: &[(&str, &[&str], bool, bool)] = &[
    ("c5.large", &["x86_64"], false, false),
    ("c7i-flex.large", &["x86_64"], false, true),
    ("m5.large", &["x86_64"], false, false),
    ("m7i-flex.large", &["x86_64"], false, true),
    ("t2.micro", &["i386", "x86_64"], true, false),
    ("t2.small", &["i386", "x86_64"], false, false),
    ("t3.micro", &["x86_64"], false, true),
    ("t3.small", &["x86_64"], false, true),
    ("t4g.micro", &["arm64"], false, true),
    ("t4g.small", &["arm64"], false, true),
];

impl Realism {
    pub fn new(cfg: RealismConfig) -> Realism {
        Realism {
            cfg,
            st: Mutex::new(State::default()),
        }
    }

    /// How often each rule fired.
    pub fn fired(&self) -> BTreeMap<&'static str, u64> {
        self.state().fired.clone()
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.st.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn fire(&self, rule: &'static str) {
        *self.state().fired.entry(rule).or_default() += 1;
    }

    fn free(&self, t: &str) -> bool {
        TYPES.iter().any(|(n, _, legacy, plan)| {
            *n == t
                && match self.cfg.account {
                    Account::Legacy => *legacy,
                    Account::FreePlan => *plan,
                }
        })
    }

    /// Starts a propagation of `rule` for `name`.
    fn start(&self, rule: &'static str, name: &str) {
        self.state().pending.insert((rule, name.to_string()), None);
    }

    /// Whether a dependent call on `name` must still fail for `rule` (and counts it).
    fn propagating(&self, rule: &'static str, name: &str) -> bool {
        let mut st = self.state();
        let key = (rule, name.to_string());
        let refuse = match st.pending.get(&key) {
            None => false,
            Some(None) => {
                st.pending.insert(key, Some(Instant::now()));
                true
            }
            Some(Some(t)) if t.elapsed() < self.cfg.window => true,
            Some(Some(_)) => {
                st.pending.remove(&key);
                false
            }
        };
        if refuse {
            *st.fired.entry(rule).or_default() += 1;
        }
        refuse
    }

    /// Before forwarding: answer here what the emulator would get wrong.
    pub(super) fn before(&self, req: &Request) -> Verdict {
        let svc = req.service();
        let q = params(req);
        let action = q.get("Action").map(String::as_str).unwrap_or("");
        match (svc.as_str(), action) {
            ("ec2", "DescribeInstanceTypes") => return Verdict::Answer(self.instance_types(&q)),
            ("ec2", "RunInstances") => return self.run_instances(req, &q),
            ("iam", "DeleteLoginProfile") => {
                let u = q.get("UserName").cloned().unwrap_or_default();
                if self.propagating(LOGIN_PROFILE_LOCKED, &u) {
                    // IAM API Reference, DeleteLoginProfile: EntityTemporarilyUnmodifiable (409).
                    return Verdict::Answer(error(
                        &svc,
                        409,
                        "EntityTemporarilyUnmodifiable",
                        &format!(
                            "Login Profile for User {u} cannot be modified while login profile is being created."
                        ),
                    ));
                }
            }
            _ => {}
        }
        if let Some(t) = req.header("x-amz-target")
            && t.ends_with("GetAccountPlanState")
        {
            {
                // Free Tier API: accounts from 2025-07-15 on are FREE, older ones PAID.
                self.fire(PLAN_STATE);
                let plan = match self.cfg.account {
                    Account::Legacy => "PAID",
                    Account::FreePlan => "FREE",
                };
                let body = format!(
                    "{{\"accountId\":\"000000000000\",\"accountPlanType\":\"{plan}\",\"accountPlanStatus\":\"ACTIVE\",\"accountPlanRemainingCredits\":{{\"amount\":87.5,\"unit\":\"USD\"}},\"accountPlanExpirationDate\":\"2026-07-20T00:00:00Z\"}}"
                );
                return Verdict::Answer(respond(200, "application/x-amz-json-1.0", "", &body));
            }
        }
        if svc == "lambda"
            && req.method == "POST"
            && req.path.split('?').next() == Some("/2015-03-31/functions")
        {
            let body: serde_json::Value = serde_json::from_slice(&req.body).unwrap_or_default();
            let role = body["Role"]
                .as_str()
                .unwrap_or("")
                .rsplit('/')
                .next()
                .unwrap_or("")
                .to_string();
            if self.propagating(ROLE_NOT_YET, &role) {
                // Lambda Developer Guide: a role right after creation "cannot be assumed by Lambda".
                return Verdict::Answer(error(
                    "lambda",
                    400,
                    "InvalidParameterValueException",
                    "The role defined for the function cannot be assumed by Lambda.",
                ));
            }
        }
        if svc == "s3" {
            return self.s3_before(req);
        }
        Verdict::Forward
    }

    fn s3_before(&self, req: &Request) -> Verdict {
        let (bucket, key, query) = s3_target(&req.path);
        let has_key = !key.is_empty();
        if let Some((_, region)) = self.cfg.foreign_buckets.iter().find(|(b, _)| *b == bucket) {
            // S3: a bucket in another region answers HeadBucket with 301 and its region.
            self.fire(BUCKET_ELSEWHERE);
            let head = format!("x-amz-bucket-region: {region}\r\n");
            return Verdict::Answer(respond(301, "application/xml", &head, ""));
        }
        let create_bucket = req.method == "PUT" && !has_key && query.is_empty();
        if create_bucket && self.propagating(BUCKET_NAME_BUSY, &bucket) {
            // S3 API Reference, CreateBucket: OperationAborted while a deleted name is released.
            return Verdict::Answer(error(
                "s3",
                409,
                "OperationAborted",
                "A conflicting conditional operation is currently in progress against this resource. Please try again.",
            ));
        }
        let config_write = req.method == "PUT" && (has_key || query.starts_with("tagging"));
        if config_write && self.propagating(BUCKET_NOT_YET, &bucket) {
            // S3 consistency model: a new bucket is not visible everywhere at once.
            return Verdict::Answer(error(
                "s3",
                404,
                "NoSuchBucket",
                "The specified bucket does not exist",
            ));
        }
        if req.method == "PUT" && query.starts_with("notification") {
            let body = String::from_utf8_lossy(&req.body).into_owned();
            for f in functions_in(&body) {
                if !self.state().permitted.contains(&f) {
                    // S3 validates each destination: no permission, no notification.
                    self.fire(NO_PERMISSION);
                    return Verdict::Answer(error(
                        "s3",
                        400,
                        "InvalidArgument",
                        "Unable to validate the following destination configurations",
                    ));
                }
                if self.propagating(PERMISSION_NOT_YET, &f) {
                    return Verdict::Answer(error(
                        "s3",
                        400,
                        "InvalidArgument",
                        "Unable to validate the following destination configurations",
                    ));
                }
            }
        }
        Verdict::Forward
    }

    /// After the emulator answered: remember what starts a propagation and the first answer to a
    /// ClientToken, hide log events CloudWatch would not have ingested yet.
    pub(super) fn after(&self, req: &Request, answer: Vec<u8>) -> Vec<u8> {
        if status(&answer) / 100 != 2 {
            return answer;
        }
        let svc = req.service();
        let q = params(req);
        let name = |k: &str| q.get(k).cloned().unwrap_or_default();
        match (
            svc.as_str(),
            q.get("Action").map(String::as_str).unwrap_or(""),
        ) {
            ("iam", "AddRoleToInstanceProfile") => {
                self.start(PROFILE_NOT_YET, &name("InstanceProfileName"))
            }
            ("iam", "CreateRole") => self.start(ROLE_NOT_YET, &name("RoleName")),
            ("iam", "CreateLoginProfile") => self.start(LOGIN_PROFILE_LOCKED, &name("UserName")),
            ("ec2", "RunInstances") => {
                let mut st = self.state();
                if let Some(t) = q.get("ClientToken") {
                    st.tokens
                        .entry(t.clone())
                        .or_insert_with(|| (req.body.clone(), answer.clone()));
                }
                if self.cfg.lose_first_launch && !st.launch_lost {
                    st.launch_lost = true;
                    *st.fired.entry(LAUNCH_ANSWER_LOST).or_default() += 1;
                    // An empty answer: the proxy closes the connection without a response.
                    return Vec::new();
                }
            }
            _ => {}
        }
        let (path, _) = req.path.split_once('?').unwrap_or((&req.path, ""));
        if svc == "lambda" && req.method == "POST" && path.ends_with("/policy") {
            let f = decode(
                path.trim_end_matches("/policy")
                    .rsplit('/')
                    .next()
                    .unwrap_or(""),
            );
            self.state().permitted.insert(f.clone());
            self.start(PERMISSION_NOT_YET, &f);
        }
        if svc == "lambda" && req.method == "DELETE" && path.contains("/policy/") {
            // RemovePermission: the function may no longer be a destination.
            let f = decode(
                path.split("/policy/")
                    .next()
                    .unwrap_or("")
                    .rsplit('/')
                    .next()
                    .unwrap_or(""),
            );
            self.state().permitted.remove(&f);
        }
        let (bucket, key, s3_query) = s3_target(&req.path);
        if svc == "s3" && key.is_empty() && s3_query.is_empty() && !bucket.is_empty() {
            match req.method.as_str() {
                "PUT" => self.start(BUCKET_NOT_YET, &bucket),
                "DELETE" => self.start(BUCKET_NAME_BUSY, &bucket),
                _ => {}
            }
        }
        if req
            .header("x-amz-target")
            .is_some_and(|t| t.ends_with("FilterLogEvents"))
        {
            return self.late_logs(answer);
        }
        answer
    }

    fn run_instances(&self, req: &Request, q: &HashMap<String, String>) -> Verdict {
        if let Some(token) = q.get("ClientToken") {
            let seen = self.state().tokens.get(token).cloned();
            if let Some((body, answer)) = seen {
                // EC2 "Ensuring idempotency": same token and parameters return the original
                // result, for at least 24 h after the instance terminated; other parameters fail.
                if body == req.body {
                    self.fire(TOKEN_REPLAYED);
                    return Verdict::Answer(answer);
                }
                self.fire(TOKEN_MISMATCH);
                return Verdict::Answer(error(
                    "ec2",
                    400,
                    "IdempotentParameterMismatch",
                    "The client token you have provided is associated with a resource that is already deleted or has different parameters.",
                ));
            }
        }
        if let Some(p) = q.get("IamInstanceProfile.Name")
            && self.propagating(PROFILE_NOT_YET, p)
        {
            // IAM is eventually consistent: EC2 does not see a new instance profile at once.
            return Verdict::Answer(error(
                "ec2",
                400,
                "InvalidParameterValue",
                &format!(
                    "Value ({p}) for parameter iamInstanceProfile.name is invalid. Invalid IAM Instance Profile name"
                ),
            ));
        }
        let it = q.get("InstanceType").cloned().unwrap_or_default();
        if self.cfg.account == Account::FreePlan && !self.free(&it) {
            // Free plan accounts: RunInstances refuses types outside the free tier.
            self.fire(NOT_FREE_TIER);
            return Verdict::Answer(error(
                "ec2",
                400,
                "InvalidParameterCombination",
                "The specified instance type is not eligible for Free Tier. For a list of Free Tier instance types, run 'describe-instance-types' with the filter 'free-tier-eligible=true'.",
            ));
        }
        Verdict::Forward
    }

    /// DescribeInstanceTypes from the bundled real data, free tier by account kind, paged by 2 when
    /// filtered (AWS pages this answer; a client that ignores NextToken misses types).
    fn instance_types(&self, q: &HashMap<String, String>) -> Vec<u8> {
        let asked: Vec<&String> = q
            .iter()
            .filter(|(k, _)| k.starts_with("InstanceType."))
            .map(|(_, v)| v)
            .collect();
        let free_filter = q
            .iter()
            .any(|(k, v)| k.ends_with(".Name") && v == "free-tier-eligible");
        let mut rows: Vec<&(&str, &[&str], bool, bool)> = TYPES
            .iter()
            .filter(|(n, ..)| asked.is_empty() || asked.iter().any(|a| a == n))
            .filter(|(n, ..)| !free_filter || self.free(n))
            .collect();
        if let Some(unknown) = asked
            .iter()
            .find(|a| !TYPES.iter().any(|(n, ..)| *n == a.as_str()))
        {
            return error(
                "ec2",
                400,
                "InvalidInstanceType",
                &format!("The following supplied instance types do not exist: [{unknown}]"),
            );
        }
        let mut next = String::new();
        if free_filter {
            let start: usize = q
                .get("NextToken")
                .and_then(|t| t.strip_prefix("page-"))
                .and_then(|n| n.parse().ok())
                .unwrap_or(0);
            if rows.len() > start + 2 {
                next = format!("<nextToken>page-{}</nextToken>", start + 2);
                self.fire(FREE_TIER_PAGED);
            }
            rows = rows.into_iter().skip(start).take(2).collect();
        }
        let mut items = String::new();
        for (n, archs, ..) in rows {
            if archs.first() == Some(&"i386") {
                self.fire(I386_LISTED);
            }
            let a: String = archs.iter().map(|a| format!("<item>{a}</item>")).collect();
            items.push_str(&format!("<item><instanceType>{n}</instanceType><freeTierEligible>{}</freeTierEligible><processorInfo><supportedArchitectures>{a}</supportedArchitectures></processorInfo></item>", self.free(n)));
        }
        let body = format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<DescribeInstanceTypesResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\"><requestId>realism</requestId><instanceTypeSet>{items}</instanceTypeSet>{next}</DescribeInstanceTypesResponse>"
        );
        respond(200, "text/xml", "", &body)
    }

    /// CloudWatch Logs makes events searchable seconds after they are written: drop the newest.
    fn late_logs(&self, answer: Vec<u8>) -> Vec<u8> {
        let Some(split) = answer.windows(4).position(|w| w == b"\r\n\r\n") else {
            return answer;
        };
        let Ok(mut v) = serde_json::from_slice::<serde_json::Value>(&answer[split + 4..]) else {
            return answer;
        };
        let now_ms = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as i64);
        let cutoff = now_ms - self.cfg.log_delay.as_millis() as i64;
        let mut hid = false;
        if let Some(events) = v.get_mut("events").and_then(|e| e.as_array_mut()) {
            let before = events.len();
            events.retain(|e| e["timestamp"].as_i64().unwrap_or(0) <= cutoff);
            hid = events.len() < before;
        }
        if hid {
            self.fire(LOGS_LATE);
        }
        respond(200, "application/x-amz-json-1.1", "", &v.to_string())
    }
}

/// Query parameters: the form body of the Query protocols (IAM, EC2), else the URL's query.
fn params(req: &Request) -> HashMap<String, String> {
    let form = req
        .header("content-type")
        .is_some_and(|c| c.contains("x-www-form-urlencoded"));
    let raw = if form {
        String::from_utf8_lossy(&req.body).into_owned()
    } else {
        req.path
            .split_once('?')
            .map(|(_, q)| q.to_string())
            .unwrap_or_default()
    };
    raw.split('&')
        .filter(|kv| !kv.is_empty())
        .map(|kv| {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            (decode(k), decode(v))
        })
        .collect()
}

/// Percent-decoding with `+` as a space (form encoding).
fn decode(s: &str) -> String {
    let b = s.as_bytes();
    let hex = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match (
            b[i],
            b.get(i + 1).copied().and_then(hex),
            b.get(i + 2).copied().and_then(hex),
        ) {
            (b'+', ..) => out.push(b' '),
            (b'%', Some(h), Some(l)) => {
                out.push(h * 16 + l);
                i += 2;
            }
            (c, ..) => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// (bucket, key, query) of a path-style S3 request: `/bucket/`, `/bucket/key?x-id=PutObject`.
fn s3_target(path: &str) -> (String, String, String) {
    let (p, q) = path.split_once('?').unwrap_or((path, ""));
    let p = p.trim_start_matches('/');
    let (b, k) = p.split_once('/').unwrap_or((p, ""));
    (b.to_string(), k.to_string(), q.to_string())
}

/// Function names named by `<CloudFunction>` elements of a notification configuration.
fn functions_in(xml: &str) -> Vec<String> {
    xml.split("<CloudFunction>")
        .skip(1)
        .filter_map(|s| s.split("</CloudFunction>").next())
        .map(|arn| {
            arn.rsplit(":function:")
                .next()
                .unwrap_or(arn)
                .split(':')
                .next()
                .unwrap_or("")
                .to_string()
        })
        .collect()
}

fn status(answer: &[u8]) -> u16 {
    String::from_utf8_lossy(&answer[..answer.len().min(16)])
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0)
}

fn respond(status: u16, ctype: &str, extra: &str, body: &str) -> Vec<u8> {
    let reason = match status {
        200 => "OK",
        301 => "Moved Permanently",
        400 => "Bad Request",
        404 => "Not Found",
        409 => "Conflict",
        _ => "Error",
    };
    format!("HTTP/1.1 {status} {reason}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nx-amzn-RequestId: realism\r\n{extra}Connection: close\r\n\r\n{body}", body.len()).into_bytes()
}

/// An AWS error in the service's own protocol.
fn error(svc: &str, status: u16, code: &str, msg: &str) -> Vec<u8> {
    match svc {
        "ec2" => respond(
            status,
            "text/xml",
            "",
            &format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error><Code>{code}</Code><Message>{msg}</Message></Error></Errors><RequestID>realism</RequestID></Response>"
            ),
        ),
        "iam" | "sts" => respond(
            status,
            "text/xml",
            "",
            &format!(
                "<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>{msg}</Message></Error><RequestId>realism</RequestId></ErrorResponse>"
            ),
        ),
        "s3" => respond(
            status,
            "application/xml",
            "",
            &format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{code}</Code><Message>{msg}</Message><RequestId>realism</RequestId></Error>"
            ),
        ),
        _ => respond(
            status,
            "application/json",
            &format!("x-amzn-ErrorType: {code}\r\n"),
            &format!("{{\"Type\":\"User\",\"message\":\"{msg}\"}}"),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_decoding_and_notification_functions() {
        assert_eq!(decode("a%2Fb+c"), "a/b c");
        assert_eq!(decode("100%"), "100%");
        let xml = "<NotificationConfiguration><CloudFunctionConfiguration><CloudFunction>arn:aws:lambda:us-east-1:000000000000:function:resize-photos</CloudFunction></CloudFunctionConfiguration></NotificationConfiguration>";
        assert_eq!(functions_in(xml), ["resize-photos"]);
    }
}
