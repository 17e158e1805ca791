//! Robustness of the plan parser and validator on hostile input: random bytes, random edits of the
//! shipped plan, random field values, and hostile file paths (devices, FIFOs, `..`, absolute paths,
//! symlinks out of the plan's folder). Whatever comes in, `parse` + `validate` return problems —
//! never a panic, never a hang — and every problem names a field. (A bounded, deterministic stand-in for a
//! cargo-fuzz target, which needs a nightly toolchain; see docs/reliability.md.)

use pasos::plan::{self, LoadedPlan};
use proptest::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

const SHIPPED: &str = include_str!("../../assets/plans/walkthrough.toml");

fn check(text: &str) {
    match plan::parse(text) {
        Err(p) => assert!(p.field.starts_with("plan:"), "{p:?}"),
        Ok(plan) => {
            let lp = LoadedPlan {
                plan,
                base_dir: std::path::PathBuf::from(concat!(
                    env!("CARGO_MANIFEST_DIR"),
                    "/assets/plans"
                )),
                allow_outside: false,
            };
            let (findings, _) = plan::validate::validate(&lp);
            for p in &findings.problems {
                assert!(
                    !p.field.is_empty() && !p.rule.en.is_empty() && !p.rule.es.is_empty(),
                    "{p:?}"
                );
            }
        }
    }
}

/// Values that tend to break validators: empty, huge, control characters, unicode, IP-ish, paths.
fn nasty() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("a".repeat(300)),
        Just("192.168.0.1".to_string()),
        Just("../../etc/passwd".to_string()),
        Just("ñandú ☃ \u{202e}".to_string()),
        Just("xn--bucket".to_string()),
        Just("sg-123".to_string()),
        Just("tcp:0".to_string()),
        Just("tcp:99999".to_string()),
        Just("s3:ObjectCreated:*".to_string()),
        "[a-zA-Z0-9._/:+=,@ -]{0,80}",
        any::<String>(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        check(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn edits_of_the_shipped_plan_never_panic(pos in 0usize..SHIPPED.len(), len in 0usize..40, insert in "[\\[\\]{}=\"a-z0-9 \n#.,-]{0,12}") {
        let mut text = SHIPPED.to_string();
        let start = (0..=pos).rev().find(|i| text.is_char_boundary(*i)).unwrap_or(0);
        let end = (start + len).min(text.len());
        let end = (end..=text.len()).find(|i| text.is_char_boundary(*i)).unwrap_or(text.len());
        text.replace_range(start..end, &insert);
        check(&text);
    }

    #[test]
    fn any_field_value_never_panics(field in 0usize..14, value in nasty()) {
        let keys = ["role.name", "role.trusted_service", "user.name", "group.name", "bucket.name", "bucket.folder",
            "sg.name", "sg.ingress", "instance.name", "instance.ami", "instance.instance_type", "lambda.name",
            "trigger.prefix", "trigger.events"];
        let v = toml::Value::String(value.clone()).to_string();
        let mut text = SHIPPED.to_string();
        let (from, to) = match keys[field] {
            "role.name" => ("name = \"ec2-s3-dynamodb\"", format!("name = {v}")),
            "role.trusted_service" => ("trusted_service = \"ec2.amazonaws.com\"", format!("trusted_service = {v}")),
            "user.name" => ("name = \"alumno\"", format!("name = {v}")),
            "group.name" => ("name = \"ec2-admins\"", format!("name = {v}")),
            "bucket.name" => ("name = \"fotos-alumno-2026\"", format!("name = {v}")),
            "bucket.folder" => ("folders = [\"input/\"]", format!("folders = [{v}]")),
            "sg.name" => ("name = \"web-http-https\"", format!("name = {v}")),
            "sg.ingress" => ("ingress = [\"http\", \"https\"]", format!("ingress = [{v}]")),
            "instance.name" => ("name = \"servidor-web\"", format!("name = {v}")),
            "instance.ami" => ("ami = \"al2023\"", format!("ami = {v}")),
            "instance.instance_type" => ("instance_type = \"t2.micro\"", format!("instance_type = {v}")),
            "lambda.name" => ("name = \"redimensionar-foto\"", format!("name = {v}")),
            "trigger.prefix" => ("prefix = \"input/\"", format!("prefix = {v}")),
            _ => ("events = [\"s3:ObjectCreated:Put\"]", format!("events = [{v}]")),
        };
        text = text.replacen(from, &to, 1);
        check(&text);
    }
}

/// A plan folder holding one of each kind of file a hostile plan could point at, made once.
fn hostile_dir() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        let d = tempfile::tempdir().unwrap();
        let plan = d.path().join("plan");
        std::fs::create_dir(&plan).unwrap();
        std::fs::write(plan.join("ok.sh"), "#!/bin/sh\n").unwrap();
        std::fs::write(d.path().join("outside.sh"), "#!/bin/sh\n").unwrap();
        std::fs::create_dir(plan.join("dir")).unwrap();
        std::os::unix::fs::symlink("../outside.sh", plan.join("link-out.sh")).unwrap();
        std::os::unix::fs::symlink("/dev/zero", plan.join("zero.sh")).unwrap();
        assert!(
            std::process::Command::new("mkfifo")
                .arg(plan.join("fifo.sh"))
                .status()
                .unwrap()
                .success()
        );
        d
    })
    .path()
}

