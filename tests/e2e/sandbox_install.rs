//! The sandbox emulator's install: exactly the hashed list in `assets/sandbox/requirements.txt`,
//! nothing else, and a wheel whose hash does not match is refused.

use crate::support::TestSandbox;
use pasos::sandbox::venv;
use std::collections::BTreeSet;
use std::process::Command;

fn python_version(python: &std::path::Path) -> (u32, u32) {
    let out = Command::new(python)
        .args(["-c", "import sys; print('%d %d' % sys.version_info[:2])"])
        .output()
        .unwrap();
    let s = String::from_utf8_lossy(&out.stdout);
    let mut it = s.split_whitespace().map(|n| n.parse().unwrap());
    (it.next().unwrap(), it.next().unwrap())
}

/// `name==version` of every requirement whose marker holds for this Python.
fn expected(py: (u32, u32)) -> BTreeSet<String> {
    venv::REQUIREMENTS
        .lines()
        .filter(|l| !l.starts_with('#') && !l.starts_with(' ') && !l.is_empty())
        .filter(|l| match l.split_once("python_version < \"") {
            Some((_, v)) => {
                let v = v.split('"').next().unwrap();
                let (maj, min) = v.split_once('.').unwrap();
                py < (maj.parse().unwrap(), min.parse().unwrap())
            }
            None => true,
        })
        .map(|l| l.split([' ', ';']).next().unwrap().to_ascii_lowercase())
        .collect()
}

#[test]
fn the_emulator_venv_holds_exactly_the_hashed_list() {
    let _sb = TestSandbox::start();
    let dir = venv::venv_dir(&pasos::paths::data_dir());
    let python = dir.join("bin/python");
    assert_eq!(
        std::fs::read_to_string(dir.join("requirements.txt")).unwrap(),
        venv::REQUIREMENTS
    );
    let out = Command::new(&python)
        .args(["-m", "pip", "freeze", "--all", "--isolated"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let installed: BTreeSet<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| l.trim().to_ascii_lowercase().replace('_', "-"))
        // What `python -m venv` itself puts there.
        .filter(|l| !l.starts_with("pip==") && !l.starts_with("setuptools=="))
        .collect();
    assert_eq!(installed, expected(python_version(&python)));
}

#[test]
fn a_wheel_whose_hash_does_not_match_is_refused() {
    let d = tempfile::tempdir().unwrap();
    let python = venv::find_python().unwrap();
    let v = d.path().join("venv");
    assert!(
        Command::new(&python)
            .args(["-m", "venv"])
            .arg(&v)
            .status()
            .unwrap()
            .success()
    );
    let wrong = "six==1.17.0 \\\n    --hash=sha256:0000000000000000000000000000000000000000000000000000000000000000\n";
    let e = venv::install_requirements(&v, wrong, &mut |_| {}).unwrap_err();
    assert!(e.en.to_ascii_lowercase().contains("hash"), "{}", e.en);
    let site = Command::new(v.join("bin/python"))
        .args(["-c", "import six"])
        .status()
        .unwrap();
    assert!(!site.success(), "six was installed despite the wrong hash");
}
