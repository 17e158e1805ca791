//! Only what pasos made: the journal names resources that exist but are someone else's (same name,
//! no `pasos:session` tag — as after a crash when the name was taken meanwhile). Rollback must
//! refuse each one with a clear message and touch nothing of theirs — not a policy, not a member,
//! not an object — while still deleting what is pasos's; and apply must not adopt them.

use crate::support::*;
use pasos::cloud::Cloud;
use std::io::Write;

const MINE: &str = r#"
version = 1

[[role]]
name = "rol-de-pasos"
trusted_service = "ec2.amazonaws.com"
policies = ["AmazonS3FullAccess"]
"#;

const S3: &str = "arn:aws:iam::aws:policy/AmazonS3FullAccess";
const EC2: &str = "arn:aws:iam::aws:policy/AmazonEC2FullAccess";

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Runtime::new().unwrap()
}

fn pasos(sb: &TestSandbox, dir: &std::path::Path) -> std::process::Command {
    let mut c = sb.pasos();
    c.env("AWS_SHARED_CREDENTIALS_FILE", dir.join("credentials"))
        .env("AWS_CONFIG_FILE", dir.join("config"));
    c
}

fn bootstrap_zip() -> Vec<u8> {
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut z = zip::ZipWriter::new(&mut buf);
        z.start_file("bootstrap", zip::write::SimpleFileOptions::default())
            .unwrap();
        z.write_all(b"#!/bin/sh\nexit 0\n").unwrap();
        z.finish().unwrap();
    }
    buf.into_inner()
}

/// Someone else's resources, made through the SDK without pasos's tag. Returns (sg id, instance id).
async fn make_theirs(c: &Cloud) -> (String, String) {
    let trust = pasos::cloud::iam::trust_policy("lambda.amazonaws.com");
    let role = c
        .iam
        .create_role()
        .role_name("rol-ajeno")
        .assume_role_policy_document(&trust)
        .send()
        .await
        .unwrap();
    let role_arn = role.role().unwrap().arn().to_string();
    c.iam
        .attach_role_policy()
        .role_name("rol-ajeno")
        .policy_arn(S3)
        .send()
        .await
        .unwrap();
    c.iam
        .create_instance_profile()
        .instance_profile_name("perfil-ajeno")
        .send()
        .await
        .unwrap();
    c.iam
        .add_role_to_instance_profile()
        .instance_profile_name("perfil-ajeno")
        .role_name("rol-ajeno")
        .send()
        .await
        .unwrap();
    c.iam
        .create_group()
        .group_name("grupo-ajeno")
        .send()
        .await
        .unwrap();
    c.iam
        .attach_group_policy()
        .group_name("grupo-ajeno")
        .policy_arn(EC2)
        .send()
        .await
        .unwrap();
    c.iam
        .create_user()
        .user_name("usuario-ajeno")
        .send()
        .await
        .unwrap();
    c.iam
        .add_user_to_group()
        .group_name("grupo-ajeno")
        .user_name("usuario-ajeno")
        .send()
        .await
        .unwrap();
    c.iam
        .create_access_key()
        .user_name("usuario-ajeno")
        .send()
        .await
        .unwrap();
    c.s3.create_bucket()
        .bucket("bucket-ajeno-2026")
        .send()
        .await
        .unwrap();
    c.put_bytes(
        "bucket-ajeno-2026",
        "fotos/suya.jpg",
        b"not ours".to_vec(),
        None,
    )
    .await
    .unwrap();
    let vpc = c.default_vpc().await.unwrap().unwrap();
    let sg = c
        .ec2
        .create_security_group()
        .group_name("sg-ajeno")
        .description("theirs")
        .vpc_id(&vpc)
        .send()
        .await
        .unwrap()
        .group_id()
        .unwrap()
        .to_string();
    c.ec2
        .create_key_pair()
        .key_name("llave-ajena")
        .send()
        .await
        .unwrap();
    let ami = c.al2023_ami("x86_64").await.unwrap();
    let inst = c
        .ec2
        .run_instances()
        .image_id(ami)
        .instance_type(aws_sdk_ec2::types::InstanceType::T2Micro)
        .min_count(1)
        .max_count(1)
        .send()
        .await
        .unwrap()
        .instances()[0]
        .instance_id()
        .unwrap()
        .to_string();
    c.lambda
        .create_function()
        .function_name("funcion-ajena")
        .runtime(aws_sdk_lambda::types::Runtime::Providedal2023)
        .handler("bootstrap")
        .role(role_arn)
        .code(
            aws_sdk_lambda::types::FunctionCode::builder()
                .zip_file(aws_sdk_lambda::primitives::Blob::new(bootstrap_zip()))
                .build(),
        )
        .send()
        .await
        .unwrap();
    (sg, inst)
}