fn hostile_path() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("ok.sh".to_string()),
        Just("./ok.sh".to_string()),
        Just("/dev/zero".to_string()),
        Just("/dev/stdin".to_string()),
        Just("/proc/self/mem".to_string()),
        Just("../outside.sh".to_string()),
        Just("dir/../../outside.sh".to_string()),
        Just("dir".to_string()),
        Just("fifo.sh".to_string()),
        Just("zero.sh".to_string()),
        Just("link-out.sh".to_string()),
        Just("missing.sh".to_string()),
        "(\\.\\./){1,6}[a-z.]{1,12}",
        "/[a-z0-9/._-]{0,40}",
        "[a-z./]{0,30}",
        any::<String>(),
    ]
}

/// What the rule says a path is, independently of the code: `None` when it must be accepted.
fn expected_refusal(rel: &str) -> Option<&'static str> {
    let p = Path::new(rel);
    if rel.is_empty() {
        return None;
    }
    if p.is_absolute()
        || p.components()
            .any(|c| matches!(c, std::path::Component::ParentDir))
    {
        return Some("inside the plan's folder");
    }
    match rel {
        "ok.sh" | "./ok.sh" => None,
        // Symlinks out of the folder (to a file, to /dev/zero) are outside it.
        "link-out.sh" | "zero.sh" => Some("inside the plan's folder"),
        "dir" | "fifo.sh" => Some("not a regular file"),
        _ => Some(""),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, failure_persistence: None, ..ProptestConfig::default() })]

    /// user_data and code pointing anywhere: refused unless a regular file inside the plan's folder,
    /// with the field named; devices and FIFOs are never opened (a hang would time the test out).
    #[test]
    fn hostile_file_paths_are_refused_with_their_field(rel in hostile_path(), zip in any::<bool>()) {
        let base = hostile_dir().join("plan");
        let (field, text) = if zip {
            ("lambda[0].code", SHIPPED.replacen("code = \"bundled:resizer\"", &format!("code = {}", toml::Value::String(format!("{rel}.zip"))), 1))
        } else {
            ("instance[0].user_data", SHIPPED.replacen("user_data = \"user-data.sh\"", &format!("user_data = {}", toml::Value::String(rel.clone())), 1))
        };
        prop_assume!(text != SHIPPED);
        let Ok(parsed) = plan::parse(&text) else { return Ok(()); };
        let lp = LoadedPlan { plan: parsed, base_dir: PathBuf::from(&base), allow_outside: false };
        let (findings, _) = plan::validate::validate(&lp);
        let mine: Vec<_> = findings.problems.iter().filter(|p| p.field == field).collect();
        let shown = if zip { format!("{rel}.zip") } else { rel.clone() };
        match expected_refusal(&shown) {
            None if zip => {} // "ok.sh.zip" does not exist: refused for that, which is fine.
            None => prop_assert!(mine.is_empty(), "{shown}: {mine:?}"),
            Some(rule) => {
                prop_assert!(!mine.is_empty(), "{shown} accepted");
                prop_assert!(mine.iter().any(|p| p.rule.en.contains(rule)), "{shown}: {mine:?}");
            }
        }
    }
}
