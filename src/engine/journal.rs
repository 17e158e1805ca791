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
    /// When each live resource's intent was first written (epoch seconds): its age for cost.
    born: BTreeMap<String, u64>,
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
        let mut born = BTreeMap::new();
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
                        note_birth(&mut born, &r);
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
            born,
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
        note_birth(&mut self.born, &rec);
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
        note_birth(&mut self.born, &rec);
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
        note_birth(&mut self.born, &rec);
        self.live.remove(&res.key());
        Ok(())
    }

    /// Everything created (or attempted) and not deleted since.
    pub fn live(&self) -> Vec<Entry> {
        self.live.values().cloned().collect()
    }

    /// When the resource's first intent was written (epoch seconds), while it is live.
    pub fn since(&self, res: &Res) -> Option<u64> {
        self.born.get(&res.key()).copied()
    }

    /// Every live resource's birth time, by key (the wizard's cost panel).
    pub fn births(&self) -> BTreeMap<String, u64> {
        self.born.clone()
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

/// Keeps the first intent's time of each live resource (a created result may rename the key: an
/// access key learns its id), and forgets it once deleted.
fn note_birth(born: &mut BTreeMap<String, u64>, r: &Record) {
    let Some(res) = &r.res else { return };
    match r.op {
        Op::Intent => {
            born.entry(res.key()).or_insert(r.ts);
        }
        Op::Created => {
            let first = r
                .intent
                .as_ref()
                .and_then(|k| born.remove(k))
                .unwrap_or(r.ts);
            born.entry(res.key()).or_insert(first);
        }
        Op::Deleted => {
            born.remove(&res.key());
        }
        Op::Session => {}
    }
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
#[path = "journal_tests.rs"]
mod tests;
