//! Robustness of the plan parser and validator on hostile input: random bytes, random edits of the
//! shipped plan, and random field values. Whatever comes in, `parse` + `validate` return problems —
//! never a panic — and every problem names a field. (A bounded, deterministic stand-in for a
//! cargo-fuzz target, which needs a nightly toolchain; see docs/reliability.md.)

use pasos::plan::{self, LoadedPlan};
use proptest::prelude::*;

const SHIPPED: &str = include_str!("../assets/plans/walkthrough.toml");

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
