//! Real AWS without an account: the real binary runs the walkthrough through the test proxy in AWS
//! realism mode (`support/realism.rs`: i386 listed for t2, ClientToken idempotency, IAM and S3
//! propagation windows, the 2025 free plan, a bucket in another region, late CloudWatch logs) in
//! front of the sandbox. Every rule must be seen to fire: a rule a test never triggers proves nothing.

use crate::proxy::realism::{self, Account, Realism, RealismConfig};
use crate::proxy::{Fault, Proxy, ProxyConfig};
use crate::support::*;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Arc;
use std::time::Duration;

/// Two sandboxes and a resizer build at once would only slow each other on two cores.
static HEAVY: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn realism(account: Account, foreign: &[(&str, &str)], lose_launch: bool) -> Arc<Realism> {
    let mut cfg = RealismConfig::new(account);
    cfg.lose_first_launch = lose_launch;
    cfg.window = Duration::from_millis(1500);
    cfg.foreign_buckets = foreign
        .iter()
        .map(|(b, r)| (b.to_string(), r.to_string()))
        .collect();
    Arc::new(Realism::new(cfg))
}

fn proxy(sb: &TestSandbox, r: &Arc<Realism>, faults: Vec<Fault>) -> Proxy {
    let mut cfg = ProxyConfig::new(&sb.endpoint, faults);
    cfg.realism = Some(r.clone());
    Proxy::start(cfg)
}

/// A plan folder: the plan, the walkthrough's user data, and a credentials file of its own.
fn work(plan: &str) -> tempfile::TempDir {
    let d = tempfile::Builder::new()
        .prefix("pasos-realism-")
        .tempdir()
        .unwrap();
    std::fs::write(d.path().join("plan.toml"), plan).unwrap();
    std::fs::copy(
        repo_root().join("assets/plans/user-data.sh"),
        d.path().join("user-data.sh"),
    )
    .unwrap();
    d
}

/// `pasos --endpoint-url <proxy>` as a learner with an account would run it (dummy keys for the
/// emulator behind), the resizer built the quick way since the emulator runs it as a process.
fn pasos_via(sb: &TestSandbox, w: &Path, url: &str) -> Command {
    let mut c = pasos_bin();
    c.arg("--state-dir")
        .arg(sb.state())
        .args(["--region", "us-east-1", "--endpoint-url", url])
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("AWS_SHARED_CREDENTIALS_FILE", w.join("credentials"))
        .env("AWS_CONFIG_FILE", w.join("config"));
    c
}

fn apply(sb: &TestSandbox, w: &Path, url: &str, plan: &Path) -> Output {
    run(pasos_via(sb, w, url)
        .arg("apply")
        .arg(plan)
        .args(["--yes", "--json"]))
}

fn events(o: &Output) -> Vec<serde_json::Value> {
    stdout(o)
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}

fn running_instance(evs: &[serde_json::Value]) -> String {
    evs.iter()
        .find(|e| e["event"] == "instance_running")
        .and_then(|e| e["id"].as_str())
        .unwrap_or_else(|| panic!("no instance_running event in {evs:?}"))
        .to_string()
}

