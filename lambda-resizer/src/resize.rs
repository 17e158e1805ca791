//! The public resize entry point: sniff the format, dispatch to the JPEG or raster pipeline, and the
//! shared Lanczos3 + orientation steps both pipelines end with.

use std::borrow::Cow;

use fast_image_resize as fir;
use image::DynamicImage;
use image::metadata::Orientation;

use crate::error::ResizeError;
use crate::format::Format;
use crate::geometry::Size;
use crate::limits::Budget;

/// How to resize: the bounding box and the JPEG quality.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ResizeParams {
    pub max_width: u32,
    pub max_height: u32,
    /// 1..=100, used for JPEG output only.
    pub jpeg_quality: u8,
}

impl Default for ResizeParams {
    fn default() -> Self {
        Self {
            max_width: 1024,
            max_height: 1024,
            jpeg_quality: 85,
        }
    }
}

impl ResizeParams {
    pub fn bound(&self) -> Size {
        Size::new(self.max_width.max(1), self.max_height.max(1))
    }
}

/// A resized image, encoded, with what the log line and the S3 metadata need.
#[derive(Debug, Clone)]
pub struct Resized {
    pub format: Format,
    pub bytes: Vec<u8>,
    /// Original size as displayed (EXIF orientation applied).
    pub original: Size,
    /// Output size.
    pub resized: Size,
}

/// Resizes an encoded image to fit `params`, keeping its format. Never panics on bad input.
///
/// Takes `&Vec<u8>`, `&[u8]` or an owned `Vec<u8>`; given ownership, the JPEG path edits the bytes
/// in place instead of copying them (see [`crate::progressive`]), which keeps the peak memory down.
pub fn resize<'a>(
    data: impl Into<Cow<'a, [u8]>>,
    params: &ResizeParams,
) -> Result<Resized, ResizeError> {
    resize_within(data, params, Budget::UNLIMITED)
}

/// [`resize`] within a memory budget: an image whose decode would not fit is refused from its
/// header, before any pixel buffer is allocated.
pub fn resize_within<'a>(
    data: impl Into<Cow<'a, [u8]>>,
    params: &ResizeParams,
    budget: Budget,
) -> Result<Resized, ResizeError> {
    let data = data.into();
    match Format::sniff(&data).ok_or(ResizeError::NotAnImage)? {
        Format::Jpeg => crate::jpeg::resize_jpeg(data, params, budget),
        other => crate::raster::resize_raster(&data, other, params, budget),
    }
}

/// Lanczos3 to exactly `target` (SIMD via fast_image_resize; alpha is premultiplied for the filter
/// so transparent pixels do not bleed their colour). Returns the input untouched if already there.
///
/// 8-bit RGB and gray (every JPEG) take fast_image_resize's horizontal pass and our own vertical
/// one, which is several times faster than its vertical pass (see [`crate::vertical`]).
pub(crate) fn lanczos(src: DynamicImage, target: Size) -> Result<DynamicImage, ResizeError> {
    if src.width() == target.width && src.height() == target.height {
        return Ok(src);
    }
    let channels = match &src {
        DynamicImage::ImageRgb8(_) => 3,
        DynamicImage::ImageLuma8(_) => 1,
        _ => return fir_resize(&src, target),
    };
    let wide = if src.width() == target.width {
        src
    } else {
        fir_resize(&src, Size::new(target.width, src.height()))?
    };
    if wide.height() == target.height {
        return Ok(wide);
    }
    let rows = crate::vertical::resize_rows(
        wide.as_bytes(),
        target.width as usize * channels,
        wide.height() as usize,
        target.height as usize,
    );
    let bad = || ResizeError::Encode("resized buffer has the wrong size".into());
    Ok(if channels == 3 {
        DynamicImage::ImageRgb8(
            image::RgbImage::from_raw(target.width, target.height, rows).ok_or_else(bad)?,
        )
    } else {
        DynamicImage::ImageLuma8(
            image::GrayImage::from_raw(target.width, target.height, rows).ok_or_else(bad)?,
        )
    })
}

fn fir_resize(src: &DynamicImage, target: Size) -> Result<DynamicImage, ResizeError> {
    let mut dst = DynamicImage::new(target.width, target.height, src.color());
    let options = fir::ResizeOptions::new()
        .resize_alg(fir::ResizeAlg::Convolution(fir::FilterType::Lanczos3));
    fir::Resizer::new()
        .resize(src, &mut dst, &options)
        .map_err(|e| ResizeError::Encode(e.to_string()))?;
    Ok(dst)
}

/// Applies an EXIF orientation value (1..=8) to the (already small) output raster.
pub(crate) fn orient(mut img: DynamicImage, exif_orientation: u8) -> DynamicImage {
    if let Some(o) = Orientation::from_exif(exif_orientation) {
        img.apply_orientation(o);
    }
    img
}
