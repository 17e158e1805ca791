//! PNG, WebP and GIF pipeline: decode with the `image` crate (first frame of a GIF), Lanczos3,
//! orientation, re-encode in the same format.

use std::io::Cursor;

use image::codecs::gif::GifEncoder;
use image::codecs::png::PngEncoder;
use image::codecs::webp::WebPEncoder;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};

use crate::error::ResizeError;
use crate::format::Format;
use crate::geometry::{self, Size};
use crate::limits::{Budget, Cost, MAX_PIXELS};
use crate::resize::{ResizeParams, Resized, lanczos, orient};

/// NeuQuant speed for GIF palettes: 1 is minutes-slow on a 1024² frame, 10 is the gif crate's
/// recommended balance and visually indistinguishable on a thumbnail.
const GIF_QUANT_SPEED: i32 = 10;

/// Decodes, resizes and re-encodes a PNG, WebP or GIF image.
pub fn resize_raster(
    data: &[u8],
    format: Format,
    params: &ResizeParams,
    budget: Budget,
) -> Result<Resized, ResizeError> {
    let image_format = match format {
        Format::Png => ImageFormat::Png,
        Format::WebP => ImageFormat::WebP,
        Format::Gif => ImageFormat::Gif,
        Format::Jpeg => return crate::jpeg::resize_jpeg(data.into(), params, budget),
    };
    let mut reader = ImageReader::with_format(Cursor::new(data), image_format);
    let mut limits = Limits::default();
    // A second line of defence behind the check below: the decoder itself refuses to allocate more
    // than the budget (RGBA16, 8 bytes per pixel, is the widest raster these formats decode to).
    let encoded = data.len() as u64;
    limits.max_alloc = Some(
        budget
            .image_bytes()
            .map_or(MAX_PIXELS * 8, |b| b.saturating_sub(encoded)),
    );
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(decode_error)?;
    let (w, h) = decoder.dimensions();
    let stored = Size::new(w, h);
    let bytes_per_pixel = u64::from(decoder.color_type().bytes_per_pixel());
    budget.check(stored, Cost::raster(bytes_per_pixel), data.len())?;
    // EXIF in PNG (eXIf) and WebP (EXIF chunk) is rare but phones do write it; GIF has none.
    let orientation = decoder.orientation().map(|o| o.to_exif()).unwrap_or(1);
    let img = DynamicImage::from_decoder(decoder).map_err(decode_error)?;
    let img = normalise(img, format);

    let plan = geometry::plan(stored, orientation, params.bound());
    let img = orient(lanczos(img, plan.stored_target)?, orientation);
    let bytes = encode(&img, format)?;
    Ok(Resized {
        format,
        bytes,
        original: plan.displayed,
        resized: Size::new(img.width(), img.height()),
    })
}

/// Brings the decoded raster into a layout that fast_image_resize and the target encoder accept.
fn normalise(img: DynamicImage, format: Format) -> DynamicImage {
    let has_alpha = img.color().has_alpha();
    match (format, &img) {
        // PNG keeps 16-bit depth and gray; these all map to fast_image_resize pixel types.
        (
            Format::Png,
            DynamicImage::ImageLuma8(_)
            | DynamicImage::ImageLumaA8(_)
            | DynamicImage::ImageRgb8(_)
            | DynamicImage::ImageRgba8(_)
            | DynamicImage::ImageLuma16(_)
            | DynamicImage::ImageLumaA16(_)
            | DynamicImage::ImageRgb16(_)
            | DynamicImage::ImageRgba16(_),
        ) => img,
        // WebP and GIF are 8-bit RGB(A) only.
        (_, DynamicImage::ImageRgb8(_) | DynamicImage::ImageRgba8(_)) => img,
        _ if has_alpha => DynamicImage::ImageRgba8(img.to_rgba8()),
        _ => DynamicImage::ImageRgb8(img.to_rgb8()),
    }
}

fn encode(img: &DynamicImage, format: Format) -> Result<Vec<u8>, ResizeError> {
    let mut out = Vec::new();
    let result = match format {
        Format::Png => img.write_with_encoder(PngEncoder::new(&mut out)),
        // The `image` crate only writes lossless WebP (see docs/resizer.md).
        Format::WebP => img.write_with_encoder(WebPEncoder::new_lossless(&mut out)),
        Format::Gif => {
            let rgba = img.to_rgba8();
            let mut enc = GifEncoder::new_with_speed(&mut out, GIF_QUANT_SPEED);
            enc.encode(
                rgba.as_raw(),
                rgba.width(),
                rgba.height(),
                image::ExtendedColorType::Rgba8,
            )
        }
        // Unreachable: JPEG never enters this pipeline (resize_raster hands it over first).
        Format::Jpeg => return crate::jpeg::encode(img, ResizeParams::default().jpeg_quality),
    };
    result.map_err(|e| ResizeError::Encode(e.to_string()))?;
    Ok(out)
}

fn decode_error(e: image::ImageError) -> ResizeError {
    ResizeError::Decode(e.to_string())
}
