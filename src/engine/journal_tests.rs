//! Unit tests of the journal: replay, locking, torn and damaged lines, failed writes, modes.

use super::*;

#[test]
fn intent_created_deleted_replay() {
    let d = tempfile::tempdir().unwrap();
    let role = Res::Role { name: "r".into() };
    let key_intent = Res::AccessKey {
        user: "u".into(),
        id: None,
    };
    let key_done = Res::AccessKey {
        user: "u".into(),
        id: Some("AKIA1".into()),
    };
    let session;
    {
        let mut j = Journal::open(d.path(), "000000000000", "us-east-1").unwrap();
        session = j.session().to_string();
        j.intent(&role).unwrap();
        j.created(&role, &role).unwrap();
        j.intent(&key_intent).unwrap();
        j.created(&key_intent, &key_done).unwrap();
        j.intent(&Res::Bucket { name: "b".into() }).unwrap();
        j.deleted(&role).unwrap();
    }
    let j = Journal::open(d.path(), "000000000000", "us-east-1").unwrap();
    assert_eq!(j.session(), session);
    let live = j.live();
    assert_eq!(live.len(), 2, "{live:?}");
    assert!(live.iter().any(|e| e.res == key_done && e.confirmed));
    assert!(
        live.iter()
            .any(|e| e.res == Res::Bucket { name: "b".into() } && !e.confirmed)
    );
}

#[test]
fn a_nonce_is_reused_only_to_retry_the_same_unanswered_intent() {
    let d = tempfile::tempdir().unwrap();
    let i = Res::Instance {
        name: "web".into(),
        id: None,
    };
    let first;
    {
        let mut j = Journal::open(d.path(), "1", "us-east-1").unwrap();
        first = j.intent_with_nonce(&i).unwrap();
        assert_eq!(first.len(), 32);
        assert!(first.is_ascii());
    }
    // A crash before the answer: the next run retries the same intent with the same nonce.
    let mut j = Journal::open(d.path(), "1", "us-east-1").unwrap();
    assert_eq!(j.live()[0].nonce.as_deref(), Some(first.as_str()));
    assert_eq!(j.intent_with_nonce(&i).unwrap(), first);
    let done = Res::Instance {
        name: "web".into(),
        id: Some("i-1".into()),
    };
    j.created(&i, &done).unwrap();
    j.deleted(&done).unwrap();
    // After a rollback, a new launch is a new intent: a new nonce, so EC2 launches a new instance.
    let second = j.intent_with_nonce(&i).unwrap();
    assert_ne!(second, first);
    drop(j);
    let j = Journal::open(d.path(), "1", "us-east-1").unwrap();
    assert_eq!(j.live()[0].nonce.as_deref(), Some(second.as_str()));
}

#[test]
fn second_opener_is_refused() {
    let d = tempfile::tempdir().unwrap();
    let _j = Journal::open(d.path(), "1", "us-east-1").unwrap();
    let e = Journal::open(d.path(), "1", "us-east-1").err().unwrap();
    assert!(e.en.contains("Another pasos process"));
}