/// The walkthrough plan, as shipped, with its user data beside it.
fn walkthrough() -> String {
    std::fs::read_to_string(repo_root().join("assets/plans/walkthrough.toml")).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_walkthrough_works_on_aws_twice_in_a_row() {
    let _g = HEAVY.lock().await;
    let sb = TestSandbox::start();
    // The answer to the first launch is lost: the SDK retries with the same token, and AWS
    // answers with the instance the first call launched.
    let r = realism(Account::Legacy, &[], true);
    let p = proxy(&sb, &r, vec![]);
    let w = work(&walkthrough());
    let plan = w.path().join("plan.toml");
    let cloud = sb.cloud().await;

    let first = apply(&sb, w.path(), &p.url(), &plan);
    assert!(
        first.status.success(),
        "{}\n{}",
        stdout(&first),
        stderr(&first)
    );
    let first_id = running_instance(&events(&first));
    // A user and a group this run made are not read back (each read is a round trip on a real
    // region): what their create calls answered is what the learner is shown, all of it.
    let reads: Vec<String> = p
        .log()
        .into_iter()
        .map(|s| s.what)
        .filter(|w| {
            [
                "GetLoginProfile",
                "ListAccessKeys",
                "ListGroupsForUser",
                "ListAttachedUserPolicies",
                "ListAttachedGroupPolicies",
            ]
            .iter()
            .any(|r| w.ends_with(r))
        })
        .collect();
    assert_eq!(reads, Vec::<String>::new(), "nothing read back");
    let checks: Vec<String> = events(&first)
        .iter()
        .filter(|e| e["event"] == "verified")
        .flat_map(|e| e["checks"].as_array().cloned().unwrap_or_default())
        .filter_map(|c| c["en"].as_str().map(str::to_string))
        .collect();
    for want in [
        "console access",
        "password reset required at sign-in",
        "in group ec2-admins",
        "1 access key",
        "AmazonEC2FullAccess attached",
        "members: alumno",
    ] {
        assert!(checks.iter().any(|c| c == want), "{want} in {checks:?}");
    }
    let live = leftovers(&cloud).await;
    assert_eq!(
        live.iter().filter(|l| l.starts_with("instance i-")).count(),
        1,
        "one instance, no twin from the retried launch: {live:?}"
    );

    // A photo under input/ is resized, and its log lines are read once CloudWatch has them.
    let start_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    let photo = std::fs::read(repo_root().join("assets/photos/sample-landscape.jpg")).unwrap();
    cloud
        .put_bytes(
            "fotos-alumno-2026",
            "input/foto.jpg",
            photo,
            Some("image/jpeg"),
        )
        .await
        .unwrap();
    let via_proxy = pasos::cloud::Cloud::load(&pasos::cloud::CloudSettings {
        sandbox_endpoint: Some(p.url()),
        ..Default::default()
    })
    .await
    .unwrap();
    let logs = via_proxy
        .wait_function_logs("redimensionar-foto", start_ms, Duration::from_secs(60))
        .await
        .unwrap();
    assert!(
        logs.iter().any(|l| l.starts_with("REPORT")),
        "the invocation's REPORT line arrives: {logs:?}"
    );

    let rb = run(pasos_via(&sb, w.path(), &p.url()).args(["rollback", "--yes"]));
    assert!(rb.status.success(), "{}\n{}", stdout(&rb), stderr(&rb));
    assert_eq!(leftovers(&cloud).await, Vec::<String>::new());

    // The class runs it again: a NEW instance (the old token would return the terminated one).
    let second = apply(&sb, w.path(), &p.url(), &plan);
    assert!(
        second.status.success(),
        "{}\n{}",
        stdout(&second),
        stderr(&second)
    );
    let second_id = running_instance(&events(&second));
    assert_ne!(second_id, first_id, "a new launch is a new instance");
    let state = cloud
        .describe_instance(&second_id)
        .await
        .unwrap()
        .map(|i| i.state);
    assert_eq!(state.as_deref(), Some("running"));

    let rb = run(pasos_via(&sb, w.path(), &p.url()).args(["rollback", "--yes"]));
    assert!(rb.status.success(), "{}\n{}", stdout(&rb), stderr(&rb));
    assert_eq!(leftovers(&cloud).await, Vec::<String>::new());

    let fired = r.fired();
    for rule in [
        realism::I386_LISTED,
        realism::LAUNCH_ANSWER_LOST,
        realism::TOKEN_REPLAYED,
        realism::PROFILE_NOT_YET,
        realism::ROLE_NOT_YET,
        realism::PERMISSION_NOT_YET,
        realism::BUCKET_NOT_YET,
        realism::BUCKET_NAME_BUSY,
        realism::LOGIN_PROFILE_LOCKED,
        realism::PLAN_STATE,
        realism::LOGS_LATE,
    ] {
        assert!(
            fired.get(rule).copied().unwrap_or(0) > 0,
            "rule never fired: {rule}; fired: {fired:?}"
        );
    }
    assert!(
        !fired.contains_key(realism::NO_PERMISSION),
        "permission always before notification: {fired:?}"
    );
    assert!(!fired.contains_key(realism::TOKEN_MISMATCH), "{fired:?}");
}

const EC2_ONLY: &str = r#"
version = 1

[[security_group]]
name = "web-http-https"
description = "HTTP and HTTPS from anywhere"
ingress = ["http", "https"]

[[instance]]
name = "servidor-web"
instance_type = "TYPE"
security_groups = ["web-http-https"]
user_data = "user-data.sh"
"#;

/// Calls that change something: none may reach AWS when a plan is refused.
fn mutating(p: &Proxy) -> Vec<String> {
    p.log()
        .into_iter()
        .map(|s| s.what)
        .filter(|w| {
            [
                "Create",
                "Run",
                "Put",
                "Add",
                "Authorize",
                "Attach",
                "Delete",
                "Terminate",
                "PUT",
                "DELETE",
                "POST",
            ]
            .iter()
            .any(|m| w.contains(m))
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_free_plan_refuses_t2_micro_before_anything_and_launches_t3_micro() {
    let _g = HEAVY.lock().await;
    let sb = TestSandbox::start();
    let r = realism(Account::FreePlan, &[], false);
    let p = proxy(&sb, &r, vec![]);
    let cloud = sb.cloud().await;

    let w = work(&EC2_ONLY.replace("TYPE", "t2.micro"));
    let plan = w.path().join("plan.toml");
    let o = apply(&sb, w.path(), &p.url(), &plan);
    assert_eq!(o.status.code(), Some(2), "{}\n{}", stdout(&o), stderr(&o));
    let said = format!("{}{}", stdout(&o), stderr(&o));
    assert!(said.contains("instance[0].instance_type"), "{said}");
    assert!(
        said.contains("t3.micro"),
        "names the eligible types: {said}"
    );
    assert_eq!(mutating(&p), Vec::<String>::new(), "nothing created");
    assert_eq!(leftovers(&cloud).await, Vec::<String>::new());

    // "free-tier" (the walkthrough's default) launches the account's free type.
    let w = work(&EC2_ONLY.replace("TYPE", "free-tier"));
    let plan = w.path().join("plan.toml");
    let o = apply(&sb, w.path(), &p.url(), &plan);
    assert!(o.status.success(), "{}\n{}", stdout(&o), stderr(&o));
    let evs = events(&o);
    let id = running_instance(&evs);
    let info = cloud.describe_instance(&id).await.unwrap().unwrap();
    assert_eq!(info.instance_type, "t3.micro");
    assert!(
        evs.iter().any(|e| e["event"] == "note"
            && e["text"]["en"]
                .as_str()
                .is_some_and(|t| t.contains("free plan"))),
        "the learner is told the account is on the free plan: {evs:?}"
    );

    // What AWS itself does with a paid type on this account (pasos never sends one).
    let via_proxy = pasos::cloud::Cloud::load(&pasos::cloud::CloudSettings {
        sandbox_endpoint: Some(p.url()),
        ..Default::default()
    })
    .await
    .unwrap();
    let refused = via_proxy
        .ec2
        .run_instances()
        .image_id("ami-12345678")
        .instance_type("t2.micro".into())
        .min_count(1)
        .max_count(1)
        .send()
        .await
        .expect_err("refused");
    let code = aws_sdk_ec2::error::ProvideErrorMetadata::code(&refused).map(str::to_string);
    assert_eq!(code.as_deref(), Some("InvalidParameterCombination"));

    let rb = run(pasos_via(&sb, w.path(), &p.url()).args(["rollback", "--yes"]));
    assert!(rb.status.success(), "{}", stderr(&rb));
    assert_eq!(leftovers(&cloud).await, Vec::<String>::new());

    let fired = r.fired();
    for rule in [
        realism::FREE_TIER_PAGED,
        realism::NOT_FREE_TIER,
        realism::PLAN_STATE,
    ] {
        assert!(
            fired.get(rule).copied().unwrap_or(0) > 0,
            "rule never fired: {rule}; fired: {fired:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rules_pasos_never_trips_are_still_real() {
    // Each rule here is what AWS does to a client that gets the order or the token wrong; pasos
    // never does, so the rule is exercised with the SDK directly, to prove the realism layer (and
    // thus the walkthrough test above) would catch such a client.
    let _g = HEAVY.lock().await;
    let sb = TestSandbox::start();
    let r = realism(Account::Legacy, &[("fotos-en-irlanda", "eu-west-1")], false);
    let p = proxy(&sb, &r, vec![]);
    let c = pasos::cloud::Cloud::load(&pasos::cloud::CloudSettings {
        sandbox_endpoint: Some(p.url()),
        ..Default::default()
    })
    .await
    .unwrap();

    // A notification for a function that has no permission: S3 cannot validate it.
    let rule = pasos::cloud::s3::LambdaRule {
        id: Some("r".into()),
        function_arn: "arn:aws:lambda:us-east-1:000000000000:function:sin-permiso".into(),
        events: vec!["s3:ObjectCreated:Put".into()],
        prefix: "input/".into(),
        suffix: String::new(),
    };
    c.create_bucket("fotos-sin-permiso", "s", &|_| {})
        .await
        .unwrap();
    let conf = aws_sdk_s3::types::NotificationConfiguration::builder()
        .lambda_function_configurations(
            aws_sdk_s3::types::LambdaFunctionConfiguration::builder()
                .id("r")
                .lambda_function_arn(&rule.function_arn)
                .events(aws_sdk_s3::types::Event::from("s3:ObjectCreated:Put"))
                .build()
                .unwrap(),
        )
        .build();
    let e =
        c.s3.put_bucket_notification_configuration()
            .bucket("fotos-sin-permiso")
            .notification_configuration(conf)
            .send()
            .await
            .unwrap_err();
    assert_eq!(
        aws_sdk_s3::error::ProvideErrorMetadata::code(&e),
        Some("InvalidArgument")
    );

    // The same ClientToken with other parameters.
    let run = |t: &'static str| {
        c.ec2
            .run_instances()
            .client_token("pasos-mismo-token")
            .image_id("ami-12345678")
            .instance_type(t.into())
            .min_count(1)
            .max_count(1)
            .send()
    };
    run("t2.micro").await.unwrap();
    let e = run("t3.micro").await.expect_err("mismatch");
    assert_eq!(
        aws_sdk_ec2::error::ProvideErrorMetadata::code(&e),
        Some("IdempotentParameterMismatch")
    );

    // A bucket in another region: the name is taken, said plainly, before anything is created.
    let w = work("version = 1\n[[bucket]]\nname = \"fotos-en-irlanda\"\n");
    let plan: PathBuf = w.path().join("plan.toml");
    let o = apply(&sb, w.path(), &p.url(), &plan);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let said = format!("{}{}", stdout(&o), stderr(&o));
    assert!(
        said.contains("bucket[0].name") && said.contains("another region"),
        "{said}"
    );

    let fired = r.fired();
    for rule in [
        realism::NO_PERMISSION,
        realism::TOKEN_MISMATCH,
        realism::BUCKET_ELSEWHERE,
    ] {
        assert!(
            fired.get(rule).copied().unwrap_or(0) > 0,
            "rule never fired: {rule}; fired: {fired:?}"
        );
    }
}
