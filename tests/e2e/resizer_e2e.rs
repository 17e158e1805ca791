//! The photo resizer end to end in the sandbox: a plan with a bucket, a role, the bundled resizer and
//! its trigger is applied; photos uploaded under `input/` come back resized under `output/` with the
//! right dimensions, aspect ratio and orientation; keys with `..`, `+`, `%2B`, spaces and non-ASCII
//! come back under the literally same name; keys outside `input/` and non-images leave no output, a
//! non-image is skipped (no failed invocation, so no Lambda retry); a PNG whose header promises more
//! pixels than the function's memory (the plan's 256 MB, passed on by Lambda) is refused with that
//! reason; no output triggers the function again (invocations counted in its logs).

use crate::support::*;
use pasos::cloud::Cloud;
use std::time::{Duration, Instant};

const BUCKET: &str = "fotos-e2e-resizer";

fn plan() -> String {
    format!(
        r#"version = 1
[[role]]
name = "lambda-s3"
trusted_service = "lambda.amazonaws.com"
policies = ["AmazonS3FullAccess", "AWSLambdaBasicExecutionRole"]
[[bucket]]
name = "{BUCKET}"
[[lambda]]
name = "redimensionar"
role = "lambda-s3"
output = {{ bucket = "{BUCKET}", prefix = "output/" }}
[[lambda.trigger]]
bucket = "{BUCKET}"
prefix = "input/"
"#
    )
}

/// Quadrants of distinct colours: red top-left, so orientation can be checked after rotation.
fn rgb(w: u32, h: u32) -> image::RgbImage {
    image::RgbImage::from_fn(w, h, |x, y| match (x < w / 2, y < h / 2) {
        (true, true) => image::Rgb([230, 20, 20]),
        (false, true) => image::Rgb([20, 200, 20]),
        (true, false) => image::Rgb([20, 20, 230]),
        (false, false) => image::Rgb([230, 230, 30]),
    })
}

fn jpeg(img: &image::RgbImage, progressive: bool) -> Vec<u8> {
    let mut c = turbojpeg::Compressor::new().unwrap();
    c.set_quality(90).unwrap();
    c.set_progressive(progressive).unwrap();
    c.compress_to_vec(turbojpeg::Image {
        pixels: img.as_raw().as_slice(),
        width: img.width() as usize,
        pitch: img.width() as usize * 3,
        height: img.height() as usize,
        format: turbojpeg::PixelFormat::RGB,
    })
    .unwrap()
}

/// Inserts an EXIF APP1 segment with only IFD0 Orientation (tag 0x0112) right after SOI.
fn with_orientation(jpeg: Vec<u8>, orientation: u16) -> Vec<u8> {
    let mut tiff = b"MM\x00\x2a\x00\x00\x00\x08".to_vec();
    tiff.extend_from_slice(&1u16.to_be_bytes());
    tiff.extend_from_slice(&0x0112u16.to_be_bytes());
    tiff.extend_from_slice(&3u16.to_be_bytes()); // SHORT
    tiff.extend_from_slice(&1u32.to_be_bytes());
    tiff.extend_from_slice(&orientation.to_be_bytes());
    tiff.extend_from_slice(&[0, 0]);
    tiff.extend_from_slice(&0u32.to_be_bytes());
    let mut app1 = b"Exif\x00\x00".to_vec();
    app1.extend_from_slice(&tiff);
    let mut out = jpeg[..2].to_vec();
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&((app1.len() + 2) as u16).to_be_bytes());
    out.extend_from_slice(&app1);
    out.extend_from_slice(&jpeg[2..]);
    out
}

/// A PNG header promising an 8000×8000 RGB image (384 MB decoded) followed by a token of data:
/// the resizer must refuse it from the header alone, naming the function's memory.
fn png_bomb_header() -> Vec<u8> {
    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = 0xFFFF_FFFFu32;
        for &b in bytes {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut chunk = |kind: &[u8], data: &[u8]| {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let body = [kind, data].concat();
        out.extend_from_slice(&body);
        out.extend_from_slice(&crc32(&body).to_be_bytes());
    };
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&8000u32.to_be_bytes());
    ihdr.extend_from_slice(&8000u32.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]); // 8-bit RGB, deflate, no interlace
    chunk(b"IHDR", &ihdr);
    chunk(b"IDAT", &[0x78, 0x01]);
    chunk(b"IEND", &[]);
    out
}

fn png(img: &image::RgbImage) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

