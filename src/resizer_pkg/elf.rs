//! Reads what a Linux x86_64/aarch64 executable needs from the system, straight from its ELF
//! headers: the shared libraries (`DT_NEEDED`) and the glibc symbol versions (`.gnu.version_r`).
//! `provided.al2023` has glibc 2.34; a binary that needs a newer symbol fails at start-up there
//! with nothing in the logs but "GLIBC_2.xx not found", so pasos checks before it zips.

/// What the executable asks of the dynamic loader.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Needs {
    /// `libc.so.6`, `libm.so.6`, …
    pub libraries: Vec<String>,
    /// Every `GLIBC_x.y[.z]` version named, as (major, minor).
    pub glibc: Vec<(u32, u32)>,
}

impl Needs {
    pub fn max_glibc(&self) -> Option<(u32, u32)> {
        self.glibc.iter().max().copied()
    }
}

const SHT_DYNAMIC: u32 = 6;
const SHT_GNU_VERNEED: u32 = 0x6fff_fffe;
const DT_NEEDED: u64 = 1;

fn u16_at(b: &[u8], o: usize) -> Option<u16> {
    Some(u16::from_le_bytes(
        b.get(o..o.checked_add(2)?)?.try_into().ok()?,
    ))
}
fn u32_at(b: &[u8], o: usize) -> Option<u32> {
    Some(u32::from_le_bytes(
        b.get(o..o.checked_add(4)?)?.try_into().ok()?,
    ))
}
fn u64_at(b: &[u8], o: usize) -> Option<u64> {
    Some(u64::from_le_bytes(
        b.get(o..o.checked_add(8)?)?.try_into().ok()?,
    ))
}

/// A NUL-terminated string at `off` inside the string table `tab`.
fn cstr(b: &[u8], tab: (usize, usize), off: usize) -> Option<String> {
    let (start, size) = tab;
    let s = b.get(start.checked_add(off)?..start.checked_add(size)?)?;
    let end = s.iter().position(|&c| c == 0)?;
    Some(String::from_utf8_lossy(&s[..end]).into_owned())
}

/// `GLIBC_2.34` → (2, 34); anything else → None.
pub fn glibc_version(name: &str) -> Option<(u32, u32)> {
    let mut parts = name.strip_prefix("GLIBC_")?.split('.');
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next()?.parse().ok()?;
    Some((major, minor))
}

/// Parses a 64-bit little-endian ELF file. `None` when it is not one (or is malformed).
pub fn needs(b: &[u8]) -> Option<Needs> {
    if b.get(..4)? != b"\x7fELF" || *b.get(4)? != 2 || *b.get(5)? != 1 {
        return None;
    }
    let shoff = usize::try_from(u64_at(b, 0x28)?).ok()?;
    let shentsize = usize::from(u16_at(b, 0x3a)?);
    let shnum = usize::from(u16_at(b, 0x3c)?);
    // (type, offset, size, link) of every section.
    let sections: Vec<(u32, usize, usize, usize)> = (0..shnum)
        .map(|i| {
            let h = shoff.checked_add(i.checked_mul(shentsize)?)?;
            if h.checked_add(0x40)? > b.len() {
                return None;
            }
            Some((
                u32_at(b, h + 4)?,
                usize::try_from(u64_at(b, h + 0x18)?).ok()?,
                usize::try_from(u64_at(b, h + 0x20)?).ok()?,
                usize::try_from(u32_at(b, h + 0x28)?).ok()?,
            ))
        })
        .collect::<Option<_>>()?;
    let strtab = |link: usize| sections.get(link).map(|s| (s.1, s.2));
    let mut out = Needs::default();
    for &(kind, off, size, link) in &sections {
        // Offsets come from the file: everything read below stays inside it, or the file is refused.
        if matches!(kind, SHT_DYNAMIC | SHT_GNU_VERNEED) && off.checked_add(size)? > b.len() {
            return None;
        }
        match kind {
            SHT_DYNAMIC => {
                let tab = strtab(link)?;
                for e in (off..off + size).step_by(16) {
                    let tag = u64_at(b, e)?;
                    if tag == 0 {
                        break;
                    }
                    if tag == DT_NEEDED {
                        let v = usize::try_from(u64_at(b, e + 8)?).ok()?;
                        out.libraries.push(cstr(b, tab, v)?);
                    }
                }
            }
            SHT_GNU_VERNEED => {
                let tab = strtab(link)?;
                let mut need = off;
                // Bounded walk: a malformed `next` chain cannot loop forever.
                for _ in 0..1024 {
                    let cnt = u16_at(b, need + 2)?;
                    let mut aux = need.checked_add(usize::try_from(u32_at(b, need + 8)?).ok()?)?;
                    for _ in 0..cnt {
                        let name = cstr(b, tab, usize::try_from(u32_at(b, aux + 8)?).ok()?)?;
                        if let Some(v) = glibc_version(&name) {
                            out.glibc.push(v);
                        }
                        aux = aux.checked_add(usize::try_from(u32_at(b, aux + 12)?).ok()?)?;
                    }
                    let next = usize::try_from(u32_at(b, need + 12)?).ok()?;
                    if next == 0 {
                        break;
                    }
                    need = need.checked_add(next)?;
                }
            }
            _ => {}
        }
    }
    out.glibc.sort_unstable();
    out.glibc.dedup();
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_this_test_binary() {
        // The test binary itself is a glibc executable: it needs libc and some GLIBC_2.x versions.
        let me = std::fs::read("/proc/self/exe").unwrap();
        let n = needs(&me).expect("an ELF file");
        assert!(
            n.libraries.iter().any(|l| l.starts_with("libc.so")),
            "{n:?}"
        );
        let max = n.max_glibc().expect("glibc versions");
        assert_eq!(max.0, 2);
        assert!(
            n.glibc.contains(&(2, 2)) || n.glibc.iter().any(|v| v.1 >= 2),
            "{n:?}"
        );
    }

    #[test]
    fn refuses_what_is_not_an_elf_and_survives_garbage() {
        assert_eq!(needs(b"#!/bin/sh\n"), None);
        let mut me = std::fs::read("/proc/self/exe").unwrap();
        // Truncated or scribbled-over files give None or a partial answer, never a panic.
        for cut in [16, 64, 4096, me.len() / 2] {
            let _ = needs(&me[..cut]);
        }
        for i in (0..me.len()).step_by(997) {
            me[i] = me[i].wrapping_mul(31).wrapping_add(7);
        }
        let _ = needs(&me);
    }

    #[test]
    fn version_names() {
        assert_eq!(glibc_version("GLIBC_2.34"), Some((2, 34)));
        assert_eq!(glibc_version("GLIBC_2.2.5"), Some((2, 2)));
        assert_eq!(glibc_version("GLIBC_PRIVATE"), None);
        assert_eq!(glibc_version("GCC_3.0"), None);
    }
}
