//! Big buffers on transparent huge pages: the `bootstrap` binary's allocator for Rust's buffers, and
//! its replacement of libjpeg's `jmemsys` (see main.rs) for libjpeg's.
//!
//! Why: a fresh buffer costs the kernel one page fault per 4 KiB the first time it is written, and
//! the resizer writes tens of megabytes once (the photo's bytes, libjpeg's whole-image coefficient
//! buffer for a progressive photo, the decoded raster). `perf` put 40-45 % of a 12-20 MP progressive
//! resize in the kernel's fault path. A 2 MiB huge page takes one fault for 512 small ones: with
//! `glibc.malloc.hugetlb=1` (glibc ≥ 2.35) the same resizes took 22-35 % less, with the same peak
//! RSS. provided.al2023 has glibc 2.34, which has no such setting, so the big buffers get their own
//! mapping here, advised with MADV_HUGEPAGE. Small ones stay with glibc's malloc. Where the kernel
//! gives no huge pages (THP "never"), the mapping is an ordinary one: what glibc does for any buffer
//! over its mmap threshold anyway.
//!
//! Each mapping is 2 MiB-aligned and exactly the buffer's size rounded to 4 KiB, so only whole 2 MiB
//! ranges inside the buffer become huge pages and the tail stays small: RSS grows by nothing.

use std::alloc::{GlobalAlloc, Layout, System};
use std::ptr;
use std::sync::atomic::{AtomicUsize, Ordering};

/// From this size on a buffer gets its own mapping (one huge page or more can fit in it).
pub const BIG: usize = 2 << 20;
const HUGE: usize = 2 << 20;
const PAGE: usize = 4096;

static MAPPED: AtomicUsize = AtomicUsize::new(0);

/// How many buffers got their own huge-page mapping since the process started (for `--stats`).
pub fn mapped() -> usize {
    MAPPED.load(Ordering::Relaxed)
}

fn length(size: usize) -> usize {
    size.div_ceil(PAGE) * PAGE
}

/// A zeroed, 2 MiB-aligned mapping of `size` bytes (rounded up to 4 KiB), advised for huge pages;
/// null when the kernel refuses the mapping.
///
/// # Safety
/// The result must be released with [`unmap`] and the same `size`.
pub unsafe fn map(size: usize) -> *mut u8 {
    let len = length(size);
    let Some(span) = len.checked_add(HUGE) else {
        return ptr::null_mut();
    };
    // SAFETY: an anonymous private mapping at an address of the kernel's choosing.
    let raw = unsafe {
        libc::mmap(
            ptr::null_mut(),
            span,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
            -1,
            0,
        )
    };
    if raw == libc::MAP_FAILED {
        return ptr::null_mut();
    }
    let start = raw as usize;
    let aligned = start.next_multiple_of(HUGE);
    // SAFETY: both trimmed ranges lie inside the mapping just made and are page-aligned; what is
    // left is [aligned, aligned + len). A failed munmap only leaves address space mapped.
    unsafe {
        if aligned > start {
            libc::munmap(raw, aligned - start);
        }
        let end = aligned + len;
        let tail = start + span - end;
        if tail > 0 {
            libc::munmap(end as *mut libc::c_void, tail);
        }
        // Advice only: where transparent huge pages are off it changes nothing, so its result is
        // not an error.
        libc::madvise(aligned as *mut libc::c_void, len, libc::MADV_HUGEPAGE);
    }
    MAPPED.fetch_add(1, Ordering::Relaxed);
    aligned as *mut u8
}

/// Releases a mapping made by [`map`].
///
/// # Safety
/// `p` and `size` are exactly those of one [`map`] call, released once.
pub unsafe fn unmap(p: *mut u8, size: usize) {
    // SAFETY: per the contract, [p, p + length(size)) is one of our mappings.
    unsafe {
        libc::munmap(p.cast(), length(size));
    }
}

/// The global allocator of `bootstrap`: big buffers on their own huge-page mappings, the rest from
/// the system's malloc. The size alone decides, and Rust passes the same layout to `dealloc` as to
/// `alloc`, so nothing has to be remembered about each buffer.
pub struct HugePages;

fn big(layout: Layout) -> bool {
    layout.size() >= BIG && layout.align() <= PAGE
}

