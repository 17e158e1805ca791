//! End to end on the sandbox: `pasos can` gives the walkthrough's allow/deny lesson, and the script
//! `pasos export` writes builds the whole plan with the real AWS CLI (every resource then read back
//! through the SDK) and its teardown leaves nothing.

use crate::support::*;
use std::path::{Path, PathBuf};
use std::process::Command;

const PLAN: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/plans/walkthrough.toml");

/// Steps 1 and 2 of the walkthrough only: `can` needs the identities, not the instance or bucket.
const IDENTITIES: &str = r#"version = 1
[[role]]
name = "ec2-s3-dynamodb"
trusted_service = "ec2.amazonaws.com"
policies = ["AmazonS3FullAccess", "AmazonDynamoDBFullAccess"]
[[role]]
name = "lambda-s3"
trusted_service = "lambda.amazonaws.com"
policies = ["AmazonS3FullAccess", "AWSLambdaBasicExecutionRole"]
[[group]]
name = "ec2-admins"
policies = ["AmazonEC2FullAccess"]
[[user]]
name = "alumno"
groups = ["ec2-admins"]
console_access = false
access_keys = 0
"#;

fn can(sb: &TestSandbox, who: &str) -> Vec<(String, String, Option<String>)> {
    let o = run(sb.pasos().args(["can", who, "--json"]));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json list");
    v.as_array()
        .expect("a list")
        .iter()
        .map(|a| {
            (
                a["action"].as_str().unwrap_or_default().to_string(),
                a["decision"].as_str().unwrap_or_default().to_string(),
                a["by"].as_str().map(str::to_string),
            )
        })
        .collect()
}

fn row(action: &str, decision: &str, by: Option<&str>) -> (String, String, Option<String>) {
    (action.into(), decision.into(), by.map(str::to_string))
}

#[test]
fn can_teaches_who_may_launch_and_who_may_write_the_bucket() {
    let sb = TestSandbox::start();
    let plan = sb.state().join("identities.toml");
    std::fs::write(&plan, IDENTITIES).unwrap();
    let o = run(sb.pasos().args(["apply", "--yes"]).arg(&plan));
    assert_eq!(o.status.code(), Some(0), "{}\n{}", stdout(&o), stderr(&o));

    let ec2 = Some("AmazonEC2FullAccess");
    assert_eq!(
        can(&sb, "alumno"),
        vec![
            row("ec2:RunInstances", "allowed", ec2),
            row("ec2:TerminateInstances", "allowed", ec2),
            row("s3:PutObject", "denied", None),
            row("s3:ListAllMyBuckets", "denied", None),
            row("dynamodb:PutItem", "denied", None),
            row("iam:CreateUser", "denied", None),
            row("lambda:InvokeFunction", "denied", None),
        ]
    );
    let (s3, ddb) = (Some("AmazonS3FullAccess"), Some("AmazonDynamoDBFullAccess"));
    assert_eq!(
        can(&sb, "ec2-s3-dynamodb"),
        vec![
            row("ec2:RunInstances", "denied", None),
            row("ec2:TerminateInstances", "denied", None),
            row("s3:PutObject", "allowed", s3),
            row("s3:ListAllMyBuckets", "allowed", s3),
            row("dynamodb:PutItem", "allowed", ddb),
            row("iam:CreateUser", "denied", None),
            row("lambda:InvokeFunction", "denied", None),
        ]
    );
    let lambda = can(&sb, "lambda-s3");
    assert!(
        lambda.contains(&row("s3:PutObject", "allowed", s3)),
        "{lambda:?}"
    );
    assert!(
        lambda.contains(&row("ec2:RunInstances", "denied", None)),
        "{lambda:?}"
    );

    // An ARN works as well as a name, with chosen actions; the text table names the policy.
    let arn = "arn:aws:iam::000000000000:role/lambda-s3";
    let o = run(sb.pasos().args([
        "can",
        arn,
        "--action",
        "logs:CreateLogGroup",
        "--action",
        "s3:GetObject",
    ]));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("✓ allowed logs:CreateLogGroup  by AWSLambdaBasicExecutionRole"),
        "{out}"
    );
    assert!(
        out.contains("s3:GetObject") && out.contains("by AmazonS3FullAccess"),
        "{out}"
    );
    let o = run(sb
        .pasos()
        .args(["--lang", "es", "can", "alumno", "--action", "s3:PutObject"]));
    assert!(
        stdout(&o).contains("✗ denegado  s3:PutObject  (ninguna política lo permite)"),
        "{}",
        stdout(&o)
    );

    // Bad input: an unknown principal, a malformed action.
    let o = run(sb.pasos().args(["can", "nadie"]));
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("no user or role named nadie"),
        "{}",
        stderr(&o)
    );
    let o = run(sb.pasos().args(["can", "alumno", "--action", "PutObject"]));
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("--action = \"PutObject\""),
        "{}",
        stderr(&o)
    );
}

