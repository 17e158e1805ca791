//! The loop check's table of cases: the walkthrough's configuration and every way to get it wrong.

use super::*;
use crate::i18n::Lang;

fn t(events: &[&str], prefix: &str, suffix: &str) -> Trigger {
    Trigger {
        bucket: "photos".into(),
        events: events.iter().map(|e| e.to_string()).collect(),
        prefix: prefix.into(),
        suffix: suffix.into(),
    }
}

fn out(bucket: &str, prefix: &str, suffix: Option<&str>) -> FunctionOutput {
    FunctionOutput {
        bucket: bucket.into(),
        prefix: prefix.into(),
        suffix: suffix.map(String::from),
    }
}

const PUT: &[&str] = &["s3:ObjectCreated:Put"];
const ALL: &[&str] = &["s3:ObjectCreated:*"];

fn run(t: &Trigger, o: &FunctionOutput) -> Report {
    match check(t, o) {
        Ok(r) => r,
        Err(e) => panic!("unexpected input error: {e}"),
    }
}

fn en(texts: &[Text]) -> String {
    texts
        .iter()
        .map(|t| t.get(Lang::En))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The promise every verdict makes about its example key, checked by simulation.
fn assert_consistent(t: &Trigger, o: &FunctionOutput, r: &Report) {
    match r.verdict {
        Verdict::Safe => {
            assert_eq!(r.example_key, None);
            assert_eq!(r.fix, None);
        }
        Verdict::Loop | Verdict::Risk => {
            let k = r.example_key.as_deref().unwrap_or_default();
            assert!(
                triggers(t, &t.bucket, PUT_EVENT, k),
                "example {k:?} must trigger"
            );
            let o_key = output_key(t, o, k).unwrap_or_default();
            assert!(
                triggers(t, &o.bucket, PUT_EVENT, &o_key),
                "output {o_key:?} of {k:?} must trigger"
            );
            assert!(r.fix.is_some());
        }
    }
    assert!(!r.reasons.is_empty());
}

#[test]
fn table() {
    struct Case {
        name: &'static str,
        t: Trigger,
        o: FunctionOutput,
        verdict: Verdict,
        example: Option<&'static str>,
        says: &'static str,
    }
    let cases = [
        Case {
            name: "walkthrough: input/ to output/ in the same bucket",
            t: t(PUT, "input/", ""),
            o: out("photos", "output/", None),
            verdict: Verdict::Safe,
            example: None,
            says: "do not overlap",
        },
        Case {
            name: "output inside the trigger prefix",
            t: t(PUT, "input/", ""),
            o: out("photos", "input/resized/", None),
            verdict: Verdict::Loop,
            example: Some("input/photo.jpg"),
            says: "lies inside the trigger prefix",
        },
        Case {
            name: "same prefix",
            t: t(PUT, "input/", ".jpg"),
            o: out("photos", "input/", None),
            verdict: Verdict::Loop,
            example: Some("input/photo.jpg"),
            says: "the very prefix",
        },
        Case {
            name: "wildcard includes Put",
            t: t(ALL, "input/", ""),
            o: out("photos", "input/resized/", None),
            verdict: Verdict::Loop,
            example: Some("input/photo.jpg"),
            says: "`s3:ObjectCreated:*`, which includes",
        },
        Case {
            name: "wildcard, disjoint prefixes",
            t: t(ALL, "input/", ""),
            o: out("photos", "output/", None),
            verdict: Verdict::Safe,
            example: None,
            says: "do not overlap",
        },
        Case {
            name: "Post only: the function's PUTs do not fire it",
            t: t(&["s3:ObjectCreated:Post"], "input/", ""),
            o: out("photos", "input/", None),
            verdict: Verdict::Safe,
            example: None,
            says: "listens only to `s3:ObjectCreated:Post`",
        },
        Case {
            name: "ObjectRemoved is not a creation event",
            t: t(&["s3:ObjectRemoved:*"], "input/", ""),
            o: out("photos", "input/", None),
            verdict: Verdict::Safe,
            example: None,
            says: "PutObject",
        },
        Case {
            name: "other bucket",
            t: t(PUT, "", ""),
            o: out("photos-resized", "", None),
            verdict: Verdict::Safe,
            example: None,
            says: "not to `photos`",
        },
        Case {
            name: ".jpg in, .webp out",
            t: t(PUT, "input/", ".jpg"),
            o: out("photos", "input/", Some(".webp")),
            verdict: Verdict::Safe,
            example: None,
            says: "end with `.webp`, never with",
        },
        Case {
            name: ".webp in, .webp out",
            t: t(PUT, "input/", ".webp"),
            o: out("photos", "input/", Some(".webp")),
            verdict: Verdict::Loop,
            example: Some("input/photo.webp"),
            says: "which matches the trigger suffix",
        },
        Case {
            name: "trigger prefix under the output prefix",
            t: t(PUT, "out/in/", ""),
            o: out("photos", "out/", None),
            verdict: Verdict::Risk,
            example: Some("out/in/in/photo.jpg"),
            says: "starts with `in/`",
        },
        Case {
            name: "empty prefix, same bucket",
            t: t(PUT, "", ""),
            o: out("photos", "output/", None),
            verdict: Verdict::Loop,
            example: Some("photo.jpg"),
            says: "no prefix",
        },
        Case {
            name: "empty prefix, but the suffix tells inputs from outputs",
            t: t(PUT, "", ".jpg"),
            o: out("photos", "small/", Some(".webp")),
            verdict: Verdict::Safe,
            example: None,
            says: "never with",
        },
        Case {
            name: "output prefix is the bucket root",
            t: t(PUT, "input/", ""),
            o: out("photos", "", None),
            verdict: Verdict::Risk,
            example: Some("input/input/photo.jpg"),
            says: "no output prefix",
        },
        Case {
            name: "only short keys escape (prefix and suffix share characters)",
            t: t(PUT, "im", "m.jpg"),
            o: out("photos", "im/out/", None),
            verdict: Verdict::Risk,
            example: Some("imphotom.jpg"),
            says: "Others do not: `im.jpg` gives `im/out/.jpg`",
        },
        Case {
            name: "the suffix matches only when the stem fits",
            t: t(PUT, "in/", "zwebp"),
            o: out("photos", "in/", Some("webp")),
            verdict: Verdict::Risk,
            example: None,
            says: "only some output keys end with `zwebp`",
        },
    ];
    for c in cases {
        let r = run(&c.t, &c.o);
        assert_eq!(r.verdict, c.verdict, "{}: {:#?}", c.name, r.reasons);
        if let Some(k) = c.example {
            assert_eq!(r.example_key.as_deref(), Some(k), "{}", c.name);
        }
        let why = en(&r.reasons);
        assert!(why.contains(c.says), "{}: {why}", c.name);
        assert_consistent(&c.t, &c.o, &r);
        for text in r.reasons.iter().chain(&r.warnings).chain(&r.fix) {
            assert!(!text.get(Lang::Es).is_empty() && text.es != text.en);
        }
    }
}

#[test]
fn warnings_are_separate_from_the_verdict() {
    let r = run(&t(PUT, "", ""), &out("photos-resized", "", None));
    assert_eq!(r.verdict, Verdict::Safe);
    let w = en(&r.warnings);
    assert!(w.contains("the whole bucket `photos`"), "{w}");
    assert!(w.contains("CompleteMultipartUpload"), "{w}");

    let r = run(
        &t(&["s3:ObjectCreated:Put", MULTIPART_EVENT], "input/", ""),
        &out("photos", "output/", None),
    );
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
    let r = run(&t(ALL, "input/", ""), &out("photos", "output/", None));
    assert!(r.warnings.is_empty());

    let r = run(
        &t(
            &["s3:ObjectRemoved:*", "s3:ObjectTagging:Put"],
            "input/",
            "",
        ),
        &out("photos", "output/", None),
    );
    let w = en(&r.warnings);
    assert!(
        w.contains("`s3:ObjectRemoved:*` is not a creation event"),
        "{w}"
    );
    assert!(
        w.contains("`s3:ObjectTagging:Put` is not a creation event"),
        "{w}"
    );
    assert!(!w.contains("multipart"), "{w}");
}

#[test]
fn fixes_propose_safe_places() {
    let r = run(&t(PUT, "input/", ""), &out("photos", "input/", None));
    let fix = r.fix.map(|f| f.en.into_owned()).unwrap_or_default();
    assert!(
        fix.contains("Write to `output/` instead of `input/`"),
        "{fix}"
    );
    assert!(fix.contains("`photos-resized`"), "{fix}");

    let r = run(&t(PUT, "output/", ""), &out("photos", "output/", None));
    let fix = r.fix.map(|f| f.en.into_owned()).unwrap_or_default();
    assert!(fix.contains("Write to `resized/`"), "{fix}");

    let r = run(&t(PUT, "", ""), &out("photos", "out/", None));
    let fix = r.fix.map(|f| f.es.into_owned()).unwrap_or_default();
    assert!(fix.contains("Dale al disparador un prefijo"), "{fix}");

    // Every proposed prefix is safe, whatever the trigger prefix.
    for p in ["o", "output/", "r", "resized/x", "t", "in/"] {
        let o = explain_outside(p);
        let r = run(&t(ALL, p, ""), &out("photos", &o, None));
        assert_eq!(r.verdict, Verdict::Safe, "{p} -> {o}");
    }
}

fn explain_outside(p: &str) -> String {
    let r = run(&t(PUT, p, ""), &out("photos", p, None));
    let fix = r.fix.map(|f| f.en.into_owned()).unwrap_or_default();
    fix.split('`').nth(1).unwrap_or_default().to_string()
}

#[test]
fn second_bucket_names_stay_valid() {
    assert_eq!(
        explain::second_bucket("photos").as_deref(),
        Some("photos-resized")
    );
    let long = format!("{}-b", "a".repeat(60));
    let name = explain::second_bucket(&long).unwrap_or_default();
    assert!(name.len() <= 63 && name.ends_with("-resized"), "{name}");
    assert!(crate::names::bucket_name(&name).is_ok());
}

#[test]
fn bad_input_names_field_value_and_rule() {
    let e = check(&t(PUT, "", ""), &out("photos", "", None));
    assert!(e.is_ok());
    let mut bad = t(PUT, "", "");
    bad.bucket = "My_Photos".into();
    let e = check(&bad, &out("photos", "", None)).err();
    let msg = e.as_ref().map(|e| e.flag_text().en.into_owned());
    let msg = msg.unwrap_or_default();
    assert!(
        msg.starts_with("--bucket `My_Photos`: may only contain"),
        "{msg}"
    );
    let msg = e
        .map(|e| e.text().get(Lang::Es).to_string())
        .unwrap_or_default();
    assert!(
        msg.starts_with("bucket del disparador `My_Photos`: solo puede"),
        "{msg}"
    );

    let e = check(
        &t(&["s3:objectcreated:put"], "", ""),
        &out("photos", "", None),
    )
    .err();
    assert_eq!(e.as_ref().map(|e| e.field), Some(Field::Events));
    let msg = e.map(|e| e.text().en.into_owned()).unwrap_or_default();
    assert!(msg.contains("did you mean `s3:ObjectCreated:Put`"), "{msg}");

    let e = check(&t(&[], "", ""), &out("photos", "", None)).err();
    assert_eq!(e.map(|e| e.field), Some(Field::Events));

    let e = check(&t(PUT, "", ""), &out("Other", "", None)).err();
    assert_eq!(e.map(|e| e.field), Some(Field::OutputBucket));
    let e = check(&t(PUT, "", ""), &out("photos", "", Some(""))).err();
    assert_eq!(e.map(|e| e.field), Some(Field::OutputSuffix));
    let e = check(&t(PUT, &"p".repeat(1025), ""), &out("photos", "", None)).err();
    assert_eq!(e.map(|e| e.field), Some(Field::Prefix));
}

#[test]
fn every_known_event_is_accepted() {
    for e in KNOWN_EVENTS {
        assert!(
            check(&t(&[e], "", ""), &out("photos", "x/", None)).is_ok(),
            "{e}"
        );
    }
}

#[test]
fn output_key_and_triggers() {
    let tr = t(PUT, "input/", ".jpg");
    let o = out("photos", "output/", Some(".webp"));
    assert_eq!(
        output_key(&tr, &o, "input/cats/a.jpg").as_deref(),
        Some("output/cats/a.webp")
    );
    assert_eq!(output_key(&tr, &o, "other/a.jpg"), None);
    assert_eq!(output_key(&tr, &o, "input/a.png"), None);
    assert!(triggers(&tr, "photos", PUT_EVENT, "input/a.jpg"));
    assert!(!triggers(&tr, "photos", MULTIPART_EVENT, "input/a.jpg"));
    assert!(!triggers(&tr, "other", PUT_EVENT, "input/a.jpg"));
    assert!(!triggers(&tr, "photos", PUT_EVENT, "input/a.JPG"));
}

#[test]
fn verdicts_serialize_lowercase() {
    let v = serde_json::to_string(&[Verdict::Safe, Verdict::Loop, Verdict::Risk]).ok();
    assert_eq!(v.as_deref(), Some(r#"["safe","loop","risk"]"#));
}