// SAFETY: every path returns memory valid for the layout (mappings are page-aligned, which covers
// any alignment up to PAGE, and `big` sends larger alignments to System), and releases it the way
// it was obtained, decided by the same size test.
unsafe impl GlobalAlloc for HugePages {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if big(layout) {
            // SAFETY: released in dealloc with the same size.
            unsafe { map(layout.size()) }
        } else {
            // SAFETY: forwarded as is.
            unsafe { System.alloc(layout) }
        }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if big(layout) {
            // A fresh mapping is already zero: no memset over it.
            // SAFETY: as in alloc.
            unsafe { map(layout.size()) }
        } else {
            // SAFETY: forwarded as is.
            unsafe { System.alloc_zeroed(layout) }
        }
    }

    unsafe fn dealloc(&self, p: *mut u8, layout: Layout) {
        if big(layout) {
            // SAFETY: alloc mapped it with this size.
            unsafe { unmap(p, layout.size()) }
        } else {
            // SAFETY: forwarded as is.
            unsafe { System.dealloc(p, layout) }
        }
    }

    unsafe fn realloc(&self, p: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let Ok(new) = Layout::from_size_align(new_size, layout.align()) else {
            return ptr::null_mut();
        };
        if !big(layout) && !big(new) {
            // SAFETY: both sides are System's.
            return unsafe { System.realloc(p, layout, new_size) };
        }
        // Crossing the threshold or resizing a mapping: a new buffer and one copy (a Vec that grows
        // by doubling copies each byte about once in all).
        // SAFETY: `new` is a valid layout; the copy stays within both buffers; the old one is
        // released with its own layout.
        unsafe {
            let q = self.alloc(new);
            if !q.is_null() {
                ptr::copy_nonoverlapping(p, q, layout.size().min(new_size));
                self.dealloc(p, layout);
            }
            q
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The VmFlags of the mapping holding `p`, from /proc/self/smaps.
    fn vm_flags(p: *const u8) -> String {
        let smaps = std::fs::read_to_string("/proc/self/smaps").unwrap();
        let addr = p as usize;
        let mut inside = false;
        for line in smaps.lines() {
            if let Some((range, _)) = line.split_once(' ')
                && let Some((a, b)) = range.split_once('-')
                && let (Ok(a), Ok(b)) = (usize::from_str_radix(a, 16), usize::from_str_radix(b, 16))
            {
                inside = a <= addr && addr < b;
            } else if inside && let Some(flags) = line.strip_prefix("VmFlags:") {
                return flags.trim().to_string();
            }
        }
        panic!("no mapping holds {p:?}");
    }

    #[test]
    fn a_big_buffer_gets_its_own_aligned_zeroed_huge_page_mapping() {
        let layout = Layout::from_size_align(5 << 20, 64).unwrap();
        unsafe {
            let p = HugePages.alloc_zeroed(layout);
            assert!(!p.is_null());
            assert_eq!(p as usize % HUGE, 0, "2 MiB-aligned");
            let s = std::slice::from_raw_parts_mut(p, layout.size());
            assert!(s.iter().all(|&b| b == 0));
            s.fill(7);
            assert!(
                vm_flags(p).split(' ').any(|f| f == "hg"),
                "advised MADV_HUGEPAGE: {}",
                vm_flags(p)
            );
            HugePages.dealloc(p, layout);
        }
    }

    #[test]
    fn realloc_keeps_the_bytes_across_the_threshold_both_ways() {
        let small = Layout::from_size_align(1000, 8).unwrap();
        unsafe {
            let p = HugePages.alloc(small);
            for i in 0..1000 {
                *p.add(i) = (i % 251) as u8;
            }
            // small → big → bigger → small again
            let p = HugePages.realloc(p, small, 3 << 20);
            let big1 = Layout::from_size_align(3 << 20, 8).unwrap();
            *p.add((3 << 20) - 1) = 9;
            let p = HugePages.realloc(p, big1, 7 << 20);
            let big2 = Layout::from_size_align(7 << 20, 8).unwrap();
            assert_eq!(*p.add((3 << 20) - 1), 9);
            let p = HugePages.realloc(p, big2, 500);
            for i in 0..500 {
                assert_eq!(*p.add(i), (i % 251) as u8, "byte {i}");
            }
            HugePages.dealloc(p, Layout::from_size_align(500, 8).unwrap());
        }
    }

    #[test]
    fn small_and_over_aligned_buffers_stay_with_the_system_allocator() {
        let not_advised = |p: *const u8| !vm_flags(p).split(' ').any(|f| f == "hg");
        unsafe {
            let a = Layout::from_size_align(BIG - 1, 8).unwrap();
            let p = HugePages.alloc(a);
            assert!(not_advised(p), "{}", vm_flags(p));
            HugePages.dealloc(p, a);
            let b = Layout::from_size_align(BIG, 2 * PAGE).unwrap();
            let q = HugePages.alloc(b);
            assert_eq!(q as usize % (2 * PAGE), 0);
            assert!(not_advised(q), "{}", vm_flags(q));
            HugePages.dealloc(q, b);
        }
    }
}
