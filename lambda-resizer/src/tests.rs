//! Crate-level tests: round trips through every format, EXIF orientation on a generated JPEG, bad
//! input, and a multi-record event against an in-memory object store.

use std::collections::HashMap;
use std::io::Cursor;
use std::sync::Mutex;

use aws_lambda_events::event::s3::S3Event;
use image::{DynamicImage, ImageFormat, Rgb, RgbImage, Rgba, RgbaImage};

use crate::config::Config;
use crate::handler::{ObjectStore, Outcome, PutObject, process_event};
use crate::{Format, ResizeError, ResizeParams, Size, jpeg_meta, resize};

/// A smooth, photo-ish test pattern (gradients + a few edges) so that encoders behave normally.
pub(crate) fn pattern(w: u32, h: u32) -> RgbImage {
    RgbImage::from_fn(w, h, |x, y| {
        let r = (x * 255 / w.max(1)) as u8;
        let g = (y * 255 / h.max(1)) as u8;
        let b = if (x / 64 + y / 64) % 2 == 0 { 200 } else { 40 };
        Rgb([r, g, b])
    })
}

pub(crate) fn jpeg(img: &RgbImage, progressive: bool) -> Vec<u8> {
    let mut c = turbojpeg::Compressor::new().unwrap();
    c.set_quality(90).unwrap();
    c.set_progressive(progressive).unwrap();
    let image = turbojpeg::Image {
        pixels: img.as_raw().as_slice(),
        width: img.width() as usize,
        pitch: img.width() as usize * 3,
        height: img.height() as usize,
        format: turbojpeg::PixelFormat::RGB,
    };
    c.compress_to_vec(image).unwrap()
}

fn encoded(img: DynamicImage, format: ImageFormat) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, format).unwrap();
    out.into_inner()
}

fn decoded_size(r: &crate::Resized) -> Size {
    if r.format == Format::Jpeg {
        let h = turbojpeg::read_header(&r.bytes).unwrap();
        Size::new(h.width as u32, h.height as u32)
    } else {
        let img = image::load_from_memory(&r.bytes).unwrap();
        Size::new(img.width(), img.height())
    }
}

#[test]
fn round_trip_every_format() {
    // Just above the box so the debug-mode encoders (GIF quantisation, lossless WebP) stay quick.
    let src = pattern(1100, 825);
    let wide = pattern(1100, 300);
    let rgba = DynamicImage::ImageRgba8(RgbaImage::from_fn(825, 1100, |x, y| {
        Rgba([
            (x % 256) as u8,
            (y % 256) as u8,
            90,
            if x < 400 { 255 } else { 128 },
        ])
    }));
    let cases: Vec<(&str, Vec<u8>, Format, Size)> = vec![
        (
            "baseline jpeg",
            jpeg(&src, false),
            Format::Jpeg,
            Size::new(1024, 768),
        ),
        (
            "progressive jpeg",
            jpeg(&src, true),
            Format::Jpeg,
            Size::new(1024, 768),
        ),
        (
            "png rgb",
            encoded(DynamicImage::ImageRgb8(src.clone()), ImageFormat::Png),
            Format::Png,
            Size::new(1024, 768),
        ),
        (
            "png rgba portrait",
            encoded(rgba.clone(), ImageFormat::Png),
            Format::Png,
            Size::new(768, 1024),
        ),
        (
            "png 16-bit",
            encoded(
                DynamicImage::ImageRgb16(DynamicImage::ImageRgb8(wide.clone()).to_rgb16()),
                ImageFormat::Png,
            ),
            Format::Png,
            Size::new(1024, 279),
        ),
        (
            "webp",
            encoded(DynamicImage::ImageRgb8(wide.clone()), ImageFormat::WebP),
            Format::WebP,
            Size::new(1024, 279),
        ),
        (
            "gif",
            encoded(
                DynamicImage::ImageRgba8(DynamicImage::ImageRgb8(wide.clone()).to_rgba8()),
                ImageFormat::Gif,
            ),
            Format::Gif,
            Size::new(1024, 279),
        ),
    ];
    for (name, data, format, expected) in cases {
        let r = resize(&data, &ResizeParams::default()).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(r.format, format, "{name}");
        assert_eq!(r.resized, expected, "{name}");
        assert_eq!(decoded_size(&r), expected, "{name}");
    }
}

#[test]
fn small_images_are_not_upscaled_and_box_is_respected() {
    let data = jpeg(&pattern(300, 200), false);
    let r = resize(&data, &ResizeParams::default()).unwrap();
    assert_eq!(
        (r.original, r.resized),
        (Size::new(300, 200), Size::new(300, 200))
    );
    let params = ResizeParams {
        max_width: 100,
        max_height: 100,
        jpeg_quality: 60,
    };
    let r = resize(&data, &params).unwrap();
    assert_eq!(r.resized, Size::new(100, 67));
    assert_eq!(decoded_size(&r), Size::new(100, 67));
}

