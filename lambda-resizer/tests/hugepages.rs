//! The `bootstrap` binary puts libjpeg's big buffers on huge pages: its jmemsys replacement
//! (src/main.rs) is the one linked, not libjpeg-turbo's jmemnobs.c, and the result is the same photo.

use std::process::Command;
use turbojpeg::{Compressor, Image, PixelFormat, Subsamp};

/// A 3000x2000 photo-like gradient as a progressive JPEG: its coefficient buffer is ~18 MB.
fn progressive_jpeg() -> Vec<u8> {
    let (w, h) = (3000usize, 2000usize);
    let mut px = vec![0u8; w * h * 3];
    for (i, p) in px.chunks_exact_mut(3).enumerate() {
        let (x, y) = (i % w, i / w);
        p[0] = (x * 255 / w) as u8;
        p[1] = (y * 255 / h) as u8;
        p[2] = ((x ^ y) & 0xff) as u8;
    }
    let mut c = Compressor::new().unwrap();
    c.set_quality(90).unwrap();
    c.set_subsamp(Subsamp::Sub2x2).unwrap();
    c.set_progressive(true).unwrap();
    c.compress_to_vec(Image {
        pixels: px.as_slice(),
        width: w,
        pitch: w * 3,
        height: h,
        format: PixelFormat::RGB,
    })
    .unwrap()
}

#[test]
fn libjpeg_buffers_of_a_progressive_photo_are_on_huge_pages() {
    let dir = std::env::temp_dir().join(format!("resizer-hugepages-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (src, dst) = (dir.join("in.jpg"), dir.join("out.jpg"));
    std::fs::write(&src, progressive_jpeg()).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_bootstrap"))
        .arg("resize")
        .arg(&src)
        .arg(&dst)
        .args(["--max-width", "800", "--max-height", "800"])
        .env("RESIZER_STATS", "1")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    let libjpeg: usize = err
        .split("(libjpeg: ")
        .nth(1)
        .and_then(|s| s.split(')').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no stats line in {err:?}"));
    assert!(libjpeg >= 1, "libjpeg's coefficient buffer: {err}");
    let header = turbojpeg::read_header(&std::fs::read(&dst).unwrap()).unwrap();
    assert_eq!((header.width, header.height), (800, 533));
    let _ = std::fs::remove_dir_all(&dir);
}
