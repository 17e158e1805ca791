//! `bootstrap`: the Lambda entry point (provided.al2023) and, outside Lambda, a local resize command.
//! It also puts big buffers on huge pages, Rust's and libjpeg's (why: src/hugepages.rs).

use lambda_resizer::hugepages::{self, BIG, HugePages};
use std::ffi::c_void;
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};

#[global_allocator]
static GLOBAL: HugePages = HugePages;

fn main() -> ExitCode {
    // The Lambda service always sets AWS_LAMBDA_RUNTIME_API; anywhere else this is a CLI.
    if std::env::var_os("AWS_LAMBDA_RUNTIME_API").is_some() {
        lambda_resizer::lambda::run()
    } else {
        let code = lambda_resizer::cli::main(std::env::args_os().skip(1).collect());
        if std::env::var_os("RESIZER_STATS").is_some() {
            // What the huge-page test reads: proof that libjpeg's buffers came through here.
            eprintln!(
                "huge-page buffers: {} (libjpeg: {})",
                hugepages::mapped(),
                LIBJPEG_MAPPED.load(Ordering::Relaxed)
            );
        }
        code
    }
}

// libjpeg's system-dependent memory manager ("jmemsys"), replacing libjpeg-turbo's jmemnobs.c: the
// library is built to have this module swapped (its jmemsys.h), and the linker takes these
// definitions, which come before libturbojpeg.a, so it never pulls jmemnobs.c.o (all eight of its
// symbols are here, so no other reference can pull it either). Same behaviour as jmemnobs.c, except
// that a large object of BIG bytes or more (a progressive photo's whole-image coefficient buffer:
// 37-55 MB at 12-18 MP) gets a huge-page mapping. The `cinfo` pointers are never touched.

static LIBJPEG_MAPPED: AtomicUsize = AtomicUsize::new(0);

#[unsafe(no_mangle)]
extern "C" fn jpeg_get_small(_cinfo: *mut c_void, size: usize) -> *mut c_void {
    // SAFETY: plain malloc, released by jpeg_free_small.
    unsafe { libc::malloc(size) }
}

#[unsafe(no_mangle)]
extern "C" fn jpeg_free_small(_cinfo: *mut c_void, object: *mut c_void, _size: usize) {
    // SAFETY: `object` came from jpeg_get_small (libjpeg's memory manager pairs them).
    unsafe { libc::free(object) }
}

#[unsafe(no_mangle)]
extern "C" fn jpeg_get_large(_cinfo: *mut c_void, size: usize) -> *mut c_void {
    if size >= BIG {
        LIBJPEG_MAPPED.fetch_add(1, Ordering::Relaxed);
        // SAFETY: released by jpeg_free_large with the same size (jmemmgr.c frees a large pool
        // with exactly the size it asked for).
        unsafe { hugepages::map(size).cast() }
    } else {
        // SAFETY: plain malloc, released by jpeg_free_large.
        unsafe { libc::malloc(size) }
    }
}

#[unsafe(no_mangle)]
extern "C" fn jpeg_free_large(_cinfo: *mut c_void, object: *mut c_void, size: usize) {
    if size >= BIG {
        // SAFETY: jpeg_get_large mapped it with this size.
        unsafe { hugepages::unmap(object.cast(), size) }
    } else {
        // SAFETY: jpeg_get_large malloc'd it.
        unsafe { libc::free(object) }
    }
}

/// "We got all you want", as jmemnobs.c answers when no limit is set: pasos sets none (neither
/// TJPARAM_MAXMEMORY nor the JPEGMEM variable), and the resizer's own limits (src/limits.rs)
/// refuse oversized photos before libjpeg starts.
#[unsafe(no_mangle)]
extern "C" fn jpeg_mem_available(
    _cinfo: *mut c_void,
    _min_bytes_needed: usize,
    max_bytes_needed: usize,
    _already_allocated: usize,
) -> usize {
    max_bytes_needed
}

/// Never called: jpeg_mem_available always grants the whole need, so libjpeg never spills to a
/// backing store (jmemnobs.c has none either and raises an error here).
#[unsafe(no_mangle)]
extern "C" fn jpeg_open_backing_store(_cinfo: *mut c_void, _info: *mut c_void, _total: i64) {
    std::process::abort()
}

#[unsafe(no_mangle)]
extern "C" fn jpeg_mem_init(_cinfo: *mut c_void) -> i64 {
    0
}

#[unsafe(no_mangle)]
extern "C" fn jpeg_mem_term(_cinfo: *mut c_void) {}
