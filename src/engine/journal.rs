//! The journal: an append-only JSON-lines file per account and region, the memory rollback works
//! from. An intent is written and fsynced before every call that creates something, the result after,
//! so a kill -9 at any moment leaves enough to find and delete everything. It never holds a secret:
//! only resource identities (names, ids) are written. It never holds a torn record either: a write
//! that fails half-way is cut back to the last whole record, a torn last line (power cut) is cut on
//! the next open, and a bad line anywhere else stops pasos with its line number.

use super::event::Res;
use crate::i18n::Text;
use crate::tr;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Op {
    Session,
    Intent,
    Created,
    Deleted,
}

/// One line. New optional fields must be `#[serde(default)]` so older journals still read (unknown
/// fields from newer versions are ignored).
#[derive(Clone, Debug, Serialize, Deserialize)]
struct Record {
    op: Op,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    res: Option<Res>,
    /// For `created`: the key of the intent it answers (ids may have been learned since).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    intent: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    session: Option<String>,
    /// For an `intent` whose call is idempotent by token (RunInstances' ClientToken): the nonce the
    /// token is made from. A retry of the same unanswered intent reuses it; a new intent (after a
    /// rollback, say) gets a new one, because EC2 remembers a token for at least 24 hours after the
    /// instance is gone and would hand back the old, terminated instance.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    nonce: Option<String>,
    ts: u64,
}

/// One journaled resource still owed a deletion.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub res: Res,
    /// False when only the intent was written: the call may or may not have taken effect.
    pub confirmed: bool,
    /// The intent's idempotency nonce, while the intent is unanswered.
    pub nonce: Option<String>,
}

pub struct Journal {
    path: PathBuf,
    file: File,
    // Held for the journal's lifetime: the OS releases it when the process dies, even on kill -9.
    _lock: File,
    session: String,
    live: BTreeMap<String, Entry>,
    truncated: bool,
    /// Length of the file up to the end of the last whole record.
    good_len: u64,
    /// Set when a failed write could not be cut back: nothing more is appended after a torn record.
    broken: bool,
    /// Test hook: the next write stops after this many bytes and fails, as a full disk would.
    #[cfg(test)]
    fail_after: Option<usize>,
}

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

pub fn journal_path(state_dir: &Path, account: &str, region: &str) -> PathBuf {
    state_dir
        .join("journal")
        .join(format!("{account}-{region}.jsonl"))
}