/// The AWS CLI in a venv of its own: `$PASOS_AWSCLI_VENV` when set (CI prepares it), else one
/// installed once under the data dir (a file lock keeps parallel tests from installing it twice).
fn aws_cli() -> PathBuf {
    let venv = std::env::var_os("PASOS_AWSCLI_VENV")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| pasos::paths::data_dir().join("awscli-venv"));
    let aws = venv.join("bin/aws");
    if aws.exists() {
        return aws;
    }
    std::fs::create_dir_all(venv.parent().unwrap()).unwrap();
    let lock = std::fs::File::create(venv.with_extension("lock")).unwrap();
    lock.lock().unwrap();
    if !aws.exists() {
        let ok = Command::new("python3")
            .args(["-m", "venv"])
            .arg(&venv)
            .status()
            .unwrap()
            .success()
            && Command::new(venv.join("bin/pip"))
                .args(["install", "-q", "awscli"])
                .status()
                .unwrap()
                .success();
        assert!(ok, "could not install the AWS CLI into {}", venv.display());
    }
    aws
}

/// Runs a script with the AWS CLI pointed at the sandbox, and nothing of the user's AWS setup.
fn run_script(sb: &TestSandbox, aws: &Path, script: &Path) -> std::process::Output {
    let bin = aws.parent().unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    Command::new("bash")
        .arg(script)
        .env_clear()
        .env("PATH", path)
        .env("HOME", sb.state())
        .env("AWS_ENDPOINT_URL", &sb.endpoint)
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
        .output()
        .expect("bash")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_exported_script_builds_the_plan_and_its_teardown_removes_it() {
    let aws = aws_cli();
    let sb = TestSandbox::start();
    // The sandbox's resizer zip, where `export` will look for it.
    let o = run(sb.pasos().arg("package-resizer"));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let export = |extra: &[&str]| {
        let o = run(sb.pasos().args(["export", PLAN]).args(extra));
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        assert!(!stderr(&o).contains("does not exist yet"), "{}", stderr(&o));
        let p = sb.state().join(format!("script{}.sh", extra.len()));
        std::fs::write(&p, stdout(&o)).unwrap();
        p
    };
    let (up, down) = (export(&[]), export(&["--teardown"]));

    let o = run_script(&sb, &aws, &up);
    assert!(
        o.status.success(),
        "script failed:\n{}\n{}",
        stdout(&o),
        stderr(&o)
    );

    let c = sb.cloud().await;
    let (trust, attached) = c.role_trust_and_policies("ec2-s3-dynamodb").await.unwrap();
    assert!(trust.contains("ec2.amazonaws.com"));
    assert_eq!(attached.len(), 2, "{attached:?}");
    let profile = c.instance_profile_roles("ec2-s3-dynamodb").await.unwrap();
    assert_eq!(profile, Some(vec!["ec2-s3-dynamodb".to_string()]));
    let (_, lambda_pols) = c.role_trust_and_policies("lambda-s3").await.unwrap();
    assert!(
        lambda_pols.contains(
            &"arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole".to_string()
        ),
        "{lambda_pols:?}"
    );
    let (members, gpols) = c.group_members_and_policies("ec2-admins").await.unwrap();
    assert_eq!(members, vec!["alumno".to_string()]);
    assert_eq!(
        gpols,
        vec!["arn:aws:iam::aws:policy/AmazonEC2FullAccess".to_string()]
    );
    assert!(c.login_profile("alumno").await.unwrap().is_some());
    assert_eq!(c.access_keys("alumno").await.unwrap().len(), 1);
    let vpc = c.default_vpc().await.unwrap().unwrap();
    let (sg, _) = c
        .find_security_group("web-http-https", &vpc)
        .await
        .unwrap()
        .expect("security group");
    let mut ports = c.open_ports_of(&sg).await.unwrap();
    ports.sort();
    assert_eq!(ports, vec![80, 443]);
    let inst = c.find_instances("servidor-web").await.unwrap();
    assert_eq!(inst.len(), 1, "{inst:?}");
    let info = c.describe_instance(&inst[0].id).await.unwrap().unwrap();
    assert_eq!(info.state, "running");
    // "free-tier" resolved by the script as the engine does: a free-tier micro type.
    assert!(info.instance_type.ends_with(".micro"), "{info:?}");
    assert!(info.security_groups.contains(&sg));
    assert!(
        info.profile_arn
            .as_deref()
            .is_some_and(|a| a.ends_with("/ec2-s3-dynamodb")),
        "{info:?}"
    );
    assert_eq!(
        c.bucket_owner("fotos-alumno-2026").await.unwrap(),
        Some(true)
    );
    let objs = c.list_objects("fotos-alumno-2026", "input/").await.unwrap();
    assert!(objs.iter().any(|(k, _)| k == "input/"), "{objs:?}");
    let f = c
        .function("redimensionar-foto")
        .await
        .unwrap()
        .expect("function");
    assert_eq!(f.state, "Active");
    assert!(f.role.ends_with(":role/lambda-s3"), "{}", f.role);
    let (rules, _) = c.notification("fotos-alumno-2026").await.unwrap();
    assert_eq!(rules.len(), 1, "{rules:?}");
    assert_eq!(rules[0].prefix, "input/");
    assert_eq!(rules[0].function_arn, f.arn);
    assert!(
        c.permission_ids("redimensionar-foto")
            .await
            .unwrap()
            .contains(&"pasos-s3-fotos-alumno-2026".to_string())
    );

    let o = run_script(&sb, &aws, &down);
    assert!(o.status.success(), "{}\n{}", stdout(&o), stderr(&o));
    let left = leftovers(&c).await;
    assert!(left.is_empty(), "left behind: {left:?}\n{}", stderr(&o));
}

#[test]
fn status_json_carries_the_cost_of_each_live_resource() {
    let sb = TestSandbox::start();
    let plan = sb.state().join("paid.toml");
    std::fs::write(
        &plan,
        "version = 1\n[[security_group]]\nname = \"web\"\n[[instance]]\nname = \"caro\"\n\
         instance_type = \"t2.micro\"\nsecurity_groups = [\"web\"]\n[[bucket]]\nname = \"cubo-coste-1\"\n",
    )
    .unwrap();
    let before = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let o = run(sb.pasos().args(["apply", "--yes"]).arg(&plan));
    assert_eq!(o.status.code(), Some(0), "{}\n{}", stdout(&o), stderr(&o));
    let o = run(sb.pasos().args(["status", "--json"]));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    let res = v["resources"].as_array().expect("resources");
    let by_kind = |k: &str| {
        res.iter()
            .find(|r| r["resource"]["kind"] == k)
            .unwrap_or_else(|| panic!("{k} in {v}"))
    };
    let inst = &by_kind("instance")["cost"];
    assert_eq!(inst["instance_type"], "t2.micro", "{inst}");
    // The sandbox answers DescribeInstanceTypes; eligible types have no hourly price.
    match inst["free_tier"].as_str() {
        Some("eligible") => assert!(inst["usd_per_hour"].is_null(), "{inst}"),
        Some("not_eligible") => assert_eq!(inst["usd_per_hour"], 0.0116, "{inst}"),
        other => panic!("free_tier {other:?}"),
    }
    let created = inst["created_at"].as_u64().expect("created_at");
    assert!(created >= before, "{inst}");
    assert!(inst["age_secs"].as_u64().is_some(), "{inst}");
    assert_eq!(by_kind("bucket")["cost"]["free_tier"], "free_12_months");
    assert_eq!(by_kind("security_group")["cost"]["free_tier"], "no_charge");
    let cost = &v["cost"];
    assert!(cost["usd_per_hour"].is_number(), "{cost}");
    assert!(
        cost["prices"]["source"]
            .as_str()
            .unwrap_or("")
            .contains("us-east-1"),
        "{cost}"
    );
    assert_eq!(cost["prices"]["for_this_region"], true);
    // The text form says the same, with the table's source.
    let o = run(sb.pasos().args(["--lang", "es", "status"]));
    let out = stdout(&o);
    assert!(
        out.contains("t2.micro") && out.contains("Coste estimado: ≈"),
        "{out}"
    );
    assert!(out.contains("Precios: AWS EC2 On-Demand"), "{out}");
    let o = run(sb.pasos().args(["rollback", "--yes"]));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}