/// What the journal would hold had pasos meant to make these names: intents and results.
fn journal_lines(sg: &str, inst: &str) -> String {
    let recs = [
        r#"{"op":"intent","res":{"kind":"role","name":"rol-ajeno"},"ts":1}"#.to_string(),
        r#"{"op":"created","res":{"kind":"role_policy","role":"rol-ajeno","arn":"arn:aws:iam::aws:policy/AmazonS3FullAccess"},"intent":"x","ts":1}"#.into(),
        r#"{"op":"intent","res":{"kind":"instance_profile","name":"perfil-ajeno"},"ts":1}"#.into(),
        r#"{"op":"intent","res":{"kind":"profile_role","profile":"perfil-ajeno","role":"rol-ajeno"},"ts":1}"#.into(),
        r#"{"op":"intent","res":{"kind":"group","name":"grupo-ajeno"},"ts":1}"#.into(),
        r#"{"op":"intent","res":{"kind":"group_policy","group":"grupo-ajeno","arn":"arn:aws:iam::aws:policy/AmazonEC2FullAccess"},"ts":1}"#.into(),
        r#"{"op":"intent","res":{"kind":"user","name":"usuario-ajeno"},"ts":1}"#.into(),
        r#"{"op":"intent","res":{"kind":"membership","user":"usuario-ajeno","group":"grupo-ajeno"},"ts":1}"#.into(),
        r#"{"op":"intent","res":{"kind":"access_key","user":"usuario-ajeno","id":null},"ts":1}"#.into(),
        r#"{"op":"intent","res":{"kind":"bucket","name":"bucket-ajeno-2026"},"ts":1}"#.into(),
        format!(r#"{{"op":"created","res":{{"kind":"security_group","name":"sg-ajeno","id":"{sg}"}},"intent":"security_group:sg-ajeno","ts":1}}"#),
        r#"{"op":"intent","res":{"kind":"key_pair","name":"llave-ajena"},"ts":1}"#.into(),
        format!(r#"{{"op":"created","res":{{"kind":"instance","name":"servidor-ajeno","id":"{inst}"}},"intent":"instance:servidor-ajeno","ts":1}}"#),
        r#"{"op":"intent","res":{"kind":"function","name":"funcion-ajena"},"ts":1}"#.into(),
    ];
    recs.join("\n") + "\n"
}

/// Everything of theirs, read back: it must all still be there, attachments included.
async fn theirs_intact(c: &Cloud, sg: &str, inst: &str) -> Vec<String> {
    let mut missing = Vec::new();
    let (_, attached) = c
        .role_trust_and_policies("rol-ajeno")
        .await
        .unwrap_or_default();
    if !attached.iter().any(|a| a == S3) {
        missing.push("rol-ajeno's policy".to_string());
    }
    if c.instance_profile_roles("perfil-ajeno")
        .await
        .ok()
        .flatten()
        != Some(vec!["rol-ajeno".into()])
    {
        missing.push("perfil-ajeno holding rol-ajeno".into());
    }
    match c.group_members_and_policies("grupo-ajeno").await {
        Ok((members, policies)) => {
            if members != ["usuario-ajeno"] || policies != [EC2] {
                missing.push(format!("grupo-ajeno: {members:?} {policies:?}"));
            }
        }
        Err(e) => missing.push(format!("grupo-ajeno: {e}")),
    }
    if c.access_keys("usuario-ajeno")
        .await
        .map(|k| k.len())
        .unwrap_or(0)
        != 1
    {
        missing.push("usuario-ajeno's key".into());
    }
    if c.list_objects("bucket-ajeno-2026", "")
        .await
        .map(|o| o.len())
        .unwrap_or(0)
        != 1
    {
        missing.push("the object in bucket-ajeno-2026".into());
    }
    if c.security_group_session(sg).await.ok().flatten().is_none() {
        missing.push("sg-ajeno".into());
    }
    if !c.key_pair_exists("llave-ajena").await.unwrap_or(false) {
        missing.push("llave-ajena".into());
    }
    if c.instance_session(inst).await.ok().flatten().is_none() {
        missing.push("their instance".into());
    }
    if c.function("funcion-ajena").await.ok().flatten().is_none() {
        missing.push("funcion-ajena".into());
    }
    missing
}

#[test]
fn rollback_refuses_what_is_not_pasoss_and_touches_none_of_it() {
    let sb = TestSandbox::start();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("mine.toml"), MINE).unwrap();
    // Something pasos really made, in the same journal.
    let o = run(pasos(&sb, dir.path())
        .arg("apply")
        .arg(dir.path().join("mine.toml"))
        .arg("--yes"));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let c = rt().block_on(sb.cloud());
    let (sg, inst) = rt().block_on(make_theirs(&c));
    let journal = sb.state().join("journal/000000000000-us-east-1.jsonl");
    std::fs::OpenOptions::new()
        .append(true)
        .open(&journal)
        .unwrap()
        .write_all(journal_lines(&sg, &inst).as_bytes())
        .unwrap();

    let r = run(pasos(&sb, dir.path()).args(["rollback", "--yes"]));
    let out = format!("{}{}", stdout(&r), stderr(&r));
    assert_eq!(r.status.code(), Some(1), "{out}");
    assert_clean_failure(&r);
    for (what, why) in [
        ("role rol-ajeno", "no pasos:session tag"),
        ("instance profile perfil-ajeno", "no pasos:session tag"),
        ("group grupo-ajeno", "its IAM path is /"),
        ("user usuario-ajeno", "no pasos:session tag"),
        ("bucket bucket-ajeno-2026", "no pasos:session tag"),
        ("security group sg-ajeno", "no pasos:session tag"),
        ("key pair llave-ajena", "no pasos:session tag"),
        ("instance servidor-ajeno", "no pasos:session tag"),
        ("Lambda function funcion-ajena", "no pasos:session tag"),
    ] {
        let line = out
            .lines()
            .find(|l| l.contains(what) && l.contains("is not pasos's"))
            .unwrap_or_else(|| panic!("no refusal of {what}:\n{out}"));
        assert!(line.contains(why), "{line}");
        assert!(line.contains("removed from the journal"), "{line}");
    }
    // Pasos's own role went, theirs all stayed.
    assert!(
        rt().block_on(c.role_exists("rol-de-pasos"))
            .unwrap()
            .is_none()
    );
    let missing = rt().block_on(theirs_intact(&c, &sg, &inst));
    assert!(missing.is_empty(), "rollback touched: {missing:?}\n{out}");
    // Forgotten: the next rollback has nothing left to refuse.
    let r = run(pasos(&sb, dir.path()).args(["rollback", "--yes"]));
    assert_eq!(r.status.code(), Some(0), "{}", stderr(&r));
    assert!(rt().block_on(theirs_intact(&c, &sg, &inst)).is_empty());
}

/// The journal holds an intent for a role name, and the role that exists under it is someone
/// else's: a re-apply must refuse it, not call it "already there" and attach policies to it.
#[test]
fn apply_never_adopts_an_untagged_resource_the_journal_names() {
    let sb = TestSandbox::start();
    let dir = tempfile::tempdir().unwrap();
    let plan = MINE.replace("rol-de-pasos", "rol-ajeno");
    std::fs::write(dir.path().join("plan.toml"), &plan).unwrap();
    // A first run that journals its intent and dies before CreateRole (simulated by the journal).
    let o = run(pasos(&sb, dir.path()).arg("status"));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let journal = sb.state().join("journal/000000000000-us-east-1.jsonl");
    std::fs::OpenOptions::new()
        .append(true)
        .open(&journal)
        .unwrap()
        .write_all(
            b"{\"op\":\"intent\",\"res\":{\"kind\":\"role\",\"name\":\"rol-ajeno\"},\"ts\":1}\n",
        )
        .unwrap();
    let c = rt().block_on(sb.cloud());
    rt().block_on(async {
        c.iam
            .create_role()
            .role_name("rol-ajeno")
            .assume_role_policy_document(pasos::cloud::iam::trust_policy("ec2.amazonaws.com"))
            .send()
            .await
            .unwrap();
    });
    let o = run(pasos(&sb, dir.path())
        .arg("apply")
        .arg(dir.path().join("plan.toml"))
        .arg("--yes"));
    let out = format!("{}{}", stdout(&o), stderr(&o));
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(
        out.contains("role rol-ajeno is not pasos's (it has no pasos:session tag)"),
        "{out}"
    );
    let (_, attached) = rt()
        .block_on(c.role_trust_and_policies("rol-ajeno"))
        .unwrap();
    assert!(
        attached.is_empty(),
        "a policy was attached to their role: {attached:?}"
    );
    assert!(
        rt().block_on(c.instance_profile_roles("rol-ajeno"))
            .unwrap()
            .is_none()
    );
    let s = run(pasos(&sb, dir.path()).args(["status", "--json"]));
    assert!(!stdout(&s).contains("rol-ajeno"), "{}", stdout(&s));
}
