//! Where the headless front puts secrets: access keys into the shared credentials file (other
//! profiles and comments kept, 0600, previous file backed up), console passwords into 0600 files.

use crate::i18n::Text;
use crate::tr;
use std::path::{Path, PathBuf};

/// `AWS_SHARED_CREDENTIALS_FILE`, else `~/.aws/credentials`.
pub fn credentials_path() -> PathBuf {
    if let Ok(p) = std::env::var("AWS_SHARED_CREDENTIALS_FILE")
        && !p.is_empty()
    {
        return PathBuf::from(p);
    }
    directories::BaseDirs::new()
        .map(|b| b.home_dir().join(".aws").join("credentials"))
        .unwrap_or_else(|| PathBuf::from(".aws/credentials"))
}

/// Replaces (or appends) one `[profile]` section in INI text, keeping everything else byte for byte.
pub fn upsert_profile(ini: &str, profile: &str, key_id: &str, secret: &str) -> String {
    let header = format!("[{profile}]");
    let mut out = String::new();
    let mut skipping = false;
    let mut replaced = false;
    for line in ini.split_inclusive('\n') {
        let t = line.trim();
        if t.starts_with('[') && t.ends_with(']') {
            skipping = t == header;
            if skipping {
                replaced = true;
                out.push_str(&format!(
                    "{header}\naws_access_key_id = {key_id}\naws_secret_access_key = {secret}\n"
                ));
                continue;
            }
        }
        if !skipping {
            out.push_str(line);
        }
    }
    if !replaced {
        if !out.is_empty() && !out.ends_with('\n') {
            out.push('\n');
        }
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(&format!(
            "{header}\naws_access_key_id = {key_id}\naws_secret_access_key = {secret}\n"
        ));
    }
    out
}

/// Writes the key into the credentials file under `profile`. The old file is backed up first.
pub fn save_access_key(path: &Path, profile: &str, key_id: &str, secret: &str) -> Result<(), Text> {
    let io = |e: std::io::Error| {
        let (p, e) = (path.display().to_string(), e.to_string());
        tr!(es: "{p}: {e}", en: "{p}: {e}")
    };
    let current = match std::fs::read(path) {
        Ok(b) => {
            let backup = path.with_extension("pasos-backup");
            crate::paths::write_private(&backup, &b).map_err(io)?;
            String::from_utf8(b).map_err(|_| {
                let p = path.display().to_string();
                tr!(es: "{p} no es texto UTF-8: no lo toco", en: "{p} is not UTF-8 text: leaving it alone")
            })?
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(io(e)),
    };
    crate::paths::write_private(
        path,
        upsert_profile(&current, profile, key_id, secret).as_bytes(),
    )
    .map_err(io)
}

/// The console password's 0600 file in the state dir.
pub fn save_password(
    state_dir: &Path,
    user: &str,
    password: &str,
    url: &str,
) -> Result<PathBuf, Text> {
    let path = state_dir
        .join("secrets")
        .join(format!("{user}-console-password.txt"));
    let body = format!(
        "user: {user}\npassword: {password}\nsign-in: {url}\n(the password must be changed at first sign-in)\n"
    );
    crate::paths::write_private(&path, body.as_bytes()).map_err(|e| {
        let (p, e) = (path.display().to_string(), e.to_string());
        tr!(es: "{p}: {e}", en: "{p}: {e}")
    })?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upsert_keeps_other_profiles_and_comments() {
        let ini = "# mine\n[default]\naws_access_key_id = A\naws_secret_access_key = B\n\n[alumno]\naws_access_key_id = OLD\naws_secret_access_key = OLD\n[other]\nregion = x\n";
        let out = upsert_profile(ini, "alumno", "NEW", "S");
        assert!(out.starts_with("# mine\n[default]\naws_access_key_id = A\n"));
        assert!(out.contains("[alumno]\naws_access_key_id = NEW\naws_secret_access_key = S\n"));
        assert!(!out.contains("OLD"));
        assert!(out.contains("[other]\nregion = x\n"));
        let added = upsert_profile("[default]\nx = 1", "nuevo", "K", "S");
        assert_eq!(
            added,
            "[default]\nx = 1\n\n[nuevo]\naws_access_key_id = K\naws_secret_access_key = S\n"
        );
    }

    #[test]
    fn files_are_private() {
        use std::os::unix::fs::PermissionsExt;
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("credentials");
        std::fs::write(&p, "[default]\n").unwrap();
        save_access_key(&p, "alumno", "AKIA", "secret").unwrap();
        assert_eq!(
            std::fs::metadata(&p).unwrap().permissions().mode() & 0o777,
            0o600
        );
        assert!(p.with_extension("pasos-backup").exists());
        let pw = save_password(d.path(), "alumno", "pw", "https://x").unwrap();
        assert_eq!(
            std::fs::metadata(&pw).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
}
