//! Where the fronts keep secrets: access keys go into the shared credentials file as new sections
//! pasos marks as its own (never replacing a profile it did not write, other profiles and comments
//! kept byte for byte, the file locked, backed up with a timestamp and written 0600 atomically);
//! console passwords go into 0600 files in the state dir.

use crate::i18n::Text;
use crate::tr;
use std::path::{Path, PathBuf};

/// The comment line pasos writes right above every section it adds to the credentials file.
pub const MARK: &str = "# pasos:";

/// How many timestamped backups of the credentials file are kept.
pub const BACKUPS_KEPT: usize = 5;

/// `AWS_SHARED_CREDENTIALS_FILE`, else `~/.aws/credentials`.
pub fn credentials_path() -> PathBuf {
    aws_file("AWS_SHARED_CREDENTIALS_FILE", "credentials")
}

/// `AWS_CONFIG_FILE`, else `~/.aws/config`: its profiles are the user's too.
pub fn config_path() -> PathBuf {
    aws_file("AWS_CONFIG_FILE", "config")
}

fn aws_file(var: &str, name: &str) -> PathBuf {
    if let Ok(p) = std::env::var(var)
        && !p.is_empty()
    {
        return PathBuf::from(p);
    }
    directories::BaseDirs::new()
        .map(|b| b.home_dir().join(".aws").join(name))
        .unwrap_or_else(|| PathBuf::from(".aws").join(name))
}

/// One `[section]` of an INI text: its name, and the key id of pasos's mark above it (if any).
#[derive(Debug)]
struct Section {
    name: String,
    /// First line of the section (its mark when it has one, else its header).
    start: usize,
    /// One past its last line.
    end: usize,
    marked_key: Option<String>,
}

fn header_name(line: &str) -> Option<String> {
    let t = line.trim();
    let inner = t.strip_prefix('[')?.strip_suffix(']')?.trim();
    // `~/.aws/config` names profiles `[profile x]`; `[default]` is bare in both files.
    Some(
        inner
            .strip_prefix("profile ")
            .map(str::trim)
            .unwrap_or(inner)
            .to_string(),
    )
}

fn mark_key(line: &str) -> Option<String> {
    let rest = line.trim().strip_prefix(MARK)?;
    let after = rest.split("access key ").nth(1)?;
    after.split_whitespace().next().map(str::to_string)
}

fn sections(lines: &[&str]) -> Vec<Section> {
    let mut out: Vec<Section> = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let Some(name) = header_name(line) else {
            continue;
        };
        let marked_key = i.checked_sub(1).and_then(|p| mark_key(lines[p]));
        let start = if marked_key.is_some() { i - 1 } else { i };
        if let Some(prev) = out.last_mut() {
            prev.end = start;
        }
        out.push(Section {
            name,
            start,
            end: lines.len(),
            marked_key,
        });
    }
    out
}

/// The profile name for a new key: `base` when no profile of that name exists (in the credentials
/// or the config file), else `base-2`, `base-3`… A section pasos itself wrote for this very key is
/// reused, so saving the same key twice changes nothing.
pub fn free_profile(credentials: &str, config: &str, base: &str, key_id: &str) -> String {
    let cred_lines: Vec<&str> = credentials.split_inclusive('\n').collect();
    let conf_lines: Vec<&str> = config.split_inclusive('\n').collect();
    let cred = sections(&cred_lines);
    if let Some(s) = cred
        .iter()
        .find(|s| s.marked_key.as_deref() == Some(key_id))
    {
        return s.name.clone();
    }
    let taken = |n: &str| {
        cred.iter().any(|s| s.name == n) || sections(&conf_lines).iter().any(|s| s.name == n)
    };
    if !taken(base) {
        return base.to_string();
    }
    (2..)
        .map(|i| format!("{base}-{i}"))
        .find(|n| !taken(n))
        .unwrap_or_else(|| format!("{base}-{key_id}"))
}

