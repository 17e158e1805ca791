//! Where the resizer's source comes from. In a checkout (`cargo run`), the checkout itself, so the
//! sandbox build shares the target dir that `cargo run` already filled. Anywhere else (`cargo install
//! --path .` then the clone deleted, `cargo install --git`), the copy embedded in the binary,
//! unpacked under the data dir into a workspace of its own.

use crate::i18n::Text;
use crate::tr;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// The resizer's sources as they were when pasos was compiled. `tests::embedded_copy_is_complete`
/// fails when a file is added to `lambda-resizer/src` and not here.
pub const EMBEDDED: &[(&str, &str)] = &[
    ("Cargo.toml", include_str!("../../Cargo.toml")),
    ("Cargo.lock", include_str!("../../Cargo.lock")),
    (
        "lambda-resizer/Cargo.toml",
        include_str!("../../lambda-resizer/Cargo.toml"),
    ),
    (
        "lambda-resizer/src/cli.rs",
        include_str!("../../lambda-resizer/src/cli.rs"),
    ),
    (
        "lambda-resizer/src/config.rs",
        include_str!("../../lambda-resizer/src/config.rs"),
    ),
    (
        "lambda-resizer/src/error.rs",
        include_str!("../../lambda-resizer/src/error.rs"),
    ),
    (
        "lambda-resizer/src/format.rs",
        include_str!("../../lambda-resizer/src/format.rs"),
    ),
    (
        "lambda-resizer/src/geometry.rs",
        include_str!("../../lambda-resizer/src/geometry.rs"),
    ),
    (
        "lambda-resizer/src/handler.rs",
        include_str!("../../lambda-resizer/src/handler.rs"),
    ),
    (
        "lambda-resizer/src/hugepages.rs",
        include_str!("../../lambda-resizer/src/hugepages.rs"),
    ),
    (
        "lambda-resizer/src/jpeg.rs",
        include_str!("../../lambda-resizer/src/jpeg.rs"),
    ),
    (
        "lambda-resizer/src/jpeg_meta.rs",
        include_str!("../../lambda-resizer/src/jpeg_meta.rs"),
    ),
    (
        "lambda-resizer/src/keys.rs",
        include_str!("../../lambda-resizer/src/keys.rs"),
    ),
    (
        "lambda-resizer/src/lambda.rs",
        include_str!("../../lambda-resizer/src/lambda.rs"),
    ),
    (
        "lambda-resizer/src/lib.rs",
        include_str!("../../lambda-resizer/src/lib.rs"),
    ),
    (
        "lambda-resizer/src/limits.rs",
        include_str!("../../lambda-resizer/src/limits.rs"),
    ),
    (
        "lambda-resizer/src/main.rs",
        include_str!("../../lambda-resizer/src/main.rs"),
    ),
    (
        "lambda-resizer/src/progressive.rs",
        include_str!("../../lambda-resizer/src/progressive.rs"),
    ),
    (
        "lambda-resizer/src/raster.rs",
        include_str!("../../lambda-resizer/src/raster.rs"),
    ),
    (
        "lambda-resizer/src/resize.rs",
        include_str!("../../lambda-resizer/src/resize.rs"),
    ),
    (
        "lambda-resizer/src/s3.rs",
        include_str!("../../lambda-resizer/src/s3.rs"),
    ),
    (
        "lambda-resizer/src/tests.rs",
        include_str!("../../lambda-resizer/src/tests.rs"),
    ),
    (
        "lambda-resizer/src/tests_limits.rs",
        include_str!("../../lambda-resizer/src/tests_limits.rs"),
    ),
    (
        "lambda-resizer/src/vertical.rs",
        include_str!("../../lambda-resizer/src/vertical.rs"),
    ),
];

/// A workspace to build in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Source {
    pub root: PathBuf,
    /// The target dir to build into.
    pub target: PathBuf,
    /// A checkout with pasos beside the resizer (the sandbox build then shares its features).
    pub checkout: bool,
    /// Changes whenever anything the binary depends on changes.
    pub hash: String,
}

fn io(p: &Path, e: &std::io::Error) -> Text {
    let (p, e) = (p.display().to_string(), e.to_string());
    tr!(es: "{p}: {e}", en: "{p}: {e}")
}

/// The checkout pasos was compiled from, if it is still there and is not one of cargo's own copies
/// (`~/.cargo/git/checkouts/…` is cargo's business, not a place to build in). `PASOS_SOURCE_DIR`
/// names another checkout.
fn checkout() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("PASOS_SOURCE_DIR").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(p));
    }
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| directories::BaseDirs::new().map(|b| b.home_dir().join(".cargo")));
    let in_cargo_home = cargo_home.is_some_and(|h| dir.starts_with(h));
    (!in_cargo_home && dir.join("lambda-resizer/Cargo.toml").is_file()).then_some(dir)
}

/// Finds (or unpacks) the source. `data_dir` holds the unpacked copy and its target dir.
pub fn locate(data_dir: &Path) -> Result<Source, Text> {
    if let Some(root) = checkout() {
        let target = std::env::var_os("CARGO_TARGET_DIR")
            .filter(|t| !t.is_empty())
            .map(PathBuf::from)
            .map(|t| if t.is_relative() { root.join(t) } else { t })
            .unwrap_or_else(|| root.join("target"));
        let hash = checkout_hash(&root)?;
        return Ok(Source {
            root,
            target,
            checkout: true,
            hash,
        });
    }
    unpack(data_dir)
}

