//! Property tests of the loop check: random configurations from small alphabets, with the verdict
//! checked against a simulation of the chain (upload → output → does it trigger again? …) on
//! concrete keys, and against an exhaustive search over all short keys.

use pasos::loopcheck::{
    FunctionOutput, PUT_EVENT, Report, Trigger, Verdict, check, counter_example, output_key,
    triggers,
};
use proptest::prelude::*;

const BUCKETS: &[&str] = &["bk1", "bk2"];
const EVENTS: &[&str] = &[
    "s3:ObjectCreated:Put",
    "s3:ObjectCreated:*",
    "s3:ObjectCreated:Post",
    "s3:ObjectCreated:CompleteMultipartUpload",
    "s3:ObjectRemoved:*",
];
const PREFIX_PIECES: &[&str] = &["a/", "a/b/", "in/", "out/", "a", "in", ".jpg"];
const SUFFIX_PIECES: &[&str] = &["", ".jpg", ".webp", "g", "p", "jpg", "/", "a/"];
const OUT_SUFFIXES: &[Option<&str>] = &[None, None, Some(".jpg"), Some(".webp"), Some("g")];
const KEY_PIECES: &[&str] = &[
    "a/", "b/", "in/", "out/", "a", "in", "x", ".", ".jpg", ".webp", "g", "p", "/", "photo",
];
/// Hops followed from each upload; a loop must survive all of them.
const HOPS: usize = 4;

fn pick(xs: &'static [&'static str]) -> impl Strategy<Value = String> {
    proptest::sample::select(xs).prop_map(String::from)
}

fn joined(xs: &'static [&'static str], max: usize) -> impl Strategy<Value = String> {
    proptest::collection::vec(pick(xs), 0..=max).prop_map(|v| v.concat())
}

fn config() -> impl Strategy<Value = (Trigger, FunctionOutput)> {
    let trigger = (
        pick(BUCKETS),
        proptest::sample::subsequence(EVENTS, 1..=2),
        joined(PREFIX_PIECES, 2),
        pick(SUFFIX_PIECES),
    )
        .prop_map(|(bucket, events, prefix, suffix)| Trigger {
            bucket,
            events: events.into_iter().map(String::from).collect(),
            prefix,
            suffix,
        });
    let output = (
        pick(BUCKETS),
        joined(PREFIX_PIECES, 2),
        proptest::sample::select(OUT_SUFFIXES),
    )
        .prop_map(|(bucket, prefix, suffix)| FunctionOutput {
            bucket,
            prefix,
            suffix: suffix.map(String::from),
        });
    (trigger, output)
}

/// Input keys: half of them start with the trigger prefix so that many of them trigger.
fn keys() -> impl Strategy<Value = Vec<(bool, String)>> {
    proptest::collection::vec((any::<bool>(), joined(KEY_PIECES, 5)), 1..40)
}

fn report(t: &Trigger, o: &FunctionOutput) -> Result<Report, TestCaseError> {
    check(t, o).map_err(|e| TestCaseError::fail(format!("valid config refused: {e}")))
}

/// The function's write for `key`, when `key` triggers it and the write triggers it again.
fn refire(t: &Trigger, o: &FunctionOutput, key: &str) -> Option<String> {
    output_key(t, o, key).filter(|out| triggers(t, &o.bucket, PUT_EVENT, out))
}

fn matches_filter(t: &Trigger, key: &str) -> bool {
    !key.is_empty() && key.starts_with(&t.prefix) && key.ends_with(&t.suffix)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn verdict_agrees_with_simulated_chains((t, o) in config(), ks in keys()) {
        let r = report(&t, &o)?;
        for (under_prefix, tail) in &ks {
            let start = if *under_prefix { format!("{}{tail}", t.prefix) } else { tail.clone() };
            if !matches_filter(&t, &start) {
                continue;
            }
            let mut key = start.clone();
            for hop in 0..HOPS {
                match (r.verdict, refire(&t, &o, &key)) {
                    (Verdict::Safe, Some(next)) => {
                        return Err(TestCaseError::fail(format!(
                            "safe, but {key:?} -> {next:?} triggers again: {:?}", r.reasons
                        )));
                    }
                    (Verdict::Loop, None) => {
                        return Err(TestCaseError::fail(format!(
                            "loop, but {start:?} stops after {hop} hops at {key:?}: {:?}", r.reasons
                        )));
                    }
                    (_, Some(next)) => key = next,
                    (_, None) => break,
                }
            }
        }
        match r.verdict {
            Verdict::Safe => {
                prop_assert!(r.example_key.is_none());
                prop_assert!(r.fix.is_none());
            }
            Verdict::Loop | Verdict::Risk => {
                let k = r.example_key.clone().unwrap_or_default();
                prop_assert!(matches_filter(&t, &k), "example {:?} must trigger", k);
                prop_assert!(refire(&t, &o, &k).is_some(), "example {:?} must trigger again", k);
                prop_assert!(r.fix.is_some());
            }
        }
        // The other half of the proof: a key that triggers without triggering again exists exactly
        // when the verdict is not "loop" (every trigger has keys, so "safe" has one too).
        let counter = counter_example(&t, &o)
            .map_err(|e| TestCaseError::fail(format!("valid config refused: {e}")))?;
        match (r.verdict, counter) {
            (Verdict::Loop, None) => {}
            (Verdict::Loop, Some(k)) => {
                return Err(TestCaseError::fail(format!("loop, but counter-example {k:?}")));
            }
            (_, None) => return Err(TestCaseError::fail("no counter-example for safe/risk")),
            (_, Some(k)) => {
                prop_assert!(matches_filter(&t, &k), "counter-example {:?} must trigger", k);
                prop_assert!(
                    refire(&t, &o, &k).is_none(),
                    "counter-example {:?} must not trigger again: {:?}", k, output_key(&t, &o, &k)
                );
            }
        }
    }

    /// Ground truth on every key of up to four characters over the characters that matter: a key that
    /// triggers again rules out "safe", one that does not rules out "loop".
    #[test]
    fn verdict_agrees_with_exhaustive_short_keys((t, o) in config()) {
        let r = report(&t, &o)?;
        let mut alphabet: Vec<char> = [&t.prefix, &t.suffix, &o.prefix]
            .into_iter()
            .chain(&o.suffix)
            .flat_map(|s| s.chars())
            .chain(['.', '/', 'x'])
            .collect();
        alphabet.sort_unstable();
        alphabet.dedup();
        let mut rests = vec![String::new()];
        let mut frontier = vec![String::new()];
        for _ in 0..4 {
            frontier = frontier
                .iter()
                .flat_map(|r| alphabet.iter().map(move |c| format!("{r}{c}")))
                .collect();
            rests.extend(frontier.iter().cloned());
        }
        for rest in &rests {
            let key = format!("{}{rest}", t.prefix);
            if !matches_filter(&t, &key) {
                continue;
            }
            let again = refire(&t, &o, &key);
            prop_assert!(
                !(r.verdict == Verdict::Safe && again.is_some()),
                "safe, but {:?} -> {:?} triggers again", key, again
            );
            prop_assert!(
                !(r.verdict == Verdict::Loop && again.is_none()),
                "loop, but {:?} -> {:?} does not trigger again", key, output_key(&t, &o, &key)
            );
        }
    }
}