/// Adds (or, for a section pasos wrote for the same key, replaces) `[profile]`, marked as pasos's;
/// every other byte of the text is kept.
pub fn add_profile(
    ini: &str,
    profile: &str,
    user: &str,
    key_id: &str,
    secret: &str,
    when: &str,
) -> String {
    let block = format!(
        "{MARK} access key {key_id} of IAM user {user}, saved {when}\n[{profile}]\naws_access_key_id = {key_id}\naws_secret_access_key = {secret}\n"
    );
    let lines: Vec<&str> = ini.split_inclusive('\n').collect();
    if let Some(s) = sections(&lines)
        .into_iter()
        .find(|s| s.name == profile && s.marked_key.as_deref() == Some(key_id))
    {
        let mut out: String = lines[..s.start].concat();
        out.push_str(&block);
        out.push_str(&lines[s.end..].concat());
        return out;
    }
    let mut out = ini.to_string();
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
    if !out.is_empty() {
        out.push('\n');
    }
    out.push_str(&block);
    out
}

/// Removes the section pasos wrote for `key_id` (and the blank line before it); `None` when the
/// text has none. Sections pasos did not mark are never touched.
pub fn remove_marked(ini: &str, key_id: &str) -> Option<(String, String)> {
    let lines: Vec<&str> = ini.split_inclusive('\n').collect();
    let s = sections(&lines)
        .into_iter()
        .find(|s| s.marked_key.as_deref() == Some(key_id))?;
    let mut start = s.start;
    if start > 0 && lines[start - 1].trim().is_empty() {
        start -= 1;
    }
    let mut out: String = lines[..start].concat();
    out.push_str(&lines[s.end..].concat());
    Some((out, s.name))
}

fn io_text(path: &Path, e: &std::io::Error) -> Text {
    let (p, e) = (path.display().to_string(), e.to_string());
    tr!(es: "{p}: {e}", en: "{p}: {e}")
}

/// The credentials file as it is, through the user's own symlink if it is one (a dotfiles link must
/// stay a link: the file it points at is the one rewritten).
fn resolve(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

/// Reads a text file that may not exist yet; not UTF-8 is an error (pasos would not know what it
/// rewrites).
fn read_text(path: &Path) -> Result<String, Text> {
    match std::fs::read(path) {
        Ok(b) => String::from_utf8(b).map_err(|_| {
            let p = path.display().to_string();
            tr!(es: "{p} no es texto UTF-8: pasos no lo toca", en: "{p} is not UTF-8 text: pasos leaves it alone")
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(String::new()),
        Err(e) => Err(io_text(path, &e)),
    }
}

/// An exclusive lock beside the credentials file, held around each read-modify-write so two pasos
/// processes (or the wizard and the CLI) cannot interleave and lose a profile.
fn lock(path: &Path) -> Result<std::fs::File, Text> {
    use std::os::unix::fs::OpenOptionsExt;
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".pasos-lock");
    let lock_path = path.with_file_name(name);
    let f = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .mode(0o600)
        .open(&lock_path)
        .map_err(|e| io_text(&lock_path, &e))?;
    f.lock().map_err(|e| io_text(&lock_path, &e))?;
    Ok(f)
}

/// `2026-01-15T10:30:00.123Z` for marks, and its compact form for backup names (sortable).
pub fn utc_now() -> (String, String) {
    let d = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    let secs = d.as_secs() as i64;
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Civil date from days since 1970-01-01 (H. Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let (h, m, s, ms) = (rem / 3600, rem % 3600 / 60, rem % 60, d.subsec_millis());
    (
        format!("{year:04}-{month:02}-{day:02}T{h:02}:{m:02}:{s:02}Z"),
        format!("{year:04}{month:02}{day:02}T{h:02}{m:02}{s:02}.{ms:03}Z"),
    )
}

/// Copies the current file to `<file>.pasos-backup-<UTC time>` (0600) and keeps the newest few.
fn backup(path: &Path, bytes: &[u8], stamp: &str) -> Result<(), Text> {
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let prefix = format!("{name}.pasos-backup-");
    let mut target = path.with_file_name(format!("{prefix}{stamp}"));
    let mut n = 1;
    while target.exists() {
        n += 1;
        target = path.with_file_name(format!("{prefix}{stamp}-{n}"));
    }
    crate::paths::write_private(&target, bytes).map_err(|e| io_text(&target, &e))?;
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut old: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| {
                    p.file_name()
                        .is_some_and(|f| f.to_string_lossy().starts_with(&prefix))
                })
                .collect()
        })
        .unwrap_or_default();
    old.sort();
    let extra = old.len().saturating_sub(BACKUPS_KEPT);
    for p in &old[..extra] {
        let _ = std::fs::remove_file(p);
    }
    Ok(())
}

