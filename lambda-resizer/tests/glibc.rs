//! Checks the release `bootstrap` can run on provided.al2023 (glibc 2.34): no symbol versioned
//! newer than GLIBC_2.34, and only the system libraries AL2023 has (libjpeg-turbo linked in).
//!
//! Ignored by default because it needs the release build:
//!   cargo build -p lambda-resizer --profile resizer
//!   cargo test -p lambda-resizer --test glibc -- --ignored
//! `RESIZER_BOOTSTRAP=/path/to/bootstrap` checks another binary (e.g. a cargo-lambda build).

use std::path::PathBuf;
use std::process::Command;

/// Amazon Linux 2023 ships glibc 2.34.
const MAX_GLIBC: (u32, u32) = (2, 34);

fn bootstrap() -> PathBuf {
    if let Some(p) = std::env::var_os("RESIZER_BOOTSTRAP") {
        return PathBuf::from(p);
    }
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| manifest.join("..").join("target"));
    target.join("resizer").join("bootstrap")
}

fn tool_output(tool: &str, path: &PathBuf) -> String {
    let out = Command::new(tool)
        .arg(if tool == "objdump" { "-T" } else { "--" })
        .arg(path)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {tool}: {e}"));
    assert!(out.status.success(), "{tool} failed on {}", path.display());
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// All `GLIBC_x.y[.z]` versions that the dynamic symbol table refers to.
fn glibc_versions(objdump: &str) -> Vec<(u32, u32)> {
    let mut versions = Vec::new();
    for (i, _) in objdump.match_indices("GLIBC_") {
        let rest = &objdump[i + "GLIBC_".len()..];
        let end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let mut parts = rest[..end]
            .split('.')
            .map(|p| p.parse::<u32>().unwrap_or(0));
        if let (Some(major), Some(minor)) = (parts.next(), parts.next()) {
            versions.push((major, minor));
        }
    }
    versions
}

#[test]
fn parses_objdump_versions() {
    let sample = "0 DF *UND* 0 (GLIBC_2.34) __libc_start_main\n0 DF *UND* 0 (GLIBC_2.2.5) memcpy\n\
                  0 DF *UND* 0 GLIBC_PRIVATE x\n";
    assert_eq!(glibc_versions(sample), vec![(2, 34), (2, 2)]);
}

#[test]
#[ignore = "needs target/resizer/bootstrap (cargo build -p lambda-resizer --profile resizer)"]
fn release_bootstrap_needs_at_most_glibc_2_34() {
    let path = bootstrap();
    assert!(
        path.exists(),
        "{} does not exist: build it with `cargo build -p lambda-resizer --profile resizer` or set \
         RESIZER_BOOTSTRAP",
        path.display()
    );
    let dump = tool_output("objdump", &path);
    let versions = glibc_versions(&dump);
    assert!(
        !versions.is_empty(),
        "no GLIBC_ symbols found: is this a glibc binary?"
    );
    let too_new: Vec<&str> = dump
        .lines()
        .filter(|l| glibc_versions(l).iter().any(|v| *v > MAX_GLIBC))
        .collect();
    assert!(
        too_new.is_empty(),
        "symbols newer than GLIBC_{}.{}:\n{}",
        MAX_GLIBC.0,
        MAX_GLIBC.1,
        too_new.join("\n")
    );
    let max = versions.iter().max().copied().unwrap_or((0, 0));
    println!("max GLIBC symbol version: {}.{}", max.0, max.1);
}

#[test]
#[ignore = "needs target/resizer/bootstrap (cargo build -p lambda-resizer --profile resizer)"]
fn release_bootstrap_links_only_system_libraries() {
    let path = bootstrap();
    assert!(path.exists(), "{} does not exist", path.display());
    let ldd = tool_output("ldd", &path);
    const ALLOWED: [&str; 5] = [
        "linux-vdso",
        "libc.so",
        "libm.so",
        "libgcc_s.so",
        "ld-linux",
    ];
    for line in ldd.lines().map(str::trim).filter(|l| !l.is_empty()) {
        assert!(
            ALLOWED.iter().any(|a| line.contains(a)),
            "unexpected shared library (libjpeg-turbo must be linked statically): {line}"
        );
    }
}
