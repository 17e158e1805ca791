//! S3 object keys: decoding the URL-encoded keys of event notifications, and making a key safe to
//! store as user metadata.

use percent_encoding::{AsciiSet, CONTROLS, percent_decode_str, utf8_percent_encode};

/// Decodes a key as S3 event notifications carry it: form-encoded, so `+` is a space and `%xx`
/// escapes bytes of the UTF-8 key (a literal `+` arrives as `%2B`).
pub fn decode_event_key(raw: &str) -> Result<String, String> {
    let spaced = raw.replace('+', " ");
    percent_decode_str(&spaced)
        .decode_utf8()
        .map(|k| k.into_owned())
        .map_err(|_| format!("event key {raw:?} does not decode to UTF-8"))
}

/// Characters escaped in metadata values: HTTP header values must be visible ASCII, so S3 cannot take
/// `ñ` in `x-amz-meta-source-key` as is. `%` is escaped too so the value decodes unambiguously.
const METADATA_ESCAPES: &AsciiSet = &CONTROLS.add(b'%');

/// Percent-encodes a key for an S3 user-metadata value (non-ASCII bytes, controls and `%`).
pub fn metadata_value(key: &str) -> String {
    utf8_percent_encode(key, METADATA_ESCAPES).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plus_is_space_and_escapes_are_utf8() {
        assert_eq!(
            decode_event_key("my+photo%C3%B1.jpg").as_deref(),
            Ok("my photoñ.jpg")
        );
        assert_eq!(
            decode_event_key("input/a%2Bb+c.jpg").as_deref(),
            Ok("input/a+b c.jpg")
        );
        assert_eq!(
            decode_event_key("input/plain.jpg").as_deref(),
            Ok("input/plain.jpg")
        );
    }

    #[test]
    fn invalid_utf8_is_an_error_not_a_panic() {
        assert!(decode_event_key("bad%FF.jpg").is_err());
    }

    #[test]
    fn metadata_is_ascii() {
        assert_eq!(
            metadata_value("input/my photoñ.jpg"),
            "input/my photo%C3%B1.jpg"
        );
        assert_eq!(metadata_value("100%.jpg"), "100%25.jpg");
    }
}
