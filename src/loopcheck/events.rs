//! S3 event type names: the ones a bucket notification accepts, wildcards, and which events overlap.

/// The event a PutObject emits: the only one the resizer's own writes produce.
pub const PUT_EVENT: &str = "s3:ObjectCreated:Put";

/// What a multipart upload emits instead of `Put` (the AWS CLI and SDKs switch to it above 8 MB).
pub const MULTIPART_EVENT: &str = "s3:ObjectCreated:CompleteMultipartUpload";

/// Every event type S3 accepts in a notification configuration (case-sensitive, like S3 itself).
/// `s3:TestEvent` is missing on purpose: S3 sends it, but nobody can subscribe to it.
pub const KNOWN_EVENTS: &[&str] = &[
    "s3:ObjectCreated:*",
    "s3:ObjectCreated:Put",
    "s3:ObjectCreated:Post",
    "s3:ObjectCreated:Copy",
    "s3:ObjectCreated:CompleteMultipartUpload",
    "s3:ObjectRemoved:*",
    "s3:ObjectRemoved:Delete",
    "s3:ObjectRemoved:DeleteMarkerCreated",
    "s3:ObjectRestore:*",
    "s3:ObjectRestore:Post",
    "s3:ObjectRestore:Completed",
    "s3:ObjectRestore:Delete",
    "s3:ReducedRedundancyLostObject",
    "s3:Replication:*",
    "s3:Replication:OperationFailedReplication",
    "s3:Replication:OperationMissedThreshold",
    "s3:Replication:OperationReplicatedAfterThreshold",
    "s3:Replication:OperationNotTracked",
    "s3:LifecycleExpiration:*",
    "s3:LifecycleExpiration:Delete",
    "s3:LifecycleExpiration:DeleteMarkerCreated",
    "s3:LifecycleTransition",
    "s3:IntelligentTiering",
    "s3:ObjectTagging:*",
    "s3:ObjectTagging:Put",
    "s3:ObjectTagging:Delete",
    "s3:ObjectAcl:Put",
];

pub fn is_known(event: &str) -> bool {
    KNOWN_EVENTS.contains(&event)
}

/// The right spelling of an event typed with the wrong case (`s3:objectcreated:put`), for the error.
pub fn suggestion(event: &str) -> Option<&'static str> {
    KNOWN_EVENTS
        .iter()
        .find(|k| k.eq_ignore_ascii_case(event.trim()))
        .copied()
}

/// Whether subscribing to `listened` delivers `event`: the same name, or a `…:*` wildcard of its family.
pub fn covers(listened: &str, event: &str) -> bool {
    if listened == event {
        return true;
    }
    match listened.strip_suffix('*') {
        Some(family) => family.ends_with(':') && event.starts_with(family) && event != listened,
        None => false,
    }
}

/// Whether a trigger listening to `events` fires for `event`.
pub fn listens(events: &[String], event: &str) -> bool {
    events.iter().any(|l| covers(l, event))
}

/// Two event types overlap when one delivers the other (S3's "ambiguous configuration" test).
pub fn overlap(a: &str, b: &str) -> bool {
    covers(a, b) || covers(b, a)
}

/// Creation events are the ones an upload emits; anything else never runs the resizer on uploads.
pub fn is_creation(event: &str) -> bool {
    event.starts_with("s3:ObjectCreated:")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_cover_their_family_only() {
        assert!(covers("s3:ObjectCreated:*", PUT_EVENT));
        assert!(covers("s3:ObjectCreated:*", MULTIPART_EVENT));
        assert!(covers(PUT_EVENT, PUT_EVENT));
        assert!(!covers(PUT_EVENT, "s3:ObjectCreated:*"));
        assert!(!covers("s3:ObjectRemoved:*", PUT_EVENT));
        assert!(!covers("s3:ObjectTagging:*", "s3:ObjectTagging"));
        assert!(covers("s3:ObjectRestore:*", "s3:ObjectRestore:Completed"));
    }

    #[test]
    fn overlap_is_symmetric() {
        assert!(overlap(PUT_EVENT, "s3:ObjectCreated:*"));
        assert!(overlap("s3:ObjectCreated:*", PUT_EVENT));
        assert!(!overlap(PUT_EVENT, "s3:ObjectCreated:Post"));
        assert!(!overlap("s3:ObjectCreated:*", "s3:ObjectRemoved:*"));
    }

    #[test]
    fn every_known_wildcard_has_members() {
        for w in KNOWN_EVENTS.iter().filter(|e| e.ends_with('*')) {
            assert!(KNOWN_EVENTS.iter().any(|e| e != w && covers(w, e)), "{w}");
        }
    }

    #[test]
    fn case_mistakes_get_a_suggestion() {
        assert_eq!(suggestion("s3:objectcreated:put"), Some(PUT_EVENT));
        assert_eq!(suggestion("s3:ObjectCreated:Upload"), None);
        assert!(!is_known("s3:objectcreated:put"));
        assert!(!is_known("s3:TestEvent"));
    }
}