/// Hash of the checkout: its manifests, lock file and every file under `lambda-resizer/src`.
fn checkout_hash(root: &Path) -> Result<String, Text> {
    let mut files = vec![
        root.join("Cargo.lock"),
        root.join("Cargo.toml"),
        root.join("lambda-resizer/Cargo.toml"),
    ];
    let mut stack = vec![root.join("lambda-resizer/src")];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).map_err(|e| io(&dir, &e))?.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p)
            } else {
                files.push(p)
            }
        }
    }
    files.sort();
    let mut h = Sha256::new();
    for f in files {
        h.update(
            f.strip_prefix(root)
                .unwrap_or(&f)
                .to_string_lossy()
                .as_bytes(),
        );
        h.update(std::fs::read(&f).map_err(|e| io(&f, &e))?);
    }
    Ok(hex::encode(&h.finalize()[..8]))
}

fn embedded_hash() -> String {
    let mut h = Sha256::new();
    for (name, text) in EMBEDDED {
        h.update(name.as_bytes());
        h.update(text.as_bytes());
    }
    hex::encode(&h.finalize()[..8])
}

/// The root manifest for the unpacked copy: pasos's own workspace manifest without the `pasos`
/// package, so the resizer keeps exactly the workspace's dependency versions, features and profiles.
pub fn standalone_manifest(root_manifest: &str) -> Result<String, Text> {
    let bad = |e: String| tr!(es: "manifiesto incrustado ilegible: {e}", en: "unreadable embedded manifest: {e}");
    let mut t: toml::Table = root_manifest
        .parse()
        .map_err(|e: toml::de::Error| bad(e.to_string()))?;
    for k in [
        "package",
        "lib",
        "bin",
        "features",
        "dependencies",
        "build-dependencies",
        "dev-dependencies",
    ] {
        t.remove(k);
    }
    let ws = t
        .get_mut("workspace")
        .and_then(|w| w.as_table_mut())
        .ok_or_else(|| bad("no [workspace]".into()))?;
    ws.insert(
        "members".into(),
        toml::Value::Array(vec!["lambda-resizer".into()]),
    );
    ws.remove("exclude");
    toml::to_string(&t).map_err(|e| bad(e.to_string()))
}

/// Writes the embedded copy under `<data>/resizer-src/<hash>` once (a `.complete` marker says it
/// was written whole), with its own target dir beside it, shared by every version.
fn unpack(data_dir: &Path) -> Result<Source, Text> {
    let hash = embedded_hash();
    let base = data_dir.join("resizer-src");
    let root = base.join(&hash);
    let marker = root.join(".complete");
    if !marker.exists() {
        for (name, text) in EMBEDDED {
            let p = root.join(name);
            let text = if *name == "Cargo.toml" {
                standalone_manifest(text)?
            } else {
                (*text).to_string()
            };
            if let Some(d) = p.parent() {
                std::fs::create_dir_all(d).map_err(|e| io(d, &e))?;
            }
            std::fs::write(&p, text).map_err(|e| io(&p, &e))?;
        }
        std::fs::write(&marker, b"").map_err(|e| io(&marker, &e))?;
    }
    Ok(Source {
        root,
        target: base.join("target"),
        checkout: false,
        hash,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_copy_is_complete() {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let mut on_disk: Vec<String> = std::fs::read_dir(root.join("lambda-resizer/src"))
            .unwrap()
            .map(|e| {
                format!(
                    "lambda-resizer/src/{}",
                    e.unwrap().file_name().to_string_lossy()
                )
            })
            .collect();
        on_disk.sort();
        let embedded: Vec<String> = EMBEDDED
            .iter()
            .map(|(n, _)| n.to_string())
            .filter(|n| n.starts_with("lambda-resizer/src/"))
            .collect();
        assert_eq!(embedded, on_disk, "add the new resizer file to EMBEDDED");
    }

    #[test]
    fn standalone_manifest_keeps_workspace_deps_and_profiles_only() {
        let m = standalone_manifest(EMBEDDED[0].1).unwrap();
        let t: toml::Table = m.parse().unwrap();
        assert!(t.get("package").is_none() && t.get("dependencies").is_none());
        let ws = t["workspace"].as_table().unwrap();
        assert_eq!(
            ws["members"].as_array().unwrap(),
            &vec![toml::Value::from("lambda-resizer")]
        );
        assert!(
            ws["dependencies"]
                .as_table()
                .unwrap()
                .contains_key("aws-sdk-s3")
        );
        assert!(t["profile"].as_table().unwrap().contains_key("resizer"));
    }

    #[test]
    fn unpacks_once_into_a_buildable_layout() {
        let d = tempfile::tempdir().unwrap();
        let s = unpack(d.path()).unwrap();
        assert!(!s.checkout);
        assert!(s.root.join("lambda-resizer/src/main.rs").is_file());
        assert!(s.root.join("Cargo.lock").is_file());
        let again = unpack(d.path()).unwrap();
        assert_eq!(s, again);
    }
}