#[test]
fn torn_last_line_is_tolerated_and_reported() {
    let d = tempfile::tempdir().unwrap();
    let path;
    {
        let mut j = Journal::open(d.path(), "1", "us-east-1").unwrap();
        j.intent(&Res::Role { name: "r".into() }).unwrap();
        path = j.path().to_path_buf();
    }
    let mut f = OpenOptions::new().append(true).open(&path).unwrap();
    f.write_all(br#"{"op":"intent","res":{"kind":"bucket","na"#)
        .unwrap();
    drop(f);
    let mut j = Journal::open(d.path(), "1", "us-east-1").unwrap();
    assert!(j.was_truncated());
    assert_eq!(j.live().len(), 1);
    j.intent(&Res::Bucket { name: "b".into() }).unwrap();
    drop(j);
    let j = Journal::open(d.path(), "1", "us-east-1").unwrap();
    assert!(!j.was_truncated(), "the torn tail was cut, not kept");
    assert_eq!(j.live().len(), 2);
}

#[test]
fn a_damaged_line_before_the_last_is_fatal_with_its_number() {
    let d = tempfile::tempdir().unwrap();
    let path;
    {
        let mut j = Journal::open(d.path(), "1", "us-east-1").unwrap();
        j.intent(&Res::Role { name: "r".into() }).unwrap();
        j.intent(&Res::Role { name: "s".into() }).unwrap();
        path = j.path().to_path_buf();
    }
    let text = std::fs::read_to_string(&path).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    lines[1] = "{\"op\":\"intent\",\"res\":{\"kind\"";
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    let e = Journal::open(d.path(), "1", "us-east-1").err().unwrap();
    assert!(e.en.contains("damaged at line 2"), "{}", e.en);
    assert!(e.es.contains("línea 2"), "{}", e.es);
    // Nothing was cut or rewritten: the user can still repair it by hand.
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        lines.join("\n") + "\n"
    );
}

#[test]
fn a_write_that_fails_half_way_is_cut_back_to_the_last_record() {
    let d = tempfile::tempdir().unwrap();
    let mut j = Journal::open(d.path(), "1", "us-east-1").unwrap();
    j.intent(&Res::Role { name: "a".into() }).unwrap();
    let before = std::fs::read(j.path()).unwrap();
    j.fail_after = Some(17);
    assert!(j.intent(&Res::Role { name: "b".into() }).is_err());
    assert_eq!(
        std::fs::read(j.path()).unwrap(),
        before,
        "half a record left"
    );
    j.intent(&Res::Role { name: "c".into() }).unwrap();
    drop(j);
    let j = Journal::open(d.path(), "1", "us-east-1").unwrap();
    assert!(!j.was_truncated());
    let names: Vec<String> = j.live().into_iter().map(|e| e.res.key()).collect();
    assert_eq!(names, ["role:a", "role:c"]);
}

#[test]
fn records_from_a_newer_pasos_with_extra_fields_still_read() {
    let d = tempfile::tempdir().unwrap();
    let path = journal_path(d.path(), "1", "us-east-1");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(
        &path,
        "{\"op\":\"session\",\"session\":\"abc\",\"ts\":1}\n{\"op\":\"intent\",\"res\":{\"kind\":\"instance\",\"name\":\"w\",\"id\":null},\"nonce\":\"x1\",\"ts\":2}",
    )
    .unwrap();
    let j = Journal::open(d.path(), "1", "us-east-1").unwrap();
    assert_eq!(j.session(), "abc");
    assert_eq!(j.live().len(), 1);
    // The last record had lost only its newline: it was kept and the line ended.
    assert!(
        std::fs::read_to_string(&path)
            .unwrap()
            .ends_with("\"ts\":2}\n")
    );
}

#[test]
fn the_journal_and_its_folder_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let d = tempfile::tempdir().unwrap();
    let j = Journal::open(d.path(), "1", "us-east-1").unwrap();
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(j.path()), 0o600);
    assert_eq!(mode(j.path().parent().unwrap()), 0o700);
}

#[test]
fn birth_times_survive_reopening_and_follow_renamed_keys() {
    let d = tempfile::tempdir().unwrap();
    let intent = Res::AccessKey {
        user: "u".into(),
        id: None,
    };
    let done = Res::AccessKey {
        user: "u".into(),
        id: Some("AKIA1".into()),
    };
    let role = Res::Role { name: "r".into() };
    let before = now();
    {
        let mut j = Journal::open(d.path(), "1", "us-east-1").unwrap();
        j.intent(&intent).unwrap();
        j.created(&intent, &done).unwrap();
        j.intent(&role).unwrap();
        j.deleted(&role).unwrap();
    }
    let j = Journal::open(d.path(), "1", "us-east-1").unwrap();
    let t = j.since(&done).expect("birth of the key");
    assert!(t >= before && t <= now(), "{t}");
    assert_eq!(j.since(&role), None, "deleted: no age");
}