impl Journal {
    /// Opens (or creates) the journal for this account and region and locks it. A second pasos on
    /// the same state dir gets a clear error instead of interleaving writes.
    pub fn open(state_dir: &Path, account: &str, region: &str) -> Result<Journal, Text> {
        let path = journal_path(state_dir, account, region);
        let io = |e: std::io::Error| {
            let (p, e) = (path.display().to_string(), e.to_string());
            tr!(es: "diario {p}: {e}", en: "journal {p}: {e}")
        };
        if let Some(dir) = path.parent() {
            crate::paths::private_dir(dir).map_err(io)?;
        }
        let lock = private_file(&path.with_extension("lock"), false).map_err(io)?;
        if lock.try_lock().is_err() {
            let p = path.display().to_string();
            return Err(tr!(
                es: "Otro proceso de pasos está usando el diario {p}: espera a que termine o usa otro --state-dir",
                en: "Another pasos process is using the journal {p}: wait for it to finish or use another --state-dir"
            ));
        }
        let mut live = BTreeMap::new();
        let mut session = None;
        let mut truncated = false;
        let mut good_len = 0u64;
        if let Ok(f) = File::open(&path) {
            let mut lines = BufReader::new(f).split(b'\n').enumerate().peekable();
            while let Some((i, line)) = lines.next() {
                let line = line.map_err(io)?;
                let last = lines.peek().is_none();
                match serde_json::from_slice::<Record>(&line) {
                    Ok(r) => {
                        apply(&mut live, &mut session, r);
                        good_len += line.len() as u64 + 1;
                    }
                    Err(_) if line.iter().all(u8::is_ascii_whitespace) => {
                        good_len += line.len() as u64 + 1;
                    }
                    // A torn *last* line is what a power cut mid-write leaves: the intent was not
                    // fsynced, so its call never went out. It is cut off below.
                    Err(_) if last => truncated = true,
                    Err(e) => {
                        let (p, n, e) = (path.display().to_string(), i + 1, e.to_string());
                        return Err(tr!(
                            es: "el diario {p} está dañado en la línea {n} ({e}): pasos se detiene antes que olvidar lo que creó. Guarda una copia, corrige o borra esa línea, y vuelve a intentarlo",
                            en: "the journal {p} is damaged at line {n} ({e}): pasos stops rather than forget what it made. Keep a copy, fix or delete that line, and try again"
                        ));
                    }
                }
            }
        }
        let mut file = private_file(&path, true).map_err(io)?;
        let len = file.metadata().map_err(io)?.len();
        if len > good_len {
            // The torn tail goes, so the next record starts on a line of its own.
            file.set_len(good_len).map_err(io)?;
            file.sync_data().map_err(io)?;
        } else if len + 1 == good_len {
            // The last whole record lost only its newline.
            file.write_all(b"\n").map_err(io)?;
            file.sync_data().map_err(io)?;
        }
        let mut j = Journal {
            path: path.clone(),
            file,
            _lock: lock,
            session: String::new(),
            live,
            truncated,
            good_len,
            broken: false,
            #[cfg(test)]
            fail_after: None,
        };
        match session {
            Some(s) => j.session = s,
            None => {
                j.session = new_session_id();
                let rec = Record {
                    op: Op::Session,
                    res: None,
                    intent: None,
                    session: Some(j.session.clone()),
                    nonce: None,
                    ts: now(),
                };
                j.write(&rec).map_err(|e| {
                    let (p, e) = (path.display().to_string(), e.to_string());
                    tr!(es: "diario {p}: {e}", en: "journal {p}: {e}")
                })?;
            }
        }
        Ok(j)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The value of the `pasos:session` tag on everything this journal creates.
    pub fn session(&self) -> &str {
        &self.session
    }

    /// Whether the last line was torn (reported to the user; everything before it was read).
    pub fn was_truncated(&self) -> bool {
        self.truncated
    }

    /// Written and fsynced before the create call.
    pub fn intent(&mut self, res: &Res) -> std::io::Result<()> {
        self.write_intent(res, None)
    }

    /// Like `intent`, for a call made idempotent by a client token: returns the nonce to build the
    /// token from — the one of this same intent if it is still unanswered (a retry after a crash or a
    /// lost answer must get the original result back), a new random one otherwise.
    pub fn intent_with_nonce(&mut self, res: &Res) -> std::io::Result<String> {
        let nonce = match self.live.get(&res.key()) {
            Some(Entry {
                confirmed: false,
                nonce: Some(n),
                ..
            }) => n.clone(),
            _ => new_nonce(),
        };
        self.write_intent(res, Some(nonce.clone()))?;
        Ok(nonce)
    }

    fn write_intent(&mut self, res: &Res, nonce: Option<String>) -> std::io::Result<()> {
        let rec = Record {
            op: Op::Intent,
            res: Some(res.clone()),
            intent: None,
            session: None,
            nonce: nonce.clone(),
            ts: now(),
        };
        self.write(&rec)?;
        let e = self.live.entry(res.key()).or_insert(Entry {
            res: res.clone(),
            confirmed: false,
            nonce: None,
        });
        if !e.confirmed {
            e.nonce = nonce;
        }
        Ok(())
    }

    /// Written after the create call answered; `result` may carry ids the intent did not know.
    pub fn created(&mut self, intent: &Res, result: &Res) -> std::io::Result<()> {
        let rec = Record {
            op: Op::Created,
            res: Some(result.clone()),
            intent: Some(intent.key()),
            session: None,
            nonce: None,
            ts: now(),
        };
        self.write(&rec)?;
        self.live.remove(&intent.key());
        self.live.insert(
            result.key(),
            Entry {
                res: result.clone(),
                confirmed: true,
                nonce: None,
            },
        );
        Ok(())
    }

    /// Written once a resource is gone (deleted, or found already gone).
    pub fn deleted(&mut self, res: &Res) -> std::io::Result<()> {
        let rec = Record {
            op: Op::Deleted,
            res: Some(res.clone()),
            intent: None,
            session: None,
            nonce: None,
            ts: now(),
        };
        self.write(&rec)?;
        self.live.remove(&res.key());
        Ok(())
    }

    /// Everything created (or attempted) and not deleted since.
    pub fn live(&self) -> Vec<Entry> {
        self.live.values().cloned().collect()
    }

    pub fn holds(&self, res: &Res) -> bool {
        self.live.contains_key(&res.key())
    }

    /// Whether the resource was created by this journal and is confirmed.
    pub fn owns_confirmed(&self, res: &Res) -> bool {
        self.live.get(&res.key()).is_some_and(|e| e.confirmed)
    }

    fn write(&mut self, rec: &Record) -> std::io::Result<()> {
        if self.broken {
            return Err(std::io::Error::other(
                "an earlier write failed and could not be undone",
            ));
        }
        let mut line = serde_json::to_vec(rec).map_err(std::io::Error::other)?;
        line.push(b'\n');
        match self.append(&line) {
            Ok(()) => {
                self.good_len += line.len() as u64;
                Ok(())
            }
            Err(e) => {
                // Half a record (a full disk) must not stay: the next one would follow it on the
                // same line, and the journal would no longer read. Cut back to the last whole one.
                let cut = OpenOptions::new()
                    .write(true)
                    .open(&self.path)
                    .and_then(|f| f.set_len(self.good_len).and_then(|()| f.sync_data()));
                if cut.is_err() {
                    self.broken = true;
                }
                Err(e)
            }
        }
    }

    fn append(&mut self, line: &[u8]) -> std::io::Result<()> {
        #[cfg(test)]
        if let Some(n) = self.fail_after.take() {
            self.file.write_all(&line[..n.min(line.len())])?;
            return Err(std::io::Error::other("injected: no space left on device"));
        }
        self.file.write_all(line)?;
        // fsync, not just flush: the intent must survive a power cut before the call goes out.
        self.file.sync_data()
    }
}

/// The journal and its lock: 0600 (the directory is 0700 too).
fn private_file(path: &Path, append: bool) -> std::io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    let mut o = OpenOptions::new();
    o.create(true).mode(0o600);
    if append {
        o.append(true).read(true);
    } else {
        o.write(true).truncate(false);
    }
    o.open(path)
}

