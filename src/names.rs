//! AWS naming rules (IAM, S3, Lambda, EC2) as pure checks, so pasos refuses a bad name before AWS does.
//!
//! Each check returns the broken rule as a [`Text`]; the caller adds the field and the value, because
//! only it knows whether the name came from a flag, a plan file or a wizard screen. The rules are the
//! ones in the AWS documentation (see docs/loop-check.md and the reference facts): the sandbox emulator
//! accepts names real AWS refuses, so these checks are the only thing standing between a learner and a
//! late `InvalidParameter`.

use crate::i18n::Text;
use crate::tr;

/// The IAM entities pasos names; they differ only in their maximum length.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IamKind {
    Role,
    User,
    Group,
    InstanceProfile,
}

impl IamKind {
    /// Maximum length in characters (IAM quotas page).
    pub fn max_len(self) -> usize {
        match self {
            IamKind::Role | IamKind::User => 64,
            IamKind::Group | IamKind::InstanceProfile => 128,
        }
    }
}

/// The characters IAM allows in role, user, group and instance-profile names.
fn iam_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "+=,.@_-".contains(c)
}

/// A role, user, group or instance-profile name: 1 to 64/128 characters from `[A-Za-z0-9+=,.@_-]`.
pub fn iam_name(kind: IamKind, s: &str) -> Result<(), Text> {
    let max = kind.max_len();
    length(s, 1, max)?;
    if let Some(c) = s.chars().find(|&c| !iam_char(c)) {
        return Err(tr!(
            es: "solo puede tener letras sin tilde, dígitos y + = , . @ _ - (tiene `{c}`)",
            en: "may only contain letters, digits and + = , . @ _ - (found `{c}`)"
        ));
    }
    Ok(())
}

/// IAM names are unique per account ignoring case: `Admins` and `admins` are the same group.
/// ASCII folding is enough because [`iam_name`] only admits ASCII.
pub fn iam_names_equal(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
}

const BUCKET_RESERVED_PREFIXES: [&str; 3] = ["xn--", "sthree-", "amzn-s3-demo-"];
const BUCKET_RESERVED_SUFFIXES: [&str; 4] = ["-s3alias", "--ol-s3", ".mrap", "--x-s3"];

/// A general-purpose S3 bucket name (every rule of the S3 bucket naming page).
pub fn bucket_name(s: &str) -> Result<(), Text> {
    length(s, 3, 63)?;
    if let Some(c) = s
        .chars()
        .find(|&c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '-'))
    {
        return Err(tr!(
            es: "solo puede tener minúsculas, dígitos, puntos y guiones (tiene `{c}`)",
            en: "may only contain lowercase letters, digits, dots and hyphens (found `{c}`)"
        ));
    }
    let edge_ok = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    if !edge_ok(s.chars().next()) || !edge_ok(s.chars().last()) {
        return Err(tr!(
            es: "debe empezar y terminar con una letra o un dígito",
            en: "must begin and end with a letter or a digit"
        ));
    }
    if s.contains("..") {
        return Err(tr!(
            es: "no puede tener dos puntos seguidos (`..`)",
            en: "must not contain two adjacent dots (`..`)"
        ));
    }
    if ip_shaped(s) {
        return Err(tr!(
            es: "no puede tener forma de dirección IP (como 192.168.5.4)",
            en: "must not be formatted as an IP address (like 192.168.5.4)"
        ));
    }
    if let Some(p) = BUCKET_RESERVED_PREFIXES.iter().find(|p| s.starts_with(*p)) {
        return Err(tr!(
            es: "no puede empezar por `{p}` (prefijo reservado por AWS)",
            en: "must not start with `{p}` (a prefix AWS reserves)"
        ));
    }
    if let Some(x) = BUCKET_RESERVED_SUFFIXES.iter().find(|x| s.ends_with(*x)) {
        return Err(tr!(
            es: "no puede terminar en `{x}` (sufijo reservado por AWS)",
            en: "must not end with `{x}` (a suffix AWS reserves)"
        ));
    }
    Ok(())
}