#[test]
fn spec_example_trigger_under_output_prefix() {
    let t = Trigger {
        bucket: "bk1".into(),
        events: vec!["s3:ObjectCreated:Put".into()],
        prefix: "out/in/".into(),
        suffix: String::new(),
    };
    let o = FunctionOutput {
        bucket: "bk1".into(),
        prefix: "out/".into(),
        suffix: None,
    };
    assert_eq!(
        output_key(&t, &o, "out/in/in/x.jpg").as_deref(),
        Some("out/in/x.jpg")
    );
    assert!(refire(&t, &o, "out/in/in/x.jpg").is_some());
    assert!(refire(&t, &o, "out/in/x.jpg").is_none());
    assert_eq!(check(&t, &o).map(|r| r.verdict), Ok(Verdict::Risk));
}

/// Every combination of a few tricky filters (dots in folder names, prefixes ending mid-name,
/// suffixes without a dot), same bucket and PUT so the keys decide: both witnesses of each verdict
/// are simulated, and ~170 keys per configuration look for a contradiction.
#[test]
fn exhaustive_small_configs() {
    let prefixes = [
        "", "a/", "in/", "a", ".jpg", ".jpga/", "in/a", "a.b/", "out/in/", "out/",
    ];
    let suffixes = ["", ".jpg", ".webp", "g", "p", "jpg", "/", "a/", "b"];
    let out_suffixes = [None, Some(".jpg"), Some(".webp"), Some("g"), Some("b")];
    let pieces = [
        "", "a/", "b/", "in/", "a", "x", ".", ".jpg", "g", "p", "/", ".b/", "photo",
    ];
    let mut seen = [0usize; 3];
    for p in prefixes {
        for s in suffixes {
            for op in prefixes {
                for os in out_suffixes {
                    let t = Trigger {
                        bucket: "bk1".into(),
                        events: vec![PUT_EVENT.into()],
                        prefix: p.into(),
                        suffix: s.into(),
                    };
                    let o = FunctionOutput {
                        bucket: "bk1".into(),
                        prefix: op.into(),
                        suffix: os.map(String::from),
                    };
                    let Ok(r) = check(&t, &o) else {
                        panic!("valid config refused: {t:?} {o:?}");
                    };
                    seen[r.verdict as usize] += 1;
                    let counter = counter_example(&t, &o).ok().flatten();
                    let ctx = format!("{t:?} {o:?} {:?}", r.verdict);
                    if let Some(k) = &r.example_key {
                        assert!(
                            matches_filter(&t, k) && refire(&t, &o, k).is_some(),
                            "{ctx}: {k}"
                        );
                    }
                    if let Some(k) = &counter {
                        assert!(
                            matches_filter(&t, k) && refire(&t, &o, k).is_none(),
                            "{ctx}: {k}"
                        );
                    }
                    assert_eq!(r.example_key.is_some(), r.verdict != Verdict::Safe, "{ctx}");
                    assert_eq!(counter.is_some(), r.verdict != Verdict::Loop, "{ctx}");
                    for a in pieces {
                        for b in pieces {
                            let k = format!("{p}{a}{b}");
                            if !matches_filter(&t, &k) {
                                continue;
                            }
                            let again = refire(&t, &o, &k).is_some();
                            assert!(!again || r.verdict != Verdict::Safe, "{ctx}: {k}");
                            assert!(again || r.verdict != Verdict::Loop, "{ctx}: {k}");
                        }
                    }
                }
            }
        }
    }
    // The space must exercise all three verdicts, or the test proves little.
    assert!(seen.iter().all(|&n| n > 100), "{seen:?}");
}