fn apply(live: &mut BTreeMap<String, Entry>, session: &mut Option<String>, r: Record) {
    match (r.op, r.res) {
        (Op::Session, _) if session.is_none() => *session = r.session,
        (Op::Session, _) => {}
        (Op::Intent, Some(res)) => {
            let e = live.entry(res.key()).or_insert(Entry {
                res,
                confirmed: false,
                nonce: None,
            });
            if !e.confirmed && r.nonce.is_some() {
                e.nonce = r.nonce;
            }
        }
        (Op::Created, Some(res)) => {
            if let Some(k) = r.intent {
                live.remove(&k);
            }
            live.insert(
                res.key(),
                Entry {
                    res,
                    confirmed: true,
                    nonce: None,
                },
            );
        }
        (Op::Deleted, Some(res)) => {
            live.remove(&res.key());
        }
        _ => {}
    }
}

/// 128 random bits in hex: 32 ASCII characters, so `pasos-<nonce>` stays within EC2's 64-character
/// ClientToken limit whatever the resource's name.
fn new_nonce() -> String {
    use rand::Rng;
    let n: u128 = rand::rng().random();
    format!("{n:032x}")
}

fn new_session_id() -> String {
    use rand::Rng;
    let n: u64 = rand::rng().random();
    format!("{n:016x}")[..10].to_string()
}

#[cfg(test)]
mod tests {
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
}
