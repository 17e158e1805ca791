//! JPEG pipeline: libjpeg-turbo decode at a reduced DCT scale, Lanczos3 to the exact size, EXIF
//! orientation, libjpeg-turbo encode (4:2:0) with the source's ICC profile carried over.

use std::borrow::Cow;

use image::{DynamicImage, GrayImage, RgbImage};
use turbojpeg::{Colorspace, Compressor, Decompressor, PixelFormat, ScalingFactor, Subsamp};

use crate::error::ResizeError;
use crate::format::Format;
use crate::geometry::{self, Size};
use crate::jpeg_meta;
use crate::limits::{Budget, Cost};
use crate::progressive;
use crate::resize::{ResizeParams, Resized, lanczos, orient};

/// Progressive JPEGs with thousands of tiny scans are a known CPU-exhaustion trick; real encoders
/// write fewer than 20. libjpeg-turbo's own documentation suggests a limit like this one.
const SCAN_LIMIT: u32 = 500;

/// Resizes a JPEG (baseline, progressive, grayscale or CMYK) and re-encodes it as JPEG.
pub fn resize_jpeg(
    data: Cow<'_, [u8]>,
    params: &ResizeParams,
    budget: Budget,
) -> Result<Resized, ResizeError> {
    let (orientation, adobe) = {
        let meta = jpeg_meta::scan(&data);
        (meta.orientation, meta.adobe)
    };
    let mut dec = Decompressor::new().map_err(decode_error)?;
    let header = dec.read_header(&data).map_err(decode_error)?;
    let stored = Size::new(dim(header.width)?, dim(header.height)?);
    let plan = geometry::plan(stored, orientation, params.bound());

    // Lossless JPEG cannot be DCT-scaled; everything else is decoded no larger than needed.
    let num = if header.is_lossless {
        8
    } else {
        geometry::dct_scale_eighths(stored, plan.stored_target)
    };
    let factor = ScalingFactor::new(num as usize, 8);
    dec.set_scaling_factor(factor).map_err(decode_error)?;
    dec.set_scan_limit(SCAN_LIMIT).map_err(decode_error)?;
    let scaled = header.scaled(factor);
    let data = if header.is_progressive {
        progressive::prune(data, progressive::policy(num))
    } else {
        data
    };

    let (format, channels) = match header.colorspace {
        Colorspace::Gray => (PixelFormat::GRAY, 1),
        // libjpeg-turbo cannot convert CMYK/YCCK to RGB itself; we do it below.
        Colorspace::CMYK | Colorspace::YCCK => (PixelFormat::CMYK, 4),
        _ => (PixelFormat::RGB, 3),
    };
    let cost = Cost::jpeg(
        num,
        channels as u64,
        header.is_progressive,
        sampled_components_x4(&header),
    );
    budget.check(stored, cost, data.len())?;
    let pitch = scaled.width * channels;
    let mut pixels = vec![0u8; pitch * scaled.height];
    let target = turbojpeg::Image {
        pixels: pixels.as_mut_slice(),
        width: scaled.width,
        pitch,
        height: scaled.height,
        format,
    };
    match dec.decompress(&data, target) {
        Ok(()) => {}
        Err(e) if is_benign_warning(&e) => {}
        Err(e) => return Err(decode_error(e)),
    }
    // Frees libjpeg's coefficient buffers (the bulk of a progressive decode) before resizing, and,
    // when the bytes were handed over, the encoded photo too: only its ICC profile is still needed.
    drop(dec);
    let icc: Vec<Vec<u8>> = jpeg_meta::scan(&data)
        .icc_segments
        .iter()
        .map(|s| s.to_vec())
        .collect();
    drop(data);

    let (w, h) = (dim(scaled.width)?, dim(scaled.height)?);
    let bad_buffer = || ResizeError::Decode("decoded buffer has the wrong size".into());
    let img = match channels {
        1 => DynamicImage::ImageLuma8(GrayImage::from_raw(w, h, pixels).ok_or_else(bad_buffer)?),
        4 => DynamicImage::ImageRgb8(
            RgbImage::from_raw(w, h, cmyk_to_rgb(&pixels, adobe)).ok_or_else(bad_buffer)?,
        ),
        _ => DynamicImage::ImageRgb8(RgbImage::from_raw(w, h, pixels).ok_or_else(bad_buffer)?),
    };
    let img = orient(lanczos(img, plan.stored_target)?, orientation);
    let bytes = encode(&img, params.jpeg_quality)?;
    // A CMYK profile would be wrong for the RGB output; for RGB/gray, keeping the profile keeps the
    // colours (phones shoot Display P3, which looks washed out when read as sRGB).
    let bytes = if channels == 4 {
        bytes
    } else {
        let icc: Vec<&[u8]> = icc.iter().map(Vec::as_slice).collect();
        jpeg_meta::insert_segments(bytes, &icc)
    };
    Ok(Resized {
        format: Format::Jpeg,
        bytes,
        original: plan.displayed,
        resized: Size::new(img.width(), img.height()),
    })
}

