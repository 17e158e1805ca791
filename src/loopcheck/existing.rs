//! Rules already on the bucket: which of them would make S3 refuse our new trigger.
//!
//! PutBucketNotificationConfiguration replaces the whole configuration, so pasos reads it and merges
//! its rule in. Real S3 then refuses two rules for overlapping event types whose prefix and suffix
//! filters overlap ("Configuration is ambiguously defined"); the sandbox emulator accepts them, so
//! pasos has to find them itself, before the call.

use super::{Trigger, events};
use crate::i18n::Text;
use crate::tr;

/// One rule of a bucket's notification configuration (a Lambda, queue or topic target).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ExistingRule {
    pub id: Option<String>,
    pub events: Vec<String>,
    pub prefix: String,
    pub suffix: String,
    /// The target's ARN.
    pub target: String,
}

/// Two prefix filters overlap when some key matches both: one starts with the other ("" included).
pub fn prefixes_overlap(a: &str, b: &str) -> bool {
    a.starts_with(b) || b.starts_with(a)
}

/// Two suffix filters overlap when one ends with the other ("" included).
pub fn suffixes_overlap(a: &str, b: &str) -> bool {
    a.ends_with(b) || b.ends_with(a)
}

/// The existing rules S3 would find ambiguous next to ours. A rule for our own target with exactly
/// our filters is ours from an earlier run (the merge replaces it), so it is not a conflict.
pub fn overlapping_rules<'a>(
    ours: &Trigger,
    existing: &'a [ExistingRule],
    our_target: &str,
) -> Vec<&'a ExistingRule> {
    existing
        .iter()
        .filter(|r| !(r.target == our_target && r.prefix == ours.prefix && r.suffix == ours.suffix))
        .filter(|r| {
            r.events
                .iter()
                .any(|a| ours.events.iter().any(|b| events::overlap(a, b)))
        })
        .filter(|r| {
            prefixes_overlap(&r.prefix, &ours.prefix) && suffixes_overlap(&r.suffix, &ours.suffix)
        })
        .collect()
}

/// Explains one conflict found by [`overlapping_rules`] and what to do about it.
pub fn conflict_text(ours: &Trigger, rule: &ExistingRule) -> Text {
    let id = rule.id.as_deref().unwrap_or("(sin id)");
    let id_en = rule.id.as_deref().unwrap_or("(no id)");
    let (b, target) = (&ours.bucket, &rule.target);
    let events = rule.events.join(", ");
    let (rp, rs) = (&rule.prefix, &rule.suffix);
    let (p, s) = (&ours.prefix, &ours.suffix);
    tr!(
        es: "El bucket `{b}` ya tiene la regla {id} ({events}, prefijo `{rp}`, sufijo `{rs}`, hacia {target}), que se solapa con este disparador (prefijo `{p}`, sufijo `{s}`) en los mismos tipos de evento. S3 rechaza esa combinación (\"Configuration is ambiguously defined\"): cambia el prefijo o el sufijo para que no se solapen, o quita esa regla primero.",
        en: "The bucket `{b}` already has rule {id_en} ({events}, prefix `{rp}`, suffix `{rs}`, to {target}), which overlaps this trigger (prefix `{p}`, suffix `{s}`) on the same event types. S3 refuses that (\"Configuration is ambiguously defined\"): change the prefix or suffix so they do not overlap, or remove that rule first."
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    fn ours() -> Trigger {
        Trigger {
            bucket: "photos".into(),
            events: vec!["s3:ObjectCreated:Put".into()],
            prefix: "input/".into(),
            suffix: ".jpg".into(),
        }
    }

    fn rule(events: &[&str], prefix: &str, suffix: &str, target: &str) -> ExistingRule {
        ExistingRule {
            id: Some(format!("{prefix}{suffix}")),
            events: events.iter().map(|e| e.to_string()).collect(),
            prefix: prefix.into(),
            suffix: suffix.into(),
            target: target.into(),
        }
    }

    const ME: &str = "arn:aws:lambda:us-east-1:1:function:resizer";
    const OTHER: &str = "arn:aws:lambda:us-east-1:1:function:other";

    #[test]
    fn overlapping_filters_and_events_conflict() {
        let existing = vec![
            rule(&["s3:ObjectCreated:*"], "", "", OTHER), // wildcard, whole bucket
            rule(&["s3:ObjectCreated:Put"], "input/raw/", "", OTHER), // deeper prefix
            rule(&["s3:ObjectCreated:Put"], "in", "g", OTHER), // shorter prefix and suffix
            rule(&["s3:ObjectCreated:Put"], "input/", ".png", OTHER), // disjoint suffix
            rule(&["s3:ObjectCreated:Put"], "output/", ".jpg", OTHER), // disjoint prefix
            rule(&["s3:ObjectRemoved:*"], "input/", ".jpg", OTHER), // other events
            rule(&["s3:ObjectCreated:Post"], "input/", ".jpg", OTHER), // sibling event
            rule(&["s3:ObjectCreated:Put"], "input/", ".jpg", ME), // ours, earlier run
            rule(&["s3:ObjectCreated:Put"], "input/", "", ME), // ours, other filters
        ];
        let ids: Vec<&str> = overlapping_rules(&ours(), &existing, ME)
            .iter()
            .filter_map(|r| r.id.as_deref())
            .collect();
        assert_eq!(ids, ["", "input/raw/", "ing", "input/"]);
    }

    #[test]
    fn conflict_text_names_the_rule_in_both_languages() {
        let r = rule(&["s3:ObjectCreated:*"], "input/", "", OTHER);
        let t = conflict_text(&ours(), &r);
        assert!(t.get(Lang::En).contains("rule input/"));
        assert!(t.get(Lang::En).contains("ambiguously defined"));
        assert!(t.get(Lang::Es).contains("ya tiene la regla input/"));
    }
}