/// Writes a new access key into the credentials file and returns the profile it went under: `base`
/// or, when that name is taken by any profile pasos did not write for this key, the next free
/// `base-N`. Fails — leaving the file as it was — when the file cannot be read as UTF-8 text or
/// cannot be written.
pub fn save_access_key(
    path: &Path,
    base: &str,
    user: &str,
    key_id: &str,
    secret: &str,
) -> Result<String, Text> {
    let path = resolve(path);
    if let Some(dir) = path.parent() {
        crate::paths::create_private_dir(dir).map_err(|e| io_text(dir, &e))?;
    }
    let _lock = lock(&path)?;
    let current = read_text(&path)?;
    let config = read_text(&config_path()).unwrap_or_default();
    let (when, stamp) = utc_now();
    if !current.is_empty() {
        backup(&path, current.as_bytes(), &stamp)?;
    }
    let profile = free_profile(&current, &config, base, key_id);
    let new = add_profile(&current, &profile, user, key_id, secret, &when);
    crate::paths::write_private(&path, new.as_bytes()).map_err(|e| io_text(&path, &e))?;
    Ok(profile)
}

/// Removes the profile pasos wrote for a key that no longer exists (rollback deleted it). Returns
/// the profile's name, `None` when pasos had written none for it. Other sections are never touched.
pub fn forget_access_key(path: &Path, key_id: &str) -> Result<Option<String>, Text> {
    let path = resolve(path);
    if !path.exists() {
        return Ok(None);
    }
    let _lock = lock(&path)?;
    let current = read_text(&path)?;
    let Some((new, profile)) = remove_marked(&current, key_id) else {
        return Ok(None);
    };
    let (_, stamp) = utc_now();
    backup(&path, current.as_bytes(), &stamp)?;
    crate::paths::write_private(&path, new.as_bytes()).map_err(|e| io_text(&path, &e))?;
    Ok(Some(profile))
}

/// Preflight for a plan that makes access keys: the credentials file must be UTF-8 text pasos can
/// rewrite, in a directory where it can create files — checked before anything is created, so a
/// key is never made only to find its secret has nowhere to go.
pub fn check_writable(path: &Path) -> Result<(), Text> {
    let path = resolve(path);
    let p = path.display().to_string();
    if let Ok(m) = std::fs::metadata(&path) {
        if !m.is_file() {
            return Err(
                tr!(es: "{p} no es un archivo normal: pasos no puede guardar claves ahí", en: "{p} is not a regular file: pasos cannot save keys there"),
            );
        }
        read_text(&path)?;
        std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .map_err(|e| io_text(&path, &e))?;
    }
    let dir = path.parent().unwrap_or(Path::new("."));
    crate::paths::create_private_dir(dir).map_err(|e| io_text(dir, &e))?;
    tempfile::Builder::new()
        .prefix(".pasos-check-")
        .tempfile_in(dir)
        .map(drop)
        .map_err(|e| io_text(dir, &e))
}

/// The console password's 0600 file in the state dir's 0700 `secrets/`.
pub fn save_password(
    state_dir: &Path,
    user: &str,
    password: &str,
    url: &str,
) -> Result<PathBuf, Text> {
    let dir = state_dir.join("secrets");
    crate::paths::private_dir(&dir).map_err(|e| io_text(&dir, &e))?;
    let path = dir.join(format!("{user}-console-password.txt"));
    let body = format!(
        "user: {user}\npassword: {password}\nsign-in: {url}\n(the password must be changed at first sign-in)\n"
    );
    crate::paths::write_private(&path, body.as_bytes()).map_err(|e| io_text(&path, &e))?;
    Ok(path)
}

#[cfg(test)]
#[path = "secrets_tests.rs"]
mod tests;
