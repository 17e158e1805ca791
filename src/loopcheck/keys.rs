//! Object keys: S3's literal prefix/suffix filter, the key the function writes for an input key, and
//! the realistic keys shown to the user as examples.

/// S3 key filters are literal and case-sensitive; both must hold. Keys are never empty.
pub fn matches_filter(prefix: &str, suffix: &str, key: &str) -> bool {
    !key.is_empty() && key.starts_with(prefix) && key.ends_with(suffix)
}

/// The key the function writes for an input whose key is `trigger prefix + rest`: the output prefix
/// plus the rest, with the extension of the last path segment (from its last `.`) replaced by the
/// declared output suffix, or the suffix appended when that segment has no `.`.
///
/// `None` when the result is empty: S3 has no empty keys, so nothing would be written.
pub fn transform(out_prefix: &str, out_suffix: Option<&str>, rest: &str) -> Option<String> {
    let mut key = format!("{out_prefix}{rest}");
    if let Some(suffix) = out_suffix {
        let segment = key.rfind('/').map_or(0, |i| i + 1);
        if let Some(dot) = key[segment..].rfind('.') {
            key.truncate(segment + dot);
        }
        key.push_str(suffix);
    }
    (!key.is_empty()).then_some(key)
}

/// Rests (the part of an input key after the trigger prefix) that look like real uploads, most natural
/// first. `lead` is put in front of each, e.g. the part of the trigger prefix below the output prefix.
/// Examples are picked from these when one fits, so the user sees `input/photo.jpg`, not `input/x.`.
pub fn natural_rests(lead: &str, suffix: &str) -> Vec<String> {
    let names = [
        "photo.jpg".to_string(),
        "photo.png".to_string(),
        "photo.webp".to_string(),
        format!("photo{suffix}"),
        format!("photo.{suffix}"),
        format!("photo.jpg{suffix}"),
        "photo".to_string(),
        suffix.to_string(),
    ];
    names.into_iter().map(|n| format!("{lead}{n}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filter_is_literal_and_case_sensitive() {
        assert!(matches_filter("input/", ".jpg", "input/a.jpg"));
        assert!(!matches_filter("input/", ".jpg", "input/a.JPG"));
        assert!(!matches_filter("input/", ".jpg", "Input/a.jpg"));
        assert!(matches_filter("", "", "x"));
        assert!(!matches_filter("", "", ""));
        // Prefix and suffix may share characters of a short key, as in S3.
        assert!(matches_filter("a.jpg", ".jpg", "a.jpg"));
    }

    #[test]
    fn outputs_keep_or_replace_the_ending() {
        assert_eq!(
            transform("output/", None, "cats/a.jpg").as_deref(),
            Some("output/cats/a.jpg")
        );
        assert_eq!(
            transform("output/", Some(".webp"), "cats/a.b.jpg").as_deref(),
            Some("output/cats/a.b.webp")
        );
        // A dot in a folder name is not an extension.
        assert_eq!(
            transform("output/", Some(".webp"), "v1.2/photo").as_deref(),
            Some("output/v1.2/photo.webp")
        );
        assert_eq!(transform("", None, ""), None);
        assert_eq!(transform("", Some(".webp"), "").as_deref(), Some(".webp"));
    }
}
