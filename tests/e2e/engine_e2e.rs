//! End to end: the shipped walkthrough plan applied headless against a sandbox through the real
//! binary, every resource read back through the SDK, a second apply that creates nothing, a
//! rollback that leaves nothing; bad plans refused before anything is created; secrets kept out of
//! stdout, logs and the journal.

use crate::support::*;
use std::path::Path;

const PLAN: &str = "assets/plans/walkthrough.toml";

fn json_events(out: &str) -> Vec<serde_json::Value> {
    out.lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}

fn count(events: &[serde_json::Value], kind: &str) -> usize {
    events.iter().filter(|e| e["event"] == kind).count()
}

fn read_all(dir: &Path) -> String {
    let mut s = String::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                if !p.ends_with("sandbox") && !p.ends_with("secrets") && !p.ends_with("resizer") {
                    stack.push(p);
                }
            } else if let Ok(t) = std::fs::read_to_string(&p) {
                s.push_str(&t);
            }
        }
    }
    s
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn walkthrough_applies_verifies_is_idempotent_and_rolls_back_to_nothing() {
    let sb = TestSandbox::start();
    let home = tempfile::tempdir().unwrap();
    let creds = home.path().join("credentials");
    std::fs::write(
        &creds,
        "# my own\n[default]\naws_access_key_id = MINE\naws_secret_access_key = MINE\n",
    )
    .unwrap();
    let apply = |extra: &[&str]| {
        run(sb
            .pasos()
            .current_dir(repo_root())
            .args(["apply", PLAN, "--yes", "--json"])
            .args(extra)
            .env("AWS_SHARED_CREDENTIALS_FILE", &creds))
    };
    let o = apply(&[]);
    assert!(
        o.status.success(),
        "apply failed:\n{}\n{}",
        stdout(&o),
        stderr(&o)
    );
    let ev = json_events(&stdout(&o));
    assert_eq!(count(&ev, "failed"), 0);
    assert!(count(&ev, "created") >= 20, "{}", stdout(&o));
    assert!(count(&ev, "verified") >= 7);

    // Read back what a learner would check in the console.
    let cloud = sb.cloud().await;
    let attached = cloud
        .iam
        .list_attached_role_policies()
        .role_name("ec2-s3-dynamodb")
        .send()
        .await
        .unwrap();
    let arns: Vec<&str> = attached
        .attached_policies()
        .iter()
        .filter_map(|p| p.policy_arn())
        .collect();
    assert!(arns.contains(&"arn:aws:iam::aws:policy/AmazonS3FullAccess"));
    assert!(arns.contains(&"arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess"));
    let lam = cloud
        .iam
        .list_attached_role_policies()
        .role_name("lambda-s3")
        .send()
        .await
        .unwrap();
    assert!(lam.attached_policies().iter().any(|p| p.policy_arn()
        == Some("arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole")));
    let prof = cloud
        .iam
        .get_instance_profile()
        .instance_profile_name("ec2-s3-dynamodb")
        .send()
        .await
        .unwrap();
    assert_eq!(
        prof.instance_profile().unwrap().roles()[0].role_name(),
        "ec2-s3-dynamodb"
    );
    let login = cloud
        .iam
        .get_login_profile()
        .user_name("alumno")
        .send()
        .await
        .unwrap();
    assert!(login.login_profile().unwrap().password_reset_required());
    let groups = cloud
        .iam
        .list_groups_for_user()
        .user_name("alumno")
        .send()
        .await
        .unwrap();
    assert_eq!(groups.groups()[0].group_name(), "ec2-admins");
    let keys = cloud
        .iam
        .list_access_keys()
        .user_name("alumno")
        .send()
        .await
        .unwrap();
    assert_eq!(keys.access_key_metadata().len(), 1);
    let key_id = keys.access_key_metadata()[0]
        .access_key_id()
        .unwrap()
        .to_string();
    let vpc = cloud.default_vpc().await.unwrap().unwrap();
    let (sg, _) = cloud
        .find_security_group("web-http-https", &vpc)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(cloud.open_ports_of(&sg).await.unwrap(), vec![80, 443]);
    let inst = cloud.find_instances("servidor-web").await.unwrap();
    assert_eq!(inst.len(), 1);
    assert_eq!(inst[0].state, "running");
    assert!(
        inst[0]
            .profile_arn
            .as_deref()
            .unwrap()
            .ends_with("/ec2-s3-dynamodb")
    );
    assert!(inst[0].security_groups.contains(&sg));
    let f = cloud.function("redimensionar-foto").await.unwrap().unwrap();
    assert_eq!(f.state, "Active");
    assert_eq!(f.runtime, "provided.al2023");
    assert_eq!(
        f.env.get("OUTPUT_PREFIX").map(String::as_str),
        Some("output/")
    );
    let (rules, _) = cloud.notification("fotos-alumno-2026").await.unwrap();
    assert_eq!(rules.len(), 1);
    assert_eq!(rules[0].prefix, "input/");
    assert_eq!(rules[0].events, ["s3:ObjectCreated:Put"]);
    assert!(
        cloud
            .permission_ids("redimensionar-foto")
            .await
            .unwrap()
            .iter()
            .any(|s| s.starts_with("pasos-s3-"))
    );
    assert!(
        cloud
            .list_objects("fotos-alumno-2026", "input/")
            .await
            .unwrap()
            .iter()
            .any(|(k, _)| k == "input/")
    );

    // Secrets: the key went to the credentials file (0600, others kept), never to stdout or the journal.
    use std::os::unix::fs::PermissionsExt;
    let ini = std::fs::read_to_string(&creds).unwrap();
    assert!(
        ini.starts_with("# my own\n[default]\naws_access_key_id = MINE"),
        "{ini}"
    );
    assert!(ini.contains(&format!("[alumno]\naws_access_key_id = {key_id}")));
    assert_eq!(
        std::fs::metadata(&creds).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let secret = ini
        .lines()
        .skip_while(|l| *l != "[alumno]")
        .find_map(|l| l.strip_prefix("aws_secret_access_key = "))
        .unwrap()
        .to_string();
    let pw_file = sb.state().join("secrets/alumno-console-password.txt");
    assert_eq!(
        std::fs::metadata(&pw_file).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let pw = std::fs::read_to_string(&pw_file)
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix("password: ").map(str::to_string))
        .unwrap();
    let visible = format!("{}{}{}", stdout(&o), stderr(&o), read_all(sb.state()));
    assert!(!visible.contains(&secret), "secret access key leaked");
    assert!(!visible.contains(&pw), "console password leaked");

    // Apply again: nothing new.
    let o2 = apply(&[]);
    assert!(o2.status.success(), "{}", stderr(&o2));
    let ev2 = json_events(&stdout(&o2));
    assert_eq!(count(&ev2, "created"), 0, "{}", stdout(&o2));
    assert!(count(&ev2, "already_there") >= 20);
    assert_eq!(
        cloud
            .iam
            .list_access_keys()
            .user_name("alumno")
            .send()
            .await
            .unwrap()
            .access_key_metadata()
            .len(),
        1
    );

    // Rollback: nothing left.
    let r = run(sb.pasos().args(["rollback", "--yes"]));
    assert!(r.status.success(), "{}\n{}", stdout(&r), stderr(&r));
    assert_eq!(leftovers(&cloud).await, Vec::<String>::new());
    let st = run(sb.pasos().args(["status", "--json"]));
    let v: serde_json::Value = serde_json::from_str(&stdout(&st)).unwrap();
    assert_eq!(v["resources"].as_array().unwrap().len(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_plans_are_refused_with_the_field_and_rule_and_nothing_is_created() {
    let sb = TestSandbox::start();
    let cloud = sb.cloud().await;
    let dir = repo_root().join("tests/fixtures/bad-plans");
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    names.sort();
    assert!(names.len() >= 15);
    for plan in names {
        let expect = std::fs::read_to_string(plan.with_extension("expect")).unwrap();
        let o = run(sb.pasos().args(["apply", "--yes"]).arg(&plan));
        assert_eq!(
            o.status.code(),
            Some(2),
            "{}: {}\n{}",
            plan.display(),
            stdout(&o),
            stderr(&o)
        );
        assert!(
            stderr(&o).contains(expect.trim()),
            "{}: expected `{}` in:\n{}",
            plan.display(),
            expect.trim(),
            stderr(&o)
        );
        assert_eq!(
            leftovers(&cloud).await,
            Vec::<String>::new(),
            "{} created something",
            plan.display()
        );
    }
    // Spanish too.
    let o = run(sb
        .pasos()
        .args(["--lang", "es", "apply", "--yes"])
        .arg(dir.join("three-keys.toml")));
    assert!(
        stderr(&o).contains("AWS permite como máximo 2 claves de acceso por usuario"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn rollback_only_removes_one_resource_and_its_dependents() {
    let sb = TestSandbox::start();
    let plan = sb.state().join("p.toml");
    std::fs::write(&plan, "version = 1\n[[role]]\nname = \"uno\"\n[[role]]\nname = \"dos\"\n[[bucket]]\nname = \"fotos-only-test\"\n").unwrap();
    let o = run(sb.pasos().args(["apply", "--yes"]).arg(&plan));
    assert!(o.status.success(), "{}", stderr(&o));
    let r = run(sb.pasos().args(["rollback", "--yes", "--only", "role:uno"]));
    assert!(r.status.success(), "{}", stderr(&r));
    let st = run(sb.pasos().args(["status", "--json"]));
    let v: serde_json::Value = serde_json::from_str(&stdout(&st)).unwrap();
    let keys: Vec<String> = v["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["key"].as_str().unwrap().to_string())
        .collect();
    assert!(!keys.iter().any(|k| k.contains(":uno")), "{keys:?}");
    assert!(keys.contains(&"role:dos".to_string()));
    assert!(keys.contains(&"instance_profile:dos".to_string()));
    assert!(keys.contains(&"bucket:fotos-only-test".to_string()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_key_pair_is_created_saved_0600_and_rolled_back() {
    use std::os::unix::fs::PermissionsExt;
    let sb = TestSandbox::start();
    let plan = sb.state().join("kp.toml");
    std::fs::write(
        &plan,
        "version = 1\n[[security_group]]\nname = \"web\"\n[[instance]]\nname = \"con-clave\"\ninstance_type = \"t3.micro\"\nkey_pair = \"clase-ssh\"\nsecurity_groups = [\"web\"]\n",
    )
    .unwrap();
    let o = run(sb.pasos().args(["apply", "--yes"]).arg(&plan));
    assert!(o.status.success(), "{}\n{}", stdout(&o), stderr(&o));
    let pem = sb.state().join("secrets/clase-ssh.pem");
    assert_eq!(
        std::fs::metadata(&pem).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let material = std::fs::read_to_string(&pem).unwrap();
    assert!(material.contains("PRIVATE KEY"), "{material}");
    assert!(
        !stdout(&o).contains(material.trim()),
        "the private key must not be printed"
    );
    let cloud = sb.cloud().await;
    assert!(cloud.key_pair_exists("clase-ssh").await.unwrap());
    let inst = cloud.ec2.describe_instances().send().await.unwrap();
    let key_names: Vec<Option<&str>> = inst
        .reservations()
        .iter()
        .flat_map(|r| r.instances())
        .map(|i| i.key_name())
        .collect();
    assert!(key_names.contains(&Some("clase-ssh")), "{key_names:?}");
    let r = run(sb.pasos().args(["rollback", "--yes"]));
    assert!(r.status.success(), "{}", stderr(&r));
    assert!(!cloud.key_pair_exists("clase-ssh").await.unwrap());
    assert_eq!(leftovers(&cloud).await, Vec::<String>::new());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_instance_goes_into_the_chosen_subnet_of_the_default_vpc() {
    let sb = TestSandbox::start();
    let cloud = sb.cloud().await;
    let vpc = cloud.default_vpc().await.unwrap().unwrap();
    let subnets = cloud.subnets(&vpc).await.unwrap();
    assert!(subnets.len() >= 2, "{subnets:?}");
    let (chosen, _az) = subnets.last().unwrap().clone();
    let plan = sb.state().join("subnet.toml");
    std::fs::write(
        &plan,
        format!("version = 1\n[[instance]]\nname = \"en-subred\"\ninstance_type = \"t3.micro\"\nsubnet = \"{chosen}\"\n"),
    )
    .unwrap();
    let o = run(sb.pasos().args(["apply", "--yes"]).arg(&plan));
    assert!(o.status.success(), "{}\n{}", stdout(&o), stderr(&o));
    assert!(
        stdout(&o).contains(&format!("in subnet {chosen}")),
        "{}",
        stdout(&o)
    );
    let inst = cloud.find_instances("en-subred").await.unwrap();
    assert_eq!(inst[0].subnet_id.as_deref(), Some(chosen.as_str()));
    let r = run(sb.pasos().args(["rollback", "--yes"]));
    assert!(r.status.success(), "{}", stderr(&r));
    assert_eq!(leftovers(&cloud).await, Vec::<String>::new());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_trigger_overlapping_a_rule_that_is_not_ours_is_refused_and_the_rule_kept() {
    let sb = TestSandbox::start();
    let cloud = sb.cloud().await;
    // Someone else's rule on the same bucket, same event, overlapping prefix.
    cloud
        .s3
        .create_bucket()
        .bucket("fotos-ajenas")
        .send()
        .await
        .unwrap();
    let other = pasos::cloud::s3::LambdaRule {
        id: Some("regla-ajena".into()),
        function_arn: "arn:aws:lambda:us-east-1:000000000000:function:otra".into(),
        events: vec!["s3:ObjectCreated:*".into()],
        prefix: "input/".into(),
        suffix: String::new(),
    };
    cloud
        .merge_notification("fotos-ajenas", "regla-ajena", Some(&other))
        .await
        .unwrap();
    let plan = sb.state().join("overlap.toml");
    std::fs::write(
        &plan,
        "version = 1\n[[role]]\nname = \"lambda-s3\"\ntrusted_service = \"lambda.amazonaws.com\"\npolicies = [\"AmazonS3FullAccess\"]\n[[lambda]]\nname = \"f\"\nrole = \"lambda-s3\"\noutput = { bucket = \"fotos-ajenas\", prefix = \"output/\" }\n[[lambda.trigger]]\nbucket = \"fotos-ajenas\"\nprefix = \"input/fotos/\"\n",
    )
    .unwrap();
    let o = run(sb.pasos().args(["apply", "--yes"]).arg(&plan));
    assert_eq!(o.status.code(), Some(1), "{}\n{}", stdout(&o), stderr(&o));
    assert!(
        stdout(&o).contains("Configuration is ambiguously defined"),
        "{}",
        stdout(&o)
    );
    assert!(stdout(&o).contains("regla-ajena"), "{}", stdout(&o));
    // Nothing of ours was wired, and their rule is intact.
    let (rules, _) = cloud.notification("fotos-ajenas").await.unwrap();
    assert_eq!(rules, vec![other]);
    assert!(cloud.permission_ids("f").await.unwrap().is_empty());
    let r = run(sb.pasos().args(["rollback", "--yes"]));
    assert!(r.status.success(), "{}", stderr(&r));
}
