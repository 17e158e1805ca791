//! Unit tests of the credentials file handling: marks, free names, backups, locks, modes.

use super::*;
use std::os::unix::fs::PermissionsExt;

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

const MINE: &str = "# mine\n[default]\naws_access_key_id = A\naws_secret_access_key = B\n\n[alumno]\naws_access_key_id = OLD\naws_secret_access_key = OLDSECRET\n[other]\nregion = x\n";

#[test]
fn a_profile_pasos_did_not_write_is_never_replaced() {
    // The learner's own [alumno] and [default]: a plan user named either gets the next free name.
    assert_eq!(free_profile(MINE, "", "alumno", "AKIA1"), "alumno-2");
    assert_eq!(free_profile(MINE, "", "default", "AKIA1"), "default-2");
    assert_eq!(free_profile(MINE, "", "nuevo", "AKIA1"), "nuevo");
    // A profile that only exists in ~/.aws/config (an SSO profile, say) is the user's too.
    assert_eq!(
        free_profile("", "[profile nuevo]\nsso_session = x\n", "nuevo", "K"),
        "nuevo-2"
    );
    let out = add_profile(MINE, "alumno-2", "alumno", "AKIA1", "S1", "T");
    assert!(
        out.starts_with(MINE),
        "every byte of the user's file kept:\n{out}"
    );
    assert!(out.ends_with(
        "\n\n# pasos: access key AKIA1 of IAM user alumno, saved T\n[alumno-2]\naws_access_key_id = AKIA1\naws_secret_access_key = S1\n"
    ));
}

#[test]
fn a_second_key_for_the_same_user_gets_its_own_profile() {
    let one = add_profile("", "alumno", "alumno", "AKIA1", "S1", "T");
    let base = free_profile(&one, "", "alumno", "AKIA2");
    assert_eq!(base, "alumno-2");
    let two = add_profile(&one, &base, "alumno", "AKIA2", "S2", "T");
    assert!(two.contains("aws_secret_access_key = S1\n"), "{two}");
    assert!(two.contains("aws_secret_access_key = S2\n"), "{two}");
    // Saving the same key again reuses its own section instead of adding a third.
    assert_eq!(free_profile(&two, "", "alumno", "AKIA1"), "alumno");
    let again = add_profile(&two, "alumno", "alumno", "AKIA1", "S1", "T2");
    assert_eq!(again.matches("[alumno]").count(), 1, "{again}");
    assert!(again.contains("[alumno-2]"), "{again}");
}

#[test]
fn removing_a_key_removes_only_the_section_pasos_marked_for_it() {
    let with = add_profile(MINE, "alumno-2", "alumno", "AKIA1", "S1", "T");
    let (back, name) = remove_marked(&with, "AKIA1").unwrap();
    assert_eq!(name, "alumno-2");
    assert_eq!(back, MINE);
    // The user's own [alumno] holds OLD, not a marked key: nothing to remove.
    assert!(remove_marked(MINE, "OLD").is_none());
}

#[test]
fn save_keeps_timestamped_backups_and_writes_0600() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("credentials");
    std::fs::write(&p, MINE).unwrap();
    let mut profiles = Vec::new();
    for i in 0..7 {
        profiles
            .push(save_access_key(&p, "alumno", "alumno", &format!("AKIA{i}"), "secret").unwrap());
    }
    assert_eq!(profiles[0], "alumno-2");
    assert_eq!(profiles[6], "alumno-8");
    assert_eq!(mode(&p), 0o600);
    let text = std::fs::read_to_string(&p).unwrap();
    assert!(text.starts_with(MINE));
    assert!(text.contains("aws_secret_access_key = OLDSECRET"));
    let backups: Vec<_> = std::fs::read_dir(d.path())
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.to_string_lossy().contains(".pasos-backup-"))
        .collect();
    assert_eq!(backups.len(), BACKUPS_KEPT, "{backups:?}");
    for b in &backups {
        assert_eq!(mode(b), 0o600, "{b:?}");
    }
    // The oldest backup kept is the state before the 3rd save: earlier ones were pruned.
    let mut sorted = backups.clone();
    sorted.sort();
    let oldest = std::fs::read_to_string(&sorted[0]).unwrap();
    assert!(
        oldest.contains("AKIA1") && !oldest.contains("AKIA2"),
        "{oldest}"
    );
    // Forgetting a key takes its section out and leaves the rest.
    assert_eq!(
        forget_access_key(&p, "AKIA3").unwrap().as_deref(),
        Some("alumno-5")
    );
    let text = std::fs::read_to_string(&p).unwrap();
    assert!(!text.contains("AKIA3") && text.contains("AKIA4"), "{text}");
    assert_eq!(forget_access_key(&p, "NOPE").unwrap(), None);
}

#[test]
fn an_unusable_credentials_file_fails_the_save_and_stays_as_it_was() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("credentials");
    std::fs::write(&p, b"\xff\xfe[default]\n").unwrap();
    let e = save_access_key(&p, "alumno", "alumno", "AKIA1", "s").unwrap_err();
    assert!(e.en.contains("not UTF-8"), "{}", e.en);
    assert!(check_writable(&p).is_err());
    assert_eq!(std::fs::read(&p).unwrap(), b"\xff\xfe[default]\n");
    // A directory where the file should be.
    let dir_instead = d.path().join("dir");
    std::fs::create_dir(&dir_instead).unwrap();
    assert!(check_writable(&dir_instead).is_err());
    assert!(save_access_key(&dir_instead, "a", "a", "K", "s").is_err());
    // A fine file, and a file that does not exist yet, pass.
    let ok = d.path().join("fine");
    std::fs::write(&ok, "[default]\n").unwrap();
    check_writable(&ok).unwrap();
    check_writable(&d.path().join("new/credentials")).unwrap();
}

#[test]
fn a_symlinked_credentials_file_stays_a_symlink() {
    let d = tempfile::tempdir().unwrap();
    let real = d.path().join("dotfiles-credentials");
    std::fs::write(&real, "[default]\n").unwrap();
    let link = d.path().join("credentials");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    save_access_key(&link, "alumno", "alumno", "AKIA1", "s").unwrap();
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(std::fs::read_to_string(&real).unwrap().contains("AKIA1"));
}

#[test]
fn two_processes_saving_at_once_lose_no_profile() {
    // Threads stand in for processes: the lock is a file lock, taken per open file description.
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("credentials");
    let handles: Vec<_> = (0..8)
        .map(|i| {
            let p = p.clone();
            std::thread::spawn(move || {
                save_access_key(&p, "alumno", "alumno", &format!("AKIA{i}"), "s").unwrap()
            })
        })
        .collect();
    let mut names: Vec<String> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), 8, "{names:?}");
    let text = std::fs::read_to_string(&p).unwrap();
    for i in 0..8 {
        assert!(
            text.contains(&format!("aws_access_key_id = AKIA{i}\n")),
            "{text}"
        );
    }
}

#[test]
fn passwords_are_private() {
    let d = tempfile::tempdir().unwrap();
    let pw = save_password(d.path(), "alumno", "pw", "https://x").unwrap();
    assert_eq!(mode(&pw), 0o600);
    assert_eq!(mode(&d.path().join("secrets")), 0o700);
}

#[test]
fn utc_time_is_well_formed() {
    let (long, short) = utc_now();
    assert_eq!(long.len(), "2026-01-15T10:30:00Z".len(), "{long}");
    assert!(long.starts_with("20") && long.ends_with('Z'), "{long}");
    assert_eq!(short.len(), "20260115T103000.123Z".len(), "{short}");
}
