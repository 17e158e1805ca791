//! Unit tests of the generator: policy paths, regions, order, and that bash accepts the scripts.

use super::script::{Kind, render};
use super::*;
use crate::plan::LoadedPlan;

fn walkthrough() -> LoadedPlan {
    let p = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/plans/walkthrough.toml");
    crate::plan::load(Path::new(p)).expect("walkthrough plan")
}

fn opts(lp: &LoadedPlan) -> Options {
    Options::new(&lp.base_dir, Path::new("/tmp/resizer.zip"))
}

fn all_shell(blocks: &[Block]) -> String {
    blocks
        .iter()
        .flat_map(|b| b.commands.iter().map(|c| c.shell.clone()))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn policy_arns_keep_their_path() {
    assert_eq!(
        policy_arn("AWSLambdaBasicExecutionRole"),
        "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
    );
    assert_eq!(
        policy_arn("AmazonS3FullAccess"),
        "arn:aws:iam::aws:policy/AmazonS3FullAccess"
    );
    let lp = walkthrough();
    let s = all_shell(&apply_blocks(&lp.plan, &opts(&lp)));
    assert!(
        s.contains("--policy-arn arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole")
    );
}

#[test]
fn graviton_types_get_arm64() {
    assert_eq!(instance_arch("t4g.micro"), "arm64");
    assert_eq!(instance_arch("c6gn.large"), "arm64");
    assert_eq!(instance_arch("t3.micro"), "x86_64");
    assert_eq!(instance_arch("c7i-flex.large"), "x86_64");
    assert_eq!(instance_arch("g4dn.xlarge"), "x86_64");
}

#[test]
fn create_bucket_has_a_location_constraint_outside_us_east_1() {
    let lp = walkthrough();
    let mut o = opts(&lp);
    o.region = Some("eu-west-1".into());
    let s = all_shell(&apply_blocks(&lp.plan, &o));
    assert!(s.contains("create-bucket --bucket fotos-alumno-2026 --create-bucket-configuration LocationConstraint=eu-west-1"));
    o.region = Some("us-east-1".into());
    let s = all_shell(&apply_blocks(&lp.plan, &o));
    assert!(
        s.contains("create-bucket --bucket fotos-alumno-2026\n")
            || s.ends_with("fotos-alumno-2026")
    );
    assert!(!s.contains("LocationConstraint"));
}

#[test]
fn the_order_is_the_engines_with_its_waits() {
    let lp = walkthrough();
    let s = all_shell(&apply_blocks(&lp.plan, &opts(&lp)));
    let at = |needle: &str| s.find(needle).unwrap_or_else(|| panic!("missing {needle}"));
    assert!(at("create-role --role-name ec2-s3-dynamodb") < at("run-instances"));
    assert!(at("add-role-to-instance-profile") < at("run-instances"));
    assert!(at("run-instances") < at("aws ec2 wait instance-running"));
    assert!(at("create-function") < at("aws lambda wait function-active-v2"));
    assert!(at("aws lambda wait function-active-v2") < at("add-permission"));
    assert!(at("add-permission") < at("put-bucket-notification-configuration"));
    // Files by absolute path.
    let ud = lp.base_dir.join("user-data.sh");
    assert!(s.contains(&format!("--user-data file://{}", absolute(&ud).display())));
    assert!(s.contains("--zip-file fileb:///tmp/resizer.zip"));
}

#[test]
fn teardown_deletes_in_rollback_order() {
    let lp = walkthrough();
    let s = all_shell(&teardown_blocks(&lp.plan));
    let at = |needle: &str| s.find(needle).unwrap_or_else(|| panic!("missing {needle}"));
    assert!(at("put-bucket-notification-configuration") < at("delete-function"));
    assert!(at("wait instance-terminated") < at("delete-security-group"));
    assert!(at("delete-access-key") < at("delete-user --user-name alumno"));
    assert!(at("remove-role-from-instance-profile") < at("delete-instance-profile"));
    assert!(
        at("detach-role-policy --role-name ec2-s3-dynamodb")
            < at("delete-role --role-name ec2-s3-dynamodb")
    );
    assert!(at("aws s3 rb s3://fotos-alumno-2026 --force") > at("delete-function"));
}

#[test]
fn bash_accepts_both_scripts_in_both_languages() {
    let lp = walkthrough();
    let o = opts(&lp);
    for lang in [Lang::Es, Lang::En] {
        let apply = render(
            Kind::Apply,
            "walkthrough.toml",
            &apply_blocks(&lp.plan, &o),
            Some(&extras::try_it(&lp.plan, "foto.jpg")),
            lang,
        );
        let down = render(
            Kind::Teardown,
            "walkthrough.toml",
            &teardown_blocks(&lp.plan),
            None,
            lang,
        );
        for script in [apply, down] {
            let dir = tempfile::tempdir().unwrap();
            let f = dir.path().join("s.sh");
            std::fs::write(&f, &script).unwrap();
            let out = std::process::Command::new("bash")
                .arg("-n")
                .arg(&f)
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{}\n{script}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
}

#[test]
fn comments_follow_the_language() {
    let lp = walkthrough();
    let o = opts(&lp);
    let es = render(
        Kind::Apply,
        "p",
        &apply_blocks(&lp.plan, &o),
        None,
        Lang::Es,
    );
    let en = render(
        Kind::Apply,
        "p",
        &apply_blocks(&lp.plan, &o),
        None,
        Lang::En,
    );
    assert!(es.contains("# Paso 1: el rol ec2-s3-dynamodb"));
    assert!(en.contains("# Step 1: the role ec2-s3-dynamodb"));
    assert!(!es.contains("Step 1"));
}