#[test]
fn exif_orientation_6_rotates_a_generated_jpeg() {
    // Stored landscape: left half red, right half blue. Orientation 6 = rotate 90° clockwise, so
    // the displayed photo is portrait with red on top.
    let stored = RgbImage::from_fn(400, 200, |x, _| {
        if x < 200 {
            Rgb([230, 20, 20])
        } else {
            Rgb([20, 20, 230])
        }
    });
    let plain = jpeg(&stored, false);
    let mut data = plain[..2].to_vec();
    data.extend_from_slice(&jpeg_meta::exif_segment(6, true));
    data.extend_from_slice(&plain[2..]);
    assert_eq!(jpeg_meta::scan(&data).orientation, 6);

    let params = ResizeParams {
        max_width: 100,
        max_height: 100,
        jpeg_quality: 90,
    };
    let r = resize(&data, &params).unwrap();
    assert_eq!(r.original, Size::new(200, 400));
    assert_eq!(r.resized, Size::new(50, 100));
    let out = turbojpeg::decompress(&r.bytes, turbojpeg::PixelFormat::RGB).unwrap();
    assert_eq!((out.width, out.height), (50, 100));
    let px = |x: usize, y: usize| &out.pixels[(y * out.width + x) * 3..][..3];
    assert!(
        px(25, 10)[0] > 180 && px(25, 10)[2] < 80,
        "top should be red: {:?}",
        px(25, 10)
    );
    assert!(
        px(25, 90)[2] > 180 && px(25, 90)[0] < 80,
        "bottom should be blue: {:?}",
        px(25, 90)
    );
}

#[test]
fn non_images_and_corrupt_images_are_errors_not_panics() {
    let params = ResizeParams::default();
    assert_eq!(
        resize(&b"hello, world"[..], &params).unwrap_err(),
        ResizeError::NotAnImage
    );
    assert_eq!(
        resize(&b""[..], &params).unwrap_err(),
        ResizeError::NotAnImage
    );
    let good = jpeg(&pattern(640, 480), false);
    let truncated = &good[..good.len() / 2];
    assert!(matches!(
        resize(truncated, &params),
        Err(ResizeError::Decode(_))
    ));
    assert!(resize(&good[..40], &params).is_err());
    let mut png = encoded(DynamicImage::ImageRgb8(pattern(64, 64)), ImageFormat::Png);
    png.truncate(60);
    assert!(resize(&png, &params).is_err());
    assert!(resize(&b"GIF89a\x01\x00"[..], &params).is_err());
    assert!(resize(&b"RIFF\x10\0\0\0WEBPVP8 \0\0"[..], &params).is_err());
}

/// An in-memory S3: objects by (bucket, key), and a log of the puts.
#[derive(Default)]
pub(crate) struct MemStore {
    pub(crate) objects: Mutex<HashMap<(String, String), Vec<u8>>>,
    pub(crate) puts: Mutex<Vec<PutObject>>,
}

impl ObjectStore for MemStore {
    async fn get(
        &self,
        bucket: &str,
        key: &str,
        max_bytes: Option<u64>,
    ) -> Result<Vec<u8>, String> {
        let data = self
            .objects
            .lock()
            .unwrap()
            .get(&(bucket.to_string(), key.to_string()))
            .cloned()
            .ok_or_else(|| "NoSuchKey".to_string())?;
        match max_bytes {
            Some(max) if data.len() as u64 > max => Err(format!("over {max} bytes")),
            _ => Ok(data),
        }
    }

    async fn put(&self, object: PutObject) -> Result<(), String> {
        self.puts.lock().unwrap().push(object);
        Ok(())
    }
}

pub(crate) fn event(keys: &[&str]) -> S3Event {
    let sized: Vec<(&str, u64)> = keys.iter().map(|k| (*k, 1)).collect();
    event_sized(&sized)
}

pub(crate) fn event_sized(keys: &[(&str, u64)]) -> S3Event {
    let records: Vec<serde_json::Value> = keys
        .iter()
        .map(|(k, size)| {
            serde_json::json!({
                "eventVersion": "2.1",
                "eventSource": "aws:s3",
                "awsRegion": "us-east-1",
                "eventTime": "2026-01-01T00:00:00.000Z",
                "eventName": "ObjectCreated:Put",
                "userIdentity": {"principalId": "EXAMPLE"},
                "requestParameters": {"sourceIPAddress": "127.0.0.1"},
                "responseElements": {},
                "s3": {
                    "s3SchemaVersion": "1.0",
                    "configurationId": "resize",
                    "bucket": {"name": "photos", "arn": "arn:aws:s3:::photos"},
                    "object": {"key": k, "size": size}
                }
            })
        })
        .collect();
    serde_json::from_value(serde_json::json!({ "Records": records })).unwrap()
}