/// Encodes an 8-bit RGB or gray image (anything else is converted to RGB first).
pub fn encode(img: &DynamicImage, quality: u8) -> Result<Vec<u8>, ResizeError> {
    let converted;
    let (pixels, format, subsamp, channels) = match img {
        DynamicImage::ImageLuma8(g) => (g.as_raw().as_slice(), PixelFormat::GRAY, Subsamp::Gray, 1),
        DynamicImage::ImageRgb8(c) => (c.as_raw().as_slice(), PixelFormat::RGB, Subsamp::Sub2x2, 3),
        other => {
            converted = other.to_rgb8();
            (
                converted.as_raw().as_slice(),
                PixelFormat::RGB,
                Subsamp::Sub2x2,
                3,
            )
        }
    };
    let width = img.width() as usize;
    let image = turbojpeg::Image {
        pixels,
        width,
        pitch: width * channels,
        height: img.height() as usize,
        format,
    };
    let mut c = Compressor::new().map_err(encode_error)?;
    c.set_quality(i32::from(quality.clamp(1, 100)))
        .map_err(encode_error)?;
    c.set_subsamp(subsamp).map_err(encode_error)?;
    c.compress_to_vec(image).map_err(encode_error)
}

/// Components at full resolution ×4 (4:2:0 YCbCr = 1 + ¼ + ¼ → 6), for the coefficient buffer of a
/// progressive decode. Unknown layouts count as four full components, the most a JPEG here can have.
fn sampled_components_x4(header: &turbojpeg::DecompressHeader) -> u64 {
    match (header.colorspace, header.subsamp) {
        (Colorspace::Gray, _) => 4,
        (Colorspace::CMYK | Colorspace::YCCK, _) => 16,
        (_, Subsamp::None) => 12,
        (_, Subsamp::Sub2x1 | Subsamp::Sub1x2) => 8,
        (_, Subsamp::Sub2x2 | Subsamp::Sub4x1 | Subsamp::Sub1x4) => 6,
        _ => 16,
    }
}

/// CMYK → RGB without a colour-management system: good enough for a thumbnail. Adobe applications
/// (the usual source of CMYK JPEGs) store the channels inverted.
fn cmyk_to_rgb(cmyk: &[u8], adobe_inverted: bool) -> Vec<u8> {
    let mut rgb = Vec::with_capacity(cmyk.len() / 4 * 3);
    for px in cmyk.chunks_exact(4) {
        let k = u32::from(if adobe_inverted { px[3] } else { 255 - px[3] });
        for &c in &px[..3] {
            let c = u32::from(if adobe_inverted { c } else { 255 - c });
            rgb.push(((c * k + 127) / 255) as u8);
        }
    }
    rgb
}

/// libjpeg *warnings* still produce a full image; the ones below are common in camera files and
/// harmless. Truncation ("Premature end of JPEG file") stays an error: half a grey photo is worse
/// than a clear failure in the log.
fn is_benign_warning(e: &turbojpeg::Error) -> bool {
    let turbojpeg::Error::TurboJpegError(msg) = e else {
        return false;
    };
    msg.contains("extraneous bytes before marker")
        || msg.contains("Warning: unknown JFIF revision")
        || msg.contains("Unknown Adobe color transform")
        || msg.contains("bad ICC marker")
}

fn dim(v: usize) -> Result<u32, ResizeError> {
    u32::try_from(v).map_err(|_| ResizeError::TooLarge {
        width: v as u64,
        height: v as u64,
    })
}

fn decode_error(e: turbojpeg::Error) -> ResizeError {
    ResizeError::Decode(e.to_string())
}

fn encode_error(e: turbojpeg::Error) -> ResizeError {
    ResizeError::Encode(e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cmyk_conversion_handles_both_conventions() {
        assert_eq!(
            cmyk_to_rgb(&[255, 255, 255, 255], true),
            vec![255, 255, 255]
        );
        assert_eq!(cmyk_to_rgb(&[0, 0, 0, 0], false), vec![255, 255, 255]);
        assert_eq!(cmyk_to_rgb(&[0, 255, 255, 255], true), vec![0, 255, 255]);
    }

    #[test]
    fn warning_classification() {
        let w = |m: &str| turbojpeg::Error::TurboJpegError(m.to_string());
        assert!(is_benign_warning(&w(
            "Corrupt JPEG data: 2 extraneous bytes before marker 0xd9"
        )));
        assert!(!is_benign_warning(&w("Premature end of JPEG file")));
        assert!(!is_benign_warning(&turbojpeg::Error::Null));
    }
}
