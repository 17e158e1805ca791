//! Resource limits end to end through the public API: a decompression bomb refused from its header,
//! a progressive JPEG weighed with its coefficient buffer, an object too large never downloaded.

use crate::config::Config;
use crate::handler::{Outcome, process_event};
use crate::tests::{MemStore, event, event_sized, jpeg, pattern};
use crate::{ResizeError, ResizeParams, Size, resize};

/// A decompression bomb: a PNG of a few KB whose 1-bit pixels decode to `w`×`h` bytes.
fn png_bomb(w: u32, h: u32) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, w, h);
        enc.set_color(png::ColorType::Grayscale);
        enc.set_depth(png::BitDepth::One);
        enc.set_compression(png::Compression::Fast);
        let mut writer = enc.write_header().unwrap();
        let row = vec![0u8; w.div_ceil(8) as usize];
        let mut stream = writer.stream_writer().unwrap();
        for _ in 0..h {
            std::io::Write::write_all(&mut stream, &row).unwrap();
        }
        stream.finish().unwrap();
    }
    out
}

#[test]
fn decompression_bomb_is_refused_from_its_header() {
    // 110 MP, under the absolute cap, but 110 MB once decoded (twice that with the resize).
    let bomb = png_bomb(11_000, 10_000);
    assert!(
        bomb.len() < 200_000,
        "the bomb is small: {} bytes",
        bomb.len()
    );
    // ExceedsMemory comes only from the check made on the header, before any pixel is inflated.
    let err = crate::resize_within(
        &bomb,
        &ResizeParams::default(),
        crate::Budget::for_memory_mb(256),
    )
    .unwrap_err();
    assert!(
        matches!(
            err,
            ResizeError::ExceedsMemory {
                width: 11_000,
                height: 10_000,
                memory_mb: 256,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("256 MB"), "{err}");
    // Above 120 MP nothing is decoded, whatever the memory.
    let err = resize(png_bomb(12_000, 10_001), &ResizeParams::default()).unwrap_err();
    assert!(matches!(err, ResizeError::TooLarge { .. }), "{err:?}");
}

#[test]
fn progressive_jpeg_needs_its_coefficients_in_memory() {
    // A progressive 4:2:0 JPEG keeps 3 bytes of coefficients per pixel: 2048×1536 (3.1 MP) needs
    // ~10 MB, which 48 MB leaves no room for once the runtime's share is taken, and 128 MB does.
    let data = jpeg(&pattern(2048, 1536), true);
    let tight = crate::resize_within(
        &data,
        &ResizeParams::default(),
        crate::Budget::for_memory_mb(50),
    );
    assert!(
        matches!(tight, Err(ResizeError::ExceedsMemory { .. })),
        "{tight:?}"
    );
    let ok = crate::resize_within(
        &data,
        &ResizeParams::default(),
        crate::Budget::for_memory_mb(128),
    );
    assert_eq!(ok.unwrap().resized, Size::new(1024, 768));
}

#[tokio::test]
async fn an_object_too_large_for_the_memory_is_not_downloaded() {
    // The object is not even in the store: had the handler called GetObject, the reason would be
    // NoSuchKey.
    let store = MemStore::default();
    let config = Config {
        budget: crate::Budget::for_memory_mb(256),
        ..Config::default()
    };
    let ev = event_sized(&[("input/huge.jpg", 60 * 1024 * 1024)]);
    let (outcomes, summary) = process_event(&store, &config, &ev).await;
    assert!(
        matches!(&outcomes[0], Outcome::Failed { reason, .. } if reason.contains("60 MB") && reason.contains("256 MB")),
        "{:?}",
        outcomes[0]
    );
    assert!(summary.is_err());
    // GetObject enforces the same limit when the event's size is wrong.
    store.objects.lock().unwrap().insert(
        ("photos".into(), "input/liar.jpg".into()),
        vec![0xFF; 300 * 1024],
    );
    // 49 MB leaves 1 MiB for the image, so objects up to 256 KiB; the event claims 1 byte.
    let tiny = Config {
        budget: crate::Budget::for_memory_mb(49),
        ..Config::default()
    };
    let (outcomes, _) = process_event(&store, &tiny, &event(&["input/liar.jpg"])).await;
    assert!(
        matches!(&outcomes[0], Outcome::Failed { reason, .. } if reason.contains("over 262144 bytes")),
        "{:?}",
        outcomes[0]
    );
}