#[tokio::test]
async fn one_bad_record_does_not_stop_the_others() {
    let store = MemStore::default();
    let good = jpeg(&pattern(2048, 1536), true);
    {
        let mut objects = store.objects.lock().unwrap();
        objects.insert(
            ("photos".into(), "input/my photoñ.jpg".into()),
            good.clone(),
        );
        objects.insert(
            ("photos".into(), "input/notes.txt".into()),
            b"not an image".to_vec(),
        );
        objects.insert(
            ("photos".into(), "input/cut.jpg".into()),
            good[..good.len() / 3].to_vec(),
        );
    }
    let ev = event(&[
        "input/notes.txt",
        "input/my+photo%C3%B1.jpg",
        "input/missing.jpg",
        "output/already-resized.jpg",
        "input/cut.jpg",
    ]);
    let (outcomes, summary) = process_event(&store, &Config::default(), &ev).await;

    // A non-image is no error: failing would only make Lambda retry it twice.
    assert!(
        matches!(&outcomes[0], Outcome::Skipped { key, reason } if key == "input/notes.txt" && reason.contains("not a JPEG")),
        "{:?}",
        outcomes[0]
    );
    assert_eq!(
        outcomes[1],
        Outcome::Resized {
            key: "input/my photoñ.jpg".into(),
            output_key: "output/my photoñ.jpg".into()
        }
    );
    assert!(matches!(&outcomes[2], Outcome::Failed { reason, .. } if reason.contains("NoSuchKey")));
    assert!(matches!(&outcomes[3], Outcome::Skipped { .. }));
    assert!(matches!(&outcomes[4], Outcome::Failed { reason, .. } if reason.contains("decode")));
    let err = summary.unwrap_err();
    assert!(err.starts_with("2 of 5 records failed"), "{err}");
    assert!(
        err.contains("input/cut.jpg") && err.contains("input/missing.jpg"),
        "{err}"
    );

    let puts = store.puts.lock().unwrap();
    assert_eq!(puts.len(), 1);
    let put = &puts[0];
    assert_eq!(
        (put.bucket.as_str(), put.key.as_str()),
        ("photos", "output/my photoñ.jpg")
    );
    assert_eq!(put.content_type, "image/jpeg");
    assert_eq!(
        put.metadata,
        vec![
            ("source-key", "input/my photo%C3%B1.jpg".to_string()),
            ("original-width", "2048".to_string()),
            ("original-height", "1536".to_string()),
        ]
    );
    let h = turbojpeg::read_header(&put.body).unwrap();
    assert_eq!((h.width, h.height), (1024, 768));
}

#[tokio::test]
async fn looping_configuration_refuses_every_record() {
    let store = MemStore::default();
    let config = Config {
        input_prefix: String::new(),
        ..Config::default()
    };
    let (outcomes, summary) = process_event(&store, &config, &event(&["a.jpg"])).await;
    assert!(matches!(&outcomes[0], Outcome::Failed { reason, .. } if reason.contains("refusing")));
    assert!(summary.is_err());
    assert!(store.puts.lock().unwrap().is_empty());
}

#[test]
fn pruned_progressive_thumbnail_matches_the_baseline_one() {
    // The same picture as baseline and as progressive JPEG: at 1/4 scale the progressive one loses
    // its AC refinement scans (src/progressive.rs), and its thumbnail must still look the same.
    let src = pattern(4096, 3072);
    let thumb = |progressive: bool| {
        let r = resize(jpeg(&src, progressive), &ResizeParams::default()).unwrap();
        assert_eq!(r.resized, Size::new(1024, 768));
        turbojpeg::decompress(&r.bytes, turbojpeg::PixelFormat::RGB).unwrap()
    };
    let (a, b) = (thumb(false), thumb(true));
    let mse = a
        .pixels
        .iter()
        .zip(&b.pixels)
        .map(|(&x, &y)| (f64::from(x) - f64::from(y)).powi(2))
        .sum::<f64>()
        / a.pixels.len() as f64;
    let psnr = 10.0 * (255.0f64 * 255.0 / mse.max(1e-9)).log10();
    assert!(
        psnr > 40.0,
        "pruned progressive vs baseline thumbnail: {psnr:.1} dB"
    );
}