/// Four dot-separated groups of 1–3 digits, like 192.168.5.4. AWS refuses these because they would be
/// ambiguous in virtual-hosted URLs; it does not require the groups to be ≤ 255.
fn ip_shaped(s: &str) -> bool {
    let parts: Vec<&str> = s.split('.').collect();
    parts.len() == 4
        && parts
            .iter()
            .all(|p| (1..=3).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()))
}

/// A Lambda function name (the name itself, not an ARN): 1–64 characters from `[A-Za-z0-9_-]`.
pub fn lambda_function_name(s: &str) -> Result<(), Text> {
    length(s, 1, 64)?;
    if let Some(c) = s
        .chars()
        .find(|&c| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
    {
        return Err(tr!(
            es: "solo puede tener letras sin tilde, dígitos, `_` y `-` (tiene `{c}`)",
            en: "may only contain letters, digits, `_` and `-` (found `{c}`)"
        ));
    }
    Ok(())
}

/// A security group name: 1–255 printable ASCII characters, not starting with `sg-` (that prefix is
/// how EC2 tells group ids from names).
pub fn security_group_name(s: &str) -> Result<(), Text> {
    length(s, 1, 255)?;
    if let Some(c) = s.chars().find(|&c| !c.is_ascii() || c.is_ascii_control()) {
        let c = c.escape_default();
        return Err(tr!(
            es: "solo puede tener caracteres ASCII imprimibles (tiene `{c}`)",
            en: "may only contain printable ASCII characters (found `{c}`)"
        ));
    }
    if s.starts_with("sg-") {
        return Err(tr!(
            es: "no puede empezar por `sg-` (así empiezan los identificadores de grupo)",
            en: "must not start with `sg-` (that is how group ids start)"
        ));
    }
    Ok(())
}

/// An S3 key prefix or suffix filter: any UTF-8 (keys may hold any), at most 1024 bytes like a key.
pub fn s3_prefix(s: &str) -> Result<(), Text> {
    let n = s.len();
    if n > 1024 {
        return Err(tr!(
            es: "puede tener como mucho 1024 bytes en UTF-8 (tiene {n})",
            en: "may be at most 1024 bytes of UTF-8 (it has {n})"
        ));
    }
    Ok(())
}

/// The value of an EC2 `Name` tag: at most 256 characters (tag values may be empty).
pub fn ec2_name_tag(s: &str) -> Result<(), Text> {
    length(s, 0, 256)
}

/// Length in characters between `min` and `max`; the error says which bound is broken.
fn length(s: &str, min: usize, max: usize) -> Result<(), Text> {
    let n = s.chars().count();
    if n == 0 && min > 0 {
        return Err(tr!(es: "no puede estar vacío", en: "must not be empty"));
    }
    if n < min || n > max {
        return Err(tr!(
            es: "debe tener entre {min} y {max} caracteres (tiene {n})",
            en: "must be {min} to {max} characters long (it has {n})"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    fn rule(r: Result<(), Text>) -> String {
        r.err()
            .map(|t| t.get(Lang::En).to_string())
            .unwrap_or_default()
    }

    #[test]
    fn iam_lengths_depend_on_the_kind() {
        let n64 = "a".repeat(64);
        let n65 = "a".repeat(65);
        let n128 = "a".repeat(128);
        assert!(iam_name(IamKind::Role, &n64).is_ok());
        assert!(rule(iam_name(IamKind::Role, &n65)).contains("1 to 64"));
        assert!(rule(iam_name(IamKind::User, &n65)).contains("1 to 64"));
        assert!(iam_name(IamKind::Group, &n128).is_ok());
        assert!(iam_name(IamKind::InstanceProfile, &n128).is_ok());
        let n129 = "a".repeat(129);
        assert!(rule(iam_name(IamKind::InstanceProfile, &n129)).contains("1 to 128"));
        assert!(rule(iam_name(IamKind::Group, "")).contains("empty"));
    }

    #[test]
    fn iam_characters() {
        assert!(iam_name(IamKind::Role, "ec2-s3+dynamo=db,a.b@c_d").is_ok());
        assert!(rule(iam_name(IamKind::User, "josé")).contains("`é`"));
        assert!(rule(iam_name(IamKind::User, "a b")).contains("` `"));
        assert!(rule(iam_name(IamKind::Role, "a/b")).contains("`/`"));
    }

    #[test]
    fn iam_names_compare_without_case() {
        assert!(iam_names_equal("Admins", "admins"));
        assert!(!iam_names_equal("admins", "admin"));
    }

    #[test]
    fn bucket_names_follow_every_rule() {
        for ok in [
            "abc",
            "my-photos.2026",
            "a1b",
            &"a".repeat(63),
            "1.2.3",
            "1.2.3.4.5",
        ] {
            assert!(bucket_name(ok).is_ok(), "{ok}");
        }
        let cases: [(&str, &str); 16] = [
            ("ab", "3 to 63"),
            (&"a".repeat(64), "3 to 63"),
            ("", "empty"),
            ("My-bucket", "`M`"),
            ("my_bucket", "`_`"),
            ("-abc", "begin and end"),
            ("abc.", "begin and end"),
            ("a..b", "adjacent dots"),
            ("192.168.5.4", "IP address"),
            ("xn--abc", "`xn--`"),
            ("sthree-abc", "`sthree-`"),
            ("sthree-configurator", "`sthree-`"),
            ("amzn-s3-demo-bucket", "`amzn-s3-demo-`"),
            ("abc-s3alias", "`-s3alias`"),
            ("abc--ol-s3", "`--ol-s3`"),
            ("abc--x-s3", "`--x-s3`"),
        ];
        for (bad, why) in cases {
            let r = rule(bucket_name(bad));
            assert!(r.contains(why), "{bad}: {r}");
        }
        assert!(rule(bucket_name("abc.mrap")).contains("`.mrap`"));
    }

    #[test]
    fn lambda_names() {
        assert!(lambda_function_name("photo_resizer-1").is_ok());
        assert!(rule(lambda_function_name("photo.resizer")).contains("`.`"));
        assert!(rule(lambda_function_name(&"f".repeat(65))).contains("1 to 64"));
        assert!(rule(lambda_function_name("")).contains("empty"));
    }

    #[test]
    fn security_group_names() {
        assert!(security_group_name("launch-wizard-1").is_ok());
        assert!(security_group_name("web (http) #1").is_ok());
        assert!(rule(security_group_name("sg-web")).contains("`sg-`"));
        assert!(rule(security_group_name("café")).contains("ASCII"));
        assert!(rule(security_group_name("a\tb")).contains("ASCII"));
        assert!(rule(security_group_name(&"s".repeat(256))).contains("1 to 255"));
    }

    #[test]
    fn s3_prefixes_count_bytes_not_characters() {
        assert!(s3_prefix("").is_ok());
        assert!(s3_prefix("fotos/año 2026/").is_ok());
        assert!(s3_prefix(&"a".repeat(1024)).is_ok());
        // 513 two-byte characters are 1026 bytes.
        assert!(rule(s3_prefix(&"ñ".repeat(513))).contains("1026"));
    }

    #[test]
    fn name_tags_count_characters() {
        assert!(ec2_name_tag("").is_ok());
        assert!(ec2_name_tag(&"ñ".repeat(256)).is_ok());
        assert!(rule(ec2_name_tag(&"a".repeat(257))).contains("0 to 256"));
    }

    #[test]
    fn rules_exist_in_spanish() {
        let t = bucket_name("My").err().unwrap_or_else(|| Text::same(""));
        assert!(t.get(Lang::Es).contains("entre 3 y 63"));
    }
}