async fn get(cloud: &Cloud, key: &str) -> Vec<u8> {
    let o = cloud
        .s3
        .get_object()
        .bucket(BUCKET)
        .key(key)
        .send()
        .await
        .unwrap();
    o.body.collect().await.unwrap().into_bytes().to_vec()
}

/// Waits (bounded) until every key exists under output/.
async fn wait_outputs(cloud: &Cloud, keys: &[&str]) -> Vec<String> {
    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        let have: Vec<String> = cloud
            .list_objects(BUCKET, "output/")
            .await
            .unwrap()
            .into_iter()
            .map(|(k, _)| k)
            .collect();
        if keys.iter().all(|k| have.iter().any(|h| h == k)) || Instant::now() > deadline {
            return have;
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
}

fn jpeg_pixels(bytes: &[u8]) -> image::RgbImage {
    let img: turbojpeg::Image<Vec<u8>> =
        turbojpeg::decompress(bytes, turbojpeg::PixelFormat::RGB).unwrap();
    image::RgbImage::from_raw(img.width as u32, img.height as u32, img.pixels).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn photos_under_input_come_back_resized_under_output() {
    let sb = TestSandbox::start();
    let plan_path = sb.state().join("resizer.toml");
    std::fs::write(&plan_path, plan()).unwrap();
    let o = run(sb.pasos().args(["apply", "--yes"]).arg(&plan_path));
    assert!(o.status.success(), "{}\n{}", stdout(&o), stderr(&o));
    let cloud = sb.cloud().await;

    let uploads: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "input/paisaje.jpg",
            jpeg(&rgb(2000, 1000), false),
            "image/jpeg",
        ),
        (
            "input/retrato.jpg",
            jpeg(&rgb(1000, 2000), false),
            "image/jpeg",
        ),
        (
            "input/girada.jpg",
            with_orientation(jpeg(&rgb(1600, 900), false), 6),
            "image/jpeg",
        ),
        (
            "input/mi foto de playa.jpg",
            jpeg(&rgb(1200, 800), false),
            "image/jpeg",
        ),
        ("input/grafico.png", png(&rgb(1500, 1500)), "image/png"),
        (
            "input/nota.txt",
            b"esto no es una foto".to_vec(),
            "text/plain",
        ),
        (
            "input/grande-progresiva.jpg",
            jpeg(&rgb(4000, 3000), true),
            "image/jpeg",
        ),
        (
            "input/pequena.jpg",
            jpeg(&rgb(800, 600), false),
            "image/jpeg",
        ),
        (
            "otros/fuera.jpg",
            jpeg(&rgb(2000, 1000), false),
            "image/jpeg",
        ),
        // Hostile keys: S3 keys are opaque strings, so each must come back under the same name
        // (the event URL-encodes them: `+` for a space, `%2B` for a `+`, `%25` for a `%`).
        (
            "input/a/../b.jpg",
            jpeg(&rgb(1100, 700), false),
            "image/jpeg",
        ),
        (
            "input/más fotos/niño 1+1=2.jpg",
            jpeg(&rgb(1100, 700), false),
            "image/jpeg",
        ),
        (
            "input/100%2B.jpg",
            jpeg(&rgb(1100, 700), false),
            "image/jpeg",
        ),
        ("input/bomba.png", png_bomb_header(), "image/png"),
    ];
    let start_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
        - 5_000;
    for (key, body, ct) in &uploads {
        cloud
            .put_bytes(BUCKET, key, body.clone(), Some(ct))
            .await
            .unwrap();
    }
    let expected = [
        "output/paisaje.jpg",
        "output/retrato.jpg",
        "output/girada.jpg",
        "output/mi foto de playa.jpg",
        "output/grafico.png",
        "output/grande-progresiva.jpg",
        "output/pequena.jpg",
        "output/a/../b.jpg",
        "output/más fotos/niño 1+1=2.jpg",
        "output/100%2B.jpg",
    ];
    let have = wait_outputs(&cloud, &expected).await;
    for k in expected {
        assert!(have.iter().any(|h| h == k), "missing {k}; have {have:?}");
    }
    // Nothing for the non-image nor for keys outside input/.
    assert!(
        !have
            .iter()
            .any(|h| h.contains("nota") || h.contains("fuera")),
        "{have:?}"
    );
    assert_eq!(have.len(), expected.len(), "{have:?}");

    let dims = |b: &[u8]| {
        let h = turbojpeg::read_header(b).unwrap();
        (h.width, h.height)
    };
    assert_eq!(dims(&get(&cloud, "output/paisaje.jpg").await), (1024, 512));
    assert_eq!(dims(&get(&cloud, "output/retrato.jpg").await), (512, 1024));
    assert_eq!(
        dims(&get(&cloud, "output/mi foto de playa.jpg").await),
        (1024, 683)
    );
    assert_eq!(
        dims(&get(&cloud, "output/grande-progresiva.jpg").await),
        (1024, 768)
    );
    assert_eq!(
        dims(&get(&cloud, "output/pequena.jpg").await),
        (800, 600),
        "never upscaled"
    );
    for k in [
        "output/a/../b.jpg",
        "output/más fotos/niño 1+1=2.jpg",
        "output/100%2B.jpg",
    ] {
        assert_eq!(dims(&get(&cloud, k).await), (1024, 652), "{k}");
    }
    let head = cloud
        .s3
        .head_object()
        .bucket(BUCKET)
        .key("output/más fotos/niño 1+1=2.jpg")
        .send()
        .await
        .unwrap();
    assert_eq!(
        head.metadata()
            .and_then(|m| m.get("source-key"))
            .map(String::as_str),
        Some("input/m%C3%A1s fotos/ni%C3%B1o 1+1=2.jpg"),
        "the source key, percent-encoded where S3 metadata cannot carry it"
    );
    // Orientation 6: stored 1600×900 displays as 900×1600 rotated clockwise, so the stored top-left
    // (red) ends up top-right.
    let rot = jpeg_pixels(&get(&cloud, "output/girada.jpg").await);
    assert_eq!((rot.width(), rot.height()), (576, 1024));
    let p = rot.get_pixel(rot.width() - 20, 20);
    assert!(
        p[0] > 180 && p[1] < 80 && p[2] < 80,
        "top-right should be red, got {p:?}"
    );
    let p = rot.get_pixel(20, 20);
    assert!(
        p[2] > 180 && p[0] < 80,
        "top-left should be blue, got {p:?}"
    );
    let png_out = image::load_from_memory(&get(&cloud, "output/grafico.png").await).unwrap();
    assert_eq!((png_out.width(), png_out.height()), (1024, 1024));
    let head = cloud
        .s3
        .head_object()
        .bucket(BUCKET)
        .key("output/paisaje.jpg")
        .send()
        .await
        .unwrap();
    assert_eq!(head.content_type(), Some("image/jpeg"));

    // Invocations: one per upload under input/, none for the outputs. The non-image is skipped,
    // not failed: a failed invocation would be retried twice by Lambda. Logs arrive a little later
    // (bounded wait).
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        let logs = cloud
            .function_logs("redimensionar", start_ms)
            .await
            .unwrap();
        if logs.iter().filter(|l| l.starts_with("resized ")).count() >= 10 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    // Time for a re-trigger by an output to show up, if there were one.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let logs = cloud
        .function_logs("redimensionar", start_ms)
        .await
        .unwrap();
    let all = logs.join("\n");
    let resized: Vec<&String> = logs.iter().filter(|l| l.starts_with("resized ")).collect();
    assert_eq!(resized.len(), 10, "each photo resized exactly once:\n{all}");
    assert!(
        !all.contains("key=\"output/"),
        "an output triggered the function:\n{all}"
    );
    let skipped: Vec<&String> = logs
        .iter()
        .filter(|l| l.starts_with("skipped ") && l.contains("nota.txt"))
        .collect();
    assert_eq!(
        skipped.len(),
        1,
        "the non-image is logged once, with its key:\n{all}"
    );
    // The bomb is the only failure: refused from its header, the reason naming the memory the
    // function was created with. Lambda may retry a failed invocation up to twice.
    let failed: Vec<&String> = logs.iter().filter(|l| l.starts_with("failed ")).collect();
    assert!(
        (1..=3).contains(&failed.len())
            && failed.iter().all(|l| l.contains("bomba.png")
                && l.contains("8000x8000")
                && l.contains("function's 256 MB of memory")),
        "only the bomb fails, for lack of memory:\n{all}"
    );
    let starts = logs.iter().filter(|l| l.starts_with("START")).count();
    assert_eq!(
        starts,
        11 + failed.len(),
        "invocations: 10 photos + the non-image (no retry) + the bomb and its retries:\n{all}"
    );

    let r = run(sb.pasos().args(["rollback", "--yes"]));
    assert!(r.status.success(), "{}", stderr(&r));
    assert!(
        cloud.bucket_owner(BUCKET).await.unwrap().is_none(),
        "bucket (with the resizer's outputs) is gone"
    );
}
