//! The control plane against a second emulator, moto server (`support/moto.rs`), which serves real
//! instance-type data (t2.* list i386 first) and the real AWS-managed policies: steps 1–3 and a
//! bucket apply in eu-west-1 (so CreateBucket sends a LocationConstraint), apply again creates
//! nothing, rollback leaves nothing, and a misspelt policy is refused before anything is created.

use crate::moto;
use crate::support::*;
use std::path::Path;
use std::process::{Command, Output};

const PLAN: &str = r#"
version = 1

[[role]]
name = "ec2-s3-dynamodb"
trusted_service = "ec2.amazonaws.com"
policies = ["AmazonS3FullAccess", "AmazonDynamoDBFullAccess"]

[[group]]
name = "ec2-admins"
policies = ["AmazonEC2FullAccess"]

[[user]]
name = "alumno"
groups = ["ec2-admins"]
console_access = true
access_keys = 1

[[security_group]]
name = "web-http-https"
description = "HTTP and HTTPS from anywhere"
ingress = ["http", "https"]

[[instance]]
name = "servidor-web"
security_groups = ["web-http-https"]
role = "ec2-s3-dynamodb"
user_data = "user-data.sh"

# The walkthrough's t2.micro, which DescribeInstanceTypes lists as ["i386", "x86_64"]: it must get
# the x86_64 AMI. Accepted as paid in case moto's data does not count it as free tier.
[[instance]]
name = "servidor-t2"
instance_type = "t2.micro"
allow_paid = true
security_groups = ["web-http-https"]

[[bucket]]
name = "fotos-alumno-moto"
folders = ["input/"]
"#;

fn pasos(dir: &Path, endpoint: &str) -> Command {
    let mut c = pasos_bin();
    c.arg("--state-dir")
        .arg(dir.join("state"))
        .args(["--region", "eu-west-1", "--endpoint-url", endpoint])
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("AWS_SHARED_CREDENTIALS_FILE", dir.join("credentials"))
        .env("AWS_CONFIG_FILE", dir.join("config"));
    c
}

fn events(o: &Output) -> Vec<serde_json::Value> {
    stdout(o)
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}

fn count(evs: &[serde_json::Value], name: &str) -> usize {
    evs.iter().filter(|e| e["event"] == name).count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn control_plane_walkthrough_on_moto_applies_reapplies_and_rolls_back() {
    let dir = tempfile::Builder::new()
        .prefix("pasos-moto-")
        .tempdir()
        .unwrap();
    let d = dir.path();
    let m = moto::Moto::start(d);
    std::fs::write(d.join("plan.toml"), PLAN).unwrap();
    std::fs::copy(
        repo_root().join("assets/plans/user-data.sh"),
        d.join("user-data.sh"),
    )
    .unwrap();
    let cloud = pasos::cloud::Cloud::load(&pasos::cloud::CloudSettings {
        sandbox_endpoint: Some(m.endpoint.clone()),
        region: Some("eu-west-1".into()),
        ..Default::default()
    })
    .await
    .unwrap();

    let a = run(pasos(d, &m.endpoint)
        .arg("apply")
        .arg(d.join("plan.toml"))
        .args(["--yes", "--json"]));
    assert!(a.status.success(), "{}\n{}", stdout(&a), stderr(&a));
    let evs = events(&a);
    // role, group, user, security group, two instances, bucket.
    assert_eq!(count(&evs, "verified"), 7, "{evs:?}");
    let t2 = evs
        .iter()
        .find(|e| e["event"] == "instance_running" && e["name"] == "servidor-t2")
        .and_then(|e| e["id"].as_str())
        .expect("servidor-t2 running");
    let info = cloud.describe_instance(t2).await.unwrap().unwrap();
    assert_eq!(info.instance_type, "t2.micro");
    let x86 = cloud.al2023_ami("x86_64").await.unwrap();
    assert_eq!(
        info.image_id, x86,
        "t2.micro gets the x86_64 AMI, never i386"
    );

    let again = run(pasos(d, &m.endpoint)
        .arg("apply")
        .arg(d.join("plan.toml"))
        .args(["--yes", "--json"]));
    assert!(
        again.status.success(),
        "{}\n{}",
        stdout(&again),
        stderr(&again)
    );
    assert_eq!(
        count(&events(&again), "created"),
        0,
        "nothing new: {}",
        stdout(&again)
    );

    let rb = run(pasos(d, &m.endpoint).args(["rollback", "--yes"]));
    assert!(rb.status.success(), "{}\n{}", stdout(&rb), stderr(&rb));
    assert_eq!(leftovers(&cloud).await, Vec::<String>::new());

    // A misspelt policy: moto knows the real list, so the refusal is real, and nothing is made.
    std::fs::write(
        d.join("bad.toml"),
        "version = 1\n[[group]]\nname = \"g\"\npolicies = [\"AmazonS3FullAccesss\"]\n",
    )
    .unwrap();
    let bad = run(pasos(d, &m.endpoint)
        .arg("apply")
        .arg(d.join("bad.toml"))
        .arg("--yes"));
    assert_eq!(bad.status.code(), Some(2), "{}", stderr(&bad));
    assert!(
        stderr(&bad).contains("group[0].policies"),
        "{}",
        stderr(&bad)
    );
    assert_eq!(leftovers(&cloud).await, Vec::<String>::new());
}
