//! Target-size arithmetic: fitting a box without upscaling, EXIF orientation swaps, DCT scale choice.

/// A width × height in pixels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Size {
    pub width: u32,
    pub height: u32,
}

impl Size {
    pub const fn new(width: u32, height: u32) -> Self {
        Self { width, height }
    }

    /// The same size with the axes exchanged (what a 90° rotation does).
    pub const fn transposed(self) -> Self {
        Self::new(self.height, self.width)
    }

    pub fn pixels(self) -> u64 {
        u64::from(self.width) * u64::from(self.height)
    }
}

impl std::fmt::Display for Size {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}x{}", self.width, self.height)
    }
}

/// EXIF orientations 5–8 include a 90° turn, so the stored raster is the displayed one transposed.
pub fn swaps_axes(exif_orientation: u8) -> bool {
    matches!(exif_orientation, 5..=8)
}

/// Largest size with the aspect ratio of `src` that fits in `bound`; never larger than `src`.
///
/// Integer arithmetic on purpose: float rounding could turn 1024 into 1023 on one side.
pub fn fit_within(src: Size, bound: Size) -> Size {
    if src.width <= bound.width && src.height <= bound.height {
        return src;
    }
    let (w, h) = (u64::from(src.width), u64::from(src.height));
    let (bw, bh) = (
        u64::from(bound.width.max(1)),
        u64::from(bound.height.max(1)),
    );
    // w/bw >= h/bh  <=>  w*bh >= h*bw: the width is the limiting side.
    if w * bh >= h * bw {
        let nh = (h * bw + w / 2) / w;
        Size::new(bound.width.max(1), clamp_dim(nh))
    } else {
        let nw = (w * bh + h / 2) / h;
        Size::new(clamp_dim(nw), bound.height.max(1))
    }
}

fn clamp_dim(v: u64) -> u32 {
    u32::try_from(v.max(1)).unwrap_or(u32::MAX)
}

/// What to produce for one image, in both coordinate systems.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Plan {
    /// The image as a viewer shows it (after EXIF orientation).
    pub displayed: Size,
    /// The output as a viewer shows it.
    pub displayed_target: Size,
    /// The size to resize the *stored* raster to; orienting it afterwards gives `displayed_target`.
    pub stored_target: Size,
}

/// The box applies to the displayed image, so for orientations 5–8 the stored raster is resized to
/// the transposed target and rotated afterwards (rotating the small image is the cheap order).
pub fn plan(stored: Size, exif_orientation: u8, bound: Size) -> Plan {
    let swap = swaps_axes(exif_orientation);
    let displayed = if swap { stored.transposed() } else { stored };
    let displayed_target = fit_within(displayed, bound);
    let stored_target = if swap {
        displayed_target.transposed()
    } else {
        displayed_target
    };
    Plan {
        displayed,
        displayed_target,
        stored_target,
    }
}

/// libjpeg's scaled size for `dim` at `num`/8 (it rounds up).
pub fn dct_scaled(dim: u32, num: u32) -> u32 {
    let v = (u64::from(dim) * u64::from(num)).div_ceil(8);
    clamp_dim(v)
}

/// The numerator `num` of the strongest DCT reduction `num/8` whose result still covers `target` on
/// both sides, so that the Lanczos pass that follows only ever shrinks.
///
/// Decoding at 1/4 scale skips most of the IDCT work and 15/16 of the memory for the raster, which is
/// where most of the speed and the small peak RSS come from. Only 1/8, 2/8, 4/8 and 8/8 are used:
/// libjpeg-turbo has SIMD kernels for those, while 3/8, 5/8, 6/8 and 7/8 run in plain C — measured
/// on 4–18 MP photos, 5/8 and 6/8 were slower than decoding at full size, and 3/8 slower than 4/8.
pub fn dct_scale_eighths(stored: Size, target: Size) -> u32 {
    [1, 2, 4]
        .into_iter()
        .find(|&num| {
            dct_scaled(stored.width, num) >= target.width
                && dct_scaled(stored.height, num) >= target.height
        })
        .unwrap_or(8)
}

#[cfg(test)]
mod tests {
    use super::*;

    const BOX: Size = Size::new(1024, 1024);

    #[test]
    fn landscape_is_width_limited() {
        assert_eq!(fit_within(Size::new(4000, 3000), BOX), Size::new(1024, 768));
        assert_eq!(fit_within(Size::new(5184, 3456), BOX), Size::new(1024, 683));
    }

    #[test]
    fn portrait_is_height_limited() {
        assert_eq!(fit_within(Size::new(3000, 4000), BOX), Size::new(768, 1024));
        assert_eq!(
            fit_within(Size::new(1000, 3000), Size::new(800, 600)),
            Size::new(200, 600)
        );
    }

    #[test]
    fn never_upscales() {
        assert_eq!(fit_within(Size::new(640, 480), BOX), Size::new(640, 480));
        assert_eq!(
            fit_within(Size::new(1024, 1024), BOX),
            Size::new(1024, 1024)
        );
    }

    #[test]
    fn extreme_aspect_keeps_one_pixel() {
        assert_eq!(fit_within(Size::new(100_000, 10), BOX), Size::new(1024, 1));
    }

    #[test]
    fn orientation_6_swaps_the_box() {
        // A phone stores 4032x3024 and says "rotate 90° CW": the photo is portrait.
        let p = plan(Size::new(4032, 3024), 6, BOX);
        assert_eq!(p.displayed, Size::new(3024, 4032));
        assert_eq!(p.displayed_target, Size::new(768, 1024));
        assert_eq!(p.stored_target, Size::new(1024, 768));
        let q = plan(Size::new(4032, 3024), 1, Size::new(1024, 500));
        assert_eq!(q.stored_target, Size::new(667, 500));
        let r = plan(Size::new(4032, 3024), 8, Size::new(1024, 500));
        assert_eq!(r.displayed_target, Size::new(375, 500));
        assert_eq!(r.stored_target, Size::new(500, 375));
    }

    #[test]
    fn dct_scale_covers_target() {
        // 5184x3456 -> 1024x683: 2/8 gives 1296x864, 1/8 would give 648x432.
        assert_eq!(
            dct_scale_eighths(Size::new(5184, 3456), Size::new(1024, 683)),
            2
        );
        // 4000x3000 -> 1024x768: 2/8 gives 1000x750 (too small), so 4/8 (3/8 is not SIMD).
        assert_eq!(
            dct_scale_eighths(Size::new(4000, 3000), Size::new(1024, 768)),
            4
        );
        // 2448x1632 -> 1024x683: 4/8 gives 1224x816.
        assert_eq!(
            dct_scale_eighths(Size::new(2448, 1632), Size::new(1024, 683)),
            4
        );
        assert_eq!(
            dct_scale_eighths(Size::new(800, 600), Size::new(800, 600)),
            8
        );
        assert_eq!(
            dct_scale_eighths(Size::new(8192, 8192), Size::new(1024, 1024)),
            1
        );
        assert_eq!(dct_scaled(5, 1), 1);
    }
}
